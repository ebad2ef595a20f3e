"""The harness itself (rcserver.py, conftest.py): what later suites rely on."""

import os
import time

import pytest

import rcserver


def children_of(pid):
    """(pid, real uid) of the processes whose parent is pid."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
        except OSError:
            continue
        if status.get("PPid") == str(pid):
            out.append((int(entry), int(status["Uid"].split()[0])))
    return out


def test_conf_loads_the_mpm_named_by_rc_mpm(shipped):
    mpm = os.environ.get("RC_MPM") or "event"
    assert shipped.config.mpm == mpm
    assert f"LoadModule mpm_{mpm}_module" in shipped.config.path.read_text()


@pytest.mark.skipif(os.geteuid() != 0, reason="httpd only switches to www-data when started as root")
def test_workers_run_as_www_data_and_read_the_work_dir(shipped):
    import pwd
    uid = pwd.getpwnam("www-data").pw_uid
    # The parent listens before it forks its children (slowly under ASan or valgrind): wait.
    deadline = time.monotonic() + 10
    while not (kids := children_of(shipped.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kids and all(u == uid for _, u in kids), kids
    assert shipped.get("/rootcauses/").status == 200
    mode = shipped.workdir.stat().st_mode
    assert mode & 0o005 == 0o005


def test_stop_ends_httpd_and_its_children(start_server):
    server = start_server([rcserver.shipped_mount()])
    pid = server.pid
    assert server.get("/rootcauses/").status == 200
    assert children_of(pid)
    server.stop()
    assert not server.running()
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)


def test_stop_twice_is_harmless(start_server):
    server = start_server([rcserver.shipped_mount()])
    server.stop()
    server.stop()
    assert not server.running()


def test_start_failure_reports_the_error_log_and_output(start_server, workdir):
    rcserver.write_file(workdir / "site" / "data.json", "{")
    with pytest.raises(rcserver.HttpdError) as e:
        start_server([rcserver.Mount("/x", data=workdir / "site" / "data.json")],
                     workdir=workdir, check=False)
    assert "JSON syntax error" in str(e.value)


def test_raw_paths_are_sent_as_they_are(shipped, expect_log):
    expect_log(r"AH10244: invalid URI path \(/rootcauses/%zz\)")
    assert shipped.get("/rootcauses/%zz").status == 400


def test_response_keeps_repeated_headers(shipped):
    r = shipped.get("/rootcauses/")
    assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert r.header("x-content-type-options") == "nosniff"


def test_graceful_restart_keeps_serving(start_server):
    server = start_server([rcserver.shipped_mount()])
    server.graceful()
    assert server.get("/rootcauses/pillar-1").status == 200


def test_log_check_flags_unexpected_warn_and_error_lines():
    lines = [
        "[Sun Nov 29 05:17:06.954170 2026] [mpm_event:notice] [pid 1:tid 1] AH00489: resuming normal operations",
        "[Sun Nov 29 05:17:07.000000 2026] [rootcauses:error] [pid 2:tid 3] RootCausesData: broken",
        "[Sun Nov 29 05:17:07.000000 2026] [core:warn] [pid 2:tid 3] AH00000: something",
        "[Sun Nov 29 05:17:08.000000 2026] [core:notice] [pid 1:tid 1] AH00052: child pid 2 exit signal Segmentation fault (11)",
    ]
    wrong = rcserver.check_log_lines(lines, [])
    assert len(wrong) == 3
    assert rcserver.check_log_lines(lines, [(r"broken|something|AH00052", None)]) == []
    assert rcserver.check_log_lines(lines, [(r"RootCausesData", 2)])[-1] == \
        "expected error log line 'RootCausesData': wanted 2 line(s), found 1"
    assert rcserver.check_log_lines(lines[:1], [(r"RootCausesData", None)]) == [
        "expected error log line 'RootCausesData': wanted at least one line, found 0"]
