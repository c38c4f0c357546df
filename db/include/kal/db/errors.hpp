#pragma once
// The store's one error family. service/ maps each to an HTTP status in one place.

#include <stdexcept>
#include <string>
#include <vector>

#include "kal/db/model.hpp"

namespace kal::db {

struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The thing asked for does not exist (404).
struct not_found : error {
    using error::error;
};

// An id in the written record names nothing (422 naming `field`).
struct invalid_reference : error {
    std::string field;
    invalid_reference(std::string field_name, const std::string& what)
        : error(what), field(std::move(field_name)) {}
};

// The write contradicts stored state: still referenced, duplicate slug given explicitly (409).
struct conflict : error {
    std::string field;  // may be empty
    conflict(std::string field_name, const std::string& what) : error(what), field(std::move(field_name)) {}
};

// A venue is already booked at an overlapping time (409 listing the meetings).
struct venue_conflict : error {
    std::vector<id_t> meeting_ids;
    venue_conflict(std::vector<id_t> ids, const std::string& what) : error(what), meeting_ids(std::move(ids)) {}
};

// The database cannot be reached, or no session was free within the lease timeout (503).
struct unavailable : error {
    using error::error;
};

}  // namespace kal::db
