/* rc_render: what every writer shares: output helpers, the site's paths, texts in the response's
 * language. */
#include "rc_render.h"
#include "rc_text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

/* A flush that fails means the client has gone: later writes are dropped and writers stop. */
static void status(rc_out *o, apr_status_t rv)
{
    if (rv != APR_SUCCESS)
        o->failed = 1;
}

void rc_out_write(rc_out *o, const char *s, apr_size_t n)
{
    if (!o->failed)
        status(o, apr_brigade_write(o->bb, o->flush, o->flush_ctx, s, n));
}

void rc_out_puts(rc_out *o, const char *s)
{
    rc_out_write(o, s, strlen(s));
}

void rc_out_printf(rc_out *o, const char *fmt, ...)
{
    va_list ap;
    if (o->failed)
        return;
    va_start(ap, fmt);
    if (apr_brigade_vprintf(o->bb, o->flush, o->flush_ctx, fmt, ap) < 0)
        o->failed = 1;
    va_end(ap);
}

void rc_out_strs(rc_out *o, ...)
{
    va_list ap;
    if (o->failed)
        return;
    va_start(ap, o);
    status(o, apr_brigade_vputstrs(o->bb, o->flush, o->flush_ctx, ap));
    va_end(ap);
}

void rc_out_int(rc_out *o, apr_int64_t n)
{
    char buf[24], *e = buf + sizeof(buf), *b = e;
    apr_uint64_t u = n < 0 ? -(apr_uint64_t)n : (apr_uint64_t)n;
    do
        *--b = (char)('0' + u % 10);
    while (u /= 10);
    if (n < 0)
        *--b = '-';
    rc_out_write(o, b, (apr_size_t)(e - b));
}

void rc_out_html(rc_out *o, const char *s)
{
    rc_out_puts(o, rc_escape_html(o->pool, s));
}

void rc_out_piece(rc_out *o, const rc_piece *piece)
{
    /* Small pieces are cheaper copied into the current heap bucket than linked as their own;
     * larger ones are handed out where they lie, in the image, by a bucket that keeps it. */
    if (piece->n < 256 || !o->image_bucket) {
        rc_out_write(o, piece->s, piece->n);
        return;
    }
    APR_BRIGADE_INSERT_TAIL(o->bb, o->image_bucket(o->image_ctx, piece->s, piece->n,
                                                   o->bb->bucket_alloc));
}

void rc_base_init(apr_pool_t *p, rc_base *b, const char *mount)
{
    apr_size_t n = strlen(mount);
    char *trimmed = apr_pstrndup(p, mount, n);
    while (n > 0 && trimmed[n - 1] == '/')
        trimmed[--n] = '\0';
    b->url = rc_escape_path(p, trimmed);
    b->html = rc_escape_html(p, b->url);
    b->json = rc_escape_json(p, b->url, strlen(b->url));
    b->csv_plain = strpbrk(b->url, ",\"\r\n") == NULL;
}

void rc_site_set(apr_pool_t *p, rc_site *site, const rc_data *d, const rc_layout *layout,
                 const rc_base *b, int lang, const char *origin)
{
    site->data = d;
    site->layout = layout;
    site->lang = lang;
    site->m = rc_msgs_for(d->langs[lang]);
    site->base = b;
    if (lang > 0) {
        site->home_url = apr_pstrcat(p, b->url, "/", d->langs[lang], NULL);
        site->home_html = apr_pstrcat(p, b->html, "/", d->langs[lang], NULL);
        site->home_json = apr_pstrcat(p, b->json, "/", d->langs[lang], NULL);
    }
    else {
        site->home_url = b->url;
        site->home_html = b->html;
        site->home_json = b->json;
    }
    site->origin = origin ? origin : "";
    site->here = NULL;
    site->here_args = "";
}

const char *rc_site_text(const rc_site *s, apr_uint32_t t)
{
    const char *r = rc_str(s->data, rc_text(s->data, t, s->lang, NULL));
    return r ? r : "";
}

void rc_out_text(rc_out *o, const rc_site *s, apr_uint32_t t, int attr)
{
    int fallback;
    apr_uint32_t ref = rc_text(s->data, t, s->lang, &fallback);
    rc_piece piece = rc_str_html(s->data, ref);
    if (fallback && !attr)
        rc_out_strs(o, "<span lang=\"", s->data->langs[0], "\">", NULL);
    rc_out_piece(o, &piece);
    if (fallback && !attr)
        rc_out_write(o, "</span>", 7);
}

void rc_out_text_json(rc_out *o, const rc_site *s, apr_uint32_t t)
{
    rc_piece piece = rc_str_json(s->data, rc_text(s->data, t, s->lang, NULL));
    rc_out_piece(o, &piece);
}

void rc_out_str(rc_out *o, const rc_site *s, apr_uint32_t ref)
{
    rc_piece piece = rc_str_html(s->data, ref);
    rc_out_piece(o, &piece);
}

void rc_out_str_json(rc_out *o, const rc_site *s, apr_uint32_t ref)
{
    rc_piece piece = rc_str_json(s->data, ref);
    rc_out_piece(o, &piece);
}

const char *rc_kind_label(apr_pool_t *p, const rc_site *s, const rc_collection *col, int k,
                          int *fallback)
{
    const rc_kind *kind = &col->kinds[k];
    const apr_uint32_t *table =
        kind->label ? RC_AT(&s->data->img, apr_uint32_t, kind->label) : NULL;
    if (fallback)
        *fallback = 0;
    if (table && table[s->lang])
        return rc_str(s->data, table[s->lang]);
    /* else the default language's label, or the slug written for people */
    if (fallback)
        *fallback = s->lang > 0;
    if (table && table[0])
        return rc_str(s->data, table[0]);
    return rc_kind_text(p, kind->slug);
}
