#!/usr/bin/env python3
"""valgrind.py: `make check-valgrind` (through valgrind.sh): httpd -X under valgrind memcheck.

Starts Debian's httpd in one process (`httpd -X`, prefork by default) under

    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite
             --errors-for-leak-kinds=definite --error-exitcode=99
             --suppressions=tests/sanitize/httpd.supp

with the built mod_rootcauses.so serving two mounts: the shipped site at /rootcauses and a
generated one (tests/bench/gen_data.py, 400 items) at /gen, both with RootCausesReloadInterval 1.
tests/sanitize/rc_poolshim.so is preloaded (RC_VALGRIND_POOLSHIM=0: not), so that every
apr_palloc() is a malloc() block of its own that memcheck watches.

It sends a representative request set: every page, the listings in HTML, JSON, CSV and Atom with
every kind of filter, every item page (HTML and JSON), HEAD, conditional requests (304), 301s,
400s, 404s, 405s and a static asset; then rewrites the shipped data file with a valid new version
(waits until it is served), an invalid one (waits until it is logged; the last good version goes
on being served) and a valid one again, with requests in between. Then SIGTERM, and a wait
until valgrind has written its leak report.

Passes when: valgrind found no error at all (invalid read/write/free, uninitialised values,
overlaps, ...: suppressions aside), no "definitely lost" block was allocated from a frame of
mod_rootcauses, httpd exited by itself after SIGTERM, and no answer was a 5xx. Definite leaks
outside the module that httpd.supp does not suppress are listed, not counted.

Prints a summary; the valgrind logs (text and XML) stay in tests/logs/valgrind/.

Environment: RC_SRCDIR, RC_BUILDDIR, RC_MODULE, RC_HTTPD, RC_HTTPD_MODULES (as for make check);
RC_VALGRIND_MPM (prefork; event and worker work too), RC_VALGRIND_POOLSHIM (1), VALGRIND.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRCDIR = Path(os.environ.get("RC_SRCDIR") or HERE.parents[1])
BUILDDIR = Path(os.environ.get("RC_BUILDDIR") or SRCDIR)
sys.path.insert(0, str(SRCDIR / "tests" / "integration"))
import rcserver  # noqa: E402

START_TIMEOUT = 180.0
REQUEST_TIMEOUT = 120.0
RELOAD_TIMEOUT = 60.0
EXIT_TIMEOUT = 300.0

# Frames of the module: its object, or one of its source files.
MODULE_OBJ_RE = re.compile(r"mod_rootcauses[^/]*\.so$")
MODULE_FILE_RE = re.compile(r"^(mod_rootcauses|rc_[a-z_]+)\.[ch]$")

MEMORY_ERROR_KINDS_NOTE = ("InvalidRead, InvalidWrite, InvalidFree, MismatchedFree, "
                           "UninitCondition, UninitValue, SyscallParam, Overlap, ...")


def say(msg):
    print(f"valgrind: {msg}", flush=True)


# ---------------------------------------------------------------- the sites

def generated_site(dest: Path, n: int) -> bool:
    gen = SRCDIR / "tests" / "bench" / "gen_data.py"
    if not gen.exists():
        say(f"{gen} not there: no generated site at /gen")
        return False
    subprocess.run([sys.executable, str(gen), str(n), str(dest)], check=True,
                   stdout=subprocess.DEVNULL)
    (dest / "assets").mkdir(exist_ok=True)
    rcserver.make_readable(dest)
    return True


def rewrite(path: Path, text: str) -> None:
    """A new version of a data file: written beside it, renamed over it; the mtime is moved on
    so that a change within the same second is seen too."""
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o644)
    st = path.stat()
    os.replace(tmp, path)
    t = max(time.time(), st.st_mtime + 2)
    os.utime(path, (t, t))


# ---------------------------------------------------------------- the requests

class Client:
    def __init__(self, port, xml=None):
        self.port = port
        self.xml = xml  # RC_VALGRIND_TRACE=1: name the requests during which an error came
        self.statuses = Counter()
        self.fivexx = []
        self.errors = []
        self.count = 0

    def req(self, method, path, headers=None, body=None):
        before = self.xml_errors()
        try:
            r = rcserver.request(self.port, method, path, headers=headers, body=body,
                                 timeout=REQUEST_TIMEOUT)
        except Exception as e:  # noqa: BLE001: every failure is reported
            self.errors.append(f"{method} {path}: {e!r}")
            return None
        self.count += 1
        self.statuses[r.status] += 1
        if self.xml is not None and self.xml_errors() != before:
            say(f"trace: a valgrind error while answering {method} {path} ({r.status})")
        if r.status >= 500:
            self.fivexx.append(f"{method} {path}: {r.status}")
        return r

    def xml_errors(self):
        if self.xml is None:
            return 0
        try:
            return self.xml.read_bytes().count(b"<error>")
        except FileNotFoundError:
            return 0

    def get(self, path, headers=None):
        return self.req("GET", path, headers=headers)


def q(s):
    return urllib.parse.quote(s, safe="")


def text(value):
    """A text of the data file in its default language (a string, or an object by language)."""
    return value if isinstance(value, str) else next(iter(value.values()))


def listing_queries(data, collection):
    """Filters for one collection of a data file: every parameter, alone and together."""
    codes = [c["code"] for c in data["countries"]]
    names = [text(c["name"]) for c in data["countries"]]
    items = collection["items"]
    kinds = sorted({i["kind"] for i in items if i.get("kind")})
    years = sorted({i["date"][:4] for i in items})
    word = text(items[0]["title"]).split()[0] if items else "report"
    qs = [
        "",
        f"country={codes[0]}",
        f"country={codes[0].lower()},{codes[-1]}&country={q(names[-1])}",
        f"from={years[0]}&to={years[-1]}",
        f"from={years[0]}-01&to={years[-1]}-12-31",
        f"q={q(word)}",
        "q=perez+corrupcion",
        f"q={q('Pérez')}",
        "sort=date",
        "sort=-date&per_page=1&page=2",
        "per_page=2&page=1",
        "page=999",
        "from=&to=&q=&country=",
        "unknown=1&country=",
        f"country={codes[0]}&from={years[0]}&to={years[-1]}&q={q(word)}&sort=date&per_page=3",
    ]
    if kinds:
        qs += [f"kind={kinds[0]}", f"kind={','.join(kinds)}"]
    return qs


def bad_queries():
    """Each answers 400 on any listing."""
    return [
        "from=2021-02-30", "from=2021-13", "from=20x1", "from=2022&to=2021",
        "country=ZZ", "kind=no-such-kind", "page=0", "per_page=500", "per_page=0",
        "from=2020&from=2021", "sort=title", "sort=date&sort=-date", "page=1&page=2",
        "q=" + "a" * 201, "q=%zz", "q=%C3", "country=%FF%FE", "q=%C3%28",
    ]


def request_set(c: Client, mount: str, data: dict, first: bool) -> None:
    pages = [p["slug"] for p in data["pages"]]
    for slug in pages:
        r = c.get(f"{mount}/" if slug == "index" else f"{mount}/{slug}")
        if r is not None and r.status == 200 and first:
            etag, lm = r.header("ETag"), r.header("Last-Modified")
            if etag:
                c.get(f"{mount}/{slug}", {"If-None-Match": etag})
            if lm:
                c.get(f"{mount}/{slug}", {"If-Modified-Since": lm})
        c.req("HEAD", f"{mount}/{slug}")
    for col in data["collections"]:
        slug = col["slug"]
        for qs in listing_queries(data, col):
            for ext in ("", ".json", ".csv", ".atom"):
                c.get(f"{mount}/{slug}{ext}" + (f"?{qs}" if qs else ""))
        if first:
            for qs in bad_queries():
                for ext in ("", ".json", ".csv", ".atom"):
                    c.get(f"{mount}/{slug}{ext}?{qs}")
            r = c.get(f"{mount}/{slug}.json")
            if r is not None and r.header("ETag"):
                c.get(f"{mount}/{slug}.json", {"If-None-Match": r.header("ETag")})
            c.req("HEAD", f"{mount}/{slug}.csv")
            c.req("HEAD", f"{mount}/{slug}?country={data['countries'][0]['code']}")
        items = col["items"] if first else col["items"][:5]
        for item in items[:60]:
            c.get(f"{mount}/{slug}/{item['id']}")
            c.get(f"{mount}/{slug}/{item['id']}.json")
        if first and items:
            c.req("HEAD", f"{mount}/{slug}/{items[0]['id']}")
            c.get(f"{mount}/{slug}/{items[0]['id']}/")
            c.get(f"{mount}/{slug}/no-such-item")
            c.get(f"{mount}/{slug}/no-such-item.json")
            c.get(f"{mount}/{slug}/{items[0]['id']}.xml")
    if first:
        for path in (mount, f"{mount}/index", f"{mount}/{pages[-1]}/", f"{mount}/no-such-page",
                     f"{mount}/no-such.json", f"{mount}/a/b/c", f"{mount}/%zz", f"{mount}/%2e%2e/",
                     f"{mount}/{pages[-1]}.html", f"{mount}/assets/no-such.css"):
            c.get(path)
        for method in ("POST", "PUT", "DELETE", "OPTIONS"):
            c.req(method, f"{mount}/", body=b"x=1" if method in ("POST", "PUT") else None)
        c.req("POST", f"{mount}/{data['collections'][0]['slug']}.json", body=b"")
        for path in ("sitemap.xml", "sitemap.xml?part=1", "openapi.json"):
            c.get(f"{mount}/{path}")
        # the other languages: pages, listings in every format, an item, a 400, a 404
        for lang in data.get("languages", ["en"])[1:]:
            home = f"{mount}/{lang}"
            c.get(f"{home}/")
            c.get(home)
            for slug in pages:
                c.get(f"{home}/{slug}")
            for col in data["collections"]:
                for qs in listing_queries(data, col)[:4]:
                    for ext in ("", ".json", ".csv", ".atom"):
                        c.get(f"{home}/{col['slug']}{ext}" + (f"?{qs}" if qs else ""))
                c.get(f"{home}/{col['slug']}?from=2021-02-30")
                if col["items"]:
                    c.get(f"{home}/{col['slug']}/{col['items'][0]['id']}")
            c.get(f"{home}/no-such-page")


def wait_served(c: Client, path: str, needle: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = c.get(path)
        if r is not None and r.status == 200 and needle in r.text:
            return True
        time.sleep(1.0)
    return False


def wait_log(c: Client, path: str, error_log: Path, since: int, pattern: str,
             timeout: float) -> bool:
    """Requests path (the module checks the data file when a request comes) until the error
    log from offset since matches pattern."""
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        c.get(path)
        try:
            text = error_log.read_bytes()[since:].decode("utf-8", "replace")
        except FileNotFoundError:
            text = ""
        if rx.search(text):
            return True
        time.sleep(1.0)
    return False


# ---------------------------------------------------------------- valgrind's report

def frames_of(stack):
    out = []
    if stack is None:
        return out
    for fr in stack.findall("frame"):
        out.append({k: (fr.findtext(k) or "") for k in ("ip", "obj", "fn", "dir", "file", "line")})
    return out


def in_module(frames):
    return any(MODULE_OBJ_RE.search(f["obj"]) or MODULE_FILE_RE.match(f["file"]) for f in frames)


def frame_text(f):
    where = f"{f['file']}:{f['line']}" if f["file"] else f["obj"]
    return f"{f['fn'] or f['ip']} ({where})"


def parse_xml(path: Path):
    """[(kind, what, frames, module?)] of the errors in valgrind's XML output."""
    errors = []
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, FileNotFoundError) as e:
        return None, str(e)
    for err in root.findall("error"):
        kind = err.findtext("kind") or "?"
        what = err.findtext("what") or (err.find("xwhat").findtext("text")
                                        if err.find("xwhat") is not None else "")
        frames = []
        for st in err.findall("stack"):
            frames += frames_of(st)
        errors.append((kind, what, frames, in_module(frames)))
    return errors, None


# ---------------------------------------------------------------- main

def main() -> int:
    t0 = time.monotonic()
    valgrind = os.environ.get("VALGRIND") or shutil.which("valgrind")
    if not valgrind:
        say("valgrind not found: install the Debian package valgrind (./bootstrap does)")
        return 77  # automake's "skipped": tests/run-all.sh reports the missing tool
    mpm = os.environ.get("RC_VALGRIND_MPM") or "prefork"
    logs = BUILDDIR / "tests" / "logs" / "valgrind"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    work = rcserver.make_workdir("rc-vg-")
    keep = bool(os.environ.get("RC_KEEP"))
    proc = None
    try:
        site = work / "site"
        rcserver.copy_site(rcserver.shipped_htdocs(), site)
        mounts = [rcserver.Mount("/rootcauses", data=site / "data.json",
                                 directives=["RootCausesReloadInterval 1"])]
        if generated_site(work / "gen", 400):
            mounts.append(rcserver.Mount("/gen", data=work / "gen" / "data.json",
                                         directives=["RootCausesReloadInterval 1",
                                                     "RootCausesPageSize 7"]))
        cfg = rcserver.write_httpd_conf(work, mounts, mpm=mpm)
        code, out = rcserver.httpd_t(cfg.path)
        if code != 0:
            say(f"httpd -t failed:\n{out}")
            return 1

        env = rcserver.httpd_env()
        shim = BUILDDIR / "tests" / "sanitize" / ".libs" / "rc_poolshim.so"
        if os.environ.get("RC_VALGRIND_POOLSHIM", "1") != "0":
            if not shim.exists():
                say(f"{shim} not built (make check-valgrind builds it)")
                return 1
            env["LD_PRELOAD"] = " ".join(filter(None, [env.get("LD_PRELOAD", ""), str(shim)]))
        xml = logs / "memcheck.xml"
        text = logs / "memcheck.log"
        supp = HERE / "httpd.supp"
        cmd = [valgrind, "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
               "--errors-for-leak-kinds=definite", "--error-exitcode=99", "--num-callers=40",
               "--track-origins=yes", f"--suppressions={supp}", "--gen-suppressions=all",
               "--vgdb=no",
               "--xml=yes", f"--xml-file={xml}", f"--log-file={text}",
               rcserver.httpd_binary(), "-X", "-f", str(cfg.path)]
        say(f"{' '.join(cmd[:6])} ... {' '.join(cmd[-4:])}  (mpm {mpm}, work dir {work})")
        stderr = open(logs / "httpd.stderr", "wb")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stderr,
                                stderr=subprocess.STDOUT, cwd=str(work), env=env,
                                start_new_session=True)
        stderr.close()
        rcserver.wait_for_port(cfg.port, proc, START_TIMEOUT)
        t_up = time.monotonic()
        say(f"httpd -X answers on port {cfg.port} after {t_up - t0:.1f}s")

        c = Client(cfg.port, xml if os.environ.get("RC_VALGRIND_TRACE") == "1" else None)
        for m in mounts:
            data = json.loads(cfg.data_files[m.path].read_text(encoding="utf-8"))
            request_set(c, m.path.rstrip("/"), data, first=True)
        c.get("/rootcauses/assets/rootcauses.css")
        say(f"{c.count} requests in {time.monotonic() - t_up:.1f}s")

        # Reloads of the shipped data file: valid, invalid, valid.
        data_file = cfg.data_files["/rootcauses"]
        original = data_file.read_text(encoding="utf-8")
        data = json.loads(original)
        reload_problems = []
        data["title"] = "Valgrind Reload One"
        rewrite(data_file, json.dumps(data, ensure_ascii=False, indent=1))
        if not wait_served(c, "/rootcauses/", "Valgrind Reload One", RELOAD_TIMEOUT):
            reload_problems.append("the first valid new version was not served")
        request_set(c, "/rootcauses", data, first=False)
        since = cfg.error_log.stat().st_size if cfg.error_log.exists() else 0
        rewrite(data_file, original.replace('"countries"', '"countries" :: [', 1))
        if not wait_log(c, "/rootcauses/", cfg.error_log, since, r"RootCausesData: .*data\.json",
                        RELOAD_TIMEOUT):
            reload_problems.append("the invalid version was not logged")
        r = c.get("/rootcauses/")
        if r is None or r.status != 200 or "Valgrind Reload One" not in r.text:
            reload_problems.append("the last good version was not served after the invalid one")
        request_set(c, "/rootcauses", data, first=False)
        data["title"] = "Valgrind Reload Two"
        data["collections"][0]["items"] = data["collections"][0]["items"][:1]
        rewrite(data_file, json.dumps(data, ensure_ascii=False))
        if not wait_served(c, "/rootcauses/", "Valgrind Reload Two", RELOAD_TIMEOUT):
            reload_problems.append("the second valid new version was not served")
        request_set(c, "/rootcauses", data, first=False)
        t_req = time.monotonic()
        say(f"{c.count} requests in all, reloads included, in {t_req - t_up:.1f}s")

        # Stop: SIGTERM, then valgrind's leak check.
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(EXIT_TIMEOUT)
            exited = True
        except subprocess.TimeoutExpired:
            exited = False
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
        say(f"httpd exited with status {proc.returncode} {time.monotonic() - t_req:.1f}s "
            "after SIGTERM" if exited else "httpd did not exit within "
            f"{EXIT_TIMEOUT:.0f}s of SIGTERM: killed")
        shutil.copy2(cfg.error_log, logs / "error_log") if cfg.error_log.exists() else None

        # The verdict.
        errors, problem = parse_xml(xml)
        failures = []
        if errors is None:
            failures.append(f"no valgrind XML report ({problem})")
            errors = []
        # PCRE2's JIT code (the module's route patterns) lives in anonymous memory: no object,
        # no function. Debian's libpcre2 is not built with --enable-valgrind, and memcheck sees
        # its reads of its own stack frames as uninitialised (a standalone pcre2_jit_match of
        # "/strategy.html" against the route patterns shows the same; the interpreter does
        # not). Those are listed, not counted.
        jit = [e for e in errors if e[0].startswith("Uninit") and e[2]
               and all(not f["obj"] and not f["fn"] for f in e[2])]
        memory = [e for e in errors if not e[0].startswith("Leak_") and e not in jit]
        leaks = [e for e in errors if e[0] == "Leak_DefinitelyLost"]
        module_leaks = [e for e in leaks if e[3]]
        other_leaks = [e for e in leaks if not e[3]]
        if not exited:
            failures.append("httpd did not stop after SIGTERM")
        if c.fivexx:
            failures.append(f"{len(c.fivexx)} 5xx answer(s)")
        if c.errors:
            failures.append(f"{len(c.errors)} request(s) without an answer")
        if memory:
            failures.append(f"{len(memory)} memory error(s)")
        if module_leaks:
            failures.append(f"{len(module_leaks)} definite leak(s) allocated in mod_rootcauses")
        failures += reload_problems
        crash = [line for line in (logs / "error_log").read_text(errors="replace").splitlines()
                 if re.search(r"AH00052|Segmentation fault|runtime error:", line)] \
            if (logs / "error_log").exists() else []
        if crash:
            failures.append(f"crash lines in the error log: {crash[:3]}")

        # The summary.
        say("---- summary")
        say(f"requests: {c.count}; statuses: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(c.statuses.items())))
        for line in (c.fivexx + c.errors)[:20]:
            say(f"  {line}")
        kinds = Counter(e[0] for e in memory)
        say("memory errors: " + (", ".join(f"{k}: {v}" for k, v in sorted(kinds.items()))
                                 or "none") + f" ({MEMORY_ERROR_KINDS_NOTE})")
        for kind, what, frames, _ in memory[:10]:
            say(f"  {kind}: {what}")
            for f in frames[:12]:
                say(f"      {frame_text(f)}")
        if jit:
            say(f"not counted: {len(jit)} uninitialised-value report(s) inside PCRE2 JIT code "
                "(no object, no function: see valgrind.py)")
        say(f"definite leaks: {len(module_leaks)} from mod_rootcauses, {len(other_leaks)} "
            "elsewhere (not counted; see httpd.supp)")
        for kind, what, frames, _ in (module_leaks + other_leaks)[:10]:
            say(f"  {what}")
            for f in frames[:10]:
                say(f"      {frame_text(f)}")
        say(f"logs: {logs} (memcheck.log, memcheck.xml, error_log)")
        say(f"time: {time.monotonic() - t0:.1f}s")
        if failures:
            for f in failures:
                say(f"FAILED: {f}")
            return 1
        say("passed: no memory error, no definite leak in mod_rootcauses, no 5xx")
        return 0
    finally:
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
