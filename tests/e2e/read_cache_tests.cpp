// Anonymous API reads from the render cache (issue 13), end to end against the real binary on
// both databases: ETag and 304, a change through another instance seen within the poll interval,
// drafts never cached, credentials never answered from the cache nor stored in it, and requests
// that accept other types or languages kept apart.
#define BOOST_TEST_MODULE e2e_read_cache
#include <boost/test/unit_test.hpp>

#include <thread>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::header_map;
using kal::test::running_service;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

struct read_world {
    running_service s;
    std::int64_t org = 0;

    explicit read_world(const std::map<std::string, std::string>& env = {})
        : s(kal::test::current_test_name(), {}, env) {
        org = s.create("organisations", json::object{{"name", "Föreningen Läsning"}}, s.admin()).at("id").as_int64();
    }

    std::int64_t meeting(const std::string& title, const std::string& status = "published") {
        json::object m{{"type", "fro"},         {"title", title},           {"start", "2099-03-02T18:00"},
                       {"end", "2099-03-02T20:00"}, {"organisation_id", org}, {"status", status}};
        return s.create("meetings", m, s.admin()).at("id").as_int64();
    }
};

std::string meeting_path(std::int64_t id) { return "/api/v1/meetings/" + std::to_string(id); }

}  // namespace

BOOST_AUTO_TEST_CASE(an_anonymous_read_is_cached_with_an_etag_and_answers_304) {
    read_world w;
    auto id = w.meeting("Möte i cachen");
    for (const auto& path : std::vector<std::string>{"/api/v1/meetings", "/api/v1/meetings?limit=5", meeting_path(id),
                                                     "/api/v1/organisations", "/api/v1/organisations/" + std::to_string(w.org),
                                                     "/api/v1/networks", "/api/v1/venues", "/api/v1/series", "/api/v1/feeds"}) {
        BOOST_TEST_CONTEXT(path) {
            auto first = w.s.client.get(path);
            BOOST_TEST_REQUIRE(first.status == 200);
            BOOST_TEST(first.header("content-type") == "application/json");
            BOOST_TEST(!first.header("etag").empty());
            BOOST_TEST(!first.header("last-modified").empty());
            BOOST_TEST(first.header("cache-control") == "no-cache");
            BOOST_TEST(contains(first.header("vary"), "Authorization"));
            auto again = w.s.client.get(path);
            BOOST_TEST(again.status == 200);
            BOOST_TEST(again.body == first.body);
            BOOST_TEST(again.header("etag") == first.header("etag"));
            auto not_modified = w.s.client.get(path, {{"If-None-Match", first.header("etag")}});
            BOOST_TEST(not_modified.status == 304);
            BOOST_TEST(not_modified.body.empty());
        }
    }
    BOOST_TEST(contains(w.s.client.get(meeting_path(id)).body, "Möte i cachen"));
    // Errors are answered as ever and never stored: no ETag on them.
    auto missing = w.s.client.get(meeting_path(id + 1000));
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(missing.header("etag").empty());
    auto bad = w.s.client.get("/api/v1/meetings?limit=0");
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(bad.header("etag").empty());
}

BOOST_AUTO_TEST_CASE(a_change_through_one_instance_is_read_through_another_within_the_poll_interval) {
    const std::map<std::string, std::string> env{{"KALENDARIUM_FEEDS_CHANGE_POLL_INTERVAL", "200ms"},
                                                 {"KALENDARIUM_SITE_PAGE_MAX_AGE", "1h"}};
    read_world w(env);
    auto id = w.meeting("Gammal titel");
    kal::test::server_process second(w.s.url, {}, env);
    kal::test::http_client other(second.port());
    auto before = other.get("/api/v1/meetings");
    BOOST_TEST_REQUIRE(before.status == 200);
    BOOST_TEST(other.get("/api/v1/meetings").header("etag") == before.header("etag"));  // now from the cache
    BOOST_TEST(contains(other.get(meeting_path(id)).body, "Gammal titel"));
    auto [status, v] = w.s.call("PATCH", meeting_path(id), json::object{{"title", "Ny titel"}}, w.s.admin());
    BOOST_TEST_REQUIRE(status == 200);
    // The first instance sees its own write at once.
    BOOST_TEST(contains(w.s.client.get(meeting_path(id)).body, "Ny titel"));
    std::this_thread::sleep_for(std::chrono::milliseconds(450));
    auto after = other.get("/api/v1/meetings", {{"If-None-Match", before.header("etag")}});
    BOOST_TEST(after.status == 200);
    BOOST_TEST(contains(after.body, "Ny titel"));
    BOOST_TEST(contains(other.get(meeting_path(id)).body, "Ny titel"));
}

BOOST_AUTO_TEST_CASE(a_draft_never_reaches_the_cache) {
    read_world w;
    w.meeting("Publicerat");
    auto draft = w.meeting("Hemligt utkast", "draft");
    for (int i = 0; i < 2; ++i) {  // rendered, then from the cache
        auto list = w.s.client.get("/api/v1/meetings");
        BOOST_TEST(list.status == 200);
        BOOST_TEST(!contains(list.body, "Hemligt utkast"));
        BOOST_TEST(w.s.client.get(meeting_path(draft)).status == 404);
        BOOST_TEST(!contains(w.s.client.get("/api/v1/meetings?q=Hemligt").body, "Hemligt utkast"));
    }
    // The admin sees it, and what it read is not kept for anyone else.
    BOOST_TEST(contains(w.s.client.get("/api/v1/meetings", w.s.admin()).body, "Hemligt utkast"));
    BOOST_TEST(w.s.client.get(meeting_path(draft), w.s.admin()).status == 200);
    BOOST_TEST(!contains(w.s.client.get("/api/v1/meetings").body, "Hemligt utkast"));
    BOOST_TEST(w.s.client.get(meeting_path(draft)).status == 404);
    auto [status, v] = w.s.call("PATCH", meeting_path(draft), json::object{{"status", "published"}}, w.s.admin());
    BOOST_TEST_REQUIRE(status == 200);
    BOOST_TEST(contains(w.s.client.get("/api/v1/meetings").body, "Hemligt utkast"));
    BOOST_TEST(w.s.client.get(meeting_path(draft)).status == 200);
}

BOOST_AUTO_TEST_CASE(a_request_with_credentials_is_never_answered_from_the_cache_nor_stored) {
    read_world w;
    auto draft = w.meeting("Organisatörens utkast", "draft");
    auto organiser = kal::test::create_token(w.s.url, "organiser", "o", std::to_string(w.org));
    // The anonymous list is cached without the draft...
    BOOST_TEST(!contains(w.s.client.get("/api/v1/meetings").body, "Organisatörens utkast"));
    BOOST_TEST(!w.s.client.get("/api/v1/meetings").header("etag").empty());
    // ...and a token's request still sees the draft, answered by the handler (no cache headers).
    for (const auto& token : {organiser, w.s.admin_token}) {
        auto own = w.s.client.get("/api/v1/meetings", w.s.auth(token));
        BOOST_TEST(own.status == 200);
        BOOST_TEST(contains(own.body, "Organisatörens utkast"));
        BOOST_TEST(own.header("etag").empty());
    }
    BOOST_TEST(w.s.client.get(meeting_path(draft), w.s.auth(organiser)).status == 200);
    // A bad token is refused, never answered with the cached list.
    BOOST_TEST(w.s.client.get("/api/v1/meetings", w.s.auth("kal_" + std::string(43, 'B'))).status == 401);
    BOOST_TEST(w.s.client.get("/api/v1/meetings", {{"Authorization", "Basic dXNlcjpwdw=="}}).status == 401);
    // A session cookie (either name) bypasses the cache both ways.
    for (const std::string cookie : {"kal_session=kals_x", "a=b; __Host-kal_session=kals_y", "kal_form=1;kal_session=z"}) {
        auto r = w.s.client.get("/api/v1/meetings", {{"Cookie", cookie}});
        BOOST_TEST(r.status == 200, cookie);
        BOOST_TEST(r.header("etag").empty(), cookie);
    }
    // Other cookies do not.
    BOOST_TEST(!w.s.client.get("/api/v1/meetings", {{"Cookie", "kal_form=1; not_kal_session=2"}}).header("etag").empty());
}

BOOST_AUTO_TEST_CASE(two_accept_types_or_two_languages_never_share_an_entry) {
    // The second instance trusts its cache for an hour: an entry made before a change keeps
    // answering, so a request that gets the change cannot have been answered from that entry.
    read_world w(std::map<std::string, std::string>{{"KALENDARIUM_SITE_PAGE_MAX_AGE", "1h"}});
    auto id = w.meeting("Före");
    kal::test::server_process second(w.s.url, {}, {{"KALENDARIUM_FEEDS_CHANGE_POLL_INTERVAL", "1h"},
                                                   {"KALENDARIUM_SITE_PAGE_MAX_AGE", "1h"}});
    kal::test::http_client other(second.port());
    const std::vector<header_map> variants{{},
                                           {{"Accept", "application/json"}},
                                           {{"Accept", "text/csv"}},
                                           {{"Accept-Language", "en"}},
                                           {{"Accept-Language", "sv"}}};
    // Every variant but the last is cached before the change.
    for (std::size_t i = 0; i + 1 < variants.size(); ++i) {
        BOOST_TEST(contains(other.get(meeting_path(id), variants[i]).body, "Före"));
        BOOST_TEST(contains(other.get(meeting_path(id), variants[i]).body, "Före"));
    }
    BOOST_TEST(contains(other.get("/api/v1/meetings?q=r&limit=7").body, "Före"));
    auto [status, v] = w.s.call("PATCH", meeting_path(id), json::object{{"title", "Efter"}}, w.s.admin());
    BOOST_TEST_REQUIRE(status == 200);
    // Within the hour the cached variants still answer from their entries (so the test can see
    // entries): a query's parameters in another order are the same request, its entry.
    for (std::size_t i = 0; i + 1 < variants.size(); ++i)
        BOOST_TEST(contains(other.get(meeting_path(id), variants[i]).body, "Före"), i);
    BOOST_TEST(contains(other.get("/api/v1/meetings?limit=7&q=r").body, "Före"));
    // The variant never asked for is read anew: it shares none of their entries. (Its miss reads
    // the counter, after which every older entry of this instance is read anew too.)
    BOOST_TEST(contains(other.get(meeting_path(id), variants.back()).body, "Efter"));
    for (std::size_t i = 0; i + 1 < variants.size(); ++i)
        BOOST_TEST(contains(other.get(meeting_path(id), variants[i]).body, "Efter"), i);
}

BOOST_AUTO_TEST_CASE(a_page_for_a_signed_in_browser_is_never_answered_from_the_page_cache_nor_stored) {
    // As above: the second instance trusts its entries for an hour, so an answer that has the
    // change cannot have come from an entry made before it.
    read_world w(std::map<std::string, std::string>{{"KALENDARIUM_SITE_PAGE_MAX_AGE", "1h"}});
    auto id = w.meeting("Före");
    kal::test::server_process second(w.s.url, {}, {{"KALENDARIUM_FEEDS_CHANGE_POLL_INTERVAL", "1h"},
                                                   {"KALENDARIUM_SITE_PAGE_MAX_AGE", "1h"}});
    kal::test::http_client other(second.port());
    const std::string cached = "/manad/2099-03", never_cached = "/en/manad/2099-03";
    const header_map signed_in{{"Cookie", "kal_form=1; kal_session=kals_x"}};
    const header_map signed_in_https{{"Cookie", "__Host-kal_session=kals_y"}};
    // An anonymous entry for one page...
    for (int i = 0; i < 2; ++i) {
        auto r = other.get(cached);
        BOOST_TEST_REQUIRE(r.status == 200);
        BOOST_TEST(contains(r.body, "Före"));
        BOOST_TEST(!r.header("etag").empty());
    }
    // ...and for the other only signed-in requests: rendered for them, without the shared
    // cache's headers.
    for (const auto& cookie : {signed_in, signed_in_https}) {
        auto r = other.get(never_cached, cookie);
        BOOST_TEST_REQUIRE(r.status == 200);
        BOOST_TEST(contains(r.body, "Före"));
        BOOST_TEST(r.header("etag").empty());
        BOOST_TEST(!contains(r.header("cache-control"), "public"));
    }
    auto [status, v] = w.s.call("PATCH", meeting_path(id), json::object{{"title", "Efter"}}, w.s.admin());
    BOOST_TEST_REQUIRE(status == 200);
    // The anonymous entry still answers within its hour (so entries are being used)...
    BOOST_TEST(contains(other.get(cached).body, "Före"));
    // ...but never a signed-in browser, which gets the page as it is now.
    for (const auto& cookie : {signed_in, signed_in_https}) {
        auto r = other.get(cached, cookie);
        BOOST_TEST(r.status == 200);
        BOOST_TEST(contains(r.body, "Efter"));
        BOOST_TEST(r.header("etag").empty());
    }
    // The signed-in requests stored nothing: the first anonymous request of the other page is
    // rendered now, not answered with what they were shown.
    auto fresh = other.get(never_cached);
    BOOST_TEST(fresh.status == 200);
    BOOST_TEST(contains(fresh.body, "Efter"));
    BOOST_TEST(!fresh.header("etag").empty());
}
