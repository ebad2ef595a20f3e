"""docs/REFERENCE.md "URLs": the URL table, redirects, 404s, methods and HEAD, on the shipped
site."""

import pytest

import htmlcheck
import rcserver
import sitedata

B = "/rootcauses"
DATA = sitedata.shipped()
REPORT = "2022-07-progress-report"
ACTION = "2022-03-09-nicaragua-action"


def location(server, path):
    """The absolute URL httpd writes in Location for a path of this server."""
    return f"{server.origin}{path}"


# ---------------------------------------------------------------- redirects

def test_mount_without_slash_redirects_301_to_mount_with_slash(shipped):
    r = shipped.get(B)
    assert r.status == 301
    assert r.header("Location") == location(shipped, "/rootcauses/")


def test_redirect_keeps_the_query_string(shipped):
    r = shipped.get(f"{B}?x=1&y=2")
    assert r.status == 301
    assert r.header("Location") == location(shipped, "/rootcauses/?x=1&y=2")


def test_index_slug_redirects_301_to_mount(shipped):
    r = shipped.get(f"{B}/index")
    assert r.status == 301
    assert r.header("Location") == location(shipped, "/rootcauses/")


def test_index_slug_with_trailing_slash_redirects_301_to_mount(shipped):
    r = shipped.get(f"{B}/index/")
    assert r.status == 301
    assert r.header("Location") == location(shipped, "/rootcauses/")


@pytest.mark.parametrize("path", [
    "/pillar-1", "/pillar-5", "/resources", "/strategy",             # pages
    "/reports", "/section-353",                                      # listings
    "/reports.json", "/reports.csv", "/reports.atom", "/section-353.json",  # formats
    f"/reports/{REPORT}", f"/section-353/{ACTION}",                  # items
    f"/reports/{REPORT}.json", f"/section-353/{ACTION}.json",        # item JSON
    "/sitemap.xml", "/openapi.json",                                 # the module's own
])
def test_trailing_slash_on_valid_path_redirects_301_to_path_without_it(shipped, path):
    r = shipped.get(f"{B}{path}/")
    assert r.status == 301, r.dump()
    assert r.header("Location") == location(shipped, f"{B}{path}")


def test_trailing_slash_redirect_keeps_the_query_string(shipped):
    r = shipped.get(f"{B}/reports/?country=GT&q=x")
    assert r.status == 301
    assert r.header("Location") == location(shipped, f"{B}/reports?country=GT&q=x")


def test_redirected_path_answers_200(shipped):
    r = shipped.get(f"{B}/reports/")
    assert shipped.get(r.header("Location")[len(shipped.origin):]).status == 200


# ---------------------------------------------------------------- 404

NOT_FOUND = [
    "/no-such-page",
    "/pillar-6",
    "/reports/no-such-item",
    f"/section-353/{REPORT}",        # an item of another collection
    f"/pillar-1/{REPORT}",           # a page has no items
    "/index.json",                   # the index page has no formats
    "/pillar-1.json",                # a page has no formats
    "/pillar-1.csv",
    "/pillar-1.atom",
    "/reports.xml",
    "/reports.JSON",
    f"/reports/{REPORT}.csv",        # an item only has HTML and JSON
    f"/reports/{REPORT}.atom",
    "/reports/x/y",
    f"/reports/{REPORT}/documents",
    "/Pillar-1",                     # slugs are lower case
    "/REPORTS",
    "/pillar_1",
    "/-pillar-1",
    "/pillar-1.html",
    "/pillar-1;x",
    "/pillar-1~",
    "/caf%C3%A9",
    "/%20",
    "/pillar-1%20",
    "/no-such-page/",                # a trailing slash on an invalid path: no redirect
    "/reports/no-such-item/",
    "/reports.json.json",
    "/" + "a" * 65,                  # longer than a slug may be
    "/" + "a" * 300,
]


@pytest.mark.parametrize("path", NOT_FOUND)
def test_unknown_path_is_404(shipped, path):
    r = shipped.get(f"{B}{path}")
    assert r.status == 404, r.dump()


@pytest.mark.parametrize("path", ["/no-such-page", "/reports/no-such-item", "/Pillar-1"])
def test_404_for_html_path_is_the_html_error_page(shipped, path):
    r = shipped.get(f"{B}{path}")
    assert r.status == 404
    assert r.header("Content-Type") == "text/html; charset=utf-8"
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    assert doc.h1s == ["Page not found"]


@pytest.mark.parametrize("path", ["/index.json", "/pillar-1.json", "/nope.json",
                                  "/reports/no-such-item.json"])
def test_404_for_json_path_is_a_json_error(shipped, path):
    r = shipped.get(f"{B}{path}")
    assert r.status == 404
    assert r.header("Content-Type") == "application/json"
    assert r.json() == {"error": {"status": 404, "parameter": None,
                                  "message": "There is no page at this address."}}


@pytest.mark.parametrize("path", ["/pillar-1.csv", "/nope.atom"])
def test_404_for_csv_or_atom_path_is_plain_text(shipped, path):
    r = shipped.get(f"{B}{path}")
    assert r.status == 404
    assert r.header("Content-Type") == "text/plain; charset=utf-8"
    assert r.text == "404 Not Found\nThere is no page at this address.\n"


@pytest.mark.expect_log(r"AH01630: client denied by server configuration")
def test_encoded_dot_dot_does_not_leave_the_mount(shipped):
    # httpd decodes %2e%2e and removes the ".." segment before any module sees the path:
    # /rootcauses/%2e%2e/ is "/", outside the mount, which the harness conf denies.
    r = shipped.get(f"{B}/%2e%2e/")
    assert r.status == 403
    assert b"Root Causes" not in r.body


@pytest.mark.expect_log(r"AH01630: client denied by server configuration")
def test_encoded_dot_dot_to_a_sibling_folder_is_not_served(shipped):
    r = shipped.get(f"{B}/%2e%2e/etc/passwd")
    assert r.status == 403


@pytest.mark.expect_log(r"AH10244: invalid URI path \(/rootcauses/%zz\)")
def test_bad_percent_escape_is_400_before_the_module(shipped):
    r = shipped.get(f"{B}/%zz")
    assert r.status == 400


def test_encoded_slash_is_404(shipped):
    # AllowEncodedSlashes Off (the default): httpd answers 404 itself.
    r = shipped.get(f"{B}/reports%2f{REPORT}")
    assert r.status == 404


def test_encoded_nul_is_404(shipped):
    r = shipped.get(f"{B}/pillar-1%00")
    assert r.status == 404


def test_path_that_only_starts_like_the_mount_is_not_ours(shipped, expect_log):
    expect_log(r"AH01630: client denied by server configuration: .*/www/rootcausesX")
    r = shipped.get("/rootcausesX")
    assert r.status == 403
    assert b"Root Causes" not in r.body


# ---------------------------------------------------------------- methods

METHODS = ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/", "/pillar-1", "/reports", "/reports.json", "/reports.csv",
                                  f"/reports/{REPORT}", "/no-such-page", ""])
def test_other_methods_are_405_with_allow_get_head(shipped, method, path):
    body = b"a=1" if method in ("POST", "PUT", "PATCH") else None
    r = shipped.request(method, f"{B}{path}", body=body)
    assert r.status == 405, r.dump()
    assert r.header("Allow") == "GET, HEAD"
    assert r.header("X-Content-Type-Options") == "nosniff"


def test_405_on_html_path_is_the_html_error_page(shipped):
    r = shipped.request("DELETE", f"{B}/pillar-1")
    assert r.header("Content-Type") == "text/html; charset=utf-8"
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    assert doc.h1s == ["Method not allowed"]


def test_405_on_json_path_is_a_json_error(shipped):
    r = shipped.request("POST", f"{B}/reports.json", body=b"{}")
    assert r.status == 405
    assert r.header("Content-Type") == "application/json"
    assert r.json() == {"error": {"status": 405, "parameter": None, "message":
                                  "The method POST is not allowed here; use GET or HEAD."}}


HEAD_PATHS = ["/", "/pillar-1", "/strategy", "/reports", "/reports.json", "/reports.csv",
              "/reports.atom", f"/reports/{REPORT}", f"/reports/{REPORT}.json",
              "/no-such-page", "/pillar-1.json", "", "/pillar-1/", "/reports?from=2021-02-30"]


@pytest.mark.parametrize("path", HEAD_PATHS)
def test_head_gives_the_get_headers_and_no_body(shipped, path):
    get = shipped.get(f"{B}{path}")
    head = shipped.head(f"{B}{path}")
    assert head.status == get.status
    assert head.body == b""

    def headers(r):
        # Date changes; httpd may leave out Content-Length on HEAD (it is not wrong if absent).
        return {k.lower(): v for k, v in r.headers.items() if k.lower() not in ("date", "content-length")}

    assert headers(head) == headers(get)
    if head.header("Content-Length") is not None:
        assert head.header("Content-Length") == get.header("Content-Length")


# ---------------------------------------------------------------- listings and items

@pytest.mark.parametrize("slug", sitedata.collection_slugs(DATA))
def test_listing_answers_200_with_its_items_newest_first(shipped, slug):
    r = shipped.get(f"{B}/{slug}")
    assert r.status == 200
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    items = sitedata.collection(DATA, slug)["items"]
    prefix = f"{B}/{slug}/"
    listed = [a.href[len(prefix):] for a in doc.links
              if a.href.startswith(prefix) and "/" not in a.href[len(prefix):]]
    assert listed == sitedata.newest_first(items)


def test_section_353_lists_its_four_items_in_date_order(shipped):
    doc = htmlcheck.parse(shipped.get(f"{B}/section-353").text)
    assert [a.href for a in doc.links if a.href.startswith(f"{B}/section-353/")] == [
        "/rootcauses/section-353/2022-03-09-nicaragua-action",
        "/rootcauses/section-353/2021-09-20-seven-officials-actions",
        "/rootcauses/section-353/2021-07-01-section-353-list",
        "/rootcauses/section-353/2021-corrupt-undemocratic-actors-report",
    ]


def test_reports_lists_its_one_item(shipped):
    doc = htmlcheck.parse(shipped.get(f"{B}/reports").text)
    assert [a.href for a in doc.links if a.href.startswith(f"{B}/reports/")] == [
        "/rootcauses/reports/2022-07-progress-report"]


@pytest.mark.parametrize("fmt,ctype", [("json", "application/json"),
                                       ("csv", "text/csv; charset=utf-8; header=present"),
                                       ("atom", "application/atom+xml")])
def test_listing_formats_answer_200_with_their_content_type(shipped, fmt, ctype):
    r = shipped.get(f"{B}/reports.{fmt}")
    assert r.status == 200
    assert r.header("Content-Type") == ctype


def test_listing_json_has_the_ids_of_the_collection(shipped):
    r = shipped.get(f"{B}/section-353.json")
    ids = [it["id"] for it in r.json()["items"]]
    assert ids == sitedata.newest_first(sitedata.collection(DATA, "section-353")["items"])


def test_item_json_answers_200_application_json(shipped):
    r = shipped.get(f"{B}/section-353/{ACTION}.json")
    assert r.status == 200
    assert r.header("Content-Type") == "application/json"
    assert r.json() == {
        "id": "2022-03-09-nicaragua-action",
        "title": "U.S. Action Against Corruption and Attacks on Democracy in Nicaragua",
        "date": "2022-03-09",
        "countries": ["NI"],
        "url": "/rootcauses/section-353/2022-03-09-nicaragua-action",
        "kind": "action",
        "summary": "U.S. action against corruption and attacks on democracy in Nicaragua.",
    }


# ---------------------------------------------------------------- assets

def test_assets_css_is_served_by_httpd_as_text_css(shipped):
    r = shipped.get(f"{B}/assets/rootcauses.css")
    assert r.status == 200
    assert r.header("Content-Type") == "text/css"
    assert r.body == (rcserver.shipped_htdocs() / "assets" / "rootcauses.css").read_bytes()
    # httpd's own answer, not the module's
    assert r.header("Content-Security-Policy") is None


def test_pages_link_the_stylesheet_under_assets(shipped):
    assert '<link rel="stylesheet" href="/rootcauses/assets/rootcauses.css">' in \
        shipped.get(f"{B}/").text


def test_missing_asset_is_404_from_httpd(shipped):
    r = shipped.get(f"{B}/assets/no-such-file.css")
    assert r.status == 404
