#include "kal/service/app/listings.hpp"

#include <algorithm>
#include <set>

#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/service/app/collation.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/lookup.hpp"

namespace kal::service::app {

std::optional<int> availability::seats_left() const {
    if (!capacity) return std::nullopt;
    return std::max(0, *capacity - confirmed_people);
}

const db::venue* surroundings::venue_of(const db::meeting_fields& m) const {
    if (!m.venue_id) return nullptr;
    auto it = venues.find(*m.venue_id);
    return it == venues.end() ? nullptr : &it->second;
}

const db::organisation* surroundings::organiser_of(const db::meeting_fields& m) const {
    auto it = organisations.find(m.organisation_id);
    return it == organisations.end() ? nullptr : &it->second;
}

namespace {

template <class T, class Filter, class Repository>
std::map<db::id_t, T> all_of(Repository repository) {
    Filter f;
    f.limit = 1000;
    std::map<db::id_t, T> out;
    for (;;) {
        auto page = repository.list(f);
        for (auto& item : page.items) out.emplace(item.id, std::move(item));
        if (!page.next) return out;
        f.after = page.next;
    }
}

// The directory is small (tens to hundreds of rows): read whole, in three statements.
void read_directory(db::unit_of_work& w, surroundings& s) {
    s.venues = all_of<db::venue, db::venue_filter>(db::venues{w});
    s.organisations = all_of<db::organisation, db::organisation_filter>(db::organisations{w});
    s.networks = all_of<db::network, db::network_filter>(db::networks{w});
}

}  // namespace

std::map<db::id_t, availability> seats_of(db::unit_of_work& w, const std::vector<db::meeting>& meetings,
                                          bool with_capacity_only) {
    std::map<db::id_t, availability> out;
    std::vector<db::id_t> ids;
    for (const auto& m : meetings) {
        if (with_capacity_only && !m.capacity) continue;
        out[m.id].capacity = m.capacity;
        ids.push_back(m.id);
    }
    for (const auto& c : db::rsvps{w}.seats_of(ids)) {
        auto& a = out[c.meeting_id];
        a.confirmed_people = static_cast<int>(c.confirmed_people);
        a.waitlisted = static_cast<int>(c.waitlisted);
    }
    return out;
}

meeting_listing list_meetings_around(db::unit_of_work& w, const std::optional<principal>& who, const meeting_query& q) {
    db::meeting_filter f;
    f.from_utc = q.from_utc;
    f.to_utc = q.to_utc;
    f.types = q.types;
    f.statuses = q.statuses;
    f.q = q.q;
    f.limit = q.limit;
    f.after = q.after;
    f.series_id = q.series_id;
    if (q.network) f.network_id = network_id_or_slug(w, *q.network);
    if (q.organisation) f.organisation_id = organisation_id_or_slug(w, *q.organisation);
    if (q.venue) f.venue_id = venue_id_or_slug(w, *q.venue);
    if (who && who->admin)
        f.include_all_drafts = true;
    else if (who)
        f.drafts_of_organisation = who->home_organisation();
    meeting_listing out;
    out.page = db::meetings{w}.list(f);
    read_directory(w, out.around);
    out.around.seats = seats_of(w, out.page.items, true);
    return out;
}

meeting_listing list_meetings_around(context& ctx, const credentials& creds, const meeting_query& q) {
    return ctx.database.snapshot([&](db::unit_of_work& w) { return list_meetings_around(w, identify(ctx, w, creds), q); });
}

directory_choices directory_choices_of(context& ctx) {
    return ctx.database.read([&](db::unit_of_work& w) {
        surroundings s;
        read_directory(w, s);
        directory_choices out;
        for (auto& [id, o] : s.organisations) out.organisations.push_back(std::move(o));
        for (auto& [id, n] : s.networks) out.networks.push_back(std::move(n));
        for (auto& [id, v] : s.venues) out.venues.push_back(std::move(v));
        const by_swedish_name by_name;
        std::sort(out.organisations.begin(), out.organisations.end(), by_name);
        std::sort(out.networks.begin(), out.networks.end(), by_name);
        std::sort(out.venues.begin(), out.venues.end(), by_name);
        return out;
    });
}

namespace {

sign_up_state sign_up_state_of(const db::meeting& m, const availability& seats, std::int64_t now) {
    if (m.status == db::meeting_status::cancelled) return sign_up_state::cancelled;
    if (m.start_utc <= now) return sign_up_state::started;
    if (m.registration_deadline_utc && *m.registration_deadline_utc < now) return sign_up_state::deadline_passed;
    if (seats.full() || seats.waitlisted > 0) return sign_up_state::waitlist;
    return sign_up_state::open;
}

constexpr int coming_occurrences = 12;

}  // namespace

meeting_details meeting_details_of(context& ctx, const credentials& creds, db::id_t id) {
    const auto now = ctx.now();
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        auto who = identify(ctx, w, creds);
        auto m = db::meetings{w}.find(id);
        if (!m || !may_see(who, m->status, m->organisation_id)) throw not_found("No meeting " + std::to_string(id));
        meeting_details out;
        out.meeting = *m;
        if (m->venue_id) out.venue = db::venues{w}.find(*m->venue_id);
        out.organiser = db::organisations{w}.find(m->organisation_id);
        for (auto network_id : m->network_ids)
            if (auto n = db::networks{w}.find(network_id)) out.networks.push_back(std::move(*n));
        std::sort(out.networks.begin(), out.networks.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        out.seats = seats_of(w, {*m})[m->id];
        out.per_organisation = db::rsvps{w}.quota(id);
        out.sign_ups = sign_up_state_of(*m, out.seats, now);
        if (m->series_id) {
            db::meeting_filter f;
            f.series_id = m->series_id;
            f.from_utc = now;
            f.statuses = {db::meeting_status::published, db::meeting_status::cancelled};
            f.limit = coming_occurrences + 1;
            for (auto& o : db::meetings{w}.list(f).items)
                if (o.start_utc > m->start_utc && out.coming.size() < coming_occurrences) out.coming.push_back(std::move(o));
            if (m->overridden && !m->recurrence_id.empty() && m->recurrence_id != m->start_local)
                out.planned_start = m->recurrence_id;
        }
        for (auto& [oid, o] : all_of<db::organisation, db::organisation_filter>(db::organisations{w}))
            out.organisation_names.push_back(std::move(o.name));
        std::sort(out.organisation_names.begin(), out.organisation_names.end());
        return out;
    });
}

db::id_t series_landing(context& ctx, db::id_t series_id) {
    const auto now = ctx.now();
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        auto first = [&](std::optional<std::int64_t> from, std::vector<db::meeting_status> statuses) {
            db::meeting_filter f;
            f.series_id = series_id;
            f.from_utc = from;
            f.statuses = std::move(statuses);
            f.limit = 1;
            auto page = db::meetings{w}.list(f);
            return page.items.empty() ? std::optional<db::id_t>() : page.items.front().id;
        };
        using enum db::meeting_status;
        if (auto id = first(now, {published})) return *id;
        if (auto id = first(std::nullopt, {published})) return *id;
        if (auto id = first(std::nullopt, {cancelled})) return *id;
        throw not_found("No series " + std::to_string(series_id));
    });
}

}  // namespace kal::service::app
