// What feeds show, the change counter and private feed tokens.

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(feeds_repository)

namespace {

feed_filter window(std::int64_t from, std::int64_t to) {
    feed_filter f;
    f.from_utc = from;
    f.to_utc = to;
    return f;
}

// Published meetings of three types at two venues and in two networks, a draft, a cancelled one
// and references that no meeting uses.
struct feed_world : fresh_store {
    db_id org_a = org("Alfa"), org_b = org("Beta"), org_unused = org("Oanvänd");
    db_id venue_1 = place("Lokal Ett"), venue_2 = place("Lokal Två"), venue_unused = place("Oanvänd lokal");
    db_id net_1 = net("Nät Ett"), net_2 = net("Nät Två"), net_unused = net("Oanvänt nät");
    db_id fro, network_meeting, samrad, draft, cancelled, later;

    feed_world() {
        auto m = at(org_a, t0, t0 + hour, venue_1);
        m.network_ids = {net_1};
        m.documents = {{"Dagordning", "https://example.org/d"}};
        fro = db->create_meeting(m, venue_overlap::refuse).id;
        m = at(org_b, t0 + 2 * hour, t0 + 3 * hour);
        m.type = meeting_type::network;
        m.network_ids = {net_2};
        network_meeting = db->create_meeting(m, venue_overlap::refuse).id;
        m = at(org_a, t0 + 4 * hour, t0 + 5 * hour, venue_2);
        m.type = meeting_type::samrad;
        m.network_ids = {net_1, net_2};
        samrad = db->create_meeting(m, venue_overlap::refuse).id;
        draft = db->create_meeting(at(org_a, t0 + 5 * hour, t0 + 6 * hour, venue_unused, meeting_status::draft),
                                   venue_overlap::refuse)
                    .id;
        m = at(org_b, t0 + 6 * hour, t0 + 7 * hour, std::nullopt, meeting_status::cancelled);
        m.network_ids = {net_2};
        cancelled = db->create_meeting(m, venue_overlap::refuse).id;
        later = db->create_meeting(at(org_a, t0 + 100 * hour, t0 + 101 * hour), venue_overlap::refuse).id;
    }

    std::vector<db_id> feed(const feed_filter& f) { return ids_of(db->load_feed(f).meetings); }
    // Every meeting there is, the cancelled one left out.
    feed_filter all() const {
        auto f = window(t0 - 1000 * hour, t0 + 1000 * hour);
        f.keep_cancelled_until_utc = t0 + 1000 * hour;
        return f;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(load_feed_shows_published_and_cancelled_until_the_cutoff_and_never_drafts) {
    feed_world w;
    auto f = w.all();
    f.keep_cancelled_until_utc = t0 + 6 * hour + 1;  // the cancelled meeting ends after it: kept
    BOOST_TEST(w.feed(f) == (std::vector<db_id>{w.fro, w.network_meeting, w.samrad, w.cancelled, w.later}),
               boost::test_tools::per_element());
    f.keep_cancelled_until_utc = t0 + 7 * hour;  // it ends exactly then: dropped
    BOOST_TEST(w.feed(f) == (std::vector<db_id>{w.fro, w.network_meeting, w.samrad, w.later}),
               boost::test_tools::per_element());
    // Asking for the draft by id, type or venue does not reveal it.
    f.meeting_ids = {w.draft};
    BOOST_TEST(w.feed(f).empty());
    f = w.all();
    f.venue_ids = {w.venue_unused};
    BOOST_TEST(w.feed(f).empty());
    // Published means published now: cancelling takes a meeting out once the cutoff passes it.
    w.db->cancel_meeting(w.later);
    f = w.all();
    f.keep_cancelled_until_utc = t0 + 200 * hour;
    BOOST_TEST(w.feed(f) == (std::vector<db_id>{w.fro, w.network_meeting, w.samrad}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(load_feed_window_takes_meetings_ending_after_from_and_starting_before_to) {
    feed_world w;
    // The first meeting ends exactly at from: out. The samråd starts exactly at to: out.
    BOOST_TEST(w.feed(window(t0 + hour, t0 + 4 * hour)) == (std::vector<db_id>{w.network_meeting}),
               boost::test_tools::per_element());
    // A meeting running across either edge is in.
    BOOST_TEST(w.feed(window(t0 + hour - 1, t0 + 2 * hour + 1)) == (std::vector<db_id>{w.fro, w.network_meeting}),
               boost::test_tools::per_element());
    BOOST_TEST(w.feed(window(t0 + 50 * hour, t0 + 100 * hour)).empty());
    BOOST_TEST(w.feed(window(t0 + 50 * hour, t0 + 100 * hour + 1)) == (std::vector<db_id>{w.later}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(load_feed_filters_match_any_value_of_a_vector_and_every_vector) {
    feed_world w;
    using v = std::vector<db_id>;
    auto f = w.all();
    f.types = {meeting_type::samrad, meeting_type::network};
    BOOST_TEST(w.feed(f) == (v{w.network_meeting, w.samrad}), boost::test_tools::per_element());
    f = w.all();
    f.network_ids = {w.net_2};
    BOOST_TEST(w.feed(f) == (v{w.network_meeting, w.samrad}), boost::test_tools::per_element());
    f.network_ids = {w.net_1, w.net_2};  // the samråd is in both and comes once
    BOOST_TEST(w.feed(f) == (v{w.fro, w.network_meeting, w.samrad}), boost::test_tools::per_element());
    f.network_ids = {w.net_unused};
    BOOST_TEST(w.feed(f).empty());
    f = w.all();
    f.organisation_ids = {w.org_b};
    BOOST_TEST(w.feed(f) == (v{w.network_meeting}), boost::test_tools::per_element());
    f.organisation_ids = {w.org_b, w.org_a};
    BOOST_TEST(w.feed(f) == (v{w.fro, w.network_meeting, w.samrad, w.later}), boost::test_tools::per_element());
    f = w.all();
    f.venue_ids = {w.venue_2, w.venue_1};
    BOOST_TEST(w.feed(f) == (v{w.fro, w.samrad}), boost::test_tools::per_element());
    f = w.all();
    f.meeting_ids = {w.later, w.fro, w.later};
    BOOST_TEST(w.feed(f) == (v{w.fro, w.later}), boost::test_tools::per_element());
    // Across vectors: all must hold.
    f = w.all();
    f.types = {meeting_type::fro, meeting_type::samrad};
    f.network_ids = {w.net_2};
    BOOST_TEST(w.feed(f) == (v{w.samrad}), boost::test_tools::per_element());
    f.organisation_ids = {w.org_b};
    BOOST_TEST(w.feed(f).empty());
    f = w.all();
    f.venue_ids = {w.venue_1, w.venue_2};
    f.meeting_ids = {w.samrad, w.network_meeting};
    BOOST_TEST(w.feed(f) == (v{w.samrad}), boost::test_tools::per_element());
    // Too long a filter is refused before it reaches the database, naming the filter.
    f = w.all();
    for (db_id i = 1; i <= 1001; ++i) f.meeting_ids.push_back(i);
    auto before = testing::statements_started();
    try {
        w.db->load_feed(f);
        BOOST_FAIL("1001 meeting ids were accepted");
    } catch (const invalid_value& e) {
        BOOST_TEST(e.field == "meeting_ids");
    }
    BOOST_TEST(testing::statements_started() - before == 2u);  // BEGIN and ROLLBACK only
    // 1000 distinct values (repeats do not count) are within the limit.
    f.meeting_ids.pop_back();
    f.meeting_ids.push_back(1);
    BOOST_CHECK_NO_THROW(w.db->load_feed(f));
}

BOOST_AUTO_TEST_CASE(load_feed_returns_exactly_the_series_venues_organisations_and_networks_it_uses) {
    feed_world w;
    auto f = w.all();
    f.meeting_ids = {w.fro, w.samrad};
    auto snap = w.db->load_feed(f);
    BOOST_REQUIRE(snap.meetings.size() == 2u);
    BOOST_TEST(snap.meetings[0].network_ids == (std::vector<db_id>{w.net_1}), boost::test_tools::per_element());
    BOOST_TEST((snap.meetings[0].documents == std::vector<document_link>{{"Dagordning", "https://example.org/d"}}));
    BOOST_TEST(snap.meetings[1].network_ids == (std::vector<db_id>{w.net_1, w.net_2}),
               boost::test_tools::per_element());
    BOOST_TEST(snap.series.empty());
    BOOST_TEST(ids_of_all(snap.venues) == (std::vector<db_id>{w.venue_1, w.venue_2}), boost::test_tools::per_element());
    BOOST_TEST(ids_of_all(snap.organisations) == (std::vector<db_id>{w.org_a}), boost::test_tools::per_element());
    BOOST_TEST(ids_of_all(snap.networks) == (std::vector<db_id>{w.net_1, w.net_2}), boost::test_tools::per_element());
    BOOST_TEST(snap.venues[0].name == "Lokal Ett");
    BOOST_TEST(snap.organisations[0].name == "Alfa");

    // A series: its template's references come along even where an occurrence moved away.
    network owned;
    owned.name = "Serienät";
    owned.organisation_ids = {w.org_b};
    auto series_net = w.db->create_network(owned).id;
    auto series_org = w.org("Serieförening");
    auto series_venue = w.place("Serielokal");
    auto sr =
        w.db->create_series(template_series(series_org, series_venue, {series_net}), weekly(2), venue_overlap::refuse);
    meeting_filter mf;
    mf.series_id = sr.id;
    auto occurrences = w.db->list_meetings(mf).items;
    BOOST_REQUIRE(occurrences.size() == 2u);
    auto moved = occurrences[1];
    moved.venue_id = w.venue_unused;
    w.db->update_meeting(moved, venue_overlap::allow);

    f = w.all();
    f.meeting_ids = {moved.id};
    snap = w.db->load_feed(f);
    BOOST_REQUIRE(snap.meetings.size() == 1u);
    BOOST_REQUIRE(snap.series.size() == 1u);
    BOOST_TEST(snap.series[0].id == sr.id);
    BOOST_TEST(snap.series[0].rrule == sr.rrule);
    BOOST_TEST(snap.series[0].fields.network_ids == (std::vector<db_id>{series_net}), boost::test_tools::per_element());
    BOOST_TEST(snap.series[0].fields.documents.size() == 1u);
    BOOST_TEST(ids_of_all(snap.venues) == (std::vector<db_id>{w.venue_unused, series_venue}),
               boost::test_tools::per_element());
    BOOST_TEST(ids_of_all(snap.organisations) == (std::vector<db_id>{series_org}), boost::test_tools::per_element());
    BOOST_REQUIRE(snap.networks.size() == 1u);
    BOOST_TEST(snap.networks[0].id == series_net);
    BOOST_TEST(snap.networks[0].organisation_ids == (std::vector<db_id>{w.org_b}), boost::test_tools::per_element());

    // Nothing matching: nothing referenced.
    snap = w.db->load_feed(window(t0 + 500 * hour, t0 + 600 * hour));
    BOOST_TEST(snap.meetings.empty());
    BOOST_TEST(snap.series.empty());
    BOOST_TEST(snap.venues.empty());
    BOOST_TEST(snap.organisations.empty());
    BOOST_TEST(snap.networks.empty());
}

BOOST_AUTO_TEST_CASE(load_feed_orders_by_start_then_id_and_reads_the_change_counter) {
    fresh_store f;
    auto o = f.org();
    auto late = f.db->create_meeting(at(o, t0 + 2 * hour, t0 + 3 * hour), venue_overlap::refuse).id;
    auto tie_1 = f.db->create_meeting(at(o, t0, t0 + 3 * hour), venue_overlap::refuse).id;
    auto tie_2 = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse).id;
    auto early = f.db->create_meeting(at(o, t0 - hour, t0), venue_overlap::refuse).id;
    auto snap = f.db->load_feed(window(t0 - 10 * hour, t0 + 10 * hour));
    BOOST_TEST(ids_of(snap.meetings) == (std::vector<db_id>{early, tie_1, tie_2, late}),
               boost::test_tools::per_element());
    BOOST_TEST(snap.change_counter == f.db->change_counter());
    f.db->cancel_meeting(late);
    BOOST_TEST(f.db->load_feed(window(t0 - 10 * hour, t0 + 10 * hour)).change_counter == snap.change_counter + 1);
}

BOOST_AUTO_TEST_CASE(load_feed_takes_the_same_number_of_statements_for_10_and_500_meetings) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto n = f.net();
    // One series, so that the series queries run in both feeds, with a cancelled occurrence
    // seven weeks (1176 hours) on: outside both windows, yet an exception the master needs.
    auto sr = f.db->create_series(template_series(o, v, {n}), weekly(8), venue_overlap::refuse);
    meeting_filter of_series;
    of_series.series_id = sr.id;
    of_series.include_all_drafts = true;
    auto last = f.db->list_meetings(of_series).items.back();
    f.db->cancel_meeting(last.id);
    std::vector<meeting> saved;
    f.db->write([&](unit_of_work& w) {
        for (int i = 0; i < 500; ++i) {
            auto m = at(o, t0 + hour + i * hour, t0 + hour + i * hour + 1800);
            m.network_ids = {n};
            m.documents = {{"Agenda", "https://example.org/" + std::to_string(i)}};
            saved.push_back(meetings{w}.create(m, venue_overlap::refuse));
        }
    });

    auto statements_for = [&](const feed_filter& filter, std::size_t expected_meetings) {
        auto before = testing::statements_run();
        auto snap = f.db->load_feed(filter);
        auto taken = testing::statements_run() - before;
        BOOST_TEST(snap.meetings.size() == expected_meetings);
        BOOST_TEST(snap.series.size() == 1u);
        BOOST_TEST_REQUIRE(snap.series_exceptions.size() == 1u);
        BOOST_TEST(snap.series_exceptions.front().id == last.id);
        BOOST_TEST(snap.series_exceptions.front().network_ids.size() == 1u);
        BOOST_TEST(snap.networks.size() == 1u);
        for (const auto& m : snap.meetings) BOOST_TEST(m.network_ids.size() == 1u);
        return taken;
    };
    auto ten = statements_for(window(t0, t0 + 10 * hour), 1 + 9);
    // Weekly occurrences at 0, 168, ..., 840 hours fall in the 1000-hour window: 6 of them.
    auto all = statements_for(window(t0, t0 + 1000 * hour), 6 + 500);
    BOOST_TEST(ten == all);
    // BEGIN, 14 queries, COMMIT (see feeds::load).
    BOOST_TEST(all == 16u);
    // The counter sees every statement: a find is the meeting with its networks and documents in
    // one statement, in a read unit (BEGIN and COMMIT on SQLite, no transaction on PostgreSQL).
    auto before = testing::statements_run();
    BOOST_TEST(f.db->find_meeting(saved.front().id).has_value());
    BOOST_TEST(testing::statements_run() - before == (f.database_->is_postgresql() ? 1u : 3u));
}

// ----- feed tokens ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(feed_tokens_are_found_by_hash_until_revoked_and_listed_by_organisation) {
    fresh_store f;
    auto a = f.org("Alfa"), b = f.org("Beta");
    auto n1 = f.net("Nät Ett"), n2 = f.net("Nät Två");
    auto counter = f.db->change_counter();
    feed_token t;
    t.name = "Mina möten";
    t.organisation_id = a;
    t.types = {meeting_type::samrad, meeting_type::fro, meeting_type::samrad};
    t.network_ids = {n2, n1};
    t.organisation_ids = {b, a};
    auto c = f.db->create_feed_token(t, "hash-a");
    BOOST_TEST(c.id > 0);
    BOOST_TEST(c.created_at == f.db->now);
    BOOST_TEST(c.rotated_at == 0);
    BOOST_TEST(!c.revoked_at);
    feed_token plain;
    plain.name = "Allt";
    auto all = f.db->create_feed_token(plain, "hash-plain");
    feed_token other = plain;
    other.organisation_id = b;
    auto of_b = f.db->create_feed_token(other, "hash-b");

    auto found = f.db->find_feed_token_by_hash("hash-a");
    BOOST_REQUIRE(found);
    BOOST_TEST(found->id == c.id);
    BOOST_TEST(found->name == "Mina möten");
    BOOST_TEST(*found->organisation_id == a);
    BOOST_TEST(found->types == (std::vector<meeting_type>{meeting_type::fro, meeting_type::samrad}),
               boost::test_tools::per_element());
    BOOST_TEST(found->network_ids == (std::vector<db_id>{n1, n2}), boost::test_tools::per_element());
    BOOST_TEST(found->organisation_ids == (std::vector<db_id>{a, b}), boost::test_tools::per_element());
    BOOST_TEST(found->created_at == c.created_at);
    auto unfiltered = f.db->find_feed_token_by_hash("hash-plain");
    BOOST_REQUIRE(unfiltered);
    BOOST_TEST(!unfiltered->organisation_id);
    BOOST_TEST(unfiltered->types.empty());
    BOOST_TEST(unfiltered->network_ids.empty());
    BOOST_TEST(unfiltered->organisation_ids.empty());
    BOOST_TEST(!f.db->find_feed_token_by_hash("no-such-hash"));
    BOOST_CHECK_THROW(f.db->create_feed_token(plain, "hash-a"), conflict);

    BOOST_TEST(ids_of_all(f.db->list_feed_tokens(std::nullopt)) == (std::vector<db_id>{c.id, all.id, of_b.id}),
               boost::test_tools::per_element());
    BOOST_TEST(ids_of_all(f.db->list_feed_tokens(a)) == (std::vector<db_id>{c.id}), boost::test_tools::per_element());
    BOOST_TEST(ids_of_all(f.db->list_feed_tokens(b)) == (std::vector<db_id>{of_b.id}),
               boost::test_tools::per_element());

    BOOST_TEST(f.db->change_counter() == counter);  // creating a token changes no feed
    f.db->now += hour;
    f.db->revoke_feed_token(c.id);
    // Revoking does: every instance's cached copy of that private feed must stop answering.
    BOOST_TEST(f.db->change_counter() == counter + 1);
    BOOST_TEST(!f.db->find_feed_token_by_hash("hash-a"));
    auto revoked = f.db->find_feed_token(c.id);
    BOOST_REQUIRE(revoked);
    BOOST_TEST(*revoked->revoked_at == f.db->now);
    f.db->now += hour;
    f.db->revoke_feed_token(c.id);  // again: keeps the first time
    BOOST_TEST(*f.db->find_feed_token(c.id)->revoked_at == *revoked->revoked_at);
    BOOST_TEST(f.db->list_feed_tokens(a).size() == 1u);  // listed with its revocation
    BOOST_CHECK_THROW(f.db->revoke_feed_token(of_b.id + 100), not_found);
    BOOST_TEST(!f.db->find_feed_token(of_b.id + 100));
    BOOST_TEST(f.db->change_counter() == counter + 1);  // the second revocation changed nothing

    // An organisation's feeds go with it.
    f.db->delete_organisation(b);
    BOOST_TEST(!f.db->find_feed_token(of_b.id));
    BOOST_TEST(f.db->list_feed_tokens(b).empty());
}

BOOST_AUTO_TEST_CASE(rotating_a_feed_token_retires_the_old_hash_and_keeps_the_filter) {
    fresh_store f;
    auto o = f.org();
    feed_token t;
    t.name = "Samråd";
    t.organisation_id = o;
    t.types = {meeting_type::samrad};
    auto c = f.db->create_feed_token(t, "hash-old");
    auto counter = f.db->change_counter();
    f.db->now += 90;
    auto r = f.db->rotate_feed_token(c.id, "hash-new");
    BOOST_TEST(f.db->change_counter() == counter + 1);
    BOOST_TEST(r.id == c.id);
    BOOST_TEST(r.rotated_at == c.created_at + 90);
    BOOST_TEST(!f.db->find_feed_token_by_hash("hash-old"));
    auto found = f.db->find_feed_token_by_hash("hash-new");
    BOOST_REQUIRE(found);
    BOOST_TEST(found->id == c.id);
    BOOST_TEST(found->types == (std::vector<meeting_type>{meeting_type::samrad}), boost::test_tools::per_element());
    BOOST_TEST(found->rotated_at == r.rotated_at);
    BOOST_TEST(found->created_at == c.created_at);

    // A hash in use, a missing token and a revoked one are refused; nothing changes.
    auto other = f.db->create_feed_token(t, "hash-other");
    BOOST_CHECK_THROW(f.db->rotate_feed_token(c.id, "hash-other"), conflict);
    BOOST_TEST(f.db->find_feed_token_by_hash("hash-new")->id == c.id);
    BOOST_CHECK_THROW(f.db->rotate_feed_token(other.id + 100, "hash-x"), not_found);
    f.db->revoke_feed_token(other.id);
    BOOST_CHECK_THROW(f.db->rotate_feed_token(other.id, "hash-revived"), not_found);
    BOOST_TEST(!f.db->find_feed_token_by_hash("hash-revived"));
}

BOOST_AUTO_TEST_CASE(feed_tokens_refuse_unknown_references_and_types_naming_the_field) {
    fresh_store f;
    auto o = f.org();
    auto n = f.net();
    auto field_of = [&](feed_token t) { return reference_field_of([&] { f.db->create_feed_token(t, "hash"); }); };
    feed_token t;
    t.name = "Fel";
    t.network_ids = {n, n + 100};
    BOOST_TEST(field_of(t) == "network_ids");
    t = {};
    t.organisation_ids = {o, o + 100};
    BOOST_TEST(field_of(t) == "organisation_ids");
    t = {};
    t.organisation_id = o + 100;
    BOOST_TEST(field_of(t) == "organisation_id");
    // A type outside the enumeration (only a cast makes one) has no text to store.
    t = {};
    t.types = {meeting_type::fro, static_cast<meeting_type>(77)};
    try {
        f.db->create_feed_token(t, "hash");
        BOOST_FAIL("a type outside the enumeration was stored");
    } catch (const invalid_value& e) {
        BOOST_TEST(e.field == "types");
    }
    BOOST_TEST(count_rows(f.url, "feed_tokens") == 0);
}

// ----- the change counter -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(change_counter_rises_on_each_write_and_not_on_reads) {
    fresh_store f;
    auto c0 = f.db->change_counter();
    auto o = f.org();
    auto c1 = f.db->change_counter();
    BOOST_TEST(c1 == c0 + 1);
    auto v = f.place();
    BOOST_TEST(f.db->change_counter() == c1 + 1);
    auto n = f.net();
    BOOST_TEST(f.db->change_counter() == c1 + 2);
    auto m = f.db->create_meeting(at(o, t0, t0 + hour, v), venue_overlap::refuse);
    BOOST_TEST(f.db->change_counter() == c1 + 3);
    m.title = "Ändrad";
    f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(f.db->change_counter() == c1 + 4);
    f.db->cancel_meeting(m.id);
    BOOST_TEST(f.db->change_counter() == c1 + 5);
    auto s = f.db->create_series(template_series(o, std::nullopt), weekly(2), venue_overlap::refuse);
    BOOST_TEST(f.db->change_counter() == c1 + 6);
    f.db->delete_series(s.id);
    f.db->delete_network(n);
    BOOST_TEST(f.db->change_counter() == c1 + 8);

    auto before = f.db->change_counter();
    f.db->find_meeting(m.id);
    f.db->list_meetings({});
    f.db->list_organisations({});
    f.db->find_venue(v);
    f.db->ping();
    f.db->schema_version();
    BOOST_TEST(f.db->change_counter() == before);
}

BOOST_AUTO_TEST_CASE(writes_that_feeds_cannot_show_leave_the_change_counter) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 1);
    auto counter = f.db->change_counter();
    auto a = sign(*f.db, m, "a@example.se").stored;
    auto b = sign(*f.db, m, "b@example.se").stored;
    f.db->update_rsvp(a.id, 1, "rullstol");
    f.db->set_meeting_quota(m, 3);
    f.db->confirm_from_waitlist(b.id);
    f.db->cancel_rsvp(b.id);
    checkin c;
    c.meeting_id = m;
    c.rsvp_id = a.id;
    f.db->check_in(c);
    new_message msg;
    msg.meeting_id = m;
    msg.dedup_key = "k";
    msg.message_id = "<k@example.se>";
    f.db->enqueue(msg);
    f.db->set_meeting_reminders(m, std::vector<std::int64_t>{day});
    f.db->plan_reminder({m, t0, day}, t0, false);
    feed_token t;
    t.name = "Privat";
    f.db->create_feed_token(t, "hash-private");
    api_token admin;
    admin.role = token_role::admin;
    admin.name = "Drift";
    f.db->create_token(admin, "hash-admin");
    f.db->erase_rsvp(a.id);
    f.db->anonymise_rsvps_before(t0 + day);
    BOOST_TEST(f.db->change_counter() == counter);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
