/* The indexed filter against the pass over every item, on generated data and random queries:
 * both must give the same totals, facets and slices. */
#include <stdlib.h>
#include <string.h>

#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_data.h"
#include "rc_filter.h"
#include "rc_index.h"
#include "rc_query.h"

static const char *const codes[] = {"GT", "HN", "SV", "NI", "BZ"};
static const char *const kinds[] = {"action", "list", "report"};

/* xorshift: the same data and queries on every run */
static unsigned rnd_state = 2463534242u;
static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state % n;
}

static const char *random_date(apr_pool_t *p)
{
    int y = 2015 + (int)rnd(6), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
    switch (rnd(3)) {
    case 0:
        return apr_psprintf(p, "%04d", y);
    case 1:
        return apr_psprintf(p, "%04d-%02d", y, m);
    default:
        return apr_psprintf(p, "%04d-%02d-%02d", y, m, d);
    }
}

/* Many items on few dates, so that equal dates, block edges and the January 1 and first-of-
 * month groups all occur. */
static const rc_data *generated(apr_pool_t *p, int n)
{
    apr_array_header_t *parts = apr_array_make(p, n + 8, sizeof(const char *));
    rc_data *d = NULL;
    const char *json, *err;

    APR_ARRAY_PUSH(parts, const char *) =
        "{\"title\":\"T\",\"countries\":[{\"code\":\"GT\",\"name\":\"Guatemala\"},"
        "{\"code\":\"HN\",\"name\":\"Honduras\"},{\"code\":\"SV\",\"name\":\"El Salvador\"},"
        "{\"code\":\"NI\",\"name\":\"Nicaragua\"},{\"code\":\"BZ\",\"name\":\"Belize\"}],"
        "\"pages\":[{\"slug\":\"index\",\"title\":\"Home\",\"file\":\"index.html\"}],"
        "\"collections\":[{\"slug\":\"items\",\"title\":\"Items\",\"items\":[";
    for (int i = 0; i < n; i++) {
        const char *countries = apr_psprintf(p, "\"%s\"", codes[rnd(5)]);
        int extra = (int)rnd(3);
        for (int c = 0; c < 5 && extra > 0; c++)
            if (!strstr(countries, codes[c]) && rnd(2)) {
                countries = apr_psprintf(p, "%s,\"%s\"", countries, codes[c]);
                extra--;
            }
        const char *kind = rnd(4) ? apr_pstrcat(p, ",\"kind\":\"", kinds[rnd(3)], "\"", NULL)
                                  : "";
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(p, "%s{\"id\":\"item-%05d\",\"title\":\"Item %d\",\"date\":\"%s\","
                            "\"countries\":[%s]%s}",
                         i ? "," : "", i, i, random_date(p), countries, kind);
    }
    APR_ARRAY_PUSH(parts, const char *) = "]}]}";
    json = apr_array_pstrcat(p, parts, 0);
    err = rc_data_load_buffer(p, "generated.json", json, strlen(json), &d);
    ck_assert_msg(err == NULL, "%s", err ? err : "");
    return d;
}

static const char *random_query(apr_pool_t *p)
{
    const char *q = "";
    if (rnd(2))
        for (int i = 0, n = 1 + (int)rnd(3); i < n; i++)
            q = apr_pstrcat(p, q, "&country=", codes[rnd(5)], NULL);
    if (rnd(2))
        q = apr_pstrcat(p, q, "&kind=", kinds[rnd(3)], NULL);
    if (rnd(2))
        q = apr_pstrcat(p, q, "&from=", random_date(p), NULL);
    if (rnd(2))
        q = apr_pstrcat(p, q, "&to=", random_date(p), NULL);
    if (rnd(2))
        q = apr_pstrcat(p, q, "&sort=date", NULL);
    if (rnd(3) == 0)  /* words of the titles "Item N": digits, whole and in part */
        q = apr_psprintf(p, "%s&q=%d%s", q, (int)rnd(300), rnd(2) ? "+tem" : "");
    q = apr_psprintf(p, "%s&per_page=%d&page=%d", q, 1 + (int)rnd(100), 1 + (int)rnd(40));
    return q + 1;
}

START_TEST(index_agrees_with_scan_on_random_queries)
{
    apr_pool_t *p;
    const rc_data *d;
    const rc_collection *col;
    int checked = 0, with_words = 0;

    apr_pool_create(&p, NULL);
    d = generated(p, 3000);
    col = &d->collections[0];
    ck_assert_ptr_nonnull(col->index);
    for (int round = 0; round < 2000; round++) {
        const char *qs = random_query(p);
        rc_query *q = rc_query_parse(p, d, col, qs, 20);
        rc_result *a, *b;
        apr_int64_t first = (q->page - 1) * q->per_page;
        if (q->errors->nelts)
            continue;  /* from after to */
        a = rc_filter_run(p, d, col, q, -1, first, q->per_page);
        if (q->words)
            with_words++;
        b = rc_filter_scan(p, d, col, q, -1, first, q->per_page);
        ck_assert_msg(a->total == b->total, "%s: total %d, scan %d", qs, a->total, b->total);
        ck_assert_msg(a->nids == b->nids, "%s: %d ids, scan %d", qs, a->nids, b->nids);
        for (int i = 0; i < a->nids; i++)
            ck_assert_msg(a->ids[i] == b->ids[i], "%s: id %d is %s, scan %s", qs, i,
                          col->items[a->ids[i]].id, col->items[b->ids[i]].id);
        for (int c = 0; c < d->ncountries; c++)
            ck_assert_msg(a->country_counts[c] == b->country_counts[c], "%s: country %d", qs, c);
        ck_assert_int_eq(a->nyears, b->nyears);
        for (int y = 0; y < a->nyears; y++) {
            ck_assert_int_eq(a->years[y].year, b->years[y].year);
            ck_assert_int_eq(a->years[y].count, b->years[y].count);
        }
        checked++;
    }
    ck_assert_int_gt(checked, 1500);
    ck_assert_int_gt(with_words, 400);
    apr_pool_destroy(p);
}
END_TEST

Suite *rc_index_suite(void)
{
    Suite *s = suite_create("index");
    TCase *tc = tcase_create("agreement");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, index_agrees_with_scan_on_random_queries);
    suite_add_tcase(s, tc);
    return s;
}
