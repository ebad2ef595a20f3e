"""Operations (REFERENCE.md "Directives" RootCausesStatus, RootCausesCacheSize; "HTTP headers" content-derived ETags; "Reloading and versions" one
built version per machine, the response cache, server-status): ETags that depend on the files'
contents only, the built image under DefaultRuntimeDir/rootcauses/ (built once for all processes,
rebuilt when damaged), and the "Root Causes" section of mod_status's server-status, HTML and
?auto, with the build and cache figures of the whole server."""

import json
import os
import re
import shutil
import time

import pytest

import rcserver
from rcserver import wait_for
import sitedata

B = "/rootcauses"
SHIPPED = sitedata.shipped()
STATUS_CONF = rcserver.status_conf()
# the layout's hash only where the layout shapes the body: HTML and the sitemap
ETAG_RE = re.compile(r'"[0-9a-f]{16}-(?:[0-9a-f]{8}(\d+)-([hs])|(\d+)-([jcao]))"')


def etag_parts(tag):
    """(page size, format letter) of one of our ETags, or None."""
    m = ETAG_RE.fullmatch(tag)
    return (m.group(1) or m.group(3), m.group(2) or m.group(4)) if m else None
PATHS = [f"{B}/", f"{B}/es/pillar-2", f"{B}/reports", f"{B}/section-353.json?country=GT",
         f"{B}/es/section-353.csv", f"{B}/reports.atom", f"{B}/reports/2022-07-progress-report",
         f"{B}/es/section-353/2022-03-09-nicaragua-action.json", f"{B}/sitemap.xml",
         f"{B}/openapi.json"]


def status_auto(server):
    """The RootCauses...: lines of server-status?auto, as a dict."""
    r = server.get("/server-status?auto")
    assert r.status == 200, r.dump()
    return dict(line.split(": ", 1) for line in r.text.splitlines()
                if line.startswith("RootCauses") and ": " in line)


def site_copy(start_server, mtime=None):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    if mtime is not None:
        for dirpath, _, files in os.walk(data.parent):
            for f in files:
                os.utime(os.path.join(dirpath, f), (mtime, mtime))
    return wd, data


def replace_file(path, text):
    tmp = path.with_name(f".{path.name}.tmp")
    rcserver.write_file(tmp, text)
    os.replace(tmp, path)


# ---------------------------------------------------------------- ETags

def test_etags_are_content_derived_and_equal_on_two_servers(start_server):
    wd1, data1 = site_copy(start_server, mtime=1_600_000_000)
    wd2, data2 = site_copy(start_server, mtime=1_700_000_000)
    one = start_server([rcserver.Mount(B, data=data1)], workdir=wd1)
    two = start_server([rcserver.Mount(B, data=data2)], workdir=wd2)
    letters = {"sitemap.xml": "s", "openapi.json": "o", ".json": "j", ".csv": "c", ".atom": "a"}
    for path in PATHS:
        a, b = one.get(path), two.get(path)
        assert a.status == b.status == 200, path
        assert a.header("ETag") == b.header("ETag"), path
        assert a.header("Last-Modified") != b.header("Last-Modified"), path
        parts = etag_parts(a.header("ETag"))
        assert parts, a.header("ETag")
        base = path.split("?")[0]
        want = next((v for k, v in letters.items() if base.endswith(k)), "h")
        assert parts == ("20", want), path            # RootCausesPageSize, the format
        # and one server's tag is current on the other
        assert two.get(path, headers={"If-None-Match": a.header("ETag")}).status == 304
        # one tag names one body: no file time in it (the Atom feed's <updated> is its newest
        # entry's), except the sitemap's lastmod, which is each page's Last-Modified
        if not base.endswith("sitemap.xml"):
            assert a.body.replace(str(one.port).encode(), b"PORT") == \
                b.body.replace(str(two.port).encode(), b"PORT"), path


def test_etag_follows_the_page_size_and_the_data(start_server):
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data, directives=["RootCausesReloadInterval 1"]),
                           rcserver.Mount("/ten", data=data, directives=["RootCausesPageSize 10"])],
                          workdir=wd, extra_conf=STATUS_CONF)
    a, b = server.get(f"{B}/reports.json"), server.get("/ten/reports.json")
    assert a.header("ETag") != b.header("ETag")
    assert etag_parts(b.header("ETag")) == ("10", "j")
    # the same bytes written again (a new mtime, a new inode) are built again: same ETag
    before = server.get(f"{B}/reports.json")
    time.sleep(1.05)
    replace_file(data, data.read_text(encoding="utf-8"))
    wait_for(lambda: status_auto(server)["RootCausesBuilds"] == "2", what="the rebuild")
    after = server.get(f"{B}/reports.json")
    assert after.header("ETag") == before.header("ETag")
    assert after.header("Last-Modified") != before.header("Last-Modified")


# ---------------------------------------------------------------- the built image

def images(wd):
    return sorted(p.name for p in (wd / "run" / "rootcauses").iterdir())


def test_the_data_is_built_once_into_the_runtime_dir_for_every_process(start_server):
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data, directives=["RootCausesReloadInterval 1"])],
                          workdir=wd, server_conf="StartServers 3", extra_conf=STATUS_CONF)
    names = images(wd)
    assert len([n for n in names if n.endswith(".img")]) == 1, names
    assert all(re.fullmatch(r"data-[0-9a-f]{16}\.(img|lock)", n) for n in names), names
    assert status_auto(server)["RootCausesBuilds"] == "1"

    d = json.loads(data.read_text(encoding="utf-8"))
    d["title"] = "Built Once"
    replace_file(data, json.dumps(d))
    wait_for(lambda: all(b"Built Once</title>" in server.get(f"{B}/").body for _ in range(20)),
             what="every process serving the edit")
    time.sleep(1.2)   # every process has checked since
    auto = status_auto(server)
    assert (auto["RootCausesBuilds"], auto["RootCausesBuildFailures"]) == ("2", "0")
    assert len([n for n in images(wd) if n.endswith(".img")]) == 1


# ---------------------------------------------------------------- server-status

def test_server_status_auto_has_the_root_causes_lines(start_server):
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF)
    for _ in range(3):
        assert server.get(f"{B}/reports.json?country=GT").status == 200
    assert server.get(f"{B}/es/section-353").status == 200
    auto = status_auto(server)
    assert auto["RootCausesFile1Path"] == str(data)
    assert re.fullmatch(r"[0-9a-f]{32}", auto["RootCausesFile1Hash"])
    assert {k: auto[k] for k in (
        "RootCausesFile1Items", "RootCausesFile1Collections", "RootCausesFile1Languages",
        "RootCausesFile1LastError", "RootCausesFile1Builds", "RootCausesFile1BuildFailures",
        "RootCausesDataFiles", "RootCausesItems", "RootCausesBuilds", "RootCausesBuildFailures",
        "RootCausesCacheEntries", "RootCausesCacheHits", "RootCausesCacheMisses")} == {
        "RootCausesFile1Items": "5", "RootCausesFile1Collections": "2",
        "RootCausesFile1Languages": "en es", "RootCausesFile1LastError": "",
        "RootCausesFile1Builds": "1", "RootCausesFile1BuildFailures": "0",
        "RootCausesDataFiles": "1", "RootCausesItems": "5", "RootCausesBuilds": "1",
        "RootCausesBuildFailures": "0",
        "RootCausesCacheEntries": "2", "RootCausesCacheHits": "2", "RootCausesCacheMisses": "2"}
    assert int(auto["RootCausesCacheBytes"]) > 0
    assert abs(int(auto["RootCausesFile1BuiltAt"]) - time.time()) < 120


def test_server_status_html_has_the_root_causes_section(start_server):
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF)
    text = server.get("/server-status").text
    assert "<h2>Root Causes</h2>" in text
    row = re.search(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', text).groups()
    assert row[0] == str(data)
    cells = re.findall(r"<td>(.*?)</td>", row[1])
    # hash, items, collections, languages, built, last check, builds, failed builds, last error
    assert cells[1:4] == ["5", "2", "en es"] and cells[6:] == ["1", "0", "none"]
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT by process \d+", cells[4])
    assert re.search(r"<p>Response cache \(every process\): \d+ entries, \d+ bytes, \d+ hits, "
                     r"\d+ misses</p>", text)


def test_server_status_counts_failed_builds_and_shows_the_error_escaped(start_server, expect_log):
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data, directives=["RootCausesReloadInterval 1"])],
                          workdir=wd, extra_conf=STATUS_CONF)
    d = json.loads(data.read_text(encoding="utf-8"))
    d["collections"][0]["items"][0]["date"] = "<b>2021</b>"
    message = ('collections[0].items[0].date is "<b>2021</b>", expected a date as YYYY, YYYY-MM '
               "or YYYY-MM-DD")
    expect_log(re.escape(f"RootCausesData: {data}: {message}; still serving the last good "
                         "version"))
    replace_file(data, json.dumps(d))
    wait_for(lambda: status_auto(server)["RootCausesBuildFailures"] == "1",
             what="the failed build counted")
    auto = status_auto(server)
    assert auto["RootCausesFile1LastError"] == f"{data}: {message}"
    assert (auto["RootCausesBuilds"], auto["RootCausesFile1Items"]) == ("1", "5")
    html = server.get("/server-status").text
    assert "<td>" + f"{data}: {message}".replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;") + "</td>" in html
    assert "<b>2021" not in html
    assert server.get(f"{B}/reports.json").status == 200


def test_root_causes_status_off_hides_the_section(start_server):
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF,
                          server_conf="RootCausesStatus Off")
    assert status_auto(server) == {}
    assert "Root Causes" not in server.get("/server-status").text


# ---------------------------------------------------------------- the response cache

def test_cache_size_0_serves_the_same_answers_without_a_cache(start_server):
    wd, data = site_copy(start_server)
    cached = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF)
    wd2, data2 = site_copy(start_server)
    plain = start_server([rcserver.Mount(B, data=data2)], workdir=wd2, extra_conf=STATUS_CONF,
                         server_conf="RootCausesCacheSize 0")
    for path in [f"{B}/reports", f"{B}/es/section-353.json?country=ni", f"{B}/reports.atom"] * 2:
        a, b = cached.get(path), plain.get(path)
        assert (a.status, a.header("ETag"), a.header("Link")) == \
            (b.status, b.header("ETag"), b.header("Link"))
        assert a.body.replace(str(cached.port).encode(), b"PORT") == \
            b.body.replace(str(plain.port).encode(), b"PORT")
    auto = status_auto(plain)
    assert (auto["RootCausesCacheEntries"], auto["RootCausesCacheHits"],
            auto["RootCausesCacheMisses"]) == ("0", "0", "0")
    assert status_auto(cached)["RootCausesCacheHits"] == "3"


@pytest.mark.parametrize("a,b", [
    ("country=GT&from=2021", "from=2021&country=gt"),
    ("country=GT,NI", "country=ni&country=Guatemala&utm_source=x"),
    ("kind=action,list&q=corrupt", "q=corrupt&kind=list&kind=action&kind="),
])
def test_equivalent_queries_share_one_cache_entry(start_server, a, b):
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF)
    first, second = server.get(f"{B}/section-353.json?{a}"), server.get(f"{B}/section-353.json?{b}")
    assert first.body == second.body
    auto = status_auto(server)
    assert (auto["RootCausesCacheEntries"], auto["RootCausesCacheHits"]) == ("1", "1")


# spellings of one listing (order, unknown parameters, defaults, names for codes), the one that
# says the most first: a per_page given (even the default one) shows in the page, so it is
# another listing
SPELLINGS = [
    [f"{B}/reports?per_page=20&utm_source=x", f"{B}/reports", f"{B}/reports?sort=-date&page=1"],
    [f"{B}/section-353?from=2021&utm_source=%3Cevil%3E&country=gt",
     f"{B}/section-353?country=GT&from=2021"],
    [f"{B}/es/section-353?kind=list&kind=action&q=corrupci%C3%B3n&x=1",
     f"{B}/es/section-353?q=corrupci%C3%B3n&kind=action,list"],
    [f"{B}/es/reports.atom?country=Guatemala&x=1", f"{B}/es/reports.atom?country=GT"],
]


def test_every_spelling_of_a_listing_gets_the_answer_of_a_server_without_a_cache(start_server):
    """Whichever spelling of a listing came first, the shared cache gives every other spelling
    the answer a server without a cache gives it: the language switch and the alternates carry
    the canonical query, and a given per_page (a hidden field, robots noindex) has its own
    entry, so that nothing of one request reaches another's page."""
    wd, data = site_copy(start_server)
    cached = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF)
    wd2, data2 = site_copy(start_server)
    plain = start_server([rcserver.Mount(B, data=data2)], workdir=wd2, extra_conf=STATUS_CONF,
                         server_conf="RootCausesCacheSize 0")
    for url in [u for group in SPELLINGS for u in group]:
        a, b = cached.get(url), plain.get(url)
        assert a.status == b.status == 200, url
        assert [a.header(h) for h in ("ETag", "X-Robots-Tag", "Link")] == \
            [b.header(h) for h in ("ETag", "X-Robots-Tag", "Link")], url
        assert a.body.replace(str(cached.port).encode(), b"PORT") == \
            b.body.replace(str(plain.port).encode(), b"PORT"), url
    auto = status_auto(cached)
    assert (auto["RootCausesCacheHits"], auto["RootCausesCacheMisses"]) == ("4", "5")

    r = cached.get(f"{B}/reports")
    assert r.header("X-Robots-Tag") is None
    assert "noindex" not in r.text and "per_page" not in r.text and "utm_source" not in r.text
    r = cached.get(f"{B}/section-353?country=GT&from=2021")
    o = cached.origin
    assert re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', r.text) == [
        ("en", f"{o}{B}/section-353?country=GT&amp;from=2021"),
        ("es", f"{o}{B}/es/section-353?country=GT&amp;from=2021"),
        ("x-default", f"{o}{B}/section-353?country=GT&amp;from=2021")]
    assert f'<a href="{B}/es/section-353?country=GT&amp;from=2021" hreflang="es"' in r.text
    assert "evil" not in r.text and "utm_source" not in r.text


SAME_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Content-Type", "Content-Language",
                "Link", "X-Robots-Tag", "Content-Security-Policy", "Content-Length")


def test_repeated_listings_are_the_first_answer_byte_for_byte(start_server):
    """A repeated listing comes from the process's own answers (found by the query string as
    sent, sent without a copy) or from the shared cache: the same body and headers as the
    first, its conditional and HEAD forms as for any answer, and every repeat a hit."""
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF)
    urls = [f"{B}/section-353?q=corrupt", f"{B}/section-353.json?per_page=1&page=2",
            f"{B}/es/section-353.atom?country=GT", f"{B}/section-353?country=gt&utm=%3Cx%3E"]
    firsts = []
    for url in urls:
        first = server.get(url)
        firsts.append(first)
        assert first.status == 200
        for _ in range(9):
            again = server.get(url)
            assert again.status == 200 and again.body == first.body
            assert [again.header(h) for h in SAME_HEADERS] == \
                [first.header(h) for h in SAME_HEADERS]
    assert firsts[0].header("X-Robots-Tag") == "noindex"
    assert 'rel="next"' in firsts[1].header("Link")
    auto = status_auto(server)
    assert (auto["RootCausesCacheHits"], auto["RootCausesCacheMisses"]) == ("36", "4")
    for url in urls:
        tag = server.get(url).header("ETag")
        for _ in range(3):
            r = server.get(url, headers={"If-None-Match": tag})
            assert r.status == 304 and r.body == b"" and r.header("ETag") == tag
        h = server.head(url)
        assert h.status == 200 and h.body == b"" and h.header("ETag") == tag
    # a query with an error is never kept: 400 each time
    for _ in range(3):
        assert server.get(f"{B}/section-353.json?from=2021-13").status == 400


def listing_urls():
    """About 300 distinct listing URLs (distinct cache keys): three formats, two languages,
    both collections, every page size."""
    urls = []
    for n in range(1, 101):
        urls.append(f"{B}/section-353?per_page={n}")
        urls.append(f"{B}/es/reports.json?per_page={n}")
        urls.append(f"{B}/section-353.atom?q=w{n}")
    return urls


def test_a_small_cache_evicts_and_serves_the_same_answers_as_no_cache(start_server):
    """RootCausesCacheSize 64K: far less than the answers to 300 listings. The oldest entries
    go; every answer is still byte for byte the one of a server without a cache."""
    wd, data = site_copy(start_server)
    small = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF,
                         server_conf="RootCausesCacheSize 64K")
    wd2, data2 = site_copy(start_server)
    plain = start_server([rcserver.Mount(B, data=data2)], workdir=wd2, extra_conf=STATUS_CONF,
                         server_conf="RootCausesCacheSize 0")
    urls = listing_urls()
    assert len(set(urls)) == 300
    total = 0
    for url in urls + urls[:50] + urls[::-7]:
        a, b = small.get(url), plain.get(url)
        assert a.status == b.status == 200, url
        assert (a.header("ETag"), a.header("Link"), a.header("Content-Type")) == \
            (b.header("ETag"), b.header("Link"), b.header("Content-Type")), url
        assert a.body.replace(str(small.port).encode(), b"PORT") == \
            b.body.replace(str(plain.port).encode(), b"PORT"), url
        total += len(a.body)
    assert total > 4 * 65536   # the answers could never all fit
    auto = status_auto(small)
    assert int(auto["RootCausesCacheBytes"]) <= 65536
    assert 0 < int(auto["RootCausesCacheEntries"]) < 300
    assert int(auto["RootCausesCacheMisses"]) >= 300
    assert status_auto(plain)["RootCausesCacheEntries"] == "0"


def test_at_most_32_distinct_q_words(start_server):
    """q may hold 32 distinct words (after folding): 32 are fine, 40 that fold to the same 32
    are the same query, 33 are refused."""
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF)
    words = [f"w{i}" for i in range(32)]
    r32 = server.get(f"{B}/section-353.json?q=" + "+".join(words))
    assert r32.status == 200, r32.dump()
    # eight case variants of words already there: still 32 distinct words
    r40 = server.get(f"{B}/section-353.json?q=" + "+".join(words + [f"W{i}" for i in range(8)]))
    assert r40.status == 200, r40.dump()
    assert r40.body == r32.body
    assert r40.header("ETag") == r32.header("ETag")
    # split over several q values: the same
    r2 = server.get(f"{B}/section-353.json?q=" + "+".join(words[:16]) + "&q="
                    + "+".join(words[16:] + ["W31", "w0"]))
    assert r2.status == 200 and r2.body == r32.body
    r33 = server.get(f"{B}/section-353.json?q=" + "+".join(words + ["w32"]))
    assert r33.status == 400
    assert r33.json()["error"]["parameter"] == "q"


@pytest.mark.parametrize("path", [f"{B}/reports.atom?country=GT", f"{B}/reports?country=GT"])
def test_the_cache_key_holds_the_requests_host(start_server, path):
    """HTML and Atom answers hold absolute URLs made from the request's host: the same query
    under another Host is another cache entry, whose links name that host."""
    wd, data = site_copy(start_server)
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd, extra_conf=STATUS_CONF)
    for _ in range(3):   # repeated: answers from the shared cache and each process's own
        a = server.get(path, headers={"Host": "a.example"})
        b = server.get(path, headers={"Host": "b.example"})
        assert a.status == b.status == 200
        assert b"http://a.example/" in a.body and b"b.example" not in a.body
        assert b"http://b.example/" in b.body and b"a.example" not in b.body
        assert a.body.replace(b"a.example", b"b.example") == b.body
    auto = status_auto(server)
    assert (auto["RootCausesCacheEntries"], auto["RootCausesCacheMisses"],
            auto["RootCausesCacheHits"]) == ("2", "2", "4")
