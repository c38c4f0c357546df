#pragma once
// E-mail messages (RFC 5322 with MIME, RFC 2045-2047) as plain values, rendered to the bytes an
// SMTP server receives. Pure: no I/O, no clock, no randomness, so the same message always gives
// the same bytes.
//
// What render() guarantees, whatever the strings inside the message hold:
// - CRLF line ends, 7-bit only, every line at most 78 octets (one exception: an address longer
//   than 74 octets stands alone on its line, still far below RFC 5322's 998);
// - exactly the headers Date, From, To, [Reply-To], Subject, Message-ID, MIME-Version,
//   Auto-Submitted, the extra headers, Content-Type: no text can add, end or split a header;
// - every body is base64 with 76-character lines, so no body line can be "." or "From " or a MIME
//   boundary, and no byte of a body is 8-bit.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kal::service::mail {

struct address {
    // Display name, UTF-8, may be empty. Rendered as a quoted-string when it is short printable
    // ASCII, else as one encoded-word, shortened to 45 octets if longer; control characters and
    // runs of spaces become one space.
    std::string name;
    std::string email;  // must pass is_valid_address
};

// An iTIP invitation to attach (calendar::render_invitation): CRLF text whose METHOD equals `method`.
struct calendar_part {
    std::string method;  // "REQUEST" or "CANCEL"
    std::string ics;
};

// A picture the HTML body shows by "cid:<content_id>" (the QR code of a check-in link): the
// HTML part then goes inside multipart/related with it (RFC 2387), so no client fetches anything.
struct inline_image {
    std::string content_id;  // [A-Za-z0-9.@_-]+, at most 40 characters
    std::string file_name;   // [A-Za-z0-9._-]+, at most 32 characters
    std::string png;         // the image/png bytes
};

struct message {
    address from;
    std::optional<address> reply_to;
    address to;              // exactly one recipient
    std::string subject;     // UTF-8, anything: line breaks and controls become spaces
    std::string message_id;  // "<local@domain>", deterministic, given by the caller
    std::int64_t date_utc = 0;
    std::string text;  // text/plain body, UTF-8
    std::string html;  // text/html body, UTF-8
    std::optional<calendar_part> calendar;
    std::optional<inline_image> image;
    // Extra headers such as {"X-Kalendarium-Kind", "reminder"}: names are [A-Za-z][A-Za-z0-9-]*
    // of at most 40 characters, each once, and not one of the headers render() writes itself or
    // an address header (Cc, Bcc, Sender, Resent-*, ...); values are unstructured text, sanitised
    // and encoded like the subject (so not for structured headers such as List-Unsubscribe with
    // a URL longer than 76 characters).
    std::vector<std::pair<std::string, std::string>> headers;
};

// Conservative: ASCII only (no SMTPUTF8); one '@'; a local part of printable characters other
// than space and <>()[],;:"\ without leading, trailing or doubled dots, at most 64 octets; a
// domain of dot-separated labels of letters, digits and inner hyphens; at most 254 octets.
bool is_valid_address(std::string_view email);

// Unstructured header text (RFC 5322 2.2.1 / RFC 2047). CR, LF and other control characters
// become spaces, malformed UTF-8 becomes U+FFFD. Text that is printable ASCII without leading,
// trailing or doubled spaces, without "=?" and without a word longer than 76 octets is returned
// as it is; anything else becomes RFC 2047 B encoded-words ("=?UTF-8?B?...?=") of at most 75
// characters each, separated by single spaces (which decoders drop), split only between UTF-8
// characters. Either way the result folds at its spaces into lines of at most 78 octets.
// (render() also makes the first word short enough for the header's first line.)
std::string encode_header_text(std::string_view utf8);

// The whole message. Throws std::invalid_argument for an invalid address, Message-ID or header
// name, or a calendar part whose METHOD differs from calendar_part::method.
std::string render(const message& m);

}  // namespace kal::service::mail
