#define BOOST_TEST_MODULE ical_invitation
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "kal/calendar/ical.hpp"
#include "kal/calendar/time.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

// Invitations (iTIP, RFC 5546) are read back by python3-icalendar, a parser we did not write, and
// their VEVENT is compared with the one render_feed writes for the same event.

namespace cal = kal::calendar;
namespace json = boost::json;

namespace {

cal::event meeting() {
    cal::event e;
    e.uid = "meeting-17@kalendarium.boras.se";
    e.sequence = 4;
    e.stamp_utc = 1767225600;
    e.created_utc = 1764547200;
    e.start_local = "2026-03-05T18:00:00";
    e.end_local = "2026-03-05T20:00:00";
    e.tzid = "Europe/Stockholm";
    e.summary = "FRÖ-möte: Kraftens Hus";
    e.description = "Välkommen!\nWelcome!";
    e.location = "Kraftens Hus, Borås";
    e.url = "https://kalendarium.boras.se/moten/17";
    e.organizer = cal::organizer{"Föreningen Kraften", "kraften@example.se"};
    return e;
}

cal::invitation request_for(cal::event e) {
    cal::invitation inv;
    inv.method = "REQUEST";
    inv.prodid = "-//Borås Stad//Kalendarium//SV";
    inv.ev = std::move(e);
    inv.organizer = cal::organizer{"Kalendarium, Borås Stad", "no-reply@kalendarium.boras.se"};
    inv.to = cal::attendee{"Åsa Lind", "asa.lind@example.se"};
    return inv;
}

// Runs tests/tools/ics_inspect.py on the text and parses what it prints.
json::object inspect(const std::string& ics) {
    const auto path =
        std::filesystem::temp_directory_path() / ("kal_ical_invitation_" + std::to_string(::getpid()) + ".ics");
    {
        std::ofstream out(path, std::ios::binary);
        out << ics;
    }
    const std::string command =
        "/usr/bin/python3 " KAL_SOURCE_DIR "/tests/tools/ics_inspect.py " + path.string() + " 2>&1";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_TEST_REQUIRE(pipe != nullptr);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    const int status = ::pclose(pipe);
    std::filesystem::remove(path);
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    BOOST_TEST_INFO(output);
    BOOST_TEST_REQUIRE(WEXITSTATUS(status) == 0);
    return json::parse(output).as_object();
}

const json::object& only_event(const json::object& calendar) {
    const auto& events = calendar.at("events").as_array();
    BOOST_TEST_REQUIRE(events.size() == 1u);
    return events.front().as_object();
}

std::string_view vevent_block(std::string_view ics) {
    const auto begin = ics.find("BEGIN:VEVENT\r\n");
    const auto end = ics.find("END:VEVENT\r\n");
    BOOST_TEST_REQUIRE(begin != std::string_view::npos);
    BOOST_TEST_REQUIRE(end != std::string_view::npos);
    return ics.substr(begin, end - begin + 12);
}

std::string unfold(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

std::size_t count(std::string_view text, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(request_is_read_back_with_method_uid_sequence_organizer_and_one_attendee) {
    const std::string ics = cal::render_invitation(request_for(meeting()));
    const json::object calendar = inspect(ics);
    BOOST_TEST(calendar.at("method").as_string() == "REQUEST");
    BOOST_TEST(calendar.at("timezones").as_array().size() == 1u);
    BOOST_TEST(calendar.at("timezones").as_array().front().as_string() == "Europe/Stockholm");

    const json::object& ev = only_event(calendar);
    BOOST_TEST(ev.at("uid").as_string() == "meeting-17@kalendarium.boras.se");
    BOOST_TEST(ev.at("sequence").as_int64() == 4);
    BOOST_TEST(ev.at("status").as_string() == "CONFIRMED");
    BOOST_TEST(ev.at("summary").as_string() == "FRÖ-möte: Kraftens Hus");
    BOOST_TEST(ev.at("dtstart").as_string() == "2026-03-05T18:00:00+01:00");
    BOOST_TEST(ev.at("dtstart_tzid").as_string() == "Europe/Stockholm");
    BOOST_TEST(ev.at("recurrence_id").is_null());
    // The event's own organizer gives way to the no-reply address that sends the message.
    BOOST_TEST(ev.at("organizer").as_string() == "mailto:no-reply@kalendarium.boras.se");
    BOOST_TEST(ev.at("organizer_params").as_object().at("CN").as_string() == "Kalendarium, Borås Stad");

    const auto& attendees = ev.at("attendees").as_array();
    BOOST_TEST_REQUIRE(attendees.size() == 1u);
    const auto& attendee = attendees.front().as_object();
    BOOST_TEST(attendee.at("value").as_string() == "mailto:asa.lind@example.se");
    const auto& params = attendee.at("params").as_object();
    BOOST_TEST(params.at("CN").as_string() == "Åsa Lind");
    BOOST_TEST(params.at("ROLE").as_string() == "REQ-PARTICIPANT");
    BOOST_TEST(params.at("PARTSTAT").as_string() == "ACCEPTED");
    BOOST_TEST(params.at("RSVP").as_string() == "FALSE");
}

BOOST_AUTO_TEST_CASE(cancel_has_status_cancelled_and_no_partstat) {
    cal::invitation inv = request_for(meeting());
    inv.method = "CANCEL";
    inv.ev.sequence = 5;
    const std::string ics = cal::render_invitation(inv);
    const json::object calendar = inspect(ics);
    BOOST_TEST(calendar.at("method").as_string() == "CANCEL");
    const json::object& ev = only_event(calendar);
    BOOST_TEST(ev.at("uid").as_string() == "meeting-17@kalendarium.boras.se");
    BOOST_TEST(ev.at("sequence").as_int64() == 5);
    BOOST_TEST(ev.at("status").as_string() == "CANCELLED");
    const auto& attendees = ev.at("attendees").as_array();
    BOOST_TEST_REQUIRE(attendees.size() == 1u);
    BOOST_TEST(!attendees.front().as_object().at("params").as_object().contains("PARTSTAT"));
    BOOST_TEST(count(ics, "STATUS:") == 1u);
}

BOOST_AUTO_TEST_CASE(occurrence_of_a_series_carries_recurrence_id_with_tzid) {
    cal::event occurrence = meeting();
    occurrence.recurrence_id = "2026-03-12T18:00:00";
    occurrence.start_local = "2026-03-12T19:00:00";
    occurrence.end_local = "2026-03-12T21:00:00";
    const std::string ics = cal::render_invitation(request_for(occurrence));
    BOOST_TEST(unfold(ics).find("\r\nRECURRENCE-ID;TZID=Europe/Stockholm:20260312T180000\r\n") != std::string::npos);
    const json::object calendar = inspect(ics);
    const json::object& ev = only_event(calendar);
    BOOST_TEST(ev.at("recurrence_id").as_string() == "2026-03-12T18:00:00+01:00");
    BOOST_TEST(ev.at("recurrence_id_tzid").as_string() == "Europe/Stockholm");
    BOOST_TEST(ev.at("dtstart").as_string() == "2026-03-12T19:00:00+01:00");
}

BOOST_AUTO_TEST_CASE(invitation_vevent_is_the_feed_vevent_plus_one_attendee_line) {
    const cal::invitation inv = request_for(meeting());
    const std::string invitation = cal::render_invitation(inv);

    cal::feed f;
    f.prodid = inv.prodid;
    f.events.push_back(inv.ev);
    f.events.back().organizer = inv.organizer;
    const std::string feed = cal::render_feed(f);

    std::string from_invitation(vevent_block(invitation));
    const auto attendee = from_invitation.find("ATTENDEE;");
    BOOST_TEST_REQUIRE(attendee != std::string::npos);
    from_invitation.erase(attendee, from_invitation.find("\r\nEND:VEVENT", attendee) + 2 - attendee);
    BOOST_TEST(from_invitation == std::string(vevent_block(feed)));
    // And the same VTIMEZONE, byte for byte.
    BOOST_TEST(invitation.find(cal::render_vtimezone("Europe/Stockholm")) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(attendee_name_cannot_break_out_of_its_quoted_parameter) {
    cal::invitation inv = request_for(meeting());
    inv.to.name = "Eve \"x\"\r\nATTENDEE:mailto:evil@example.org\r\n;CN=\x01";
    const std::string ics = cal::render_invitation(inv);
    BOOST_TEST(count(unfold(ics), "\r\nATTENDEE") == 1u);
    BOOST_TEST(unfold(ics).find("ATTENDEE;CN=\"Eve xATTENDEE:mailto:evil@example.org;CN=\";ROLE=") !=
               std::string::npos);
    const json::object calendar = inspect(ics);
    const json::object& ev = only_event(calendar);
    const auto& attendees = ev.at("attendees").as_array();
    BOOST_TEST_REQUIRE(attendees.size() == 1u);
    BOOST_TEST(attendees.front().as_object().at("value").as_string() == "mailto:asa.lind@example.se");
}

BOOST_AUTO_TEST_CASE(rendering_an_invitation_twice_is_byte_identical) {
    BOOST_TEST(cal::render_invitation(request_for(meeting())) == cal::render_invitation(request_for(meeting())));
}

BOOST_AUTO_TEST_CASE(unknown_method_or_missing_addresses_throw) {
    cal::invitation inv = request_for(meeting());
    inv.method = "PUBLISH";
    BOOST_CHECK_THROW(cal::render_invitation(inv), cal::error);
    inv = request_for(meeting());
    inv.to.email = "\r\n";
    BOOST_CHECK_THROW(cal::render_invitation(inv), cal::error);
    inv = request_for(meeting());
    inv.organizer.email.clear();
    BOOST_CHECK_THROW(cal::render_invitation(inv), cal::error);
}
