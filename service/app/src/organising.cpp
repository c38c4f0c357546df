// The organisers' reads (organising.hpp): the Översikt.

#include "kal/service/app/organising.hpp"

#include <algorithm>
#include <set>

#include "kal/calendar/time.hpp"
#include "kal/db/attendance.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/collation.hpp"
#include "kal/db/outbox.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/reports.hpp"

namespace kal::service::app {

namespace {

void merge(surroundings& into, surroundings&& from) {
    into.venues.merge(from.venues);
    into.organisations.merge(from.organisations);
    into.networks.merge(from.networks);
    into.seats.merge(from.seats);
}

bool overlaps(const db::meeting& a, const db::meeting& b) {
    return a.id != b.id && a.start_utc < b.end_utc && b.start_utc < a.end_utc;
}

}  // namespace

organiser_overview organiser_overview_of(context& ctx, const credentials& creds) {
    const auto now = ctx.now();
    auto out = ctx.database.snapshot([&](db::unit_of_work& w) {
        const auto who = require_principal(ctx, w, creds);
        if (!who.user_id) throw unauthenticated("The overview is a signed-in user's");
        organiser_overview ov;
        ov.admin = who.admin;
        // The meetings of each organisation, its drafts with them: a principal narrowed to one
        // organisation at a time, so that the drafts of every one of them are read.
        std::vector<std::optional<db::id_t>> scopes;
        if (who.admin) scopes.push_back(std::nullopt);
        for (auto id : who.organisations) scopes.push_back(id);
        std::vector<db::meeting> all;
        for (const auto& scope : scopes) {
            principal narrowed = who;
            meeting_query q;
            q.from_utc = now;
            q.limit = 200;
            if (scope) {
                narrowed.organisations = {*scope};
                q.organisation = std::to_string(*scope);
            }
            auto listing = list_meetings_around(w, narrowed, q);
            for (auto& m : listing.page.items) all.push_back(std::move(m));
            merge(ov.around, std::move(listing.around));
        }
        for (auto id : who.organisations)
            if (auto o = ov.around.organisations.find(id); o != ov.around.organisations.end())
                ov.organisations.push_back(o->second);
        std::sort(all.begin(), all.end(),
                  [](const auto& a, const auto& b) { return std::tie(a.start_utc, a.id) < std::tie(b.start_utc, b.id); });
        all.erase(std::unique(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id == b.id; }),
                  all.end());
        // The other bookings of the venues these meetings use: published ones of anyone, and
        // drafts of the caller's own organisations.
        std::map<db::id_t, std::vector<db::meeting>> at_venue;
        for (const auto& m : all) {
            if (!m.venue_id || at_venue.contains(*m.venue_id)) continue;
            db::meeting_filter f;
            f.venue_id = m.venue_id;
            f.from_utc = now;
            f.limit = 1000;
            f.include_all_drafts = true;
            auto& list = at_venue[*m.venue_id];
            for (auto& other : db::meetings{w}.list(f).items)
                if (other.status == db::meeting_status::published ||
                    (other.status == db::meeting_status::draft && who.may_write_for(other.organisation_id)))
                    list.push_back(std::move(other));
        }
        // Seats of every meeting, also those without a capacity (the listing reads only those
        // with one).
        std::vector<db::id_t> ids;
        for (const auto& m : all) ids.push_back(m.id);
        for (const auto& a : db::attendance{w}.of(ids))
            ov.around.seats[a.meeting_id] = availability{a.capacity, a.confirmed.people, a.waitlisted.entries};
        for (auto& m : all) {
            overview_meeting o;
            o.meeting = m;
            if (auto s = ov.around.seats.find(m.id); s != ov.around.seats.end()) o.seats = s->second;
            for (const auto& message : db::outbox{w}.list(m.id))
                if (message.state == db::message_state::failed) ++o.failed_messages;
            if (m.venue_id && m.status != db::meeting_status::cancelled)
                for (const auto& other : at_venue[*m.venue_id])
                    if (overlaps(m, other)) o.venue_conflicts.push_back(other);
            if (m.status == db::meeting_status::draft)
                ov.drafts.push_back(std::move(o));
            else if (ov.coming.size() < 50)
                ov.coming.push_back(std::move(o));
        }
        return ov;
    });
    const auto today = calendar::to_local(now, ctx.settings.calendar.default_time_zone);
    out.year = std::stoi(today.substr(0, 4));
    const auto report = yearly_report(ctx, out.year);
    if (auto target = report.targets.find(db::meeting_type::fro); target != report.targets.end() && target->second > 0) {
        out.fro_target = target->second;
        if (auto t = report.by_type.find(db::meeting_type::fro); t != report.by_type.end()) {
            out.fro_held = t->second.held;
            out.fro_planned = t->second.planned;
        }
    }
    return out;
}

// ---- the meeting form --------------------------------------------------------------------------

meeting_form_choices meeting_form_choices_of(context& ctx, const credentials& creds) {
    auto choices = directory_choices_of(ctx);
    return ctx.database.read([&](db::unit_of_work& w) {
        const auto who = require_principal(ctx, w, creds);
        if (!who.user_id) throw unauthenticated("The meeting form is a signed-in user's");
        meeting_form_choices out;
        for (auto& o : choices.organisations)
            if (who.may_write_for(o.id)) out.organisations.push_back(std::move(o));
        out.networks = std::move(choices.networks);
        out.venues = std::move(choices.venues);
        return out;
    });
}

editable_meeting meeting_to_edit(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        const auto who = require_principal(ctx, w, creds);
        auto m = db::meetings{w}.find(id);
        if (!m || !may_see(who, m->status, m->organisation_id)) throw not_found("No meeting " + std::to_string(id));
        require_write(who, m->organisation_id);
        editable_meeting out;
        out.meeting = std::move(*m);
        for (const auto& r : db::rsvps{w}.list(id, {db::rsvp_status::confirmed, db::rsvp_status::waitlisted})) {
            ++out.sign_ups;
            out.people += r.party_size;
        }
        if (out.meeting.series_id) out.series = db::meetings{w}.find_series(*out.meeting.series_id);
        return out;
    });
}

std::vector<db::meeting> visible_meetings(context& ctx, const credentials& creds, const std::vector<db::id_t>& ids) {
    return ctx.database.read([&](db::unit_of_work& w) {
        const auto who = identify(ctx, w, creds);
        std::vector<db::meeting> out;
        for (auto id : ids)
            if (auto m = db::meetings{w}.find(id); m && may_see(who, m->status, m->organisation_id))
                out.push_back(std::move(*m));
        return out;
    });
}

}  // namespace kal::service::app
