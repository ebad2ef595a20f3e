/* rc_filter: listings by index where the query allows it (every filter but q), else by a pass
 * over the collection. Both give the same result; the unit tests hold them to it. */
#include "rc_filter.h"
#include "rc_index.h"

#include <stdlib.h>
#include <string.h>

/* ---- the pass over every item ---- */

static int match_country(const rc_item *it, const char *want)
{
    if (!want)
        return 1;
    for (int i = 0; i < it->ncountries; i++)
        if (want[it->countries[i]])
            return 1;
    return 0;
}

static int match_kind(const rc_item *it, const char **kinds)
{
    if (!kinds)
        return 1;
    if (!it->kind)
        return 0;
    for (; *kinds; kinds++)
        if (!strcmp(*kinds, it->kind))
            return 1;
    return 0;
}

static int match_words(const rc_item *it, const char **words)
{
    if (!words)
        return 1;
    for (; *words; words++)
        if (!strstr(it->folded, *words))
            return 0;
    return 1;
}

static int match_date(const rc_item *it, const rc_query *q)
{
    /* periods overlap when each starts before the other ends */
    return (!q->from || it->date.end >= q->from) && (!q->to || it->date.start <= q->to);
}

static rc_result *new_result(apr_pool_t *p, const rc_data *d, const rc_collection *col)
{
    rc_result *r = apr_pcalloc(p, sizeof(*r));
    int span = col->nitems ? col->max_year - col->min_year + 1 : 0;
    r->col = col;
    r->country_counts = apr_pcalloc(p, sizeof(int) * (d->ncountries + 1));
    r->years = apr_palloc(p, sizeof(rc_year_count) * (span + 1));
    return r;
}

/* Fills r->years, newest first, from n counts: per_year[i] is the count of years[i], or of year
 * first + i when years is NULL. */
static void set_years(rc_result *r, const apr_uint32_t *per_year, int n, const int *years,
                      int first)
{
    for (int y = n - 1; y >= 0; y--)
        if (per_year[y]) {
            r->years[r->nyears].year = years ? years[y] : first + y;
            r->years[r->nyears++].count = (int)per_year[y];
        }
}

/* The pass over the items order[0..n), which are in sort order. */
static rc_result *scan(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                       const rc_query *q, const int *order, int n, apr_int64_t first, int count)
{
    rc_result *r = new_result(p, d, col);
    int *ids = apr_palloc(p, sizeof(int) * (n + 1));
    int span = col->nitems ? col->max_year - col->min_year + 1 : 0;
    apr_uint32_t *per_year = apr_pcalloc(p, sizeof(apr_uint32_t) * (span + 1));

    for (int k = 0; k < n; k++) {
        const rc_item *it = &col->items[order[k]];
        int in_country, in_date;
        if (!match_kind(it, q->kinds) || !match_words(it, q->words))
            continue;
        in_country = match_country(it, q->countries);
        in_date = match_date(it, q);
        if (in_date)
            for (int i = 0; i < it->ncountries; i++)
                r->country_counts[it->countries[i]]++;
        if (in_country)
            per_year[it->date.year - col->min_year]++;
        if (in_country && in_date)
            ids[r->total++] = order[k];
    }
    set_years(r, per_year, span, NULL, col->min_year);
    r->first = first;
    if (first >= r->total)
        r->nids = 0;
    else {
        r->ids = ids + first;
        r->nids = r->total - first < count ? (int)(r->total - first) : count;
    }
    return r;
}

rc_result *rc_filter_scan(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                          const rc_query *q, int sort_asc, apr_int64_t first, int count)
{
    const int *order = (sort_asc >= 0 ? sort_asc : q->sort_asc) ? col->by_date_asc
                                                                   : col->by_date_desc;
    return scan(p, d, col, q, order, col->nitems, first, count);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* q by the byte-pair bitmaps: the items that can contain every word, checked with strstr and
 * put in sort order, then the pass over those few. */
static rc_result *run_words(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                            const rc_query *q, int asc, apr_int64_t first, int count)
{
    const rc_grams *g = &col->index->grams;
    const int *order = asc ? col->by_date_asc : col->by_date_desc;
    const int *pos_of = asc ? g->pos_asc : g->pos_desc;
    apr_uint64_t *cand = apr_palloc(p, sizeof(apr_uint64_t) * (g->words + 1));
    int *pos, n = 0, ncand = 0;

    memset(cand, 0xff, sizeof(apr_uint64_t) * g->words);
    if (col->nitems % 64)
        cand[g->words - 1] = ((apr_uint64_t)1 << (col->nitems % 64)) - 1;
    for (const char **w = q->words; *w; w++)
        for (const char *t = *w; t[0] && t[1]; t++) {
            const apr_uint64_t *bits = g->bits + (apr_size_t)RC_GRAM(t[0], t[1]) * g->words;
            for (int i = 0; i < g->words; i++)
                cand[i] &= bits[i];
        }
    for (int i = 0; i < g->words; i++)
        ncand += __builtin_popcountll(cand[i]);
    pos = apr_palloc(p, sizeof(int) * (ncand + 1));  /* the candidates only, not every item */
    for (int i = 0; i < g->words; i++)
        for (apr_uint64_t bits = cand[i]; bits; bits &= bits - 1) {
            int item = i * 64 + __builtin_ctzll(bits);
            if (match_words(&col->items[item], q->words))
                pos[n++] = pos_of[item];
        }
    qsort(pos, n, sizeof(int), cmp_int);
    for (int i = 0; i < n; i++)
        pos[i] = order[pos[i]];
    return scan(p, d, col, q, pos, n, first, count);
}

/* ---- by index ---- */

#define MAX_SEGMENTS 3

/* Positions [a, e) where items match when their key is in the query's key set and their date
 * precision in precs (bit per rc_precision). */
typedef struct segment {
    int a, e;
    unsigned precs;
    apr_uint32_t *hist;  /* positions per key */
} segment;

typedef struct plan {
    const rc_index *ix;
    const rc_order_index *oi;
    int nkeys;
    unsigned char *kind_ok;   /* per key: passes the kind filter */
    unsigned char *match;     /* per key: passes the kind and country filters */
    segment seg[MAX_SEGMENTS];
    int nseg;
} plan;

static int cmp_segment(const segment *x, const segment *y)
{
    return x->a - y->a;
}

static void add_segment(apr_pool_t *p, plan *pl, int lo, int hi, unsigned precs)
{
    segment *s = &pl->seg[pl->nseg];
    rc_index_range(pl->oi, lo, hi, &s->a, &s->e);
    if (s->a >= s->e)
        return;
    s->precs = precs;
    s->hist = apr_pcalloc(p, sizeof(apr_uint32_t) * pl->nkeys);
    rc_index_histogram(pl->oi, pl->nkeys, s->a, s->e, s->hist);
    pl->nseg++;
}

/* The date filter as up to three ranges of positions. Items starting at or after from's start
 * match whatever their precision; of those starting before it only a year that contains from
 * (starting on January 1 of from's year) or a month that contains it (starting on the first of
 * from's month) overlaps it, so those two start dates are ranges of their own. */
static void plan_dates(apr_pool_t *p, plan *pl, const rc_query *q)
{
    const unsigned all = 1u << RC_PREC_YEAR | 1u << RC_PREC_MONTH | 1u << RC_PREC_DAY;
    int lo = q->from ? q->from : 0, hi = q->to ? q->to : 99991231;
    int month_start = lo / 100 * 100 + 1, year_start = lo / 10000 * 10000 + 101;

    add_segment(p, pl, lo, hi, all);
    if (q->from && month_start < lo && month_start == year_start)
        add_segment(p, pl, month_start, month_start, 1u << RC_PREC_MONTH | 1u << RC_PREC_YEAR);
    else {
        if (q->from && month_start < lo)
            add_segment(p, pl, month_start, month_start, 1u << RC_PREC_MONTH);
        if (q->from && year_start < lo)
            add_segment(p, pl, year_start, year_start, 1u << RC_PREC_YEAR);
    }
    /* in position order, so that ranks run across them */
    for (int i = 1; i < pl->nseg; i++)
        for (int j = i; j > 0 && cmp_segment(&pl->seg[j - 1], &pl->seg[j]) > 0; j--) {
            segment t = pl->seg[j];
            pl->seg[j] = pl->seg[j - 1];
            pl->seg[j - 1] = t;
        }
}

static int matches_at(const plan *pl, const segment *s, int pos)
{
    int k = pl->oi->key[pos];
    return pl->match[k] && (s->precs >> pl->ix->keys.prec[k] & 1);
}

/* Positions in [0, block * RC_INDEX_BLOCK) whose key is one of keys. */
static apr_int64_t block_count(const plan *pl, const int *keys, int nkeys, int block)
{
    const apr_uint32_t *row = pl->oi->blocks + (apr_size_t)block * pl->nkeys;
    apr_int64_t n = 0;
    for (int i = 0; i < nkeys; i++)
        n += row[keys[i]];
    return n;
}

/* Collects up to count matching positions of segment s, skipping the first `skip`. */
static void collect(apr_pool_t *p, const plan *pl, const segment *s, apr_int64_t skip,
                    int count, int *out, int *nout)
{
    const rc_order_index *oi = pl->oi;
    int *keys = apr_palloc(p, sizeof(int) * (pl->nkeys + 1)), nk = 0;
    int pos = s->a, last_block = (s->e - 1) / RC_INDEX_BLOCK;

    for (int k = 0; k < pl->nkeys; k++)
        if (pl->match[k] && (s->precs >> pl->ix->keys.prec[k] & 1))
            keys[nk++] = k;

    /* Jump close to the first wanted match: the last block boundary with at most `skip`
     * matches between s->a and it. */
    if (skip > 0) {
        int first_block = s->a / RC_INDEX_BLOCK + 1, lo = first_block, hi = last_block;
        apr_int64_t before = 0, base;
        for (int q = (first_block - 1) * RC_INDEX_BLOCK; q < s->a; q++)
            before += matches_at(pl, s, q);
        base = block_count(pl, keys, nk, first_block - 1) + before;
        while (lo <= hi) {
            int mid = lo + (hi - lo) / 2;
            if (block_count(pl, keys, nk, mid) - base <= skip)
                lo = mid + 1;
            else
                hi = mid - 1;
        }
        if (hi >= first_block) {  /* block boundary hi has at most skip matches before it */
            skip -= block_count(pl, keys, nk, hi) - base;
            pos = hi * RC_INDEX_BLOCK;
        }
    }
    while (pos < s->e && *nout < count) {
        /* a whole block without a match is skipped by its counts, when summing the counts of
         * the keys wanted costs less than reading the block's keys */
        if (2 * nk < RC_INDEX_BLOCK && pos % RC_INDEX_BLOCK == 0 &&
            pos / RC_INDEX_BLOCK < last_block &&
            block_count(pl, keys, nk, pos / RC_INDEX_BLOCK + 1) ==
                block_count(pl, keys, nk, pos / RC_INDEX_BLOCK)) {
            pos += RC_INDEX_BLOCK;
            continue;
        }
        if (matches_at(pl, s, pos)) {
            if (skip > 0)
                skip--;
            else
                out[(*nout)++] = oi->order[pos];
        }
        pos++;
    }
}

static rc_result *run_indexed(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                              const rc_query *q, int asc, apr_int64_t first, int count)
{
    const rc_index *ix = col->index;
    rc_result *r = new_result(p, d, col);
    plan pl;
    apr_uint32_t *per_year;
    apr_int64_t skip = first;
    int *ids;

    memset(&pl, 0, sizeof(pl));
    pl.ix = ix;
    pl.oi = asc ? &ix->asc : &ix->desc;
    pl.nkeys = ix->keys.n;
    pl.kind_ok = apr_palloc(p, pl.nkeys + 1);
    pl.match = apr_palloc(p, pl.nkeys + 1);
    {
        apr_uint64_t want_countries = 0;
        char *want_kinds = apr_pcalloc(p, col->nkinds + 1);
        if (q->countries)
            for (int c = 0; c < d->ncountries; c++)
                if (q->countries[c])
                    want_countries |= (apr_uint64_t)1 << c;
        if (q->kinds)
            for (int i = 0; i < col->nkinds; i++)
                for (const char **k = q->kinds; *k; k++)
                    if (!strcmp(*k, col->kinds[i]))
                        want_kinds[i] = 1;
        for (int k = 0; k < pl.nkeys; k++) {
            int kind = ix->keys.kind[k];
            pl.kind_ok[k] = !q->kinds || (kind >= 0 && want_kinds[kind]);
            pl.match[k] = pl.kind_ok[k] && (!q->countries || (ix->keys.countries[k] & want_countries));
        }
    }
    plan_dates(p, &pl, q);

    /* total and the country facet, over the date ranges */
    for (int i = 0; i < pl.nseg; i++) {
        const segment *s = &pl.seg[i];
        for (int k = 0; k < pl.nkeys; k++) {
            apr_uint64_t bits;
            if (!s->hist[k] || !(s->precs >> ix->keys.prec[k] & 1) || !pl.kind_ok[k])
                continue;
            if (pl.match[k])
                r->total += (int)s->hist[k];
            for (bits = ix->keys.countries[k]; bits; bits &= bits - 1)
                r->country_counts[__builtin_ctzll(bits)] += (int)s->hist[k];
        }
    }
    /* the year facet, over every date */
    per_year = apr_pcalloc(p, sizeof(apr_uint32_t) * (ix->keys.nyears + 1));
    for (int k = 0; k < pl.nkeys; k++)
        if (pl.match[k])
            for (int y = 0; y < ix->keys.nyears; y++)
                per_year[y] += ix->keys.year_counts[(apr_size_t)k * ix->keys.nyears + y];
    set_years(r, per_year, ix->keys.nyears, ix->keys.years, 0);

    /* the slice */
    r->first = first;
    if (count > r->total)
        count = r->total;
    ids = apr_palloc(p, sizeof(int) * (count + 1));
    for (int i = 0; i < pl.nseg && r->nids < count && first < r->total; i++) {
        segment *s = &pl.seg[i];
        apr_int64_t in_seg = 0;
        for (int k = 0; k < pl.nkeys; k++)
            if (pl.match[k] && (s->precs >> ix->keys.prec[k] & 1))
                in_seg += s->hist[k];
        if (skip >= in_seg) {
            skip -= in_seg;
            continue;
        }
        collect(p, &pl, s, skip, count, ids, &r->nids);
        skip = 0;
    }
    r->ids = ids;
    return r;
}

rc_result *rc_filter_run(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const rc_query *q, int sort_asc, apr_int64_t first, int count)
{
    int asc = sort_asc >= 0 ? sort_asc : q->sort_asc;
    if (col->index && q->words)
        return run_words(p, d, col, q, asc, first, count);
    /* a listing of everything in CSV reads every item anyway */
    if (!col->index || count == RC_ALL)
        return rc_filter_scan(p, d, col, q, asc, first, count);
    return run_indexed(p, d, col, q, asc, first, count);
}

apr_int64_t rc_result_pages(const rc_result *r, int per_page)
{
    return ((apr_int64_t)r->total + per_page - 1) / per_page;
}
