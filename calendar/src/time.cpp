#include "text_util.hpp"
#include "kal/calendar/time.hpp"

#include "time_internal.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>

// Division of labour: libical supplies zone offsets (from the system zoneinfo) and recurrence
// expansion; parsing, formatting and calendar arithmetic are done here, because libical's own
// parsers are lenient and its local-to-UTC conversion does not follow RFC 5545 for skipped and
// repeated local times (see to_utc).

namespace kal::calendar {

namespace {

// ---------------------------------------------------------------------------------------------
// Civil calendar arithmetic (proleptic Gregorian), so that string handling needs no libical.

constexpr int min_year = 1900;
constexpr int max_year = 2200;
constexpr std::int64_t seconds_per_day = 86400;

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : days[static_cast<std::size_t>(m - 1)];
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for all years we can represent.
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil_date {
    std::int64_t year;
    int month;
    int day;
};

civil_date civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const auto d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const auto m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// A wall-clock value with no zone; `timed` is false for a date.
struct local_value {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    bool timed = false;

    // Seconds since 1970-01-01T00:00 of the same wall clock: differences are wall-clock durations.
    std::int64_t naive_seconds() const {
        return days_from_civil(year, month, day) * seconds_per_day + hour * 3600 + minute * 60 + second;
    }
};

local_value local_from_naive(std::int64_t naive, bool timed) {
    const std::int64_t days = floor_div(naive, seconds_per_day);
    const std::int64_t rest = naive - days * seconds_per_day;
    const civil_date c = civil_from_days(days);
    // Callers keep instants within years 1..9999 (see checked_instant), so the casts are exact.
    return {
        static_cast<int>(c.year),    c.month, c.day, static_cast<int>(rest / 3600), static_cast<int>(rest % 3600 / 60),
        static_cast<int>(rest % 60), timed};
}

void append_digits(std::string& out, int value, int width) {
    std::string digits = std::to_string(value);
    if (digits.size() < static_cast<std::size_t>(width))
        out.append(static_cast<std::size_t>(width) - digits.size(), '0');
    out += digits;
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS": written into a buffer of its own, as lists of meetings
// format several times per meeting (issue 13's profile); values outside four and two digits (which
// no checked time has) take append_digits' general way.
std::string format_local(const local_value& v) {
    const auto fits = [](int value, int limit) { return value >= 0 && value < limit; };
    if (!fits(v.year, 10000) || !fits(v.month, 100) || !fits(v.day, 100) || !fits(v.hour, 100) ||
        !fits(v.minute, 100) || !fits(v.second, 100)) {
        std::string out;
        append_digits(out, v.year, 4);
        out += '-';
        append_digits(out, v.month, 2);
        out += '-';
        append_digits(out, v.day, 2);
        if (!v.timed) return out;
        out += 'T';
        append_digits(out, v.hour, 2);
        out += ':';
        append_digits(out, v.minute, 2);
        out += ':';
        append_digits(out, v.second, 2);
        return out;
    }
    char text[19] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0'};
    const auto put = [&text](std::size_t at, int value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10) text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, v.year, 4);
    put(5, v.month, 2);
    put(8, v.day, 2);
    if (!v.timed) return std::string(text, 10);
    put(11, v.hour, 2);
    put(14, v.minute, 2);
    put(17, v.second, 2);
    return std::string(text, 19);
}

// Reads exactly `width` ASCII digits at `pos`; std::isdigit would accept locale digits.
bool read_number(std::string_view text, std::size_t pos, std::size_t width, int& value) {
    if (pos + width > text.size()) return false;
    value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

bool read_date(std::string_view text, local_value& v) {
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
    if (!read_number(text, 0, 4, v.year) || !read_number(text, 5, 2, v.month) || !read_number(text, 8, 2, v.day))
        return false;
    return v.year >= min_year && v.year <= max_year && v.month >= 1 && v.month <= 12 && v.day >= 1 &&
           v.day <= days_in_month(v.year, v.month);
}

// "HH:MM" or "HH:MM:SS" starting at pos and running to the end of text.
bool read_time_of_day(std::string_view text, std::size_t pos, local_value& v) {
    const std::size_t left = text.size() - pos;
    if (left != 5 && left != 8) return false;
    if (text[pos + 2] != ':' || !read_number(text, pos, 2, v.hour) || !read_number(text, pos + 3, 2, v.minute))
        return false;
    v.second = 0;
    if (left == 8 && (text[pos + 5] != ':' || !read_number(text, pos + 6, 2, v.second))) return false;
    return v.hour <= 23 && v.minute <= 59 && v.second <= 59;
}

std::optional<local_value> parse_date(std::string_view text) {
    local_value v;
    if (text.size() != 10 || !read_date(text, v)) return std::nullopt;
    return v;
}

std::optional<local_value> parse_date_time(std::string_view text) {
    local_value v;
    if (text.size() < 11 || text[10] != 'T' || !read_date(text, v) || !read_time_of_day(text, 11, v))
        return std::nullopt;
    v.timed = true;
    return v;
}

std::optional<local_value> parse_local(std::string_view text) {
    if (text.size() == 10) return parse_date(text);
    return parse_date_time(text);
}

// Untrusted text goes into error messages, which may reach a client: keep it short.
std::string quoted(std::string_view text) {
    constexpr std::size_t limit = 64;
    std::string out = "\"";
    out += text.substr(0, limit);
    if (text.size() > limit) out += "...";
    out += '"';
    return out;
}

// Instants we turn into calendar fields must have a four-digit year.
std::int64_t checked_instant(std::int64_t utc) {
    constexpr std::int64_t first = -62135596800;  // 0001-01-01T00:00:00Z
    constexpr std::int64_t last = 253402300799;   // 9999-12-31T23:59:59Z
    // A day of margin on both sides leaves room for any zone offset.
    if (utc < first + seconds_per_day || utc > last - seconds_per_day)
        throw error("instant " + std::to_string(utc) + " is outside the years 0001-9999");
    return utc;
}

// ---------------------------------------------------------------------------------------------
// Time zones.

// Names as IANA writes them. Anything else is refused before libical sees it, because libical
// turns an unknown name into a path under the zoneinfo directory and reads that file; this keeps
// "../etc/x", "posix/...", "localtime" and the like away from the file system.
bool is_plausible_tzid(std::string_view tzid) {
    if (tzid.empty() || tzid.size() > 64) return false;
    bool component_start = true;
    for (char c : tzid) {
        if (component_start) {
            if (c < 'A' || c > 'Z') return false;
            component_start = false;
        } else if (c == '/') {
            component_start = true;
        } else if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_' &&
                   c != '-' && c != '+') {
            return false;
        }
    }
    return !component_start;
}

// Our own index of zones handed out by libical. libical 3.0.16's lookup is not safe to run
// concurrently with anything else: for a name missing from zone.tab (US/Eastern, Europe/Kiev)
// it reads the zone file and appends to its global array without a lock, and a zone's
// VTIMEZONE and list of changes are built lazily on first use. So every libical lookup and the
// first load of a zone happen under the exclusive lock; afterwards offsets are read under the
// shared lock (libical additionally serialises its change list with a mutex of its own).
class zone_registry {
public:
    icaltimezone* find(std::string_view tzid) {
        if (!is_plausible_tzid(tzid)) return nullptr;
        {
            std::shared_lock lock(mutex_);
            if (auto it = zones_.find(tzid); it != zones_.end()) return it->second;
        }
        std::unique_lock lock(mutex_);
        if (auto it = zones_.find(tzid); it != zones_.end()) return it->second;
        const std::string name(tzid);
        icaltimezone* zone = icaltimezone_get_builtin_timezone(name.c_str());
        // Unknown names are not remembered: they come from clients and would grow the map.
        if (zone == nullptr) return nullptr;
        load_fully(zone);
        zones_.emplace(name, zone);
        return zone;
    }

    std::shared_lock<std::shared_mutex> reading() { return std::shared_lock(mutex_); }
    std::unique_lock<std::shared_mutex> writing() { return std::unique_lock(mutex_); }

private:
    // Asking for an offset in the last year we accept makes libical load the VTIMEZONE and
    // expand its changes past that year, so later questions find everything built.
    static void load_fully(icaltimezone* zone) {
        icaltimetype t = icaltime_null_time();
        t.year = max_year;
        t.month = 12;
        t.day = 31;
        t.zone = icaltimezone_get_utc_timezone();
        int is_daylight = 0;
        icaltimezone_get_utc_offset_of_utc_time(zone, &t, &is_daylight);
    }

    std::shared_mutex mutex_;
    std::map<std::string, icaltimezone*, std::less<>> zones_;
};

zone_registry& registry() {
    static zone_registry instance;
    return instance;
}

icaltimezone* zone_or_throw(std::string_view tzid) {
    icaltimezone* zone = registry().find(tzid);
    if (zone == nullptr) throw error("unknown time zone " + quoted(tzid));
    return zone;
}

// Offsets at an instant are unambiguous, so everything here is built on them; libical's
// local-to-UTC direction is not used (see to_utc).
int offset_at(icaltimezone* zone, std::int64_t utc) {
    if (zone == icaltimezone_get_utc_timezone()) return 0;
    const local_value v = local_from_naive(checked_instant(utc), true);
    icaltimetype t = icaltime_null_time();
    t.year = v.year;
    t.month = v.month;
    t.day = v.day;
    t.hour = v.hour;
    t.minute = v.minute;
    t.second = v.second;
    t.zone = icaltimezone_get_utc_timezone();
    int is_daylight = 0;
    auto lock = registry().reading();
    return icaltimezone_get_utc_offset_of_utc_time(zone, &t, &is_daylight);
}

// RFC 5545 3.3.5: a local time in a gap is read with the offset before the gap; one that occurs
// twice means its first occurrence. libical 3.0.16 does neither (it applies the offset after a
// spring-forward change and prefers standard time in the repeated hour), hence this.
std::int64_t local_to_utc(const local_value& local, icaltimezone* zone) {
    const std::int64_t naive = local.naive_seconds();
    // Zones change offset at most once within a day of any moment, so the offsets a day before
    // and a day after are the only candidates.
    const int before = offset_at(zone, naive - seconds_per_day);
    const int after = offset_at(zone, naive + seconds_per_day);
    const std::int64_t with_before = naive - before;
    const std::int64_t with_after = naive - after;
    const bool before_fits = offset_at(zone, with_before) == before;
    const bool after_fits = offset_at(zone, with_after) == after;
    if (before_fits && after_fits) return std::min(with_before, with_after);  // repeated: the first
    if (after_fits) return with_after;
    return with_before;  // fits, or falls in a gap
}

std::string utc_to_local_text(std::int64_t utc, icaltimezone* zone) {
    return format_local(local_from_naive(utc + offset_at(zone, utc), true));
}

// ---------------------------------------------------------------------------------------------
// Recurrence rules.

using recur_iterator_ptr = std::unique_ptr<icalrecur_iterator, decltype(&icalrecur_iterator_free)>;

struct rule_parts {
    std::map<std::string, std::string, std::less<>> values;  // upper-case name -> value
};

constexpr std::array<std::string_view, 14> known_parts = {"FREQ",     "UNTIL",   "COUNT",    "INTERVAL",   "BYSECOND",
                                                          "BYMINUTE", "BYHOUR",  "BYDAY",    "BYMONTHDAY", "BYYEARDAY",
                                                          "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"};
constexpr std::array<std::string_view, 7> weekdays = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');  // ASCII only, whatever the locale
    }
    return out;
}

using detail::split;

// Optional sign then 1..max_digits ASCII digits.
std::optional<int> parse_integer(std::string_view text, bool allow_sign, std::size_t max_digits) {
    bool negative = false;
    if (allow_sign && !text.empty() && (text[0] == '+' || text[0] == '-')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text.empty() || text.size() > max_digits) return std::nullopt;
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return negative ? -value : value;
}

// A comma list of integers in [low, high], zero excluded when signed.
bool is_number_list(std::string_view value, int low, int high, bool allow_sign) {
    for (std::string_view item : split(value, ',')) {
        const auto n = parse_integer(item, allow_sign, 3);
        if (!n) return false;
        const int magnitude = *n < 0 ? -*n : *n;
        if (allow_sign ? (magnitude < low || magnitude > high) : (*n < low || *n > high)) return false;
    }
    return true;
}

bool is_weekday(std::string_view s) { return std::find(weekdays.begin(), weekdays.end(), s) != weekdays.end(); }

// UNTIL as RFC 5545 writes it: YYYYMMDD or YYYYMMDDTHHMMSS with an optional Z.
struct until_value {
    local_value value;
    bool utc = false;
};

std::optional<until_value> parse_until(std::string_view text) {
    until_value u;
    local_value& v = u.value;
    if (text.size() != 8 && text.size() != 15 && text.size() != 16) return std::nullopt;
    if (!read_number(text, 0, 4, v.year) || !read_number(text, 4, 2, v.month) || !read_number(text, 6, 2, v.day))
        return std::nullopt;
    if (v.year < min_year || v.year > max_year || v.month < 1 || v.month > 12 || v.day < 1 ||
        v.day > days_in_month(v.year, v.month))
        return std::nullopt;
    if (text.size() == 8) return u;
    if (text[8] != 'T' || !read_number(text, 9, 2, v.hour) || !read_number(text, 11, 2, v.minute) ||
        !read_number(text, 13, 2, v.second) || v.hour > 23 || v.minute > 59 || v.second > 59)
        return std::nullopt;
    if (text.size() == 16 && text[15] != 'Z') return std::nullopt;
    v.timed = true;
    u.utc = text.size() == 16;
    return u;
}

// Checks the syntax and the RFC 5545 constraints that libical's parser lets through.
std::optional<std::string> check_parts(std::string_view rrule, bool all_day, rule_parts& parts) {
    if (rrule.empty()) return "the rule is empty";
    for (std::string_view part : split(rrule, ';')) {
        const std::size_t eq = part.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == part.size())
            return "unparsable: every part must be NAME=VALUE, found " + quoted(part);
        const std::string name = upper(part.substr(0, eq));
        if (std::find(known_parts.begin(), known_parts.end(), name) == known_parts.end())
            return "unparsable: unknown part " + quoted(part.substr(0, eq));
        if (!parts.values.emplace(name, upper(part.substr(eq + 1))).second)
            return "unparsable: " + name + " appears twice";
    }
    const auto& p = parts.values;
    const auto get = [&](std::string_view name) -> const std::string* {
        auto it = p.find(name);
        return it == p.end() ? nullptr : &it->second;
    };

    const std::string* freq = get("FREQ");
    if (freq == nullptr) return "unparsable: FREQ is required";
    if (*freq == "SECONDLY" || *freq == "MINUTELY" || *freq == "HOURLY")
        return "FREQ=" + *freq + " repeats within a day, which is not a meeting series";
    if (*freq != "DAILY" && *freq != "WEEKLY" && *freq != "MONTHLY" && *freq != "YEARLY")
        return "unparsable: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY";

    if (const std::string* count = get("COUNT")) {
        const auto n = parse_integer(*count, false, 6);
        if (!n || *n < 1) return "unparsable: COUNT must be a positive number";
        if (*n == 1) return "COUNT=1 is a single meeting; create a single meeting instead";
    }
    if (const std::string* interval = get("INTERVAL")) {
        const auto n = parse_integer(*interval, false, 4);
        if (!n || *n < 1) return "unparsable: INTERVAL must be a positive number";
    }
    if (const std::string* until = get("UNTIL")) {
        if (get("COUNT") != nullptr) return "COUNT and UNTIL cannot be used together";
        const auto u = parse_until(*until);
        if (!u) return "unparsable: UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ";
        if (all_day && u->value.timed) return "UNTIL must be a date without a time for an all-day series";
        if (!all_day && !u->utc) return "UNTIL must be in UTC (YYYYMMDDTHHMMSSZ) for a timed series";
    }
    for (std::string_view name : {"BYSECOND", "BYMINUTE", "BYHOUR"}) {
        if (get(name) != nullptr && all_day) return std::string(name) + " cannot be used in an all-day series";
    }
    if (const std::string* v = get("BYSECOND"); v && !is_number_list(*v, 0, 60, false))
        return "unparsable: BYSECOND must list numbers 0-60";
    if (const std::string* v = get("BYMINUTE"); v && !is_number_list(*v, 0, 59, false))
        return "unparsable: BYMINUTE must list numbers 0-59";
    if (const std::string* v = get("BYHOUR"); v && !is_number_list(*v, 0, 23, false))
        return "unparsable: BYHOUR must list numbers 0-23";
    if (const std::string* v = get("BYMONTH"); v && !is_number_list(*v, 1, 12, false))
        return "unparsable: BYMONTH must list numbers 1-12";
    if (const std::string* v = get("BYMONTHDAY")) {
        if (!is_number_list(*v, 1, 31, true)) return "unparsable: BYMONTHDAY must list numbers 1-31 or -31 to -1";
        if (*freq == "WEEKLY") return "BYMONTHDAY cannot be used with FREQ=WEEKLY";
    }
    if (const std::string* v = get("BYYEARDAY")) {
        if (!is_number_list(*v, 1, 366, true)) return "unparsable: BYYEARDAY must list numbers 1-366 or -366 to -1";
        if (*freq != "YEARLY") return "BYYEARDAY can only be used with FREQ=YEARLY";
    }
    // libical 3.0.16 expands BYWEEKNO wrongly (FREQ=YEARLY;BYWEEKNO=20 from a Monday in week 20
    // of 2026 next gives 2030-01-26; BYWEEKNO=1;BYDAY=MO gives a Tuesday), and no meeting needs it.
    if (get("BYWEEKNO") != nullptr) return "BYWEEKNO is not supported; use BYMONTH with BYDAY or BYMONTHDAY";
    if (const std::string* v = get("BYSETPOS")) {
        if (!is_number_list(*v, 1, 366, true)) return "unparsable: BYSETPOS must list numbers 1-366 or -366 to -1";
        const bool has_other_by = std::any_of(
            p.begin(), p.end(), [](const auto& kv) { return kv.first.starts_with("BY") && kv.first != "BYSETPOS"; });
        if (!has_other_by) return "BYSETPOS needs another BYxxx part to select from";
    }
    if (const std::string* v = get("BYDAY")) {
        for (std::string_view item : split(*v, ',')) {
            if (item.size() < 2 || !is_weekday(item.substr(item.size() - 2)))
                return "unparsable: BYDAY must list weekdays such as MO, 1TU or -1FR";
            const std::string_view ordinal = item.substr(0, item.size() - 2);
            if (ordinal.empty()) continue;
            const auto n = parse_integer(ordinal, true, 2);
            const int limit = *freq == "MONTHLY" ? 5 : 53;
            if (!n || *n == 0 || *n > limit || *n < -limit)
                return "unparsable: BYDAY has a bad position " + quoted(item);
            if (*freq != "MONTHLY" && *freq != "YEARLY")
                return "BYDAY positions such as " + std::string(item) + " need FREQ=MONTHLY or FREQ=YEARLY";
        }
    }
    if (const std::string* v = get("WKST"); v && !is_weekday(*v))
        return "unparsable: WKST must be a weekday such as MO";
    return std::nullopt;
}

// libical's parse of a rule that check_parts accepted; nullopt if libical still refuses it.
std::optional<icalrecurrencetype> libical_rule(std::string_view rrule) {
    // Names and values are case-insensitive in RFC 5545; libical is given one spelling.
    const std::string text = upper(rrule);
    icalerror_clear_errno();  // per thread in libical 3
    icalrecurrencetype rule = icalrecurrencetype_from_string(text.c_str());
    if (rule.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
        icalerror_clear_errno();
        return std::nullopt;
    }
    return rule;
}

icaltimetype floating_time(const local_value& v) {
    icaltimetype t = icaltime_null_time();
    t.year = v.year;
    t.month = v.month;
    t.day = v.day;
    t.is_date = v.timed ? 0 : 1;
    if (v.timed) {
        t.hour = v.hour;
        t.minute = v.minute;
        t.second = v.second;
    }
    // zone stays null: floating, so libical steps through wall-clock times and a weekly 18:00
    // stays 18:00 across daylight-saving changes.
    return t;
}

local_value from_icaltime(const icaltimetype& t, bool timed) {
    local_value v;
    v.year = t.year;
    v.month = t.month;
    v.day = t.day;
    if (timed) {
        v.hour = t.hour;
        v.minute = t.minute;
        v.second = t.second;
    }
    v.timed = timed;
    return v;
}

recur_iterator_ptr make_iterator(const icalrecurrencetype& rule, const local_value& dtstart) {
    return recur_iterator_ptr(icalrecur_iterator_new(rule, floating_time(dtstart)), &icalrecur_iterator_free);
}

// Timed and date values compare as text once both are "YYYY-MM-DDTHH:MM:SS".
std::string comparable(const local_value& v) {
    local_value t = v;
    t.timed = true;
    return format_local(t);
}

}  // namespace

void warm_up_time_zones(const std::vector<std::string>& tzids) {
    // Unknown names are skipped: the caller checks its configuration with is_known_time_zone
    // and reports the problem in its own terms.
    for (const auto& tzid : tzids) registry().find(tzid);
}

bool is_known_time_zone(std::string_view tzid) { return registry().find(tzid) != nullptr; }

namespace detail {

void with_zone_exclusively(std::string_view tzid, const std::function<void(icaltimezone*)>& use) {
    icaltimezone* zone = zone_or_throw(tzid);
    auto lock = registry().writing();
    use(zone);
}

}  // namespace detail

std::optional<std::string> normalize_local_date_time(std::string_view text) {
    auto v = parse_date_time(text);
    if (!v) return std::nullopt;
    return format_local(*v);
}

std::optional<std::string> normalize_date(std::string_view text) {
    auto v = parse_date(text);
    if (!v) return std::nullopt;
    return format_local(*v);
}

std::string add_days(std::string_view date, int days) {
    auto v = parse_date(date);
    if (!v) throw error("malformed date " + quoted(date) + " (expected YYYY-MM-DD)");
    const civil_date c = civil_from_days(days_from_civil(v->year, v->month, v->day) + days);
    if (c.year < 1 || c.year > 9999)
        throw error("date " + quoted(date) + " plus " + std::to_string(days) + " days is out of range");
    local_value out;
    out.year = static_cast<int>(c.year);
    out.month = c.month;
    out.day = c.day;
    return format_local(out);
}

std::int64_t to_utc(std::string_view local, std::string_view tzid) {
    auto v = parse_local(local);
    if (!v)
        throw error("malformed local time " + quoted(local) +
                    " (expected YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD, years 1900-2200)");
    return local_to_utc(*v, zone_or_throw(tzid));
}

std::string to_local(std::int64_t utc, std::string_view tzid) { return utc_to_local_text(utc, zone_or_throw(tzid)); }

int utc_offset_seconds(std::int64_t utc, std::string_view tzid) { return offset_at(zone_or_throw(tzid), utc); }

namespace {

// "YYYY-MM-DDTHH:MM:SS" and then `suffix` (at most 6 characters), into the buffer. Instants are
// checked to keep a day from the edges of the years 0001-9999 (checked_instant), so that any
// offset leaves four digits of year.
rfc3339_text rfc3339_of(const local_value& v, std::string_view suffix) {
    if (v.year < 1 || v.year > 9999 || suffix.size() > 6) throw error("a time outside the years 0001-9999");
    rfc3339_text t;
    const auto put = [&t](std::size_t at, int value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10) t.data[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, v.year, 4);
    t.data[4] = '-';
    put(5, v.month, 2);
    t.data[7] = '-';
    put(8, v.day, 2);
    t.data[10] = 'T';
    put(11, v.hour, 2);
    t.data[13] = ':';
    put(14, v.minute, 2);
    t.data[16] = ':';
    put(17, v.second, 2);
    t.size = 19 + suffix.copy(t.data + 19, suffix.size());
    return t;
}

}  // namespace

rfc3339_text rfc3339(std::int64_t utc, std::string_view tzid) {
    icaltimezone* zone = zone_or_throw(tzid);
    // RFC 3339 offsets have no seconds; historical offsets such as local mean time do. Rounding
    // the offset towards zero and showing the local time that goes with the rounded offset keeps
    // the text denoting exactly the same instant.
    const int offset = offset_at(zone, utc) / 60 * 60;
    // Offsets are under a day: "+HH:MM".
    const int magnitude = offset < 0 ? -offset : offset;
    const char suffix[6] = {offset < 0 ? '-' : '+', static_cast<char>('0' + magnitude / 36000),
                            static_cast<char>('0' + magnitude / 3600 % 10), ':',
                            static_cast<char>('0' + magnitude % 3600 / 600), static_cast<char>('0' + magnitude % 600 / 60)};
    return rfc3339_of(local_from_naive(utc + offset, true), std::string_view(suffix, sizeof suffix));
}

rfc3339_text rfc3339_utc(std::int64_t utc) { return rfc3339_of(local_from_naive(checked_instant(utc), true), "Z"); }

std::string format_rfc3339(std::int64_t utc, std::string_view tzid) { return std::string(rfc3339(utc, tzid).view()); }

std::string format_rfc3339_utc(std::int64_t utc) { return std::string(rfc3339_utc(utc).view()); }

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS is 19 characters; then an optional fraction and the offset.
    if (text.size() < 20) return std::nullopt;
    local_value v;
    if (!read_date(text.substr(0, 10), v) || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
    if (text[13] != ':' || text[16] != ':' || !read_number(text, 11, 2, v.hour) ||
        !read_number(text, 14, 2, v.minute) || !read_number(text, 17, 2, v.second))
        return std::nullopt;
    // 60 is a leap second; Unix time folds it into the next second.
    if (v.hour > 23 || v.minute > 59 || v.second > 60) return std::nullopt;
    std::size_t pos = 19;
    if (text[pos] == '.') {
        const std::size_t digits_start = ++pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == digits_start) return std::nullopt;  // instants are whole seconds: the fraction is dropped
    }
    const std::string_view zone = text.substr(pos);
    int offset = 0;
    if (zone == "Z" || zone == "z") {
        offset = 0;
    } else {
        int hours = 0;
        int minutes = 0;
        if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
            !read_number(zone, 1, 2, hours) || !read_number(zone, 4, 2, minutes) || hours > 23 || minutes > 59)
            return std::nullopt;
        offset = (hours * 3600 + minutes * 60) * (zone[0] == '-' ? -1 : 1);
    }
    return v.naive_seconds() - offset;
}

std::optional<std::string> check_rrule(std::string_view rrule, bool all_day) {
    rule_parts parts;
    if (auto why = check_parts(rrule, all_day, parts)) return why;
    auto rule = libical_rule(rrule);
    if (!rule) return "unparsable: the rule is not valid RFC 5545";
    // Some combinations parse but cannot be expanded; a trial iterator finds them.
    local_value sample;
    sample.year = 2026;
    sample.month = 1;
    sample.day = 1;
    sample.timed = !all_day;
    if (!make_iterator(*rule, sample)) return "this combination of rule parts cannot be expanded";
    return std::nullopt;
}

std::vector<std::string> expand_rrule(std::string_view rrule, std::string_view dtstart_local, bool all_day,
                                      std::string_view tzid, const std::vector<std::string>& exdates,
                                      std::size_t max_count, std::string_view horizon_local) {
    rule_parts parts;
    if (auto why = check_parts(rrule, all_day, parts)) throw error("invalid recurrence rule: " + *why);
    auto rule = libical_rule(rrule);
    if (!rule) throw error("invalid recurrence rule: " + quoted(rrule));
    icaltimezone* zone = zone_or_throw(tzid);

    const auto start = all_day ? parse_date(dtstart_local) : parse_date_time(dtstart_local);
    if (!start)
        throw error("series start " + quoted(dtstart_local) + " is not a " +
                    (all_day ? "date (YYYY-MM-DD)" : "local date-time (YYYY-MM-DDTHH:MM:SS)"));
    auto horizon = parse_local(horizon_local);
    if (!horizon) throw error("malformed horizon " + quoted(horizon_local));
    // A date horizon includes its whole day.
    if (!horizon->timed) {
        horizon->hour = 23;
        horizon->minute = 59;
        horizon->second = 59;
    }
    const std::string horizon_key = comparable(*horizon);

    std::set<std::string, std::less<>> excluded;
    for (const auto& exdate : exdates) {
        auto v = parse_local(exdate);
        if (!v) throw error("malformed excluded date " + quoted(exdate));
        // An exdate of the other form (a date in a timed series) matches nothing.
        excluded.insert(format_local(*v));
    }

    // COUNT and UNTIL are applied here rather than by libical: libical would compare a UTC UNTIL
    // with our floating local occurrences as if both were wall-clock values, and RFC 5545 counts
    // DTSTART as the first occurrence even when the rule does not produce it.
    std::optional<std::int64_t> count;
    std::optional<std::int64_t> until_instant;
    std::optional<std::string> until_date;
    if (auto it = parts.values.find("COUNT"); it != parts.values.end()) count = parse_integer(it->second, false, 6);
    if (auto it = parts.values.find("UNTIL"); it != parts.values.end()) {
        const auto u = parse_until(it->second);  // checked by check_parts
        if (all_day)
            until_date = format_local(u->value);
        else
            until_instant = u->value.naive_seconds();
    }
    rule->count = 0;
    rule->until = icaltime_null_time();

    std::vector<std::string> out;
    std::int64_t produced = 0;  // occurrences of the series before exdates, for COUNT
    const auto take = [&](const local_value& v) {
        ++produced;
        std::string text = format_local(v);
        if (!excluded.contains(text)) out.push_back(std::move(text));
    };

    if (max_count == 0) return out;
    const std::string start_key = comparable(*start);
    if (start_key > horizon_key) return out;
    take(*start);  // DTSTART is always an occurrence, whatever UNTIL says

    auto iterator = make_iterator(*rule, *start);
    if (!iterator) throw error("recurrence rule " + quoted(rrule) + " cannot be expanded");
    // A rule that matches nothing (BYMONTH=2;BYMONTHDAY=30) would otherwise be walked until
    // libical gives up; no real series needs this many steps below the horizon.
    constexpr int max_steps = 200000;
    for (int step = 0; step < max_steps && out.size() < max_count; ++step) {
        if (count && produced >= *count) break;
        const icaltimetype next = icalrecur_iterator_next(iterator.get());
        if (icaltime_is_null_time(next)) break;
        const local_value v = from_icaltime(next, !all_day);
        if (v.year > max_year) break;
        const std::string key = comparable(v);
        if (key <= start_key) continue;  // libical may or may not repeat DTSTART
        if (key > horizon_key) break;
        if (until_date && format_local(v) > *until_date) break;
        if (until_instant && local_to_utc(v, zone) > *until_instant) break;
        take(v);
    }
    return out;
}

}  // namespace kal::calendar
