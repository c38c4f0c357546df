// Organisations, networks and venues; slugs; references between them.

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(directory)

BOOST_AUTO_TEST_CASE(organisation_round_trips_every_field_and_null_contacts) {
    fresh_store f;
    organisation o;
    o.kind = organisation_kind::city_unit;
    o.name = "Föreningen Ödegärdet";
    o.contact_email = "info@odegardet.se";
    o.contact_phone = "033-35 70 00";
    o.contact_public = true;
    auto c = f.db->create_organisation(o);
    BOOST_TEST(c.id > 0);
    BOOST_TEST(c.slug == "foreningen-odegardet");
    BOOST_TEST(c.created_at == f.db->now);
    auto r = f.db->find_organisation(c.id);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->kind == organisation_kind::city_unit);
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
    f.db->now += hour;
    f.db->update_organisation(*r);
    auto u = f.db->find_organisation(c.id);
    BOOST_TEST(!u->contact_email);
    BOOST_TEST(!u->contact_phone);
    BOOST_TEST(!u->contact_public);
    BOOST_TEST(u->name == "Ödegärdets förening");
    BOOST_TEST(u->slug == "foreningen-odegardet");
    BOOST_TEST(u->created_at == c.created_at);
    BOOST_TEST(u->updated_at == c.created_at + hour);
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
    n.kind = network_kind::samrad;
    n.name = "Samråd Väster";
    n.description = "Samråd mellan föreningar och staden";
    n.organisation_ids = {b, a, b};
    auto c = f.db->create_network(n);
    BOOST_TEST(c.slug == "samrad-vaster");
    auto r = f.db->find_network(c.id);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->kind == network_kind::samrad);
    BOOST_TEST(r->description == n.description);
    BOOST_TEST(r->organisation_ids == (std::vector<db_id>{a, b}), boost::test_tools::per_element());
    BOOST_TEST(f.db->find_network_by_slug("samrad-vaster")->id == c.id);

    r->organisation_ids = {a};
    r->kind = network_kind::forum;
    f.db->update_network(*r);
    auto u = f.db->find_network(c.id);
    BOOST_TEST(u->organisation_ids == (std::vector<db_id>{a}), boost::test_tools::per_element());
    BOOST_TEST(u->kind == network_kind::forum);

    network_filter nf;
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
    auto field_of = [](auto&& call) { return reference_field_of(call); };
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
    // Texts outside an enumeration do not parse; the only way to name such a value in code is a
    // cast, which the columns' CHECKs refuse, naming the column and writing nothing.
    BOOST_TEST(!parse_meeting_status("archived"));
    BOOST_TEST(!parse_organisation_kind("company"));
    fresh_store f;
    auto o = f.org();
    auto m = at(o, t0, t0 + hour);
    m.status = static_cast<meeting_status>(7);
    try {
        f.db->create_meeting(m, venue_overlap::refuse);
        BOOST_FAIL("a status outside the enumeration was stored");
    } catch (const invalid_value& e) {
        BOOST_TEST(e.field == "status");
    }
    organisation bad;
    bad.name = "X";
    bad.kind = static_cast<organisation_kind>(9);
    try {
        f.db->create_organisation(bad);
        BOOST_FAIL("a kind outside the enumeration was stored");
    } catch (const invalid_value& e) {
        BOOST_TEST(e.field == "kind");
    }
    BOOST_TEST(count_rows(f.url, "meetings") == 0);
    BOOST_TEST(count_rows(f.url, "organisations") == 1);
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

// ----- listing ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(listing_named_things_pages_by_id_and_filters_by_name) {
    fresh_store f;
    for (int i = 0; i < 10; ++i) f.org("Förening " + std::to_string(i));
    organisation unit;
    unit.name = "Stadsdelsförvaltning";
    unit.kind = organisation_kind::city_unit;
    f.db->create_organisation(unit);
    organisation_filter nf;
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
    nf.kind = organisation_kind::city_unit;
    BOOST_TEST(f.db->list_organisations(nf).items.size() == 1u);
    BOOST_TEST(f.db->list_venues({}).items.empty());
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
