/* rc_filter: runs a parsed query over a collection: the total, the facets, and the slice of the
 * result that a response shows. APR only. */
#ifndef RC_FILTER_H
#define RC_FILTER_H

#include <apr_pools.h>

#include "rc_data.h"
#include "rc_query.h"

typedef struct rc_year_count {
    int year, count;
} rc_year_count;

typedef struct rc_result {
    const rc_collection *col;
    int total;              /* items matching every filter */
    apr_int64_t first;      /* rank of ids[0] in the whole result */
    const int *ids;         /* the requested slice, as positions (col->items) in sort order */
    int nids;
    int *country_counts;    /* per declared country: matches ignoring the country filter */
    rc_year_count *years;   /* newest year first, only years with a count; ignores from/to */
    int nyears;
} rc_result;

#define RC_ALL 0x7fffffff

/* Runs q over col and returns the result's ranks [first, first + count) (fewer past the end).
 * sort_asc overrides q->sort_asc when >= 0 (Atom is always newest first). */
rc_result *rc_filter_run(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const rc_query *q, int sort_asc, apr_int64_t first, int count);

/* The ways to the answer (rc_filter.c): rc_filter_run chooses; tests take each in turn. */
typedef enum rc_engine { RC_BY_CHOICE, RC_BY_INDEX, RC_BY_BITS, RC_BY_WALK } rc_engine;

/* rc_filter_run the given way when it can answer (the index only without q, the walk over q's
 * matches only when a word of q has no dictionary word of dense postings), else as chosen. */
rc_result *rc_filter_run_by(rc_engine how, apr_pool_t *p, const rc_data *d,
                            const rc_collection *col, const rc_query *q, int sort_asc,
                            apr_int64_t first, int count);

/* The same by a pass over every item: what the indexes must agree with, and the way when the
 * data is beyond them. */
rc_result *rc_filter_scan(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                          const rc_query *q, int sort_asc, apr_int64_t first, int count);

/* Calls fn with each matching position in sort order, without keeping them (CSV); stops when fn
 * returns 0. */
typedef int (*rc_each_fn)(void *ctx, int pos);
void rc_filter_each(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                    const rc_query *q, int sort_asc, rc_each_fn fn, void *ctx);

/* ceil(total / per_page) */
apr_int64_t rc_result_pages(const rc_result *r, int per_page);

#endif
