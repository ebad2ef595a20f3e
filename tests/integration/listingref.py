"""listingref: a small reference implementation of the listing filters (docs/REFERENCE.md "Listing
parameters") and of the facets and pages of the JSON listing ("Formats"), written from the
contract's text alone, not from the module's code, for tests to compute expected ids, totals and
facet counts from a data file.

    res = listingref.run(data, "publications", countries=["GT"], from_="2021", q=["perez"])
    res.ids        # the requested page's ids, in order
    res.all_ids    # every matching id, in order (CSV)
    res.total, res.pages, res.facets  # facets: {"country": {...}, "year": {...}}

Values are given as the listing parameters mean them, after %-decoding: countries as codes or
names (any case, any accents), dates as YYYY / YYYY-MM / YYYY-MM-DD, q as a list of values (a
repeated q adds its words). Invalid input raises ValueError; the tests of the 400 rules do not
use this module.
"""

import calendar
import functools
import math
import unicodedata
from typing import Dict, Iterable, List, Optional, Sequence

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


# ---------------------------------------------------------------- text

@functools.lru_cache(maxsize=None)
def fold(s: str) -> str:
    """Unicode decomposition, accents removed, lower-cased (REFERENCE.md "Listing parameters")."""
    decomposed = unicodedata.normalize("NFKD", s)
    stripped = "".join(ch for ch in decomposed
                       if unicodedata.combining(ch) == 0 and unicodedata.category(ch) != "Mn")
    return stripped.lower()


# ---------------------------------------------------------------- dates

@functools.lru_cache(maxsize=None)
def period(date: str):
    """(start, end) of a date's period as YYYYMMDD integers; ValueError if it is no date."""
    parts = date.split("-")
    if not 1 <= len(parts) <= 3 or [len(p) for p in parts] != [4, 2, 2][:len(parts)] or \
            not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(f"not a date: {date!r}")
    y = int(parts[0])
    if y < 1:
        raise ValueError(f"no year 0: {date!r}")
    if len(parts) == 1:
        return y * 10000 + 101, y * 10000 + 1231
    m = int(parts[1])
    if not 1 <= m <= 12:
        raise ValueError(f"no such month: {date!r}")
    last = calendar.monthrange(y, m)[1]
    if len(parts) == 2:
        return y * 10000 + m * 100 + 1, y * 10000 + m * 100 + last
    d = int(parts[2])
    if not 1 <= d <= last:
        raise ValueError(f"no such day: {date!r}")
    return (y * 10000 + m * 100 + d,) * 2


def human_date(date: str) -> str:
    """Dates for people (REFERENCE.md "Formats"): "2021", "July 2022", "March 9, 2022"."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"


# ---------------------------------------------------------------- data

def collection(data: dict, slug: str) -> dict:
    return next(c for c in data["collections"] if c["slug"] == slug)


def country_code(data: dict, value: str) -> str:
    """The declared code that value names: a code or a name, case- and accent-insensitive."""
    for c in data["countries"]:
        if value.upper() == c["code"] or fold(value) == fold(c["name"]):
            return c["code"]
    raise ValueError(f"no such country: {value!r}")


def country_name(data: dict, code: str) -> str:
    return next(c["name"] for c in data["countries"] if c["code"] == code)


def order(items: Sequence[dict], ascending: bool = False) -> List[dict]:
    """By the start of the date period (descending unless ascending), ties by id ascending."""
    by_id = sorted(items, key=lambda it: it["id"])
    return sorted(by_id, key=lambda it: period(it["date"])[0], reverse=not ascending)


def _fields(item: dict) -> List[str]:
    fields = [item["title"], item.get("summary", "")]
    for p in item.get("persons", []):
        fields += [p["name"], p.get("position", "")]
    return [fold(f) for f in fields]


def words_of(q: Optional[Iterable[str]]) -> List[str]:
    words = []
    for value in q or []:
        words += [fold(w) for w in value.split()]
    return words


class Result:
    def __init__(self, total, pages, ids, all_ids, facets, page, per_page):
        self.total, self.pages, self.ids, self.all_ids = total, pages, ids, all_ids
        self.facets, self.page, self.per_page = facets, page, per_page

    def __repr__(self):
        return f"<Result total={self.total} pages={self.pages} ids={self.ids}>"


def run(data: dict, slug: str, countries: Optional[Iterable[str]] = None,
        from_: Optional[str] = None, to: Optional[str] = None,
        kinds: Optional[Iterable[str]] = None, q: Optional[Iterable[str]] = None,
        sort: str = "-date", page: int = 1, per_page: int = 20) -> Result:
    items = collection(data, slug)["items"]
    want_countries = {country_code(data, c) for c in countries} if countries else None
    want_kinds = set(kinds) if kinds else None
    lo = period(from_)[0] if from_ else None
    hi = period(to)[1] if to else None
    words = words_of(q)

    def ok_country(it):
        return want_countries is None or bool(want_countries & set(it["countries"]))

    def ok_date(it):
        start, end = period(it["date"])
        return (lo is None or end >= lo) and (hi is None or start <= hi)

    def ok_kind(it):
        return want_kinds is None or it.get("kind") in want_kinds

    def ok_words(it):
        if not words:
            return True
        fields = _fields(it)
        return all(any(w in f for f in fields) for w in words)

    base = [it for it in items if ok_kind(it) and ok_words(it)]
    matching = [it for it in base if ok_country(it) and ok_date(it)]
    ordered = order(matching, ascending=(sort == "date"))
    all_ids = [it["id"] for it in ordered]
    total = len(all_ids)
    pages = math.ceil(total / per_page)
    ids = all_ids[(page - 1) * per_page: page * per_page]

    country_facet: Dict[str, int] = {c["code"]: 0 for c in data["countries"]}
    for it in base:
        if ok_date(it):
            for code in it["countries"]:
                country_facet[code] += 1
    year_facet: Dict[str, int] = {}
    for it in base:
        if ok_country(it):
            year = it["date"][:4].lstrip("0") or "0"
            year_facet[year] = year_facet.get(year, 0) + 1
    return Result(total, pages, ids, all_ids, {"country": country_facet, "year": year_facet},
                  page, per_page)


def newest(data: dict, slug: str, n: int = 50, **filters) -> List[str]:
    """The newest n matching ids (Atom): date descending, ties by id, whatever sort says."""
    filters.pop("sort", None)
    filters.pop("page", None)
    filters.pop("per_page", None)
    return run(data, slug, **filters).all_ids[:n]
