#include "kal/service/app/meetings.hpp"

#include "kal/service/app/change_log.hpp"

#include <algorithm>

#include "kal/calendar/time.hpp"
#include "kal/db/directory.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/mail_policy.hpp"
#include "kal/service/app/scheduling.hpp"
#include "kal/service/app/text_rules.hpp"

namespace kal::service::app {

namespace {

constexpr std::int64_t max_timed_duration = 31LL * 24 * 3600;
constexpr int max_all_day_days = 366;
constexpr std::size_t max_documents = 20;
constexpr std::size_t max_exdates = 1000;

std::int64_t naive_seconds(const std::string& local) { return calendar::to_utc(local, "UTC"); }

template <class Table>
std::string values_of(const Table& table) {
    std::string out;
    for (const auto& [value, text] : table) out += (out.empty() ? "" : ", ") + std::string(text);
    return out;
}

// all_day, start, end and time_zone are read together: they make the meeting's instants.
void apply_times(const meeting_input& in, db::meeting_fields& m, bool creating, field_errors& errors) {
    const bool was_all_day = m.all_day;
    if (in.all_day) m.all_day = *in.all_day;
    std::string start = m.start_local;
    std::string end = (!creating && was_all_day) ? calendar::add_days(m.end_local, -1) : m.end_local;
    if (!creating && m.all_day != was_all_day && (!in.start || !in.end))
        errors.add("all_day", "changing all_day needs start and end in the same request", "all_day_needs_times");
    if (auto v = read_text(errors, "start", in.start, 40, creating)) start = *v;
    if (auto v = read_text(errors, "end", in.end, 40, creating)) end = *v;
    if (auto v = read_text(errors, "time_zone", in.time_zone, 64, false)) {
        if (calendar::is_known_time_zone(*v)) m.time_zone = *v;
        else errors.add("time_zone", "is not a known IANA time zone such as Europe/Stockholm", "unknown_time_zone");
    }
    if (!errors.empty()) return;
    if (!(creating || in.start || in.end || in.all_day || in.time_zone)) return;
    if (m.all_day) {
        auto s = calendar::normalize_date(start);
        auto e = calendar::normalize_date(end);
        if (!s) errors.add("start", "must be a date YYYY-MM-DD for an all-day meeting", "date");
        if (!e) errors.add("end", "must be a date YYYY-MM-DD (the last day) for an all-day meeting", "date");
        if (s && e) {
            if (*e < *s) errors.add("end", "must not be before start", "end_before_start");
            else if (naive_seconds(*e) - naive_seconds(*s) >= max_all_day_days * 86400LL)
                errors.add("end", "an all-day meeting lasts at most 366 days", "too_long_span");
            m.start_local = *s;
            m.end_local = calendar::add_days(*e, 1);
        }
    } else {
        auto s = calendar::normalize_local_date_time(start);
        auto e = calendar::normalize_local_date_time(end);
        if (!s) errors.add("start", "must be a local date and time YYYY-MM-DDTHH:MM[:SS] without offset", "date_time");
        if (!e) errors.add("end", "must be a local date and time YYYY-MM-DDTHH:MM[:SS] without offset", "date_time");
        if (s && e) {
            m.start_local = *s;
            m.end_local = *e;
        }
    }
    if (!errors.empty()) return;
    try {
        set_instants(m);
    } catch (const calendar::error& e) {
        errors.add("start", e.what(), "invalid_time");
        return;
    }
    if (!m.all_day) {
        if (m.end_utc <= m.start_utc) errors.add("end", "must be after start", "end_before_start");
        else if (m.end_utc - m.start_utc > max_timed_duration)
            errors.add("end", "a meeting lasts at most 31 days; use all_day or a series", "too_long_span");
    }
}

void apply_documents(const std::vector<document_input>& docs, db::meeting_fields& m, field_errors& errors) {
    if (docs.size() > max_documents) {
        errors.add("documents", "must be an array of at most 20 {title, url} objects", "too_many");
        return;
    }
    std::vector<db::document_link> out;
    field_errors mine;
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const auto prefix = "documents[" + std::to_string(i) + "]";
        auto title = read_text(mine, prefix + ".title", docs[i].title, 200, true);
        auto url = read_text(mine, prefix + ".url", docs[i].url, 2000, true);
        if (url && !is_http_url(*url)) {
            mine.add(prefix + ".url", "must be an absolute http:// or https:// URL", "url");
            url.reset();
        }
        if (title && url) out.push_back({*title, *url});
    }
    errors.append(mine.list());
    if (mine.empty()) m.documents = std::move(out);
}

}  // namespace

std::optional<std::int64_t> parse_instant(const std::string& text, const std::string& time_zone) {
    if (auto t = calendar::parse_rfc3339(text)) return *t;
    if (auto d = calendar::normalize_date(text)) return calendar::to_utc(*d, time_zone);
    return std::nullopt;
}

void apply_meeting_input(const meeting_input& in, db::meeting_fields& m, bool creating, bool in_series,
                         const config::settings& settings, field_errors& errors) {
    in.unreadable.report(errors);
    if (creating) m.time_zone = settings.calendar.default_time_zone;
    if (auto v = read_text(errors, "type", in.type, 20, creating)) {
        if (auto t = db::parse_meeting_type(*v)) m.type = *t;
        else errors.add("type", "must be one of " + values_of(db::meeting_type_texts), "one_of");
    }
    if (creating || in.title)
        if (auto v = read_text(errors, "title", in.title, 200, true)) m.title = *v;
    if (auto v = read_text(errors, "description", in.description, 10000, false, text_kind::multi_line))
        m.description = *v;
    if (auto v = read_text(errors, "theme", in.theme, 200, false)) m.theme = *v;

    apply_times(in, m, creating, errors);

    if (in.venue_id) {
        if (!*in.venue_id) m.venue_id.reset();
        else if (**in.venue_id < 1) errors.add("venue_id", "must be a venue id", "id");
        else m.venue_id = **in.venue_id;
    }
    if (auto v = read_text(errors, "location", in.location, 500, false, text_kind::multi_line)) m.location = *v;
    if (auto v = read_text(errors, "online_url", in.online_url, 2000, false)) {
        if (v->empty() || is_http_url(*v)) m.online_url = *v;
        else errors.add("online_url", "must be an absolute http:// or https:// URL", "url");
    }
    if (in.organisation_id) {
        if (*in.organisation_id < 1) errors.add("organisation_id", "must be an organisation id", "id");
        else m.organisation_id = *in.organisation_id;
    } else if (creating && !errors.has("organisation_id")) {
        errors.add("organisation_id", "is required", "required");
    }
    if (in.network_ids) {
        auto ids = *in.network_ids;
        if (ids.size() > 100 || std::any_of(ids.begin(), ids.end(), [](auto id) { return id < 1; })) {
            errors.add("network_ids", "must be an array of at most 100 ids", "ids");
        } else {
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            m.network_ids = std::move(ids);
        }
    }
    if (in.capacity) {
        if (!*in.capacity) m.capacity.reset();
        else if (**in.capacity < 1 || **in.capacity > 100000)
            errors.add("capacity", "must be between 1 and 100000", "range");
        else m.capacity = static_cast<int>(**in.capacity);
    }
    if (in.registration_deadline) {
        if (!*in.registration_deadline || (*in.registration_deadline)->empty()) {
            m.registration_deadline_utc.reset();
        } else if (auto t = calendar::parse_rfc3339(**in.registration_deadline)) {
            m.registration_deadline_utc = *t;
        } else if (auto local = calendar::normalize_local_date_time(**in.registration_deadline)) {
            m.registration_deadline_utc = calendar::to_utc(*local, m.time_zone);
        } else {
            errors.add("registration_deadline", "must be RFC 3339 with an offset, e.g. 2026-11-20T12:00:00+01:00",
                       "date_time");
        }
    }
    if (auto v = read_text(errors, "status", in.status, 20, false)) {
        if (*v == "draft") m.status = db::meeting_status::draft;
        else if (*v == "published") m.status = db::meeting_status::published;
        else if (*v == "cancelled")
            errors.add("status",
                       in_series ? "cancel single occurrences with POST /api/v1/meetings/{id}/cancel"
                                 : "cancel with POST /api/v1/meetings/{id}/cancel",
                       "cancel_separately");
        else errors.add("status", "must be draft or published", "one_of");
    }
    if (in.documents) apply_documents(*in.documents, m, errors);
}

// ---- meetings -------------------------------------------------------------------------------

db::page<db::meeting> list_meetings(context& ctx, const credentials& creds, const meeting_query& q) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = identify(ctx, w, creds);
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
        if (who && who->admin) f.include_all_drafts = true;
        else if (who) f.drafts_of_organisation = who->home_organisation();
        return db::meetings{w}.list(f);
    });
}

namespace {

// The meeting as the caller may see it, or not_found (a draft is as invisible as nothing).
db::meeting visible_meeting(db::unit_of_work& w, const std::optional<principal>& who, db::id_t id) {
    auto m = db::meetings{w}.find(id);
    if (!m || !may_see(who, m->status, m->organisation_id)) throw not_found("No meeting " + std::to_string(id));
    return *m;
}

db::series visible_series(db::unit_of_work& w, const std::optional<principal>& who, db::id_t id) {
    auto s = db::meetings{w}.find_series(id);
    if (!s || !may_see(who, s->fields.status, s->fields.organisation_id))
        throw not_found("No series " + std::to_string(id));
    return *s;
}

void apply_series_input(const series_input& in, db::series& s, bool creating, const config::settings& settings,
                        field_errors& errors) {
    apply_meeting_input(in, s.fields, creating, true, settings, errors);
    if (auto v = read_text(errors, "rrule", in.rrule, 500, creating)) {
        std::string rule = *v;
        if (rule.starts_with("RRULE:")) rule = rule.substr(6);
        if (auto why = calendar::check_rrule(rule, s.fields.all_day)) errors.add("rrule", *why, "rrule");
        else s.rrule = rule;
    } else if (!creating && in.all_day) {
        if (auto why = calendar::check_rrule(s.rrule, s.fields.all_day)) errors.add("rrule", *why, "rrule");
    }
    if (in.exdates) {
        if (in.exdates->size() > max_exdates) {
            errors.add("exdates", "must be an array of at most 1000 local start times", "too_many");
            return;
        }
        std::vector<std::string> out;
        for (std::size_t i = 0; i < in.exdates->size(); ++i) {
            const auto& item = (*in.exdates)[i];
            auto v = s.fields.all_day ? calendar::normalize_date(item) : calendar::normalize_local_date_time(item);
            if (!v)
                errors.add("exdates[" + std::to_string(i) + "]",
                           s.fields.all_day ? "must be a date YYYY-MM-DD" : "must be a local start YYYY-MM-DDTHH:MM[:SS]",
                           s.fields.all_day ? "date" : "date_time");
            else out.push_back(*v);
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        s.exdates = std::move(out);
    }
}

std::vector<db::occurrence> expand_or_fail(const db::series& s, const config::settings& settings, std::int64_t now,
                                           field_errors& errors) {
    errors.throw_if_any();
    std::vector<db::occurrence> occurrences;
    try {
        occurrences = occurrences_of(s, settings, now);
    } catch (const calendar::error& e) {
        errors.add("rrule", e.what(), "rrule");
    }
    if (errors.empty() && occurrences.empty()) errors.add("rrule", "produces no occurrences", "rrule_empty");
    errors.throw_if_any();
    return occurrences;
}

}  // namespace

db::meeting find_meeting(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.read([&](db::unit_of_work& w) { return visible_meeting(w, identify(ctx, w, creds), id); });
}

db::meeting create_meeting(context& ctx, const credentials& creds, const meeting_input& in, db::venue_overlap overlap) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        db::meeting m;
        field_errors errors;
        apply_meeting_input(in, m, true, false, ctx.settings, errors);
        errors.throw_if_any();
        require_write(who, m.organisation_id);
        auto created = db::meetings{w}.create(m, overlap);
        change_log::meeting(w, who, "created", nullptr, created);
        return created;
    });
}

db::meeting update_meeting(context& ctx, const credentials& creds, db::id_t id, const meeting_input& in,
                           db::venue_overlap overlap) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto m = visible_meeting(w, who, id);
        require_write(who, m.organisation_id);
        field_errors errors;
        if (m.status == db::meeting_status::cancelled && in.status)
            errors.add("status", "a cancelled meeting stays cancelled; create a new one", "stays_cancelled");
        apply_meeting_input(in, m, false, m.series_id.has_value(), ctx.settings, errors);
        errors.throw_if_any();
        require_write(who, m.organisation_id);  // a change of organiser must stay within one's own
        auto change = db::meetings{w}.update(m, overlap);
        mail_policy::meeting_changed(ctx, w, change);
        change_log::meeting(w, who, "changed", &change.before, change.after);
        return change.after;
    });
}

db::meeting cancel_meeting(context& ctx, const credentials& creds, db::id_t id, const std::string& reason) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto m = visible_meeting(w, who, id);
        require_write(who, m.organisation_id);
        field_errors errors;
        auto said = read_text(errors, "reason", reason, 1000, false, text_kind::multi_line);
        errors.throw_if_any();
        auto change = db::meetings{w}.cancel(id, said.value_or(""));
        mail_policy::meeting_changed(ctx, w, change);
        change_log::meeting(w, who, "cancelled", &change.before, change.after);
        return change.after;
    });
}

void delete_meeting(context& ctx, const credentials& creds, db::id_t id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto m = visible_meeting(w, who, id);
        require_write(who, m.organisation_id);
        mail_policy::meeting_deleted(ctx, w, db::meetings{w}.remove(id));
    });
}

// ---- series ---------------------------------------------------------------------------------

db::page<db::series> list_series(context& ctx, const credentials& creds, const series_query& q) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = identify(ctx, w, creds);
        db::series_filter f;
        f.q = q.q;
        f.limit = q.limit;
        f.after = q.after;
        if (q.organisation) f.organisation_id = organisation_id_or_slug(w, *q.organisation);
        if (who && who->admin) f.include_all_drafts = true;
        else if (who) f.drafts_of_organisation = who->home_organisation();
        return db::meetings{w}.list_series(f);
    });
}

db::series find_series(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.read([&](db::unit_of_work& w) { return visible_series(w, identify(ctx, w, creds), id); });
}

db::series create_series(context& ctx, const credentials& creds, const series_input& in, db::venue_overlap overlap) {
    const auto now = ctx.now();
    return ctx.database.write(now, [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        db::series s;
        field_errors errors;
        apply_series_input(in, s, true, ctx.settings, errors);
        auto occurrences = expand_or_fail(s, ctx.settings, now, errors);
        require_write(who, s.fields.organisation_id);
        auto created = db::meetings{w}.create_series(s, occurrences, overlap);
        change_log::series(w, who, "created", nullptr, created);
        return created;
    });
}

db::series update_series(context& ctx, const credentials& creds, db::id_t id, const series_input& in,
                         db::venue_overlap overlap) {
    const auto now = ctx.now();
    return ctx.database.write(now, [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto s = visible_series(w, who, id);
        require_write(who, s.fields.organisation_id);
        const auto before = s;
        field_errors errors;
        apply_series_input(in, s, false, ctx.settings, errors);
        auto occurrences = expand_or_fail(s, ctx.settings, now, errors);
        require_write(who, s.fields.organisation_id);
        auto change = db::meetings{w}.update_series(s, occurrences, overlap);
        for (const auto& c : change.updated) mail_policy::meeting_changed(ctx, w, c);
        for (const auto& removal : change.removed) mail_policy::meeting_deleted(ctx, w, removal);
        change_log::series(w, who, "changed", &before, change.after);
        return change.after;
    });
}

void delete_series(context& ctx, const credentials& creds, db::id_t id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto s = visible_series(w, who, id);
        require_write(who, s.fields.organisation_id);
        for (const auto& removal : db::meetings{w}.remove_series(id).occurrences)
            mail_policy::meeting_deleted(ctx, w, removal);
    });
}

}  // namespace kal::service::app
