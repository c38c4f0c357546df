#include "kal/service/app/sign_ups.hpp"

#include "kal/calendar/time.hpp"

#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/personal_data.hpp"
#include "kal/service/app/change_log.hpp"
#include "kal/service/app/mail_policy.hpp"
#include "kal/service/app/rate_limit.hpp"
#include "kal/service/app/text_rules.hpp"

namespace kal::service::app {

namespace {

db::rsvp read_sign_up(const sign_up_input& in, db::id_t meeting_id) {
    field_errors errors;
    in.unreadable.report(errors);
    db::rsvp r;
    r.meeting_id = meeting_id;
    if (auto v = read_text(errors, "name", in.name, 200, true)) r.name = *v;
    if (auto v = read_text(errors, "email", in.email, 254, true)) {
        if (is_email(*v))
            r.email = *v;
        else
            errors.add("email", "is not an e-mail address", "email");
    }
    if (in.organisation_id) {
        if (*in.organisation_id > 0)
            r.organisation_id = *in.organisation_id;
        else
            errors.add("organisation", "must be an organisation id or a name", "organisation");
    } else if (auto v = read_text(errors, "organisation", in.organisation_name, 200, false)) {
        r.organisation_name = *v;
    }
    if (in.party_size) {
        if (*in.party_size < 1 || *in.party_size > max_party_size)
            errors.add("party_size", "must be between 1 and " + std::to_string(max_party_size), "range");
        else
            r.party_size = static_cast<int>(*in.party_size);
    }
    if (auto v = read_text(errors, "needs", in.needs, 1000, false, text_kind::multi_line)) r.needs = *v;
    if (auto v = read_text(errors, "language", in.language, 2, false)) {
        if (auto l = db::parse_language(*v))
            r.language = *l;
        else
            errors.add("language", "must be sv or en", "one_of");
    }
    if (!in.consent)
        errors.add("consent", "is required", "required");
    else if (!*in.consent)
        errors.add("consent", "must be true: we store your name and e-mail for this meeting", "consent");
    errors.throw_if_any();
    return r;
}

void take_attempt(context& ctx, const std::string& client) {
    if (auto wait = ctx.sign_up_limit().take(client)) throw rate_limited(*wait);
}

// The sign-up a link opens, inside a unit: nullopt for anything that opens nothing.
std::optional<db::rsvp> rsvp_of_secret(db::unit_of_work& w, const std::string& secret) {
    if (!is_secret(secret, secret_kind::sign_up_link)) return std::nullopt;
    auto r = db::rsvps{w}.find_by_token_hash(hash_secret(secret));
    if (!r || r->anonymised_at) return std::nullopt;
    return r;
}

db::rsvp held_rsvp(db::unit_of_work& w, const std::string& secret) {
    auto r = rsvp_of_secret(w, secret);
    if (!r) throw not_found("No such sign-up");
    return *r;
}

db::meeting meeting_of(db::unit_of_work& w, db::id_t id) {
    auto m = db::meetings{w}.find(id);
    if (!m) throw not_found("No meeting " + std::to_string(id));
    return *m;
}

}  // namespace

db::meeting organisers_meeting(db::unit_of_work& w, const principal& who, db::id_t meeting_id) {
    auto m = db::meetings{w}.find(meeting_id);
    if (!m || (m->status == db::meeting_status::draft && !who.may_write_for(m->organisation_id)))
        throw not_found("No meeting " + std::to_string(meeting_id));
    require_write(who, m->organisation_id);
    return *m;
}

namespace {

// by_hand: only an organiser of the meeting may (forbidden, not_found otherwise), in the same unit.
sign_up_outcome sign_up_in(context& ctx, const credentials& creds, db::id_t meeting_id, const sign_up_input& in,
                           const std::string& client, bool by_hand) {
    // Without credentials this is a public sign-up: the rate limit is taken before any database
    // work, so a flood costs no transactions.
    if (creds.empty() && !by_hand) take_attempt(ctx, client);
    auto secret = new_secret(secret_kind::sign_up_link);
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        sign_up_outcome out;
        std::optional<principal> hand;
        if (by_hand) {
            hand = require_principal(ctx, w, creds);
            organisers_meeting(w, *hand, meeting_id);
            out.by_organiser = true;
        } else if (auto who = identify(ctx, w, creds)) {
            auto m = db::meetings{w}.find(meeting_id);
            out.by_organiser = m && who->may_write_for(m->organisation_id);
        }
        if (!creds.empty() && !out.by_organiser) take_attempt(ctx, client);
        auto r = read_sign_up(in, meeting_id);
        // The first message is written with the sign-up, in the one step that holds the
        // meeting's lock (issue 13).
        auto result = db::rsvps{w}.sign_up(r, hash_secret(secret),
                                           out.by_organiser ? db::signed_up_by::organiser : db::signed_up_by::holder,
                                           mail_policy::first_message_of_sign_up(ctx));
        out.stored = result.stored;
        out.created = result.created;
        if (result.created) {
            out.secret = secret;
            if (hand) change_log::sign_up(w, hand, "created", result.stored, "");
        }
        return out;
    });
}

}  // namespace

sign_up_outcome sign_up(context& ctx, const credentials& creds, db::id_t meeting_id, const sign_up_input& in,
                        const std::string& client) {
    return sign_up_in(ctx, creds, meeting_id, in, client, false);
}

sign_up_outcome sign_up_by_hand(context& ctx, const credentials& creds, db::id_t meeting_id, const sign_up_input& in) {
    return sign_up_in(ctx, creds, meeting_id, in, {}, true);
}

std::optional<held_sign_up> sign_up_of_secret(context& ctx, const std::string& secret) {
    if (!is_secret(secret, secret_kind::sign_up_link)) return std::nullopt;
    const auto now = ctx.now();
    return ctx.database.read([&](db::unit_of_work& w) -> std::optional<held_sign_up> {
        auto r = rsvp_of_secret(w, secret);
        if (!r) return std::nullopt;
        auto m = db::meetings{w}.find(r->meeting_id);
        if (!m) return std::nullopt;
        held_sign_up out{*r, *m, std::nullopt, r->organisation_name, m->end_utc <= now};
        if (m->venue_id) out.venue = db::venues{w}.find(*m->venue_id);
        if (r->organisation_id)
            if (auto o = db::organisations{w}.find(*r->organisation_id)) out.organisation = o->name;
        return out;
    });
}

db::rsvp change_sign_up(context& ctx, const std::string& secret, const sign_up_changes& changes) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto r = held_rsvp(w, secret);
        field_errors errors;
        changes.unreadable.report(errors);
        int party_size = r.party_size;
        std::string needs = r.needs;
        if (changes.party_size) {
            if (*changes.party_size < 1 || *changes.party_size > max_party_size)
                errors.add("party_size", "must be between 1 and " + std::to_string(max_party_size), "range");
            else
                party_size = static_cast<int>(*changes.party_size);
        }
        if (auto v = read_text(errors, "needs", changes.needs, 1000, false, text_kind::multi_line)) needs = *v;
        std::optional<db::language> mail_language;
        if (changes.language) {
            if (*changes.language == "sv")
                mail_language = db::language::sv;
            else if (*changes.language == "en")
                mail_language = db::language::en;
            else
                errors.add("language", "must be sv or en", "one_of");
        }
        errors.throw_if_any();
        if (r.status == db::rsvp_status::cancelled) throw conflict("The sign-up is cancelled");
        db::rsvp_update update;
        try {
            update = db::rsvps{w}.update(r.id, party_size, needs, mail_language);
        } catch (const db::sign_up_refused& e) {
            // A party that grows past its organisation's quota: the size is what is wrong.
            auto out = *classify(std::current_exception());
            out.fields = {{"party_size", e.what(), "quota_full"}};
            throw out;
        }
        if (!update.promoted.empty()) mail_policy::promoted(ctx, w, update.promoted, meeting_of(w, r.meeting_id));
        return update.stored;
    });
}

db::rsvp cancel_sign_up(context& ctx, const std::string& secret) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto r = held_rsvp(w, secret);
        auto cancellation = db::rsvps{w}.cancel(r.id);
        if (cancellation.changed) {
            auto m = meeting_of(w, r.meeting_id);
            mail_policy::sign_up_cancelled(ctx, w, cancellation.cancelled, m);
            mail_policy::promoted(ctx, w, cancellation.promoted, m);
        }
        return cancellation.cancelled;
    });
}

db::rsvp cancel_sign_up_for(context& ctx, const credentials& creds, db::id_t meeting_id, db::id_t rsvp_id) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto m = organisers_meeting(w, who, meeting_id);
        db::rsvps rsvps{w};
        auto r = rsvps.find(rsvp_id);
        if (!r || r->meeting_id != meeting_id) throw not_found("No sign-up " + std::to_string(rsvp_id) + " at this meeting");
        auto cancellation = rsvps.cancel(rsvp_id);
        if (cancellation.changed) {
            mail_policy::sign_up_cancelled(ctx, w, cancellation.cancelled, m);
            mail_policy::promoted(ctx, w, cancellation.promoted, m);
            change_log::sign_up(w, who, "cancelled", cancellation.cancelled, std::string(db::to_text(r->status)));
            for (const auto& p : cancellation.promoted) change_log::sign_up(w, who, "moved_up", p, "waitlisted");
        }
        return cancellation.cancelled;
    });
}

std::vector<std::vector<std::string>> sign_up_rows(const std::vector<db::rsvp>& list) {
    std::vector<std::vector<std::string>> rows{{"id", "status", "waitlist_position", "name", "email", "organisation_id",
                                                "organisation_name", "party_size", "needs", "language", "created_at"}};
    for (const auto& r : list)
        rows.push_back({std::to_string(r.id), std::string(db::to_text(r.status)),
                        r.waitlist_position ? std::to_string(*r.waitlist_position) : "", r.name, r.email,
                        r.organisation_id ? std::to_string(*r.organisation_id) : "", r.organisation_name,
                        std::to_string(r.party_size), r.needs, std::string(db::to_text(r.language)),
                        calendar::format_rfc3339_utc(r.created_at)});
    return rows;
}

namespace {
std::string csv_field(std::string value, char separator) {
    if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@'))
        value.insert(0, "'");
    if (value.find_first_of(std::string("\"\r\n") + separator) == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}
}  // namespace

std::string csv_text(const std::vector<std::vector<std::string>>& rows, char separator) {
    std::string out = separator == ';' ? "\xEF\xBB\xBF" : "";
    for (const auto& fields : rows) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i) out += separator;
            out += csv_field(fields[i], separator);
        }
        out += "\r\n";
    }
    return out;
}

db::id_t erase_sign_up(context& ctx, const std::string& secret) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto r = held_rsvp(w, secret);
        auto erasure = db::personal_data{w}.erase_rsvp(r.id);
        if (!erasure.promoted.empty()) mail_policy::promoted(ctx, w, erasure.promoted, meeting_of(w, r.meeting_id));
        return r.meeting_id;
    });
}

std::vector<db::rsvp> list_sign_ups(context& ctx, const credentials& creds, db::id_t meeting_id,
                                    const std::vector<db::rsvp_status>& statuses,
                                    std::optional<db::id_t> organisation_id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        organisers_meeting(w, who, meeting_id);
        return db::rsvps{w}.list(meeting_id, statuses, organisation_id);
    });
}

db::rsvp confirm_from_waitlist(context& ctx, const credentials& creds, db::id_t meeting_id, db::id_t rsvp_id) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto m = organisers_meeting(w, who, meeting_id);
        auto r = db::rsvps{w}.find(rsvp_id);
        if (!r || r->meeting_id != meeting_id) throw not_found("No sign-up " + std::to_string(rsvp_id));
        auto move = db::rsvps{w}.confirm_from_waitlist(rsvp_id);
        if (move.changed) {
            mail_policy::promoted(ctx, w, {move.stored}, m);
            change_log::sign_up(w, who, "moved_up", move.stored, std::string(db::to_text(r->status)));
        }
        return move.stored;
    });
}

std::optional<int> meeting_quota(context& ctx, const credentials& creds, db::id_t meeting_id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = identify(ctx, w, creds);
        auto m = db::meetings{w}.find(meeting_id);
        if (!m || !may_see(who, m->status, m->organisation_id))
            throw not_found("No meeting " + std::to_string(meeting_id));
        return db::rsvps{w}.quota(meeting_id);
    });
}

void set_meeting_quota(context& ctx, const credentials& creds, db::id_t meeting_id, const unreadable_input& unreadable,
                       std::optional<std::int64_t> quota) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        organisers_meeting(w, who, meeting_id);
        field_errors errors;
        unreadable.report(errors);
        if (quota && (*quota < 1 || *quota > 1000))
            errors.add("per_organisation", "must be between 1 and 1000", "range");
        errors.throw_if_any();
        db::rsvps{w}.set_quota(meeting_id, quota ? std::optional<int>(static_cast<int>(*quota)) : std::nullopt);
    });
}

}  // namespace kal::service::app
