#!/usr/bin/env python3
"""reload.py PORT PARENT_PID DATAFILE ACCESSLOG VERSION...: the time from a data change to every
process of httpd serving it (a target of issue 10), measured by tests/bench/run.sh.

For each trial (--trials, default 3) the next VERSION file in turn whose bytes differ from
DATAFILE's is copied beside DATAFILE and renamed over it (one atomic change, at T0). Then
--threads threads poll PATH?probe=TRIAL-N on a new connection each (Connection: close), --rate
requests a second in all, so that the connections reach every child. httpd logs each probe to
ACCESSLOG ("%{msec}t %P %{ETag}o %>s %q", the request's start, the child's pid, the ETag), so the
time a child first answered with a new ETag is known for each child, not guessed from outside.

A trial ends when every child of PARENT_PID has answered a probe with an ETag other than the one
before the change (then polling goes on for --settle seconds, to catch a child that answers the
old one again), or after --timeout seconds. Its figures, in seconds from T0:
  seconds  the last child's first new answer: every process serves the new version
  first    the first child's first new answer: detection plus build
  client   the start of the last probe answered with the old ETag, as the client saw it
  stale    probes answered with the old ETag by a child more than 0.1 s after its first new one
  builds   RootCausesBuilds (server-status?auto) after the trial minus before: builds per change
  rps      the server's requests/s during the trial (Total Accesses), probes and any load
  with --images (the cache folder): when the build's temporary image appeared (detection and
  the build lock) and the mtime of the new image (the build's end)
Prints one line per trial, "trial N: ...", then "summary n=N complete=N median=S max=S
first_median=S client_max=S stale=N builds=N,N,.. rps=R"; the server's log lines are read by
offset, so the file may hold earlier ones.
"""
import argparse
import filecmp
import http.client
import os
import re
import shutil
import statistics
import sys
import threading
import time

from procs import children

LINE = re.compile(r'^(\d+) (\d+) (\S+) (\d{3}) \?probe=([^ &]+)')


def get(port, path, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers={"Connection": "close"})
        r = c.getresponse()
        r.read()
        return r.status, (r.getheader("ETag") or "").strip('"')
    finally:
        c.close()


def status(port):
    """server-status?auto as a dict (empty when mod_status is not there)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", "/server-status?auto", headers={"Connection": "close"})
        r = c.getresponse()
        body = r.read().decode("utf-8", "replace")
        if r.status != 200:
            return {}
    except (OSError, http.client.HTTPException):
        return {}
    finally:
        c.close()
    return dict(line.split(": ", 1) for line in body.splitlines() if ": " in line)


def num(d, k):
    try:
        return float(d[k])
    except (KeyError, ValueError):
        return None


class Watcher(threading.Thread):
    """Polls the cache folder (DefaultRuntimeDir/rootcauses/) every 10 ms: when a build's
    temporary image appeared (the build began) and the mtime of the image renamed into place
    (the build's last write)."""

    def __init__(self, folder, stop):
        super().__init__(daemon=True)
        self.folder, self.stop = folder, stop
        self.before = self.images()
        self.tmp_seen = None
        self.built = None

    def images(self):
        out = {}
        try:
            for e in os.scandir(self.folder):
                if e.name.endswith(".img"):
                    st = e.stat()
                    out[e.name] = (st.st_ino, st.st_mtime_ns / 1e9)
        except OSError:
            pass
        return out

    def run(self):
        while not self.stop.is_set():
            now = time.time()
            try:
                names = os.listdir(self.folder)
            except OSError:
                names = []
            if self.tmp_seen is None and any(".img.tmp-" in n for n in names):
                self.tmp_seen = now
            if self.built is None:
                for name, (ino, mtime) in self.images().items():
                    if self.before.get(name, (None,))[0] != ino:
                        self.built = mtime
            self.stop.wait(0.01)


class Poller(threading.Thread):
    def __init__(self, port, path, trial, ident, interval, stop):
        super().__init__(daemon=True)
        self.port, self.path, self.trial, self.number = port, path, trial, ident
        self.interval, self.stop = interval, stop
        self.seen = []  # (time sent, etag or error)

    def run(self):
        n = 0
        while not self.stop.is_set():
            t = time.time()
            n += 1
            try:
                code, etag = get(self.port, "%s?probe=%d-%d-%d" % (self.path, self.trial, self.number, n))
                self.seen.append((t, etag if code == 200 else "!%d" % code))
            except (OSError, http.client.HTTPException) as e:
                self.seen.append((t, "!" + type(e).__name__))
            self.stop.wait(max(0.0, self.interval - (time.time() - t)))


def read_new(log, offset):
    """Lines of ACCESSLOG from offset: [(start s, pid, etag, status, probe id)], new offset."""
    try:
        with open(log, "rb") as f:
            f.seek(offset)
            data = f.read()
    except OSError:
        return [], offset
    end = data.rfind(b"\n") + 1
    out = []
    for line in data[:end].decode("utf-8", "replace").splitlines():
        m = LINE.match(line)
        if m:
            out.append((int(m.group(1)) / 1000.0, int(m.group(2)), m.group(3).replace("\\", "").strip('"'),
                        int(m.group(4)), m.group(5)))
    return out, offset + end


def trial(a, k, version, old_etag, kids):
    st0 = status(a.port)
    tmp = os.path.join(os.path.dirname(a.datafile), ".reload-%d.tmp" % os.getpid())
    shutil.copyfile(version, tmp)
    os.chmod(tmp, 0o644)
    offset = os.path.getsize(a.log) if os.path.exists(a.log) else 0
    stop = threading.Event()
    watch = Watcher(a.images, stop) if a.images else None
    if watch:
        watch.start()
    t0 = time.time()
    os.replace(tmp, a.datafile)
    polls = [Poller(a.port, a.path, k, i, a.threads / a.rate, stop) for i in range(a.threads)]
    for p in polls:
        p.start()
    first_new = {}   # pid -> start of its first probe answered with another ETag
    lines = []
    deadline = t0 + a.timeout
    settle_until = None
    while True:
        time.sleep(0.02)
        new, offset = read_new(a.log, offset)
        for t, pid, etag, code, probe in new:
            if not probe.startswith("%d-" % k) or code != 200:
                continue
            lines.append((t, pid, etag))
            if etag != old_etag and (pid not in first_new or t < first_new[pid]):
                first_new[pid] = t
        now = time.time()
        if settle_until is None and all(c in first_new for c in kids):
            settle_until = now + a.settle
        if (settle_until is not None and now >= settle_until) or now >= deadline:
            break
    stop.set()
    for p in polls:
        p.join(60)
    time.sleep(0.1)
    new, offset = read_new(a.log, offset)
    lines += [(t, pid, etag) for t, pid, etag, code, probe in new
              if probe.startswith("%d-" % k) and code == 200]
    st1 = status(a.port)
    done = [c for c in kids if c in first_new]
    new_etags = sorted({e for _, _, e in lines if e != old_etag})
    stale = sum(1 for t, pid, e in lines
                if e == old_etag and pid in first_new and t > first_new[pid] + 0.1)
    seen = [x for p in polls for x in p.seen]
    olds = [t for t, e in seen if e == old_etag]
    errors = sum(1 for _, e in seen if e.startswith("!"))
    b0, b1 = num(st0, "RootCausesBuilds"), num(st1, "RootCausesBuilds")
    f0, f1 = num(st0, "RootCausesBuildFailures"), num(st1, "RootCausesBuildFailures")
    a0, a1 = num(st0, "Total Accesses"), num(st1, "Total Accesses")
    u0, u1 = num(st0, "ServerUptimeSeconds"), num(st1, "ServerUptimeSeconds")
    r = {
        "complete": len(done) == len(kids),
        "seconds": (max(first_new[c] for c in kids) - t0) if len(done) == len(kids) else None,
        "first": (min(first_new.values()) - t0) if first_new else None,
        "client": (max(olds) - t0) if olds else 0.0,
        "stale": stale,
        "builds": int(b1 - b0) if b0 is not None and b1 is not None else None,
        "failures": int(f1 - f0) if f0 is not None and f1 is not None else None,
        "rps": (a1 - a0) / (u1 - u0) if None not in (a0, a1, u0, u1) and u1 > u0 else None,
        "probes": len(seen),
        "errors": errors,
        "children": "%d/%d" % (len(done), len(kids)),
        "build_start": (watch.tmp_seen - t0) if watch and watch.tmp_seen else None,
        "built": (watch.built - t0) if watch and watch.built else None,
        "per_child": " ".join("%d:%s" % (c, ("%.3f" % (first_new[c] - t0)) if c in first_new else "-")
                              for c in kids),
        "new_etag": new_etags[0] if len(new_etags) == 1 else ",".join(new_etags) or "-",
    }
    return r


def fmt(x, spec="%.3f"):
    return "-" if x is None else spec % x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("parent", type=int)
    ap.add_argument("datafile")
    ap.add_argument("log")
    ap.add_argument("versions", nargs="+")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--rate", type=float, default=200, help="probes per second, all threads")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--settle", type=float, default=0.5)
    ap.add_argument("--gap", type=float, default=2, help="seconds between trials")
    ap.add_argument("--path", default="/rootcauses/")
    ap.add_argument("--images", default=None, help="the cache folder, DefaultRuntimeDir/rootcauses")
    a = ap.parse_args()
    kids = children(a.parent)
    if not kids:
        print("reload.py: httpd %d has no children" % a.parent, file=sys.stderr)
        return 1
    results = []
    nxt = 0
    for k in range(1, a.trials + 1):
        code, old = get(a.port, a.path)
        if code != 200:
            print("reload.py: %s answers %d" % (a.path, code), file=sys.stderr)
            return 1
        # the next version in turn whose bytes differ from the data file's (the same bytes
        # would give the same ETag)
        version = None
        for i in range(len(a.versions)):
            v = a.versions[(nxt + i) % len(a.versions)]
            if not filecmp.cmp(v, a.datafile, shallow=False):
                version, nxt = v, (nxt + i + 1) % len(a.versions)
                break
        if version is None:
            print("reload.py: every VERSION has the data file's bytes", file=sys.stderr)
            return 1
        r = trial(a, k, version, old, kids)
        results.append(r)
        print("trial %d: %s -> %s: every child %s s, first %s s (build began %s s, image written "
              "%s s), client saw the old one until %s s; children %s (%s); probes %d (%d errors), "
              "stale %d; builds %s, failed %s; server %s requests/s" % (
                  k, os.path.basename(version), r["new_etag"], fmt(r["seconds"]), fmt(r["first"]),
                  fmt(r["build_start"]), fmt(r["built"]),
                  fmt(r["client"]), r["children"], r["per_child"], r["probes"], r["errors"],
                  r["stale"], fmt(r["builds"], "%d"), fmt(r["failures"], "%d"),
                  fmt(r["rps"], "%.0f")), flush=True)
        if kids != children(a.parent):
            print("reload.py: the children changed during the trial", flush=True)
            kids = children(a.parent)
        if k < a.trials:
            time.sleep(a.gap)
    secs = [r["seconds"] for r in results if r["seconds"] is not None]
    firsts = [r["first"] for r in results if r["first"] is not None]
    rps = [r["rps"] for r in results if r["rps"] is not None]
    starts = [r["build_start"] for r in results if r["build_start"] is not None]
    builts = [r["built"] for r in results if r["built"] is not None]
    print("summary n=%d complete=%d median=%s max=%s first_median=%s client_max=%s stale=%d "
          "builds=%s rps=%s errors=%d timeout=%g build_start_median=%s built_median=%s" % (
              len(results), sum(1 for r in results if r["complete"]),
              fmt(statistics.median(secs) if secs else None),
              fmt(max(secs) if secs and len(secs) == len(results) else None),
              fmt(statistics.median(firsts) if firsts else None),
              fmt(max(r["client"] for r in results)),
              sum(r["stale"] for r in results),
              ",".join(fmt(r["builds"], "%d") for r in results),
              fmt(statistics.median(rps) if rps else None, "%.0f"),
              sum(r["errors"] for r in results), a.timeout,
              fmt(statistics.median(starts) if starts else None),
              fmt(statistics.median(builts) if builts else None)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
