// The directory's pages: the networks by kind (/natverk) and a page per network, the organisations
// by kind (/organisationer) and a page per organisation, the shared venues with their
// accessibility (/lokaler) and a page per venue with its coming bookings. Each page of one thing
// lists its coming meetings and offers its feed (iCalendar and Atom).

#include <charconv>
#include <map>

#include "kal/calendar/time.hpp"
#include "kal/service/app/collation.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/scopes.hpp"
#include "kal/service/app/texts.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

// A network's page lists this many coming meetings; a venue's page this many bookings. The
// calendar, filtered to the thing, has them all.
constexpr int upcoming_count = 10;
constexpr int bookings_count = 50;

const std::string& text(db::language language, const std::string& key) { return app::texts::of(language)[key]; }

// Published and cancelled meetings from the start of today.
app::meeting_query coming(app::context& ctx, int limit) {
    app::meeting_query q;
    q.from_utc = calendar::to_utc(app::today(ctx.settings, ctx.now()), ctx.settings.calendar.default_time_zone);
    q.statuses = {db::meeting_status::published, db::meeting_status::cancelled};
    q.limit = limit;
    return q;
}

// Text in paragraphs: a blank line ends one.
void add_paragraphs(dictionary& d, const char* section, const std::string& text) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find("\n\n", start);
        auto paragraph = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        auto first = paragraph.find_first_not_of(" \n\t");
        if (first != std::string::npos) {
            paragraph = paragraph.substr(first, paragraph.find_last_not_of(" \n\t") - first + 1);
            d.add(section).set("paragraph_text", paragraph);
        }
        if (end == std::string::npos) break;
        start = end + 2;
    }
}

// The coming meetings of a thing's page (upcoming_list.html), and the calendar filtered to it.
void fill_upcoming(dictionary& d, const app::meeting_listing& listing, db::language language,
                   const std::pair<std::string, std::string>& filter) {
    if (listing.page.items.empty())
        d.show("no_upcoming");
    else
        d.show("has_upcoming");
    for (const auto& m : listing.page.items)
        add_listed_meeting(d, m, listing.around, language, app::when_text(m, language));
    if (listing.page.next) d.show("more_upcoming");
    d.set("scope_calendar_href", with_query(localised(language, "/"), {filter}));
    d.set("scope_month_href", with_query(localised(language, "/manad"), {filter}));
    d.include("upcoming_list", "upcoming_list.html");
}

// The subscribe box of a thing's page (scope_subscribe.html).
void fill_subscribe_box(dictionary& d, const site& pages, db::language language, const std::string& title,
                        const std::string& collection, const std::string& slug, const std::string& name) {
    d.set("scope_subscribe_title", title);
    add_subscription(d, pages,
                     {"flode-" + slug, name, "/feeds/" + collection + "/" + slug + ".ics",
                      "/feeds/" + collection + "/" + slug + ".atom", true});
    d.set("steps_href", localised(language, "/prenumerera") + "#steg");
    d.include("scope_subscribe", "scope_subscribe.html");
}

page_frame frame_of(db::language language, std::string path, std::string title, web::section section,
                    std::string content) {
    page_frame frame;
    frame.language = language;
    frame.path = std::move(path);
    frame.title = std::move(title);
    frame.section = section;
    frame.content_template = std::move(content);
    return frame;
}

std::string kind_key(db::network_kind k) { return std::string(db::to_text(k)); }
std::string kind_key(db::organisation_kind k) { return std::string(db::to_text(k)); }

// ---- networks -----------------------------------------------------------------------------

response networks(app::context& ctx, const site& pages, request&, db::language language) {
    const auto directory = app::directory_choices_of(ctx);  // in Swedish order
    dictionary d(&pages.texts(language));
    if (directory.networks.empty()) d.show("no_networks");
    for (auto kind : db::all_network_kinds) {
        dictionary* group = nullptr;
        for (const auto& n : directory.networks) {
            if (n.kind != kind) continue;
            if (!group)
                group = &d.add("network_kind")
                             .set("kind_id", "typ-" + kind_key(kind))
                             .set("kind_label", text(language, "network_kind_plural." + kind_key(kind)));
            auto& entry = group->add("network_entry");
            entry.set("entry_href", localised(language, "/natverk/" + n.slug)).set("entry_name", n.name);
            add_paragraphs(entry, "entry_paragraph", n.description);
        }
    }
    d.set("organisations_href", localised(language, "/organisationer"));
    auto frame = frame_of(language, "/natverk", text(language, "networks.title"), section::networks, "networks.html");
    frame.description = text(language, "networks.lead");
    return pages.render(frame, d);
}

response network(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto& slug = req.params.at("slug");
    const auto scope = app::network_scope_of(ctx, slug, coming(ctx, upcoming_count));
    const auto& n = scope.network;
    dictionary d(&pages.texts(language));
    d.set("scope_name", n.name).set("scope_kicker", text(language, "directory.kicker_network"));
    d.set("scope_kind", app::label(n.kind, language));
    add_paragraphs(d, "scope_paragraph", n.description);
    if (!scope.owners.empty()) d.show("has_owners");
    for (const auto& o : scope.owners)
        d.add("owner").set("owner_href", localised(language, "/organisationer/" + o.slug)).set("owner_name", o.name);
    fill_upcoming(d, scope.meetings, language, {"natverk", n.slug});
    fill_subscribe_box(d, pages, language, text(language, "networks.subscribe"), "networks", n.slug, n.name);
    auto frame = frame_of(language, "/natverk/" + n.slug, n.name, section::networks, "network.html");
    if (!n.description.empty()) frame.description = n.description;
    link_atom_feed(frame, "networks", n.slug, n.name);
    return pages.render(frame, d);
}

// ---- organisations ------------------------------------------------------------------------

response organisations(app::context& ctx, const site& pages, request&, db::language language) {
    const auto directory = app::directory_choices_of(ctx);
    dictionary d(&pages.texts(language));
    if (directory.organisations.empty()) d.show("no_organisations");
    for (auto kind : db::all_organisation_kinds) {
        dictionary* group = nullptr;
        for (const auto& o : directory.organisations) {
            if (o.kind != kind) continue;
            if (!group)
                group = &d.add("organisation_kind")
                             .set("kind_id", "typ-" + kind_key(kind))
                             .set("kind_label", text(language, "organisation_kind_plural." + kind_key(kind)));
            group->add("organisation_entry")
                .set("entry_href", localised(language, "/organisationer/" + o.slug))
                .set("entry_name", o.name);
        }
    }
    auto frame = frame_of(language, "/organisationer", text(language, "organisations.title"), section::none,
                          "organisations.html");
    frame.description = text(language, "organisations.lead");
    return pages.render(frame, d);
}

// A telephone number as a tel: link dials it: its digits and a leading +.
std::string dialled(const std::string& phone) {
    std::string out;
    for (char c : phone)
        if (std::isdigit(static_cast<unsigned char>(c)) || (c == '+' && out.empty())) out += c;
    return out;
}

// The number as it is read: its spaces and hyphens do not break (U+00A0, U+2011), so that no line
// ends inside it.
std::string unbroken(const std::string& phone) {
    std::string out;
    for (char c : phone) {
        if (c == ' ')
            out += "\u00A0";
        else if (c == '-')
            out += "\u2011";
        else
            out += c;
    }
    return out;
}

response organisation(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto scope = app::organisation_scope_of(ctx, req.params.at("slug"), coming(ctx, upcoming_count));
    const auto& o = scope.organisation.organisation;
    dictionary d(&pages.texts(language));
    d.set("scope_name", o.name).set("scope_kicker", text(language, "directory.kicker_organisation"));
    d.set("scope_kind", app::label(o.kind, language));
    // The use case has taken out what may not be shown; the flag says whether to say so.
    if (scope.organisation.shows_contact) {
        if (o.contact_email) d.show("org_has_email").set("org_email", *o.contact_email);
        if (o.contact_phone)
            d.show("org_has_phone")
                .set("org_phone", unbroken(*o.contact_phone))
                .set("org_phone_dial", dialled(*o.contact_phone));
    } else {
        d.show("org_no_contact");
    }
    if (!scope.networks.empty()) d.show("org_has_networks");
    for (const auto& n : scope.networks)
        d.add("org_network").set("entry_href", localised(language, "/natverk/" + n.slug)).set("entry_name", n.name);
    if (!scope.venues.empty()) d.show("org_has_venues");
    for (const auto& v : scope.venues)
        d.add("org_venue").set("entry_href", localised(language, "/lokaler/" + v.slug)).set("entry_name", v.name);
    fill_upcoming(d, scope.meetings, language, {"arrangor", o.slug});
    fill_subscribe_box(d, pages, language, text(language, "organisations.subscribe"), "organisations", o.slug, o.name);
    auto frame = frame_of(language, "/organisationer/" + o.slug, o.name, section::none, "organisation.html");
    link_atom_feed(frame, "organisations", o.slug, o.name);
    return pages.render(frame, d);
}

// ---- venues -------------------------------------------------------------------------------

// "57.721" for a coordinate: the shortest text that reads back as the same number.
std::string coordinate(double value) {
    char out[32];
    auto [end, ec] = std::to_chars(out, out + sizeof out, value);
    return ec == std::errc{} ? std::string(out, end) : std::string();
}

// What venue_facts.html shows of a venue, in an item of `section`.
dictionary& add_venue_facts(dictionary& d, const char* section, const db::venue& v,
                            const std::optional<db::organisation>& owner, db::language language) {
    auto& item = d.add(section);
    item.set("venue_name", v.name)
        .set("venue_slug", v.slug)
        .set("venue_href", localised(language, "/lokaler/" + v.slug))
        .include("venue_facts", "venue_facts.html");
    const bool map = v.latitude && v.longitude;
    if (!v.address.empty() || map) item.show("venue_has_address").set("venue_address", v.address);
    if (map) {
        const auto lat = coordinate(*v.latitude), lon = coordinate(*v.longitude);
        item.show("venue_has_map")
            .set("venue_map_href",
                 "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=17/" + lat + "/" + lon);
    }
    if (v.capacity) item.show("venue_has_capacity").set("venue_capacity", std::to_string(*v.capacity));
    // What is missing is said too: someone who needs a hearing loop must learn that there is none.
    for (const char* key : {v.step_free ? "venues.step_free" : "venues.not_step_free",
                            v.hearing_loop ? "venues.hearing_loop" : "venues.no_hearing_loop",
                            v.accessible_toilet ? "venues.accessible_toilet" : "venues.no_accessible_toilet"})
        item.add("venue_access").set("access_text", text(language, key));
    if (!v.accessibility_notes.empty()) item.show("venue_has_notes").set("venue_notes", v.accessibility_notes);
    if (owner)
        item.show("venue_has_owner")
            .set("venue_owner", owner->name)
            .set("venue_owner_href", localised(language, "/organisationer/" + owner->slug));
    return item;
}

response venues(app::context& ctx, const site& pages, request&, db::language language) {
    const auto directory = app::directory_choices_of(ctx);
    std::map<db::id_t, const db::organisation*> organisations;
    for (const auto& o : directory.organisations) organisations[o.id] = &o;
    dictionary d(&pages.texts(language));
    bool shared = false, others = false;
    for (const auto& v : directory.venues) {
        if (!v.shared) {
            others = true;
            d.add("other_venue").set("entry_href", localised(language, "/lokaler/" + v.slug)).set("entry_name", v.name);
            continue;
        }
        shared = true;
        std::optional<db::organisation> owner;
        if (v.organisation_id)
            if (auto o = organisations.find(*v.organisation_id); o != organisations.end()) owner = *o->second;
        add_venue_facts(d, "venue", v, owner, language);
    }
    if (!shared) d.show("no_shared");
    if (others) d.show("has_others");
    auto frame = frame_of(language, "/lokaler", text(language, "venues.title"), section::venues, "venues.html");
    frame.description = text(language, "venues.lead");
    return pages.render(frame, d);
}

response venue(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto scope = app::venue_scope_of(ctx, req.params.at("slug"), coming(ctx, bookings_count));
    const auto& v = scope.venue;
    dictionary d(&pages.texts(language));
    d.set("scope_name", v.name).set("scope_kicker", text(language, "directory.kicker_venue"));
    add_venue_facts(d, "venue", v, scope.owner, language);
    const auto& listing = scope.meetings;
    if (listing.page.items.empty())
        d.show("no_bookings");
    else
        d.show("has_bookings");
    d.set("bookings_caption", text(language, "venues.bookings") + ": " + v.name);
    for (const auto& m : listing.page.items) {
        auto& row = d.add("booking");
        row.set("booking_start", m.all_day ? m.start_local.substr(0, 10) : m.start_local.substr(0, 16))
            .set("booking_when", app::when_text(m, language))
            .set("booking_href", localised(language, "/moten/" + std::to_string(m.id)))
            .set("booking_title", m.title);
        row.show(m.status == db::meeting_status::cancelled ? "booking_cancelled" : "booking_not_cancelled");
        if (const auto* o = listing.around.organiser_of(m))
            row.set("booking_organiser", o->name)
                .set("booking_organiser_href", localised(language, "/organisationer/" + o->slug));
    }
    if (listing.page.next) d.show("more_upcoming");
    d.set("scope_calendar_href", with_query(localised(language, "/"), {{"lokal", v.slug}}));
    d.set("scope_month_href", with_query(localised(language, "/manad"), {{"lokal", v.slug}}));
    fill_subscribe_box(d, pages, language, text(language, "venues.subscribe"), "venues", v.slug, v.name);
    auto frame = frame_of(language, "/lokaler/" + v.slug, v.name, section::venues, "venue.html");
    link_atom_feed(frame, "venues", v.slug, v.name);
    return pages.render(frame, d);
}

}  // namespace

void add_directory_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_page(routes, ctx, pages, "GET", "/natverk", networks);
    add_page(routes, ctx, pages, "GET", "/natverk/{slug}", network);
    add_page(routes, ctx, pages, "GET", "/organisationer", organisations);
    add_page(routes, ctx, pages, "GET", "/organisationer/{slug}", organisation);
    add_page(routes, ctx, pages, "GET", "/lokaler", venues);
    add_page(routes, ctx, pages, "GET", "/lokaler/{slug}", venue);
}

}  // namespace kal::service::web
