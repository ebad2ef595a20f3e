"""docs/REFERENCE.md "URLs" (B/, B/{slug}) and "Formats" (HTML): every shipped page, from
htdocs/data.json."""

import pytest

import htmlcheck
import rcserver
import sitedata

B = "/rootcauses"
DATA = sitedata.shipped()
PAGES = sitedata.page_slugs(DATA)
COLLECTIONS = sitedata.collection_slugs(DATA)
ALL = PAGES + COLLECTIONS


def fragment(slug):
    path = rcserver.shipped_htdocs() / sitedata.page(DATA, slug)["file"]
    return path.read_text(encoding="utf-8")


def title_of(slug):
    if slug in PAGES:
        return sitedata.page(DATA, slug)["title"]
    return sitedata.collection(DATA, slug)["title"]


def test_shipped_data_has_the_pages_and_collections_the_tests_expect():
    assert PAGES == ["index", "pillar-1", "pillar-2", "pillar-3", "pillar-4", "pillar-5",
                     "resources", "strategy"]
    assert COLLECTIONS == ["reports", "section-353"]
    assert DATA["title"] == "Root Causes of Migration"


@pytest.mark.parametrize("slug", ALL)
def test_page_answers_200_as_utf8_html(shipped, slug):
    r = shipped.get(sitedata.url(B, slug))
    assert r.status == 200, r.dump()
    assert r.header("Content-Type") == "text/html; charset=utf-8"


@pytest.mark.parametrize("slug", ALL)
def test_page_title_is_page_title_dash_site_title(shipped, slug):
    doc = htmlcheck.parse(shipped.get(sitedata.url(B, slug)).text)
    assert doc.title == f"{title_of(slug)} \u2013 Root Causes of Migration"


def test_index_title_is_written_out():
    # The same rule, with one value written out rather than read from data.json.
    assert sitedata.full_title(DATA, sitedata.page(DATA, "index")["title"]) == \
        "Root Causes Strategy Overview – Root Causes of Migration"


def test_strategy_page_title_keeps_its_typographic_apostrophe(shipped):
    doc = htmlcheck.parse(shipped.get(f"{B}/strategy").text)
    assert doc.title == "The U.S. Government\u2019s Complete Root Causes Strategy \u2013 Root Causes of Migration"


@pytest.mark.parametrize("slug", ALL)
def test_page_h1_is_its_title(shipped, slug):
    doc = htmlcheck.parse(shipped.get(sitedata.url(B, slug)).text)
    assert doc.h1s == [title_of(slug)]


@pytest.mark.parametrize("slug", ALL)
def test_nav_lists_every_page_and_collection_in_data_order(shipped, slug):
    doc = htmlcheck.parse(shipped.get(sitedata.url(B, slug)).text)
    assert htmlcheck.nav_entries(doc) == sitedata.nav(DATA, B)


def test_nav_of_shipped_site_is_written_out(shipped):
    doc = htmlcheck.parse(shipped.get(f"{B}/").text)
    assert [href for href, _ in htmlcheck.nav_entries(doc)] == [
        "/rootcauses/", "/rootcauses/pillar-1", "/rootcauses/pillar-2", "/rootcauses/pillar-3",
        "/rootcauses/pillar-4", "/rootcauses/pillar-5", "/rootcauses/resources",
        "/rootcauses/strategy", "/rootcauses/reports", "/rootcauses/section-353"]


@pytest.mark.parametrize("slug", ALL)
def test_nav_marks_the_current_page_only(shipped, slug):
    doc = htmlcheck.parse(shipped.get(sitedata.url(B, slug)).text)
    assert htmlcheck.current_nav(doc) == [(sitedata.url(B, slug), "page")]


@pytest.mark.parametrize("slug", ALL)
def test_page_is_lang_en_and_well_formed(shipped, slug):
    text = shipped.get(sitedata.url(B, slug)).text
    doc = htmlcheck.parse(text)
    assert doc.doctype and doc.doctype.lower() == "doctype html"
    assert doc.lang == "en"
    assert doc.errors == []
    assert doc.scripts == 0
    assert doc.mains == 1


@pytest.mark.parametrize("slug", PAGES)
def test_page_contains_its_fragment_verbatim_in_main(shipped, slug):
    text = shipped.get(sitedata.url(B, slug)).text
    frag = fragment(slug)
    main_start, main_end = text.index("<main"), text.index("</main>")
    at = text.find(frag)
    assert at >= 0, f"the fragment {sitedata.page(DATA, slug)['file']} is not in the page"
    assert main_start < at and at + len(frag) <= main_end


@pytest.mark.parametrize("slug", PAGES)
def test_page_fragment_follows_the_h1_in_a_page_body(shipped, slug):
    text = shipped.get(sitedata.url(B, slug)).text
    title = title_of(slug)
    assert f'<h1>{title}</h1>\n<div class="page-body">\n{fragment(slug)}</div>' in text


def test_error_page_is_well_formed_html_with_site_nav(shipped):
    r = shipped.get(f"{B}/no-such-page")
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    assert doc.lang == "en"
    assert doc.title == "Page not found \u2013 Root Causes of Migration"
    assert doc.h1s == ["Page not found"]
    assert htmlcheck.nav_entries(doc) == sitedata.nav(DATA, B)
    assert htmlcheck.current_nav(doc) == []


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_item_page_answers_200_with_item_title_and_collection_marked_in_nav(shipped, collection):
    for item in sitedata.collection(DATA, collection)["items"]:
        r = shipped.get(f"{B}/{collection}/{item['id']}")
        assert r.status == 200, r.dump()
        assert r.header("Content-Type") == "text/html; charset=utf-8"
        doc = htmlcheck.parse(r.text)
        assert doc.errors == []
        assert doc.title == f"{item['title']} \u2013 Root Causes of Migration"
        assert doc.h1s == [item["title"]]
        # An item is below its collection: aria-current="true", not "page".
        assert htmlcheck.current_nav(doc) == [(f"{B}/{collection}", "true")]
