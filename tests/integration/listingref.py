"""listingref: a small reference implementation of the listing filters (docs/REFERENCE.md "Listing
parameters") and of the facets and pages of the JSON listing ("Formats"), written from the
contract's text alone, not from the module's code, for tests to compute expected ids, totals and
facet counts from a data file.

    res = listingref.run(data, "publications", countries=["GT"], from_="2021", q=["perez"])
    res.ids        # the requested page's ids, in order
    res.all_ids    # every matching id, in order (CSV)
    res.total, res.pages, res.facets  # facets: {"country": {...}, "year": {...}}

Values are given as the listing parameters mean them, after %-decoding: countries as codes or
names in any language (any case, any accents), dates as YYYY / YYYY-MM / YYYY-MM-DD, q as a list
of values (a repeated q adds its words). q is word-prefix matching: each distinct q word must
begin a word of the item's title, summary or a person's name or position, in any language,
after folding (NFKD, combining marks dropped, lower-cased; a word is a maximal run of Unicode
letters and digits, categories L and N). Invalid input raises ValueError; the tests of the 400
rules do not use this module.
"""

import calendar
import functools
import math
import unicodedata
from typing import Dict, Iterable, List, Optional, Sequence

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre"]


# ---------------------------------------------------------------- text

@functools.lru_cache(maxsize=None)
def fold(s: str) -> str:
    """Unicode decomposition, accents removed, lower-cased (REFERENCE.md "Listing parameters")."""
    decomposed = unicodedata.normalize("NFKD", s)
    stripped = "".join(ch for ch in decomposed
                       if unicodedata.combining(ch) == 0 and unicodedata.category(ch) != "Mn")
    return stripped.lower()


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


@functools.lru_cache(maxsize=None)
def words(s: str) -> tuple:
    """The words of s after folding: maximal runs of letters and digits (categories L, N)."""
    out, cur = [], []
    for ch in fold(s):
        if _is_word_char(ch):
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return tuple(out)


def _texts(value) -> List[str]:
    """Every language's version of a text of the data."""
    return [value] if isinstance(value, str) else list(value.values())


def _text(value, lang: str, default: str = "en") -> str:
    if isinstance(value, str):
        return value
    return value.get(lang) or value[default]


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


def human_date(date: str, lang: str = "en") -> str:
    """The date written for people (REFERENCE.md "Formats"): "2021", "July 2022", "March 9, 2022"; in Spanish
    "julio de 2022", "9 de marzo de 2022"."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if lang == "es":
        if len(parts) == 2:
            return f"{MESES[parts[1] - 1]} de {parts[0]}"
        return f"{parts[2]} de {MESES[parts[1] - 1]} de {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"


# ---------------------------------------------------------------- data

def collection(data: dict, slug: str) -> dict:
    return next(c for c in data["collections"] if c["slug"] == slug)


def country_code(data: dict, value: str) -> str:
    """The declared code that value names: a code or a name in any language, case- and
    accent-insensitive."""
    for c in data["countries"]:
        if value.upper() == c["code"] or any(fold(value) == fold(n) for n in _texts(c["name"])):
            return c["code"]
    raise ValueError(f"no such country: {value!r}")


def country_name(data: dict, code: str, lang: Optional[str] = None) -> str:
    default = (data.get("languages") or ["en"])[0]
    name = next(c["name"] for c in data["countries"] if c["code"] == code)
    return _text(name, lang or default, default)


def order(items: Sequence[dict], ascending: bool = False) -> List[dict]:
    """By the start of the date period (descending unless ascending), ties by id ascending."""
    by_id = sorted(items, key=lambda it: it["id"])
    return sorted(by_id, key=lambda it: period(it["date"])[0], reverse=not ascending)


def item_words(item: dict) -> set:
    """The words q can match: of the title, summary, persons' names and positions, in every
    language."""
    texts = _texts(item["title"]) + _texts(item.get("summary", ""))
    for p in item.get("persons", []):
        texts += [p["name"]] + _texts(p.get("position", ""))
    return {w for t in texts for w in words(t)}


def words_of(q: Optional[Iterable[str]]) -> List[str]:
    """The distinct folded words of q's values, in order."""
    out: List[str] = []
    for value in q or []:
        for w in words(value):
            if w not in out:
                out.append(w)
    return out


def q_matches(item: dict, q_words: Sequence[str]) -> bool:
    """Each q word begins at least one word of the item (REFERENCE.md "Listing parameters")."""
    if not q_words:
        return True
    mine = item_words(item)
    return all(any(w.startswith(qw) for w in mine) for qw in q_words)


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
    q_words = words_of(q)
    if len(q_words) > 32:
        raise ValueError(f"more than 32 distinct q words: {len(q_words)}")

    def ok_country(it):
        return want_countries is None or bool(want_countries & set(it["countries"]))

    def ok_date(it):
        start, end = period(it["date"])
        return (lo is None or end >= lo) and (hi is None or start <= hi)

    def ok_kind(it):
        return want_kinds is None or it.get("kind") in want_kinds

    def ok_words(it):
        return q_matches(it, q_words)

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
