"""Item pages (docs/REFERENCE.md "URLs" B/{collection}/{id}, "Formats" dates for people and
escaping) on the tricky test site: title, date, countries, kind, summary, documents with sizes and
hrefs, persons, source."""

import json
import re

import pytest

import htmlcheck
import htmltree
import listingref
import rcserver
import sitedata

B = "/tricky"
SITE = sitedata.FIXTURES / "tricky"
DATA = sitedata.load(SITE / "data.json")
PUB = "publications"
ITEMS = {it["id"]: it for it in listingref.collection(DATA, PUB)["items"]}
SIZE = re.compile(r"\d+(\.\d+)?\s*(bytes?|B|KB|kB|KiB|MB|MiB|GB|GiB)\b")


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.Mount(B, data=SITE / "data.json")])


def page(server, item_id, coll=PUB):
    r = server.get(f"{B}/{coll}/{item_id}")
    assert r.status == 200, r.dump()
    assert r.header("Content-Type") == "text/html; charset=utf-8"
    return r, htmltree.parse(r.text)


def norm(s):
    return " ".join(s.split())


@pytest.mark.parametrize("item_id", sorted(ITEMS))
def test_item_page_is_well_formed_escaped_and_shows_the_item(server, item_id):
    it = ITEMS[item_id]
    r, root = page(server, item_id)
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    # the only script is the JSON-LD block, and nothing of the data ends it early
    assert r.text.lower().count("<script") == 1 and len(doc.jsonld) == 1
    assert r.text.lower().count("</script") == 1
    assert json.loads(doc.jsonld[0])["name"] == it["title"]
    assert "<b>" not in r.text and "<i>" not in r.text
    assert root.unquoted_attributes == []
    main = root.find("main")
    assert main is not None
    assert norm(doc.h1) == norm(it["title"])
    assert norm(it["title"]) in norm(doc.title)
    text = main.norm_text()
    assert listingref.human_date(it["date"]) in text
    for code in it["countries"]:
        assert listingref.country_name(DATA, code) in text
    if "summary" in it:
        assert norm(it["summary"]) in text
    if "kind" in it:
        assert it["kind"].replace("-", " ").lower() in text.lower()


@pytest.mark.parametrize("item_id,human", [
    ("july-2022", "July 2022"), ("march-9-2022", "March 9, 2022"), ("y2021", "2021"),
    ("leap-day-report", "February 29, 2024"),
])
def test_item_page_writes_the_date_for_people(server, item_id, human):
    _, root = page(server, item_id)
    assert human in root.find("main").norm_text()


def doc_links(root):
    """{href: the <li> (or parent) text} of the links in the documents list."""
    out = {}
    for a in root.find("main").find_all("a"):
        if a.norm_text() in {"Executive Summary", "Full report & <annex>", "Annex \"B\"", "Scan"}:
            holder = a.closest("li") or a.parent
            out[a.attrs["href"]] = (a.norm_text(), holder.norm_text())
    return out


def test_item_page_documents_with_hrefs_and_human_sizes(server):
    _, root = page(server, "july-2022")
    docs = doc_links(root)
    assert set(docs) == {f"{B}/assets/files/exec-summary.pdf",
                         "https://example.org/docs/full.pdf?lang=en&v=2",
                         f"{B}/assets/files/annex%20b.pdf"}
    title, text = docs[f"{B}/assets/files/exec-summary.pdf"]
    assert title == "Executive Summary"
    assert "200 KB" in text
    title, text = docs["https://example.org/docs/full.pdf?lang=en&v=2"]
    assert title == "Full report & <annex>"
    assert not SIZE.search(text), text        # no bytes in the data: no size
    title, text = docs[f"{B}/assets/files/annex%20b.pdf"]
    assert title == "Annex \"B\""
    assert SIZE.search(text), text


def test_item_page_document_hrefs_are_escaped_in_the_attribute(server):
    r, _ = page(server, "july-2022")
    assert 'href="https://example.org/docs/full.pdf?lang=en&amp;v=2"' in r.text


def test_relative_document_href_is_served_from_assets(server):
    for href in (f"{B}/assets/files/exec-summary.pdf", f"{B}/assets/files/annex%20b.pdf"):
        r = server.get(href)
        assert r.status == 200, r.dump()
        assert r.body.startswith(b"%PDF-1.4")


def test_item_page_document_of_zero_bytes(server):
    _, root = page(server, "old-2010")
    title, text = doc_links(root)["https://example.org/scan.pdf"]
    assert title == "Scan"
    assert re.search(r"\b0 bytes\b", text) or re.search(r"\b0\s*B\b", text), text


def test_item_page_persons_are_a_table_with_name_country_and_position(server):
    _, root = page(server, "july-2022")
    table = root.find("main").find("table")
    assert table is not None
    rows = [[norm(c.text()) for c in tr.children if not isinstance(c, str)
             and c.tag in ("td", "th")] for tr in table.find_all("tr")]
    assert ["María Pérez", "Guatemala", "Ministra de Relaciones Exteriores & Culto"] in rows
    assert ["<b>Bold</b> Name", "Trinidad & Tobago", "Envoy <script>x</script>"] in rows
    jack = next(r for r in rows if r and r[0] == "John \"Jack\" O'Neil")
    assert [c for c in jack[1:] if c] == []  # no country, no position
    assert table.find("th") is not None  # a header row or header cells


def test_item_page_persons_with_and_without_country(server):
    _, root = page(server, "y2021")
    table = root.find("main").find("table")
    rows = [[norm(c.text()) for c in tr.children if not isinstance(c, str)
             and c.tag in ("td", "th")] for tr in table.find_all("tr")]
    assert ["José Núñez", "Honduras", "Magistrado"] in rows
    ana = next(r for r in rows if r and r[0] == "Ana Ávila")
    assert "Fiscal general" in ana
    assert not {"Guatemala", "El Salvador", "Honduras", "México", "Trinidad & Tobago",
                "Côte d'Ivoire"} & set(ana)


def test_item_page_source_link_keeps_the_url(server):
    r, root = page(server, "july-2022")
    hrefs = [a.attrs.get("href") for a in root.find("main").find_all("a")]
    assert "https://example.org/report?id=7&lang=es" in hrefs
    assert 'href="https://example.org/report?id=7&amp;lang=es"' in r.text


def test_item_page_without_optional_fields_has_no_documents_persons_or_source(server):
    _, root = page(server, "b-tie")
    main = root.find("main")
    assert main.find("table") is None
    assert not [a for a in main.find_all("a") if a.attrs.get("href", "").startswith("http")]


def test_item_page_of_the_script_title_shows_it_as_text(server):
    r, root = page(server, "script-item")
    assert htmlcheck.parse(r.text).h1 == "<script>alert(1)</script>"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "Tom's \"quoted\" & <i>ok</i>" in root.find("main").norm_text()


def test_item_page_of_a_notes_item(server):
    r, root = page(server, "note-a", coll="notes")
    assert htmlcheck.parse(r.text).h1 == "Note A"
    text = root.find("main").norm_text()
    assert "May 2021" in text and "Trinidad & Tobago" in text


def test_item_of_one_collection_is_not_under_the_other(server):
    assert server.get(f"{B}/notes/july-2022").status == 404
    assert server.get(f"{B}/{PUB}/note-a.json").status == 404
