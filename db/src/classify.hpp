#pragma once
// Database errors into db/'s error family (errors.hpp). The database's own text never reaches
// what an error carries: it can quote bound or stored values (PostgreSQL's DETAIL with a unique
// key's value, the bytes of invalid UTF-8, SOCI's context with every bound value). Only fixed
// texts, SQLSTATEs / SQLite result codes and schema names (a constraint's column) are kept.

#include <soci/soci.h>

#include <string>

namespace kal::db::detail {

enum class failure {
    connection,   // the connection is gone: reconnect before the session is used again
    busy,         // SQLite stayed locked past busy_timeout
    retry,        // PostgreSQL serialization failure or deadlock: the unit may run again
    unique,       // unique violation
    foreign_key,  // foreign key violation
    check,        // check constraint or NOT NULL violation
    bad_data,     // PostgreSQL class 22: invalid text encoding, value out of range, ...
    other,
};

struct classified {
    failure kind = failure::other;
    std::string code;    // SQLSTATE, or "sqlite:<result code>"
    std::string column;  // for unique and check: the column the constraint names, when known
};

classified classify(const soci::soci_error& e, bool postgresql);

// Throws the db error for a classified failure (never returns).
[[noreturn]] void raise(const classified& c);

}  // namespace kal::db::detail
