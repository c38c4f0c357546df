// The mail outbox and reminder planning. What mail a change causes is the application layer's
// (service/app); here: messages written once per dedup key, claims, delivery states, and the
// reminder plans.

#include <soci/soci.h>

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(outbox_repository)

namespace {

new_message message_for(const rsvp& r, message_kind kind, const std::string& key) {
    new_message m;
    m.kind = kind;
    m.meeting_id = r.meeting_id;
    m.rsvp_id = r.id;
    m.recipient = r.email;
    m.language = r.language;
    m.sequence = 3;
    m.meeting_start_utc = t0;
    m.dedup_key = key;
    m.message_id = "<kal." + key + "@kalendarium.example.se>";
    m.link_token = "secret-" + key;
    return m;
}

// A sign-up and its confirmation in one unit of work, as the application layer writes them.
rsvp sign_with_confirmation(fresh_store& f, db_id meeting, const std::string& email) {
    return f.db->write([&](unit_of_work& w) {
        auto r = rsvps{w}.sign_up(person(meeting, email), fresh_token_hash()).stored;
        outbox{w}.enqueue(message_for(r, message_kind::confirmed, "confirmed." + std::to_string(r.id)));
        return r;
    });
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_message_is_written_once_per_dedup_key_as_given) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 5);
    auto r = sign(*f.db, m, "a@example.se").stored;
    f.db->now = before_start + 9;
    auto msg = message_for(r, message_kind::promoted, "promoted:" + std::to_string(r.id));
    BOOST_TEST(f.db->enqueue(msg));
    auto again = msg;
    again.recipient = "someone.else@example.se";
    again.link_token = "another-secret";
    BOOST_TEST(!f.db->enqueue(again));  // the same key: nothing written, the first one kept
    auto stored = f.db->list_messages(m);
    BOOST_TEST_REQUIRE(stored.size() == 1u);
    const auto& x = stored[0];
    BOOST_TEST(x.kind == message_kind::promoted);
    BOOST_TEST(*x.meeting_id == m);
    BOOST_TEST(!x.user_id);
    BOOST_TEST(*x.rsvp_id == r.id);
    BOOST_TEST(x.recipient == "a@example.se");
    BOOST_TEST(x.language == db::language::sv);
    BOOST_TEST(x.sequence == 3);
    BOOST_TEST(x.meeting_start_utc == t0);
    BOOST_TEST(x.dedup_key == msg.dedup_key);
    BOOST_TEST(x.message_id == "<kal.promoted:" + std::to_string(r.id) + "@kalendarium.example.se>");
    BOOST_TEST(x.state == message_state::pending);
    BOOST_TEST(x.attempts == 0);
    BOOST_TEST(x.next_attempt_at == before_start + 9);
    BOOST_TEST(x.created_at == before_start + 9);
    BOOST_TEST(x.link_token == msg.link_token);
    BOOST_TEST(!x.claimed_until);
    BOOST_TEST(!x.sent_at);
    BOOST_TEST(f.db->find_message(x.id)->dedup_key == msg.dedup_key);
    BOOST_TEST(!f.db->find_message(x.id + 1000));

    // Unknown meeting or sign-up: the field is named and nothing is written.
    auto stray = msg;
    stray.dedup_key = "stray";
    stray.meeting_id = m + 1000;
    BOOST_TEST(reference_field_of([&] { f.db->enqueue(stray); }) == "meeting_id");
    stray.meeting_id = m;
    stray.rsvp_id = r.id + 1000;
    BOOST_TEST(reference_field_of([&] { f.db->enqueue(stray); }) == "rsvp_id");
    BOOST_TEST(count_rows(f.url, "outbox") == 1);
}

BOOST_AUTO_TEST_CASE(the_same_dedup_key_written_by_twenty_units_at_once_is_one_message) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 5);
    auto r = sign(*f.db, m, "a@example.se").stored;
    std::barrier start(20);
    std::atomic<int> written{0}, failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            try {
                if (f.db->enqueue(message_for(r, message_kind::reminder, "reminder:1"))) ++written;
            } catch (const std::exception& e) {
                ++failures;
                BOOST_TEST_MESSAGE(e.what());
            }
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(written.load() == 1);
    BOOST_TEST(count_rows(f.url, "outbox") == 1);
}

BOOST_AUTO_TEST_CASE(claims_never_hand_one_message_to_two_workers) {
    fresh_store f;
    auto second_instance = open_database(f.url);  // a second instance on the same database
    calls other(*second_instance);
    auto m = meeting_with_capacity(f, std::nullopt);
    for (int i = 0; i < 120; ++i) sign_with_confirmation(f, m, "p" + std::to_string(i) + "@example.se");
    f.db->now = other.now = before_start + 10;
    std::mutex mu;
    std::map<db_id, int> claimed;
    std::atomic<int> empty_rounds{0};
    run_concurrently(8, 8, [&](int t) {
        auto& st = t % 2 ? other : *f.db;
        while (empty_rounds < 50) {
            auto batch = st.claim_messages("worker-" + std::to_string(t), 60, 7);
            if (batch.empty()) {
                ++empty_rounds;
                continue;
            }
            for (const auto& x : batch) {
                BOOST_TEST(x.state == message_state::sending);
                BOOST_TEST(*x.claimed_until == before_start + 70);
                std::lock_guard lock(mu);
                ++claimed[x.id];
            }
            for (const auto& x : batch) st.mark_sent(x.id);
        }
    });
    BOOST_TEST(claimed.size() == 120u);
    for (const auto& [id, n] : claimed) BOOST_TEST(n == 1, "message " << id << " claimed " << n << " times");
    for (const auto& x : f.db->list_messages(m)) {
        BOOST_TEST(x.state == message_state::sent);
        BOOST_TEST(*x.sent_at == before_start + 10);
        BOOST_TEST(x.link_token.empty());  // the secret is forgotten once sent
    }
    auto counts = f.db->message_counts();
    BOOST_TEST_REQUIRE(counts.size() == 1u);
    BOOST_TEST(counts[0].first == message_state::sent);
    BOOST_TEST(counts[0].second == 120);
}

BOOST_AUTO_TEST_CASE(an_expired_claim_is_taken_again_and_failures_wait_and_resend) {
    fresh_store f;
    auto m = meeting_with_capacity(f, std::nullopt);
    f.db->now = before_start;
    sign_with_confirmation(f, m, "a@example.se");
    const std::int64_t n = before_start + 10;
    auto claim_at = [&](const std::string& worker, std::int64_t at) {
        f.db->now = at;
        return f.db->claim_messages(worker, 30, 10);
    };
    BOOST_TEST(claim_at("early", before_start - 1).empty());  // not due before it was written
    auto first = claim_at("crashed", n + 100);
    BOOST_TEST_REQUIRE(first.size() == 1u);
    BOOST_TEST(first[0].attempts == 1);
    BOOST_TEST(claim_at("other", n + 120).empty());   // still claimed
    auto again = claim_at("other", n + 131);          // the claim ran out
    BOOST_TEST_REQUIRE(again.size() == 1u);
    BOOST_TEST(again[0].message_id == first[0].message_id);
    BOOST_TEST(again[0].attempts == 2);
    f.db->mark_retry(again[0].id, n + 500, "connection refused");
    BOOST_TEST(claim_at("w", n + 499).empty());
    auto later = claim_at("w", n + 500);
    BOOST_TEST_REQUIRE(later.size() == 1u);
    BOOST_TEST(later[0].last_error == "connection refused");
    f.db->now = n + 600;
    BOOST_CHECK_THROW(f.db->resend_message(later[0].id), conflict);  // not failed
    const auto failed_of = [&](std::vector<db_id> ids) {
        return f.db->read([&](unit_of_work& w) { return outbox{w}.failed_of(ids); });
    };
    BOOST_TEST(failed_of({m}).empty());
    f.db->mark_failed(later[0].id, "gave up");
    BOOST_TEST(f.db->find_message(later[0].id)->state == message_state::failed);
    // The Översikt counts them per meeting, in the database.
    const auto failed = failed_of({m, m + 1000});
    BOOST_TEST(failed.size() == 1u);
    BOOST_TEST(failed.at(m) == 1);
    // A retry for a message no longer being sent changes nothing.
    f.db->mark_retry(later[0].id, n + 700, "late answer");
    BOOST_TEST(f.db->find_message(later[0].id)->state == message_state::failed);
    BOOST_TEST(claim_at("w", n + 10000).empty());
    f.db->now = n + 700;
    auto resent = f.db->resend_message(later[0].id);
    BOOST_TEST(resent.state == message_state::pending);
    BOOST_TEST(resent.attempts == 0);
    BOOST_TEST(resent.next_attempt_at == n + 700);
    BOOST_TEST(resent.created_at == n + 700);
    BOOST_TEST(resent.last_error.empty());
    BOOST_TEST(claim_at("w", n + 700).size() == 1u);
    BOOST_CHECK_THROW(f.db->resend_message(999999), not_found);
}

BOOST_AUTO_TEST_CASE(finished_messages_are_purged_after_their_time_once_the_meeting_has_begun) {
    fresh_store f;
    auto m = meeting_with_capacity(f, std::nullopt);  // starts at t0
    f.db->now = before_start;
    for (const auto* who : {"sent@example.se", "failed@example.se", "skipped@example.se", "pending@example.se"})
        sign_with_confirmation(f, m, who);
    auto all = f.db->list_messages(m);
    BOOST_TEST_REQUIRE(all.size() == 4u);
    f.db->now = before_start + 10;
    auto claimed = f.db->claim_messages("w", 30, 10);
    BOOST_TEST_REQUIRE(claimed.size() == 4u);
    f.db->mark_sent(all[0].id);                   // sent at before_start + 10
    f.db->mark_failed(all[1].id, "gave up");      // written at before_start
    f.db->write([&](unit_of_work& w) { outbox{w}.mark_skipped(all[2].id, "anonymised"); });  // written before_start
    f.db->mark_retry(all[3].id, t0 + 5 * day, "connection refused");  // still to go
    auto purge = [&](std::int64_t now, std::int64_t finished_before) {
        f.db->now = now;
        return f.db->write([&](unit_of_work& w) { return outbox{w}.purge_finished(finished_before); });
    };
    // Before the meeting begins nothing goes, however old: its keys may still be wanted.
    BOOST_TEST(purge(t0 - 1, t0) == 0);
    // After it, only what finished before the cut: the sent one finished later than the others.
    BOOST_TEST(purge(t0 + 1, before_start + 5) == 2);
    auto left = f.db->list_messages(m);
    BOOST_TEST_REQUIRE(left.size() == 2u);
    BOOST_TEST(left[0].state == message_state::sent);
    BOOST_TEST(left[1].state == message_state::pending);
    BOOST_TEST(purge(t0 + 1, t0) == 1);
    BOOST_TEST(f.db->list_messages(m).size() == 1u);  // the pending one stays whatever its age
    BOOST_TEST(purge(t0 + 100 * day, t0 + 99 * day) == 0);
}

BOOST_AUTO_TEST_CASE(a_detached_cancellation_outlives_its_meeting_with_its_facts_and_goes_with_the_address) {
    fresh_store f;
    auto m = meeting_with_capacity(f, std::nullopt);
    auto r = sign_with_confirmation(f, m, "Anna.Lind@example.se");
    auto detached = [&](const std::string& key, const std::string& recipient) {
        new_message d;
        d.kind = message_kind::meeting_cancelled;
        d.recipient = recipient;
        d.sequence = 4;
        d.meeting_start_utc = t0;
        d.dedup_key = key;
        d.message_id = "<kal." + key + "@kalendarium.example.se>";
        d.facts = {{"meeting_title", "FRÖ-möte"}, {"recipient_name", "Anna Lind"}, {"invitation", "BEGIN:VCALENDAR"}};
        return d;
    };
    // What may be detached, and what may not: said with the field named, before the CHECK.
    auto refused = [&](new_message d) {
        try {
            f.db->write([&](unit_of_work& w) { outbox{w}.enqueue(d); });
        } catch (const invalid_value& e) {
            return e.field;
        }
        return std::string("accepted");
    };
    auto no_facts = detached("x1", "a@example.se");
    no_facts.facts.clear();
    BOOST_TEST(refused(no_facts) == "facts");
    auto a_reminder = detached("x2", "a@example.se");
    a_reminder.kind = message_kind::reminder;
    BOOST_TEST(refused(a_reminder) == "meeting_id");
    auto with_rsvp = detached("x3", "a@example.se");
    with_rsvp.rsvp_id = r.id;
    BOOST_TEST(refused(with_rsvp) == "rsvp_id");
    auto facts_on_attached = message_for(r, message_kind::meeting_changed, "x4");
    facts_on_attached.facts = {{"time_changed", "1"}};
    BOOST_TEST(refused(facts_on_attached) == "accepted");  // what only its cause knew
    BOOST_TEST(count_rows(f.url, "message_facts") == 1);
    // The CHECK holds the same for a writer that skips the repository.
    const std::string insert = "INSERT INTO outbox (kind, recipient, language, sequence, meeting_start_utc, "
                               "dedup_key, message_id, state, next_attempt_at, created_at) VALUES ('";
    BOOST_TEST(!try_sql(f.url, insert + "reminder', 'a@example.se', 'sv', 0, 0, 'x5', '<x5>', 'pending', 0, 0)"));
    BOOST_TEST(try_sql(f.url, insert + "meeting_cancelled', 'a@example.se', 'sv', 0, 0, 'x6', '<x6>', 'sent', 0, 0)"));
    run_sql(f.url, "DELETE FROM outbox WHERE dedup_key = 'x6'");

    // Written as the meeting goes (in its unit of work), it stays when the cascade takes the rest.
    f.db->write([&](unit_of_work& w) {
        meetings{w}.remove(m);
        BOOST_TEST(outbox{w}.enqueue(detached("meeting_deleted:" + std::to_string(r.id), r.email)));
        BOOST_TEST(!outbox{w}.enqueue(detached("meeting_deleted:" + std::to_string(r.id), r.email)));  // once
    });
    BOOST_TEST(count_rows(f.url, "outbox") == 1);  // the meeting's own messages went with it
    BOOST_TEST(count_rows(f.url, "message_facts") == 3);  // and their facts with them
    f.db->now = before_start + 5;
    auto claimed = f.db->claim_messages("w", 30, 10);
    BOOST_TEST_REQUIRE(claimed.size() == 1u);
    BOOST_TEST(!claimed[0].meeting_id);
    BOOST_TEST(!claimed[0].rsvp_id);
    BOOST_TEST(!claimed[0].user_id);
    BOOST_TEST(claimed[0].sequence == 4);
    auto facts = f.db->read([&](unit_of_work& w) { return outbox{w}.facts(claimed[0].id); });
    using fact = std::pair<std::string, std::string>;
    BOOST_TEST((facts == std::vector<fact>{{"invitation", "BEGIN:VCALENDAR"},
                                            {"meeting_title", "FRÖ-möte"},
                                            {"recipient_name", "Anna Lind"}}));

    // Erasure of the address (in any case) takes it, with its facts.
    f.db->write([&](unit_of_work& w) { outbox{w}.enqueue(detached("other", "bo@example.se")); });
    f.db->erase_rsvps_of("anna.lind@EXAMPLE.se");
    BOOST_TEST(count_rows(f.url, "outbox") == 1);
    BOOST_TEST(count_rows(f.url, "message_facts") == 3);
    // So does the anonymisation, once the meeting it was about began before the cut.
    BOOST_TEST(f.db->anonymise_rsvps_before(t0) == 0);
    BOOST_TEST(count_rows(f.url, "outbox") == 1);
    f.db->anonymise_rsvps_before(t0 + 1);
    BOOST_TEST(count_rows(f.url, "outbox") == 0);
    BOOST_TEST(count_rows(f.url, "message_facts") == 0);
}

BOOST_AUTO_TEST_CASE(a_version_6_database_migrates_to_7_keeping_its_messages_and_their_ids) {
    const auto url = kal::test::fresh_database_url(current_test_name());
    auto old_db = open_database(url, 4, 6);
    calls old(*old_db);
    BOOST_TEST(old.schema_version() == 6);
    organisation org;
    org.name = "Föreningen Ödegärdet";
    auto o = old.create_organisation(org).id;
    auto m = old.create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse).id;
    auto r = sign_before_0010(old, url, m, "anna@example.se");
    for (int i = 1; i <= 3; ++i)
        old.write([&](unit_of_work& w) { outbox{w}.enqueue(message_for(r, message_kind::confirmed, "k" + std::to_string(i))); });
    run_sql(url, "DELETE FROM outbox WHERE dedup_key = 'k3'");  // its id is never given again
    auto before = old.list_messages(m);
    BOOST_REQUIRE(before.size() == 2u);

    BOOST_TEST(old.migrate() == latest_schema);
    auto kept = old.list_messages(m);
    BOOST_REQUIRE(kept.size() == 2u);
    BOOST_TEST(meetings_counted_wrong(url) == 0);  // schema 0012 counted the sign-up made before it
    BOOST_TEST(kept[1].id == before[1].id);
    BOOST_TEST(kept[1].link_token == before[1].link_token);
    BOOST_TEST(*kept[1].rsvp_id == r.id);
    old.write([&](unit_of_work& w) { outbox{w}.enqueue(message_for(r, message_kind::reminder, "k4")); });
    BOOST_TEST(old.list_messages(m).back().id > kept[1].id + 1);  // after the deleted one's id
    if (kal::test::test_backend() == "sqlite") {
        soci::session s("sqlite3", "db=\"" + url.substr(7) + "\"");
        long long indexes = 0;
        s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' "
             "AND name IN ('outbox_due', 'outbox_meeting', 'outbox_rsvp', 'outbox_user')",
            soci::into(indexes);
        BOOST_TEST(indexes == 4);
    }
}

// ----- reminders ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(reminders_are_planned_once_per_start_and_offset) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 2);
    auto a = sign(*f.db, m, "a@example.se").stored;
    auto b = sign(*f.db, m, "b@example.se").stored;
    sign(*f.db, m, "c@example.se");  // waitlisted: no reminder
    auto candidates = f.db->reminder_candidates(t0 - 8 * day, t0 + day);
    BOOST_TEST_REQUIRE(candidates.size() == 1u);
    BOOST_TEST(candidates[0].meeting_id == m);
    BOOST_TEST(candidates[0].type == meeting_type::fro);
    BOOST_TEST(candidates[0].start_utc == t0);
    BOOST_TEST(!candidates[0].offsets.has_value());
    BOOST_TEST(f.db->reminder_candidates(t0, t0 + day).empty());  // (from, to]: a start at `from` is out
    f.db->now = t0 - day;
    auto planned = f.db->plan_reminder({m, t0, day}, t0 - day, false);
    BOOST_TEST_REQUIRE(planned.has_value());
    BOOST_TEST(ids_of(planned->to_remind) == (std::vector<db_id>{a.id, b.id}), boost::test_tools::per_element());
    BOOST_TEST(!planned->next_after);
    BOOST_TEST(!f.db->plan_reminder({m, t0, day}, t0 - day, false));                // once
    auto skipped = f.db->plan_reminder({m, t0, 7 * day}, t0 - 7 * day, true);        // too late: skipped
    BOOST_TEST_REQUIRE(skipped.has_value());
    BOOST_TEST(skipped->to_remind.empty());
    BOOST_TEST(!f.db->plan_reminder({m, t0, 7 * day}, t0 - 7 * day, false));         // and recorded as planned
    auto moved = f.db->plan_reminder({m, t0 + hour, day}, t0 - day, false);          // not the current start
    BOOST_TEST_REQUIRE(moved.has_value());
    BOOST_TEST(moved->to_remind.empty());
    // Who signed up after a reminder was due does not get it.
    auto early = f.db->plan_reminder({m, t0, 2 * day}, before_start - 1, false);
    BOOST_TEST_REQUIRE(early.has_value());
    BOOST_TEST(early->to_remind.empty());
    BOOST_TEST(count_rows(f.url, "reminder_plans") == 4);

    f.db->set_meeting_reminders(m, std::vector<std::int64_t>{3 * day, 2 * hour});
    BOOST_TEST((*f.db->meeting_reminders(m) == std::vector<std::int64_t>{3 * day, 2 * hour}));
    BOOST_TEST((*f.db->reminder_candidates(t0 - day, t0).at(0).offsets == std::vector<std::int64_t>{3 * day, 2 * hour}));
    f.db->set_meeting_reminders(m, std::vector<std::int64_t>{});
    BOOST_TEST(f.db->meeting_reminders(m)->empty());
    f.db->set_meeting_reminders(m, std::nullopt);
    BOOST_TEST(!f.db->meeting_reminders(m).has_value());
    BOOST_CHECK_THROW(f.db->set_meeting_reminders(m + 1000, std::nullopt), not_found);
    BOOST_CHECK_THROW(f.db->plan_reminder({m + 1000, t0, day}, t0, false), not_found);
}

BOOST_AUTO_TEST_CASE(reminders_are_planned_in_batches_each_its_own_short_unit) {
    fresh_store f;
    auto m = meeting_with_capacity(f, std::nullopt);
    std::vector<db_id> everyone;
    for (int i = 0; i < 7; ++i) everyone.push_back(sign(*f.db, m, "p" + std::to_string(i) + "@example.se").stored.id);
    const reminder_key key{m, t0, day};
    f.db->now = t0 - day;
    std::vector<db_id> reminded;
    std::vector<std::size_t> sizes;
    db_id after = 0;
    auto transactions = testing::transactions_started();
    for (;;) {
        auto batch = f.db->plan_reminder(key, t0 - day, false, after, 3);
        BOOST_TEST_REQUIRE(batch.has_value());
        sizes.push_back(batch->to_remind.size());
        for (const auto& r : batch->to_remind) reminded.push_back(r.id);
        if (!batch->next_after) break;
        // Not recorded while batches remain: an interrupted planning starts again.
        BOOST_TEST(count_rows(f.url, "reminder_plans") == 0);
        after = *batch->next_after;
        // Sign-ups go on between batches; one made now, after the reminder was due, is not reminded.
        if (sizes.size() == 1) {
            f.db->now = t0 - day + 1;
            sign(*f.db, m, "between@example.se");
        }
    }
    BOOST_TEST(testing::transactions_started() - transactions == 3u + 1u);  // three batches, one sign-up
    BOOST_TEST(sizes == (std::vector<std::size_t>{3, 3, 1}), boost::test_tools::per_element());
    BOOST_TEST(reminded == everyone, boost::test_tools::per_element());
    BOOST_TEST(count_rows(f.url, "reminder_plans") == 1);
    BOOST_TEST(!f.db->plan_reminder(key, t0 - day, false, 0, 3));
    BOOST_TEST(!f.db->plan_reminder(key, t0 - day, false, after, 3));

    // An interrupted planning (no plan recorded) starts over and finds the same sign-ups; the
    // application's dedup keys keep the messages already written from being written twice.
    const reminder_key other{m, t0, 2 * day};
    auto first = f.db->plan_reminder(other, t0 - day, false, 0, 4);
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(first->next_after.has_value());
    auto restarted = f.db->plan_reminder(other, t0 - day, false, 0, 100);
    BOOST_TEST_REQUIRE(restarted.has_value());
    BOOST_TEST(ids_of(restarted->to_remind) == everyone, boost::test_tools::per_element());
    BOOST_TEST(!restarted->next_after);
    BOOST_TEST(!f.db->plan_reminder(other, t0 - day, false, *first->next_after, 4));
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
