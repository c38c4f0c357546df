#pragma once
// A network, an organisation or a venue as its own page shows it to everyone: the thing, what it
// is linked to, and its meetings (the query says from when and how many; its scope is the
// thing's), with what a list shows beside them. Each is ONE snapshot, so the thing and its
// meetings agree. Drafts never show; contact details of organisations only where the
// organisation made them public (shows_contact for an anonymous caller): those of every other
// organisation are taken out of the result, so no page can show them by mistake.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/model.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/app/meetings.hpp"

namespace kal::service::app {

struct network_scope {
    db::network network;
    std::vector<db::organisation> owners;  // in Swedish order
    meeting_listing meetings;
};

struct organisation_scope {
    organisation_view organisation;
    std::vector<db::network> networks;  // those it owns, in Swedish order
    std::vector<db::venue> venues;      // those it owns, in Swedish order
    meeting_listing meetings;           // those it organises
};

struct venue_scope {
    db::venue venue;
    std::optional<db::organisation> owner;
    meeting_listing meetings;  // held there: its bookings
};

// not_found for a slug that names nothing (ids are not slugs here: a page's address has the slug).
network_scope network_scope_of(context& ctx, const std::string& slug, meeting_query q);
organisation_scope organisation_scope_of(context& ctx, const std::string& slug, meeting_query q);
venue_scope venue_scope_of(context& ctx, const std::string& slug, meeting_query q);

}  // namespace kal::service::app
