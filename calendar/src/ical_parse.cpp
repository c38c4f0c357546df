#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text_util.hpp"
#include "kal/calendar/ical.hpp"
#include "kal/calendar/time.hpp"
#include "kal/calendar/utf8.hpp"

// Import of text/calendar bodies. The parser is written for hostile input: every loop is linear
// in the input, nothing is indexed without a bounds check, and every exception ends up as a
// problem. Times are checked and converted with time.hpp, never with libical's lenient parser.
//
// Policy on what a problem costs: a fault in what decides *when* an event happens (UID, DTSTART,
// DTEND/DURATION, RRULE, EXDATE, RECURRENCE-ID) drops the event, because importing it anyway
// would put it at the wrong time; a fault in a descriptive property (URL, GEO, STATUS, ...)
// drops that property only. Either way a problem names the line.

namespace kal::calendar {

namespace {

constexpr std::size_t max_line_octets = 64 * 1024;  // of an unfolded content line
constexpr std::size_t max_events = 5000;
constexpr std::size_t max_depth = 10;
constexpr std::size_t max_uid_octets = 255;
constexpr std::size_t max_url_octets = 2048;
constexpr std::size_t max_quoted_octets = 64;
constexpr std::size_t max_tzid_octets = 256;

// ---------------------------------------------------------------------------------------------
// Problems.

class problem_sink {
public:
    problem_sink(std::vector<parse_problem>& out, std::size_t limit) : out_(out), limit_(limit) {}

    bool full() const { return out_.size() >= limit_; }

    void add(int line, std::string_view property, std::string message) {
        if (full()) return;
        out_.push_back({line, std::string(property), std::move(message)});
    }

private:
    std::vector<parse_problem>& out_;
    std::size_t limit_;
};

// Length of the well-formed UTF-8 sequence at text[pos], or 0 (calendar/utf8.hpp's rules).
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
    char32_t ignored = 0;
    return utf8::sequence(text, pos, ignored);
}

bool is_utf8(std::string_view text) { return utf8::is_valid(text); }

// Untrusted text in a message: short, whole UTF-8 characters, no control characters.
std::string quoted(std::string_view text) {
    std::string out = "\"";
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t length = utf8_sequence_length(text, pos);
        if (length == 0) length = 1;
        if (pos + length > max_quoted_octets) break;
        const auto c = static_cast<unsigned char>(text[pos]);
        if (length == 1 && (c < 0x20 || c >= 0x7F))
            out += '?';
        else
            out.append(text.substr(pos, length));
        pos += length;
    }
    if (pos < text.size()) out += "...";
    out += '"';
    return out;
}

// Messages from time.hpp quote untrusted text as it is: replace control characters and bytes
// that are not whole UTF-8 characters, since problems reach clients.
std::string clean_message(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t length = utf8_sequence_length(text, pos);
        const auto c = static_cast<unsigned char>(text[pos]);
        if (length == 0 || (length == 1 && (c < 0x20 || c == 0x7F))) {
            out += '?';
            pos += 1;
        } else {
            out.append(text.substr(pos, length));
            pos += length;
        }
    }
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

// A component name for a message: itself when it looks like one, else quoted.
std::string display_name(std::string_view name) {
    if (!name.empty() && name.size() <= max_quoted_octets && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        }))
        return std::string(name);
    return quoted(name);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

// ---------------------------------------------------------------------------------------------
// Lines: split at CRLF, LF or a lone CR, and unfolded (a line break followed by one space or
// tab joins the lines). Each logical line is numbered from 1.

struct logical_line {
    int number = 0;
    std::string_view text;  // valid until the next call of next()
};

class line_reader {
public:
    explicit line_reader(std::string_view input) : input_(input) {
        if (input_.starts_with("\xEF\xBB\xBF")) input_.remove_prefix(3);  // Outlook's byte order mark
    }

    // nullopt at the end of the input or at a line longer than max_line_octets (see too_long).
    std::optional<logical_line> next() {
        if (too_long_ || pos_ >= input_.size()) return std::nullopt;
        ++number_;
        const std::string_view first = physical_line();
        if (first.size() > max_line_octets) return stop_at(first);
        if (!at_continuation()) return logical_line{number_, first};
        buffer_.assign(first);
        while (at_continuation()) {
            ++pos_;
            const std::string_view more = physical_line();
            if (buffer_.size() + more.size() > max_line_octets) return stop_at(buffer_);
            buffer_.append(more);
        }
        return logical_line{number_, buffer_};
    }

    bool too_long() const { return too_long_; }
    int number() const { return number_; }
    const std::string& too_long_name() const { return too_long_name_; }

private:
    std::string_view physical_line() {
        const std::size_t end = input_.find_first_of("\r\n", pos_);
        const std::string_view line =
            input_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
        pos_ = end == std::string_view::npos ? input_.size() : end;
        if (pos_ < input_.size() && input_[pos_] == '\r') ++pos_;
        if (pos_ < input_.size() && input_[pos_] == '\n') ++pos_;
        return line;
    }

    // physical_line leaves pos_ just after a line break or at the end.
    bool at_continuation() const { return pos_ < input_.size() && (input_[pos_] == ' ' || input_[pos_] == '\t'); }

    std::nullopt_t stop_at(std::string_view start) {
        too_long_ = true;
        std::size_t n = 0;
        while (n < start.size() && n < 64 &&
               ((start[n] >= 'A' && start[n] <= 'Z') || (start[n] >= 'a' && start[n] <= 'z') ||
                (start[n] >= '0' && start[n] <= '9') || start[n] == '-'))
            ++n;
        too_long_name_ = upper(start.substr(0, n));
        return std::nullopt;
    }

    std::string_view input_;
    std::size_t pos_ = 0;
    int number_ = 0;
    std::string buffer_;
    bool too_long_ = false;
    std::string too_long_name_;
};

// ---------------------------------------------------------------------------------------------
// Content lines: NAME *(";" PARAM "=" VALUE *("," VALUE)) ":" VALUE.

struct parameter {
    std::string name;   // upper case
    std::string value;  // several values joined with ","; quotes removed, RFC 6868 decoded
};

struct content_line {
    int line = 0;
    std::string name;  // upper case
    std::vector<parameter> parameters;
    std::string value;

    const std::string* parameter_value(std::string_view parameter_name) const {
        for (const auto& p : parameters) {
            if (p.name == parameter_name) return &p.value;
        }
        return nullptr;
    }
};

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// RFC 6868: ^n is a newline, ^' a double quote, ^^ a caret.
void append_parameter_text(std::string& out, std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '^' && i + 1 < text.size()) {
            const char n = text[i + 1];
            if (n == 'n' || n == 'N') {
                out += '\n';
                ++i;
                continue;
            }
            if (n == '\'') {
                out += '"';
                ++i;
                continue;
            }
            if (n == '^') {
                out += '^';
                ++i;
                continue;
            }
        }
        out += text[i];
    }
}

struct content_line_result {
    std::optional<content_line> line;
    std::string name;   // when known, for the problem
    std::string error;  // when line is empty
};

content_line_result parse_content_line(const logical_line& in) {
    const std::string_view text = in.text;
    content_line_result result;
    std::size_t pos = 0;
    while (pos < text.size() && is_name_char(text[pos])) ++pos;
    if (pos == 0 || pos == text.size() || (text[pos] != ':' && text[pos] != ';')) {
        result.error = "not an iCalendar content line (NAME:VALUE)";
        return result;
    }
    content_line line;
    line.line = in.number;
    line.name = upper(text.substr(0, pos));
    result.name = line.name;
    while (pos < text.size() && text[pos] == ';') {
        ++pos;
        const std::size_t name_start = pos;
        while (pos < text.size() && is_name_char(text[pos])) ++pos;
        if (pos == name_start || pos == text.size() || text[pos] != '=') {
            result.error = "malformed parameter";
            return result;
        }
        parameter p;
        p.name = upper(text.substr(name_start, pos - name_start));
        ++pos;
        for (bool first = true;; first = false) {
            if (!first) p.value += ',';
            if (pos < text.size() && text[pos] == '"') {
                const std::size_t close = text.find('"', pos + 1);
                if (close == std::string_view::npos) {
                    result.error = "parameter " + p.name + " has an unterminated quoted value";
                    return result;
                }
                append_parameter_text(p.value, text.substr(pos + 1, close - pos - 1));
                pos = close + 1;
            } else {
                const std::size_t end = text.find_first_of(",;:\"", pos);
                if (end == std::string_view::npos || text[end] == '"') {
                    result.error = "malformed parameter " + p.name;
                    return result;
                }
                append_parameter_text(p.value, text.substr(pos, end - pos));
                pos = end;
            }
            if (pos < text.size() && text[pos] == ',') {
                ++pos;
                continue;
            }
            break;
        }
        line.parameters.push_back(std::move(p));
    }
    if (pos >= text.size() || text[pos] != ':') {
        result.error = "malformed parameters";
        return result;
    }
    line.value.assign(text.substr(pos + 1));
    result.line = std::move(line);
    return result;
}

// ---------------------------------------------------------------------------------------------
// TEXT values.

// Control characters are dropped (C0, DEL and C1); CR, LF and CRLF become one "\n".
std::string clean_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (c == '\n') {
            out += '\n';
        } else if (c < 0x20 || c == 0x7F) {
            continue;
        } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
            ++i;  // U+0080..U+009F
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// RFC 5545 3.3.11: \n or \N, \, \; and \\. Other escapes (such as Outlook's "\:") stand for
// the character itself.
std::string unescape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
        } else if (i + 1 < text.size()) {
            const char n = text[++i];
            out += n == 'n' || n == 'N' ? '\n' : n;
        }
    }
    return clean_text(out);
}

// A TEXT list (CATEGORIES): split at commas that are not escaped.
std::vector<std::string> split_text_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] == '\\') {
            ++i;
            continue;
        }
        if (i == text.size() || text[i] == ',') {
            out.push_back(unescape_text(text.substr(start, i - start)));
            start = i + 1;
        }
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

using detail::split;

// ---------------------------------------------------------------------------------------------
// Time zones.

// Microsoft's zone names as Outlook and Exchange write them, mapped as the Unicode CLDR
// windowsZones table does for the territory "001" (FLE: Helsinki rather than Kyiv, the larger
// population of Outlook users that concerns us).
constexpr std::pair<std::string_view, std::string_view> windows_zones[] = {
    {"UTC", "UTC"},
    {"Coordinated Universal Time", "UTC"},
    {"GMT Standard Time", "Europe/London"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"FLE Standard Time", "Europe/Helsinki"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"Kaliningrad Standard Time", "Europe/Kaliningrad"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"Belarus Standard Time", "Europe/Minsk"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Russia Time Zone 3", "Europe/Samara"},
    {"Astrakhan Standard Time", "Europe/Astrakhan"},
    {"Saratov Standard Time", "Europe/Saratov"},
    {"Volgograd Standard Time", "Europe/Volgograd"},
    {"Azores Standard Time", "Atlantic/Azores"},
    {"Morocco Standard Time", "Africa/Casablanca"},
    {"W. Central Africa Standard Time", "Africa/Lagos"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"Egypt Standard Time", "Africa/Cairo"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"India Standard Time", "Asia/Kolkata"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
    {"Eastern Standard Time", "America/New_York"},
    {"US Eastern Standard Time", "America/Indiana/Indianapolis"},
    {"Central Standard Time", "America/Chicago"},
    {"Mountain Standard Time", "America/Denver"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"Alaskan Standard Time", "America/Anchorage"},
    {"Hawaiian Standard Time", "Pacific/Honolulu"},
    {"Atlantic Standard Time", "America/Halifax"},
    {"Newfoundland Standard Time", "America/St_Johns"},
    {"Canada Central Standard Time", "America/Regina"},
    {"Central Standard Time (Mexico)", "America/Mexico_City"},
    {"SA Pacific Standard Time", "America/Bogota"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"Argentina Standard Time", "America/Buenos_Aires"},
};

bool is_version_segment(std::string_view segment) {
    if (segment == "Tzfile" || segment.starts_with("Olson_")) return true;
    return !segment.empty() &&
           std::all_of(segment.begin(), segment.end(), [](char c) { return (c >= '0' && c <= '9') || c == '_'; });
}

// libical, Evolution and Thunderbird name zones after the database that defined them:
// "/freeassociation.sourceforge.net/Tzfile/Europe/Stockholm", "/mozilla.org/20050126_1/...".
std::string_view strip_vendor_prefix(std::string_view tzid) {
    static constexpr std::array<std::string_view, 5> vendors = {
        "/freeassociation.sourceforge.net/", "/softwarestudio.org/", "/mozilla.org/", "/citadel.org/", "/kde.org/"};
    for (std::string_view vendor : vendors) {
        if (!tzid.starts_with(vendor)) continue;
        tzid.remove_prefix(vendor.size());
        if (const std::size_t slash = tzid.find('/');
            slash != std::string_view::npos && is_version_segment(tzid.substr(0, slash)))
            tzid.remove_prefix(slash + 1);
        return tzid;
    }
    return tzid;
}

class zone_resolver {
public:
    // A VTIMEZONE may name the IANA zone it was made from in X-LIC-LOCATION (libical, Evolution).
    void add_location(std::string_view tzid, std::string_view location) {
        locations_.insert_or_assign(std::string(tzid), std::string(location));
        if (auto it = cache_.find(tzid); it != cache_.end()) cache_.erase(it);
    }

    std::optional<std::string> resolve(std::string_view tzid) {
        // No zone name is this long; refusing early keeps lookups of long junk (repeated for each
        // item of an EXDATE list) cheap and the cache small.
        if (tzid.size() > max_tzid_octets) return std::nullopt;
        if (auto it = cache_.find(tzid); it != cache_.end()) return it->second;
        auto resolved = lookup(tzid);
        if (!resolved) {
            if (auto it = locations_.find(tzid); it != locations_.end()) resolved = lookup(it->second);
        }
        cache_.emplace(std::string(tzid), resolved);
        return resolved;
    }

private:
    static std::optional<std::string> lookup(std::string_view tzid) {
        const std::string_view name = trim(strip_vendor_prefix(tzid));
        if (is_known_time_zone(name)) return std::string(name);
        for (const auto& [windows, iana] : windows_zones) {
            if (windows == name && is_known_time_zone(iana)) return std::string(iana);
        }
        return std::nullopt;
    }

    std::map<std::string, std::optional<std::string>, std::less<>> cache_;
    std::map<std::string, std::string, std::less<>> locations_;
};

// ---------------------------------------------------------------------------------------------
// DATE and DATE-TIME values.

struct time_value {
    bool date = false;
    std::string local;  // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS"
    std::string tzid;   // IANA; "UTC" for a value ending in Z
};

struct time_result {
    std::optional<time_value> value;
    std::string error;
};

struct time_context {
    zone_resolver& zones;
    std::string_view default_tzid;
};

// One DATE or DATE-TIME (as in DTSTART, or one item of an EXDATE list).
time_result read_time_item(std::string_view text, const content_line& line, const time_context& context) {
    time_result result;
    const std::string* value_type = line.parameter_value("VALUE");
    const bool date = value_type ? iequals(*value_type, "DATE") : text.size() == 8;
    if (value_type && !date && !iequals(*value_type, "DATE-TIME")) {
        result.error = "VALUE=" + quoted(*value_type) + " is not supported; expected DATE or DATE-TIME";
        return result;
    }
    time_value v;
    v.date = date;
    if (date) {
        std::optional<std::string> normal;
        if (text.size() == 8)
            normal = normalize_date(std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) + "-" +
                                    std::string(text.substr(6, 2)));
        if (!normal) {
            result.error = quoted(text) + " is not a valid date (YYYYMMDD, years 1900-2200)";
            return result;
        }
        v.local = std::move(*normal);
        v.tzid = std::string(context.default_tzid);
        result.value = std::move(v);
        return result;
    }
    const bool utc = text.size() == 16 && (text[15] == 'Z' || text[15] == 'z');
    std::optional<std::string> normal;
    if ((text.size() == 15 || utc) && text[8] == 'T')
        normal = normalize_local_date_time(std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) + "-" +
                                           std::string(text.substr(6, 2)) + "T" + std::string(text.substr(9, 2)) + ":" +
                                           std::string(text.substr(11, 2)) + ":" + std::string(text.substr(13, 2)));
    if (!normal) {
        result.error = quoted(text) + " is not a valid date-time (YYYYMMDDTHHMMSS with an optional Z, years 1900-2200)";
        return result;
    }
    v.local = std::move(*normal);
    if (utc) {
        v.tzid = "UTC";  // a TZID beside a UTC time is meaningless (RFC 5545 3.3.5); Z wins
    } else if (const std::string* tzid = line.parameter_value("TZID")) {
        auto resolved = context.zones.resolve(*tzid);
        if (!resolved) {
            result.error =
                "unknown time zone TZID=" + quoted(*tzid) + " (neither an IANA name nor a known Windows name)";
            return result;
        }
        v.tzid = std::move(*resolved);
    } else {
        v.tzid = std::string(context.default_tzid);  // floating: the importer's zone
    }
    result.value = std::move(v);
    return result;
}

time_result read_time(const content_line& line, const time_context& context) {
    return read_time_item(trim(line.value), line, context);
}

// The local time in `tzid` that denotes exactly `utc`; nullopt when there is none (the second
// occurrence of a repeated hour reads back as the first) or it is out of range.
std::optional<std::string> exact_local(std::int64_t utc, std::string_view tzid) {
    std::string local = to_local(utc, tzid);
    if (!normalize_local_date_time(local) || to_utc(local, tzid) != utc) return std::nullopt;
    return local;
}

// A timed value in the event's zone, exactly.
std::optional<std::string> in_zone(const time_value& v, std::string_view tzid) {
    if (v.tzid == tzid) return v.local;
    return exact_local(to_utc(v.local, v.tzid), tzid);
}

// ---------------------------------------------------------------------------------------------
// DURATION: [+]P nW | [+]P [nD] [T [nH] [nM] [nS]].

struct duration_value {
    int days = 0;  // nominal days (weeks included): the same wall-clock time on a later day
    std::int64_t seconds = 0;
};

std::optional<duration_value> parse_duration(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.size() < 3 || (text.front() != 'P' && text.front() != 'p')) return std::nullopt;
    text.remove_prefix(1);
    duration_value d;
    std::string_view allowed = "WDT";  // what may still follow, in order
    bool any = false;
    while (!text.empty()) {
        if (text.front() == 'T' || text.front() == 't') {
            if (allowed.find('T') == std::string_view::npos) return std::nullopt;
            allowed = "HMS";
            text.remove_prefix(1);
            if (text.empty()) return std::nullopt;
            continue;
        }
        std::size_t digits = 0;
        while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
        if (digits == 0 || digits > 6 || digits == text.size()) return std::nullopt;
        int n = 0;
        std::from_chars(text.data(), text.data() + digits, n);
        char designator = text[digits];
        if (designator >= 'a' && designator <= 'z') designator = static_cast<char>(designator - 'a' + 'A');
        const std::size_t at = allowed.find(designator);
        if (at == std::string_view::npos || designator == 'T') return std::nullopt;
        allowed.remove_prefix(at + 1);
        switch (designator) {
            case 'W':
                d.days += 7 * n;
                allowed = "";  // P1W stands alone
                break;
            case 'D':
                d.days += n;
                break;
            case 'H':
                d.seconds += std::int64_t{n} * 3600;
                break;
            case 'M':
                d.seconds += std::int64_t{n} * 60;
                break;
            default:
                d.seconds += n;
                break;
        }
        any = true;
        text.remove_prefix(digits + 1);
    }
    if (!any) return std::nullopt;
    return d;
}

// ---------------------------------------------------------------------------------------------
// Events.

struct raw_event {
    int line = 0;  // of BEGIN:VEVENT
    std::vector<content_line> properties;
};

// The properties an event keeps; ORGANIZER, ATTENDEE and everything else are not even stored.
bool is_event_property(std::string_view name) {
    static constexpr std::string_view names[] = {
        "UID",   "DTSTART", "DTEND",         "DURATION", "SUMMARY",       "DESCRIPTION", "LOCATION",
        "URL",   "GEO",     "CATEGORIES",    "STATUS",   "SEQUENCE",      "RRULE",       "EXDATE",
        "RDATE", "EXRULE",  "RECURRENCE-ID", "CREATED",  "LAST-MODIFIED", "DTSTAMP"};
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

bool is_single_property(std::string_view name) { return name != "CATEGORIES" && name != "EXDATE" && name != "RDATE"; }

bool is_valid_uid(std::string_view uid) {
    return !uid.empty() && uid.size() <= max_uid_octets &&
           std::all_of(uid.begin(), uid.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

bool is_http_url(std::string_view url) {
    if (url.size() > max_url_octets) return false;
    if (!std::all_of(url.begin(), url.end(),
                     [](char c) { return c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' && c != '\\'; }))
        return false;
    std::string_view rest;
    if (url.size() > 7 && iequals(url.substr(0, 7), "http://"))
        rest = url.substr(7);
    else if (url.size() > 8 && iequals(url.substr(0, 8), "https://"))
        rest = url.substr(8);
    else
        return false;
    const std::size_t host_end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, host_end);
    const std::size_t at = authority.rfind('@');
    const std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
    return !host.empty() && host.front() != ':';
}

std::optional<double> parse_coordinate(std::string_view text, double limit) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty() || text.size() > 32) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < -limit ||
        value > limit)
        return std::nullopt;
    return value;
}

class event_builder {
public:
    event_builder(problem_sink& problems, const time_context& context) : problems_(problems), context_(context) {}

    std::optional<event> build(const raw_event& raw) {
        ok_ = true;
        std::map<std::string_view, const content_line*> single;
        std::vector<const content_line*> exdates;
        std::set<std::string, std::less<>> categories;  // to drop repeats in linear-log time
        event e;
        for (const content_line& p : raw.properties) {
            if (is_single_property(p.name) && !single.emplace(p.name, &p).second) {
                problem(p, p.name + " appears more than once in this VEVENT; the first is used");
                continue;
            }
            if (p.name == "CATEGORIES") {
                for (auto& category : split_text_list(p.value)) {
                    const std::string_view t = trim(category);
                    if (!t.empty() && categories.emplace(t).second) e.categories.emplace_back(t);
                }
            } else if (p.name == "EXDATE") {
                exdates.push_back(&p);
            } else if (p.name == "RDATE") {
                problem(p, "RDATE (extra dates of a series) is not supported; those dates are not imported");
            }
        }
        const auto get = [&](std::string_view name) -> const content_line* {
            auto it = single.find(name);
            return it == single.end() ? nullptr : it->second;
        };

        if (const content_line* uid = get("UID")) {
            if (is_valid_uid(uid->value))
                e.uid = uid->value;
            else
                fail(*uid, "UID must be 1-255 printable ASCII characters without spaces");
        } else {
            fail(raw.line, "UID", "VEVENT has no UID");
        }

        read_times(raw, get, e);
        if (ok_) read_series(get, exdates, e);
        read_description(get, e);
        if (!ok_) return std::nullopt;
        return e;
    }

private:
    template <typename Get>
    void read_times(const raw_event& raw, const Get& get, event& e) {
        const content_line* dtstart = get("DTSTART");
        const content_line* dtend = get("DTEND");
        const content_line* duration = get("DURATION");
        if (dtstart == nullptr) return fail(raw.line, "DTSTART", "VEVENT has no DTSTART");
        const time_result start = read_time(*dtstart, context_);
        if (!start.value) return fail(*dtstart, start.error);
        e.all_day = start.value->date;
        e.start_local = start.value->local;
        e.tzid = start.value->tzid;
        if (dtend != nullptr && duration != nullptr)
            return fail(*duration, "VEVENT has both DTEND and DURATION; RFC 5545 allows only one");

        if (dtend != nullptr) {
            const time_result end = read_time(*dtend, context_);
            if (!end.value) return fail(*dtend, end.error);
            if (end.value->date != e.all_day)
                return fail(*dtend,
                            e.all_day ? "DTEND must be a date like DTSTART" : "DTEND must be a date-time like DTSTART");
            if (e.all_day) {
                e.end_local = end.value->local;
            } else {
                auto local = in_zone(*end.value, e.tzid);
                if (!local) return fail(*dtend, "DTEND cannot be expressed exactly in the time zone of DTSTART");
                e.end_local = std::move(*local);
            }
        } else if (duration != nullptr) {
            const auto d = parse_duration(trim(duration->value));
            if (!d)
                return fail(*duration,
                            quoted(duration->value) + " is not a valid positive DURATION (P1D, PT1H30M, P1W)");
            if (e.all_day) {
                if (d->seconds % 86400 != 0) return fail(*duration, "an all-day event needs a DURATION in whole days");
                e.end_local = add_days(e.start_local, d->days + static_cast<int>(d->seconds / 86400));
                if (!normalize_date(e.end_local)) return fail(*duration, "the end is out of range");
            } else {
                // Days are nominal (same wall-clock time), hours and less are exact (RFC 5545 3.3.6).
                std::string local = add_days(e.start_local.substr(0, 10), d->days) + e.start_local.substr(10);
                if (!normalize_local_date_time(local)) return fail(*duration, "the end is out of range");
                if (d->seconds != 0) {
                    auto exact = exact_local(to_utc(local, e.tzid) + d->seconds, e.tzid);
                    if (!exact) return fail(*duration, "the end cannot be expressed exactly in the event's time zone");
                    local = std::move(*exact);
                }
                e.end_local = std::move(local);
            }
        } else if (e.all_day) {
            e.end_local = add_days(e.start_local, 1);  // RFC 5545 3.6.1: a date without end lasts the day
        } else {
            return fail(raw.line, "DTEND", "VEVENT has neither DTEND nor DURATION");
        }

        const content_line* end_line = dtend != nullptr ? dtend : duration;
        const int end_number = end_line != nullptr ? end_line->line : raw.line;
        const std::string end_name = end_line != nullptr ? end_line->name : "DTEND";
        if (e.all_day) {
            if (e.end_local <= e.start_local)
                return fail(end_number, end_name,
                            "the event ends before or when it starts (" + end_name + " <= DTSTART)");
            e.tzid = std::string(context_.default_tzid);  // meaningless for dates; kept valid
        } else if (to_utc(e.end_local, e.tzid) <= to_utc(e.start_local, e.tzid)) {
            return fail(end_number, end_name, "the event ends before or when it starts (" + end_name + " <= DTSTART)");
        }
    }

    template <typename Get>
    void read_series(const Get& get, const std::vector<const content_line*>& exdates, event& e) {
        const content_line* rrule = get("RRULE");
        const content_line* recurrence_id = get("RECURRENCE-ID");
        if (const content_line* exrule = get("EXRULE"))
            return fail(*exrule, "EXRULE (deprecated by RFC 5545) is not supported");
        if (rrule != nullptr) {
            const std::string value(trim(rrule->value));
            if (auto why = check_rrule(value, e.all_day)) return fail(*rrule, "unusable RRULE: " + clean_message(*why));
            if (recurrence_id != nullptr)
                return fail(*rrule, "an overridden occurrence (RECURRENCE-ID) cannot have its own RRULE");
            e.rrule = value;
        }
        if (recurrence_id != nullptr) {
            if (const std::string* range = recurrence_id->parameter_value("RANGE"))
                return fail(*recurrence_id,
                            "RANGE=" + quoted(*range) + " is not supported; only single occurrences can be overridden");
            auto local = read_instance(*recurrence_id, trim(recurrence_id->value), e);
            if (!local) return;
            e.recurrence_id = std::move(*local);
        }
        std::set<std::string> seen;
        for (const content_line* exdate : exdates) {
            if (rrule == nullptr) {
                problem(*exdate, "EXDATE without RRULE has nothing to exclude and is ignored");
                continue;
            }
            for (std::string_view item : split(exdate->value, ',')) {
                item = trim(item);
                if (item.empty()) continue;
                auto local = read_instance(*exdate, item, e);
                if (!local) return;
                if (seen.insert(*local).second) e.exdates.push_back(std::move(*local));
            }
        }
    }

    // An occurrence's start (EXDATE item, RECURRENCE-ID) in the event's form and zone.
    std::optional<std::string> read_instance(const content_line& line, std::string_view text, const event& e) {
        const time_result r = read_time_item(text, line, context_);
        if (!r.value) {
            fail(line, r.error);
            return std::nullopt;
        }
        if (r.value->date != e.all_day) {
            fail(line, e.all_day ? line.name + " must be a date in an all-day event"
                                 : line.name + " must be a date-time in a timed event");
            return std::nullopt;
        }
        if (e.all_day) return r.value->local;
        auto local = in_zone(*r.value, e.tzid);
        if (!local) fail(line, line.name + " cannot be expressed exactly in the time zone of DTSTART");
        return local;
    }

    template <typename Get>
    void read_description(const Get& get, event& e) {
        if (const content_line* p = get("SUMMARY")) e.summary = unescape_text(p->value);
        if (const content_line* p = get("DESCRIPTION")) e.description = unescape_text(p->value);
        if (const content_line* p = get("LOCATION")) e.location = unescape_text(p->value);
        if (const content_line* p = get("URL")) {
            const std::string_view url = trim(p->value);
            if (is_http_url(url)) {
                // Schemes are case-insensitive; consumers may rely on the lower-case prefix.
                const std::size_t colon = url.find(':');
                e.url = std::string(url);
                for (std::size_t i = 0; i < colon; ++i) {
                    if (e.url[i] >= 'A' && e.url[i] <= 'Z') e.url[i] = static_cast<char>(e.url[i] - 'A' + 'a');
                }
            } else {
                problem(*p, "URL " + quoted(url) + " is not an absolute http or https URL; it is not imported");
            }
        }
        if (const content_line* p = get("GEO")) {
            const auto parts = split(p->value, ';');
            std::optional<double> latitude;
            std::optional<double> longitude;
            if (parts.size() == 2) {
                latitude = parse_coordinate(parts[0], 90);
                longitude = parse_coordinate(parts[1], 180);
            }
            if (latitude && longitude)
                e.geo = std::make_pair(*latitude, *longitude);
            else
                problem(*p, "GEO must be latitude;longitude in degrees; it is not imported");
        }
        if (const content_line* p = get("STATUS")) {
            const std::string status = upper(trim(p->value));
            if (status == "CONFIRMED" || status == "TENTATIVE" || status == "CANCELLED")
                e.status = status;
            else
                problem(*p,
                        "STATUS " + quoted(p->value) + " is not CONFIRMED, TENTATIVE or CANCELLED; CONFIRMED is used");
        }
        if (const content_line* p = get("SEQUENCE")) {
            const std::string_view text = trim(p->value);
            int n = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0)
                problem(*p, "SEQUENCE must be a non-negative integer; 0 is used");
            else
                e.sequence = n;
        }
        if (const content_line* p = get("CREATED")) {
            if (auto t = read_stamp(*p)) e.created_utc = *t;
        }
        // LAST-MODIFIED is the last change; DTSTAMP is often the time of the export, so it only
        // stands in when LAST-MODIFIED is missing.
        const content_line* modified = get("LAST-MODIFIED");
        const content_line* stamp = get("DTSTAMP");
        std::optional<std::int64_t> modified_utc = modified ? read_stamp(*modified) : std::nullopt;
        std::optional<std::int64_t> stamp_utc = stamp ? read_stamp(*stamp) : std::nullopt;
        if (modified_utc)
            e.stamp_utc = *modified_utc;
        else if (stamp_utc)
            e.stamp_utc = *stamp_utc;
    }

    std::optional<std::int64_t> read_stamp(const content_line& line) {
        const std::string_view text = trim(line.value);
        if (text.size() == 16 && text[8] == 'T' && (text[15] == 'Z' || text[15] == 'z')) {
            const std::string rfc3339 = std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) + "-" +
                                        std::string(text.substr(6, 2)) + "T" + std::string(text.substr(9, 2)) + ":" +
                                        std::string(text.substr(11, 2)) + ":" + std::string(text.substr(13, 2)) + "Z";
            if (auto t = parse_rfc3339(rfc3339)) return t;
        } else {
            // Not UTC as RFC 5545 requires, but unambiguous enough: read it like DTSTART.
            const time_result r = read_time(line, context_);
            if (r.value) return to_utc(r.value->local, r.value->tzid);
        }
        problem(line, line.name + " " + quoted(text) + " is not a valid UTC date-time; it is not imported");
        return std::nullopt;
    }

    void problem(const content_line& line, std::string message) {
        problems_.add(line.line, line.name, std::move(message));
    }
    void fail(const content_line& line, std::string message) { fail(line.line, line.name, std::move(message)); }
    void fail(int line, std::string_view property, std::string message) {
        ok_ = false;
        problems_.add(line, property, std::move(message));
    }

    problem_sink& problems_;
    const time_context& context_;
    bool ok_ = true;
};

// ---------------------------------------------------------------------------------------------
// Components.

enum class component_kind { calendar, event, time_zone, skipped };

struct component {
    component_kind kind;
    std::string name;  // upper case, as in BEGIN:
    int line;
};

class calendar_parser {
public:
    calendar_parser(parse_result& result, std::string_view default_tzid, std::size_t max_problems)
        : result_(result),
          problems_(result.problems, max_problems),
          context_{zones_, default_tzid},
          builder_(problems_, context_) {}

    void run(std::string_view text) {
        if (!is_known_time_zone(context_.default_tzid))
            return problems_.add(0, "", "the default time zone " + quoted(context_.default_tzid) + " is unknown");
        if (!check_encoding(text)) return;

        line_reader lines(text);
        while (!problems_.full() && !stopped_) {
            const auto line = lines.next();
            if (!line) break;
            handle(*line);
        }
        if (lines.too_long() && !stopped_) {
            stopped_ = true;
            problems_.add(lines.number(), lines.too_long_name(),
                          "line longer than " + std::to_string(max_line_octets / 1024) + " KiB; import stopped here");
        }
        if (!stopped_) {
            for (auto it = open_.rbegin(); it != open_.rend(); ++it)
                problems_.add(it->line, "BEGIN",
                              "BEGIN:" + display_name(it->name) + " without END:" + display_name(it->name));
        }
        std::stable_sort(result_.problems.begin(), result_.problems.end(),
                         [](const parse_problem& a, const parse_problem& b) { return a.line < b.line; });
    }

private:
    // Rejects the whole body at the first line that is not UTF-8: such a file is in another
    // encoding (Windows-1252, say), and importing parts of it would garble every non-ASCII text.
    bool check_encoding(std::string_view text) {
        line_reader lines(text);
        while (const auto line = lines.next()) {
            if (!is_utf8(line->text)) {
                problems_.add(line->number, "", "the calendar is not UTF-8 text; nothing was imported");
                return false;
            }
        }
        return true;
    }

    void handle(const logical_line& in) {
        if (trim(in.text).empty()) return;  // blank lines, commonly at the end
        const content_line_result parsed = parse_content_line(in);
        if (!parsed.line) {
            // Never quote the line: it may be part of an ATTENDEE or anything else.
            return problems_.add(in.number, parsed.name, parsed.error + "; the line is ignored");
        }
        const content_line& line = *parsed.line;
        if (line.name == "BEGIN") return begin(line);
        if (line.name == "END") return end(line);
        if (open_.empty())
            return problems_.add(line.line, line.name, line.name + " outside BEGIN:VCALENDAR is ignored");
        component& top = open_.back();
        if (top.kind == component_kind::event) {
            if (is_event_property(line.name)) current_event_.properties.push_back(line);
        } else if (top.kind == component_kind::time_zone) {
            if (line.name == "TZID") time_zone_tzid_ = line.value;
            if (line.name == "X-LIC-LOCATION") time_zone_location_ = line.value;
        }
    }

    void begin(const content_line& line) {
        const std::string name = upper(trim(line.value));
        if (open_.size() >= max_depth) {
            stopped_ = true;
            return problems_.add(
                line.line, "BEGIN",
                "components nested deeper than " + std::to_string(max_depth) + " levels; import stopped here");
        }
        component_kind kind = component_kind::skipped;
        if (open_.empty()) {
            if (name == "VCALENDAR")
                kind = component_kind::calendar;
            else
                problems_.add(line.line, "BEGIN",
                              "BEGIN:" + display_name(name) + " outside BEGIN:VCALENDAR is ignored");
        } else if (open_.back().kind == component_kind::calendar) {
            if (name == "VEVENT") {
                if (++events_seen_ > max_events) {
                    stopped_ = true;
                    return problems_.add(line.line, "BEGIN",
                                         "more than " + std::to_string(max_events) + " events; import stopped here");
                }
                kind = component_kind::event;
                current_event_ = raw_event{line.line, {}};
            } else if (name == "VTIMEZONE") {
                kind = component_kind::time_zone;
                time_zone_tzid_.clear();
                time_zone_location_.clear();
            } else if (!name.starts_with("X-") && name != "VALARM") {
                problems_.add(line.line, "BEGIN",
                              "BEGIN:" + display_name(name) + ": only VEVENT is imported, this is ignored");
            }
        }
        // Inside an event, a time zone or a skipped component (VALARM, STANDARD, DAYLIGHT, ...)
        // everything nested is skipped.
        open_.push_back({kind, name, line.line});
    }

    void end(const content_line& line) {
        const std::string name = upper(trim(line.value));
        auto match = std::find_if(open_.rbegin(), open_.rend(), [&](const component& c) { return c.name == name; });
        if (match == open_.rend())
            return problems_.add(line.line, "END",
                                 "END:" + display_name(name) + " without BEGIN:" + display_name(name) + " is ignored");
        // Components left open inside this one are broken: report and discard them.
        while (open_.back().name != name) {
            const component& c = open_.back();
            problems_.add(c.line, "BEGIN", "BEGIN:" + display_name(c.name) + " without END:" + display_name(c.name));
            open_.pop_back();
        }
        const component closed = open_.back();
        open_.pop_back();
        if (closed.kind == component_kind::event) {
            std::optional<event> e;
            try {
                e = builder_.build(current_event_);
            } catch (const error& x) {
                // time.hpp refuses what our own checks let through (a time beyond its range after
                // a long DURATION, say): the event is not imported.
                problems_.add(current_event_.line, "", "VEVENT not imported: " + clean_message(x.what()));
            }
            if (e) add_event(std::move(*e), current_event_.line);
            current_event_ = raw_event{};
        } else if (closed.kind == component_kind::time_zone && !time_zone_tzid_.empty() &&
                   !time_zone_location_.empty()) {
            zones_.add_location(time_zone_tzid_, trim(time_zone_location_));
        }
    }

    void add_event(event e, int line) {
        if (!seen_.emplace(e.uid, e.recurrence_id).second) {
            return problems_.add(line, "UID",
                                 "another VEVENT with UID " + quoted(e.uid) +
                                     (e.recurrence_id.empty() ? "" : " and RECURRENCE-ID " + e.recurrence_id) +
                                     " came earlier; this one is ignored");
        }
        result_.events.push_back(std::move(e));
    }

    parse_result& result_;
    problem_sink problems_;
    zone_resolver zones_;
    time_context context_;
    event_builder builder_;
    std::vector<component> open_;
    raw_event current_event_;
    std::string time_zone_tzid_;
    std::string time_zone_location_;
    std::size_t events_seen_ = 0;
    bool stopped_ = false;
    std::set<std::pair<std::string, std::string>> seen_;
};

}  // namespace

parse_result parse_calendar(std::string_view text, std::string_view default_tzid, std::size_t max_problems) {
    parse_result result;
    try {
        calendar_parser parser(result, default_tzid, max_problems);
        parser.run(text);
    } catch (const std::exception& e) {
        // Only a bug or exhausted memory gets here; what was imported so far is not trusted.
        result.events.clear();
        try {
            result.problems.push_back({0, "", "internal error while parsing: " + clean_message(e.what())});
        } catch (...) {
        }
    } catch (...) {
        result.events.clear();
    }
    return result;
}

}  // namespace kal::calendar
