#!/usr/bin/env python3
"""bench/attack.py: hostile clients for bench/stress.sh, run for SECONDS against HOST:PORT.

  attack.py slowloris HOST PORT SECONDS   8 addresses x 64 connections, a header byte every 2 s
  attack.py uploads   HOST PORT SECONDS   120 uploads declaring 1 MB, 900 kB sent, then held
  attack.py keys      HOST PORT SECONDS   random API keys as fast as 8 threads can send them

Prints one line: what it did and what it met (connections refused or cut, statuses).
"""
import random, socket, sys, threading, time

mode, host, port, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
end = time.time() + secs


def conn(source):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(5)
    s.connect((host, port))
    return s


def slowloris():
    socks, refused, cut = [], 0, 0
    for a in range(8):
        for _ in range(64):
            try:
                s = conn("127.0.6.%d" % (a + 1))
                s.send(b"GET /health HTTP/1.1\r\nHo")
                socks.append(s)
            except OSError:
                refused += 1
    while time.time() < end and socks:
        time.sleep(2)
        alive = []
        for s in socks:
            try:
                s.send(b"s")
                alive.append(s)
            except OSError:
                cut += 1
        socks = alive
    print("slowloris: %d connections opened, %d refused, %d cut, %d still open"
          % (len(socks) + cut, refused, cut, len(socks)))


def uploads():
    socks, statuses = [], {}
    head = (b"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000000\r\n\r\n")
    for i in range(120):
        try:
            s = conn("127.0.7.%d" % (1 + i // 40))
            s.send(head)
            s.setblocking(False)
            sent = 0
            chunk = b"{" * 65536
            t0 = time.time()
            while sent < 900000 and time.time() - t0 < 2:
                try:
                    sent += s.send(chunk[: min(65536, 900000 - sent)])
                except BlockingIOError:
                    time.sleep(0.01)
                except OSError:
                    break
            s.settimeout(0.2)
            socks.append(s)
        except OSError:
            statuses["refused"] = statuses.get("refused", 0) + 1
    for s in socks:
        try:
            st = s.recv(64)[9:12].decode() or "closed"
        except OSError:
            st = "held"
        statuses[st] = statuses.get(st, 0) + 1
    while time.time() < end:
        time.sleep(0.5)
    for s in socks:
        s.close()
    print("uploads: 120 of 1 MB declared, 900 kB sent: %s" % statuses)


def keys():
    counts, lock = {}, threading.Lock()

    def run():
        while time.time() < end:
            try:
                s = conn("127.0.8.1")
                key = "smk_%016x" % random.getrandbits(64)
                s.send(("GET /v1/offers?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        "Authorization: Bearer %s\r\n\r\n" % key).encode())
                st = s.recv(64)[9:12].decode()
                s.close()
            except OSError:
                st = "error"
            with lock:
                counts[st] = counts.get(st, 0) + 1

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("keys: random keys answered %s" % dict(sorted(counts.items())))


{"slowloris": slowloris, "uploads": uploads, "keys": keys}[mode]()
