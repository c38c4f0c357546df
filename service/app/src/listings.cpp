#include "kal/service/app/listings.hpp"

#include <algorithm>
#include <set>

#include "kal/db/attendance.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/service/app/collation.hpp"
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

void read_seats(db::unit_of_work& w, const std::vector<db::meeting>& meetings, surroundings& s) {
    std::vector<db::id_t> ids;
    for (const auto& m : meetings)
        if (m.capacity) ids.push_back(m.id);
    for (const auto& a : db::attendance{w}.of(ids))
        s.seats[a.meeting_id] = availability{a.capacity, a.confirmed.people, a.waitlisted.entries};
}

}  // namespace

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
    read_seats(w, out.page.items, out.around);
    return out;
}

meeting_listing list_meetings_around(context& ctx, const credentials& creds, const meeting_query& q) {
    return ctx.database.snapshot([&](db::unit_of_work& w) { return list_meetings_around(w, identify(w, creds), q); });
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

}  // namespace kal::service::app
