#pragma once
// What every use case needs: the settings, the database, the clock, and the few pieces of
// process state that the use cases share (the render cache, the rate limits, the sessions seen
// since their activity was last written). Made once by main() and passed by reference; the
// adapters (api/, web/) and the workers hold it.

#include <cstdint>
#include <functional>
#include <memory>

#include "kal/config/config.hpp"
#include "kal/db/database.hpp"

namespace kal::service::app {

class render_cache;
class rate_limiter;
class session_activity;

// Seconds since the epoch, UTC. Tests give a fixed or moving clock; production the system's.
using clock = std::function<std::int64_t()>;
std::int64_t system_now();

struct context {
    context(const config::settings& s, db::database& d, clock c = system_now);
    ~context();
    context(const context&) = delete;
    context& operator=(const context&) = delete;

    const config::settings& settings;
    db::database& database;
    clock now;
    // Mail is written to the outbox only when there is somewhere to send it (mail.smtp_url).
    bool mail_enabled() const;

    render_cache& cache() { return *cache_; }
    rate_limiter& sign_up_limit() { return *sign_up_limit_; }
    // Requests for sign-in links: per e-mail address and per client (accounts.*).
    rate_limiter& sign_in_address_limit() { return *sign_in_address_limit_; }
    rate_limiter& sign_in_client_limit() { return *sign_in_client_limit_; }
    session_activity& sessions_seen() { return *sessions_seen_; }

private:
    std::unique_ptr<render_cache> cache_;
    std::unique_ptr<rate_limiter> sign_up_limit_;
    std::unique_ptr<rate_limiter> sign_in_address_limit_;
    std::unique_ptr<rate_limiter> sign_in_client_limit_;
    std::unique_ptr<session_activity> sessions_seen_;
};

}  // namespace kal::service::app
