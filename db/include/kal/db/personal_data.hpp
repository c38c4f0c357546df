#pragma once
// Personal data: everything held about an e-mail address, its erasure, and the scheduled
// anonymisation after meetings. Personal data lives in sign-ups (name, e-mail, needs, manage
// token hashes), in walk-in check-ins (name) and in outbox rows (recipient, link secret).
// Addresses are compared case-insensitively. No write here changes what feeds show.

#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

// Everything held about one e-mail address (GDPR access request).
struct personal_record {
    std::vector<rsvp> rsvps;        // every sign-up of the address, cancelled ones too, by id
    std::vector<checkin> checkins;  // the check-ins of those sign-ups, by id
};

struct erasure {
    int erased = 0;              // sign-ups deleted
    std::vector<rsvp> promoted;  // moved up into the seats they held, meeting by meeting, in order
};

class personal_data {
public:
    explicit personal_data(unit_of_work& w) : w_(w) {}

    personal_record of(const std::string& email);
    // Deletes every sign-up of an address with its check-ins, link tokens and messages; the seats
    // they held move the waitlists (the meetings are locked in id order, so two erasures cannot
    // deadlock).
    erasure erase_address(const std::string& email);
    // Deletes one sign-up (its holder's wish) with its check-in, link tokens and messages; the
    // waitlist moves. not_found.
    erasure erase_rsvp(id_t rsvp_id);
    // Blanks name, e-mail and needs of sign-ups of meetings that ended before `ended_before`, the
    // names of walk-ins, the recipients and link secrets of their messages, and deletes their link
    // tokens; unique keys become "anonymised-<id>". Counts, statuses, party sizes and
    // organisations stay for the reports. Idempotent, one statement per table, so several
    // instances may run it at once. Returns how many sign-ups were anonymised.
    int anonymise_ended_before(instant ended_before);

private:
    unit_of_work& w_;
};

}  // namespace kal::db
