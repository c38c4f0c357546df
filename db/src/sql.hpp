#pragma once
// Small helpers over SOCI 4.0 for the store: a statement whose bound values live inside it (so
// a WHERE clause can be assembled from fixed fragments with any number of placeholders), and
// nullable holders, because Debian's SOCI 4.0 is built without std::optional support.

#include <soci/soci.h>

#include "kal/db/errors.hpp"

#include <cstdint>
#include <deque>
#include <initializer_list>
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

// One SQL statement with its bound values stored inside it. Placeholders bind by position, in
// the order of the use() calls; write each placeholder once (":p1, :p2, ...").
class stmt {
public:
    stmt(soci::session& sql, std::string query) : st_(sql), query_(std::move(query)) {}

    stmt& use(long long v) { st_.exchange(soci::use(lls_.emplace_back(v))); return *this; }
    stmt& use(int v) { st_.exchange(soci::use(ints_.emplace_back(v))); return *this; }
    stmt& use(bool v) { return use(v ? 1 : 0); }
    stmt& use(double v) { st_.exchange(soci::use(dbls_.emplace_back(v))); return *this; }
    stmt& use(const std::string& v) { st_.exchange(soci::use(strs_.emplace_back(checked_text(v)))); return *this; }
    stmt& use(const char* v) { return use(std::string(v)); }
    // Enumerations are stored as their one text (enums.hpp).
    template <class E>
        requires std::is_enum_v<E>
    stmt& use(E v) {
        return use(std::string(to_text(v)));
    }
    template <class T>
    stmt& use(const std::optional<T>& v) {
        auto& ind = inds_.emplace_back(v ? soci::i_ok : soci::i_null);
        if constexpr (std::is_same_v<T, double>)
            st_.exchange(soci::use(dbls_.emplace_back(v.value_or(0)), ind));
        else if constexpr (std::is_same_v<T, int>)
            st_.exchange(soci::use(ints_.emplace_back(v.value_or(0)), ind));
        else if constexpr (std::is_same_v<T, std::string>)
            st_.exchange(soci::use(strs_.emplace_back(checked_text(v.value_or(std::string()))), ind));
        else
            st_.exchange(soci::use(lls_.emplace_back(static_cast<long long>(v.value_or(0))), ind));
        return *this;
    }

    template <class T>
    stmt& into(T& target) {
        st_.exchange(soci::into(target, inds_.emplace_back(soci::i_ok)));
        return *this;
    }
    template <class T>
    stmt& into(nullable<T>& target) {
        st_.exchange(soci::into(target.value, target.ind));
        return *this;
    }

    // Runs a statement without a result set; returns the number of rows it changed.
    long long run() {
        prepare();
        st_.execute(true);
        return st_.get_affected_rows();
    }
    // Runs a statement returning at most one row; true when there was one.
    bool one() {
        prepare();
        return st_.execute(true) && st_.got_data();
    }
    // Iterates a result set: while (s.next()) { ... }.
    bool next() {
        if (!prepared_) {
            prepare();
            st_.execute(false);
        }
        return st_.fetch();
    }

private:
    // libpq passes text as C strings, so PostgreSQL would store or compare a text with a NUL cut
    // at the NUL, where SQLite keeps it whole. Refused on both, before any statement runs.
    static const std::string& checked_text(const std::string& v) {
        if (v.find('\0') != std::string::npos) throw invalid_value("", "text must not contain the NUL character");
        return v;
    }

    void prepare() {
        st_.alloc();
        st_.prepare(query_);
        st_.define_and_bind();
        prepared_ = true;
    }

    soci::statement st_;
    std::string query_;
    bool prepared_ = false;
    // Deques keep the addresses of bound values stable while more are added.
    std::deque<long long> lls_;
    std::deque<int> ints_;
    std::deque<double> dbls_;
    std::deque<std::string> strs_;
    std::deque<soci::indicator> inds_;
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
