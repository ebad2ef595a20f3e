"""One built version per machine (docs/REFERENCE.md "Reloading and versions"): a data version is
built once, by one process, into an image in the cache folder (DefaultRuntimeDir/rootcauses/) that
every process maps; after a change every process serves the new version; a builder killed half way
leaves the old version served and a later build succeeds; a damaged, truncated or foreign image is
never served but built again; a read-only data folder is fine; a source that a new configuration
drops is no longer checked.

Every test here runs under the MPM of RC_MPM (tests/run-all.sh runs the suite under all three).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rcserver

B = "/rootcauses"
KEPT = "still serving the last good version"
SWITCH_TIMEOUT = 20.0
BENCH_GEN = Path(__file__).resolve().parents[1] / "bench" / "gen_data.py"


# ---------------------------------------------------------------- helpers

def generated_site(folder: Path, items: int) -> Path:
    """A generated data set of `items` items (tests/bench/gen_data.py) in folder."""
    subprocess.run([sys.executable, str(BENCH_GEN), str(items), str(folder), "--queries", "10"],
                   check=True, stdout=subprocess.DEVNULL)
    rcserver.make_readable(folder)
    return folder / "data.json"


def retitle(path: Path, title: str) -> None:
    """Puts title before the site title (the first "Root Causes of Migration" of the shipped and
    of the generated data), by rename (a new inode, as editors do)."""
    data = path.read_bytes()
    new = data.replace(b"Root Causes of Migration", title.encode() + b": Root Causes of Migration",
                       1)
    assert new != data
    tmp = path.with_name(".data.json.tmp")
    tmp.write_bytes(new)
    tmp.chmod(0o644)
    os.replace(tmp, path)


def etag(server, path=B + "/reports.json?per_page=1"):
    """The ETag of a listing; a connection that a killed process drops is tried again."""
    for attempt in range(5):
        try:
            r = server.get(path)
            break
        except OSError:
            if attempt == 4:
                raise
            time.sleep(0.1)
    assert r.status == 200, r.dump()
    return r.header("ETag")


def etags(server, n=40):
    """The ETags that n requests on new connections get: every process answers some."""
    return {etag(server) for _ in range(n)}


def wait_change(server, old, timeout=SWITCH_TIMEOUT):
    """Waits until some process answers with another ETag than old; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        tag = etag(server)
        if tag != old:
            return tag
        assert time.monotonic() < deadline, f"the change was never served (ETag {old})"
        time.sleep(0.05)


def wait_all(server, want, timeout=SWITCH_TIMEOUT):
    """Waits until every answer carries ETag want; returns the seconds it took."""
    t0 = time.monotonic()
    while True:
        seen = etags(server)
        if seen == {want}:
            return time.monotonic() - t0
        assert time.monotonic() - t0 < timeout, f"still {seen} after {timeout}s, want {want}"
        time.sleep(0.05)


def cache_dir(server) -> Path:
    return server.workdir / "run" / "rootcauses"


def image(server) -> Path:
    imgs = sorted(cache_dir(server).glob("*.img"))
    assert len(imgs) == 1, imgs
    return imgs[0]


def children(server):
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


MANY = {"prefork": "StartServers 5\nMinSpareServers 5\nMaxSpareServers 8\nServerLimit 8\n"
                   "MaxRequestWorkers 8",
        "worker": "StartServers 4\nServerLimit 4\nThreadsPerChild 4\nMinSpareThreads 4\n"
                  "MaxSpareThreads 16\nMaxRequestWorkers 16",
        "event": "StartServers 4\nServerLimit 4\nThreadsPerChild 4\nMinSpareThreads 4\n"
                 "MaxSpareThreads 16\nMaxRequestWorkers 16"}


def start_many(start_server, data, directives=("RootCausesReloadInterval 1",), mpm=None,
               extra_conf=""):
    mpm = mpm or rcserver.default_mpm()
    return start_server([rcserver.Mount(B, data=data, directives=list(directives))],
                        server_conf=MANY[mpm], mpm=mpm, extra_conf=extra_conf)


def status_auto(server):
    """The RootCauses...: lines of server-status?auto, as a dict."""
    r = server.get("/server-status?auto")
    assert r.status == 200, r.dump()
    return dict(line.split(": ", 1) for line in r.text.splitlines()
                if line.startswith("RootCauses") and ": " in line)


# ---------------------------------------------------------------- every process switches

def test_every_process_serves_a_changed_file_built_once(start_server):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_many(start_server, data, extra_conf=rcserver.status_conf())
    before = etags(server)
    assert len(before) == 1
    assert len(children(server)) >= 4
    auto = status_auto(server)
    assert (auto["RootCausesBuilds"], auto["RootCausesBuildFailures"]) == ("1", "0")
    builds = image(server).stat().st_ino
    retitle(server.data_file(), "Root Causes of Migration, second edition")
    new = wait_change(server, next(iter(before)))
    wait_all(server, new)
    assert "second edition" in server.get(B + "/").text
    # one image, replaced once: built by one process, not by each
    assert image(server).stat().st_ino != builds
    assert not list(cache_dir(server).glob("*.tmp-*"))
    # built once for the whole server: the startup build and this one, none failed
    time.sleep(1.5)   # every process has checked since
    auto = status_auto(server)
    assert (auto["RootCausesBuilds"], auto["RootCausesBuildFailures"]) == ("2", "0")


KILLED = r"AH1039[23]: children are killed successively|AH00052: child pid \d+ exit signal"


@pytest.mark.expect_log(KILLED, count=rcserver.ANY)
def test_a_process_started_after_a_change_serves_the_new_version(start_server):
    """httpd's parent keeps the version it started with; a child forked later maps the one
    built since, before its first request."""
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_many(start_server, data)
    old = etag(server)
    retitle(server.data_file(), "Edited")
    new = wait_change(server, old)
    wait_all(server, new)
    # new children: kill the current ones; the parent forks others from its old version
    for pid in children(server):
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    deadline = time.monotonic() + 10
    while True:
        try:
            seen = etags(server, 20)
            break
        except (OSError, AssertionError):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert seen == {new}


def test_the_image_is_shared_not_copied(start_server):
    """Every child maps the same image file: its pages count once however many children."""
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_many(start_server, data)
    etags(server)
    img = str(image(server))
    for pid in children(server):
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert img in maps, f"child {pid} does not map {img}"


# ---------------------------------------------------------------- builds that go wrong

@pytest.mark.expect_log(KILLED, count=rcserver.ANY)
def test_killed_builder_leaves_the_old_version_and_a_later_build_succeeds(start_server, workdir):
    data = generated_site(workdir / "big", 150000)
    wd = start_server.workdir()
    site = wd / "site"
    shutil.copytree(data.parent, site)
    rcserver.make_readable(site)
    server = start_many(start_server, site / "data.json")
    old = etag(server)
    retitle(server.data_file(), "Killed half way")
    # the builder writes <name>.img.tmp-<pid>: kill -9 that process
    deadline = time.monotonic() + 10
    victim = None
    while victim is None:
        for tmp in cache_dir(server).glob("*.img.tmp-*"):
            victim = int(tmp.name.rsplit("-", 1)[1])
        assert time.monotonic() < deadline, "no build started"
        time.sleep(0.002)
    os.kill(victim, signal.SIGKILL)
    # the others go on serving the old version meanwhile
    assert old in etags(server, 10)
    # and another process builds it
    new = wait_change(server, old, timeout=60)
    wait_all(server, new, timeout=60)
    assert "Killed half way" in server.get(B + "/").text


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "another build", "empty"])
def test_a_damaged_image_is_built_again_never_served(start_server, damage):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd)
    good = server.get(B + "/reports.json").text
    img = image(server)
    server.stop()
    # the second server writes a log of its own (the first's is checked as stop() kept it)
    server.error_log.rename(server.error_log.with_name("error_log.first"))
    raw = bytearray(img.read_bytes())
    if damage == "flipped byte":
        raw[len(raw) // 2] ^= 0x40
    elif damage == "truncated":
        raw = raw[: len(raw) - 100]
    elif damage == "another build":
        at = raw.index(b"\0", 16)  # the build id starts at byte 16
        raw[16:at] = b"0" * (at - 16)
    else:
        raw = bytearray()
    img.write_bytes(bytes(raw))
    server2 = start_server([rcserver.Mount(B, data=data)], workdir=wd,
                           extra_conf=rcserver.status_conf())
    assert server2.get(B + "/reports.json").text == good
    assert server2.get("/server-status?auto").text.count("RootCausesBuilds: 1\n") == 1
    assert image(server2) == img
    rebuilt = img.read_bytes()
    assert rebuilt != bytes(raw)
    assert rebuilt[:8] == b"RCIMAGE\n"


def test_a_cold_start_with_a_broken_file_fails_even_with_a_good_image(start_server):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_server([rcserver.Mount(B, data=data)])
    server.stop()
    data.write_text("{ broken", encoding="utf-8")
    cfg = rcserver.write_httpd_conf(wd, [rcserver.Mount(B, data=data)])
    code, out = rcserver.httpd_t(cfg.path)
    assert code != 0
    assert re.search(r"RootCausesData: .*data\.json:1:\d+: JSON syntax error", out), out


def test_a_broken_change_is_logged_once_per_process_and_built_once(start_server, expect_log):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_many(start_server, data)
    old = etag(server)
    since = server.log_size()
    data = server.data_file()
    text = data.read_text(encoding="utf-8").replace('"date": "2022-07"', '"date": "2022-13"', 1)
    tmp = data.with_name(".tmp.json")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, data)
    server.wait_log(r"2022-13.*" + KEPT, since=since, timeout=SWITCH_TIMEOUT)
    time.sleep(3)  # every process has checked by now (interval 1 s)
    lines = [line for line in server.log_text(since).splitlines() if KEPT in line]
    pids = [re.search(r"\[pid (\d+)", line).group(1) for line in lines]
    assert len(pids) == len(set(pids)), "a process logged the same broken version twice"
    assert etags(server) == {old}
    # the failure is recorded once for everyone: one .err file
    assert len(list(cache_dir(server).glob("*.err"))) == 1
    expect_log(r"2022-13.*" + KEPT)


# ---------------------------------------------------------------- folders

def test_a_read_only_data_folder_works(start_server):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    for dirpath, dirnames, filenames in os.walk(data.parent):
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o444)
        os.chmod(dirpath, 0o555)
    try:
        server = start_server([rcserver.Mount(B, data=data)])
        r = server.get(B + "/reports")
        assert r.status == 200
        assert not list(data.parent.glob("*.img"))  # nothing is written beside the data
        assert image(server).exists()
    finally:
        for dirpath, dirnames, filenames in os.walk(data.parent):
            os.chmod(dirpath, 0o755)


def test_httpd_t_writes_nothing(start_server):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    cfg = rcserver.write_httpd_conf(wd, [rcserver.Mount(B, data=data)])
    code, out = rcserver.httpd_t(cfg.path)
    assert code == 0, out
    assert not (wd / "run" / "rootcauses").exists() or not any((wd / "run" / "rootcauses").iterdir())


def test_a_source_dropped_by_a_graceful_restart_is_no_longer_checked(start_server):
    wd = start_server.workdir()
    a = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "a")
    b = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "b")
    mounts = [rcserver.Mount("/a", data=a, directives=["RootCausesReloadInterval 1"]),
              rcserver.Mount("/b", data=b, directives=["RootCausesReloadInterval 1"])]
    server = start_server(mounts, workdir=wd)
    assert server.get("/b/").status == 200
    old = set(children(server))
    rcserver.write_httpd_conf(wd, mounts[:1], port=server.port)
    server.graceful()
    # the old generation's processes serve what they were serving until they exit: wait
    deadline = time.monotonic() + 10
    while old & set(children(server)):
        assert time.monotonic() < deadline, "the old generation did not exit"
        time.sleep(0.05)
    since = server.log_size()
    b.write_text("{ broken", encoding="utf-8")
    time.sleep(3)
    assert KEPT not in server.log_text(since), "a dropped source was checked"
    assert server.get("/a/").status == 200
    # a change of a is served: its sources have certainly been checked since b broke
    retitle(a, "Checked Since")
    deadline = time.monotonic() + SWITCH_TIMEOUT
    while b"Checked Since" not in server.get("/a/").body:
        assert time.monotonic() < deadline, "the change of a was never served"
        time.sleep(0.05)
    time.sleep(1.5)   # every process has checked since
    log = server.log_text(since)
    assert KEPT not in log, "a dropped source was checked"
    assert not [line for line in log.splitlines() if str(b) in line], \
        "a line names the dropped source"


# ---------------------------------------------------------------- files that cannot be read

def replace_with(path: Path, text: str, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(mode)
    os.replace(tmp, path)


@pytest.mark.skipif(os.geteuid() != 0, reason="httpd's processes read as www-data only when "
                                              "started as root")
def test_an_unreadable_data_file_is_built_once_and_served_once_readable(start_server,
                                                                         expect_log):
    """A data file put in place with mode 600 (an admin's umask 077): one failed build for the
    whole server, recorded so that no process builds it again at every check; a chmod that
    makes it readable is a change, and the new version is served."""
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_many(start_server, data, extra_conf=rcserver.status_conf())
    old = etag(server)
    data = server.data_file()
    since = server.log_size()
    text = data.read_text(encoding="utf-8").replace("Root Causes of Migration",
                                                    "Readable Again: Root Causes of Migration", 1)
    replace_with(data, text, 0o600)
    server.wait_log(r"cannot read the data file: Permission denied.*" + KEPT, since=since,
                    timeout=SWITCH_TIMEOUT)
    expect_log(r"cannot read the data file: Permission denied.*" + KEPT, count=rcserver.ANY)
    time.sleep(3)   # every process has checked a few times (interval 1 s)
    auto = status_auto(server)
    assert (auto["RootCausesBuilds"], auto["RootCausesBuildFailures"]) == ("1", "1"), auto
    assert etags(server) == {old}
    data.chmod(0o644)
    wait_all(server, wait_change(server, old))
    assert "Readable Again" in server.get(B + "/").text
    auto = status_auto(server)
    assert (auto["RootCausesBuilds"], auto["RootCausesBuildFailures"]) == ("2", "1"), auto


def test_a_page_file_linked_out_of_the_folder_then_replaced_is_served(start_server, expect_log):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_many(start_server, data)
    old = etag(server)
    page = server.data_file().parent / "pages" / "pillar-1.html"
    outside = wd / "outside.html"
    outside.write_text("<p>Outside.</p>\n", encoding="utf-8")
    outside.chmod(0o644)
    since = server.log_size()
    link = page.with_name(".link.tmp")
    link.symlink_to(outside)
    os.replace(link, page)
    server.wait_log(r"a link out of it is not followed.*" + KEPT, since=since,
                    timeout=SWITCH_TIMEOUT)
    expect_log(r"a link out of it is not followed.*" + KEPT, count=rcserver.ANY)
    assert etags(server) == {old}
    replace_with(page, "<p>Pillar one, mended.</p>\n", 0o644)
    wait_all(server, wait_change(server, old))
    assert "Pillar one, mended." in server.get(B + "/pillar-1").text


# ---------------------------------------------------------------- the cache folder under way

@pytest.mark.expect_log(r"the cache folder .*: cannot open .*\.lock: No such file or directory; "
                        r"this process builds its own copy of .* in memory", count=rcserver.ANY)
def test_a_deleted_cache_folder_leaves_changes_served(start_server):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_many(start_server, data)
    old = etag(server)
    shutil.rmtree(cache_dir(server))
    retitle(server.data_file(), "Without A Cache Folder")
    wait_all(server, wait_change(server, old))
    assert "Without A Cache Folder" in server.get(B + "/").text
    server.wait_log(r"the cache folder .*: cannot open .*; this process builds its own copy")


@pytest.mark.expect_log(KILLED, count=rcserver.ANY)
@pytest.mark.expect_log(r"RootCausesData: no valid data loaded", count=rcserver.ANY)
def test_an_image_cut_short_in_place_is_built_again(start_server):
    """The image under every process's mapping truncated in place (not replaced): a process that
    reads past its new end dies (SIGBUS), but none that starts reads it, so the server does not
    go on killing its children: the image is built again and served (a process that dropped it
    answers 503 until then)."""
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_many(start_server, data)
    old = etag(server)
    img = image(server)
    size = img.stat().st_size
    os.truncate(img, 100)
    deadline = time.monotonic() + SWITCH_TIMEOUT
    statuses = set()
    while True:
        answers = []
        for _ in range(20):
            try:
                r = server.get(B + "/reports.json?per_page=1")
                answers.append((r.status, r.header("ETag")))
            except OSError:   # a process killed by SIGBUS drops its connection
                answers.append((None, None))
        statuses |= {status for status, _ in answers}
        if set(answers) == {(200, old)}:
            break
        assert time.monotonic() < deadline, "the site never came back"
        time.sleep(0.2)
    # meanwhile nothing but the old answer, a 503 (no version yet) or a dropped connection
    assert statuses <= {200, 503, None}, statuses
    assert image(server).stat().st_size == size
    time.sleep(2)
    assert etags(server) == {old}
