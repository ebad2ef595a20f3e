#!/usr/bin/env python3
"""flip.py PARENT_PID ERRORLOG DATAFILE VERSION...: the flip test of `make bench` (SPEC.md
section 9: "RSS flat (under 15% growth) while the file flips between valid and invalid versions
every second under load"; section 4: "an invalid new version is logged once ... once per process,
not once per check"). tests/bench/run.sh starts the load (wrk -c64) before and stops it after.

tests/stress/rewrite.py rewrites DATAFILE every --interval seconds with the VERSION files in turn
(a name starting with "bad" marks an invalid one; every third write is in place, so a process may
read a half-written file). After --warmup seconds the VmRSS and RssAnon of every child of
PARENT_PID are sampled every second for --seconds seconds; then the rewrites stop, and after
--grace seconds the error log (from its size at the start) is read.

Each "RootCausesData: ...; still serving the last good version" line is given to the rewrite in
force when it was logged (rewrite.py prints when each write started), or to the one before when
it has that one's message (logged after the next write began). The message of an invalid version
is what --check (rootcauses-check) says of its file, else the most common one among the lines of
its rewrites; a line with another message is a half-written file that a process read while an
in-place write was under way (an invalid version too, but one no test can count on). For each
invalid rewrite and each child the lines with its message are counted: 1 is right, 0 is a version
the process never logged (it may never have looked at it: a process busy building the version
before sees the file only after the next write), more than 1 a version logged again.

RSS: each child's level at the start and at the end is the median of its first and of its last
5 samples (a child that is building a version holds the build's heap for a while); the growth is
the end level against the start level. The highest sample is shown beside it.

Prints "rss PID ..." lines, "rewrite N ..." lines with the count of each child, and a last line
"summary key=value ...".
"""
import argparse
import collections
import datetime
import os
import re
import signal
import subprocess
import sys
import time

REWRITE = re.compile(r"rewrite (\d+): (\S+) \((in place|rename), (\d+) bytes\) at ([\d.]+)-([\d.]+)")
ERROR = re.compile(r"^\[(\w{3} \w{3} +\d+ [\d:.]+ \d{4})\] \[rootcauses:error\] \[pid (\d+)(?::tid \d+)?\] "
                   r"(?:AH\d+: )?RootCausesData: (.*); still serving the last good version$")
CRASH = re.compile(r"exit signal|Segmentation fault|AH00052|AH00060")


def children(ppid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    st = f.read()
            except OSError:
                continue
            if int(st.rsplit(")", 1)[1].split()[1]) == ppid:
                out.append(int(entry))
    return sorted(out)


def status_kb(pid, keys=("VmRSS", "RssAnon")):
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in keys:
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


def log_time(s):
    return datetime.datetime.strptime(s, "%a %b %d %H:%M:%S.%f %Y").timestamp()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("parent", type=int)
    ap.add_argument("errorlog")
    ap.add_argument("datafile")
    ap.add_argument("versions", nargs="+")
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--interval", type=float, default=1)
    ap.add_argument("--grace", type=float, default=5)
    ap.add_argument("--rewrite", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "stress", "rewrite.py"))
    ap.add_argument("--rewrite-log", default=None)
    ap.add_argument("--check", default=None, help="rootcauses-check, for the invalid versions' messages")
    a = ap.parse_args()

    kids = children(a.parent)
    if not kids:
        print("flip.py: httpd %d has no children" % a.parent, file=sys.stderr)
        return 1
    offset = os.path.getsize(a.errorlog)
    rw_log = a.rewrite_log or a.errorlog + ".rewrite"
    with open(rw_log, "wb") as out:
        rw = subprocess.Popen([sys.executable, a.rewrite, a.datafile, str(a.interval)] + a.versions,
                              stdout=out, stderr=subprocess.STDOUT)
    samples = collections.defaultdict(list)  # pid -> [(VmRSS, RssAnon)]
    try:
        time.sleep(a.warmup)
        for i in range(a.seconds + 1):
            t = time.monotonic()
            for pid in kids:
                s = status_kb(pid)
                if "VmRSS" in s:
                    samples[pid].append((s["VmRSS"], s.get("RssAnon", 0)))
            if i < a.seconds:
                time.sleep(max(0.0, 1 - (time.monotonic() - t)))
    finally:
        rw.send_signal(signal.SIGTERM)
        try:
            rw.wait(60)
        except subprocess.TimeoutExpired:
            rw.kill()
            rw.wait()
    time.sleep(a.grace)

    rewrites = []  # (n, name, mode, start, end)
    with open(rw_log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = REWRITE.search(line)
            if m:
                rewrites.append((int(m.group(1)), m.group(2), m.group(3), float(m.group(5)),
                                 float(m.group(6))))
    invalid = lambda name: name.startswith("bad")  # noqa: E731
    lines, crashes = [], 0
    with open(a.errorlog, "rb") as f:
        f.seek(offset)
        for raw in f.read().decode("utf-8", "replace").splitlines():
            m = ERROR.match(raw)
            if m:
                lines.append((log_time(m.group(1)), int(m.group(2)), m.group(3)))
            elif CRASH.search(raw):
                crashes += 1

    def rewrite_at(t):
        k = None
        for i, rwt in enumerate(rewrites):
            if rwt[3] <= t:
                k = i
        return k

    # The message of each invalid version: the most common one among its rewrites' lines.
    by_name = collections.defaultdict(collections.Counter)
    placed = []
    for t, pid, msg in lines:
        k = rewrite_at(t)
        placed.append((k, pid, msg))
        if k is not None and invalid(rewrites[k][1]):
            by_name[rewrites[k][1]][msg] += 1
    canon = {name: c.most_common(1)[0][0] for name, c in by_name.items()}
    for v in a.versions:
        name = os.path.basename(v)
        if not invalid(name) or not a.check:
            continue
        try:
            out = subprocess.run([a.check, v], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 timeout=600).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.SubprocessError):
            continue
        for line in out.splitlines():
            if line.startswith(v + ":"):
                canon[name] = a.datafile + line[len(v):]
                break
    counts = collections.Counter()  # (rewrite index, pid) -> lines
    half = late = before = 0
    for k, pid, msg in placed:
        if k is None:
            before += 1
        elif invalid(rewrites[k][1]) and msg == canon.get(rewrites[k][1]):
            counts[(k, pid)] += 1
        elif k > 0 and invalid(rewrites[k - 1][1]) and msg == canon.get(rewrites[k - 1][1]):
            counts[(k - 1, pid)] += 1  # logged after the next write began
            late += 1
        else:
            half += 1
    once = never = repeated = 0
    for k, rwt in enumerate(rewrites):
        if not invalid(rwt[1]):
            continue
        per = [counts[(k, pid)] for pid in kids]
        once += sum(1 for c in per if c == 1)
        never += sum(1 for c in per if c == 0)
        repeated += sum(1 for c in per if c > 1)
        print("rewrite %d %s (%s) at +%.1fs: lines per child %s" % (
            rwt[0], rwt[1], rwt[2], rwt[3] - rewrites[0][3],
            " ".join("%d:%d" % (pid, counts[(k, pid)]) for pid in kids)))

    growth_end, growth_peak, anon_end, anon_peak, levels = [], [], [], [], []
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    for pid in kids:
        s = samples.get(pid)
        if not s:
            continue
        rs = [x for x, _ in s]
        an = [y for _, y in s]
        r0, r1 = med(rs[:5]), med(rs[-5:])
        a0, a1 = med(an[:5]), med(an[-5:])
        levels.append(r0)
        growth_end.append(100.0 * (r1 - r0) / r0)
        growth_peak.append(100.0 * (max(rs) - r0) / r0)
        anon_end.append(a1 - a0)
        anon_peak.append(max(an) - a0)
        print("rss %d: VmRSS %d kB at the start, %d at the end (%+.1f%%), lowest %d, highest %d "
              "(%+.1f%%); RssAnon %d kB at the start, %d at the end, highest %d" % (
                  pid, r0, r1, growth_end[-1], min(rs), max(rs), growth_peak[-1], a0, a1, max(an)))
        print("samples %d: %s" % (pid, " ".join("%d/%d" % x for x in s)))
    n_invalid = sum(1 for r in rewrites if invalid(r[1]))
    print("summary rewrites=%d invalid=%d children=%d samples=%d lines=%d once=%d never=%d "
          "repeated=%d late=%d halfwritten=%d before=%d crashes=%d rss_end=%.1f rss_peak=%.1f "
          "anon_end=%d anon_peak=%d rss_start=%d messages=%d" % (
              len(rewrites), n_invalid, len(kids), max((len(s) for s in samples.values()), default=0),
              len(lines), once, never, repeated, late, half, before, crashes,
              max(growth_end, default=0), max(growth_peak, default=0), max(anon_end, default=0),
              max(anon_peak, default=0),
              max(levels, default=0), len(canon)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
