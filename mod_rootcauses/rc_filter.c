/* rc_filter: three ways to the same answer, chosen by the query and the data:
 *
 *   - without q, by the index of keys and running counts (rc_index.h): O(log n + keys + page);
 *   - with q, by bitsets over the positions (rc_words.h): the words' set, then the facets and
 *     the total as popcounts of it with the countries', kinds' and precisions' bitsets over the
 *     date ranges: O(n / 64 + page), a few thousand words even at a million items;
 *   - the pass over every item, the reference the unit tests hold the others to, and the way
 *     when the data is beyond the index (more than 64 countries or kinds).
 *
 * Positions are the items in newest-first order (col->items); oldest first is col->asc. */
#include "rc_filter.h"
#include "rc_index.h"
#include "rc_words.h"

#include <stdlib.h>
#include <string.h>

#define ALL_PRECS (1u << RC_PREC_YEAR | 1u << RC_PREC_MONTH | 1u << RC_PREC_DAY)

/* Debian builds for the x86-64 baseline, which has neither popcnt nor AVX2: the hot loops are
 * compiled for both and chosen at run time. */
/* (not under the sanitizers: an ifunc resolver runs before their runtime is ready) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define RC_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#define RC_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define RC_SIMD_CLONES
#define RC_POPCNT_CLONES
#endif

/* ---------------------------------------------------------------- shared */

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
static void set_years(rc_result *r, const apr_uint32_t *per_year, int n,
                      const apr_int32_t *years, int first)
{
    for (int y = n - 1; y >= 0; y--)
        if (per_year[y]) {
            r->years[r->nyears].year = years ? years[y] : first + y;
            r->years[r->nyears++].count = (int)per_year[y];
        }
}

/* The position of asc rank or desc position k in sort order. */
static int pos_at(const rc_collection *col, int asc, int k)
{
    return asc ? (int)col->asc[k] : k;
}

/* The positions in [*a, *e) (newest-first) whose item starts in [lo, hi]. */
static void start_range(const rc_collection *col, int lo, int hi, int *a, int *e)
{
    int l = 0, h = col->nitems;
    while (l < h) {  /* first start <= hi */
        int mid = l + (h - l) / 2;
        if (col->items[mid].start > hi)
            l = mid + 1;
        else
            h = mid;
    }
    *a = l;
    h = col->nitems;
    while (l < h) {  /* first start < lo */
        int mid = l + (h - l) / 2;
        if (col->items[mid].start >= lo)
            l = mid + 1;
        else
            h = mid;
    }
    *e = l;
}

/* ---------------------------------------------------------------- the pass over every item */

typedef struct matcher {
    const rc_data *d;
    const rc_collection *col;
    const rc_query *q;
    const apr_uint64_t *words;  /* q's set over positions, or NULL */
} matcher;

static int match_country(const matcher *m, const rc_item *it)
{
    const apr_uint16_t *c;
    if (!m->q->countries)
        return 1;
    c = rc_item_countries(m->d, it);
    for (int i = 0; i < it->ncountries; i++)
        if (m->q->countries[c[i]])
            return 1;
    return 0;
}

static int match_rest(const matcher *m, int pos)
{
    const rc_item *it = &m->col->items[pos];
    if (m->q->kinds && (it->kind < 0 || !m->q->kind_checked[it->kind]))
        return 0;
    return !m->words || (m->words[pos >> 6] >> (pos & 63) & 1);
}

static int match_date(const rc_query *q, const rc_item *it)
{
    /* periods overlap when each starts before the other ends */
    return (!q->from || it->end >= q->from) && (!q->to || it->start <= q->to);
}

static void matcher_init(apr_pool_t *p, matcher *m, const rc_data *d, const rc_collection *col,
                         const rc_query *q)
{
    m->d = d;
    m->col = col;
    m->q = q;
    m->words = q->words ? rc_words_match(p, &d->img, col->words, q->words) : NULL;
}

rc_result *rc_filter_scan(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                          const rc_query *q, int sort_asc, apr_int64_t first, int count)
{
    int asc = sort_asc >= 0 ? sort_asc : q->sort_asc, n = col->nitems;
    rc_result *r = new_result(p, d, col);
    int span = n ? col->max_year - col->min_year + 1 : 0;
    apr_uint32_t *per_year = apr_pcalloc(p, sizeof(apr_uint32_t) * (span + 1));
    int *ids = apr_palloc(p, sizeof(int) * (count < n ? count + 1 : n + 1));
    matcher m;

    matcher_init(p, &m, d, col, q);
    r->first = first;
    for (int k = 0; k < n; k++) {
        int pos = pos_at(col, asc, k);
        const rc_item *it = &col->items[pos];
        int in_country, in_date;
        if (!match_rest(&m, pos))
            continue;
        in_country = match_country(&m, it);
        in_date = match_date(q, it);
        if (in_date) {
            const apr_uint16_t *c = rc_item_countries(d, it);
            for (int i = 0; i < it->ncountries; i++)
                r->country_counts[c[i]]++;
        }
        if (in_country)
            per_year[it->start / 10000 - col->min_year]++;
        if (in_country && in_date) {
            if (r->total >= first && r->nids < count)
                ids[r->nids++] = pos;
            r->total++;
        }
    }
    set_years(r, per_year, span, NULL, col->min_year);
    r->ids = ids;
    return r;
}

void rc_filter_each(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                    const rc_query *q, int sort_asc, rc_each_fn fn, void *ctx)
{
    int asc = sort_asc >= 0 ? sort_asc : q->sort_asc, n = col->nitems;
    matcher m;
    matcher_init(p, &m, d, col, q);
    for (int k = 0; k < n; k++) {
        int pos = pos_at(col, asc, k);
        const rc_item *it = &col->items[pos];
        if (match_rest(&m, pos) && match_country(&m, it) && match_date(q, it) && !fn(ctx, pos))
            return;
    }
}

/* ---------------------------------------------------------------- date ranges */

#define MAX_SEGMENTS 3

/* Positions [a, e) where items match when their date precision is in precs (bit per
 * rc_precision); hist: positions per key (the index's way only). */
typedef struct segment {
    int a, e;
    unsigned precs;
    apr_uint32_t *hist;
} segment;

typedef void (*range_fn)(const void *ctx, int lo, int hi, int *a, int *e);

/* The date filter as up to three ranges of positions, in position order. Items starting at or
 * after from's start match whatever their precision; of those starting before it only a year
 * that contains from (starting on January 1 of from's year) or a month that contains it
 * (starting on the first of from's month) overlaps it, so those two start dates are ranges of
 * their own. */
static int plan_dates(const rc_query *q, range_fn range, const void *ctx, segment *seg)
{
    int lo = q->from ? q->from : 0, hi = q->to ? q->to : 99991231, nseg = 0;
    int month_start = lo / 100 * 100 + 1, year_start = lo / 10000 * 10000 + 101;
    struct {
        int lo, hi;
        unsigned precs;
    } want[MAX_SEGMENTS];
    int nwant = 0;

    want[nwant].lo = lo;
    want[nwant].hi = hi;
    want[nwant++].precs = ALL_PRECS;
    if (q->from && month_start < lo && month_start == year_start) {
        want[nwant].lo = want[nwant].hi = month_start;
        want[nwant++].precs = 1u << RC_PREC_MONTH | 1u << RC_PREC_YEAR;
    }
    else {
        if (q->from && month_start < lo) {
            want[nwant].lo = want[nwant].hi = month_start;
            want[nwant++].precs = 1u << RC_PREC_MONTH;
        }
        if (q->from && year_start < lo) {
            want[nwant].lo = want[nwant].hi = year_start;
            want[nwant++].precs = 1u << RC_PREC_YEAR;
        }
    }
    for (int i = 0; i < nwant; i++) {
        /* a range that starts after `to` ends matches nothing */
        if (want[i].lo > hi)
            continue;
        range(ctx, want[i].lo, want[i].hi, &seg[nseg].a, &seg[nseg].e);
        if (seg[nseg].a >= seg[nseg].e)
            continue;
        seg[nseg].precs = want[i].precs;
        seg[nseg].hist = NULL;
        nseg++;
    }
    for (int i = 1; i < nseg; i++)  /* in position order, so that ranks run across them */
        for (int j = i; j > 0 && seg[j - 1].a > seg[j].a; j--) {
            segment t = seg[j];
            seg[j] = seg[j - 1];
            seg[j - 1] = t;
        }
    return nseg;
}

/* ---------------------------------------------------------------- by index */


/* sum[i] += row[i]: eight lanes at a time where the CPU has AVX2 */
RC_SIMD_CLONES
static void add_counts(apr_uint32_t *restrict sum, const apr_uint32_t *restrict row, apr_size_t n)
{
    apr_size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            sum[i + j] += row[i + j];
    for (; i < n; i++)
        sum[i] += row[i];
}

typedef struct plan {
    const rc_img_index *ix;
    rc_order_view v;
    const apr_uint64_t *key_countries;
    const apr_int32_t *key_kind;
    const unsigned char *key_prec;
    int nkeys;
    unsigned char *kind_ok;   /* per key: passes the kind filter */
    unsigned char *match;     /* per key: passes the kind and country filters */
    segment seg[MAX_SEGMENTS];
    int nseg;
} plan;

static void view_range(const void *ctx, int lo, int hi, int *a, int *e)
{
    rc_index_range(ctx, lo, hi, a, e);
}

static int matches_at(const plan *pl, const segment *s, int pos)
{
    int k = pl->v.key[pos];
    return pl->match[k] && (s->precs >> pl->key_prec[k] & 1);
}

/* Positions in [0, block * pl->v.block) whose key is one of keys. */
static apr_int64_t block_count(const plan *pl, const int *keys, int nkeys, int block)
{
    const apr_uint32_t *row = pl->v.blocks + (apr_size_t)block * pl->nkeys;
    apr_int64_t n = 0;
    for (int i = 0; i < nkeys; i++)
        n += row[keys[i]];
    return n;
}

/* Collects up to count matching positions of segment s, skipping the first `skip`. */
static void collect(apr_pool_t *p, const plan *pl, const segment *s, apr_int64_t skip,
                    int count, int *out, int *nout)
{
    const rc_order_view *v = &pl->v;
    int *keys = apr_palloc(p, sizeof(int) * (pl->nkeys + 1)), nk = 0, B = v->block;
    int pos = s->a, last_block = (s->e - 1) / B;

    for (int k = 0; k < pl->nkeys; k++)
        if (pl->match[k] && (s->precs >> pl->key_prec[k] & 1))
            keys[nk++] = k;

    /* Jump close to the first wanted match: the last block boundary with at most `skip`
     * matches between s->a and it. */
    if (skip > 0) {
        int first_block = s->a / B + 1, lo = first_block, hi = last_block;
        apr_int64_t before = 0, base;
        for (int q = (first_block - 1) * B; q < s->a; q++)
            before += matches_at(pl, s, q);
        base = block_count(pl, keys, nk, first_block - 1) + before;
        while (lo <= hi) {
            int mid = lo + (hi - lo) / 2;
            if (block_count(pl, keys, nk, mid) - base <= skip)
                lo = mid + 1;
            else
                hi = mid - 1;
        }
        if (hi >= first_block) {
            skip -= block_count(pl, keys, nk, hi) - base;
            pos = hi * B;
        }
    }
    while (pos < s->e && *nout < count) {
        /* a whole block without a match is skipped by its counts, when summing the counts of
         * the keys wanted costs less than reading the block's keys */
        if (2 * nk < B && pos % B == 0 && pos / B < last_block &&
            block_count(pl, keys, nk, pos / B + 1) == block_count(pl, keys, nk, pos / B)) {
            pos += B;
            continue;
        }
        if (matches_at(pl, s, pos)) {
            if (skip > 0)
                skip--;
            else
                out[(*nout)++] = v->order ? (int)v->order[pos] : pos;
        }
        pos++;
    }
}

static rc_result *run_indexed(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                              const rc_query *q, int asc, apr_int64_t first, int count)
{
    const rc_image *img = &d->img;
    const rc_img_index *ix = col->index;
    rc_result *r = new_result(p, d, col);
    const apr_int32_t *years = RC_AT(img, apr_int32_t, ix->years);
    const apr_uint32_t *year_counts = RC_AT(img, apr_uint32_t, ix->year_counts);
    plan pl;
    apr_uint32_t *per_year;
    apr_int64_t skip = first;
    apr_uint64_t want_countries = 0;
    int *ids;

    memset(&pl, 0, sizeof(pl));
    pl.ix = ix;
    rc_index_view(img, ix, col->nitems, asc, &pl.v);
    pl.nkeys = (int)ix->nkeys;
    pl.key_countries = RC_AT(img, apr_uint64_t, ix->key_countries);
    pl.key_kind = RC_AT(img, apr_int32_t, ix->key_kind);
    pl.key_prec = RC_AT(img, unsigned char, ix->key_prec);
    pl.kind_ok = apr_palloc(p, (apr_size_t)pl.nkeys + 1);
    pl.match = apr_palloc(p, (apr_size_t)pl.nkeys + 1);
    if (q->countries)
        for (int c = 0; c < d->ncountries; c++)
            if (q->countries[c])
                want_countries |= (apr_uint64_t)1 << c;
    for (int k = 0; k < pl.nkeys; k++) {
        int kind = pl.key_kind[k];
        pl.kind_ok[k] = !q->kinds || (kind >= 0 && q->kind_checked[kind]);
        pl.match[k] = pl.kind_ok[k] && (!q->countries || (pl.key_countries[k] & want_countries));
    }
    pl.nseg = plan_dates(q, view_range, &pl.v, pl.seg);

    /* total and the country facet, over the date ranges */
    for (int i = 0; i < pl.nseg; i++) {
        segment *s = &pl.seg[i];
        s->hist = apr_pcalloc(p, sizeof(apr_uint32_t) * (apr_size_t)pl.nkeys);
        rc_index_histogram(&pl.v, s->a, s->e, s->hist);
        for (int k = 0; k < pl.nkeys; k++) {
            apr_uint64_t bits;
            if (!s->hist[k] || !(s->precs >> pl.key_prec[k] & 1) || !pl.kind_ok[k])
                continue;
            if (pl.match[k])
                r->total += (int)s->hist[k];
            for (bits = pl.key_countries[k]; bits; bits &= bits - 1)
                r->country_counts[__builtin_ctzll(bits)] += (int)s->hist[k];
        }
    }
    /* the year facet, over every date: by keys without the precision, or all items */
    if (!q->countries && !q->kinds)
        per_year = (apr_uint32_t *)RC_AT(img, apr_uint32_t, ix->year_totals);
    else {
        const apr_uint16_t *key_ck = RC_AT(img, apr_uint16_t, ix->key_ck);
        unsigned char *ck = apr_pcalloc(p, ix->nck + 1);
        per_year = apr_pcalloc(p, sizeof(apr_uint32_t) * (ix->nyears + 1));
        for (int k = 0; k < pl.nkeys; k++)
            if (pl.match[k])
                ck[key_ck[k]] = 1;
        for (apr_uint32_t c = 0; c < ix->nck; c++)
            if (ck[c])
                add_counts(per_year, year_counts + (apr_size_t)c * ix->nyears, ix->nyears);
    }
    set_years(r, per_year, (int)ix->nyears, years, 0);

    /* the slice */
    r->first = first;
    if (count > r->total)
        count = r->total;
    ids = apr_palloc(p, sizeof(int) * (count + 1));
    for (int i = 0; i < pl.nseg && r->nids < count && first < r->total; i++) {
        segment *s = &pl.seg[i];
        apr_int64_t in_seg = 0;
        for (int k = 0; k < pl.nkeys; k++)
            if (pl.match[k] && (s->precs >> pl.key_prec[k] & 1))
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

/* ---------------------------------------------------------------- by bitsets (q) */

static void col_range(const void *ctx, int lo, int hi, int *a, int *e)
{
    start_range(ctx, lo, hi, a, e);
}

/* The bit mask of positions [a, e) within 64-bit word w. */
static apr_uint64_t range_mask(int a, int e, apr_size_t w)
{
    apr_uint64_t m = ~(apr_uint64_t)0;
    apr_size_t lo = w * 64, hi = lo + 64;
    if ((apr_size_t)a > lo)
        m &= ~(apr_uint64_t)0 << (a - lo);
    if ((apr_size_t)e < hi)
        m &= (apr_size_t)e <= lo ? 0 : ~(apr_uint64_t)0 >> (hi - (apr_size_t)e);
    return m;
}

/* Popcount of a & b & c over positions [from, to); b and c may be NULL. */
RC_POPCNT_CLONES
static apr_uint64_t count3(const apr_uint64_t *a, const apr_uint64_t *b, const apr_uint64_t *c,
                           int from, int to)
{
    apr_size_t wa, we;
    apr_uint64_t n = 0;
    if (from >= to)
        return 0;
    wa = (apr_size_t)from / 64;
    we = (apr_size_t)(to - 1) / 64;
    for (apr_size_t w = wa; w <= we; w++) {
        apr_uint64_t x = a[w];
        if (b)
            x &= b[w];
        if (c)
            x &= c[w];
        if (w == wa || w == we)
            x &= range_mask(from, to, w);
        n += (apr_uint64_t)__builtin_popcountll(x);
    }
    return n;
}

/* Popcount of set over positions [a, e). */
RC_POPCNT_CLONES
static apr_uint64_t count_range(const apr_uint64_t *set, int a, int e)
{
    apr_size_t wa, we;
    apr_uint64_t n;
    if (a >= e)
        return 0;
    wa = (apr_size_t)a / 64;
    we = (apr_size_t)(e - 1) / 64;
    if (wa == we)
        return (apr_uint64_t)__builtin_popcountll(set[wa] & range_mask(a, e, wa));
    n = (apr_uint64_t)__builtin_popcountll(set[wa] & range_mask(a, e, wa)) +
        (apr_uint64_t)__builtin_popcountll(set[we] & range_mask(a, e, we));
    return n + rc_bits_count(set, NULL, wa + 1, we);
}

/* The positions of the oldest-first groups: [*ga, *ge) is the group of equal start dates that
 * holds pos. */
static void group_of(const rc_collection *col, int pos, int *ga, int *ge)
{
    int s = col->items[pos].start;
    start_range(col, s, s, ga, ge);
}

/* A bitset of every position. */
static apr_uint64_t *all_positions(apr_pool_t *p, const rc_collection *col)
{
    apr_size_t nb = col->words->nbits;
    apr_uint64_t *t = apr_palloc(p, sizeof(apr_uint64_t) * (nb + 1));
    memset(t, 0xff, sizeof(apr_uint64_t) * nb);
    if (col->nitems % 64)
        t[nb - 1] = ((apr_uint64_t)1 << (col->nitems % 64)) - 1;
    return t;
}

/* The highest position below pos with a bit in hit, or -1. */
static int prev_hit(const apr_uint64_t *hit, int pos)
{
    int w;
    apr_uint64_t bits;
    if (pos <= 0)
        return -1;
    w = (pos - 1) / 64;
    bits = hit[w] & range_mask(w * 64, pos, (apr_size_t)w);
    while (!bits) {
        if (--w < 0)
            return -1;
        bits = hit[w];
    }
    return w * 64 + 63 - __builtin_clzll(bits);
}

/* Oldest first from the bitset of matches: the groups of one start date from the last position
 * down, each in position order (ties by id). Whole words are skipped by popcount first; the
 * group that straddles the last skipped word is then taken whole again. */
static void slice_oldest_first(const rc_collection *col, const apr_uint64_t *hit,
                               apr_int64_t skip, int count, int *ids, int *nids)
{
    int pos = col->nitems, w = (pos - 1) / 64;
    while (w >= 0) {
        apr_int64_t c = (apr_int64_t)count_range(hit, w * 64, pos);
        if (c > skip)
            break;
        skip -= c;
        pos = w * 64;
        w--;
    }
    if (pos < col->nitems) {
        int ga, ge;
        group_of(col, pos, &ga, &ge);
        skip += (apr_int64_t)count_range(hit, pos, ge);
        pos = ge;
    }
    while (*nids < count) {
        int last = prev_hit(hit, pos), ga, ge;
        apr_int64_t c;
        if (last < 0)
            break;
        group_of(col, last, &ga, &ge);
        c = (apr_int64_t)count_range(hit, ga, last + 1);
        if (skip >= c)
            skip -= c;
        else
            for (int p = ga; p <= last && *nids < count; p++)
                if (hit[p >> 6] >> (p & 63) & 1) {
                    if (skip > 0)
                        skip--;
                    else
                        ids[(*nids)++] = p;
                }
        pos = ga;
    }
}

RC_POPCNT_CLONES
static rc_result *run_bits(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                           const rc_query *q, int asc, apr_int64_t first, int count)
{
    const rc_image *img = &d->img;
    const rc_img_words *wd = col->words;
    apr_size_t nb = wd->nbits;
    rc_result *r = new_result(p, d, col);
    /* q's items (all without q), then of its kinds */
    apr_uint64_t *t = q->words ? rc_words_match(p, img, wd, q->words) : all_positions(p, col);
    apr_uint64_t *m; /* and of its countries */
    segment seg[MAX_SEGMENTS];
    int nseg, *ids;

    const apr_uint64_t *cb[64];
    int nc = d->ncountries;

    for (int c = 0; c < nc; c++)
        cb[c] = rc_words_bits(img, wd, wd->country_bits, c);
    if (q->kinds) {
        apr_uint64_t *km = apr_pcalloc(p, sizeof(apr_uint64_t) * (nb + 1));
        for (int i = 0; i < col->nkinds; i++)
            if (q->kind_checked[i]) {
                const apr_uint64_t *kb = rc_words_bits(img, wd, wd->kind_bits, i);
                for (apr_size_t w = 0; w < nb; w++)
                    km[w] |= kb[w];
            }
        for (apr_size_t w = 0; w < nb; w++)
            t[w] &= km[w];
    }
    if (q->countries) {
        m = apr_pcalloc(p, sizeof(apr_uint64_t) * (nb + 1));
        for (int c = 0; c < nc; c++)
            if (q->countries[c])
                for (apr_size_t w = 0; w < nb; w++)
                    m[w] |= t[w] & cb[c][w];
    }
    else
        m = t;

    /* total and the country facet over the date ranges, restricted to their precisions (the
     * ranges of one start date, where only some precisions overlap from) */
    nseg = plan_dates(q, col_range, col, seg);
    for (int i = 0; i < nseg; i++) {
        const segment *s = &seg[i];
        const apr_uint64_t *pm = NULL;
        if (s->precs != ALL_PRECS) {
            apr_uint64_t *mask = apr_pcalloc(p, sizeof(apr_uint64_t) * (nb + 1));
            for (int k = 0; k < 3; k++)
                if (s->precs >> k & 1) {
                    const apr_uint64_t *pb = rc_words_bits(img, wd, wd->prec_bits, k);
                    for (apr_size_t w = (apr_size_t)s->a / 64; w <= (apr_size_t)(s->e - 1) / 64; w++)
                        mask[w] |= pb[w];
                }
            pm = mask;
        }
        r->total += (int)count3(m, pm, NULL, s->a, s->e);
        for (int c = 0; c < nc; c++)
            r->country_counts[c] += (int)count3(t, cb[c], pm, s->a, s->e);
    }
    /* the year facet over every date: a year's items are contiguous positions */
    {
        int pos = 0, span = col->nitems ? col->max_year - col->min_year + 1 : 0;
        apr_uint32_t *per_year = apr_pcalloc(p, sizeof(apr_uint32_t) * (span + 1));
        while (pos < col->nitems) {
            int y = col->items[pos].start / 10000, a, e;
            start_range(col, y * 10000 + 101, y * 10000 + 1231, &a, &e);
            per_year[y - col->min_year] = (apr_uint32_t)count_range(m, a, e);
            pos = e > pos ? e : pos + 1;
        }
        set_years(r, per_year, span, NULL, col->min_year);
    }

    /* the slice: matches are m's bits within the segments (and their precisions) */
    r->first = first;
    if (count > r->total)
        count = r->total;
    ids = apr_palloc(p, sizeof(int) * (count + 1));
    r->ids = ids;
    if (first >= r->total || count <= 0)
        return r;
    {
        /* the matching set as one bitset: m within the segments */
        apr_uint64_t *hit = apr_pcalloc(p, sizeof(apr_uint64_t) * (nb + 1));
        for (int i = 0; i < nseg; i++) {
            const segment *s = &seg[i];
            for (apr_size_t w = (apr_size_t)s->a / 64; w <= (apr_size_t)(s->e - 1) / 64; w++) {
                apr_uint64_t mask = range_mask(s->a, s->e, w);
                if (s->precs != ALL_PRECS) {
                    apr_uint64_t pm = 0;
                    for (int k = 0; k < 3; k++)
                        if (s->precs >> k & 1)
                            pm |= rc_words_bits(img, wd, wd->prec_bits, k)[w];
                    mask &= pm;
                }
                hit[w] |= m[w] & mask;
            }
        }
        if (!asc) {
            apr_int64_t skip = first;
            for (apr_size_t w = 0; w < nb && r->nids < count; w++) {
                apr_uint64_t bits = hit[w];
                int c = __builtin_popcountll(bits);
                if (skip >= c) {
                    skip -= c;
                    continue;
                }
                for (; bits && r->nids < count; bits &= bits - 1) {
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    ids[r->nids++] = (int)(w * 64) + __builtin_ctzll(bits);
                }
            }
        }
        else
            slice_oldest_first(col, hit, first, count, ids, &r->nids);
    }
    return r;
}

/* ---------------------------------------------------------------- choice */

rc_result *rc_filter_run(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const rc_query *q, int sort_asc, apr_int64_t first, int count)
{
    int asc = sort_asc >= 0 ? sort_asc : q->sort_asc;
    const rc_img_words *wd = col->words;
    int bits = wd->country_bits && (wd->kind_bits || !col->nkinds) && d->ncountries <= 64 &&
               col->nkinds <= 64;
    if (q->words)
        return bits ? run_bits(p, d, col, q, asc, first, count)
                    : rc_filter_scan(p, d, col, q, asc, first, count);
    if (col->index && bits) {
        /* Both ways answer without q: the index costs about its keys (a few loops over them
         * and two blocks of key reads per date range), the bitsets their 64-bit words (a pass
         * per country and a few more). Small collections with many keys take the bitsets;
         * large ones the index, whose cost does not grow with the items. */
        apr_uint64_t by_keys = (apr_uint64_t)col->index->nkeys * 40 + col->index->block * 8;
        apr_uint64_t by_bits = (apr_uint64_t)wd->nbits * ((apr_uint64_t)d->ncountries + 4) * 6;
        if (by_bits < by_keys)
            return run_bits(p, d, col, q, asc, first, count);
        return run_indexed(p, d, col, q, asc, first, count);
    }
    if (col->index)
        return run_indexed(p, d, col, q, asc, first, count);
    return bits ? run_bits(p, d, col, q, asc, first, count)
                : rc_filter_scan(p, d, col, q, asc, first, count);
}

apr_int64_t rc_result_pages(const rc_result *r, int per_page)
{
    return ((apr_int64_t)r->total + per_page - 1) / per_page;
}
