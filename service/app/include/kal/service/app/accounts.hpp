#pragma once
// Accounts (issue 12): users who sign in with a one-time link sent by e-mail, their sessions, the
// invitations that make them, and the API tokens they make. Plain use cases, like the rest of
// app/: no HTTP, no cookies' syntax beyond the one rule below, no HTML.
//
// What a sign-in page does with them (the pages are the web adapter's; the words are Swedish
// paths as everywhere else):
//
//   GET  /logga-in                 a form with one field, the e-mail address
//   POST /logga-in                 request_sign_in_link(ctx, {email}, client address); whatever the
//                                  address, answer with the same "Check your mail" page (303)
//   GET  /logga-in/{secret}        a page with a button that POSTs the secret (mail scanners that
//                                  follow links must not use it up); sign_in_link_is_usable() may
//                                  say beforehand that the link no longer works. Referrer-Policy:
//                                  no-referrer, Cache-Control: no-store (the secret is in the URL).
//   POST /logga-in/{secret}        redeem_sign_in_link(ctx, secret, {description, old cookie}) ->
//                                  set the cookie session_cookie_for(base).set(secret) and 303 to
//                                  the dashboard; on error_kind::unauthenticated (used, expired,
//                                  unknown, altered: one answer) show "the link no longer works,
//                                  ask for a new one"
//   POST /logga-ut                 sign_out(ctx, creds), then clear the cookie
//   GET  /konto/sessioner          list_sessions(ctx, creds)
//   POST /konto/sessioner/{id}/avsluta    end_session(ctx, creds, id)
//   POST /konto/logga-ut-overallt sign_out_everywhere(ctx, creds), then clear the cookie
//   GET/POST /konto/nycklar[...]   list_api_tokens / create_api_token / revoke_api_token
//   GET/POST /anvandare[...]       list_users / invite_user / deactivate_user
//
// Every request of a signed-in browser passes the cookie's value as credentials::session_secret
// (access.hpp) to whichever use case it calls; the same rules as for tokens then apply (one unit
// of work, the caller resolved inside it). A POST must pass the page's CSRF and Origin checks
// before its credentials are handed over.
//
// Security properties held here:
// - Link and session secrets are 256 random bits (new_secret, kinds kali_ and kals_), stored only
//   as hashes, never logged (no log line in this file names one). A link works once (the
//   database decides under concurrency) and for accounts.sign_in_link_lifetime (an invitation's
//   for accounts.invitation_link_lifetime); every session is new at every sign-in.
// - Asking for a link answers alike whether or not the address has an account: the use case does
//   the same thing either way (one row queued); the delivery worker later writes the link and
//   mail for an account and nothing for an address without one.
// - A session ends after accounts.session_idle_timeout without use and at the latest
//   accounts.session_lifetime after signing in; deactivating a user ends its sessions and tokens.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

// ---- the session cookie -------------------------------------------------------------------------

// How the session cookie is set, for a service reached at server.public_base_url. Over https:
// the name "__Host-kal_session" and Secure (so the browser sends it only over https, only to this
// host, and no subdomain can set it); over http (development): "kal_session" without Secure.
// Always HttpOnly (no script reads it), SameSite=Lax (not sent with cross-site POSTs, sent when
// following a link here), Path=/ and no Domain. No Max-Age: the browser forgets it when it closes,
// and the server ends the session after the idle timeout or its lifetime anyway.
struct session_cookie {
    std::string name;
    bool secure = false;
    // The value of a Set-Cookie header that sets the cookie to a session's secret.
    std::string set(const std::string& session_secret) const;
    // The value of a Set-Cookie header that removes it (signing out).
    std::string clear() const;
};
session_cookie session_cookie_for(const std::string& public_base_url);

// ---- signing in ---------------------------------------------------------------------------------

// The link a sign-in mail carries: {server.public_base_url}/logga-in/{secret}.
std::string sign_in_url(const config::settings& settings, const std::string& link_secret);

struct sign_in_request_input {
    unreadable_input unreadable;
    std::optional<std::string> email;
};
// Asks for a sign-in link for an address. Returns nothing and throws nothing that depends on
// whether the address has an account: for any well-formed address it queues one request (when
// mail is configured) and returns; the delivery worker then writes a link and a sign_in message
// for an active account, and nothing otherwise. validation_failed naming "email" for what is not
// an e-mail address; rate_limited (429, retry_after_seconds) after
// accounts.sign_in_requests_per_address requests for one address or
// accounts.sign_in_requests_per_client from one client within an hour (every attempt counts).
// `client` is the client's address (http::client_address).
void request_sign_in_link(context& ctx, const sign_in_request_input& in, const std::string& client);

// Whether a link would sign someone in now (for the page behind the link, before its button is
// pressed). Reads only; uses nothing up.
bool sign_in_link_is_usable(context& ctx, const std::string& link_secret);

struct sign_in_details {
    // A short, non-identifying name of the browser ("Firefox på Linux"), made by the page from
    // User-Agent; kept with the session so that the list of sessions can show it. Control
    // characters are dropped and it is cut to 100 characters. No address is ever kept.
    std::string description;
    // The session cookie the browser had before, if any: that session is ended (a browser gets a
    // new session at every sign-in and never keeps an old one).
    std::string previous_session_secret;
};

struct signed_in {
    std::string session_secret;  // the cookie's value: shown here once, stored hashed
    db::session session;
    db::user user;
};
// Uses a sign-in link and starts a new session, in one unit of work. unauthenticated, with one
// message whatever the reason (a link that is used, expired, unknown, altered or malformed, or
// of a deactivated account), and nothing changes.
signed_in redeem_sign_in_link(context& ctx, const std::string& link_secret, const sign_in_details& details);

// The signed-in user (a session or a user's API token). unauthenticated without credentials or
// for a principal that is no user (a token made by the command line).
db::user current_user(context& ctx, const credentials& who);

struct session_view {
    db::session session;
    bool current = false;  // the session of the request
};
// The caller's sessions that are still usable, newest first. Needs a session of the user
// (forbidden for an API token: sessions are the browser's business).
std::vector<session_view> list_sessions(context& ctx, const credentials& who);
// Ends the session of the request. Without a usable session it does nothing, so that a page can
// always clear the cookie after it.
void sign_out(context& ctx, const credentials& who);
// Ends one of the caller's own sessions (a lost phone). not_found for any session that is not
// the caller's and usable.
void end_session(context& ctx, const credentials& who, db::id_t session_id);
// Ends every session of the caller, the one of the request included, and returns how many. The
// current one goes too because a session copied from this browser (a shared computer, a stolen
// cookie) has the same id as the one in it: only ending it ends the copy. The page then clears
// the cookie and shows the sign-in page. API tokens are not touched (revoke_api_token).
int sign_out_everywhere(context& ctx, const credentials& who);

// ---- invitations and users ------------------------------------------------------------------

struct invitation_input {
    unreadable_input unreadable;
    std::optional<std::string> email;
    std::optional<std::string> name;
    std::optional<std::string> language;                    // sv (default) | en
    std::optional<std::string> role;                        // organiser (default) | admin
    std::optional<std::vector<db::id_t>> organisation_ids;  // required for an organiser
};

struct invitation {
    db::user user;
    bool created = false;  // false: the address had an account, which got the memberships (and role)
    bool mailed = false;   // an invitation with a sign-in link went into the outbox
};
// Invites someone: creates the account, or adds the memberships (and, by an admin, the admin
// role) to the account the address has; reactivates a deactivated one (admins only). In the same
// unit of work a sign-in link valid for accounts.invitation_link_lifetime goes out in an
// invitation mail to the invitee, never to the inviter: whoever asks never holds someone else's
// link. Admins invite anyone with any role; an organiser invites organisers to its own
// organisations only (forbidden otherwise, also for a deactivated account). validation_failed
// naming email, name, language, role, organisation_ids.
invitation invite_user(context& ctx, const credentials& who, const invitation_input& in);

struct operator_invitation {
    db::user user;
    bool created = false;
    std::string link_secret;  // shown once to the operator
    std::string link_url;     // sign_in_url(link_secret)
    bool mailed = false;
};
// The command line's invitation (`kalendarium user invite`): whoever runs it has the database, so
// the same rules as an admin's invite, but the link (valid accounts.invitation_link_lifetime) is
// returned to print; with `mail` it goes out in an invitation mail as well.
operator_invitation invite_user_as_operator(context& ctx, const invitation_input& in, bool mail);

// Admins: every account; an organiser: the accounts that share one of its organisations.
std::vector<db::user> list_users(context& ctx, const credentials& who);
// Deactivates an account (ends its sessions, deletes its unused links, revokes its API tokens);
// its e-mail and name stay for the record until an admin erases the address
// (erase_personal_data in attendance.hpp). Who may (may_deactivate): an admin, anyone; an
// organiser, an organiser all of whose organisations are the caller's own, never an admin (an
// account serves every organisation it has, so one association cannot close a secretary's access
// to another's meetings). Nobody deactivates itself (conflict: an instance must keep someone who
// can invite). forbidden otherwise; not_found for no such account.
db::user deactivate_user(context& ctx, const credentials& who, db::id_t user_id);
bool may_deactivate(const principal& who, const db::user& target);

// What the users page (/arrangor/anvandare) shows the caller: the accounts it may see (as
// list_users), each with whether it is a pending invitation (active, never signed in) and
// whether the caller may deactivate it, and the organisations the caller may invite people to
// (an admin: every one; an organiser: its own), by Swedish name. unauthenticated without a user.
struct user_listing {
    db::user user;
    bool pending = false;
    bool may_deactivate = false;
};
struct user_directory {
    bool admin = false;
    db::id_t self = 0;
    std::vector<user_listing> users;                 // by name (e-mail when without one)
    std::vector<db::organisation> organisations;     // to invite to
    std::map<db::id_t, std::string> organisation_names;  // of every organisation, for the list
};
user_directory user_directory_of(context& ctx, const credentials& who);
// The command line's `user deactivate`. not_found.
db::user deactivate_user_as_operator(context& ctx, db::id_t user_id);
std::vector<db::user> list_users_as_operator(context& ctx);

// ---- API tokens of a user -------------------------------------------------------------------

struct token_input {
    unreadable_input unreadable;
    std::optional<std::string> name;  // required, one line, at most 200 characters
};
// A token of the signed-in user (a session is required: a token does not make tokens, so that
// revoking a leaked one is enough); it acts with the user's role and memberships as they are
// when it is used, and stops with its user's deactivation. The secret is in the result only.
std::pair<std::string, db::api_token> create_api_token(context& ctx, const credentials& who, const token_input& in);
std::vector<db::api_token> list_api_tokens(context& ctx, const credentials& who);  // revoked ones too
// Revokes one of the caller's tokens (idempotent). not_found for anyone else's.
void revoke_api_token(context& ctx, const credentials& who, db::id_t token_id);

// ---- background work ------------------------------------------------------------------------

// Sessions seen since their activity was last written (identify notes them, only when
// last_seen_at is older than session_touch_interval). Thread-safe.
class session_activity {
public:
    void note(db::id_t session_id, std::int64_t at);
    std::vector<std::pair<db::id_t, std::int64_t>> take();
    void put_back(const std::vector<std::pair<db::id_t, std::int64_t>>& seen);

private:
    std::mutex mutex_;
    std::map<db::id_t, std::int64_t> seen_;
};

// How stale last_seen_at may be before a request notes it: a tenth of the idle timeout, at most
// five minutes. So the idle timeout is exact to within that and the housekeeping pass.
std::int64_t session_touch_interval(const config::settings& settings);
// Writes the noted activity (one unit of work for all). The housekeeping thread calls it every
// 30 seconds; on failure the notes are kept for the next time.
int record_session_activity(context& ctx);
// Deletes sessions and sign-in links that can no longer be used. Housekeeping.
std::pair<int, int> purge_sign_ins(context& ctx);

// Turns up to `limit` queued sign-in requests into links and sign_in messages, in the caller's
// unit of work (the delivery worker's claim, so that it costs no transaction of its own).
void write_requested_sign_in_links(context& ctx, db::unit_of_work& w, int limit);

}  // namespace kal::service::app
