#include <string>
#include <string_view>

#include "kal/db/directory.hpp"

namespace kal::db {

namespace {

// Longest slug made from a name; the uniqueness suffix (-2, -3, ...) may come on top.
constexpr std::size_t max_slug_length = 80;

// The Latin-1 supplement letters of Swedish names (and é, ü of loan names) as two-byte UTF-8
// sequences C3 xx, folded to ASCII. Anything else outside ASCII separates words.
char fold_c3(unsigned char second) {
    switch (second) {
    case 0xA5: case 0xA4: case 0x85: case 0x84: return 'a';  // å ä Å Ä
    case 0xB6: case 0x96: return 'o';                        // ö Ö
    case 0xA9: case 0x89: return 'e';                        // é É
    case 0xBC: case 0x9C: return 'u';                        // ü Ü
    default: return 0;
    }
}

}  // namespace

std::string slugify(std::string_view name) {
    std::string out;
    bool pending_dash = false;
    auto put = [&](char c) {
        if (pending_dash && !out.empty()) out += '-';
        pending_dash = false;
        out += c;
    };
    for (std::size_t i = 0; i < name.size() && out.size() < max_slug_length; ++i) {
        auto c = static_cast<unsigned char>(name[i]);
        if (c >= 'A' && c <= 'Z') {
            put(static_cast<char>(c - 'A' + 'a'));
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            put(static_cast<char>(c));
        } else if (c == 0xC3 && i + 1 < name.size()) {
            char folded = fold_c3(static_cast<unsigned char>(name[i + 1]));
            ++i;
            if (folded != 0)
                put(folded);
            else
                pending_dash = true;
        } else {
            // Continuation bytes of other multi-byte characters land here too: one run, one '-'.
            pending_dash = true;
        }
    }
    if (out.empty()) return "x";
    return out;
}

}  // namespace kal::db
