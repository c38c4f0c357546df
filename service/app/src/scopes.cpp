#include "kal/service/app/scopes.hpp"

#include <algorithm>

#include "kal/db/directory.hpp"
#include "kal/service/app/collation.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

namespace {

// The meetings of a thing found by its slug in the same snapshot: by its id, so that a slug
// made of digits is not read as an id.
template <class Repository, class Read>
auto scope_of(context& ctx, const std::string& slug, meeting_query q, std::optional<std::string> meeting_query::*scope,
              const char* what, Read read) {
    return ctx.database.snapshot([&](db::unit_of_work& w) {
        auto thing = Repository{w}.find_by_slug(slug);
        if (!thing) throw not_found(std::string("No ") + what + " " + slug);
        q.*scope = std::to_string(thing->id);
        auto meetings = list_meetings_around(w, std::nullopt, q);
        for (auto& [id, o] : meetings.around.organisations) hide_private_contact(o);
        return read(std::move(*thing), std::move(meetings));
    });
}

template <class T>
void sort_by_name(std::vector<T>& v) {
    std::sort(v.begin(), v.end(), by_swedish_name{});
}

}  // namespace

network_scope network_scope_of(context& ctx, const std::string& slug, meeting_query q) {
    return scope_of<db::networks>(
        ctx, slug, std::move(q), &meeting_query::network, "network", [](db::network n, meeting_listing meetings) {
            network_scope out{std::move(n), {}, std::move(meetings)};
            for (auto id : out.network.organisation_ids)
                if (auto o = out.meetings.around.organisations.find(id); o != out.meetings.around.organisations.end())
                    out.owners.push_back(o->second);
            sort_by_name(out.owners);
            return out;
        });
}

organisation_scope organisation_scope_of(context& ctx, const std::string& slug, meeting_query q) {
    return scope_of<db::organisations>(
        ctx, slug, std::move(q), &meeting_query::organisation, "organisation",
        [](db::organisation o, meeting_listing meetings) {
            const bool shows = shows_contact(std::nullopt, o);
            hide_private_contact(o);
            organisation_scope out{{std::move(o), shows}, {}, {}, std::move(meetings)};
            const auto id = out.organisation.organisation.id;
            for (const auto& [_, n] : out.meetings.around.networks)
                if (std::find(n.organisation_ids.begin(), n.organisation_ids.end(), id) != n.organisation_ids.end())
                    out.networks.push_back(n);
            for (const auto& [_, v] : out.meetings.around.venues)
                if (v.organisation_id == id) out.venues.push_back(v);
            sort_by_name(out.networks);
            sort_by_name(out.venues);
            return out;
        });
}

venue_scope venue_scope_of(context& ctx, const std::string& slug, meeting_query q) {
    return scope_of<db::venues>(ctx, slug, std::move(q), &meeting_query::venue, "venue",
                                [](db::venue v, meeting_listing meetings) {
                                    venue_scope out{std::move(v), std::nullopt, std::move(meetings)};
                                    if (out.venue.organisation_id)
                                        if (auto o = out.meetings.around.organisations.find(*out.venue.organisation_id);
                                            o != out.meetings.around.organisations.end())
                                            out.owner = o->second;
                                    return out;
                                });
}

}  // namespace kal::service::app
