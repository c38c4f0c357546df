// The directory's pages, /prenumerera and the Atom feeds over real HTTP, on SQLite and on
// PostgreSQL: what each answers, Atom's conditional requests and its cache beside the .ics feed,
// contact details only when public, a venue's coming bookings, the builder's custom feed. The
// browser tests (tests/browser/directory and subscribe) check the same pages in Chromium and read
// the Atom feeds with ElementTree and feedparser.
#define BOOST_TEST_MODULE e2e_directory_pages
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::header_map;
using kal::test::running_service;

namespace {

const header_map browser{{"Accept", "text/html,application/xhtml+xml"}};

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

// "2027-01-05": a day `days` from now (UTC; the meetings are at noon and evening, weeks ahead, so
// the day is the same in Stockholm), inside the feeds' window.
std::string day_from_now(int days) {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + std::chrono::hours(24 * days));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[16];
    std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
    return out;
}

struct directory_fixture {
    running_service s{kal::test::current_test_name()};
    json::object hidden, shown, network, venue;

    directory_fixture() {
        hidden = s.create("organisations",
                          json::object{{"name", "Föreningen Hemlig"},
                                       {"contact_email", "hemlig@example.se"},
                                       {"contact_phone", "033-11 22 33"},
                                       {"contact_public", false}},
                          s.admin())
                     .as_object();
        shown = s.create("organisations",
                         json::object{{"name", "Föreningen Öppen"},
                                      {"contact_email", "oppen@example.se"},
                                      {"contact_public", true}},
                         s.admin())
                    .as_object();
        network = s.create("networks",
                           json::object{{"name", "Nätverket för integration"},
                                        {"kind", "interest_network"},
                                        {"organisation_ids", json::array{shown.at("id"), hidden.at("id")}}},
                           s.admin())
                      .as_object();
        venue = s.create("venues",
                         json::object{{"name", "Kulturhuset, Lilla salen"},
                                      {"shared", true},
                                      {"capacity", 80},
                                      {"latitude", 57.7196},
                                      {"longitude", 12.937},
                                      {"organisation_id", shown.at("id")}},
                         s.admin())
                    .as_object();
    }

    std::int64_t meeting(const std::string& title, const std::string& day, const std::string& status = "published",
                         std::int64_t organisation = 0) {
        json::object body{{"type", "network"},
                          {"title", title},
                          {"start", day + "T18:00"},
                          {"end", day + "T20:00"},
                          {"organisation_id", organisation ? organisation : shown.at("id").as_int64()},
                          {"network_ids", json::array{network.at("id")}},
                          {"venue_id", venue.at("id")},
                          {"status", status}};
        return s.create("meetings", body, s.admin()).at("id").as_int64();
    }

    std::string slug(const json::object& o) const { return std::string(o.at("slug").as_string()); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(an_atom_feed_answers_etag_and_304_and_is_cached_apart_from_the_ics_feed, directory_fixture) {
    auto first = meeting("Nätverksträff <i>ett</i>", day_from_now(20));
    meeting("Utkast", day_from_now(21), "draft");
    const auto path = "/feeds/networks/" + slug(network) + ".atom";
    auto r = s.client.get(path);
    BOOST_TEST_REQUIRE(r.status == 200);
    BOOST_TEST(r.header("content-type") == "application/atom+xml; charset=utf-8");
    BOOST_TEST(r.header("cache-control").starts_with("public, max-age="));
    BOOST_TEST(r.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    BOOST_TEST(count_of(r.body, "<entry>") == 1u);  // never a draft
    BOOST_TEST(r.body.find("<title type=\"text\">Nätverksträff &lt;i&gt;ett&lt;/i&gt;</title>") != std::string::npos);
    BOOST_TEST(r.body.find("/moten/" + std::to_string(first) + "</id>") != std::string::npos);
    const auto etag = r.header("etag");
    BOOST_TEST_REQUIRE(!etag.empty());

    auto again = s.client.get(path, {{"If-None-Match", etag}});
    BOOST_TEST(again.status == 304);
    BOOST_TEST(again.body.empty());
    BOOST_TEST(again.header("etag") == etag);
    BOOST_TEST(s.client.get(path, {{"If-Modified-Since", r.header("last-modified")}}).status == 304);
    auto head = s.client.request("HEAD", path);
    BOOST_TEST(head.status == 200);
    BOOST_TEST(head.header("etag") == etag);

    // The .ics feed of the same network is another answer, with its own tag.
    auto ics = s.client.get("/feeds/networks/" + slug(network) + ".ics");
    BOOST_TEST(ics.status == 200);
    BOOST_TEST(ics.header("etag") != etag);
    BOOST_TEST(s.client.get(path, {{"If-None-Match", etag}}).status == 304);

    // A change makes a new feed; the old tag is then answered in full.
    BOOST_TEST_REQUIRE(s.call("PATCH", "/api/v1/meetings/" + std::to_string(first),
                              json::object{{"title", "Nätverksträff, nytt namn"}}, s.admin())
                           .first == 200);
    auto changed = s.client.get(path, {{"If-None-Match", etag}});
    BOOST_TEST(changed.status == 200);
    BOOST_TEST(changed.header("etag") != etag);
    BOOST_TEST(changed.body.find("Nätverksträff, nytt namn") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(every_atom_scope_answers_and_a_missing_one_is_problem_json_also_for_browsers,
                        directory_fixture) {
    meeting("Träff", day_from_now(20));
    for (const auto& path : {std::string("/feeds/all.atom"), std::string("/feeds/types/network.atom"),
                             "/feeds/networks/" + slug(network) + ".atom", "/feeds/organisations/" + slug(shown) + ".atom",
                             "/feeds/venues/" + slug(venue) + ".atom"}) {
        auto r = s.client.get(path);
        BOOST_TEST(r.status == 200, path);
        BOOST_TEST(count_of(r.body, "<entry>") == 1u, path);
    }
    for (const auto& path : {"/feeds/networks/finns-inte.atom", "/feeds/types/fest.atom", "/feeds/venues/finns-inte.atom"}) {
        auto r = s.client.get(path, browser);
        BOOST_TEST(r.status == 404, path);
        BOOST_TEST(r.header("content-type") == "application/problem+json", path);
    }
}

BOOST_FIXTURE_TEST_CASE(contact_details_are_on_an_organisations_page_only_when_public, directory_fixture) {
    auto hidden_page = s.client.get("/organisationer/" + slug(hidden), browser);
    BOOST_TEST_REQUIRE(hidden_page.status == 200);
    BOOST_TEST(hidden_page.body.find("hemlig@example.se") == std::string::npos);
    BOOST_TEST(hidden_page.body.find("11 22 33") == std::string::npos);
    BOOST_TEST(hidden_page.body.find("Organisationen visar inte sina kontaktuppgifter här.") != std::string::npos);
    // Not on the pages that list its meetings or own it either.
    meeting("Hemlig förenings träff", day_from_now(20), "published", hidden.at("id").as_int64());
    for (const auto& path : {"/natverk/" + slug(network), "/lokaler/" + slug(venue), std::string("/organisationer")})
        BOOST_TEST(s.client.get(path, browser).body.find("hemlig@example.se") == std::string::npos, path);
    auto shown_page = s.client.get("/en/organisationer/" + slug(shown), browser);
    BOOST_TEST(shown_page.body.find("<a href=\"mailto:oppen@example.se\">oppen@example.se</a>") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_venues_page_lists_its_coming_bookings_and_never_a_draft, directory_fixture) {
    auto later = meeting("Senare träff", day_from_now(30));
    auto sooner = meeting("Tidigare träff", day_from_now(10));
    meeting("Hemligt utkast", day_from_now(15), "draft");
    meeting("Förra året", "2020-03-12");
    auto page = s.client.get("/lokaler/" + slug(venue), browser);
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");
    BOOST_TEST(page.header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
    const auto at_sooner = page.body.find("<a href=\"/moten/" + std::to_string(sooner) + "\">Tidigare träff</a>");
    const auto at_later = page.body.find("<a href=\"/moten/" + std::to_string(later) + "\">Senare träff</a>");
    BOOST_TEST(at_sooner != std::string::npos);
    BOOST_TEST(at_later != std::string::npos);
    BOOST_TEST(at_sooner < at_later);  // in time order
    BOOST_TEST(page.body.find("Hemligt utkast") == std::string::npos);
    BOOST_TEST(page.body.find("Förra året") == std::string::npos);
    BOOST_TEST(page.body.find("https://www.openstreetmap.org/?mlat=57.7196&amp;mlon=12.937#map=17/57.7196/12.937") !=
               std::string::npos);
    BOOST_TEST(s.client.get("/lokaler/finns-inte", browser).status == 404);
    BOOST_TEST(s.client.get("/en/natverk/finns-inte", browser).status == 404);
}

BOOST_FIXTURE_TEST_CASE(the_subscribe_builder_gives_the_address_of_a_custom_feed_that_exists, directory_fixture) {
    meeting("Träff i nätverket", day_from_now(20));
    auto page = s.client.get("/prenumerera?typ=network&natverk=" + slug(network) + "&arrangor=" + slug(shown), browser);
    BOOST_TEST_REQUIRE(page.status == 200);
    const auto path = "/feeds/custom.ics?type=network&network=" + slug(network) + "&organisation=" + slug(shown);
    auto escaped = path;
    for (auto pos = escaped.find('&'); pos != std::string::npos; pos = escaped.find('&', pos + 5))
        escaped.replace(pos, 1, "&amp;");
    BOOST_TEST(page.body.find("value=\"http://127.0.0.1:8080" + escaped + "\"") != std::string::npos);
    auto feed = s.client.get(path);
    BOOST_TEST(feed.status == 200);
    BOOST_TEST(feed.header("content-type") == "text/calendar; charset=utf-8");
    BOOST_TEST(feed.body.find("SUMMARY:Träff i nätverket") != std::string::npos);
    for (const auto& bad : {"/prenumerera?natverk=finns-inte", "/prenumerera?typ=fest", "/en/prenumerera?arrangor=nej"})
        BOOST_TEST(s.client.get(bad, browser).status == 400, bad);
}
