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

}  // namespace kal::service::app
