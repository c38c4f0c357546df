// Attendance, the yearly report and personal data end to end, on the backend KAL_TEST_DB selects
// (ctest runs both): check-ins at the door, attendance counts, the report checked against an
// independent computation from the API's own lists, erasure, export, scheduled anonymisation
// and the rate limit on sign-ups.
#define BOOST_TEST_MODULE e2e_attendance
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <thread>
#include <filesystem>
#include <fstream>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::header_map;
using kal::test::read_csv;
using kal::test::running_service;

namespace {

std::string path_of(std::int64_t meeting, const std::string& rest) {
    return "/api/v1/meetings/" + std::to_string(meeting) + rest;
}

std::int64_t future_meeting(running_service& s, std::int64_t org, std::optional<int> capacity = {}) {
    json::object body{{"type", "fro"},          {"title", "FRÖ-möte"},    {"start", "2099-03-12T18:00"},
                      {"end", "2099-03-12T20:00"}, {"organisation_id", org}, {"status", "published"}};
    if (capacity) body["capacity"] = *capacity;
    return s.create("meetings", body, s.admin()).at("id").as_int64();
}

// Signs up and returns (id, manage token).
std::pair<std::int64_t, std::string> sign_up(running_service& s, std::int64_t meeting, const std::string& name,
                                             const std::string& email, json::value organisation = nullptr,
                                             int party = 1) {
    json::object body{{"name", name}, {"email", email}, {"party_size", party}, {"consent", true}};
    if (!organisation.is_null()) body["organisation"] = organisation;
    auto [status, v] = s.call("POST", path_of(meeting, "/rsvps"), body, {});
    BOOST_TEST_REQUIRE(status == 201, v);
    auto url = std::string(v.at("manage_url").as_string());
    return {v.at("id").as_int64(), url.substr(url.rfind('/') + 1)};
}

std::int64_t num(const json::value& v, const char* key) { return v.at(key).as_int64(); }

}  // namespace

BOOST_AUTO_TEST_CASE(check_ins_are_idempotent_and_attendance_counts_them) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto association =
        s.create("organisations", json::object{{"name", "Röda Korset Borås"}}, s.admin()).at("id").as_int64();
    auto meeting = future_meeting(s, org, 3);
    auto [a, a_token] = sign_up(s, meeting, "Anna Berg", "anna@example.org", association, 2);
    auto [b, b_token] = sign_up(s, meeting, "Bo Ek", "bo@example.org");
    auto [c, c_token] = sign_up(s, meeting, "Cecilia Lind", "cecilia@example.org", "Kvinnojouren");  // waitlisted
    (void)b_token;
    (void)c_token;
    const auto checkins = path_of(meeting, "/checkins");

    // The same sign-up from two door devices at once, ten times each: one check-in.
    std::atomic<int> created{0}, existing{0}, other{0};
    std::vector<std::thread> devices;
    for (int d = 0; d < 2; ++d)
        devices.emplace_back([&] {
            kal::test::http_client device(s.server.port());
            for (int i = 0; i < 10; ++i) {
                auto r = device.request("POST", checkins, json::serialize(json::object{{"rsvp", a}}), s.admin());
                (r.status == 201 ? created : r.status == 200 ? existing : other)++;
            }
        });
    for (auto& t : devices) t.join();
    BOOST_TEST(created.load() == 1);
    BOOST_TEST(existing.load() == 19);
    BOOST_TEST(other.load() == 0);

    // A walk-in twice (another letter case) is one; the same name from another organisation is not.
    auto [w1, walk_in] = s.call("POST", checkins, json::object{{"name", "Gösta Ek"}, {"organisation", association}},
                                s.admin());
    BOOST_TEST(w1 == 201);
    BOOST_TEST(walk_in.at("walk_in").as_bool());
    BOOST_TEST(num(walk_in, "people") == 1);
    BOOST_TEST(s.call("POST", checkins, json::object{{"name", "GÖSTA EK"}, {"organisation", association}}, s.admin())
                   .first == 200);
    auto [w3, other_walk_in] = s.call(
        "POST", checkins, json::object{{"name", "Gösta Ek"}, {"organisation", "PRO Borås"}, {"party_size", 3}},
        s.admin());
    BOOST_TEST(w3 == 201);
    BOOST_TEST(s.call("POST", checkins, json::object{{"rsvp", c}}, s.admin()).first == 201);  // came from the waitlist

    auto [st, att] = s.call("GET", path_of(meeting, "/attendance"), nullptr, s.admin());
    BOOST_TEST_REQUIRE(st == 200, att);
    auto count = [&](const char* k) { return std::make_pair(num(att.at(k), "count"), num(att.at(k), "people")); };
    BOOST_TEST((count("confirmed") == std::make_pair<std::int64_t, std::int64_t>(2, 3)));
    BOOST_TEST((count("waitlisted") == std::make_pair<std::int64_t, std::int64_t>(1, 1)));
    BOOST_TEST((count("signed_up") == std::make_pair<std::int64_t, std::int64_t>(3, 4)));
    BOOST_TEST((count("attended") == std::make_pair<std::int64_t, std::int64_t>(4, 2 + 1 + 3 + 1)));
    BOOST_TEST((count("walk_ins") == std::make_pair<std::int64_t, std::int64_t>(2, 4)));
    BOOST_TEST((count("no_shows") == std::make_pair<std::int64_t, std::int64_t>(1, 1)));
    BOOST_TEST(!att.at("overbooked").as_bool());
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> orgs;
    for (const auto& o : att.at("organisations").as_array())
        orgs[std::string(o.at("name").as_string())] = {num(o, "signed_up_people"), num(o, "attended_people")};
    BOOST_TEST(orgs.size() == 3u);
    BOOST_TEST((orgs["Röda Korset Borås"] == std::make_pair<std::int64_t, std::int64_t>(2, 3)));
    BOOST_TEST((orgs["Kvinnojouren"] == std::make_pair<std::int64_t, std::int64_t>(1, 1)));
    BOOST_TEST((orgs["PRO Borås"] == std::make_pair<std::int64_t, std::int64_t>(0, 3)));

    // Undo, and the list the door devices read.
    auto undo = path_of(meeting, "/checkins/" + std::to_string(num(other_walk_in, "id")));
    BOOST_TEST(s.client.request("DELETE", undo, "", s.admin()).status == 204);
    BOOST_TEST(s.client.request("DELETE", undo, "", s.admin()).status == 404);
    auto [ls, listed] = s.call("GET", checkins, nullptr, s.admin());
    BOOST_TEST(ls == 200);
    BOOST_TEST(listed.at("items").as_array().size() == 3u);

    // Organisers only: no token 401; an organiser of another organisation 403.
    auto stranger_org = s.create("organisations", json::object{{"name", "Annan"}}, s.admin()).at("id").as_int64();
    auto stranger = kal::test::create_token(s.url, "organiser", "annan", std::to_string(stranger_org));
    BOOST_TEST(s.client.get(path_of(meeting, "/attendance")).status == 401);
    BOOST_TEST(s.client.get(path_of(meeting, "/attendance"), s.auth(stranger)).status == 403);
    BOOST_TEST(s.client.request("POST", checkins, R"({"name": "X"})", s.auth(stranger)).status == 403);
    BOOST_TEST(s.client.get(checkins, s.auth(stranger)).status == 403);
    auto own = kal::test::create_token(s.url, "organiser", "egen", std::to_string(org));
    BOOST_TEST(s.client.get(path_of(meeting, "/attendance"), s.auth(own)).status == 200);
}

BOOST_AUTO_TEST_CASE(lowering_the_capacity_evicts_nobody_and_shows_the_meeting_overbooked) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = future_meeting(s, org, 3);
    for (int i = 0; i < 5; ++i) sign_up(s, meeting, "Deltagare", "d" + std::to_string(i) + "@example.org");
    auto attendance = [&] { return s.call("GET", path_of(meeting, "/attendance"), nullptr, s.admin()).second; };
    auto capacity = [&](int n) {
        auto [st, v] = s.call("PATCH", path_of(meeting, ""), json::object{{"capacity", n}}, s.admin());
        BOOST_TEST_REQUIRE(st == 200, v);
    };
    BOOST_TEST(num(attendance().at("waitlisted"), "count") == 2);
    capacity(1);
    auto low = attendance();
    BOOST_TEST(num(low.at("confirmed"), "count") == 3);  // nobody evicted
    BOOST_TEST(low.at("overbooked").as_bool());
    capacity(4);  // still three confirmed above... one seat frees: the head of the waitlist moves up
    auto raised = attendance();
    BOOST_TEST(num(raised.at("confirmed"), "count") == 4);
    BOOST_TEST(num(raised.at("waitlisted"), "count") == 1);
    BOOST_TEST(!raised.at("overbooked").as_bool());
}

BOOST_AUTO_TEST_CASE(bad_check_ins_get_problem_json_and_write_nothing) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = future_meeting(s, org);
    auto elsewhere = future_meeting(s, org);
    auto [r, token] = sign_up(s, elsewhere, "Anna Berg", "anna@example.org");
    (void)token;
    auto draft = s.create("meetings", json::object{{"type", "fro"}, {"title", "Utkast"}, {"start", "2099-01-01T10:00"},
                                                   {"end", "2099-01-01T11:00"}, {"organisation_id", org}},
                          s.admin()).at("id").as_int64();
    const auto to = path_of(meeting, "/checkins");
    struct bad_case {
        std::string name, target, body;
        int status;
        std::string field;
    };
    std::vector<bad_case> cases = {
        {"empty body object", to, "{}", 422, "name"},
        {"both a sign-up and a name", to, json::serialize(json::object{{"rsvp", r}, {"name", "X"}}), 422, "name"},
        {"sign-up of another meeting", to, json::serialize(json::object{{"rsvp", r}}), 422, "rsvp"},
        {"unknown sign-up", to, R"({"rsvp": 987654})", 422, "rsvp"},
        {"sign-up id as text", to, R"({"rsvp": "12"})", 422, "rsvp"},
        {"sign-up id zero", to, R"({"rsvp": 0})", 422, "rsvp"},
        {"blank name", to, R"({"name": "  "})", 422, "name"},
        {"name of 10,000 characters", to, json::serialize(json::object{{"name", std::string(10000, 'n')}}), 422,
         "name"},
        {"name with a line break", to, R"({"name": "A\r\nB"})", 422, "name"},
        {"party size 0", to, R"({"name": "A", "party_size": 0})", 422, "party_size"},
        {"party size 51", to, R"({"name": "A", "party_size": 51})", 422, "party_size"},
        {"unknown organisation", to, R"({"name": "A", "organisation": 987654})", 422, "organisation"},
        {"organisation as a list", to, R"({"name": "A", "organisation": [1]})", 422, "organisation"},
        {"organisation for a sign-up", to, json::serialize(json::object{{"rsvp", r}, {"organisation", "X"}}), 422,
         "organisation"},
        {"unknown field", to, R"({"name": "A", "email": "a@example.org"})", 422, "email"},
        {"not JSON", to, "{name", 400, ""},
        {"draft meeting", path_of(draft, "/checkins"), R"({"name": "A"})", 409, "meeting"},
        {"unknown meeting", path_of(987654, "/checkins"), R"({"name": "A"})", 404, ""},
        {"meeting id not a number", "/api/v1/meetings/abc/checkins", R"({"name": "A"})", 404, ""},
        {"undo of an unknown check-in", path_of(meeting, "/checkins/987654"), "", 404, ""},
    };
    const auto before = kal::test::dump_all_text(s.url);
    for (const auto& c : cases) {
        auto method = c.target.find("/checkins/") != std::string::npos ? "DELETE" : "POST";
        auto res = s.client.request(method, c.target, c.body, s.admin());
        BOOST_TEST(res.status == c.status, c.name << ": " << res.status << " " << res.body);
        BOOST_TEST(res.header("content-type") == "application/problem+json", c.name);
        if (!c.field.empty()) BOOST_TEST(res.body.find("\"field\":\"" + c.field + "\"") != std::string::npos,
                                         c.name << ": " << res.body);
    }
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);
    BOOST_TEST(s.call("GET", path_of(meeting, "/checkins"), nullptr, s.admin()).second.at("items").as_array().empty());
}

BOOST_AUTO_TEST_CASE(the_yearly_report_matches_an_independent_count_of_the_demo_data) {
    running_service s(kal::test::current_test_name(), {"--demo"});
    std::time_t now_t = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now_t, &utc);
    char now_text[32];
    std::strftime(now_text, sizeof now_text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    // The demo holds the twelve months before now and the twelve after: parts of the year before,
    // this one and the next. Near New Year no single year has both held and planned meetings, so
    // every year is checked against its own count and the figures must be there across them.
    // (The years are those of Stockholm; around New Year's Eve UTC may differ by a day, which
    // does not matter when all three are checked.)
    const int this_year = utc.tm_year + 1900;

    // The expected numbers, counted here from sign-up and check-in lists, not from the report's
    // or the attendance code.
    struct tally {
        std::int64_t held = 0, cancelled = 0, planned = 0, signed_up = 0, attended = 0, walk_ins = 0, no_shows = 0,
                     with_capacity = 0, full = 0;
        std::set<std::string> orgs_attended, orgs_signed_up;
    };
    tally across;  // the three years together
    std::size_t meetings_seen = 0;
    for (int year = this_year - 1; year <= this_year + 1; ++year) {
        BOOST_TEST_CONTEXT("year " << year) {
            const std::string y = std::to_string(year);
            // Every meeting of the year that is not a draft, from the public list.
            std::vector<json::object> meetings;
            std::string cursor;
            auto local_start = [](const json::value& m) {  // all-day meetings have a date instead
                const auto& start = m.at("start").as_object();
                return std::string(start.contains("local") ? start.at("local").as_string() : start.at("date").as_string());
            };
            for (;;) {
                auto [st, page] = s.call("GET", "/api/v1/meetings?limit=200&status=published,cancelled&from=" + y +
                                                    "-01-01&to=" + std::to_string(year + 1) + "-01-01" +
                                                    (cursor.empty() ? "" : "&cursor=" + cursor),
                                         nullptr, {});
                BOOST_TEST_REQUIRE(st == 200, page);
                for (const auto& m : page.at("items").as_array())
                    if (local_start(m).starts_with(y)) meetings.push_back(m.as_object());
                if (page.at("next_cursor").is_null()) break;
                cursor = std::string(page.at("next_cursor").as_string());
            }
            meetings_seen += meetings.size();

            tally total;
            std::map<std::string, tally> by_type, by_month;
            std::map<std::int64_t, tally> by_network;
            for (const auto& m : meetings) {
                std::vector<tally*> targets{&total, &across, &by_type[std::string(m.at("type").as_string())],
                                            &by_month[local_start(m).substr(0, 7)]};
                for (const auto& n : m.at("network_ids").as_array()) targets.push_back(&by_network[n.as_int64()]);
                if (m.at("status").as_string() == "cancelled") {
                    for (auto* t : targets) ++t->cancelled;
                    continue;
                }
                const bool started = m.at("start").at("utc").as_string().subview() <= std::string_view(now_text);
                auto id = m.at("id").as_int64();
                auto rsvps = s.call("GET", path_of(id, "/rsvps"), nullptr, s.admin()).second.at("items").as_array();
                auto checks = s.call("GET", path_of(id, "/checkins"), nullptr, s.admin()).second.at("items").as_array();
                auto org_key = [](const json::value& x) {
                    if (!x.at("organisation_id").is_null()) return "#" + std::to_string(x.at("organisation_id").as_int64());
                    auto name = std::string(x.at("organisation_name").as_string());
                    return name.empty() ? std::string() : "=" + name;
                };
                std::set<std::int64_t> came;
                std::int64_t signed_up = 0, confirmed = 0, waitlisted = 0, attended = 0, walk_ins = 0, no_shows = 0;
                std::set<std::string> orgs_signed, orgs_came;
                for (const auto& c : checks) {
                    attended += c.at("people").as_int64();
                    if (c.at("rsvp_id").is_null()) walk_ins += c.at("people").as_int64();
                    else came.insert(c.at("rsvp_id").as_int64());
                    if (auto k = org_key(c); !k.empty()) orgs_came.insert(k);
                }
                for (const auto& r : rsvps) {
                    auto status = r.at("status").as_string();
                    if (status == "cancelled") continue;
                    auto party = r.at("party_size").as_int64();
                    signed_up += party;
                    if (status == "confirmed") {
                        confirmed += party;
                        if (!came.count(r.at("id").as_int64())) no_shows += party;
                    } else ++waitlisted;
                    if (auto k = org_key(r); !k.empty()) orgs_signed.insert(k);
                }
                for (auto* t : targets) {
                    ++(started ? t->held : t->planned);
                    t->signed_up += signed_up;
                    t->orgs_signed_up.insert(orgs_signed.begin(), orgs_signed.end());
                    if (!started) continue;
                    t->attended += attended;
                    t->walk_ins += walk_ins;
                    t->no_shows += no_shows;
                    t->orgs_attended.insert(orgs_came.begin(), orgs_came.end());
                    if (!m.at("capacity").is_null()) {
                        ++t->with_capacity;
                        if (confirmed >= m.at("capacity").as_int64() || waitlisted > 0) ++t->full;
                    }
                }
            }

            auto [st, report] = s.call("GET", "/api/v1/reports/year/" + y, nullptr, {});
            BOOST_TEST_REQUIRE(st == 200, report);
            auto same = [](const json::value& got, const tally& want, const std::string& what) {
                BOOST_TEST(num(got, "held") == want.held, what);
                BOOST_TEST(num(got, "cancelled") == want.cancelled, what);
                BOOST_TEST(num(got, "planned") == want.planned, what);
                BOOST_TEST(num(got, "signed_up_people") == want.signed_up, what);
                BOOST_TEST(num(got, "attended_people") == want.attended, what);
                BOOST_TEST(num(got, "walk_in_people") == want.walk_ins, what);
                BOOST_TEST(num(got, "no_show_people") == want.no_shows, what);
                BOOST_TEST(num(got, "organisations_attended") == static_cast<std::int64_t>(want.orgs_attended.size()), what);
                BOOST_TEST(num(got, "organisations_signed_up") == static_cast<std::int64_t>(want.orgs_signed_up.size()),
                           what);
                BOOST_TEST(num(got, "meetings_with_capacity") == want.with_capacity, what);
                BOOST_TEST(num(got, "full_meetings") == want.full, what);
                if (want.with_capacity)
                    BOOST_TEST(got.at("full_share").as_double() == static_cast<double>(want.full) / want.with_capacity,
                               boost::test_tools::tolerance(1e-9));
                else BOOST_TEST(got.at("full_share").is_null(), what);
            };
            same(report.at("totals"), total, "totals");
            BOOST_TEST(num(report, "year") == year);
            for (const auto& t : report.at("by_type").as_array()) {
                auto type = std::string(t.at("type").as_string());
                same(t, by_type[type], "type " + type);
                if (type == "fro") {
                    BOOST_TEST(num(t, "target") == 4);  // the compact's "at least four a year"
                    BOOST_TEST(t.at("target_reached").as_bool() == (by_type["fro"].held >= 4));
                }
                if (type == "other") BOOST_TEST(t.at("target").is_null());
            }
            BOOST_TEST(report.at("by_type").as_array().size() == 8u);
            BOOST_TEST(report.at("by_network").as_array().size() == by_network.size());
            for (const auto& n : report.at("by_network").as_array())
                same(n, by_network[num(n, "network_id")], "network " + std::string(n.at("slug").as_string()));
            BOOST_TEST_REQUIRE(report.at("by_month").as_array().size() == 12u);
            for (const auto& mo : report.at("by_month").as_array()) {
                auto key = std::string(mo.at("month").as_string());
                same(mo, by_month[key], "month " + key);
            }
            // No names, no e-mail addresses: aggregates only.
            auto body = json::serialize(report);
            BOOST_TEST(body.find("@") == std::string::npos);
            for (const auto& person : {"Andersson", "Johansson", "Fatima", "example.se"})
                BOOST_TEST(body.find(person) == std::string::npos, person);

            // The CSV says the same, read back by Python's csv module, in both separators.
            for (char sep : {',', ';'}) {
                auto r = s.client.get("/api/v1/reports/year/" + y + (sep == ';' ? "?separator=semicolon" : ""),
                                      {{"Accept", "text/csv"}});
                BOOST_TEST_REQUIRE(r.status == 200);
                BOOST_TEST(r.header("content-type") == "text/csv; charset=utf-8");
                auto rows = read_csv(r.body, sep);
                BOOST_TEST_REQUIRE(rows.size() == 1u + 1u + 8u + by_network.size() + 12u);
                const auto& head = rows[0].as_array();
                const auto& year_row = rows[1].as_array();
                BOOST_TEST(year_row[0].as_string() == "year");
                std::map<std::string, std::string> cells;
                for (std::size_t i = 0; i < head.size(); ++i)
                    cells[std::string(head[i].as_string())] = std::string(year_row[i].as_string());
                BOOST_TEST(cells["held"] == std::to_string(total.held));
                BOOST_TEST(cells["attended_people"] == std::to_string(total.attended));
                BOOST_TEST(cells["organisations_attended"] == std::to_string(total.orgs_attended.size()));
                BOOST_TEST(cells["full_meetings"] == std::to_string(total.full));
            }
        }
    }
    // The demo's two years have everything the report counts.
    BOOST_TEST(meetings_seen > 100u);
    BOOST_TEST(across.held > 0);
    BOOST_TEST(across.attended > 0);
    BOOST_TEST(across.walk_ins > 0);
    BOOST_TEST(across.no_shows > 0);
    BOOST_TEST(across.full > 0);
    BOOST_TEST(across.cancelled > 0);
    BOOST_TEST(across.planned > 0);
    BOOST_TEST(s.client.get("/api/v1/reports/year/1999").status == 404);
    BOOST_TEST(s.client.get("/api/v1/reports/year/20x6").status == 404);
    BOOST_TEST(s.client.get("/api/v1/reports/year/" + std::to_string(this_year) + "?separator=tab").status == 400);
}

BOOST_AUTO_TEST_CASE(personal_data_is_exported_and_erased_and_the_holder_erases_their_own) {
    running_service s(kal::test::current_test_name(), {}, kal::test::unlimited_sign_ups);
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = future_meeting(s, org, 1);
    auto other = future_meeting(s, org);
    auto [held, held_token] = sign_up(s, meeting, "Karin Svensson", "Karin.Svensson@example.org");
    auto [next, next_token] = sign_up(s, meeting, "Nils Nästa", "nils@example.org");
    auto [second, second_token] = sign_up(s, other, "Karin Svensson", "karin.svensson@example.org");
    BOOST_TEST(s.call("POST", path_of(other, "/checkins"), json::object{{"rsvp", second}}, s.admin()).first == 201);

    // Export: an admin only, the address in the body (never in a URL).
    const auto karin = json::object{{"email", "KARIN.svensson@example.org"}};
    auto own = kal::test::create_token(s.url, "organiser", "egen", std::to_string(org));
    BOOST_TEST(s.call("POST", "/api/v1/admin/personal-data/export", karin, s.auth(own)).first == 403);
    BOOST_TEST(s.call("POST", "/api/v1/admin/personal-data/export", karin, {}).first == 401);
    BOOST_TEST(s.call("POST", "/api/v1/admin/personal-data/export", json::object{{"email", "nej"}}, s.admin()).first ==
               422);
    auto [es, exported] = s.call("POST", "/api/v1/admin/personal-data/export", karin, s.admin());
    BOOST_TEST_REQUIRE(es == 200, exported);
    BOOST_TEST(exported.at("rsvps").as_array().size() == 2u);
    BOOST_TEST(exported.at("checkins").as_array().size() == 1u);
    BOOST_TEST(exported.at("rsvps").as_array()[0].at("name").as_string() == "Karin Svensson");

    // The holder erases one sign-up with the token: gone, and the seat moves on.
    BOOST_TEST(s.client.request("DELETE", "/api/v1/rsvp/" + held_token).status == 204);
    BOOST_TEST(s.client.get("/api/v1/rsvp/" + held_token).status == 404);
    BOOST_TEST(s.client.request("DELETE", "/api/v1/rsvp/" + held_token).status == 404);
    BOOST_TEST(s.call("GET", "/api/v1/rsvp/" + next_token, nullptr, {}).second.at("status").as_string() == "confirmed");

    // An admin erases the rest of the address; no trace in any text column of any table.
    auto [rs, erased] = s.call("POST", "/api/v1/admin/personal-data/erase", karin, s.admin());
    BOOST_TEST(rs == 200);
    BOOST_TEST(num(erased, "erased_rsvps") == 1);
    auto text = kal::test::dump_all_text(s.url);
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char ch) { return std::tolower(ch); });
    BOOST_TEST(text.find("karin") == std::string::npos);
    BOOST_TEST(text.find("svensson") == std::string::npos);
    BOOST_TEST(text.find("nils@example.org") != std::string::npos);  // someone else's stays
    BOOST_TEST(s.client.get("/api/v1/rsvp/" + second_token).status == 404);
    BOOST_TEST(s.call("POST", "/api/v1/admin/personal-data/export", karin, s.admin()).second.at("rsvps").as_array()
                   .empty());
}

BOOST_AUTO_TEST_CASE(sign_ups_are_anonymised_after_the_meeting_on_schedule) {
    // Anonymise as soon as a meeting has ended, looking every second.
    running_service s(kal::test::current_test_name(), {},
                      {{"KALENDARIUM_RSVPS_ANONYMISE_AFTER_DAYS", "0"},
                       {"KALENDARIUM_RSVPS_ANONYMISE_INTERVAL", "1s"},
                       {"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "0"}});
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto association =
        s.create("organisations", json::object{{"name", "Föreningen Ängsbacken"}}, s.admin()).at("id").as_int64();
    auto meeting = future_meeting(s, org);
    auto stays = future_meeting(s, org);
    auto [r, token] = sign_up(s, meeting, "Signe Grönkvist", "signe.gronkvist@example.org", association, 2);
    auto [kept, kept_token] = sign_up(s, stays, "Dagny Kvist", "dagny.kvist@example.org");
    (void)kept;
    BOOST_TEST(s.call("POST", path_of(meeting, "/checkins"), json::object{{"rsvp", r}}, s.admin()).first == 201);
    BOOST_TEST(s.call("POST", path_of(meeting, "/checkins"),
                      json::object{{"name", "Yngve Walkin"}, {"organisation", association}}, s.admin())
                   .first == 201);
    auto before = s.call("GET", path_of(meeting, "/attendance"), nullptr, s.admin()).second;
    // The meeting turns out to have been last year (the organiser corrects the date).
    auto [ps, patched] = s.call("PATCH", path_of(meeting, ""),
                                json::object{{"start", "2001-03-12T18:00"}, {"end", "2001-03-12T20:00"}}, s.admin());
    BOOST_TEST_REQUIRE(ps == 200, patched);
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = s.client.get("/api/v1/rsvp/" + token).status == 404;
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST_REQUIRE(gone);
    auto text = kal::test::dump_all_text(s.url);
    for (const char* trace : {"Signe", "signe", "Grönkvist", "grönkvist", "gronkvist", "Yngve", "yngve"})
        BOOST_TEST(text.find(trace) == std::string::npos, trace);
    BOOST_TEST(text.find("dagny.kvist@example.org") != std::string::npos);  // a meeting yet to come
    BOOST_TEST(s.client.get("/api/v1/rsvp/" + kept_token).status == 200);
    auto after = s.call("GET", path_of(meeting, "/attendance"), nullptr, s.admin()).second;
    BOOST_TEST(after == before);  // counts and organisations stay for the reports
    // The anonymised rows are listed to organisers without names.
    auto listed = s.call("GET", path_of(meeting, "/rsvps"), nullptr, s.admin()).second;
    BOOST_TEST(listed.at("items").as_array().size() == 1u);
    for (const auto& x : listed.at("items").as_array()) {
        BOOST_TEST(x.at("name").as_string() == "");
        BOOST_TEST(x.at("email").as_string() == "");
    }
}

namespace {
// Number of VEVENTs python3-icalendar (a parser nobody here wrote) reads in a calendar.
int events_read_by_python_icalendar(const std::string& ics) {
    auto path = std::filesystem::temp_directory_path() / ("kal-e2e-" + std::to_string(::getpid()) + ".ics");
    std::ofstream(path, std::ios::binary) << ics;
    std::string command = "/usr/bin/python3 -c \"import icalendar, sys; "
                          "c = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read()); "
                          "print(len(c.walk('VEVENT')))\" '" + path.string() + "'";
    FILE* p = ::popen(command.c_str(), "r");
    char buf[64] = {};
    auto n = std::fread(buf, 1, sizeof buf - 1, p);
    BOOST_TEST_REQUIRE(::pclose(p) == 0);
    std::filesystem::remove(path);
    return std::stoi(std::string(buf, n));
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_holder_subscribes_to_their_sign_up_and_organisers_add_people_by_hand) {
    running_service s(kal::test::current_test_name(), {}, {{"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "1"}});
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto closed = s.create("meetings", json::object{{"type", "fro"}, {"title", "FRÖ-möte"},
                                                    {"start", "2099-03-12T18:00"}, {"end", "2099-03-12T20:00"},
                                                    {"organisation_id", org}, {"status", "published"},
                                                    {"registration_deadline", "2001-01-01T00:00:00Z"}},
                           s.admin()).at("id").as_int64();
    auto open = future_meeting(s, org, 1);
    auto [st, signed_up] = s.call("POST", path_of(open, "/rsvps"),
                                  json::object{{"name", "Anna"}, {"email", "anna@example.org"}, {"consent", true}}, {});
    BOOST_TEST_REQUIRE(st == 201, signed_up);
    auto feed_url = std::string(signed_up.at("feed_url").as_string());
    auto feed_path = feed_url.substr(feed_url.find("/feeds/"));
    auto feed = s.client.get(feed_path);
    BOOST_TEST_REQUIRE(feed.status == 200);
    BOOST_TEST(feed.header("content-type").starts_with("text/calendar"));
    BOOST_TEST(feed.header("cache-control").starts_with("private"));
    BOOST_TEST(events_read_by_python_icalendar(feed.body) == 1);
    // The same event as in every feed: the meeting's own UID.
    auto uid = std::string(s.call("GET", path_of(open, ""), nullptr, {}).second.at("uid").as_string());
    BOOST_TEST(feed.body.find("UID:" + uid) != std::string::npos);
    BOOST_TEST(feed.body.find("anna@example.org") == std::string::npos);  // no attendee data, not even one's own
    BOOST_TEST(s.client.get(feed_path, {{"If-None-Match", feed.header("etag")}}).status == 304);
    auto manage = std::string(signed_up.at("manage_url").as_string());
    BOOST_TEST(s.client.request("POST", manage.substr(manage.find("/api/")) + "/cancel").status == 200);
    auto after = s.client.get(feed_path);
    BOOST_TEST(after.status == 200);
    BOOST_TEST(events_read_by_python_icalendar(after.body) == 0);  // the client drops the event
    BOOST_TEST(s.client.get("/feeds/rsvp/kalr_" + std::string(43, 'A') + ".ics").status == 404);

    // The rate limit (1 a minute) is used up; the deadline has passed. An organiser adds by hand.
    auto body = [](int i) {
        return json::object{{"name", "Bo"}, {"email", "bo" + std::to_string(i) + "@example.org"}, {"consent", true}};
    };
    BOOST_TEST(s.call("POST", path_of(open, "/rsvps"), body(1), {}).first == 429);
    BOOST_TEST(s.call("POST", path_of(closed, "/rsvps"), body(2), {}).first == 429);
    auto own = kal::test::create_token(s.url, "organiser", "egen", std::to_string(org));
    auto [hs, by_hand] = s.call("POST", path_of(closed, "/rsvps"), body(3), s.auth(own));
    BOOST_TEST(hs == 201, by_hand);
    BOOST_TEST(s.call("POST", path_of(open, "/rsvps"), body(4), s.admin()).first == 201);
    auto other_org = s.create("organisations", json::object{{"name", "Annan"}}, s.admin()).at("id").as_int64();
    auto stranger = kal::test::create_token(s.url, "organiser", "annan", std::to_string(other_org));
    BOOST_TEST(s.call("POST", path_of(closed, "/rsvps"), body(5), s.auth(stranger)).first == 429);  // anyone
    BOOST_TEST(s.call("POST", path_of(closed, "/rsvps"), body(6), s.auth("kal_nonsense")).first == 401);
}

BOOST_AUTO_TEST_CASE(sign_ups_are_rate_limited_per_client_address) {
    auto body = [](int i) {
        return json::serialize(json::object{{"name", "Deltagare"},
                                            {"email", "d" + std::to_string(i) + "@example.org"},
                                            {"consent", true}});
    };
    {
        // Without a trusted proxy, X-Forwarded-For is nobody's word: one address, one bucket.
        running_service s(kal::test::current_test_name() + "_direct", {},
                          {{"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "5"}});
        auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
        auto to = path_of(future_meeting(s, org), "/rsvps");
        for (int i = 0; i < 5; ++i)
            BOOST_TEST(s.client.request("POST", to, body(i), {{"X-Forwarded-For", "192.0.2." + std::to_string(i)}})
                           .status == 201);
        auto refused = s.client.request("POST", to, body(5), {{"X-Forwarded-For", "192.0.2.99"}});
        BOOST_TEST(refused.status == 429);
        BOOST_TEST(refused.header("content-type") == "application/problem+json");
        BOOST_TEST(std::stoi(refused.header("retry-after")) >= 1);
        BOOST_TEST(std::stoi(refused.header("retry-after")) <= 12);
        BOOST_TEST(s.call("GET", to, nullptr, s.admin()).second.at("items").as_array().size() == 5u);  // nothing written
        // Other routes are not limited.
        BOOST_TEST(s.client.get("/api/v1/meetings").status == 200);
    }
    {
        // Behind a trusted proxy the forwarded address is the client: each has a bucket.
        running_service s(kal::test::current_test_name() + "_proxied", {},
                          {{"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "2"},
                           {"KALENDARIUM_RSVPS_TRUSTED_PROXIES", "127.0.0.1"}});
        auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
        auto to = path_of(future_meeting(s, org), "/rsvps");
        int n = 0;
        for (const char* client : {"198.51.100.7", "198.51.100.8"}) {
            // A client may claim anything to the left; the proxy appends what it saw.
            header_map h{{"X-Forwarded-For", std::string("10.9.9.9, ") + client}};
            BOOST_TEST(s.client.request("POST", to, body(n++), h).status == 201);
            BOOST_TEST(s.client.request("POST", to, body(n++), h).status == 201);
            BOOST_TEST(s.client.request("POST", to, body(n++), h).status == 429, client);
        }
        // The proxy's own requests without the header count as the proxy's address.
        BOOST_TEST(s.client.request("POST", to, body(n++)).status == 201);
    }
}
