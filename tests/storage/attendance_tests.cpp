// Check-ins at the door and attendance counts.

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(attendance_repository)

BOOST_AUTO_TEST_CASE(check_ins_are_idempotent_and_counted_in_attendance) {
    fresh_store f;
    auto known = f.org("Föreningen Ängsbacken");
    auto m = meeting_with_capacity(f, 3);
    auto a = sign(*f.db, m, "a@example.se", 2, known).stored;  // confirmed, 2 people
    auto b = sign(*f.db, m, "b@example.se", 1).stored;         // confirmed
    auto c = sign(*f.db, m, "c@example.se", 1).stored;         // waitlisted
    auto d = sign(*f.db, m, "d@example.se", 1).stored;         // waitlisted, then cancelled
    f.db->cancel_rsvp(d.id);
    BOOST_TEST(c.status == rsvp_status::waitlisted);
    (void)b;

    checkin by_rsvp;
    by_rsvp.meeting_id = m;
    by_rsvp.rsvp_id = a.id;
    f.db->now = t0 + 60;  // at the door
    auto first = f.db->check_in(by_rsvp);
    BOOST_TEST(first.created);
    BOOST_TEST(first.stored.people == 2);  // the party size of the sign-up
    BOOST_TEST((first.stored.organisation_id == std::optional<db_id>(known)));
    BOOST_TEST(first.stored.created_at == t0 + 60);
    auto again = f.db->check_in(by_rsvp);
    BOOST_TEST(!again.created);
    BOOST_TEST(again.stored.id == first.stored.id);

    checkin walk_in;
    walk_in.meeting_id = m;
    walk_in.name = "Gösta Ek";
    walk_in.organisation_name = "föreningen ängsbacken";  // a known organisation by name
    auto w = f.db->check_in(walk_in);
    BOOST_TEST(w.created);
    BOOST_TEST((w.stored.organisation_id == std::optional<db_id>(known)));
    BOOST_TEST(w.stored.people == 1);
    walk_in.name = "GÖSTA EK";
    BOOST_TEST(!f.db->check_in(walk_in).created);  // the same walk-in, whatever the case
    checkin other;
    other.meeting_id = m;
    other.name = "Gösta Ek";
    other.organisation_name = "Kvinnojouren";
    other.people = 3;
    auto o = f.db->check_in(other);
    BOOST_TEST(o.created);  // the same name from another organisation is someone else
    checkin waiting;
    waiting.meeting_id = m;
    waiting.rsvp_id = c.id;
    BOOST_TEST(f.db->check_in(waiting).created);  // a waitlisted person who came anyway

    // Errors: another meeting's sign-up, unknown meeting, unknown organisation, draft meeting.
    auto elsewhere = meeting_with_capacity(f, std::nullopt);
    checkin wrong = by_rsvp;
    wrong.meeting_id = elsewhere;
    BOOST_TEST(reference_field_of([&] { f.db->check_in(wrong); }) == "rsvp");
    wrong.meeting_id = m + 1000;
    BOOST_CHECK_THROW(f.db->check_in(wrong), not_found);
    checkin unknown_org;
    unknown_org.meeting_id = m;
    unknown_org.name = "X";
    unknown_org.organisation_id = known + 1000;
    BOOST_TEST(reference_field_of([&] { f.db->check_in(unknown_org); }) == "organisation");
    auto draft = at(f.org("Utkast"), t0, t0 + hour);
    draft.status = meeting_status::draft;
    checkin at_draft;
    at_draft.meeting_id = f.db->create_meeting(draft, venue_overlap::refuse).id;
    at_draft.name = "X";
    try {
        f.db->check_in(at_draft);
        BOOST_FAIL("a check-in at a draft was accepted");
    } catch (const conflict& e) {
        BOOST_TEST(e.field == "meeting");
    }

    auto list = f.db->attendance_of({m, m + 1000, elsewhere});
    BOOST_TEST_REQUIRE(list.size() == 2u);
    const auto& at_m = list[0];
    BOOST_TEST(at_m.meeting_id == m);
    BOOST_TEST((at_m.capacity == std::optional<int>(3)));
    BOOST_TEST((at_m.confirmed == head_count{2, 3}));
    BOOST_TEST((at_m.waitlisted == head_count{1, 1}));
    BOOST_TEST((at_m.cancelled == head_count{1, 1}));
    BOOST_TEST((at_m.checked_in == head_count{4, 2 + 1 + 3 + 1}));
    BOOST_TEST((at_m.walk_ins == head_count{2, 4}));
    BOOST_TEST((at_m.no_shows == head_count{1, 1}));  // b
    BOOST_TEST_REQUIRE(at_m.organisations.size() == 2u);
    BOOST_TEST(at_m.organisations[0].name == "Föreningen Ängsbacken");
    BOOST_TEST((at_m.organisations[0].signed_up == head_count{1, 2}));
    BOOST_TEST((at_m.organisations[0].attended == head_count{2, 3}));
    BOOST_TEST(at_m.organisations[1].name == "Kvinnojouren");
    BOOST_TEST(!at_m.organisations[1].organisation_id.has_value());
    BOOST_TEST(list[1].meeting_id == elsewhere);
    BOOST_TEST((list[1].checked_in == head_count{}));

    // Undo.
    f.db->undo_check_in(m, w.stored.id);
    BOOST_CHECK_THROW(f.db->undo_check_in(m, w.stored.id), not_found);
    BOOST_CHECK_THROW(f.db->undo_check_in(elsewhere, o.stored.id), not_found);
    BOOST_TEST(f.db->list_checkins(m).size() == 3u);
    BOOST_TEST(f.db->check_in(walk_in).created);  // checked in again after the undo
}

BOOST_AUTO_TEST_CASE(the_same_check_in_from_many_clients_at_once_is_one) {
    fresh_store f;
    auto m = meeting_with_capacity(f, std::nullopt);
    auto a = sign(*f.db, m, "a@example.se").stored;
    std::atomic<int> created{0};
    run_concurrently(8, 40, [&](int i) {
        checkin c;
        c.meeting_id = m;
        if (i % 2)
            c.rsvp_id = a.id;
        else
            c.name = "Walk In";
        if (f.db->check_in(c).created) ++created;
    });
    BOOST_TEST(created.load() == 2);
    BOOST_TEST(f.db->list_checkins(m).size() == 2u);
}

BOOST_AUTO_TEST_CASE(attendance_of_many_meetings_takes_a_constant_number_of_statements) {
    fresh_store f;
    std::vector<db_id> few, many;
    auto o = f.org();
    f.db->write([&](unit_of_work& w) {
        for (int i = 0; i < 40; ++i) {
            auto m = meetings{w}.create(at(o, t0 + i * hour, t0 + i * hour + 60), venue_overlap::refuse).id;
            if (i < 3) few.push_back(m);
            many.push_back(m);
        }
    });
    for (auto m : many) sign(*f.db, m, "x" + std::to_string(m) + "@example.se", 1, o);
    auto statements = [&](const std::vector<db_id>& ids) {
        auto before = testing::statements_started();
        auto list = f.db->attendance_of(ids);
        BOOST_TEST(list.size() == std::set<db_id>(ids.begin(), ids.end()).size());
        return testing::statements_started() - before;
    };
    BOOST_TEST(statements(few) == statements(many));
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
