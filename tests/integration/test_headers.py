"""docs/REFERENCE.md "HTTP headers": ETag, Last-Modified, Cache-Control, conditional requests,
nosniff, CSP."""

import calendar
import email.utils
import os
import re

import pytest

import rcserver

B = "/rootcauses"
REPORT = "2022-07-progress-report"

OK_PATHS = ["/", "/pillar-1", "/strategy", "/reports", "/section-353", "/reports.json",
            "/reports.csv", "/reports.atom", f"/reports/{REPORT}", f"/reports/{REPORT}.json",
            "/section-353?country=NI", "/section-353.json?from=2021&to=2021"]
HTML_OK_PATHS = ["/", "/pillar-1", "/strategy", "/reports", "/section-353",
                 f"/reports/{REPORT}", "/section-353?country=NI"]


def http_date(ts: float) -> str:
    return email.utils.formatdate(int(ts), usegmt=True)


@pytest.mark.parametrize("path", OK_PATHS)
def test_200_has_etag_last_modified_and_default_cache_control(shipped, path):
    r = shipped.get(f"{B}{path}")
    assert r.status == 200, r.dump()
    assert re.fullmatch(r'(W/)?"[^"\s]+"', r.header("ETag") or "")
    assert email.utils.parsedate_to_datetime(r.header("Last-Modified"))
    assert r.header("Cache-Control") == "public, max-age=300"


# ---------------------------------------------------------------- nosniff and CSP

NOSNIFF_CASES = [
    ("GET", "/", 200), ("GET", "/reports.json", 200), ("GET", "/reports.csv", 200),
    ("GET", "/reports.atom", 200), ("GET", f"/reports/{REPORT}.json", 200),
    ("GET", "", 301), ("GET", "/index", 301), ("GET", "/pillar-1/", 301),
    ("GET", "/no-such-page", 404), ("GET", "/pillar-1.json", 404), ("GET", "/x.csv", 404),
    ("POST", "/", 405), ("OPTIONS", "/reports.json", 405),
    ("GET", "/reports?from=2021-02-30", 400), ("GET", "/reports.json?page=0", 400),
    ("GET", "/reports.csv?per_page=500", 400),
]


@pytest.mark.parametrize("method,path,status", NOSNIFF_CASES)
def test_every_response_has_nosniff(shipped, method, path, status):
    r = shipped.request(method, f"{B}{path}")
    assert r.status == status, r.dump()
    assert r.header("X-Content-Type-Options") == "nosniff"


def test_304_has_nosniff(shipped):
    etag = shipped.get(f"{B}/pillar-1").header("ETag")
    r = shipped.get(f"{B}/pillar-1", headers={"If-None-Match": etag})
    assert r.status == 304
    assert r.header("X-Content-Type-Options") == "nosniff"


CSP_CASES = [("GET", p, 200) for p in HTML_OK_PATHS] + [
    ("GET", "/no-such-page", 404), ("GET", "/reports/no-such-item", 404), ("POST", "/", 405),
    ("GET", "/reports?from=2021-02-30", 400),
]


@pytest.mark.parametrize("method,path,status", CSP_CASES)
def test_html_responses_have_csp_default_src_self(shipped, method, path, status):
    r = shipped.request(method, f"{B}{path}")
    assert r.status == status
    assert r.header("Content-Type") == "text/html; charset=utf-8"
    assert r.header("Content-Security-Policy") == "default-src 'self'"


@pytest.mark.parametrize("path", ["", "/index", "/reports/", "/es"])
def test_redirects_have_csp_too(shipped, path):
    """httpd writes the 301's body, in HTML: it carries the module's policy."""
    r = shipped.get(f"{B}{path}")
    assert r.status == 301 and r.header("Content-Type").startswith("text/html"), r.dump()
    assert r.header("Content-Security-Policy") == "default-src 'self'"
    assert r.header("X-Content-Type-Options") == "nosniff"


# a filter counts when its value was read; a bad country, page or per_page is no filter
@pytest.mark.parametrize("query,robots", [("from=2023&to=2022", "noindex"), ("country=XX", None),
                                          ("page=0", None), ("per_page=0&q=corrupt", "noindex")])
def test_a_400_listing_sends_the_robots_header_its_page_says(shipped, query, robots):
    r = shipped.get(f"{B}/section-353?{query}")
    assert r.status == 400, r.dump()
    assert r.header("X-Robots-Tag") == robots
    assert ('<meta name="robots" content="noindex, follow">' in r.text) == (robots is not None)


# ---------------------------------------------------------------- conditional requests

@pytest.mark.parametrize("path", OK_PATHS)
def test_if_none_match_with_the_etag_gives_304(shipped, path):
    etag = shipped.get(f"{B}{path}").header("ETag")
    r = shipped.get(f"{B}{path}", headers={"If-None-Match": etag})
    assert r.status == 304
    assert r.body == b""
    assert r.header("ETag") == etag


@pytest.mark.parametrize("path", OK_PATHS)
def test_if_modified_since_with_the_last_modified_gives_304(shipped, path):
    lm = shipped.get(f"{B}{path}").header("Last-Modified")
    r = shipped.get(f"{B}{path}", headers={"If-Modified-Since": lm})
    assert r.status == 304
    assert r.body == b""


def test_if_none_match_with_another_etag_gives_200(shipped):
    r = shipped.get(f"{B}/pillar-1", headers={"If-None-Match": '"not-the-etag"'})
    assert r.status == 200
    assert r.body


def test_if_modified_since_before_last_modified_gives_200(shipped):
    r = shipped.get(f"{B}/pillar-1", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert r.status == 200


def test_if_none_match_wins_over_if_modified_since(shipped):
    lm = shipped.get(f"{B}/pillar-1").header("Last-Modified")
    r = shipped.get(f"{B}/pillar-1", headers={"If-None-Match": '"not-the-etag"',
                                               "If-Modified-Since": lm})
    assert r.status == 200


def test_304_keeps_cache_control(shipped):
    etag = shipped.get(f"{B}/reports.json").header("ETag")
    r = shipped.get(f"{B}/reports.json", headers={"If-None-Match": etag})
    assert r.status == 304
    assert r.header("Cache-Control") == "public, max-age=300"


def test_conditional_request_on_404_is_still_404(shipped):
    etag = shipped.get(f"{B}/pillar-1").header("ETag")
    r = shipped.get(f"{B}/no-such-page", headers={"If-None-Match": etag})
    assert r.status == 404


# ---------------------------------------------------------------- Last-Modified values

# Fixed times in the past (httpd never sends a Last-Modified later than the request).
T_DATA = calendar.timegm((2024, 3, 4, 5, 6, 7))       # Mon, 04 Mar 2024 05:06:07 GMT
T_NEWER = calendar.timegm((2024, 6, 1, 12, 0, 0))     # Sat, 01 Jun 2024 12:00:00 GMT
T_OLDER = calendar.timegm((2023, 1, 2, 3, 4, 5))


@pytest.fixture(scope="module")
def dated(start_module_server):
    """The shipped site with data.json at T_DATA, pillar-1's page newer, pillar-2's older."""
    wd = start_module_server.workdir()
    data = rcserver.copy_site(rcserver.shipped_htdocs(), wd / "site")
    os.utime(data, (T_DATA, T_DATA))
    os.utime(data.parent / "pages" / "pillar-1.html", (T_NEWER, T_NEWER))
    os.utime(data.parent / "pages" / "pillar-2.html", (T_OLDER, T_OLDER))
    return start_module_server([rcserver.Mount(B, data=data)], workdir=wd)


def test_last_modified_values_are_written_out():
    assert http_date(T_DATA) == "Mon, 04 Mar 2024 05:06:07 GMT"
    assert http_date(T_NEWER) == "Sat, 01 Jun 2024 12:00:00 GMT"


def test_last_modified_of_page_is_its_file_mtime_when_newer_than_data(dated):
    assert dated.get(f"{B}/pillar-1").header("Last-Modified") == "Sat, 01 Jun 2024 12:00:00 GMT"


def test_last_modified_of_page_is_data_mtime_when_page_file_is_older(dated):
    assert dated.get(f"{B}/pillar-2").header("Last-Modified") == "Mon, 04 Mar 2024 05:06:07 GMT"


@pytest.mark.parametrize("path", ["/reports", "/reports.json", "/reports.csv", "/reports.atom",
                                  f"/reports/{REPORT}", f"/reports/{REPORT}.json"])
def test_last_modified_of_listing_and_item_is_data_mtime(dated, path):
    assert dated.get(f"{B}{path}").header("Last-Modified") == "Mon, 04 Mar 2024 05:06:07 GMT"


def test_if_modified_since_later_than_file_gives_304(dated):
    r = dated.get(f"{B}/pillar-2", headers={"If-Modified-Since": "Tue, 05 Mar 2024 00:00:00 GMT"})
    assert r.status == 304


def test_if_modified_since_earlier_than_newer_page_gives_200(dated):
    r = dated.get(f"{B}/pillar-1", headers={"If-Modified-Since": "Mon, 04 Mar 2024 05:06:07 GMT"})
    assert r.status == 200


# ---------------------------------------------------------------- RootCausesMaxAge

@pytest.fixture(scope="module")
def max_age(start_module_server):
    """/sixty with RootCausesMaxAge 60, /zero with 0, /server inheriting the server's 120."""
    shipped = rcserver.shipped_htdocs() / "data.json"
    return start_module_server(
        [rcserver.Mount("/sixty", data=shipped, directives=["RootCausesMaxAge 60"]),
         rcserver.Mount("/zero", data=shipped, directives=["RootCausesMaxAge 0"]),
         rcserver.Mount("/server", data=shipped)],
        server_conf="RootCausesMaxAge 120")


@pytest.mark.parametrize("path", OK_PATHS)
def test_max_age_directive_in_location_sets_cache_control(max_age, path):
    r = max_age.get(f"/sixty{path}")
    assert r.status == 200
    assert r.header("Cache-Control") == "public, max-age=60"


def test_max_age_zero_sets_max_age_0(max_age):
    assert max_age.get("/zero/pillar-1").header("Cache-Control") == "public, max-age=0"


def test_max_age_in_server_config_applies_to_locations(max_age):
    assert max_age.get("/server/pillar-1").header("Cache-Control") == "public, max-age=120"


def test_max_age_only_on_200(max_age):
    assert max_age.get("/sixty/no-such-page").header("Cache-Control") is None
