/* rc_render: the writers. They write into an APR bucket brigade and know nothing of httpd; the
 * glue passes httpd's ap_filter_flush as the flush callback when a writer streams. */
#ifndef RC_RENDER_H
#define RC_RENDER_H

#include <apr_buckets.h>

#include "rc_data.h"
#include "rc_filter.h"
#include "rc_layout.h"
#include "rc_query.h"

typedef struct rc_out {
    apr_bucket_brigade *bb;
    apr_brigade_flush flush;  /* NULL: keep everything in bb (the length is then known) */
    void *flush_ctx;
    apr_pool_t *pool;
} rc_out;

/* What a response needs to know of where it is served. */
typedef struct rc_site {
    const rc_data *data;
    const rc_layout *layout;
    const char *base_url;   /* the mount point's path %-encoded, without a trailing '/' */
    const char *base_html;  /* base_url escaped for HTML attributes */
    const char *base_json;  /* base_url escaped for a JSON string */
    int base_csv_plain;     /* 1 when base_url needs no CSV quoting */
    const char *origin;     /* "http://host:port" for absolute URLs (Atom) */
} rc_site;

/* The mount point's path in the forms the writers need; made once per configuration. */
typedef struct rc_base {
    const char *url, *html, *json;
    int csv_plain;
} rc_base;

/* Fills b from mount (the mount point's path, decoded; trailing '/' are dropped). */
void rc_base_init(apr_pool_t *p, rc_base *b, const char *mount);

/* Fills site for one response. */
void rc_site_set(rc_site *site, const rc_data *d, const rc_layout *layout, const rc_base *b,
                 const char *origin);

/* rc_base_init and rc_site_set in one. */
void rc_site_init(apr_pool_t *p, rc_site *site, const rc_data *d, const rc_layout *layout,
                  const char *base, const char *origin);

/* ---- output helpers ---- */
void rc_out_write(rc_out *o, const char *s, apr_size_t n);
void rc_out_puts(rc_out *o, const char *s);
void rc_out_printf(rc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The strings one after the other, up to a NULL: much cheaper than a format on hot paths. */
void rc_out_strs(rc_out *o, ...) __attribute__((sentinel));
void rc_out_int(rc_out *o, apr_int64_t n);
void rc_out_html(rc_out *o, const char *s);            /* escaped for HTML */
void rc_out_piece(rc_out *o, const rc_piece *piece);   /* immutable bytes, not copied */

/* Pre-renders every item's listing row into d's pool. */
void rc_render_prepare(rc_data *d);

/* An item's CSV row up to its url cell, escaped, from p. */
const char *rc_csv_row_head(apr_pool_t *p, const rc_data *d, const rc_item *it);

/* "200 KB", "1.2 MB", "512 bytes" */
const char *rc_human_size(apr_pool_t *p, apr_int64_t bytes);
/* "report-to-congress" -> "Report to congress" */
const char *rc_human_kind(apr_pool_t *p, const char *kind);

/* ---- HTML ---- */
void rc_html_page(rc_out *o, const rc_site *s, const rc_page *page);
/* r is NULL when q has errors: the form is shown with the messages, and no results. */
/* The renderers show r's slice (r->ids); rc_filter_run picks it. */
void rc_html_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r);
void rc_html_item(rc_out *o, const rc_site *s, const rc_collection *col, const rc_item *it);
void rc_html_error(rc_out *o, const rc_site *s, int status, const char *message);

/* ---- JSON ---- */
void rc_json_listing(rc_out *o, const rc_site *s, const rc_query *q, const rc_result *r);
void rc_json_item(rc_out *o, const rc_site *s, const rc_item *it);
void rc_json_error(rc_out *o, int status, const char *param, const char *message);

/* ---- CSV (streams when o->flush is set) ---- */
void rc_csv_listing(rc_out *o, const rc_site *s, const rc_result *r);

/* ---- Atom ---- */
#define RC_ATOM_ENTRIES 50
void rc_atom_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r);

#endif
