#include "kal/service/app/access.hpp"

#include <sodium.h>

#include <chrono>
#include <stdexcept>

#include "kal/db/accounts.hpp"
#include "kal/db/api_tokens.hpp"
#include "kal/db/directory.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

void init_crypto() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

namespace {
constexpr std::size_t secret_bytes = 32;
constexpr std::size_t encoded_length = 43;  // base64url of 32 bytes, no padding
}  // namespace

std::string new_secret(std::string_view kind) {
    unsigned char bytes[secret_bytes];
    randombytes_buf(bytes, sizeof bytes);
    char encoded[sodium_base64_ENCODED_LEN(secret_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(encoded, sizeof encoded, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof bytes);
    return std::string(kind) + encoded;
}

bool is_secret(std::string_view secret, std::string_view kind) {
    if (secret.size() != kind.size() + encoded_length || !secret.starts_with(kind)) return false;
    for (auto c : secret.substr(kind.size()))
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

std::string hash_secret(std::string_view secret) {
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                       nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

std::string content_hash(std::string_view bytes) {
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

bool principal::may_write_for(db::id_t organisation_id) const {
    if (admin) return true;
    for (auto id : organisations)
        if (id == organisation_id) return true;
    return false;
}

std::optional<db::id_t> principal::home_organisation() const {
    if (admin || organisations.empty()) return std::nullopt;
    return organisations.front();
}

namespace {

// A user's rights as they are now, or nullopt for an account that may not act (deactivated).
std::optional<principal> principal_of_user(db::unit_of_work& w, db::id_t user_id) {
    auto u = db::users{w}.find(user_id);
    if (!u || !u->active()) return std::nullopt;
    principal p;
    p.admin = u->role == db::user_role::admin;
    p.organisations = u->organisation_ids;
    p.user_id = u->id;
    return p;
}

principal of_token(db::unit_of_work& w, const std::string& bearer_token) {
    const auto refused = [] { return unauthenticated("The token is not valid"); };
    if (!is_secret(bearer_token, secret_kind::api_token)) throw refused();
    auto token = db::api_tokens{w}.find_by_hash(hash_secret(bearer_token));
    if (!token) throw refused();
    principal p;
    if (token->user_id) {
        auto of_user = principal_of_user(w, *token->user_id);
        if (!of_user) throw refused();
        p = *of_user;
    } else {
        p.admin = token->role == db::token_role::admin;
        if (token->organisation_id) p.organisations.push_back(*token->organisation_id);
    }
    p.api_token_id = token->id;
    return p;
}

principal of_session(context& ctx, db::unit_of_work& w, const std::string& session_secret) {
    // One answer for every reason, as for tokens: nothing tells a guessed secret from an ended one.
    const auto refused = [] { return unauthenticated("Du är inte inloggad / You are not signed in"); };
    if (!is_secret(session_secret, secret_kind::session)) throw refused();
    const auto now = ctx.now();
    auto s = db::sessions{w}.find_by_hash(hash_secret(session_secret), now);
    const auto idle = std::chrono::duration_cast<std::chrono::seconds>(ctx.settings.accounts.session_idle_timeout);
    if (!s || now - s->last_seen_at >= idle.count()) throw refused();
    auto p = principal_of_user(w, s->user_id);
    if (!p) throw refused();
    p->session_id = s->id;
    // Written later by the housekeeping thread, so that this works in read units and costs a
    // request nothing but a note now and then.
    if (now - s->last_seen_at >= session_touch_interval(ctx.settings)) ctx.sessions_seen().note(s->id, now);
    return *p;
}

}  // namespace

std::optional<principal> identify(context& ctx, db::unit_of_work& w, const credentials& c) {
    if (!c.bearer_token.empty()) return of_token(w, c.bearer_token);
    if (!c.session_secret.empty()) return of_session(ctx, w, c.session_secret);
    return std::nullopt;
}

principal require_principal(context& ctx, db::unit_of_work& w, const credentials& c) {
    auto who = identify(ctx, w, c);
    if (!who) throw unauthenticated("This request needs \"Authorization: Bearer <token>\"");
    return *who;
}

void require_write(const principal& who, db::id_t organisation_id) {
    if (!who.may_write_for(organisation_id))
        throw forbidden("This token may only change things of its own organisation");
}

void require_admin(const principal& who) {
    if (!who.admin) throw forbidden("This needs an admin token");
}

bool may_see(const std::optional<principal>& who, db::meeting_status status, db::id_t organisation_id) {
    return status != db::meeting_status::draft || (who && who->may_write_for(organisation_id));
}

std::pair<std::string, db::api_token> issue_api_token(db::database& database, std::int64_t now, db::token_role role,
                                                      const std::string& name,
                                                      std::optional<db::id_t> organisation_id) {
    if (role == db::token_role::organiser && !organisation_id)
        throw validation_failed({{"organisation", "an organiser token needs an organisation", "required"}});
    auto token = new_secret(secret_kind::api_token);
    db::api_token record;
    record.role = role;
    record.name = name;
    record.organisation_id = role == db::token_role::admin ? std::nullopt : organisation_id;
    auto stored = database.write(now, [&](db::unit_of_work& w) {
        if (record.organisation_id && !db::organisations{w}.find(*record.organisation_id))
            throw validation_failed({{"organisation", "no organisation with that id", "unknown_reference"}});
        return db::api_tokens{w}.create(record, hash_secret(token));
    });
    return {token, stored};
}

std::pair<std::string, db::api_token> issue_user_api_token(db::database& database, std::int64_t now,
                                                           db::id_t user_id, const std::string& name) {
    auto token = new_secret(secret_kind::api_token);
    auto stored = database.write(now, [&](db::unit_of_work& w) {
        auto u = db::users{w}.find(user_id);
        if (!u || !u->active())
            throw validation_failed({{"user", "no active user with that id", "unknown_reference"}});
        db::api_token record;
        record.role = u->role == db::user_role::admin ? db::token_role::admin : db::token_role::organiser;
        record.name = name;
        record.user_id = u->id;
        return db::api_tokens{w}.create(record, hash_secret(token));
    });
    return {token, stored};
}

}  // namespace kal::service::app
