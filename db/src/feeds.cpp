// What feeds show, the change counter, and private feed tokens.

#include "kal/db/feeds.hpp"

#include <algorithm>

#include "common.hpp"
#include "links.hpp"
#include "rows.hpp"
#include "unit.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* select_change_counter = "SELECT value FROM change_counter WHERE id = 1";

constexpr const char* feed_token_select =
    "SELECT id, name, organisation_id, types, network_ids, organisation_ids, created_at, rotated_at, revoked_at "
    "FROM feed_tokens";
constexpr const char* count_feed_token_hash = "SELECT COUNT(*) FROM feed_tokens WHERE token_hash = :h";
constexpr const char* insert_feed_token =
    "INSERT INTO feed_tokens (name, organisation_id, types, network_ids, organisation_ids, token_hash, created_at, "
    "rotated_at) VALUES (:n, :o, :t, :ni, :oi, :h, :c, :r) RETURNING id";
constexpr const char* rotate_feed_token = "UPDATE feed_tokens SET token_hash = :h, rotated_at = :r WHERE id = :id";
constexpr const char* select_revoked_at = "SELECT id, revoked_at FROM feed_tokens WHERE id = :id";
constexpr const char* revoke_feed_token =
    "UPDATE feed_tokens SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL";

std::string join_ids(const std::vector<id_t>& ids) {
    std::vector<std::string> parts;
    for (id_t id : ids) parts.push_back(std::to_string(id));
    return join(parts, ',');
}

std::string join_types(const std::vector<meeting_type>& types) {
    std::vector<std::string> parts;
    for (auto t : types) parts.emplace_back(to_text(t));
    return join(parts, ',');
}

struct feed_token_row {
    long long id = 0;
    std::string name;
    nullable<long long> organisation_id;
    std::string types, network_ids, organisation_ids;
    long long created_at = 0, rotated_at = 0;
    nullable<long long> revoked_at;
    void into(stmt& s) {
        s.into(id).into(name).into(organisation_id).into(types).into(network_ids).into(organisation_ids);
        s.into(created_at).into(rotated_at).into(revoked_at);
    }
    feed_token to_model() const {
        feed_token t;
        t.id = id;
        t.name = name;
        t.organisation_id = organisation_id.get();
        for (const auto& type : split(types, ',')) t.types.push_back(stored(parse_meeting_type(type), "feed_tokens.types"));
        t.network_ids = split_numbers(network_ids);
        t.organisation_ids = split_numbers(organisation_ids);
        t.created_at = created_at;
        t.rotated_at = rotated_at;
        t.revoked_at = revoked_at.get();
        return t;
    }
};

void require_free_hash(soci::session& s, const std::string& token_hash) {
    long long same = 0;
    stmt(s, count_feed_token_hash).use(token_hash).into(same).one();
    if (same) throw conflict("token_hash", "a feed token with this hash exists");
}

// A feed filter vector without repeats; too long a one is refused before it reaches SQL.
template <class T>
std::vector<T> filter_values(const char* field, std::vector<T> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    if (values.size() > max_feed_filter_values)
        throw invalid_value(field, std::string(field) + " has more than " + std::to_string(max_feed_filter_values) +
                                       " values");
    return values;
}

}  // namespace

std::int64_t feeds::change_counter() {
    long long v = 0;
    stmt(session_of(w_), select_change_counter, kept_statements(w_)).into(v).one();
    return v;
}

feed_snapshot feeds::load(const feed_filter& f) {
    require_snapshot(w_);
    conditions c;
    c.add("m.end_utc > ?", {ll(f.from_utc)});
    c.add("m.start_utc < ?", {ll(f.to_utc)});
    // Drafts never; cancelled meetings stay while they end after the cutoff, so that subscribers'
    // calendars learn of the cancellation before the event drops out of the feed.
    c.add("(m.status = 'published' OR (m.status = 'cancelled' AND m.end_utc > ?))", {ll(f.keep_cancelled_until_utc)});
    c.add_in("m.type", filter_values("types", f.types));
    c.add_in("m.organisation_id", filter_values("organisation_ids", f.organisation_ids));
    c.add_in("m.venue_id", filter_values("venue_ids", f.venue_ids));
    c.add_in("m.id", filter_values("meeting_ids", f.meeting_ids));
    c.add_in("EXISTS (SELECT 1 FROM meeting_networks fn WHERE fn.meeting_id = m.id AND fn.network_id",
             filter_values("network_ids", f.network_ids), ")");

    // A constant number of statements however many meetings match: the change counter, the
    // meetings, their networks and documents, their series, the series' networks and documents,
    // the series' exceptions with their networks and documents, venues, organisations, networks,
    // the networks' owners: 14. Fewer when nothing matches (2), or when no series or no network
    // is involved. The follow-up queries select by subqueries repeating the meeting conditions
    // instead of by lists of ids, which would take a statement per chunk; the snapshot makes
    // every repetition see the same meetings.
    auto& s = session_of(w_);
    feed_snapshot snap;
    snap.change_counter = change_counter();
    {
        int n = 0;
        stmt st(s, meeting_select + c.where(n) + " ORDER BY m.start_utc, m.id");
        c.bind(st);
        snap.meetings = all_rows<meeting, meeting_row>(st);
    }
    if (snap.meetings.empty()) return snap;

    auto subquery = [&](std::initializer_list<std::string> selects) {
        id_query q;
        int n = 0;
        for (const auto& select : selects) {
            if (!q.sql.empty()) q.sql += " UNION ";
            q.sql += select + c.where(n);
            q.binds.push_back(&c);
        }
        return q;
    };
    // References of the meetings' series are included with the meetings' own, so that every id
    // in the snapshot resolves within it (an overridden occurrence may have moved away from its
    // series' venue).
    const std::string of_series = " FROM meetings m JOIN series s ON s.id = m.series_id";
    auto meeting_ids = subquery({"SELECT m.id FROM meetings m"});
    auto series_ids = subquery({"SELECT m.series_id FROM meetings m"});
    auto venue_ids = subquery({"SELECT m.venue_id FROM meetings m", "SELECT s.venue_id" + of_series});
    auto organisation_ids = subquery({"SELECT m.organisation_id FROM meetings m", "SELECT s.organisation_id" + of_series});
    auto network_ids =
        subquery({"SELECT ml.network_id FROM meeting_networks ml JOIN meetings m ON m.id = ml.meeting_id",
                  "SELECT sl.network_id FROM series_networks sl JOIN meetings m ON m.series_id = sl.series_id"});

    load_links(s, snap.meetings, &meeting_ids);
    auto select_in = [&]<class T, class Row>(const std::string& select, const char* column, const id_query& ids) {
        stmt st(s, select + " WHERE " + column + " IN (" + ids.sql + ") ORDER BY " + column);
        ids.bind(st);
        return all_rows<T, Row>(st);
    };
    snap.series = select_in.operator()<series, series_row>(series_select, "s.id", series_ids);
    load_links(s, snap.series, &series_ids);

    // Every cancelled or changed occurrence of those series, also outside the window: a master's
    // EXDATEs and overrides must be complete wherever a client expands it.
    if (!snap.series.empty()) {
        const std::string exception_where =
            " WHERE m.series_id IN (" + series_ids.sql + ") AND (m.status = 'cancelled' OR m.overridden = 1)";
        stmt st(s, meeting_select + exception_where + " ORDER BY m.start_utc, m.id");
        series_ids.bind(st);
        snap.series_exceptions = all_rows<meeting, meeting_row>(st);
        if (!snap.series_exceptions.empty()) {
            id_query exception_ids{"SELECT m.id FROM meetings m" + exception_where, series_ids.binds};
            load_links(s, snap.series_exceptions, &exception_ids);
        }
    }

    snap.venues = select_in.operator()<venue, venue_row>(venue_select, "id", venue_ids);
    snap.organisations = select_in.operator()<organisation, organisation_row>(organisation_select, "id", organisation_ids);
    snap.networks = select_in.operator()<network, network_row>(network_select, "id", network_ids);
    load_owners(s, snap.networks, &network_ids);
    return snap;
}

// ---- feed tokens ------------------------------------------------------------------------------

feed_token feeds::create_token(feed_token t, const std::string& token_hash) {
    require_write(w_);
    auto& s = session_of(w_);
    for (auto type : t.types)
        if (to_text(type).empty()) throw invalid_value("types", "a type outside the enumeration");
    std::sort(t.types.begin(), t.types.end());
    t.types.erase(std::unique(t.types.begin(), t.types.end()), t.types.end());
    t.network_ids = sorted_unique(t.network_ids);
    t.organisation_ids = sorted_unique(t.organisation_ids);
    if (t.organisation_id) require_organisation(s, *t.organisation_id, "organisation_id");
    for (id_t o : t.organisation_ids) require_organisation(s, o, "organisation_ids");
    for (id_t n : t.network_ids)
        if (!exists(s, "networks", n)) throw invalid_reference("network_ids", "no network with id " + std::to_string(n));
    require_free_hash(s, token_hash);
    t.created_at = w_.now();
    t.rotated_at = 0;
    t.revoked_at.reset();
    stmt st(s, insert_feed_token);
    st.use(t.name).use(t.organisation_id).use(join_types(t.types)).use(join_ids(t.network_ids));
    st.use(join_ids(t.organisation_ids)).use(token_hash).use(ll(t.created_at)).use(ll(t.rotated_at));
    long long id = 0;
    st.into(id).one();
    t.id = id;
    // Tokens are not feed content: nothing shows differently until the link is used.
    return t;
}

std::optional<feed_token> feeds::find_token_by_hash(const std::string& token_hash) {
    return find_one<feed_token, feed_token_row>(session_of(w_), feed_token_select,
                                                "token_hash = :h AND revoked_at IS NULL", token_hash);
}

std::optional<feed_token> feeds::find_token(id_t id) {
    return find_one<feed_token, feed_token_row>(session_of(w_), feed_token_select, "id = :id", ll(id));
}

feed_token feeds::rotate_token(id_t id, const std::string& new_token_hash) {
    require_write(w_);
    auto& s = session_of(w_);
    auto t = find_one<feed_token, feed_token_row>(s, feed_token_select, "id = :id AND revoked_at IS NULL", ll(id));
    if (!t) throw not_found("no active feed token with id " + std::to_string(id));
    require_free_hash(s, new_token_hash);
    t->rotated_at = w_.now();
    stmt(s, rotate_feed_token).use(new_token_hash).use(ll(t->rotated_at)).use(ll(id)).run();
    // Every instance's cached copy of the feed behind the old link must stop answering.
    w_.feeds_changed();
    return *t;
}

void feeds::revoke_token(id_t id) {
    require_write(w_);
    auto& s = session_of(w_);
    long long found = 0;
    nullable<long long> revoked_at;
    if (!stmt(s, select_revoked_at).use(ll(id)).into(found).into(revoked_at).one())
        throw not_found("no feed token with id " + std::to_string(id));
    if (revoked_at.get()) return;  // revoking twice keeps the first time and changes no feed
    stmt(s, revoke_feed_token).use(ll(w_.now())).use(ll(id)).run();
    w_.feeds_changed();  // as rotate: cached copies must go
}

std::vector<feed_token> feeds::list_tokens(std::optional<id_t> organisation_id) {
    std::string q = feed_token_select;
    if (organisation_id) q += " WHERE organisation_id = :o";
    stmt st(session_of(w_), q + " ORDER BY id");
    if (organisation_id) st.use(ll(*organisation_id));
    return all_rows<feed_token, feed_token_row>(st);
}

}  // namespace kal::db
