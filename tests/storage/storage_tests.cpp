// The storage suite: the same cases on whichever database KAL_TEST_DB selects (ctest runs it as
// storage.sqlite and storage.postgresql). Each test gets a fresh, migrated database.
#define BOOST_TEST_MODULE storage
#include <boost/test/unit_test.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <atomic>
#include <barrier>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <soci/soci.h>

#include "kal/db/store.hpp"
#include "kal/db/testing.hpp"
#include "test_db.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using kal::test::count_rows;
using db_id = kal::db::id_t;  // ::id_t of <sys/types.h> makes plain id_t ambiguous here

namespace {

constexpr std::int64_t t0 = 1767258000;  // 2026-01-01 09:00 UTC
constexpr std::int64_t hour = 3600;
constexpr int latest_schema = 5;  // the highest NNNN of db/migrations/*/

std::string current_test_name() {
    return boost::unit_test::framework::current_test_case().p_name;
}

struct fresh_store {
    std::string url = kal::test::fresh_database_url(current_test_name());
    std::unique_ptr<store> db = open(url);

    static std::unique_ptr<store> open(const std::string& url, std::size_t pool = 8) {
        store_options o;
        o.url = url;
        o.pool_size = pool;
        o.lease_timeout = 30s;
        auto s = std::make_unique<store>(o);
        s->migrate();
        return s;
    }

    db_id org(const std::string& name = "Föreningen Ödegärdet") {
        organisation o;
        o.name = name;
        return db->create_organisation(o).id;
    }
    db_id place(const std::string& name = "Träffpunkt Norrby") {
        venue v;
        v.name = name;
        return db->create_venue(v).id;
    }
    db_id net(const std::string& name = "Områdesnätverk Norr") {
        network n;
        n.name = name;
        return db->create_network(n).id;
    }
};

meeting at(db_id organisation_id, std::int64_t start, std::int64_t end, std::optional<db_id> venue_id = {},
           std::string status = "published", std::string title = "FRÖ-möte") {
    meeting m;
    m.type = "fro";
    m.title = std::move(title);
    m.start_local = "2026-01-01T10:00:00";
    m.end_local = "2026-01-01T12:00:00";
    m.start_utc = start;
    m.end_utc = end;
    m.venue_id = venue_id;
    m.organisation_id = organisation_id;
    m.status = std::move(status);
    return m;
}

std::vector<db_id> ids_of(const page<meeting>& p) {
    std::vector<db_id> out;
    for (const auto& m : p.items) out.push_back(m.id);
    return out;
}

template <class F>
void run_concurrently(int threads, int total, F work) {
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (int i = next++; i < total; i = next++) work(i);
        });
    for (auto& t : pool) t.join();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(storage)

// ----- setup and migrations -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(migrate_is_idempotent_and_records_the_version) {
    fresh_store f;
    BOOST_TEST(f.db->schema_version() == latest_schema);
    BOOST_TEST(f.db->migrate() == latest_schema);
    BOOST_TEST(f.db->migrate() == latest_schema);
    BOOST_TEST(count_rows(f.url, "schema_version") == latest_schema);
    BOOST_TEST(f.db->is_postgresql() == (kal::test::test_backend() == "postgresql"));
    auto again = fresh_store::open(f.url);
    BOOST_TEST(again->schema_version() == latest_schema);
    BOOST_TEST(count_rows(f.url, "schema_version") == latest_schema);
}

BOOST_AUTO_TEST_CASE(two_stores_migrating_at_once_apply_the_schema_once) {
    auto url = kal::test::fresh_database_url(current_test_name());
    store_options o;
    o.url = url;
    o.pool_size = 1;
    store a(o), b(o);
    BOOST_TEST(a.schema_version() == 0);
    std::barrier start(2);
    int va = 0, vb = 0;
    std::thread ta([&] { start.arrive_and_wait(); va = a.migrate(); });
    std::thread tb([&] { start.arrive_and_wait(); vb = b.migrate(); });
    ta.join();
    tb.join();
    BOOST_TEST(va == latest_schema);
    BOOST_TEST(vb == latest_schema);
    BOOST_TEST(count_rows(url, "schema_version") == latest_schema);
    BOOST_TEST(count_rows(url, "change_counter") == 1);
}

BOOST_AUTO_TEST_CASE(urls_other_than_sqlite_and_postgresql_are_rejected) {
    store_options o;
    o.url = "mysql://localhost/kal";
    BOOST_CHECK_THROW(store{o}, std::invalid_argument);
    o.url = "sqlite:";
    BOOST_CHECK_THROW(store{o}, std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(sqlite_url_creates_missing_parent_directories) {
    if (kal::test::test_backend() != "sqlite") return;
    auto base = kal::test::fresh_database_url(current_test_name()).substr(7);
    auto dir = std::filesystem::path(base).parent_path() / "var" / "deeper";
    store_options o;
    o.url = "sqlite:" + (dir / "kal.db").string();
    store s(o);
    BOOST_TEST(s.migrate() == latest_schema);
    BOOST_TEST(std::filesystem::exists(dir / "kal.db"));
    BOOST_TEST(s.pool_size() == 4u);
    BOOST_TEST(s.pool_in_use() == 0u);
}

namespace {

// Runs one statement on the test's database with a connection of its own, bypassing the store.
void run_sql(const std::string& url, const std::string& sql) {
    if (url.rfind("sqlite:", 0) == 0) {
        soci::session s("sqlite3", "db=\"" + url.substr(7) + "\"");
        s << sql;
        return;
    }
    PGconn* c = PQconnectdb(url.c_str());
    BOOST_REQUIRE(PQstatus(c) == CONNECTION_OK);
    PGresult* r = PQexec(c, sql.c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string message = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    BOOST_REQUIRE_MESSAGE(ok, sql + ": " + message);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_version_1_database_migrates_to_the_latest_keeping_its_data) {
    fresh_store f;
    auto o = f.org();
    auto m = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    auto counter = f.db->change_counter();
    // Back to what a database made before 0002 looks like.
    f.db.reset();
    for (const char* table : {"reminder_plans", "meeting_reminders", "rsvp_tokens", "outbox", "checkins"})
        run_sql(f.url, std::string("DROP TABLE ") + table);
    run_sql(f.url, "DROP TABLE meeting_quotas");
    run_sql(f.url, "DROP TABLE rsvps");
    run_sql(f.url, "DROP TABLE feed_tokens");
    run_sql(f.url, "DELETE FROM schema_version WHERE version >= 2");
    store_options so;
    so.url = f.url;
    store old(so);
    BOOST_TEST(old.schema_version() == 1);
    BOOST_CHECK_THROW(old.list_feed_tokens(std::nullopt), std::exception);

    BOOST_TEST(old.migrate() == latest_schema);
    BOOST_TEST(old.schema_version() == latest_schema);
    BOOST_TEST(count_rows(f.url, "schema_version") == latest_schema);
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
    BOOST_TEST(count_rows(f.url, "feed_tokens") == 1);
}

// ----- round trips ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(organisation_round_trips_every_field_and_null_contacts) {
    fresh_store f;
    organisation o;
    o.kind = "city_unit";
    o.name = "Föreningen Ödegärdet";
    o.contact_email = "info@odegardet.se";
    o.contact_phone = "033-35 70 00";
    o.contact_public = true;
    auto c = f.db->create_organisation(o);
    BOOST_TEST(c.id > 0);
    BOOST_TEST(c.slug == "foreningen-odegardet");
    BOOST_TEST(c.created_at > 0);
    auto r = f.db->find_organisation(c.id);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->kind == "city_unit");
    BOOST_TEST(r->name == "Föreningen Ödegärdet");
    BOOST_TEST(*r->contact_email == "info@odegardet.se");
    BOOST_TEST(*r->contact_phone == "033-35 70 00");
    BOOST_TEST(r->contact_public);
    BOOST_TEST(r->created_at == c.created_at);
    BOOST_TEST(f.db->find_organisation_by_slug("foreningen-odegardet")->id == c.id);

    r->contact_email.reset();
    r->contact_phone.reset();
    r->contact_public = false;
    r->name = "Ödegärdets förening";
    r->slug.clear();  // keeps the stored slug
    f.db->update_organisation(*r);
    auto u = f.db->find_organisation(c.id);
    BOOST_TEST(!u->contact_email);
    BOOST_TEST(!u->contact_phone);
    BOOST_TEST(!u->contact_public);
    BOOST_TEST(u->name == "Ödegärdets förening");
    BOOST_TEST(u->slug == "foreningen-odegardet");
    BOOST_TEST(!f.db->find_organisation(c.id + 1000));

    organisation missing = *u;
    missing.id = c.id + 1000;
    BOOST_CHECK_THROW(f.db->update_organisation(missing), not_found);
    f.db->delete_organisation(c.id);
    BOOST_TEST(!f.db->find_organisation(c.id));
    BOOST_CHECK_THROW(f.db->delete_organisation(c.id), not_found);
}

BOOST_AUTO_TEST_CASE(network_round_trips_with_sorted_owners) {
    fresh_store f;
    auto a = f.org("Alfa"), b = f.org("Beta");
    network n;
    n.kind = "samrad";
    n.name = "Samråd Väster";
    n.description = "Samråd mellan föreningar och staden";
    n.organisation_ids = {b, a, b};
    auto c = f.db->create_network(n);
    BOOST_TEST(c.slug == "samrad-vaster");
    auto r = f.db->find_network(c.id);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->kind == "samrad");
    BOOST_TEST(r->description == n.description);
    BOOST_TEST(r->organisation_ids == (std::vector<db_id>{a, b}), boost::test_tools::per_element());
    BOOST_TEST(f.db->find_network_by_slug("samrad-vaster")->id == c.id);

    r->organisation_ids = {a};
    r->kind = "forum";
    f.db->update_network(*r);
    auto u = f.db->find_network(c.id);
    BOOST_TEST(u->organisation_ids == (std::vector<db_id>{a}), boost::test_tools::per_element());
    BOOST_TEST(u->kind == "forum");

    name_filter nf;
    nf.organisation_id = a;
    BOOST_TEST(f.db->list_networks(nf).items.size() == 1u);
    nf.organisation_id = b;
    BOOST_TEST(f.db->list_networks(nf).items.empty());

    // The owner's deletion only drops the link.
    f.db->delete_organisation(a);
    BOOST_TEST(f.db->find_network(c.id)->organisation_ids.empty());
    f.db->delete_network(c.id);
    BOOST_TEST(!f.db->find_network(c.id));
    BOOST_CHECK_THROW(f.db->delete_network(c.id), not_found);
}

BOOST_AUTO_TEST_CASE(venue_round_trips_optional_numbers_null_and_set) {
    fresh_store f;
    auto owner = f.org();
    venue v;
    v.name = "Sjöbo Bibliotek";
    v.address = "Sjöbo torg 1, Borås";
    v.capacity = 40;
    v.step_free = true;
    v.hearing_loop = true;
    v.accessible_toilet = true;
    v.accessibility_notes = "Ingång från baksidan";
    v.latitude = 57.7425813;
    v.longitude = 12.9386331;
    v.organisation_id = owner;
    v.shared = true;
    auto c = f.db->create_venue(v);
    auto r = f.db->find_venue(c.id);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->slug == "sjobo-bibliotek");
    BOOST_TEST(r->address == v.address);
    BOOST_TEST(*r->capacity == 40);
    BOOST_TEST(r->step_free);
    BOOST_TEST(r->hearing_loop);
    BOOST_TEST(r->accessible_toilet);
    BOOST_TEST(r->accessibility_notes == v.accessibility_notes);
    BOOST_TEST(*r->latitude == 57.7425813);
    BOOST_TEST(*r->longitude == 12.9386331);
    BOOST_TEST(*r->organisation_id == owner);
    BOOST_TEST(r->shared);
    BOOST_TEST(f.db->find_venue_by_slug("sjobo-bibliotek")->id == c.id);

    r->capacity.reset();
    r->latitude.reset();
    r->longitude.reset();
    r->organisation_id.reset();
    r->step_free = r->hearing_loop = r->accessible_toilet = r->shared = false;
    f.db->update_venue(*r);
    auto u = f.db->find_venue(c.id);
    BOOST_TEST(!u->capacity);
    BOOST_TEST(!u->latitude);
    BOOST_TEST(!u->longitude);
    BOOST_TEST(!u->organisation_id);
    BOOST_TEST(!u->step_free);
    BOOST_TEST(!u->shared);
    f.db->delete_venue(c.id);
    BOOST_TEST(!f.db->find_venue(c.id));
}

BOOST_AUTO_TEST_CASE(meeting_round_trips_every_field_with_documents_and_networks) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto n1 = f.net("Nätverk Ett"), n2 = f.net("Nätverk Två");
    meeting m = at(o, t0, t0 + 2 * hour, v, "draft", "Stormöte om Överenskommelsen");
    m.type = "stormote";
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
    BOOST_TEST(r->type == "stormote");
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
    BOOST_TEST(r->status == "draft");
    BOOST_TEST((r->documents == m.documents));
    BOOST_TEST(r->uid == c.uid);
    BOOST_TEST(r->created_at > 0);
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

BOOST_AUTO_TEST_CASE(tokens_are_found_by_hash_until_revoked) {
    fresh_store f;
    auto o = f.org();
    api_token admin;
    admin.role = "admin";
    admin.name = "Drift";
    auto a = f.db->create_token(admin, "hash-admin");
    api_token organiser;
    organiser.role = "organiser";
    organiser.name = "Ödegärdets nyckel";
    organiser.organisation_id = o;
    auto b = f.db->create_token(organiser, "hash-organiser");

    auto found = f.db->find_token_by_hash("hash-organiser");
    BOOST_REQUIRE(found);
    BOOST_TEST(found->id == b.id);
    BOOST_TEST(found->role == "organiser");
    BOOST_TEST(found->name == "Ödegärdets nyckel");
    BOOST_TEST(*found->organisation_id == o);
    BOOST_TEST(!found->revoked_at);
    BOOST_TEST(!f.db->find_token_by_hash("hash-admin")->organisation_id);
    BOOST_TEST(!f.db->find_token_by_hash("no-such-hash"));
    BOOST_CHECK_THROW(f.db->create_token(admin, "hash-admin"), conflict);

    f.db->revoke_token(a.id);
    BOOST_TEST(!f.db->find_token_by_hash("hash-admin"));
    auto all = f.db->list_tokens();
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0].revoked_at.has_value());
    BOOST_TEST(!all[1].revoked_at.has_value());
    BOOST_CHECK_THROW(f.db->revoke_token(b.id + 100), not_found);

    api_token orphan = organiser;
    orphan.organisation_id.reset();
    try {
        f.db->create_token(orphan, "hash-orphan");
        BOOST_FAIL("an organiser token without organisation was accepted");
    } catch (const invalid_reference& e) {
        BOOST_TEST(e.field == "organisation_id");
    }
    // Tokens do not touch feeds.
    auto before = f.db->change_counter();
    f.db->create_token(admin, "hash-admin-2");
    BOOST_TEST(f.db->change_counter() == before);
}

// ----- slugs ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(slugify_folds_swedish_letters_and_collapses_separators) {
    BOOST_TEST(slugify("Föreningen Ödegärdet") == "foreningen-odegardet");
    BOOST_TEST(slugify("ÅSA & Ärla  – Café Über!") == "asa-arla-cafe-uber");
    BOOST_TEST(slugify("  --Norrby 2026-- ") == "norrby-2026");
    BOOST_TEST(slugify("") == "x");
    BOOST_TEST(slugify("!!!") == "x");
    BOOST_TEST(slugify("日本") == "x");
}

BOOST_AUTO_TEST_CASE(slugs_are_made_from_names_and_suffixed_when_taken) {
    fresh_store f;
    organisation o;
    o.name = "Borås Stad";
    BOOST_TEST(f.db->create_organisation(o).slug == "boras-stad");
    BOOST_TEST(f.db->create_organisation(o).slug == "boras-stad-2");
    BOOST_TEST(f.db->create_organisation(o).slug == "boras-stad-3");
    o.name = "Borås";  // "boras-stad-x" must not make "boras" look taken
    BOOST_TEST(f.db->create_organisation(o).slug == "boras");
    venue v;
    v.name = "Borås Stad";
    BOOST_TEST(f.db->create_venue(v).slug == "boras-stad");  // slugs are unique per table
}

BOOST_AUTO_TEST_CASE(explicit_duplicate_slug_is_a_conflict_on_slug_and_writes_nothing) {
    fresh_store f;
    organisation o;
    o.name = "Första";
    o.slug = "samma";
    f.db->create_organisation(o);
    auto counter = f.db->change_counter();
    o.name = "Andra";
    try {
        f.db->create_organisation(o);
        BOOST_FAIL("duplicate slug accepted");
    } catch (const conflict& e) {
        BOOST_TEST(e.field == "slug");
    }
    BOOST_TEST(count_rows(f.url, "organisations") == 1);
    BOOST_TEST(f.db->change_counter() == counter);

    network n;
    n.name = "N";
    n.slug = "nat";
    f.db->create_network(n);
    BOOST_CHECK_THROW(f.db->create_network(n), conflict);
    venue v;
    v.name = "V";
    v.slug = "lokal";
    auto first = f.db->create_venue(v);
    BOOST_CHECK_THROW(f.db->create_venue(v), conflict);
    // Renaming onto a taken slug is refused too; keeping one's own slug is fine.
    venue w;
    w.name = "W";
    auto second = f.db->create_venue(w);
    second.slug = "lokal";
    BOOST_CHECK_THROW(f.db->update_venue(second), conflict);
    BOOST_CHECK_NO_THROW(f.db->update_venue(first));
}

BOOST_AUTO_TEST_CASE(slugs_stay_unique_under_200_concurrent_creates) {
    fresh_store f;
    std::mutex mu;
    std::set<std::string> slugs;
    std::atomic<int> failures{0};
    run_concurrently(16, 200, [&](int) {
        try {
            organisation o;
            o.name = "Föreningen Ödegärdet";
            auto c = f.db->create_organisation(o);
            std::lock_guard lock(mu);
            slugs.insert(c.slug);
        } catch (const std::exception& e) {
            ++failures;
            BOOST_TEST_MESSAGE(e.what());
        }
    });
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(slugs.size() == 200u);
    BOOST_TEST(slugs.count("foreningen-odegardet") == 1u);
    BOOST_TEST(slugs.count("foreningen-odegardet-200") == 1u);
    BOOST_TEST(count_rows(f.url, "organisations") == 200);
    BOOST_TEST(f.db->pool_in_use() == 0u);
}

// ----- references -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(unknown_references_are_refused_naming_the_field) {
    fresh_store f;
    auto o = f.org();
    auto field_of = [](auto&& call) -> std::string {
        try {
            call();
        } catch (const invalid_reference& e) {
            return e.field;
        }
        return "(accepted)";
    };
    BOOST_TEST(field_of([&] { f.db->create_meeting(at(o + 99, t0, t0 + hour), venue_overlap::refuse); }) ==
               "organisation_id");
    BOOST_TEST(field_of([&] { f.db->create_meeting(at(o, t0, t0 + hour, 424242), venue_overlap::refuse); }) ==
               "venue_id");
    BOOST_TEST(field_of([&] {
                   auto m = at(o, t0, t0 + hour);
                   m.network_ids = {777};
                   f.db->create_meeting(m, venue_overlap::refuse);
               }) == "network_ids");
    BOOST_TEST(field_of([&] {
                   network n;
                   n.name = "N";
                   n.organisation_ids = {o, o + 5};
                   f.db->create_network(n);
               }) == "organisation_ids");
    BOOST_TEST(field_of([&] {
                   venue v;
                   v.name = "V";
                   v.organisation_id = o + 7;
                   f.db->create_venue(v);
               }) == "organisation_id");
    BOOST_TEST(field_of([&] {
                   series s;
                   s.fields = at(o, t0, t0 + hour, 31337);
                   s.rrule = "FREQ=WEEKLY;COUNT=2";
                   f.db->create_series(s, {}, venue_overlap::refuse);
               }) == "venue_id");
    BOOST_TEST(count_rows(f.url, "meetings") == 0);
    BOOST_TEST(count_rows(f.url, "networks") == 0);
    BOOST_TEST(count_rows(f.url, "venues") == 0);
    BOOST_TEST(count_rows(f.url, "series") == 0);
}

BOOST_AUTO_TEST_CASE(values_outside_the_enumerations_are_refused) {
    fresh_store f;
    auto o = f.org();
    auto m = at(o, t0, t0 + hour);
    m.status = "archived";
    BOOST_CHECK_THROW(f.db->create_meeting(m, venue_overlap::refuse), std::invalid_argument);
    organisation bad;
    bad.name = "X";
    bad.kind = "company";
    BOOST_CHECK_THROW(f.db->create_organisation(bad), std::invalid_argument);
    BOOST_TEST(count_rows(f.url, "meetings") == 0);
}

BOOST_AUTO_TEST_CASE(deleting_a_referenced_organisation_or_venue_is_a_conflict_and_changes_nothing) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto m = f.db->create_meeting(at(o, t0, t0 + hour, v), venue_overlap::refuse);
    auto counter = f.db->change_counter();
    BOOST_CHECK_THROW(f.db->delete_organisation(o), conflict);
    BOOST_CHECK_THROW(f.db->delete_venue(v), conflict);
    BOOST_TEST(count_rows(f.url, "organisations") == 1);
    BOOST_TEST(count_rows(f.url, "venues") == 1);
    BOOST_TEST(f.db->find_meeting(m.id).has_value());
    BOOST_TEST(f.db->change_counter() == counter);
    f.db->delete_meeting(m.id);
    f.db->delete_venue(v);
    f.db->delete_organisation(o);
    BOOST_TEST(count_rows(f.url, "organisations") == 0);
}

BOOST_AUTO_TEST_CASE(deleting_a_network_keeps_its_meetings_without_the_link) {
    fresh_store f;
    auto o = f.org();
    auto n = f.net();
    auto m = at(o, t0, t0 + hour);
    m.network_ids = {n};
    auto c = f.db->create_meeting(m, venue_overlap::refuse);
    f.db->delete_network(n);
    auto r = f.db->find_meeting(c.id);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->network_ids.empty());
}

// ----- venue bookings ---------------------------------------------------------------------------

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
    auto draft = f.db->create_meeting(at(o, t0 + 5 * hour, t0 + 6 * hour, v, "draft"), venue_overlap::refuse);
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
    BOOST_CHECK_NO_THROW(f.db->create_meeting(at(o, t0, t0 + 2 * hour, v, "cancelled"), venue_overlap::refuse));
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

// ----- sequence ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(sequence_rises_on_time_place_or_status_change_and_not_on_title) {
    fresh_store f;
    auto o = f.org();
    auto v = f.place();
    auto m = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    BOOST_TEST(m.sequence == 0);
    m.title = "Nytt namn";
    m.description = "Ny text";
    m = f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(m.sequence == 0);
    m.start_utc += hour;
    m.end_utc += hour;
    m.start_local = "2026-01-01T11:00:00";
    m = f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(m.sequence == 1);
    m.venue_id = v;
    m = f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(m.sequence == 2);
    m.online_url = "https://meet.example.org/x";
    m = f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(m.sequence == 3);
    m.status = "draft";
    m = f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(m.sequence == 4);
    BOOST_TEST(f.db->find_meeting(m.id)->sequence == 4);
    BOOST_TEST(!f.db->find_meeting(m.id)->overridden);  // not part of a series
}

BOOST_AUTO_TEST_CASE(cancel_raises_sequence_once_and_is_idempotent) {
    fresh_store f;
    auto o = f.org();
    auto m = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    auto c = f.db->cancel_meeting(m.id);
    BOOST_TEST(c.status == "cancelled");
    BOOST_TEST(c.sequence == 1);
    auto counter = f.db->change_counter();
    auto again = f.db->cancel_meeting(m.id);
    BOOST_TEST(again.sequence == 1);
    BOOST_TEST(f.db->find_meeting(m.id)->sequence == 1);
    BOOST_TEST(f.db->change_counter() == counter);
}

// ----- listing ----------------------------------------------------------------------------------

namespace {

struct listing : fresh_store {
    db_id org_a = org("Alfa"), org_b = org("Beta");
    db_id venue_a = place("Lokal A");
    db_id net_a = net("Nät A");
    db_id m_fro, m_network, m_draft_a, m_draft_b, m_cancelled, m_percent, m_later;

    listing() {
        auto m = at(org_a, t0, t0 + hour, venue_a, "published", "FRÖ-möte i Norrby");
        m_fro = db->create_meeting(m, venue_overlap::refuse).id;
        m = at(org_b, t0 + 2 * hour, t0 + 3 * hour, std::nullopt, "published", "Nätverksträff");
        m.type = "network";
        m.network_ids = {net_a};
        m.theme = "Trygghet i Sjöbo";
        m_network = db->create_meeting(m, venue_overlap::refuse).id;
        m_draft_a = db->create_meeting(at(org_a, t0 + 4 * hour, t0 + 5 * hour, std::nullopt, "draft", "Utkast A"),
                                       venue_overlap::refuse)
                        .id;
        m_draft_b = db->create_meeting(at(org_b, t0 + 4 * hour, t0 + 5 * hour, std::nullopt, "draft", "Utkast B"),
                                       venue_overlap::refuse)
                        .id;
        m_cancelled = db->create_meeting(at(org_a, t0 + 6 * hour, t0 + 7 * hour, std::nullopt, "cancelled", "Inställt"),
                                         venue_overlap::refuse)
                          .id;
        m = at(org_b, t0 + 8 * hour, t0 + 9 * hour, std::nullopt, "published", "Budget 100% klar");
        m.description = "Genomgång";
        m_percent = db->create_meeting(m, venue_overlap::refuse).id;
        m = at(org_a, t0 + 48 * hour, t0 + 49 * hour, std::nullopt, "published", "Senare möte");
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
    f.from_utc = t0 + hour;  // ends after: the first meeting ends exactly then, so it is out
    f.to_utc = t0 + 6 * hour;  // starts before: the cancelled one starts exactly then, so it is out
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_network, l.m_draft_a, l.m_draft_b}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(listing_filters_by_type_network_organisation_venue_and_status) {
    listing l;
    meeting_filter f;
    f.types = {"network"};
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_network}), boost::test_tools::per_element());
    f = {};
    f.types = {"network", "fro"};
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
    f.statuses = {"cancelled"};
    BOOST_TEST(l.list(f) == (std::vector<db_id>{l.m_cancelled}), boost::test_tools::per_element());
    f = {};
    f.statuses = {"draft"};
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

BOOST_AUTO_TEST_CASE(listing_named_things_pages_by_id_and_filters_by_name) {
    fresh_store f;
    for (int i = 0; i < 10; ++i) f.org("Förening " + std::to_string(i));
    organisation unit;
    unit.name = "Stadsdelsförvaltning";
    unit.kind = "city_unit";
    f.db->create_organisation(unit);
    name_filter nf;
    nf.limit = 4;
    std::set<db_id> seen;
    for (;;) {
        auto p = f.db->list_organisations(nf);
        for (auto& o : p.items) seen.insert(o.id);
        if (!p.next) break;
        nf.after = p.next;
    }
    BOOST_TEST(seen.size() == 11u);
    nf = {};
    nf.q = "förening 1";  // SQLite folds ASCII only: "FÖRENING" would not match there
    BOOST_TEST(f.db->list_organisations(nf).items.size() == 1u);
    nf = {};
    nf.kind = "city_unit";
    BOOST_TEST(f.db->list_organisations(nf).items.size() == 1u);
    BOOST_TEST(f.db->list_venues({}).items.empty());
}

// ----- series -----------------------------------------------------------------------------------

namespace {

std::vector<occurrence> weekly(int count, int skip = -1) {
    std::vector<occurrence> out;
    for (int i = 0; i < count; ++i) {
        if (i == skip) continue;
        occurrence o;
        char day[32];
        std::snprintf(day, sizeof day, "2026-01-%02dT10:00:00", 1 + 7 * i);
        o.recurrence_id = day;
        o.start_local = o.recurrence_id;
        o.end_local = o.recurrence_id.substr(0, 11) + "12:00:00";
        o.start_utc = t0 + i * 7 * 24 * hour;
        o.end_utc = o.start_utc + 2 * hour;
        out.push_back(o);
    }
    return out;
}

series template_series(db_id org, std::optional<db_id> venue, std::vector<db_id> nets = {}) {
    series s;
    static_cast<meeting_fields&>(s.fields) = at(org, t0, t0 + 2 * hour, venue);
    s.fields.title = "Veckoträff";
    s.fields.network_ids = std::move(nets);
    s.fields.documents = {{"Stadgar", "https://example.org/stadgar"}};
    s.rrule = "FREQ=WEEKLY;COUNT=4";
    return s;
}

}  // namespace

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
    name_filter nf;
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
    changed = f.db->update_meeting(changed, venue_overlap::refuse);
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
    auto updated = f.db->update_series(next, weekly(3), venue_overlap::refuse);
    BOOST_TEST(updated.sequence == 1);  // the place changed

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

    series missing = updated;
    missing.id += 100;
    BOOST_CHECK_THROW(f.db->update_series(missing, weekly(3), venue_overlap::refuse), not_found);
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

// ----- feeds ------------------------------------------------------------------------------------

namespace {

std::vector<db_id> ids_of(const std::vector<meeting>& ms) {
    std::vector<db_id> out;
    for (const auto& m : ms) out.push_back(m.id);
    return out;
}

template <class T>
std::vector<db_id> ids_of_all(const std::vector<T>& items) {
    std::vector<db_id> out;
    for (const auto& x : items) out.push_back(x.id);
    return out;
}

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
        m.type = "network";
        m.network_ids = {net_2};
        network_meeting = db->create_meeting(m, venue_overlap::refuse).id;
        m = at(org_a, t0 + 4 * hour, t0 + 5 * hour, venue_2);
        m.type = "samrad";
        m.network_ids = {net_1, net_2};
        samrad = db->create_meeting(m, venue_overlap::refuse).id;
        draft =
            db->create_meeting(at(org_a, t0 + 5 * hour, t0 + 6 * hour, venue_unused, "draft"), venue_overlap::refuse)
                .id;
        m = at(org_b, t0 + 6 * hour, t0 + 7 * hour, std::nullopt, "cancelled");
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
    f.types = {"samrad", "network"};
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
    f.types = {"fro", "samrad"};
    f.network_ids = {w.net_2};
    BOOST_TEST(w.feed(f) == (v{w.samrad}), boost::test_tools::per_element());
    f.organisation_ids = {w.org_b};
    BOOST_TEST(w.feed(f).empty());
    f = w.all();
    f.venue_ids = {w.venue_1, w.venue_2};
    f.meeting_ids = {w.samrad, w.network_meeting};
    BOOST_TEST(w.feed(f) == (v{w.samrad}), boost::test_tools::per_element());
    // Too long a filter is refused before it reaches the database.
    f = w.all();
    for (db_id i = 1; i <= 1001; ++i) f.meeting_ids.push_back(i);
    BOOST_CHECK_THROW(w.db->load_feed(f), std::invalid_argument);
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
    std::vector<meeting> batch;
    for (int i = 0; i < 500; ++i) {
        auto m = at(o, t0 + hour + i * hour, t0 + hour + i * hour + 1800);
        m.network_ids = {n};
        m.documents = {{"Agenda", "https://example.org/" + std::to_string(i)}};
        batch.push_back(m);
    }
    auto saved = f.db->save_meetings(batch, venue_overlap::refuse);

    auto statements_for = [&](const feed_filter& filter, std::size_t expected_meetings) {
        auto before = kal::db::testing::statements_started();
        auto snap = f.db->load_feed(filter);
        auto taken = kal::db::testing::statements_started() - before;
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
    // BEGIN, 14 queries, COMMIT (see store::load_feed).
    BOOST_TEST(all == 16u);
    // The counter sees every statement: a find is BEGIN, the meeting, its networks and
    // documents, COMMIT.
    auto before = kal::db::testing::statements_started();
    BOOST_TEST(f.db->find_meeting(saved.front().id).has_value());
    BOOST_TEST(kal::db::testing::statements_started() - before == 5u);
}

// ----- saving several meetings -----------------------------------------------------------------

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

    auto first = at(o, t0 + 5 * hour, t0 + 6 * hour, v, "published", "Första som aldrig skrevs");
    first.network_ids = {n};
    first.documents = {{"Bilaga", "https://example.org/b"}};
    auto changed = existing;
    changed.title = "Ändring som aldrig skrevs";
    changed.start_utc += hour;
    auto clash = at(o, t0 + hour, t0 + 3 * hour, v);
    try {
        f.db->save_meetings({first, changed, clash}, venue_overlap::refuse);
        BOOST_FAIL("overlap accepted");
    } catch (const venue_conflict& e) {
        BOOST_TEST(e.meeting_ids == (std::vector<db_id>{booked.id}), boost::test_tools::per_element());
    }
    // Two new meetings of one call clash with each other as well.
    auto twin = at(o, t0 + 20 * hour, t0 + 21 * hour, v);
    BOOST_CHECK_THROW(f.db->save_meetings({twin, twin}, venue_overlap::refuse), venue_conflict);

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
    auto ok = at(o, t0 + 2 * hour, t0 + 3 * hour, std::nullopt, "published", "Aldrig skrivet");
    try {
        f.db->save_meetings({ok, at(o, t0, t0 + hour, 424242)}, venue_overlap::refuse);
        BOOST_FAIL("unknown venue accepted");
    } catch (const invalid_reference& e) {
        BOOST_TEST(e.field == "venue_id");
    }
    auto missing = existing;
    missing.id = existing.id + 1000;
    BOOST_CHECK_THROW(f.db->save_meetings({ok, missing}, venue_overlap::refuse), not_found);
    auto bad_type = ok;
    bad_type.type = "party";
    BOOST_CHECK_THROW(f.db->save_meetings({ok, bad_type}, venue_overlap::refuse), std::invalid_argument);
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

    auto fresh = at(o, t0 + 5 * hour, t0 + 6 * hour, v, "published", "Nytt möte");
    fresh.sequence = 7;  // ignored: new meetings start at 0
    auto imported = at(o, t0 + 7 * hour, t0 + 8 * hour);
    imported.uid = "imported-9@example.org";
    moved.start_utc += hour;
    moved.end_utc += hour;
    moved.start_local = "2026-01-01T11:00:00";
    renamed.title = "Nytt namn";
    auto saved = f.db->save_meetings({fresh, moved, imported, renamed}, venue_overlap::refuse);

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
    BOOST_TEST(f.db->save_meetings({}, venue_overlap::refuse).empty());
    BOOST_TEST(f.db->change_counter() == counter + 1);
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
    t.types = {"samrad", "fro", "samrad"};
    t.network_ids = {n2, n1};
    t.organisation_ids = {b, a};
    auto c = f.db->create_feed_token(t, "hash-a");
    BOOST_TEST(c.id > 0);
    BOOST_TEST(c.created_at > 0);
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
    BOOST_TEST(found->types == (std::vector<std::string>{"fro", "samrad"}), boost::test_tools::per_element());
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
    f.db->revoke_feed_token(c.id);
    // Revoking does: every instance's cached copy of that private feed must stop answering.
    BOOST_TEST(f.db->change_counter() == counter + 1);
    BOOST_TEST(!f.db->find_feed_token_by_hash("hash-a"));
    auto revoked = f.db->find_feed_token(c.id);
    BOOST_REQUIRE(revoked);
    BOOST_TEST(revoked->revoked_at.has_value());
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
    t.types = {"samrad"};
    auto c = f.db->create_feed_token(t, "hash-old");
    auto r = f.db->rotate_feed_token(c.id, "hash-new");
    BOOST_TEST(r.id == c.id);
    BOOST_TEST(r.rotated_at >= c.created_at);
    BOOST_TEST(r.rotated_at > 0);
    BOOST_TEST(!f.db->find_feed_token_by_hash("hash-old"));
    auto found = f.db->find_feed_token_by_hash("hash-new");
    BOOST_REQUIRE(found);
    BOOST_TEST(found->id == c.id);
    BOOST_TEST(found->types == (std::vector<std::string>{"samrad"}), boost::test_tools::per_element());
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
    auto field_of = [&](feed_token t) -> std::string {
        try {
            f.db->create_feed_token(t, "hash");
        } catch (const invalid_reference& e) {
            return e.field;
        }
        return "(accepted)";
    };
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
    t = {};
    t.types = {"fro", "party"};
    BOOST_CHECK_THROW(f.db->create_feed_token(t, "hash"), std::invalid_argument);
    BOOST_TEST(count_rows(f.url, "feed_tokens") == 0);
}

// ----- change counter and failed writes --------------------------------------------------------

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

// ----- availability -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_broken_postgresql_connection_is_unavailable_then_reconnected) {
    if (kal::test::test_backend() != "postgresql") return;
    fresh_store f;
    auto org = f.org();
    store_options o;
    o.url = f.url;
    o.pool_size = 4;
    store db(o);
    run_concurrently(4, 16, [&](int) { db.ping(); });
    // Terminate the store's server processes, as a server restart would.
    PGconn* admin = PQconnectdb(f.url.c_str());
    BOOST_REQUIRE(PQstatus(admin) == CONNECTION_OK);
    PGresult* r = PQexec(admin,
                         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    BOOST_TEST(PQresultStatus(r) == PGRES_TUPLES_OK);
    PQclear(r);
    PQfinish(admin);
    std::this_thread::sleep_for(100ms);
    BOOST_CHECK_THROW(db.find_organisation(org), unavailable);
    BOOST_TEST(db.pool_in_use() == 0u);
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
    store_options o;
    o.url = "postgresql://kal@127.0.0.1:1/none?connect_timeout=2";
    BOOST_CHECK_THROW(store{o}, unavailable);
}

// ----- sign-ups (RSVPs) -------------------------------------------------------------------------

namespace {

constexpr std::int64_t day = 24 * hour;
constexpr std::int64_t before_start = t0 - day;  // "now" for sign-ups to meetings at t0

std::atomic<int> token_counter{0};

std::string fresh_token_hash() { return "rsvp-hash-" + std::to_string(++token_counter); }

rsvp person(db_id meeting_id, const std::string& email, int party_size = 1,
            std::optional<db_id> organisation_id = {}) {
    rsvp r;
    r.meeting_id = meeting_id;
    r.name = "Namn " + email;
    r.email = email;
    r.party_size = party_size;
    r.organisation_id = organisation_id;
    return r;
}

sign_up_result sign(store& db, db_id meeting_id, const std::string& email, int party_size = 1,
                    std::optional<db_id> organisation_id = {}) {
    return db.sign_up(person(meeting_id, email, party_size, organisation_id), fresh_token_hash(), before_start);
}

db_id meeting_with_capacity(fresh_store& f, std::optional<int> capacity) {
    auto m = at(f.org("Arrangör " + std::to_string(++token_counter)), t0, t0 + 2 * hour);
    m.capacity = capacity;
    return f.db->create_meeting(m, venue_overlap::refuse).id;
}

std::vector<rsvp> with_status(store& db, db_id meeting_id, const std::string& status) {
    return db.list_rsvps(meeting_id, {status}, std::nullopt);
}

std::vector<db_id> ids_of(const std::vector<rsvp>& rs) {
    std::vector<db_id> out;
    for (const auto& r : rs) out.push_back(r.id);
    return out;
}

int people(const std::vector<rsvp>& rs) {
    int n = 0;
    for (const auto& r : rs) n += r.party_size;
    return n;
}

// Waitlist positions in list order; they must be 1..N.
std::vector<int> positions(const std::vector<rsvp>& waitlisted) {
    std::vector<int> out;
    for (const auto& r : waitlisted) out.push_back(r.waitlist_position.value_or(-1));
    return out;
}

std::vector<int> one_to(int n) {
    std::vector<int> out;
    for (int i = 1; i <= n; ++i) out.push_back(i);
    return out;
}

template <class F>
void expect_refusal(F&& call, sign_up_refusal reason) {
    try {
        call();
        BOOST_ERROR("the sign-up was not refused");
    } catch (const sign_up_refused& e) {
        BOOST_TEST(static_cast<int>(e.reason) == static_cast<int>(reason));
    }
}

}  // namespace

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
    auto confirmed = with_status(*f.db, m, "confirmed");
    auto waitlisted = with_status(*f.db, m, "waitlisted");
    BOOST_TEST(confirmed.size() == 50u);
    BOOST_TEST(people(confirmed) == 50);
    BOOST_TEST(waitlisted.size() == 450u);
    BOOST_TEST(positions(waitlisted) == one_to(450), boost::test_tools::per_element());
    // Nobody waits who signed up before someone confirmed.
    BOOST_TEST(confirmed.back().id < waitlisted.front().id);
    BOOST_TEST(f.db->change_counter() == counter);  // sign-ups are not feed content
}

BOOST_AUTO_TEST_CASE(cancellations_racing_new_sign_ups_promote_the_head_of_the_waitlist) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 50);
    for (int i = 0; i < 150; ++i) sign(*f.db, m, "early" + std::to_string(i) + "@example.se");
    auto confirmed_before = ids_of(with_status(*f.db, m, "confirmed"));
    auto waitlisted_before = ids_of(with_status(*f.db, m, "waitlisted"));
    BOOST_REQUIRE(confirmed_before.size() == 50u);
    BOOST_REQUIRE(waitlisted_before.size() == 100u);

    std::mutex mutex;
    std::vector<db_id> promoted;
    std::atomic<int> failures{0};
    // 225 jobs: every ninth cancels one of the first 25 confirmed, the others sign up anew.
    run_concurrently(32, 225, [&](int i) {
        try {
            if (i % 9 == 0) {
                auto [cancelled, moved] = f.db->cancel_rsvp(confirmed_before[i / 9]);
                BOOST_TEST(cancelled.status == "cancelled");
                std::lock_guard lock(mutex);
                promoted.insert(promoted.end(), moved.begin(), moved.end());
            } else {
                auto r = sign(*f.db, m, "late" + std::to_string(i) + "@example.se");
                BOOST_TEST(r.stored.status == "waitlisted");  // the waitlist was never empty
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

    auto confirmed = with_status(*f.db, m, "confirmed");
    BOOST_TEST(confirmed.size() == 50u);
    std::vector<db_id> expected(confirmed_before.begin() + 25, confirmed_before.end());
    expected.insert(expected.end(), head.begin(), head.end());
    BOOST_TEST(ids_of(confirmed) == expected, boost::test_tools::per_element());
    auto waitlisted = with_status(*f.db, m, "waitlisted");
    BOOST_TEST(waitlisted.size() == 75u + 200u);
    BOOST_TEST(positions(waitlisted) == one_to(275), boost::test_tools::per_element());
    BOOST_TEST(waitlisted.front().id == waitlisted_before[25]);
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
    auto draft = f.db->create_meeting(at(o, t0, t0 + hour, {}, "draft"), venue_overlap::refuse).id;
    expect_refusal([&] { sign(*f.db, draft, "a@example.se"); }, sign_up_refusal::draft);

    auto cancelled = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse).id;
    f.db->cancel_meeting(cancelled);
    expect_refusal([&] { sign(*f.db, cancelled, "a@example.se"); }, sign_up_refusal::cancelled);

    auto open = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse).id;
    expect_refusal([&] { f.db->sign_up(person(open, "a@example.se"), fresh_token_hash(), t0); },
                   sign_up_refusal::started);

    auto late = at(o, t0, t0 + hour);
    late.registration_deadline_utc = before_start - hour;
    auto with_deadline = f.db->create_meeting(late, venue_overlap::refuse).id;
    expect_refusal([&] { sign(*f.db, with_deadline, "a@example.se"); }, sign_up_refusal::deadline_passed);
    BOOST_TEST(f.db->sign_up(person(with_deadline, "a@example.se"), fresh_token_hash(), before_start - hour).created);

    // Two delegates per association, waitlisted ones counted too.
    auto stormote = meeting_with_capacity(f, 2);
    auto association = f.org("Föreningen Ängsbacken");
    BOOST_TEST(!f.db->meeting_quota(stormote));
    f.db->set_meeting_quota(stormote, 2);
    BOOST_TEST(*f.db->meeting_quota(stormote) == 2);
    sign(*f.db, stormote, "ordf@example.se", 1, association);
    sign(*f.db, stormote, "other@example.se", 2);  // no organisation: no quota, fills the room
    BOOST_TEST(sign(*f.db, stormote, "sekr@example.se", 1, association).stored.status == "waitlisted");
    expect_refusal([&] { sign(*f.db, stormote, "kassor@example.se", 1, association); }, sign_up_refusal::quota_full);
    BOOST_TEST(sign(*f.db, stormote, "free@example.se", 5).created);  // without organisation: ignores it
    BOOST_TEST(f.db->list_rsvps(stormote, {}, association).size() == 2u);
    f.db->set_meeting_quota(stormote, std::nullopt);
    BOOST_TEST(!f.db->meeting_quota(stormote));
    BOOST_TEST(sign(*f.db, stormote, "kassor@example.se", 1, association).created);

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
    BOOST_TEST(a.status == "confirmed");
    BOOST_TEST(a2.status == "confirmed");
    BOOST_TEST(b.status == "waitlisted");
    BOOST_TEST(*b.waitlist_position == 1);
    BOOST_TEST(c.status == "waitlisted");
    BOOST_TEST(*c.waitlist_position == 2);
    BOOST_TEST(f.db->promote_waitlist(m).empty());

    // One more seat: b's party fits (3 of 3), then c is checked and does not.
    auto [cancelled, promoted] = f.db->cancel_rsvp(a2.id);
    BOOST_TEST(cancelled.cancelled_at.has_value());
    BOOST_TEST(promoted == (std::vector<db_id>{b.id}), boost::test_tools::per_element());
    BOOST_TEST(f.db->find_rsvp(b.id)->status == "confirmed");
    BOOST_TEST(!f.db->find_rsvp(b.id)->waitlist_position);
    BOOST_TEST(*f.db->find_rsvp(c.id)->waitlist_position == 1);
    BOOST_TEST(f.db->cancel_rsvp(a2.id).second.empty());  // idempotent

    auto [again, next] = f.db->cancel_rsvp(a.id);
    BOOST_TEST(next == (std::vector<db_id>{c.id}), boost::test_tools::per_element());

    // Enough seats for the head and the one behind it: both, in order.
    auto n = meeting_with_capacity(f, 5);
    auto x = sign(*f.db, n, "x@example.se", 2).stored;
    sign(*f.db, n, "y@example.se", 1);
    auto p = sign(*f.db, n, "p@example.se", 3).stored;
    auto q = sign(*f.db, n, "q@example.se", 1).stored;
    BOOST_TEST(f.db->cancel_rsvp(x.id).second == (std::vector<db_id>{p.id, q.id}), boost::test_tools::per_element());
    BOOST_TEST(people(with_status(*f.db, n, "confirmed")) == 5);
}

BOOST_AUTO_TEST_CASE(capacity_changes_promote_in_the_same_call_and_never_evict) {
    fresh_store f;
    auto id = meeting_with_capacity(f, 3);
    std::vector<db_id> all;
    for (int i = 0; i < 6; ++i) all.push_back(sign(*f.db, id, "p" + std::to_string(i) + "@example.se").stored.id);
    auto m = *f.db->find_meeting(id);

    m.capacity = 1;  // below the three confirmed: nobody is moved
    f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(ids_of(with_status(*f.db, id, "confirmed")) == (std::vector<db_id>{all[0], all[1], all[2]}),
               boost::test_tools::per_element());
    BOOST_TEST(with_status(*f.db, id, "waitlisted").size() == 3u);
    BOOST_TEST(f.db->promote_waitlist(id).empty());

    m.capacity = 5;
    f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(ids_of(with_status(*f.db, id, "confirmed")) ==
                   (std::vector<db_id>{all[0], all[1], all[2], all[3], all[4]}),
               boost::test_tools::per_element());
    auto rest = with_status(*f.db, id, "waitlisted");
    BOOST_REQUIRE(rest.size() == 1u);
    BOOST_TEST(*rest[0].waitlist_position == 1);

    m.capacity = std::nullopt;  // unlimited: everyone
    f.db->update_meeting(m, venue_overlap::refuse);
    BOOST_TEST(with_status(*f.db, id, "confirmed").size() == 6u);
    BOOST_TEST(with_status(*f.db, id, "waitlisted").empty());
    BOOST_TEST(sign(*f.db, id, "late@example.se", 40).stored.status == "confirmed");
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
    BOOST_TEST(waiting.status == "waitlisted");
    sr.fields.capacity = 2;
    f.db->update_series(sr, weekly(2), venue_overlap::refuse);
    BOOST_TEST(f.db->find_rsvp(waiting.id)->status == "confirmed");
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
    BOOST_TEST(kept.status == "confirmed");

    auto shrunk = f.db->update_rsvp(a.id, 1, "rullstol");
    BOOST_TEST(shrunk.party_size == 1);
    BOOST_TEST(shrunk.needs == "rullstol");
    BOOST_TEST(f.db->find_rsvp(c.id)->status == "confirmed");
    BOOST_TEST(people(with_status(*f.db, m, "confirmed")) == 4);

    // A waitlisted party that changes size stays in its place until it fits.
    auto d = sign(*f.db, m, "d@example.se", 3).stored;
    auto e = sign(*f.db, m, "e@example.se", 1).stored;
    BOOST_TEST(f.db->update_rsvp(d.id, 2, "").status == "waitlisted");
    BOOST_TEST(*f.db->find_rsvp(d.id)->waitlist_position == 1);
    f.db->cancel_rsvp(a.id);  // 1 free: d (2) still waits, so does e
    BOOST_TEST(f.db->find_rsvp(e.id)->status == "waitlisted");
    BOOST_TEST(f.db->update_rsvp(d.id, 1, "").status == "confirmed");  // now it fits

    // The organiser overbooks by hand.
    auto forced = f.db->confirm_from_waitlist(e.id);
    BOOST_TEST(forced.status == "confirmed");
    BOOST_TEST(!forced.waitlist_position);
    BOOST_TEST(people(with_status(*f.db, m, "confirmed")) == 5);
    BOOST_TEST(f.db->confirm_from_waitlist(e.id).status == "confirmed");  // idempotent
    BOOST_CHECK_THROW(f.db->update_rsvp(a.id, 1, ""), conflict);          // cancelled
    BOOST_CHECK_THROW(f.db->update_rsvp(a.id + 1000, 1, ""), not_found);
    BOOST_TEST(f.db->change_counter() == counter);
}

BOOST_AUTO_TEST_CASE(anonymised_and_erased_sign_ups_leave_no_trace) {
    fresh_store f;
    auto past = meeting_with_capacity(f, 1);
    auto future = f.db->create_meeting(at(f.org("Framtidsföreningen"), t0 + 30 * day, t0 + 30 * day + hour),
                                       venue_overlap::refuse)
                      .id;
    const std::vector<std::string> names{"Astrid Lindqvist", "Bengt Örnberg", "Cecilia Åkesson"};
    const std::vector<std::string> emails{"astrid.lindqvist@example.se", "bengt.ornberg@example.se",
                                          "cecilia.akesson@example.se"};
    auto association = f.org("Föreningen Ängsbacken");
    std::vector<std::string> hashes;
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto r = person(past, emails[i], 1, association);
        r.name = names[i];
        r.needs = "Hörslinga för " + names[i];
        hashes.push_back("manage-hash-of-" + emails[i]);
        f.db->sign_up(r, hashes.back(), before_start);
    }
    f.db->cancel_rsvp(f.db->list_rsvps(past, {"waitlisted"}, std::nullopt).back().id);
    auto stays = person(future, "dagny.kvist@example.se");
    stays.name = "Dagny Kvist";
    f.db->sign_up(stays, fresh_token_hash(), before_start);
    auto counts = [&](db_id m) {
        std::vector<std::size_t> out;
        for (auto st : rsvp_statuses) out.push_back(with_status(*f.db, m, std::string(st)).size());
        return out;
    };
    auto before = counts(past);

    BOOST_TEST(f.db->anonymise_rsvps_before(t0 + 3 * hour) == 3);
    BOOST_TEST(f.db->anonymise_rsvps_before(t0 + 3 * hour) == 0);
    auto text = kal::test::dump_all_text(f.url);
    for (std::size_t i = 0; i < names.size(); ++i) {
        BOOST_TEST(text.find(names[i]) == std::string::npos, names[i]);
        BOOST_TEST(text.find(emails[i]) == std::string::npos, emails[i]);
        BOOST_TEST(!f.db->find_rsvp_by_token_hash(hashes[i]));
    }
    BOOST_TEST(text.find("Hörslinga") == std::string::npos);
    BOOST_TEST(text.find("Dagny Kvist") != std::string::npos);  // a meeting yet to come is kept
    BOOST_TEST(counts(past) == before, boost::test_tools::per_element());
    for (const auto& r : f.db->list_rsvps(past, {}, std::nullopt)) {
        BOOST_TEST(r.anonymised_at.has_value());
        BOOST_TEST(*r.organisation_id == association);
        BOOST_TEST(r.party_size == 1);
    }

    // Erasure: every sign-up of the address, whatever its letter case, and the seat it held moves on.
    auto other = meeting_with_capacity(f, 1);
    auto held = sign(*f.db, other, "Karin.Svensson@Example.se").stored;
    auto waiting = sign(*f.db, other, "next@example.se").stored;
    auto cancelled = sign(*f.db, future, "karin.svensson@example.se").stored;
    f.db->cancel_rsvp(cancelled.id);
    sign(*f.db, future, "KARIN.SVENSSON@example.se");
    BOOST_TEST(f.db->erase_rsvps_of("karin.Svensson@EXAMPLE.se") == 3);
    BOOST_TEST(!f.db->find_rsvp(held.id));
    BOOST_TEST(f.db->find_rsvp(waiting.id)->status == "confirmed");
    auto lower = kal::test::dump_all_text(f.url);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    BOOST_TEST(lower.find("karin.svensson") == std::string::npos);
    BOOST_TEST(f.db->erase_rsvps_of("karin.svensson@example.se") == 0);
}

BOOST_AUTO_TEST_CASE(quota_counts_free_text_organisations_and_growing_parties) {
    fresh_store f;
    auto known = f.org("Föreningen Ängsbacken");
    auto m = meeting_with_capacity(f, 100);
    f.db->set_meeting_quota(m, 2);
    auto by_name = [&](const std::string& email, const std::string& org, int party = 1) {
        auto r = person(m, email, party);
        r.organisation_name = org;
        return f.db->sign_up(r, fresh_token_hash(), before_start);
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
    BOOST_TEST(f.db->update_rsvp(solo.id, 2, "").party_size == 2);
    expect_quota_full([&] { f.db->update_rsvp(solo.id, 3, ""); });
    // Without an organisation there is no quota.
    for (int i = 0; i < 5; ++i) BOOST_TEST(sign(*f.db, m, "free" + std::to_string(i) + "@example.se").created);
}

BOOST_AUTO_TEST_CASE(check_ins_are_idempotent_and_counted_in_attendance) {
    fresh_store f;
    auto known = f.org("Föreningen Ängsbacken");
    auto m = meeting_with_capacity(f, 3);
    auto a = sign(*f.db, m, "a@example.se", 2, known).stored;  // confirmed, 2 people
    auto b = sign(*f.db, m, "b@example.se", 1).stored;         // confirmed
    auto c = sign(*f.db, m, "c@example.se", 1).stored;         // waitlisted
    auto d = sign(*f.db, m, "d@example.se", 1).stored;         // waitlisted, then cancelled
    f.db->cancel_rsvp(d.id);
    BOOST_TEST(c.status == "waitlisted");

    checkin by_rsvp;
    by_rsvp.meeting_id = m;
    by_rsvp.rsvp_id = a.id;
    auto first = f.db->check_in(by_rsvp);
    BOOST_TEST(first.created);
    BOOST_TEST(first.stored.people == 2);  // the party size of the sign-up
    BOOST_TEST((first.stored.organisation_id == std::optional<db_id>(known)));
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
    BOOST_CHECK_THROW(f.db->check_in(wrong), invalid_reference);
    wrong.meeting_id = m + 1000;
    BOOST_CHECK_THROW(f.db->check_in(wrong), not_found);
    checkin unknown_org;
    unknown_org.meeting_id = m;
    unknown_org.name = "X";
    unknown_org.organisation_id = known + 1000;
    BOOST_CHECK_THROW(f.db->check_in(unknown_org), invalid_reference);
    auto draft = at(f.org("Utkast"), t0, t0 + hour);
    draft.status = "draft";
    checkin at_draft;
    at_draft.meeting_id = f.db->create_meeting(draft, venue_overlap::refuse).id;
    at_draft.name = "X";
    BOOST_CHECK_THROW(f.db->check_in(at_draft), conflict);

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
        if (i % 2) c.rsvp_id = a.id;
        else c.name = "Walk In";
        if (f.db->check_in(c).created) ++created;
    });
    BOOST_TEST(created.load() == 2);
    BOOST_TEST(f.db->list_checkins(m).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_holder_erases_their_sign_up_and_an_admin_sees_all_of_an_address) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 1);
    auto held = sign(*f.db, m, "Karin@Example.se").stored;
    auto next = sign(*f.db, m, "next@example.se").stored;
    auto other = meeting_with_capacity(f, std::nullopt);
    auto second = sign(*f.db, other, "karin@example.se").stored;
    checkin c;
    c.meeting_id = other;
    c.rsvp_id = second.id;
    f.db->check_in(c);
    auto data = f.db->personal_data_of("KARIN@example.se");
    BOOST_TEST(data.rsvps.size() == 2u);
    BOOST_TEST(data.checkins.size() == 1u);
    BOOST_TEST(data.rsvps[0].email == "Karin@Example.se");

    f.db->erase_rsvp(held.id);
    BOOST_TEST(!f.db->find_rsvp(held.id));
    BOOST_TEST(f.db->find_rsvp(next.id)->status == "confirmed");  // the seat moved on
    BOOST_CHECK_THROW(f.db->erase_rsvp(held.id), not_found);
    BOOST_TEST(f.db->erase_rsvps_of("karin@example.se") == 1);
    BOOST_TEST(f.db->list_checkins(other).empty());
    auto lower = kal::test::dump_all_text(f.url);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    BOOST_TEST(lower.find("karin@") == std::string::npos);
    BOOST_TEST(f.db->personal_data_of("karin@example.se").rsvps.empty());
}

BOOST_AUTO_TEST_CASE(anonymisation_blanks_walk_ins_and_keeps_their_counts) {
    fresh_store f;
    auto association = f.org("Föreningen Ängsbacken");
    auto m = meeting_with_capacity(f, std::nullopt);
    auto r = sign(*f.db, m, "signe.berg@example.se", 2, association).stored;
    checkin by_rsvp;
    by_rsvp.meeting_id = m;
    by_rsvp.rsvp_id = r.id;
    f.db->check_in(by_rsvp);
    checkin walk_in;
    walk_in.meeting_id = m;
    walk_in.name = "Yngve Grönkvist";
    walk_in.organisation_id = association;
    f.db->check_in(walk_in);
    auto before = f.db->attendance_of({m}).at(0);
    BOOST_TEST(f.db->anonymise_rsvps_before(t0 + 3 * hour) == 1);
    auto text = kal::test::dump_all_text(f.url);
    BOOST_TEST(text.find("Yngve") == std::string::npos);
    BOOST_TEST(text.find("yngve") == std::string::npos);
    BOOST_TEST(text.find("signe.berg") == std::string::npos);
    auto after = f.db->attendance_of({m}).at(0);
    BOOST_TEST((after.checked_in == before.checked_in));
    BOOST_TEST((after.walk_ins == before.walk_ins));
    BOOST_TEST(after.organisations.size() == 1u);
    BOOST_TEST((after.organisations[0].attended == head_count{2, 3}));
    for (const auto& c : f.db->list_checkins(m)) BOOST_TEST(c.anonymised_at.has_value());
}

namespace {
std::atomic<int> link_counter{0};

// A store that writes mail to its outbox, with predictable link secrets.
std::unique_ptr<store> with_outbox(const std::string& url) {
    store_options o;
    o.url = url;
    o.pool_size = 8;
    o.lease_timeout = 30s;
    o.outbox.enabled = true;
    o.outbox.message_id_domain = "kalendarium.example.se";
    o.outbox.new_link_token = [] {
        auto n = std::to_string(++link_counter);
        return std::pair<std::string, std::string>{"secret-" + n, "link-hash-" + n};
    };
    auto s = std::make_unique<store>(o);
    s->migrate();
    return s;
}

std::map<std::string, std::vector<std::string>> kinds_by_recipient(store& db, db_id meeting) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& m : db.list_messages(meeting)) out[m.recipient].push_back(m.kind);
    return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(sign_up_and_meeting_changes_write_their_messages_in_the_same_transaction) {
    fresh_store f;
    auto db = with_outbox(f.url);
    auto m = meeting_with_capacity(f, 1);
    auto a = sign(*db, m, "a@example.se").stored;
    auto b = sign(*db, m, "b@example.se").stored;  // waitlisted
    auto msgs = db->list_messages(m);
    BOOST_TEST_REQUIRE(msgs.size() == 2u);
    BOOST_TEST(msgs[0].kind == "confirmed");
    BOOST_TEST(msgs[0].recipient == "a@example.se");
    BOOST_TEST(msgs[0].state == "pending");
    BOOST_TEST(msgs[0].message_id == "<kal.confirmed." + std::to_string(a.id) + "@kalendarium.example.se>");
    BOOST_TEST(msgs[1].kind == "waitlisted");
    // The link in the message opens the sign-up, like the one in the answer.
    BOOST_TEST_REQUIRE(msgs[0].link_token.starts_with("secret-"));
    auto hash = "link-hash-" + msgs[0].link_token.substr(7);
    BOOST_TEST(db->find_rsvp_by_token_hash(hash)->id == a.id);
    // A repeated sign-up writes nothing more.
    BOOST_TEST(!sign(*db, m, "A@example.se").created);
    BOOST_TEST(db->list_messages(m).size() == 2u);

    // a cancels: a confirmation for a, and b moves up with an invitation.
    db->cancel_rsvp(a.id);
    auto k = kinds_by_recipient(*db, m);
    BOOST_TEST((k["a@example.se"] == std::vector<std::string>{"confirmed", "rsvp_cancelled"}));
    BOOST_TEST((k["b@example.se"] == std::vector<std::string>{"waitlisted", "promoted"}));
    auto c = sign(*db, m, "c@example.se").stored;  // waitlisted behind b

    // The time changes: the confirmed (b) gets an updated invitation with the new sequence.
    auto meeting = *db->find_meeting(m);
    meeting.start_utc += hour;
    meeting.end_utc += hour;
    auto moved = db->update_meeting(meeting, venue_overlap::refuse);
    BOOST_TEST(moved.sequence == 1);
    k = kinds_by_recipient(*db, m);
    BOOST_TEST(k["b@example.se"].back() == "meeting_changed");
    BOOST_TEST(k["c@example.se"].size() == 1u);  // waitlisted: no invitation to change
    // A change that does not touch time, place or status writes nothing.
    auto before = db->list_messages(m).size();
    moved.description = "Ny beskrivning";
    db->update_meeting(moved, venue_overlap::refuse);
    BOOST_TEST(db->list_messages(m).size() == before);
    // Cancelled: everyone signed up gets METHOD:CANCEL, once.
    db->cancel_meeting(m);
    db->cancel_meeting(m);
    k = kinds_by_recipient(*db, m);
    BOOST_TEST(k["b@example.se"].back() == "meeting_cancelled");
    BOOST_TEST(k["c@example.se"].back() == "meeting_cancelled");
    BOOST_TEST(k["a@example.se"].back() == "rsvp_cancelled");
    std::set<std::string> keys;
    for (const auto& x : db->list_messages(m)) BOOST_TEST(keys.insert(x.dedup_key).second, x.dedup_key);
    (void)b;
    (void)c;

    // A store without the outbox writes none.
    auto quiet = meeting_with_capacity(f, 1);
    sign(*f.db, quiet, "q@example.se");
    BOOST_TEST(f.db->list_messages(quiet).empty());
}

BOOST_AUTO_TEST_CASE(claims_never_hand_one_message_to_two_workers) {
    fresh_store f;
    auto db = with_outbox(f.url);
    auto other = with_outbox(f.url);  // a second instance on the same database
    auto m = meeting_with_capacity(f, std::nullopt);
    for (int i = 0; i < 120; ++i) sign(*db, m, "p" + std::to_string(i) + "@example.se");
    const std::int64_t soon = std::time(nullptr) + 10;  // messages are due from when they were written
    std::mutex mu;
    std::map<db_id, int> claimed;
    std::atomic<int> empty_rounds{0};
    run_concurrently(8, 8, [&](int t) {
        auto& st = t % 2 ? *other : *db;
        while (empty_rounds < 50) {
            auto batch = st.claim_messages("worker-" + std::to_string(t), soon, 60, 7);
            if (batch.empty()) {
                ++empty_rounds;
                continue;
            }
            for (const auto& x : batch) {
                BOOST_TEST(x.state == "sending");
                std::lock_guard lock(mu);
                ++claimed[x.id];
            }
            for (const auto& x : batch) st.mark_sent(x.id, soon);
        }
    });
    BOOST_TEST(claimed.size() == 120u);
    for (const auto& [id, n] : claimed) BOOST_TEST(n == 1, "message " << id << " claimed " << n << " times");
    for (const auto& x : db->list_messages(m)) {
        BOOST_TEST(x.state == "sent");
        BOOST_TEST(x.link_token.empty());  // the secret is forgotten once sent
    }
}

BOOST_AUTO_TEST_CASE(an_expired_claim_is_taken_again_and_failures_wait_and_resend) {
    fresh_store f;
    auto db = with_outbox(f.url);
    auto m = meeting_with_capacity(f, std::nullopt);
    sign(*db, m, "a@example.se");
    const std::int64_t n = std::time(nullptr) + 10;
    auto first = db->claim_messages("crashed", n + 100, 30, 10);
    BOOST_TEST_REQUIRE(first.size() == 1u);
    BOOST_TEST(db->claim_messages("other", n + 120, 30, 10).empty());  // still claimed
    auto again = db->claim_messages("other", n + 131, 30, 10);         // the claim ran out
    BOOST_TEST_REQUIRE(again.size() == 1u);
    BOOST_TEST(again[0].message_id == first[0].message_id);
    BOOST_TEST(again[0].attempts == 2);
    db->mark_retry(again[0].id, n + 500, "connection refused");
    BOOST_TEST(db->claim_messages("w", n + 499, 30, 10).empty());
    auto later = db->claim_messages("w", n + 500, 30, 10);
    BOOST_TEST_REQUIRE(later.size() == 1u);
    BOOST_TEST(later[0].last_error == "connection refused");
    BOOST_CHECK_THROW(db->resend_message(later[0].id, n + 600), conflict);  // not failed
    db->mark_failed(later[0].id, "gave up");
    BOOST_TEST(db->claim_messages("w", n + 10000, 30, 10).empty());
    auto resent = db->resend_message(later[0].id, n + 700);
    BOOST_TEST(resent.state == "pending");
    BOOST_TEST(resent.attempts == 0);
    BOOST_TEST(db->claim_messages("w", n + 700, 30, 10).size() == 1u);
    BOOST_CHECK_THROW(db->resend_message(999999, 1), not_found);
}

BOOST_AUTO_TEST_CASE(reminders_are_planned_once_per_start_and_offset) {
    fresh_store f;
    auto db = with_outbox(f.url);
    auto m = meeting_with_capacity(f, 2);
    sign(*db, m, "a@example.se");
    sign(*db, m, "b@example.se");
    sign(*db, m, "c@example.se");  // waitlisted: no reminder
    // Sign-ups are stamped with the real clock: a due time far ahead includes them all.
    const std::int64_t far = std::time(nullptr) + 100 * day;
    auto candidates = db->reminder_candidates(t0 - 8 * day, t0 + day);
    BOOST_TEST_REQUIRE(candidates.size() == 1u);
    BOOST_TEST(candidates[0].meeting_id == m);
    BOOST_TEST(!candidates[0].offsets.has_value());
    BOOST_TEST(db->plan_reminder(m, t0, day, far, false, t0 - day) == 2);
    BOOST_TEST(db->plan_reminder(m, t0, day, far, false, t0 - day) == -1);  // once
    BOOST_TEST(db->plan_reminder(m, t0, 7 * day, far, true, t0 - day) == 0);  // too late: skipped, none written
    BOOST_TEST(db->plan_reminder(m, t0 + hour, day, far, false, t0 - day) == 0);  // not the current start
    int reminders = 0;
    for (const auto& x : db->list_messages(m)) reminders += x.kind == "reminder";
    BOOST_TEST(reminders == 2);
    // Who signed up after a reminder was due does not get it.
    BOOST_TEST(db->plan_reminder(m, t0, 2 * day, std::time(nullptr) - 3600, false, t0 - day) == 0);
    db->set_meeting_reminders(m, std::vector<std::int64_t>{3 * day, 2 * hour});
    BOOST_TEST((*db->meeting_reminders(m) == std::vector<std::int64_t>{3 * day, 2 * hour}));
    BOOST_TEST((*db->reminder_candidates(t0 - day, t0).at(0).offsets == std::vector<std::int64_t>{3 * day, 2 * hour}));
    db->set_meeting_reminders(m, std::vector<std::int64_t>{});
    BOOST_TEST(db->meeting_reminders(m)->empty());
    db->set_meeting_reminders(m, std::nullopt);
    BOOST_TEST(!db->meeting_reminders(m).has_value());
    BOOST_CHECK_THROW(db->set_meeting_reminders(m + 1000, std::nullopt), not_found);
}

BOOST_AUTO_TEST_CASE(anonymisation_and_erasure_reach_the_outbox) {
    fresh_store f;
    auto db = with_outbox(f.url);
    auto m = meeting_with_capacity(f, std::nullopt);
    auto r = sign(*db, m, "vera.vinge@example.se").stored;
    auto other = meeting_with_capacity(f, std::nullopt);
    auto gone = sign(*db, other, "erik.eld@example.se").stored;
    BOOST_TEST(db->anonymise_rsvps_before(t0 + 3 * hour) == 2);
    auto text = kal::test::dump_all_text(f.url);
    BOOST_TEST(text.find("vera.vinge") == std::string::npos);
    BOOST_TEST(text.find("secret-") == std::string::npos);
    BOOST_TEST(db->list_messages(m).size() == 1u);  // the record of what was sent stays, without the address
    auto fresh = meeting_with_capacity(f, std::nullopt);
    auto e = sign(*db, fresh, "Karl.Kvarn@example.se").stored;
    BOOST_TEST(db->list_messages(fresh).size() == 1u);
    db->erase_rsvp(e.id);
    BOOST_TEST(db->list_messages(fresh).empty());
    (void)r;
    (void)gone;
}

BOOST_AUTO_TEST_CASE(a_version_2_database_migrates_to_the_latest_keeping_its_data) {
    fresh_store f;
    auto o = f.org();
    auto m = f.db->create_meeting(at(o, t0, t0 + hour), venue_overlap::refuse);
    feed_token t;
    t.name = "Före uppgraderingen";
    f.db->create_feed_token(t, "hash-before-upgrade");
    // Back to what a database made before 0003 looks like.
    f.db.reset();
    for (const char* table : {"reminder_plans", "meeting_reminders", "rsvp_tokens", "outbox", "checkins"})
        run_sql(f.url, std::string("DROP TABLE ") + table);
    run_sql(f.url, "DROP TABLE meeting_quotas");
    run_sql(f.url, "DROP TABLE rsvps");
    run_sql(f.url, "DELETE FROM schema_version WHERE version >= 3");
    store_options so;
    so.url = f.url;
    store old(so);
    BOOST_TEST(old.schema_version() == 2);
    BOOST_CHECK_THROW(old.list_rsvps(m.id, {}, std::nullopt), std::exception);

    BOOST_TEST(old.migrate() == latest_schema);
    BOOST_TEST(old.schema_version() == latest_schema);
    BOOST_TEST(count_rows(f.url, "schema_version") == latest_schema);
    BOOST_TEST(old.find_meeting(m.id)->uid == m.uid);
    BOOST_TEST(old.find_feed_token_by_hash("hash-before-upgrade").has_value());
    BOOST_TEST(sign(old, m.id, "efter@example.se").created);
    BOOST_TEST(old.migrate() == latest_schema);
    BOOST_TEST(count_rows(f.url, "rsvps") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(search_folds_swedish_capitals_on_both_databases) {
    fresh_store f;
    auto o = f.org();
    auto m = at(o, t0, t0 + hour);
    m.title = "Överenskommelsen: ÅRSMÖTE i Borås";
    m.status = "published";
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
    name_filter by_name;
    by_name.q = "ängsbacken";
    BOOST_TEST(f.db->list_organisations(by_name).items.size() == 1u);
}
