#include "kal/service/app/access.hpp"

#include <sodium.h>

#include <stdexcept>

#include "kal/db/api_tokens.hpp"
#include "kal/db/directory.hpp"
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

std::optional<principal> identify(db::unit_of_work& w, const credentials& c) {
    if (c.bearer_token.empty()) return std::nullopt;
    if (!is_secret(c.bearer_token, secret_kind::api_token)) throw unauthenticated("The token is not valid");
    auto token = db::api_tokens{w}.find_by_hash(hash_secret(c.bearer_token));
    if (!token) throw unauthenticated("The token is not valid");
    principal p;
    p.admin = token->role == db::token_role::admin;
    if (token->organisation_id) p.organisations.push_back(*token->organisation_id);
    p.api_token_id = token->id;
    return p;
}

principal require_principal(db::unit_of_work& w, const credentials& c) {
    auto who = identify(w, c);
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

}  // namespace kal::service::app
