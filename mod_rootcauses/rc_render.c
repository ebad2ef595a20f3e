/* rc_render: what every writer shares: output helpers, the site's paths, texts in the response's
 * language. */
#include "rc_render.h"
#include "rc_text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

void rc_out_init(rc_out *o, apr_bucket_brigade *bb, apr_pool_t *pool)
{
    memset(o, 0, sizeof(*o));
    o->bb = bb;
    o->pool = pool;
    o->used = RC_OUT_CHUNK;  /* no chunk yet */
}

/* Once stopped nothing more goes into the brigade: the chunk is dropped. */
void rc_out_finish(rc_out *o)
{
    if (!o->chunk)
        return;
    if (o->used && !o->stopped)
        APR_BRIGADE_INSERT_TAIL(o->bb, apr_bucket_heap_create(o->chunk, o->used, apr_bucket_free,
                                                              o->bb->bucket_alloc));
    else
        apr_bucket_free(o->chunk);
    o->chunk = NULL;
    o->used = RC_OUT_CHUNK;
}

/* A flush that fails means the client has gone, and a HEAD's first flush has sent all that
 * goes out: later writes are dropped and writers stop. A HEAD's goes with a FLUSH bucket, so
 * that filters that keep data back (mod_deflate) pass it on now and the headers go out without
 * the Content-Length of a part (the length of a streamed body is not known). */
void rc_out_flush(rc_out *o)
{
    rc_out_finish(o);
    if (!o->flush || o->stopped)
        return;
    if (o->head)
        APR_BRIGADE_INSERT_TAIL(o->bb, apr_bucket_flush_create(o->bb->bucket_alloc));
    if (o->flush(o->bb, o->flush_ctx) != APR_SUCCESS || o->head)
        o->stopped = 1;
}

char *rc_out_room_slow(rc_out *o, apr_size_t n)
{
    (void)n;  /* at most RC_OUT_CHUNK / 2: a new chunk has room */
    rc_out_finish(o);
    o->chunk = apr_bucket_alloc(RC_OUT_CHUNK, o->bb->bucket_alloc);
    o->used = 0;
    return o->chunk;
}

void rc_out_write_slow(rc_out *o, const char *s, apr_size_t n)
{
    if (o->stopped)
        return;
    if (n > RC_OUT_CHUNK / 2) {  /* a bucket of its own */
        rc_out_finish(o);
        APR_BRIGADE_INSERT_TAIL(o->bb, apr_bucket_heap_create(s, n, NULL, o->bb->bucket_alloc));
        return;
    }
    memcpy(rc_out_room_slow(o, n), s, n);
    o->used = n;
}

void rc_out_printf(rc_out *o, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = apr_pvsprintf(o->pool, fmt, ap);
    va_end(ap);
    rc_out_write(o, s, strlen(s));
}

void rc_out_strs(rc_out *o, ...)
{
    va_list ap;
    const char *s;
    va_start(ap, o);
    while ((s = va_arg(ap, const char *)) != NULL)
        rc_out_write(o, s, strlen(s));
    va_end(ap);
}

/* Two decimal digits at a time: half the divisions. */
static const char two_digits[] = "00010203040506070809101112131415161718192021222324252627282930"
                                 "31323334353637383940414243444546474849505152535455565758596061"
                                 "62636465666768697071727374757677787980818283848586878889909192"
                                 "93949596979899";

void rc_out_int(rc_out *o, apr_int64_t n)
{
    char *at = rc_out_room(o, 20), *e;  /* "-9223372036854775808" */
    apr_uint64_t u = n < 0 ? -(apr_uint64_t)n : (apr_uint64_t)n;
    apr_size_t len = (n < 0) + 1;
    for (apr_uint64_t v = u; v >= 10; v /= 10)
        len++;
    rc_out_wrote(o, len);
    e = at + len;
    for (; u >= 100; u /= 100) {
        e -= 2;
        memcpy(e, two_digits + 2 * (u % 100), 2);
    }
    if (u >= 10)
        memcpy(e - 2, two_digits + 2 * u, 2);
    else
        e[-1] = (char)('0' + u);
    if (n < 0)
        *at = '-';
}

void rc_out_html(rc_out *o, const char *s)
{
    for (;;) {
        apr_size_t n = rc_html_plain_span(s);
        const char *e;
        rc_out_write(o, s, n);
        if (!s[n])
            return;
        s += n;
        n = rc_html_char(s, &e);
        if (e)
            rc_out_puts(o, e);
        else
            rc_out_write(o, s, n);  /* a C2 that starts no C1 control */
        s += n;
    }
}

/* Without a bucket maker (unit tests, rootcauses-check) even large pieces are copied. */
void rc_out_piece_large(rc_out *o, const rc_piece *piece)
{
    if (!o->image_bucket) {
        rc_out_write(o, piece->s, piece->n);
        return;
    }
    rc_out_finish(o);
    APR_BRIGADE_INSERT_TAIL(o->bb, o->image_bucket(o->image_ctx, piece->s, piece->n,
                                                   o->bb->bucket_alloc));
}

void rc_base_init(apr_pool_t *p, rc_base *b, const char *mount)
{
    apr_size_t n = strlen(mount);
    char *trimmed = apr_pstrndup(p, mount, n);
    while (n > 0 && trimmed[n - 1] == '/')
        trimmed[--n] = '\0';
    b->path = trimmed;
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
        rc_out_piece(o, &s->data->lang_span);
    rc_out_piece(o, &piece);
    if (fallback && !attr)
        rc_out_puts(o, "</span>");
}

const char *rc_kind_label(const rc_site *s, const rc_collection *col, int k)
{
    return col->kinds[k].label_text[s->lang];
}
