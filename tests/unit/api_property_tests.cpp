// Thousands of hostile requests through the real router and handlers, built as `kalendarium
// serve` builds them: every one must be answered 4xx with a valid problem+json body (or an HTML
// page for the browser routes), none 5xx, and none may write anything.
#define BOOST_TEST_MODULE api_properties
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <random>
#include <set>

#include "kal/config/config.hpp"
#include "kal/db/database.hpp"
#include "kal/service/api/api.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/http/metrics.hpp"
#include "kal/service/http/router.hpp"
#include "test_db.hpp"

namespace http = kal::service::http;
namespace app = kal::service::app;
namespace api = kal::service::api;
namespace db = kal::db;
namespace json = boost::json;

namespace {

struct service {
    std::string url = kal::test::fresh_database_url("api_properties");
    kal::config::settings settings;
    db::database database;
    app::context ctx;
    http::metrics metrics;
    http::router routes;
    std::string admin;

    static kal::config::settings settings_for(const std::string& url) {
        kal::config::sources from;
        from.flags["database.url"] = url;
        from.flags["rsvps.rate_limit_per_minute"] = "0";
        return kal::config::load(from);
    }
    static db::database_options options_of(const kal::config::settings& s) {
        db::database_options o;
        o.url = s.database.url;
        return o;
    }

    service() : settings(settings_for(url)), database(options_of(settings)), ctx(settings, database) {
        app::init_crypto();
        database.migrate();
        api::add_routes(routes, ctx, metrics);
        admin = app::issue_api_token(database, ctx.now(), db::token_role::admin, "admin", std::nullopt).first;
        app::credentials who{admin};
        app::organisation_input o;
        o.name = "Föreningen Egenskap";
        auto org = app::create_organisation(ctx, who, o);
        app::meeting_input m;
        m.type = "fro";
        m.title = "FRÖ-möte";
        m.start = "2030-03-12T18:00";
        m.end = "2030-03-12T20:00";
        m.organisation_id = org.id;
        m.status = "published";
        app::create_meeting(ctx, who, m, db::venue_overlap::refuse);
    }

    // As the server does: match, run, turn what is thrown into an answer.
    http::response call(http::request& req) {
        auto found = routes.match(req);
        auto answers = api::problem_answers();
        if (found.refused) return answers.from_refusal(&req, *found.refused);
        if (!found.found)
            return answers.from_refusal(&req, http::refusal{found.allowed.empty() ? 404 : 405, "no route", found.allowed});
        try {
            if (found.found->fast)
                if (auto r = found.found->fast(req)) return *r;
            return found.found->fn(req);
        } catch (...) {
            return answers.from_exception(req, std::current_exception());
        }
    }
};

// Values no id, slug, token or type can have.
const std::vector<std::string> hostile_segments = {
    "0", "-1", "99999999999999999999", "abc", "\xff\xfe", "ä", "", "..", "1e3", "0x10", "+1", " 1",
    std::string(300, 'x'), "%2F", "<script>", std::string("a\0b", 3), "kalr_" + std::string(43, 'A'),
    "kalf_" + std::string(43, 'B'), "999999"};

// Query values that every route which reads them must refuse.
const std::vector<std::pair<std::string, std::string>> hostile_queries = {
    {"limit", "0"}, {"limit", "201"}, {"limit", "abc"}, {"cursor", "zz"}, {"cursor", std::string(250, 'a')},
    {"from", "yesterday"}, {"to", "2026-13-45"}, {"type", "party"}, {"status", "sleeping"}, {"kind", "x"},
    {"series", "abc"}, {"q", std::string(201, 'q')}, {"separator", "tab"}, {"allow_venue_conflict", "maybe"},
    {"dry_run", "maybe"}, {"organisation", "no-such-organisation-slug"}, {"organisation", ""},
    // Not text: refused by the router before any handler, on either database.
    {"q", "\xff"}, {"q", std::string("anna@example.se\0", 16)}, {"type", "\xc0\xaf"}, {"x\xfe", "1"}};

const std::vector<std::string> hostile_bodies = {
    "", "{", "[]", "null", "42", "\"text\"", "{\"title\": 1}", "{\"name\": []}", "{\"unknown\": true}",
    std::string(40, '[') + std::string(40, ']'), "{\"name\": \"\xff\xfe\"}", "{\"email\": \"" + std::string(300, 'a') + "\"}",
    "{\"party_size\": \"two\"}", "{\"consent\": \"yes\"}", "{\"start\": \"tomorrow\", \"end\": 5}"};

std::string fill(const std::string& pattern, const std::string& value) {
    std::string path = pattern;
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{', open + value.size())) {
        auto close = path.find('}', open);
        path.replace(open, close - open + 1, value);
    }
    return path;
}

std::map<std::string, std::string> params_of(const std::string& pattern, const std::string& value) {
    std::map<std::string, std::string> out;
    for (auto open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1))
        out[pattern.substr(open + 1, pattern.find('}', open) - open - 1)] = value;
    return out;
}

bool reads_body(const http::route& r) { return r.method == "POST" || r.method == "PATCH" || r.method == "PUT"; }

// Query parameters a route validates, with a value it must refuse.
std::vector<std::pair<std::string, std::string>> query_poisons(const http::route& r) {
    static const std::set<std::string> lists = {"/api/v1/meetings", "/api/v1/organisations", "/api/v1/networks",
                                                "/api/v1/venues", "/api/v1/series"};
    if (r.method == "GET" && lists.count(r.pattern))
        return {{"limit", "0"}, {"limit", "201"}, {"limit", "abc"}, {"cursor", "zz"}, {"cursor", std::string(250, 'a')},
                {"q", std::string(201, 'q')}, {"q", "\xed\xa0\x80"}, {"q", std::string("\0", 1)}};
    if (r.pattern == "/feeds/custom.ics") return {{"type", "party"}, {"limit", "1"}, {"network", "no-such-network"}};
    if (r.pattern == "/api/v1/import") return {{"dry_run", "maybe"}, {"type", "party"}, {"status", "sleeping"}};
    return {};
}

// Routes that check the caller's credentials (a bearer token).
bool checks_credentials(const http::route& r) {
    return r.pattern.starts_with("/api/v1/") && !r.pattern.starts_with("/api/v1/rsvp/");
}

// Routes with nothing a request can get wrong: excluded from "must be 4xx".
bool has_no_input(const http::route& r) {
    static const std::set<std::string> plain = {"/api/v1", "/healthz", "/readyz", "/metrics", "/api/openapi.json",
                                                "/feeds/all.ics", "/api/v1/feeds"};
    return plain.count(r.pattern) > 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(hostile_requests_are_answered_4xx_and_write_nothing) {
    service s;
    const auto before = kal::test::dump_all_text(s.url);
    std::vector<std::string> tables = {"organisations", "meetings", "rsvps", "checkins", "outbox", "feed_tokens",
                                       "api_tokens", "networks", "venues", "series"};
    std::map<std::string, std::int64_t> counts;
    for (const auto& t : tables) counts[t] = kal::test::count_rows(s.url, t);

    std::mt19937 random(20261201);
    auto pick = [&](const auto& v) -> const auto& { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(random)]; };
    int cases = 0, server_errors = 0;
    for (int round = 0; round < 40; ++round) {
        for (const auto& r : s.routes.routes()) {
            if (has_no_input(r)) continue;
            http::request req;
            req.method = r.method;
            const bool has_params = r.pattern.find('{') != std::string::npos;
            const auto queries = query_poisons(r);
            // One poison at least, among those the route can notice: a hostile path value, query
            // value, body or credential. (Path values of "999999" name nothing either.)
            std::vector<int> applicable;
            if (has_params) applicable.push_back(0);
            if (!queries.empty()) applicable.push_back(1);
            if (reads_body(r)) applicable.push_back(2);
            if (checks_credentials(r)) applicable.push_back(3);
            BOOST_TEST_REQUIRE(!applicable.empty(), r.method << " " << r.pattern << " has no input to get wrong");
            const int poison = pick(applicable);
            auto segment = poison == 0 ? pick(hostile_segments) : std::string("999999");
            req.path = fill(r.pattern, segment);
            req.params = params_of(r.pattern, segment);
            req.target = req.path;
            if (poison == 1 || (!queries.empty() && random() % 3 == 0)) {
                const auto& [name, value] = pick(queries.empty() ? hostile_queries : queries);
                req.query.emplace(name, value);
            }
            if (r.pattern == "/feeds/custom.ics" && poison == 1) {
                std::string many;
                for (int i = 1; i <= 1001; ++i) many += (i > 1 ? "," : "") + std::to_string(i);
                req.query.emplace("network", many);
            }
            if (reads_body(r)) {
                req.body = poison == 2 || random() % 2 ? pick(hostile_bodies) : "{}";
                req.headers["content-type"] = random() % 5 ? "application/json" : "text/plain";
                if (r.pattern == "/api/v1/import") req.headers["content-type"] = "text/calendar";
            }
            switch (poison == 3 ? random() % 3 : 3 + random() % 2) {
            case 0: req.headers["authorization"] = "Bearer kal_" + std::string(43, 'z'); break;
            case 1: req.headers["authorization"] = "Basic YWRtaW46YWRtaW4="; break;
            case 2: req.headers["authorization"] = "Bearer \xff"; break;
            case 3: req.headers["authorization"] = "Bearer " + s.admin; break;
            default: break;  // no credentials
            }
            auto res = s.call(req);
            ++cases;
            BOOST_TEST_CONTEXT(r.method << " " << r.pattern << " poison " << poison << " path " << req.path) {
                if (res.status >= 500) ++server_errors;
                BOOST_TEST(res.status >= 400);
                BOOST_TEST(res.status < 500);
                auto type = res.header("Content-Type").value_or("");
                if (type == "application/problem+json") {
                    boost::system::error_code ec;
                    auto v = json::parse(res.body, ec);
                    BOOST_TEST(!ec, "not JSON: " << res.body.substr(0, 200));
                    if (!ec) BOOST_TEST(v.as_object().at("status").as_int64() == res.status);
                } else {
                    BOOST_TEST(type.starts_with("text/html"), "unexpected Content-Type " << type);
                }
            }
        }
    }
    BOOST_TEST_MESSAGE(cases << " hostile requests");
    BOOST_TEST(cases > 2000);
    BOOST_TEST(server_errors == 0);
    for (const auto& t : tables) BOOST_TEST(kal::test::count_rows(s.url, t) == counts[t], t);
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);
}

BOOST_AUTO_TEST_CASE(a_custom_feed_of_1001_networks_is_a_400_naming_the_parameter) {
    service s;
    http::request req;
    req.method = "GET";
    req.path = req.target = "/feeds/custom.ics";
    std::string many;
    for (int i = 1; i <= 1001; ++i) many += (i > 1 ? "," : "") + std::to_string(i);
    req.query.emplace("network", many);
    auto res = s.call(req);
    BOOST_TEST(res.status == 400);
    BOOST_TEST(res.body.find("\"field\":\"network\"") != std::string::npos, res.body);
}
