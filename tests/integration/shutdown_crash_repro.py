#!/usr/bin/env python3
"""Reproduces, without mod_rootcauses, the event MPM child that dies of SIGSEGV after SIGTERM
(the crash that rcserver.py's _SHUTDOWN_NOISE_RE drops from what the harness checks).

    /usr/bin/python3 tests/integration/shutdown_crash_repro.py [RUNS] [--static]

Each run starts httpd with the configuration rcserver.py writes for the integration tests (event
MPM, StartServers 1, ThreadsPerChild 16, mod_authz_core, mod_alias, mod_mime, User www-data
when root) plus SendBufferSize 8192, as test_reload.py's
test_request_in_flight_finishes_on_its_version has, but no mod_rootcauses: the 3000-row CSV is a
static file that mod_deflate streams through a worker thread, as the module's handler streams its
CSV (--static: the plain static file, whose writing the MPM hands to its listener thread). The
traffic is that test's: a client with a 4 KiB receive buffer reads the CSV slowly while others
request a small file about 40 times, then one more full GET, then SIGTERM to the parent. A run
counts as a crash when the error log has "AH00052: child pid N exit signal Segmentation fault".

Measured on the 2-core test machine (Debian 12, Apache/2.4 event MPM): with mod_deflate 12
crashes in 100 runs (19 in 150 with an earlier version of this script); --static 0 in 60 (and 0
in 120 with that earlier version); the test itself, with mod_rootcauses, 10 in 40. A core
dump (httpd run as an unprivileged user, CoreDumpDirectory set) shows the child's main thread in
apr_os_sock_get called from mod_mpm_event.so while a worker thread is in apr_allocator_destroy
(a connection's pool going away during the ungraceful stop), no frame of mod_rootcauses, and
the module's loader thread idle. Environment: as for the integration tests (RC_HTTPD,
RC_HTTPD_MODULES).
"""

import random
import shutil
import socket
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rcserver  # noqa: E402


def one_run(deflate: bool):
    wd = rcserver.make_workdir("rc-segv-repro-")
    www = wd / "www" / "rootcauses"
    www.mkdir(parents=True)
    rnd = random.Random(1)
    rows = ["id,date,title,countries,kind,url"] + [
        f"item-{i:05d},2021-03,Bulk item {i} VERSION-ONE,GT,note,/rootcauses/bulk/item-{i:05d},"
        + "".join(rnd.choice(string.ascii_letters) for _ in range(60)) for i in range(3000)]
    (www / "bulk.csv").write_text("\r\n".join(rows) + "\r\n")
    (www / "bulk.json").write_text('{"items":[{"title":"VERSION-ONE"}]}')
    cfg = rcserver.write_httpd_conf(wd, [], server_conf="SendBufferSize 8192")
    text = cfg.path.read_text().replace("LoadModule rootcauses_module", "# LoadModule rootcauses_module")
    mods = rcserver.httpd_modules()
    text += f'<Directory "{wd / "www"}">\n    Require all granted\n</Directory>\n'
    if deflate:
        text += (f'LoadModule filter_module "{mods / "mod_filter.so"}"\n'
                 f'LoadModule deflate_module "{mods / "mod_deflate.so"}"\n'
                 f'LoadModule env_module "{mods / "mod_env.so"}"\n'
                 'DeflateCompressionLevel 1\n'
                 '<Location "/rootcauses">\n    SetOutputFilter DEFLATE\n'
                 '    SetEnv force-gzip 1\n</Location>\n')
    cfg.path.write_text(text)
    rcserver.make_readable(wd)
    server = rcserver._start(cfg, rcserver.START_TIMEOUT)
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(rcserver.REQUEST_TIMEOUT)
        sock.connect((rcserver.HOST, server.port))
        sock.sendall(b"GET /rootcauses/bulk.csv HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        sock.recv(4096)
        time.sleep(0.3)
        for _ in range(40):
            assert server.get("/rootcauses/bulk.json").status == 200
            time.sleep(0.05)
        while sock.recv(65536):
            pass
        sock.close()
        assert server.get("/rootcauses/bulk.csv").status == 200
    finally:
        server.stop()
    log = (wd / "logs" / "error_log").read_text(errors="replace")
    shutil.rmtree(wd, ignore_errors=True)
    return [line for line in log.splitlines() if "AH00052" in line or "AH00051" in line]


def main(argv):
    runs = int(next((a for a in argv[1:] if a.isdigit()), "100"))
    deflate = "--static" not in argv
    crashes = 0
    for i in range(1, runs + 1):
        lines = one_run(deflate)
        crashes += bool(lines)
        print(f"run {i}: {lines[0] if lines else 'no crash'}", flush=True)
    print(f"{crashes} crash(es) in {runs} runs ({'mod_deflate' if deflate else 'static file'}, "
          "no mod_rootcauses)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
