#include "kal/service/mail/message.hpp"

#include "kal/calendar/utf8.hpp"

#include <sodium.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <set>
#include <stdexcept>

namespace kal::service::mail {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::size_t max_line = 78;          // RFC 5322 2.1.1 SHOULD; we hold it as a MUST
constexpr std::size_t max_plain_word = 76;    // " " + word still fits a continuation line
constexpr std::size_t max_encoded_word = 75;  // RFC 2047 2
constexpr std::size_t max_header_name = 40;   // so that the first line has room for a word
constexpr std::string_view encoded_word_prefix = "=?UTF-8?B?";

// Octets of text that one encoded-word of at most `chars` characters carries.
std::size_t encoded_word_capacity(std::size_t chars) {
    const std::size_t overhead = encoded_word_prefix.size() + 2;
    return chars <= overhead ? 0 : (chars - overhead) / 4 * 3;
}

// ---- UTF-8 --------------------------------------------------------------------------------

using calendar::utf8::for_each_character;
using calendar::utf8::is_continuation;
using calendar::utf8::is_control;

// Header text: valid UTF-8 with every control character (CR and LF included) a space.
std::string header_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_character(text, [&](char32_t cp, std::string_view bytes) {
        if (is_control(cp))
            out += ' ';
        else
            out += bytes;
    });
    return out;
}

bool is_printable_ascii(std::string_view text) {
    for (char c : text) {
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

// A text body in canonical form (RFC 2045 6.8, RFC 2046 4.1.1): valid UTF-8, every line break
// (CRLF, lone CR, lone LF) CRLF. Other bytes pass untouched: base64 carries them all.
std::string canonical_text(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    bool after_cr = false;
    for_each_character(text, [&](char32_t cp, std::string_view bytes) {
        const bool lf_after_cr = after_cr && cp == '\n';
        after_cr = cp == '\r';
        if (lf_after_cr) return;
        if (cp == '\r' || cp == '\n')
            out += crlf;
        else
            out += bytes;
    });
    return out;
}

// ---- base64 -------------------------------------------------------------------------------

constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t n = static_cast<unsigned char>(data[i]) << 16 |
                                static_cast<unsigned char>(data[i + 1]) << 8 | static_cast<unsigned char>(data[i + 2]);
        out += base64_alphabet[n >> 18 & 63];
        out += base64_alphabet[n >> 12 & 63];
        out += base64_alphabet[n >> 6 & 63];
        out += base64_alphabet[n & 63];
    }
    if (const std::size_t rest = data.size() - i; rest > 0) {
        std::uint32_t n = static_cast<unsigned char>(data[i]) << 16;
        if (rest == 2) n |= static_cast<unsigned char>(data[i + 1]) << 8;
        out += base64_alphabet[n >> 18 & 63];
        out += base64_alphabet[n >> 12 & 63];
        out += rest == 2 ? base64_alphabet[n >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

// RFC 2045 6.8: lines of at most 76 characters, each ended by CRLF.
std::string base64_body(std::string_view data) {
    const std::string encoded = base64(data);
    std::string out;
    out.reserve(encoded.size() + encoded.size() / 76 * 2 + 2);
    for (std::size_t pos = 0; pos < encoded.size(); pos += 76) {
        out.append(encoded, pos, 76);
        out += crlf;
    }
    return out;
}

// ---- headers ------------------------------------------------------------------------------

// "=?UTF-8?B?...?=" words, cut only between characters: the first of at most first_chars
// characters (so that it fits the header's first line), the others of at most 75. The text must
// already be header_safe (valid UTF-8).
std::vector<std::string> encoded_words(std::string_view text, std::size_t first_chars = max_encoded_word) {
    std::vector<std::string> words;
    std::string chunk;
    std::size_t capacity = encoded_word_capacity(first_chars);
    const auto flush = [&] {
        words.push_back(std::string(encoded_word_prefix) + base64(chunk) + "?=");
        chunk.clear();
        capacity = encoded_word_capacity(max_encoded_word);
    };
    for_each_character(text, [&](char32_t, std::string_view bytes) {
        if (chunk.size() + bytes.size() > capacity && !chunk.empty()) flush();
        chunk += bytes;
    });
    if (!chunk.empty() || words.empty()) flush();
    return words;
}

std::vector<std::string> split_spaces(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(' ', start), text.size());
        out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// Printable ASCII that folds at its single spaces and that no decoder can take for an
// encoded-word; anything else is encoded.
bool can_stay_plain(std::string_view safe) {
    if (!is_printable_ascii(safe)) return false;
    if (safe.find("=?") != std::string_view::npos) return false;
    if (safe.empty()) return true;
    if (safe.front() == ' ' || safe.back() == ' ' || safe.find("  ") != std::string_view::npos) return false;
    for (const auto& word : split_spaces(safe)) {
        if (word.size() > max_plain_word) return false;
    }
    return true;
}

// The words of an unstructured header value. The first must fit the header's first line: a
// fold right after the colon would make the value start with a space for some readers (Python's
// email package keeps it).
std::vector<std::string> unstructured_tokens(std::string_view name, std::string_view utf8) {
    const std::string safe = header_safe(utf8);
    if (safe.empty()) return {};
    const std::size_t first_room = max_line - name.size() - 2;  // "Name: "
    if (can_stay_plain(safe)) {
        auto words = split_spaces(safe);
        if (words.front().size() <= first_room) return words;
    }
    return encoded_words(safe, std::min(first_room, max_encoded_word));
}

// "Name: token token ...", folded before a token (never inside one) so that lines stay within
// max_line; a token too long for the first line goes to the next one ("Name:" CRLF SP token),
// which RFC 5322's CFWS allows in address headers (unstructured ones never need it).
std::string header(std::string_view name, const std::vector<std::string>& tokens) {
    std::string out(name);
    out += ':';
    std::size_t line_length = out.size();
    for (const auto& token : tokens) {
        if (line_length > 0 && line_length + 1 + token.size() > max_line) {
            out += crlf;
            line_length = 0;
        }
        out += ' ';
        out += token;
        line_length += 1 + token.size();
    }
    out += crlf;
    return out;
}

bool is_atext(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// "a.b.c" of atext (RFC 5322 3.2.3 dot-atom-text).
bool is_dot_atom_text(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.') return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '.') {
            if (text[i - 1] == '.') return false;
        } else if (!is_atext(text[i])) {
            return false;
        }
    }
    return true;
}

// A display name: control characters and runs of spaces become one space, no space at either
// end (readers normalise names so anyway).
std::string display_name(std::string_view utf8) {
    std::string out;
    for (char c : header_safe(utf8)) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::vector<std::string> mailbox_tokens(const address& a, std::string_view what) {
    if (!is_valid_address(a.email)) throw std::invalid_argument(std::string(what) + " address is not valid");
    std::vector<std::string> tokens;
    const std::string name = display_name(a.name);
    if (!name.empty()) {
        // A quoted-string is folded nowhere, so only a short one may stay readable as it is;
        // "=?" inside quotes is decoded by some readers although RFC 2047 says it must not be.
        std::string quoted = "\"";
        for (char c : name) {
            if (c == '"' || c == '\\') quoted += '\\';
            quoted += c;
        }
        quoted += '"';
        if (is_printable_ascii(name) && quoted.size() <= max_plain_word && name.find("=?") == std::string::npos) {
            tokens.push_back(std::move(quoted));
        } else {
            // One encoded-word, the name shortened to what it holds (45 octets) if need be:
            // readers disagree on the space between two encoded-words in a name (RFC 2047 drops
            // it, Python's email package keeps it), and a name is only for display.
            tokens.push_back(encoded_words(name).front());
        }
        tokens.push_back("<" + a.email + ">");
    } else {
        tokens.push_back(a.email);
    }
    return tokens;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Headers render() writes itself, and those that name recipients or rewrite the message's origin.
bool is_reserved_header(std::string_view name) {
    static const std::set<std::string, std::less<>> reserved = {"date",
                                                                "from",
                                                                "to",
                                                                "cc",
                                                                "bcc",
                                                                "reply-to",
                                                                "subject",
                                                                "message-id",
                                                                "mime-version",
                                                                "auto-submitted",
                                                                "sender",
                                                                "return-path",
                                                                "received",
                                                                "in-reply-to",
                                                                "references",
                                                                "delivered-to",
                                                                "envelope-to",
                                                                "x-original-to",
                                                                "disposition-notification-to",
                                                                "return-receipt-to"};
    const std::string l = lower(name);
    return reserved.contains(l) || l.starts_with("content-") || l.starts_with("resent-");
}

bool is_valid_header_name(std::string_view name) {
    if (name.empty() || name.size() > max_header_name) return false;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

// "Thu, 05 Mar 2026 17:00:00 +0000" (RFC 5322 3.3), with no locale or time zone database.
std::string rfc5322_date(std::int64_t utc) {
    const std::int64_t days = utc / 86400 - (utc % 86400 < 0 ? 1 : 0);
    const std::int64_t seconds = utc - days * 86400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    static constexpr std::array<const char*, 7> weekdays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04lld %02d:%02d:%02d +0000",
                  weekdays[static_cast<std::size_t>(((days % 7) + 7) % 7)], static_cast<int>(day),
                  months[static_cast<std::size_t>(month - 1)], static_cast<long long>(year),
                  static_cast<int>(seconds / 3600), static_cast<int>(seconds % 3600 / 60),
                  static_cast<int>(seconds % 60));
    return buffer;
}

// ---- MIME ---------------------------------------------------------------------------------

// A boundary that cannot occur in any body line: bodies are base64, whose lines hold only
// [A-Za-z0-9+/=], and every boundary contains '_' (outside that alphabet). The two boundaries
// differ in their label, so neither delimiter line is a prefix of the other. The hash makes
// them depend on the Message-ID only, so rendering is deterministic.
std::string boundary(std::string_view message_id, std::string_view label) {
    static std::once_flag sodium_once;
    std::call_once(sodium_once, [] {
        if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    });
    const std::string input = std::string(label) + '\0' + std::string(message_id);
    std::array<unsigned char, 16> hash{};
    crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       nullptr, 0);
    std::string out = "=_kal_" + std::string(label) + "_";
    static constexpr std::string_view hex = "0123456789abcdef";
    for (unsigned char b : hash) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

std::string multipart_header(std::string_view subtype, const std::string& b) {
    return "Content-Type: multipart/" + std::string(subtype) + ";\r\n boundary=\"" + b + "\"\r\n";
}

std::string leaf(std::string_view content_headers, std::string_view content) {
    std::string out(content_headers);
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += base64_body(content);
    return out;
}

std::string multipart_body(const std::string& b, const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& part : parts) {
        out += "--" + b + "\r\n";
        out += part;
    }
    out += "--" + b + "--\r\n";
    return out;
}

// The METHOD of the VCALENDAR (unfolded), or empty.
std::string calendar_method(std::string_view ics) {
    std::string unfolded;
    unfolded.reserve(ics.size());
    for (std::size_t i = 0; i < ics.size(); ++i) {
        if (ics.compare(i, 3, "\r\n ") == 0 || ics.compare(i, 3, "\r\n\t") == 0) {
            i += 2;
            continue;
        }
        unfolded += ics[i];
    }
    std::size_t start = 0;
    while (start < unfolded.size()) {
        std::size_t end = unfolded.find('\n', start);
        if (end == std::string::npos) end = unfolded.size();
        std::string_view line(unfolded.data() + start, end - start);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (lower(line.substr(0, 7)) == "method:") return std::string(line.substr(7));
        if (lower(line) == "begin:vevent") break;  // METHOD belongs to the calendar, before any component
        start = end + 1;
    }
    return {};
}

bool is_method_token(std::string_view method) {
    if (method.empty() || method.size() > 20) return false;
    for (char c : method) {
        if (c < 'A' || c > 'Z') return false;
    }
    return true;
}

}  // namespace

bool is_valid_address(std::string_view email) {
    if (email.empty() || email.size() > 254) return false;
    const std::size_t at = email.find('@');
    if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
    const std::string_view local = email.substr(0, at);
    const std::string_view domain = email.substr(at + 1);
    if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
    for (std::size_t i = 0; i < local.size(); ++i) {
        const char c = local[i];
        if (c <= 0x20 || c >= 0x7F) return false;
        if (std::string_view("<>()[],;:\"\\").find(c) != std::string_view::npos) return false;
        if (c == '.' && local[i - 1] == '.') return false;
    }
    if (domain.empty() || domain.size() > 253) return false;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = std::min(domain.find('.', start), domain.size());
        const std::string_view label = domain.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
        }
        if (end == domain.size()) break;
        start = end + 1;
    }
    return true;
}

std::string encode_header_text(std::string_view utf8) {
    const std::string safe = header_safe(utf8);
    const auto tokens = safe.empty()           ? std::vector<std::string>()
                        : can_stay_plain(safe) ? split_spaces(safe)
                                               : encoded_words(safe);
    std::string out;
    for (const auto& token : tokens) {
        if (!out.empty()) out += ' ';
        out += token;
    }
    return out;
}

std::string render(const message& m) {
    const auto from = mailbox_tokens(m.from, "From");
    const auto to = mailbox_tokens(m.to, "To");
    std::optional<std::vector<std::string>> reply_to;
    if (m.reply_to) reply_to = mailbox_tokens(*m.reply_to, "Reply-To");

    const std::string_view id = m.message_id;
    if (id.size() < 5 || id.size() > 77 || id.front() != '<' || id.back() != '>')
        throw std::invalid_argument("Message-ID is not <local@domain>");
    {
        const std::string_view inner = id.substr(1, id.size() - 2);
        const std::size_t at = inner.find('@');
        if (at == std::string_view::npos || !is_dot_atom_text(inner.substr(0, at)) ||
            !is_dot_atom_text(inner.substr(at + 1)))
            throw std::invalid_argument("Message-ID is not <local@domain>");
    }

    std::set<std::string, std::less<>> extra_names;
    for (const auto& [name, value] : m.headers) {
        if (!is_valid_header_name(name) || is_reserved_header(name))
            throw std::invalid_argument("extra header name \"" + header_safe(name.substr(0, max_header_name)) +
                                        "\" is not allowed");
        if (!extra_names.insert(lower(name)).second)
            throw std::invalid_argument("extra header \"" + name + "\" is given twice");
    }

    if (m.calendar) {
        if (!is_method_token(m.calendar->method)) throw std::invalid_argument("calendar method is not a method name");
        if (calendar_method(m.calendar->ics) != m.calendar->method)
            throw std::invalid_argument("calendar part's METHOD differs from its method parameter");
    }

    if (m.image) {
        // Short enough that their header lines stay within 78 octets.
        const auto token = [](std::string_view v, std::string_view extra, std::size_t max) {
            if (v.empty() || v.size() > max) return false;
            for (char c : v)
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      extra.find(c) != std::string_view::npos))
                    return false;
            return true;
        };
        if (!token(m.image->content_id, ".@_-", 40)) throw std::invalid_argument("image content id is not allowed");
        if (!token(m.image->file_name, "._-", 32)) throw std::invalid_argument("image file name is not allowed");
    }

    std::string out;
    out += header("Date", {rfc5322_date(m.date_utc)});
    out += header("From", from);
    out += header("To", to);
    if (reply_to) out += header("Reply-To", *reply_to);
    out += header("Subject", unstructured_tokens("Subject", m.subject));
    out += header("Message-ID", {m.message_id});
    out += "MIME-Version: 1.0\r\n";
    out += "Auto-Submitted: auto-generated\r\n";
    for (const auto& [name, value] : m.headers) out += header(name, unstructured_tokens(name, value));

    const std::string alternative = boundary(m.message_id, "alt");
    std::string html_part = leaf("Content-Type: text/html; charset=utf-8\r\n", canonical_text(m.html));
    if (m.image) {
        const std::string related = boundary(m.message_id, "rel");
        html_part = multipart_header("related", related) + "\r\n" +
                    multipart_body(related, {html_part, leaf("Content-Type: image/png\r\nContent-ID: <" +
                                                                 m.image->content_id +
                                                                 ">\r\nContent-Disposition: inline; filename=\"" +
                                                                 m.image->file_name + "\"\r\n",
                                                             m.image->png)});
    }
    std::vector<std::string> alternatives = {
        leaf("Content-Type: text/plain; charset=utf-8\r\n", canonical_text(m.text)),
        html_part,
    };
    if (!m.calendar) {
        out += multipart_header("alternative", alternative);
        out += crlf;
        out += multipart_body(alternative, alternatives);
        return out;
    }

    // What Outlook, Gmail and Apple Mail recognise as an invitation: the text/calendar part with
    // method= inside the alternative, and the same calendar attached as invite.ics for clients
    // that only offer attachments.
    const std::string ics = canonical_text(m.calendar->ics);
    alternatives.push_back(
        leaf("Content-Type: text/calendar; charset=utf-8; method=" + m.calendar->method + "\r\n", ics));
    const std::string mixed = boundary(m.message_id, "mix");
    out += multipart_header("mixed", mixed);
    out += crlf;
    out += multipart_body(
        mixed, {
                   multipart_header("alternative", alternative) + "\r\n" + multipart_body(alternative, alternatives),
                   leaf("Content-Type: application/ics; name=\"invite.ics\"\r\n"
                        "Content-Disposition: attachment; filename=\"invite.ics\"\r\n",
                        ics),
               });
    return out;
}

}  // namespace kal::service::mail
