#include "kal/service/app/delivery.hpp"

#include <limits>
#include <variant>

#include "kal/db/accounts.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/outbox.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/door.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/sign_ups.hpp"

namespace kal::service::app {

namespace {

std::int64_t seconds(std::chrono::milliseconds d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

// Why a message is no longer wanted, or empty when it should go out.
std::string unwanted(const db::outbox_message& msg, const db::rsvp& r, const db::meeting& m, std::int64_t now) {
    if (r.anonymised_at || msg.recipient.empty()) return "the sign-up has been anonymised";
    if (msg.kind != db::message_kind::reminder) return {};
    if (m.status != db::meeting_status::published) return "the meeting is " + std::string(db::to_text(m.status));
    if (m.start_utc != msg.meeting_start_utc) return "the meeting has moved (a new reminder follows)";
    if (m.start_utc <= now) return "the meeting has started";
    if (r.status != db::rsvp_status::confirmed) return "the sign-up is " + std::string(db::to_text(r.status));
    return {};
}

std::string method_of(db::message_kind kind) {
    switch (kind) {
    case db::message_kind::confirmed:
    case db::message_kind::promoted:
    case db::message_kind::meeting_changed: return "REQUEST";
    case db::message_kind::meeting_cancelled:
    case db::message_kind::rsvp_cancelled: return "CANCEL";
    default: return {};
    }
}

}  // namespace

std::vector<db::outbox_message> claim_messages(context& ctx, const std::string& worker) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        write_requested_sign_in_links(ctx, w, ctx.settings.mail.batch_size);
        return db::outbox{w}.claim(worker, seconds(ctx.settings.mail.claim_timeout), ctx.settings.mail.batch_size);
    });
}

namespace {

// A user's message: the link it carries must still work when it goes out.
std::variant<std::string, message_content> account_content(context& ctx, db::unit_of_work& w,
                                                           const db::outbox_message& msg, std::int64_t now) {
    auto u = db::users{w}.find(*msg.user_id);
    if (!u || !u->active() || msg.recipient.empty()) return std::string("the account is deactivated or erased");
    std::optional<db::sign_in_link> link;
    if (!msg.link_token.empty()) link = db::sign_in_links{w}.find_by_hash(hash_secret(msg.link_token));
    if (!link || link->used_at || link->expires_at <= now)
        return std::string("the sign-in link has been used or has expired");
    message_content c;
    c.user = *u;
    c.sign_in_url = sign_in_url(ctx.settings, msg.link_token);
    c.sign_in_page_url = ctx.settings.server.public_base_url + "/logga-in";
    c.link_valid_seconds = link->expires_at - now;
    db::organisations organisations{w};
    for (auto id : u->organisation_ids)
        if (auto o = organisations.find(id)) c.organisation_names.push_back(o->name);
    return c;
}

}  // namespace

std::optional<message_content> content_of(context& ctx, const db::outbox_message& msg) {
    const auto now = ctx.now();
    auto content = ctx.database.snapshot([&](db::unit_of_work& w) -> std::variant<std::string, message_content> {
        if (msg.user_id) return account_content(ctx, w, msg, now);
        if (!msg.meeting_id) {
            message_content c;
            for (auto& [name, value] : db::outbox{w}.facts(msg.id)) c.facts.emplace(std::move(name), std::move(value));
            if (c.facts.empty()) return std::string("the message belongs to nothing");
            c.detached = true;
            if (msg.recipient.empty()) return std::string("the recipient has been erased");
            return c;
        }
        std::optional<db::rsvp> r = msg.rsvp_id ? db::rsvps{w}.find(*msg.rsvp_id) : std::nullopt;
        auto m = db::meetings{w}.find(*msg.meeting_id);
        if (!r || !m) return std::string("the sign-up or the meeting no longer exists");
        if (auto why = unwanted(msg, *r, *m, now); !why.empty()) return why;
        message_content c;
        for (auto& [name, value] : db::outbox{w}.facts(msg.id)) c.facts.emplace(std::move(name), std::move(value));
        c.rsvp = *r;
        c.meeting = *m;
        c.method = method_of(msg.kind);
        // Pages in the reader's language: the meeting's, and their own page of the sign-up, where
        // the cancel button is (a link never cancels: mail scanners follow links).
        c.meeting_url = meeting_link(ctx.settings, m->id, r->language);
        if (!msg.link_token.empty()) {
            c.manage_url = sign_up_link(ctx.settings, msg.link_token, r->language);
            c.cancel_url = c.manage_url + "#avboka";
            const bool gives_seat = msg.kind == db::message_kind::confirmed || msg.kind == db::message_kind::promoted ||
                                    msg.kind == db::message_kind::meeting_changed ||
                                    msg.kind == db::message_kind::reminder;
            if (gives_seat && r->status == db::rsvp_status::confirmed)
                c.check_in_url = check_in_link(ctx.settings, check_in_secret_of(msg.link_token));
        }
        // An invitation is the feed's event, so it is built from the feed's own snapshot; a
        // message without one needs only the venue and the organiser.
        std::optional<db::venue> venue;
        std::optional<db::organisation> organisation;
        if (!c.method.empty()) {
            db::feed_filter f;
            f.meeting_ids = {m->id};
            f.from_utc = std::numeric_limits<std::int64_t>::min() / 2;
            f.to_utc = std::numeric_limits<std::int64_t>::max() / 2;
            f.keep_cancelled_until_utc = std::numeric_limits<std::int64_t>::min() / 2;
            auto snap = db::feeds{w}.load(f);
            c.event = meeting_event(snap, m->id, ctx.settings);
            for (const auto& v : snap.venues)
                if (m->venue_id && v.id == *m->venue_id) venue = v;
            for (const auto& o : snap.organisations)
                if (o.id == m->organisation_id) organisation = o;
        } else {
            if (m->venue_id) venue = db::venues{w}.find(*m->venue_id);
            organisation = db::organisations{w}.find(m->organisation_id);
        }
        c.meeting_where = m->location;
        if (venue) c.meeting_where = venue->name + (venue->address.empty() ? "" : ", " + venue->address);
        if (c.meeting_where.empty()) c.meeting_where = m->online_url;
        if (organisation) c.organisation_name = organisation->name;
        return c;
    });
    if (auto why = std::get_if<std::string>(&content)) {
        ctx.database.write(ctx.now(), [&](db::unit_of_work& w) { db::outbox{w}.mark_skipped(msg.id, *why); });
        return std::nullopt;
    }
    return std::get<message_content>(std::move(content));
}

void message_sent(context& ctx, db::id_t id) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) { db::outbox{w}.mark_sent(id); });
}

void message_failed(context& ctx, db::id_t id, const std::string& error) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) { db::outbox{w}.mark_failed(id, error); });
}

void message_retry(context& ctx, db::id_t id, std::int64_t next_attempt_at, const std::string& error) {
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) { db::outbox{w}.mark_retry(id, next_attempt_at, error); });
}

std::int64_t purge_finished_messages(context& ctx) {
    const auto keep = seconds(ctx.settings.mail.keep_finished_for);
    if (keep == 0) return 0;
    const auto now = ctx.now();
    return ctx.database.write(now, [&](db::unit_of_work& w) { return db::outbox{w}.purge_finished(now - keep); });
}

std::vector<db::outbox_message> messages_of(context& ctx, const credentials& creds, db::id_t meeting_id) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        organisers_meeting(w, who, meeting_id);
        return db::outbox{w}.list(meeting_id);
    });
}

db::outbox_message resend_message(context& ctx, const credentials& creds, db::id_t id) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        db::outbox outbox{w};
        auto msg = outbox.find(id);
        // A user's message (a sign-in link) is nobody's to resend: its link may be used meanwhile.
        auto m = msg && msg->meeting_id ? db::meetings{w}.find(*msg->meeting_id) : std::nullopt;
        if (!msg || !m || !who.may_write_for(m->organisation_id)) throw not_found("No message " + std::to_string(id));
        if (msg->state != db::message_state::failed && msg->state != db::message_state::skipped)
            throw conflict("Bara misslyckade meddelanden skickas igen / Only failed messages are sent again",
                           {{"state", "the message is " + std::string(db::to_text(msg->state)), "state"}});
        if (msg->recipient.empty())
            throw conflict("Mottagaren är anonymiserad / The recipient has been anonymised",
                           {{"recipient", "anonymised", "anonymised"}});
        return outbox.resend(id);
    });
}

}  // namespace kal::service::app
