// Users and invitations (issue 12, item 8): /arrangor/anvandare lists the accounts the signed-in
// user may see and the invitations still waiting (an account that has never signed in), invites
// someone and deactivates an account. The rules are accounts.hpp's: an admin sees and invites
// anyone with any role; an organiser sees the people of its own organisations and invites
// organisers to them only (403 page otherwise); who may deactivate whom is app::may_deactivate.
//
// The invitation is app::invite_user: the one-time sign-in link goes into the outbox in an
// invitation mail to the invitee, in the invitee's language, never to the page. POST–redirect–GET;
// what was done is said by a code in the address (?klart=...), never by a name or an address.

#include <algorithm>
#include <charconv>
#include <chrono>

#include "kal/calendar/time.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"

namespace kal::service::web {

namespace {

constexpr const char* users_path = "/arrangor/anvandare";

std::string moment(const app::context& ctx, std::int64_t utc, db::language language) {
    return app::moment_text(calendar::to_local(utc, ctx.settings.calendar.default_time_zone), language);
}

// The invitation form as it was filled in, to show it again with its errors.
struct invite_form {
    std::string email, name, language = "sv", role = "organiser";
    std::vector<std::string> organisations;
};

std::string role_text(const db::user& u, const app::user_directory& dir, db::language language) {
    const auto& t = app::texts::of(language);
    if (u.role == db::user_role::admin) return t["users.role_admin"];
    std::string names;
    for (auto id : u.organisation_ids) {
        auto it = dir.organisation_names.find(id);
        if (it == dir.organisation_names.end()) continue;
        names += (names.empty() ? "" : ", ") + it->second;
    }
    return filled(t["users.role_organiser_for"], {{"organisations", names.empty() ? "–" : names}});
}

response users_page(app::context& ctx, const site& pages, request& req, db::language language,
                    const signed_in_request& s, const invite_form& typed = {},
                    const std::optional<refused_input>& refused = std::nullopt) {
    const auto& t = app::texts::of(language);
    const auto dir = app::user_directory_of(ctx, s.who);
    dictionary d(&pages.texts(language));
    d.set("users_lead", t[dir.admin ? "users.lead_admin" : "users.lead_organiser"]);
    const auto lifetime =
        std::chrono::duration_cast<std::chrono::seconds>(ctx.settings.accounts.invitation_link_lifetime).count();
    d.set("users_invite_lead", filled(t["users.invite_lead"], {{"lifetime", app::duration_text(lifetime, language)}}));
    if (const auto done = req.query_value("klart"); !refused && done && t.has("users.done_" + *done))
        d.show("users_notice").set("users_notice_text", t["users.done_" + *done]);

    // The form.
    d.set("users_action", localised(language, users_path));
    d.set("invite_email_value", typed.email).set("invite_name_value", typed.name);
    d.show(typed.language == "en" ? "invite_language_en_checked" : "invite_language_sv_checked");
    if (dir.admin) {
        d.show("invite_may_choose_role");
        d.show(typed.role == "admin" ? "invite_role_admin_checked" : "invite_role_organiser_checked");
        d.set("invite_organisations_hint", t["users.organisations_hint_admin"]);
    } else {
        d.set("invite_organisations_hint", t["users.organisations_hint"]);
    }
    std::string first_box = "anvandare-organisationer";
    for (const auto& o : dir.organisations) {
        const auto id = std::to_string(o.id);
        if (&o == &dir.organisations.front()) first_box = "anvandare-organisation-" + id;
        auto& box = d.add("invite_organisation");
        box.set("invite_organisation_id", id).set("invite_organisation_name", o.name);
        // An organiser of one organisation invites to it: the box is ticked already.
        const bool only = !dir.admin && dir.organisations.size() == 1 && !refused;
        if (only || std::find(typed.organisations.begin(), typed.organisations.end(), id) != typed.organisations.end())
            box.show("invite_organisation_checked");
    }
    if (refused) {
        const std::vector<form_field_place> places = {
            {"email", "anvandare-epost", "invite_email"},
            {"name", "anvandare-namn", "invite_name"},
            {"language", "anvandare-sprak-sv", "invite_language"},
            {"role", "anvandare-roll-organiser", "invite_role"},
            {"organisation_ids", first_box.c_str(), "invite_organisations"},
        };
        fill_form_errors(d, refused->errors, language, places, "users", "anvandare-epost");
    }

    // The lists.
    bool any_pending = false, any_user = false;
    for (const auto& l : dir.users) {
        const auto& u = l.user;
        auto& row = d.add(l.pending ? "pending_row" : "user_row");
        (l.pending ? any_pending : any_user) = true;
        const auto name = u.name.empty() ? u.email : u.name;
        row.set("user_name", name).set("user_email", u.email).set("user_role", role_text(u, dir, language));
        row.set("user_invited", moment(ctx, u.created_at, language));
        row.set("user_last_sign_in", u.last_sign_in_at ? moment(ctx, *u.last_sign_in_at, language) : t["users.never"]);
        if (!u.active()) {
            row.show("user_deactivated")
                .set("user_deactivated_text",
                     filled(t["users.deactivated_at"], {{"when", moment(ctx, *u.deactivated_at, language)}}));
        } else {
            row.show("user_active");
        }
        if (u.id == dir.self) {
            row.show("user_is_you");
        } else if (l.may_deactivate) {
            row.show("user_may_deactivate")
                .set("user_deactivate_action", localised(language, std::string(users_path) + "/" +
                                                                       std::to_string(u.id) + "/stang-av"))
                .set("user_deactivate_label", filled(t["users.deactivate_label"], {{"name", name}}));
        } else {
            row.show("user_no_action");
        }
    }
    d.show(any_pending ? "has_pending" : "no_pending");
    d.show(any_user ? "has_users" : "no_users");

    page_frame frame;
    frame.language = language;
    frame.path = users_path;
    frame.title = page_title(pages, language, (refused ? t["meeting.error_title_prefix"] + " " : std::string()) + t["users.title"]);
    frame.section = section::organiser_users;
    frame.content_template = "users.html";
    return render_signed_in(pages, frame, d, s, refused ? refused->status : 200);
}

response show(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    return users_page(ctx, pages, req, language, s);
}

response invite(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto& f = s.form;
    invite_form typed;
    typed.email = f.value("epost").value_or("");
    typed.name = f.value("namn").value_or("");
    typed.language = f.value("sprak").value_or("sv");
    typed.role = f.value("roll").value_or("organiser");
    typed.organisations = f.values("organisation");

    app::invitation_input in;
    if (auto v = f.text("epost")) in.email = *v;
    if (auto v = f.text("namn")) in.name = *v;
    if (auto v = f.text("sprak")) in.language = *v;
    // An organiser's form has no role: it invites organisers.
    in.role = f.text("roll").value_or("organiser");
    std::vector<db::id_t> ids;
    for (const auto& text : typed.organisations) {
        db::id_t id = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (ec != std::errc() || end != text.data() + text.size() || id < 1) {
            in.unreadable.fields.push_back({"organisation_ids", "must be organisation ids", "ids"});
            break;
        }
        ids.push_back(id);
    }
    if (!ids.empty()) in.organisation_ids = std::move(ids);

    app::invitation made;
    if (auto refused = refusal_of([&] { made = app::invite_user(ctx, s.who, in); }))
        return users_page(ctx, pages, req, language, s, typed, refused);
    const char* done = !made.mailed ? "not_mailed" : made.created ? "invited" : "extended";
    return see_other_private(localised(language, users_path) + "?klart=" + done);
}

response deactivate(app::context& ctx, const site&, request& req, db::language language, const signed_in_request& s) {
    const auto& text = req.params.at("id");
    db::id_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id < 1) throw app::not_found("No such user");
    app::deactivate_user(ctx, s.who, id);
    return see_other_private(localised(language, users_path) + "?klart=deactivated");
}

}  // namespace

void add_users_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_signed_in_page(routes, ctx, pages, "GET", users_path, show);
    add_signed_in_page(routes, ctx, pages, "POST", users_path, invite);
    add_signed_in_page(routes, ctx, pages, "POST", std::string(users_path) + "/{id}/stang-av", deactivate);
}

}  // namespace kal::service::web
