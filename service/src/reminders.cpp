#include "kal/service/reminders.hpp"

#include "kal/calendar/time.hpp"

namespace kal::service {

std::int64_t reminder_due_utc(const db::reminder_candidate& m, std::int64_t offset_seconds) {
    constexpr std::int64_t day = 86400;
    const bool whole_days = offset_seconds % day == 0;
    if (m.all_day) {
        const auto date = m.start_local.substr(0, 10);
        if (whole_days)
            return calendar::to_utc(calendar::add_days(date, -static_cast<int>(offset_seconds / day)) + "T09:00:00",
                                    m.time_zone);
        return calendar::to_utc(date + "T00:00:00", m.time_zone) - offset_seconds;
    }
    if (!whole_days) return m.start_utc - offset_seconds;
    const auto date = m.start_local.substr(0, 10);
    const auto time = m.start_local.substr(10);  // "THH:MM:SS"
    return calendar::to_utc(calendar::add_days(date, -static_cast<int>(offset_seconds / day)) + time, m.time_zone);
}

reminder_decision decide_reminder(std::int64_t due, std::int64_t start_utc, std::int64_t now, std::int64_t grace,
                                  std::int64_t min_lead) {
    if (now >= start_utc) return reminder_decision::too_late;
    if (now < due) return reminder_decision::not_yet;
    if (now - due <= grace) return reminder_decision::send;
    return start_utc - now >= min_lead ? reminder_decision::send : reminder_decision::skip_late;
}

const std::vector<std::int64_t>& reminder_offsets(const db::reminder_candidate& m,
                                                  const std::map<std::string, std::vector<std::int64_t>>& defaults) {
    static const std::vector<std::int64_t> none;
    if (m.offsets) return *m.offsets;
    auto it = defaults.find(m.type);
    return it == defaults.end() ? none : it->second;
}

}  // namespace kal::service
