#pragma once
// Small helpers over SOCI 4.0 for the store: a statement whose bound values live inside it (so
// a WHERE clause can be assembled from fixed fragments with any number of placeholders), and
// nullable holders, because Debian's SOCI 4.0 is built without std::optional support.

#include <soci/soci.h>

#include "kal/db/errors.hpp"

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace kal::db::detail {

// A value read from a nullable column.
template <class T>
struct nullable {
    T value{};
    soci::indicator ind = soci::i_null;
    std::optional<T> get() const {
        if (ind == soci::i_ok) return value;
        return std::nullopt;
    }
};

class statement_cache;

// One SQL statement with its bound values stored inside it. Placeholders bind by position, in
// the order of the use() calls; write each placeholder once (":p1, :p2, ...").
//
// Made with a statement_cache (a hot read, see statement_cache), it is prepared once per pooled
// connection and kept: later uses of the same text only bind new values and run it (its results
// are read into its own storage and copied out to the targets given to into()). Otherwise it is
// prepared for one execution: on PostgreSQL that is one round trip (parse, bind and execute of
// an unnamed statement), with nothing to DEALLOCATE afterwards.
class stmt {
public:
    stmt(soci::session& sql, std::string query);
    stmt(soci::session& sql, std::string query, statement_cache* kept_on);
    ~stmt();
    stmt(const stmt&) = delete;
    stmt& operator=(const stmt&) = delete;

    stmt& use(long long v) { return use_value(v, nullptr); }
    stmt& use(int v) { return use_value(v, nullptr); }
    stmt& use(bool v) { return use(v ? 1 : 0); }
    stmt& use(double v) { return use_value(v, nullptr); }
    stmt& use(const std::string& v) { return use_value(std::string(checked_text(v)), nullptr); }
    stmt& use(const char* v) { return use(std::string(v)); }
    // Enumerations are stored as their one text (enums.hpp).
    template <class E>
        requires std::is_enum_v<E>
    stmt& use(E v) {
        return use(std::string(to_text(v)));
    }
    template <class T>
    stmt& use(const std::optional<T>& v) {
        const auto ind = v ? soci::i_ok : soci::i_null;
        if constexpr (std::is_same_v<T, double>)
            return use_value(v.value_or(0.0), &ind);
        else if constexpr (std::is_same_v<T, int>)
            return use_value(v.value_or(0), &ind);
        else if constexpr (std::is_same_v<T, std::string>)
            return use_value(std::string(checked_text(v.value_or(std::string()))), &ind);
        else
            return use_value(static_cast<long long>(v.value_or(0)), &ind);
    }

    template <class T>
    stmt& into(T& target) {
        return into_target(target, nullptr);
    }
    template <class T>
    stmt& into(nullable<T>& target) {
        return into_target(target.value, &target.ind);
    }

    // Runs a statement without a result set; returns the number of rows it changed.
    long long run();
    // Runs a statement returning at most one row; true when there was one.
    bool one();
    // Iterates a result set: while (s.next()) { ... }.
    bool next();

    // What a kept statement holds (public for statement_cache only).
    struct core;

private:
    // libpq passes text as C strings, so PostgreSQL would store or compare a text with a NUL cut
    // at the NUL, where SQLite keeps it whole. Refused on both, before any statement runs.
    static const std::string& checked_text(const std::string& v) {
        if (v.find('\0') != std::string::npos) throw invalid_value("", "text must not contain the NUL character");
        return v;
    }

    struct into_slot_base {
        virtual ~into_slot_base() = default;
        virtual void copy_out() = 0;
    };
    template <class T>
    struct into_slot : into_slot_base {
        T value{};
        soci::indicator ind = soci::i_ok;
        T* target = nullptr;
        soci::indicator* target_ind = nullptr;
        // A NULL leaves a plain target as it was (as SOCI does with an indicator).
        void copy_out() override {
            if (target_ind) *target_ind = ind;
            if (ind == soci::i_ok) *target = value;
        }
    };
    template <class T>
    struct use_slot {
        T value{};
        soci::indicator ind = soci::i_ok;
    };

    template <class T>
    stmt& use_value(T v, const soci::indicator* ind);
    template <class T>
    stmt& into_target(T& target, soci::indicator* target_ind);
    void prepare();
    void copy_out();

    std::unique_ptr<core> own_;
    core* c_ = nullptr;
    statement_cache* cache_ = nullptr;
    int uncaught_ = 0;
};

struct stmt::core {
    explicit core(soci::session& sql, std::string q) : st(sql), query(std::move(q)) {}
    soci::statement st;
    std::string query;
    bool prepared = false;
    bool kept = false;      // bound once, values replaced on each use
    bool bound = false;     // its uses and intos are exchanged (a kept statement after its first use)
    bool in_use = false;
    bool executed = false;  // next(): the result set is open
    std::size_t next_use = 0, next_into = 0;
    // Deques keep the addresses of bound values stable while more are added.
    std::deque<std::variant<use_slot<long long>, use_slot<int>, use_slot<double>, use_slot<std::string>>> uses;
    std::vector<std::unique_ptr<into_slot_base>> intos;
    std::deque<soci::indicator> plain_inds;
};

template <class T>
stmt& stmt::use_value(T v, const soci::indicator* ind) {
    if (c_->bound) {
        auto& slot = std::get<use_slot<T>>(c_->uses.at(c_->next_use++));
        slot.value = std::move(v);
        slot.ind = ind ? *ind : soci::i_ok;
        return *this;
    }
    auto& slot = std::get<use_slot<T>>(c_->uses.emplace_back(use_slot<T>{std::move(v), ind ? *ind : soci::i_ok}));
    if (ind) c_->st.exchange(soci::use(slot.value, slot.ind));
    else c_->st.exchange(soci::use(slot.value));
    return *this;
}

template <class T>
stmt& stmt::into_target(T& target, soci::indicator* target_ind) {
    if (!c_->kept) {
        // One execution: straight into the target.
        if (target_ind) c_->st.exchange(soci::into(target, *target_ind));
        else c_->st.exchange(soci::into(target, c_->plain_inds.emplace_back(soci::i_ok)));
        return *this;
    }
    into_slot<T>* slot = nullptr;
    if (c_->bound) {
        slot = dynamic_cast<into_slot<T>*>(c_->intos.at(c_->next_into++).get());
        if (!slot) throw error("kal::db: a kept statement was read into other types");
    } else {
        auto owned = std::make_unique<into_slot<T>>();
        slot = owned.get();
        c_->intos.push_back(std::move(owned));
        c_->st.exchange(soci::into(slot->value, slot->ind));
    }
    slot->target = &target;
    slot->target_ind = target_ind;
    return *this;
}

// The statements kept prepared on one pooled connection (SQLite: compiling a statement was a
// quarter of a list request's time). At most `capacity` texts; a text beyond that, or one that
// is in use already (a nested use of the same query), runs as a one-time statement.
//
// On PostgreSQL a kept statement is a named prepared statement of the connection, and SOCI
// DEALLOCATEs it when it is destroyed, throwing if that fails (a broken connection, an aborted
// transaction, a server that restarted unnoticed), which a destructor must not. So on PostgreSQL
// a kept statement is never destroyed: when the cache lets go of it (before a reconnect, at the
// end of the database object) its small client-side objects stay unfreed, and the server forgets
// the statement with the connection. Up to `capacity` statements per connection and reconnect.
class statement_cache {
public:
    explicit statement_cache(soci::session& sql, bool postgresql, std::size_t capacity = 64)
        : sql_(sql), postgresql_(postgresql), capacity_(capacity) {}
    ~statement_cache();
    // The kept statement for the text, marked in use; null when it cannot be kept.
    stmt::core* lease(const std::string& query);
    // Ends a use: resets the statement (SQLite then holds no read snapshot between uses); a
    // statement whose use failed is dropped and prepared anew next time (on PostgreSQL one that
    // was prepared stays: the server keeps it whatever happened to the transaction).
    void give_back(stmt::core* c, bool failed);
    // Forgets every statement: before the connection is reopened.
    void clear();
    std::size_t size() const { return entries_.size(); }

private:
    // Destroys (or, when that could throw, lets go of) one statement.
    void drop(std::unique_ptr<stmt::core> c);

    soci::session& sql_;
    bool postgresql_;
    std::size_t capacity_;
    std::map<std::string, std::unique_ptr<stmt::core>, std::less<>> entries_;
};

// ":p1, :p2, ..., :pN" for an IN list of n values bound in order.
inline std::string placeholders(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ", ";
        out += ":p" + std::to_string(i + 1);
    }
    return out;
}

// The conditions of a WHERE clause, assembled from fixed fragments (never from input). Each value
// stands as '?' in its fragment and is bound in order. Every rendering numbers its placeholders
// on from the query's counter, so one set of conditions can appear several times in a query:
// bind() once per appearance, in the order of the query text.
class conditions {
public:
    using value = std::variant<long long, std::string>;

    conditions& add(std::string fragment, std::initializer_list<value> values = {}) {
        parts_.push_back(std::move(fragment));
        values_.insert(values_.end(), values.begin(), values.end());
        return *this;
    }
    // "<column> IN (?, ?, ...)<after>"; nothing when values is empty.
    template <class T>
    conditions& add_in(const std::string& column, const std::vector<T>& values, const std::string& after = "") {
        if (values.empty()) return *this;
        std::string fragment = column + " IN (";
        for (std::size_t i = 0; i < values.size(); ++i) {
            fragment += i ? ", ?" : "?";
            if constexpr (std::is_enum_v<T>)
                values_.emplace_back(std::string(to_text(values[i])));
            else if constexpr (std::is_integral_v<T>)
                values_.emplace_back(static_cast<long long>(values[i]));
            else
                values_.emplace_back(values[i]);
        }
        parts_.push_back(fragment + ")" + after);
        return *this;
    }

    bool empty() const { return parts_.empty(); }
    std::size_t value_count() const { return values_.size(); }

    // " WHERE a AND b", or "" without conditions; placeholders :p<n+1>, :p<n+2>, ...
    std::string where(int& n) const {
        std::string out;
        for (std::size_t i = 0; i < parts_.size(); ++i) {
            out += i ? " AND " : " WHERE ";
            for (char c : parts_[i]) {
                if (c == '?')
                    out += ":p" + std::to_string(++n);
                else
                    out += c;
            }
        }
        return out;
    }
    void bind(stmt& s) const {
        for (const auto& v : values_) std::visit([&](const auto& x) { s.use(x); }, v);
    }

private:
    std::vector<std::string> parts_;
    std::vector<value> values_;
};

}  // namespace kal::db::detail
