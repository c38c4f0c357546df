#pragma once
// Templates by name over Google's ctemplate (Debian's libctemplate-dev; the "How To Use" guide and
// reference are in its doc/): the texts of the e-mails now, the web pages next.
//
// A template_set is the templates of one purpose (the mails, the pages), each named by its path
// below that purpose's template directory ("layout.html", "sv/confirmed.html"). The built-in
// texts are compiled in (cmake/embed_files.cmake), so nothing is read at run time; an operator's
// directory laid out the same way replaces any of them file by file. Everything is read and
// parsed once, in the constructor; expansions after that share the parsed templates and may run
// on any number of threads at once.
//
// The language is ctemplate's: {{name}}, {{#section}}...{{/section}} (shown once or once per
// item, never otherwise: there is no "inverted" section, so the code shows a section named
// no_<name> where it needs one), {{>include}}, {{! comment }}, {{%AUTOESCAPE ...}}. What a file
// name ends in says how values are escaped, and the start check holds each file to it:
//   .html  starts with {{%AUTOESCAPE context="HTML"}}: each value is escaped for where it stands
//          (text, attribute, URL attribute, style, script) without hand escaping. A value in
//          JSON-LD (<script type="application/ld+json">) is written "{{name:json_escape}}".
//   .json  starts with {{%AUTOESCAPE context="JSON"}}; values are written "{{name:json_escape}}".
//   .xml   starts with {{%AUTOESCAPE context="XML"}} (the check holds it to its first line): each
//          value is escaped for XML text and attributes, and any character XML 1.0 does not
//          allow (control characters but tab and line breaks, U+FFFE, U+FFFF, bytes that are
//          not UTF-8) becomes U+FFFD, so a value can never make the document unreadable.
//   other  plain text (.txt, .subject): values as they are.
// A line that holds nothing but one section, include, comment or pragma marker disappears with
// its line break (ctemplate's STRIP_BLANK_LINES rule, but blank lines stay: plain-text mail is
// made of them). Everything else is kept byte for byte.
//
// Includes: {{>marker}} expands the template that the code names for the marker
// (dictionary::include) in its place, with the values the including template sees. That is
// how a page gets its layout (the layout is expanded, and {{>content}} names the page) and its
// partials, and how one layout serves every language (the code names "sv/footer.html" or
// "en/footer.html" for {{>footer}}). ctemplate escapes each template for itself, as if it began
// in HTML text, so an include stands where text may: not inside a tag, an attribute or a script.
//
// The start check (problems()): ctemplate expands a name nobody filled as empty, so the check is
// ours. Every declared template, built in or the operator's, must parse; may use only the
// variables, sections and includes its declaration lists; must escape each value as its name
// says; may not include itself through any chain. Each declared include target must be a
// template of the set; files in the operator's directory must be templates of the set; every
// file must be UTF-8. The names a template uses are taken from ctemplate's own parse tree (the
// template is expanded once with a dictionary that records what it is asked for), not from a
// second parser of ours. Whether an expansion is XML is said by the name it starts from.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kal::service::templating {

// A built-in template: its name and text.
struct source {
    std::string_view name;
    std::string_view text;
};

// {{>marker}} and the templates the code may name for it.
struct include {
    std::string marker;
    std::vector<std::string> templates;
};

// What the code fills for one template. A template that uses a name not listed here is an
// error at start, not an empty string in a mail.
struct declaration {
    std::string name;
    std::vector<std::string> variables;  // {{name}}
    std::vector<std::string> sections;   // {{#name}}; name_separator (ctemplate's) comes with it
    std::vector<include> includes;       // {{>marker}}
};

class dictionary_view;

// The values of one expansion, as a tree: sections hold one dictionary per item, and a name not
// found in an item's dictionary is looked up in the dictionaries around it. Build one per
// expansion (it is cheap); not for two threads at once. Not movable: items point to it.
class dictionary {
public:
    dictionary() = default;
    // A dictionary whose names, where it has none of its own, are looked up in `around`, which
    // must outlive it (a page's values over the texts of its language).
    explicit dictionary(const dictionary* around) : parent_(around) {}
    dictionary(const dictionary&) = delete;
    dictionary& operator=(const dictionary&) = delete;
    ~dictionary();

    // {{name}}: the text (UTF-8), escaped where it stands in an HTML or JSON template.
    dictionary& set(std::string_view name, std::string_view value);
    // {{#name}}...{{/name}} once, with the values around it.
    dictionary& show(std::string_view section);
    // {{#name}}...{{/name}} once more, with the values of the dictionary returned (and, where it
    // has none, those around it): one call per item of a list.
    dictionary& add(std::string_view section);
    // {{>marker}}: the template `template_name` is expanded in its place, with the values the
    // marker sees (so a partial inside a list item sees the item's values).
    dictionary& include(std::string_view marker, std::string_view template_name);

private:
    friend class dictionary_view;

    struct section {
        std::string name;
        std::vector<std::unique_ptr<dictionary>> items;  // none: shown once with these values
    };
    const dictionary* parent_ = nullptr;
    std::vector<std::pair<std::string, std::string>> values_;
    std::vector<section> sections_;
    std::vector<std::pair<std::string, std::string>> includes_;  // marker, template name
};

class template_set {
public:
    // Reads the declared templates (the operator's file under override_dir where there is one,
    // else the built-in text; override_dir empty: built-in only), parses them and runs the start
    // check. What a template holds never throws: it is in problems(). A template of the
    // operator's that does not parse or includes itself is replaced by the built-in one, so that
    // expansions work, and end, whatever problems() says.
    template_set(std::span<const source> built_in, std::vector<declaration> declarations,
                 std::string override_dir = {});
    ~template_set();
    template_set(template_set&&) noexcept;
    template_set& operator=(template_set&&) noexcept;

    // One line per problem, each naming the file ("built-in sv/confirmed.html" or the operator's
    // path) and, where it can, the line and the name. Empty when all is well; a service must not
    // start otherwise.
    const std::vector<std::string>& problems() const;

    // The expansion of the template `name`, appended to `out` (nothing is appended when it
    // throws). Thread-safe. Throws std::invalid_argument for a name that is not declared and
    // std::runtime_error for a template that could not be loaded (problems() says why) or an
    // include that names a template that is not in the set.
    void expand(std::string_view name, const dictionary& values, std::string& out) const;
    std::string expand(std::string_view name, const dictionary& values) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace kal::service::templating
