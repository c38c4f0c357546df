#include "sql.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <exception>

#include "statement_counts.hpp"

namespace kal::db::detail {

stmt::stmt(soci::session& sql, std::string query)
    : own_(std::make_unique<core>(sql, std::move(query))), c_(own_.get()) {}

stmt::stmt(soci::session& sql, std::string query, statement_cache* kept_on) : uncaught_(std::uncaught_exceptions()) {
    if (kept_on) {
        c_ = kept_on->lease(query);
        if (c_) cache_ = kept_on;
    }
    if (!c_) {
        own_ = std::make_unique<core>(sql, std::move(query));
        c_ = own_.get();
    }
}

stmt::~stmt() {
    if (cache_) cache_->give_back(c_, std::uncaught_exceptions() > uncaught_);
}

void stmt::prepare() {
    if (!c_->prepared) {
        c_->st.alloc();
        // A statement made for one execution is sent as such: on PostgreSQL an unnamed statement
        // parsed, bound and run in one round trip, never DEALLOCATEd.
        c_->st.prepare(c_->query, c_->kept ? soci::details::st_repeatable_query : soci::details::st_one_time_query);
        c_->st.define_and_bind();
        c_->prepared = true;
        testing_counts::prepared.fetch_add(1, std::memory_order_relaxed);
    }
    c_->bound = c_->kept;
    testing_counts::run.fetch_add(1, std::memory_order_relaxed);
}

void stmt::copy_out() {
    if (!c_->kept) return;
    for (auto& slot : c_->intos) slot->copy_out();
}

long long stmt::run() {
    prepare();
    c_->st.execute(true);
    return c_->st.get_affected_rows();
}

bool stmt::one() {
    prepare();
    bool got = c_->st.execute(true) && c_->st.got_data();
    if (got) copy_out();
    return got;
}

bool stmt::next() {
    if (!c_->executed) {
        prepare();
        c_->st.execute(false);
        c_->executed = true;
    }
    bool got = c_->st.fetch();
    if (got) copy_out();
    return got;
}

statement_cache::~statement_cache() { clear(); }

void statement_cache::drop(std::unique_ptr<stmt::core> c) {
    // SQLite finalizes without a word. On PostgreSQL SOCI would DEALLOCATE, and throw from the
    // destructor if the connection is gone (or only seems open after a server restart): let go.
    if (postgresql_) (void)c.release();
}

void statement_cache::clear() {
    for (auto& [query, c] : entries_) drop(std::move(c));
    entries_.clear();
}

stmt::core* statement_cache::lease(const std::string& query) {
    auto it = entries_.find(query);
    if (it == entries_.end()) {
        if (entries_.size() >= capacity_) return nullptr;
        auto c = std::make_unique<stmt::core>(sql_, query);
        c->kept = true;
        it = entries_.emplace(query, std::move(c)).first;
    }
    auto* c = it->second.get();
    if (c->in_use) return nullptr;
    c->in_use = true;
    c->executed = false;
    c->next_use = 0;
    c->next_into = 0;
    return c;
}

void statement_cache::give_back(stmt::core* c, bool failed) {
    c->in_use = false;
    c->executed = false;
    if (postgresql_) {
        if (c->prepared) return;
        // Never prepared (its PQprepare failed, or it was not run): not kept.
        auto it = entries_.find(c->query);
        auto owned = std::move(it->second);
        entries_.erase(it);
        drop(std::move(owned));
        return;
    }
    if (failed || !c->prepared) {
        const std::string query = c->query;  // the key outlives the entry it names
        entries_.erase(query);
        return;
    }
    // Ends the statement's read at once: a kept statement must not hold SQLite's read snapshot
    // (nor block a checkpoint) until its next use. The cache is made for SQLite sessions only here.
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(c->st.get_backend());
    if (backend && backend->stmt_) sqlite3_reset(backend->stmt_);
}

}  // namespace kal::db::detail
