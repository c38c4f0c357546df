#pragma once
// API tokens. Only hashes are stored; the caller makes the secret and hashes it. No write here
// changes what feeds show.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

class api_tokens {
public:
    explicit api_tokens(unit_of_work& w) : w_(w) {}

    // Created at now. Without a user: invalid_reference("organisation_id") for an organiser token
    // without an organisation or with an unknown one. With a user (t.user_id): the user's token,
    // acting with its rights; invalid_reference("user_id") for an unknown user, and
    // invalid_value("organisation_id") when an organisation is given too. conflict("token_hash")
    // when the hash is in use.
    api_token create(api_token t, const std::string& token_hash);
    std::optional<api_token> find_by_hash(const std::string& token_hash);  // not revoked
    std::optional<api_token> find(id_t id);                                 // revoked ones too
    void revoke(id_t id);  // at now; not_found; revoking again keeps the first time
    std::vector<api_token> list();  // by id, revoked ones too
    std::vector<api_token> list_of_user(id_t user_id);  // by id, revoked ones too

private:
    unit_of_work& w_;
};

}  // namespace kal::db
