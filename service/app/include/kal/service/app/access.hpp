#pragma once
// Who is asking, and what they may do. The adapters hand over the credentials as they arrived
// (a bearer token from the API, later a session from the web pages); a use case resolves them
// inside its own unit of work, so that checking the caller costs no transaction of its own.
//
// Secrets (API tokens, sign-up links, private feeds) are a prefix plus 256 random bits from the
// system's CSPRNG in base64url, shown once and stored only as their BLAKE2b-256 hash. A secret
// is never compared: the database looks up the hash of what was presented, so any timing
// difference concerns a hash from which no secret can be made.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::service::app {

// Must run once before any other call (libsodium initialisation).
void init_crypto();

// The kinds of secret, each with its own prefix so that one can never be used as another.
namespace secret_kind {
inline constexpr std::string_view api_token = "kal_";
inline constexpr std::string_view sign_up_link = "kalr_";
inline constexpr std::string_view private_feed = "kalf_";
}  // namespace secret_kind

// prefix + 43 characters of base64url (256 bits).
std::string new_secret(std::string_view kind);
// True when `secret` has the form new_secret(kind) makes (checked before any lookup).
bool is_secret(std::string_view secret, std::string_view kind);
// Hex BLAKE2b-256: what the database keeps.
std::string hash_secret(std::string_view secret);
// A short hex BLAKE2b of any bytes (ETags of rendered answers).
std::string content_hash(std::string_view bytes);

// What the caller presented. Empty members: not presented.
struct credentials {
    std::string bearer_token;
    bool empty() const { return bearer_token.empty(); }
};

struct principal {
    bool admin = false;
    std::vector<db::id_t> organisations;  // an organiser writes for these
    std::optional<db::id_t> api_token_id;
    bool may_write_for(db::id_t organisation_id) const;
    // The organisation an organiser acts for by default (the first), nullopt for an admin.
    std::optional<db::id_t> home_organisation() const;
};

// The caller inside a unit of work: nullopt without credentials; unauthenticated for a
// malformed, unknown or revoked token.
std::optional<principal> identify(db::unit_of_work& w, const credentials& c);
// As identify, but credentials are required.
principal require_principal(db::unit_of_work& w, const credentials& c);
// forbidden unless the principal may write for the organisation.
void require_write(const principal& who, db::id_t organisation_id);
void require_admin(const principal& who);

// Drafts are as invisible as missing things to everyone who may not write for their organiser.
bool may_see(const std::optional<principal>& who, db::meeting_status status, db::id_t organisation_id);

// Creates an API token; the plain token exists only in the result. validation_failed naming
// "role" or "organisation" for an organiser token without an organisation.
std::pair<std::string, db::api_token> issue_api_token(db::database& database, std::int64_t now, db::token_role role,
                                                      const std::string& name,
                                                      std::optional<db::id_t> organisation_id);

}  // namespace kal::service::app
