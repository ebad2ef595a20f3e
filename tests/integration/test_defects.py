"""Regression tests, through a real httpd, of defects found by reading the code (the house-rules
issue): a CSV export stops when its client leaves; Last-Modified counts the layout's time; the
loader thread blocks every signal; what the module logs cannot forge a log line; a query of
thousands of bad countries costs one list of choices."""

import os
import re
import socket
import subprocess
import sys
import time
from email.utils import format_datetime, parsedate_to_datetime
from datetime import datetime, timezone
from pathlib import Path

import pytest

import rcserver

B = "/rootcauses"
BENCH_GEN = Path(__file__).resolve().parents[1] / "bench" / "gen_data.py"


def children(server):
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def test_a_csv_export_stops_when_its_client_leaves(start_server, workdir):
    site = workdir / "big"
    subprocess.run([sys.executable, str(BENCH_GEN), "60000", str(site), "--queries", "10"],
                   check=True, stdout=subprocess.DEVNULL)
    server = start_server([rcserver.Mount(B, data=site / "data.json")],
                          server_conf="LogLevel warn rootcauses:debug")
    since = server.log_size()
    with socket.create_connection((rcserver.HOST, server.port)) as s:
        s.sendall(f"GET {B}/reports.csv HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        got = s.recv(65536)
        assert got.startswith(b"HTTP/1.1 200")
        # leave without reading: the server's writes fail once the socket buffers are full
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    server.wait_log(r"CSV export stopped: the client left", since=since, timeout=20)
    # and the server goes on serving
    assert server.get(B + "/reports.csv?country=GT&from=2025-12").status == 200


def test_last_modified_counts_the_layout(start_server, workdir):
    layout = rcserver.write_file(workdir / "layout" / "layout.html",
                                 (rcserver.shipped_htdocs() / "layout.html").read_text())
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    old = time.time() - 86400 * 30
    for dirpath, _, files in os.walk(data.parent):
        for f in files:
            os.utime(os.path.join(dirpath, f), (old, old))
    newer = time.time() - 3600
    os.utime(layout, (newer, newer))
    server = start_server([rcserver.Mount(B, data=data, layout=layout)], workdir=wd)
    want = format_datetime(datetime.fromtimestamp(int(newer), timezone.utc), usegmt=True)
    for path in [B + "/", B + "/reports", B + "/reports/2022-07-progress-report"]:
        r = server.get(path)
        assert r.status == 200
        assert r.header("Last-Modified") == want, path
    # JSON is not made with the layout: the data file's time
    r = server.get(B + "/reports.json")
    assert parsedate_to_datetime(r.header("Last-Modified")).timestamp() == int(old)


def sigblk(pid, tid):
    status = Path(f"/proc/{pid}/task/{tid}/status").read_text()
    return int(re.search(r"^SigBlk:\s*([0-9a-f]+)", status, re.M).group(1), 16)


def test_the_loader_thread_blocks_every_signal(start_server):
    server = start_server([rcserver.shipped_mount(B)])
    server.get(B + "/")
    found = 0
    for pid in children(server):
        for task in Path(f"/proc/{pid}/task").iterdir():
            if (task / "comm").read_text().strip() == "rc-loader":
                found += 1
                mask = sigblk(pid, task.name)
                for sig in (1, 2, 10, 12, 13, 15, 28):  # HUP INT USR1 USR2 PIPE TERM WINCH
                    assert mask >> (sig - 1) & 1, f"signal {sig} not blocked: {mask:x}"
    assert found == len(children(server)) and found > 0


def test_a_request_uri_is_logged_escaped(start_server, expect_log):
    server = start_server([rcserver.Mount("/nodata")])
    r = server.get("/nodata/x%0A%5Bcrit%5D%20forged")
    assert r.status == 500
    log = server.log_text()
    assert "\n[crit] forged" not in log
    # the module writes \n for the newline, and httpd's error log doubles the backslash
    assert re.search(r"without RootCausesData for /nodata/x\\+n\[crit\] forged", log)
    expect_log(r"without RootCausesData")


def test_thousands_of_bad_countries_cost_one_list_of_choices(shipped):
    bad = ",".join(["x"] * 2500)  # within httpd's LimitRequestLine
    t0 = time.monotonic()
    r = shipped.get(B + f"/reports.json?country={bad}")
    took = time.monotonic() - t0
    assert r.status == 400
    err = r.json()["error"]
    assert err["parameter"] == "country"
    assert err["message"] == ('country: "x" is not a country of this site; valid: '
                              "GT (Guatemala), HN (Honduras), SV (El Salvador), NI (Nicaragua)")
    assert took < 2, took
