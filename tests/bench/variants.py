#!/usr/bin/env python3
"""variants.py DATAFILE OUTDIR [--bad]: other versions of a gen_data.py data file, for the reload
and flip figures of `make bench` (tests/bench/run.sh), made as tests/stress/stress.py makes them.

  OUTDIR/b.json           valid: the site's title (line 2) says ", B" (every ETag changes)
  OUTDIR/bad-syntax.json  with --bad: cut 3 bytes before its end (a JSON syntax error that is
                          found only when the whole file has been read)
  OUTDIR/bad-date.json    with --bad: an impossible date (2021-02-30) in the middle item (found
                          after a full parse, while checking)

Streams: memory stays small whatever the file's size.
"""
import argparse
import os
import re
import shutil
import sys

CHUNK = 1 << 20


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("datafile")
    ap.add_argument("outdir")
    ap.add_argument("--bad", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    with open(a.datafile, "rb") as f, open(os.path.join(a.outdir, "b.json.tmp"), "wb") as out:
        out.write(f.readline())
        title = f.readline()
        b = re.sub(rb'("title": "[^"]*)"', rb'\1, B"', title, count=1)
        if b == title:
            print("variants.py: line 2 of %s is not the title" % a.datafile, file=sys.stderr)
            return 1
        out.write(b)
        shutil.copyfileobj(f, out, CHUNK)
    os.replace(os.path.join(a.outdir, "b.json.tmp"), os.path.join(a.outdir, "b.json"))
    if not a.bad:
        return 0
    size = os.path.getsize(a.datafile)
    with open(a.datafile, "rb") as f, open(os.path.join(a.outdir, "bad-syntax.json"), "wb") as out:
        # the file without its trailing white space and last 3 bytes
        data_end = size
        f.seek(max(0, size - 4096))
        tail = f.read()
        data_end = size - (len(tail) - len(tail.rstrip())) - 3
        f.seek(0)
        left = data_end
        while left > 0:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                break
            out.write(chunk)
            left -= len(chunk)
    with open(a.datafile, "rb") as f:
        nlines = sum(1 for _ in f)
    with open(a.datafile, "rb") as f, open(os.path.join(a.outdir, "bad-date.json"), "wb") as out:
        done = False
        for i, line in enumerate(f):
            if not done and i >= nlines // 2 and b'"date":"' in line:
                line = re.sub(rb'"date":"[^"]*"', b'"date":"2021-02-30"', line, count=1)
                done = True
            out.write(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
