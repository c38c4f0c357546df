// The calendar: the start page, an agenda of coming meetings grouped by day, with filters as a
// plain GET form and a "more" link (keyset paging).

#include "kal/calendar/time.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/texts.hpp"
#include "page_cache.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

constexpr int agenda_page_size = 50;

// The filters of a calendar page, as the form sent them.
struct calendar_filters {
    std::string type, network, organisation, venue, from, to, search;
    std::optional<db::cursor> after;

    std::vector<std::pair<std::string, std::string>> parameters() const {
        return {{"typ", type}, {"natverk", network}, {"arrangor", organisation}, {"lokal", venue},
                {"fran", from}, {"till", to}, {"sok", search}};
    }
    bool any() const { return !(type + network + organisation + venue + to + search).empty(); }
};

std::string value(const request& req, const char* name) { return req.query_value(name).value_or(""); }

calendar_filters filters_of(const request& req) {
    calendar_filters f{value(req, "typ"),  value(req, "natverk"), value(req, "arrangor"), value(req, "lokal"),
                       value(req, "fran"), value(req, "till"),    value(req, "sok"),      std::nullopt};
    if (!f.type.empty() && !db::parse_meeting_type(f.type)) throw app::bad_parameter("typ", "not a meeting type");
    for (auto* date : {&f.from, &f.to})
        if (!date->empty() && !calendar::normalize_date(*date))
            throw app::bad_parameter(date == &f.from ? "fran" : "till", "must be a date YYYY-MM-DD");
    if (f.search.size() > 200) throw app::bad_parameter("sok", "at most 200 characters");
    if (auto after = req.query_value("efter")) {
        f.after = app::cursor_of(*after);
        if (!f.after) throw app::bad_parameter("efter", "is not a position this site made");
    }
    return f;
}

app::meeting_query query_of(const calendar_filters& f, const std::string& today, const config::settings& s) {
    const auto& tz = s.calendar.default_time_zone;
    app::meeting_query q;
    q.from_utc = calendar::to_utc(f.from.empty() ? today : *calendar::normalize_date(f.from), tz);
    if (!f.to.empty()) q.to_utc = calendar::to_utc(calendar::add_days(*calendar::normalize_date(f.to), 1), tz);
    if (!f.type.empty()) q.types = {*db::parse_meeting_type(f.type)};
    q.statuses = {db::meeting_status::published, db::meeting_status::cancelled};
    if (!f.network.empty()) q.network = f.network;
    if (!f.organisation.empty()) q.organisation = f.organisation;
    if (!f.venue.empty()) q.venue = f.venue;
    q.q = f.search;
    q.limit = agenda_page_size;
    q.after = f.after;
    return q;
}

template <class Map>
void options(dictionary& d, const char* section, const Map& things, const std::string& selected) {
    std::vector<const typename Map::mapped_type*> sorted;
    for (const auto& [id, thing] : things) sorted.push_back(&thing);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
    for (const auto* thing : sorted) {
        auto& o = d.add(section).set("option_value", thing->slug).set("option_label", thing->name);
        if (thing->slug == selected) o.show("option_selected");
    }
}

void fill_filters(dictionary& d, const calendar_filters& f, const app::surroundings& around, db::language language) {
    for (const auto& [type, text] : db::meeting_type_texts) {
        auto& o = d.add("type_option").set("option_value", text).set("option_label", app::label(type, language));
        if (f.type == text) o.show("option_selected");
    }
    options(d, "network_option", around.networks, f.network);
    options(d, "organisation_option", around.organisations, f.organisation);
    options(d, "venue_option", around.venues, f.venue);
    d.set("from_value", f.from).set("to_value", f.to).set("search_value", f.search);
    if (f.any()) d.show("filters_open");
}

// The day a meeting is listed under: its own local date.
std::string day_of(const db::meeting& m) { return m.start_local.substr(0, 10); }

void fill_agenda(dictionary& d, const app::meeting_listing& listing, const std::string& today, db::language language) {
    if (listing.page.items.empty()) d.show("no_meetings");
    dictionary* day = nullptr;
    std::string current;
    for (const auto& m : listing.page.items) {
        if (!day || day_of(m) != current) {
            current = day_of(m);
            day = &d.add("day").set("day_date", current).set("day_text", app::date_text(current, language));
            if (current == today) day->show("day_today");
        }
        auto shown = listed(m, listing.around, language);
        auto& item = day->add("meeting");
        item.set("item_time", shown.time)
            .set("item_href", localised(language, "/moten/" + std::to_string(m.id)))
            .set("item_title", m.title)
            .set("item_type", app::label(m.type, language))
            .set("item_place", shown.place)
            .include("meeting_item", "meeting_item.html");
        if (m.status == db::meeting_status::cancelled) {
            item.show("cancelled");
            continue;
        }
        item.show("not_cancelled");
        if (shown.full) item.show("item_full");
        if (!shown.seats.empty()) item.show("item_has_seats").set("item_seats", shown.seats);
    }
}

response agenda(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto filters = filters_of(req);
    const auto today = app::today(ctx.settings, ctx.now());
    auto listing = app::list_meetings_around(ctx, {}, query_of(filters, today, ctx.settings));
    const auto& t = app::texts::of(language);
    dictionary d(&pages.texts(language));
    fill_filters(d, filters, listing.around, language);
    fill_agenda(d, listing, today, language);
    d.set("list_href", localised(language, "/"));
    d.set("month_href", localised(language, "/manad/" + (filters.from.empty() ? today : filters.from).substr(0, 7)));
    if (listing.page.next) {
        auto params = filters.parameters();
        params.emplace_back("efter", app::cursor_text(*listing.page.next));
        d.show("has_more").set("more_href", localised(language, "/") + "?" + query_string(params));
    }
    page_frame frame;
    frame.language = language;
    frame.path = "/";
    frame.query = query_string(filters.parameters());
    frame.title = t["calendar.title"];
    frame.description = t["calendar.lead"];
    frame.section = section::calendar;
    frame.content_template = "agenda.html";
    return pages.render(frame, d);
}

}  // namespace

void add_calendar_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_cached_page(routes, ctx, pages, "/", agenda);
}

}  // namespace kal::service::web
