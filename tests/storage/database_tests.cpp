// The database object: migrations, URLs, units of work (one transaction each, what they count,
// retries), the error family, the enumerations' texts and availability.

#include <libpq-fe.h>

#include <barrier>
#include <filesystem>

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(database_object)

// ----- setup and migrations -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(migrate_is_idempotent_and_records_the_version) {
    fresh_store f;
    BOOST_TEST(f.db->schema_version() == latest_schema);
    BOOST_TEST(f.db->migrate() == latest_schema);
    BOOST_TEST(f.db->migrate() == latest_schema);
    BOOST_TEST(count_rows(f.url, "schema_version") == applied_migrations);
    BOOST_TEST(f.database_->is_postgresql() == (kal::test::test_backend() == "postgresql"));
    auto again = open_database(f.url);
    BOOST_TEST(again->schema_version() == latest_schema);
    BOOST_TEST(count_rows(f.url, "schema_version") == applied_migrations);
}

BOOST_AUTO_TEST_CASE(two_stores_migrating_at_once_apply_the_schema_once) {
    auto url = kal::test::fresh_database_url(current_test_name());
    database_options o;
    o.url = url;
    o.pool_size = 1;
    database a(o), b(o);
    BOOST_TEST(a.schema_version() == 0);
    std::barrier start(2);
    int va = 0, vb = 0;
    std::thread ta([&] { start.arrive_and_wait(); va = a.migrate(); });
    std::thread tb([&] { start.arrive_and_wait(); vb = b.migrate(); });
    ta.join();
    tb.join();
    BOOST_TEST(va == latest_schema);
    BOOST_TEST(vb == latest_schema);
    BOOST_TEST(count_rows(url, "schema_version") == applied_migrations);
    BOOST_TEST(count_rows(url, "change_counter") == 1);
}

BOOST_AUTO_TEST_CASE(urls_other_than_sqlite_and_postgresql_are_rejected) {
    auto field_of = [](const std::string& url) -> std::string {
        database_options o;
        o.url = url;
        try {
            database d(o);
        } catch (const invalid_value& e) {
            BOOST_TEST(std::string(e.what()).find("secret") == std::string::npos, e.what());
            return e.field;
        }
        return "(accepted)";
    };
    BOOST_TEST(field_of("mysql://kal:secret@localhost/kal") == "url");
    BOOST_TEST(field_of("sqlite:") == "url");
    BOOST_TEST(field_of("postgresql://kal:secret@[::1/kal") == "url");  // libpq cannot parse it
}

BOOST_AUTO_TEST_CASE(sqlite_url_creates_missing_parent_directories) {
    if (kal::test::test_backend() != "sqlite") return;
    auto base = kal::test::fresh_database_url(current_test_name()).substr(7);
    auto dir = std::filesystem::path(base).parent_path() / "var" / "deeper";
    database_options o;
    o.url = "sqlite:" + (dir / "kal.db").string();
    database s(o);
    BOOST_TEST(s.migrate() == latest_schema);
    BOOST_TEST(std::filesystem::exists(dir / "kal.db"));
    BOOST_TEST(s.pool_size() == 4u);
    BOOST_TEST(s.pool_in_use() == 0u);
}

BOOST_AUTO_TEST_CASE(a_version_1_database_migrates_to_the_latest_keeping_its_data) {
    const auto url = kal::test::fresh_database_url(current_test_name());
    auto old_db = open_database(url, 4, 1);  // what a database made before 0002 is
    calls old(*old_db);
    BOOST_TEST(old.schema_version() == 1);
    organisation org;
    org.name = "Föreningen Ödegärdet";
    auto o = old.create_organisation(org).id;
    auto m = old.create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    auto counter = old.change_counter();
    // A missing table is db/'s own fault: the internal kind, no other.
    try {
        old.list_feed_tokens(std::nullopt);
        BOOST_FAIL("a missing table was read");
    } catch (const kal::db::error& e) {
        BOOST_TEST((e.kind() == error_kind::internal));
    }

    BOOST_TEST(old.migrate() == latest_schema);
    BOOST_TEST(old.schema_version() == latest_schema);
    BOOST_TEST(count_rows(url, "schema_version") == applied_migrations);
    auto kept = old.find_meeting(m.id);
    BOOST_REQUIRE(kept);
    BOOST_TEST(kept->uid == m.uid);
    BOOST_TEST(kept->title == m.title);
    BOOST_TEST(old.change_counter() == counter);
    feed_token t;
    t.name = "Efter uppgraderingen";
    t.organisation_id = o;
    BOOST_TEST(old.create_feed_token(t, "hash-after-upgrade").id > 0);
    BOOST_TEST(old.migrate() == latest_schema);
    BOOST_TEST(count_rows(url, "feed_tokens") == 1);
}

BOOST_AUTO_TEST_CASE(a_version_2_database_migrates_to_the_latest_keeping_its_data) {
    const auto url = kal::test::fresh_database_url(current_test_name());
    auto old_db = open_database(url, 4, 2);  // what a database made before 0003 is
    calls old(*old_db);
    BOOST_TEST(old.schema_version() == 2);
    organisation org;
    org.name = "Föreningen Ödegärdet";
    auto o = old.create_organisation(org).id;
    auto m = old.create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    feed_token t;
    t.name = "Före uppgraderingen";
    old.create_feed_token(t, "hash-before-upgrade");
    BOOST_CHECK_THROW(old.list_rsvps(m.id, {}, std::nullopt), kal::db::error);

    BOOST_TEST(old.migrate() == latest_schema);
    BOOST_TEST(old.schema_version() == latest_schema);
    BOOST_TEST(count_rows(url, "schema_version") == applied_migrations);
    BOOST_TEST(old.find_meeting(m.id)->uid == m.uid);
    BOOST_TEST(old.find_feed_token_by_hash("hash-before-upgrade").has_value());
    BOOST_TEST(sign(old, m.id, "efter@example.se").created);
    BOOST_TEST(old.migrate() == latest_schema);
    BOOST_TEST(count_rows(url, "rsvps") == 1);
}

BOOST_AUTO_TEST_CASE(a_version_12_database_keeps_the_links_its_meetings_had_on_their_rows) {
    // Schema 0013 fills linked_networks and linked_documents from the link tables of the meetings
    // there are, then the triggers keep them.
    const auto url = kal::test::fresh_database_url(current_test_name());
    auto old_db = open_database(url, 4, 12);
    calls old(*old_db);
    auto o = old.create_organisation([] { organisation x; x.name = "Föreningen Länken"; return x; }()).id;
    network n;
    n.name = "Integrationsnätverket";
    auto n1 = old.create_network(n).id;
    n.name = "Nätverket för psykisk hälsa";
    auto n2 = old.create_network(n).id;
    meeting linked = at(o, t0, t0 + hour);
    linked.network_ids = {n2, n1};
    linked.documents = {{"Dagordning, utkast: 1", "https://example.org/d?a=1,2"}, {"Bilaga", "https://example.org/b"}};
    auto with = old.create_meeting(linked, venue_overlap::refuse).id;
    auto without = old.create_meeting(at(o, t0 + day, t0 + day + hour), venue_overlap::refuse).id;

    BOOST_TEST(old.migrate() == latest_schema);
    BOOST_TEST(meetings_linked_wrong(url) == 0);
    auto kept = old.find_meeting(with);
    BOOST_REQUIRE(kept);
    BOOST_TEST(kept->network_ids == (std::vector<db_id>{n1, n2}), boost::test_tools::per_element());
    BOOST_TEST((kept->documents == linked.documents));
    BOOST_TEST(old.find_meeting(without)->network_ids.empty());
    BOOST_TEST(old.find_meeting(without)->documents.empty());
    // The triggers keep them from then on.
    kept->network_ids = {n1};
    old.update_meeting(*kept, venue_overlap::refuse);
    BOOST_TEST(meetings_linked_wrong(url) == 0);
    BOOST_TEST(old.find_meeting(with)->network_ids == (std::vector<db_id>{n1}), boost::test_tools::per_element());
}

// ----- units of work ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_unit_of_work_commits_all_of_its_writes_or_none) {
    fresh_store f;
    auto counter = f.db->change_counter();
    // Several repositories, one transaction: a failure at the end leaves nothing of the start.
    try {
        f.database_->write(t0, [&](unit_of_work& w) {
            organisation o;
            o.name = "Aldrig skriven förening";
            auto stored = organisations{w}.create(o);
            venue v;
            v.name = "Aldrig skriven lokal";
            venues{w}.create(v);
            meetings{w}.create(at(stored.id, t0, t0 + hour, 424242), venue_overlap::refuse);
        });
        BOOST_FAIL("an unknown venue was accepted");
    } catch (const invalid_reference& e) {
        BOOST_TEST(e.field == "venue_id");
    }
    BOOST_TEST(count_rows(f.url, "organisations") == 0);
    BOOST_TEST(count_rows(f.url, "venues") == 0);
    BOOST_TEST(f.db->change_counter() == counter);
    BOOST_TEST(kal::test::dump_all_text(f.url).find("Aldrig skriven") == std::string::npos);

    // The same writes without the failure: all of them, the counter raised once, at the caller's now.
    auto made = f.database_->write(t0 + 5, [&](unit_of_work& w) {
        organisation o;
        o.name = "Skriven förening";
        auto stored = organisations{w}.create(o);
        venue v;
        v.name = "Skriven lokal";
        venues{w}.create(v);
        return meetings{w}.create(at(stored.id, t0, t0 + hour), venue_overlap::refuse);
    });
    BOOST_TEST(made.created_at == t0 + 5);
    BOOST_TEST(f.db->find_organisation(made.organisation_id)->created_at == t0 + 5);
    BOOST_TEST(count_rows(f.url, "venues") == 1);
    BOOST_TEST(f.db->change_counter() == counter + 1);
}

BOOST_AUTO_TEST_CASE(transactions_are_counted_one_per_unit_of_work) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 10);
    api_token organiser;
    organiser.name = "Arrangör";
    organiser.organisation_id = f.db->find_meeting(m)->organisation_id;
    f.db->create_token(organiser, "hash-organiser");

    // An organiser's sign-up: who the token is, who organises the meeting and the sign-up itself,
    // in one transaction.
    auto before = testing::transactions_started();
    auto result = f.database_->write(before_start, [&](unit_of_work& w) {
        auto token = api_tokens{w}.find_by_hash("hash-organiser");
        auto meeting = meetings{w}.find(m);
        BOOST_REQUIRE(token && meeting);
        BOOST_TEST(*token->organisation_id == meeting->organisation_id);
        return rsvps{w}.sign_up(person(m, "hand@example.se"), fresh_token_hash(), signed_up_by::organiser);
    });
    BOOST_TEST(result.created);
    BOOST_TEST(testing::transactions_started() - before == 1u);

    // A feed cache miss: the counter, the scope by slug and the feed, in one snapshot.
    before = testing::transactions_started();
    auto snap = f.database_->snapshot([&](unit_of_work& w) {
        auto counter = feeds{w}.change_counter();
        auto org = organisations{w}.find(organiser.organisation_id.value());
        BOOST_REQUIRE(org);
        auto scope = organisations{w}.find_by_slug(org->slug);
        feed_filter filter;
        filter.from_utc = t0 - day;
        filter.to_utc = t0 + day;
        filter.organisation_ids = {scope->id};
        auto s = feeds{w}.load(filter);
        BOOST_TEST(s.change_counter == counter);
        return s;
    });
    BOOST_TEST(snap.meetings.size() == 1u);
    BOOST_TEST(testing::transactions_started() - before == 1u);

    // A unit that fails still took one transaction, and rolled it back.
    before = testing::transactions_started();
    BOOST_CHECK_THROW(f.database_->write(before_start, [&](unit_of_work& w) { meetings{w}.remove(m + 1000); }),
                      not_found);
    BOOST_TEST(testing::transactions_started() - before == 1u);
}

BOOST_AUTO_TEST_CASE(repositories_refuse_writes_in_read_units_and_feeds_need_a_snapshot) {
    fresh_store f;
    auto o = f.org();
    auto kind_of = [](auto&& call) {
        try {
            call();
        } catch (const kal::db::error& e) {
            return e.kind();
        }
        return error_kind::validation;  // not expected: the call went through
    };
    BOOST_TEST((kind_of([&] {
                    f.database_->read([&](unit_of_work& w) { meetings{w}.create(at(o, t0, t0 + hour), venue_overlap::refuse); });
                }) == error_kind::internal));
    BOOST_TEST((kind_of([&] {
                    f.database_->snapshot([&](unit_of_work& w) { rsvps{w}.set_quota(1, 2); });
                }) == error_kind::internal));
    BOOST_TEST((kind_of([&] { f.database_->read([&](unit_of_work& w) { feeds{w}.load({}); }); }) ==
                error_kind::internal));
    BOOST_TEST((kind_of([&] { f.database_->write(t0, [&](unit_of_work& w) { feeds{w}.load({}); }); }) ==
                error_kind::internal));
    BOOST_TEST(count_rows(f.url, "meetings") == 0);
    // Reads see no clock.
    BOOST_TEST(f.database_->read([](unit_of_work& w) { return w.now(); }) == 0);
    BOOST_TEST(f.database_->write(t0 + 7, [](unit_of_work& w) { return w.now(); }) == t0 + 7);
    BOOST_TEST(f.database_->read([](unit_of_work& w) { return w.is_write(); }) == false);
}

BOOST_AUTO_TEST_CASE(local_feed_commits_count_committed_feed_changes_only) {
    fresh_store f;
    auto& db = *f.database_;
    auto start = db.local_feed_commits();
    auto o = f.org();
    BOOST_TEST(db.local_feed_commits() == start + 1);
    auto m = meeting_with_capacity(f, 1);  // an organisation and a meeting: two units
    BOOST_TEST(db.local_feed_commits() == start + 3);
    sign(*f.db, m, "a@example.se");  // sign-ups do not change feeds
    f.db->set_meeting_quota(m, 2);
    api_token admin;
    admin.role = token_role::admin;
    admin.name = "Drift";
    f.db->create_token(admin, "hash-admin");
    BOOST_TEST(db.local_feed_commits() == start + 3);
    // A failed feed-visible unit is not counted, nor is one that changed nothing.
    BOOST_CHECK_THROW(f.db->delete_organisation(o + 1000), not_found);
    f.db->cancel_meeting(m);
    f.db->cancel_meeting(m);
    BOOST_TEST(db.local_feed_commits() == start + 4);
    // Several feed-visible writes in one unit raise the counter once.
    auto counter = f.db->change_counter();
    db.write(t0, [&](unit_of_work& w) {
        organisation x;
        x.name = "X";
        organisations{w}.create(x);
        organisations{w}.create(x);
    });
    BOOST_TEST(db.local_feed_commits() == start + 5);
    BOOST_TEST(f.db->change_counter() == counter + 1);
}

BOOST_AUTO_TEST_CASE(a_deadlocked_unit_runs_again_and_returns_what_its_last_attempt_returned) {
    // Two units lock two meetings in opposite order; PostgreSQL breaks the deadlock by failing
    // one, which database::write runs again. (On SQLite BEGIN IMMEDIATE serialises writers, so
    // they cannot deadlock, and the barrier below would wait forever.)
    if (kal::test::test_backend() != "postgresql") return;
    fresh_store f;
    auto first = meeting_with_capacity(f, 5), second = meeting_with_capacity(f, 5);
    std::barrier both_hold_one(2);
    std::atomic<int> attempts{0};
    auto lock_in_order = [&](db_id a, db_id b) {
        bool waited = false;
        return f.database_->write(t0, [&](unit_of_work& w) {
            int attempt = ++attempts;
            rsvps{w}.set_quota(a, 2);  // takes the meeting's lock
            if (!waited) {
                waited = true;
                both_hold_one.arrive_and_wait();
            }
            rsvps{w}.set_quota(b, 3);
            return attempt;
        });
    };
    int result_a = 0, result_b = 0;
    std::thread ta([&] { result_a = lock_in_order(first, second); });
    std::thread tb([&] { result_b = lock_in_order(second, first); });
    ta.join();
    tb.join();
    // One of them ran again (under load PostgreSQL may pick a victim more than once), and the
    // retried one returned what its last attempt returned.
    BOOST_TEST(attempts.load() >= 3);
    BOOST_TEST(std::max(result_a, result_b) == attempts.load());
    BOOST_TEST(f.db->meeting_quota(first).has_value());
    BOOST_TEST(f.db->meeting_quota(second).has_value());
}

// ----- the error family -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(refused_values_are_invalid_value_naming_the_field_never_invalid_argument) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 5);
    auto field_of = [](auto&& call) -> std::string {
        try {
            call();
        } catch (const invalid_value& e) {
            BOOST_TEST((e.kind() == error_kind::validation));
            return e.field;
        } catch (const std::invalid_argument&) {
            return "(invalid_argument)";
        }
        return "(accepted)";
    };
    BOOST_TEST(field_of([&] { sign(*f.db, m, "a@example.se", 0); }) == "party_size");
    BOOST_TEST(field_of([&] { sign(*f.db, m, ""); }) == "email");
    auto r = sign(*f.db, m, "b@example.se").stored;
    BOOST_TEST(field_of([&] { f.db->update_rsvp(r.id, -1, ""); }) == "party_size");
    BOOST_TEST(field_of([&] { f.db->set_meeting_quota(m, 0); }) == "per_organisation");
    checkin c;
    c.meeting_id = m;
    c.name = "Gösta";
    c.people = -2;
    BOOST_TEST(field_of([&] { f.db->check_in(c); }) == "people");
    c.name.clear();
    c.people = 0;
    BOOST_TEST(field_of([&] { f.db->check_in(c); }) == "name");
    feed_filter too_many;
    too_many.to_utc = t0 + day;
    for (db_id i = 1; i <= 1001; ++i) too_many.network_ids.push_back(i);
    BOOST_TEST(field_of([&] { f.db->load_feed(too_many); }) == "network_ids");
    // A value outside an enumeration (only a cast can make one) is refused by the column's CHECK.
    auto odd = at(f.org("Udda"), t0, t0 + hour);
    odd.status = static_cast<meeting_status>(42);
    BOOST_TEST(field_of([&] { f.db->create_meeting(odd, venue_overlap::refuse); }) == "status");
    // Text with a NUL: PostgreSQL would cut it, SQLite would keep it; refused on both.
    organisation with_nul;
    with_nul.name = std::string("Före\0ning", 10);
    BOOST_TEST(field_of([&] { f.db->create_organisation(with_nul); }) == "");
    BOOST_CHECK_THROW(f.db->find_organisation_by_slug(std::string("foreningen-odegardet\0x", 22)), invalid_value);
    BOOST_TEST(count_rows(f.url, "meetings") == 1);
    BOOST_TEST(f.db->list_rsvps(m, {}, std::nullopt).size() == 1u);
}

BOOST_AUTO_TEST_CASE(database_errors_carry_no_value_the_database_quoted) {
    fresh_store f;
    auto o = f.org();
    // A UID held by a meeting already: the database's unique key refuses it, and PostgreSQL's
    // DETAIL would quote the key's value.
    auto first = at(o, t0, t0 + hour);
    first.uid = "hemligt-uid-4711@example.org";
    f.db->create_meeting(first, venue_overlap::refuse);
    try {
        f.db->create_meeting(first, venue_overlap::allow);
        BOOST_FAIL("a duplicate uid was stored");
    } catch (const conflict& e) {
        BOOST_TEST(std::string(e.what()).find("hemligt") == std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("4711") == std::string::npos, e.what());
    }
    // Text that is not UTF-8: PostgreSQL refuses it (quoting the bytes), SQLite stores it.
    organisation bad;
    bad.name = "Förening \xff\xfe hemlig";
    organisation_filter search;
    search.q = "\xff hemlig";
    if (f.database_->is_postgresql()) {
        try {
            f.db->create_organisation(bad);
            BOOST_FAIL("invalid UTF-8 was stored on PostgreSQL");
        } catch (const invalid_value& e) {
            std::string what = e.what();
            BOOST_TEST(what.find("0xff") == std::string::npos, what);
            BOOST_TEST(what.find("hemlig") == std::string::npos, what);
            BOOST_TEST(what.find('\xff') == std::string::npos);
        }
        BOOST_CHECK_THROW(f.db->list_organisations(search), invalid_value);
    } else {
        BOOST_TEST(f.db->create_organisation(bad).id > 0);
        BOOST_TEST(f.db->list_organisations(search).items.size() == 1u);
    }
}

BOOST_AUTO_TEST_CASE(every_error_has_its_kind) {
    BOOST_TEST((kal::db::error("x").kind() == error_kind::internal));
    BOOST_TEST((not_found("x").kind() == error_kind::not_found));
    BOOST_TEST((invalid_reference("f", "x").kind() == error_kind::invalid_reference));
    BOOST_TEST((invalid_value("f", "x").kind() == error_kind::validation));
    BOOST_TEST((conflict("f", "x").kind() == error_kind::conflict));
    BOOST_TEST((venue_conflict({1}, "x").kind() == error_kind::venue_conflict));
    BOOST_TEST((sign_up_refused(sign_up_refusal::draft, "x").kind() == error_kind::sign_up_refused));
    BOOST_TEST((unavailable("x").kind() == error_kind::unavailable));
}

// ----- enumerations -------------------------------------------------------------------------------

namespace {

template <class E, std::size_t N, class Parse>
void round_trips(const std::array<E, N>& all, Parse parse, std::vector<std::string_view> expected) {
    BOOST_TEST_REQUIRE(N == expected.size());
    for (std::size_t i = 0; i < N; ++i) {
        BOOST_TEST(to_text(all[i]) == expected[i]);
        BOOST_TEST((parse(expected[i]) == std::optional<E>(all[i])));
        BOOST_TEST(static_cast<std::size_t>(all[i]) == i);  // declaration order, each once
    }
    BOOST_TEST(!parse(""));
    BOOST_TEST(!parse(std::string(expected[0]) + " "));
    std::string upper(expected[0]);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    BOOST_TEST(!parse(upper));
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_enumeration_maps_to_its_stored_text_and_back) {
    // The texts of the columns' CHECKs in db/migrations: they must not change.
    round_trips(all_organisation_kinds, parse_organisation_kind, {"association", "city_unit", "other"});
    round_trips(all_network_kinds, parse_network_kind,
                {"area_network", "local_council", "interest_network", "samrad", "forum", "other"});
    round_trips(all_meeting_types, parse_meeting_type,
                {"fro", "stormote", "network", "samrad", "dialog", "training", "conference", "other"});
    round_trips(all_meeting_statuses, parse_meeting_status, {"draft", "published", "cancelled"});
    round_trips(all_rsvp_statuses, parse_rsvp_status, {"confirmed", "waitlisted", "cancelled"});
    round_trips(all_languages, parse_language, {"sv", "en"});
    round_trips(all_token_roles, parse_token_role, {"admin", "organiser"});
    round_trips(all_user_roles, parse_user_role, {"admin", "organiser"});
    round_trips(all_message_kinds, parse_message_kind,
                {"confirmed", "waitlisted", "promoted", "meeting_changed", "meeting_cancelled", "rsvp_cancelled",
                 "reminder", "sign_in", "invitation"});
    round_trips(all_message_states, parse_message_state, {"pending", "sending", "sent", "failed", "skipped"});
    BOOST_TEST(!parse_meeting_status("archived"));
    BOOST_TEST(!parse_organisation_kind("company"));
}

BOOST_AUTO_TEST_CASE(every_enumerated_value_is_stored_and_read_back_as_itself) {
    fresh_store f;
    for (auto kind : all_organisation_kinds) {
        organisation o;
        o.name = "Förening";
        o.kind = kind;
        auto id = f.db->create_organisation(o).id;
        BOOST_TEST(f.db->find_organisation(id)->kind == kind);
    }
    for (auto kind : all_network_kinds) {
        network n;
        n.name = "Nät";
        n.kind = kind;
        BOOST_TEST(f.db->find_network(f.db->create_network(n).id)->kind == kind);
    }
    auto o = f.org();
    int slot = 0;
    for (auto type : all_meeting_types)
        for (auto status : all_meeting_statuses) {
            auto m = at(o, t0 + slot * hour, t0 + slot * hour + 60, std::nullopt, status);
            ++slot;
            m.type = type;
            auto stored = *f.db->find_meeting(f.db->create_meeting(m, venue_overlap::refuse).id);
            BOOST_TEST(stored.type == type);
            BOOST_TEST(stored.status == status);
        }
    for (auto role : all_token_roles) {
        api_token t;
        t.role = role;
        t.name = "Nyckel";
        t.organisation_id = o;
        f.db->create_token(t, "hash-" + std::string(to_text(role)));
        BOOST_TEST(f.db->find_token_by_hash("hash-" + std::string(to_text(role)))->role == role);
    }
    auto m = meeting_with_capacity(f, 1);
    for (auto lang : all_languages) {
        auto r = person(m, std::string(to_text(lang)) + "@example.se");
        r.language = lang;
        auto stored = f.db->sign_up(r, fresh_token_hash()).stored;
        BOOST_TEST(f.db->find_rsvp(stored.id)->language == lang);
    }
    // rsvp statuses: the first confirmed, the second waitlisted, then cancelled.
    auto list = f.db->list_rsvps(m, {}, std::nullopt);
    BOOST_TEST(list[0].status == rsvp_status::confirmed);
    BOOST_TEST(list[1].status == rsvp_status::waitlisted);
    BOOST_TEST(f.db->cancel_rsvp(list[1].id).cancelled.status == rsvp_status::cancelled);
    for (auto kind : all_message_kinds) {
        new_message msg;
        msg.kind = kind;
        msg.meeting_id = m;
        msg.language = db::language::en;
        msg.dedup_key = "kind:" + std::string(to_text(kind));
        msg.message_id = "<" + msg.dedup_key + "@example.se>";
        BOOST_TEST(f.db->enqueue(msg));
    }
    auto stored = f.db->list_messages(m);
    BOOST_TEST_REQUIRE(stored.size() == all_message_kinds.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
        BOOST_TEST(stored[i].kind == all_message_kinds[i]);
        BOOST_TEST(stored[i].language == db::language::en);
    }
    // Message states are walked through in outbox_tests; here each is read back from a row.
    f.db->now = t0;
    auto claimed = f.db->claim_messages("w", 60, 4);
    BOOST_TEST_REQUIRE(claimed.size() == 4u);
    f.db->mark_sent(claimed[0].id);
    f.db->mark_failed(claimed[1].id, "x");
    f.db->write([&](unit_of_work& w) { outbox{w}.mark_skipped(claimed[2].id, "y"); });
    BOOST_TEST(f.db->find_message(claimed[0].id)->state == message_state::sent);
    BOOST_TEST(f.db->find_message(claimed[1].id)->state == message_state::failed);
    BOOST_TEST(f.db->find_message(claimed[2].id)->state == message_state::skipped);
    BOOST_TEST(f.db->find_message(claimed[3].id)->state == message_state::sending);
    BOOST_TEST(f.db->find_message(stored.back().id)->state == message_state::pending);
}

// ----- availability -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_broken_postgresql_connection_is_unavailable_then_reconnected) {
    if (kal::test::test_backend() != "postgresql") return;
    fresh_store f;
    auto org = f.org();
    database_options o;
    o.url = f.url;
    o.pool_size = 4;
    database raw(o);
    calls db(raw);
    run_concurrently(4, 16, [&](int) { db.ping(); });
    // Terminate the database object's server processes, as a server restart would.
    PGconn* admin = PQconnectdb(f.url.c_str());
    BOOST_REQUIRE(PQstatus(admin) == CONNECTION_OK);
    PGresult* r = PQexec(admin,
                         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    BOOST_TEST(PQresultStatus(r) == PGRES_TUPLES_OK);
    PQclear(r);
    // Until the server processes are gone (a loaded machine may take longer than a moment).
    for (int waited = 0; waited < 100; ++waited) {
        r = PQexec(admin, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND pid <> pg_backend_pid()");
        bool gone = PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "0";
        PQclear(r);
        if (gone) break;
        std::this_thread::sleep_for(50ms);
    }
    PQfinish(admin);
    BOOST_CHECK_THROW(db.find_organisation(org), unavailable);
    BOOST_TEST(raw.pool_in_use() == 0u);
    // Every later call finds its session reconnected, whichever pooled session it gets.
    std::atomic<int> failures{0};
    run_concurrently(8, 64, [&](int) {
        try {
            if (!db.find_organisation(org)) ++failures;
        } catch (const std::exception& e) {
            ++failures;
            BOOST_TEST_MESSAGE(e.what());
        }
    });
    BOOST_TEST(failures.load() == 0);
    BOOST_CHECK_NO_THROW(db.ping());
}

BOOST_AUTO_TEST_CASE(an_unreachable_postgresql_server_is_unavailable) {
    database_options o;
    o.url = "postgresql://kal@127.0.0.1:1/none?connect_timeout=2";
    BOOST_CHECK_THROW(database{o}, unavailable);
}

BOOST_AUTO_TEST_CASE(failed_write_leaves_the_database_and_change_counter_unchanged) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto n = f.net();
    auto m = at(o, t0, t0 + hour, v);
    m.network_ids = {n};
    m.documents = {{"Dokument", "https://example.org/d"}};
    f.db->create_meeting(m, venue_overlap::refuse);
    auto counter = f.db->change_counter();
    std::vector<std::string> tables = {"meetings", "meeting_networks", "meeting_documents", "organisations",
                                       "venues", "networks"};
    std::vector<std::int64_t> counts;
    for (auto& t : tables) counts.push_back(count_rows(f.url, t));

    auto clash = m;
    clash.title = "Spökmöte som aldrig skrevs";
    BOOST_CHECK_THROW(f.db->create_meeting(clash, venue_overlap::refuse), venue_conflict);
    clash.network_ids = {n, 99999};
    clash.venue_id.reset();
    BOOST_CHECK_THROW(f.db->create_meeting(clash, venue_overlap::refuse), invalid_reference);

    for (std::size_t i = 0; i < tables.size(); ++i) BOOST_TEST(count_rows(f.url, tables[i]) == counts[i]);
    BOOST_TEST(f.db->change_counter() == counter);
    BOOST_TEST(kal::test::dump_all_text(f.url).find("Spökmöte") == std::string::npos);
    BOOST_TEST(kal::test::dump_all_text(f.url).find("meetings.title=FRÖ-möte") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
