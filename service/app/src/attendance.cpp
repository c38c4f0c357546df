#include "kal/service/app/attendance.hpp"

#include "kal/db/meetings.hpp"
#include "kal/service/app/mail_policy.hpp"
#include "kal/service/app/sign_ups.hpp"
#include "kal/service/app/text_rules.hpp"

namespace kal::service::app {

db::check_in_result check_in(context& ctx, const credentials& creds, db::id_t meeting_id, const check_in_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto meeting = organisers_meeting(w, who, meeting_id);
        field_errors errors;
        in.unreadable.report(errors);
        db::checkin c;
        c.meeting_id = meeting.id;
        if (in.rsvp_id) {
            if (*in.rsvp_id < 1) errors.add("rsvp", "must be between 1 and " + std::to_string(INT64_MAX), "range");
            else c.rsvp_id = *in.rsvp_id;
        }
        if (in.rsvp_id && in.name) {
            errors.add("name", "give either rsvp (a sign-up) or name (a walk-in), not both", "either_or");
        } else if (!in.rsvp_id) {
            // A walk-in: the name is required (and, like every name here, not blank).
            if (auto v = read_text(errors, "name", in.name, 200, true)) c.name = *v;
        }
        if (in.organisation_id || in.organisation_name) {
            if (in.rsvp_id) errors.add("organisation", "comes from the sign-up", "from_sign_up");
            else if (in.organisation_id) {
                if (*in.organisation_id > 0) c.organisation_id = *in.organisation_id;
                else errors.add("organisation", "must be an organisation id or a name", "organisation");
            } else if (auto v = read_text(errors, "organisation", in.organisation_name, 200, false)) {
                c.organisation_name = *v;
            }
        }
        if (in.party_size) {
            if (*in.party_size < 1 || *in.party_size > max_walk_in_party)
                errors.add("party_size", "must be between 1 and " + std::to_string(max_walk_in_party), "range");
            else c.people = static_cast<int>(*in.party_size);
        }
        errors.throw_if_any();
        if (meeting.status != db::meeting_status::published)
            throw conflict("Incheckning kräver ett publicerat möte / Check-in needs a published meeting",
                           {{"meeting", "the meeting is " + std::string(db::to_text(meeting.status)), "not_published"}});
        return db::attendance{w}.check_in(c);
    });
}

void undo_check_in(context& ctx, const credentials& creds, db::id_t meeting_id, db::id_t checkin_id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        organisers_meeting(w, who, meeting_id);
        try {
            db::attendance{w}.undo_check_in(meeting_id, checkin_id);
        } catch (const db::not_found&) {
            throw not_found("No check-in " + std::to_string(checkin_id) + " at this meeting");
        }
    });
}

std::vector<db::checkin> list_check_ins(context& ctx, const credentials& creds, db::id_t meeting_id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        organisers_meeting(w, who, meeting_id);
        return db::attendance{w}.list(meeting_id);
    });
}

db::meeting_attendance attendance_of(context& ctx, const credentials& creds, db::id_t meeting_id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        organisers_meeting(w, who, meeting_id);
        auto list = db::attendance{w}.of({meeting_id});
        if (list.empty()) throw not_found("No meeting " + std::to_string(meeting_id));
        return list.front();
    });
}

namespace {

std::string checked_address(const address_input& in) {
    field_errors errors;
    in.unreadable.report(errors);
    std::string email;
    if (auto v = read_text(errors, "email", in.email, 254, true)) {
        if (is_email(*v)) email = *v;
        else errors.add("email", "is not an e-mail address", "email");
    }
    errors.throw_if_any();
    return email;
}

}  // namespace

exported_personal_data export_personal_data(context& ctx, const credentials& creds, const address_input& in) {
    return ctx.database.read([&](db::unit_of_work& w) {
        require_admin(require_principal(ctx, w, creds));
        auto email = checked_address(in);
        return exported_personal_data{email, db::personal_data{w}.of(email)};
    });
}

int erase_personal_data(context& ctx, const credentials& creds, const address_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        require_admin(require_principal(ctx, w, creds));
        auto email = checked_address(in);
        auto erasure = db::personal_data{w}.erase_address(email);
        for (const auto& r : erasure.promoted)
            if (auto m = db::meetings{w}.find(r.meeting_id)) mail_policy::promoted(ctx, w, {r}, *m);
        return erasure.erased;
    });
}

int anonymise_old_sign_ups(context& ctx) {
    const auto now = ctx.now();
    const auto ended_before = now - std::int64_t{ctx.settings.rsvps.anonymise_after_days} * 86400;
    return ctx.database.write(now, [&](db::unit_of_work& w) {
        return db::personal_data{w}.anonymise_ended_before(ended_before);
    });
}

}  // namespace kal::service::app
