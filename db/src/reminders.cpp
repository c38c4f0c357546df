// Reminder candidates, a meeting's own offsets, and planning each reminder once.

#include "kal/db/reminders.hpp"

#include "common.hpp"
#include "rows.hpp"
#include "unit.hpp"
#include "waitlist.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* select_candidates =
    "SELECT m.id, m.type, m.all_day, m.start_local, m.time_zone, m.start_utc, r.offsets "
    "FROM meetings m LEFT JOIN meeting_reminders r ON r.meeting_id = m.id "
    "WHERE m.status = 'published' AND m.start_utc > :f AND m.start_utc <= :t "
    "AND EXISTS (SELECT 1 FROM rsvps x WHERE x.meeting_id = m.id AND x.status = 'confirmed' "
    "AND x.anonymised_at IS NULL) ORDER BY m.start_utc, m.id";
constexpr const char* count_plans =
    "SELECT COUNT(*) FROM reminder_plans WHERE meeting_id = :m AND start_utc = :s AND offset_seconds = :o";
// Two instances finishing the same plan at once: the second writes nothing.
constexpr const char* insert_plan =
    "INSERT INTO reminder_plans (meeting_id, start_utc, offset_seconds, planned_at, skipped) "
    "VALUES (:m, :s, :o, :p, :k) ON CONFLICT (meeting_id, start_utc, offset_seconds) DO NOTHING";
constexpr const char* select_offsets = "SELECT offsets FROM meeting_reminders WHERE meeting_id = :m";
constexpr const char* delete_offsets = "DELETE FROM meeting_reminders WHERE meeting_id = :m";
constexpr const char* insert_offsets = "INSERT INTO meeting_reminders (meeting_id, offsets) VALUES (:m, :o)";

bool planned(soci::session& s, const reminder_key& key) {
    long long n = 0;
    stmt(s, count_plans).use(ll(key.meeting_id)).use(ll(key.start_utc)).use(ll(key.offset_seconds)).into(n).one();
    return n > 0;
}

void record_plan(unit_of_work& w, const reminder_key& key, bool skipped) {
    stmt(session_of(w), insert_plan)
        .use(ll(key.meeting_id))
        .use(ll(key.start_utc))
        .use(ll(key.offset_seconds))
        .use(ll(w.now()))
        .use(skipped ? 1 : 0)
        .run();
}

}  // namespace

std::vector<reminder_candidate> reminders::candidates(instant from_utc, instant to_utc) {
    stmt st(session_of(w_), select_candidates);
    st.use(ll(from_utc)).use(ll(to_utc));
    long long id = 0, start_utc = 0;
    std::string type, start_local, tz;
    int all_day = 0;
    nullable<std::string> offsets;
    st.into(id).into(type).into(all_day).into(start_local).into(tz).into(start_utc).into(offsets);
    std::vector<reminder_candidate> out;
    while (st.next()) {
        reminder_candidate c;
        c.meeting_id = id;
        c.type = stored(parse_meeting_type(type), "meetings.type");
        c.all_day = all_day != 0;
        c.start_local = start_local;
        c.time_zone = tz;
        c.start_utc = start_utc;
        if (auto o = offsets.get()) c.offsets = split_numbers(*o);
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<reminder_batch> reminders::plan(const reminder_key& key, instant due_utc, bool skip, id_t after,
                                              std::size_t limit) {
    require_write(w_);
    auto& s = session_of(w_);
    // Under the meeting's lock, like every sign-up write: the sign-ups read below are all that
    // were made before this batch, and none changes while it runs. The lock is held for one batch.
    auto gate = lock_meeting(w_, key.meeting_id);
    if (planned(s, key)) return std::nullopt;
    reminder_batch batch;
    // Too late after downtime, or the meeting moved or is no longer published since the planner
    // read it: nobody to remind, and the plan is done.
    if (skip || gate.status != meeting_status::published || gate.start_utc != key.start_utc) {
        record_plan(w_, key, skip);
        return batch;
    }
    // One more than asked tells whether another batch follows.
    const bool bounded = limit < static_cast<std::size_t>(INT32_MAX);
    std::string sql = std::string(rsvp_select) +
                      " WHERE r.meeting_id = :m AND r.status = 'confirmed' AND r.anonymised_at IS NULL "
                      "AND r.created_at <= :d AND r.id > :a ORDER BY r.id";
    if (bounded) sql += " LIMIT :l";
    stmt st(s, sql);
    st.use(ll(key.meeting_id)).use(ll(due_utc)).use(ll(after));
    if (bounded) st.use(static_cast<long long>(limit) + 1);
    batch.to_remind = all_rows<rsvp, rsvp_row>(st);
    if (bounded && batch.to_remind.size() > limit) {
        batch.to_remind.resize(limit);
        batch.next_after = batch.to_remind.back().id;
    } else {
        record_plan(w_, key, false);
    }
    return batch;
}

void reminders::set_offsets(id_t meeting_id, const std::optional<std::vector<std::int64_t>>& offsets) {
    require_write(w_);
    auto& s = session_of(w_);
    if (!exists(s, "meetings", meeting_id)) throw not_found("no meeting with id " + std::to_string(meeting_id));
    stmt(s, delete_offsets).use(ll(meeting_id)).run();
    if (offsets) stmt(s, insert_offsets).use(ll(meeting_id)).use(join_numbers(*offsets)).run();
}

std::optional<std::vector<std::int64_t>> reminders::offsets(id_t meeting_id) {
    std::string text;
    if (!stmt(session_of(w_), select_offsets).use(ll(meeting_id)).into(text).one()) return std::nullopt;
    return split_numbers(text);
}

}  // namespace kal::db
