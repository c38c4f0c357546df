#pragma once
// Row mapping: the column lists of each table as constants and a row type per table that binds
// its columns with into() and becomes a model value. Every value travels through use()/into().

#include <string>

#include "common.hpp"
#include "kal/db/model.hpp"
#include "sql.hpp"

namespace kal::db::detail {

// ---- meeting fields (meetings and series) -----------------------------------------------------

// "type, title, ..., status" with an optional alias prefix ("m.").
std::string field_list(const char* prefix);
// "type = :f1, title = :f2, ..." for an UPDATE.
std::string field_assignments();
// ":f1, :f2, ..." for an INSERT.
std::string field_placeholders();
void bind_fields(stmt& s, const meeting_fields& f);

struct fields_row {
    std::string type, title, description, theme;
    int all_day = 0;
    std::string start_local, end_local, time_zone;
    long long start_utc = 0, end_utc = 0;
    nullable<long long> venue_id;
    std::string location, online_url;
    long long organisation_id = 0;
    nullable<int> capacity;
    nullable<long long> registration_deadline_utc;
    std::string status;

    void into(stmt& s);
    void to(meeting_fields& f) const;
};

extern const std::string meeting_select;  // ... FROM meetings m

struct meeting_row {
    long long id = 0;
    std::string uid;
    int sequence = 0;
    nullable<long long> series_id;
    std::string recurrence_id;
    int overridden = 0;
    long long created_at = 0, updated_at = 0;
    std::string cancellation_reason;
    fields_row fields;

    void into(stmt& s);
    meeting to_model() const;
};

// A meeting with its networks and documents in the same row (kept on the meeting's row by schema
// 0013's triggers), so that a list or a single meeting is one statement of meetings alone:
// "SELECT ... FROM meetings m", the same in both dialects.
const std::string& linked_meeting_select();

struct linked_meeting_row {
    meeting_row row;
    nullable<std::string> network_ids;  // "3,1,2"
    nullable<std::string> documents;    // "order:hex(title):hex(url),..."

    void into(stmt& s);
    meeting to_model() const;
};

extern const std::string series_select;  // ... FROM series s

struct series_row {
    long long id = 0;
    std::string uid;
    int sequence = 0;
    std::string rrule, exdates;
    long long created_at = 0, updated_at = 0;
    fields_row fields;

    void into(stmt& s);
    series to_model() const;
};

// ---- the directory ------------------------------------------------------------------------------

inline constexpr const char* organisation_select =
    "SELECT id, kind, name, slug, contact_email, contact_phone, contact_public, created_at, updated_at "
    "FROM organisations";

struct organisation_row {
    long long id = 0;
    std::string kind, name, slug;
    nullable<std::string> contact_email, contact_phone;
    int contact_public = 0;
    long long created_at = 0, updated_at = 0;
    void into(stmt& s);
    organisation to_model() const;
};

inline constexpr const char* network_select =
    "SELECT id, kind, name, slug, description, created_at, updated_at FROM networks";

struct network_row {
    long long id = 0;
    std::string kind, name, slug, description;
    long long created_at = 0, updated_at = 0;
    void into(stmt& s);
    network to_model() const;  // without owners
};

inline constexpr const char* venue_select =
    "SELECT id, name, slug, address, capacity, step_free, hearing_loop, accessible_toilet, "
    "accessibility_notes, latitude, longitude, organisation_id, shared, created_at, updated_at FROM venues";

struct venue_row {
    long long id = 0;
    std::string name, slug, address;
    nullable<int> capacity;
    int step_free = 0, hearing_loop = 0, accessible_toilet = 0;
    std::string accessibility_notes;
    nullable<double> latitude, longitude;
    nullable<long long> organisation_id;
    int shared = 0;
    long long created_at = 0, updated_at = 0;
    void into(stmt& s);
    venue to_model() const;
};

// ---- sign-ups and check-ins ---------------------------------------------------------------------

// The waitlist position is derived, never stored: the count of waitlisted sign-ups of the same
// meeting up to this one in id (sign-up) order, so positions are 1..N whatever the rest of the
// query filters.
inline constexpr const char* rsvp_select =
    "SELECT r.id, r.meeting_id, r.name, r.email, r.organisation_id, r.organisation_name, r.party_size, "
    "r.needs, r.language, r.status, r.created_at, r.updated_at, r.cancelled_at, r.anonymised_at, "
    "CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM rsvps w WHERE w.meeting_id = r.meeting_id "
    "AND w.status = 'waitlisted' AND w.id <= r.id) END FROM rsvps r";

struct rsvp_row {
    long long id = 0, meeting_id = 0;
    std::string name, email;
    nullable<long long> organisation_id;
    std::string organisation_name;
    int party_size = 1;
    std::string needs, language, status;
    long long created_at = 0, updated_at = 0;
    nullable<long long> cancelled_at, anonymised_at, waitlist_position;
    void into(stmt& s);
    rsvp to_model() const;
};

inline constexpr const char* checkin_select =
    "SELECT c.id, c.meeting_id, c.rsvp_id, c.name, c.organisation_id, c.organisation_name, c.people, "
    "c.created_at, c.anonymised_at FROM checkins c";

struct checkin_row {
    long long id = 0, meeting_id = 0;
    nullable<long long> rsvp_id;
    std::string name;
    nullable<long long> organisation_id;
    std::string organisation_name;
    int people = 1;
    long long created_at = 0;
    nullable<long long> anonymised_at;
    void into(stmt& s);
    checkin to_model() const;
};

// Every row of a statement whose columns are those of Row, as models.
template <class T, class Row>
std::vector<T> all_rows(stmt& st) {
    Row row;
    row.into(st);
    std::vector<T> out;
    while (st.next()) out.push_back(row.to_model());
    return out;
}

// A page of a named table ordered by id: q matches `name_column` case-insensitively, the other
// conditions are fixed fragments with one bound value each.
template <class T, class Row>
page<T> list_by_id(soci::session& s, const std::string& select, const char* name_column, const std::string& q,
                   conditions c, int limit_asked, const std::optional<cursor>& after) {
    if (!q.empty()) c.add(std::string("LOWER(") + name_column + ") LIKE LOWER(?) ESCAPE '\\'", {like_pattern(q)});
    if (after) c.add("id > ?", {static_cast<long long>(after->id)});
    int limit = clamp_limit(limit_asked);
    int n = 0;
    stmt st(s, select + c.where(n) + " ORDER BY id LIMIT :limit");
    c.bind(st);
    st.use(static_cast<long long>(limit) + 1);
    page<T> p;
    p.items = all_rows<T, Row>(st);
    if (static_cast<int>(p.items.size()) > limit) {
        p.items.resize(limit);
        p.next = cursor{p.items.back().id, p.items.back().id};
    }
    return p;
}

// The one row of `select` WHERE `where` (one bound key).
template <class T, class Row, class Key>
std::optional<T> find_one(soci::session& s, const char* select, const char* where, const Key& key) {
    stmt st(s, std::string(select) + " WHERE " + where);
    st.use(key);
    Row row;
    row.into(st);
    if (!st.one()) return std::nullopt;
    return row.to_model();
}

}  // namespace kal::db::detail
