#pragma once
// The directory: organisations, networks and venues. Every write here changes what feeds show
// (names, addresses and owners appear in them) and so marks its unit feeds_changed().
//
// Slugs: an empty slug on create is made from the name (slugify) and made unique in its table
// with -2, -3, ...; generated slugs stay unique under any number of concurrent creates (on
// PostgreSQL they are serialised per table by an advisory lock; a unique violation on one retries
// the unit). A slug given explicitly must be free: conflict("slug") otherwise. An empty slug on
// update keeps the stored one, so links stay valid.
//
// Writes throw not_found for an unknown id, invalid_reference naming the field for unknown
// referenced ids, and write nothing when they throw.

#include <optional>
#include <string>
#include <string_view>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

// Lower-case ASCII slug from a name: å,ä -> a, ö -> o, é -> e, ü -> u, other runs -> '-'; at most
// 80 characters; "x" when nothing is left.
std::string slugify(std::string_view name);

struct organisation_filter {
    std::string q;  // case-insensitive substring of the name (Å, Ä, Ö fold on both databases)
    std::optional<organisation_kind> kind;
    int limit = 50;               // clamped to 1..1000
    std::optional<cursor> after;  // ordered by id (sort_key = id)
};

struct network_filter {
    std::string q;
    std::optional<network_kind> kind;
    std::optional<id_t> organisation_id;  // networks this organisation owns
    int limit = 50;
    std::optional<cursor> after;
};

struct venue_filter {
    std::string q;
    std::optional<id_t> organisation_id;  // venues this organisation owns
    int limit = 50;
    std::optional<cursor> after;
};

class organisations {
public:
    explicit organisations(unit_of_work& w) : w_(w) {}

    // Assigns id, slug and timestamps (now).
    organisation create(organisation o);
    std::optional<organisation> find(id_t id);
    std::optional<organisation> find_by_slug(const std::string& slug);
    organisation update(const organisation& o);  // not_found
    // not_found; conflict while meetings, series or venues refer to it. Its networks lose the
    // ownership link, its API and feed tokens go with it.
    void remove(id_t id);
    page<organisation> list(const organisation_filter& f);

private:
    unit_of_work& w_;
};

class networks {
public:
    explicit networks(unit_of_work& w) : w_(w) {}

    // invalid_reference("organisation_ids") for unknown owners.
    network create(network n);
    std::optional<network> find(id_t id);
    std::optional<network> find_by_slug(const std::string& slug);
    network update(const network& n);  // not_found; invalid_reference("organisation_ids")
    void remove(id_t id);              // not_found; meetings and series keep existing, without the link
    page<network> list(const network_filter& f);

private:
    unit_of_work& w_;
};

class venues {
public:
    explicit venues(unit_of_work& w) : w_(w) {}

    venue create(venue v);  // invalid_reference("organisation_id")
    std::optional<venue> find(id_t id);
    std::optional<venue> find_by_slug(const std::string& slug);
    venue update(const venue& v);  // not_found; invalid_reference("organisation_id")
    void remove(id_t id);          // not_found; conflict while meetings or series use it
    page<venue> list(const venue_filter& f);

private:
    unit_of_work& w_;
};

}  // namespace kal::db
