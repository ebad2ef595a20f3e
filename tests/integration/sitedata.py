"""sitedata: what a data file says the site must look like (titles, navigation, item order), so
tests compare the server's answers with the data file rather than with each other."""

import json
from pathlib import Path
from typing import List, Tuple

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


def url(mount: str, slug: str) -> str:
    """The path of a page or collection under mount: the index page is mount + "/"."""
    mount = mount.rstrip("/")
    return f"{mount}/" if slug == "index" else f"{mount}/{slug}"


def page_slugs(data: dict) -> List[str]:
    return [p["slug"] for p in data["pages"]]


def collection_slugs(data: dict) -> List[str]:
    return [c["slug"] for c in data["collections"]]


def page(data: dict, slug: str) -> dict:
    return next(p for p in data["pages"] if p["slug"] == slug)


def collection(data: dict, slug: str) -> dict:
    return next(c for c in data["collections"] if c["slug"] == slug)


def nav(data: dict, mount: str) -> List[Tuple[str, str]]:
    """(href, text) of the navigation: pages then collections, in data order."""
    entries = [(url(mount, p["slug"]), p["title"]) for p in data["pages"]]
    entries += [(url(mount, c["slug"]), c["title"]) for c in data.get("collections", [])]
    return entries


def full_title(data: dict, title: str) -> str:
    return f"{title}{SEP}{data['title']}"


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
