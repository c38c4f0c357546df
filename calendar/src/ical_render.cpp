#include "kal/calendar/ical.hpp"
#include "kal/calendar/utf8.hpp"
#include "kal/calendar/time.hpp"

#include "time_internal.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

// Rendering half of ical.hpp. Everything here builds text by hand; libical is only asked about
// zone abbreviations (TZNAME) and, through time.cpp, about UTC offsets. The output is meant to be
// byte-identical for identical input, so nothing depends on the locale, the clock or map order
// of pointers.

namespace kal::calendar {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::size_t max_line_octets = 75;
constexpr std::int64_t seconds_per_day = 86400;

// ---------------------------------------------------------------------------------------------
// UTF-8 and value sanitising.

using utf8::for_each_character;
using utf8::is_continuation;
using utf8::is_control;

// Values that are not TEXT (UID, URI, RRULE): control characters dropped, nothing escaped.
std::string sanitized(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_character(text, [&](char32_t cp, std::string_view bytes) {
        if (!is_control(cp)) out += bytes;
    });
    return out;
}

// A quoted parameter value (RFC 5545 3.2: QSAFE-CHAR excludes DQUOTE and controls).
std::string quoted_parameter(std::string_view text) {
    std::string out = "\"";
    for_each_character(text, [&](char32_t cp, std::string_view bytes) {
        if (!is_control(cp) && cp != '"') out += bytes;
    });
    out += '"';
    return out;
}

// ---------------------------------------------------------------------------------------------
// Values.

// "2026-03-05T17:00:00Z" (from time.cpp) -> "20260305T170000Z".
std::string basic_format(std::string_view extended) {
    std::string out;
    out.reserve(extended.size());
    for (char c : extended) {
        if (c != '-' && c != ':') out += c;
    }
    return out;
}

std::string utc_date_time(std::int64_t utc) { return basic_format(format_rfc3339_utc(utc)); }

// Wall-clock time at `utc` in a fixed offset, without a zone designator: "20260329T020000".
std::string wall_clock(std::int64_t utc, int offset_seconds) {
    std::string text = utc_date_time(utc + offset_seconds);
    text.pop_back();  // the Z
    return text;
}

// "PT1H", "P1DT30M"; RFC 5545 3.3.6 without weeks.
std::string duration(int seconds) {
    if (seconds < 0) seconds = 0;
    std::string out = "P";
    if (const int days = seconds / 86400; days > 0) out += std::to_string(days) + "D";
    seconds %= 86400;
    if (seconds == 0 && out.size() > 1) return out;
    out += 'T';
    if (const int hours = seconds / 3600; hours > 0) out += std::to_string(hours) + "H";
    if (const int minutes = seconds % 3600 / 60; minutes > 0) out += std::to_string(minutes) + "M";
    if (const int rest = seconds % 60; rest > 0 || out.back() == 'T') out += std::to_string(rest) + "S";
    return out;
}

// At most six decimals, '.' whatever the global locale (std::to_chars ignores it).
std::string geo_number(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 6);
    std::string text(buffer, result.ptr);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    if (text == "-0") text = "0";
    return text;
}

// "+0100", "-0500", "+053000" only when there are seconds.
std::string utc_offset(int seconds) {
    std::string out(1, seconds < 0 ? '-' : '+');
    const int magnitude = seconds < 0 ? -seconds : seconds;
    const auto two = [&](int v) {
        out += static_cast<char>('0' + v / 10);
        out += static_cast<char>('0' + v % 10);
    };
    two(magnitude / 3600);
    two(magnitude % 3600 / 60);
    if (magnitude % 60 != 0) two(magnitude % 60);
    return out;
}

class content_lines {
public:
    void add(std::string_view name, std::string_view value) { add_line(std::string(name) + ":" + std::string(value)); }
    void add_line(const std::string& line) {
        text_ += fold_line(line);
        text_ += crlf;
    }
    void add_block(std::string_view block) { text_ += block; }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

// ---------------------------------------------------------------------------------------------
// Event times.

bool is_utc(std::string_view tzid) { return tzid == "UTC"; }

// The parameters and value of DTSTART, DTEND, RECURRENCE-ID or one EXDATE for an event; all of
// them take the form of DTSTART, so that clients match RECURRENCE-ID and EXDATE to occurrences.
struct time_form {
    bool all_day = false;
    std::string tzid;

    std::string parameters() const {
        if (all_day) return ";VALUE=DATE";
        if (is_utc(tzid)) return "";
        return ";TZID=" + tzid;  // is_known_time_zone checked: plain ASCII, no ';' ':' ','
    }

    std::string value(std::string_view local, std::string_view what) const {
        if (all_day) {
            auto date = normalize_date(local);
            if (!date) throw error(std::string(what) + " of an all-day event is not a date (YYYY-MM-DD)");
            return basic_format(*date);
        }
        auto date_time = normalize_local_date_time(local);
        if (!date_time) throw error(std::string(what) + " is not a local date-time (YYYY-MM-DDTHH:MM:SS)");
        return basic_format(*date_time) + (is_utc(tzid) ? "Z" : "");
    }
};

// ---------------------------------------------------------------------------------------------
// VTIMEZONE.

// One observance of libical's own definition of a zone, for TZNAME and STANDARD/DAYLIGHT.
struct libical_observance {
    bool daylight = false;
    int from = 0;
    int to = 0;
    std::string name;
    std::string first_onset;  // "YYYYMMDDTHHMMSS", comparable as text
};

std::string basic_local(const icaltimetype& t) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d%02d%02dT%02d%02d%02d", t.year, t.month, t.day, t.hour, t.minute,
                  t.second);
    return buffer;
}

std::vector<libical_observance> libical_observances(std::string_view tzid) {
    std::vector<libical_observance> out;
    detail::with_zone_exclusively(tzid, [&](icaltimezone* zone) {
        icalcomponent* vtimezone = icaltimezone_get_component(zone);
        if (vtimezone == nullptr) return;  // UTC has none
        for (icalcomponent* c = icalcomponent_get_first_component(vtimezone, ICAL_ANY_COMPONENT); c != nullptr;
             c = icalcomponent_get_next_component(vtimezone, ICAL_ANY_COMPONENT)) {
            const icalcomponent_kind kind = icalcomponent_isa(c);
            if (kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT) continue;
            icalproperty* from = icalcomponent_get_first_property(c, ICAL_TZOFFSETFROM_PROPERTY);
            icalproperty* to = icalcomponent_get_first_property(c, ICAL_TZOFFSETTO_PROPERTY);
            icalproperty* dtstart = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
            if (from == nullptr || to == nullptr || dtstart == nullptr) continue;
            libical_observance o;
            o.daylight = kind == ICAL_XDAYLIGHT_COMPONENT;
            o.from = icalproperty_get_tzoffsetfrom(from);
            o.to = icalproperty_get_tzoffsetto(to);
            if (icalproperty* name = icalcomponent_get_first_property(c, ICAL_TZNAME_PROPERTY)) {
                if (const char* text = icalproperty_get_tzname(name)) o.name = text;
            }
            o.first_onset = basic_local(icalproperty_get_dtstart(dtstart));
            out.push_back(std::move(o));
        }
    });
    return out;
}

// What libical calls the period that starts at `onset` (local, old offset) going from -> to: the
// observance with the same offsets and the latest start not after it. A change found by our
// scan but unknown to the observances is classified by direction, without a name.
std::pair<bool, std::string> classify(const std::vector<libical_observance>& observances, int from, int to,
                                      const std::string& onset, bool initial) {
    const libical_observance* best = nullptr;
    for (const auto& o : observances) {
        if (o.to != to || (!initial && o.from != from) || o.first_onset > onset) continue;
        if (best == nullptr || o.first_onset >= best->first_onset) best = &o;
    }
    if (best != nullptr) return {best->daylight, best->name};
    return {!initial && to > from, std::string()};
}

// First and last instants whose wall clock must be right: 1970-01-01T00:00 anywhere (offsets
// reach +14:00) to 2037-12-31T24:00 anywhere (-12:00).
constexpr std::int64_t scan_first = -14 * 3600;
constexpr std::int64_t scan_last = 2145916800 + 12 * 3600;  // 2038-01-01T12:00Z

struct transition {
    std::int64_t utc;  // first second of the new offset
    int from;
    int to;
};

// Offset changes found by scanning hourly and bisecting to the second; a zone that changed and
// changed back within one hour would be missed (none has since 1970).
std::vector<transition> scan_transitions(std::string_view tzid) {
    std::vector<transition> out;
    std::int64_t t = scan_first;
    int offset = utc_offset_seconds(t, tzid);
    while (t < scan_last) {
        const std::int64_t next = t + 3600;
        const int next_offset = utc_offset_seconds(next, tzid);
        if (next_offset == offset) {
            t = next;
            continue;
        }
        std::int64_t low = t;  // invariant: the old offset at low, another at high
        std::int64_t high = next;
        while (high - low > 1) {
            const std::int64_t mid = low + (high - low) / 2;
            (utc_offset_seconds(mid, tzid) == offset ? low : high) = mid;
        }
        const int new_offset = utc_offset_seconds(high, tzid);
        out.push_back({high, offset, new_offset});
        // Go on from the change itself, so a second change within the same hour is found too.
        t = high;
        offset = new_offset;
    }
    return out;
}

constexpr std::array<std::string_view, 7> weekday_names = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

// A transition as the wall-clock event it is in the old offset.
struct onset {
    std::int64_t utc = 0;
    int from = 0;
    int to = 0;
    bool daylight = false;
    std::string name;
    std::string local;  // "YYYYMMDDTHHMMSS" in the old offset: DTSTART/RDATE of the observance
    int year = 0;
    int month = 0;
    int day = 0;
    int days_in_month = 0;
    int weekday = 0;  // 0 = Monday
    std::string time_of_day;
    // How a yearly rule can describe the day: "the weekday on or after day d" for each d that
    // works, and 0 for "the last weekday of the month".
    std::set<int> day_rules;
};

int digits(std::string_view text, std::size_t pos, std::size_t count) {
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) value = value * 10 + (text[i] - '0');
    return value;
}

onset describe(const transition& tr, const std::vector<libical_observance>& observances) {
    onset o;
    o.utc = tr.utc;
    o.from = tr.from;
    o.to = tr.to;
    o.local = wall_clock(tr.utc, tr.from);
    std::tie(o.daylight, o.name) = classify(observances, tr.from, tr.to, o.local, false);
    o.year = digits(o.local, 0, 4);
    o.month = digits(o.local, 4, 2);
    o.day = digits(o.local, 6, 2);
    o.time_of_day = o.local.substr(9);
    const std::int64_t local_seconds = tr.utc + tr.from;
    const std::int64_t days = local_seconds / seconds_per_day - (local_seconds % seconds_per_day < 0 ? 1 : 0);
    o.weekday = static_cast<int>(((days + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
    // The month's length from time.cpp's calendar: the day before the 1st of the next month.
    const std::string first_of_month = o.local.substr(0, 4) + "-" + o.local.substr(4, 2) + "-01";
    o.days_in_month = digits(add_days(add_days(first_of_month, 31).substr(0, 8) + "01", -1), 8, 2);
    for (int d = std::max(1, o.day - 6); d <= o.day && d + 6 <= o.days_in_month; ++d) o.day_rules.insert(d);
    if (o.day + 7 > o.days_in_month) o.day_rules.insert(0);
    return o;
}

// Consecutive years of one yearly rule, or a single change when no rule fits.
struct observance_run {
    std::vector<onset> onsets;
    std::set<int> day_rules;  // those that fit every onset
};

auto rule_key(const onset& o) {
    return std::make_tuple(o.daylight, o.from, o.to, o.name, o.month, o.weekday, o.time_of_day);
}

std::string byday(const observance_run& run) {
    const onset& first = run.onsets.front();
    const std::string weekday(weekday_names[static_cast<std::size_t>(first.weekday)]);
    if (run.day_rules.contains(0)) return "BYDAY=-1" + weekday;
    for (int d : {1, 8, 15, 22}) {
        if (run.day_rules.contains(d)) return "BYDAY=" + std::to_string(d / 7 + 1) + weekday;
    }
    const int d = *run.day_rules.begin();
    std::string out = "BYDAY=" + weekday + ";BYMONTHDAY=";
    for (int i = d; i < d + 7; ++i) out += (i == d ? "" : ",") + std::to_string(i);
    return out;
}

struct observance_text {
    std::int64_t first_utc;
    std::string text;
};

void observance_header(content_lines& lines, bool daylight, const std::string& name, int from, int to,
                       const std::string& dtstart) {
    lines.add("BEGIN", daylight ? "DAYLIGHT" : "STANDARD");
    lines.add("DTSTART", dtstart);
    lines.add("TZOFFSETFROM", utc_offset(from));
    lines.add("TZOFFSETTO", utc_offset(to));
    if (!name.empty()) lines.add("TZNAME", escape_text(name));
}

std::string build_vtimezone(std::string_view tzid) {
    if (!is_known_time_zone(tzid)) throw error("unknown time zone \"" + sanitized(tzid.substr(0, 64)) + "\"");
    const std::vector<libical_observance> observances = libical_observances(tzid);
    const std::vector<transition> transitions = scan_transitions(tzid);

    std::vector<observance_text> parts;

    // The offset in force on 1970-01-01, stated explicitly rather than left to each client's
    // reading of the first TZOFFSETFROM: for Europe/Stockholm it covers 1970-1979, when Sweden
    // kept CET all year, and for a zone without changes it is the whole definition.
    {
        const int initial = utc_offset_seconds(scan_first, tzid);
        const std::string start = "19700101T000000";
        const auto [daylight, name] = classify(observances, initial, initial, start, true);
        content_lines lines;
        observance_header(lines, daylight, name, initial, initial, start);
        lines.add("END", daylight ? "DAYLIGHT" : "STANDARD");
        parts.push_back({scan_first - 1, lines.take()});
    }

    // Group the changes into runs of consecutive years that one yearly rule describes.
    std::vector<observance_run> runs;
    std::map<decltype(rule_key(std::declval<const onset&>())), std::size_t> open;  // key -> index in runs
    for (const transition& tr : transitions) {
        onset o = describe(tr, observances);
        const auto key = rule_key(o);
        if (auto it = open.find(key); it != open.end()) {
            observance_run& run = runs[it->second];
            std::set<int> common;
            std::set_intersection(run.day_rules.begin(), run.day_rules.end(), o.day_rules.begin(), o.day_rules.end(),
                                  std::inserter(common, common.end()));
            if (run.onsets.back().year + 1 == o.year && !common.empty()) {
                run.day_rules = std::move(common);
                run.onsets.push_back(std::move(o));
                continue;
            }
        }
        observance_run run;
        run.day_rules = o.day_rules;
        run.onsets.push_back(std::move(o));
        open[key] = runs.size();
        runs.push_back(std::move(run));
    }

    // A run of one year is a single change; single changes with the same offsets and name share
    // one component with RDATEs.
    const int last_scanned_year = 2037;
    std::map<std::tuple<bool, int, int, std::string>, std::vector<const onset*>> singles;
    for (const observance_run& run : runs) {
        const onset& first = run.onsets.front();
        const onset& last = run.onsets.back();
        // A rule seen in 2037 is taken to go on (as far as the zone's data says, it does); one of
        // a single year is not a rule at all unless it is still running in 2037.
        if (run.onsets.size() == 1 && first.year != last_scanned_year) {
            singles[{first.daylight, first.from, first.to, first.name}].push_back(&first);
            continue;
        }
        content_lines lines;
        observance_header(lines, first.daylight, first.name, first.from, first.to, first.local);
        std::string rrule = "FREQ=YEARLY;BYMONTH=" + std::to_string(first.month) + ";" + byday(run);
        // UNTIL in UTC is the instant of the last change (RFC 5545 3.3.10 for VTIMEZONE).
        if (last.year != last_scanned_year) rrule += ";UNTIL=" + utc_date_time(last.utc);
        lines.add("RRULE", rrule);
        lines.add("END", first.daylight ? "DAYLIGHT" : "STANDARD");
        parts.push_back({first.utc, lines.take()});
    }
    for (const auto& [key, onsets] : singles) {
        const onset& first = *onsets.front();
        content_lines lines;
        observance_header(lines, first.daylight, first.name, first.from, first.to, first.local);
        if (onsets.size() > 1) {
            std::string rdates;
            for (std::size_t i = 1; i < onsets.size(); ++i) rdates += (i == 1 ? "" : ",") + onsets[i]->local;
            lines.add("RDATE", rdates);
        }
        lines.add("END", first.daylight ? "DAYLIGHT" : "STANDARD");
        parts.push_back({first.utc, lines.take()});
    }

    std::stable_sort(parts.begin(), parts.end(),
                     [](const observance_text& a, const observance_text& b) { return a.first_utc < b.first_utc; });
    content_lines lines;
    lines.add("BEGIN", "VTIMEZONE");
    lines.add("TZID", tzid);
    for (const auto& part : parts) lines.add_block(part.text);
    lines.add("END", "VTIMEZONE");
    return lines.take();
}

// ---------------------------------------------------------------------------------------------
// VEVENT.

// `to` is set only for an invitation (render_invitation): feeds are public and never name anyone
// who signed up.
void render_event(content_lines& lines, const event& e, const attendee* to = nullptr, std::string_view partstat = {}) {
    const time_form form{e.all_day, e.all_day ? std::string() : e.tzid};
    if (!e.all_day && e.tzid.empty()) throw error("timed event " + sanitized(e.uid) + " has no time zone");

    lines.add("BEGIN", "VEVENT");
    lines.add("UID", sanitized(e.uid));
    lines.add("DTSTAMP", utc_date_time(e.stamp_utc));
    lines.add("LAST-MODIFIED", utc_date_time(e.stamp_utc));
    lines.add("CREATED", utc_date_time(e.created_utc));
    lines.add("SEQUENCE", std::to_string(e.sequence));
    if (!e.recurrence_id.empty())
        lines.add("RECURRENCE-ID" + form.parameters(), form.value(e.recurrence_id, "RECURRENCE-ID"));
    lines.add("DTSTART" + form.parameters(), form.value(e.start_local, "DTSTART"));
    // Without DTEND an event lasts one day (date) or no time (date-time), RFC 5545 3.6.1.
    if (!e.end_local.empty()) lines.add("DTEND" + form.parameters(), form.value(e.end_local, "DTEND"));
    // A series is described by its master only: an override carries no rule of its own.
    if (!e.rrule.empty() && e.recurrence_id.empty()) {
        lines.add("RRULE", sanitized(e.rrule));
        if (!e.exdates.empty()) {
            std::string values;
            for (const auto& exdate : e.exdates) values += (values.empty() ? "" : ",") + form.value(exdate, "EXDATE");
            lines.add("EXDATE" + form.parameters(), values);
        }
    }
    lines.add("SUMMARY", escape_text(e.summary));
    if (!e.description.empty()) lines.add("DESCRIPTION", escape_text(e.description));
    if (!e.location.empty()) lines.add("LOCATION", escape_text(e.location));
    if (e.geo && std::isfinite(e.geo->first) && std::isfinite(e.geo->second))
        lines.add("GEO", geo_number(e.geo->first) + ";" + geo_number(e.geo->second));
    if (!e.url.empty()) lines.add("URL", sanitized(e.url));
    std::string categories;
    for (const auto& category : e.categories) {
        if (category.empty()) continue;
        if (!categories.empty()) categories += ',';
        categories += escape_text(category);
    }
    if (!categories.empty()) lines.add("CATEGORIES", categories);
    if (!e.status.empty()) {
        if (e.status != "CONFIRMED" && e.status != "TENTATIVE" && e.status != "CANCELLED")
            throw error("event " + sanitized(e.uid) + " has an unknown status");
        lines.add("STATUS", e.status);
    }
    if (e.organizer && !e.organizer->email.empty()) {
        std::string name = "ORGANIZER";
        if (!e.organizer->name.empty()) name += ";CN=" + quoted_parameter(e.organizer->name);
        lines.add(name, "mailto:" + sanitized(e.organizer->email));
    }
    if (to != nullptr) {
        std::string name = "ATTENDEE";
        if (!to->name.empty()) name += ";CN=" + quoted_parameter(to->name);
        name += ";ROLE=REQ-PARTICIPANT";
        if (!partstat.empty()) name += ";PARTSTAT=" + std::string(partstat);
        name += ";RSVP=FALSE";
        lines.add(name, "mailto:" + sanitized(to->email));
    }
    lines.add("END", "VEVENT");
}

// BEGIN:VCALENDAR and the properties every calendar object of ours starts with.
void calendar_header(content_lines& lines, std::string_view prodid) {
    lines.add("BEGIN", "VCALENDAR");
    lines.add("VERSION", "2.0");
    lines.add("PRODID", escape_text(prodid));
    lines.add("CALSCALE", "GREGORIAN");
}

// Each zone the events use once, in name order, so that the same events always give the same
// bytes.
void vtimezones(content_lines& lines, std::span<const event> events) {
    std::set<std::string, std::less<>> tzids;
    for (const event& e : events) {
        if (!e.all_day && !e.tzid.empty() && !is_utc(e.tzid)) tzids.insert(e.tzid);
    }
    for (const auto& tzid : tzids) lines.add_block(render_vtimezone(tzid));
}

}  // namespace

std::string escape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    bool after_cr = false;
    for_each_character(text, [&](char32_t cp, std::string_view bytes) {
        // CRLF, LF and a lone CR are all one line break.
        const bool lf_after_cr = after_cr && cp == '\n';
        after_cr = cp == '\r';
        if (lf_after_cr) return;
        switch (cp) {
            case '\r':
            case '\n': out += "\\n"; return;
            case '\\': out += "\\\\"; return;
            case ';': out += "\\;"; return;
            case ',': out += "\\,"; return;
            case '\t': out += '\t'; return;  // WSP is allowed in TEXT (RFC 5545 3.3.11)
            default: break;
        }
        if (!is_control(cp)) out += bytes;
    });
    return out;
}

// The result has no final CRLF, like its argument: the caller ends the line.
std::string fold_line(std::string_view line) {
    std::string out;
    out.reserve(line.size() + line.size() / 70 * 3);
    std::size_t limit = max_line_octets;  // continuation lines give one octet to the leading space
    while (line.size() > limit) {
        std::size_t cut = limit;
        while (cut > 0 && is_continuation(static_cast<unsigned char>(line[cut]))) --cut;
        if (cut == 0) cut = limit;  // not UTF-8 at all; there is no character boundary to keep
        out += line.substr(0, cut);
        out += "\r\n ";
        line.remove_prefix(cut);
        limit = max_line_octets - 1;
    }
    out += line;
    return out;
}

std::string render_vtimezone(std::string_view tzid) {
    // Scanning 68 years of offsets takes a while, and the answer never changes while the
    // process runs; the cache holds at most one entry per known zone.
    static std::mutex mutex;
    static std::map<std::string, std::string, std::less<>> cache;
    {
        std::lock_guard lock(mutex);
        if (auto it = cache.find(tzid); it != cache.end()) return it->second;
    }
    std::string text = build_vtimezone(tzid);
    std::lock_guard lock(mutex);
    return cache.emplace(std::string(tzid), std::move(text)).first->second;
}

std::string render_feed(const feed& f) {
    content_lines lines;
    calendar_header(lines, f.prodid);
    if (!f.name.empty()) {
        lines.add("NAME", escape_text(f.name));
        lines.add("X-WR-CALNAME", escape_text(f.name));
    }
    const std::string refresh = duration(f.refresh_seconds);
    lines.add("REFRESH-INTERVAL;VALUE=DURATION", refresh);
    lines.add("X-PUBLISHED-TTL", refresh);
    vtimezones(lines, f.events);
    for (const event& e : f.events) render_event(lines, e);
    lines.add("END", "VCALENDAR");
    return lines.take();
}

std::string render_invitation(const invitation& inv) {
    const bool cancel = inv.method == "CANCEL";
    if (!cancel && inv.method != "REQUEST") throw error("an invitation's method is REQUEST or CANCEL");
    // An address that sanitising empties would give "mailto:" alone: no client could use it.
    if (sanitized(inv.organizer.email).empty()) throw error("an invitation needs the organizer's address");
    if (sanitized(inv.to.email).empty()) throw error("an invitation needs the attendee's address");

    event e = inv.ev;
    e.organizer = inv.organizer;
    if (cancel) e.status = "CANCELLED";

    content_lines lines;
    calendar_header(lines, inv.prodid);
    lines.add("METHOD", inv.method);
    vtimezones(lines, std::span<const event>(&e, 1));
    // The recipient has signed up, so the invitation states their answer; RSVP=FALSE because
    // replies go nowhere (the organizer is a no-reply address): changes go through the manage link.
    render_event(lines, e, &inv.to, cancel ? std::string_view() : std::string_view("ACCEPTED"));
    lines.add("END", "VCALENDAR");
    return lines.take();
}

}  // namespace kal::calendar
