#pragma once
// Bearer tokens: 256 random bits, shown once, stored only as a BLAKE2b hash; checked with a
// constant-time comparison.

#include <optional>
#include <string>

#include "kal/db/model.hpp"
#include "kal/db/store.hpp"
#include "kal/service/http.hpp"

namespace kal::service {

// Must run once before any other call (libsodium initialisation).
void init_crypto();

// "kal_" + 43 characters of base64url: 256 bits from the system's CSPRNG.
std::string new_token();
// Hex BLAKE2b-256 of the token; what the database keeps.
std::string hash_token(const std::string& token);

struct principal {
    db::api_token token;
    bool is_admin() const { return token.role == "admin"; }
    // True when this principal may write things owned by the organisation.
    bool may_write_for(db::id_t organisation_id) const;
};

// The caller, from "Authorization: Bearer ...": nullopt without the header; 401 for a malformed,
// unknown or revoked token.
std::optional<principal> authenticate(const request& req, db::store& store);
// As authenticate, but the header is required.
principal require_principal(const request& req, db::store& store);
// 403 unless the principal may write for the organisation.
void require_write(const principal& who, db::id_t organisation_id);
// 403 unless admin.
void require_admin(const principal& who);

// Creates a token and returns it with its record; the plain token exists only in the result.
std::pair<std::string, db::api_token> issue_token(db::store& store, const std::string& role, const std::string& name,
                                                  std::optional<db::id_t> organisation_id);

}  // namespace kal::service
