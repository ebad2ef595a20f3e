"""In Spanish too (REFERENCE.md "The data file" languages and texts, "URLs" B/{lang}/..., "Listing parameters" country names and q in any
language, 400 messages in the URL's language, "Formats" every format): the shipped site at /rootcauses
(English and Spanish, everything translated) and tests/integration/data/bilingual at /bi, where
some texts have no Spanish version (an item's title, a page's fragment, a kind's label, a
country's name, a nav label) and fall back to English, marked lang="en" in HTML.

Everything is compared with values written out here; sitedata/listingref give the ids."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

import htmlcheck
import htmltree
import listingref
import rcserver
import sitedata

B = "/rootcauses"
BI = "/bi"
SHIPPED = sitedata.shipped()
BI_SITE = sitedata.FIXTURES / "bilingual"
BI_DATA = sitedata.load(BI_SITE / "data.json")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.shipped_mount(B),
                                rcserver.Mount(BI, data=BI_SITE / "data.json")])


def get_ok(server, path, content_type=None):
    r = server.get(path)
    assert r.status == 200, r.dump()
    if content_type:
        assert r.header("Content-Type") == content_type
    return r


def main_of(r):
    return htmltree.parse(r.text).find("main")


def norm(s):
    return " ".join(s.split())


# ---------------------------------------------------------------- addresses

@pytest.mark.parametrize("path,location", [
    (f"{B}/es", f"{B}/es/"),
    (f"{B}/es/index", f"{B}/es/"),
    (f"{B}/es/reports/", f"{B}/es/reports"),
    (f"{B}/es/section-353/2021-09-20-seven-officials-actions/",
     f"{B}/es/section-353/2021-09-20-seven-officials-actions"),
    (f"{BI}/es", f"{BI}/es/"),
])
def test_spanish_home_without_slash_and_trailing_slashes_redirect_301(server, path, location):
    r = server.get(path)
    assert r.status == 301, r.dump()
    assert r.header("Location") == f"{server.origin}{location}"


def test_redirect_under_es_keeps_the_query_string(server):
    r = server.get(f"{B}/es/section-353/?country=GT&from=2021")
    assert r.status == 301
    assert r.header("Location") == f"{server.origin}{B}/es/section-353?country=GT&from=2021"


@pytest.mark.parametrize("path", [f"{B}/fr/", f"{B}/en/", f"{B}/es/es/", f"{B}/ES/",
                                  f"{B}/es/nosuchpage", f"{B}/es/reports/no-such-item",
                                  f"{B}/es/strategy.json", f"{B}/es/sitemap.xml",
                                  f"{B}/es/openapi.json"])
def test_addresses_that_are_no_page_in_spanish_are_404(server, path):
    assert server.get(path).status == 404


# ---------------------------------------------------------------- every page type in Spanish

@pytest.mark.parametrize("path,title,h1", [
    (f"{B}/es/",
     "Panorama general de la Estrategia para abordar las causas de fondo de la migración – "
     "Causas de fondo de la migración",
     "Panorama general de la Estrategia para abordar las causas de fondo de la migración"),
    (f"{B}/es/resources", "Recursos – Causas de fondo de la migración", "Recursos"),
    (f"{B}/es/section-353",
     "Informes y acciones de la Sección 353 – Causas de fondo de la migración",
     "Informes y acciones de la Sección 353"),
    (f"{B}/es/section-353/2022-03-09-nicaragua-action",
     "Acción de Estados Unidos contra la corrupción y los ataques a la democracia en Nicaragua – "
     "Causas de fondo de la migración",
     "Acción de Estados Unidos contra la corrupción y los ataques a la democracia en Nicaragua"),
])
def test_each_html_page_type_is_in_spanish_under_es(server, path, title, h1):
    r = get_ok(server, path, "text/html; charset=utf-8")
    assert r.header("Content-Language") == "es"
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    assert doc.lang == "es"
    assert (doc.title, doc.h1s) == (title, [h1])
    root = htmltree.parse(r.text)
    assert root.find("a", class_="skip-link").norm_text() == "Saltar al contenido principal"
    assert root.find("nav", class_="site-nav").attrs["aria-label"] == "Principal"


@pytest.mark.parametrize("path,title,h1", [
    (f"{B}/", "Root Causes Strategy Overview – Root Causes of Migration",
     "Root Causes Strategy Overview"),
    (f"{B}/section-353", "Section 353 Reports and Actions – Root Causes of Migration",
     "Section 353 Reports and Actions"),
    (f"{B}/section-353/2022-03-09-nicaragua-action",
     "U.S. Action Against Corruption and Attacks on Democracy in Nicaragua – Root Causes of "
     "Migration", "U.S. Action Against Corruption and Attacks on Democracy in Nicaragua"),
])
def test_the_same_pages_stay_english_at_the_mount_point(server, path, title, h1):
    r = get_ok(server, path)
    assert r.header("Content-Language") == "en"
    doc = htmlcheck.parse(r.text)
    assert (doc.lang, doc.title, doc.h1s) == ("en", title, [h1])


def test_spanish_listing_writes_dates_kinds_and_labels_in_spanish(server):
    r = get_ok(server, f"{B}/es/section-353")
    main = main_of(r)
    rows = [norm(li.find("p", class_="item-meta").text()) for li in main.find_all("li", class_="item")]
    assert rows == [
        "9 de marzo de 2022 · Nicaragua · Acción",
        "20 de septiembre de 2021 · Guatemala, Honduras, El Salvador, Nicaragua · Acción",
        "1 de julio de 2021 · Guatemala, Honduras, El Salvador · Lista",
        "2021 · Guatemala, Honduras, El Salvador, Nicaragua · Informe",
    ]
    form = main.find("form")
    assert [l.norm_text() for l in form.find_all("legend")] == ["País", "Fecha", "Tipo"]
    assert form.find("button").norm_text() == "Aplicar filtros"
    assert main.find("p", class_="result-count").norm_text() == "4 resultados"
    assert main.find("h2", id="results-heading").norm_text() == "Resultados"
    formats = main.find("p", class_="formats")
    assert norm(formats.text()) == "Descargar estos resultados: JSON CSV Canal Atom"
    assert [a.attrs["href"] for a in formats.find_all("a")] == [
        f"{B}/es/section-353.json", f"{B}/es/section-353.csv", f"{B}/es/section-353.atom"]


def test_spanish_item_page_facts_documents_and_links(server):
    r = get_ok(server, f"{B}/es/reports/2022-07-progress-report")
    main = main_of(r)
    dl = main.find("dl")
    assert [e.norm_text() for e in dl.children if not isinstance(e, str)] == [
        "Fecha", "julio de 2022", "Países", "El Salvador, Guatemala, Honduras", "Tipo",
        "Informe al Congreso"]
    assert main.find("a", href=f"{B}/es/reports").norm_text() == "Informes al Congreso"
    docs = [norm(li.text()) for li in main.find("ul", class_="documents").find_all("li")]
    assert docs[0] == "Resumen ejecutivo (200 KB)"
    assert main.find("p", class_="formats").find("a").attrs["href"] == \
        f"{B}/es/reports/2022-07-progress-report.json"


def test_spanish_size_has_a_decimal_comma(server):
    es = main_of(get_ok(server, f"{BI}/es/notes/translated"))
    en = main_of(get_ok(server, f"{BI}/notes/translated"))
    assert norm(es.find("ul", class_="documents").text()) == "Texto completo (1,2 MB)"
    assert norm(en.find("ul", class_="documents").text()) == "Full text (1.2 MB)"


# ---------------------------------------------------------------- every format under /es/

def test_spanish_json_listing_has_spanish_texts_and_spanish_urls(server):
    r = get_ok(server, f"{B}/es/section-353.json?country=NI", "application/json")
    assert r.header("Content-Language") == "es"
    doc = r.json()
    assert [it["id"] for it in doc["items"]] == [
        "2022-03-09-nicaragua-action", "2021-09-20-seven-officials-actions",
        "2021-corrupt-undemocratic-actors-report"]
    first = doc["items"][0]
    assert first == {
        "id": "2022-03-09-nicaragua-action",
        "title": "Acción de Estados Unidos contra la corrupción y los ataques a la democracia en "
                 "Nicaragua",
        "date": "2022-03-09", "countries": ["NI"], "kind": "action",
        "summary": "Acción de Estados Unidos contra la corrupción y los ataques a la democracia "
                   "en Nicaragua.",
        "url": f"{B}/es/section-353/2022-03-09-nicaragua-action",
    }
    # the envelope does not depend on the language
    en = get_ok(server, f"{B}/section-353.json?country=NI").json()
    for key in ("total", "page", "per_page", "pages", "facets"):
        assert doc[key] == en[key]


def test_spanish_json_item_is_the_listing_object(server):
    listing = get_ok(server, f"{B}/es/section-353.json").json()["items"]
    for it in listing:
        r = get_ok(server, f"{it['url']}.json", "application/json")
        assert r.header("Content-Language") == "es"
        assert r.json() == it


def test_spanish_csv_has_spanish_titles_and_urls(server):
    r = get_ok(server, f"{B}/es/section-353.csv?kind=list", "text/csv; charset=utf-8; header=present")
    assert r.header("Content-Language") == "es"
    assert r.header("Content-Disposition") == 'attachment; filename="section-353-es-list.csv"'
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [
        ["id", "date", "title", "countries", "kind", "url"],
        ["2021-07-01-section-353-list", "2021-07-01",
         "Publicación de la lista de la Sección 353 de actores corruptos y antidemocráticos de "
         "Guatemala, Honduras y El Salvador", "GT;HN;SV", "list",
         f"{B}/es/section-353/2021-07-01-section-353-list"],
    ]


def test_spanish_atom_feed_is_in_spanish_with_absolute_spanish_links(server):
    r = get_ok(server, f"{B}/es/reports.atom", "application/atom+xml")
    assert r.header("Content-Language") == "es"
    feed = ET.fromstring(r.body)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert feed.find(f"{ATOM}title").text == "Informes al Congreso"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Causas de fondo de la migración"
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"{server.origin}{B}/es/reports.atom"
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text.startswith("Avances logrados en la Estrategia")
    assert entry.find(f"{ATOM}link").get("href") == \
        f"{server.origin}{B}/es/reports/2022-07-progress-report"
    assert [(c.get("term"), c.get("label")) for c in entry.findall(f"{ATOM}category")] == [
        ("SV", "El Salvador"), ("GT", "Guatemala"), ("HN", "Honduras")]


# ---------------------------------------------------------------- titles of feeds, names of files

@pytest.mark.parametrize("query,en,es", [
    ("", "Section 353 Reports and Actions", "Informes y acciones de la Sección 353"),
    ("country=GT&from=2021", "Section 353 Reports and Actions: Guatemala, from 2021",
     "Informes y acciones de la Sección 353: Guatemala, desde 2021"),
    ("country=gt,ni&to=2022-03", "Section 353 Reports and Actions: Guatemala, Nicaragua, to 2022-03",
     "Informes y acciones de la Sección 353: Guatemala, Nicaragua, hasta 2022-03"),
    ("kind=action,report", "Section 353 Reports and Actions: kind: Action, Report",
     "Informes y acciones de la Sección 353: tipo: Acción, Informe"),
    ("q=corrupt+actors", "Section 353 Reports and Actions: matching “corrupt actors”",
     "Informes y acciones de la Sección 353: que contienen «corrupt actors»"),
    ("from=2021-07&to=2022&kind=list&country=HN&sort=date&page=2",
     "Section 353 Reports and Actions: Honduras, from 2021-07, to 2022, kind: List",
     "Informes y acciones de la Sección 353: Honduras, desde 2021-07, hasta 2022, tipo: Lista"),
])
def test_atom_title_names_the_filter_in_words_in_the_feed_language(server, query, en, es):
    for home, want in ((B, en), (f"{B}/es", es)):
        r = get_ok(server, f"{home}/section-353.atom?{query}")
        assert ET.fromstring(r.body).find(f"{ATOM}title").text == want


@pytest.mark.parametrize("path,name", [
    (f"{B}/section-353.csv", "section-353.csv"),
    (f"{B}/section-353.csv?country=GT&from=2021", "section-353-gt-from-2021.csv"),
    (f"{B}/section-353.csv?country=Guatemala&from=2021&page=3", "section-353-gt-from-2021.csv"),
    (f"{B}/section-353.csv?from=2021-07&to=2022-03-09", "section-353-from-2021-07-to-2022-03-09.csv"),
    (f"{B}/section-353.csv?country=NI,GT&kind=report,action",
     "section-353-gt-ni-action-report.csv"),
    (f"{B}/section-353.csv?q=Corrupt+ACTORS", "section-353-q-corrupt-actors.csv"),
    (f"{B}/section-353.csv?q=%C3%A1rbol+%22x%22", "section-353-q-arbol-x.csv"),
    (f"{B}/es/section-353.csv?country=GT&from=2021", "section-353-es-gt-from-2021.csv"),
    (f"{B}/es/reports.csv", "reports-es.csv"),
    (f"{B}/reports.csv?unknown=1&sort=date&per_page=5", "reports.csv"),
])
def test_csv_file_name_names_the_collection_and_the_filter(server, path, name):
    r = get_ok(server, path)
    assert r.header("Content-Disposition") == f'attachment; filename="{name}"'
    # a plain ASCII file name, nothing to quote or escape
    assert re.fullmatch(r"[A-Za-z0-9-]+\.csv", name)


# ---------------------------------------------------------------- countries and q in any language

@pytest.mark.parametrize("value", ["Estados+Unidos", "estados%20unidos", "ESTADOS+UNIDOS",
                                   "United+States", "us", "Alemania", "germany"])
@pytest.mark.parametrize("home", [BI, f"{BI}/es"])
def test_country_by_its_name_in_any_language(server, home, value):
    doc = get_ok(server, f"{home}/notes.json?country={value}").json()
    assert [it["id"] for it in doc["items"]] == ["translated"]


@pytest.mark.parametrize("value", ["M%C3%A9xico", "mexico", "MEXICO", "m%C3%89XICO"])
@pytest.mark.parametrize("home", [BI, f"{BI}/es"])
def test_country_name_is_accent_insensitive(server, home, value):
    doc = get_ok(server, f"{home}/notes.json?country={value}").json()
    assert [it["id"] for it in doc["items"]] == ["untranslated"]


def test_country_names_in_the_filter_form_are_in_the_page_language(server):
    for home, names in ((BI, ["Mexico", "United States", "Germany", "Peru"]),
                        (f"{BI}/es", ["México", "Estados Unidos", "Alemania", "Peru"])):
        form = main_of(get_ok(server, f"{home}/notes")).find("form")
        labels = [l for l in form.find_all("label", class_="check")
                  if l.find("input", name="country")]
        assert [re.sub(r"\s*\(\d+\)$", "", l.norm_text()) for l in labels] == names


@pytest.mark.parametrize("q,ids", [
    ("agua", ["translated"]),                 # the Spanish title
    ("water", ["translated"]),                # the English one
    ("rios+lagos", ["translated"]),           # "ríos y lagos" of the Spanish summary
    ("R%C3%8DOS", ["translated"]),
    ("ministra", ["translated"]),             # a person's position in Spanish
    ("minis", ["translated"]),
    ("resumen+espa%C3%B1ol", ["untranslated"]),
    ("english+resumen", ["untranslated"]),    # words from two languages
    ("andino", ["andean-trade"]),
    ("ndino", []),                            # not the beginning of a word
    ("alemania", []),                         # country names are not searched
])
@pytest.mark.parametrize("home", [BI, f"{BI}/es"])
def test_q_matches_text_in_any_language(server, home, q, ids):
    doc = get_ok(server, f"{home}/notes.json?q={q}").json()
    assert [it["id"] for it in doc["items"]] == ids
    assert ids == listingref.run(BI_DATA, "notes", q=[q.replace("+", " ").replace(
        "%C3%8D", "Í").replace("%C3%B1", "ñ")]).ids


@pytest.mark.parametrize("q,ids", [
    ("corrupci%C3%B3n", ["2022-03-09-nicaragua-action", "2021-09-20-seven-officials-actions",
                         "2021-corrupt-undemocratic-actors-report"]),
    ("antidemocraticos", ["2021-07-01-section-353-list", "2021-corrupt-undemocratic-actors-report"]),
    ("funcionarios+centroamericanos", ["2021-09-20-seven-officials-actions"]),
])
def test_q_matches_the_shipped_spanish_texts_from_both_languages(server, q, ids):
    for home in (B, f"{B}/es"):
        doc = get_ok(server, f"{home}/section-353.json?q={q}").json()
        assert [it["id"] for it in doc["items"]] == ids


# ---------------------------------------------------------------- fallback to English

def test_item_without_a_spanish_title_shows_the_english_one_marked_lang_en(server):
    r = get_ok(server, f"{BI}/es/notes/untranslated")
    doc = htmlcheck.parse(r.text)
    assert doc.errors == []
    assert doc.title == "Only In English – Sitio de prueba bilingüe"
    assert '<h1><span lang="en">Only In English</span></h1>' in r.text
    main = main_of(r)
    assert main.find("p", class_="item-summary").norm_text() == "Un resumen en español."
    # the kind has a Spanish label only for "memo": "letter" is written for people, in English
    assert '<dt>Tipo</dt><dd><span lang="en">Letter</span></dd>' in r.text


def test_listing_row_of_an_untranslated_item_marks_its_title(server):
    r = get_ok(server, f"{BI}/es/notes")
    assert ('<a href="/bi/es/notes/untranslated"><span lang="en">Only In English</span></a>'
            in r.text)
    assert '<a href="/bi/es/notes/translated">Informe sobre el agua</a>' in r.text
    # a country without a Spanish name
    assert '<span class="countries"><span lang="en">Peru</span></span>' in r.text
    # nothing is marked in English pages
    assert 'lang="en"><' not in get_ok(server, f"{BI}/notes").text.replace(
        '<html lang="en">', "")


def test_untranslated_texts_fall_back_in_json_csv_and_atom_without_marks(server):
    item = get_ok(server, f"{BI}/es/notes/untranslated.json").json()
    assert (item["title"], item["summary"]) == ("Only In English", "Un resumen en español.")
    rows = list(csv.reader(io.StringIO(get_ok(server, f"{BI}/es/notes.csv").text)))
    assert [r[2] for r in rows[1:]] == ["Only In English", "Informe sobre el agua",
                                         "Comercio andino"]
    feed = ET.fromstring(get_ok(server, f"{BI}/es/notes.atom").body)
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == [
        "Only In English", "Informe sobre el agua", "Comercio andino"]


def test_page_without_a_spanish_fragment_shows_the_english_one_marked_lang_en(server):
    r = get_ok(server, f"{BI}/es/about")
    assert htmlcheck.parse(r.text).errors == []
    assert ('<h1>Acerca de este sitio</h1>\n<div class="page-body" lang="en">\n'
            "<p>This page exists in English only.</p>\n</div>") in r.text
    en = get_ok(server, f"{BI}/about").text
    assert '<div class="page-body">\n<p>This page exists in English only.</p>\n</div>' in en


def test_nav_label_without_spanish_falls_back_marked(server):
    doc = htmlcheck.parse(get_ok(server, f"{BI}/es/").text)
    assert htmlcheck.nav_entries(doc) == [(f"{BI}/es/", "Inicio"), (f"{BI}/es/about", "About"),
                                          (f"{BI}/es/notes", "Notas")]
    assert '<a href="/bi/es/about"><span lang="en">About</span></a>' in \
        get_ok(server, f"{BI}/es/").text


# ---------------------------------------------------------------- errors in Spanish

ES_400 = [
    ("from=2021-02-30", "from",
     'from: "2021-02-30" no es una fecha: ese día no existe en el calendario (se espera AAAA, '
     "AAAA-MM o AAAA-MM-DD)"),
    ("country=XX", "country",
     'country: "XX" no es un país de este sitio; válidos: GT (Guatemala), HN (Honduras), '
     "SV (El Salvador), NI (Nicaragua)"),
    ("kind=nope", "kind",
     'kind: "nope" no es un tipo de Informes y acciones de la Sección 353; válidos: action, '
     "list, report"),
    ("per_page=500", "per_page",
     'per_page: "500" está fuera de rango; se espera un número entero de 1 a 100'),
    ("page=0", "page", 'page: "0" no es un número de página; se espera un número entero desde 1'),
    ("sort=up", "sort",
     'sort: "up" no es un orden; se espera "-date" (más recientes primero) o "date" (más '
     "antiguos primero)"),
    ("from=2022&to=2021", "from",
     'from: "2022" empieza después de que termina to "2021"; inviértalos o amplíe el intervalo'),
    ("from=2021&from=2022", "from", 'from: se dio más de una vez ("2021" y "2022"); dé un solo valor'),
    ("q=" + "a" * 201, "q", f'q: "{"a" * 57}..." tiene 201 caracteres; el límite es 200'),
    ("q=" + "+".join(f"w{i}" for i in range(40)), "q",
     'q: "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16..." tiene más de 32 palabras distintas; dé como mucho 32'),
    ("q=%ZZ", "q", 'q: codificación % incorrecta en "%ZZ" (% debe ir seguido de dos dígitos '
                   "hexadecimales)"),
]


@pytest.mark.parametrize("query,param,message", ES_400, ids=[q[:20] for q, _, _ in ES_400])
def test_json_400_under_es_is_in_spanish(server, query, param, message):
    r = server.get(f"{B}/es/section-353.json?{query}")
    assert r.status == 400
    assert r.json() == {"error": {"status": 400, "parameter": param, "message": message}}


@pytest.mark.parametrize("query,param,message", ES_400[:4], ids=[q for q, _, _ in ES_400[:4]])
def test_html_400_under_es_is_in_spanish(server, query, param, message):
    r = server.get(f"{B}/es/section-353?{query}")
    assert r.status == 400
    assert r.header("Content-Language") == "es"
    doc = htmlcheck.parse(r.text)
    assert doc.errors == [] and doc.lang == "es"
    assert doc.title == "Error: Informes y acciones de la Sección 353 – Causas de fondo de la migración"
    summary = htmltree.parse(r.text).find("div", class_="error-summary")
    assert summary.find("h2").norm_text() == "Hay un problema"
    assert [li.norm_text() for li in summary.find_all("li")] == [message]
    assert main_of(r).find("p", class_="result-count").norm_text() == \
        "Sin resultados: corrija el filtro"


@pytest.mark.parametrize("ext", [".csv", ".atom"])
def test_text_400_under_es_is_in_spanish(server, ext):
    r = server.get(f"{B}/es/section-353{ext}?page=0")
    assert r.status == 400
    assert r.header("Content-Type") == "text/plain; charset=utf-8"
    assert r.text == ('400 Bad Request\npage: "0" no es un número de página; se espera un '
                      "número entero desde 1\n")


def test_the_same_400_in_english_at_the_mount_point(server):
    r = server.get(f"{B}/section-353.json?from=2021-02-30")
    assert r.json()["error"]["message"] == (
        'from: "2021-02-30" is not a date: no such day in the calendar (expected YYYY, YYYY-MM '
        "or YYYY-MM-DD)")


def test_404_page_in_spanish(server):
    r = server.get(f"{B}/es/no-such-page")
    assert r.status == 404
    assert r.header("Content-Type") == "text/html; charset=utf-8"
    doc = htmlcheck.parse(r.text)
    assert doc.errors == [] and doc.lang == "es"
    assert doc.title == "Página no encontrada – Causas de fondo de la migración"
    assert doc.h1s == ["Página no encontrada"]
    main = main_of(r)
    assert [p.norm_text() for p in main.find_all("p")] == [
        "No hay ninguna página en esta dirección.", "Ir al panorama general"]
    assert main.find("a").attrs["href"] == f"{B}/es/"
    assert htmlcheck.nav_entries(doc) == sitedata.nav(SHIPPED, B, "es")


def test_404_and_405_json_in_spanish(server):
    r = server.get(f"{B}/es/no-such.json")
    assert r.status == 404
    assert r.json() == {"error": {"status": 404, "parameter": None,
                                  "message": "No hay ninguna página en esta dirección."}}
    r = server.request("POST", f"{B}/es/section-353.json", body=b"")
    assert r.status == 405 and r.header("Allow") == "GET, HEAD"
    assert r.json() == {"error": {"status": 405, "parameter": None,
                                  "message": "El método POST no está permitido aquí; use GET o HEAD."}}


# ---------------------------------------------------------------- the language switch

def switch_of(r):
    nav = htmltree.parse(r.text).find("nav", class_="languages")
    assert nav is not None, "no language switch"
    return [(a.attrs["href"], a.attrs.get("lang"), a.attrs.get("aria-current"), a.norm_text())
            for a in nav.find_all("a")]


@pytest.mark.parametrize("here,en,es,current", [
    ("/", f"{B}/", f"{B}/es/", "en"),
    ("/es/", f"{B}/", f"{B}/es/", "es"),
    ("/pillar-2", f"{B}/pillar-2", f"{B}/es/pillar-2", "en"),
    ("/es/reports/2022-07-progress-report", f"{B}/reports/2022-07-progress-report",
     f"{B}/es/reports/2022-07-progress-report", "es"),
    ("/section-353?country=GT&from=2021", f"{B}/section-353?country=GT&from=2021",
     f"{B}/es/section-353?country=GT&from=2021", "en"),
    # the canonical query: known parameters in a fixed order, defaults and unknown ones left out
    ("/es/section-353?sort=date&page=1&q=corrupci%C3%B3n&utm_source=x",
     f"{B}/section-353?q=corrupci%C3%B3n&sort=date",
     f"{B}/es/section-353?q=corrupci%C3%B3n&sort=date", "es"),
    ("/reports?page=2&per_page=1&country=guatemala", f"{B}/reports?country=GT&per_page=1&page=2",
     f"{B}/es/reports?country=GT&per_page=1&page=2", "en"),
    ("/es/nosuch", f"{B}/", f"{B}/es/", "es"),
])
def test_language_switch_links_the_same_page_and_keeps_the_filter(server, here, en, es, current):
    r = server.get(B + here)
    assert r.status in (200, 404)
    assert switch_of(r) == [
        (en, "en", "true" if current == "en" else None, "English"),
        (es, "es", "true" if current == "es" else None, "Español"),
    ]
    label = htmltree.parse(r.text).find("nav", class_="languages").attrs["aria-label"]
    assert label == ("Idioma" if current == "es" else "Language")


def test_language_switch_keeps_a_query_with_raw_bytes_as_valid_utf8(server):
    raw = server.raw(f"GET {B}/section-353?q=a".encode() + b"\xc0\xafb HTTP/1.0\r\n\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    body.decode("utf-8")   # valid UTF-8 throughout
    assert f'href="{B}/es/section-353?q=a%C0%AFb"'.encode() in body


def test_language_switch_of_a_bad_escape_is_a_valid_url(server):
    """A '%' that starts no %XX escape is written %25, so that the link is a valid URL."""
    r = server.get(f"{B}/section-353?q=%zz&country=XX")
    assert r.status == 400
    assert f'href="{B}/es/section-353?q=%25zz&amp;country=XX"' in r.text
    assert "%zz" not in r.text.replace("&quot;%zz&quot;", "")   # only in the message


def test_following_the_switch_gives_the_same_results(server):
    r = get_ok(server, f"{B}/section-353?country=GT&kind=action,list")
    es_href = switch_of(r)[1][0]
    en_ids = [a.attrs["href"].rsplit("/", 1)[1]
              for a in main_of(r).find_all("a") if "/section-353/" in a.attrs.get("href", "")]
    r_es = get_ok(server, es_href)
    es_ids = [a.attrs["href"].rsplit("/", 1)[1]
              for a in main_of(r_es).find_all("a") if "/section-353/" in a.attrs.get("href", "")]
    assert en_ids == es_ids == ["2021-09-20-seven-officials-actions", "2021-07-01-section-353-list"]


@pytest.mark.parametrize("here", ["/", "/es/", "/strategy", "/es/reports",
                                  "/section-353/2022-03-09-nicaragua-action",
                                  "/es/section-353?country=NI"])
def test_hreflang_alternates_are_absolute_with_x_default(server, here):
    r = get_ok(server, B + here)
    path = here[3:] if here.startswith("/es/") else here
    path = path if path.startswith("/") else "/" + path
    links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', r.text)
    o = server.origin
    assert links == [("en", f"{o}{B}{path}".replace("&", "&amp;")),
                     ("es", f"{o}{B}/es{path}".replace("&", "&amp;")),
                     ("x-default", f"{o}{B}{path}".replace("&", "&amp;"))]


def test_a_site_with_one_language_has_no_switch_and_no_alternates(start_server):
    server = start_server([rcserver.Mount("/small", data=sitedata.small_site_dir() / "data.json")])
    r = get_ok(server, "/small/notes")
    assert 'class="languages"' not in r.text and "hreflang" not in r.text
    assert r.header("Content-Language") == "en"
    assert server.get("/small/es/").status == 404
