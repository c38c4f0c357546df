// Sign-ups, quotas and the waitlist.

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(rsvps_repository)

BOOST_AUTO_TEST_CASE(sign_ups_never_exceed_capacity_under_500_concurrent_requests) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 50);
    auto counter = f.db->change_counter();
    std::atomic<int> failures{0};
    run_concurrently(32, 500, [&](int i) {
        try {
            sign(*f.db, m, "person" + std::to_string(i) + "@example.se");
        } catch (const std::exception& e) {
            ++failures;
            BOOST_TEST_MESSAGE(e.what());
        }
    });
    BOOST_TEST(failures.load() == 0);
    auto confirmed = with_status(*f.db, m, rsvp_status::confirmed);
    auto waitlisted = with_status(*f.db, m, rsvp_status::waitlisted);
    BOOST_TEST(confirmed.size() == 50u);
    BOOST_TEST(people(confirmed) == 50);
    BOOST_TEST(waitlisted.size() == 450u);
    BOOST_TEST(positions(waitlisted) == one_to(450), boost::test_tools::per_element());
    // Nobody waits who signed up before someone confirmed.
    BOOST_TEST(confirmed.back().id < waitlisted.front().id);
    BOOST_TEST(f.db->change_counter() == counter);  // sign-ups are not feed content
    BOOST_TEST(meetings_counted_wrong(f.url) == 0);
}

BOOST_AUTO_TEST_CASE(cancellations_racing_new_sign_ups_promote_the_head_of_the_waitlist) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 50);
    for (int i = 0; i < 150; ++i) sign(*f.db, m, "early" + std::to_string(i) + "@example.se");
    auto confirmed_before = ids_of(with_status(*f.db, m, rsvp_status::confirmed));
    auto waitlisted_before = ids_of(with_status(*f.db, m, rsvp_status::waitlisted));
    BOOST_REQUIRE(confirmed_before.size() == 50u);
    BOOST_REQUIRE(waitlisted_before.size() == 100u);

    std::mutex mutex;
    std::vector<db_id> promoted;
    std::atomic<int> failures{0};
    // 225 jobs: every ninth cancels one of the first 25 confirmed, the others sign up anew.
    run_concurrently(32, 225, [&](int i) {
        try {
            if (i % 9 == 0) {
                auto result = f.db->cancel_rsvp(confirmed_before[i / 9]);
                BOOST_TEST(result.cancelled.status == rsvp_status::cancelled);
                BOOST_TEST(result.changed);
                for (const auto& p : result.promoted) BOOST_TEST(p.status == rsvp_status::confirmed);
                std::lock_guard lock(mutex);
                for (const auto& p : result.promoted) promoted.push_back(p.id);
            } else {
                auto r = sign(*f.db, m, "late" + std::to_string(i) + "@example.se");
                BOOST_TEST(r.stored.status == rsvp_status::waitlisted);  // the waitlist was never empty
            }
        } catch (const std::exception& e) {
            ++failures;
            BOOST_TEST_MESSAGE(e.what());
        }
    });
    BOOST_TEST(failures.load() == 0);
    std::sort(promoted.begin(), promoted.end());
    std::vector<db_id> head(waitlisted_before.begin(), waitlisted_before.begin() + 25);
    BOOST_TEST(promoted == head, boost::test_tools::per_element());

    auto confirmed = with_status(*f.db, m, rsvp_status::confirmed);
    BOOST_TEST(confirmed.size() == 50u);
    std::vector<db_id> expected(confirmed_before.begin() + 25, confirmed_before.end());
    expected.insert(expected.end(), head.begin(), head.end());
    BOOST_TEST(ids_of(confirmed) == expected, boost::test_tools::per_element());
    auto waitlisted = with_status(*f.db, m, rsvp_status::waitlisted);
    BOOST_TEST(waitlisted.size() == 75u + 200u);
    BOOST_TEST(positions(waitlisted) == one_to(275), boost::test_tools::per_element());
    BOOST_TEST(waitlisted.front().id == waitlisted_before[25]);
    BOOST_TEST(meetings_counted_wrong(f.url) == 0);
}

BOOST_AUTO_TEST_CASE(the_same_email_twenty_times_at_once_makes_one_sign_up) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 10);
    std::barrier start(20);
    std::atomic<int> created{0}, failures{0};
    std::mutex mutex;
    std::set<db_id> ids;
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                auto r = sign(*f.db, m, i % 2 ? "Anna.Berg@Example.SE" : "anna.berg@example.se");
                if (r.created) ++created;
                std::lock_guard lock(mutex);
                ids.insert(r.stored.id);
            } catch (const std::exception& e) {
                ++failures;
                BOOST_TEST_MESSAGE(e.what());
            }
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(created.load() == 1);
    BOOST_TEST(ids.size() == 1u);
    BOOST_TEST(count_rows(f.url, "rsvps") == 1);
    // Once cancelled, the address may sign up again: a new sign-up.
    f.db->cancel_rsvp(*ids.begin());
    auto again = sign(*f.db, m, "ANNA.berg@example.se");
    BOOST_TEST(again.created);
    BOOST_TEST(again.stored.id != *ids.begin());
}

BOOST_AUTO_TEST_CASE(sign_ups_are_refused_for_drafts_cancelled_started_late_and_full_quotas) {
    fresh_store f;
    auto o = f.org();
    auto draft = f.db->create_meeting(at(o, t0, t0 + hour, {}, meeting_status::draft), venue_overlap::refuse).id;
    expect_refusal([&] { sign(*f.db, draft, "a@example.se"); }, sign_up_refusal::draft);

    auto cancelled = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse).id;
    f.db->cancel_meeting(cancelled);
    expect_refusal([&] { sign(*f.db, cancelled, "a@example.se"); }, sign_up_refusal::cancelled);

    auto open = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse).id;
    f.db->now = t0;  // the start
    expect_refusal([&] { f.db->sign_up(person(open, "a@example.se"), fresh_token_hash()); }, sign_up_refusal::started);
    f.db->now = before_start;

    auto late = at(o, t0, t0 + hour);
    late.registration_deadline_utc = before_start - hour;
    auto with_deadline = f.db->create_meeting(late, venue_overlap::refuse).id;
    expect_refusal([&] { sign(*f.db, with_deadline, "a@example.se"); }, sign_up_refusal::deadline_passed);
    // An organiser adds someone by hand past the deadline; draft, cancelled and started stay refused.
    BOOST_TEST(
        f.db->sign_up(person(with_deadline, "hand@example.se"), fresh_token_hash(), signed_up_by::organiser).created);
    expect_refusal([&] { f.db->sign_up(person(draft, "hand@example.se"), fresh_token_hash(), signed_up_by::organiser); },
                   sign_up_refusal::draft);
    f.db->now = before_start - hour;  // exactly at the deadline: still open
    BOOST_TEST(f.db->sign_up(person(with_deadline, "a@example.se"), fresh_token_hash()).created);
    f.db->now = before_start;

    // Two delegates per association, waitlisted ones counted too.
    auto stormote = meeting_with_capacity(f, 2);
    auto association = f.org("Föreningen Ängsbacken");
    BOOST_TEST(!f.db->meeting_quota(stormote));
    f.db->set_meeting_quota(stormote, 2);
    BOOST_TEST(*f.db->meeting_quota(stormote) == 2);
    sign(*f.db, stormote, "ordf@example.se", 1, association);
    sign(*f.db, stormote, "other@example.se", 2);  // no organisation: no quota, fills the room
    BOOST_TEST(sign(*f.db, stormote, "sekr@example.se", 1, association).stored.status == rsvp_status::waitlisted);
    expect_refusal([&] { sign(*f.db, stormote, "kassor@example.se", 1, association); }, sign_up_refusal::quota_full);
    BOOST_TEST(sign(*f.db, stormote, "free@example.se", 5).created);  // without organisation: ignores it
    BOOST_TEST(f.db->list_rsvps(stormote, {}, association).size() == 2u);
    f.db->set_meeting_quota(stormote, std::nullopt);
    BOOST_TEST(!f.db->meeting_quota(stormote));
    BOOST_TEST(sign(*f.db, stormote, "kassor@example.se", 1, association).created);
    BOOST_CHECK_THROW(f.db->set_meeting_quota(stormote + 1000, 2), not_found);

    BOOST_CHECK_THROW(sign(*f.db, open + 1000, "a@example.se"), not_found);
    try {
        sign(*f.db, open, "a@example.se", 1, association + 1000);
        BOOST_ERROR("an unknown organisation was accepted");
    } catch (const invalid_reference& e) {
        BOOST_TEST(e.field == "organisation");
    }
    BOOST_TEST(f.db->list_rsvps(open, {}, std::nullopt).empty());
}

BOOST_AUTO_TEST_CASE(a_party_at_the_head_of_the_waitlist_that_does_not_fit_blocks_those_behind_it) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 5);
    auto a = sign(*f.db, m, "a@example.se", 2).stored;
    auto a2 = sign(*f.db, m, "a2@example.se", 1).stored;
    auto b = sign(*f.db, m, "b@example.se", 3).stored;  // 2 free seats: waits
    auto c = sign(*f.db, m, "c@example.se", 1).stored;  // would fit, but b waits first
    BOOST_TEST(a.status == rsvp_status::confirmed);
    BOOST_TEST(a2.status == rsvp_status::confirmed);
    BOOST_TEST(b.status == rsvp_status::waitlisted);
    BOOST_TEST(*b.waitlist_position == 1);
    BOOST_TEST(c.status == rsvp_status::waitlisted);
    BOOST_TEST(*c.waitlist_position == 2);
    BOOST_TEST(f.db->promote_waitlist(m).empty());

    // One more seat: b's party fits (3 of 3), then c is checked and does not.
    auto first = f.db->cancel_rsvp(a2.id);
    BOOST_TEST(first.cancelled.cancelled_at.has_value());
    BOOST_TEST(ids_of(first.promoted) == (std::vector<db_id>{b.id}), boost::test_tools::per_element());
    BOOST_TEST(f.db->find_rsvp(b.id)->status == rsvp_status::confirmed);
    BOOST_TEST(!f.db->find_rsvp(b.id)->waitlist_position);
    BOOST_TEST(*f.db->find_rsvp(c.id)->waitlist_position == 1);
    auto repeated = f.db->cancel_rsvp(a2.id);  // idempotent
    BOOST_TEST(repeated.promoted.empty());
    BOOST_TEST(!repeated.changed);
    BOOST_TEST(*repeated.cancelled.cancelled_at == *first.cancelled.cancelled_at);

    auto next = f.db->cancel_rsvp(a.id).promoted;
    BOOST_TEST(ids_of(next) == (std::vector<db_id>{c.id}), boost::test_tools::per_element());

    // Enough seats for the head and the one behind it: both, in order.
    auto n = meeting_with_capacity(f, 5);
    auto x = sign(*f.db, n, "x@example.se", 2).stored;
    sign(*f.db, n, "y@example.se", 1);
    auto p = sign(*f.db, n, "p@example.se", 3).stored;
    auto q = sign(*f.db, n, "q@example.se", 1).stored;
    BOOST_TEST(ids_of(f.db->cancel_rsvp(x.id).promoted) == (std::vector<db_id>{p.id, q.id}),
               boost::test_tools::per_element());
    BOOST_TEST(people(with_status(*f.db, n, rsvp_status::confirmed)) == 5);
}

BOOST_AUTO_TEST_CASE(capacity_changes_promote_in_the_same_call_and_never_evict) {
    fresh_store f;
    auto id = meeting_with_capacity(f, 3);
    std::vector<db_id> all;
    for (int i = 0; i < 6; ++i) all.push_back(sign(*f.db, id, "p" + std::to_string(i) + "@example.se").stored.id);
    auto m = *f.db->find_meeting(id);

    m.capacity = 1;  // below the three confirmed: nobody is moved
    BOOST_TEST(f.db->update_meeting(m, venue_overlap::refuse).promoted.empty());
    BOOST_TEST(ids_of(with_status(*f.db, id, rsvp_status::confirmed)) == (std::vector<db_id>{all[0], all[1], all[2]}),
               boost::test_tools::per_element());
    BOOST_TEST(with_status(*f.db, id, rsvp_status::waitlisted).size() == 3u);
    BOOST_TEST(f.db->promote_waitlist(id).empty());

    m.capacity = 5;
    auto raised = f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(ids_of(raised.promoted) == (std::vector<db_id>{all[3], all[4]}), boost::test_tools::per_element());
    BOOST_TEST(ids_of(with_status(*f.db, id, rsvp_status::confirmed)) ==
                   (std::vector<db_id>{all[0], all[1], all[2], all[3], all[4]}),
               boost::test_tools::per_element());
    auto rest = with_status(*f.db, id, rsvp_status::waitlisted);
    BOOST_REQUIRE(rest.size() == 1u);
    BOOST_TEST(*rest[0].waitlist_position == 1);

    m.capacity = std::nullopt;  // unlimited: everyone
    f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(with_status(*f.db, id, rsvp_status::confirmed).size() == 6u);
    BOOST_TEST(with_status(*f.db, id, rsvp_status::waitlisted).empty());
    BOOST_TEST(sign(*f.db, id, "late@example.se", 40).stored.status == rsvp_status::confirmed);
}

BOOST_AUTO_TEST_CASE(a_long_waitlist_moves_up_in_order_across_the_pages_it_is_read_in) {
    // promote() reads the waitlist's head 100 at a time and stops at the first party that does not
    // fit, wherever that is.
    fresh_store f;
    auto id = meeting_with_capacity(f, 1);
    sign(*f.db, id, "first@example.se");
    std::vector<db_id> waiting;
    for (int i = 0; i < 250; ++i)
        waiting.push_back(sign(*f.db, id, "w" + std::to_string(i) + "@example.se", i == 230 ? 3 : 1).stored.id);
    auto m = *f.db->find_meeting(id);
    m.capacity = 1 + 231;  // room for the 230 before the party of 3, and one seat more
    auto raised = f.db->update_meeting(m, venue_overlap::refuse);
    std::vector<db_id> head(waiting.begin(), waiting.begin() + 230);
    BOOST_TEST(ids_of(raised.promoted) == head, boost::test_tools::per_element());
    auto rest = with_status(*f.db, id, rsvp_status::waitlisted);
    BOOST_REQUIRE(rest.size() == 20u);
    BOOST_TEST(rest.front().id == waiting[230]);  // the party of 3 blocks those behind it
    BOOST_TEST(positions(rest) == one_to(20), boost::test_tools::per_element());
    m.capacity = std::nullopt;  // unlimited: all 20, across no page boundary but the last
    BOOST_TEST(f.db->update_meeting(m, venue_overlap::refuse).promoted.size() == 20u);
    BOOST_TEST(with_status(*f.db, id, rsvp_status::waitlisted).empty());
    BOOST_TEST(meetings_counted_wrong(f.url) == 0);
}

BOOST_AUTO_TEST_CASE(raising_a_series_capacity_promotes_the_waitlists_of_its_occurrences) {
    fresh_store f;
    auto sr = template_series(f.org(), std::nullopt);
    sr.fields.capacity = 1;
    sr = f.db->create_series(sr, weekly(2), venue_overlap::refuse);
    meeting_filter all;
    all.series_id = sr.id;
    all.include_all_drafts = true;
    auto first = f.db->list_meetings(all).items.at(0).id;
    sign(*f.db, first, "a@example.se");
    auto waiting = sign(*f.db, first, "b@example.se").stored;
    BOOST_TEST(waiting.status == rsvp_status::waitlisted);
    sr.fields.capacity = 2;
    auto change = f.db->update_series(sr, weekly(2), venue_overlap::refuse);
    BOOST_TEST(f.db->find_rsvp(waiting.id)->status == rsvp_status::confirmed);
    BOOST_TEST_REQUIRE(change.updated.size() == 2u);
    BOOST_TEST(ids_of(change.updated[0].promoted) == (std::vector<db_id>{waiting.id}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_party_grows_only_into_free_seats_shrinks_to_promote_and_organisers_may_overbook) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 4);
    auto a = sign(*f.db, m, "a@example.se", 2).stored;
    sign(*f.db, m, "b@example.se", 2);
    auto c = sign(*f.db, m, "c@example.se", 1).stored;
    auto counter = f.db->change_counter();
    try {
        f.db->update_rsvp(a.id, 3, "rullstol");
        BOOST_ERROR("a party grew beyond the free seats");
    } catch (const conflict& e) {
        BOOST_TEST(e.field == "party_size");
    }
    auto kept = *f.db->find_rsvp(a.id);
    BOOST_TEST(kept.party_size == 2);
    BOOST_TEST(kept.needs.empty());
    BOOST_TEST(kept.status == rsvp_status::confirmed);

    auto shrunk = f.db->update_rsvp(a.id, 1, "rullstol");
    BOOST_TEST(shrunk.stored.party_size == 1);
    BOOST_TEST(shrunk.stored.needs == "rullstol");
    BOOST_TEST(ids_of(shrunk.promoted) == (std::vector<db_id>{c.id}), boost::test_tools::per_element());
    BOOST_TEST(f.db->find_rsvp(c.id)->status == rsvp_status::confirmed);
    BOOST_TEST(people(with_status(*f.db, m, rsvp_status::confirmed)) == 4);

    // A waitlisted party that changes size stays in its place until it fits.
    auto d = sign(*f.db, m, "d@example.se", 3).stored;
    auto e = sign(*f.db, m, "e@example.se", 1).stored;
    BOOST_TEST(f.db->update_rsvp(d.id, 2, "").stored.status == rsvp_status::waitlisted);
    BOOST_TEST(*f.db->find_rsvp(d.id)->waitlist_position == 1);
    f.db->cancel_rsvp(a.id);  // 1 free: d (2) still waits, so does e
    BOOST_TEST(f.db->find_rsvp(e.id)->status == rsvp_status::waitlisted);
    BOOST_TEST(f.db->update_rsvp(d.id, 1, "").stored.status == rsvp_status::confirmed);  // now it fits

    // The organiser overbooks by hand.
    auto forced = f.db->confirm_from_waitlist(e.id);
    BOOST_TEST(forced.stored.status == rsvp_status::confirmed);
    BOOST_TEST(forced.changed);
    BOOST_TEST(!forced.stored.waitlist_position);
    BOOST_TEST(people(with_status(*f.db, m, rsvp_status::confirmed)) == 5);
    auto again = f.db->confirm_from_waitlist(e.id);  // idempotent
    BOOST_TEST(again.stored.status == rsvp_status::confirmed);
    BOOST_TEST(!again.changed);
    BOOST_CHECK_THROW(f.db->update_rsvp(a.id, 1, ""), conflict);  // cancelled
    BOOST_CHECK_THROW(f.db->confirm_from_waitlist(a.id), conflict);
    BOOST_CHECK_THROW(f.db->update_rsvp(a.id + 1000, 1, ""), not_found);
    BOOST_TEST(f.db->change_counter() == counter);
}

BOOST_AUTO_TEST_CASE(each_meetings_kept_counts_follow_every_write_of_its_sign_ups_and_decide_the_next) {
    // Schema 0012: a sign-up decides by meeting_sign_up_counts, kept by triggers on rsvps, not by
    // counting the meeting's sign-ups. Every way a sign-up is written, moved or removed keeps them.
    fresh_store f;
    const auto wrong = [&] { return meetings_counted_wrong(f.url); };
    auto m = meeting_with_capacity(f, 3);
    auto open = meeting_with_capacity(f, std::nullopt);
    BOOST_TEST(count_rows(f.url, "meeting_sign_up_counts") == 2);
    BOOST_TEST(wrong() == 0);
    auto a = sign(*f.db, m, "a@example.se", 2).stored;
    auto b = sign(*f.db, m, "b@example.se", 1).stored;
    auto c = sign(*f.db, m, "c@example.se", 1).stored;  // waits
    auto d = sign(*f.db, m, "d@example.se", 2).stored;  // waits
    sign(*f.db, open, "a@example.se", 3);
    sign(*f.db, open, "c@example.se", 1);
    BOOST_TEST(c.status == rsvp_status::waitlisted);
    BOOST_TEST(wrong() == 0);
    f.db->update_rsvp(a.id, 1, "");  // shrinks: c moves up
    BOOST_TEST(f.db->find_rsvp(c.id)->status == rsvp_status::confirmed);
    BOOST_TEST(wrong() == 0);
    f.db->cancel_rsvp(b.id);  // d (2) does not fit the one seat
    BOOST_TEST(wrong() == 0);
    f.db->confirm_from_waitlist(d.id);  // overbooked by hand
    BOOST_TEST(wrong() == 0);
    f.db->erase_rsvp(c.id);
    BOOST_TEST(wrong() == 0);
    f.db->erase_rsvps_of("a@example.se");  // both meetings
    BOOST_TEST(wrong() == 0);
    // Written by anything else, too: the counts are the database's, not the service's.
    auto e = sign(*f.db, m, "e@example.se", 1).stored;
    kal::test::run_bound(f.url, "UPDATE rsvps SET party_size = 4 WHERE id = :value", e.id);
    kal::test::run_bound(f.url, "UPDATE rsvps SET status = 'waitlisted' WHERE id = :value", d.id);
    kal::test::run_bound(f.url, "UPDATE rsvps SET name = 'Ny' WHERE id = :value", d.id);
    BOOST_TEST(wrong() == 0);
    kal::test::run_bound(f.url, "DELETE FROM rsvps WHERE id = :value", e.id);
    BOOST_TEST(wrong() == 0);
    f.db->now = t0 + 2 * day;
    BOOST_TEST(f.db->anonymise_rsvps_before(t0 + day) > 0);
    BOOST_TEST(wrong() == 0);
    f.db->delete_meeting(open);
    BOOST_TEST(count_rows(f.url, "meeting_sign_up_counts") == 1);
    BOOST_TEST(wrong() == 0);
    // Pages read the seats from the kept counts: the same as counting the sign-ups says.
    auto seats = f.db->read([&](unit_of_work& w) { return rsvps{w}.seats_of({m, open, m + 1000}); });
    auto counted = f.db->attendance_of({m});
    BOOST_REQUIRE(seats.size() == 1u);  // the deleted and the unknown meeting are left out
    BOOST_REQUIRE(counted.size() == 1u);
    BOOST_TEST(seats[0].meeting_id == m);
    BOOST_TEST(seats[0].confirmed_people == counted[0].confirmed.people);
    BOOST_TEST(seats[0].waitlisted == counted[0].waitlisted.entries);

    // The decision reads the counts: a meeting counted full waitlists the next sign-up.
    f.db->now = before_start;
    auto later = meeting_with_capacity(f, 2);
    kal::test::run_bound(f.url, "UPDATE meeting_sign_up_counts SET confirmed_seats = 2 WHERE meeting_id = :value", later);
    BOOST_TEST(sign(*f.db, later, "f@example.se").stored.status == rsvp_status::waitlisted);
}

BOOST_AUTO_TEST_CASE(quota_counts_free_text_organisations_and_growing_parties) {
    fresh_store f;
    auto known = f.org("Föreningen Ängsbacken");
    auto m = meeting_with_capacity(f, 100);
    f.db->set_meeting_quota(m, 2);
    auto by_name = [&](const std::string& email, const std::string& org, int party = 1) {
        auto r = person(m, email, party);
        r.organisation_name = org;
        return f.db->sign_up(r, fresh_token_hash());
    };
    auto expect_quota_full = [](auto&& work) {
        try {
            work();
            BOOST_ERROR("expected the quota to be full");
        } catch (const sign_up_refused& e) {
            BOOST_TEST((e.reason == sign_up_refusal::quota_full));
        }
    };
    // The name of a known organisation, in any letter case, is that organisation.
    auto a = by_name("a@example.se", "FÖRENINGEN ängsbacken").stored;
    BOOST_TEST((a.organisation_id == std::optional<db_id>(known)));
    BOOST_TEST(a.organisation_name.empty());
    sign(*f.db, m, "b@example.se", 1, known);
    expect_quota_full([&] { by_name("c@example.se", "Föreningen Ängsbacken"); });
    expect_quota_full([&] { sign(*f.db, m, "c@example.se", 1, known); });
    // Free text that is no known organisation counts under its own name, case-insensitively.
    auto x = by_name("x@example.se", "Kvinnojouren i Sjuhärad").stored;
    BOOST_TEST(!x.organisation_id.has_value());
    BOOST_TEST(x.organisation_name == "Kvinnojouren i Sjuhärad");
    by_name("y@example.se", "kvinnojouren i sjuhärad");
    expect_quota_full([&] { by_name("z@example.se", "KVINNOJOUREN I SJUHÄRAD"); });
    BOOST_TEST(by_name("w@example.se", "Ungdomens hus", 2).created);
    // A party that grows is held to the quota too; shrinking is always allowed.
    expect_quota_full([&] { f.db->update_rsvp(a.id, 2, ""); });
    BOOST_TEST(f.db->find_rsvp(a.id)->party_size == 1);
    auto solo = by_name("s@example.se", "Ensam förening").stored;
    BOOST_TEST(f.db->update_rsvp(solo.id, 2, "").stored.party_size == 2);
    expect_quota_full([&] { f.db->update_rsvp(solo.id, 3, ""); });
    // Without an organisation there is no quota.
    for (int i = 0; i < 5; ++i) BOOST_TEST(sign(*f.db, m, "free" + std::to_string(i) + "@example.se").created);
}

BOOST_AUTO_TEST_CASE(a_sign_up_is_stamped_with_the_units_now_and_returns_the_existing_one_on_repeat) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 2);
    f.db->now = before_start + 17;
    auto first = f.db->sign_up(person(m, "Greta@example.se"), "hash-greta");
    BOOST_TEST(first.created);
    BOOST_TEST(first.stored.created_at == before_start + 17);
    BOOST_TEST(first.stored.updated_at == before_start + 17);
    BOOST_TEST(first.stored.language == db::language::sv);
    f.db->now += 60;
    auto repeat = f.db->sign_up(person(m, "greta@EXAMPLE.se"), "hash-other");
    BOOST_TEST(!repeat.created);
    BOOST_TEST(repeat.stored.id == first.stored.id);
    BOOST_TEST(repeat.stored.created_at == before_start + 17);
    BOOST_TEST(!f.db->find_rsvp_by_token_hash("hash-other"));  // the repeat's hash is not stored
    // A hash already in use is refused.
    try {
        f.db->sign_up(person(m, "other@example.se"), "hash-greta");
        BOOST_FAIL("a hash in use was accepted");
    } catch (const conflict& e) {
        BOOST_TEST(e.field == "token_hash");
    }
    auto cancelled = f.db->cancel_rsvp(first.stored.id);
    BOOST_TEST(*cancelled.cancelled.cancelled_at == f.db->now);
}

BOOST_AUTO_TEST_CASE(link_tokens_open_their_sign_up_like_its_own_token) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 2);
    auto r = f.db->sign_up(person(m, "a@example.se"), "hash-own").stored;
    f.db->write([&](unit_of_work& w) { rsvps{w}.add_link_token(r.id, "link-hash-1"); });
    f.db->write([&](unit_of_work& w) { rsvps{w}.add_link_token(r.id, "link-hash-2"); });
    BOOST_TEST(f.db->find_rsvp_by_token_hash("hash-own")->id == r.id);
    BOOST_TEST(f.db->find_rsvp_by_token_hash("link-hash-1")->id == r.id);
    BOOST_TEST(f.db->find_rsvp_by_token_hash("link-hash-2")->id == r.id);
    BOOST_TEST(!f.db->find_rsvp_by_token_hash("link-hash-3"));
    BOOST_TEST(count_rows(f.url, "rsvp_tokens") == 2);
    // A hash opens one sign-up only.
    auto other = f.db->sign_up(person(m, "b@example.se"), "hash-b").stored;
    for (const char* taken : {"link-hash-1", "hash-own"}) {
        try {
            f.db->write([&](unit_of_work& w) { rsvps{w}.add_link_token(other.id, taken); });
            BOOST_FAIL("a hash in use was added");
        } catch (const conflict& e) {
            BOOST_TEST(e.field == "token_hash");
        }
    }
    BOOST_CHECK_THROW(f.db->sign_up(person(m, "c@example.se"), "link-hash-2"), conflict);
    BOOST_CHECK_THROW(f.db->write([&](unit_of_work& w) { rsvps{w}.add_link_token(other.id + 1000, "x"); }),
                      not_found);
    BOOST_TEST(count_rows(f.url, "rsvp_tokens") == 2);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
