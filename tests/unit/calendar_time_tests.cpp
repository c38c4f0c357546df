#define BOOST_TEST_MODULE calendar_time
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "kal/calendar/time.hpp"

namespace cal = kal::calendar;
namespace chr = std::chrono;

namespace {

const std::string stockholm = "Europe/Stockholm";

// Expected values are computed with <chrono>, not with the code under test.
std::int64_t utc_seconds(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0) {
    const chr::sys_days day = chr::year{y} / chr::month{m} / chr::day{d};
    return (chr::sys_seconds{day} + chr::hours{h} + chr::minutes{mi} + chr::seconds{s}).time_since_epoch().count();
}

std::string wall_clock_text(std::int64_t seconds) {
    const chr::sys_seconds t{chr::seconds{seconds}};
    const auto day = chr::floor<chr::days>(t);
    const chr::year_month_day ymd{day};
    const chr::hh_mm_ss hms{t - day};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()));
    return buffer;
}

// The EU rule since 1996, which is what Sweden follows: summer time from 01:00 UTC on the last
// Sunday of March to 01:00 UTC on the last Sunday of October.
int stockholm_offset_by_rule(std::int64_t utc) {
    const chr::sys_seconds t{chr::seconds{utc}};
    const chr::year y = chr::year_month_day{chr::floor<chr::days>(t)}.year();
    const chr::sys_seconds summer_starts = chr::sys_days{y / chr::March / chr::Sunday[chr::last]} + chr::hours{1};
    const chr::sys_seconds summer_ends = chr::sys_days{y / chr::October / chr::Sunday[chr::last]} + chr::hours{1};
    return t >= summer_starts && t < summer_ends ? 7200 : 3600;
}

using strings = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(time_zones)

BOOST_AUTO_TEST_CASE(local_times_round_trip_across_both_dst_changes_of_2026) {
    cal::warm_up_time_zones({stockholm, "UTC"});
    for (std::int64_t from : {utc_seconds(2026, 3, 28), utc_seconds(2026, 10, 24)}) {
        for (std::int64_t t = from; t < from + 3 * 86400; t += 15 * 60) {
            const std::string local = cal::to_local(t, stockholm);
            // In the repeated hour the local text names two instants; to_utc gives the first.
            const bool second_of_repeated = cal::to_local(t - 3600, stockholm) == local;
            BOOST_TEST(cal::to_utc(local, stockholm) == (second_of_repeated ? t - 3600 : t), local);
        }
    }
}

BOOST_AUTO_TEST_CASE(instants_on_both_sides_of_the_2026_changes_have_the_right_local_time) {
    BOOST_TEST(cal::to_local(utc_seconds(2026, 3, 29, 0, 59, 59), stockholm) == "2026-03-29T01:59:59");
    BOOST_TEST(cal::to_local(utc_seconds(2026, 3, 29, 1), stockholm) == "2026-03-29T03:00:00");
    BOOST_TEST(cal::to_local(utc_seconds(2026, 10, 25, 0, 59, 59), stockholm) == "2026-10-25T02:59:59");
    BOOST_TEST(cal::to_local(utc_seconds(2026, 10, 25, 1), stockholm) == "2026-10-25T02:00:00");
    BOOST_TEST(cal::utc_offset_seconds(utc_seconds(2026, 3, 29, 0, 59, 59), stockholm) == 3600);
    BOOST_TEST(cal::utc_offset_seconds(utc_seconds(2026, 3, 29, 1), stockholm) == 7200);
    BOOST_TEST(cal::utc_offset_seconds(utc_seconds(2026, 10, 25, 0, 59, 59), stockholm) == 7200);
    BOOST_TEST(cal::utc_offset_seconds(utc_seconds(2026, 10, 25, 1), stockholm) == 3600);
}

BOOST_AUTO_TEST_CASE(nonexistent_0230_in_the_spring_gap_reads_with_the_offset_before_the_change) {
    const auto t = cal::to_utc("2026-03-29T02:30:00", stockholm);
    BOOST_TEST(t == utc_seconds(2026, 3, 29, 1, 30));
    BOOST_TEST(cal::format_rfc3339(t, stockholm) == "2026-03-29T03:30:00+02:00");
    BOOST_TEST(cal::to_utc("2026-03-29T02:00", stockholm) == utc_seconds(2026, 3, 29, 1));
    BOOST_TEST(cal::to_utc("2026-03-29T01:59:59", stockholm) == utc_seconds(2026, 3, 29, 0, 59, 59));
    BOOST_TEST(cal::to_utc("2026-03-29T03:00", stockholm) == utc_seconds(2026, 3, 29, 1));
}

BOOST_AUTO_TEST_CASE(repeated_0230_in_the_autumn_takes_the_first_occurrence) {
    const auto t = cal::to_utc("2026-10-25T02:30:00", stockholm);
    BOOST_TEST(t == utc_seconds(2026, 10, 25, 0, 30));
    BOOST_TEST(cal::format_rfc3339(t, stockholm) == "2026-10-25T02:30:00+02:00");
    BOOST_TEST(cal::format_rfc3339(t + 3600, stockholm) == "2026-10-25T02:30:00+01:00");
    BOOST_TEST(cal::to_utc("2026-10-25T01:59:59", stockholm) == utc_seconds(2026, 10, 24, 23, 59, 59));
    BOOST_TEST(cal::to_utc("2026-10-25T03:00:00", stockholm) == utc_seconds(2026, 10, 25, 2));
}

BOOST_AUTO_TEST_CASE(eighteen_oclock_on_the_days_either_side_of_each_change) {
    BOOST_TEST(cal::to_utc("2026-03-28T18:00", stockholm) == utc_seconds(2026, 3, 28, 17));
    BOOST_TEST(cal::to_utc("2026-03-29T18:00", stockholm) == utc_seconds(2026, 3, 29, 16));
    BOOST_TEST(cal::to_utc("2026-03-30T18:00", stockholm) == utc_seconds(2026, 3, 30, 16));
    BOOST_TEST(cal::to_utc("2026-10-24T18:00", stockholm) == utc_seconds(2026, 10, 24, 16));
    BOOST_TEST(cal::to_utc("2026-10-25T18:00", stockholm) == utc_seconds(2026, 10, 25, 17));
    BOOST_TEST(cal::to_utc("2026-10-26T18:00", stockholm) == utc_seconds(2026, 10, 26, 17));
    for (const char* day : {"2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"}) {
        const std::string local = std::string(day) + "T18:00:00";
        BOOST_TEST(cal::to_local(cal::to_utc(local, stockholm), stockholm) == local);
    }
}

BOOST_AUTO_TEST_CASE(a_date_means_local_midnight) {
    BOOST_TEST(cal::to_utc("2026-03-29", stockholm) == utc_seconds(2026, 3, 28, 23));
    BOOST_TEST(cal::to_utc("2026-07-01", stockholm) == utc_seconds(2026, 6, 30, 22));
    BOOST_TEST(cal::to_utc("2026-07-01", "UTC") == utc_seconds(2026, 7, 1));
}

BOOST_AUTO_TEST_CASE(every_hour_from_2000_to_2037_in_stockholm_follows_the_eu_rule) {
    // Guards the zone data we will publish as VTIMEZONE: libical's offsets against the rule.
    std::size_t checked = 0;
    std::size_t mismatches = 0;
    std::string first_mismatch;
    for (std::int64_t t = utc_seconds(2000, 1, 1); t < utc_seconds(2038, 1, 1); t += 3600, ++checked) {
        const int offset = stockholm_offset_by_rule(t);
        const std::string expected = wall_clock_text(t + offset);
        const std::string local = cal::to_local(t, stockholm);
        if (local != expected || cal::utc_offset_seconds(t, stockholm) != offset) {
            if (mismatches++ == 0) first_mismatch = wall_clock_text(t) + "Z gave " + local + ", expected " + expected;
        }
    }
    BOOST_TEST(checked > 333000u);
    BOOST_TEST(mismatches == 0u, first_mismatch);
}

BOOST_AUTO_TEST_CASE(utc_is_a_zone_without_offsets) {
    BOOST_TEST(cal::to_utc("2026-03-29T02:30:00", "UTC") == utc_seconds(2026, 3, 29, 2, 30));
    BOOST_TEST(cal::to_local(utc_seconds(2026, 3, 29, 2, 30), "UTC") == "2026-03-29T02:30:00");
    BOOST_TEST(cal::utc_offset_seconds(utc_seconds(2026, 7, 1), "UTC") == 0);
}

BOOST_AUTO_TEST_CASE(known_zones_are_iana_names_and_utc_and_nothing_else) {
    for (const char* tzid :
         {"Europe/Stockholm", "UTC", "America/New_York", "Asia/Kolkata", "America/Argentina/Buenos_Aires"})
        BOOST_TEST(cal::is_known_time_zone(tzid), tzid);
    for (const char* tzid :
         {"", "../etc", "../../etc/passwd", "/usr/share/zoneinfo/Europe/Stockholm", "Europe/Stockholm/",
          "Europe//Stockholm", "europe/stockholm", "Europe/Nowhere", "Mars/Olympus_Mons", "posix/Europe/Stockholm",
          "localtime", "Europe/Stockholm\n", "Europe/./Stockholm", "CET ", "zone.tab"})
        BOOST_TEST(!cal::is_known_time_zone(tzid), tzid);
}

BOOST_AUTO_TEST_CASE(unknown_zones_and_malformed_local_times_throw_with_a_message) {
    const auto message_of = [](auto&& call) -> std::string {
        try {
            call();
        } catch (const cal::error& e) {
            return e.what();
        }
        return "(no error)";
    };
    BOOST_TEST(message_of([] { cal::to_utc("2026-03-05T18:00", "Europe/Nowhere"); }).find("Europe/Nowhere") !=
               std::string::npos);
    BOOST_TEST(message_of([] { cal::to_utc("2026-02-30T18:00", stockholm); }).find("2026-02-30T18:00") !=
               std::string::npos);
    BOOST_CHECK_THROW(cal::to_local(0, "../etc"), cal::error);
    BOOST_CHECK_THROW(cal::utc_offset_seconds(0, ""), cal::error);
    BOOST_CHECK_THROW(cal::format_rfc3339(0, "Nowhere"), cal::error);
    for (const char* local :
         {"", "2026-03-05T24:00", "2026-03-05T18:60", "2026-03-05T18:00:60", "2026-13-01", "2026-00-10", "2026-04-31",
          "2025-02-29", "2026-03-05 18:00", "2026-03-05T18:00Z", "2026-03-05T18:00:00+01:00", "1899-12-31",
          "2201-01-01", "26-03-05", "2026-3-5", "2026-03-05T18", "2026-03-05T18:00:00.5"})
        BOOST_CHECK_THROW(cal::to_utc(local, stockholm), cal::error);
}

BOOST_AUTO_TEST_CASE(zones_first_used_from_several_threads_at_once_convert_correctly) {
    // None of these is warmed up; several are missing from zone.tab, which is the path where
    // libical itself appends to its global zone list. Run under asan-ubsan to catch a race.
    const std::vector<std::string> zones = {"US/Eastern",       "Europe/Kiev",      "America/Chicago",
                                            "Australia/Sydney", "Pacific/Auckland", "Europe/London",
                                            "Asia/Tokyo",       "America/Sao_Paulo"};
    const std::int64_t instant = utc_seconds(2026, 1, 15, 12);
    const std::vector<int> expected = {-5 * 3600, 2 * 3600, -6 * 3600, 11 * 3600, 13 * 3600, 0, 9 * 3600, -3 * 3600};
    std::vector<std::vector<int>> seen(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        threads.emplace_back([&, i] {
            for (std::size_t k = 0; k < zones.size(); ++k) {
                const auto& tzid = zones[(i + k) % zones.size()];
                seen[i].push_back(cal::utc_offset_seconds(instant, tzid));
                cal::to_utc("2026-10-25T02:30", tzid);
            }
        });
    }
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < seen.size(); ++i)
        for (std::size_t k = 0; k < zones.size(); ++k)
            BOOST_TEST(seen[i][k] == expected[(i + k) % zones.size()], zones[(i + k) % zones.size()]);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(local_values)

BOOST_AUTO_TEST_CASE(normalize_local_date_time_adds_seconds_and_rejects_non_dates) {
    BOOST_TEST(*cal::normalize_local_date_time("2026-03-05T18:00") == "2026-03-05T18:00:00");
    BOOST_TEST(*cal::normalize_local_date_time("2026-03-05T18:00:59") == "2026-03-05T18:00:59");
    BOOST_TEST(*cal::normalize_local_date_time("2024-02-29T00:00") == "2024-02-29T00:00:00");
    BOOST_TEST(*cal::normalize_local_date_time("2000-02-29T23:59") == "2000-02-29T23:59:00");
    BOOST_TEST(*cal::normalize_local_date_time("1900-01-01T00:00") == "1900-01-01T00:00:00");
    BOOST_TEST(*cal::normalize_local_date_time("2200-12-31T23:59:59") == "2200-12-31T23:59:59");
    for (const char* bad : {"",
                            "2026-03-05",
                            "2026-02-30T18:00",
                            "2025-02-29T10:00",
                            "1900-02-29T10:00",
                            "2100-02-29T10:00",
                            "2026-03-05T24:00",
                            "2026-03-05T23:60",
                            "2026-03-05T18:00:60",
                            "2026-03-05T18:00Z",
                            "2026-03-05T18:00:00Z",
                            "2026-03-05T18:00+01:00",
                            "2026-03-05T18:00:00+01:00",
                            "2026-03-05T18:00:00.000",
                            "2026-03-05t18:00",
                            "2026-03-05 18:00",
                            "2026-03-05T18:00 ",
                            " 2026-03-05T18:00",
                            "2026-03-05T8:00",
                            "1899-12-31T23:59",
                            "2201-01-01T00:00",
                            "+2026-03-05T18:00",
                            "2026-03-05T18:0a"})
        BOOST_TEST(!cal::normalize_local_date_time(bad).has_value(), '"' << bad << '"');
}

BOOST_AUTO_TEST_CASE(normalize_date_accepts_only_real_dates) {
    BOOST_TEST(*cal::normalize_date("2026-03-05") == "2026-03-05");
    BOOST_TEST(*cal::normalize_date("2024-02-29") == "2024-02-29");
    for (const char* bad : {"", "2026-02-29", "2026-04-31", "2026-3-05", "2026-03-05T00:00", "20260305", "2026-03-05 ",
                            "1899-12-31", "2201-01-01", "2026-00-01", "2026-12-32"})
        BOOST_TEST(!cal::normalize_date(bad).has_value(), '"' << bad << '"');
}

BOOST_AUTO_TEST_CASE(add_days_crosses_months_years_and_leap_days) {
    BOOST_TEST(cal::add_days("2026-03-05", 1) == "2026-03-06");
    BOOST_TEST(cal::add_days("2026-12-31", 1) == "2027-01-01");
    BOOST_TEST(cal::add_days("2024-02-28", 1) == "2024-02-29");
    BOOST_TEST(cal::add_days("2026-02-28", 1) == "2026-03-01");
    BOOST_TEST(cal::add_days("2026-03-01", -1) == "2026-02-28");
    BOOST_TEST(cal::add_days("2026-01-01", 365) == "2027-01-01");
    BOOST_TEST(cal::add_days("2026-03-05", 0) == "2026-03-05");
    BOOST_CHECK_THROW(cal::add_days("2026-02-30", 1), cal::error);
    BOOST_CHECK_THROW(cal::add_days("2026-03-05T00:00", 1), cal::error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rfc3339)

BOOST_AUTO_TEST_CASE(formats_with_the_zone_offset_and_in_utc) {
    BOOST_TEST(cal::format_rfc3339(utc_seconds(2026, 3, 5, 17), stockholm) == "2026-03-05T18:00:00+01:00");
    BOOST_TEST(cal::format_rfc3339(utc_seconds(2026, 7, 5, 16), stockholm) == "2026-07-05T18:00:00+02:00");
    BOOST_TEST(cal::format_rfc3339(utc_seconds(2026, 1, 5, 23), "America/New_York") == "2026-01-05T18:00:00-05:00");
    BOOST_TEST(cal::format_rfc3339(utc_seconds(2026, 1, 5, 12, 30), "Asia/Kolkata") == "2026-01-05T18:00:00+05:30");
    BOOST_TEST(cal::format_rfc3339(utc_seconds(2026, 3, 5, 17), "UTC") == "2026-03-05T17:00:00+00:00");
    BOOST_TEST(cal::format_rfc3339_utc(utc_seconds(2026, 3, 5, 17)) == "2026-03-05T17:00:00Z");
    BOOST_TEST(cal::format_rfc3339_utc(0) == "1970-01-01T00:00:00Z");
    BOOST_TEST(cal::format_rfc3339_utc(-1) == "1969-12-31T23:59:59Z");
    // The edges of the instants a time may have (a day inside the years 0001-9999, so that any
    // offset keeps four digits of year), and the buffers' texts the same as the strings.
    const std::int64_t last = 253402214399;   // 9999-12-30T23:59:59Z
    const std::int64_t first = -62135510400;  // 0001-01-02T00:00:00Z
    BOOST_TEST(cal::format_rfc3339_utc(last) == "9999-12-30T23:59:59Z");
    BOOST_TEST(cal::format_rfc3339_utc(first) == "0001-01-02T00:00:00Z");
    BOOST_TEST(cal::format_rfc3339(last, "Asia/Kolkata") == "9999-12-31T05:29:59+05:30");
    BOOST_TEST(cal::format_rfc3339(first, "America/New_York") == "0001-01-01T19:04:00-04:56");  // LMT -4:56:02
    BOOST_CHECK_THROW(cal::format_rfc3339_utc(last + 1), cal::error);
    BOOST_CHECK_THROW(cal::format_rfc3339(first - 1, "Europe/Stockholm"), cal::error);
    for (const std::int64_t t : {first, std::int64_t{-1}, std::int64_t{0}, utc_seconds(2026, 3, 29, 1), last}) {
        for (const char* zone : {"Europe/Stockholm", "America/New_York", "Asia/Kolkata", "UTC"})
            BOOST_TEST(std::string(cal::rfc3339(t, zone).view()) == cal::format_rfc3339(t, zone));
        BOOST_TEST(std::string(cal::rfc3339_utc(t).view()) == cal::format_rfc3339_utc(t));
    }
    BOOST_CHECK_THROW(cal::rfc3339(0, "Nowhere"), cal::error);
}

BOOST_AUTO_TEST_CASE(parses_utc_and_offsets_and_drops_fractions) {
    const auto at_17 = utc_seconds(2026, 3, 5, 17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05T17:00:00Z") == at_17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05t17:00:00z") == at_17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05T18:00:00+01:00") == at_17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05T12:00:00-05:00") == at_17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05T22:30:00+05:30") == at_17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05T17:00:00.999Z") == at_17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05T18:00:00.123456+01:00") == at_17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-06T00:30:00+01:00") == utc_seconds(2026, 3, 5, 23, 30));
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05T17:00:00+00:00") == at_17);
    BOOST_TEST(*cal::parse_rfc3339("2026-03-05T17:00:00-00:00") == at_17);
}

BOOST_AUTO_TEST_CASE(rejects_anything_that_is_not_rfc3339) {
    for (const char* bad : {"",
                            "2026-03-05",
                            "2026-03-05T17:00",
                            "2026-03-05T17:00:00",
                            "2026-03-05T17:00Z",
                            "2026-03-05 17:00:00Z",
                            "2026-03-05T17:00:00+0100",
                            "2026-03-05T17:00:00+01",
                            "2026-03-05T17:00:00 Z",
                            "2026-03-05T17:00:00Z ",
                            "2026-03-05T17:00:00.Z",
                            "2026-03-05T17:00:00,5Z",
                            "2026-02-30T17:00:00Z",
                            "2026-03-05T24:00:00Z",
                            "2026-03-05T17:60:00Z",
                            "2026-03-05T17:00:00+24:00",
                            "2026-03-05T17:00:00+01:60",
                            "2026-03-05T17:00:00UTC",
                            "2026-03-05T17:00:00Z+01:00",
                            "20260305T170000Z",
                            "2026-03-05T17:00:00.5"})
        BOOST_TEST(!cal::parse_rfc3339(bad).has_value(), '"' << bad << '"');
}

BOOST_AUTO_TEST_CASE(format_and_parse_round_trip_over_the_dst_changes) {
    for (std::int64_t t = utc_seconds(2026, 10, 24, 22); t < utc_seconds(2026, 10, 25, 3); t += 600) {
        BOOST_TEST(*cal::parse_rfc3339(cal::format_rfc3339(t, stockholm)) == t);
        BOOST_TEST(*cal::parse_rfc3339(cal::format_rfc3339_utc(t)) == t);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(recurrence)

BOOST_AUTO_TEST_CASE(check_rrule_accepts_usable_rules) {
    struct good {
        const char* rule;
        bool all_day;
    };
    for (const good& g :
         {good{"FREQ=WEEKLY", false}, good{"FREQ=WEEKLY;BYDAY=TU,TH", false},
          good{"FREQ=WEEKLY;INTERVAL=2;COUNT=10", false}, good{"FREQ=MONTHLY;BYDAY=1TU", false},
          good{"FREQ=MONTHLY;BYDAY=-1FR", false}, good{"FREQ=MONTHLY;BYMONTHDAY=15", false},
          good{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", false}, good{"FREQ=YEARLY;BYMONTH=6;BYDAY=3SA", false},
          good{"FREQ=DAILY;COUNT=5", false}, good{"FREQ=WEEKLY;UNTIL=20261231T230000Z", false},
          good{"FREQ=YEARLY", true}, good{"FREQ=YEARLY;UNTIL=20301231", true},
          good{"FREQ=WEEKLY;WKST=MO;BYDAY=SU", false}, good{"freq=weekly;byday=tu", false},
          good{"FREQ=WEEKLY;BYHOUR=9,18", false}, good{"FREQ=YEARLY;BYYEARDAY=100", true},
          good{"FREQ=YEARLY;BYDAY=20MO", false}, good{"FREQ=MONTHLY;BYDAY=5FR", false}}) {
        const auto why = cal::check_rrule(g.rule, g.all_day);
        BOOST_TEST(!why.has_value(), g.rule << " -> " << why.value_or(""));
    }
}

BOOST_AUTO_TEST_CASE(check_rrule_explains_unusable_rules) {
    struct bad {
        const char* rule;
        bool all_day;
        const char* says;
    };
    for (const bad& b : {
             bad{"", false, "empty"},
             bad{"WEEKLY", false, "unparsable"},
             bad{"FREQ=WEEKLY;", false, "unparsable"},
             bad{"FREQ=WEEKLY;;COUNT=3", false, "unparsable"},
             bad{"FREQ=", false, "unparsable"},
             bad{"FREQ=WEEKLY;COUNT=", false, "unparsable"},
             bad{"FREQ=WEEKLY;FOO=BAR", false, "unknown part"},
             bad{"FREQ=WEEKLY;X-NAME=1", false, "unknown part"},
             bad{"RRULE:FREQ=WEEKLY", false, "unparsable"},
             bad{"COUNT=3", false, "FREQ is required"},
             bad{"FREQ=WEEKLY;FREQ=DAILY", false, "twice"},
             bad{"FREQ=FORTNIGHTLY", false, "unparsable"},
             bad{"FREQ=WEEKLY;COUNT=1", false, "single meeting"},
             bad{"FREQ=WEEKLY;COUNT=0", false, "COUNT"},
             bad{"FREQ=WEEKLY;COUNT=-2", false, "COUNT"},
             bad{"FREQ=WEEKLY;COUNT=3;UNTIL=20261231T230000Z", false, "COUNT and UNTIL"},
             bad{"FREQ=WEEKLY;UNTIL=20261231T230000", false, "UTC"},
             bad{"FREQ=WEEKLY;UNTIL=20261231", false, "UTC"},
             bad{"FREQ=YEARLY;UNTIL=20301231T230000Z", true, "all-day"},
             bad{"FREQ=WEEKLY;UNTIL=2026-12-31", false, "UNTIL"},
             bad{"FREQ=WEEKLY;UNTIL=20260231T230000Z", false, "UNTIL"},
             bad{"FREQ=HOURLY", false, "HOURLY"},
             bad{"FREQ=MINUTELY;COUNT=5", false, "MINUTELY"},
             bad{"FREQ=SECONDLY", false, "SECONDLY"},
             bad{"FREQ=WEEKLY;INTERVAL=0", false, "INTERVAL"},
             bad{"FREQ=WEEKLY;INTERVAL=two", false, "INTERVAL"},
             bad{"FREQ=WEEKLY;BYDAY=XX", false, "BYDAY"},
             bad{"FREQ=WEEKLY;BYDAY=1MO", false, "MONTHLY"},
             bad{"FREQ=MONTHLY;BYDAY=6TU", false, "BYDAY"},
             bad{"FREQ=WEEKLY;BYMONTH=13", false, "BYMONTH"},
             bad{"FREQ=MONTHLY;BYMONTHDAY=32", false, "BYMONTHDAY"},
             bad{"FREQ=MONTHLY;BYMONTHDAY=0", false, "BYMONTHDAY"},
             bad{"FREQ=WEEKLY;BYMONTHDAY=1", false, "WEEKLY"},
             bad{"FREQ=YEARLY;BYYEARDAY=367", false, "BYYEARDAY"},
             bad{"FREQ=MONTHLY;BYYEARDAY=2", false, "YEARLY"},
             bad{"FREQ=YEARLY;BYWEEKNO=20", false, "BYWEEKNO is not supported"},
             bad{"FREQ=MONTHLY;BYSETPOS=1", false, "BYSETPOS"},
             bad{"FREQ=WEEKLY;WKST=XY", false, "WKST"},
             bad{"FREQ=WEEKLY;BYHOUR=9", true, "all-day"},
             bad{"FREQ=WEEKLY;BYHOUR=24", false, "BYHOUR"},
             bad{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", false, "cannot be expanded"},
         }) {
        const auto why = cal::check_rrule(b.rule, b.all_day);
        BOOST_TEST_CONTEXT(b.rule) {
            BOOST_TEST_REQUIRE(why.has_value());
            BOOST_TEST(why->find(b.says) != std::string::npos, *why);
        }
    }
}

BOOST_AUTO_TEST_CASE(weekly_series_skips_exdates) {
    const auto starts = cal::expand_rrule("FREQ=WEEKLY;COUNT=5", "2026-01-06T18:00", false, stockholm,
                                          {"2026-01-13T18:00", "2026-01-27T18:00:00"}, 100, "2027-01-01");
    BOOST_TEST(starts == (strings{"2026-01-06T18:00:00", "2026-01-20T18:00:00", "2026-02-03T18:00:00"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(monthly_first_tuesday_network_series) {
    const auto starts = cal::expand_rrule("FREQ=MONTHLY;BYDAY=1TU", "2026-01-06T18:30:00", false, stockholm, {}, 6,
                                          "2027-01-01T00:00:00");
    BOOST_TEST(starts == (strings{"2026-01-06T18:30:00", "2026-02-03T18:30:00", "2026-03-03T18:30:00",
                                  "2026-04-07T18:30:00", "2026-05-05T18:30:00", "2026-06-02T18:30:00"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(until_in_utc_is_compared_as_an_instant) {
    // 2026-04-07T18:00 in Stockholm is 16:00Z (summer time): an UNTIL of exactly that instant keeps
    // it, one second earlier drops it. Read as wall-clock values the comparison would go wrong.
    const strings to_march_31{"2026-03-17T18:00:00", "2026-03-24T18:00:00", "2026-03-31T18:00:00"};
    auto with_last = to_march_31;
    with_last.push_back("2026-04-07T18:00:00");
    BOOST_TEST(cal::expand_rrule("FREQ=WEEKLY;UNTIL=20260407T160000Z", "2026-03-17T18:00", false, stockholm, {}, 100,
                                 "2027-01-01") == with_last,
               boost::test_tools::per_element());
    BOOST_TEST(cal::expand_rrule("FREQ=WEEKLY;UNTIL=20260407T155959Z", "2026-03-17T18:00", false, stockholm, {}, 100,
                                 "2027-01-01") == to_march_31,
               boost::test_tools::per_element());
    // In winter the same wall-clock start is 17:00Z.
    BOOST_TEST(cal::expand_rrule("FREQ=WEEKLY;UNTIL=20260120T165959Z", "2026-01-06T18:00", false, stockholm, {}, 100,
                                 "2027-01-01") == (strings{"2026-01-06T18:00:00", "2026-01-13T18:00:00"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(all_day_yearly_series_gives_dates) {
    BOOST_TEST(cal::expand_rrule("FREQ=YEARLY", "2026-06-19", true, stockholm, {"2028-06-19"}, 4, "2040-01-01") ==
                   (strings{"2026-06-19", "2027-06-19", "2029-06-19", "2030-06-19"}),
               boost::test_tools::per_element());
    BOOST_TEST(cal::expand_rrule("FREQ=YEARLY;UNTIL=20280619", "2026-06-19", true, stockholm, {}, 100, "2040-01-01") ==
                   (strings{"2026-06-19", "2027-06-19", "2028-06-19"}),
               boost::test_tools::per_element());
    // A leap day recurs only in leap years (RFC 5545 skips invalid dates).
    BOOST_TEST(cal::expand_rrule("FREQ=YEARLY", "2024-02-29", true, stockholm, {}, 100, "2033-01-01") ==
                   (strings{"2024-02-29", "2028-02-29", "2032-02-29"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(max_count_and_horizon_cap_an_endless_series) {
    BOOST_TEST(cal::expand_rrule("FREQ=DAILY", "2026-01-01T09:00", false, stockholm, {}, 3, "2100-01-01").size() == 3u);
    BOOST_TEST(cal::expand_rrule("FREQ=DAILY", "2026-01-01T09:00", false, stockholm, {}, 0, "2100-01-01").empty());
    // The horizon is inclusive: a start exactly at it is kept, later ones are not.
    BOOST_TEST(cal::expand_rrule("FREQ=DAILY", "2026-01-01T09:00", false, stockholm, {}, 1000, "2026-01-03T09:00:00") ==
                   (strings{"2026-01-01T09:00:00", "2026-01-02T09:00:00", "2026-01-03T09:00:00"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        cal::expand_rrule("FREQ=DAILY", "2026-01-01T09:00", false, stockholm, {}, 1000, "2026-01-03T08:59:59").size() ==
        2u);
    // A date horizon includes its whole day.
    BOOST_TEST(cal::expand_rrule("FREQ=DAILY", "2026-01-01", true, stockholm, {}, 1000, "2026-01-03").size() == 3u);
    BOOST_TEST(cal::expand_rrule("FREQ=DAILY", "2026-01-01T23:00", false, stockholm, {}, 1000, "2026-01-03").size() ==
               3u);
    BOOST_TEST(cal::expand_rrule("FREQ=DAILY", "2026-01-05T09:00", false, stockholm, {}, 1000, "2026-01-04").empty());
    // max_count counts what is returned, after exdates.
    BOOST_TEST(cal::expand_rrule("FREQ=DAILY", "2026-01-01", true, stockholm, {"2026-01-02"}, 2, "2100-01-01") ==
                   (strings{"2026-01-01", "2026-01-03"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(count_includes_dtstart_and_excluded_occurrences) {
    BOOST_TEST(cal::expand_rrule("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", "2026-01-06T09:00", false, stockholm,
                                 {"2026-01-08T09:00"}, 100, "2100-01-01") ==
                   (strings{"2026-01-06T09:00:00", "2026-01-13T09:00:00", "2026-01-15T09:00:00"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(weekly_1800_stays_1800_local_over_both_dst_changes) {
    for (const char* first : {"2026-03-10T18:00", "2026-10-13T18:00"}) {
        const auto starts = cal::expand_rrule("FREQ=WEEKLY", first, false, stockholm, {}, 6, "2027-01-01");
        BOOST_TEST_REQUIRE(starts.size() == 6u);
        std::vector<std::int64_t> offsets;
        for (const auto& start : starts) {
            BOOST_TEST(start.substr(10) == "T18:00:00", start);
            const auto t = cal::to_utc(start, stockholm);
            BOOST_TEST(cal::to_local(t, stockholm) == start);
            offsets.push_back(cal::utc_offset_seconds(t, stockholm));
        }
        // The series crosses the change: its UTC times move by an hour, its local times do not.
        BOOST_TEST(offsets.front() != offsets.back());
    }
}

BOOST_AUTO_TEST_CASE(expand_rrule_throws_for_invalid_input) {
    BOOST_CHECK_THROW(
        cal::expand_rrule("FREQ=WEEKLY;COUNT=1", "2026-01-06T18:00", false, stockholm, {}, 10, "2027-01-01"),
        cal::error);
    BOOST_CHECK_THROW(
        cal::expand_rrule("FREQ=WEEKLY;BOGUS=1", "2026-01-06T18:00", false, stockholm, {}, 10, "2027-01-01"),
        cal::error);
    BOOST_CHECK_THROW(cal::expand_rrule("FREQ=WEEKLY", "2026-01-06", false, stockholm, {}, 10, "2027-01-01"),
                      cal::error);
    BOOST_CHECK_THROW(cal::expand_rrule("FREQ=WEEKLY", "2026-01-06T18:00", true, stockholm, {}, 10, "2027-01-01"),
                      cal::error);
    BOOST_CHECK_THROW(cal::expand_rrule("FREQ=WEEKLY", "2026-01-06T18:00", false, "Nowhere", {}, 10, "2027-01-01"),
                      cal::error);
    BOOST_CHECK_THROW(
        cal::expand_rrule("FREQ=WEEKLY", "2026-01-06T18:00", false, stockholm, {"garbage"}, 10, "2027-01-01"),
        cal::error);
    BOOST_CHECK_THROW(cal::expand_rrule("FREQ=WEEKLY", "2026-01-06T18:00", false, stockholm, {}, 10, ""), cal::error);
}

BOOST_AUTO_TEST_SUITE_END()
