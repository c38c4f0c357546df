// The calendar: the start page, an agenda of coming meetings grouped by day, and the month view,
// a table of the month's days. Both take the same filters as a plain GET form; the agenda pages
// on with a "more" link (keyset paging), the month with links to the months around it.

#include <charconv>
#include <chrono>
#include <map>

#include "kal/calendar/time.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/texts.hpp"
#include "page_cache.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

constexpr int agenda_page_size = 50;
// A month is read whole, in one snapshot; more than this many meetings in one month are said to
// be there (and the list shows them all) rather than drawn.
constexpr int month_limit = 1000;

// The filters of a calendar page, as the form sent them.
struct calendar_filters {
    std::string type, network, organisation, venue, from, to, search;
    std::optional<db::cursor> after;
    int page = 1;  // which page of the agenda, for its title and the "more" link; 1 without `efter`

    // What the month view keeps when it moves between months and to the list: all but the dates.
    std::vector<std::pair<std::string, std::string>> scope() const {
        return {{"typ", type}, {"natverk", network}, {"arrangor", organisation}, {"lokal", venue}, {"sok", search}};
    }
    std::vector<std::pair<std::string, std::string>> parameters() const {
        auto out = scope();
        out.emplace_back("fran", from);
        out.emplace_back("till", to);
        return out;
    }
    bool any() const { return !(type + network + organisation + venue + from + to + search).empty(); }
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
        f.page = 2;
    }
    if (auto page = req.query_value("sida")) {
        auto [end, ec] = std::from_chars(page->data(), page->data() + page->size(), f.page);
        if (ec != std::errc{} || end != page->data() + page->size() || f.page < 1 || f.page > 100000 ||
            (f.page > 1) != f.after.has_value())
            throw app::bad_parameter("sida", "a page number from 2 up, together with efter");
    }
    return f;
}

// The query of the filters that do not depend on the view: type, scope and words.
app::meeting_query scope_query(const calendar_filters& f) {
    app::meeting_query q;
    if (!f.type.empty()) q.types = {*db::parse_meeting_type(f.type)};
    q.statuses = {db::meeting_status::published, db::meeting_status::cancelled};
    if (!f.network.empty()) q.network = f.network;
    if (!f.organisation.empty()) q.organisation = f.organisation;
    if (!f.venue.empty()) q.venue = f.venue;
    q.q = f.search;
    return q;
}

app::meeting_query agenda_query(const calendar_filters& f, const std::string& today, const config::settings& s) {
    const auto& tz = s.calendar.default_time_zone;
    auto q = scope_query(f);
    q.from_utc = calendar::to_utc(f.from.empty() ? today : *calendar::normalize_date(f.from), tz);
    if (!f.to.empty()) q.to_utc = calendar::to_utc(calendar::add_days(*calendar::normalize_date(f.to), 1), tz);
    q.limit = agenda_page_size;
    q.after = f.after;
    return q;
}

void check_named(const calendar_filters& f, const app::surroundings& around) {
    named_in(around.networks, f.network, "natverk");
    named_in(around.organisations, f.organisation, "arrangor");
    named_in(around.venues, f.venue, "lokal");
}

// The Atom feed of what a calendar page lists: that of its one type, network, organiser or venue
// when it narrows to exactly one of them, else the feed of all meetings.
void link_atom(page_frame& frame, const calendar_filters& f, const app::surroundings& around) {
    const int scopes = !f.type.empty() + !f.network.empty() + !f.organisation.empty() + !f.venue.empty();
    if (scopes != 1) return link_atom_feed(frame, "", "", "");
    if (!f.type.empty())
        return link_atom_feed(frame, "types", f.type,
                              app::plural_label(*db::parse_meeting_type(f.type), frame.language));
    if (const auto* n = named_in(around.networks, f.network, "natverk"))
        return link_atom_feed(frame, "networks", n->slug, n->name);
    if (const auto* o = named_in(around.organisations, f.organisation, "arrangor"))
        return link_atom_feed(frame, "organisations", o->slug, o->name);
    if (const auto* v = named_in(around.venues, f.venue, "lokal")) link_atom_feed(frame, "venues", v->slug, v->name);
}

// The filter form (calendar_filters.html) and the list/month switch above it.
void fill_filters(dictionary& d, const calendar_filters& f, const app::surroundings& around, db::language language,
                  bool with_dates) {
    const auto& t = app::texts::of(language);
    add_select(d, {"filter-typ", "typ", t["calendar.type"], t["calendar.all_types"]}, type_choices(language, false),
               f.type);
    add_select(d, {"filter-natverk", "natverk", t["calendar.network"], t["calendar.all_networks"]},
               choices_of(around.networks), f.network);
    add_select(d, {"filter-arrangor", "arrangor", t["calendar.organisation"], t["calendar.all_organisations"]},
               choices_of(around.organisations), f.organisation);
    add_select(d, {"filter-lokal", "lokal", t["calendar.venue"], t["calendar.all_venues"]}, choices_of(around.venues),
               f.venue);
    d.set("search_value", f.search);
    if (with_dates) d.show("filter_dates").set("from_value", f.from).set("to_value", f.to);
    if (with_dates ? f.any() : !query_string(f.scope()).empty()) d.show("filters_open");
    d.include("calendar_filters", "calendar_filters.html");
}

// The day a meeting is listed under in the agenda: its own local date.
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
        add_listed_meeting(*day, m, listing.around, language, app::time_span_text(m, language));
    }
}

response agenda(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto filters = filters_of(req);
    const auto today = app::today(ctx.settings, ctx.now());
    auto listing = app::list_meetings_around(ctx, {}, agenda_query(filters, today, ctx.settings));
    check_named(filters, listing.around);
    const auto& t = app::texts::of(language);
    dictionary d(&pages.texts(language));
    fill_filters(d, filters, listing.around, language, true);
    fill_agenda(d, listing, today, language);
    d.show("view_list_current");
    d.set("filter_action", localised(language, "/"));
    d.set("list_href", localised(language, "/"));
    const auto month = (filters.from.empty() ? today : filters.from).substr(0, 7);
    d.set("month_href", with_query(localised(language, "/manad/" + month), filters.scope()));
    if (listing.page.next) {
        auto params = filters.parameters();
        params.emplace_back("efter", app::cursor_text(*listing.page.next));
        params.emplace_back("sida", std::to_string(filters.page + 1));
        d.show("has_more")
            .set("more_href", with_query(localised(language, "/"), params))
            .set("next_page", std::to_string(filters.page + 1));
    }
    if (listing.page.next || filters.page > 1) d.show("pager");
    if (filters.page > 1)
        d.show("not_first_page").set("first_href", with_query(localised(language, "/"), filters.parameters()));
    page_frame frame;
    frame.language = language;
    frame.path = "/";
    auto params = filters.parameters();
    if (filters.after) {
        params.emplace_back("efter", app::cursor_text(*filters.after));
        params.emplace_back("sida", std::to_string(filters.page));
    }
    frame.query = query_string(params);
    frame.title = t["calendar.title"];
    if (filters.page > 1) frame.title += ", " + t["calendar.page"] + " " + std::to_string(filters.page);
    frame.description = t["calendar.lead"];
    frame.section = section::calendar;
    frame.content_template = "agenda.html";
    link_atom(frame, filters, listing.around);
    return pages.render(frame, d);
}

// ---- the month ----------------------------------------------------------------------------

// "2026-12" -> {2026, 12}; not_found for anything else: a month is part of the address.
std::pair<int, int> month_of(const std::string& text) {
    int year = 0, month = 0;
    const bool shaped = text.size() == 7 && text[4] == '-' &&
                        std::from_chars(text.data(), text.data() + 4, year).ptr == text.data() + 4 &&
                        std::from_chars(text.data() + 5, text.data() + 7, month).ptr == text.data() + 7;
    // The years the time-zone arithmetic covers; months outside have no meetings anyway.
    if (!shaped || month < 1 || month > 12 || year < 1971 || year > 9998 || text[0] == '+' || text[5] == '+')
        throw app::not_found("no such month");
    return {year, month};
}

std::string month_key(int year, int month) {
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02d", year, month);
    return out;
}

std::chrono::year_month_day ymd_of(const std::string& date) {
    return {std::chrono::year(std::stoi(date.substr(0, 4))), std::chrono::month(std::stoul(date.substr(5, 2))),
            std::chrono::day(std::stoul(date.substr(8, 2)))};
}

std::string date_key(std::chrono::sys_days day) {
    std::chrono::year_month_day ymd(day);
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return out;
}

// The local dates a meeting takes place on: from its start to its end (an all-day meeting's end
// is the day after its last; a timed one ending at midnight ends the day before).
std::pair<std::string, std::string> days_of(const db::meeting& m) {
    const auto first = m.start_local.substr(0, 10);
    auto last = m.end_local.substr(0, 10);
    if (m.all_day || (last > first && m.end_local.substr(11) <= "00:00:00")) last = calendar::add_days(last, -1);
    return {first, std::max(first, last)};
}

struct month_entry {
    const db::meeting* meeting;
    bool continued;  // a later day of a meeting that began before
};

void fill_month(dictionary& d, const app::meeting_listing& listing, const std::string& key, const std::string& today,
                db::language language) {
    using namespace std::chrono;
    const auto first = key + "-01";
    const sys_days first_day(ymd_of(first));
    const auto last =
        date_key(sys_days(year_month_day_last(ymd_of(first).year(), month_day_last(ymd_of(first).month()))));
    std::map<std::string, std::vector<month_entry>> by_day;
    for (const auto& m : listing.page.items) {
        auto [from, to] = days_of(m);
        for (auto day = std::max(from, first); day <= std::min(to, last); day = calendar::add_days(day, 1))
            by_day[day].push_back({&m, day != from});
    }
    for (int i = 0; i < 7; ++i)
        d.add("weekday")
            .set("weekday_name", app::weekday_name(i, language))
            .set("weekday_abbr", app::weekday_abbreviation(i, language));
    // From the Monday on or before the first to the Sunday on or after the last.
    auto day = first_day - days((weekday(first_day).iso_encoding() + 6) % 7);
    const sys_days last_day(ymd_of(last));
    dictionary* week = nullptr;
    for (int i = 0; day <= last_day || i % 7 != 0; ++i, day += days(1)) {
        if (i % 7 == 0) week = &d.add("week");
        const auto date = date_key(day);
        const bool outside = date < first || date > last;
        auto& cell = week->add("month_day");
        cell.set("cell_date", date)
            .set("cell_weekday", app::weekday_name(i % 7, language))
            .set("cell_day", std::to_string(static_cast<unsigned>(year_month_day(day).day())))
            .set("cell_month",
                 app::month_name(static_cast<int>(static_cast<unsigned>(year_month_day(day).month())), language));
        cell.show(outside ? "cell_outside" : "cell_inside");
        if (date == today) cell.show("cell_today");
        auto found = outside ? by_day.end() : by_day.find(date);
        if (found == by_day.end()) {
            if (!outside) cell.show("cell_empty");
            continue;
        }
        auto& events = cell.show("cell_has_events");
        for (const auto& [m, continued] : found->second) {
            auto& e = events.add("month_event");
            e.set("event_href", localised(language, "/moten/" + std::to_string(m->id))).set("event_title", m->title);
            if (continued)
                e.show("event_continued");
            else
                e.show("event_starts")
                    .set("event_time",
                         m->all_day ? app::time_span_text(*m, language) : app::clock_text(m->start_local, language));
            e.show(m->status == db::meeting_status::cancelled ? "event_cancelled" : "event_not_cancelled");
        }
    }
    if (by_day.empty()) d.show("month_none");
    if (listing.page.next) d.show("month_truncated");
}

response month(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto [year, number] = month_of(req.params.at("month"));
    const auto key = month_key(year, number);
    const auto filters = filters_of(req);
    const auto today = app::today(ctx.settings, ctx.now());
    const auto& tz = ctx.settings.calendar.default_time_zone;
    const auto previous = number == 1 ? month_key(year - 1, 12) : month_key(year, number - 1);
    const auto next = number == 12 ? month_key(year + 1, 1) : month_key(year, number + 1);
    auto q = scope_query(filters);
    q.from_utc = calendar::to_utc(key + "-01", tz);
    q.to_utc = calendar::to_utc(next + "-01", tz);
    q.limit = month_limit;
    auto listing = app::list_meetings_around(ctx, {}, q);
    check_named(filters, listing.around);
    const auto& t = app::texts::of(language);
    dictionary d(&pages.texts(language));
    fill_filters(d, filters, listing.around, language, false);
    fill_month(d, listing, key, today, language);
    d.show("view_month_current");
    const auto path = "/manad/" + key;
    d.set("filter_action", localised(language, path));
    // The list from the first of the month on (from today for this month), with the same filters.
    auto list_params = filters.scope();
    if (key != today.substr(0, 7)) list_params.emplace_back("fran", key + "-01");
    d.set("list_href", with_query(localised(language, "/"), list_params));
    d.set("month_href", with_query(localised(language, path), filters.scope()));
    d.set("month_caption", app::month_heading(key, language));
    d.set("previous_href", with_query(localised(language, "/manad/" + previous), filters.scope()))
        .set("previous_text", app::month_heading(previous, language));
    d.set("next_href", with_query(localised(language, "/manad/" + next), filters.scope()))
        .set("next_text", app::month_heading(next, language));
    page_frame frame;
    frame.language = language;
    frame.path = path;
    frame.query = query_string(filters.scope());
    frame.title = app::month_heading(key, language) + " – " + t["calendar.title"];
    frame.description = t["calendar.lead"];
    frame.section = section::calendar;
    frame.content_template = "month.html";
    link_atom(frame, filters, listing.around);
    return pages.render(frame, d);
}

// /manad: this month, with the filters it was asked with.
response this_month(app::context& ctx, const site&, request& req, db::language language) {
    const auto filters = filters_of(req);
    response r;
    r.status = 302;  // "this month" moves on
    r.set_header(
        "Location",
        with_query(localised(language, "/manad/" + app::today(ctx.settings, ctx.now()).substr(0, 7)), filters.scope()));
    r.set_header("Cache-Control", "no-store");
    set_page_headers(r);
    return r;
}

}  // namespace

void add_calendar_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_cached_page(routes, ctx, pages, "/", agenda);
    add_cached_page(routes, ctx, pages, "/manad", this_month);
    add_cached_page(routes, ctx, pages, "/manad/{month}", month);
}

}  // namespace kal::service::web
