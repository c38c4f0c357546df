#pragma once
// The mail outbox: every e-mail is first a row, written by the application layer in the same
// unit of work as the change that causes it, then claimed and sent by a delivery worker.
//
// db/ holds no mail policy: the caller decides who gets what, composes the dedup key, the
// Message-ID and the link secret, and passes a complete message. No write here changes what
// feeds show.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

// A message to write. Everything the row holds apart from its delivery state. It belongs to a
// meeting (and maybe one of its sign-ups) or to a user: exactly one of meeting_id and user_id.
// Or it is detached: a meeting_cancelled for a meeting that is being deleted, with neither (nor
// rsvp_id), which says what it says through `facts` (the meeting and its sign-up are gone).
struct new_message {
    message_kind kind = message_kind::confirmed;
    std::optional<id_t> meeting_id;
    std::optional<id_t> rsvp_id;
    std::optional<id_t> user_id;
    std::string recipient;
    db::language language = db::language::sv;
    int sequence = 0;               // the meeting's SEQUENCE the message is written for (0: a user's)
    instant meeting_start_utc = 0;  // the meeting's start the message is written for (0: a user's)
    std::string dedup_key;          // one message per key, ever
    std::string message_id;         // the Message-ID header, "<...@domain>"
    std::string link_token;         // the secret of the link it carries (manage or sign-in), or empty
    // What the message says beyond what its meeting and sign-up hold when it is sent, by name
    // (the caller's names): required for a detached message, which has neither; for another, what
    // only its cause knew (e.g. which parts of a meeting changed).
    std::vector<std::pair<std::string, std::string>> facts;
};

class outbox {
public:
    explicit outbox(unit_of_work& w) : w_(w) {}

    // Writes the message, pending and due at now, unless one with its dedup_key exists: then it
    // writes nothing and returns false (also under concurrency: the unique key decides, and a
    // concurrent writer of the same key waits for the first and then writes nothing).
    // invalid_reference("meeting_id" / "rsvp_id" / "user_id") for unknown ids; invalid_value
    // ("meeting_id") unless exactly one of meeting_id and user_id is given (or neither, for a
    // detached meeting_cancelled with facts), ("rsvp_id") for a sign-up with a user's or a
    // detached message, or ("facts") for a detached message without facts.
    bool enqueue(const new_message& m);
    // The facts of a message, by name.
    std::vector<std::pair<std::string, std::string>> facts(id_t id);
    // Claims up to `limit` due messages (pending with next_attempt_at <= now, or sending with a
    // claim that ran out before now) for `worker` until now + lease_seconds: state sending,
    // attempts + 1. On PostgreSQL with FOR UPDATE SKIP LOCKED, so instances never claim the same
    // row; on SQLite under BEGIN IMMEDIATE. Oldest due first.
    std::vector<outbox_message> claim(const std::string& worker, std::int64_t lease_seconds, int limit);
    void mark_sent(id_t id);  // sent at now; forgets the link secret
    // Pending again at next_attempt_at, if still sending (a claim taken over meanwhile stays).
    void mark_retry(id_t id, instant next_attempt_at, const std::string& error);
    void mark_failed(id_t id, const std::string& error);
    void mark_skipped(id_t id, const std::string& reason);  // forgets the link secret
    std::optional<outbox_message> find(id_t id);
    std::vector<outbox_message> list(id_t meeting_id);  // oldest first
    std::vector<outbox_message> list_of_user(id_t user_id);  // oldest first
    // How many failed messages each of these meetings has; meetings with none are left out.
    std::map<id_t, std::int64_t> failed_of(const std::vector<id_t>& meeting_ids);
    // A failed or skipped message goes out again: pending at now, attempts 0, created at now.
    // not_found; conflict("state") for any other state.
    outbox_message resend(id_t id);
    // Deletes the finished messages (sent, failed, skipped) that were sent, or else written,
    // before `finished_before` and whose meeting has begun (a user's message has no meeting):
    // such a row is only history then, and no change can want its dedup key again. Returns how
    // many went.
    std::int64_t purge_finished(instant finished_before);
    // How many messages are in each state; states without any are left out. In state order.
    std::vector<std::pair<message_state, std::int64_t>> counts();

private:
    unit_of_work& w_;
};

}  // namespace kal::db
