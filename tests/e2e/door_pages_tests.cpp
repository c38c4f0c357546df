// The door's pages and the sign-ups page against the real binary (issue 12, items 6 and 7;
// org-people), on the backend KAL_TEST_DB selects: two phones ticking the same person at once
// make one check-in; another organisation's organiser gets 403 on every page and action of ours
// (the door's list, checking in, undoing, a walk-in, the QR link's page and its button; the
// sign-ups list, its CSV, move up, cancel, add, quota, reminders, resend) and writes nothing;
// forms from another origin or without the session's token are refused and write nothing.
#define BOOST_TEST_MODULE e2e_door_pages
#include <boost/test/unit_test.hpp>

#include <barrier>
#include <regex>
#include <sstream>
#include <thread>

#include "e2e_signed_in.hpp"
#include "kal/service/app/door.hpp"

namespace json = boost::json;
using kal::test::between;
using kal::test::header_map;
using kal::test::http_client;
using kal::test::http_result;
using kal::test::run_kalendarium;
using kal::test::running_service;

namespace {

// Mail is written (so that confirmations carry check-in links) but never sent: nothing listens.
const std::map<std::string, std::string> mail_written{{"KALENDARIUM_MAIL_SMTP_URL", "smtp://127.0.0.1:1"},
                                                      {"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "0"}};

// The sign-in link of a new organiser of the organisation.
std::string invite(const running_service& s, const std::string& email, std::int64_t organisation) {
    return kal::test::invite(s, email, "organiser", organisation);
}

// A phone: its own connection and its session cookie.
struct phone {
    http_client client;
    std::string session;

    explicit phone(running_service& s, const std::string& link_path) : client(s.server.port()) {
        auto page = client.get(link_path, {{"Accept", "text/html"}});
        auto form_cookie = page.header("set-cookie");
        form_cookie = form_cookie.substr(0, form_cookie.find(';'));
        auto r = client.request("POST", link_path, "csrf=" + between(page.body, "name=\"csrf\" value=\"", '"'),
                                {{"Content-Type", "application/x-www-form-urlencoded"},
                                 {"Sec-Fetch-Site", "same-origin"},
                                 {"Cookie", form_cookie}});
        BOOST_TEST_REQUIRE(r.status == 303, r.body);
        auto set = r.header("set-cookie");
        session = set.substr(0, set.find(';'));
        BOOST_TEST_REQUIRE(session.starts_with("kal_session="));
    }
    http_result get(const std::string& path) { return client.get(path, {{"Accept", "text/html"}, {"Cookie", session}}); }
    http_result post(const std::string& path, const std::string& body, const std::string& fetch_site = "same-origin") {
        return client.request("POST", path, body,
                              {{"Content-Type", "application/x-www-form-urlencoded"},
                               {"Accept", "text/html"},
                               {"Sec-Fetch-Site", fetch_site},
                               {"Cookie", session}});
    }
    std::string token(const std::string& path) {
        auto page = get(path);
        BOOST_TEST_REQUIRE(page.status == 200, path << " gave " << page.status);
        return between(page.body, "name=\"csrf\" value=\"", '"');
    }
};

struct door_service {
    running_service s;
    std::int64_t ours = 0, theirs = 0, meeting = 0, rsvp = 0;
    std::string door;

    door_service() : s(kal::test::current_test_name(), {}, mail_written) {
        ours = s.create("organisations", json::object{{"name", "Föreningen Vår"}}, s.admin()).at("id").as_int64();
        theirs = s.create("organisations", json::object{{"name", "Föreningen Deras"}}, s.admin()).at("id").as_int64();
        meeting = s.create("meetings",
                           json::object{{"type", "fro"},
                                        {"title", "FRÖ-möte vid dörren"},
                                        {"start", "2099-03-12T18:00"},
                                        {"end", "2099-03-12T20:00"},
                                        {"organisation_id", ours},
                                        {"status", "published"}},
                           s.admin())
                      .at("id")
                      .as_int64();
        auto [status, r] = s.call("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps",
                                  json::object{{"name", "Åsa Öberg"}, {"email", "asa@example.se"}, {"consent", true}}, {});
        BOOST_TEST_REQUIRE(status == 201);
        rsvp = r.at("id").as_int64();
        door = "/arrangor/moten/" + std::to_string(meeting) + "/incheckning";
    }

    // The check-in link of the sign-up's confirmation, derived as the mail worker does from the
    // message's link secret while it waits in the outbox.
    std::string check_in_path() {
        const auto secret = kal::test::first_text(
            s.url, "SELECT link_token FROM outbox WHERE rsvp_id = :value AND kind = 'confirmed'", rsvp);
        BOOST_TEST_REQUIRE(secret.starts_with("kalr_"), secret);
        return "/incheckning/" + kal::service::app::check_in_secret_of(secret);
    }
};

// What the pages may write, as text: everything but what the delivery worker and the session
// housekeeping change on their own meanwhile (delivery attempts, sessions seen), plus how many
// messages there are.
std::string written(const std::string& url) {
    std::string out;
    std::istringstream in(kal::test::dump_all_text(url));
    for (std::string line; std::getline(in, line);)
        if (!line.starts_with("outbox.") && !line.starts_with("sessions.")) out += line + "\n";
    return out + "outbox rows: " + std::to_string(kal::test::count_rows(url, "outbox"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_phones_ticking_the_same_person_at_once_make_one_check_in) {
    door_service d;
    const auto path = d.door + "/anmalningar/" + std::to_string(d.rsvp);
    const auto qr = d.check_in_path();
    constexpr int phones = 6;
    std::vector<std::unique_ptr<phone>> list;
    std::vector<std::string> tokens;
    for (int i = 0; i < phones; ++i) {
        list.push_back(std::make_unique<phone>(d.s, invite(d.s, "dorr@example.se", d.ours)));
        tokens.push_back(list.back()->token(d.door));
    }
    std::barrier start(phones);
    std::vector<int> statuses(phones);
    std::vector<std::thread> threads;
    for (int i = 0; i < phones; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            // Half tick the list, half press the QR link's button.
            statuses[i] = list[i]->post(i % 2 == 0 ? path : qr, "csrf=" + tokens[i]).status;
        });
    for (auto& t : threads) t.join();
    for (int st : statuses) BOOST_TEST(st == 303);
    BOOST_TEST(kal::test::count_rows(d.s.url, "checkins") == 1);
    auto page = list[0]->get(d.door);
    BOOST_TEST(page.body.find("1 av 1 incheckade") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(another_organisations_organiser_gets_403_on_every_page_and_action_of_the_door) {
    door_service d;
    const auto qr = d.check_in_path();
    phone us(d.s, invite(d.s, "anna@example.se", d.ours));
    phone them(d.s, invite(d.s, "bo@example.se", d.theirs));
    // A check-in of ours to undo.
    const auto our_token = us.token(d.door);
    BOOST_TEST_REQUIRE(us.post(d.door + "/utan-anmalan", "csrf=" + our_token + "&namn=G%C3%A4st&antal=1").status == 303);
    const auto before = written(d.s.url);
    const auto csrf = them.token("/arrangor");
    const auto list = "/arrangor/moten/" + std::to_string(d.meeting) + "/anmalningar";
    for (const auto& page : {d.door, "/en" + d.door, d.door + "?sok=a", qr, "/en" + qr, list, "/en" + list,
                             list + ".csv", list + ".csv?separator=semicolon",
                             "/arrangor/moten/" + std::to_string(d.meeting) + "/andringar"}) {
        auto r = them.get(page);
        BOOST_TEST(r.status == 403, page);
        BOOST_TEST(r.header("cache-control") == "no-store", page);
        BOOST_TEST(r.body.find("Åsa") == std::string::npos, page);
    }
    const auto walk_in_id = between(us.get(d.door).body, "id=\"utan-anmalan-", '"');
    BOOST_TEST_REQUIRE(!walk_in_id.empty());
    for (const auto& [action, body] : std::vector<std::pair<std::string, std::string>>{
             {d.door + "/anmalningar/" + std::to_string(d.rsvp), ""},
             {d.door + "/angra/" + walk_in_id, ""},
             {d.door + "/utan-anmalan", "&namn=Intr%C3%A5ng&antal=1"},
             {qr, ""},
             {"/en" + qr, ""},
             {list + "/flytta-upp/" + std::to_string(d.rsvp), ""},
             {list + "/avboka/" + std::to_string(d.rsvp), ""},
             {list + "/lagg-till", "&namn=X&epost=x%40example.se&samtycke=ja&antal=1"},
             {list + "/kvot", "&kvot=1"},
             {list + "/paminnelser", "&paminnelser=1d"},
             {list + "/meddelanden/1/skicka-igen", ""}}) {
        BOOST_TEST(them.post(action, "csrf=" + csrf + body).status == 403, action);
    }
    BOOST_TEST(written(d.s.url) == before);
    // Ours work for us.
    BOOST_TEST(us.get(qr).status == 200);
    BOOST_TEST(us.post(qr, "csrf=" + our_token).status == 303);
    BOOST_TEST(kal::test::count_rows(d.s.url, "checkins") == 2);
}

BOOST_AUTO_TEST_CASE(door_forms_from_another_origin_or_without_the_sessions_token_are_refused_and_write_nothing) {
    door_service d;
    const auto qr = d.check_in_path();
    phone us(d.s, invite(d.s, "anna@example.se", d.ours));
    const auto csrf = us.token(d.door);
    const auto list = "/arrangor/moten/" + std::to_string(d.meeting) + "/anmalningar";
    const std::vector<std::string> actions = {d.door + "/anmalningar/" + std::to_string(d.rsvp),
                                              d.door + "/utan-anmalan",
                                              qr,
                                              list + "/avboka/" + std::to_string(d.rsvp),
                                              list + "/lagg-till",
                                              list + "/kvot",
                                              list + "/paminnelser"};
    const auto before = written(d.s.url);
    for (const auto& action : actions) {
        for (const std::string site : {"cross-site", "same-site"})
            BOOST_TEST(us.post(action, "csrf=" + csrf + "&namn=X", site).status == 403, action << " " << site);
        for (const std::string& wrong : {std::string(), std::string(64, 'a')})
            BOOST_TEST(us.post(action, "csrf=" + wrong + "&namn=X").status == 403, action);
    }
    BOOST_TEST(kal::test::count_rows(d.s.url, "checkins") == 0);
    BOOST_TEST(written(d.s.url) == before);
    // A GET of the QR link ticks nobody; its button does.
    BOOST_TEST(us.get(qr).status == 200);
    BOOST_TEST(kal::test::count_rows(d.s.url, "checkins") == 0);
    BOOST_TEST(us.post(qr, "csrf=" + csrf).status == 303);
    BOOST_TEST(kal::test::count_rows(d.s.url, "checkins") == 1);
}
