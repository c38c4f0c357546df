#include "kal/service/app/mail_policy.hpp"

#include <algorithm>
#include <tuple>

#include "kal/calendar/ical.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/feeds.hpp"
#include "kal/db/outbox.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/door.hpp"

namespace kal::service::app::mail_policy {

namespace {

std::string id_text(db::id_t id) { return std::to_string(id); }

// What a Message-ID has around its dedup key: "<kal." and "@domain>".
std::pair<std::string, std::string> message_id_parts(const context& ctx) {
    const auto& mail = ctx.settings.mail;
    auto domain = !mail.message_id_domain.empty() ? mail.message_id_domain
                                                  : mail.from_address.substr(mail.from_address.find('@') + 1);
    return {"<kal.", "@" + domain + ">"};
}

// Writes one message for sign-up `r`, once per dedup key. with_link: it carries a manage link of
// its own, whose secret stays in the row until the message is sent.
void write(context& ctx, db::unit_of_work& w, db::message_kind kind, const db::rsvp& r, const db::meeting& m,
           const std::string& dedup_key, bool with_link, std::vector<std::pair<std::string, std::string>> facts = {}) {
    if (!ctx.mail_enabled() || r.anonymised_at || r.email.empty()) return;
    db::new_message msg;
    msg.kind = kind;
    msg.meeting_id = m.id;
    msg.rsvp_id = r.id;
    msg.recipient = r.email;
    msg.language = r.language;
    msg.sequence = m.sequence;
    msg.meeting_start_utc = m.start_utc;
    msg.dedup_key = dedup_key;
    msg.message_id = message_id_of(ctx, dedup_key);
    if (with_link) msg.link_token = new_secret(secret_kind::sign_up_link);
    msg.facts = std::move(facts);
    if (db::outbox{w}.enqueue(msg) && with_link) {
        db::rsvps rsvps{w};
        rsvps.add_link_token(r.id, hash_secret(msg.link_token));
        // The door's link (the QR code) is derived from the message's secret, so that the outbox
        // keeps one secret per message; only its hash is stored.
        rsvps.add_check_in_link(r.id, hash_secret(check_in_secret_of(msg.link_token)));
    }
}

}  // namespace

std::string message_id_of(const context& ctx, const std::string& dedup_key) {
    auto [before, after] = message_id_parts(ctx);
    std::string local = dedup_key;
    std::replace(local.begin(), local.end(), ':', '.');
    return before + local + after;
}

std::optional<db::first_message> first_message_of_sign_up(const context& ctx) {
    if (!ctx.mail_enabled()) return std::nullopt;
    db::first_message m;
    // message_id_of("<kind>:<id>") is before + "<kind>.<id>" + after.
    std::tie(m.message_id_before, m.message_id_after) = message_id_parts(ctx);
    m.link_token = new_secret(secret_kind::sign_up_link);
    m.link_token_hash = hash_secret(m.link_token);
    m.check_in_link_hash = hash_secret(check_in_secret_of(m.link_token));
    return m;
}

void promoted(context& ctx, db::unit_of_work& w, const std::vector<db::rsvp>& list, const db::meeting& m) {
    for (const auto& r : list) write(ctx, w, db::message_kind::promoted, r, m, "promoted:" + id_text(r.id), true);
}

void sign_up_cancelled(context& ctx, db::unit_of_work& w, const db::rsvp& r, const db::meeting& m) {
    write(ctx, w, db::message_kind::rsvp_cancelled, r, m, "rsvp_cancelled:" + id_text(r.id), false);
}

void meeting_changed(context& ctx, db::unit_of_work& w, const db::meeting_change& change) {
    const auto& m = change.after;
    if (change.sequence_raised && m.status != db::meeting_status::draft) {
        const bool cancelled = m.status == db::meeting_status::cancelled;
        const auto kind = cancelled ? db::message_kind::meeting_cancelled : db::message_kind::meeting_changed;
        // What changed is known now only: the mail, rendered later from the meeting as it is
        // then, says it through these (the templates' time_changed and place_changed).
        std::vector<std::pair<std::string, std::string>> changed;
        if (!cancelled && change.changed.time) changed.emplace_back("time_changed", "1");
        if (!cancelled && change.changed.place) changed.emplace_back("place_changed", "1");
        for (const auto& r : change.active_sign_ups) {
            // An updated invitation goes to those with a seat; a cancellation to everyone.
            if (!cancelled && r.status != db::rsvp_status::confirmed) continue;
            write(ctx, w, kind, r, m,
                  std::string(db::to_text(kind)) + ":" + id_text(r.id) + ":" + std::to_string(m.sequence), !cancelled,
                  changed);
        }
    }
    promoted(ctx, w, change.promoted, m);
}

bool deleting_tells(const context& ctx, const db::meeting& m, std::int64_t now) {
    // A draft told nobody anything; a cancelled one has had its cancellations; an ended one is over.
    return ctx.mail_enabled() && m.status == db::meeting_status::published && m.end_utc > now;
}

void meeting_deleted(context& ctx, db::unit_of_work& w, const db::meeting_removal& removal) {
    const auto& m = removal.removed;
    if (!deleting_tells(ctx, m, w.now())) return;
    // The meeting's event as the feed had it: from the meeting as it was, with the venue,
    // organisation and networks it names, which outlive it.
    db::feed_snapshot as_it_was;
    as_it_was.meetings = {m};
    if (m.venue_id)
        if (auto v = db::venues{w}.find(*m.venue_id)) as_it_was.venues.push_back(*v);
    auto organisation = db::organisations{w}.find(m.organisation_id);
    if (organisation) as_it_was.organisations.push_back(*organisation);
    for (auto id : m.network_ids)
        if (auto n = db::networks{w}.find(id)) as_it_was.networks.push_back(*n);
    auto event = meeting_event(as_it_was, m.id, ctx.settings);
    std::string where = m.location;
    if (!as_it_was.venues.empty()) {
        const auto& v = as_it_was.venues.front();
        where = v.name + (v.address.empty() ? "" : ", " + v.address);
    }
    if (where.empty()) where = m.online_url;
    // Deleting is a change: the CANCEL's SEQUENCE is above every invitation sent before it.
    const int sequence = m.sequence + 1;
    for (const auto& r : removal.active_sign_ups) {
        if (r.anonymised_at || r.email.empty()) continue;
        db::new_message msg;
        msg.kind = db::message_kind::meeting_cancelled;
        msg.recipient = r.email;
        msg.language = r.language;
        msg.sequence = sequence;
        msg.meeting_start_utc = m.start_utc;
        msg.dedup_key = "meeting_deleted:" + id_text(r.id);
        msg.message_id = message_id_of(ctx, msg.dedup_key);
        msg.facts = {{"recipient_name", r.name},
                     {"meeting_title", m.title},
                     {"meeting_when", when_text(m, r.language)}};
        if (!where.empty()) msg.facts.emplace_back("meeting_where", where);
        if (organisation) msg.facts.emplace_back("organisation_name", organisation->name);
        if (event) {
            calendar::invitation inv;
            inv.method = "CANCEL";
            inv.prodid = "-//Borås Stad//Kalendarium//SV";
            inv.ev = *event;
            inv.ev.sequence = std::max(inv.ev.sequence, sequence);
            inv.ev.stamp_utc = w.now();
            inv.organizer = {ctx.settings.mail.from_name, ctx.settings.mail.from_address};
            inv.to = {r.name, r.email};
            msg.facts.emplace_back("invitation", calendar::render_invitation(inv));
        }
        db::outbox{w}.enqueue(msg);
    }
}

void sign_in_link(context& ctx, db::unit_of_work& w, db::message_kind kind, const db::user& u,
                  const db::sign_in_link& link, const std::string& secret) {
    if (!ctx.mail_enabled() || !u.active() || u.email.empty()) return;
    db::new_message msg;
    msg.kind = kind;
    msg.user_id = u.id;
    msg.recipient = u.email;
    msg.language = u.language;
    msg.dedup_key = std::string(db::to_text(kind)) + ":" + id_text(link.id);
    msg.message_id = message_id_of(ctx, msg.dedup_key);
    msg.link_token = secret;
    db::outbox{w}.enqueue(msg);
}

void reminder(context& ctx, db::unit_of_work& w, const db::rsvp& r, const db::meeting& m, std::int64_t start_utc,
              std::int64_t offset_seconds) {
    write(ctx, w, db::message_kind::reminder, r, m,
          "reminder:" + id_text(r.id) + ":" + std::to_string(start_utc) + ":" + std::to_string(offset_seconds), true);
}

}  // namespace kal::service::app::mail_policy
