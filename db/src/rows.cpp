#include "rows.hpp"

#include <algorithm>
#include <string_view>

namespace kal::db::detail {

namespace {

// The columns of meeting_fields, shared by meetings and series, in bind order.
constexpr const char* field_columns[] = {
    "type",      "title",      "description", "theme",           "all_day",  "start_local",
    "end_local", "time_zone",  "start_utc",   "end_utc",         "venue_id", "location",
    "online_url", "organisation_id", "capacity", "registration_deadline_utc", "status"};

}  // namespace

std::string field_list(const char* prefix) {
    std::string out;
    for (const char* c : field_columns) {
        if (!out.empty()) out += ", ";
        out += prefix;
        out += c;
    }
    return out;
}

std::string field_assignments() {
    std::string out;
    int i = 0;
    for (const char* c : field_columns) {
        if (!out.empty()) out += ", ";
        out += std::string(c) + " = :f" + std::to_string(++i);
    }
    return out;
}

std::string field_placeholders() {
    std::string out;
    for (std::size_t i = 0; i < std::size(field_columns); ++i) {
        if (i) out += ", ";
        out += ":f" + std::to_string(i + 1);
    }
    return out;
}

void bind_fields(stmt& s, const meeting_fields& f) {
    s.use(f.type).use(f.title).use(f.description).use(f.theme).use(f.all_day);
    s.use(f.start_local).use(f.end_local).use(f.time_zone);
    s.use(ll(f.start_utc)).use(ll(f.end_utc));
    s.use(f.venue_id).use(f.location).use(f.online_url).use(ll(f.organisation_id));
    s.use(f.capacity).use(f.registration_deadline_utc).use(f.status);
}

void fields_row::into(stmt& s) {
    s.into(type).into(title).into(description).into(theme).into(all_day);
    s.into(start_local).into(end_local).into(time_zone).into(start_utc).into(end_utc);
    s.into(venue_id).into(location).into(online_url).into(organisation_id);
    s.into(capacity).into(registration_deadline_utc).into(status);
}

void fields_row::to(meeting_fields& f) const {
    f.type = stored(parse_meeting_type(type), "type");
    f.title = title;
    f.description = description;
    f.theme = theme;
    f.all_day = all_day != 0;
    f.start_local = start_local;
    f.end_local = end_local;
    f.time_zone = time_zone;
    f.start_utc = start_utc;
    f.end_utc = end_utc;
    f.venue_id = venue_id.get();
    f.location = location;
    f.online_url = online_url;
    f.organisation_id = organisation_id;
    f.capacity = capacity.get();
    f.registration_deadline_utc = registration_deadline_utc.get();
    f.status = stored(parse_meeting_status(status), "status");
}

const std::string meeting_select =
    "SELECT m.id, m.uid, m.sequence, m.series_id, m.recurrence_id, m.overridden, m.created_at, m.updated_at, "
    "m.cancellation_reason, " +
    field_list("m.") + " FROM meetings m";

void meeting_row::into(stmt& s) {
    s.into(id).into(uid).into(sequence).into(series_id).into(recurrence_id).into(overridden);
    s.into(created_at).into(updated_at).into(cancellation_reason);
    fields.into(s);
}

meeting meeting_row::to_model() const {
    meeting m;
    fields.to(m);
    m.id = id;
    m.uid = uid;
    m.sequence = sequence;
    m.series_id = series_id.get();
    m.recurrence_id = recurrence_id;
    m.overridden = overridden != 0;
    m.created_at = created_at;
    m.updated_at = updated_at;
    m.cancellation_reason = cancellation_reason;
    return m;
}

const std::string& linked_meeting_select() {
    // Schema 0013 keeps each meeting's networks and documents on its row (triggers on the link
    // tables): the ids comma-separated, each document as sort_order:hex(title):hex(url), the hex
    // of the UTF-8 bytes so that nothing in a title or URL can fake a separator. Neither text has
    // an order (SQLite 3.40's group_concat has no ORDER BY): the ids and documents are sorted here.
    static const std::string select =
        meeting_select.substr(0, meeting_select.size() - std::string(" FROM meetings m").size()) +
        ", m.linked_networks, m.linked_documents FROM meetings m";
    return select;
}

namespace {

std::string from_hex(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw error("a stored document link could not be read");
    };
    if (hex.size() % 2) throw error("a stored document link could not be read");
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2)
        out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    return out;
}

}  // namespace

void linked_meeting_row::into(stmt& s) {
    row.into(s);
    s.into(network_ids).into(documents);
}

meeting linked_meeting_row::to_model() const {
    auto m = row.to_model();
    if (network_ids.ind == soci::i_ok && !network_ids.value.empty()) {
        for (auto id : split_numbers(network_ids.value)) m.network_ids.push_back(id);
        std::sort(m.network_ids.begin(), m.network_ids.end());
    }
    if (documents.ind == soci::i_ok && !documents.value.empty()) {
        std::vector<std::pair<long long, document_link>> docs;
        for (const auto& item : split(documents.value, ',')) {
            auto first = item.find(':');
            auto second = first == std::string::npos ? first : item.find(':', first + 1);
            if (second == std::string::npos) throw error("a stored document link could not be read");
            auto order = split_numbers(std::string_view(item).substr(0, first));
            if (order.size() != 1) throw error("a stored document link could not be read");
            docs.emplace_back(order.front(), document_link{from_hex(std::string_view(item).substr(first + 1, second - first - 1)),
                                                           from_hex(std::string_view(item).substr(second + 1))});
        }
        std::stable_sort(docs.begin(), docs.end(), [](auto& a, auto& b) { return a.first < b.first; });
        for (auto& [order, d] : docs) m.documents.push_back(std::move(d));
    }
    return m;
}

const std::string series_select =
    "SELECT s.id, s.uid, s.sequence, s.rrule, s.exdates, s.created_at, s.updated_at, " + field_list("s.") +
    " FROM series s";

void series_row::into(stmt& s) {
    s.into(id).into(uid).into(sequence).into(rrule).into(exdates).into(created_at).into(updated_at);
    fields.into(s);
}

series series_row::to_model() const {
    series r;
    fields.to(r.fields);
    r.id = id;
    r.uid = uid;
    r.sequence = sequence;
    r.rrule = rrule;
    r.exdates = split(exdates, ',');
    r.created_at = created_at;
    r.updated_at = updated_at;
    return r;
}

void organisation_row::into(stmt& s) {
    s.into(id).into(kind).into(name).into(slug).into(contact_email).into(contact_phone);
    s.into(contact_public).into(created_at).into(updated_at);
}

organisation organisation_row::to_model() const {
    organisation o;
    o.id = id;
    o.kind = stored(parse_organisation_kind(kind), "organisations.kind");
    o.name = name;
    o.slug = slug;
    o.contact_email = contact_email.get();
    o.contact_phone = contact_phone.get();
    o.contact_public = contact_public != 0;
    o.created_at = created_at;
    o.updated_at = updated_at;
    return o;
}

void network_row::into(stmt& s) {
    s.into(id).into(kind).into(name).into(slug).into(description).into(created_at).into(updated_at);
}

network network_row::to_model() const {
    network n;
    n.id = id;
    n.kind = stored(parse_network_kind(kind), "networks.kind");
    n.name = name;
    n.slug = slug;
    n.description = description;
    n.created_at = created_at;
    n.updated_at = updated_at;
    return n;
}

void venue_row::into(stmt& s) {
    s.into(id).into(name).into(slug).into(address).into(capacity).into(step_free);
    s.into(hearing_loop).into(accessible_toilet).into(accessibility_notes).into(latitude);
    s.into(longitude).into(organisation_id).into(shared).into(created_at).into(updated_at);
}

venue venue_row::to_model() const {
    venue v;
    v.id = id;
    v.name = name;
    v.slug = slug;
    v.address = address;
    v.capacity = capacity.get();
    v.step_free = step_free != 0;
    v.hearing_loop = hearing_loop != 0;
    v.accessible_toilet = accessible_toilet != 0;
    v.accessibility_notes = accessibility_notes;
    v.latitude = latitude.get();
    v.longitude = longitude.get();
    v.organisation_id = organisation_id.get();
    v.shared = shared != 0;
    v.created_at = created_at;
    v.updated_at = updated_at;
    return v;
}

void rsvp_row::into(stmt& s) {
    s.into(id).into(meeting_id).into(name).into(email).into(organisation_id).into(organisation_name);
    s.into(party_size).into(needs).into(language).into(status).into(created_at).into(updated_at);
    s.into(cancelled_at).into(anonymised_at).into(waitlist_position);
}

rsvp rsvp_row::to_model() const {
    rsvp r;
    r.id = id;
    r.meeting_id = meeting_id;
    r.name = name;
    r.email = email;
    r.organisation_id = organisation_id.get();
    r.organisation_name = organisation_name;
    r.party_size = party_size;
    r.needs = needs;
    r.language = stored(parse_language(language), "rsvps.language");
    r.status = stored(parse_rsvp_status(status), "rsvps.status");
    if (auto p = waitlist_position.get()) r.waitlist_position = static_cast<int>(*p);
    r.created_at = created_at;
    r.updated_at = updated_at;
    r.cancelled_at = cancelled_at.get();
    r.anonymised_at = anonymised_at.get();
    return r;
}

void checkin_row::into(stmt& s) {
    s.into(id).into(meeting_id).into(rsvp_id).into(name).into(organisation_id).into(organisation_name);
    s.into(people).into(created_at).into(anonymised_at);
}

checkin checkin_row::to_model() const {
    checkin c;
    c.id = id;
    c.meeting_id = meeting_id;
    c.rsvp_id = rsvp_id.get();
    c.name = name;
    c.organisation_id = organisation_id.get();
    c.organisation_name = organisation_name;
    c.people = people;
    c.created_at = created_at;
    c.anonymised_at = anonymised_at.get();
    return c;
}

}  // namespace kal::db::detail
