#pragma once
// The words of the service per language, in one place: service/texts/sv.toml and en.toml,
// compiled in. Keys are "section.name" ("meeting_type.fro"). Swedish is the first language;
// both files must hold exactly the same keys (check_texts, run at start).

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kal/db/enums.hpp"

namespace kal::service::app {

class texts {
public:
    static const texts& of(db::language language);
    // The text of a key; a missing key is a programming error caught by check_texts and the
    // tests, answered here with the key itself so that a page still renders.
    const std::string& operator[](std::string_view key) const;
    bool has(std::string_view key) const;
    const std::map<std::string, std::string, std::less<>>& all() const { return entries_; }

    explicit texts(std::string_view toml_text, const std::string& source_name);

private:
    std::map<std::string, std::string, std::less<>> entries_;
};

// The problems with the compiled-in texts: keys in one language and not the other, files that
// do not parse. Empty when all is well.
std::vector<std::string> check_texts();

// Labels of the enumerated things, in a language.
const std::string& label(db::meeting_type t, db::language l);
const std::string& plural_label(db::meeting_type t, db::language l);
const std::string& label(db::network_kind k, db::language l);
const std::string& label(db::organisation_kind k, db::language l);

}  // namespace kal::service::app
