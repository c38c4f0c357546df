#pragma once
// Meetings as people read them on a page: each with its venue, organiser and networks, and how
// many seats are left. One unit of work, a constant number of statements per page.

#include <map>
#include <optional>

#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/meetings.hpp"

namespace kal::service::app {

struct availability {
    std::optional<int> capacity;  // none: no limit
    int confirmed_people = 0;
    int waitlisted = 0;  // sign-ups waiting
    std::optional<int> seats_left() const;  // none without a capacity; never below 0
    bool full() const { return capacity && confirmed_people >= *capacity; }
};

// What pages show beside the meetings they list.
struct surroundings {
    std::map<db::id_t, db::venue> venues;
    std::map<db::id_t, db::organisation> organisations;
    std::map<db::id_t, db::network> networks;
    std::map<db::id_t, availability> seats;  // by meeting
    const db::venue* venue_of(const db::meeting_fields& m) const;
    const db::organisation* organiser_of(const db::meeting_fields& m) const;
};

struct meeting_listing {
    db::page<db::meeting> page;
    surroundings around;
};

// The seats of these meetings (all of them, or only those with a capacity), in a unit the caller
// holds: the capacity from each meeting, the taken seats as the database keeps them per meeting
// (db::rsvps::seats_of: one row a meeting, however many sign-ups it has).
std::map<db::id_t, availability> seats_of(db::unit_of_work& w, const std::vector<db::meeting>& meetings,
                                          bool with_capacity_only = false);

// list_meetings with what a page needs beside each meeting.
meeting_listing list_meetings_around(context& ctx, const credentials& who, const meeting_query& q);
// The same in a unit the caller holds, for a use case that reads more in the same snapshot.
meeting_listing list_meetings_around(db::unit_of_work& w, const std::optional<principal>& who, const meeting_query& q);

// The directory as filters offer it: every organisation, network and venue by name.
struct directory_choices {
    std::vector<db::organisation> organisations;
    std::vector<db::network> networks;
    std::vector<db::venue> venues;
};
directory_choices directory_choices_of(context& ctx);

// ---- one meeting's page ------------------------------------------------------------------------

// Whether the public may sign up for a meeting now, and if not, why (the rules of
// db::rsvps::sign_up, read without writing).
enum class sign_up_state {
    open,             // a seat, unless the party is larger than the seats left
    waitlist,         // full, or people wait already: a new sign-up waits too
    deadline_passed,  // the registration deadline has passed
    started,          // the meeting has started or is over
    cancelled,        // the meeting is cancelled
};

// Everything a meeting's page shows, read in one snapshot.
struct meeting_details {
    db::meeting meeting;
    std::optional<db::venue> venue;
    std::optional<db::organisation> organiser;
    std::vector<db::network> networks;  // by name
    availability seats;
    std::optional<int> per_organisation;  // places per organisation (a quota), if any
    sign_up_state sign_ups = sign_up_state::open;
    // The occurrences of its series after this one that have not ended (published or cancelled),
    // in order, at most 12.
    std::vector<db::meeting> coming;
    // Every organisation's name, sorted: the names a sign-up may pick.
    std::vector<std::string> organisation_names;
    // An occurrence of a series whose start was moved from where the series' rule puts it: the
    // local start the rule gave ("YYYY-MM-DDTHH:MM:SS"); empty otherwise. The only move that the
    // stored data proves (a single meeting keeps no earlier time).
    std::string planned_start;
};

// not_found for a missing meeting and for a draft the caller may not see (as the API).
meeting_details meeting_details_of(context& ctx, const credentials& who, db::id_t id);

// Where a person following a series' link should land: its first published occurrence that has
// not ended, else its first published one, else its first one that is not a draft; not_found
// when there is none (or no such series).
db::id_t series_landing(context& ctx, db::id_t series_id);

}  // namespace kal::service::app
