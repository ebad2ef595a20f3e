/* Unit tests for rc_route: the URL table of docs/REFERENCE.md "URLs" over a small data set in English (the
 * default language, at the mount point) and Spanish (under B/es/). */

#include <string.h>

#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_data.h"
#include "rc_route.h"

static apr_pool_t *pool;
static rc_data *data;
static rc_router *router;

#define ID64 "a123456789b123456789c123456789d123456789e123456789f123456789abcd"

static const char data_json[] =
    "{\"languages\": [\"en\", \"es\"], \"title\": \"T\","
    " \"countries\": [{\"code\": \"GT\", \"name\": \"Guatemala\"}],"
    " \"pages\": [{\"slug\": \"index\", \"title\": \"Home\", \"file\": \"index.html\"},"
    "             {\"slug\": \"pillar\", \"title\": \"Pillar\", \"file\": \"pillar.html\"}],"
    " \"collections\": ["
    "  {\"slug\": \"reports\", \"title\": \"Reports\", \"items\": ["
    "    {\"id\": \"r1\", \"title\": \"R1\", \"date\": \"2021\", \"countries\": [\"GT\"]},"
    "    {\"id\": \"" ID64
    "\", \"title\": \"Long\", \"date\": \"2021\", \"countries\": [\"GT\"]}]},"
    "  {\"slug\": \"actions\", \"title\": \"Actions\", \"items\": ["
    "    {\"id\": \"a1\", \"title\": \"A1\", \"date\": \"2022\", \"countries\": [\"GT\"]}]}]}";

static void setup(void)
{
    const char *err;

    apr_pool_create(&pool, NULL);
    err = rc_test_load(pool, "route.json", data_json, sizeof(data_json) - 1, &data);
    ck_assert_msg(err == NULL, "%s", err);
    err = rc_router_create(pool, &router);
    ck_assert_msg(err == NULL, "%s", err);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static rc_route route(const char *path)
{
    rc_route r;
    memset(&r, 0x5a, sizeof(r)); /* rc_route_path must fill every field */
    rc_route_path(router, data, pool, path, &r);
    return r;
}

static void assert_not_found(const char *path)
{
    rc_route r = route(path);
    ck_assert_msg(r.kind == RC_NOT_FOUND, "\"%s\": kind %d, expected RC_NOT_FOUND", path,
                  (int)r.kind);
}

static void assert_redirect(const char *path, const char *location)
{
    rc_route r = route(path);
    ck_assert_msg(r.kind == RC_REDIRECT, "\"%s\": kind %d, expected RC_REDIRECT", path,
                  (int)r.kind);
    ck_assert_str_eq(r.location, location);
}

static void assert_page_in(const char *path, const char *slug, int lang)
{
    rc_route r = route(path);
    ck_assert_msg(r.kind == RC_PAGE, "\"%s\": kind %d, expected RC_PAGE", path, (int)r.kind);
    ck_assert_ptr_nonnull(r.page);
    ck_assert_str_eq(r.page->slug, slug);
    ck_assert_ptr_eq(r.page, rc_data_nav(data, slug)->page);
    ck_assert_int_eq(r.format, RC_HTML);
    ck_assert_ptr_null(r.collection);
    ck_assert_ptr_null(r.item);
    ck_assert_int_eq(r.lang, lang);
}

static void assert_page(const char *path, const char *slug)
{
    assert_page_in(path, slug, 0);
}

static void assert_listing_in(const char *path, const char *slug, rc_format format, int lang)
{
    rc_route r = route(path);
    ck_assert_msg(r.kind == RC_LISTING, "\"%s\": kind %d, expected RC_LISTING", path, (int)r.kind);
    ck_assert_ptr_eq(r.collection, rc_data_nav(data, slug)->collection);
    ck_assert_int_eq(r.format, format);
    ck_assert_ptr_null(r.page);
    ck_assert_ptr_null(r.item);
    ck_assert_int_eq(r.lang, lang);
    ck_assert_str_eq(r.here, apr_pstrcat(pool, "/", slug, NULL));
}

static void assert_listing(const char *path, const char *slug, rc_format format)
{
    assert_listing_in(path, slug, format, 0);
}

static void assert_item_in(const char *path, const char *slug, const char *id, rc_format format,
                           int lang)
{
    rc_route r = route(path);
    const rc_collection *col = rc_data_nav(data, slug)->collection;
    ck_assert_msg(r.kind == RC_ITEM, "\"%s\": kind %d, expected RC_ITEM", path, (int)r.kind);
    ck_assert_ptr_eq(r.collection, col);
    ck_assert_ptr_eq(r.item, &col->items[rc_item_find(data, col, id)]);
    ck_assert_str_eq(rc_str(data, r.item->id), id);
    ck_assert_int_eq(r.format, format);
    ck_assert_ptr_null(r.page);
    ck_assert_int_eq(r.lang, lang);
    ck_assert_str_eq(r.here, apr_pstrcat(pool, "/", slug, "/", id, NULL));
}

static void assert_item(const char *path, const char *slug, const char *id, rc_format format)
{
    assert_item_in(path, slug, id, format, 0);
}

START_TEST(mount_point_redirects_to_slash)
{
    assert_redirect("", "/");
}
END_TEST

START_TEST(slash_is_the_index_page)
{
    assert_page("/", "index");
}
END_TEST

START_TEST(index_redirects_to_slash)
{
    assert_redirect("/index", "/");
    assert_redirect("/index/", "/");
}
END_TEST

START_TEST(page_by_slug)
{
    assert_page("/pillar", "pillar");
}
END_TEST

START_TEST(listing_in_each_format)
{
    assert_listing("/reports", "reports", RC_HTML);
    assert_listing("/reports.json", "reports", RC_JSON);
    assert_listing("/reports.csv", "reports", RC_CSV);
    assert_listing("/reports.atom", "reports", RC_ATOM);
    assert_listing("/actions", "actions", RC_HTML);
}
END_TEST

START_TEST(item_and_its_json)
{
    assert_item("/reports/r1", "reports", "r1", RC_HTML);
    assert_item("/reports/r1.json", "reports", "r1", RC_JSON);
    assert_item("/actions/a1", "actions", "a1", RC_HTML);
    assert_item("/reports/" ID64, "reports", ID64, RC_HTML);
    assert_item("/reports/" ID64 ".json", "reports", ID64, RC_JSON);
}
END_TEST

START_TEST(trailing_slash_redirects_when_the_target_exists)
{
    assert_redirect("/pillar/", "/pillar");
    assert_redirect("/reports/", "/reports");
    assert_redirect("/reports.json/", "/reports.json");
    assert_redirect("/reports/r1/", "/reports/r1");
    assert_redirect("/reports/r1.json/", "/reports/r1.json");
}
END_TEST

START_TEST(trailing_slash_on_nothing_is_not_found)
{
    assert_not_found("/nope/");
    assert_not_found("/reports/nope/");
    assert_not_found("/pillar.json/");
    assert_not_found("/reports/r1.csv/");
    assert_not_found("/reports//");
    assert_not_found("//");
}
END_TEST

START_TEST(unknown_slug_or_id_is_not_found)
{
    assert_not_found("/nope");
    assert_not_found("/nope.json");
    assert_not_found("/reports/nope");
    assert_not_found("/reports/nope.json");
    assert_not_found("/reports/a1"); /* an id of another collection */
    assert_not_found("/pillar/r1");  /* pages have no items */
    assert_not_found("/index/r1");
    assert_not_found("/assets");
    assert_not_found("/assets/site.css");
}
END_TEST

START_TEST(pages_have_no_formats)
{
    assert_not_found("/index.json");
    assert_not_found("/index.csv");
    assert_not_found("/pillar.json");
    assert_not_found("/pillar.atom");
}
END_TEST

START_TEST(items_have_only_json)
{
    assert_not_found("/reports/r1.csv");
    assert_not_found("/reports/r1.atom");
    assert_not_found("/reports/r1.html");
    assert_not_found("/reports.html");
    assert_not_found("/reports.xml");
    assert_not_found("/reports.json.json");
}
END_TEST

START_TEST(paths_are_case_sensitive)
{
    assert_not_found("/Reports");
    assert_not_found("/REPORTS.JSON");
    assert_not_found("/reports.JSON");
    assert_not_found("/reports/R1");
    assert_not_found("/Pillar");
    assert_not_found("/Index");
}
END_TEST

START_TEST(overlong_slugs_and_paths_are_not_found)
{
    char *longpath = apr_palloc(pool, 10002);

    assert_not_found("/" ID64 "e");
    assert_not_found("/reports/" ID64 "e");
    assert_not_found("/reports/" ID64 "e.json");
    longpath[0] = '/';
    memset(longpath + 1, 'a', 10000);
    longpath[10001] = '\0';
    assert_not_found(longpath);
    memcpy(longpath, "/reports/", 9);
    assert_not_found(longpath);
}
END_TEST

START_TEST(extra_segments_are_not_found)
{
    assert_not_found("/reports/r1/extra");
    assert_not_found("/reports/r1.json/extra");
    assert_not_found("/pillar/extra/more");
    assert_not_found("/reports//r1");
    assert_not_found("/./reports");
    assert_not_found("/reports/../pillar");
    assert_not_found("reports");
    assert_not_found("/reports?x=1");
    assert_not_found("/reports%2Fr1");
}
END_TEST

/* PCRE2's $ also matches before a final newline unless told otherwise: "/reports\n" (a request
 * for /reports%0A) names nothing. */
START_TEST(final_newline_is_not_found)
{
    assert_not_found("/reports\n");
    assert_not_found("/reports.json\n");
    assert_not_found("/pillar\n");
    assert_not_found("/reports/r1\n");
    assert_not_found("/reports/\n");
    assert_not_found("/\n");
}
END_TEST

/* ---- languages ---- */

START_TEST(language_home_redirects_to_slash)
{
    assert_redirect("/es", "/es/");
    assert_page_in("/es/", "index", 1);
    ck_assert_str_eq(route("/es/").here, "/");
    assert_redirect("/es/index", "/es/");
    assert_redirect("/es/index/", "/es/");
}
END_TEST

START_TEST(every_path_in_another_language)
{
    assert_page_in("/es/pillar", "pillar", 1);
    assert_listing_in("/es/reports", "reports", RC_HTML, 1);
    assert_listing_in("/es/reports.json", "reports", RC_JSON, 1);
    assert_listing_in("/es/reports.csv", "reports", RC_CSV, 1);
    assert_listing_in("/es/reports.atom", "reports", RC_ATOM, 1);
    assert_item_in("/es/reports/r1", "reports", "r1", RC_HTML, 1);
    assert_item_in("/es/actions/a1.json", "actions", "a1", RC_JSON, 1);
    assert_redirect("/es/pillar/", "/es/pillar");
    assert_redirect("/es/reports/r1/", "/es/reports/r1");
    assert_redirect("/es/reports.json/", "/es/reports.json");
    /* the default language is at the mount point */
    ck_assert_int_eq(route("/reports").lang, 0);
    ck_assert_str_eq(route("/").here, "/");
}
END_TEST

START_TEST(default_and_undeclared_languages_are_not_prefixes)
{
    assert_not_found("/en/");
    assert_not_found("/en");
    assert_not_found("/en/reports");
    assert_not_found("/fr/");
    assert_not_found("/fr/reports");
    assert_not_found("/ES/");
    assert_not_found("/es/es/");
    assert_not_found("/es/es/reports");
    assert_not_found("/esx");
    assert_not_found("/es//");
    assert_not_found("/es/nope");
    assert_not_found("/es/reports/nope");
    assert_not_found("/es/assets/site.css");
    assert_not_found("/es/sitemap.xml");
    assert_not_found("/es/openapi.json");
    assert_not_found("/es/reports\n");
}
END_TEST

/* ---- the module's own addresses ---- */

START_TEST(sitemap_and_openapi)
{
    rc_route r = route("/sitemap.xml");
    ck_assert_int_eq(r.kind, RC_SITEMAP);
    ck_assert_int_eq(r.lang, 0);
    ck_assert_ptr_null(r.page);
    ck_assert_ptr_null(r.collection);
    r = route("/openapi.json");
    ck_assert_int_eq(r.kind, RC_OPENAPI);
    ck_assert_int_eq(r.format, RC_JSON);
    assert_redirect("/sitemap.xml/", "/sitemap.xml");
    assert_not_found("/sitemap");
    assert_not_found("/sitemap.json");
    assert_not_found("/openapi");
    assert_redirect("/openapi.json/", "/openapi.json");
    assert_not_found("/sitemap.xml//");
    assert_not_found("/es/sitemap.xml/");
    assert_not_found("/openapi.yaml");
    assert_not_found("/Sitemap.xml");
    assert_not_found("/sitemap.xml\n");
}
END_TEST

Suite *rc_route_suite(void)
{
    Suite *s = suite_create("rc_route");
    TCase *tc = tcase_create("route");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, mount_point_redirects_to_slash);
    tcase_add_test(tc, slash_is_the_index_page);
    tcase_add_test(tc, index_redirects_to_slash);
    tcase_add_test(tc, page_by_slug);
    tcase_add_test(tc, listing_in_each_format);
    tcase_add_test(tc, item_and_its_json);
    tcase_add_test(tc, trailing_slash_redirects_when_the_target_exists);
    tcase_add_test(tc, trailing_slash_on_nothing_is_not_found);
    tcase_add_test(tc, unknown_slug_or_id_is_not_found);
    tcase_add_test(tc, pages_have_no_formats);
    tcase_add_test(tc, items_have_only_json);
    tcase_add_test(tc, paths_are_case_sensitive);
    tcase_add_test(tc, overlong_slugs_and_paths_are_not_found);
    tcase_add_test(tc, extra_segments_are_not_found);
    tcase_add_test(tc, final_newline_is_not_found);
    tcase_add_test(tc, language_home_redirects_to_slash);
    tcase_add_test(tc, every_path_in_another_language);
    tcase_add_test(tc, default_and_undeclared_languages_are_not_prefixes);
    tcase_add_test(tc, sitemap_and_openapi);
    suite_add_tcase(s, tc);
    return s;
}
