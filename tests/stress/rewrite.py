#!/usr/bin/env python3
"""rewrite.py TARGET INTERVAL VERSION...: rewrites TARGET every INTERVAL seconds with the next of
the VERSION files, in turn, until SIGTERM (or SIGINT). tests/stress/stress.py passes a valid
version, an invalid one, another valid one, another invalid one.

Most writes are atomic (a temporary file beside TARGET, renamed over it); every third is in
place (truncate, then write in 1 MiB pieces), so that a process may read a half-written file.
Each write moves the mtime on by at least a second, so that it is seen even when the size and
the inode happen to be the same. Prints one line per write (ending with the epoch times at which
the write started and ended, "at START-END") and, at the end, "rewrites: N".
"""
import os
import signal
import sys
import time

CHUNK = 1 << 20


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    target, interval, versions = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    contents = []
    for v in versions:
        with open(v, "rb") as f:
            contents.append((os.path.basename(v), f.read()))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    n = 0
    last_mtime = os.stat(target).st_mtime
    next_at = time.monotonic() + interval
    while not stop:
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(min(delay, 0.1))
            continue
        next_at += interval
        name, data = contents[n % len(contents)]
        in_place = n % 3 == 2
        started = time.time()
        if in_place:
            with open(target, "r+b") as f:
                f.truncate(0)
                for i in range(0, len(data), CHUNK):
                    f.write(data[i:i + CHUNK])
        else:
            tmp = f"{target}.tmp{os.getpid()}"
            with open(tmp, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        t = max(time.time(), last_mtime + 1)
        os.utime(target, (t, t))
        last_mtime = t
        n += 1
        print(f"{time.strftime('%H:%M:%S')} rewrite {n}: {name} "
              f"({'in place' if in_place else 'rename'}, {len(data)} bytes) "
              f"at {started:.3f}-{time.time():.3f}", flush=True)
    print(f"rewrites: {n}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
