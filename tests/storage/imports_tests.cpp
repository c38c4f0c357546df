// Calendars kept between the import's preview and its confirmation (staged_imports, schema 11),
// and the change log read per series or venue (org-dir, issue 12).

#include "kal/db/accounts.hpp"
#include "kal/db/change_log.hpp"
#include "kal/db/imports.hpp"
#include "storage_support.hpp"

using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(staged_imports_repository)

namespace {

struct signed_in {
    db_id user = 0, session = 0;
};

signed_in sign_in(fresh_store& f, const std::string& email, const std::string& hash) {
    return f.db->write([&](unit_of_work& w) {
        user u;
        u.email = email;
        u.name = "Namn";
        u.role = user_role::admin;
        auto made = users{w}.create(u);
        return signed_in{made.id, sessions{w}.start(made.id, hash, "Firefox", w.now() + 3600).id};
    });
}

staged_import upload(db_id session, db_id organisation, const std::string& hash, instant expires_at) {
    staged_import s;
    s.token_hash = hash;
    s.session_id = session;
    s.organisation_id = organisation;
    s.meeting_type = "other";
    s.status = "draft";
    s.file_name = "föreningen.ics";
    s.calendar = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    s.expires_at = expires_at;
    return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_staged_calendar_is_found_only_by_its_hash_for_its_session_before_it_expires) {
    fresh_store f;
    const auto org = f.org();
    const auto anna = sign_in(f, "anna@example.se", "session-a"), bo = sign_in(f, "bo@example.se", "session-b");
    const auto id = f.db->write([&](unit_of_work& w) {
        return staged_imports{w}.stage(upload(anna.session, org, "upload-1", f.db->now + 900));
    });
    auto find = [&](const std::string& hash, db_id session, instant at) {
        return f.db->read([&](unit_of_work& w) { return staged_imports{w}.find(hash, session, at); });
    };
    auto found = find("upload-1", anna.session, f.db->now + 899);
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST(found->id == id);
    BOOST_TEST(found->file_name == "föreningen.ics");
    BOOST_TEST(found->calendar == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    BOOST_TEST(found->created_at == f.db->now);
    BOOST_TEST(!find("upload-1", bo.session, f.db->now).has_value());
    BOOST_TEST(!find("upload-2", anna.session, f.db->now).has_value());
    BOOST_TEST(!find("upload-1", anna.session, f.db->now + 900).has_value());
    // Taken once.
    BOOST_TEST(f.db->write([&](unit_of_work& w) { return staged_imports{w}.remove(id); }));
    BOOST_TEST(!f.db->write([&](unit_of_work& w) { return staged_imports{w}.remove(id); }));
    BOOST_TEST(!find("upload-1", anna.session, f.db->now).has_value());
}

BOOST_AUTO_TEST_CASE(expired_uploads_are_purged_and_an_upload_goes_with_its_session) {
    fresh_store f;
    const auto org = f.org();
    const auto anna = sign_in(f, "anna@example.se", "session-a");
    f.db->write([&](unit_of_work& w) {
        staged_imports{w}.stage(upload(anna.session, org, "old", f.db->now - 1));
        staged_imports{w}.stage(upload(anna.session, org, "new", f.db->now + 900));
    });
    BOOST_TEST(f.db->write([&](unit_of_work& w) { return staged_imports{w}.purge(); }) == 1);
    BOOST_TEST(count_rows(f.url, "staged_imports") == 1);
    // A session that is purged (ended) takes its uploads with it.
    f.db->write([&](unit_of_work& w) { sessions{w}.end_all(anna.user); });
    f.db->write([&](unit_of_work& w) { sessions{w}.purge(f.db->now); });
    BOOST_TEST(count_rows(f.url, "staged_imports") == 0);
}

BOOST_AUTO_TEST_CASE(the_change_log_of_a_venue_or_series_holds_its_own_entries_newest_first) {
    fresh_store f;
    const auto hall = f.place("Salen"), other = f.place("Rummet");
    f.db->write([&](unit_of_work& w) {
        for (auto [subject, id, field] : {std::tuple{"venue", hall, "capacity"}, std::tuple{"venue", other, "name"},
                                          std::tuple{"series", hall, "title"}, std::tuple{"venue", hall, "name"}}) {
            change_entry e;
            e.subject = subject;
            e.subject_id = id;
            e.action = "changed";
            e.field = field;
            e.before = "a";
            e.after = "b";
            change_log{w}.record(e);
        }
    });
    auto entries = f.db->read([&](unit_of_work& w) { return change_log{w}.of_subject("venue", hall); });
    BOOST_TEST_REQUIRE(entries.size() == 2u);
    BOOST_TEST(entries[0].field == "name");
    BOOST_TEST(entries[1].field == "capacity");
    BOOST_TEST(entries[0].at == f.db->now);
    BOOST_TEST(!entries[0].meeting_id.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
