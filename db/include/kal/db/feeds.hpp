#pragma once
// What calendar feeds show, the change counter that tags cached feeds, and private feed tokens.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

// The meetings of a feed. Every vector is "any of" (empty = all) and all must hold. Each vector
// is read without repeats and may hold at most max_feed_filter_values distinct values: more throw
// invalid_value naming it ("types", "network_ids", "organisation_ids", "venue_ids",
// "meeting_ids") before any statement runs.
struct feed_filter {
    instant from_utc = 0;  // meetings ending after this instant
    instant to_utc = 0;    // meetings starting before this instant
    std::vector<meeting_type> types;
    std::vector<id_t> network_ids;
    std::vector<id_t> organisation_ids;
    std::vector<id_t> venue_ids;
    std::vector<id_t> meeting_ids;
    // Published meetings always; cancelled ones only while they end after this instant; drafts never.
    instant keep_cancelled_until_utc = 0;
};

inline constexpr std::size_t max_feed_filter_values = 1000;

struct feed_snapshot {
    std::int64_t change_counter = 0;  // read in the same snapshot
    std::vector<meeting> meetings;    // ordered by (start_utc, id)
    // Qualified: a member named like its type may not use the unqualified name (GCC rejects it).
    std::vector<db::series> series;           // every series some meeting of `meetings` belongs to
    std::vector<venue> venues;                // every venue those meetings or their series use
    std::vector<organisation> organisations;  // every organisation organising them
    std::vector<network> networks;            // every network they are linked to, with owners
    // For every series in `series`: its occurrences that are cancelled or overridden, wherever
    // they fall (also outside the window), so that a master's EXDATEs and overrides are complete.
    std::vector<meeting> series_exceptions;
};

class feeds {
public:
    explicit feeds(unit_of_work& w) : w_(w) {}

    // Raised once by every committed unit marked feeds_changed() (database.hpp), in any process.
    std::int64_t change_counter();

    // The feed's meetings and everything they refer to, in a constant number of statements
    // however many meetings match (the storage suite pins the number). Requires a
    // snapshot unit (database::snapshot), so that its statements agree with each other; in
    // another unit it throws error (internal).
    feed_snapshot load(const feed_filter& f);

    // Private feeds. Only hashes of the secrets are stored; the caller hashes. Creating a token
    // changes no feed; rotating or revoking one does (feeds_changed(): every instance's cached
    // copy behind the old link must stop answering).
    // invalid_reference naming "organisation_id", "organisation_ids" or "network_ids";
    // conflict("token_hash") when the hash is in use.
    feed_token create_token(feed_token t, const std::string& token_hash);
    std::optional<feed_token> find_token_by_hash(const std::string& token_hash);  // not revoked
    std::optional<feed_token> find_token(id_t id);                                // revoked ones too
    // not_found for a missing or revoked token; conflict("token_hash") when the new hash is in use.
    feed_token rotate_token(id_t id, const std::string& new_token_hash);
    // not_found when there is none; revoking again keeps the first time and changes nothing.
    void revoke_token(id_t id);
    std::vector<feed_token> list_tokens(std::optional<id_t> organisation_id);  // all when nullopt; by id

private:
    unit_of_work& w_;
};

}  // namespace kal::db
