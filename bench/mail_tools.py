#!/usr/bin/python3
"""Helpers for bench/mail.sh (Debian's /usr/bin/python3; standard library only).

  signup URL MEETING COUNT [--clients N]
      COUNT sign-ups for a meeting over HTTP (keep-alive, N concurrent clients), each with its
      own address deltagare-<i>@example.org; exits non-zero if any answer is not 201.
  wait DIR SINK_PID COUNT SINCE [--timeout S]
      waits until tests/tools/smtp_sink.py (process SINK_PID) has accepted COUNT messages in DIR;
      prints "<seconds to the first> <seconds to the last>" measured from SINCE (epoch seconds)
      to the modification times of DIR/000001-PID.eml and DIR/<COUNT>-PID.eml.
  check DIR
      prints "<messages> <distinct Message-IDs> <distinct recipients> <median bytes>" of what the
      sink holds.
  feed PORT TEMPLATE COUNT [--connections N]
      the sink's own ceiling: COUNT messages, TEMPLATE (one received .eml, with its .rcpt and
      .session beside it for the envelope) with its Message-ID and recipient changed per message, sent with smtplib over N connections, each reused for all its
      messages; prints the seconds from the first connection to the last accepted message.
"""

import argparse
import http.client
import json
import os
import re
import smtplib
import statistics
import sys
import threading
import time


def signup(args):
    host, port = re.match(r"https?://([^:/]+):(\d+)", args.url).groups()
    path = f"/api/v1/meetings/{args.meeting}/rsvps"
    lock = threading.Lock()
    state = {"next": 0, "failed": 0, "first_error": ""}

    def client():
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= args.count:
                break
            body = json.dumps({"name": f"Deltagare {i}", "email": f"deltagare-{i}@example.org",
                               "language": "sv", "consent": True})
            for attempt in range(3):
                try:
                    conn.request("POST", path, body, {"Content-Type": "application/json"})
                    r = conn.getresponse()
                    text = r.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection(host, int(port), timeout=60)
                    if attempt == 2:
                        raise
            if r.status != 201:
                with lock:
                    state["failed"] += 1
                    state["first_error"] = state["first_error"] or f"{r.status} {text[:200]!r}"
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if state["failed"]:
        print(f"signup: {state['failed']} of {args.count} sign-ups failed, first: {state['first_error']}",
              file=sys.stderr)
        return 1
    return 0


def wait(args):
    first = os.path.join(args.dir, f"{1:06d}-{args.sink_pid}.eml")
    last = os.path.join(args.dir, f"{args.count:06d}-{args.sink_pid}.eml")
    deadline = time.time() + args.timeout
    while not os.path.exists(last):
        if time.time() > deadline:
            have = sum(1 for n in os.listdir(args.dir) if n.endswith(".eml"))
            print(f"wait: {have} of {args.count} messages after {args.timeout} s", file=sys.stderr)
            return 1
        time.sleep(0.02)
    print(f"{os.stat(first).st_mtime - args.since:.2f} {os.stat(last).st_mtime - args.since:.2f}")
    return 0


def check(args):
    ids, recipients, sizes, n = set(), set(), [], 0
    for name in os.listdir(args.dir):
        if not name.endswith(".eml") or name.startswith("."):
            continue
        n += 1
        with open(os.path.join(args.dir, name), "rb") as f:
            data = f.read()
        sizes.append(len(data))
        m = re.search(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", data, re.M | re.I)
        ids.add(m.group(1) if m else b"(none)#" + name.encode())
        with open(os.path.join(args.dir, name[:-4] + ".rcpt")) as f:
            for line in f:
                if line.strip():
                    recipients.add(line.strip())
    print(n, len(ids), len(recipients), int(statistics.median(sizes)) if sizes else 0)
    return 0


def feed(args):
    with open(args.template, "rb") as f:
        template = f.read()
    stem = args.template[:-4] if args.template.endswith(".eml") else args.template
    with open(stem + ".rcpt", "rb") as f:
        rcpt = f.read().split()[0]
    with open(stem + ".session") as f:
        sender = re.search(r"^from (\S+)", f.read(), re.M).group(1)
    msgid = re.search(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", template, re.M | re.I).group(1)
    errors = []

    def client(k):
        try:
            with smtplib.SMTP("127.0.0.1", args.port, local_hostname="bench.localhost", timeout=60) as s:
                for i in range(k, args.count, args.connections):
                    to = f"referens-{i}@example.org".encode()
                    data = template.replace(msgid, f"<referens-{i}@bench.localhost>".encode()).replace(rcpt, to)
                    s.sendmail(sender, [to.decode()], data)
        except Exception as e:  # noqa: BLE001 - reported, the run fails
            errors.append(repr(e))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.connections)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"feed: {errors[0]}", file=sys.stderr)
        return 1
    print(f"{time.time() - started:.2f}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("signup")
    s.add_argument("url")
    s.add_argument("meeting", type=int)
    s.add_argument("count", type=int)
    s.add_argument("--clients", type=int, default=8)
    s.set_defaults(run=signup)
    s = sub.add_parser("wait")
    s.add_argument("dir")
    s.add_argument("sink_pid", type=int)
    s.add_argument("count", type=int)
    s.add_argument("since", type=float)
    s.add_argument("--timeout", type=float, default=120)
    s.set_defaults(run=wait)
    s = sub.add_parser("check")
    s.add_argument("dir")
    s.set_defaults(run=check)
    s = sub.add_parser("feed")
    s.add_argument("port", type=int)
    s.add_argument("template")
    s.add_argument("count", type=int)
    s.add_argument("--connections", type=int, default=1)
    s.set_defaults(run=feed)
    args = p.parse_args()
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
