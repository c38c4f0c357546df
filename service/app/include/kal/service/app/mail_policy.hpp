#pragma once
// Who is told what, by e-mail, when something happens to a sign-up or a meeting. Each function
// writes outbox rows in the caller's unit of work, so a message exists exactly when the change
// that caused it was committed; nothing is written when mail is not configured.
//
// Each message has a dedup key naming its cause ("confirmed:<rsvp>",
// "meeting_changed:<rsvp>:<sequence>", "reminder:<rsvp>:<start>:<offset>"), so that a cause
// writes it once whatever retries or instances do, and a Message-ID derived from that key
// ("<kal.confirmed.12@domain>"), so that a message sent twice after a crash is shown once. A
// message that carries a manage link gets a secret of its own, whose hash opens the sign-up.

#include <cstdint>
#include <optional>

#include "kal/db/meetings.hpp"
#include "kal/db/model.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::app::mail_policy {

// A new sign-up: confirmed, or on the waitlist ("confirmed:<rsvp>" or "waitlisted:<rsvp>"). The
// store writes it with the sign-up (db::rsvps::sign_up), since which of the two it is is decided
// under the meeting's lock; nullopt when mail is not configured.
std::optional<db::first_message> first_message_of_sign_up(const context& ctx);
// Moved from the waitlist to a seat.
void promoted(context& ctx, db::unit_of_work& w, const std::vector<db::rsvp>& promoted, const db::meeting& m);
// The holder cancelled their sign-up.
void sign_up_cancelled(context& ctx, db::unit_of_work& w, const db::rsvp& r, const db::meeting& m);
// Time, place or status changed (SEQUENCE rose): an updated invitation to those with a seat (with
// facts time_changed and place_changed, "1" for what changed), or a cancellation to everyone
// signed up; and a note to anyone a capacity rise promoted.
void meeting_changed(context& ctx, db::unit_of_work& w, const db::meeting_change& change);
// A published meeting, or one occurrence, deleted before it ended: a cancellation (with an iTIP
// CANCEL) to everyone signed up ("meeting_deleted:<rsvp>"). The meeting, its sign-ups and their
// messages are gone with it, so each message is detached: it holds what it says as facts
// (recipient_name, meeting_title, meeting_when, meeting_where, organisation_name, invitation).
// Call after the removal, in its unit of work (the venue, organisation and networks remain).
void meeting_deleted(context& ctx, db::unit_of_work& w, const db::meeting_removal& removal);
// Whether deleting `m` at `now` tells those signed up (meeting_deleted's own rule, so that the
// pages that ask first say what will happen): mail configured, the meeting published and not
// ended. Each active sign-up with an address then gets one message.
bool deleting_tells(const context& ctx, const db::meeting& m, std::int64_t now);
// A one-time sign-in link for a user (kind sign_in, or invitation): the link's secret stays in
// the row until the message is sent, like a manage link's. Once per link ("sign_in:<link>").
void sign_in_link(context& ctx, db::unit_of_work& w, db::message_kind kind, const db::user& u,
                  const db::sign_in_link& link, const std::string& secret);
// A reminder `offset_seconds` before the start `start_utc`.
void reminder(context& ctx, db::unit_of_work& w, const db::rsvp& r, const db::meeting& m, std::int64_t start_utc,
              std::int64_t offset_seconds);

// The Message-ID a dedup key gives, in the configured domain.
std::string message_id_of(const context& ctx, const std::string& dedup_key);

}  // namespace kal::service::app::mail_policy
