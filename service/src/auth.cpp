#include "kal/service/auth.hpp"

#include <sodium.h>

#include <cctype>
#include <stdexcept>
#include <strings.h>

namespace kal::service {

void init_crypto() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string new_token() {
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char encoded[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(encoded, sizeof encoded, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof bytes);
    return std::string("kal_") + encoded;
}

std::string hash_token(const std::string& token) {
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

bool principal::may_write_for(db::id_t organisation_id) const {
    return is_admin() || (token.organisation_id && *token.organisation_id == organisation_id);
}

namespace {

bool well_formed(const std::string& token) {
    if (token.size() != 47 || !token.starts_with("kal_")) return false;
    for (std::size_t i = 4; i < token.size(); ++i) {
        char c = token[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
    return true;
}

}  // namespace

std::optional<principal> authenticate(const request& req, db::store& store) {
    auto header = req.header("authorization");
    if (!header) return std::nullopt;
    const std::string prefix = "Bearer ";
    if (header->size() <= prefix.size() || strncasecmp(header->c_str(), prefix.c_str(), prefix.size()) != 0)
        throw problems::unauthorized("Authorization must be \"Bearer <token>\"");
    auto token = header->substr(prefix.size());
    if (!well_formed(token)) throw problems::unauthorized("The token is not valid");
    // The secret itself is never compared: the database looks up the BLAKE2b hash of a 256-bit
    // random token, so whatever timing reveals is about a hash, from which no token can be made.
    auto found = store.find_token_by_hash(hash_token(token));
    if (!found) throw problems::unauthorized("The token is not valid");
    return principal{*found};
}

principal require_principal(const request& req, db::store& store) {
    auto who = authenticate(req, store);
    if (!who) throw problems::unauthorized("This request needs \"Authorization: Bearer <token>\"");
    return *who;
}

void require_write(const principal& who, db::id_t organisation_id) {
    if (!who.may_write_for(organisation_id))
        throw problems::forbidden("This token may only change things of its own organisation");
}

void require_admin(const principal& who) {
    if (!who.is_admin()) throw problems::forbidden("This needs an admin token");
}

std::pair<std::string, db::api_token> issue_token(db::store& store, const std::string& role, const std::string& name,
                                                  std::optional<db::id_t> organisation_id) {
    if (!db::is_one_of(role, db::token_roles)) throw std::invalid_argument("role must be admin or organiser");
    if (role == "organiser" && !organisation_id)
        throw std::invalid_argument("an organiser token needs --organisation ID");
    auto token = new_token();
    db::api_token record;
    record.role = role;
    record.name = name;
    record.organisation_id = organisation_id;
    auto stored = store.create_token(record, hash_token(token));
    return {token, stored};
}

}  // namespace kal::service
