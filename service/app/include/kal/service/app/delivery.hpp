#pragma once
// What the delivery worker asks of the application: claim due messages, learn what a message is
// to say (or that it is no longer wanted), and record how sending went. The worker itself
// (workers/) owns the threads, the SMTP connection and the retry timing; mail/ composes.
// Also the organisers' view of the mail a meeting caused.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kal/calendar/ical.hpp"
#include "kal/db/feeds.hpp"
#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::app {

// Up to mail.batch_size due messages, claimed for `worker` until mail.claim_timeout from now. In
// the same unit of work, queued requests for sign-in links become links and messages first
// (write_requested_sign_in_links), so that they cost no transaction of their own.
std::vector<db::outbox_message> claim_messages(context& ctx, const std::string& worker);

// Everything a message needs to be written, read from the current state (so a message says what
// is true when it is sent). A message of a meeting fills rsvp and meeting and what follows them;
// a user's (sign_in, invitation) fills user and the sign-in fields instead.
struct message_content {
    db::rsvp rsvp;
    db::meeting meeting;
    std::string meeting_where;      // the venue with its address, the location, or the online link
    std::string organisation_name;  // the organiser
    std::string meeting_url;        // the meeting's address for people
    std::string manage_url;         // the holder's page for the sign-up (when the message has a link)
    std::string cancel_url;         // the page whose button cancels it
    // The door's check-in link (door.hpp), for the QR code of a message that gives a seat
    // (confirmed, promoted, meeting_changed, reminder) and carries a manage link.
    std::string check_in_url;
    // "REQUEST" or "CANCEL" with the invitation's event, or empty for a message without one.
    std::string method;
    std::optional<calendar::event> event;

    // What the message's cause knew, by name. Of a detached message (its meeting deleted, and
    // `detached` true) everything it says (mail_policy::meeting_deleted): "invitation" is its iTIP
    // part, the rest the template's values, and the fields above are empty. Of a meeting_changed:
    // time_changed and place_changed.
    std::map<std::string, std::string> facts;
    bool detached = false;

    std::optional<db::user> user;
    std::string sign_in_url;                      // the one-time link the message carries
    std::string sign_in_page_url;                 // where a new link is asked for
    std::int64_t link_valid_seconds = 0;          // how long the link still works from now
    std::vector<std::string> organisation_names;  // the user's organisations, by name
};

// The content of a claimed message, or the reason it is no longer wanted (the message is then
// marked skipped here): a sign-up or meeting that is gone, anonymised; a reminder for a meeting
// moved, cancelled, started or a sign-up since cancelled; a sign-in link that was used or has
// expired (a link that no longer works is not sent), or a user deactivated or erased.
std::optional<message_content> content_of(context& ctx, const db::outbox_message& msg);

void message_sent(context& ctx, db::id_t id);
void message_failed(context& ctx, db::id_t id, const std::string& error);
void message_retry(context& ctx, db::id_t id, std::int64_t next_attempt_at, const std::string& error);

// Deletes finished messages older than mail.keep_finished_for (db::outbox::purge_finished);
// nothing when it is 0. Returns how many went. Run by the housekeeping worker.
std::int64_t purge_finished_messages(context& ctx);

// Organisers: the messages of a meeting (newest last) and a resend of a failed or skipped one.
std::vector<db::outbox_message> messages_of(context& ctx, const credentials& who, db::id_t meeting_id);
db::outbox_message resend_message(context& ctx, const credentials& who, db::id_t message_id);

}  // namespace kal::service::app
