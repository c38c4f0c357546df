#pragma once
// Calendar feeds: which meetings a feed shows, how the model maps onto iCalendar events, the
// rendered feeds in the render cache, private feed tokens, and the holder's feed of a sign-up.
//
// A feed request that misses the cache is ONE snapshot: the change counter, the feed's scope
// (a slug, a token) and its meetings are read in the same consistent view.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kal/calendar/ical.hpp"
#include "kal/db/feeds.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/app/render_cache.hpp"

namespace kal::service::app {

// The events of a feed: single meetings, and for each series one master with RRULE and EXDATEs
// (deleted and cancelled occurrences) plus an override per changed occurrence. Cancelled single
// meetings keep their place with STATUS:CANCELLED and "INSTÄLLT: ". Each event's URL is the
// meeting's address (meeting_link).
calendar::feed build_feed(const db::feed_snapshot& snapshot, const std::string& name, const config::settings& settings);

// One meeting as the event an invitation carries: the same UID, SEQUENCE, times, place and text
// as in every feed (an occurrence of a series with its RECURRENCE-ID). nullopt when the snapshot
// does not hold the meeting.
std::optional<calendar::event> meeting_event(const db::feed_snapshot& snapshot, db::id_t meeting_id,
                                             const config::settings& settings);

// The addresses for people (web pages) that feeds, mail and API answers give: a meeting's page
// (the URL of its event), a series' link (its next meeting's page), and the holder's own page of
// a sign-up; English pages under /en.
std::string meeting_link(const config::settings& settings, db::id_t meeting_id,
                         db::language language = db::language::sv);
std::string series_link(const config::settings& settings, db::id_t series_id);
std::string sign_up_link(const config::settings& settings, const std::string& secret, db::language language);

// What a feed request asks for.
struct feed_request {
    enum class scope { all, type, network, organisation, venue, meeting, custom, private_token };
    // iCalendar (calendar_feed) or Atom (upcoming_feed): the same scope, cached apart.
    enum class format { icalendar, atom };
    scope kind = scope::all;
    format as = format::icalendar;
    std::string value;  // the type, slug, meeting id or private token
    // custom feeds: each any-of, by id or slug (types by name); parameters may repeat or hold commas
    std::vector<std::string> types, networks, organisations, venues;
    // The key of its answer in the render cache: a private feed by its token's hash, never by the
    // token; a custom feed by its canonical (sorted, deduplicated) selection.
    std::string cache_key() const;
};

// The local date now in the service's zone, worked out at most once a second per thread.
const std::string& today(const config::settings& settings, std::int64_t now);

// A cached current answer without touching the database (the I/O thread's fast path), or null.
std::shared_ptr<const rendered_answer> cached_feed(context& ctx, const feed_request& request);
// The feed, from the cache when it is current, else rendered in one snapshot and cached.
// not_found for a feed that does not exist (unknown type, slug, meeting, revoked token);
// bad_parameter for a custom feed's unknown slug, type or too many values.
std::shared_ptr<const rendered_answer> calendar_feed(context& ctx, const feed_request& request);

// An Atom feed's content: the coming meetings of a scope, from today (midnight in the service's
// zone) to the end of the iCalendar feeds' window (feeds.window_future_days), each occurrence of
// a series on its own, cancelled ones while they are ahead; with their venues, organisers and
// networks. Organisers' contact details only where public.
struct upcoming_meetings {
    feed_request::scope kind = feed_request::scope::all;
    std::string value;  // the type or the slug
    std::string name;   // the scope's name ("Nätverket för integration", "FRÖ-möten"); empty for all
    std::string day;    // the local date it starts from
    // The latest change of what it shows: the newest updated_at of its meetings, or the start of
    // the day when it shows none; from the data alone, so every instance renders the same bytes.
    std::int64_t updated = 0;
    std::vector<db::meeting> meetings;  // by start
    surroundings around;                // venues, organisations, networks (no seats)
};
// Turns the content into the answer's body and content type (the adapter's template).
using upcoming_renderer = std::function<rendered_answer(const upcoming_meetings&)>;
// As calendar_feed, for an Atom feed (request.as == atom): all, a type, a network, an
// organisation or a venue; not_found for any other scope and for a slug or type that names
// nothing. Cached in the render cache under a key of its own.
std::shared_ptr<const rendered_answer> upcoming_feed(context& ctx, const feed_request& request,
                                                     const upcoming_renderer& render);

// The holder's feed of their sign-up: the meeting while the sign-up is active, an empty
// calendar once it is cancelled (so that a subscribed client drops the event). Not cached:
// sign-up writes do not raise the change counter. not_found for a link that opens nothing.
rendered_answer holder_feed(context& ctx, const std::string& secret);

// One entry of the list of public feeds.
struct feed_listing {
    std::string kind;  // all, type, network, organisation, venue
    std::string name;
    std::string path;  // "/feeds/all.ics"
};
std::vector<feed_listing> public_feeds(context& ctx);

// Private feeds: a saved filter behind a secret link, shown once.
struct feed_token_input {
    unreadable_input unreadable;
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> types;
    std::optional<std::vector<db::id_t>> network_ids;
    std::optional<std::vector<db::id_t>> organisation_ids;
};
struct issued_feed_token {
    db::feed_token token;
    std::string secret;  // shown once
};
issued_feed_token create_feed_token(context& ctx, const credentials& who, const feed_token_input& in);
std::vector<db::feed_token> list_feed_tokens(context& ctx, const credentials& who);
issued_feed_token rotate_feed_token(context& ctx, const credentials& who, db::id_t id);
void revoke_feed_token(context& ctx, const credentials& who, db::id_t id);

}  // namespace kal::service::app
