/* rc_query: the listing's query string (docs/REFERENCE.md "Listing parameters") parsed into a
 * filter. APR only. */
#ifndef RC_QUERY_H
#define RC_QUERY_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "rc_data.h"
#include "rc_i18n.h"

#define RC_Q_MAX_CHARS 200      /* per q value, in characters */
#define RC_MAX_QUERY_BYTES 65536 /* the whole query string (httpd's LimitRequestLine is lower) */
#define RC_MAX_PARAMS 256        /* values of known parameters; unknown ones are not counted */
/* Page numbers are valid however large (a page past the end is empty); above this they are
 * read as this, which is past the end of any listing and keeps (page - 1) * per_page exact. */
#define RC_MAX_PAGE 1000000000000000LL
#define RC_MAX_PER_PAGE 100

typedef struct rc_query_error {
    const char *param;    /* the parameter at fault, NULL when it is the query string itself */
    const char *value;    /* the value at fault, as decoded (NULL if it could not be) */
    const char *message;  /* for people: names the parameter and the value */
} rc_query_error;

typedef struct rc_query {
    /* the filter */
    char *countries;      /* ncountries flags, or NULL when country is not given */
    int from, to;         /* YYYYMMDD bounds, 0 when not given */
    const char **kinds;   /* NULL-terminated, or NULL when kind is not given */
    const char **words;   /* q's distinct folded words, NULL-terminated, or NULL */
    int sort_asc;
    apr_int64_t page;
    int per_page;

    /* as the visitor gave them, for pre-filling the form (NULL when absent) */
    const char *from_text, *to_text, *q_text, *sort_text, *per_page_text, *page_text;
    char *kind_checked;   /* nkinds flags of the collection's kinds */
    /* the canonical query string of the filter without page ("" or "country=GT&from=2021"),
     * already %-encoded, for links */
    const char *canonical;
    const char *canonical_with_per_page; /* adds per_page when it was given */
    /* what the response depends on, for the response cache: canonical_with_per_page with page
     * and per_page (every spelling of one listing has one key and one answer) */
    const char *key;

    apr_array_header_t *errors; /* of rc_query_error; empty when the query is good */
} rc_query;

/* Parses the raw query string (may be NULL) for a listing of col with default_per_page; messages
 * in m's language (lang: its index in the data's languages, for the kinds' labels). Never
 * fails: errors are collected in q->errors (the first error of each parameter), and the rest
 * still parsed so that a form can show every value back. */
rc_query *rc_query_parse(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const char *args, int default_per_page, const rc_msgs *m);

/* The canonical query string with page=n added (n <= 1 leaves page out). */
const char *rc_query_link(apr_pool_t *p, const rc_query *q, apr_int64_t page);

#endif
