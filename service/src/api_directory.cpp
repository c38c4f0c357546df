// Organisations, networks and venues: thin handlers over db::store.

#include <boost/json.hpp>

#include "api_common.hpp"
#include "routes.hpp"

namespace kal::service::detail {
namespace json = boost::json;

namespace {

constexpr std::size_t name_max = 200;
constexpr std::size_t slug_max = 80;
constexpr std::size_t text_max = 10000;

std::string allowed_values(const auto& list) {
    std::string out;
    for (auto v : list) out += (out.empty() ? "" : ", ") + std::string(v);
    return out;
}

std::optional<std::string> read_kind(json_fields& f, const auto& allowed, bool required) {
    auto kind = f.text("kind", 40, required);
    if (kind && !db::is_one_of(*kind, allowed)) {
        f.error("kind", "must be one of " + allowed_values(allowed));
        return std::nullopt;
    }
    return kind;
}

std::optional<std::string> read_slug(json_fields& f) {
    auto slug = f.text("slug", slug_max, false);
    if (slug && (slug->empty() || db::slugify(*slug) != *slug)) {
        f.error("slug", "must be lower-case letters a-z, digits and single hyphens");
        return std::nullopt;
    }
    return slug;
}

db::name_filter read_name_filter(const request& req) {
    db::name_filter f;
    auto p = read_paging(req);
    f.limit = p.limit;
    f.after = p.after;
    f.q = req.query_value("q").value_or("");
    if (f.q.size() > 200) throw bad_parameter("q", "at most 200 characters");
    f.kind = req.query_value("kind");
    return f;
}

// ---- organisations ------------------------------------------------------------------------

json::object organisation_json(const db::organisation& o, bool show_contact) {
    json::object j;
    j["id"] = o.id;
    j["kind"] = o.kind;
    j["name"] = o.name;
    j["slug"] = o.slug;
    j["contact_public"] = o.contact_public;
    if (show_contact || o.contact_public) {
        j["contact_email"] = optional_json(o.contact_email);
        j["contact_phone"] = optional_json(o.contact_phone);
    }
    j["created_at"] = utc_text(o.created_at);
    j["updated_at"] = utc_text(o.updated_at);
    return j;
}

void apply_organisation(json_fields& f, db::organisation& o, bool creating) {
    f.only({"kind", "name", "slug", "contact_email", "contact_phone", "contact_public"});
    if (auto v = read_kind(f, db::organisation_kinds, false)) o.kind = *v;
    if (creating || f.has("name"))
        if (auto v = f.text("name", name_max, true)) o.name = *v;
    if (auto v = read_slug(f)) o.slug = *v;
    if (f.is_null("contact_email")) o.contact_email.reset();
    else if (auto v = f.text("contact_email", 254, false)) {
        if (!is_email(*v)) f.error("contact_email", "is not an e-mail address");
        o.contact_email = *v;
    }
    if (f.is_null("contact_phone")) o.contact_phone.reset();
    else if (auto v = f.text("contact_phone", 40, false)) {
        if (v->find_first_not_of("+0123456789 -()") != std::string::npos || v->empty())
            f.error("contact_phone", "may contain digits, spaces, + - ( ) only");
        o.contact_phone = *v;
    }
    if (auto v = f.boolean("contact_public", false)) o.contact_public = *v;
    f.throw_if_errors();
}

bool sees_contact(const std::optional<principal>& who, db::id_t organisation_id) {
    return who && who->may_write_for(organisation_id);
}

// ---- networks -----------------------------------------------------------------------------

json::object network_json(const db::network& n) {
    json::object j;
    j["id"] = n.id;
    j["kind"] = n.kind;
    j["name"] = n.name;
    j["slug"] = n.slug;
    j["description"] = n.description;
    j["organisation_ids"] = ids_json(n.organisation_ids);
    j["created_at"] = utc_text(n.created_at);
    j["updated_at"] = utc_text(n.updated_at);
    return j;
}

void apply_network(json_fields& f, db::network& n, bool creating) {
    f.only({"kind", "name", "slug", "description", "organisation_ids"});
    if (auto v = read_kind(f, db::network_kinds, false)) n.kind = *v;
    if (creating || f.has("name"))
        if (auto v = f.text("name", name_max, true)) n.name = *v;
    if (auto v = read_slug(f)) n.slug = *v;
    if (auto v = f.text("description", text_max, false, text_kind::multi_line)) n.description = *v;
    if (auto v = f.id_list("organisation_ids", false)) n.organisation_ids = *v;
    f.throw_if_errors();
}

bool owns_network(const principal& who, const db::network& n) {
    if (who.is_admin()) return true;
    for (auto id : n.organisation_ids)
        if (who.may_write_for(id)) return true;
    return false;
}

// ---- venues -------------------------------------------------------------------------------

json::object venue_json(const db::venue& v) {
    json::object j;
    j["id"] = v.id;
    j["name"] = v.name;
    j["slug"] = v.slug;
    j["address"] = v.address;
    j["capacity"] = optional_json(v.capacity);
    j["accessibility"] = json::object{{"step_free", v.step_free},
                                      {"hearing_loop", v.hearing_loop},
                                      {"accessible_toilet", v.accessible_toilet},
                                      {"notes", v.accessibility_notes}};
    j["latitude"] = v.latitude ? json::value(*v.latitude) : json::value(nullptr);
    j["longitude"] = v.longitude ? json::value(*v.longitude) : json::value(nullptr);
    j["organisation_id"] = optional_json(v.organisation_id);
    j["shared"] = v.shared;
    j["created_at"] = utc_text(v.created_at);
    j["updated_at"] = utc_text(v.updated_at);
    return j;
}

std::optional<double> read_coordinate(json_fields& f, std::string_view name, double limit) {
    auto raw = f.raw(name);
    if (!raw || raw->is_null()) return std::nullopt;
    if (!raw->is_number()) {
        f.error(name, "must be a number");
        return std::nullopt;
    }
    double v = raw->to_number<double>();
    if (v < -limit || v > limit) {
        f.error(name, "must be between -" + std::to_string(static_cast<int>(limit)) + " and " +
                          std::to_string(static_cast<int>(limit)));
        return std::nullopt;
    }
    return v;
}

void apply_venue(json_fields& f, db::venue& v, bool creating) {
    f.only({"name", "slug", "address", "capacity", "accessibility", "latitude", "longitude", "organisation_id",
            "shared"});
    if (creating || f.has("name"))
        if (auto s = f.text("name", name_max, true)) v.name = *s;
    if (auto s = read_slug(f)) v.slug = *s;
    if (auto s = f.text("address", 500, false, text_kind::multi_line)) v.address = *s;
    if (f.is_null("capacity")) v.capacity.reset();
    else if (auto c = f.integer("capacity", 1, 100000, false)) v.capacity = static_cast<int>(*c);
    if (auto a = f.raw("accessibility"); a && !a->is_null()) {
        if (!a->is_object()) {
            f.error("accessibility", "must be an object");
        } else {
            json_fields af(a->get_object(), "accessibility");
            af.only({"step_free", "hearing_loop", "accessible_toilet", "notes"});
            if (auto b = af.boolean("step_free", false)) v.step_free = *b;
            if (auto b = af.boolean("hearing_loop", false)) v.hearing_loop = *b;
            if (auto b = af.boolean("accessible_toilet", false)) v.accessible_toilet = *b;
            if (auto s = af.text("notes", 2000, false, text_kind::multi_line)) v.accessibility_notes = *s;
            for (auto& e : af.errors()) f.errors().push_back(e);
        }
    }
    if (f.is_null("latitude")) v.latitude.reset();
    else if (auto d = read_coordinate(f, "latitude", 90)) v.latitude = d;
    if (f.is_null("longitude")) v.longitude.reset();
    else if (auto d = read_coordinate(f, "longitude", 180)) v.longitude = d;
    if (v.latitude.has_value() != v.longitude.has_value() && f.errors().empty())
        f.error("latitude", "latitude and longitude go together");
    if (f.is_null("organisation_id")) v.organisation_id.reset();
    else if (auto id = f.integer("organisation_id", 1, INT64_MAX, false)) v.organisation_id = *id;
    if (auto b = f.boolean("shared", false)) v.shared = *b;
    f.throw_if_errors();
}

void require_venue_write(const principal& who, const db::venue& v) {
    if (who.is_admin()) return;
    if (!v.organisation_id) throw problems::forbidden("Only an admin may change a venue without an owner");
    require_write(who, *v.organisation_id);
}

}  // namespace

void register_directory_routes(router& routes, app_context& ctx) {
    auto& store = ctx.store;

    // organisations
    routes.add("GET", "/api/v1/organisations", [&store](request& req) {
        auto f = read_name_filter(req);
        if (f.kind && !db::is_one_of(*f.kind, db::organisation_kinds))
            throw bad_parameter("kind", "must be one of " + allowed_values(db::organisation_kinds));
        auto who = authenticate(req, store);
        return list_response(store.list_organisations(f), [&](const db::organisation& o) {
            return organisation_json(o, sees_contact(who, o.id));
        });
    });
    routes.add("POST", "/api/v1/organisations", [&store](request& req) {
        auto who = require_principal(req, store);
        require_admin(who);
        auto body = parse_json_object(req);
        json_fields f(body);
        db::organisation o;
        apply_organisation(f, o, true);
        auto created = store.create_organisation(o);
        auto r = json_ok(201, organisation_json(created, true));
        r.set_header("Location", "/api/v1/organisations/" + std::to_string(created.id));
        return r;
    });
    routes.add("GET", "/api/v1/organisations/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = authenticate(req, store);
        auto o = store.find_organisation(id);
        if (!o) throw problems::not_found("No organisation " + std::to_string(id));
        return json_ok(200, organisation_json(*o, sees_contact(who, id)));
    });
    routes.add("PATCH", "/api/v1/organisations/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto o = store.find_organisation(id);
        if (!o) throw problems::not_found("No organisation " + std::to_string(id));
        require_write(who, id);
        auto body = parse_json_object(req);
        json_fields f(body);
        apply_organisation(f, *o, false);
        return json_ok(200, organisation_json(store.update_organisation(*o), true));
    });
    routes.add("DELETE", "/api/v1/organisations/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        require_admin(who);
        store.delete_organisation(id);
        return response{204, {}, {}};
    });

    // networks
    routes.add("GET", "/api/v1/networks", [&store](request& req) {
        auto f = read_name_filter(req);
        if (f.kind && !db::is_one_of(*f.kind, db::network_kinds))
            throw bad_parameter("kind", "must be one of " + allowed_values(db::network_kinds));
        f.organisation_id = id_or_slug(req, "organisation", [&](const std::string& s) {
            return store.find_organisation_by_slug(s);
        });
        authenticate(req, store);
        return list_response(store.list_networks(f), network_json);
    });
    routes.add("POST", "/api/v1/networks", [&store](request& req) {
        auto who = require_principal(req, store);
        auto body = parse_json_object(req);
        json_fields f(body);
        db::network n;
        apply_network(f, n, true);
        if (!owns_network(who, n))
            throw problems::forbidden("An organiser's network must list the organiser's organisation as owner");
        auto created = store.create_network(n);
        auto r = json_ok(201, network_json(created));
        r.set_header("Location", "/api/v1/networks/" + std::to_string(created.id));
        return r;
    });
    routes.add("GET", "/api/v1/networks/{id}", [&store](request& req) {
        auto id = path_id(req);
        authenticate(req, store);
        auto n = store.find_network(id);
        if (!n) throw problems::not_found("No network " + std::to_string(id));
        return json_ok(200, network_json(*n));
    });
    routes.add("PATCH", "/api/v1/networks/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto n = store.find_network(id);
        if (!n) throw problems::not_found("No network " + std::to_string(id));
        if (!owns_network(who, *n)) throw problems::forbidden("This token's organisation does not own the network");
        auto body = parse_json_object(req);
        json_fields f(body);
        apply_network(f, *n, false);
        if (!owns_network(who, *n))
            throw problems::forbidden("An organiser cannot remove its own organisation from the owners");
        return json_ok(200, network_json(store.update_network(*n)));
    });
    routes.add("DELETE", "/api/v1/networks/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto n = store.find_network(id);
        if (!n) throw problems::not_found("No network " + std::to_string(id));
        if (!owns_network(who, *n)) throw problems::forbidden("This token's organisation does not own the network");
        store.delete_network(id);
        return response{204, {}, {}};
    });

    // venues
    routes.add("GET", "/api/v1/venues", [&store](request& req) {
        auto f = read_name_filter(req);
        if (f.kind) throw bad_parameter("kind", "venues have no kind");
        f.organisation_id = id_or_slug(req, "organisation", [&](const std::string& s) {
            return store.find_organisation_by_slug(s);
        });
        authenticate(req, store);
        return list_response(store.list_venues(f), venue_json);
    });
    routes.add("POST", "/api/v1/venues", [&store](request& req) {
        auto who = require_principal(req, store);
        auto body = parse_json_object(req);
        json_fields f(body);
        db::venue v;
        apply_venue(f, v, true);
        require_venue_write(who, v);
        auto created = store.create_venue(v);
        auto r = json_ok(201, venue_json(created));
        r.set_header("Location", "/api/v1/venues/" + std::to_string(created.id));
        return r;
    });
    routes.add("GET", "/api/v1/venues/{id}", [&store](request& req) {
        auto id = path_id(req);
        authenticate(req, store);
        auto v = store.find_venue(id);
        if (!v) throw problems::not_found("No venue " + std::to_string(id));
        return json_ok(200, venue_json(*v));
    });
    routes.add("PATCH", "/api/v1/venues/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto v = store.find_venue(id);
        if (!v) throw problems::not_found("No venue " + std::to_string(id));
        require_venue_write(who, *v);
        auto body = parse_json_object(req);
        json_fields f(body);
        apply_venue(f, *v, false);
        require_venue_write(who, *v);
        return json_ok(200, venue_json(store.update_venue(*v)));
    });
    routes.add("DELETE", "/api/v1/venues/{id}", [&store](request& req) {
        auto id = path_id(req);
        auto who = require_principal(req, store);
        auto v = store.find_venue(id);
        if (!v) throw problems::not_found("No venue " + std::to_string(id));
        require_venue_write(who, *v);
        store.delete_venue(id);
        return response{204, {}, {}};
    });
}

}  // namespace kal::service::detail
