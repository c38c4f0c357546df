// Signing up from a meeting's page: POST /moten/{id}/anmalan. The same use case as the API
// (app::sign_up: capacity, waitlist, quotas, deadline, the rate limit per client address, one
// sign-up per address), so the page has no rules of its own. Success is a 303 to the holder's
// page; problems show the page again with the form as it was sent (422, or 409 when the meeting
// refuses), nothing written. A form whose hidden field a person cannot see is filled in is
// answered as if all went well, and nothing is written.

#include "forms.hpp"
#include "kal/config/config.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/sign_ups.hpp"
#include "kal/service/app/texts.hpp"
#include "kal/service/http/client_address.hpp"
#include "meeting.hpp"

namespace kal::service::web {

namespace {

// The needs a form ticks, by the value of its checkbox and the key of its words.
struct need {
    bool sign_up_form::*ticked;
    const char* value;
    const char* text;
};
constexpr need known_needs[] = {{&sign_up_form::interpreter, "tolk", "sign_up.need_interpreter"},
                                {&sign_up_form::hearing_loop, "horslinga", "sign_up.need_hearing_loop"},
                                {&sign_up_form::food, "mat", "sign_up.need_food"}};

// The form's field of each field of the use case, and the name of its values in the templates.
struct field_place {
    const char* field;
    const char* id;
    const char* name;
};
constexpr field_place places[] = {{"name", "anmalan-namn", "name"},
                                  {"email", "anmalan-epost", "email"},
                                  {"organisation", "anmalan-organisation", "organisation"},
                                  {"party_size", "anmalan-antal", "party_size"},
                                  {"needs", "anmalan-ovrigt", "needs"},
                                  {"language", "anmalan-sprak-sv", "language"},
                                  {"consent", "anmalan-samtycke", "consent"}};

// What the page says about a problem: the words for its field and code, else for its field,
// else a general request to check the form.
std::string message_of(const app::field_error& e, db::language language) {
    const auto& t = app::texts::of(language);
    if (const auto key = "sign_up.error_" + e.field + "_" + e.code; !e.code.empty() && t.has(key)) return t[key];
    if (const auto key = "sign_up.error_" + e.field; t.has(key)) return t[key];
    return t["sign_up.error_form"];
}

}  // namespace

std::string needs_text(bool interpreter, bool hearing_loop, bool food, const std::string& other) {
    const auto& sv = app::texts::of(db::language::sv);
    sign_up_form ticks;
    ticks.interpreter = interpreter;
    ticks.hearing_loop = hearing_loop;
    ticks.food = food;
    std::string out;
    for (const auto& n : known_needs)
        if (ticks.*n.ticked) out += (out.empty() ? "" : "\n") + sv[n.text];
    if (!other.empty()) out += (out.empty() ? "" : "\n") + other;
    return out;
}

void read_needs(const std::string& text, sign_up_form& into) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        auto line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        bool known = false;
        for (const auto& n : known_needs)
            for (auto language : {db::language::sv, db::language::en})
                if (!(into.*n.ticked) && line == app::texts::of(language)[n.text]) known = into.*n.ticked = true;
        if (!known) break;
        start = end == std::string::npos ? text.size() : end + 1;
    }
    into.other = text.substr(start);
}

void fill_field_errors(dictionary& d, const std::vector<app::field_error>& unordered, db::language language) {
    d.show("has_errors");
    // The summary lists the problems in the order of the fields on the page.
    auto order = [](const app::field_error& e) {
        auto at = std::find_if(std::begin(places), std::end(places), [&](const auto& p) { return e.field == p.field; });
        return at - std::begin(places);
    };
    auto errors = unordered;
    std::stable_sort(errors.begin(), errors.end(), [&](const auto& a, const auto& b) { return order(a) < order(b); });
    std::vector<std::string> shown;
    for (const auto& e : errors) {
        const field_place* place = nullptr;
        for (const auto& p : places)
            if (e.field == p.field) place = &p;
        const auto text = message_of(e, language);
        d.add("summary_error").set("summary_target", place ? place->id : "anmalan").set("summary_text", text);
        if (!place || std::find(shown.begin(), shown.end(), e.field) != shown.end()) continue;
        shown.push_back(e.field);
        d.show(std::string(place->name) + "_invalid").set(std::string(place->name) + "_error", text);
    }
}

std::optional<std::int64_t> read_count(const std::string& text, const char* field, app::unreadable_input& unreadable) {
    if (text.empty()) return std::nullopt;
    if (text.size() <= 4 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::stoll(text);
    unreadable.fields.push_back({field, "must be a whole number", "not_a_number"});
    return std::nullopt;
}

namespace {

sign_up_form form_of(const forms::form& f) {
    sign_up_form out;
    out.name = f.text("namn").value_or("");
    out.email = f.text("epost").value_or("");
    out.organisation = f.text("organisation").value_or("");
    out.party_size = f.text("antal").value_or("");
    out.other = f.text("ovrigt").value_or("");
    for (const auto& ticked : f.values("behov"))
        for (const auto& n : known_needs)
            if (ticked == n.value) out.*n.ticked = true;
    out.language = f.value("sprak").value_or("");
    out.consent = f.value("samtycke") == "ja";
    return out;
}

app::sign_up_input input_of(const sign_up_form& form) {
    app::sign_up_input in;
    if (!form.name.empty()) in.name = form.name;
    if (!form.email.empty()) in.email = form.email;
    if (!form.organisation.empty()) in.organisation_name = form.organisation;
    in.party_size = read_count(form.party_size, "party_size", in.unreadable);
    auto needs = needs_text(form.interpreter, form.hearing_loop, form.food, form.other);
    if (!needs.empty()) in.needs = needs;
    if (!form.language.empty()) in.language = form.language;
    in.consent = form.consent;
    return in;
}

response see_other(const std::string& location) {
    response r;
    r.status = 303;
    r.set_header("Location", location);
    r.set_header("Cache-Control", "no-store");
    return r;
}

response sign_up(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto f = forms::receive(req, ctx.settings);
    auto id = app::parse_id(req.params.at("id"));
    if (!id) throw app::not_found("No such meeting");
    const auto meeting_path = localised(language, "/moten/" + std::to_string(*id));
    // A person cannot see the trap, nor reach it with the keyboard: whoever fills it in is a
    // program, told that all went well so that it learns nothing.
    if (f.text("webbplats")) return see_other(meeting_path + "?anmald=ja");
    auto form = form_of(f);
    const auto client = http::client_address(req, config::trusted_proxies(ctx.settings));
    try {
        auto out = app::sign_up(ctx, {}, *id, input_of(form), client);
        if (!out.created) return see_other(meeting_path + "?anmald=redan");
        return see_other(localised(language, "/anmalan/" + out.secret) + "?ny=1");
    } catch (...) {
        auto e = app::classify(std::current_exception());
        const bool refused = e && e->kind == app::error_kind::conflict && e->code == "sign-up-refused";
        if (!e || (e->kind != app::error_kind::validation && !refused)) throw;
        form.errors = e->fields;
        if (form.errors.empty()) form.errors.push_back({"meeting", e->what(), e->code});
        return meeting_page(ctx, pages, req, language, *id, &form, refused ? 409 : 422);
    }
}

}  // namespace

void add_sign_up_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_page(routes, ctx, pages, "POST", "/moten/{id}/anmalan", sign_up);
}

}  // namespace kal::service::web
