// Check-ins at the door and the attendance counts of many meetings.

#include "kal/db/attendance.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "common.hpp"
#include "links.hpp"
#include "rows.hpp"
#include "sqlite_lower.hpp"
#include "unit.hpp"
#include "waitlist.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* select_existing_checkin = "SELECT id FROM checkins WHERE meeting_id = :m AND person_key = :k";
constexpr const char* insert_checkin =
    "INSERT INTO checkins (meeting_id, rsvp_id, name, person_key, organisation_id, organisation_name, people, "
    "created_at) VALUES (:m, :r, :n, :k, :o, :on, :p, :c) RETURNING id";
constexpr const char* delete_checkin = "DELETE FROM checkins WHERE id = :id AND meeting_id = :m";

std::optional<checkin> checkin_at(soci::session& s, id_t id, id_t meeting_id) {
    stmt st(s, std::string(checkin_select) + " WHERE c.id = :id AND c.meeting_id = :m");
    st.use(ll(id)).use(ll(meeting_id));
    checkin_row row;
    row.into(st);
    if (!st.one()) return std::nullopt;
    return row.to_model();
}

// Tallies of many meetings, filled statement by statement (attendance::of).
class tally {
public:
    void meeting_row(id_t id, std::optional<int> capacity) {
        auto& a = by_id_[id];
        a.meeting_id = id;
        a.capacity = capacity;
    }

    void sign_up(id_t m, rsvp_status status, int party, std::optional<id_t> org, const std::string& org_name,
                 bool came) {
        auto& a = by_id_[m];
        auto& count = status == rsvp_status::confirmed    ? a.confirmed
                      : status == rsvp_status::waitlisted ? a.waitlisted
                                                          : a.cancelled;
        add(count, party);
        if (status == rsvp_status::confirmed && !came) add(a.no_shows, party);
        if (status != rsvp_status::cancelled)
            if (auto* p = presence(m, org, org_name)) add(p->signed_up, party);
    }

    void check_in(id_t m, bool walk_in, int people, std::optional<id_t> org, const std::string& org_name) {
        auto& a = by_id_[m];
        add(a.checked_in, people);
        if (walk_in) add(a.walk_ins, people);
        if (auto* p = presence(m, org, org_name)) add(p->attended, people);
    }

    std::vector<id_t> known_organisations() const {
        std::vector<id_t> ids;
        for (const auto& [m, list] : orgs_)
            for (const auto& [key, p] : list)
                if (p.organisation_id) ids.push_back(*p.organisation_id);
        return sorted_unique(ids);
    }

    // In the order asked; meetings that do not exist are left out. Organisations by name.
    std::vector<meeting_attendance> result(const std::vector<id_t>& asked,
                                           const std::unordered_map<id_t, std::string>& names) {
        std::vector<meeting_attendance> out;
        for (id_t id : asked) {
            auto it = by_id_.find(id);
            if (it == by_id_.end() || it->second.meeting_id == 0) continue;
            auto a = it->second;
            for (auto& [key, p] : orgs_[id]) {
                if (p.organisation_id) {
                    auto name = names.find(*p.organisation_id);
                    p.name = name == names.end() ? "" : name->second;
                }
                a.organisations.push_back(p);
            }
            std::sort(a.organisations.begin(), a.organisations.end(),
                      [](const auto& x, const auto& y) { return x.name < y.name; });
            out.push_back(std::move(a));
        }
        return out;
    }

private:
    static void add(head_count& c, int people) {
        ++c.entries;
        c.people += people;
    }

    // Organisations per meeting, keyed by id ("#12") or the lower-cased free text.
    organisation_presence* presence(id_t m, std::optional<id_t> org, const std::string& free_text) {
        if (!org && free_text.empty()) return nullptr;
        auto key = org ? "#" + std::to_string(*org) : unicode_lower(free_text);
        auto& p = orgs_[m][key];
        p.organisation_id = org;
        if (!org) p.name = free_text;
        return &p;
    }

    std::unordered_map<id_t, meeting_attendance> by_id_;
    std::unordered_map<id_t, std::map<std::string, organisation_presence>> orgs_;
};

}  // namespace

check_in_result attendance::check_in(checkin c) {
    require_write(w_);
    if (c.people < 0) throw invalid_value("people", "people must not be negative");
    if (!c.rsvp_id && c.name.empty()) throw invalid_value("name", "a walk-in needs a name");
    auto& s = session_of(w_);
    // The meeting's lock serialises check-ins of one meeting, so the look-up below and the insert
    // cannot race; the unique index on person_key holds it regardless.
    auto gate = lock_meeting(w_, c.meeting_id);
    if (gate.status != meeting_status::published)
        throw conflict("meeting", gate.status == meeting_status::draft ? "the meeting is not published"
                                                                       : "the meeting is cancelled");
    std::string person_key;
    if (c.rsvp_id) {
        auto r = find_rsvp(w_, *c.rsvp_id);
        if (!r || r->meeting_id != c.meeting_id || r->anonymised_at)
            throw invalid_reference("rsvp", "no sign-up " + std::to_string(*c.rsvp_id) + " for this meeting");
        person_key = "rsvp:" + std::to_string(r->id);
        c.name.clear();
        c.organisation_id = r->organisation_id;
        c.organisation_name = r->organisation_name;
        if (c.people == 0) c.people = r->party_size;
    } else {
        if (c.organisation_id) {
            if (!exists(s, "organisations", *c.organisation_id))
                throw invalid_reference("organisation", "no organisation with id " + std::to_string(*c.organisation_id));
            c.organisation_name.clear();
        } else if (!c.organisation_name.empty()) {
            c.organisation_id = organisation_named(w_, c.organisation_name);
            if (c.organisation_id) c.organisation_name.clear();
        }
        if (c.people == 0) c.people = 1;
        person_key = "walkin:" + unicode_lower(c.name) + "\x1f" +
                     (c.organisation_id ? "#" + std::to_string(*c.organisation_id) : unicode_lower(c.organisation_name));
    }
    long long existing = 0;
    if (stmt(s, select_existing_checkin).use(ll(c.meeting_id)).use(person_key).into(existing).one())
        return {*checkin_at(s, existing, c.meeting_id), false};
    stmt st(s, insert_checkin);
    st.use(ll(c.meeting_id)).use(c.rsvp_id).use(c.name).use(person_key);
    st.use(c.organisation_id).use(c.organisation_name).use(c.people).use(ll(w_.now()));
    long long id = 0;
    st.into(id).one();
    return {*checkin_at(s, id, c.meeting_id), true};
}

void attendance::undo_check_in(id_t meeting_id, id_t checkin_id) {
    require_write(w_);
    lock_meeting(w_, meeting_id);
    if (stmt(session_of(w_), delete_checkin).use(ll(checkin_id)).use(ll(meeting_id)).run() == 0)
        throw not_found("no check-in " + std::to_string(checkin_id) + " at this meeting");
}

std::vector<checkin> attendance::list(id_t meeting_id) {
    stmt st(session_of(w_), std::string(checkin_select) + " WHERE c.meeting_id = :m ORDER BY c.id");
    st.use(ll(meeting_id));
    return all_rows<checkin, checkin_row>(st);
}

std::vector<meeting_attendance> attendance::of(const std::vector<id_t>& meeting_ids) {
    auto& s = session_of(w_);
    tally t;
    for_id_lists(meeting_ids, nullptr, [&](const std::string& in, auto&& bind) {
        {
            stmt st(s, "SELECT id, capacity FROM meetings WHERE id IN (" + in + ")");
            bind(st);
            long long id = 0;
            nullable<int> capacity;
            st.into(id).into(capacity);
            while (st.next()) t.meeting_row(id, capacity.get());
        }
        {
            // Each sign-up once, with whether it was checked in.
            stmt st(s, "SELECT r.meeting_id, r.status, r.party_size, r.organisation_id, r.organisation_name, "
                       "(SELECT COUNT(*) FROM checkins c WHERE c.rsvp_id = r.id) FROM rsvps r WHERE r.meeting_id IN (" +
                           in + ") ORDER BY r.id");
            bind(st);
            long long m = 0, came = 0;
            std::string status, org_name;
            int party = 0;
            nullable<long long> org;
            st.into(m).into(status).into(party).into(org).into(org_name).into(came);
            while (st.next())
                t.sign_up(m, stored(parse_rsvp_status(status), "rsvps.status"), party, org.get(), org_name, came > 0);
        }
        stmt st(s, "SELECT meeting_id, rsvp_id, organisation_id, organisation_name, people FROM checkins "
                   "WHERE meeting_id IN (" + in + ") ORDER BY id");
        bind(st);
        long long m = 0;
        nullable<long long> rsvp_id, org;
        std::string org_name;
        int people = 0;
        st.into(m).into(rsvp_id).into(org).into(org_name).into(people);
        while (st.next()) t.check_in(m, !rsvp_id.get(), people, org.get(), org_name);
    });
    // Names of the known organisations, in one statement per chunk.
    std::unordered_map<id_t, std::string> names;
    for_id_lists(t.known_organisations(), nullptr, [&](const std::string& in, auto&& bind) {
        stmt st(s, "SELECT id, name FROM organisations WHERE id IN (" + in + ")");
        bind(st);
        long long id = 0;
        std::string name;
        st.into(id).into(name);
        while (st.next()) names[id] = name;
    });
    return t.result(meeting_ids, names);
}

}  // namespace kal::db
