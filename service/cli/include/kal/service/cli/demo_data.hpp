#pragma once
// Demo data that looks like Borås and fills every page whatever the date: the compact's
// organisations, networks and shared venues, and meetings placed relative to now — the last
// twelve months held (with sign-ups, check-ins, walk-ins and no-shows) and the next twelve
// planned (with sign-ups so far, one full with a waitlist).
//
// Two steps: plan() decides what exists and when, as plain values and from now alone (no
// database, no randomness); load_demo_data() writes a plan and invents the people who sign up
// and come, with a fixed-seed generator. Every person is invented and every address is under
// example.se.

#include <cstdint>
#include <optional>
#include <vector>

#include "kal/config/config.hpp"
#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::service::cli {

struct demo_summary {
    bool loaded = false;                  // false when the database already had organisations
    db::id_t organiser_organisation = 0;  // the city's compact office, for the demo organiser token
    int meetings = 0;                     // what was written, when loaded (series occurrences included)
    int sign_ups = 0;
    int check_ins = 0;
};

// Loads the demo data into an empty database (one without organisations), placed around now in
// calendar.default_time_zone. Writes the directory and the meetings in one unit of work, then
// the sign-ups, cancellations and check-ins in units of their own, each at the instant it
// happened (the repositories stamp and judge by the unit's instant). When any of these fails,
// everything the load wrote is removed again before the error propagates.
demo_summary load_demo_data(db::database& database, const config::settings& settings, std::int64_t now);

namespace demo {

// One round of sign-ups for a meeting, made in one unit of work at `at` (before the meeting
// starts, its deadline passes and now).
struct sign_up_wave {
    std::int64_t at = 0;
    int sign_ups = 0;       // parties that sign up; beyond the capacity they wait
    int cancellations = 0;  // earlier sign-ups of this meeting that are cancelled in the same round
};

struct turnout {
    std::vector<sign_up_wave> waves;  // in time order
    bool held = false;                // ended before now: who came is recorded at the start
};

// References are indices into the plan's organisations, venues and networks; the loader maps
// them to the ids the database assigns.
struct planned_meeting {
    db::meeting_fields fields;  // instants set; organisation_id, venue_id and network_ids unset
    std::size_t organiser = 0;
    std::optional<std::size_t> venue;
    std::vector<std::size_t> networks;
    std::optional<std::int64_t> cancelled_at;  // published, then cancelled at this instant
    std::optional<int> quota;                  // places per organisation
    turnout who;
};

struct planned_network {
    db::network network;  // organisation_ids unset
    std::vector<std::size_t> owners;
};

struct planned_venue {
    db::venue venue;  // organisation_id unset
    std::optional<std::size_t> owner;
};

struct planned_series {
    db::series series;  // fields as in planned_meeting, plus the rule and its exdates
    std::size_t organiser = 0;
    std::optional<std::size_t> venue;
    std::vector<std::size_t> networks;
    std::vector<db::occurrence> occurrences;  // as app::occurrences_of computes them
    std::vector<turnout> turnouts;            // one per occurrence
};

struct plan {
    std::int64_t now = 0;
    std::int64_t founded_at = 0;  // when the directory and the meetings are written
    std::vector<db::organisation> organisations;
    std::vector<planned_network> networks;
    std::vector<planned_venue> venues;
    std::vector<planned_meeting> meetings;
    planned_series series;
    std::size_t city = 0;  // the compact office: organiser of the draft, holder of the demo token
};

// What exists and when, for now in calendar.default_time_zone. Depends on now alone.
plan make_plan(const config::settings& settings, std::int64_t now);

}  // namespace demo

}  // namespace kal::service::cli
