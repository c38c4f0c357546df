// Sign-ups end to end, on the backend KAL_TEST_DB selects (ctest runs both).
#define BOOST_TEST_MODULE e2e_rsvps
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <set>
#include <thread>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::header_map;
using kal::test::read_csv;
using kal::test::running_service;

namespace {

struct answer {
    int status = 0;
    json::value body;
};

// A published meeting next year, with a capacity.
std::int64_t meeting_with_capacity(running_service& s, std::int64_t org, std::optional<int> capacity) {
    json::object body{{"type", "stormote"},        {"title", "Stormöte"},       {"start", "2099-11-26T13:00"},
                      {"end", "2099-11-26T16:30"}, {"organisation_id", org},    {"status", "published"}};
    if (capacity) body["capacity"] = *capacity;
    return s.create("meetings", body, s.admin()).at("id").as_int64();
}

std::string sign_up_body(int i, int party = 1) {
    return json::serialize(json::object{{"name", "Deltagare " + std::to_string(i)},
                                        {"email", "deltagare" + std::to_string(i) + "@example.org"},
                                        {"party_size", party},
                                        {"consent", true}});
}

// n sign-ups from `threads` clients at once; answers in the order of i.
std::vector<answer> sign_up_many(std::uint16_t port, std::int64_t meeting, int first, int n, int threads,
                                 const std::vector<std::uint16_t>& ports = {}) {
    std::vector<answer> out(n);
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            kal::test::http_client c(ports.empty() ? port : ports[t % ports.size()]);
            for (int i; (i = next++) < n;) {
                auto r = c.request("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps",
                                   sign_up_body(first + i));
                out[i].status = r.status;
                if (!r.body.empty()) out[i].body = json::parse(r.body);
            }
        });
    for (auto& t : pool) t.join();
    return out;
}

std::string token_of(const answer& a) {
    auto url = std::string(a.body.at("manage_url").as_string());
    return url.substr(url.rfind('/') + 1);
}

json::array list(running_service& s, std::int64_t meeting, const std::string& query = "") {
    auto r = s.client.get("/api/v1/meetings/" + std::to_string(meeting) + "/rsvps" + query, s.admin());
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return json::parse(r.body).at("items").as_array();
}

}  // namespace

BOOST_AUTO_TEST_CASE(five_hundred_concurrent_sign_ups_for_fifty_seats) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 50);
    auto answers = sign_up_many(s.server.port(), meeting, 0, 500, 50);
    int confirmed = 0;
    std::vector<std::int64_t> positions;
    for (const auto& a : answers) {
        BOOST_TEST_REQUIRE(a.status == 201);
        auto status = a.body.at("status").as_string();
        if (status == "confirmed") ++confirmed;
        else positions.push_back(a.body.at("waitlist_position").as_int64());
    }
    BOOST_TEST(confirmed == 50);
    BOOST_TEST(positions.size() == 450u);
    // Each answer's position was right when given; the list shows 1..450, each once.
    std::vector<std::int64_t> listed;
    for (const auto& r : list(s, meeting, "?status=waitlisted")) listed.push_back(r.at("waitlist_position").as_int64());
    std::sort(listed.begin(), listed.end());
    std::vector<std::int64_t> expected(450);
    for (int i = 0; i < 450; ++i) expected[i] = i + 1;
    BOOST_TEST(listed == expected, boost::test_tools::per_element());
    BOOST_TEST(list(s, meeting, "?status=confirmed").size() == 50u);
}

BOOST_AUTO_TEST_CASE(cancellations_racing_new_sign_ups_promote_the_head_of_the_waitlist) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 50);
    auto first = sign_up_many(s.server.port(), meeting, 0, 50, 1);
    auto waiting = sign_up_many(s.server.port(), meeting, 50, 100, 1);
    std::vector<std::int64_t> head;  // the first 25 of the waitlist, in order
    for (int i = 0; i < 25; ++i) head.push_back(waiting[i].body.at("id").as_int64());

    std::vector<std::thread> threads;
    std::atomic<int> cancel_failures{0};
    for (int t = 0; t < 25; ++t)
        threads.emplace_back([&, t] {
            kal::test::http_client c(s.server.port());
            auto r = c.request("POST", "/api/v1/rsvp/" + token_of(first[t]) + "/cancel");
            if (r.status != 200) ++cancel_failures;
        });
    std::vector<answer> late;
    std::thread newcomers([&] { late = sign_up_many(s.server.port(), meeting, 1000, 200, 20); });
    for (auto& t : threads) t.join();
    newcomers.join();
    BOOST_TEST(cancel_failures.load() == 0);
    for (const auto& a : late) BOOST_TEST(a.status == 201);

    auto confirmed = list(s, meeting, "?status=confirmed");
    BOOST_TEST(confirmed.size() == 50u);
    std::set<std::int64_t> confirmed_ids;
    for (const auto& r : confirmed) confirmed_ids.insert(r.at("id").as_int64());
    for (auto id : head) BOOST_TEST(confirmed_ids.count(id) == 1u, "promoted " << id);
    for (const auto& a : late) BOOST_TEST(a.body.at("status").as_string() == "waitlisted");
}

BOOST_AUTO_TEST_CASE(the_same_sign_up_twenty_times_at_once_makes_one) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 10);
    std::vector<int> statuses(20);
    std::vector<std::string> bodies(20);
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] {
            kal::test::http_client c(s.server.port());
            auto email = i % 2 ? "Samma.Person@Example.org" : "samma.person@example.org";
            auto r = c.request("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps",
                               json::serialize(json::object{{"name", "Samma Person"}, {"email", email}, {"consent", true}}));
            statuses[i] = r.status;
            bodies[i] = r.body;
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(std::count(statuses.begin(), statuses.end(), 201) == 1);
    BOOST_TEST(std::count(statuses.begin(), statuses.end(), 200) == 19);
    // A repeat reveals no personal data.
    for (int i = 0; i < 20; ++i)
        if (statuses[i] == 200) BOOST_TEST(bodies[i].find("Samma Person") == std::string::npos);
    BOOST_TEST(list(s, meeting).size() == 1u);
}

BOOST_AUTO_TEST_CASE(two_instances_on_one_database_hold_the_capacity) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    kal::test::server_process second(s.url, {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 50);
    auto answers = sign_up_many(0, meeting, 0, 200, 20, {s.server.port(), second.port()});
    for (const auto& a : answers) BOOST_TEST(a.status == 201);
    BOOST_TEST(list(s, meeting, "?status=confirmed").size() == 50u);
    BOOST_TEST(list(s, meeting, "?status=waitlisted").size() == 150u);
}

BOOST_AUTO_TEST_CASE(the_holder_manages_a_sign_up_with_the_token_alone) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 3);
    auto a = sign_up_many(s.server.port(), meeting, 0, 1, 1).front();
    auto b = sign_up_many(s.server.port(), meeting, 1, 1, 1).front();
    BOOST_TEST_REQUIRE(a.status == 201);
    auto path = "/api/v1/rsvp/" + token_of(a);
    auto got = s.client.get(path);
    BOOST_TEST(got.status == 200);
    BOOST_TEST(got.header("cache-control") == "no-store");
    BOOST_TEST(json::parse(got.body).at("email").as_string() == "deltagare0@example.org");
    // Growing to 3 needs 2 more seats than the 1 left: refused, seat kept.
    auto grow = s.client.request("PATCH", path, R"({"party_size": 3})");
    BOOST_TEST(grow.status == 409);
    auto ok = s.client.request("PATCH", path, R"({"party_size": 2, "needs": "Rullstol"})");
    BOOST_TEST(ok.status == 200);
    BOOST_TEST(json::parse(ok.body).at("needs").as_string() == "Rullstol");
    auto cancel = s.client.request("POST", path + "/cancel");
    BOOST_TEST(cancel.status == 200);
    BOOST_TEST(json::parse(cancel.body).at("status").as_string() == "cancelled");
    // The organiser sees needs; the other sign-up is unaffected.
    BOOST_TEST(list(s, meeting, "?status=confirmed").size() == 1u);
    BOOST_TEST(s.client.get("/api/v1/rsvp/kalr_" + std::string(43, 'A')).status == 404);
    BOOST_TEST(s.client.get("/api/v1/rsvp/nonsense").status == 404);
    (void)b;
}

BOOST_AUTO_TEST_CASE(bad_sign_ups_get_problem_json_and_write_nothing) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 10);
    auto draft = s.create("meetings", json::object{{"type", "fro"}, {"title", "Utkast"}, {"start", "2099-01-01T10:00"},
                                                   {"end", "2099-01-01T11:00"}, {"organisation_id", org}},
                          s.admin()).at("id").as_int64();
    auto cancelled = meeting_with_capacity(s, org, 10);
    BOOST_TEST_REQUIRE(s.client.request("POST", "/api/v1/meetings/" + std::to_string(cancelled) + "/cancel", "",
                                        s.admin()).status == 200);
    auto past = s.create("meetings", json::object{{"type", "fro"}, {"title", "Förr"}, {"start", "2001-01-01T10:00"},
                                                  {"end", "2001-01-01T11:00"}, {"organisation_id", org},
                                                  {"status", "published"}},
                         s.admin()).at("id").as_int64();
    auto closed = s.create("meetings", json::object{{"type", "fro"}, {"title", "Stängd"}, {"start", "2099-01-02T10:00"},
                                                    {"end", "2099-01-02T11:00"}, {"organisation_id", org},
                                                    {"status", "published"},
                                                    {"registration_deadline", "2001-01-01T00:00:00Z"}},
                           s.admin()).at("id").as_int64();
    auto good = [](json::object change) {
        json::object b{{"name", "Anna"}, {"email", "anna@example.org"}, {"consent", true}};
        for (auto& [k, v] : change) {
            if (v.is_string() && v.as_string() == "<drop>") b.erase(k);
            else b[k] = v;
        }
        return json::serialize(b);
    };
    auto to = [](std::int64_t id) { return "/api/v1/meetings/" + std::to_string(id) + "/rsvps"; };
    const auto before = kal::test::dump_all_text(s.url);
    struct bad_case {
        std::string name, target, body;
        int status;
        std::string field;
    };
    std::vector<bad_case> cases = {
        {"missing consent", to(meeting), good({{"consent", "<drop>"}}), 422, "consent"},
        {"consent false", to(meeting), good({{"consent", false}}), 422, "consent"},
        {"consent as string", to(meeting), good({{"consent", "yes"}}), 422, "consent"},
        {"missing name", to(meeting), good({{"name", "<drop>"}}), 422, "name"},
        {"blank name", to(meeting), good({{"name", "   "}}), 422, "name"},
        {"name of 10,000 characters", to(meeting), good({{"name", std::string(10000, 'n')}}), 422, "name"},
        {"name with a line break", to(meeting), good({{"name", "Anna\r\nBcc: x"}}), 422, "name"},
        {"missing e-mail", to(meeting), good({{"email", "<drop>"}}), 422, "email"},
        {"e-mail without @", to(meeting), good({{"email", "anna.example.org"}}), 422, "email"},
        {"e-mail with two @", to(meeting), good({{"email", "a@b@example.org"}}), 422, "email"},
        {"e-mail with space", to(meeting), good({{"email", "an na@example.org"}}), 422, "email"},
        {"e-mail with newline", to(meeting), good({{"email", "anna@example.org\nBcc: x@y.z"}}), 422, "email"},
        {"e-mail of 300 characters", to(meeting), good({{"email", std::string(290, 'a') + "@example.org"}}), 422, "email"},
        {"party size 0", to(meeting), good({{"party_size", 0}}), 422, "party_size"},
        {"party size 11", to(meeting), good({{"party_size", 11}}), 422, "party_size"},
        {"party size -1", to(meeting), good({{"party_size", -1}}), 422, "party_size"},
        {"party size text", to(meeting), good({{"party_size", "två"}}), 422, "party_size"},
        {"party size fraction", to(meeting), good({{"party_size", 1.5}}), 422, "party_size"},
        {"language de", to(meeting), good({{"language", "de"}}), 422, "language"},
        {"needs too long", to(meeting), good({{"needs", std::string(1001, 'x')}}), 422, "needs"},
        {"needs with control character", to(meeting), good({{"needs", "a\x01"}}), 422, "needs"},
        {"organisation as list", to(meeting), good({{"organisation", json::array{1}}}), 422, "organisation"},
        {"unknown organisation id", to(meeting), good({{"organisation", 999999}}), 422, "organisation"},
        {"unknown field", to(meeting), good({{"phone", "070"}}), 422, "phone"},
        {"not JSON", to(meeting), "{name: Anna}", 400, ""},
        {"JSON array", to(meeting), "[]", 400, ""},
        {"unknown meeting", to(999999), good({}), 404, ""},
        {"non-numeric meeting", "/api/v1/meetings/abc/rsvps", good({}), 404, ""},
        {"draft meeting", to(draft), good({}), 409, ""},
        {"cancelled meeting", to(cancelled), good({}), 409, ""},
        {"past meeting", to(past), good({}), 409, ""},
        {"deadline passed", to(closed), good({}), 409, ""},
        {"wrong token", "/api/v1/rsvp/kalr_" + std::string(43, 'B'), "", 404, ""},
        {"malformed token", "/api/v1/rsvp/x", "", 404, ""},
    };
    BOOST_TEST(cases.size() >= 30u);
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            auto r = c.body.empty() ? s.client.get(c.target) : s.client.request("POST", c.target, c.body);
            BOOST_TEST(r.status == c.status);
            BOOST_TEST(r.header("content-type") == "application/problem+json");
            if (!c.field.empty()) BOOST_TEST(r.body.find("\"field\":\"" + c.field + "\"") != std::string::npos, r.body);
        }
    }
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);
    BOOST_TEST(kal::test::count_rows(s.url, "rsvps") == 0);
}


BOOST_AUTO_TEST_CASE(organisers_export_sign_ups_as_csv_that_a_spreadsheet_reads_safely) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 10);
    auto to = "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps";
    const std::string tricky_name = "Åsa \"Kalla\" Öberg, ordförande";
    const std::string formula = "=HYPERLINK(\"http://x\")";
    BOOST_TEST_REQUIRE(s.client.request("POST", to, json::serialize(json::object{
        {"name", tricky_name}, {"email", "asa@example.org"}, {"needs", "Rad ett\nRad två; med semikolon"},
        {"consent", true}})).status == 201);
    BOOST_TEST_REQUIRE(s.client.request("POST", to, json::serialize(json::object{
        {"name", formula}, {"email", "formel@example.org"}, {"consent", true}})).status == 201);
    for (char sep : {',', ';'}) {
        auto h = s.admin();
        h["Accept"] = "text/csv";
        auto r = s.client.get(to + (sep == ';' ? "?separator=semicolon" : ""), h);
        BOOST_TEST_REQUIRE(r.status == 200);
        BOOST_TEST(r.header("content-type") == "text/csv; charset=utf-8");
        BOOST_TEST(r.header("cache-control") == "no-store");
        BOOST_TEST(r.body.starts_with("\xEF\xBB\xBF") == (sep == ';'));
        auto rows = read_csv(r.body, sep);
        BOOST_TEST_REQUIRE(rows.size() == 3u);
        BOOST_TEST(rows[0].as_array()[3].as_string() == "name");
        BOOST_TEST(rows[1].as_array()[3].as_string() == tricky_name);
        BOOST_TEST(rows[1].as_array()[8].as_string() == "Rad ett\nRad två; med semikolon");
        // A formula is neutralised, not run.
        BOOST_TEST(rows[2].as_array()[3].as_string() == "'" + formula);
    }
    BOOST_TEST(s.client.get(to + "?separator=tab", s.admin()).status == 400);
}

BOOST_AUTO_TEST_CASE(a_quota_per_organisation_limits_its_delegates) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto association = s.create("organisations", json::object{{"name", "Röda Korset Borås"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 100);
    auto quota = "/api/v1/meetings/" + std::to_string(meeting) + "/quota";
    BOOST_TEST(s.client.request("PUT", quota, R"({"per_organisation": 2})").status == 401);
    BOOST_TEST(s.client.request("PUT", quota, R"({"per_organisation": 0})", s.admin()).status == 422);
    BOOST_TEST(s.client.request("PUT", quota, R"({})", s.admin()).status == 422);
    BOOST_TEST(s.client.request("PUT", quota, R"({"per_organisation": 2})", s.admin()).status == 200);
    BOOST_TEST(json::parse(s.client.get(quota).body).at("per_organisation").as_int64() == 2);
    auto to = "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps";
    auto delegate = [&](int i) {
        return s.client.request("POST", to, json::serialize(json::object{
            {"name", "Delegat " + std::to_string(i)}, {"email", "delegat" + std::to_string(i) + "@example.org"},
            {"organisation", association}, {"consent", true}}));
    };
    auto first = delegate(1);
    BOOST_TEST_REQUIRE(first.status == 201);
    auto first_url = std::string(json::parse(first.body).at("url").as_string());
    auto first_path = first_url.substr(first_url.find("/api/"));
    BOOST_TEST(delegate(2).status == 201);
    auto third = delegate(3);
    BOOST_TEST(third.status == 409);
    BOOST_TEST(third.body.find("\"field\":\"organisation\"") != std::string::npos);
    // The organisation's name as free text, in another letter case, is the same organisation.
    auto by_name = s.client.request("POST", to, json::serialize(json::object{
        {"name", "Delegat 4"}, {"email", "delegat4@example.org"}, {"organisation", "röda korset BORÅS"},
        {"consent", true}}));
    BOOST_TEST(by_name.status == 409, by_name.body);
    // A delegate who brings a companion grows past the quota too: refused, the sign-up unchanged.
    auto grow = s.client.request("PATCH", first_path, R"({"party_size": 2})");
    BOOST_TEST(grow.status == 409, grow.body);
    BOOST_TEST(grow.body.find("\"field\":\"party_size\"") != std::string::npos);
    BOOST_TEST(json::parse(s.client.get(first_path).body).at("party_size").as_int64() == 1);
    // Without an organisation the quota does not apply; removing it opens the door again.
    BOOST_TEST(s.client.request("POST", to, sign_up_body(99)).status == 201);
    BOOST_TEST(s.client.request("PUT", quota, R"({"per_organisation": null})", s.admin()).status == 200);
    BOOST_TEST(delegate(3).status == 201);
}

BOOST_AUTO_TEST_CASE(an_organiser_moves_someone_from_the_waitlist_by_hand) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Samrådet"}}, s.admin()).at("id").as_int64();
    auto other = s.create("organisations", json::object{{"name", "Annan förening"}}, s.admin()).at("id").as_int64();
    auto meeting = meeting_with_capacity(s, org, 1);
    auto answers = sign_up_many(s.server.port(), meeting, 0, 2, 1);
    BOOST_TEST_REQUIRE(answers[1].body.at("status").as_string() == "waitlisted");
    auto confirm = "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps/" +
                   std::to_string(answers[1].body.at("id").as_int64()) + "/confirm";
    auto outsider = kal::test::create_token(s.url, "organiser", "annan", std::to_string(other));
    BOOST_TEST(s.client.request("POST", confirm, "", s.auth(outsider)).status == 403);
    auto r = s.client.request("POST", confirm, "", s.admin());
    BOOST_TEST(r.status == 200);
    BOOST_TEST(json::parse(r.body).at("status").as_string() == "confirmed");
    BOOST_TEST(list(s, meeting, "?status=confirmed").size() == 2u);  // overbooked on purpose
    BOOST_TEST(s.client.request("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps/999999/confirm", "",
                                s.admin()).status == 404);
}
