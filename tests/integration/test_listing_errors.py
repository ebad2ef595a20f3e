"""The 400 rules of docs/REFERENCE.md "Listing parameters", in each of the four formats of
"Formats": HTML (the form with the message next to its field, an error summary linking to it, the
other filters kept), JSON ({"error": {"status": 400, "parameter": ..., "message": ...}}), CSV and
Atom (text/plain)."""

import re
import urllib.parse

import pytest

import htmlcheck
import htmltree
import rcserver
import sitedata

B = "/tricky"
SITE = sitedata.FIXTURES / "tricky"
DATA = sitedata.load(SITE / "data.json")
PUB = "publications"
CODES = [c["code"] for c in DATA["countries"]]
KINDS = ["action", "brief", "report", "report-to-congress"]

LONG_Q = "x" * 201
LONG_Q_ACCENTS = "%C3%A9" * 201  # 201 characters, 402 bytes


class Case:
    """A bad query: the parameter the answer must name and text its message must show."""

    def __init__(self, query, param, shows, coll=PUB, params=None, lists=()):
        self.query, self.param, self.coll = query, param, coll
        self.shows = shows            # texts the message must contain (the value as given)
        self.params = params or (param,)  # parameters the answer may name
        self.lists = lists            # the valid choices the message must list

    def __repr__(self):
        return self.query


CASES = [
    # unparsable and impossible dates
    Case("from=2021-02-30", "from", ["2021-02-30"]),
    Case("to=2022-02-29", "to", ["2022-02-29"]),
    Case("from=2023-02-29", "from", ["2023-02-29"]),
    Case("to=2021-04-31", "to", ["2021-04-31"]),
    Case("from=2021-13", "from", ["2021-13"]),
    Case("from=2021-00", "from", ["2021-00"]),
    Case("to=2021-06-00", "to", ["2021-06-00"]),
    Case("from=0000", "from", ["0000"]),
    Case("from=abc", "from", ["abc"]),
    Case("from=21", "from", ["21"]),
    Case("to=2021-1", "to", ["2021-1"]),
    Case("to=2021-06-1", "to", ["2021-06-1"]),
    Case("from=2021-06-15x", "from", ["2021-06-15x"]),
    Case("from=2021%2F06", "from", ["2021/06"]),
    Case("to=+2021", "to", ["2021"]),
    Case("from=20210615", "from", ["20210615"]),
    # from's start after to's end
    Case("from=2023&to=2022", "from", ["2023", "2022"], params=("from", "to")),
    Case("from=2022-08&to=2022-07", "from", ["2022-08", "2022-07"], params=("from", "to")),
    Case("from=2022-07-02&to=2022-07-01", "from", ["2022-07-02", "2022-07-01"],
         params=("from", "to")),
    Case("from=2023-01-01&to=2022", "from", ["2023-01-01", "2022"], params=("from", "to")),
    # countries not declared (the message lists the valid ones)
    Case("country=XX", "country", ["XX"], lists=CODES),
    Case("country=GT,XX", "country", ["XX"], lists=CODES),
    Case("country=GT&country=Mexic", "country", ["Mexic"], lists=CODES),
    Case("country=G", "country", ["G"], lists=CODES),
    Case("country=El+Salvadorr", "country", ["El Salvadorr"], lists=CODES),
    # kinds no item of the collection has (the message lists the valid ones)
    Case("kind=memo", "kind", ["memo"], lists=KINDS),
    Case("kind=action,memo", "kind", ["memo"], lists=KINDS),
    Case("kind=Action", "kind", ["Action"], lists=KINDS),
    Case("kind=note", "kind", ["note"], coll="notes"),
    # page and per_page
    Case("page=0", "page", ["0"]),
    Case("page=-1", "page", ["-1"]),
    Case("page=abc", "page", ["abc"]),
    Case("page=1.5", "page", ["1.5"]),
    Case("per_page=500", "per_page", ["500"]),
    Case("per_page=0", "per_page", ["0"]),
    Case("per_page=101", "per_page", ["101"]),
    Case("per_page=-5", "per_page", ["-5"]),
    Case("per_page=ten", "per_page", ["ten"]),
    # repeated single-valued parameters
    Case("from=2021&from=2022", "from", ["2021", "2022"]),
    Case("to=2021&to=2021", "to", ["2021"]),
    Case("sort=date&sort=-date", "sort", ["date"]),
    Case("sort=date&sort=date", "sort", ["date"]),
    Case("page=1&page=2", "page", ["1", "2"]),
    Case("per_page=10&per_page=10", "per_page", ["10"]),
    # q over 200 characters (each value limited)
    Case("q=" + LONG_Q, "q", [LONG_Q[:40]]),
    Case("q=" + LONG_Q_ACCENTS, "q", ["\u00e9" * 10]),
    Case("q=ok&q=" + LONG_Q, "q", [LONG_Q[:40]]),
    # more than 32 distinct words in q, in one value or across several
    Case("q=" + "+".join(f"w{i}" for i in range(33)), "q", ["more than 32 distinct words"]),
    Case("q=" + "+".join(f"w{i}" for i in range(20)) + "&q=" + "+".join(f"v{i}" for i in range(50)),
         "q", ["more than 32 distinct words"]),
    # bad %-encoding
    Case("q=%zz", "q", ["%zz"]),
    Case("q=%4", "q", ["%4"]),
    Case("q=ab%", "q", ["ab%"]),
    Case("from=%2", "from", ["%2"]),
    Case("country=%G1", "country", ["%G1"]),
    Case("kind=%zzaction", "kind", ["%zzaction"]),
    # invalid UTF-8
    Case("q=%C3%28", "q", ["%C3%28"]),
    Case("q=%C0%AF", "q", ["%C0%AF"]),
    Case("q=%ED%A0%80", "q", ["%ED%A0%80"]),
    Case("q=%FF", "q", ["%FF"]),
    Case("country=%C3", "country", ["%C3"]),
    Case("kind=%E2%82", "kind", ["%E2%82"]),
    # sort
    Case("sort=bogus", "sort", ["bogus"]),
    Case("sort=Date", "sort", ["Date"]),
    Case("sort=%2Bdate", "sort", ["+date"]),
    Case("sort=date%20", "sort", ["date"]),
]


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.Mount(B, data=SITE / "data.json")])


def get(server, case, ext, query=None):
    return server.get(f"{B}/{case.coll}{ext}?{case.query if query is None else query}")


def check_message(case, message):
    assert re.search(rf"\b{case.param}\b", message), \
        f"message does not name {case.param!r}: {message!r}"
    for s in case.shows:
        assert s.lower() in message.lower(), f"message does not show {s!r}: {message!r}"
    for choice in case.lists:
        assert choice in message, f"message does not list {choice!r}: {message!r}"


# ---------------------------------------------------------------- JSON

@pytest.mark.parametrize("case", CASES, ids=repr)
def test_json_400_is_the_error_object_naming_parameter_and_value(server, case):
    r = get(server, case, ".json")
    assert r.status == 400, r.dump()
    assert r.header("Content-Type") == "application/json"
    doc = r.json()
    assert list(doc) == ["error"]
    assert sorted(doc["error"]) == ["message", "parameter", "status"]
    assert doc["error"]["status"] == 400
    assert doc["error"]["parameter"] in case.params
    assert isinstance(doc["error"]["message"], str)
    check_message(case, doc["error"]["message"])


# ---------------------------------------------------------------- CSV and Atom

@pytest.mark.parametrize("ext", [".csv", ".atom"])
@pytest.mark.parametrize("case", CASES, ids=repr)
def test_csv_and_atom_400_is_plain_text_with_the_message(server, case, ext):
    r = get(server, case, ext)
    assert r.status == 400, r.dump()
    assert r.header("Content-Type").split(";")[0] == "text/plain"
    check_message(case, r.text)
    assert b"<feed" not in r.body and not r.text.startswith("id,date,")


def test_csv_and_atom_messages_are_the_json_message(server):
    by_query = {c.query: c for c in CASES}
    for case in (by_query["from=2021-02-30"], by_query["country=XX"], by_query["page=0"]):
        message = get(server, case, ".json").json()["error"]["message"]
        assert message in get(server, case, ".csv").text
        assert message in get(server, case, ".atom").text


# ---------------------------------------------------------------- HTML

# Valid values of the other filters, to see them kept in the form of a 400.
PREFILL = {"country": ("country=SV", "SV"), "from": ("from=2020", "2020"),
           "to": ("to=2024", "2024"), "kind": ("kind=brief", "brief"), "q": ("q=tie", "tie"),
           "sort": ("sort=date", "date")}


def names_in(query):
    return {urllib.parse.unquote_plus(p.split("=", 1)[0]) for p in query.split("&")}


def html_query(case):
    present = names_in(case.query)
    extra = [q for name, (q, _) in PREFILL.items() if name not in present]
    if case.coll == "notes":
        extra = [q for q in extra if not q.startswith("kind=")]
    return case.query + "&" + "&".join(extra), [n for n in PREFILL if n not in present]


def form_state(form):
    """What the form shows: checked countries and kinds, text values, the selected sort."""
    sort = form.find("select", name="sort")
    selected = [o.attrs.get("value") for o in sort.find_all("option", selected=True)] \
        if sort else []
    return {
        "country": [i.attrs["value"] for i in form.find_all("input", name="country", checked=True)],
        "kind": [i.attrs["value"] for i in form.find_all("input", name="kind", checked=True)],
        "from": form.find("input", name="from").attrs.get("value"),
        "to": form.find("input", name="to").attrs.get("value"),
        "q": form.find("input", name="q").attrs.get("value"),
        "sort": selected,
    }


def field_container(form, param):
    """The element around a parameter's field: its fieldset, or the div that holds its label
    and control."""
    control = form.find(None, name=param)
    if control is None:
        return None
    for a in control.ancestors():
        if a.tag in ("fieldset", "div") or a is form:
            return a
    return None


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_html_400_shows_the_form_with_the_message_and_an_error_summary(server, case):
    query, kept = html_query(case)
    r = get(server, case, "", query)
    assert r.status == 400, r.dump()
    assert r.header("Content-Type") == "text/html; charset=utf-8"
    assert htmlcheck.parse(r.text).errors == []
    root = htmltree.parse(r.text)
    assert root.unquoted_attributes == []
    message = get(server, case, ".json").json()["error"]["message"]

    form = root.find("form")
    assert form is not None, "no filter form"
    assert form.attrs.get("method", "get").lower() == "get"

    # the message next to its field
    container = field_container(form, case.param)
    if case.param in ("from", "to", "q", "sort", "country") or \
            (case.param == "kind" and case.coll != "notes"):
        assert container is not None, f"no field for {case.param}"
        assert message in container.norm_text() or message in container.text(), \
            f"{message!r} is not next to the {case.param} field"
    else:
        assert message in root.norm_text() or message in root.text()

    # an error summary with a link to the field
    links = [a for a in root.find_all("a") if a.attrs.get("href", "").startswith("#")
             and message in a.text()]
    assert links, "no error summary link carrying the message"
    target = root.by_id(links[0].attrs["href"][1:])
    assert target is not None, f"the summary links to a missing id {links[0].attrs['href']}"
    if container is not None and container is not form:
        assert target is container or container in target.ancestors() or \
            target in container.ancestors() or target in list(container.iter()), \
            "the summary does not link to the field"

    # the other filters kept
    state = form_state(form)
    for name in kept:
        if case.coll == "notes" and name == "kind":
            continue
        value = PREFILL[name][1]
        if name in ("country", "kind", "sort"):
            assert value in state[name], f"{name}={value} not kept: {state}"
        else:
            assert state[name] == value, f"{name}={value} not kept: {state}"


def test_html_400_keeps_the_bad_value_in_its_text_field(server):
    r = server.get(f"{B}/{PUB}?from=2021-02-30&to=2021&q=Pérez".replace("é", "%C3%A9"))
    assert r.status == 400
    form = htmltree.parse(r.text).find("form")
    state = form_state(form)
    assert (state["from"], state["to"], state["q"]) == ("2021-02-30", "2021", "Pérez")


def test_html_400_escapes_the_bad_value_everywhere(server):
    r = server.get(f"{B}/{PUB}?from=%3Cscript%3Ealert(1)%3C/script%3E&q=%22%3E%3Cb%3E")
    assert r.status == 400
    assert "<script" not in r.text.lower() and "<b>" not in r.text
    assert htmlcheck.parse(r.text).errors == []
    root = htmltree.parse(r.text)
    assert root.unquoted_attributes == []
    state = form_state(root.find("form"))
    assert (state["from"], state["q"]) == ("<script>alert(1)</script>", "\"><b>")


def test_html_400_country_checkboxes_stay_checked(server):
    r = server.get(f"{B}/{PUB}?country=GT,mexico&country=XX&kind=brief&kind=action&page=0")
    assert r.status == 400
    state = form_state(htmltree.parse(r.text).find("form"))
    assert sorted(state["country"]) == ["GT", "MX"]
    assert sorted(state["kind"]) == ["action", "brief"]


def test_html_400_lists_no_results(server):
    r = server.get(f"{B}/{PUB}?from=2021-02-30")
    root = htmltree.parse(r.text)
    hrefs = [a.attrs.get("href", "") for a in root.find_all("a")]
    assert not [h for h in hrefs if h.startswith(f"{B}/{PUB}/")], "a 400 lists items"


# ---------------------------------------------------------------- 400 is not cached

@pytest.mark.parametrize("ext", ["", ".json", ".csv", ".atom"])
def test_400_has_nosniff_and_no_etag(server, ext):
    r = server.get(f"{B}/{PUB}{ext}?page=0")
    assert r.status == 400
    assert r.header("X-Content-Type-Options") == "nosniff"
    assert r.header("ETag") is None


@pytest.mark.parametrize("ext", ["", ".json", ".csv", ".atom"])
def test_head_of_a_400_is_400_without_body(server, ext):
    r = server.head(f"{B}/{PUB}{ext}?per_page=500")
    assert r.status == 400
    assert r.body == b""
