#pragma once
// Fresh databases for tests. KAL_TEST_DB selects the backend ("sqlite", the default, or
// "postgresql"); for PostgreSQL, KAL_TEST_PG_URL names the throwaway cluster that
// tests/with-postgres.sh started (postgresql://user@127.0.0.1:PORT/postgres).

#include <cstdint>
#include <string>
#include <string_view>

namespace kal::test {

// "sqlite" or "postgresql".
std::string test_backend();

// A new, empty database for one test and its URL in the store's syntax:
// "sqlite:/tmp/kal-test-XXXX/NAME.db" or "postgresql://user@127.0.0.1:PORT/kal_NAME_PID_N".
// Throws std::runtime_error (failing the test) when PostgreSQL is asked for and
// KAL_TEST_PG_URL is not set: run the suites through `make test`.
std::string fresh_database_url(std::string_view name);

// The number of rows of a table, read with a connection of its own.
std::int64_t count_rows(const std::string& url, const std::string& table);

// Every text value of every user table, one per element ("table.column=value"): lets a test
// check that a value was never written anywhere.
std::string dump_all_text(const std::string& url);

// The text in the first column of the first row of `sql`, run with `value` bound to its one
// placeholder `:value` (empty when there is no row), read with a connection of its own.
std::string first_text(const std::string& url, const std::string& sql, std::int64_t value);
// Runs `sql` (a write) with `value` bound to its one placeholder `:value`, on a connection of its own.
void run_bound(const std::string& url, const std::string& sql, std::int64_t value);

}  // namespace kal::test
