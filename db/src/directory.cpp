// Organisations, networks and venues.

#include "kal/db/directory.hpp"

#include <set>

#include "common.hpp"
#include "links.hpp"
#include "rows.hpp"
#include "unit.hpp"

namespace kal::db {

namespace {

using namespace detail;

// pg_advisory_xact_lock keys of generated slugs, per table: "kal" in the high bytes, then 1..3.
constexpr long long slug_lock_key_base = 0x6b616c0000000100LL;

constexpr const char* insert_organisation =
    "INSERT INTO organisations (kind, name, slug, contact_email, contact_phone, contact_public, created_at, "
    "updated_at) VALUES (:k, :n, :s, :e, :p, :c, :ca, :ua) RETURNING id";
constexpr const char* update_organisation =
    "UPDATE organisations SET kind = :k, name = :n, slug = :s, contact_email = :e, contact_phone = :p, "
    "contact_public = :c, updated_at = :u WHERE id = :id";
constexpr const char* organisation_users =
    "SELECT (SELECT COUNT(*) FROM meetings WHERE organisation_id = :a), "
    "(SELECT COUNT(*) FROM series WHERE organisation_id = :b), (SELECT COUNT(*) FROM venues WHERE organisation_id = :c)";
constexpr const char* delete_organisation = "DELETE FROM organisations WHERE id = :id";

constexpr const char* insert_network =
    "INSERT INTO networks (kind, name, slug, description, created_at, updated_at) VALUES (:k, :n, :s, :d, :c, :u) "
    "RETURNING id";
constexpr const char* update_network =
    "UPDATE networks SET kind = :k, name = :n, slug = :s, description = :d, updated_at = :u WHERE id = :id";
constexpr const char* delete_network = "DELETE FROM networks WHERE id = :id";
constexpr const char* networks_of_owner =
    "id IN (SELECT network_id FROM network_organisations WHERE organisation_id = ?)";

constexpr const char* insert_venue =
    "INSERT INTO venues (name, slug, address, capacity, step_free, hearing_loop, accessible_toilet, "
    "accessibility_notes, latitude, longitude, organisation_id, shared, created_at, updated_at) "
    "VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k, :l, :m, :n) RETURNING id";
constexpr const char* update_venue =
    "UPDATE venues SET name = :a, slug = :b, address = :c, capacity = :d, step_free = :e, hearing_loop = :f, "
    "accessible_toilet = :g, accessibility_notes = :h, latitude = :i, longitude = :j, organisation_id = :k, "
    "shared = :l, updated_at = :m WHERE id = :id";
constexpr const char* venue_users =
    "SELECT (SELECT COUNT(*) FROM meetings WHERE venue_id = :a), (SELECT COUNT(*) FROM series WHERE venue_id = :b)";
constexpr const char* delete_venue = "DELETE FROM venues WHERE id = :id";

struct slug_table {
    const char* name;
    int lock_key;
};
constexpr slug_table organisation_slugs{"organisations", 1};
constexpr slug_table network_slugs{"networks", 2};
constexpr slug_table venue_slugs{"venues", 3};

// A slug free in the table: base, else base-2, base-3, ... On PostgreSQL, generated slugs of one
// table are serialised by an advisory lock held to the end of the transaction; should two still
// collide, the unit runs again (retry_on_unique).
std::string free_slug(unit_of_work& w, const slug_table& t, const std::string& base) {
    auto& s = session_of(w);
    unit_state::of(w).retry_on_unique = true;
    if (is_postgresql(w)) s << "SELECT pg_advisory_xact_lock(" + std::to_string(slug_lock_key_base + t.lock_key) + ")";
    std::set<std::string> taken;
    std::string slug;
    stmt st(s, std::string("SELECT slug FROM ") + t.name + " WHERE slug = :b OR slug LIKE :p ESCAPE '\\'");
    st.use(base).use(like_pattern(base + "-").substr(1)).into(slug);
    while (st.next()) taken.insert(slug);
    if (!taken.count(base)) return base;
    for (int n = 2;; ++n) {
        auto candidate = base + "-" + std::to_string(n);
        if (!taken.count(candidate)) return candidate;
    }
}

// The slug to store: explicit ones must be free (conflict("slug")); empty ones are generated from
// the name.
std::string choose_slug(unit_of_work& w, const slug_table& t, const std::string& wanted, const std::string& name,
                        id_t self) {
    if (wanted.empty()) return free_slug(w, t, slugify(name));
    long long n = 0;
    stmt(session_of(w), std::string("SELECT COUNT(*) FROM ") + t.name + " WHERE slug = :s AND id <> :id")
        .use(wanted)
        .use(ll(self))
        .into(n)
        .one();
    if (n > 0) throw conflict("slug", "the slug is taken");
    return wanted;
}

std::optional<network> network_where(soci::session& s, const char* where, const auto& key) {
    auto n = find_one<network, network_row>(s, network_select, where, key);
    if (!n) return n;
    std::vector<network> one{*n};
    load_owners(s, one);
    return one.front();
}

void bind_venue(stmt& st, const venue& v) {
    st.use(v.name).use(v.slug).use(v.address).use(v.capacity).use(v.step_free).use(v.hearing_loop);
    st.use(v.accessible_toilet).use(v.accessibility_notes).use(v.latitude).use(v.longitude);
    st.use(v.organisation_id).use(v.shared);
}

}  // namespace

// ---- organisations ----------------------------------------------------------------------------

organisation organisations::create(organisation o) {
    require_write(w_);
    auto& s = session_of(w_);
    o.slug = choose_slug(w_, organisation_slugs, o.slug, o.name, 0);
    o.created_at = o.updated_at = w_.now();
    stmt st(s, insert_organisation);
    st.use(o.kind).use(o.name).use(o.slug).use(o.contact_email).use(o.contact_phone).use(o.contact_public);
    st.use(ll(o.created_at)).use(ll(o.updated_at));
    long long id = 0;
    st.into(id).one();
    o.id = id;
    w_.feeds_changed();
    return o;
}

std::optional<organisation> organisations::find(id_t id) {
    return find_one<organisation, organisation_row>(session_of(w_), organisation_select, "id = :id", ll(id));
}

std::optional<organisation> organisations::find_by_slug(const std::string& slug) {
    return find_one<organisation, organisation_row>(session_of(w_), organisation_select, "slug = :s", slug);
}

organisation organisations::update(const organisation& o) {
    require_write(w_);
    auto old = find(o.id);
    if (!old) throw not_found("no organisation with id " + std::to_string(o.id));
    organisation r = o;
    r.created_at = old->created_at;
    r.updated_at = w_.now();
    // An empty slug keeps the stored one: links to the organisation stay valid.
    r.slug = o.slug.empty() ? old->slug : choose_slug(w_, organisation_slugs, o.slug, o.name, o.id);
    stmt st(session_of(w_), update_organisation);
    st.use(r.kind).use(r.name).use(r.slug).use(r.contact_email).use(r.contact_phone).use(r.contact_public);
    st.use(ll(r.updated_at)).use(ll(r.id));
    st.run();
    w_.feeds_changed();
    return r;
}

void organisations::remove(id_t id) {
    require_write(w_);
    auto& s = session_of(w_);
    if (!exists(s, "organisations", id)) throw not_found("no organisation with id " + std::to_string(id));
    long long meetings = 0, series_n = 0, venues_n = 0;
    stmt(s, organisation_users).use(ll(id)).use(ll(id)).use(ll(id)).into(meetings).into(series_n).into(venues_n).one();
    if (meetings + series_n + venues_n > 0)
        throw conflict("", "organisation " + std::to_string(id) + " is still referenced by " + std::to_string(meetings) +
                               " meeting(s), " + std::to_string(series_n) + " series and " +
                               std::to_string(venues_n) + " venue(s)");
    stmt(s, delete_organisation).use(ll(id)).run();
    w_.feeds_changed();
}

page<organisation> organisations::list(const organisation_filter& f) {
    conditions c;
    if (f.kind) c.add("kind = ?", {std::string(to_text(*f.kind))});
    return list_by_id<organisation, organisation_row>(session_of(w_), organisation_select, "name", f.q, c, f.limit,
                                                      f.after);
}

// ---- networks ---------------------------------------------------------------------------------

network networks::create(network n) {
    require_write(w_);
    auto& s = session_of(w_);
    n.organisation_ids = sorted_unique(n.organisation_ids);
    for (id_t o : n.organisation_ids) require_organisation(s, o, "organisation_ids");
    n.slug = choose_slug(w_, network_slugs, n.slug, n.name, 0);
    n.created_at = n.updated_at = w_.now();
    stmt st(s, insert_network);
    st.use(n.kind).use(n.name).use(n.slug).use(n.description).use(ll(n.created_at)).use(ll(n.updated_at));
    long long id = 0;
    st.into(id).one();
    n.id = id;
    write_owners(s, n.id, n.organisation_ids);
    w_.feeds_changed();
    return n;
}

std::optional<network> networks::find(id_t id) { return network_where(session_of(w_), "id = :id", ll(id)); }

std::optional<network> networks::find_by_slug(const std::string& slug) {
    return network_where(session_of(w_), "slug = :s", slug);
}

network networks::update(const network& n) {
    require_write(w_);
    auto& s = session_of(w_);
    auto old = find(n.id);
    if (!old) throw not_found("no network with id " + std::to_string(n.id));
    network r = n;
    r.organisation_ids = sorted_unique(n.organisation_ids);
    for (id_t o : r.organisation_ids) require_organisation(s, o, "organisation_ids");
    r.slug = n.slug.empty() ? old->slug : choose_slug(w_, network_slugs, n.slug, n.name, n.id);
    r.created_at = old->created_at;
    r.updated_at = w_.now();
    stmt st(s, update_network);
    st.use(r.kind).use(r.name).use(r.slug).use(r.description).use(ll(r.updated_at)).use(ll(r.id));
    st.run();
    write_owners(s, r.id, r.organisation_ids);
    w_.feeds_changed();
    return r;
}

void networks::remove(id_t id) {
    require_write(w_);
    // Links from meetings, series and owners go with it (ON DELETE CASCADE).
    if (stmt(session_of(w_), delete_network).use(ll(id)).run() == 0)
        throw not_found("no network with id " + std::to_string(id));
    w_.feeds_changed();
}

page<network> networks::list(const network_filter& f) {
    auto& s = session_of(w_);
    conditions c;
    if (f.kind) c.add("kind = ?", {std::string(to_text(*f.kind))});
    if (f.organisation_id) c.add(networks_of_owner, {static_cast<long long>(*f.organisation_id)});
    auto p = list_by_id<network, network_row>(s, network_select, "name", f.q, c, f.limit, f.after);
    load_owners(s, p.items);
    return p;
}

// ---- venues -----------------------------------------------------------------------------------

venue venues::create(venue v) {
    require_write(w_);
    auto& s = session_of(w_);
    if (v.organisation_id) require_organisation(s, *v.organisation_id, "organisation_id");
    v.slug = choose_slug(w_, venue_slugs, v.slug, v.name, 0);
    v.created_at = v.updated_at = w_.now();
    stmt st(s, insert_venue);
    bind_venue(st, v);
    st.use(ll(v.created_at)).use(ll(v.updated_at));
    long long id = 0;
    st.into(id).one();
    v.id = id;
    w_.feeds_changed();
    return v;
}

std::optional<venue> venues::find(id_t id) {
    return find_one<venue, venue_row>(session_of(w_), venue_select, "id = :id", ll(id));
}

std::optional<venue> venues::find_by_slug(const std::string& slug) {
    return find_one<venue, venue_row>(session_of(w_), venue_select, "slug = :s", slug);
}

venue venues::update(const venue& v) {
    require_write(w_);
    auto& s = session_of(w_);
    auto old = find(v.id);
    if (!old) throw not_found("no venue with id " + std::to_string(v.id));
    venue r = v;
    if (r.organisation_id) require_organisation(s, *r.organisation_id, "organisation_id");
    r.slug = v.slug.empty() ? old->slug : choose_slug(w_, venue_slugs, v.slug, v.name, v.id);
    r.created_at = old->created_at;
    r.updated_at = w_.now();
    stmt st(s, update_venue);
    bind_venue(st, r);
    st.use(ll(r.updated_at)).use(ll(r.id));
    st.run();
    w_.feeds_changed();
    return r;
}

void venues::remove(id_t id) {
    require_write(w_);
    auto& s = session_of(w_);
    if (!exists(s, "venues", id)) throw not_found("no venue with id " + std::to_string(id));
    long long meetings = 0, series_n = 0;
    stmt(s, venue_users).use(ll(id)).use(ll(id)).into(meetings).into(series_n).one();
    if (meetings + series_n > 0)
        throw conflict("", "venue " + std::to_string(id) + " is used by " + std::to_string(meetings) +
                               " meeting(s) and " + std::to_string(series_n) + " series");
    stmt(s, delete_venue).use(ll(id)).run();
    w_.feeds_changed();
}

page<venue> venues::list(const venue_filter& f) {
    conditions c;
    if (f.organisation_id) c.add("organisation_id = ?", {static_cast<long long>(*f.organisation_id)});
    return list_by_id<venue, venue_row>(session_of(w_), venue_select, "name", f.q, c, f.limit, f.after);
}

}  // namespace kal::db
