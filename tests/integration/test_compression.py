"""docs/REFERENCE.md "HTTP headers" with httpd's compression filters in front (issue 14):
mod_deflate, with Debian's deflate.conf plus the module's JSON, CSV and Atom types, and mod_brotli,
each through mod_filter (AddOutputFilterByType) and on every response (SetOutputFilter). A plain GET
gets the compressed body and the filter's suffixed ETag ("...-gzip", "...-br"); a browser that
revalidates with that tag gets a 304 on every kind of response, carrying the compressed 200's ETag,
Content-Encoding and Vary, so that mod_cache in front keeps its compressed copy; the suffixed tag of
an older data version still gets a 200; without compression nothing changes.

ETags are read from responses, never written out: only the suffix is the filters' own format
(DeflateAlterETag and BrotliAlterETag AddSuffix, their default).
"""

import copy
import ctypes
import ctypes.util
import email.utils
import gzip
import json
import os
import time

import pytest

import rcserver
import sitedata

B = "/rootcauses"
REPORT = "2022-07-progress-report"
PATHS = ["/", "/pillar-1", "/reports?country=GT", "/reports.json?country=GT",
         "/reports.csv?country=GT", "/reports.atom?country=GT", "/section-353.json?from=2021",
         f"/reports/{REPORT}", f"/reports/{REPORT}.json"]
TYPES = "application/json text/csv application/atom+xml"

# Debian's /etc/apache2/mods-available/deflate.conf, then the module's other types
DEBIAN_DEFLATE_CONF = """\
<IfModule mod_filter.c>
	AddOutputFilterByType DEFLATE text/html text/plain text/xml text/css text/javascript
	AddOutputFilterByType DEFLATE application/x-javascript application/javascript application/ecmascript
	AddOutputFilterByType DEFLATE application/rss+xml
	AddOutputFilterByType DEFLATE application/wasm
	AddOutputFilterByType DEFLATE application/xml
</IfModule>
"""


def compression_conf(coding: str, how: str = "bytype") -> str:
    """mod_deflate (coding gzip) or mod_brotli (br) on the module's types through mod_filter
    (how "bytype", as Debian's deflate.conf does it), or on every response ("set")."""
    mods = rcserver.httpd_modules()
    lines = [f'LoadModule filter_module "{mods}/mod_filter.so"']
    name = "DEFLATE" if coding == "gzip" else "BROTLI_COMPRESS"
    if coding == "gzip":
        lines.append(f'LoadModule deflate_module "{mods}/mod_deflate.so"')
    else:
        lines.append(f'LoadModule brotli_module "{mods}/mod_brotli.so"')
    if how == "set":
        lines.append(f"SetOutputFilter {name}")
    elif coding == "gzip":
        lines += [DEBIAN_DEFLATE_CONF, f"AddOutputFilterByType DEFLATE {TYPES}"]
    else:
        lines.append(f"AddOutputFilterByType BROTLI_COMPRESS text/html {TYPES}")
    return "\n".join(lines)


def decode(coding: str, body: bytes) -> bytes:
    if coding == "gzip":
        return gzip.decompress(body)
    lib = ctypes.util.find_library("brotlidec")
    if not lib:
        pytest.skip("no libbrotlidec to check the body of a brotli answer")
    dec = ctypes.CDLL(lib)
    out = ctypes.create_string_buffer(len(body) * 64 + 65536)
    size = ctypes.c_size_t(len(out))
    assert dec.BrotliDecoderDecompress(ctypes.c_size_t(len(body)), body, ctypes.byref(size),
                                       out) == 1
    return out.raw[:size.value]


def suffixed(etag: str, coding: str) -> str:
    """etag as mod_deflate or mod_brotli sends it: the suffix inside the closing quote."""
    assert etag.endswith('"'), etag
    return f'{etag[:-1]}-{coding}"'


def weak(etag: str) -> str:
    return etag if etag.startswith("W/") else "W/" + etag


COMPRESSIONS = [("gzip", "bytype"), ("br", "bytype"), ("gzip", "set"), ("br", "set")]


@pytest.fixture(scope="module", params=COMPRESSIONS,
                ids=[f"{'deflate' if c == 'gzip' else 'brotli'}-{h}" for c, h in COMPRESSIONS])
def compressed(request, start_module_server):
    """A copy of the shipped site behind mod_deflate or mod_brotli: (server, coding)."""
    coding, how = request.param
    wd = start_module_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_module_server([rcserver.Mount(B, data=data)], workdir=wd,
                                 server_conf=compression_conf(coding, how))
    return server, coding


def get(server, path, coding=None, method="GET", **headers):
    if coding:
        headers["Accept-Encoding"] = coding
    return server.request(method, B + path, headers={k.replace("_", "-"): v
                                                     for k, v in headers.items()})


def first_answers(server, coding, path):
    """(the uncompressed 200, the compressed 200) of path."""
    plain = get(server, path)
    packed = get(server, path, coding)
    assert plain.status == 200 and packed.status == 200, packed.dump()
    assert plain.header("Content-Encoding") is None
    assert packed.header("Content-Encoding") == coding, f"{path}: {packed.dump()}"
    return plain, packed


# ---------------------------------------------------------------- compressed answers

@pytest.mark.parametrize("path", PATHS)
def test_plain_get_gives_the_compressed_body_and_the_suffixed_etag(compressed, path):
    server, coding = compressed
    plain, packed = first_answers(server, coding, path)
    assert decode(coding, packed.body) == plain.body
    assert packed.header("ETag") == suffixed(plain.header("ETag"), coding)
    assert "Accept-Encoding" in packed.header("Vary")
    assert packed.header("Last-Modified") == plain.header("Last-Modified")


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", PATHS)
def test_if_none_match_with_the_suffixed_etag_gives_304(compressed, path, method):
    server, coding = compressed
    _, packed = first_answers(server, coding, path)
    r = get(server, path, coding, method, If_None_Match=packed.header("ETag"))
    assert r.status == 304, f"{path}: {r.dump()}"
    assert r.body == b""
    # the 304 says what the compressed 200 said
    assert r.header("ETag") == packed.header("ETag")
    assert r.header("Content-Encoding") == coding
    assert "Accept-Encoding" in r.header("Vary")
    assert r.header("Cache-Control") == packed.header("Cache-Control")
    # the ETag validates; Last-Modified (this machine's file times) stays with the 200, so a
    # shared cache filled from another machine keeps its copy
    assert r.header("Last-Modified") is None


@pytest.mark.parametrize("tags", [
    "{tag}", "{weak}", '"other", {tag}', '{weak}, "other"', '"a-{coding}",{tag} , "b"'])
def test_suffixed_etag_matches_weakly_and_in_a_list(compressed, tags):
    server, coding = compressed
    _, packed = first_answers(server, coding, "/reports.json?country=GT")
    tag = packed.header("ETag")
    value = tags.format(tag=tag, weak=weak(tag), coding=coding)
    r = get(server, "/reports.json?country=GT", coding, If_None_Match=value)
    assert r.status == 304, f"If-None-Match: {value}\n{r.dump()}"


def test_suffixed_etag_in_if_none_match_wins_over_an_old_if_modified_since(compressed):
    server, coding = compressed
    _, packed = first_answers(server, coding, "/pillar-1")
    r = get(server, "/pillar-1", coding, If_None_Match=packed.header("ETag"),
            If_Modified_Since="Mon, 01 Jan 2001 00:00:00 GMT")
    assert r.status == 304, r.dump()


def test_if_none_match_without_our_tag_wins_over_a_matching_if_modified_since(compressed):
    server, coding = compressed
    plain, packed = first_answers(server, coding, "/pillar-1")
    for value in [f'"not-ours-{coding}"', suffixed(suffixed(plain.header("ETag"), "x"), coding)]:
        r = get(server, "/pillar-1", coding, If_None_Match=value,
                If_Modified_Since=packed.header("Last-Modified"))
        assert r.status == 200 and r.body, f"If-None-Match: {value}\n{r.dump()}"


def test_star_gives_304(compressed):
    server, coding = compressed
    r = get(server, "/reports.csv?country=GT", coding, If_None_Match="*")
    assert r.status == 304, r.dump()


def test_other_suffixes_and_the_tag_of_another_format_give_200(compressed):
    server, coding = compressed
    plain, packed = first_answers(server, coding, "/reports?country=GT")
    json_tag = get(server, "/reports.json?country=GT", coding).header("ETag")
    for value in [suffixed(plain.header("ETag"), "zstd"), suffixed(plain.header("ETag"), "deflate"),
                  packed.header("ETag")[:-2] + '"', json_tag]:
        r = get(server, "/reports?country=GT", coding, If_None_Match=value)
        assert r.status == 200 and r.body, f"If-None-Match: {value}\n{r.dump()}"


@pytest.mark.parametrize("value", ['W/', '"', 'W/"', '"unterminated', ',, ,', 'gzip', '-gzip',
                                   '""', '"-gzip"', 'W/W/"x-gzip"', '"{tag}'])
def test_malformed_if_none_match_gives_200(compressed, value):
    server, coding = compressed
    _, packed = first_answers(server, coding, "/pillar-1")
    value = value.replace("{tag}", packed.header("ETag").strip('"'))
    r = get(server, "/pillar-1", coding, If_None_Match=value)
    assert r.status == 200 and r.body, f"If-None-Match: {value}\n{r.dump()}"


def test_a_404_stays_a_404(compressed):
    server, coding = compressed
    _, packed = first_answers(server, coding, "/pillar-1")
    r = get(server, "/no-such-page", coding, If_None_Match=packed.header("ETag"))
    assert r.status == 404


# ---------------------------------------------------------------- a changed data file

@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_suffixed_etag_of_an_older_data_version_gives_200(start_server, coding):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    server = start_server([rcserver.Mount(B, data=data, directives=[
        "RootCausesReloadInterval 1"])], workdir=wd, server_conf=compression_conf(coding))
    old = {p: first_answers(server, coding, p) for p in PATHS}

    d = copy.deepcopy(sitedata.shipped())
    d["title"] = f"Root Causes, Compressed With {coding}"
    tmp = data.with_name(".data.json.tmp")
    rcserver.write_file(tmp, json.dumps(d, ensure_ascii=False, indent=1))
    os.replace(tmp, data)
    deadline = time.monotonic() + 10
    while get(server, "/pillar-1").header("ETag") == old["/pillar-1"][0].header("ETag"):
        assert time.monotonic() < deadline, "the changed data file was not served in 10 s"
        time.sleep(0.2)
    time.sleep(1.2)   # every process checks on its own, once a second
    for p in PATHS:
        r = get(server, p, coding, If_None_Match=old[p][1].header("ETag"))
        assert r.status == 200 and r.header("Content-Encoding") == coding, f"{p}: {r.dump()}"
        assert r.header("ETag") not in (old[p][1].header("ETag"), old[p][0].header("ETag"))
        assert get(server, p, coding, If_None_Match=r.header("ETag")).status == 304, p


# ---------------------------------------------------------------- without compression

@pytest.mark.parametrize("path", PATHS)
def test_without_compression_nothing_changes(compressed, path):
    """On a server with a compression filter, a client that accepts no coding; and a server
    without any (the shipped fixture)."""
    server, coding = compressed
    plain = get(server, path)
    assert plain.header("Content-Encoding") is None
    r = get(server, path, If_None_Match=plain.header("ETag"))
    assert r.status == 304 and r.header("ETag") == plain.header("ETag")
    assert get(server, path, If_None_Match='"another"').status == 200


@pytest.mark.parametrize("path", PATHS)
def test_server_without_compression_filters(shipped, path):
    plain = shipped.get(B + path, headers={"Accept-Encoding": "gzip, br"})
    assert plain.status == 200 and plain.header("Content-Encoding") is None
    r = shipped.get(B + path, headers={"If-None-Match": plain.header("ETag")})
    assert r.status == 304 and r.header("ETag") == plain.header("ETag")
    lm = plain.header("Last-Modified")
    assert email.utils.parsedate_to_datetime(lm)
    r = shipped.get(B + path, headers={"If-Modified-Since": lm})
    assert r.status == 304
    r = shipped.get(B + path, headers={"If-None-Match": '"another"', "If-Modified-Since": lm})
    assert r.status == 200


# ---------------------------------------------------------------- HEAD

# what a HEAD answers as the GET does (RFC 9110 9.3.2); Transfer-Encoding and Date aside
HEAD_SAME = ("ETag", "Content-Encoding", "Vary", "Content-Type", "Content-Length",
             "Last-Modified", "Cache-Control", "Link", "Content-Disposition", "X-Robots-Tag")


def assert_head_is_the_get(server, path, coding, streamed=False):
    """HEAD gives GET's headers; a streamed body's HEAD leaves out Content-Length (RFC 9110
    9.3.2 allows it), which the GET has only when a filter kept the whole body back."""
    g = get(server, path, coding)
    h = get(server, path, coding, method="HEAD")
    assert g.status == h.status == 200 and h.body == b"", h.dump()
    names = [n for n in HEAD_SAME if not (streamed and n == "Content-Length")]
    assert [h.header(n) for n in names] == [g.header(n) for n in names], \
        f"{path}\nGET {g.dump()}\nHEAD {h.dump()}"
    if streamed:
        assert h.header("Content-Length") is None, h.dump()
    return g


@pytest.mark.parametrize("path", PATHS + ["/sitemap.xml", "/section-353.csv", "/openapi.json"])
def test_head_answers_the_compressed_gets_headers(compressed, path):
    """The filter sets Content-Encoding, Vary and the ETag's suffix only when it sees a body: a
    HEAD makes it too (up to the first flush of a streamed one), as httpd's file handler does."""
    server, coding = compressed
    assert_head_is_the_get(server, path, coding)


def big_site(n=3000):
    """More items than a CSV or sitemap writes before its first flush."""
    items = [{"id": f"r{i:05d}", "title": f"Record {i}", "date": f"{2000 + i % 25}-{1 + i % 12:02d}",
              "countries": ["GT"]} for i in range(n)]
    return {"title": "Big", "countries": [{"code": "GT", "name": "Guatemala"}],
            "pages": [{"slug": "index", "title": "Home", "file": "pages/index.html"}],
            "collections": [{"slug": "records", "title": "Records", "items": items}]}


@pytest.mark.parametrize("coding", [None, "gzip", "br"])
def test_head_of_a_streamed_csv_and_sitemap_answers_the_gets_headers(start_server, coding):
    wd = start_server.workdir()
    site = wd / "site"
    rcserver.write_file(site / "pages" / "index.html", "<p>Big.</p>\n")
    rcserver.write_file(site / "data.json", json.dumps(big_site()))
    rcserver.make_readable(wd)
    server = start_server([rcserver.Mount(B, data=site / "data.json")], workdir=wd,
                          server_conf=compression_conf(coding) if coding else "")
    for path in ["/records.csv", "/records.csv?sort=date", "/sitemap.xml"]:
        g = assert_head_is_the_get(server, path, coding, streamed=True)
        body = decode(coding, g.body) if coding and g.header("Content-Encoding") else g.body
        assert body.count(b"/records/r") == 3000, path
        if coding == "gzip" or (coding and path != "/sitemap.xml"):
            assert g.header("Content-Encoding") == coding, g.dump()


# ---------------------------------------------------------------- behind mod_cache

@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_mod_cache_revalidates_its_compressed_copy(start_server, coding):
    """mod_cache_disk in front of the compression filter (README's production setup): a stale
    compressed copy is revalidated with its suffixed ETag, and the module's 304 matches the copy
    (ETag and Content-Encoding), so mod_cache keeps it instead of fetching the page again."""
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    root = wd / "cache"
    root.mkdir()
    if os.geteuid() == 0:
        os.system(f"chown www-data:www-data '{root}'")
    mods = rcserver.httpd_modules()
    conf = "\n".join([f'LoadModule cache_module "{mods}/mod_cache.so"',
                      f'LoadModule cache_disk_module "{mods}/mod_cache_disk.so"',
                      f'CacheRoot "{root}"', f"CacheEnable disk {B}", "CacheHeader on",
                      compression_conf(coding)])
    server = start_server([rcserver.Mount(B, data=data, directives=["RootCausesMaxAge 2"])],
                          workdir=wd, server_conf=conf)
    paths = ["/pillar-1", "/reports.json?country=GT", "/reports.atom?country=GT"]
    first = {}
    for p in paths:
        first[p] = get(server, p, coding)
        assert first[p].header("X-Cache").startswith("MISS"), first[p].dump()
        assert first[p].header("Content-Encoding") == coding
    time.sleep(2.1)   # past max-age (whole seconds of age, see test_mod_cache.py)
    for p in paths:
        r = get(server, p, coding)
        assert r.status == 200 and r.header("X-Cache").startswith("REVALIDATE"), r.dump()
        assert r.body == first[p].body and r.header("ETag") == first[p].header("ETag")
        assert r.header("Content-Encoding") == coding
