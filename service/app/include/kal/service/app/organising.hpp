#pragma once
// What the organisers' pages read and do beyond the API's use cases (issue 12): the Översikt of
// a signed-in organiser. Plain use cases like the rest of app/: no HTTP, no HTML.

#include <optional>
#include <vector>

#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/listings.hpp"

namespace kal::service::app {

struct overview_meeting {
    db::meeting meeting;
    availability seats;
    int failed_messages = 0;                    // messages of the meeting that could not be sent
    std::vector<db::meeting> venue_conflicts;   // other meetings (not cancelled) at its venue at an overlapping time
};

struct organiser_overview {
    bool admin = false;
    std::vector<db::organisation> organisations;  // the user's (an admin: none, it sees every one)
    std::vector<overview_meeting> coming;  // published and cancelled, not ended, the next 50 in start order
    std::vector<overview_meeting> drafts;  // drafts that have not ended, in start order
    surroundings around;                   // venues, organisations of all the meetings above
    // The FRÖ target of this year (reports.targets, calendar.default_time_zone) and how far it
    // is: FRÖ-möten held and planned (published) this year. No target: nullopt.
    int year = 0;
    int fro_held = 0, fro_planned = 0;
    std::optional<int> fro_target;
};

// The Översikt of the signed-in user (a session or a user's token): the meetings of its
// organisations (an admin's: every organisation's). unauthenticated without a user.
organiser_overview organiser_overview_of(context& ctx, const credentials& who);

}  // namespace kal::service::app
