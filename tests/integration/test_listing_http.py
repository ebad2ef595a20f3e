"""docs/REFERENCE.md "HTTP headers" on listings of the tricky test site: Link headers (first, prev,
next, last), ETag and Last-Modified with 304s in every format, HEAD, Content-Length, and a new ETag
when the data file changes."""

import email.utils
import json
import re
import time
import urllib.parse

import pytest

import listingref
import rcserver
import sitedata

B = "/tricky"
SITE = sitedata.FIXTURES / "tricky"
DATA = sitedata.load(SITE / "data.json")
PUB = "publications"
FORMATS = ["", ".json", ".csv", ".atom"]
TYPES = {"": "text/html; charset=utf-8", ".json": "application/json",
         ".csv": "text/csv; charset=utf-8; header=present", ".atom": "application/atom+xml"}


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.Mount(B, data=SITE / "data.json")])


# ---------------------------------------------------------------- Link

LINK_RE = re.compile(r'\s*<([^>]*)>\s*((?:;\s*[^;,]+)*)')


def parse_link(value):
    """{rel: target} of a Link header (RFC 8288); fails on a rel given twice."""
    out = {}
    rest = value
    while rest.strip():
        m = LINK_RE.match(rest)
        assert m, f"bad Link header: {value!r}"
        target, params = m.group(1), m.group(2)
        rels = re.search(r';\s*rel\s*=\s*"?([^";,]+)"?', params)
        assert rels, f"link without rel: {value!r}"
        for rel in rels.group(1).split():
            assert rel not in out, f"rel {rel} twice: {value!r}"
            out[rel] = target
        rest = rest[m.end():]
        rest = rest[1:] if rest.startswith(",") else rest
    return out


def links_of(server, r):
    values = r.headers.get_all("Link") or []
    if not values:
        return None
    return parse_link(",".join(values))


def target(server, href):
    """(path, params) of a link target, relative or absolute on this server."""
    u = urllib.parse.urlsplit(href)
    if u.scheme:
        assert f"{u.scheme}://{u.netloc}" == server.origin
    return u.path, urllib.parse.parse_qs(u.query)


def page_of(params):
    return int(params.get("page", ["1"])[0])


@pytest.mark.parametrize("ext", ["", ".json"])
@pytest.mark.parametrize("page,expected", [
    (1, {"first": 1, "next": 2, "last": 3}),
    (2, {"first": 1, "prev": 1, "next": 3, "last": 3}),
    (3, {"first": 1, "prev": 2, "last": 3}),
    (4, {"first": 1, "prev": 3, "last": 3}),      # past the end: prev is the last page
    (50, {"first": 1, "prev": 3, "last": 3}),
])
def test_link_header_rels_by_page(server, ext, page, expected):
    r = server.get(f"{B}/{PUB}{ext}?per_page=10&page={page}")
    assert r.status == 200
    links = links_of(server, r)
    assert links is not None, "no Link header"
    got = {}
    for rel, href in links.items():
        path, params = target(server, href)
        assert path == f"{B}/{PUB}{ext}", href
        assert params.get("per_page") == ["10"], href
        got[rel] = page_of(params)
    assert got == expected


@pytest.mark.parametrize("ext", ["", ".json"])
def test_link_header_without_page_is_page_1(server, ext):
    r = server.get(f"{B}/{PUB}{ext}")   # 26 items, 20 per page: 2 pages
    got = {rel: page_of(target(server, h)[1]) for rel, h in links_of(server, r).items()}
    assert got == {"first": 1, "next": 2, "last": 2}


LINK_FILTERS = [
    ("country=GT&q=a&sort=date&per_page=2", dict(countries=["GT"], q=["a"], sort="date"),
     {"country": ["GT"], "q": ["a"], "sort": ["date"], "per_page": ["2"]}),
    # q with an ampersand, an accent and a space must survive in the link's query string
    ("q=%26+%C3%A1&per_page=1", dict(q=["& á"]), {"q": ["& á"], "per_page": ["1"]}),
]


@pytest.mark.parametrize("ext", ["", ".json"])
@pytest.mark.parametrize("query,kwargs,params", LINK_FILTERS, ids=["country-q-sort", "q-amp"])
def test_link_header_targets_keep_the_filter(server, ext, query, kwargs, params):
    per_page = int(params["per_page"][0])
    ref = listingref.run(DATA, PUB, per_page=per_page, page=2, **kwargs)
    assert ref.pages > 2
    r = server.get(f"{B}/{PUB}{ext}?{query}&page=2")
    links = links_of(server, r)
    assert set(links) == {"first", "prev", "next", "last"}
    for rel, href in links.items():
        path, got = target(server, href)
        got.pop("page", None)
        if "country" in got:
            got["country"] = [v.upper() for v in got["country"]]
        assert got == params, href
    # following them in JSON gives those pages
    for rel, want in (("first", 1), ("prev", 1), ("next", 3), ("last", ref.pages)):
        path, _ = target(server, links[rel])
        json_path = path if path.endswith(".json") else path + ".json"
        doc = server.get(f"{json_path}?{urllib.parse.urlsplit(links[rel]).query}").json()
        assert doc["page"] == want
        assert [it["id"] for it in doc["items"]] == listingref.run(
            DATA, PUB, per_page=per_page, page=want, **kwargs).ids


@pytest.mark.parametrize("ext", ["", ".json"])
@pytest.mark.parametrize("query", [
    "per_page=100",           # 1 page
    "per_page=26",            # exactly 1 page
    "country=TT",             # 1 page
    "q=nosuchword",           # 0 pages
    "country=CI&page=3",      # 0 pages, past the end
    "per_page=100&page=2",    # 1 page, past the end
])
def test_no_link_header_when_pages_is_0_or_1(server, ext, query):
    r = server.get(f"{B}/{PUB}{ext}?{query}")
    assert r.status == 200
    assert r.headers.get_all("Link") is None


# ---------------------------------------------------------------- ETag, Last-Modified, 304

def http_date(ts):
    return email.utils.formatdate(int(ts), usegmt=True)


@pytest.mark.parametrize("ext", FORMATS)
def test_listing_200_has_etag_last_modified_of_the_data_file_and_cache_control(server, ext):
    r = server.get(f"{B}/{PUB}{ext}?country=GT")
    assert r.status == 200
    assert r.header("Content-Type") == TYPES[ext]
    assert re.fullmatch(r'(W/)?"[^"\s]+"', r.header("ETag") or "")
    assert r.header("Last-Modified") == http_date(server.data_file().stat().st_mtime)
    assert r.header("Cache-Control") == "public, max-age=300"


@pytest.mark.parametrize("ext", FORMATS)
def test_listing_if_none_match_gives_304_without_body(server, ext):
    path = f"{B}/{PUB}{ext}?country=GT&per_page=5"
    etag = server.get(path).header("ETag")
    r = server.get(path, headers={"If-None-Match": etag})
    assert r.status == 304, r.dump()
    assert r.body == b""
    assert r.header("ETag") == etag


@pytest.mark.parametrize("ext", FORMATS)
def test_listing_if_modified_since_gives_304(server, ext):
    path = f"{B}/{PUB}{ext}?q=tie"
    last = server.get(path).header("Last-Modified")
    r = server.get(path, headers={"If-Modified-Since": last})
    assert r.status == 304, r.dump()
    assert r.body == b""


@pytest.mark.parametrize("ext", FORMATS)
def test_listing_if_modified_since_before_the_change_gives_200(server, ext):
    path = f"{B}/{PUB}{ext}"
    before = http_date(server.data_file().stat().st_mtime - 3600)
    r = server.get(path, headers={"If-Modified-Since": before})
    assert r.status == 200


@pytest.mark.parametrize("ext", FORMATS)
def test_listing_other_etag_gives_200(server, ext):
    r = server.get(f"{B}/{PUB}{ext}", headers={"If-None-Match": '"not-this-one"'})
    assert r.status == 200
    assert r.body


def test_listing_etag_differs_between_formats(server):
    etags = [server.get(f"{B}/{PUB}{ext}").header("ETag") for ext in FORMATS]
    assert len(set(etags)) == 4, etags


def test_etag_of_one_format_gives_no_304_in_another(server):
    json_etag = server.get(f"{B}/{PUB}.json").header("ETag")
    for ext in ("", ".csv", ".atom"):
        assert server.get(f"{B}/{PUB}{ext}", headers={"If-None-Match": json_etag}).status == 200


# ---------------------------------------------------------------- HEAD, Content-Length

@pytest.mark.parametrize("ext", FORMATS)
def test_head_of_a_listing_has_the_headers_and_no_body(server, ext):
    path = f"{B}/{PUB}{ext}?country=GT&per_page=3"
    get, head = server.get(path), server.head(path)
    assert head.status == 200
    assert head.body == b""
    for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control"):
        assert head.header(name) == get.header(name), name
    if ext in ("", ".json"):
        assert head.header("Link") == get.header("Link")


@pytest.mark.parametrize("ext", ["", ".json", ".atom"])
def test_listing_has_content_length(server, ext):
    r = server.get(f"{B}/{PUB}{ext}?country=SV")
    assert r.header("Content-Length") == str(len(r.body))


@pytest.mark.parametrize("ext", [".json", ""])
def test_item_has_etag_and_304(server, ext):
    path = f"{B}/{PUB}/july-2022{ext}"
    r = server.get(path)
    assert r.header("Content-Length") == str(len(r.body))
    assert server.get(path, headers={"If-None-Match": r.header("ETag")}).status == 304


# ---------------------------------------------------------------- the data changes

def test_etag_changes_when_the_data_file_changes(start_server):
    workdir = start_server.workdir()
    data_file = rcserver.copy_site(SITE, workdir / "site")
    server = start_server([rcserver.Mount(B, data=data_file,
                                          directives=["RootCausesReloadInterval 1"])],
                          workdir=workdir)
    paths = [f"{B}/{PUB}{ext}?country=GT" for ext in FORMATS]
    before = {p: server.get(p) for p in paths}
    for r in before.values():
        assert r.status == 200 and r.header("ETag")

    changed = json.loads(data_file.read_text(encoding="utf-8"))
    listingref.collection(changed, PUB)["items"].append(
        {"id": "new-item", "title": "A new item", "date": "2025-01", "countries": ["GT"]})
    # a new mtime, whole seconds after the old one and not in the future (httpd would send the
    # request's time as Last-Modified of a file from the future)
    time.sleep(1.1)
    rcserver.write_file(data_file, json.dumps(changed, ensure_ascii=False, indent=1))
    new_time = data_file.stat().st_mtime
    assert int(new_time) > int(email.utils.parsedate_to_datetime(
        before[paths[0]].header("Last-Modified")).timestamp())

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.get(f"{B}/{PUB}.json?country=GT").json()["total"] == 11:
            break
        time.sleep(0.2)
    # every process checks on its own, at most once a second: let the others catch up
    time.sleep(1.5)
    doc = server.get(f"{B}/{PUB}.json?country=GT").json()
    assert doc["total"] == 11 and doc["items"][0]["id"] == "new-item"

    for p in paths:
        after = server.get(p)
        assert after.status == 200
        assert after.header("ETag") != before[p].header("ETag"), p
        assert after.header("Last-Modified") == http_date(new_time)
        # the old validators no longer match
        assert server.get(p, headers={"If-None-Match": before[p].header("ETag")}).status == 200
        assert server.get(p, headers={"If-None-Match": after.header("ETag")}).status == 304
