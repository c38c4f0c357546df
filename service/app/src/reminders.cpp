#include "kal/service/app/reminders.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

#include "kal/calendar/time.hpp"
#include "kal/db/meetings.hpp"
#include "kal/service/app/mail_policy.hpp"
#include "kal/service/app/sign_ups.hpp"

namespace kal::service::app {

std::int64_t reminder_due_utc(const db::reminder_candidate& m, std::int64_t offset_seconds) {
    constexpr std::int64_t day = 86400;
    const bool whole_days = offset_seconds % day == 0;
    if (m.all_day) {
        const auto date = m.start_local.substr(0, 10);
        if (whole_days)
            return calendar::to_utc(calendar::add_days(date, -static_cast<int>(offset_seconds / day)) + "T09:00:00",
                                    m.time_zone);
        return calendar::to_utc(date + "T00:00:00", m.time_zone) - offset_seconds;
    }
    if (!whole_days) return m.start_utc - offset_seconds;
    const auto date = m.start_local.substr(0, 10);
    const auto time = m.start_local.substr(10);  // "THH:MM:SS"
    return calendar::to_utc(calendar::add_days(date, -static_cast<int>(offset_seconds / day)) + time, m.time_zone);
}

reminder_decision decide_reminder(std::int64_t due, std::int64_t start_utc, std::int64_t now, std::int64_t grace,
                                  std::int64_t min_lead) {
    if (now >= start_utc) return reminder_decision::too_late;
    if (now < due) return reminder_decision::not_yet;
    if (now - due <= grace) return reminder_decision::send;
    return start_utc - now >= min_lead ? reminder_decision::send : reminder_decision::skip_late;
}

reminder_defaults reminder_defaults_of(const config::settings& settings) {
    reminder_defaults out;
    for (const auto& [type, offsets] : config::reminder_defaults(settings)) {
        auto t = db::parse_meeting_type(type);
        if (!t) throw config::config_error("mail.reminders", "not a meeting type: \"" + type + "\"");
        out[*t] = offsets;
    }
    return out;
}

const std::vector<std::int64_t>& reminder_offsets(const db::reminder_candidate& m, const reminder_defaults& defaults) {
    static const std::vector<std::int64_t> none;
    if (m.offsets) return *m.offsets;
    auto it = defaults.find(m.type);
    return it == defaults.end() ? none : it->second;
}

namespace {

std::int64_t seconds(std::chrono::milliseconds d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

// Plans one reminder in batches; returns how many messages were written.
int plan_one(context& ctx, const db::reminder_key& key, std::int64_t due, bool skip, std::size_t batch_size) {
    int written = 0;
    db::id_t after = 0;
    for (;;) {
        auto next = ctx.database.write(ctx.now(), [&](db::unit_of_work& w) -> std::optional<db::id_t> {
            auto batch = db::reminders{w}.plan(key, due, skip, after, batch_size);
            if (!batch) return std::nullopt;
            if (!batch->to_remind.empty()) {
                auto m = db::meetings{w}.find(key.meeting_id);
                if (m)
                    for (const auto& r : batch->to_remind) {
                        mail_policy::reminder(ctx, w, r, *m, key.start_utc, key.offset_seconds);
                        ++written;
                    }
            }
            return batch->next_after;
        });
        if (!next) return written;
        after = *next;
    }
}

}  // namespace

int plan_due_reminders(context& ctx, std::size_t batch_size) {
    const auto defaults = reminder_defaults_of(ctx.settings);
    const auto now = ctx.now();
    std::int64_t horizon = 0;
    for (const auto& [type, offsets] : defaults)
        for (auto o : offsets) horizon = std::max(horizon, o);
    horizon = std::max<std::int64_t>(horizon, 90 * 86400);  // meetings may have their own, up to 90 days
    const auto grace = seconds(ctx.settings.mail.reminder_grace);
    const auto lead = seconds(ctx.settings.mail.late_reminder_min_lead);
    auto candidates = ctx.database.read(
        [&](db::unit_of_work& w) { return db::reminders{w}.candidates(now, now + horizon + 2 * 86400); });
    int written = 0;
    for (const auto& m : candidates) {
        for (auto offset : reminder_offsets(m, defaults)) {
            const auto due = reminder_due_utc(m, offset);
            const db::reminder_key key{m.meeting_id, m.start_utc, offset};
            switch (decide_reminder(due, m.start_utc, now, grace, lead)) {
            case reminder_decision::not_yet:
            case reminder_decision::too_late: break;
            case reminder_decision::send: written += plan_one(ctx, key, due, false, batch_size); break;
            case reminder_decision::skip_late:
                plan_one(ctx, key, due, true, batch_size);
                spdlog::info(R"("event":"reminder_skipped","meeting":{},"offset_seconds":{})", m.meeting_id, offset);
                break;
            }
        }
    }
    return written;
}

std::string offset_text(std::int64_t s) {
    if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
    if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 60) + "m";
}

namespace {

meeting_reminders view(const context& ctx, const db::meeting& m, std::optional<std::vector<std::int64_t>> own) {
    db::reminder_candidate c;
    c.type = m.type;
    c.offsets = own;
    auto defaults = reminder_defaults_of(ctx.settings);
    return {m, own, reminder_offsets(c, defaults)};
}

}  // namespace

meeting_reminders reminders_of(context& ctx, const credentials& creds, db::id_t meeting_id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = identify(ctx, w, creds);
        auto m = db::meetings{w}.find(meeting_id);
        if (!m || !may_see(who, m->status, m->organisation_id))
            throw not_found("No meeting " + std::to_string(meeting_id));
        return view(ctx, *m, db::reminders{w}.offsets(meeting_id));
    });
}

meeting_reminders set_reminders(context& ctx, const credentials& creds, db::id_t meeting_id, const reminders_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto m = organisers_meeting(w, who, meeting_id);
        field_errors errors;
        in.unreadable.report(errors);
        if (!in.given)
            errors.add("offsets", "is required (a list such as [\"7d\", \"1d\"], or null for the defaults)", "required");
        std::optional<std::vector<std::int64_t>> offsets;
        if (in.offsets) {
            if (in.offsets->size() > 10) {
                errors.add("offsets", "must be a list of at most 10 offsets such as \"7d\", \"1d\", \"2h\" or \"30m\"",
                           "too_many");
            } else {
                offsets.emplace();
                for (std::size_t i = 0; i < in.offsets->size(); ++i) {
                    try {
                        offsets->push_back(config::parse_offset("offsets", (*in.offsets)[i]));
                    } catch (const config::config_error&) {
                        errors.add("offsets[" + std::to_string(i) + "]",
                                   "must be an offset from 1m to 90d such as 7d, 2h or 30m", "offset");
                    }
                }
                std::sort(offsets->rbegin(), offsets->rend());
                offsets->erase(std::unique(offsets->begin(), offsets->end()), offsets->end());
            }
        }
        errors.throw_if_any();
        db::reminders{w}.set_offsets(m.id, offsets);
        return view(ctx, m, offsets);
    });
}

}  // namespace kal::service::app
