// Accounts: users and memberships, one-time sign-in links, sessions, queued sign-in requests,
// API tokens and outbox rows of users, their erasure, and the upgrade to schema 6.

#include <soci/soci.h>

#include "kal/db/accounts.hpp"
#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(accounts_repository)

namespace {

user someone(const std::string& email, std::vector<db_id> organisations = {}, user_role role = user_role::organiser) {
    user u;
    u.email = email;
    u.name = "Namn " + email;
    u.role = role;
    u.organisation_ids = std::move(organisations);
    return u;
}

user create_user(fresh_store& f, const user& u) {
    return f.db->write([&](unit_of_work& w) { return users{w}.create(u); });
}

sign_in_link create_link(fresh_store& f, db_id user_id, const std::string& hash, instant expires_at) {
    return f.db->write([&](unit_of_work& w) { return sign_in_links{w}.create(user_id, hash, expires_at); });
}

std::optional<db_id> redeem(fresh_store& f, const std::string& hash) {
    return f.db->write([&](unit_of_work& w) { return sign_in_links{w}.redeem(hash); });
}

session start_session(fresh_store& f, db_id user_id, const std::string& hash, instant expires_at) {
    return f.db->write(
        [&](unit_of_work& w) { return sessions{w}.start(user_id, hash, "Firefox på Linux", expires_at); });
}

std::optional<session> session_of(fresh_store& f, const std::string& hash, instant at) {
    return f.db->read([&](unit_of_work& w) { return sessions{w}.find_by_hash(hash, at); });
}

std::optional<user> user_by_id(fresh_store& f, db_id id) {
    return f.db->read([&](unit_of_work& w) { return users{w}.find(id); });
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_address_has_one_account_whatever_its_case_and_it_carries_its_memberships) {
    fresh_store f;
    auto a = f.org("Föreningen Ett"), b = f.org("Föreningen Två");
    auto anna = create_user(f, someone("Anna.Berg@Example.se", {b, a, b}));
    BOOST_TEST(anna.created_at == f.db->now);
    BOOST_TEST((anna.organisation_ids == std::vector<db_id>{std::min(a, b), std::max(a, b)}));
    BOOST_TEST(anna.active());
    auto found = f.db->read([&](unit_of_work& w) { return users{w}.find_by_email("anna.berg@EXAMPLE.SE"); });
    BOOST_REQUIRE(found);
    BOOST_TEST(found->id == anna.id);
    BOOST_TEST(found->email == "Anna.Berg@Example.se");  // as given
    BOOST_TEST(found->name == "Namn Anna.Berg@Example.se");
    BOOST_TEST(found->role == user_role::organiser);
    BOOST_TEST(found->language == db::language::sv);
    BOOST_TEST(found->organisation_ids == anna.organisation_ids);
    BOOST_TEST(field_of<conflict>([&] { create_user(f, someone("ANNA.BERG@example.se")); }) == "email");
    // An unknown organisation names the field, and the unit writes nothing.
    BOOST_TEST(reference_field_of([&] {
                   create_user(f, someone("bo@example.se", {a, b + 100}));
               }) == "organisation_ids");
    BOOST_TEST(count_rows(f.url, "users") == 1);
    BOOST_TEST(count_rows(f.url, "memberships") == 2);
    BOOST_TEST(field_of<invalid_value>([&] { create_user(f, someone("")); }) == "email");

    auto bo = create_user(f, someone("bo@example.se", {}, user_role::admin));
    auto more = f.db->write([&](unit_of_work& w) { return users{w}.add_memberships(anna.id, {a, a}); });
    BOOST_TEST(more.organisation_ids == anna.organisation_ids);  // those it had stay, once each
    BOOST_CHECK_THROW(f.db->write([&](unit_of_work& w) { users{w}.add_memberships(bo.id + 100, {a}); }), not_found);
    f.db->write([&](unit_of_work& w) { users{w}.set_role(anna.id, user_role::admin); });
    auto all = f.db->read([](unit_of_work& w) { return users{w}.list(); });
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0].id == anna.id);
    BOOST_TEST(all[0].role == user_role::admin);
    BOOST_TEST(all[0].organisation_ids == anna.organisation_ids);
    BOOST_TEST(all[1].organisation_ids.empty());
    // Accounts do not touch feeds.
    auto before = f.db->change_counter();
    create_user(f, someone("cecilia@example.se", {a}));
    BOOST_TEST(f.db->change_counter() == before);
}

BOOST_AUTO_TEST_CASE(a_sign_in_link_works_once_and_not_once_it_has_expired) {
    fresh_store f;
    auto u = create_user(f, someone("anna@example.se", {f.org()}));
    auto link = create_link(f, u.id, "link-1", f.db->now + 900);
    BOOST_TEST(link.created_at == f.db->now);
    BOOST_TEST(field_of<conflict>([&] { create_link(f, u.id, "link-1", f.db->now + 900); }) == "token_hash");
    BOOST_TEST(reference_field_of([&] { create_link(f, u.id + 100, "link-x", f.db->now + 900); }) == "user_id");
    f.db->now += 60;
    BOOST_TEST((redeem(f, "link-1") == std::optional<db_id>(u.id)));
    BOOST_TEST(!redeem(f, "link-1"));  // used
    auto used = f.db->read([&](unit_of_work& w) { return sign_in_links{w}.find_by_hash("link-1"); });
    BOOST_REQUIRE(used);
    BOOST_TEST(*used->used_at == f.db->now);

    create_link(f, u.id, "link-2", f.db->now + 900);
    f.db->now += 900;  // expires_at is not "after now" any more
    BOOST_TEST(!redeem(f, "link-2"));
    BOOST_TEST(!redeem(f, "no-such-link"));
    auto expired = f.db->read([&](unit_of_work& w) { return sign_in_links{w}.find_by_hash("link-2"); });
    BOOST_TEST(!expired->used_at);  // refused, not used
}

BOOST_AUTO_TEST_CASE(two_redeems_of_one_link_at_once_give_its_user_once) {
    fresh_store f;
    auto u = create_user(f, someone("anna@example.se", {f.org()}));
    constexpr int links = 10, racers = 6;
    for (int l = 0; l < links; ++l) create_link(f, u.id, "race-" + std::to_string(l), f.db->now + 900);
    for (int l = 0; l < links; ++l) {
        const std::string hash = "race-" + std::to_string(l);
        std::atomic<int> won{0}, lost{0};
        std::barrier start(racers);
        std::vector<std::thread> threads;
        for (int t = 0; t < racers; ++t)
            threads.emplace_back([&] {
                start.arrive_and_wait();
                (redeem(f, hash) ? won : lost)++;
            });
        for (auto& t : threads) t.join();
        BOOST_TEST(won.load() == 1);
        BOOST_TEST(lost.load() == racers - 1);
    }
}

BOOST_AUTO_TEST_CASE(a_session_is_found_until_it_ends_or_expires_and_activity_only_raises_last_seen) {
    fresh_store f;
    auto anna = create_user(f, someone("anna@example.se", {f.org()}));
    auto bo = create_user(f, someone("bo@example.se", {f.org("Annan")}));
    const auto t = f.db->now;
    auto first = start_session(f, anna.id, "session-1", t + day);
    BOOST_TEST(first.created_at == t);
    BOOST_TEST(first.last_seen_at == t);
    BOOST_TEST(first.description == "Firefox på Linux");
    BOOST_TEST(field_of<conflict>([&] { start_session(f, anna.id, "session-1", t + day); }) == "token_hash");
    f.db->now += 10;
    auto second = start_session(f, anna.id, "session-2", t + day);
    f.db->now += 10;
    auto third = start_session(f, anna.id, "session-3", t + hour);
    auto bos = start_session(f, bo.id, "session-bo", t + day);

    BOOST_TEST(session_of(f, "session-1", t)->id == first.id);
    BOOST_TEST(!session_of(f, "session-3", t + hour));  // past its absolute end
    BOOST_TEST(!session_of(f, "nope", t));
    auto listed = f.db->read([&](unit_of_work& w) { return sessions{w}.list_of(anna.id, t, t - 1); });
    BOOST_TEST((ids_of_all(listed) == std::vector<db_id>{third.id, second.id, first.id}));  // newest first
    listed = f.db->read([&](unit_of_work& w) { return sessions{w}.list_of(anna.id, t, t + 5); });
    BOOST_TEST((ids_of_all(listed) == std::vector<db_id>{third.id, second.id}));  // seen after t + 5

    // Activity raises last_seen_at, never lowers it, and leaves ended sessions alone.
    f.db->write([&](unit_of_work& w) { sessions{w}.record_activity({{second.id, t + 500}, {first.id, t + 300}}); });
    f.db->write([&](unit_of_work& w) { sessions{w}.record_activity({{second.id, t + 400}}); });
    BOOST_TEST(session_of(f, "session-1", t)->last_seen_at == t + 300);
    BOOST_TEST(session_of(f, "session-2", t)->last_seen_at == t + 500);

    // Ending: only the owner's, once.
    BOOST_TEST(!f.db->write([&](unit_of_work& w) { return sessions{w}.end(bo.id, first.id); }));
    BOOST_TEST(f.db->write([&](unit_of_work& w) { return sessions{w}.end(anna.id, first.id); }));
    BOOST_TEST(!f.db->write([&](unit_of_work& w) { return sessions{w}.end(anna.id, first.id); }));
    BOOST_TEST(!session_of(f, "session-1", t));
    f.db->write([&](unit_of_work& w) { sessions{w}.record_activity({{first.id, t + 900}}); });
    BOOST_TEST(f.db->read([&](unit_of_work& w) { return sessions{w}.list_of(anna.id, t - 1, 0); }).size() == 2u);
    BOOST_TEST(f.db->write([&](unit_of_work& w) { return sessions{w}.end_all(anna.id); }) == 2);
    BOOST_TEST(!session_of(f, "session-2", t));
    BOOST_TEST(session_of(f, "session-bo", t)->id == bos.id);  // another user's stays

    // What can no longer be used goes: ended and expired sessions, idle ones, used and expired links.
    create_link(f, anna.id, "link-used", t + 900);
    create_link(f, anna.id, "link-fresh", t + 5 * day);
    create_link(f, anna.id, "link-old", t + 60);
    redeem(f, "link-used");
    start_session(f, bo.id, "session-idle", t + day);  // last seen at now
    f.db->now = t + 2 * hour;
    auto [gone_sessions, gone_links] =
        f.db->write([&](unit_of_work& w) { return sessions{w}.purge(f.db->now - hour); });
    BOOST_TEST(gone_sessions == 5);  // 1, 2, 3 (expired), session-bo and session-idle (seen > an hour ago)
    BOOST_TEST(gone_links == 2);
    BOOST_TEST(count_rows(f.url, "sessions") == 0);
    BOOST_TEST(count_rows(f.url, "sign_in_links") == 1);
}

BOOST_AUTO_TEST_CASE(deactivating_a_user_ends_its_sessions_deletes_its_unused_links_and_revokes_its_tokens) {
    fresh_store f;
    auto o = f.org();
    auto anna = create_user(f, someone("anna@example.se", {o}));
    auto bo = create_user(f, someone("bo@example.se", {o}));
    start_session(f, anna.id, "anna-session", f.db->now + day);
    start_session(f, bo.id, "bo-session", f.db->now + day);
    create_link(f, anna.id, "anna-used", f.db->now + 900);
    redeem(f, "anna-used");
    create_link(f, anna.id, "anna-unused", f.db->now + 900);
    api_token t;
    t.name = "Annas nyckel";
    t.user_id = anna.id;
    f.db->create_token(t, "anna-token");
    t.user_id = bo.id;
    f.db->create_token(t, "bo-token");

    f.db->now += hour;
    auto off = f.db->write([&](unit_of_work& w) { return users{w}.deactivate(anna.id); });
    BOOST_TEST(!off.active());
    BOOST_TEST(*off.deactivated_at == f.db->now);
    BOOST_TEST(!session_of(f, "anna-session", f.db->now));
    BOOST_TEST(!f.db->find_token_by_hash("anna-token"));
    BOOST_TEST(!f.db->read([&](unit_of_work& w) { return sign_in_links{w}.find_by_hash("anna-unused"); }));
    BOOST_TEST(f.db->read([&](unit_of_work& w) { return sign_in_links{w}.find_by_hash("anna-used"); }).has_value());
    // Another user of the same organisation keeps everything.
    BOOST_TEST(session_of(f, "bo-session", f.db->now).has_value());
    BOOST_TEST(f.db->find_token_by_hash("bo-token").has_value());
    // Again: the first time stays. The name and address stay too, for the record.
    f.db->now += hour;
    f.db->write([&](unit_of_work& w) { users{w}.deactivate(anna.id); });
    BOOST_TEST(*user_by_id(f, anna.id)->deactivated_at == f.db->now - hour);
    BOOST_TEST(user_by_id(f, anna.id)->email == "anna@example.se");
    auto back = f.db->write([&](unit_of_work& w) { return users{w}.reactivate(anna.id); });
    BOOST_TEST(back.active());
    BOOST_TEST(!f.db->find_token_by_hash("anna-token"));  // revoked tokens stay revoked
    BOOST_CHECK_THROW(f.db->write([&](unit_of_work& w) { users{w}.deactivate(bo.id + 100); }), not_found);
}

BOOST_AUTO_TEST_CASE(a_users_token_is_the_users_and_tokens_without_a_user_keep_working) {
    fresh_store f;
    auto o = f.org();
    auto anna = create_user(f, someone("anna@example.se", {o}));
    api_token mine;
    mine.name = "Min dator";
    mine.user_id = anna.id;
    auto stored = f.db->create_token(mine, "anna-1");
    BOOST_TEST(*stored.user_id == anna.id);
    BOOST_TEST(!stored.organisation_id);
    BOOST_TEST(*f.db->find_token_by_hash("anna-1")->user_id == anna.id);
    mine.organisation_id = o;  // a user's token acts for the user's organisations, not one of its own
    BOOST_TEST(field_of<invalid_value>([&] { f.db->create_token(mine, "anna-2"); }) == "organisation_id");
    mine.organisation_id.reset();
    mine.user_id = anna.id + 100;
    BOOST_TEST(reference_field_of([&] { f.db->create_token(mine, "anna-3"); }) == "user_id");
    api_token legacy;
    legacy.role = token_role::organiser;
    legacy.name = "Från kommandoraden";
    legacy.organisation_id = o;
    f.db->create_token(legacy, "legacy");
    auto found = f.db->find_token_by_hash("legacy");
    BOOST_REQUIRE(found);
    BOOST_TEST(!found->user_id);
    BOOST_TEST(*found->organisation_id == o);
    auto of_anna = f.db->read([&](unit_of_work& w) { return api_tokens{w}.list_of_user(anna.id); });
    BOOST_REQUIRE(of_anna.size() == 1u);
    BOOST_TEST(of_anna[0].id == stored.id);
    BOOST_TEST(f.db->read([&](unit_of_work& w) { return api_tokens{w}.find(stored.id); })->name == "Min dator");
}

BOOST_AUTO_TEST_CASE(queued_sign_in_requests_are_taken_once_oldest_first_also_by_many_at_once) {
    fresh_store f;
    for (int i = 0; i < 3; ++i) f.db->write([&](unit_of_work& w) { sign_in_requests{w}.add("Anna@Example.SE"); });
    auto first = f.db->write([](unit_of_work& w) { return sign_in_requests{w}.take(2); });
    BOOST_REQUIRE(first.size() == 2u);
    BOOST_TEST(first[0].id < first[1].id);
    BOOST_TEST(first[0].email_key == "anna@example.se");
    BOOST_TEST(first[0].created_at == f.db->now);
    BOOST_TEST(f.db->write([](unit_of_work& w) { return sign_in_requests{w}.take(5); }).size() == 1u);
    BOOST_TEST(f.db->write([](unit_of_work& w) { return sign_in_requests{w}.take(5); }).empty());

    constexpr int queued = 60;
    for (int i = 0; i < queued; ++i)
        f.db->write([&](unit_of_work& w) { sign_in_requests{w}.add("p" + std::to_string(i) + "@example.se"); });
    std::mutex mutex;
    std::multiset<db_id> taken;
    run_concurrently(4, 40, [&](int) {
        auto batch = f.db->write([](unit_of_work& w) { return sign_in_requests{w}.take(3); });
        std::lock_guard lock(mutex);
        for (const auto& r : batch) taken.insert(r.id);
    });
    BOOST_TEST(taken.size() == static_cast<std::size_t>(queued));
    BOOST_TEST(std::set<db_id>(taken.begin(), taken.end()).size() == taken.size());  // each once
    BOOST_TEST(count_rows(f.url, "sign_in_requests") == 0);
}

BOOST_AUTO_TEST_CASE(a_message_belongs_to_a_meeting_or_a_user_and_the_database_holds_it_so) {
    fresh_store f;
    auto anna = create_user(f, someone("anna@example.se", {f.org()}));
    auto m = meeting_with_capacity(f, 5);
    new_message msg;
    msg.kind = message_kind::sign_in;
    msg.user_id = anna.id;
    msg.recipient = anna.email;
    msg.dedup_key = "sign_in:1";
    msg.message_id = "<kal.sign_in.1@example.se>";
    msg.link_token = "kali_secret";
    BOOST_TEST(f.db->enqueue(msg));
    auto of_anna = f.db->read([&](unit_of_work& w) { return outbox{w}.list_of_user(anna.id); });
    BOOST_REQUIRE(of_anna.size() == 1u);
    BOOST_TEST(*of_anna[0].user_id == anna.id);
    BOOST_TEST(!of_anna[0].meeting_id);
    BOOST_TEST(of_anna[0].sequence == 0);
    BOOST_TEST(of_anna[0].link_token == "kali_secret");

    auto both = msg;
    both.dedup_key = "both";
    both.meeting_id = m;
    BOOST_TEST(field_of<invalid_value>([&] { f.db->enqueue(both); }) == "meeting_id");
    auto neither = msg;
    neither.dedup_key = "neither";
    neither.user_id.reset();
    BOOST_TEST(field_of<invalid_value>([&] { f.db->enqueue(neither); }) == "meeting_id");
    auto with_rsvp = msg;
    with_rsvp.dedup_key = "with-rsvp";
    with_rsvp.rsvp_id = sign(*f.db, m, "a@example.se").stored.id;
    BOOST_TEST(field_of<invalid_value>([&] { f.db->enqueue(with_rsvp); }) == "rsvp_id");
    auto nobody = msg;
    nobody.dedup_key = "nobody";
    nobody.user_id = anna.id + 100;
    BOOST_TEST(reference_field_of([&] { f.db->enqueue(nobody); }) == "user_id");
    // The table's CHECK holds it whatever the code does.
    const auto row = [&](const std::string& key, const std::string& meeting, const std::string& user) {
        return "INSERT INTO outbox (kind, meeting_id, user_id, recipient, language, sequence, meeting_start_utc, "
               "dedup_key, message_id, state, next_attempt_at, created_at) VALUES ('sign_in', " +
               meeting + ", " + user + ", 'x@example.se', 'sv', 0, 0, '" + key + "', '<x>', 'pending', 0, 0)";
    };
    BOOST_TEST(!try_sql(f.url, row("raw-both", std::to_string(m), std::to_string(anna.id))));
    BOOST_TEST(!try_sql(f.url, row("raw-neither", "NULL", "NULL")));
    BOOST_TEST(try_sql(f.url, row("raw-user", "NULL", std::to_string(anna.id))));
    BOOST_TEST(count_rows(f.url, "outbox") == 2);
}

BOOST_AUTO_TEST_CASE(erasing_an_address_blanks_its_account_and_the_scheduled_anonymisation_never_does) {
    fresh_store f;
    auto o = f.org();
    auto anna = create_user(f, someone("Anna.Unik@example.se", {o}));
    anna = f.db->write([&](unit_of_work& w) {
        users{w}.record_sign_in(anna.id);
        return *users{w}.find(anna.id);
    });
    start_session(f, anna.id, "anna-session", f.db->now + day);
    create_link(f, anna.id, "anna-link", f.db->now + 900);
    f.db->write([&](unit_of_work& w) { sign_in_requests{w}.add("anna.unik@EXAMPLE.se"); });
    new_message msg;
    msg.kind = message_kind::invitation;
    msg.user_id = anna.id;
    msg.recipient = anna.email;
    msg.dedup_key = "invitation:1";
    msg.message_id = "<kal.invitation.1@example.se>";
    msg.link_token = "kali_secret";
    f.db->enqueue(msg);
    api_token t;
    t.name = "Annas nyckel";
    t.user_id = anna.id;
    f.db->create_token(t, "anna-token");
    auto other = create_user(f, someone("bo@example.se", {o}));

    // Access: the account and its sessions are part of what is held about the address.
    auto record = f.db->personal_data_of("ANNA.UNIK@example.se");
    BOOST_REQUIRE(record.account);
    BOOST_TEST(record.account->id == anna.id);
    BOOST_TEST(*record.account->last_sign_in_at == f.db->now);
    BOOST_REQUIRE(record.sessions.size() == 1u);
    BOOST_TEST(record.sessions[0].description == "Firefox på Linux");

    // The scheduled anonymisation is about sign-ups only.
    f.db->anonymise_rsvps_before(f.db->now + 1000 * day);
    BOOST_TEST(user_by_id(f, anna.id)->email == anna.email);
    BOOST_TEST(session_of(f, "anna-session", f.db->now).has_value());

    f.db->now += hour;
    auto erased = f.db->erase_rsvps_of("anna.unik@example.se");
    BOOST_TEST(erased.account_erased);
    auto blank = user_by_id(f, anna.id);
    BOOST_REQUIRE(blank);  // the row stays, so that what refers to it keeps a referent
    BOOST_TEST(blank->email.empty());
    BOOST_TEST(blank->name.empty());
    BOOST_TEST(*blank->erased_at == f.db->now);
    BOOST_TEST(!blank->active());
    BOOST_TEST(blank->organisation_ids.empty());
    BOOST_TEST(!f.db->find_token_by_hash("anna-token"));
    BOOST_TEST(!session_of(f, "anna-session", f.db->now));
    const auto everything = kal::test::dump_all_text(f.url);
    for (const char* trace : {"Anna.Unik", "anna.unik", "Firefox", "kali_secret", "anna-link"})
        BOOST_TEST(everything.find(trace) == std::string::npos, trace);
    BOOST_TEST(everything.find("bo@example.se") != std::string::npos);  // others stay
    BOOST_TEST(!f.db->personal_data_of("anna.unik@example.se").account);
    BOOST_TEST(!f.db->erase_rsvps_of("anna.unik@example.se").account_erased);
    // The address may have an account again.
    BOOST_TEST(create_user(f, someone("anna.unik@example.se", {o})).id != anna.id);
    BOOST_TEST(user_by_id(f, other.id)->active());
}

BOOST_AUTO_TEST_CASE(a_version_5_database_migrates_to_6_keeping_its_messages_and_tokens) {
    const auto url = kal::test::fresh_database_url(current_test_name());
    auto old_db = open_database(url, 4, 5);
    calls old(*old_db);
    BOOST_TEST(old.schema_version() == 5);
    organisation org;
    org.name = "Föreningen Ödegärdet";
    auto o = old.create_organisation(org).id;
    auto m = old.create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse).id;
    auto r = sign_before_0010(old, url, m, "anna@example.se").id;
    // Rows as a version 5 service wrote them (its statements, without the columns of 0006).
    for (int i = 1; i <= 3; ++i)
        run_sql(url,
                "INSERT INTO outbox (kind, meeting_id, rsvp_id, recipient, language, sequence, "
                "meeting_start_utc, dedup_key, message_id, state, next_attempt_at, link_token, created_at) "
                "VALUES ('confirmed', " +
                    std::to_string(m) + ", " + std::to_string(r) + ", 'anna@example.se', 'sv', 2, 100, 'key-" +
                    std::to_string(i) + "', '<m" + std::to_string(i) + ">', 'pending', 5, 'secret-" +
                    std::to_string(i) + "', 7)");
    run_sql(url, "DELETE FROM outbox WHERE dedup_key = 'key-3'");  // its id is never given again
    run_sql(url,
            "INSERT INTO api_tokens (role, name, organisation_id, token_hash, created_at) "
            "VALUES ('organiser', 'Gammal nyckel', " +
                std::to_string(o) + ", 'old-token', 1)");

    BOOST_TEST(old.migrate() == latest_schema);
    auto kept = old.list_messages(m);
    BOOST_REQUIRE(kept.size() == 2u);
    BOOST_TEST(meetings_counted_wrong(url) == 0);  // schema 0012 counted the sign-up made before it
    BOOST_TEST(kept[1].dedup_key == "key-2");
    BOOST_TEST(*kept[1].meeting_id == m);
    BOOST_TEST(*kept[1].rsvp_id == r);
    BOOST_TEST(!kept[1].user_id);
    BOOST_TEST(kept[1].sequence == 2);
    BOOST_TEST(kept[1].meeting_start_utc == 100);
    BOOST_TEST(kept[1].link_token == "secret-2");
    BOOST_TEST(kept[1].next_attempt_at == 5);
    BOOST_TEST(kept[1].created_at == 7);
    auto token = old.find_token_by_hash("old-token");
    BOOST_REQUIRE(token);
    BOOST_TEST(!token->user_id);
    BOOST_TEST(*token->organisation_id == o);

    new_message next;
    next.kind = message_kind::reminder;
    next.meeting_id = m;
    next.dedup_key = "key-4";
    next.message_id = "<m4>";
    BOOST_TEST(old.enqueue(next));
    BOOST_TEST(old.list_messages(m).back().id > kept[1].id + 1);  // after the deleted one's id
    // SQLite made the outbox anew: its indexes came back with it.
    if (kal::test::test_backend() == "sqlite") {
        soci::session s("sqlite3", "db=\"" + url.substr(7) + "\"");
        long long indexes = 0;
        s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' "
             "AND name IN ('outbox_due', 'outbox_meeting', 'outbox_rsvp', 'outbox_user')",
            soci::into(indexes);
        BOOST_TEST(indexes == 4);
    }
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
