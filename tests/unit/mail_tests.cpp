#define BOOST_TEST_MODULE mail
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "kal/calendar/ical.hpp"
#include "kal/service/mail/message.hpp"
#include "kal/service/mail/qr.hpp"
#include "kal/service/mail/smtp.hpp"
#include "kal/service/mail/templates.hpp"
#include "smtp_sink.hpp"
#include "unit_support.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

// Rendered messages are read back by Python's email package (tests/tools/mail_inspect.py), a
// parser we did not write; sending goes to a real SMTP server (aiosmtpd, tests/tools/smtp_sink.py).

namespace mail = kal::service::mail;
namespace cal = kal::calendar;
namespace json = boost::json;
namespace fs = std::filesystem;

using namespace std::string_literals;

namespace {

const std::string tools = KAL_SOURCE_DIR "/tests/tools/";

using kal::test::temp_path;
using kal::test::write_file;

// What Python's email package reads in the message (tests/tools/mail_inspect.py).
json::object inspect(const std::string& raw) { return kal::test::run_python_tool("mail_inspect.py", raw); }

std::string str(const json::value& v) { return std::string(v.as_string()); }

// What the renderer promises for header text: every control character a space.
std::string controls_as_spaces(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) c = ' ';
    }
    return out;
}

// What the renderer promises for display names: controls and runs of spaces one space, trimmed.
std::string normalised_name(std::string_view text) {
    std::string out;
    for (char c : controls_as_spaces(text)) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// A display name read back: the whole name, or (when it had to be encoded) a prefix of at most
// 45 octets that ends between characters.
void check_name(const std::string& parsed, const std::string& input) {
    const std::string expected = normalised_name(input);
    BOOST_TEST_INFO("parsed name: " << parsed);
    BOOST_TEST(expected.starts_with(parsed));
    if (parsed != expected) {
        BOOST_TEST(parsed.size() <= 45u);
        BOOST_TEST(parsed.size() >= 41u);
    }
}

std::string crlf_lines(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (text[i] == '\n') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    return out;
}

mail::message sample_message() {
    mail::message m;
    m.from = {"Kalendarium, Borås Stad", "no-reply@kalendarium.boras.se"};
    m.reply_to = mail::address{"Föreningen Kraften", "kraften@example.se"};
    m.to = {"Åsa Lind", "asa.lind@example.se"};
    m.subject = "Påminnelse: FRÖ-möte – Överenskommelsen";
    m.message_id = "<rsvp-42.reminder.20260305@kalendarium.boras.se>";
    m.date_utc = 1772727000;  // 2026-03-05T16:10:00Z, a Thursday
    m.text = "Hej Åsa!\r\n\r\nVälkommen på torsdag.\r\n";
    m.html = "<!DOCTYPE html>\r\n<html lang=\"sv\"><title>Påminnelse</title><p>Hej Åsa!</p></html>\r\n";
    m.headers = {{"X-Kalendarium-Kind", "reminder"}};
    return m;
}

cal::invitation sample_invitation(std::string method) {
    cal::invitation inv;
    inv.method = std::move(method);
    inv.prodid = "-//Borås Stad//Kalendarium//SV";
    inv.ev.uid = "meeting-17@kalendarium.boras.se";
    inv.ev.sequence = 2;
    inv.ev.stamp_utc = 1767225600;
    inv.ev.created_utc = 1764547200;
    inv.ev.start_local = "2026-03-05T18:00:00";
    inv.ev.end_local = "2026-03-05T20:00:00";
    inv.ev.tzid = "Europe/Stockholm";
    inv.ev.summary = "FRÖ-möte: Kraftens Hus";
    inv.ev.location = "Kraftens Hus, Borås";
    inv.organizer = {"Kalendarium", "no-reply@kalendarium.boras.se"};
    inv.to = {"Åsa Lind", "asa.lind@example.se"};
    return inv;
}

// Every line ends with CRLF, holds at most 78 octets and only 7-bit characters.
void check_raw_lines(const std::string& raw) {
    BOOST_TEST_REQUIRE(raw.ends_with("\r\n"));
    std::size_t start = 0;
    while (start < raw.size()) {
        const std::size_t end = raw.find("\r\n", start);
        BOOST_TEST_REQUIRE(end != std::string::npos);
        const std::string_view line(raw.data() + start, end - start);
        BOOST_TEST_INFO("line: " << line);
        BOOST_TEST(line.size() <= 78u);
        BOOST_TEST(line.find('\r') == std::string_view::npos);
        BOOST_TEST(line.find('\n') == std::string_view::npos);
        bool seven_bit = true;
        for (char c : line) {
            const auto u = static_cast<unsigned char>(c);
            if (u >= 0x80 || u == 0 || (u < 0x20 && u != '\t')) seven_bit = false;
        }
        BOOST_TEST(seven_bit);
        BOOST_TEST(line != ".");
        start = end + 2;
    }
}

std::vector<std::string> header_names(const json::object& parsed) {
    std::vector<std::string> out;
    for (const auto& v : parsed.at("headers").as_array()) out.push_back(str(v));
    return out;
}

const std::vector<std::string> expected_headers = {"Date",         "From",           "To",
                                                   "Reply-To",     "Subject",        "Message-ID",
                                                   "MIME-Version", "Auto-Submitted", "X-Kalendarium-Kind",
                                                   "Content-Type"};

std::vector<json::object> parts_of(const json::object& parsed) {
    std::vector<json::object> out;
    for (const auto& p : parsed.at("parts").as_array()) out.push_back(p.as_object());
    return out;
}

std::string calendar_method_of(std::string_view ics) {
    const auto pos = ics.find("\r\nMETHOD:");
    if (pos == std::string_view::npos) return {};
    const auto start = pos + 9;
    return std::string(ics.substr(start, ics.find("\r\n", start) - start));
}

}  // namespace

// ---- messages -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(swedish_subject_and_names_round_trip_through_an_independent_parser) {
    const mail::message m = sample_message();
    const std::string raw = mail::render(m);
    check_raw_lines(raw);
    BOOST_TEST(raw.starts_with("Date: Thu, 05 Mar 2026 16:10:00 +0000\r\n"));
    const json::object parsed = inspect(raw);
    BOOST_TEST(parsed.at("defects").as_array().empty());
    BOOST_TEST(header_names(parsed) == expected_headers, boost::test_tools::per_element());
    BOOST_TEST(str(parsed.at("subject")) == m.subject);
    const auto& to = parsed.at("to").as_array();
    BOOST_TEST_REQUIRE(to.size() == 1u);
    BOOST_TEST(str(to[0].at("name")) == "Åsa Lind");
    BOOST_TEST(str(to[0].at("addr")) == "asa.lind@example.se");
    BOOST_TEST(str(parsed.at("from").as_array()[0].at("name")) == "Kalendarium, Borås Stad");
    BOOST_TEST(str(parsed.at("reply_to").as_array()[0].at("addr")) == "kraften@example.se");
    const auto& values = parsed.at("values").as_object();
    BOOST_TEST(str(values.at("auto-submitted")) == "auto-generated");
    BOOST_TEST(str(values.at("mime-version")) == "1.0");
    BOOST_TEST(str(values.at("message-id")) == m.message_id);
    BOOST_TEST(str(values.at("x-kalendarium-kind")) == "reminder");

    const auto parts = parts_of(parsed);
    BOOST_TEST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(str(parts[0].at("content_type")) == "multipart/alternative");
    BOOST_TEST(str(parts[1].at("content_type")) == "text/plain");
    BOOST_TEST(str(parts[1].at("params").at("charset")) == "utf-8");
    BOOST_TEST(str(parts[1].at("body")) == m.text);
    BOOST_TEST(str(parts[2].at("content_type")) == "text/html");
    BOOST_TEST(str(parts[2].at("body")) == m.html);
}

BOOST_AUTO_TEST_CASE(hostile_subjects_names_and_header_values_never_add_a_header) {
    const std::vector<std::string> hostile = {
        "\r\nBcc: evil@example.org",
        "Hej\r\nBcc: evil@example.org",
        "\nX-Injected: 1",
        "Möte\nX-Injected: 1\n\nbody",
        ".",
        "\r\n.\r\n",
        "a\r\n.\r\nRCPT TO:<evil@example.org>",
        "NUL\0inside"s,
        std::string(2000, 'a'),
        [] {
            std::string s;
            while (s.size() < 2000) s += "Överenskommelsen möts ";
            return s;
        }(),
        [] {
            std::string s;
            while (s.size() < 2000) s += "ö";
            return s;
        }(),
        [] {
            std::string s;
            while (s.size() < 2000) s += "word ";
            return s;
        }(),
        "Fest 🎉 för 👩‍👩‍👧 i Borås",
        "Say \"hi\" \\ to \"everyone\"",
        "=?UTF-8?B?RXZpbA==?=",
        "  spaced  out  ",
        "tab\there",
        "\x7f\x1b[31mred",
        "",
    };
    for (const auto& text : hostile) {
        BOOST_TEST_CONTEXT("input: " << controls_as_spaces(text.substr(0, 80))) {
            mail::message m = sample_message();
            m.subject = text;
            m.to.name = text;
            m.from.name = text;
            m.reply_to->name = text;
            m.headers = {{"X-Kalendarium-Kind", text}};
            const std::string raw = mail::render(m);
            check_raw_lines(raw);
            const json::object parsed = inspect(raw);
            BOOST_TEST(parsed.at("defects").as_array().empty());
            BOOST_TEST(header_names(parsed) == expected_headers, boost::test_tools::per_element());
            const std::string expected = controls_as_spaces(text);
            BOOST_TEST(str(parsed.at("subject")) == expected);
            BOOST_TEST(str(parsed.at("values").at("x-kalendarium-kind")) == expected);
            const auto& to = parsed.at("to").as_array();
            BOOST_TEST_REQUIRE(to.size() == 1u);
            BOOST_TEST(str(to[0].at("addr")) == "asa.lind@example.se");
            check_name(str(to[0].at("name")), text);
            BOOST_TEST(parsed.at("from").as_array().size() == 1u);
            BOOST_TEST(str(parsed.at("from").as_array()[0].at("addr")) == "no-reply@kalendarium.boras.se");
            check_name(str(parsed.at("from").as_array()[0].at("name")), text);
            check_name(str(parsed.at("reply_to").as_array()[0].at("name")), text);
        }
    }
}

BOOST_AUTO_TEST_CASE(bodies_decode_to_the_exact_input_whatever_they_hold) {
    mail::message m = sample_message();
    m.text = "Rad 1\r\n.\r\nRad 3\r\n\r\n.\r\nFrom me\r\n" + std::string(3000, 'x') + "\r\nNUL\0end 🎉\r\n"s;
    m.html = "<p>a</p>\r\n.\r\n<script>alert(1)</script>\r\n--=_kal_alt_\r\n";
    const std::string raw = mail::render(m);
    check_raw_lines(raw);
    const auto parts = parts_of(inspect(raw));
    BOOST_TEST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(str(parts[1].at("body")) == m.text);
    BOOST_TEST(str(parts[2].at("body")) == m.html);
}

BOOST_AUTO_TEST_CASE(line_breaks_of_bodies_become_crlf) {
    mail::message m = sample_message();
    m.text = "one\ntwo\rthree\r\nfour\n";
    m.html = "<p>\n</p>";
    const auto parts = parts_of(inspect(mail::render(m)));
    BOOST_TEST(str(parts[1].at("body")) == crlf_lines(m.text));
    BOOST_TEST(str(parts[1].at("body")) == "one\r\ntwo\r\nthree\r\nfour\r\n");
    BOOST_TEST(str(parts[2].at("body")) == "<p>\r\n</p>");
}

BOOST_AUTO_TEST_CASE(a_body_holding_the_boundary_itself_cannot_end_its_part) {
    mail::message m = sample_message();
    const std::string first = mail::render(m);
    const auto pos = first.find("boundary=\"");
    BOOST_TEST_REQUIRE(pos != std::string::npos);
    const std::string boundary = first.substr(pos + 10, first.find('"', pos + 10) - pos - 10);
    BOOST_TEST(boundary.find("=_") != std::string::npos);
    // Same Message-ID, same boundary: the body now holds its delimiter lines.
    m.text = "--" + boundary + "\r\nContent-Type: text/evil\r\n\r\n--" + boundary + "--\r\n";
    const std::string raw = mail::render(m);
    BOOST_TEST(raw.find("boundary=\"" + boundary + "\"") != std::string::npos);
    const auto parts = parts_of(inspect(raw));
    BOOST_TEST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(str(parts[1].at("body")) == m.text);
}

BOOST_AUTO_TEST_CASE(invitation_is_alternative_with_text_calendar_and_an_invite_ics_attachment) {
    for (const std::string method : {"REQUEST", "CANCEL"}) {
        BOOST_TEST_CONTEXT(method) {
            mail::message m = sample_message();
            const std::string ics = cal::render_invitation(sample_invitation(method));
            m.calendar = mail::calendar_part{method, ics};
            const std::string raw = mail::render(m);
            check_raw_lines(raw);
            const json::object parsed = inspect(raw);
            BOOST_TEST(parsed.at("defects").as_array().empty());
            BOOST_TEST(header_names(parsed) == expected_headers, boost::test_tools::per_element());
            const auto parts = parts_of(parsed);
            BOOST_TEST_REQUIRE(parts.size() == 6u);
            BOOST_TEST(str(parts[0].at("content_type")) == "multipart/mixed");
            BOOST_TEST(str(parts[1].at("content_type")) == "multipart/alternative");
            BOOST_TEST(str(parts[2].at("content_type")) == "text/plain");
            BOOST_TEST(str(parts[3].at("content_type")) == "text/html");
            BOOST_TEST(str(parts[4].at("content_type")) == "text/calendar");
            BOOST_TEST(str(parts[4].at("params").at("method")) == method);
            BOOST_TEST(str(parts[4].at("params").at("charset")) == "utf-8");
            BOOST_TEST(parts[4].at("disposition").is_null());
            BOOST_TEST(str(parts[4].at("body")) == ics);
            BOOST_TEST(calendar_method_of(str(parts[4].at("body"))) == str(parts[4].at("params").at("method")));
            BOOST_TEST(str(parts[5].at("content_type")) == "application/ics");
            BOOST_TEST(str(parts[5].at("disposition")) == "attachment");
            BOOST_TEST(str(parts[5].at("filename")) == "invite.ics");
            BOOST_TEST(str(parts[5].at("body")) == ics);
            BOOST_TEST(str(parts[2].at("body")) == m.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_check_in_code_is_an_inline_png_beside_the_html_in_multipart_related) {
    mail::message m = sample_message();
    m.calendar = mail::calendar_part{"REQUEST", cal::render_invitation(sample_invitation("REQUEST"))};
    const std::string url = "https://kalender.example.se/incheckning/kalc_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    m.image = mail::inline_image{"checkin@kalendarium", "incheckning.png", mail::qr_png(url, 4)};
    const std::string raw = mail::render(m);
    check_raw_lines(raw);
    const json::object parsed = inspect(raw);
    BOOST_TEST(parsed.at("defects").as_array().empty());
    const auto parts = parts_of(parsed);
    BOOST_TEST_REQUIRE(parts.size() == 8u);
    BOOST_TEST(str(parts[0].at("content_type")) == "multipart/mixed");
    BOOST_TEST(str(parts[1].at("content_type")) == "multipart/alternative");
    BOOST_TEST(str(parts[2].at("content_type")) == "text/plain");
    BOOST_TEST(str(parts[3].at("content_type")) == "multipart/related");
    BOOST_TEST(str(parts[4].at("content_type")) == "text/html");
    BOOST_TEST(str(parts[4].at("body")) == m.html);
    BOOST_TEST(str(parts[5].at("content_type")) == "image/png");
    BOOST_TEST(str(parts[5].at("content_id")) == "<checkin@kalendarium>");
    BOOST_TEST(str(parts[5].at("disposition")) == "inline");
    BOOST_TEST(str(parts[5].at("filename")) == "incheckning.png");
    const auto& png = parts[5].at("png").as_object();
    BOOST_TEST(png.at("valid").as_bool());
    BOOST_TEST(png.at("width").as_int64() == png.at("height").as_int64());
    // A whole number of 4-pixel modules: the code's 21 + 4k modules and a quiet zone of 4 each side.
    BOOST_TEST(png.at("width").as_int64() % 4 == 0);
    BOOST_TEST((png.at("width").as_int64() / 4 - 8 - 21) % 4 == 0);
    BOOST_TEST(str(parts[6].at("content_type")) == "text/calendar");
    BOOST_TEST(str(parts[7].at("content_type")) == "application/ics");

    // Nothing but a token may name the picture: no header can be added through it.
    m.image->content_id = "x>\r\nBcc: someone@example.se";
    BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
    m.image->content_id = "checkin@kalendarium";
    m.image->file_name = "a\"b.png";
    BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
    BOOST_CHECK_THROW(mail::qr_png(std::string(8000, 'x')), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(calendar_method_parameter_must_equal_the_ics_method) {
    mail::message m = sample_message();
    m.calendar = mail::calendar_part{"CANCEL", cal::render_invitation(sample_invitation("REQUEST"))};
    BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
    m.calendar = mail::calendar_part{"REQUEST", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"};
    BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
    m.calendar = mail::calendar_part{"REQUEST\r\nX: y", cal::render_invitation(sample_invitation("REQUEST"))};
    BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(render_is_deterministic_and_boundaries_follow_the_message_id) {
    mail::message m = sample_message();
    m.calendar = mail::calendar_part{"REQUEST", cal::render_invitation(sample_invitation("REQUEST"))};
    const std::string a = mail::render(m);
    BOOST_TEST(a == mail::render(m));
    mail::message other = m;
    other.message_id = "<rsvp-43.reminder.20260305@kalendarium.boras.se>";
    const std::string b = mail::render(other);
    const auto boundary_of = [](const std::string& raw) {
        const auto pos = raw.find("boundary=\"");
        return raw.substr(pos + 10, raw.find('"', pos + 10) - pos - 10);
    };
    BOOST_TEST(boundary_of(a) != boundary_of(b));
}

BOOST_AUTO_TEST_CASE(invalid_addresses_message_ids_and_header_names_throw) {
    for (const std::string bad :
         {"", "no-at-sign", "a@b@example.org", "<a@example.org>", "a b@example.org",
          "evil@example.org\r\nBcc: x@example.org", "a@example.org,b@example.org", "\"quoted\"@example.org", "a@",
          "@example.org", "a..b@example.org", "a@-example.org", "a@exa_mple.org", "åsa@example.se", "a@example..org"}) {
        BOOST_TEST_CONTEXT(controls_as_spaces(bad)) {
            BOOST_TEST(!mail::is_valid_address(bad));
            mail::message m = sample_message();
            m.to.email = bad;
            BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
            m = sample_message();
            m.from.email = bad;
            BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
            m = sample_message();
            m.reply_to->email = bad;
            BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
        }
    }
    for (const std::string good : {"asa.lind@example.se", "a+tag@sub.example.org", "x@localhost", "o'brien@example.ie"})
        BOOST_TEST(mail::is_valid_address(good), good);

    for (const std::string bad_id : {"", "no-brackets@example.org", "<no-at>", "<a b@example.org>",
                                     "<a@example.org>\r\nBcc: x@example.org", "<a@b@c>"}) {
        mail::message m = sample_message();
        m.message_id = bad_id;
        BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
    }
    for (const std::string bad_name : {"Bcc", "cc", "To", "Content-Type", "content-transfer-encoding", "Resent-To",
                                       "X-Bad Name", "X-A:b", "X-Line\r\nBcc", "", "1X"}) {
        mail::message m = sample_message();
        m.headers = {{bad_name, "value"}};
        BOOST_CHECK_THROW(mail::render(m), std::invalid_argument);
    }
    mail::message twice = sample_message();
    twice.headers = {{"X-Kind", "a"}, {"x-kind", "b"}};
    BOOST_CHECK_THROW(mail::render(twice), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(encoded_words_are_at_most_75_characters_and_cut_between_characters) {
    std::string text;
    while (text.size() < 500) text += "Överenskommelsen 🎉 möts på Åsgatan – ";
    const std::string encoded = mail::encode_header_text(text);
    std::size_t start = 0;
    std::string decoded;
    while (start < encoded.size()) {
        std::size_t end = encoded.find(' ', start);
        if (end == std::string::npos) end = encoded.size();
        const std::string word = encoded.substr(start, end - start);
        BOOST_TEST(word.size() <= 75u);
        BOOST_TEST_REQUIRE(word.starts_with("=?UTF-8?B?"));
        BOOST_TEST_REQUIRE(word.ends_with("?="));
        start = end + 1;
    }
    // Each word alone must be valid UTF-8: Python decodes it and would complain otherwise.
    const fs::path path = temp_path("words.txt");
    write_file(path, encoded);
    const std::string command =
        "/usr/bin/python3 -c \"import base64,sys; "
        "ws=open(sys.argv[1]).read().split(' '); "
        "print(''.join(base64.b64decode(w[10:-2]).decode('utf-8') for w in ws), end='')\" " +
        path.string();
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) decoded.append(buffer, n);
    BOOST_TEST(::pclose(pipe) == 0);
    fs::remove(path);
    BOOST_TEST(decoded == text);

    BOOST_TEST(mail::encode_header_text("Plain ASCII subject") == "Plain ASCII subject");
    BOOST_TEST(mail::encode_header_text("Line\r\nbreak") != "Line\r\nbreak");
    BOOST_TEST(mail::encode_header_text("Line\r\nbreak").find('\n') == std::string::npos);
}

// ---- templates ------------------------------------------------------------------------------
// The engine itself (escaping by context, includes, the check) is pinned in templates_tests.cpp;
// these pin the mails made with it.

namespace {

mail::context full_context() {
    return {
        {"meeting_title", "FRÖ-möte: <script>alert('x')</script> & \"vänner\""},
        {"meeting_when", "torsdag 5 mars 2026 kl. 18.00–20.00"},
        {"meeting_where", "Kraftens Hus, Borås"},
        {"meeting_url", "https://kalendarium.boras.se/moten/17?a=1&b=2"},
        {"recipient_name", "Åsa"},
        {"manage_url", "https://kalendarium.boras.se/anmalan/abc"},
        {"cancel_url", "https://kalendarium.boras.se/anmalan/abc/avboka"},
        {"organisation_name", "Föreningen Kraften"},
        {"waitlist_position", "3"},
        {"time_changed", true},
        {"place_changed", false},
        {"sign_in_url", "https://kalendarium.boras.se/logga-in/kali_abc?x=1&y=2"},
        {"sign_in_page_url", "https://kalendarium.boras.se/logga-in"},
        {"link_lifetime", "15 minuter"},
    };
}

bool is_account_kind(std::string_view kind) { return kind == "sign_in" || kind == "invitation"; }

const fs::path templates_dir = KAL_SOURCE_DIR "/service/mail/templates";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// What Python's html.parser reads in a document (tests/tools/html_inspect.py).
json::object inspect_html(const std::string& html) { return kal::test::run_python_tool("html_inspect.py", html); }

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

bool has_problem(const std::vector<std::string>& problems, const std::string& file, const std::string& what) {
    for (const auto& p : problems) {
        if (p.find(file) != std::string::npos && p.find(what) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(values_are_escaped_in_html_and_left_as_they_are_in_text_and_subject) {
    const mail::templates t;
    const mail::context ctx = full_context();
    const std::string title = std::get<std::string>(ctx.at("meeting_title"));
    const auto r = t.render("confirmed", "sv", ctx);
    BOOST_TEST(r.html.find("<script>") == std::string::npos);
    BOOST_TEST(r.html.find("FRÖ-möte: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;vänner&quot;") !=
               std::string::npos);
    BOOST_TEST(r.html.find("href=\"https://kalendarium.boras.se/moten/17?a=1&amp;b=2\"") != std::string::npos);
    BOOST_TEST(r.text.find("Du har en plats på " + title + ".") != std::string::npos);
    BOOST_TEST(r.subject == "Du är anmäld: " + title);
    // Read back: the title is the subject, the paragraph holds the title as text.
    const auto page = inspect_html(r.html);
    BOOST_TEST(page.at("first").at("title").as_string() == r.subject);
    BOOST_TEST(!page.at("first").as_object().contains("script"));
    BOOST_TEST(std::string(page.at("first").at("main").as_string()).find("Du har en plats på " + title + ".") !=
               std::string::npos);

    // A link that is no web address does not become one.
    mail::context evil = full_context();
    evil["meeting_url"] = "javascript:alert(1)";
    BOOST_TEST(t.render("reminder", "en", evil).html.find("href=\"#\"") != std::string::npos);
    BOOST_TEST(t.render("reminder", "en", evil).html.find("javascript:") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(sections_follow_the_context_in_text_and_html) {
    const mail::templates t;
    const auto render = [&](std::string_view kind, std::string_view language, const mail::context& ctx) {
        return t.render(kind, language, ctx);
    };
    mail::context ctx = {{"meeting_title", "T"}, {"meeting_when", "W"}, {"recipient_name", ""}};
    auto r = render("confirmed", "sv", ctx);
    BOOST_TEST(r.text.starts_with("Hej!\n"));
    BOOST_TEST(r.html.find("<p>Hej!</p>") != std::string::npos);
    BOOST_TEST(render("confirmed", "en", ctx).text.starts_with("Hello,\n"));
    ctx["recipient_name"] = "Åsa";
    BOOST_TEST(render("confirmed", "sv", ctx).text.starts_with("Hej Åsa!\n"));
    // Neither link: no heading for them; the cancel link alone: the heading once; both: once.
    BOOST_TEST(occurrences(render("confirmed", "sv", ctx).html, "Din anmälan</h2>") == 0u);
    ctx["cancel_url"] = "https://x.se/c";
    r = render("confirmed", "sv", ctx);
    BOOST_TEST(occurrences(r.html, "Din anmälan</h2>") == 1u);
    BOOST_TEST(r.html.find("Se eller ändra") == std::string::npos);
    BOOST_TEST(r.text.find("Se eller ändra") == std::string::npos);
    ctx["manage_url"] = "https://x.se/m";
    r = render("confirmed", "sv", ctx);
    BOOST_TEST(occurrences(r.html, "Din anmälan</h2>") == 1u);
    BOOST_TEST(r.text.find("Se eller ändra din anmälan:\nhttps://x.se/m\n") != std::string::npos);
    // Flags and optional texts.
    ctx["time_changed"] = true;
    ctx["place_changed"] = false;
    r = render("meeting_changed", "sv", ctx);
    BOOST_TEST(r.text.find("Tiden är ny. Så här") != std::string::npos);
    BOOST_TEST(r.html.find("Platsen är ny.") == std::string::npos);
    BOOST_TEST(r.text.find("Var:") == std::string::npos);
    ctx["meeting_where"] = "Kraftens Hus";
    BOOST_TEST(render("meeting_changed", "sv", ctx).text.find("\nVar: Kraftens Hus\n") != std::string::npos);
    BOOST_TEST(render("waitlisted", "sv", ctx).text.find("nummer") == std::string::npos);
    ctx["waitlist_position"] = "4";
    BOOST_TEST(render("waitlisted", "sv", ctx).html.find("Du är nummer 4 i kön.") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_kind_renders_in_both_languages_within_the_one_layout) {
    const mail::templates t;
    for (const auto& problem : t.check()) BOOST_TEST_MESSAGE(problem);
    BOOST_TEST(t.check().empty());
    const mail::context ctx = full_context();
    for (const auto kind : mail::template_kinds()) {
        for (const std::string language : {"sv", "en"}) {
            BOOST_TEST_CONTEXT(kind << " " << language) {
                const auto r = t.render(kind, language, ctx);
                // An account's messages end with a footer of their own: they are not about a sign-up.
                const std::string footer =
                    read_file(templates_dir / language / (is_account_kind(kind) ? "account_footer.txt" : "footer.txt"));
                BOOST_TEST(!r.subject.empty());
                BOOST_TEST(r.subject.find('\n') == std::string::npos);
                BOOST_TEST(r.text.find("{{") == std::string::npos);
                BOOST_TEST(r.html.find("{{") == std::string::npos);
                BOOST_TEST(r.html.starts_with("<!DOCTYPE html>\n<html lang=\"" + language + "\">\n"));
                BOOST_TEST(occurrences(r.html, "<main") == 1u);
                BOOST_TEST(occurrences(r.html, "<h1") == 1u);
                BOOST_TEST(r.text.ends_with("\n\n-- \n" + footer));
                BOOST_TEST(r.text.find("\n\n\n") == std::string::npos);
                if (is_account_kind(kind)) {
                    // The link is the message: on a line of its own in the text, a link in the HTML.
                    BOOST_TEST(r.text.find("\nhttps://kalendarium.boras.se/logga-in/kali_abc?x=1&y=2\n") !=
                               std::string::npos);
                    BOOST_TEST(r.html.find("href=\"https://kalendarium.boras.se/logga-in/kali_abc?x=1&amp;y=2\"") !=
                               std::string::npos);
                    BOOST_TEST(r.text.find("15 minuter") != std::string::npos);
                    BOOST_TEST(r.text.find(std::get<std::string>(ctx.at("meeting_when"))) == std::string::npos);
                } else {
                    BOOST_TEST(r.text.find(std::get<std::string>(ctx.at("meeting_when"))) != std::string::npos);
                }
                const auto page = inspect_html(r.html);
                BOOST_TEST(page.at("first").at("title").as_string() == r.subject);
                BOOST_TEST(page.at("first").at("footer").as_string() ==
                           "\n" + footer.substr(0, footer.find('\n')) + "\n" + footer.substr(footer.find('\n') + 1));
                // Sections leave no blank lines behind in the text either when values are missing.
                const auto bare = t.render(kind, language, {{"meeting_title", "T"}, {"meeting_when", "W"}});
                BOOST_TEST(bare.text.find("\n\n\n") == std::string::npos);
                BOOST_TEST(bare.html.find("href=\"\"") == std::string::npos);
            }
        }
    }
    const auto waitlisted = t.render("waitlisted", "sv", ctx);
    BOOST_TEST(waitlisted.text.find("nummer 3") != std::string::npos);
    const auto changed = t.render("meeting_changed", "en", ctx);
    BOOST_TEST(changed.text.find("The time is new.") != std::string::npos);
    BOOST_TEST(changed.text.find("The place is new.") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_html_frame_is_written_once_in_the_layout_not_per_kind) {
    BOOST_TEST(occurrences(read_file(templates_dir / "layout.html"), "<!DOCTYPE html>") == 1u);
    std::size_t html_files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(templates_dir)) {
        if (entry.path().extension() != ".html" || entry.path().filename() == "layout.html") continue;
        ++html_files;
        const std::string text = read_file(entry.path());
        BOOST_TEST_CONTEXT(entry.path().string()) {
            BOOST_TEST(text.starts_with("{{%AUTOESCAPE context=\"HTML\"}}\n"));
            for (const char* frame : {"<html", "<head", "<body", "<main", "<footer", "<title"})
                BOOST_TEST(text.find(frame) == std::string::npos, frame);
        }
    }
    BOOST_TEST(html_files == 2u * (9u + 6u));  // per language: the kinds, and the parts with both footers
}

BOOST_AUTO_TEST_CASE(unknown_language_falls_back_to_swedish_and_unknown_kind_or_name_throws) {
    const mail::templates t;
    const mail::context ctx = full_context();
    const auto sv = t.render("reminder", "sv", ctx);
    BOOST_TEST(t.render("reminder", "de", ctx).text == sv.text);
    BOOST_TEST(t.render("reminder", "", ctx).subject == sv.subject);
    BOOST_TEST(t.render("reminder", "de", ctx).html == sv.html);
    BOOST_TEST(sv.subject.starts_with("Påminnelse: "));
    BOOST_TEST(t.render("reminder", "en", ctx).subject.starts_with("Reminder: "));
    BOOST_CHECK_THROW(t.render("remindr", "sv", ctx), std::invalid_argument);
    BOOST_CHECK_THROW(t.render("reminder", "sv", {{"meeting_titel", "T"}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(override_directory_wins_file_by_file_the_layout_too) {
    const fs::path dir = temp_path("templates");
    write_file(dir / "sv" / "reminder.subject", "Glöm inte: {{meeting_title}}\n");
    write_file(dir / "en" / "reminder.html", "{{%AUTOESCAPE context=\"HTML\"}}\n<h1>{{meeting_title}}</h1>\n");
    write_file(dir / "layout.html",
               "{{%AUTOESCAPE context=\"HTML\"}}\n<html lang=\"{{language}}\"><title>{{subject}}</title>\n"
               "<div class=\"operator\">\n{{>content}}\n</div><footer>{{>footer}}</footer></html>\n");
    write_file(dir / "sv" / "footer.txt", "Borås Stad\n");
    const mail::templates t(dir.string());
    for (const auto& problem : t.check()) BOOST_TEST_MESSAGE(problem);
    BOOST_TEST(t.check().empty());
    const mail::templates defaults;
    const mail::context ctx = {{"meeting_title", "<FRÖ>"}, {"meeting_when", "W"}};
    const auto sv = t.render("reminder", "sv", ctx);
    BOOST_TEST(sv.subject == "Glöm inte: <FRÖ>");
    const std::string default_text = defaults.render("reminder", "sv", ctx).text;
    BOOST_TEST(sv.text == default_text.substr(0, default_text.rfind("-- \n")) + "-- \nBorås Stad\n");
    const auto en = t.render("reminder", "en", ctx);
    const std::string footer = read_file(templates_dir / "en" / "footer.html");  // after its AUTOESCAPE line
    BOOST_TEST(en.html ==
               "<html lang=\"en\"><title>Reminder: &lt;FRÖ&gt;</title>\n<div class=\"operator\">\n"
               "<h1>&lt;FRÖ&gt;</h1>\n</div><footer>" +
                   footer.substr(footer.find('\n') + 1) + "</footer></html>\n");
    BOOST_TEST(en.text == defaults.render("reminder", "en", ctx).text);
    // The layout frames every kind, not only the overridden one.
    const auto confirmed = t.render("confirmed", "sv", ctx);
    BOOST_TEST(
        confirmed.html.starts_with("<html lang=\"sv\"><title>Du är anmäld: &lt;FRÖ&gt;</title>\n"
                                   "<div class=\"operator\">\n<h1"));
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(check_names_the_file_and_the_unknown_name_or_broken_template) {
    const fs::path dir = temp_path("broken");
    write_file(dir / "sv" / "reminder.txt", "Hej {{recipient_name}}!\n{{meeting_titel}}\n");
    write_file(dir / "en" / "confirmed.html", "{{%AUTOESCAPE context=\"HTML\"}}\n{{#time_changed}}never closed");
    write_file(dir / "en" / "promoted.txt", "{{#time_changed}}x{{/place_changed}}");
    write_file(dir / "sv" / "greeting.txt", "{{^recipient_name}}Hej!{{/recipient_name}}\n");  // Mustache, not ctemplate
    write_file(dir / "sv" / "waitlisted.html", "<p>{{meeting_title}}</p>\n");                 // no AUTOESCAPE
    write_file(dir / "layout.html", "{{%AUTOESCAPE context=\"HTML\"}}\n{{>content}}\n{{>fotter}}\n");
    write_file(dir / "sv" / "meeting.txt", "{{>greeting}}\n");
    write_file(dir / "sv" / "greeting.html", "{{%AUTOESCAPE context=\"HTML\"}}\n{{>meeting}}\n");
    write_file(dir / "sv" / "meeting.html", "{{%AUTOESCAPE context=\"HTML\"}}\n{{>greeting}}\n");
    write_file(dir / "sv" / "reminder.text", "a typo in the file name");
    write_file(dir / "de" / "reminder.txt", "no such language");
    const mail::templates t(dir.string());
    const auto problems = t.check();
    for (const auto& p : problems) BOOST_TEST_MESSAGE(p);
    BOOST_TEST(
        has_problem(problems, (dir / "sv" / "reminder.txt").string(), "line 2: unknown variable \"meeting_titel\""));
    BOOST_TEST(has_problem(problems, (dir / "en" / "confirmed.html").string(),
                           "does not parse: File ended before all sections were closed"));
    BOOST_TEST(has_problem(problems, (dir / "en" / "promoted.txt").string(),
                           "does not parse: Found end of different section"));
    BOOST_TEST(has_problem(problems, (dir / "sv" / "greeting.txt").string(), "does not parse"));
    BOOST_TEST(has_problem(problems, (dir / "sv" / "waitlisted.html").string(), "{{meeting_title}} is not escaped"));
    BOOST_TEST(has_problem(problems, (dir / "layout.html").string(), "line 3: unknown include \"fotter\""));
    BOOST_TEST(has_problem(problems, (dir / "sv" / "greeting.html").string(),
                           "includes itself: sv/greeting.html -> sv/meeting.html -> sv/greeting.html"));
    BOOST_TEST(has_problem(problems, (dir / "sv" / "reminder.text").string(), "not a template"));
    BOOST_TEST(has_problem(problems, (dir / "de").string(), "not a directory of templates"));
    // sv/meeting.txt includes greeting, which includes nothing: a partial in a partial is fine.
    BOOST_TEST(problems.size() == 9u);
    // A template that does not parse is not used; one with an unknown variable is (it renders
    // empty), though the service would not start with it.
    const mail::templates defaults;
    const mail::context ctx = full_context();
    BOOST_TEST(t.render("confirmed", "en", ctx).text == defaults.render("confirmed", "en", ctx).text);
    BOOST_TEST(t.render("reminder", "sv", ctx).text.starts_with("Hej Åsa!\n\n-- \n"));

    BOOST_TEST(!mail::templates("/nonexistent/kalendarium/templates").check().empty());
}

// ---- SMTP -----------------------------------------------------------------------------------

namespace {

const std::string sink_script = tools + "smtp_sink.py";

mail::smtp_settings settings_for(const kal::test::smtp_sink& sink) {
    mail::smtp_settings s;
    s.url = sink.url();
    s.timeout = std::chrono::seconds(10);
    return s;
}

std::string peer_of(const kal::test::received_mail& m) {
    const auto pos = m.session.find("peer ");
    return m.session.substr(pos, m.session.find('\n', pos) - pos);
}

}  // namespace

BOOST_AUTO_TEST_CASE(three_messages_over_one_connection_arrive_byte_for_byte) {
    kal::test::smtp_sink sink(sink_script);
    mail::smtp_sender sender(settings_for(sink));
    std::vector<std::string> sent;
    for (int i = 0; i < 3; ++i) {
        mail::message m = sample_message();
        m.message_id = "<test-" + std::to_string(i) + "@kalendarium.boras.se>";
        m.to.email = "person" + std::to_string(i) + "@example.se";
        if (i == 1) m.calendar = mail::calendar_part{"REQUEST", cal::render_invitation(sample_invitation("REQUEST"))};
        sent.push_back(mail::render(m));
        const auto r = sender.send("bounces@kalendarium.boras.se", m.to.email, sent.back());
        BOOST_TEST_INFO(r.error);
        BOOST_TEST_REQUIRE(r.ok);
        BOOST_TEST(r.smtp_code == 250);
    }
    const auto received = sink.wait_for(3);
    BOOST_TEST_REQUIRE(received.size() == 3u);
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(received[i].bytes == sent[i]);
        BOOST_TEST(received[i].recipients == std::vector<std::string>{"person" + std::to_string(i) + "@example.se"},
                   boost::test_tools::per_element());
        BOOST_TEST(received[i].session.starts_with("from bounces@kalendarium.boras.se\n"));
    }
    // One connection: the same client port for all three.
    BOOST_TEST(peer_of(received[0]) == peer_of(received[1]));
    BOOST_TEST(peer_of(received[1]) == peer_of(received[2]));
    BOOST_TEST(sink.stop() == 0);
}

BOOST_AUTO_TEST_CASE(lines_of_dots_survive_dot_stuffing) {
    kal::test::smtp_sink sink(sink_script);
    mail::smtp_sender sender(settings_for(sink));
    const std::string raw = "Subject: dots\r\n\r\nline\r\n.\r\n..\r\n.x\r\n\r\n.\r\nend\r\n";
    const auto r = sender.send("", "a@example.se", raw);
    BOOST_TEST_INFO(r.error);
    BOOST_TEST_REQUIRE(r.ok);
    const auto received = sink.wait_for(1);
    BOOST_TEST_REQUIRE(received.size() == 1u);
    BOOST_TEST(received[0].bytes == raw);
    BOOST_TEST(received[0].session.starts_with("from <>\n"));
}

BOOST_AUTO_TEST_CASE(rejected_recipient_is_permanent_and_the_next_send_works) {
    kal::test::smtp_sink sink(sink_script, {"--reject-rcpt-containing", "nobody"});
    mail::smtp_sender sender(settings_for(sink));
    const std::string raw = mail::render(sample_message());
    const auto r = sender.send("bounces@kalendarium.boras.se", "nobody@example.se", raw);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.permanent);
    BOOST_TEST(r.smtp_code == 550);
    BOOST_TEST(!r.error.empty());
    BOOST_TEST(r.error.find("nobody") == std::string::npos);
    BOOST_TEST(r.error.find("@") == std::string::npos);
    BOOST_TEST(r.error.find("Påminnelse") == std::string::npos);
    BOOST_TEST_MESSAGE("error: " << r.error);

    const auto ok = sender.send("bounces@kalendarium.boras.se", "asa.lind@example.se", raw);
    BOOST_TEST_INFO(ok.error);
    BOOST_TEST(ok.ok);
    const auto received = sink.wait_for(1);
    BOOST_TEST_REQUIRE(received.size() == 1u);
    BOOST_TEST(received[0].recipients == std::vector<std::string>{"asa.lind@example.se"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(temporary_failure_is_transient_and_a_retry_goes_through) {
    kal::test::smtp_sink sink(sink_script, {"--tempfail-first", "1"});
    mail::smtp_sender sender(settings_for(sink));
    const std::string raw = mail::render(sample_message());
    const auto first = sender.send("bounces@kalendarium.boras.se", "asa.lind@example.se", raw);
    BOOST_TEST(!first.ok);
    BOOST_TEST(!first.permanent);
    BOOST_TEST(first.smtp_code == 451);
    BOOST_TEST(first.error.find("asa") == std::string::npos);
    BOOST_TEST_MESSAGE("error: " << first.error);
    const auto retry = sender.send("bounces@kalendarium.boras.se", "asa.lind@example.se", raw);
    BOOST_TEST_INFO(retry.error);
    BOOST_TEST(retry.ok);
    const auto received = sink.wait_for(1);
    BOOST_TEST_REQUIRE(received.size() == 1u);
    BOOST_TEST(received[0].bytes == raw);
}

BOOST_AUTO_TEST_CASE(nothing_listening_is_transient_with_an_error) {
    // A port that was free a moment ago: bound, read, closed.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t length = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
    ::close(fd);
    mail::smtp_settings s;
    s.url = "smtp://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    s.timeout = std::chrono::seconds(5);
    mail::smtp_sender sender(s);
    const auto r = sender.send("bounces@kalendarium.boras.se", "asa.lind@example.se", "Subject: x\r\n\r\nx\r\n");
    BOOST_TEST(!r.ok);
    BOOST_TEST(!r.permanent);
    BOOST_TEST(r.smtp_code == 0);
    BOOST_TEST(!r.error.empty());
    BOOST_TEST_MESSAGE("error: " << r.error);
}

BOOST_AUTO_TEST_CASE(a_refused_login_is_reported_as_such_at_once_not_after_the_timeout) {
    kal::test::smtp_sink sink(sink_script, {"--auth-user", "kalendarium", "--auth-password", "rätt lösenord"});
    mail::smtp_settings s = settings_for(sink);
    s.timeout = std::chrono::seconds(20);
    s.username = "kalendarium";
    s.password = "fel lösenord";
    const std::string raw = mail::render(sample_message());
    // "At once": the server's 535 ends the call, not the timeout. A call the timeout ended would
    // answer no SMTP code and an error of its own; no clock is read (these machines are noisy).
    const auto r = mail::smtp_sender(s).send("bounces@kalendarium.boras.se", "asa.lind@example.se", raw);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.login_refused);
    BOOST_TEST(!r.permanent);  // the operator fixes the password, then it goes out
    BOOST_TEST(r.smtp_code == 535);
    BOOST_TEST(r.error.find("login refused") != std::string::npos, r.error);
    BOOST_TEST(r.error.find("fel") == std::string::npos, r.error);
    BOOST_TEST(r.error.find("imeout") == std::string::npos, r.error);
    BOOST_TEST(r.error.find("imed out") == std::string::npos, r.error);
    BOOST_TEST(sink.messages().empty());
    s.password = "rätt lösenord";
    const auto right = mail::smtp_sender(s).send("bounces@kalendarium.boras.se", "asa.lind@example.se", raw);
    BOOST_TEST_INFO(right.error);
    BOOST_TEST(right.ok);
    BOOST_TEST(!right.login_refused);
    BOOST_TEST(sink.wait_for(1).size() == 1u);
}

BOOST_AUTO_TEST_CASE(invalid_recipient_is_refused_before_any_smtp_command) {
    kal::test::smtp_sink sink(sink_script);
    mail::smtp_sender sender(settings_for(sink));
    for (const std::string bad : {"a@example.se>\r\nRCPT TO:<evil@example.org", "", "no-at-sign"}) {
        const auto r = sender.send("bounces@kalendarium.boras.se", bad, "Subject: x\r\n\r\nx\r\n");
        BOOST_TEST(!r.ok);
        BOOST_TEST(r.permanent);
        BOOST_TEST(r.smtp_code == 0);
    }
    const auto r = sender.send("bad\r\nfrom@example.se", "asa.lind@example.se", "Subject: x\r\n\r\nx\r\n");
    BOOST_TEST(!r.ok);
    BOOST_TEST(!r.permanent);
    BOOST_TEST(sink.messages().empty());
}

BOOST_AUTO_TEST_CASE(settings_are_checked_when_the_sender_is_made) {
    mail::smtp_settings s;
    s.url = "http://127.0.0.1:25";
    BOOST_CHECK_THROW(mail::smtp_sender{s}, std::invalid_argument);
    s.url = "smtp://127.0.0.1:25";
    s.tls = "yes";
    BOOST_CHECK_THROW(mail::smtp_sender{s}, std::invalid_argument);
    s.tls = "starttls";
    BOOST_CHECK_NO_THROW(mail::smtp_sender{s});
}

BOOST_AUTO_TEST_CASE(starttls_required_against_a_server_without_it_fails_transiently) {
    kal::test::smtp_sink sink(sink_script);
    mail::smtp_settings s = settings_for(sink);
    s.tls = "starttls";
    mail::smtp_sender sender(s);
    const auto r = sender.send("bounces@kalendarium.boras.se", "asa.lind@example.se", "Subject: x\r\n\r\nx\r\n");
    BOOST_TEST(!r.ok);
    BOOST_TEST(!r.permanent);
    BOOST_TEST_MESSAGE("error: " << r.error);
    BOOST_TEST(sink.messages().empty());
}
