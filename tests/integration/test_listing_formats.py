"""docs/REFERENCE.md "Formats" of a listing on the tricky test site: JSON items exactly as in the
data, CSV (RFC 4180, formula prefix, every row), Atom 1.0 (absolute links, self link with the
filter, newest items) and the HTML listing (escaping, the pre-filled form, dates for people,
links)."""

import csv
import io
import re
import urllib.parse
import xml.etree.ElementTree as ET

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
ATOM = "{http://www.w3.org/2005/Atom}"
OPTIONAL = ("kind", "summary", "source", "documents", "persons")


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.Mount(B, data=SITE / "data.json")])


def expected_json_item(coll, it):
    """REFERENCE.md "Formats", JSON: id, title, date, countries, url, and the optional fields."""
    obj = {"id": it["id"], "title": it["title"], "date": it["date"],
           "countries": it["countries"], "url": f"{B}/{coll}/{it['id']}"}
    for k in OPTIONAL:
        if k in it:
            obj[k] = it[k]
    return obj


def split_url(server, href):
    """(path, {name: [values]}) of an href, absolute or not, with the origin checked."""
    u = urllib.parse.urlsplit(href)
    if u.scheme:
        assert f"{u.scheme}://{u.netloc}" == server.origin, href
    return u.path, urllib.parse.parse_qs(u.query, keep_blank_values=True)


def path_of(server, href):
    path, _ = split_url(server, href)
    q = urllib.parse.urlsplit(href).query
    return path + (f"?{q}" if q else "")


# ---------------------------------------------------------------- JSON

def test_json_items_are_exactly_the_data_items_with_url(server):
    doc = server.get(f"{B}/{PUB}.json?per_page=100").json()
    assert [it["id"] for it in doc["items"]] == listingref.run(DATA, PUB, per_page=100).ids
    for got in doc["items"]:
        assert got == expected_json_item(PUB, ITEMS[got["id"]]), got["id"]


def test_json_item_without_optional_fields_has_only_the_required_ones(server):
    doc = server.get(f"{B}/{PUB}.json?q=tie+b&per_page=100").json()
    b = next(it for it in doc["items"] if it["id"] == "b-tie")
    assert b == {"id": "b-tie", "title": "Tie B", "date": "2023-06-15", "countries": ["HN"],
                 "url": f"{B}/{PUB}/b-tie"}


def test_json_keeps_documents_and_persons_as_in_the_data(server):
    doc = server.get(f"{B}/{PUB}.json?q=perez").json()
    (it,) = doc["items"]
    assert it["documents"] == [
        {"title": "Executive Summary", "href": "files/exec-summary.pdf", "bytes": 204800},
        {"title": "Full report & <annex>", "href": "https://example.org/docs/full.pdf?lang=en&v=2"},
        {"title": "Annex \"B\"", "href": "files/annex b.pdf", "bytes": 1536},
    ]
    assert it["persons"] == [
        {"name": "María Pérez", "country": "GT",
         "position": "Ministra de Relaciones Exteriores & Culto"},
        {"name": "John \"Jack\" O'Neil"},
        {"name": "<b>Bold</b> Name", "country": "TT", "position": "Envoy <script>x</script>"},
    ]
    assert it["source"] == "https://example.org/report?id=7&lang=es"
    assert it["summary"] == "Commas, \"quotes\"\nand a second line about corruption."


def test_json_keeps_carriage_returns_and_zero_bytes(server):
    doc = server.get(f"{B}/{PUB}.json?per_page=100").json()
    items = {it["id"]: it for it in doc["items"]}
    assert items["year-2022"]["title"] == "Line one\r\nLine two"
    assert items["year-2022"]["summary"] == "Windows\r\nline endings, in summary."
    assert items["old-2010"]["documents"] == [
        {"title": "Scan", "href": "https://example.org/scan.pdf", "bytes": 0}]


@pytest.mark.parametrize("item_id", sorted(ITEMS))
def test_item_json_is_the_same_object_as_in_the_listing(server, item_id):
    listed = {it["id"]: it for it in server.get(f"{B}/{PUB}.json?per_page=100").json()["items"]}
    r = server.get(f"{B}/{PUB}/{item_id}.json")
    assert r.status == 200, r.dump()
    assert r.header("Content-Type") == "application/json"
    assert r.json() == listed[item_id] == expected_json_item(PUB, ITEMS[item_id])


def test_notes_items_have_their_collection_in_the_url(server):
    doc = server.get(f"{B}/notes.json").json()
    assert [it["url"] for it in doc["items"]] == [f"{B}/notes/note-a", f"{B}/notes/note-b",
                                                  f"{B}/notes/note-c"]
    assert doc["items"][0] == {"id": "note-a", "title": "Note A", "date": "2021-05",
                               "countries": ["TT"], "url": f"{B}/notes/note-a"}


# ---------------------------------------------------------------- CSV

def csv_rows(r):
    return list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))


def csv_cell(s):
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s


def expected_row(coll, it):
    return [it["id"], it["date"], csv_cell(it["title"]), ";".join(it["countries"]),
            it.get("kind", ""), f"{B}/{coll}/{it['id']}"]


def test_csv_content_type_and_header(server):
    r = server.get(f"{B}/{PUB}.csv")
    assert r.status == 200
    assert r.header("Content-Type") == "text/csv; charset=utf-8; header=present"
    assert r.body.startswith(b"id,date,title,countries,kind,url\r\n")
    assert csv_rows(r)[0] == ["id", "date", "title", "countries", "kind", "url"]


def test_csv_lists_every_item_exactly_in_sort_order(server):
    rows = csv_rows(server.get(f"{B}/{PUB}.csv"))[1:]
    assert [r[0] for r in rows] == listingref.run(DATA, PUB, per_page=100).ids
    for row in rows:
        assert row == expected_row(PUB, ITEMS[row[0]]), row[0]


@pytest.mark.parametrize("query,kwargs", [
    ("per_page=5&page=3", {}),
    ("page=99", {}),
    ("per_page=1", {}),
    ("country=GT&sort=date&page=2&per_page=3", dict(countries=["GT"], sort="date")),
    ("sort=date", dict(sort="date")),
    ("kind=brief,action&q=a&from=2021", dict(kinds=["brief", "action"], q=["a"], from_="2021")),
    ("q=nosuchword", dict(q=["nosuchword"])),
])
def test_csv_ignores_page_and_per_page_and_lists_every_match(server, query, kwargs):
    r = server.get(f"{B}/{PUB}.csv?{query}")
    assert r.status == 200, r.dump()
    rows = csv_rows(r)
    assert rows[0] == ["id", "date", "title", "countries", "kind", "url"]
    assert [row[0] for row in rows[1:]] == listingref.run(DATA, PUB, **kwargs).all_ids


def test_csv_quotes_commas_quotes_and_newlines_rfc4180(server):
    rows = {row[0]: row for row in csv_rows(server.get(f"{B}/{PUB}.csv"))[1:]}
    assert rows["july-2022"][2] == "Progress report, July 2022"
    assert rows["july-2022"][3] == "SV;GT;HN"
    assert rows["el-dijo"][2] == "Él dijo: \"sí\" & 'no'"
    assert rows["year-2022"][2] == "Line one\r\nLine two"
    assert rows["y2021"][2] == "Corrupt and undemocratic actors, 2021"
    assert rows["script-item"][2] == "<script>alert(1)</script>"


def test_csv_raw_text_doubles_quotes_and_ends_rows_with_crlf(server):
    body = server.get(f"{B}/{PUB}.csv").body.decode("utf-8")
    assert '"Él dijo: ""sí"" & \'no\'"' in body
    assert '"Line one\r\nLine two"' in body
    assert body.endswith("\r\n")
    # every row but the quoted multi-line one is one CRLF-terminated line of 6 cells
    assert len(csv_rows(server.get(f"{B}/{PUB}.csv"))) == 27


@pytest.mark.parametrize("item_id,cell", [
    ("eq-title", "'=SUM(A1:A2)"),
    ("plus-title", "'+1, plus"),
    ("minus-title", "'-5% change, \"quoted\""),
    ("at-title", "'@handle & <b>bold</b>"),
])
def test_csv_prefixes_formula_like_cells_with_an_apostrophe(server, item_id, cell):
    rows = {row[0]: row for row in csv_rows(server.get(f"{B}/{PUB}.csv"))[1:]}
    assert rows[item_id][2] == cell


def test_csv_of_a_collection_without_kinds_has_empty_kind_cells(server):
    rows = csv_rows(server.get(f"{B}/notes.csv"))
    assert rows == [["id", "date", "title", "countries", "kind", "url"],
                    ["note-a", "2021-05", "Note A", "TT", "", f"{B}/notes/note-a"],
                    ["note-b", "2021-05", "Note B", "GT", "", f"{B}/notes/note-b"],
                    ["note-c", "1999", "Note C", "MX", "", f"{B}/notes/note-c"]]


# ---------------------------------------------------------------- Atom

def atom(server, query=""):
    r = server.get(f"{B}/{PUB}.atom" + (f"?{query}" if query else ""))
    assert r.status == 200, r.dump()
    return r, ET.fromstring(r.body)


def links(el, rel):
    return [l for l in el.findall(f"{ATOM}link") if l.get("rel", "alternate") == rel]


RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")


def test_atom_content_type_and_feed_metadata(server):
    r, feed = atom(server)
    assert r.header("Content-Type").split(";")[0] == "application/atom+xml"
    assert feed.tag == f"{ATOM}feed"
    assert "Publications & Reports" in feed.findtext(f"{ATOM}title")
    feed_id = feed.findtext(f"{ATOM}id")
    assert feed_id and urllib.parse.urlsplit(feed_id).scheme in ("http", "https", "tag", "urn")
    assert RFC3339.match(feed.findtext(f"{ATOM}updated"))
    assert feed.find(f"{ATOM}author/{ATOM}name").text.strip() != ""


@pytest.mark.parametrize("query", ["", "sort=date", "country=MX", "q=tie", "q=zzzznomatch"])
def test_atom_updated_is_the_newest_entrys(server, query):
    """The feed's <updated> follows the content, as the ETag does: the newest entry's, or with
    no entry the collection's newest item's (the first entry of the unfiltered feed)."""
    _, feed = atom(server, query)
    entries = feed.findall(f"{ATOM}entry")
    if entries:
        newest = entries[0].findtext(f"{ATOM}updated")
    else:
        newest = atom(server)[1].find(f"{ATOM}entry").findtext(f"{ATOM}updated")
    assert feed.findtext(f"{ATOM}updated") == newest
    assert newest.endswith("T00:00:00Z")


def test_atom_self_link_is_absolute_and_carries_the_filter(server):
    query = "country=gt&q=report&from=2020&kind=report,brief"
    _, feed = atom(server, query)
    (self_link,) = links(feed, "self")
    href = self_link.get("href")
    path, params = split_url(server, href)
    assert urllib.parse.urlsplit(href).scheme == "http"
    assert path == f"{B}/{PUB}.atom"
    assert [v.upper() for v in params["country"]] == ["GT"]
    assert params["q"] == ["report"]
    assert params["from"] == ["2020"]
    assert sorted(sum((v.split(",") for v in params["kind"]), [])) == ["brief", "report"]
    # the self link gives the same feed
    _, again = atom(server, urllib.parse.urlsplit(href).query)
    assert [e.findtext(f"{ATOM}id") for e in again.findall(f"{ATOM}entry")] == \
        [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]


def test_atom_self_link_of_the_unfiltered_feed(server):
    _, feed = atom(server)
    (self_link,) = links(feed, "self")
    assert self_link.get("href") in (f"{server.origin}{B}/{PUB}.atom",
                                     f"{server.origin}{B}/{PUB}.atom?")


def test_atom_alternate_link_is_the_html_listing_with_the_filter(server):
    _, feed = atom(server, "country=GT&q=report")
    alternates = [l for l in links(feed, "alternate") if l.get("type", "text/html") == "text/html"]
    assert len(alternates) == 1
    path, params = split_url(server, alternates[0].get("href"))
    assert path == f"{B}/{PUB}"
    assert [v.upper() for v in params["country"]] == ["GT"] and params["q"] == ["report"]
    assert server.get(path_of(server, alternates[0].get("href"))).status == 200


@pytest.mark.parametrize("query,kwargs", [
    ("", {}),
    ("sort=date", {}),
    ("sort=date&page=3&per_page=2", {}),
    ("page=99", {}),
    ("country=MX&sort=date", dict(countries=["MX"])),
    ("q=tie", dict(q=["tie"])),
])
def test_atom_lists_newest_matching_first_whatever_sort_and_page(server, query, kwargs):
    _, feed = atom(server, query)
    entries = feed.findall(f"{ATOM}entry")
    got = [e.find(f"{ATOM}link").get("href") for e in entries]
    expected = listingref.newest(DATA, PUB, **kwargs)
    assert got == [f"{server.origin}{B}/{PUB}/{i}" for i in expected]


def test_atom_entries_have_absolute_ids_links_and_exact_titles_and_summaries(server):
    _, feed = atom(server)
    for e in feed.findall(f"{ATOM}entry"):
        (alt,) = links(e, "alternate")
        href = alt.get("href")
        assert href.startswith(f"{server.origin}{B}/{PUB}/")
        it = ITEMS[href.rsplit("/", 1)[1]]
        entry_id = e.findtext(f"{ATOM}id")
        assert urllib.parse.urlsplit(entry_id).scheme in ("http", "https", "tag", "urn")
        if entry_id.startswith("http"):
            assert entry_id.startswith(server.origin)
        assert RFC3339.match(e.findtext(f"{ATOM}updated"))
        # XML parsers turn a literal CR LF into LF; the CR test is below
        assert e.findtext(f"{ATOM}title").replace("\r\n", "\n") == \
            it["title"].replace("\r\n", "\n")
        if "summary" in it:
            assert e.findtext(f"{ATOM}summary").replace("\r\n", "\n") == \
                it["summary"].replace("\r\n", "\n")


def test_atom_keeps_carriage_returns_of_titles_and_summaries(server):
    # "escaped for its context (XML)": a CR must survive parsing, so it is written as &#13;
    _, feed = atom(server, "q=line+two")
    (e,) = feed.findall(f"{ATOM}entry")
    assert e.findtext(f"{ATOM}title") == "Line one\r\nLine two"
    assert e.findtext(f"{ATOM}summary") == "Windows\r\nline endings, in summary."


def test_atom_escapes_markup_of_the_data(server):
    r, feed = atom(server, "q=%3Cscript%3E")
    assert b"<script" not in r.body
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["<script>alert(1)</script>", "Progress report, July 2022"]
    summaries = [e.findtext(f"{ATOM}summary") for e in feed.findall(f"{ATOM}entry")]
    assert summaries[0] == "Tom's \"quoted\" & <i>ok</i>"


def test_atom_of_nothing_is_a_feed_without_entries(server):
    _, feed = atom(server, "country=CI")
    assert feed.findall(f"{ATOM}entry") == []
    assert links(feed, "self")


# ---------------------------------------------------------------- HTML listing

def html(server, query="", coll=PUB):
    r = server.get(f"{B}/{coll}" + (f"?{query}" if query else ""))
    assert r.status == 200, r.dump()
    assert r.header("Content-Type") == "text/html; charset=utf-8"
    return r, htmltree.parse(r.text)


def item_entries(root, coll=PUB):
    """{id: the element of the listing entry holding the link to the item's page}."""
    out = {}
    for a in root.find_all("a"):
        href = a.attrs.get("href", "")
        m = re.fullmatch(rf"{B}/{coll}/([a-z0-9-]+)", href)
        if m:
            entry = a.closest("li") or a.closest("article") or a.parent
            out[m.group(1)] = (a, entry)
    return out


def test_html_listing_is_well_formed_and_escapes_all_data(server):
    r, root = html(server, "per_page=100")
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    assert doc.lang
    assert "<script" not in r.text.lower()
    assert "<b>" not in r.text and "<i>" not in r.text
    assert root.unquoted_attributes == []
    assert root.find("main") is not None


def test_html_listing_entries_have_title_link_human_date_and_country_names(server):
    _, root = html(server, "per_page=100")
    entries = item_entries(root)
    assert list(entries) == listingref.run(DATA, PUB, per_page=100).ids
    for item_id, (a, entry) in entries.items():
        it = ITEMS[item_id]
        assert a.norm_text() == " ".join(it["title"].split())
        text = entry.norm_text()
        assert listingref.human_date(it["date"]) in text, (item_id, text)
        for code in it["countries"]:
            assert listingref.country_name(DATA, code) in text, (item_id, code, text)


@pytest.mark.parametrize("item_id,human", [
    ("july-2022", "July 2022"), ("march-9-2022", "March 9, 2022"), ("y2021", "2021"),
    ("leap-day-report", "February 29, 2024"), ("el-dijo", "May 2024"),
    ("day-2022-07-01", "July 1, 2022"), ("old-2010", "May 5, 2010"),
])
def test_html_listing_writes_dates_for_people(server, item_id, human):
    _, root = html(server, "per_page=100")
    _, entry = item_entries(root)[item_id]
    assert human in entry.norm_text()


def test_html_listing_shows_the_result_count(server):
    _, root = html(server, "country=GT")
    assert re.search(r"\b10 results\b", root.find("main").norm_text())
    _, root = html(server, "per_page=10")
    assert re.search(r"\b26 results\b", root.find("main").norm_text())
    _, root = html(server, "q=perez")
    assert re.search(r"\b1 result\b", root.find("main").norm_text())
    _, root = html(server, "q=nosuchword")
    assert re.search(r"\b(No|0) results\b", root.find("main").norm_text())
    assert item_entries(root) == {}


def form_state(root):
    form = root.find("form")
    sort = form.find("select", name="sort")
    return {
        "country": sorted(i.attrs["value"] for i in form.find_all("input", name="country",
                                                                    checked=True)),
        "all_countries": [i.attrs["value"] for i in form.find_all("input", name="country")],
        "kind": sorted(i.attrs["value"] for i in form.find_all("input", name="kind", checked=True)),
        "all_kinds": [i.attrs["value"] for i in form.find_all("input", name="kind")],
        "from": form.find("input", name="from").attrs.get("value"),
        "to": form.find("input", name="to").attrs.get("value"),
        "q": form.find("input", name="q").attrs.get("value"),
        "sort": [o.attrs.get("value") for o in sort.find_all("option", selected=True)],
        "method": (form.attrs.get("method") or "get").lower(),
        "action": form.attrs.get("action"),
    }


def test_html_form_is_a_get_form_with_every_country_and_kind(server):
    _, root = html(server)
    state = form_state(root)
    assert state["method"] == "get"
    assert state["action"] in (f"{B}/{PUB}", f"{server.origin}{B}/{PUB}", "")
    assert state["all_countries"] == ["GT", "SV", "HN", "MX", "TT", "CI"]
    assert state["all_kinds"] == ["action", "brief", "report", "report-to-congress"]
    assert (state["country"], state["kind"], state["from"] or "", state["to"] or "",
            state["q"] or "") == ([], [], "", "", "")
    assert state["sort"] in ([], ["-date"])


def test_html_form_has_labels_for_its_fields(server):
    _, root = html(server)
    form = root.find("form")
    labelled = {l.attrs.get("for") for l in form.find_all("label")}
    for name in ("from", "to", "q", "sort"):
        control = form.find(None, name=name)
        assert control.attrs.get("id") in labelled or control.closest("label"), name
    for box in form.find_all("input", name="country"):
        assert box.attrs.get("id") in labelled or box.closest("label")


def test_html_form_is_prefilled_with_the_current_filter(server):
    _, root = html(server, "country=GT&country=mexico&from=2021&to=2023-06&kind=brief,report"
                           "&q=tie+a&sort=date")
    state = form_state(root)
    assert state["country"] == ["GT", "MX"]
    assert state["kind"] == ["brief", "report"]
    assert (state["from"], state["to"], state["q"]) == ("2021", "2023-06", "tie a")
    assert state["sort"] == ["date"]


def test_html_form_prefill_escapes_the_query_text(server):
    r, root = html(server, "q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E+%26amp%3B")
    assert "<script" not in r.text.lower()
    assert form_state(root)["q"] == "\"><script>alert(1)</script> &amp;"
    assert htmlcheck.parse(r.text).errors == []


def listing_links(server, root, path):
    """(href, params) of every link to path with a query or without."""
    out = []
    for a in root.find_all("a"):
        href = a.attrs.get("href", "")
        p, params = split_url(server, href) if href and not href.startswith("#") else (None, None)
        if p == path:
            out.append((href, params))
    return out


def test_html_pagination_links_keep_the_filter_and_per_page(server):
    _, root = html(server, "country=GT&per_page=4&page=2")
    assert list(item_entries(root)) == listingref.run(DATA, PUB, countries=["GT"], per_page=4,
                                                      page=2).ids
    pages = set()
    for href, params in listing_links(server, root, f"{B}/{PUB}"):
        if not params:
            continue  # "clear filters"
        assert [v.upper() for v in params.get("country", [])] == ["GT"], href
        assert params.get("per_page") == ["4"], href
        pages.add(int(params.get("page", ["1"])[0]))
    assert {1, 3} <= pages
    assert pages <= {1, 2, 3}


def test_html_pagination_links_keep_a_q_with_ampersand_accent_and_space(server):
    _, root = html(server, "q=%26+%C3%A1&per_page=1&page=2")   # 15 items: 15 pages
    pages = set()
    for href, params in listing_links(server, root, f"{B}/{PUB}"):
        if not params:
            continue
        assert params.get("q") == ["& á"], href
        assert params.get("per_page") == ["1"], href
        pages.add(int(params.get("page", ["1"])[0]))
    assert {1, 3, 4} <= pages


def test_html_pagination_links_lead_to_those_pages(server):
    _, root = html(server, "per_page=10&page=2")
    seen = {}
    for href, params in listing_links(server, root, f"{B}/{PUB}"):
        if params.get("per_page") == ["10"]:
            _, page_root = html(server, urllib.parse.urlsplit(href).query)
            seen[int(params.get("page", ["1"])[0])] = list(item_entries(page_root))
    ids = listingref.run(DATA, PUB, per_page=100).ids
    assert seen[1] == ids[:10] and seen[3] == ids[20:]


def test_html_has_no_pagination_when_one_page(server):
    _, root = html(server, "country=TT")
    assert all("page" not in params for _, params in listing_links(server, root, f"{B}/{PUB}"))


@pytest.mark.parametrize("query,kwargs", [
    ("", {}),
    ("country=GT&q=report&from=2020&sort=date", dict(countries=["GT"], q=["report"],
                                                     from_="2020", sort="date")),
    ("kind=brief&kind=action&to=2022-07", dict(kinds=["brief", "action"], to="2022-07")),
])
def test_html_links_to_the_same_filter_as_json_csv_and_atom(server, query, kwargs):
    _, root = html(server, query)
    ref = listingref.run(DATA, PUB, **kwargs)
    found = {}
    for ext in (".json", ".csv", ".atom"):
        hrefs = [h for h, _ in listing_links(server, root, f"{B}/{PUB}{ext}")]
        assert hrefs, f"no link to {ext}"
        found[ext] = path_of(server, hrefs[0])
    doc = server.get(found[".json"]).json()
    assert doc["total"] == ref.total and doc["facets"] == ref.facets
    assert [row[0] for row in csv_rows(server.get(found[".csv"]))[1:]] == ref.all_ids
    feed = ET.fromstring(server.get(found[".atom"]).body)
    assert [e.find(f"{ATOM}link").get("href").rsplit("/", 1)[1]
            for e in feed.findall(f"{ATOM}entry")] == listingref.newest(DATA, PUB, **kwargs)


def test_html_head_has_the_atom_alternate_link_with_the_filter(server):
    _, root = html(server, "country=MX&q=action")
    head = root.find("head")
    alts = [l for l in head.find_all("link", rel="alternate")
            if l.attrs.get("type") == "application/atom+xml"]
    assert len(alts) == 1
    path, params = split_url(server, alts[0].attrs["href"])
    assert path == f"{B}/{PUB}.atom"
    feed = ET.fromstring(server.get(path_of(server, alts[0].attrs["href"])).body)
    assert [e.find(f"{ATOM}link").get("href").rsplit("/", 1)[1]
            for e in feed.findall(f"{ATOM}entry")] == ["jan-1-2021", "nov-30-2019"]


def test_html_listing_page_past_the_end_lists_nothing(server):
    _, root = html(server, "per_page=10&page=9")
    assert item_entries(root) == {}
