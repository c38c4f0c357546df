// Accounts as use cases (service/app/accounts.hpp): invitations, sign-in links, sessions, API
// tokens of users. No sockets; a real database (SQLite, or PostgreSQL with KAL_TEST_DB=postgresql)
// and a clock the test moves.
#define BOOST_TEST_MODULE app_accounts
#include <boost/test/unit_test.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <thread>

#include "app_fixture.hpp"
#include "kal/db/accounts.hpp"
#include "kal/db/api_tokens.hpp"
#include "kal/db/testing.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/attendance.hpp"
#include "kal/service/app/delivery.hpp"
#include "kal/service/app/organising.hpp"
#include "kal/service/app/reminders.hpp"
#include "kal/service/app/reports.hpp"
#include "kal/service/app/sign_ups.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/db/outbox.hpp"

using namespace kal::app_test;

namespace {

constexpr std::int64_t minute = 60;

// Short lifetimes, so that tests move the clock by minutes; small limits.
const std::map<std::string, std::string> account_flags = {
    {"accounts.session_idle_timeout", "10m"},
    {"accounts.session_lifetime", "1h"},
    {"accounts.sign_in_requests_per_address", "2"},
    {"accounts.sign_in_requests_per_client", "3"},
};

struct accounts_fixture : fixture {
    accounts_fixture() : fixture(true, account_flags) {}

    struct invited {
        db::user user;
        std::string link;  // the secret
    };
    invited invite(const std::string& email, const std::string& role, std::vector<db::id_t> organisations = {}) {
        app::invitation_input in;
        in.email = email;
        in.role = role;
        in.name = "Namn " + email;
        if (!organisations.empty()) in.organisation_ids = std::move(organisations);
        auto out = app::invite_user_as_operator(ctx, in, false);
        return {out.user, out.link_secret};
    }
    // A fresh link for an account, as the delivery worker makes one for a request.
    std::string link_for(db::id_t user_id) {
        return database.write(now, [&](db::unit_of_work& w) {
            auto secret = app::new_secret(app::secret_kind::sign_in_link);
            db::sign_in_links{w}.create(user_id, app::hash_secret(secret), now + 15 * minute);
            return secret;
        });
    }
    app::credentials signed_in_as(const std::string& link, const std::string& previous = {}) {
        app::credentials c;
        c.session_secret = app::redeem_sign_in_link(ctx, link, {"Firefox på Linux", previous}).session_secret;
        return c;
    }
    app::credentials session_of(const invited& who) { return signed_in_as(link_for(who.user.id)); }
    std::vector<db::outbox_message> messages_of_user(db::id_t user_id) {
        return database.read([&](db::unit_of_work& w) { return db::outbox{w}.list_of_user(user_id); });
    }
    bool signed_in(const app::credentials& c) {
        try {
            app::current_user(ctx, c);
            return true;
        } catch (const app::error& e) {
            BOOST_TEST((e.kind == app::error_kind::unauthenticated));
            return false;
        }
    }
};

app::credentials bearer(const std::string& token) {
    app::credentials c;
    c.bearer_token = token;
    return c;
}

// The app::error a call ends with, whichever layer threw it (app::classify, as the adapters do).
template <class F>
app::error refusal_of(F&& call) {
    try {
        call();
    } catch (...) {
        if (auto e = app::classify(std::current_exception())) return *e;
        throw;
    }
    BOOST_FAIL("the call was not refused");
    throw std::logic_error("unreachable");
}

// Everything an answer shows of an error: two refusals that must look alike compare equal.
std::string shown(const app::error& e) {
    std::string out = std::to_string(static_cast<int>(e.kind)) + "|" + e.what() + "|" + e.code;
    for (const auto& f : e.fields) out += "|" + f.field + ":" + f.message + ":" + f.code;
    return out;
}

}  // namespace

// ---- links ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_used_an_expired_an_unknown_and_an_altered_link_are_refused_alike) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    BOOST_TEST(app::sign_in_link_is_usable(f.ctx, anna.link));
    f.signed_in_as(anna.link);
    BOOST_TEST(!app::sign_in_link_is_usable(f.ctx, anna.link));
    std::vector<std::string> refusals;
    const auto refused = [&](const std::string& link) {
        refusals.push_back(shown(refusal_of([&] { app::redeem_sign_in_link(f.ctx, link, {}); })));
    };
    refused(anna.link);  // used
    auto expiring = f.link_for(anna.user.id);
    f.now += 15 * minute;                                      // its lifetime
    refused(expiring);                                         // expired
    refused(app::new_secret(app::secret_kind::sign_in_link));  // unknown
    auto fresh = f.link_for(anna.user.id);
    auto altered = fresh;
    altered[10] = altered[10] == 'A' ? 'B' : 'A';
    refused(altered);                                     // altered
    refused(fresh.substr(0, fresh.size() - 1));           // cut short
    refused(app::new_secret(app::secret_kind::session));  // another kind of secret
    for (const auto& r : refusals) BOOST_TEST(r == refusals.front());
    BOOST_TEST(refusals.front().starts_with(std::to_string(static_cast<int>(app::error_kind::unauthenticated))));
    // The refusals used nothing up: the fresh link still works, once.
    BOOST_TEST(app::sign_in_link_is_usable(f.ctx, fresh));
    BOOST_TEST(f.signed_in(f.signed_in_as(fresh)));
    BOOST_TEST(kal::test::count_rows(f.url, "sessions") == 2);
}

BOOST_AUTO_TEST_CASE(two_redeems_of_one_link_at_once_give_one_session) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    constexpr int links = 5, racers = 4;  // the pool has 4 sessions
    for (int l = 0; l < links; ++l) {
        const auto link = l == 0 ? anna.link : f.link_for(anna.user.id);
        std::atomic<int> won{0}, refused{0};
        std::barrier start(racers);
        std::vector<std::thread> threads;
        for (int t = 0; t < racers; ++t)
            threads.emplace_back([&] {
                start.arrive_and_wait();
                try {
                    app::redeem_sign_in_link(f.ctx, link, {});
                    ++won;
                } catch (const app::error& e) {
                    if (e.kind == app::error_kind::unauthenticated) ++refused;
                }
            });
        for (auto& t : threads) t.join();
        BOOST_TEST(won.load() == 1);
        BOOST_TEST(refused.load() == racers - 1);
    }
    BOOST_TEST(kal::test::count_rows(f.url, "sessions") == links);
}

BOOST_AUTO_TEST_CASE(asking_for_a_link_answers_alike_and_mails_only_an_account) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    auto gone = f.invite("gone@example.se", "organiser", {f.organisation});
    app::deactivate_user_as_operator(f.ctx, gone.user.id);
    // The same work whatever the address: one transaction of the same statements, no answer.
    std::vector<std::uint64_t> statements, transactions;
    std::size_t client = 0;
    for (const char* email : {"ANNA@example.se", "nobody@example.se", "gone@example.se"}) {
        app::sign_in_request_input in;
        in.email = email;
        const auto s = kal::db::testing::statements_started();
        const auto t = kal::db::testing::transactions_started();
        BOOST_CHECK_NO_THROW(app::request_sign_in_link(f.ctx, in, "10.0.0." + std::to_string(++client)));
        statements.push_back(kal::db::testing::statements_started() - s);
        transactions.push_back(kal::db::testing::transactions_started() - t);
    }
    BOOST_TEST(statements[0] == statements[1]);
    BOOST_TEST(statements[0] == statements[2]);
    BOOST_TEST((transactions == std::vector<std::uint64_t>{1, 1, 1}));
    BOOST_TEST(kal::test::count_rows(f.url, "sign_in_requests") == 3);
    BOOST_TEST(kal::test::count_rows(f.url, "outbox") == 0);

    // The delivery worker's claim turns them into one link and one message: Anna's.
    auto claimed = app::claim_messages(f.ctx, "worker-1");
    BOOST_TEST(kal::test::count_rows(f.url, "sign_in_requests") == 0);
    BOOST_TEST(kal::test::count_rows(f.url, "outbox") == 1);
    BOOST_REQUIRE(claimed.size() == 1u);
    const auto& msg = claimed[0];
    BOOST_TEST((msg.kind == db::message_kind::sign_in));
    BOOST_TEST(*msg.user_id == anna.user.id);
    BOOST_TEST(msg.recipient == "anna@example.se");  // the account's address, not what was typed
    BOOST_TEST(msg.dedup_key.starts_with("sign_in:"));
    BOOST_TEST(app::is_secret(msg.link_token, app::secret_kind::sign_in_link));
    auto content = app::content_of(f.ctx, msg);
    BOOST_REQUIRE(content);
    BOOST_TEST(content->sign_in_url == f.settings.server.public_base_url + "/logga-in/" + msg.link_token);
    BOOST_TEST(content->link_valid_seconds == 15 * minute);
    BOOST_TEST(content->user->id == anna.user.id);
    // The link in the mail signs Anna in.
    BOOST_TEST(app::redeem_sign_in_link(f.ctx, msg.link_token, {}).user.id == anna.user.id);

    // What is not an address is said so, for every address alike.
    app::sign_in_request_input bad;
    bad.email = "not an address";
    auto e = refusal_of([&] { app::request_sign_in_link(f.ctx, bad, "10.0.1.1"); });
    BOOST_TEST(names_field(e, "email"));
}

BOOST_AUTO_TEST_CASE(a_sign_in_mail_whose_link_was_used_or_has_expired_is_not_sent) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    app::sign_in_request_input in;
    in.email = "anna@example.se";
    app::request_sign_in_link(f.ctx, in, "10.0.0.1");
    app::request_sign_in_link(f.ctx, in, "10.0.0.2");
    auto claimed = app::claim_messages(f.ctx, "worker-1");
    BOOST_REQUIRE(claimed.size() == 2u);
    app::redeem_sign_in_link(f.ctx, claimed[0].link_token, {});
    BOOST_TEST(!app::content_of(f.ctx, claimed[0]));
    f.now += 15 * minute;
    BOOST_TEST(!app::content_of(f.ctx, claimed[1]));
    for (const auto& m : f.messages_of_user(anna.user.id)) {
        BOOST_TEST((m.state == db::message_state::skipped));
        BOOST_TEST(m.link_token.empty());  // skipped: the secret is forgotten
    }
}

BOOST_AUTO_TEST_CASE(asking_for_links_is_limited_per_address_and_per_client) {
    accounts_fixture f;  // 2 an hour per address, 3 per client
    const auto ask = [&](const std::string& email, const std::string& client) {
        app::sign_in_request_input in;
        in.email = email;
        app::request_sign_in_link(f.ctx, in, client);
    };
    ask("anna@example.se", "10.0.0.1");
    ask("Anna@Example.SE", "10.0.0.2");  // the same address in another case, from another client
    auto e = refusal_of([&] { ask("anna@example.se", "10.0.0.3"); });
    BOOST_TEST((e.kind == app::error_kind::rate_limited));
    BOOST_TEST(e.retry_after_seconds.value_or(0) > 0);
    // One client, many addresses: its own three, the refused one above not counted against it.
    ask("a@example.se", "10.9.9.9");
    ask("b@example.se", "10.9.9.9");
    ask("c@example.se", "10.9.9.9");
    e = refusal_of([&] { ask("d@example.se", "10.9.9.9"); });
    BOOST_TEST((e.kind == app::error_kind::rate_limited));
    // A malformed attempt counts for its client too.
    app::sign_in_request_input bad;
    bad.email = "x";
    for (int i = 0; i < 3; ++i) refusal_of([&] { app::request_sign_in_link(f.ctx, bad, "10.7.7.7"); });
    e = refusal_of([&] { ask("e@example.se", "10.7.7.7"); });
    BOOST_TEST((e.kind == app::error_kind::rate_limited));
    BOOST_TEST(kal::test::count_rows(f.url, "sign_in_requests") == 5);
}

// ---- sessions -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_sign_in_starts_a_new_session_and_ends_the_one_the_browser_had) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    auto first = app::redeem_sign_in_link(f.ctx, anna.link, {"Firefox på Linux\r\n\x01", ""});
    BOOST_TEST(app::is_secret(first.session_secret, app::secret_kind::session));
    BOOST_TEST(first.session.description == "Firefox på Linux");  // no control characters
    BOOST_TEST(first.user.id == anna.user.id);
    BOOST_TEST(*first.user.last_sign_in_at == f.now);
    app::credentials old;
    old.session_secret = first.session_secret;
    auto second = app::redeem_sign_in_link(f.ctx, f.link_for(anna.user.id), {"", first.session_secret});
    BOOST_TEST(second.session_secret != first.session_secret);
    BOOST_TEST(second.session.id != first.session.id);
    BOOST_TEST(!f.signed_in(old));  // the browser's old session ended with the new sign-in
    app::credentials now;
    now.session_secret = second.session_secret;
    BOOST_TEST(f.signed_in(now));
    const std::string long_description(300, 'x');
    auto third = app::redeem_sign_in_link(f.ctx, f.link_for(anna.user.id), {long_description, ""});
    BOOST_TEST(third.session.description.size() == 100u);
    // Only hashes are kept.
    const auto everything = kal::test::dump_all_text(f.url);
    for (const auto& secret : {first.session_secret, second.session_secret, third.session_secret, anna.link})
        BOOST_TEST(everything.find(secret.substr(5)) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_session_ends_after_the_idle_timeout_and_at_its_absolute_lifetime) {
    accounts_fixture f;  // idle 10 minutes (activity noted after 1 minute), at most an hour
    BOOST_TEST(app::session_touch_interval(f.settings) == 60);
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    const auto start = f.now;
    auto idle = f.signed_in_as(anna.link);
    f.now = start + 10 * minute - 1;
    BOOST_TEST(f.signed_in(idle));
    app::record_session_activity(f.ctx);  // what that use noted
    f.now = start + 20 * minute - 2;
    BOOST_TEST(f.signed_in(idle));  // last seen at 9:59
    f.now = start + 30 * minute;    // nothing written since 19:58: more than 10 minutes
    BOOST_TEST(!f.signed_in(idle));

    // Used every five minutes, with activity written as housekeeping does, until its lifetime.
    f.now = start;
    auto busy = f.session_of({anna.user, {}});
    for (f.now = start + 5 * minute; f.now < start + 60 * minute; f.now += 5 * minute) {
        BOOST_TEST(f.signed_in(busy));
        app::record_session_activity(f.ctx);
    }
    f.now = start + 60 * minute;
    BOOST_TEST(!f.signed_in(busy));
    // Reading does not write: a session's activity costs no transaction of the request.
    f.now = start + 90 * minute;
    auto reader = f.session_of({anna.user, {}});
    f.now += 2 * minute;
    const auto before = kal::db::testing::transactions_started();
    app::list_sessions(f.ctx, reader);
    // One read unit: on PostgreSQL a read takes no transaction at all (every statement is its own
    // snapshot at READ COMMITTED anyway), on SQLite one.
    BOOST_TEST(kal::db::testing::transactions_started() - before == (f.database.is_postgresql() ? 0u : 1u));
    BOOST_TEST(app::record_session_activity(f.ctx) == 1);
    BOOST_TEST(app::record_session_activity(f.ctx) == 0);  // noted once, written once
}

BOOST_AUTO_TEST_CASE(sign_out_everywhere_ends_every_session_of_the_user_and_no_one_elses) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    auto bo = f.invite("bo@example.se", "organiser", {f.organisation});
    auto phone = f.session_of(anna);
    f.now += 1;
    auto laptop = f.session_of(anna);
    f.now += 1;
    auto here = f.session_of(anna);
    auto bos = f.session_of(bo);
    auto listed = app::list_sessions(f.ctx, here);
    BOOST_REQUIRE(listed.size() == 3u);
    BOOST_TEST(listed[0].current);  // newest first: this one
    BOOST_TEST(!listed[1].current);
    BOOST_TEST(listed[0].session.description == "Firefox på Linux");
    // Ending another's session is as if it did not exist.
    auto bos_id = app::list_sessions(f.ctx, bos).front().session.id;
    BOOST_TEST((refusal_of([&] { app::end_session(f.ctx, here, bos_id); }).kind == app::error_kind::not_found));
    // One: the lost phone.
    app::end_session(f.ctx, laptop, listed[2].session.id);
    BOOST_TEST(!f.signed_in(phone));
    BOOST_TEST(app::list_sessions(f.ctx, here).size() == 2u);
    // Everywhere: this one too (a copy of its cookie would have the same id).
    BOOST_TEST(app::sign_out_everywhere(f.ctx, here) == 2);
    BOOST_TEST(!f.signed_in(laptop));
    BOOST_TEST(!f.signed_in(here));
    BOOST_TEST(f.signed_in(bos));
    // Signing out: this session only, and nothing to do for one that has ended.
    auto bos_other = f.session_of(bo);
    app::sign_out(f.ctx, bos);
    BOOST_TEST(!f.signed_in(bos));
    BOOST_TEST(f.signed_in(bos_other));
    BOOST_CHECK_NO_THROW(app::sign_out(f.ctx, bos));
    BOOST_CHECK_NO_THROW(app::sign_out(f.ctx, app::credentials{}));
    // Sessions are the browser's: a token may not list or end them.
    auto token = app::create_api_token(f.ctx, bos_other, {{}, std::string("Nyckel")}).first;
    BOOST_TEST(
        (refusal_of([&] { app::sign_out_everywhere(f.ctx, bearer(token)); }).kind == app::error_kind::forbidden));
    BOOST_TEST(f.signed_in(bos_other));
}

BOOST_AUTO_TEST_CASE(the_session_cookie_is_host_only_and_secure_over_https) {
    auto https = app::session_cookie_for("https://kalendarium.boras.se");
    BOOST_TEST(https.name == "__Host-kal_session");
    BOOST_TEST(https.secure);
    BOOST_TEST(https.set("kals_x") == "__Host-kal_session=kals_x; Path=/; Secure; HttpOnly; SameSite=Lax");
    BOOST_TEST(https.clear() == "__Host-kal_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
    auto http = app::session_cookie_for("http://127.0.0.1:8080");
    BOOST_TEST(http.name == "kal_session");
    BOOST_TEST(!http.secure);
    BOOST_TEST(http.set("kals_x") == "kal_session=kals_x; Path=/; HttpOnly; SameSite=Lax");
}

// ---- invitations and rights -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(an_organiser_invites_only_to_its_own_organisations_and_the_link_goes_to_the_invitee) {
    accounts_fixture f;
    auto org = f.session_of(f.invite("org@example.se", "organiser", {f.organisation}));
    app::invitation_input in;
    in.email = "ny@example.se";
    in.name = "Ny Person";
    in.language = "en";
    in.organisation_ids = std::vector<db::id_t>{f.organisation};
    auto made = app::invite_user(f.ctx, org, in);
    BOOST_TEST(made.created);
    BOOST_TEST(made.mailed);
    BOOST_TEST((made.user.language == db::language::en));
    BOOST_TEST((made.user.organisation_ids == std::vector<db::id_t>{f.organisation}));
    auto mails = f.messages_of_user(made.user.id);
    BOOST_REQUIRE(mails.size() == 1u);
    BOOST_TEST((mails[0].kind == db::message_kind::invitation));
    BOOST_TEST(mails[0].recipient == "ny@example.se");
    BOOST_TEST(app::sign_in_link_is_usable(f.ctx, mails[0].link_token));
    // An invitation's link lasts longer than a requested one.
    auto content = app::content_of(f.ctx, mails[0]);
    BOOST_REQUIRE(content);
    BOOST_TEST(content->link_valid_seconds == 7 * 24 * 3600);
    BOOST_TEST((content->organisation_names == std::vector<std::string>{"Föreningen Ett"}));

    const auto users_before = kal::test::count_rows(f.url, "users");
    auto elsewhere = in;
    elsewhere.email = "annan@example.se";
    elsewhere.organisation_ids = std::vector<db::id_t>{f.organisation, f.other_organisation};
    BOOST_TEST((refusal_of([&] { app::invite_user(f.ctx, org, elsewhere); }).kind == app::error_kind::forbidden));
    auto admin = in;
    admin.email = "chef@example.se";
    admin.role = "admin";
    admin.organisation_ids.reset();
    BOOST_TEST((refusal_of([&] { app::invite_user(f.ctx, org, admin); }).kind == app::error_kind::forbidden));
    auto nowhere = in;
    nowhere.email = "ingen@example.se";
    nowhere.organisation_ids.reset();
    BOOST_TEST(names_field(refusal_of([&] { app::invite_user(f.ctx, org, nowhere); }), "organisation_ids"));
    BOOST_TEST(kal::test::count_rows(f.url, "users") == users_before);

    // Someone of another organisation: gets a membership of this one, keeps name and language.
    auto other = f.invite("other@example.se", "organiser", {f.other_organisation});
    auto again = in;
    again.email = "OTHER@example.se";
    again.name = "Ett annat namn";
    auto added = app::invite_user(f.ctx, org, again);
    BOOST_TEST(!added.created);
    BOOST_TEST(added.user.id == other.user.id);
    BOOST_TEST(added.user.name == "Namn other@example.se");
    BOOST_TEST((added.user.organisation_ids == std::vector<db::id_t>{f.organisation, f.other_organisation}));
    // A deactivated account is an admin's to open again.
    app::deactivate_user_as_operator(f.ctx, other.user.id);
    BOOST_TEST((refusal_of([&] { app::invite_user(f.ctx, org, again); }).kind == app::error_kind::forbidden));
    auto back = app::invite_user(f.ctx, f.admin, again);
    BOOST_TEST(back.user.active());
    // Admins invite anyone with any role.
    auto chef = app::invite_user(f.ctx, f.admin, admin);
    BOOST_TEST((chef.user.role == db::user_role::admin));
    BOOST_TEST(chef.user.organisation_ids.empty());
}

BOOST_AUTO_TEST_CASE(a_session_of_another_organisations_organiser_may_not_change_our_meetings) {
    accounts_fixture f;
    auto ours = f.session_of(f.invite("ours@example.se", "organiser", {f.organisation}));
    auto theirs = f.session_of(f.invite("theirs@example.se", "organiser", {f.other_organisation}));
    auto in = f.meeting();
    in.capacity = std::optional<std::int64_t>{1};
    auto m = app::create_meeting(f.ctx, ours, in, db::venue_overlap::refuse);
    app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    auto waiting = app::sign_up(f.ctx, {}, m.id, f.person("Bo", "bo@example.se"), "10.0.0.2").stored;
    auto ticked = app::check_in(f.ctx, ours, m.id, [] {
        app::check_in_input c;
        c.name = "Gäst";
        return c;
    }());
    const auto forbidden = [&](const char* what, auto call) {
        BOOST_TEST_CONTEXT(what) {
            auto e = refusal_of(call);
            BOOST_TEST((e.kind == app::error_kind::forbidden));
        }
    };
    app::meeting_input retitle;
    retitle.title = "Övertaget";
    forbidden("update", [&] { app::update_meeting(f.ctx, theirs, m.id, retitle, db::venue_overlap::refuse); });
    forbidden("cancel", [&] { app::cancel_meeting(f.ctx, theirs, m.id); });
    forbidden("delete", [&] { app::delete_meeting(f.ctx, theirs, m.id); });
    forbidden("list sign-ups", [&] { app::list_sign_ups(f.ctx, theirs, m.id, {}, std::nullopt); });
    forbidden("move up", [&] { app::confirm_from_waitlist(f.ctx, theirs, m.id, waiting.id); });
    forbidden("check in", [&] { app::check_in(f.ctx, theirs, m.id, {{}, std::nullopt, std::string("X")}); });
    forbidden("undo check-in", [&] { app::undo_check_in(f.ctx, theirs, m.id, ticked.stored.id); });
    forbidden("check-ins", [&] { app::list_check_ins(f.ctx, theirs, m.id); });
    forbidden("attendance", [&] { app::attendance_of(f.ctx, theirs, m.id); });
    forbidden("quota", [&] { app::set_meeting_quota(f.ctx, theirs, m.id, {}, std::int64_t{2}); });
    forbidden("messages", [&] { app::messages_of(f.ctx, theirs, m.id); });
    forbidden("reminders", [&] { app::set_reminders(f.ctx, theirs, m.id, {}); });
    // Adding someone is open to anyone, but as a public sign-up (the deadline and rate limit
    // apply), not by hand.
    BOOST_TEST(!app::sign_up(f.ctx, theirs, m.id, f.person("C", "c@example.se"), "10.0.0.3").by_organiser);
    // Nothing of it happened; the meeting's own organiser may do it all.
    auto kept = app::find_meeting(f.ctx, ours, m.id);
    BOOST_TEST(kept.title == m.title);
    BOOST_TEST((kept.status == db::meeting_status::published));
    BOOST_TEST(app::list_check_ins(f.ctx, ours, m.id).size() == 1u);
    BOOST_TEST(app::update_meeting(f.ctx, ours, m.id, retitle, db::venue_overlap::refuse).title == "Övertaget");
    app::set_meeting_quota(f.ctx, ours, m.id, {}, std::int64_t{2});
    BOOST_TEST(app::list_sign_ups(f.ctx, ours, m.id, {}, std::nullopt).size() == 3u);
    BOOST_TEST((app::cancel_meeting(f.ctx, ours, m.id).status == db::meeting_status::cancelled));
}

BOOST_AUTO_TEST_CASE(a_users_token_acts_with_the_users_rights_as_they_are_and_stops_when_revoked) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    auto browser = f.session_of(anna);
    app::token_input name;
    BOOST_TEST(names_field(refusal_of([&] { app::create_api_token(f.ctx, browser, name); }), "name"));
    name.name = "Min dator";
    auto [secret, token] = app::create_api_token(f.ctx, browser, name);
    BOOST_TEST(app::is_secret(secret, app::secret_kind::api_token));
    BOOST_TEST(*token.user_id == anna.user.id);
    const auto api = bearer(secret);
    auto mine = app::create_meeting(f.ctx, api, f.meeting(), db::venue_overlap::refuse);
    auto elsewhere = f.meeting();
    elsewhere.organisation_id = f.other_organisation;
    BOOST_TEST((refusal_of([&] { app::create_meeting(f.ctx, api, elsewhere, db::venue_overlap::refuse); }).kind ==
                app::error_kind::forbidden));
    // Rights as they are now: a membership added later counts at once.
    f.invite("anna@example.se", "organiser", {f.other_organisation});
    BOOST_TEST(app::create_meeting(f.ctx, api, elsewhere, db::venue_overlap::refuse).organisation_id ==
               f.other_organisation);
    // A token makes no tokens and sees no sessions.
    BOOST_TEST((refusal_of([&] { app::create_api_token(f.ctx, api, name); }).kind == app::error_kind::forbidden));
    BOOST_TEST((refusal_of([&] { app::list_api_tokens(f.ctx, api); }).kind == app::error_kind::forbidden));
    BOOST_TEST(app::current_user(f.ctx, api).id == anna.user.id);
    // Nobody else revokes it; its user does.
    auto bo = f.session_of(f.invite("bo@example.se", "organiser", {f.organisation}));
    BOOST_TEST((refusal_of([&] { app::revoke_api_token(f.ctx, bo, token.id); }).kind == app::error_kind::not_found));
    BOOST_TEST(app::list_api_tokens(f.ctx, browser).size() == 1u);
    app::revoke_api_token(f.ctx, browser, token.id);
    app::revoke_api_token(f.ctx, browser, token.id);  // again: nothing more
    BOOST_TEST((refusal_of([&] { app::find_meeting(f.ctx, api, mine.id); }).kind == app::error_kind::unauthenticated));
    BOOST_TEST(app::list_api_tokens(f.ctx, browser).front().revoked_at.has_value());
    // Deactivation stops its user's tokens and sessions, also those of an admin.
    auto second = bearer(app::create_api_token(f.ctx, browser, name).first);
    BOOST_TEST(app::find_meeting(f.ctx, second, mine.id).id == mine.id);
    app::deactivate_user(f.ctx, f.admin, anna.user.id);
    BOOST_TEST(
        (refusal_of([&] { app::find_meeting(f.ctx, second, mine.id); }).kind == app::error_kind::unauthenticated));
    BOOST_TEST(!f.signed_in(browser));
    // A token made by the command line still works as it did.
    BOOST_TEST(app::find_meeting(f.ctx, f.organiser, mine.id).id == mine.id);
}

BOOST_AUTO_TEST_CASE(only_admins_deactivate_and_not_themselves_and_users_are_listed_by_organisation) {
    accounts_fixture f;
    auto chef = f.invite("chef@example.se", "admin");
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    auto bo = f.invite("bo@example.se", "organiser", {f.other_organisation});
    auto as_chef = f.session_of(chef);
    auto as_anna = f.session_of(anna);
    BOOST_TEST(
        (refusal_of([&] { app::deactivate_user(f.ctx, as_anna, bo.user.id); }).kind == app::error_kind::forbidden));
    BOOST_TEST(
        (refusal_of([&] { app::deactivate_user(f.ctx, as_chef, chef.user.id); }).kind == app::error_kind::conflict));
    BOOST_TEST((refusal_of([&] { app::deactivate_user(f.ctx, as_chef, 9999); }).kind == app::error_kind::not_found));
    BOOST_TEST(app::list_users(f.ctx, as_chef).size() == 3u);
    auto seen_by_anna = app::list_users(f.ctx, as_anna);
    BOOST_REQUIRE(seen_by_anna.size() == 1u);  // only those who share an organisation
    BOOST_TEST(seen_by_anna[0].id == anna.user.id);
    BOOST_TEST(!app::deactivate_user(f.ctx, as_chef, bo.user.id).active());
}

// The users page's rules (org-flow): an organiser deactivates the organisers of its own
// organisations only, never an admin, never a secretary who serves another organisation too; it
// sees and may invite to its own organisations; a pending invitation is an account that has
// never signed in.
BOOST_AUTO_TEST_CASE(an_organiser_deactivates_only_organisers_wholly_of_its_own_organisations) {
    accounts_fixture f;
    auto chef = f.invite("chef@example.se", "admin");
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    auto cia = f.invite("cia@example.se", "organiser", {f.organisation});
    auto dan = f.invite("dan@example.se", "organiser", {f.organisation, f.other_organisation});
    auto bo = f.invite("bo@example.se", "organiser", {f.other_organisation});
    // The admin is also a member of Anna's organisation: still not Anna's to deactivate.
    {
        app::invitation_input more;
        more.email = "chef@example.se";
        more.role = "admin";
        more.organisation_ids = std::vector<db::id_t>{f.organisation};
        app::invite_user_as_operator(f.ctx, more, false);
    }
    auto as_anna = f.session_of(anna);
    const auto before = kal::test::dump_all_text(f.url);
    for (auto id : {chef.user.id, dan.user.id, bo.user.id})
        BOOST_TEST((refusal_of([&] { app::deactivate_user(f.ctx, as_anna, id); }).kind == app::error_kind::forbidden), id);
    // An account that does not exist looks like one of another organisation: nothing learnt.
    BOOST_TEST((refusal_of([&] { app::deactivate_user(f.ctx, as_anna, 9999); }).kind == app::error_kind::forbidden));
    BOOST_TEST((refusal_of([&] { app::deactivate_user(f.ctx, as_anna, anna.user.id); }).kind == app::error_kind::conflict));
    BOOST_TEST(kal::test::dump_all_text(f.url) == before);

    auto dir = app::user_directory_of(f.ctx, as_anna);
    BOOST_TEST(!dir.admin);
    BOOST_TEST(dir.self == anna.user.id);
    std::map<std::string, app::user_listing> seen;
    for (const auto& l : dir.users) seen.emplace(l.user.email, l);
    BOOST_TEST(seen.size() == 4u);  // Anna, Cia, Dan and the admin: not Bo
    BOOST_TEST(!seen.count("bo@example.se"));
    BOOST_TEST(!seen.at("anna@example.se").pending);  // signed in
    BOOST_TEST(seen.at("cia@example.se").pending);
    BOOST_TEST(seen.at("cia@example.se").may_deactivate);
    BOOST_TEST(!seen.at("dan@example.se").may_deactivate);
    BOOST_TEST(!seen.at("chef@example.se").may_deactivate);
    BOOST_TEST(!seen.at("anna@example.se").may_deactivate);
    BOOST_REQUIRE(dir.organisations.size() == 1u);
    BOOST_TEST(dir.organisations[0].id == f.organisation);
    BOOST_TEST(dir.organisation_names.size() == 2u);

    BOOST_TEST(!app::deactivate_user(f.ctx, as_anna, cia.user.id).active());
    auto after = app::user_directory_of(f.ctx, as_anna);
    for (const auto& l : after.users)
        if (l.user.id == cia.user.id) {
            BOOST_TEST(!l.pending);  // deactivated: no longer an invitation that waits
            BOOST_TEST(!l.may_deactivate);
        }
    // The admin sees everyone, may invite to every organisation and deactivate anyone but itself.
    auto as_chef = f.session_of(chef);
    auto all = app::user_directory_of(f.ctx, as_chef);
    BOOST_TEST(all.admin);
    BOOST_TEST(all.users.size() == 5u);
    BOOST_TEST(all.organisations.size() == 2u);
    for (const auto& l : all.users) BOOST_TEST(l.may_deactivate == (l.user.id != chef.user.id && l.user.active()), l.user.email);
    BOOST_TEST(!app::deactivate_user(f.ctx, as_chef, dan.user.id).active());
}

// ---- logs -----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(no_log_line_holds_a_link_a_session_or_a_token) {
    std::ostringstream log;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(logger);
    std::vector<std::string> secrets;
    {
        accounts_fixture f;
        auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
        secrets.push_back(anna.link);
        app::sign_in_request_input in;
        in.email = "anna@example.se";
        app::request_sign_in_link(f.ctx, in, "10.0.0.1");
        for (const auto& m : app::claim_messages(f.ctx, "w")) secrets.push_back(m.link_token);
        auto browser = f.signed_in_as(anna.link);
        secrets.push_back(browser.session_secret);
        auto token = app::create_api_token(f.ctx, browser, {{}, std::string("Nyckel")}).first;
        secrets.push_back(token);
        app::create_meeting(f.ctx, bearer(token), f.meeting(), db::venue_overlap::refuse);
        refusal_of([&] { app::redeem_sign_in_link(f.ctx, anna.link, {}); });
        f.now += 2 * minute;
        app::list_sessions(f.ctx, browser);
        app::record_session_activity(f.ctx);
        app::plan_due_reminders(f.ctx);
        app::purge_sign_ins(f.ctx);
        app::sign_out_everywhere(f.ctx, browser);
        refusal_of([&] { app::current_user(f.ctx, browser); });
    }
    spdlog::set_default_logger(previous);
    BOOST_TEST(secrets.size() == 4u);
    const auto text = log.str();
    for (const auto& secret : secrets) {
        BOOST_TEST(text.find(secret.substr(5)) == std::string::npos);
        BOOST_TEST(text.find(app::hash_secret(secret)) == std::string::npos);
    }
    for (const char* prefix : {"kali_", "kals_", "kal_"}) BOOST_TEST(text.find(prefix) == std::string::npos, prefix);
}

// ---- the Översikt -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_overview_counts_the_meetings_after_its_fifty_and_keeps_those_needing_attention) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    // 53 coming meetings, a day apart from 4 January 2027; the 52nd with one place and two people
    // confirmed (the organiser moved the waiting one up), which needs attention.
    std::vector<db::id_t> ids;
    for (int i = 0; i < 53; ++i) {
        const std::chrono::year_month_day day{std::chrono::sys_days{std::chrono::year{2027} / 1 / 4} +
                                              std::chrono::days{i}};
        char date[11];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(day.year()),
                      static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
        auto in = f.meeting(std::string(date) + "T18:00", std::string(date) + "T20:00");
        if (i == 51) in.capacity = std::optional<std::int64_t>{1};
        ids.push_back(app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse).id);
    }
    app::sign_up(f.ctx, {}, ids[51], f.person("A", "a@example.se"), "10.0.0.1");
    const auto waiting = app::sign_up(f.ctx, {}, ids[51], f.person("B", "b@example.se"), "10.0.0.2").stored.id;
    f.database.write(f.now, [&](db::unit_of_work& w) { db::rsvps{w}.confirm_from_waitlist(waiting); });

    const auto ov = app::organiser_overview_of(f.ctx, f.session_of(anna));
    BOOST_REQUIRE(ov.coming.size() == 50u);
    BOOST_TEST(ov.coming.front().meeting.id == ids[0]);
    BOOST_TEST(ov.coming.back().meeting.id == ids[49]);
    BOOST_TEST(ov.more_coming == 3);
    BOOST_TEST(!ov.more_than_read);
    BOOST_REQUIRE(ov.later_needing_attention.size() == 1u);
    BOOST_TEST(ov.later_needing_attention[0].meeting.id == ids[51]);
    BOOST_TEST(ov.later_needing_attention[0].seats.confirmed_people == 2);
    for (const auto& o : ov.coming) BOOST_TEST(!app::needs_attention(o), o.meeting.id);

    // Fifty or fewer: nothing more.
    f.database.write(f.now, [&](db::unit_of_work& w) {
        for (int i = 50; i < 53; ++i) db::meetings{w}.remove(ids[static_cast<std::size_t>(i)]);
    });
    const auto fifty = app::organiser_overview_of(f.ctx, f.session_of(anna));
    BOOST_TEST(fifty.coming.size() == 50u);
    BOOST_TEST(fifty.more_coming == 0);
    BOOST_TEST(fifty.later_needing_attention.empty());
}

BOOST_AUTO_TEST_CASE(the_overview_shows_each_coming_meetings_seats_waitlist_and_failed_messages) {
    accounts_fixture f;
    auto anna = f.invite("anna@example.se", "organiser", {f.organisation});
    const auto session = f.session_of(anna);
    auto in = f.meeting();
    in.capacity = std::optional<std::int64_t>{2};
    const auto full = app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse).id;
    const auto quiet = app::create_meeting(f.ctx, f.organiser, f.meeting("2026-12-11T18:00", "2026-12-11T20:00"),
                                           db::venue_overlap::refuse).id;
    std::vector<db::id_t> signed_up;
    for (const std::string who : {"a", "b", "c", "d"})  // from four addresses: under the rate limit
        signed_up.push_back(
            app::sign_up(f.ctx, {}, full, f.person(who, who + "@example.se"), "10.0.0." + std::to_string(signed_up.size()))
                .stored.id);
    // The organiser moves one up by hand: three confirmed of two places, one waiting.
    f.database.write(f.now, [&](db::unit_of_work& w) { db::rsvps{w}.confirm_from_waitlist(signed_up[2]); });
    // Two messages of the full meeting could not be sent.
    auto messages = f.outbox(full);
    BOOST_REQUIRE(messages.size() >= 2u);
    f.database.write(f.now, [&](db::unit_of_work& w) {
        db::outbox{w}.mark_failed(messages[0].id, "550 no such user");
        db::outbox{w}.mark_failed(messages[1].id, "550 no such user");
    });
    const auto ov = app::organiser_overview_of(f.ctx, session);
    BOOST_REQUIRE(ov.coming.size() == 2u);
    const auto& first = ov.coming[0];
    BOOST_TEST(first.meeting.id == full);
    BOOST_TEST(*first.seats.capacity == 2);
    BOOST_TEST(first.seats.confirmed_people == 3);
    BOOST_TEST(first.seats.waitlisted == 1);
    BOOST_TEST(first.failed_messages == 2);
    const auto& second = ov.coming[1];
    BOOST_TEST(second.meeting.id == quiet);
    BOOST_TEST(!second.seats.capacity);
    BOOST_TEST(second.seats.confirmed_people == 0);
    BOOST_TEST(second.seats.waitlisted == 0);
    BOOST_TEST(second.failed_messages == 0);
    // The FRÖ target as the yearly report counts it (both meetings are FRÖ-möten this year, to come).
    const auto report = app::yearly_report(f.ctx, ov.year);
    BOOST_TEST(ov.year == 2026);
    BOOST_REQUIRE(ov.fro_target.has_value());
    BOOST_TEST(*ov.fro_target == report.targets.at(db::meeting_type::fro));
    BOOST_TEST(ov.fro_planned == 2);
    BOOST_TEST(ov.fro_held == 0);
    BOOST_TEST(ov.fro_planned == report.by_type.at(db::meeting_type::fro).planned);
    f.now += 10 * 24 * 3600;  // the first has begun (and the session has ended: signed in again)
    const auto later = app::organiser_overview_of(f.ctx, f.session_of(anna));
    BOOST_TEST(later.fro_held == 1);
    BOOST_TEST(later.fro_planned == 1);
}
