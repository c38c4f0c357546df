#pragma once
// The yearly follow-up of the compact's meetings, for the stormöte and the city's annual report.
// Aggregates only: counts of meetings and people, and organisations; never a person.
//
// Definitions (also in docs/architecture.md and the OpenAPI document):
// - A meeting belongs to the year in which it starts, in calendar.default_time_zone. Drafts are
//   left out. Cancelled: status cancelled. Held: published and started by now. Planned:
//   published and not yet started.
// - signed_up_people: party sizes of confirmed and waitlisted sign-ups of held and planned
//   meetings. attended_people, walk_in_people: check-ins (party sizes) at held meetings.
//   no_show_people: confirmed sign-ups of held meetings without a check-in.
// - organisations_attended: distinct organisations with a check-in at a held meeting (a known
//   organisation by id, free text by its exact text); organisations_signed_up: distinct
//   organisations with a sign-up for a held or planned meeting.
// - full: a held meeting with a capacity whose confirmed people reached it, or that had someone
//   on its waitlist; full_share = full / held meetings with a capacity (null when none).

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "kal/db/attendance.hpp"
#include "kal/db/model.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::app {

struct tally {
    int held = 0, cancelled = 0, planned = 0;
    int signed_up_people = 0, attended_people = 0, walk_in_people = 0, no_show_people = 0;
    int with_capacity = 0, full = 0;
    std::set<std::string> organisations_attended, organisations_signed_up;

    void add(const db::meeting& m, const db::meeting_attendance* a, std::int64_t now);
    std::optional<double> full_share() const;
};

struct year_report {
    int year = 0;
    std::string time_zone;
    std::int64_t generated_at = 0;
    tally total;
    std::map<db::meeting_type, tally> by_type;  // every type, in declaration order
    std::map<db::meeting_type, int> targets;    // reports.targets
    std::map<db::id_t, tally> by_network;
    std::map<db::id_t, db::network> networks;
    std::array<tally, 12> by_month;
    // The year of the earliest published or cancelled meeting of all (for navigating between
    // years); nullopt when there is none.
    std::optional<int> first_year;
};

// The report of a year from 2000 to 2100 (not_found otherwise), read in one snapshot.
year_report yearly_report(context& ctx, int year);
// Only how many meetings of one type that year are held, planned and cancelled, as the report
// counts them, without reading anyone's attendance (the Översikt's FRÖ target).
tally held_and_planned(context& ctx, int year, db::meeting_type type);

// The targets of reports.targets by type; config_error naming the key for an unknown type (so a
// typo stops the service at start rather than vanishing from reports).
std::map<db::meeting_type, int> targets_of(const config::settings& settings);

// "2026-03" for the month with index 2.
std::string month_key(int year, std::size_t index);

}  // namespace kal::service::app
