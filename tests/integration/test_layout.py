"""RootCausesLayout (docs/REFERENCE.md "Directives", "Layout markers"): a custom layout file is
used, its markers replaced; a layout without one of the required markers stops httpd -t with a
message naming the file and the marker."""

import re

import pytest

import htmlcheck
import rcserver
import sitedata

B = "/custom"
DATA = sitedata.shipped()

LAYOUT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title><!--#rootcauses title--></title>
</head>
<body>
<p class="custom-banner">CUSTOM LAYOUT BANNER</p>
<nav class="site-nav" aria-label="Main"><!--#rootcauses nav--></nav>
<main id="content">
<!--#rootcauses content-->
</main>
<footer><p>CUSTOM LAYOUT FOOTER</p></footer>
</body>
</html>
"""

# The optional markers too: base (the mount point's path), site (the site title), head.
LAYOUT_ALL_MARKERS = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title><!--#rootcauses title--></title>
<link rel="stylesheet" href="<!--#rootcauses base-->/assets/rootcauses.css">
<!--#rootcauses head-->
</head>
<body>
<header><a class="home" href="<!--#rootcauses base-->/"><!--#rootcauses site--></a></header>
<nav class="site-nav" aria-label="Main"><!--#rootcauses nav--></nav>
<main id="content">
<!--#rootcauses content-->
</main>
</body>
</html>
"""


@pytest.fixture(scope="module")
def custom(start_module_server):
    wd = start_module_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    rcserver.write_file(wd / "layout.html", LAYOUT)
    rcserver.write_file(wd / "layout-all.html", LAYOUT_ALL_MARKERS)
    return start_module_server(
        [rcserver.Mount(B, data=data, layout=wd / "layout.html"),
         rcserver.Mount("/all", data=data, layout=wd / "layout-all.html"),
         rcserver.Mount("/builtin", data=data),
         rcserver.Mount("/example", data=data,
                        layout=rcserver.shipped_htdocs() / "layout.html")],
        workdir=wd)


def _markup(text):
    """HTML with its comments dropped and the white space between tags taken out."""
    text = re.sub(r"<!--(?!#).*?-->", "", text, flags=re.S)
    return re.sub(r">\s+<", "><", text.replace("/example", "/builtin")).strip()


@pytest.mark.parametrize("path", ["/", "/pillar-1", "/es/", "/es/section-353?country=GT",
                                  "/es/reports/2022-07-progress-report", "/no-such-page"])
def test_the_example_layout_is_the_builtin_layout_written_out(custom, path):
    """htdocs/layout.html, the example to copy, gives what the built-in layout gives, in every
    language (lang, language switch, skip link, menu), white space and comments aside."""
    example, builtin = custom.get(f"/example{path}"), custom.get(f"/builtin{path}")
    assert example.status == builtin.status
    assert _markup(example.text) == _markup(builtin.text)
    if path.startswith("/es/"):
        assert '<html lang="es">' in example.text


@pytest.mark.parametrize("slug", ["index", "pillar-1", "reports"])
def test_custom_layout_is_used(custom, slug):
    r = custom.get(sitedata.url(B, slug))
    assert r.status == 200
    assert '<p class="custom-banner">CUSTOM LAYOUT BANNER</p>' in r.text
    assert "<footer><p>CUSTOM LAYOUT FOOTER</p></footer>" in r.text


@pytest.mark.parametrize("slug", ["index", "pillar-1", "reports"])
def test_custom_layout_markers_are_all_replaced(custom, slug):
    text = custom.get(sitedata.url(B, slug)).text
    assert "<!--#rootcauses" not in text
    doc = htmlcheck.parse(text)
    assert doc.errors == []


def test_custom_layout_title_marker_is_page_title_dash_site_title(custom):
    doc = htmlcheck.parse(custom.get(f"{B}/pillar-1").text)
    assert doc.title == ("Pillar I: Addressing Economic Insecurity and Inequality"
                         " \u2013 Root Causes of Migration")


def test_custom_layout_nav_marker_is_the_navigation_under_the_mount(custom):
    doc = htmlcheck.parse(custom.get(f"{B}/pillar-1").text)
    assert htmlcheck.nav_entries(doc) == sitedata.nav(DATA, B)
    assert htmlcheck.current_nav(doc) == [(f"{B}/pillar-1", "page")]


def test_custom_layout_content_marker_is_the_page_content(custom):
    text = custom.get(f"{B}/pillar-1").text
    frag = (rcserver.shipped_htdocs() / "pages" / "pillar-1.html").read_text(encoding="utf-8")
    assert "<main id=\"content\">\n<h1>Pillar I: Addressing Economic Insecurity and Inequality</h1>" in text
    assert frag in text


def test_custom_layout_text_between_markers_is_kept_byte_for_byte(custom):
    text = custom.get(f"{B}/pillar-1").text
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>')
    assert text.endswith("</main>\n<footer><p>CUSTOM LAYOUT FOOTER</p></footer>\n</body>\n</html>\n")


def test_base_and_site_markers_are_the_mount_and_the_site_title(custom):
    text = custom.get("/all/pillar-1").text
    assert '<link rel="stylesheet" href="/all/assets/rootcauses.css">' in text
    assert '<header><a class="home" href="/all/">Root Causes of Migration</a></header>' in text
    assert "<!--#rootcauses" not in text


def test_head_marker_carries_the_atom_link_of_a_listing(custom):
    text = custom.get("/all/reports").text
    assert ('<link rel="alternate" type="application/atom+xml" title="Reports to Congress (Atom)"'
            ' href="/all/reports.atom">') in text


def test_without_layout_directive_the_builtin_layout_is_used(custom):
    text = custom.get("/builtin/pillar-1").text
    assert "CUSTOM LAYOUT" not in text
    assert '<a class="skip-link" href="#content">Skip to main content</a>' in text


def test_layout_changes_the_etag_of_html_only(custom):
    a = custom.get(f"{B}/pillar-1").header("ETag")
    b = custom.get("/builtin/pillar-1").header("ETag")
    assert a != b
    for path in ["/reports", "/reports?country=GT"]:
        a = custom.get(f"{B}{path}").header("ETag")
        b = custom.get(f"/builtin{path}").header("ETag")
        assert a != b, path
    # the other formats' bodies do not come from the layout
    for path in ["/reports.json", "/reports.csv?country=GT", "/reports.atom",
                 "/reports/2022-07-progress-report.json", "/openapi.json"]:
        a = custom.get(f"{B}{path}")
        b = custom.get(f"/builtin{path}")
        assert a.status == b.status == 200, path
        assert a.header("ETag") == b.header("ETag"), path


def test_custom_layout_error_page_uses_it(custom):
    r = custom.get(f"{B}/no-such-page")
    assert r.status == 404
    assert "CUSTOM LAYOUT BANNER" in r.text


# ---------------------------------------------------------------- httpd -t

@pytest.mark.parametrize("marker", ["title", "nav", "content"])
def test_layout_missing_a_marker_fails_httpd_t_naming_file_and_marker(workdir, marker):
    data = rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")
    layout = rcserver.write_file(workdir / "broken.html",
                                 LAYOUT.replace(f"<!--#rootcauses {marker}-->", ""))
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data, layout=layout)])
    assert code != 0
    assert (f"RootCausesLayout: layout {layout}: <!--#rootcauses {marker}--> is missing; "
            "a layout needs the title, nav and content markers") in out
    assert "Syntax OK" not in out


def test_layout_with_a_marker_twice_fails_httpd_t(workdir):
    data = rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")
    layout = rcserver.write_file(workdir / "twice.html",
                                 LAYOUT.replace("</footer>", "<!--#rootcauses nav--></footer>"))
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data, layout=layout)])
    assert code != 0
    assert f"RootCausesLayout: layout {layout}: <!--#rootcauses nav--> appears more than once" in out


def test_layout_with_an_unknown_marker_fails_httpd_t(workdir):
    data = rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")
    layout = rcserver.write_file(workdir / "unknown.html",
                                 LAYOUT.replace("</footer>", "<!--#rootcauses sidebar--></footer>"))
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data, layout=layout)])
    assert code != 0
    assert (f"RootCausesLayout: layout {layout}: unknown marker <!--#rootcauses sidebar-->; "
            "expected one of <!--#rootcauses title-->, nav, content, head, base, site, lang, "
            "languages, home, skip, nav-label, menu") in out


def test_missing_layout_file_fails_httpd_t_naming_it(workdir):
    data = rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")
    layout = workdir / "no-such-layout.html"
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data, layout=layout)])
    assert code != 0
    assert f"RootCausesLayout: layout {layout}: cannot read it: No such file or directory" in out


def test_relative_layout_path_is_relative_to_server_root(workdir):
    data = rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")
    rcserver.write_file(workdir / "rel" / "layout.html", LAYOUT)
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data, layout="rel/layout.html")])
    assert (code, out) == (0, "Syntax OK\n")
