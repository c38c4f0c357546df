#include "waitlist.hpp"

#include "common.hpp"
#include "links.hpp"
#include "rows.hpp"
#include "unit.hpp"

namespace kal::db::detail {

namespace {

constexpr const char* select_gate =
    "SELECT status, start_utc, capacity, registration_deadline_utc FROM meetings WHERE id = :id";
constexpr const char* select_gate_locked =
    "SELECT status, start_utc, capacity, registration_deadline_utc FROM meetings WHERE id = :id FOR UPDATE";
constexpr const char* select_meeting_of_rsvp = "SELECT meeting_id FROM rsvps WHERE id = :id";
constexpr const char* sum_confirmed =
    "SELECT COALESCE(SUM(party_size), 0) FROM rsvps WHERE meeting_id = :m AND status = 'confirmed'";
constexpr const char* select_waitlist =
    "SELECT id, party_size FROM rsvps WHERE meeting_id = :m AND status = 'waitlisted' ORDER BY id";
constexpr const char* select_organisation_named =
    "SELECT id FROM organisations WHERE lower(name) = lower(:n) ORDER BY id LIMIT 1";
constexpr const char* confirm_rsvp = "UPDATE rsvps SET status = 'confirmed', updated_at = :u WHERE id = :id";

}  // namespace

meeting_gate lock_meeting(unit_of_work& w, id_t meeting_id) {
    std::string status;
    long long start_utc = 0;
    nullable<int> capacity;
    nullable<long long> deadline;
    stmt st(session_of(w), is_postgresql(w) ? select_gate_locked : select_gate);
    st.use(ll(meeting_id)).into(status).into(start_utc).into(capacity).into(deadline);
    if (!st.one()) throw not_found("no meeting with id " + std::to_string(meeting_id));
    return meeting_gate{stored(parse_meeting_status(status), "meetings.status"), start_utc, capacity.get(),
                        deadline.get()};
}

std::optional<rsvp> find_rsvp(unit_of_work& w, id_t id) {
    stmt st(session_of(w), std::string(rsvp_select) + " WHERE r.id = :id");
    st.use(ll(id));
    rsvp_row row;
    row.into(st);
    if (!st.one()) return std::nullopt;
    return row.to_model();
}

std::pair<rsvp, meeting_gate> lock_rsvp(unit_of_work& w, id_t id) {
    long long meeting_id = 0;
    if (!stmt(session_of(w), select_meeting_of_rsvp).use(ll(id)).into(meeting_id).one())
        throw not_found("no sign-up with id " + std::to_string(id));
    auto gate = lock_meeting(w, meeting_id);
    auto r = find_rsvp(w, id);
    if (!r) throw not_found("no sign-up with id " + std::to_string(id));
    return {*r, gate};
}

std::vector<rsvp> rsvps_by_ids(unit_of_work& w, const std::vector<id_t>& ids) {
    std::vector<rsvp> out;
    for_id_lists(sorted_unique(ids), nullptr, [&](const std::string& in, auto&& bind) {
        stmt st(session_of(w), std::string(rsvp_select) + " WHERE r.id IN (" + in + ") ORDER BY r.id");
        bind(st);
        auto part = all_rows<rsvp, rsvp_row>(st);
        out.insert(out.end(), part.begin(), part.end());
    });
    return out;
}

std::vector<rsvp> active_sign_ups(unit_of_work& w, id_t meeting_id) {
    stmt st(session_of(w), std::string(rsvp_select) +
                               " WHERE r.meeting_id = :m AND r.anonymised_at IS NULL "
                               "AND r.status IN ('confirmed', 'waitlisted') ORDER BY r.id");
    st.use(ll(meeting_id));
    return all_rows<rsvp, rsvp_row>(st);
}

long long confirmed_seats(unit_of_work& w, id_t meeting_id) {
    long long n = 0;
    stmt(session_of(w), sum_confirmed).use(ll(meeting_id)).into(n).one();
    return n;
}

std::optional<id_t> organisation_named(unit_of_work& w, const std::string& name) {
    long long id = 0;
    if (stmt(session_of(w), select_organisation_named).use(name).into(id).one()) return id;
    return std::nullopt;
}

std::vector<rsvp> promote(unit_of_work& w, id_t meeting_id, std::optional<int> capacity) {
    auto& s = session_of(w);
    struct waiting {
        id_t id;
        int party_size;
    };
    std::vector<waiting> queue;
    {
        stmt st(s, select_waitlist);
        st.use(ll(meeting_id));
        long long id = 0;
        int party_size = 0;
        st.into(id).into(party_size);
        while (st.next()) queue.push_back(waiting{id, party_size});
    }
    if (queue.empty()) return {};
    long long free = capacity ? *capacity - confirmed_seats(w, meeting_id) : 0;
    std::vector<id_t> promoted;
    for (const auto& next : queue) {
        if (capacity && next.party_size > free) break;
        stmt(s, confirm_rsvp).use(ll(w.now())).use(ll(next.id)).run();
        free -= next.party_size;
        promoted.push_back(next.id);
    }
    return rsvps_by_ids(w, promoted);  // ids rise in waitlist order, so id order is promotion order
}

}  // namespace kal::db::detail
