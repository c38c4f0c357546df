// The door (issue 12, item 7) as use cases: the check-in link of a confirmation and who it opens
// for, the same person checked in from two phones at once, the door's search. Real SQLite, or
// PostgreSQL with KAL_TEST_DB=postgresql.
#define BOOST_TEST_MODULE door_use_cases
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <barrier>
#include <thread>

#include "kal/db/attendance.hpp"
#include "kal/db/outbox.hpp"
#include "kal/service/app/attendance.hpp"
#include "kal/service/app/change_log.hpp"
#include "kal/service/app/delivery.hpp"
#include "kal/service/app/door.hpp"
#include "app_fixture.hpp"
#include "test_db.hpp"

using namespace kal::app_test;

namespace {

struct door_fixture : fixture {
    db::id_t meeting = 0;
    app::credentials other;  // an organiser of the other organisation

    door_fixture() {
        meeting = app::create_meeting(ctx, organiser, this->fixture::meeting(), db::venue_overlap::refuse).id;
        other.bearer_token =
            app::issue_api_token(database, now, db::token_role::organiser, "other", other_organisation).first;
    }

    int clients = 0;  // each sign-up from an address of its own, below the rate limit
    db::rsvp sign(const std::string& name, const std::string& email) {
        const auto client = "198.51.100." + std::to_string(++clients);
        return app::sign_up(ctx, app::credentials{}, meeting, person(name, email), client).stored;
    }

    // The link secret of the confirmation of sign-up `id`, as it waits in the outbox.
    std::string link_secret_of(db::id_t id) {
        for (const auto& m : outbox(meeting))
            if (m.rsvp_id == id && m.kind == db::message_kind::confirmed) return m.link_token;
        BOOST_FAIL("no confirmation for the sign-up");
        return {};
    }
};

app::error_kind kind_of(const app::error& e) { return e.kind; }

}  // namespace

BOOST_AUTO_TEST_CASE(a_confirmation_carries_a_check_in_link_derived_from_its_secret_and_kept_only_hashed) {
    door_fixture f;
    auto r = f.sign("Åsa Öberg", "asa@example.se");
    const auto link_secret = f.link_secret_of(r.id);
    const auto secret = app::check_in_secret_of(link_secret);
    BOOST_TEST(app::is_secret(secret, app::secret_kind::check_in_link));
    BOOST_TEST(secret != link_secret);
    BOOST_TEST(app::check_in_secret_of(link_secret) == secret);  // derived, not random
    // Only the hash is stored: the secret is in no column of any table.
    const auto everything = kal::test::dump_all_text(f.url);
    BOOST_TEST(everything.find(secret) == std::string::npos);
    BOOST_TEST(everything.find(app::hash_secret(secret)) != std::string::npos);

    // The message that goes out carries the link (for its QR code), a waitlist note does not.
    auto claimed = app::claim_messages(f.ctx, "worker-1");
    BOOST_REQUIRE(claimed.size() == 1u);
    auto content = app::content_of(f.ctx, claimed[0]);
    BOOST_REQUIRE(content);
    BOOST_TEST(content->check_in_url == f.settings.server.public_base_url + "/incheckning/" + secret);

    auto in = f.fixture::meeting("2026-12-11T18:00", "2026-12-11T20:00");
    in.capacity = 1;
    auto small = app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse).id;
    app::sign_up(f.ctx, {}, small, f.person("A", "a@example.se"), "192.0.2.2");
    app::sign_up(f.ctx, {}, small, f.person("B", "b@example.se"), "192.0.2.3");
    for (const auto& msg : app::claim_messages(f.ctx, "worker-1")) {
        auto c = app::content_of(f.ctx, msg);
        BOOST_REQUIRE(c);
        BOOST_TEST(c->check_in_url.empty() == (msg.kind == db::message_kind::waitlisted));
    }
}

BOOST_AUTO_TEST_CASE(a_check_in_link_opens_only_for_an_organiser_of_the_meeting_and_checks_in_once) {
    door_fixture f;
    auto r = f.sign("Åsa Öberg", "asa@example.se");
    const auto link_secret = f.link_secret_of(r.id);
    const auto secret = app::check_in_secret_of(link_secret);

    BOOST_TEST((kind_of(error_of([&] { app::check_in_link_of(f.ctx, {}, secret); })) ==
                app::error_kind::unauthenticated));
    BOOST_TEST((kind_of(error_of([&] { app::check_in_by_link(f.ctx, f.other, secret); })) ==
                app::error_kind::forbidden));
    // The manage link is no check-in link, nor is a malformed or unknown one: all alike.
    for (const auto& wrong : {link_secret, std::string("kalc_x"), app::new_secret(app::secret_kind::check_in_link)})
        BOOST_TEST((kind_of(error_of([&] { app::check_in_by_link(f.ctx, f.organiser, wrong); })) ==
                    app::error_kind::not_found));
    BOOST_TEST(kal::test::count_rows(f.url, "checkins") == 0);

    auto shown = app::check_in_link_of(f.ctx, f.organiser, secret);
    BOOST_TEST(shown.entry.rsvp.id == r.id);
    BOOST_TEST(shown.entry.rsvp.name == "Åsa Öberg");
    BOOST_TEST(!shown.entry.checkin);
    auto first = app::check_in_by_link(f.ctx, f.organiser, secret);
    BOOST_TEST(first.created);
    auto again = app::check_in_by_link(f.ctx, f.admin, secret);
    BOOST_TEST(!again.created);
    BOOST_TEST(again.stored.id == first.stored.id);
    BOOST_TEST(app::check_in_link_of(f.ctx, f.organiser, secret).entry.checkin->id == first.stored.id);
}

BOOST_AUTO_TEST_CASE(two_phones_checking_in_the_same_person_at_once_make_one_check_in) {
    door_fixture f;
    for (int round = 0; round < 5; ++round) {
        auto r = f.sign("Person " + std::to_string(round), "p" + std::to_string(round) + "@example.se");
        const auto secret = app::check_in_secret_of(f.link_secret_of(r.id));
        // Eight phones at once: half by the QR link, half by ticking the list.
        constexpr int phones = 8;
        std::barrier start(phones);
        std::atomic<int> created{0}, failed{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < phones; ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                try {
                    db::check_in_result res;
                    if (i % 2 == 0) {
                        res = app::check_in_by_link(f.ctx, f.organiser, secret);
                    } else {
                        app::check_in_input in;
                        in.rsvp_id = r.id;
                        res = app::check_in(f.ctx, f.organiser, f.meeting, in);
                    }
                    if (res.created) ++created;
                } catch (...) {
                    ++failed;
                }
            });
        for (auto& t : threads) t.join();
        BOOST_TEST(failed.load() == 0);
        BOOST_TEST(created.load() == 1);
    }
    BOOST_TEST(kal::test::count_rows(f.url, "checkins") == 5);
    auto door = app::door_of(f.ctx, f.organiser, f.meeting, "");
    BOOST_TEST(door.counts.checked_in.entries == 5);
}

BOOST_AUTO_TEST_CASE(the_door_searches_names_and_organisations_in_any_case_and_counts_the_whole_meeting) {
    door_fixture f;
    f.sign("Åsa Öberg", "asa@example.se");
    auto in = f.person("Bertil Ek", "bertil@example.se");
    in.organisation_name = "Ängens IF";
    app::sign_up(f.ctx, {}, f.meeting, in, "192.0.2.9");
    f.sign("Cecilia Ås", "cecilia@example.se");
    app::check_in_input walk_in;
    walk_in.name = "Dörte Walker";
    walk_in.organisation_name = "Öppna rummet";
    app::check_in(f.ctx, f.organiser, f.meeting, walk_in);

    auto all = app::door_of(f.ctx, f.organiser, f.meeting, "");
    BOOST_TEST(all.sign_ups.size() == 3u);
    BOOST_TEST(all.walk_ins.size() == 1u);
    BOOST_TEST(!all.searched);

    auto by_name = app::door_of(f.ctx, f.organiser, f.meeting, "  åS ");
    BOOST_TEST(by_name.searched);
    BOOST_REQUIRE(by_name.sign_ups.size() == 2u);  // Åsa Öberg and Cecilia Ås, in Swedish order
    BOOST_TEST(by_name.sign_ups[0].rsvp.name == "Cecilia Ås");
    BOOST_TEST(by_name.sign_ups[1].rsvp.name == "Åsa Öberg");
    BOOST_TEST(by_name.walk_ins.empty());
    BOOST_TEST(by_name.counts.confirmed.entries == 3);  // the counts are of everyone

    auto by_organisation = app::door_of(f.ctx, f.organiser, f.meeting, "ÄNGENS");
    BOOST_REQUIRE(by_organisation.sign_ups.size() == 1u);
    BOOST_TEST(by_organisation.sign_ups[0].organisation == "Ängens IF");
    BOOST_TEST(app::door_of(f.ctx, f.organiser, f.meeting, "öppna").walk_ins.size() == 1u);

    BOOST_TEST((kind_of(error_of([&] { app::door_of(f.ctx, f.other, f.meeting, ""); })) ==
                app::error_kind::forbidden));
}

BOOST_AUTO_TEST_CASE(anonymisation_deletes_the_check_in_links) {
    door_fixture f;
    auto r = f.sign("Åsa Öberg", "asa@example.se");
    const auto secret = app::check_in_secret_of(f.link_secret_of(r.id));
    BOOST_TEST(kal::test::count_rows(f.url, "checkin_links") == 1);
    f.now += 400 * 86400;
    app::anonymise_old_sign_ups(f.ctx);
    BOOST_TEST(kal::test::count_rows(f.url, "checkin_links") == 0);
    BOOST_TEST((kind_of(error_of([&] { app::check_in_link_of(f.ctx, f.admin, secret); })) ==
                app::error_kind::not_found));
}

BOOST_AUTO_TEST_CASE(only_an_organiser_of_the_meeting_adds_by_hand_or_cancels_and_the_waiting_list_moves) {
    door_fixture f;
    auto in = f.fixture::meeting("2026-12-12T18:00", "2026-12-12T20:00");
    in.capacity = 1;
    const auto m = app::create_meeting(f.ctx, f.organiser, in, db::venue_overlap::refuse).id;
    auto first = app::sign_up_by_hand(f.ctx, f.organiser, m, f.person("Åsa Öberg", "asa@example.se"));
    BOOST_TEST(first.by_organiser);
    auto second = app::sign_up_by_hand(f.ctx, f.admin, m, f.person("Bo Ek", "bo@example.se"));
    BOOST_TEST((second.stored.status == db::rsvp_status::waitlisted));
    // Another organisation's organiser, or nobody, is refused rather than taken as the public.
    const auto rows = kal::test::count_rows(f.url, "rsvps");
    BOOST_TEST((kind_of(error_of([&] { app::sign_up_by_hand(f.ctx, f.other, m, f.person("C", "c@example.se")); })) ==
                app::error_kind::forbidden));
    BOOST_TEST((kind_of(error_of([&] { app::sign_up_by_hand(f.ctx, {}, m, f.person("C", "c@example.se")); })) ==
                app::error_kind::unauthenticated));
    BOOST_TEST((kind_of(error_of([&] { app::cancel_sign_up_for(f.ctx, f.other, m, first.stored.id); })) ==
                app::error_kind::forbidden));
    // A sign-up of another meeting is not this meeting's to cancel.
    auto elsewhere = f.sign("Dagny", "dagny@example.se");
    BOOST_TEST((kind_of(error_of([&] { app::cancel_sign_up_for(f.ctx, f.organiser, m, elsewhere.id); })) ==
                app::error_kind::not_found));
    BOOST_TEST(kal::test::count_rows(f.url, "rsvps") == rows + 1);

    auto cancelled = app::cancel_sign_up_for(f.ctx, f.organiser, m, first.stored.id);
    BOOST_TEST((cancelled.status == db::rsvp_status::cancelled));
    auto list = app::list_sign_ups(f.ctx, f.organiser, m, {db::rsvp_status::confirmed}, std::nullopt);
    BOOST_REQUIRE(list.size() == 1u);
    BOOST_TEST(list[0].id == second.stored.id);  // moved up into the freed seat
    bool told = false;
    for (const auto& msg : f.outbox(m)) told |= msg.kind == db::message_kind::promoted && msg.rsvp_id == second.stored.id;
    BOOST_TEST(told);
}

BOOST_AUTO_TEST_CASE(the_csv_quotes_separators_and_defuses_formulas) {
    const std::vector<std::vector<std::string>> rows = {{"id", "name"}, {"1", "=HYPERLINK(\"x\")"}, {"2", "Ek; Bo, \"Jr\""}};
    BOOST_TEST(app::csv_text(rows, ',') == "id,name\r\n1,\"'=HYPERLINK(\"\"x\"\")\"\r\n2,\"Ek; Bo, \"\"Jr\"\"\"\r\n");
    BOOST_TEST(app::csv_text(rows, ';') ==
               "\xEF\xBB\xBFid;name\r\n1;\"'=HYPERLINK(\"\"x\"\")\"\r\n2;\"Ek; Bo, \"\"Jr\"\"\"\r\n");
}

BOOST_AUTO_TEST_CASE(the_change_log_holds_a_time_change_with_before_and_after_and_no_attendee_after_anonymisation) {
    door_fixture f;
    auto by_hand = app::sign_up_by_hand(f.ctx, f.organiser, f.meeting, f.person("Åsa Öberg", "asa@example.se"));
    app::meeting_input change;
    change.start = "2026-12-10T19:00";
    change.end = "2026-12-10T21:00";
    app::update_meeting(f.ctx, f.organiser, f.meeting, change, db::venue_overlap::refuse);
    app::cancel_sign_up_for(f.ctx, f.admin, f.meeting, by_hand.stored.id);

    auto log = app::change_log_of(f.ctx, f.organiser, f.meeting);
    bool start = false, end = false, created = false, cancelled = false;
    for (const auto& e : log) {
        if (e.subject == "meeting" && e.field == "start") {
            start = e.before == "2026-12-10T18:00:00" && e.after == "2026-12-10T19:00:00" && e.action == "changed";
            BOOST_TEST(e.api_token_id.has_value());  // who: the organiser's token
        }
        if (e.subject == "meeting" && e.field == "end") end = e.before == "2026-12-10T20:00:00";
        if (e.subject == "meeting" && e.action == "created") created = true;
        if (e.subject == "sign_up" && e.action == "cancelled") {
            cancelled = e.before == "confirmed" && e.after == "cancelled" && e.sign_up_name == "Åsa Öberg";
        }
    }
    BOOST_TEST(start);
    BOOST_TEST(end);
    BOOST_TEST(created);
    BOOST_TEST(cancelled);
    BOOST_TEST(log.front().id > log.back().id);  // newest first
    BOOST_TEST((kind_of(error_of([&] { app::change_log_of(f.ctx, f.other, f.meeting); })) == app::error_kind::forbidden));

    // Anonymised: nothing of the attendee anywhere in the log (nor in the database).
    f.now += 400 * 86400;
    app::anonymise_old_sign_ups(f.ctx);
    const auto everything = kal::test::dump_all_text(f.url);
    for (const auto* trace : {"Åsa", "asa@example.se"}) BOOST_TEST(everything.find(trace) == std::string::npos, trace);
    for (const auto& e : app::change_log_of(f.ctx, f.admin, f.meeting))
        if (e.subject == "sign_up") BOOST_TEST(e.sign_up_name.empty());
}
