// /prenumerera: what a subscription is, every public feed with its address to copy and the links
// that subscribe to it (webcal://, Google, Outlook), the steps in each program, a builder for a
// feed of one's own (a plain GET form whose answer is this page with that feed's address), the
// Atom feeds and the embed. Every link leads to a feed that exists: the types are the model's,
// the networks, organisers and venues those of the directory, and a builder's choice that names
// nothing is a 400 page rather than an address that would answer 400.

#include <algorithm>

#include "kal/service/app/collation.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/app/texts.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

// A feed of one's own as the builder's form sends it: types, networks and organisers (slugs),
// each any of.
struct own_feed {
    std::vector<std::string> types, networks, organisations;
    bool any() const { return !(types.empty() && networks.empty() && organisations.empty()); }

    // The page's own query, so that the language link keeps the choice.
    std::vector<std::pair<std::string, std::string>> parameters() const {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& v : types) out.emplace_back("typ", v);
        for (const auto& v : networks) out.emplace_back("natverk", v);
        for (const auto& v : organisations) out.emplace_back("arrangor", v);
        return out;
    }

    // "/feeds/custom.ics?type=fro,samrad&network=integration": the feed's parameters take commas.
    std::string path() const {
        std::string query;
        auto add = [&](const char* name, const std::vector<std::string>& values) {
            if (values.empty()) return;
            query += (query.empty() ? "?" : "&") + std::string(name) + "=";
            for (std::size_t i = 0; i < values.size(); ++i) query += (i ? "," : "") + percent_encoded(values[i]);
        };
        add("type", types);
        add("network", networks);
        add("organisation", organisations);
        return "/feeds/custom.ics" + query;
    }
};

void keep_once(std::vector<std::string>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

own_feed own_feed_of(const request& req, const app::directory_choices& directory) {
    own_feed f;
    for (const auto& v : req.query_values("typ")) {
        if (!db::parse_meeting_type(v)) throw app::bad_parameter("typ", "not a meeting type");
        f.types.push_back(v);
    }
    for (const auto& v : req.query_values("natverk"))
        f.networks.push_back(named_in(directory.networks, v, "natverk")->slug);
    for (const auto& v : req.query_values("arrangor"))
        f.organisations.push_back(named_in(directory.organisations, v, "arrangor")->slug);
    keep_once(f.types);
    keep_once(f.networks);
    keep_once(f.organisations);
    return f;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

std::string listed_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// One fieldset of the builder: its checkboxes in Swedish order, the chosen ones ticked.
void add_builder_group(dictionary& d, const std::string& legend, const std::string& name, std::vector<choice> choices,
                       const std::vector<std::string>& chosen) {
    std::sort(choices.begin(), choices.end(),
              [](const choice& a, const choice& b) { return app::swedish_less(a.label, b.label); });
    auto& group = d.add("builder_group").set("group_legend", legend).set("group_name", name);
    for (const auto& c : choices) {
        auto& item = group.add("builder_choice")
                         .set("choice_id", "urval-" + name + "-" + c.value)
                         .set("choice_value", c.value)
                         .set("choice_label", c.label);
        if (contains(chosen, c.value)) item.show("choice_checked");
    }
}

// The links to the pages of the networks, organisers or venues, where their feeds are.
template <class Things>
void add_scope_group(dictionary& d, const std::string& id, const std::string& title, const Things& things,
                     const std::string& path, db::language language) {
    if (things.empty()) return;
    auto& group = d.add("scope_group").set("group_id", id).set("group_title", title);
    for (const auto& t : things)
        group.add("scope_entry")
            .set("entry_href", localised(language, path + t.slug) + "#prenumerera")
            .set("entry_name", t.name);
}

response subscribe(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto directory = app::directory_choices_of(ctx);  // in Swedish order
    const auto own = own_feed_of(req, directory);
    const auto& t = app::texts::of(language);
    dictionary d(&pages.texts(language));

    add_subscription(d.add("all_feed"), pages,
                     {"flode-alla", t["subscribe.all_name"], "/feeds/all.ics", "/feeds/all.atom", true});
    d.add("atom_feed").set("atom_href", "/feeds/all.atom").set("atom_label", t["subscribe.all_name"]);
    for (const auto& [type, key] : db::meeting_type_texts) {
        const auto& label = app::plural_label(type, language);
        const std::string k(key);
        auto& feed = d.add("type_feed").set("type_key", k).set("type_label", label);
        add_subscription(feed, pages,
                         {"flode-typ-" + k, label, "/feeds/types/" + k + ".ics", "/feeds/types/" + k + ".atom"});
        d.add("atom_feed").set("atom_href", "/feeds/types/" + k + ".atom").set("atom_label", label);
    }

    add_scope_group(d, "fler-natverk", t["subscribe.networks"], directory.networks, "/natverk/", language);
    add_scope_group(d, "fler-arrangorer", t["subscribe.organisations"], directory.organisations, "/organisationer/",
                    language);
    add_scope_group(d, "fler-lokaler", t["subscribe.venues"], directory.venues, "/lokaler/", language);

    add_builder_group(d, t["subscribe.builder_types"], "typ", type_choices(language, true), own.types);
    add_builder_group(d, t["subscribe.builder_networks"], "natverk", choices_of(directory.networks), own.networks);
    add_builder_group(d, t["subscribe.builder_organisations"], "arrangor", choices_of(directory.organisations),
                      own.organisations);
    d.set("builder_action", localised(language, "/prenumerera") + "#eget-urval");
    if (own.any()) {
        auto& result = d.add("builder_result");
        auto row = [&](const char* term, std::vector<std::string> names) {
            if (names.empty()) return;
            std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return app::swedish_less(a, b); });
            result.add("result_row").set("result_term", t[term]).set("result_value", listed_names(names));
        };
        std::vector<std::string> types, networks, organisations;
        for (const auto& v : own.types) types.push_back(app::plural_label(*db::parse_meeting_type(v), language));
        for (const auto& v : own.networks) networks.push_back(named_in(directory.networks, v, "natverk")->name);
        for (const auto& v : own.organisations)
            organisations.push_back(named_in(directory.organisations, v, "arrangor")->name);
        row("subscribe.builder_types", types);
        row("subscribe.builder_networks", networks);
        row("subscribe.builder_organisations", organisations);
        add_subscription(result, pages, {"flode-eget-urval", t["subscribe.builder_name"], own.path(), "", true});
    }
    d.set("embed_href", localised(language, "/badda-in"));

    page_frame frame;
    frame.language = language;
    frame.path = "/prenumerera";
    frame.query = query_string(own.parameters());
    frame.title = t["subscribe.title"];
    frame.description = t["subscribe.lead"];
    frame.section = section::subscribe;
    frame.content_template = "subscribe.html";
    link_atom_feed(frame, "", "", "");
    return pages.render(frame, d);
}

}  // namespace

void add_subscribe_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_page(routes, ctx, pages, "GET", "/prenumerera", subscribe);
}

}  // namespace kal::service::web
