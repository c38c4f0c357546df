// The sign-ups of a meeting for its organisers (issue 12, item 6; org-people):
// /arrangor/moten/{id}/anmalningar. Thin: each handler calls one use case of app/ (the API's own:
// list_sign_ups, confirm_from_waitlist, sign_up by an organiser, cancel_sign_up_for, the quota,
// messages_of and resend_message, reminders_of and set_reminders) and fills sign_ups.html. Every
// POST answers 303 back to the page with what was done (?klart=), or the page again with the
// form's errors (422, 409 for a refusal).

#include <charconv>
#include <map>

#include "kal/calendar/time.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/delivery.hpp"
#include "kal/service/app/door.hpp"
#include "kal/service/app/reminders.hpp"
#include "kal/service/app/sign_ups.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

db::id_t id_of(const request& req, const char* name) {
    const auto& text = req.params.at(name);
    db::id_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id < 1) throw app::not_found("No such page");
    return id;
}

std::string list_path(db::id_t meeting_id) { return "/arrangor/moten/" + std::to_string(meeting_id) + "/anmalningar"; }

// What each form of the page was sent with, to show again beside its errors.
struct typed_values {
    std::string form;  // which form failed: "add", "quota", "reminders"
    std::string name, email, organisation, party_size = "1", needs, language = "sv", quota, reminders;
    bool consent = false;
};

std::string offsets_in_words(const std::vector<std::int64_t>& offsets, db::language language) {
    const auto& t = app::texts::of(language);
    std::string out;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        if (i > 0) out += i + 1 == offsets.size() ? " " + t["sign_ups.and"] + " " : ", ";
        out += app::duration_text(offsets[i], language);
    }
    return out;
}

std::string offsets_as_typed(const std::vector<std::int64_t>& offsets) {
    std::string out;
    for (auto o : offsets) out += (out.empty() ? "" : ", ") + app::offset_text(o);
    return out;
}

response list_page(app::context& ctx, const site& pages, request& req, db::language language,
                   const signed_in_request& s, const std::optional<typed_values>& typed = std::nullopt,
                   const std::optional<refused_input>& refused = std::nullopt) {
    const auto& t = app::texts::of(language);
    const auto meeting_id = id_of(req, "id");
    const auto list = app::list_sign_ups(ctx, s.who, meeting_id, {}, std::nullopt);
    const auto reminders = app::reminders_of(ctx, s.who, meeting_id);
    const auto quota = app::meeting_quota(ctx, s.who, meeting_id);
    const auto messages = app::messages_of(ctx, s.who, meeting_id);
    // Organisations by name (a known organisation is stored by id), as the door has them.
    std::map<db::id_t, std::string> organisations;
    for (const auto& e : app::door_of(ctx, s.who, meeting_id, "").sign_ups) organisations[e.rsvp.id] = e.organisation;
    const auto& m = reminders.meeting;
    dictionary d(&pages.texts(language));
    const auto base = localised(language, list_path(m.id));
    d.set("su_title", filled(t["sign_ups.title_of"], {{"meeting", m.title}}));
    d.set("su_when", app::when_text(m, language));
    d.set("su_csrf", s.csrf);
    d.set("su_door_href", localised(language, "/arrangor/moten/" + std::to_string(m.id) + "/incheckning"));
    d.set("su_csv_comma_href", base + ".csv");
    d.set("su_change_log_href", localised(language, "/arrangor/moten/" + std::to_string(m.id) + "/andringar"));
    d.set("su_csv_semicolon_href", base + ".csv?separator=semicolon");
    int taken = 0, waiting = 0;
    for (const auto& r : list) {
        const auto name = r.anonymised_at ? std::string("–") : r.name;
        const auto known = organisations.find(r.id);
        const auto organisation = known != organisations.end() ? known->second : r.organisation_name;
        const auto id = std::to_string(r.id);
        if (r.status == db::rsvp_status::cancelled) {
            d.add("su_cancelled").set("su_name", name).set("su_organisation", organisation)
                .set("su_party", std::to_string(r.party_size));
            continue;
        }
        auto& row = d.add(r.status == db::rsvp_status::confirmed ? "su_confirmed" : "su_waiting");
        row.set("su_id", "anmalan-" + id)
            .set("su_name", name)
            .set("su_email", r.email)
            .set("su_organisation", organisation)
            .set("su_party", std::to_string(r.party_size))
            .set("su_needs", r.needs)
            .set("su_cancel_action", base + "/avboka/" + id)
            .set("su_cancel_who", filled(t["sign_ups.cancel_who"], {{"name", name}}));
        if (r.status == db::rsvp_status::confirmed) {
            taken += r.party_size;
        } else {
            waiting += r.party_size;
            row.set("su_place", r.waitlist_position ? std::to_string(*r.waitlist_position) : "")
                .set("su_move_up_action", base + "/flytta-upp/" + id)
                .set("su_move_up_who", filled(t["sign_ups.move_up_who"], {{"name", name}}));
        }
    }
    // Organisations are shown by the name they were signed up with; a known one's id resolves in
    // the CSV. Free text and known names look alike here on purpose: the organiser reads names.
    d.set("su_summary", m.capacity ? filled(t["sign_ups.summary"], {{"taken", std::to_string(taken)},
                                                                   {"capacity", std::to_string(*m.capacity)},
                                                                   {"waitlisted", std::to_string(waiting)}})
                                   : filled(t["sign_ups.summary_unlimited"],
                                            {{"taken", std::to_string(taken)}, {"waitlisted", std::to_string(waiting)}}));
    bool any_confirmed = false, any_waiting = false, any_cancelled = false;
    for (const auto& r : list) {
        any_confirmed |= r.status == db::rsvp_status::confirmed;
        any_waiting |= r.status == db::rsvp_status::waitlisted;
        any_cancelled |= r.status == db::rsvp_status::cancelled;
    }
    d.show(any_confirmed ? "su_has_confirmed" : "su_no_confirmed");
    d.show(any_waiting ? "su_has_waiting" : "su_no_waiting");
    if (any_cancelled) d.show("su_has_cancelled");
    if (const auto done = req.query_value("klart"); done && t.has("sign_ups.done_" + *done))
        d.show("su_notice").set("su_notice_text", t["sign_ups.done_" + *done]);

    // Forms: add, quota, reminders.
    const auto v = typed.value_or(typed_values{});
    d.set("su_add_action", base + "/lagg-till");
    d.set("add_name_value", v.name).set("add_email_value", v.email).set("add_organisation_value", v.organisation);
    d.set("add_party_value", v.party_size).set("add_needs_value", v.needs);
    if (v.language == "en") d.show("add_language_en");
    else d.show("add_language_sv");
    if (v.consent) d.show("add_consent_checked");
    d.set("su_quota_action", base + "/kvot");
    d.set("quota_value", typed && v.form == "quota" ? v.quota : (quota ? std::to_string(*quota) : ""));
    d.set("su_quota_text", quota ? std::to_string(*quota) : t["sign_ups.quota_none"]);
    d.set("su_reminders_action", base + "/paminnelser");
    d.set("reminders_value", typed && v.form == "reminders" ? v.reminders : offsets_as_typed(reminders.in_force));
    d.set("su_reminders_text", reminders.in_force.empty()
                                   ? t["sign_ups.reminders_none"]
                                   : filled(t["sign_ups.reminders_in_force"],
                                            {{"offsets", offsets_in_words(reminders.in_force, language)}}));
    d.set("su_reminders_whose", reminders.own ? t["sign_ups.reminders_own"] : t["sign_ups.reminders_default"]);
    if (refused) {
        if (v.form == "add")
            fill_form_errors(d, refused->errors, language,
                             {{"name", "lagg-till-namn", "add_name"},
                              {"email", "lagg-till-epost", "add_email"},
                              {"organisation", "lagg-till-organisation", "add_organisation"},
                              {"party_size", "lagg-till-antal", "add_party"},
                              {"needs", "lagg-till-behov", "add_needs"},
                              {"consent", "lagg-till-samtycke", "add_consent"}},
                             "sign_up", "lagg-till-namn");
        else if (v.form == "quota")
            fill_form_errors(d, refused->errors, language, {{"per_organisation", "kvot", "quota"}}, "sign_ups", "kvot");
        else {
            // One message for the field, whichever offset in it was wrong ("offsets[2]").
            auto errors = refused->errors;
            for (auto& e : errors)
                if (e.field.starts_with("offsets")) e = {"offsets", e.message, ""};
            fill_form_errors(d, errors, language, {{"offsets", "paminnelser", "reminders"}}, "sign_ups", "paminnelser");
        }
        d.show("su_errors_" + v.form);
    }

    for (const auto& msg : messages) {
        auto& row = d.add("su_message");
        const auto kind = std::string(db::to_text(msg.kind));
        row.set("msg_kind", t.has("sign_ups.kind_" + kind) ? t["sign_ups.kind_" + kind] : kind)
            .set("msg_recipient", msg.recipient.empty() ? "–" : msg.recipient)
            .set("msg_state", t["sign_ups.state_" + std::string(db::to_text(msg.state))])
            .set("msg_time", app::moment_text(calendar::to_local(msg.sent_at.value_or(msg.created_at), m.time_zone),
                                              language))
            .set("msg_error", msg.last_error);
        if ((msg.state == db::message_state::failed || msg.state == db::message_state::skipped) &&
            !msg.recipient.empty())
            row.show("msg_may_resend")
                .set("msg_resend_action", base + "/meddelanden/" + std::to_string(msg.id) + "/skicka-igen")
                .set("msg_resend_what", filled(t["sign_ups.resend_what"], {{"id", std::to_string(msg.id)}}));
    }
    d.show(messages.empty() ? "su_no_messages" : "su_has_messages");

    page_frame frame;
    frame.language = language;
    frame.path = list_path(m.id);
    frame.title = t["sign_ups.title"];
    frame.section = section::none;
    frame.content_template = "sign_ups.html";
    return render_signed_in(pages, frame, d, s, refused ? refused->status : 200);
}

response back(db::language language, db::id_t meeting_id, const char* done, const std::string& fragment) {
    return see_other_private(localised(language, list_path(meeting_id)) + "?klart=" + done + "#" + fragment);
}

std::optional<std::int64_t> read_count(const std::optional<std::string>& text, const char* field,
                                       app::unreadable_input& unreadable) {
    if (!text) return std::nullopt;
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size()) {
        unreadable.fields.push_back({field, "must be a whole number", "not_a_number"});
        return std::nullopt;
    }
    return n;
}

response move_up(app::context& ctx, const site&, request& req, db::language language, const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    app::confirm_from_waitlist(ctx, s.who, meeting_id, id_of(req, "rsvp"));
    return back(language, meeting_id, "moved", "har-plats");
}

response cancel(app::context& ctx, const site&, request& req, db::language language, const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    app::cancel_sign_up_for(ctx, s.who, meeting_id, id_of(req, "rsvp"));
    return back(language, meeting_id, "cancelled", "avbokade");
}

response add(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    typed_values v;
    v.form = "add";
    v.name = s.form.value("namn").value_or("");
    v.email = s.form.value("epost").value_or("");
    v.organisation = s.form.value("organisation").value_or("");
    v.party_size = s.form.value("antal").value_or("");
    v.needs = s.form.value("behov").value_or("");
    v.language = s.form.value("sprak").value_or("sv");
    v.consent = s.form.value("samtycke") == "ja";
    app::sign_up_input in;
    in.name = s.form.text("namn").value_or("");
    in.email = s.form.text("epost").value_or("");
    if (auto o = s.form.text("organisation")) in.organisation_name = *o;
    in.party_size = read_count(s.form.text("antal"), "party_size", in.unreadable);
    if (auto n = s.form.text("behov")) in.needs = *n;
    in.language = v.language;
    in.consent = v.consent;
    if (auto refused = refusal_of([&] { app::sign_up_by_hand(ctx, s.who, meeting_id, in); }))
        return list_page(ctx, pages, req, language, s, v, refused);
    return back(language, meeting_id, "added", "lagg-till");
}

response set_quota(app::context& ctx, const site& pages, request& req, db::language language,
                   const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    typed_values v;
    v.form = "quota";
    v.quota = s.form.value("kvot").value_or("");
    app::unreadable_input unreadable;
    auto quota = read_count(s.form.text("kvot"), "per_organisation", unreadable);
    if (auto refused = refusal_of([&] { app::set_meeting_quota(ctx, s.who, meeting_id, unreadable, quota); }))
        return list_page(ctx, pages, req, language, s, v, refused);
    return back(language, meeting_id, "quota", "kvot-rubrik");
}

response resend(app::context& ctx, const site& pages, request& req, db::language language,
                const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    // The message must belong to this meeting: the page never resends another's.
    bool ours = false;
    const auto message_id = id_of(req, "message");
    for (const auto& msg : app::messages_of(ctx, s.who, meeting_id)) ours |= msg.id == message_id;
    if (!ours) throw app::not_found("No message " + std::to_string(message_id) + " at this meeting");
    typed_values v;
    v.form = "messages";
    if (auto refused = refusal_of([&] { app::resend_message(ctx, s.who, message_id); }))
        return list_page(ctx, pages, req, language, s, v, refused);
    return back(language, meeting_id, "resent", "meddelanden");
}

response set_reminders(app::context& ctx, const site& pages, request& req, db::language language,
                       const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    typed_values v;
    v.form = "reminders";
    v.reminders = s.form.value("paminnelser").value_or("");
    app::reminders_input in;
    in.given = true;
    if (!s.form.has("standard")) {
        std::vector<std::string> offsets;
        std::string current;
        for (char c : v.reminders + ",") {
            if (c == ',' || c == ' ') {
                if (!current.empty()) offsets.push_back(current);
                current.clear();
            } else {
                current += c;
            }
        }
        in.offsets = offsets;
    }
    if (auto refused = refusal_of([&] { app::set_reminders(ctx, s.who, meeting_id, in); }))
        return list_page(ctx, pages, req, language, s, v, refused);
    return back(language, meeting_id, "reminders", "paminnelser-rubrik");
}

response csv(app::context& ctx, const site&, request& req, db::language, const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    const auto separator = req.query_value("separator").value_or("comma");
    if (separator != "comma" && separator != "semicolon")
        throw app::bad_parameter("separator", "must be comma or semicolon");
    const auto list = app::list_sign_ups(ctx, s.who, meeting_id, {}, std::nullopt);
    http::response r;
    r.body = app::csv_text(app::sign_up_rows(list), separator == "semicolon" ? ';' : ',');
    r.set_header("Content-Type", "text/csv; charset=utf-8");
    r.set_header("Content-Disposition", "attachment; filename=\"anmalningar-" + std::to_string(meeting_id) + ".csv\"");
    r.set_header("Cache-Control", "no-store");
    r.set_header("X-Content-Type-Options", "nosniff");
    return r;
}

}  // namespace

void add_sign_up_list_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/{id}/anmalningar",
                       [](app::context& c, const site& p, request& req, db::language l, const signed_in_request& s) {
                           return list_page(c, p, req, l, s);
                       });
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/{id}/anmalningar.csv", csv);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/anmalningar/flytta-upp/{rsvp}", move_up);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/anmalningar/avboka/{rsvp}", cancel);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/anmalningar/lagg-till", add);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/anmalningar/kvot", set_quota);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/anmalningar/meddelanden/{message}/skicka-igen",
                       resend);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/anmalningar/paminnelser", set_reminders);
}

}  // namespace kal::service::web
