// E-mail end to end (issue 5): the real service sends to a real SMTP server on loopback
// (aiosmtpd, tests/tools/smtp_sink.py), and what arrives is read back with Python's email
// package, python3-icalendar and ical.js, parsers nobody here wrote. Runs on the backend
// KAL_TEST_DB selects (ctest runs both).
#define BOOST_TEST_MODULE e2e_mail
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include "e2e_common.hpp"
#include "smtp_sink.hpp"

namespace json = boost::json;
using kal::test::received_mail;
using kal::test::running_service;
using kal::test::smtp_sink;

namespace {

const std::string source_dir = KAL_SOURCE_DIR;
const std::string sink_script = source_dir + "/tests/tools/smtp_sink.py";

std::map<std::string, std::string> mail_env(const std::string& smtp_url,
                                            std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env{{"KALENDARIUM_MAIL_SMTP_URL", smtp_url},
                                           {"KALENDARIUM_MAIL_POLL_INTERVAL", "50ms"},
                                           {"KALENDARIUM_MAIL_RETRY_INITIAL", "200ms"},
                                           {"KALENDARIUM_MAIL_RETRY_MAX", "500ms"},
                                           {"KALENDARIUM_MAIL_FROM_ADDRESS", "no-reply@kalendarium.example.se"},
                                           {"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "0"}};
    for (auto& [k, v] : extra) env[k] = v;
    return env;
}

constexpr auto& run = kal::test::run_command;  // e2e_common.hpp

std::string temp_file(const std::string& bytes, const std::string& ext) {
    static int n = 0;
    auto path = std::filesystem::temp_directory_path() /
                ("kal-mail-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ext);
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
}

// The message as Python's email package reads it (tests/tools/mail_inspect.py).
json::object inspect(const received_mail& m) {
    auto path = temp_file(m.bytes, ".eml");
    auto out = run("/usr/bin/python3 " + source_dir + "/tests/tools/mail_inspect.py " + path);
    std::filesystem::remove(path);
    return json::parse(out).as_object();
}

std::string value(const json::object& mail, const char* header) {
    auto v = mail.at("values").as_object().if_contains(header);
    return v ? std::string(v->as_string()) : std::string();
}

// The text/calendar alternative: its method parameter and body.
std::optional<std::pair<std::string, std::string>> calendar_part(const json::object& mail) {
    for (const auto& p : mail.at("parts").as_array()) {
        const auto& part = p.as_object();
        if (part.at("content_type").as_string() != "text/calendar") continue;
        if (!part.at("disposition").is_null() && part.at("disposition").as_string() == "attachment") continue;
        auto params = part.at("params").as_object();
        auto method = params.if_contains("method");
        return std::pair{method ? std::string(method->as_string()) : std::string(),
                         std::string(part.at("body").as_string())};
    }
    return std::nullopt;
}

// What python3-icalendar and ical.js read in an invitation; both must agree.
json::object read_invitation(const std::string& ics) {
    auto path = temp_file(ics, ".ics");
    auto py = json::parse(run("/usr/bin/python3 -c \"import icalendar, json, sys; "
                              "c = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read()); "
                              "e = c.walk('VEVENT'); "
                              "print(json.dumps({'method': str(c.get('METHOD')), 'n': len(e), "
                              "'uid': str(e[0].get('UID')), 'sequence': int(e[0].get('SEQUENCE', 0)), "
                              "'attendees': len(e[0].get('ATTENDEE', []) if isinstance(e[0].get('ATTENDEE'), list) "
                              "else [e[0].get('ATTENDEE')])}))\" " +
                              path))
                  .as_object();
    auto js = json::parse(run("node " + source_dir + "/tests/e2e/js/check_invitation.mjs " + path)).as_object();
    std::filesystem::remove(path);
    BOOST_TEST(py.at("method").as_string() == js.at("method").as_string());
    BOOST_TEST(py.at("n").as_int64() == 1);
    const auto& e = js.at("events").as_array().at(0).as_object();
    BOOST_TEST(py.at("uid").as_string() == e.at("uid").as_string());
    BOOST_TEST(py.at("sequence").as_int64() == e.at("sequence").as_int64());
    BOOST_TEST(py.at("attendees").as_int64() == 1);
    BOOST_TEST(e.at("attendees").as_array().size() == 1u);
    return json::object{{"method", js.at("method")},
                        {"uid", e.at("uid")},
                        {"sequence", e.at("sequence")},
                        {"status", e.at("status")},
                        {"attendee", e.at("attendees").as_array().at(0)},
                        {"organizer", e.at("organizer")}};
}

std::int64_t create_meeting(running_service& s, std::int64_t org, const std::string& title, std::optional<int> capacity,
                            const std::string& start = "2099-03-12T18:00", const std::string& end = "2099-03-12T20:00",
                            const std::string& tz = "Europe/Stockholm", const std::string& description = "") {
    json::object body{
        {"type", "fro"},   {"title", title},         {"start", start},        {"end", end},
        {"time_zone", tz}, {"organisation_id", org}, {"status", "published"}, {"description", description}};
    if (capacity) body["capacity"] = *capacity;
    return s.create("meetings", body, s.admin()).at("id").as_int64();
}

std::int64_t sign_up(running_service& s, std::int64_t meeting, const std::string& name, const std::string& email,
                     const std::string& language = "sv") {
    auto [status, v] =
        s.call("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps",
               json::object{{"name", name}, {"email", email}, {"language", language}, {"consent", true}}, {});
    BOOST_TEST_REQUIRE(status == 201, v);
    return v.at("id").as_int64();
}

std::string feed_uid(running_service& s, std::int64_t meeting) {
    auto feed = s.client.get("/feeds/meetings/" + std::to_string(meeting) + ".ics").body;
    auto at = feed.find("\r\nUID:");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    return feed.substr(at + 6, feed.find("\r\n", at + 6) - at - 6);
}

json::array messages_of(running_service& s, std::int64_t meeting) {
    auto [status, v] = s.call("GET", "/api/v1/meetings/" + std::to_string(meeting) + "/messages", nullptr, s.admin());
    BOOST_TEST_REQUIRE(status == 200, v);
    return v.at("items").as_array();
}

// Waits until `done` holds for the meeting's messages.
template <class Done>
json::array wait_messages(running_service& s, std::int64_t meeting, Done done,
                          std::chrono::seconds limit = std::chrono::seconds(20)) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        auto list = messages_of(s, meeting);
        if (done(list) || std::chrono::steady_clock::now() > until) return list;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

// "YYYY-MM-DDTHH:MM:SS" in UTC, `seconds` from now.
std::string utc_local(std::int64_t seconds) {
    std::time_t t = std::time(nullptr) + seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_recipient_gets_their_own_message_with_an_invitation_matching_the_feed) {
    smtp_sink sink(sink_script);
    running_service s(kal::test::current_test_name(), {}, mail_env(sink.url()));
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = create_meeting(s, org, "FRÖ-möte: Överenskommelsen", 1);
    auto anna = sign_up(s, meeting, "Anna Åberg", "anna@example.org");
    auto bo = sign_up(s, meeting, "Bo Ek", "bo@example.org", "en");
    auto uid = feed_uid(s, meeting);

    auto mails = sink.wait_for(2);
    BOOST_TEST_REQUIRE(mails.size() == 2u);
    std::map<std::string, json::object> by_to;
    for (const auto& m : mails) {
        BOOST_TEST(m.recipients.size() == 1u);  // one recipient per message, never a shared list
        auto parsed = inspect(m);
        BOOST_TEST(parsed.at("to").as_array().size() == 1u);
        BOOST_TEST(parsed.at("defects").as_array().empty(), json::serialize(parsed.at("defects")));
        BOOST_TEST(parsed.at("to").as_array()[0].at("addr").as_string() == m.recipients[0]);
        by_to[m.recipients[0]] = parsed;
    }
    // Anna has a seat: a Swedish confirmation with the invitation.
    const auto& a = by_to.at("anna@example.org");
    BOOST_TEST(value(a, "x-kalendarium-kind") == "confirmed");
    BOOST_TEST(value(a, "subject").find("FRÖ-möte: Överenskommelsen") != std::string::npos, value(a, "subject"));
    auto part = calendar_part(a);
    BOOST_TEST_REQUIRE(part.has_value());
    auto inv = read_invitation(part->second);
    BOOST_TEST(part->first == "REQUEST");
    BOOST_TEST(inv.at("method").as_string() == part->first);  // the MIME method is the body's METHOD
    BOOST_TEST(inv.at("uid").as_string() == uid);             // the same event as in every feed
    BOOST_TEST(inv.at("sequence").as_int64() == 0);
    BOOST_TEST(inv.at("attendee").as_string() == "mailto:anna@example.org");
    BOOST_TEST(inv.at("organizer").as_string() == "mailto:no-reply@kalendarium.example.se");
    // Bo waits, in English, without an invitation.
    const auto& b = by_to.at("bo@example.org");
    BOOST_TEST(value(b, "x-kalendarium-kind") == "waitlisted");
    BOOST_TEST(value(b, "subject").starts_with("You're on the waiting list"), value(b, "subject"));  // language en
    BOOST_TEST(value(a, "subject").starts_with("Du är anmäld"), value(a, "subject"));  // Swedish by default
    BOOST_TEST(!calendar_part(b).has_value());

    // Anna cancels: a confirmation with METHOD:CANCEL; Bo moves up and gets the invitation.
    auto [cs, cancelled] = s.call("GET", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps", nullptr, s.admin());
    (void)cs;
    (void)cancelled;
    auto list = s.call("GET", "/api/v1/meetings/" + std::to_string(meeting) + "/messages", nullptr, s.admin()).second;
    BOOST_TEST(list.at("items").as_array().size() == 2u);
    std::string anna_link;
    for (const auto& m : list.at("items").as_array()) BOOST_TEST(m.at("state").as_string() == "sent");
    // The links in Anna's message open pages: the meeting's, and her own page of the sign-up, whose
    // secret opens her sign-up in the API too.
    for (const auto& p : a.at("parts").as_array())
        if (p.at("content_type").as_string() == "text/plain") {
            auto body = std::string(p.at("body").as_string());
            const auto meeting_link = "/moten/" + std::to_string(meeting);
            const auto link_at = body.find(meeting_link);
            BOOST_TEST_REQUIRE(link_at != std::string::npos, body);
            BOOST_TEST(std::isspace(static_cast<unsigned char>(body.at(link_at + meeting_link.size()))), body);
            BOOST_TEST(body.find("/api/v1/") == std::string::npos, body);  // no link for people leads to JSON
            auto at = body.find("/anmalan/kalr_");
            BOOST_TEST_REQUIRE(at != std::string::npos, body);
            anna_link = body.substr(at, std::string("/anmalan/").size() + 48);
        }
    auto her_page = s.client.get(anna_link, {{"Accept", "text/html"}});
    BOOST_TEST(her_page.status == 200);
    BOOST_TEST(her_page.header("content-type") == "text/html; charset=utf-8");
    BOOST_TEST(her_page.body.find("Anna Åberg") != std::string::npos);
    auto meeting_page = s.client.get("/moten/" + std::to_string(meeting), {{"Accept", "text/html"}});
    BOOST_TEST(meeting_page.status == 200);
    auto api_link = "/api/v1/rsvp/" + anna_link.substr(std::string("/anmalan/").size());
    auto mine = s.call("GET", api_link, nullptr, {});
    BOOST_TEST_REQUIRE(mine.first == 200);
    BOOST_TEST(mine.second.at("id").as_int64() == anna);
    BOOST_TEST(s.client.request("POST", api_link + "/cancel").status == 200);
    mails = sink.wait_for(4);
    BOOST_TEST_REQUIRE(mails.size() == 4u);
    std::map<std::string, json::object> latest;
    for (std::size_t i = 2; i < mails.size(); ++i) latest[mails[i].recipients.at(0)] = inspect(mails[i]);
    BOOST_TEST(value(latest.at("anna@example.org"), "x-kalendarium-kind") == "rsvp_cancelled");
    BOOST_TEST(calendar_part(latest.at("anna@example.org"))->first == "CANCEL");
    BOOST_TEST(value(latest.at("bo@example.org"), "x-kalendarium-kind") == "promoted");
    BOOST_TEST(read_invitation(calendar_part(latest.at("bo@example.org"))->second).at("uid").as_string() == uid);

    // The time changes: Bo gets the updated REQUEST with the raised SEQUENCE.
    auto [ps, moved] = s.call("PATCH", "/api/v1/meetings/" + std::to_string(meeting),
                              json::object{{"start", "2099-03-12T19:00"}, {"end", "2099-03-12T21:00"}}, s.admin());
    BOOST_TEST_REQUIRE(ps == 200, moved);
    mails = sink.wait_for(5);
    BOOST_TEST_REQUIRE(mails.size() == 5u);
    auto changed = inspect(mails[4]);
    BOOST_TEST(value(changed, "x-kalendarium-kind") == "meeting_changed");
    auto changed_inv = read_invitation(calendar_part(changed)->second);
    BOOST_TEST(changed_inv.at("sequence").as_int64() == moved.at("sequence").as_int64());
    BOOST_TEST(changed_inv.at("sequence").as_int64() == 1);
    BOOST_TEST(changed_inv.at("uid").as_string() == uid);
    // It says what changed (Bo reads English): the time, not the place.
    const auto text_of = [](const json::object& mail) {
        for (const auto& p : mail.at("parts").as_array())
            if (p.at("content_type").as_string() == "text/plain") return std::string(p.at("body").as_string());
        return std::string();
    };
    BOOST_TEST(text_of(changed).find("The time is new.") != std::string::npos, text_of(changed));
    BOOST_TEST(text_of(changed).find("The place is new.") == std::string::npos, text_of(changed));
    // Then the place alone.
    auto [pl, placed] = s.call("PATCH", "/api/v1/meetings/" + std::to_string(meeting),
                               json::object{{"location", "Stadshuset, Kungsgatan 55"}}, s.admin());
    BOOST_TEST_REQUIRE(pl == 200, placed);
    mails = sink.wait_for(6);
    BOOST_TEST_REQUIRE(mails.size() == 6u);
    auto moved_place = inspect(mails[5]);
    BOOST_TEST(value(moved_place, "x-kalendarium-kind") == "meeting_changed");
    BOOST_TEST(text_of(moved_place).find("The place is new.") != std::string::npos, text_of(moved_place));
    BOOST_TEST(text_of(moved_place).find("The time is new.") == std::string::npos, text_of(moved_place));

    // Cancelled: METHOD:CANCEL with the next SEQUENCE, and the feed says the same.
    BOOST_TEST(s.client.request("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/cancel", "", s.admin())
                   .status == 200);
    mails = sink.wait_for(7);
    BOOST_TEST_REQUIRE(mails.size() == 7u);
    auto gone = inspect(mails[6]);
    BOOST_TEST(value(gone, "x-kalendarium-kind") == "meeting_cancelled");
    auto cancel = read_invitation(calendar_part(gone)->second);
    BOOST_TEST(cancel.at("method").as_string() == "CANCEL");
    BOOST_TEST(calendar_part(gone)->first == "CANCEL");
    BOOST_TEST(cancel.at("status").as_string() == "CANCELLED");
    BOOST_TEST(cancel.at("sequence").as_int64() == 3);
    std::set<std::string> ids;
    for (const auto& m : mails) BOOST_TEST(ids.insert(value(inspect(m), "message-id")).second);
    (void)bo;
}

// Deleting a meeting (or one occurrence of a series) with sign-ups tells each of them: a
// cancellation with METHOD:CANCEL for the UID they were invited to, although the meeting, its
// sign-ups and their rows in the outbox are gone when it is sent.
BOOST_AUTO_TEST_CASE(deleting_a_meeting_or_an_occurrence_with_sign_ups_sends_each_a_cancel) {
    smtp_sink sink(sink_script);
    running_service s(kal::test::current_test_name(), {}, mail_env(sink.url()));
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = create_meeting(s, org, "Samråd om lokaler", std::nullopt);
    const auto uid = feed_uid(s, meeting);
    sign_up(s, meeting, "Anna", "anna@example.org");
    sign_up(s, meeting, "Bo", "bo@example.org", "en");
    BOOST_TEST_REQUIRE(sink.wait_for(2).size() == 2u);  // their invitations
    BOOST_TEST(s.client.request("DELETE", "/api/v1/meetings/" + std::to_string(meeting), "", s.admin()).status == 204);
    auto mails = sink.wait_for(4);
    BOOST_TEST_REQUIRE(mails.size() == 4u);
    std::map<std::string, json::object> by_recipient;
    for (std::size_t i = 2; i < 4; ++i) by_recipient[mails[i].recipients.at(0)] = inspect(mails[i]);
    for (const auto& [who, mail] : by_recipient) {
        BOOST_TEST_CONTEXT(who) {
            BOOST_TEST(value(mail, "x-kalendarium-kind") == "meeting_cancelled");
            auto part = calendar_part(mail);
            BOOST_TEST_REQUIRE(part.has_value());
            BOOST_TEST(part->first == "CANCEL");
            auto cancel = read_invitation(part->second);
            BOOST_TEST(cancel.at("method").as_string() == "CANCEL");
            BOOST_TEST(cancel.at("uid").as_string() == uid);
            BOOST_TEST(cancel.at("status").as_string() == "CANCELLED");
            BOOST_TEST(cancel.at("sequence").as_int64() == 1);  // above the invitation's 0
        }
    }
    const auto text_of = [](const json::object& mail) {
        for (const auto& p : mail.at("parts").as_array())
            if (p.at("content_type").as_string() == "text/plain") return std::string(p.at("body").as_string());
        return std::string();
    };
    const auto& anna = by_recipient.at("anna@example.org");
    BOOST_TEST(std::string(anna.at("subject").as_string()).find("Samråd om lokaler") != std::string::npos);
    BOOST_TEST(text_of(anna).find("Anna") != std::string::npos, text_of(anna));
    BOOST_TEST(text_of(anna).find("Borås Stad") != std::string::npos, text_of(anna));  // the organiser
    BOOST_TEST(text_of(anna).find("2099") != std::string::npos, text_of(anna));        // when it was
    BOOST_TEST(text_of(by_recipient.at("bo@example.org")).find("cancelled") != std::string::npos);

    // One occurrence of a series: the CANCEL names it by RECURRENCE-ID under the series' UID.
    json::object series{{"type", "fro"}, {"title", "Veckoträff"}, {"start", "2099-03-02T18:00"},
                        {"end", "2099-03-02T20:00"}, {"time_zone", "Europe/Stockholm"}, {"organisation_id", org},
                        {"status", "published"}, {"rrule", "FREQ=WEEKLY;COUNT=3"}};
    auto created = s.create("series", series, s.admin());
    auto [ls, occurrences] = s.call("GET", "/api/v1/meetings?series=" + std::to_string(created.at("id").as_int64()),
                                    nullptr, s.admin());
    BOOST_TEST_REQUIRE(occurrences.at("items").as_array().size() == 3u);
    auto second = occurrences.at("items").as_array().at(1).at("id").as_int64();
    sign_up(s, second, "Cia", "cia@example.org");
    BOOST_TEST_REQUIRE(sink.wait_for(5).size() == 5u);
    BOOST_TEST(s.client.request("DELETE", "/api/v1/meetings/" + std::to_string(second), "", s.admin()).status == 204);
    mails = sink.wait_for(6);
    BOOST_TEST_REQUIRE(mails.size() == 6u);
    auto occurrence_mail = inspect(mails[5]);
    BOOST_TEST(mails[5].recipients.at(0) == "cia@example.org");
    BOOST_TEST(value(occurrence_mail, "x-kalendarium-kind") == "meeting_cancelled");
    auto ics = calendar_part(occurrence_mail)->second;
    BOOST_TEST(ics.find("RECURRENCE-ID") != std::string::npos, ics);
    BOOST_TEST(read_invitation(ics).at("uid").as_string() == std::string(created.at("uid").as_string()));
    // The invitations' rows went with their meetings; the three cancellations outlived them.
    BOOST_TEST(kal::test::count_rows(s.url, "outbox") == 3);
}

BOOST_AUTO_TEST_CASE(names_and_titles_cannot_add_a_header_or_end_the_message) {
    smtp_sink sink(sink_script);
    running_service s(kal::test::current_test_name(), {}, mail_env(sink.url()));
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    // Titles and names are single lines (the API refuses CR and LF, checked below); what they can
    // still hold is header-like text. The description is multi-line: a lone "." line in it.
    auto meeting =
        create_meeting(s, org, "Möte Bcc: evil@example.org To: all@example.org", std::nullopt, "2099-03-12T18:00",
                       "2099-03-12T20:00", "Europe/Stockholm", "Rad ett\n.\nBcc: evil@example.org\n\n.\nSista raden");
    BOOST_TEST(
        s.call("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps",
               json::object{{"name", "Eva\r\nBcc: evil@example.org"}, {"email", "eva@example.org"}, {"consent", true}},
               {})
            .first == 422);
    sign_up(s, meeting, "Eva \"Bcc: evil@example.org\" <evil@example.org>, Ek", "eva@example.org");
    auto mails = sink.wait_for(1);
    BOOST_TEST_REQUIRE(mails.size() == 1u);
    BOOST_TEST((mails[0].recipients == std::vector<std::string>{"eva@example.org"}));
    auto parsed = inspect(mails[0]);
    std::set<std::string> headers;
    for (const auto& h : parsed.at("headers").as_array()) headers.insert(std::string(h.as_string()));
    BOOST_TEST(!headers.count("Bcc"));
    BOOST_TEST(!headers.count("Cc"));
    BOOST_TEST(parsed.at("to").as_array().size() == 1u);
    BOOST_TEST(parsed.at("to").as_array()[0].at("addr").as_string() == "eva@example.org");
    BOOST_TEST(value(parsed, "subject").find("Möte Bcc: evil@example.org To: all@example.org") != std::string::npos);
    // The whole message arrived: the invitation after the description's "." lines is there.
    auto part = calendar_part(parsed);
    BOOST_TEST_REQUIRE(part.has_value());
    BOOST_TEST(part->second.find("END:VCALENDAR") != std::string::npos);
    BOOST_TEST(read_invitation(part->second).at("method").as_string() == "REQUEST");
    // In the raw bytes the text may appear inside a quoted name or the subject, never as a line
    // of its own.
    const auto& raw = mails[0].bytes;
    for (const char* line : {"\r\nBcc:", "\r\nTo: all", "\r\n.\r\n"})
        BOOST_TEST(raw.find(line) == std::string::npos, line);
}

BOOST_AUTO_TEST_CASE(messages_wait_while_smtp_is_down_and_fail_visibly_after_the_give_up_time) {
    std::uint16_t port = 0;
    {
        smtp_sink first(sink_script);
        port = first.port();
    }  // now nothing listens on the port
    running_service s(kal::test::current_test_name(), {},
                      mail_env("smtp://127.0.0.1:" + std::to_string(port), {{"KALENDARIUM_MAIL_GIVE_UP_AFTER", "3s"}}));
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = create_meeting(s, org, "Samråd", std::nullopt);
    sign_up(s, meeting, "Anna", "anna@example.org");
    // Retried while the server is away.
    auto waiting = wait_messages(
        s, meeting, [](const json::array& l) { return l.size() == 1 && l[0].at("attempts").as_int64() >= 2; });
    BOOST_TEST_REQUIRE(waiting.size() == 1u);
    BOOST_TEST(waiting[0].at("state").as_string() != "sent");
    BOOST_TEST(!waiting[0].at("last_error").as_string().empty());
    // Back within the give-up time: it arrives.
    {
        smtp_sink back(sink_script, {"--port", std::to_string(port)});
        BOOST_TEST(back.wait_for(1).size() == 1u);
    }
    auto sent = wait_messages(s, meeting, [](const json::array& l) { return l[0].at("state").as_string() == "sent"; });
    BOOST_TEST(sent[0].at("state").as_string() == "sent");

    // Away for longer than the give-up time: failed, listed with the error, and a resend works.
    sign_up(s, meeting, "Bo", "bo@example.org");
    auto failed = wait_messages(
        s, meeting, [](const json::array& l) { return l.size() == 2 && l[1].at("state").as_string() == "failed"; });
    BOOST_TEST_REQUIRE(failed.size() == 2u);
    BOOST_TEST(failed[1].at("state").as_string() == "failed");
    BOOST_TEST(!failed[1].at("last_error").as_string().empty());
    auto id = failed[1].at("id").as_int64();
    BOOST_TEST(s.client
                   .request("POST", "/api/v1/messages/" + std::to_string(failed[0].at("id").as_int64()) + "/resend", "",
                            s.admin())
                   .status == 409);  // sent: not again
    smtp_sink again(sink_script, {"--port", std::to_string(port)});
    auto [rs, resent] = s.call("POST", "/api/v1/messages/" + std::to_string(id) + "/resend", nullptr, s.admin());
    BOOST_TEST(rs == 200, resent);
    auto mails = again.wait_for(1);
    BOOST_TEST_REQUIRE(mails.size() == 1u);
    BOOST_TEST(mails[0].recipients.at(0) == "bo@example.org");
    // An organiser of another organisation sees none of it.
    auto other = s.create("organisations", json::object{{"name", "Annan"}}, s.admin()).at("id").as_int64();
    auto stranger = kal::test::create_token(s.url, "organiser", "annan", std::to_string(other));
    BOOST_TEST(s.client.get("/api/v1/meetings/" + std::to_string(meeting) + "/messages", s.auth(stranger)).status ==
               403);
    BOOST_TEST(
        s.client.request("POST", "/api/v1/messages/" + std::to_string(id) + "/resend", "", s.auth(stranger)).status ==
        404);
}

namespace {

// n people sign up for a meeting far ahead (through the service without mail, so that nothing
// is written to the outbox), and the meeting is then moved so that its "2h" reminder falls due
// `due_in` seconds from now. The meeting is in UTC so that the test computes its local time simply.
std::int64_t meeting_with_reminders_due(running_service& s, int n, int due_in) {
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = create_meeting(s, org, "Stormöte", std::nullopt, "2099-11-26T13:00", "2099-11-26T16:00", "UTC");
    auto path = "/api/v1/meetings/" + std::to_string(meeting);
    BOOST_TEST_REQUIRE(
        s.call("PUT", path + "/reminders", json::object{{"offsets", json::array{"2h"}}}, s.admin()).first == 200);
    std::atomic<int> next{0}, failed{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 8; ++t)
        pool.emplace_back([&] {
            kal::test::http_client c(s.server.port());
            for (int i; (i = next++) < n;) {
                auto r = c.request("POST", path + "/rsvps",
                                   json::serialize(json::object{{"name", "Deltagare " + std::to_string(i)},
                                                                {"email", "d" + std::to_string(i) + "@example.org"},
                                                                {"consent", true}}));
                if (r.status != 201) ++failed;
            }
        });
    for (auto& t : pool) t.join();
    BOOST_TEST_REQUIRE(failed.load() == 0);
    auto [st, moved] =
        s.call("PATCH", path,
               json::object{{"start", utc_local(2 * 3600 + due_in)}, {"end", utc_local(3 * 3600 + due_in)}}, s.admin());
    BOOST_TEST_REQUIRE(st == 200, moved);
    return meeting;
}

std::map<std::string, int> count_by_message_id(const std::vector<received_mail>& mails) {
    std::map<std::string, int> out;
    for (const auto& m : mails) {
        auto at = m.bytes.find("\r\nMessage-ID: ");
        BOOST_TEST_REQUIRE(at != std::string::npos);
        ++out[m.bytes.substr(at + 14, m.bytes.find("\r\n", at + 14) - at - 14)];
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_crash_while_sending_a_thousand_reminders_loses_none_and_doubles_at_most_one) {
    running_service s(kal::test::current_test_name(), {}, {{"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "0"}});
    meeting_with_reminders_due(s, 1000, 1);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    smtp_sink sink(sink_script);
    auto env = mail_env(sink.url(), {{"KALENDARIUM_MAIL_CLAIM_TIMEOUT", "2s"}});
    {
        kal::test::server_process first(s.url, {}, env);
        auto some = sink.wait_for(150, std::chrono::seconds(60));
        BOOST_TEST_REQUIRE(some.size() >= 150u);
        first.kill_hard();  // kill -9 in the middle of the batch
    }
    auto at_kill = sink.messages().size();
    BOOST_TEST(at_kill < 1000u, "the crash came too late to test anything: " << at_kill);
    kal::test::server_process second(s.url, {}, env);
    std::map<std::string, int> ids;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < until) {
        ids = count_by_message_id(sink.messages());
        if (ids.size() >= 1000) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));  // anything more would arrive now
    auto all = sink.messages();
    ids = count_by_message_id(all);
    BOOST_TEST(ids.size() == 1000u);  // every reminder arrived
    int doubled = 0;
    for (const auto& [id, n] : ids) {
        BOOST_TEST(n <= 2, id);
        doubled += n - 1;
    }
    BOOST_TEST(doubled <= 1, doubled << " reminders arrived twice");
    std::set<std::string> recipients;
    for (const auto& m : all) recipients.insert(m.recipients.at(0));
    BOOST_TEST(recipients.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(two_instances_send_a_thousand_reminders_each_exactly_once) {
    running_service s(kal::test::current_test_name(), {}, {{"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "0"}});
    meeting_with_reminders_due(s, 1000, 1);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    smtp_sink sink(sink_script);
    auto env = mail_env(sink.url(), {{"KALENDARIUM_MAIL_BATCH_SIZE", "5"}});
    kal::test::server_process one(s.url, {}, env);
    kal::test::server_process two(s.url, {}, env);
    sink.wait_for(1000, std::chrono::seconds(90));
    std::this_thread::sleep_for(std::chrono::seconds(1));
    auto all = sink.messages();
    auto ids = count_by_message_id(all);
    BOOST_TEST(all.size() == 1000u);
    BOOST_TEST(ids.size() == 1000u);
    // Both instances took part (each connection says which peer port it came from; the
    // service's worker id is not in the mail, so count SMTP sessions instead).
    std::set<std::string> sessions;
    for (const auto& m : all) sessions.insert(m.session.substr(m.session.find("peer")));
    BOOST_TEST(sessions.size() >= 2u);
}

BOOST_AUTO_TEST_CASE(moving_a_meeting_moves_its_reminders_and_cancelling_it_cancels_them) {
    smtp_sink sink(sink_script);
    running_service s(kal::test::current_test_name(), {}, mail_env(sink.url()));
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = create_meeting(s, org, "Nätverksträff", std::nullopt, "2099-11-26T13:00", "2099-11-26T16:00", "UTC");
    auto cancelled = create_meeting(s, org, "Inställt", std::nullopt, "2099-11-27T13:00", "2099-11-27T16:00", "UTC");
    auto path = "/api/v1/meetings/" + std::to_string(meeting);
    auto other = "/api/v1/meetings/" + std::to_string(cancelled);
    for (const auto& p : {path, other})
        BOOST_TEST_REQUIRE(
            s.call("PUT", p + "/reminders", json::object{{"offsets", json::array{"2h"}}}, s.admin()).first == 200);
    // Bad offsets are named; the defaults show when the meeting has none of its own.
    for (const auto& [body, field] :
         std::vector<std::pair<std::string, std::string>>{{R"({"offsets": ["7x"]})", "offsets[0]"},
                                                          {R"({"offsets": "1d"})", "offsets"},
                                                          {R"({})", "offsets"},
                                                          {R"({"offsets": ["1d", 2]})", "offsets[1]"},
                                                          {R"({"offsets": ["91d"]})", "offsets[0]"},
                                                          {R"({"offsets": ["1d"], "x": 1})", "x"}}) {
        auto r = s.client.request("PUT", path + "/reminders", body, s.admin());
        BOOST_TEST(r.status == 422, body);
        BOOST_TEST(r.body.find("\"field\":\"" + field + "\"") != std::string::npos, body << ": " << r.body);
    }
    BOOST_TEST(s.client.request("PUT", path + "/reminders", R"({"offsets": ["1d"]})").status == 401);
    auto defaults =
        s.call("GET", "/api/v1/meetings/" + std::to_string(create_meeting(s, org, "FRÖ", std::nullopt)) + "/reminders",
               nullptr, {})
            .second;
    BOOST_TEST(json::serialize(defaults.at("effective")) == R"(["7d","1d"])");
    BOOST_TEST(defaults.at("offsets").is_null());
    sign_up(s, meeting, "Anna", "anna@example.org");
    sign_up(s, cancelled, "Bo", "bo@example.org");
    auto reminders_of = [&](std::int64_t m) {
        int n = 0;
        for (const auto& x : messages_of(s, m)) n += x.at("kind").as_string() == "reminder";
        return n;
    };
    auto move = [&](const std::string& p, int due_in) {
        auto [st, v] = s.call(
            "PATCH", p, json::object{{"start", utc_local(2 * 3600 + due_in)}, {"end", utc_local(3 * 3600 + due_in)}},
            s.admin());
        BOOST_TEST_REQUIRE(st == 200, v);
    };
    // Due in 3 s, then moved an hour later before that: no reminder at the old time.
    move(path, 3);
    move(path, 3600);
    // Due in 3 s, then cancelled: no reminder, a cancellation instead.
    move(other, 3);
    BOOST_TEST(s.client.request("POST", other + "/cancel", "", s.admin()).status == 200);
    std::this_thread::sleep_for(std::chrono::seconds(6));
    BOOST_TEST(reminders_of(meeting) == 0);
    BOOST_TEST(reminders_of(cancelled) == 0);
    bool cancel_sent = false;
    for (const auto& x : messages_of(s, cancelled))
        cancel_sent =
            cancel_sent || (x.at("kind").as_string() == "meeting_cancelled" && x.at("state").as_string() == "sent");
    BOOST_TEST(cancel_sent);
    // Moved so that it is due in 2 s: the reminder comes at the new time.
    move(path, 2);
    auto list = wait_messages(s, meeting, [](const json::array& l) {
        for (const auto& x : l)
            if (x.at("kind").as_string() == "reminder" && x.at("state").as_string() == "sent") return true;
        return false;
    });
    std::optional<received_mail> reminder;
    for (const auto& m : sink.messages())
        if (m.bytes.find("X-Kalendarium-Kind: reminder") != std::string::npos) reminder = m;
    BOOST_TEST_REQUIRE(reminder.has_value());
    BOOST_TEST(reminder->recipients.at(0) == "anna@example.org");
    // Its cancel link leads to the holder's page, whose button cancels the sign-up (GET changes
    // nothing).
    auto parsed = inspect(*reminder);
    std::string link;
    for (const auto& p : parsed.at("parts").as_array())
        if (p.at("content_type").as_string() == "text/plain") {
            auto body = std::string(p.at("body").as_string());
            auto at = body.find("/anmalan/kalr_");
            BOOST_TEST_REQUIRE(at != std::string::npos, body);
            BOOST_TEST(body.find("/anmalan/kalr_", at + 1) != std::string::npos, body);  // see or change, and cancel
            link = body.substr(at, 9 + 48);
        }
    auto page = s.client.get(link);
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");
    BOOST_TEST(page.body.find("<html lang=\"sv\">") != std::string::npos);
    BOOST_TEST(page.body.find("action=\"" + link + "/avboka\"") != std::string::npos);
    BOOST_TEST(s.client.get(link).status == 200);  // still signed up after any number of GETs
    // The button's form, with the page's form token and its cookie.
    auto cookie = page.header("set-cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    auto field = page.body.find("name=\"csrf\" value=\"");
    BOOST_TEST_REQUIRE(field != std::string::npos);
    auto token = page.body.substr(field + std::string("name=\"csrf\" value=\"").size(), 48);
    auto done = s.client.request("POST", link + "/avboka", "csrf=" + token,
                                 {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}});
    BOOST_TEST(done.status == 303);
    BOOST_TEST(done.header("location") == link);
    auto rsvps = s.call("GET", path + "/rsvps", nullptr, s.admin()).second.at("items").as_array();
    BOOST_TEST(rsvps.at(0).at("status").as_string() == "cancelled");
    BOOST_TEST(s.client.get("/anmalan/kalr_" + std::string(43, 'A')).status == 404);
}

BOOST_AUTO_TEST_CASE(starttls_and_a_login_are_used_when_configured) {
    // A certificate for 127.0.0.1, made for this test and trusted through mail.ca_file.
    auto dir = std::filesystem::temp_directory_path() / ("kal-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
        "-keyout " +
        key + " -out " + cert + " 2>&1");
    smtp_sink sink(sink_script, {"--tls-cert", cert, "--tls-key", key, "--auth-user", "kalendarium", "--auth-password",
                                 "hemligt lösenord"});
    running_service s(kal::test::current_test_name(), {},
                      mail_env(sink.url(), {{"KALENDARIUM_MAIL_TLS", "starttls"},
                                            {"KALENDARIUM_MAIL_CA_FILE", cert},
                                            {"KALENDARIUM_MAIL_USERNAME", "kalendarium"},
                                            {"KALENDARIUM_MAIL_PASSWORD", "hemligt lösenord"}}));
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = create_meeting(s, org, "Samråd", std::nullopt);
    sign_up(s, meeting, "Anna", "anna@example.org");
    auto mails = sink.wait_for(1);
    BOOST_TEST_REQUIRE(mails.size() == 1u);
    BOOST_TEST(mails[0].session.find("tls yes") != std::string::npos, mails[0].session);
    BOOST_TEST(mails[0].session.find("auth kalendarium") != std::string::npos, mails[0].session);

    // A wrong password: nothing is sent, the message waits with the refused login as its error
    // (a login problem is the operator's to fix, so it is retried, not given up at once), and it
    // says so at once, long before the 30 s timeout.
    running_service wrong(kal::test::current_test_name() + "_wrong", {},
                          mail_env(sink.url(), {{"KALENDARIUM_MAIL_TLS", "starttls"},
                                                {"KALENDARIUM_MAIL_CA_FILE", cert},
                                                {"KALENDARIUM_MAIL_USERNAME", "kalendarium"},
                                                {"KALENDARIUM_MAIL_PASSWORD", "fel"},
                                                {"KALENDARIUM_MAIL_TIMEOUT", "30s"}}));
    auto org2 = wrong.create("organisations", json::object{{"name", "Borås Stad"}}, wrong.admin()).at("id").as_int64();
    auto meeting2 = create_meeting(wrong, org2, "Samråd", std::nullopt);
    sign_up(wrong, meeting2, "Bo", "bo@example.org");
    // What the attempt ended with tells "at once" from "after the timeout" (which would be
    // recorded as a timeout, not as a refused login); no clock is read.
    auto list = wait_messages(wrong, meeting2, [](const json::array& l) {
        return !l.empty() && !l[0].at("last_error").as_string().empty();
    }, std::chrono::seconds(40));
    BOOST_TEST_REQUIRE(list.size() == 1u);
    BOOST_TEST(list[0].at("state").as_string() != "sent", list[0]);
    BOOST_TEST(std::string(list[0].at("last_error").as_string()).find("login refused") != std::string::npos, list[0]);
    BOOST_TEST(wrong.server.log().find("\"event\":\"mail_login_refused\"") != std::string::npos);
    // An unknown certificate authority: refused, nothing sent in clear.
    running_service untrusted(kal::test::current_test_name() + "_untrusted", {},
                              mail_env(sink.url(), {{"KALENDARIUM_MAIL_TLS", "starttls"},
                                                    {"KALENDARIUM_MAIL_USERNAME", "kalendarium"},
                                                    {"KALENDARIUM_MAIL_PASSWORD", "hemligt lösenord"},
                                                    {"KALENDARIUM_MAIL_TIMEOUT", "3s"}}));
    auto org3 =
        untrusted.create("organisations", json::object{{"name", "Borås Stad"}}, untrusted.admin()).at("id").as_int64();
    auto meeting3 = create_meeting(untrusted, org3, "Samråd", std::nullopt);
    sign_up(untrusted, meeting3, "Cia", "cia@example.org");
    auto refused = wait_messages(
        untrusted, meeting3,
        [](const json::array& l) { return !l.empty() && !l[0].at("last_error").as_string().empty(); },
        std::chrono::seconds(40));
    BOOST_TEST_REQUIRE(refused.size() == 1u);
    BOOST_TEST(refused[0].at("state").as_string() != "sent");
    BOOST_TEST(sink.messages().size() == 1u);  // only Anna's
    std::filesystem::remove_all(dir);
}

// mail.template_dir: the operator's templates are checked before the service listens (exit 2,
// naming the file and the name), and ones that pass are what the mails are made of.
BOOST_AUTO_TEST_CASE(operators_templates_are_checked_at_start_and_then_used_file_by_file) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("kal-mail-templates-" + std::to_string(::getpid()) + "-" + kal::test::current_test_name());
    const auto write = [&](const std::string& name, const std::string& text) {
        std::filesystem::create_directories((dir / name).parent_path());
        std::ofstream(dir / name, std::ios::binary) << text;
    };
    const auto start = [&](const std::string& name) {
        return kal::test::run_kalendarium(
            {"serve", "--port", "0", "--db", kal::test::fresh_database_url(name)},
            mail_env("smtp://127.0.0.1:9", {{"KALENDARIUM_MAIL_TEMPLATE_DIR", dir.string()}}));
    };
    write("sv/reminder.txt", "Hej {{recipient_name}}!\n{{meeting_titel}}\n");
    auto r = start("templates_unknown");
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find("mail.template_dir") != std::string::npos, r.err);
    BOOST_TEST(r.err.find((dir / "sv" / "reminder.txt").string() + ": line 2: unknown variable \"meeting_titel\"") !=
                   std::string::npos,
               r.err);
    std::filesystem::remove_all(dir);
    write("layout.html", "{{%AUTOESCAPE context=\"HTML\"}}\n{{#never_closed}}\n{{>content}}\n");
    r = start("templates_broken");
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find((dir / "layout.html").string() + ": does not parse") != std::string::npos, r.err);
    std::filesystem::remove_all(dir);

    write("sv/confirmed.subject", "Välkommen till {{meeting_title}}\n");
    write("layout.html",
          "{{%AUTOESCAPE context=\"HTML\"}}\n<!DOCTYPE html>\n<html lang=\"{{language}}\">"
          "<title>{{subject}}</title><p class=\"operator\">Borås Stad</p>\n{{>content}}\n</html>\n");
    smtp_sink sink(sink_script);
    running_service s(kal::test::current_test_name(), {},
                      mail_env(sink.url(), {{"KALENDARIUM_MAIL_TEMPLATE_DIR", dir.string()}}));
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = create_meeting(s, org, "Möte <i>", std::nullopt);
    sign_up(s, meeting, "Anna", "anna@example.org");
    sign_up(s, meeting, "Bo", "bo@example.org", "en");
    auto mails = sink.wait_for(2);
    BOOST_TEST_REQUIRE(mails.size() == 2u);
    for (const auto& m : mails) {
        const auto parsed = inspect(m);
        const bool swedish = m.recipients.at(0) == "anna@example.org";
        BOOST_TEST(value(parsed, "subject") == (swedish ? "Välkommen till Möte <i>" : "You're signed up: Möte <i>"));
        std::string html;
        for (const auto& p : parsed.at("parts").as_array())
            if (p.at("content_type").as_string() == "text/html") html = std::string(p.at("body").as_string());
        BOOST_TEST(html.find("<p class=\"operator\">Borås Stad</p>") != std::string::npos, html);  // both languages
        BOOST_TEST(html.find("Möte &lt;i&gt;") != std::string::npos, html);
        BOOST_TEST(html.find("<i>") == std::string::npos, html);
    }
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(the_holder_changes_the_language_of_their_mail_and_later_mail_comes_in_it) {
    smtp_sink sink(sink_script);
    running_service s(kal::test::current_test_name(), {}, mail_env(sink.url()));
    auto org = s.create("organisations", json::object{{"name", "Borås Stad"}}, s.admin()).at("id").as_int64();
    auto meeting = create_meeting(s, org, "Dialogmöte", 10);
    auto [status, v] =
        s.call("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/rsvps",
               json::object{{"name", "Anna Åberg"}, {"email", "anna@example.org"}, {"consent", true}}, {});
    BOOST_TEST_REQUIRE(status == 201, v);
    BOOST_TEST(v.at("language").as_string() == "sv");
    const std::string manage(v.at("manage_url").as_string());
    const auto api_link = "/api/v1/rsvp/" + manage.substr(manage.rfind('/') + 1);
    auto mails = sink.wait_for(1);
    BOOST_TEST_REQUIRE(mails.size() == 1u);
    BOOST_TEST(value(inspect(mails[0]), "subject").starts_with("Du är anmäld"));

    // A language the service does not write is refused, naming the field, and changes nothing.
    auto [bad, problem] = s.call("PATCH", api_link, json::object{{"language", "de"}}, {});
    BOOST_TEST(bad == 422, problem);
    BOOST_TEST(json::serialize(problem).find("\"language\"") != std::string::npos, problem);
    BOOST_TEST(s.call("GET", api_link, nullptr, {}).second.at("language").as_string() == "sv");

    auto [ok, changed] = s.call("PATCH", api_link, json::object{{"language", "en"}}, {});
    BOOST_TEST_REQUIRE(ok == 200, changed);
    BOOST_TEST(changed.at("language").as_string() == "en");
    BOOST_TEST(changed.at("party_size").as_int64() == 1);  // what was not sent stays

    // The next message to her, the meeting's cancellation, is English.
    BOOST_TEST(
        s.client.request("POST", "/api/v1/meetings/" + std::to_string(meeting) + "/cancel", "", s.admin()).status ==
        200);
    mails = sink.wait_for(2);
    BOOST_TEST_REQUIRE(mails.size() == 2u);
    auto gone = inspect(mails[1]);
    BOOST_TEST(value(gone, "x-kalendarium-kind") == "meeting_cancelled");
    BOOST_TEST(value(gone, "subject") == "Cancelled: Dialogmöte", value(gone, "subject"));
}
