// The organisers' signed-in pages against the real binary (issue 12, org-core): signing in by a
// link (single use, refused when used, expired or altered, the same answer for every address),
// the session cookie's flags, forms refused from another origin or without the session's token
// with nothing written, another organisation's organiser refused (403) on every page and action
// of ours, "sign out everywhere", and no session id, link or token in the service's log. Runs on
// the backend KAL_TEST_DB selects. What a browser does with the pages is in
// tests/browser/organiser.test.mjs.
#define BOOST_TEST_MODULE e2e_organiser
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <chrono>
#include <map>
#include <regex>
#include <sstream>
#include <set>
#include <thread>

#include "e2e_signed_in.hpp"
#include "smtp_sink.hpp"

namespace json = boost::json;
using kal::test::between;
using kal::test::browser;
using kal::test::header_map;
using kal::test::http_result;
using kal::test::invite;
using kal::test::run_kalendarium;
using kal::test::running_service;
using kal::test::signed_in;

namespace {

std::int64_t organisation(running_service& s, const std::string& name) {
    return s.create("organisations", json::object{{"name", name}}, s.admin()).at("id").as_int64();
}

std::int64_t meeting(running_service& s, std::int64_t org, const std::string& status = "published") {
    return s
        .create("meetings",
                json::object{{"type", "fro"},
                             {"title", "FRÖ-möte hos oss"},
                             {"start", "2099-03-12T18:00"},
                             {"end", "2099-03-12T20:00"},
                             {"organisation_id", org},
                             {"capacity", 10},
                             {"status", status}},
                s.admin())
        .at("id")
        .as_int64();
}

std::string meeting_body(const std::string& csrf, std::int64_t org, const std::string& title) {
    return "csrf=" + csrf + "&typ=fro&titel=" + title + "&arrangor=" + std::to_string(org) +
           "&startdatum=2099-04-01&starttid=18%3A00&sluttid=20%3A00&tidszon=Europe%2FStockholm&lokal=&platser=12"
           "&atgard=publicera";
}

const std::string source_dir = KAL_SOURCE_DIR;

// The message as Python's email package reads it (tests/tools/mail_inspect.py).
json::value inspected(const kal::test::received_mail& m) {
    auto path = std::filesystem::temp_directory_path() / ("kal-organiser-" + std::to_string(::getpid()) + ".eml");
    std::ofstream(path, std::ios::binary) << m.bytes;
    auto parsed =
        json::parse(kal::test::run_command("/usr/bin/python3 " + source_dir + "/tests/tools/mail_inspect.py " + path.string()));
    std::filesystem::remove(path);
    return parsed;
}

// The message's text/plain body, as Python's email package decodes it.
std::string plain_text(const kal::test::received_mail& m) {
    const auto parsed = inspected(m);
    for (const auto& part : parsed.at("parts").as_array())
        if (part.at("content_type").as_string() == "text/plain") return std::string(part.at("body").as_string());
    return {};
}

// Runs SQL on the test's database with the backend's own command-line client.
void run_sql(const std::string& url, const std::string& sql) {
    if (url.starts_with("sqlite:")) kal::test::run_command("/usr/bin/sqlite3 '" + url.substr(7) + "' \"" + sql + "\"");
    else kal::test::run_command("/usr/bin/psql -q '" + url + "' -c \"" + sql + "\"");
}

// The first line of what the backend's command-line client prints for a query, trimmed.
std::string query_sql(const std::string& url, const std::string& sql) {
    auto out = url.starts_with("sqlite:")
                   ? kal::test::run_command("/usr/bin/sqlite3 '" + url.substr(7) + "' \"" + sql + "\"")
                   : kal::test::run_command("/usr/bin/psql -qAtX '" + url + "' -c \"" + sql + "\"");
    out = out.substr(0, out.find('\n'));
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_link_signs_in_once_by_post_and_a_used_expired_or_altered_link_is_refused) {
    running_service s(kal::test::current_test_name());
    const auto link = invite(s, "anna@example.org", "admin");
    browser b{s, {}};
    // Looking at the page behind the link (a mail scanner) uses nothing up.
    for (int i = 0; i < 3; ++i) BOOST_TEST(b.get(link).status == 200);
    BOOST_TEST(b.cookies.count("kal_session") == 0);
    auto first = b.sign_in(link);
    BOOST_TEST(first.status == 303);
    BOOST_TEST(first.header("location") == "/arrangor");
    BOOST_TEST(b.get("/arrangor").status == 200);

    // Used: the page says so, and a POST signs nobody in.
    browser other{s, {}};
    auto used_page = other.get(link);
    BOOST_TEST(used_page.status == 404);
    BOOST_TEST(used_page.body.find("Länken fungerar inte längre") != std::string::npos);
    auto t = other.token("/logga-in");
    auto used = other.post(link, "csrf=" + t);
    BOOST_TEST(used.status == 404);
    BOOST_TEST(other.cookies.count("kal_session") == 0);

    // Altered: one character changed.
    auto fresh = invite(s, "anna@example.org", "admin");
    auto altered = fresh;
    altered.back() = altered.back() == 'A' ? 'B' : 'A';
    BOOST_TEST(other.get(altered).status == 404);
    BOOST_TEST(other.post(altered, "csrf=" + t).status == 404);
    BOOST_TEST(other.cookies.count("kal_session") == 0);

    // Expired: its time has passed (set in the database; the lifetime is at least a minute).
    run_sql(s.url, "UPDATE sign_in_links SET expires_at = 1");
    BOOST_TEST(other.get(fresh).status == 404);
    BOOST_TEST(other.post(fresh, "csrf=" + t).status == 404);
    BOOST_TEST(other.cookies.count("kal_session") == 0);
    BOOST_TEST(other.get("/arrangor").status == 303);
}

BOOST_AUTO_TEST_CASE(the_sign_in_form_answers_the_same_for_known_and_unknown_addresses) {
    running_service s(kal::test::current_test_name());
    invite(s, "known@example.org", "admin");
    browser b{s, {}};
    auto t = b.token("/logga-in");
    auto known = b.post("/logga-in", "csrf=" + t + "&epost=known%40example.org");
    auto unknown = b.post("/logga-in", "csrf=" + t + "&epost=nobody%40example.org");
    BOOST_TEST(known.status == 303);
    BOOST_TEST(unknown.status == known.status);
    BOOST_TEST(unknown.header("location") == known.header("location"));
    BOOST_TEST(unknown.body == known.body);
    BOOST_TEST(b.get(known.header("location")).body.find("Kolla din e-post") != std::string::npos);
    // Not an address: the form again with its error, 422.
    auto bad = b.post("/logga-in", "csrf=" + t + "&epost=nonsense");
    BOOST_TEST(bad.status == 422);
    BOOST_TEST(bad.body.find("href=\"#logga-in-epost\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_session_cookie_is_httponly_lax_and_host_only_secure_behind_https) {
    {
        running_service s(kal::test::current_test_name());
        const auto link = invite(s, "anna@example.org", "admin");
        browser b{s, {}};
        auto r = b.sign_in(link);
        const auto set = r.header("set-cookie");
        BOOST_TEST(set.starts_with("kal_session=kals_"));
        BOOST_TEST(set.find("; HttpOnly") != std::string::npos);
        BOOST_TEST(set.find("; SameSite=Lax") != std::string::npos);
        BOOST_TEST(set.find("; Path=/") != std::string::npos);
        BOOST_TEST(set.find("Secure") == std::string::npos);
        BOOST_TEST(set.find("Domain") == std::string::npos);
    }
    running_service s(kal::test::current_test_name() + "_https", {},
                      {{"KALENDARIUM_SERVER_PUBLIC_BASE_URL", "https://kalendarium.example.se"}});
    const auto link = invite(s, "anna@example.org", "admin");
    browser b{s, {}};
    auto page = s.client.get(link, {{"Accept", "text/html"}});
    auto form_cookie = page.header("set-cookie");
    auto t = between(page.body, "name=\"csrf\" value=\"", '"');
    auto r = s.client.request("POST", link, "csrf=" + t,
                              {{"Content-Type", "application/x-www-form-urlencoded"},
                               {"Accept", "text/html"},
                               {"Sec-Fetch-Site", "same-origin"},
                               {"Cookie", form_cookie.substr(0, form_cookie.find(';'))}});
    BOOST_TEST_REQUIRE(r.status == 303, r.body);
    const auto set = r.header("set-cookie");
    BOOST_TEST(set.starts_with("__Host-kal_session=kals_"));
    for (const char* flag : {"; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/"})
        BOOST_TEST(set.find(flag) != std::string::npos, flag);
    BOOST_TEST(set.find("Domain") == std::string::npos);
    // The secure cookie is the one read: with it, the Översikt opens.
    auto cookie = set.substr(0, set.find(';'));
    BOOST_TEST(s.client.get("/arrangor", {{"Accept", "text/html"}, {"Cookie", cookie}}).status == 200);
}

BOOST_AUTO_TEST_CASE(forms_from_another_origin_or_without_the_sessions_token_are_refused_and_write_nothing) {
    running_service s(kal::test::current_test_name());
    const auto org = organisation(s, "Föreningen Egen");
    auto b = signed_in(s, invite(s, "anna@example.org", "organiser", org));
    const auto csrf = b.token("/arrangor/moten/ny");
    const auto meetings_before = kal::test::count_rows(s.url, "meetings");
    const auto tokens_before = kal::test::count_rows(s.url, "api_tokens");
    const std::vector<std::pair<std::string, header_map>> foreign = {
        {"cross-site", {{"Sec-Fetch-Site", "cross-site"}}},
        {"same-site", {{"Sec-Fetch-Site", "same-site"}}},
    };
    for (const auto& [why, headers] : foreign) {
        auto h = headers;
        h.emplace("Content-Type", "application/x-www-form-urlencoded");
        h.emplace("Accept", "text/html");
        h.emplace("Cookie", b.cookie_header());
        auto r = s.client.request("POST", "/arrangor/moten/ny", meeting_body(csrf, org, "Fr%C3%A5n+annan"), h);
        BOOST_TEST(r.status == 403, why);
        BOOST_TEST(r.body.find("Formuläret kunde inte skickas") != std::string::npos, why);
        auto t = s.client.request("POST", "/konto/nycklar", "csrf=" + csrf + "&namn=x", h);
        BOOST_TEST(t.status == 403, why);
    }
    // Without Sec-Fetch-Site, Origin decides.
    {
        header_map h{{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "text/html"},
                     {"Cookie", b.cookie_header()},
                     {"Origin", "https://evil.example"}};
        BOOST_TEST(s.client.request("POST", "/arrangor/moten/ny", meeting_body(csrf, org, "Ond"), h).status == 403);
    }
    // No token, another's token, a public form's token.
    auto public_token = between(s.client.get("/logga-in", {{"Accept", "text/html"}}).body, "name=\"csrf\" value=\"", '"');
    for (const std::string& wrong : {std::string(), std::string(64, 'a'), public_token}) {
        BOOST_TEST(b.post("/arrangor/moten/ny", meeting_body(wrong, org, "Utan")).status == 403);
        BOOST_TEST(b.post("/konto/nycklar", "csrf=" + wrong + "&namn=x").status == 403);
        BOOST_TEST(b.post("/logga-ut", "csrf=" + wrong).status == 403);
    }
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == meetings_before);
    BOOST_TEST(kal::test::count_rows(s.url, "api_tokens") == tokens_before);
    BOOST_TEST(b.get("/arrangor").status == 200);  // still signed in: the refused sign-out did nothing
    // With the session's token the same form is saved, once.
    auto ok = b.post("/arrangor/moten/ny", meeting_body(csrf, org, "Med+token"));
    BOOST_TEST(ok.status == 303, ok.body);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == meetings_before + 1);
    // A form sent without a session goes to the sign-in page and writes nothing.
    browser stranger{s, {}};
    auto anonymous = stranger.post("/arrangor/moten/ny", meeting_body(csrf, org, "Anonym"));
    BOOST_TEST(anonymous.status == 303);
    BOOST_TEST(anonymous.header("location") == "/logga-in");
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == meetings_before + 1);
}

BOOST_AUTO_TEST_CASE(another_organisations_organiser_gets_403_on_every_page_and_action_of_ours) {
    running_service s(kal::test::current_test_name());
    const auto ours = organisation(s, "Föreningen Vår");
    const auto theirs = organisation(s, "Föreningen Deras");
    const auto m = meeting(s, ours);
    const auto id = std::to_string(m);
    auto them = signed_in(s, invite(s, "bo@example.org", "organiser", theirs));
    const auto csrf = them.token("/arrangor");
    for (const std::string& page : std::vector<std::string>{"/arrangor/moten/" + id, "/arrangor/moten/" + id + "/kopiera",
                                   "/arrangor/moten/" + id + "/stall-in", "/arrangor/moten/" + id + "/radera",
                                   "/en/arrangor/moten/" + id}) {
        auto r = them.get(page);
        BOOST_TEST(r.status == 403, page);
        BOOST_TEST(r.header("cache-control") == "no-store", page);
    }
    const auto before = kal::test::dump_all_text(s.url);
    BOOST_TEST(them.post("/arrangor/moten/" + id, meeting_body(csrf, ours, "Kapat")).status == 403);
    BOOST_TEST(them.post("/arrangor/moten/" + id + "/stall-in", "csrf=" + csrf + "&skal=Nej").status == 403);
    BOOST_TEST(them.post("/arrangor/moten/" + id + "/radera", "csrf=" + csrf).status == 403);
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);
    // Our series: its page and skipping one of its dates.
    auto series = s.create("series",
                           json::object{{"type", "network"},
                                        {"title", "Vår serie"},
                                        {"start", "2099-03-03T18:00"},
                                        {"end", "2099-03-03T20:00"},
                                        {"rrule", "FREQ=WEEKLY;COUNT=3"},
                                        {"organisation_id", ours},
                                        {"status", "published"}},
                           s.admin());
    const auto series_id = std::to_string(series.at("id").as_int64());
    auto [listed, occurrences] = s.call("GET", "/api/v1/meetings?series=" + series_id, nullptr, s.admin());
    const auto occurrence = std::to_string(occurrences.at("items").as_array().at(0).at("id").as_int64());
    BOOST_TEST(them.get("/arrangor/serier/" + series_id).status == 403);
    const auto before_series = kal::test::dump_all_text(s.url);
    BOOST_TEST(them.post("/arrangor/serier/" + series_id + "/hoppa-over/" + occurrence, "csrf=" + csrf).status == 403);
    BOOST_TEST(kal::test::dump_all_text(s.url) == before_series);
    // Creating for our organisation is refused as well, and nothing was written.
    BOOST_TEST(them.post("/arrangor/moten/ny", meeting_body(csrf, ours, "I+v%C3%A5rt+namn")).status == 403);
    BOOST_TEST(kal::test::dump_all_text(s.url) == before_series);
    // Their own pages work, and ours do for us.
    BOOST_TEST(them.get("/arrangor").status == 200);
    auto us = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    BOOST_TEST(us.get("/arrangor/moten/" + id).status == 200);
    BOOST_TEST(us.get("/arrangor/serier/" + series_id).status == 200);
    // Ours skip our dates (what those signed up are told: skipping_a_date_with_sign_ups_mails_...).
    const auto us_csrf = us.token("/arrangor");
    const auto second = std::to_string(occurrences.at("items").as_array().at(1).at("id").as_int64());
    BOOST_TEST(us.post("/arrangor/serier/" + series_id + "/hoppa-over/" + second, "csrf=" + us_csrf).status == 303);
    BOOST_TEST(s.call("GET", "/api/v1/meetings/" + second, nullptr, s.admin()).first == 404);
}

BOOST_AUTO_TEST_CASE(the_overview_leads_to_the_calendar_for_the_meetings_after_its_fifty_and_warns_of_them_too) {
    kal::test::smtp_sink sink(source_dir + "/tests/tools/smtp_sink.py");
    running_service s(kal::test::current_test_name(), {},
                      {{"KALENDARIUM_MAIL_SMTP_URL", sink.url()},
                       {"KALENDARIUM_MAIL_POLL_INTERVAL", "50ms"},
                       {"KALENDARIUM_MAIL_FROM_ADDRESS", "no-reply@kalendarium.example.se"}});
    const auto ours = organisation(s, "Föreningen Vår");
    const auto slug = std::string(s.call("GET", "/api/v1/organisations/" + std::to_string(ours), nullptr, s.admin())
                                      .second.at("slug")
                                      .as_string());
    // A weekly series of 53 dates: the Översikt shows the first 50.
    s.create("series",
             json::object{{"type", "network"},
                          {"title", "Vår långa serie"},
                          {"start", "2099-01-06T18:00"},
                          {"end", "2099-01-06T20:00"},
                          {"rrule", "FREQ=WEEKLY;COUNT=53"},
                          {"organisation_id", ours},
                          {"status", "published"}},
             s.admin());
    auto us = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    auto page = us.get("/arrangor");
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(page.body.find("Här visas de 50 närmaste. 3 kommande möten till finns i kalendern:") !=
               std::string::npos);
    BOOST_TEST(
        page.body.find("<a href=\"/?arrangor=" + slug + "\">Kalendern för Föreningen Vår</a>") != std::string::npos,
        page.body);
    auto english = us.get("/en/arrangor");
    BOOST_TEST(english.body.find("These are the next 50. 3 more coming meetings are in the calendar:") !=
               std::string::npos);
    BOOST_TEST(english.body.find("<a href=\"/en/?arrangor=" + slug + "\">The calendar of Föreningen Vår</a>") !=
               std::string::npos);
    // The 52nd date, not shown, has a message that could not be sent: it is among what needs attention.
    auto [listed, dates] = s.call("GET", "/api/v1/meetings?organisation=" + slug + "&limit=100", nullptr, s.admin());
    BOOST_TEST_REQUIRE(dates.at("items").as_array().size() == 53u);
    const auto later = std::to_string(dates.at("items").as_array().at(51).at("id").as_int64());
    BOOST_TEST(page.body.find("/arrangor/moten/" + later + "\"") == std::string::npos);
    auto [status, v] = s.call("POST", "/api/v1/meetings/" + later + "/rsvps",
                              json::object{{"name", "Anna"}, {"email", "anna@example.org"}, {"consent", true}}, {});
    BOOST_TEST_REQUIRE(status == 201, v);
    // Its confirmation is sent (the worker is done with it), then marked as failed.
    const std::string of_later =
        " FROM outbox WHERE meeting_id = (SELECT id FROM meetings WHERE title = 'Vår långa serie' ORDER BY start_utc "
        "LIMIT 1 OFFSET 51)";
    for (int i = 0; i < 400 && query_sql(s.url, "SELECT COUNT(*)" + of_later + " AND state = 'sent'") != "1"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    BOOST_TEST_REQUIRE(query_sql(s.url, "SELECT COUNT(*)" + of_later + " AND state = 'sent'") == "1");
    run_sql(s.url, "UPDATE outbox SET state = 'failed', last_error = '550 no such user'" + of_later.substr(12));
    const auto warned = us.get("/arrangor");
    const auto from = warned.body.find("id=\"att-gora\""), to = warned.body.find("id=\"kommande\"");
    BOOST_TEST_REQUIRE((from != std::string::npos && to != std::string::npos && from < to));
    const auto attention = warned.body.substr(from, to - from);
    BOOST_TEST(attention.find("/arrangor/moten/" + later + "\"") != std::string::npos, attention);
    BOOST_TEST(attention.find("1 meddelande kunde inte skickas.") != std::string::npos, attention);
}

BOOST_AUTO_TEST_CASE(sign_out_everywhere_ends_the_other_sessions_and_sign_out_ends_this_one) {
    running_service s(kal::test::current_test_name());
    const auto org = organisation(s, "Föreningen Telefon");
    auto laptop = signed_in(s, invite(s, "anna@example.org", "organiser", org));
    auto phone = signed_in(s, invite(s, "anna@example.org", "organiser", org));
    auto tablet = signed_in(s, invite(s, "anna@example.org", "organiser", org));
    auto sessions = laptop.get("/konto/sessioner");
    BOOST_TEST(sessions.status == 200);
    BOOST_TEST(sessions.header("cache-control") == "no-store");
    // Ending one: the tablet.
    static const std::regex end_action(R"(/konto/sessioner/(\d+)/avsluta)");
    auto ids = std::sregex_iterator(sessions.body.begin(), sessions.body.end(), end_action);
    std::vector<std::string> others;
    for (auto it = ids; it != std::sregex_iterator(); ++it) others.push_back((*it)[1].str());
    BOOST_TEST_REQUIRE(others.size() == 2u);  // the phone and the tablet; this one has no button
    const auto csrf = laptop.token("/konto/sessioner");
    BOOST_TEST(laptop.post("/konto/sessioner/" + others[1] + "/avsluta", "csrf=" + csrf).status == 303);
    BOOST_TEST(laptop.post("/konto/sessioner/" + others[0] + "/avsluta", "csrf=" + csrf).status == 303);
    BOOST_TEST(phone.get("/arrangor").status == 303);
    BOOST_TEST(tablet.get("/arrangor").status == 303);
    BOOST_TEST(laptop.get("/arrangor").status == 200);

    // Everywhere: two more browsers, then the laptop signs out everywhere, itself included.
    auto desk = signed_in(s, invite(s, "anna@example.org", "organiser", org));
    auto copy = laptop;  // a copied cookie: the same session
    auto out = laptop.post("/konto/logga-ut-overallt", "csrf=" + csrf);
    BOOST_TEST(out.status == 303);
    BOOST_TEST(out.header("location") == "/logga-in?utloggad=1");
    BOOST_TEST(out.header("set-cookie").starts_with("kal_session=;"));
    BOOST_TEST(desk.get("/arrangor").status == 303);
    BOOST_TEST(copy.get("/arrangor").status == 303);
    BOOST_TEST(desk.get("/konto/sessioner").header("location") == "/logga-in?tillbaka=%2Fkonto%2Fsessioner");

    // Signing out ends this session.
    auto again = signed_in(s, invite(s, "anna@example.org", "organiser", org));
    const auto kept = again;
    BOOST_TEST(again.post("/logga-ut", "csrf=" + again.token("/arrangor")).status == 303);
    auto stale = kept;
    BOOST_TEST(stale.get("/arrangor").status == 303);
}

BOOST_AUTO_TEST_CASE(no_session_id_sign_in_link_or_token_appears_in_the_log) {
    running_service s(kal::test::current_test_name(), {}, {{"KALENDARIUM_LOG_LEVEL", "debug"}});
    const auto org = organisation(s, "Föreningen Logg");
    const auto link = invite(s, "anna@example.org", "organiser", org);
    auto b = signed_in(s, link);
    const auto session = b.cookies.at("kal_session");
    const auto csrf = b.token("/konto/nycklar");
    auto made = b.post("/konto/nycklar", "csrf=" + csrf + "&namn=Webbplatsen");
    BOOST_TEST_REQUIRE(made.status == 200);
    const auto token = between(made.body, "readonly value=\"", '"');
    BOOST_TEST_REQUIRE(token.starts_with("kal_"));
    // The token works in the API, with the user's rights.
    BOOST_TEST(s.client.get("/api/v1/meetings?status=draft", {{"Authorization", "Bearer " + token}}).status == 200);
    b.get("/arrangor");
    b.get("/konto/sessioner");
    b.post("/arrangor/moten/ny", meeting_body(csrf, org, "Loggat"));
    b.get(link);  // the used link's page, too
    b.post("/logga-ut", "csrf=" + csrf);
    const auto log = s.server.log();
    BOOST_TEST(!log.empty());
    for (const auto& secret : {link.substr(link.rfind('/') + 1), session, token, csrf}) {
        BOOST_TEST(log.find(secret) == std::string::npos, secret.substr(0, 5));
        BOOST_TEST(log.find(secret.substr(5, 20)) == std::string::npos, secret.substr(0, 5));
    }
}

BOOST_AUTO_TEST_CASE(cancelling_on_the_page_says_the_reason_in_the_mail_and_deleting_first_says_who_is_signed_up) {
    kal::test::smtp_sink sink(source_dir + "/tests/tools/smtp_sink.py");
    auto env = kal::test::unlimited_sign_ups;
    env.insert({{"KALENDARIUM_MAIL_SMTP_URL", sink.url()},
                {"KALENDARIUM_MAIL_POLL_INTERVAL", "50ms"},
                {"KALENDARIUM_MAIL_FROM_ADDRESS", "no-reply@kalendarium.example.se"}});
    running_service s(kal::test::current_test_name(), {}, env);
    const auto org = organisation(s, "Föreningen Inställd");
    const auto m = meeting(s, org);
    const auto id = std::to_string(m);
    for (const char* who : {"anna@example.org", "bo@example.org"}) {
        auto [status, v] = s.call("POST", "/api/v1/meetings/" + id + "/rsvps",
                                  json::object{{"name", "Anna"}, {"email", who}, {"party_size", 2}, {"consent", true}}, {});
        BOOST_TEST_REQUIRE(status == 201, v);
    }
    sink.wait_for(2, std::chrono::seconds(20));  // the confirmations
    auto b = signed_in(s, invite(s, "org@example.org", "organiser", org));
    // Both questions say how many are signed up before anything happens.
    for (const auto& page : {"/arrangor/moten/" + id + "/stall-in", "/arrangor/moten/" + id + "/radera"}) {
        auto r = b.get(page);
        BOOST_TEST(r.status == 200);
        BOOST_TEST(r.body.find("2 anmälningar (4 personer)") != std::string::npos, page);
    }
    // Deleting would mail both a cancellation (mail_policy::meeting_deleted), and the page says so.
    auto asked = b.get("/arrangor/moten/" + id + "/radera");
    BOOST_TEST(asked.body.find("2 anmälda får ett mejl om att mötet är inställt") != std::string::npos, asked.body);
    BOOST_TEST(asked.body.find("inget mejl") == std::string::npos);
    BOOST_TEST(b.get("/en/arrangor/moten/" + id + "/radera").body.find("2 people signed up get an e-mail") != std::string::npos);
    const auto csrf = b.token("/arrangor");
    auto cancelled = b.post("/arrangor/moten/" + id + "/stall-in",
                            "csrf=" + csrf + "&skal=Lokalen+%C3%A4r+vattenskadad.+Vi+ses+i+januari.");
    BOOST_TEST(cancelled.status == 303);
    auto [status, v] = s.call("GET", "/api/v1/meetings/" + id, nullptr, s.admin());
    BOOST_TEST(v.at("status").as_string() == "cancelled");
    auto mails = sink.wait_for(4, std::chrono::seconds(20));
    BOOST_TEST_REQUIRE(mails.size() == 4u);
    for (std::size_t i = 2; i < 4; ++i) {
        auto text = plain_text(mails[i]);
        BOOST_TEST(text.find("inställt") != std::string::npos);
        BOOST_TEST(text.find("Lokalen är vattenskadad. Vi ses i januari.") != std::string::npos, text);
    }
    // A reason too long is the 422 of the use case; nothing changes.
    auto again = b.post("/arrangor/moten/" + id + "/stall-in", "csrf=" + csrf + "&skal=" + std::string(1001, 'x'));
    BOOST_TEST(again.status == 422);
    // Cancelled, deleting tells nobody more: they had their mail when it was cancelled.
    auto asked_again = b.get("/arrangor/moten/" + id + "/radera");
    BOOST_TEST(asked_again.body.find("De anmälda får inget mejl om att mötet raderas") != std::string::npos);
    BOOST_TEST(asked_again.body.find("De fick ett mejl när mötet ställdes in.") != std::string::npos);
    BOOST_TEST(asked_again.body.find("får ett mejl om att mötet är inställt") == std::string::npos);
    // Deleting removes it, and no mail follows.
    BOOST_TEST(b.post("/arrangor/moten/" + id + "/radera", "csrf=" + csrf).status == 303);
    BOOST_TEST(s.call("GET", "/api/v1/meetings/" + id, nullptr, s.admin()).first == 404);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    BOOST_TEST(sink.messages().size() == 4u);
}

// A series' date with sign-ups is skipped as a meeting is deleted: the page says beside the button
// how many get a cancellation, and they get it (with the calendar's CANCEL), as the delete page says.
BOOST_AUTO_TEST_CASE(skipping_a_date_with_sign_ups_mails_them_a_cancellation_as_the_series_page_says) {
    kal::test::smtp_sink sink(source_dir + "/tests/tools/smtp_sink.py");
    auto env = kal::test::unlimited_sign_ups;
    env.insert({{"KALENDARIUM_MAIL_SMTP_URL", sink.url()},
                {"KALENDARIUM_MAIL_POLL_INTERVAL", "50ms"},
                {"KALENDARIUM_MAIL_FROM_ADDRESS", "no-reply@kalendarium.example.se"}});
    running_service s(kal::test::current_test_name(), {}, env);
    const auto org = organisation(s, "Föreningen Serie");
    auto series = s.create("series",
                           json::object{{"type", "network"},
                                        {"title", "Veckans träff"},
                                        {"start", "2099-03-03T18:00"},
                                        {"end", "2099-03-03T20:00"},
                                        {"rrule", "FREQ=WEEKLY;COUNT=3"},
                                        {"organisation_id", org},
                                        {"status", "published"}},
                           s.admin());
    const auto series_id = std::to_string(series.at("id").as_int64());
    auto [listed, occurrences] = s.call("GET", "/api/v1/meetings?series=" + series_id, nullptr, s.admin());
    const auto first = std::to_string(occurrences.at("items").as_array().at(0).at("id").as_int64());
    for (const char* who : {"anna@example.org", "bo@example.org"}) {
        auto [status, v] = s.call("POST", "/api/v1/meetings/" + first + "/rsvps",
                                  json::object{{"name", "Anna"}, {"email", who}, {"consent", true}}, {});
        BOOST_TEST_REQUIRE(status == 201, v);
    }
    sink.wait_for(2, std::chrono::seconds(20));  // the confirmations
    auto b = signed_in(s, invite(s, "org@example.org", "organiser", org));
    auto page = b.get("/arrangor/serier/" + series_id);
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(page.body.find("2 anmälda får mejl") != std::string::npos, page.body);
    // Every date has its button now, the one with sign-ups too.
    for (const auto& item : occurrences.at("items").as_array())
        BOOST_TEST(page.body.find("/hoppa-over/" + std::to_string(item.at("id").as_int64()) + "\"") != std::string::npos);
    const auto csrf = b.token("/arrangor");
    auto skipped = b.post("/arrangor/serier/" + series_id + "/hoppa-over/" + first, "csrf=" + csrf);
    BOOST_TEST(skipped.status == 303);
    BOOST_TEST(skipped.header("location") == "/arrangor/serier/" + series_id + "?hoppad=2");
    BOOST_TEST(b.get(skipped.header("location")).body.find("de anmälda får ett mejl om att det är inställt") != std::string::npos);
    BOOST_TEST(s.call("GET", "/api/v1/meetings/" + first, nullptr, s.admin()).first == 404);
    auto mails = sink.wait_for(4, std::chrono::seconds(20));
    BOOST_TEST_REQUIRE(mails.size() == 4u);
    std::set<std::string> told;
    for (std::size_t i = 2; i < 4; ++i) {
        told.insert(mails[i].recipients.at(0));
        BOOST_TEST(plain_text(mails[i]).find("inställt") != std::string::npos);
        BOOST_TEST(mails[i].bytes.find("method=CANCEL") != std::string::npos);
    }
    BOOST_TEST((told == std::set<std::string>{"anna@example.org", "bo@example.org"}));
}

// The QR code's check-in link opened on a phone that is not signed in (org-flow): the sign-in
// page's address holds no secret (it would stay in the browser's history): the way back waits in
// the HttpOnly cookie kal_tillbaka, and signing in lands on the link itself.
BOOST_AUTO_TEST_CASE(a_check_in_link_opened_without_a_session_keeps_its_secret_out_of_the_sign_in_address) {
    running_service s(kal::test::current_test_name());
    const std::string secret = "kalc_" + std::string(43, 'Q');
    for (const std::string prefix : {"", "/en"}) {
        browser phone{s, {}};
        auto r = phone.get(prefix + "/incheckning/" + secret);
        BOOST_TEST(r.status == 303);
        BOOST_TEST(r.header("location") == prefix + "/logga-in?vidare=1");
        BOOST_TEST(r.header("location").find("kalc_") == std::string::npos);
        BOOST_TEST(r.header("referrer-policy") == "no-referrer");
        const auto set = r.header("set-cookie");
        BOOST_TEST(set.starts_with("kal_tillbaka=" + std::string(prefix.empty() ? "" : "%2Fen") + "%2Fincheckning%2F" + secret + ";"), set);
        for (const char* flag : {"; HttpOnly", "; SameSite=Lax", "; Path=/", "; Max-Age=1200"})
            BOOST_TEST(set.find(flag) != std::string::npos, flag);
        // The sign-in page says why one is there, and holds no secret either.
        auto asked = phone.get(r.header("location"));
        BOOST_TEST(asked.status == 200);
        BOOST_TEST(asked.body.find(secret) == std::string::npos);
        // Asking for a link keeps the way back (the form has none of its own)...
        const auto t = between(asked.body, "name=\"csrf\" value=\"", '"');
        auto sent = phone.post(prefix + "/logga-in", "csrf=" + t + "&tillbaka=&epost=dorr%40example.org");
        BOOST_TEST(sent.status == 303);
        BOOST_TEST(sent.header("set-cookie").find("kal_tillbaka") == std::string::npos);
        BOOST_TEST(phone.cookies.count("kal_tillbaka") == 1);
        // ...and the link from the mail leads back to the check-in link.
        auto in = phone.sign_in(invite(s, "dorr@example.org", "admin"));
        BOOST_TEST(in.status == 303);
        BOOST_TEST(in.header("location") == prefix + "/incheckning/" + secret);
    }
    // Any other page still says where it was going in the address (nothing secret in it).
    browser other{s, {}};
    BOOST_TEST(other.get("/arrangor/moten/1/incheckning").header("location") ==
               "/logga-in?tillbaka=%2Farrangor%2Fmoten%2F1%2Fincheckning");
}

// The way-back cookie is the visitor's to set: whatever it holds, signing in answers 303, to the
// organisers' start page unless it decodes to a path of this site that may stand in a Location
// header (no broken percent-escapes, controls, DEL, other sites or text that is not UTF-8).
BOOST_AUTO_TEST_CASE(a_way_back_cookie_that_is_no_path_of_ours_signs_in_to_the_start_page) {
    running_service s(kal::test::current_test_name());
    const std::vector<std::string> hostile = {"%zz",       "%",         "%4",       "%2Farrangor%zz", "%2F%2Fevil.example",
                                              "%2F%5Cevil", "%2Fa%7Fb", "%2Fa%0Ab", "%2F%FF%FE",      "%2B1",
                                              "arrangor",  "%2F%20x"};
    for (const auto& value : hostile) {
        browser phone{s, {}};
        phone.cookies["kal_tillbaka"] = value;
        auto in = phone.sign_in(invite(s, "dorr@example.org", "admin"));
        BOOST_TEST(in.status == 303, value << ": " << in.status << " " << in.body.substr(0, 300));
        BOOST_TEST(in.header("location") == "/arrangor", value << " led to " << in.header("location"));
    }
    browser phone{s, {}};
    phone.cookies["kal_tillbaka"] = "%2Farrangor%2Fmoten%2F1%2Fincheckning";
    BOOST_TEST(phone.sign_in(invite(s, "dorr@example.org", "admin")).header("location") == "/arrangor/moten/1/incheckning");
}

// ---- users and invitations (org-flow): /arrangor/anvandare --------------------------------------

namespace {

std::string form_encoded(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') out += static_cast<char>(c);
        else out += std::string("%") + hex[c >> 4] + hex[c & 15];
    }
    return out;
}

std::string invite_body(const std::string& csrf, const std::string& email, const std::string& extra) {
    return "csrf=" + csrf + "&epost=" + form_encoded(email) + "&namn=Ny+Person" + extra;
}

std::string subject_of(const kal::test::received_mail& m) { return std::string(inspected(m).at("subject").as_string()); }

}  // namespace

BOOST_AUTO_TEST_CASE(an_admin_invites_on_the_users_page_by_mail_in_the_invitees_language_and_sees_it_pending) {
    kal::test::smtp_sink sink(source_dir + "/tests/tools/smtp_sink.py");
    running_service s(kal::test::current_test_name(), {},
                      {{"KALENDARIUM_MAIL_SMTP_URL", sink.url()},
                       {"KALENDARIUM_MAIL_POLL_INTERVAL", "50ms"},
                       {"KALENDARIUM_MAIL_FROM_ADDRESS", "no-reply@kalendarium.example.se"}});
    const auto org = organisation(s, "Föreningen Inbjuden");
    auto admin = signed_in(s, invite(s, "chef@example.org", "admin"));
    auto page = admin.get("/arrangor/anvandare");
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(page.header("cache-control") == "no-store");
    BOOST_TEST(page.body.find("Inga väntande inbjudningar.") != std::string::npos);
    const auto csrf = admin.token("/arrangor/anvandare");
    const auto users_before = kal::test::count_rows(s.url, "users");
    // Errors the GOV.UK way: the page again, 422, nothing written.
    auto bad = admin.post("/arrangor/anvandare", "csrf=" + csrf + "&epost=inte-en-adress&sprak=sv&roll=organiser");
    BOOST_TEST(bad.status == 422);
    BOOST_TEST(bad.body.find("href=\"#anvandare-epost\"") != std::string::npos);
    BOOST_TEST(bad.body.find("Skriv en e-postadress") != std::string::npos);
    BOOST_TEST(bad.body.find("Välj minst en organisation") != std::string::npos);
    BOOST_TEST(bad.body.find("value=\"inte-en-adress\"") != std::string::npos);
    BOOST_TEST(kal::test::count_rows(s.url, "users") == users_before);

    // An organiser in English: the mail goes to the invitee, in English, with a sign-in link.
    auto made = admin.post("/arrangor/anvandare",
                           invite_body(csrf, "ny@example.org", "&sprak=en&roll=organiser&organisation=" + std::to_string(org)));
    BOOST_TEST(made.status == 303);
    BOOST_TEST(made.header("location") == "/arrangor/anvandare?klart=invited");
    auto listed = admin.get("/arrangor/anvandare?klart=invited");
    BOOST_TEST(listed.body.find("Inbjudan är skickad.") != std::string::npos);
    BOOST_TEST(listed.body.find("Väntande inbjudningar") != std::string::npos);
    BOOST_TEST(listed.body.find("ny@example.org") != std::string::npos);
    BOOST_TEST(listed.body.find("Arrangör för Föreningen Inbjuden") != std::string::npos);
    auto mails = sink.wait_for(1, std::chrono::seconds(20));
    BOOST_TEST_REQUIRE(mails.size() == 1u);
    BOOST_TEST(mails[0].recipients.at(0) == "ny@example.org");
    BOOST_TEST(subject_of(mails[0]).find("invited") != std::string::npos, subject_of(mails[0]));
    static const std::regex link_in_mail(R"(http://[^/\s]+(/logga-in/kali_[A-Za-z0-9_-]{43}))");
    std::smatch m;
    const auto text = plain_text(mails[0]);
    BOOST_TEST_REQUIRE(std::regex_search(text, m, link_in_mail), text);
    // The link is nowhere on the inviter's pages.
    BOOST_TEST(listed.body.find(m[1].str()) == std::string::npos);
    // An admin in Swedish, with no organisation.
    auto chef = admin.post("/arrangor/anvandare", invite_body(csrf, "chef2@example.org", "&sprak=sv&roll=admin"));
    BOOST_TEST(chef.status == 303);
    mails = sink.wait_for(2, std::chrono::seconds(20));
    BOOST_TEST_REQUIRE(mails.size() == 2u);
    BOOST_TEST(mails[1].recipients.at(0) == "chef2@example.org");
    BOOST_TEST(subject_of(mails[1]).find("inbjuden") != std::string::npos, subject_of(mails[1]));

    // The invitee signs in: no longer pending, listed among the accounts.
    auto invitee = signed_in(s, m[1].str());
    auto after = admin.get("/arrangor/anvandare");
    const auto pending_at = after.body.find("id=\"vantande\"");
    const auto accounts_at = after.body.find("id=\"konton\"");
    BOOST_TEST_REQUIRE((pending_at != std::string::npos && accounts_at != std::string::npos));
    BOOST_TEST(after.body.find("ny@example.org", accounts_at) != std::string::npos);
    BOOST_TEST(after.body.substr(pending_at, accounts_at - pending_at).find("ny@example.org") == std::string::npos);
    BOOST_TEST(after.body.substr(pending_at, accounts_at - pending_at).find("chef2@example.org") != std::string::npos);
    BOOST_TEST(admin.get("/en/arrangor/anvandare").body.find("Pending invitations") != std::string::npos);
    BOOST_TEST(invitee.get("/arrangor").status == 200);
}

BOOST_AUTO_TEST_CASE(an_organiser_invites_and_deactivates_only_within_its_own_organisations_and_gets_403_elsewhere) {
    running_service s(kal::test::current_test_name());
    const auto ours = organisation(s, "Föreningen Vår");
    const auto theirs = organisation(s, "Föreningen Deras");
    auto us = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    auto colleague = signed_in(s, invite(s, "cia@example.org", "organiser", ours));
    invite(s, "bo@example.org", "organiser", theirs);
    invite(s, "dan@example.org", "organiser", ours);  // and theirs, below
    invite(s, "dan@example.org", "organiser", theirs);
    invite(s, "chef@example.org", "admin");
    const auto ids = [&] {
        std::map<std::string, std::string> out;
        auto r = run_kalendarium({"user", "list", "--db", s.url});
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) {
            auto id = line.substr(0, line.find('\t'));
            for (const char* who : {"anna", "bo", "cia", "dan", "chef"})
                if (line.find(std::string(who) + "@example.org") != std::string::npos) out[who] = id;
        }
        return out;
    }();
    BOOST_TEST_REQUIRE(ids.size() == 5u);

    auto page = us.get("/arrangor/anvandare");
    BOOST_TEST_REQUIRE(page.status == 200);
    // Only the people of our organisation, and no role to choose.
    BOOST_TEST(page.body.find("cia@example.org") != std::string::npos);
    BOOST_TEST(page.body.find("dan@example.org") != std::string::npos);
    BOOST_TEST(page.body.find("bo@example.org") == std::string::npos);
    BOOST_TEST(page.body.find("chef@example.org") == std::string::npos);
    BOOST_TEST(page.body.find("name=\"roll\"") == std::string::npos);
    BOOST_TEST(page.body.find("value=\"" + std::to_string(theirs) + "\"") == std::string::npos);
    BOOST_TEST(page.body.find("/arrangor/anvandare/" + ids.at("cia") + "/stang-av") != std::string::npos);
    BOOST_TEST(page.body.find("/arrangor/anvandare/" + ids.at("dan") + "/stang-av") == std::string::npos);

    const auto csrf = us.token("/arrangor/anvandare");
    const auto before = kal::test::dump_all_text(s.url);
    // Inviting to their organisation, or an admin: 403, nothing written.
    for (const auto& extra : std::vector<std::string>{
             "&sprak=sv&organisation=" + std::to_string(theirs),
             "&sprak=sv&organisation=" + std::to_string(ours) + "&organisation=" + std::to_string(theirs),
             "&sprak=sv&roll=admin"}) {
        auto r = us.post("/arrangor/anvandare", invite_body(csrf, "ny@example.org", extra));
        BOOST_TEST(r.status == 403, extra);
        BOOST_TEST(r.header("cache-control") == "no-store");
    }
    // Deactivating someone of theirs, someone who is theirs too, an admin, nobody: 403.
    for (const char* who : {"bo", "dan", "chef"})
        BOOST_TEST(us.post("/arrangor/anvandare/" + ids.at(who) + "/stang-av", "csrf=" + csrf).status == 403, who);
    BOOST_TEST(us.post("/arrangor/anvandare/99999/stang-av", "csrf=" + csrf).status == 403);
    // From another site, or without the session's token: refused, nothing written.
    auto h = header_map{{"Content-Type", "application/x-www-form-urlencoded"},
                        {"Accept", "text/html"},
                        {"Cookie", us.cookie_header()},
                        {"Sec-Fetch-Site", "cross-site"}};
    BOOST_TEST(s.client.request("POST", "/arrangor/anvandare",
                                invite_body(csrf, "ny@example.org", "&sprak=sv&organisation=" + std::to_string(ours)), h)
                   .status == 403);
    BOOST_TEST(s.client.request("POST", "/arrangor/anvandare/" + ids.at("cia") + "/stang-av", "csrf=" + csrf, h).status == 403);
    BOOST_TEST(us.post("/arrangor/anvandare/" + ids.at("cia") + "/stang-av", "csrf=").status == 403);
    BOOST_TEST(us.post("/arrangor/anvandare",
                       invite_body("", "ny@example.org", "&sprak=sv&organisation=" + std::to_string(ours)))
                   .status == 403);
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);

    // Ours: an invitation to our organisation (mail is off here: the page says no link went out),
    // and deactivating a colleague, which ends the colleague's session.
    auto made = us.post("/arrangor/anvandare", invite_body(csrf, "ny@example.org", "&sprak=sv&organisation=" + std::to_string(ours)));
    BOOST_TEST(made.status == 303);
    BOOST_TEST(made.header("location") == "/arrangor/anvandare?klart=not_mailed");
    BOOST_TEST(us.get("/arrangor/anvandare").body.find("ny@example.org") != std::string::npos);
    BOOST_TEST(colleague.get("/arrangor").status == 200);
    auto off = us.post("/arrangor/anvandare/" + ids.at("cia") + "/stang-av", "csrf=" + csrf);
    BOOST_TEST(off.status == 303);
    BOOST_TEST(off.header("location") == "/arrangor/anvandare?klart=deactivated");
    BOOST_TEST(colleague.get("/arrangor").status == 303);
    BOOST_TEST(us.get("/arrangor/anvandare?klart=deactivated").body.find("Kontot är avstängt.") != std::string::npos);
}
