// Meetings and series as JSON: /api/v1/meetings and /api/v1/series.

#include "common.hpp"
#include "json_body.hpp"
#include "meeting_json.hpp"
#include "kal/calendar/time.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/meetings.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

// ---- output -----------------------------------------------------------------------------------

json::object time_json(bool all_day, const std::string& local, const std::string& tz, std::int64_t utc,
                       const json::storage_ptr& sp = {}) {
    json::object j(sp);
    if (all_day) j["date"] = local;
    else j["local"] = local;
    j["time_zone"] = tz;
    j["utc"] = utc_text(utc);
    if (!all_day) j["offset_time"] = calendar::format_rfc3339(utc, tz);
    return j;
}

void fields_json(json::object& j, const db::meeting_fields& m) {
    const auto& sp = j.storage();
    j["type"] = db::to_text(m.type);
    j["title"] = m.title;
    j["description"] = m.description;
    j["theme"] = m.theme;
    j["all_day"] = m.all_day;
    j["start"] = time_json(m.all_day, m.start_local, m.time_zone, m.start_utc, sp);
    // All-day ranges are shown with their last day, as people say them; stored exclusive.
    j["end"] = time_json(m.all_day, m.all_day ? calendar::add_days(m.end_local, -1) : m.end_local, m.time_zone,
                         m.end_utc, sp);
    j["time_zone"] = m.time_zone;
    j["venue_id"] = optional_json(m.venue_id);
    j["location"] = m.location;
    j["online_url"] = m.online_url;
    j["organisation_id"] = m.organisation_id;
    json::array networks(sp);
    networks.reserve(m.network_ids.size());
    for (auto id : m.network_ids) networks.push_back(id);
    j["network_ids"] = std::move(networks);
    j["capacity"] = optional_json(m.capacity);
    j["registration_deadline"] =
        m.registration_deadline_utc ? json::value(utc_text(*m.registration_deadline_utc), sp) : json::value(nullptr);
    j["status"] = db::to_text(m.status);
    json::array docs(sp);
    for (const auto& d : m.documents) docs.push_back(json::object({{"title", d.title}, {"url", d.url}}, sp));
    j["documents"] = std::move(docs);
}

// The same fields as fields_json, in the same order, written straight out.
void write_time(json_writer& w, bool all_day, const std::string& local, const std::string& tz, std::int64_t utc) {
    w.begin_object();
    w.member(all_day ? "date" : "local", local);
    w.member("time_zone", tz);
    w.key("utc").plain(calendar::rfc3339_utc(utc).view());
    if (!all_day) w.key("offset_time").plain(calendar::rfc3339(utc, tz).view());
    w.end_object();
}

void write_fields(json_writer& w, const db::meeting_fields& m) {
    w.member("type", db::to_text(m.type));
    w.member("title", m.title);
    w.member("description", m.description);
    w.member("theme", m.theme);
    w.member("all_day", m.all_day);
    w.key("start");
    write_time(w, m.all_day, m.start_local, m.time_zone, m.start_utc);
    w.key("end");
    write_time(w, m.all_day, m.all_day ? calendar::add_days(m.end_local, -1) : m.end_local, m.time_zone, m.end_utc);
    w.member("time_zone", m.time_zone);
    w.key("venue_id").number_or_null(m.venue_id);
    w.member("location", m.location);
    w.member("online_url", m.online_url);
    w.member("organisation_id", m.organisation_id);
    w.key("network_ids").begin_array();
    for (auto id : m.network_ids) w.number(id);
    w.end_array();
    w.key("capacity").number_or_null(m.capacity);
    w.key("registration_deadline");
    if (m.registration_deadline_utc) w.plain(calendar::rfc3339_utc(*m.registration_deadline_utc).view());
    else w.null();
    w.member("status", db::to_text(m.status));
    w.key("documents").begin_array();
    for (const auto& d : m.documents) w.begin_object().member("title", d.title).member("url", d.url).end_object();
    w.end_array();
}

}  // namespace

json::object meeting_json(const db::meeting& m, const std::string& base_url, json::storage_ptr sp) {
    json::object j(std::move(sp));
    j["id"] = m.id;
    j["uid"] = m.uid;
    fields_json(j, m);
    j["sequence"] = m.sequence;
    j["series_id"] = optional_json(m.series_id);
    j["recurrence_id"] = m.recurrence_id.empty() ? json::value(nullptr) : json::value(m.recurrence_id, j.storage());
    j["overridden"] = m.overridden;
    j["url"] = base_url + "/api/v1/meetings/" + std::to_string(m.id);
    j["web_url"] = base_url + "/moten/" + std::to_string(m.id);  // app::meeting_link
    j["created_at"] = utc_text(m.created_at);
    j["updated_at"] = utc_text(m.updated_at);
    return j;
}

void write_meeting(json_writer& w, const db::meeting& m, const std::string& base_url) {
    w.begin_object();
    w.member("id", m.id);
    w.member("uid", m.uid);
    write_fields(w, m);
    w.member("sequence", m.sequence);
    w.key("series_id").number_or_null(m.series_id);
    w.key("recurrence_id");
    if (m.recurrence_id.empty()) w.null();
    else w.string(m.recurrence_id);
    w.member("overridden", m.overridden);
    const auto id = std::to_string(m.id);
    w.key("url").joined(base_url, "/api/v1/meetings/", id);
    w.key("web_url").joined(base_url, "/moten/", id);  // app::meeting_link
    w.key("created_at").plain(calendar::rfc3339_utc(m.created_at).view());
    w.key("updated_at").plain(calendar::rfc3339_utc(m.updated_at).view());
    w.end_object();
}

std::string meeting_list_text(const db::page<db::meeting>& page, const std::string& base_url) {
    std::string out;
    out.reserve(64 + page.items.size() * 1024);  // a meeting is about 1 KB
    json_writer w(out);
    w.begin_object().key("items").begin_array();
    for (const auto& m : page.items) write_meeting(w, m, base_url);
    w.end_array().key("next_cursor");
    if (page.next) w.string(encode_cursor(*page.next));
    else w.null();
    w.end_object();
    return out;
}

namespace {

json::object series_json(const db::series& s, const std::string& base_url) {
    json::object j;
    j["id"] = s.id;
    j["uid"] = s.uid;
    fields_json(j, s.fields);
    j["rrule"] = s.rrule;
    json::array ex;
    for (const auto& e : s.exdates) ex.push_back(json::value(e));
    j["exdates"] = std::move(ex);
    j["sequence"] = s.sequence;
    j["occurrences_url"] = base_url + "/api/v1/meetings?series=" + std::to_string(s.id);
    j["web_url"] = base_url + "/serier/" + std::to_string(s.id);  // app::series_link: its next meeting's page
    j["created_at"] = utc_text(s.created_at);
    j["updated_at"] = utc_text(s.updated_at);
    return j;
}

// ---- input ------------------------------------------------------------------------------------


void read_meeting(json_body& b, app::meeting_input& in) {
    in.type = b.text("type");
    in.title = b.text_not_null("title");
    in.description = b.text("description");
    in.theme = b.text("theme");
    in.all_day = b.boolean("all_day");
    in.start = b.text("start");
    in.end = b.text("end");
    in.time_zone = b.text("time_zone");
    in.venue_id = b.nullable_integer("venue_id");
    in.location = b.text("location");
    in.online_url = b.text("online_url");
    in.organisation_id = b.integer("organisation_id");
    in.network_ids = b.id_list("network_ids");
    in.capacity = b.nullable_integer("capacity");
    in.registration_deadline = b.nullable_text("registration_deadline");
    in.status = b.text("status");
    if (auto raw = b.raw("documents"); raw && !raw->is_null()) {
        if (!raw->is_array()) {
            b.error("documents", "must be an array of at most 20 {title, url} objects");
        } else {
            in.documents.emplace();
            for (std::size_t i = 0; i < raw->get_array().size(); ++i) {
                const auto& item = raw->get_array()[i];
                auto prefix = "documents[" + std::to_string(i) + "]";
                if (!item.is_object()) {
                    b.error(prefix, "must be an object with title and url");
                    continue;
                }
                json_body d(item.get_object(), prefix, &b.unreadable);
                d.only({"title", "url"});
                in.documents->push_back({d.text("title"), d.text("url")});
            }
        }
    }
}

app::meeting_input meeting_input_of(const request& req) {
    json_body b(req);
    b.only({"type", "title", "description", "theme", "all_day", "start", "end", "time_zone", "venue_id", "location",
            "online_url", "organisation_id", "network_ids", "capacity", "registration_deadline", "status",
            "documents"});
    app::meeting_input in;
    read_meeting(b, in);
    in.unreadable = std::move(b.unreadable);
    return in;
}

app::series_input series_input_of(const request& req) {
    json_body b(req);
    b.only({"type", "title", "description", "theme", "all_day", "start", "end", "time_zone", "venue_id", "location",
            "online_url", "organisation_id", "network_ids", "capacity", "registration_deadline", "status",
            "documents", "rrule", "exdates"});
    app::series_input in;
    read_meeting(b, in);
    in.rrule = b.text("rrule");
    if (auto raw = b.raw("exdates"); raw && !raw->is_null()) {
        if (!raw->is_array()) b.error("exdates", "must be an array of at most 1000 local start times");
        else {
            in.exdates.emplace();
            for (const auto& item : raw->get_array())
                in.exdates->push_back(item.is_string() ? std::string(item.get_string()) : std::string("?"));
        }
    }
    in.unreadable = std::move(b.unreadable);
    return in;
}

// ---- queries ----------------------------------------------------------------------------------

template <class Parse>
auto enum_list(const request& req, const std::string& name, Parse parse, const auto& table) {
    std::vector<std::remove_reference_t<decltype(*parse(""))>> out;
    for (const auto& value : req.query_values(name)) {
        std::size_t start = 0;
        while (start <= value.size()) {
            auto comma = value.find(',', start);
            auto item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            auto v = parse(item);
            if (!v) {
                std::string allowed;
                for (const auto& [e, text] : table) allowed += (allowed.empty() ? "" : ", ") + std::string(text);
                throw app::bad_parameter(name, "must be among " + allowed);
            }
            out.push_back(*v);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

std::optional<std::int64_t> instant_param(const request& req, const std::string& name, const std::string& tz) {
    auto v = req.query_value(name);
    if (!v) return std::nullopt;
    if (auto t = app::parse_instant(*v, tz)) return t;
    throw app::bad_parameter(name, "must be a date YYYY-MM-DD or an RFC 3339 time with offset");
}

std::string search_param(const request& req) {
    auto q = req.query_value("q").value_or("");
    if (q.size() > 200) throw app::bad_parameter("q", "at most 200 characters");
    return q;
}

app::meeting_query meeting_query_of(const request& req, const config::settings& settings) {
    app::meeting_query q;
    auto p = read_paging(req);
    q.limit = p.limit;
    q.after = p.after;
    const auto& tz = settings.calendar.default_time_zone;
    q.from_utc = instant_param(req, "from", tz);
    q.to_utc = instant_param(req, "to", tz);
    if (q.from_utc && q.to_utc && *q.to_utc < *q.from_utc) throw app::bad_parameter("to", "must not be before from");
    q.types = enum_list(req, "type", db::parse_meeting_type, db::meeting_type_texts);
    q.statuses = enum_list(req, "status", db::parse_meeting_status, db::meeting_status_texts);
    q.q = search_param(req);
    q.network = req.query_value("network");
    q.organisation = req.query_value("organisation");
    q.venue = req.query_value("venue");
    if (auto s = req.query_value("series")) {
        q.series_id = app::parse_id(*s);
        if (!q.series_id || s->size() > 18) throw app::bad_parameter("series", "must be a series id");
    }
    return q;
}

// ---- routes -------------------------------------------------------------------------------------

const std::string& base(const app::context& ctx) { return ctx.settings.server.public_base_url; }

// The list and the single meeting are written without a DOM: with a token they are never
// cached, so every such request renders (issue 13, item 3).
response json_text_ok(std::string body) {
    response r;
    r.status = 200;
    r.body = std::move(body);
    r.set_header("Content-Type", "application/json");
    return r;
}

response list_meetings(app::context& ctx, request& req) {
    auto page = app::list_meetings(ctx, credentials_of(req), meeting_query_of(req, ctx.settings));
    return json_text_ok(meeting_list_text(page, base(ctx)));
}

response create_meeting(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    auto overlap = venue_overlap_of(req);
    auto created = app::create_meeting(ctx, creds, meeting_input_of(req), overlap);
    auto r = json_ok(201, meeting_json(created, base(ctx)));
    r.set_header("Location", "/api/v1/meetings/" + std::to_string(created.id));
    return r;
}

response get_meeting(app::context& ctx, request& req) {
    auto m = app::find_meeting(ctx, credentials_of(req), path_id(req));
    std::string out;
    out.reserve(1536);
    json_writer w(out);
    write_meeting(w, m, base(ctx));
    return json_text_ok(std::move(out));
}

response change_meeting(app::context& ctx, request& req) {
    auto id = path_id(req);
    auto creds = credentials_of(req);
    auto overlap = venue_overlap_of(req);
    return json_ok(200, meeting_json(app::update_meeting(ctx, creds, id, meeting_input_of(req), overlap), base(ctx)));
}

response cancel_meeting(app::context& ctx, request& req) {
    auto id = path_id(req);
    return json_ok(200, meeting_json(app::cancel_meeting(ctx, credentials_of(req), id), base(ctx)));
}

response delete_meeting(app::context& ctx, request& req) {
    auto id = path_id(req);
    app::delete_meeting(ctx, credentials_of(req), id);
    return response{204, {}, {}};
}

response list_series(app::context& ctx, request& req) {
    app::series_query q;
    auto p = read_paging(req);
    q.limit = p.limit;
    q.after = p.after;
    q.q = search_param(req);
    q.organisation = req.query_value("organisation");
    auto page = app::list_series(ctx, credentials_of(req), q);
    return list_response(page, [&](const db::series& s) { return series_json(s, base(ctx)); });
}

response create_series(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    auto overlap = venue_overlap_of(req);
    auto created = app::create_series(ctx, creds, series_input_of(req), overlap);
    auto r = json_ok(201, series_json(created, base(ctx)));
    r.set_header("Location", "/api/v1/series/" + std::to_string(created.id));
    return r;
}

response get_series(app::context& ctx, request& req) {
    return json_ok(200, series_json(app::find_series(ctx, credentials_of(req), path_id(req)), base(ctx)));
}

response change_series(app::context& ctx, request& req) {
    auto id = path_id(req);
    auto creds = credentials_of(req);
    auto overlap = venue_overlap_of(req);
    return json_ok(200, series_json(app::update_series(ctx, creds, id, series_input_of(req), overlap), base(ctx)));
}

response delete_series(app::context& ctx, request& req) {
    auto id = path_id(req);
    app::delete_series(ctx, credentials_of(req), id);
    return response{204, {}, {}};
}

}  // namespace

void add_meeting_routes(http::router& routes, app::context& ctx) {
    add_public_read(routes, ctx, "/api/v1/meetings", bind(ctx, list_meetings));
    routes.add("POST", "/api/v1/meetings", bind(ctx, create_meeting));
    add_public_read(routes, ctx, "/api/v1/meetings/{id}", bind(ctx, get_meeting));
    routes.add("PATCH", "/api/v1/meetings/{id}", bind(ctx, change_meeting));
    routes.add("POST", "/api/v1/meetings/{id}/cancel", bind(ctx, cancel_meeting));
    routes.add("DELETE", "/api/v1/meetings/{id}", bind(ctx, delete_meeting));
}

void add_series_routes(http::router& routes, app::context& ctx) {
    add_public_read(routes, ctx, "/api/v1/series", bind(ctx, list_series));
    routes.add("POST", "/api/v1/series", bind(ctx, create_series));
    add_public_read(routes, ctx, "/api/v1/series/{id}", bind(ctx, get_series));
    routes.add("PATCH", "/api/v1/series/{id}", bind(ctx, change_series));
    routes.add("DELETE", "/api/v1/series/{id}", bind(ctx, delete_series));
}

}  // namespace kal::service::api
