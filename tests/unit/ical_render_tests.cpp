#define BOOST_TEST_MODULE ical_render
#include <boost/test/unit_test.hpp>

#include "kal/calendar/ical.hpp"
#include "kal/calendar/time.hpp"

#include <libical/ical.h>

#include <sys/wait.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <locale>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace cal = kal::calendar;

namespace {

using component_ptr = std::unique_ptr<icalcomponent, decltype(&icalcomponent_free)>;

struct zone_deleter {
    void operator()(icaltimezone* zone) const { icaltimezone_free(zone, 1); }
};
using zone_ptr = std::unique_ptr<icaltimezone, zone_deleter>;

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

// Physical lines of a text that must end with CRLF; a bare CR or LF fails the test.
std::vector<std::string> physical_lines(std::string_view text) {
    std::vector<std::string> out;
    BOOST_TEST_REQUIRE(text.ends_with("\r\n"));
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find("\r\n", start);
        const std::string line(text.substr(start, end - start));
        BOOST_TEST(line.find('\r') == std::string::npos);
        BOOST_TEST(line.find('\n') == std::string::npos);
        out.push_back(line);
        start = end + 2;
    }
    return out;
}

// Strict UTF-8 check (no overlongs, surrogates or values above U+10FFFF).
bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned cp = 0;
        unsigned min = 0;
        if (b < 0x80) {
            ++i;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            n = 2, cp = b & 0x1Fu, min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 3, cp = b & 0x0Fu, min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 4, cp = b & 0x07u, min = 0x10000;
        } else {
            return false;
        }
        if (i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

std::string unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            out += text[i];
            continue;
        }
        const char next = text[++i];
        out += (next == 'n' || next == 'N') ? '\n' : next;
    }
    return out;
}

bool contains_line(const std::string& unfolded, std::string_view line) {
    return ("\r\n" + unfolded).find("\r\n" + std::string(line) + "\r\n") != std::string::npos;
}

std::size_t count(std::string_view text, std::string_view needle) {
    std::size_t n = 0;
    for (std::size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

component_ptr parse(const std::string& text) {
    return component_ptr(icalparser_parse_string(text.c_str()), &icalcomponent_free);
}

// A libical zone built from our VTIMEZONE text, not from libical's own zone data.
zone_ptr zone_from_vtimezone(const std::string& text) {
    icalcomponent* component = icalcomponent_new_from_string(text.c_str());
    BOOST_TEST_REQUIRE(component != nullptr);
    BOOST_TEST_REQUIRE(icalcomponent_isa(component) == ICAL_VTIMEZONE_COMPONENT);
    BOOST_TEST_REQUIRE(icalcomponent_count_errors(component) == 0);
    zone_ptr zone(icaltimezone_new());
    // The zone owns the component from here on.
    BOOST_TEST_REQUIRE(icaltimezone_set_component(zone.get(), component) == 1);
    return zone;
}

int libical_offset(icaltimezone* zone, std::int64_t utc) {
    icaltimetype t = icaltime_from_timet_with_zone(static_cast<time_t>(utc), 0, icaltimezone_get_utc_timezone());
    int is_daylight = 0;
    return icaltimezone_get_utc_offset_of_utc_time(zone, &t, &is_daylight);
}

constexpr std::int64_t year_1970 = 0;
constexpr std::int64_t year_2000 = 946684800;
constexpr std::int64_t year_2038 = 2145916800;

// Every `step` seconds from `first` to 2038 and, wherever the offset changes within a step,
// every minute of that step and the two seconds either side of the change.
// Returns the number of instants that disagree (reported individually up to a few).
int compare_offsets(const std::string& tzid, std::int64_t first, std::int64_t step = 3600) {
    const zone_ptr ours = zone_from_vtimezone(cal::render_vtimezone(tzid));
    int mismatches = 0;
    const auto check = [&](std::int64_t t) {
        const int expected = cal::utc_offset_seconds(t, tzid);
        const int got = libical_offset(ours.get(), t);
        if (got != expected && ++mismatches <= 5)
            BOOST_ERROR(tzid << " at " << cal::format_rfc3339_utc(t) << ": VTIMEZONE gives " << got
                             << " s, the zone " << expected << " s");
    };
    for (std::int64_t t = first; t < year_2038; t += step) {
        check(t);
        const int before = cal::utc_offset_seconds(t, tzid);
        if (before == cal::utc_offset_seconds(t + step, tzid)) continue;
        for (std::int64_t m = t + 60; m < t + step; m += 60) check(m);
        std::int64_t low = t;
        std::int64_t high = t + step;
        while (high - low > 1) {
            const std::int64_t mid = low + (high - low) / 2;
            (cal::utc_offset_seconds(mid, tzid) == before ? low : high) = mid;
        }
        check(low);
        check(high);
    }
    return mismatches;
}

cal::event timed_event() {
    cal::event e;
    e.uid = "timed-1@kalendarium.example";
    e.sequence = 2;
    e.stamp_utc = 1767225600;    // 2026-01-01T00:00:00Z
    e.created_utc = 1764547200;  // 2025-12-01T00:00:00Z
    e.start_local = "2026-03-05T18:00:00";
    e.end_local = "2026-03-05T20:00:00";
    e.tzid = "Europe/Stockholm";
    e.summary = "Konsert: Bach, Händel; \"Vårkväll\" \\ 🎻";
    e.description = "Rad 1\nRad 2\r\nRad 3";
    e.location = "Kulturhuset, Borås";
    e.geo = std::pair{57.7210353, 12.94};
    e.url = "https://kalendarium.example/m/1";
    e.categories = {"Musik", "Konsert; klassisk"};
    e.organizer = cal::organizer{"Anna \"Kultur\" Svensson", "anna@example.se"};
    return e;
}

cal::feed sample_feed() {
    cal::feed f;
    f.name = "Kultur, fritid; Borås";
    f.prodid = "-//Borås Stad//Kalendarium//SV";
    f.refresh_seconds = 3600;

    f.events.push_back(timed_event());

    cal::event all_day;
    all_day.uid = "allday-1@kalendarium.example";
    all_day.stamp_utc = 1767225600;
    all_day.created_utc = 1767225600;
    all_day.all_day = true;
    all_day.start_local = "2026-11-26";
    all_day.end_local = "2026-11-27";
    all_day.tzid = "Europe/Stockholm";  // ignored for all-day events
    all_day.summary = "Marknad";
    f.events.push_back(all_day);

    cal::event master;
    master.uid = "series-1@kalendarium.example";
    master.stamp_utc = 1767225600;
    master.created_utc = 1767225600;
    master.start_local = "2026-03-05T18:00:00";
    master.end_local = "2026-03-05T19:30:00";
    master.tzid = "Europe/Stockholm";
    master.summary = "Kör";
    master.rrule = "FREQ=WEEKLY;UNTIL=20260430T160000Z";
    master.exdates = {"2026-03-12T18:00:00", "2026-04-02T18:00:00"};
    f.events.push_back(master);

    cal::event override_event = master;
    override_event.rrule.clear();
    override_event.exdates.clear();
    override_event.recurrence_id = "2026-03-19T18:00:00";
    override_event.start_local = "2026-03-19T19:00:00";
    override_event.end_local = "2026-03-19T20:30:00";
    override_event.sequence = 1;
    override_event.summary = "Kör (senare)";
    f.events.push_back(override_event);

    cal::event cancelled;
    cancelled.uid = "cancelled-1@kalendarium.example";
    cancelled.stamp_utc = 1767225600;
    cancelled.created_utc = 1767225600;
    cancelled.start_local = "2026-06-01T09:00:00";
    cancelled.end_local = "2026-06-01T10:00:00";
    cancelled.tzid = "America/New_York";
    cancelled.summary = "Inställt";
    cancelled.status = "CANCELLED";
    f.events.push_back(cancelled);

    cal::event utc;
    utc.uid = "utc-1@kalendarium.example";
    utc.stamp_utc = 1767225600;
    utc.created_utc = 1767225600;
    utc.start_local = "2026-04-01T12:00:00";
    utc.end_local = "2026-04-01T13:00:00";
    utc.tzid = "UTC";
    utc.summary = "Webbinarium";
    f.events.push_back(utc);

    cal::event day_series;
    day_series.uid = "dayseries-1@kalendarium.example";
    day_series.stamp_utc = 1767225600;
    day_series.created_utc = 1767225600;
    day_series.all_day = true;
    day_series.start_local = "2026-12-13";
    day_series.end_local = "2026-12-14";
    day_series.summary = "Lucia";
    day_series.rrule = "FREQ=YEARLY;COUNT=5";
    day_series.exdates = {"2027-12-13"};
    f.events.push_back(day_series);

    cal::event day_override = day_series;
    day_override.rrule.clear();
    day_override.exdates.clear();
    day_override.recurrence_id = "2028-12-13";
    day_override.start_local = "2028-12-12";
    day_override.end_local = "2028-12-13";
    f.events.push_back(day_override);
    return f;
}

std::filesystem::path temp_file(const std::string& name, std::string_view content) {
    const auto path =
        std::filesystem::temp_directory_path() / ("kal_ical_render_" + std::to_string(::getpid()) + "_" + name);
    std::ofstream out(path, std::ios::binary);
    out << content;
    return path;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct lint_result {
    int exit_status;
    std::string output;
};

lint_result run_lint(const std::string& arguments) {
    const auto out = std::filesystem::temp_directory_path() / ("kal_ical_render_" + std::to_string(::getpid()) + ".out");
    const std::string command = "python3 " KAL_SOURCE_DIR "/tests/tools/ics_lint.py " + arguments + " > " +
                                out.string() + " 2>&1";
    const int status = std::system(command.c_str());
    lint_result r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out)};
    std::filesystem::remove(out);
    return r;
}

}  // namespace

// ---- VTIMEZONE ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(stockholm_vtimezone_is_compact_and_pinned) {
    // Sweden kept CET all year 1970-1979; 1980 began summer time on the first Sunday of April and
    // ended it on the last Sunday of September until 1995; since 1981 it begins on the last
    // Sunday of March and since 1996 ends on the last Sunday of October.
    const std::string expected =
        "BEGIN:VTIMEZONE\r\n"
        "TZID:Europe/Stockholm\r\n"
        "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
        "END:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:19800406T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
        "END:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nDTSTART:19800928T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=-1SU;UNTIL=19950924T010000Z\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:19810329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nDTSTART:19961027T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n";
    BOOST_TEST(cal::render_vtimezone("Europe/Stockholm") == expected);
}

BOOST_AUTO_TEST_CASE(stockholm_vtimezone_read_by_libical_matches_the_zone_every_hour_1970_2037) {
    BOOST_TEST(compare_offsets("Europe/Stockholm", year_1970) == 0);
}

BOOST_AUTO_TEST_CASE(stockholm_vtimezone_matches_the_zone_every_hour_2000_2037) {
    // The range the issue names, kept separate so that a failure says which one broke.
    BOOST_TEST(compare_offsets("Europe/Stockholm", year_2000) == 0);
}

BOOST_AUTO_TEST_CASE(new_york_vtimezone_matches_the_zone_including_the_2007_rule_change) {
    BOOST_TEST(compare_offsets("America/New_York", year_1970) == 0);
    const std::string text = cal::render_vtimezone("America/New_York");
    BOOST_TEST(text.find("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n") != std::string::npos);
    BOOST_TEST(text.find("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sydney_vtimezone_matches_the_zone_in_the_southern_hemisphere) {
    BOOST_TEST(compare_offsets("Australia/Sydney", year_1970) == 0);
}

BOOST_AUTO_TEST_CASE(kolkata_vtimezone_is_one_standard_component) {
    BOOST_TEST(compare_offsets("Asia/Kolkata", year_1970) == 0);
    const std::string text = cal::render_vtimezone("Asia/Kolkata");
    BOOST_TEST(count(text, "BEGIN:STANDARD") == 1u);
    BOOST_TEST(count(text, "BEGIN:DAYLIGHT") == 0u);
    BOOST_TEST(text.find("TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\n") != std::string::npos);
    BOOST_TEST(text.find("RRULE") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(vtimezones_of_irregular_zones_match_the_zone) {
    // Zones whose rules are not "nth weekday": fixed dates (Tehran), Friday before the last
    // Sunday (Jerusalem), half-hour summer time (Lord Howe), Ramadan pauses (Casablanca),
    // abolished summer time (Sao Paulo, Moscow), negative or second-precision offsets.
    for (const char* tzid : {"Asia/Tehran", "Asia/Jerusalem", "Australia/Lord_Howe", "Africa/Casablanca",
                             "America/Sao_Paulo", "Europe/Moscow", "Europe/Dublin", "Africa/Monrovia",
                             "Pacific/Apia", "America/St_Johns", "Europe/London"}) {
        BOOST_TEST_CONTEXT(tzid) { BOOST_TEST(compare_offsets(tzid, year_1970, 6 * 3600) == 0); }
    }
}

BOOST_AUTO_TEST_CASE(vtimezone_for_unknown_zone_throws) {
    BOOST_CHECK_THROW(cal::render_vtimezone("Mars/Olympus_Mons"), cal::error);
    BOOST_CHECK_THROW(cal::render_vtimezone("../etc/passwd"), cal::error);
}

// ---- folding and escaping -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(folding_never_splits_a_utf8_character_and_unfolds_to_the_original) {
    const std::vector<std::string> characters = {"å", "€", "🎻", "\xF4\x8F\xBF\xBF" /* U+10FFFF */, "a"};
    for (const auto& ch : characters) {
        for (std::size_t prefix = 0; prefix <= 160; ++prefix) {
            std::string line = "DESCRIPTION:" + std::string(prefix, 'x');
            for (int i = 0; i < 60; ++i) line += ch;
            const std::string folded = cal::fold_line(line) + "\r\n";
            BOOST_TEST_CONTEXT("character " << ch << ", prefix " << prefix) {
                BOOST_TEST(unfold(folded) == line + "\r\n");
                const auto lines = physical_lines(folded);
                for (std::size_t i = 0; i < lines.size(); ++i) {
                    BOOST_TEST(lines[i].size() <= 75u);
                    if (i > 0) BOOST_TEST(lines[i].starts_with(' '));
                    // Each physical line on its own is whole characters.
                    BOOST_TEST(is_valid_utf8(lines[i]));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(folding_uses_all_75_octets_and_no_more) {
    BOOST_TEST(cal::fold_line(std::string(75, 'a')) == std::string(75, 'a'));
    BOOST_TEST(cal::fold_line(std::string(76, 'a')) == std::string(75, 'a') + "\r\n a");
    BOOST_TEST(cal::fold_line(std::string(75 + 74 + 1, 'a')) ==
               std::string(75, 'a') + "\r\n " + std::string(74, 'a') + "\r\n a");
    BOOST_TEST(cal::fold_line("") == "");
    // A two-octet character that would straddle octet 75 moves to the next line whole.
    BOOST_TEST(cal::fold_line(std::string(74, 'a') + "å") == std::string(74, 'a') + "\r\n å");
}

BOOST_AUTO_TEST_CASE(text_escaping_table_round_trips_through_our_unescape_and_libical) {
    using namespace std::string_literals;
    struct row {
        std::string input;
        std::string escaped;
        std::string read_back;  // what a client sees after unescaping
    };
    const std::vector<row> rows = {
        {"a;b", "a\\;b", "a;b"},
        {"a,b", "a\\,b", "a,b"},
        {"a\\b", "a\\\\b", "a\\b"},
        {"a\\nb", "a\\\\nb", "a\\nb"},  // a literal backslash-n stays literal
        {"\"quoted\"", "\"quoted\"", "\"quoted\""},
        {"a:b", "a:b", "a:b"},
        {"rad 1\nrad 2", "rad 1\\nrad 2", "rad 1\nrad 2"},
        {"rad 1\r\nrad 2", "rad 1\\nrad 2", "rad 1\nrad 2"},
        {"rad 1\rrad 2", "rad 1\\nrad 2", "rad 1\nrad 2"},  // a lone CR is a line break too
        {"\r\n\r\n", "\\n\\n", "\n\n"},
        {"a\0b"s, "ab", "ab"},
        {"a\x7F" "b", "ab", "ab"},
        {"a\x01\x1B\x1F" "b", "ab", "ab"},
        {"a\xC2\x85" "b", "ab", "ab"},  // U+0085, a C1 control
        {"tab\there", "tab\there", "tab\there"},
        {"🎻 åäö €", "🎻 åäö €", "🎻 åäö €"},
        {"bad \xFF\xC3 utf8", "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8", "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8"},
        {"", "", ""},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT("input " << r.escaped) {
            const std::string escaped = cal::escape_text(r.input);
            BOOST_TEST(escaped == r.escaped);
            BOOST_TEST(unescape(escaped) == r.read_back);
            if (r.read_back.empty()) continue;  // libical drops an empty SUMMARY's value
            const std::string vevent = "BEGIN:VEVENT\r\nUID:x\r\n" + cal::fold_line("SUMMARY:" + escaped) +
                                       "\r\nEND:VEVENT\r\n";
            const component_ptr c = parse(vevent);
            BOOST_TEST_REQUIRE(c != nullptr);
            const char* summary = icalcomponent_get_summary(c.get());
            BOOST_TEST_REQUIRE(summary != nullptr);
            BOOST_TEST(std::string(summary) == r.read_back);
        }
    }
}

BOOST_AUTO_TEST_CASE(long_text_escapes_folds_and_round_trips) {
    std::string text;
    while (text.size() < 5000) text += "Å, ä; ö\\ \"citat\" 🎻\nrad ";
    text += "slut";  // libical drops trailing white space from a value
    const std::string line = "DESCRIPTION:" + cal::escape_text(text);
    const std::string folded = cal::fold_line(line) + "\r\n";
    for (const auto& l : physical_lines(folded)) BOOST_TEST(l.size() <= 75u);
    BOOST_TEST(unescape(unfold(folded).substr(12, line.size() - 12)) == text);
    const component_ptr c = parse("BEGIN:VEVENT\r\nUID:x\r\n" + folded + "END:VEVENT\r\n");
    BOOST_TEST_REQUIRE(c != nullptr);
    BOOST_TEST(std::string(icalcomponent_get_description(c.get())) == text);
}

// ---- the feed -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(feed_is_crlf_folded_utf8_and_starts_with_begin_vcalendar) {
    const std::string feed = cal::render_feed(sample_feed());
    BOOST_TEST(feed.starts_with("BEGIN:VCALENDAR\r\n"));  // nothing before it, no BOM
    BOOST_TEST(feed.ends_with("END:VCALENDAR\r\n"));
    BOOST_TEST(is_valid_utf8(feed));
    for (const auto& line : physical_lines(feed)) {
        BOOST_TEST(line.size() <= 75u);
        for (char c : line) BOOST_TEST((static_cast<unsigned char>(c) >= 0x20 && c != 0x7F));
    }
}

BOOST_AUTO_TEST_CASE(feed_has_the_calendar_properties_and_no_method) {
    const std::string feed = unfold(cal::render_feed(sample_feed()));
    for (const char* line :
         {"VERSION:2.0", "PRODID:-//Borås Stad//Kalendarium//SV", "CALSCALE:GREGORIAN", "NAME:Kultur\\, fritid\\; Borås",
          "X-WR-CALNAME:Kultur\\, fritid\\; Borås", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"}) {
        BOOST_TEST_CONTEXT(line) { BOOST_TEST(contains_line(feed, line)); }
    }
    BOOST_TEST(feed.find("\r\nMETHOD") == std::string::npos);

    cal::feed f = sample_feed();
    f.refresh_seconds = 86400 + 5400;
    const std::string other = unfold(cal::render_feed(f));
    BOOST_TEST(contains_line(other, "REFRESH-INTERVAL;VALUE=DURATION:P1DT1H30M"));
    BOOST_TEST(contains_line(other, "X-PUBLISHED-TTL:P1DT1H30M"));
}

BOOST_AUTO_TEST_CASE(timed_event_has_every_property_in_its_form) {
    const std::string feed = unfold(cal::render_feed(sample_feed()));
    for (const char* line : {
             "UID:timed-1@kalendarium.example",
             "DTSTAMP:20260101T000000Z",
             "LAST-MODIFIED:20260101T000000Z",
             "CREATED:20251201T000000Z",
             "SEQUENCE:2",
             "DTSTART;TZID=Europe/Stockholm:20260305T180000",
             "DTEND;TZID=Europe/Stockholm:20260305T200000",
             "SUMMARY:Konsert: Bach\\, Händel\\; \"Vårkväll\" \\\\ 🎻",
             "DESCRIPTION:Rad 1\\nRad 2\\nRad 3",
             "LOCATION:Kulturhuset\\, Borås",
             "GEO:57.721035;12.94",
             "URL:https://kalendarium.example/m/1",
             "CATEGORIES:Musik,Konsert\\; klassisk",
             "STATUS:CONFIRMED",
             "ORGANIZER;CN=\"Anna Kultur Svensson\":mailto:anna@example.se",
         }) {
        BOOST_TEST_CONTEXT(line) { BOOST_TEST(contains_line(feed, line)); }
    }
}

BOOST_AUTO_TEST_CASE(all_day_series_override_cancelled_and_utc_events_take_their_forms) {
    const std::string whole = unfold(cal::render_feed(sample_feed()));
    const std::string feed = whole.substr(whole.find("\r\nBEGIN:VEVENT"));  // the VTIMEZONEs have DTSTART and RRULE too
    for (const char* line : {
             "DTSTART;VALUE=DATE:20261126",
             "DTEND;VALUE=DATE:20261127",
             "RRULE:FREQ=WEEKLY;UNTIL=20260430T160000Z",
             "EXDATE;TZID=Europe/Stockholm:20260312T180000,20260402T180000",
             "RECURRENCE-ID;TZID=Europe/Stockholm:20260319T180000",
             "DTSTART;TZID=Europe/Stockholm:20260319T190000",
             "STATUS:CANCELLED",
             "DTSTART;TZID=America/New_York:20260601T090000",
             "DTSTART:20260401T120000Z",
             "DTEND:20260401T130000Z",
             "RRULE:FREQ=YEARLY;COUNT=5",
             "EXDATE;VALUE=DATE:20271213",
             "RECURRENCE-ID;VALUE=DATE:20281213",
         }) {
        BOOST_TEST_CONTEXT(line) { BOOST_TEST(contains_line(feed, line)); }
    }
    // Only masters carry RRULE and EXDATE.
    BOOST_TEST(count(feed, "\r\nRRULE:") == 2u);
    BOOST_TEST(count(feed, "\r\nEXDATE") == 2u);
    // Empty description, location and categories are left out rather than sent empty.
    BOOST_TEST(count(feed, "\r\nDESCRIPTION") == 1u);
    BOOST_TEST(count(feed, "\r\nLOCATION") == 1u);
    BOOST_TEST(count(feed, "\r\nCATEGORIES") == 1u);
    BOOST_TEST(count(feed, "\r\nGEO") == 1u);
    BOOST_TEST(count(feed, "\r\nORGANIZER") == 1u);
    BOOST_TEST(feed.find("ATTENDEE") == std::string::npos);
    // No floating times: every DTSTART, DTEND, EXDATE and RECURRENCE-ID has a TZID, a Z or is a date.
    std::istringstream lines(feed);
    for (std::string line; std::getline(lines, line);) {
        line.pop_back();  // the CR
        for (const char* name : {"DTSTART", "DTEND", "EXDATE", "RECURRENCE-ID"}) {
            if (!line.starts_with(std::string(name) + ";") && !line.starts_with(std::string(name) + ":")) continue;
            const bool zoned = line.starts_with(std::string(name) + ";TZID=");
            const bool date = line.starts_with(std::string(name) + ";VALUE=DATE:");
            const bool utc = line.ends_with("Z");
            BOOST_TEST_CONTEXT(line) { BOOST_TEST((zoned || date || utc)); }
        }
    }
}

BOOST_AUTO_TEST_CASE(feed_has_one_vtimezone_per_tzid_before_the_events) {
    const std::string feed = unfold(cal::render_feed(sample_feed()));
    BOOST_TEST(count(feed, "BEGIN:VTIMEZONE") == 2u);
    BOOST_TEST(count(feed, "\r\nTZID:Europe/Stockholm\r\n") == 1u);
    BOOST_TEST(count(feed, "\r\nTZID:America/New_York\r\n") == 1u);
    BOOST_TEST(feed.find("TZID:UTC") == std::string::npos);
    BOOST_TEST(feed.rfind("END:VTIMEZONE") < feed.find("BEGIN:VEVENT"));

    cal::feed no_zones = sample_feed();
    std::erase_if(no_zones.events, [](const cal::event& e) { return !e.all_day && e.tzid != "UTC"; });
    BOOST_TEST_REQUIRE(no_zones.events.size() == 4u);
    BOOST_TEST(cal::render_feed(no_zones).find("VTIMEZONE") == std::string::npos);

    cal::feed empty;
    empty.prodid = "-//x//y//SV";
    const std::string empty_feed = cal::render_feed(empty);
    BOOST_TEST(empty_feed.find("VTIMEZONE") == std::string::npos);
    BOOST_TEST(empty_feed.find("VEVENT") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(libical_reads_the_whole_feed_back) {
    const cal::feed f = sample_feed();
    const component_ptr calendar = parse(cal::render_feed(f));
    BOOST_TEST_REQUIRE(calendar != nullptr);
    BOOST_TEST_REQUIRE(icalcomponent_isa(calendar.get()) == ICAL_VCALENDAR_COMPONENT);
    BOOST_TEST(icalcomponent_count_errors(calendar.get()) == 0);
    BOOST_TEST(icalcomponent_count_components(calendar.get(), ICAL_VTIMEZONE_COMPONENT) == 2);

    std::size_t index = 0;
    for (icalcomponent* v = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT); v != nullptr;
         v = icalcomponent_get_next_component(calendar.get(), ICAL_VEVENT_COMPONENT), ++index) {
        BOOST_TEST_REQUIRE(index < f.events.size());
        const cal::event& e = f.events[index];
        BOOST_TEST_CONTEXT(e.uid) {
            BOOST_TEST(std::string(icalcomponent_get_uid(v)) == e.uid);
            BOOST_TEST(std::string(icalcomponent_get_summary(v)) == e.summary);  // exactly, commas and all
            const icaltimetype start = icalcomponent_get_dtstart(v);
            icalproperty* dtstart = icalcomponent_get_first_property(v, ICAL_DTSTART_PROPERTY);
            icalparameter* tzid = icalproperty_get_first_parameter(dtstart, ICAL_TZID_PARAMETER);
            if (e.all_day) {
                BOOST_TEST(start.is_date == 1);
                BOOST_TEST(tzid == nullptr);
                BOOST_TEST(cal::format_rfc3339_utc(icaltime_as_timet(start)).substr(0, 10) == e.start_local);
            } else if (e.tzid == "UTC") {
                BOOST_TEST(tzid == nullptr);
                BOOST_TEST(icaltime_is_utc(start) == 1);
                BOOST_TEST(icaltime_as_timet_with_zone(start, start.zone) == cal::to_utc(e.start_local, "UTC"));
            } else {
                BOOST_TEST_REQUIRE(tzid != nullptr);
                BOOST_TEST(std::string(icalparameter_get_tzid(tzid)) == e.tzid);
                // libical resolves TZID against the feed's own VTIMEZONE.
                BOOST_TEST_REQUIRE(start.zone != nullptr);
                BOOST_TEST(icaltime_as_timet_with_zone(start, start.zone) == cal::to_utc(e.start_local, e.tzid));
            }
            if (!e.recurrence_id.empty()) {
                const icaltimetype rid = icalcomponent_get_recurrenceid(v);
                BOOST_TEST(rid.is_date == (e.all_day ? 1 : 0));
                if (!e.all_day) {
                    // libical leaves RECURRENCE-ID's zone unresolved; take it from the feed.
                    icaltimezone* zone = icalcomponent_get_timezone(calendar.get(), e.tzid.c_str());
                    BOOST_TEST_REQUIRE(zone != nullptr);
                    BOOST_TEST(icaltime_as_timet_with_zone(rid, zone) == cal::to_utc(e.recurrence_id, e.tzid));
                }
            }
            BOOST_TEST(icalcomponent_count_properties(v, ICAL_EXDATE_PROPERTY) == (e.exdates.empty() ? 0 : static_cast<int>(e.exdates.size())));
            BOOST_TEST(icalcomponent_count_properties(v, ICAL_ATTENDEE_PROPERTY) == 0);
        }
    }
    BOOST_TEST(index == f.events.size());
    const char* description = icalcomponent_get_description(
        icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT));
    BOOST_TEST(std::string(description) == "Rad 1\nRad 2\nRad 3");
}

BOOST_AUTO_TEST_CASE(rendering_twice_is_byte_identical) {
    const cal::feed f = sample_feed();
    BOOST_TEST(cal::render_feed(f) == cal::render_feed(f));
}

BOOST_AUTO_TEST_CASE(parameter_values_and_uris_lose_quotes_and_control_characters) {
    cal::feed f;
    f.prodid = "p";
    cal::event e = timed_event();
    e.organizer = cal::organizer{"Eva \"E\"\r\nInjected:x", "eva@example.se\r\nATTENDEE:mailto:x@y"};
    e.url = "https://x.example/\r\nATTENDEE:mailto:x@y";
    e.uid = "u\r\nATTENDEE:mailto:x@y";
    e.rrule = "FREQ=DAILY;COUNT=2\r\nATTENDEE:mailto:x@y";
    f.events.push_back(e);
    const std::string feed = cal::render_feed(f);
    const std::string unfolded = unfold(feed);
    BOOST_TEST(contains_line(unfolded, "ORGANIZER;CN=\"Eva EInjected:x\":mailto:eva@example.seATTENDEE:mailto:x@y"));
    BOOST_TEST(count(unfolded, "\r\nATTENDEE") == 0u);
    for (const auto& line : physical_lines(feed)) BOOST_TEST(line.size() <= 75u);
}

BOOST_AUTO_TEST_CASE(geo_uses_a_point_whatever_the_locale) {
    struct comma_decimal : std::numpunct<char> {
        char do_decimal_point() const override { return ','; }
    };
    const std::locale previous = std::locale::global(std::locale(std::locale::classic(), new comma_decimal));
    // A C locale with a decimal comma as well, where the system has one.
    const std::string previous_c = std::setlocale(LC_ALL, nullptr);
    const bool have_c_locale = std::setlocale(LC_ALL, "sv_SE.UTF-8") != nullptr ||
                               std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
    if (!have_c_locale) BOOST_TEST_MESSAGE("no C locale with a decimal comma installed; std::locale checked only");
    cal::feed f;
    f.prodid = "p";
    cal::event e = timed_event();
    e.geo = std::pair{-33.8688197, 151.2092956};
    f.events.push_back(e);
    e.geo = std::pair{0.0000001, -0.5};
    f.events.push_back(e);
    const std::string feed = unfold(cal::render_feed(f));
    std::locale::global(previous);
    std::setlocale(LC_ALL, previous_c.c_str());
    BOOST_TEST(contains_line(feed, "GEO:-33.86882;151.209296"));
    BOOST_TEST(contains_line(feed, "GEO:0;-0.5"));
}

BOOST_AUTO_TEST_CASE(malformed_event_times_throw_instead_of_rendering_floating_times) {
    for (auto change : std::vector<void (*)(cal::event&)>{
             [](cal::event& e) { e.tzid.clear(); },
             [](cal::event& e) { e.tzid = "Nowhere/City"; },
             [](cal::event& e) { e.start_local = "2026-03-05"; },
             [](cal::event& e) { e.end_local = "2026-02-30T10:00:00"; },
             [](cal::event& e) { e.status = "MAYBE"; },
         }) {
        cal::feed f;
        f.prodid = "p";
        f.events.push_back(timed_event());
        change(f.events.back());
        BOOST_CHECK_THROW(cal::render_feed(f), cal::error);
    }
}

// ---- the lint -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(rendered_feed_passes_ics_lint) {
    const auto path = temp_file("feed.ics", cal::render_feed(sample_feed()));
    const lint_result file = run_lint(path.string());
    BOOST_TEST(file.exit_status == 0);
    BOOST_TEST(file.output == "");
    const lint_result stdin_result = run_lint("- < " + path.string());
    BOOST_TEST(stdin_result.exit_status == 0);
    std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(ics_lint_rejects_each_kind_of_bad_file) {
    const std::string head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:p\r\n";
    const std::string tail = "END:VCALENDAR\r\n";
    const std::string zone = cal::render_vtimezone("Europe/Stockholm");
    const std::string event = "BEGIN:VEVENT\r\nUID:u\r\nDTSTART;TZID=Europe/Stockholm:20260305T180000\r\nEND:VEVENT\r\n";
    struct bad {
        std::string name;
        std::string content;
        std::string expected_message;
    };
    const std::vector<bad> cases = {
        {"bare_lf", "BEGIN:VCALENDAR\nVERSION:2.0\r\n" + tail, "bare LF"},
        {"bare_cr", head + "SUMMARY:a\rb\r\n" + tail, "bare CR"},
        {"long_line", head + "SUMMARY:" + std::string(70, 'a') + "\r\n" + tail, "more than 75"},
        {"fold_in_utf8", head + "SUMMARY:" + std::string(65, 'a') + "\xC3\r\n \xA5\r\n" + tail,
         "inside a UTF-8 character"},
        {"tab_fold", head + "SUMMARY:a\r\n\tb\r\n" + tail, "HTAB"},
        {"bom", "\xEF\xBB\xBF" + head + tail, "byte order mark"},
        {"invalid_utf8", head + "SUMMARY:a\xFF\r\n" + tail, "invalid UTF-8"},
        {"control", head + "SUMMARY:a\x01" "b\r\n" + tail, "control character"},
        {"c1_control", head + "SUMMARY:a\xC2\x85" "b\r\n" + tail, "control character"},
        {"not_first", "PRODID:p\r\n" + head + tail, "first line"},
        {"not_last", head + tail + "X-A:b\r\n", "last line"},
        {"unbalanced", head + "BEGIN:VEVENT\r\nUID:u\r\n" + tail, "never closed"},
        {"crossed", head + "BEGIN:VEVENT\r\nEND:VTODO\r\n" + tail, "closes BEGIN:VEVENT"},
        {"missing_vtimezone", head + event + tail, "has no VTIMEZONE"},
        {"two_vtimezones", head + zone + zone + event + tail, "second VTIMEZONE"},
        {"method", head + "METHOD:PUBLISH\r\n" + tail, "METHOD"},
        {"attendee", head + "BEGIN:VEVENT\r\nATTENDEE:mailto:a@b\r\nEND:VEVENT\r\n" + tail, "ATTENDEE"},
        {"no_crlf_at_end", head + "END:VCALENDAR", "does not end with CRLF"},
    };
    // The same skeleton with nothing wrong passes, so each failure below is the one planted.
    {
        const auto path = temp_file("good.ics", head + zone + event + tail);
        BOOST_TEST(run_lint(path.string()).exit_status == 0);
        std::filesystem::remove(path);
    }
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            const auto path = temp_file(c.name + ".ics", c.content);
            const lint_result r = run_lint(path.string());
            BOOST_TEST(r.exit_status == 1);
            BOOST_TEST(r.output.find(c.expected_message) != std::string::npos, "output: " << r.output);
            BOOST_TEST(r.output.find(path.string() + ":") != std::string::npos);  // FILE:LINE: message
            std::filesystem::remove(path);
        }
    }
}
