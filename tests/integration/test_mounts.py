"""docs/REFERENCE.md "Directives" (RootCausesData): the mount point is the <Location>'s path; two
Locations may serve two data files, and one data file named by two Locations is served by both, each
with links under its own mount."""

import pytest

import htmlcheck
import rcserver
import sitedata

SHIPPED = sitedata.shipped()
SMALL = sitedata.load(sitedata.small_site_dir() / "data.json")


@pytest.fixture(scope="module")
def two(start_module_server):
    """/rootcauses: the shipped site; /small: tests/integration/data/small; /one and /two: one
    copy of the shipped data file named twice; /deep/er/site: a mount two levels down."""
    wd = start_module_server.workdir()
    shipped = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "shipped")
    small = rcserver.copy_site(sitedata.small_site_dir(), wd / "small")
    return start_module_server(
        [rcserver.Mount("/rootcauses", data=shipped),
         rcserver.Mount("/small", data=small),
         rcserver.Mount("/one", data=shipped),
         rcserver.Mount("/two", data=shipped),
         rcserver.Mount("/deep/er/site", data=small)],
        workdir=wd)


def test_small_site_fixture_is_what_the_tests_expect():
    assert SMALL["title"] == "Small Test Site"
    assert sitedata.page_slugs(SMALL) == ["index", "about"]
    assert sitedata.collection_slugs(SMALL) == ["notes"]


@pytest.mark.parametrize("mount,data", [("/rootcauses", SHIPPED), ("/small", SMALL),
                                        ("/deep/er/site", SMALL)])
def test_each_location_serves_its_own_data_file(two, mount, data):
    for slug in sitedata.page_slugs(data) + sitedata.collection_slugs(data):
        r = two.get(sitedata.url(mount, slug))
        assert r.status == 200, r.dump()
        doc = htmlcheck.parse(r.text)
        assert doc.errors == []
        assert doc.title == sitedata.full_title(data, sitedata.title(data, slug))


@pytest.mark.parametrize("mount,data", [("/rootcauses", SHIPPED), ("/small", SMALL),
                                        ("/one", SHIPPED), ("/two", SHIPPED),
                                        ("/deep/er/site", SMALL)])
def test_nav_links_are_under_the_own_mount(two, mount, data):
    doc = htmlcheck.parse(two.get(f"{mount}/").text)
    assert htmlcheck.nav_entries(doc) == sitedata.nav(data, mount)


def test_small_site_nav_is_written_out(two):
    doc = htmlcheck.parse(two.get("/small/about").text)
    assert htmlcheck.nav_entries(doc) == [("/small/", "Small Home"),
                                          ("/small/about", "About & Contact"),
                                          ("/small/notes", "Field Notes")]
    assert htmlcheck.current_nav(doc) == [("/small/about", "page")]


def test_small_site_title_is_escaped_in_html(two):
    text = two.get("/small/about").text
    assert "<title>About &amp; Contact \u2013 Small Test Site</title>" in text
    assert "<h1>About &amp; Contact</h1>" in text


def test_small_listing_links_items_under_its_mount(two):
    doc = htmlcheck.parse(two.get("/small/notes").text)
    assert [a.href for a in doc.links if a.href.startswith("/small/notes/")] == [
        "/small/notes/second-note", "/small/notes/first-note"]


def test_small_item_json_url_is_under_its_mount(two):
    r = two.get("/deep/er/site/notes/first-note.json")
    assert r.status == 200
    assert r.json() == {"id": "first-note", "title": "First Note", "date": "2020-05",
                        "countries": ["MX"], "url": "/deep/er/site/notes/first-note",
                        "kind": "note"}


@pytest.mark.parametrize("path", ["/small/pillar-1", "/small/reports",
                                  "/small/reports/2022-07-progress-report", "/rootcauses/about",
                                  "/rootcauses/notes", "/rootcauses/notes/first-note"])
def test_a_location_does_not_serve_the_other_data_file(two, path):
    assert two.get(path).status == 404


def test_one_data_file_named_by_two_locations_is_served_by_both(two):
    one, other = two.get("/one/pillar-1"), two.get("/two/pillar-1")
    assert one.status == other.status == 200
    assert htmlcheck.parse(one.text).title == htmlcheck.parse(other.text).title
    assert one.header("Last-Modified") == other.header("Last-Modified")
    assert one.header("ETag") == other.header("ETag")
    # the same page, each with its own mount in the links
    assert one.text.replace("/one/", "/two/").replace('"/one"', '"/two"') == other.text


@pytest.mark.parametrize("mount", ["/small", "/deep/er/site", "/one"])
def test_redirects_go_to_the_own_mount(two, mount):
    r = two.get(mount)
    assert r.status == 301
    assert r.header("Location") == f"{two.origin}{mount}/"
    r = two.get(f"{mount}/index")
    assert r.header("Location") == f"{two.origin}{mount}/"


def test_small_assets_are_served_from_its_own_folder(two):
    r = two.get("/small/assets/small.css")
    assert r.status == 200
    assert r.header("Content-Type") == "text/css"
    assert r.body == (sitedata.small_site_dir() / "assets" / "small.css").read_bytes()


def test_relative_data_path_is_relative_to_server_root(start_server):
    wd = start_server.workdir()
    rcserver.copy_site(sitedata.small_site_dir(), wd / "rel" / "site")
    server = start_server([rcserver.Mount("/small", data="rel/site/data.json")], workdir=wd)
    r = server.get("/small/about")
    assert r.status == 200
    assert htmlcheck.parse(r.text).h1s == ["About & Contact"]


def test_mount_with_trailing_slash_in_location(start_server):
    # <Location "/slash/">: the mount point is /slash; links must not get a double slash.
    server = start_server([rcserver.Mount("/slash/", data=sitedata.small_site_dir() / "data.json")])
    r = server.get("/slash/about")
    assert r.status == 200
    assert htmlcheck.nav_entries(htmlcheck.parse(r.text)) == sitedata.nav(SMALL, "/slash")


def test_mount_with_a_space_is_escaped_in_links_and_redirects(start_server):
    server = start_server([rcserver.Mount("/small site", data=sitedata.small_site_dir())])
    r = server.get("/small%20site/about")
    assert r.status == 200
    assert htmlcheck.nav_entries(htmlcheck.parse(r.text)) == sitedata.nav(SMALL, "/small%20site")
    r = server.get("/small%20site")
    assert r.status == 301
    assert r.header("Location") == f"{server.origin}/small%20site/"
