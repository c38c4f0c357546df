#pragma once
// Personal data: everything held about an e-mail address, its erasure, and the scheduled
// anonymisation after meetings. Personal data lives in sign-ups (name, e-mail, needs, manage
// token hashes), in walk-in check-ins (name), in outbox rows (recipient, link secret), and in
// accounts (a user's e-mail and name, its sessions' descriptions, waiting sign-in requests).
// Addresses are compared case-insensitively. No write here changes what feeds show.
//
// Accounts are reached only by an admin's erasure of an address, never by the scheduled
// anonymisation: a user who leaves is deactivated (accounts.hpp), which keeps who they were for
// the record, and erased when they (or the law) ask.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

// Everything held about one e-mail address (GDPR access request).
struct personal_record {
    std::vector<rsvp> rsvps;        // every sign-up of the address, cancelled ones too, by id
    std::vector<checkin> checkins;  // the check-ins of those sign-ups, by id
    std::optional<user> account;    // the account of the address, with its memberships
    std::vector<session> sessions;  // the account's sessions that are still stored, newest first
};

struct erasure {
    int erased = 0;              // sign-ups deleted
    std::vector<rsvp> promoted;  // moved up into the seats they held, meeting by meeting, in order
    bool account_erased = false;  // the address had an account, now blanked
};

class personal_data {
public:
    explicit personal_data(unit_of_work& w) : w_(w) {}

    personal_record of(const std::string& email);
    // Deletes every sign-up of an address with its check-ins, link tokens and messages; the seats
    // they held move the waitlists (the meetings are locked in id order, so two erasures cannot
    // deadlock). An account of the address is erased: its e-mail and name blanked (the row stays,
    // as "erased-<id>", deactivated, so that what refers to it keeps a referent), its sessions,
    // sign-in links, memberships and messages deleted, its API tokens revoked; waiting sign-in
    // requests of the address are deleted too.
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
    bool erase_account(const std::string& email_key);
    unit_of_work& w_;
};

}  // namespace kal::db
