/* rc_filter: runs a parsed query over a collection. APR only. */
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
    const int *ids;         /* matching item indexes in sort order */
    int total;
    int *country_counts;    /* per declared country: matches ignoring the country filter */
    rc_year_count *years;   /* newest year first, only years with a count; ignores from/to */
    int nyears;
} rc_result;

/* Runs q over col. sort_asc overrides q->sort_asc when >= 0 (Atom is always newest first). */
rc_result *rc_filter_run(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const rc_query *q, int sort_asc);

/* Pagination: number of pages, and the slice [*first, *first + *count) for page. */
apr_int64_t rc_result_pages(const rc_result *r, int per_page);
void rc_result_slice(const rc_result *r, apr_int64_t page, int per_page, int *first, int *count);

#endif
