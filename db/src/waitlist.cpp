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
// Schema 0012's triggers keep these with every write of a sign-up, this transaction's included.
constexpr const char* select_counts =
    "SELECT waitlisted, confirmed_seats FROM meeting_sign_up_counts WHERE meeting_id = :m";
// The waitlist's head, a page at a time: a promotion stops at the first party that does not fit.
constexpr const char* select_waitlist_page =
    "SELECT id, party_size FROM rsvps WHERE meeting_id = :m AND status = 'waitlisted' AND id > :after "
    "ORDER BY id LIMIT :limit";
constexpr int waitlist_page = 100;
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

namespace {

struct sign_up_counts {
    long long waitlisted = 0;
    long long confirmed_seats = 0;
};

sign_up_counts counts_of(unit_of_work& w, id_t meeting_id) {
    sign_up_counts c;
    if (!stmt(session_of(w), select_counts, kept_statements(w))
             .use(ll(meeting_id))
             .into(c.waitlisted)
             .into(c.confirmed_seats)
             .one())
        throw not_found("no meeting with id " + std::to_string(meeting_id));
    return c;
}

}  // namespace

long long confirmed_seats(unit_of_work& w, id_t meeting_id) { return counts_of(w, meeting_id).confirmed_seats; }

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
    const auto counts = counts_of(w, meeting_id);
    if (counts.waitlisted == 0) return {};
    long long free = capacity ? *capacity - counts.confirmed_seats : 0;
    if (capacity && free < 1) return {};  // every party is at least one person
    std::vector<id_t> promoted;
    long long after = 0;
    for (bool more = true; more;) {
        std::vector<waiting> page;
        {
            stmt st(s, select_waitlist_page, kept_statements(w));
            st.use(ll(meeting_id)).use(after).use(waitlist_page);
            long long id = 0;
            int party_size = 0;
            st.into(id).into(party_size);
            while (st.next()) page.push_back(waiting{id, party_size});
        }
        more = page.size() == static_cast<std::size_t>(waitlist_page);
        for (const auto& next : page) {
            if (capacity && next.party_size > free) {
                more = false;
                break;
            }
            stmt(s, confirm_rsvp).use(ll(w.now())).use(ll(next.id)).run();
            free -= next.party_size;
            promoted.push_back(next.id);
            after = next.id;
        }
    }
    return rsvps_by_ids(w, promoted);  // ids rise in waitlist order, so id order is promotion order
}

}  // namespace kal::db::detail
