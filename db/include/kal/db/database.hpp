#pragma once
// The database: one object per process owning the connection pool, the dialect, migrations,
// transactions, retries and the classification of database errors (errors.hpp). All work runs
// as a unit of work: one pooled session, one transaction, all of its effects committed or none.
//
//     auto stored = db.write(now, [&](db::unit_of_work& w) {
//         auto result = db::rsvps{w}.sign_up(r, token_hash);
//         if (result.created) db::outbox{w}.enqueue(confirmation_of(result.stored));
//         return result;
//     });
//
// Repositories (directory.hpp, meetings.hpp, ...) are small objects made on a unit of work for
// the duration of a call; they hold no state of their own.
//
// Calls block: run them on the database thread pool, never on I/O threads. Units do not nest:
// calling write/read/snapshot inside a unit's function leases a second session and may wait for
// the first (do not). SOCI stays out of this header; repositories reach the session through a
// private header of db/src.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kal/db/errors.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

struct database_options {
    // sqlite:PATH (parent directories are made) or postgresql://user@host:port/db (libpq URI).
    std::string url = "sqlite:var/kalendarium.db";
    std::size_t pool_size = 4;                      // at least 1
    std::chrono::milliseconds lease_timeout{2000};  // waiting longer for a session: unavailable
    std::chrono::milliseconds busy_timeout{5000};   // SQLite busy_timeout
};

class unit_of_work;

namespace detail {
struct unit_state;  // db/src/unit.hpp

// A non-owning reference to a callable, valid for one call (no allocation per unit of work).
class unit_function {
public:
    template <class F>
    explicit unit_function(F& f)
        : object_(&f), call_([](void* o, unit_of_work& w) { (*static_cast<F*>(o))(w); }) {}
    void operator()(unit_of_work& w) const { call_(object_, w); }

private:
    void* object_;
    void (*call_)(void*, unit_of_work&);
};
}  // namespace detail

// One transaction on one leased session, handed to the function given to database::write,
// read or snapshot. Valid only during that call.
class unit_of_work {
public:
    unit_of_work(const unit_of_work&) = delete;
    unit_of_work& operator=(const unit_of_work&) = delete;

    // The instant the caller passed to database::write. Repositories stamp created_at,
    // updated_at, cancelled_at, ... with it and decide "started", "deadline passed" and "due" by
    // it; no repository reads the system clock. 0 in read and snapshot units (reads take the
    // instants they need as arguments).
    instant now() const noexcept;

    // Marks this unit as changing what feeds show. When the unit commits, the change counter is
    // raised once, as the last statement of the transaction (so a failed unit leaves it alone and
    // the counter's row lock on PostgreSQL is held only for the commit), and
    // database::local_feed_commits() rises by one. The repositories call it for every write of
    // organisations, networks, venues, meetings and series and for rotating or revoking a feed
    // token; writes of sign-ups, quotas, check-ins, the outbox, reminders, API tokens and
    // personal data do not. Calling it more than once is the same as once.
    void feeds_changed() noexcept;

    bool is_write() const noexcept;
    bool is_postgresql() const noexcept;

private:
    friend class database;
    friend struct detail::unit_state;
    explicit unit_of_work(detail::unit_state& state) : state_(&state) {}
    detail::unit_state* state_;
};

class database {
public:
    // Opens every pooled session. Throws invalid_value("url") for a URL that is neither sqlite:
    // nor postgresql://, or an empty SQLite path; unavailable when the database cannot be
    // reached.
    explicit database(const database_options& options);
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    // Applies the migrations not yet recorded in schema_version, one transaction each;
    // idempotent and safe to run concurrently from several processes. Returns the version now
    // in force. up_to stops at that version (tests of upgrades make older databases with it).
    int migrate(int up_to = std::numeric_limits<int>::max());
    int schema_version();
    bool is_postgresql() const noexcept;
    // A trivial query; throws unavailable when the database cannot be reached.
    void ping();
    std::size_t pool_in_use() const noexcept;
    std::size_t pool_size() const noexcept;

    // Committed units made through this object that called feeds_changed(). Lets this process's
    // feed cache see its own writes at once; other instances' writes are seen through
    // feeds::change_counter().
    std::uint64_t local_feed_commits() const noexcept;

    // A write unit: one transaction (BEGIN IMMEDIATE on SQLite, so writers are serialised and a
    // read-then-write cannot fail on upgrade; READ COMMITTED with explicit row locks on
    // PostgreSQL). On PostgreSQL a serialization failure or deadlock rolls back and runs fn
    // again (up to a bound, then unavailable), as does a unique violation of a value the unit
    // generated itself (a slug): fn must therefore have no effect outside the database, and
    // may run more than once. An exception from fn rolls back and propagates. Returns what fn
    // returns.
    // The errors repositories throw themselves (not_found, conflict, sign_up_refused, ...) leave
    // the transaction usable: fn may catch one and go on. A statement the database refused ends
    // the unit: its failure passes through fn as an exception of no type of errors.hpp (do not
    // catch it there) and becomes one of them when it leaves fn.
    template <class F>
    auto write(instant now, F&& fn) {
        return run(access::write, now, std::forward<F>(fn));
    }

    // A read unit: READ COMMITTED READ ONLY on PostgreSQL (each statement sees the latest
    // commits), a deferred transaction on SQLite. Repositories refuse writes in it (error, the
    // internal kind: a programming error).
    template <class F>
    auto read(F&& fn) {
        return run(access::read, 0, std::forward<F>(fn));
    }

    // A read unit in which every statement sees the same state of the database: REPEATABLE READ
    // READ ONLY on PostgreSQL (which never fails with a serialization error), and on SQLite
    // every transaction is one snapshot (WAL). Feed loads require it.
    template <class F>
    auto snapshot(F&& fn) {
        return run(access::snapshot, 0, std::forward<F>(fn));
    }

private:
    enum class access { read, snapshot, write };

    template <class F>
    auto run(access a, instant now, F&& fn) {
        using result = std::invoke_result_t<F&, unit_of_work&>;
        if constexpr (std::is_void_v<result>) {
            auto call = [&](unit_of_work& w) { fn(w); };
            run_unit(a, now, detail::unit_function(call));
        } else {
            static_assert(!std::is_reference_v<result>, "a unit of work returns values, not references");
            std::optional<result> out;
            auto call = [&](unit_of_work& w) {
                out.reset();  // a retried unit replaces what an earlier attempt returned
                out.emplace(fn(w));
            };
            run_unit(a, now, detail::unit_function(call));
            return std::move(*out);
        }
    }

    void run_unit(access a, instant now, detail::unit_function fn);

    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace kal::db
