#!/usr/bin/env python3
"""client.py PORT PATH|@FILE [-n N] [--prefix P] [--offset K] [--deadline S]: sequential GETs.

Sends N requests (default 1) one after the other over one keep-alive connection to
127.0.0.1:PORT, reading each response in full; a new connection only when the server closes one.
PATH is a path ("/fixed"); @FILE names a file of paths (one per line, each prefixed with
--prefix), taken in order from line K (--offset), wrapping around. Stops early after --deadline
seconds; --pause S waits S seconds after each response. Prints one line:
"requests=N seconds=T bytes=B status=200:N[,404:M...]".
Used by tests/bench/run.sh for counted batches (callgrind, strace) and warm-ups.
"""
import argparse
import http.client
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("path")
    ap.add_argument("-n", type=int, default=1)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--deadline", type=float, default=0)
    ap.add_argument("--pause", type=float, default=0, help="seconds to wait after each response")
    a = ap.parse_args()
    if a.path.startswith("@"):
        with open(a.path[1:], encoding="utf-8") as f:
            paths = [a.prefix + line.strip() for line in f if line.strip()]
    else:
        paths = [a.path]
    start = time.monotonic()
    conn = None
    statuses = {}
    done = nbytes = 0
    for i in range(a.n):
        if a.deadline and time.monotonic() - start > a.deadline:
            break
        path = paths[(a.offset + i) % len(paths)]
        for attempt in (0, 1):
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=600)
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                break
            except (ConnectionError, http.client.HTTPException):
                if conn:
                    conn.close()
                conn = None
                if attempt:
                    raise
        if resp.will_close:
            conn.close()
            conn = None
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
        nbytes += len(body)
        done += 1
        if a.pause:
            time.sleep(a.pause)
    if conn:
        conn.close()
    print("requests=%d seconds=%.3f bytes=%d status=%s" % (
        done, time.monotonic() - start, nbytes,
        ",".join("%d:%d" % kv for kv in sorted(statuses.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
