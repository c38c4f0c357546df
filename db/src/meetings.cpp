// Single meetings: create, change, cancel, delete, list, and who holds a UID.

#include "kal/db/meetings.hpp"

#include <algorithm>
#include <random>

#include "common.hpp"
#include "links.hpp"
#include "meeting_rules.hpp"
#include "rows.hpp"
#include "unit.hpp"
#include "waitlist.hpp"

namespace kal::db {

namespace {

using namespace detail;

// UIDs bound into one uid_owners statement (twice each): 10,000 values, within both databases'
// limits on bound parameters.
constexpr std::size_t max_uids_per_statement = 5000;

constexpr const char* select_venue = "SELECT id FROM venues WHERE id = :id";
constexpr const char* select_venue_locked = "SELECT id FROM venues WHERE id = :id FOR UPDATE";
constexpr const char* select_overlapping =
    "SELECT id FROM meetings WHERE venue_id = :v AND status <> 'cancelled' AND start_utc < :e AND end_utc > :s "
    "AND id <> :self ORDER BY id";
constexpr const char* select_overlapping_outside_series =
    "SELECT id FROM meetings WHERE venue_id = :v AND status <> 'cancelled' AND start_utc < :e AND end_utc > :s "
    "AND id <> :self AND (series_id IS NULL OR series_id <> :series) ORDER BY id";
constexpr const char* cancel_meeting_row =
    "UPDATE meetings SET status = 'cancelled', sequence = :q, overridden = :o, updated_at = :u, "
    "cancellation_reason = :r WHERE id = :id";
constexpr const char* select_exdates = "SELECT exdates FROM series WHERE id = :id";
constexpr const char* add_exdate =
    "UPDATE series SET exdates = :e, sequence = sequence + 1, updated_at = :u WHERE id = :id";
constexpr const char* delete_meeting_row = "DELETE FROM meetings WHERE id = :id";

const std::string& insert_meeting_sql() {
    static const std::string sql = "INSERT INTO meetings (uid, sequence, series_id, recurrence_id, overridden, "
                                   "created_at, updated_at, " +
                                   field_list("") + ") VALUES (:u, :q, :s, :r, :o, :c, :m, " + field_placeholders() +
                                   ") RETURNING id";
    return sql;
}

const std::string& update_meeting_sql() {
    static const std::string sql =
        "UPDATE meetings SET sequence = :q, overridden = :o, updated_at = :m, " + field_assignments() + " WHERE id = :id";
    return sql;
}

// One statement: the meeting with its networks and documents.
std::optional<meeting> load_meeting(unit_of_work& w, const char* where, const auto& key) {
    stmt st(session_of(w), linked_meeting_select() + " WHERE " + where, kept_statements(w));
    st.use(key);
    linked_meeting_row row;
    row.into(st);
    if (!st.one()) return std::nullopt;
    return row.to_model();
}

}  // namespace

// ---- the shared rules ---------------------------------------------------------------------------

namespace detail {

std::string new_uid() {
    std::random_device rd;
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 4; ++i) {
        std::uint32_t word = rd();
        for (int j = 0; j < 8; ++j) {
            out += hex[word & 0xf];
            word >>= 4;
        }
    }
    return out + "@kalendarium";
}

void check_references(unit_of_work& w, const meeting_fields& f) {
    auto& s = session_of(w);
    require_organisation(s, f.organisation_id, "organisation_id");
    if (f.venue_id) {
        long long found = 0;
        if (!stmt(s, is_postgresql(w) ? select_venue_locked : select_venue).use(ll(*f.venue_id)).into(found).one())
            throw invalid_reference("venue_id", "no venue with id " + std::to_string(*f.venue_id));
    }
    for (id_t id : sorted_unique(f.network_ids))
        if (!exists(s, "networks", id))
            throw invalid_reference("network_ids", "no network with id " + std::to_string(id));
}

void check_overlap(unit_of_work& w, const meeting_fields& f, id_t self, std::optional<id_t> own_series,
                   venue_overlap overlap) {
    if (overlap == venue_overlap::allow || !f.venue_id || f.status == meeting_status::cancelled) return;
    stmt st(session_of(w), own_series ? select_overlapping_outside_series : select_overlapping);
    st.use(ll(*f.venue_id)).use(ll(f.end_utc)).use(ll(f.start_utc)).use(ll(self));
    if (own_series) st.use(ll(*own_series));
    long long id = 0;
    st.into(id);
    std::vector<id_t> ids;
    while (st.next()) ids.push_back(id);
    if (ids.empty()) return;
    std::string list;
    for (auto other : ids) list += (list.empty() ? "" : ", ") + std::to_string(other);
    throw venue_conflict(ids, "venue " + std::to_string(*f.venue_id) + " is already booked at that time by meeting(s) " +
                                  list);
}

std::optional<meeting> meeting_by_id(unit_of_work& w, id_t id) { return load_meeting(w, "m.id = :id", ll(id)); }

std::vector<meeting> meetings_of_series(unit_of_work& w, id_t series_id) {
    stmt st(session_of(w), meeting_select + " WHERE m.series_id = :s ORDER BY m.start_utc, m.id");
    st.use(ll(series_id));
    auto out = all_rows<meeting, meeting_row>(st);
    load_links(session_of(w), out);
    return out;
}

id_t insert_meeting(unit_of_work& w, const meeting& m) {
    stmt st(session_of(w), insert_meeting_sql());
    st.use(m.uid).use(m.sequence).use(m.series_id).use(m.recurrence_id).use(m.overridden);
    st.use(ll(m.created_at)).use(ll(m.updated_at));
    bind_fields(st, m);
    long long id = 0;
    st.into(id).one();
    write_links(session_of(w), link_owner::meeting, id, m);
    return id;
}

void update_meeting_row(unit_of_work& w, const meeting& m) {
    stmt st(session_of(w), update_meeting_sql());
    st.use(m.sequence).use(m.overridden).use(ll(m.updated_at));
    bind_fields(st, m);
    st.use(ll(m.id));
    st.run();
    write_links(session_of(w), link_owner::meeting, m.id, m);
}

meeting_changes changes_between(const meeting_fields& a, const meeting_fields& b) {
    meeting_changes c;
    c.time = a.all_day != b.all_day || a.start_local != b.start_local || a.end_local != b.end_local ||
             a.time_zone != b.time_zone || a.start_utc != b.start_utc || a.end_utc != b.end_utc;
    c.place = a.venue_id != b.venue_id || a.location != b.location || a.online_url != b.online_url;
    c.status = a.status != b.status;
    return c;
}

bool any_field_changed(const meeting_fields& a, const meeting_fields& b) {
    return changes_between(a, b).any() || a.type != b.type || a.title != b.title || a.description != b.description ||
           a.theme != b.theme || a.organisation_id != b.organisation_id ||
           sorted_unique(a.network_ids) != sorted_unique(b.network_ids) || a.capacity != b.capacity ||
           a.registration_deadline_utc != b.registration_deadline_utc || a.documents != b.documents;
}

bool capacity_raised(std::optional<int> before, std::optional<int> after) {
    return before && (!after || *after > *before);
}

meeting_removal remove_meeting_row(unit_of_work& w, const meeting& m) {
    // Locked first, like every sign-up write, so that no sign-up slips in between reading the
    // active ones and the delete.
    lock_meeting(w, m.id);
    meeting_removal out{m, active_sign_ups(w, m.id)};
    stmt(session_of(w), delete_meeting_row).use(ll(m.id)).run();
    return out;
}

}  // namespace detail

// ---- meetings ---------------------------------------------------------------------------------

meeting meetings::create(meeting m, venue_overlap overlap) {
    require_write(w_);
    check_references(w_, m);
    check_overlap(w_, m, 0, std::nullopt, overlap);
    m.network_ids = sorted_unique(m.network_ids);
    if (m.uid.empty()) m.uid = new_uid();
    m.sequence = 0;
    // A standalone meeting; occurrences are made through the series calls.
    m.series_id.reset();
    m.recurrence_id.clear();
    m.overridden = false;
    m.created_at = m.updated_at = w_.now();
    m.id = insert_meeting(w_, m);
    w_.feeds_changed();
    return m;
}

std::optional<meeting> meetings::find(id_t id) { return meeting_by_id(w_, id); }

std::optional<meeting> meetings::find_by_uid(const std::string& uid) {
    return load_meeting(w_, "m.uid = :u AND m.series_id IS NULL", uid);
}

meeting_change meetings::update(const meeting& m, venue_overlap overlap) {
    require_write(w_);
    auto old = meeting_by_id(w_, m.id);
    if (!old) throw not_found("no meeting with id " + std::to_string(m.id));
    check_references(w_, m);
    check_overlap(w_, m, m.id, std::nullopt, overlap);
    meeting_change out;
    out.before = *old;
    out.after = *old;
    static_cast<meeting_fields&>(out.after) = m;
    out.after.network_ids = sorted_unique(m.network_ids);
    out.changed = changes_between(*old, m);
    out.sequence_raised = out.changed.any();
    if (out.sequence_raised) out.after.sequence = old->sequence + 1;
    if (old->series_id && any_field_changed(*old, m)) out.after.overridden = true;
    out.after.updated_at = w_.now();
    update_meeting_row(w_, out.after);
    // The UPDATE holds the meeting's row lock, which every sign-up write takes first: the sign-ups
    // read now stay as they are until commit.
    if (out.sequence_raised) out.active_sign_ups = active_sign_ups(w_, m.id);
    // More seats: the waitlist moves now. Fewer seats evict nobody.
    if (capacity_raised(old->capacity, out.after.capacity)) out.promoted = promote(w_, m.id, out.after.capacity);
    w_.feeds_changed();
    return out;
}

meeting_change meetings::cancel(id_t id, const std::string& reason) {
    require_write(w_);
    auto old = meeting_by_id(w_, id);
    if (!old) throw not_found("no meeting with id " + std::to_string(id));
    meeting_change out;
    out.before = out.after = *old;
    if (old->status == meeting_status::cancelled) return out;
    out.after.status = meeting_status::cancelled;
    out.after.sequence = old->sequence + 1;
    if (out.after.series_id) out.after.overridden = true;  // else updating the series would bring it back
    out.after.updated_at = w_.now();
    out.after.cancellation_reason = reason;
    stmt(session_of(w_), cancel_meeting_row)
        .use(out.after.sequence)
        .use(out.after.overridden)
        .use(ll(out.after.updated_at))
        .use(reason)
        .use(ll(id))
        .run();
    out.changed.status = true;
    out.sequence_raised = true;
    out.active_sign_ups = active_sign_ups(w_, id);
    w_.feeds_changed();
    return out;
}

meeting_removal meetings::remove(id_t id) {
    require_write(w_);
    auto m = meeting_by_id(w_, id);
    if (!m) throw not_found("no meeting with id " + std::to_string(id));
    if (m->series_id) {
        // The occurrence no longer takes place: an exdate of its series.
        auto& s = session_of(w_);
        std::string exdates;
        stmt(s, select_exdates).use(ll(*m->series_id)).into(exdates).one();
        auto list = split(exdates, ',');
        if (std::find(list.begin(), list.end(), m->recurrence_id) == list.end()) list.push_back(m->recurrence_id);
        std::sort(list.begin(), list.end());
        stmt(s, add_exdate).use(join(list, ',')).use(ll(w_.now())).use(ll(*m->series_id)).run();
    }
    auto out = remove_meeting_row(w_, *m);
    w_.feeds_changed();
    return out;
}

page<meeting> meetings::list(const meeting_filter& f) {
    auto& s = session_of(w_);
    conditions c;
    if (f.from_utc) c.add("m.end_utc > ?", {ll(*f.from_utc)});
    if (f.to_utc) c.add("m.start_utc < ?", {ll(*f.to_utc)});
    c.add_in("m.type", f.types);
    c.add_in("m.status", f.statuses);
    if (f.network_id)
        c.add("EXISTS (SELECT 1 FROM meeting_networks mn WHERE mn.meeting_id = m.id AND mn.network_id = ?)",
              {ll(*f.network_id)});
    if (f.organisation_id) c.add("m.organisation_id = ?", {ll(*f.organisation_id)});
    if (f.venue_id) c.add("m.venue_id = ?", {ll(*f.venue_id)});
    if (f.series_id) c.add("m.series_id = ?", {ll(*f.series_id)});
    if (!f.include_all_drafts) {
        if (f.drafts_of_organisation)
            c.add("(m.status <> 'draft' OR m.organisation_id = ?)", {ll(*f.drafts_of_organisation)});
        else
            c.add("m.status <> 'draft'");
    }
    if (!f.q.empty()) {
        // lower() folds Å, Ä, Ö on SQLite too (sqlite_lower.hpp).
        auto pattern = like_pattern(f.q);
        c.add("(LOWER(m.title) LIKE LOWER(?) ESCAPE '\\' OR LOWER(m.description) LIKE LOWER(?) ESCAPE '\\' "
              "OR LOWER(m.theme) LIKE LOWER(?) ESCAPE '\\')",
              {pattern, pattern, pattern});
    }
    if (f.after) c.add("(m.start_utc > ? OR (m.start_utc = ? AND m.id > ?))", {f.after->sort_key, f.after->sort_key, f.after->id});
    int limit = clamp_limit(f.limit);
    int n = 0;
    // One statement: the meetings with their networks and documents.
    stmt st(s, linked_meeting_select() + c.where(n) + " ORDER BY m.start_utc, m.id LIMIT :limit",
            kept_statements(w_));
    c.bind(st);
    st.use(static_cast<long long>(limit) + 1);
    page<meeting> p;
    p.items = all_rows<meeting, linked_meeting_row>(st);
    if (static_cast<int>(p.items.size()) > limit) {
        p.items.resize(limit);
        p.next = cursor{p.items.back().start_utc, p.items.back().id};
    }
    return p;
}

std::vector<uid_owner> meetings::uid_owners(const std::vector<std::string>& uids) {
    std::vector<std::string> unique = uids;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    std::vector<uid_owner> out;
    for (std::size_t from = 0; from < unique.size(); from += max_uids_per_statement) {
        std::size_t count = std::min(max_uids_per_statement, unique.size() - from);
        conditions in_meetings, in_series;
        std::vector<std::string> part(unique.begin() + static_cast<std::ptrdiff_t>(from),
                                      unique.begin() + static_cast<std::ptrdiff_t>(from + count));
        in_meetings.add("series_id IS NULL").add_in("uid", part);
        in_series.add_in("uid", part);
        int n = 0;
        std::string sql = "SELECT uid, id, 0 FROM meetings" + in_meetings.where(n) + " UNION ALL SELECT uid, id, 1 FROM series" +
                          in_series.where(n);
        stmt st(session_of(w_), sql);
        in_meetings.bind(st);
        in_series.bind(st);
        std::string uid;
        long long id = 0;
        int is_series = 0;
        st.into(uid).into(id).into(is_series);
        while (st.next()) {
            uid_owner o;
            o.uid = uid;
            if (is_series)
                o.series_id = id;
            else
                o.meeting_id = id;
            out.push_back(std::move(o));
        }
    }
    return out;
}

}  // namespace kal::db
