#pragma once
// The delivery worker (issue 5): threads inside each serving process that plan due reminders
// into the outbox and send due outbox messages over SMTP, one recipient per message.
//
// Guarantees, with any number of instances on one database:
// - a message is claimed by one worker at a time (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite:
//   serialised writers) and marked sent right after the SMTP server accepted it, so a crash can
//   cause at most the message in flight to be sent twice, with the same Message-ID;
// - a claim that is not finished within mail.claim_timeout is taken again by anyone;
// - failures are retried with doubling delays until mail.give_up_after, then marked failed.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kal/config/config.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::workers {

class mail_worker {
public:
    // Starts mail.workers threads; does nothing when mail.smtp_url is empty. Throws
    // config::config_error for templates an operator got wrong (mail.template_dir).
    explicit mail_worker(app::context& ctx);
    ~mail_worker();  // stops and joins: a message being sent is finished first
    mail_worker(const mail_worker&) = delete;
    mail_worker& operator=(const mail_worker&) = delete;

    bool enabled() const { return enabled_; }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    bool enabled_ = false;
};



}  // namespace kal::service::workers
