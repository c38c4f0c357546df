#include "kal/service/app/context.hpp"

#include <chrono>

#include "kal/service/app/accounts.hpp"
#include "kal/service/app/rate_limit.hpp"
#include "kal/service/app/render_cache.hpp"

namespace kal::service::app {

std::int64_t system_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

context::context(const config::settings& s, db::database& d, clock c)
    : settings(s),
      database(d),
      now(std::move(c)),
      cache_(std::make_unique<render_cache>(s, d)),
      sign_up_limit_(std::make_unique<rate_limiter>(s.rsvps.rate_limit_per_minute)),
      sign_in_address_limit_(
          std::make_unique<rate_limiter>(s.accounts.sign_in_requests_per_address, std::chrono::hours(1))),
      sign_in_client_limit_(
          std::make_unique<rate_limiter>(s.accounts.sign_in_requests_per_client, std::chrono::hours(1))),
      sessions_seen_(std::make_unique<session_activity>()) {}

context::~context() = default;

bool context::mail_enabled() const { return !settings.mail.smtp_url.empty(); }

}  // namespace kal::service::app
