// Series and their occurrences.

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(series_of_meetings)

BOOST_AUTO_TEST_CASE(series_creates_one_meeting_per_occurrence_sharing_its_uid) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto n = f.net();
    auto s = f.db->create_series(template_series(o, v, {n}), weekly(4), venue_overlap::refuse);
    BOOST_TEST(s.id > 0);
    BOOST_TEST(!s.uid.empty());
    auto r = f.db->find_series(s.id);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->rrule == "FREQ=WEEKLY;COUNT=4");
    BOOST_TEST(r->fields.title == "Veckoträff");
    BOOST_TEST(r->fields.network_ids == (std::vector<db_id>{n}), boost::test_tools::per_element());
    BOOST_TEST(r->fields.documents.size() == 1u);
    BOOST_TEST(r->exdates.empty());
    meeting_filter mf;
    mf.series_id = s.id;
    auto occ = f.db->list_meetings(mf);
    BOOST_REQUIRE(occ.items.size() == 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& m = occ.items[i];
        BOOST_TEST(m.uid == s.uid);
        BOOST_TEST(*m.series_id == s.id);
        BOOST_TEST(m.recurrence_id == weekly(4)[i].recurrence_id);
        BOOST_TEST(m.start_utc == weekly(4)[i].start_utc);
        BOOST_TEST(m.title == "Veckoträff");
        BOOST_TEST(*m.venue_id == v);
        BOOST_TEST(m.network_ids == (std::vector<db_id>{n}), boost::test_tools::per_element());
        BOOST_TEST(m.documents.size() == 1u);
    }
    BOOST_TEST(!f.db->find_meeting_by_uid(s.uid));  // the uid of a series is not a single meeting
    series_filter nf;
    nf.q = "veckoträff";
    BOOST_TEST(f.db->list_series(nf).items.size() == 1u);
}

BOOST_AUTO_TEST_CASE(series_occurrence_overlapping_a_booking_refuses_the_whole_series) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto occ = weekly(4);
    auto blocker = f.db->create_meeting(at(o, occ[2].start_utc + 600, occ[2].end_utc + 600, v), venue_overlap::refuse);
    auto counter = f.db->change_counter();
    try {
        f.db->create_series(template_series(o, v), occ, venue_overlap::refuse);
        BOOST_FAIL("series overlapping a booking accepted");
    } catch (const venue_conflict& e) {
        BOOST_TEST(e.meeting_ids == (std::vector<db_id>{blocker.id}), boost::test_tools::per_element());
    }
    BOOST_TEST(count_rows(f.url, "series") == 0);
    BOOST_TEST(count_rows(f.url, "meetings") == 1);
    BOOST_TEST(count_rows(f.url, "series_documents") == 0);
    BOOST_TEST(f.db->change_counter() == counter);
}

BOOST_AUTO_TEST_CASE(deleting_an_occurrence_adds_an_exdate_and_raises_the_series_sequence) {
    fresh_store f;
    auto o = f.org();
    auto s = f.db->create_series(template_series(o, std::nullopt), weekly(4), venue_overlap::refuse);
    meeting_filter mf;
    mf.series_id = s.id;
    auto occ = f.db->list_meetings(mf).items;
    f.db->delete_meeting(occ[1].id);
    auto r = f.db->find_series(s.id);
    BOOST_TEST(r->exdates == (std::vector<std::string>{occ[1].recurrence_id}), boost::test_tools::per_element());
    BOOST_TEST(r->sequence == 1);
    BOOST_TEST(f.db->list_meetings(mf).items.size() == 3u);
}

BOOST_AUTO_TEST_CASE(update_series_replaces_plain_occurrences_and_keeps_overridden_ones) {
    fresh_store f;
    auto o = f.org();
    auto s = f.db->create_series(template_series(o, std::nullopt), weekly(4), venue_overlap::refuse);
    meeting_filter mf;
    mf.series_id = s.id;
    auto occ = f.db->list_meetings(mf).items;
    // Occurrence 0 is changed on its own: it becomes overridden; a title change raises no sequence.
    auto changed = occ[0];
    changed.title = "Extra långt möte";
    changed = f.db->update_meeting(changed, venue_overlap::refuse).after;
    BOOST_TEST(changed.overridden);
    BOOST_TEST(changed.sequence == 0);
    // Occurrence 3 is changed on its own as well but will no longer be produced by the rule.
    auto dropped = occ[3];
    dropped.location = "Annan plats";
    f.db->update_meeting(dropped, venue_overlap::refuse);

    auto next = *f.db->find_series(s.id);
    next.fields.title = "Ny veckoträff";
    next.fields.location = "Biblioteket";
    next.rrule = "FREQ=WEEKLY;COUNT=3";
    auto result = f.db->update_series(next, weekly(3), venue_overlap::refuse);
    auto updated = result.after;
    BOOST_TEST(updated.sequence == 1);  // the place changed
    BOOST_TEST(result.sequence_raised);
    BOOST_TEST(result.before.fields.title == "Veckoträff");

    auto now = f.db->list_meetings(mf).items;
    BOOST_REQUIRE(now.size() == 3u);
    BOOST_TEST(now[0].id == changed.id);
    BOOST_TEST(now[0].title == "Extra långt möte");
    BOOST_TEST(now[0].overridden);
    BOOST_TEST(now[1].id == occ[1].id);  // replaced in place, same row
    BOOST_TEST(now[1].title == "Ny veckoträff");
    BOOST_TEST(now[1].location == "Biblioteket");
    BOOST_TEST(now[1].sequence >= 1);
    BOOST_TEST(!now[1].overridden);
    BOOST_TEST(now[2].title == "Ny veckoträff");
    BOOST_TEST(!f.db->find_meeting(occ[3].id));
    BOOST_TEST(f.db->find_series(s.id)->fields.title == "Ny veckoträff");

    // What it says it did: two rewritten (the overridden one kept as it was), one removed.
    BOOST_TEST(result.created.empty());
    BOOST_TEST_REQUIRE(result.updated.size() == 2u);
    BOOST_TEST(result.updated[0].after.id == occ[1].id);
    BOOST_TEST(result.updated[1].after.id == occ[2].id);
    BOOST_TEST((result.updated[0].changed == meeting_changes{.place = true}));
    BOOST_TEST(result.updated[0].sequence_raised);
    BOOST_TEST(result.updated[0].before.location.empty());
    BOOST_TEST_REQUIRE(result.removed.size() == 1u);
    BOOST_TEST(result.removed[0].removed.id == occ[3].id);

    series missing = updated;
    missing.id += 100;
    BOOST_CHECK_THROW(f.db->update_series(missing, weekly(3), venue_overlap::refuse), not_found);
}

BOOST_AUTO_TEST_CASE(update_series_returns_the_sign_ups_of_changed_and_removed_occurrences) {
    fresh_store f;
    auto sr = template_series(f.org(), std::nullopt);
    sr.fields.capacity = 1;
    sr = f.db->create_series(sr, weekly(3), venue_overlap::refuse);
    meeting_filter mf;
    mf.series_id = sr.id;
    auto occ = f.db->list_meetings(mf).items;
    auto a = sign(*f.db, occ[0].id, "a@example.se").stored;
    auto b = sign(*f.db, occ[0].id, "b@example.se").stored;  // waitlisted
    auto c = sign(*f.db, occ[2].id, "c@example.se").stored;

    // The third week goes, the place changes and a seat is added.
    sr.fields.location = "Stora salen";
    sr.fields.capacity = 2;
    auto result = f.db->update_series(sr, weekly(2), venue_overlap::refuse);
    BOOST_TEST_REQUIRE(result.updated.size() == 2u);
    const auto& first = result.updated[0];
    BOOST_TEST(first.after.id == occ[0].id);
    BOOST_TEST(ids_of(first.active_sign_ups) == (std::vector<db_id>{a.id, b.id}), boost::test_tools::per_element());
    BOOST_TEST(first.active_sign_ups[1].status == rsvp_status::waitlisted);
    BOOST_TEST(ids_of(first.promoted) == (std::vector<db_id>{b.id}), boost::test_tools::per_element());
    BOOST_TEST(result.updated[1].active_sign_ups.empty());
    BOOST_TEST_REQUIRE(result.removed.size() == 1u);
    BOOST_TEST(result.removed[0].removed.id == occ[2].id);
    BOOST_TEST(ids_of(result.removed[0].active_sign_ups) == (std::vector<db_id>{c.id}),
               boost::test_tools::per_element());
    BOOST_TEST(!f.db->find_rsvp(c.id));
}

BOOST_AUTO_TEST_CASE(delete_series_deletes_its_occurrences) {
    fresh_store f;
    auto o = f.org();
    auto n = f.net();
    auto s = f.db->create_series(template_series(o, std::nullopt, {n}), weekly(4), venue_overlap::refuse);
    f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    f.db->delete_series(s.id);
    BOOST_TEST(!f.db->find_series(s.id));
    BOOST_TEST(count_rows(f.url, "meetings") == 1);
    BOOST_TEST(count_rows(f.url, "meeting_networks") == 0);
    BOOST_TEST(count_rows(f.url, "series_networks") == 0);
    BOOST_CHECK_THROW(f.db->delete_series(s.id), not_found);
}

BOOST_AUTO_TEST_CASE(series_pages_filter_drafts_before_paging_so_no_page_is_short) {
    fresh_store f;
    auto a = f.org("Alfa"), b = f.org("Beta");
    std::vector<db_id> published, drafts_of_b;
    for (int i = 0; i < 12; ++i) {
        auto s = template_series(i % 3 == 0 ? b : a, std::nullopt);
        s.fields.status = i % 3 == 0 ? meeting_status::draft : meeting_status::published;
        auto stored = f.db->create_series(s, {}, venue_overlap::refuse);
        (i % 3 == 0 ? drafts_of_b : published).push_back(stored.id);
    }
    auto all_pages = [&](series_filter sf) {
        std::vector<db_id> seen;
        for (;;) {
            auto p = f.db->list_series(sf);
            if (p.next) BOOST_TEST(p.items.size() == static_cast<std::size_t>(sf.limit));
            for (const auto& s : p.items) seen.push_back(s.id);
            if (!p.next) break;
            sf.after = p.next;
        }
        return seen;
    };
    series_filter sf;
    sf.limit = 3;
    BOOST_TEST(all_pages(sf) == published, boost::test_tools::per_element());
    sf.drafts_of_organisation = b;
    BOOST_TEST(all_pages(sf).size() == 12u);
    sf.drafts_of_organisation = a;
    BOOST_TEST(all_pages(sf) == published, boost::test_tools::per_element());
    sf = {};
    sf.include_all_drafts = true;
    sf.organisation_id = b;
    BOOST_TEST(all_pages(sf) == drafts_of_b, boost::test_tools::per_element());
    sf = {};
    sf.type = meeting_type::samrad;
    BOOST_TEST(all_pages(sf).empty());
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
