// API tokens.

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(api_tokens_repository)

BOOST_AUTO_TEST_CASE(tokens_are_found_by_hash_until_revoked) {
    fresh_store f;
    auto o = f.org();
    api_token admin;
    admin.role = token_role::admin;
    admin.name = "Drift";
    auto a = f.db->create_token(admin, "hash-admin");
    BOOST_TEST(a.created_at == f.db->now);
    api_token organiser;
    organiser.role = token_role::organiser;
    organiser.name = "Ödegärdets nyckel";
    organiser.organisation_id = o;
    auto b = f.db->create_token(organiser, "hash-organiser");

    auto found = f.db->find_token_by_hash("hash-organiser");
    BOOST_REQUIRE(found);
    BOOST_TEST(found->id == b.id);
    BOOST_TEST(found->role == token_role::organiser);
    BOOST_TEST(found->name == "Ödegärdets nyckel");
    BOOST_TEST(*found->organisation_id == o);
    BOOST_TEST(!found->revoked_at);
    BOOST_TEST(!f.db->find_token_by_hash("hash-admin")->organisation_id);
    BOOST_TEST(!f.db->find_token_by_hash("no-such-hash"));
    try {
        f.db->create_token(admin, "hash-admin");
        BOOST_FAIL("a hash in use was accepted");
    } catch (const conflict& e) {
        BOOST_TEST(e.field == "token_hash");
    }

    f.db->now += hour;
    f.db->revoke_token(a.id);
    BOOST_TEST(!f.db->find_token_by_hash("hash-admin"));
    auto all = f.db->list_tokens();
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(*all[0].revoked_at == f.db->now);
    BOOST_TEST(!all[1].revoked_at.has_value());
    f.db->now += hour;
    f.db->revoke_token(a.id);  // again: keeps the first time
    BOOST_TEST(*f.db->list_tokens()[0].revoked_at == f.db->now - hour);
    BOOST_CHECK_THROW(f.db->revoke_token(b.id + 100), not_found);

    api_token orphan = organiser;
    orphan.organisation_id.reset();
    BOOST_TEST(reference_field_of([&] { f.db->create_token(orphan, "hash-orphan"); }) == "organisation_id");
    orphan.organisation_id = o + 100;
    BOOST_TEST(reference_field_of([&] { f.db->create_token(orphan, "hash-orphan"); }) == "organisation_id");
    // Tokens do not touch feeds.
    auto before = f.db->change_counter();
    f.db->create_token(admin, "hash-admin-2");
    BOOST_TEST(f.db->change_counter() == before);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
