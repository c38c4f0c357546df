#include "kal/service/workers/mail_worker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "kal/calendar/ical.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/delivery.hpp"
#include "kal/service/app/reminders.hpp"
#include "kal/service/mail/message.hpp"
#include "kal/service/mail/qr.hpp"
#include "kal/service/mail/smtp.hpp"
#include "kal/service/mail/templates.hpp"

namespace kal::service::workers {

namespace {

std::int64_t seconds(std::chrono::milliseconds d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out + "\"";
}

}  // namespace

struct mail_worker::impl {
    app::context& ctx;
    const config::settings& settings;
    mail::templates texts;
    std::string instance = app::new_secret("").substr(0, 12);
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<std::thread> threads;

    explicit impl(app::context& c) : ctx(c), settings(c.settings), texts(c.settings.mail.template_dir) {
        app::reminder_defaults_of(settings);  // a type in mail.reminders that is none stops the start
        if (auto problems = texts.check(); !problems.empty())
            throw config::config_error("mail.template_dir", problems.front());
    }

    void sleep_for(std::chrono::milliseconds d) {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, d, [this] { return stopping.load(); });
    }

    mail::context context_for(const db::outbox_message& msg, const app::message_content& c) {
        mail::context out;
        if (c.detached) {
            // A detached message: its values were written with it (mail_policy::meeting_deleted).
            for (const auto& [name, value] : c.facts)
                if (name != "invitation") out[name] = value;
            return out;
        }
        if (c.user) {
            // A sign-in link (or an invitation with one): no meeting.
            out["recipient_name"] = c.user->name;
            out["sign_in_url"] = c.sign_in_url;
            out["sign_in_page_url"] = c.sign_in_page_url;
            out["link_lifetime"] = app::duration_text(c.link_valid_seconds, msg.language);
            std::string organisations;
            for (const auto& name : c.organisation_names) organisations += (organisations.empty() ? "" : ", ") + name;
            if (!organisations.empty()) out["organisation_name"] = organisations;
            return out;
        }
        out["meeting_title"] = c.meeting.title;
        out["meeting_when"] = app::when_text(c.meeting, msg.language);
        out["meeting_where"] = c.meeting_where;
        out["meeting_url"] = c.meeting_url;
        out["recipient_name"] = c.rsvp.name;
        if (!c.manage_url.empty()) {
            out["manage_url"] = c.manage_url;
            out["cancel_url"] = c.cancel_url;
        }
        if (!c.organisation_name.empty()) out["organisation_name"] = c.organisation_name;
        if (c.rsvp.waitlist_position) out["waitlist_position"] = std::to_string(*c.rsvp.waitlist_position);
        // What changed, as the change said (mail_policy::meeting_changed).
        out["time_changed"] = c.facts.count("time_changed") > 0;
        out["place_changed"] = c.facts.count("place_changed") > 0;
        if (!c.meeting.cancellation_reason.empty()) out["cancellation_reason"] = c.meeting.cancellation_reason;
        if (!c.check_in_url.empty()) out["check_in_code"] = true;
        return out;
    }

    // The message as bytes: texts from the templates and, for an invitation, the feed's event.
    std::string compose(const db::outbox_message& msg, const app::message_content& c, std::int64_t now) {
        const auto kind = std::string(db::to_text(msg.kind));
        auto rendered = texts.render(kind, db::to_text(msg.language), context_for(msg, c));
        mail::message out;
        out.from = {settings.mail.from_name, settings.mail.from_address};
        if (!settings.mail.reply_to.empty()) out.reply_to = mail::address{"", settings.mail.reply_to};
        const auto fact = [&](const std::string& name) {
            auto it = c.facts.find(name);
            return it == c.facts.end() ? std::string() : it->second;
        };
        const auto recipient_name = c.user ? c.user->name : c.detached ? fact("recipient_name") : c.rsvp.name;
        out.to = {recipient_name, msg.recipient};
        out.subject = rendered.subject;
        out.message_id = msg.message_id;
        out.date_utc = now;
        out.text = rendered.text;
        out.html = rendered.html;
        out.headers.emplace_back("X-Kalendarium-Kind", kind);
        if (!c.check_in_url.empty())
            out.image = mail::inline_image{"checkin@kalendarium", "incheckning.png", mail::qr_png(c.check_in_url, 4)};
        if (!c.method.empty() && c.event) {
            calendar::invitation inv;
            inv.method = c.method;
            inv.prodid = "-//Borås Stad//Kalendarium//SV";
            inv.ev = *c.event;
            // The SEQUENCE the message was written for, so that a later change wins.
            inv.ev.sequence = std::max(inv.ev.sequence, msg.sequence);
            inv.organizer = {settings.mail.from_name, settings.mail.from_address};
            inv.to = {recipient_name, msg.recipient};
            out.calendar = mail::calendar_part{c.method, calendar::render_invitation(inv)};
        } else if (auto invitation = fact("invitation"); c.detached && !invitation.empty()) {
            out.calendar = mail::calendar_part{"CANCEL", invitation};  // only cancellations are detached
        }
        return mail::render(out);
    }

    // Builds and sends one claimed message; marks it sent, for a retry, failed or skipped.
    void deliver(mail::smtp_sender& sender, const db::outbox_message& msg) {
        const auto now = ctx.now();
        const auto kind = db::to_text(msg.kind);
        auto content = app::content_of(ctx, msg);  // nullopt: no longer wanted, marked skipped
        if (!content) return;
        std::string bytes;
        try {
            bytes = compose(msg, *content, now);
        } catch (const std::exception& e) {
            spdlog::warn(R"("event":"mail_unrenderable","message":{},"kind":"{}","error":{})", msg.id, kind,
                         json_string(e.what()));
            return app::message_failed(ctx, msg.id, std::string("cannot be composed: ") + e.what());
        }
        auto result = sender.send(settings.mail.from_address, msg.recipient, bytes);
        if (result.ok) {
            app::message_sent(ctx, msg.id);
            spdlog::info(R"("event":"mail_sent","message":{},"kind":"{}")", msg.id, kind);
            return;
        }
        // A refused login is the configuration's fault, not the message's: said as an error of its
        // own, so that an operator sees it at once rather than a queue of retries.
        if (result.login_refused)
            spdlog::error(R"("event":"mail_login_refused","message":{},"error":{})", msg.id, json_string(result.error));
        const bool give_up = result.permanent || now - msg.created_at >= seconds(settings.mail.give_up_after);
        spdlog::warn(R"("event":"mail_not_sent","message":{},"kind":"{}","attempt":{},"final":{},"error":{})", msg.id,
                     kind, msg.attempts, give_up, json_string(result.error));
        if (give_up) return app::message_failed(ctx, msg.id, result.error);
        auto delay = settings.mail.retry_initial * (1LL << std::min(msg.attempts - 1, 20));
        delay = std::min<std::chrono::milliseconds>(delay, settings.mail.retry_max);
        app::message_retry(ctx, msg.id, now + std::max<std::int64_t>(1, (delay.count() + 999) / 1000), result.error);
    }

    void run(int index) {
        mail::smtp_settings smtp;
        smtp.url = settings.mail.smtp_url;
        smtp.tls = settings.mail.tls;
        smtp.username = settings.mail.username;
        smtp.password = settings.mail.password;
        smtp.timeout = settings.mail.timeout;
        smtp.ca_file = settings.mail.ca_file;
        mail::smtp_sender sender(smtp);
        const std::string worker = instance + "-" + std::to_string(index);
        auto last_plan = std::chrono::steady_clock::time_point{};
        while (!stopping) {
            try {
                if (index == 0 && std::chrono::steady_clock::now() - last_plan >= settings.mail.poll_interval) {
                    last_plan = std::chrono::steady_clock::now();
                    app::plan_due_reminders(ctx);
                }
                auto batch = app::claim_messages(ctx, worker);
                for (const auto& msg : batch) {
                    // Stopping: what is claimed and not sent is taken again after the claim.
                    if (stopping) break;
                    deliver(sender, msg);
                }
                if (batch.empty()) sleep_for(settings.mail.poll_interval);
            } catch (const std::exception& e) {
                // The database may be away; the claims run out and the next pass tries again.
                spdlog::warn(R"("event":"mail_worker_error","error":{})", json_string(e.what()));
                sleep_for(settings.mail.poll_interval);
            }
        }
    }
};

mail_worker::mail_worker(app::context& ctx) {
    if (ctx.settings.mail.smtp_url.empty()) return;
    impl_ = std::make_unique<impl>(ctx);
    enabled_ = true;
    for (int i = 0; i < ctx.settings.mail.workers; ++i) impl_->threads.emplace_back([this, i] { impl_->run(i); });
}

mail_worker::~mail_worker() {
    if (!impl_) return;
    impl_->stopping = true;
    impl_->wake.notify_all();
    for (auto& t : impl_->threads) t.join();
}

}  // namespace kal::service::workers
