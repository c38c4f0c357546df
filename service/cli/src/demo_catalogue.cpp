// The demo's fixed contents. Texts follow the city's pages about Överenskommelsen ("Organisation
// och Samråd", "Uppdragsplan för Överenskommelsen"); people, e-mail addresses and telephone
// numbers are invented (the numbers are from the range PTS sets aside for fiction, 070-174 06 05
// to 070-174 06 99).

#include "demo_catalogue.hpp"

#include <tuple>

namespace kal::service::cli::demo::catalogue {

namespace {

db::organisation organisation(db::organisation_kind kind, std::string name, std::string email, std::string phone) {
    db::organisation o;
    o.kind = kind;
    o.name = std::move(name);
    o.contact_email = std::move(email);
    o.contact_phone = std::move(phone);
    o.contact_public = true;
    return o;
}

planned_venue venue(std::string name, std::string address, int capacity, bool step_free, bool hearing_loop,
                    bool accessible_toilet, std::string notes, std::size_t owner, bool shared, double latitude,
                    double longitude) {
    planned_venue v;
    v.venue.name = std::move(name);
    v.venue.address = std::move(address);
    v.venue.capacity = capacity;
    v.venue.step_free = step_free;
    v.venue.hearing_loop = hearing_loop;
    v.venue.accessible_toilet = accessible_toilet;
    v.venue.accessibility_notes = std::move(notes);
    v.venue.shared = shared;
    v.venue.latitude = latitude;
    v.venue.longitude = longitude;
    v.owner = owner;
    return v;
}

planned_network network(db::network_kind kind, std::string name, std::string description,
                        std::vector<std::size_t> owners) {
    planned_network n;
    n.network.kind = kind;
    n.network.name = std::move(name);
    n.network.description = std::move(description);
    n.owners = std::move(owners);
    return n;
}

db::document_link document(std::string title, std::string url) { return {std::move(title), std::move(url)}; }

const std::string site = "https://boras.example.se/overenskommelsen/";

}  // namespace

std::vector<db::organisation> organisations() {
    using k = db::organisation_kind;
    return {
        organisation(k::city_unit, "Borås Stad – Överenskommelsen", "overenskommelsen@boras.example.se",
                     "070-174 06 05"),
        organisation(k::city_unit, "Fritids- och folkhälsoförvaltningen", "folkhalsa@boras.example.se",
                     "070-174 06 06"),
        organisation(k::city_unit, "Sociala omsorgsförvaltningen", "sociala.omsorg@boras.example.se", "070-174 06 07"),
        organisation(k::city_unit, "Arbetslivsförvaltningen", "arbetsliv@boras.example.se", "070-174 06 08"),
        organisation(k::city_unit, "Kulturförvaltningen", "kultur@boras.example.se", "070-174 06 09"),
        organisation(k::association, "Föreningsrådet i Borås", "kansli@foreningsradet.example.se", "070-174 06 10"),
        organisation(k::association, "Kraftens Hus", "info@kraftenshus.example.se", "070-174 06 11"),
        organisation(k::association, "Röda Korset Borås", "boras@rodakorset.example.se", "070-174 06 12"),
        organisation(k::association, "Hyresgästföreningen Norrby", "norrby@hyresgastforeningen.example.se",
                     "070-174 06 13"),
        organisation(k::association, "Fristads samhällsförening", "styrelsen@fristad.example.se", "070-174 06 14"),
        organisation(k::association, "Sandareds intresseförening", "info@sandared.example.se", "070-174 06 15"),
        organisation(k::association, "Föreningen Hässleholmen Tillsammans", "hej@hassleholmen.example.se",
                     "070-174 06 16"),
        organisation(k::other, "Välfärdsforum Sjuhärad", "kontakt@valfardsforum.example.se", "070-174 06 17"),
    };
}

std::vector<planned_venue> venues() {
    return {
        venue("Stadshuset, Sessionssalen", "Kungsgatan 55, 503 35 Borås", 120, true, true, true,
              "Entré från Kungsgatan med automatiska dörrar och hiss till plan 2. Hörselslinga i hela salen.", city,
              true, 57.7210, 12.9401),
        venue("Kulturhuset, Lilla salen", "P A Halls Terrass 1, 503 38 Borås", 80, true, true, true,
              "Ingång via Kulturhusets huvudentré, hiss till salen. Ställ hörapparaten på T för slingan.", kultur, true,
              57.7196, 12.9370),
        venue("Kulturhuset, Hörsalen", "P A Halls Terrass 1, 503 38 Borås", 220, true, true, true,
              "Platser för rullstol på första raden. Hörselslinga och skrivtolkning på skärm vid konferenser.", kultur,
              true, 57.7197, 12.9373),
        venue("Kraftens Hus, samlingssalen", "Sandwalls plats 3, 503 30 Borås", 40, true, false, true,
              "Ingen fast hörselslinga; en bärbar slinga kan lånas – skriv det i anmälan.", kraftens_hus, true, 57.7226,
              12.9342),
        venue("Träffpunkt Norrby", "Norrby Långgata 40, 504 35 Borås", 35, true, false, true,
              "Entré i markplan från torget. Ingen hörselslinga.", hyresgaster_norrby, true, 57.7306, 12.9255),
        venue("Mötesplats Hässleholmen", "Hässleholmsvägen 12, 506 33 Borås", 30, false, true, false,
              "Två trappsteg vid entrén och ingen ramp; toaletten är inte anpassad. Hör av dig, så flyttar vi "
              "mötet till en tillgänglig lokal.",
              hassleholmen_forening, true, 57.7349, 12.9164),
        venue("Fristads Folkets Hus, stora salen", "Centrumvägen 4, 513 31 Fristad", 60, true, true, true,
              "Ramp vid huvudentrén. Parkering för rörelsehindrade vid entrén.", fristad_forening, true, 57.8254,
              13.0142),
        venue("Sandareds medborgarhus", "Stationsvägen 2, 518 30 Sandared", 50, true, false, true,
              "Ramp på gaveln mot parkeringen; ingen hörselslinga.", sandared_forening, true, 57.7100, 12.7935),
        venue("Föreningsrådets kansli, mötesrummet", "Österlånggatan 7, 503 37 Borås", 20, true, false, false,
              "Hiss till plan 3. Toaletten är inte anpassad; en anpassad toalett finns i entréplanet.", foreningsradet,
              false, 57.7213, 12.9437),
    };
}

std::vector<planned_network> networks() {
    using k = db::network_kind;
    return {
        network(k::samrad, "Samrådet för Överenskommelsen",
                "Från och med 2018 finns ett Samråd med representanter från Det Idéburna och Borås Stad. Samrådet "
                "är husets mittpunkt och navet för övriga rum i huset; här finns också stödfunktionerna, "
                "arbetssätten och metoderna för Överenskommelsen. Samrådet håller det årliga stormötet.",
                {city, foreningsradet}),
        network(k::forum, "FRÖ – Forum för Överenskommelsen",
                "Minst fyra FRÖ-möten om året där staden och de idéburna möts för lärande om varandra och för att "
                "skapa möjligheter för samverkan. Teman väljs utifrån dokumentationen från stormötet.",
                {city, foreningsradet}),
        network(k::interest_network, "Nätverket för integration",
                "Ett av nätverken i staden som bygger på gemensamma intresseområden: representanter från "
                "förvaltningarna och de idéburna möts kring integration.",
                {arbetsliv, roda_korset}),
        network(k::interest_network, "Nätverket för psykisk ohälsa",
                "Ett nätverk kring ett gemensamt intresseområde: förvaltningar och idéburna som möter människor "
                "med psykisk ohälsa och deras anhöriga.",
                {sociala, kraftens_hus}),
        network(k::area_network, "Områdesnätverk Norrby",
                "Ett nätverk som bygger på geografiskt område: förvaltningarna och de idéburna på Norrby möts "
                "kring det som händer i stadsdelen.",
                {folkhalsa, hyresgaster_norrby}),
        network(k::area_network, "Områdesnätverk Hässleholmen",
                "Ett nätverk som bygger på geografiskt område: förvaltningarna och de idéburna på Hässleholmen "
                "möts kring trygghet, fritid och gemenskap i stadsdelen.",
                {folkhalsa, hassleholmen_forening}),
        network(k::local_council, "Fristads ortsråd",
                "Ett av råden där kommunen och idéburna möts: föreningar och boende i Fristad med företrädare för "
                "Borås Stad.",
                {city, fristad_forening}),
        network(k::local_council, "Sandareds ortsråd",
                "Ett av råden där kommunen och idéburna möts: föreningar och boende i Sandared med företrädare för "
                "Borås Stad.",
                {city, sandared_forening}),
        network(k::other, "Förvaltningsnätverket för Överenskommelsen",
                "Stadens eget rum i huset: nätverket mellan förvaltningarna, där vi arbetar med att skapa "
                "strukturella och ekonomiska förutsättningar för Överenskommelsen.",
                {city}),
        network(k::other, "Idéburnas nätverk",
                "Ett eget rum för de idéburna, där organisationerna hittar varandra och samverkar kring "
                "gemensamma intresseområden gentemot kommunen.",
                {foreningsradet}),
    };
}

namespace {

using t = db::meeting_type;

meeting_kind fro_meeting(std::string theme_title, std::string theme, std::string about, std::size_t organiser,
                         std::size_t venue_ref, std::vector<std::size_t> more_networks, int capacity, int parties) {
    meeting_kind k;
    k.type = t::fro;
    k.title = "FRÖ-möte: " + theme_title;
    k.theme = std::move(theme);
    k.description = std::move(about) +
                    "\n\nFRÖ-mötena är öppna för alla i Det Idéburna och för stadens förvaltningar. Fika från "
                    "17.45. Anmäl dig senast två dagar före.";
    k.organiser = organiser;
    k.venue = venue_ref;
    k.networks = {fro};
    k.networks.insert(k.networks.end(), more_networks.begin(), more_networks.end());
    k.capacity = capacity;
    k.parties = parties;
    k.lead_days = 42;
    k.deadline_days = 2;
    return k;
}

meeting_kind kind(t type, std::string title, std::string description, std::size_t organiser,
                  std::optional<std::size_t> venue_ref, std::vector<std::size_t> network_refs,
                  std::optional<int> capacity, int parties, int lead_days = 28) {
    meeting_kind k;
    k.type = type;
    k.title = std::move(title);
    k.description = std::move(description);
    k.organiser = organiser;
    k.venue = venue_ref;
    k.networks = std::move(network_refs);
    k.capacity = capacity;
    k.parties = parties;
    k.lead_days = lead_days;
    return k;
}

yearly_meeting yearly(unsigned month, unsigned weekday, unsigned nth, std::string start, std::string end,
                      meeting_kind ahead, std::optional<meeting_kind> behind = std::nullopt) {
    return {month, weekday, nth, std::move(start), std::move(end), std::move(ahead), std::move(behind)};
}

constexpr unsigned mon = 1, tue = 2, wed = 3, thu = 4, fri = 5;

std::vector<yearly_meeting> make_yearly() {
    std::vector<yearly_meeting> y;

    // FRÖ-möten: the coming ones take the themes the stormöte proposed; the last ones took other
    // priorities of the plan.
    y.push_back(yearly(3, thu, 2, "18:00", "20:00",
                       fro_meeting("FRIA", "FRIA – ett integrationsprojekt för nyanlända och idéburna",
                                   "FRIA är ett integrationsprojekt där nyanlända och idéburna organisationer möts. "
                                   "Projektet berättar om vad de har lärt sig och hur fler föreningar kan vara med.",
                                   city, kulturhuset_lilla, {integration}, 60, 38),
                       fro_meeting("Tillgängliggörande av lokaler", "Att nyttja varandras lokaler",
                                   "Hur kan staden och de idéburna öka möjligheten att nyttja varandras lokaler? "
                                   "Vi går igenom vilka lokaler som finns och hur de bokas.",
                                   city, kulturhuset_lilla, {}, 60, 31)));
    y.push_back(yearly(5, wed, 3, "18:00", "20:00",
                       fro_meeting("Kraftens Hus", "Kraftens Hus",
                                   "Kraftens Hus visar sitt arbete med och för människor med psykisk ohälsa och "
                                   "berättar om samverkan med stadens förvaltningar.",
                                   kraftens_hus, kraftens_lokal, {psykisk_ohalsa}, 40, 34),
                       fro_meeting("Idéburna tidigt i besluten", "Att komma in tidigt i beslutsprocesser",
                                   "Hur kommer de idéburna in tidigt i stadens beslutsprocesser? Föreningsrådet och "
                                   "förvaltningarna delar erfarenheter.",
                                   foreningsradet, kraftens_lokal, {}, 40, 27)));
    y.push_back(yearly(9, thu, 3, "18:00", "20:00",
                       fro_meeting("Socialt Hållbart Borås", "Socialt Hållbart Borås",
                                   "Om arbetet för ett socialt hållbart Borås: demokrati, folkhälsa, integration, "
                                   "gemenskap och social sammanhållning – och de idéburnas roll i det.",
                                   city, kulturhuset_lilla, {}, 60, 40),
                       fro_meeting("Medborgardialog", "Förenings- och organisationsperspektivet i medborgardialogen",
                                   "Hur tas föreningarnas och organisationernas perspektiv med när staden för "
                                   "medborgardialog? Vi går igenom utredningen och samlar synpunkter.",
                                   city, kulturhuset_lilla, {}, 60, 29)));
    y.push_back(yearly(10, tue, 4, "18:00", "20:00",
                       fro_meeting("Den europeiska koden",
                                   "Den europeiska koden för frivilligorganisationers "
                                   "deltagande i beslutsprocessen",
                                   "Vad säger den europeiska koden om hur idéburna organisationer deltar i "
                                   "beslutsprocesser, och hur kan vi använda den i Borås?",
                                   foreningsradet, stadshuset, {samradet}, 80, 42),
                       fro_meeting("Överenskommelsens principer", "De sex principerna för samverkan",
                                   "De sex principer som bildar vår gemensamma värdegrund: vad betyder de i "
                                   "vardagen, och var skaver det?",
                                   foreningsradet, stadshuset, {samradet}, 80, 39)));

    // The stormöte, where the year is followed up (late November; the plan for 2020 set 26 November).
    {
        auto k = kind(t::stormote, "Stormöte för Överenskommelsen {år}",
                      "Samrådets årliga stormöte. Verksamhet och aktiviteter för året redovisas, och vi samlar "
                      "förslag på teman till nästa års FRÖ-möten. Två platser per organisation; anmäl dig senast en "
                      "vecka före.",
                      city, stadshuset, {samradet, fro}, 120, 72, 90);
        k.theme = "Uppföljning av årets verksamhet och aktiviteter";
        k.deadline_days = 7;
        k.quota = 2;
        k.documents = {document("Dagordning", site + "stormote-{år}/dagordning.pdf"),
                       document("Uppdragsplan för Överenskommelsen", site + "uppdragsplan-{år}.pdf")};
        y.push_back(yearly(11, thu, 4, "13:00", "16:30", std::move(k)));
    }

    // Samrådet, four times a year in the afternoon.
    for (auto [month, nth] : {std::pair{2u, 2u}, {5u, 2u}, {9u, 1u}, {12u, 1u}}) {
        auto k = kind(t::samrad, "Samrådet för Överenskommelsen",
                      "Samrådets ordinarie möte med representanter från Det Idéburna och Borås Stad. Öppet för "
                      "åhörare.",
                      city, stadshuset, {samradet}, std::nullopt, 11, 21);
        k.documents = {document("Dagordning", site + "samradet/dagordning-{år}.pdf")};
        auto behind = k;
        behind.documents = {document("Minnesanteckningar", site + "samradet/minnesanteckningar-{år}.pdf")};
        y.push_back(yearly(month, wed, nth, "15:00", "17:00", std::move(k), std::move(behind)));
    }

    // A samråd where a city unit meets the associations about one group of people.
    y.push_back(yearly(3, tue, 4, "18:00", "20:00",
                       kind(t::samrad, "Samråd om feriejobb för unga",
                            "Arbetslivsförvaltningen och föreningarna planerar sommarens feriejobb: hur många platser "
                            "kan föreningarna ta emot, och hur når vi de unga som behöver dem mest?",
                            arbetsliv, kulturhuset_lilla, {integration}, 50, 24)));

    // Dialogues with the committees and between associations and the city.
    y.push_back(yearly(1, wed, 3, "18:00", "20:00",
                       kind(t::dialog, "Dialog med Fritids- och folkhälsonämnden",
                            "Nämndens politiker och förvaltningen möter de idéburna: vad ska prioriteras i årets "
                            "arbete med folkhälsa och fritid?",
                            folkhalsa, stadshuset, {samradet}, 80, 33)));
    y.push_back(yearly(4, wed, 4, "18:00", "20:00",
                       kind(t::dialog, "Dialog med Sociala omsorgsnämnden",
                            "Dialog med nämnden om samverkan kring stöd till människor i utsatta situationer.", sociala,
                            kulturhuset_lilla, {psykisk_ohalsa}, 60, 33)));
    {
        auto k = kind(t::dialog, "Dialog: att nyttja varandras lokaler",
                      "Verka för att öka möjligheten att nyttja varandras lokaler: vilka lokaler finns, vem får boka "
                      "och vad kostar det?",
                      foreningsradet, kulturhuset_lilla, {ideburna}, 50, 29);
        k.theme = "Tillgängliggörande av lokaler";
        y.push_back(yearly(8, tue, 3, "18:00", "20:00", std::move(k)));
    }
    y.push_back(yearly(11, tue, 2, "18:00", "20:00",
                       kind(t::dialog, "Dialog: idéburna tidigt in i beslutsprocesser",
                            "Hur kommer föreningarna in tidigt när staden bereder beslut som rör dem?", foreningsradet,
                            stadshuset, {ideburna, samradet}, 80, 37)));

    // Network meetings: the ortsråd, the area and interest networks, the two parties' own rooms.
    for (unsigned month : {2u, 5u, 9u, 11u})
        y.push_back(yearly(month, mon, 2, "18:30", "20:30",
                           kind(t::network, "Fristads ortsråd",
                                "Ortsrådets möte: föreningar och boende i Fristad tillsammans med Borås Stad. Frågor "
                                "till ortsrådet skickas till samhällsföreningen.",
                                fristad_forening, fristad_lokal, {fristad}, std::nullopt, 17, 21)));
    for (auto [month, nth] : {std::pair{3u, 3u}, {6u, 3u}, {10u, 3u}, {12u, 3u}})
        y.push_back(yearly(month, mon, nth, "18:30", "20:30",
                           kind(t::network, "Sandareds ortsråd",
                                "Ortsrådets möte: föreningar och boende i Sandared tillsammans med Borås Stad.",
                                sandared_forening, sandared_lokal, {sandared}, std::nullopt, 14, 21)));
    for (auto [month, nth] : {std::pair{1u, 4u}, {4u, 2u}, {8u, 4u}, {10u, 2u}})
        y.push_back(yearly(month, wed, nth, "18:00", "20:00",
                           kind(t::network, "Områdesnätverk Norrby",
                                "Förvaltningarna och de idéburna på Norrby: vad händer i stadsdelen, och vad kan vi "
                                "göra tillsammans?",
                                hyresgaster_norrby, norrby_lokal, {norrby}, 35, 19)));
    for (auto [month, nth] : {std::pair{1u, 2u}, {2u, 4u}, {5u, 4u}, {9u, 4u}})
        y.push_back(yearly(month, thu, nth, "18:00", "20:00",
                           kind(t::network, "Områdesnätverk Hässleholmen",
                                "Nätverksträff om trygghet, fritid och gemenskap på Hässleholmen.",
                                hassleholmen_forening, hassleholmen_lokal, {hassleholmen}, 30, 17)));
    for (unsigned month : {1u, 4u, 6u, 10u})
        y.push_back(yearly(month, tue, 3, "18:00", "20:00",
                           kind(t::network, "Nätverket för integration",
                                "Förvaltningar och idéburna kring integration: läget just nu, och vad nätverket "
                                "ska driva framåt.",
                                roda_korset, kulturhuset_lilla, {integration}, 50, 23)));
    for (auto [month, weekday, nth] :
         {std::tuple{1u, fri, 2u}, {3u, fri, 1u}, {6u, fri, 1u}, {9u, fri, 1u}, {12u, fri, 1u}}) {
        auto k = kind(t::network, "Förvaltningsnätverket för Överenskommelsen",
                      "Stadens förvaltningar stämmer av arbetet med Överenskommelsen. Digitalt möte; länken finns "
                      "här och i kallelsen.",
                      city, std::nullopt, {forvaltningar}, std::nullopt, 12, 14);
        k.online_url = "https://mote.example.se/overenskommelsen/forvaltningsnatverket";
        y.push_back(yearly(month, weekday, nth, "09:00", "10:30", std::move(k)));
    }
    for (auto [month, nth] : {std::pair{1u, 2u}, {3u, 1u}, {10u, 1u}})
        y.push_back(yearly(month, wed, nth, "18:00", "20:00",
                           kind(t::network, "Idéburnas nätverk",
                                "De idéburnas eget rum: organisationerna hittar varandra och förbereder frågor till "
                                "samrådet.",
                                foreningsradet, kansliet, {ideburna}, 20, 15)));

    // Around Lucia and Christmas, and the first weeks of the year.
    y.push_back(yearly(12, fri, 2, "17:00", "19:00",
                       kind(t::network, "Luciafika på Norrby",
                            "Områdesnätverket och föreningarna på Norrby bjuder på lussekatter och berättar om vårens "
                            "aktiviteter.",
                            hyresgaster_norrby, norrby_lokal, {norrby}, 35, 24, 21)));
    y.push_back(yearly(12, wed, 3, "17:00", "19:00",
                       kind(t::network, "Julfika i Idéburnas nätverk",
                            "Årets sista träff i de idéburnas eget rum: vad har vi åstadkommit, och vad tar vi med "
                            "till samrådet nästa år?",
                            foreningsradet, kansliet, {ideburna}, 20, 16, 21)));
    y.push_back(yearly(12, tue, 3, "18:00", "20:00",
                       kind(t::network, "Nätverket för integration: julavslutning",
                            "Nätverket avslutar året med fika och en genomgång av vad som hänt under året.",
                            roda_korset, kulturhuset_lilla, {integration}, 50, 26, 21)));

    // Summer, when the networks meet outdoors or plan the autumn.
    y.push_back(yearly(6, wed, 4, "18:00", "20:00",
                       kind(t::network, "Områdesnätverk Norrby: sommaravslutning",
                            "Terminens sista träff i områdesnätverket, med grillning på gården om vädret tillåter.",
                            hyresgaster_norrby, norrby_lokal, {norrby}, 35, 21)));
    y.push_back(yearly(7, thu, 1, "18:00", "20:00",
                       kind(t::network, "Sommarträff på Hässleholmen",
                            "Föreningarna på Hässleholmen visar vad som händer i stadsdelen under sommaren.",
                            hassleholmen_forening, hassleholmen_lokal, {hassleholmen}, 30, 15)));
    y.push_back(yearly(7, tue, 3, "18:30", "20:30",
                       kind(t::network, "Sommarfika i Fristad",
                            "Ortsrådets föreningar ses över en kopp kaffe; frågor till höstens ortsråd tas emot.",
                            fristad_forening, fristad_lokal, {fristad}, std::nullopt, 13, 21)));
    y.push_back(yearly(8, thu, 1, "18:00", "20:00",
                       kind(t::network, "Språkcafé i sommar – Nätverket för integration",
                            "Sommarens språkcafé: öva svenska utomhus och inomhus, alla nivåer välkomna.", roda_korset,
                            kulturhuset_lilla, {integration}, 40, 19, 21)));
    {
        auto k = kind(t::network, "Sommarträff i Stadsparken",
                      "Områdesnätverken och Nätverket för integration bjuder in till en sommarkväll i parken med "
                      "fika och föreningsbord. Ingen anmälan behövs, men den hjälper oss att räkna fikat.",
                      folkhalsa, std::nullopt, {integration, norrby, hassleholmen}, std::nullopt, 24, 21);
        k.location = "Stadsparken vid musikpaviljongen, Borås";
        y.push_back(yearly(7, wed, 2, "18:00", "20:00", std::move(k)));
    }
    y.push_back(yearly(7, thu, 4, "18:00", "20:00",
                       kind(t::network, "Sommarcafé på Norrby",
                            "Hyresgästföreningen och områdesnätverket håller sommarcafé med föreningarna på Norrby.",
                            hyresgaster_norrby, norrby_lokal, {norrby}, 35, 22)));
    y.push_back(yearly(6, tue, 1, "18:00", "20:00",
                       kind(t::dialog, "Sommarlovet: föreningarna och staden planerar tillsammans",
                            "Vilka aktiviteter erbjuder föreningarna och staden under sommarlovet, och hur når vi "
                            "barn och unga som annars inte är med?",
                            folkhalsa, kulturhuset_lilla, {ideburna}, 60, 27)));
    y.push_back(yearly(8, wed, 2, "18:00", "20:00",
                       kind(t::network, "Höststart för Överenskommelsen",
                            "Samrådet och nätverken samlas efter sommaren: höstens FRÖ-möten, stormötet och vad "
                            "nätverken planerar.",
                            foreningsradet, stadshuset, {samradet, ideburna}, 80, 34)));

    // Trainings: learning about each other.
    {
        auto k = kind(t::training, "Utbildning: Överenskommelsen för nya i föreningslivet",
                      "Vad är Överenskommelsen, vilka är parterna och hur kan din förening vara med? För nya "
                      "styrelseledamöter och tjänstepersoner.",
                      foreningsradet, kansliet, {ideburna}, 20, 17, 35);
        k.deadline_days = 3;
        y.push_back(yearly(2, wed, 2, "18:00", "20:00", std::move(k)));
    }
    {
        auto k = kind(t::training, "Lärande om varandra: så fungerar kommunens budgetprocess",
                      "En eftermiddag om hur staden planerar och beslutar om budgeten, och när föreningarna kan "
                      "påverka.",
                      city, stadshuset, {}, 40, 33, 42);
        k.deadline_days = 3;
        y.push_back(yearly(4, thu, 2, "13:00", "16:00", std::move(k)));
    }
    {
        auto k = kind(t::training, "Utbildning: idéburet offentligt partnerskap (IOP)",
                      "Om idéburet offentligt partnerskap: när passar det, hur går det till och vad säger "
                      "reglerna?",
                      city, kulturhuset_lilla, {samradet}, 30, 26, 42);
        k.deadline_days = 3;
        y.push_back(yearly(10, thu, 1, "13:00", "16:00", std::move(k)));
    }

    // The knowledge conference, all day.
    {
        auto k = kind(t::conference, "Kunskapskonferens om Överenskommelsen",
                      "En dag med föreläsningar och samtal om samverkan mellan det offentliga och det idéburna, med "
                      "gäster från andra kommuner. Lunch ingår; skriv kostönskemål i anmälan.",
                      city, kulturhuset_horsalen, {samradet, fro}, 200, 96, 90);
        k.theme = "Idéburet offentligt partnerskap och den europeiska koden";
        k.deadline_days = 14;
        k.documents = {document("Program", site + "kunskapskonferens-{år}/program.pdf"),
                       document("Anmälan för grupper", site + "kunskapskonferens-{år}/grupper.html")};
        y.push_back(yearly(4, thu, 4, "", "", std::move(k)));
    }
    return y;
}

near_meeting near(meeting_kind k, std::string start, std::string end, std::vector<std::size_t> venue_refs) {
    return {std::move(k), std::move(start), std::move(end), std::move(venue_refs)};
}

}  // namespace

const std::vector<yearly_meeting>& yearly_meetings() {
    static const auto all = make_yearly();
    return all;
}

const std::vector<near_meeting>& soon_meetings() {
    static const std::vector<near_meeting> all = {
        near(kind(t::network, "Språkcafé – Nätverket för integration",
                  "Öva svenska över en kopp kaffe tillsammans med föreningarna i nätverket. Alla nivåer är "
                  "välkomna.",
                  roda_korset, std::nullopt, {integration}, 30, 16, 21),
             "18:00", "20:00", {kulturhuset_lilla, stadshuset, kansliet}),
        near(kind(t::other, "Öppet hus: föreningslivets lokaler",
                  "Kom och titta på de lokaler som föreningarna och staden delar, och lär dig boka dem.",
                  foreningsradet, std::nullopt, {ideburna}, 20, 11, 21),
             "17:00", "19:00", {kansliet, kulturhuset_lilla, stadshuset}),
        near(kind(t::network, "Samverkansträff på Hässleholmen",
                  "Föreningarna och förvaltningarna på Hässleholmen planerar höstens och vårens aktiviteter.",
                  hassleholmen_forening, std::nullopt, {hassleholmen}, 30, 13, 21),
             "18:00", "20:00", {hassleholmen_lokal, norrby_lokal, kulturhuset_lilla}),
    };
    return all;
}

const std::vector<near_meeting>& recent_meetings() {
    static const std::vector<near_meeting> all = {
        near(kind(t::network, "Anhörigträff – Nätverket för psykisk ohälsa",
                  "Samtal om stödet till anhöriga, med Kraftens Hus och Sociala omsorgsförvaltningen.", kraftens_hus,
                  std::nullopt, {psykisk_ohalsa}, 30, 19, 21),
             "18:00", "20:00", {kraftens_lokal, kulturhuset_lilla, kansliet}),
        near(kind(t::network, "Föreningsträff i Fristad", "Föreningarna i Fristad träffas inför ortsrådet.",
                  fristad_forening, std::nullopt, {fristad}, 40, 18, 21),
             "18:30", "20:30", {fristad_lokal, sandared_lokal}),
        near(kind(t::network, "Språkcafé – Nätverket för integration",
                  "Öva svenska över en kopp kaffe tillsammans med föreningarna i nätverket. Alla nivåer är "
                  "välkomna.",
                  roda_korset, std::nullopt, {integration}, 30, 21, 21),
             "18:00", "20:00", {kulturhuset_lilla, stadshuset, kansliet}),
    };
    return all;
}

const near_meeting& full_training() {
    static const auto m = [] {
        auto k = kind(t::training, "Utbildning: att söka föreningsbidrag",
                      "Hur söker föreningen bidrag från staden, och vad ska redovisas efteråt? Få platser – "
                      "anmäl dig till väntelistan om kursen är full.",
                      folkhalsa, std::nullopt, {ideburna}, 20, 25, 35);
        k.deadline_days = 2;
        return near(std::move(k), "18:00", "20:00", {kansliet, kulturhuset_lilla});
    }();
    return m;
}

const near_meeting& cancelled_ahead() {
    static const auto m = near(kind(t::network, "Områdesnätverk Hässleholmen: extra träff om trygghet",
                                    "Träffen är inställd på grund av sjukdom. En ny tid kommer i nätverkets kalender.",
                                    hassleholmen_forening, std::nullopt, {hassleholmen}, 30, 12, 28),
                               "18:00", "20:00", {hassleholmen_lokal, norrby_lokal, kulturhuset_lilla});
    return m;
}

const near_meeting& cancelled_behind() {
    static const auto m = near(kind(t::dialog, "Dialog: lokalbidrag och föreningsbidrag",
                                    "Dialogen ställdes in och tas upp på nästa samrådsmöte i stället.", folkhalsa,
                                    std::nullopt, {samradet}, 60, 21, 28),
                               "18:00", "20:00", {stadshuset, kulturhuset_lilla});
    return m;
}

const near_meeting& draft_meeting() {
    static const auto m =
        near(kind(t::dialog, "Dialog om nästa plan för Överenskommelsen",
                  "Utkast: samrådet förbereder en dialog om prioriteringarna i nästa plan för Överenskommelsen.", city,
                  std::nullopt, {samradet}, 80, 0),
             "18:00", "20:00", {stadshuset, kulturhuset_lilla});
    return m;
}

const near_meeting& monthly_series() {
    static const auto m =
        near(kind(t::network, "Nätverket för psykisk ohälsa – månadsträff",
                  "Öppen träff första tisdagen i månaden för förvaltningar och idéburna. Uppehåll i juli.",
                  kraftens_hus, std::nullopt, {psykisk_ohalsa}, 30, 14, 21),
             "18:00", "20:00", {kraftens_lokal});
    return m;
}

namespace {

// "Åsa Öberg" -> "asa.oberg": the local part of an invented address.
std::string address_part(const std::string& name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        if (c == 0xC3 && i + 1 < name.size()) {
            unsigned char d = static_cast<unsigned char>(name[++i]);
            // å ä Å Ä -> a, ö Ö -> o, é É -> e, ü Ü -> u
            if (d == 0xA5 || d == 0xA4 || d == 0x85 || d == 0x84)
                out += 'a';
            else if (d == 0xB6 || d == 0x96)
                out += 'o';
            else if (d == 0xA9 || d == 0x89)
                out += 'e';
            else if (d == 0xBC || d == 0x9C)
                out += 'u';
        } else if (c == ' ')
            out += '.';
        else if (c < 0x80)
            out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

std::vector<person> make_people() {
    static const char* const first[] = {"Anna",   "Erik",  "Fatima", "Johan", "Leila", "Maria",    "Omar",
                                        "Sara",   "Karl",  "Amina",  "Lars",  "Elin",  "Ahmed",    "Ingrid",
                                        "Yusuf",  "Karin", "Hassan", "Eva",   "Ali",   "Birgitta", "Nils",
                                        "Zeynep", "Per",   "Aisha",  "Olle",  "Lina",  "Mehmet",   "Åsa"};
    static const char* const last[] = {"Andersson", "Berg",    "Johansson", "Karlsson",   "Lind",
                                       "Nilsson",   "Persson", "Svensson",  "Öberg",      "Åkesson",
                                       "Eriksson",  "Larsson", "Olsson",    "Gustafsson", "Hedlund",
                                       "Sandberg",  "Holm",    "Ekström",   "Lundqvist",  "Wallin"};
    static const char* const free_text[] = {"Studieförbundet Vuxenskolan Borås", "PRO Borås", "Borås Schackklubb",
                                            "Somaliska kulturföreningen i Borås", "Sjuhäradsbygdens Fågelklubb"};
    constexpr std::size_t n_first = std::size(first), n_last = std::size(last);
    std::vector<person> out;
    // 28 x 20 names; person i gets first[i % 28] and last[(i / 28 + i) % 20]: two with the same first
    // name are 28m apart and their last names 29m = 9m (mod 20), so all differ while m < 20.
    for (std::size_t i = 0; i < 180; ++i) {
        person p;
        p.name = std::string(first[i % n_first]) + " " + last[(i / n_first + i) % n_last];
        p.email = address_part(p.name) + "@example.se";
        switch (i % 20) {
            case 0:
            case 7:
            case 13:
            case 18:
                p.organisation = 1 + i % 4;
                break;  // a city unit's staff
            case 3:
            case 11:
                p.organisation_name = free_text[i % std::size(free_text)];
                break;
            case 5:
            case 9:
            case 15:
            case 16:
            case 19:
            case 2:
            case 17:
                break;  // on their own
            default:
                p.organisation = foreningsradet + i % (valfardsforum + 1 - foreningsradet);
        }
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

const std::vector<person>& people() {
    static const auto all = make_people();
    return all;
}

const std::vector<std::string>& needs() {
    static const std::vector<std::string> all = {"Hörselslinga, tack.", "Teckenspråkstolk",     "Vegetarisk kost",
                                                 "Glutenfri kost",      "Rullstolsplats",       "Tolk till arabiska",
                                                 "Laktosfri kost",      "Ledsagare följer med."};
    return all;
}

}  // namespace kal::service::cli::demo::catalogue
