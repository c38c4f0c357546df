#include "links.hpp"

#include <unordered_map>

namespace kal::db::detail {

namespace {

// Table and column names for each owner: constants, never input.
struct link_tables {
    const char* networks;
    const char* documents;
    const char* column;
};

link_tables tables_of(link_owner owner) {
    if (owner == link_owner::meeting) return {"meeting_networks", "meeting_documents", "meeting_id"};
    return {"series_networks", "series_documents", "series_id"};
}

}  // namespace

void load_links(soci::session& s, link_owner owner, const std::vector<meeting_fields*>& fields,
                const std::vector<id_t>& ids, const id_query* owners) {
    if (fields.empty()) return;
    std::unordered_map<id_t, meeting_fields*> by_id;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        fields[i]->network_ids.clear();
        fields[i]->documents.clear();
        by_id[ids[i]] = fields[i];
    }
    const auto t = tables_of(owner);
    const std::string col = t.column;
    for_id_lists(ids, owners, [&](const std::string& in, auto&& bind) {
        {
            stmt st(s, "SELECT " + col + ", network_id FROM " + t.networks + " WHERE " + col + " IN (" + in +
                           ") ORDER BY " + col + ", network_id");
            bind(st);
            long long owner_id = 0, network_id = 0;
            st.into(owner_id).into(network_id);
            while (st.next())
                if (auto it = by_id.find(owner_id); it != by_id.end()) it->second->network_ids.push_back(network_id);
        }
        stmt st(s, "SELECT " + col + ", title, url FROM " + t.documents + " WHERE " + col + " IN (" + in +
                       ") ORDER BY " + col + ", sort_order");
        bind(st);
        long long owner_id = 0;
        std::string title, url;
        st.into(owner_id).into(title).into(url);
        while (st.next())
            if (auto it = by_id.find(owner_id); it != by_id.end())
                it->second->documents.push_back(document_link{title, url});
    });
}

void load_links(soci::session& s, std::vector<meeting>& meetings, const id_query* owners) {
    std::vector<meeting_fields*> fields;
    std::vector<id_t> ids;
    for (auto& m : meetings) {
        fields.push_back(&m);
        ids.push_back(m.id);
    }
    load_links(s, link_owner::meeting, fields, ids, owners);
}

void load_links(soci::session& s, std::vector<series>& series, const id_query* owners) {
    std::vector<meeting_fields*> fields;
    std::vector<id_t> ids;
    for (auto& x : series) {
        fields.push_back(&x.fields);
        ids.push_back(x.id);
    }
    load_links(s, link_owner::series, fields, ids, owners);
}

void write_links(soci::session& s, link_owner owner, id_t id, const meeting_fields& f) {
    const auto t = tables_of(owner);
    const std::string col = t.column;
    stmt(s, std::string("DELETE FROM ") + t.networks + " WHERE " + col + " = :id").use(ll(id)).run();
    stmt(s, std::string("DELETE FROM ") + t.documents + " WHERE " + col + " = :id").use(ll(id)).run();
    for (id_t n : sorted_unique(f.network_ids))
        stmt(s, std::string("INSERT INTO ") + t.networks + " (" + col + ", network_id) VALUES (:a, :b)")
            .use(ll(id))
            .use(ll(n))
            .run();
    int order = 0;
    for (const auto& d : f.documents)
        stmt(s, std::string("INSERT INTO ") + t.documents + " (" + col + ", sort_order, title, url) VALUES (:a, :b, :c, :d)")
            .use(ll(id))
            .use(order++)
            .use(d.title)
            .use(d.url)
            .run();
}

void load_owners(soci::session& s, std::vector<network>& networks, const id_query* subquery) {
    if (networks.empty()) return;
    std::unordered_map<id_t, network*> by_id;
    std::vector<id_t> ids;
    for (auto& n : networks) {
        n.organisation_ids.clear();
        by_id[n.id] = &n;
        ids.push_back(n.id);
    }
    for_id_lists(ids, subquery, [&](const std::string& in, auto&& bind) {
        stmt st(s, "SELECT network_id, organisation_id FROM network_organisations WHERE network_id IN (" + in +
                       ") ORDER BY network_id, organisation_id");
        bind(st);
        long long nid = 0, oid = 0;
        st.into(nid).into(oid);
        while (st.next())
            if (auto it = by_id.find(nid); it != by_id.end()) it->second->organisation_ids.push_back(oid);
    });
}

void write_owners(soci::session& s, id_t network_id, const std::vector<id_t>& owners) {
    stmt(s, "DELETE FROM network_organisations WHERE network_id = :id").use(ll(network_id)).run();
    for (id_t o : owners)
        stmt(s, "INSERT INTO network_organisations (network_id, organisation_id) VALUES (:n, :o)")
            .use(ll(network_id))
            .use(ll(o))
            .run();
}

}  // namespace kal::db::detail
