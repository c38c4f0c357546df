#pragma once
// Who is asking, and what they may do. The adapters hand over the credentials as they arrived
// (a bearer token from the API, a session cookie from the web pages); a use case resolves them
// inside its own unit of work, so that checking the caller costs no transaction of its own.
//
// Secrets (API tokens, sign-up links, private feeds, sign-in links, sessions) are a prefix plus
// 256 random bits from the system's CSPRNG in base64url, shown once and stored only as their
// BLAKE2b-256 hash. A secret is never compared: the database looks up the hash of what was
// presented, so any timing difference concerns a hash from which no secret can be made.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::app {

// Must run once before any other call (libsodium initialisation).
void init_crypto();

// The kinds of secret, each with its own prefix so that one can never be used as another.
namespace secret_kind {
inline constexpr std::string_view api_token = "kal_";
inline constexpr std::string_view sign_up_link = "kalr_";
inline constexpr std::string_view private_feed = "kalf_";
inline constexpr std::string_view sign_in_link = "kali_";  // i: inloggning
inline constexpr std::string_view session = "kals_";
// c: check-in, the door's link of a sign-up; derived from a message's link secret (door.hpp).
inline constexpr std::string_view check_in_link = "kalc_";
// u: uppladdning, a calendar uploaded on the import page and kept for its confirmation (import.hpp).
inline constexpr std::string_view staged_import = "kalu_";
// b: blankett, a public form's token (web/forms.cpp), in its cookie kal_form and the form's field.
inline constexpr std::string_view form_token = "kalb_";
}  // namespace secret_kind

// prefix + 43 characters of base64url (256 bits).
std::string new_secret(std::string_view kind);
// True when `secret` has the form new_secret(kind) makes (checked before any lookup).
bool is_secret(std::string_view secret, std::string_view kind);
// Hex BLAKE2b-256: what the database keeps.
std::string hash_secret(std::string_view secret);
// A short hex BLAKE2b of any bytes (ETags of rendered answers).
std::string content_hash(std::string_view bytes);

// What the caller presented. Empty members: not presented. Only the web adapter fills
// session_secret (from the session cookie, session_cookie_for in accounts.hpp), and for a
// request that changes anything only after its CSRF and Origin checks; the API never does.
struct credentials {
    std::string bearer_token;    // "Authorization: Bearer ..."
    std::string session_secret;  // the session cookie's value
    bool empty() const { return bearer_token.empty() && session_secret.empty(); }
};

struct principal {
    bool admin = false;
    std::vector<db::id_t> organisations;  // an organiser writes for these (ascending)
    std::optional<db::id_t> api_token_id;  // signed by an API token (of a user, or not)
    std::optional<db::id_t> user_id;       // a user: signed in, or by one of its API tokens
    std::optional<db::id_t> session_id;    // signed in with this session
    bool may_write_for(db::id_t organisation_id) const;
    // The organisation an organiser acts for by default (the first), nullopt for an admin.
    std::optional<db::id_t> home_organisation() const;
};

// The caller inside a unit of work: nullopt without credentials. A bearer token is used when
// both are presented (it is explicit; a cookie comes with every request). unauthenticated for a
// malformed, unknown or revoked token, a token of a deactivated user, and a session that is
// malformed, unknown, ended, past its absolute lifetime (accounts.session_lifetime), idle longer
// than accounts.session_idle_timeout, or of a deactivated user: all alike. A user's token and a
// session act with the user's role and memberships as they are now.
//
// It reads only (three small queries for a session), so it works in read units too: a session's
// last_seen_at is not written here but noted in the context when it is older than the touch
// interval (session_touch_interval), and written by the housekeeping thread
// (record_session_activity in accounts.hpp).
std::optional<principal> identify(context& ctx, db::unit_of_work& w, const credentials& c);
// As identify, but credentials are required.
principal require_principal(context& ctx, db::unit_of_work& w, const credentials& c);
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
// Creates an API token of a user (the command line's `token create --user`); it acts with the
// user's rights. validation_failed naming "user" for an unknown or deactivated user.
std::pair<std::string, db::api_token> issue_user_api_token(db::database& database, std::int64_t now,
                                                           db::id_t user_id, const std::string& name);

}  // namespace kal::service::app
