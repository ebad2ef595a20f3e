#!/usr/bin/env python3
"""tests/browser/run.py browser|html: start a real httpd with the shipped site (with the
integration harness, tests/integration/rcserver.py), then

    browser  run browser.mjs in Debian's Chromium (playwright-core, axe-core): accessibility,
             console, keyboard use, layout at 1280x900 and 375x800 px, in every language;
             screenshots to $RC_BUILDDIR/tests/screenshots/
    html     save every page type to $RC_BUILDDIR/tests/html/ and check it with the Nu HTML
             Checker (vnu-jar, run with java): one test per page, passed when it has no error
    docs     write the README screenshots docs/*.png (not a test; see docs-screenshots.mjs)

The environment is the one of tests/run-all.sh (RC_SRCDIR, RC_BUILDDIR, RC_MODULE, RC_HTTPD,
RC_HTTPD_MODULES). node_modules comes from `npm ci` in tests/browser/ (the browser step of
run-all.sh runs it when it is missing). The last line printed is "N passed, N failed"; the exit
status is 0 only when nothing failed.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

import rcserver  # noqa: E402
import sitedata  # noqa: E402

B = "/rootcauses"
NODE_TIMEOUT = 240
VNU_TIMEOUT = 180


def builddir() -> Path:
    return Path(os.environ.get("RC_BUILDDIR") or HERE.parents[1])


def page_list(data: dict) -> list:
    """Every page type in every language: name, path, expected status, language and (for
    listings) whether it is one. Built from the shipped data file; the default language's pages
    are named as they are ("listing-reports"), another language's with its code in front
    ("es-listing-reports", under B/es/)."""
    pages = []
    langs = data.get("languages") or ["en"]
    for n, lang in enumerate(langs):
        m = B if n == 0 else f"{B}/{lang}"
        name = (lambda s: s) if n == 0 else (lambda s, lang=lang: f"{lang}-{s}")

        def add(page: str, path: str, status: int = 200, listing: bool = False):
            pages.append({"name": name(page), "path": path, "status": status, "lang": lang,
                          "listing": listing})

        add("home", f"{m}/")
        for p in data["pages"]:
            if p["slug"] != "index":
                add(f"page-{p['slug']}", sitedata.url(m, p["slug"]))
        for c in data["collections"]:
            item = c["items"][0]
            filt = f"country={item['countries'][0]}&from={item['date'][:4]}"
            add(f"listing-{c['slug']}", f"{m}/{c['slug']}", listing=True)
            add(f"listing-{c['slug']}-filtered", f"{m}/{c['slug']}?{filt}", listing=True)
        first = data["collections"][0]
        # Two bad values at once: the error summary lists both, each next to its field.
        add("listing-400", f"{m}/{first['slug']}?from=2021-02-30&to=&q=x&country=ZZ", 400,
            listing=True)
        for c in data["collections"]:
            # The item with the most to show (documents, persons) of each collection.
            item = max(c["items"], key=lambda it: (len(it.get("documents", [])) +
                                                   len(it.get("persons", []))))
            add(f"item-{c['slug']}", f"{m}/{c['slug']}/{quote(item['id'])}")
        add("404", f"{m}/no-such-page", 404)
    return pages


class Counter:
    def __init__(self):
        self.passed = self.failed = 0

    def ok(self, name: str):
        self.passed += 1
        print(f"ok      {name}", flush=True)

    def fail(self, name: str, why: str):
        self.failed += 1
        print(f"FAILED  {name}: {why}", flush=True)

    def summary(self) -> int:
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 else 1


def tool(var: str, name: str, package: str):
    """The program var names (as configure found it), else name in PATH; None if missing."""
    path = os.environ.get(var) or shutil.which(name)
    return path if path and os.access(path, os.X_OK) else None


# What each step runs: (variable, program, Debian package).
NEEDS = {
    "browser": [("RC_NODE", "node", "nodejs"), ("RC_CHROMIUM", "chromium", "chromium")],
    "html": [("RC_JAVA", "java", "default-jre-headless")],
    "docs": [("RC_NODE", "node", "nodejs"), ("RC_CHROMIUM", "chromium", "chromium")],
}


def node_modules() -> Path:
    nm = HERE / "node_modules"
    if not (nm / "playwright-core").is_dir():
        raise RuntimeError(f"{nm} is missing: run `npm ci --no-audit --no-fund --ignore-scripts`"
                           " in tests/browser (the browser step of make check does)")
    return nm


def run_node(script: str, env: dict, counter: Counter, timeout: int = NODE_TIMEOUT) -> None:
    """Runs a node script that prints "ok ..." / "FAILED ..." lines and a last line
    "N passed, N failed"; adds its counts."""
    node = tool("RC_NODE", "node", "nodejs")
    if not node:
        counter.fail(script, "node not found (Debian package nodejs)")
        return
    proc = subprocess.Popen([node, str(HERE / script)], cwd=str(HERE), env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, text=True)
    last = ""
    try:
        # A watchdog: the script launches Chromium; on timeout its whole group goes.
        import threading
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if line.strip():
                last = line.strip()
        proc.wait()
        timer.cancel()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        try:  # Chromium children that outlived node, if any
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    words = last.replace(",", " ").split()
    if len(words) == 4 and words[1] == "passed" and words[3] == "failed":
        counter.passed += int(words[0])
        counter.failed += int(words[2])
        if proc.returncode != 0 and int(words[2]) == 0:
            counter.fail(script, f"exit status {proc.returncode}")
    else:
        counter.fail(script, f"exit status {proc.returncode} without a summary line")


def step_browser(server, pages, counter: Counter) -> None:
    node_modules()
    shots = builddir() / "tests" / "screenshots"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    run_node("browser.mjs", {"RC_BASE_URL": server.origin, "RC_MOUNT": B,
                             "RC_PAGES": json.dumps(pages), "RC_SCREENSHOTS": str(shots)},
             counter)
    print(f"screenshots: {shots}", flush=True)


def step_docs(server, pages, counter: Counter) -> None:
    node_modules()
    run_node("docs-screenshots.mjs", {"RC_BASE_URL": server.origin, "RC_MOUNT": B,
                                      "RC_PAGES": json.dumps(pages),
                                      "RC_DOCS": str(HERE.parents[1] / "docs")}, counter)


def step_html(server, pages, counter: Counter) -> None:
    vnu = node_modules() / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = tool("RC_JAVA", "java", "default-jre-headless")
    out = builddir() / "tests" / "html"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    files = {}
    for p in pages:
        r = server.get(p["path"])
        name = f"vnu: {p['name']} ({p['path']})"
        if r.status != p["status"]:
            counter.fail(name, f"status {r.status}, expected {p['status']}")
            continue
        f = out / f"{p['name']}.html"
        f.write_bytes(r.body)
        files[str(f)] = name
    if not files:
        return
    if not java:
        counter.fail("vnu", "java not found (Debian package default-jre-headless)")
        return
    if not vnu.is_file():
        counter.fail("vnu", f"{vnu} is missing (npm ci in tests/browser)")
        return
    try:
        p = subprocess.run([java, "-jar", str(vnu), "--errors-only", "--format", "json",
                            *files], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=VNU_TIMEOUT)
    except subprocess.TimeoutExpired:
        counter.fail("vnu", f"the Nu HTML Checker did not finish within {VNU_TIMEOUT}s")
        return
    try:
        messages = json.loads(p.stderr.decode("utf-8") or p.stdout.decode("utf-8"))["messages"]
    except (ValueError, KeyError) as e:
        counter.fail("vnu", f"no JSON report (exit status {p.returncode}): {e}: "
                     f"{p.stderr.decode('utf-8', 'replace')[-2000:]}")
        return
    by_file = {f: [] for f in files}
    stray = []
    for m in messages:
        url = m.get("url", "")
        f = url[len("file:"):] if url.startswith("file:") else url
        if f in by_file:
            by_file[f].append(m)
        else:
            stray.append(m)
    for f, name in files.items():
        errors = [m for m in by_file[f] if m.get("type") in ("error", "non-document-error")]
        if errors:
            counter.fail(name, "; ".join(
                f"line {m.get('lastLine', '?')}: {m.get('message')} [{m.get('extract', '')!r}]"
                for m in errors))
        else:
            counter.ok(name)
    for m in stray:
        counter.fail("vnu", f"{m.get('type')}: {m.get('message')} ({m.get('url', '')})")
    print(f"checked HTML: {out}", flush=True)


def _terminate(signum, frame):
    # run-all.sh's timeout sends SIGTERM: unwind, so that the finally blocks stop httpd and
    # Chromium (both run in sessions of their own, out of reach of the timeout's signal).
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    steps = {"browser": step_browser, "html": step_html, "docs": step_docs}
    if len(argv) != 2 or argv[1] not in steps:
        print(f"usage: {argv[0]} {'|'.join(steps)}", file=sys.stderr)
        return 2
    missing = [f"{name} (Debian package {package})" for var, name, package in NEEDS[argv[1]]
               if not tool(var, name, package)]
    if missing:
        # automake's "skipped": tests/run-all.sh reports the missing tool
        print(f"{argv[1]}: not found: {', '.join(missing)}", flush=True)
        return 77
    chromium = tool("RC_CHROMIUM", "chromium", "chromium")
    if chromium:
        os.environ["RC_CHROMIUM"] = chromium
    counter = Counter()
    pages = page_list(sitedata.shipped())
    workdir = rcserver.make_workdir("rc-browser-")
    server = None
    try:
        try:
            server = rcserver.start_httpd(workdir, [rcserver.shipped_mount(B)])
        except rcserver.HttpdError as e:
            counter.fail("start httpd", str(e))
            return counter.summary()
        steps[argv[1]](server, pages, counter)
    except (Exception, KeyboardInterrupt) as e:  # a failure, not a crash without a summary
        counter.fail(argv[1], f"{type(e).__name__}: {e}")
    finally:
        if server:
            server.stop()
            # The run must leave no warning or crash in httpd's error log.
            wrong = rcserver.check_log_lines(server.log_text().splitlines(), [])
            name = "httpd error log has no warning"
            if wrong:
                counter.fail(name, "\n".join(wrong))
            else:
                counter.ok(name)
        shutil.rmtree(workdir, ignore_errors=True)
    return counter.summary()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
