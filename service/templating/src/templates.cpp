#include "kal/service/templating/templates.hpp"

#include "kal/calendar/utf8.hpp"

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary_interface.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace kal::service::templating {

// ---- the ctemplate side of a dictionary ---------------------------------------------------

namespace {

// ctemplate's built-in variables (its guide, "Details on Dictionary Lookup"); its auto-escaping
// leaves them alone, so they stay what they are everywhere.
constexpr std::pair<std::string_view, std::string_view> built_in_variables[] = {{"BI_SPACE", " "},
                                                                                {"BI_NEWLINE", "\n"}};

std::string_view view_of(const ctemplate::TemplateString& s) { return {s.data(), s.size()}; }

// XML 1.0 (section 2.2) allows tab, line feed, carriage return, U+0020 to U+D7FF, U+E000 to
// U+FFFD and U+10000 up: no other control character, and neither U+FFFE nor U+FFFF, which text
// rules made for HTML let through. ctemplate's xml_escape escapes the five markup characters
// only, so a value holding one of these would make the whole document unreadable.
bool allowed_in_xml(char32_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           c >= 0x10000;
}

bool fit_for_xml(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = 0;
        const std::size_t length = calendar::utf8::sequence(text, pos, c);
        if (length == 0 || !allowed_in_xml(c)) return false;
        pos += length;
    }
    return true;
}

// The text with each character XML does not allow, and each byte that is not UTF-8, as U+FFFD.
std::string for_xml(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = 0;
        const std::size_t length = calendar::utf8::sequence(text, pos, c);
        if (length != 0 && allowed_in_xml(c)) {
            out.append(text.substr(pos, length));
            pos += length;
        } else {
            out += "\xEF\xBF\xBD";
            pos += length == 0 ? 1 : length;
        }
    }
    return out;
}

}  // namespace

// Lets ctemplate walk a dictionary. ctemplate asks through TemplateDictionaryInterface, whose
// methods are protected (its template nodes are friends); a section it iterates is handed out
// one item at a time, and the item it got last stays valid until it asks for the next one.
class dictionary_view final : public ctemplate::TemplateDictionaryInterface {
public:
    // `xml`: the expansion is an XML document, whose values must also hold only characters XML
    // allows; their cleaned copies live there until the expansion ends.
    explicit dictionary_view(const dictionary* d = nullptr, std::deque<std::string>* xml = nullptr)
        : d_(d), xml_(xml) {}
    void reset(const dictionary* d) { d_ = d; }

protected:
    ctemplate::TemplateString GetValue(const ctemplate::TemplateString& variable) const override {
        const std::string_view name = view_of(variable);
        for (const dictionary* d = d_; d; d = d->parent_) {
            for (const auto& [n, v] : d->values_) {
                if (n != name) continue;
                if (xml_ && !fit_for_xml(v)) {
                    const auto& cleaned = xml_->emplace_back(for_xml(v));
                    return {cleaned.data(), cleaned.size()};
                }
                return {v.data(), v.size()};
            }
        }
        for (const auto& [n, v] : built_in_variables) {
            if (n == name) return {v.data(), v.size()};
        }
        return {"", 0};
    }

    bool IsHiddenSection(const ctemplate::TemplateString& name) const override {
        return find_section(view_of(name)) == nullptr;
    }
    bool IsUnhiddenSection(const ctemplate::TemplateString& name) const override { return !IsHiddenSection(name); }

    Iterator* CreateSectionIterator(const ctemplate::TemplateString& name) const override;

    bool IsHiddenTemplate(const ctemplate::TemplateString& name) const override {
        return find_include(view_of(name)) == nullptr;
    }
    const char* GetIncludeTemplateName(const ctemplate::TemplateString& name, int) const override {
        const std::string* t = find_include(view_of(name));
        return t ? t->c_str() : "";
    }
    // No items: ctemplate then expands the include once with this dictionary, so the included
    // template sees what the marker sees.
    Iterator* CreateTemplateIterator(const ctemplate::TemplateString&) const override;

    void DumpToString(std::string* out, int level) const override {
        out->append(static_cast<std::size_t>(level) * ctemplate::kIndent, ' ');
        out->append("kal::service::templating::dictionary\n");
    }

private:
    class items;

    const dictionary::section* find_section(std::string_view name) const {
        for (const dictionary* d = d_; d; d = d->parent_) {
            for (const auto& s : d->sections_) {
                if (s.name == name) return &s;
            }
        }
        return nullptr;
    }
    const std::string* find_include(std::string_view marker) const {
        for (const dictionary* d = d_; d; d = d->parent_) {
            for (const auto& [m, t] : d->includes_) {
                if (m == marker) return &t;
            }
        }
        return nullptr;
    }

    const dictionary* d_;
    std::deque<std::string>* xml_;
};

class dictionary_view::items final : public Iterator {
public:
    items(const std::vector<std::unique_ptr<dictionary>>* list, std::deque<std::string>* xml)
        : list_(list), current_(nullptr, xml) {}
    bool HasNext() const override { return list_ && next_ < list_->size(); }
    const TemplateDictionaryInterface& Next() override {
        current_.reset((*list_)[next_++].get());
        return current_;
    }

private:
    const std::vector<std::unique_ptr<dictionary>>* list_;
    std::size_t next_ = 0;
    dictionary_view current_;
};

dictionary_view::Iterator* dictionary_view::CreateSectionIterator(const ctemplate::TemplateString& name) const {
    const auto* s = find_section(view_of(name));
    return new items(s ? &s->items : nullptr, xml_);
}

dictionary_view::Iterator* dictionary_view::CreateTemplateIterator(const ctemplate::TemplateString&) const {
    return new items(nullptr, xml_);
}

dictionary::~dictionary() = default;

namespace {

// Few names per dictionary: a vector searched in order beats a map.
void put(std::vector<std::pair<std::string, std::string>>& pairs, std::string_view key, std::string_view value) {
    for (auto& [k, v] : pairs) {
        if (k == key) {
            v.assign(value);
            return;
        }
    }
    pairs.emplace_back(key, value);
}

}  // namespace

dictionary& dictionary::set(std::string_view name, std::string_view value) {
    put(values_, name, value);
    return *this;
}

dictionary& dictionary::show(std::string_view section_name) {
    for (const auto& s : sections_) {
        if (s.name == section_name) return *this;
    }
    sections_.push_back({std::string(section_name), {}});
    return *this;
}

dictionary& dictionary::add(std::string_view section_name) {
    auto it =
        std::find_if(sections_.begin(), sections_.end(), [&](const section& s) { return s.name == section_name; });
    if (it == sections_.end()) it = sections_.insert(sections_.end(), section{std::string(section_name), {}});
    it->items.push_back(std::unique_ptr<dictionary>(new dictionary(this)));
    return *it->items.back();
}

dictionary& dictionary::include(std::string_view marker, std::string_view template_name) {
    put(includes_, marker, template_name);
    return *this;
}

// ---- loading ------------------------------------------------------------------------------

namespace {

namespace fs = std::filesystem;

constexpr std::string_view spaces = " \t\r\v\f";

// ctemplate's STRIP_BLANK_LINES rule for a line holding one "removable" marker (Template::
// IsBlankOrOnlyHasOneRemovableMarker in its template.cc: section start or end, include, comment,
// pragma, delimiter change, the first "}}" ending the line), without its removal of blank lines:
// such a line gives only its marker, without indentation and line break.
std::string drop_marker_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find('\n', pos);
        const bool has_newline = end != std::string_view::npos;
        if (!has_newline) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        std::string_view marker = line;
        marker.remove_prefix(std::min(marker.find_first_not_of(spaces), marker.size()));
        marker.remove_suffix(marker.size() - (marker.find_last_not_of(spaces) + 1));
        const bool alone = marker.size() >= 5 && marker.starts_with("{{") &&
                           std::string_view("#/>!%=").find(marker[2]) != std::string_view::npos &&
                           marker.find("}}", 2) == marker.size() - 2;
        if (alone) {
            out += marker;
        } else {
            out += line;
            if (has_newline) out += '\n';
        }
        pos = end + 1;
    }
    return out;
}

// ctemplate reports why a template does not parse only on std::cerr (its LOG macro), so that is
// where we listen while it parses. The stream is the process's: parsing happens at start, one
// template set at a time.
std::mutex cerr_mutex;

std::string tidy_log(const std::string& log) {
    std::string out;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        for (bool changed = true; changed;) {
            changed = false;
            for (std::string_view prefix : {"ERROR: ", "WARNING: ", "Template : "}) {
                if (line.starts_with(prefix)) {
                    line.erase(0, prefix.size());
                    changed = true;
                }
            }
        }
        if (line.empty()) continue;
        if (line.size() > 160) line = line.substr(0, 157) + "...";
        if (!out.empty()) out += "; ";
        out += line;
    }
    return out;
}

// Empty when the text parsed and is in the cache under `name`, else ctemplate's reason.
std::string parse_into(ctemplate::TemplateCache& cache, const std::string& name, std::string_view text) {
    const std::string prepared = drop_marker_lines(text);
    std::ostringstream log;
    bool parsed = false;
    {
        std::lock_guard lock(cerr_mutex);
        std::streambuf* const previous = std::cerr.rdbuf(log.rdbuf());
        try {
            parsed = cache.StringToTemplateCache(name, prepared, ctemplate::DO_NOT_STRIP);
        } catch (...) {
            std::cerr.rdbuf(previous);
            throw;
        }
        std::cerr.rdbuf(previous);
    }
    if (parsed) return {};
    const std::string why = tidy_log(log.str());
    return why.empty() ? "ctemplate gives no reason" : why;
}

int line_at(std::string_view text, std::size_t pos) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// The line of the first marker {{<kind>name}} or {{<kind>name:...}}, or 0. Only for messages:
// what the template uses comes from ctemplate's parse.
int line_of(std::string_view text, std::string_view kind, std::string_view name) {
    const std::string needle = "{{" + std::string(kind) + std::string(name);
    for (std::size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) {
        const std::size_t after = pos + needle.size();
        if (after < text.size() && (text[after] == '}' || text[after] == ':')) return line_at(text, pos);
    }
    return 0;
}

std::size_t invalid_utf8_at(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t cp = 0;
        const std::size_t length = calendar::utf8::sequence(text, pos, cp);
        if (length == 0) return pos;
        pos += length;
    }
    return std::string_view::npos;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

enum class context { html, json, xml, text };

context context_of(std::string_view name) {
    if (name.ends_with(".html")) return context::html;
    if (name.ends_with(".json")) return context::json;
    if (name.ends_with(".xml")) return context::xml;
    return context::text;
}

std::string pragma_of(context c) {
    switch (c) {
    case context::html: return "{{%AUTOESCAPE context=\"HTML\"}}";
    case context::json: return "{{%AUTOESCAPE context=\"JSON\"}}";
    case context::xml: return "{{%AUTOESCAPE context=\"XML\"}}";
    case context::text: break;
    }
    return {};
}

// A value whose escaped forms give away how it was escaped: as it is, for HTML ("&lt;kal&#39;"),
// for JavaScript ("\x3ckal\x27") or for JSON ("\u003Ckal'").
std::string probe(std::string_view variable) { return "<kal'" + std::string(variable) + "'>"; }
std::string probe_for_javascript(std::string_view variable) { return "\\x27" + std::string(variable) + "\\x27"; }

// What a template asks for when it is expanded, and what comes out.
struct recording {
    std::set<std::string, std::less<>> variables, sections, includes;
    std::string output;
};

// Asks nothing but records what a template asks for: every section shown once, every include
// hidden (each template is checked on its own), every value a probe.
class recorder final : public ctemplate::TemplateDictionaryInterface {
public:
    explicit recorder(recording& r) : r_(r) {}

protected:
    ctemplate::TemplateString GetValue(const ctemplate::TemplateString& variable) const override {
        const std::string_view name = view_of(variable);
        for (const auto& [n, v] : built_in_variables) {
            if (n == name) return {v.data(), v.size()};
        }
        r_.variables.emplace(name);
        const auto& p = probes_.try_emplace(std::string(name), probe(name)).first->second;
        return {p.data(), p.size()};
    }
    bool IsHiddenSection(const ctemplate::TemplateString& name) const override {
        r_.sections.emplace(view_of(name));
        return false;
    }
    bool IsUnhiddenSection(const ctemplate::TemplateString& name) const override { return !IsHiddenSection(name); }
    Iterator* CreateSectionIterator(const ctemplate::TemplateString&) const override { return new nothing; }
    bool IsHiddenTemplate(const ctemplate::TemplateString& name) const override {
        r_.includes.emplace(view_of(name));
        return true;
    }
    const char* GetIncludeTemplateName(const ctemplate::TemplateString&, int) const override { return ""; }
    Iterator* CreateTemplateIterator(const ctemplate::TemplateString&) const override { return new nothing; }
    void DumpToString(std::string* out, int) const override { out->append("recorder\n"); }

private:
    class nothing final : public Iterator {
    public:
        bool HasNext() const override { return false; }
        const TemplateDictionaryInterface& Next() override { throw std::logic_error("no items"); }
    };
    recording& r_;
    mutable std::map<std::string, std::string, std::less<>> probes_;  // their bytes outlive the expansion
};

}  // namespace

// ---- the set ------------------------------------------------------------------------------

struct template_set::impl {
    struct loaded {
        const declaration* declared;
        std::optional<std::string_view> built_in;
        std::string origin;  // "built-in <name>" or the operator's path, for messages
        std::string text;    // as written, for line numbers
        bool from_operator = false;
        recording recorded;
    };

    ctemplate::TemplateCache cache;  // frozen once loaded: expansions only read it
    std::map<std::string, declaration, std::less<>> declarations;
    std::vector<loaded> templates;
    std::vector<std::string> problems;

    void problem(const std::string& origin, int line, const std::string& what) {
        problems.push_back(origin + ": " + (line > 0 ? "line " + std::to_string(line) + ": " : "") + what);
    }

    std::map<std::string, std::pair<std::string, std::string>> read_overrides(const std::string& dir);
    bool load(loaded& t);
    bool use_built_in(loaded& t);
    std::vector<std::vector<std::string>> cycles() const;
    void break_cycles();
    void check(const loaded& t);
};

// name -> (path, text) of the operator's files.
std::map<std::string, std::pair<std::string, std::string>> template_set::impl::read_overrides(const std::string& dir) {
    std::map<std::string, std::pair<std::string, std::string>> found;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        problems.push_back(dir + ": not a directory");
        return found;
    }
    const auto is_directory_of_templates = [&](const std::string& relative) {
        return std::any_of(declarations.begin(), declarations.end(),
                           [&](const auto& d) { return d.first.starts_with(relative + "/"); });
    };
    fs::recursive_directory_iterator it(dir, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path& path = it->path();
        const std::string relative = path.lexically_relative(dir).generic_string();
        if (path.filename().string().starts_with('.')) {  // editors' and version control's files
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_directory()) {
            if (!is_directory_of_templates(relative)) {
                problems.push_back(path.string() + ": not a directory of templates");
                it.disable_recursion_pending();
            }
            continue;
        }
        if (!declarations.contains(relative) || !it->is_regular_file()) {
            problems.push_back(path.string() +
                               ": not a template (an operator's template has the name and place of a built-in one)");
            continue;
        }
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in) {
            problems.push_back(path.string() + ": cannot be read");
            continue;
        }
        found[relative] = {path.string(), text.str()};
    }
    if (ec) problems.push_back(dir + ": cannot be read (" + ec.message() + ")");
    return found;
}

// Parses the template into the cache under its name and records what it asks for; false (and
// the problem) when it does not parse.
bool template_set::impl::load(loaded& t) {
    const std::string& name = t.declared->name;
    if (const auto why = parse_into(cache, name, t.text); !why.empty()) {
        problem(t.origin, 0, "does not parse: " + why);
        return false;
    }
    if (const auto bad = invalid_utf8_at(t.text); bad != std::string_view::npos)
        problem(t.origin, line_at(t.text, bad), "is not valid UTF-8");
    t.recorded = {};
    recorder r(t.recorded);
    cache.ExpandWithData(name, ctemplate::DO_NOT_STRIP, &r, nullptr, &t.recorded.output);
    return true;
}

bool template_set::impl::use_built_in(loaded& t) {
    const std::string& name = t.declared->name;
    cache.Delete(name);
    if (!t.built_in) {
        problems.push_back("built-in " + name + ": missing");
        return false;
    }
    t.origin = "built-in " + name;
    t.text = std::string(*t.built_in);
    t.from_operator = false;
    return load(t);
}

// The include chains that come back to where they started ("a", "b", "a"): expanding one would
// never end. Edges are the includes a template uses, to every template declared for them.
std::vector<std::vector<std::string>> template_set::impl::cycles() const {
    std::map<std::string, std::vector<std::string>, std::less<>> next;
    for (const auto& t : templates) {
        auto& targets = next[t.declared->name];
        for (const auto& i : t.declared->includes) {
            if (t.recorded.includes.contains(i.marker))
                targets.insert(targets.end(), i.templates.begin(), i.templates.end());
        }
    }
    std::vector<std::vector<std::string>> found;
    std::map<std::string, int, std::less<>> state;  // 1: on the path, 2: done
    std::vector<std::string> path;
    const auto visit = [&](const auto& self, const std::string& name) -> void {
        state[name] = 1;
        path.push_back(name);
        for (const auto& target : next[name]) {
            if (state[target] == 1) {
                std::vector<std::string> chain(std::find(path.begin(), path.end(), target), path.end());
                chain.push_back(target);
                found.push_back(std::move(chain));
            } else if (state[target] == 0 && next.contains(target)) {
                self(self, target);
            }
        }
        path.pop_back();
        state[name] = 2;
    };
    for (const auto& t : templates) {
        if (state[t.declared->name] == 0) visit(visit, t.declared->name);
    }
    return found;
}

// The operator's templates on a cycle give way to the built-in ones, until no cycle is left or
// only built-in templates are on one (which the unit tests rule out).
void template_set::impl::break_cycles() {
    std::set<std::string> reported;
    for (bool replaced = true; replaced;) {
        replaced = false;
        for (const auto& chain : cycles()) {
            std::string text;
            for (const auto& name : chain) text += (text.empty() ? "" : " -> ") + name;
            std::string origin = "built-in " + chain.front();
            for (auto& t : templates) {
                if (!t.from_operator || std::find(chain.begin(), chain.end(), t.declared->name) == chain.end())
                    continue;
                if (!replaced) origin = t.origin;
                use_built_in(t);
                replaced = true;
            }
            if (reported.insert(text).second) problem(origin, 0, "includes itself: " + text);
        }
    }
}

void template_set::impl::check(const loaded& t) {
    const declaration& d = *t.declared;
    const recording& r = t.recorded;
    for (const auto& v : r.variables) {
        if (!contains(d.variables, v))
            problem(t.origin, line_of(t.text, "", v),
                    "unknown variable \"" + v + "\" (this template may use: " + joined(d.variables) + ")");
    }
    for (const auto& s : r.sections) {
        const bool separator =
            s.ends_with("_separator") && contains(d.sections, std::string_view(s).substr(0, s.size() - 10));
        if (!contains(d.sections, s) && !separator)
            problem(t.origin, line_of(t.text, "#", s),
                    "unknown section \"" + s + "\" (this template may use: " + joined(d.sections) + ")");
    }
    std::vector<std::string> markers;
    for (const auto& i : d.includes) markers.push_back(i.marker);
    for (const auto& i : r.includes) {
        if (!contains(markers, i))
            problem(t.origin, line_of(t.text, ">", i),
                    "unknown include \"" + i + "\" (this template may include: " + joined(markers) + ")");
    }
    const context c = context_of(d.name);
    if (c == context::text) return;
    const std::string pragma = pragma_of(c);
    // HTML escaping gives the same bytes as XML escaping for the probes, but ctemplate would read
    // the document as HTML (URLs in attributes checked as web links, script and style rules), so
    // an XML template says what it is in its first line.
    if (c == context::xml && !t.text.starts_with(pragma))
        problem(t.origin, 1, "must start with " + pragma + " (values in XML are escaped for XML)");
    for (const auto& v : r.variables) {
        if (r.output.find(probe(v)) != std::string::npos)
            problem(t.origin, line_of(t.text, "", v),
                    "{{" + v + "}} is not escaped (the template must start with " + pragma +
                        ", and no value in it may be marked :none)");
        else if (r.output.find(probe_for_javascript(v)) != std::string::npos)
            problem(t.origin, line_of(t.text, "", v),
                    "{{" + v + "}} is escaped for JavaScript, which is not JSON: write {{" + v +
                        ":json_escape}} (values go into JSON, never into scripts)");
    }
}

template_set::template_set(std::span<const source> built_in, std::vector<declaration> declarations,
                           std::string override_dir)
    : impl_(std::make_unique<impl>()) {
    impl& m = *impl_;
    for (auto& d : declarations) {
        const std::string name = d.name;
        if (!m.declarations.emplace(name, std::move(d)).second)
            throw std::invalid_argument("template \"" + name + "\" is declared twice");
    }
    std::map<std::string, std::string_view, std::less<>> defaults;
    for (const auto& s : built_in) {
        defaults.emplace(std::string(s.name), s.text);
        if (!m.declarations.contains(s.name))
            m.problems.push_back("built-in " + std::string(s.name) + ": no declaration (the code does not use it)");
    }
    const auto overrides = override_dir.empty() ? std::map<std::string, std::pair<std::string, std::string>>()
                                                : m.read_overrides(override_dir);

    for (const auto& [name, d] : m.declarations) {
        for (const auto& i : d.includes) {
            for (const auto& target : i.templates) {
                if (!m.declarations.contains(target))
                    m.problems.push_back("declaration of " + name + ": {{>" + i.marker + "}} may name \"" + target +
                                         "\", which is not a template of the set");
            }
        }
        impl::loaded t{&d, std::nullopt, {}, {}, false, {}};
        if (const auto b = defaults.find(name); b != defaults.end()) t.built_in = b->second;
        bool loaded = false;
        if (const auto o = overrides.find(name); o != overrides.end()) {
            t.origin = o->second.first;
            t.text = o->second.second;
            t.from_operator = true;
            loaded = m.load(t);  // if not, the built-in one takes its place
        }
        if (!loaded) loaded = m.use_built_in(t);
        if (loaded) m.templates.push_back(std::move(t));
    }
    m.break_cycles();
    for (const auto& t : m.templates) m.check(t);
    m.cache.Freeze();
}

template_set::~template_set() = default;
template_set::template_set(template_set&&) noexcept = default;
template_set& template_set::operator=(template_set&&) noexcept = default;

const std::vector<std::string>& template_set::problems() const { return impl_->problems; }

void template_set::expand(std::string_view name, const dictionary& values, std::string& out) const {
    const std::size_t before = out.size();
    std::deque<std::string> cleaned;
    const dictionary_view view(&values, context_of(name) == context::xml ? &cleaned : nullptr);
    if (impl_->cache.ExpandNoLoad(ctemplate::TemplateString(name.data(), name.size()), ctemplate::DO_NOT_STRIP, &view,
                                  nullptr, &out))
        return;
    out.resize(before);
    if (!impl_->declarations.contains(name))
        throw std::invalid_argument("no template \"" + std::string(name) + "\" is declared");
    const bool loaded = std::any_of(impl_->templates.begin(), impl_->templates.end(),
                                    [&](const impl::loaded& t) { return t.declared->name == name; });
    if (!loaded)
        throw std::runtime_error("template \"" + std::string(name) + "\" could not be loaded (see problems())");
    throw std::runtime_error("template \"" + std::string(name) +
                             "\" could not be expanded: an include names a template that is not in the set");
}

std::string template_set::expand(std::string_view name, const dictionary& values) const {
    std::string out;
    expand(name, values, out);
    return out;
}

}  // namespace kal::service::templating
