#pragma once
// Dates and times in words, as Swedish public sites write them and as English readers expect:
// "torsdag 3 december 2026, kl. 18.00–20.00" and "Thursday 3 December 2026, 18:00–20:00" (the full
// year, "kl." and a full stop in Swedish times). Used by mail, the web pages and the feeds.

#include <cstdint>
#include <string>

#include "kal/db/model.hpp"

namespace kal::service::app {

// "torsdag 3 december 2026" / "Thursday 3 December 2026" for a local date YYYY-MM-DD.
std::string date_text(const std::string& local_date, db::language language);
// "december 2026" / "December 2026" for a month (YYYY-MM).
std::string month_text(const std::string& year_month, db::language language);
// "december" / "December" for a month 1..12.
const char* month_name(int month, db::language language);
// "December 2026" / "December 2026": a month as a heading or a caption starts it (YYYY-MM).
std::string month_heading(const std::string& year_month, db::language language);
// "18.00" / "18:00" for the time of a local date-time.
std::string clock_text(const std::string& local_date_time, db::language language);
// The whole span of a meeting in its own zone: "torsdag 3 december 2026, kl. 18.00–20.00";
// several days, all-day ranges and a zone other than Europe/Stockholm are said as such.
std::string when_text(const db::meeting_fields& m, db::language language);
// One moment: "torsdag 26 november 2026, kl. 23.59" / "Thursday 26 November 2026, 23:59" for a
// local date-time (a registration deadline, the start a series first planned).
std::string moment_text(const std::string& local_date_time, db::language language);
// Only the times of a meeting ("kl. 18.00–20.00" / "18:00–20:00"; "Heldag" / "All day"), for
// lists that already name the day.
std::string time_span_text(const db::meeting_fields& m, db::language language);
// A length of time as a person says it, rounded up to whole minutes below two hours, whole hours
// below two days, else whole days: "15 minuter", "1 timme", "7 dagar" / "15 minutes", "1 hour",
// "7 days" (how long a link in a mail still works).
std::string duration_text(std::int64_t seconds, db::language language);
// Weekday names, Monday first, for month tables ("må", "ti", ... / "Mon", "Tue", ...).
const char* weekday_abbreviation(int monday_based_index, db::language language);
const char* weekday_name(int monday_based_index, db::language language);

}  // namespace kal::service::app
