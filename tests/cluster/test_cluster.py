"""Scale-out (docs/REFERENCE.md "HTTP headers"; docs/SCALING.md): three backend httpds with
mod_rootcauses, each with its own copy of the shipped site and of a generated 10k-item data set
(copied at different times: other mtimes and inodes), behind a front httpd with mod_proxy_balancer,
mod_proxy_hcheck (checking B/) and mod_cache with mod_cache_socache (shmcb).

Run by tests/run-all.sh's `cluster` step (make check-full) with the integration harness
(tests/integration/rcserver.py)."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

import rcserver  # noqa: E402

BACKENDS = 3
MAX_AGE = 2
RELOAD = 1
HCHECK_INTERVAL = 1
URLS = ["/rootcauses/", "/rootcauses/reports", "/rootcauses/section-353.json?country=GT",
        "/rootcauses/es/section-353.atom", "/rootcauses/reports.csv",
        "/rootcauses/section-353/2021-07-01-section-353-list", "/big/reports?country=HN&from=2010",
        "/big/section-353.json?q=corrupcion&per_page=5", "/rootcauses/sitemap.xml"]

BACKEND_CONF = """CustomLog "{log}" "%r %>s"
RootCausesMaxAge {max_age}
"""

FRONT_CONF = """
LoadModule proxy_module "{mods}/mod_proxy.so"
LoadModule proxy_http_module "{mods}/mod_proxy_http.so"
LoadModule proxy_balancer_module "{mods}/mod_proxy_balancer.so"
LoadModule proxy_hcheck_module "{mods}/mod_proxy_hcheck.so"
LoadModule lbmethod_byrequests_module "{mods}/mod_lbmethod_byrequests.so"
LoadModule slotmem_shm_module "{mods}/mod_slotmem_shm.so"
LoadModule cache_module "{mods}/mod_cache.so"
LoadModule cache_socache_module "{mods}/mod_cache_socache.so"
LoadModule socache_shmcb_module "{mods}/mod_socache_shmcb.so"
LoadModule status_module "{mods}/mod_status.so"
LoadModule headers_module "{mods}/mod_headers.so"

CacheSocache shmcb
CacheSocacheMaxSize 1048576
CacheEnable socache /rootcauses
CacheEnable socache /big
CacheHeader on
CacheDetailHeader on
CacheQuickHandler on

ProxyHCExpr ok200 {{%{{REQUEST_STATUS}} =~ /^[23]/}}
<Proxy "balancer://site">
{members}
    ProxySet lbmethod=byrequests {failover}
</Proxy>
ProxyPreserveHost On
ProxyPass "/rootcauses" "balancer://site/rootcauses" maxattempts={attempts}
ProxyPassReverse "/rootcauses" "balancer://site/rootcauses"
ProxyPass "/big" "balancer://site/big" maxattempts={attempts}
ProxyPassReverse "/big" "balancer://site/big"
<Location "/balancer-manager">
    SetHandler balancer-manager
    Require all granted
</Location>
<Location "/server-status">
    SetHandler server-status
    Require all granted
</Location>
"""

MEMBER = ("    BalancerMember \"http://127.0.0.1:{port}\" hcmethod=GET hcuri=/rootcauses/ "
          "hcexpr=ok200 hcinterval={hc} hcpasses=1 hcfails=1 retry=1")


def generated(folder: Path, items: int) -> Path:
    subprocess.run([sys.executable, str(HERE.parent / "bench" / "gen_data.py"), str(items),
                    str(folder), "--queries", "10"], check=True, stdout=subprocess.DEVNULL)
    return folder


class Cluster:
    def __init__(self, base: Path, failover: bool):
        self.base = base
        self.backends = []
        self.logs = []
        self.sites = []
        big = generated(base / "big-src", 10000)
        mods = rcserver.httpd_modules()
        status = (f'LoadModule status_module "{mods}/mod_status.so"\n'
                  '<Location "/server-status">\n    SetHandler server-status\n'
                  '    Require all granted\n</Location>')
        for n in range(BACKENDS):
            wd = rcserver.make_workdir("rc-cluster-")
            site = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
            shutil.copytree(big, wd / "big")
            rcserver.make_readable(wd / "big")
            # as copied at different times, without keeping them: other mtimes everywhere
            for path in (site, wd / "big" / "data.json"):
                os.utime(path, (time.time() - 100 * n, time.time() - 100 * n))
            log = wd / "logs" / "access_log"
            mounts = [rcserver.Mount("/rootcauses", data=site,
                                     directives=[f"RootCausesReloadInterval {RELOAD}"]),
                      rcserver.Mount("/big", data=wd / "big" / "data.json",
                                     directives=[f"RootCausesReloadInterval {RELOAD}"])]
            server = rcserver.start_httpd(
                wd, mounts, server_conf=BACKEND_CONF.format(log=log, max_age=MAX_AGE),
                extra_conf=status, timeout=60)
            self.backends.append(server)
            self.logs.append(log)
            self.sites.append(site)
        members = "\n".join(MEMBER.format(port=b.port, hc=HCHECK_INTERVAL)
                            for b in self.backends)
        fwd = rcserver.make_workdir("rc-front-")
        self.front = rcserver.start_httpd(
            fwd, [], extra_conf=FRONT_CONF.format(
                mods=mods, members=members, attempts=BACKENDS - 1 if failover else 0,
                failover="failonstatus=502,503" if failover else ""))

    def stop(self):
        for s in [self.front] + self.backends:
            s.stop()
            shutil.rmtree(s.workdir, ignore_errors=True)
        shutil.rmtree(self.base, ignore_errors=True)

    def backend_hits(self):
        return sum(len(log.read_text().splitlines()) if log.exists() else 0
                   for log in self.logs)


@pytest.fixture(scope="module")
def cluster():
    base = Path(rcserver.make_workdir("rc-cluster-base-"))
    c = Cluster(base, failover=True)
    try:
        yield c
    finally:
        c.stop()


def test_every_backend_gives_the_same_etag_for_the_same_url(cluster):
    for url in URLS:
        tags = {b.get(url).header("ETag") for b in cluster.backends}
        assert len(tags) == 1, (url, tags)
    mtimes = {os.stat(site).st_mtime for site in cluster.sites}
    inodes = {os.stat(site).st_ino for site in cluster.sites}
    assert len(mtimes) == BACKENDS and len(inodes) == BACKENDS


def test_the_fronts_cache_answers_a_repeated_listing_without_a_backend(cluster):
    url = "/big/reports?country=GT&from=2015"
    first = cluster.front.get(url)
    assert first.status == 200 and first.header("X-Cache").startswith("MISS")
    before = cluster.backend_hits()
    for _ in range(5):
        r = cluster.front.get(url)
        assert r.status == 200
        assert r.header("X-Cache").startswith("HIT"), r.header("X-Cache")
        assert r.body == first.body
    assert cluster.backend_hits() == before


def test_after_max_age_the_front_revalidates_with_a_304_from_a_backend(cluster):
    url = "/rootcauses/section-353?country=NI"
    first = cluster.front.get(url)
    assert first.status == 200
    time.sleep(MAX_AGE + 1)
    lines_before = [log.read_text().splitlines() for log in cluster.logs]
    again = cluster.front.get(url)
    assert again.status == 200
    assert again.body == first.body
    assert "REVALIDATE" in again.header("X-Cache"), again.header("X-Cache")
    new_lines = []
    for log, old in zip(cluster.logs, lines_before):
        new_lines += log.read_text().splitlines()[len(old):]
    assert any(re.fullmatch(r"GET /rootcauses/section-353\?country=NI HTTP/1\.1 304", line)
               for line in new_lines), new_lines


def test_balancer_manager_and_backends_agree(cluster):
    page = cluster.front.get("/balancer-manager").text
    for b in cluster.backends:
        assert f"http://127.0.0.1:{b.port}" in page
    assert page.count("Init Ok") == BACKENDS
    hashes = set()
    for b in cluster.backends:
        auto = b.get("/server-status?auto").text
        fig = dict(line.split(": ", 1) for line in auto.splitlines() if line.startswith("RootCauses"))
        assert fig["RootCausesDataFiles"] == "2"
        assert fig["RootCausesItems"] == str(5 + 10000)
        assert fig["RootCausesBuildFailures"] == "0"
        hashes.add((fig["RootCausesFile1Hash"], fig["RootCausesFile2Hash"]) if
                   fig["RootCausesFile1Path"].endswith("site/data.json") else
                   (fig["RootCausesFile2Hash"], fig["RootCausesFile1Hash"]))
    assert len(hashes) == 1, hashes


def test_a_new_data_file_is_served_by_the_front_within_max_age_and_the_interval(cluster):
    url = "/rootcauses/"
    old = cluster.front.get(url)
    assert "Overview" in old.text
    for site in cluster.sites:
        data = site.read_text(encoding="utf-8").replace(
            '"Root Causes of Migration"', '"Root Causes of Migration, Rolled Out"', 1)
        tmp = site.with_name(".tmp")
        tmp.write_text(data, encoding="utf-8")
        tmp.chmod(0o644)
        os.replace(tmp, site)
    t0 = time.monotonic()
    while "Rolled Out" not in cluster.front.get(url).text:
        assert time.monotonic() - t0 < MAX_AGE + RELOAD + 3, "not served in time"
        time.sleep(0.1)


def wrk(url, seconds):
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True,
                         text=True, timeout=seconds + 30).stdout
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return total, int(m.group(1)) if m else 0, errors.groups() if errors else None


def test_stopping_a_backend_under_load_gives_no_5xx(cluster):
    """maxattempts and failonstatus: a request that meets the stopped backend is tried on
    another one; the health check then takes it out."""
    url = f"http://127.0.0.1:{cluster.front.port}/big/section-353.json?country=SV&page=2"
    victim = cluster.backends[-1]
    proc = subprocess.Popen(["wrk", "-t2", "-c16", "-d6s", url], stdout=subprocess.PIPE,
                            text=True)
    time.sleep(2)
    victim.stop()
    out = proc.communicate(timeout=60)[0]
    total = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert total > 100, out
    assert not m, out
    # the health check has marked it
    deadline = time.monotonic() + 10
    while "Init HcFl" not in cluster.front.get("/balancer-manager").text and \
            "Err" not in cluster.front.get("/balancer-manager").text:
        assert time.monotonic() < deadline, cluster.front.get("/balancer-manager").text
        time.sleep(0.2)
    for _ in range(20):
        assert cluster.front.get("/rootcauses/reports").status == 200

