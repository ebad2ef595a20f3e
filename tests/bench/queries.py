#!/usr/bin/env python3
"""queries.py QUERYFILE OUTDIR [--q-share 0.25]: the query lists of `make bench`, made from
gen_data.py's queries.txt (distinct filtered listing queries in random order).

Writes into OUTDIR:
  nq.txt     the queries without q, in their order
  q.txt      the queries with q, in their order
  mix.txt    the two interleaved so that a share of exactly --q-share of every run of lines
             carries q (0.25: every fourth line), as long as both lists last; every line distinct

and prints one line: "queries=N nq=N q=N q_share=S mix=N mix_q_share=S".
A query carries q when it has a non-empty q parameter.
"""
import argparse
import os
import sys
from fractions import Fraction


def has_q(line):
    _, _, qs = line.partition("?")
    return any(p.startswith("q=") and len(p) > 2 for p in qs.split("&"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("queries")
    ap.add_argument("outdir")
    ap.add_argument("--q-share", type=float, default=0.25)
    a = ap.parse_args()
    if not 0 < a.q_share < 1:
        ap.error("--q-share must be between 0 and 1")
    with open(a.queries, encoding="utf-8") as f:
        lines = [x.strip() for x in f if x.strip()]
    qs = [x for x in lines if has_q(x)]
    nqs = [x for x in lines if not has_q(x)]
    if not qs or not nqs:
        print("queries.py: %s needs queries with and without q" % a.queries, file=sys.stderr)
        return 1
    # Line k carries q when floor((k+1) * share) > floor(k * share): exactly share of any run.
    share = Fraction(a.q_share).limit_denominator(1000)
    mix, iq, inq, k = [], 0, 0, 0
    while True:
        want_q = int((k + 1) * share) > int(k * share)
        if want_q:
            if iq == len(qs):
                break
            mix.append(qs[iq])
            iq += 1
        else:
            if inq == len(nqs):
                break
            mix.append(nqs[inq])
            inq += 1
        k += 1
    os.makedirs(a.outdir, exist_ok=True)
    for name, xs in (("nq.txt", nqs), ("q.txt", qs), ("mix.txt", mix)):
        with open(os.path.join(a.outdir, name), "w", encoding="utf-8") as f:
            f.write("\n".join(xs) + "\n")
    print("queries=%d nq=%d q=%d q_share=%.3f mix=%d mix_q_share=%.3f" % (
        len(lines), len(nqs), len(qs), len(qs) / len(lines), len(mix),
        sum(1 for x in mix if has_q(x)) / len(mix)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
