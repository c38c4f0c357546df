#include "kal/service/app/dates.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "kal/calendar/time.hpp"

namespace kal::service::app {

namespace {

const char* const sv_days[] = {"måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"};
const char* const en_days[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
const char* const sv_days_short[] = {"mån", "tis", "ons", "tors", "fre", "lör", "sön"};
const char* const en_days_short[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
const char* const sv_months[] = {"januari", "februari", "mars",      "april",   "maj",      "juni",
                                 "juli",    "augusti",  "september", "oktober", "november", "december"};
const char* const en_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};

bool english(db::language l) { return l == db::language::en; }

}  // namespace

const char* weekday_abbreviation(int i, db::language l) { return english(l) ? en_days_short[i % 7] : sv_days_short[i % 7]; }
const char* weekday_name(int i, db::language l) { return english(l) ? en_days[i % 7] : sv_days[i % 7]; }

std::string date_text(const std::string& date, db::language language) {
    int y = std::stoi(date.substr(0, 4)), mo = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
    std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                    std::chrono::day(static_cast<unsigned>(d))};
    auto monday_based = std::chrono::weekday(std::chrono::sys_days(ymd)).iso_encoding() - 1;
    return std::string(weekday_name(static_cast<int>(monday_based), language)) + " " + std::to_string(d) + " " +
           (english(language) ? en_months[mo - 1] : sv_months[mo - 1]) + " " + std::to_string(y);
}

std::string month_text(const std::string& year_month, db::language language) {
    int y = std::stoi(year_month.substr(0, 4)), mo = std::stoi(year_month.substr(5, 2));
    return std::string(english(language) ? en_months[mo - 1] : sv_months[mo - 1]) + " " + std::to_string(y);
}

const char* month_name(int month, db::language language) {
    return english(language) ? en_months[(month + 11) % 12] : sv_months[(month + 11) % 12];
}

std::string month_heading(const std::string& year_month, db::language language) {
    auto out = month_text(year_month, language);
    // Every month's name starts with an ASCII letter, in both languages.
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::string clock_text(const std::string& local, db::language language) {
    auto hh = local.substr(11, 2), mm = local.substr(14, 2);
    return english(language) ? hh + ":" + mm : hh + "." + mm;
}

std::string when_text(const db::meeting_fields& m, db::language language) {
    const bool en = english(language);
    if (m.all_day) {
        auto last = calendar::add_days(m.end_local.substr(0, 10), -1);
        auto first = m.start_local.substr(0, 10);
        return first == last ? date_text(first, language) : date_text(first, language) + " – " + date_text(last, language);
    }
    std::string out = date_text(m.start_local.substr(0, 10), language) + (en ? ", " : ", kl. ") +
                      clock_text(m.start_local, language) + "–";
    if (m.end_local.substr(0, 10) != m.start_local.substr(0, 10))
        out += date_text(m.end_local.substr(0, 10), language) + (en ? ", " : ", kl. ");
    out += clock_text(m.end_local, language);
    if (m.time_zone != "Europe/Stockholm") out += " (" + m.time_zone + ")";
    return out;
}

std::string moment_text(const std::string& local, db::language language) {
    if (local.size() < 16) return date_text(local.substr(0, 10), language);
    return date_text(local.substr(0, 10), language) + (english(language) ? ", " : ", kl. ") + clock_text(local, language);
}

std::string duration_text(std::int64_t seconds, db::language language) {
    const bool en = english(language);
    const auto up = [&](std::int64_t unit) { return (std::max<std::int64_t>(seconds, 1) + unit - 1) / unit; };
    auto say = [&](std::int64_t n, const char* sv_one, const char* sv_many, const char* en_one, const char* en_many) {
        return std::to_string(n) + " " + (en ? (n == 1 ? en_one : en_many) : (n == 1 ? sv_one : sv_many));
    };
    if (seconds < 2 * 3600) return say(up(60), "minut", "minuter", "minute", "minutes");
    if (seconds < 2 * 86400) return say(up(3600), "timme", "timmar", "hour", "hours");
    return say(up(86400), "dag", "dagar", "day", "days");
}

std::string time_span_text(const db::meeting_fields& m, db::language language) {
    const bool en = english(language);
    if (m.all_day) return en ? "All day" : "Heldag";
    std::string out = (en ? "" : "kl. ") + clock_text(m.start_local, language) + "–" + clock_text(m.end_local, language);
    if (m.end_local.substr(0, 10) != m.start_local.substr(0, 10))
        out += en ? " (next day)" : " (nästa dag)";
    return out;
}

}  // namespace kal::service::app
