// The use cases of service/app as plain functions: no sockets, no JSON, a real database
// (SQLite, or PostgreSQL with KAL_TEST_DB=postgresql) and a clock the test sets.
#define BOOST_TEST_MODULE app_use_cases
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include "kal/db/database.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/outbox.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/db/testing.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/attendance.hpp"
#include "kal/service/app/collation.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/delivery.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/door.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/import.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/app/mail_policy.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/app/organising.hpp"
#include "kal/service/app/rate_limit.hpp"
#include "kal/service/app/render_cache.hpp"
#include "kal/service/app/scopes.hpp"
#include "kal/service/app/sign_ups.hpp"
#include "kal/service/app/texts.hpp"
#include "app_fixture.hpp"
#include "test_db.hpp"

using namespace kal::app_test;

// ---- meetings -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(meeting_rules_name_every_wrong_field_at_once_and_write_nothing) {
    fixture f;
    auto in = f.meeting("2026-12-10T18:00", "2026-12-10T17:00");
    in.type = "party";
    in.capacity = std::optional<std::int64_t>{0};
    in.online_url = "ftp://x";
    in.time_zone = "Mars/Olympus";
    auto e = error_of([&] { app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse); });
    BOOST_TEST((e.kind == app::error_kind::validation));
    for (auto field : {"type", "capacity", "online_url", "time_zone"}) BOOST_TEST(names_field(e, field), field);
    BOOST_TEST(kal::test::count_rows(f.url, "meetings") == 0);
    // And end before start, once the zone is valid.
    in = f.meeting("2026-12-10T18:00", "2026-12-10T17:00");
    e = error_of([&] { app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse); });
    BOOST_TEST(names_field(e, "end"));
}

BOOST_AUTO_TEST_CASE(a_calendar_error_names_the_field_it_concerns) {
    fixture f;
    app::series_input in;
    static_cast<app::meeting_input&>(in) = f.meeting();
    in.rrule = "FREQ=WEEKLY;BYDAY=XX";
    auto e = error_of([&] { app::create_series(f.ctx, f.organiser, in, db::venue_overlap::refuse); });
    BOOST_TEST(names_field(e, "rrule"));
    BOOST_TEST(!names_field(e, "start"));
}

BOOST_AUTO_TEST_CASE(who_is_asking_is_checked_before_what_was_sent) {
    fixture f;
    auto in = f.meeting();
    in.unreadable.body = app::error(app::error_kind::bad_request, "not JSON");
    auto e = error_of([&] { app::create_meeting(f.ctx, app::credentials{}, in, db::venue_overlap::refuse); });
    BOOST_TEST((e.kind == app::error_kind::unauthenticated));
    e = error_of([&] { app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse); });
    BOOST_TEST((e.kind == app::error_kind::bad_request));
}

BOOST_AUTO_TEST_CASE(an_organiser_writes_only_for_its_own_organisation_and_drafts_stay_hidden) {
    fixture f;
    auto in = f.meeting();
    in.organisation_id = f.other_organisation;
    auto e = error_of([&] { app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse); });
    BOOST_TEST((e.kind == app::error_kind::forbidden));
    in = f.meeting();
    in.status = "draft";
    auto draft = app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse);
    e = error_of([&] { app::find_meeting(f.ctx, app::credentials{}, draft.id); });
    BOOST_TEST((e.kind == app::error_kind::not_found));
    BOOST_TEST(app::find_meeting(f.ctx, f.organiser, draft.id).id == draft.id);
}

BOOST_AUTO_TEST_CASE(a_time_change_tells_those_with_a_seat_in_the_same_transaction) {
    fixture f;
    auto m = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    auto out = app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    BOOST_TEST(out.created);
    BOOST_TEST(f.outbox(m.id).size() == 1u);  // the confirmation
    app::meeting_input change;
    change.start = "2026-12-10T19:00";
    change.end = "2026-12-10T21:00";
    auto changed = app::update_meeting(f.ctx, f.organiser, m.id, change, db::venue_overlap::refuse);
    BOOST_TEST(changed.sequence == m.sequence + 1);
    auto mails = f.outbox(m.id);
    BOOST_TEST_REQUIRE(mails.size() == 2u);
    BOOST_TEST((mails[1].kind == db::message_kind::meeting_changed));
    BOOST_TEST(mails[1].dedup_key == "meeting_changed:" + std::to_string(out.stored.id) + ":1");
    BOOST_TEST(mails[1].sequence == 1);
    BOOST_TEST(!mails[1].link_token.empty());
    // The link of the message opens the sign-up like the sign-up's own.
    BOOST_TEST(app::sign_up_of_secret(f.ctx, mails[1].link_token).has_value());
    // A title change raises nothing and tells nobody.
    app::meeting_input retitle;
    retitle.title = "FRÖ-möte: nytt namn";
    app::update_meeting(f.ctx, f.organiser, m.id, retitle, db::venue_overlap::refuse);
    BOOST_TEST(f.outbox(m.id).size() == 2u);
}

// ---- sign-ups -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_sign_up_is_one_transaction_whoever_makes_it) {
    fixture f;
    auto m = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    auto before = db::testing::transactions_started();
    app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    BOOST_TEST(db::testing::transactions_started() - before == 1u);
    before = db::testing::transactions_started();
    auto by_hand = app::sign_up(f.ctx, f.organiser, m.id, f.person("Bo", "bo@example.se"), "10.0.0.1");
    BOOST_TEST(db::testing::transactions_started() - before == 1u);
    BOOST_TEST(by_hand.by_organiser);
}

// Issue 13, item 5: the store writes the sign-up's first message with the sign-up (on PostgreSQL
// in the one call of kal_sign_up that holds the meeting's lock), as mail_policy wrote it before.
BOOST_AUTO_TEST_CASE(a_new_sign_up_is_written_with_its_first_message_in_as_few_statements_as_the_database_allows) {
    fixture f;
    auto in = f.meeting();
    in.capacity = std::optional<std::int64_t>{1};
    auto m = app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse);
    const auto before = db::testing::statements_started();
    auto anna = app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    const auto statements = db::testing::statements_started() - before;
    // PostgreSQL: BEGIN, whether the link's hash is free, kal_sign_up, COMMIT. SQLite: BEGIN
    // IMMEDIATE, the hash, the decision's facts, the sign-up, its message and the message's two
    // links, COMMIT. (Before: about sixteen on both.)
    BOOST_TEST(statements == (f.database.is_postgresql() ? 4u : 8u));
    auto bo = app::sign_up(f.ctx, {}, m.id, f.person("Bo", "BO@example.se"), "10.0.0.2");
    BOOST_TEST((anna.stored.status == db::rsvp_status::confirmed));
    BOOST_TEST((bo.stored.status == db::rsvp_status::waitlisted));
    BOOST_TEST(bo.stored.waitlist_position.value_or(0) == 1);
    auto mails = f.outbox(m.id);
    BOOST_TEST_REQUIRE(mails.size() == 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& r = i == 0 ? anna.stored : bo.stored;
        const auto& mail = mails[i];
        const std::string kind = i == 0 ? "confirmed" : "waitlisted";
        BOOST_TEST_CONTEXT(kind) {
            BOOST_TEST(std::string(db::to_text(mail.kind)) == kind);
            BOOST_TEST(mail.dedup_key == kind + ":" + std::to_string(r.id));
            BOOST_TEST(mail.message_id == app::mail_policy::message_id_of(f.ctx, mail.dedup_key));
            BOOST_TEST(mail.message_id == "<kal." + kind + "." + std::to_string(r.id) + "@" +
                                              f.settings.mail.from_address.substr(f.settings.mail.from_address.find('@') + 1) + ">");
            BOOST_TEST(mail.rsvp_id.value_or(0) == r.id);
            BOOST_TEST(mail.recipient == r.email);
            BOOST_TEST((mail.language == r.language));
            BOOST_TEST(mail.sequence == m.sequence);
            BOOST_TEST(mail.meeting_start_utc == m.start_utc);
            BOOST_TEST((mail.state == db::message_state::pending));
            BOOST_TEST(mail.next_attempt_at == f.now);
            // The message's link opens the sign-up; its door link (the QR code) names it.
            BOOST_TEST_REQUIRE(!mail.link_token.empty());
            auto held = app::sign_up_of_secret(f.ctx, mail.link_token);
            BOOST_TEST_REQUIRE(held.has_value());
            BOOST_TEST(held->rsvp.id == r.id);
            auto door = f.database.read([&](db::unit_of_work& w) {
                return db::rsvps{w}.find_by_check_in_link(app::hash_secret(app::check_in_secret_of(mail.link_token)));
            });
            BOOST_TEST_REQUIRE(door.has_value());
            BOOST_TEST(door->id == r.id);
        }
    }
    // The sign-up answered is the one stored.
    auto stored = f.database.read([&](db::unit_of_work& w) { return db::rsvps{w}.find(bo.stored.id); });
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->email == bo.stored.email);
    BOOST_TEST(stored->created_at == bo.stored.created_at);
    BOOST_TEST(stored->updated_at == bo.stored.updated_at);
    BOOST_TEST(stored->waitlist_position.value_or(0) == bo.stored.waitlist_position.value_or(-1));
    BOOST_TEST(!stored->organisation_id.has_value());
    // Without mail nothing but the sign-up is written.
    fixture quiet(false);
    auto q = app::create_meeting(quiet.ctx, quiet.organiser, quiet.meeting(), db::venue_overlap::refuse);
    auto c = app::sign_up(quiet.ctx, {}, q.id, quiet.person("Cecilia", "c@example.se"), "10.0.0.3");
    BOOST_TEST(c.created);
    BOOST_TEST(quiet.outbox(q.id).empty());
    BOOST_TEST(kal::test::count_rows(quiet.url, "rsvp_tokens") == 0);
    BOOST_TEST(kal::test::count_rows(quiet.url, "checkin_links") == 0);
}

BOOST_AUTO_TEST_CASE(sent_messages_are_purged_after_mail_keep_finished_for_and_never_when_it_is_zero) {
    for (const std::string keep : {"30d", "0"}) {
        fixture f(true, {{"mail.keep_finished_for", keep}});
        auto m = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);  // 2026-12-10
        app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
        for (const auto& msg : app::claim_messages(f.ctx, "w")) app::message_sent(f.ctx, msg.id);
        BOOST_TEST_REQUIRE(f.outbox(m.id).size() == 1u);
        f.now = t0 + 29 * 24 * 3600;
        BOOST_TEST(app::purge_finished_messages(f.ctx) == 0);
        f.now = t0 + 31 * 24 * 3600;
        BOOST_TEST(app::purge_finished_messages(f.ctx) == (keep == "0" ? 0 : 1), keep);
        BOOST_TEST(f.outbox(m.id).size() == (keep == "0" ? 1u : 0u), keep);
    }
}

BOOST_AUTO_TEST_CASE(deleting_a_meeting_with_sign_ups_writes_each_a_detached_cancellation_unless_told_or_over) {
    fixture f;
    auto detached = [&] {
        return f.database.read([&](db::unit_of_work& w) {
            std::vector<std::map<std::string, std::string>> out;
            for (db::id_t id = 1; id < 100; ++id)
                if (auto msg = db::outbox{w}.find(id); msg && !msg->meeting_id && !msg->user_id) {
                    std::map<std::string, std::string> facts;
                    for (auto& [k, v] : db::outbox{w}.facts(id)) facts[k] = v;
                    facts["recipient"] = msg->recipient;
                    out.push_back(facts);
                }
            return out;
        });
    };
    auto live = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    app::sign_up(f.ctx, {}, live.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    app::sign_up(f.ctx, {}, live.id, f.person("Bo", "bo@example.se"), "10.0.0.2");
    app::delete_meeting(f.ctx, f.organiser, live.id);
    auto written = detached();
    BOOST_TEST_REQUIRE(written.size() == 2u);
    BOOST_TEST(written[0].at("recipient") == "anna@example.se");
    BOOST_TEST(written[0].at("recipient_name") == "Anna");
    BOOST_TEST(written[0].at("meeting_title") == "FRÖ-möte");
    BOOST_TEST(written[0].at("organisation_name") == "Föreningen Ett");
    BOOST_TEST(written[0].at("invitation").find("METHOD:CANCEL") != std::string::npos);
    // Already cancelled (its cancellations went then), or over: nothing more to say.
    auto cancelled = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    app::sign_up(f.ctx, {}, cancelled.id, f.person("Cia", "cia@example.se"), "10.0.0.3");
    app::cancel_meeting(f.ctx, f.organiser, cancelled.id);
    app::delete_meeting(f.ctx, f.organiser, cancelled.id);
    auto over = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    app::sign_up(f.ctx, {}, over.id, f.person("Dan", "dan@example.se"), "10.0.0.4");
    f.now = t0 + 30 * 24 * 3600;
    app::delete_meeting(f.ctx, f.organiser, over.id);
    BOOST_TEST(detached().size() == 2u);
}

// Skipping a series' date with sign-ups is deleting that occurrence: each person signed up gets
// the same detached cancellation, and the pages that ask first (the delete page, the series page)
// count exactly those the deletion will mail (a cancelled or ended meeting mails nobody).
BOOST_AUTO_TEST_CASE(skipping_a_date_with_sign_ups_mails_each_a_cancellation_and_the_pages_count_them_first) {
    fixture f;
    app::series_input in;
    static_cast<app::meeting_input&>(in) = f.meeting("2026-12-08T18:00", "2026-12-08T20:00");
    in.rrule = "FREQ=WEEKLY;COUNT=3";
    auto s = app::create_series(f.ctx, f.organiser, in, db::venue_overlap::refuse);
    app::meeting_query q;
    q.series_id = s.id;
    auto dates = app::list_meetings(f.ctx, {}, q).items;
    BOOST_TEST_REQUIRE(dates.size() == 3u);
    app::sign_up(f.ctx, {}, dates[0].id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    app::sign_up(f.ctx, {}, dates[0].id, f.person("Bo", "bo@example.se"), "10.0.0.2");
    app::sign_up(f.ctx, {}, dates[2].id, f.person("Cia", "cia@example.se"), "10.0.0.3");
    BOOST_TEST(app::meeting_to_edit(f.ctx, f.organiser, dates[0].id).told_if_deleted == 2);
    auto page = app::series_to_edit(f.ctx, f.organiser, s.id);
    BOOST_TEST(page.told_if_skipped.at(dates[0].id) == 2);
    BOOST_TEST(page.told_if_skipped.at(dates[1].id) == 0);
    // Another organisation's organiser skips nothing.
    app::credentials other;
    other.bearer_token = app::issue_api_token(f.database, f.now, db::token_role::organiser, "other", f.other_organisation).first;
    BOOST_TEST((error_of([&] { app::skip_occurrence(f.ctx, other, s.id, dates[0].id); }).kind == app::error_kind::forbidden));

    BOOST_TEST(app::skip_occurrence(f.ctx, f.organiser, s.id, dates[0].id) == 2);
    auto mailed = f.database.read([&](db::unit_of_work& w) {
        std::vector<std::string> to;
        for (db::id_t id = 1; id < 100; ++id)
            if (auto msg = db::outbox{w}.find(id); msg && msg->kind == db::message_kind::meeting_cancelled)
                to.push_back(msg->recipient + " " + msg->dedup_key.substr(0, msg->dedup_key.find(':')));
        return to;
    });
    BOOST_TEST((mailed == std::vector<std::string>{"anna@example.se meeting_deleted", "bo@example.se meeting_deleted"}));
    auto after = app::find_series(f.ctx, f.organiser, s.id);
    BOOST_TEST((after.exdates.size() == 1u));
    // Nobody signed up: nothing to tell.
    BOOST_TEST(app::skip_occurrence(f.ctx, f.organiser, s.id, dates[1].id) == 0);
    // A cancelled date: its cancellations went when it was cancelled; deleting it mails nobody.
    app::cancel_meeting(f.ctx, f.organiser, dates[2].id);
    auto cancelled = app::meeting_to_edit(f.ctx, f.organiser, dates[2].id);
    BOOST_TEST(cancelled.sign_ups == 1);
    BOOST_TEST(cancelled.told_if_deleted == 0);
    BOOST_TEST(app::series_to_edit(f.ctx, f.organiser, s.id).told_if_skipped.at(dates[2].id) == 0);
}

BOOST_AUTO_TEST_CASE(a_sign_up_writes_its_confirmation_or_waitlist_note_once) {
    fixture f;
    auto in = f.meeting();
    in.capacity = std::optional<std::int64_t>{1};
    auto m = app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse);
    auto a = app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    auto b = app::sign_up(f.ctx, {}, m.id, f.person("Bo", "bo@example.se"), "10.0.0.2");
    BOOST_TEST((a.stored.status == db::rsvp_status::confirmed));
    BOOST_TEST((b.stored.status == db::rsvp_status::waitlisted));
    auto again = app::sign_up(f.ctx, {}, m.id, f.person("Anna", "ANNA@example.se"), "10.0.0.3");
    BOOST_TEST(!again.created);
    BOOST_TEST(again.secret.empty());
    auto mails = f.outbox(m.id);
    BOOST_TEST_REQUIRE(mails.size() == 2u);
    BOOST_TEST(mails[0].dedup_key == "confirmed:" + std::to_string(a.stored.id));
    BOOST_TEST(mails[1].dedup_key == "waitlisted:" + std::to_string(b.stored.id));
    BOOST_TEST(mails[0].message_id == "<kal.confirmed." + std::to_string(a.stored.id) + "@example.boras.se>");
    // Anna cancels: her cancellation and Bo's promotion, in the same unit of work.
    app::cancel_sign_up(f.ctx, a.secret);
    mails = f.outbox(m.id);
    BOOST_TEST_REQUIRE(mails.size() == 4u);
    BOOST_TEST((mails[2].kind == db::message_kind::rsvp_cancelled));
    BOOST_TEST(mails[2].link_token.empty());
    BOOST_TEST(mails[3].dedup_key == "promoted:" + std::to_string(b.stored.id));
}

BOOST_AUTO_TEST_CASE(no_mail_is_written_without_a_mail_server) {
    fixture f(false);
    auto m = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    BOOST_TEST(f.outbox(m.id).empty());
}

BOOST_AUTO_TEST_CASE(sign_up_input_is_checked_field_by_field_and_the_rate_limit_counts_every_attempt) {
    fixture f;
    auto m = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    app::sign_up_input bad;
    bad.name = " ";
    bad.email = "not-an-address";
    bad.party_size = 11;
    bad.language = "de";
    bad.consent = false;
    auto e = error_of([&] { app::sign_up(f.ctx, {}, m.id, bad, "10.9.9.9"); });
    for (auto field : {"name", "email", "party_size", "language", "consent"}) BOOST_TEST(names_field(e, field), field);
    BOOST_TEST(kal::test::count_rows(f.url, "rsvps") == 0);
    // rate_limit_per_minute = 3: the refused attempt counted; two more pass the limit, the next not.
    app::sign_up(f.ctx, {}, m.id, f.person("A", "a@example.se"), "10.9.9.9");
    app::sign_up(f.ctx, {}, m.id, f.person("B", "b@example.se"), "10.9.9.9");
    e = error_of([&] { app::sign_up(f.ctx, {}, m.id, f.person("C", "c@example.se"), "10.9.9.9"); });
    BOOST_TEST((e.kind == app::error_kind::rate_limited));
    BOOST_TEST(e.retry_after_seconds.value_or(0) > 0);
    // An organiser adding people by hand is not limited.
    app::sign_up(f.ctx, f.organiser, m.id, f.person("D", "d@example.se"), "10.9.9.9");
}

BOOST_AUTO_TEST_CASE(a_malformed_or_unknown_link_opens_nothing_alike) {
    fixture f;
    BOOST_TEST(!app::sign_up_of_secret(f.ctx, "kalr_short").has_value());
    BOOST_TEST(!app::sign_up_of_secret(f.ctx, app::new_secret(app::secret_kind::sign_up_link)).has_value());
    BOOST_TEST(!app::sign_up_of_secret(f.ctx, app::new_secret(app::secret_kind::private_feed)).has_value());
    auto e = error_of([&] { app::cancel_sign_up(f.ctx, "kalr_short"); });
    BOOST_TEST((e.kind == app::error_kind::not_found));
}

// ---- a meeting's page -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_meeting_page_is_one_snapshot_and_says_whether_and_why_sign_up_is_closed) {
    fixture f;
    using state = app::sign_up_state;
    auto in = f.meeting();
    in.capacity = std::optional<std::int64_t>{1};
    in.registration_deadline = std::optional<std::string>{"2026-12-05T23:59"};
    auto m = app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse);
    auto before = db::testing::transactions_started();
    auto page = app::meeting_details_of(f.ctx, {}, m.id);
    BOOST_TEST(db::testing::transactions_started() - before == 1u);
    BOOST_TEST((page.sign_ups == state::open));
    BOOST_TEST(page.seats.seats_left().value_or(-1) == 1);
    BOOST_TEST(page.organiser.has_value());
    BOOST_TEST(page.organisation_names.size() == 2u);  // both of the fixture's, by name
    BOOST_TEST(page.organisation_names.front() == "Föreningen Ett");
    app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    BOOST_TEST((app::meeting_details_of(f.ctx, {}, m.id).sign_ups == state::waitlist));
    f.now = t0 + 5 * 86400;  // past the deadline, before the meeting
    BOOST_TEST((app::meeting_details_of(f.ctx, {}, m.id).sign_ups == state::deadline_passed));
    f.now = t0 + 9 * 86400 + 17 * 3600 + 30 * 60;  // 2026-12-10 18:30 in Stockholm: it has started
    BOOST_TEST((app::meeting_details_of(f.ctx, {}, m.id).sign_ups == state::started));
    f.now = t0;
    app::cancel_meeting(f.ctx, f.organiser, m.id);
    BOOST_TEST((app::meeting_details_of(f.ctx, {}, m.id).sign_ups == state::cancelled));
    // A draft is as missing as a meeting that does not exist, except for its organiser.
    auto draft_in = f.meeting("2026-12-11T18:00", "2026-12-11T20:00");
    draft_in.status = "draft";
    auto draft = app::create_meeting(f.ctx, f.organiser, draft_in, db::venue_overlap::refuse);
    BOOST_TEST((error_of([&] { app::meeting_details_of(f.ctx, {}, draft.id); }).kind == app::error_kind::not_found));
    BOOST_TEST((error_of([&] { app::meeting_details_of(f.ctx, {}, 999999); }).kind == app::error_kind::not_found));
    BOOST_TEST(app::meeting_details_of(f.ctx, f.organiser, draft.id).meeting.id == draft.id);
}

BOOST_AUTO_TEST_CASE(a_series_page_lists_its_coming_dates_knows_a_moved_one_and_its_link_lands_on_the_next) {
    fixture f;
    app::series_input in;
    static_cast<app::meeting_input&>(in) = f.meeting("2026-11-05T18:00", "2026-11-05T20:00");
    in.rrule = "FREQ=MONTHLY;COUNT=4";
    auto s = app::create_series(f.ctx, f.organiser, in, db::venue_overlap::refuse);
    app::meeting_query q;
    q.series_id = s.id;
    auto all = app::list_meetings(f.ctx, {}, q).items;
    BOOST_TEST_REQUIRE(all.size() == 4u);
    // On 1 December the November one is over: the series' link lands on December's.
    BOOST_TEST(app::series_landing(f.ctx, s.id) == all[1].id);
    BOOST_TEST((error_of([&] { app::series_landing(f.ctx, 999999); }).kind == app::error_kind::not_found));
    auto page = app::meeting_details_of(f.ctx, {}, all[1].id);
    BOOST_TEST_REQUIRE(page.coming.size() == 2u);
    BOOST_TEST(page.coming[0].id == all[2].id);
    BOOST_TEST(page.planned_start.empty());
    // January's is moved an hour earlier on its own: it knows when it was first planned.
    app::meeting_input moved;
    moved.start = "2027-01-05T17:00";
    moved.end = "2027-01-05T19:00";
    app::update_meeting(f.ctx, f.organiser, all[2].id, moved, db::venue_overlap::refuse);
    BOOST_TEST(app::meeting_details_of(f.ctx, {}, all[2].id).planned_start == "2027-01-05T18:00:00");
    // A change of something else than its time is no move.
    app::meeting_input retitled;
    retitled.title = "FRÖ-möte, nytt namn";
    app::update_meeting(f.ctx, f.organiser, all[3].id, retitled, db::venue_overlap::refuse);
    BOOST_TEST(app::meeting_details_of(f.ctx, {}, all[3].id).planned_start.empty());
}

BOOST_AUTO_TEST_CASE(links_for_people_are_pages_in_the_readers_language) {
    fixture f;
    const auto& base = f.settings.server.public_base_url;
    BOOST_TEST(app::meeting_link(f.settings, 12) == base + "/moten/12");
    BOOST_TEST(app::meeting_link(f.settings, 12, db::language::en) == base + "/en/moten/12");
    BOOST_TEST(app::series_link(f.settings, 3) == base + "/serier/3");
    BOOST_TEST(app::sign_up_link(f.settings, "kalr_x", db::language::sv) == base + "/anmalan/kalr_x");
    BOOST_TEST(app::sign_up_link(f.settings, "kalr_x", db::language::en) == base + "/en/anmalan/kalr_x");
}

// ---- feeds ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_feed_cache_miss_is_one_snapshot_and_a_hit_touches_nothing) {
    fixture f;
    app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    app::feed_request all;
    BOOST_TEST(!app::cached_feed(f.ctx, all));  // a write through this instance: read the counter
    auto before = db::testing::transactions_started();
    auto first = app::calendar_feed(f.ctx, all);
    BOOST_TEST(db::testing::transactions_started() - before == 1u);
    BOOST_TEST(first->body->find("FRÖ-möte") != std::string::npos);
    before = db::testing::transactions_started();
    auto hit = app::cached_feed(f.ctx, all);
    BOOST_TEST_REQUIRE(hit);
    BOOST_TEST(hit.get() == first.get());
    BOOST_TEST(db::testing::transactions_started() == before);
    // A scope read by slug is in the same snapshot.
    app::feed_request by_org;
    by_org.kind = app::feed_request::scope::organisation;
    by_org.value = "foreningen-ett";
    before = db::testing::transactions_started();
    app::calendar_feed(f.ctx, by_org);
    BOOST_TEST(db::testing::transactions_started() - before == 1u);
}

BOOST_AUTO_TEST_CASE(only_writes_that_change_feeds_invalidate_them) {
    fixture f;
    auto m = app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
    app::feed_request all;
    auto first = app::calendar_feed(f.ctx, all);
    app::sign_up(f.ctx, {}, m.id, f.person("Anna", "anna@example.se"), "10.0.0.1");
    BOOST_TEST(app::cached_feed(f.ctx, all).get() == first.get());  // a sign-up: feeds unchanged
    app::meeting_input retitle;
    retitle.title = "Nytt namn";
    app::update_meeting(f.ctx, f.organiser, m.id, retitle, db::venue_overlap::refuse);
    BOOST_TEST(!app::cached_feed(f.ctx, all));
    BOOST_TEST(app::calendar_feed(f.ctx, all)->body->find("Nytt namn") != std::string::npos);
}

// ---- the page cache (app::cached_render) ------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_cached_render_is_tagged_with_the_counter_read_before_it_ran) {
    fixture f;
    const std::string day = "2026-12-01";
    int renders = 0;
    auto page = [&](const std::string& text) {
        return [&renders, text]() -> std::optional<app::rendered_answer> {
            ++renders;
            app::rendered_answer a;
            a.body = std::make_shared<const std::string>(text);
            a.content_type = "text/html; charset=utf-8";
            return a;
        };
    };
    // A miss: one small unit for the counter (a read: one statement, and on PostgreSQL no
    // transaction around it), then whatever the render needs.
    auto before = db::testing::transactions_started();
    auto first = app::cached_render(f.ctx, "page sv /", day, std::chrono::hours(1), page("ett"));
    BOOST_TEST(db::testing::transactions_started() - before == (f.database.is_postgresql() ? 0u : 1u));
    BOOST_TEST(renders == 1);
    BOOST_TEST(*first->body == "ett");
    BOOST_TEST(!first->etag.empty());
    // A hit: the counter again, no render; and from the I/O thread's fast path, nothing at all.
    BOOST_TEST(app::cached_render(f.ctx, "page sv /", day, std::chrono::hours(1), page("två")).get() == first.get());
    BOOST_TEST(renders == 1);
    before = db::testing::transactions_started();
    BOOST_TEST(f.ctx.cache().fresh("page sv /", day).get() == first.get());
    BOOST_TEST(db::testing::transactions_started() == before);
    BOOST_TEST(!f.ctx.cache().fresh("page en /", day));  // another key, another entry
    BOOST_TEST(!f.ctx.cache().fresh("page sv /", "2026-12-02"));  // another day

    // A write that lands while a page renders: the page may show it, but it is kept under the
    // counter read before, so the next request renders again rather than trust it.
    auto during = app::cached_render(f.ctx, "page sv /manad", day, std::chrono::hours(1), [&] {
        app::create_meeting(f.ctx, f.organiser, f.meeting(), db::venue_overlap::refuse);
        return page("under")();
    });
    BOOST_TEST(!f.ctx.cache().fresh("page sv /manad", day));
    auto after = app::cached_render(f.ctx, "page sv /manad", day, std::chrono::hours(1), page("efter"));
    BOOST_TEST(after.get() != during.get());
    BOOST_TEST(*after->body == "efter");
    // The write moved the counter for every page, the start page too.
    BOOST_TEST(!f.ctx.cache().fresh("page sv /", day));
    BOOST_TEST(*app::cached_render(f.ctx, "page sv /", day, std::chrono::hours(1), page("tre"))->body == "tre");
}

BOOST_AUTO_TEST_CASE(a_cached_render_expires_after_its_max_age_and_keeps_nothing_it_was_not_given) {
    fixture f;
    const std::string day = "2026-12-01";
    int renders = 0;
    auto render = [&]() -> std::optional<app::rendered_answer> {
        ++renders;
        app::rendered_answer a;
        a.body = std::make_shared<const std::string>("samma");
        return a;
    };
    auto first = app::cached_render(f.ctx, "page sv /kort", day, std::chrono::milliseconds(150), render);
    BOOST_TEST(f.ctx.cache().fresh("page sv /kort", day).get() == first.get());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    BOOST_TEST(!f.ctx.cache().fresh("page sv /kort", day));  // the counter has not moved, but the age has
    auto second = app::cached_render(f.ctx, "page sv /kort", day, std::chrono::milliseconds(150), render);
    BOOST_TEST(renders == 2);
    BOOST_TEST(second->etag == first->etag);  // the same bytes: the same ETag, so 304s go on
    BOOST_TEST(second->last_modified == first->last_modified);
    // An answer the caller would not have cached (a cookie, an error) leaves nothing behind.
    BOOST_TEST(!app::cached_render(f.ctx, "page sv /kaka", day, std::chrono::hours(1),
                                   []() -> std::optional<app::rendered_answer> { return std::nullopt; }));
    BOOST_TEST(!f.ctx.cache().fresh("page sv /kaka", day));
}

// ---- statements of the hot reads (issue 13) -------------------------------------------------

BOOST_AUTO_TEST_CASE(a_list_and_a_single_meeting_are_one_statement_each_prepared_once_per_connection) {
    fixture f;
    std::vector<db::id_t> networks;
    for (const char* name : {"Nätverk B", "Nätverk A"}) {
        app::network_input n;
        n.kind = "forum";
        n.name = name;
        networks.push_back(app::create_network(f.ctx, f.admin, n).id);
    }
    auto in = f.meeting();
    in.network_ids = std::vector<db::id_t>{networks[0], networks[1]};
    // Titles and addresses with the characters a list of them might be split on.
    in.documents = std::vector<app::document_input>{{"Dagordning: punkt 1, 2", "https://example.se/a?x=1,2:3"},
                                                    {"Protokoll", "https://example.se/b"},
                                                    {"Å, ä & ö", "https://example.se/c"}};
    auto linked = app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse);
    app::create_meeting(f.ctx, f.organiser, f.meeting("2026-12-11T18:00", "2026-12-11T20:00"), db::venue_overlap::refuse);
    app::meeting_query all;
    // The first request on a connection prepares; the pool hands out its first free connection,
    // so the second request runs on a connection that has them.
    app::list_meetings(f.ctx, {}, all);
    app::find_meeting(f.ctx, {}, linked.id);

    const bool pg = f.database.is_postgresql();
    // A read unit: BEGIN and COMMIT on SQLite (in-process, no round trip), nothing on PostgreSQL.
    const std::uint64_t around = pg ? 0 : 2;
    auto prepared = db::testing::statements_prepared();
    auto run = db::testing::statements_run();
    auto page = app::list_meetings(f.ctx, {}, all);
    BOOST_TEST(db::testing::statements_prepared() - prepared == 0u);
    BOOST_TEST(db::testing::statements_run() - run == 1u + around);
    prepared = db::testing::statements_prepared();
    run = db::testing::statements_run();
    auto one = app::find_meeting(f.ctx, {}, linked.id);
    BOOST_TEST(db::testing::statements_prepared() - prepared == 0u);
    BOOST_TEST(db::testing::statements_run() - run == 1u + around);

    // The links come in that one statement, as they were written: networks by id, documents in order.
    BOOST_TEST_REQUIRE(page.items.size() == 2u);
    std::vector<db::id_t> sorted_networks = networks;
    std::sort(sorted_networks.begin(), sorted_networks.end());
    for (const auto& m : {page.items[0], one}) {
        BOOST_TEST(m.id == linked.id);
        BOOST_TEST(m.network_ids == sorted_networks);
        BOOST_TEST_REQUIRE(m.documents.size() == 3u);
        BOOST_TEST(m.documents[0].title == "Dagordning: punkt 1, 2");
        BOOST_TEST(m.documents[0].url == "https://example.se/a?x=1,2:3");
        BOOST_TEST(m.documents[1].title == "Protokoll");
        BOOST_TEST(m.documents[2].title == "Å, ä & ö");
    }
    BOOST_TEST(page.items[1].network_ids.empty());
    BOOST_TEST(page.items[1].documents.empty());
    // A change is read at once through the kept statements (new values bound, not old ones kept).
    app::meeting_input retitle;
    retitle.title = "Nytt namn";
    retitle.documents = std::vector<app::document_input>{};
    app::update_meeting(f.ctx, f.organiser, linked.id, retitle, db::venue_overlap::refuse);
    auto after = app::find_meeting(f.ctx, {}, linked.id);
    BOOST_TEST(after.title == "Nytt namn");
    BOOST_TEST(after.documents.empty());
    BOOST_TEST(app::list_meetings(f.ctx, {}, all).items[0].title == "Nytt namn");
    BOOST_CHECK_THROW(app::find_meeting(f.ctx, {}, linked.id + 100), app::error);

    // With an organiser's token (never cached) the token is looked up by one kept statement more.
    app::list_meetings(f.ctx, f.organiser, all);
    prepared = db::testing::statements_prepared();
    run = db::testing::statements_run();
    BOOST_TEST(app::list_meetings(f.ctx, f.organiser, all).items.size() == 2u);
    BOOST_TEST(db::testing::statements_prepared() - prepared == 0u);
    BOOST_TEST(db::testing::statements_run() - run == 2u + around);
    prepared = db::testing::statements_prepared();
    run = db::testing::statements_run();
    BOOST_TEST(app::find_meeting(f.ctx, f.organiser, linked.id).title == "Nytt namn");
    BOOST_TEST(db::testing::statements_prepared() - prepared == 0u);
    BOOST_TEST(db::testing::statements_run() - run == 2u + around);
}

BOOST_AUTO_TEST_CASE(the_render_cache_stays_within_its_memory_and_keeps_what_is_used) {
    // 64 KiB for the cache; answers of 4 KiB each (keys and bookkeeping on top): a flood of
    // distinct queries, as anyone can send, never grows it past the bound.
    fixture f(true, {{"feeds.cache_memory", "64KiB"}});
    const std::string day = "2026-12-01";
    auto answer = [](char c) {
        return [c]() -> std::optional<app::rendered_answer> {
            app::rendered_answer a;
            a.body = std::make_shared<const std::string>(4096, c);
            a.content_type = "application/json";
            return a;
        };
    };
    auto& cache = f.ctx.cache();
    auto kept = app::cached_render(f.ctx, "api   /api/v1/meetings", day, std::chrono::hours(1), answer('k'));
    std::size_t largest = 0;
    for (int i = 0; i < 500; ++i) {
        app::cached_render(f.ctx, "api   /api/v1/meetings?q=" + std::to_string(i), day, std::chrono::hours(1),
                           answer('x'));
        largest = std::max(largest, cache.memory_used());
        // The list everyone reads is used in between, so it stays.
        BOOST_TEST_REQUIRE(cache.fresh("api   /api/v1/meetings", day).get() == kept.get());
    }
    BOOST_TEST(largest <= 64u * 1024u);
    BOOST_TEST(cache.size() < 16u);  // 4 KiB each
    BOOST_TEST(cache.size() > 8u);   // and it is used, not emptied
    // The most recent flood entries are there, the oldest gone.
    BOOST_TEST(cache.fresh("api   /api/v1/meetings?q=499", day));
    BOOST_TEST(!cache.fresh("api   /api/v1/meetings?q=0", day));
    // An answer larger than the whole budget is answered but not kept, and evicts nothing.
    const auto before = cache.size();
    auto huge = app::cached_render(f.ctx, "api   /huge", day, std::chrono::hours(1), [] {
        app::rendered_answer a;
        a.body = std::make_shared<const std::string>(100 * 1024, 'h');
        return std::optional<app::rendered_answer>(a);
    });
    BOOST_TEST(huge->body->size() == 100u * 1024u);
    BOOST_TEST(!cache.fresh("api   /huge", day));
    BOOST_TEST(cache.size() == before);
    BOOST_TEST(cache.memory_used() <= 64u * 1024u);
}

BOOST_AUTO_TEST_CASE(a_request_with_a_token_or_a_session_cookie_never_uses_the_shared_cache) {
    BOOST_TEST(app::may_use_shared_cache(std::nullopt, std::nullopt));
    BOOST_TEST(!app::may_use_shared_cache(std::string("Bearer kal_x"), std::nullopt));
    BOOST_TEST(!app::may_use_shared_cache(std::string(""), std::nullopt));  // any Authorization
    BOOST_TEST(!app::may_use_shared_cache(std::nullopt, std::string("kal_session=kals_x")));
    BOOST_TEST(!app::may_use_shared_cache(std::nullopt, std::string("a=1; __Host-kal_session=kals_x")));
    BOOST_TEST(!app::may_use_shared_cache(std::nullopt, std::string("a=1;kal_session =x")));
    BOOST_TEST(app::may_use_shared_cache(std::nullopt, std::string("kal_form=abc; other_kal_session=1")));
    BOOST_TEST(app::may_use_shared_cache(std::nullopt, std::string("")));
}

BOOST_AUTO_TEST_CASE(a_custom_feed_with_too_many_values_is_a_bad_parameter) {
    fixture f;
    app::feed_request custom;
    custom.kind = app::feed_request::scope::custom;
    std::string many;
    for (int i = 1; i <= 1001; ++i) many += (i > 1 ? "," : "") + std::to_string(i);
    custom.networks = {many};
    auto e = error_of([&] { app::calendar_feed(f.ctx, custom); });
    BOOST_TEST((e.kind == app::error_kind::bad_request));
    BOOST_TEST(names_field(e, "network"));
}

BOOST_AUTO_TEST_CASE(an_atom_feed_holds_the_coming_meetings_from_today_cached_apart_from_the_icalendar_feed) {
    fixture f;
    auto at = [&](const char* title, const char* start, const char* end, const char* status = "published") {
        auto in = f.meeting(start, end);
        in.title = title;
        in.status = status;
        return app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::allow);
    };
    at("I går", "2026-11-30T18:00", "2026-11-30T20:00");  // in the .ics window, not ahead
    at("I dag, redan över", "2026-12-01T08:00", "2026-12-01T09:00");  // today: from midnight on
    auto later = at("Senare", "2026-12-10T18:00", "2026-12-10T20:00");
    auto cancelled = at("Inställt möte", "2026-12-11T18:00", "2026-12-11T20:00");
    app::cancel_meeting(f.ctx, f.organiser, cancelled.id);
    at("Utkast", "2026-12-12T18:00", "2026-12-12T20:00", "draft");
    at("Om två år", "2028-12-12T18:00", "2028-12-12T20:00");  // past feeds.window_future_days

    app::feed_request atom;
    atom.as = app::feed_request::format::atom;
    int renders = 0;
    std::vector<std::string> titles;
    std::int64_t updated = 0;
    auto render = [&](const app::upcoming_meetings& u) {
        ++renders;
        titles.clear();
        for (const auto& m : u.meetings) titles.push_back(m.title + (m.status == db::meeting_status::cancelled ? " (inställt)" : ""));
        updated = u.updated;
        BOOST_TEST(u.day == "2026-12-01");
        BOOST_TEST(u.around.organisations.count(f.organisation) == 1u);
        app::rendered_answer a;
        a.body = std::make_shared<const std::string>("atom " + std::to_string(u.meetings.size()));
        a.content_type = "application/atom+xml; charset=utf-8";
        return a;
    };
    auto before = db::testing::transactions_started();
    auto first = app::upcoming_feed(f.ctx, atom, render);
    BOOST_TEST(db::testing::transactions_started() - before == 1u);  // counter, scope and meetings: one snapshot
    const std::vector<std::string> expected = {"I dag, redan över", "Senare", "Inställt möte (inställt)"};
    BOOST_TEST(titles == expected, boost::test_tools::per_element());
    BOOST_TEST(updated == std::max(later.updated_at, app::find_meeting(f.ctx, f.admin, cancelled.id).updated_at));
    // Cached under a key of its own: the iCalendar feed of the same scope is another answer.
    BOOST_TEST(app::cached_feed(f.ctx, atom).get() == first.get());
    BOOST_TEST(app::upcoming_feed(f.ctx, atom, render).get() == first.get());
    BOOST_TEST(renders == 1);
    app::feed_request icalendar;
    auto ics = app::calendar_feed(f.ctx, icalendar);
    BOOST_TEST(ics.get() != first.get());
    BOOST_TEST(ics->body->find("I går") != std::string::npos);
    BOOST_TEST(app::cached_feed(f.ctx, atom).get() == first.get());
    // A change of a meeting renders it anew.
    app::meeting_input retitle;
    retitle.title = "Senare, nytt namn";
    app::update_meeting(f.ctx, f.organiser, later.id, retitle, db::venue_overlap::refuse);
    BOOST_TEST(!app::cached_feed(f.ctx, atom));
    app::upcoming_feed(f.ctx, atom, render);
    BOOST_TEST(renders == 2);
    BOOST_TEST(titles[1] == "Senare, nytt namn");
    // A scope that names nothing, and scopes Atom does not serve, are missing feeds.
    for (auto [kind, value] : {std::pair{app::feed_request::scope::network, "finns-inte"},
                               std::pair{app::feed_request::scope::type, "party"},
                               std::pair{app::feed_request::scope::meeting, "1"},
                               std::pair{app::feed_request::scope::custom, ""}}) {
        app::feed_request r;
        r.as = app::feed_request::format::atom;
        r.kind = kind;
        r.value = value;
        auto e = error_of([&] { app::upcoming_feed(f.ctx, r, render); });
        BOOST_TEST((e.kind == app::error_kind::not_found), value);
    }
}

BOOST_AUTO_TEST_CASE(an_empty_atom_feed_is_as_new_as_the_start_of_its_day) {
    fixture f;
    app::feed_request atom;
    atom.as = app::feed_request::format::atom;
    atom.kind = app::feed_request::scope::type;
    atom.value = "samrad";
    std::int64_t updated = 0;
    std::string name;
    app::upcoming_feed(f.ctx, atom, [&](const app::upcoming_meetings& u) {
        updated = u.updated;
        name = u.name;
        app::rendered_answer a;
        a.body = std::make_shared<const std::string>("empty");
        return a;
    });
    BOOST_TEST(updated == 1796079600);  // 2026-12-01T00:00 in Stockholm
    BOOST_TEST(name == "Samråd");
}

// ---- the directory's pages ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(contact_details_show_to_everyone_only_when_public_and_always_to_their_own) {
    fixture f;
    app::organisation_input in;
    in.contact_email = std::optional<std::string>("kansli@example.se");
    in.contact_public = false;
    app::update_organisation(f.ctx, f.admin, f.organisation, in);
    BOOST_TEST(!app::find_organisation(f.ctx, {}, f.organisation).shows_contact);
    BOOST_TEST(app::find_organisation(f.ctx, f.organiser, f.organisation).shows_contact);
    BOOST_TEST(!app::organisation_scope_of(f.ctx, "foreningen-ett", {}).organisation.shows_contact);
    BOOST_TEST(!app::organisation_scope_of(f.ctx, "foreningen-ett", {}).organisation.organisation.contact_email);
    in.contact_public = true;
    app::update_organisation(f.ctx, f.admin, f.organisation, in);
    BOOST_TEST(app::find_organisation(f.ctx, {}, f.organisation).shows_contact);
    auto scope = app::organisation_scope_of(f.ctx, "foreningen-ett", {});
    BOOST_TEST(scope.organisation.shows_contact);
    BOOST_TEST(scope.organisation.organisation.contact_email.value_or("") == "kansli@example.se");
}

BOOST_AUTO_TEST_CASE(a_scope_reads_its_thing_and_its_meetings_in_one_snapshot_without_private_contacts) {
    fixture f;
    app::organisation_input secret;
    secret.contact_email = std::optional<std::string>("hemlig@example.se");
    app::update_organisation(f.ctx, f.admin, f.other_organisation, secret);  // not public
    app::network_input n;
    n.name = "Nätverket för integration";
    n.kind = "interest_network";
    n.organisation_ids = std::vector<db::id_t>{f.other_organisation, f.organisation};
    auto network = app::create_network(f.ctx, f.admin, n);
    app::venue_input v;
    v.name = "Kulturhuset, Lilla salen";
    v.organisation_id = f.organisation;
    auto venue = app::create_venue(f.ctx, f.admin, v);
    auto in = f.meeting();
    in.title = "I nätverket";
    in.network_ids = std::vector<db::id_t>{network.id};
    in.venue_id = venue.id;
    app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse);
    auto elsewhere = f.meeting("2026-12-11T18:00", "2026-12-11T20:00");
    elsewhere.title = "Utanför";
    app::create_meeting(f.ctx, f.organiser, elsewhere, db::venue_overlap::refuse);
    auto draft = f.meeting("2026-12-12T18:00", "2026-12-12T20:00");
    draft.status = "draft";
    draft.venue_id = venue.id;
    app::create_meeting(f.ctx, f.organiser, draft, db::venue_overlap::refuse);

    app::meeting_query q;
    q.statuses = {db::meeting_status::published, db::meeting_status::cancelled};
    auto before = db::testing::transactions_started();
    auto scope = app::network_scope_of(f.ctx, network.slug, q);
    BOOST_TEST(db::testing::transactions_started() - before == 1u);
    BOOST_TEST(scope.network.name == "Nätverket för integration");
    BOOST_TEST_REQUIRE(scope.owners.size() == 2u);
    BOOST_TEST(scope.owners[0].name == "Föreningen Ett");  // Swedish order
    BOOST_TEST(!scope.owners[1].contact_email);            // not public: gone from what the page gets
    BOOST_TEST_REQUIRE(scope.meetings.page.items.size() == 1u);
    BOOST_TEST(scope.meetings.page.items[0].title == "I nätverket");
    BOOST_TEST(!scope.meetings.around.organisations.at(f.other_organisation).contact_email);

    auto at_venue = app::venue_scope_of(f.ctx, venue.slug, {});  // drafts never, whatever the query
    BOOST_TEST_REQUIRE(at_venue.meetings.page.items.size() == 1u);
    BOOST_TEST(at_venue.owner->name == "Föreningen Ett");

    auto organiser = app::organisation_scope_of(f.ctx, "foreningen-ett", q);
    BOOST_TEST(organiser.meetings.page.items.size() == 2u);
    BOOST_TEST_REQUIRE(organiser.networks.size() == 1u);
    BOOST_TEST_REQUIRE(organiser.venues.size() == 1u);
    BOOST_TEST(organiser.venues[0].id == venue.id);

    for (auto read : std::vector<std::function<void()>>{[&] { app::network_scope_of(f.ctx, "finns-inte", q); },
                                                          [&] { app::organisation_scope_of(f.ctx, "finns-inte", q); },
                                                          [&] { app::venue_scope_of(f.ctx, std::to_string(venue.id), q); }}) {
        auto e = error_of(read);
        BOOST_TEST((e.kind == app::error_kind::not_found));
    }
}

// ---- import ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(import_is_all_or_nothing_and_refuses_an_empty_calendar_and_series_uids) {
    fixture f;
    app::import_request r;
    r.organisation = std::to_string(f.organisation);
    r.calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nEND:VCALENDAR\r\n";
    auto e = error_of([&] { app::import_calendar(f.ctx, f.organiser, r); });
    BOOST_TEST((e.kind == app::error_kind::validation));
    app::series_input s;
    static_cast<app::meeting_input&>(s) = f.meeting();
    s.rrule = "FREQ=WEEKLY;COUNT=3";
    auto series = app::create_series(f.ctx, f.organiser, s, db::venue_overlap::refuse);
    auto event = [](const std::string& uid, const std::string& start) {
        return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:" + start +
               "\r\nDTEND:" + start.substr(0, 9) + "2" + start.substr(10) + "\r\nSUMMARY:Importerat\r\nEND:VEVENT\r\n";
    };
    r.calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n" + event("new-1@x", "20261220T100000Z") +
                 event(series.uid, "20261221T100000Z") + "END:VCALENDAR\r\n";
    const auto meetings_before = kal::test::count_rows(f.url, "meetings");
    e = error_of([&] { app::import_calendar(f.ctx, f.organiser, r); });
    BOOST_TEST(names_field(e, "UID " + series.uid));
    BOOST_TEST(kal::test::count_rows(f.url, "meetings") == meetings_before);
    r.calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n" + event("new-1@x", "20261220T100000Z") +
                 event("new-2@x", "20261221T100000Z") + "END:VCALENDAR\r\n";
    auto imported = app::import_calendar(f.ctx, f.organiser, r);
    BOOST_TEST(imported.items.size() == 2u);
    BOOST_TEST(kal::test::count_rows(f.url, "meetings") == meetings_before + 2);
}

// ---- pieces ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(dates_read_as_swedish_and_english_public_sites_write_them) {
    db::meeting_fields m;
    m.start_local = "2026-12-03T18:00:00";
    m.end_local = "2026-12-03T20:00:00";
    BOOST_TEST(app::when_text(m, db::language::sv) == "torsdag 3 december 2026, kl. 18.00–20.00");
    BOOST_TEST(app::when_text(m, db::language::en) == "Thursday 3 December 2026, 18:00–20:00");
    m.all_day = true;
    m.start_local = "2026-11-26";
    m.end_local = "2026-11-28";
    BOOST_TEST(app::when_text(m, db::language::sv) == "torsdag 26 november 2026 – fredag 27 november 2026");
    BOOST_TEST(app::moment_text("2026-11-26T23:59:00", db::language::sv) == "torsdag 26 november 2026, kl. 23.59");
    BOOST_TEST(app::moment_text("2026-11-26T23:59:00", db::language::en) == "Thursday 26 November 2026, 23:59");
}

BOOST_AUTO_TEST_CASE(a_month_heading_names_the_month_with_a_capital) {
    BOOST_TEST(app::month_heading("2026-12", db::language::sv) == "December 2026");
    BOOST_TEST(app::month_heading("2027-01", db::language::en) == "January 2027");
    BOOST_TEST(app::month_text("2027-01", db::language::sv) == "januari 2027");
}

// ---- Swedish order (the web pages' selects and lists) ----------------------------------------

BOOST_AUTO_TEST_CASE(names_sort_the_swedish_way_with_a_ring_a_umlaut_o_umlaut_after_z) {
    std::vector<std::string> names = {"Örebro", "Ängen", "Åby", "Zeta", "Ale", "ärlig", "Öst", "Ödla", "zebra", "Borås"};
    std::sort(names.begin(), names.end(), app::swedish_less);
    const std::vector<std::string> expected = {"Ale",   "Borås", "zebra", "Zeta", "Åby",
                                               "Ängen", "ärlig", "Ödla",  "Örebro", "Öst"};
    BOOST_TEST(names == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(accents_swedish_does_not_sort_by_fall_on_their_base_letter) {
    // é as e (Café before Cafeteria would be wrong: the letters decide first), ü as y, æ as ä, ø as ö
    BOOST_TEST(app::swedish_less("Café Norrby", "Cafeteria"));
    BOOST_TEST(app::swedish_less("Cafe", "Café"));  // equal letters: the plain one first
    BOOST_TEST(app::swedish_less("Müller", "Mz"));   // ü as y: after x, before z
    BOOST_TEST(app::swedish_less("Mx", "Müller"));
    BOOST_TEST(app::swedish_less("Åkesson", "Ærø"));  // æ as ä, after å
    BOOST_TEST(app::swedish_less("Ærø", "Ørsted"));   // ø as ö
    BOOST_TEST(app::swedish_less("Łódź", "Lz"));
}

BOOST_AUTO_TEST_CASE(swedish_order_ignores_case_first_then_puts_lower_before_upper) {
    BOOST_TEST(app::swedish_less("alfa", "Beta"));  // bytes would put B first
    BOOST_TEST(app::swedish_less("borås", "Borås"));
    BOOST_TEST(!app::swedish_less("Borås", "borås"));
    BOOST_TEST(app::swedish_less("2 Nätverk", "Alfa"));  // digits before letters
    BOOST_TEST(app::swedish_less("Ale kommun", "Alekommun"));  // a space before letters
    BOOST_TEST(!app::swedish_less("Same", "Same"));  // irreflexive
    BOOST_TEST(app::swedish_less("\xff", "\xfe\xff") != app::swedish_less("\xfe\xff", "\xff"));  // malformed: still total
}

BOOST_AUTO_TEST_CASE(directory_choices_come_in_swedish_order) {
    fixture f;
    for (const char* name : {"Ölands vänner", "Ängsblomman", "Åsa IF", "Zonta", "akademi Borås"}) {
        app::organisation_input o;
        o.name = name;
        app::create_organisation(f.ctx, f.admin, o);
    }
    std::vector<std::string> names;
    for (const auto& o : app::directory_choices_of(f.ctx).organisations) names.push_back(o.name);
    const std::vector<std::string> expected = {"akademi Borås",  "Föreningen Ett", "Föreningen Två", "Zonta",
                                               "Åsa IF",         "Ängsblomman",    "Ölands vänner"};
    BOOST_TEST(names == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(both_languages_hold_the_same_texts) {
    BOOST_TEST(app::check_texts().empty());
    BOOST_TEST(app::label(db::meeting_type::fro, db::language::sv) == "FRÖ-möte");
    BOOST_TEST(app::plural_label(db::meeting_type::conference, db::language::sv) == "Kunskapskonferenser");
}

BOOST_AUTO_TEST_CASE(the_rate_limiter_refills_over_time_per_key) {
    app::rate_limiter limit(2);
    auto t = app::rate_limiter::clock::now();
    BOOST_TEST(!limit.take("a", t));
    BOOST_TEST(!limit.take("a", t));
    auto wait = limit.take("a", t);
    BOOST_TEST_REQUIRE(wait.has_value());
    BOOST_TEST(*wait == 30);
    BOOST_TEST(!limit.take("b", t));  // another address has its own bucket
    BOOST_TEST(!limit.take("a", t + std::chrono::seconds(30)));
    BOOST_TEST(!app::rate_limiter(0).take("a", t).has_value());  // 0 = unlimited
}

BOOST_AUTO_TEST_CASE(secrets_have_their_kind_and_strength) {
    auto s = app::new_secret(app::secret_kind::sign_up_link);
    BOOST_TEST(s.size() == 48u);
    BOOST_TEST(app::is_secret(s, app::secret_kind::sign_up_link));
    BOOST_TEST(!app::is_secret(s, app::secret_kind::private_feed));
    BOOST_TEST(app::new_secret(app::secret_kind::sign_up_link) != s);
    BOOST_TEST(app::hash_secret(s).size() == 64u);
    BOOST_TEST(app::hash_secret(s) != s);
}

// ---- the organisers' series form (org-core, issue 12): a repetition in words -----------------

BOOST_AUTO_TEST_CASE(a_repetition_in_words_makes_its_rule_and_its_first_date) {
    using kal::service::app::repetition_of;
    auto rule = [](const char* repeat, const char* weekday, const char* from, const char* until, const char* count) {
        kal::service::app::field_errors errors;
        auto r = repetition_of({repeat, weekday, from, until, count}, errors);
        BOOST_TEST_REQUIRE(errors.empty(), (errors.empty() ? "" : errors.list().front().field));
        return r;
    };
    // 2 December 2026 is a Wednesday: the first Tuesday on or after it is 8 December.
    auto weekly = rule("weekly", "TU", "2026-12-02", "", "6");
    BOOST_TEST(weekly.first_date == "2026-12-08");
    BOOST_TEST(weekly.rrule == "FREQ=WEEKLY;BYDAY=TU;COUNT=6");
    auto other = rule("every_other_week", "WE", "2026-12-02", "2027-02-28", "");
    BOOST_TEST(other.first_date == "2026-12-02");
    BOOST_TEST(other.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=20270228T235959Z");
    // The first Tuesday of December 2026 is the 1st, already passed on the 2nd: January's, the 5th.
    auto monthly = rule("monthly_first", "TU", "2026-12-02", "", "10");
    BOOST_TEST(monthly.first_date == "2027-01-05");
    BOOST_TEST(monthly.rrule == "FREQ=MONTHLY;BYDAY=1TU;COUNT=10");
    BOOST_TEST(rule("monthly_first", "TU", "2026-12-01", "", "1").first_date == "2026-12-01");
    BOOST_TEST(rule("monthly_first", "SU", "2027-02-28", "", "2").first_date == "2027-03-07");

    // Each mistake names its field.
    auto fields_of = [](const char* repeat, const char* weekday, const char* from, const char* until, const char* count) {
        kal::service::app::field_errors errors;
        repetition_of({repeat, weekday, from, until, count}, errors);
        std::vector<std::string> out;
        for (const auto& e : errors.list()) out.push_back(e.field);
        return out;
    };
    BOOST_TEST(fields_of("daily", "TU", "2026-12-02", "", "3") == std::vector<std::string>{"repeat"});
    BOOST_TEST(fields_of("weekly", "XX", "2026-12-02", "", "3") == std::vector<std::string>{"weekday"});
    BOOST_TEST(fields_of("weekly", "TU", "2026-02-30", "", "3") == std::vector<std::string>{"from_date"});
    BOOST_TEST(fields_of("weekly", "TU", "2026-12-02", "", "") == std::vector<std::string>{"until"});
    BOOST_TEST(fields_of("weekly", "TU", "2026-12-02", "2027-01-01", "3") == std::vector<std::string>{"until"});
    BOOST_TEST(fields_of("weekly", "TU", "2026-12-02", "2026-12-07", "") == std::vector<std::string>{"until"});
    BOOST_TEST(fields_of("weekly", "TU", "2026-12-02", "", "0") == std::vector<std::string>{"count"});
    BOOST_TEST(fields_of("weekly", "TU", "2026-12-02", "", "201") == std::vector<std::string>{"count"});
}
