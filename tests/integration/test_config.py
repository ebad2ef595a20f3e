"""docs/REFERENCE.md "Directives" and "The data file" through `httpd -t`: a valid configuration
passes; a bad directive value, a data file with a JSON syntax error and a data file that breaks a
rule each stop httpd -t (and httpd) with a message naming the file and where (line and column, or
the JSON path) and the value."""

import copy
import json

import pytest

import rcserver
import sitedata

B = "/rootcauses"
SHIPPED = sitedata.shipped()


@pytest.fixture
def site(workdir):
    """A copy of the shipped site in a fresh work dir: (workdir, path of its data.json)."""
    return workdir, rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")


def write_data(path, data):
    rcserver.write_file(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def httpd_t_with(workdir, data_path, directives=()):
    return rcserver.check_config(workdir, [rcserver.Mount(B, data=data_path, directives=directives)])


def data_error(path, rest):
    """The message httpd -t prints for a data file error (after "AH00526: Syntax error on line N
    of httpd.conf:")."""
    return f"RootCausesData: {path}: {rest}"


# ---------------------------------------------------------------- valid

def test_valid_config_is_syntax_ok(site):
    workdir, data = site
    assert httpd_t_with(workdir, data) == (0, "Syntax OK\n")


def test_valid_config_with_every_directive_is_syntax_ok(site):
    workdir, data = site
    rcserver.write_file(workdir / "layout.html", (rcserver.shipped_htdocs() / "layout.html").read_text())
    code, out = httpd_t_with(workdir, data, [
        f"RootCausesLayout {workdir / 'layout.html'}", "RootCausesPageSize 100",
        "RootCausesMaxAge 0", "RootCausesReloadInterval 0"])
    assert (code, out) == (0, "Syntax OK\n")


def test_shipped_layout_is_accepted(site):
    workdir, data = site
    code, out = rcserver.check_config(workdir, [rcserver.Mount(
        B, data=data, layout=data.parent / "layout.html")])
    assert (code, out) == (0, "Syntax OK\n")


def test_small_fixture_site_is_valid(workdir):
    data = rcserver.copy_site(sitedata.small_site_dir(), workdir / "small")
    assert httpd_t_with(workdir, data) == (0, "Syntax OK\n")


# ---------------------------------------------------------------- directive values

@pytest.mark.parametrize("directive,value,expected", [
    ("RootCausesPageSize", "0", 'RootCausesPageSize: "0" is not a whole number from 1 to 100'),
    ("RootCausesPageSize", "101", 'RootCausesPageSize: "101" is not a whole number from 1 to 100'),
    ("RootCausesPageSize", "ten", 'RootCausesPageSize: "ten" is not a whole number from 1 to 100'),
    ("RootCausesMaxAge", "abc", 'RootCausesMaxAge: "abc" is not a whole number from 0 to 315360000'),
    ("RootCausesMaxAge", "-5", 'RootCausesMaxAge: "-5" is not a whole number from 0 to 315360000'),
    ("RootCausesMaxAge", "60s", 'RootCausesMaxAge: "60s" is not a whole number from 0 to 315360000'),
    ("RootCausesReloadInterval", "-1",
     'RootCausesReloadInterval: "-1" is not a whole number from 0 to 86400'),
    ("RootCausesReloadInterval", "1.5",
     'RootCausesReloadInterval: "1.5" is not a whole number from 0 to 86400'),
])
def test_bad_directive_value_fails_httpd_t_naming_directive_and_value(site, directive, value,
                                                                      expected):
    workdir, data = site
    code, out = httpd_t_with(workdir, data, [f"{directive} {value}"])
    assert code != 0
    assert expected in out
    assert "Syntax OK" not in out


def test_bad_directive_value_in_server_context_fails_httpd_t(workdir):
    code, out = rcserver.check_config(workdir, [], server_conf="RootCausesPageSize 0")
    assert code != 0
    assert 'RootCausesPageSize: "0" is not a whole number from 1 to 100' in out


@pytest.mark.parametrize("value,expected", [
    ("10K", 'RootCausesCacheSize: "10K" is not a size from 64K to 4G (or 0: no response cache)'),
    ("lots", 'RootCausesCacheSize: "lots" is not a size from 64K to 4G (or 0: no response cache)'),
    ("5G", 'RootCausesCacheSize: "5G" is not a size from 64K to 4G (or 0: no response cache)'),
    ("-1", 'RootCausesCacheSize: "-1" is not a size from 64K to 4G (or 0: no response cache)'),
    # would wrap to 0 (no cache) if multiplied first
    ("17179869184G", 'RootCausesCacheSize: "17179869184G" is not a size from 64K to 4G (or 0: '
                     'no response cache)'),
    ("18014398509481984K", 'RootCausesCacheSize: "18014398509481984K" is not a size from 64K to '
                           '4G (or 0: no response cache)'),
    ("99999999999999999999", 'RootCausesCacheSize: "99999999999999999999" is not a size from '
                             '64K to 4G (or 0: no response cache)'),
])
def test_bad_cache_size_fails_httpd_t_naming_the_value(site, value, expected):
    workdir, data = site
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data)],
                                      server_conf=f"RootCausesCacheSize {value}")
    assert code != 0
    assert expected in out


@pytest.mark.parametrize("conf", ["RootCausesCacheSize 0", "RootCausesCacheSize 64K",
                                  "RootCausesCacheSize 512M", "RootCausesStatus Off",
                                  "RootCausesStatus On"])
def test_server_wide_directives_are_accepted_in_server_context(site, conf):
    workdir, data = site
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data)], server_conf=conf)
    assert (code, out) == (0, "Syntax OK\n")


def test_bad_status_value_fails_httpd_t(site):
    workdir, data = site
    code, out = rcserver.check_config(workdir, [rcserver.Mount(B, data=data)],
                                      server_conf="RootCausesStatus maybe")
    assert code != 0
    assert 'RootCausesStatus: "maybe" is not On or Off' in out


@pytest.mark.parametrize("directive", ["RootCausesStatus Off", "RootCausesCacheSize 1M"])
def test_server_wide_directives_are_refused_in_a_location(site, directive):
    workdir, data = site
    code, out = httpd_t_with(workdir, data, [directive])
    assert code != 0
    assert f"{directive.split()[0]} not allowed in <Location> context" in out


def test_missing_data_file_fails_httpd_t_naming_it(workdir):
    missing = workdir / "nowhere" / "data.json"
    code, out = httpd_t_with(workdir, missing)
    assert code != 0
    assert data_error(missing, "cannot read the data file: No such file or directory") in out


# ---------------------------------------------------------------- JSON syntax

def test_json_syntax_error_names_file_line_and_column(site):
    workdir, data = site
    text = json.dumps(SHIPPED, indent=2, ensure_ascii=False)
    # Plant a comma where a value belongs in the "countries" array.
    good = '"countries": ['
    text = text.replace(good, good + ",", 1)
    rcserver.write_file(data, text)
    offset = text.index(good) + len(good)   # the planted comma
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert (line, column) == (10, 17)       # written out: line 10 is '  "countries": [,'
    code, out = httpd_t_with(workdir, data)
    assert code != 0
    assert f"RootCausesData: {data}:{line}:{column}: JSON syntax error" in out


@pytest.mark.parametrize("text,line,column", [
    ('{\n  "title": "x",\n  "countries": [}\n', 3, 17),
    ('{"title": "x"', 1, 13),
    ('{\n"title": \'x\'\n}\n', 2, 10),
])
def test_json_syntax_error_position(site, text, line, column):
    workdir, data = site
    rcserver.write_file(data, text)
    code, out = httpd_t_with(workdir, data)
    assert code != 0
    assert f"RootCausesData: {data}:{line}:{column}: JSON syntax error" in out


def test_invalid_data_stops_httpd_itself_with_the_message(start_server, workdir):
    data = rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")
    rcserver.write_file(data, '{\n  "title": "x",\n  "countries": [,]\n}\n')
    with pytest.raises(rcserver.HttpdError) as e:
        start_server([rcserver.Mount(B, data=data)], workdir=workdir, check=False)
    assert f"RootCausesData: {data}:3:17: JSON syntax error" in str(e.value)


# ---------------------------------------------------------------- rules of "The data file"

def broken(mutate):
    d = copy.deepcopy(SHIPPED)
    mutate(d)
    return d


RULES = {
    "date_not_in_calendar": (
        lambda d: d["collections"][0]["items"][0].__setitem__("date", "2021-02-30"),
        'collections[0].items[0].date is "2021-02-30", expected a real calendar date as '
        "YYYY, YYYY-MM or YYYY-MM-DD (no such day in the calendar)"),
    "date_bad_syntax": (
        lambda d: d["collections"][1]["items"][3].__setitem__("date", "July 2022"),
        'collections[1].items[3].date is "July 2022", expected a date as '
        "YYYY, YYYY-MM or YYYY-MM-DD"),
    "unknown_key_in_page": (
        lambda d: d["pages"][2].__setitem__("color", "red"),
        'pages[2].color is "red", expected no such key here (known keys: slug, title, file, '
        "nav)"),
    "unknown_key_in_item": (
        lambda d: d["collections"][1]["items"][1].__setitem__("author", "X"),
        'collections[1].items[1].author is "X", expected no such key here (known keys: id, '
        "title, date, countries, kind, summary, source, documents, persons)"),
    "unknown_key_at_top_level": (
        lambda d: d.__setitem__("extra", 1),
        "extra is 1, expected no such key here (known keys: title, languages, countries, "
        "pages, collections)"),
    "undeclared_country": (
        lambda d: d["collections"][1]["items"][2]["countries"].append("MX"),
        'collections[1].items[2].countries[3] is "MX", expected a country code declared in '
        "countries (GT, HN, SV, NI)"),
    "undeclared_person_country": (
        lambda d: d["collections"][0]["items"][0].__setitem__(
            "persons", [{"name": "A. Person", "country": "CR"}]),
        'collections[0].items[0].persons[0].country is "CR", expected a country code declared '
        "in countries (GT, HN, SV, NI)"),
    "country_twice_in_item": (
        lambda d: d["collections"][0]["items"][0]["countries"].append("SV"),
        'collections[0].items[0].countries[3] is "SV", expected each country once '
        "(countries[0] has it already)"),
    "duplicate_item_id": (
        lambda d: d["collections"][1]["items"].append(dict(d["collections"][1]["items"][0])),
        'collections[1].items[4].id is "2022-03-09-nicaragua-action", expected an id unique '
        "in its collection"),
    "duplicate_country_code": (
        lambda d: d["countries"].append({"code": "GT", "name": "Guatemala again"}),
        'countries[4].code is "GT", expected a code not declared before (countries[0] has it)'),
    "slug_of_page_and_collection_clash": (
        lambda d: d["pages"].append({"slug": "reports", "title": "Reports",
                                     "file": "pages/index.html"}),
        'collections[0].slug is "reports", expected a slug unique across pages and '
        "collections"),
    "no_countries_in_item": (
        lambda d: d["collections"][0]["items"][0].__setitem__("countries", []),
        "collections[0].items[0].countries is [], expected at least one declared country code"),
    "document_bytes_negative": (
        lambda d: d["collections"][0]["items"][0]["documents"][1].__setitem__("bytes", -1),
        "collections[0].items[0].documents[1].bytes is -1, expected an integer from 0 to "
        "9007199254740992 (2^53)"),
    "too_many_documents": (
        lambda d: d["collections"][0]["items"][0].__setitem__(
            "documents", [{"title": "D", "href": f"assets/d{i}.pdf"} for i in range(65536)]),
        "collections[0].items[0].documents is an array of more than 65535 documents, expected "
        "at most 65535"),
    "too_many_persons": (
        lambda d: d["collections"][1]["items"][0].__setitem__(
            "persons", [{"name": f"P{i}"} for i in range(65536)]),
        "collections[1].items[0].persons is an array of more than 65535 persons, expected "
        "at most 65535"),
    "too_many_kinds": (
        lambda d: d["collections"][0]["items"].extend(
            dict(d["collections"][0]["items"][0], id=f"k{i}", kind=f"k{i}")
            for i in range(32768)),
        "collections[0].items is items of 32769 different kinds, expected at most 32767 kinds "
        "in one collection"),
    # languages and texts (REFERENCE.md "The data file")
    "text_without_the_default_language": (
        lambda d: d["collections"][0].__setitem__("title", {"es": "Informes"}),
        'collections[0].title is {"es":"Informes"}, expected a text: a non-empty string, or an '
        'object of non-empty strings by language code, with one for "en" (the default '
        "language)"),
    "text_in_an_undeclared_language": (
        lambda d: d["collections"][0].__setitem__("title", {"en": "Reports", "fr": "Rapports"}),
        'collections[0].title is {"en":"Reports","fr":"Rapports"}, expected a text: a '
        "non-empty string, or an object of non-empty strings by language code, for the declared "
        "languages only (en, es)"),
    "empty_text_in_a_language": (
        lambda d: d["collections"][0].__setitem__("title", {"en": "Reports", "es": ""}),
        'collections[0].title.es is "", expected a non-empty string'),
    "language_code_not_lower_case": (
        lambda d: d.__setitem__("languages", ["en", "ES"]),
        'languages[1] is "ES", expected a language code: two lower-case letters, such as "en" '
        'or "es"'),
    "language_twice": (
        lambda d: d.__setitem__("languages", ["en", "es", "en"]),
        'languages[2] is "en", expected a language not declared before'),
    "no_languages": (
        lambda d: d.__setitem__("languages", []),
        "languages is [], expected an array of language codes (two lower-case letters), the "
        "default first"),
    "slug_is_a_language_code": (
        lambda d: d["pages"].append({"slug": "es", "title": "Es", "file": "pages/index.html"}),
        'pages[8].slug is "es", expected a slug other than a declared language code (B/es/ is '
        "the site in Spanish)"),
    "slug_sitemap": (
        lambda d: d["pages"].append({"slug": "sitemap", "title": "S", "file": "pages/index.html"}),
        'pages[8].slug is "sitemap", expected a slug other than assets, openapi and sitemap '
        "(the module's own addresses)"),
    "slug_openapi": (
        lambda d: d["pages"].append({"slug": "openapi", "title": "O", "file": "pages/index.html"}),
        'pages[8].slug is "openapi", expected a slug other than assets, openapi and sitemap '
        "(the module's own addresses)"),
    "kind_label_in_an_undeclared_language": (
        lambda d: d["collections"][1]["kinds"].__setitem__("action", {"fr": "Action"}),
        'collections[1].kinds.action is {"fr":"Action"}, expected a text: a non-empty string, '
        "or an object of non-empty strings by language code, for the declared languages only "
        "(en, es)"),
    "kind_label_of_a_kind_no_item_has": (
        lambda d: d["collections"][1]["kinds"].__setitem__("nosuch", {"es": "X"}),
        'collections[1].kinds.nosuch is {"es":"X"}, expected a kind that items of this '
        "collection have (action, list, report)"),
    "empty_nav": (
        lambda d: d["pages"][1].__setitem__("nav", ""),
        'pages[1].nav is "", expected a text: a non-empty string, or an object of non-empty '
        "strings by language code"),
    "page_files_without_the_default_language": (
        lambda d: d["pages"][1].__setitem__("file", {"es": "pages/es/pillar-1.html"}),
        'pages[1].file is {"es":"pages/es/pillar-1.html"}, expected a page file, or an object '
        'of page files by language with one for "en" (the default language)'),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_data_rule_violation_fails_httpd_t_with_file_json_path_and_value(site, rule):
    workdir, data = site
    mutate, message = RULES[rule]
    write_data(data, broken(mutate))
    code, out = httpd_t_with(workdir, data)
    assert code != 0
    assert data_error(data, message) in out, out


def test_missing_page_file_in_a_language_fails_httpd_t_naming_it(site):
    workdir, data = site
    write_data(data, broken(lambda d: d["pages"][1].__setitem__(
        "file", {"en": "pages/pillar-1.html", "es": "pages/es/missing.html"})))
    code, out = httpd_t_with(workdir, data)
    assert code != 0
    assert data_error(data, 'pages[1].file.es is "pages/es/missing.html", expected a readable '
                            f"page file ({data.parent}/pages/es/missing.html: No such file or "
                            "directory)") in out


def test_missing_page_file_fails_httpd_t_naming_it(site):
    workdir, data = site
    write_data(data, broken(lambda d: d["pages"][3].__setitem__("file", "pages/missing.html")))
    code, out = httpd_t_with(workdir, data)
    assert code != 0
    assert data_error(data, f'pages[3].file is "pages/missing.html", expected a readable page '
                            f"file ({data.parent}/pages/missing.html: No such file or directory)") in out


@pytest.mark.parametrize("file", ["../outside.html", "pages/../../outside.html", "/etc/passwd"])
def test_page_file_outside_the_data_folder_fails_httpd_t(site, file):
    workdir, data = site
    rcserver.write_file(workdir / "outside.html", "<p>outside</p>\n")
    write_data(data, broken(lambda d: d["pages"][3].__setitem__("file", file)))
    code, out = httpd_t_with(workdir, data)
    assert code != 0
    assert data_error(data, f'pages[3].file is "{file}", expected a file inside the data '
                            f"file's folder {data.parent}/") in out


def shown(value):
    """A value as rc_data.c shows it in a message: compact JSON, cut to 77 bytes and "..." when
    longer than 80."""
    s = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return s if len(s.encode()) <= 80 else s.encode()[:77].decode() + "..."


def test_data_without_index_page_fails_httpd_t_naming_pages(site):
    workdir, data = site
    d = broken(lambda d: d["pages"].pop(0))
    write_data(data, d)
    code, out = httpd_t_with(workdir, data)
    assert code != 0
    assert data_error(data, f"pages is {shown(d['pages'])}, expected a page with slug \"index\" "
                            "(served at the mount point)") in out, out


def test_data_without_title_fails_httpd_t_naming_title(site):
    workdir, data = site
    write_data(data, broken(lambda d: d.pop("title")))
    code, out = httpd_t_with(workdir, data)
    assert code != 0
    assert data_error(data, "title is missing, expected a text: a non-empty string, or an "
                            "object of non-empty strings by language code") in out, out
