#pragma once
// What hangs off meetings, series and networks in link tables: networks and documents of
// meetings and series (meeting_networks, meeting_documents, series_networks, series_documents)
// and the owners of networks (network_organisations). Read for many owners at once with a
// constant number of statements.

#include <string>
#include <vector>

#include "common.hpp"
#include "kal/db/model.hpp"
#include "sql.hpp"

namespace kal::db::detail {

// A set of ids as a subquery for "x IN (...)": its text, with placeholders from :p1 on, and the
// conditions bound for it, in the order they appear in the text.
struct id_query {
    std::string sql;
    std::vector<const conditions*> binds;
    void bind(stmt& st) const {
        for (const auto* c : binds) c->bind(st);
    }
};

// Calls run(in, bind) for the ids of some owners: once with the subquery when there is one, else
// once per chunk of at most max_in_list ids, bound one by one.
template <class Run>
void for_id_lists(const std::vector<id_t>& ids, const id_query* subquery, Run&& run) {
    if (subquery) {
        run(subquery->sql, [subquery](stmt& st) { subquery->bind(st); });
        return;
    }
    for (std::size_t from = 0; from < ids.size(); from += max_in_list) {
        std::size_t n = std::min(max_in_list, ids.size() - from);
        run(placeholders(n), [&ids, from, n](stmt& st) {
            for (std::size_t i = from; i < from + n; ++i) st.use(static_cast<long long>(ids[i]));
        });
    }
}

enum class link_owner { meeting, series };

// Network ids and documents of many meetings (or series): one statement each per chunk of ids,
// or one each when the owners are given as a subquery.
void load_links(soci::session& s, link_owner owner, const std::vector<meeting_fields*>& fields,
                const std::vector<id_t>& ids, const id_query* owners = nullptr);
void load_links(soci::session& s, std::vector<meeting>& meetings, const id_query* owners = nullptr);
void load_links(soci::session& s, std::vector<series>& series, const id_query* owners = nullptr);
// Replaces the networks and documents of one meeting or series.
void write_links(soci::session& s, link_owner owner, id_t id, const meeting_fields& f);

// The owners of many networks.
void load_owners(soci::session& s, std::vector<network>& networks, const id_query* subquery = nullptr);
void write_owners(soci::session& s, id_t network_id, const std::vector<id_t>& owners);

}  // namespace kal::db::detail
