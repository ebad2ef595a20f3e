/* rc_index: per-collection indexes built once per data version, so that a listing filtered by
 * date, country and kind costs O(log n + keys + page) instead of a pass over every item.
 *
 * Each item gets a key: the combination of its country set, kind and date precision. For one
 * sort order, positions are the items in that order; the index keeps each position's key, each
 * position's start date (for binary search), and every 256 positions the running count of each
 * key. The count of any key over any range of positions is then two look-ups and at most 510
 * key reads, and every filter of SPEC §6 but q is a predicate on keys over at most three ranges
 * of positions (see rc_filter.c). APR only. */
#ifndef RC_INDEX_H
#define RC_INDEX_H

#include <apr_pools.h>

#include "rc_data.h"

#define RC_INDEX_BLOCK 256
#define RC_INDEX_MAX_KEYS 4096

typedef enum rc_precision { RC_PREC_YEAR = 0, RC_PREC_MONTH = 1, RC_PREC_DAY = 2 } rc_precision;

/* What a key stands for; shared by both orders of a collection. */
typedef struct rc_keys {
    int n;
    apr_uint64_t *countries; /* per key: bit i set when the key's items have country i */
    int *kind;               /* per key: index into the collection's kinds, -1 for none */
    unsigned char *prec;     /* per key: rc_precision */
    int nyears;              /* distinct years the items' dates start in */
    int *years;              /* those years, ascending */
    apr_uint32_t *year_counts; /* n x nyears (key-major): items of key k starting in years[y] */
} rc_keys;

typedef struct rc_order_index {
    const int *order;        /* position -> item index */
    int n;
    int asc;                 /* dates ascending (1) or descending (0) */
    apr_uint16_t *key;       /* position -> key */
    int *start;              /* position -> start date as YYYYMMDD */
    apr_uint32_t *blocks;    /* (n / RC_INDEX_BLOCK + 1) x nkeys running counts */
} rc_order_index;

/* For q: which items' folded text has a byte pair that hashes to each of RC_GRAM_BITS values.
 * An item can contain a word only if it has every one of the word's pairs, so the AND of a
 * word's bitmaps leaves the few items that strstr() then checks. */
#define RC_GRAM_BITS 256

typedef struct rc_grams {
    int words;               /* 64-bit words per bitmap: (nitems + 63) / 64 */
    apr_uint64_t *bits;      /* RC_GRAM_BITS bitmaps of `words` words, item-indexed */
    int *pos_desc, *pos_asc; /* item -> its position in each order */
} rc_grams;

typedef struct rc_index {
    rc_keys keys;
    rc_order_index desc, asc;
    rc_grams grams;
} rc_index;

/* The hash of a byte pair, in [0, RC_GRAM_BITS). */
#define RC_GRAM(a, b) ((((unsigned)(unsigned char)(a) * 31u) ^ (unsigned char)(b)) & (RC_GRAM_BITS - 1))

/* Builds the index of col, or returns NULL when the data is beyond it (more than 64 countries
 * or RC_INDEX_MAX_KEYS keys); the filter then scans. */
rc_index *rc_index_build(apr_pool_t *p, const rc_data *d, const rc_collection *col);

/* Adds to hist[k] the number of positions in [a, e) whose key is k. */
void rc_index_histogram(const rc_order_index *oi, int nkeys, int a, int e, apr_uint32_t *hist);

/* The positions [*a, *e) whose start date lies in [lo, hi] (YYYYMMDD); they are contiguous in
 * either order. */
void rc_index_range(const rc_order_index *oi, int lo, int hi, int *a, int *e);

#endif
