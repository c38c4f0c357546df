#include "kal/service/app/feeds.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <spdlog/spdlog.h>
#include <unordered_map>

#include "kal/calendar/time.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/texts.hpp"
#include "kal/service/app/text_rules.hpp"

namespace kal::service::app {

namespace {

std::string page_prefix(db::language language) { return language == db::language::en ? "/en" : ""; }

}  // namespace

std::string meeting_link(const config::settings& settings, db::id_t meeting_id, db::language language) {
    return settings.server.public_base_url + page_prefix(language) + "/moten/" + std::to_string(meeting_id);
}

std::string series_link(const config::settings& settings, db::id_t series_id) {
    return settings.server.public_base_url + "/serier/" + std::to_string(series_id);
}

std::string sign_up_link(const config::settings& settings, const std::string& secret, db::language language) {
    return settings.server.public_base_url + page_prefix(language) + "/anmalan/" + secret;
}

namespace {

template <class T>
std::unordered_map<db::id_t, const T*> by_id(const std::vector<T>& items) {
    std::unordered_map<db::id_t, const T*> out;
    for (const auto& i : items) out.emplace(i.id, &i);
    return out;
}

struct lookups {
    std::unordered_map<db::id_t, const db::venue*> venues;
    std::unordered_map<db::id_t, const db::organisation*> organisations;
    std::unordered_map<db::id_t, const db::network*> networks;
};

// The fields every event shares, from a meeting or a series template.
calendar::event event_from(const db::meeting_fields& m, const lookups& l, const std::string& url) {
    calendar::event e;
    e.all_day = m.all_day;
    e.start_local = m.start_local;
    e.end_local = m.end_local;
    e.tzid = m.time_zone;
    e.summary = m.title;
    std::string description;
    if (!m.theme.empty()) description = "Tema / Theme: " + m.theme + "\n\n";
    description += m.description;
    if (!m.online_url.empty()) description += "\n\nDigitalt / Online: " + m.online_url;
    if (!m.documents.empty()) {
        description += "\n\nDokument / Documents:";
        for (const auto& d : m.documents) description += "\n- " + d.title + ": " + d.url;
    }
    while (!description.empty() && (description.front() == '\n')) description.erase(0, 1);
    e.description = description;
    if (m.venue_id) {
        if (auto v = l.venues.find(*m.venue_id); v != l.venues.end()) {
            e.location = v->second->name;
            if (!v->second->address.empty()) e.location += ", " + v->second->address;
            if (v->second->latitude && v->second->longitude)
                e.geo = std::pair{*v->second->latitude, *v->second->longitude};
        }
    }
    if (e.location.empty()) e.location = !m.location.empty() ? m.location : m.online_url;
    e.url = url;
    e.categories.push_back(label(m.type, db::language::sv));
    for (auto id : m.network_ids)
        if (auto n = l.networks.find(id); n != l.networks.end()) e.categories.push_back(n->second->name);
    // Only an organisation's public contact, never a person.
    if (auto o = l.organisations.find(m.organisation_id); o != l.organisations.end()) {
        const auto& org = *o->second;
        if (org.contact_public && org.contact_email) e.organizer = calendar::organizer{org.name, *org.contact_email};
    }
    const bool cancelled = m.status == db::meeting_status::cancelled;
    e.status = cancelled ? "CANCELLED" : "CONFIRMED";
    if (cancelled) e.summary = "INSTÄLLT: " + e.summary;
    return e;
}

void stamp(calendar::event& e, const db::meeting& m) {
    e.uid = m.uid;
    e.sequence = m.sequence;
    e.stamp_utc = m.updated_at;
    e.created_utc = m.created_at;
}

}  // namespace

std::optional<calendar::event> meeting_event(const db::feed_snapshot& snapshot, db::id_t meeting_id,
                                             const config::settings& settings) {
    lookups l{by_id(snapshot.venues), by_id(snapshot.organisations), by_id(snapshot.networks)};
    for (const auto& m : snapshot.meetings) {
        if (m.id != meeting_id) continue;
        auto e = event_from(m, l, meeting_link(settings, m.id));
        stamp(e, m);  // an occurrence shares its series' UID and names itself by RECURRENCE-ID
        if (m.series_id) e.recurrence_id = m.recurrence_id;
        return e;
    }
    return std::nullopt;
}

calendar::feed build_feed(const db::feed_snapshot& snapshot, const std::string& name, const config::settings& settings) {
    lookups l{by_id(snapshot.venues), by_id(snapshot.organisations), by_id(snapshot.networks)};
    calendar::feed feed;
    feed.name = name;
    feed.prodid = "-//Borås Stad//Kalendarium//SV";
    feed.refresh_seconds = static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(settings.feeds.refresh_interval).count());

    // Exceptions of every series, whenever they are: cancelled ones become EXDATEs, changed
    // ones overrides.
    std::map<db::id_t, std::vector<const db::meeting*>> exceptions;
    for (const auto& m : snapshot.series_exceptions)
        if (m.series_id) exceptions[*m.series_id].push_back(&m);
    for (const auto& m : snapshot.meetings)
        if (m.series_id && m.overridden) exceptions[*m.series_id].push_back(&m);

    std::set<db::id_t> series_done;
    auto series = by_id(snapshot.series);
    for (const auto& m : snapshot.meetings) {
        if (!m.series_id) {
            auto e = event_from(m, l, meeting_link(settings, m.id));
            stamp(e, m);
            feed.events.push_back(std::move(e));
            continue;
        }
        if (!series_done.insert(*m.series_id).second) continue;
        auto s = series.find(*m.series_id);
        if (s == series.end()) continue;
        const auto& sr = *s->second;
        auto master = event_from(sr.fields, l, series_link(settings, sr.id));
        master.uid = sr.uid;
        master.sequence = sr.sequence;
        master.stamp_utc = sr.updated_at;
        master.created_utc = sr.created_at;
        master.rrule = sr.rrule;
        master.exdates = sr.exdates;
        std::vector<calendar::event> overrides;
        std::set<std::string> seen;
        for (const auto* x : exceptions[sr.id]) {
            if (!seen.insert(x->recurrence_id).second) continue;
            if (x->status == db::meeting_status::cancelled) {
                master.exdates.push_back(x->recurrence_id);
                continue;
            }
            auto o = event_from(*x, l, meeting_link(settings, x->id));
            stamp(o, *x);
            o.uid = sr.uid;
            o.recurrence_id = x->recurrence_id;
            overrides.push_back(std::move(o));
        }
        std::sort(master.exdates.begin(), master.exdates.end());
        master.exdates.erase(std::unique(master.exdates.begin(), master.exdates.end()), master.exdates.end());
        feed.events.push_back(std::move(master));
        std::sort(overrides.begin(), overrides.end(),
                  [](const auto& a, const auto& b) { return a.recurrence_id < b.recurrence_id; });
        for (auto& o : overrides) feed.events.push_back(std::move(o));
    }
    return feed;
}

// ---- requests and scopes --------------------------------------------------------------------

namespace {

// Values of repeated or comma-separated parameters, sorted and each once.
std::vector<std::string> split_values(const std::vector<std::string>& raw) {
    std::vector<std::string> out;
    for (const auto& v : raw) {
        std::size_t start = 0;
        while (start <= v.size()) {
            auto comma = v.find(',', start);
            auto item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!item.empty()) out.push_back(item);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// What one feed request shows, resolved in the snapshot.
struct feed_scope {
    db::feed_filter filter;
    std::string name;
    std::string thing;  // what the scope is called on its own ("Nätverket för integration"); empty for all
    std::string filename;
    bool is_private = false;
    bool single_meeting = false;
};

// Feeds cover whole days, so that a feed's bytes change only when its content does.
void set_window(db::feed_filter& f, const config::settings& s, const std::string& day) {
    auto midnight = calendar::to_utc(day, s.calendar.default_time_zone);
    f.from_utc = midnight - std::int64_t{s.feeds.window_past_days} * 86400;
    f.to_utc = midnight + std::int64_t{s.feeds.window_future_days} * 86400;
    f.keep_cancelled_until_utc =
        midnight - std::chrono::duration_cast<std::chrono::seconds>(s.feeds.cancelled_retention).count();
}

void unbounded(db::feed_filter& f) {
    f.from_utc = std::numeric_limits<std::int64_t>::min() / 2;
    f.to_utc = std::numeric_limits<std::int64_t>::max() / 2;
    f.keep_cancelled_until_utc = std::numeric_limits<std::int64_t>::min() / 2;
}

error no_feed() { return not_found("No such feed"); }

// A custom feed's values: ids (digits) or slugs; an unknown slug is a 400 naming the parameter.
template <class Repository>
std::vector<db::id_t> resolve_ids(db::unit_of_work& w, const std::vector<std::string>& values, const char* what) {
    std::vector<db::id_t> ids;
    if (values.size() > db::max_feed_filter_values)
        throw bad_parameter(what, "at most " + std::to_string(db::max_feed_filter_values) + " values", "too_many");
    for (const auto& v : values) {
        if (auto id = parse_id(v)) {
            ids.push_back(*id);
            continue;
        }
        if (v.find_first_not_of("0123456789") == std::string::npos)
            throw bad_parameter(what, "no " + std::string(what) + " called " + v, "unknown");
        auto found = Repository{w}.find_by_slug(v);
        if (!found) throw bad_parameter(what, "no " + std::string(what) + " called " + v, "unknown");
        ids.push_back(found->id);
    }
    return ids;
}

template <class Repository>
feed_scope slug_scope(db::unit_of_work& w, const config::settings& s, const std::string& slug,
                      std::vector<db::id_t> db::feed_filter::*ids) {
    auto thing = Repository{w}.find_by_slug(slug);
    if (!thing) throw no_feed();
    feed_scope scope;
    scope.filter.*ids = {thing->id};
    scope.thing = thing->name;
    scope.name = s.feeds.calendar_name + " – " + thing->name;
    scope.filename = "overenskommelsen-" + thing->slug + ".ics";
    return scope;
}

feed_scope resolve(db::unit_of_work& w, const feed_request& r, const config::settings& s) {
    const auto& prefix = s.feeds.calendar_name;
    feed_scope scope;
    using k = feed_request::scope;
    switch (r.kind) {
    case k::all:
        scope.name = prefix;
        scope.filename = "overenskommelsen.ics";
        return scope;
    case k::type: {
        auto type = db::parse_meeting_type(r.value);
        if (!type) throw no_feed();
        scope.filter.types = {*type};
        scope.thing = plural_label(*type, db::language::sv);
        scope.name = prefix + " – " + scope.thing;
        scope.filename = "overenskommelsen-" + r.value + ".ics";
        return scope;
    }
    case k::network: return slug_scope<db::networks>(w, s, r.value, &db::feed_filter::network_ids);
    case k::organisation: return slug_scope<db::organisations>(w, s, r.value, &db::feed_filter::organisation_ids);
    case k::venue: return slug_scope<db::venues>(w, s, r.value, &db::feed_filter::venue_ids);
    case k::meeting: {
        auto id = parse_id(r.value);
        auto m = id ? db::meetings{w}.find(*id) : std::nullopt;
        if (!m || m->status == db::meeting_status::draft) throw no_feed();
        scope.filter.meeting_ids = {*id};
        unbounded(scope.filter);
        scope.single_meeting = true;
        scope.name = m->title;
        scope.filename = "mote-" + r.value + ".ics";
        return scope;
    }
    case k::custom: {
        auto types = split_values(r.types);
        if (types.size() > db::max_feed_filter_values) throw bad_parameter("type", "too many values", "too_many");
        for (const auto& t : types) {
            auto type = db::parse_meeting_type(t);
            if (!type) throw bad_parameter("type", "unknown meeting type " + t, "unknown");
            scope.filter.types.push_back(*type);
        }
        scope.filter.network_ids = resolve_ids<db::networks>(w, split_values(r.networks), "network");
        scope.filter.organisation_ids = resolve_ids<db::organisations>(w, split_values(r.organisations), "organisation");
        scope.filter.venue_ids = resolve_ids<db::venues>(w, split_values(r.venues), "venue");
        scope.name = prefix + " – urval / selection";
        scope.filename = "overenskommelsen-urval.ics";
        return scope;
    }
    case k::private_token: {
        if (!is_secret(r.value, secret_kind::private_feed)) throw no_feed();
        auto t = db::feeds{w}.find_token_by_hash(hash_secret(r.value));
        if (!t) throw no_feed();  // unknown, revoked or malformed: the same 404 as a missing feed
        scope.filter.types = t->types;
        scope.filter.network_ids = t->network_ids;
        scope.filter.organisation_ids = t->organisation_ids;
        scope.name = t->name;
        scope.filename = "overenskommelsen-privat.ics";
        scope.is_private = true;
        return scope;
    }
    }
    throw no_feed();
}

std::string join(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += v + ",";
    return out;
}

}  // namespace

std::string feed_request::cache_key() const {
    // Atom and iCalendar of one scope are two answers.
    if (as == format::atom) {
        auto icalendar = *this;
        icalendar.as = format::icalendar;
        return "atom:" + icalendar.cache_key();
    }
    using k = scope;
    switch (kind) {
    case k::all: return "feed:all";
    case k::type: return "feed:type:" + value;
    case k::network: return "feed:network:" + value;
    case k::organisation: return "feed:organisation:" + value;
    case k::venue: return "feed:venue:" + value;
    case k::meeting: return "feed:meeting:" + value;
    case k::custom:
        return "feed:custom|type=" + join(split_values(types)) + "|network=" + join(split_values(networks)) +
               "|organisation=" + join(split_values(organisations)) + "|venue=" + join(split_values(venues));
    case k::private_token: return "feed:private:" + hash_secret(value);
    }
    return "feed:?";
}

const std::string& today(const config::settings& s, std::int64_t now) {
    thread_local std::int64_t second = std::numeric_limits<std::int64_t>::min();
    thread_local std::string day;
    if (now != second) {
        day = calendar::to_local(now, s.calendar.default_time_zone).substr(0, 10);
        second = now;
    }
    return day;
}

std::shared_ptr<const rendered_answer> cached_feed(context& ctx, const feed_request& request) {
    if (request.kind == feed_request::scope::private_token && !is_secret(request.value, secret_kind::private_feed))
        throw no_feed();
    return ctx.cache().fresh(request.cache_key(), today(ctx.settings, ctx.now()));
}

namespace {

// A feed's answer: from the cache when it was rendered at the change counter this snapshot reads
// (and for today), else made by `make` in the same snapshot, from the scope resolved there, and
// stored.
std::shared_ptr<const rendered_answer> cached_in_snapshot(
    context& ctx, const feed_request& request,
    const std::function<rendered_answer(db::unit_of_work&, feed_scope&, const std::string& day)>& make) {
    const auto key = request.cache_key();
    const auto now = ctx.now();
    const auto day = today(ctx.settings, now);
    auto& cache = ctx.cache();
    const auto local_writes = cache.before_counter_read();
    return ctx.database.snapshot([&](db::unit_of_work& w) -> std::shared_ptr<const rendered_answer> {
        auto counter = db::feeds{w}.change_counter();
        cache.observed(counter, local_writes);
        if (auto hit = cache.at(key, counter, day)) return hit;
        auto scope = resolve(w, request, ctx.settings);
        auto answer = make(w, scope, day);
        answer.change_counter = counter;
        answer.day = day;
        answer.last_modified = now;
        return cache.store(key, std::move(answer));
    });
}

template <class T>
std::map<db::id_t, T> by_id_map(std::vector<T> items) {
    std::map<db::id_t, T> out;
    for (auto& i : items) {
        const auto id = i.id;
        out.emplace(id, std::move(i));
    }
    return out;
}

}  // namespace

std::shared_ptr<const rendered_answer> calendar_feed(context& ctx, const feed_request& request) {
    return cached_in_snapshot(ctx, request, [&](db::unit_of_work& w, feed_scope& scope, const std::string& day) {
        if (!scope.single_meeting) set_window(scope.filter, ctx.settings, day);
        auto snapshot = db::feeds{w}.load(scope.filter);
        if (scope.single_meeting && snapshot.meetings.empty()) throw no_feed();
        rendered_answer answer;
        answer.filename = scope.filename;
        answer.is_private = scope.is_private;
        answer.content_type = "text/calendar; charset=utf-8";
        answer.body = std::make_shared<const std::string>(
            calendar::render_feed(build_feed(snapshot, scope.name, ctx.settings)));
        if (answer.body->size() > ctx.settings.feeds.size_warning)
            spdlog::warn(R"("event":"large_feed","bytes":{},"meetings":{})", answer.body->size(),
                         snapshot.meetings.size());
        return answer;
    });
}

std::shared_ptr<const rendered_answer> upcoming_feed(context& ctx, const feed_request& request,
                                                     const upcoming_renderer& render) {
    using k = feed_request::scope;
    if (request.as != feed_request::format::atom ||
        (request.kind != k::all && request.kind != k::type && request.kind != k::network &&
         request.kind != k::organisation && request.kind != k::venue))
        throw no_feed();
    return cached_in_snapshot(ctx, request, [&](db::unit_of_work& w, feed_scope& scope, const std::string& day) {
        // From today: the future side of the iCalendar window, and cancelled meetings only while
        // they are ahead.
        const auto midnight = calendar::to_utc(day, ctx.settings.calendar.default_time_zone);
        scope.filter.from_utc = midnight;
        scope.filter.to_utc = midnight + std::int64_t{ctx.settings.feeds.window_future_days} * 86400;
        scope.filter.keep_cancelled_until_utc = midnight;
        auto snapshot = db::feeds{w}.load(scope.filter);
        upcoming_meetings content;
        content.kind = request.kind;
        content.value = request.value;
        content.name = scope.thing;
        content.day = day;
        content.updated = midnight;
        if (!snapshot.meetings.empty()) {
            content.updated = std::numeric_limits<std::int64_t>::min();
            for (const auto& m : snapshot.meetings) content.updated = std::max(content.updated, m.updated_at);
        }
        content.meetings = std::move(snapshot.meetings);
        content.around.venues = by_id_map(std::move(snapshot.venues));
        content.around.networks = by_id_map(std::move(snapshot.networks));
        for (auto& o : snapshot.organisations) hide_private_contact(o);
        content.around.organisations = by_id_map(std::move(snapshot.organisations));
        return render(content);
    });
}

rendered_answer holder_feed(context& ctx, const std::string& secret) {
    if (!is_secret(secret, secret_kind::sign_up_link)) throw no_feed();
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        auto r = db::rsvps{w}.find_by_token_hash(hash_secret(secret));
        if (!r || r->anonymised_at) throw no_feed();
        auto m = db::meetings{w}.find(r->meeting_id);
        if (!m) throw no_feed();
        db::feed_filter f;
        f.meeting_ids = {r->status == db::rsvp_status::cancelled ? db::id_t{-1} : r->meeting_id};
        unbounded(f);
        auto snapshot = db::feeds{w}.load(f);
        rendered_answer answer;
        answer.change_counter = snapshot.change_counter;
        answer.filename = "anmalan-" + std::to_string(r->meeting_id) + ".ics";
        answer.is_private = true;
        answer.content_type = "text/calendar; charset=utf-8";
        answer.body = std::make_shared<const std::string>(calendar::render_feed(
            build_feed(snapshot, ctx.settings.feeds.calendar_name + " – " + m->title, ctx.settings)));
        answer.etag = "\"" + content_hash(*answer.body) + "\"";
        answer.last_modified = std::max(m->updated_at, r->updated_at);
        return answer;
    });
}

std::vector<feed_listing> public_feeds(context& ctx) {
    const auto& prefix = ctx.settings.feeds.calendar_name;
    std::vector<feed_listing> out;
    out.push_back({"all", prefix, "/feeds/all.ics"});
    for (const auto& [type, text] : db::meeting_type_texts)
        out.push_back({"type", prefix + " – " + plural_label(type, db::language::sv),
                       "/feeds/types/" + std::string(text) + ".ics"});
    ctx.database.read([&](db::unit_of_work& w) {
        db::network_filter nf;
        nf.limit = 1000;
        for (const auto& n : db::networks{w}.list(nf).items)
            out.push_back({"network", prefix + " – " + n.name, "/feeds/networks/" + n.slug + ".ics"});
        db::organisation_filter of;
        of.limit = 1000;
        for (const auto& o : db::organisations{w}.list(of).items)
            out.push_back({"organisation", prefix + " – " + o.name, "/feeds/organisations/" + o.slug + ".ics"});
        db::venue_filter vf;
        vf.limit = 1000;
        for (const auto& v : db::venues{w}.list(vf).items)
            out.push_back({"venue", prefix + " – " + v.name, "/feeds/venues/" + v.slug + ".ics"});
    });
    return out;
}

// ---- private feed tokens ----------------------------------------------------------------------

namespace {

void require_feed_token_owner(const principal& who, const db::feed_token& t) {
    if (who.admin) return;
    if (!t.organisation_id || !who.may_write_for(*t.organisation_id))
        throw not_found("No feed token " + std::to_string(t.id));
}

}  // namespace

issued_feed_token create_feed_token(context& ctx, const credentials& creds, const feed_token_input& in) {
    auto secret = new_secret(secret_kind::private_feed);
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        field_errors errors;
        in.unreadable.report(errors);
        db::feed_token t;
        if (auto v = read_text(errors, "name", in.name, 200, true)) t.name = *v;
        if (in.types)
            for (const auto& x : *in.types) {
                auto type = db::parse_meeting_type(x);
                if (!type) {
                    errors.add("types", "must contain meeting types", "one_of");
                    break;
                }
                t.types.push_back(*type);
            }
        auto ids = [&](const char* field, const std::optional<std::vector<db::id_t>>& v, std::vector<db::id_t>& out) {
            if (!v) return;
            if (v->size() > 100 || std::any_of(v->begin(), v->end(), [](auto id) { return id < 1; }))
                errors.add(field, "must be an array of at most 100 ids", "ids");
            else out = *v;
        };
        ids("network_ids", in.network_ids, t.network_ids);
        ids("organisation_ids", in.organisation_ids, t.organisation_ids);
        errors.throw_if_any();
        t.organisation_id = who.home_organisation();
        return issued_feed_token{db::feeds{w}.create_token(t, hash_secret(secret)), secret};
    });
}

std::vector<db::feed_token> list_feed_tokens(context& ctx, const credentials& creds) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        return db::feeds{w}.list_tokens(who.admin ? std::nullopt : who.home_organisation());
    });
}

issued_feed_token rotate_feed_token(context& ctx, const credentials& creds, db::id_t id) {
    auto secret = new_secret(secret_kind::private_feed);
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        db::feeds feeds{w};
        auto t = feeds.find_token(id);
        if (!t || t->revoked_at) throw not_found("No feed token " + std::to_string(id));
        require_feed_token_owner(who, *t);
        return issued_feed_token{feeds.rotate_token(id, hash_secret(secret)), secret};
    });
}

void revoke_feed_token(context& ctx, const credentials& creds, db::id_t id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        db::feeds feeds{w};
        auto t = feeds.find_token(id);
        if (!t) throw not_found("No feed token " + std::to_string(id));
        require_feed_token_owner(who, *t);
        feeds.revoke_token(id);
    });
}

}  // namespace kal::service::app
