// Series and their occurrences (stored as meetings, all sharing the series' uid).

#include <map>
#include <set>

#include "common.hpp"
#include "kal/db/meetings.hpp"
#include "links.hpp"
#include "meeting_rules.hpp"
#include "rows.hpp"
#include "unit.hpp"
#include "waitlist.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* delete_series_row = "DELETE FROM series WHERE id = :id";

const std::string& insert_series_sql() {
    static const std::string sql = "INSERT INTO series (uid, sequence, rrule, exdates, created_at, updated_at, " +
                                   field_list("") + ") VALUES (:u, :q, :r, :x, :c, :m, " + field_placeholders() +
                                   ") RETURNING id";
    return sql;
}

const std::string& update_series_sql() {
    static const std::string sql = "UPDATE series SET sequence = :q, rrule = :r, exdates = :x, updated_at = :m, " +
                                   field_assignments() + " WHERE id = :id";
    return sql;
}

std::optional<series> series_by_id(unit_of_work& w, id_t id) {
    stmt st(session_of(w), series_select + " WHERE s.id = :id");
    st.use(ll(id));
    series_row row;
    row.into(st);
    if (!st.one()) return std::nullopt;
    std::vector<series> one{row.to_model()};
    load_links(session_of(w), one);
    return one.front();
}

// An occurrence of series `sr` as the template makes it.
meeting occurrence_meeting(const series& sr, const occurrence& o) {
    meeting m;
    static_cast<meeting_fields&>(m) = sr.fields;
    m.start_local = o.start_local;
    m.end_local = o.end_local;
    m.start_utc = o.start_utc;
    m.end_utc = o.end_utc;
    m.uid = sr.uid;
    m.series_id = sr.id;
    m.recurrence_id = o.recurrence_id;
    return m;
}

}  // namespace

series meetings::create_series(series sr, const std::vector<occurrence>& occurrences, venue_overlap overlap) {
    require_write(w_);
    check_references(w_, sr.fields);
    sr.fields.network_ids = sorted_unique(sr.fields.network_ids);
    if (sr.uid.empty()) sr.uid = new_uid();
    sr.sequence = 0;
    sr.created_at = sr.updated_at = w_.now();
    stmt st(session_of(w_), insert_series_sql());
    st.use(sr.uid).use(sr.sequence).use(sr.rrule).use(join(sr.exdates, ','));
    st.use(ll(sr.created_at)).use(ll(sr.updated_at));
    bind_fields(st, sr.fields);
    long long id = 0;
    st.into(id).one();
    sr.id = id;
    write_links(session_of(w_), link_owner::series, sr.id, sr.fields);
    for (const auto& o : occurrences) {
        meeting m = occurrence_meeting(sr, o);
        check_overlap(w_, m, 0, sr.id, overlap);
        m.created_at = m.updated_at = sr.created_at;
        insert_meeting(w_, m);
    }
    w_.feeds_changed();
    return sr;
}

std::optional<series> meetings::find_series(id_t id) { return series_by_id(w_, id); }

series_change meetings::update_series(const series& sr, const std::vector<occurrence>& occurrences,
                                      venue_overlap overlap) {
    require_write(w_);
    auto old = series_by_id(w_, sr.id);
    if (!old) throw not_found("no series with id " + std::to_string(sr.id));
    check_references(w_, sr.fields);
    series_change out;
    out.before = *old;
    series& r = out.after;
    r = sr;
    r.uid = old->uid;
    r.fields.network_ids = sorted_unique(sr.fields.network_ids);
    r.created_at = old->created_at;
    r.updated_at = w_.now();
    const bool changed = changes_between(old->fields, sr.fields).any() || old->rrule != sr.rrule ||
                         old->exdates != sr.exdates;
    r.sequence = old->sequence + (changed ? 1 : 0);
    out.sequence_raised = changed;
    stmt st(session_of(w_), update_series_sql());
    st.use(r.sequence).use(r.rrule).use(join(r.exdates, ',')).use(ll(r.updated_at));
    bind_fields(st, r.fields);
    st.use(ll(r.id));
    st.run();
    write_links(session_of(w_), link_owner::series, r.id, r.fields);

    std::map<std::string, meeting> current;
    for (auto& m : meetings_of_series(w_, r.id)) current.emplace(m.recurrence_id, std::move(m));
    std::set<std::string> produced;
    for (const auto& o : occurrences) produced.insert(o.recurrence_id);
    for (const auto& [rid, m] : current)
        if (!produced.count(rid)) out.removed.push_back(remove_meeting_row(w_, m));
    for (const auto& o : occurrences) {
        auto it = current.find(o.recurrence_id);
        if (it != current.end() && it->second.overridden) continue;  // changed on its own: kept
        meeting m = occurrence_meeting(r, o);
        check_overlap(w_, m, 0, r.id, overlap);
        m.updated_at = r.updated_at;
        if (it == current.end()) {
            m.sequence = r.sequence;
            m.created_at = r.updated_at;
            m.id = insert_meeting(w_, m);
            out.created.push_back(std::move(m));
            continue;
        }
        // Kept as the same row so that what hangs off the meeting id (sign-ups) stays attached.
        const meeting& before = it->second;
        m.id = before.id;
        m.created_at = before.created_at;
        m.sequence = std::max(r.sequence, before.sequence + (changed ? 1 : 0));
        update_meeting_row(w_, m);
        meeting_change c;
        c.before = before;
        c.after = m;
        c.changed = changes_between(before, m);
        c.sequence_raised = m.sequence != before.sequence;
        // The UPDATE holds the occurrence's row lock, which every sign-up write takes first.
        if (c.sequence_raised) c.active_sign_ups = active_sign_ups(w_, m.id);
        // As update: more seats move the occurrence's waitlist now.
        if (capacity_raised(old->fields.capacity, m.capacity)) c.promoted = promote(w_, m.id, m.capacity);
        out.updated.push_back(std::move(c));
    }
    w_.feeds_changed();
    return out;
}

series_removal meetings::remove_series(id_t id) {
    require_write(w_);
    auto sr = series_by_id(w_, id);
    if (!sr) throw not_found("no series with id " + std::to_string(id));
    series_removal out;
    out.removed = *sr;
    for (const auto& m : meetings_of_series(w_, id)) out.occurrences.push_back(remove_meeting_row(w_, m));
    stmt(session_of(w_), delete_series_row).use(ll(id)).run();
    w_.feeds_changed();
    return out;
}

page<series> meetings::list_series(const series_filter& f) {
    auto& s = session_of(w_);
    conditions c;
    if (f.type) c.add("type = ?", {std::string(to_text(*f.type))});
    if (f.organisation_id) c.add("organisation_id = ?", {ll(*f.organisation_id)});
    if (!f.include_all_drafts) {
        if (f.drafts_of_organisation)
            c.add("(status <> 'draft' OR organisation_id = ?)", {ll(*f.drafts_of_organisation)});
        else
            c.add("status <> 'draft'");
    }
    auto p = list_by_id<series, series_row>(s, series_select, "title", f.q, c, f.limit, f.after);
    load_links(s, p.items);
    return p;
}

}  // namespace kal::db
