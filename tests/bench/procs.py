"""What the bench's scripts read of httpd's processes in /proc: a parent's children and the
"Key:   N kB" figures of /proc/PID/status or smaps_rollup."""
import os


def children(ppid):
    """The PIDs whose parent is ppid, ascending."""
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


def kb(path, keys):
    """{key: kB} of the lines of path named in keys; {} when path is gone (a process that ended)."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in keys:
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out
