"""sitedata: what a data file says the site must look like (titles, navigation, item order), so
tests compare the server's answers with the data file rather than with each other.

Texts of the data (REFERENCE.md "The data file" *(text)*) are a string in the default language or an object by
language; text(value, lang, data) is what the site shows in lang, with the default language's
text where lang has none (REFERENCE.md "The data file"'s fallback). Every helper that takes lang defaults to the
default language; a URL in another language is under mount + "/" + lang (REFERENCE.md "URLs").
"""

import json
from pathlib import Path
from typing import List, Optional, Tuple

import rcserver

FIXTURES = Path(__file__).resolve().parent / "data"
SEP = " \u2013 "  # " – " between a page's title and the site's title in <title>


def load(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def shipped() -> dict:
    return load(rcserver.shipped_htdocs() / "data.json")


def small_site_dir() -> Path:
    """tests/integration/data/small: a second, small site (2 pages, 1 collection)."""
    return FIXTURES / "small"


# ---------------------------------------------------------------- languages and texts

def languages(data: dict) -> List[str]:
    """The declared languages, the default first (["en"] when the data declares none)."""
    return list(data.get("languages") or ["en"])


def default_lang(data: dict) -> str:
    return languages(data)[0]


def text(value, lang: Optional[str] = None, data: Optional[dict] = None) -> str:
    """A text of the data as the site shows it in lang: its own, else the default language's.
    Without data the default language is "en"."""
    default = default_lang(data) if data is not None else "en"
    lang = lang or default
    if isinstance(value, str):
        return value
    return value.get(lang) or value[default]


def is_fallback(value, lang: str, data: dict) -> bool:
    """Whether text(value, lang) is the default language's text standing in for lang's."""
    if lang == default_lang(data):
        return False
    return isinstance(value, str) or not value.get(lang)


def texts(value) -> List[str]:
    """Every language's version of a text (for q, which matches in any language)."""
    return [value] if isinstance(value, str) else list(value.values())


def map_text(value, fn):
    """A text with fn applied to each language's version (to edit data in tests)."""
    if isinstance(value, str):
        return fn(value)
    return {k: fn(v) for k, v in value.items()}


# ---------------------------------------------------------------- URLs and navigation

def home(mount: str, lang: Optional[str] = None, data: Optional[dict] = None) -> str:
    """The mount point of lang's version, without a trailing slash: B, or B/es."""
    mount = mount.rstrip("/")
    if lang is None or (data is not None and lang == default_lang(data)) or \
            (data is None and lang == "en"):
        return mount
    return f"{mount}/{lang}"


def url(mount: str, slug: str, lang: Optional[str] = None, data: Optional[dict] = None) -> str:
    """The path of a page or collection under mount (in lang): the index page is home + "/"."""
    h = home(mount, lang, data)
    return f"{h}/" if slug == "index" else f"{h}/{slug}"


def page_slugs(data: dict) -> List[str]:
    return [p["slug"] for p in data["pages"]]


def collection_slugs(data: dict) -> List[str]:
    return [c["slug"] for c in data["collections"]]


def page(data: dict, slug: str) -> dict:
    return next(p for p in data["pages"] if p["slug"] == slug)


def collection(data: dict, slug: str) -> dict:
    return next(c for c in data["collections"] if c["slug"] == slug)


def entry(data: dict, slug: str) -> dict:
    """The page or collection with slug."""
    return next(e for e in data["pages"] + data.get("collections", []) if e["slug"] == slug)


def title(data: dict, slug: str, lang: Optional[str] = None) -> str:
    """A page's or collection's title in lang (its <h1>)."""
    return text(entry(data, slug)["title"], lang, data)


def site_title(data: dict, lang: Optional[str] = None) -> str:
    return text(data["title"], lang, data)


def nav_label(data: dict, slug: str, lang: Optional[str] = None) -> str:
    """The navigation's label: the entry's "nav" when it has one, else its title."""
    e = entry(data, slug)
    return text(e.get("nav") or e["title"], lang, data)


def nav(data: dict, mount: str, lang: Optional[str] = None) -> List[Tuple[str, str]]:
    """(href, text) of the navigation: pages then collections, in data order."""
    return [(url(mount, e["slug"], lang, data), nav_label(data, e["slug"], lang))
            for e in data["pages"] + data.get("collections", [])]


def page_file(data: dict, slug: str, lang: Optional[str] = None) -> str:
    """A page's fragment file in lang (relative to the data file's folder)."""
    return text(page(data, slug)["file"], lang, data)


def full_title(data: dict, title: str, lang: Optional[str] = None) -> str:
    """The <title> of a page whose own title is title."""
    return f"{title}{SEP}{site_title(data, lang)}"


def country_name(data: dict, code: str, lang: Optional[str] = None) -> str:
    return text(next(c["name"] for c in data["countries"] if c["code"] == code), lang, data)


def kind_label(data: dict, slug: str, kind: str, lang: Optional[str] = None) -> str:
    """A kind as the site writes it in lang: the collection's "kinds" label, else the slug for
    people ("report-to-congress" -> "Report to congress")."""
    labels = collection(data, slug).get("kinds", {}).get(kind, {})
    lang = lang or default_lang(data)
    if labels.get(lang):
        return labels[lang]
    if labels.get(default_lang(data)):
        return labels[default_lang(data)]
    s = kind.replace("-", " ")
    return s[:1].upper() + s[1:]


# ---------------------------------------------------------------- order

def date_start(date: str) -> str:
    """The first day of a date's period, as YYYY-MM-DD."""
    parts = date.split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts)


def newest_first(items: list) -> List[str]:
    """Item ids in the default listing order: start of the date period descending, ties by id
    ascending."""
    by_id = sorted(items, key=lambda it: it["id"])
    return [it["id"] for it in sorted(by_id, key=lambda it: date_start(it["date"]), reverse=True)]
