#include "kal/service/mail/templates.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

// Generated at build time from service/mail/templates/ (cmake/embed_files.cmake).
namespace kal::service::mail {
extern const std::string_view embedded_templates_paths[];
extern const std::string_view embedded_templates_texts[];
extern const std::size_t embedded_templates_count;
}  // namespace kal::service::mail

namespace kal::service::mail {

namespace {

constexpr std::array<std::string_view, 9> kinds = {
    "confirmed",      "waitlisted", "promoted", "meeting_changed", "meeting_cancelled",
    "rsvp_cancelled", "reminder",   "sign_in",  "invitation"};
// The kinds that belong to an account rather than a sign-up: their footer says so.
constexpr std::array<std::string_view, 2> account_kinds = {"sign_in", "invitation"};
constexpr std::array<std::string_view, 16> variables = {
    "meeting_title",    "meeting_when",      "meeting_where",     "meeting_url",  "recipient_name",
    "manage_url",       "cancel_url",        "organisation_name", "waitlist_position", "time_changed",
    "place_changed",    "sign_in_url",       "sign_in_page_url",  "link_lifetime", "cancellation_reason",
    "check_in_code"};
// check_in_code: the message carries the QR code of the sign-up's check-in link as the inline
// picture "cid:checkin@kalendarium" (the worker attaches it).
constexpr std::array<std::string_view, 3> flags = {"time_changed", "place_changed", "check_in_code"};
constexpr std::array<std::string_view, 2> languages = {"sv", "en"};
constexpr std::array<std::string_view, 5> shared_parts = {"greeting", "meeting", "signup", "cancel", "footer"};
// What the include "footer" names for an account's messages instead of <lang>/footer.
constexpr std::string_view account_footer = "account_footer";
constexpr std::array<std::string_view, 2> bodies = {"txt", "html"};
constexpr std::string_view default_language = "sv";

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string path(std::string_view language, std::string_view name, std::string_view extension) {
    return std::string(language) + "/" + std::string(name) + "." + std::string(extension);
}

// What the code below fills, template by template: the start check holds every template to it.
std::vector<templating::declaration> declarations() {
    std::vector<std::string> texts, sections;
    for (const auto name : variables) {
        if (!contains(flags, name)) texts.emplace_back(name);
        sections.emplace_back(name);
        sections.push_back("no_" + std::string(name));
    }
    std::vector<std::string> with_frame = texts;
    with_frame.insert(with_frame.end(), {"language", "subject"});

    std::vector<templating::declaration> out;
    for (const auto extension : bodies) {
        std::vector<templating::include> shared;
        for (const auto part : shared_parts) {
            templating::include i{std::string(part), {}};
            for (const auto language : languages) i.templates.push_back(path(language, part, extension));
            if (part == "footer")
                for (const auto language : languages) i.templates.push_back(path(language, account_footer, extension));
            shared.push_back(std::move(i));
        }
        templating::include content{"content", {}};
        for (const auto language : languages) {
            for (const auto kind : kinds) content.templates.push_back(path(language, kind, extension));
        }
        auto layout_includes = shared;
        layout_includes.push_back(std::move(content));
        out.push_back({"layout." + std::string(extension), with_frame, sections, std::move(layout_includes)});
        for (const auto language : languages) {
            for (const auto part : shared_parts)
                out.push_back({path(language, part, extension), with_frame, sections, shared});
            out.push_back({path(language, account_footer, extension), with_frame, sections, shared});
            for (const auto kind : kinds)
                out.push_back({path(language, kind, extension), with_frame, sections, shared});
        }
    }
    for (const auto language : languages) {
        for (const auto kind : kinds) out.push_back({path(language, kind, "subject"), texts, sections, {}});
    }
    return out;
}

std::vector<templating::source> built_in() {
    std::vector<templating::source> out;
    for (std::size_t i = 0; i < embedded_templates_count; ++i)
        out.push_back({embedded_templates_paths[i], embedded_templates_texts[i]});
    return out;
}

// One line, trimmed: the header encoder turns any line break into a space anyway, but a
// template's final newline should not become a trailing space.
std::string one_line(std::string text) {
    for (char& c : text) {
        if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    }
    const auto first = text.find_first_not_of(' ');
    return first == std::string::npos ? std::string() : text.substr(first, text.find_last_not_of(' ') - first + 1);
}

}  // namespace

std::span<const std::string_view> template_kinds() { return kinds; }
std::span<const std::string_view> template_variables() { return variables; }

templates::templates(std::string override_dir) : set_(built_in(), declarations(), std::move(override_dir)) {}

templates::rendered templates::render(std::string_view kind, std::string_view language, const context& ctx) const {
    if (!contains(kinds, kind)) throw std::invalid_argument("no e-mail template of kind \"" + std::string(kind) + "\"");
    for (const auto& [name, v] : ctx) {
        if (!contains(variables, name))
            throw std::invalid_argument("\"" + name + "\" is not a variable of the e-mail templates");
    }
    const std::string_view lang = contains(languages, language) ? language : default_language;

    templating::dictionary values;
    for (const auto name : variables) {
        bool set = false;
        if (const auto it = ctx.find(name); it != ctx.end()) {
            if (const auto* text = std::get_if<std::string>(&it->second)) {
                set = !text->empty();
                if (set) values.set(name, *text);
            } else {
                set = std::get<bool>(it->second);
            }
        }
        values.show(set ? std::string(name) : "no_" + std::string(name));
    }

    rendered out;
    out.subject = one_line(set_.expand(path(lang, kind, "subject"), values));
    values.set("language", lang).set("subject", out.subject);
    for (const auto extension : bodies) {
        values.include("content", path(lang, kind, extension));
        for (const auto part : shared_parts) values.include(part, path(lang, part, extension));
        if (contains(account_kinds, kind)) values.include("footer", path(lang, account_footer, extension));
        (extension == "txt" ? out.text : out.html) = set_.expand("layout." + std::string(extension), values);
    }
    return out;
}

std::vector<std::string> templates::check() const { return set_.problems(); }

}  // namespace kal::service::mail
