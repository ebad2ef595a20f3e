"""docs/REFERENCE.md "Listing parameters" and the JSON envelope of "Formats", on the tricky test
site (tests/integration/data/tricky): exact ids in order, totals, pages and facet counts.

The hand-written expectations come from reading the data file; the matrix at the end compares
the server with listingref, a small reference implementation of the reference's text."""

import pytest

import listingref
import rcserver
import sitedata

B = "/tricky"
SITE = sitedata.FIXTURES / "tricky"
DATA = sitedata.load(SITE / "data.json")
PUB = "publications"

# Every item of publications, newest first (ties by id ascending), and oldest first.
ALL_DESC = [
    "el-dijo", "leap-day-report", "annual-2024", "a-tie", "b-tie", "c-tie", "eq-title",
    "plus-title", "minus-title", "at-title", "aug-2022", "script-item", "day-2022-07-01",
    "july-2022", "march-9-2022", "year-2022", "jun-15-2021", "jun-2021", "jan-1-2021", "y2021",
    "dec-2020", "nandu", "y2020", "nov-30-2019", "y2019", "old-2010",
]
ALL_ASC = [
    "old-2010", "y2019", "nov-30-2019", "y2020", "nandu", "dec-2020", "jan-1-2021", "y2021",
    "jun-2021", "jun-15-2021", "year-2022", "march-9-2022", "day-2022-07-01", "july-2022",
    "script-item", "aug-2022", "at-title", "minus-title", "plus-title", "eq-title", "a-tie",
    "b-tie", "c-tie", "annual-2024", "leap-day-report", "el-dijo",
]
COUNTRY_FACET_ALL = {"GT": 10, "SV": 9, "HN": 9, "MX": 8, "TT": 2, "CI": 0}
YEAR_FACET_ALL = {"2024": 3, "2023": 6, "2022": 7, "2021": 4, "2020": 3, "2019": 2, "2010": 1}
GT_DESC = ["leap-day-report", "a-tie", "eq-title", "script-item", "july-2022", "jun-2021",
           "y2021", "nandu", "y2020", "nov-30-2019"]
MX_DESC = ["el-dijo", "a-tie", "at-title", "year-2022", "jan-1-2021", "dec-2020", "nov-30-2019",
           "old-2010"]


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.Mount(B, data=SITE / "data.json")])


def listing(server, query="", coll=PUB):
    path = f"{B}/{coll}.json" + (f"?{query}" if query else "")
    r = server.get(path)
    assert r.status == 200, r.dump()
    assert r.header("Content-Type") == "application/json"
    return r.json()


def ids(doc):
    return [it["id"] for it in doc["items"]]


def test_the_reference_agrees_with_the_hand_written_order():
    # listingref is used by the matrix below; hold it to the hand-written lists first.
    assert listingref.run(DATA, PUB, per_page=100).ids == ALL_DESC
    assert listingref.run(DATA, PUB, sort="date", per_page=100).ids == ALL_ASC
    ref = listingref.run(DATA, PUB)
    assert ref.facets == {"country": COUNTRY_FACET_ALL, "year": YEAR_FACET_ALL}


# ---------------------------------------------------------------- no filter, envelope

def test_unfiltered_listing_is_the_first_20_newest_first_with_every_facet(server):
    doc = listing(server)
    assert list(doc) == ["total", "page", "per_page", "pages", "items", "facets"]
    assert (doc["total"], doc["page"], doc["per_page"], doc["pages"]) == (26, 1, 20, 2)
    assert ids(doc) == ALL_DESC[:20]
    assert doc["facets"] == {"country": COUNTRY_FACET_ALL, "year": YEAR_FACET_ALL}


def test_country_facet_lists_every_declared_country_in_data_order_including_zero(server):
    doc = listing(server)
    assert list(doc["facets"]["country"]) == ["GT", "SV", "HN", "MX", "TT", "CI"]
    assert doc["facets"]["country"]["CI"] == 0


def test_year_facet_lists_only_years_with_items(server):
    doc = listing(server, "country=TT")
    assert doc["facets"]["year"] == {"2022": 2}


# ---------------------------------------------------------------- country

@pytest.mark.parametrize("query", [
    "country=GT", "country=gt", "country=Gt", "country=guatemala", "country=GUATEMALA",
    "country=Guatemala",
])
def test_country_by_code_or_name_in_any_case(server, query):
    doc = listing(server, query + "&per_page=100")
    assert ids(doc) == GT_DESC
    assert doc["total"] == 10


@pytest.mark.parametrize("query", [
    "country=MX", "country=mx", "country=M%C3%A9xico", "country=m%C3%A9xico", "country=mexico",
    "country=MEXICO", "country=M%C3%89XICO", "country=Me%CC%81xico",
])
def test_country_name_matching_ignores_accents_and_case(server, query):
    # "Me%CC%81xico" is México with a combining acute accent (decomposed form).
    assert ids(listing(server, query + "&per_page=100")) == MX_DESC


@pytest.mark.parametrize("query", ["country=El+Salvador", "country=el%20salvador",
                                   "country=EL+SALVADOR"])
def test_country_name_with_a_space_given_as_plus_or_percent_20(server, query):
    doc = listing(server, query)
    assert doc["total"] == 9
    assert all("SV" in it["countries"] for it in doc["items"])


@pytest.mark.parametrize("query", ["country=Trinidad+%26+Tobago", "country=trinidad%20%26%20tobago",
                                   "country=tt"])
def test_country_name_with_an_ampersand(server, query):
    assert ids(listing(server, query)) == ["at-title", "march-9-2022"]


@pytest.mark.parametrize("query", ["country=C%C3%B4te+d%27Ivoire", "country=cote+d'ivoire",
                                   "country=CI"])
def test_country_without_items_is_200_with_no_items_and_zero_pages(server, query):
    doc = listing(server, query)
    assert (doc["total"], doc["page"], doc["pages"], doc["items"]) == (0, 1, 0, [])
    assert doc["facets"]["country"] == COUNTRY_FACET_ALL  # the country facet ignores country
    assert doc["facets"]["year"] == {}


GT_OR_TT = ["leap-day-report", "a-tie", "eq-title", "at-title", "script-item", "july-2022",
            "march-9-2022", "jun-2021", "y2021", "nandu", "y2020", "nov-30-2019"]


@pytest.mark.parametrize("query", [
    "country=GT,TT", "country=GT&country=TT", "country=tt,guatemala", "country=GT,,TT,",
    "country=,GT,TT", "country=GT&country=&country=TT", "country=GT,TT,GT", "country=GT&country=gt&country=TT",
    "country=Guatemala%2CTT",
])
def test_country_lists_comma_separated_or_repeated_match_any_empty_elements_ignored(server, query):
    doc = listing(server, query + "&per_page=100")
    assert ids(doc) == GT_OR_TT
    assert doc["total"] == 12


def test_country_facet_ignores_the_country_filter_and_year_facet_applies_it(server):
    doc = listing(server, "country=GT&from=2021&to=2022")
    assert ids(doc) == ["script-item", "july-2022", "jun-2021", "y2021"]
    assert doc["total"] == 4
    # country counts: every filter but country (here 2021..2022)
    assert doc["facets"]["country"] == {"GT": 4, "SV": 4, "HN": 3, "MX": 3, "TT": 2, "CI": 0}
    # year counts: every filter but from/to (here country=GT)
    assert doc["facets"]["year"] == {"2024": 1, "2023": 2, "2022": 2, "2021": 2, "2020": 2,
                                     "2019": 1}


# ---------------------------------------------------------------- from / to

@pytest.mark.parametrize("query,expected", [
    # a "2021" item and a "2021-06" item overlap June 2021; so does a day in June
    ("from=2021-06&to=2021-06", ["jun-15-2021", "jun-2021", "y2021"]),
    # "2022-07" (and "2022") overlap July 1 and July 31, 2022
    ("from=2022-07-01&to=2022-07-01", ["day-2022-07-01", "july-2022", "year-2022"]),
    ("to=2022-07-01&from=2022-07-01", ["day-2022-07-01", "july-2022", "year-2022"]),
    ("from=2022-07-31&to=2022-07-31", ["script-item", "july-2022", "year-2022"]),
    ("from=2022-08&to=2022-08", ["aug-2022", "year-2022"]),
    # from=2022-07 to=2022 is fine: July to December 2022
    ("from=2022-07&to=2022", ["at-title", "aug-2022", "script-item", "day-2022-07-01",
                              "july-2022", "year-2022"]),
    ("from=2024-02-29&to=2024-02-29", ["leap-day-report", "annual-2024"]),
    ("from=2024-03", ["el-dijo", "annual-2024"]),
    ("to=2019-12-31", ["nov-30-2019", "y2019", "old-2010"]),
    ("to=2010-05-05", ["old-2010"]),
    ("to=2010-05-04", []),
    ("from=2025", []),
    ("from=2020-12-31&to=2021-01-01", ["jan-1-2021", "y2021", "dec-2020", "y2020"]),
])
def test_from_to_select_items_whose_date_period_overlaps(server, query, expected):
    doc = listing(server, query + "&per_page=100")
    assert ids(doc) == expected
    assert doc["total"] == len(expected)


def test_a_month_item_matches_to_its_first_day_and_from_its_last_day_but_not_from_next_month(server):
    assert "july-2022" in ids(listing(server, "to=2022-07-01&per_page=100"))
    assert "july-2022" in ids(listing(server, "from=2022-07-31&per_page=100"))
    assert "july-2022" not in ids(listing(server, "from=2022-08&per_page=100"))
    assert "july-2022" not in ids(listing(server, "to=2022-06-30&per_page=100"))


def test_from_alone_keeps_every_item_ending_on_or_after_its_start(server):
    doc = listing(server, "from=2022-08")
    assert ids(doc) == ["el-dijo", "leap-day-report", "annual-2024", "a-tie", "b-tie", "c-tie",
                        "eq-title", "plus-title", "minus-title", "at-title", "aug-2022",
                        "year-2022"]


def test_year_facet_ignores_from_and_to(server):
    doc = listing(server, "from=2022-07&to=2022")
    assert doc["facets"]["year"] == YEAR_FACET_ALL
    assert doc["facets"]["country"] == {"GT": 2, "SV": 2, "HN": 2, "MX": 2, "TT": 1, "CI": 0}


def test_feb_29_is_a_valid_date_in_a_leap_year(server):
    assert ids(listing(server, "from=2024-02-29")) == ["el-dijo", "leap-day-report", "annual-2024"]


# ---------------------------------------------------------------- kind

ACTION_OR_BRIEF = ["el-dijo", "a-tie", "eq-title", "at-title", "day-2022-07-01", "march-9-2022",
                   "jun-15-2021", "jun-2021", "jan-1-2021", "nandu", "nov-30-2019"]


@pytest.mark.parametrize("query,expected", [
    ("kind=action", ["march-9-2022", "jun-15-2021", "jan-1-2021", "nov-30-2019"]),
    ("kind=report-to-congress", ["july-2022"]),
    ("kind=action,brief", ACTION_OR_BRIEF),
    ("kind=action&kind=brief", ACTION_OR_BRIEF),
    ("kind=,action,,brief,", ACTION_OR_BRIEF),
    ("kind=brief&kind=&kind=action", ACTION_OR_BRIEF),
    ("kind=action,action", ["march-9-2022", "jun-15-2021", "jan-1-2021", "nov-30-2019"]),
])
def test_kind_lists_match_any_kind_and_items_without_kind_never_match(server, query, expected):
    doc = listing(server, query + "&per_page=100")
    assert ids(doc) == expected
    assert not {"b-tie", "plus-title", "year-2022", "y2020"} & set(ids(doc))


def test_kind_filter_applies_to_both_facets(server):
    doc = listing(server, "kind=action")
    assert doc["facets"]["country"] == {"GT": 1, "SV": 2, "HN": 1, "MX": 2, "TT": 1, "CI": 0}
    assert doc["facets"]["year"] == {"2022": 1, "2021": 2, "2019": 1}


# ---------------------------------------------------------------- q

ALL_PUBLICATIONS = ["el-dijo", "leap-day-report", "annual-2024", "a-tie", "b-tie", "c-tie",
                    "eq-title", "plus-title", "minus-title", "at-title", "aug-2022", "script-item",
                    "day-2022-07-01", "july-2022", "march-9-2022", "year-2022", "jun-15-2021",
                    "jun-2021", "jan-1-2021", "y2021", "dec-2020", "nandu", "y2020",
                    "nov-30-2019", "y2019", "old-2010"]


@pytest.mark.parametrize("query,expected", [
    ("q=perez", ["july-2022"]),                      # María Pérez, a person's name
    ("q=P%C3%A9rez", ["july-2022"]),
    ("q=PEREZ", ["july-2022"]),
    ("q=NUNEZ", ["y2021"]),                          # José Núñez
    ("q=n%C3%BA%C3%B1ez", ["y2021"]),
    ("q=%C3%B1and%C3%BA", ["nandu"]),                # Ñandú in a title
    ("q=NANDU", ["nandu"]),
    ("q=exteriores", ["july-2022"]),                 # a person's position
    ("q=magistrado", ["y2021"]),
    ("q=jack", ["july-2022"]),                       # John "Jack" O'Neil
    ("q=o'neil", ["july-2022"]),
    ("q=dijo", ["el-dijo"]),                         # Él dijo: "sí" & 'no'
    ("q=%C3%89L+DIJO+S%C3%8D", ["el-dijo"]),
    ("q=mexico+entrevista", ["el-dijo"]),            # every word, title or summary
    ("q=corruption", ["annual-2024", "july-2022"]),  # summaries
    ("q=corrupt", ["annual-2024", "july-2022", "y2021"]),  # the beginning of a word
    ("q=corrup", ["annual-2024", "july-2022", "y2021"]),
    ("q=rupt", []),                                  # inside a word: no match
    ("q=orruption", []),
    ("q=corrupt+2021", ["y2021"]),                   # every word must occur
    ("q=corrupt&q=2021", ["y2021"]),                 # a repeated q adds its words
    ("q=corrupt&q=&q=2021", ["y2021"]),
    ("q=leap+day", ["leap-day-report"]),             # + is a space
    ("q=leap%20day", ["leap-day-report"]),
    ("q=++leap+++day++", ["leap-day-report"]),
    ("q=leap%09day", ["leap-day-report"]),           # a tab is white space too
    ("q=%3Cscript%3E", ["script-item", "july-2022"]),  # a title, and a person's position
    ("q=tie", ["a-tie", "b-tie", "c-tie"]),
    ("q=tie+b", ["a-tie", "b-tie"]),                 # "Same day as Tie B and Tie C."
    ("q=%26", ALL_PUBLICATIONS),                     # no letter or digit: filters nothing
    ("q=%26+%3C%3E+--", ALL_PUBLICATIONS),
    ("q=%26+tie", ["a-tie", "b-tie", "c-tie"]),      # punctuation between words is no word
    ("q=o%27neil", ["july-2022"]),                   # O'Neil: the words "o" and "neil"
    ("q=neil", ["july-2022"]),
    ("q=line-two", ["year-2022"]),                   # "-" separates words in q as in titles
    ("q=line+two", ["year-2022"]),                   # across a \r\n of a title
    ("q=nosuchword", []),
    ("q=perez+nosuchword", []),
])
def test_q_every_word_occurs_case_and_accent_insensitive(server, query, expected):
    doc = listing(server, query + "&per_page=100")
    assert ids(doc) == expected
    assert doc["total"] == len(expected)


def test_q_does_not_search_country_names_or_ids(server):
    assert ids(listing(server, "q=guatemala")) == []
    assert ids(listing(server, "q=nov-30-2019")) == []


def test_q_applies_to_both_facets(server):
    doc = listing(server, "q=corrupt")
    assert doc["facets"]["country"] == {"GT": 2, "SV": 3, "HN": 3, "MX": 0, "TT": 0, "CI": 0}
    assert doc["facets"]["year"] == {"2024": 1, "2022": 1, "2021": 1}


def test_q_of_exactly_200_multibyte_characters_is_accepted(server):
    doc = listing(server, "q=" + "%C3%A9" * 200)
    assert (doc["total"], doc["pages"], doc["items"]) == (0, 0, [])


def test_q_of_200_characters_repeated_is_accepted_each_value_counted_alone(server):
    doc = listing(server, "q=" + "a" * 200 + "&q=" + "%C3%B1" * 200)
    assert doc["total"] == 0


# ---------------------------------------------------------------- sort

def test_sort_minus_date_is_the_default_newest_first_ties_by_id(server):
    assert ids(listing(server, "sort=-date&per_page=100")) == ALL_DESC
    assert ids(listing(server, "per_page=100")) == ALL_DESC


def test_sort_date_is_oldest_first_ties_by_id_ascending(server):
    assert ids(listing(server, "sort=date&per_page=100")) == ALL_ASC


def test_sort_ties_by_id_ascending_in_both_orders(server):
    tie = "from=2023-06-15&to=2023-06-15"
    assert ids(listing(server, tie)) == ["a-tie", "b-tie", "c-tie", "eq-title", "minus-title"]
    assert ids(listing(server, tie + "&sort=date")) == ["minus-title", "eq-title", "a-tie",
                                                       "b-tie", "c-tie"]
    # a year and a day that start on the same day: "jan-1-2021" (2021-01-01) before "y2021"
    assert ids(listing(server, "from=2021-01-01&to=2021-01-01")) == ["jan-1-2021", "y2021"]
    assert ids(listing(server, "from=2021-01-01&to=2021-01-01&sort=date")) == ["jan-1-2021",
                                                                              "y2021"]


def test_sort_does_not_change_totals_or_facets(server):
    a, b = listing(server, "country=GT"), listing(server, "country=GT&sort=date")
    assert (a["total"], a["pages"], a["facets"]) == (b["total"], b["pages"], b["facets"])


# ---------------------------------------------------------------- page / per_page

@pytest.mark.parametrize("page,expected", [
    (1, ALL_DESC[0:10]), (2, ALL_DESC[10:20]), (3, ALL_DESC[20:26]),
])
def test_per_page_10_gives_three_pages(server, page, expected):
    doc = listing(server, f"per_page=10&page={page}")
    assert (doc["total"], doc["page"], doc["per_page"], doc["pages"]) == (26, page, 10, 3)
    assert ids(doc) == expected


def test_last_page_of_oldest_first(server):
    doc = listing(server, "sort=date&per_page=10&page=3")
    assert ids(doc) == ["a-tie", "b-tie", "c-tie", "annual-2024", "leap-day-report", "el-dijo"]


@pytest.mark.parametrize("page", [4, 5, 1000, 999999999])
def test_page_past_the_end_is_200_with_no_items_and_pages_unchanged(server, page):
    doc = listing(server, f"per_page=10&page={page}")
    assert (doc["total"], doc["page"], doc["per_page"], doc["pages"], doc["items"]) == \
        (26, page, 10, 3, [])
    assert doc["facets"] == {"country": COUNTRY_FACET_ALL, "year": YEAR_FACET_ALL}


def test_page_2_of_the_default_page_size(server):
    doc = listing(server, "page=2")
    assert (doc["page"], doc["per_page"], doc["pages"]) == (2, 20, 2)
    assert ids(doc) == ALL_DESC[20:]


@pytest.mark.parametrize("per_page,pages", [(1, 26), (13, 2), (25, 2), (26, 1), (100, 1)])
def test_per_page_from_1_to_100(server, per_page, pages):
    doc = listing(server, f"per_page={per_page}")
    assert (doc["per_page"], doc["pages"]) == (per_page, pages)
    assert ids(doc) == ALL_DESC[:per_page]


def test_page_with_filters(server):
    doc = listing(server, "country=GT&per_page=4&page=3")
    assert (doc["total"], doc["pages"]) == (10, 3)
    assert ids(doc) == GT_DESC[8:]


def test_pages_is_0_when_nothing_matches(server):
    doc = listing(server, "q=nosuchword&per_page=5")
    assert (doc["total"], doc["page"], doc["per_page"], doc["pages"]) == (0, 1, 5, 0)


# ---------------------------------------------------------------- empty, unknown, encoding

@pytest.mark.parametrize("query", [
    "from=&q=", "country=&from=&to=&kind=&q=&sort=&page=&per_page=", "country=", "q=",
    "country=,", "country=,,,", "kind=,", "from=&from=", "page=&page=", "sort=&sort=",
    "per_page=&per_page=", "q=+", "q=%20%20",
])
def test_empty_values_are_the_same_as_absent(server, query):
    doc = listing(server, query)
    assert (doc["total"], doc["page"], doc["per_page"], doc["pages"]) == (26, 1, 20, 2)
    assert ids(doc) == ALL_DESC[:20]


def test_an_empty_value_beside_a_given_one_is_no_repetition(server):
    doc = listing(server, "from=&from=2024&sort=&sort=date&page=&page=1&per_page=&per_page=2")
    assert ids(doc) == ["annual-2024", "leap-day-report"]
    assert (doc["total"], doc["pages"]) == (3, 2)


@pytest.mark.parametrize("query", [
    "foo=bar", "foo=%zz", "foo=%C3%28", "foo=%4", "foo", "foo=1&foo=2", "utm_source=x&utm_medium=y",
    "Country=XX", "COUNTRY=XX", "FROM=nope", "From=2021-02-30", "Page=0", "PER_PAGE=500",
    "Sort=bogus", "Q=" + "x" * 300, "kind_=x", "country_=XX", "country%5B%5D=XX", "=", "&", "&&",
    "=x", "a=b=c",
])
def test_unknown_parameters_are_ignored_and_never_validated(server, query):
    doc = listing(server, query)
    assert (doc["total"], doc["page"], doc["per_page"], doc["pages"]) == (26, 1, 20, 2)
    assert ids(doc) == ALL_DESC[:20]


def test_unknown_parameter_whose_name_has_bad_percent_encoding_is_ignored(server):
    # a name that cannot be decoded is no known name: ignored, never validated
    doc = listing(server, "%zz=1&per_page=100&x%C3%28=2&%4=3")
    assert ids(doc) == ALL_DESC


def test_many_unknown_parameters_are_ignored(server):
    doc = listing(server, "&".join(f"utm_{i}=x" for i in range(150)) + "&country=GT")
    assert doc["total"] == 10


def test_many_q_values_of_200_characters_each_are_accepted(server):
    # each q value is limited to 200 characters; repeated values add words (7.2 KB here,
    # within httpd's request line limit of 8190 bytes)
    doc = listing(server, "&".join(["q=" + "%C3%A9" * 200] * 6))
    assert (doc["total"], doc["items"]) == (0, [])


@pytest.mark.parametrize("page", [2 ** 31, 10 ** 12])
def test_huge_page_number_is_past_the_end(server, page):
    doc = listing(server, f"page={page}")
    assert (doc["total"], doc["page"], doc["pages"], doc["items"]) == (26, page, 2, [])


def test_unknown_parameters_beside_known_ones(server):
    doc = listing(server, "foo=%zz&country=GT&bar=%C3%28&per_page=100&x=1")
    assert ids(doc) == GT_DESC


def test_percent_encoded_parameter_names_are_decoded(server):
    # "countr%79" is "country", "per%5Fpage" is "per_page"
    doc = listing(server, "countr%79=GT&per%5Fpage=100")
    assert ids(doc) == GT_DESC


@pytest.mark.parametrize("query", ["country=%47%54", "country=%67t", "kind=%61ction"])
def test_percent_encoded_values_are_decoded(server, query):
    doc = listing(server, query)
    assert doc["total"] in (10, 4)


def test_notes_collection_is_filtered_on_its_own_items(server):
    doc = listing(server, "", coll="notes")
    assert ids(doc) == ["note-a", "note-b", "note-c"]
    assert doc["facets"] == {"country": {"GT": 1, "SV": 0, "HN": 0, "MX": 1, "TT": 1, "CI": 0},
                             "year": {"2021": 2, "1999": 1}}
    doc = listing(server, "country=MX&from=1999&to=1999", coll="notes")
    assert ids(doc) == ["note-c"]


# ---------------------------------------------------------------- the reference matrix

# (query string, listingref.run keyword arguments): every parameter and combinations of them.
MATRIX = [
    ("", {}),
    ("country=GT", dict(countries=["GT"])),
    ("country=sv,HN", dict(countries=["SV", "HN"])),
    ("country=honduras&country=MEXICO", dict(countries=["HN", "MX"])),
    ("country=TT,CI", dict(countries=["TT", "CI"])),
    ("from=2021", dict(from_="2021")),
    ("to=2021", dict(to="2021")),
    ("from=2021&to=2021", dict(from_="2021", to="2021")),
    ("from=2020-02&to=2020-02", dict(from_="2020-02", to="2020-02")),
    ("from=2020-02-15", dict(from_="2020-02-15")),
    ("to=2020-02-15", dict(to="2020-02-15")),
    ("from=2023-06-15&to=2024-02-29", dict(from_="2023-06-15", to="2024-02-29")),
    ("from=2022-12&to=2023-01", dict(from_="2022-12", to="2023-01")),
    ("from=2019-11-30&to=2019-11-30", dict(from_="2019-11-30", to="2019-11-30")),
    ("from=2021-01-15&to=2021-01-20", dict(from_="2021-01-15", to="2021-01-20")),
    ("from=2022-07-15", dict(from_="2022-07-15")),
    ("from=2023-06-15&sort=date", dict(from_="2023-06-15", sort="date")),
    ("from=2022-07-15&country=SV,HN&kind=report-to-congress,brief",
     dict(from_="2022-07-15", countries=["SV", "HN"], kinds=["report-to-congress", "brief"])),
    ("kind=report", dict(kinds=["report"])),
    ("kind=report,report-to-congress", dict(kinds=["report", "report-to-congress"])),
    ("q=report", dict(q=["report"])),
    ("q=REPORT+2019", dict(q=["REPORT 2019"])),
    ("q=a", dict(q=["a"])),
    ("q=%C3%A9", dict(q=["é"])),
    ("q=line", dict(q=["line"])),
    ("country=GT&kind=brief", dict(countries=["GT"], kinds=["brief"])),
    ("country=GT&kind=brief&from=2021", dict(countries=["GT"], kinds=["brief"], from_="2021")),
    ("country=SV,GT&from=2020&to=2022-07&kind=report,brief&q=e&sort=date&per_page=3&page=2",
     dict(countries=["SV", "GT"], from_="2020", to="2022-07", kinds=["report", "brief"],
          q=["e"], sort="date", per_page=3, page=2)),
    ("country=mx&q=action", dict(countries=["MX"], q=["action"])),
    ("from=2022&kind=action&sort=date", dict(from_="2022", kinds=["action"], sort="date")),
    ("to=2022-07&sort=date&per_page=5&page=2", dict(to="2022-07", sort="date", per_page=5,
                                                    page=2)),
    ("country=HN&per_page=2&page=5", dict(countries=["HN"], per_page=2, page=5)),
    ("country=HN&per_page=2&page=6", dict(countries=["HN"], per_page=2, page=6)),
    ("q=tie&q=c&sort=date", dict(q=["tie", "c"], sort="date")),
    ("country=GT&from=2021&to=2022&kind=report&q=r", dict(countries=["GT"], from_="2021",
                                                          to="2022", kinds=["report"], q=["r"])),
]


@pytest.mark.parametrize("query,kwargs", MATRIX, ids=[q or "(none)" for q, _ in MATRIX])
def test_listing_matches_the_reference(server, query, kwargs):
    ref = listingref.run(DATA, PUB, **kwargs)
    doc = listing(server, query)
    assert ids(doc) == ref.ids
    assert (doc["total"], doc["page"], doc["per_page"], doc["pages"]) == \
        (ref.total, ref.page, ref.per_page, ref.pages)
    assert doc["facets"] == ref.facets
