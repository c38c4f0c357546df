// The database over SOCI: the pool, leasing, transactions, retries and migrations.
//
// Invariants kept here:
// - Every write unit on SQLite starts with BEGIN IMMEDIATE, so writers are serialised and a
//   read-then-write (slug choice, venue overlap, seat count) cannot race or fail on upgrade.
// - change_counter is raised as the last statement of a unit marked feeds_changed(), so a failed
//   unit leaves it alone and the row lock it takes on PostgreSQL is held only briefly.
// - A session whose connection broke is marked and reconnected when it is next leased, so the
//   service recovers by itself when the database comes back; the first failure marks every
//   other session suspect (pinged before use), so a server restart costs one failed unit, not
//   one per session.
// - Every error leaving here is one of errors.hpp, without the database's own text (classify.hpp).

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "classify.hpp"
#include "kal/db/database.hpp"
#include "kal/db/testing.hpp"
#include "migrations.hpp"
#include "pg_conninfo.hpp"
#include "sql.hpp"
#include "sqlite_lower.hpp"
#include "unit.hpp"
#include "statement_counts.hpp"

namespace kal::db {

namespace {

using detail::failure;
using detail::unit_access;

// How many times a write unit runs after a PostgreSQL serialization failure or deadlock, or a
// unique violation on a value it generated (slug). Generated slugs are also serialised by a lock,
// so that is a safety net rather than the mechanism.
constexpr int max_write_attempts = 20;
// pg_advisory_xact_lock key of migrations: "kal" in the high bytes, then the purpose.
constexpr long long migration_lock_key = 0x6b616c0000000001LL;

constexpr const char* raise_change_counter = "UPDATE change_counter SET value = value + 1 WHERE id = 1";
constexpr const char* create_schema_version =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL)";
constexpr const char* insert_schema_version =
    "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :n, :t)";

std::atomic<std::uint64_t> statements_started_count{0};
std::atomic<std::uint64_t> transactions_started_count{0};

// Counts every statement a session starts (see kal/db/testing.hpp) and, like SOCI's standard
// logger that it replaces, remembers the last one (its text only: values are bound separately).
class counting_logger : public soci::logger_impl {
public:
    void start_query(const std::string& query) override {
        statements_started_count.fetch_add(1, std::memory_order_relaxed);
        if (query.rfind("BEGIN", 0) == 0) transactions_started_count.fetch_add(1, std::memory_order_relaxed);
        last_query_ = query;
    }
    std::string get_last_query() const override { return last_query_; }

private:
    soci::logger_impl* do_clone() const override { return new counting_logger; }
    std::string last_query_;
};

// Splits a migration into statements at each ';' that ends a line (see the .sql files' header),
// except inside a dollar-quoted body ($$ ... $$, a PL/pgSQL function's: 0010), whose lines end
// with ';' of their own. Whole-line comments outside bodies are left out: SOCI reads ':name' as
// a placeholder wherever it is not between single quotes, and counts the quotes of comments too,
// so an apostrophe in a comment would turn a ':' in a string after it into a placeholder.
std::vector<std::string> split_statements(std::string_view sql) {
    std::vector<std::string> out;
    std::string current;
    bool meaningful = false;
    bool in_body = false;
    std::size_t pos = 0;
    while (pos < sql.size()) {
        auto eol = sql.find('\n', pos);
        auto line = sql.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? sql.size() : eol + 1;
        auto last = line.find_last_not_of(" \t\r");
        auto first = line.find_first_not_of(" \t\r");
        const bool comment = first != std::string_view::npos && line.substr(first, 2) == "--";
        if (first != std::string_view::npos && !comment) meaningful = true;
        if (comment && !in_body) continue;
        for (auto at = line.find("$$"); at != std::string_view::npos; at = line.find("$$", at + 2)) in_body = !in_body;
        current.append(line);
        current += '\n';
        if (!in_body && last != std::string_view::npos && line[last] == ';') {
            if (meaningful) out.push_back(current.substr(0, current.find_last_of(';')));
            current.clear();
            meaningful = false;
        }
    }
    if (meaningful) out.push_back(current);
    return out;
}

// SQLite's lock around every call on a connection (its default, "serialized" mode) guards
// against one connection used by two threads at once, which never happens here: a pooled session
// and the statements kept on it belong to one lease at a time, and every other session (the
// command line's, the migrations') to one thread. In "multi-thread" mode a 50-meeting list makes
// about 8,600 fewer lock operations (issue 13's profile). It must be set before SQLite is first
// used in the process; if something used it earlier (sqlite3_config then answers SQLITE_MISUSE),
// SQLite stays serialized, which is only slower.
void sqlite_without_connection_locks() {
    static std::once_flag once;
    std::call_once(once, [] { sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD); });  // soci-sqlite3.h wraps sqlite3.h
}

}  // namespace

namespace detail {

void require_write(unit_of_work& w) {
    if (unit_state::of(w).access != unit_access::write)
        throw error("kal::db: a write was attempted in a read unit of work");
}

void require_snapshot(unit_of_work& w) {
    if (unit_state::of(w).access != unit_access::snapshot)
        throw error("kal::db: a feed must be loaded in a snapshot unit of work");
}

}  // namespace detail

instant unit_of_work::now() const noexcept { return state_->now; }
void unit_of_work::feeds_changed() noexcept { state_->feeds_changed = true; }
bool unit_of_work::is_write() const noexcept { return state_->access == unit_access::write; }
bool unit_of_work::is_postgresql() const noexcept { return state_->postgresql; }

struct database::impl {
    bool postgresql_ = false;
    std::string backend_;
    std::string connect_;
    database_options options_;
    soci::connection_pool pool_;
    // Per pool slot: healthy, suspect (another session lost its connection, so the server may
    // have restarted: check before use) or broken (reconnect before use).
    enum slot_state : int { healthy = 0, suspect = 1, broken = 2 };
    std::unique_ptr<std::atomic<int>[]> slots_;
    // Per pool slot: the statements kept prepared on its session (sql.hpp, statement_cache).
    std::vector<std::unique_ptr<detail::statement_cache>> statements_;
    std::atomic<std::size_t> in_use_{0};
    std::atomic<std::uint64_t> local_feed_commits_{0};

    explicit impl(const database_options& o) : options_(o), pool_(std::max<std::size_t>(o.pool_size, 1)) {
        options_.pool_size = std::max<std::size_t>(o.pool_size, 1);
        parse_url(o.url);
        if (!postgresql_) sqlite_without_connection_locks();
        slots_ = std::make_unique<std::atomic<int>[]>(options_.pool_size);
        for (std::size_t i = 0; i < options_.pool_size; ++i) slots_[i] = healthy;
        for (std::size_t i = 0; i < options_.pool_size; ++i) {
            try {
                pool_.at(i).open(backend_, connect_);
                configure(pool_.at(i));
                statements_.push_back(std::make_unique<detail::statement_cache>(pool_.at(i), postgresql_));
            } catch (const soci::soci_error& e) {
                // libpq's connection messages name host and port, never data; kept for operators.
                throw unavailable("cannot connect to the database: " + e.get_error_message());
            }
        }
    }

    void parse_url(const std::string& url) {
        if (url.rfind("sqlite:", 0) == 0) {
            std::string path = url.substr(7);
            if (path.rfind("//", 0) == 0) path = path.substr(2);  // tolerate sqlite://PATH
            if (path.empty()) throw invalid_value("url", "database url 'sqlite:' needs a file path");
            if (path.find('"') != std::string::npos)
                throw invalid_value("url", "a database path must not contain '\"'");
            auto parent = std::filesystem::path(path).parent_path();
            std::error_code ec;
            if (!parent.empty()) std::filesystem::create_directories(parent, ec);
            if (ec) throw unavailable("cannot create the database's directory: " + ec.message());
            auto seconds = (options_.busy_timeout.count() + 999) / 1000;
            postgresql_ = false;
            backend_ = "sqlite3";
            connect_ = "db=\"" + path + "\" timeout=" + std::to_string(seconds) + " shared_cache=false";
        } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
            postgresql_ = true;
            backend_ = "postgresql";
            auto conninfo = detail::pg_conninfo(url);
            if (!conninfo) throw invalid_value("url", "the PostgreSQL url cannot be parsed");
            connect_ = *conninfo;
        } else {
            // The URL may hold a password: it is not repeated.
            throw invalid_value("url", "a database url must start with 'sqlite:' or 'postgresql://'");
        }
    }

    void configure(soci::session& s) {
        s.set_logger(soci::logger(new counting_logger));
        if (postgresql_) {
            // "relation already exists, skipping" and the like would go to stderr.
            s << "SET client_min_messages = warning";
            return;
        }
        // busy_timeout first: switching to WAL needs a lock another process may hold briefly.
        s << "PRAGMA busy_timeout=" + std::to_string(options_.busy_timeout.count());
        std::string mode;
        s << "PRAGMA journal_mode=WAL", soci::into(mode);
        s << "PRAGMA foreign_keys=ON";
        s << "PRAGMA synchronous=NORMAL";
        // Searches fold "Ö" to "ö" as PostgreSQL does (its LOWER follows the cluster's locale).
        detail::register_unicode_lower(static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_);
    }

    class lease {
    public:
        explicit lease(impl& im) : im_(im) {
            auto timeout = static_cast<int>(std::min<long long>(im.options_.lease_timeout.count(), INT_MAX));
            if (!im.pool_.try_lease(pos_, timeout))
                throw unavailable("no database session free within " + std::to_string(timeout) + " ms");
            ++im.in_use_;
            int state = im.slots_[pos_].load();
            if (state == healthy) return;
            auto& s = im.pool_.at(pos_);
            if (state == suspect && s.is_connected()) {
                im.slots_[pos_] = healthy;
                return;
            }
            try {
                if (im.statements_[pos_]) im.statements_[pos_]->clear();  // they belong to the old connection
                s.reconnect();
                im.configure(s);
                im.slots_[pos_] = healthy;
            } catch (const soci::soci_error& e) {
                im.slots_[pos_] = broken;
                release();
                throw unavailable("database unreachable: " + e.get_error_message());
            }
        }
        ~lease() { release(); }
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;

        soci::session& session() { return im_.pool_.at(pos_); }
        detail::statement_cache* statements() { return im_.statements_[pos_].get(); }
        void mark_broken() {
            for (std::size_t i = 0; i < im_.options_.pool_size; ++i) {
                int expected = healthy;
                im_.slots_[i].compare_exchange_strong(expected, suspect);
            }
            im_.slots_[pos_] = broken;
        }

    private:
        void release() {
            if (released_) return;
            released_ = true;
            --im_.in_use_;
            im_.pool_.give_back(pos_);
        }
        impl& im_;
        std::size_t pos_ = 0;
        bool released_ = false;
    };

    // A transaction that rolls back unless committed. A snapshot read sees one state of the
    // database in all of its statements: on SQLite every transaction does (WAL keeps the
    // snapshot of its first read), on PostgreSQL that takes REPEATABLE READ, which for a
    // read-only transaction never fails with a serialization error.
    class transaction {
    public:
        // A plain read on PostgreSQL takes no transaction at all: at READ COMMITTED every
        // statement sees its own snapshot anyway, so BEGIN READ ONLY and COMMIT would add two round
        // trips and no consistency (repositories refuse writes in read units themselves).
        transaction(soci::session& s, bool postgresql, unit_access a) : s_(s) {
            if (!postgresql)
                s_ << (a == unit_access::write ? "BEGIN IMMEDIATE" : "BEGIN");
            else if (a == unit_access::snapshot)
                s_ << "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
            else if (a == unit_access::write)
                s_ << "BEGIN";
            else
                done_ = true;  // nothing to end
        }
        void commit() {
            if (!done_) s_ << "COMMIT";
            done_ = true;
        }
        ~transaction() {
            if (done_) return;
            try {
                s_ << "ROLLBACK";
            } catch (...) {
                // The connection may be gone or the transaction already ended by the server.
            }
        }
        transaction(const transaction&) = delete;
        transaction& operator=(const transaction&) = delete;

    private:
        soci::session& s_;
        bool done_ = false;
    };

    detail::classified classify(lease& l, const soci::soci_error& e) {
        auto c = detail::classify(e, postgresql_);
        // A failure on a connection that has gone away can arrive with any state (or none).
        if (postgresql_ && c.kind != failure::connection && !l.session().is_connected()) c.kind = failure::connection;
        if (c.kind == failure::connection) l.mark_broken();
        return c;
    }

    int current_version(soci::session& s) {
        long long n = 0;
        if (postgresql_)
            s << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                 "AND table_name = 'schema_version'",
                soci::into(n);
        else
            s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", soci::into(n);
        if (n == 0) return 0;
        int v = 0;
        s << "SELECT COALESCE(MAX(version), 0) FROM schema_version", soci::into(v);
        return v;
    }
};

database::database(const database_options& options) : impl_(std::make_unique<impl>(options)) {}
database::~database() = default;

bool database::is_postgresql() const noexcept { return impl_->postgresql_; }
std::size_t database::pool_in_use() const noexcept { return impl_->in_use_.load(); }
std::size_t database::pool_size() const noexcept { return impl_->options_.pool_size; }
std::uint64_t database::local_feed_commits() const noexcept { return impl_->local_feed_commits_.load(); }

void database::run_unit(access a, instant now, detail::unit_function fn) {
    auto& im = *impl_;
    const auto kind = a == access::write ? unit_access::write
                      : a == access::snapshot ? unit_access::snapshot
                                              : unit_access::read;
    impl::lease l(im);
    for (int attempt = 1;; ++attempt) {
        detail::unit_state state{l.session(), im.postgresql_, kind, kind == unit_access::write ? now : 0};
        state.statements = l.statements();
        unit_of_work w(state);
        try {
            impl::transaction t(l.session(), im.postgresql_, kind);
            fn(w);
            if (state.feeds_changed) l.session() << raise_change_counter;
            t.commit();
            if (state.feeds_changed) im.local_feed_commits_.fetch_add(1);
            return;
        } catch (const soci::soci_error& e) {
            auto c = im.classify(l, e);
            bool again = kind == unit_access::write &&
                         (c.kind == failure::retry || (c.kind == failure::unique && state.retry_on_unique)) &&
                         attempt < max_write_attempts;
            if (!again) detail::raise(c);
        }
    }
}

void database::ping() {
    read([](unit_of_work& w) {
        int one = 0;
        detail::session_of(w) << "SELECT 1", soci::into(one);
    });
}

int database::migrate(int up_to) {
    auto& im = *impl_;
    std::string_view dialect_name = im.postgresql_ ? "postgresql" : "sqlite";
    std::vector<detail::migration> mine;
    for (const auto& m : detail::embedded_migrations())
        if (m.dialect == dialect_name) mine.push_back(m);
    std::sort(mine.begin(), mine.end(), [](auto& a, auto& b) { return a.version < b.version; });

    // One transaction per migration. Each starts by taking the migration lock (BEGIN IMMEDIATE
    // on SQLite, an advisory lock on PostgreSQL) and re-reading the version, so two processes
    // migrating at once apply each migration exactly once. applied_at is informational: the
    // only place db/ reads the clock.
    const auto applied_at = static_cast<long long>(std::time(nullptr));
    auto step = [&](const detail::migration* m) {
        return write(applied_at, [&](unit_of_work& w) {
            auto& s = detail::session_of(w);
            if (im.postgresql_) s << "SELECT pg_advisory_xact_lock(" + std::to_string(migration_lock_key) + ")";
            s << create_schema_version;
            int version = im.current_version(s);
            if (!m || m->version <= version) return version;
            for (const auto& sql : split_statements(m->sql)) s << sql;
            std::string name(m->name);
            detail::stmt(s, insert_schema_version).use(m->version).use(name).use(static_cast<long long>(w.now())).run();
            return m->version;
        });
    };
    int version = step(nullptr);
    for (const auto& m : mine)
        if (m.version > version && m.version <= up_to) version = std::max(version, step(&m));
    return version;
}

int database::schema_version() {
    return read([&](unit_of_work& w) { return impl_->current_version(detail::session_of(w)); });
}

std::uint64_t testing::statements_started() { return statements_started_count.load(std::memory_order_relaxed); }
std::uint64_t testing::statements_prepared() { return detail::testing_counts::prepared.load(); }
std::uint64_t testing::statements_run() {
    return statements_started_count.load() - detail::testing_counts::prepared.load() + detail::testing_counts::run.load();
}
std::uint64_t testing::transactions_started() { return transactions_started_count.load(std::memory_order_relaxed); }

}  // namespace kal::db
