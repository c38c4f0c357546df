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

// ---- the meeting form --------------------------------------------------------------------------

// What the meeting form offers: the organisations the user may write for (every one for an
// admin), every network and venue, each list by Swedish name. unauthenticated without a user.
struct meeting_form_choices {
    std::vector<db::organisation> organisations;
    std::vector<db::network> networks;
    std::vector<db::venue> venues;
};
meeting_form_choices meeting_form_choices_of(context& ctx, const credentials& who);

// A meeting as its organiser edits it: not_found for a missing meeting or a draft the caller may
// not see (as the API), forbidden unless the caller may write for its organisation.
struct editable_meeting {
    db::meeting meeting;
    int sign_ups = 0;  // active sign-ups (confirmed and waitlisted): the people a cancellation mails
    int people = 0;    // their party sizes
    std::optional<db::series> series;  // an occurrence's series
};
editable_meeting meeting_to_edit(context& ctx, const credentials& who, db::id_t id);

// The meetings of `ids` the caller may see (a venue conflict names them), in the order given.
std::vector<db::meeting> visible_meetings(context& ctx, const credentials& who, const std::vector<db::id_t>& ids);

}  // namespace kal::service::app
