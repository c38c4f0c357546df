#pragma once
// Accounts: users and their memberships (users.cpp), one-time sign-in links, sessions and the
// queue of sign-in requests (sessions.cpp). Only hashes of secrets are stored; the caller makes
// the secrets and hashes them, and decides the lifetimes. No write here changes what feeds show.
//
// Rules held here whatever the caller does:
// - an e-mail address (case-insensitive) has at most one account (a unique key);
// - a sign-in link is used at most once, also when two redeems of it run at once (one UPDATE
//   that requires it unused and unexpired: the database lets exactly one change the row);
// - deactivating a user ends its sessions, deletes its unused links and revokes its API tokens
//   in the same unit of work.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

class users {
public:
    explicit users(unit_of_work& w) : w_(w) {}

    // Created at now with u's memberships (u.organisation_ids). conflict("email") when the
    // address has an account in any case; invalid_reference("organisation_ids") for an unknown
    // organisation; invalid_value("email") for an empty address.
    user create(user u);
    std::optional<user> find(id_t id);  // with memberships
    // By address, case-insensitively; an erased account is never found.
    std::optional<user> find_by_email(const std::string& email);
    // Every account but the erased ones, by id, with memberships (one statement for all of them).
    std::vector<user> list();
    // Adds memberships (those it has stay). not_found; invalid_reference("organisation_ids").
    user add_memberships(id_t id, const std::vector<id_t>& organisation_ids);
    user set_role(id_t id, user_role role);  // not_found
    // Deactivates at now: ends every session, deletes the unused sign-in links and revokes the
    // API tokens of the user. Idempotent (the first time is kept). not_found.
    user deactivate(id_t id);
    user reactivate(id_t id);      // not_found; sessions and tokens ended before stay ended
    void record_sign_in(id_t id);  // last_sign_in_at = now

private:
    unit_of_work& w_;
};

class sign_in_links {
public:
    explicit sign_in_links(unit_of_work& w) : w_(w) {}

    // A link for the user, created at now, valid until expires_at. conflict("token_hash");
    // invalid_reference("user_id").
    sign_in_link create(id_t user_id, const std::string& token_hash, instant expires_at);
    std::optional<sign_in_link> find_by_hash(const std::string& token_hash);
    // Uses the link at now and returns its user, if it exists, is unused and expires after now;
    // nullopt otherwise, whichever it was. Two redeems of one link at once: exactly one gets the
    // user (on PostgreSQL the second waits for the first's row lock and then finds it used; on
    // SQLite writers are serialised).
    std::optional<id_t> redeem(const std::string& token_hash);

private:
    unit_of_work& w_;
};

// A request for a sign-in link, waiting to be turned into a link and a message.
struct sign_in_request {
    id_t id = 0;
    std::string email_key;  // the address lower-cased
    instant created_at = 0;
};

class sign_in_requests {
public:
    explicit sign_in_requests(unit_of_work& w) : w_(w) {}

    // Queues a request for the address at now, whether or not it has an account.
    void add(const std::string& email);
    // Takes (deletes and returns) up to `limit` of the oldest requests. On PostgreSQL with FOR
    // UPDATE SKIP LOCKED, so instances never take the same one; on SQLite under BEGIN IMMEDIATE.
    std::vector<sign_in_request> take(int limit);

private:
    unit_of_work& w_;
};

class sessions {
public:
    explicit sessions(unit_of_work& w) : w_(w) {}

    // A new session of the user, started (and last seen) at now, ending at expires_at.
    // conflict("token_hash"); invalid_reference("user_id").
    session start(id_t user_id, const std::string& token_hash, const std::string& description, instant expires_at);
    // The session of a hash, if it has not ended and expires after `at` (the idle timeout is the
    // caller's to check against last_seen_at).
    std::optional<session> find_by_hash(const std::string& token_hash, instant at);
    // The user's sessions that have not ended, expire after `at` and were seen after
    // `seen_after`, newest first.
    std::vector<session> list_of(id_t user_id, instant at, instant seen_after);
    // Ends one session at now, if it belongs to the user and has not ended; true when it did.
    bool end(id_t user_id, id_t session_id);
    // Ends every session of the user at now; returns how many.
    int end_all(id_t user_id);
    // Raises last_seen_at of sessions that have not ended to the instants given (never lowers
    // it). Several instances may do this at once.
    void record_activity(const std::vector<std::pair<id_t, instant>>& seen);
    // Deletes what can no longer be used: sessions that ended, expired before now or were last
    // seen before `idle_before`, and sign-in links that were used or expired before now. Returns
    // how many sessions and links went.
    std::pair<int, int> purge(instant idle_before);

private:
    unit_of_work& w_;
};

}  // namespace kal::db
