// Calendar feeds (/feeds/...), the list of feeds, private feed tokens and iCalendar import.

#include <boost/json.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "api_common.hpp"
#include "kal/calendar/ical.hpp"
#include "kal/calendar/time.hpp"
#include "kal/service/feeds.hpp"
#include "kal/service/scheduling.hpp"
#include "routes.hpp"

namespace kal::service::detail {
namespace json = boost::json;

namespace {

// What one feed request asks for, resolved against the database.
struct feed_scope {
    db::feed_filter filter;
    std::string name;
    std::string filename;
    bool is_private = false;
    bool single_meeting = false;
};

using scope_resolver = std::function<feed_scope(const request&, db::store&)>;

// The local date now, worked out at most once a second per thread (every cached feed request
// asks for it).
const std::string& today(const config::settings& s) {
    thread_local std::int64_t second = -1;
    thread_local std::string day;
    auto now = now_utc();
    if (now != second) {
        day = calendar::to_local(now, s.calendar.default_time_zone).substr(0, 10);
        second = now;
    }
    return day;
}

// Feeds cover whole days, so that a feed's bytes change only when its content does.
void set_window(db::feed_filter& f, const config::settings& s, const std::string& day) {
    auto midnight = calendar::to_utc(day, s.calendar.default_time_zone);
    f.from_utc = midnight - std::int64_t{s.feeds.window_past_days} * 86400;
    f.to_utc = midnight + std::int64_t{s.feeds.window_future_days} * 86400;
    f.keep_cancelled_until_utc =
        midnight - std::chrono::duration_cast<std::chrono::seconds>(s.feeds.cancelled_retention).count();
}

std::string type_plural(const std::string& type) {
    static const std::map<std::string, std::string> names = {
        {"fro", "FRÖ-möten"},     {"stormote", "Stormöten"},  {"network", "Nätverksträffar"},
        {"samrad", "Samråd"},     {"dialog", "Dialoger"},     {"training", "Utbildningar"},
        {"conference", "Kunskapskonferenser"}, {"other", "Övriga möten"}};
    auto it = names.find(type);
    return it == names.end() ? type : it->second;
}

problem no_feed() { return problems::not_found("No such feed"); }

std::vector<std::string> split_values(const std::vector<std::string>& raw) {
    std::vector<std::string> out;
    for (const auto& v : raw) {
        std::size_t start = 0;
        while (start <= v.size()) {
            auto comma = v.find(',', start);
            auto item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!item.empty()) out.push_back(item);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// network=integration&network=4&organisation=... -> ids; an unknown slug is a 400 naming the
// parameter (an unknown numeric id simply matches nothing).
template <class Find>
std::vector<db::id_t> resolve_ids(const std::vector<std::string>& values, const char* what, Find&& find) {
    std::vector<db::id_t> ids;
    for (const auto& v : values) {
        std::optional<db::id_t> id;
        if (v.size() < 18 && v.find_first_not_of("0123456789") == std::string::npos) {
            id = std::stoll(v);
        } else if (auto found = find(v)) {
            id = found->id;
        }
        if (!id) throw bad_parameter(what, "no " + std::string(what) + " called " + v);
        ids.push_back(*id);
    }
    return ids;
}

const std::initializer_list<std::string_view> custom_parameters = {"type", "network", "organisation", "venue"};

// The cache key of a feed request: its path, plus the canonical query of a custom feed. A
// private feed is keyed by its token's hash, never by the token.
std::string cache_key(const request& req) {
    if (req.path.starts_with("/feeds/private/")) return "private:" + hash_token(req.params.at("token"));
    if (!req.path.starts_with("/feeds/custom")) return req.path;
    std::string key = req.path;
    for (auto name : custom_parameters) {
        key += "|" + std::string(name) + "=";
        for (const auto& v : split_values(req.query_values(std::string(name)))) key += v + ",";
    }
    return key;
}

// The feed of one network, organisation or venue, found by its slug.
template <class Find>
scope_resolver slug_scope(const std::string& prefix, std::vector<db::id_t> db::feed_filter::*ids, Find find) {
    return [&prefix, ids, find](const request& req, db::store& st) {
        auto thing = find(st, req.params.at("slug"));
        if (!thing) throw no_feed();
        feed_scope s;
        s.filter.*ids = {thing->id};
        s.name = prefix + " – " + thing->name;
        s.filename = "overenskommelsen-" + thing->slug + ".ics";
        return s;
    };
}

feed_scope private_scope(const request& req, db::store& store) {
    const auto& token = req.params.at("token");
    auto t = store.find_feed_token_by_hash(hash_token(token));
    if (!t) throw no_feed();  // unknown, revoked or malformed: the same 404 as a missing feed
    feed_scope s;
    s.filter.types = t->types;
    s.filter.network_ids = t->network_ids;
    s.filter.organisation_ids = t->organisation_ids;
    s.name = t->name;
    s.filename = "overenskommelsen-privat.ics";
    s.is_private = true;
    return s;
}

json::object feed_token_json(const db::feed_token& t) {
    json::array types, networks, organisations;
    for (const auto& x : t.types) types.push_back(json::value(x));
    for (auto x : t.network_ids) networks.push_back(x);
    for (auto x : t.organisation_ids) organisations.push_back(x);
    return json::object{{"id", t.id},
                        {"name", t.name},
                        {"organisation_id", optional_json(t.organisation_id)},
                        {"types", std::move(types)},
                        {"network_ids", std::move(networks)},
                        {"organisation_ids", std::move(organisations)},
                        {"created_at", utc_text(t.created_at)},
                        {"rotated_at", t.rotated_at ? json::value(utc_text(t.rotated_at)) : json::value(nullptr)},
                        {"revoked", t.revoked_at.has_value()}};
}

std::string webcal(const std::string& url) {
    auto colon = url.find("://");
    return "webcal" + url.substr(colon);
}

// A new private-feed secret: same strength as API tokens, its own prefix.
std::string new_feed_secret() { return "kalf_" + new_token().substr(4); }

void require_feed_token_owner(const principal& who, const db::feed_token& t) {
    if (who.is_admin()) return;
    if (!t.organisation_id || !who.may_write_for(*t.organisation_id))
        throw problems::not_found("No feed token " + std::to_string(t.id));
}

}  // namespace

void register_feed_routes(router& routes, app_context& ctx) {
    auto& store = ctx.store;
    const auto& settings = ctx.settings;
    auto cache = std::make_shared<feed_cache>(settings);

    auto serve = [&routes, &store, &settings, cache](const std::string& pattern, scope_resolver resolve) {
        auto fast = [cache, &settings](request& req) -> std::optional<response> {
            if (req.path.starts_with("/feeds/private/") && req.params.at("token").size() > 100) throw no_feed();
            auto hit = cache->fresh(cache_key(req), today(settings));
            if (!hit) return std::nullopt;
            return feed_response(*hit, req, settings);
        };
        auto slow = [cache, &store, &settings, resolve](request& req) {
            if (req.path.starts_with("/feeds/private/") && req.params.at("token").size() > 100) throw no_feed();
            const auto key = cache_key(req);
            const auto day = today(settings);
            cache->begin_counter_check();
            auto counter = store.change_counter();
            cache->observed_counter(counter);
            if (auto hit = cache->at(key, counter, day)) return feed_response(*hit, req, settings);
            auto scope = resolve(req, store);
            if (!scope.single_meeting) set_window(scope.filter, settings, day);
            auto snapshot = store.load_feed(scope.filter);
            if (scope.single_meeting && snapshot.meetings.empty()) throw no_feed();
            rendered_feed feed;
            feed.change_counter = snapshot.change_counter;
            feed.day = day;
            feed.filename = scope.filename;
            feed.is_private = scope.is_private;
            feed.last_modified = now_utc();
            feed.body = std::make_shared<const std::string>(
                calendar::render_feed(build_feed(snapshot, scope.name, settings)));
            if (feed.body->size() > settings.feeds.size_warning)
                spdlog::warn(R"("event":"large_feed","bytes":{},"meetings":{})", feed.body->size(),
                             snapshot.meetings.size());
            auto stored = cache->store(key, std::move(feed));
            return feed_response(*stored, req, settings);
        };
        routes.add_cached("GET", pattern, fast, slow);
    };

    const auto& prefix = settings.feeds.calendar_name;
    serve("/feeds/all.ics", [&prefix](const request&, db::store&) {
        feed_scope s;
        s.name = prefix;
        s.filename = "overenskommelsen.ics";
        return s;
    });
    serve("/feeds/types/{type}.ics", [&prefix](const request& req, db::store&) {
        const auto& type = req.params.at("type");
        if (!db::is_one_of(type, db::meeting_types)) throw no_feed();
        feed_scope s;
        s.filter.types = {type};
        s.name = prefix + " – " + type_plural(type);
        s.filename = "overenskommelsen-" + type + ".ics";
        return s;
    });
    serve("/feeds/networks/{slug}.ics",
          slug_scope(prefix, &db::feed_filter::network_ids,
                     [](db::store& st, const std::string& slug) { return st.find_network_by_slug(slug); }));
    serve("/feeds/organisations/{slug}.ics",
          slug_scope(prefix, &db::feed_filter::organisation_ids,
                     [](db::store& st, const std::string& slug) { return st.find_organisation_by_slug(slug); }));
    serve("/feeds/venues/{slug}.ics",
          slug_scope(prefix, &db::feed_filter::venue_ids,
                     [](db::store& st, const std::string& slug) { return st.find_venue_by_slug(slug); }));
    serve("/feeds/meetings/{id}.ics", [](const request& req, db::store& st) {
        auto id = path_id(req);
        auto m = st.find_meeting(id);
        if (!m || m->status == "draft") throw no_feed();
        feed_scope s;
        s.filter.meeting_ids = {id};
        s.filter.from_utc = std::numeric_limits<std::int64_t>::min() / 2;
        s.filter.to_utc = std::numeric_limits<std::int64_t>::max() / 2;
        s.filter.keep_cancelled_until_utc = std::numeric_limits<std::int64_t>::min() / 2;
        s.single_meeting = true;
        s.name = m->title;
        s.filename = "mote-" + std::to_string(id) + ".ics";
        return s;
    });
    serve("/feeds/custom.ics", [&prefix](const request& req, db::store& st) {
        for (const auto& [name, value] : req.query)
            if (std::find(custom_parameters.begin(), custom_parameters.end(), name) == custom_parameters.end())
                throw bad_parameter(name, "unknown parameter; use type, network, organisation or venue");
        feed_scope s;
        for (const auto& t : split_values(req.query_values("type"))) {
            if (!db::is_one_of(t, db::meeting_types)) throw bad_parameter("type", "unknown meeting type " + t);
            s.filter.types.push_back(t);
        }
        s.filter.network_ids = resolve_ids(split_values(req.query_values("network")), "network",
                                           [&](const std::string& v) { return st.find_network_by_slug(v); });
        s.filter.organisation_ids =
            resolve_ids(split_values(req.query_values("organisation")), "organisation",
                        [&](const std::string& v) { return st.find_organisation_by_slug(v); });
        s.filter.venue_ids = resolve_ids(split_values(req.query_values("venue")), "venue",
                                         [&](const std::string& v) { return st.find_venue_by_slug(v); });
        s.name = prefix + " – urval / selection";
        s.filename = "overenskommelsen-urval.ics";
        return s;
    });
    serve("/feeds/private/{token}.ics", private_scope);

    // The holder's feed of their sign-up: the meeting while the sign-up is active, an empty
    // calendar once it is cancelled (so that a subscribed client drops the event). Sign-up writes
    // do not raise the change counter that the feed cache keys on, so this small feed is rendered
    // on every request and not cached; its ETag still spares clients the body.
    routes.add("GET", "/feeds/rsvp/{token}.ics", [&store, &settings](request& req) {
        auto r = rsvp_of_secret(store, req.params.at("token"));
        if (!r) throw no_feed();
        auto m = store.find_meeting(r->meeting_id);
        if (!m) throw no_feed();
        db::feed_filter f;
        f.meeting_ids = {r->status == "cancelled" ? db::id_t{-1} : r->meeting_id};
        f.from_utc = std::numeric_limits<std::int64_t>::min() / 2;
        f.to_utc = std::numeric_limits<std::int64_t>::max() / 2;
        f.keep_cancelled_until_utc = std::numeric_limits<std::int64_t>::min() / 2;
        auto snapshot = store.load_feed(f);
        rendered_feed feed;
        feed.change_counter = snapshot.change_counter;
        feed.filename = "anmalan-" + std::to_string(r->meeting_id) + ".ics";
        feed.is_private = true;
        feed.body = std::make_shared<const std::string>(
            calendar::render_feed(build_feed(snapshot, settings.feeds.calendar_name + " – " + m->title, settings)));
        unsigned char digest[16];
        crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(feed.body->data()),
                           feed.body->size(), nullptr, 0);
        char hex[sizeof digest * 2 + 1];
        sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
        feed.etag = std::string("\"") + hex + "\"";
        feed.last_modified = std::max(m->updated_at, r->updated_at);
        feed.last_modified_text = format_http_date(feed.last_modified);
        return feed_response(feed, req, settings);
    });

    // The list of public feeds, with https:// (as configured) and webcal:// addresses.
    routes.add("GET", "/api/v1/feeds", [&store, &settings, &prefix](request& req) {
        authenticate(req, store);
        const auto& base = settings.server.public_base_url;
        json::array feeds;
        auto add = [&](std::string kind, std::string name, std::string path) {
            auto url = base + path;
            feeds.push_back(json::object{
                {"kind", std::move(kind)}, {"name", std::move(name)}, {"url", url}, {"webcal_url", webcal(url)}});
        };
        add("all", prefix, "/feeds/all.ics");
        for (auto type : db::meeting_types)
            add("type", prefix + " – " + type_plural(std::string(type)), "/feeds/types/" + std::string(type) + ".ics");
        db::name_filter all;
        all.limit = 1000;
        for (const auto& n : store.list_networks(all).items)
            add("network", prefix + " – " + n.name, "/feeds/networks/" + n.slug + ".ics");
        for (const auto& o : store.list_organisations(all).items)
            add("organisation", prefix + " – " + o.name, "/feeds/organisations/" + o.slug + ".ics");
        for (const auto& v : store.list_venues(all).items)
            add("venue", prefix + " – " + v.name, "/feeds/venues/" + v.slug + ".ics");
        return json_ok(200, json::object{{"items", std::move(feeds)}});
    });

    // Private feeds: a saved filter behind a secret link, shown once.
    routes.add("POST", "/api/v1/feed-tokens", [&store, &settings](request& req) {
        auto who = require_principal(req, store);
        auto body = parse_json_object(req);
        json_fields f(body);
        f.only({"name", "types", "network_ids", "organisation_ids"});
        db::feed_token t;
        if (auto v = f.text("name", 200, true)) t.name = *v;
        if (auto raw = f.raw("types"); raw && !raw->is_null()) {
            if (!raw->is_array()) f.error("types", "must be an array of meeting types");
            else
                for (const auto& x : raw->get_array()) {
                    if (!x.is_string() || !db::is_one_of(x.get_string(), db::meeting_types)) {
                        f.error("types", "must contain meeting types");
                        break;
                    }
                    t.types.emplace_back(x.get_string());
                }
        }
        if (auto v = f.id_list("network_ids", false)) t.network_ids = *v;
        if (auto v = f.id_list("organisation_ids", false)) t.organisation_ids = *v;
        f.throw_if_errors();
        t.organisation_id = who.token.organisation_id;
        auto secret = new_feed_secret();
        auto created = store.create_feed_token(t, hash_token(secret));
        auto j = feed_token_json(created);
        auto url = settings.server.public_base_url + "/feeds/private/" + secret + ".ics";
        j["url"] = url;
        j["webcal_url"] = webcal(url);
        auto r = json_ok(201, j);
        r.set_header("Location", "/api/v1/feed-tokens/" + std::to_string(created.id));
        r.set_header("Cache-Control", "no-store");
        return r;
    });
    routes.add("GET", "/api/v1/feed-tokens", [&store](request& req) {
        auto who = require_principal(req, store);
        json::array items;
        auto list = store.list_feed_tokens(who.is_admin() ? std::nullopt : who.token.organisation_id);
        for (const auto& t : list) items.push_back(feed_token_json(t));
        return json_ok(200, json::object{{"items", std::move(items)}});
    });
    routes.add("POST", "/api/v1/feed-tokens/{id}/rotate", [&store, &settings](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto t = store.find_feed_token(id);
        if (!t || t->revoked_at) throw problems::not_found("No feed token " + std::to_string(id));
        require_feed_token_owner(who, *t);
        auto secret = new_feed_secret();
        auto rotated = store.rotate_feed_token(id, hash_token(secret));
        auto j = feed_token_json(rotated);
        auto url = settings.server.public_base_url + "/feeds/private/" + secret + ".ics";
        j["url"] = url;
        j["webcal_url"] = webcal(url);
        auto r = json_ok(200, j);
        r.set_header("Cache-Control", "no-store");
        return r;
    });
    routes.add("DELETE", "/api/v1/feed-tokens/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto t = store.find_feed_token(id);
        if (!t) throw problems::not_found("No feed token " + std::to_string(id));
        require_feed_token_owner(who, *t);
        store.revoke_feed_token(id);
        return response{204, {}, {}};
    });

    // Import: text/calendar in, meetings created or updated by UID; all or nothing.
    routes.add("POST", "/api/v1/import", [&store, &settings](request& req) {
        auto who = require_principal(req, store);
        auto type_header = req.header("content-type").value_or("");
        if (!type_header.starts_with("text/calendar")) throw problems::unsupported_media_type("text/calendar");
        auto org_param = req.query_value("organisation");
        if (!org_param) throw bad_parameter("organisation", "is required: the organising organisation's id");
        auto org_ids = resolve_ids({*org_param}, "organisation",
                                   [&](const std::string& v) { return store.find_organisation_by_slug(v); });
        auto organisation_id = org_ids.front();
        if (!store.find_organisation(organisation_id)) throw bad_parameter("organisation", "no such organisation");
        require_write(who, organisation_id);
        auto type = req.query_value("type").value_or("other");
        if (!db::is_one_of(type, db::meeting_types)) throw bad_parameter("type", "unknown meeting type");
        auto status = req.query_value("status").value_or("published");
        if (status != "draft" && status != "published") throw bad_parameter("status", "must be draft or published");
        bool dry_run = false;
        if (auto d = req.query_value("dry_run")) {
            if (*d != "true" && *d != "false") throw bad_parameter("dry_run", "must be true or false");
            dry_run = *d == "true";
        }

        auto parsed = calendar::parse_calendar(req.body, settings.calendar.default_time_zone);
        std::vector<field_error> errors;
        for (const auto& p : parsed.problems)
            errors.push_back({"line " + std::to_string(p.line) + (p.property.empty() ? "" : ": " + p.property),
                              p.message});
        std::vector<db::meeting> meetings;
        std::vector<std::string> actions;
        for (const auto& e : parsed.events) {
            std::string where = "UID " + e.uid;
            if (!e.rrule.empty() || !e.recurrence_id.empty()) {
                errors.push_back({where, "recurring events are not imported; create a series instead"});
                continue;
            }
            auto existing = store.find_meeting_by_uid(e.uid);
            db::meeting m = existing ? *existing : db::meeting{};
            if (existing && existing->organisation_id != organisation_id)
                errors.push_back({where, "belongs to another organisation"});
            if (!existing) {
                m.uid = e.uid;
                m.type = type;
                m.status = status;
                m.organisation_id = organisation_id;
            }
            std::string message;
            auto title = check_text(e.summary.empty() ? "(utan rubrik)" : e.summary, 200, text_kind::single_line, message);
            if (!title) errors.push_back({where + ": SUMMARY", message});
            auto description = check_text(e.description, 10000, text_kind::multi_line, message);
            if (!description) errors.push_back({where + ": DESCRIPTION", message});
            auto location = check_text(e.location, 500, text_kind::multi_line, message);
            if (!location) errors.push_back({where + ": LOCATION", message});
            if (!title || !description || !location) continue;
            m.title = *title;
            m.description = *description;
            m.location = *location;
            m.all_day = e.all_day;
            m.time_zone = e.all_day ? settings.calendar.default_time_zone : e.tzid;
            m.start_local = e.start_local;
            m.end_local = e.end_local;
            if (!e.url.empty()) {
                if (is_http_url(e.url)) m.online_url = e.url;
                else errors.push_back({where + ": URL", "must be an absolute http:// or https:// URL"});
            }
            // A cancelled event stays cancelled, whether it is new here or not.
            if (e.status == "CANCELLED") m.status = "cancelled";
            try {
                set_instants(m);
            } catch (const calendar::error& err) {
                errors.push_back({where, err.what()});
                continue;
            }
            if (!e.all_day && m.end_utc <= m.start_utc) {
                errors.push_back({where + ": DTEND", "must be after DTSTART"});
                continue;
            }
            actions.push_back(existing ? "update" : "create");
            meetings.push_back(std::move(m));
        }
        if (!errors.empty()) {
            problem p = problems::validation(std::move(errors));
            p.detail = "Nothing was imported. " + p.detail;
            throw p;
        }
        std::vector<db::meeting> result = dry_run ? meetings : store.save_meetings(meetings, db::venue_overlap::allow);
        json::array items;
        for (std::size_t i = 0; i < result.size(); ++i)
            items.push_back(json::object{{"action", actions[i]},
                                         {"uid", result[i].uid},
                                         {"id", dry_run ? json::value(nullptr) : json::value(result[i].id)},
                                         {"title", result[i].title},
                                         {"start", utc_text(result[i].start_utc)}});
        return json_ok(dry_run ? 200 : 201, json::object{{"dry_run", dry_run}, {"items", std::move(items)}});
    });

    // Registered last, so that it sees every write route: this instance's own writes reach its
    // feeds at once; other instances' writes within feeds.change_poll_interval.
    routes.after_successful_writes([cache] { cache->note_local_write(); });
}

}  // namespace kal::service::detail
