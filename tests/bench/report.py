#!/usr/bin/env python3
"""report.py RESULTS: the table of `make bench` from the "key value" lines tests/bench/run.sh wrote.

Throughput figures are medians over the rounds of ratios taken within one round (absolute
requests/s drift between runs; ratios within a run do not). Prints a Markdown table: figure,
value, what it is compared against, target, met. "met" is information: nothing fails.
"""
import os
import statistics
import sys


def load(path):
    r = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition(" ")
            r[k] = v
    return r


def num(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None


def label(n):
    return {1000: "1k", 100000: "100k", 1000000: "1M"}.get(n, str(n))


def mb(kb):
    return "%.1f MB" % (kb / 1024.0)


def fmt_k(x):
    return "%.1fk" % (x / 1000.0) if x < 1e6 else "%.2fM" % (x / 1e6)


def main():
    r = load(sys.argv[1])
    rounds = int(num(r, "meta.rounds") or 0)
    big = int(num(r, "meta.big") or 1000000)
    rows = []

    def row(fig, value, against, target, met):
        rows.append((fig, value, against, target,
                     "n/a" if met is None else ("yes" if met else "**no**")))

    def rps(kind):
        return [num(r, "rps.%s.%d" % (kind, i)) for i in range(1, rounds + 1)]

    def ratio(x, y):
        """Median over rounds of x/y, and the medians of x and y."""
        xs, ys = rps(x), rps(y)
        rs = [a / b for a, b in zip(xs, ys) if a and b]
        if not rs:
            return None, None, None
        return (statistics.median(rs), statistics.median([a for a in xs if a]),
                statistics.median([b for b in ys if b]))

    def bad(kind):
        n = sum(int(num(r, "bad.%s.%d" % (kind, i)) or 0) for i in range(1, rounds + 1))
        return " (%d responses not 2xx or socket errors)" % n if n else ""

    same_round = "median of %d same-round ratios" % rounds
    # ---- throughput
    for x, y, fig, against, target, lim in [
        ("a", "b", "(a)/(b) 20-item filtered HTML listing vs fixed buffer",
         "(b) mod_fixedbuf sending the same bytes from memory", ">= 0.9", 0.9),
        ("a", "s", "(a)/(s) the listing vs static file",
         "(s) httpd's core handler, same bytes from a file", "-", None),
        ("b", "s", "(b)/(s) fixed buffer vs static file (the yardstick)",
         "(s); the issue measured about 1.6", "-", None),
        ("d", "s", "(d)/(s) random distinct filtered queries vs static file",
         "(s) static file, same round", ">= 1.0", 1.0),
    ]:
        m, mx, my = ratio(x, y)
        if m is None:
            row(fig, "n/a", against, target, None)
            continue
        per_round = ", ".join("%.2f" % (a / b) if a and b else "-" for a, b in zip(rps(x), rps(y)))
        row(fig, "%.3f (rounds %s; medians %s %.0f/s, %s %.0f/s)%s" % (
                m, per_round, x, mx, y, my, bad(x)),
            "%s; %s" % (against, same_round), target, None if lim is None else m >= lim)

    # ---- instructions (callgrind)
    empty = num(r, "ir.empty") or 0
    ir = {}
    for k in "abd":
        t, n = num(r, "ir." + k), num(r, "cgn." + k)
        if t is not None and n:
            ir[k] = (max(t - empty, 0) / n, int(n))
    b = ir.get("b", (None,))[0]
    if "a" in ir:
        v, n = ir["a"]
        row("instructions per request (a), callgrind", "%s (%d requests)" % (fmt_k(v), n),
            "(b) %s: %.2fx" % (fmt_k(b), v / b) if b else "(b) n/a", "<= 1.3x (b)",
            v <= 1.3 * b if b else None)
    else:
        row("instructions per request (a), callgrind", "n/a", "(b)", "<= 1.3x (b)", None)
    if "b" in ir:
        row("instructions per request (b), callgrind", "%s (%d requests)" % (fmt_k(b), ir["b"][1]),
            "the issue measured about 32k", "-", None)
    if "d" in ir:
        v, n = ir["d"]
        row("instructions per request (d), callgrind", "%s (%d requests)" % (fmt_k(v), n),
            "(b) %s: %.1fx; mod_autoindex about 1.45M" % (fmt_k(b), v / b) if b else "-",
            "<= 150k", v <= 150000)
    else:
        row("instructions per request (d), callgrind", "n/a", "-", "<= 150k", None)

    # ---- syscalls: the request's own, and in all (with the event MPM's keep-alive hand-off)
    # The request's own: all syscalls of the window minus the keep-alive hand-off, minus what the
    # children did without requests (the idle window's own syscalls, pro rata of the windows).
    ic, ih, iw = num(r, "sys.idle"), num(r, "sysho.idle"), num(r, "syswin.idle")
    idle_rate = (ic - (ih or 0)) / iw if ic is not None and iw else 0

    def per(k):
        c, h, n, w = (num(r, "sys." + k), num(r, "sysho." + k), num(r, "sysn." + k),
                      num(r, "syswin." + k) or 0)
        if c is None or not n:
            return None, None
        return (max(c - (h or 0) - idle_rate * w, 0) / n, c / n)
    (sa, ta), (sb, tb), (ss, ts) = per("a"), per("b"), per("s")
    fig = "syscalls per request (a), strace -f -c, one keep-alive connection"
    if sa is not None:
        against = ", ".join("%s %.2f (%.2f in all)" % (k, v, t)
                            for k, v, t in (("(b)", sb, tb), ("(s)", ss, ts)) if v is not None)
        row(fig, "%.2f; %.2f in all with the MPM's keep-alive hand-off (%s)" % (
                sa, ta, r.get("systop.a", "-").replace(",", ", ")),
            (against or "-") + ("; the children's own %.1f/s without requests taken off" % idle_rate
                                if ic is not None else ""),
            "<= 7", sa <= 7)
    else:
        row(fig, "n/a", "-", "<= 7", None)

    # ---- load and memory
    base = num(r, "load0") or 0
    for n in (1000, 100000, big):
        t, ready, js = num(r, "load.%d" % n), num(r, "ready.%d" % n), num(r, "json.%d" % n)
        if t is None:
            row("data load time, %s items" % label(n), "n/a", "-", "-", None)
            continue
        load_t = max(t - base, 0)
        target, met = ("< 1 s", load_t < 1) if n == 100000 else ("-", None)
        row("data load time, %s items (httpd -t)" % label(n),
            "%.2f s (start to first 200: %.2f s)" % (load_t, ready or 0),
            "httpd -t without data %.2f s, subtracted; JSON %s" % (base, mb(js / 1024)),
            target, met)
    rss0 = num(r, "rss0")
    for n in (1000, 100000, big):
        rss, js = num(r, "rss.%d" % n), num(r, "json.%d" % n)
        if rss is None or not js:
            continue
        x = rss * 1024 / js
        if rss0 is not None:
            share = (rss - rss0) * 1024 / js
            row("RSS per child, %s items" % label(n),
                "%s (%.1fx the JSON; without httpd's own %s: %.1fx)" % (mb(rss), x, mb(rss0), share),
                "JSON file %s; met judged on RSS minus a child of httpd without data" % mb(js / 1024),
                "<= 2x the JSON", share <= 2)
        else:
            row("RSS per child, %s items" % label(n), "%s (%.1fx the JSON)" % (mb(rss), x),
                "JSON file %s" % mb(js / 1024), "<= 2x the JSON", x <= 2)

    # ---- scale
    m, m_big, m_small = ratio("q%d" % big, "q1000")
    fig = "%s vs 1k items, random-query throughput" % label(big)
    if m is None:
        row(fig, "n/a", "1k data, same queries", ">= 0.8", None)
    else:
        per_round = ", ".join("%.3f" % (a / b) if a and b else "-"
                              for a, b in zip(rps("q%d" % big), rps("q1000")))
        row(fig, "%.3f (rounds %s; medians %s %.1f/s, 1k %.1f/s)%s" % (
                m, per_round, label(big), m_big, m_small, bad("q%d" % big)),
            "1k data, same queries; %s" % same_round, ">= 0.8", m >= 0.8)
    g = num(r, "csv.growth")
    if g is not None:
        row("CSV export of %s rows: peak RSS growth of the child" % fmt_k(num(r, "csv.rows") or 0),
            mb(g), "child RSS before: %s; %s bytes in %.1f s" % (
                mb(num(r, "csv.base") or 0), int(num(r, "csv.bytes") or 0), num(r, "csv.seconds") or 0),
            "< 20 MB", g < 20 * 1024)

    print()
    print("mod_rootcauses benchmark: %d rounds of %ss, wrk -t1 -c%s; (a) = %s on 100k items "
          "(%s bytes); %s CPUs; %ss in all" % (
              rounds, r.get("meta.seconds", "?"), r.get("meta.conc", "?"), r.get("meta.apath", "?"),
              r.get("body.a", "?"), r.get("meta.cpus", os.cpu_count()), r.get("meta.elapsed", "?")))
    print("module: %s" % r.get("meta.rev", "?"))
    cpus = int(num(r, "meta.cpus") or os.cpu_count() or 1)
    loads = [r.get("meta.load_start", ""), r.get("meta.load_end", "")]
    print("load average (1, 5, 15 min) at the start: %s; at the end: %s" % tuple(x or "?" for x in loads))
    busy = [float(x.split()[0]) for x in loads if x.split()]
    if busy and max(busy) > cpus:
        print("warning: other work kept the %d CPUs busy during this run (load above %d): the "
              "requests/s ratios are noisy; instruction and syscall counts, RSS are not affected"
              % (cpus, cpus))
    if r.get("dcheck"):
        print("(d) query list check, statuses of the first 500: %s" % r["dcheck"])
    print()
    head = ("figure", "value", "compared against", "target", "met")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for x in rows:
        print("| " + " | ".join(x) + " |")
    print()
    print("met is information only: a benchmark never fails on a figure.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
