// The organisers' reads (organising.hpp): the Översikt.

#include "kal/service/app/organising.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <set>

#include "kal/calendar/time.hpp"
#include "kal/db/attendance.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/collation.hpp"
#include "kal/db/outbox.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/change_log.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/mail_policy.hpp"
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

bool needs_attention(const overview_meeting& o) {
    return (o.seats.capacity && o.seats.confirmed_people > *o.seats.capacity) || o.failed_messages > 0 ||
           !o.venue_conflicts.empty();
}

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
            if (listing.page.next) ov.more_than_read = true;
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
        // with one), and the failed messages: counted in the database, a row per meeting, not
        // read sign-up by sign-up or message by message.
        ov.around.seats = seats_of(w, all);
        std::vector<db::id_t> ids;
        for (const auto& m : all) ids.push_back(m.id);
        const auto failed = db::outbox{w}.failed_of(ids);
        for (auto& m : all) {
            overview_meeting o;
            o.meeting = m;
            if (auto s = ov.around.seats.find(m.id); s != ov.around.seats.end()) o.seats = s->second;
            if (auto f = failed.find(m.id); f != failed.end()) o.failed_messages = static_cast<int>(f->second);
            if (m.venue_id && m.status != db::meeting_status::cancelled)
                for (const auto& other : at_venue[*m.venue_id])
                    if (overlaps(m, other)) o.venue_conflicts.push_back(other);
            if (m.status == db::meeting_status::draft) {
                ov.drafts.push_back(std::move(o));
            } else if (ov.coming.size() < 50) {
                ov.coming.push_back(std::move(o));
            } else {
                ++ov.more_coming;
                if (needs_attention(o)) ov.later_needing_attention.push_back(std::move(o));
            }
        }
        return ov;
    });
    const auto today = calendar::to_local(now, ctx.settings.calendar.default_time_zone);
    out.year = std::stoi(today.substr(0, 4));
    // The FRÖ target as the yearly report counts it, without reading the year's attendance.
    const auto targets = targets_of(ctx.settings);
    if (auto target = targets.find(db::meeting_type::fro); target != targets.end() && target->second > 0) {
        out.fro_target = target->second;
        const auto fro = held_and_planned(ctx, out.year, db::meeting_type::fro);
        out.fro_held = fro.held;
        out.fro_planned = fro.planned;
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
        const bool tells = mail_policy::deleting_tells(ctx, out.meeting, ctx.now());
        for (const auto& r : db::rsvps{w}.list(id, {db::rsvp_status::confirmed, db::rsvp_status::waitlisted})) {
            ++out.sign_ups;
            out.people += r.party_size;
            // meeting_deleted's own test of whom it writes to.
            if (tells && !r.anonymised_at && !r.email.empty()) ++out.told_if_deleted;
        }
        if (out.meeting.series_id) out.series = db::meetings{w}.find_series(*out.meeting.series_id);
        return out;
    });
}

// ---- series without RRULE -----------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 7> weekdays = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

std::optional<std::chrono::year_month_day> date_of(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    std::chrono::year_month_day d{std::chrono::year(std::stoi(text.substr(0, 4))),
                                  std::chrono::month(static_cast<unsigned>(std::stoi(text.substr(5, 2)))),
                                  std::chrono::day(static_cast<unsigned>(std::stoi(text.substr(8, 2))))};
    if (!d.ok()) return std::nullopt;
    return d;
}

std::string text_of(std::chrono::year_month_day d) {
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return out;
}

// Monday 0 ... Sunday 6.
unsigned weekday_index(std::chrono::sys_days d) { return std::chrono::weekday(d).iso_encoding() - 1; }

}  // namespace

repetition repetition_of(const repetition_input& in, field_errors& errors) {
    using namespace std::chrono;
    repetition out;
    const std::string repeat = in.repeat.value_or("");
    if (repeat != "weekly" && repeat != "every_other_week" && repeat != "monthly_first")
        errors.add("repeat", "must be weekly, every_other_week or monthly_first", "required");
    const auto day = std::find(weekdays.begin(), weekdays.end(), in.weekday.value_or(""));
    if (day == weekdays.end()) errors.add("weekday", "must be one of MO TU WE TH FR SA SU", "required");
    const auto from = date_of(in.from_date.value_or(""));
    if (!from) errors.add("from_date", "must be a date YYYY-MM-DD", "required");
    const bool has_until = in.until_date && !in.until_date->empty();
    const bool has_count = in.count && !in.count->empty();
    std::optional<year_month_day> until;
    int count = 0;
    if (has_until == has_count) {
        errors.add("until", "give either the last date or the number of times", "required");
    } else if (has_until) {
        until = date_of(*in.until_date);
        if (!until) errors.add("until", "must be a date YYYY-MM-DD", "invalid");
    } else {
        const auto& c = *in.count;
        if (c.size() <= 3 && c.find_first_not_of("0123456789") == std::string::npos) count = std::stoi(c);
        if (count < 1 || count > 200) errors.add("count", "must be a whole number from 1 to 200", "invalid");
    }
    if (!errors.empty()) return out;
    const auto wanted = static_cast<unsigned>(day - weekdays.begin());
    sys_days first{*from};
    if (repeat == "monthly_first") {
        // The first <weekday> of the month of `from`, or of the next month when it has passed.
        auto month = year_month{from->year(), from->month()};
        for (;;) {
            sys_days d{month / std::chrono::day(1)};
            while (weekday_index(d) != wanted) d += days(1);
            if (d >= sys_days{*from}) {
                first = d;
                break;
            }
            month += months(1);
        }
    } else {
        while (weekday_index(first) != wanted) first += days(1);
    }
    out.first_date = text_of(year_month_day{first});
    if (until && sys_days{*until} < first) {
        errors.add("until", "is before the first occurrence", "before_start");
        return out;
    }
    const std::string byday = std::string(weekdays[wanted]);
    if (repeat == "weekly") out.rrule = "FREQ=WEEKLY;BYDAY=" + byday;
    else if (repeat == "every_other_week") out.rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=" + byday;
    else out.rrule = "FREQ=MONTHLY;BYDAY=1" + byday;
    if (until) {
        auto u = text_of(*until);
        // The whole last day: UNTIL is UTC (RFC 5545 with a zoned DTSTART), 23:59:59 of that date.
        out.rrule += ";UNTIL=" + u.substr(0, 4) + u.substr(5, 2) + u.substr(8, 2) + "T235959Z";
    } else {
        out.rrule += ";COUNT=" + std::to_string(count);
    }
    return out;
}

editable_series series_to_edit(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        const auto who = require_principal(ctx, w, creds);
        auto s = db::meetings{w}.find_series(id);
        if (!s || !may_see(who, s->fields.status, s->fields.organisation_id))
            throw not_found("No series " + std::to_string(id));
        require_write(who, s->fields.organisation_id);
        editable_series out;
        out.series = std::move(*s);
        db::meeting_filter f;
        f.series_id = id;
        f.include_all_drafts = true;
        f.limit = 1000;
        out.occurrences = db::meetings{w}.list(f).items;
        std::vector<db::id_t> ids;
        for (const auto& m : out.occurrences) ids.push_back(m.id);
        for (const auto& a : db::attendance{w}.of(ids)) {
            out.seats[a.meeting_id] = availability{a.capacity, a.confirmed.people, a.waitlisted.entries};
            out.told_if_skipped[a.meeting_id] = a.confirmed.entries + a.waitlisted.entries;
        }
        for (const auto& m : out.occurrences)
            if (!mail_policy::deleting_tells(ctx, m, ctx.now())) out.told_if_skipped[m.id] = 0;
        out.changes = db::change_log{w}.of_subject("series", id);
        return out;
    });
}

int skip_occurrence(context& ctx, const credentials& creds, db::id_t series_id, db::id_t meeting_id) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        const auto who = require_principal(ctx, w, creds);
        auto m = db::meetings{w}.find(meeting_id);
        if (!m || m->series_id != series_id || !may_see(who, m->status, m->organisation_id))
            throw not_found("No such occurrence");
        require_write(who, m->organisation_id);
        const auto removal = db::meetings{w}.remove(meeting_id);
        mail_policy::meeting_deleted(ctx, w, removal);
        change_log::occurrence_skipped(w, who, series_id, *m);
        int told = 0;
        if (mail_policy::deleting_tells(ctx, removal.removed, w.now()))
            for (const auto& r : removal.active_sign_ups) told += !r.anonymised_at && !r.email.empty();
        return told;
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
