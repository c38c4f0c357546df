// Calendar feeds end to end: served by the real binary, read back by parsers nobody here wrote
// (ical.js from npm; python3-icalendar, vobject and recurring-ical-events from Debian) and by
// the project's byte-level lint.
#define BOOST_TEST_MODULE e2e_feeds
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::header_map;
using kal::test::running_service;

namespace {

const std::string source_dir = KAL_SOURCE_DIR;

struct command_result {
    int status = -1;
    std::string out;
};

command_result run(const std::string& command) {
    command_result r;
    FILE* p = ::popen(command.c_str(), "r");
    BOOST_TEST_REQUIRE(p != nullptr);
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string write_temp(const std::string& name, const std::string& bytes) {
    static auto dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("kal-feeds-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    auto path = dir / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
}

std::string join_paths(const std::vector<std::string>& files) {
    std::string out;
    for (const auto& f : files) out += " '" + f + "'";
    return out;
}

// Each parser's view of the files; the test fails when any parser refuses one.
json::array python_view(const std::vector<std::string>& files, const std::string& from, const std::string& to) {
    auto r = run("/usr/bin/python3 " + source_dir + "/tests/e2e/check_feed.py " + from + " " + to + join_paths(files));
    BOOST_TEST_REQUIRE(r.status == 0, "python parsers refused a feed: " << r.out);
    return json::parse(r.out).as_array();
}
json::array icaljs_view(const std::vector<std::string>& files) {
    auto r = run("node " + source_dir + "/tests/e2e/js/check_feed.mjs" + join_paths(files));
    BOOST_TEST_REQUIRE(r.status == 0, "ical.js refused a feed: " << r.out);
    return json::parse(r.out).as_array();
}
void lint(const std::vector<std::string>& files) {
    auto r = run("/usr/bin/python3 " + source_dir + "/tests/tools/ics_lint.py" + join_paths(files) + " 2>&1");
    BOOST_TEST(r.status == 0, "ics_lint: " << r.out);
}

std::string str(const json::value& v, const char* key) { return std::string(v.at(key).as_string()); }

// The last Sunday of a month, as "YYYY-MM-DD".
std::string last_sunday(int year, int month) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month;  // the first of the next month ...
    tm.tm_mday = 0;     // ... less one day: the last of this month
    tm.tm_hour = 12;
    std::time_t t = timegm(&tm);
    std::tm last{};
    gmtime_r(&t, &last);
    last.tm_mday -= last.tm_wday;
    t = timegm(&last);
    gmtime_r(&t, &last);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &last);
    return buf;
}

std::string add_days(const std::string& date, int days) {
    std::tm tm{};
    strptime(date.c_str(), "%Y-%m-%d", &tm);
    tm.tm_hour = 12;
    std::time_t t = timegm(&tm) + days * 86400;
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

int next_year() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900 + 1;
}

// A meeting body at local time in Stockholm.
json::object meeting(std::int64_t org, const std::string& title, const std::string& start, const std::string& end) {
    return json::object{{"type", "fro"},   {"title", title},           {"start", start}, {"end", end},
                        {"time_zone", "Europe/Stockholm"}, {"organisation_id", org}, {"status", "published"}};
}

// A service whose feeds reach far enough ahead for next year's daylight-saving changes.
struct feed_world {
    running_service s;
    std::int64_t org = 0, hidden_org = 0, network = 0, venue = 0;
    std::string org_slug, network_slug, venue_slug;
    int year = next_year();
    std::string spring = last_sunday(year, 3), autumn = last_sunday(year, 10);
    std::int64_t series_id = 0;
    std::string series_uid;
    std::vector<std::int64_t> dst_meetings;
    std::int64_t nasty = 0, cancelled = 0, draft = 0;
    std::string nasty_title = "FRÖ; möte, med \\ \"citat\": 🎉 ✓";
    std::string nasty_description;

    feed_world()
        : s(kal::test::current_test_name(), {},
            {{"KALENDARIUM_FEEDS_WINDOW_FUTURE_DAYS", "1100"}, {"KALENDARIUM_FEEDS_CHANGE_POLL_INTERVAL", "200ms"}}) {
        auto o = s.create("organisations",
                          json::object{{"name", "Föreningsrådet i Borås"},
                                       {"contact_email", "kansli@foreningsradet.example"},
                                       {"contact_public", true}},
                          s.admin());
        org = o.at("id").as_int64();
        org_slug = str(o, "slug");
        hidden_org = s.create("organisations",
                              json::object{{"name", "Hemliga föreningen"},
                                           {"contact_email", "hemlig.person@example.org"},
                                           {"contact_public", false}},
                              s.admin())
                         .at("id")
                         .as_int64();
        auto n = s.create("networks", json::object{{"name", "Nätverket för integration"}, {"kind", "interest_network"}},
                          s.admin());
        network = n.at("id").as_int64();
        network_slug = str(n, "slug");
        auto v = s.create("venues",
                          json::object{{"name", "Kulturhuset"},
                                       {"address", "P A Halls Terrass 1, Borås"},
                                       {"latitude", 57.7196},
                                       {"longitude", 12.937}},
                          s.admin());
        venue = v.at("id").as_int64();
        venue_slug = str(v, "slug");

        // 18:00 on the days either side of both changes.
        for (const auto& day : {add_days(spring, -1), add_days(spring, 1), add_days(autumn, -1), add_days(autumn, 1)}) {
            auto body = meeting(org, "Kvällsmöte " + day, day + "T18:00", day + "T20:00");
            body["network_ids"] = json::array{network};
            dst_meetings.push_back(s.create("meetings", body, s.admin()).at("id").as_int64());
        }
        nasty_description = "Rad ett; med, skiljetecken \\ och \"citat\": kolon\nRad två\r\nRad tre\rRad fyra 🚲 åäö ÅÄÖ\n" +
                            std::string(5000 - 90, 'x');
        auto nb = meeting(org, nasty_title, std::to_string(year) + "-05-05T18:00", std::to_string(year) + "-05-05T20:00");
        nb["description"] = nasty_description;
        nb["venue_id"] = venue;
        nasty = s.create("meetings", nb, s.admin()).at("id").as_int64();
        // The API keeps line breaks as LF: what the feed must give back exactly.
        nasty_description = str(s.call("GET", "/api/v1/meetings/" + std::to_string(nasty), nullptr, {}).second,
                                "description");

        // Sign-ups with personal data that must never reach a feed.
        for (int i = 0; i < 3; ++i) {
            auto r = s.client.request(
                "POST", "/api/v1/meetings/" + std::to_string(nasty) + "/rsvps",
                json::serialize(json::object{{"name", "Hemlig Deltagare " + std::to_string(i)},
                                             {"email", "hemlig.deltagare" + std::to_string(i) + "@example.org"},
                                             {"needs", "Rullstolsplats"},
                                             {"consent", true}}));
            BOOST_TEST_REQUIRE(r.status == 201, r.body);
        }

        cancelled = s.create("meetings", meeting(org, "Inställt möte", std::to_string(year) + "-06-01T18:00",
                                                 std::to_string(year) + "-06-01T19:00"),
                             s.admin())
                        .at("id")
                        .as_int64();
        BOOST_TEST_REQUIRE(s.call("POST", "/api/v1/meetings/" + std::to_string(cancelled) + "/cancel", nullptr,
                                  s.admin())
                               .first == 200);
        auto db = meeting(hidden_org, "Hemligt utkast", std::to_string(year) + "-06-02T18:00",
                          std::to_string(year) + "-06-02T19:00");
        db["status"] = "draft";
        draft = s.create("meetings", db, s.admin()).at("id").as_int64();
        s.create("meetings", meeting(hidden_org, "Möte utan offentlig kontakt", std::to_string(year) + "-06-03T18:00",
                                     std::to_string(year) + "-06-03T19:00"),
                 s.admin());

        // A weekly series across both changes, with an exception, an override and a
        // cancelled occurrence.
        auto first = add_days(spring, -4*7 + 2);  // a Tuesday four weeks before the spring change
        auto sb = meeting(org, "Nätverksträff", first + "T18:00", first + "T19:30");
        sb["type"] = "network";
        sb["network_ids"] = json::array{network};
        sb["rrule"] = "FREQ=WEEKLY;UNTIL=" + std::to_string(year) + "1201T000000Z";
        sb["exdates"] = json::array{add_days(first, 14) + "T18:00"};
        auto series = s.create("series", sb, s.admin());
        series_id = series.at("id").as_int64();
        series_uid = str(series, "uid");
        auto [st, occ] = s.call("GET", "/api/v1/meetings?limit=200&series=" + std::to_string(series_id), nullptr, {});
        BOOST_TEST_REQUIRE(st == 200);
        const auto& items = occ.at("items").as_array();
        BOOST_TEST_REQUIRE(items.size() > 20u);
        auto moved = items[5].at("id").as_int64();
        auto moved_day = str(items[5].at("start"), "local").substr(0, 10);
        BOOST_TEST_REQUIRE(s.call("PATCH", "/api/v1/meetings/" + std::to_string(moved),
                                  json::object{{"start", moved_day + "T19:00"},
                                               {"end", moved_day + "T20:30"},
                                               {"title", "Nätverksträff (flyttad)"}},
                                  s.admin())
                               .first == 200);
        BOOST_TEST_REQUIRE(s.call("POST", "/api/v1/meetings/" + std::to_string(items[7].at("id").as_int64()) + "/cancel",
                                  nullptr, s.admin())
                               .first == 200);
    }

    std::string fetch(const std::string& path, const header_map& h = {}) {
        auto r = s.client.get(path, h);
        BOOST_TEST_REQUIRE(r.status == 200, path << " gave " << r.status << " " << r.body);
        return r.body;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_feed_reads_back_in_every_parser_and_passes_the_lint) {
    feed_world w;
    auto token = w.s.call("POST", "/api/v1/feed-tokens",
                          json::object{{"name", "Mina möten"}, {"network_ids", json::array{w.network}}}, w.s.admin());
    BOOST_TEST_REQUIRE(token.first == 201);
    auto private_url = str(token.second, "url");
    auto private_path = private_url.substr(private_url.find("/feeds/"));
    std::vector<std::string> paths = {"/feeds/all.ics",
                                      "/feeds/types/fro.ics",
                                      "/feeds/types/network.ics",
                                      "/feeds/networks/" + w.network_slug + ".ics",
                                      "/feeds/organisations/" + w.org_slug + ".ics",
                                      "/feeds/venues/" + w.venue_slug + ".ics",
                                      "/feeds/meetings/" + std::to_string(w.nasty) + ".ics",
                                      "/feeds/custom.ics?type=fro&type=network&network=" + w.network_slug,
                                      private_path};
    std::vector<std::string> files;
    for (std::size_t i = 0; i < paths.size(); ++i)
        files.push_back(write_temp("feed" + std::to_string(i) + ".ics", w.fetch(paths[i])));
    lint(files);
    auto py = python_view(files, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z");
    auto js = icaljs_view(files);
    for (std::size_t i = 0; i < files.size(); ++i) {
        BOOST_TEST_CONTEXT(paths[i]) {
            BOOST_TEST(str(py[i], "vobject") == "ok");
            BOOST_TEST(!py[i].at("events").as_array().empty());
            for (const auto& e : js[i].at("events").as_array()) BOOST_TEST(!e.at("has_attendee").as_bool());
            for (const auto& e : py[i].at("events").as_array()) BOOST_TEST(!e.at("has_attendee").as_bool());
        }
    }
    // Drafts never appear; a cancelled meeting stays, marked.
    auto all = w.fetch("/feeds/all.ics");
    BOOST_TEST(all.find("Hemligt utkast") == std::string::npos);
    BOOST_TEST(all.find("INSTÄLLT: Inställt möte") != std::string::npos);
    // No attendee and no private contact in any feed.
    for (const auto& p : paths) {
        auto body = w.fetch(p);
        BOOST_TEST(body.find("ATTENDEE") == std::string::npos, p);
        BOOST_TEST(body.find("hemlig.person@example.org") == std::string::npos, p);
        // With sign-ups present: no attendee's name, address or needs in any feed.
        BOOST_TEST(body.find("hemlig.deltagare") == std::string::npos, p);
        BOOST_TEST(body.find("Hemlig Deltagare") == std::string::npos, p);
        BOOST_TEST(body.find("Rullstolsplats") == std::string::npos, p);
    }
    std::string unfolded;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        unfolded += all[i];
    }
    BOOST_TEST(unfolded.find("ORGANIZER;CN=\"Föreningsrådet i Borås\":mailto:kansli@foreningsradet.example") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(series_occurrences_in_the_feed_equal_the_api_instant_by_instant) {
    feed_world w;
    auto file = write_temp("series.ics", w.fetch("/feeds/networks/" + w.network_slug + ".ics"));
    auto py = python_view({file}, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z");
    std::vector<std::string> from_feed, from_api;  // "start/end" in UTC
    for (const auto& o : py[0].at("occurrences").as_array())
        if (str(o, "uid") == w.series_uid) from_feed.push_back(str(o, "start") + "/" + str(o, "end"));
    auto [st, occ] = w.s.call("GET", "/api/v1/meetings?limit=200&status=published&series=" + std::to_string(w.series_id),
                              nullptr, {});
    BOOST_TEST_REQUIRE(st == 200);
    for (const auto& m : occ.at("items").as_array())
        from_api.push_back(str(m.at("start"), "utc") + "/" + str(m.at("end"), "utc"));
    BOOST_TEST(from_feed.size() > 20u);
    BOOST_TEST(from_feed == from_api, boost::test_tools::per_element());
    // Across both changes the series stays at 18:00 local: 17:00Z in winter, 16:00Z in summer.
    std::set<std::string> utc_times;
    for (const auto& span : from_feed) utc_times.insert(span.substr(11, 9));
    BOOST_TEST(utc_times.count("17:00:00Z") == 1u);
    BOOST_TEST(utc_times.count("16:00:00Z") == 1u);
}

BOOST_AUTO_TEST_CASE(eighteen_oclock_either_side_of_each_change_reads_right_in_icaljs) {
    feed_world w;
    auto file = write_temp("dst.ics", w.fetch("/feeds/types/fro.ics"));
    auto js = icaljs_view({file});
    std::map<std::string, std::string> start_by_summary;
    for (const auto& e : js[0].at("events").as_array()) start_by_summary[str(e, "summary")] = str(e, "start");
    auto expect = [&](const std::string& day, const char* utc_time) {
        BOOST_TEST(start_by_summary["Kvällsmöte " + day] == day + "T" + utc_time, day);
    };
    expect(add_days(w.spring, -1), "17:00:00Z");  // CET
    expect(add_days(w.spring, 1), "16:00:00Z");   // CEST
    expect(add_days(w.autumn, -1), "16:00:00Z");  // CEST
    expect(add_days(w.autumn, 1), "17:00:00Z");   // CET
}

BOOST_AUTO_TEST_CASE(hard_texts_round_trip_exactly_through_icaljs) {
    feed_world w;
    auto file = write_temp("text.ics", w.fetch("/feeds/meetings/" + std::to_string(w.nasty) + ".ics"));
    auto js = icaljs_view({file});
    const auto& e = js[0].at("events").as_array().at(0);
    BOOST_TEST(str(e, "summary") == w.nasty_title);
    BOOST_TEST(str(e, "description") == w.nasty_description);
    BOOST_TEST(w.nasty_description.find('\r') == std::string::npos);
    BOOST_TEST(str(e, "location") == "Kulturhuset, P A Halls Terrass 1, Borås");
}

BOOST_AUTO_TEST_CASE(changes_raise_sequence_and_etag_and_an_unchanged_feed_answers_304) {
    feed_world w;
    auto path = "/feeds/types/fro.ics";
    auto first = w.s.client.get(path);
    BOOST_TEST_REQUIRE(first.status == 200);
    auto etag = first.header("etag");
    auto last_modified = first.header("last-modified");
    BOOST_TEST(etag.size() > 2u);
    BOOST_TEST(first.header("content-type") == "text/calendar; charset=utf-8");
    BOOST_TEST(first.header("content-disposition").starts_with("inline; filename="));
    BOOST_TEST(first.header("cache-control").find("max-age=3600") != std::string::npos);
    // Unchanged: byte-identical, and 304 for either validator.
    BOOST_TEST(w.s.client.get(path).body == first.body);
    auto not_modified = w.s.client.get(path, {{"If-None-Match", etag}});
    BOOST_TEST(not_modified.status == 304);
    BOOST_TEST(not_modified.body.empty());
    BOOST_TEST(not_modified.header("etag") == etag);
    BOOST_TEST(w.s.client.get(path, {{"If-Modified-Since", last_modified}}).status == 304);
    BOOST_TEST(w.s.client.get(path, {{"If-None-Match", "\"something-else\""}}).status == 200);
    // HEAD: the same headers, no body; no compression even when asked.
    auto head = w.s.client.request("HEAD", path);
    BOOST_TEST(head.status == 200);
    BOOST_TEST(head.header("etag") == etag);
    auto gz = w.s.client.get(path, {{"Accept-Encoding", "gzip"}});
    BOOST_TEST(gz.header("content-encoding").empty());

    // Move one meeting: a new ETag, 200 for the old one, and the event's SEQUENCE raised.
    auto id = std::to_string(w.dst_meetings[0]);
    auto day = add_days(w.spring, -1);
    BOOST_TEST_REQUIRE(w.s.call("PATCH", "/api/v1/meetings/" + id,
                                json::object{{"start", day + "T17:30"}, {"end", day + "T20:00"}}, w.s.admin())
                           .first == 200);
    auto changed = w.s.client.get(path, {{"If-None-Match", etag}});
    BOOST_TEST(changed.status == 200);
    BOOST_TEST(changed.header("etag") != etag);
    auto js = icaljs_view({write_temp("changed.ics", changed.body)});
    bool found = false;
    for (const auto& e : js[0].at("events").as_array())
        if (str(e, "summary") == "Kvällsmöte " + day) {
            found = true;
            BOOST_TEST(e.at("sequence").as_int64() == 1);
            BOOST_TEST(str(e, "start") == day + "T16:30:00Z");
        }
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(private_feeds_rotate_and_revoke_and_unknown_tokens_look_missing) {
    feed_world w;
    auto [st, t] = w.s.call("POST", "/api/v1/feed-tokens", json::object{{"name", "Min kalender"}, {"types", json::array{"fro"}}},
                            w.s.admin());
    BOOST_TEST_REQUIRE(st == 201);
    auto url = str(t, "url");
    auto path = url.substr(url.find("/feeds/"));
    BOOST_TEST(str(t, "webcal_url").starts_with("webcal://"));
    auto feed = w.fetch(path);
    BOOST_TEST(feed.find("Kvällsmöte") != std::string::npos);
    BOOST_TEST(feed.find("Nätverksträff") == std::string::npos);  // the saved filter holds
    auto missing = w.s.client.get("/feeds/private/kalf_" + std::string(43, 'A') + ".ics");
    auto malformed = w.s.client.get("/feeds/private/x.ics");
    auto nothing = w.s.client.get("/feeds/networks/no-such-network.ics");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(malformed.status == 404);
    BOOST_TEST(missing.body == nothing.body);
    BOOST_TEST(malformed.body == nothing.body);

    auto id = std::to_string(t.at("id").as_int64());
    auto [st2, rotated] = w.s.call("POST", "/api/v1/feed-tokens/" + id + "/rotate", nullptr, w.s.admin());
    BOOST_TEST_REQUIRE(st2 == 200);
    auto new_path = str(rotated, "url").substr(str(rotated, "url").find("/feeds/"));
    BOOST_TEST(new_path != path);
    BOOST_TEST(w.s.client.get(path).status == 404);
    BOOST_TEST(w.s.client.get(new_path).status == 200);
    BOOST_TEST(w.s.call("DELETE", "/api/v1/feed-tokens/" + id, nullptr, w.s.admin()).first == 204);
    BOOST_TEST(w.s.client.get(new_path).status == 404);
    // The token never appears in the list, only its filter.
    auto list = w.s.client.get("/api/v1/feed-tokens", w.s.admin());
    BOOST_TEST(list.body.find("kalf_") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(feed_list_names_every_feed_with_webcal_links) {
    feed_world w;
    auto [st, list] = w.s.call("GET", "/api/v1/feeds", nullptr, {});
    BOOST_TEST_REQUIRE(st == 200);
    std::set<std::string> urls;
    for (const auto& f : list.at("items").as_array()) {
        urls.insert(str(f, "url"));
        BOOST_TEST(str(f, "webcal_url").starts_with("webcal://"));
        BOOST_TEST(!str(f, "name").empty());
    }
    for (const auto& p : {"/feeds/all.ics", "/feeds/types/fro.ics"})
        BOOST_TEST(urls.count("http://127.0.0.1:8080" + std::string(p)) == 1u, p);
    for (const auto& u : urls) {
        auto path = u.substr(u.find("/feeds/"));
        BOOST_TEST(w.s.client.get(path).status == 200, path);
    }
}

BOOST_AUTO_TEST_CASE(import_creates_and_updates_by_uid_and_writes_nothing_when_anything_is_wrong) {
    running_service s(kal::test::current_test_name());
    auto org = s.create("organisations", json::object{{"name", "Importföreningen"}}, s.admin()).at("id").as_int64();
    auto target = "/api/v1/import?organisation=" + std::to_string(org);
    header_map h = s.admin();
    h["Content-Type"] = "text/calendar";
    const std::string good =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Outlook//EN\r\n"
        "BEGIN:VEVENT\r\nUID:import-1@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;TZID=W. Europe Standard Time:20270310T180000\r\nDTEND;TZID=W. Europe Standard Time:20270310T200000\r\n"
        "SUMMARY:Importerat möte\\, med komma\r\nDESCRIPTION:Rad ett\\nRad två\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:import-2@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20271126\r\nDTEND;VALUE=DATE:20271127\r\nSUMMARY:Heldag\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n";
    auto dry = s.client.request("POST", target + "&dry_run=true", good, h);
    BOOST_TEST_REQUIRE(dry.status == 200, dry.body);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 0);
    auto created = s.client.request("POST", target, good, h);
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 2);
    auto list = json::parse(s.client.get("/api/v1/meetings").body).at("items").as_array();
    BOOST_TEST(str(list[0], "title") == "Importerat möte, med komma");
    // Berlin and Stockholm share their offsets: 18:00 local is 17:00Z in March.
    BOOST_TEST(str(list[0].at("start"), "utc") == "2027-03-10T17:00:00Z");

    // The same UID again updates; the second import has a broken event, so nothing changes.
    std::string updated = good;
    updated.replace(updated.find("Importerat möte"), std::string("Importerat möte").size(), "Ändrat möte");
    auto again = s.client.request("POST", target, updated, h);
    BOOST_TEST_REQUIRE(again.status == 201, again.body);
    BOOST_TEST(kal::test::count_rows(s.url, "meetings") == 2);
    auto before = kal::test::dump_all_text(s.url);
    std::string broken = updated;
    broken.replace(broken.find("DTSTART;VALUE=DATE:20271126"), 27, "DTSTART;VALUE=DATE:20270230");
    broken.replace(broken.find("Ändrat möte"), std::string("Ändrat möte").size(), "Skulle inte sparas");
    auto refused = s.client.request("POST", target, broken, h);
    BOOST_TEST(refused.status == 422);
    BOOST_TEST(refused.header("content-type") == "application/problem+json");
    BOOST_TEST(refused.body.find("line") != std::string::npos);
    BOOST_TEST(kal::test::dump_all_text(s.url) == before);
    // Wrong media type, missing organisation.
    BOOST_TEST(s.client.request("POST", target, good, s.admin()).status == 415);
    BOOST_TEST(s.client.request("POST", "/api/v1/import", good, h).status == 400);
}

BOOST_AUTO_TEST_CASE(a_second_instance_sees_changes_within_the_poll_interval) {
    feed_world w;
    kal::test::server_process second(w.s.url, {}, {{"KALENDARIUM_FEEDS_CHANGE_POLL_INTERVAL", "200ms"},
                                                   {"KALENDARIUM_FEEDS_WINDOW_FUTURE_DAYS", "1100"}});
    kal::test::http_client other(second.port());
    auto before = other.get("/feeds/all.ics");
    BOOST_TEST_REQUIRE(before.status == 200);
    BOOST_TEST(before.body.find("Nytt via första instansen") == std::string::npos);
    w.s.create("meetings",
               meeting(w.org, "Nytt via första instansen", std::to_string(w.year) + "-04-01T10:00",
                       std::to_string(w.year) + "-04-01T11:00"),
               w.s.admin());
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto after = other.get("/feeds/all.ics", {{"If-None-Match", before.header("etag")}});
    BOOST_TEST(after.status == 200);
    BOOST_TEST(after.body.find("Nytt via första instansen") != std::string::npos);
}
