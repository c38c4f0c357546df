// When reminders are due, across daylight-saving changes in Europe/Stockholm (issue 5). The
// instants are the documented ones (docs/architecture.md, "Reminders"), worked out by hand from
// the zone's rules: CET is UTC+1, CEST UTC+2; 2026-03-29 02:00 CET jumps to 03:00 CEST and
// 2026-10-25 03:00 CEST falls back to 02:00 CET.
#define BOOST_TEST_MODULE reminders
#include <boost/test/unit_test.hpp>

#include "kal/calendar/time.hpp"
#include "kal/service/app/reminders.hpp"

namespace svc = kal::service::app;

namespace {

constexpr std::int64_t day = 86400, hour = 3600;

kal::db::reminder_candidate at(const std::string& local, bool all_day = false) {
    kal::db::reminder_candidate m;
    m.start_local = local;
    m.time_zone = "Europe/Stockholm";
    m.all_day = all_day;
    m.start_utc = kal::calendar::to_utc(all_day ? local.substr(0, 10) + "T00:00:00" : local, m.time_zone);
    return m;
}

std::string due(const std::string& local, std::int64_t offset) {
    return kal::calendar::format_rfc3339_utc(svc::reminder_due_utc(at(local), offset));
}

}  // namespace

BOOST_AUTO_TEST_CASE(day_reminders_keep_the_local_time_across_the_spring_change) {
    // 02:30 on 2026-03-29 does not exist: the meeting is at 03:30 CEST (01:30Z). The days before
    // have a 02:30 in CET.
    BOOST_TEST(kal::calendar::format_rfc3339_utc(at("2026-03-29T02:30:00").start_utc) == "2026-03-29T01:30:00Z");
    BOOST_TEST(due("2026-03-29T02:30:00", day) == "2026-03-28T01:30:00Z");
    BOOST_TEST(due("2026-03-29T02:30:00", 7 * day) == "2026-03-22T01:30:00Z");
    // 18:00 the days around it.
    BOOST_TEST(due("2026-03-28T18:00:00", day) == "2026-03-27T17:00:00Z");      // CET, CET
    BOOST_TEST(due("2026-03-28T18:00:00", 7 * day) == "2026-03-21T17:00:00Z");
    BOOST_TEST(due("2026-03-29T18:00:00", day) == "2026-03-28T17:00:00Z");      // CEST meeting, CET reminder
    BOOST_TEST(due("2026-03-29T18:00:00", 7 * day) == "2026-03-22T17:00:00Z");
    BOOST_TEST(due("2026-03-30T18:00:00", day) == "2026-03-29T16:00:00Z");      // both CEST
    BOOST_TEST(due("2026-03-30T18:00:00", 7 * day) == "2026-03-23T17:00:00Z");  // a week back is CET
}

BOOST_AUTO_TEST_CASE(day_reminders_keep_the_local_time_across_the_autumn_change) {
    // 02:30 on 2026-10-25 exists twice: the first, CEST (00:30Z), is the meeting's.
    BOOST_TEST(kal::calendar::format_rfc3339_utc(at("2026-10-25T02:30:00").start_utc) == "2026-10-25T00:30:00Z");
    BOOST_TEST(due("2026-10-25T02:30:00", day) == "2026-10-24T00:30:00Z");
    BOOST_TEST(due("2026-10-25T02:30:00", 7 * day) == "2026-10-18T00:30:00Z");
    BOOST_TEST(due("2026-10-24T18:00:00", day) == "2026-10-23T16:00:00Z");
    BOOST_TEST(due("2026-10-24T18:00:00", 7 * day) == "2026-10-17T16:00:00Z");
    BOOST_TEST(due("2026-10-25T18:00:00", day) == "2026-10-24T16:00:00Z");      // CET meeting, CEST reminder
    BOOST_TEST(due("2026-10-25T18:00:00", 7 * day) == "2026-10-18T16:00:00Z");
    BOOST_TEST(due("2026-10-26T18:00:00", day) == "2026-10-25T17:00:00Z");      // both CET
    BOOST_TEST(due("2026-10-26T18:00:00", 7 * day) == "2026-10-19T16:00:00Z");  // a week back is CEST
}

BOOST_AUTO_TEST_CASE(hour_reminders_are_exact_durations_and_all_day_ones_come_at_nine) {
    // Two hours before 03:30 CEST on 2026-03-29 is 23:30Z the day before, whatever the wall clock.
    BOOST_TEST(due("2026-03-29T03:30:00", 2 * hour) == "2026-03-28T23:30:00Z");
    BOOST_TEST(due("2026-10-25T03:30:00", 26 * hour) == "2026-10-24T00:30:00Z");
    auto all_day = at("2026-03-30", true);
    BOOST_TEST(kal::calendar::format_rfc3339_utc(svc::reminder_due_utc(all_day, day)) == "2026-03-29T07:00:00Z");
    BOOST_TEST(kal::calendar::format_rfc3339_utc(svc::reminder_due_utc(all_day, 7 * day)) == "2026-03-23T08:00:00Z");
}

BOOST_AUTO_TEST_CASE(late_reminders_go_out_only_while_the_meeting_is_far_enough_away) {
    const std::int64_t start = 1'000'000, due = start - day, grace = 15 * 60, lead = 2 * hour;
    using d = svc::reminder_decision;
    BOOST_TEST((svc::decide_reminder(due, start, due - 1, grace, lead) == d::not_yet));
    BOOST_TEST((svc::decide_reminder(due, start, due, grace, lead) == d::send));
    BOOST_TEST((svc::decide_reminder(due, start, due + grace, grace, lead) == d::send));
    BOOST_TEST((svc::decide_reminder(due, start, start - lead, grace, lead) == d::send));  // late, still far
    BOOST_TEST((svc::decide_reminder(due, start, start - lead + 1, grace, lead) == d::skip_late));
    BOOST_TEST((svc::decide_reminder(due, start, start, grace, lead) == d::too_late));
    // An hour reminder inside the lead time is never "late" while it is on time.
    BOOST_TEST((svc::decide_reminder(start - hour, start, start - hour + 60, grace, lead) == d::send));
}

BOOST_AUTO_TEST_CASE(a_meeting_s_own_offsets_win_over_its_type_s) {
    svc::reminder_defaults defaults{{kal::db::meeting_type::fro, {7 * day, day}}};
    auto m = at("2026-05-07T18:00:00");
    m.type = kal::db::meeting_type::fro;
    BOOST_TEST(svc::reminder_offsets(m, defaults).size() == 2u);
    m.offsets = std::vector<std::int64_t>{};
    BOOST_TEST(svc::reminder_offsets(m, defaults).empty());
    m.offsets.reset();
    m.type = kal::db::meeting_type::other;
    BOOST_TEST(svc::reminder_offsets(m, defaults).empty());
}
