/* rc_index: keys, running counts and date bounds for each collection and sort order. */
#include "rc_index.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_tables.h>

/* The key of an item: its country set, kind and precision packed into a hash key. */
typedef struct key_bits {
    apr_uint64_t countries;
    int kind;
    int prec;
} key_bits;

static int kind_index(const rc_collection *col, const char *kind)
{
    int lo = 0, hi = col->nkinds;
    if (!kind)
        return -1;
    while (lo < hi) {  /* col->kinds is sorted */
        int mid = (lo + hi) / 2, c = strcmp(col->kinds[mid], kind);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void build_order(apr_pool_t *p, rc_order_index *oi, const rc_collection *col,
                        const int *order, int asc, const apr_uint16_t *item_key, int nkeys)
{
    int n = col->nitems, nblocks = n / RC_INDEX_BLOCK + 1;
    apr_uint32_t *running = apr_pcalloc(p, sizeof(apr_uint32_t) * nkeys);

    oi->order = order;
    oi->n = n;
    oi->asc = asc;
    oi->key = apr_palloc(p, sizeof(apr_uint16_t) * (n + 1));
    oi->start = apr_palloc(p, sizeof(int) * (n + 1));
    oi->blocks = apr_palloc(p, sizeof(apr_uint32_t) * (apr_size_t)nblocks * nkeys);
    for (int pos = 0; pos < n; pos++) {
        if (pos % RC_INDEX_BLOCK == 0)
            memcpy(oi->blocks + (apr_size_t)(pos / RC_INDEX_BLOCK) * nkeys, running,
                   sizeof(apr_uint32_t) * nkeys);
        oi->key[pos] = item_key[order[pos]];
        oi->start[pos] = col->items[order[pos]].date.start;
        running[oi->key[pos]]++;
    }
    if (n % RC_INDEX_BLOCK == 0)
        memcpy(oi->blocks + (apr_size_t)(n / RC_INDEX_BLOCK) * nkeys, running,
               sizeof(apr_uint32_t) * nkeys);
}

static void build_grams(apr_pool_t *p, rc_grams *g, const rc_collection *col)
{
    int n = col->nitems;
    g->words = (n + 63) / 64;
    g->bits = apr_pcalloc(p, sizeof(apr_uint64_t) * ((apr_size_t)RC_GRAM_BITS * g->words + 1));
    g->pos_desc = apr_palloc(p, sizeof(int) * (n + 1));
    g->pos_asc = apr_palloc(p, sizeof(int) * (n + 1));
    for (int pos = 0; pos < n; pos++) {
        g->pos_desc[col->by_date_desc[pos]] = pos;
        g->pos_asc[col->by_date_asc[pos]] = pos;
    }
    for (int i = 0; i < n; i++) {
        const char *t = col->items[i].folded;
        apr_uint64_t bit = (apr_uint64_t)1 << (i % 64);
        for (; t[0] && t[1]; t++)
            g->bits[(apr_size_t)RC_GRAM(t[0], t[1]) * g->words + i / 64] |= bit;
    }
}

rc_index *rc_index_build(apr_pool_t *p, const rc_data *d, const rc_collection *col)
{
    apr_pool_t *tmp;
    apr_hash_t *seen;
    apr_array_header_t *keys;
    apr_uint16_t *item_key;
    rc_index *ix;

    if (d->ncountries > 64)
        return NULL;
    apr_pool_create(&tmp, p);
    seen = apr_hash_make(tmp);
    keys = apr_array_make(tmp, 64, sizeof(key_bits));
    item_key = apr_palloc(tmp, sizeof(apr_uint16_t) * (col->nitems + 1));
    for (int i = 0; i < col->nitems; i++) {
        const rc_item *it = &col->items[i];
        key_bits kb;
        apr_uint16_t *known;
        memset(&kb, 0, sizeof(kb));
        for (int c = 0; c < it->ncountries; c++)
            kb.countries |= (apr_uint64_t)1 << it->countries[c];
        kb.kind = kind_index(col, it->kind);
        kb.prec = it->date.day ? RC_PREC_DAY : it->date.month ? RC_PREC_MONTH : RC_PREC_YEAR;
        if (!(known = apr_hash_get(seen, &kb, sizeof(kb)))) {
            if (keys->nelts >= RC_INDEX_MAX_KEYS) {
                apr_pool_destroy(tmp);
                return NULL;
            }
            known = apr_palloc(tmp, sizeof(*known));
            *known = (apr_uint16_t)keys->nelts;
            *(key_bits *)apr_array_push(keys) = kb;
            apr_hash_set(seen, apr_pmemdup(tmp, &kb, sizeof(kb)), sizeof(kb), known);
        }
        item_key[i] = *known;
    }

    ix = apr_pcalloc(p, sizeof(*ix));
    ix->keys.n = keys->nelts;
    ix->keys.countries = apr_palloc(p, sizeof(apr_uint64_t) * (keys->nelts + 1));
    ix->keys.kind = apr_palloc(p, sizeof(int) * (keys->nelts + 1));
    ix->keys.prec = apr_palloc(p, keys->nelts + 1);
    for (int k = 0; k < keys->nelts; k++) {
        const key_bits *kb = &APR_ARRAY_IDX(keys, k, key_bits);
        ix->keys.countries[k] = kb->countries;
        ix->keys.kind[k] = kb->kind;
        ix->keys.prec[k] = (unsigned char)kb->prec;
    }
    /* years present only: dates may span millennia with few distinct years */
    {
        int span = col->nitems ? col->max_year - col->min_year + 1 : 0;
        int *dense = apr_pcalloc(tmp, sizeof(int) * (span + 1));
        for (int i = 0; i < col->nitems; i++)
            dense[col->items[i].date.year - col->min_year] = 1;
        ix->keys.years = apr_palloc(p, sizeof(int) * (span + 1));
        for (int y = 0; y < span; y++)
            if (dense[y]) {
                dense[y] = ix->keys.nyears;
                ix->keys.years[ix->keys.nyears++] = col->min_year + y;
            }
        ix->keys.year_counts = apr_pcalloc(
            p, sizeof(apr_uint32_t) * ((apr_size_t)ix->keys.nyears * keys->nelts + 1));
        for (int i = 0; i < col->nitems; i++)
            ix->keys.year_counts[(apr_size_t)item_key[i] * ix->keys.nyears +
                                 dense[col->items[i].date.year - col->min_year]]++;
    }

    build_order(p, &ix->desc, col, col->by_date_desc, 0, item_key, keys->nelts);
    build_order(p, &ix->asc, col, col->by_date_asc, 1, item_key, keys->nelts);
    build_grams(p, &ix->grams, col);
    apr_pool_destroy(tmp);
    return ix;
}

void rc_index_histogram(const rc_order_index *oi, int nkeys, int a, int e, apr_uint32_t *hist)
{
    int ba = a / RC_INDEX_BLOCK, be = e / RC_INDEX_BLOCK;
    if (a >= e)
        return;
    if (ba == be) {  /* within one block: read the keys */
        for (int pos = a; pos < e; pos++)
            hist[oi->key[pos]]++;
        return;
    }
    {
        const apr_uint32_t *from = oi->blocks + (apr_size_t)ba * nkeys;
        const apr_uint32_t *to = oi->blocks + (apr_size_t)be * nkeys;
        for (int k = 0; k < nkeys; k++)
            hist[k] += to[k] - from[k];
    }
    for (int pos = ba * RC_INDEX_BLOCK; pos < a; pos++)
        hist[oi->key[pos]]--;
    for (int pos = be * RC_INDEX_BLOCK; pos < e; pos++)
        hist[oi->key[pos]]++;
}

/* First position in [0, n) where before(start) stops holding (before is monotone). */
static int partition(const rc_order_index *oi, int date, int (*before)(int start, int date))
{
    int lo = 0, hi = oi->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (before(oi->start[mid], date))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int gt(int start, int date) { return start > date; }
static int ge(int start, int date) { return start >= date; }
static int lt(int start, int date) { return start < date; }
static int le(int start, int date) { return start <= date; }

void rc_index_range(const rc_order_index *oi, int lo, int hi, int *a, int *e)
{
    if (oi->asc) {
        *a = partition(oi, lo, lt);  /* first start >= lo */
        *e = partition(oi, hi, le);  /* first start > hi */
    }
    else {
        *a = partition(oi, hi, gt);  /* first start <= hi */
        *e = partition(oi, lo, ge);  /* first start < lo */
    }
    if (*e < *a)
        *e = *a;
}
