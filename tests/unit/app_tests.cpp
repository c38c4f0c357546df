// The use cases of service/app as plain functions: no sockets, no JSON, a real database
// (SQLite, or PostgreSQL with KAL_TEST_DB=postgresql) and a clock the test sets.
#define BOOST_TEST_MODULE app_use_cases
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "kal/db/database.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/outbox.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/db/testing.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/attendance.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/delivery.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/import.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/app/rate_limit.hpp"
#include "kal/service/app/render_cache.hpp"
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
