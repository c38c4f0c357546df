#pragma once
// Private to the calendar module: access to time.cpp's libical zones for code that needs more
// than offsets (ical_render.cpp reads zone abbreviations from them).

#include <libical/ical.h>

#include <functional>
#include <string_view>

namespace kal::calendar::detail {

// Runs `use` on libical's zone for tzid while holding the zone registry's exclusive lock, so
// that `use` may do what is not safe concurrently (walk the zone's VTIMEZONE component, whose
// iterators live inside it). Throws calendar::error for an unknown zone.
void with_zone_exclusively(std::string_view tzid, const std::function<void(icaltimezone*)>& use);

}  // namespace kal::calendar::detail
