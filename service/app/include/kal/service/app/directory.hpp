#pragma once
// The directory: organisations (associations and the city's units), networks (area networks,
// ortsråd, interest networks, samråd, forums) and the venues the parties share. Who may change
// what: an admin anything; an organiser its own organisation, the networks it owns and the
// venues its organisation owns. Contact details of an organisation are public only when marked
// public (its own organisers and admins always see them).

#include <optional>
#include <string>
#include <vector>

#include "kal/db/change_log.hpp"
#include "kal/db/directory.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/meetings.hpp"

namespace kal::service::app {

struct directory_query {
    std::string q;
    std::optional<std::string> kind;
    std::optional<std::string> organisation;  // networks and venues: owned by (id or slug)
    int limit = 50;
    std::optional<db::cursor> after;
};

struct organisation_view {
    db::organisation organisation;
    bool shows_contact = false;  // contact details may be shown to this caller (shows_contact)
};

// Whether `who` (nullopt: anyone) may see an organisation's contact details: everyone when the
// organisation made them public, its own organisers and admins always.
bool shows_contact(const std::optional<principal>& who, const db::organisation& o);
// The organisation as anyone may see it: its contact details gone unless they are public (for
// reads that hand whole organisations to a page or a feed).
void hide_private_contact(db::organisation& o);

struct organisation_input {
    unreadable_input unreadable;
    std::optional<std::string> kind;
    std::optional<std::string> name;
    std::optional<std::string> slug;
    nullable<std::string> contact_email;
    nullable<std::string> contact_phone;
    std::optional<bool> contact_public;
};

struct network_input {
    unreadable_input unreadable;
    std::optional<std::string> kind;
    std::optional<std::string> name;
    std::optional<std::string> slug;
    std::optional<std::string> description;
    std::optional<std::vector<db::id_t>> organisation_ids;
};

struct venue_input {
    unreadable_input unreadable;
    std::optional<std::string> name;
    std::optional<std::string> slug;
    std::optional<std::string> address;
    nullable<std::int64_t> capacity;
    std::optional<bool> step_free;
    std::optional<bool> hearing_loop;
    std::optional<bool> accessible_toilet;
    std::optional<std::string> accessibility_notes;
    nullable<double> latitude;
    nullable<double> longitude;
    nullable<db::id_t> organisation_id;
    std::optional<bool> shared;
};

db::page<organisation_view> list_organisations(context& ctx, const credentials& who, const directory_query& q);
organisation_view find_organisation(context& ctx, const credentials& who, db::id_t id);
db::organisation create_organisation(context& ctx, const credentials& who, const organisation_input& in);
db::organisation update_organisation(context& ctx, const credentials& who, db::id_t id, const organisation_input& in);
void delete_organisation(context& ctx, const credentials& who, db::id_t id);

db::page<db::network> list_networks(context& ctx, const credentials& who, const directory_query& q);
db::network find_network(context& ctx, const credentials& who, db::id_t id);
db::network create_network(context& ctx, const credentials& who, const network_input& in);
db::network update_network(context& ctx, const credentials& who, db::id_t id, const network_input& in);
void delete_network(context& ctx, const credentials& who, db::id_t id);

db::page<db::venue> list_venues(context& ctx, const credentials& who, const directory_query& q);
db::venue find_venue(context& ctx, const credentials& who, db::id_t id);
db::venue create_venue(context& ctx, const credentials& who, const venue_input& in);
db::venue update_venue(context& ctx, const credentials& who, db::id_t id, const venue_input& in);
void delete_venue(context& ctx, const credentials& who, db::id_t id);

// ---- the organisers' directory pages (issue 12, item 8; org-dir) --------------------------------
// The same rules as the use cases above, read for a page before it offers a form: what a signed-in
// user may change, and the thing to change (forbidden when the user may not, as the write would
// be). unauthenticated without a signed-in user (a session or a user's token).

template <class T>
struct manageable {
    T item;
    bool may_edit = false;  // the update use case would let this user change it
};

struct managed_directory {
    bool admin = false;  // may create organisations, and venues and networks without an owner
    std::vector<db::organisation> writable;  // the organisations the user writes for (every one for an admin)
    std::vector<manageable<db::organisation>> organisations;  // every one, by Swedish name
    std::vector<manageable<db::network>> networks;
    std::vector<manageable<db::venue>> venues;
};
managed_directory directory_to_manage(context& ctx, const credentials& who);

// forbidden unless the user may create organisations (an admin), as create_organisation.
void require_organisation_creator(context& ctx, const credentials& who);
// An organisation as its organiser or an admin edits it (contact details included): not_found,
// forbidden as update_organisation.
db::organisation organisation_to_edit(context& ctx, const credentials& who, db::id_t id);
// A network as an organiser of one of its owners or an admin edits it: not_found, forbidden as
// update_network.
db::network network_to_edit(context& ctx, const credentials& who, db::id_t id);
// A venue as an organiser of its owner or an admin edits it, with its change log (newest
// first): not_found, forbidden as update_venue.
struct editable_venue {
    db::venue venue;
    std::vector<db::change_entry> changes;
};
editable_venue venue_to_edit(context& ctx, const credentials& who, db::id_t id);

}  // namespace kal::service::app
