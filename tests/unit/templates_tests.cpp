#define BOOST_TEST_MODULE templates
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "kal/service/templating/templates.hpp"
#include "unit_support.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

// The template engine (service/templating/) over the real ctemplate. What HTML comes out is
// read back by Python's html.parser (tests/tools/html_inspect.py), JSON by Boost.JSON: parsers
// that are not ours decide whether a hostile value came out as text.

namespace tpl = kal::service::templating;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

using files = std::vector<std::pair<std::string, std::string>>;

tpl::template_set make_set(const files& built_in, std::vector<tpl::declaration> declarations,
                           const std::string& override_dir = {}) {
    std::vector<tpl::source> sources;
    for (const auto& [name, text] : built_in) sources.push_back({name, text});
    return tpl::template_set(sources, std::move(declarations), override_dir);
}

using kal::test::temp_path;
using kal::test::write_file;

// What Python's html.parser reads in the document (tests/tools/html_inspect.py).
json::object inspect_html(const std::string& html) { return kal::test::run_python_tool("html_inspect.py", html); }

std::string text_of(const json::object& page, const char* id) {
    return std::string(page.at("elements").at(id).at("text").as_string());
}
std::string attribute_of(const json::object& page, const char* id, const char* attribute) {
    return std::string(page.at("elements").at(id).at("attrs").at(attribute).as_string());
}

bool has_problem(const tpl::template_set& set, const std::string& file, const std::string& what) {
    for (const auto& p : set.problems()) {
        if (p.find(file) != std::string::npos && p.find(what) != std::string::npos) return true;
    }
    return false;
}

void show_problems(const tpl::template_set& set) {
    for (const auto& p : set.problems()) BOOST_TEST_MESSAGE(p);
}

// Hostile in every context: markup, both quotes, the ends of a textarea, a script and a comment,
// an ampersand, right-to-left marks and overrides, an emoji, a line separator.
const std::string hostile =
    "<script>alert('x')</script> \"quoted\" & 'single' </textarea></script><!-- "
    "\u202E\u200F\u200E rtl \u0627\u0644\u0639\u0631\u0628\u064A\u0629 emoji \U0001F600 "
    "\u2028 end";

const std::string page_template = R"({{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="sv">
<head>
<title>{{value}}</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event", "name": "{{value:json_escape}}", "url": "{{url:json_escape}}"}</script>
</head>
<body>
<p id="text">{{value}}</p>
<p id="attribute" title="{{value}}">attribute</p>
<p id="single" title='{{value}}'>single quotes</p>
<a id="link" href="{{url}}">link</a>
<a id="query" href="/search?q={{value}}">query</a>
<textarea id="area">{{value}}</textarea>
<!-- {{value}} -->
</body>
</html>
)";

tpl::template_set page_set() {
    return make_set({{"page.html", page_template}}, {{"page.html", {"value", "url"}, {}, {}}});
}

}  // namespace

// ---- escaping by context --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(hostile_values_come_out_as_text_wherever_they_stand_in_html) {
    const auto set = page_set();
    show_problems(set);
    BOOST_TEST(set.problems().empty());
    tpl::dictionary d;
    d.set("value", hostile).set("url", "https://kalendarium.boras.se/moten/17?a=1&b=2");
    const std::string html = set.expand("page.html", d);
    BOOST_TEST(html.find("<script>alert") == std::string::npos);

    const auto page = inspect_html(html);
    // The same elements as the template has, none added by a value.
    std::vector<std::string> tags;
    for (const auto& t : page.at("tags").as_array()) tags.emplace_back(t.as_string());
    BOOST_TEST((tags == std::vector<std::string>{"html", "head", "title", "script", "body", "p", "p", "p", "a", "a",
                                                 "textarea"}));
    BOOST_TEST(text_of(page, "text") == hostile);
    BOOST_TEST(attribute_of(page, "attribute", "title") == hostile);
    BOOST_TEST(attribute_of(page, "single", "title") == hostile);
    BOOST_TEST(text_of(page, "area") == hostile);
    BOOST_TEST(attribute_of(page, "link", "href") == "https://kalendarium.boras.se/moten/17?a=1&b=2");
    BOOST_TEST(attribute_of(page, "query", "href") == "/search?q=" + hostile);
    // JSON-LD: the script holds exactly one JSON object whose name is the value.
    const auto& scripts = page.at("scripts").as_array();
    BOOST_TEST_REQUIRE(scripts.size() == 1u);
    BOOST_TEST(scripts[0].at("type").as_string() == "application/ld+json");
    const auto ld = json::parse(scripts[0].at("text").as_string()).as_object();
    BOOST_TEST(ld.at("name").as_string() == hostile);
    BOOST_TEST(ld.at("url").as_string() == "https://kalendarium.boras.se/moten/17?a=1&b=2");
}

BOOST_AUTO_TEST_CASE(a_url_that_could_run_script_becomes_harmless_in_href) {
    const auto set = page_set();
    for (const std::string url : {"javascript:alert(1)", " JaVaScRiPt:alert(document.cookie)",
                                  "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"}) {
        BOOST_TEST_CONTEXT(url) {
            tpl::dictionary d;
            d.set("value", "x").set("url", url);
            const auto page = inspect_html(set.expand("page.html", d));
            BOOST_TEST(attribute_of(page, "link", "href") == "#");
            // Elsewhere it is only text.
            const auto ld = json::parse(page.at("scripts").as_array()[0].at("text").as_string()).as_object();
            BOOST_TEST(ld.at("url").as_string() == url);
        }
    }
    tpl::dictionary relative;
    relative.set("value", "x").set("url", "/moten/17?sv=1&x=\"y\"");
    BOOST_TEST(attribute_of(inspect_html(set.expand("page.html", relative)), "link", "href") ==
               "/moten/17?sv=1&x=\"y\"");
}

BOOST_AUTO_TEST_CASE(json_templates_escape_values_as_json) {
    const auto set =
        make_set({{"event.json", "{{%AUTOESCAPE context=\"JSON\"}}\n{\"name\": \"{{name:json_escape}}\", \"n\": 1}\n"}},
                 {{"event.json", {"name"}, {}, {}}});
    show_problems(set);
    BOOST_TEST(set.problems().empty());
    tpl::dictionary d;
    d.set("name", hostile);
    const auto out = set.expand("event.json", d);
    BOOST_TEST(out.find("</script>") == std::string::npos);  // safe inside a script element too
    BOOST_TEST(json::parse(out).at("name").as_string() == hostile);
}

// What Python's xml.etree.ElementTree (expat) reads in an XML document (tests/tools/xml_inspect.py).
json::object inspect_xml(const std::string& xml) { return kal::test::run_python_tool("xml_inspect.py", xml); }

BOOST_AUTO_TEST_CASE(xml_templates_escape_values_and_replace_what_xml_cannot_hold) {
    // U+FFFF, U+FFFE and C0 controls are valid UTF-8 that XML 1.0 does not allow (ctemplate's
    // xml_escape leaves them); a lone continuation byte is not UTF-8 at all.
    const std::string unfit = hostile + " \xEF\xBF\xBF \xEF\xBF\xBE \x01\x1B \x80 tab\tline\nend";
    const std::string cleaned = hostile + " \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD tab\tline\nend";
    const files built_in = {
        {"feed.xml",
         "{{%AUTOESCAPE context=\"XML\"}}\n<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
         "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title id=\"t\">{{name}}</title>\n"
         "<link href=\"{{url}}\"/>\n{{#entry}}\n{{>entry}}\n{{/entry}}\n</feed>\n"},
        {"entry.xml", "{{%AUTOESCAPE context=\"XML\"}}\n<entry><title>{{name}}</title><summary>{{text}}</summary></entry>\n"},
        {"page.html", "{{%AUTOESCAPE context=\"HTML\"}}\n<p>{{name}}</p>\n"},
    };
    const auto set = make_set(built_in, {{"feed.xml", {"name", "url"}, {"entry"}, {{"entry", {"entry.xml"}}}},
                                         {"entry.xml", {"name", "text"}, {}, {}},
                                         {"page.html", {"name"}, {}, {}}});
    show_problems(set);
    BOOST_TEST(set.problems().empty());
    tpl::dictionary d;
    d.set("name", unfit).set("url", "https://example.se/feeds/a.atom?x=1&y=\"2\"");
    d.add("entry").set("text", unfit).include("entry", "entry.xml");
    const auto out = set.expand("feed.xml", d);
    BOOST_TEST(out.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"));  // the pragma's line is gone
    const auto read = inspect_xml(out);
    BOOST_TEST_REQUIRE(read.at("well_formed").as_bool(), read.at("error").as_string());
    const auto& elements = read.at("elements").as_array();
    std::vector<std::string> names;
    for (const auto& e : elements) names.emplace_back(e.at("name").as_string());
    BOOST_TEST((names == std::vector<std::string>{"feed", "title", "link", "entry", "title", "summary"}));
    // Values come back as the text they were (stripped of the spaces around them, as the tool
    // reads), only the characters XML cannot hold replaced: in the feed, in a section item and in
    // a partial.
    const auto trimmed = [](std::string s) { return s.substr(0, s.find_last_not_of(" \n") + 1); };
    BOOST_TEST(elements[1].at("text").as_string() == trimmed(cleaned));
    BOOST_TEST(elements[2].at("attrs").at("href").as_string() == "https://example.se/feeds/a.atom?x=1&y=\"2\"");
    BOOST_TEST(elements[4].at("text").as_string() == trimmed(cleaned));
    BOOST_TEST(elements[5].at("text").as_string() == trimmed(cleaned));
    // The replacement is XML's: an HTML page keeps the value as it is (browsers read U+FFFF).
    BOOST_TEST(set.expand("page.html", d).find("\xEF\xBF\xBF") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_xml_template_says_it_is_xml_in_its_first_line) {
    const files built_in = {
        {"fine.xml", "{{%AUTOESCAPE context=\"XML\"}}\n<a b=\"{{v}}\">{{v}}</a>\n"},
        // Escaped the same way for the probe, but read by ctemplate as HTML.
        {"as_html.xml", "{{%AUTOESCAPE context=\"HTML\"}}\n<a b=\"{{v}}\">{{v}}</a>\n"},
        {"no_pragma.xml", "<a>{{v}}</a>\n"},
        {"late.xml", "<?xml version=\"1.0\"?>\n{{%AUTOESCAPE context=\"XML\"}}\n<a>{{v}}</a>\n"},
    };
    std::vector<tpl::declaration> declarations;
    for (const auto& [name, text] : built_in) declarations.push_back({name, {"v"}, {}, {}});
    const auto set = make_set(built_in, declarations);
    show_problems(set);
    const std::string must = "line 1: must start with {{%AUTOESCAPE context=\"XML\"}}";
    BOOST_TEST(has_problem(set, "built-in as_html.xml", must));
    BOOST_TEST(has_problem(set, "built-in no_pragma.xml", must));
    BOOST_TEST(has_problem(set, "built-in no_pragma.xml", "{{v}} is not escaped"));
    BOOST_TEST(has_problem(set, "built-in late.xml", "Pragma marker must be at the top"));  // ctemplate's own rule
    BOOST_TEST(!has_problem(set, "fine.xml", ""));
}

BOOST_AUTO_TEST_CASE(plain_text_templates_leave_values_as_they_are) {
    const auto set = make_set({{"a.txt", "Hej {{name}}!{{BI_SPACE}}<{{name}}>\n"}}, {{"a.txt", {"name"}, {}, {}}});
    show_problems(set);
    BOOST_TEST(set.problems().empty());
    tpl::dictionary d;
    d.set("name", hostile);
    BOOST_TEST(set.expand("a.txt", d) == "Hej " + hostile + "! <" + hostile + ">\n");
}

// ---- sections, lines, includes --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(sections_show_once_per_item_or_not_at_all_and_marker_lines_vanish) {
    const auto set = make_set({{"a.txt",
                                "Start\n"
                                "{{#flag}}\n"
                                "  flag is {{name}}\n"
                                "{{/flag}}\n"
                                "{{! a comment alone on its line }}\n"
                                "\n"
                                "{{#item}}- {{name}}{{#item_separator}},{{/item_separator}}\n"
                                "{{/item}}\n"
                                "{{#hidden}}never{{/hidden}}End {{#flag}}inline{{/flag}}\n"}},
                              {{"a.txt", {"name"}, {"flag", "item", "hidden"}, {}}});
    show_problems(set);
    BOOST_TEST(set.problems().empty());
    tpl::dictionary d;
    d.set("name", "outer").show("flag");
    d.add("item").set("name", "one");
    d.add("item");  // no name of its own: the one around it
    d.add("item").set("name", "three");
    // The blank line stays; the section and comment lines go with their line breaks.
    BOOST_TEST(set.expand("a.txt", d) == "Start\n  flag is outer\n\n- one,\n- outer,\n- three\nEnd inline\n");
    tpl::dictionary empty;
    BOOST_TEST(set.expand("a.txt", empty) == "Start\n\nEnd \n");
}

BOOST_AUTO_TEST_CASE(includes_expand_the_named_template_with_the_values_the_marker_sees) {
    const files built_in = {
        {"layout.html",
         "{{%AUTOESCAPE context=\"HTML\"}}\n<html lang=\"{{language}}\">\n<title>{{title}}</title>\n"
         "{{>content}}\n<footer>{{>footer}}</footer>\n</html>\n"},
        {"sv/footer.html", "{{%AUTOESCAPE context=\"HTML\"}}\nHej då, {{name}}\n"},
        {"en/footer.html", "{{%AUTOESCAPE context=\"HTML\"}}\nGoodbye, {{name}}\n"},
        {"sv/list.html", "{{%AUTOESCAPE context=\"HTML\"}}\n<ul>\n{{#item}}\n{{>card}}\n{{/item}}\n</ul>\n"},
        {"card.html", "{{%AUTOESCAPE context=\"HTML\"}}\n<li><a href=\"{{url}}\">{{title}}</a> ({{name}})</li>\n"},
    };
    const std::vector<std::string> names = {"language", "title", "name", "url"};
    const std::vector<tpl::include> includes = {
        {"content", {"sv/list.html"}}, {"footer", {"sv/footer.html", "en/footer.html"}}, {"card", {"card.html"}}};
    std::vector<tpl::declaration> declarations;
    for (const auto& [name, text] : built_in) declarations.push_back({name, names, {"item"}, includes});
    declarations[1].includes = declarations[2].includes = declarations[4].includes = {};
    declarations[3].includes = {includes[2]};
    const auto set = make_set(built_in, declarations);
    show_problems(set);
    BOOST_TEST(set.problems().empty());

    tpl::dictionary d;
    d.set("language", "sv").set("title", "Möten & <mer>").set("name", "Åsa");
    d.include("content", "sv/list.html").include("footer", "sv/footer.html").include("card", "card.html");
    d.add("item").set("title", "Första <b>").set("url", "/moten/1");
    d.add("item").set("title", "Andra").set("url", "javascript:alert(1)").set("name", "Bo");
    BOOST_TEST(set.expand("layout.html", d) ==
               "<html lang=\"sv\">\n<title>Möten &amp; &lt;mer&gt;</title>\n<ul>\n"
               "<li><a href=\"/moten/1\">Första &lt;b&gt;</a> (Åsa)</li>\n"
               "<li><a href=\"#\">Andra</a> (Bo)</li>\n"
               "</ul>\n<footer>Hej då, Åsa\n</footer>\n</html>\n");
    d.include("footer", "en/footer.html");
    BOOST_TEST(set.expand("layout.html", d).find("<footer>Goodbye, Åsa\n</footer>") != std::string::npos);
    // An include nobody named expands to nothing; a name outside the set is an error, not a blank.
    tpl::dictionary bare;
    BOOST_TEST(set.expand("layout.html", bare) == "<html lang=\"\">\n<title></title>\n<footer></footer>\n</html>\n");
    bare.include("content", "sv/missing.html");
    std::string out = "kept";
    BOOST_CHECK_THROW(set.expand("layout.html", bare, out), std::runtime_error);
    BOOST_TEST(out == "kept");
    BOOST_CHECK_THROW(set.expand("nothing.html", bare), std::invalid_argument);
}

// ---- the operator's directory ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_operators_directory_replaces_built_in_templates_file_by_file) {
    const files built_in = {
        {"layout.txt", "[{{>content}}]\n"}, {"sv/a.txt", "built-in a {{name}}"}, {"sv/b.txt", "built-in b {{name}}"}};
    std::vector<tpl::declaration> declarations = {{"layout.txt", {"name"}, {}, {{"content", {"sv/a.txt", "sv/b.txt"}}}},
                                                  {"sv/a.txt", {"name"}, {}, {}},
                                                  {"sv/b.txt", {"name"}, {}, {}}};
    const fs::path dir = temp_path("override");
    write_file(dir / "layout.txt", "<<{{>content}}>>\n");
    write_file(dir / "sv" / "b.txt", "operator's b {{name}}");
    write_file(dir / "sv" / ".b.txt.swp", "an editor's file");
    write_file(dir / ".git" / "config", "version control");
    const auto set = make_set(built_in, declarations, dir.string());
    show_problems(set);
    BOOST_TEST(set.problems().empty());
    tpl::dictionary d;
    d.set("name", "N").include("content", "sv/a.txt");
    BOOST_TEST(set.expand("layout.txt", d) == "<<built-in a N>>\n");
    d.include("content", "sv/b.txt");
    BOOST_TEST(set.expand("layout.txt", d) == "<<operator's b N>>\n");

    // What is not a template there is named; the templates still work.
    write_file(dir / "sv" / "c.txt", "no such template");
    write_file(dir / "de" / "a.txt", "no such directory");
    const auto confused = make_set(built_in, declarations, dir.string());
    show_problems(confused);
    BOOST_TEST(has_problem(confused, (dir / "sv" / "c.txt").string(), "not a template"));
    BOOST_TEST(has_problem(confused, (dir / "de").string(), "not a directory of templates"));
    BOOST_TEST(confused.problems().size() == 2u);
    BOOST_TEST(confused.expand("layout.txt", d) == "<<operator's b N>>\n");
    fs::remove_all(dir);

    BOOST_TEST(has_problem(make_set(built_in, declarations, "/nonexistent/kalendarium"), "/nonexistent/kalendarium",
                           "not a directory"));
}

// ---- the start check -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_check_names_file_line_and_name_of_what_the_code_does_not_provide) {
    const files built_in = {{"page.html", "{{%AUTOESCAPE context=\"HTML\"}}\n<p>{{title}}</p>\n"},
                            {"part.html", "{{%AUTOESCAPE context=\"HTML\"}}\n<p>{{title}}</p>\n"}};
    const std::vector<tpl::declaration> declarations = {{"page.html", {"title"}, {"shown"}, {{"part", {"part.html"}}}},
                                                        {"part.html", {"title"}, {}, {}}};
    const fs::path dir = temp_path("check");
    write_file(dir / "page.html",
               "{{%AUTOESCAPE context=\"HTML\"}}\n<h1>{{title}}</h1>\n<p>{{titel}}</p>\n"
               "{{#shown}}{{#hiden}}x{{/hiden}}{{/shown}}\n{{>prat}}\n{{>part}}\n");
    const auto set = make_set(built_in, declarations, dir.string());
    show_problems(set);
    const std::string page = (dir / "page.html").string();
    BOOST_TEST(has_problem(set, page, "line 3: unknown variable \"titel\" (this template may use: title)"));
    BOOST_TEST(has_problem(set, page, "line 4: unknown section \"hiden\""));
    BOOST_TEST(has_problem(set, page, "line 5: unknown include \"prat\" (this template may include: part)"));
    BOOST_TEST(set.problems().size() == 3u);
    // Only the check is strict: the operator's template, which parses, is the one used.
    tpl::dictionary d;
    d.set("title", "T");
    BOOST_TEST(set.expand("page.html", d) == "<h1>T</h1>\n<p></p>\n\n");
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_template_that_does_not_parse_is_named_with_ctemplates_reason_and_replaced) {
    const files built_in = {{"a.txt", "built-in {{name}}\n"}, {"b.txt", "b\n"}, {"c.txt", "c\n"}, {"d.txt", "d\n"}};
    std::vector<tpl::declaration> declarations;
    for (const auto& [name, text] : built_in) declarations.push_back({name, {"name"}, {"s", "t"}, {}});
    const fs::path dir = temp_path("syntax");
    write_file(dir / "a.txt", "{{#s}}never closed {{name}}\n");
    write_file(dir / "b.txt", "{{#s}}x{{/t}}\n");
    write_file(dir / "c.txt", "{{name with spaces}}\n");
    write_file(dir / "d.txt", "{{^s}}Mustache's inverted section{{/s}}\n");
    const auto set = make_set(built_in, declarations, dir.string());
    show_problems(set);
    BOOST_TEST(
        has_problem(set, (dir / "a.txt").string(), "does not parse: File ended before all sections were closed"));
    BOOST_TEST(has_problem(set, (dir / "b.txt").string(), "does not parse: Found end of different section"));
    BOOST_TEST(
        has_problem(set, (dir / "c.txt").string(), "does not parse: Illegal name in template 'name with spaces'"));
    BOOST_TEST(has_problem(set, (dir / "d.txt").string(), "does not parse: Illegal name in template '^s'"));
    BOOST_TEST(set.problems().size() == 4u);
    tpl::dictionary d;
    d.set("name", "N");
    BOOST_TEST(set.expand("a.txt", d) == "built-in N\n");
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(an_html_value_left_unescaped_or_escaped_for_script_is_a_problem) {
    const files built_in = {
        {"no_pragma.html", "<p>{{v}}</p>\n"},
        {"none.html", "{{%AUTOESCAPE context=\"HTML\"}}\n<p>{{v}}</p>\n<p>{{w:none}}</p>\n"},
        {"script.html",
         "{{%AUTOESCAPE context=\"HTML\"}}\n<script type=\"application/ld+json\">{\"a\": \"{{v}}\"}</script>\n"},
        {"plain.json", "{\"a\": \"{{v}}\"}\n"},
        {"javascript.json", "{{%AUTOESCAPE context=\"JSON\"}}\n{\"a\": \"{{v}}\"}\n"},
        {"fine.html", "{{%AUTOESCAPE context=\"HTML\"}}\n<p title=\"{{v}}\">{{w}}</p><a href=\"{{v}}\">x</a>\n"},
    };
    std::vector<tpl::declaration> declarations;
    for (const auto& [name, text] : built_in) declarations.push_back({name, {"v", "w"}, {}, {}});
    const auto set = make_set(built_in, declarations);
    show_problems(set);
    BOOST_TEST(has_problem(set, "built-in no_pragma.html", "line 1: {{v}} is not escaped"));
    BOOST_TEST(has_problem(set, "built-in none.html", "line 3: {{w}} is not escaped"));
    BOOST_TEST(has_problem(set, "built-in script.html", "{{v}} is escaped for JavaScript, which is not JSON"));
    BOOST_TEST(has_problem(set, "built-in plain.json", "{{v}} is not escaped"));
    BOOST_TEST(has_problem(set, "built-in javascript.json", "write {{v:json_escape}}"));
    BOOST_TEST(!has_problem(set, "fine.html", ""));
    BOOST_TEST(set.problems().size() == 5u);
}

BOOST_AUTO_TEST_CASE(missing_includes_cycles_bad_utf8_and_stray_built_ins_are_problems) {
    const files built_in = {{"a.txt", "{{>b}}\n"},
                            {"b.txt", "{{>a}}\n"},
                            {"c.txt", "caf\xC3\n\xA9 {{>x}}\n"},
                            {"stray.txt", "nobody declared me"}};
    const std::vector<tpl::declaration> declarations = {{"a.txt", {}, {}, {{"b", {"b.txt"}}}},
                                                        {"b.txt", {}, {}, {{"a", {"a.txt"}}}},
                                                        {"c.txt", {}, {}, {{"x", {"gone.txt"}}}},
                                                        {"d.txt", {}, {}, {}}};
    const auto set = make_set(built_in, declarations);
    show_problems(set);
    BOOST_TEST(has_problem(set, "built-in a.txt", "includes itself: a.txt -> b.txt -> a.txt"));
    BOOST_TEST(has_problem(set, "declaration of c.txt", "{{>x}} may name \"gone.txt\", which is not a template"));
    BOOST_TEST(has_problem(set, "built-in c.txt", "line 1: is not valid UTF-8"));
    BOOST_TEST(has_problem(set, "built-in d.txt", "missing"));
    BOOST_TEST(has_problem(set, "built-in stray.txt", "no declaration"));
    BOOST_TEST(set.problems().size() == 5u);
    tpl::dictionary d;
    BOOST_CHECK_THROW(set.expand("d.txt", d), std::runtime_error);  // declared, but there is none
    BOOST_CHECK_THROW(make_set({}, {{"a.txt", {}, {}, {}}, {"a.txt", {}, {}, {}}}), std::invalid_argument);
}

// ---- threads and speed -----------------------------------------------------------------------

namespace {

tpl::template_set list_set() {
    const files built_in = {
        {"list.html",
         "{{%AUTOESCAPE context=\"HTML\"}}\n<h1>{{title}}</h1>\n<ul>\n{{#meeting}}\n{{>card}}\n"
         "{{/meeting}}\n</ul>\n"},
        {"card.html",
         "{{%AUTOESCAPE context=\"HTML\"}}\n<li><a href=\"/moten/{{id}}\">{{title}}</a> <time>{{when}}"
         "</time>{{#full}} <strong>Fullt</strong>{{/full}} {{organiser}}</li>\n"}};
    return make_set(built_in, {{"list.html", {"title"}, {"meeting"}, {{"card", {"card.html"}}}},
                               {"card.html", {"id", "title", "when", "organiser"}, {"full"}, {}}});
}

void fill_list(tpl::dictionary& d, int items, const std::string& tag) {
    d.set("title", "Möten " + tag).include("card", "card.html");
    for (int i = 0; i < items; ++i) {
        auto& m = d.add("meeting");
        m.set("id", std::to_string(i)).set("title", "FRÖ-möte <" + std::to_string(i) + "> & " + tag);
        m.set("when", "torsdag 5 mars 2026 kl. 18.00").set("organiser", "Föreningen \"Kraften\"");
        if (i % 3 == 0) m.show("full");
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(expansions_on_several_threads_at_once_agree_with_one_thread) {
    const auto set = list_set();
    BOOST_TEST(set.problems().empty());
    constexpr int threads = 8, rounds = 50;
    std::vector<std::string> expected;
    for (int t = 0; t < threads; ++t) {
        tpl::dictionary d;
        fill_list(d, 100, std::to_string(t));
        expected.push_back(set.expand("list.html", d));
    }
    std::atomic<int> wrong{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int r = 0; r < rounds; ++r) {
                tpl::dictionary d;
                fill_list(d, 100, std::to_string(t));
                if (set.expand("list.html", d) != expected[static_cast<std::size_t>(t)]) ++wrong;
            }
        });
    }
    for (auto& t : pool) t.join();
    BOOST_TEST(wrong.load() == 0);
    BOOST_TEST(expected[3].find("FRÖ-möte &lt;99&gt; &amp; 3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_list_of_two_thousand_items_expands_and_reports_its_time) {
    const auto set = list_set();
    constexpr int items = 2000;
    const auto start = std::chrono::steady_clock::now();
    tpl::dictionary d;
    fill_list(d, items, "x");
    const auto filled = std::chrono::steady_clock::now();
    const std::string html = set.expand("list.html", d);
    const auto done = std::chrono::steady_clock::now();
    const auto us = [](auto a, auto b) { return std::chrono::duration_cast<std::chrono::microseconds>(b - a).count(); };
    BOOST_TEST_MESSAGE("2,000 list items: dictionary filled in " << us(start, filled) << " us, expanded in "
                                                                 << us(filled, done) << " us, " << html.size()
                                                                 << " bytes");
    std::size_t count = 0;
    for (auto at = html.find("<li>"); at != std::string::npos; at = html.find("<li>", at + 1)) ++count;
    BOOST_TEST(count == static_cast<std::size_t>(items));
    BOOST_TEST(html.find("<li><a href=\"/moten/1999\">FRÖ-möte &lt;1999&gt; &amp; x</a>") != std::string::npos);
}
