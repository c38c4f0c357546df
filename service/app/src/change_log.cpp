#include "kal/service/app/change_log.hpp"

#include <cstdio>

#include "kal/db/directory.hpp"
#include "kal/service/app/sign_ups.hpp"

namespace kal::service::app::change_log {

namespace {

db::change_entry entry(const std::optional<principal>& who, const std::string& subject, db::id_t id,
                       const std::string& action) {
    db::change_entry e;
    e.subject = subject;
    e.subject_id = id;
    e.action = action;
    if (who) {
        e.user_id = who->user_id;
        e.api_token_id = who->api_token_id;
    }
    return e;
}

std::string opt(const std::optional<int>& v) { return v ? std::to_string(*v) : ""; }
std::string opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }

std::string venue_name(db::unit_of_work& w, const std::optional<db::id_t>& id) {
    if (!id) return "";
    auto v = db::venues{w}.find(*id);
    return v ? v->name : std::to_string(*id);
}

std::string organisation_name(db::unit_of_work& w, db::id_t id) {
    auto o = db::organisations{w}.find(id);
    return o ? o->name : std::to_string(id);
}

}  // namespace

namespace {

// One entry per field of a meeting (or a series' template) that differs.
void fields(db::unit_of_work& w, db::change_log& log, const db::change_entry& base, const db::meeting_fields& before,
            const db::meeting_fields& after) {
    const auto field = [&](const char* name, const std::string& b, const std::string& a) {
        if (b == a) return;
        auto e = base;
        e.field = name;
        e.before = b;
        e.after = a;
        log.record(e);
    };
    field("type", std::string(db::to_text(before.type)), std::string(db::to_text(after.type)));
    field("title", before.title, after.title);
    field("description", before.description, after.description);
    field("theme", before.theme, after.theme);
    field("start", before.start_local, after.start_local);
    field("end", before.end_local, after.end_local);
    field("all_day", before.all_day ? "true" : "false", after.all_day ? "true" : "false");
    field("time_zone", before.time_zone, after.time_zone);
    if (before.venue_id != after.venue_id)
        field("venue", venue_name(w, before.venue_id), venue_name(w, after.venue_id));
    field("location", before.location, after.location);
    field("online_url", before.online_url, after.online_url);
    if (before.organisation_id != after.organisation_id)
        field("organisation", organisation_name(w, before.organisation_id), organisation_name(w, after.organisation_id));
    field("capacity", opt(before.capacity), opt(after.capacity));
    field("registration_deadline", opt(before.registration_deadline_utc), opt(after.registration_deadline_utc));
    field("status", std::string(db::to_text(before.status)), std::string(db::to_text(after.status)));
}

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
}

std::string coordinate(const std::optional<double>& v) {
    if (!v) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", *v);
    return buf;
}

}  // namespace

void meeting(db::unit_of_work& w, const std::optional<principal>& who, const std::string& action,
             const db::meeting* before, const db::meeting& after) {
    db::change_log log{w};
    auto base = entry(who, "meeting", after.id, action);
    base.meeting_id = after.id;
    if (!before) {
        log.record(base);
        return;
    }
    fields(w, log, base, *before, after);
}

void series(db::unit_of_work& w, const std::optional<principal>& who, const std::string& action,
            const db::series* before, const db::series& after) {
    db::change_log log{w};
    auto base = entry(who, "series", after.id, action);
    if (!before) {
        log.record(base);
        return;
    }
    fields(w, log, base, before->fields, after.fields);
    const auto field = [&](const char* name, const std::string& b, const std::string& a) {
        if (b == a) return;
        auto e = base;
        e.field = name;
        e.before = b;
        e.after = a;
        log.record(e);
    };
    field("rrule", before->rrule, after.rrule);
    field("exdates", joined(before->exdates), joined(after.exdates));
}

void occurrence_skipped(db::unit_of_work& w, const std::optional<principal>& who, db::id_t series_id,
                        const db::meeting& occurrence) {
    auto e = entry(who, "series", series_id, "skipped");
    e.field = "occurrence";
    e.before = occurrence.start_local;
    db::change_log{w}.record(e);
}

void venue(db::unit_of_work& w, const std::optional<principal>& who, const std::string& action,
           const db::venue* before, const db::venue& after) {
    db::change_log log{w};
    auto base = entry(who, "venue", after.id, action);
    if (!before) {
        log.record(base);
        return;
    }
    const auto field = [&](const char* name, const std::string& b, const std::string& a) {
        if (b == a) return;
        auto e = base;
        e.field = name;
        e.before = b;
        e.after = a;
        log.record(e);
    };
    const auto yes_no = [](bool v) { return std::string(v ? "true" : "false"); };
    field("name", before->name, after.name);
    field("slug", before->slug, after.slug);
    field("address", before->address, after.address);
    field("capacity", opt(before->capacity), opt(after.capacity));
    field("step_free", yes_no(before->step_free), yes_no(after.step_free));
    field("hearing_loop", yes_no(before->hearing_loop), yes_no(after.hearing_loop));
    field("accessible_toilet", yes_no(before->accessible_toilet), yes_no(after.accessible_toilet));
    field("accessibility_notes", before->accessibility_notes, after.accessibility_notes);
    field("latitude", coordinate(before->latitude), coordinate(after.latitude));
    field("longitude", coordinate(before->longitude), coordinate(after.longitude));
    if (before->organisation_id != after.organisation_id)
        field("organisation", before->organisation_id ? organisation_name(w, *before->organisation_id) : "",
              after.organisation_id ? organisation_name(w, *after.organisation_id) : "");
    field("shared", yes_no(before->shared), yes_no(after.shared));
}

void sign_up(db::unit_of_work& w, const std::optional<principal>& who, const std::string& action,
             const db::rsvp& r, const std::string& status_before) {
    auto e = entry(who, "sign_up", r.id, action);
    e.meeting_id = r.meeting_id;
    e.rsvp_id = r.id;
    e.field = "status";
    e.before = status_before;
    e.after = std::string(db::to_text(r.status));
    db::change_log{w}.record(e);
}

}  // namespace kal::service::app::change_log

namespace kal::service::app {

std::vector<db::change_entry> change_log_of(context& ctx, const credentials& creds, db::id_t meeting_id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        organisers_meeting(w, who, meeting_id);
        return db::change_log{w}.of_meeting(meeting_id);
    });
}

}  // namespace kal::service::app
