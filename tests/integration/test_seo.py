"""Found by search engines (REFERENCE.md "URLs" B/sitemap.xml, "Formats" robots meta, canonical link, hreflang and
JSON-LD, "HTTP headers" X-Robots-Tag): the sitemap parsed with xml.etree (every address answers 200, the
alternates are consistent, lastmod is each page's Last-Modified), a sitemap index for a data set
with more than 50000 addresses (tests/bench/gen_data.py), robots headers and meta exactly on
filtered and paged listings, and the item pages' schema.org JSON-LD parsed with json.loads."""

import email.utils
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import htmlcheck
import rcserver
import sitedata

B = "/rootcauses"
SHIPPED = sitedata.shipped()
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
W3C_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
GEN_DATA = Path(__file__).resolve().parents[1] / "bench" / "gen_data.py"


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.shipped_mount(B)])


def get_ok(server, path):
    r = server.get(path)
    assert r.status == 200, r.dump()
    return r


def local(server, url):
    """The path of an absolute URL of this server."""
    assert url.startswith(server.origin + "/"), url
    return url[len(server.origin):]


def parse_urlset(body):
    """[(loc, lastmod, [(hreflang, href), ...])] of a <urlset>."""
    root = ET.fromstring(body)
    assert root.tag == f"{SM}urlset"
    out = []
    for u in root.findall(f"{SM}url"):
        assert [c.tag for c in u][:2] == [f"{SM}loc", f"{SM}lastmod"]
        links = [(l.get("hreflang"), l.get("href")) for l in u.findall(f"{XHTML}link")]
        for l in u.findall(f"{XHTML}link"):
            assert l.get("rel") == "alternate"
        out.append((u.find(f"{SM}loc").text, u.find(f"{SM}lastmod").text, links))
    return out


def expected_paths(data, mount):
    """Every page, listing and item page in every language (REFERENCE.md "URLs" B/sitemap.xml)."""
    paths = []
    for lang in sitedata.languages(data):
        home = sitedata.home(mount, lang, data)
        paths += [sitedata.url(mount, p["slug"], lang, data) for p in data["pages"]]
        paths += [f"{home}/{c['slug']}" for c in data["collections"]]
        paths += [f"{home}/{c['slug']}/{it['id']}" for c in data["collections"]
                  for it in c["items"]]
    return paths


def alternates_of(data, mount, path):
    """The (hreflang, path) alternates of a path of the site: every language, then x-default."""
    langs = sitedata.languages(data)
    rest = path[len(mount):]
    for lang in langs[1:]:
        if rest == f"/{lang}" or rest.startswith(f"/{lang}/"):
            rest = rest[len(lang) + 1:]
    return [(lang, sitedata.home(mount, lang, data) + rest) for lang in langs] + \
        [("x-default", mount + rest)]


def http_time_to_w3c(value):
    t = email.utils.parsedate_to_datetime(value)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- the shipped sitemap

def test_sitemap_is_xml_with_validators(server):
    r = get_ok(server, f"{B}/sitemap.xml")
    assert r.header("Content-Type") == "application/xml"
    assert r.header("ETag") and r.header("Last-Modified")
    assert r.header("Cache-Control") == "public, max-age=300"
    assert r.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<urlset')
    again = server.get(f"{B}/sitemap.xml", headers={"If-None-Match": r.header("ETag")})
    assert again.status == 304


def test_sitemap_lists_every_page_listing_and_item_in_both_languages(server):
    entries = parse_urlset(get_ok(server, f"{B}/sitemap.xml").body)
    paths = [local(server, loc) for loc, _, _ in entries]
    assert sorted(paths) == sorted(expected_paths(SHIPPED, B))
    assert len(paths) == len(set(paths)) == 2 * (8 + 2 + 5)
    # each resource in the default language, then in Spanish
    assert paths[:4] == [f"{B}/", f"{B}/es/", f"{B}/pillar-1", f"{B}/es/pillar-1"]


def test_every_address_in_the_sitemap_answers_200_html(server):
    entries = parse_urlset(get_ok(server, f"{B}/sitemap.xml").body)
    with ThreadPoolExecutor(4) as ex:
        answers = list(ex.map(lambda e: server.get(local(server, e[0])), entries))
    for (loc, _, _), r in zip(entries, answers):
        assert r.status == 200, loc
        assert r.header("Content-Type") == "text/html; charset=utf-8", loc


def test_sitemap_alternates_are_consistent(server):
    entries = parse_urlset(get_ok(server, f"{B}/sitemap.xml").body)
    locs = {loc for loc, _, _ in entries}
    groups = {}
    for loc, _, links in entries:
        path = local(server, loc)
        want = [(h, server.origin + p) for h, p in alternates_of(SHIPPED, B, path)]
        assert links == want, loc
        # every alternate is itself listed, and lists the same alternates
        for _, href in links:
            assert href in locs
        groups.setdefault(tuple(links), []).append(loc)
    for links, members in groups.items():
        assert sorted(members) == sorted(href for h, href in links if h != "x-default")


def test_every_sitemap_entry_has_a_lastmod_that_is_its_last_modified(server):
    entries = parse_urlset(get_ok(server, f"{B}/sitemap.xml").body)
    for loc, lastmod, _ in entries:
        assert W3C_TIME.match(lastmod), (loc, lastmod)
        r = server.head(local(server, loc))
        assert http_time_to_w3c(r.header("Last-Modified")) == lastmod, loc


def test_sitemap_lastmod_follows_the_page_file_of_each_language(start_server):
    wd = start_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    data_time = 1_700_000_000            # 2023-11-14T22:13:20Z
    es_fragment = data.parent / "pages" / "es" / "pillar-1.html"
    for p in [data] + list((data.parent / "pages").rglob("*.html")):
        os.utime(p, (data_time, data_time))
    os.utime(es_fragment, (data_time + 86400, data_time + 86400))
    server = start_server([rcserver.Mount(B, data=data)], workdir=wd)
    lastmod = {local(server, loc): m
               for loc, m, _ in parse_urlset(get_ok(server, f"{B}/sitemap.xml").body)}
    assert lastmod[f"{B}/pillar-1"] == "2023-11-14T22:13:20Z"
    assert lastmod[f"{B}/es/pillar-1"] == "2023-11-15T22:13:20Z"
    assert lastmod[f"{B}/es/pillar-2"] == "2023-11-14T22:13:20Z"
    assert lastmod[f"{B}/es/reports/2022-07-progress-report"] == "2023-11-14T22:13:20Z"
    assert server.head(f"{B}/es/pillar-1").header("Last-Modified") == \
        "Wed, 15 Nov 2023 22:13:20 GMT"
    # the sitemap's own Last-Modified is the latest of its lastmods
    assert server.head(f"{B}/sitemap.xml").header("Last-Modified") == \
        "Wed, 15 Nov 2023 22:13:20 GMT"


@pytest.mark.parametrize("query", ["part=1", "part=0", "x=1", "part=", "part=1a"])
def test_a_sitemap_of_one_part_has_no_parts(server, query):
    assert server.get(f"{B}/sitemap.xml?{query}").status == 404


# ---------------------------------------------------------------- a sitemap index

@pytest.fixture(scope="module")
def large(start_module_server, tmp_path_factory):
    """25000 generated items (tests/bench/gen_data.py), declared in English and Spanish:
    (25000 + 4 pages + 2 listings) x 2 languages = 50012 addresses, over sitemaps.org's 50000."""
    out = tmp_path_factory.mktemp("gen") / "site"
    subprocess.run([sys.executable, str(GEN_DATA), "25000", str(out), "--queries", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    path = out / "data.json"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("{")
    path.write_text('{"languages": ["en", "es"],' + text[1:], encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    server = start_module_server([rcserver.Mount("/big", data=path)])
    return server, data


def test_more_than_50000_addresses_give_a_sitemap_index_of_valid_parts(large):
    server, data = large
    r = get_ok(server, "/big/sitemap.xml")
    assert r.header("Content-Type") == "application/xml"
    index = ET.fromstring(r.body)
    assert index.tag == f"{SM}sitemapindex"
    parts = [(s.find(f"{SM}loc").text, s.find(f"{SM}lastmod").text)
             for s in index.findall(f"{SM}sitemap")]
    assert [loc for loc, _ in parts] == [f"{server.origin}/big/sitemap.xml?part=1",
                                         f"{server.origin}/big/sitemap.xml?part=2"]
    assert all(W3C_TIME.match(m) for _, m in parts)

    seen = []
    for loc, _ in parts:
        part = get_ok(server, local(server, loc))
        assert part.header("Content-Type") == "application/xml"
        entries = parse_urlset(part.body)
        assert 0 < len(entries) <= 50000
        assert len(part.body) <= 50 * 1024 * 1024      # sitemaps.org: 50 MB uncompressed
        locs = {l for l, _, _ in entries}
        for l, lastmod, links in entries:
            assert W3C_TIME.match(lastmod)
            path = local(server, l)
            assert links == [(h, server.origin + p) for h, p in alternates_of(data, "/big", path)]
            # a resource's languages are in the same part
            assert all(href in locs for h, href in links if h != "x-default")
        seen += [local(server, l) for l in locs]
    assert len(seen) == len(set(seen)) == 50012
    assert set(seen) == set(expected_paths(data, "/big"))


def test_addresses_of_the_sitemap_parts_answer_200(large):
    server, data = large
    for n in (1, 2):
        entries = parse_urlset(get_ok(server, f"/big/sitemap.xml?part={n}").body)
        for loc, _, _ in entries[:3] + entries[-3:]:
            assert server.get(local(server, loc)).status == 200, loc


@pytest.mark.parametrize("query", ["part=0", "part=3", "part=-1", "part=x", "page=1"])
def test_a_part_that_is_not_there_is_404(large, query):
    server, _ = large
    assert server.get(f"/big/sitemap.xml?{query}").status == 404


# ---------------------------------------------------------------- robots: noindex, canonical

NOINDEX = '<meta name="robots" content="noindex, follow">'


def robots_of(server, r):
    """(X-Robots-Tag, the robots meta tags, the canonical links) of an answer."""
    return (r.header("X-Robots-Tag"),
            re.findall(r'<meta name="robots"[^>]*>', r.text),
            re.findall(r'<link rel="canonical" href="([^"]*)">', r.text))


@pytest.mark.parametrize("query", [
    "country=GT", "from=2021", "to=2022", "kind=action", "q=corruption", "sort=date",
    "per_page=2", "page=2", "per_page=2&page=2", "country=GT&from=2021&q=actors",
    "page=99",                      # past the end
])
@pytest.mark.parametrize("home", [B, f"{B}/es"])
def test_filtered_or_paged_html_listing_is_noindex_with_a_canonical(server, home, query):
    r = get_ok(server, f"{home}/section-353?{query}")
    canonical = f"{server.origin}{home}/section-353"
    assert robots_of(server, r) == ("noindex", [NOINDEX], [canonical])


@pytest.mark.parametrize("query", ["", "page=1", "from=&q=&country=", "unknown=1",
                                   "sort=-date"])
@pytest.mark.parametrize("home", [B, f"{B}/es"])
def test_unfiltered_first_page_has_no_robots_and_no_canonical(server, home, query):
    r = get_ok(server, f"{home}/section-353?{query}")
    assert robots_of(server, r) == (None, [], [])


@pytest.mark.parametrize("path", [f"{B}/", f"{B}/es/pillar-3", f"{B}/strategy",
                                  f"{B}/reports/2022-07-progress-report",
                                  f"{B}/es/section-353/2021-07-01-section-353-list"])
def test_pages_and_items_are_indexable(server, path):
    assert robots_of(server, get_ok(server, path)) == (None, [], [])


@pytest.mark.parametrize("ext", [".json", ".csv", ".atom"])
def test_other_formats_carry_no_x_robots_tag(server, ext):
    r = get_ok(server, f"{B}/section-353{ext}?country=GT&page=2&per_page=1")
    assert r.header("X-Robots-Tag") is None


def test_noindex_comes_from_the_response_cache_too(server):
    path = f"{B}/reports?from=2020&per_page=3"
    first, second = get_ok(server, path), get_ok(server, path)
    assert robots_of(server, first) == robots_of(server, second) == \
        ("noindex", [NOINDEX], [f"{server.origin}{B}/reports"])


# ---------------------------------------------------------------- JSON-LD

def jsonld_of(r):
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    assert len(doc.jsonld) == 1
    return json.loads(doc.jsonld[0])


def test_item_jsonld_is_a_report_with_the_exact_fields(server):
    r = get_ok(server, f"{B}/section-353/2021-09-20-seven-officials-actions")
    assert jsonld_of(r) == {
        "@context": "https://schema.org",
        "@type": "Report",
        "name": "Actions Against Seven Central American Officials for Undermining Democracy and "
                "Obstructing Investigations into Acts of Corruption",
        "datePublished": "2021-09-20",
        "spatialCoverage": [{"@type": "Place", "name": "Guatemala"},
                            {"@type": "Place", "name": "Honduras"},
                            {"@type": "Place", "name": "El Salvador"},
                            {"@type": "Place", "name": "Nicaragua"}],
        "url": f"{server.origin}{B}/section-353/2021-09-20-seven-officials-actions",
        "inLanguage": "en",
        "description": sitedata.text(sitedata.collection(SHIPPED, "section-353")["items"][1]
                                     ["summary"], "en", SHIPPED),
    }


def test_item_jsonld_in_spanish(server):
    r = get_ok(server, f"{B}/es/reports/2022-07-progress-report")
    ld = jsonld_of(r)
    assert ld == {
        "@context": "https://schema.org",
        "@type": "Report",
        "name": "Avances logrados en la Estrategia para impulsar la prosperidad económica, "
                "combatir la corrupción, fortalecer la gobernanza democrática y mejorar la "
                "seguridad ciudadana en El Salvador, Guatemala y Honduras",
        "datePublished": "2022-07",
        "spatialCoverage": [{"@type": "Place", "name": "El Salvador"},
                            {"@type": "Place", "name": "Guatemala"},
                            {"@type": "Place", "name": "Honduras"}],
        "url": f"{server.origin}{B}/es/reports/2022-07-progress-report",
        "inLanguage": "es",
        "description": "Informe al Congreso de julio de 2022 sobre los avances logrados en la "
                       "Estrategia para El Salvador, Guatemala y Honduras. Va acompañado de un "
                       "resumen ejecutivo, análisis de los indicadores de compromiso de los "
                       "países y de desempeño, una hoja informativa y datos migratorios.",
    }


def test_every_shipped_item_page_has_its_jsonld_in_both_languages(server):
    for c in SHIPPED["collections"]:
        for it in c["items"]:
            for lang in ("en", "es"):
                home = sitedata.home(B, lang, SHIPPED)
                ld = jsonld_of(get_ok(server, f"{home}/{c['slug']}/{it['id']}"))
                assert ld["name"] == sitedata.text(it["title"], lang, SHIPPED)
                assert ld["datePublished"] == it["date"]
                assert ld["inLanguage"] == lang
                assert ld["url"] == f"{server.origin}{home}/{c['slug']}/{it['id']}"
                assert [p["name"] for p in ld["spatialCoverage"]] == \
                    [sitedata.country_name(SHIPPED, code, lang) for code in it["countries"]]


def test_jsonld_of_a_hostile_title_cannot_end_its_script(start_server, workdir):
    d = {"title": "T", "countries": [{"code": "GT", "name": "Guate</script><b>x"}],
         "pages": [{"slug": "index", "title": "Home", "file": "pages/home.html"}],
         "collections": [{"slug": "c", "title": "C", "items": [
             {"id": "x", "title": "</script><script>alert(1)</script> \"q\" \\ \u2028",
              "date": "2021", "countries": ["GT"],
              "summary": "<!-- a <SCRIPT> comment"}]}]}
    rcserver.write_file(workdir / "site" / "pages" / "home.html", "<p>home</p>\n")
    rcserver.write_file(workdir / "site" / "data.json", json.dumps(d))
    server = start_server([rcserver.Mount("/h", data=workdir / "site" / "data.json")])
    r = get_ok(server, "/h/c/x")
    assert r.text.lower().count("<script") == 1 and r.text.lower().count("</script") == 1
    ld = jsonld_of(r)
    assert ld["name"] == d["collections"][0]["items"][0]["title"]
    assert ld["description"] == "<!-- a <SCRIPT> comment"
    assert ld["spatialCoverage"] == [{"@type": "Place", "name": "Guate</script><b>x"}]
