#pragma once
// What the delivery worker asks of the application: claim due messages, learn what a message is
// to say (or that it is no longer wanted), and record how sending went. The worker itself
// (workers/) owns the threads, the SMTP connection and the retry timing; mail/ composes.
// Also the organisers' view of the mail a meeting caused.

#include <optional>
#include <string>
#include <vector>

#include "kal/calendar/ical.hpp"
#include "kal/db/feeds.hpp"
#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::app {

// Up to mail.batch_size due messages, claimed for `worker` until mail.claim_timeout from now.
std::vector<db::outbox_message> claim_messages(context& ctx, const std::string& worker);

// Everything a message needs to be written, read from the current state (so a message says what
// is true when it is sent).
struct message_content {
    db::rsvp rsvp;
    db::meeting meeting;
    std::string meeting_where;      // the venue with its address, the location, or the online link
    std::string organisation_name;  // the organiser
    std::string meeting_url;        // the meeting's address for people
    std::string manage_url;         // the holder's page for the sign-up (when the message has a link)
    std::string cancel_url;         // the page whose button cancels it
    // "REQUEST" or "CANCEL" with the invitation's event, or empty for a message without one.
    std::string method;
    std::optional<calendar::event> event;
};

// The content of a claimed message, or the reason it is no longer wanted (the message is then
// marked skipped here): a sign-up or meeting that is gone, anonymised; a reminder for a meeting
// moved, cancelled, started or a sign-up since cancelled.
std::optional<message_content> content_of(context& ctx, const db::outbox_message& msg);

void message_sent(context& ctx, db::id_t id);
void message_failed(context& ctx, db::id_t id, const std::string& error);
void message_retry(context& ctx, db::id_t id, std::int64_t next_attempt_at, const std::string& error);

// Organisers: the messages of a meeting (newest last) and a resend of a failed or skipped one.
std::vector<db::outbox_message> messages_of(context& ctx, const credentials& who, db::id_t meeting_id);
db::outbox_message resend_message(context& ctx, const credentials& who, db::id_t message_id);

}  // namespace kal::service::app
