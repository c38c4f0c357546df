// The change log: entries written by the use cases, read per meeting.

#include "kal/db/change_log.hpp"

#include "common.hpp"
#include "unit.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* insert_entry =
    "INSERT INTO change_log (at, subject, subject_id, meeting_id, rsvp_id, action, field, before_value, after_value, "
    "user_id, api_token_id) VALUES (:a, :s, :si, :m, :r, :ac, :f, :b, :af, :u, :t)";
// A meeting's own entries and its sign-ups', its series' and its venue's.
constexpr const char* select_of_meeting =
    "SELECT l.id, l.at, l.subject, l.subject_id, l.meeting_id, l.rsvp_id, l.action, l.field, l.before_value, "
    "l.after_value, l.user_id, l.api_token_id, COALESCE(NULLIF(u.name, ''), u.email, ''), COALESCE(r.name, '') "
    "FROM change_log l LEFT JOIN users u ON u.id = l.user_id LEFT JOIN rsvps r ON r.id = l.rsvp_id "
    "WHERE l.meeting_id = :m "
    "OR (l.subject = 'series' AND l.subject_id = (SELECT series_id FROM meetings WHERE id = :m2)) "
    "OR (l.subject = 'venue' AND l.subject_id = (SELECT venue_id FROM meetings WHERE id = :m3)) "
    "ORDER BY l.id DESC LIMIT :n";
// A series' or a venue's own entries.
constexpr const char* select_of_subject =
    "SELECT l.id, l.at, l.subject, l.subject_id, l.meeting_id, l.rsvp_id, l.action, l.field, l.before_value, "
    "l.after_value, l.user_id, l.api_token_id, COALESCE(NULLIF(u.name, ''), u.email, ''), '' "
    "FROM change_log l LEFT JOIN users u ON u.id = l.user_id "
    "WHERE l.subject = :s AND l.subject_id = :i ORDER BY l.id DESC LIMIT :n";

std::vector<change_entry> read_entries(stmt& st) {
    change_entry e;
    long long id = 0, at = 0, subject_id = 0;
    nullable<long long> m, r, u, t;
    st.into(id).into(at).into(e.subject).into(subject_id).into(m).into(r).into(e.action).into(e.field).into(e.before)
        .into(e.after).into(u).into(t).into(e.user_name).into(e.sign_up_name);
    std::vector<change_entry> out;
    while (st.next()) {
        auto copy = e;
        copy.id = id;
        copy.at = at;
        copy.subject_id = subject_id;
        copy.meeting_id = m.get();
        copy.rsvp_id = r.get();
        copy.user_id = u.get();
        copy.api_token_id = t.get();
        out.push_back(std::move(copy));
    }
    return out;
}

}  // namespace

void change_log::record(const change_entry& e) {
    require_write(w_);
    if (e.subject != "meeting" && e.subject != "series" && e.subject != "venue" && e.subject != "sign_up")
        throw invalid_value("subject", "unknown subject of a change");
    stmt(session_of(w_), insert_entry)
        .use(ll(w_.now()))
        .use(e.subject)
        .use(ll(e.subject_id))
        .use(e.meeting_id)
        .use(e.rsvp_id)
        .use(e.action)
        .use(e.field)
        .use(e.before)
        .use(e.after)
        .use(e.user_id)
        .use(e.api_token_id)
        .run();
}

std::vector<change_entry> change_log::of_meeting(id_t meeting_id, int limit) {
    stmt st(session_of(w_), select_of_meeting);
    st.use(ll(meeting_id)).use(ll(meeting_id)).use(ll(meeting_id)).use(limit);
    return read_entries(st);
}

std::vector<change_entry> change_log::of_subject(const std::string& subject, id_t subject_id, int limit) {
    stmt st(session_of(w_), select_of_subject);
    st.use(subject).use(ll(subject_id)).use(limit);
    return read_entries(st);
}

}  // namespace kal::db
