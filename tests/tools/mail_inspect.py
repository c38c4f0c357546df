#!/usr/bin/env python3
"""Reads one e-mail message with Python's email package (a parser nobody here wrote) and prints
what it understood as JSON.

Usage: /usr/bin/python3 mail_inspect.py FILE

Prints {"headers": [names in order], "subject", "from"/"to"/"reply_to": [{"name", "addr"}] or
null, "values": {lower-case name: decoded value}, "parts": [{"content_type", "params",
"disposition", "filename", "multipart", "body" (decoded text, leaf parts only), "content_id",
"png" (image/png parts: width, height, depth, colour_type, valid) and "base64" (its bytes)}] in depth-first
order, starting with the message itself, "defects": [every defect the parser noted]}.
"""

import base64
import email
import email.policy
import json
import struct
import sys
import zlib


def png_facts(data):
    """Width, height, bit depth and colour type of a PNG, with every chunk's CRC checked and its
    pixel data inflated to exactly the size its header says (1-bit and 8-bit greyscale)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return {"valid": False}
    pos, header, idat, ok = 8, None, b"", True
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        ok = ok and zlib.crc32(kind + body) == crc
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = header[0], header[1], header[2], header[3]
    row = (width * depth + 7) // 8 + 1
    ok = ok and len(zlib.decompress(idat)) == row * height
    return {"valid": ok, "width": width, "height": height, "depth": depth, "colour_type": colour}


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
            "content_id": part["content-id"],
        }
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            if part.get_content_type() == "image/png":
                entry["png"] = png_facts(payload)
                entry["base64"] = base64.b64encode(payload).decode("ascii")
            else:
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
