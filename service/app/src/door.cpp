#include "kal/service/app/door.hpp"

#include <algorithm>
#include <map>

#include <sodium.h>

#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/collation.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/sign_ups.hpp"

namespace kal::service::app {

namespace {

// The key of the derivation: a label, not a secret. What makes the check-in secret unguessable
// is the 256-bit link secret it is derived from; the key keeps the derivation apart from every
// other hash of that secret (the stored hash of the manage link is an unkeyed BLAKE2b of it).
constexpr std::string_view derivation_key = "kalendarium check-in link v1";

constexpr std::size_t max_search = 100;

// Lower case of ASCII and of the Latin-1 letters (U+00C0..U+00DE but U+00D7), in UTF-8.
std::string folded(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c + 32);
        } else if (c == 0xC3 && i + 1 < s.size()) {
            auto d = static_cast<unsigned char>(s[i + 1]);
            if (d >= 0x80 && d <= 0x9E && d != 0x97) d += 0x20;
            out += static_cast<char>(c);
            out += static_cast<char>(d);
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    // Cut at a character boundary.
    if (s.size() > max_search) {
        auto n = max_search;
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
        s = s.substr(0, n);
    }
    return std::string(s);
}

// Names of organisations by id, each read once.
class organisation_names {
public:
    explicit organisation_names(db::unit_of_work& w) : organisations_(w) {}
    std::string of(const std::optional<db::id_t>& id, const std::string& free_text) {
        if (!id) return free_text;
        auto [it, added] = names_.try_emplace(*id);
        if (added) {
            if (auto o = organisations_.find(*id)) it->second = o->name;
        }
        return it->second;
    }

private:
    db::organisations organisations_;
    std::map<db::id_t, std::string> names_;
};

door_link link_in(context& ctx, db::unit_of_work& w, const credentials& creds, const std::string& secret) {
    auto who = require_principal(ctx, w, creds);
    const auto none = [] { return not_found("Ingen sådan incheckningslänk / No such check-in link"); };
    if (!is_secret(secret, secret_kind::check_in_link)) throw none();
    auto r = db::rsvps{w}.find_by_check_in_link(hash_secret(secret));
    if (!r || r->anonymised_at) throw none();
    door_link out;
    out.meeting = organisers_meeting(w, who, r->meeting_id);
    organisation_names names(w);
    out.entry.organisation = names.of(r->organisation_id, r->organisation_name);
    for (auto& c : db::attendance{w}.list(r->meeting_id))
        if (c.rsvp_id == r->id) out.entry.checkin = c;
    out.entry.rsvp = std::move(*r);
    return out;
}

}  // namespace

bool contains_folded(std::string_view haystack, std::string_view needle) {
    return folded(haystack).find(folded(needle)) != std::string::npos;
}

door_view door_of(context& ctx, const credentials& creds, db::id_t meeting_id, std::string_view search) {
    const auto needle = trimmed(search);
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        door_view out;
        out.meeting = organisers_meeting(w, who, meeting_id);
        out.searched = !needle.empty();
        db::attendance attendance{w};
        auto counts = attendance.of({meeting_id});
        if (!counts.empty()) out.counts = counts.front();
        auto checkins = attendance.list(meeting_id);
        std::map<db::id_t, db::checkin> by_rsvp;
        for (const auto& c : checkins)
            if (c.rsvp_id) by_rsvp.emplace(*c.rsvp_id, c);
        organisation_names names(w);
        const auto matches = [&](const std::string& name, const std::string& organisation) {
            return needle.empty() || contains_folded(name, needle) || contains_folded(organisation, needle);
        };
        for (auto& r : db::rsvps{w}.list(meeting_id, {db::rsvp_status::confirmed, db::rsvp_status::waitlisted})) {
            door_entry e;
            e.organisation = names.of(r.organisation_id, r.organisation_name);
            if (!matches(r.name, e.organisation)) continue;
            if (auto it = by_rsvp.find(r.id); it != by_rsvp.end()) e.checkin = it->second;
            e.rsvp = std::move(r);
            out.sign_ups.push_back(std::move(e));
        }
        std::stable_sort(out.sign_ups.begin(), out.sign_ups.end(), [](const door_entry& a, const door_entry& b) {
            const bool ca = a.rsvp.status == db::rsvp_status::confirmed;
            const bool cb = b.rsvp.status == db::rsvp_status::confirmed;
            if (ca != cb) return ca;
            return swedish_less(a.rsvp.name, b.rsvp.name);
        });
        for (auto& c : checkins) {
            if (c.rsvp_id) continue;
            c.organisation_name = names.of(c.organisation_id, c.organisation_name);
            if (matches(c.name, c.organisation_name)) out.walk_ins.push_back(std::move(c));
        }
        return out;
    });
}

std::string check_in_secret_of(std::string_view link_secret) {
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(link_secret.data()),
                       link_secret.size(), reinterpret_cast<const unsigned char*>(derivation_key.data()),
                       derivation_key.size());
    char encoded[sodium_base64_ENCODED_LEN(sizeof digest, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(encoded, sizeof encoded, digest, sizeof digest, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return std::string(secret_kind::check_in_link) + encoded;
}

std::string check_in_link(const config::settings& settings, const std::string& secret) {
    return settings.server.public_base_url + "/incheckning/" + secret;
}

door_link check_in_link_of(context& ctx, const credentials& creds, const std::string& secret) {
    return ctx.database.read([&](db::unit_of_work& w) { return link_in(ctx, w, creds, secret); });
}

db::check_in_result check_in_by_link(context& ctx, const credentials& creds, const std::string& secret) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto link = link_in(ctx, w, creds, secret);
        if (link.meeting.status != db::meeting_status::published)
            throw conflict("Incheckning kräver ett publicerat möte / Check-in needs a published meeting",
                           {{"meeting", "the meeting is " + std::string(db::to_text(link.meeting.status)),
                             "not_published"}});
        if (link.entry.rsvp.status == db::rsvp_status::cancelled)
            throw conflict("Anmälan är avbokad / The sign-up is cancelled",
                           {{"rsvp", "the sign-up is cancelled", "cancelled"}});
        db::checkin c;
        c.meeting_id = link.meeting.id;
        c.rsvp_id = link.entry.rsvp.id;
        return db::attendance{w}.check_in(c);
    });
}

}  // namespace kal::service::app
