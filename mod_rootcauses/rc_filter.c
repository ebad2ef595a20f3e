/* rc_filter: four ways to the same answer, chosen by the query, the data and measured costs:
 *
 *   - without q, by the index of keys and running counts (rc_index.h): O(log n + cks + block),
 *     and the page read from the bitsets like the next;
 *   - with q, by bitsets over the positions (rc_words.h): the words' set, then the facets and
 *     the total as popcounts of it with the countries', kinds' and precisions' bitsets over the
 *     date ranges: O(n / 64 + page), 64 positions in about 40 instructions;
 *   - with q of few matches, the walk over those only: O(matches);
 *   - the pass over every item, the reference the unit tests hold the others to, and the way
 *     when the data is beyond the index (more than 64 countries or kinds).
 *
 * Positions are the items in newest-first order (col->items); oldest first is col->asc. */
#include "rc_filter.h"
#include "rc_index.h"
#include "rc_simd.h"
#include "rc_words.h"

#include <stdlib.h>
#include <string.h>

#define ALL_PRECS (1u << RC_PREC_YEAR | 1u << RC_PREC_MONTH | 1u << RC_PREC_DAY)

/* what the clones call is compiled into each of them */
#define RC_INLINE static inline __attribute__((always_inline))

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

/* Counts the item at pos, of q's words and kinds, into r's country facet when its date matches
 * and into per_year when its countries do; whether both do. */
RC_INLINE int tally(const matcher *m, int pos, rc_result *r, apr_uint32_t *per_year)
{
    const rc_item *it = &m->col->items[pos];
    int in_country = match_country(m, it), in_date = match_date(m->q, it);
    if (in_date) {
        const apr_uint16_t *c = rc_item_countries(m->d, it);
        for (int i = 0; i < it->ncountries; i++)
            r->country_counts[c[i]]++;
    }
    if (in_country)
        per_year[it->start / 10000 - m->col->min_year]++;
    return in_country && in_date;
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
        if (match_rest(&m, pos) && tally(&m, pos, r, per_year)) {
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

/* ---------------------------------------------------------------- the pass over q's matches */

/* q's words as ranges of the dictionary, looked up once per query. */
typedef struct qwords {
    rc_word_range r[RC_Q_MAX_WORDS + 1];
    int n;
} qwords;

/* q's matches as ascending positions when one of its words has at most limit (in arrays of
 * postings): those, less the ones another word does not have; NULL when every word has more.
 * Costs about the matches of the word with fewest, never a set over every position unless a
 * word of many is made of several dictionary words. */
static const apr_uint32_t *q_positions(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                                       const qwords *qw, apr_size_t limit, apr_size_t *n)
{
    const rc_img_words *wd = col->words;
    const apr_uint32_t *pos[RC_Q_MAX_WORDS + 1];
    apr_size_t npos[RC_Q_MAX_WORDS + 1], k;
    apr_uint32_t *out;
    int nw = qw->n, best = -1;

    for (int i = 0; i < nw; i++)
        if ((pos[i] = rc_words_positions(p, &d->img, wd, qw->r[i], limit, &npos[i])) &&
            (best < 0 || npos[i] < npos[best]))
            best = i;
    if (best < 0)
        return NULL;
    if (nw == 1) {
        *n = npos[best];
        return pos[best];
    }
    out = apr_palloc(p, sizeof(apr_uint32_t) * (npos[best] + 1));
    memcpy(out, pos[best], sizeof(apr_uint32_t) * npos[best]);
    k = npos[best];
    for (int i = 0; i < nw && k; i++) {
        apr_size_t kept = 0;
        if (i == best)
            continue;
        if (pos[i]) {  /* two ascending arrays */
            apr_size_t j = 0;
            for (apr_size_t t = 0; t < k; t++) {
                while (j < npos[i] && pos[i][j] < out[t])
                    j++;
                if (j < npos[i] && pos[i][j] == out[t])
                    out[kept++] = out[t];
            }
        }
        else {
            const apr_uint64_t *set = rc_words_set(p, &d->img, wd, qw->r[i]);
            for (apr_size_t t = 0; set && t < k; t++)
                if (set[out[t] >> 6] >> (out[t] & 63) & 1)
                    out[kept++] = out[t];
        }
        k = kept;
    }
    *n = k;
    return out;
}

/* What rc_filter_scan does, over q's matches only (ascending positions from q_positions):
 * O(matches). */
static rc_result *run_walk(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                           const rc_query *q, int asc, apr_int64_t first, int count,
                           const apr_uint32_t *pos, apr_size_t n)
{
    rc_result *r = new_result(p, d, col);
    int span = col->nitems ? col->max_year - col->min_year + 1 : 0;
    apr_uint32_t *per_year = apr_pcalloc(p, sizeof(apr_uint32_t) * (span + 1));
    int *hits = apr_palloc(p, sizeof(int) * (n + 1)), *ids;

    matcher m;

    m.d = d;
    m.col = col;
    m.q = q;
    m.words = NULL;  /* pos are q's matches already */
    for (apr_size_t i = 0; i < n; i++)
        if (match_rest(&m, (int)pos[i]) && tally(&m, (int)pos[i], r, per_year))
            hits[r->total++] = (int)pos[i];
    set_years(r, per_year, span, NULL, col->min_year);

    /* the slice: oldest first is the groups of one start date from the last, each in
     * position order */
    r->first = first;
    if (count > r->total)
        count = r->total;
    ids = apr_palloc(p, sizeof(int) * (count + 1));
    r->ids = ids;
    if (!asc)
        for (apr_int64_t i = first; i < r->total && r->nids < count; i++)
            ids[r->nids++] = hits[i];
    else
        for (int ge = r->total, ga; ge > 0 && r->nids < count; ge = ga) {
            int start = col->items[hits[ge - 1]].start;
            for (ga = ge - 1; ga > 0 && col->items[hits[ga - 1]].start == start; ga--)
                ;
            if (first >= ge - ga) {
                first -= ge - ga;
                continue;
            }
            for (int i = ga + (int)first; i < ge && r->nids < count; i++)
                ids[r->nids++] = hits[i];
            first = 0;
        }
    return r;
}

/* ---------------------------------------------------------------- date ranges */

#define MAX_SEGMENTS 3

/* Positions [a, e) where items match when their date precision is in precs (bit per
 * rc_precision). */
typedef struct segment {
    int a, e;
    unsigned precs;
} segment;

/* The date filter as up to three ranges of positions, in position order. Items starting at or
 * after from's start match whatever their precision; of those starting before it only a year
 * that contains from (starting on January 1 of from's year) or a month that contains it
 * (starting on the first of from's month) overlaps it, so those two start dates are ranges of
 * their own. */
static int plan_dates(const rc_query *q, const rc_collection *col, segment *seg)
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
        start_range(col, want[i].lo, want[i].hi, &seg[nseg].a, &seg[nseg].e);
        if (seg[nseg].a >= seg[nseg].e)
            continue;
        seg[nseg].precs = want[i].precs;
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

/* ---------------------------------------------------------------- by bitsets: the slice */

/* The bit mask of positions [a, e) within 64-bit word w. */
RC_INLINE apr_uint64_t range_mask(int a, int e, apr_size_t w)
{
    apr_uint64_t m = ~(apr_uint64_t)0;
    apr_size_t lo = w * 64, hi = lo + 64;
    if ((apr_size_t)a > lo)
        m &= ~(apr_uint64_t)0 << (a - lo);
    if ((apr_size_t)e < hi)
        m &= (apr_size_t)e <= lo ? 0 : ~(apr_uint64_t)0 >> (hi - (apr_size_t)e);
    return m;
}

/* A query as bitsets over the positions (rc_words.h): a position matches when it is in every set
 * of q's words, in the set of one of the kinds asked for and of one of the countries asked for,
 * and within a date segment with one of its precisions. The slices of both engines are read
 * from these 64 positions at a time, so that a selective filter skips what it does not match
 * without a look at each position. */
typedef struct bitq {
    const apr_uint64_t *q[RC_Q_MAX_WORDS + 1];
    int nq;                             /* 0: no q, every position */
    int none;                           /* a word of q begins no word of the collection */
    const apr_uint64_t *kinds[64];
    int nkinds, by_kind;
    const apr_uint64_t *countries[64];
    int ncountries, by_country;
    const apr_uint64_t *prec[3];
} bitq;

static void bitq_init(apr_pool_t *p, bitq *b, const rc_data *d, const rc_collection *col,
                      const rc_query *q, const qwords *qw)
{
    const rc_image *img = &d->img;
    const rc_img_words *wd = col->words;
    memset(b, 0, sizeof(*b));
    for (int i = 0; qw && i < qw->n && !b->none; i++)
        if (!(b->q[b->nq++] = rc_words_set(p, img, wd, qw->r[i])))
            b->none = 1;
    b->by_kind = q->kinds != NULL;
    if (q->kinds)
        for (int k = 0; k < col->nkinds; k++)
            if (q->kind_checked[k])
                b->kinds[b->nkinds++] = rc_words_bits(img, wd, wd->kind_bits, k);
    b->by_country = q->countries != NULL;
    if (q->countries)
        for (int c = 0; c < d->ncountries; c++)
            if (q->countries[c])
                b->countries[b->ncountries++] = rc_words_bits(img, wd, wd->country_bits, c);
    for (int k = 0; k < 3; k++)
        b->prec[k] = rc_words_bits(img, wd, wd->prec_bits, k);
}

/* Word w of the positions in q's words and of the kinds asked for. */
RC_INLINE apr_uint64_t bitq_base(const bitq *b, apr_size_t w)
{
    apr_uint64_t x = b->none ? 0 : ~(apr_uint64_t)0;
    for (int i = 0; i < b->nq; i++)
        x &= b->q[i][w];
    if (b->by_kind) {
        apr_uint64_t k = 0;
        for (int i = 0; i < b->nkinds; i++)
            k |= b->kinds[i][w];
        x &= k;
    }
    return x;
}

/* Word w of the positions of the countries asked for. */
RC_INLINE apr_uint64_t bitq_countries(const bitq *b, apr_size_t w)
{
    apr_uint64_t c = 0;
    if (!b->by_country)
        return ~(apr_uint64_t)0;
    for (int i = 0; i < b->ncountries; i++)
        c |= b->countries[i][w];
    return c;
}

/* Word w of the positions with one of the precisions of segment s. */
RC_INLINE apr_uint64_t precs_word(const bitq *b, const segment *s, apr_size_t w)
{
    apr_uint64_t m = ~(apr_uint64_t)0;
    if (s->precs != ALL_PRECS) {
        m = 0;
        for (int k = 0; k < 3; k++)
            if (s->precs >> k & 1)
                m |= b->prec[k][w];
    }
    return m;
}

/* Word w of segment s: its positions with one of its precisions. */
RC_INLINE apr_uint64_t segment_word(const bitq *b, const segment *s, apr_size_t w)
{
    return range_mask(s->a, s->e, w) & precs_word(b, s, w);
}

/* Word w of the matches in segment s. */
RC_INLINE apr_uint64_t hit_word(const bitq *b, const segment *s, apr_size_t w)
{
    apr_uint64_t m = segment_word(b, s, w);
    return m ? m & bitq_base(b, w) & bitq_countries(b, w) : 0;
}

/* The matches in [from, to) of segment s. */
RC_INLINE apr_int64_t count_hits(const bitq *b, const segment *s, int from, int to)
{
    apr_int64_t n = 0;
    if (from >= to)
        return 0;
    for (apr_size_t w = (apr_size_t)from / 64; w <= (apr_size_t)(to - 1) / 64; w++)
        n += __builtin_popcountll(hit_word(b, s, w) & range_mask(from, to, w));
    return n;
}

/* The last match of segment s before pos, or -1. */
RC_INLINE int prev_hit(const bitq *b, const segment *s, int pos)
{
    int w;
    apr_uint64_t bits;
    if (pos <= s->a)
        return -1;
    w = (pos - 1) / 64;
    bits = hit_word(b, s, (apr_size_t)w) & range_mask(w * 64, pos, (apr_size_t)w);
    while (!bits) {
        if (--w < s->a / 64)
            return -1;
        bits = hit_word(b, s, (apr_size_t)w);
    }
    return w * 64 + 63 - __builtin_clzll(bits);
}

/* The first and the end position of the group of equal start dates that holds pos, within
 * [lo, hi): galloping from pos, since groups are mostly short. */
static int group_first(const rc_collection *col, int pos, int lo)
{
    int start = col->items[pos].start, step = 1, l, h;
    while (pos - step >= lo && col->items[pos - step].start == start)
        step *= 2;
    l = pos - step < lo ? lo : pos - step + 1;  /* the first is in [l, pos - step / 2] */
    h = pos - step / 2;
    while (l < h) {
        int mid = l + (h - l) / 2;
        if (col->items[mid].start == start)
            h = mid;
        else
            l = mid + 1;
    }
    return l;
}

static int group_end(const rc_collection *col, int pos, int hi)
{
    int start = col->items[pos].start, step = 1, l, h;
    while (pos + step < hi && col->items[pos + step].start == start)
        step *= 2;
    l = pos + step / 2 + 1;  /* the end is in [pos + step / 2 + 1, min(pos + step, hi)] */
    h = pos + step < hi ? pos + step : hi;
    while (l < h) {
        int mid = l + (h - l) / 2;
        if (col->items[mid].start == start)
            l = mid + 1;
        else
            h = mid;
    }
    return l;
}

/* The slice newest first: matches in position order, across the segments. */
RC_INLINE void slice_newest_first(const bitq *b, const segment *seg, int nseg, apr_int64_t skip,
                               int count, int *ids, int *nids)
{
    for (int i = 0; i < nseg && *nids < count; i++) {
        const segment *s = &seg[i];
        for (apr_size_t w = (apr_size_t)s->a / 64;
             w <= (apr_size_t)(s->e - 1) / 64 && *nids < count; w++) {
            apr_uint64_t bits = hit_word(b, s, w);
            int c = __builtin_popcountll(bits);
            if (skip >= c) {
                skip -= c;
                continue;
            }
            for (; bits && *nids < count; bits &= bits - 1) {
                if (skip > 0)
                    skip--;
                else
                    ids[(*nids)++] = (int)(w * 64) + __builtin_ctzll(bits);
            }
        }
    }
}

/* The slice oldest first: the groups of one start date from the last position down, each in
 * position order (ties by id), across the segments from the last; a group never spans two
 * segments (they are ranges of start dates). Whole words are skipped by popcount first; the
 * group that straddles the last skipped word is then taken whole again. */
RC_INLINE void slice_oldest_first(const rc_collection *col, const bitq *b, const segment *seg,
                               int nseg, apr_int64_t skip, int count, int *ids, int *nids)
{
    for (int i = nseg - 1; i >= 0 && *nids < count; i--) {
        const segment *s = &seg[i];
        int pos = s->e;
        while (skip > 0 && pos > s->a) {
            int from = (pos - 1) / 64 * 64;
            apr_int64_t c;
            if (from < s->a)
                from = s->a;
            c = count_hits(b, s, from, pos);
            if (c > skip)
                break;
            skip -= c;
            pos = from;
        }
        if (pos > s->a && pos < s->e) {
            int ge = group_end(col, pos, s->e);
            skip += count_hits(b, s, pos, ge);
            pos = ge;
        }
        while (*nids < count) {
            int last = prev_hit(b, s, pos), ga;
            apr_int64_t c;
            if (last < 0)
                break;
            ga = group_first(col, last, s->a);
            c = count_hits(b, s, ga, last + 1);
            if (skip >= c)
                skip -= c;
            else
                for (apr_size_t w = (apr_size_t)ga / 64; w <= (apr_size_t)last / 64; w++) {
                    apr_uint64_t bits = hit_word(b, s, w) & range_mask(ga, last + 1, w);
                    for (; bits && *nids < count; bits &= bits - 1) {
                        if (skip > 0)
                            skip--;
                        else
                            ids[(*nids)++] = (int)(w * 64) + __builtin_ctzll(bits);
                    }
                }
            pos = ga;
        }
    }
}

/* The slice [first, first + count) of the matches in the segments, in sort order. */
RC_POPCNT_CLONES
static int *slice(apr_pool_t *p, const rc_collection *col, const bitq *b, const segment *seg,
                  int nseg, int asc, apr_int64_t first, int count, int total, int *nids)
{
    int *ids;
    if (count > total)
        count = total;
    ids = apr_palloc(p, sizeof(int) * (count + 1));
    *nids = 0;
    if (first >= total || count <= 0)
        return ids;
    if (asc)
        slice_oldest_first(col, b, seg, nseg, first, count, ids, nids);
    else
        slice_newest_first(b, seg, nseg, first, count, ids, nids);
    return ids;
}

/* ---------------------------------------------------------------- by index */


/* sum[i] += row[i]: eight lanes at a time where the CPU has AVX2 */
RC_INLINE void add_counts(apr_uint32_t *restrict sum, const apr_uint32_t *restrict row, apr_size_t n)
{
    apr_size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            sum[i + j] += row[i + j];
    for (; i < n; i++)
        sum[i] += row[i];
}

RC_SIMD_CLONES
static rc_result *run_indexed(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                              const rc_query *q, int asc, apr_int64_t first, int count)
{
    const rc_image *img = &d->img;
    const rc_img_index *ix = col->index;
    const apr_uint64_t *set_countries = RC_AT(img, apr_uint64_t, ix->set_countries);
    const apr_uint32_t *set_ck = RC_AT(img, apr_uint32_t, ix->set_ck);
    const apr_int32_t *ck_kind = RC_AT(img, apr_int32_t, ix->ck_kind);
    rc_result *r = new_result(p, d, col);
    rc_index_view v;
    segment seg[MAX_SEGMENTS];
    apr_uint32_t *in_dates, *counts, *per_year = NULL;
    apr_uint64_t want = 0;
    apr_int64_t total = 0;
    unsigned char kind_ok[64 + 1]; /* by kind + 1: the index takes up to 64 kinds */
    int nseg, nck;
    bitq b;

    rc_index_open(img, ix, col->nitems, &v);
    nck = v.nck;

    /* the items of each ck in the date segments, with the segment's precisions */
    in_dates = apr_pcalloc(p, sizeof(apr_uint32_t) * (nck + 1));
    counts = apr_palloc(p, sizeof(apr_uint32_t) * (v.nkeys + 1));
    nseg = plan_dates(q, col, seg);
    for (int i = 0; i < nseg; i++) {
        rc_index_counts(&v, seg[i].a, seg[i].e, counts);
        for (int k = 0; k < 3; k++)
            if (seg[i].precs >> k & 1)
                add_counts(in_dates, counts + (apr_size_t)k * nck, (apr_size_t)nck);
    }

    /* the total and the country facet from the cks of each country set: the set's count
     * goes to its countries once */
    kind_ok[0] = !q->kinds;
    for (int k = 0; k < col->nkinds; k++)
        kind_ok[k + 1] = !q->kinds || q->kind_checked[k];
    if (q->countries)
        for (int c = 0; c < d->ncountries; c++)
            if (q->countries[c])
                want |= (apr_uint64_t)1 << c;
    for (apr_uint32_t s = 0; s < ix->nsets; s++) {
        apr_uint64_t set = set_countries[s];
        apr_int64_t n = 0;
        for (apr_uint32_t ck = set_ck[s]; ck < set_ck[s + 1]; ck++)
            if (kind_ok[ck_kind[ck] + 1])
                n += in_dates[ck];
        if (!n)
            continue;
        if (!q->countries || (set & want))
            total += n;
        for (; set; set &= set - 1)
            r->country_counts[__builtin_ctzll(set)] += (int)n;
    }

    /* the year facet, over every date: the rows of the cks, sets or kinds that match */
    if (q->countries || q->kinds) {
        apr_size_t ny = ix->nyears;
        per_year = apr_pcalloc(p, sizeof(apr_uint32_t) * (ny + 1));
        if (!q->kinds) {
            const apr_uint32_t *rows = RC_AT(img, apr_uint32_t, ix->year_sets);
            for (apr_uint32_t s = 0; s < ix->nsets; s++)
                if (set_countries[s] & want)
                    add_counts(per_year, rows + s * ny, ny);
        }
        else if (!q->countries) {
            const apr_uint32_t *rows = RC_AT(img, apr_uint32_t, ix->year_kinds);
            for (apr_uint32_t k = 0; k <= ix->nkinds; k++)
                if (kind_ok[k])
                    add_counts(per_year, rows + k * ny, ny);
        }
        else {
            const apr_uint32_t *rows = RC_AT(img, apr_uint32_t, ix->year_counts);
            for (apr_uint32_t s = 0; s < ix->nsets; s++)
                if (set_countries[s] & want)
                    for (apr_uint32_t ck = set_ck[s]; ck < set_ck[s + 1]; ck++)
                        if (kind_ok[ck_kind[ck] + 1])
                            add_counts(per_year, rows + ck * ny, ny);
        }
    }
    r->total = (int)total;
    set_years(r, per_year ? per_year : RC_AT(img, apr_uint32_t, ix->year_totals),
              (int)ix->nyears, RC_AT(img, apr_int32_t, ix->years), 0);

    r->first = first;
    bitq_init(p, &b, d, col, q, NULL);
    r->ids = slice(p, col, &b, seg, nseg, asc, first, count, r->total, &r->nids);
    return r;
}

/* ---------------------------------------------------------------- by bitsets (q) */

/* run_bits reads CHUNK words (of 64 positions) at a time: the query's sets of a chunk are made
 * once, by plain loops over short arrays that the compiler vectorizes, and then counted. */
#define CHUNK 64

RC_INLINE void and_words(apr_uint64_t *restrict d, const apr_uint64_t *restrict s, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; j++)
            d[i + j] &= s[i + j];
    for (; i < n; i++)
        d[i] &= s[i];
}

RC_INLINE void or_words(apr_uint64_t *restrict d, const apr_uint64_t *restrict s, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; j++)
            d[i + j] |= s[i + j];
    for (; i < n; i++)
        d[i] |= s[i];
}

/* Over words [w0, w0 + n): x, the positions of q's words and of the kinds asked for; m, those
 * of x in one of the countries asked for. */
RC_SIMD_CLONES
static void chunk_sets(const bitq *b, apr_size_t w0, int n, apr_uint64_t *restrict x,
                       apr_uint64_t *restrict m)
{
    if (b->nq)
        memcpy(x, b->q[0] + w0, sizeof(apr_uint64_t) * n);
    else
        memset(x, b->none ? 0 : 0xff, sizeof(apr_uint64_t) * n);
    for (int i = 1; i < b->nq; i++)
        and_words(x, b->q[i] + w0, n);
    if (b->by_kind) {
        memset(m, 0, sizeof(apr_uint64_t) * n);
        for (int i = 0; i < b->nkinds; i++)
            or_words(m, b->kinds[i] + w0, n);
        and_words(x, m, n);
    }
    if (b->by_country) {
        memset(m, 0, sizeof(apr_uint64_t) * n);
        for (int i = 0; i < b->ncountries; i++)
            or_words(m, b->countries[i] + w0, n);
        and_words(m, x, n);
    }
    else
        memcpy(m, x, sizeof(apr_uint64_t) * n);
}

/* Popcount of the positions [a, e) of set, whose first word is word w0. */
RC_INLINE apr_int64_t count_positions(const apr_uint64_t *set, apr_size_t w0, int a, int e)
{
    apr_size_t wa, we;
    apr_int64_t n0, n1 = 0;
    if (a >= e)
        return 0;
    wa = (apr_size_t)a / 64;
    we = (apr_size_t)(e - 1) / 64;
    n0 = __builtin_popcountll(set[wa - w0] & range_mask(a, e, wa));
    if (wa == we)
        return n0;
    n0 += __builtin_popcountll(set[we - w0] & range_mask(a, e, we));
    for (apr_size_t w = wa + 1; w + 1 < we; w += 2) {
        n0 += __builtin_popcountll(set[w - w0]);
        n1 += __builtin_popcountll(set[w + 1 - w0]);
    }
    if ((we - wa) % 2 == 0)
        n1 += __builtin_popcountll(set[we - 1 - w0]);
    return n0 + n1;
}

/* Popcount of xs[i] & set[ws[i]] for i < n. */
RC_INLINE apr_int64_t count_and(const apr_uint64_t *xs, const apr_uint64_t *set,
                                const apr_size_t *ws, int n)
{
    apr_int64_t n0 = 0, n1 = 0;
    int i = 0;
    for (; i + 2 <= n; i += 2) {
        n0 += __builtin_popcountll(xs[i] & set[ws[i]]);
        n1 += __builtin_popcountll(xs[i + 1] & set[ws[i + 1]]);
    }
    if (i < n)
        n0 += __builtin_popcountll(xs[i] & set[ws[i]]);
    return n0 + n1;
}

/* The country facet of run_bits from the matches counted by key (keys[k] of the index's key
 * k): each country set's count goes to its countries once. */
static void countries_by_key(const rc_image *img, const rc_img_index *ix, const apr_uint32_t *keys,
                             apr_int64_t *cc)
{
    const apr_uint64_t *set_countries = RC_AT(img, apr_uint64_t, ix->set_countries);
    const apr_uint32_t *set_ck = RC_AT(img, apr_uint32_t, ix->set_ck);
    apr_size_t nck = ix->nck;
    for (apr_uint32_t s = 0; s < ix->nsets; s++) {
        apr_int64_t n = 0;
        for (apr_uint32_t ck = set_ck[s]; ck < set_ck[s + 1]; ck++)
            n += keys[ck] + keys[nck + ck] + keys[2 * nck + ck];
        for (apr_uint64_t set = set_countries[s]; n && set; set &= set - 1)
            cc[__builtin_ctzll(set)] += n;
    }
}

/* The positions of the date segments, restricted to their precisions, over words [w0, w0 + n)
 * (positions [ca, ce)). */
RC_INLINE void chunk_dates(const bitq *b, const segment *seg, int nseg, apr_size_t w0, int n,
                           int ca, int ce, apr_uint64_t *d)
{
    memset(d, 0, sizeof(apr_uint64_t) * n);
    for (int i = 0; i < nseg; i++) {
        const segment *s = &seg[i];
        int a = s->a > ca ? s->a : ca, e = s->e < ce ? s->e : ce;
        apr_size_t wa, we;
        if (a >= e)
            continue;
        wa = (apr_size_t)a / 64;
        we = (apr_size_t)(e - 1) / 64;
        if (s->precs == ALL_PRECS) {
            for (apr_size_t w = wa + 1; w < we; w++)
                d[w - w0] = ~(apr_uint64_t)0;
            d[wa - w0] |= range_mask(a, e, wa);
            d[we - w0] |= range_mask(a, e, we);
        }
        else
            for (apr_size_t w = wa; w <= we; w++)
                d[w - w0] |= range_mask(a, e, w) & precs_word(b, s, w);
    }
}

RC_POPCNT_CLONES
static rc_result *run_bits(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                           const rc_query *q, const qwords *qw, int asc, apr_int64_t first,
                           int count)
{
    const rc_img_words *wd = col->words;
    apr_size_t nb = wd->nbits;
    rc_result *r = new_result(p, d, col);
    const apr_uint32_t *year_ends = RC_AT(&d->img, apr_uint32_t, wd->year_ends);
    apr_uint32_t *per_year = apr_pcalloc(p, sizeof(apr_uint32_t) * (wd->nyears + 1));
    const apr_uint64_t *cb = rc_words_bits(&d->img, wd, wd->country_bits, 0);
    apr_uint64_t x[CHUNK], m[CHUNK], in[CHUNK], xs[CHUNK];
    apr_size_t ws[CHUNK];
    apr_int64_t total = 0, cc[64];
    segment seg[MAX_SEGMENTS];
    int nseg, nc = d->ncountries, y = (int)wd->nyears - 1;
    /* A word of few matches costs less by the index's keys of its matches (a count per key)
     * than by a popcount per country, once there are enough such words to pay for the counts
     * per key (made zero, then added per country set at the end): about one per ck. */
    const apr_uint16_t *key = col->index ? RC_AT(&d->img, apr_uint16_t, col->index->key) : NULL;
    apr_uint32_t *keys = NULL;
    int few = nc / 2, sparse_words = 0;
    bitq b;

    bitq_init(p, &b, d, col, q, qw);
    nseg = plan_dates(q, col, seg);
    for (int c = 0; c < nc; c++)
        cc[c] = 0;
    for (apr_size_t w0 = 0; w0 < nb && !b.none; w0 += CHUNK) {
        int n = nb - w0 < CHUNK ? (int)(nb - w0) : CHUNK, k = 0, ia = n, ie = 0;
        int ca = (int)w0 * 64, ce = ca + n * 64 < col->nitems ? ca + n * 64 : col->nitems;
        chunk_sets(&b, w0, n, x, m);

        /* the year facet over every date: a year's items are a run of positions, the
         * newest year's first */
        for (;;) {
            int ya = y + 1 < (int)wd->nyears ? (int)year_ends[y + 1] : 0, ye = (int)year_ends[y];
            per_year[y] +=
                (apr_uint32_t)count_positions(m, w0, ya > ca ? ya : ca, ye < ce ? ye : ce);
            if (ye > ce || !y)
                break;
            y--;
        }

        /* total and the country facet over the date segments, restricted to their
         * precisions: the words of few matches by key, the others by a popcount per country */
        for (int i = 0; i < nseg; i++)
            if (seg[i].a < ce && seg[i].e > ca) {
                int a = seg[i].a > ca ? seg[i].a : ca, e = seg[i].e < ce ? seg[i].e : ce;
                if ((a - ca) / 64 < ia)
                    ia = (a - ca) / 64;
                if ((e - 1 - ca) / 64 + 1 > ie)
                    ie = (e - 1 - ca) / 64 + 1;
            }
        if (ia >= ie)
            continue;
        chunk_dates(&b, seg, nseg, w0, n, ca, ce, in);
        for (int i = ia; i < ie; i++) {
            apr_uint64_t hit = x[i] & in[i];
            if (!hit)
                continue;
            total += __builtin_popcountll(m[i] & in[i]);
            if (keys && __builtin_popcountll(hit) <= few)
                for (apr_size_t pos = (w0 + (apr_size_t)i) * 64; hit; hit &= hit - 1)
                    keys[key[pos + (apr_size_t)__builtin_ctzll(hit)]]++;
            else {
                if (key && __builtin_popcountll(hit) <= few &&
                    ++sparse_words == (int)col->index->nck)
                    keys = apr_pcalloc(p, sizeof(apr_uint32_t) * 3 * col->index->nck);
                xs[k] = hit;
                ws[k++] = w0 + (apr_size_t)i;
            }
        }
        for (int c = 0; c < nc; c++)
            cc[c] += count_and(xs, cb + (apr_size_t)c * nb, ws, k);
    }
    if (keys)
        countries_by_key(&d->img, col->index, keys, cc);
    r->total = (int)total;
    for (int c = 0; c < nc; c++)
        r->country_counts[c] = (int)cc[c];
    set_years(r, per_year, (int)wd->nyears, RC_AT(&d->img, apr_int32_t, wd->years), 0);
    r->first = first;
    r->ids = slice(p, col, &b, seg, nseg, asc, first, count, r->total, &r->nids);
    return r;
}

/* ---------------------------------------------------------------- choice */

rc_result *rc_filter_run_by(rc_engine how, apr_pool_t *p, const rc_data *d,
                            const rc_collection *col, const rc_query *q, int sort_asc,
                            apr_int64_t first, int count)
{
    int asc = sort_asc >= 0 ? sort_asc : q->sort_asc;
    const rc_img_words *wd = col->words;
    /* both engines read the slice from the bitsets of the facets */
    int bits = (wd->country_bits || !d->ncountries) && (wd->kind_bits || !col->nkinds) &&
               d->ncountries <= 64 && col->nkinds <= 64;
    int indexed = bits && !q->words && col->index;
    qwords qw;
    if (!bits)
        return rc_filter_scan(p, d, col, q, asc, first, count);
    qw.n = 0;
    for (const char *const *w = q->words; w && *w; w++)
        qw.r[qw.n++] = rc_words_find(&d->img, wd, *w);
    if (q->words && (how == RC_BY_CHOICE || how == RC_BY_WALK)) {
        /* The walk over q's matches costs about 57 instructions a match of the word of
         * fewest; the bitsets about 3 a country and 16 more per 64-bit word, and 8 more a
         * word and 4 a match to make that word's set from its arrays (callgrind, the
         * generated data: the walk costs 276 000 a query where a word has 4 800 matches of
         * 600 000 items, the bitsets 565 000). */
        apr_size_t limit = how == RC_BY_WALK
                               ? (apr_size_t)col->nitems
                               : wd->nbits * ((apr_size_t)d->ncountries * 3 + 24) / 53;
        apr_size_t n;
        const apr_uint32_t *pos = q_positions(p, d, col, &qw, limit, &n);
        if (pos)
            return run_walk(p, d, col, q, asc, first, count, pos, n);
    }
    if (indexed && how == RC_BY_CHOICE) {
        /* Both ways answer without q. Measured (callgrind, instructions per query of the
         * generated data's queries): the index costs about 20 per ck and 1 per position of
         * its blocks (the keys read at the ends of the date ranges), the bitsets 3200 more
         * (their year facet's searches) and 6 per country and 12 more per 64-bit word. The
         * index takes nearly every collection; the bitsets those small ones with many cks. */
        apr_uint64_t by_keys = (apr_uint64_t)col->index->nck * 20 + col->index->block;
        apr_uint64_t by_bits =
            3200 + (apr_uint64_t)wd->nbits * ((apr_uint64_t)d->ncountries * 6 + 12);
        how = by_keys <= by_bits ? RC_BY_INDEX : RC_BY_BITS;
    }
    if (indexed && how == RC_BY_INDEX)
        return run_indexed(p, d, col, q, asc, first, count);
    return run_bits(p, d, col, q, &qw, asc, first, count);
}

rc_result *rc_filter_run(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const rc_query *q, int sort_asc, apr_int64_t first, int count)
{
    return rc_filter_run_by(RC_BY_CHOICE, p, d, col, q, sort_asc, first, count);
}

apr_int64_t rc_result_pages(const rc_result *r, int per_page)
{
    return ((apr_int64_t)r->total + per_page - 1) / per_page;
}
