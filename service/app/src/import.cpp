#include "kal/service/app/import.hpp"

#include <map>

#include "kal/calendar/ical.hpp"
#include "kal/calendar/utf8.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/imports.hpp"
#include "kal/db/meetings.hpp"
#include "kal/calendar/time.hpp"
#include "kal/service/app/change_log.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/mail_policy.hpp"
#include "kal/service/app/scheduling.hpp"
#include "kal/service/app/text_rules.hpp"

namespace kal::service::app {

namespace {

struct mapped {
    std::vector<db::meeting> meetings;
    std::vector<bool> created;
};

// The events as meetings, checked; every problem goes into `errors`.
mapped map_events(db::unit_of_work& w, const calendar::parse_result& parsed, db::id_t organisation_id,
                  db::meeting_type type, db::meeting_status status, const config::settings& settings,
                  std::vector<field_error>& errors) {
    std::vector<std::string> uids;
    for (const auto& e : parsed.events) uids.push_back(e.uid);
    std::map<std::string, db::uid_owner> owners;
    for (auto& o : db::meetings{w}.uid_owners(uids)) owners.emplace(o.uid, std::move(o));

    mapped out;
    for (const auto& e : parsed.events) {
        const std::string where = "UID " + e.uid;
        if (!e.rrule.empty() || !e.recurrence_id.empty()) {
            errors.push_back({where, "recurring events are not imported; create a series instead", "recurring"});
            continue;
        }
        std::optional<db::meeting> existing;
        if (auto o = owners.find(e.uid); o != owners.end()) {
            if (o->second.series_id) {
                errors.push_back({where, "belongs to a series; change the series or its occurrence instead", "series_uid"});
                continue;
            }
            if (o->second.meeting_id) existing = db::meetings{w}.find(*o->second.meeting_id);
        }
        db::meeting m = existing ? *existing : db::meeting{};
        if (existing && existing->organisation_id != organisation_id)
            errors.push_back({where, "belongs to another organisation", "other_organisation"});
        if (!existing) {
            m.uid = e.uid;
            m.type = type;
            m.status = status;
            m.organisation_id = organisation_id;
        }
        field_error problem;
        auto title = check_text(e.summary.empty() ? "(utan rubrik)" : e.summary, 200, text_kind::single_line, problem);
        if (!title) errors.push_back({where + ": SUMMARY", problem.message, problem.code});
        auto description = check_text(e.description, 10000, text_kind::multi_line, problem);
        if (!description) errors.push_back({where + ": DESCRIPTION", problem.message, problem.code});
        auto location = check_text(e.location, 500, text_kind::multi_line, problem);
        if (!location) errors.push_back({where + ": LOCATION", problem.message, problem.code});
        if (!title || !description || !location) continue;
        m.title = *title;
        m.description = *description;
        m.location = *location;
        m.all_day = e.all_day;
        m.time_zone = e.all_day ? settings.calendar.default_time_zone : e.tzid;
        m.start_local = e.start_local;
        m.end_local = e.end_local;
        if (!e.url.empty()) {
            if (is_http_url(e.url)) m.online_url = e.url;
            else errors.push_back({where + ": URL", "must be an absolute http:// or https:// URL", "url"});
        }
        // A cancelled event stays cancelled, whether it is new here or not.
        if (e.status == "CANCELLED") m.status = db::meeting_status::cancelled;
        try {
            set_instants(m);
        } catch (const calendar::error& err) {
            errors.push_back({where, err.what(), "invalid_time"});
            continue;
        }
        if (!e.all_day && m.end_utc <= m.start_utc) {
            errors.push_back({where + ": DTEND", "must be after DTSTART", "end_before_start"});
            continue;
        }
        out.created.push_back(!existing);
        out.meetings.push_back(std::move(m));
    }
    return out;
}

}  // namespace

namespace {

// The import's rules in a unit the caller holds: the caller's rights first, then every problem of
// the calendar at once; with `dry_run` nothing is written.
import_result import_in(context& ctx, db::unit_of_work& w, const principal& who, const import_request& request,
                        bool dry_run) {
    if (request.unreadable_body) throw *request.unreadable_body;
    if (!request.organisation)
        throw bad_parameter("organisation", "is required: the organising organisation's id", "required");
    auto type = db::parse_meeting_type(request.type.value_or("other"));
    if (!type) throw bad_parameter("type", "unknown meeting type", "one_of");
    const auto status_text = request.status.value_or("published");
    if (status_text != "draft" && status_text != "published")
        throw bad_parameter("status", "must be draft or published", "one_of");
    const auto status = *db::parse_meeting_status(status_text);
    if (request.dry_run && *request.dry_run != "true" && *request.dry_run != "false")
        throw bad_parameter("dry_run", "must be true or false", "one_of");
    auto organisation_id = organisation_id_or_slug(w, *request.organisation);
    if (organisation_id < 1 || !db::organisations{w}.find(organisation_id))
        throw bad_parameter("organisation", "no such organisation", "unknown");
    require_write(who, organisation_id);
    auto parsed = calendar::parse_calendar(request.calendar, ctx.settings.calendar.default_time_zone);
    std::vector<field_error> errors;
    for (const auto& p : parsed.problems)
        errors.push_back({"line " + std::to_string(p.line) + (p.property.empty() ? "" : ": " + p.property),
                          p.message, "ical"});
    if (parsed.events.empty() && parsed.problems.empty())
        errors.push_back({"body", "holds no events to import", "empty"});
    auto m = map_events(w, parsed, organisation_id, *type, status, ctx.settings, errors);
    if (!errors.empty()) {
        auto e = validation_failed(std::move(errors));
        e = error(error_kind::validation, "Nothing was imported. " + std::string(e.what()), e.fields);
        throw e;
    }
    import_result out;
    out.dry_run = dry_run;
    for (std::size_t i = 0; i < m.meetings.size(); ++i) {
        imported_meeting item{m.created[i], m.meetings[i]};
        if (!dry_run) {
            db::meetings meetings{w};
            // Logged as the meeting form's changes are (change_log.hpp), by whoever imported.
            if (item.created) {
                item.meeting = meetings.create(item.meeting, db::venue_overlap::allow);
                change_log::meeting(w, who, "created", nullptr, item.meeting);
            } else {
                auto change = meetings.update(item.meeting, db::venue_overlap::allow);
                mail_policy::meeting_changed(ctx, w, change);
                change_log::meeting(w, who, "changed", &change.before, change.after);
                item.meeting = change.after;
            }
        }
        out.items.push_back(std::move(item));
    }
    return out;
}

// The signed-in session of a caller: the import page's previews belong to one.
principal require_session(context& ctx, db::unit_of_work& w, const credentials& creds) {
    auto who = require_principal(ctx, w, creds);
    if (!who.session_id) throw forbidden("An uploaded calendar is kept for a signed-in browser only");
    return who;
}

import_request request_of(const db::staged_import& s) {
    import_request r;
    r.organisation = std::to_string(s.organisation_id);
    r.type = s.meeting_type;
    r.status = s.status;
    r.calendar = s.calendar;
    return r;
}

db::staged_import staged_or_404(db::unit_of_work& w, const principal& who, const std::string& id, std::int64_t now) {
    auto staged = is_secret(id, secret_kind::staged_import)
                      ? db::staged_imports{w}.find(hash_secret(id), *who.session_id, now)
                      : std::nullopt;
    if (!staged) throw not_found("No such upload: it has expired or belongs to another browser");
    return *staged;
}

}  // namespace

import_result import_calendar(context& ctx, const credentials& creds, const import_request& request) {
    const bool dry_run = request.dry_run == "true";
    auto run = [&](db::unit_of_work& w) { return import_in(ctx, w, require_principal(ctx, w, creds), request, dry_run); };
    if (dry_run) return ctx.database.read(run);
    return ctx.database.write(ctx.now(), run);
}

std::string stage_import(context& ctx, const credentials& creds, const import_request& request,
                         const std::string& file_name) {
    const auto now = ctx.now();
    return ctx.database.write(now, [&](db::unit_of_work& w) {
        const auto who = require_session(ctx, w, creds);
        // What a page can say beside its file field, before the calendar's own problems.
        field_errors problems;
        if (request.calendar.empty()) problems.add("file", "choose an .ics file", "required");
        else if (request.calendar.size() > max_staged_calendar)
            problems.add("file", "is larger than " + std::to_string(max_staged_calendar / 1024) + " KiB", "too_large");
        else if (!calendar::utf8::is_valid(request.calendar)) problems.add("file", "is not UTF-8 text", "not_text");
        problems.throw_if_any();
        const auto checked = import_in(ctx, w, who, request, true);  // every problem, nothing written
        (void)checked;
        const auto id = new_secret(secret_kind::staged_import);
        db::staged_import s;
        s.token_hash = hash_secret(id);
        s.session_id = *who.session_id;
        s.organisation_id = organisation_id_or_slug(w, *request.organisation);
        s.meeting_type = request.type.value_or("other");
        s.status = request.status.value_or("published");
        s.file_name = file_name.substr(0, 200);
        field_error problem;
        if (!check_text(s.file_name, 200, text_kind::single_line, problem)) s.file_name.clear();
        s.calendar = request.calendar;
        s.expires_at = now + staged_import_lifetime;
        db::staged_imports{w}.stage(s);
        return id;
    });
}

staged_preview staged_import_of(context& ctx, const credentials& creds, const std::string& id) {
    const auto now = ctx.now();
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        const auto who = require_session(ctx, w, creds);
        auto staged = staged_or_404(w, who, id, now);
        staged_preview out;
        out.file_name = staged.file_name;
        out.expires_at = staged.expires_at;
        out.type = staged.meeting_type;
        out.status = staged.status;
        if (auto o = db::organisations{w}.find(staged.organisation_id)) out.organisation = std::move(*o);
        out.preview = import_in(ctx, w, who, request_of(staged), true);
        return out;
    });
}

import_result confirm_import(context& ctx, const credentials& creds, const std::string& id) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        const auto who = require_session(ctx, w, creds);
        auto staged = staged_or_404(w, who, id, w.now());
        auto out = import_in(ctx, w, who, request_of(staged), false);
        db::staged_imports{w}.remove(staged.id);
        return out;
    });
}

int purge_staged_imports(context& ctx) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) { return db::staged_imports{w}.purge(); });
}

}  // namespace kal::service::app
