/* rc_index: keys, running counts and date bounds for each collection and sort order. */
#include "rc_index.h"
#include "rc_vec.h"

#include <string.h>

#include <apr_strings.h>
#include <xxhash.h>

/* The key of an item: its country set, kind and precision. */
typedef struct key_bits {
    apr_uint64_t countries;
    apr_int32_t kind;
    apr_int32_t prec;
} key_bits;

typedef struct keys_ctx {
    rc_vec keys;  /* key_bits */
    const key_bits *want;
} keys_ctx;

static int key_eq(void *ctx, apr_uint32_t id)
{
    keys_ctx *k = ctx;
    return !memcmp(&RC_VEC_AT(&k->keys, key_bits, id), k->want, sizeof(key_bits));
}

/* Rows of running counts every `block` positions: a row costs nkeys counters, so the more keys
 * the longer the blocks (fewer rows), up to 2048. */
static int block_for(int nkeys)
{
    int block = 256;
    while (block < nkeys && block < 2048)
        block *= 2;
    return block;
}

static apr_uint32_t write_order(rc_imgw *w, const rc_index_input *in, int asc,
                                const apr_uint16_t *item_key, int nkeys, int block,
                                rc_img_order *out)
{
    int n = in->n, nblocks = n / block + 1;
    apr_uint16_t *key = malloc(sizeof(apr_uint16_t) * (n + 1));
    apr_int32_t *start = malloc(sizeof(apr_int32_t) * (n + 1));
    apr_uint32_t *running = calloc((apr_size_t)nkeys, sizeof(apr_uint32_t));
    apr_uint32_t *blocks = malloc(sizeof(apr_uint32_t) * (apr_size_t)nblocks * nkeys + 1);
    int ok = key && start && running && blocks;

    memset(out, 0, sizeof(*out));
    if (ok) {
        for (int pos = 0; pos < n; pos++) {
            int item = asc ? (int)in->asc[pos] : pos;
            if (pos % block == 0)
                memcpy(blocks + (apr_size_t)(pos / block) * nkeys, running,
                       sizeof(apr_uint32_t) * nkeys);
            key[pos] = item_key[item];
            start[pos] = in->start[item];
            running[key[pos]]++;
        }
        if (n % block == 0)
            memcpy(blocks + (apr_size_t)(n / block) * nkeys, running,
                   sizeof(apr_uint32_t) * nkeys);
        out->order = asc ? in->asc_off : 0;
        out->key = rc_imgw_put(w, key, sizeof(apr_uint16_t) * n, 4);
        out->start = rc_imgw_put(w, start, sizeof(apr_int32_t) * n, 4);
        out->blocks = rc_imgw_put(w, blocks, sizeof(apr_uint32_t) * (apr_size_t)nblocks * nkeys, 4);
    }
    free(key);
    free(start);
    free(running);
    free(blocks);
    return ok && !rc_imgw_error(w);
}

apr_uint32_t rc_index_write(apr_pool_t *tmp, rc_imgw *w, const rc_index_input *in)
{
    apr_pool_t *p;
    keys_ctx kc;
    rc_table seen;
    apr_uint16_t *item_key;
    rc_img_index ix;
    apr_uint64_t *kcountries;
    apr_int32_t *kkind, *years, *dense;
    unsigned char *kprec;
    apr_uint32_t *year_counts, at = 0;
    int nkeys, ok = 1, min_year = 0, max_year = 0, span;

    if (in->ncountries > 64)
        return 0;
    apr_pool_create(&p, tmp);
    rc_vec_init(p, &kc.keys, sizeof(key_bits));
    item_key = apr_palloc(p, sizeof(apr_uint16_t) * (in->n + 1));
    if (!rc_table_init(p, &seen, 256))
        goto fail;
    for (int i = 0; i < in->n; i++) {
        key_bits kb;
        apr_uint32_t id;
        memset(&kb, 0, sizeof(kb));
        kb.countries = in->countries[i];
        kb.kind = in->kind[i];
        kb.prec = in->prec[i];
        kc.want = &kb;
        id = rc_table_find(&seen, XXH3_64bits(&kb, sizeof(kb)), key_eq, &kc, 1,
                           (apr_uint32_t)kc.keys.n);
        if (id == RC_TABLE_NOMEM)
            goto fail;
        if (id == kc.keys.n) {
            key_bits *k;
            if (kc.keys.n >= RC_INDEX_MAX_KEYS || !(k = rc_vec_push(&kc.keys)))
                goto beyond;
            *k = kb;
        }
        item_key[i] = (apr_uint16_t)id;
        {
            int y = in->start[i] / 10000;
            if (!min_year || y < min_year)
                min_year = y;
            if (y > max_year)
                max_year = y;
        }
    }
    nkeys = (int)kc.keys.n;
    memset(&ix, 0, sizeof(ix));
    ix.nkeys = (apr_uint32_t)nkeys;
    ix.block = (apr_uint32_t)block_for(nkeys);
    kcountries = apr_palloc(p, sizeof(apr_uint64_t) * (nkeys + 1));
    kkind = apr_palloc(p, sizeof(apr_int32_t) * (nkeys + 1));
    kprec = apr_palloc(p, nkeys + 1);
    for (int k = 0; k < nkeys; k++) {
        const key_bits *kb = &RC_VEC_AT(&kc.keys, key_bits, k);
        kcountries[k] = kb->countries;
        kkind[k] = kb->kind;
        kprec[k] = (unsigned char)kb->prec;
    }
    ix.key_countries = rc_imgw_put(w, kcountries, sizeof(apr_uint64_t) * nkeys, 8);
    ix.key_kind = rc_imgw_put(w, kkind, sizeof(apr_int32_t) * nkeys, 4);
    ix.key_prec = rc_imgw_put(w, kprec, (apr_size_t)nkeys, 1);

    /* years present only: dates may span millennia with few distinct years */
    span = in->n ? max_year - min_year + 1 : 0;
    dense = apr_pcalloc(p, sizeof(apr_int32_t) * (span + 1));
    years = apr_palloc(p, sizeof(apr_int32_t) * (span + 1));
    for (int i = 0; i < in->n; i++)
        dense[in->start[i] / 10000 - min_year] = 1;
    for (int y = 0; y < span; y++)
        if (dense[y]) {
            dense[y] = (apr_int32_t)ix.nyears;
            years[ix.nyears++] = min_year + y;
        }
    /* keys without the precision, for the year facet */
    {
        apr_uint16_t *key_ck = apr_palloc(p, sizeof(apr_uint16_t) * (nkeys + 1));
        apr_uint32_t *totals = apr_pcalloc(p, sizeof(apr_uint32_t) * (ix.nyears + 1));
        for (int k = 0; k < nkeys; k++) {
            int found = -1;
            for (int j = 0; j < k && found < 0; j++)
                if (kcountries[j] == kcountries[k] && kkind[j] == kkind[k])
                    found = key_ck[j];
            key_ck[k] = (apr_uint16_t)(found >= 0 ? found : (int)ix.nck++);
        }
        year_counts = calloc((apr_size_t)ix.nyears * ix.nck + 1, sizeof(apr_uint32_t));
        if (!year_counts)
            goto fail;
        for (int i = 0; i < in->n; i++) {
            int y = dense[in->start[i] / 10000 - min_year];
            year_counts[(apr_size_t)key_ck[item_key[i]] * ix.nyears + y]++;
            totals[y]++;
        }
        ix.key_ck = rc_imgw_put(w, key_ck, sizeof(apr_uint16_t) * nkeys, 4);
        ix.year_totals = rc_imgw_put(w, totals, sizeof(apr_uint32_t) * ix.nyears, 4);
    }
    ix.years = rc_imgw_put(w, years, sizeof(apr_int32_t) * ix.nyears, 4);
    ix.year_counts = rc_imgw_put(w, year_counts, sizeof(apr_uint32_t) * ix.nyears * ix.nck, 4);
    free(year_counts);

    ok = write_order(w, in, 0, item_key, nkeys, (int)ix.block, &ix.desc) &&
         write_order(w, in, 1, item_key, nkeys, (int)ix.block, &ix.asc);
    if (ok)
        at = rc_imgw_put(w, &ix, sizeof(ix), 8);
    apr_pool_destroy(p);
    return at;
beyond:
    apr_pool_destroy(p);
    return 0;
fail:
    apr_pool_destroy(p);
    /* out of memory: no index (the pass over the items answers) rather than no data */
    return 0;
}

/* ---- query ---- */

void rc_index_view(const rc_image *img, const rc_img_index *ix, int n, int asc,
                   rc_order_view *v)
{
    const rc_img_order *o = asc ? &ix->asc : &ix->desc;
    v->order = o->order ? RC_AT(img, apr_uint32_t, o->order) : NULL;
    v->key = RC_AT(img, apr_uint16_t, o->key);
    v->start = RC_AT(img, apr_int32_t, o->start);
    v->blocks = RC_AT(img, apr_uint32_t, o->blocks);
    v->n = n;
    v->nkeys = (int)ix->nkeys;
    v->block = (int)ix->block;
    v->asc = asc;
}

void rc_index_histogram(const rc_order_view *v, int a, int e, apr_uint32_t *hist)
{
    int ba = a / v->block, be = e / v->block;
    if (a >= e)
        return;
    if (ba == be) {  /* within one block: read the keys */
        for (int pos = a; pos < e; pos++)
            hist[v->key[pos]]++;
        return;
    }
    {
        const apr_uint32_t *from = v->blocks + (apr_size_t)ba * v->nkeys;
        const apr_uint32_t *to = v->blocks + (apr_size_t)be * v->nkeys;
        for (int k = 0; k < v->nkeys; k++)
            hist[k] += to[k] - from[k];
    }
    for (int pos = ba * v->block; pos < a; pos++)
        hist[v->key[pos]]--;
    for (int pos = be * v->block; pos < e; pos++)
        hist[v->key[pos]]++;
}

/* First position in [0, n) where before(start) stops holding (before is monotone). */
static int partition(const rc_order_view *v, int date, int (*before)(int start, int date))
{
    int lo = 0, hi = v->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (before(v->start[mid], date))
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

void rc_index_range(const rc_order_view *v, int lo, int hi, int *a, int *e)
{
    if (v->asc) {
        *a = partition(v, lo, lt);  /* first start >= lo */
        *e = partition(v, hi, le);  /* first start > hi */
    }
    else {
        *a = partition(v, hi, gt);  /* first start <= hi */
        *e = partition(v, lo, ge);  /* first start < lo */
    }
    if (*e < *a)
        *e = *a;
}
