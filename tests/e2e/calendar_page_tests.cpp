// The calendar pages (the agenda, the month) and the embed over real HTTP, on SQLite and on
// PostgreSQL: what each answers, which page may be framed, and that the month reads the
// meetings of its days from either database. The browser tests (tests/browser/calendar and
// embed) check the same pages in Chromium: structure, axe, reflow, framing from another origin.
#define BOOST_TEST_MODULE e2e_calendar_pages
#include <boost/test/unit_test.hpp>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::header_map;
using kal::test::running_service;

namespace {

const header_map browser{{"Accept", "text/html,application/xhtml+xml"}};

std::int64_t id_of(const json::value& v) { return v.at("id").as_int64(); }

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

// The markup of one day's cell in a month table: from its <time> to the end of the cell.
std::string cell_of(const std::string& page, const std::string& date) {
    auto start = page.find("<time datetime=\"" + date + "\">");
    BOOST_TEST_REQUIRE(start != std::string::npos, "no cell for " << date);
    return page.substr(start, page.find("</td>", start) - start);
}

struct calendar_fixture {
    running_service s{kal::test::current_test_name()};
    std::int64_t organisation = 0, network = 0;

    calendar_fixture() {
        organisation = id_of(s.create("organisations", json::object{{"name", "Föreningen Ödegärdet"}}, s.admin()));
        network = id_of(s.create("networks",
                                 json::object{{"name", "Nätverket för integration"},
                                              {"kind", "interest_network"},
                                              {"organisation_ids", json::array{organisation}}},
                                 s.admin()));
    }

    std::int64_t meeting(const std::string& type, const std::string& title, const std::string& start,
                         const std::string& end, bool all_day = false, bool in_network = false) {
        json::object body{{"type", type},         {"title", title},     {"start", start},
                          {"end", end},           {"all_day", all_day}, {"organisation_id", organisation},
                          {"status", "published"}};
        if (in_network) body["network_ids"] = json::array{network};
        return id_of(s.create("meetings", body, s.admin()));
    }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_month_lists_each_meeting_on_every_day_it_takes_place, calendar_fixture) {
    auto fro = meeting("fro", "FRÖ-möte <Kraftens Hus>", "2099-03-12T18:00", "2099-03-12T20:00");
    auto training = meeting("training", "Utbildning i två dagar", "2099-03-30", "2099-03-31", true);
    auto overnight = meeting("network", "Nattvandring", "2099-03-31T22:00", "2099-04-01T02:00", false, true);
    auto cancelled = meeting("samrad", "Samråd som ställs in", "2099-03-17T15:00", "2099-03-17T16:00");
    BOOST_TEST_REQUIRE(
        s.call("POST", "/api/v1/meetings/" + std::to_string(cancelled) + "/cancel", nullptr, s.admin()).first == 200);

    auto march = s.client.get("/manad/2099-03", browser);
    BOOST_TEST_REQUIRE(march.status == 200);
    BOOST_TEST(march.header("content-type") == "text/html; charset=utf-8");
    BOOST_TEST(march.body.find("<caption>Mars 2099</caption>") != std::string::npos);
    BOOST_TEST(count_of(march.body, "<th scope=\"col\">") == 7u);
    // 1 March 2099 is a Sunday: the table starts on Monday 23 February, outside the month.
    BOOST_TEST(
        march.body.find("month__day--outside\"><span class=\"month__date\"><span class=\"month__weekday\">måndag "
                        "</span><time datetime=\"2099-02-23\">") != std::string::npos);
    const auto link = [](std::int64_t id) { return "<a href=\"/moten/" + std::to_string(id) + "\">"; };
    BOOST_TEST(cell_of(march.body, "2099-03-12").find(link(fro) + "18.00 FRÖ-möte &lt;Kraftens Hus&gt;</a>") !=
               std::string::npos);
    BOOST_TEST(cell_of(march.body, "2099-03-30").find(link(training) + "Heldag Utbildning i två dagar</a>") !=
               std::string::npos);
    BOOST_TEST(cell_of(march.body, "2099-03-31").find(link(training) + "Utbildning i två dagar (fortsättning)</a>") !=
               std::string::npos);
    BOOST_TEST(cell_of(march.body, "2099-03-31").find(link(overnight) + "22.00 Nattvandring</a>") != std::string::npos);
    BOOST_TEST(cell_of(march.body, "2099-03-17")
                   .find("<strong class=\"tag tag--cancelled\">Inställt</strong> <s>15.00 Samråd som ställs in</s>") !=
               std::string::npos);
    BOOST_TEST(cell_of(march.body, "2099-04-01").find("Nattvandring") ==
               std::string::npos);  // outside March: shown in April
    BOOST_TEST(cell_of(march.body, "2099-03-13").find("<a ") == std::string::npos);
    BOOST_TEST(march.body.find(
                   "<a href=\"/manad/2099-02\" rel=\"prev\"><span aria-hidden=\"true\">←</span> Februari 2099</a>") !=
               std::string::npos);
    BOOST_TEST(
        march.body.find("<a href=\"/manad/2099-04\" rel=\"next\">April 2099 <span aria-hidden=\"true\">→</span></a>") !=
        std::string::npos);

    auto april = s.client.get("/en/manad/2099-04", browser);
    BOOST_TEST_REQUIRE(april.status == 200);
    BOOST_TEST(april.body.find("<caption>April 2099</caption>") != std::string::npos);
    BOOST_TEST(cell_of(april.body, "2099-04-01")
                   .find("<a href=\"/en/moten/" + std::to_string(overnight) + "\">Nattvandring (continued)</a>") !=
               std::string::npos);
    BOOST_TEST(april.body.find("<abbr title=\"Monday\">Mon</abbr>") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(the_month_takes_the_agendas_filters_and_keeps_them_between_months, calendar_fixture) {
    meeting("fro", "Bara FRÖ", "2099-03-12T18:00", "2099-03-12T20:00");
    meeting("network", "Nätverksträff i nätverket", "2099-03-19T18:00", "2099-03-19T20:00", false, true);
    auto fro = s.client.get("/manad/2099-03?typ=fro", browser);
    BOOST_TEST_REQUIRE(fro.status == 200);
    BOOST_TEST(fro.body.find("Bara FRÖ") != std::string::npos);
    BOOST_TEST(fro.body.find("Nätverksträff i nätverket") == std::string::npos);
    BOOST_TEST(fro.body.find("href=\"/manad/2099-04?typ=fro\" rel=\"next\"") != std::string::npos);
    BOOST_TEST(fro.body.find("href=\"/?typ=fro&amp;fran=2099-03-01\">Lista</a>") != std::string::npos);
    auto in_network = s.client.get("/manad/2099-03?natverk=natverket-for-integration&sok=tr%C3%A4ff", browser);
    BOOST_TEST_REQUIRE(in_network.status == 200);
    BOOST_TEST(in_network.body.find("Bara FRÖ") == std::string::npos);
    BOOST_TEST(in_network.body.find("Nätverksträff i nätverket") != std::string::npos);
    // The same filters on the agenda, from the month's first day.
    auto agenda = s.client.get("/?typ=network&fran=2099-03-01&till=2099-03-31", browser);
    BOOST_TEST_REQUIRE(agenda.status == 200);
    BOOST_TEST(agenda.body.find("<time datetime=\"2099-03-19\">torsdag 19 mars 2099</time>") != std::string::npos);
    BOOST_TEST(agenda.body.find("kl. 18.00–20.00") != std::string::npos);
    BOOST_TEST(agenda.body.find("Bara FRÖ") == std::string::npos);
    BOOST_TEST(agenda.body.find("href=\"/manad/2099-03?typ=network\">Månad</a>") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(wrong_months_and_filters_are_404_and_400_pages_and_this_month_redirects, calendar_fixture) {
    for (const char* target : {"/manad/2099-13", "/manad/99-03", "/manad/2099-3", "/manad/+099-03", "/manad/2099-00"})
        BOOST_TEST(s.client.get(target, browser).status == 404, target);
    for (const char* target : {"/?natverk=finns-inte", "/manad/2099-03?arrangor=finns-inte", "/?lokal=finns-inte",
                               "/?typ=fest", "/?fran=2099-02-30", "/?sida=2", "/?efter=x", "/inbaddning?antal=51",
                               "/inbaddning?natverk=finns-inte", "/badda-in?typ=fest"}) {
        auto r = s.client.get(target, browser);
        BOOST_TEST(r.status == 400, target);
        BOOST_TEST(r.header("content-type") == "text/html; charset=utf-8", target);
    }
    auto r = s.client.get("/en/manad?typ=fro", browser);
    BOOST_TEST(r.status == 302);
    BOOST_TEST(r.header("location").starts_with("/en/manad/"));
    BOOST_TEST(r.header("location").ends_with("?typ=fro"));
}

BOOST_FIXTURE_TEST_CASE(only_the_embed_may_be_framed_and_from_any_origin, calendar_fixture) {
    meeting("network", "Nätverksträff", "2099-03-19T18:00", "2099-03-19T20:00", false, true);
    for (const char* target : {"/inbaddning", "/en/inbaddning?natverk=natverket-for-integration&typ=network&antal=3",
                               "/inbaddning?natverk=finns-inte"}) {
        auto r = s.client.get(target, browser);
        BOOST_TEST(r.header("content-security-policy").ends_with("frame-ancestors *"), target);
        BOOST_TEST(r.headers.count("x-frame-options") == 0u, target);
    }
    for (const char* target : {"/", "/en/", "/manad/2099-03", "/badda-in",
                               "/en/badda-in?natverk=natverket-for-integration", "/manad/2099-13", "/?typ=fest"}) {
        auto r = s.client.get(target, browser);
        BOOST_TEST(r.header("content-security-policy").ends_with("frame-ancestors 'none'"), target);
        BOOST_TEST(r.header("x-frame-options") == "DENY", target);
    }
    auto embed = s.client.get("/inbaddning?natverk=natverket-for-integration", browser);
    BOOST_TEST_REQUIRE(embed.status == 200);
    BOOST_TEST(embed.body.find("<h2 class=\"embed__title\">Kommande möten – Nätverket för integration</h2>") !=
               std::string::npos);
    BOOST_TEST(embed.body.find("target=\"_top\">Nätverksträff</a>") != std::string::npos);
    BOOST_TEST(embed.body.find("torsdag 19 mars 2099, kl. 18.00–20.00") != std::string::npos);
    BOOST_TEST(embed.body.find("class=\"site-nav\"") == std::string::npos);  // its own frame, no site navigation
}
