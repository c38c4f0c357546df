#pragma once
// What accounts.cpp and sign_in.cpp share.

#include <string>
#include <utility>

#include "kal/db/accounts.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app::detail {

// A new sign-in link inside a unit of work: its secret (for the mail or the operator, never
// stored) and its stored record (the hash).

inline std::pair<std::string, db::sign_in_link> new_sign_in_link(db::unit_of_work& w, db::id_t user_id,
                                                                 std::int64_t expires_at) {
    auto secret = new_secret(secret_kind::sign_in_link);
    auto link = db::sign_in_links{w}.create(user_id, hash_secret(secret), expires_at);
    return {std::move(secret), link};
}

// The principal of a request that must come from a signed-in browser: sessions and tokens are
// managed there (a token that could make tokens would outlive its own revocation).
inline principal require_session(context& ctx, db::unit_of_work& w, const credentials& creds) {
    auto who = require_principal(ctx, w, creds);
    if (!who.session_id || !who.user_id)
        throw forbidden("Bara i webbläsaren, inloggad / Only signed in, in the browser");
    return who;
}

}  // namespace kal::service::app::detail
