// Meetings and series: JSON <-> model, time zone conversion and series expansion through
// calendar/, storage through db/.

#include <boost/json.hpp>
#include <chrono>

#include "api_common.hpp"
#include "kal/calendar/time.hpp"
#include "kal/service/scheduling.hpp"
#include "routes.hpp"

namespace kal::service::detail {
namespace json = boost::json;

namespace {

constexpr std::int64_t max_timed_duration = 31LL * 24 * 3600;
constexpr int max_all_day_days = 366;

std::int64_t naive_seconds(const std::string& local) { return calendar::to_utc(local, "UTC"); }

std::string values_of(const auto& list) {
    std::string out;
    for (auto v : list) out += (out.empty() ? "" : ", ") + std::string(v);
    return out;
}

// ---- output -------------------------------------------------------------------------------

json::object time_json(bool all_day, const std::string& local, const std::string& tz, std::int64_t utc) {
    json::object j;
    if (all_day) j["date"] = local;
    else j["local"] = local;
    j["time_zone"] = tz;
    j["utc"] = utc_text(utc);
    if (!all_day) j["offset_time"] = calendar::format_rfc3339(utc, tz);
    return j;
}

void fields_json(json::object& j, const db::meeting_fields& m) {
    j["type"] = m.type;
    j["title"] = m.title;
    j["description"] = m.description;
    j["theme"] = m.theme;
    j["all_day"] = m.all_day;
    j["start"] = time_json(m.all_day, m.start_local, m.time_zone, m.start_utc);
    // All-day ranges are shown with their last day, as people say them; stored exclusive.
    j["end"] = time_json(m.all_day, m.all_day ? calendar::add_days(m.end_local, -1) : m.end_local, m.time_zone,
                         m.end_utc);
    j["time_zone"] = m.time_zone;
    j["venue_id"] = optional_json(m.venue_id);
    j["location"] = m.location;
    j["online_url"] = m.online_url;
    j["organisation_id"] = m.organisation_id;
    j["network_ids"] = ids_json(m.network_ids);
    j["capacity"] = optional_json(m.capacity);
    j["registration_deadline"] =
        m.registration_deadline_utc ? json::value(utc_text(*m.registration_deadline_utc)) : json::value(nullptr);
    j["status"] = m.status;
    json::array docs;
    for (const auto& d : m.documents) docs.push_back(json::object{{"title", d.title}, {"url", d.url}});
    j["documents"] = std::move(docs);
}

json::object meeting_json(const db::meeting& m, const std::string& base_url) {
    json::object j;
    j["id"] = m.id;
    j["uid"] = m.uid;
    fields_json(j, m);
    j["sequence"] = m.sequence;
    j["series_id"] = optional_json(m.series_id);
    j["recurrence_id"] = m.recurrence_id.empty() ? json::value(nullptr) : json::value(m.recurrence_id);
    j["overridden"] = m.overridden;
    j["url"] = base_url + "/api/v1/meetings/" + std::to_string(m.id);
    j["created_at"] = utc_text(m.created_at);
    j["updated_at"] = utc_text(m.updated_at);
    return j;
}

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
    j["created_at"] = utc_text(s.created_at);
    j["updated_at"] = utc_text(s.updated_at);
    return j;
}

// ---- input --------------------------------------------------------------------------------

// Reads the meeting fields of a create (creating) or PATCH body over `m`, validating the whole
// result. Errors name the fields; nothing is stored here.
void apply_fields(json_fields& f, db::meeting_fields& m, bool creating, bool in_series,
                  const config::settings& settings) {
    if (creating) m.time_zone = settings.calendar.default_time_zone;
    if (auto v = f.text("type", 20, creating)) {
        if (db::is_one_of(*v, db::meeting_types)) m.type = *v;
        else f.error("type", "must be one of " + values_of(db::meeting_types));
    }
    if (creating || f.has("title"))
        if (auto v = f.text("title", 200, true)) m.title = *v;
    if (auto v = f.text("description", 10000, false, text_kind::multi_line)) m.description = *v;
    if (auto v = f.text("theme", 200, false)) m.theme = *v;

    // When: all_day, start, end, time_zone are read together.
    const bool was_all_day = m.all_day;
    if (auto v = f.boolean("all_day", false)) m.all_day = *v;
    std::string start = m.start_local;
    std::string end = (!creating && was_all_day) ? calendar::add_days(m.end_local, -1) : m.end_local;
    if (!creating && m.all_day != was_all_day && (!f.has("start") || !f.has("end")))
        f.error("all_day", "changing all_day needs start and end in the same request");
    if (auto v = f.text("start", 40, creating)) start = *v;
    if (auto v = f.text("end", 40, creating)) end = *v;
    if (auto v = f.text("time_zone", 64, false)) {
        if (calendar::is_known_time_zone(*v)) m.time_zone = *v;
        else f.error("time_zone", "is not a known IANA time zone such as Europe/Stockholm");
    }
    const bool times_ok = f.errors().empty();
    if (times_ok && (creating || f.has("start") || f.has("end") || f.has("all_day") || f.has("time_zone"))) {
        if (m.all_day) {
            auto s = calendar::normalize_date(start);
            auto e = calendar::normalize_date(end);
            if (!s) f.error("start", "must be a date YYYY-MM-DD for an all-day meeting");
            if (!e) f.error("end", "must be a date YYYY-MM-DD (the last day) for an all-day meeting");
            if (s && e) {
                if (*e < *s) f.error("end", "must not be before start");
                else if (naive_seconds(*e) - naive_seconds(*s) >= max_all_day_days * 86400LL)
                    f.error("end", "an all-day meeting lasts at most 366 days");
                m.start_local = *s;
                m.end_local = calendar::add_days(*e, 1);
            }
        } else {
            auto s = calendar::normalize_local_date_time(start);
            auto e = calendar::normalize_local_date_time(end);
            if (!s) f.error("start", "must be a local date and time YYYY-MM-DDTHH:MM[:SS] without offset");
            if (!e) f.error("end", "must be a local date and time YYYY-MM-DDTHH:MM[:SS] without offset");
            if (s && e) {
                m.start_local = *s;
                m.end_local = *e;
            }
        }
        if (f.errors().empty()) {
            m.start_utc = calendar::to_utc(m.start_local, m.time_zone);
            m.end_utc = calendar::to_utc(m.end_local, m.time_zone);
            if (!m.all_day) {
                if (m.end_utc <= m.start_utc) f.error("end", "must be after start");
                else if (m.end_utc - m.start_utc > max_timed_duration)
                    f.error("end", "a meeting lasts at most 31 days; use all_day or a series");
            }
        }
    }

    if (f.is_null("venue_id")) m.venue_id.reset();
    else if (auto v = f.integer("venue_id", 1, INT64_MAX, false)) m.venue_id = *v;
    if (auto v = f.text("location", 500, false, text_kind::multi_line)) m.location = *v;
    if (auto v = f.text("online_url", 2000, false)) {
        if (v->empty() || is_http_url(*v)) m.online_url = *v;
        else f.error("online_url", "must be an absolute http:// or https:// URL");
    }
    if (auto v = f.integer("organisation_id", 1, INT64_MAX, creating)) m.organisation_id = *v;
    if (auto v = f.id_list("network_ids", false)) m.network_ids = *v;
    if (f.is_null("capacity")) m.capacity.reset();
    else if (auto v = f.integer("capacity", 1, 100000, false)) m.capacity = static_cast<int>(*v);
    if (f.is_null("registration_deadline")) m.registration_deadline_utc.reset();
    else if (auto v = f.text("registration_deadline", 40, false)) {
        if (auto t = calendar::parse_rfc3339(*v)) m.registration_deadline_utc = *t;
        else f.error("registration_deadline", "must be RFC 3339 with an offset, e.g. 2026-11-20T12:00:00+01:00");
    }
    if (auto v = f.text("status", 20, false)) {
        if (*v == "draft" || *v == "published") m.status = *v;
        else if (*v == "cancelled")
            f.error("status", in_series ? "cancel single occurrences with POST /api/v1/meetings/{id}/cancel"
                                        : "cancel with POST /api/v1/meetings/{id}/cancel");
        else f.error("status", "must be draft or published");
    }
    if (auto raw = f.raw("documents"); raw && !raw->is_null()) {
        if (!raw->is_array() || raw->get_array().size() > 20) {
            f.error("documents", "must be an array of at most 20 {title, url} objects");
        } else {
            std::vector<db::document_link> docs;
            std::size_t i = 0;
            for (const auto& item : raw->get_array()) {
                std::string prefix = "documents[" + std::to_string(i++) + "]";
                if (!item.is_object()) {
                    f.error(prefix, "must be an object with title and url");
                    continue;
                }
                json_fields df(item.get_object(), prefix);
                df.only({"title", "url"});
                auto title = df.text("title", 200, true);
                auto url = df.text("url", 2000, true);
                if (url && !is_http_url(*url)) df.error("url", "must be an absolute http:// or https:// URL");
                for (auto& e : df.errors()) f.errors().push_back(e);
                if (title && url && df.errors().empty()) docs.push_back({*title, *url});
            }
            m.documents = std::move(docs);
        }
    }
}

// ---- series -------------------------------------------------------------------------------

std::vector<std::string> read_exdates(json_fields& f, bool all_day) {
    std::vector<std::string> out;
    auto raw = f.raw("exdates");
    if (!raw || raw->is_null()) return out;
    if (!raw->is_array() || raw->get_array().size() > 1000) {
        f.error("exdates", "must be an array of at most 1000 local start times");
        return out;
    }
    std::size_t i = 0;
    for (const auto& item : raw->get_array()) {
        std::string field = "exdates[" + std::to_string(i++) + "]";
        std::optional<std::string> v;
        if (item.is_string())
            v = all_day ? calendar::normalize_date(item.get_string())
                        : calendar::normalize_local_date_time(item.get_string());
        if (!v) f.errors().push_back({field, all_day ? "must be a date YYYY-MM-DD"
                                                     : "must be a local start YYYY-MM-DDTHH:MM[:SS]"});
        else out.push_back(*v);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void apply_series(json_fields& f, db::series& s, bool creating, const config::settings& settings) {
    apply_fields(f, s.fields, creating, true, settings);
    if (auto v = f.text("rrule", 500, creating)) {
        std::string rule = *v;
        if (rule.starts_with("RRULE:")) rule = rule.substr(6);
        if (auto why = calendar::check_rrule(rule, s.fields.all_day)) f.error("rrule", *why);
        else s.rrule = rule;
    } else if (!creating && f.has("all_day")) {
        if (auto why = calendar::check_rrule(s.rrule, s.fields.all_day)) f.error("rrule", *why);
    }
    if (f.has("exdates")) s.exdates = read_exdates(f, s.fields.all_day);
}

std::vector<db::occurrence> expand_or_fail(json_fields& f, const db::series& s, const config::settings& settings) {
    f.throw_if_errors();
    std::vector<db::occurrence> occurrences;
    try {
        occurrences = occurrences_of(s, settings);
    } catch (const calendar::error& e) {
        f.error("rrule", e.what());
    }
    if (f.errors().empty() && occurrences.empty()) f.error("rrule", "produces no occurrences");
    f.throw_if_errors();
    return occurrences;
}

void check_unknown_series_keys(json_fields& f) {
    f.only({"type",     "title",      "description",     "theme",       "all_day",  "start",
            "end",      "time_zone",  "venue_id",        "location",    "online_url", "organisation_id",
            "network_ids", "capacity", "registration_deadline", "status", "documents", "rrule", "exdates"});
}

void check_unknown_meeting_keys(json_fields& f) {
    f.only({"type",     "title",      "description",     "theme",       "all_day",  "start",
            "end",      "time_zone",  "venue_id",        "location",    "online_url", "organisation_id",
            "network_ids", "capacity", "registration_deadline", "status", "documents"});
}

// ---- queries ------------------------------------------------------------------------------

std::int64_t read_instant(const request& req, const std::string& name, const std::string& tz) {
    auto v = *req.query_value(name);
    if (auto t = calendar::parse_rfc3339(v)) return *t;
    if (auto d = calendar::normalize_date(v)) return calendar::to_utc(*d, tz);
    throw bad_parameter(name, "must be a date YYYY-MM-DD or an RFC 3339 time with offset");
}

std::vector<std::string> read_enum_list(const request& req, const std::string& name, const auto& allowed) {
    std::vector<std::string> out;
    for (const auto& value : req.query_values(name)) {
        std::size_t start = 0;
        while (start <= value.size()) {
            auto comma = value.find(',', start);
            auto item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!db::is_one_of(item, allowed)) throw bad_parameter(name, "must be among " + values_of(allowed));
            out.push_back(item);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

bool visible(const db::meeting_fields& m, const std::optional<principal>& who) {
    return m.status != "draft" || (who && who->may_write_for(m.organisation_id));
}

}  // namespace

void register_meeting_routes(router& routes, app_context& ctx) {
    auto& store = ctx.store;
    const auto& settings = ctx.settings;
    const auto& base = settings.server.public_base_url;

    routes.add("GET", "/api/v1/meetings", [&store, &settings, &base](request& req) {
        db::meeting_filter f;
        auto p = read_paging(req);
        f.limit = p.limit;
        f.after = p.after;
        const auto& tz = settings.calendar.default_time_zone;
        if (req.query_value("from")) f.from_utc = read_instant(req, "from", tz);
        if (req.query_value("to")) f.to_utc = read_instant(req, "to", tz);
        if (f.from_utc && f.to_utc && *f.to_utc < *f.from_utc) throw bad_parameter("to", "must not be before from");
        f.types = read_enum_list(req, "type", db::meeting_types);
        f.statuses = read_enum_list(req, "status", db::meeting_statuses);
        f.q = req.query_value("q").value_or("");
        if (f.q.size() > 200) throw bad_parameter("q", "at most 200 characters");
        f.network_id = id_or_slug(req, "network", [&](const std::string& s) { return store.find_network_by_slug(s); });
        f.organisation_id = id_or_slug(req, "organisation", [&](const std::string& s) {
            return store.find_organisation_by_slug(s);
        });
        f.venue_id = id_or_slug(req, "venue", [&](const std::string& s) { return store.find_venue_by_slug(s); });
        if (auto s = req.query_value("series")) {
            if (s->empty() || s->size() > 18 || s->find_first_not_of("0123456789") != std::string::npos)
                throw bad_parameter("series", "must be a series id");
            f.series_id = std::stoll(*s);
        }
        auto who = authenticate(req, store);
        if (who && who->is_admin()) f.include_all_drafts = true;
        else if (who) f.drafts_of_organisation = who->token.organisation_id;
        return list_response(store.list_meetings(f), [&](const db::meeting& m) { return meeting_json(m, base); });
    });

    routes.add("POST", "/api/v1/meetings", [&store, &settings, &base](request& req) {
        auto who = require_principal(req, store);
        auto overlap = allows_venue_conflict(req) ? db::venue_overlap::allow : db::venue_overlap::refuse;
        auto body = parse_json_object(req);
        json_fields f(body);
        check_unknown_meeting_keys(f);
        db::meeting m;
        apply_fields(f, m, true, false, settings);
        f.throw_if_errors();
        require_write(who, m.organisation_id);
        auto created = store.create_meeting(m, overlap);
        auto r = json_ok(201, meeting_json(created, base));
        r.set_header("Location", "/api/v1/meetings/" + std::to_string(created.id));
        return r;
    });

    routes.add("GET", "/api/v1/meetings/{id}", [&store, &base](request& req) {
        auto id = path_id(req);
        auto who = authenticate(req, store);
        auto m = store.find_meeting(id);
        // A draft is as invisible to others as a meeting that does not exist.
        if (!m || !visible(*m, who)) throw problems::not_found("No meeting " + std::to_string(id));
        return json_ok(200, meeting_json(*m, base));
    });

    routes.add("PATCH", "/api/v1/meetings/{id}", [&store, &settings, &base](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto overlap = allows_venue_conflict(req) ? db::venue_overlap::allow : db::venue_overlap::refuse;
        auto m = store.find_meeting(id);
        if (!m || !visible(*m, who)) throw problems::not_found("No meeting " + std::to_string(id));
        require_write(who, m->organisation_id);
        auto body = parse_json_object(req);
        json_fields f(body);
        check_unknown_meeting_keys(f);
        if (m->status == "cancelled" && f.has("status"))
            f.error("status", "a cancelled meeting stays cancelled; create a new one");
        apply_fields(f, *m, false, m->series_id.has_value(), settings);
        f.throw_if_errors();
        require_write(who, m->organisation_id);
        return json_ok(200, meeting_json(store.update_meeting(*m, overlap), base));
    });

    routes.add("POST", "/api/v1/meetings/{id}/cancel", [&store, &base](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto m = store.find_meeting(id);
        if (!m || !visible(*m, who)) throw problems::not_found("No meeting " + std::to_string(id));
        require_write(who, m->organisation_id);
        return json_ok(200, meeting_json(store.cancel_meeting(id), base));
    });

    routes.add("DELETE", "/api/v1/meetings/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto m = store.find_meeting(id);
        if (!m || !visible(*m, who)) throw problems::not_found("No meeting " + std::to_string(id));
        require_write(who, m->organisation_id);
        store.delete_meeting(id);
        return response{204, {}, {}};
    });

    routes.add("GET", "/api/v1/series", [&store, &base](request& req) {
        db::name_filter f;
        auto p = read_paging(req);
        f.limit = p.limit;
        f.after = p.after;
        f.q = req.query_value("q").value_or("");
        if (f.q.size() > 200) throw bad_parameter("q", "at most 200 characters");
        f.organisation_id = id_or_slug(req, "organisation", [&](const std::string& s) {
            return store.find_organisation_by_slug(s);
        });
        auto who = authenticate(req, store);
        auto page = store.list_series(f);
        // Draft series are filtered here; a page may then hold fewer than limit items.
        std::erase_if(page.items, [&](const db::series& s) { return !visible(s.fields, who); });
        return list_response(page, [&](const db::series& s) { return series_json(s, base); });
    });

    routes.add("POST", "/api/v1/series", [&store, &settings, &base](request& req) {
        auto who = require_principal(req, store);
        auto overlap = allows_venue_conflict(req) ? db::venue_overlap::allow : db::venue_overlap::refuse;
        auto body = parse_json_object(req);
        json_fields f(body);
        check_unknown_series_keys(f);
        db::series s;
        apply_series(f, s, true, settings);
        auto occurrences = expand_or_fail(f, s, settings);
        require_write(who, s.fields.organisation_id);
        auto created = store.create_series(s, occurrences, overlap);
        auto r = json_ok(201, series_json(created, base));
        r.set_header("Location", "/api/v1/series/" + std::to_string(created.id));
        return r;
    });

    routes.add("GET", "/api/v1/series/{id}", [&store, &base](request& req) {
        auto id = path_id(req);
        auto who = authenticate(req, store);
        auto s = store.find_series(id);
        if (!s || !visible(s->fields, who)) throw problems::not_found("No series " + std::to_string(id));
        return json_ok(200, series_json(*s, base));
    });

    routes.add("PATCH", "/api/v1/series/{id}", [&store, &settings, &base](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto overlap = allows_venue_conflict(req) ? db::venue_overlap::allow : db::venue_overlap::refuse;
        auto s = store.find_series(id);
        if (!s || !visible(s->fields, who)) throw problems::not_found("No series " + std::to_string(id));
        require_write(who, s->fields.organisation_id);
        auto body = parse_json_object(req);
        json_fields f(body);
        check_unknown_series_keys(f);
        apply_series(f, *s, false, settings);
        auto occurrences = expand_or_fail(f, *s, settings);
        require_write(who, s->fields.organisation_id);
        return json_ok(200, series_json(store.update_series(*s, occurrences, overlap), base));
    });

    routes.add("DELETE", "/api/v1/series/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto s = store.find_series(id);
        if (!s || !visible(s->fields, who)) throw problems::not_found("No series " + std::to_string(id));
        require_write(who, s->fields.organisation_id);
        store.delete_series(id);
        return response{204, {}, {}};
    });
}

}  // namespace kal::service::detail
