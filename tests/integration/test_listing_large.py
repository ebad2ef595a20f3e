"""A collection of 10,000 items, generated here: the CSV export lists every row ("Formats"), Atom
the newest 50, and filtered JSON pages deep in the result agree with listingref ("Listing
parameters", docs/REFERENCE.md)."""

import calendar
import csv
import io
import json
import random
import xml.etree.ElementTree as ET

import pytest

import listingref
import rcserver

B = "/big"
COLL = "records"
N = 10_000
CODES = ["GT", "SV", "HN", "MX", "NI", "CR"]
KINDS = ["action", "brief", "report", None]
ATOM = "{http://www.w3.org/2005/Atom}"
WORDS = ["migration", "corruption", "Pérez", "Núñez", "governance", "security", "ñandú",
         "economy", "climate", "justice"]


def generate(n=N, seed=353):
    rnd = random.Random(seed)
    items = []
    for i in range(n):
        year = rnd.randint(1990, 2025)
        precision = rnd.random()
        if precision < 0.25:
            date = f"{year:04d}"
        elif precision < 0.55:
            date = f"{year:04d}-{rnd.randint(1, 12):02d}"
        else:
            month = rnd.randint(1, 12)
            day = rnd.randint(1, calendar.monthrange(year, month)[1])
            date = f"{year:04d}-{month:02d}-{day:02d}"
        # ids in an order unrelated to the items' order, so ties by id are seen
        item_id = f"{rnd.choice(['a', 'b', 'c', 'd'])}{i * 7919 % n:05d}"
        if i % 97 == 0:
            title = f"=HYPERLINK(\"x\",{i})"
        elif i % 89 == 0:
            title = f"Quote \"{i}\", comma\nand a new line"
        else:
            title = f"Record {i} on {rnd.choice(WORDS)}"
        it = {"id": item_id, "title": title, "date": date,
              "countries": rnd.sample(CODES, rnd.choice([1, 1, 2, 3]))}
        kind = rnd.choice(KINDS)
        if kind:
            it["kind"] = kind
        if rnd.random() < 0.5:
            it["summary"] = f"About {rnd.choice(WORDS)} and {rnd.choice(WORDS)}."
        items.append(it)
    return {
        "title": "Big Test Site",
        "countries": [{"code": c, "name": n} for c, n in zip(CODES, [
            "Guatemala", "El Salvador", "Honduras", "México", "Nicaragua", "Costa Rica"])],
        "pages": [{"slug": "index", "title": "Home", "file": "pages/index.html"}],
        "collections": [{"slug": COLL, "title": "Records", "items": items}],
    }


DATA = generate()
ITEMS = {it["id"]: it for it in DATA["collections"][0]["items"]}


@pytest.fixture(scope="module")
def server(start_module_server):
    workdir = start_module_server.workdir()
    site = workdir / "site"
    rcserver.write_file(site / "pages" / "index.html", "<p>Big.</p>\n")
    rcserver.write_file(site / "data.json", json.dumps(DATA, ensure_ascii=False))
    rcserver.make_readable(workdir)
    return start_module_server([rcserver.Mount(B, data=site / "data.json")], workdir=workdir)


def csv_cell(s):
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s


def expected_row(it):
    return [it["id"], it["date"], csv_cell(it["title"]), ";".join(it["countries"]),
            it.get("kind", ""), f"{B}/{COLL}/{it['id']}"]


def test_generated_ids_are_unique():
    assert len(ITEMS) == N


def test_csv_export_of_10000_rows_lists_every_row_newest_first(server):
    r = server.get(f"{B}/{COLL}.csv")
    assert r.status == 200
    assert r.header("Content-Type") == "text/csv; charset=utf-8; header=present"
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))
    assert rows[0] == ["id", "date", "title", "countries", "kind", "url"]
    body = rows[1:]
    assert len(body) == N
    assert [row[0] for row in body] == listingref.run(DATA, COLL, per_page=N).ids
    # date descending by the start of the period, ties by id ascending
    keys = [(-listingref.period(row[1])[0], row[0]) for row in body]
    assert keys == sorted(keys)
    for row in body:
        assert len(row) == 6
    # a few rows exactly: the first, the last, a formula title, a quoted multi-line title
    for row in (body[0], body[-1]):
        assert row == expected_row(ITEMS[row[0]])
    formula = next(row for row in body if row[2].startswith("'="))
    assert formula == expected_row(ITEMS[formula[0]])
    quoted = next(row for row in body if row[2].startswith("Quote"))
    assert quoted == expected_row(ITEMS[quoted[0]])
    assert "\"" in quoted[2] and "\n" in quoted[2] and "," in quoted[2]


def test_csv_export_of_10000_rows_ignores_page_and_per_page(server):
    a = server.get(f"{B}/{COLL}.csv")
    b = server.get(f"{B}/{COLL}.csv?per_page=1&page=9999")
    assert b.status == 200
    assert a.body == b.body


def test_csv_export_of_a_filter_in_oldest_first_order(server):
    r = server.get(f"{B}/{COLL}.csv?country=NI&kind=report&sort=date")
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))[1:]
    assert [row[0] for row in rows] == listingref.run(DATA, COLL, countries=["NI"],
                                                      kinds=["report"], sort="date").all_ids
    assert len(rows) > 100


def test_atom_of_a_large_collection_is_the_newest_50(server):
    feed = ET.fromstring(server.get(f"{B}/{COLL}.atom?sort=date&page=7&per_page=3").body)
    got = [e.find(f"{ATOM}link").get("href").rsplit("/", 1)[1]
           for e in feed.findall(f"{ATOM}entry")]
    assert got == listingref.newest(DATA, COLL)
    assert len(got) == 50


def random_queries(n=100, seed=7):
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        params, kwargs = [], {}
        if rnd.random() < 0.5:
            cs = rnd.sample(CODES, rnd.randint(1, 3))
            params.append("country=" + ",".join(c.lower() if rnd.random() < 0.3 else c
                                                for c in cs))
            kwargs["countries"] = cs
        if rnd.random() < 0.4:
            ks = rnd.sample(["action", "brief", "report"], rnd.randint(1, 2))
            params += [f"kind={k}" for k in ks]
            kwargs["kinds"] = ks
        dates = []
        for _ in range(2):
            y = rnd.randint(1989, 2026)
            p = rnd.random()
            if p < 0.3:
                dates.append(f"{y}")
            elif p < 0.6:
                dates.append(f"{y}-{rnd.randint(1, 12):02d}")
            else:
                m = rnd.randint(1, 12)
                dates.append(f"{y}-{m:02d}-{rnd.randint(1, calendar.monthrange(y, m)[1]):02d}")
        dates.sort(key=lambda d: listingref.period(d)[0])
        lo, hi = dates
        if listingref.period(lo)[0] > listingref.period(hi)[1]:
            lo, hi = hi, lo
        r = rnd.random()
        if r < 0.3:
            params.append(f"from={lo}")
            kwargs["from_"] = lo
        elif r < 0.5:
            params.append(f"to={hi}")
            kwargs["to"] = hi
        elif r < 0.8 and listingref.period(lo)[0] <= listingref.period(hi)[1]:
            params += [f"from={lo}", f"to={hi}"]
            kwargs.update(from_=lo, to=hi)
        if rnd.random() < 0.15:
            w = rnd.choice(["perez", "NUNEZ", "nandu", "corrupt", "record 1", "quote"])
            params.append("q=" + w.replace(" ", "+"))
            kwargs["q"] = [w]
        if rnd.random() < 0.5:
            params.append("sort=date")
            kwargs["sort"] = "date"
        per_page = rnd.choice([1, 7, 20, 100])
        params.append(f"per_page={per_page}")
        kwargs["per_page"] = per_page
        total = listingref.run(DATA, COLL, **{k: v for k, v in kwargs.items()
                                              if k != "per_page"}).total
        pages = max(1, -(-total // per_page))
        page = rnd.choice([1, 2, pages, max(1, pages - 1), max(1, pages // 2),
                           rnd.randint(1, pages), pages + 1])
        params.append(f"page={page}")
        kwargs["page"] = page
        out.append(("&".join(params), kwargs))
    return out


QUERIES = random_queries()


@pytest.mark.parametrize("query,kwargs", QUERIES, ids=[q for q, _ in QUERIES])
def test_filtered_json_pages_of_a_large_collection_match_the_reference(server, query, kwargs):
    ref = listingref.run(DATA, COLL, **kwargs)
    r = server.get(f"{B}/{COLL}.json?{query}")
    assert r.status == 200, r.dump()
    doc = r.json()
    assert (doc["total"], doc["page"], doc["per_page"], doc["pages"]) == \
        (ref.total, ref.page, ref.per_page, ref.pages)
    assert [it["id"] for it in doc["items"]] == ref.ids
    assert doc["facets"] == ref.facets
