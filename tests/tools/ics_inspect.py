#!/usr/bin/env python3
"""Reads one iCalendar file with python3-icalendar (a parser nobody here wrote) and prints JSON.

Usage: /usr/bin/python3 ics_inspect.py FILE

Prints {"method", "prodid", "timezones": [TZID...], "events": [{"uid", "sequence", "status",
"summary", "location", "description", "url", "dtstart", "dtstart_tzid", "dtend", "recurrence_id",
"recurrence_id_tzid", "organizer", "organizer_params", "attendees": [{"value", "params"}]}]}.
Times are ISO 8601 as icalendar reads them (local time with offset when a TZID is given).
Exit status 1 with a message when the file does not parse.
"""

import json
import sys

import icalendar


def text(value):
    return None if value is None else str(value)


def time_of(component, name):
    prop = component.get(name)
    if prop is None:
        return None, None
    return prop.dt.isoformat(), prop.params.get("TZID")


def params(prop):
    return {str(k): str(v) for k, v in prop.params.items()}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as e:  # the parser's own complaint is the useful part
        print(f"does not parse: {e}", file=sys.stderr)
        return 1
    out = {
        "method": text(cal.get("METHOD")),
        "prodid": text(cal.get("PRODID")),
        "timezones": [str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")],
        "events": [],
    }
    for ev in cal.walk("VEVENT"):
        attendees = ev.get("ATTENDEE")
        if attendees is None:
            attendees = []
        elif not isinstance(attendees, list):
            attendees = [attendees]
        organizer = ev.get("ORGANIZER")
        dtstart, dtstart_tzid = time_of(ev, "DTSTART")
        dtend, _ = time_of(ev, "DTEND")
        recurrence_id, recurrence_id_tzid = time_of(ev, "RECURRENCE-ID")
        out["events"].append({
            "uid": text(ev.get("UID")),
            "sequence": int(ev.get("SEQUENCE")) if ev.get("SEQUENCE") is not None else None,
            "status": text(ev.get("STATUS")),
            "summary": text(ev.get("SUMMARY")),
            "location": text(ev.get("LOCATION")),
            "description": text(ev.get("DESCRIPTION")),
            "url": text(ev.get("URL")),
            "dtstart": dtstart,
            "dtstart_tzid": dtstart_tzid,
            "dtend": dtend,
            "recurrence_id": recurrence_id,
            "recurrence_id_tzid": recurrence_id_tzid,
            "organizer": text(organizer),
            "organizer_params": params(organizer) if organizer is not None else {},
            "attendees": [{"value": str(a), "params": params(a)} for a in attendees],
        })
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
