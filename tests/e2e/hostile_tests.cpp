// Hostile text against the real binary, on SQLite and PostgreSQL (issue 14, item 1): text from
// the wire that is not UTF-8, or holds a NUL, is refused once at the edge with a 400 or 404
// naming the parameter, on both databases alike; no answer echoes raw bytes; nothing a request
// sent reaches the service's log, even at debug level; nothing is written.
#define BOOST_TEST_MODULE e2e_hostile
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "e2e_common.hpp"
#include "kal/calendar/utf8.hpp"

namespace json = boost::json;
using namespace kal::test;

namespace {

// Values a client might type that must never reach the log: an e-mail address in a search, a
// phone number, a name. Sent percent-encoded in paths and queries, and in bodies.
const std::string email = "anna.svensson@example.se";
const std::string email_encoded = "anna.svensson%40example.se";
const std::string secret_name = "Hemlighetsfulla Hildur";

std::map<std::string, std::string> debug_log() {
    auto env = unlimited_sign_ups;
    env["KALENDARIUM_LOG_LEVEL"] = "debug";  // every line the service can write
    return env;
}

// The answer is a problem+json whose bytes are valid UTF-8 JSON and whose status is the
// answer's; returns it (null when it is not).
json::object problem_of(const http_result& r) {
    BOOST_TEST(kal::calendar::utf8::is_valid(r.body), "not UTF-8: " << kal::calendar::utf8::printable(r.body));
    BOOST_TEST(r.header("content-type") == "application/problem+json");
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);  // Boost.JSON refuses malformed UTF-8 in strings
    BOOST_TEST_REQUIRE(!ec, "not JSON: " << kal::calendar::utf8::printable(r.body));
    BOOST_TEST_REQUIRE(v.is_object());
    BOOST_TEST(v.as_object().at("status").as_int64() == r.status);
    return v.as_object();
}

// The problem names `field` in its errors.
bool names(const json::object& problem, const std::string& field) {
    if (!problem.contains("errors")) return false;
    for (const auto& e : problem.at("errors").as_array())
        if (e.as_object().at("field").as_string() == field) return true;
    return false;
}

std::string organisation_slug(running_service& s) {
    auto org = s.create("organisations", {{"name", "Föreningen Fientlig"}}, s.admin());
    return std::string(org.at("slug").as_string());
}

json::value openapi() {
    std::ifstream in(std::string(KAL_SOURCE_DIR) + "/docs/openapi.json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str());
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_search_for_malformed_utf8_is_a_400_naming_q_on_either_database) {
    running_service s(current_test_name(), {}, debug_log());
    const std::vector<std::string> targets = {"/api/v1/organisations?q=%ff",
                                              "/api/v1/organisations?q=" + email_encoded + "%ff",
                                              "/api/v1/meetings?q=%00x", "/api/v1/venues?q=%c0%af"};
    for (const auto& target : targets) {
        auto r = s.client.get(target, s.admin());
        BOOST_TEST_CONTEXT(target) {
            BOOST_TEST(r.status == 400);
            BOOST_TEST(names(problem_of(r), "q"));
        }
    }
    BOOST_TEST(s.server.log().find(email) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_path_parameter_that_is_not_text_is_a_404_naming_it_without_echoing_it) {
    running_service s(current_test_name(), {}, debug_log());
    auto r = s.client.get("/api/v1/meetings/%ff", s.admin());
    BOOST_TEST(r.status == 404);
    BOOST_TEST(names(problem_of(r), "id"));
    BOOST_TEST(r.body.find('\xff') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_feed_slug_cut_at_a_nul_serves_no_feed) {
    running_service s(current_test_name(), {}, debug_log());
    const auto slug = organisation_slug(s);
    BOOST_TEST_REQUIRE(s.client.get("/feeds/organisations/" + slug + ".ics").status == 200);
    for (const auto& tail : {"%00.ics", "%00x.ics", "%ff.ics"}) {
        auto r = s.client.get("/feeds/organisations/" + slug + tail);
        BOOST_TEST_CONTEXT(tail) {
            BOOST_TEST(r.status == 404);
            BOOST_TEST(names(problem_of(r), "slug"));
        }
    }
}

BOOST_AUTO_TEST_CASE(an_import_for_an_empty_organisation_is_a_400_naming_it) {
    running_service s(current_test_name(), {}, debug_log());
    auto h = s.admin();
    h["Content-Type"] = "text/calendar";
    const std::string calendar =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a@b\r\nDTSTAMP:20300101T000000Z\r\n"
        "DTSTART:20300301T170000Z\r\nDTEND:20300301T180000Z\r\nSUMMARY:Möte\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    for (const auto& query : {"?organisation=", "?organisation=%ff", "?organisation=%00", ""}) {
        auto r = s.client.request("POST", std::string("/api/v1/import") + query, calendar, h);
        BOOST_TEST_CONTEXT(query) {
            BOOST_TEST(r.status == 400);
            auto problem = problem_of(r);
            BOOST_TEST(names(problem, "organisation"));
            BOOST_TEST(std::string(problem.at("detail").as_string()).find("organisation") != std::string::npos);
        }
    }
    BOOST_TEST(count_rows(s.url, "meetings") == 0);
}

BOOST_AUTO_TEST_CASE(a_header_the_service_reads_that_is_not_text_is_a_400_naming_it) {
    running_service s(current_test_name(), {}, debug_log());
    const auto slug = organisation_slug(s);
    auto r = s.client.get("/api/v1/organisations", {{"Authorization", "Bearer kal_\xff\xfe"}});
    BOOST_TEST(r.status == 400);
    BOOST_TEST(names(problem_of(r), "authorization"));
    r = s.client.get("/feeds/organisations/" + slug + ".ics", {{"If-None-Match", "\"\xc3\x28\""}});
    BOOST_TEST(r.status == 400);
    BOOST_TEST(names(problem_of(r), "if-none-match"));
    // A header the service never reads is not its business.
    r = s.client.get("/feeds/organisations/" + slug + ".ics", {{"User-Agent", "Gammal klient \xe5\xe4\xf6"}});
    BOOST_TEST(r.status == 200);
}

// Every operation of the OpenAPI document, with hostile path values, query values, headers and
// bodies: no 5xx, every answer valid UTF-8 (problem+json where JSON), no row changed, and none
// of the values sent in the service's debug log.
BOOST_AUTO_TEST_CASE(hostile_requests_to_every_operation_leave_no_trace_in_the_log_or_the_data) {
    running_service s(current_test_name(), {}, debug_log());
    const auto slug = organisation_slug(s);
    const auto meeting_id = s.create("meetings",
                                     {{"type", "fro"}, {"title", "FRÖ-möte"}, {"start", "2030-03-12T18:00"},
                                      {"end", "2030-03-12T20:00"}, {"organisation_id", 1}, {"status", "published"}},
                                     s.admin())
                                .at("id")
                                .as_int64();
    const auto tables = {"organisations", "meetings", "rsvps", "outbox", "api_tokens", "networks", "venues", "series"};
    std::map<std::string, std::int64_t> before;
    for (auto t : tables) before[t] = count_rows(s.url, t);
    const auto dump_before = dump_all_text(s.url);

    const std::vector<std::string> path_values = {"%ff", "%00", "1%00", slug + "%00", email_encoded, "%c0%af",
                                                  "%ed%a0%80", "1%ff"};
    const std::vector<std::string> query_values = {"%ff", "%00", email_encoded + "%ff", email_encoded + "%00",
                                                   "%f4%90%80%80", "%e2%82"};
    const std::vector<std::string> bodies = {
        "{\"name\": \"" + secret_name + "\xff\"}", "{\"email\": \"" + email + "\\u0000\"}",
        "{\"title\": \"" + secret_name + "\\u0000\"}", "{\"name\": \"" + email + "\", \"party_size\": \"two\xc0\"}",
        std::string("{\"q\": \"\0\", \"x\": 1}", sizeof "{\"q\": \"\0\", \"x\": 1}" - 1)};
    std::mt19937 random(14);
    auto pick = [&](const auto& v) -> const auto& {
        return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(random)];
    };

    const auto doc = openapi();
    const auto& shared_parameters = doc.at("components").at("parameters").as_object();
    int sent = 0, server_errors = 0;
    for (int round = 0; round < 12; ++round) {
        for (const auto& [pattern, operations] : doc.at("paths").as_object()) {
            for (const auto& [method_lower, operation] : operations.as_object()) {
                std::string method(method_lower);
                for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                if (method != "GET" && method != "POST" && method != "PUT" && method != "PATCH" && method != "DELETE")
                    continue;
                // Query parameters the operation declares (and one it does not, which must be
                // refused all the same when it is not text).
                std::vector<std::string> query_names = {"q"};
                if (operation.as_object().contains("parameters"))
                    for (auto p : operation.at("parameters").as_array()) {
                        if (p.as_object().contains("$ref")) {
                            std::string ref(p.at("$ref").as_string());
                            p = shared_parameters.at(ref.substr(ref.rfind('/') + 1));
                        }
                        if (p.at("in") == "query") query_names.emplace_back(p.at("name").as_string());
                    }
                std::string path(pattern);
                const bool has_parameters = path.find('{') != std::string::npos;
                const bool poison_path = has_parameters && random() % 2;
                for (auto open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
                    auto close = path.find('}', open);
                    const auto name = path.substr(open + 1, close - open - 1);
                    // Otherwise a value that names something: the meeting, the organisation.
                    auto value = poison_path                              ? pick(path_values)
                                 : name.find("slug") != std::string::npos ? slug
                                                                          : std::to_string(meeting_id);
                    path.replace(open, close - open + 1, value);
                }
                std::string query;
                if (!poison_path)
                    query = "?" + pick(query_names) + "=" + pick(query_values) + "&" + pick(query_names) + "=" +
                            email_encoded;
                header_map headers;
                switch (random() % 4) {
                case 0: headers["Authorization"] = "Bearer kal_" + email; break;
                case 1: break;
                default: headers = s.admin();
                }
                std::string body;
                if (method == "POST" || method == "PUT" || method == "PATCH") {
                    body = pick(bodies);
                    headers["Content-Type"] = random() % 4 ? "application/json" : "text/calendar";
                }
                if (random() % 5 == 0) headers["X-Forwarded-For"] = email;
                auto r = s.client.request(method, path + query, body, headers);
                ++sent;
                BOOST_TEST_CONTEXT(method << " " << pattern << " as " << kal::calendar::utf8::printable(path + query)) {
                    if (r.status >= 500) ++server_errors;
                    BOOST_TEST(r.status >= 400);
                    BOOST_TEST(r.status < 500);
                    BOOST_TEST(kal::calendar::utf8::is_valid(r.body));
                    if (r.header("content-type") == "application/problem+json") problem_of(r);
                    BOOST_TEST(r.body.find('\0') == std::string::npos);
                }
            }
        }
    }
    BOOST_TEST_MESSAGE(sent << " hostile requests");
    BOOST_TEST(sent > 700);
    BOOST_TEST(server_errors == 0);
    for (auto t : tables) BOOST_TEST(count_rows(s.url, t) == before[t], t);
    BOOST_TEST(dump_all_text(s.url) == dump_before);

    s.server.terminate();
    const auto log = s.server.log();
    BOOST_TEST_REQUIRE(log.find("\"event\":\"request\"") != std::string::npos);  // the debug log was read
    BOOST_TEST(log.find(email) == std::string::npos);
    BOOST_TEST(log.find("anna.svensson") == std::string::npos);
    BOOST_TEST(log.find(secret_name) == std::string::npos);
    BOOST_TEST(log.find('\0') == std::string::npos);
    BOOST_TEST(kal::calendar::utf8::is_valid(log));
}
