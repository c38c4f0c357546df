#pragma once
// Things named in a request by id or by slug ("network=integration" or "network=4").

#include <optional>
#include <string>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::service::app {

// The id a text names: digits are an id (whether or not it exists), anything else a slug looked
// up in the unit; an unknown slug gives -1, an id no row has, so that a filter matches nothing.
db::id_t network_id_or_slug(db::unit_of_work& w, const std::string& text);
db::id_t organisation_id_or_slug(db::unit_of_work& w, const std::string& text);
db::id_t venue_id_or_slug(db::unit_of_work& w, const std::string& text);

// The digits of a positive id that fits in 64 bits, or nullopt.
std::optional<db::id_t> parse_id(const std::string& text);

// A keyset position as an opaque text for a "next page" link, and back (nullopt for any text
// this did not make).
std::string cursor_text(const db::cursor& c);
std::optional<db::cursor> cursor_of(const std::string& text);

}  // namespace kal::service::app
