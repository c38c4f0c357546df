#include "mail/templates.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

// Generated at build time from service/templates/mail/ (cmake/embed_files.cmake).
namespace kal::service::mail {
extern const std::string_view embedded_templates_paths[];
extern const std::string_view embedded_templates_texts[];
extern const std::size_t embedded_templates_count;
}  // namespace kal::service::mail

namespace kal::service::mail {

namespace {

constexpr std::array<std::string_view, 7> kinds = {"confirmed",         "waitlisted",     "promoted", "meeting_changed",
                                                   "meeting_cancelled", "rsvp_cancelled", "reminder"};
constexpr std::array<std::string_view, 11> variables = {
    "meeting_title", "meeting_when",      "meeting_where",     "meeting_url",  "recipient_name", "manage_url",
    "cancel_url",    "organisation_name", "waitlist_position", "time_changed", "place_changed"};
constexpr std::array<std::string_view, 2> languages = {"sv", "en"};
constexpr std::array<std::string_view, 3> parts = {"subject", "txt", "html"};
constexpr std::string_view default_language = "sv";

// ---- parsing ------------------------------------------------------------------------------

enum class token_kind { text, variable, raw, section, inverted, close, comment };

struct token {
    token_kind kind;
    std::string text;  // the text, or the tag's name
    int line = 1;
};

struct parsed {
    std::vector<token> tokens;  // balanced sections only when problems is empty
    std::vector<std::string> problems;
};

bool is_name(std::string_view name) {
    if (name.empty()) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool is_blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

bool is_line_tag(token_kind k) {
    return k == token_kind::section || k == token_kind::inverted || k == token_kind::close || k == token_kind::comment;
}

// Mustache's standalone rule: a section or comment tag that is the only thing on its line
// removes the line (its indentation and its line break), so templates can put tags on lines of
// their own without leaving blank lines in the text. Decided on the texts as written, then cut,
// so that two such lines in a row are both removed.
void remove_standalone_lines(std::vector<token>& tokens) {
    std::vector<std::size_t> cut_prefix(tokens.size(), 0);                  // of a text token: its first line end
    std::vector<std::size_t> cut_suffix(tokens.size(), std::string::npos);  // from its last line's start
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (!is_line_tag(tokens[i].kind)) continue;
        // Before: the start of the template, or text whose last line is blank and that begins a
        // line itself (it holds a line break, or it is the first token).
        std::size_t before_from = std::string::npos;
        if (i > 0) {
            if (tokens[i - 1].kind != token_kind::text) continue;
            const std::string& before = tokens[i - 1].text;
            const std::size_t newline = before.rfind('\n');
            if (newline == std::string::npos && i - 1 != 0) continue;
            before_from = newline == std::string::npos ? 0 : newline + 1;
            if (!is_blank(std::string_view(before).substr(before_from))) continue;
        }
        // After: the end of the template, or text that starts with blanks and a line break.
        std::size_t after_cut = 0;
        if (i + 1 < tokens.size()) {
            if (tokens[i + 1].kind != token_kind::text) continue;
            const std::string& after = tokens[i + 1].text;
            std::size_t pos = 0;
            while (pos < after.size() && (after[pos] == ' ' || after[pos] == '\t')) ++pos;
            if (after.compare(pos, 2, "\r\n") == 0)
                after_cut = pos + 2;
            else if (pos < after.size() && after[pos] == '\n')
                after_cut = pos + 1;
            else if (pos == after.size() && i + 2 == tokens.size())
                after_cut = pos;
            else
                continue;
        }
        if (i > 0) cut_suffix[i - 1] = before_from;
        if (i + 1 < tokens.size()) cut_prefix[i + 1] = after_cut;
    }
    // The prefix ends at the text's first line break and the suffix starts after its last one,
    // so the two cuts never overlap.
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (cut_suffix[i] != std::string::npos) tokens[i].text.erase(cut_suffix[i]);
        tokens[i].text.erase(0, std::min(cut_prefix[i], tokens[i].text.size()));
    }
}

parsed parse(std::string_view source) {
    parsed out;
    int line = 1;
    const auto advance = [&](std::string_view consumed) {
        line += static_cast<int>(std::count(consumed.begin(), consumed.end(), '\n'));
    };
    std::vector<std::pair<std::string, int>> open;  // sections: name, line
    std::size_t pos = 0;
    while (pos < source.size()) {
        const std::size_t start = source.find("{{", pos);
        if (start == std::string_view::npos) {
            out.tokens.push_back({token_kind::text, std::string(source.substr(pos)), line});
            break;
        }
        if (start > pos) {
            out.tokens.push_back({token_kind::text, std::string(source.substr(pos, start - pos)), line});
            advance(source.substr(pos, start - pos));
        }
        const bool triple = source.compare(start, 3, "{{{") == 0;
        const std::string_view closer = triple ? "}}}" : "}}";
        const std::size_t body = start + (triple ? 3 : 2);
        const std::size_t end = source.find(closer, body);
        if (end == std::string_view::npos) {
            out.problems.push_back("line " + std::to_string(line) + ": a tag is not closed");
            out.tokens.push_back({token_kind::text, std::string(source.substr(start)), line});
            break;
        }
        std::string_view inside = source.substr(body, end - body);
        token t{token_kind::variable, {}, line};
        if (triple) {
            t.kind = token_kind::raw;
        } else if (!inside.empty()) {
            switch (inside.front()) {
                case '#':
                    t.kind = token_kind::section;
                    break;
                case '^':
                    t.kind = token_kind::inverted;
                    break;
                case '/':
                    t.kind = token_kind::close;
                    break;
                case '!':
                    t.kind = token_kind::comment;
                    break;
                case '&':
                    t.kind = token_kind::raw;
                    break;
                default:
                    break;
            }
            if (t.kind != token_kind::variable) inside.remove_prefix(1);
        }
        if (t.kind != token_kind::comment) {
            const std::string_view name = trim(inside);
            if (!is_name(name)) {
                out.problems.push_back("line " + std::to_string(line) + ": \"" +
                                       std::string(source.substr(start, end + closer.size() - start).substr(0, 60)) +
                                       "\" is not a tag this template language knows");
            }
            t.text = std::string(name);
        }
        if (t.kind == token_kind::section || t.kind == token_kind::inverted) {
            open.emplace_back(t.text, line);
        } else if (t.kind == token_kind::close) {
            if (open.empty()) {
                out.problems.push_back("line " + std::to_string(line) + ": {{/" + t.text + "}} closes no section");
            } else {
                if (open.back().first != t.text)
                    out.problems.push_back("line " + std::to_string(line) + ": {{/" + t.text + "}} closes {{#" +
                                           open.back().first + "}} of line " + std::to_string(open.back().second));
                open.pop_back();
            }
        }
        out.tokens.push_back(std::move(t));
        advance(source.substr(start, end + closer.size() - start));
        pos = end + closer.size();
    }
    for (const auto& [name, opened] : open)
        out.problems.push_back("line " + std::to_string(opened) + ": {{#" + name + "}} is never closed");
    remove_standalone_lines(out.tokens);
    return out;
}

// ---- rendering ----------------------------------------------------------------------------

void append_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
}

bool truthy(const context& ctx, std::string_view name) {
    const auto it = ctx.find(name);
    if (it == ctx.end()) return false;
    if (const bool* flag = std::get_if<bool>(&it->second)) return *flag;
    return !std::get<std::string>(it->second).empty();
}

std::string_view text_of(const context& ctx, std::string_view name) {
    const auto it = ctx.find(name);
    if (it == ctx.end()) return {};
    if (const std::string* text = std::get_if<std::string>(&it->second)) return *text;
    return {};  // a flag has no text
}

// ---- files --------------------------------------------------------------------------------

bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if (b < 0x80) {
            ++i;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            n = 2, cp = b & 0x1Fu, min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 3, cp = b & 0x0Fu, min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 4, cp = b & 0x07u, min = 0x10000;
        } else {
            return false;
        }
        if (i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

std::string key(std::string_view language, std::string_view kind, std::string_view part) {
    return std::string(language) + "/" + std::string(kind) + "." + std::string(part);
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// The problems of one template text, each prefixed with where it came from.
void check_source(std::string_view origin, std::string_view text, std::vector<std::string>& problems) {
    const std::string prefix = std::string(origin) + ": ";
    if (!is_valid_utf8(text)) problems.push_back(prefix + "is not valid UTF-8");
    const parsed p = parse(text);
    for (const auto& problem : p.problems) problems.push_back(prefix + problem);
    for (const auto& t : p.tokens) {
        if (t.kind == token_kind::text || t.kind == token_kind::comment || t.kind == token_kind::close) continue;
        if (is_name(t.text) && !contains(variables, t.text))
            problems.push_back(prefix + "line " + std::to_string(t.line) + ": unknown variable \"" + t.text + "\"");
    }
}

}  // namespace

std::span<const std::string_view> template_kinds() { return kinds; }
std::span<const std::string_view> template_variables() { return variables; }

std::string render_template(std::string_view source, const context& ctx, bool html) {
    const parsed p = parse(source);
    std::string out;
    // Sections that are not shown, innermost last; text renders only while none is hidden.
    std::vector<bool> shown;
    const auto visible = [&] { return std::all_of(shown.begin(), shown.end(), [](bool b) { return b; }); };
    for (const auto& t : p.tokens) {
        switch (t.kind) {
            case token_kind::text:
                if (visible()) out += t.text;
                break;
            case token_kind::variable:
                if (visible()) {
                    if (html)
                        append_escaped(out, text_of(ctx, t.text));
                    else
                        out += text_of(ctx, t.text);
                }
                break;
            case token_kind::raw:
                if (visible()) out += text_of(ctx, t.text);
                break;
            case token_kind::section:
                shown.push_back(truthy(ctx, t.text));
                break;
            case token_kind::inverted:
                shown.push_back(!truthy(ctx, t.text));
                break;
            case token_kind::close:
                if (!shown.empty()) shown.pop_back();
                break;
            case token_kind::comment:
                break;
        }
    }
    return out;
}

templates::templates(std::string override_dir) {
    for (std::size_t i = 0; i < embedded_templates_count; ++i) {
        sources_.emplace(
            std::string(embedded_templates_paths[i]),
            source{"embedded " + std::string(embedded_templates_paths[i]), std::string(embedded_templates_texts[i])});
    }
    for (const auto language : languages) {
        for (const auto kind : kinds) {
            for (const auto part : parts) {
                if (!sources_.contains(key(language, kind, part)))
                    load_problems_.push_back("embedded " + key(language, kind, part) + ": missing");
            }
        }
    }
    embedded_ = sources_;
    if (override_dir.empty()) return;

    namespace fs = std::filesystem;
    const fs::path dir(override_dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        load_problems_.push_back(override_dir + ": not a directory");
        return;
    }
    const auto hidden = [](const fs::path& p) { return p.filename().string().starts_with('.'); };
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (hidden(entry.path())) continue;
        const std::string language = entry.path().filename().string();
        if (!entry.is_directory() || !contains(languages, language)) {
            load_problems_.push_back(entry.path().string() + ": not a language directory (sv or en)");
            continue;
        }
        for (const auto& file : fs::directory_iterator(entry.path(), ec)) {
            if (hidden(file.path())) continue;
            const std::string kind = file.path().stem().string();
            const std::string extension = file.path().extension().string();
            const std::string part = extension.empty() ? std::string() : extension.substr(1);
            if (!file.is_regular_file() || !contains(kinds, kind) || !contains(parts, part)) {
                load_problems_.push_back(file.path().string() +
                                         ": not a template (<kind>.subject, <kind>.txt or <kind>.html for a kind of"
                                         " message Kalendarium sends)");
                continue;
            }
            std::ifstream in(file.path(), std::ios::binary);
            std::ostringstream text;
            text << in.rdbuf();
            if (!in) {
                load_problems_.push_back(file.path().string() + ": cannot be read");
                continue;
            }
            sources_[key(language, kind, part)] = source{file.path().string(), text.str()};
        }
    }
    if (ec) load_problems_.push_back(override_dir + ": cannot be read (" + ec.message() + ")");
}

const templates::source& templates::find(std::string_view language, std::string_view kind,
                                         std::string_view part) const {
    const std::string k = key(language, kind, part);
    const auto it = sources_.find(k);
    // An operator's template that does not parse is not used: check() names it, and until the
    // operator fixes it the default is better than a half-rendered text.
    if (it != sources_.end() && parse(it->second.text).problems.empty()) return it->second;
    return embedded_.at(k);
}

templates::rendered templates::render(std::string_view kind, std::string_view language, const context& ctx) const {
    if (!contains(kinds, kind)) throw std::invalid_argument("no e-mail template of kind \"" + std::string(kind) + "\"");
    const std::string_view lang = contains(languages, language) ? language : default_language;
    rendered out;
    out.subject = render_template(find(lang, kind, "subject").text, ctx, false);
    // One line, trimmed: the header encoder turns any line break into a space anyway, but a
    // template's final newline should not become a trailing space.
    for (char& c : out.subject) {
        if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    }
    const auto first = out.subject.find_first_not_of(' ');
    out.subject = first == std::string::npos ? std::string()
                                             : out.subject.substr(first, out.subject.find_last_not_of(' ') - first + 1);
    out.text = render_template(find(lang, kind, "txt").text, ctx, false);
    out.html = render_template(find(lang, kind, "html").text, ctx, true);
    return out;
}

std::vector<std::string> templates::check() const {
    std::vector<std::string> problems = load_problems_;
    for (const auto& [k, src] : sources_) check_source(src.origin, src.text, problems);
    return problems;
}

}  // namespace kal::service::mail
