// Public pages end to end against the real binary: the page cache (ETag, 304, Cache-Control, a
// change through another instance, drafts, languages and queries kept apart, seats that the
// change counter does not follow), the report's CSV behind a plain link, and errors as pages
// for browsers while the API and the feeds keep problem+json.
#define BOOST_TEST_MODULE e2e_pages
#include <boost/test/unit_test.hpp>

#include <ctime>
#include <thread>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::header_map;
using kal::test::running_service;

namespace {

const header_map browser{{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}};

// A local date some days from now (UTC is close enough: a day or more from either edge).
std::string date_in(int days) {
    std::time_t t = std::time(nullptr) + days * 86400;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::string this_year() { return date_in(0).substr(0, 4); }

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// A service with one organisation, on its own database.
struct page_world {
    running_service s;
    std::int64_t org = 0;

    explicit page_world(const std::map<std::string, std::string>& env = {})
        : s(kal::test::current_test_name(), {}, env) {
        org = s.create("organisations", json::object{{"name", "Föreningen Sidan"}}, s.admin()).at("id").as_int64();
    }

    std::int64_t meeting(const std::string& title, int days_ahead, const std::string& status = "published",
                         std::optional<int> capacity = std::nullopt) {
        json::object m{{"type", "fro"},
                       {"title", title},
                       {"start", date_in(days_ahead) + "T18:00"},
                       {"end", date_in(days_ahead) + "T20:00"},
                       {"organisation_id", org},
                       {"status", status}};
        if (capacity) m["capacity"] = *capacity;
        return s.create("meetings", m, s.admin()).at("id").as_int64();
    }
};

std::int64_t max_age_of(const kal::test::http_result& r) {
    auto cc = r.header("cache-control");
    auto at = cc.find("max-age=");
    BOOST_TEST_REQUIRE(at != std::string::npos, "no max-age in " << cc);
    return std::stoll(cc.substr(at + 8));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_public_page_is_cached_with_an_etag_a_304_and_a_short_public_max_age) {
    page_world w;
    w.meeting("Möte som syns", 2);
    for (const auto& path :
         std::vector<std::string>{"/", "/en/", "/uppfoljning/" + this_year(), "/en/tillganglighet", "/integritet"}) {
        BOOST_TEST_CONTEXT(path) {
            auto first = w.s.client.get(path, browser);
            BOOST_TEST_REQUIRE(first.status == 200);
            BOOST_TEST(first.header("content-type") == "text/html; charset=utf-8");
            BOOST_TEST(contains(first.header("cache-control"), "public"));
            BOOST_TEST(max_age_of(first) > 0);
            BOOST_TEST(max_age_of(first) <= 10);  // site.page_max_age
            BOOST_TEST(!first.header("etag").empty());
            BOOST_TEST(!first.header("last-modified").empty());
            BOOST_TEST(contains(first.header("content-security-policy"), "default-src 'none'"));
            BOOST_TEST(first.header("content-language") == (path.starts_with("/en") ? "en" : "sv"));
            auto again = w.s.client.get(path, browser);
            BOOST_TEST(again.status == 200);
            BOOST_TEST(again.header("etag") == first.header("etag"));
            BOOST_TEST(again.body == first.body);
            auto not_modified = w.s.client.get(path, {{"If-None-Match", first.header("etag")}});
            BOOST_TEST(not_modified.status == 304);
            BOOST_TEST(not_modified.body.empty());
            BOOST_TEST(contains(not_modified.header("content-security-policy"), "frame-ancestors 'none'"));
        }
    }
    // The report's own address is a redirect to this year's, and not stored.
    auto redirect = w.s.client.get("/uppfoljning", browser);
    BOOST_TEST(redirect.status == 302);
    BOOST_TEST(redirect.header("location") == "/uppfoljning/" + this_year());
    BOOST_TEST(redirect.header("etag").empty());
    BOOST_TEST(w.s.client.get("/en/uppfoljning", browser).header("location") == "/en/uppfoljning/" + this_year());
}

BOOST_AUTO_TEST_CASE(a_change_through_one_instance_shows_on_a_page_of_another_within_the_poll_interval) {
    // Pages are good for an hour here: only the change counter can make the second instance
    // render again.
    const std::map<std::string, std::string> env{{"KALENDARIUM_FEEDS_CHANGE_POLL_INTERVAL", "200ms"},
                                                 {"KALENDARIUM_SITE_PAGE_MAX_AGE", "1h"}};
    page_world w(env);
    w.meeting("Gammalt möte", 2);
    kal::test::server_process second(w.s.url, {}, env);
    kal::test::http_client other(second.port());
    for (const std::string path : {"/", "/en/"}) {
        auto before = other.get(path, browser);
        BOOST_TEST_REQUIRE(before.status == 200);
        BOOST_TEST(!contains(before.body, "Nytt via första instansen"));
        BOOST_TEST(other.get(path, browser).header("etag") == before.header("etag"));  // now from the cache
    }
    const auto etag_sv = other.get("/", browser).header("etag");
    w.meeting("Nytt via första instansen", 3);
    std::this_thread::sleep_for(std::chrono::milliseconds(450));
    for (const std::string path : {"/", "/en/"}) {
        auto after = other.get(path, {{"If-None-Match", etag_sv}, {"Accept", "text/html"}});
        BOOST_TEST(after.status == 200, path);
        BOOST_TEST(contains(after.body, "Nytt via första instansen"), path);
    }
    // The first instance saw its own write at once.
    BOOST_TEST(contains(w.s.client.get("/", browser).body, "Nytt via första instansen"));
}

BOOST_AUTO_TEST_CASE(a_draft_never_shows_on_a_cached_page) {
    page_world w;
    w.meeting("Publicerat möte", 2);
    auto draft = w.meeting("Hemligt utkast", 3, "draft");
    for (const auto& path : std::vector<std::string>{"/", "/en/", "/?sok=Hemligt", "/uppfoljning/" + this_year()}) {
        for (int i = 0; i < 2; ++i) {  // rendered, then from the cache
            auto page = w.s.client.get(path, browser);
            BOOST_TEST(page.status == 200);
            BOOST_TEST(!contains(page.body, "Hemligt utkast"), path);
        }
    }
    auto [status, v] = w.s.call("PATCH", "/api/v1/meetings/" + std::to_string(draft),
                                json::object{{"status", "published"}}, w.s.admin());
    BOOST_TEST_REQUIRE(status == 200);
    BOOST_TEST(contains(w.s.client.get("/", browser).body, "Hemligt utkast"));
    BOOST_TEST(contains(w.s.client.get("/?sok=Hemligt", browser).body, "Hemligt utkast"));
}

BOOST_AUTO_TEST_CASE(two_languages_and_two_queries_never_share_an_entry) {
    page_world w;
    w.meeting("Språkmöte", 2);
    std::map<std::string, kal::test::http_result> seen;
    for (int round = 0; round < 2; ++round)
        for (const std::string path :
             {"/", "/en/", "/tillganglighet", "/en/tillganglighet", "/?typ=fro&typ=network", "/?typ=network&typ=fro"}) {
            auto r = w.s.client.get(path, browser);
            BOOST_TEST_REQUIRE(r.status == 200);
            if (round == 1) BOOST_TEST(r.body == seen[path].body, path);  // the cache gives what was rendered
            seen[path] = r;
        }
    BOOST_TEST(contains(seen["/"].body, "<html lang=\"sv\">"));
    BOOST_TEST(contains(seen["/en/"].body, "<html lang=\"en\">"));
    BOOST_TEST(seen["/"].header("etag") != seen["/en/"].header("etag"));
    BOOST_TEST(contains(seen["/tillganglighet"].body, "<h1>Tillgänglighets&shy;redogörelse för"));
    BOOST_TEST(contains(seen["/en/tillganglighet"].body, "Accessibility statement for"));
    // A page reads the first of a repeated parameter, so the order of the values is part of the key.
    BOOST_TEST(contains(seen["/?typ=fro&typ=network"].body, "<option value=\"fro\" selected>"));
    BOOST_TEST(contains(seen["/?typ=network&typ=fro"].body, "<option value=\"network\" selected>"));
}

BOOST_AUTO_TEST_CASE(seats_on_a_cached_page_follow_sign_ups_within_page_max_age) {
    // Sign-ups do not raise the change counter (feeds do not show seats): a cached page shows them
    // at most site.page_max_age late.
    page_world w({{"KALENDARIUM_SITE_PAGE_MAX_AGE", "1s"}, {"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "0"}});
    auto id = w.meeting("Möte med platser", 2, "published", 5);
    auto first = w.s.client.get("/", browser);
    BOOST_TEST_REQUIRE(contains(first.body, "5 platser kvar"));
    BOOST_TEST(max_age_of(first) <= 1);
    auto [status, v] = w.s.call(
        "POST", "/api/v1/meetings/" + std::to_string(id) + "/rsvps",
        json::object{{"name", "Anna"}, {"email", "anna@example.se"}, {"party_size", 2}, {"consent", true}}, {});
    BOOST_TEST_REQUIRE(status == 201);
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    auto later = w.s.client.get("/", browser);
    BOOST_TEST(contains(later.body, "3 platser kvar"));
    BOOST_TEST(later.header("etag") != first.header("etag"));
}

BOOST_AUTO_TEST_CASE(the_report_csv_behind_a_plain_link_is_the_api_csv_with_either_separator) {
    page_world w;
    w.meeting("Rapportmöte", 2);
    const auto base = "/api/v1/reports/year/" + this_year();
    auto comma = w.s.client.get(base + "?format=csv");
    BOOST_TEST_REQUIRE(comma.status == 200);
    BOOST_TEST(comma.header("content-type") == "text/csv; charset=utf-8");
    BOOST_TEST(contains(comma.header("content-disposition"), "attachment; filename=\"uppfoljning-" + this_year()));
    auto semicolon = w.s.client.get(base + "?format=csv&separator=semicolon");
    BOOST_TEST_REQUIRE(semicolon.status == 200);
    BOOST_TEST(semicolon.body.starts_with("\xEF\xBB\xBF"));  // a BOM, so Excel reads UTF-8
    // The same rows as with Accept: text/csv, read by Python's csv module.
    auto accepted = w.s.client.get(base, {{"Accept", "text/csv"}});
    auto rows = kal::test::read_csv(comma.body, ',');
    BOOST_TEST(rows == kal::test::read_csv(accepted.body, ','));
    BOOST_TEST(rows == kal::test::read_csv(semicolon.body, ';'));
    BOOST_TEST(rows.at(0).as_array().at(0) == "section");
    BOOST_TEST(rows.at(1).as_array().at(4) == "0");  // held: the meeting is ahead
    BOOST_TEST(rows.at(1).as_array().at(6) == "1");  // planned
    // format wins over Accept; anything else is a 400 naming the parameter.
    auto as_json = w.s.client.get(base + "?format=json", {{"Accept", "text/csv"}});
    BOOST_TEST(as_json.header("content-type") == "application/json");
    auto bad = w.s.client.get(base + "?format=xml", browser);
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(bad.header("content-type") == "application/problem+json");
    BOOST_TEST(contains(bad.body, "\"format\""));
}

BOOST_AUTO_TEST_CASE(browsers_get_error_pages_while_the_api_and_the_feeds_keep_problem_json) {
    page_world w;
    auto page = w.s.client.get("/finns-inte", browser);
    BOOST_TEST(page.status == 404);
    BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");
    BOOST_TEST(contains(page.body, "<html lang=\"sv\">"));
    BOOST_TEST(page.header("cache-control") == "no-store");
    auto english = w.s.client.get("/en/does-not-exist", browser);
    BOOST_TEST(english.status == 404);
    BOOST_TEST(contains(english.body, "<html lang=\"en\">"));
    for (const std::string path :
         {"/api/v1/meetings/999999", "/api/v1/nothing-here", "/feeds/networks/finns-inte.ics", "/feeds/nothing.ics"}) {
        auto r = w.s.client.get(path, browser);
        BOOST_TEST(r.status == 404, path);
        BOOST_TEST(r.header("content-type") == "application/problem+json", path);
    }
    // A report year out of range and one that is no year: pages that say not found, never cached.
    for (const std::string path : {"/uppfoljning/1999", "/uppfoljning/abcd", "/en/uppfoljning/2101"}) {
        for (int i = 0; i < 2; ++i) {
            auto r = w.s.client.get(path, browser);
            BOOST_TEST(r.status == 404, path);
            BOOST_TEST(r.header("etag").empty(), path);
        }
    }
    auto wrong_method = w.s.client.request("POST", "/uppfoljning/" + this_year(), "", browser);
    BOOST_TEST(wrong_method.status == 405);
    BOOST_TEST(contains(wrong_method.header("allow"), "GET"));
    BOOST_TEST(wrong_method.header("content-type") == "text/html; charset=utf-8");
}
