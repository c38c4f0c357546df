// When the demo's meetings happen, relative to now. Three kinds of placement:
//
// - Yearly meetings (FRÖ-möten, the stormöte, samråd, ...) sit at their time of year. For each,
//   this year's date is the anchor; when it has ended, it is the one held and the one planned is
//   52 weeks later, else it is the one planned (or just under way) and the one held was 52 weeks
//   earlier. As now and the anchor lie in the same calendar year, both fall within twelve months
//   of now, and every yearly meeting is there exactly once on each side, whatever the date
//   (nth-weekday dates of two years can lie 371 days apart; 52 weeks keep the weekday).
// - Near meetings sit a number of working days from today: a few in the coming and the last
//   seven days, the full training, the cancelled ones and the draft.
// - The monthly series spans the same two years.
//
// Dates are local dates in calendar.default_time_zone; instants come from calendar::to_utc, so a
// meeting at 18.00 stays at 18.00 across daylight-saving changes. Holidays are skipped.

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "demo_catalogue.hpp"
#include "kal/calendar/time.hpp"
#include "kal/service/app/scheduling.hpp"

namespace kal::service::cli::demo {

namespace {

namespace ch = std::chrono;
namespace cat = catalogue;
using day = ch::sys_days;

constexpr std::int64_t day_seconds = 86400;
constexpr ch::days weeks_52{364};

day day_of(std::string_view local) {  // "YYYY-MM-DD..." (a valid date)
    auto num = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (local[i] - '0');
        return v;
    };
    return ch::year_month_day{ch::year{num(0, 4)}, ch::month{static_cast<unsigned>(num(5, 2))},
                              ch::day{static_cast<unsigned>(num(8, 2))}};
}

std::string text_of(day d) {
    ch::year_month_day ymd{d};
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return out;
}

int year_of(day d) { return static_cast<int>(ch::year_month_day{d}.year()); }

// Easter Sunday (the anonymous Gregorian algorithm).
day easter(int y) {
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, dom = (h + l - 7 * m + 114) % 31 + 1;
    return ch::year_month_day{ch::year{y}, ch::month{static_cast<unsigned>(month)},
                              ch::day{static_cast<unsigned>(dom)}};
}

// Swedish public holidays and the eves nobody meets on.
bool is_holiday(day d) {
    ch::year_month_day ymd{d};
    const unsigned m = static_cast<unsigned>(ymd.month()), dom = static_cast<unsigned>(ymd.day());
    if ((m == 1 && (dom == 1 || dom == 6)) || (m == 5 && dom == 1) || (m == 6 && dom == 6) ||
        (m == 12 && (dom == 24 || dom == 25 || dom == 26 || dom == 31)))
        return true;
    if (m == 6 && dom >= 19 && dom <= 25 && ch::weekday{d} == ch::Friday) return true;  // midsommarafton
    const day e = easter(static_cast<int>(ymd.year()));
    return d == e - ch::days{2} || d == e + ch::days{1} ||
           d == e + ch::days{39};  // Good Friday, Easter Monday, Ascension
}

bool is_working_day(day d) {
    auto w = ch::weekday{d};
    return w != ch::Saturday && w != ch::Sunday && !is_holiday(d);
}

day next_working_day(day d) {  // d itself when it is one
    while (!is_working_day(d)) d += ch::days{1};
    return d;
}

day previous_working_day(day d) {
    while (!is_working_day(d)) d -= ch::days{1};
    return d;
}

// The n-th working day after (n > 0) or before (n < 0) d.
day working_days_from(day d, int n) {
    const ch::days step{n > 0 ? 1 : -1};
    for (int left = n > 0 ? n : -n; left > 0;) {
        d += step;
        if (is_working_day(d)) --left;
    }
    return d;
}

std::string replace_year(std::string text, int year) {
    for (auto at = text.find("{år}"); at != std::string::npos; at = text.find("{år}"))
        text.replace(at, std::string("{år}").size(), std::to_string(year));
    return text;
}

class planner {
public:
    planner(const config::settings& settings, std::int64_t now)
        : settings_(settings),
          tz_(settings.calendar.default_time_zone),
          now_(now),
          today_(day_of(calendar::to_local(now, tz_))) {
        p_.now = now;
        p_.founded_at = now - 400 * day_seconds;
        p_.founded_at -= p_.founded_at % 60;
        p_.organisations = cat::organisations();
        p_.networks = cat::networks();
        p_.venues = cat::venues();
        p_.city = cat::city;
    }

    plan make() {
        place_yearly();
        place_series();
        place_near();
        std::sort(p_.meetings.begin(), p_.meetings.end(), [](const auto& a, const auto& b) {
            return std::tie(a.fields.start_utc, a.fields.title) < std::tie(b.fields.start_utc, b.fields.title);
        });
        return std::move(p_);
    }

private:
    std::int64_t instant(day d, const std::string& clock) const {
        return calendar::to_utc(text_of(d) + "T" + clock + ":00", tz_);
    }

    db::meeting_fields fields_of(const cat::meeting_kind& k, day d, const std::string& start,
                                 const std::string& end) const {
        db::meeting_fields f;
        const int year = year_of(d);
        f.type = k.type;
        f.title = replace_year(k.title, year);
        f.theme = k.theme;
        f.description = k.description;
        f.time_zone = tz_;
        f.all_day = start.empty();
        f.start_local = f.all_day ? text_of(d) : text_of(d) + "T" + start + ":00";
        f.end_local = f.all_day ? text_of(d + ch::days{1}) : text_of(d) + "T" + end + ":00";
        app::set_instants(f);
        f.location = k.location;
        f.online_url = k.online_url;
        f.capacity = k.capacity;
        if (k.deadline_days > 0) f.registration_deadline_utc = f.start_utc - k.deadline_days * day_seconds;
        f.status = db::meeting_status::published;
        for (const auto& doc : k.documents) f.documents.push_back({doc.title, replace_year(doc.url, year)});
        return f;
    }

    // Sign-ups open lead_days before the start and close an hour before the start or the deadline;
    // three rounds, of which those before now have happened. A full meeting had all its rounds
    // by yesterday. Rounds fall on a grid of whole days from the founding instant (rounded down,
    // so still before what they must precede): the rounds of one day, of all meetings, are one
    // unit of work, which keeps the load quick.
    turnout turnout_of(const cat::meeting_kind& k, const db::meeting_fields& f,
                       std::optional<std::int64_t> cancelled_at, bool all_early) const {
        turnout t;
        t.held = !cancelled_at && f.end_utc <= now_;
        if (k.parties == 0 || f.status == db::meeting_status::draft) return t;
        const std::int64_t opens = std::max(f.start_utc - k.lead_days * day_seconds, p_.founded_at + day_seconds);
        std::int64_t closes = std::min(f.start_utc, f.registration_deadline_utc.value_or(f.start_utc)) - 3600;
        if (cancelled_at) closes = std::min(closes, *cancelled_at - 3600);
        if (all_early) closes = std::min(closes, now_ - day_seconds);
        if (closes <= opens) return t;
        static constexpr double at[] = {0.1, 0.45, 0.8};
        const int first = (k.parties * 45 + 50) / 100, second = (k.parties * 80 + 50) / 100 - first;
        const int counts[] = {first, second, k.parties - first - second};
        for (int i = 0; i < 3; ++i) {
            std::int64_t when = opens + static_cast<std::int64_t>(static_cast<double>(closes - opens) * at[i]);
            when -= (when - p_.founded_at) % day_seconds;
            if (when >= now_) break;  // later rounds have not happened yet
            const int cancellations = i > 0 && k.parties >= 12 && !all_early ? 1 : 0;
            if (!t.waves.empty() && t.waves.back().at == when) {
                t.waves.back().sign_ups += counts[i];
                t.waves.back().cancellations += cancellations;
            } else {
                t.waves.push_back({when, counts[i], cancellations});
            }
        }
        return t;
    }

    // A venue is booked by the meetings that are not cancelled (drafts too).
    bool venue_free(std::size_t venue, std::int64_t start, std::int64_t end) const {
        for (const auto& m : p_.meetings)
            if (m.venue == venue && !m.cancelled_at && m.fields.start_utc < end && start < m.fields.end_utc)
                return false;
        for (const auto& o : p_.series.occurrences)
            if (p_.series.venue == venue && o.start_utc < end && start < o.end_utc) return false;
        return true;
    }

    planned_meeting& add(const cat::meeting_kind& k, day d, const std::string& start, const std::string& end,
                         std::optional<std::size_t> venue, std::optional<std::int64_t> cancelled_at = {},
                         bool all_early = false) {
        planned_meeting m;
        m.fields = fields_of(k, d, start, end);
        m.organiser = k.organiser;
        m.venue = venue;
        m.networks = k.networks;
        m.quota = k.quota;
        m.cancelled_at = cancelled_at;
        m.who = turnout_of(k, m.fields, cancelled_at, all_early);
        p_.meetings.push_back(std::move(m));
        return p_.meetings.back();
    }

    void place_yearly() {
        const int year = year_of(today_);
        for (const auto& y : cat::yearly_meetings()) {
            auto anchor = next_working_day(
                ch::year_month_weekday{ch::year{year}, ch::month{y.month}, ch::weekday{y.weekday}[y.nth]});
            const auto anchor_end = y.start.empty() ? instant(anchor + ch::days{1}, "00:00") : instant(anchor, y.end);
            // The derived date moves towards the anchor when it is a holiday, so it stays within the year.
            day ahead = anchor, behind = anchor;
            if (anchor_end > now_)
                behind = next_working_day(anchor - weeks_52);
            else
                ahead = previous_working_day(anchor + weeks_52);
            add(y.ahead, ahead, y.start, y.end, y.ahead.venue);
            const auto& last = y.behind ? *y.behind : y.ahead;
            add(last, behind, y.start, y.end, last.venue);
        }
    }

    void place_series() {
        const auto& s = cat::monthly_series();
        auto first_tuesday = [](int y, unsigned m) {
            return day{ch::year_month_weekday{ch::year{y}, ch::month{m}, ch::Tuesday[1]}};
        };
        // Summer break, and no meeting on a holiday (1 and 6 January, 1 May can be first Tuesdays).
        auto skipped = [](day d) { return ch::year_month_day{d}.month() == ch::July || !is_working_day(d); };
        std::vector<day> days;
        ch::year_month_day from{today_ - weeks_52};
        ch::year_month ym{from.year(), from.month()};
        for (int i = 0; i < 26; ++i, ym += ch::months{1}) {
            const day d = first_tuesday(static_cast<int>(ym.year()), static_cast<unsigned>(ym.month()));
            const auto start = instant(d, s.start);
            if (start < now_ - 364 * day_seconds) continue;
            if (start > now_ + 364 * day_seconds - 4 * 3600) break;
            days.push_back(d);
        }
        while (!days.empty() && skipped(days.front())) days.erase(days.begin());
        while (!days.empty() && skipped(days.back())) days.pop_back();

        auto& ps = p_.series;
        ps.series.fields = fields_of(s.kind, days.front(), s.start, s.end);
        ps.organiser = s.kind.organiser;
        ps.venue = s.venues.front();
        ps.networks = s.kind.networks;
        const auto until = calendar::to_utc(text_of(days.back()) + "T" + s.start + ":00", tz_);
        auto until_text = calendar::format_rfc3339_utc(until);  // 2027-11-02T17:00:00Z
        until_text.erase(
            std::remove_if(until_text.begin(), until_text.end(), [](char c) { return c == '-' || c == ':'; }),
            until_text.end());
        ps.series.rrule = "FREQ=MONTHLY;BYDAY=1TU;UNTIL=" + until_text;
        for (auto d : days)
            if (skipped(d)) ps.series.exdates.push_back(text_of(d) + "T" + s.start + ":00");
        ps.occurrences = app::occurrences_of(ps.series, settings_, now_);
        for (const auto& o : ps.occurrences) {
            auto f = ps.series.fields;
            f.start_utc = o.start_utc;
            f.end_utc = o.end_utc;
            ps.turnouts.push_back(turnout_of(s.kind, f, std::nullopt, false));
        }
    }

    // The first of the meeting's venues that is free then.
    std::optional<std::size_t> free_venue(const cat::near_meeting& n, day d) const {
        const auto start = instant(d, n.start), end = instant(d, n.end);
        for (auto v : n.venues)
            if (venue_free(v, start, end)) return v;
        return n.venues.front();  // the plan's tests would notice
    }

    void add_near(const cat::near_meeting& n, day d, std::optional<std::int64_t> cancelled_at = {},
                  bool all_early = false) {
        add(n.kind, d, n.start, n.end, free_venue(n, d), cancelled_at, all_early);
    }

    void place_near() {
        // The coming seven days: working days whose meeting has not started; first, middle, last.
        const auto& soon = cat::soon_meetings();
        for (std::size_t i = 0; i < soon.size(); ++i) {
            std::vector<day> days;
            for (day d = today_; d <= today_ + ch::days{7}; d += ch::days{1}) {
                const auto start = instant(d, soon[i].start);
                if (is_working_day(d) && start > now_ && start < now_ + 7 * day_seconds) days.push_back(d);
            }
            if (days.empty()) continue;
            add_near(soon[i], days[i == 0 ? 0 : i == 1 ? (days.size() - 1) / 2 : days.size() - 1]);
        }
        // The last seven days, held: last, middle, first.
        const auto& recent = cat::recent_meetings();
        for (std::size_t i = 0; i < recent.size(); ++i) {
            std::vector<day> days;
            for (day d = today_ - ch::days{7}; d <= today_; d += ch::days{1})
                if (is_working_day(d) && instant(d, recent[i].end) <= now_ &&
                    instant(d, recent[i].start) >= now_ - 7 * day_seconds)
                    days.push_back(d);
            if (days.empty()) continue;
            add_near(recent[i], days[i == 0 ? days.size() - 1 : i == 1 ? (days.size() - 1) / 2 : 0]);
        }
        add_near(cat::full_training(), working_days_from(today_, 8), std::nullopt, true);
        add_near(cat::full_training(), working_days_from(today_, -15));
        add_near(cat::cancelled_ahead(), working_days_from(today_, 5), now_ - day_seconds - now_ % 60);
        const day behind = working_days_from(today_, -25);
        add_near(cat::cancelled_behind(), behind, instant(behind - ch::days{4}, "10:00"));
        add_near(cat::draft_meeting(), working_days_from(today_, 30));
        p_.meetings.back().fields.status = db::meeting_status::draft;
        p_.meetings.back().who = {};
    }

    const config::settings& settings_;
    std::string tz_;
    std::int64_t now_;
    day today_;
    plan p_;
};

}  // namespace

plan make_plan(const config::settings& settings, std::int64_t now) { return planner(settings, now).make(); }

}  // namespace kal::service::cli::demo
