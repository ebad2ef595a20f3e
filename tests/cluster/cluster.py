"""A scale-out cluster on this machine, configured from docs/SCALING.md: backend httpds with
mod_rootcauses, each with its own copy of the shipped site (at /rootcauses) and of a generated data
set (at /big), copied at different times (other mtimes and inodes), behind a front httpd with the
front block of docs/SCALING.md: mod_proxy_balancer, mod_proxy_hcheck and mod_cache_disk.

The two ```apache blocks of docs/SCALING.md are what runs: the backends take their RootCauses
directives from the first, the front takes the second line by line, with this machine's paths and
ports, shorter intervals (the test waits for them) and /big served like /rootcauses.

Used by test_cluster.py (the `cluster` step of make check-full) and measure.py (the figures)."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

import rcserver  # noqa: E402

# what the tests wait for, instead of the documented values
BACKENDS_DEFAULT = 3
RELOAD = 1
MAX_AGE = 2
HCHECK_INTERVAL = 1
RETRY = 1

FRONT_MODULES = ["proxy", "proxy_http", "proxy_balancer", "proxy_hcheck", "lbmethod_byrequests",
                 "slotmem_shm", "cache", "cache_disk", "status"]


def scaling_blocks():
    """The ```apache blocks of docs/SCALING.md: (backend, front)."""
    text = (rcserver.srcdir() / "docs" / "SCALING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```apache\n(.*?)```", text, re.S)
    assert len(blocks) == 2, "docs/SCALING.md: expected the backend block and the front block"
    return blocks[0], blocks[1]


def backend_directives(block: str, max_age=MAX_AGE, reload=RELOAD):
    """The backend block's RootCauses lines but RootCausesData, with the test's values."""
    out = []
    for line in block.splitlines():
        words = line.split()
        if not words or not words[0].startswith("RootCauses") or words[0] == "RootCausesData":
            continue
        value = {"RootCausesMaxAge": max_age, "RootCausesReloadInterval": reload}.get(words[0])
        out.append(f"{words[0]} {value}" if value is not None else line.strip())
    return out


def front_conf(block: str, cache_root: Path, ports, cache: str = "disk") -> str:
    """The front block for this machine: one BalancerMember per port, CacheRoot in the work dir,
    the test's intervals, /big beside /rootcauses. cache: "disk" as documented, "socache" for
    mod_cache_socache with shmcb instead (the cache docs/SCALING.md advises against, tested
    too), "" for none."""
    mods = rcserver.httpd_modules()
    lines = [f'LoadModule {m}_module "{mods}/mod_{m}.so"' for m in FRONT_MODULES]
    if cache == "socache":
        lines += [f'LoadModule {m}_module "{mods}/mod_{m}.so"'
                  for m in ("cache_socache", "socache_shmcb")]
        lines += ["CacheSocache shmcb", "CacheSocacheMaxSize 1048576"]
    member = None
    for line in block.splitlines():
        words = line.split()
        if not words:
            lines.append(line)
            continue
        if words[0] == "BalancerMember":
            if member is None:
                member = line
                for port in ports:
                    m = re.sub(r'"http://[^"]+"', f'"http://127.0.0.1:{port}"', line)
                    m = re.sub(r"hcinterval=\d+", f"hcinterval={HCHECK_INTERVAL}", m)
                    lines.append(re.sub(r"retry=\d+", f"retry={RETRY}", m))
            continue
        if words[0] in ("CacheRoot", "CacheDirLevels", "CacheDirLength") and cache != "disk":
            continue
        if words[0] == "CacheRoot":
            lines.append(f'CacheRoot "{cache_root}"')
            continue
        if words[0] == "CacheEnable":
            if not cache:
                continue
            line = line.replace("CacheEnable disk", f"CacheEnable {cache}")
        if words[0] == "ProxyPass":
            line = re.sub(r"maxattempts=\d+", f"maxattempts={len(ports) - 1}", line)
        lines.append(line)
        if words[0] in ("CacheEnable", "ProxyPass", "ProxyPassReverse") and "/rootcauses" in line:
            lines.append(line.replace('"/rootcauses"', '"/big"').replace(
                " /rootcauses", " /big").replace("/rootcauses\"", "/big\""))
    lines += ['<Location "/balancer-manager">', "    SetHandler balancer-manager",
              "    Require all granted", "</Location>",
              '<Location "/server-status">', "    SetHandler server-status",
              "    Require all granted", "</Location>"]
    return "\n".join(lines) + "\n"


def generated(folder: Path, items: int) -> Path:
    subprocess.run([sys.executable, str(HERE.parent / "bench" / "gen_data.py"), str(items),
                    str(folder), "--queries", "10"], check=True, stdout=subprocess.DEVNULL)
    return folder


class Cluster:
    """backends httpds and the documented front (front); with both_fronts, a second one without
    the cache (uncached); with socache_front, one with mod_cache_socache (socache)."""

    def __init__(self, backends: int = 3, items: int = 10000, both_fronts: bool = False,
                 socache_front: bool = False,
                 max_age: int = MAX_AGE, access_log: bool = True, all_threads: bool = False):
        self.base = rcserver.make_workdir("rc-cluster-base-")
        self.backends, self.logs, self.sites = [], [], []
        self.front = self.uncached = self.socache = None
        # every thread started at once (the harness starts one process and adds more on demand)
        self.mpm = "StartServers 4\nMinSpareThreads 32\nMaxSpareThreads 64\n" if all_threads else ""
        backend_block, front_block = scaling_blocks()
        directives = backend_directives(backend_block, max_age=max_age)
        big = generated(self.base / "big-src", items)
        status = rcserver.status_conf()
        try:
            for n in range(backends):
                wd = rcserver.make_workdir("rc-cluster-")
                site = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
                shutil.copytree(big, wd / "big")
                rcserver.make_readable(wd / "big")
                # as copied at different times, without keeping them: other mtimes everywhere
                for path in (site, wd / "big" / "data.json"):
                    os.utime(path, (time.time() - 100 * n, time.time() - 100 * n))
                log = wd / "logs" / "access_log"
                mounts = [rcserver.Mount("/rootcauses", data=site, directives=directives),
                          rcserver.Mount("/big", data=wd / "big" / "data.json",
                                         directives=directives)]
                server_conf = self.mpm + (f'CustomLog "{log}" "%r %>s"\n' if access_log else "")
                self.backends.append(rcserver.start_httpd(
                    wd, mounts, server_conf=server_conf, extra_conf=status, timeout=120))
                self.logs.append(log)
                self.sites.append(site)
            ports = [b.port for b in self.backends]
            self.front = self._front(front_block, ports, cache="disk")
            if both_fronts:
                self.uncached = self._front(front_block, ports, cache="")
            if socache_front:
                self.socache = self._front(front_block, ports, cache="socache")
        except BaseException:
            self.stop()
            raise

    def _front(self, block, ports, cache):
        wd = rcserver.make_workdir("rc-front-")
        root = wd / "cache"
        root.mkdir()
        if os.geteuid() == 0:
            shutil.chown(root, "www-data", "www-data")
        return rcserver.start_httpd(wd, [], server_conf=self.mpm,
                                    extra_conf=front_conf(block, root, ports, cache))

    def stop(self):
        for s in [self.front, self.uncached, self.socache] + self.backends:
            if s is not None:
                s.stop()
                shutil.rmtree(s.workdir, ignore_errors=True)
        shutil.rmtree(self.base, ignore_errors=True)

    def backend_hits(self):
        return sum(len(log.read_text().splitlines()) if log.exists() else 0
                   for log in self.logs)
