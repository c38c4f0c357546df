// libFuzzer target: parse_calendar on arbitrary bytes. Besides the sanitizers' checks it asserts
// the documented contract of the result, so a wrong answer is a finding just like a crash.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kal/calendar/ical.hpp"
#include "kal/calendar/time.hpp"

namespace {

constexpr std::size_t max_problems = 100;

[[noreturn]] void broken(const char* what, std::string_view detail = {}) {
    std::fprintf(stderr, "invariant violated: %s [%.*s]\n", what, static_cast<int>(detail.size()), detail.data());
    std::abort();
}

void check(bool condition, const char* what, std::string_view detail = {}) {
    if (!condition) broken(what, detail);
}

bool is_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

bool has_control(std::string_view s) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\n') || c == 0x7F) return true;
    }
    return false;
}

void check_event(const kal::calendar::event& e) {
    namespace cal = kal::calendar;
    check(!e.uid.empty(), "uid is empty");
    check(e.uid.size() <= 255, "uid too long", e.uid);
    if (e.all_day) {
        check(cal::normalize_date(e.start_local) == e.start_local, "all-day start is not YYYY-MM-DD", e.start_local);
        check(cal::normalize_date(e.end_local) == e.end_local, "all-day end is not YYYY-MM-DD", e.end_local);
        check(e.end_local > e.start_local, "all-day end not after start", e.end_local);
        for (const auto& x : e.exdates) check(cal::normalize_date(x) == x, "all-day exdate is not a date", x);
        if (!e.recurrence_id.empty())
            check(cal::normalize_date(e.recurrence_id) == e.recurrence_id, "all-day recurrence-id", e.recurrence_id);
    } else {
        check(cal::is_known_time_zone(e.tzid), "unknown tzid", e.tzid);
        check(cal::normalize_local_date_time(e.start_local) == e.start_local, "start is not local", e.start_local);
        check(cal::normalize_local_date_time(e.end_local) == e.end_local, "end is not local", e.end_local);
        check(cal::to_utc(e.end_local, e.tzid) > cal::to_utc(e.start_local, e.tzid), "end not after start",
              e.end_local);
        for (const auto& x : e.exdates) check(cal::normalize_local_date_time(x) == x, "exdate is not local", x);
        if (!e.recurrence_id.empty())
            check(cal::normalize_local_date_time(e.recurrence_id) == e.recurrence_id, "recurrence-id", e.recurrence_id);
    }
    if (!e.rrule.empty()) check(!cal::check_rrule(e.rrule, e.all_day), "unusable rrule kept", e.rrule);
    check(e.status == "CONFIRMED" || e.status == "TENTATIVE" || e.status == "CANCELLED", "status", e.status);
    check(!e.organizer, "organizer imported");
    check(e.url.empty() || e.url.starts_with("http://") || e.url.starts_with("https://"), "url", e.url);
    for (char c : e.url) check(c > 0x20 && c < 0x7F, "url character", e.url);
    for (std::string_view text :
         {std::string_view(e.summary), std::string_view(e.description), std::string_view(e.location)}) {
        check(is_utf8(text), "text is not UTF-8", text);
        check(!has_control(text), "text has control characters", text);
    }
    for (const auto& c : e.categories) check(is_utf8(c) && !has_control(c) && !c.empty(), "category", c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    kal::calendar::parse_result result;
    try {
        result = kal::calendar::parse_calendar(text, "Europe/Stockholm", max_problems);
    } catch (...) {
        broken("parse_calendar threw");
    }
    try {
        check(result.problems.size() <= max_problems, "too many problems");
        for (const auto& p : result.problems) {
            check(p.line >= 0, "negative line");
            check(is_utf8(p.message) && !has_control(p.message), "problem message", p.message);
            check(is_utf8(p.property), "problem property", p.property);
        }
        check(result.events.size() <= 5000, "too many events");
        for (const auto& e : result.events) check_event(e);
    } catch (const std::exception& e) {
        broken("checking the result threw", e.what());
    }
    return 0;
}
