#pragma once
// Walking UTF-8 text character by character, as the iCalendar writer and the mail writer (in
// service/) both must: every output of theirs is valid UTF-8 without control characters,
// whatever the input holds. Header-only.

#include <cstddef>
#include <string>
#include <string_view>

namespace kal::calendar::utf8 {

inline bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence at text[pos] (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF), or 0 when it is not one. Sets code_point.
inline std::size_t sequence(std::string_view text, std::size_t pos, char32_t& code_point) {
    const auto b0 = static_cast<unsigned char>(text[pos]);
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t minimum = 0;
    if (b0 < 0x80) {
        code_point = b0;
        return 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2, cp = b0 & 0x1F, minimum = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3, cp = b0 & 0x0F, minimum = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4, cp = b0 & 0x07, minimum = 0x10000;
    } else {
        return 0;
    }
    if (pos + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        const auto b = static_cast<unsigned char>(text[pos + i]);
        if (!is_continuation(b)) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    code_point = cp;
    return length;
}

inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD

// Hands each character to `emit` as (code point, its bytes); malformed bytes arrive one at a
// time as U+FFFD, so that what is built from them is always valid UTF-8.
template <typename Emit>
void for_each_character(std::string_view text, Emit emit) {
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t cp = 0;
        const std::size_t length = sequence(text, pos, cp);
        if (length == 0) {
            emit(char32_t{0xFFFD}, replacement_character);
            ++pos;
        } else {
            emit(cp, text.substr(pos, length));
            pos += length;
        }
    }
}

// C0, DEL and C1.
inline bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// True when the whole text is well-formed UTF-8.
inline bool is_valid(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t cp = 0;
        const std::size_t length = sequence(text, pos, cp);
        if (length == 0) return false;
        pos += length;
    }
    return true;
}

// The text with every malformed byte and control character replaced by U+FFFD: safe to echo in
// an answer or a log line, whatever a request held.
inline std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_character(text, [&](char32_t cp, std::string_view bytes) {
        if (is_control(cp)) out += replacement_character;
        else out += bytes;
    });
    return out;
}

}  // namespace kal::calendar::utf8
