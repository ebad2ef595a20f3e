"""Scale-out (docs/SCALING.md): three backend httpds with mod_rootcauses behind a front httpd with
mod_proxy_balancer, mod_proxy_hcheck (checking B/) and mod_cache_disk, configured from the two
blocks of docs/SCALING.md (cluster.py).

Run by tests/run-all.sh's `cluster` step (make check-full) with the integration harness
(tests/integration/rcserver.py)."""

import os
import re
import subprocess
import time

import pytest

from cluster import BACKENDS_DEFAULT as BACKENDS, MAX_AGE, RELOAD, Cluster, backend_directives, \
    front_conf, scaling_blocks

URLS = ["/rootcauses/", "/rootcauses/reports", "/rootcauses/section-353.json?country=GT",
        "/rootcauses/es/section-353.atom", "/rootcauses/reports.csv",
        "/rootcauses/section-353/2021-07-01-section-353-list", "/big/reports?country=HN&from=2010",
        "/big/section-353.json?q=corrupcion&per_page=5", "/rootcauses/sitemap.xml"]


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(BACKENDS, socache_front=True)
    try:
        yield c
    finally:
        c.stop()


def test_the_documented_blocks_are_what_runs(tmp_path):
    backend, front = scaling_blocks()
    assert backend_directives(backend) == [f"RootCausesReloadInterval {RELOAD}",
                                           f"RootCausesMaxAge {MAX_AGE}"]
    conf = front_conf(front, tmp_path, [8001, 8002, 8003])
    members = [line.split()[1] for line in conf.splitlines()
               if line.strip().startswith("BalancerMember")]
    assert members == ['"http://127.0.0.1:8001"', '"http://127.0.0.1:8002"',
                       '"http://127.0.0.1:8003"']
    for line in ["CacheEnable disk /rootcauses", "CacheEnable disk /big", "CacheLock on",
                 "ProxyPreserveHost On",
                 'ProxyPass "/big" "balancer://rootcauses/big" maxattempts=2',
                 'ProxyPassReverse "/rootcauses" "balancer://rootcauses/rootcauses"',
                 "    ProxySet lbmethod=byrequests failonstatus=502,503",
                 f'CacheRoot "{tmp_path}"']:
        assert line in conf.splitlines(), line
    assert "CacheEnable" not in front_conf(front, tmp_path, [8001], cache="")
    socache = front_conf(front, tmp_path, [8001], cache="socache").splitlines()
    assert "CacheEnable socache /rootcauses" in socache and "CacheSocache shmcb" in socache
    assert not any(line.startswith("CacheRoot") for line in socache)


FRONTS = ["disk", "socache"]


def front_of(cluster, provider):
    return cluster.front if provider == "disk" else cluster.socache


def test_every_backend_gives_the_same_etag_for_the_same_url(cluster):
    for url in URLS:
        tags = {b.get(url).header("ETag") for b in cluster.backends}
        assert len(tags) == 1, (url, tags)
    mtimes = {os.stat(site).st_mtime for site in cluster.sites}
    inodes = {os.stat(site).st_ino for site in cluster.sites}
    assert len(mtimes) == BACKENDS and len(inodes) == BACKENDS


@pytest.mark.parametrize("provider", FRONTS)
def test_the_fronts_cache_answers_a_repeated_listing_without_a_backend(cluster, provider):
    front = front_of(cluster, provider)
    url = "/big/reports?country=GT&from=2015"
    first = front.get(url)
    assert first.status == 200 and first.header("X-Cache").startswith("MISS")
    before = cluster.backend_hits()
    for _ in range(5):
        r = front.get(url)
        assert r.status == 200
        assert r.header("X-Cache").startswith("HIT"), r.header("X-Cache")
        assert r.body == first.body
    assert cluster.backend_hits() == before


def test_many_clients_at_once_on_a_url_with_no_copy_reach_a_backend_a_few_times(cluster):
    """CacheLock: without it, every request that meets no fresh copy stores one, the copies
    overwrite each other ("Cached URL info header ... didn't match body") and under steady load
    the front keeps missing: each request went to a backend. With it, one request fetches and
    stores, the others are sent on without storing or get the stale copy while it revalidates."""
    url = "/big/section-353?country=GT&from=2012&per_page=7"
    before = cluster.backend_hits()
    out = subprocess.run(["wrk", "-t2", "-c16", "-d3s",
                          f"http://127.0.0.1:{cluster.front.port}{url}"],
                         capture_output=True, text=True, timeout=60).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    backend = cluster.backend_hits() - before  # health checks included
    assert "Non-2xx" not in out, out
    assert total > 1000, out
    assert backend < total / 20, (backend, total)


@pytest.mark.parametrize("provider,country", [("disk", "NI"), ("socache", "HN")])
def test_after_max_age_the_front_revalidates_with_a_304_from_a_backend(cluster, provider,
                                                                       country):
    """(After the revalidation, httpd's mod_cache_socache keeps its copy without the body, which
    is why docs/SCALING.md uses mod_cache_disk; tests/integration/test_mod_cache.py shows it.)"""
    front = front_of(cluster, provider)
    url = f"/rootcauses/section-353?country={country}"
    first = front.get(url)
    assert first.status == 200
    time.sleep(MAX_AGE + 1)
    lines_before = [log.read_text().splitlines() for log in cluster.logs]
    again = front.get(url)
    assert again.status == 200
    assert again.body == first.body
    assert "REVALIDATE" in again.header("X-Cache"), again.header("X-Cache")
    new_lines = []
    for log, old in zip(cluster.logs, lines_before):
        new_lines += log.read_text().splitlines()[len(old):]
    assert any(line == f"GET {url} HTTP/1.1 304" for line in new_lines), new_lines


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


def status_figures(server):
    auto = server.get("/server-status?auto").text
    return dict(line.split(": ", 1) for line in auto.splitlines() if line.startswith("RootCauses"))


def replace(path, text):
    tmp = path.with_name(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, path)


def test_a_backend_with_a_broken_file_keeps_its_last_good_version(cluster):
    backend, site = cluster.backends[0], cluster.sites[0]
    n = next(k for k in "12" if status_figures(backend)[f"RootCausesFile{k}Path"] == str(site))
    good = site.read_text(encoding="utf-8")
    url = "/rootcauses/section-353.json?country=GT"
    before = backend.get(url)
    replace(site, good.replace('"countries"', '"countries" :: [', 1))
    deadline = time.monotonic() + 10
    while not status_figures(backend)[f"RootCausesFile{n}LastError"]:
        assert time.monotonic() < deadline, "the broken file was not seen"
        time.sleep(0.1)
    error = status_figures(backend)[f"RootCausesFile{n}LastError"]
    assert error.startswith(f"{site}:") and "JSON syntax error" in error, error
    r = backend.get(url)
    assert r.status == 200 and r.header("ETag") == before.header("ETag") and r.body == before.body
    for _ in range(12):  # every backend in turn, through the front
        r = cluster.front.get(url, headers={"Cache-Control": "no-cache"})
        assert r.status == 200 and r.header("ETag") == before.header("ETag")
    replace(site, good)
    while status_figures(backend)[f"RootCausesFile{n}LastError"]:
        assert time.monotonic() < deadline + 10, "the repaired file was not built"
        time.sleep(0.1)
    assert backend.get(url).header("ETag") == before.header("ETag")


def test_a_new_data_file_is_served_by_the_front_within_max_age_and_the_interval(cluster):
    url = "/rootcauses/"
    old = cluster.front.get(url)
    assert "Overview" in old.text
    for site in cluster.sites:
        replace(site, site.read_text(encoding="utf-8").replace(
            '"Root Causes of Migration"', '"Root Causes of Migration, Rolled Out"', 1))
    t0 = time.monotonic()
    while "Rolled Out" not in cluster.front.get(url).text:
        assert time.monotonic() - t0 < MAX_AGE + RELOAD + 3, "not served in time"
        time.sleep(0.1)


def test_stopping_a_backend_under_load_gives_no_5xx(cluster):
    """maxattempts and failonstatus: a request that meets the stopped backend is tried on
    another one; the health check then takes it out."""
    url = f"http://127.0.0.1:{cluster.front.port}/big/section-353.json?country=SV&page=2"
    victim = cluster.backends[-1]
    # no-cache: the front asks a backend every time instead of answering from its copy
    proc = subprocess.Popen(["wrk", "-t2", "-c16", "-d6s", "-H", "Cache-Control: no-cache", url],
                            stdout=subprocess.PIPE, text=True)
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

