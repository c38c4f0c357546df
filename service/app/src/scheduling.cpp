#include "kal/service/app/scheduling.hpp"

#include <algorithm>

#include "kal/calendar/time.hpp"

namespace kal::service::app {

namespace {
// Wall-clock arithmetic on local times, independent of any zone's offsets.
std::int64_t naive_seconds(const std::string& local) { return calendar::to_utc(local, "UTC"); }
std::string naive_local(std::int64_t seconds) { return calendar::to_local(seconds, "UTC"); }
}  // namespace

void set_instants(db::meeting_fields& m) {
    m.start_utc = calendar::to_utc(m.start_local, m.time_zone);
    m.end_utc = calendar::to_utc(m.end_local, m.time_zone);
}

std::vector<db::occurrence> occurrences_of(const db::series& s, const config::settings& settings, std::int64_t now) {
    const auto& m = s.fields;
    auto horizon_instant = std::max(now, m.start_utc) + std::int64_t{settings.calendar.series_horizon_days} * 86400;
    auto horizon_local = calendar::to_local(horizon_instant, m.time_zone);
    if (m.all_day) horizon_local = horizon_local.substr(0, 10);
    auto starts = calendar::expand_rrule(s.rrule, m.start_local, m.all_day, m.time_zone, s.exdates,
                                         static_cast<std::size_t>(settings.calendar.series_max_occurrences),
                                         horizon_local);
    const auto length = naive_seconds(m.end_local) - naive_seconds(m.start_local);
    std::vector<db::occurrence> out;
    out.reserve(starts.size());
    for (const auto& start : starts) {
        db::occurrence o;
        o.recurrence_id = start;
        o.start_local = start;
        auto end = naive_local(naive_seconds(start) + length);
        o.end_local = m.all_day ? end.substr(0, 10) : end;
        o.start_utc = calendar::to_utc(o.start_local, m.time_zone);
        o.end_utc = calendar::to_utc(o.end_local, m.time_zone);
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace kal::service::app
