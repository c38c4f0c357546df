#include "kal/service/app/directory.hpp"

#include "kal/service/app/change_log.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/text_rules.hpp"

namespace kal::service::app {

bool shows_contact(const std::optional<principal>& who, const db::organisation& o) {
    return o.contact_public || (who && who->may_write_for(o.id));
}

void hide_private_contact(db::organisation& o) {
    if (shows_contact(std::nullopt, o)) return;
    o.contact_email.reset();
    o.contact_phone.reset();
}

namespace {

constexpr std::size_t name_max = 200;
constexpr std::size_t slug_max = 80;
constexpr std::size_t text_max = 10000;

template <class Table>
std::string values_of(const Table& table) {
    std::string out;
    for (const auto& [value, text] : table) out += (out.empty() ? "" : ", ") + std::string(text);
    return out;
}

void read_slug(field_errors& errors, const std::optional<std::string>& in, std::string& slug) {
    auto v = read_text(errors, "slug", in, slug_max, false);
    if (!v) return;
    if (v->empty() || db::slugify(*v) != *v)
        errors.add("slug", "must be lower-case letters a-z, digits and single hyphens", "slug");
    else slug = *v;
}

// ---- organisations ------------------------------------------------------------------------

void apply(const organisation_input& in, db::organisation& o, bool creating) {
    field_errors errors;
    in.unreadable.report(errors);
    if (auto v = read_text(errors, "kind", in.kind, 40, false)) {
        if (auto k = db::parse_organisation_kind(*v)) o.kind = *k;
        else errors.add("kind", "must be one of " + values_of(db::organisation_kind_texts), "one_of");
    }
    if (creating || in.name)
        if (auto v = read_text(errors, "name", in.name, name_max, true)) o.name = *v;
    read_slug(errors, in.slug, o.slug);
    if (in.contact_email) {
        if (!*in.contact_email) o.contact_email.reset();
        else if (auto v = read_text(errors, "contact_email", *in.contact_email, 254, false)) {
            if (!is_email(*v)) errors.add("contact_email", "is not an e-mail address", "email");
            o.contact_email = *v;
        }
    }
    if (in.contact_phone) {
        if (!*in.contact_phone) o.contact_phone.reset();
        else if (auto v = read_text(errors, "contact_phone", *in.contact_phone, 40, false)) {
            if (v->find_first_not_of("+0123456789 -()") != std::string::npos || v->empty())
                errors.add("contact_phone", "may contain digits, spaces, + - ( ) only", "phone");
            o.contact_phone = *v;
        }
    }
    if (in.contact_public) o.contact_public = *in.contact_public;
    errors.throw_if_any();
}


// ---- networks -----------------------------------------------------------------------------

void apply(const network_input& in, db::network& n, bool creating) {
    field_errors errors;
    in.unreadable.report(errors);
    if (auto v = read_text(errors, "kind", in.kind, 40, false)) {
        if (auto k = db::parse_network_kind(*v)) n.kind = *k;
        else errors.add("kind", "must be one of " + values_of(db::network_kind_texts), "one_of");
    }
    if (creating || in.name)
        if (auto v = read_text(errors, "name", in.name, name_max, true)) n.name = *v;
    read_slug(errors, in.slug, n.slug);
    if (auto v = read_text(errors, "description", in.description, text_max, false, text_kind::multi_line))
        n.description = *v;
    if (in.organisation_ids) {
        auto ids = *in.organisation_ids;
        if (ids.size() > 100 || std::any_of(ids.begin(), ids.end(), [](auto id) { return id < 1; })) {
            errors.add("organisation_ids", "must be an array of at most 100 ids", "ids");
        } else {
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            n.organisation_ids = std::move(ids);
        }
    }
    errors.throw_if_any();
}

bool owns_network(const principal& who, const db::network& n) {
    if (who.admin) return true;
    for (auto id : n.organisation_ids)
        if (who.may_write_for(id)) return true;
    return false;
}

// ---- venues -------------------------------------------------------------------------------

void read_coordinate(field_errors& errors, const char* field, const nullable<double>& in, double limit,
                     std::optional<double>& out) {
    if (!in) return;
    if (!*in) {
        out.reset();
        return;
    }
    auto v = **in;
    if (v < -limit || v > limit)
        errors.add(field, "must be between -" + std::to_string(static_cast<int>(limit)) + " and " +
                              std::to_string(static_cast<int>(limit)), "range");
    else out = v;
}

void apply(const venue_input& in, db::venue& v, bool creating) {
    field_errors errors;
    in.unreadable.report(errors);
    if (creating || in.name)
        if (auto s = read_text(errors, "name", in.name, name_max, true)) v.name = *s;
    read_slug(errors, in.slug, v.slug);
    if (auto s = read_text(errors, "address", in.address, 500, false, text_kind::multi_line)) v.address = *s;
    if (in.capacity) {
        if (!*in.capacity) v.capacity.reset();
        else if (**in.capacity < 1 || **in.capacity > 100000) errors.add("capacity", "must be between 1 and 100000", "range");
        else v.capacity = static_cast<int>(**in.capacity);
    }
    if (in.step_free) v.step_free = *in.step_free;
    if (in.hearing_loop) v.hearing_loop = *in.hearing_loop;
    if (in.accessible_toilet) v.accessible_toilet = *in.accessible_toilet;
    if (auto s = read_text(errors, "accessibility.notes", in.accessibility_notes, 2000, false, text_kind::multi_line))
        v.accessibility_notes = *s;
    read_coordinate(errors, "latitude", in.latitude, 90, v.latitude);
    read_coordinate(errors, "longitude", in.longitude, 180, v.longitude);
    if (v.latitude.has_value() != v.longitude.has_value() && errors.empty())
        errors.add("latitude", "latitude and longitude go together", "coordinates");
    if (in.organisation_id) {
        if (!*in.organisation_id) v.organisation_id.reset();
        else if (**in.organisation_id < 1) errors.add("organisation_id", "must be an organisation id", "id");
        else v.organisation_id = **in.organisation_id;
    }
    if (in.shared) v.shared = *in.shared;
    errors.throw_if_any();
}

void require_venue_write(const principal& who, const db::venue& v) {
    if (who.admin) return;
    if (!v.organisation_id) throw forbidden("Only an admin may change a venue without an owner");
    require_write(who, *v.organisation_id);
}

template <class T>
T found(std::optional<T> v, const char* what, db::id_t id) {
    if (!v) throw not_found("No " + std::string(what) + " " + std::to_string(id));
    return std::move(*v);
}

}  // namespace

// ---- organisations ------------------------------------------------------------------------

db::page<organisation_view> list_organisations(context& ctx, const credentials& creds, const directory_query& q) {
    db::organisation_filter f;
    f.q = q.q;
    f.limit = q.limit;
    f.after = q.after;
    if (q.kind) {
        f.kind = db::parse_organisation_kind(*q.kind);
        if (!f.kind) throw bad_parameter("kind", "must be one of " + values_of(db::organisation_kind_texts), "one_of");
    }
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = identify(ctx, w, creds);
        auto page = db::organisations{w}.list(f);
        db::page<organisation_view> out;
        out.next = page.next;
        for (auto& o : page.items) {
            bool shows = shows_contact(who, o);
            out.items.push_back({std::move(o), shows});
        }
        return out;
    });
}

organisation_view find_organisation(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = identify(ctx, w, creds);
        auto o = found(db::organisations{w}.find(id), "organisation", id);
        const bool shows = shows_contact(who, o);
        return organisation_view{std::move(o), shows};
    });
}

db::organisation create_organisation(context& ctx, const credentials& creds, const organisation_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        require_admin(require_principal(ctx, w, creds));
        db::organisation o;
        apply(in, o, true);
        return db::organisations{w}.create(o);
    });
}

db::organisation update_organisation(context& ctx, const credentials& creds, db::id_t id, const organisation_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto o = found(db::organisations{w}.find(id), "organisation", id);
        require_write(who, id);
        apply(in, o, false);
        return db::organisations{w}.update(o);
    });
}

void delete_organisation(context& ctx, const credentials& creds, db::id_t id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        require_admin(require_principal(ctx, w, creds));
        db::organisations{w}.remove(id);
    });
}

// ---- networks -----------------------------------------------------------------------------

db::page<db::network> list_networks(context& ctx, const credentials& creds, const directory_query& q) {
    db::network_filter f;
    f.q = q.q;
    f.limit = q.limit;
    f.after = q.after;
    if (q.kind) {
        f.kind = db::parse_network_kind(*q.kind);
        if (!f.kind) throw bad_parameter("kind", "must be one of " + values_of(db::network_kind_texts), "one_of");
    }
    return ctx.database.read([&](db::unit_of_work& w) {
        identify(ctx, w, creds);
        if (q.organisation) f.organisation_id = organisation_id_or_slug(w, *q.organisation);
        return db::networks{w}.list(f);
    });
}

db::network find_network(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        identify(ctx, w, creds);
        return found(db::networks{w}.find(id), "network", id);
    });
}

db::network create_network(context& ctx, const credentials& creds, const network_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        db::network n;
        apply(in, n, true);
        if (!owns_network(who, n))
            throw forbidden("An organiser's network must list the organiser's organisation as owner");
        return db::networks{w}.create(n);
    });
}

db::network update_network(context& ctx, const credentials& creds, db::id_t id, const network_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto n = found(db::networks{w}.find(id), "network", id);
        if (!owns_network(who, n)) throw forbidden("This token's organisation does not own the network");
        apply(in, n, false);
        if (!owns_network(who, n)) throw forbidden("An organiser cannot remove its own organisation from the owners");
        return db::networks{w}.update(n);
    });
}

void delete_network(context& ctx, const credentials& creds, db::id_t id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto n = found(db::networks{w}.find(id), "network", id);
        if (!owns_network(who, n)) throw forbidden("This token's organisation does not own the network");
        db::networks{w}.remove(id);
    });
}

// ---- venues -------------------------------------------------------------------------------

db::page<db::venue> list_venues(context& ctx, const credentials& creds, const directory_query& q) {
    if (q.kind) throw bad_parameter("kind", "venues have no kind");
    db::venue_filter f;
    f.q = q.q;
    f.limit = q.limit;
    f.after = q.after;
    return ctx.database.read([&](db::unit_of_work& w) {
        identify(ctx, w, creds);
        if (q.organisation) f.organisation_id = organisation_id_or_slug(w, *q.organisation);
        return db::venues{w}.list(f);
    });
}

db::venue find_venue(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        identify(ctx, w, creds);
        return found(db::venues{w}.find(id), "venue", id);
    });
}

db::venue create_venue(context& ctx, const credentials& creds, const venue_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        db::venue v;
        apply(in, v, true);
        require_venue_write(who, v);
        auto created = db::venues{w}.create(v);
        change_log::venue(w, who, "created", nullptr, created);
        return created;
    });
}

db::venue update_venue(context& ctx, const credentials& creds, db::id_t id, const venue_input& in) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto v = found(db::venues{w}.find(id), "venue", id);
        require_venue_write(who, v);
        const auto before = v;
        apply(in, v, false);
        require_venue_write(who, v);
        auto after = db::venues{w}.update(v);
        change_log::venue(w, who, "changed", &before, after);
        return after;
    });
}

void delete_venue(context& ctx, const credentials& creds, db::id_t id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        auto v = found(db::venues{w}.find(id), "venue", id);
        require_venue_write(who, v);
        db::venues{w}.remove(id);
    });
}

// ---- the organisers' directory pages --------------------------------------------------------------

namespace {

principal require_user(context& ctx, db::unit_of_work& w, const credentials& creds) {
    auto who = require_principal(ctx, w, creds);
    if (!who.user_id) throw unauthenticated("The organisers' pages are a signed-in user's");
    return who;
}

bool may_write_venue(const principal& who, const db::venue& v) {
    return who.admin || (v.organisation_id && who.may_write_for(*v.organisation_id));
}

}  // namespace

managed_directory directory_to_manage(context& ctx, const credentials& creds) {
    auto choices = directory_choices_of(ctx);
    return ctx.database.read([&](db::unit_of_work& w) {
        const auto who = require_user(ctx, w, creds);
        managed_directory out;
        out.admin = who.admin;
        for (auto& o : choices.organisations) {
            const bool mine = who.may_write_for(o.id);
            if (mine) out.writable.push_back(o);
            out.organisations.push_back({std::move(o), mine});
        }
        for (auto& n : choices.networks) {
            const bool mine = owns_network(who, n);
            out.networks.push_back({std::move(n), mine});
        }
        for (auto& v : choices.venues) {
            const bool mine = may_write_venue(who, v);
            out.venues.push_back({std::move(v), mine});
        }
        return out;
    });
}

void require_organisation_creator(context& ctx, const credentials& creds) {
    ctx.database.read([&](db::unit_of_work& w) { require_admin(require_user(ctx, w, creds)); });
}

db::organisation organisation_to_edit(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        const auto who = require_user(ctx, w, creds);
        auto o = found(db::organisations{w}.find(id), "organisation", id);
        require_write(who, id);
        return o;
    });
}

db::network network_to_edit(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        const auto who = require_user(ctx, w, creds);
        auto n = found(db::networks{w}.find(id), "network", id);
        if (!owns_network(who, n)) throw forbidden("This user's organisation does not own the network");
        return n;
    });
}

editable_venue venue_to_edit(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        const auto who = require_user(ctx, w, creds);
        auto v = found(db::venues{w}.find(id), "venue", id);
        require_venue_write(who, v);
        editable_venue out{std::move(v), {}};
        out.changes = db::change_log{w}.of_subject("venue", id);
        return out;
    });
}

}  // namespace kal::service::app
