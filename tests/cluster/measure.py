#!/usr/bin/python3
"""The figures of docs/SCALING.md: requests per second through the front of docs/SCALING.md with
and without its cache, and from one backend directly, with wrk.

    python3 tests/cluster/measure.py [--seconds 10] [--connections 32] [--items 10000]

Run from the source or build folder (RC_BUILDDIR as for the tests), as root, with wrk installed.
Everything runs on this machine: the front and the backends share its cores, so the figures
compare the setups with each other. Prints a Markdown table."""

import argparse
import re
import subprocess
import sys

from cluster import Cluster

URLS = ["/rootcauses/pillar-1", "/rootcauses/reports?country=GT",
        "/big/section-353?country=HN&from=2015", "/big/reports.json?q=corrupcion&per_page=5"]


def wrk(url: str, seconds: int, connections: int):
    """(requests per second, non-2xx/3xx answers, socket errors) of a wrk run."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return rate, int(bad.group(1)) if bad else 0, sum(map(int, sock.groups())) if sock else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--items", type=int, default=10000)
    ap.add_argument("--backends", type=int, default=3)
    args = ap.parse_args()
    print(f"starting {args.backends} backends with {args.items} generated items and two fronts",
          file=sys.stderr)
    # a max-age longer than the run: the cached front answers from its copies throughout
    c = Cluster(args.backends, items=args.items, both_fronts=True,
                max_age=args.seconds * 10, access_log=False, all_threads=True)
    try:
        print(f"| URL | one backend | front, no cache | front with mod_cache_disk |")
        print("|---|---:|---:|---:|")
        for url in URLS:
            row = []
            for server in (c.backends[0], c.uncached, c.front):
                server.get(url)  # fills the front's cache and the module's
                print(f"  {url} at port {server.port}", file=sys.stderr)
                rate, bad, sock = wrk(f"http://127.0.0.1:{server.port}{url}", args.seconds,
                                      args.connections)
                errors = f" ({bad} errors, {sock} socket errors)" if bad or sock else ""
                row.append(f"{rate:,.0f}{errors}")
            print(f"| `{url}` | " + " | ".join(row) + " |")
    finally:
        c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
