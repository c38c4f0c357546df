#pragma once
// iCalendar (RFC 5545) as plain value types: rendering feeds and parsing imports.
// Knows nothing of HTTP, SQL or meetings: service/ maps its model onto these types.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kal::calendar {

struct organizer {
    std::string name;   // CN
    std::string email;  // mailto: address
};

// One VEVENT. Times are local in `tzid` ("YYYY-MM-DDTHH:MM:SS"), or dates ("YYYY-MM-DD") when
// all_day; end is exclusive (DTEND), as in RFC 5545.
struct event {
    std::string uid;            // validated: printable ASCII without spaces
    std::string recurrence_id;  // set on an override of one occurrence: its original local start
    int sequence = 0;
    std::int64_t stamp_utc = 0;  // DTSTAMP and LAST-MODIFIED: the last change, so unchanged = identical
    std::int64_t created_utc = 0;
    bool all_day = false;
    std::string start_local;
    std::string end_local;
    std::string tzid;  // IANA zone; ignored for all-day events
    std::string summary;
    std::string description;
    std::string location;
    std::optional<std::pair<double, double>> geo;  // latitude, longitude
    std::string url;                               // validated absolute http(s) URL or empty
    std::vector<std::string> categories;
    std::string status = "CONFIRMED";  // CONFIRMED, TENTATIVE or CANCELLED
    std::optional<calendar::organizer> organizer;
    std::string rrule;                 // master of a series only; UNTIL in UTC
    std::vector<std::string> exdates;  // master of a series only; local starts like start_local
};

struct feed {
    std::string name;    // NAME and X-WR-CALNAME
    std::string prodid;  // "-//Borås Stad//Kalendarium//SV"
    int refresh_seconds = 3600;  // REFRESH-INTERVAL and X-PUBLISHED-TTL
    std::vector<event> events;   // in the order to render
};

// One recipient of an invitation: the ATTENDEE of an iTIP message.
struct attendee {
    std::string name;   // CN; DQUOTE and control characters are dropped
    std::string email;  // mailto: address
};

// An iTIP (RFC 5546) message for one recipient: METHOD:REQUEST or METHOD:CANCEL with one VEVENT,
// rendered exactly as render_feed renders the same event (UID, SEQUENCE, DTSTART/DTEND with TZID
// and the VTIMEZONE, RECURRENCE-ID for one occurrence of a series, ...), plus ORGANIZER and one
// ATTENDEE: the recipient only (ROLE=REQ-PARTICIPANT, RSVP=FALSE, PARTSTAT=ACCEPTED for a
// REQUEST), never the other participants. A CANCEL carries STATUS:CANCELLED whatever ev.status.
struct invitation {
    std::string method;  // "REQUEST" or "CANCEL"
    std::string prodid;
    event ev;                       // ev.organizer is replaced by `organizer`
    calendar::organizer organizer;  // the no-reply address that sends it
    attendee to;
};

// Throws calendar::error for an unknown method, an attendee or organizer without an address, or
// an event render_feed would refuse.
std::string render_invitation(const invitation& inv);

// A whole VCALENDAR without METHOD: CRLF line ends, lines folded at 75 octets never inside a
// UTF-8 character, TEXT escaped, no control characters, one VTIMEZONE per TZID used.
std::string render_feed(const feed& f);

// A compact VTIMEZONE for an IANA zone that is right for every instant from 1970 to 2037:
// one STANDARD and one DAYLIGHT component with RRULE per period of unchanged rules
// (Europe/Stockholm: a STANDARD from 1970, then the rules of 1980, 1981-1995 and 1996 on: the
// last Sunday of March and of October; two rules cannot be right for every instant since 1970).
std::string render_vtimezone(std::string_view tzid);

// TEXT value escaping (backslash, semicolon, comma, newline); CR and other control characters
// are dropped.
std::string escape_text(std::string_view text);
// Folds one unfolded content line (without CRLF) to lines of at most 75 octets.
std::string fold_line(std::string_view line);

// ---- import ---------------------------------------------------------------------------------

struct parse_problem {
    int line = 0;          // 1-based line in the unfolded input where it was found
    std::string property;  // e.g. "DTSTART", or empty
    std::string message;
};

struct parse_result {
    std::vector<event> events;  // local times in the event's zone (UTC times become tzid "UTC")
    std::vector<parse_problem> problems;
};

// Parses a text/calendar body (such as an Outlook export). Accepts CRLF or LF, folded lines,
// VTIMEZONE definitions for IANA-named zones, and Windows zone names that map to IANA ones
// ("W. Europe Standard Time" -> "Europe/Berlin"). Each VEVENT needs UID, DTSTART and DTEND or
// DURATION; anything it cannot represent exactly is a problem, never silently dropped.
// Never throws for bad input; stops after max_problems.
parse_result parse_calendar(std::string_view text, std::string_view default_tzid, std::size_t max_problems = 100);

}  // namespace kal::calendar
