#!/usr/bin/env python3
"""An SMTP server for tests that keeps every message it accepts as a file.

Usage: /usr/bin/python3 smtp_sink.py --dir DIR [--port N] [--reject-rcpt-containing TEXT]
                                     [--tempfail-first N]

Listens on 127.0.0.1 (port 0, the default, picks a free one) with aiosmtpd, and prints
"PORT <n>" on stdout once it listens. Each accepted message becomes, written atomically (to a
temporary name, then renamed, the .eml last so that a reader who sees it sees the rest):
  DIR/<sequence>-<pid>.eml      the message bytes exactly as received (after SMTP's
                                dot-unstuffing, without the final ".")
  DIR/<sequence>-<pid>.rcpt     the envelope recipients, one per line
  DIR/<sequence>-<pid>.session  "from <envelope sender>", "peer <host>:<port>" of the connection
                                (equal for messages sent over one connection), "helo <name>"
<sequence> is 000001, 000002, ... in the order the messages were accepted.

--reject-rcpt-containing TEXT  answers "550 5.1.1" to RCPT TO for addresses containing TEXT
--tempfail-first N             answers "451 4.3.0" after DATA to the first N messages
                               (they are not kept)

--exit-with-parent             stops when the process that started it dies (so a crashed test
                               leaves no server behind); not for starting it from a shell that
                               exits at once

SIGTERM or SIGINT stops it with exit status 0.
"""

import argparse
import ssl
import asyncio
import os
import signal
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, reject_text, tempfail):
        self.directory = directory
        self.reject_text = reject_text
        self.tempfail_left = tempfail
        self.sequence = 0
        self.pid = os.getpid()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_text and self.reject_text in address:
            return "550 5.1.1 Recipient rejected by smtp_sink"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail_left > 0:
            self.tempfail_left -= 1
            return "451 4.3.0 Temporary failure from smtp_sink, try again"
        self.sequence += 1
        stem = f"{self.sequence:06d}-{self.pid}"
        peer = session.peer
        peer_text = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self._write(stem + ".rcpt", "".join(r + "\n" for r in envelope.rcpt_tos).encode())
        self._write(stem + ".session",
                    f"from {envelope.mail_from}\npeer {peer_text}\nhelo {session.host_name}\n"
                    f"tls {'yes' if session.ssl else 'no'}\n"
                    f"auth {session.auth_data.login.decode() if session.authenticated and isinstance(session.auth_data, LoginPassword) else ''}\n"
                    .encode())
        content = envelope.original_content
        if content is None:
            content = envelope.content if isinstance(envelope.content, bytes) else b""
        self._write(stem + ".eml", content)
        return "250 2.0.0 Message accepted"

    def _write(self, name, data):
        final = os.path.join(self.directory, name)
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(temporary, final)


async def watch_parent(stop, parent):
    while not stop.is_set():
        if os.getppid() != parent:
            stop.set()
            return
        await asyncio.sleep(0.5)


async def serve(args):
    parent = os.getppid()
    os.makedirs(args.dir, exist_ok=True)
    handler = Sink(args.dir, args.reject_rcpt_containing, args.tempfail_first)
    loop = asyncio.get_running_loop()
    # hostname given, so aiosmtpd does not look up this machine's FQDN (slow without DNS).
    options = {}
    if args.tls_cert:
        # STARTTLS offered and required before MAIL FROM.
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options.update(tls_context=context, require_starttls=True)
    if args.auth_user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.auth_user
                  and auth_data.password.decode() == args.auth_password)
            # handled=False: aiosmtpd then answers a refusal "535 5.7.8"; with its default
            # (handled=True) it answers nothing and the client waits until its timeout.
            return AuthResult(success=ok, handled=False, auth_data=auth_data)
        options.update(authenticator=authenticator, auth_required=True,
                       auth_require_tls=bool(args.tls_cert))
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="smtp-sink.localhost", data_size_limit=64 * 1024 * 1024, **options),
        "127.0.0.1", args.port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    watcher = asyncio.create_task(watch_parent(stop, parent)) if args.exit_with_parent else None
    await stop.wait()
    if watcher is not None:
        watcher.cancel()
    server.close()
    return 0


def main():
    parser = argparse.ArgumentParser(description="SMTP sink for tests")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reject-rcpt-containing", default="")
    parser.add_argument("--tempfail-first", type=int, default=0)
    parser.add_argument("--exit-with-parent", action="store_true")
    parser.add_argument("--tls-cert", default="", help="PEM certificate: offer and require STARTTLS")
    parser.add_argument("--tls-key", default="")
    parser.add_argument("--auth-user", default="", help="require AUTH (PLAIN/LOGIN) with this user")
    parser.add_argument("--auth-password", default="")
    args = parser.parse_args()
    return asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
