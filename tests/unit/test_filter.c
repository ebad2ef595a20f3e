/* Unit tests for rc_filter: which items a listing shows, in which order, with which facets
 * (docs/REFERENCE.md "Listing parameters" and "Formats"), on a small hand-made collection. Every query runs through rc_filter_run and
 * rc_filter_scan, which must agree, and rc_filter_each (CSV) must stream the same items. */

#include <string.h>

#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_data.h"
#include "rc_filter.h"
#include "rc_query.h"

static apr_pool_t *pool;
static rc_data *data;
static const rc_collection *reports, *empty;

/* Sorted newest first: c 2022-07-15, a 2022-07, b 2022-07 (a before b: ties by id), e 2021,
 * d 2020-12-31. NI is declared but no item has it. */
static const char data_json[] =
    "{\"title\": \"T\","
    " \"countries\": [{\"code\": \"GT\", \"name\": \"Guatemala\"},"
    "                {\"code\": \"SV\", \"name\": \"El Salvador\"},"
    "                {\"code\": \"HN\", \"name\": \"Honduras\"},"
    "                {\"code\": \"NI\", \"name\": \"Nicaragua\"}],"
    " \"pages\": [{\"slug\": \"index\", \"title\": \"Home\", \"file\": \"index.html\"}],"
    " \"collections\": ["
    "  {\"slug\": \"reports\", \"title\": \"Reports\", \"items\": ["
    "    {\"id\": \"e\", \"title\": \"Economic Prosperity\", \"date\": \"2021\","
    "     \"countries\": [\"GT\", \"SV\"], \"kind\": \"report\", \"summary\": \"Jobs and growth\"},"
    "    {\"id\": \"b\", \"title\": \"Corruption Sanctions\", \"date\": \"2022-07\","
    "     \"countries\": [\"SV\"], \"kind\": \"action\","
    "     \"persons\": [{\"name\": \"Jos\\u00e9 P\\u00e9rez\", \"position\": \"Fiscal General\"}]},"
    "    {\"id\": \"a\", \"title\": \"Migration Data\", \"date\": \"2022-07\","
    "     \"countries\": [\"HN\", \"GT\"], \"kind\": \"report\","
    "     \"summary\": \"Figures for Honduras\"},"
    "    {\"id\": \"c\", \"title\": \"Press Freedom\", \"date\": \"2022-07-15\","
    "     \"countries\": [\"GT\"]},"
    "    {\"id\": \"d\", \"title\": \"Visa Restrictions\", \"date\": \"2020-12-31\","
    "     \"countries\": [\"HN\"], \"kind\": \"action\","
    "     \"persons\": [{\"name\": \"Ana N\\u00da\\u00d1EZ\", \"country\": \"HN\","
    "                   \"position\": \"Jueza Suprema\"}]}]},"
    "  {\"slug\": \"empty\", \"title\": \"Empty\", \"items\": []}]}";

static void setup(void)
{
    const char *err;

    apr_pool_create(&pool, NULL);
    err = rc_test_load(pool, "filter.json", data_json, sizeof(data_json) - 1, &data);
    ck_assert_msg(err == NULL, "%s", err);
    reports = &data->collections[0];
    empty = &data->collections[1];
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static rc_query *query(const rc_collection *col, const char *args)
{
    rc_query *q = rc_query_parse(pool, data, col, args, 20, rc_msgs_for("en"));
    if (q->errors->nelts)
        ck_abort_msg("\"%s\": %s", args, APR_ARRAY_IDX(q->errors, 0, rc_query_error).message);
    return q;
}

/* The slice's ids joined with ',' */
static const char *ids(const rc_result *r)
{
    const char *s = "";
    for (int k = 0; k < r->nids; k++)
        s = apr_pstrcat(pool, s, k ? "," : "", rc_str(data, r->col->items[r->ids[k]].id), NULL);
    return s;
}

static int add_id(void *ctx, int pos)
{
    const char **s = ctx;
    *s = apr_pstrcat(pool, *s, **s ? "," : "", rc_str(data, reports->items[pos].id), NULL);
    return 1;
}

/* What rc_filter_each streams, ids joined with ',' */
static const char *each(const rc_collection *col, const rc_query *q, int sort_asc)
{
    const char *s = "";
    ck_assert_ptr_eq(col, reports);
    rc_filter_each(pool, data, col, q, sort_asc, add_id, &s);
    return s;
}

static const char *facet_countries(const rc_result *r)
{
    const char *s = "";
    for (int i = 0; i < data->ncountries; i++)
        s = apr_psprintf(pool, "%s%s%s=%d", s, i ? " " : "", data->countries[i].code,
                         r->country_counts[i]);
    return s;
}

static const char *facet_years(const rc_result *r)
{
    const char *s = "";
    for (int i = 0; i < r->nyears; i++)
        s = apr_psprintf(pool, "%s%s%d=%d", s, i ? " " : "", r->years[i].year, r->years[i].count);
    return s;
}

/* Runs q every way, checks they agree, and returns rc_filter_run's result. */
static rc_result *run_slice(const rc_collection *col, const rc_query *q, int sort_asc,
                            apr_int64_t first, int count)
{
    rc_result *r = rc_filter_run(pool, data, col, q, sort_asc, first, count);
    rc_result *s = rc_filter_scan(pool, data, col, q, sort_asc, first, count);

    for (int how = RC_BY_INDEX; how <= RC_BY_WALK; how++) {
        rc_result *e = rc_filter_run_by(how, pool, data, col, q, sort_asc, first, count);
        ck_assert_str_eq(ids(e), ids(s));
        ck_assert_int_eq(e->total, s->total);
        ck_assert_str_eq(facet_countries(e), facet_countries(s));
        ck_assert_str_eq(facet_years(e), facet_years(s));
    }
    ck_assert_ptr_eq(r->col, col);
    ck_assert_int_eq(r->total, s->total);
    ck_assert(r->first == first);
    ck_assert_int_eq(r->nids, s->nids);
    ck_assert_str_eq(ids(r), ids(s));
    ck_assert_str_eq(facet_countries(r), facet_countries(s));
    ck_assert_str_eq(facet_years(r), facet_years(s));
    if (col == reports && first == 0 && count == RC_ALL)
        ck_assert_str_eq(each(col, q, sort_asc), ids(r));
    return r;
}

static rc_result *run(const char *args)
{
    return run_slice(reports, query(reports, args), -1, 0, RC_ALL);
}

#define assert_ids(args, expected)                                                                 \
    do {                                                                                           \
        rc_result *r_ = run(args);                                                                 \
        ck_assert_msg(strcmp(ids(r_), expected) == 0, "\"%s\": got \"%s\", expected \"%s\"", args, \
                      ids(r_), expected);                                                          \
        ck_assert_int_eq(r_->total, r_->nids);                                                     \
    } while (0)

/* ---- each filter alone ---- */

START_TEST(no_filter_is_everything_newest_first)
{
    rc_result *r = run("");
    ck_assert_str_eq(ids(r), "c,a,b,e,d");
    ck_assert_int_eq(r->total, 5);
}
END_TEST

START_TEST(sort_ascending_and_descending_break_ties_by_id)
{
    assert_ids("sort=-date", "c,a,b,e,d");
    assert_ids("sort=date", "d,e,a,b,c");
    /* the caller's override (Atom) wins over q */
    {
        rc_query *q = query(reports, "sort=date");
        ck_assert_str_eq(ids(run_slice(reports, q, 0, 0, RC_ALL)), "c,a,b,e,d");
        q = query(reports, "");
        ck_assert_str_eq(ids(run_slice(reports, q, 1, 0, RC_ALL)), "d,e,a,b,c");
    }
}
END_TEST

START_TEST(country_matches_any_of_the_countries)
{
    assert_ids("country=GT", "c,a,e");
    assert_ids("country=SV", "b,e");
    assert_ids("country=HN", "a,d");
    assert_ids("country=NI", "");
    assert_ids("country=GT,SV", "c,a,b,e");
    assert_ids("country=SV&country=HN", "a,b,e,d");
    assert_ids("country=el+salvador", "b,e");
}
END_TEST

START_TEST(empty_list_filters_nothing)
{
    /* "Listing parameters": empty elements are ignored, and an empty value is no filter */
    assert_ids("country=,", "c,a,b,e,d");
    assert_ids("country=,,&kind=,", "c,a,b,e,d");
    assert_ids("kind=,", "c,a,b,e,d");
}
END_TEST

START_TEST(kind_matches_any_of_the_kinds)
{
    assert_ids("kind=action", "b,d");
    assert_ids("kind=report", "a,e");
    assert_ids("kind=action,report", "a,b,e,d"); /* c has no kind */
    assert_ids("kind=report&kind=action&sort=date", "d,e,a,b");
}
END_TEST

START_TEST(dates_match_by_overlapping_periods)
{
    assert_ids("from=2022", "c,a,b");
    assert_ids("to=2021", "e,d");
    assert_ids("from=2021&to=2021", "e");
    assert_ids("from=2020-12-31&to=2020-12-31", "d");
    assert_ids("from=2020", "c,a,b,e,d");
    assert_ids("from=2023", "");
    assert_ids("to=2020-12-30", "");
}
END_TEST

START_TEST(a_year_overlaps_a_month_inside_it)
{
    /* item "2021" is 2021-01-01..2021-12-31 */
    assert_ids("from=2021-06&to=2021-06", "e");
    assert_ids("from=2021-12-31", "c,a,b,e");
    assert_ids("to=2021-01-01", "e,d");
}
END_TEST

START_TEST(a_month_overlaps_its_first_and_last_day)
{
    /* items a and b are "2022-07": 2022-07-01..2022-07-31; c is 2022-07-15 */
    assert_ids("to=2022-07-01", "a,b,e,d");
    assert_ids("from=2022-07-31", "a,b");
    assert_ids("from=2022-08", "");
    assert_ids("to=2022-06", "e,d");
    assert_ids("from=2022-07-16&to=2022-07-20", "a,b");
    assert_ids("from=2022-07-15&to=2022-07-15", "c,a,b");
}
END_TEST

START_TEST(q_searches_title_summary_and_persons)
{
    assert_ids("q=migration", "a"); /* title */
    assert_ids("q=honduras", "a");  /* summary */
    assert_ids("q=perez", "b");     /* person's name, accents removed */
    assert_ids("q=P%C3%89REZ", "b");
    assert_ids("q=nunez", "d");         /* NÚÑEZ */
    assert_ids("q=fiscal", "b");        /* position */
    assert_ids("q=suprema+jueza", "d"); /* every word, any order */
    assert_ids("q=PRESS", "c");
    assert_ids("q=growth+jobs", "e");
    assert_ids("q=data+press", ""); /* one item must have both */
    assert_ids("q=data&q=migration", "a");
    assert_ids("q=guatemala", ""); /* country names are not searched */
    assert_ids("q=2021", "");      /* nor dates */
    assert_ids("q=report", "");    /* nor kinds */
}
END_TEST

/* docs/REFERENCE.md "Listing parameters": each q word begins a word of the item; a substring inside a word is no match
 * (it was, when q matched substrings: "ration" found "Migration") */
START_TEST(q_words_are_prefixes_of_words)
{
    assert_ids("q=ration", "");
    assert_ids("q=migr", "a");
    assert_ids("q=m", "a");   /* Migration */
    assert_ids("q=f", "c,a,b"); /* Freedom; Figures, for; Fiscal */
    assert_ids("q=s", "b,d"); /* Sanctions; Suprema */
    assert_ids("q=corrup", "b");
    assert_ids("q=rupt", "");
    assert_ids("q=jos", "b");
    assert_ids("q=jose+p", "b");
    assert_ids("q=jose+x", "");
    assert_ids("q=fig+hond", "a");
    assert_ids("q=freedom+pr", "c");
    assert_ids("q=freedoms", "");  /* longer than every word */
    assert_ids("q=a", "e,d");      /* and; Ana */
    /* punctuation in q separates words as it does in the data */
    assert_ids("q=press-freedom", "c");
    assert_ids("q=%22visa%22", "d");
}
END_TEST

/* ---- combined ---- */

START_TEST(filters_combine)
{
    assert_ids("country=GT&kind=report", "a,e");
    assert_ids("country=HN&from=2021", "a");
    assert_ids("kind=action&q=visa", "d");
    assert_ids("country=SV&to=2021&sort=date", "e");
    assert_ids("country=GT,HN&from=2021&to=2022-07&kind=report&sort=date", "e,a");
    assert_ids("country=GT&kind=action", "");
    assert_ids("country=HN&q=jueza&from=2020&to=2020", "d");
}
END_TEST

/* ---- facets ---- */

START_TEST(facets_without_filter)
{
    rc_result *r = run("");
    ck_assert_str_eq(facet_countries(r), "GT=3 SV=2 HN=2 NI=0");
    ck_assert_str_eq(facet_years(r), "2022=3 2021=1 2020=1");
    ck_assert_int_eq(r->nyears, 3);
}
END_TEST

START_TEST(country_facet_ignores_the_country_filter)
{
    rc_result *r = run("country=GT");
    ck_assert_int_eq(r->total, 3);
    ck_assert_str_eq(facet_countries(r), "GT=3 SV=2 HN=2 NI=0");
    ck_assert_str_eq(facet_years(r), "2022=2 2021=1");

    r = run("country=NI");
    ck_assert_int_eq(r->total, 0);
    ck_assert_str_eq(facet_countries(r), "GT=3 SV=2 HN=2 NI=0");
    ck_assert_str_eq(facet_years(r), "");
    ck_assert_int_eq(r->nyears, 0);
}
END_TEST

START_TEST(year_facet_ignores_from_and_to)
{
    rc_result *r = run("from=2022");
    ck_assert_int_eq(r->total, 3);
    ck_assert_str_eq(facet_countries(r), "GT=2 SV=1 HN=1 NI=0");
    ck_assert_str_eq(facet_years(r), "2022=3 2021=1 2020=1");

    r = run("from=2023");
    ck_assert_int_eq(r->total, 0);
    ck_assert_str_eq(facet_countries(r), "GT=0 SV=0 HN=0 NI=0");
    ck_assert_str_eq(facet_years(r), "2022=3 2021=1 2020=1");
}
END_TEST

START_TEST(facets_apply_the_other_filters)
{
    rc_result *r = run("kind=action");
    ck_assert_str_eq(facet_countries(r), "GT=0 SV=1 HN=1 NI=0");
    ck_assert_str_eq(facet_years(r), "2022=1 2020=1");

    r = run("country=HN&from=2022");
    ck_assert_str_eq(ids(r), "a");
    ck_assert_str_eq(facet_countries(r), "GT=2 SV=1 HN=1 NI=0");
    ck_assert_str_eq(facet_years(r), "2022=1 2020=1");

    r = run("q=data");
    ck_assert_str_eq(facet_countries(r), "GT=1 SV=0 HN=1 NI=0");
    ck_assert_str_eq(facet_years(r), "2022=1");
}
END_TEST

START_TEST(facets_do_not_depend_on_sort_or_slice)
{
    rc_query *q = query(reports, "sort=date&country=GT");
    rc_result *r = run_slice(reports, q, -1, 1, 1);
    ck_assert_str_eq(ids(r), "a");
    ck_assert_int_eq(r->total, 3);
    ck_assert_str_eq(facet_countries(r), "GT=3 SV=2 HN=2 NI=0");
    ck_assert_str_eq(facet_years(r), "2022=2 2021=1");
}
END_TEST

START_TEST(empty_collection)
{
    rc_result *r = run_slice(empty, query(empty, "country=GT&from=2021"), -1, 0, RC_ALL);
    ck_assert_int_eq(r->total, 0);
    ck_assert_int_eq(r->nids, 0);
    ck_assert_int_eq(r->nyears, 0);
    ck_assert_str_eq(facet_countries(r), "GT=0 SV=0 HN=0 NI=0");
    ck_assert(rc_result_pages(r, 20) == 0);
}
END_TEST

/* ---- slices and pages ---- */

START_TEST(slices_of_the_result)
{
    rc_query *q = query(reports, "");
    rc_result *r;

    r = run_slice(reports, q, -1, 0, 2);
    ck_assert_str_eq(ids(r), "c,a");
    ck_assert_int_eq(r->total, 5);
    r = run_slice(reports, q, -1, 2, 2);
    ck_assert_str_eq(ids(r), "b,e");
    r = run_slice(reports, q, -1, 4, 2);
    ck_assert_str_eq(ids(r), "d");
    ck_assert_int_eq(r->nids, 1);
    r = run_slice(reports, q, 1, 4, 2);
    ck_assert_str_eq(ids(r), "c");
}
END_TEST

START_TEST(slice_past_the_end_is_empty)
{
    rc_query *q = query(reports, "country=GT");
    rc_result *r;

    r = run_slice(reports, q, -1, 3, 20);
    ck_assert_int_eq(r->nids, 0);
    ck_assert_int_eq(r->total, 3);
    r = run_slice(reports, q, -1, 100, 20);
    ck_assert_int_eq(r->nids, 0);
    ck_assert_int_eq(r->total, 3);
    /* the last page number times the largest per_page */
    r = run_slice(reports, q, -1, (apr_int64_t)999999999 * 100, 100);
    ck_assert_int_eq(r->nids, 0);
    ck_assert_int_eq(r->total, 3);
    ck_assert_str_eq(facet_countries(r), "GT=3 SV=2 HN=2 NI=0");
}
END_TEST

START_TEST(pages_is_total_over_per_page_rounded_up)
{
    rc_result *r = run("");
    ck_assert(rc_result_pages(r, 1) == 5);
    ck_assert(rc_result_pages(r, 2) == 3);
    ck_assert(rc_result_pages(r, 4) == 2);
    ck_assert(rc_result_pages(r, 5) == 1);
    ck_assert(rc_result_pages(r, 100) == 1);
    r = run("country=NI");
    ck_assert(rc_result_pages(r, 1) == 0);
    ck_assert(rc_result_pages(r, 20) == 0);
}
END_TEST

Suite *rc_filter_suite(void)
{
    Suite *s = suite_create("rc_filter");
    TCase *tc;

    tc = tcase_create("match");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, no_filter_is_everything_newest_first);
    tcase_add_test(tc, sort_ascending_and_descending_break_ties_by_id);
    tcase_add_test(tc, country_matches_any_of_the_countries);
    tcase_add_test(tc, empty_list_filters_nothing);
    tcase_add_test(tc, kind_matches_any_of_the_kinds);
    tcase_add_test(tc, dates_match_by_overlapping_periods);
    tcase_add_test(tc, a_year_overlaps_a_month_inside_it);
    tcase_add_test(tc, a_month_overlaps_its_first_and_last_day);
    tcase_add_test(tc, q_searches_title_summary_and_persons);
    tcase_add_test(tc, q_words_are_prefixes_of_words);
    tcase_add_test(tc, filters_combine);
    suite_add_tcase(s, tc);

    tc = tcase_create("facets");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, facets_without_filter);
    tcase_add_test(tc, country_facet_ignores_the_country_filter);
    tcase_add_test(tc, year_facet_ignores_from_and_to);
    tcase_add_test(tc, facets_apply_the_other_filters);
    tcase_add_test(tc, facets_do_not_depend_on_sort_or_slice);
    tcase_add_test(tc, empty_collection);
    suite_add_tcase(s, tc);

    tc = tcase_create("pages");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, slices_of_the_result);
    tcase_add_test(tc, slice_past_the_end_is_empty);
    tcase_add_test(tc, pages_is_total_over_per_page_rounded_up);
    suite_add_tcase(s, tc);

    return s;
}
