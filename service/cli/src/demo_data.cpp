#include "kal/service/cli/demo_data.hpp"

#include <algorithm>
#include <ctime>

#include "kal/calendar/time.hpp"
#include "kal/db/attendance.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/scheduling.hpp"

namespace kal::service::cli {

namespace {

constexpr const char* city_slug = "boras-stad-overenskommelsen";

db::organisation org(db::organisation_kind kind, std::string name, std::string email) {
    db::organisation o;
    o.kind = kind;
    o.name = std::move(name);
    o.contact_email = std::move(email);
    o.contact_public = true;
    return o;
}

db::network net(db::network_kind kind, std::string name, std::string description, std::vector<db::id_t> owners) {
    db::network n;
    n.kind = kind;
    n.name = std::move(name);
    n.description = std::move(description);
    n.organisation_ids = std::move(owners);
    return n;
}

// Sign-ups and, for meetings that have taken place, check-ins, so that attendance and the
// yearly report have something to show. Deterministic (a fixed-seed generator per meeting);
// every person is invented and every address is under example.se.
void add_demo_attendance(db::database& database, std::int64_t now, const std::vector<db::id_t>& associations,
                         std::int64_t year_start, std::int64_t year_end, db::id_t first_fro) {
    static const char* const first_names[] = {"Anna", "Erik", "Fatima", "Johan", "Leila", "Maria", "Omar",
                                              "Sara", "Karl", "Amina", "Lars", "Elin", "Ahmed", "Ingrid"};
    static const char* const last_names[] = {"Andersson", "Berg", "Hassan", "Johansson", "Karlsson", "Lind",
                                             "Nilsson", "Persson", "Ali", "Svensson", "Öberg", "Åkesson"};
    static const char* const free_text[] = {"Studieförbundet Vuxenskolan", "PRO Borås", "Borås Schackklubb"};
    db::meeting_filter f;
    f.from_utc = year_start;
    f.to_utc = year_end;
    f.statuses = {db::meeting_status::published};
    f.limit = 200;
    int person = 0;
    for (;;) {
        auto page = database.read([&](db::unit_of_work& w) { return db::meetings{w}.list(f); });
        for (const auto& m : page.items) {
            if (m.start_utc < year_start) continue;
            std::uint32_t state = static_cast<std::uint32_t>(m.id) * 2654435761u + 12345u;
            auto next = [&state] {
                state = state * 1664525u + 1013904223u;
                return state >> 8;
            };
            int wanted = 6 + static_cast<int>(next() % 15);
            if (m.id == first_fro && m.capacity) wanted = *m.capacity + 3;  // full, with a waitlist
            const std::int64_t signed_at = std::min(now, m.start_utc - 7 * 86400);
            for (int i = 0; i < wanted; ++i, ++person) {
                db::rsvp r;
                r.meeting_id = m.id;
                r.name = std::string(first_names[person % 14]) + " " + last_names[(person / 14 + person) % 12];
                r.email = "deltagare" + std::to_string(person) + "@example.se";
                r.party_size = next() % 5 == 0 ? 2 : 1;
                r.language = next() % 4 == 0 ? db::language::en : db::language::sv;
                switch (next() % 4) {
                case 0: r.organisation_name = free_text[next() % 3]; break;
                case 1: break;  // on their own
                default: r.organisation_id = associations[next() % associations.size()];
                }
                try {
                    database.write(signed_at, [&](db::unit_of_work& w) {
                        db::rsvps{w}.sign_up(r, app::hash_secret(app::new_secret(app::secret_kind::sign_up_link)));
                    });
                } catch (const db::sign_up_refused&) {
                    // A quota or deadline: a demo sign-up that a real one would not get either.
                }
            }
            if (m.end_utc > now) continue;
            // The meeting has taken place: most who were confirmed came, and a few walked in.
            auto confirmed = database.read(
                [&](db::unit_of_work& w) { return db::rsvps{w}.list(m.id, {db::rsvp_status::confirmed}); });
            for (const auto& r : confirmed) {
                if (next() % 4 == 0) continue;
                db::checkin c;
                c.meeting_id = m.id;
                c.rsvp_id = r.id;
                database.write(m.end_utc, [&](db::unit_of_work& w) { db::attendance{w}.check_in(c); });
            }
            int walk_ins = static_cast<int>(next() % 4);
            for (int i = 0; i < walk_ins; ++i) {
                db::checkin c;
                c.meeting_id = m.id;
                c.name = "Gäst " + std::to_string(m.id) + "-" + std::to_string(i + 1);
                if (next() % 2) c.organisation_name = free_text[next() % 3];
                database.write(m.end_utc, [&](db::unit_of_work& w) { db::attendance{w}.check_in(c); });
            }
        }
        if (!page.next) break;
        f.after = page.next;
    }
}

}  // namespace

demo_summary load_demo_data(db::database& database, const config::settings& settings, std::int64_t now) {
    demo_summary summary;
    db::organisation_filter any;
    any.limit = 1;
    bool empty = database.read([&](db::unit_of_work& w) {
        if (db::organisations{w}.list(any).items.empty()) return true;
        if (auto city = db::organisations{w}.find_by_slug(city_slug)) summary.organiser_organisation = city->id;
        return false;
    });
    if (!empty) return summary;
    summary.loaded = true;
    std::vector<db::id_t> associations;
    db::id_t first_fro_id = 0;
    const std::string tz = settings.calendar.default_time_zone;
    const int year = std::stoi(calendar::to_local(now, tz).substr(0, 4));
    auto y = [year](const char* month_day) { return std::to_string(year) + "-" + month_day; };
    // The directory and the meetings in one unit of work: there whole or not at all.
    database.write(now, [&](db::unit_of_work& w) {
    db::organisations organisations{w};
    db::networks networks{w};
    db::venues venues{w};
    db::meetings meetings{w};

    auto city = organisations.create(
        org(db::organisation_kind::city_unit, "Borås Stad – Överenskommelsen", "overenskommelsen@example.boras.se"));
    auto folkhalsa = organisations.create(
        org(db::organisation_kind::city_unit, "Fritids- och folkhälsoförvaltningen", "folkhalsa@example.boras.se"));
    auto foreningsradet = organisations.create(
        org(db::organisation_kind::association, "Föreningsrådet i Borås", "kansli@example-foreningsradet.se"));
    auto kraftens_hus = organisations.create(org(db::organisation_kind::association, "Kraftens Hus", "info@example-kraftenshus.se"));
    auto roda_korset =
        organisations.create(org(db::organisation_kind::association, "Röda Korset Borås", "boras@example-rodakorset.se"));
    auto hyresgast = organisations.create(
        org(db::organisation_kind::association, "Hyresgästföreningen Norrby", "norrby@example-hyresgast.se"));
    summary.organiser_organisation = city.id;

    auto samradet = networks.create(net(db::network_kind::samrad, "Samrådet för Överenskommelsen",
                                             "Representanter från Det Idéburna och Borås Stad. Husets mittpunkt "
                                             "och navet för övriga rum i huset.",
                                             {city.id, foreningsradet.id}));
    auto fro = networks.create(net(db::network_kind::forum, "FRÖ – Forum för Överenskommelsen",
                                        "Tematiska FRÖ-möten, minst fyra om året, där staden och idéburna möts "
                                        "för lärande om varandra.",
                                        {city.id, foreningsradet.id}));
    auto integration = networks.create(net(db::network_kind::interest_network, "Nätverket för integration",
                                                "Förvaltningar och idéburna kring integration.",
                                                {folkhalsa.id, roda_korset.id}));
    auto psykisk = networks.create(net(db::network_kind::interest_network, "Nätverket för psykisk ohälsa",
                                            "Förvaltningar och idéburna kring psykisk ohälsa.",
                                            {folkhalsa.id, kraftens_hus.id}));
    auto norrby = networks.create(
        net(db::network_kind::area_network, "Områdesnätverk Norrby", "Geografiskt nätverk för Norrby.", {folkhalsa.id, hyresgast.id}));
    auto hassleholmen = networks.create(
        net(db::network_kind::area_network, "Områdesnätverk Hässleholmen", "Geografiskt nätverk för Hässleholmen.", {folkhalsa.id}));
    auto fristad = networks.create(
        net(db::network_kind::local_council, "Fristads ortsråd", "Ortsrådet där kommunen och idéburna i Fristad möts.", {city.id}));
    auto sandared = networks.create(
        net(db::network_kind::local_council, "Sandareds ortsråd", "Ortsrådet där kommunen och idéburna i Sandared möts.", {city.id}));
    (void)hassleholmen;

    auto venue = [&](std::string name, std::string address, int capacity, bool step_free, bool loop,
                     db::id_t owner, bool shared, double lat, double lon) {
        db::venue v;
        v.name = std::move(name);
        v.address = std::move(address);
        v.capacity = capacity;
        v.step_free = step_free;
        v.hearing_loop = loop;
        v.accessible_toilet = step_free;
        v.organisation_id = owner;
        v.shared = shared;
        v.latitude = lat;
        v.longitude = lon;
        return venues.create(v);
    };
    auto stadshuset = venue("Stadshuset, Sessionssalen", "Kungsgatan 55, 503 35 Borås", 120, true, true, city.id,
                            true, 57.7210, 12.9401);
    auto kulturhuset =
        venue("Kulturhuset, Lilla salen", "P A Halls Terrass 1, 503 38 Borås", 80, true, true, city.id, true, 57.7196,
              12.9370);
    auto kraftens_lokal = venue("Kraftens Hus, samlingssalen", "Sandwalls plats 3, 503 30 Borås", 40, true, false,
                                kraftens_hus.id, true, 57.7226, 12.9342);
    auto norrby_lokal = venue("Träffpunkt Norrby", "Norrby Långgata 40, 504 35 Borås", 35, true, false, hyresgast.id,
                              true, 57.7306, 12.9255);

    auto meeting = [&](db::meeting_type type, std::string title, std::string theme, std::string start, std::string end,
                       std::optional<db::id_t> venue_id, db::id_t organiser, std::vector<db::id_t> networks,
                       std::optional<int> capacity, db::meeting_status status = db::meeting_status::published) {
        db::meeting m;
        m.type = type;
        m.title = std::move(title);
        m.theme = std::move(theme);
        m.description = "Välkommen! Mötet är en del av Överenskommelsen mellan Borås Stad och Det Idéburna.\n"
                        "Welcome! This meeting is part of the compact between the City of Borås and civil society.";
        m.start_local = std::move(start);
        m.end_local = std::move(end);
        m.time_zone = tz;
        m.venue_id = venue_id;
        m.organisation_id = organiser;
        std::sort(networks.begin(), networks.end());
        m.network_ids = std::move(networks);
        m.capacity = capacity;
        m.status = status;
        app::set_instants(m);
        return meetings.create(m, db::venue_overlap::allow);
    };

    auto first_fro = meeting(db::meeting_type::fro, "FRÖ-möte: FRIA – integration för nyanlända och idéburna",
            "FRIA – integration för nyanlända och idéburna", y("03-12T18:00:00"), y("03-12T20:00:00"), kulturhuset.id,
            city.id, {fro.id, integration.id}, 60);
    meeting(db::meeting_type::fro, "FRÖ-möte: Kraftens Hus", "Kraftens Hus", y("05-07T18:00:00"), y("05-07T20:00:00"),
            kraftens_lokal.id, kraftens_hus.id, {fro.id, psykisk.id}, 40);
    meeting(db::meeting_type::fro, "FRÖ-möte: Socialt Hållbart Borås", "Socialt Hållbart Borås", y("09-17T18:00:00"),
            y("09-17T20:00:00"), kulturhuset.id, city.id, {fro.id}, 60);
    meeting(db::meeting_type::fro, "FRÖ-möte: Den europeiska koden", "Den europeiska koden för idéburet deltagande",
            y("10-22T18:00:00"), y("10-22T20:00:00"), stadshuset.id, foreningsradet.id, {fro.id}, 80);
    meeting(db::meeting_type::stormote, "Stormöte för Överenskommelsen " + std::to_string(year),
            "Uppföljning av årets verksamhet och aktiviteter", y("11-26T13:00:00"), y("11-26T16:30:00"),
            stadshuset.id, city.id, {samradet.id, fro.id}, 120);
    meeting(db::meeting_type::samrad, "Samrådet för Överenskommelsen", "", y("02-10T15:00:00"), y("02-10T17:00:00"), stadshuset.id,
            city.id, {samradet.id}, std::nullopt);
    meeting(db::meeting_type::samrad, "Samrådet för Överenskommelsen", "", y("06-09T15:00:00"), y("06-09T17:00:00"), stadshuset.id,
            city.id, {samradet.id}, std::nullopt);
    meeting(db::meeting_type::samrad, "Samrådet för Överenskommelsen", "", y("10-06T15:00:00"), y("10-06T17:00:00"), stadshuset.id,
            city.id, {samradet.id}, std::nullopt);
    meeting(db::meeting_type::network, "Fristads ortsråd", "", y("04-15T18:30:00"), y("04-15T20:30:00"), std::nullopt, city.id,
            {fristad.id}, std::nullopt);
    meeting(db::meeting_type::network, "Sandareds ortsråd", "", y("04-22T18:30:00"), y("04-22T20:30:00"), std::nullopt, city.id,
            {sandared.id}, std::nullopt);
    meeting(db::meeting_type::dialog, "Dialog: tillgängliggörande av lokaler", "Att nyttja varandras lokaler", y("08-27T14:00:00"),
            y("08-27T16:00:00"), kulturhuset.id, foreningsradet.id, {samradet.id}, 30);
    meeting(db::meeting_type::training, "Utbildning: lärande om varandra", "Om varandras verksamhet", y("03-26T09:00:00"),
            y("03-26T12:00:00"), kulturhuset.id, city.id, {}, 40);
    meeting(db::meeting_type::conference, "Kunskapskonferens om Överenskommelsen", "Idéburet offentligt partnerskap",
            y("12-03T09:00:00"), y("12-03T16:00:00"), stadshuset.id, city.id, {samradet.id}, 120, db::meeting_status::draft);
    auto cancelled = meeting(db::meeting_type::network, "Områdesnätverk Norrby – vårträff", "", y("04-08T17:00:00"),
                             y("04-08T19:00:00"), norrby_lokal.id, hyresgast.id, {norrby.id}, 35);
    meetings.cancel(cancelled.id);

    // A monthly network series: the first Tuesday of each month.
    db::series s;
    s.fields.type = db::meeting_type::network;
    s.fields.title = "Nätverket för psykisk ohälsa – månadsträff";
    s.fields.description = "Öppen träff för förvaltningar och idéburna. Open meeting for city units and associations.";
    s.fields.start_local = y("01-06T18:00:00");
    s.fields.end_local = y("01-06T20:00:00");
    s.fields.time_zone = tz;
    s.fields.venue_id = kraftens_lokal.id;
    s.fields.organisation_id = kraftens_hus.id;
    s.fields.network_ids = {psykisk.id};
    s.fields.capacity = 30;
    s.fields.status = db::meeting_status::published;
    s.rrule = "FREQ=MONTHLY;BYDAY=1TU;UNTIL=" + std::to_string(year + 1) + "1231T230000Z";
    s.exdates = {y("07-07T18:00:00")};  // summer break
    app::set_instants(s.fields);
    meetings.create_series(s, app::occurrences_of(s, settings, now), db::venue_overlap::allow);

    associations = {foreningsradet.id, kraftens_hus.id, roda_korset.id, hyresgast.id};
    first_fro_id = first_fro.id;
    });
    add_demo_attendance(database, now, associations, calendar::to_utc(y("01-01T00:00:00"), tz),
                        calendar::to_utc(std::to_string(year + 1) + "-01-01T00:00:00", tz), first_fro_id);
    return summary;
}

}  // namespace kal::service::cli
