// Invitations, users and the API tokens of users.

#include <algorithm>
#include <chrono>

#include "accounts_detail.hpp"
#include "kal/db/accounts.hpp"
#include "kal/db/api_tokens.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/collation.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/app/mail_policy.hpp"
#include "kal/service/app/text_rules.hpp"

namespace kal::service::app {

namespace {

constexpr std::size_t name_max = 200;
constexpr std::size_t max_organisations = 100;

std::int64_t seconds(std::chrono::milliseconds d) {
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

struct checked_invitation {
    std::string email;
    std::string name;
    db::language language = db::language::sv;
    db::user_role role = db::user_role::organiser;
    std::vector<db::id_t> organisation_ids;
};

checked_invitation read_invitation(const invitation_input& in) {
    field_errors errors;
    in.unreadable.report(errors);
    checked_invitation c;
    if (auto v = read_text(errors, "email", in.email, 254, true)) {
        if (is_email(*v))
            c.email = *v;
        else
            errors.add("email", "is not an e-mail address", "email");
    }
    if (auto v = read_text(errors, "name", in.name, name_max, false)) c.name = *v;
    if (auto v = read_text(errors, "language", in.language, 2, false)) {
        if (auto l = db::parse_language(*v))
            c.language = *l;
        else
            errors.add("language", "must be sv or en", "one_of");
    }
    if (auto v = read_text(errors, "role", in.role, 20, false)) {
        if (auto r = db::parse_user_role(*v))
            c.role = *r;
        else
            errors.add("role", "must be admin or organiser", "one_of");
    }
    if (in.organisation_ids) {
        auto ids = *in.organisation_ids;
        if (ids.size() > max_organisations || std::any_of(ids.begin(), ids.end(), [](auto id) { return id < 1; })) {
            errors.add("organisation_ids", "must be at most 100 organisation ids", "ids");
        } else {
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            c.organisation_ids = std::move(ids);
        }
    }
    if (c.role == db::user_role::organiser && c.organisation_ids.empty() && !errors.has("organisation_ids"))
        errors.add("organisation_ids", "an organiser organises for at least one organisation", "required");
    errors.throw_if_any();
    return c;
}

struct applied_invitation {
    db::user user;
    bool created = false;
};

// Creates the account, or gives the one the address has the memberships and the role. Only an
// admin (or the operator) may make someone an admin or reactivate an account; the caller checked
// the role already.
applied_invitation apply_invitation(db::unit_of_work& w, const checked_invitation& c, bool by_admin) {
    db::users users{w};
    auto existing = users.find_by_email(c.email);
    if (!existing) {
        db::user u;
        u.email = c.email;
        u.name = c.name;
        u.language = c.language;
        u.role = c.role;
        u.organisation_ids = c.organisation_ids;
        return {users.create(u), true};
    }
    // The invitee's own name and language stay as they are: an invitation does not rename anyone.
    if (!existing->active()) {
        if (!by_admin)
            throw forbidden(
                "Kontot är avstängt; en administratör kan öppna det igen / "
                "The account is deactivated; an admin can reactivate it");
        users.reactivate(existing->id);
    }
    if (c.role == db::user_role::admin && existing->role != db::user_role::admin) users.set_role(existing->id, c.role);
    return {users.add_memberships(existing->id, c.organisation_ids), false};
}

bool shares_an_organisation(const db::user& u, const std::vector<db::id_t>& organisations) {
    for (auto id : u.organisation_ids)
        if (std::find(organisations.begin(), organisations.end(), id) != organisations.end()) return true;
    return false;
}

}  // namespace

// ---- invitations and users ----------------------------------------------------------------------

invitation invite_user(context& ctx, const credentials& creds, const invitation_input& in) {
    const auto now = ctx.now();
    return ctx.database.write(now, [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto c = read_invitation(in);
        if (!who.admin) {
            if (c.role == db::user_role::admin)
                throw forbidden("Bara administratörer bjuder in administratörer / Only admins invite admins");
            for (auto id : c.organisation_ids) require_write(who, id);
        }
        auto applied = apply_invitation(w, c, who.admin);
        invitation out{applied.user, applied.created, false};
        // The link goes to the invitee only: whoever invites never holds it, so that inviting an
        // address that has an account (an admin's) cannot be a way into it.
        if (ctx.mail_enabled()) {
            auto [secret, link] =
                detail::new_sign_in_link(w, out.user.id, now + seconds(ctx.settings.accounts.invitation_link_lifetime));
            mail_policy::sign_in_link(ctx, w, db::message_kind::invitation, out.user, link, secret);
            out.mailed = true;
        }
        return out;
    });
}

operator_invitation invite_user_as_operator(context& ctx, const invitation_input& in, bool mail) {
    const auto now = ctx.now();
    return ctx.database.write(now, [&](db::unit_of_work& w) {
        auto c = read_invitation(in);
        auto applied = apply_invitation(w, c, true);
        operator_invitation out;
        out.user = applied.user;
        out.created = applied.created;
        auto [secret, link] =
            detail::new_sign_in_link(w, out.user.id, now + seconds(ctx.settings.accounts.invitation_link_lifetime));
        if (mail && ctx.mail_enabled()) {
            mail_policy::sign_in_link(ctx, w, db::message_kind::invitation, out.user, link, secret);
            out.mailed = true;
        }
        out.link_url = sign_in_url(ctx.settings, secret);
        out.link_secret = std::move(secret);
        return out;
    });
}

std::vector<db::user> list_users(context& ctx, const credentials& creds) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto all = db::users{w}.list();
        if (who.admin) return all;
        std::vector<db::user> out;
        for (auto& u : all)
            if (shares_an_organisation(u, who.organisations)) out.push_back(std::move(u));
        return out;
    });
}

bool may_deactivate(const principal& who, const db::user& target) {
    if (who.user_id && *who.user_id == target.id) return false;
    if (who.admin) return true;
    if (target.role == db::user_role::admin || target.organisation_ids.empty()) return false;
    return std::all_of(target.organisation_ids.begin(), target.organisation_ids.end(),
                       [&](db::id_t id) { return who.may_write_for(id); });
}

db::user deactivate_user(context& ctx, const credentials& creds, db::id_t user_id) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        if (who.user_id && *who.user_id == user_id)
            throw conflict("Du kan inte stänga av ditt eget konto / You cannot deactivate your own account");
        db::users users{w};
        auto target = users.find(user_id);
        // An organiser learns nothing of accounts outside its organisations: forbidden for any.
        if (!target || target->erased_at) {
            if (!who.admin) throw forbidden("Only admins deactivate accounts of other organisations");
            throw not_found("No user " + std::to_string(user_id));
        }
        if (!may_deactivate(who, *target))
            throw forbidden(
                "Bara administratörer stänger av administratörer och konton i andra organisationer / "
                "Only admins deactivate admins and accounts of other organisations");
        return users.deactivate(user_id);
    });
}

user_directory user_directory_of(context& ctx, const credentials& creds) {
    auto choices = directory_choices_of(ctx);
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        if (!who.user_id) throw unauthenticated("The users page is a signed-in user's");
        user_directory out;
        out.admin = who.admin;
        out.self = *who.user_id;
        for (auto& o : choices.organisations) {
            out.organisation_names.emplace(o.id, o.name);
            if (who.may_write_for(o.id)) out.organisations.push_back(std::move(o));
        }
        for (auto& u : db::users{w}.list()) {
            if (!who.admin && !shares_an_organisation(u, who.organisations)) continue;
            user_listing l;
            l.pending = u.active() && !u.last_sign_in_at;
            l.may_deactivate = u.active() && may_deactivate(who, u);
            l.user = std::move(u);
            out.users.push_back(std::move(l));
        }
        auto key = [](const user_listing& l) { return l.user.name.empty() ? l.user.email : l.user.name; };
        std::stable_sort(out.users.begin(), out.users.end(),
                         [&](const auto& a, const auto& b) { return swedish_less(key(a), key(b)); });
        return out;
    });
}

db::user deactivate_user_as_operator(context& ctx, db::id_t user_id) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) { return db::users{w}.deactivate(user_id); });
}

std::vector<db::user> list_users_as_operator(context& ctx) {
    return ctx.database.read([](db::unit_of_work& w) { return db::users{w}.list(); });
}

// ---- API tokens of a user -----------------------------------------------------------------------

std::pair<std::string, db::api_token> create_api_token(context& ctx, const credentials& creds, const token_input& in) {
    auto token = new_secret(secret_kind::api_token);
    auto stored = ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = detail::require_session(ctx, w, creds);
        field_errors errors;
        in.unreadable.report(errors);
        db::api_token record;
        if (auto v = read_text(errors, "name", in.name, name_max, true)) record.name = *v;
        errors.throw_if_any();
        record.role = who.admin ? db::token_role::admin : db::token_role::organiser;
        record.user_id = who.user_id;
        return db::api_tokens{w}.create(record, hash_secret(token));
    });
    return {token, stored};
}

std::vector<db::api_token> list_api_tokens(context& ctx, const credentials& creds) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = detail::require_session(ctx, w, creds);
        return db::api_tokens{w}.list_of_user(*who.user_id);
    });
}

void revoke_api_token(context& ctx, const credentials& creds, db::id_t token_id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = detail::require_session(ctx, w, creds);
        db::api_tokens tokens{w};
        auto t = tokens.find(token_id);
        if (!t || t->user_id != who.user_id) throw not_found("No token " + std::to_string(token_id));
        tokens.revoke(token_id);
    });
}

}  // namespace kal::service::app
