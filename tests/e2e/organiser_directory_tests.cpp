// The directory's organiser pages and the import by upload against the real binary (issue 12
// item 8 and the change log of item 9; org-dir): another organisation's organiser gets 403 on
// every page and action of ours and writes nothing; forms without the session's token or from
// another origin are refused and write nothing (the multipart upload too); an .ics upload is
// previewed without importing anything and imported by the preview's button, from the calendar
// kept on the server; a bad file is said on the form; a venue's change is logged with field,
// before, after, who and when and shown on its page and its meetings'; a series' changes on the
// series' page. Runs on the backend KAL_TEST_DB selects. What a browser does with the pages is in
// tests/browser/organiser_directory.test.mjs.
#define BOOST_TEST_MODULE e2e_organiser_directory
#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>

#include "e2e_signed_in.hpp"

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

const std::string boundary = "----kalendariumTestBoundary7MA4YWxkTrZu0gW";

// A multipart/form-data body as a browser writes it: text fields, then files (name, file name, bytes).
std::string multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::vector<std::tuple<std::string, std::string, std::string>>& files) {
    std::string out;
    for (const auto& [name, value] : fields)
        out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    for (const auto& [name, file_name, bytes] : files)
        out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + file_name +
               "\"\r\nContent-Type: text/calendar\r\n\r\n" + bytes + "\r\n";
    return out + "--" + boundary + "--\r\n";
}

// Posts a multipart body to the import's form.
http_result upload(browser& b, const std::string& body, header_map extra = {}) {
    return b.post("/arrangor/import", body, std::move(extra), "multipart/form-data; boundary=" + boundary);
}

std::int64_t organisation(running_service& s, const std::string& name) {
    return s.create("organisations", json::object{{"name", name}}, s.admin()).at("id").as_int64();
}

std::int64_t venue(running_service& s, std::int64_t owner, const std::string& name) {
    return s.create("venues", json::object{{"name", name}, {"address", "Storgatan 1"}, {"capacity", 40}, {"organisation_id", owner}},
                    s.admin())
        .at("id")
        .as_int64();
}

std::int64_t network(running_service& s, std::int64_t owner, const std::string& name) {
    return s.create("networks", json::object{{"name", name}, {"kind", "forum"}, {"organisation_ids", json::array{owner}}},
                    s.admin())
        .at("id")
        .as_int64();
}

std::string event(const std::string& uid, const std::string& title, const std::string& day) {
    return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:" + title +
           "\r\nDTSTART;TZID=Europe/Stockholm:" + day + "T180000\r\nDTEND;TZID=Europe/Stockholm:" + day +
           "T200000\r\nEND:VEVENT\r\n";
}

std::string calendar_of(const std::string& events) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Föreningen//SV\r\n" + events + "END:VCALENDAR\r\n";
}

// The counts of what an import or a directory write would touch.
std::string written(const running_service& s) {
    std::string out;
    for (const char* table : {"meetings", "organisations", "networks", "venues", "change_log", "outbox", "staged_imports"})
        out += std::string(table) + "=" + std::to_string(kal::test::count_rows(s.url, table)) + " ";
    return out;
}

void run_sql(const std::string& url, const std::string& sql) {
    if (url.starts_with("sqlite:")) kal::test::run_command("/usr/bin/sqlite3 '" + url.substr(7) + "' \"" + sql + "\"");
    else kal::test::run_command("/usr/bin/psql -q '" + url + "' -c \"" + sql + "\"");
}

std::string preview_path(const http_result& r) {
    static const std::regex path(R"(^/arrangor/import/kalu_[A-Za-z0-9_-]{43}$)");
    const auto location = r.header("location");
    BOOST_TEST_REQUIRE(std::regex_match(location, path), location << " " << r.status << " " << r.body.substr(0, 2000));
    return location;
}

}  // namespace

BOOST_AUTO_TEST_CASE(another_organisations_organiser_gets_403_on_every_directory_page_and_action_of_ours) {
    running_service s(kal::test::current_test_name());
    const auto ours = organisation(s, "Föreningen Vår");
    const auto theirs = organisation(s, "Föreningen Deras");
    const auto our_venue = std::to_string(venue(s, ours, "Vår lokal"));
    const auto our_network = std::to_string(network(s, ours, "Vårt forum"));
    const auto our_org = std::to_string(ours);
    auto them = signed_in(s, invite(s, "bo@example.org", "organiser", theirs));
    auto us = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    const auto csrf = them.token("/arrangor/organisationer");

    for (const std::string prefix : {"", "/en"}) {
        for (const std::string& page : std::vector<std::string>{"/arrangor/organisationer/" + our_org, "/arrangor/organisationer/ny",
                                        "/arrangor/natverk/" + our_network, "/arrangor/lokaler/" + our_venue}) {
            auto r = them.get(prefix + page);
            BOOST_TEST(r.status == 403, prefix + page);
            BOOST_TEST(r.header("cache-control") == "no-store", prefix + page);
        }
    }
    // The lists show ours without a link to change them; their own they may change.
    auto venues = them.get("/arrangor/lokaler");
    BOOST_TEST(venues.status == 200);
    BOOST_TEST(venues.body.find("Vår lokal") != std::string::npos);
    BOOST_TEST(venues.body.find("href=\"/arrangor/lokaler/" + our_venue + "\"") == std::string::npos);
    BOOST_TEST(them.get("/arrangor/organisationer/" + std::to_string(theirs)).status == 200);
    BOOST_TEST(us.get("/arrangor/lokaler").body.find("href=\"/arrangor/lokaler/" + our_venue + "\"") != std::string::npos);

    const auto before = kal::test::dump_all_text(s.url);
    const auto counts = written(s);
    const std::vector<std::pair<std::string, std::string>> actions = {
        {"/arrangor/organisationer/" + our_org, "typ=association&namn=Kapad"},
        {"/arrangor/organisationer/ny", "typ=association&namn=Ny+av+dem"},
        {"/arrangor/natverk/" + our_network, "typ=forum&namn=Kapat&agare=" + std::to_string(theirs)},
        {"/arrangor/natverk/ny", "typ=forum&namn=I+v%C3%A5rt+namn&agare=" + our_org},
        {"/arrangor/lokaler/" + our_venue, "namn=Kapad&agare=" + std::to_string(theirs)},
        {"/arrangor/lokaler/ny", "namn=I+v%C3%A5rt+namn&agare=" + our_org},
        {"/en/arrangor/lokaler/" + our_venue, "namn=Kapad&agare=" + our_org},
    };
    for (const auto& [path, body] : actions) {
        auto r = them.post(path, "csrf=" + csrf + "&" + body);
        BOOST_TEST(r.status == 403, path);
        BOOST_TEST(r.header("cache-control") == "no-store", path);
    }
    // An import for our organisation.
    auto refused = upload(them, multipart({{"csrf", csrf}, {"arrangor", our_org}, {"typ", "other"}, {"status", "published"}},
                                          {{"fil", "vår.ics", calendar_of(event("a@x", "Kapat möte", "20990312"))}}));
    BOOST_TEST(refused.status == 403);
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);
    BOOST_TEST(written(s) == counts);

    // Our upload's preview is ours: another browser, theirs or ours, finds nothing there.
    const auto our_csrf = us.token("/arrangor/import");
    auto staged = upload(us, multipart({{"csrf", our_csrf}, {"arrangor", our_org}, {"typ", "other"}, {"status", "published"}},
                                      {{"fil", "vår.ics", calendar_of(event("b@x", "Vårt möte", "20990312"))}}));
    BOOST_TEST_REQUIRE(staged.status == 303, staged.body.substr(0, 3000));
    const auto preview = preview_path(staged);
    BOOST_TEST(them.get(preview).status == 404);
    BOOST_TEST(them.post(preview, "csrf=" + csrf).status == 404);
    auto also_us = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    BOOST_TEST(also_us.get(preview).status == 404);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 0);
    BOOST_TEST(us.get(preview).status == 200);
}

BOOST_AUTO_TEST_CASE(directory_and_import_forms_without_the_token_or_from_another_origin_are_refused_and_write_nothing) {
    running_service s(kal::test::current_test_name());
    const auto ours = organisation(s, "Föreningen Egen");
    const auto our_venue = std::to_string(venue(s, ours, "Egen lokal"));
    auto b = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    const auto csrf = b.token("/arrangor/lokaler");
    const auto org = std::to_string(ours);
    const std::vector<std::pair<std::string, std::string>> forms = {
        {"/arrangor/organisationer/" + org, "typ=association&namn=Annat+namn"},
        {"/arrangor/natverk/ny", "typ=forum&namn=Nytt&agare=" + org},
        {"/arrangor/lokaler/ny", "namn=Ny+lokal&agare=" + org},
        {"/arrangor/lokaler/" + our_venue, "namn=Bytt+namn&agare=" + org},
    };
    const auto ics = calendar_of(event("c@x", "Mötet", "20990312"));
    const auto before = kal::test::dump_all_text(s.url);
    const auto counts = written(s);
    for (const auto& [path, body] : forms) {
        BOOST_TEST(b.post(path, body).status == 403, path << " without a token");
        BOOST_TEST(b.post(path, "csrf=" + std::string(64, 'a') + "&" + body).status == 403, path << " another token");
        BOOST_TEST(b.post(path, "csrf=" + csrf + "&" + body, {{"Sec-Fetch-Site", "cross-site"}}).status == 403, path);
        // Without Sec-Fetch-Site, Origin decides.
        auto h = header_map{{"Content-Type", "application/x-www-form-urlencoded"},
                            {"Accept", "text/html"},
                            {"Cookie", b.cookie_header()},
                            {"Origin", "https://evil.example"}};
        BOOST_TEST(s.client.request("POST", path, "csrf=" + csrf + "&" + body, h).status == 403, path << " Origin");
    }
    const std::vector<std::pair<std::string, std::string>> import_fields = {{"arrangor", org}, {"typ", "other"}, {"status", "published"}};
    BOOST_TEST(upload(b, multipart(import_fields, {{"fil", "a.ics", ics}})).status == 403);
    auto with_token = import_fields;
    with_token.insert(with_token.begin(), {"csrf", csrf});
    BOOST_TEST(upload(b, multipart(with_token, {{"fil", "a.ics", ics}}), {{"Sec-Fetch-Site", "cross-site"}}).status == 403);
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);
    BOOST_TEST(written(s) == counts);
    // The confirmation of a real preview is a form too.
    auto staged = upload(b, multipart(with_token, {{"fil", "a.ics", ics}}));
    const auto preview = preview_path(staged);
    BOOST_TEST(b.post(preview, "").status == 403);
    BOOST_TEST(b.post(preview, "csrf=" + csrf, {{"Sec-Fetch-Site", "cross-site"}}).status == 403);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 0);
    // With the token, each is saved.
    for (const auto& [path, body] : forms) BOOST_TEST(b.post(path, "csrf=" + csrf + "&" + body).status == 303, path);
    BOOST_TEST(b.post(preview, "csrf=" + csrf).status == 303);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 1);
}

BOOST_AUTO_TEST_CASE(an_ics_upload_is_previewed_without_importing_and_imported_by_the_previews_button) {
    running_service s(kal::test::current_test_name());
    const auto ours = organisation(s, "Föreningen Import");
    const auto org = std::to_string(ours);
    // A meeting of an earlier import, whose UID the file carries again with a new title.
    auto earlier = s.client.request("POST", "/api/v1/import?organisation=" + org,
                                    calendar_of(event("kvar@forening.example", "Gammalt namn", "20990310")),
                                    {{"Authorization", "Bearer " + s.admin_token}, {"Content-Type", "text/calendar"}});
    BOOST_TEST_REQUIRE(earlier.status == 201, earlier.body);
    auto b = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    const auto csrf = b.token("/arrangor/import");
    const auto ics = calendar_of(event("kvar@forening.example", "Nytt namn", "20990310") +
                                 event("ny@forening.example", "Årsmöte med fika", "20990317"));
    auto staged = upload(b, multipart({{"csrf", csrf}, {"arrangor", org}, {"typ", "stormote"}, {"status", "draft"}},
                                     {{"fil", "föreningen.ics", ics}}));
    BOOST_TEST(staged.status == 303);
    BOOST_TEST(staged.header("cache-control") == "no-store");
    const auto preview = preview_path(staged);
    // The preview says what would happen, and nothing has happened.
    auto page = b.get(preview);
    BOOST_TEST_REQUIRE(page.status == 200, page.body.substr(0, 2000));
    BOOST_TEST(page.header("cache-control") == "no-store");
    BOOST_TEST(page.header("referrer-policy") == "no-referrer");
    for (const char* said : {"föreningen.ics", "Nytt namn", "Årsmöte med fika", "Skapas", "Uppdateras",
                             "1 möten skapas och 1 uppdateras"})
        BOOST_TEST(page.body.find(said) != std::string::npos, said);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 1);
    BOOST_TEST(kal::test::count_rows(s.url, "staged_imports") == 1);
    auto [listed, items] = s.call("GET", "/api/v1/meetings?limit=50", nullptr, s.admin());
    BOOST_TEST_REQUIRE(items.at("items").as_array().size() == 1u);
    BOOST_TEST(items.at("items").at(0).at("title").as_string() == "Gammalt namn");
    // Looking again changes nothing either.
    BOOST_TEST(b.get("/en" + preview).status == 200);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 1);

    // The button imports the kept calendar: whatever else the form carries is not read.
    auto done = b.post(preview, "csrf=" + csrf + "&fil=" + std::string("BEGIN%3AVCALENDAR"));
    BOOST_TEST(done.status == 303);
    BOOST_TEST(done.header("location") == "/arrangor/import?skapade=1&uppdaterade=1");
    BOOST_TEST(b.get(done.header("location")).body.find("1 möten skapades och 1 uppdaterades") != std::string::npos);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 2);
    BOOST_TEST(kal::test::count_rows(s.url, "staged_imports") == 0);
    auto [status, all] = s.call("GET", "/api/v1/meetings?limit=50", nullptr, s.admin());
    std::set<std::string> titles;
    for (const auto& m : all.at("items").as_array()) titles.insert(std::string(m.at("title").as_string()));
    BOOST_TEST((titles == std::set<std::string>{"Nytt namn", "Årsmöte med fika"}));
    // The import is in each meeting's change log, by whoever confirmed it.
    for (const auto& m : all.at("items").as_array()) {
        auto log = b.get("/arrangor/moten/" + std::to_string(m.at("id").as_int64()) + "/andringar");
        BOOST_TEST(log.status == 200);
        const bool created = m.at("title").as_string() == "Årsmöte med fika";
        static const std::regex created_row(R"(<td>Test anna@example.org</td>\s*<th scope="row">Mötet skapades</th>)");
        static const std::regex renamed_row(
            R"(<td>Test anna@example.org</td>\s*<th scope="row">Mötet: rubrik</th>\s*<td>Gammalt namn</td>\s*<td>Nytt namn</td>)");
        BOOST_TEST(std::regex_search(log.body, created ? created_row : renamed_row), m.at("title").as_string());
    }
    // Used once: the same preview is gone.
    BOOST_TEST(b.get(preview).status == 404);
    BOOST_TEST(b.post(preview, "csrf=" + csrf).status == 404);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 2);

    // An expired preview imports nothing.
    auto again = upload(b, multipart({{"csrf", csrf}, {"arrangor", org}, {"typ", "other"}, {"status", "published"}},
                                    {{"fil", "sen.ics", calendar_of(event("sen@forening.example", "För sent", "20990324"))}}));
    const auto late = preview_path(again);
    run_sql(s.url, "UPDATE staged_imports SET expires_at = 1");
    BOOST_TEST(b.get(late).status == 404);
    BOOST_TEST(b.post(late, "csrf=" + csrf).status == 404);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 2);
}

BOOST_AUTO_TEST_CASE(a_bad_file_is_said_on_the_form_with_4xx_and_nothing_is_kept_or_imported) {
    running_service s(kal::test::current_test_name());
    const auto ours = organisation(s, "Föreningen Fel");
    const auto org = std::to_string(ours);
    auto b = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    const auto csrf = b.token("/arrangor/import");
    const std::vector<std::pair<std::string, std::string>> fields = {
        {"csrf", csrf}, {"arrangor", org}, {"typ", "other"}, {"status", "published"}};
    const auto counts = written(s);
    struct bad {
        std::string why;
        std::vector<std::tuple<std::string, std::string, std::string>> files;
        std::string said;
    };
    const std::string not_utf8 = std::string("BEGIN:VCALENDAR\r\n\xff\xfe\x00\x01", 21);
    const std::vector<bad> cases = {
        {"no file", {}, "Välj en kalenderfil."},
        {"an empty file", {{"fil", "tom.ics", ""}}, "Välj en kalenderfil."},
        {"not text", {{"fil", "bild.ics", not_utf8}}, "Filen är ingen kalenderfil: den är inte text."},
        {"too large", {{"fil", "stor.ics", std::string(600 * 1024, 'x')}}, "Filen är större än 512 kB."},
        {"two files", {{"fil", "a.ics", "x"}, {"fil", "b.ics", "y"}}, "Välj en fil, inte flera."},
        {"no events", {{"fil", "tom.ics", calendar_of("")}}, "Filen innehåller inga möten."},
        {"a repeating event",
         {{"fil", "serie.ics",
           calendar_of("BEGIN:VEVENT\r\nUID:r@x\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Varje vecka\r\n"
                       "DTSTART;TZID=Europe/Stockholm:20990312T180000\r\nDTEND;TZID=Europe/Stockholm:20990312T200000\r\n"
                       "RRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n")}},
         "UID r@x: mötet upprepas och importeras inte."},
        {"not a calendar", {{"fil", "brev.ics", "Hej! Det här är ett brev."}}, "Kalenderfilen kan inte importeras."},
    };
    for (const auto& c : cases) {
        auto r = upload(b, multipart(fields, c.files));
        BOOST_TEST(r.status == 422, c.why << ": " << r.status);
        BOOST_TEST(r.body.find("href=\"#import-fil\"") != std::string::npos, c.why);
        BOOST_TEST(r.body.find(c.said) != std::string::npos, c.why);
        BOOST_TEST(r.header("cache-control") == "no-store", c.why);
    }
    // No organisation chosen: said beside its field.
    auto none = upload(b, multipart({{"csrf", csrf}, {"typ", "other"}, {"status", "published"}},
                                   {{"fil", "a.ics", calendar_of(event("o@x", "Möte", "20990312"))}}));
    BOOST_TEST(none.status == 422);
    BOOST_TEST(none.body.find("href=\"#import-arrangor\"") != std::string::npos);
    // A body that is no multipart form at all is a 400, never a 500.
    for (const auto& [why, type, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"no boundary", "multipart/form-data", multipart(fields, {})},
             {"another boundary", "multipart/form-data; boundary=other", multipart(fields, {})},
             {"cut short", "multipart/form-data; boundary=" + boundary, multipart(fields, {}).substr(0, 60)},
             {"a part without a name", "multipart/form-data; boundary=" + boundary,
              "--" + boundary + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + boundary + "--\r\n"},
             {"a boundary of 71", "multipart/form-data; boundary=" + std::string(71, 'b'), multipart(fields, {})}}) {
        auto r = b.post("/arrangor/import", body, {}, type);
        BOOST_TEST(r.status == 400, why << ": " << r.status);
    }
    BOOST_TEST(written(s) == counts);
}

BOOST_AUTO_TEST_CASE(a_venue_change_is_logged_with_field_before_after_who_and_when_and_shown_on_its_pages) {
    running_service s(kal::test::current_test_name());
    const auto ours = organisation(s, "Föreningen Lokal");
    const auto org = std::to_string(ours);
    auto b = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    const auto csrf = b.token("/arrangor/lokaler/ny");
    // Made on the page, with every accessibility field.
    auto made = b.post("/arrangor/lokaler/ny", "csrf=" + csrf + "&namn=Samlingssalen&adress=Storgatan+1%0D%0A503+30+Bor%C3%A5s"
                                               "&platser=40&agare=" + org + "&trappfri=ja&toalett=ja"
                                               "&tillganglighet=Hiss+fr%C3%A5n+g%C3%A5rden&latitud=57%2C7210&longitud=12.9401");
    BOOST_TEST_REQUIRE(made.status == 303, made.body.substr(0, 3000));
    static const std::regex venue_path(R"(^/arrangor/lokaler/(\d+)\?sparat=1$)");
    std::smatch m;
    const auto location = made.header("location");
    BOOST_TEST_REQUIRE(std::regex_match(location, m, venue_path), location);
    const auto id = m[1].str();
    auto [status, stored] = s.call("GET", "/api/v1/venues/" + id, nullptr, {});
    BOOST_TEST_REQUIRE(status == 200);
    BOOST_TEST(stored.at("capacity").as_int64() == 40);
    BOOST_TEST(std::string(stored.at("address").as_string()).find("503 30 Borås") != std::string::npos);
    BOOST_TEST(stored.at("accessibility").at("step_free").as_bool());
    // A bad number is said beside its field, and nothing changes.
    auto wrong = b.post("/arrangor/lokaler/" + id, "csrf=" + csrf + "&namn=Samlingssalen&platser=m%C3%A5nga&agare=" + org +
                                                      "&latitud=200&longitud=12");
    BOOST_TEST(wrong.status == 422);
    BOOST_TEST(wrong.body.find("href=\"#lokal-platser\"") != std::string::npos);
    BOOST_TEST(wrong.body.find("href=\"#lokal-latitud\"") != std::string::npos);
    for (const char* not_a_place : {"nan", "inf", "1e400", "57%2C7%2C2"}) {
        auto r = b.post("/arrangor/lokaler/" + id, "csrf=" + csrf + "&namn=Samlingssalen&agare=" + org + "&latitud=" +
                                                      not_a_place + "&longitud=12");
        BOOST_TEST(r.status == 422, not_a_place);
        BOOST_TEST(r.body.find("href=\"#lokal-latitud\"") != std::string::npos, not_a_place);
    }
    BOOST_TEST(s.call("GET", "/api/v1/venues/" + id, nullptr, {}).second.at("capacity").as_int64() == 40);
    // The change: more places and a hearing loop.
    auto changed = b.post("/arrangor/lokaler/" + id, "csrf=" + csrf + "&namn=Samlingssalen&adress=Storgatan+1%0D%0A503+30+Bor%C3%A5s"
                                                        "&platser=60&agare=" + org + "&trappfri=ja&toalett=ja&horslinga=ja"
                                                        "&tillganglighet=Hiss+fr%C3%A5n+g%C3%A5rden&latitud=57.721&longitud=12.9401");
    BOOST_TEST_REQUIRE(changed.status == 303, changed.body.substr(0, 3000));
    auto page = b.get("/arrangor/lokaler/" + id + "?sparat=1");
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(page.header("cache-control") == "no-store");
    const auto log = page.body.substr(page.body.find("id=\"andringar\""));
    static const std::regex capacity_row(
        R"(<td>[^<]*\d{4}[^<]*</td>\s*<td>Test anna@example.org</td>\s*<th scope="row">Lokalen: antal platser</th>\s*<td>40</td>\s*<td>60</td>)");
    BOOST_TEST(std::regex_search(log, capacity_row), log.substr(0, 3000));
    static const std::regex loop_row(R"(<th scope="row">Lokalen: hörslinga</th>\s*<td>nej</td>\s*<td>ja</td>)");
    BOOST_TEST(std::regex_search(log, loop_row));
    BOOST_TEST(log.find("Lokalen skapades") != std::string::npos);
    // Unchanged fields are not logged (the latitude was given as 57,7210 and 57.721).
    BOOST_TEST(log.find("Lokalen: latitud") == std::string::npos);
    BOOST_TEST(kal::test::count_rows(s.url, "change_log") == 3);  // created, capacity, hearing loop
    // The meetings held there show it too.
    auto meeting = s.create("meetings",
                            json::object{{"type", "fro"}, {"title", "I salen"}, {"start", "2099-03-12T18:00"}, {"end", "2099-03-12T20:00"},
                                         {"organisation_id", ours}, {"venue_id", std::stoll(id)}, {"status", "published"}},
                            s.admin());
    auto meeting_log = b.get("/arrangor/moten/" + std::to_string(meeting.at("id").as_int64()) + "/andringar");
    BOOST_TEST(meeting_log.status == 200);
    BOOST_TEST(meeting_log.body.find("Lokalen: antal platser") != std::string::npos);
    // A change by the API's token says so.
    auto [patched, after] = s.call("PATCH", "/api/v1/venues/" + id, json::object{{"name", "Stora salen"}}, s.admin());
    BOOST_TEST_REQUIRE(patched == 200, after);
    auto by_token = b.get("/arrangor/lokaler/" + id);
    static const std::regex name_row(
        R"(<td>API-nyckel</td>\s*<th scope="row">Lokalen: namn</th>\s*<td>Samlingssalen</td>\s*<td>Stora salen</td>)");
    BOOST_TEST(std::regex_search(by_token.body, name_row));
}

BOOST_AUTO_TEST_CASE(a_series_changes_are_shown_on_the_series_page) {
    running_service s(kal::test::current_test_name());
    const auto ours = organisation(s, "Föreningen Serie");
    auto series = s.create("series",
                           json::object{{"type", "network"}, {"title", "Veckoträffen"}, {"start", "2099-03-03T18:00"},
                                        {"end", "2099-03-03T20:00"}, {"rrule", "FREQ=WEEKLY;COUNT=3"},
                                        {"organisation_id", ours}, {"status", "published"}},
                           s.admin());
    const auto id = std::to_string(series.at("id").as_int64());
    auto [patched, v] = s.call("PATCH", "/api/v1/series/" + id, json::object{{"title", "Tisdagsträffen"}}, s.admin());
    BOOST_TEST_REQUIRE(patched == 200, v);
    auto b = signed_in(s, invite(s, "anna@example.org", "organiser", ours));
    auto [listed, occurrences] = s.call("GET", "/api/v1/meetings?series=" + id, nullptr, s.admin());
    const auto second = std::to_string(occurrences.at("items").as_array().at(1).at("id").as_int64());
    const auto csrf = b.token("/arrangor/serier/" + id);
    BOOST_TEST(b.post("/arrangor/serier/" + id + "/hoppa-over/" + second, "csrf=" + csrf).status == 303);
    auto page = b.get("/arrangor/serier/" + id);
    BOOST_TEST_REQUIRE(page.status == 200);
    const auto log = page.body.substr(page.body.find("id=\"andringar\""));
    static const std::regex title_row(
        R"(<td>API-nyckel</td>\s*<th scope="row">Serien: rubrik</th>\s*<td>Veckoträffen</td>\s*<td>Tisdagsträffen</td>)");
    BOOST_TEST(std::regex_search(log, title_row), log.substr(0, 3000));
    static const std::regex skipped_row(
        R"(<td>Test anna@example.org</td>\s*<th scope="row">Ett tillfälle ströks</th>\s*<td>tisdag 10 mars 2099)");
    BOOST_TEST(std::regex_search(log, skipped_row), log.substr(0, 3000));
    BOOST_TEST(log.find("Serien skapades") != std::string::npos);
}
