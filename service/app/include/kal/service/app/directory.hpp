#pragma once
// The directory: organisations (associations and the city's units), networks (area networks,
// ortsråd, interest networks, samråd, forums) and the venues the parties share. Who may change
// what: an admin anything; an organiser its own organisation, the networks it owns and the
// venues its organisation owns. Contact details of an organisation are public only when marked
// public (its own organisers and admins always see them).

#include <optional>
#include <string>
#include <vector>

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

}  // namespace kal::service::app
