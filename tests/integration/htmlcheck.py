"""htmlcheck: parse a page of the module with html.parser and check that it is well-formed.

    doc = parse(html_text)
    assert doc.errors == []
    doc.title, doc.h1, doc.lang, doc.nav, doc.links, doc.ids ...

Well-formed here means: every element is closed (only the elements whose end tag HTML makes
optional, like <li> or <p>, may be closed by their parent's end tag), no end tag without its start
tag, void elements (<meta>, <input>, ...) have no end tag, no <script> but JSON-LD data blocks
(<script type="application/ld+json">, which no browser runs; the pages are served with
Content-Security-Policy: default-src 'self'), ids are unique, one <title>, one <main>.
doc.jsonld holds the text of each JSON-LD block, doc.scripts counts the other scripts.
"""

from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Elements whose end tag HTML lets a parent's end tag imply.
OPTIONAL_END = {"li", "p", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
                "tfoot", "colgroup", "caption", "rt", "rp"}


class NavLink:
    def __init__(self, href: str, attrs: Dict[str, Optional[str]]):
        self.href = href
        self.attrs = attrs
        self.text = ""

    @property
    def current(self) -> Optional[str]:
        return self.attrs.get("aria-current")

    def __repr__(self):
        cur = f" aria-current={self.current!r}" if self.current else ""
        return f"<a href={self.href!r}{cur}>{self.text}</a>"


class Document(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.errors: List[str] = []
        self.stack: List[Tuple[str, Dict[str, Optional[str]]]] = []
        self.doctype: Optional[str] = None
        self.lang: Optional[str] = None
        self.titles: List[str] = []
        self.h1s: List[str] = []
        self.ids: Dict[str, int] = {}
        self.links: List[NavLink] = []      # every <a href>
        self.nav: List[NavLink] = []        # the <a> inside <nav class="site-nav">
        self.scripts = 0                    # <script> elements other than JSON-LD
        self.jsonld: List[str] = []         # the text of each <script type="application/ld+json">
        self._jsonld: Optional[List[str]] = None
        self.mains = 0
        self._text_targets: List[list] = []  # [tag, buffer] collecting text
        self._a: Optional[NavLink] = None

    # -- helpers
    def _in(self, tag: str, cls: Optional[str] = None) -> bool:
        for t, attrs in self.stack:
            if t == tag and (cls is None or cls in (attrs.get("class") or "").split()):
                return True
        return False

    def _where(self) -> str:
        line, col = self.getpos()
        return f"line {line}, column {col + 1}"

    # -- parser callbacks
    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            if a.get("type") == "application/ld+json" and set(a) == {"type"}:
                self._jsonld = []
            else:
                self.scripts += 1
                self.errors.append(f"<script> at {self._where()}")
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "main":
            self.mains += 1
        if "id" in a:
            self.ids[a["id"]] = self.ids.get(a["id"], 0) + 1
            if self.ids[a["id"]] == 2:
                self.errors.append(f"duplicate id {a['id']!r} at {self._where()}")
        if tag == "a" and "href" in a:
            link = NavLink(a["href"], a)
            self.links.append(link)
            if self._in("nav", "site-nav"):
                self.nav.append(link)
            self._a = link
        if tag in ("title", "h1"):
            self._text_targets.append([tag, []])
        if tag in VOID:
            return
        self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.errors.append(f"self-closing <{tag}/> at {self._where()}")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append(f"end tag </{tag}> of a void element at {self._where()}")
            return
        if tag == "a":
            self._a = None
        if tag == "script" and self._jsonld is not None:
            self.jsonld.append("".join(self._jsonld))
            self._jsonld = None
        if tag in ("title", "h1"):
            for i in range(len(self._text_targets) - 1, -1, -1):
                if self._text_targets[i][0] == tag:
                    t, buf = self._text_targets.pop(i)
                    (self.titles if tag == "title" else self.h1s).append("".join(buf).strip())
                    break
        if not any(t == tag for t, _ in self.stack):
            self.errors.append(f"</{tag}> without <{tag}> at {self._where()}")
            return
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
            if t not in OPTIONAL_END:
                self.errors.append(f"<{t}> not closed before </{tag}> at {self._where()}")

    def handle_data(self, data):
        if self._jsonld is not None:
            self._jsonld.append(data)
            return
        for _, buf in self._text_targets:
            buf.append(data)
        if self._a is not None:
            self._a.text += data

    def close(self):
        super().close()
        for t, _ in self.stack:
            if t not in OPTIONAL_END:
                self.errors.append(f"<{t}> never closed")
        if len(self.titles) != 1:
            self.errors.append(f"{len(self.titles)} <title> elements")
        if self.mains > 1:
            self.errors.append(f"{self.mains} <main> elements")

    # -- results
    @property
    def title(self) -> Optional[str]:
        return self.titles[0] if self.titles else None

    @property
    def h1(self) -> Optional[str]:
        return self.h1s[0] if len(self.h1s) == 1 else None


def parse(text: str) -> Document:
    doc = Document()
    doc.feed(text)
    doc.close()
    return doc


def nav_entries(doc: Document) -> List[Tuple[str, str]]:
    """(href, text) of every link of the site navigation."""
    return [(a.href, a.text.strip()) for a in doc.nav]


def current_nav(doc: Document) -> List[Tuple[str, str]]:
    """(href, aria-current) of the navigation links that have aria-current."""
    return [(a.href, a.current) for a in doc.nav if a.current is not None]
