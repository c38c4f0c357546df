// Signing in: the session cookie's rule, asking for a link, using it, sessions, and the
// background work that keeps sessions' activity and the tables small.
//
// Nothing here logs: no log line may hold a link, a session's secret or a token, and the ones of
// the callers (the access log, the delivery worker) name route patterns and message ids only.

#include <algorithm>
#include <chrono>

#include "accounts_detail.hpp"
#include "kal/calendar/utf8.hpp"
#include "kal/db/accounts.hpp"
#include "kal/db/outbox.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/mail_policy.hpp"
#include "kal/service/app/rate_limit.hpp"
#include "kal/service/app/text_rules.hpp"

namespace kal::service::app {

namespace {

constexpr std::size_t description_max = 100;

std::int64_t seconds(std::chrono::milliseconds d) {
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

error link_refused() { return unauthenticated("Länken gäller inte längre / The link is no longer valid"); }

// The browser's description as it may be kept: no control characters, at most 100 characters.
std::string clean_description(std::string_view text) {
    std::string out;
    std::size_t characters = 0;
    calendar::utf8::for_each_character(text, [&](char32_t cp, std::string_view bytes) {
        if (characters >= description_max || calendar::utf8::is_control(cp)) return;
        out += bytes;
        ++characters;
    });
    const auto first = out.find_first_not_of(' ');
    return first == std::string::npos ? std::string() : out.substr(first, out.find_last_not_of(' ') - first + 1);
}

// An address as the rate limit knows it: lower-cased (addresses are ASCII, is_email) and hashed,
// so that the process's memory holds no address.
std::string address_key(const std::string& email) {
    std::string lower = email;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return content_hash(lower);
}

}  // namespace

// ---- the session cookie -------------------------------------------------------------------------

session_cookie session_cookie_for(const std::string& public_base_url) {
    session_cookie c;
    c.secure = public_base_url.starts_with("https://");
    // __Host-: the browser takes the cookie only with Secure, Path=/ and no Domain, from this host.
    c.name = c.secure ? "__Host-kal_session" : "kal_session";
    return c;
}

std::string session_cookie::set(const std::string& session_secret) const {
    return name + "=" + session_secret + "; Path=/" + (secure ? "; Secure" : "") + "; HttpOnly; SameSite=Lax";
}

std::string session_cookie::clear() const {
    return name + "=; Path=/; Max-Age=0" + std::string(secure ? "; Secure" : "") + "; HttpOnly; SameSite=Lax";
}

// ---- signing in ---------------------------------------------------------------------------------

std::string sign_in_url(const config::settings& settings, const std::string& link_secret) {
    return settings.server.public_base_url + "/logga-in/" + link_secret;
}

void request_sign_in_link(context& ctx, const sign_in_request_input& in, const std::string& client) {
    // Every attempt counts, a malformed one too; the client's bucket first, so that one client
    // cannot use up the buckets of many addresses.
    if (auto wait = ctx.sign_in_client_limit().take(client)) throw rate_limited(*wait);
    field_errors errors;
    in.unreadable.report(errors);
    std::string email;
    if (auto v = read_text(errors, "email", in.email, 254, true)) {
        if (is_email(*v))
            email = *v;
        else
            errors.add("email", "is not an e-mail address", "email");
    }
    errors.throw_if_any();
    if (auto wait = ctx.sign_in_address_limit().take(address_key(email))) throw rate_limited(*wait);
    // Whether the address has an account is not looked at here: the request is queued either way
    // (the same statement, the same commit), and the delivery worker decides.
    if (!ctx.mail_enabled()) return;
    ctx.database.write(ctx.now(), [&](db::unit_of_work& w) { db::sign_in_requests{w}.add(email); });
}

bool sign_in_link_is_usable(context& ctx, const std::string& link_secret) {
    if (!is_secret(link_secret, secret_kind::sign_in_link)) return false;
    const auto now = ctx.now();
    return ctx.database.read([&](db::unit_of_work& w) {
        auto link = db::sign_in_links{w}.find_by_hash(hash_secret(link_secret));
        if (!link || link->used_at || link->expires_at <= now) return false;
        auto u = db::users{w}.find(link->user_id);
        return u && u->active();
    });
}

signed_in redeem_sign_in_link(context& ctx, const std::string& link_secret, const sign_in_details& details) {
    if (!is_secret(link_secret, secret_kind::sign_in_link)) throw link_refused();
    const auto session_secret = new_secret(secret_kind::session);
    const auto description = clean_description(details.description);
    const auto now = ctx.now();
    return ctx.database.write(now, [&](db::unit_of_work& w) {
        // The link is used first: of two redeems at once, the second finds it used and stops here.
        auto user_id = db::sign_in_links{w}.redeem(hash_secret(link_secret));
        if (!user_id) throw link_refused();
        db::users users{w};
        auto u = users.find(*user_id);
        // Throwing rolls the use of the link back; a deactivated account's link stays unusable.
        if (!u || !u->active()) throw link_refused();
        db::sessions sessions{w};
        const auto& previous = details.previous_session_secret;
        if (!previous.empty() && is_secret(previous, secret_kind::session)) {
            if (auto old = sessions.find_by_hash(hash_secret(previous), now)) sessions.end(old->user_id, old->id);
        }
        auto session = sessions.start(u->id, hash_secret(session_secret), description,
                                      now + seconds(ctx.settings.accounts.session_lifetime));
        users.record_sign_in(u->id);
        u->last_sign_in_at = now;
        return signed_in{session_secret, session, *u};
    });
}

db::user current_user(context& ctx, const credentials& creds) {
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = require_principal(ctx, w, creds);
        if (!who.user_id) throw unauthenticated("Ingen användare / No user: this token was made by the command line");
        auto u = db::users{w}.find(*who.user_id);
        if (!u) throw unauthenticated("Ingen användare / No user");
        return *u;
    });
}

std::vector<session_view> list_sessions(context& ctx, const credentials& creds) {
    const auto now = ctx.now();
    return ctx.database.read([&](db::unit_of_work& w) {
        auto who = detail::require_session(ctx, w, creds);
        const auto idle = seconds(ctx.settings.accounts.session_idle_timeout);
        std::vector<session_view> out;
        for (auto& s : db::sessions{w}.list_of(*who.user_id, now, now - idle))
            out.push_back({s, s.id == *who.session_id});
        return out;
    });
}

void sign_out(context& ctx, const credentials& creds) {
    if (creds.session_secret.empty() || !is_secret(creds.session_secret, secret_kind::session)) return;
    const auto now = ctx.now();
    ctx.database.write(now, [&](db::unit_of_work& w) {
        db::sessions sessions{w};
        if (auto s = sessions.find_by_hash(hash_secret(creds.session_secret), now)) sessions.end(s->user_id, s->id);
    });
}

void end_session(context& ctx, const credentials& creds, db::id_t session_id) {
    const auto now = ctx.now();
    ctx.database.write(now, [&](db::unit_of_work& w) {
        auto who = detail::require_session(ctx, w, creds);
        db::sessions sessions{w};
        const auto idle = seconds(ctx.settings.accounts.session_idle_timeout);
        bool usable = false;
        for (const auto& s : sessions.list_of(*who.user_id, now, now - idle)) usable = usable || s.id == session_id;
        if (!usable || !sessions.end(*who.user_id, session_id))
            throw not_found("No session " + std::to_string(session_id));
    });
}

int sign_out_everywhere(context& ctx, const credentials& creds) {
    return ctx.database.write(ctx.now(), [&](db::unit_of_work& w) {
        auto who = detail::require_session(ctx, w, creds);
        return db::sessions{w}.end_all(*who.user_id);
    });
}

// ---- background work ----------------------------------------------------------------------------

void session_activity::note(db::id_t session_id, std::int64_t at) {
    std::lock_guard lock(mutex_);
    auto& seen = seen_[session_id];
    seen = std::max(seen, at);
}

std::vector<std::pair<db::id_t, std::int64_t>> session_activity::take() {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<db::id_t, std::int64_t>> out(seen_.begin(), seen_.end());
    seen_.clear();
    return out;
}

void session_activity::put_back(const std::vector<std::pair<db::id_t, std::int64_t>>& seen) {
    for (const auto& [id, at] : seen) note(id, at);
}

std::int64_t session_touch_interval(const config::settings& settings) {
    return std::min<std::int64_t>(300, seconds(settings.accounts.session_idle_timeout) / 10);
}

int record_session_activity(context& ctx) {
    auto seen = ctx.sessions_seen().take();
    if (seen.empty()) return 0;
    try {
        ctx.database.write(ctx.now(), [&](db::unit_of_work& w) { db::sessions{w}.record_activity(seen); });
    } catch (...) {
        ctx.sessions_seen().put_back(seen);
        throw;
    }
    return static_cast<int>(seen.size());
}

std::pair<int, int> purge_sign_ins(context& ctx) {
    const auto now = ctx.now();
    const auto idle = seconds(ctx.settings.accounts.session_idle_timeout);
    return ctx.database.write(now, [&](db::unit_of_work& w) { return db::sessions{w}.purge(now - idle); });
}

void write_requested_sign_in_links(context& ctx, db::unit_of_work& w, int limit) {
    const auto lifetime = seconds(ctx.settings.accounts.sign_in_link_lifetime);
    for (const auto& request : db::sign_in_requests{w}.take(limit)) {
        auto u = db::users{w}.find_by_email(request.email_key);
        // No account, or one that may not sign in: the request goes, and nothing else happens.
        if (!u || !u->active() || !ctx.mail_enabled()) continue;
        auto [secret, link] = detail::new_sign_in_link(w, u->id, w.now() + lifetime);
        mail_policy::sign_in_link(ctx, w, db::message_kind::sign_in, *u, link, secret);
    }
}

}  // namespace kal::service::app
