/* rc_index: per-collection indexes written once per data version into its image, so that a
 * listing filtered by date, country and kind costs O(log n + keys + page) instead of a pass over
 * every item.
 *
 * Each item gets a key: the combination of its country set, kind and date precision. For one
 * sort order, positions are the items in that order; the index keeps each position's key, each
 * position's start date (for binary search), and every `block` positions the running count of
 * each key. The count of any key over any range of positions is then two look-ups and at most
 * 2 x block key reads, and every filter but q is a predicate on keys over at most three ranges
 * of positions (see rc_filter.c). APR only. */
#ifndef RC_INDEX_H
#define RC_INDEX_H

#include <apr_pools.h>

#include "rc_build.h"
#include "rc_image.h"

#define RC_INDEX_MAX_KEYS 4096

typedef enum rc_precision { RC_PREC_YEAR = 0, RC_PREC_MONTH = 1, RC_PREC_DAY = 2 } rc_precision;

/* ---- build ---- */

/* What the index is made of, per position (newest first). */
typedef struct rc_index_input {
    int n;
    int ncountries;
    const apr_uint64_t *countries; /* country bitmask (the index takes up to 64 countries) */
    const int *kind;               /* kind index, -1 for none */
    const unsigned char *prec;     /* rc_precision */
    const int *start;              /* YYYYMMDD */
    const apr_uint32_t *asc;       /* oldest-first rank -> position */
    apr_uint32_t asc_off;          /* where asc is in the image already */
} rc_index_input;

/* Writes the index; returns the offset of its rc_img_index, or 0 when the data is beyond it
 * (more than 64 countries or RC_INDEX_MAX_KEYS keys: listings then take the pass over the
 * items) or on a write error (rc_imgw_error says). */
apr_uint32_t rc_index_write(apr_pool_t *tmp, rc_imgw *w, const rc_index_input *in);

/* ---- query ---- */

/* One sort order of an index, as the request path reads it. */
typedef struct rc_order_view {
    const apr_uint32_t *order;     /* position -> item (newest-first position); NULL: identity */
    const apr_uint16_t *key;
    const apr_int32_t *start;
    const apr_uint32_t *blocks;
    int n, nkeys, block, asc;
} rc_order_view;

void rc_index_view(const rc_image *img, const rc_img_index *ix, int n, int asc,
                   rc_order_view *v);

/* Adds to hist[k] the number of positions in [a, e) whose key is k. */
void rc_index_histogram(const rc_order_view *v, int a, int e, apr_uint32_t *hist);

/* The positions [*a, *e) whose start date lies in [lo, hi] (YYYYMMDD); they are contiguous in
 * either order. */
void rc_index_range(const rc_order_view *v, int lo, int hi, int *a, int *e);

#endif
