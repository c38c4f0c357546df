#pragma once
// JSON written straight into a string, without building a boost::json DOM first (issue 13,
// item 3): for the answers that are hot and never cached, the meeting list and the single
// meeting with a token. Its bytes are those of boost::json::serialize for the same values (the
// same escapes: \" \\ \b \f \n \r \t and \u00xx in lower case for other control characters;
// everything else, UTF-8 included, as it is; integers in decimal), so either writer may answer;
// tests/unit/api_json_tests.cpp pins that on the demo data.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace kal::service::api {

class json_writer {
public:
    explicit json_writer(std::string& out) : out_(out) {}

    json_writer& begin_object() {
        separate();
        out_ += '{';
        comma_ = false;
        return *this;
    }
    json_writer& end_object() {
        out_ += '}';
        comma_ = true;
        return *this;
    }
    json_writer& begin_array() {
        separate();
        out_ += '[';
        comma_ = false;
        return *this;
    }
    json_writer& end_array() {
        out_ += ']';
        comma_ = true;
        return *this;
    }
    // A member's name; its value follows. Names are this service's own words (ASCII letters,
    // digits and underscores), written as they are.
    json_writer& key(std::string_view name) {
        // One append for the comma, the quoted name and the colon (a list has 25 per meeting).
        char text[64];
        if (name.size() > sizeof text - 4) {
            separate();
            out_ += '"';
            out_ += name;
            out_ += "\":";
        } else {
            std::size_t n = 0;
            if (comma_) text[n++] = ',';
            text[n++] = '"';
            std::memcpy(text + n, name.data(), name.size());
            n += name.size();
            text[n++] = '"';
            text[n++] = ':';
            out_.append(text, n);
        }
        comma_ = false;
        return *this;
    }
    json_writer& string(std::string_view v) {
        separate();
        quoted(v);
        comma_ = true;
        return *this;
    }
    // A string of several pieces, each escaped as string() would: a URL of a base and an id
    // without joining them into a string first.
    json_writer& joined(std::string_view a, std::string_view b, std::string_view c = {}) {
        separate();
        out_ += '"';
        escaped(a);
        escaped(b);
        escaped(c);
        out_ += '"';
        comma_ = true;
        return *this;
    }
    // A text this service made of characters that JSON never escapes (letters, digits and
    // "-:+TZ" of a time), appended as it is: the times of a meeting list.
    json_writer& plain(std::string_view v) {
        separate();
        char text[64];
        if (v.size() > sizeof text - 2) {
            quoted(v);
        } else {
            text[0] = '"';
            std::memcpy(text + 1, v.data(), v.size());
            text[v.size() + 1] = '"';
            out_.append(text, v.size() + 2);
        }
        comma_ = true;
        return *this;
    }
    json_writer& number(std::int64_t v) {
        separate();
        char buffer[24];
        char* end = buffer + sizeof buffer;
        char* p = end;
        // Digits from the magnitude as unsigned, so that INT64_MIN has one too.
        auto magnitude = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
        do {
            *--p = static_cast<char>('0' + magnitude % 10);
            magnitude /= 10;
        } while (magnitude);
        if (v < 0) *--p = '-';
        out_.append(p, end);
        comma_ = true;
        return *this;
    }
    json_writer& boolean(bool v) {
        separate();
        out_ += v ? "true" : "false";
        comma_ = true;
        return *this;
    }
    json_writer& null() {
        separate();
        out_ += "null";
        comma_ = true;
        return *this;
    }
    template <class T>
    json_writer& number_or_null(const std::optional<T>& v) {
        return v ? number(static_cast<std::int64_t>(*v)) : null();
    }
    json_writer& string_or_null(const std::optional<std::string>& v) { return v ? string(*v) : null(); }

    // Shorthands for a member: key(name) and its value.
    json_writer& member(std::string_view name, std::string_view v) { return key(name).string(v); }
    json_writer& member(std::string_view name, const std::string& v) { return key(name).string(v); }
    json_writer& member(std::string_view name, const char* v) { return key(name).string(v); }
    json_writer& member(std::string_view name, std::int64_t v) { return key(name).number(v); }
    json_writer& member(std::string_view name, int v) { return key(name).number(v); }
    json_writer& member(std::string_view name, bool v) { return key(name).boolean(v); }

private:
    void separate() {
        if (comma_) out_ += ',';
    }
    // Whether any of the eight bytes in `word` must be escaped: below 0x20, '"' or '\\' (the
    // classic SWAR tests "has a byte less than n" and "has a zero byte"; exact as a yes or no).
    static bool needs_escape(std::uint64_t word) {
        constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
        const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
        return ((word - ones * 0x20) & ~word & highs) | has_zero(word ^ (ones * '"')) | has_zero(word ^ (ones * '\\'));
    }
    void quoted(std::string_view s) {
        out_ += '"';
        escaped(s);
        out_ += '"';
    }
    void escaped(std::string_view s) {
        static constexpr char hex[] = "0123456789abcdef";
        const char* p = s.data();
        const char* const end = p + s.size();
        const char* run = p;  // the start of the bytes not yet copied
        while (p != end) {
            // Most text needs no escape: eight bytes at a time until a word holds one.
            for (std::uint64_t word; end - p >= 8; p += 8) {
                std::memcpy(&word, p, 8);
                if (needs_escape(word)) break;
            }
            if (p == end) break;
            const auto c = static_cast<unsigned char>(*p);
            if (c >= 0x20 && c != '"' && c != '\\') {
                ++p;
                continue;
            }
            out_.append(run, p);
            run = ++p;
            switch (c) {
                case '"': out_ += "\\\""; break;
                case '\\': out_ += "\\\\"; break;
                case '\b': out_ += "\\b"; break;
                case '\f': out_ += "\\f"; break;
                case '\n': out_ += "\\n"; break;
                case '\r': out_ += "\\r"; break;
                case '\t': out_ += "\\t"; break;
                default:
                    out_ += "\\u00";
                    out_ += hex[c >> 4];
                    out_ += hex[c & 15];
            }
        }
        out_.append(run, end);
    }

    std::string& out_;
    bool comma_ = false;  // a value was written at this level: the next one needs a comma
};

}  // namespace kal::service::api
