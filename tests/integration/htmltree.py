"""htmltree: a small element tree from html.parser, for tests that look inside listings and item
pages (which input is checked, which text is next to which field, what a table holds).

    root = htmltree.parse(text)
    form = root.find("form")
    [i.attrs["value"] for i in form.find_all("input", type="checkbox", checked=True)]
    root.by_id("f-from").text()
    root.unquoted_attributes      # start tags whose attribute values are not in quotes
"""

import re
from html.parser import HTMLParser
from typing import Dict, List, Optional

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}

# One attribute of a start tag as written: name="value" or a bare name (boolean attribute).
_ATTR = r'[^\s"\'>/=]+(?:\s*=\s*"[^"]*")?'
_QUOTED_TAG = re.compile(r'<[a-zA-Z][a-zA-Z0-9-]*(?:\s+' + _ATTR + r')*\s*/?>\Z', re.S)


class Element:
    def __init__(self, tag: str, attrs: Dict[str, Optional[str]], parent=None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list = []   # Element or str

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    # -- text
    def text(self) -> str:
        out = []
        for c in self.children:
            out.append(c if isinstance(c, str) else c.text())
        return "".join(out)

    def norm_text(self) -> str:
        """The text with white space runs collapsed to one space, stripped."""
        return " ".join(self.text().split())

    # -- search
    def iter(self):
        for c in self.children:
            if isinstance(c, Element):
                yield c
                yield from c.iter()

    def _matches(self, tag, attrs) -> bool:
        if tag is not None and self.tag != tag:
            return False
        for k, v in attrs.items():
            k = k.rstrip("_").replace("_", "-")
            if v is True:
                if k not in self.attrs:
                    return False
            elif v is False:
                if k in self.attrs:
                    return False
            elif k == "class":
                if v not in (self.attrs.get("class") or "").split():
                    return False
            elif self.attrs.get(k) != v:
                return False
        return True

    def find_all(self, tag: Optional[str] = None, **attrs) -> List["Element"]:
        return [e for e in self.iter() if e._matches(tag, attrs)]

    def find(self, tag: Optional[str] = None, **attrs) -> Optional["Element"]:
        for e in self.iter():
            if e._matches(tag, attrs):
                return e
        return None

    def by_id(self, id_: str) -> Optional["Element"]:
        return self.find(id=id_)

    def ancestors(self):
        p = self.parent
        while p is not None:
            yield p
            p = p.parent

    def closest(self, tag: Optional[str] = None, **attrs) -> Optional["Element"]:
        for a in self.ancestors():
            if a._matches(tag, attrs):
                return a
        return None


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.cur = self.root
        self.start_tags: List[str] = []

    def handle_starttag(self, tag, attrs):
        self.start_tags.append(self.get_starttag_text())
        el = Element(tag, dict(attrs), self.cur)
        self.cur.children.append(el)
        if tag not in VOID:
            self.cur = el

    def handle_startendtag(self, tag, attrs):
        self.start_tags.append(self.get_starttag_text())
        self.cur.children.append(Element(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text: str) -> Element:
    b = _Builder()
    b.feed(text)
    b.close()
    root = b.root
    root.start_tags = b.start_tags
    root.unquoted_attributes = [t for t in b.start_tags if not _QUOTED_TAG.match(t)]
    return root
