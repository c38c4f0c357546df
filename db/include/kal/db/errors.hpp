#pragma once
// db/'s one error family. Every failure that leaves db/ is one of these (nothing else: no
// std::invalid_argument, no SOCI error); the application layer maps each kind to an answer in
// one place.
//
// What an error carries (what(), field, ids) never quotes a stored or bound value: database
// texts that can (PostgreSQL's DETAIL, e.g. a unique key's value or the bytes of invalid UTF-8,
// and SOCI's context with the bound values) are dropped when a database error is classified.
// So what() may be logged as it is.

#include <stdexcept>
#include <string>
#include <vector>

#include "kal/db/model.hpp"

namespace kal::db {

enum class error_kind {
    internal,           // a fault of db/ or of the database (500): the base class itself
    not_found,          // the thing asked for does not exist (404)
    invalid_reference,  // an id in the written record names nothing (422 naming field())
    validation,         // a value that cannot be stored: out of range, too many values (422 naming field())
    conflict,           // the write contradicts stored state (409, field() may be empty)
    venue_conflict,     // a venue is already booked at an overlapping time (409 listing meeting_ids)
    sign_up_refused,    // the sign-up rules refuse it (409 with reason)
    unavailable,        // the database cannot be reached, or no session was free in time (503)
};

struct error : std::runtime_error {
    explicit error(const std::string& what) : std::runtime_error(what) {}
    virtual error_kind kind() const noexcept { return error_kind::internal; }
};

struct not_found : error {
    using error::error;
    error_kind kind() const noexcept override { return error_kind::not_found; }
};

// `field` names the member of the written record (e.g. "venue_id", "organisation_ids").
struct invalid_reference : error {
    std::string field;
    invalid_reference(std::string field_name, const std::string& what) : error(what), field(std::move(field_name)) {}
    error_kind kind() const noexcept override { return error_kind::invalid_reference; }
};

// A value db/ refuses to store or to query with: outside an allowed range (party_size < 1), a
// filter list longer than the statement limits allow, a database URL it cannot use, or a value
// the database's own constraints refuse. `field` names the member or setting ("party_size",
// "network_ids", "url"); it is empty only when the database did not say which column it was.
struct invalid_value : error {
    std::string field;
    invalid_value(std::string field_name, const std::string& what) : error(what), field(std::move(field_name)) {}
    error_kind kind() const noexcept override { return error_kind::validation; }
};

// The write contradicts stored state: still referenced, a slug given explicitly that is taken, a
// cancelled sign-up changed, a party too large for the free seats. `field` may be empty.
struct conflict : error {
    std::string field;
    conflict(std::string field_name, const std::string& what) : error(what), field(std::move(field_name)) {}
    error_kind kind() const noexcept override { return error_kind::conflict; }
};

// The meetings already booked at the venue at an overlapping time, ascending.
struct venue_conflict : error {
    std::vector<id_t> meeting_ids;
    venue_conflict(std::vector<id_t> ids, const std::string& what) : error(what), meeting_ids(std::move(ids)) {}
    error_kind kind() const noexcept override { return error_kind::venue_conflict; }
};

// Why a sign-up is refused.
enum class sign_up_refusal { draft, cancelled, started, deadline_passed, quota_full };

struct sign_up_refused : error {
    sign_up_refusal reason;
    sign_up_refused(sign_up_refusal r, const std::string& what) : error(what), reason(r) {}
    error_kind kind() const noexcept override { return error_kind::sign_up_refused; }
};

// The database cannot be reached, its connection broke, it stayed busy (SQLite) or kept failing
// with serialization failures (PostgreSQL), or no pooled session was free within the lease
// timeout. Retrying later may succeed.
struct unavailable : error {
    using error::error;
    error_kind kind() const noexcept override { return error_kind::unavailable; }
};

}  // namespace kal::db
