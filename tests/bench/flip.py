#!/usr/bin/env python3
"""flip.py PARENT_PID ERRORLOG DATAFILE VERSION...: the flip test of `make bench` (issue 10,
its targets: "RSS flat (under 15% growth) while the file flips between valid and invalid versions
every second under load"; and docs/REFERENCE.md "Reloading and versions": "an invalid new version is logged once ... once per process,
not once per check"). tests/bench/run.sh starts the load (wrk -c64) before and stops it after.

tests/stress/rewrite.py rewrites DATAFILE every --interval seconds with the VERSION files in turn
(a name starting with "bad" marks an invalid one; every third write is in place, so a process may
read a half-written file). After --warmup seconds the VmRSS and RssAnon of every child of
PARENT_PID are sampled every second for --seconds seconds; then the rewrites stop, and after
--grace seconds the error log (from its size at the start) is read.

Each "RootCausesData: ...; still serving the last good version" line is given to a rewrite by
its message: the message of an invalid version is what --check (rootcauses-check) says of its
file (else the most common one among the lines logged while it was in force), and a line with it
belongs to the latest rewrite of that version before the line was logged (rewrite.py prints when
each write started); a process may log a version seconds after the next write, when it was busy
building the one before. A line with another message is a half-written file that a process read
while an in-place write was under way (an invalid version too, but one no test can count on).
For each invalid rewrite and each child the lines are counted: 1 is right, 0 is a version the
process never logged (it may never have looked at it: a process busy building the version before
sees the file only after the next write), more than 1 a version logged again. After the rewrites
stop the error log is read once it has been quiet for 3 s (--grace seconds at least, 60 at most).

RSS: one child at a time builds a version (the build lock), and it holds the build's heap
meanwhile, so a child's VmRSS swings by that much and back. Three figures per child: the floor
(its lowest sample in the last third against its lowest in the first third: what a leak would
raise), the level (the median of its last 5 samples against that of its first 5) and its highest
sample against the level at the start; and the children's VmRSS summed, the median of the last
third against that of the first third.

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

from procs import children, kb

REWRITE = re.compile(r"rewrite (\d+): (\S+) \((in place|rename), (\d+) bytes\) at ([\d.]+)-([\d.]+)")
ERROR = re.compile(r"^\[(\w{3} \w{3} +\d+ [\d:.]+ \d{4})\] \[rootcauses:error\] \[pid (\d+)(?::tid \d+)?\] "
                   r"(?:AH\d+: )?RootCausesData: (.*); still serving the last good version$")
CRASH = re.compile(r"exit signal|Segmentation fault|AH00052|AH00060")


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
    ap.add_argument("--replay", type=lambda x: [int(p) for p in x.split(",")], default=None,
                    dest="replay_pids", help="PID,PID: only count the lines of ERRORLOG and --rewrite-log")
    a = ap.parse_args()
    a.replay = a.replay_pids is not None

    samples = collections.defaultdict(list)  # pid -> [(VmRSS, RssAnon)]
    rw_log = a.rewrite_log or a.errorlog + ".rewrite"
    if a.replay:  # the analysis only, of a run's logs (children: the pids given)
        kids, offset, a.check = a.replay_pids, 0, a.check
    else:
        kids = children(a.parent)
        if not kids:
            print("flip.py: httpd %d has no children" % a.parent, file=sys.stderr)
            return 1
        offset = os.path.getsize(a.errorlog)
        with open(rw_log, "wb") as out:
            rw = subprocess.Popen([sys.executable, a.rewrite, a.datafile, str(a.interval)] + a.versions,
                                  stdout=out, stderr=subprocess.STDOUT)
        try:
            time.sleep(a.warmup)
            for i in range(a.seconds + 1):
                t = time.monotonic()
                for pid in kids:
                    st = kb("/proc/%d/status" % pid, ("VmRSS", "RssAnon"))
                    if "VmRSS" in st:
                        samples[pid].append((st["VmRSS"], st.get("RssAnon", 0)))
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
        quiet_until = time.time() + 60
        while time.time() < quiet_until and time.time() - os.path.getmtime(a.errorlog) < 3:
            time.sleep(0.5)

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

    def last_rewrite(t, name=None):
        k = None
        for i, rwt in enumerate(rewrites):
            if rwt[3] <= t and (name is None or rwt[1] == name):
                k = i
        return k

    # The message of each invalid version: rootcauses-check's, else the most common one among
    # the lines logged while it was in force.
    canon = {}
    by_name = collections.defaultdict(collections.Counter)
    for t, pid, msg in lines:
        k = last_rewrite(t)
        if k is not None and invalid(rewrites[k][1]):
            by_name[rewrites[k][1]][msg] += 1
    for name, c in by_name.items():
        canon[name] = c.most_common(1)[0][0]
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
    names_of = collections.defaultdict(list)
    for name, msg in canon.items():
        names_of[msg].append(name)

    counts = collections.Counter()  # (rewrite index, pid) -> lines
    half = late = before = 0
    for t, pid, msg in lines:
        ks = [k for k in (last_rewrite(t, name) for name in names_of.get(msg, ())) if k is not None]
        if not ks:
            if last_rewrite(t) is None:
                before += 1
            else:
                half += 1
            continue
        k = max(ks)
        counts[(k, pid)] += 1
        if k != last_rewrite(t):
            late += 1
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

    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    floor, level, peak, anon_level, anon_peak, starts = [], [], [], [], [], []
    third = max(1, min(len(s) for s in samples.values()) // 3) if samples else 1
    for pid in kids:
        s = samples.get(pid)
        if not s:
            continue
        rs = [x for x, _ in s]
        an = [y for _, y in s]
        r0, r1 = med(rs[:5]), med(rs[-5:])
        a0, a1 = med(an[:5]), med(an[-5:])
        f0, f1 = min(rs[:third]), min(rs[-third:])
        starts.append(r0)
        floor.append(100.0 * (f1 - f0) / f0)
        level.append(100.0 * (r1 - r0) / r0)
        peak.append(100.0 * (max(rs) - r0) / r0)
        anon_level.append(a1 - a0)
        anon_peak.append(max(an) - a0)
        print("rss %d: VmRSS floor %d -> %d kB (%+.1f%%), level %d -> %d kB (%+.1f%%), highest %d "
              "(%+.1f%%); RssAnon level %d -> %d kB, highest %d" % (
                  pid, f0, f1, floor[-1], r0, r1, level[-1], max(rs), peak[-1], a0, a1, max(an)))
        print("samples %d: %s" % (pid, " ".join("%d/%d" % x for x in s)))
    n = min((len(s) for s in samples.values()), default=0)
    total = [sum(samples[pid][i][0] for pid in samples) for i in range(n)]
    total_growth = 100.0 * (med(total[-third:]) - med(total[:third])) / med(total[:third]) if total else 0
    if total:
        print("rss children together: %d kB -> %d kB (%+.1f%%)" % (
            med(total[:third]), med(total[-third:]), total_growth))
    n_invalid = sum(1 for r in rewrites if invalid(r[1]))
    print("summary rewrites=%d invalid=%d children=%d samples=%d lines=%d once=%d never=%d "
          "repeated=%d late=%d halfwritten=%d before=%d crashes=%d rss_floor=%.1f rss_level=%.1f "
          "rss_peak=%.1f rss_total=%.1f anon_level=%d anon_peak=%d rss_start=%d messages=%d" % (
              len(rewrites), n_invalid, len(kids), n, len(lines), once, never, repeated, late, half,
              before, crashes, max(floor, default=0), max(level, default=0), max(peak, default=0),
              total_growth, max(anon_level, default=0), max(anon_peak, default=0),
              max(starts, default=0), len(canon)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
