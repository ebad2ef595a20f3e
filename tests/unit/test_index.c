/* A property test of the filter engines: on randomly generated collections and random queries
 * (fixed seed, so every run sees the same), rc_filter_run (by the index without q, by bitsets
 * with q, by a pass when the data is beyond the index) and rc_filter_each (CSV) agree with
 * rc_filter_scan, the reference, on the total, the slice and both facets; and rc_filter_scan
 * agrees with a naive reading of docs/REFERENCE.md "Listing parameters" written here from the items themselves. */
#include <stdlib.h>
#include <string.h>

#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_data.h"
#include "rc_filter.h"
#include "rc_index.h"
#include "rc_query.h"
#include "rc_text.h"

static const char *const kind_slugs[] = {"action", "list", "report", "report-to-congress",
                                         "memo"};
/* Words of titles, summaries and persons: accents, ligatures, hyphens, Spanish, digits. */
static const char *const vocab[] = {
    "Corruption", "anti-corruption", "P\xc3\xa9rez", "Migraci\xc3\xb3n", "democracy",
    "Democracia", "press", "prosperity", "jobs", "violence", "Ni\xc3\xb1" "ez", "\xc3\x89T\xc3\x89",
    "stra\xc3\x9f" "e", "data", "datos", "Item", "report", "Honduras", "2021", "U.S.",
    "\xef\xac\x81nance", "N\xc3\x9a\xc3\x91" "EZ", "jueza", "Fiscal"};
#define NVOCAB (sizeof(vocab) / sizeof(vocab[0]))

/* xorshift: the same data and queries on every run */
static unsigned rnd_state;
static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state % n;
}

/* What a generated data set is like. */
typedef struct shape {
    int n;          /* items */
    int ncountries; /* declared; more than 64 puts the data beyond the index and the bitsets */
    int nkinds;     /* kinds items may have (0: none) */
    int year0, years;
} shape;

static int days_in(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0) ? 29 : days[m - 1];
}

/* A date of any precision in [y0, y0 + years); days at the edges of months and years often,
 * so that January 1 and first-of-month groups, and periods that end on from's day, occur. */
static const char *random_date(apr_pool_t *p, int y0, int years)
{
    int y = y0 + (int)rnd((unsigned)years), m = 1 + (int)rnd(12), d;
    switch (rnd(4)) {
    case 0:
        d = 1;
        break;
    case 1:
        d = days_in(y, m);
        break;
    default:
        d = 1 + (int)rnd((unsigned)days_in(y, m));
    }
    switch (rnd(3)) {
    case 0:
        return apr_psprintf(p, "%04d", y);
    case 1:
        return apr_psprintf(p, "%04d-%02d", y, m);
    default:
        return apr_psprintf(p, "%04d-%02d-%02d", y, m, d);
    }
}

static const char *code_of(apr_pool_t *p, int i)
{
    return apr_psprintf(p, "%c%c", 'A' + i / 26, 'A' + i % 26);
}

/* 1 to 3 words of the vocabulary, JSON-ready (no character needs escaping), and often a rare
 * word (r0 to r2999), whose postings are arrays, not bitsets. */
static const char *words(apr_pool_t *p)
{
    const char *s = vocab[rnd(NVOCAB)];
    for (int i = 0, n = (int)rnd(3); i < n; i++)
        s = apr_pstrcat(p, s, " ", vocab[rnd(NVOCAB)], NULL);
    if (rnd(2))
        s = apr_psprintf(p, "%s r%u", s, rnd(3000));
    return s;
}

/* A text: a string, or an object in English and Spanish (or English only). */
static const char *text(apr_pool_t *p)
{
    switch (rnd(4)) {
    case 0:
        return apr_psprintf(p, "{\"en\":\"%s\",\"es\":\"%s\"}", words(p), words(p));
    case 1:
        return apr_psprintf(p, "{\"en\":\"%s\"}", words(p));
    default:
        return apr_psprintf(p, "\"%s\"", words(p));
    }
}

static const rc_data *generate(apr_pool_t *p, const shape *sh)
{
    apr_array_header_t *parts = apr_array_make(p, sh->n + 16, sizeof(const char *));
    rc_data *d = NULL;
    const char *json, *err;
    /* ids in an order unrelated to the dates, each once (7919 is invertible modulo 99991) */
    long salt = (long)rnd(99991);

    APR_ARRAY_PUSH(parts, const char *) =
        "{\"languages\":[\"en\",\"es\"],\"title\":\"T\",\"countries\":[";
    for (int c = 0; c < sh->ncountries; c++)
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(p, "%s{\"code\":\"%s\",\"name\":{\"en\":\"Country %d\",\"es\":\"Pa\\u00eds %d\"}}",
                         c ? "," : "", code_of(p, c), c, c);
    APR_ARRAY_PUSH(parts, const char *) =
        "],\"pages\":[{\"slug\":\"index\",\"title\":\"Home\",\"file\":\"index.html\"}],"
        "\"collections\":[{\"slug\":\"items\",\"title\":\"Items\",\"items\":[";
    for (int i = 0; i < sh->n; i++) {
        int nc = 1 + (int)rnd(3);
        const char *countries = "", *extra = "";
        for (int k = 0; k < nc; k++) {
            const char *code = code_of(p, (int)rnd((unsigned)sh->ncountries));
            if (!strstr(countries, code))
                countries = apr_pstrcat(p, countries, *countries ? "," : "", "\"", code, "\"",
                                        NULL);
        }
        if (sh->nkinds && rnd(5))
            extra = apr_pstrcat(p, extra, ",\"kind\":\"", kind_slugs[rnd((unsigned)sh->nkinds)],
                                "\"", NULL);
        if (rnd(2))
            extra = apr_pstrcat(p, extra, ",\"summary\":", text(p), NULL);
        if (rnd(4) == 0)
            extra = apr_psprintf(p, "%s,\"persons\":[{\"name\":\"%s\"%s}]", extra, words(p),
                                 rnd(2) ? apr_pstrcat(p, ",\"position\":", text(p), NULL) : "");
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(p, "%s{\"id\":\"item-%05d\",\"title\":%s,\"date\":\"%s\","
                            "\"countries\":[%s]%s}",
                         i ? "," : "", (int)((i * 7919L + salt) % 99991), text(p),
                         random_date(p, sh->year0, sh->years), countries, extra);
    }
    APR_ARRAY_PUSH(parts, const char *) = "]}]}";
    json = apr_array_pstrcat(p, parts, 0);
    err = rc_test_load(p, "generated.json", json, strlen(json), &d);
    ck_assert_msg(err == NULL, "%s", err ? err : "");
    return d;
}

/* A q word: a prefix of a word of the vocabulary (folded or not), sometimes a whole word,
 * sometimes something inside a word or nothing at all. */
static const char *q_word(apr_pool_t *p)
{
    const char *w = vocab[rnd(NVOCAB)];
    apr_size_t n = strlen(w), cut;
    switch (rnd(10)) {
    case 0:
        return "zz";
    case 8: /* a rare word, or the rare words it begins */
        return apr_psprintf(p, "r%u", rnd(rnd(2) ? 30 : 3000));
    case 9:
        return apr_psprintf(p, "R%u", rnd(300));
    case 1:
        if (n <= 3)
            return w;
        w += 2; /* inside a word, from a character boundary */
        while (((unsigned char)*w & 0xC0) == 0x80)
            w++;
        return w;
    case 2:
        return w;
    default:
        cut = 1 + rnd((unsigned)n);
        while (cut < n && ((unsigned char)w[cut] & 0xC0) == 0x80)
            cut++; /* on a character boundary */
        return apr_pstrndup(p, w, cut);
    }
}

static const char *random_query(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                                const shape *sh)
{
    const char *q = "";
    if (rnd(2))
        for (int i = 0, n = 1 + (int)rnd(3); i < n; i++) {
            int c = (int)rnd((unsigned)d->ncountries);
            q = apr_pstrcat(p, q, "&country=",
                            rnd(4) ? code_of(p, c) : apr_psprintf(p, "pa%%C3%%ADs+%d", c), NULL);
        }
    if (col->nkinds && rnd(2))
        for (int i = 0, n = 1 + (int)rnd(2); i < n; i++)
            q = apr_pstrcat(p, q, "&kind=", col->kinds[rnd((unsigned)col->nkinds)].slug, NULL);
    if (rnd(2))
        q = apr_pstrcat(p, q, "&from=", random_date(p, sh->year0 - 1, sh->years + 2), NULL);
    if (rnd(2))
        q = apr_pstrcat(p, q, "&to=", random_date(p, sh->year0 - 1, sh->years + 2), NULL);
    if (rnd(2))
        q = apr_pstrcat(p, q, "&sort=date", NULL);
    if (rnd(2))
        for (int i = 0, n = 1 + (int)rnd(3); i < n; i++)
            q = apr_pstrcat(p, q, i ? "+" : "&q=", rc_escape_query(p, q_word(p)), NULL);
    if (rnd(3)) {
        /* mostly pages inside the result (filters keep a fraction), some past its end */
        int per_page = 1 + (int)rnd(rnd(2) ? 10 : 100), pages = sh->n / per_page / 4 + 2;
        q = apr_psprintf(p, "%s&per_page=%d&page=%d", q, per_page, 1 + (int)rnd((unsigned)pages));
    }
    return *q ? q + 1 : q;
}

/* ---- the naive reading of docs/REFERENCE.md "Listing parameters" ---- */

/* 1 if a word of text t (in any language) begins with w. */
static int text_has(apr_pool_t *p, const rc_data *d, apr_uint32_t t, const char *w)
{
    if (!t)
        return 0;
    for (int l = 0; l < d->nlang; l++) {
        const char *s = rc_str(d, RC_AT(&d->img, apr_uint32_t, t)[l]), *f;
        apr_size_t pos = 0, a, e, wl = strlen(w);
        if (!s)
            continue;
        f = rc_fold(p, s, strlen(s));
        while (rc_next_word(f, strlen(f), &pos, &a, &e))
            if (e - a >= wl && !memcmp(f + a, w, wl))
                return 1;
    }
    return 0;
}

static int naive_words(apr_pool_t *p, const rc_data *d, const rc_item *it, const char **words)
{
    for (; words && *words; words++) {
        int found = text_has(p, d, it->title, *words) || text_has(p, d, it->summary, *words);
        const rc_img_person *pe = rc_item_persons(d, it);
        for (int i = 0; i < it->npersons && !found; i++) {
            const char *name = rc_fold(p, rc_str(d, pe[i].name), strlen(rc_str(d, pe[i].name)));
            apr_size_t pos = 0, a, e;
            while (!found && rc_next_word(name, strlen(name), &pos, &a, &e))
                found = e - a >= strlen(*words) && !memcmp(name + a, *words, strlen(*words));
            found = found || text_has(p, d, pe[i].position, *words);
        }
        if (!found)
            return 0;
    }
    return 1;
}

typedef struct naive {
    int *ids, total;
    int *country_counts;
    int *year_counts; /* by year - year0 */
} naive;

static const rc_collection *sort_col;
static const rc_data *sort_data;

static int cmp_asc(const void *x, const void *y)
{
    const rc_item *a = &sort_col->items[*(const int *)x], *b = &sort_col->items[*(const int *)y];
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return strcmp(rc_str(sort_data, a->id), rc_str(sort_data, b->id));
}

static int cmp_desc(const void *x, const void *y)
{
    const rc_item *a = &sort_col->items[*(const int *)x], *b = &sort_col->items[*(const int *)y];
    if (a->start != b->start)
        return a->start > b->start ? -1 : 1;
    return strcmp(rc_str(sort_data, a->id), rc_str(sort_data, b->id));
}

static void run_naive(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                      const rc_query *q, int asc, const shape *sh, naive *nv)
{
    nv->ids = apr_palloc(p, sizeof(int) * (col->nitems + 1));
    nv->country_counts = apr_pcalloc(p, sizeof(int) * d->ncountries);
    nv->year_counts = apr_pcalloc(p, sizeof(int) * sh->years);
    nv->total = 0;
    for (int pos = 0; pos < col->nitems; pos++) {
        const rc_item *it = &col->items[pos];
        const apr_uint16_t *c = rc_item_countries(d, it);
        int in_country = !q->countries, in_kind = !q->kinds, in_date;
        for (int i = 0; i < it->ncountries; i++)
            in_country |= q->countries && q->countries[c[i]];
        for (const char **k = q->kinds; k && *k; k++)
            in_kind |= it->kind >= 0 && !strcmp(col->kinds[it->kind].slug, *k);
        in_date = (!q->from || it->end >= q->from) && (!q->to || it->start <= q->to);
        if (!in_kind || !naive_words(p, d, it, q->words))
            continue;
        if (in_date)
            for (int i = 0; i < it->ncountries; i++)
                nv->country_counts[c[i]]++;
        if (in_country)
            nv->year_counts[it->start / 10000 - sh->year0]++;
        if (in_country && in_date)
            nv->ids[nv->total++] = pos;
    }
    sort_col = col;
    sort_data = d;
    qsort(nv->ids, (size_t)nv->total, sizeof(int), asc ? cmp_asc : cmp_desc);
}

/* ---- the comparisons ---- */

static void same(const char *how, const char *qs, const rc_data *d, const rc_result *a,
                 const rc_result *b)
{
    ck_assert_msg(a->total == b->total, "%s \"%s\": total %d, scan %d", how, qs, a->total,
                  b->total);
    ck_assert_msg(a->nids == b->nids, "%s \"%s\": %d ids, scan %d", how, qs, a->nids, b->nids);
    for (int i = 0; i < a->nids; i++)
        ck_assert_msg(a->ids[i] == b->ids[i], "%s \"%s\": id %d is %d, scan %d", how, qs, i,
                      a->ids[i], b->ids[i]);
    for (int c = 0; c < d->ncountries; c++)
        ck_assert_msg(a->country_counts[c] == b->country_counts[c],
                      "%s \"%s\": country %d: %d, scan %d", how, qs, c, a->country_counts[c],
                      b->country_counts[c]);
    ck_assert_msg(a->nyears == b->nyears, "%s \"%s\": %d years, scan %d", how, qs, a->nyears,
                  b->nyears);
    for (int y = 0; y < a->nyears; y++)
        ck_assert_msg(a->years[y].year == b->years[y].year &&
                          a->years[y].count == b->years[y].count,
                      "%s \"%s\": year %d: %d, scan %d: %d", how, qs, a->years[y].year,
                      a->years[y].count, b->years[y].year, b->years[y].count);
}

typedef struct collected {
    int *ids, n;
} collected;

static int collect(void *ctx, int pos)
{
    collected *c = ctx;
    c->ids[c->n++] = pos;
    return 1;
}

typedef struct tally {
    int queries, with_words, indexed, paged_past_end, paged_inside;
} tally;

/* Every engine, both orders, the page and the whole result, for one query. */
static void check_query(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                        const char *qs, const shape *sh, int with_naive, tally *t)
{
    rc_query *q = rc_query_parse(p, d, col, qs, 20, rc_msgs_for("en"));
    apr_int64_t first;
    if (q->errors->nelts) {
        /* the generator only makes "from after to" mistakes */
        ck_assert_str_eq(APR_ARRAY_IDX(q->errors, 0, rc_query_error).param, "from");
        return;
    }
    first = (q->page - 1) * q->per_page;
    t->queries++;
    t->with_words += q->words != NULL;
    t->indexed += !q->words && col->index;
    for (int order = -1; order <= 1; order++) {
        rc_result *all = rc_filter_scan(p, d, col, q, order, 0, RC_ALL);
        rc_result *page = rc_filter_scan(p, d, col, q, order, first, q->per_page);
        collected c;
        for (int how = RC_BY_CHOICE; how <= RC_BY_WALK; how++) {
            same("page", qs, d, rc_filter_run_by(how, p, d, col, q, order, first, q->per_page),
                 page);
            same("all", qs, d, rc_filter_run_by(how, p, d, col, q, order, 0, RC_ALL), all);
            /* a slice inside the result, of a few */
            if (all->total > 2)
                same("slice", qs, d,
                     rc_filter_run_by(how, p, d, col, q, order, all->total / 2, 3),
                     rc_filter_scan(p, d, col, q, order, all->total / 2, 3));
        }
        t->paged_past_end += first >= all->total && all->total > 0;
        t->paged_inside += first > 0 && first < all->total;
        c.ids = apr_palloc(p, sizeof(int) * (col->nitems + 1));
        c.n = 0;
        rc_filter_each(p, d, col, q, order, collect, &c);
        ck_assert_msg(c.n == all->total, "each \"%s\": %d, scan %d", qs, c.n, all->total);
        ck_assert_msg(!c.n || !memcmp(c.ids, all->ids, sizeof(int) * c.n), "each \"%s\"", qs);
        if (with_naive) {
            naive nv;
            int asc = order >= 0 ? order : q->sort_asc, nyears = 0;
            run_naive(p, d, col, q, asc, sh, &nv);
            ck_assert_msg(nv.total == all->total, "naive \"%s\": %d, scan %d", qs, nv.total,
                          all->total);
            ck_assert_msg(!nv.total || !memcmp(nv.ids, all->ids, sizeof(int) * nv.total),
                          "naive \"%s\": another order", qs);
            for (int c2 = 0; c2 < d->ncountries; c2++)
                ck_assert_msg(nv.country_counts[c2] == all->country_counts[c2],
                              "naive \"%s\": country %d", qs, c2);
            for (int y = sh->years - 1; y >= 0; y--)
                if (nv.year_counts[y]) {
                    ck_assert_msg(nyears < all->nyears &&
                                      all->years[nyears].year == sh->year0 + y &&
                                      all->years[nyears].count == nv.year_counts[y],
                                  "naive \"%s\": year %d", qs, sh->year0 + y);
                    nyears++;
                }
            ck_assert_int_eq(nyears, all->nyears);
        }
    }
}

static void check_shape(const shape *sh, unsigned seed, int queries, tally *t)
{
    apr_pool_t *p, *qp;
    const rc_data *d;
    const rc_collection *col;

    rnd_state = seed;
    apr_pool_create(&p, NULL);
    apr_pool_create(&qp, p);
    d = generate(p, sh);
    col = &d->collections[0];
    ck_assert_int_eq(col->nitems, sh->n);
    if (sh->ncountries > 64)
        ck_assert_ptr_null(col->index);
    else
        ck_assert_ptr_nonnull(col->index);
    for (int round = 0; round < queries; round++) {
        check_query(qp, d, col, random_query(qp, d, col, sh), sh, sh->n <= 700, t);
        apr_pool_clear(qp);
    }
    apr_pool_destroy(p);
}

START_TEST(engines_agree_on_small_collections)
{
    /* sizes around the 64-bit words of the bitsets and the index's blocks */
    static const shape shapes[] = {
        {0, 2, 2, 2020, 2},   {1, 1, 0, 2020, 1},   {2, 3, 1, 2020, 1},   {63, 4, 3, 2019, 3},
        {64, 5, 2, 2018, 4},  {65, 6, 4, 2018, 3},  {127, 2, 5, 2015, 8}, {129, 6, 3, 2020, 2},
        {300, 5, 3, 2016, 6}, {700, 6, 5, 2010, 15},
    };
    tally t = {0, 0, 0, 0, 0};
    for (unsigned i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
        check_shape(&shapes[i], 2463534242u + i, 300, &t);
    ck_assert_int_gt(t.queries, 2000);
    ck_assert_int_gt(t.with_words, 800);
    ck_assert_int_gt(t.indexed, 800);
    ck_assert_int_gt(t.paged_past_end, 50);
    ck_assert_int_gt(t.paged_inside, 300);
}
END_TEST

START_TEST(engines_agree_on_a_large_collection)
{
    static const shape big = {3000, 5, 3, 2015, 6};
    tally t = {0, 0, 0, 0, 0};
    check_shape(&big, 88172645u, 400, &t);
    ck_assert_int_gt(t.with_words, 100);
    ck_assert_int_gt(t.indexed, 100);
}
END_TEST

/* Many items of few cks: run_bits counts the words of few matches by key. */
START_TEST(engines_agree_on_many_items_of_few_kinds)
{
    static const shape many = {5000, 3, 2, 2010, 12};
    tally t = {0, 0, 0, 0, 0};
    check_shape(&many, 362436069u, 50, &t);
    ck_assert_int_gt(t.with_words, 15);
}
END_TEST

/* More than 64 countries: no index and no bitsets; rc_filter_run takes the pass. */
START_TEST(engines_agree_beyond_the_index)
{
    static const shape wide = {400, 70, 3, 2018, 4};
    tally t = {0, 0, 0, 0, 0};
    check_shape(&wide, 521288629u, 150, &t);
    ck_assert_int_gt(t.queries, 100);
}
END_TEST

Suite *rc_index_suite(void)
{
    Suite *s = suite_create("filter engines");
    TCase *tc = tcase_create("agreement");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, engines_agree_on_small_collections);
    tcase_add_test(tc, engines_agree_on_a_large_collection);
    tcase_add_test(tc, engines_agree_on_many_items_of_few_kinds);
    tcase_add_test(tc, engines_agree_beyond_the_index);
    suite_add_tcase(s, tc);
    return s;
}
