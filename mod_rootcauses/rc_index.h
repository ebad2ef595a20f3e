/* rc_index: per-collection indexes written once per data version into its image, so that a
 * listing filtered by date, country and kind costs O(log n + keys) instead of a pass over every
 * item.
 *
 * Each item has a "ck", the pair of its country set and kind, and a key, its ck and its date
 * precision: key = precision * nck + ck. Positions are the items newest first (a date range is
 * a range of positions, found by binary search over the items' own start dates); the index
 * keeps each position's key and, every `block` positions, the running count of each key. The
 * count of every key over any range of positions is then the difference of two rows, corrected
 * by the keys between the range's ends and the
 * nearest block boundaries, and every filter but q is a predicate on keys over at most three
 * ranges of positions (see rc_filter.c). Cks are ordered by country set, so that the country
 * facet adds each set's count once. Counts do not depend on the sort order: one index serves
 * both. APR only. */
#ifndef RC_INDEX_H
#define RC_INDEX_H

#include <apr_pools.h>

#include "rc_build.h"
#include "rc_image.h"

#define RC_INDEX_MAX_CK 4096

typedef enum rc_precision { RC_PREC_YEAR = 0, RC_PREC_MONTH = 1, RC_PREC_DAY = 2 } rc_precision;

/* ---- build ---- */

/* What the index is made of, per position (newest first). */
typedef struct rc_index_input {
    int n;
    int ncountries, nkinds;
    const apr_uint64_t *countries; /* country bitmask (the index takes up to 64 countries) */
    const int *kind;               /* kind index, -1 for none */
    const unsigned char *prec;     /* rc_precision */
    const int *start;              /* YYYYMMDD (for the years) */
} rc_index_input;

/* Writes the index; returns the offset of its rc_img_index, or 0 when the data is beyond it
 * (more than 64 countries or kinds, whose bitsets the listings need too, or more than
 * RC_INDEX_MAX_CK pairs of a country set and a kind: listings then take the bitsets or the
 * pass over the items) or on a write error (rc_imgw_error says). */
apr_uint32_t rc_index_write(apr_pool_t *tmp, rc_imgw *w, const rc_index_input *in);

/* ---- query ---- */

/* An index as the request path reads it. */
typedef struct rc_index_view {
    const apr_uint16_t *key;
    const apr_uint32_t *blocks;
    int n, nck, nkeys, block;
} rc_index_view;

void rc_index_open(const rc_image *img, const rc_img_index *ix, int n, rc_index_view *v);

/* counts[k] = the number of positions in [a, e) whose key is k, for the v->nkeys keys. */
void rc_index_counts(const rc_index_view *v, int a, int e, apr_uint32_t *counts);

#endif
