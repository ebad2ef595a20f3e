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


LANGS = sitedata.languages(DATA)
SITE_TITLE = {"en": "Root Causes of Migration", "es": "Causas de fondo de la migración"}


def fragment(slug, lang="en"):
    path = rcserver.shipped_htdocs() / sitedata.page_file(DATA, slug, lang)
    return path.read_text(encoding="utf-8")


def title_of(slug, lang="en"):
    return sitedata.title(DATA, slug, lang)


def test_shipped_data_has_the_pages_and_collections_the_tests_expect():
    assert PAGES == ["index", "pillar-1", "pillar-2", "pillar-3", "pillar-4", "pillar-5",
                     "resources", "strategy"]
    assert COLLECTIONS == ["reports", "section-353"]
    assert LANGS == ["en", "es"]
    assert DATA["title"] == SITE_TITLE
    # every page has its own fragment in each language
    for slug in PAGES:
        assert sitedata.page_file(DATA, slug, "es") == sitedata.page_file(DATA, slug, "en") \
            .replace("pages/", "pages/es/")


@pytest.mark.parametrize("slug", ALL)
def test_page_answers_200_as_utf8_html(shipped, slug):
    r = shipped.get(sitedata.url(B, slug))
    assert r.status == 200, r.dump()
    assert r.header("Content-Type") == "text/html; charset=utf-8"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ALL)
def test_page_title_is_page_title_dash_site_title(shipped, slug, lang):
    r = shipped.get(sitedata.url(B, slug, lang, DATA))
    assert r.status == 200, r.dump()
    doc = htmlcheck.parse(r.text)
    assert doc.title == f"{title_of(slug, lang)} \u2013 {SITE_TITLE[lang]}"


def test_index_title_is_written_out():
    # The same rule, with one value written out rather than read from data.json.
    assert sitedata.full_title(DATA, title_of("index")) == \
        "Root Causes Strategy Overview – Root Causes of Migration"
    assert sitedata.full_title(DATA, title_of("index", "es"), "es") == \
        ("Panorama general de la Estrategia para abordar las causas de fondo de la migración"
         " – Causas de fondo de la migración")


def test_strategy_page_title_keeps_its_typographic_apostrophe(shipped):
    doc = htmlcheck.parse(shipped.get(f"{B}/strategy").text)
    assert doc.title == "The U.S. Government\u2019s Complete Root Causes Strategy \u2013 Root Causes of Migration"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ALL)
def test_page_h1_is_its_title(shipped, slug, lang):
    doc = htmlcheck.parse(shipped.get(sitedata.url(B, slug, lang, DATA)).text)
    assert doc.h1s == [title_of(slug, lang)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ALL)
def test_nav_lists_every_page_and_collection_in_data_order(shipped, slug, lang):
    doc = htmlcheck.parse(shipped.get(sitedata.url(B, slug, lang, DATA)).text)
    assert htmlcheck.nav_entries(doc) == sitedata.nav(DATA, B, lang)


def test_nav_of_shipped_site_is_written_out(shipped):
    doc = htmlcheck.parse(shipped.get(f"{B}/").text)
    assert htmlcheck.nav_entries(doc) == [
        ("/rootcauses/", "Overview"),
        ("/rootcauses/pillar-1", "Pillar I: Economy and inequality"),
        ("/rootcauses/pillar-2", "Pillar II: Corruption and governance"),
        ("/rootcauses/pillar-3", "Pillar III: Rights and a free press"),
        ("/rootcauses/pillar-4", "Pillar IV: Violence and organized crime"),
        ("/rootcauses/pillar-5", "Pillar V: Gender-based violence"),
        ("/rootcauses/resources", "Resources"),
        ("/rootcauses/strategy", "Complete strategy"),
        ("/rootcauses/reports", "Reports to Congress"),
        ("/rootcauses/section-353", "Section 353")]


def test_spanish_nav_of_shipped_site_is_written_out(shipped):
    doc = htmlcheck.parse(shipped.get(f"{B}/es/").text)
    assert htmlcheck.nav_entries(doc) == [
        ("/rootcauses/es/", "Panorama general"),
        ("/rootcauses/es/pillar-1", "Pilar I: Economía y desigualdad"),
        ("/rootcauses/es/pillar-2", "Pilar II: Corrupción y gobernanza"),
        ("/rootcauses/es/pillar-3", "Pilar III: Derechos y prensa libre"),
        ("/rootcauses/es/pillar-4", "Pilar IV: Violencia y crimen organizado"),
        ("/rootcauses/es/pillar-5", "Pilar V: Violencia de género"),
        ("/rootcauses/es/resources", "Recursos"),
        ("/rootcauses/es/strategy", "Estrategia completa"),
        ("/rootcauses/es/reports", "Informes al Congreso"),
        ("/rootcauses/es/section-353", "Sección 353")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ALL)
def test_nav_marks_the_current_page_only(shipped, slug, lang):
    doc = htmlcheck.parse(shipped.get(sitedata.url(B, slug, lang, DATA)).text)
    assert htmlcheck.current_nav(doc) == [(sitedata.url(B, slug, lang, DATA), "page")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ALL)
def test_page_is_in_its_language_and_well_formed(shipped, slug, lang):
    r = shipped.get(sitedata.url(B, slug, lang, DATA))
    assert r.header("Content-Language") == lang
    doc = htmlcheck.parse(r.text)
    assert doc.doctype and doc.doctype.lower() == "doctype html"
    assert doc.lang == lang
    assert doc.errors == []
    assert doc.scripts == 0 and doc.jsonld == []
    assert doc.mains == 1


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", PAGES)
def test_page_contains_its_fragment_verbatim_in_main(shipped, slug, lang):
    text = shipped.get(sitedata.url(B, slug, lang, DATA)).text
    frag = fragment(slug, lang)
    main_start, main_end = text.index("<main"), text.index("</main>")
    at = text.find(frag)
    assert at >= 0, f"the fragment {sitedata.page_file(DATA, slug, lang)} is not in the page"
    assert main_start < at and at + len(frag) <= main_end
    other = fragment(slug, "es" if lang == "en" else "en")
    assert other not in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", PAGES)
def test_page_fragment_follows_the_h1_in_a_page_body(shipped, slug, lang):
    text = shipped.get(sitedata.url(B, slug, lang, DATA)).text
    title = title_of(slug, lang)
    assert f'<h1>{title}</h1>\n<div class="page-body">\n{fragment(slug, lang)}</div>' in text


def test_error_page_is_well_formed_html_with_site_nav(shipped):
    r = shipped.get(f"{B}/no-such-page")
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    assert doc.lang == "en"
    assert doc.title == "Page not found \u2013 Root Causes of Migration"
    assert doc.h1s == ["Page not found"]
    assert htmlcheck.nav_entries(doc) == sitedata.nav(DATA, B)
    assert htmlcheck.current_nav(doc) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_item_page_answers_200_with_item_title_and_collection_marked_in_nav(shipped, collection,
                                                                            lang):
    home = sitedata.home(B, lang, DATA)
    for item in sitedata.collection(DATA, collection)["items"]:
        r = shipped.get(f"{home}/{collection}/{item['id']}")
        assert r.status == 200, r.dump()
        assert r.header("Content-Type") == "text/html; charset=utf-8"
        assert r.header("Content-Language") == lang
        doc = htmlcheck.parse(r.text)
        assert doc.errors == []
        assert doc.lang == lang
        title = sitedata.text(item["title"], lang, DATA)
        assert doc.title == f"{title} \u2013 {SITE_TITLE[lang]}"
        assert doc.h1s == [title]
        # An item is below its collection: aria-current="true", not "page".
        assert htmlcheck.current_nav(doc) == [(f"{home}/{collection}", "true")]
