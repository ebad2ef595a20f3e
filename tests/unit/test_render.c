/* Unit tests for the writers (docs/REFERENCE.md "Formats": everything from the data or the request
 * escaped for its context) and for rc_layout. Output goes to a brigade that each test flattens. */

#include <stdlib.h>
#include <string.h>

#include <apr_buckets.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <jansson.h>

#include "test_rc.h"
#include "rc_data.h"
#include "rc_filter.h"
#include "rc_layout.h"
#include "rc_query.h"
#include "rc_render.h"

static apr_pool_t *pool;
static rc_data *data;
static const rc_collection *reports;
static rc_base base;
static rc_site site;
static rc_out out;

/* Newest first: q1 2022-07, f2 2021-03-09, f1 2021, f3 2020-05, f4 2020-01, plain 2019. */
static const char data_json[] =
    "{\"title\": \"Root & Causes\","
    " \"countries\": [{\"code\": \"GT\", \"name\": \"Guatemala\"},"
    "                {\"code\": \"SV\", \"name\": \"El Salvador\"},"
    "                {\"code\": \"TT\", \"name\": \"Trinidad & <Tobago>\"}],"
    " \"pages\": [{\"slug\": \"index\", \"title\": \"Home\", \"file\": \"index.html\"},"
    "   {\"slug\": \"about\", \"title\": \"About <us> & \\\"them\\\"\", \"file\": \"about.html\"}],"
    " \"collections\": ["
    "  {\"slug\": \"reports\", \"title\": \"Reports <to> Congress\", \"items\": ["
    "    {\"id\": \"q1\", \"title\": \"A \\\"quoted\\\", <b>bold</b> & co\\nline\","
    "     \"date\": \"2022-07\", \"countries\": [\"GT\", \"SV\"], \"kind\": \"report-to-congress\","
    "     \"summary\": \"<script>alert(1)</script> & 'x'\","
    "     \"source\": \"https://example.org/a?b=1&c=2\","
    "     \"documents\": [{\"title\": \"Doc <b>\", \"href\": \"files/a b.pdf\", \"bytes\": 204800},"
    "                    {\"title\": \"Ext\", \"href\": \"https://example.org/x.pdf\","
    "                     \"bytes\": 1572864},"
    "                    {\"title\": \"Zero\", \"href\": \"z.pdf\", \"bytes\": 0},"
    "                    {\"title\": \"One\", \"href\": \"o.pdf\", \"bytes\": 1},"
    "                    {\"title\": \"NoSize\", \"href\": \"n.pdf\"}],"
    "     \"persons\": [{\"name\": \"<script>P\\u00e9rez</script>\", \"country\": \"GT\","
    "                   \"position\": \"\\\"Judge\\\"\"}]},"
    "    {\"id\": \"f1\", \"title\": \"=HYPERLINK(\\\"http://evil\\\")\", \"date\": \"2021\","
    "     \"countries\": [\"SV\"]},"
    "    {\"id\": \"f2\", \"title\": \"+1\", \"date\": \"2021-03-09\", \"countries\": [\"SV\"]},"
    "    {\"id\": \"f3\", \"title\": \"-2\", \"date\": \"2020-05\", \"countries\": [\"GT\"]},"
    "    {\"id\": \"f4\", \"title\": \"@SUM(A1)\", \"date\": \"2020-01\","
    "     \"countries\": [\"GT\", \"TT\"]},"
    "    {\"id\": \"plain\", \"title\": \"Plain title\", \"date\": \"2019\","
    "     \"countries\": [\"GT\"], \"kind\": \"action\"}]}]}";

static void setup(void)
{
    const char *err;
    apr_bucket_alloc_t *ba;

    apr_pool_create(&pool, NULL);
    err = rc_test_load(pool, "render.json", data_json, sizeof(data_json) - 1, &data);
    ck_assert_msg(err == NULL, "%s", err);
    reports = &data->collections[0];
    rc_base_init(pool, &base, "/rootcauses/");
    rc_site_set(pool, &site, data, rc_layout_builtin(pool), &base, 0, "http://example.org:8080");
    ba = apr_bucket_alloc_create(pool);
    rc_out_init(&out, apr_brigade_create(pool, ba), pool);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* Everything written so far, as a string; the brigade is emptied. */
static const char *output(void)
{
    char *s;
    apr_size_t n;

    rc_out_finish(&out);  /* the chunk being filled goes into the brigade */
    ck_assert_int_eq(apr_brigade_pflatten(out.bb, &s, &n, pool), APR_SUCCESS);
    apr_brigade_cleanup(out.bb);
    return apr_pstrmemdup(pool, s, n);
}

static rc_query *query(const char *args)
{
    return rc_query_parse(pool, data, reports, args, 20, rc_msgs_for("en"));
}

static rc_result *run(const rc_query *q, int sort_asc, apr_int64_t first, int count)
{
    return rc_filter_run(pool, data, reports, q, sort_asc, first, count);
}

/* The page slice the glue asks for. */
static rc_result *run_page(const rc_query *q)
{
    return run(q, -1, (q->page - 1) * q->per_page, q->per_page);
}

#define assert_contains(hay, needle)                                                               \
    ck_assert_msg(strstr(hay, needle) != NULL, "output lacks: %s\n--- output:\n%s", needle, hay)
#define assert_starts_with(hay, prefix)                                                            \
    ck_assert_msg(strncmp(hay, prefix, strlen(prefix)) == 0,                                       \
                  "output does not start with: %s\n"                                               \
                  "--- output:\n%s",                                                               \
                  prefix, hay)
#define assert_lacks(hay, needle)                                                                  \
    ck_assert_msg(strstr(hay, needle) == NULL, "output has: %s\n--- output:\n%s", needle, hay)

static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *at = strstr(hay, needle); at; at = strstr(at + 1, needle))
        n++;
    return n;
}

/* No markup from the data survives: every '<' in the output opens one of our own tags. The only
 * script is an item page's JSON-LD, whose strings cannot end it. */
static void assert_no_data_markup(const char *html)
{
    int jsonld = occurrences(html, "<script type=\"application/ld+json\">");
    ck_assert_msg(occurrences(html, "<script") == jsonld, "a <script from the data:\n%s", html);
    ck_assert_msg(occurrences(html, "</script") == jsonld, "a </script from the data:\n%s", html);
    assert_lacks(html, "<b>");
    assert_lacks(html, "<us>");
    assert_lacks(html, "<to>");
    assert_lacks(html, "<Tobago>");
    assert_lacks(html, "\"them\"");
    assert_lacks(html, "\"quoted\"");
    assert_lacks(html, "\"Judge\"");
}

/* ---- site ---- */

START_TEST(base_init_escapes_the_mount_point)
{
    rc_base b2;
    rc_site s2;

    ck_assert_str_eq(base.url, "/rootcauses");
    ck_assert_str_eq(base.html, "/rootcauses");
    ck_assert_str_eq(base.json, "/rootcauses");
    ck_assert_int_eq(base.csv_plain, 1);
    ck_assert_str_eq(site.origin, "http://example.org:8080");
    ck_assert_str_eq(site.home_url, "/rootcauses");
    ck_assert_str_eq(site.home_html, "/rootcauses");
    ck_assert_int_eq(site.lang, 0);
    ck_assert_str_eq(site.m->code, "en");

    rc_base_init(pool, &b2, "/root causes/\"x\"&<y>//");
    ck_assert_str_eq(b2.url, "/root%20causes/%22x%22%26%3Cy%3E");
    ck_assert_str_eq(b2.html, "/root%20causes/%22x%22%26%3Cy%3E");
    rc_site_set(pool, &s2, data, site.layout, &b2, 0, NULL);
    ck_assert_str_eq(s2.origin, "");
    ck_assert_str_eq(s2.home_url, b2.url);

    rc_base_init(pool, &b2, "/");
    ck_assert_str_eq(b2.url, "");
    /* a comma is %-encoded in the path, so URLs need no CSV quoting */
    rc_base_init(pool, &b2, "/a,b");
    ck_assert_str_eq(b2.url, "/a%2Cb");
    ck_assert_int_eq(b2.csv_plain, 1);
}
END_TEST

/* ---- human forms ---- */

START_TEST(human_sizes)
{
    const rc_msgs *en = rc_msgs_for("en");
    ck_assert_str_eq(rc_size_text(pool, en, 0), "0 bytes");
    ck_assert_str_eq(rc_size_text(pool, en, 1), "1 byte");
    ck_assert_str_eq(rc_size_text(pool, en, 2), "2 bytes");
    ck_assert_str_eq(rc_size_text(pool, en, 1023), "1023 bytes");
    ck_assert_str_eq(rc_size_text(pool, en, 1024), "1 KB");
    ck_assert_str_eq(rc_size_text(pool, en, 204800), "200 KB");
    ck_assert_str_eq(rc_size_text(pool, en, 1572864), "1.5 MB");
    ck_assert_str_eq(rc_size_text(pool, en, 1258291), "1.2 MB");
    ck_assert_str_eq(rc_size_text(pool, en, APR_INT64_C(3221225472)), "3.0 GB");
    /* the largest size a data file may give */
    ck_assert_str_eq(rc_size_text(pool, en, APR_INT64_C(9007199254740992)), "8388608.0 GB");
}
END_TEST

START_TEST(human_kinds)
{
    ck_assert_str_eq(rc_kind_text(pool, "report-to-congress"), "Report to congress");
    ck_assert_str_eq(rc_kind_text(pool, "action"), "Action");
    ck_assert_str_eq(rc_kind_text(pool, "a"), "A");
    ck_assert_str_eq(rc_kind_text(pool, "353-action"), "353 action");
}
END_TEST

/* ---- CSV ---- */

START_TEST(csv_listing_quotes_and_defuses_formulas)
{
    rc_query *q = query("");
    rc_csv_listing(&out, &site, reports, q);
    ck_assert_str_eq(output(),
                     "id,date,title,countries,kind,url\r\n"
                     "q1,2022-07,\"A \"\"quoted\"\", <b>bold</b> & co\nline\",GT;SV,"
                     "report-to-congress,/rootcauses/reports/q1\r\n"
                     "f2,2021-03-09,'+1,SV,,/rootcauses/reports/f2\r\n"
                     "f1,2021,\"'=HYPERLINK(\"\"http://evil\"\")\",SV,,/rootcauses/reports/f1\r\n"
                     "f3,2020-05,'-2,GT,,/rootcauses/reports/f3\r\n"
                     "f4,2020-01,'@SUM(A1),GT;TT,,/rootcauses/reports/f4\r\n"
                     "plain,2019,Plain title,GT,action,/rootcauses/reports/plain\r\n");
}
END_TEST

START_TEST(csv_listing_follows_filter_and_sort)
{
    rc_query *q = query("sort=date&country=TT,SV&page=2&per_page=1");
    rc_csv_listing(&out, &site, reports, q);
    ck_assert_str_eq(output(), "id,date,title,countries,kind,url\r\n"
                               "f4,2020-01,'@SUM(A1),GT;TT,,/rootcauses/reports/f4\r\n"
                               "f1,2021,\"'=HYPERLINK(\"\"http://evil\"\")\",SV,,"
                               "/rootcauses/reports/f1\r\n"
                               "f2,2021-03-09,'+1,SV,,/rootcauses/reports/f2\r\n"
                               "q1,2022-07,\"A \"\"quoted\"\", <b>bold</b> & co\nline\",GT;SV,"
                               "report-to-congress,/rootcauses/reports/q1\r\n");
}
END_TEST

START_TEST(csv_listing_with_no_match_is_the_header)
{
    rc_csv_listing(&out, &site, reports, query("from=2030"));
    ck_assert_str_eq(output(), "id,date,title,countries,kind,url\r\n");
}
END_TEST

/* ---- JSON ---- */

static json_t *parse_json(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    ck_assert_msg(j != NULL, "not JSON (%s at %d:%d): %s", err.text, err.line, err.column, text);
    return j;
}

/* j equals the JSON text expected (order of keys aside). */
static void assert_json_eq(json_t *j, const char *expected)
{
    json_t *e = parse_json(expected);
    char *got = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    int same = json_equal(j, e);
    if (!same) {
        const char *copy = apr_pstrdup(pool, got);
        free(got);
        json_decref(e);
        ck_abort_msg("JSON differs:\n got      %s\n expected %s", copy, expected);
    }
    free(got);
    json_decref(e);
}

START_TEST(json_listing_envelope_and_facets)
{
    rc_query *q = query("per_page=2&page=2");
    const char *text;
    json_t *j;

    rc_json_listing(&out, &site, q, run_page(q));
    text = output();
    ck_assert_int_eq(text[strlen(text) - 1], '\n');
    /* the envelope's members in the order of REFERENCE.md "Formats" */
    assert_starts_with(text, "{\"total\":6,\"page\":2,\"per_page\":2,\"pages\":3,\"items\":[");
    assert_contains(text, "],\"facets\":{\"country\":{\"GT\":4,\"SV\":3,\"TT\":1},"
                          "\"year\":{\"2022\":1,\"2021\":2,\"2020\":2,\"2019\":1}}}\n");
    j = parse_json(text);
    assert_json_eq(j,
                   "{\"total\":6,\"page\":2,\"per_page\":2,\"pages\":3,\"items\":["
                   "{\"id\":\"f1\",\"title\":\"=HYPERLINK(\\\"http://evil\\\")\","
                   "\"date\":\"2021\",\"countries\":[\"SV\"],\"url\":\"/rootcauses/reports/f1\"},"
                   "{\"id\":\"f3\",\"title\":\"-2\",\"date\":\"2020-05\",\"countries\":[\"GT\"],"
                   "\"url\":\"/rootcauses/reports/f3\"}],"
                   "\"facets\":{\"country\":{\"GT\":4,\"SV\":3,\"TT\":1},"
                   "\"year\":{\"2022\":1,\"2021\":2,\"2020\":2,\"2019\":1}}}");
    json_decref(j);
}
END_TEST

START_TEST(json_listing_item_carries_every_field)
{
    rc_query *q = query("per_page=1");
    json_t *j;

    rc_json_listing(&out, &site, q, run_page(q));
    j = parse_json(output());
    assert_json_eq(
        json_array_get(json_object_get(j, "items"), 0),
        "{\"id\":\"q1\",\"title\":\"A \\\"quoted\\\", <b>bold</b> & co\\nline\","
        "\"date\":\"2022-07\",\"countries\":[\"GT\",\"SV\"],"
        "\"url\":\"/rootcauses/reports/q1\",\"kind\":\"report-to-congress\","
        "\"summary\":\"<script>alert(1)</script> & 'x'\","
        "\"source\":\"https://example.org/a?b=1&c=2\","
        "\"documents\":[{\"title\":\"Doc <b>\",\"href\":\"files/a b.pdf\",\"bytes\":204800},"
        "{\"title\":\"Ext\",\"href\":\"https://example.org/x.pdf\",\"bytes\":1572864},"
        "{\"title\":\"Zero\",\"href\":\"z.pdf\",\"bytes\":0},"
        "{\"title\":\"One\",\"href\":\"o.pdf\",\"bytes\":1},"
        "{\"title\":\"NoSize\",\"href\":\"n.pdf\"}],"
        "\"persons\":[{\"name\":\"<script>P\xc3\xa9rez</script>\",\"country\":\"GT\","
        "\"position\":\"\\\"Judge\\\"\"}]}");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "pages")), 6);
    json_decref(j);
}
END_TEST

START_TEST(json_listing_facets_follow_the_filter)
{
    rc_query *q = query("country=TT&from=2021");
    json_t *j;

    rc_json_listing(&out, &site, q, run_page(q));
    j = parse_json(output());
    /* country counts ignore country (from=2021: q1, f1, f2); years ignore from (TT: f4) */
    assert_json_eq(j, "{\"total\":0,\"page\":1,\"per_page\":20,\"pages\":0,\"items\":[],"
                      "\"facets\":{\"country\":{\"GT\":1,\"SV\":3,\"TT\":0},"
                      "\"year\":{\"2020\":1}}}");
    json_decref(j);
}
END_TEST

START_TEST(json_listing_past_the_last_page)
{
    rc_query *q = query("per_page=2&page=9");
    rc_json_listing(&out, &site, q, run_page(q));
    ck_assert_str_eq(output(), "{\"total\":6,\"page\":9,\"per_page\":2,\"pages\":3,\"items\":[],"
                               "\"facets\":{\"country\":{\"GT\":4,\"SV\":3,\"TT\":1},"
                               "\"year\":{\"2022\":1,\"2021\":2,\"2020\":2,\"2019\":1}}}\n");
}
END_TEST

START_TEST(json_item_is_the_listing_object)
{
    rc_query *q = query("per_page=1");
    json_t *listing, *item;

    rc_json_listing(&out, &site, q, run_page(q));
    listing = parse_json(output());
    rc_json_item(&out, &site, reports, &reports->items[0]);
    item = parse_json(output());
    ck_assert(json_equal(item, json_array_get(json_object_get(listing, "items"), 0)));
    json_decref(item);
    json_decref(listing);
}
END_TEST

START_TEST(json_error_shape)
{
    rc_json_error(&out, 400, "from", "from: \"2021-02-30\" is not a date");
    ck_assert_str_eq(output(), "{\"error\":{\"status\":400,\"parameter\":\"from\","
                               "\"message\":\"from: \\\"2021-02-30\\\" is not a date\"}}\n");
    rc_json_error(&out, 404, NULL, "Not </script> found");
    {
        json_t *j = parse_json(output());
        assert_json_eq(j, "{\"error\":{\"status\":404,\"parameter\":null,"
                          "\"message\":\"Not </script> found\"}}");
        json_decref(j);
    }
}
END_TEST

/* ---- Atom ---- */

START_TEST(atom_listing_escapes_the_data)
{
    rc_query *q = query("country=GT&country=SV&per_page=1&sort=date");
    const char *xml;

    rc_atom_listing(&out, &site, reports, q, run(q, 0, 0, RC_ATOM_ENTRIES));
    xml = output();
    assert_starts_with(xml, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n");
    /* docs/REFERENCE.md "Formats": the collection and the filter in words (it was the collection and the site) */
    assert_contains(xml, "<title>Reports &lt;to&gt; Congress: Guatemala, El Salvador</title>");
    assert_contains(xml, "<link rel=\"self\" type=\"application/atom+xml\" "
                         "href=\"http://example.org:8080/rootcauses/reports.atom?country=GT&amp;"
                         "country=SV&amp;sort=date\"/>");
    assert_contains(xml, "<title>A &quot;quoted&quot;, &lt;b&gt;bold&lt;/b&gt; &amp; co&#10;line"
                         "</title>");
    assert_contains(xml, "<id>http://example.org:8080/rootcauses/reports/q1</id>");
    assert_contains(xml, "<link rel=\"alternate\" type=\"text/html\" "
                         "href=\"http://example.org:8080/rootcauses/reports/q1\"/>");
    assert_contains(xml, "<updated>2022-07-01T00:00:00Z</updated>");
    /* the feed's <updated> is its newest entry's, not a file's time */
    assert_contains(xml, "\"/>\n<updated>2022-07-01T00:00:00Z</updated>\n<author>");
    assert_contains(xml, "<summary>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;x&#39;"
                         "</summary>");
    assert_contains(xml, "<category term=\"TT\" label=\"Trinidad &amp; &lt;Tobago&gt;\"/>");
    assert_contains(xml, "<name>Root &amp; Causes</name>");
    assert_lacks(xml, "<script");
    assert_lacks(xml, "<b>");
    /* newest first whatever sort says, and every matching item (per_page ignored) */
    ck_assert_ptr_nonnull(strstr(xml, "reports/q1</id>"));
    ck_assert(strstr(xml, "reports/q1</id>") < strstr(xml, "reports/f2</id>"));
    ck_assert(strstr(xml, "reports/f2</id>") < strstr(xml, "reports/f1</id>"));
    ck_assert(strstr(xml, "reports/f1</id>") < strstr(xml, "reports/plain</id>"));
    ck_assert_int_eq(xml[strlen(xml) - 1], '\n');
    assert_contains(xml, "</feed>\n");
}
END_TEST

/* The feed's <updated> follows its content, never a file's time: the newest entry's; with no
 * entry the collection's newest item's; an empty collection's is the epoch. */
START_TEST(atom_updated_follows_the_content)
{
    static const char empty_json[] =
        "{\"title\": \"T\", \"countries\": [{\"code\": \"GT\", \"name\": \"G\"}],"
        " \"pages\": [{\"slug\": \"index\", \"title\": \"Home\", \"file\": \"index.html\"}],"
        " \"collections\": [{\"slug\": \"none\", \"title\": \"None\", \"items\": []}]}";
    rc_data *empty;
    rc_site es;
    rc_query *q = query("country=TT");
    const char *err;

    rc_atom_listing(&out, &site, reports, q, run(q, 0, 0, RC_ATOM_ENTRIES));
    assert_contains(output(), "\"/>\n<updated>2020-01-01T00:00:00Z</updated>\n<author>");
    q = query("q=nomatchzz");
    rc_atom_listing(&out, &site, reports, q, run(q, 0, 0, RC_ATOM_ENTRIES));
    assert_contains(output(), "\"/>\n<updated>2022-07-01T00:00:00Z</updated>\n<author>");

    err = rc_test_load(pool, "empty.json", empty_json, sizeof(empty_json) - 1, &empty);
    ck_assert_msg(err == NULL, "%s", err);
    rc_site_set(pool, &es, empty, rc_layout_builtin(pool), &base, 0, "http://example.org");
    q = rc_query_parse(pool, empty, &empty->collections[0], "", 20, rc_msgs_for("en"));
    rc_atom_listing(&out, &es, &empty->collections[0], q,
                    rc_filter_run(pool, empty, &empty->collections[0], q, 0, 0, RC_ATOM_ENTRIES));
    assert_contains(output(), "\"/>\n<updated>1970-01-01T00:00:00Z</updated>\n<author>");
}
END_TEST

/* ---- HTML ---- */

START_TEST(html_listing_escapes_the_data)
{
    rc_query *q = query("q=%3Cscript%3E%22x%22&country=TT");
    const char *html;

    rc_html_listing(&out, &site, reports, q, run_page(q));
    html = output();
    assert_no_data_markup(html);
    assert_contains(html, "<html lang=\"en\">");
    assert_contains(html, "Reports &lt;to&gt; Congress");
    assert_contains(html, "Trinidad &amp; &lt;Tobago&gt;");
    assert_contains(html, "value=\"&lt;script&gt;&quot;x&quot;\"");
    assert_contains(html, "Root &amp; Causes");
}
END_TEST

START_TEST(html_listing_rows_escape_titles_and_summaries)
{
    rc_query *q = query("per_page=1");
    const char *html;

    rc_html_listing(&out, &site, reports, q, run_page(q));
    html = output();
    assert_no_data_markup(html);
    assert_contains(html, "<a href=\"/rootcauses/reports/q1\">A &quot;quoted&quot;, "
                          "&lt;b&gt;bold&lt;/b&gt; &amp; co\nline</a>");
    assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;x&#39;");
    assert_contains(html, "<time datetime=\"2022-07\">July 2022</time>");
    assert_contains(html, "Guatemala, El Salvador");
    assert_contains(html, "Report to congress");
    /* links to the same filter in the other formats */
    assert_contains(html, "href=\"/rootcauses/reports.json\"");
    assert_contains(html, "href=\"/rootcauses/reports.csv\"");
    assert_contains(html, "href=\"/rootcauses/reports.atom\"");
    /* pagination carries per_page */
    assert_contains(html, "href=\"/rootcauses/reports?per_page=1&amp;page=2\"");
}
END_TEST

START_TEST(html_listing_with_errors_escapes_the_messages)
{
    rc_query *q = query("from=%3Cscript%3Ealert(1)%3C/script%3E&kind=%3Cb%3E");
    const char *html;

    ck_assert_int_eq(q->errors->nelts, 2);
    rc_html_listing(&out, &site, reports, q, NULL);
    html = output();
    assert_no_data_markup(html);
    assert_contains(html, "from: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; is not a "
                          "date");
    assert_contains(html, "kind: &quot;&lt;b&gt;&quot; is not a kind in Reports &lt;to&gt; "
                          "Congress; valid: action, report-to-congress");
    assert_contains(html, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"");
}
END_TEST

START_TEST(html_item_escapes_the_data)
{
    const char *html;

    rc_html_item(&out, &site, reports, &reports->items[0]);
    html = output();
    assert_no_data_markup(html);
    assert_contains(html, "<h1>A &quot;quoted&quot;, &lt;b&gt;bold&lt;/b&gt; &amp; co\nline</h1>");
    assert_contains(html, "<time datetime=\"2022-07\">July 2022</time>");
    assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;x&#39;");
    assert_contains(html, "&lt;script&gt;P\xc3\xa9rez&lt;/script&gt;");
    assert_contains(html, "&quot;Judge&quot;");
    assert_contains(html, "href=\"https://example.org/a?b=1&amp;c=2\"");
    assert_contains(html, "Report to congress");
    assert_contains(html, "Guatemala, El Salvador");
    assert_contains(html, "href=\"/rootcauses/reports/q1.json\"");
}
END_TEST

START_TEST(html_item_documents_with_sizes)
{
    const char *html;

    rc_html_item(&out, &site, reports, &reports->items[0]);
    html = output();
    assert_contains(html, "<a href=\"/rootcauses/assets/files/a%20b.pdf\">Doc &lt;b&gt;</a> "
                          "<span class=\"size\">(200 KB)</span>");
    assert_contains(html, "<a href=\"https://example.org/x.pdf\">Ext</a> "
                          "<span class=\"size\">(1.5 MB)</span>");
    assert_contains(html, "<a href=\"/rootcauses/assets/z.pdf\">Zero</a> "
                          "<span class=\"size\">(0 bytes)</span>");
    assert_contains(html, "<a href=\"/rootcauses/assets/o.pdf\">One</a> "
                          "<span class=\"size\">(1 byte)</span>");
    assert_contains(html, "<a href=\"/rootcauses/assets/n.pdf\">NoSize</a></li>");
}
END_TEST

START_TEST(html_page_escapes_the_title)
{
    const char *html;

    rc_html_page(&out, &site, &data->pages[1]);
    html = output();
    assert_no_data_markup(html);
    assert_contains(html, "<title>About &lt;us&gt; &amp; &quot;them&quot; – Root &amp; Causes"
                          "</title>");
    assert_contains(html, "<h1>About &lt;us&gt; &amp; &quot;them&quot;</h1>");
    assert_contains(html, "<a href=\"/rootcauses/about\" aria-current=\"page\">About &lt;us&gt; "
                          "&amp; &quot;them&quot;</a>");
    assert_contains(html, "<a href=\"/rootcauses/\">Home</a>");
    assert_contains(html, "<a href=\"/rootcauses/reports\">Reports &lt;to&gt; Congress</a>");
}
END_TEST

START_TEST(html_error_escapes_the_message)
{
    const char *html;

    rc_html_error(&out, &site, 404, "No page at /<script>x</script>");
    html = output();
    assert_no_data_markup(html);
    assert_contains(html, "Page not found");
    assert_contains(html, "No page at /&lt;script&gt;x&lt;/script&gt;");
}
END_TEST

START_TEST(html_uses_the_site_layout)
{
    static const char text[] = "<t><!--#rootcauses title--></t><s><!--#rootcauses site--></s>"
                               "<b><!--#rootcauses base--></b><h><!--#rootcauses head--></h>"
                               "<n><!--#rootcauses nav--></n><c><!--#rootcauses content--></c>";
    rc_layout *l = NULL;
    const char *html;

    ck_assert_ptr_null(rc_layout_parse(pool, "t.html", text, sizeof(text) - 1, &l));
    site.layout = l;
    rc_html_page(&out, &site, &data->pages[0]);
    html = output();
    assert_starts_with(html, "<t>Home – Root &amp; Causes</t><s>Root &amp; Causes</s>"
                             "<b>/rootcauses</b><h></h><n><ul>");
    assert_contains(html, "</ul></n><c>");
    ck_assert_str_eq(html + strlen(html) - 4, "</c>");
}
END_TEST

/* ---- layout ---- */

#define ALL_MARKERS                                                                                \
    "<p><!--#rootcauses title--></p><!--#rootcauses nav--><!--#rootcauses content-->"              \
    "<!--#rootcauses head--><!--#rootcauses base--><!--#rootcauses site-->"

static const char *parse_layout(const char *text, rc_layout **l)
{
    *l = NULL;
    return rc_layout_parse(pool, "t.html", text, strlen(text), l);
}

START_TEST(layout_splits_at_each_marker)
{
    rc_layout *l;

    ck_assert_ptr_null(parse_layout(ALL_MARKERS "\n", &l));
    ck_assert_ptr_nonnull(l);
    ck_assert_str_eq(l->name, "t.html");
    ck_assert_int_eq(l->nsegs, 9);
    ck_assert_int_eq(l->segs[0].marker, RC_SEG_TEXT);
    ck_assert_uint_eq(l->segs[0].text.n, 3);
    ck_assert_int_eq(strncmp(l->segs[0].text.s, "<p>", 3), 0);
    ck_assert_int_eq(l->segs[1].marker, RC_SEG_TITLE);
    ck_assert_int_eq(l->segs[2].marker, RC_SEG_TEXT);
    ck_assert_uint_eq(l->segs[2].text.n, 4);
    ck_assert_int_eq(strncmp(l->segs[2].text.s, "</p>", 4), 0);
    ck_assert_int_eq(l->segs[3].marker, RC_SEG_NAV);
    ck_assert_int_eq(l->segs[4].marker, RC_SEG_CONTENT);
    ck_assert_int_eq(l->segs[5].marker, RC_SEG_HEAD);
    ck_assert_int_eq(l->segs[6].marker, RC_SEG_BASE);
    ck_assert_int_eq(l->segs[7].marker, RC_SEG_SITE);
    ck_assert_int_eq(l->segs[8].marker, RC_SEG_TEXT);
    ck_assert_uint_eq(l->segs[8].text.n, 1);
    ck_assert_uint_eq(strlen(l->hash), 8);
    ck_assert_uint_eq(strspn(l->hash, "0123456789abcdef"), 8);
}
END_TEST

START_TEST(layout_hash_follows_the_text)
{
    rc_layout *a, *b, *c;

    ck_assert_ptr_null(parse_layout(ALL_MARKERS, &a));
    ck_assert_ptr_null(parse_layout(ALL_MARKERS, &b));
    ck_assert_ptr_null(parse_layout(ALL_MARKERS " ", &c));
    ck_assert_str_eq(a->hash, b->hash);
    ck_assert_str_ne(a->hash, c->hash);
}
END_TEST

START_TEST(layout_optional_markers_may_repeat_or_be_absent)
{
    rc_layout *l;

    ck_assert_ptr_null(parse_layout("<!--#rootcauses title--><!--#rootcauses nav-->"
                                    "<!--#rootcauses content-->",
                                    &l));
    ck_assert_int_eq(l->nsegs, 3);
    ck_assert_ptr_null(
        parse_layout(ALL_MARKERS "<!--#rootcauses site--><!--#rootcauses base-->", &l));
    ck_assert_int_eq(l->nsegs, 10);
    /* ordinary comments are text */
    ck_assert_ptr_null(parse_layout("<!-- note --><!--#rootcauses title--><!--#rootcauses nav-->"
                                    "<!--#rootcauses content-->",
                                    &l));
    ck_assert_int_eq(l->nsegs, 4);
    ck_assert_int_eq(l->segs[0].marker, RC_SEG_TEXT);
}
END_TEST

START_TEST(layout_missing_marker)
{
    rc_layout *l;

    ck_assert_str_eq(parse_layout("<!--#rootcauses nav--><!--#rootcauses content-->", &l),
                     "layout t.html: <!--#rootcauses title--> is missing; a layout needs the "
                     "title, nav and content markers");
    ck_assert_str_eq(parse_layout("<!--#rootcauses title--><!--#rootcauses content-->", &l),
                     "layout t.html: <!--#rootcauses nav--> is missing; a layout needs the "
                     "title, nav and content markers");
    ck_assert_str_eq(parse_layout("<!--#rootcauses title--><!--#rootcauses nav-->", &l),
                     "layout t.html: <!--#rootcauses content--> is missing; a layout needs the "
                     "title, nav and content markers");
    ck_assert_str_eq(parse_layout("", &l),
                     "layout t.html: <!--#rootcauses title--> is missing; a layout needs the "
                     "title, nav and content markers");
    ck_assert_ptr_null(l);
}
END_TEST

START_TEST(layout_duplicate_marker)
{
    rc_layout *l;

    ck_assert_str_eq(parse_layout(ALL_MARKERS "<!--#rootcauses title-->", &l),
                     "layout t.html: <!--#rootcauses title--> appears more than once");
    ck_assert_str_eq(parse_layout(ALL_MARKERS "<!--#rootcauses nav-->", &l),
                     "layout t.html: <!--#rootcauses nav--> appears more than once");
    ck_assert_str_eq(parse_layout("<!--#rootcauses content-->" ALL_MARKERS, &l),
                     "layout t.html: <!--#rootcauses content--> appears more than once");
    ck_assert_ptr_null(l);
}
END_TEST

/* every marker the module knows, as the message lists them */
#define MARKERS                                                                                    \
    "<!--#rootcauses title-->, nav, content, head, base, site, lang, languages, home, skip, "      \
    "nav-label, menu"

START_TEST(layout_unknown_marker)
{
    rc_layout *l;

    ck_assert_str_eq(parse_layout(ALL_MARKERS "<!--#rootcauses footer-->", &l),
                     "layout t.html: unknown marker <!--#rootcauses footer-->; expected one of "
                     MARKERS);
    ck_assert_str_eq(parse_layout(ALL_MARKERS "<!--#rootcauses Title-->", &l),
                     "layout t.html: unknown marker <!--#rootcauses Title-->; expected one of "
                     MARKERS);
    ck_assert_str_eq(parse_layout(ALL_MARKERS "<!--#rootcauses  nav-->", &l),
                     "layout t.html: unknown marker <!--#rootcauses  nav-->; expected one of "
                     MARKERS);
    ck_assert_str_eq(parse_layout(ALL_MARKERS "<!--#rootcauses nav", &l),
                     "layout t.html: unknown marker <!--#rootcauses nav; expected one of "
                     MARKERS);
    ck_assert_ptr_null(l);
}
END_TEST

START_TEST(layout_not_utf8)
{
    rc_layout *l;

    ck_assert_str_eq(parse_layout(ALL_MARKERS "caf\xe9", &l),
                     "layout t.html: not UTF-8 text (or contains a NUL byte)");
    ck_assert_str_eq(rc_layout_parse(pool, "t.html", ALL_MARKERS "\0", sizeof(ALL_MARKERS), &l),
                     "layout t.html: not UTF-8 text (or contains a NUL byte)");
}
END_TEST

/* Only text[0, len) is the layout: nothing past len counts, not even the end of a marker. */
START_TEST(layout_reads_only_len_bytes)
{
    static const char text[] = ALL_MARKERS "<!--#rootcauses bogus-->";
    rc_layout *l = NULL;
    const char *err;

    ck_assert_ptr_null(rc_layout_parse(pool, "t.html", text, sizeof(ALL_MARKERS) - 1, &l));
    ck_assert_int_eq(l->nsegs, 8);
    /* the text ends inside the last marker */
    err = rc_layout_parse(pool, "t.html", text, sizeof(ALL_MARKERS) - 1 - 3, &l);
    ck_assert_msg(err != NULL, "a marker cut by len was accepted");
    ck_assert_msg(strncmp(err, "layout t.html: unknown marker <!--#rootcauses site", 50) == 0, "%s",
                  err);
}
END_TEST

START_TEST(layout_builtin_has_every_marker)
{
    const rc_layout *l = rc_layout_builtin(pool);
    int count[RC_SEG_MENU + 1] = {0};

    ck_assert_ptr_nonnull(l);
    ck_assert_str_eq(l->name, "built-in");
    for (int i = 0; i < l->nsegs; i++)
        count[l->segs[i].marker]++;
    ck_assert_int_eq(count[RC_SEG_TITLE], 1);
    ck_assert_int_eq(count[RC_SEG_NAV], 1);
    ck_assert_int_eq(count[RC_SEG_CONTENT], 1);
    ck_assert_int_ge(count[RC_SEG_HEAD], 1);
    ck_assert_int_ge(count[RC_SEG_BASE], 1);
    ck_assert_int_ge(count[RC_SEG_SITE], 1);
    /* the new markers: <html lang>, the language switch, home, skip link, nav label */
    ck_assert_int_eq(count[RC_SEG_LANG], 1);
    ck_assert_int_eq(count[RC_SEG_LANGUAGES], 1);
    ck_assert_int_ge(count[RC_SEG_HOME], 1);
    ck_assert_int_eq(count[RC_SEG_SKIP], 1);
    ck_assert_int_eq(count[RC_SEG_NAV_LABEL], 1);
    ck_assert_int_eq(strncmp(l->segs[0].text.s, "<!DOCTYPE html>", 15), 0);
    ck_assert_uint_eq(l->mtime, 0);
}
END_TEST

/* lang, languages, home, skip, nav-label and menu are optional and may repeat */
START_TEST(layout_new_markers)
{
    rc_layout *l;

    ck_assert_ptr_null(parse_layout(ALL_MARKERS "<!--#rootcauses lang--><!--#rootcauses languages-->"
                                    "<!--#rootcauses home--><!--#rootcauses skip-->"
                                    "<!--#rootcauses nav-label--><!--#rootcauses menu-->"
                                    "<!--#rootcauses lang-->", &l));
    ck_assert_int_eq(l->nsegs, 15);
    ck_assert_int_eq(l->segs[8].marker, RC_SEG_LANG);
    ck_assert_int_eq(l->segs[9].marker, RC_SEG_LANGUAGES);
    ck_assert_int_eq(l->segs[10].marker, RC_SEG_HOME);
    ck_assert_int_eq(l->segs[11].marker, RC_SEG_SKIP);
    ck_assert_int_eq(l->segs[12].marker, RC_SEG_NAV_LABEL);
    ck_assert_int_eq(l->segs[13].marker, RC_SEG_MENU);
    ck_assert_int_eq(l->segs[14].marker, RC_SEG_LANG);
}
END_TEST

START_TEST(layout_load_from_a_file)
{
    rc_layout *l = NULL;
    const char *path = rc_test_fixture("layout.html");
    const char *missing = rc_test_fixture("no-such-layout.html");
    const char *err;

    err = rc_layout_load(pool, path, &l);
    ck_assert_msg(err == NULL, "%s", err);
    ck_assert_str_eq(l->name, path);
    ck_assert_int_eq(l->segs[0].marker, RC_SEG_TEXT);

    err = rc_layout_load(pool, missing, &l);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, apr_pstrcat(pool, "layout ", missing, ": cannot read it: ", NULL),
                          strlen(missing) + 25) == 0,
                  "%s", err);
}
END_TEST

Suite *rc_render_suite(void)
{
    Suite *s = suite_create("rc_render");
    TCase *tc;

    tc = tcase_create("helpers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, base_init_escapes_the_mount_point);
    tcase_add_test(tc, human_sizes);
    tcase_add_test(tc, human_kinds);
    suite_add_tcase(s, tc);

    tc = tcase_create("csv");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, csv_listing_quotes_and_defuses_formulas);
    tcase_add_test(tc, csv_listing_follows_filter_and_sort);
    tcase_add_test(tc, csv_listing_with_no_match_is_the_header);
    suite_add_tcase(s, tc);

    tc = tcase_create("json");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, json_listing_envelope_and_facets);
    tcase_add_test(tc, json_listing_item_carries_every_field);
    tcase_add_test(tc, json_listing_facets_follow_the_filter);
    tcase_add_test(tc, json_listing_past_the_last_page);
    tcase_add_test(tc, json_item_is_the_listing_object);
    tcase_add_test(tc, json_error_shape);
    suite_add_tcase(s, tc);

    tc = tcase_create("atom");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, atom_listing_escapes_the_data);
    tcase_add_test(tc, atom_updated_follows_the_content);
    suite_add_tcase(s, tc);

    tc = tcase_create("html");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, html_listing_escapes_the_data);
    tcase_add_test(tc, html_listing_rows_escape_titles_and_summaries);
    tcase_add_test(tc, html_listing_with_errors_escapes_the_messages);
    tcase_add_test(tc, html_item_escapes_the_data);
    tcase_add_test(tc, html_item_documents_with_sizes);
    tcase_add_test(tc, html_page_escapes_the_title);
    tcase_add_test(tc, html_error_escapes_the_message);
    tcase_add_test(tc, html_uses_the_site_layout);
    suite_add_tcase(s, tc);

    tc = tcase_create("layout");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, layout_splits_at_each_marker);
    tcase_add_test(tc, layout_hash_follows_the_text);
    tcase_add_test(tc, layout_optional_markers_may_repeat_or_be_absent);
    tcase_add_test(tc, layout_missing_marker);
    tcase_add_test(tc, layout_duplicate_marker);
    tcase_add_test(tc, layout_unknown_marker);
    tcase_add_test(tc, layout_not_utf8);
    tcase_add_test(tc, layout_reads_only_len_bytes);
    tcase_add_test(tc, layout_builtin_has_every_marker);
    tcase_add_test(tc, layout_new_markers);
    tcase_add_test(tc, layout_load_from_a_file);
    suite_add_tcase(s, tc);

    return s;
}
