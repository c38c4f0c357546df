// Meetings: round trips, venue bookings, SEQUENCE, listing, several meetings in one unit of
// work, what changes return, and who holds a UID.

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(meetings_repository)

BOOST_AUTO_TEST_CASE(meeting_round_trips_every_field_with_documents_and_networks) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto n1 = f.net("Nätverk Ett"), n2 = f.net("Nätverk Två");
    meeting m = at(o, t0, t0 + 2 * hour, v, meeting_status::draft, "Stormöte om Överenskommelsen");
    m.type = meeting_type::stormote;
    m.description = "Årligt stormöte – alla är välkomna";
    m.theme = "Delaktighet";
    m.time_zone = "Europe/Stockholm";
    m.location = "Stora salen";
    m.online_url = "https://meet.example.org/stormote";
    m.network_ids = {n2, n1};
    m.capacity = 120;
    m.registration_deadline_utc = t0 - 24 * hour;
    m.documents = {{"Dagordning", "https://example.org/dagordning.pdf"}, {"Protokoll 2025", "https://example.org/p.pdf"}};
    auto c = f.db->create_meeting(m, venue_overlap::refuse);
    BOOST_TEST(c.id > 0);
    BOOST_TEST(c.uid.size() == 32 + std::string("@kalendarium").size());
    BOOST_TEST(c.sequence == 0);
    BOOST_TEST(!c.series_id);
    auto r = f.db->find_meeting(c.id);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->type == meeting_type::stormote);
    BOOST_TEST(r->title == m.title);
    BOOST_TEST(r->description == m.description);
    BOOST_TEST(r->theme == m.theme);
    BOOST_TEST(!r->all_day);
    BOOST_TEST(r->start_local == m.start_local);
    BOOST_TEST(r->end_local == m.end_local);
    BOOST_TEST(r->time_zone == "Europe/Stockholm");
    BOOST_TEST(r->start_utc == t0);
    BOOST_TEST(r->end_utc == t0 + 2 * hour);
    BOOST_TEST(*r->venue_id == v);
    BOOST_TEST(r->location == "Stora salen");
    BOOST_TEST(r->online_url == m.online_url);
    BOOST_TEST(r->organisation_id == o);
    BOOST_TEST(r->network_ids == (std::vector<db_id>{n1, n2}), boost::test_tools::per_element());
    BOOST_TEST(*r->capacity == 120);
    BOOST_TEST(*r->registration_deadline_utc == t0 - 24 * hour);
    BOOST_TEST(r->status == meeting_status::draft);
    BOOST_TEST((r->documents == m.documents));
    BOOST_TEST(r->uid == c.uid);
    BOOST_TEST(r->created_at == f.db->now);
    BOOST_TEST(f.db->find_meeting_by_uid(c.uid)->id == c.id);

    r->venue_id.reset();
    r->capacity.reset();
    r->registration_deadline_utc.reset();
    r->network_ids.clear();
    r->documents.clear();
    r->all_day = true;
    r->start_local = "2026-01-01";
    r->end_local = "2026-01-02";
    f.db->update_meeting(*r, venue_overlap::refuse);
    auto u = f.db->find_meeting(c.id);
    BOOST_TEST(!u->venue_id);
    BOOST_TEST(!u->capacity);
    BOOST_TEST(!u->registration_deadline_utc);
    BOOST_TEST(u->network_ids.empty());
    BOOST_TEST(u->documents.empty());
    BOOST_TEST(u->all_day);
    BOOST_TEST(u->start_local == "2026-01-01");

    meeting given = at(o, t0, t0 + hour);
    given.uid = "imported-123@example.org";
    BOOST_TEST(f.db->create_meeting(given, venue_overlap::refuse).uid == "imported-123@example.org");

    f.db->delete_meeting(c.id);
    BOOST_TEST(!f.db->find_meeting(c.id));
    BOOST_CHECK_THROW(f.db->delete_meeting(c.id), not_found);
    BOOST_CHECK_THROW(f.db->update_meeting(*u, venue_overlap::refuse), not_found);
    BOOST_CHECK_THROW(f.db->cancel_meeting(c.id), not_found);
}

// ----- venue bookings ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(each_meetings_kept_links_follow_every_write_of_its_networks_and_documents) {
    // Schema 0013: a meeting is read with the networks and documents kept on its row by triggers
    // on meeting_networks and meeting_documents. Every way a link is written or goes keeps them.
    fresh_store f;
    const auto wrong = [&] { return meetings_linked_wrong(f.url); };
    const auto read = [&](db_id id) { return *f.db->find_meeting(id); };
    auto o = f.org();
    auto n1 = f.net("Nätverk Ett"), n2 = f.net("Nätverk Två"), n3 = f.net("Nätverk Tre");
    meeting m = at(o, t0, t0 + 2 * hour);
    m.network_ids = {n3, n1};
    // Separators of the kept text in a title and a URL: the hex keeps them apart.
    m.documents = {{"Dagordning, del 1: förslag", "https://example.org/a?x=1,2:3"}, {"Å", "https://example.org/å"}};
    auto id = f.db->create_meeting(m, venue_overlap::refuse).id;
    auto bare = f.db->create_meeting(at(o, t0 + day, t0 + day + hour), venue_overlap::refuse).id;
    BOOST_TEST(wrong() == 0);
    BOOST_TEST(read(id).network_ids == (std::vector<db_id>{n1, n3}), boost::test_tools::per_element());
    BOOST_TEST((read(id).documents == m.documents));
    BOOST_TEST(read(bare).network_ids.empty());
    BOOST_TEST(read(bare).documents.empty());

    auto changed = read(id);
    changed.network_ids = {n2};
    changed.documents = {{"Protokoll", "https://example.org/p.pdf"}};
    f.db->update_meeting(changed, venue_overlap::refuse);
    BOOST_TEST(wrong() == 0);
    BOOST_TEST(read(id).network_ids == (std::vector<db_id>{n2}), boost::test_tools::per_element());
    BOOST_TEST((read(id).documents == changed.documents));

    // Written by anything else, too: the texts are the database's, not the service's.
    kal::test::run_bound(f.url, "INSERT INTO meeting_networks (meeting_id, network_id) "
                                "SELECT :value, id FROM networks WHERE name = 'Nätverk Ett'", bare);  // n1
    kal::test::run_bound(f.url, "INSERT INTO meeting_documents (meeting_id, sort_order, title, url) "
                                "VALUES (:value, 5, 'Bilaga', 'https://example.org/b')", bare);
    kal::test::run_bound(f.url, "UPDATE meeting_documents SET sort_order = 0 WHERE meeting_id = :value", bare);
    BOOST_TEST(wrong() == 0);
    BOOST_TEST(read(bare).network_ids == (std::vector<db_id>{n1}), boost::test_tools::per_element());
    BOOST_REQUIRE(read(bare).documents.size() == 1u);
    BOOST_TEST(read(bare).documents[0].title == "Bilaga");
    // n1's one link, bare's, moved to the other meeting: both meetings change.
    kal::test::run_bound(f.url, "UPDATE meeting_networks SET meeting_id = :value "
                                "WHERE network_id IN (SELECT id FROM networks WHERE name = 'Nätverk Ett')", id);
    BOOST_TEST(wrong() == 0);
    BOOST_TEST(read(bare).network_ids.empty());
    BOOST_TEST(read(id).network_ids == (std::vector<db_id>{n1, n2}), boost::test_tools::per_element());
    kal::test::run_bound(f.url, "DELETE FROM meeting_documents WHERE meeting_id = :value", bare);
    BOOST_TEST(wrong() == 0);
    BOOST_TEST(read(bare).documents.empty());

    // A network that goes takes its links along (ON DELETE CASCADE), and the texts follow.
    f.db->delete_network(n2);
    BOOST_TEST(wrong() == 0);
    BOOST_TEST(read(id).network_ids == (std::vector<db_id>{n1}), boost::test_tools::per_element());

    // Occurrences of a series are meetings too; a list reads the same as a single meeting.
    auto sr = template_series(o, std::nullopt);
    sr.fields.network_ids = {n1, n3};
    sr.fields.documents = {{"Inbjudan", "https://example.org/i"}};
    sr = f.db->create_series(sr, weekly(3), venue_overlap::refuse);
    BOOST_TEST(wrong() == 0);
    meeting_filter all;
    all.include_all_drafts = true;
    for (const auto& listed : f.db->list_meetings(all).items) {
        auto single = read(listed.id);
        BOOST_TEST(listed.network_ids == single.network_ids, boost::test_tools::per_element());
        BOOST_TEST((listed.documents == single.documents));
        if (listed.series_id) {
            BOOST_TEST(listed.network_ids == (std::vector<db_id>{n1, n3}), boost::test_tools::per_element());
            BOOST_TEST(listed.documents.size() == 1u);
        }
    }
    // The check itself tells a text that is not its rows' (else the above would prove nothing).
    kal::test::run_bound(f.url, "UPDATE meetings SET linked_networks = '' WHERE id = :value", id);
    BOOST_TEST(wrong() == 1);
    const auto occurrence = f.db->list_meetings(all).items.back();  // the series' last, with a document
    BOOST_REQUIRE(occurrence.series_id);
    kal::test::run_bound(f.url, "UPDATE meetings SET linked_documents = linked_documents || ',' || linked_documents "
                                "WHERE id = :value", occurrence.id);
    BOOST_TEST(wrong() == 2);
    f.db->delete_meeting(id);
    f.db->delete_series(sr.id);
    BOOST_TEST(wrong() == 0);
    BOOST_TEST(count_rows(f.url, "meeting_networks") == 0);
}

BOOST_AUTO_TEST_CASE(overlapping_venue_booking_is_refused_listing_the_other_meeting) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto first = f.db->create_meeting(at(o, t0, t0 + 2 * hour, v), venue_overlap::refuse);
    try {
        f.db->create_meeting(at(o, t0 + hour, t0 + 3 * hour, v), venue_overlap::refuse);
        BOOST_FAIL("overlap accepted");
    } catch (const venue_conflict& e) {
        BOOST_TEST(e.meeting_ids == (std::vector<db_id>{first.id}), boost::test_tools::per_element());
    }
    // A draft books the venue as well.
    auto draft =
        f.db->create_meeting(at(o, t0 + 5 * hour, t0 + 6 * hour, v, meeting_status::draft), venue_overlap::refuse);
    BOOST_CHECK_THROW(f.db->create_meeting(at(o, t0 + 5 * hour, t0 + 6 * hour, v), venue_overlap::refuse),
                      venue_conflict);
    // Moving a meeting onto another's time is refused; staying in its own slot is not an overlap.
    auto moved = draft;
    moved.start_utc = t0 + hour;
    moved.end_utc = t0 + 5 * hour;
    BOOST_CHECK_THROW(f.db->update_meeting(moved, venue_overlap::refuse), venue_conflict);
    draft.title = "Nytt namn";
    BOOST_CHECK_NO_THROW(f.db->update_meeting(draft, venue_overlap::refuse));
}

BOOST_AUTO_TEST_CASE(overlapping_venue_booking_is_stored_when_allowed) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    f.db->create_meeting(at(o, t0, t0 + 2 * hour, v), venue_overlap::refuse);
    auto second = f.db->create_meeting(at(o, t0, t0 + 2 * hour, v), venue_overlap::allow);
    BOOST_TEST(second.id > 0);
    BOOST_TEST(count_rows(f.url, "meetings") == 2);
}

BOOST_AUTO_TEST_CASE(cancelled_meetings_do_not_book_the_venue) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto first = f.db->create_meeting(at(o, t0, t0 + 2 * hour, v), venue_overlap::refuse);
    f.db->cancel_meeting(first.id);
    BOOST_CHECK_NO_THROW(f.db->create_meeting(at(o, t0, t0 + 2 * hour, v), venue_overlap::refuse));
    // Nor does a cancelled meeting need a free venue.
    BOOST_CHECK_NO_THROW(
        f.db->create_meeting(at(o, t0, t0 + 2 * hour, v, meeting_status::cancelled), venue_overlap::refuse));
}

BOOST_AUTO_TEST_CASE(adjacent_meetings_end_equal_start_do_not_overlap) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    f.db->create_meeting(at(o, t0, t0 + hour, v), venue_overlap::refuse);
    BOOST_CHECK_NO_THROW(f.db->create_meeting(at(o, t0 + hour, t0 + 2 * hour, v), venue_overlap::refuse));
    BOOST_CHECK_NO_THROW(f.db->create_meeting(at(o, t0 - hour, t0, v), venue_overlap::refuse));
    // Another venue at the same time is free.
    auto w = f.place("Annan lokal");
    BOOST_CHECK_NO_THROW(f.db->create_meeting(at(o, t0, t0 + hour, w), venue_overlap::refuse));
}

BOOST_AUTO_TEST_CASE(concurrent_bookings_of_one_venue_let_exactly_one_through) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    for (int round = 0; round < 5; ++round) {
        std::int64_t start = t0 + round * 10 * hour;
        std::atomic<int> ok{0}, refused{0}, other{0};
        std::barrier go(8);
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&] {
                go.arrive_and_wait();
                try {
                    f.db->create_meeting(at(o, start, start + hour, v), venue_overlap::refuse);
                    ++ok;
                } catch (const venue_conflict&) {
                    ++refused;
                } catch (...) {
                    ++other;
                }
            });
        for (auto& t : threads) t.join();
        BOOST_TEST(ok.load() == 1);
        BOOST_TEST(refused.load() == 7);
        BOOST_TEST(other.load() == 0);
    }
    BOOST_TEST(count_rows(f.url, "meetings") == 5);
}

BOOST_AUTO_TEST_CASE(two_hundred_concurrent_meeting_creates_all_succeed_with_distinct_ids_and_uids) {
    fresh_store f;
    auto o = f.org();
    auto n = f.net();
    std::mutex mu;
    std::set<db_id> ids;
    std::set<std::string> uids;
    std::atomic<int> failures{0};
    run_concurrently(16, 200, [&](int i) {
        try {
            auto m = at(o, t0 + i * hour, t0 + i * hour + 1800);
            m.network_ids = {n};
            m.documents = {{"Agenda", "https://example.org/" + std::to_string(i)}};
            auto c = f.db->create_meeting(m, venue_overlap::refuse);
            std::lock_guard lock(mu);
            ids.insert(c.id);
            uids.insert(c.uid);
        } catch (const std::exception& e) {
            ++failures;
            BOOST_TEST_MESSAGE(e.what());
        }
    });
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(ids.size() == 200u);
    BOOST_TEST(uids.size() == 200u);
    BOOST_TEST(count_rows(f.url, "meetings") == 200);
    BOOST_TEST(count_rows(f.url, "meeting_networks") == 200);
    BOOST_TEST(count_rows(f.url, "meeting_documents") == 200);
    BOOST_TEST(f.db->pool_in_use() == 0u);
}

// ----- sequence and what a change returns --------------------------------------------------------

BOOST_AUTO_TEST_CASE(sequence_rises_on_time_place_or_status_change_and_not_on_title) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto m = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    BOOST_TEST(m.sequence == 0);
    m.title = "Nytt namn";
    m.description = "Ny text";
    m = f.db->update_meeting(m, venue_overlap::refuse).after;
    BOOST_TEST(m.sequence == 0);
    m.start_utc += hour;
    m.end_utc += hour;
    m.start_local = "2026-01-01T11:00:00";
    m = f.db->update_meeting(m, venue_overlap::refuse).after;
    BOOST_TEST(m.sequence == 1);
    m.venue_id = v;
    m = f.db->update_meeting(m, venue_overlap::refuse).after;
    BOOST_TEST(m.sequence == 2);
    m.online_url = "https://meet.example.org/x";
    m = f.db->update_meeting(m, venue_overlap::refuse).after;
    BOOST_TEST(m.sequence == 3);
    m.status = meeting_status::draft;
    m = f.db->update_meeting(m, venue_overlap::refuse).after;
    BOOST_TEST(m.sequence == 4);
    BOOST_TEST(f.db->find_meeting(m.id)->sequence == 4);
    BOOST_TEST(!f.db->find_meeting(m.id)->overridden);  // not part of a series
}

BOOST_AUTO_TEST_CASE(a_change_says_which_of_time_place_and_status_changed) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto m = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    auto change = [&](auto edit) {
        auto next = *f.db->find_meeting(m.id);
        edit(next);
        return f.db->update_meeting(next, venue_overlap::refuse);
    };
    auto c = change([](meeting& x) { x.title = "Bara namnet"; });
    BOOST_TEST((c.changed == meeting_changes{}));
    BOOST_TEST(!c.sequence_raised);
    BOOST_TEST(c.before.title == "FRÖ-möte");
    BOOST_TEST(c.after.title == "Bara namnet");
    BOOST_TEST(c.active_sign_ups.empty());
    c = change([](meeting& x) { x.end_utc += 600; });
    BOOST_TEST((c.changed == meeting_changes{.time = true}));
    BOOST_TEST(c.sequence_raised);
    BOOST_TEST(c.after.sequence == c.before.sequence + 1);
    c = change([](meeting& x) { x.time_zone = "Europe/Helsinki"; });
    BOOST_TEST((c.changed == meeting_changes{.time = true}));
    c = change([&](meeting& x) { x.venue_id = v; });
    BOOST_TEST((c.changed == meeting_changes{.place = true}));
    c = change([](meeting& x) { x.location = "Sal B"; });
    BOOST_TEST((c.changed == meeting_changes{.place = true}));
    c = change([](meeting& x) { x.status = meeting_status::draft; });
    BOOST_TEST((c.changed == meeting_changes{.status = true}));
    c = change([](meeting& x) {
        x.status = meeting_status::published;
        x.start_utc -= 600;
        x.online_url = "https://meet.example.org/y";
    });
    BOOST_TEST((c.changed == meeting_changes{.time = true, .place = true, .status = true}));
    BOOST_TEST(c.after.sequence == 6);  // one per change of time, place or status above
    BOOST_TEST(f.db->find_meeting(m.id)->sequence == 6);
}

BOOST_AUTO_TEST_CASE(a_change_returns_the_active_sign_ups_before_promotion_and_the_promoted_records) {
    fresh_store f;
    auto id = meeting_with_capacity(f, 1);
    auto a = sign(*f.db, id, "a@example.se").stored;
    auto b = f.db->sign_up([&] {
                          auto r = person(id, "b@example.se", 2);
                          r.language = db::language::en;
                          return r;
                      }(),
                      fresh_token_hash())
                 .stored;
    auto gone = sign(*f.db, id, "gone@example.se").stored;
    f.db->cancel_rsvp(gone.id);
    BOOST_TEST(b.status == rsvp_status::waitlisted);

    // Time and capacity at once: everyone active is listed as they were (b still waiting), and
    // b, promoted, comes back as a whole record.
    auto m = *f.db->find_meeting(id);
    m.start_utc += hour;
    m.end_utc += hour;
    m.capacity = 3;
    f.db->now += 5;
    auto c = f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(c.sequence_raised);
    BOOST_TEST((c.changed == meeting_changes{.time = true}));
    BOOST_TEST(ids_of(c.active_sign_ups) == (std::vector<db_id>{a.id, b.id}), boost::test_tools::per_element());
    BOOST_TEST(c.active_sign_ups[0].status == rsvp_status::confirmed);
    BOOST_TEST(c.active_sign_ups[1].status == rsvp_status::waitlisted);
    BOOST_TEST_REQUIRE(c.promoted.size() == 1u);
    BOOST_TEST(c.promoted[0].id == b.id);
    BOOST_TEST(c.promoted[0].status == rsvp_status::confirmed);
    BOOST_TEST(c.promoted[0].email == "b@example.se");
    BOOST_TEST(c.promoted[0].language == db::language::en);
    BOOST_TEST(c.promoted[0].party_size == 2);
    BOOST_TEST(c.promoted[0].updated_at == f.db->now);
    BOOST_TEST(!c.promoted[0].waitlist_position);

    // A capacity rise alone promotes without listing anyone to tell of a change.
    auto d = sign(*f.db, id, "d@example.se", 2).stored;
    BOOST_TEST(d.status == rsvp_status::waitlisted);
    m = c.after;
    m.capacity = 5;
    c = f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(!c.sequence_raised);
    BOOST_TEST(c.active_sign_ups.empty());
    BOOST_TEST(ids_of(c.promoted) == (std::vector<db_id>{d.id}), boost::test_tools::per_element());

    // Cancelling lists everyone active, waitlisted ones included; anonymised ones are left out.
    auto e = sign(*f.db, id, "e@example.se").stored;
    BOOST_TEST(e.status == rsvp_status::waitlisted);
    auto cancelled = f.db->cancel_meeting(id);
    BOOST_TEST((cancelled.changed == meeting_changes{.status = true}));
    BOOST_TEST(cancelled.after.status == meeting_status::cancelled);
    BOOST_TEST(ids_of(cancelled.active_sign_ups) == (std::vector<db_id>{a.id, b.id, d.id, e.id}),
               boost::test_tools::per_element());
    BOOST_TEST(cancelled.promoted.empty());
    auto again = f.db->cancel_meeting(id);
    BOOST_TEST(!again.sequence_raised);
    BOOST_TEST(again.active_sign_ups.empty());
}

BOOST_AUTO_TEST_CASE(cancel_raises_sequence_once_and_is_idempotent) {
    fresh_store f;
    auto o = f.org();
    auto m = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    auto c = f.db->cancel_meeting(m.id).after;
    BOOST_TEST(c.status == meeting_status::cancelled);
    BOOST_TEST(c.sequence == 1);
    auto counter = f.db->change_counter();
    auto again = f.db->cancel_meeting(m.id).after;
    BOOST_TEST(again.sequence == 1);
    BOOST_TEST(f.db->find_meeting(m.id)->sequence == 1);
    BOOST_TEST(f.db->change_counter() == counter);
}

BOOST_AUTO_TEST_CASE(deleting_a_meeting_or_an_occurrence_returns_its_active_sign_ups_before_they_go) {
    fresh_store f;
    auto id = meeting_with_capacity(f, 1);
    auto a = sign(*f.db, id, "a@example.se").stored;
    auto b = sign(*f.db, id, "b@example.se").stored;
    auto c = sign(*f.db, id, "c@example.se").stored;
    f.db->cancel_rsvp(c.id);
    auto removal = f.db->delete_meeting(id);
    BOOST_TEST(removal.removed.id == id);
    BOOST_TEST(removal.removed.status == meeting_status::published);
    BOOST_TEST(ids_of(removal.active_sign_ups) == (std::vector<db_id>{a.id, b.id}), boost::test_tools::per_element());
    BOOST_TEST(removal.active_sign_ups[0].email == "a@example.se");
    BOOST_TEST(count_rows(f.url, "rsvps") == 0);

    auto sr = template_series(f.org("Serie"), std::nullopt);
    sr = f.db->create_series(sr, weekly(3), venue_overlap::refuse);
    meeting_filter mf;
    mf.series_id = sr.id;
    auto occurrences = f.db->list_meetings(mf).items;
    auto x = sign(*f.db, occurrences[1].id, "x@example.se").stored;
    auto gone = f.db->delete_meeting(occurrences[1].id);
    BOOST_TEST(gone.removed.recurrence_id == occurrences[1].recurrence_id);
    BOOST_TEST(ids_of(gone.active_sign_ups) == (std::vector<db_id>{x.id}), boost::test_tools::per_element());

    auto y = sign(*f.db, occurrences[2].id, "y@example.se").stored;
    auto all = f.db->delete_series(sr.id);
    BOOST_TEST(all.removed.id == sr.id);
    BOOST_TEST_REQUIRE(all.occurrences.size() == 2u);
    BOOST_TEST(all.occurrences[0].active_sign_ups.empty());
    BOOST_TEST(ids_of(all.occurrences[1].active_sign_ups) == (std::vector<db_id>{y.id}),
               boost::test_tools::per_element());
}

// ----- several meetings in one unit of work ---------------------------------------------------------

namespace {
// What import does: several creates and updates in one unit, all or nothing.
std::vector<meeting> save_meetings(fresh_store& f, const std::vector<meeting>& list, venue_overlap overlap) {
    return f.db->write([&](unit_of_work& w) {
        std::vector<meeting> stored;
        for (const auto& m : list)
            stored.push_back(m.id == 0 ? meetings{w}.create(m, overlap) : meetings{w}.update(m, overlap).after);
        return stored;
    });
}
}  // namespace

BOOST_AUTO_TEST_CASE(save_meetings_writes_nothing_when_a_later_meeting_conflicts_at_its_venue) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto n = f.net();
    auto booked = f.db->create_meeting(at(o, t0, t0 + 2 * hour, v), venue_overlap::refuse);
    auto existing = f.db->create_meeting(at(o, t0 + 10 * hour, t0 + 11 * hour), venue_overlap::refuse);
    auto counter = f.db->change_counter();
    std::vector<std::string> tables = {"meetings", "meeting_networks", "meeting_documents"};
    std::vector<std::int64_t> counts;
    for (auto& t : tables) counts.push_back(count_rows(f.url, t));

    auto first = at(o, t0 + 5 * hour, t0 + 6 * hour, v, meeting_status::published, "Första som aldrig skrevs");
    first.network_ids = {n};
    first.documents = {{"Bilaga", "https://example.org/b"}};
    auto changed = existing;
    changed.title = "Ändring som aldrig skrevs";
    changed.start_utc += hour;
    auto clash = at(o, t0 + hour, t0 + 3 * hour, v);
    try {
        save_meetings(f, {first, changed, clash}, venue_overlap::refuse);
        BOOST_FAIL("overlap accepted");
    } catch (const venue_conflict& e) {
        BOOST_TEST(e.meeting_ids == (std::vector<db_id>{booked.id}), boost::test_tools::per_element());
    }
    // Two new meetings of one unit clash with each other as well.
    auto twin = at(o, t0 + 20 * hour, t0 + 21 * hour, v);
    BOOST_CHECK_THROW(save_meetings(f, {twin, twin}, venue_overlap::refuse), venue_conflict);

    for (std::size_t i = 0; i < tables.size(); ++i) BOOST_TEST(count_rows(f.url, tables[i]) == counts[i]);
    BOOST_TEST(f.db->change_counter() == counter);
    auto text = kal::test::dump_all_text(f.url);
    BOOST_TEST(text.find("aldrig skrevs") == std::string::npos);
    BOOST_TEST(f.db->find_meeting(existing.id)->start_utc == existing.start_utc);
    BOOST_TEST(f.db->find_meeting(existing.id)->sequence == 0);
}

BOOST_AUTO_TEST_CASE(save_meetings_writes_nothing_when_a_later_meeting_names_an_unknown_venue_or_id) {
    fresh_store f;
    auto o = f.org();
    auto existing = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    auto counter = f.db->change_counter();
    auto ok = at(o, t0 + 2 * hour, t0 + 3 * hour, std::nullopt, meeting_status::published, "Aldrig skrivet");
    try {
        save_meetings(f, {ok, at(o, t0, t0 + hour, 424242)}, venue_overlap::refuse);
        BOOST_FAIL("unknown venue accepted");
    } catch (const invalid_reference& e) {
        BOOST_TEST(e.field == "venue_id");
    }
    auto missing = existing;
    missing.id = existing.id + 1000;
    BOOST_CHECK_THROW(save_meetings(f, {ok, missing}, venue_overlap::refuse), not_found);
    auto bad_type = ok;
    bad_type.type = static_cast<meeting_type>(99);
    BOOST_CHECK_THROW(save_meetings(f, {ok, bad_type}, venue_overlap::refuse), invalid_value);
    BOOST_TEST(count_rows(f.url, "meetings") == 1);
    BOOST_TEST(f.db->change_counter() == counter);
    BOOST_TEST(kal::test::dump_all_text(f.url).find("Aldrig skrivet") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(save_meetings_creates_and_updates_in_one_write_returning_them_in_order) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto moved = f.db->create_meeting(at(o, t0, t0 + hour, v), venue_overlap::refuse);
    auto renamed = f.db->create_meeting(at(o, t0 + 2 * hour, t0 + 3 * hour), venue_overlap::refuse);
    auto counter = f.db->change_counter();

    auto fresh = at(o, t0 + 5 * hour, t0 + 6 * hour, v, meeting_status::published, "Nytt möte");
    fresh.sequence = 7;  // ignored: new meetings start at 0
    auto imported = at(o, t0 + 7 * hour, t0 + 8 * hour);
    imported.uid = "imported-9@example.org";
    moved.start_utc += hour;
    moved.end_utc += hour;
    moved.start_local = "2026-01-01T11:00:00";
    renamed.title = "Nytt namn";
    auto saved = save_meetings(f, {fresh, moved, imported, renamed}, venue_overlap::refuse);

    BOOST_REQUIRE(saved.size() == 4u);
    BOOST_TEST(saved[0].id > renamed.id);
    BOOST_TEST(saved[0].title == "Nytt möte");
    BOOST_TEST(saved[0].sequence == 0);
    BOOST_TEST(saved[0].uid.size() == 32 + std::string("@kalendarium").size());
    BOOST_TEST(saved[1].id == moved.id);
    BOOST_TEST(saved[1].sequence == 1);  // time changed
    BOOST_TEST(saved[2].uid == "imported-9@example.org");
    BOOST_TEST(saved[2].id > saved[0].id);
    BOOST_TEST(saved[3].id == renamed.id);
    BOOST_TEST(saved[3].sequence == 0);  // only the title changed
    BOOST_TEST(f.db->find_meeting(moved.id)->start_utc == t0 + hour);
    BOOST_TEST(f.db->find_meeting(moved.id)->sequence == 1);
    BOOST_TEST(f.db->find_meeting(renamed.id)->title == "Nytt namn");
    BOOST_TEST(f.db->find_meeting_by_uid("imported-9@example.org")->id == saved[2].id);
    BOOST_TEST(count_rows(f.url, "meetings") == 4);
    BOOST_TEST(f.db->change_counter() == counter + 1);  // one write
    BOOST_TEST(save_meetings(f, {}, venue_overlap::refuse).empty());
    BOOST_TEST(f.db->change_counter() == counter + 1);  // a unit that wrote nothing raises nothing
}

// ----- who holds a UID ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(uid_owners_finds_meetings_and_series_in_one_statement) {
    fresh_store f;
    auto o = f.org();
    auto single = at(o, t0, t0 + hour);
    single.uid = "single@example.org";
    auto m = f.db->create_meeting(single, venue_overlap::refuse);
    auto sr = template_series(o, std::nullopt);
    sr.uid = "series@example.org";
    sr = f.db->create_series(sr, weekly(3), venue_overlap::refuse);
    std::vector<std::string> asked = {"series@example.org", "missing@example.org", "single@example.org",
                                      "single@example.org"};
    for (int i = 0; i < 600; ++i) asked.push_back("nobody-" + std::to_string(i) + "@example.org");

    auto before = testing::statements_run();
    auto owners = f.db->read([&](unit_of_work& w) { return meetings{w}.uid_owners(asked); });
    // One SELECT, with BEGIN and COMMIT on SQLite (a read takes no transaction on PostgreSQL).
    BOOST_TEST(testing::statements_run() - before == (f.database_->is_postgresql() ? 1u : 3u));
    BOOST_TEST_REQUIRE(owners.size() == 2u);
    std::sort(owners.begin(), owners.end(), [](auto& a, auto& b) { return a.uid < b.uid; });
    BOOST_TEST(owners[0].uid == "series@example.org");
    BOOST_TEST((owners[0].series_id == std::optional<db_id>(sr.id)));
    BOOST_TEST(!owners[0].meeting_id);  // its occurrences share the uid but are not single meetings
    BOOST_TEST(owners[1].uid == "single@example.org");
    BOOST_TEST((owners[1].meeting_id == std::optional<db_id>(m.id)));
    BOOST_TEST(!owners[1].series_id);
    BOOST_TEST(f.db->read([&](unit_of_work& w) { return meetings{w}.uid_owners({}); }).empty());
}

// ----- listing ----------------------------------------------------------------------------------

namespace {

struct listing : fresh_store {
    db_id org_a = org("Alfa"), org_b = org("Beta");
    db_id venue_a = place("Lokal A");
    db_id net_a = net("Nät A");
    db_id m_fro, m_network, m_draft_a, m_draft_b, m_cancelled, m_percent, m_later;

    listing() {
        auto m = at(org_a, t0, t0 + hour, venue_a, meeting_status::published, "FRÖ-möte i Norrby");
        m_fro = db->create_meeting(m, venue_overlap::refuse).id;
        m = at(org_b, t0 + 2 * hour, t0 + 3 * hour, std::nullopt, meeting_status::published, "Nätverksträff");
        m.type = meeting_type::network;
        m.network_ids = {net_a};
        m.theme = "Trygghet i Sjöbo";
        m_network = db->create_meeting(m, venue_overlap::refuse).id;
        m_draft_a = db->create_meeting(at(org_a, t0 + 4 * hour, t0 + 5 * hour, std::nullopt, meeting_status::draft,
                                          "Utkast A"),
                                       venue_overlap::refuse)
                        .id;
        m_draft_b = db->create_meeting(at(org_b, t0 + 4 * hour, t0 + 5 * hour, std::nullopt, meeting_status::draft,
                                          "Utkast B"),
                                       venue_overlap::refuse)
                        .id;
        m_cancelled = db->create_meeting(at(org_a, t0 + 6 * hour, t0 + 7 * hour, std::nullopt,
                                            meeting_status::cancelled, "Inställt"),
                                         venue_overlap::refuse)
                          .id;
        m = at(org_b, t0 + 8 * hour, t0 + 9 * hour, std::nullopt, meeting_status::published, "Budget 100% klar");
        m.description = "Genomgång";
        m_percent = db->create_meeting(m, venue_overlap::refuse).id;
        m = at(org_a, t0 + 48 * hour, t0 + 49 * hour, std::nullopt, meeting_status::published, "Senare möte");
        m.description = "Om 100 procent av budgeten";
        m_later = db->create_meeting(m, venue_overlap::refuse).id;
    }

    std::vector<db_id> list(meeting_filter f) { return ids_of(db->list_meetings(f)); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(listing_hides_drafts_unless_all_or_own_organisation) {
    listing l;
    meeting_filter f;
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_fro, l.m_network, l.m_cancelled, l.m_percent, l.m_later}),
               boost::test_tools::per_element());
    f.include_all_drafts = true;
    BOOST_TEST(l.list(f).size() == 7u);
    f.include_all_drafts = false;
    f.drafts_of_organisation = l.org_a;
    auto own = l.list(f);
    BOOST_TEST(std::count(own.begin(), own.end(), l.m_draft_a) == 1);
    BOOST_TEST(std::count(own.begin(), own.end(), l.m_draft_b) == 0);
    BOOST_TEST(own.size() == 6u);
}

BOOST_AUTO_TEST_CASE(listing_filters_by_time_window) {
    listing l;
    meeting_filter f;
    f.include_all_drafts = true;
    f.from_utc = t0 + hour;    // ends after: the first meeting ends exactly then, so it is out
    f.to_utc = t0 + 6 * hour;  // starts before: the cancelled one starts exactly then, so it is out
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_network, l.m_draft_a, l.m_draft_b}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(listing_filters_by_type_network_organisation_venue_and_status) {
    listing l;
    meeting_filter f;
    f.types = {meeting_type::network};
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_network}), boost::test_tools::per_element());
    f = {};
    f.types = {meeting_type::network, meeting_type::fro};
    BOOST_TEST(l.list(f).size() == 5u);  // all are "fro" except one
    f = {};
    f.network_id = l.net_a;
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_network}), boost::test_tools::per_element());
    f = {};
    f.organisation_id = l.org_b;
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_network, l.m_percent}), boost::test_tools::per_element());
    f = {};
    f.venue_id = l.venue_a;
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_fro}), boost::test_tools::per_element());
    f = {};
    f.statuses = {meeting_status::cancelled};
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_cancelled}), boost::test_tools::per_element());
    f = {};
    f.statuses = {meeting_status::draft};
    BOOST_TEST(l.list(f).empty());  // asking for drafts does not reveal them
    f.include_all_drafts = true;
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_draft_a, l.m_draft_b}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(listing_q_matches_title_description_theme_case_insensitively_and_percent_literally) {
    listing l;
    meeting_filter f;
    f.q = "norrby";  // title "FRÖ-möte i Norrby"
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_fro}), boost::test_tools::per_element());
    f.q = "trygghet i sj";
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_network}), boost::test_tools::per_element());
    f.q = "genomgång";  // description
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_percent}), boost::test_tools::per_element());
    f.q = "100%";  // matches "100% klar", not "100 procent"
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_percent}), boost::test_tools::per_element());
    f.q = "100";
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_percent, l.m_later}), boost::test_tools::per_element());
    f.q = "_";
    BOOST_TEST(l.list(f).empty());
    f.q = "utkast";
    BOOST_TEST(l.list(f).empty());  // drafts stay hidden
}

BOOST_AUTO_TEST_CASE(keyset_pagination_visits_every_row_exactly_once_over_pages_of_7) {
    fresh_store f;
    auto o = f.org();
    // Many meetings share start times so that ties are broken by id.
    std::vector<db_id> created;
    for (int i = 0; i < 50; ++i)
        created.push_back(
            f.db->create_meeting(at(o, t0 + (i % 6) * hour, t0 + (i % 6) * hour + 600), venue_overlap::allow).id);
    meeting_filter mf;
    mf.limit = 7;
    std::vector<db_id> seen;
    int pages = 0;
    std::int64_t last_start = 0;
    for (;;) {
        auto p = f.db->list_meetings(mf);
        ++pages;
        BOOST_TEST(p.items.size() <= 7u);
        for (const auto& m : p.items) {
            BOOST_TEST(m.start_utc >= last_start);
            last_start = m.start_utc;
            seen.push_back(m.id);
        }
        if (!p.next) break;
        BOOST_TEST(p.items.size() == 7u);
        mf.after = p.next;
    }
    BOOST_TEST(pages == 8);
    BOOST_TEST(seen.size() == 50u);
    std::set<db_id> unique(seen.begin(), seen.end());
    BOOST_TEST(unique == std::set<db_id>(created.begin(), created.end()), boost::test_tools::per_element());

    // Exactly a page's worth leaves no next cursor.
    mf = {};
    mf.limit = 50;
    BOOST_TEST(!f.db->list_meetings(mf).next);
}

BOOST_AUTO_TEST_CASE(search_folds_swedish_capitals_on_both_databases) {
    fresh_store f;
    auto o = f.org();
    auto m = at(o, t0, t0 + hour);
    m.title = "Överenskommelsen: ÅRSMÖTE i Borås";
    m.status = meeting_status::published;
    auto id = f.db->create_meeting(m, venue_overlap::refuse).id;
    f.db->create_meeting(at(o, t0 + 2 * hour, t0 + 3 * hour), venue_overlap::refuse);
    for (const char* q : {"överenskommelsen", "ÖVERENSKOMMELSEN", "årsmöte", "Årsmöte", "borås"}) {
        meeting_filter filter;
        filter.q = q;
        filter.include_all_drafts = true;
        auto found = f.db->list_meetings(filter).items;
        BOOST_TEST_REQUIRE(found.size() == 1u, q);
        BOOST_TEST(found.front().id == id, q);
    }
    organisation org;
    org.name = "Föreningen Ängsbacken";
    f.db->create_organisation(org);
    organisation_filter by_name;
    by_name.q = "ängsbacken";
    BOOST_TEST(f.db->list_organisations(by_name).items.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
