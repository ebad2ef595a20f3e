#!/usr/bin/env python3
"""report.py RESULTS: the table of `make bench` from the "key value" lines tests/bench/run.sh wrote.

Throughput figures are medians over the rounds of ratios taken within one round (absolute
requests/s drift between runs; ratios within a run do not). Prints a Markdown table: figure,
value, what it is compared against, target, met. Every target of issue 10 (docs/REFERENCE.md "Reloading and versions") that the run
measured has a row; a step that did not run shows n/a. "met" is information: nothing fails.
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


def kvs(r, k):
    """A "key=value key=value" line as a dict of strings."""
    return dict(x.split("=", 1) for x in r.get(k, "").split() if "=" in x)


def fnum(d, k):
    try:
        return float(d[k])
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
    LB = label(big)
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

    def per_round(x, y, spec="%.2f"):
        return ", ".join(spec % (a / b) if a and b else "-" for a, b in zip(rps(x), rps(y)))

    def bad(kind):
        n = sum(int(num(r, "bad.%s.%d" % (kind, i)) or 0) for i in range(1, rounds + 1))
        return " (%d responses not 2xx or socket errors)" % n if n else ""

    same_round = "median of %d same-round ratios" % rounds
    # ---- throughput, 100k items
    for x, y, fig, against, target, lim in [
        ("a", "b", "(a)/(b) repeated 20-item filtered HTML listing vs fixed buffer",
         "(b) mod_fixedbuf sending the same bytes from memory", ">= 0.9", 0.9),
        ("a", "s", "(a)/(s) the listing vs static file",
         "(s) httpd's core handler, same bytes from a file", "-", None),
        ("b", "s", "(b)/(s) fixed buffer vs static file (the yardstick)",
         "(s); the issue measured about 1.6", "-", None),
    ]:
        m, mx, my = ratio(x, y)
        if m is None:
            row(fig, "n/a", against, target, None)
            continue
        row(fig, "%.3f (rounds %s; medians %s %.0f/s, %s %.0f/s)%s" % (
                m, per_round(x, y), x, mx, y, my, bad(x)),
            "%s; %s" % (against, same_round), target, None if lim is None else m >= lim)
    for k, what in (("n", "without q"), ("q", "with q")):
        fig = "(%s) requests/s, 100k items, queries %s that no cache answers" % (k, what)
        xs = [x for x in rps(k) if x]
        if not xs:
            row(fig, "n/a", "(s) static file, same round", "-", None)
            continue
        m, _, my = ratio(k, "s")
        row(fig, "%.0f/s (rounds %s)%s" % (
                statistics.median(xs), ", ".join("%.0f" % x if x else "-" for x in rps(k)), bad(k)),
            "server without response cache (RootCausesCacheSize 0), each request the next of "
            "%d distinct queries; (s) static file %s" % (
                int(fnum(kvs(r, "meta.queries"), "nq" if k == "n" else "q") or 0),
                "%.0f/s: ratio %.3f (rounds %s; %s)" % (my, m, per_round(k, "s", "%.3f"), same_round)
                if m else "n/a"),
            "-", None)

    # ---- instructions (callgrind)
    empty = num(r, "ir.empty") or 0
    ir = {}
    for k in "abnq":
        t, n = num(r, "ir." + k), num(r, "cgn." + k)
        if t is not None and n:
            ir[k] = (max(t - empty, 0) / n, int(n))

    def top(k):
        return "; most: %s" % r["irtop." + k] if r.get("irtop." + k, "-") != "-" else ""
    b = ir.get("b", (None,))[0]
    if "a" in ir:
        v, n = ir["a"]
        row("instructions per request (a), callgrind", "%s (%d requests%s)" % (fmt_k(v), n, top("a")),
            "(b) %s: %.2fx" % (fmt_k(b), v / b) if b else "(b) n/a", "<= 1.3x (b)",
            v <= 1.3 * b if b else None)
    else:
        row("instructions per request (a), callgrind", "n/a", "(b)", "<= 1.3x (b)", None)
    if "b" in ir:
        row("instructions per request (b), callgrind", "%s (%d requests%s)" % (fmt_k(b), ir["b"][1], top("b")),
            "the issue measured about 32k", "-", None)
    for k, what, lim in (("n", "without q", 150000), ("q", "with q", 300000)):
        fig = "instructions per request (%s), 100k items, distinct queries %s, callgrind" % (k, what)
        if k in ir:
            v, n = ir[k]
            row(fig, "%s (%d requests, each a query sent once%s)" % (fmt_k(v), n, top(k)),
                "(b) %s: %.1fx; includes storing each answer in the response cache" % (fmt_k(b), v / b)
                if b else "-", "<= %s" % fmt_k(lim).replace(".0k", "k"), v <= lim)
        else:
            row(fig, "n/a", "-", "<= %s" % fmt_k(lim).replace(".0k", "k"), None)

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

    # ---- 1M vs 1k
    q = kvs(r, "meta.queries")
    for kind, target, lim, what in (
            ("nq", ">= 0.8", 0.8, "queries without q"),
            ("mix", ">= 0.5", 0.5, "queries, %s of them with q" % (
                "%.0f%%" % (100 * fnum(q, "mix_q_share")) if fnum(q, "mix_q_share") else "25%"))):
        m, m_big, m_small = ratio("%s%d" % (kind, big), "%s1000" % kind)
        fig = "%s vs 1k items, throughput of distinct %s" % (LB, what)
        against = "1k items, same queries in the same order, no response cache; %s" % same_round
        if m is None:
            row(fig, "n/a", against, target, None)
        else:
            row(fig, "%.3f (rounds %s; medians %s %.0f/s, 1k %.0f/s)%s" % (
                    m, per_round("%s%d" % (kind, big), "%s1000" % kind, "%.3f"), LB, m_big, m_small,
                    bad("%s%d" % (kind, big))),
                against, target, m >= lim)

    # instructions behind the 1M vs 1k figures: the same queries at each size, no response cache
    empty_s = num(r, "ir.empty-scale") or 0
    for k, what in (("n", "without q"), ("q", "with q")):
        fig = "instructions per request, the same distinct queries %s at 1k, 100k and %s items, callgrind" % (what, LB)
        per = {}
        for n in (1000, 100000, big):
            t, c = num(r, "ir.%s%d" % (k, n)), num(r, "cgn.%s%d" % (k, n))
            if t is not None and c:
                per[n] = (max(t - empty_s, 0) / c, int(c))
        if not per:
            row(fig, "n/a", "-", "-", None)
            continue
        value = ", ".join("%s %s" % (label(n), fmt_k(v)) for n, (v, _) in sorted(per.items()))
        if 1000 in per and big in per:
            value += " (%s/1k: %.2fx)" % (LB, per[big][0] / per[1000][0])
        if big in per and r.get("irtop.%s%d" % (k, big), "-") != "-":
            value += "; most at %s: %s" % (LB, r["irtop.%s%d" % (k, big)])
        row(fig, value, "%d queries, each once, at every size; no response cache (as in the 1M vs 1k rounds)" % (
                max(c for _, c in per.values())), "-", None)

    # ---- data changes
    for n, mode, lim in ((100000, "idle", 1), (100000, "load", 5), (big, "idle", 10), (big, "load", 10)):
        d = kvs(r, "reload.%d.%s" % (n, mode))
        fig = "data change to every process serving it, %s items, %s" % (
            label(n), "idle" if mode == "idle" else "under wrk -c%s load" % r.get("meta.loadconc", "64"))
        target = "< %d s" % lim
        if not d:
            row(fig, "n/a", "-", target, None)
            continue
        mx, med, n_tr, done = fnum(d, "max"), fnum(d, "median"), d.get("n", "?"), d.get("complete", "?")
        value = "%s s at most (median %s s; %s of %s changes served by every child within %s s)" % (
            "%.2f" % mx if mx is not None else "not all", "%.2f" % med if med is not None else "-",
            done, n_tr, d.get("timeout", "?"))
        value += "; medians: build began %s s, image written %s s, first child %s s; the client saw the old ETag until %s s at most" % (
            d.get("build_start_median", "-"), d.get("built_median", "-"), d.get("first_median", "-"),
            d.get("client_max", "-"))
        extra = []
        if d.get("builds"):
            extra.append("builds per change %s" % d["builds"])
        if d.get("stale", "0") != "0":
            extra.append("%s probes answered the old ETag after the child had served the new" % d["stale"])
        if d.get("errors", "0") != "0":
            extra.append("%s probe errors" % d["errors"])
        if mode == "load" and d.get("rps", "-") != "-":
            extra.append("server %s requests/s meanwhile" % d["rps"])
        if n == big and mode == "idle" and r.get("reload.%d.ready" % big):
            extra.append("the server's first build at start: %.1f s to the first 200" % num(r, "reload.%d.ready" % big))
        if extra:
            value += "; " + "; ".join(extra)
        row(fig, value,
            "T0 = the rename of a new version over the data file; every child's first probe (new "
            "connections) answered with the new ETag, from the access log (%P); "
            "RootCausesReloadInterval 2 (shipped) with inotify", target,
            mx is not None and mx < lim)

    # ---- memory at 1M
    js_big = num(r, "json.%d" % big)
    mem = {c: kvs(r, "mem.%d" % c) for c in (2, 8)}
    for c in (2, 8):
        d = mem[c]
        rss, priv = fnum(d, "rss_max"), fnum(d, "private_max")
        fig_rss = "VmRSS of every child, %s items, %d children" % (LB, c)
        fig_priv = "private memory of every child (Private_Clean + Private_Dirty), %s items, %d children" % (LB, c)
        if rss is None or not js_big:
            row(fig_rss, "n/a", "-", "<= 2x the JSON", None)
            row(fig_priv, "n/a", "-", "<= 32 MB", None)
            continue
        ctx = ("after %ss of wrk -c%s over the query mix (%.0f/s) and the %s-row CSV; the image "
               "mapped from the %s server's DefaultRuntimeDir (builds by this server: %s; first 200 "
               "%.2f s after start)" % (
                   r.get("meta.memsecs", "?"), r.get("meta.loadconc", "64"), num(r, "mem.%d.rps" % c) or 0,
                   fmt_k(0.6 * big).replace(".0k", "k"), LB, r.get("mem.%d.builds" % c, "?"),
                   num(r, "mem.%d.ready" % c) or 0))
        row(fig_rss, "%s at most (%.2fx the JSON); image %s" % (
                mb(rss), rss * 1024 / js_big, mb(fnum(d, "image_kb") or 0)),
            "JSON file %s; %s" % (mb(js_big / 1024), ctx), "<= 2x the JSON", rss * 1024 <= 2 * js_big)
        w = dict(x.split(":") for x in d.get("worst_private", "").split(",") if ":" in x)
        row(fig_priv, "%s at most (that child: image %s, shared memory %s, heap and stacks %s, other files %s); RssAnon at most %s" % (
                mb(priv), mb(float(w.get("image", 0))), mb(float(w.get("shm", 0))), mb(float(w.get("anon", 0))),
                mb(float(w.get("file", 0))), mb(fnum(d, "anon_max") or 0)),
            "/proc/PID/smaps_rollup; a page is private when this process alone maps it (image pages one child alone has read count too)",
            "<= 32 MB", priv <= 32 * 1024)
    p2, p8 = fnum(mem[2], "pss_total"), fnum(mem[8], "pss_total")
    fig = "total PSS of the server (parent and children), %s items, 2 vs 8 children" % LB
    if p2 and p8:
        per_child = (p8 - p2) / 6
        row(fig, "%s with 2 children, %s with 8: %+.1f MB per added child" % (mb(p2), mb(p8), per_child / 1024),
            "one copy of the data: image %s, JSON %s" % (mb(fnum(mem[8], "image_kb") or 0), mb((js_big or 0) / 1024)),
            "adding children adds no copy: <= 32 MB per added child", per_child <= 32 * 1024)
    else:
        row(fig, "n/a", "-", "adding children adds no copy", None)

    # ---- flip test
    f = kvs(r, "flip")
    fig = "RSS growth of the children, flip test (100k items, valid/invalid every second, wrk -c%s, %ss)" % (
        r.get("meta.loadconc", "64"), r.get("meta.flipsecs", "30"))
    fig2 = "invalid versions logged once per process, flip test"
    if f:
        floor, level, peak, total = (fnum(f, "rss_floor"), fnum(f, "rss_level"), fnum(f, "rss_peak"),
                                     fnum(f, "rss_total"))
        row(fig, "%+.1f%% (each child's floor: its lowest VmRSS in the last third vs the first third; largest of the children); "
                 "the children together %+.1f%%; one child's level (median of 5 samples, end vs start) up to %+.1f%%, its highest sample %+.1f%%, RssAnon up to %+.1f MB: "
                 "the heap of a build, one child at a time" % (
                     floor, total, level, peak, (fnum(f, "anon_peak") or 0) / 1024),
            "VmRSS of each child sampled every second after 5 s of warm-up (%s at the start at most); %s rewrites; load %s requests/s%s; builds/failed builds %s" % (
                mb(fnum(f, "rss_start") or 0), f.get("rewrites", "?"), r.get("flip.rps", "?"),
                " (%s not 2xx or socket errors)" % r["flip.bad"] if r.get("flip.bad", "0") != "0" else "",
                r.get("flip.builds", "?").replace(" ", "/")),
            "< 15%", floor < 15)
        pairs = int(fnum(f, "invalid") or 0) * int(fnum(f, "children") or 0)
        once = int(fnum(f, "once") or 0)
        row(fig2, "%d of %d (invalid versions x children) logged exactly once; never %s, more than once %s; %s lines in all (%s logged after the next write began, %s of half-written files read during in-place writes)%s" % (
                once, pairs, f.get("never", "?"), f.get("repeated", "?"), f.get("lines", "?"),
                f.get("late", "?"), f.get("halfwritten", "?"),
                "; %s crash lines" % f["crashes"] if f.get("crashes", "0") != "0" else ""),
            "the error log's \"still serving the last good version\" lines per child and rewrite (tests/bench/flip.py)",
            "each exactly once", pairs > 0 and once == pairs)
    else:
        row(fig, "n/a", "-", "< 15%", None)
        row(fig2, "n/a", "-", "each exactly once", None)

    # ---- CSV
    g, ga = num(r, "csv.growth"), num(r, "csv.anon")
    if ga is not None:
        row("CSV export of %s rows (%s items): peak growth of a child's RssAnon" % (fmt_k(num(r, "csv.rows") or 0), LB),
            "%s (VmRSS %s, with the image pages it read)" % (mb(ga), mb(g or 0)),
            "child before: RssAnon %s, VmRSS %s; %s bytes in %.1f s" % (
                mb(num(r, "csv.anonbase") or 0), mb(num(r, "csv.base") or 0),
                int(num(r, "csv.bytes") or 0), num(r, "csv.seconds") or 0),
            "< 20 MB (flat)", ga < 20 * 1024)
    else:
        row("CSV export: peak growth of a child's RssAnon", "n/a", "-", "< 20 MB (flat)", None)

    # ---- load and memory after a few requests
    base = num(r, "load0") or 0
    for n in (1000, 100000, big):
        t, ready, js = num(r, "load.%d" % n), num(r, "ready.%d" % n), num(r, "json.%d" % n)
        if t is None:
            row("data load (build) time, %s items" % label(n), "n/a", "-", "< 1 s" if n == 100000 else "-", None)
            continue
        load_t = max(t - base, 0)
        target, met = ("< 1 s", load_t < 1) if n == 100000 else ("-", None)
        row("data load (build) time, %s items (httpd -t)" % label(n),
            "%.2f s (start to first 200: %.2f s)" % (load_t, ready or 0),
            "httpd -t without data %.2f s, subtracted; JSON %s; image %s" % (
                base, mb(js / 1024), mb((num(r, "img.%d" % n) or 0) / 1024)),
            target, met)
    rss0 = num(r, "rss0")
    for n in (1000, 100000, big):
        rss, js = num(r, "rss.%d" % n), num(r, "json.%d" % n)
        if rss is None or not js:
            continue
        row("RSS per child after a few requests, %s items" % label(n),
            "%s (%.2fx the JSON)" % (mb(rss), rss * 1024 / js),
            "JSON file %s%s" % (mb(js / 1024), "; a child of httpd without data: %s" % mb(rss0) if rss0 else ""),
            "-", None)

    print()
    print("mod_rootcauses benchmark: %d rounds of %ss, wrk -t1 -c%s; (a) = %s on 100k items "
          "(%s bytes); big set %s items; %s CPUs; %ss in all" % (
              rounds, r.get("meta.seconds", "?"), r.get("meta.conc", "?"), r.get("meta.apath", "?"),
              r.get("body.a", "?"), big, r.get("meta.cpus", os.cpu_count()), r.get("meta.elapsed", "?")))
    print("module: %s" % r.get("meta.rev", "?"))
    if r.get("meta.only"):
        print("only the steps: %s" % r["meta.only"])
    cpus = int(num(r, "meta.cpus") or os.cpu_count() or 1)
    loads = [r.get("meta.load_start", ""), r.get("meta.load_end", "")]
    print("load average (1, 5, 15 min) at the start: %s; at the end: %s" % tuple(x or "?" for x in loads))
    busy = [float(x.split()[0]) for x in loads if x.split()]
    if busy and max(busy) > cpus:
        print("warning: other work kept the %d CPUs busy during this run (load above %d): the "
              "requests/s, ratios and times are noisy; instruction and syscall counts, memory are not affected"
              % (cpus, cpus))
    if r.get("meta.queries"):
        print("query lists (from gen_data.py's queries.txt): %s" % r["meta.queries"])
    for k in ("nq", "q"):
        if r.get("check." + k):
            print("(%s) query list check, statuses of the first 500: %s" % (k, r["check." + k]))
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
