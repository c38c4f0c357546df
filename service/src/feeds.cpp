#include "kal/service/feeds.hpp"

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <set>
#include <unordered_map>

namespace kal::service {

std::string meeting_type_label(const std::string& type) {
    static const std::map<std::string, std::string> labels = {
        {"fro", "FRÖ-möte"},       {"stormote", "Stormöte"},   {"network", "Nätverksträff"},
        {"samrad", "Samråd"},      {"dialog", "Dialog"},       {"training", "Utbildning"},
        {"conference", "Kunskapskonferens"}, {"other", "Övrigt"}};
    auto it = labels.find(type);
    return it == labels.end() ? type : it->second;
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
    e.categories.push_back(meeting_type_label(m.type));
    for (auto id : m.network_ids)
        if (auto n = l.networks.find(id); n != l.networks.end()) e.categories.push_back(n->second->name);
    // Only an organisation's public contact, never a person.
    if (auto o = l.organisations.find(m.organisation_id); o != l.organisations.end()) {
        const auto& org = *o->second;
        if (org.contact_public && org.contact_email) e.organizer = calendar::organizer{org.name, *org.contact_email};
    }
    e.status = m.status == "cancelled" ? "CANCELLED" : "CONFIRMED";
    if (m.status == "cancelled") e.summary = "INSTÄLLT: " + e.summary;
    return e;
}

}  // namespace

std::optional<calendar::event> meeting_event(const db::feed_snapshot& snapshot, db::id_t meeting_id,
                                             const config::settings& settings) {
    lookups l{by_id(snapshot.venues), by_id(snapshot.organisations), by_id(snapshot.networks)};
    for (const auto& m : snapshot.meetings) {
        if (m.id != meeting_id) continue;
        auto e = event_from(m, l, settings.server.public_base_url + "/api/v1/meetings/" + std::to_string(m.id));
        e.uid = m.uid;  // an occurrence shares its series' UID and names itself by RECURRENCE-ID
        if (m.series_id) e.recurrence_id = m.recurrence_id;
        e.sequence = m.sequence;
        e.stamp_utc = m.updated_at;
        e.created_utc = m.created_at;
        return e;
    }
    return std::nullopt;
}

calendar::feed build_feed(const db::feed_snapshot& snapshot, const std::string& name,
                          const config::settings& settings) {
    const auto& base = settings.server.public_base_url;
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
            auto e = event_from(m, l, base + "/api/v1/meetings/" + std::to_string(m.id));
            e.uid = m.uid;
            e.sequence = m.sequence;
            e.stamp_utc = m.updated_at;
            e.created_utc = m.created_at;
            feed.events.push_back(std::move(e));
            continue;
        }
        if (!series_done.insert(*m.series_id).second) continue;
        auto s = series.find(*m.series_id);
        if (s == series.end()) continue;
        const auto& sr = *s->second;
        auto master = event_from(sr.fields, l, base + "/api/v1/series/" + std::to_string(sr.id));
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
            if (x->status == "cancelled") {
                master.exdates.push_back(x->recurrence_id);
                continue;
            }
            auto o = event_from(*x, l, base + "/api/v1/meetings/" + std::to_string(x->id));
            o.uid = sr.uid;
            o.recurrence_id = x->recurrence_id;
            o.sequence = x->sequence;
            o.stamp_utc = x->updated_at;
            o.created_utc = x->created_at;
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

std::string format_http_date(std::int64_t utc) {
    std::time_t t = static_cast<std::time_t>(utc);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::optional<std::int64_t> parse_http_date(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}

namespace {

// RFC 9110 13.1.2: weak comparison; "*" matches any current representation.
bool etag_matches(const std::string& header, const std::string& etag) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        auto comma = header.find(',', pos);
        auto item = header.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        auto first = item.find_first_not_of(" \t");
        auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos) {
            item = item.substr(first, last - first + 1);
            if (item == "*") return true;
            if (item.starts_with("W/")) item = item.substr(2);
            if (item == etag) return true;
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return false;
}

}  // namespace

response feed_response(const rendered_feed& feed, const request& req, const config::settings& settings) {
    response r;
    auto max_age = std::chrono::duration_cast<std::chrono::seconds>(settings.feeds.refresh_interval).count();
    r.set_header("ETag", feed.etag);
    r.set_header("Last-Modified", feed.last_modified_text);
    r.set_header("Cache-Control", std::string(feed.is_private ? "private" : "public") +
                                      ", max-age=" + std::to_string(max_age));
    bool not_modified = false;
    if (auto inm = req.header("if-none-match")) {
        not_modified = etag_matches(*inm, feed.etag);
    } else if (auto ims = req.header("if-modified-since")) {
        if (auto since = parse_http_date(*ims)) not_modified = feed.last_modified <= *since;
    }
    if (not_modified) {
        r.status = 304;
        return r;
    }
    r.status = 200;
    r.set_header("Content-Type", "text/calendar; charset=utf-8");
    r.set_header("Content-Disposition", "inline; filename=\"" + feed.filename + "\"");
    r.shared_body = feed.body;
    r.body_file = feed.file;
    return r;
}

std::shared_ptr<const rendered_feed> feed_cache::fresh(const std::string& key, const std::string& day) {
    std::lock_guard lock(mutex_);
    if (local_write_ || std::chrono::steady_clock::now() - checked_at_ > settings_.feeds.change_poll_interval)
        return nullptr;
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second->change_counter != known_counter_ || it->second->day != day) return nullptr;
    return it->second;
}

void feed_cache::begin_counter_check() {
    std::lock_guard lock(mutex_);
    local_write_ = false;
}

void feed_cache::observed_counter(std::int64_t counter) {
    std::lock_guard lock(mutex_);
    known_counter_ = counter;
    checked_at_ = std::chrono::steady_clock::now();
}

std::shared_ptr<const rendered_feed> feed_cache::at(const std::string& key, std::int64_t counter,
                                                    const std::string& day) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second->change_counter != counter || it->second->day != day) return nullptr;
    return it->second;
}

std::shared_ptr<const rendered_feed> feed_cache::store(const std::string& key, rendered_feed feed) {
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(feed.body->data()),
                       feed.body->size(), nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    feed.etag = std::string("\"") + hex + "\"";
    // Served from a memory file with sendfile(2): no copy of the feed per request.
    if (!feed.file) feed.file = body_file::of(*feed.body);
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    // The same bytes keep the time they were first served, so If-Modified-Since stays honest.
    if (it != entries_.end() && it->second->etag == feed.etag) feed.last_modified = it->second->last_modified;
    feed.last_modified_text = format_http_date(feed.last_modified);
    auto entry = std::make_shared<const rendered_feed>(std::move(feed));
    if (it != entries_.end()) {
        it->second = entry;
    } else {
        if (entries_.size() >= static_cast<std::size_t>(settings_.feeds.cache_entries)) entries_.erase(entries_.begin());
        entries_.emplace(key, entry);
    }
    return entry;
}

void feed_cache::note_local_write() {
    std::lock_guard lock(mutex_);
    local_write_ = true;
}

}  // namespace kal::service
