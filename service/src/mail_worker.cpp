#include "kal/service/mail_worker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <limits>

#include "kal/calendar/ical.hpp"
#include "kal/calendar/time.hpp"
#include "kal/service/auth.hpp"
#include "kal/service/feeds.hpp"
#include "kal/service/reminders.hpp"
#include "kal/service/scheduling.hpp"
#include "mail/message.hpp"
#include "mail/smtp.hpp"
#include "mail/templates.hpp"

namespace kal::service {

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

std::string meeting_when_text(const db::meeting_fields& m, const std::string& language) {
    static const char* const sv_days[] = {"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"};
    static const char* const en_days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    static const char* const sv_months[] = {"januari", "februari", "mars",      "april",   "maj",      "juni",
                                            "juli",    "augusti",  "september", "oktober", "november", "december"};
    static const char* const en_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
    const bool en = language == "en";
    auto date_text = [&](const std::string& date) {
        int y = std::stoi(date.substr(0, 4)), mo = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
        std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
        auto wd = std::chrono::weekday(std::chrono::sys_days(ymd)).c_encoding();
        return std::string(en ? en_days[wd] : sv_days[wd]) + " " + std::to_string(d) + " " +
               (en ? en_months[mo - 1] : sv_months[mo - 1]) + " " + std::to_string(y);
    };
    auto clock = [&](const std::string& local) {
        auto hh = local.substr(11, 2), mm = local.substr(14, 2);
        return en ? hh + ":" + mm : hh + "." + mm;
    };
    if (m.all_day) {
        auto last = calendar::add_days(m.end_local.substr(0, 10), -1);
        auto first = m.start_local.substr(0, 10);
        return first == last ? date_text(first) : date_text(first) + " – " + date_text(last);
    }
    std::string out = date_text(m.start_local.substr(0, 10)) + (en ? ", " : " kl. ") + clock(m.start_local) + "–";
    if (m.end_local.substr(0, 10) != m.start_local.substr(0, 10))
        out += date_text(m.end_local.substr(0, 10)) + (en ? ", " : " kl. ");
    out += clock(m.end_local);
    if (m.time_zone != "Europe/Stockholm") out += " (" + m.time_zone + ")";
    return out;
}

struct mail_worker::impl {
    const config::settings& settings;
    db::store& store;
    mail::templates texts;
    std::map<std::string, std::vector<std::int64_t>> reminder_defaults;
    std::string instance = new_token().substr(4, 12);
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<std::thread> threads;

    impl(const config::settings& s, db::store& st)
        : settings(s), store(st), texts(s.mail.template_dir), reminder_defaults(config::reminder_defaults(s)) {
        for (const auto& [type, offsets] : reminder_defaults)
            if (!db::is_one_of(type, db::meeting_types))
                throw config::config_error("mail.reminders", "not a meeting type: \"" + type + "\"");
        if (auto problems = texts.check(); !problems.empty())
            throw config::config_error("mail.template_dir", problems.front());
    }

    void sleep_for(std::chrono::milliseconds d) {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, d, [this] { return stopping.load(); });
    }

    // Writes the reminders that are due into the outbox (each once, whatever the instances).
    void plan_reminders(std::int64_t now) {
        std::int64_t horizon = 0;
        for (const auto& [type, offsets] : reminder_defaults)
            for (auto o : offsets) horizon = std::max(horizon, o);
        horizon = std::max<std::int64_t>(horizon, 90 * 86400);  // meetings may have their own, up to 90 days
        const auto grace = seconds(settings.mail.reminder_grace);
        const auto lead = seconds(settings.mail.late_reminder_min_lead);
        for (const auto& m : store.reminder_candidates(now, now + horizon + 2 * 86400)) {
            for (auto offset : reminder_offsets(m, reminder_defaults)) {
                const auto due = reminder_due_utc(m, offset);
                switch (decide_reminder(due, m.start_utc, now, grace, lead)) {
                case reminder_decision::not_yet:
                case reminder_decision::too_late: break;
                case reminder_decision::send: store.plan_reminder(m.meeting_id, m.start_utc, offset, due, false, now); break;
                case reminder_decision::skip_late:
                    if (store.plan_reminder(m.meeting_id, m.start_utc, offset, due, true, now) == 0)
                        spdlog::info(R"("event":"reminder_skipped","meeting":{},"offset_seconds":{})", m.meeting_id,
                                     offset);
                    break;
                }
            }
        }
    }

    // Why a message is no longer wanted, or empty when it should go out.
    std::string unwanted(const db::outbox_message& msg, const db::rsvp& r, const db::meeting& m, std::int64_t now) {
        if (r.anonymised_at || msg.recipient.empty()) return "the sign-up has been anonymised";
        if (msg.kind != "reminder") return {};
        if (m.status != "published") return "the meeting is " + m.status;
        if (m.start_utc != msg.meeting_start_utc) return "the meeting has moved (a new reminder follows)";
        if (m.start_utc <= now) return "the meeting has started";
        if (r.status != "confirmed") return "the sign-up is " + r.status;
        return {};
    }

    mail::context context_for(const db::outbox_message& msg, const db::rsvp& r, const db::meeting& m,
                              const db::feed_snapshot& snap) {
        const auto& base = settings.server.public_base_url;
        mail::context c;
        c["meeting_title"] = m.title;
        c["meeting_when"] = meeting_when_text(m, msg.language);
        std::string where = m.location;
        if (m.venue_id)
            for (const auto& v : snap.venues)
                if (v.id == *m.venue_id) where = v.name + (v.address.empty() ? "" : ", " + v.address);
        if (where.empty()) where = m.online_url;
        c["meeting_where"] = where;
        c["meeting_url"] = base + "/api/v1/meetings/" + std::to_string(m.id);
        c["recipient_name"] = r.name;
        if (!msg.link_token.empty()) {
            c["manage_url"] = base + "/api/v1/rsvp/" + msg.link_token;
            c["cancel_url"] = base + "/rsvp/" + msg.link_token;
        }
        for (const auto& o : snap.organisations)
            if (o.id == m.organisation_id) c["organisation_name"] = o.name;
        if (r.waitlist_position) c["waitlist_position"] = std::to_string(*r.waitlist_position);
        return c;
    }

    // Builds and sends one claimed message; marks it sent, for a retry, failed or skipped.
    void deliver(mail::smtp_sender& sender, const db::outbox_message& msg) {
        const auto now = now_utc();
        std::optional<db::rsvp> r = msg.rsvp_id ? store.find_rsvp(*msg.rsvp_id) : std::nullopt;
        auto m = store.find_meeting(msg.meeting_id);
        if (!r || !m) return store.mark_skipped(msg.id, "the sign-up or the meeting no longer exists");
        if (auto why = unwanted(msg, *r, *m, now); !why.empty()) return store.mark_skipped(msg.id, why);

        std::string bytes;
        try {
            std::string method = msg.kind == "confirmed" || msg.kind == "promoted" || msg.kind == "meeting_changed"
                                     ? "REQUEST"
                                     : msg.kind == "meeting_cancelled" || msg.kind == "rsvp_cancelled" ? "CANCEL" : "";
            // An invitation is the feed's event, so it is built from the feed's own snapshot;
            // a message without one needs only the venue and the organiser.
            db::feed_snapshot snap;
            if (!method.empty()) {
                db::feed_filter f;
                f.meeting_ids = {m->id};
                f.from_utc = std::numeric_limits<std::int64_t>::min() / 2;
                f.to_utc = std::numeric_limits<std::int64_t>::max() / 2;
                f.keep_cancelled_until_utc = std::numeric_limits<std::int64_t>::min() / 2;
                snap = store.load_feed(f);
            } else {
                if (m->venue_id)
                    if (auto v = store.find_venue(*m->venue_id)) snap.venues.push_back(*v);
                if (auto o = store.find_organisation(m->organisation_id)) snap.organisations.push_back(*o);
            }
            auto texts_for = texts.render(msg.kind, msg.language, context_for(msg, *r, *m, snap));
            mail::message out;
            out.from = {settings.mail.from_name, settings.mail.from_address};
            if (!settings.mail.reply_to.empty()) out.reply_to = mail::address{"", settings.mail.reply_to};
            out.to = {r->name, msg.recipient};
            out.subject = texts_for.subject;
            out.message_id = msg.message_id;
            out.date_utc = now;
            out.text = texts_for.text;
            out.html = texts_for.html;
            out.headers.emplace_back("X-Kalendarium-Kind", msg.kind);
            if (!method.empty()) {
                auto ev = meeting_event(snap, m->id, settings);
                if (ev) {
                    calendar::invitation inv;
                    inv.method = method;
                    inv.prodid = "-//Borås Stad//Kalendarium//SV";
                    inv.ev = *ev;
                    // The SEQUENCE the message was written for, so that a later change wins.
                    inv.ev.sequence = std::max(inv.ev.sequence, msg.sequence);
                    inv.organizer = {settings.mail.from_name, settings.mail.from_address};
                    inv.to = {r->name, msg.recipient};
                    out.calendar = mail::calendar_part{method, calendar::render_invitation(inv)};
                }
            }
            bytes = mail::render(out);
        } catch (const std::exception& e) {
            spdlog::warn(R"("event":"mail_unrenderable","message":{},"kind":"{}","error":{})", msg.id, msg.kind,
                         json_string(e.what()));
            return store.mark_failed(msg.id, std::string("cannot be composed: ") + e.what());
        }
        auto result = sender.send(settings.mail.from_address, msg.recipient, bytes);
        if (result.ok) {
            store.mark_sent(msg.id, now_utc());
            spdlog::info(R"("event":"mail_sent","message":{},"kind":"{}")", msg.id, msg.kind);
            return;
        }
        const bool give_up = result.permanent || now - msg.created_at >= seconds(settings.mail.give_up_after);
        spdlog::warn(R"("event":"mail_not_sent","message":{},"kind":"{}","attempt":{},"final":{},"error":{})", msg.id,
                     msg.kind, msg.attempts, give_up, json_string(result.error));
        if (give_up) return store.mark_failed(msg.id, result.error);
        auto delay = settings.mail.retry_initial * (1LL << std::min(msg.attempts - 1, 20));
        delay = std::min<std::chrono::milliseconds>(delay, settings.mail.retry_max);
        store.mark_retry(msg.id, now + std::max<std::int64_t>(1, (delay.count() + 999) / 1000), result.error);
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
                    plan_reminders(now_utc());
                }
                auto batch = store.claim_messages(worker, now_utc(), seconds(settings.mail.claim_timeout),
                                                  settings.mail.batch_size);
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

mail_worker::mail_worker(const config::settings& settings, db::store& store) {
    if (settings.mail.smtp_url.empty()) return;
    impl_ = std::make_unique<impl>(settings, store);
    enabled_ = true;
    for (int i = 0; i < settings.mail.workers; ++i) impl_->threads.emplace_back([this, i] { impl_->run(i); });
}

mail_worker::~mail_worker() {
    if (!impl_) return;
    impl_->stopping = true;
    impl_->wake.notify_all();
    for (auto& t : impl_->threads) t.join();
}

}  // namespace kal::service
