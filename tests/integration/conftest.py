"""Fixtures for the integration tests: real httpd servers with mod_rootcauses (see rcserver.py).

Fixtures:
    shipped              session: the shipped htdocs/ at /rootcauses (the demo conf's setup)
    start_server         a factory: start_server(locations, workdir=None, mpm=None,
                         extra_conf="", server_conf="", check=True) -> rcserver.Server;
                         locations are rcserver.Mount("/path", data=..., directives=[...]);
                         each server gets a fresh work dir unless workdir= is given
                         (start_server.workdir() makes one, to copy a site into first);
                         all are stopped (and their work dirs removed) after the test
    start_module_server  the same factory, but the servers live until the end of the module
    workdir              a fresh folder under /tmp that www-data can read, removed afterwards
    expect_log           expect_log(regex, count=None): this test expects error-log lines at
                         level warn or worse that match regex (at least one, or exactly count)

The autouse check: after each test, every server that ran during it must have gained no error
log line at level warn or worse (nor a child crash) that no expect_log / @pytest.mark.expect_log
of the test matches; otherwise the test errors with those lines.

    @pytest.mark.expect_log(r"RootCausesData: .* still serving the last good version")
    def test_...(...):

RC_MPM=event|worker|prefork picks the MPM of every server (default event); RC_KEEP=1 keeps the
work dirs of the servers for a look afterwards.
"""

import os
import re
import shutil

import pytest

import rcserver

# Every server started in this session, for the error log check.
_servers = []


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "expect_log(regex, count=None): the test expects error log lines "
                   "(warn or worse) matching regex")


def pytest_report_header(config):
    return (f"mod_rootcauses: RC_MPM={os.environ.get('RC_MPM') or 'event'} "
            f"RC_HTTPD={os.environ.get('RC_HTTPD', '(unset)')}")


def _remove(path):
    if not os.environ.get("RC_KEEP"):
        shutil.rmtree(path, ignore_errors=True)


class ServerFactory:
    """Starts servers in fresh work dirs; close() stops them all and removes the dirs."""

    def __init__(self):
        self.servers = []
        self.dirs = []

    def workdir(self):
        d = rcserver.make_workdir()
        self.dirs.append(d)
        return d

    def __call__(self, locations, workdir=None, **kwargs):
        workdir = workdir or self.workdir()
        server = rcserver.start_httpd(workdir, locations, **kwargs)
        self.servers.append(server)
        _servers.append(server)
        return server

    def close(self):
        for s in self.servers:
            s.stop()
        for d in self.dirs:
            _remove(d)


@pytest.fixture(scope="session")
def shipped():
    """The shipped site at /rootcauses, shared by the whole session."""
    f = ServerFactory()
    try:
        yield f([rcserver.shipped_mount("/rootcauses")])
    finally:
        f.close()


@pytest.fixture
def start_server():
    f = ServerFactory()
    try:
        yield f
    finally:
        f.close()


@pytest.fixture(scope="module")
def start_module_server():
    f = ServerFactory()
    try:
        yield f
    finally:
        f.close()


@pytest.fixture
def workdir():
    d = rcserver.make_workdir()
    try:
        yield d
    finally:
        _remove(d)


@pytest.fixture
def expect_log(request):
    def expect(regex, count=None):
        request.node._rc_expected_logs.append((re.compile(regex), count))
    return expect


@pytest.fixture(autouse=True)
def _error_log_check(request):
    expected = request.node._rc_expected_logs = []
    for mark in request.node.iter_markers("expect_log"):
        count = mark.kwargs.get("count", mark.args[1] if len(mark.args) > 1 else None)
        expected.append((re.compile(mark.args[0]), count))
    before = {id(s): s.log_size() for s in _servers}
    yield
    lines = []
    for s in _servers:
        lines += [f"{line}" for line in s.log_text(before.get(id(s), 0)).splitlines()]
    wrong = rcserver.check_log_lines(lines, expected)
    if wrong:
        pytest.fail("\n".join(wrong), pytrace=False)
