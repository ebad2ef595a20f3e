"""Hostile requests against the shipped site: overlong values, thousands of parameters, NUL and
control bytes, overlong and invalid UTF-8, %00 / %2F / .. in paths, huge pages and page * per_page
overflow, regex-hungry q, commas, broken %-escapes, long and Unicode paths. Each gets its exact
status (a 4xx, or a 200 where the query is harmless), a body that says what is wrong (for our 400s
the parameter's name), never a 5xx, and the server answers normally afterwards.

Some are answered by httpd itself before the module sees them (414 above LimitRequestLine 8190,
400 for raw control bytes or a path climbing above the root, 404 for %00 and %2F in a path, 403
for a path that .. takes out of the mount): those are recorded as httpd answers them.

The 400 rules themselves (every parameter, every format) are test_listing_errors.py's; the page
file rules through httpd -t are test_config.py's (only the NUL case is added here).
"""

import html
import json
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import rcserver

B = "/rootcauses"
L = f"{B}/section-353.json?"      # the JSON listing: 4 items, countries GT (3), HN, SV, NI
H = f"{B}/section-353?"           # the same listing in HTML
TOTAL = 4
GT_TOTAL = 3

# Characters no page or message of ours may contain: C0 controls but HTML's white space (tab,
# LF, FF, CR), and DEL.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

HTTPD_TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                414: "Request-URI Too Long"}


class Nasty:
    """One hostile request.

    target: the request target, sent as is (str), or raw bytes for what http.client refuses
      to send (control bytes, invalid UTF-8).
    by: "module" (answered by mod_rootcauses) or "httpd" (by httpd itself).
    param: for a module 400, the parameter the error must name (None: the query as a whole).
    says: texts the error message (module) or the body (httpd) must contain.
    check: for a 200, a function of the JSON document.
    log: a regex of the error log line httpd writes for it (warn or worse).
    """

    def __init__(self, name, target, status, by="module", param=None, says=(), check=None,
                 log=None):
        self.name, self.target, self.status, self.by = name, target, status, by
        self.param, self.says, self.check, self.log = param, list(says), check, log

    def __repr__(self):
        return self.name


def total(n):
    def check(doc):
        assert doc["total"] == n, doc
    return check


def past_the_end(pages, per_page=None):
    """A page past the end: no items, the totals of page 1."""
    def check(doc):
        assert doc["items"] == [] and doc["total"] == TOTAL and doc["pages"] == pages, doc
        assert doc["page"] > pages
        if per_page:
            assert doc["per_page"] == per_page
    return check


def many(part, n, sep="&"):
    return sep.join([part] * n)


NASTY = [
    # ---- overlong values
    Nasty("q-10000-chars", L + "q=" + "a" * 10000, 414, "httpd"),
    Nasty("q-3000-chars", L + "q=" + "a" * 3000, 400, param="q",
          says=["3000 characters", "200"]),
    Nasty("from-5000-chars", L + "from=" + "2" * 5000, 400, param="from", says=["not a date"]),
    Nasty("kind-4000-chars", L + "kind=" + "k" * 4000, 400, param="kind",
          says=["not a kind", "action"]),
    Nasty("country-4000-chars", L + "country=" + "x" * 4000, 400, param="country",
          says=["not a country", "GT"]),
    Nasty("query-8000-bytes-unknown-param", L + "x=" + "b" * 8000, 200, check=total(TOTAL)),
    Nasty("request-line-over-8190", L + "x=" + "b" * 8200, 414, "httpd"),
    # ---- thousands of parameters
    Nasty("a=1-x5000", L + many("a=1", 5000), 414, "httpd"),
    Nasty("a=1-x2000-unknown", L + many("a=1", 2000), 200, check=total(TOTAL)),
    Nasty("country=GT-x200", L + many("country=GT", 200), 200, check=total(GT_TOTAL)),
    Nasty("country=GT-x700", L + many("country=GT", 700), 400, says=["parameters"]),
    Nasty("q-x20-of-100-words", L + many("q=" + many("a", 100, "+"), 20), 200),
    Nasty("4000-ampersands", L + "&" * 4000, 200, check=total(TOTAL)),
    Nasty("4000-equals-signs", L + "=" * 4000, 200, check=total(TOTAL)),
    # ---- NUL and control bytes
    Nasty("q=%00", L + "q=%00", 400, param="q", says=["%00"]),
    Nasty("q=a%00b", L + "q=a%00b", 400, param="q", says=["a%00b"]),
    Nasty("country=GT%00", L + "country=GT%00", 400, param="country"),
    Nasty("from=%00", L + "from=%00", 400, param="from"),
    Nasty("encoded-name-q=a%00", L + "%71=a%00", 400, param="q"),
    Nasty("q=a%01b", L + "q=a%01b", 400, param="q"),
    Nasty("q=ESC[31m", L + "q=%1B[31m", 400, param="q"),
    Nasty("q=a%7Fb", L + "q=a%7Fb", 400, param="q"),
    Nasty("raw-0x01-in-query", (L + "q=a\x01b").encode(), 400, "httpd"),
    Nasty("raw-NUL-in-path", f"{B}/pillar-1\x00.json".encode(), 400, "httpd"),
    Nasty("raw-DEL-in-path", f"{B}/pillar\x7f-1".encode(), 400, "httpd"),
    # ---- overlong and invalid UTF-8
    Nasty("q=%C0%AF-overlong-slash", L + "q=%C0%AF", 400, param="q", says=["UTF-8"]),
    Nasty("q=%E0%80%AF-overlong-slash", L + "q=%E0%80%AF", 400, param="q", says=["UTF-8"]),
    Nasty("q=%F0%80%80%AF-overlong-slash", L + "q=%F0%80%80%AF", 400, param="q",
          says=["UTF-8"]),
    Nasty("q=%C0%80-overlong-NUL", L + "q=%C0%80", 400, param="q", says=["UTF-8"]),
    Nasty("q=surrogate", L + "q=%ED%A0%80", 400, param="q", says=["UTF-8"]),
    Nasty("q=above-U+10FFFF", L + "q=%F4%90%80%80", 400, param="q", says=["UTF-8"]),
    Nasty("q=%FF", L + "q=%FF", 400, param="q", says=["UTF-8"]),
    Nasty("country=%C0%AF", L + "country=%C0%AF", 400, param="country", says=["UTF-8"]),
    Nasty("raw-invalid-UTF-8-in-q", (L + "q=a").encode() + b"\xc0\xafb", 400, param="q",
          says=["UTF-8"]),
    Nasty("raw-invalid-UTF-8-in-kind", (L + "kind=").encode() + b"\xff\xfe", 400, param="kind",
          says=["UTF-8"]),
    # ---- %-escapes cut short
    Nasty("q=%", L + "q=%", 400, param="q", says=["%-encoding"]),
    Nasty("q=%4", L + "q=%4", 400, param="q", says=["%-encoding"]),
    Nasty("q=abc%2", L + "q=abc%2", 400, param="q", says=["%-encoding"]),
    Nasty("per_page=%3", L + "per_page=%3", 400, param="per_page"),
    # ---- huge pages, page * per_page overflow
    Nasty("page=10^20", L + "page=99999999999999999999", 200, check=past_the_end(1)),
    Nasty("page=10^20-per_page=100", L + "page=99999999999999999999&per_page=100", 200,
          check=past_the_end(1, 100)),
    Nasty("page=2^63-1-per_page=100", L + "page=9223372036854775807&per_page=100", 200,
          check=past_the_end(1, 100)),
    Nasty("page=2^63-per_page=100", L + "page=9223372036854775808&per_page=100", 200,
          check=past_the_end(1, 100)),
    Nasty("page=2^64+1-per_page=1", L + "page=18446744073709551617&per_page=1", 200,
          check=past_the_end(4, 1)),
    Nasty("page=10^9-per_page=100", L + "page=1000000000&per_page=100", 200,
          check=past_the_end(1, 100)),
    Nasty("page=-2^63", L + "page=-9223372036854775808", 400, param="page"),
    Nasty("page=1e3", L + "page=1e3", 400, param="page", says=["1e3"]),
    Nasty("page=+1", L + "page=%2B1", 400, param="page"),
    Nasty("page=0x10", L + "page=0x10", 400, param="page", says=["0x10"]),
    Nasty("page=arabic-indic-one", L + "page=%D9%A1", 400, param="page"),
    Nasty("per_page=10^20", L + "per_page=99999999999999999999", 400, param="per_page",
          says=["100"]),
    # ---- commas
    Nasty("country=,,,,GT,,,", L + "country=,,,,GT,,,", 200, check=total(GT_TOTAL)),
    Nasty("country=,,,,", L + "country=,,,,", 200, check=total(TOTAL)),
    Nasty("country=4000-commas-GT", L + "country=" + "," * 4000 + "GT", 200,
          check=total(GT_TOTAL)),
    Nasty("country=GT-x2000-comma-separated", L + "country=" + many("GT", 2000, ","), 200,
          check=total(GT_TOTAL)),
    # ---- paths: %00, %2F, .., long, Unicode
    Nasty("path-%00", f"{B}/%00", 404, "httpd"),
    Nasty("path-slug%00.json", f"{B}/section-353%00.json", 404, "httpd"),
    Nasty("path-%2F", f"{B}/%2F", 404, "httpd"),
    Nasty("path-collection%2Fid", f"{B}/reports%2F2022-07-progress-report", 404, "httpd"),
    Nasty("path-..", f"{B}/..", 403, "httpd", log=r"AH01630: client denied"),
    Nasty("path-%2e%2e", f"{B}/%2e%2e/", 403, "httpd", log=r"AH01630: client denied"),
    Nasty("path-../../etc/passwd", f"{B}/../../etc/passwd", 400, "httpd",
          log=r"AH10244: invalid URI path \(/rootcauses/\.\./\.\./etc/passwd\)"),
    Nasty("path-%2e%2e/%2e%2e/etc/passwd", f"{B}/%2e%2e/%2e%2e/etc/passwd", 400, "httpd",
          log=r"AH10244: invalid URI path"),
    Nasty("path-assets/../data.json", f"{B}/assets/../data.json", 404),
    Nasty("path-assets/%2e%2e/data.json", f"{B}/assets/%2e%2e/data.json", 404),
    Nasty("path-assets/..%2fdata.json", f"{B}/assets/..%2fdata.json", 404, "httpd"),
    Nasty("path-assets/../pages/index.html", f"{B}/assets/../pages/index.html", 404),
    Nasty("path-overlong-dots", f"{B}/%C0%AE%C0%AE/data.json", 404),
    Nasty("path-10000-chars", f"{B}/" + "a" * 10000, 414, "httpd"),
    Nasty("path-5000-chars", f"{B}/" + "a" * 5000, 404),
    Nasty("path-reports/200-char-id", f"{B}/reports/" + "a" * 200, 404),
    Nasty("path-reports/200-char-id.json", f"{B}/reports/" + "a" * 200 + ".json", 404),
    Nasty("path-unicode-encoded", f"{B}/p%C3%A1gina", 404),
    Nasty("path-unicode-raw", f"{B}/página".encode(), 404),
    Nasty("path-RLO", f"{B}/%E2%80%AEfdp.json", 404),
    Nasty("path-emoji.json", f"{B}/%F0%9F%92%A9.json", 404),
    Nasty("path-overlong-slash", f"{B}/reports%C0%AF2022-07-progress-report", 404),
]


# ---------------------------------------------------------------- sending

class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)


def raw_get(server, target: bytes) -> Answer:
    """GET target, sent byte for byte, in HTTP/1.0 (the answer ends when httpd closes)."""
    with socket.create_connection((rcserver.HOST, server.port),
                                  timeout=rcserver.REQUEST_TIMEOUT) as s:
        s.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: " + rcserver.HOST.encode() +
                  b"\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return Answer(status, headers, body)


def fetch(server, target) -> Answer:
    if isinstance(target, bytes):
        return raw_get(server, target)
    r = server.get(target)
    return Answer(r.status, {k.lower(): v for k, v in r.headers.items()}, r.body)


def clean_text(body: bytes) -> str:
    """body as UTF-8 without control characters (what any page or message of ours must be)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError(f"the answer is not UTF-8 ({e}): {body[:600]!r}") from None
    m = CONTROL_RE.search(text)
    assert not m, f"control character {m.group()!r} in the answer: {text[:600]!r}"
    return text


def assert_still_healthy(server):
    r = server.get(L + "country=GT")
    assert r.status == 200 and r.json()["total"] == GT_TOTAL, r.dump()


def path_of(target) -> str:
    t = target.decode("utf-8", "replace") if isinstance(target, bytes) else target
    return t.split("?", 1)[0]


# ---------------------------------------------------------------- the table

@pytest.mark.parametrize("case", NASTY, ids=repr)
def test_nasty_request(shipped, expect_log, case):
    if case.log:
        expect_log(case.log)
    a = fetch(shipped, case.target)
    assert a.status < 500, f"{case}: {a.status}: {a.body[:600]!r}"
    assert a.status == case.status, f"{case}: {a.status}: {a.body[:600]!r}"

    if case.by == "httpd":
        text = a.body.decode("utf-8", "replace")
        assert HTTPD_TITLES[case.status] in text, text[:600]
        for s in case.says:
            assert s in text, (s, text[:600])
    elif a.status == 200:
        assert path_of(case.target).endswith(".json")
        doc = a.json()
        if case.check:
            case.check(doc)
    else:
        assert a.header("X-Content-Type-Options") == "nosniff"
        fmt_json = path_of(case.target).endswith(".json")
        if fmt_json:
            assert a.header("Content-Type") == "application/json", a.headers
            clean_text(a.body)
            err = a.json()["error"]
            message = err["message"]
            assert err["status"] == case.status, err
            assert err["parameter"] == case.param, err
        else:
            assert a.header("Content-Type").startswith("text/html"), a.headers
            message = html.unescape(clean_text(a.body))
        if case.status == 404:
            assert "There is no page at this address." in message, message[:600]
        else:
            assert message and len(message) < 1000, message
            if case.param:
                assert re.match(rf"{re.escape(case.param)}\b", message), message
        for s in case.says:
            assert s in message, (s, message)
    assert_still_healthy(shipped)


def test_nasty_queries_in_parallel_answer_as_they_do_one_by_one(shipped):
    """The module's own answers to the table's queries, eight at a time, three rounds: the same
    status and body as one by one (no state shared between requests), and still healthy."""
    cases = [c for c in NASTY if c.by == "module" and not c.log and isinstance(c.target, str)
             and "?" in c.target]
    alone = {c.name: fetch(shipped, c.target) for c in cases}
    with ThreadPoolExecutor(8) as ex:
        answers = list(ex.map(lambda c: (c, fetch(shipped, c.target)), cases * 3))
    for c, a in answers:
        assert a.status < 500, (c, a.status)
        assert (a.status, a.body) == (alone[c.name].status, alone[c.name].body), c
    assert_still_healthy(shipped)


# ---------------------------------------------------------------- other formats of the same

HTML_NASTY = [
    ("q=%C0%AF", H + "q=%C0%AF", "q"),
    ("q=a%00b", H + "q=a%00b", "q"),
    ("q=a%01b", H + "q=a%01b", "q"),
    ("q=ESC[31m", H + "q=%1B[31m", "q"),
    ("from=%01", H + "from=%01", "from"),
    ("from=ESC", H + "from=2021%1B", "from"),
    ("raw-invalid-UTF-8-in-q", (H + "q=a").encode() + b"\xc0\xafb", "q"),
    ("raw-invalid-UTF-8-in-from", (H + "from=").encode() + b"\xe0\x80\xaf", "from"),
    ("q-3000-chars", H + "q=" + "a" * 3000, "q"),
]


@pytest.mark.parametrize("target,param", [(t, p) for _, t, p in HTML_NASTY],
                         ids=[n for n, _, _ in HTML_NASTY])
def test_html_400_of_a_nasty_value_is_valid_utf8_without_control_characters(shipped, target,
                                                                              param):
    """The HTML 400 repeats the bad value in its message and in the form: it must do so as
    valid UTF-8 text without control characters (which HTML forbids)."""
    a = fetch(shipped, target)
    assert a.status == 400, (a.status, a.body[:300])
    text = clean_text(a.body)
    assert re.search(rf"\b{param}\b", html.unescape(text))
    assert_still_healthy(shipped)


@pytest.mark.parametrize("ext", [".csv", ".atom"])
@pytest.mark.parametrize("query", [b"q=a\xc0\xafb", b"q=a%01b", b"from=%1B"],
                         ids=["raw-invalid-UTF-8", "q=a%01b", "from=ESC"])
def test_text_400_of_a_nasty_value_is_utf8_naming_the_parameter(shipped, ext, query):
    a = raw_get(shipped, f"{B}/section-353{ext}?".encode() + query)
    assert a.status == 400, (a.status, a.body[:300])
    assert a.header("Content-Type").startswith("text/plain")
    text = clean_text(a.body)
    param = query.split(b"=")[0].decode()
    assert re.search(rf"^{param}\b", text, re.M), text


@pytest.mark.parametrize("space", ["%09", "%0A", "%0D", "%0C"])
def test_white_space_controls_in_q_separate_words(shipped, space):
    r = shipped.get(f"{L}q=a{space}b")
    assert r.status == 200
    assert r.json() == shipped.get(f"{L}q=a+b").json()


def test_head_of_a_nasty_query_is_400_without_body(shipped):
    r = shipped.head(L + "q=" + "a" * 3000)
    assert r.status == 400 and r.body == b""


# ---------------------------------------------------------------- regex-hungry q

# (q, total): q is words (runs of letters and digits); what is not a letter or digit only
# separates them, and a q without any filters nothing (REFERENCE.md "Listing parameters").
HUNGRY = [
    ("(a%2B)%2B$", TOTAL),                  # the word "a": every item has a word "a..."
    (".*.*.*.*.*.*.*.*", TOTAL),            # no word
    ("a" * 200, 0),
    ("(?:a|a)*b", 0),                       # "a" and "b"
    ("[[[[[[[[", TOTAL),
    ("%5C", TOTAL),
    ("%25s%25n%25x%25s%25n", 0),            # "s", "n", "x"
    ("((((((((((((((((((((", TOTAL),
    ("a%2A" * 66, TOTAL),                   # "a", 66 times: one distinct word
    ("%5E(%5Cw%2B%5Cs?)*$", 1),             # "w" and "s"
    ("x" + "%2A" * 199, 0),
]


@pytest.mark.parametrize("q,total", HUNGRY, ids=[q for q, _ in HUNGRY])
def test_regex_hungry_q_is_plain_text_and_fast(shipped, q, total):
    for fmt in (".json", "", ".csv", ".atom"):
        t0 = time.monotonic()
        r = shipped.get(f"{B}/section-353{fmt}?q={q}")
        assert r.status == 200, r.dump()
        assert time.monotonic() - t0 < 2.0
    r = shipped.get(f"{L}q={q}")
    assert r.json()["total"] == total


# ---------------------------------------------------------------- page files

def test_page_file_name_with_a_nul_byte_fails_httpd_t(workdir):
    """A NUL in a page's file name ("pages/index.html\\u0000../../etc/passwd") cannot cut the
    name short: the data file is refused, naming the JSON path and the value with the NUL
    written as \\u0000. (The other escapes, "..", absolute names, are test_config.py's.)"""
    data = rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")
    d = json.loads(data.read_text(encoding="utf-8"))
    d["pages"][3]["file"] = "pages/index.html\u0000../../../etc/passwd"
    text = json.dumps(d, indent=2, ensure_ascii=False)
    rcserver.write_file(data, text)
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data)])
    assert code != 0, out
    # the value as JSON writes it, "\\u0000"; httpd's error log doubles every backslash
    assert (f"RootCausesData: {data}: pages[3].file is "
            '"pages/index.html\\\\u0000../../../etc/passwd", expected a file name relative to '
            "the data file's folder") in out, out


def test_control_characters_in_the_data_never_reach_html(start_server):
    """The data file may hold control characters in a text (valid JSON, valid UTF-8): HTML may
    not hold the C0 ones but tab, LF, FF and CR, nor DEL or the C1 ones, not even as references,
    so they are dropped there (Atom and the sitemap drop them too; JSON escapes them)."""
    import sitedata
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    d = json.loads(data.read_text(encoding="utf-8"))
    item = sitedata.collection(d, "reports")["items"][0]
    item["title"] = "Ctrl\u0001A\u007fB\u0085C\u009fD \u00e9"
    data.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd)
    for path in [f"{B}/reports", f"{B}/reports/{item['id']}", f"{B}/es/reports"]:
        body = server.get(path).body
        for raw in (b"\x01", b"\x7f", b"\xc2\x85", b"\xc2\x9f"):
            assert raw not in body, (path, raw)
        assert "CtrlABCD é".encode() in body, path
    j = server.get(f"{B}/reports/{item['id']}.json").json()
    assert j["title"] == item["title"]
    # in the item page's JSON-LD they are \u escapes: the same title, read back
    page = server.get(f"{B}/reports/{item['id']}").text
    ld = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(ld)["name"] == item["title"]
    assert "\\u007f" in ld and "\\u0085" in ld and "\\u009f" in ld and "\\u0001" in ld
