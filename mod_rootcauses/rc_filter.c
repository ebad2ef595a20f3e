/* rc_filter: one pass over the collection in sort order gives the result and both facets. */
#include "rc_filter.h"

#include <string.h>

static int match_country(const rc_item *it, const char *want)
{
    if (!want)
        return 1;
    for (int i = 0; i < it->ncountries; i++)
        if (want[it->countries[i]])
            return 1;
    return 0;
}

static int match_kind(const rc_item *it, const char **kinds)
{
    if (!kinds)
        return 1;
    if (!it->kind)
        return 0;
    for (; *kinds; kinds++)
        if (!strcmp(*kinds, it->kind))
            return 1;
    return 0;
}

static int match_words(const rc_item *it, const char **words)
{
    if (!words)
        return 1;
    for (; *words; words++)
        if (!strstr(it->folded, *words))
            return 0;
    return 1;
}

static int match_date(const rc_item *it, const rc_query *q)
{
    /* periods overlap when each starts before the other ends */
    return (!q->from || it->date.end >= q->from) && (!q->to || it->date.start <= q->to);
}

rc_result *rc_filter_run(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const rc_query *q, int sort_asc)
{
    rc_result *r = apr_pcalloc(p, sizeof(*r));
    const int *order = (sort_asc >= 0 ? sort_asc : q->sort_asc) ? col->by_date_asc
                                                                   : col->by_date_desc;
    int *ids = apr_palloc(p, sizeof(int) * (col->nitems + 1));
    int span = col->nitems ? col->max_year - col->min_year + 1 : 0;
    int *year_counts = apr_pcalloc(p, sizeof(int) * (span + 1));

    r->col = col;
    r->country_counts = apr_pcalloc(p, sizeof(int) * (d->ncountries + 1));
    for (int k = 0; k < col->nitems; k++) {
        const rc_item *it = &col->items[order[k]];
        int in_country, in_date;
        if (!match_kind(it, q->kinds) || !match_words(it, q->words))
            continue;
        in_country = match_country(it, q->countries);
        in_date = match_date(it, q);
        if (in_date)
            for (int i = 0; i < it->ncountries; i++)
                r->country_counts[it->countries[i]]++;
        if (in_country)
            year_counts[it->date.year - col->min_year]++;
        if (in_country && in_date)
            ids[r->total++] = order[k];
    }
    r->ids = ids;
    r->years = apr_palloc(p, sizeof(rc_year_count) * (span + 1));
    for (int y = span - 1; y >= 0; y--)
        if (year_counts[y]) {
            r->years[r->nyears].year = col->min_year + y;
            r->years[r->nyears++].count = year_counts[y];
        }
    return r;
}

apr_int64_t rc_result_pages(const rc_result *r, int per_page)
{
    return ((apr_int64_t)r->total + per_page - 1) / per_page;
}

void rc_result_slice(const rc_result *r, apr_int64_t page, int per_page, int *first, int *count)
{
    apr_int64_t start = (page - 1) * (apr_int64_t)per_page;  /* page <= 1e9: no overflow */
    if (start >= r->total) {
        *first = r->total;
        *count = 0;
        return;
    }
    *first = (int)start;
    *count = r->total - *first < per_page ? r->total - *first : per_page;
}
