// The organiser API end to end, on the backend KAL_TEST_DB selects (ctest runs both).
#define BOOST_TEST_MODULE e2e_api
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::header_map;
using kal::test::running_service;

namespace {

std::string str(const json::value& v, const char* key) { return std::string(v.at(key).as_string()); }
std::int64_t id_of(const json::value& v) { return v.at("id").as_int64(); }
std::string path(const std::string& collection, std::int64_t id) {
    return "/api/v1/" + collection + "/" + std::to_string(id);
}

std::set<std::int64_t> ids_in(const json::value& list) {
    std::set<std::int64_t> ids;
    for (const auto& item : list.at("items").as_array()) ids.insert(item.at("id").as_int64());
    return ids;
}

json::object meeting_body(std::int64_t organisation, const std::string& title, const std::string& start,
                          const std::string& end) {
    return json::object{{"type", "fro"},        {"title", title},          {"start", start},
                        {"end", end},           {"time_zone", "Europe/Stockholm"},
                        {"organisation_id", organisation}, {"status", "published"}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(organiser_workflow_end_to_end) {
    running_service s(kal::test::current_test_name());
    auto org = s.create("organisations",
                        json::object{{"name", "Föreningen Ödegärdet"},
                                     {"kind", "association"},
                                     {"contact_email", "info@odegardet.example"},
                                     {"contact_public", false}},
                        s.admin());
    BOOST_TEST(str(org, "slug") == "foreningen-odegardet");
    auto org_id = id_of(org);
    auto organiser = kal::test::create_token(s.url, "organiser", "sekreterare", std::to_string(org_id));
    auto as_org = s.auth(organiser);

    // Contact details are private unless marked public.
    auto [st_pub, public_org] = s.call("GET", path("organisations", org_id), nullptr, {});
    BOOST_TEST(st_pub == 200);
    BOOST_TEST(!public_org.as_object().contains("contact_email"));
    auto [st_own, own_org] = s.call("GET", path("organisations", org_id), nullptr, as_org);
    BOOST_TEST(str(own_org, "contact_email") == "info@odegardet.example");

    auto network = s.create("networks",
                            json::object{{"name", "Nätverket för integration"},
                                         {"kind", "interest_network"},
                                         {"organisation_ids", json::array{org_id}}},
                            as_org);
    auto venue = s.create("venues",
                          json::object{{"name", "Kulturhuset, Lilla salen"},
                                       {"address", "P A Halls Terrass 1, Borås"},
                                       {"capacity", 80},
                                       {"accessibility", json::object{{"step_free", true}, {"hearing_loop", true}}},
                                       {"organisation_id", org_id},
                                       {"shared", true}},
                          as_org);
    auto network_id = id_of(network);
    auto venue_id = id_of(venue);
    BOOST_TEST(venue.at("accessibility").at("hearing_loop").as_bool());

    auto body = meeting_body(org_id, "FRÖ-möte: Socialt Hållbart Borås", "2026-03-05T18:00", "2026-03-05T20:00");
    body["venue_id"] = venue_id;
    body["network_ids"] = json::array{network_id};
    body["theme"] = "Socialt Hållbart Borås";
    body["documents"] = json::array{json::object{{"title", "Inbjudan"}, {"url", "https://example.org/inbjudan.pdf"}}};
    auto meeting = s.create("meetings", body, as_org);
    auto meeting_id = id_of(meeting);
    // Local time with its zone and the UTC instant: 18:00 CET is 17:00 UTC.
    BOOST_TEST(str(meeting.at("start"), "local") == "2026-03-05T18:00:00");
    BOOST_TEST(str(meeting.at("start"), "utc") == "2026-03-05T17:00:00Z");
    BOOST_TEST(str(meeting.at("start"), "offset_time") == "2026-03-05T18:00:00+01:00");
    BOOST_TEST(meeting.at("sequence").as_int64() == 0);
    BOOST_TEST(!str(meeting, "uid").empty());

    // A summer meeting is in CEST.
    auto summer = s.create("meetings",
                           meeting_body(org_id, "Samråd i juni", "2026-06-09T15:00", "2026-06-09T17:00"), as_org);
    BOOST_TEST(str(summer.at("start"), "utc") == "2026-06-09T13:00:00Z");

    // An all-day stormöte, given with its last day.
    auto allday_body = meeting_body(org_id, "Stormöte 2026", "2026-11-26", "2026-11-27");
    allday_body["type"] = "stormote";
    allday_body["all_day"] = true;
    auto allday = s.create("meetings", allday_body, as_org);
    BOOST_TEST(str(allday.at("end"), "date") == "2026-11-27");
    BOOST_TEST(str(allday.at("end"), "utc") == "2026-11-27T23:00:00Z");

    // A weekly series with one exception.
    auto series_body = meeting_body(org_id, "Nätverksträff", "2026-03-03T18:00", "2026-03-03T19:30");
    series_body["type"] = "network";
    series_body["rrule"] = "FREQ=WEEKLY;UNTIL=20260428T220000Z";
    series_body["exdates"] = json::array{"2026-03-31T18:00"};
    series_body["network_ids"] = json::array{network_id};
    auto series = s.create("series", series_body, as_org);
    auto series_id = id_of(series);
    auto [st_occ, occurrences] =
        s.call("GET", "/api/v1/meetings?series=" + std::to_string(series_id) + "&limit=200", nullptr, {});
    BOOST_TEST(st_occ == 200);
    std::vector<std::string> starts;
    for (const auto& o : occurrences.at("items").as_array()) {
        starts.push_back(str(o.at("start"), "local"));
        BOOST_TEST(str(o, "uid") == str(series, "uid"));
    }
    // Tuesdays 3 March to 28 April 2026 less 31 March: 8 occurrences, all at 18:00 local
    // (the clocks change on 29 March).
    std::vector<std::string> expected = {"2026-03-03T18:00:00", "2026-03-10T18:00:00", "2026-03-17T18:00:00",
                                         "2026-03-24T18:00:00", "2026-04-07T18:00:00", "2026-04-14T18:00:00",
                                         "2026-04-21T18:00:00", "2026-04-28T18:00:00"};
    BOOST_TEST(starts == expected, boost::test_tools::per_element());
    auto april_first = occurrences.at("items").as_array()[4];
    BOOST_TEST(str(april_first.at("start"), "utc") == "2026-04-07T16:00:00Z");
    auto [st_series, series_read] = s.call("GET", path("series", series_id), nullptr, {});
    BOOST_TEST(st_series == 200);
    BOOST_TEST(series_read.at("exdates").as_array().size() == 1u);

    // Each occurrence is a meeting of its own.
    auto occurrence_id = april_first.at("id").as_int64();
    auto [st_one, one] = s.call("GET", path("meetings", occurrence_id), nullptr, {});
    BOOST_TEST(st_one == 200);
    BOOST_TEST(str(one, "recurrence_id") == "2026-04-07T18:00:00");

    // Read back.
    for (auto [collection, id] : {std::pair{"organisations", org_id}, std::pair{"networks", network_id},
                                  std::pair{"venues", venue_id}, std::pair{"meetings", meeting_id}}) {
        auto [status, v] = s.call("GET", path(collection, id), nullptr, {});
        BOOST_TEST(status == 200, collection);
        BOOST_TEST(id_of(v) == id);
    }

    // List with each filter.
    auto list = [&](const std::string& query) {
        auto [status, v] = s.call("GET", "/api/v1/meetings?limit=200&" + query, nullptr, {});
        BOOST_TEST_REQUIRE(status == 200, query << " gave " << status << " " << v);
        return ids_in(v);
    };
    BOOST_TEST(list("type=fro").count(meeting_id) == 1u);
    BOOST_TEST(list("type=fro").count(occurrence_id) == 0u);
    BOOST_TEST(list("type=network,stormote").count(occurrence_id) == 1u);
    BOOST_TEST(list("network=" + std::to_string(network_id)).count(meeting_id) == 1u);
    BOOST_TEST(list("network=" + str(network, "slug")).count(meeting_id) == 1u);
    BOOST_TEST(list("network=" + str(network, "slug")).count(id_of(summer)) == 0u);
    BOOST_TEST(list("organisation=" + str(org, "slug")).size() == 11u);  // 3 meetings + 8 occurrences
    BOOST_TEST((list("venue=" + std::to_string(venue_id)) == std::set<std::int64_t>{meeting_id}));
    BOOST_TEST((list("from=2026-06-01&to=2026-07-01") == std::set<std::int64_t>{id_of(summer)}));
    BOOST_TEST((list("from=2026-03-05T17:30:00Z&to=2026-03-05T17:45:00Z") == std::set<std::int64_t>{meeting_id}));
    BOOST_TEST((list("q=h%C3%A5llbart") == std::set<std::int64_t>{meeting_id}));
    BOOST_TEST(list("status=published").size() == 11u);
    BOOST_TEST(list("status=cancelled").empty());

    // Paging visits every meeting once.
    std::set<std::int64_t> seen;
    std::string cursor;
    int pages = 0;
    for (;;) {
        auto [status, v] = s.call("GET", "/api/v1/meetings?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor),
                                  nullptr, {});
        BOOST_TEST_REQUIRE(status == 200);
        for (auto id : ids_in(v)) BOOST_TEST(seen.insert(id).second);
        ++pages;
        if (v.at("next_cursor").is_null()) break;
        cursor = std::string(v.at("next_cursor").as_string());
    }
    BOOST_TEST(seen.size() == 11u);
    BOOST_TEST(pages == 4);

    // Change the time: sequence rises; change the title only: it does not.
    auto [st_p1, moved] = s.call("PATCH", path("meetings", meeting_id),
                                 json::object{{"start", "2026-03-05T18:30"}, {"end", "2026-03-05T20:30"}}, as_org);
    BOOST_TEST(st_p1 == 200);
    BOOST_TEST(moved.at("sequence").as_int64() == 1);
    auto [st_p2, renamed] = s.call("PATCH", path("meetings", meeting_id), json::object{{"title", "FRÖ-möte"}}, as_org);
    BOOST_TEST(st_p2 == 200);
    BOOST_TEST(renamed.at("sequence").as_int64() == 1);
    BOOST_TEST(str(renamed.at("start"), "local") == "2026-03-05T18:30:00");

    // Cancel.
    auto [st_c, cancelled] = s.call("POST", path("meetings", meeting_id) + "/cancel", nullptr, as_org);
    BOOST_TEST(st_c == 200);
    BOOST_TEST(str(cancelled, "status") == "cancelled");
    BOOST_TEST(cancelled.at("sequence").as_int64() == 2);
    BOOST_TEST(list("status=cancelled") == std::set<std::int64_t>{meeting_id});

    // Delete an occurrence, the series, a meeting.
    auto [st_d1, d1] = s.call("DELETE", path("meetings", occurrence_id), nullptr, as_org);
    BOOST_TEST(st_d1 == 204);
    auto [st_s2, series_after] = s.call("GET", path("series", series_id), nullptr, {});
    BOOST_TEST(series_after.at("exdates").as_array().size() == 2u);
    auto [st_d2, d2] = s.call("DELETE", path("series", series_id), nullptr, as_org);
    BOOST_TEST(st_d2 == 204);
    BOOST_TEST(list("series=" + std::to_string(series_id)).empty());
    auto [st_d3, d3] = s.call("DELETE", path("meetings", meeting_id), nullptr, as_org);
    BOOST_TEST(st_d3 == 204);
    auto [st_gone, gone] = s.call("GET", path("meetings", meeting_id), nullptr, {});
    BOOST_TEST(st_gone == 404);
    BOOST_TEST(list("").size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_requests_get_problem_json_and_change_nothing) {
    running_service s(kal::test::current_test_name(), {}, {{"KALENDARIUM_SERVER_BODY_LIMIT", "64KiB"}});
    auto org_a = id_of(s.create("organisations", json::object{{"name", "Förening A"}}, s.admin()));
    auto org_b = id_of(s.create("organisations", json::object{{"name", "Förening B"}}, s.admin()));
    auto organiser_a = s.auth(kal::test::create_token(s.url, "organiser", "a", std::to_string(org_a)));
    auto venue = id_of(s.create("venues", json::object{{"name", "Stadshuset"}, {"organisation_id", org_a}},
                                s.admin()));
    auto booked = meeting_body(org_a, "Bokat möte", "2026-05-05T18:00", "2026-05-05T20:00");
    booked["venue_id"] = venue;
    auto meeting = id_of(s.create("meetings", booked, s.admin()));
    auto cancelled = id_of(s.create("meetings", meeting_body(org_a, "Inställt", "2026-05-06T18:00", "2026-05-06T19:00"),
                                    s.admin()));
    BOOST_TEST_REQUIRE(s.call("POST", path("meetings", cancelled) + "/cancel", nullptr, s.admin()).first == 200);
    auto movable = id_of(s.create("meetings", meeting_body(org_a, "Flyttbart", "2026-05-07T18:00", "2026-05-07T19:00"),
                                  s.admin()));

    const auto before = kal::test::dump_all_text(s.url);
    const auto tables = {"organisations", "networks", "venues", "meetings", "series", "api_tokens"};
    std::map<std::string, std::int64_t> counts;
    for (auto t : tables) counts[t] = kal::test::count_rows(s.url, t);

    auto m = [&](json::object extra) {
        auto b = meeting_body(org_a, "Möte", "2026-09-01T18:00", "2026-09-01T20:00");
        for (auto& [k, v] : extra) {
            if (v.is_null() && k.starts_with("-")) b.erase(k.substr(1));
            else b[k] = v;
        }
        return json::serialize(b);
    };
    auto without = [&](const char* field) {
        auto b = meeting_body(org_a, "Möte", "2026-09-01T18:00", "2026-09-01T20:00");
        b.erase(field);
        return json::serialize(b);
    };
    auto series = [&](json::object extra) {
        auto b = meeting_body(org_a, "Serie", "2026-09-01T18:00", "2026-09-01T20:00");
        b["rrule"] = "FREQ=WEEKLY;COUNT=4";
        for (auto& [k, v] : extra) b[k] = v;
        return json::serialize(b);
    };
    const header_map admin = s.admin();
    const header_map none;
    const std::string big_title(201, 'x');

    struct bad_case {
        std::string name, method, target, body;
        header_map headers;
        int status;
        std::string field;  // an errors[].field the answer must name; empty: none required
    };
    std::vector<bad_case> cases = {
        // malformed bodies and media types
        {"truncated JSON", "POST", "/api/v1/organisations", "{\"name\": ", admin, 400, ""},
        {"JSON array", "POST", "/api/v1/organisations", "[1,2]", admin, 400, ""},
        {"JSON string", "POST", "/api/v1/meetings", "\"möte\"", admin, 400, ""},
        {"empty body", "POST", "/api/v1/venues", "",
         {{"Authorization", admin.at("Authorization")}, {"Content-Type", "application/json"}}, 400, ""},
        {"invalid UTF-8", "POST", "/api/v1/organisations", "{\"name\":\"\xff\xfe\"}", admin, 400, ""},
        {"deep nesting", "POST", "/api/v1/organisations", std::string(100, '[') + std::string(100, ']'), admin, 400, ""},
        {"text/plain body", "POST", "/api/v1/organisations", "{\"name\":\"x\"}",
         {{"Authorization", admin.at("Authorization")}, {"Content-Type", "text/plain"}}, 415, ""},
        {"form body", "POST", "/api/v1/meetings", "name=x",
         {{"Authorization", admin.at("Authorization")}, {"Content-Type", "application/x-www-form-urlencoded"}}, 415, ""},
        // wrong types, unknown and missing fields
        {"name is a number", "POST", "/api/v1/organisations", R"({"name": 5})", admin, 422, "name"},
        {"unknown kind", "POST", "/api/v1/organisations", R"({"name": "x", "kind": "church"})", admin, 422, "kind"},
        {"contact_public string", "POST", "/api/v1/organisations", R"({"name": "x", "contact_public": "yes"})", admin,
         422, "contact_public"},
        {"bad e-mail", "POST", "/api/v1/organisations", R"({"name": "x", "contact_email": "nej"})", admin, 422,
         "contact_email"},
        {"unknown field", "POST", "/api/v1/organisations", R"({"name": "x", "colour": "red"})", admin, 422, "colour"},
        {"missing name", "POST", "/api/v1/organisations", "{}", admin, 422, "name"},
        {"blank name", "POST", "/api/v1/networks", R"({"name": "   "})", admin, 422, "name"},
        {"owners not a list", "POST", "/api/v1/networks", R"({"name": "n", "organisation_ids": "1"})", admin, 422,
         "organisation_ids"},
        {"unknown owner", "POST", "/api/v1/networks", R"({"name": "n", "organisation_ids": [999999]})", admin, 422,
         "organisation_ids"},
        {"negative capacity", "POST", "/api/v1/venues", R"({"name": "v", "capacity": -1})", admin, 422, "capacity"},
        {"latitude out of range", "POST", "/api/v1/venues", R"({"name": "v", "latitude": 200, "longitude": 1})",
         admin, 422, "latitude"},
        {"unknown accessibility", "POST", "/api/v1/venues", R"({"name": "v", "accessibility": {"ramp": true}})",
         admin, 422, "accessibility.ramp"},
        {"unknown venue owner", "POST", "/api/v1/venues", R"({"name": "v", "organisation_id": 999999})", admin, 422,
         "organisation_id"},
        {"slug with capitals", "POST", "/api/v1/organisations", R"({"name": "x", "slug": "Stora Bokstäver"})", admin,
         422, "slug"},
        // meetings
        {"missing title", "POST", "/api/v1/meetings", without("title"), admin, 422, "title"},
        {"missing start", "POST", "/api/v1/meetings", without("start"), admin, 422, "start"},
        {"missing organisation", "POST", "/api/v1/meetings", without("organisation_id"), admin, 422, "organisation_id"},
        {"end before start", "POST", "/api/v1/meetings", m({{"end", "2026-09-01T17:00"}}), admin, 422, "end"},
        {"end equals start", "POST", "/api/v1/meetings", m({{"end", "2026-09-01T18:00"}}), admin, 422, "end"},
        {"unknown time zone", "POST", "/api/v1/meetings", m({{"time_zone", "Mars/Olympus_Mons"}}), admin, 422,
         "time_zone"},
        {"time zone path", "POST", "/api/v1/meetings", m({{"time_zone", "../../etc/passwd"}}), admin, 422, "time_zone"},
        {"30 February", "POST", "/api/v1/meetings", m({{"start", "2026-02-30T18:00"}}), admin, 422, "start"},
        {"start with offset", "POST", "/api/v1/meetings", m({{"start", "2026-09-01T18:00:00+02:00"}}), admin, 422,
         "start"},
        {"unknown type", "POST", "/api/v1/meetings", m({{"type", "party"}}), admin, 422, "type"},
        {"created cancelled", "POST", "/api/v1/meetings", m({{"status", "cancelled"}}), admin, 422, "status"},
        {"unknown organisation", "POST", "/api/v1/meetings", m({{"organisation_id", 999999}}), admin, 422,
         "organisation_id"},
        {"unknown venue", "POST", "/api/v1/meetings", m({{"venue_id", 999999}}), admin, 422, "venue_id"},
        {"unknown network", "POST", "/api/v1/meetings", m({{"network_ids", json::array{999999}}}), admin, 422,
         "network_ids"},
        {"javascript URL", "POST", "/api/v1/meetings", m({{"online_url", "javascript:alert(1)"}}), admin, 422,
         "online_url"},
        {"document ftp URL", "POST", "/api/v1/meetings",
         m({{"documents", json::array{json::object{{"title", "x"}, {"url", "ftp://x"}}}}}), admin, 422,
         "documents[0].url"},
        {"control character in title", "POST", "/api/v1/meetings", m({{"title", "FRÖ\x07"}}), admin, 422, "title"},
        {"newline in title", "POST", "/api/v1/meetings", m({{"title", "FRÖ\r\nBcc: x"}}), admin, 422, "title"},
        {"title too long", "POST", "/api/v1/meetings", m({{"title", big_title}}), admin, 422, "title"},
        {"capacity zero", "POST", "/api/v1/meetings", m({{"capacity", 0}}), admin, 422, "capacity"},
        {"capacity fraction", "POST", "/api/v1/meetings", m({{"capacity", 2.5}}), admin, 422, "capacity"},
        {"deadline not a time", "POST", "/api/v1/meetings", m({{"registration_deadline", "i morgon"}}), admin, 422,
         "registration_deadline"},
        {"all-day with times", "POST", "/api/v1/meetings", m({{"all_day", true}}), admin, 422, "start"},
        {"meeting of 40 days", "POST", "/api/v1/meetings", m({{"end", "2026-10-11T18:00"}}), admin, 422, "end"},
        // series
        {"unparsable rule", "POST", "/api/v1/series", series({{"rrule", "FREQ=SOMETIMES"}}), admin, 422, "rrule"},
        {"COUNT=1", "POST", "/api/v1/series", series({{"rrule", "FREQ=WEEKLY;COUNT=1"}}), admin, 422, "rrule"},
        {"hourly rule", "POST", "/api/v1/series", series({{"rrule", "FREQ=HOURLY;COUNT=5"}}), admin, 422, "rrule"},
        {"missing rule", "POST", "/api/v1/series", m({}), admin, 422, "rrule"},
        {"bad exdate", "POST", "/api/v1/series", series({{"exdates", json::array{"snart"}}}), admin, 422,
         "exdates[0]"},
        // unknown ids and paths
        {"unknown meeting", "GET", "/api/v1/meetings/999999", "", none, 404, ""},
        {"non-numeric id", "GET", "/api/v1/meetings/abc", "", none, 404, ""},
        {"patch unknown organisation", "PATCH", "/api/v1/organisations/999999", R"({"name": "x"})", admin, 404, ""},
        {"delete unknown venue", "DELETE", "/api/v1/venues/999999", "", admin, 404, ""},
        {"cancel unknown meeting", "POST", "/api/v1/meetings/999999/cancel", "", admin, 404, ""},
        {"unknown path", "GET", "/api/v1/nothing", "", none, 404, ""},
        // methods
        {"PUT on a collection", "PUT", "/api/v1/meetings", "{}", admin, 405, ""},
        {"DELETE on a collection", "DELETE", "/api/v1/organisations", "", admin, 405, ""},
        // query parameters
        {"limit 0", "GET", "/api/v1/meetings?limit=0", "", none, 400, "limit"},
        {"limit 1000", "GET", "/api/v1/venues?limit=1000", "", none, 400, "limit"},
        {"forged cursor", "GET", "/api/v1/meetings?cursor=bm9wZQ", "", none, 400, "cursor"},
        {"from not a date", "GET", "/api/v1/meetings?from=i%20g%C3%A5r", "", none, 400, "from"},
        {"unknown type filter", "GET", "/api/v1/meetings?type=party", "", none, 400, "type"},
        {"to before from", "GET", "/api/v1/meetings?from=2026-05-01&to=2026-04-01", "", none, 400, "to"},
        // conflicts
        {"venue double booked", "POST", "/api/v1/meetings",
         m({{"venue_id", venue}, {"start", "2026-05-05T19:00"}, {"end", "2026-05-05T21:00"}}), admin, 409, "venue_id"},
        {"duplicate slug", "POST", "/api/v1/organisations", R"({"name": "Förening A", "slug": "forening-a"})", admin,
         409, "slug"},
        {"organisation in use", "DELETE", path("organisations", org_a), "", admin, 409, ""},
        {"venue in use", "DELETE", path("venues", venue), "", admin, 409, ""},
        {"un-cancel", "PATCH", path("meetings", cancelled), R"({"status": "published"})", admin, 422, "status"},
        {"move onto booked venue", "PATCH", path("meetings", movable),
         R"({"venue_id": )" + std::to_string(venue) + R"(, "start": "2026-05-05T18:30", "end": "2026-05-05T19:00"})",
         admin, 409, "venue_id"},
        // authorisation
        {"organiser writes for another organisation", "POST", "/api/v1/meetings",
         m({{"organisation_id", org_b}}), organiser_a, 403, ""},
        {"organiser creates an organisation", "POST", "/api/v1/organisations", R"({"name": "Ny"})", organiser_a, 403,
         ""},
        {"no token", "POST", "/api/v1/meetings", m({}), none, 401, ""},
        {"patch without token", "PATCH", path("meetings", meeting), R"({"title": "x"})", none, 401, ""},
    };
    BOOST_TEST(cases.size() >= 40u);

    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            auto r = s.client.request(c.method, c.target, c.body, c.headers);
            BOOST_TEST(r.status == c.status);
            BOOST_TEST(r.header("content-type") == "application/problem+json");
            json::value problem;
            BOOST_REQUIRE_NO_THROW(problem = json::parse(r.body));
            BOOST_TEST(problem.at("status").as_int64() == c.status);
            BOOST_TEST(!problem.at("title").as_string().empty());
            BOOST_TEST(!problem.at("type").as_string().empty());
            BOOST_TEST(problem.as_object().contains("detail"));
            if (!c.field.empty()) {
                bool named = false;
                if (auto errors = problem.as_object().if_contains("errors"))
                    for (const auto& e : errors->as_array()) named = named || e.at("field").as_string() == c.field;
                BOOST_TEST(named, "the answer names " << c.field << ": " << r.body);
            }
            if (c.status == 405) BOOST_TEST(r.header("allow").find("GET") != std::string::npos);
            if (c.status == 401) BOOST_TEST(r.header("www-authenticate").starts_with("Bearer"));
        }
    }

    // Limits on the wire: a body over the configured 64 KiB and a head over 16 KiB.
    auto huge = s.client.request("POST", "/api/v1/organisations",
                                 R"({"name": ")" + std::string(70 * 1024, 'x') + "\"}", admin);
    BOOST_TEST(huge.status == 413);
    BOOST_TEST(huge.header("content-type") == "application/problem+json");
    auto fat_head = kal::test::raw_request(
        s.server.port(), "GET /api/v1/meetings HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'y') + "\r\n\r\n");
    BOOST_TEST(fat_head.status == 431);
    auto garbage = kal::test::raw_request(s.server.port(), "HELLO THERE\r\n\r\n");
    BOOST_TEST(garbage.status == 400);

    // Nothing was written by any of them.
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);
    for (auto t : tables) BOOST_TEST(kal::test::count_rows(s.url, t) == counts[t], t);
    // And the service still answers.
    BOOST_TEST(s.client.get("/api/v1/meetings").status == 200);
}

BOOST_AUTO_TEST_CASE(auth_no_token_wrong_token_revoked_token_other_organisation) {
    running_service s(kal::test::current_test_name());
    auto org_a = id_of(s.create("organisations", json::object{{"name", "Förening A"}}, s.admin()));
    auto org_b = id_of(s.create("organisations", json::object{{"name", "Förening B"}}, s.admin()));
    auto token_a = kal::test::create_token(s.url, "organiser", "a", std::to_string(org_a));
    auto revoked = kal::test::create_token(s.url, "organiser", "revoked", std::to_string(org_a));
    auto list = kal::test::run_kalendarium({"token", "list", "--db", s.url});
    BOOST_TEST_REQUIRE(list.exit_code == 0);
    std::string revoked_id;
    std::istringstream lines(list.out);
    for (std::string line; std::getline(lines, line);)
        if (line.ends_with("\trevoked") || line.ends_with("\tactive\trevoked")) revoked_id = line.substr(0, line.find('\t'));
    BOOST_TEST_REQUIRE(!revoked_id.empty());
    BOOST_TEST_REQUIRE(kal::test::run_kalendarium({"token", "revoke", revoked_id, "--db", s.url}).exit_code == 0);

    auto body = json::serialize(meeting_body(org_a, "Möte", "2026-09-01T18:00", "2026-09-01T20:00"));
    auto post = [&](const header_map& h, const std::string& b) { return s.client.request("POST", "/api/v1/meetings", b, h); };
    BOOST_TEST(post({}, body).status == 401);
    BOOST_TEST(post(s.auth("kal_" + std::string(43, 'A')), body).status == 401);    // well-formed, unknown
    BOOST_TEST(post(s.auth("not-a-token"), body).status == 401);                     // malformed
    BOOST_TEST(post({{"Authorization", "Basic dXNlcjpwdw=="}}, body).status == 401);  // wrong scheme
    BOOST_TEST(post(s.auth(revoked), body).status == 401);
    auto other = json::serialize(meeting_body(org_b, "Möte", "2026-09-01T18:00", "2026-09-01T20:00"));
    BOOST_TEST(post(s.auth(token_a), other).status == 403);
    // The organiser's own organisation works; a draft is hidden from everyone else.
    auto draft_body = meeting_body(org_a, "Utkast", "2026-09-02T18:00", "2026-09-02T20:00");
    draft_body["status"] = "draft";
    auto created = s.client.request("POST", "/api/v1/meetings", json::serialize(draft_body), s.auth(token_a));
    BOOST_TEST_REQUIRE(created.status == 201);
    auto draft_id = json::parse(created.body).at("id").as_int64();
    BOOST_TEST(s.client.get(path("meetings", draft_id)).status == 404);
    BOOST_TEST(s.client.get(path("meetings", draft_id), s.auth(token_a)).status == 200);
    BOOST_TEST(s.client.get(path("meetings", draft_id), s.admin()).status == 200);
    auto public_list = json::parse(s.client.get("/api/v1/meetings").body);
    BOOST_TEST(public_list.at("items").as_array().empty());
    auto own_list = json::parse(s.client.get("/api/v1/meetings", s.auth(token_a)).body);
    BOOST_TEST(own_list.at("items").as_array().size() == 1u);
    // A public GET with a bad token is refused rather than silently treated as anonymous.
    BOOST_TEST(s.client.get("/api/v1/meetings", s.auth("kal_" + std::string(43, 'B'))).status == 401);
    // The organiser may edit its own organisation but not another.
    BOOST_TEST(s.client.request("PATCH", path("organisations", org_a), R"({"contact_phone": "033-35 70 00"})",
                                s.auth(token_a)).status == 200);
    BOOST_TEST(s.client.request("PATCH", path("organisations", org_b), R"({"name": "B2"})", s.auth(token_a)).status ==
               403);
}

BOOST_AUTO_TEST_CASE(two_hundred_concurrent_creates_all_succeed_with_unique_ids_and_slugs) {
    running_service s(kal::test::current_test_name());
    auto org = id_of(s.create("organisations", json::object{{"name", "Föreningsrådet"}}, s.admin()));
    constexpr int requests = 200;
    constexpr int threads = 20;
    std::vector<std::int64_t> org_ids(requests), meeting_ids(requests);
    std::vector<std::string> slugs(requests), uids(requests);
    std::vector<int> statuses(2 * requests);
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            kal::test::http_client client(s.server.port());
            for (int i; (i = next++) < requests;) {
                // Same name every time: the slugs must still come out unique.
                auto r = client.request("POST", "/api/v1/organisations", R"({"name": "Samma namn"})", s.admin());
                statuses[i] = r.status;
                if (r.status == 201) {
                    auto v = json::parse(r.body);
                    org_ids[i] = v.at("id").as_int64();
                    slugs[i] = std::string(v.at("slug").as_string());
                }
                auto body = meeting_body(org, "Möte " + std::to_string(i), "2026-10-01T18:00", "2026-10-01T20:00");
                auto rm = client.request("POST", "/api/v1/meetings", json::serialize(body), s.admin());
                statuses[requests + i] = rm.status;
                if (rm.status == 201) {
                    auto v = json::parse(rm.body);
                    meeting_ids[i] = v.at("id").as_int64();
                    uids[i] = std::string(v.at("uid").as_string());
                }
            }
        });
    }
    for (auto& t : pool) t.join();
    for (int i = 0; i < 2 * requests; ++i) BOOST_TEST(statuses[i] == 201, "request " << i);
    BOOST_TEST(std::set<std::int64_t>(org_ids.begin(), org_ids.end()).size() == std::size_t{requests});
    BOOST_TEST(std::set<std::string>(slugs.begin(), slugs.end()).size() == std::size_t{requests});
    BOOST_TEST(std::set<std::int64_t>(meeting_ids.begin(), meeting_ids.end()).size() == std::size_t{requests});
    BOOST_TEST(std::set<std::string>(uids.begin(), uids.end()).size() == std::size_t{requests});
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == requests);
}

BOOST_AUTO_TEST_CASE(operations_endpoints_answer) {
    running_service s(kal::test::current_test_name());
    BOOST_TEST(s.client.get("/healthz").status == 200);
    BOOST_TEST(s.client.get("/readyz").status == 200);
    s.client.get("/api/v1/meetings");
    auto metrics = s.client.get("/metrics");
    BOOST_TEST(metrics.status == 200);
    BOOST_TEST(metrics.body.find("kalendarium_http_requests_total{route=\"/api/v1/meetings\",method=\"GET\",status=\"200\"}") !=
               std::string::npos);
    BOOST_TEST(metrics.body.find("kalendarium_http_request_duration_seconds_bucket") != std::string::npos);
    BOOST_TEST(metrics.body.find("kalendarium_open_connections") != std::string::npos);
    BOOST_TEST(metrics.body.find("kalendarium_db_pool_in_use") != std::string::npos);
    auto openapi = s.client.get("/api/openapi.json");
    BOOST_TEST(openapi.status == 200);
    BOOST_TEST(json::parse(openapi.body).at("openapi").as_string().starts_with("3.1"));
    auto head = s.client.request("HEAD", "/api/v1/meetings");
    BOOST_TEST(head.status == 200);
    BOOST_TEST(head.body.empty());
    BOOST_TEST(std::stoul(head.header("content-length")) > 0u);
}

BOOST_AUTO_TEST_CASE(two_instances_on_one_database_keep_slugs_unique_and_a_venue_booked_once) {
    running_service s(kal::test::current_test_name());
    kal::test::server_process second(s.url);
    const std::uint16_t ports[] = {s.server.port(), second.port()};
    auto org = id_of(s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()));
    auto venue = id_of(s.create("venues", json::object{{"name", "Stadshuset"}, {"organisation_id", org}}, s.admin()));

    // 100 creates of the same name, alternating between the instances.
    constexpr int creates = 100;
    std::vector<int> statuses(creates);
    std::vector<std::string> slugs(creates);
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 10; ++t)
        threads.emplace_back([&, t] {
            kal::test::http_client client(ports[t % 2]);
            for (int i; (i = next++) < creates;) {
                auto r = client.request("POST", "/api/v1/organisations", R"({"name": "Två instanser"})", s.admin());
                statuses[i] = r.status;
                if (r.status == 201) slugs[i] = std::string(json::parse(r.body).at("slug").as_string());
            }
        });
    for (auto& t : threads) t.join();
    for (int i = 0; i < creates; ++i) BOOST_TEST(statuses[i] == 201, "create " << i);
    BOOST_TEST(std::set<std::string>(slugs.begin(), slugs.end()).size() == std::size_t{creates});

    // 20 bookings of one venue at one time, at once, spread over both: exactly one wins.
    constexpr int bookings = 20;
    std::vector<int> booked(bookings);
    threads.clear();
    for (int i = 0; i < bookings; ++i)
        threads.emplace_back([&, i] {
            kal::test::http_client client(ports[i % 2]);
            auto body = meeting_body(org, "Bokning " + std::to_string(i), "2026-12-01T18:00", "2026-12-01T20:00");
            body["venue_id"] = venue;
            booked[i] = client.request("POST", "/api/v1/meetings", json::serialize(body), s.admin()).status;
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(std::count(booked.begin(), booked.end(), 201) == 1);
    BOOST_TEST(std::count(booked.begin(), booked.end(), 409) == bookings - 1);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 1);
}
