#include "kal/service/app/texts.hpp"

#include <toml++/toml.h>

namespace kal::service::app {

extern const std::string_view embedded_texts_paths[];
extern const std::string_view embedded_texts_texts[];
extern const std::size_t embedded_texts_count;

namespace {

std::string_view embedded(std::string_view path) {
    for (std::size_t i = 0; i < embedded_texts_count; ++i)
        if (embedded_texts_paths[i] == path) return embedded_texts_texts[i];
    throw std::logic_error("texts file not compiled in: " + std::string(path));
}

void flatten(const toml::table& table, const std::string& prefix, std::map<std::string, std::string, std::less<>>& out) {
    for (const auto& [key, node] : table) {
        auto name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
        if (auto sub = node.as_table()) flatten(*sub, name, out);
        else if (auto s = node.value<std::string>()) out.emplace(name, *s);
        else throw std::runtime_error("texts: " + name + " is not a string");
    }
}

const texts& load(db::language l) {
    static const texts sv(embedded("sv.toml"), "sv.toml");
    static const texts en(embedded("en.toml"), "en.toml");
    return l == db::language::en ? en : sv;
}

}  // namespace

texts::texts(std::string_view toml_text, const std::string& source_name) {
    try {
        flatten(toml::parse(toml_text, source_name), "", entries_);
    } catch (const toml::parse_error& e) {
        throw std::runtime_error("texts: " + source_name + ": " + std::string(e.description()));
    }
}

const texts& texts::of(db::language language) { return load(language); }

const std::string& texts::operator[](std::string_view key) const {
    if (auto it = entries_.find(key); it != entries_.end()) return it->second;
    static thread_local std::string missing;
    missing = std::string(key);
    return missing;
}

bool texts::has(std::string_view key) const { return entries_.find(key) != entries_.end(); }

std::vector<std::string> check_texts() {
    std::vector<std::string> problems;
    try {
        const auto& sv = texts::of(db::language::sv);
        const auto& en = texts::of(db::language::en);
        for (const auto& [key, value] : sv.all())
            if (!en.has(key)) problems.push_back("en.toml lacks " + key);
        for (const auto& [key, value] : en.all())
            if (!sv.has(key)) problems.push_back("sv.toml lacks " + key);
    } catch (const std::exception& e) {
        problems.emplace_back(e.what());
    }
    return problems;
}

const std::string& label(db::meeting_type t, db::language l) {
    return texts::of(l)["meeting_type." + std::string(db::to_text(t))];
}
const std::string& plural_label(db::meeting_type t, db::language l) {
    return texts::of(l)["meeting_type_plural." + std::string(db::to_text(t))];
}
const std::string& label(db::network_kind k, db::language l) {
    return texts::of(l)["network_kind." + std::string(db::to_text(k))];
}
const std::string& label(db::organisation_kind k, db::language l) {
    return texts::of(l)["organisation_kind." + std::string(db::to_text(k))];
}

}  // namespace kal::service::app
