#!/usr/bin/env python3
"""Memory of idle keep-alive connections: bench/idle.sh's helper.

Usage: idle.py PORT PATH COUNT PID [PID ...]
Opens COUNT connections to 127.0.0.1:PORT, sends one GET PATH on each and reads its answer's head,
then leaves them open and idle; prints the summed VmRSS (KiB) of the PIDs before and after, one
line: "before after answered". A connection counts as answered when its status line is 200.
"""
import socket
import sys
import time


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def main():
    port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    pids = [int(p) for p in sys.argv[4:]]
    before = rss_kib(pids)
    conns, answered = [], 0
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        conns.append(s)
    for s in conns:
        s.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        if data.startswith(b"HTTP/1.1 200"):
            answered += 1
    time.sleep(1)  # whatever the servers do after answering, done
    after = rss_kib(pids)
    print(before, after, answered)
    for s in conns:
        s.close()


if __name__ == "__main__":
    main()
