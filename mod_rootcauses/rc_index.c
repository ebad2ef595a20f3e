/* rc_index: cks, keys, running counts and date bounds for each collection. */
#include "rc_index.h"
#include "rc_simd.h"
#include "rc_vec.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <xxhash.h>


/* A ck: a country set and a kind. */
typedef struct ck_bits {
    apr_uint64_t countries;
    apr_int32_t kind;
    apr_int32_t id;  /* in the order found (not hashed) */
} ck_bits;

typedef struct cks_ctx {
    rc_vec cks;  /* ck_bits */
    const ck_bits *want;
} cks_ctx;

static int ck_eq(void *ctx, apr_uint32_t id)
{
    cks_ctx *k = ctx;
    const ck_bits *a = &RC_VEC_AT(&k->cks, ck_bits, id);
    return a->countries == k->want->countries && a->kind == k->want->kind;
}

/* by country set, then kind */
static int cmp_ck(const void *x, const void *y)
{
    const ck_bits *a = x, *b = y;
    if (a->countries != b->countries)
        return a->countries < b->countries ? -1 : 1;
    return (a->kind > b->kind) - (a->kind < b->kind);
}

/* Rows of running counts every `block` positions: a row costs 3 * nck counters, so the more cks
 * the longer the blocks (fewer rows, at most 12 bytes per position), up to 4096. A range's
 * count reads on average a quarter of a block of keys at each end. */
static int block_for(int nck)
{
    int block = 256;
    while (block < nck && block < 4096)
        block *= 2;
    return block;
}

/* The keys of the positions and the rows of their running counts. */
static int write_counts(rc_imgw *w, int n, const apr_uint16_t *key, int nkeys, int block,
                        rc_img_index *ix)
{
    int nblocks = n / block + 1;
    apr_uint32_t *running = calloc((apr_size_t)nkeys, sizeof(apr_uint32_t));
    apr_uint32_t *blocks = malloc(sizeof(apr_uint32_t) * (apr_size_t)nblocks * nkeys + 1);
    int ok = running && blocks;
    if (ok) {
        for (int pos = 0; pos < n; pos++) {
            if (pos % block == 0)
                memcpy(blocks + (apr_size_t)(pos / block) * nkeys, running,
                       sizeof(apr_uint32_t) * nkeys);
            running[key[pos]]++;
        }
        if (n % block == 0)
            memcpy(blocks + (apr_size_t)(n / block) * nkeys, running,
                   sizeof(apr_uint32_t) * nkeys);
        ix->key = rc_imgw_put(w, key, sizeof(apr_uint16_t) * n, 4);
        ix->blocks = rc_imgw_put(w, blocks, sizeof(apr_uint32_t) * (apr_size_t)nblocks * nkeys, 4);
    }
    free(running);
    free(blocks);
    return ok && !rc_imgw_error(w);
}

apr_uint32_t rc_index_write(apr_pool_t *tmp, rc_imgw *w, const rc_index_input *in)
{
    apr_pool_t *p;
    cks_ctx kc;
    rc_table seen;
    apr_uint16_t *item_ck, *key, *rank;
    ck_bits *sorted;
    rc_img_index ix;
    apr_uint64_t *ccountries, *set_countries;
    apr_int32_t *ckind, *years, *dense;
    apr_uint32_t *set_ck, *ck_set, *year_counts, *year_sets, *year_kinds, *totals, at = 0;
    int nck, min_year = 0, max_year = 0, span;

    if (in->ncountries > 64 || in->nkinds > 64)
        return 0;
    apr_pool_create(&p, tmp);
    rc_vec_init(p, &kc.cks, sizeof(ck_bits));
    item_ck = apr_palloc(p, sizeof(apr_uint16_t) * (in->n + 1));
    if (!rc_table_init(p, &seen, 256))
        goto fail;
    for (int i = 0; i < in->n; i++) {
        ck_bits kb;
        apr_uint32_t id;
        apr_uint64_t h[2];
        memset(&kb, 0, sizeof(kb));
        kb.countries = in->countries[i];
        kb.kind = in->kind[i];
        kc.want = &kb;
        h[0] = kb.countries;
        h[1] = (apr_uint64_t)(apr_uint32_t)kb.kind;
        id = rc_table_find(&seen, XXH3_64bits(h, sizeof(h)), ck_eq, &kc, 1,
                           (apr_uint32_t)kc.cks.n);
        if (id == RC_TABLE_NOMEM)
            goto fail;
        if (id == kc.cks.n) {
            ck_bits *k;
            if (kc.cks.n >= RC_INDEX_MAX_CK || !(k = rc_vec_push(&kc.cks)))
                goto fail;
            kb.id = (apr_int32_t)id;
            *k = kb;
        }
        item_ck[i] = (apr_uint16_t)id;
        {
            int y = in->start[i] / 10000;
            if (!min_year || y < min_year)
                min_year = y;
            if (y > max_year)
                max_year = y;
        }
    }
    nck = (int)kc.cks.n;
    memset(&ix, 0, sizeof(ix));
    ix.nck = (apr_uint32_t)nck;
    ix.block = (apr_uint32_t)block_for(nck);

    /* cks by country set, then kind: the found order's id -> rank */
    sorted = apr_palloc(p, sizeof(ck_bits) * (nck + 1));
    if (nck)
        memcpy(sorted, kc.cks.a, sizeof(ck_bits) * nck);
    qsort(sorted, (size_t)nck, sizeof(ck_bits), cmp_ck);
    rank = apr_palloc(p, sizeof(apr_uint16_t) * (nck + 1));
    ccountries = apr_palloc(p, sizeof(apr_uint64_t) * (nck + 1));
    ckind = apr_palloc(p, sizeof(apr_int32_t) * (nck + 1));
    for (int k = 0; k < nck; k++) {
        rank[sorted[k].id] = (apr_uint16_t)k;
        ccountries[k] = sorted[k].countries;
        ckind[k] = sorted[k].kind;
    }
    ix.ck_kind = rc_imgw_put(w, ckind, sizeof(apr_int32_t) * nck, 4);
    /* the country sets: runs of cks */
    set_countries = apr_palloc(p, sizeof(apr_uint64_t) * (nck + 1));
    set_ck = apr_palloc(p, sizeof(apr_uint32_t) * (nck + 2));
    ck_set = apr_palloc(p, sizeof(apr_uint32_t) * (nck + 1));
    for (int k = 0; k < nck; k++) {
        if (!k || ccountries[k] != ccountries[k - 1]) {
            set_countries[ix.nsets] = ccountries[k];
            set_ck[ix.nsets++] = (apr_uint32_t)k;
        }
        ck_set[k] = ix.nsets - 1;
    }
    set_ck[ix.nsets] = (apr_uint32_t)nck;
    ix.set_countries = rc_imgw_put(w, set_countries, sizeof(apr_uint64_t) * ix.nsets, 8);
    ix.set_ck = rc_imgw_put(w, set_ck, sizeof(apr_uint32_t) * (ix.nsets + 1), 4);
    ix.nkinds = (apr_uint32_t)in->nkinds;

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
    /* the year facet does not depend on the precision: counts per year of each ck, of each
     * country set (for a country filter alone) and of each kind (for a kind filter alone) */
    totals = apr_pcalloc(p, sizeof(apr_uint32_t) * (ix.nyears + 1));
    year_kinds = apr_pcalloc(p, sizeof(apr_uint32_t) * (in->nkinds + 1) * ix.nyears + 1);
    year_counts = calloc((apr_size_t)ix.nyears * nck + 1, sizeof(apr_uint32_t));
    year_sets = calloc((apr_size_t)ix.nyears * ix.nsets + 1, sizeof(apr_uint32_t));
    key = malloc(sizeof(apr_uint16_t) * (in->n + 1));
    if (!year_counts || !year_sets || !key) {
        free(year_counts);
        free(year_sets);
        free(key);
        goto fail;
    }
    for (int i = 0; i < in->n; i++) {
        int y = dense[in->start[i] / 10000 - min_year], ck = rank[item_ck[i]];
        year_counts[(apr_size_t)ck * ix.nyears + y]++;
        year_sets[(apr_size_t)ck_set[ck] * ix.nyears + y]++;
        year_kinds[(apr_size_t)(in->kind[i] + 1) * ix.nyears + y]++;
        totals[y]++;
        key[i] = (apr_uint16_t)(in->prec[i] * nck + ck);
    }
    ix.years = rc_imgw_put(w, years, sizeof(apr_int32_t) * ix.nyears, 4);
    ix.year_counts = rc_imgw_put(w, year_counts, sizeof(apr_uint32_t) * ix.nyears * nck, 4);
    ix.year_sets = rc_imgw_put(w, year_sets, sizeof(apr_uint32_t) * ix.nyears * ix.nsets, 4);
    ix.year_kinds = rc_imgw_put(w, year_kinds,
                                sizeof(apr_uint32_t) * ix.nyears * (in->nkinds + 1), 4);
    ix.year_totals = rc_imgw_put(w, totals, sizeof(apr_uint32_t) * ix.nyears, 4);
    free(year_sets);
    free(year_counts);

    if (write_counts(w, in->n, key, 3 * nck, (int)ix.block, &ix))
        at = rc_imgw_put(w, &ix, sizeof(ix), 8);
    free(key);
    apr_pool_destroy(p);
    return at;
fail:
    /* beyond the index or out of memory: no index (the bitsets or the pass answer) rather
     * than no data */
    apr_pool_destroy(p);
    return 0;
}

/* ---- query ---- */

void rc_index_open(const rc_image *img, const rc_img_index *ix, int n, rc_index_view *v)
{
    v->key = RC_AT(img, apr_uint16_t, ix->key);
    v->blocks = RC_AT(img, apr_uint32_t, ix->blocks);
    v->n = n;
    v->nck = (int)ix->nck;
    v->nkeys = 3 * v->nck;
    v->block = (int)ix->block;
}

/* counts[k] = to[k] - from[k]: eight lanes at a time where the CPU has AVX2 */
RC_SIMD_CLONES
static void row_difference(apr_uint32_t *restrict counts, const apr_uint32_t *restrict to,
                           const apr_uint32_t *restrict from, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            counts[i + j] = to[i + j] - from[i + j];
    for (; i < n; i++)
        counts[i] = to[i] - from[i];
}

void rc_index_counts(const rc_index_view *v, int a, int e, apr_uint32_t *counts)
{
    int B = v->block, last = v->n / B;
    /* the block boundaries nearest to a and e (counts wrap around while they are corrected) */
    int ra = (a + B / 2) / B, re = (e + B / 2) / B, ba, be;
    if (ra > last)
        ra = last;
    if (re > last)
        re = last;
    ba = ra * B;
    be = re * B;
    if (e - a <= abs(a - ba) + abs(e - be) + v->nkeys / 8) {  /* fewer keys to read than that */
        memset(counts, 0, sizeof(apr_uint32_t) * v->nkeys);
        for (int pos = a; pos < e; pos++)
            counts[v->key[pos]]++;
        return;
    }
    row_difference(counts, v->blocks + (apr_size_t)re * v->nkeys,
                   v->blocks + (apr_size_t)ra * v->nkeys, v->nkeys);
    for (int pos = ba; pos < a; pos++)
        counts[v->key[pos]]--;
    for (int pos = a; pos < ba; pos++)
        counts[v->key[pos]]++;
    for (int pos = be; pos < e; pos++)
        counts[v->key[pos]]++;
    for (int pos = e; pos < be; pos++)
        counts[v->key[pos]]--;
}
