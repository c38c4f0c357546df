#include "kal/service/app/mail_policy.hpp"

#include <algorithm>

#include "kal/db/outbox.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/door.hpp"

namespace kal::service::app::mail_policy {

namespace {

std::string id_text(db::id_t id) { return std::to_string(id); }

// Writes one message for sign-up `r`, once per dedup key. with_link: it carries a manage link of
// its own, whose secret stays in the row until the message is sent.
void write(context& ctx, db::unit_of_work& w, db::message_kind kind, const db::rsvp& r, const db::meeting& m,
           const std::string& dedup_key, bool with_link) {
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
    const auto& mail = ctx.settings.mail;
    auto domain = !mail.message_id_domain.empty() ? mail.message_id_domain
                                                  : mail.from_address.substr(mail.from_address.find('@') + 1);
    std::string local = dedup_key;
    std::replace(local.begin(), local.end(), ':', '.');
    return "<kal." + local + "@" + domain + ">";
}

void signed_up(context& ctx, db::unit_of_work& w, const db::rsvp& r, const db::meeting& m) {
    const auto kind = r.status == db::rsvp_status::confirmed ? db::message_kind::confirmed : db::message_kind::waitlisted;
    write(ctx, w, kind, r, m, std::string(db::to_text(kind)) + ":" + id_text(r.id), true);
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
        for (const auto& r : change.active_sign_ups) {
            // An updated invitation goes to those with a seat; a cancellation to everyone.
            if (!cancelled && r.status != db::rsvp_status::confirmed) continue;
            write(ctx, w, kind, r, m,
                  std::string(db::to_text(kind)) + ":" + id_text(r.id) + ":" + std::to_string(m.sequence), !cancelled);
        }
    }
    promoted(ctx, w, change.promoted, m);
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
