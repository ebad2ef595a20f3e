/* Unit tests for the writers in two languages (docs/REFERENCE.md "The data file" texts, §5 B/{lang}/, §7): the fixture
 * tests/unit/fixtures/bilingual/ is in English (the default) and Spanish, with texts missing in
 * Spanish that fall back to English. Also the search engines' view (robots, canonical, hreflang
 * alternates, JSON-LD, the sitemap) and the API description. */

#include <stdlib.h>
#include <string.h>

#include <apr_buckets.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_xml.h>
#include <jansson.h>

#include "test_rc.h"
#include "rc_data.h"
#include "rc_filter.h"
#include "rc_i18n.h"
#include "rc_layout.h"
#include "rc_query.h"
#include "rc_render.h"

#define ORIGIN "https://example.org"
#define COL "section-353"
#define ACTION "2022-03-09-nicaragua-action"

static apr_pool_t *pool;
static rc_data *data;
static const rc_collection *col;
static rc_base base;
static rc_site en, es;
static rc_out out;

static void setup(void)
{
    const char *err;

    apr_pool_create(&pool, NULL);
    err = rc_test_load_file(pool, rc_test_fixture("bilingual/data.json"), NULL, &data);
    ck_assert_msg(err == NULL, "%s", err);
    col = &data->collections[0];
    rc_base_init(pool, &base, "/rootcauses");
    rc_site_set(pool, &en, data, rc_layout_builtin(pool), &base, 0, ORIGIN);
    rc_site_set(pool, &es, data, rc_layout_builtin(pool), &base, 1, ORIGIN);
    rc_out_init(&out, apr_brigade_create(pool, apr_bucket_alloc_create(pool)), pool);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static const char *output(void)
{
    char *s;
    apr_size_t n;

    rc_out_finish(&out);  /* the chunk being filled goes into the brigade */
    ck_assert_int_eq(apr_brigade_pflatten(out.bb, &s, &n, pool), APR_SUCCESS);
    apr_brigade_cleanup(out.bb);
    return apr_pstrmemdup(pool, s, n);
}

#define assert_contains(hay, needle)                                                               \
    ck_assert_msg(strstr(hay, needle) != NULL, "output lacks: %s\n--- output:\n%s", needle, hay)
#define assert_lacks(hay, needle)                                                                  \
    ck_assert_msg(strstr(hay, needle) == NULL, "output has: %s\n--- output:\n%s", needle, hay)

static rc_query *query(const rc_site *s, const char *args)
{
    rc_query *q = rc_query_parse(pool, data, col, args, 20, s->m);
    if (q->errors->nelts)
        ck_abort_msg("\"%s\": %s", args, APR_ARRAY_IDX(q->errors, 0, rc_query_error).message);
    return q;
}

static rc_result *page_of(const rc_query *q)
{
    return rc_filter_run(pool, data, col, q, -1, (q->page - 1) * q->per_page, q->per_page);
}

/* The listing as the glue writes it: here is the listing's path, args its query string. */
static const char *listing(rc_site *s, const char *args)
{
    rc_query *q = query(s, args);
    s->here = "/" COL;
    s->here_args = args;
    rc_html_listing(&out, s, col, q, page_of(q));
    return output();
}

static const rc_item *item(const char *id)
{
    int pos = rc_item_find(data, col, id);
    ck_assert_int_ge(pos, 0);
    return &col->items[pos];
}

static void check_xml(const char *what, const char *s)
{
    apr_xml_parser *parser = apr_xml_parser_create(pool);
    apr_xml_doc *doc = NULL;
    char err[300];
    if (apr_xml_parser_feed(parser, s, strlen(s)) != APR_SUCCESS ||
        apr_xml_parser_done(parser, &doc) != APR_SUCCESS)
        ck_abort_msg("%s is not well-formed XML: %s\n%s", what,
                     apr_xml_parser_geterror(parser, err, sizeof(err)), s);
}

static json_t *parse_json(const char *text, apr_size_t len)
{
    json_error_t err;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    ck_assert_msg(j != NULL, "not JSON (%s at %d:%d): %.*s", err.text, err.line, err.column,
                  (int)len, text);
    return j;
}

/* ---- listings ---- */

START_TEST(listing_in_spanish)
{
    const char *html = listing(&es, "");

    assert_contains(html, "<html lang=\"es\">");
    assert_contains(html, "<title>Informes y acciones de la Secci\xc3\xb3n 353 \xe2\x80\x93 "
                          "Causas de fondo</title>");
    assert_contains(html, "<h1>Informes y acciones de la Secci\xc3\xb3n 353</h1>");
    assert_contains(html, "Saltar al contenido principal");
    assert_contains(html, "aria-label=\"Principal\"");
    /* links stay under B/es/; static files do not */
    assert_contains(html, "<a href=\"/rootcauses/es/\">Panorama</a>");
    assert_contains(html, "<a href=\"/rootcauses/es/" COL "\" aria-current=\"page\">"
                          "Secci\xc3\xb3n 353</a>");
    assert_contains(html, "action=\"/rootcauses/es/" COL "\"");
    assert_contains(html, "href=\"/rootcauses/assets/rootcauses.css\"");
    assert_contains(html, "<a href=\"/rootcauses/es/" COL "/" ACTION "\">Acci\xc3\xb3n contra la "
                          "corrupci\xc3\xb3n en &lt;Nicaragua&gt;</a>");
    /* the module's own words */
    assert_contains(html, "<legend>Pa\xc3\xads</legend>");
    assert_contains(html, ">Desde</label>");
    assert_contains(html, ">Hasta</label>");
    assert_contains(html, ">3 resultados</p>");
    assert_contains(html, "<option value=\"-date\" selected>M\xc3\xa1s recientes primero</option>");
    /* dates for people in Spanish */
    assert_contains(html, "<time datetime=\"2022-07\">julio de 2022</time>");
    assert_contains(html, "<time datetime=\"2022-03-09\">9 de marzo de 2022</time>");
    assert_contains(html, "<time datetime=\"2021\">2021</time>");
    /* the data's Spanish texts, and the country name only Spanish has */
    assert_contains(html, "El Salvador (ES)");
    assert_contains(html, "<span class=\"kind\">Acci\xc3\xb3n</span>");
    assert_contains(html, "<span class=\"kind\">Lista</span>");
    assert_contains(html, "href=\"/rootcauses/es/" COL ".json\" type=\"application/json\"");
}
END_TEST

/* docs/REFERENCE.md "The data file": a text missing in a language falls back to the default one's, marked with its lang */
START_TEST(fallbacks_are_marked_with_their_language)
{
    const char *html = listing(&es, "");

    assert_contains(html, "<a href=\"/rootcauses/es/" COL "/2022-07-report\"><span lang=\"en\">"
                          "English only</span></a>");
    assert_contains(html, "<p class=\"item-summary\"><span lang=\"en\">Against anti-corruption "
                          "&amp; attacks on democracy.</span></p>");
    /* a kind without a Spanish label: the slug written for people, in English */
    assert_contains(html, "<span class=\"kind\"><span lang=\"en\">Report</span></span>");
    assert_contains(html, "<a href=\"/rootcauses/es/about\"><span lang=\"en\">About</span></a>");
    /* in English nothing is a fallback */
    html = listing(&en, "");
    assert_lacks(html, "<span lang=");
    assert_contains(html, "<html lang=\"en\">");
    assert_contains(html, "<span class=\"kind\">Report</span>");
    assert_contains(html, ">3 results</p>");
}
END_TEST

/* docs/REFERENCE.md "Formats": every page links its other languages, with the filter kept */
START_TEST(language_switch_and_alternates)
{
    const char *html = listing(&es, "country=GT&from=2021");

    assert_contains(html, "<nav class=\"languages\" aria-label=\"Idioma\"><ul>"
                          "<li><a href=\"/rootcauses/" COL "?country=GT&amp;from=2021\" "
                          "hreflang=\"en\" lang=\"en\">English</a></li>"
                          "<li><a href=\"/rootcauses/es/" COL "?country=GT&amp;from=2021\" "
                          "lang=\"es\" aria-current=\"true\">Espa\xc3\xb1ol</a></li></ul></nav>");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"en\" href=\"" ORIGIN
                          "/rootcauses/" COL "?country=GT&amp;from=2021\">");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"es\" href=\"" ORIGIN
                          "/rootcauses/es/" COL "?country=GT&amp;from=2021\">");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"" ORIGIN
                          "/rootcauses/" COL "?country=GT&amp;from=2021\">");
    html = listing(&en, "");
    assert_contains(html, "<li><a href=\"/rootcauses/" COL "\" lang=\"en\" aria-current=\"true\">"
                          "English</a></li><li><a href=\"/rootcauses/es/" COL "\" hreflang=\"es\" "
                          "lang=\"es\">Espa\xc3\xb1ol</a></li>");
}
END_TEST

/* docs/REFERENCE.md "Formats": a filtered or paged listing is not for search engines' indexes */
START_TEST(robots_and_canonical_on_filtered_and_paged_listings)
{
    static const char *const filtered[] = {"country=GT", "from=2021", "to=2022", "kind=action",
                                            "q=lista", "sort=date", "page=2", "per_page=1&page=3",
                                            NULL};
    static const char *const plain[] = {"", "page=1", "utm_source=x", "country=&q=", NULL};
    const char *html;

    for (const char *const *a = filtered; *a; a++) {
        ck_assert_msg(rc_listing_noindex(query(&es, *a)) == 1, "%s", *a);
        html = listing(&es, *a);
        assert_contains(html, "<meta name=\"robots\" content=\"noindex, follow\">");
        assert_contains(html, "<link rel=\"canonical\" href=\"" ORIGIN "/rootcauses/es/" COL
                              "\">");
    }
    for (const char *const *a = plain; *a; a++) {
        ck_assert_msg(rc_listing_noindex(query(&en, *a)) == 0, "%s", *a);
        html = listing(&en, *a);
        assert_lacks(html, "name=\"robots\"");
        assert_lacks(html, "rel=\"canonical\"");
    }
    html = listing(&en, "country=SV");
    assert_contains(html, "<link rel=\"canonical\" href=\"" ORIGIN "/rootcauses/" COL "\">");
}
END_TEST

START_TEST(listing_errors_in_spanish)
{
    rc_query *q = rc_query_parse(pool, data, col, "from=2021-02-30&country=XX", 20, es.m);
    const char *html;

    ck_assert_int_eq(q->errors->nelts, 2);
    es.here = "/" COL;
    rc_html_listing(&out, &es, col, q, NULL);
    html = output();
    assert_contains(html, "<title>Error: Informes y acciones");
    assert_contains(html, "Hay un problema");
    assert_contains(html, "from: &quot;2021-02-30&quot; no es una fecha: ese d\xc3\xad" "a no existe "
                          "en el calendario");
    assert_contains(html, "country: &quot;XX&quot; no es un pa\xc3\xads de este sitio; "
                          "v\xc3\xa1lidos: GT (Guatemala), NI (Nicaragua), SV (El Salvador (ES))");
    assert_contains(html, "Sin resultados: corrija el filtro");
}
END_TEST

/* ---- items ---- */

/* The JSON-LD of an item page, parsed. */
static json_t *jsonld(const char *html)
{
    const char *open = "<script type=\"application/ld+json\">";
    const char *a = strstr(html, open), *e;
    ck_assert_ptr_nonnull(a);
    a += strlen(open);
    e = strstr(a, "</script>");
    ck_assert_ptr_nonnull(e);
    /* nothing in it can end the script early */
    ck_assert_ptr_null(memchr(a, '<', (size_t)(e - a)));
    return parse_json(a, (apr_size_t)(e - a));
}

/* docs/REFERENCE.md "Formats": schema.org Report with name, datePublished, spatialCoverage, url, inLanguage */
START_TEST(item_page_in_spanish_with_json_ld)
{
    const rc_item *it = item(ACTION);
    const char *html;
    json_t *ld, *places;

    es.here = "/" COL "/" ACTION;
    rc_html_item(&out, &es, col, it);
    html = output();
    assert_contains(html, "<html lang=\"es\">");
    assert_contains(html, "<h1>Acci\xc3\xb3n contra la corrupci\xc3\xb3n en &lt;Nicaragua&gt;</h1>");
    /* a plain string is the default language's text: in Spanish it is marked */
    assert_contains(html, "<dt>Fecha</dt><dd><time datetime=\"2022-03-09\">9 de marzo de 2022"
                          "</time></dd><dt>Pa\xc3\xadses</dt><dd><span lang=\"en\">Nicaragua</span></dd>"
                          "<dt>Tipo</dt><dd>"
                          "Acci\xc3\xb3n</dd>");
    assert_contains(html, "<h2>Documentos</h2>");
    assert_contains(html, "<a href=\"/rootcauses/assets/files/fact%20sheet.pdf\">Hoja informativa"
                          "</a> <span class=\"size\">(1,2 MB)</span>");
    assert_contains(html, "<td>Juez</td>");
    assert_contains(html, "<p class=\"breadcrumb\"><a href=\"/rootcauses/es/" COL "\">");
    assert_contains(html, "href=\"/rootcauses/es/" COL "/" ACTION ".json\"");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"en\" href=\"" ORIGIN "/rootcauses/"
                          COL "/" ACTION "\">");

    ld = jsonld(html);
    ck_assert_str_eq(json_string_value(json_object_get(ld, "@context")), "https://schema.org");
    ck_assert_str_eq(json_string_value(json_object_get(ld, "@type")), "Report");
    ck_assert_str_eq(json_string_value(json_object_get(ld, "name")),
                     "Acci\xc3\xb3n contra la corrupci\xc3\xb3n en <Nicaragua>");
    ck_assert_str_eq(json_string_value(json_object_get(ld, "datePublished")), "2022-03-09");
    places = json_object_get(ld, "spatialCoverage");
    ck_assert_uint_eq(json_array_size(places), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(places, 0), "@type")),
                     "Place");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(places, 0), "name")),
                     "Nicaragua");
    ck_assert_str_eq(json_string_value(json_object_get(ld, "url")),
                     ORIGIN "/rootcauses/es/" COL "/" ACTION);
    ck_assert_str_eq(json_string_value(json_object_get(ld, "inLanguage")), "es");
    json_decref(ld);
}
END_TEST

START_TEST(item_page_in_english_with_json_ld)
{
    const char *html;
    json_t *ld;

    en.here = "/" COL "/2021-list";
    rc_html_item(&out, &en, col, item("2021-list"));
    html = output();
    ld = jsonld(html);
    ck_assert_str_eq(json_string_value(json_object_get(ld, "name")), "List of actors");
    ck_assert_str_eq(json_string_value(json_object_get(ld, "datePublished")), "2021");
    ck_assert_uint_eq(json_array_size(json_object_get(ld, "spatialCoverage")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(ld, "spatialCoverage"), 2), "name")),
                     "El Salvador");
    ck_assert_str_eq(json_string_value(json_object_get(ld, "url")),
                     ORIGIN "/rootcauses/" COL "/2021-list");
    ck_assert_str_eq(json_string_value(json_object_get(ld, "inLanguage")), "en");
    json_decref(ld);
    assert_contains(html, "<time datetime=\"2021\">2021</time>");
}
END_TEST

START_TEST(json_in_spanish)
{
    rc_query *q = query(&es, "");
    json_t *j, *items;

    rc_json_listing(&out, &es, q, page_of(q));
    {
        const char *text = output();
        j = parse_json(text, strlen(text));
    }
    items = json_object_get(j, "items");
    ck_assert_uint_eq(json_array_size(items), 3);
    /* a fallback in JSON is the default language's string, unmarked */
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "title")),
                     "English only");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 1), "title")),
                     "Acci\xc3\xb3n contra la corrupci\xc3\xb3n en <Nicaragua>");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 1), "url")),
                     "/rootcauses/es/" COL "/" ACTION);
    /* kinds and countries are codes, in every language */
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 1), "kind")),
                     "action");
    ck_assert_int_eq(json_integer_value(json_object_get(
                         json_object_get(json_object_get(j, "facets"), "country"), "NI")),
                     2);
    json_decref(j);

    rc_json_item(&out, &es, col, item(ACTION));
    {
        const char *text = output();
        json_t *it = parse_json(text, strlen(text));
        ck_assert_str_eq(json_string_value(json_object_get(
                             json_array_get(json_object_get(it, "documents"), 0), "title")),
                         "Hoja informativa");
        ck_assert_str_eq(json_string_value(json_object_get(
                             json_array_get(json_object_get(it, "persons"), 0), "position")),
                         "Juez");
        json_decref(it);
    }
}
END_TEST

/* ---- pages and errors ---- */

START_TEST(pages_in_each_language)
{
    const char *html;

    es.here = "/";
    rc_html_page(&out, &es, &data->pages[0]);
    html = output();
    assert_contains(html, "<title>Panorama general \xe2\x80\x93 Causas de fondo</title>");
    assert_contains(html, "<h1>Panorama general</h1>\n<div class=\"page-body\">\n"
                          "<p>Bienvenidos.</p>\n</div>");
    assert_contains(html, "<a href=\"/rootcauses/es/\" aria-current=\"page\">Panorama</a>");

    en.here = "/";
    rc_html_page(&out, &en, &data->pages[0]);
    html = output();
    assert_contains(html, "<h1>Overview</h1>\n<div class=\"page-body\">\n<p>Welcome.</p>\n</div>");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"es\" href=\"" ORIGIN
                          "/rootcauses/es/\">");

    /* no Spanish title nor file: the English ones, marked */
    es.here = "/about";
    rc_html_page(&out, &es, &data->pages[1]);
    html = output();
    assert_contains(html, "<title>About \xe2\x80\x93 Causas de fondo</title>");
    assert_contains(html, "<h1><span lang=\"en\">About</span></h1>\n"
                          "<div class=\"page-body\" lang=\"en\">\n<p>About this site.</p>\n</div>");
}
END_TEST

START_TEST(error_pages_in_spanish)
{
    const char *html;

    rc_html_error(&out, &es, 404, es.m->not_found_text);
    html = output();
    assert_contains(html, "<html lang=\"es\">");
    assert_contains(html, "<h1>P\xc3\xa1gina no encontrada</h1>");
    assert_contains(html, "No hay ninguna p\xc3\xa1gina en esta direcci\xc3\xb3n.");
    assert_contains(html, "<a href=\"/rootcauses/es/\">Ir al panorama general</a>");
    rc_html_error(&out, &es, 400, "x");
    assert_contains(output(), "<h1>Solicitud incorrecta</h1>");
    rc_html_error(&out, &es, 503, es.m->unavailable_text);
    assert_contains(output(), "<h1>Servicio no disponible</h1>");
}
END_TEST

/* ---- Atom ---- */

static const char *atom(const rc_site *s, const char *args)
{
    rc_query *q = query(s, args);
    const char *xml;
    rc_atom_listing(&out, s, col, q, rc_filter_run(pool, data, col, q, 0, 0, RC_ATOM_ENTRIES));
    xml = output();
    check_xml("the feed", xml);
    return xml;
}

/* docs/REFERENCE.md "Formats": the feed's title names the collection and the filter in words, in its language */
START_TEST(atom_titles_name_the_filter_in_words)
{
    const char *xml = atom(&en, "country=GT&from=2021");
    assert_contains(xml, "<title>Section 353 Reports and Actions: Guatemala, from 2021</title>");
    xml = atom(&es, "country=GT&from=2021");
    assert_contains(xml, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"es\">");
    assert_contains(xml, "<title>Informes y acciones de la Secci\xc3\xb3n 353: Guatemala, "
                         "desde 2021</title>");

    xml = atom(&en, "kind=action,list&to=2022-07&q=corrup&country=sv,ni");
    assert_contains(xml, "<title>Section 353 Reports and Actions: Nicaragua, El Salvador, to "
                         "2022-07, kind: Action, List, matching \xe2\x80\x9c" "corrup"
                         "\xe2\x80\x9d</title>");
    xml = atom(&es, "kind=action,list&to=2022-07&q=corrup&country=sv,ni");
    assert_contains(xml, "<title>Informes y acciones de la Secci\xc3\xb3n 353: Nicaragua, "
                         "El Salvador (ES), hasta 2022-07, tipo: Acci\xc3\xb3n, Lista, que "
                         "contienen \xc2\xab" "corrup\xc2\xbb</title>");
    /* no filter: the collection alone */
    xml = atom(&es, "sort=date&page=3");
    assert_contains(xml, "<title>Informes y acciones de la Secci\xc3\xb3n 353</title>");
    /* entries: Spanish texts, links under B/es/, a fallback as the English text */
    assert_contains(xml, "<title>English only</title>");
    assert_contains(xml, "<id>" ORIGIN "/rootcauses/es/" COL "/" ACTION "</id>");
    assert_contains(xml, "<title>Acci\xc3\xb3n contra la corrupci\xc3\xb3n en &lt;Nicaragua&gt;"
                         "</title>");
    assert_contains(xml, "<link rel=\"self\" type=\"application/atom+xml\" href=\"" ORIGIN
                         "/rootcauses/es/" COL ".atom?sort=date\"/>");
    /* a q with markup is escaped in the title */
    xml = atom(&en, "q=%3Cb%3E+%26");
    assert_contains(xml, "matching \xe2\x80\x9c&lt;b&gt; &amp;\xe2\x80\x9d</title>");
}
END_TEST

/* ---- CSV ---- */

static const char *filename(const rc_site *s, const char *args)
{
    const char *name = rc_csv_filename(pool, s, col, query(s, args));
    ck_assert_msg(strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") == strlen(name),
                  "\"%s\": %s", args, name);
    return name;
}

/* docs/REFERENCE.md "Formats": the download names the collection and the filter, in ASCII letters, digits, '-' */
START_TEST(csv_file_names)
{
    ck_assert_str_eq(filename(&en, ""), "section-353.csv");
    ck_assert_str_eq(filename(&en, "country=GT&from=2021"), "section-353-gt-from-2021.csv");
    ck_assert_str_eq(filename(&es, "country=GT&from=2021"), "section-353-es-gt-from-2021.csv");
    ck_assert_str_eq(filename(&en, "country=sv,guatemala&to=2022-07&kind=action&q=P%C3%A9rez+x"
                                   "&sort=date&page=2"),
                     "section-353-gt-sv-to-2022-07-action-q-perez-x.csv");
    ck_assert_str_eq(filename(&en, "from=2021-03-09&to=2022"),
                     "section-353-from-2021-03-09-to-2022.csv");
    /* words that have no ASCII letter leave nothing */
    ck_assert_str_eq(filename(&en, "q=%E4%B8%AD%E6%96%87"), "section-353-q.csv");
    ck_assert_str_eq(filename(&en, "q=%E2%80%94"), "section-353.csv");
}
END_TEST

START_TEST(csv_in_spanish)
{
    rc_csv_listing(&out, &es, col, query(&es, "sort=date"));
    ck_assert_str_eq(output(), "id,date,title,countries,kind,url\r\n"
                               "2021-list,2021,Lista de actores,GT;NI;SV,list,"
                               "/rootcauses/es/" COL "/2021-list\r\n"
                               ACTION ",2022-03-09,Acci\xc3\xb3n contra la corrupci\xc3\xb3n en "
                               "<Nicaragua>,NI,action,/rootcauses/es/" COL "/" ACTION "\r\n"
                               "2022-07-report,2022-07,English only,GT;SV,report,"
                               "/rootcauses/es/" COL "/2022-07-report\r\n");
}
END_TEST

/* docs/REFERENCE.md "Formats": a cell that starts with = + - @, a tab or a carriage return gets a ' */
START_TEST(csv_cells_starting_with_tab_or_cr_are_defused)
{
    static const char json[] =
        "{\"title\":\"T\",\"countries\":[{\"code\":\"GT\",\"name\":\"G\"}],"
        "\"pages\":[{\"slug\":\"index\",\"title\":\"H\",\"file\":\"i\"}],"
        "\"collections\":[{\"slug\":\"t\",\"title\":\"T\",\"items\":["
        "{\"id\":\"a\",\"title\":\"\\tTab\",\"date\":\"2024\",\"countries\":[\"GT\"]},"
        "{\"id\":\"b\",\"title\":\"\\rReturn\",\"date\":\"2023\",\"countries\":[\"GT\"]},"
        "{\"id\":\"c\",\"title\":\"\\r\\n=1+2\",\"date\":\"2022\",\"countries\":[\"GT\"]},"
        "{\"id\":\"d\",\"title\":\"x\\ty\",\"date\":\"2021\",\"countries\":[\"GT\"]}]}]}";
    rc_data *d;
    rc_site s;
    const char *err = rc_test_load(pool, "t.json", json, sizeof(json) - 1, &d);

    ck_assert_msg(err == NULL, "%s", err);
    rc_site_set(pool, &s, d, rc_layout_builtin(pool), &base, 0, ORIGIN);
    rc_csv_listing(&out, &s, &d->collections[0],
                   rc_query_parse(pool, d, &d->collections[0], NULL, 20, s.m));
    ck_assert_str_eq(output(), "id,date,title,countries,kind,url\r\n"
                               "a,2024,'\tTab,GT,,/rootcauses/t/a\r\n"
                               "b,2023,\"'\rReturn\",GT,,/rootcauses/t/b\r\n"
                               "c,2022,\"'\r\n=1+2\",GT,,/rootcauses/t/c\r\n"
                               "d,2021,x\ty,GT,,/rootcauses/t/d\r\n");
}
END_TEST

/* ---- sitemap and OpenAPI ---- */

START_TEST(sitemap_lists_everything_in_every_language)
{
    const char *xml;
    int urls = 0;

    ck_assert_int_eq(rc_sitemap_parts(data), 0);
    rc_sitemap(&out, &en, 0);
    xml = output();
    check_xml("the sitemap", xml);
    for (const char *at = strstr(xml, "<url>"); at; at = strstr(at + 1, "<url>"))
        urls++;
    /* (2 pages + 1 listing + 3 items) x 2 languages */
    ck_assert_int_eq(urls, 12);
    assert_contains(xml, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                         "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">");
    assert_contains(xml, "<url><loc>" ORIGIN "/rootcauses/</loc><lastmod>");
    assert_contains(xml, "<url><loc>" ORIGIN "/rootcauses/es/</loc><lastmod>");
    assert_contains(xml, "<loc>" ORIGIN "/rootcauses/es/" COL "/2021-list</loc>");
    assert_contains(xml, "<xhtml:link rel=\"alternate\" hreflang=\"es\" href=\"" ORIGIN
                         "/rootcauses/es/" COL "\"/>");
    assert_contains(xml, "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"" ORIGIN
                         "/rootcauses/about\"/>");
    assert_contains(xml, "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"" ORIGIN
                         "/rootcauses/" COL "/" ACTION "\"/>");
    ck_assert_ptr_nonnull(strstr(xml, "</lastmod>"));
    {
        /* lastmod is a W3C date-time in UTC */
        const char *lm = strstr(xml, "<lastmod>") + 9;
        ck_assert_int_eq(lm[4], '-');
        ck_assert_int_eq(lm[10], 'T');
        ck_assert_int_eq(lm[19], 'Z');
    }
}
END_TEST

/* More addresses than one sitemap may list (50000): an index of parts that list each address
 * once, none more than 50000. */
START_TEST(sitemap_in_parts)
{
    apr_array_header_t *parts = apr_array_make(pool, 30000, sizeof(const char *));
    const char *json, *err, *xml;
    rc_data *big;
    rc_site s;
    apr_hash_t *seen = apr_hash_make(pool);
    int n = 25100, nparts, total = 0;

    APR_ARRAY_PUSH(parts, const char *) =
        "{\"languages\":[\"en\",\"es\"],\"title\":\"T\","
        "\"countries\":[{\"code\":\"GT\",\"name\":\"G\"}],"
        "\"pages\":[{\"slug\":\"index\",\"title\":\"H\",\"file\":\"i\"},"
        "{\"slug\":\"about\",\"title\":\"A\",\"file\":\"a\"}],"
        "\"collections\":[{\"slug\":\"a\",\"title\":\"A\",\"items\":[";
    for (int i = 0; i < n; i++)
        APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(
            pool, "%s{\"id\":\"i%d\",\"title\":\"x\",\"date\":\"2020\",\"countries\":[\"GT\"]}%s",
            i == n / 2 ? "]},{\"slug\":\"b\",\"title\":\"B\",\"items\":[" : i ? "," : "", i, "");
    APR_ARRAY_PUSH(parts, const char *) = "]}]}";
    json = apr_array_pstrcat(pool, parts, 0);
    err = rc_test_load(pool, "big.json", json, strlen(json), &big);
    ck_assert_msg(err == NULL, "%s", err);
    rc_site_set(pool, &s, big, rc_layout_builtin(pool), &base, 0, ORIGIN);

    /* 2 pages + 2 listings + 25100 items, in 2 languages: 50208 addresses */
    nparts = rc_sitemap_parts(big);
    ck_assert_int_eq(nparts, 2);
    rc_sitemap(&out, &s, 0);
    xml = output();
    check_xml("the sitemap index", xml);
    assert_contains(xml, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    assert_contains(xml, "<sitemap><loc>" ORIGIN "/rootcauses/sitemap.xml?part=1</loc>");
    assert_contains(xml, "<sitemap><loc>" ORIGIN "/rootcauses/sitemap.xml?part=2</loc>");
    assert_lacks(xml, "part=3");
    for (int part = 1; part <= nparts; part++) {
        const char *at, *stop;
        int urls = 0;
        rc_sitemap(&out, &s, part);
        xml = output();
        check_xml("a part of the sitemap", xml);
        /* (memchr and memcmp, not strstr: AddressSanitizer's strstr measures the whole
         * haystack at every call) */
        at = xml;
        stop = xml + strlen(xml);
        while ((at = memchr(at, '<', (size_t)(stop - at))) != NULL) {
            const char *loc = at + 10, *end, *key;
            if ((size_t)(stop - at) < 10 || memcmp(at, "<url><loc>", 10)) {
                at++;
                continue;
            }
            end = memchr(loc, '<', (size_t)(stop - loc));
            at = end;
            key = apr_pstrndup(pool, loc, (apr_size_t)(end - loc));
            ck_assert_msg(!apr_hash_get(seen, key, APR_HASH_KEY_STRING), "%s twice", key);
            apr_hash_set(seen, key, APR_HASH_KEY_STRING, "");
            urls++;
        }
        ck_assert_int_le(urls, RC_SITEMAP_URLS);
        total += urls;
    }
    ck_assert_int_eq(total, (2 + 2 + n) * 2);
    ck_assert_ptr_nonnull(apr_hash_get(seen, ORIGIN "/rootcauses/es/b/i25099", APR_HASH_KEY_STRING));
    ck_assert_ptr_nonnull(apr_hash_get(seen, ORIGIN "/rootcauses/a/i0", APR_HASH_KEY_STRING));
    ck_assert_ptr_nonnull(apr_hash_get(seen, ORIGIN "/rootcauses/es/", APR_HASH_KEY_STRING));
}
END_TEST

START_TEST(openapi_describes_this_data)
{
    const char *text;
    json_t *doc, *schemas, *e;

    rc_openapi(&out, &en);
    text = output();
    doc = parse_json(text, strlen(text));
    ck_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "info"), "title")),
                     "Root Causes API");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(doc, "servers"), 0), "url")),
                     ORIGIN "/rootcauses");
    schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    e = json_object_get(json_object_get(schemas, "CountryCode"), "enum");
    ck_assert_uint_eq(json_array_size(e), 3);
    ck_assert_str_eq(json_string_value(json_array_get(e, 0)), "GT");
    ck_assert_str_eq(json_string_value(json_array_get(e, 2)), "SV");
    e = json_object_get(json_object_get(schemas, "Collection"), "enum");
    ck_assert_uint_eq(json_array_size(e), 1);
    ck_assert_str_eq(json_string_value(json_array_get(e, 0)), COL);
    e = json_object_get(json_object_get(schemas, "Kind"), "enum");
    ck_assert_uint_eq(json_array_size(e), 3);
    ck_assert_str_eq(json_string_value(json_array_get(e, 0)), "action");
    ck_assert_ptr_nonnull(json_object_get(json_object_get(doc, "paths"), "/{collection}.json"));
    ck_assert_ptr_nonnull(json_object_get(json_object_get(doc, "paths"), "/{collection}.csv"));
    ck_assert_ptr_nonnull(json_object_get(json_object_get(doc, "paths"), "/{collection}.atom"));
    ck_assert_ptr_nonnull(
        json_object_get(json_object_get(doc, "paths"), "/{collection}/{id}.json"));
    /* the other language's paths under a literal prefix (a /{lang} template would make
     * /{lang}/{collection}.json and /{collection}/{id}.json ambiguous) */
    ck_assert_ptr_nonnull(json_object_get(json_object_get(doc, "paths"), "/es/{collection}.json"));
    ck_assert_ptr_nonnull(
        json_object_get(json_object_get(doc, "paths"), "/es/{collection}/{id}.json"));
    ck_assert_ptr_null(json_object_get(json_object_get(doc, "paths"), "/{lang}/{collection}.json"));
    ck_assert_ptr_null(json_object_get(
        json_object_get(json_object_get(doc, "components"), "parameters"), "lang"));
    json_decref(doc);
}
END_TEST

Suite *rc_render_es_suite(void)
{
    Suite *s = suite_create("rc_render in two languages");
    TCase *tc;

    tc = tcase_create("html");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, listing_in_spanish);
    tcase_add_test(tc, fallbacks_are_marked_with_their_language);
    tcase_add_test(tc, language_switch_and_alternates);
    tcase_add_test(tc, robots_and_canonical_on_filtered_and_paged_listings);
    tcase_add_test(tc, listing_errors_in_spanish);
    tcase_add_test(tc, item_page_in_spanish_with_json_ld);
    tcase_add_test(tc, item_page_in_english_with_json_ld);
    tcase_add_test(tc, pages_in_each_language);
    tcase_add_test(tc, error_pages_in_spanish);
    suite_add_tcase(s, tc);

    tc = tcase_create("formats");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, json_in_spanish);
    tcase_add_test(tc, atom_titles_name_the_filter_in_words);
    tcase_add_test(tc, csv_file_names);
    tcase_add_test(tc, csv_in_spanish);
    tcase_add_test(tc, csv_cells_starting_with_tab_or_cr_are_defused);
    tcase_add_test(tc, sitemap_lists_everything_in_every_language);
    tcase_add_test(tc, openapi_describes_this_data);
    suite_add_tcase(s, tc);

    tc = tcase_create("sitemap parts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sitemap_in_parts);
    suite_add_tcase(s, tc);

    return s;
}
