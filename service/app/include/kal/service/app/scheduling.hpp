#pragma once
// Maps the model's times to calendar/: the instants of a meeting, the occurrences of a series.

#include <cstdint>
#include <vector>

#include "kal/config/config.hpp"
#include "kal/db/model.hpp"

namespace kal::service::app {

// Sets start_utc and end_utc from the local times and the zone. Throws calendar::error.
void set_instants(db::meeting_fields& m);

// The occurrences of a series as the store keeps them: expanded in local time so that a weekly
// 18:00 meeting stays at 18:00 across daylight-saving changes; open-ended rules stop at the
// configured horizon (from now, or from the first start when that is later) and count. Throws
// calendar::error for an unusable rule.
std::vector<db::occurrence> occurrences_of(const db::series& s, const config::settings& settings, std::int64_t now);

}  // namespace kal::service::app
