#!/usr/bin/python3
"""Reads iCalendar feeds back with parsers nobody in this project wrote (Debian's
python3-icalendar, python3-vobject with validation, python3-recurring-ical-events) and prints
what they saw as JSON, for the end-to-end tests to compare with the API.

usage: check_feed.py FROM_UTC TO_UTC FILE...   (FROM/TO: 2026-01-01T00:00:00Z)
Exit 1 when any parser refuses a file."""
import datetime
import json
import sys

import icalendar
import recurring_ical_events
import vobject


def utc(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("floating time %s" % value)
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()  # a date


def read(path, start, end):
    raw = open(path, "rb").read()
    result = {"file": path, "events": [], "occurrences": [], "vobject": "ok"}
    cal = icalendar.Calendar.from_ical(raw)
    for ev in cal.walk("VEVENT"):
        result["events"].append({
            "uid": str(ev.get("UID")),
            "summary": str(ev.get("SUMMARY", "")),
            "description": str(ev.get("DESCRIPTION", "")),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "status": str(ev.get("STATUS", "")),
            "recurrence_id": utc(ev.decoded("RECURRENCE-ID")) if ev.get("RECURRENCE-ID") else None,
            "start": utc(ev.decoded("DTSTART")),
            "end": utc(ev.decoded("DTEND")),
            "rrule": ev.get("RRULE").to_ical().decode() if ev.get("RRULE") else None,
            "has_attendee": ev.get("ATTENDEE") is not None,
        })
    for occ in recurring_ical_events.of(cal).between(start, end):
        result["occurrences"].append({
            "uid": str(occ.get("UID")),
            "summary": str(occ.get("SUMMARY", "")),
            "status": str(occ.get("STATUS", "")),
            "start": utc(occ.decoded("DTSTART")),
            "end": utc(occ.decoded("DTEND")),
        })
    result["occurrences"].sort(key=lambda o: (o["start"], o["uid"]))
    try:
        for component in vobject.readComponents(raw.decode("utf-8"), validate=True):
            component.validate(raiseException=True)
    except Exception as e:  # vobject raises several kinds
        result["vobject"] = "%s: %s" % (type(e).__name__, e)
    return result


def main():
    start = datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00"))
    end = datetime.datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00"))
    out, failed = [], False
    for path in sys.argv[3:]:
        try:
            out.append(read(path, start, end))
        except Exception as e:
            failed = True
            out.append({"file": path, "error": "%s: %s" % (type(e).__name__, e)})
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
