/* rc_render: the writers. They write into an APR bucket brigade and know nothing of httpd; the
 * glue passes httpd's ap_filter_flush as the flush callback when a writer streams, and a bucket
 * maker that keeps the data version alive for bytes of the image handed out as they are. */
#ifndef RC_RENDER_H
#define RC_RENDER_H

#include <string.h>

#include <apr_buckets.h>

#include "rc_data.h"
#include "rc_filter.h"
#include "rc_i18n.h"
#include "rc_layout.h"
#include "rc_query.h"

typedef struct rc_out {
    apr_bucket_brigade *bb;
    apr_brigade_flush flush;  /* NULL: keep everything in bb (the length is then known) */
    void *flush_ctx;
    apr_pool_t *pool;
    /* A bucket for n bytes at s, which lie in the data version's image and stay valid while a
     * bucket holds it (the glue's version bucket); NULL: bytes are copied. */
    apr_bucket *(*image_bucket)(void *ctx, const char *s, apr_size_t n, apr_bucket_alloc_t *a);
    void *image_ctx;
    /* A HEAD: the body is made only until the first flush, which takes the headers out (and
     * has every filter, mod_deflate's included, set them as for the GET, a streamed body's
     * Content-Length aside); the rest would be thrown away. */
    int head;
    /* writers stop: a flush failed (the client went away), or a HEAD's first flush is done */
    int stopped;
    /* the bytes written since the last bucket: one heap bucket when full or finished (a
     * brigade write per string costs several times a copy). Without a chunk, used is
     * RC_OUT_CHUNK (full), so that a write needs one comparison to know it fits. */
    char *chunk;
    apr_size_t used;
} rc_out;

/* Starts writing into bb (memory from pool). */
void rc_out_init(rc_out *o, apr_bucket_brigade *bb, apr_pool_t *pool);
/* Puts what is written so far into the brigade (before the brigade is read or passed on). */
void rc_out_finish(rc_out *o);
/* rc_out_finish, then the flush callback (streaming writers, every so often). */
void rc_out_flush(rc_out *o);

/* The mount point's path in the forms the writers need; made once per configuration. */
typedef struct rc_base {
    const char *path;           /* decoded, without trailing '/' */
    const char *url, *html, *json;
    int csv_plain;
} rc_base;

/* Fills b from mount (the mount point's path, decoded; trailing '/' are dropped). */
void rc_base_init(apr_pool_t *p, rc_base *b, const char *mount);

/* What a response needs to know of where and in which language it is served. */
typedef struct rc_site {
    const rc_data *data;
    const rc_layout *layout;
    int lang;                /* index into data->langs */
    const rc_msgs *m;
    const rc_base *base;     /* the mount point */
    const char *home_url;    /* base->url, plus "/es" in a language other than the default */
    const char *home_html, *home_json;
    const char *origin;      /* "http://host:port" for absolute URLs, "" when unknown */
    const char *here;        /* the path below home of this response ("/reports"), for the
                              * language switch and alternates; NULL: none */
    const char *here_args;   /* its query string for the switch: a listing's canonical one, a
                              * 400's as sent ("" for none) */
} rc_site;

/* Fills site for one response in language lang. */
void rc_site_set(apr_pool_t *p, rc_site *site, const rc_data *d, const rc_layout *layout,
                 const rc_base *b, int lang, const char *origin);

/* ---- output helpers ---- */
#define RC_OUT_CHUNK 8000 /* APR_BUCKET_BUFF_SIZE: the bucket allocator's block */

void rc_out_write_slow(rc_out *o, const char *s, apr_size_t n);
char *rc_out_room_slow(rc_out *o, apr_size_t n);

/* Bytes copied into the current chunk: this is most of what the writers do, so it is inline.
 * (A chunk is never filled to the last byte: "<" keeps a write of nothing from an absent one.) */
static inline void rc_out_write(rc_out *o, const char *s, apr_size_t n)
{
    if (n < RC_OUT_CHUNK - o->used) {
        memcpy(o->chunk + o->used, s, n);
        o->used += n;
    }
    else
        rc_out_write_slow(o, s, n);
}

/* A NUL-terminated string. Inline, so that a string literal costs no strlen (the compiler knows
 * its length) and its copy is a few moves: writers can put their markup piece by piece. */
static inline void rc_out_puts(rc_out *o, const char *s)
{
    rc_out_write(o, s, strlen(s));
}

/* Room for up to n (at most RC_OUT_CHUNK / 2) bytes, written in place and then counted with
 * rc_out_wrote: numbers and dates are formatted straight into the output. */
static inline char *rc_out_room(rc_out *o, apr_size_t n)
{
    if (n < RC_OUT_CHUNK - o->used)
        return o->chunk + o->used;
    return rc_out_room_slow(o, n);
}

static inline void rc_out_wrote(rc_out *o, apr_size_t n)
{
    o->used += n;
}

void rc_out_piece_large(rc_out *o, const rc_piece *piece);

/* Bytes of the image: small pieces are cheaper copied into the current chunk than linked as
 * their own bucket; larger ones are handed out where they lie (rc_out_piece_large). */
static inline void rc_out_piece(rc_out *o, const rc_piece *piece)
{
    if (piece->n < 256)
        rc_out_write(o, piece->s, piece->n);
    else
        rc_out_piece_large(o, piece);
}

void rc_out_printf(rc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The strings one after the other, up to a NULL: much cheaper than a format (for cold paths:
 * rc_out_puts of each, inline, is cheaper still). */
void rc_out_strs(rc_out *o, ...) __attribute__((sentinel));
void rc_out_int(rc_out *o, apr_int64_t n);
/* s escaped for HTML text or a double-quoted attribute, straight into the output (no copy). */
void rc_out_html(rc_out *o, const char *s);

/* Text t of the data in the site's language, HTML-escaped; a fallback to the default language
 * is marked with its lang (in a span, unless attr: inside an attribute nothing can be). */
void rc_out_text(rc_out *o, const rc_site *s, apr_uint32_t t, int attr);
/* The same, JSON-escaped (without quotes). */
static inline void rc_out_text_json(rc_out *o, const rc_site *s, apr_uint32_t t)
{
    rc_piece piece = rc_str_json(s->data, rc_text(s->data, t, s->lang, NULL));
    rc_out_piece(o, &piece);
}

/* Text t as a plain string in the site's language ("" for none). */
const char *rc_site_text(const rc_site *s, apr_uint32_t t);

/* A string of the data, HTML-escaped / JSON-escaped / as it is (ids and dates, which have
 * nothing to escape in any context). */
static inline void rc_out_str(rc_out *o, const rc_site *s, apr_uint32_t ref)
{
    rc_piece piece = rc_str_html(s->data, ref);
    rc_out_piece(o, &piece);
}

static inline void rc_out_str_json(rc_out *o, const rc_site *s, apr_uint32_t ref)
{
    rc_piece piece = rc_str_json(s->data, ref);
    rc_out_piece(o, &piece);
}

static inline void rc_out_str_raw(rc_out *o, const rc_site *s, apr_uint32_t ref)
{
    rc_piece piece = rc_str_raw(s->data, ref);
    rc_out_piece(o, &piece);
}

/* The label of kind k of col in the site's language (the data's, else the default language's,
 * else the slug for people). */
const char *rc_kind_label(const rc_site *s, const rc_collection *col, int k);

/* ---- HTML ---- */
void rc_html_page(rc_out *o, const rc_site *s, const rc_page *page);
/* r is NULL when q has errors: the form is shown with the messages, and no results. The
 * renderers show r's slice (r->ids). */
void rc_html_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r);
void rc_html_item(rc_out *o, const rc_site *s, const rc_collection *col, const rc_item *it);
void rc_html_error(rc_out *o, const rc_site *s, int status, const char *message);

/* 1 when a listing is filtered or paged: not for search engines' indexes. */
int rc_listing_noindex(const rc_query *q);

/* ---- JSON ---- */
void rc_json_listing(rc_out *o, const rc_site *s, const rc_query *q, const rc_result *r);
void rc_json_item(rc_out *o, const rc_site *s, const rc_collection *col, const rc_item *it);
void rc_json_error(rc_out *o, int status, const char *param, const char *message);

/* ---- CSV (streams when o->flush is set; stops when o->stopped) ---- */
void rc_csv_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q);
/* The download's file name: the collection and the filter in ASCII letters, digits and '-',
 * "section-353-gt-from-2021.csv". */
const char *rc_csv_filename(apr_pool_t *p, const rc_site *s, const rc_collection *col,
                            const rc_query *q);

/* ---- Atom ---- */
#define RC_ATOM_ENTRIES 50
void rc_atom_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r);

/* ---- sitemap and API description ---- */

#define RC_SITEMAP_URLS 50000  /* the most one sitemap file may list (sitemaps.org) */

/* How many parts B/sitemap.xml has: 0 when it is one sitemap, else it is an index of
 * B/sitemap.xml?part=1..n. */
int rc_sitemap_parts(const rc_data *d);
/* The sitemap (part 0), or part n (1..rc_sitemap_parts). */
void rc_sitemap(rc_out *o, const rc_site *s, int part);

/* OpenAPI 3.1 description of the JSON (and CSV and Atom) listings and items of this data. */
void rc_openapi(rc_out *o, const rc_site *s);

#endif
