#!/usr/bin/env python3
"""Byte-level lint for the iCalendar feeds Kalendarium publishes (RFC 5545 plus our own rules).

Usage: ics_lint.py FILE...   ("-" reads standard input)

Checks: CRLF line ends only; lines of at most 75 octets; continuation lines start with one
space; valid UTF-8 without a BOM and no fold inside a UTF-8 sequence; BEGIN:VCALENDAR first and
END:VCALENDAR last; no control characters but HTAB; balanced BEGIN/END; a VTIMEZONE for every
TZID parameter and exactly one per TZID; no METHOD; no ATTENDEE.

Exit status 0 when every file is clean, 1 with one line per problem ("FILE:LINE: message"),
2 for usage errors. Python 3.11 standard library only.
"""

import re
import sys
import unicodedata

MAX_OCTETS = 75
NAME = re.compile(rb"[A-Za-z0-9-]+")
TZID_PARAM = re.compile(r';TZID=("[^"]*"|[^;:,]*)', re.IGNORECASE)


def is_continuation_byte(b):
    return 0x80 <= b <= 0xBF


def split_physical_lines(data, problem):
    """Splits on CRLF; reports bare LF and bare CR. Returns [(line_number, bytes)]."""
    lines = []
    number = 1
    start = 0
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b == 0x0D:
            if i + 1 < n and data[i + 1] == 0x0A:
                lines.append((number, data[start:i]))
                number += 1
                i += 2
                start = i
                continue
            problem(number, "bare CR (line ends must be CRLF)")
        elif b == 0x0A:
            problem(number, "bare LF (line ends must be CRLF)")
            lines.append((number, data[start:i]))
            number += 1
            i += 1
            start = i
            continue
        i += 1
    if start < n:
        problem(number, "last line does not end with CRLF")
        lines.append((number, data[start:]))
    return lines


def lint_bytes(data):
    """Returns a list of (line_number, message)."""
    problems = []

    def problem(line, message):
        problems.append((line, message))

    if data.startswith(b"\xef\xbb\xbf"):
        problem(1, "byte order mark at the start")
        data = data[3:]
    if not data:
        problem(1, "empty file")
        return problems

    physical = split_physical_lines(data, problem)

    # Physical-line checks, then unfolding into logical lines that remember their first line.
    logical = []  # [(line_number, bytes)]
    for number, raw in physical:
        if len(raw) > MAX_OCTETS:
            problem(number, f"line is {len(raw)} octets, more than {MAX_OCTETS}")
        if raw[:1] in (b" ", b"\t"):
            if raw[:1] == b"\t":
                problem(number, "continuation line starts with HTAB, not one space")
            if not logical:
                problem(number, "continuation line before any content line")
                continue
            rest = raw[1:]
            if rest[:1] and is_continuation_byte(rest[0]):
                problem(number, "line folded inside a UTF-8 character")
            first, text = logical[-1]
            logical[-1] = (first, text + rest)
        else:
            if raw == b"":
                problem(number, "empty line")
                continue
            logical.append((number, raw))

    decoded = []  # [(line_number, str)]
    for number, raw in logical:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            problem(number, f"invalid UTF-8 at octet {e.start + 1} of the unfolded line")
            text = raw.decode("utf-8", errors="replace")
        for ch in text:
            if ch != "\t" and unicodedata.category(ch) == "Cc":
                problem(number, f"control character U+{ord(ch):04X}")
                break
        decoded.append((number, text))

    if not decoded:
        problem(1, "no content lines")
        return problems
    if decoded[0][1] != "BEGIN:VCALENDAR":
        problem(decoded[0][0], "first line is not BEGIN:VCALENDAR")
    if decoded[-1][1] != "END:VCALENDAR":
        problem(decoded[-1][0], "last line is not END:VCALENDAR")

    stack = []
    timezones = {}  # TZID -> first line number
    tzid_uses = []  # [(line_number, tzid)]
    for number, text in decoded:
        name_end = len(text)
        for i, ch in enumerate(text):
            if ch in ";:":
                name_end = i
                break
        name = text[:name_end].upper()
        if not name or not NAME.fullmatch(name.encode("ascii", errors="replace")):
            problem(number, "content line without a valid property name")
            continue
        if ":" not in text:
            problem(number, f"{name} has no value")
            continue
        value = _value_of(text)
        if name == "BEGIN":
            stack.append((value.upper(), number))
        elif name == "END":
            if not stack:
                problem(number, f"END:{value} without BEGIN")
            elif stack[-1][0] != value.upper():
                problem(number, f"END:{value} closes BEGIN:{stack[-1][0]} of line {stack[-1][1]}")
                stack.pop()
            else:
                stack.pop()
        elif name == "METHOD":
            problem(number, "METHOD in a published feed")
        elif name == "ATTENDEE":
            problem(number, "ATTENDEE in a published feed")
        elif name == "TZID" and stack and stack[-1][0] == "VTIMEZONE":
            if value in timezones:
                problem(number, f"second VTIMEZONE for {value} (first on line {timezones[value]})")
            else:
                timezones[value] = number
        params = text[name_end:len(text) - len(value) - 1]
        for m in TZID_PARAM.finditer(params):
            tzid_uses.append((number, m.group(1).strip('"')))
    for kind, number in stack:
        problem(number, f"BEGIN:{kind} is never closed")
    for number, tzid in tzid_uses:
        if tzid not in timezones:
            problem(number, f"TZID={tzid} has no VTIMEZONE")
    return problems


def _value_of(text):
    """The value after the first ':' outside a quoted parameter value."""
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return text[i + 1:]
    return ""


def main(argv):
    if len(argv) < 2:
        print("usage: ics_lint.py FILE... (- for standard input)", file=sys.stderr)
        return 2
    failed = False
    for path in argv[1:]:
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as f:
                    data = f.read()
        except OSError as e:
            print(f"{path}: cannot read: {e.strerror}")
            failed = True
            continue
        for number, message in lint_bytes(data):
            print(f"{path}:{number}: {message}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
