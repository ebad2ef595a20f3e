"""rcserver: start a real httpd with mod_rootcauses for the integration tests, and talk to it.

Standard library only. The environment (set by `make check`, see tests/run-all.sh):

    RC_MODULE         the built mod_rootcauses.so
    RC_HTTPD          the httpd binary (Debian: /usr/sbin/apache2)
    RC_HTTPD_MODULES  httpd's own modules (Debian: /usr/lib/apache2/modules)
    RC_SRCDIR         the top source dir (htdocs/ is the shipped site)
    RC_MPM            event (default), worker or prefork
    RC_PRELOAD        LD_PRELOAD of every httpd started here (not of the tests themselves), e.g.
                      the ASan runtime for an ASan-built module (tests/sanitize/README.md)
    RC_HTTPD_ENV      more environment for httpd: NAME=VALUE words separated by white space
                      (e.g. "ASAN_OPTIONS=detect_leaks=0:log_path=/tmp/x/asan")

Everything httpd reads is copied into a work dir under /tmp that the www-data workers can read
(tests run as root, and the checkout may be in a folder www-data cannot enter).

    server = start_httpd(workdir, [Mount("/rootcauses", data="/path/to/data.json",
                                         directives=["RootCausesMaxAge 60"])])
    r = server.get("/rootcauses/")          # Response: status, headers, body
    server.stop()

    code, output = check_config(workdir, mounts)   # httpd -t on a generated httpd.conf
"""

import dataclasses
import http.client
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Sequence, Union

HOST = "127.0.0.1"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 15.0

PathLike = Union[str, os.PathLike]


# ---------------------------------------------------------------- environment

def _env(name: str, default: Optional[str] = None) -> str:
    value = os.environ.get(name, default)
    if not value:
        raise RuntimeError(f"{name} is not set (make check sets it; see tests/run-all.sh)")
    return value


def srcdir() -> Path:
    return Path(_env("RC_SRCDIR", str(Path(__file__).resolve().parents[2])))


def module_path() -> Path:
    return Path(_env("RC_MODULE", str(srcdir() / "mod_rootcauses/.libs/mod_rootcauses.so")))


def httpd_binary() -> str:
    return _env("RC_HTTPD", shutil.which("apache2") or shutil.which("httpd") or "/usr/sbin/apache2")


def httpd_modules() -> Path:
    return Path(_env("RC_HTTPD_MODULES", "/usr/lib/apache2/modules"))


def default_mpm() -> str:
    mpm = os.environ.get("RC_MPM", "") or "event"
    if mpm not in ("event", "worker", "prefork"):
        raise RuntimeError(f"RC_MPM must be event, worker or prefork, not {mpm!r}")
    return mpm


def httpd_env() -> dict:
    """The environment of every httpd started here: ours, plus RC_PRELOAD as LD_PRELOAD and the
    NAME=VALUE words of RC_HTTPD_ENV."""
    env = dict(os.environ)
    preload = os.environ.get("RC_PRELOAD", "").strip()
    if preload:
        env["LD_PRELOAD"] = preload
    for word in os.environ.get("RC_HTTPD_ENV", "").split():
        name, sep, value = word.partition("=")
        if not sep or not name:
            raise RuntimeError(f"RC_HTTPD_ENV: {word!r} is not NAME=VALUE")
        env[name] = value
    return env


def shipped_htdocs() -> Path:
    return srcdir() / "htdocs"


# ---------------------------------------------------------------- files

def make_workdir(prefix: str = "rc-it-") -> Path:
    """A fresh folder under /tmp that www-data can enter."""
    d = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    d.chmod(0o755)
    return d


def make_readable(top: PathLike) -> None:
    """chmod 755 every folder under top (and top), a+r every file: httpd's workers run as
    www-data when the tests run as root."""
    top = Path(top)
    if top.is_dir():
        top.chmod(0o755)
        for dirpath, dirnames, filenames in os.walk(top):
            for d in dirnames:
                p = Path(dirpath, d)
                if not p.is_symlink():
                    p.chmod(0o755)
            for f in filenames:
                p = Path(dirpath, f)
                if not p.is_symlink():
                    p.chmod(p.stat().st_mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    elif top.exists():
        top.chmod(top.stat().st_mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def write_file(path: PathLike, content: Union[str, bytes]) -> Path:
    """Writes content (str as UTF-8), creating folders, readable by everyone."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    path.chmod(0o644)
    return path


def copy_site(src: PathLike, dest: PathLike) -> Path:
    """Copies a site folder (data.json, pages/, assets/, ...) to dest; returns dest/data.json."""
    src, dest = Path(src), Path(dest)
    shutil.copytree(src, dest, dirs_exist_ok=True)
    make_readable(dest)
    return dest / "data.json"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- configuration

@dataclasses.dataclass
class Mount:
    """One <Location path> with SetHandler rootcauses.

    data: the data file, or a folder holding data.json (None: no RootCausesData line). If it
      is outside the work dir, its folder is copied into the work dir first and the copy is
      served (Server.data_file() names it). A relative path is relative to ServerRoot, the
      work dir, and is written as is.
    layout: a RootCausesLayout file, copied the same way when outside the work dir.
    directives: more lines inside the <Location> (e.g. "RootCausesMaxAge 60").
    assets: add the Alias and <Location path/assets> SetHandler none of the shipped conf, for
      the "assets" folder beside the data file.
    """
    path: str
    data: Optional[PathLike] = None
    directives: Sequence[str] = ()
    layout: Optional[PathLike] = None
    assets: bool = True


def _as_mounts(locations) -> List[Mount]:
    if isinstance(locations, Mount):
        locations = [locations]
    out = []
    for loc in locations:
        if isinstance(loc, Mount):
            out.append(loc)
        elif isinstance(loc, dict):
            out.append(Mount(**loc))
        elif isinstance(loc, (tuple, list)):
            out.append(Mount(*loc))
        else:
            raise TypeError(f"not a mount: {loc!r}")
    return out


def _q(s: PathLike) -> str:
    """A quoted httpd.conf argument."""
    s = str(s)
    if '"' in s or "\n" in s:
        raise ValueError(f"cannot quote {s!r} for httpd.conf")
    return f'"{s}"'


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclasses.dataclass
class Config:
    """A generated httpd.conf and what it names."""
    workdir: Path
    path: Path
    port: int
    mpm: str
    mounts: List[Mount]
    error_log: Path
    data_files: dict  # mount path -> the data file httpd reads


def _localise(workdir: Path, original: Optional[PathLike], n: int, kind: str,
              copied: dict) -> Optional[Path]:
    """The file in workdir that stands for original: original itself when inside workdir, else
    a copy of its folder (one copy per folder) under workdir/<kind><n>/."""
    if original is None:
        return None
    original = Path(original)
    if kind == "site" and original.is_absolute() and original.is_dir():
        original = original / "data.json"
    if not original.is_absolute() or _inside(original, workdir):
        return original
    folder = original.resolve().parent
    if folder in (Path("/"), Path("/tmp"), Path(tempfile.gettempdir()), Path.home()):
        raise ValueError(f"{original}: put it in a folder of its own, not in {folder}, "
                         "which would be copied whole into the work dir")
    if folder not in copied:
        dest = workdir / f"{kind}{n}"
        shutil.copytree(folder, dest, dirs_exist_ok=True)
        copied[folder] = dest
    return copied[folder] / original.name


def write_httpd_conf(workdir: PathLike, locations, mpm: Optional[str] = None,
                     extra_conf: str = "", server_conf: str = "",
                     port: Optional[int] = None, conf_name: str = "httpd.conf") -> Config:
    """Writes workdir/httpd.conf (and copies the module and outside files into workdir).

    server_conf goes before the <Location> sections (server-wide directives, e.g.
    RootCausesMaxAge in server context); extra_conf after them (more sections, vhosts).
    A relative RootCausesData path in Mount.data is written as is (relative to ServerRoot,
    which is workdir).
    """
    workdir = Path(workdir)
    mounts = _as_mounts(locations)
    mpm = mpm or default_mpm()
    port = port or free_port()
    mods = httpd_modules()
    for sub in ("modules", "logs", "run", "www"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    so = workdir / "modules" / "mod_rootcauses.so"
    if not so.exists():
        shutil.copy2(module_path(), so)
    error_log = workdir / "logs" / "error_log"

    lines = [
        "# generated by tests/integration/rcserver.py",
        f"ServerRoot {_q(workdir)}",
        f"Listen {HOST}:{port}",
        f"ServerName {HOST}",
        f"PidFile {_q(workdir / 'run' / 'httpd.pid')}",
        f"DefaultRuntimeDir {_q(workdir / 'run')}",
        f"ErrorLog {_q(error_log)}",
        "LogLevel warn",
    ]
    if os.geteuid() == 0:
        lines += ["User www-data", "Group www-data"]
    lines += [
        f"LoadModule mpm_{mpm}_module {_q(mods / f'mod_mpm_{mpm}.so')}",
        f"LoadModule authz_core_module {_q(mods / 'mod_authz_core.so')}",
        f"LoadModule alias_module {_q(mods / 'mod_alias.so')}",
        f"LoadModule mime_module {_q(mods / 'mod_mime.so')}",
        f"LoadModule rootcauses_module {_q(so)}",
        "TypesConfig /etc/mime.types",
        f"DocumentRoot {_q(workdir / 'www')}",
        "<Directory />",
        "    Options None",
        "    AllowOverride None",
        "    Require all denied",
        "</Directory>",
    ]
    # Few processes and threads: quick to start and stop, enough for the tests.
    if mpm == "prefork":
        lines += ["StartServers 2", "MinSpareServers 1", "MaxSpareServers 4"]
    else:
        lines += ["StartServers 1", "ServerLimit 4", "ThreadsPerChild 16",
                  "MaxRequestWorkers 64", "MinSpareThreads 1", "MaxSpareThreads 64"]
    if server_conf:
        lines.append(server_conf)

    copied: dict = {}
    data_files = {}
    for n, m in enumerate(mounts):
        data = _localise(workdir, m.data, n, "site", copied)
        layout = _localise(workdir, m.layout, n, "layout", copied)
        lines.append(f"<Location {_q(m.path)}>")
        lines.append("    SetHandler rootcauses")
        if data is not None:
            lines.append(f"    RootCausesData {_q(data)}")
            data_files[m.path] = data if data.is_absolute() else workdir / data
        if layout is not None:
            lines.append(f"    RootCausesLayout {_q(layout)}")
        for d in m.directives:
            lines.append(f"    {d}")
        lines.append("    Require all granted")
        lines.append("</Location>")
        if m.assets and data is not None:
            assets = (data if data.is_absolute() else workdir / data).parent / "assets"
            base = m.path.rstrip("/")
            lines += [
                f"Alias {_q(base + '/assets')} {_q(assets)}",
                f"<Location {_q(base + '/assets')}>",
                "    SetHandler none",
                "</Location>",
                f"<Directory {_q(assets)}>",
                "    Require all granted",
                "</Directory>",
            ]
    if extra_conf:
        lines.append(extra_conf)
    conf = workdir / conf_name
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    make_readable(workdir)
    return Config(workdir=workdir, path=conf, port=port, mpm=mpm, mounts=mounts,
                  error_log=error_log, data_files=data_files)


def httpd_t(conf: PathLike, timeout: float = 30.0):
    """Runs `httpd -t -f conf`; returns (exit code, stdout and stderr together)."""
    p = subprocess.run([httpd_binary(), "-t", "-f", str(conf)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout, env=httpd_env())
    return p.returncode, p.stdout.decode("utf-8", "replace")


def check_config(workdir: PathLike, locations, **kwargs):
    """write_httpd_conf then httpd_t: (exit code, output)."""
    cfg = write_httpd_conf(workdir, locations, **kwargs)
    return httpd_t(cfg.path)


# ---------------------------------------------------------------- HTTP client

class Response:
    """status, reason, headers (http.client.HTTPMessage: case-insensitive, .get_all(name)
    keeps repeated headers), body (bytes)."""

    def __init__(self, method: str, path: str, status: int, reason: str, headers, body: bytes):
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        import json
        return json.loads(self.body)

    def header(self, name: str) -> Optional[str]:
        """The only value of header name (None if absent); fails if it is repeated."""
        values = self.headers.get_all(name) or []
        assert len(values) <= 1, f"{name} repeated in the response: {values!r}"
        return values[0] if values else None

    def __repr__(self):
        return f"<Response {self.method} {self.path}: {self.status} {self.reason}>"

    def dump(self) -> str:
        head = "".join(f"{k}: {v}\n" for k, v in self.headers.items())
        body = self.body[:2000].decode("utf-8", "replace")
        return f"{self.status} {self.reason}\n{head}\n{body}"


def request(port: int, method: str, path: str, headers: Optional[dict] = None,
            body: Optional[bytes] = None, host: str = HOST,
            timeout: float = REQUEST_TIMEOUT) -> Response:
    """One request on a new connection. path is sent exactly as given (no normalisation, no
    escaping: "/rootcauses/%2e%2e/" and "/rootcauses/%zz" go out as they are). headers may
    replace Host; headers given as a list of (name, value) pairs may repeat a name."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        names = {k.lower() for k, _ in items}
        conn.putrequest(method, path, skip_host="host" in names,
                        skip_accept_encoding="accept-encoding" in names)
        for k, v in items:
            conn.putheader(k, v)
        if body is not None and "content-length" not in names:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
        return Response(method, path, resp.status, resp.reason, resp.msg, data)
    finally:
        conn.close()


def raw_request(port: int, data: bytes, host: str = HOST, timeout: float = REQUEST_TIMEOUT) -> bytes:
    """Sends data as is and returns everything the server answers until it closes."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


# ---------------------------------------------------------------- the server

class HttpdError(Exception):
    pass


_LEVEL_RE = re.compile(r"^\[[^\]]*\] \[(?:[\w.-]*:)?(emerg|alert|crit|error|warn)\]")


def is_problem(line: str) -> bool:
    """Whether an error log line is at level warn or worse."""
    return bool(_LEVEL_RE.match(line))


def problem_lines(text: str) -> List[str]:
    """The error log lines at level warn or worse."""
    return [line for line in text.splitlines() if is_problem(line)]


# A child that dies of a signal is logged at notice level; it is a failure all the same.
# So is a sanitizer report that reaches the error log (UBSan's always do: tests/sanitize/README.md).
_CRASH_RE = re.compile(r"AH00052|exit signal|Segmentation fault|Aborted|double free"
                       r"|: runtime error: |ERROR: AddressSanitizer|ERROR: LeakSanitizer")


# An expected log line that may come or not (expect_log(regex, count=rcserver.ANY)).
ANY = -1


def check_log_lines(lines: Sequence[str], expected: Sequence[tuple]) -> List[str]:
    """What is wrong with error log lines a test caused: lines at level warn or worse (or child
    crashes) that no expected (regex, count) matches, and expectations not met (count None: at
    least one matching line; else exactly count). Returns messages; [] when all is well."""
    expected = [(re.compile(rx) if isinstance(rx, str) else rx, n) for rx, n in expected]
    wrong = []
    for line in lines:
        if (is_problem(line) or _CRASH_RE.search(line)) and \
                not any(rx.search(line) for rx, _ in expected):
            wrong.append(f"unexpected error log line: {line}")
    for rx, count in expected:
        n = sum(1 for line in lines if rx.search(line))
        if count == ANY:
            continue
        if (count is None and n == 0) or (count is not None and n != count):
            want = "at least one line" if count is None else f"{count} line(s)"
            wrong.append(f"expected error log line {rx.pattern!r}: wanted {want}, found {n}")
    return wrong


# Shutdown noise of the event MPM, dropped from what stop() keeps of the error log: a worker that
# finishes a keep-alive response or starts a lingering close after SIGTERM cannot put the
# connection back into the pollset the exiting child has closed (AH03093, AH03092; seen when
# httpd is slow, e.g. under ASan).
#
# Also a child of the event MPM that dies of SIGSEGV while it stops (after SIGTERM only: a crash
# before is a failure). It is httpd's, not this module's: tests/integration/shutdown_crash_repro.py
# reproduces it without mod_rootcauses, with the same config and the traffic of
# test_request_in_flight_finishes_on_its_version (a slow client, SendBufferSize 8192, then
# SIGTERM) and a static file that mod_deflate streams through a worker thread:
#     /usr/bin/python3 tests/integration/shutdown_crash_repro.py 100
# crashed in 12 of 100 runs (19 of 150 with an earlier version of that script; the test itself,
# with the module: 10 of 40). Core dumps of both, taken with httpd run as an unprivileged user,
# have the same stack: the child's main thread in apr_os_sock_get() called from mod_mpm_event.so
# while a worker thread destroys a connection's pool (apr_allocator_destroy, munmap); no frame
# of this module, whose loader thread waits idle. With a plain static file (whose writing the MPM
# hands to its listener thread; --static) it did not crash in 60 runs (nor in 120 with the earlier
# version). The ASan, valgrind and stress steps watch the module's own shutdown.
_SHUTDOWN_NOISE_RE = re.compile(rb"AH03093: process_socket: apr_pollset_add failure for keep alive"
                                rb"|AH03092: process_lingering_close: apr_pollset_add failure"
                                rb"|AH00052: child pid \d+ exit signal Segmentation fault")


class Server:
    """A running httpd (ours: started in the foreground, so proc.pid is httpd's parent)."""

    def __init__(self, config: Config, proc: subprocess.Popen, stderr_path: Path):
        self.config = config
        self.proc = proc
        self.stderr_path = stderr_path
        self._final_log: Optional[bytes] = None  # the error log as it was when stopped

    # -- what it is
    @property
    def workdir(self) -> Path:
        return self.config.workdir

    @property
    def port(self) -> int:
        return self.config.port

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def error_log(self) -> Path:
        return self.config.error_log

    def data_file(self, mount: Optional[str] = None) -> Path:
        """The data file httpd reads for mount (the only or first mount by default)."""
        files = self.config.data_files
        if mount is None:
            return next(iter(files.values()))
        return files[mount]

    def running(self) -> bool:
        return self.proc.poll() is None

    # -- requests
    def request(self, method: str, path: str, headers=None, body: Optional[bytes] = None,
                **kw) -> Response:
        return request(self.port, method, path, headers=headers, body=body, **kw)

    def get(self, path: str, headers=None, **kw) -> Response:
        return self.request("GET", path, headers=headers, **kw)

    def head(self, path: str, headers=None, **kw) -> Response:
        return self.request("HEAD", path, headers=headers, **kw)

    def raw(self, data: bytes) -> bytes:
        return raw_request(self.port, data)

    # -- the error log
    def _log_bytes(self) -> bytes:
        if self._final_log is not None:
            return self._final_log
        try:
            return self.error_log.read_bytes()
        except FileNotFoundError:
            return b""

    def log_size(self) -> int:
        """The error log's size in bytes: an offset for log_text(since)."""
        if self._final_log is not None:
            return len(self._final_log)
        try:
            return self.error_log.stat().st_size
        except FileNotFoundError:
            return 0

    def log_text(self, since: int = 0) -> str:
        """The error log from byte offset since (still readable after stop() and the work
        dir's removal)."""
        return self._log_bytes()[since:].decode("utf-8", "replace")

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_log(self, pattern: str, since: int = 0, timeout: float = 10.0) -> re.Match:
        """Waits until the error log (from offset since) matches pattern; returns the match."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.log_text(since))
            if m:
                return m
            if time.monotonic() > deadline:
                raise HttpdError(f"no {pattern!r} in {self.error_log} after {timeout}s:\n"
                                 f"{self.log_text(since)[-4000:]}")
            time.sleep(0.05)

    # -- restarts (for reload tests)
    def _restart(self, sig: int, timeout: float) -> None:
        since = self.log_size()
        os.kill(self.pid, sig)
        self.wait_log(r"resuming normal operations", since=since, timeout=timeout)
        wait_for_port(self.port, self.proc, timeout, self)

    def graceful(self, timeout: float = 10.0) -> None:
        """A graceful restart (SIGUSR1); returns when the new generation is up."""
        self._restart(signal.SIGUSR1, timeout)

    def restart(self, timeout: float = 10.0) -> None:
        """A restart (SIGHUP); returns when the new generation is up."""
        self._restart(signal.SIGHUP, timeout)

    # -- stopping
    def stop(self) -> None:
        """SIGTERM to httpd's parent, wait; SIGKILL to its process group if it does not go."""
        stop_offset = self.log_size()
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        # The parent is gone (or stuck): make sure no child of ours lingers. httpd was started
        # in a session of its own, so its process group id is its pid.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        if self._final_log is None:
            log = self._log_bytes()
            tail = b"".join(line for line in log[stop_offset:].splitlines(keepends=True)
                            if not _SHUTDOWN_NOISE_RE.search(line))
            self._final_log = log[:stop_offset] + tail

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def wait_for(pred, timeout: float = 15.0, what: str = "the condition") -> None:
    """Polls pred every 0.1 s until it holds; fails naming what when timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, f"{what} did not hold within {timeout}s"
        time.sleep(0.1)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float, server=None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise HttpdError(f"httpd exited with status {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise HttpdError(f"httpd did not answer on {HOST}:{port} within {timeout}s")
        time.sleep(0.02)


def _start(config: Config, timeout: float) -> Server:
    stderr_path = config.workdir / "logs" / "httpd.stderr"
    out = open(stderr_path, "ab")
    try:
        proc = subprocess.Popen([httpd_binary(), "-f", str(config.path), "-DFOREGROUND"],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                cwd=str(config.workdir), start_new_session=True,
                                env=httpd_env())
    finally:
        out.close()
    server = Server(config, proc, stderr_path)
    try:
        wait_for_port(config.port, proc, timeout)
        # The port is open before the MPM has set its signal handlers (and before the children
        # exist); "resuming normal operations" comes after: a SIGUSR1 before it would kill httpd.
        server.wait_log(r"resuming normal operations", timeout=timeout)
    except HttpdError as e:
        server.stop()
        raise HttpdError(f"{e}\nconf: {config.path}\n--- stderr:\n{server.stderr_text()[-4000:]}"
                         f"\n--- error log:\n{server.log_text()[-4000:]}") from None
    return server


def start_httpd(workdir: PathLike, locations, mpm: Optional[str] = None, extra_conf: str = "",
                server_conf: str = "", check: bool = True,
                timeout: float = START_TIMEOUT) -> Server:
    """Writes httpd.conf in workdir for locations (Mount objects, dicts or tuples), checks it
    with httpd -t (check=True) and starts httpd in the foreground on a free port. Raises
    HttpdError, with httpd's output and error log, when it does not come up."""
    workdir = Path(workdir)
    last = None
    for attempt in range(3):
        config = write_httpd_conf(workdir, locations, mpm=mpm, extra_conf=extra_conf,
                                  server_conf=server_conf)
        if check:
            code, output = httpd_t(config.path)
            if code != 0:
                raise HttpdError(f"httpd -t -f {config.path} failed ({code}):\n{output}")
        try:
            return _start(config, timeout)
        except HttpdError as e:
            # Someone may have taken the free port between our check and httpd's bind.
            if "Address already in use" not in str(e):
                raise
            last = e
    raise last


def status_conf() -> str:
    """mod_status loaded and /server-status answering (extra_conf of start_httpd)."""
    return (f"LoadModule status_module {_q(httpd_modules() / 'mod_status.so')}\n"
            '<Location "/server-status">\n    SetHandler server-status\n'
            "    Require all granted\n</Location>")


def shipped_mount(path: str = "/rootcauses", directives: Sequence[str] = ()) -> Mount:
    """The shipped site (htdocs/) at path."""
    return Mount(path, data=shipped_htdocs() / "data.json", directives=directives)
