/* rc_words: the dictionary and postings of q, and the facets' bitsets. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif
#include "rc_words.h"
#include "rc_text.h"
#include "rc_vec.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <xxhash.h>

#define NONE 0xFFFFFFFFu

/* ---------------------------------------------------------------- build */

typedef struct lword {
    const char *s;
    apr_uint32_t len;
} lword;

struct rc_lexicon {
    apr_pool_t *p, *scratch;
    rc_vec words;        /* lword */
    rc_table table;      /* hash of the bytes -> word id */
    rc_vec cache;        /* per caller's string id: apr_uint32_t[2] {first in list, count} */
    rc_vec list;         /* word ids */
    char *chunk;
    apr_size_t left;
    const char *eq_s;
    apr_size_t eq_len;
};

rc_lexicon *rc_lexicon_create(apr_pool_t *p)
{
    rc_lexicon *lx = apr_pcalloc(p, sizeof(*lx));
    lx->p = p;
    apr_pool_create(&lx->scratch, p);
    rc_vec_init(p, &lx->words, sizeof(lword));
    rc_vec_init(p, &lx->cache, sizeof(apr_uint32_t) * 2);
    rc_vec_init(p, &lx->list, sizeof(apr_uint32_t));
    if (!rc_table_init(p, &lx->table, 1024))
        return NULL;
    return lx;
}

static int word_eq(void *ctx, apr_uint32_t id)
{
    rc_lexicon *lx = ctx;
    const lword *w = &RC_VEC_AT(&lx->words, lword, id);
    return w->len == lx->eq_len && !memcmp(w->s, lx->eq_s, lx->eq_len);
}

static apr_uint32_t word_id(rc_lexicon *lx, const char *s, apr_size_t len)
{
    apr_uint32_t n = (apr_uint32_t)lx->words.n, id;
    lword *w;
    lx->eq_s = s;
    lx->eq_len = len;
    id = rc_table_find(&lx->table, XXH3_64bits(s, len), word_eq, lx, 1, n);
    if (id != n)
        return id == RC_TABLE_NOMEM ? NONE : id;
    if (!(w = rc_vec_push(&lx->words)))
        return NONE;
    if (len > lx->left) {
        apr_size_t size = len > (1 << 16) ? len : (1 << 16);
        lx->chunk = apr_palloc(lx->p, size);
        lx->left = size;
    }
    memcpy(lx->chunk, s, len);
    w->s = lx->chunk;
    w->len = (apr_uint32_t)len;
    lx->chunk += len;
    lx->left -= len;
    return id;
}

/* The words of caller's string str: {first, count} in lx->list. */
static const apr_uint32_t *string_words(rc_lexicon *lx, apr_uint32_t str, const char *s,
                                        apr_size_t len)
{
    apr_uint32_t *slot;
    apr_size_t pos = 0, a, e;
    char *folded;
    if (str >= lx->cache.n) {
        if (!rc_vec_reserve(&lx->cache, (apr_size_t)str + 1))
            return NULL;
        for (apr_size_t i = lx->cache.n; i <= str; i++) {
            RC_VEC_AT(&lx->cache, apr_uint32_t, 2 * i) = NONE;
            RC_VEC_AT(&lx->cache, apr_uint32_t, 2 * i + 1) = 0;
        }
        lx->cache.n = (apr_size_t)str + 1;
    }
    slot = &RC_VEC_AT(&lx->cache, apr_uint32_t, 2 * (apr_size_t)str);
    if (slot[0] != NONE)
        return slot;
    slot[0] = (apr_uint32_t)lx->list.n;
    slot[1] = 0;
    folded = rc_fold(lx->scratch, s, len);
    len = strlen(folded);
    while (rc_next_word(folded, len, &pos, &a, &e)) {
        apr_uint32_t id = word_id(lx, folded + a, e - a), *out;
        if (id == NONE || !(out = rc_vec_push(&lx->list)))
            return NULL;
        *out = id;
        /* the cache vector may have moved */
        RC_VEC_AT(&lx->cache, apr_uint32_t, 2 * (apr_size_t)str + 1)++;
    }
    apr_pool_clear(lx->scratch);
    return &RC_VEC_AT(&lx->cache, apr_uint32_t, 2 * (apr_size_t)str);
}

struct rc_words_builder {
    rc_lexicon *lx;
    int n;
    rc_vec postings;     /* rc_vec of apr_uint32_t positions, per word id */
    rc_vec last;         /* apr_uint32_t: the last position + 1 added to a word */
    rc_vec used;         /* word ids with postings */
};

static apr_status_t builder_cleanup(void *data)
{
    rc_words_builder *wb = data;
    for (apr_size_t i = 0; i < wb->postings.n; i++)
        rc_vec_free(&RC_VEC_AT(&wb->postings, rc_vec, i));
    rc_vec_free(&wb->postings);
    rc_vec_free(&wb->last);
    rc_vec_free(&wb->used);
    return APR_SUCCESS;
}

rc_words_builder *rc_words_begin(rc_lexicon *lx, int nitems)
{
    rc_words_builder *wb = apr_pcalloc(lx->p, sizeof(*wb));
    wb->lx = lx;
    wb->n = nitems;
    rc_vec_init(NULL, &wb->postings, sizeof(rc_vec));
    rc_vec_init(NULL, &wb->last, sizeof(apr_uint32_t));
    rc_vec_init(NULL, &wb->used, sizeof(apr_uint32_t));
    apr_pool_cleanup_register(lx->p, wb, builder_cleanup, apr_pool_cleanup_null);
    return wb;
}

int rc_words_add(rc_words_builder *wb, int pos, apr_uint32_t str, const char *s,
                 apr_size_t len)
{
    const apr_uint32_t *range = string_words(wb->lx, str, s, len);
    apr_size_t nw;
    if (!range)
        return 0;
    nw = wb->lx->words.n;
    if (wb->postings.n < nw) {
        if (!rc_vec_reserve(&wb->postings, nw) || !rc_vec_reserve(&wb->last, nw))
            return 0;
        for (apr_size_t i = wb->postings.n; i < nw; i++) {
            rc_vec_init(NULL, &RC_VEC_AT(&wb->postings, rc_vec, i), sizeof(apr_uint32_t));
            RC_VEC_AT(&wb->last, apr_uint32_t, i) = 0;
        }
        wb->postings.n = wb->last.n = nw;
    }
    for (apr_uint32_t k = 0; k < range[1]; k++) {
        apr_uint32_t word = RC_VEC_AT(&wb->lx->list, apr_uint32_t, range[0] + k), *p;
        rc_vec *post;
        if (RC_VEC_AT(&wb->last, apr_uint32_t, word) == (apr_uint32_t)pos + 1)
            continue;  /* once per item */
        RC_VEC_AT(&wb->last, apr_uint32_t, word) = (apr_uint32_t)pos + 1;
        post = &RC_VEC_AT(&wb->postings, rc_vec, word);
        if (post->n == 0) {
            apr_uint32_t *u = rc_vec_push(&wb->used);
            if (!u)
                return 0;
            *u = word;
        }
        if (!(p = rc_vec_push(post)))
            return 0;
        *p = (apr_uint32_t)pos;
    }
    return 1;
}

static int cmp_words(const void *x, const void *y, void *ctx)
{
    const rc_lexicon *lx = ctx;
    const lword *a = &RC_VEC_AT(&lx->words, lword, *(const apr_uint32_t *)x);
    const lword *b = &RC_VEC_AT(&lx->words, lword, *(const apr_uint32_t *)y);
    apr_uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int dense(apr_uint32_t count, apr_uint32_t n)
{
    return (apr_uint64_t)count * 32 >= n;
}

static apr_uint32_t put_bitset(rc_imgw *w, apr_uint64_t *bits, apr_size_t nbits)
{
    return rc_imgw_put(w, bits, sizeof(apr_uint64_t) * nbits, 8);
}

apr_uint32_t rc_words_write(rc_words_builder *wb, rc_imgw *w, const rc_words_facets *f)
{
    rc_lexicon *lx = wb->lx;
    apr_uint32_t n = (apr_uint32_t)wb->n, nused = (apr_uint32_t)wb->used.n;
    apr_size_t nbits = ((apr_size_t)n + 63) / 64, total = 0;
    apr_uint32_t *ids = wb->used.a;
    rc_img_word *recs;
    apr_uint64_t *bits;
    char *bytes;
    rc_img_words out;
    apr_uint32_t at = 0;

    memset(&out, 0, sizeof(out));
    out.nitems = n;
    out.nbits = (apr_uint32_t)nbits;
    if (nused)
        qsort_r(ids, nused, sizeof(apr_uint32_t), cmp_words, lx);
    for (apr_uint32_t i = 0; i < nused; i++)
        total += RC_VEC_AT(&lx->words, lword, ids[i]).len;
    recs = malloc(sizeof(rc_img_word) * (nused + 1));
    bits = malloc(sizeof(apr_uint64_t) * (nbits + 1));
    bytes = calloc(total + 1, 1); /* zeroed: GCC (with -fsanitize) cannot see memcpy fill it */
    if (!recs || !bits || !bytes)
        goto done;
    {
        apr_size_t o = 0;
        for (apr_uint32_t i = 0; i < nused; i++) {
            const lword *lw = &RC_VEC_AT(&lx->words, lword, ids[i]);
            memcpy(bytes + o, lw->s, lw->len);
            o += lw->len;
        }
        at = rc_imgw_put(w, bytes, total, 1);
    }
    for (apr_uint32_t i = 0; i < nused; i++) {
        const lword *lw = &RC_VEC_AT(&lx->words, lword, ids[i]);
        rc_vec *post = &RC_VEC_AT(&wb->postings, rc_vec, ids[i]);
        const apr_uint32_t *pos = post->a;
        recs[i].text = at;
        recs[i].len = lw->len;
        recs[i].count = (apr_uint32_t)post->n;
        at += lw->len;
        if (dense(recs[i].count, n)) {
            memset(bits, 0, sizeof(apr_uint64_t) * nbits);
            for (apr_size_t k = 0; k < post->n; k++)
                bits[pos[k] >> 6] |= (apr_uint64_t)1 << (pos[k] & 63);
            recs[i].postings = put_bitset(w, bits, nbits);
        }
        else
            recs[i].postings = rc_imgw_put(w, pos, sizeof(apr_uint32_t) * post->n, 4);
        rc_vec_free(post);
    }
    out.nwords = nused;
    out.words = rc_imgw_put(w, recs, sizeof(rc_img_word) * nused, 4);

    /* the facets' bitsets */
    if (f->ncountries <= 64) {
        out.country_bits = 0;
        for (int c = 0; c < f->ncountries; c++) {
            apr_uint32_t off;
            memset(bits, 0, sizeof(apr_uint64_t) * nbits);
            for (int p = 0; p < f->n; p++)
                if (f->countries[p] >> c & 1)
                    bits[p >> 6] |= (apr_uint64_t)1 << (p & 63);
            off = put_bitset(w, bits, nbits);
            if (c == 0)
                out.country_bits = off;
        }
    }
    if (f->nkinds <= 64 && f->nkinds > 0) {
        for (int k = 0; k < f->nkinds; k++) {
            apr_uint32_t off;
            memset(bits, 0, sizeof(apr_uint64_t) * nbits);
            for (int p = 0; p < f->n; p++)
                if (f->kind[p] == k)
                    bits[p >> 6] |= (apr_uint64_t)1 << (p & 63);
            off = put_bitset(w, bits, nbits);
            if (k == 0)
                out.kind_bits = off;
        }
    }
    for (int k = 0; k < 3; k++) {
        apr_uint32_t off;
        memset(bits, 0, sizeof(apr_uint64_t) * nbits);
        for (int p = 0; p < f->n; p++)
            if (f->prec[p] == k)
                bits[p >> 6] |= (apr_uint64_t)1 << (p & 63);
        off = put_bitset(w, bits, nbits);
        if (k == 0)
            out.prec_bits = off;
    }
    /* the years' runs of positions (items are newest first) */
    {
        apr_int32_t *years = malloc(sizeof(apr_int32_t) * (f->n + 1));
        apr_uint32_t *ends = malloc(sizeof(apr_uint32_t) * (f->n + 1));
        if (!years || !ends) {
            free(years);
            free(ends);
            free(recs);
            recs = NULL;
            goto done;
        }
        for (int p = f->n - 1; p >= 0; p--)  /* oldest first */
            if (p == f->n - 1 || f->start[p] / 10000 != years[out.nyears - 1]) {
                years[out.nyears] = f->start[p] / 10000;
                ends[out.nyears++] = (apr_uint32_t)p + 1;
            }
        out.years = rc_imgw_put(w, years, sizeof(apr_int32_t) * out.nyears, 4);
        out.year_ends = rc_imgw_put(w, ends, sizeof(apr_uint32_t) * out.nyears, 4);
        free(years);
        free(ends);
    }
    at = rc_imgw_put(w, &out, sizeof(out), 8);
done:
    free(recs);
    free(bits);
    free(bytes);
    builder_cleanup(wb);
    return rc_imgw_error(w) || !recs ? 0 : at;
}

/* ---------------------------------------------------------------- query */

const char **rc_words_split(apr_pool_t *p, const char *folded, int *count)
{
    const char **out = apr_palloc(p, sizeof(char *) * (RC_Q_MAX_WORDS + 2));
    apr_size_t len = strlen(folded), pos = 0, a, e;
    int n = 0;
    while (n <= RC_Q_MAX_WORDS && rc_next_word(folded, len, &pos, &a, &e)) {
        const char *w = apr_pstrmemdup(p, folded + a, e - a);
        int seen = 0;
        for (int i = 0; i < n && !seen; i++)
            seen = !strcmp(out[i], w);
        if (!seen)
            out[n++] = w;
    }
    out[n] = NULL;
    *count = n;
    return out;
}

const apr_uint64_t *rc_words_bits(const rc_image *img, const rc_img_words *wd, apr_uint32_t at,
                                  int k)
{
    if (!at)
        return NULL;
    return RC_AT(img, apr_uint64_t, at + (apr_size_t)k * wd->nbits * sizeof(apr_uint64_t));
}

/* compares the dictionary word with w over w's length: < 0, 0 (w is its prefix), > 0 */
static int prefix_cmp(const rc_image *img, const rc_img_word *d, const char *w, apr_size_t wl)
{
    apr_size_t n = d->len < wl ? d->len : wl;
    int c = memcmp(img->base + d->text, w, n);
    if (c)
        return c;
    return d->len < wl ? -1 : 0;
}

rc_word_range rc_words_find(const rc_image *img, const rc_img_words *wd, const char *w)
{
    const rc_img_word *words = RC_AT(img, rc_img_word, wd->words);
    apr_size_t wl = strlen(w), lo = 0, hi = wd->nwords;
    rc_word_range r;
    while (lo < hi) {  /* the first word >= w */
        apr_size_t mid = lo + (hi - lo) / 2;
        if (prefix_cmp(img, &words[mid], w, wl) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    r.first = (apr_uint32_t)lo;
    hi = wd->nwords;
    while (lo < hi) {  /* the first one after that w does not begin */
        apr_size_t mid = lo + (hi - lo) / 2;
        if (prefix_cmp(img, &words[mid], w, wl) == 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    r.end = (apr_uint32_t)lo;
    return r;
}

const apr_uint64_t *rc_words_set(apr_pool_t *p, const rc_image *img, const rc_img_words *wd,
                                 rc_word_range r)
{
    const rc_img_word *words = RC_AT(img, rc_img_word, wd->words);
    apr_uint64_t *u;
    if (r.first == r.end)
        return NULL;
    if (r.end == r.first + 1 && dense(words[r.first].count, wd->nitems))
        return RC_AT(img, apr_uint64_t, words[r.first].postings);
    u = apr_pcalloc(p, sizeof(apr_uint64_t) * (wd->nbits + 1));
    for (apr_uint32_t i = r.first; i < r.end; i++) {
        const rc_img_word *d = &words[i];
        if (dense(d->count, wd->nitems)) {
            const apr_uint64_t *b = RC_AT(img, apr_uint64_t, d->postings);
            for (apr_size_t k = 0; k < wd->nbits; k++)
                u[k] |= b[k];
        }
        else {
            const apr_uint32_t *pos = RC_AT(img, apr_uint32_t, d->postings);
            for (apr_uint32_t k = 0; k < d->count; k++)
                u[pos[k] >> 6] |= (apr_uint64_t)1 << (pos[k] & 63);
        }
    }
    return u;
}

static int cmp_u32(const void *x, const void *y)
{
    apr_uint32_t a = *(const apr_uint32_t *)x, b = *(const apr_uint32_t *)y;
    return (a > b) - (a < b);
}

const apr_uint32_t *rc_words_positions(apr_pool_t *p, const rc_image *img,
                                       const rc_img_words *wd, rc_word_range r,
                                       apr_size_t limit, apr_size_t *n)
{
    const rc_img_word *words = RC_AT(img, rc_img_word, wd->words);
    apr_size_t first = r.first, end = r.end, total = 0, k = 0;
    apr_uint32_t *u;
    for (apr_size_t i = first; i < end; i++) {
        if (dense(words[i].count, wd->nitems) || (total += words[i].count) > limit)
            return NULL;
    }
    *n = total;
    if (end == first + 1)
        return RC_AT(img, apr_uint32_t, words[first].postings);
    u = apr_palloc(p, sizeof(apr_uint32_t) * (total + 1));
    for (apr_size_t i = first; i < end; i++) {
        memcpy(u + k, RC_AT(img, apr_uint32_t, words[i].postings),
               sizeof(apr_uint32_t) * words[i].count);
        k += words[i].count;
    }
    /* an item may have several of the words: once each */
    qsort(u, total, sizeof(apr_uint32_t), cmp_u32);
    for (apr_size_t i = k = 0; i < total; i++)
        if (!k || u[i] != u[k - 1])
            u[k++] = u[i];
    *n = k;
    return u;
}

apr_uint64_t *rc_words_match(apr_pool_t *p, const rc_image *img, const rc_img_words *wd,
                             const char *const *words)
{
    apr_size_t nbits = wd->nbits;
    apr_uint64_t *s = apr_pcalloc(p, sizeof(apr_uint64_t) * (nbits + 1));
    for (const char *const *w = words; *w; w++) {
        const apr_uint64_t *u = rc_words_set(p, img, wd, rc_words_find(img, wd, *w));
        if (!u) {  /* nothing can match */
            memset(s, 0, sizeof(apr_uint64_t) * nbits);
            break;
        }
        if (w == words)
            memcpy(s, u, sizeof(apr_uint64_t) * nbits);
        else
            for (apr_size_t k = 0; k < nbits; k++)
                s[k] &= u[k];
    }
    return s;
}
