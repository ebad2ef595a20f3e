"""server-status (docs/REFERENCE.md "server-status"): with mod_status loaded and RootCausesStatus On
(the default), server-status shows a "Root Causes" section and server-status?auto the same figures
as "RootCauses...: value" lines: per data file its path, content hash, items, collections,
languages, when and by which process it was built, the last check, the last error (escaped), builds
and failed builds (of every process), and the response cache's entries, bytes, hits and misses (the
whole server's). RootCausesStatus Off hides it."""

import os
import re
import subprocess
import time

import pytest

import rcserver
from rcserver import wait_for
import sitedata

B = "/rootcauses"
KEPT = "still serving the last good version"


def start(start_server, data=None, server_conf="", directives=("RootCausesReloadInterval 1",),
          workdir=None):
    wd = workdir or start_server.workdir()
    path = data or rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    return start_server([rcserver.Mount(B, data=path, directives=list(directives))], workdir=wd,
                        extra_conf=rcserver.status_conf(),
                        server_conf=server_conf)


def auto(server):
    """server-status?auto's lines of the module, as a dict."""
    r = server.get("/server-status?auto")
    assert r.status == 200
    return dict(line.split(": ", 1) for line in r.text.splitlines()
                if line.startswith("RootCauses"))


def test_auto_lines_after_the_first_build(start_server):
    server = start(start_server)
    data = server.data_file()
    fig = auto(server)
    built = int(fig["RootCausesFile1BuiltAt"])
    assert abs(built - time.time()) < 60
    assert int(fig["RootCausesFile1BuiltBy"]) > 0
    assert int(fig["RootCausesFile1LastCheck"]) >= 0
    # the builder is httpd's parent (the startup build) or one of its children
    assert int(fig["RootCausesFile1BuiltBy"]) in [server.pid] + children(server)
    assert re.fullmatch(r"[0-9a-f]{32}", fig["RootCausesFile1Hash"])
    del fig["RootCausesFile1BuiltAt"], fig["RootCausesFile1BuiltBy"]
    del fig["RootCausesFile1LastCheck"], fig["RootCausesFile1Hash"]
    assert fig == {
        "RootCausesFile1Path": str(data),
        "RootCausesFile1Items": "5",
        "RootCausesFile1Collections": "2",
        "RootCausesFile1Languages": "en es",
        "RootCausesFile1LastError": "",
        "RootCausesFile1Builds": "1",
        "RootCausesFile1BuildFailures": "0",
        "RootCausesDataFiles": "1",
        "RootCausesItems": "5",
        "RootCausesBuilds": "1",
        "RootCausesBuildFailures": "0",
        "RootCausesCacheEntries": "0",
        "RootCausesCacheBytes": "0",
        "RootCausesCacheHits": "0",
        "RootCausesCacheMisses": "0",
    }


def children(server):
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def site_with_times(start_server, mtime):
    """A copy of the shipped site whose files all have the modification time mtime."""
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    for dirpath, _, files in os.walk(data.parent):
        for f in files:
            os.utime(os.path.join(dirpath, f), (mtime, mtime))
    return wd, data


def retitle(path, title):
    """Puts title before the site title, by rename (a new inode, as editors do)."""
    text = path.read_text(encoding="utf-8")
    new = text.replace("Root Causes of Migration", f"{title}: Root Causes of Migration", 1)
    assert new != text
    tmp = path.with_name(".data.json.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, path)


def test_the_content_hash_is_the_datas_whatever_the_files_times(start_server):
    wd_a, data_a = site_with_times(start_server, 1_600_000_000)
    wd_b, data_b = site_with_times(start_server, 1_700_000_000)
    a = start(start_server, data=data_a, workdir=wd_a)
    b = start(start_server, data=data_b, workdir=wd_b)
    assert os.stat(a.data_file()).st_mtime != os.stat(b.data_file()).st_mtime
    assert auto(a)["RootCausesFile1Hash"] == auto(b)["RootCausesFile1Hash"]
    startup = built(b)
    os.utime(b.data_file(), (1, 1))
    # the new time is a new version of the files, built again: the same content, the same hash
    # (read from a process that serves the new version, not one that has not switched yet)
    wait_for(lambda: auto(b)["RootCausesFile1Builds"] == "2", what="the rebuild after utime")
    wait_for(lambda: built(b) != startup, what="the rebuilt version shown")
    assert auto(a)["RootCausesFile1Hash"] == auto(b)["RootCausesFile1Hash"]
    # other content: another hash
    before = auto(b)["RootCausesFile1Hash"]
    retitle(b.data_file(), "Retitled")
    wait_for(lambda: auto(b)["RootCausesFile1Builds"] == "3", what="the rebuild after retitle")
    # the build is counted for the whole server before every process has mapped it: the process
    # that answers server-status may take a moment to serve (and show) the new version
    wait_for(lambda: b"Retitled" in b.get(B + "/").body, what="the new version served")
    wait_for(lambda: auto(b)["RootCausesFile1Hash"] != before, what="the new hash shown")
    assert auto(b)["RootCausesFile1Hash"] != before
    assert auto(b)["RootCausesFile1Builds"] == "3"
    assert auto(b)["RootCausesFile1Hash"] != auto(a)["RootCausesFile1Hash"]
    assert re.fullmatch(r"[0-9a-f]{32}", auto(b)["RootCausesFile1Hash"])


def built(server):
    """(BuiltAt, BuiltBy) of the version that the answering process serves."""
    fig = auto(server)
    return fig["RootCausesFile1BuiltAt"], fig["RootCausesFile1BuiltBy"]


def test_last_check_is_recent_with_a_reload_interval(start_server):
    server = start(start_server, directives=("RootCausesReloadInterval 1",))
    time.sleep(2.5)
    assert abs(int(auto(server)["RootCausesFile1LastCheck"]) - time.time()) <= 3


def test_last_check_is_0_with_reload_interval_0(start_server):
    server = start(start_server, directives=("RootCausesReloadInterval 0",))
    time.sleep(1.5)
    assert server.get(B + "/reports").status == 200
    assert auto(server)["RootCausesFile1LastCheck"] == "0"


def test_a_version_built_after_a_change_is_built_by_a_child(start_server):
    """The parent never checks between requests: a change is built by a child."""
    server = start(start_server, directives=("RootCausesReloadInterval 1",))
    startup = built(server)
    retitle(server.data_file(), "Changed")
    wait_for(lambda: auto(server)["RootCausesFile1Builds"] == "2", what="the rebuild")
    # the build is counted for the whole server before the answering process has mapped it
    wait_for(lambda: built(server) != startup, what="the rebuilt version shown")
    fig = auto(server)
    assert fig["RootCausesFile1BuildFailures"] == "0"
    built_by = int(fig["RootCausesFile1BuiltBy"])
    assert built_by != server.pid
    assert built_by in children(server)


def test_cache_figures_count_the_whole_servers_traffic(start_server):
    server = start(start_server, server_conf="StartServers 2\nServerLimit 2\nThreadsPerChild 4"
                   "\nMinSpareThreads 4\nMaxSpareThreads 8\nMaxRequestWorkers 8"
                   if rcserver.default_mpm() != "prefork" else
                   "StartServers 3\nMinSpareServers 3\nMaxSpareServers 6\nServerLimit 6\n"
                   "MaxRequestWorkers 6")
    # three distinct listings, each asked three times on new connections (any process)
    urls = [B + "/reports", B + "/section-353.json?country=GT", B + "/es/section-353.atom"]
    for u in urls * 3:
        assert server.get(u).status == 200
    # the same query written otherwise is the same entry
    assert server.get(B + "/section-353.json?country=gt&unknown=1").status == 200
    # CSV, pages, items and 400s do not go through the cache
    server.get(B + "/reports.csv")
    server.get(B + "/")
    server.get(B + "/reports?from=nope")
    fig = auto(server)
    assert fig["RootCausesCacheEntries"] == "3"
    assert fig["RootCausesCacheMisses"] == "3"
    assert fig["RootCausesCacheHits"] == "7"
    sizes = sum(len(server.get(u).body) for u in urls)
    assert int(auto(server)["RootCausesCacheBytes"]) >= sizes


def test_a_failed_build_is_counted_and_its_message_shown_escaped(start_server, expect_log):
    server = start(start_server)
    data = server.data_file()
    since = server.log_size()
    text = data.read_text(encoding="utf-8")
    broken = text.replace('"date": "2022-07"', '"date": "<b>2022-13</b>"', 1)
    tmp = data.with_name(".tmp")
    tmp.write_text(broken, encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, data)
    server.wait_log(KEPT, since=since, timeout=15)
    expect_log(KEPT)
    fig = auto(server)
    assert fig["RootCausesFile1Builds"] == "1"
    assert fig["RootCausesFile1BuildFailures"] == "1"
    assert fig["RootCausesBuildFailures"] == "1"
    assert fig["RootCausesFile1LastError"] == (
        f'{data}: collections[0].items[0].date is "<b>2022-13</b>", expected a date as YYYY, '
        "YYYY-MM or YYYY-MM-DD")
    html = server.get("/server-status").text
    section = html[html.index("<h2>Root Causes</h2>"):]
    assert "&lt;b&gt;2022-13&lt;/b&gt;" in section
    assert "<b>2022-13" not in section
    # the fixed file is built: two builds, one failure, no error any more
    tmp.write_text(text.replace("Overview", "Overview again", 1), encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, data)
    deadline = time.monotonic() + 15
    while auto(server)["RootCausesFile1Builds"] != "2":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    fig = auto(server)
    assert fig["RootCausesFile1BuildFailures"] == "1"
    assert fig["RootCausesFile1LastError"] == ""


@pytest.mark.parametrize("brk,raw", [("\\n", "\n"), ("\\u2028", "\u2028")],
                         ids=["newline", "line-separator"])
def test_an_error_with_a_line_break_cannot_forge_an_auto_line(start_server, expect_log, brk,
                                                                  raw):
    """An unknown key holding a newline, or U+2028 (a line break for readers that split on
    Unicode line breaks, like Python's splitlines()): the message names it, escaped."""
    server = start(start_server)
    data = server.data_file()
    since = server.log_size()
    text = data.read_text(encoding="utf-8")
    tmp = data.with_name(".tmp")
    tmp.write_text(text.replace('"title": {', f'"x{brk}RootCausesItems: 666": 1, "title": {{', 1),
                   encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, data)
    server.wait_log(KEPT, since=since, timeout=15)
    expect_log(KEPT)
    r = server.get("/server-status?auto")
    assert "RootCausesItems: 666" not in r.text.splitlines()
    assert raw == "\n" or raw not in r.text     # lines end with "\n", of course
    assert auto(server)["RootCausesItems"] == "5"
    # as \xNN escapes (the key is escaped in the message, and the message for the line again)
    escaped = r"\\+x0A" if raw == "\n" else r"\\+xE2\\+x80\\+xA8"
    assert re.search(escaped, auto(server)["RootCausesFile1LastError"])


def test_html_section(start_server):
    server = start(start_server)
    server.get(B + "/reports")
    html = server.get("/server-status").text
    assert "<h2>Root Causes</h2>" in html
    section = html[html.index("<h2>Root Causes</h2>"):]
    assert f"<th scope=\"row\">{server.data_file()}</th>" in section
    assert "<td>5</td><td>2</td><td>en es</td>" in section
    assert "Response cache (every process): 1 entries" in section


def test_status_off_hides_the_section(start_server):
    server = start(start_server, server_conf="RootCausesStatus Off")
    assert "RootCauses" not in server.get("/server-status?auto").text
    assert "Root Causes" not in server.get("/server-status").text


def test_a_module_loaded_but_not_used_adds_no_section(start_server):
    """No RootCausesData anywhere: no shared memory is made and server-status says nothing."""
    server = start_server([], extra_conf=rcserver.status_conf())
    assert server.get("/server-status?auto").status == 200
    assert "RootCauses" not in server.get("/server-status?auto").text
    assert "Root Causes" not in server.get("/server-status").text


def test_status_directive_is_server_config_only(workdir):
    wd = workdir
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    code, out = rcserver.check_config(wd, [rcserver.Mount(B, data=data,
                                                          directives=["RootCausesStatus Off"])])
    assert code != 0
    assert "RootCausesStatus" in out and "not allowed" in out


def test_a_long_error_is_shown_cut_on_a_character_not_blanked(start_server, expect_log):
    """A message whose path is longer than messages keep (an unknown key of 600 two-byte
    characters): cut where a character ends, so that server-status still shows it (it was cut
    inside one, then blanked as not UTF-8)."""
    server = start(start_server)
    data = server.data_file()
    since = server.log_size()
    text = data.read_text(encoding="utf-8")
    tmp = data.with_name(".tmp")
    tmp.write_text(text.replace('"title": {', '"' + "é" * 600 + '": 1, "title": {', 1),
                   encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, data)
    server.wait_log(KEPT, since=since, timeout=15)
    expect_log(KEPT)
    shown = auto(server)["RootCausesFile1LastError"]
    assert shown.startswith(f"{data}: éé"), shown[:200]
    assert "no such key here" in shown and "\\x" not in shown, shown
    html = server.get("/server-status").text
    assert f"<td>{data}: éé" in html
