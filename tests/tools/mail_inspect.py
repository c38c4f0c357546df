#!/usr/bin/env python3
"""Reads one e-mail message with Python's email package (a parser nobody here wrote) and prints
what it understood as JSON.

Usage: /usr/bin/python3 mail_inspect.py FILE

Prints {"headers": [names in order], "subject", "from"/"to"/"reply_to": [{"name", "addr"}] or
null, "values": {lower-case name: decoded value}, "parts": [{"content_type", "params",
"disposition", "filename", "multipart", "body" (decoded text, leaf parts only)}] in depth-first
order, starting with the message itself, "defects": [every defect the parser noted]}.
"""

import email
import email.policy
import json
import sys


def addresses(header):
    if header is None:
        return None
    return [{"name": a.display_name, "addr": a.addr_spec} for a in header.addresses]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    defects = [repr(d) for d in msg.defects]
    values = {}
    for name, value in msg.items():
        defects += [f"{name}: {d!r}" for d in getattr(value, "defects", ())]
        values[name.lower()] = str(value)
    parts = []
    for part in msg.walk():
        defects += [repr(d) for d in part.defects] if part is not msg else []
        entry = {
            "content_type": part.get_content_type(),
            "params": {k: v for k, v in part["content-type"].params.items()} if part["content-type"] else {},
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "multipart": part.is_multipart(),
            "body": None,
        }
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            entry["body"] = payload.decode("utf-8")  # strict: a body that is not UTF-8 fails the test
        parts.append(entry)
    out = {
        "headers": list(msg.keys()),
        "subject": str(msg["subject"]) if msg["subject"] is not None else None,
        "from": addresses(msg["from"]),
        "to": addresses(msg["to"]),
        "reply_to": addresses(msg["reply-to"]),
        "values": values,
        "parts": parts,
        "defects": defects,
    }
    json.dump(out, sys.stdout, ensure_ascii=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
