// The forms of the web pages against the real binary (issue 11): a POST another site could have
// sent is a 403 page and writes nothing; only form bodies are read (415, 400); the honeypot
// answers as if all went well and writes nothing; the form cookie's attributes; the same rules as
// the API (the rate limit per client address, one sign-up per address). What a browser does with
// the pages is in tests/browser/.

#define BOOST_TEST_MODULE e2e_web_forms
#include <boost/test/unit_test.hpp>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::running_service;

namespace {

const std::map<std::string, std::string> unlimited = kal::test::unlimited_sign_ups;

std::int64_t published_meeting(running_service& s, int capacity = 10) {
    auto org =
        s.create("organisations", json::object{{"name", "Föreningen Formuläret"}}, s.admin()).at("id").as_int64();
    return s
        .create("meetings",
                json::object{{"type", "fro"},
                             {"title", "FRÖ-möte"},
                             {"start", "2099-03-12T18:00"},
                             {"end", "2099-03-12T20:00"},
                             {"organisation_id", org},
                             {"capacity", capacity},
                             {"status", "published"}},
                s.admin())
        .at("id")
        .as_int64();
}

// What a browser holds after opening a page with a form: its cookie and the form's token.
struct form_session {
    std::string cookie;  // "kal_form=kalb_..."
    std::string token;
};

form_session open_form(running_service& s, const std::string& path) {
    auto page = s.client.get(path, {{"Accept", "text/html"}});
    BOOST_TEST_REQUIRE(page.status == 200, path);
    auto set = page.header("set-cookie");
    BOOST_TEST_REQUIRE(!set.empty());
    const std::string field = "name=\"csrf\" value=\"";
    auto at = page.body.find(field);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    auto end = page.body.find('"', at + field.size());
    return {set.substr(0, set.find(';')), page.body.substr(at + field.size(), end - at - field.size())};
}

std::string sign_up_body(const std::string& token, const std::string& email, const std::string& extra = "") {
    return "csrf=" + token + "&namn=Anna+Andersson&epost=" + email + "&samtycke=ja" + extra;
}

kal::test::header_map form_headers(const form_session& f, kal::test::header_map more = {}) {
    more.emplace("Content-Type", "application/x-www-form-urlencoded");
    more.emplace("Cookie", f.cookie);
    more.emplace("Accept", "text/html");
    return more;
}

std::int64_t sign_ups(running_service& s) { return kal::test::count_rows(s.url, "rsvps"); }

}  // namespace

BOOST_AUTO_TEST_CASE(a_form_from_another_origin_is_refused_with_a_403_page_and_writes_nothing) {
    running_service s(kal::test::current_test_name(), {}, unlimited);
    auto meeting = published_meeting(s);
    auto path = "/moten/" + std::to_string(meeting);
    auto form = open_form(s, path);
    const auto body = sign_up_body(form.token, "anna%40example.org");
    const std::vector<kal::test::header_map> foreign = {
        {{"Origin", "https://evil.example"}},
        {{"Origin", "http://127.0.0.1.evil.example"}},
        {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}},
        {{"Sec-Fetch-Site", "same-site"}},
        // Sec-Fetch-Site decides for browsers that send it, whatever Origin says.
        {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://127.0.0.1"}},
    };
    for (const auto& headers : foreign) {
        auto r = s.client.request("POST", path + "/anmalan", body, form_headers(form, headers));
        BOOST_TEST(r.status == 403, headers.begin()->second);
        BOOST_TEST(r.header("content-type") == "text/html; charset=utf-8");
        BOOST_TEST(r.body.find("Formuläret kunde inte skickas") != std::string::npos, r.body);
    }
    BOOST_TEST(sign_ups(s) == 0);
    // The same form from the page's own origin, by Origin or by Sec-Fetch-Site, is taken.
    auto own = s.client.request("POST", path + "/anmalan", body, form_headers(form, {{"Origin", "http://127.0.0.1"}}));
    BOOST_TEST(own.status == 303, own.body);
    BOOST_TEST(own.header("location").starts_with("/anmalan/kalr_"));
    BOOST_TEST(own.header("location").ends_with("?ny=1"));
    auto fetched = s.client.request("POST", path + "/anmalan", sign_up_body(form.token, "bo%40example.org"),
                                    form_headers(form, {{"Sec-Fetch-Site", "same-origin"}, {"Origin", "null"}}));
    BOOST_TEST(fetched.status == 303, fetched.body);
    BOOST_TEST(sign_ups(s) == 2);
}

BOOST_AUTO_TEST_CASE(a_form_without_its_token_or_with_another_than_its_cookie_is_refused) {
    running_service s(kal::test::current_test_name(), {}, unlimited);
    auto meeting = published_meeting(s);
    auto path = "/moten/" + std::to_string(meeting);
    auto form = open_form(s, path);
    auto other = open_form(s, path);  // another visitor: no cookie sent, a token of its own
    BOOST_TEST(other.token != form.token);
    struct attempt {
        std::string what, body;
        kal::test::header_map headers;
    };
    const std::vector<attempt> attempts = {
        {"no cookie",
         sign_up_body(form.token, "a%40example.org"),
         {{"Content-Type", "application/x-www-form-urlencoded"}}},
        {"no field", "namn=Anna&epost=a%40example.org&samtycke=ja", form_headers(form)},
        {"another visitor's token", sign_up_body(other.token, "a%40example.org"), form_headers(form)},
        {"a token of the wrong form", sign_up_body("kalb_" + std::string(43, 'A'), "a%40example.org"),
         form_headers(form)},
        {"an empty token", sign_up_body("", "a%40example.org"), form_headers(form)},
        {"a cookie that is no token",
         sign_up_body("x", "a%40example.org"),
         {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", "kal_form=x"}}},
    };
    for (const auto& a : attempts) {
        auto r = s.client.request("POST", path + "/anmalan", a.body, a.headers);
        BOOST_TEST(r.status == 403, a.what << ": " << r.status);
    }
    // The holder's page: cancelling and erasing need the token too.
    auto signed_up =
        s.client.request("POST", path + "/anmalan", sign_up_body(form.token, "anna%40example.org"), form_headers(form));
    BOOST_TEST_REQUIRE(signed_up.status == 303);
    auto page = signed_up.header("location").substr(0, signed_up.header("location").find('?'));
    for (const auto& action : {page, page + "/avboka", page + "/radera"}) {
        auto r = s.client.request("POST", action, "csrf=" + other.token, form_headers(form));
        BOOST_TEST(r.status == 403, action);
    }
    auto held = s.call("GET", "/api/v1/rsvp/" + page.substr(page.rfind('/') + 1), nullptr, {});
    BOOST_TEST_REQUIRE(held.first == 200);
    BOOST_TEST(held.second.at("status").as_string() == "confirmed");
    BOOST_TEST(sign_ups(s) == 1);
}

BOOST_AUTO_TEST_CASE(only_form_bodies_are_read_415_for_other_media_types_400_for_a_body_that_is_no_form) {
    running_service s(kal::test::current_test_name(), {}, unlimited);
    auto meeting = published_meeting(s);
    auto path = "/moten/" + std::to_string(meeting);
    auto form = open_form(s, path);
    for (const auto& type : {"application/json", "multipart/form-data; boundary=x", "text/plain"}) {
        auto r = s.client.request("POST", path + "/anmalan", sign_up_body(form.token, "a%40example.org"),
                                  form_headers(form, {{"Content-Type", type}}));
        BOOST_TEST(r.status == 415, type);
        BOOST_TEST(r.header("content-type") == "text/html; charset=utf-8");
    }
    for (const auto& body : {sign_up_body(form.token, "a%zz"), sign_up_body(form.token, "a%FF%FE%40example.org")}) {
        auto r = s.client.request("POST", path + "/anmalan", body, form_headers(form));
        BOOST_TEST(r.status == 400, body);
    }
    // The charset parameter and "+" for spaces are a form's own.
    auto ok = s.client.request(
        "POST", path + "/anmalan", sign_up_body(form.token, "a%40example.org", "&organisation=Mitt+lag"),
        form_headers(form, {{"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"}}));
    BOOST_TEST(ok.status == 303, ok.body);
    auto list = s.call("GET", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps", nullptr, s.admin()).second;
    BOOST_TEST_REQUIRE(list.at("items").as_array().size() == 1u);
    BOOST_TEST(list.at("items").as_array()[0].at("organisation_name").as_string() == "Mitt lag");
    BOOST_TEST(list.at("items").as_array()[0].at("name").as_string() == "Anna Andersson");
}

BOOST_AUTO_TEST_CASE(the_honeypot_answers_as_if_all_went_well_and_writes_nothing) {
    running_service s(kal::test::current_test_name(), {}, unlimited);
    auto meeting = published_meeting(s);
    auto path = "/moten/" + std::to_string(meeting);
    auto form = open_form(s, path);
    auto r = s.client.request("POST", path + "/anmalan",
                              sign_up_body(form.token, "robot%40example.org", "&webbplats=https%3A%2F%2Fspam.example"),
                              form_headers(form));
    BOOST_TEST(r.status == 303);
    BOOST_TEST(r.header("location") == path + "?anmald=ja");
    BOOST_TEST(sign_ups(s) == 0);
    BOOST_TEST(kal::test::count_rows(s.url, "outbox") == 0);
    auto thanks = s.client.get(r.header("location"), {{"Accept", "text/html"}});
    BOOST_TEST(thanks.body.find("Tack för din anmälan") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_form_cookie_is_http_only_lax_and_behind_https_secure_with_the_host_prefix) {
    {
        running_service s(kal::test::current_test_name(), {}, unlimited);
        auto path = "/moten/" + std::to_string(published_meeting(s));
        auto page = s.client.get(path, {{"Accept", "text/html"}});
        auto cookie = page.header("set-cookie");
        BOOST_TEST(cookie.starts_with("kal_form=kalb_"), cookie);
        BOOST_TEST(cookie.ends_with("; Path=/; HttpOnly; SameSite=Lax"), cookie);
        BOOST_TEST(page.header("cache-control") == "private, no-cache");
        // The token is 256 random bits in base64url, new for each visitor, kept for the same one.
        auto token = cookie.substr(14, cookie.find(';') - 14);
        BOOST_TEST(token.size() == 43u);
        auto again = s.client.get(path, {{"Accept", "text/html"}, {"Cookie", cookie.substr(0, cookie.find(';'))}});
        BOOST_TEST(again.header("set-cookie") == cookie);
        BOOST_TEST(s.client.get(path).header("set-cookie") != cookie);
    }
    auto env = unlimited;
    env["KALENDARIUM_SERVER_PUBLIC_BASE_URL"] = "https://kalendarium.example.se";
    running_service s(kal::test::current_test_name() + "_https", {}, env);
    auto path = "/moten/" + std::to_string(published_meeting(s));
    auto page = s.client.get(path, {{"Accept", "text/html"}});
    auto cookie = page.header("set-cookie");
    BOOST_TEST(cookie.starts_with("__Host-kal_form=kalb_"), cookie);
    BOOST_TEST(cookie.ends_with("; Path=/; HttpOnly; SameSite=Lax; Secure"), cookie);
    // Behind the proxy the browser's Origin is the public one.
    auto form = open_form(s, path);
    BOOST_TEST(form.cookie.starts_with("__Host-kal_form="));
    auto r = s.client.request("POST", path + "/anmalan", sign_up_body(form.token, "a%40example.org"),
                              form_headers(form, {{"Origin", "https://kalendarium.example.se"}}));
    BOOST_TEST(r.status == 303, r.body);
    // The plain cookie name is not read where the prefixed one is meant.
    auto plain =
        s.client.request("POST", path + "/anmalan", sign_up_body(form.token, "b%40example.org"),
                         {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", "kal_form=" + form.token}});
    BOOST_TEST(plain.status == 403);
}

BOOST_AUTO_TEST_CASE(the_form_keeps_the_rules_of_the_api_the_rate_limit_per_address_and_one_sign_up_per_address) {
    running_service s(kal::test::current_test_name(), {}, {{"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "2"}});
    auto meeting = published_meeting(s);
    auto path = "/moten/" + std::to_string(meeting);
    auto form = open_form(s, path);
    auto first =
        s.client.request("POST", path + "/anmalan", sign_up_body(form.token, "anna%40example.org"), form_headers(form));
    BOOST_TEST(first.status == 303);
    // The same address again: the status only, on the meeting's page (nothing of the first is shown).
    auto again =
        s.client.request("POST", path + "/anmalan", sign_up_body(form.token, "ANNA%40example.org"), form_headers(form));
    BOOST_TEST(again.status == 303);
    BOOST_TEST(again.header("location") == path + "?anmald=redan");
    BOOST_TEST(sign_ups(s) == 1);
    // A third attempt from the same address within the minute: 429, as in the API, nothing written;
    // what the client says in X-Forwarded-For does not count (no trusted proxy).
    auto third = s.client.request("POST", path + "/anmalan", sign_up_body(form.token, "cecilia%40example.org"),
                                  form_headers(form, {{"X-Forwarded-For", "203.0.113.9"}}));
    BOOST_TEST(third.status == 429);
    BOOST_TEST(!third.header("retry-after").empty());
    BOOST_TEST(third.header("content-type") == "text/html; charset=utf-8");
    BOOST_TEST(sign_ups(s) == 1);
}
