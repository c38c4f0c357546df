#include "kal/service/app/collation.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kal/calendar/utf8.hpp"

namespace kal::service::app {

namespace {

// One character's weights, compared level by level over the whole text (as the Unicode
// collation algorithm does): the letter first, then its accent, then its case.
struct weight {
    std::uint32_t letter;
    std::uint8_t accent;  // 0 plain, 1 with a mark Swedish does not sort by
    std::uint8_t upper;   // 0 lower, 1 upper
};

// Spaces and punctuation < digits < letters < everything else (by code point).
constexpr std::uint32_t digits = 200, letters = 300, others = 1000;
constexpr std::uint32_t a_ring = letters + 26, a_umlaut = letters + 27, o_umlaut = letters + 28;

constexpr std::uint32_t letter(char c) { return letters + static_cast<std::uint32_t>(c - 'a'); }

// Latin-1 letters U+00C0..U+00FF by their lower-case form (U+00E0..U+00FF): what Swedish sorts
// each as, and whether that is the letter itself (å, ä, ö) or the letter with a mark.
struct folded {
    std::uint32_t letter;
    std::uint8_t accent;
};
constexpr folded latin1[32] = {
    {letter('a'), 1}, {letter('a'), 1}, {letter('a'), 1},   {letter('a'), 1},  // à á â ã
    {a_umlaut, 0},    {a_ring, 0},      {a_umlaut, 1},      {letter('c'), 1},  // ä å æ ç
    {letter('e'), 1}, {letter('e'), 1}, {letter('e'), 1},   {letter('e'), 1},  // è é ê ë
    {letter('i'), 1}, {letter('i'), 1}, {letter('i'), 1},   {letter('i'), 1},  // ì í î ï
    {letter('d'), 1}, {letter('n'), 1}, {letter('o'), 1},   {letter('o'), 1},  // ð ñ ò ó
    {letter('o'), 1}, {letter('o'), 1}, {o_umlaut, 0},      {0, 0},            // ô õ ö ÷
    {o_umlaut, 1},    {letter('u'), 1}, {letter('u'), 1},   {letter('u'), 1},  // ø ù ú û
    {letter('y'), 1}, {letter('y'), 1}, {others + 0xFE, 0}, {letter('y'), 1},  // ü ý þ ÿ
};

// Latin Extended-A (U+0100..U+017F), the accented letters of names from the rest of Europe
// (č, ł, ś, ž, ő, ...): ranges that share a base letter.
struct range {
    char32_t first, last;
    char base;
};
constexpr range extended_a[] = {
    {0x100, 0x105, 'a'}, {0x106, 0x10D, 'c'}, {0x10E, 0x111, 'd'}, {0x112, 0x11B, 'e'}, {0x11C, 0x123, 'g'},
    {0x124, 0x127, 'h'}, {0x128, 0x133, 'i'}, {0x134, 0x135, 'j'}, {0x136, 0x138, 'k'}, {0x139, 0x142, 'l'},
    {0x143, 0x14B, 'n'}, {0x14C, 0x153, 'o'}, {0x154, 0x159, 'r'}, {0x15A, 0x161, 's'}, {0x162, 0x167, 't'},
    {0x168, 0x173, 'u'}, {0x174, 0x175, 'w'}, {0x176, 0x178, 'y'}, {0x179, 0x17E, 'z'}, {0x17F, 0x17F, 's'},
};

weight weigh(char32_t c) {
    if (c >= 'a' && c <= 'z') return {letter(static_cast<char>(c)), 0, 0};
    if (c >= 'A' && c <= 'Z') return {letter(static_cast<char>(c - 'A' + 'a')), 0, 1};
    if (c >= '0' && c <= '9') return {digits + (c - '0'), 0, 0};
    if (c < 0x80) return {1 + c, 0, 0};  // spaces, punctuation and symbols, in ASCII order
    if (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7) {
        const auto& f = latin1[(c | 0x20) - 0xE0];
        const bool upper = c < 0xE0 && c != 0xDF;  // ß has no upper case of its own here
        if (c == 0xDF) return {letter('s'), 1, 0};
        return {f.letter, f.accent, static_cast<std::uint8_t>(upper)};
    }
    for (const auto& r : extended_a) {
        if (c < r.first || c > r.last) continue;
        // Capital and small letters alternate; from U+0139 to U+0148 and from U+0179 the
        // capitals are at odd code points.
        const bool odd_capitals = (c >= 0x139 && c <= 0x148) || c >= 0x179;
        const bool upper = odd_capitals ? (c % 2 == 1) : (c % 2 == 0);
        return {letter(r.base), 1, static_cast<std::uint8_t>(upper && c != 0x138 && c != 0x17F)};
    }
    return {others + c, 0, 0};
}

std::vector<weight> weights_of(std::string_view text) {
    std::vector<weight> out;
    out.reserve(text.size());
    calendar::utf8::for_each_character(text, [&](char32_t c, std::string_view) { out.push_back(weigh(c)); });
    return out;
}

template <class Level>
int compare_level(const std::vector<weight>& a, const std::vector<weight>& b, Level level) {
    const auto n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = level(a[i]), y = level(b[i]);
        if (x != y) return x < y ? -1 : 1;
    }
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return 0;
}

}  // namespace

bool swedish_less(std::string_view a, std::string_view b) {
    const auto x = weights_of(a), y = weights_of(b);
    if (int c = compare_level(x, y, [](const weight& w) { return w.letter; })) return c < 0;
    if (int c = compare_level(x, y, [](const weight& w) { return w.accent; })) return c < 0;
    if (int c = compare_level(x, y, [](const weight& w) { return w.upper; })) return c < 0;
    return a < b;
}

}  // namespace kal::service::app
