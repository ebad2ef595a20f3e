"""docs/REFERENCE.md "Listing parameters" and "Formats" on the shipped data (htdocs/data.json):
listings filtered by country and date."""

import csv
import io

import sitedata

B = "/rootcauses"
ACTION = "2022-03-09-nicaragua-action"
REPORT = "2022-07-progress-report"


def ids(shipped, path):
    r = shipped.get(path)
    assert r.status == 200, r.dump()
    return [it["id"] for it in r.json()["items"]]


def test_section_353_country_ni_lists_every_item_naming_nicaragua_newest_first(shipped):
    # The March 9, 2022 action names only Nicaragua; the two 2021 items name all four
    # countries, Nicaragua among them, so country=NI (ANY of the countries) lists them too.
    assert ids(shipped, f"{B}/section-353.json?country=NI") == [
        ACTION, "2021-09-20-seven-officials-actions", "2021-corrupt-undemocratic-actors-report"]


def test_section_353_country_ni_from_2022_lists_exactly_the_march_9_2022_action(shipped):
    assert ids(shipped, f"{B}/section-353.json?country=NI&from=2022") == [ACTION]
    assert ids(shipped, f"{B}/section-353.json?country=nicaragua&from=2022-03-09&to=2022-03-09") \
        == [ACTION]


def test_section_353_country_ni_html_shows_the_march_9_2022_action_first(shipped):
    r = shipped.get(f"{B}/section-353?country=NI")
    assert r.status == 200
    text = r.text
    assert f'href="{B}/section-353/{ACTION}"' in text
    assert "March 9, 2022" in text
    assert text.index(f"{B}/section-353/{ACTION}") < \
        text.index(f"{B}/section-353/2021-09-20-seven-officials-actions")


def test_reports_from_2022_lists_the_july_2022_report(shipped):
    assert ids(shipped, f"{B}/reports.json?from=2022") == [REPORT]
    r = shipped.get(f"{B}/reports?from=2022")
    assert r.status == 200
    assert f'href="{B}/reports/{REPORT}"' in r.text
    assert "July 2022" in r.text


def test_reports_from_2023_lists_nothing(shipped):
    doc = shipped.get(f"{B}/reports.json?from=2023").json()
    assert (doc["total"], doc["pages"], doc["items"]) == (0, 0, [])


def test_shipped_country_facet_of_section_353(shipped):
    doc = shipped.get(f"{B}/section-353.json?from=2022").json()
    assert doc["facets"]["country"] == {"GT": 0, "HN": 0, "SV": 0, "NI": 1}
    assert doc["facets"]["year"] == {"2022": 1, "2021": 3}


def test_shipped_csv_of_section_353_lists_every_item(shipped):
    data = sitedata.shipped()
    items = sitedata.collection(data, "section-353")["items"]
    r = shipped.get(f"{B}/section-353.csv")
    rows = list(csv.reader(io.StringIO(r.text, newline="")))
    assert rows[0] == ["id", "date", "title", "countries", "kind", "url"]
    assert [row[0] for row in rows[1:]] == sitedata.newest_first(items)
