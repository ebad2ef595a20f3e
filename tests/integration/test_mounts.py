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


# ---------------------------------------------------------------- where the mount point comes from

def small_copy(start_server):
    wd = start_server.workdir()
    return wd, rcserver.copy_site(sitedata.small_site_dir(), wd / "site")


def assert_served_at(server, mount, host=None):
    """The small site answers under mount with its links there."""
    headers = {"Host": host} if host else {}
    r = server.get(f"{mount}/about", headers=headers)
    assert r.status == 200, r.dump()
    assert htmlcheck.nav_entries(htmlcheck.parse(r.text)) == sitedata.nav(SMALL, mount)
    r = server.get(f"{mount}/notes", headers=headers)
    assert r.status == 200, r.dump()
    assert f'href="{mount}/notes/' in r.text
    return r


def test_data_at_server_level_is_served_at_the_location_that_sets_the_handler(start_server):
    """RootCausesData outside any <Location>: the mount point is the <Location> that sets
    SetHandler rootcauses (the longest that holds the URL), whatever other <Location> applies."""
    wd, data = small_copy(start_server)
    server = start_server(
        [rcserver.Mount("/srv", assets=False)], workdir=wd,
        server_conf=f'RootCausesData "{data}"',
        extra_conf='<Location "/srv/notes">\n    LimitRequestBody 1000\n</Location>')
    assert_served_at(server, "/srv")
    assert server.get("/srv").header("Location") == f"{server.origin}/srv/"
    assert server.get("/srv/notes.json").json()["total"] == len(SMALL["collections"][0]["items"])


def test_handler_and_data_for_the_whole_host_serve_it_at_the_root(start_server):
    wd, data = small_copy(start_server)
    server = start_server([], workdir=wd,
                          server_conf=f'SetHandler rootcauses\nRootCausesData "{data}"')
    assert_served_at(server, "")
    assert server.get("/").status == 200


def test_a_directive_in_a_location_below_the_mount_does_not_move_it(start_server):
    wd, data = small_copy(start_server)
    server = start_server(
        [rcserver.Mount("/a", data=data)], workdir=wd,
        extra_conf='<Location "/a/notes">\n    RootCausesMaxAge 7\n</Location>\n'
                   '<Location "/a/about">\n    RootCausesPageSize 5\n</Location>')
    r = assert_served_at(server, "/a")
    assert r.header("Cache-Control") == "public, max-age=7"
    item = SMALL["collections"][0]["items"][0]["id"]
    r = server.get(f"/a/notes/{item}")
    assert r.status == 200 and r.header("Cache-Control") == "public, max-age=7"
    assert server.get("/a/").header("Cache-Control") == "public, max-age=300"


def test_data_inside_an_if_in_a_location_mounts_the_location(start_server):
    wd, data = small_copy(start_server)
    server = start_server(
        [rcserver.Mount("/cond", directives=["<If \"true\">", f'    RootCausesData "{data}"',
                                              "</If>"])], workdir=wd)
    assert_served_at(server, "/cond")


@pytest.mark.expect_log(r"SetHandler rootcauses: no mount point for /lm/about; write "
                        r"RootCausesData in the <Location \"/path\"> that sets the handler")
def test_a_location_match_is_no_mount_point_500_and_the_log_says_what_to_write(start_server):
    wd, data = small_copy(start_server)
    server = start_server(
        [], workdir=wd,
        extra_conf=f'<LocationMatch "^/lm">\n    SetHandler rootcauses\n'
                   f'    RootCausesData "{data}"\n    Require all granted\n</LocationMatch>')
    r = server.get("/lm/about")
    assert r.status == 500


def test_the_servers_layout_holds_in_a_virtual_host_that_sets_other_directives(start_server):
    wd, data = small_copy(start_server)
    rcserver.write_file(wd / "layout.html", (rcserver.srcdir() / "tests" / "integration" /
                                             "test_layout.py").read_text(encoding="utf-8")
                        .split('LAYOUT = """', 1)[1].split('"""', 1)[0])
    server = start_server(
        [rcserver.Mount("/rootcauses", data=data)], workdir=wd,
        server_conf=f'RootCausesLayout "{wd / "layout.html"}"',
        extra_conf="<VirtualHost *>\n    ServerName a.test\n</VirtualHost>\n"
                   "<VirtualHost *>\n    ServerName b.test\n    RootCausesMaxAge 60\n"
                   "</VirtualHost>")
    for host, age in (("a.test", 300), ("b.test", 60)):
        r = assert_served_at(server, "/rootcauses", host=host)
        assert "CUSTOM LAYOUT BANNER" in r.text, host
        assert r.header("Cache-Control") == f"public, max-age={age}", host
