// The directory's organiser pages (issue 12 item 8; org-dir): /arrangor/organisationer,
// /arrangor/natverk and /arrangor/lokaler, each a list (with a link to change what the user may
// change), a page to make a new one (/ny) and one to change one (/{id}); a venue's page shows its
// change log too. The rules are the API's use cases' (app/directory.hpp): an admin creates and
// changes everything; an organiser changes its own organisation, the networks its organisation
// owns and the venues it owns, and creates networks and venues owned by it. What the page may
// offer is read by app::directory_to_manage and app::*_to_edit, which refuse (403) as the write
// would. The form only reads and shows.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "kal/service/app/directory.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"

namespace kal::service::web {

namespace {

db::id_t id_of(const request& req) {
    const auto& text = req.params.at("id");
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos)
        throw app::not_found("No such page");
    return std::stoll(text);
}

std::optional<db::id_t> number(const std::string& text) {
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(text);
}

// A decimal number as people write it (a comma or a point), or nullopt; "nan" and "inf", which
// from_chars reads, are no place on a map.
std::optional<double> decimal(std::string text) {
    std::replace(text.begin(), text.end(), ',', '.');
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::string text_of(const forms::form& f, const char* name) { return f.text(name).value_or(""); }

// The options of a <select> (option_value, option_label, option_selected) as items of `section`.
void add_options(dictionary& d, const char* section, const std::vector<std::pair<std::string, std::string>>& options,
                 const std::string& selected) {
    for (const auto& [value, label] : options) {
        auto& o = d.add(section).set("option_value", value).set("option_label", label);
        if (value == selected) o.show("option_selected");
    }
}

// What every form page of the directory shares: heading, action, the notice after saving, the
// links of an edit page, the errors.
struct form_page_spec {
    std::string heading, action, submit, list_path, list_text, public_path;
    bool editing = false;
    section nav = section::none;
    std::string path;
};

response render_form(const site& pages, const request& req, db::language language, const signed_in_request& s,
                     dictionary& d, const form_page_spec& spec, const std::string& content,
                     const std::vector<app::field_error>& errors, const std::vector<form_field_place>& places,
                     int status) {
    const auto& t = app::texts::of(language);
    d.set("df_heading", spec.heading).set("df_action", localised(language, spec.action)).set("df_submit", spec.submit);
    if (spec.editing) {
        d.show("df_editing");
        d.set("df_public_href", localised(language, spec.public_path));
        d.set("df_list_href", localised(language, spec.list_path)).set("df_list_text", spec.list_text);
    }
    if (req.query_value("sparat") == "1" && errors.empty()) d.show("df_saved");
    if (!errors.empty()) fill_form_errors(d, errors, language, places, "org_directory", places.front().id);
    page_frame frame;
    frame.language = language;
    frame.path = spec.path;
    frame.title = page_title(pages, language, (errors.empty() ? std::string() : t["meeting.error_title_prefix"] + " ") + spec.heading);
    frame.section = spec.nav;
    frame.content_template = content;
    return render_signed_in(pages, frame, d, s, status);
}

// Runs a save; its refusal (422 or 409) is returned for the form to show again.
template <class Save>
std::optional<refused_input> saved(db::id_t& id, Save&& act) {
    return refusal_of([&] { id = act(); });
}

// ---- the lists ---------------------------------------------------------------------------------

struct list_spec {
    std::string heading, lead, caption, detail_heading, new_text;
    std::string path;  // "/arrangor/lokaler"
    section nav = section::none;
    bool may_create = false;
};

struct list_row {
    std::string name, detail, edit_path, public_path;
    bool may_edit = false;
};

response render_list(const site& pages, db::language language, const signed_in_request& s, const list_spec& spec,
                     const std::vector<list_row>& rows) {
    dictionary d(&pages.texts(language));
    d.set("dl_heading", spec.heading).set("dl_lead", spec.lead).set("dl_caption", spec.caption);
    d.set("dl_detail_heading", spec.detail_heading);
    if (spec.may_create)
        d.show("dl_may_create").set("dl_new_href", localised(language, spec.path + "/ny")).set("dl_new_text", spec.new_text);
    for (const auto& r : rows) {
        auto& row = d.add("dl_row");
        row.set("dl_name", r.name).set("dl_detail", r.detail).set("dl_public_href", localised(language, r.public_path));
        if (r.may_edit) row.show("dl_may_edit").set("dl_edit_href", localised(language, r.edit_path));
    }
    d.show(rows.empty() ? "dl_no_rows" : "dl_has_rows");
    page_frame frame;
    frame.language = language;
    frame.path = spec.path;
    frame.title = spec.heading;
    frame.section = spec.nav;
    frame.content_template = "org_directory_list.html";
    return render_signed_in(pages, frame, d, s);
}

// ---- organisations -----------------------------------------------------------------------------

const std::vector<form_field_place> organisation_places = {
    {"kind", "org-typ", "kind"},
    {"name", "org-namn", "name"},
    {"slug", "org-slug", "slug"},
    {"contact_email", "org-epost", "email"},
    {"contact_phone", "org-telefon", "phone"},
    {"contact_public", "org-visa-kontakt", "contact_public"},
};

struct organisation_form {
    std::string kind = "association", name, slug, email, phone;
    bool contact_public = false;
};

organisation_form form_of(const db::organisation& o) {
    return {std::string(db::to_text(o.kind)), o.name, o.slug, o.contact_email.value_or(""), o.contact_phone.value_or(""),
            o.contact_public};
}

organisation_form organisation_form_of(const forms::form& f) {
    return {text_of(f, "typ"), text_of(f, "namn"), text_of(f, "slug"), text_of(f, "epost"), text_of(f, "telefon"),
            f.value("visa_kontakt") == "ja"};
}

app::organisation_input input_of(const organisation_form& f) {
    app::organisation_input in;
    in.kind = f.kind;
    in.name = f.name;
    if (!f.slug.empty()) in.slug = f.slug;  // empty: made from the name (new) or kept (edit)
    in.contact_email = f.email.empty() ? std::optional<std::string>() : std::optional<std::string>(f.email);
    in.contact_phone = f.phone.empty() ? std::optional<std::string>() : std::optional<std::string>(f.phone);
    in.contact_public = f.contact_public;
    return in;
}

response organisation_page(const site& pages, const request& req, db::language language, const signed_in_request& s,
                           const organisation_form& f, const std::optional<db::organisation>& editing,
                           const std::vector<app::field_error>& errors = {}, int status = 200) {
    const auto& t = app::texts::of(language);
    dictionary d(&pages.texts(language));
    std::vector<std::pair<std::string, std::string>> kinds;
    for (const auto& [kind, text] : db::organisation_kind_texts) kinds.emplace_back(std::string(text), app::label(kind, language));
    add_options(d, "kind_option", kinds, f.kind);
    d.set("name_value", f.name).set("slug_value", f.slug).set("email_value", f.email).set("phone_value", f.phone);
    if (f.contact_public) d.show("contact_public_checked");
    form_page_spec spec;
    spec.editing = editing.has_value();
    spec.heading = editing ? filled(t["org_directory.edit_title"], {{"name", editing->name}}) : t["org_directory.new_organisation"];
    spec.action = editing ? "/arrangor/organisationer/" + std::to_string(editing->id) : "/arrangor/organisationer/ny";
    spec.path = spec.action;
    spec.submit = t["org_directory.save"];
    spec.list_path = "/arrangor/organisationer";
    spec.list_text = t["org_directory.back_organisations"];
    if (editing) spec.public_path = "/organisationer/" + editing->slug;
    spec.nav = section::organiser_organisations;
    return render_form(pages, req, language, s, d, spec, "org_organisation_form.html", errors, organisation_places, status);
}

response organisations(app::context& ctx, const site& pages, request&, db::language language, const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    const auto dir = app::directory_to_manage(ctx, s.who);
    std::vector<list_row> rows;
    for (const auto& [o, may_edit] : dir.organisations)
        rows.push_back({o.name, app::label(o.kind, language), "/arrangor/organisationer/" + std::to_string(o.id),
                        "/organisationer/" + o.slug, may_edit});
    return render_list(pages, language, s,
                       {t["org_directory.organisations_title"], t["org_directory.organisations_lead"],
                        t["org_directory.organisations_caption"], t["org_directory.col_kind"],
                        t["org_directory.new_organisation"], "/arrangor/organisationer", section::organiser_organisations,
                        dir.admin},
                       rows);
}

response new_organisation(app::context& ctx, const site& pages, request& req, db::language language,
                          const signed_in_request& s) {
    app::require_organisation_creator(ctx, s.who);
    return organisation_page(pages, req, language, s, organisation_form{}, std::nullopt);
}

response create_organisation(app::context& ctx, const site& pages, request& req, db::language language,
                             const signed_in_request& s) {
    const auto f = organisation_form_of(s.form);
    db::id_t id = 0;
    if (auto refused = saved(id, [&] { return app::create_organisation(ctx, s.who, input_of(f)).id; }))
        return organisation_page(pages, req, language, s, f, std::nullopt, refused->errors, refused->status);
    return see_other_private(localised(language, "/arrangor/organisationer/" + std::to_string(id)) + "?sparat=1");
}

response edit_organisation(app::context& ctx, const site& pages, request& req, db::language language,
                           const signed_in_request& s) {
    const auto o = app::organisation_to_edit(ctx, s.who, id_of(req));
    return organisation_page(pages, req, language, s, form_of(o), o);
}

response update_organisation(app::context& ctx, const site& pages, request& req, db::language language,
                             const signed_in_request& s) {
    const auto o = app::organisation_to_edit(ctx, s.who, id_of(req));
    const auto f = organisation_form_of(s.form);
    db::id_t id = 0;
    if (auto refused = saved(id, [&] { return app::update_organisation(ctx, s.who, o.id, input_of(f)).id; }))
        return organisation_page(pages, req, language, s, f, o, refused->errors, refused->status);
    return see_other_private(localised(language, "/arrangor/organisationer/" + std::to_string(id)) + "?sparat=1");
}

// ---- networks ----------------------------------------------------------------------------------

const std::vector<form_field_place> network_places = {
    {"kind", "natverk-typ", "kind"},
    {"name", "natverk-namn", "name"},
    {"slug", "natverk-slug", "slug"},
    {"description", "natverk-beskrivning", "description"},
    {"organisation_ids", "natverk-agare", "owners"},
};

struct network_form {
    std::string kind = "interest_network", name, slug, description;
    std::vector<std::string> owners;
};

network_form form_of(const db::network& n) {
    network_form f{std::string(db::to_text(n.kind)), n.name, n.slug, n.description, {}};
    for (auto id : n.organisation_ids) f.owners.push_back(std::to_string(id));
    return f;
}

network_form network_form_of(const forms::form& f) {
    return {text_of(f, "typ"), text_of(f, "namn"), text_of(f, "slug"), f.value("beskrivning").value_or(""),
            f.values("agare")};
}

app::network_input input_of(const network_form& f) {
    app::network_input in;
    in.kind = f.kind;
    in.name = f.name;
    if (!f.slug.empty()) in.slug = f.slug;
    in.description = f.description;
    std::vector<db::id_t> owners;
    for (const auto& o : f.owners) {
        if (auto id = number(o)) owners.push_back(*id);
        else in.unreadable.fields.push_back({"organisation_ids", "must be organisations of the list", "ids"});
    }
    in.organisation_ids = owners;
    return in;
}

response network_page(app::context& ctx, const site& pages, const request& req, db::language language,
                      const signed_in_request& s, const network_form& f, const std::optional<db::network>& editing,
                      const std::vector<app::field_error>& errors = {}, int status = 200) {
    const auto& t = app::texts::of(language);
    const auto dir = app::directory_to_manage(ctx, s.who);
    dictionary d(&pages.texts(language));
    std::vector<std::pair<std::string, std::string>> kinds;
    for (const auto& [kind, text] : db::network_kind_texts) kinds.emplace_back(std::string(text), app::label(kind, language));
    add_options(d, "kind_option", kinds, f.kind);
    d.set("name_value", f.name).set("slug_value", f.slug).set("description_value", f.description);
    for (const auto& [o, may_edit] : dir.organisations) {
        const auto value = std::to_string(o.id);
        auto& item = d.add("owner_option").set("option_value", value).set("option_label", o.name);
        const bool chosen = std::find(f.owners.begin(), f.owners.end(), value) != f.owners.end();
        // A new network of an organiser of one organisation is owned by it unless said otherwise.
        const bool preset = !editing && errors.empty() && f.owners.empty() && !dir.admin && dir.writable.size() == 1 &&
                            dir.writable.front().id == o.id;
        if (chosen || preset) item.show("option_selected");
    }
    form_page_spec spec;
    spec.editing = editing.has_value();
    spec.heading = editing ? filled(t["org_directory.edit_title"], {{"name", editing->name}}) : t["org_directory.new_network"];
    spec.action = editing ? "/arrangor/natverk/" + std::to_string(editing->id) : "/arrangor/natverk/ny";
    spec.path = spec.action;
    spec.submit = t["org_directory.save"];
    spec.list_path = "/arrangor/natverk";
    spec.list_text = t["org_directory.back_networks"];
    if (editing) spec.public_path = "/natverk/" + editing->slug;
    spec.nav = section::organiser_networks;
    return render_form(pages, req, language, s, d, spec, "org_network_form.html", errors, network_places, status);
}

response networks(app::context& ctx, const site& pages, request&, db::language language, const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    const auto dir = app::directory_to_manage(ctx, s.who);
    std::vector<list_row> rows;
    for (const auto& [n, may_edit] : dir.networks)
        rows.push_back({n.name, app::label(n.kind, language), "/arrangor/natverk/" + std::to_string(n.id),
                        "/natverk/" + n.slug, may_edit});
    return render_list(pages, language, s,
                       {t["org_directory.networks_title"], t["org_directory.networks_lead"],
                        t["org_directory.networks_caption"], t["org_directory.col_kind"], t["org_directory.new_network"],
                        "/arrangor/natverk", section::organiser_networks, dir.admin || !dir.writable.empty()},
                       rows);
}

response new_network(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    return network_page(ctx, pages, req, language, s, network_form{}, std::nullopt);
}

response create_network(app::context& ctx, const site& pages, request& req, db::language language,
                        const signed_in_request& s) {
    const auto f = network_form_of(s.form);
    db::id_t id = 0;
    if (auto refused = saved(id, [&] { return app::create_network(ctx, s.who, input_of(f)).id; }))
        return network_page(ctx, pages, req, language, s, f, std::nullopt, refused->errors, refused->status);
    return see_other_private(localised(language, "/arrangor/natverk/" + std::to_string(id)) + "?sparat=1");
}

response edit_network(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto n = app::network_to_edit(ctx, s.who, id_of(req));
    return network_page(ctx, pages, req, language, s, form_of(n), n);
}

response update_network(app::context& ctx, const site& pages, request& req, db::language language,
                        const signed_in_request& s) {
    const auto n = app::network_to_edit(ctx, s.who, id_of(req));
    const auto f = network_form_of(s.form);
    db::id_t id = 0;
    if (auto refused = saved(id, [&] { return app::update_network(ctx, s.who, n.id, input_of(f)).id; }))
        return network_page(ctx, pages, req, language, s, f, n, refused->errors, refused->status);
    return see_other_private(localised(language, "/arrangor/natverk/" + std::to_string(id)) + "?sparat=1");
}

// ---- venues ------------------------------------------------------------------------------------

const std::vector<form_field_place> venue_places = {
    {"name", "lokal-namn", "name"},
    {"slug", "lokal-slug", "slug"},
    {"address", "lokal-adress", "address"},
    {"capacity", "lokal-platser", "capacity"},
    {"organisation_id", "lokal-agare", "owner"},
    {"shared", "lokal-delad", "shared"},
    {"step_free", "lokal-trappfri", "step_free"},
    {"hearing_loop", "lokal-horslinga", "hearing_loop"},
    {"accessible_toilet", "lokal-toalett", "accessible_toilet"},
    {"accessibility.notes", "lokal-tillganglighet", "notes"},
    {"latitude", "lokal-latitud", "latitude"},
    {"longitude", "lokal-longitud", "longitude"},
};

struct venue_form {
    std::string name, slug, address, capacity, owner, notes, latitude, longitude;
    bool shared = false, step_free = false, hearing_loop = false, accessible_toilet = false;
};

std::string coordinate_text(const std::optional<double>& v) {
    if (!v) return {};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", *v);
    std::string out = buf;
    while (out.size() > 1 && out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
    return out;
}

venue_form form_of(const db::venue& v) {
    venue_form f;
    f.name = v.name;
    f.slug = v.slug;
    f.address = v.address;
    if (v.capacity) f.capacity = std::to_string(*v.capacity);
    if (v.organisation_id) f.owner = std::to_string(*v.organisation_id);
    f.notes = v.accessibility_notes;
    f.latitude = coordinate_text(v.latitude);
    f.longitude = coordinate_text(v.longitude);
    f.shared = v.shared;
    f.step_free = v.step_free;
    f.hearing_loop = v.hearing_loop;
    f.accessible_toilet = v.accessible_toilet;
    return f;
}

venue_form venue_form_of(const forms::form& f) {
    venue_form v;
    v.name = text_of(f, "namn");
    v.slug = text_of(f, "slug");
    v.address = f.value("adress").value_or("");
    v.capacity = text_of(f, "platser");
    v.owner = text_of(f, "agare");
    v.notes = f.value("tillganglighet").value_or("");
    v.latitude = text_of(f, "latitud");
    v.longitude = text_of(f, "longitud");
    v.shared = f.value("delad") == "ja";
    v.step_free = f.value("trappfri") == "ja";
    v.hearing_loop = f.value("horslinga") == "ja";
    v.accessible_toilet = f.value("toalett") == "ja";
    return v;
}

app::venue_input input_of(const venue_form& f) {
    app::venue_input in;
    in.name = f.name;
    if (!f.slug.empty()) in.slug = f.slug;
    in.address = f.address;
    if (f.capacity.empty()) in.capacity = std::optional<std::int64_t>();
    else if (auto c = number(f.capacity); c && *c <= 1000000) in.capacity = std::optional<std::int64_t>(*c);
    else in.unreadable.fields.push_back({"capacity", "must be a whole number", "not_a_number"});
    in.step_free = f.step_free;
    in.hearing_loop = f.hearing_loop;
    in.accessible_toilet = f.accessible_toilet;
    in.accessibility_notes = f.notes;
    for (auto [text, field, target] : {std::tuple{&f.latitude, "latitude", &in.latitude},
                                       std::tuple{&f.longitude, "longitude", &in.longitude}}) {
        if (text->empty()) *target = std::optional<double>();
        else if (auto v = decimal(*text)) *target = std::optional<double>(*v);
        else in.unreadable.fields.push_back({field, "must be a number", "not_a_number"});
    }
    if (f.owner.empty()) in.organisation_id = std::optional<db::id_t>();
    else if (auto o = number(f.owner)) in.organisation_id = std::optional<db::id_t>(*o);
    else in.unreadable.fields.push_back({"organisation_id", "must be one of the choices", "invalid"});
    in.shared = f.shared;
    return in;
}

response venue_page(app::context& ctx, const site& pages, const request& req, db::language language,
                    const signed_in_request& s, const venue_form& f, const std::optional<app::editable_venue>& editing,
                    const std::vector<app::field_error>& errors = {}, int status = 200) {
    const auto& t = app::texts::of(language);
    const auto dir = app::directory_to_manage(ctx, s.who);
    dictionary d(&pages.texts(language));
    d.set("name_value", f.name).set("slug_value", f.slug).set("address_value", f.address).set("capacity_value", f.capacity);
    d.set("notes_value", f.notes).set("latitude_value", f.latitude).set("longitude_value", f.longitude);
    for (auto [on, name] : {std::pair{f.shared, "shared_checked"}, std::pair{f.step_free, "step_free_checked"},
                            std::pair{f.hearing_loop, "hearing_loop_checked"},
                            std::pair{f.accessible_toilet, "accessible_toilet_checked"}})
        if (on) d.show(name);
    // The owners the user may give a venue: an admin any organisation or none; an organiser its own.
    std::vector<std::pair<std::string, std::string>> owners;
    if (dir.admin) owners.emplace_back("", t["org_directory.venue_no_owner"]);
    for (const auto& o : dir.writable) owners.emplace_back(std::to_string(o.id), o.name);
    auto owner = f.owner;
    if (owner.empty() && !editing && !dir.admin && !dir.writable.empty()) owner = std::to_string(dir.writable.front().id);
    add_options(d, "owner_option", owners, owner);
    if (editing) {
        add_change_log(d, editing->changes, language, ctx.settings.calendar.default_time_zone,
                       t["org_directory.changes_caption"]);
    }
    form_page_spec spec;
    spec.editing = editing.has_value();
    spec.heading = editing ? filled(t["org_directory.edit_title"], {{"name", editing->venue.name}}) : t["org_directory.new_venue"];
    spec.action = editing ? "/arrangor/lokaler/" + std::to_string(editing->venue.id) : "/arrangor/lokaler/ny";
    spec.path = spec.action;
    spec.submit = t["org_directory.save"];
    spec.list_path = "/arrangor/lokaler";
    spec.list_text = t["org_directory.back_venues"];
    if (editing) spec.public_path = "/lokaler/" + editing->venue.slug;
    spec.nav = section::organiser_venues;
    return render_form(pages, req, language, s, d, spec, "org_venue_form.html", errors, venue_places, status);
}

response venues(app::context& ctx, const site& pages, request&, db::language language, const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    const auto dir = app::directory_to_manage(ctx, s.who);
    std::vector<list_row> rows;
    for (const auto& [v, may_edit] : dir.venues) {
        std::string detail = v.address.substr(0, v.address.find('\n'));
        if (v.capacity)
            detail += (detail.empty() ? "" : ". ") + filled(t["meeting_form.venue_capacity"], {{"count", std::to_string(*v.capacity)}});
        rows.push_back({v.name, detail, "/arrangor/lokaler/" + std::to_string(v.id), "/lokaler/" + v.slug, may_edit});
    }
    return render_list(pages, language, s,
                       {t["org_directory.venues_title"], t["org_directory.venues_lead"], t["org_directory.venues_caption"],
                        t["org_directory.col_address"], t["org_directory.new_venue"], "/arrangor/lokaler",
                        section::organiser_venues, dir.admin || !dir.writable.empty()},
                       rows);
}

response new_venue(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    return venue_page(ctx, pages, req, language, s, venue_form{}, std::nullopt);
}

response create_venue(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto f = venue_form_of(s.form);
    db::id_t id = 0;
    if (auto refused = saved(id, [&] { return app::create_venue(ctx, s.who, input_of(f)).id; }))
        return venue_page(ctx, pages, req, language, s, f, std::nullopt, refused->errors, refused->status);
    return see_other_private(localised(language, "/arrangor/lokaler/" + std::to_string(id)) + "?sparat=1");
}

response edit_venue(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto v = app::venue_to_edit(ctx, s.who, id_of(req));
    return venue_page(ctx, pages, req, language, s, form_of(v.venue), v);
}

response update_venue(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto v = app::venue_to_edit(ctx, s.who, id_of(req));
    const auto f = venue_form_of(s.form);
    db::id_t id = 0;
    if (auto refused = saved(id, [&] { return app::update_venue(ctx, s.who, v.venue.id, input_of(f)).id; }))
        return venue_page(ctx, pages, req, language, s, f, v, refused->errors, refused->status);
    return see_other_private(localised(language, "/arrangor/lokaler/" + std::to_string(id)) + "?sparat=1");
}

}  // namespace

void add_directory_admin_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    // "ny" before "{id}": the router takes the first pattern that matches.
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/organisationer", organisations);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/organisationer/ny", new_organisation);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/organisationer/ny", create_organisation);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/organisationer/{id}", edit_organisation);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/organisationer/{id}", update_organisation);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/natverk", networks);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/natverk/ny", new_network);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/natverk/ny", create_network);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/natverk/{id}", edit_network);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/natverk/{id}", update_network);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/lokaler", venues);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/lokaler/ny", new_venue);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/lokaler/ny", create_venue);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/lokaler/{id}", edit_venue);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/lokaler/{id}", update_venue);
}

}  // namespace kal::service::web
