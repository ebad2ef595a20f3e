#!/usr/bin/env python3
"""mem.py PARENT_PID: the memory of httpd's parent and children, for `make bench`.

For each process: VmRSS, RssAnon, RssFile, RssShmem (/proc/PID/status); Pss, Private_Clean,
Private_Dirty, Shared_Clean, Shared_Dirty (/proc/PID/smaps_rollup); and where the private and
resident pages are (/proc/PID/smaps, by mapping): "image" (the built data versions,
DefaultRuntimeDir/rootcauses/*.img), "shm" (shared anonymous memory: the response cache and the
figures of server-status), "anon" (heap, stacks, pools), "file" (libraries and other files).
A page counts as private when this process alone maps it: a page of the image only one child has
read yet is private to it, though it is the page cache's and no copy.

Prints one line per process, "parent PID k=v ..." or "child PID k=v ..." (kB), then
"summary children=N rss_max=.. private_max=.. pss_total=.. pss_children=.. image_kb=..
worst_private=image:..,shm:..,anon:..,file:.." where pss_total is the parent's and the children's
Pss together (what the server costs the machine) and worst_private is where the private pages of
the child with the most are.
"""
import os
import sys

from procs import children, kb

STATUS = ("VmRSS", "RssAnon", "RssFile", "RssShmem")
ROLLUP = ("Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty")


def kind(name):
    if name.endswith(".img") and "/rootcauses/" in name:
        return "image"
    if name.startswith("/dev/zero") or name.startswith("/SYSV") or name.startswith("[anon_shmem"):
        return "shm"
    if name == "" or name.startswith("[heap") or name.startswith("[stack") or name.startswith("[anon"):
        return "anon"
    return "file"


def by_mapping(pid):
    """{kind: [rss, private]} from /proc/PID/smaps."""
    out = {k: [0, 0] for k in ("image", "shm", "anon", "file")}
    cur = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            first = line.split(None, 1)[0]
            if "-" in first and not first.endswith(":"):
                parts = line.split(None, 5)
                cur = out[kind(parts[5].strip() if len(parts) > 5 else "")]
            elif first == "Rss:":
                cur[0] += int(line.split()[1])
            elif first in ("Private_Clean:", "Private_Dirty:"):
                cur[1] += int(line.split()[1])
    return out


def measure(pid):
    """The figures of pid, or None when it has exited (kb gives {} for a process that is gone,
    and a zombie's status has no VmRSS)."""
    m = kb("/proc/%d/status" % pid, STATUS)
    if "VmRSS" not in m:
        return None
    m.update(kb("/proc/%d/smaps_rollup" % pid, ROLLUP))
    m["Private"] = m.get("Private_Clean", 0) + m.get("Private_Dirty", 0)
    for k, (rss, priv) in by_mapping(pid).items():
        m["rss_" + k] = rss
        m["private_" + k] = priv
    return m


def main():
    if len(sys.argv) != 2:
        print(__doc__.split("\n")[0], file=sys.stderr)
        return 2
    parent = int(sys.argv[1])
    procs = [("parent", parent)] + [("child", c) for c in children(parent)]
    kids = []
    total = 0
    images = set()
    for role, pid in procs:
        try:
            m = measure(pid)
        except OSError as e:
            print("%s %d gone (%s)" % (role, pid, e))
            continue
        if m is None:
            print("%s %d gone (exited)" % (role, pid))
            continue
        total += m.get("Pss", 0)
        if role == "child":
            kids.append(m)
        print("%s %d %s" % (role, pid, " ".join("%s=%d" % kv_ for kv_ in sorted(m.items()))))
        try:
            with open("/proc/%d/maps" % pid) as f:
                for line in f:
                    parts = line.split(None, 5)
                    if len(parts) > 5 and kind(parts[5].strip()) == "image":
                        images.add(parts[5].strip())
        except OSError:
            pass
    image_kb = 0
    for path in images:
        try:
            image_kb += os.path.getsize(path.replace(" (deleted)", "")) // 1024
        except OSError:
            pass
    worst = max(kids, key=lambda k: k["Private"]) if kids else {}
    print("summary children=%d rss_max=%d private_max=%d anon_max=%d pss_total=%d "
          "pss_children=%d image_kb=%d images=%d worst_private=%s" % (
              len(kids), max((k["VmRSS"] for k in kids), default=0),
              max((k["Private"] for k in kids), default=0),
              max((k.get("RssAnon", 0) for k in kids), default=0), total,
              sum(k.get("Pss", 0) for k in kids), image_kb, len(images),
              ",".join("%s:%d" % (x, worst.get("private_" + x, 0))
                       for x in ("image", "shm", "anon", "file"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
