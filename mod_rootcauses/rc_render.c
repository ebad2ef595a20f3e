/* rc_render: what every writer shares: output helpers, the site's escaped base path, and the rows
 * each data version renders once at load. */
#include "rc_render.h"
#include "rc_text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <jansson.h>

void rc_out_write(rc_out *o, const char *s, apr_size_t n)
{
    apr_brigade_write(o->bb, o->flush, o->flush_ctx, s, n);
}

void rc_out_puts(rc_out *o, const char *s)
{
    apr_brigade_write(o->bb, o->flush, o->flush_ctx, s, strlen(s));
}

void rc_out_printf(rc_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    apr_brigade_vprintf(o->bb, o->flush, o->flush_ctx, fmt, ap);
    va_end(ap);
}

void rc_out_strs(rc_out *o, ...)
{
    va_list ap;
    va_start(ap, o);
    apr_brigade_vputstrs(o->bb, o->flush, o->flush_ctx, ap);
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
    /* Small pieces are cheaper copied into the current heap bucket than linked as their own. */
    if (piece->n < 64) {
        rc_out_write(o, piece->s, piece->n);
        return;
    }
    APR_BRIGADE_INSERT_TAIL(o->bb, apr_bucket_immortal_create(piece->s, piece->n,
                                                              o->bb->bucket_alloc));
}

void rc_base_init(apr_pool_t *p, rc_base *b, const char *mount)
{
    apr_size_t n = strlen(mount);
    char *trimmed = apr_pstrndup(p, mount, n);
    json_t *js;
    char *dumped;

    while (n > 0 && trimmed[n - 1] == '/')
        trimmed[--n] = '\0';
    b->url = rc_escape_path(p, trimmed);
    b->html = rc_escape_html(p, b->url);
    js = json_string(b->url);
    dumped = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
    b->json = dumped ? apr_pstrndup(p, dumped + 1, strlen(dumped) - 2) : "";
    free(dumped);  /* jansson's malloc */
    json_decref(js);
    b->csv_plain = strpbrk(b->url, ",\"\r\n") == NULL;
}

void rc_site_set(rc_site *site, const rc_data *d, const rc_layout *layout, const rc_base *b,
                 const char *origin)
{
    site->data = d;
    site->layout = layout;
    site->base_url = b->url;
    site->base_html = b->html;
    site->base_json = b->json;
    site->base_csv_plain = b->csv_plain;
    site->origin = origin ? origin : "";
}

void rc_site_init(apr_pool_t *p, rc_site *site, const rc_data *d, const rc_layout *layout,
                  const char *base, const char *origin)
{
    rc_base b;
    rc_base_init(p, &b, base);
    rc_site_set(site, d, layout, &b, origin);
}

const char *rc_human_size(apr_pool_t *p, apr_int64_t bytes)
{
    if (bytes < 1024)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " byte%s", bytes, bytes == 1 ? "" : "s");
    if ((bytes + 512) / 1024 < 1024)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " KB", (bytes + 512) / 1024);
    if (bytes < (apr_int64_t)1024 * 1024 * 1024)
        return apr_psprintf(p, "%.1f MB", bytes / (1024.0 * 1024.0));
    return apr_psprintf(p, "%.1f GB", bytes / (1024.0 * 1024.0 * 1024.0));
}

const char *rc_human_kind(apr_pool_t *p, const char *kind)
{
    char *s = apr_pstrdup(p, kind);
    for (char *c = s; *c; c++)
        if (*c == '-')
            *c = ' ';
    s[0] = (char)apr_toupper(s[0]);
    return s;
}

/* ---- rows rendered once per version ---- */

/* Copied into the version's pool: a version can outlive this .so across a graceful restart. */
static rc_piece piece(apr_pool_t *p, const char *s)
{
    rc_piece r;
    r.n = strlen(s);
    r.s = apr_pstrmemdup(p, s, r.n);
    return r;
}

static const char *country_names(apr_pool_t *p, const rc_data *d, const rc_item *it,
                                 const char *sep)
{
    const char *s = "";
    for (int i = 0; i < it->ncountries; i++)
        s = apr_pstrcat(p, s, i ? sep : "", d->countries[it->countries[i]].name, NULL);
    return s;
}

static const char *country_codes(apr_pool_t *p, const rc_data *d, const rc_item *it)
{
    const char *s = "";
    for (int i = 0; i < it->ncountries; i++)
        s = apr_pstrcat(p, s, i ? ";" : "", d->countries[it->countries[i]].code, NULL);
    return s;
}

static void prepare_html(apr_pool_t *p, const rc_data *d, const rc_collection *col, rc_item *it,
                         const rc_piece *open, apr_pool_t *tmp)
{
    const char *meta = apr_pstrcat(
        tmp, "<time datetime=\"", it->date_text, "\">", rc_date_human(tmp, &it->date),
        "</time> · <span class=\"countries\">",
        rc_escape_html(tmp, country_names(tmp, d, it, ", ")), "</span>",
        it->kind ? " · <span class=\"kind\">" : "",
        it->kind ? rc_escape_html(tmp, rc_human_kind(tmp, it->kind)) : "",
        it->kind ? "</span>" : "", NULL);
    it->html_row.before = *open;
    it->html_row.after = piece(
        p, apr_pstrcat(p, "/", col->slug, "/", it->id, "\">", rc_escape_html(tmp, it->title),
                       "</a></h3><p class=\"item-meta\">", meta, "</p>",
                       it->summary ? "<p class=\"item-summary\">" : "",
                       it->summary ? rc_escape_html(tmp, it->summary) : "",
                       it->summary ? "</p>" : "", "</li>\n", NULL));
}

/* A CSV row but for its url cell (SPEC §7 columns id,date,title,countries,kind,url). */
const char *rc_csv_row_head(apr_pool_t *p, const rc_data *d, const rc_item *it)
{
    return apr_pstrcat(p, rc_escape_csv(p, it->id), ",", rc_escape_csv(p, it->date_text), ",",
                       rc_escape_csv(p, it->title), ",",
                       rc_escape_csv(p, country_codes(p, d, it)), ",",
                       it->kind ? rc_escape_csv(p, it->kind) : "", ",", NULL);
}

void rc_render_prepare(rc_data *d)
{
    apr_pool_t *tmp;
    /* the same for every row: one copy per version */
    rc_piece open = piece(d->pool, "<li class=\"item\"><h3 class=\"item-title\"><a href=\"");
    apr_pool_create(&tmp, d->pool);
    for (int c = 0; c < d->ncollections; c++) {
        rc_collection *col = &d->collections[c];
        for (int i = 0; i < col->nitems; i++) {
            prepare_html(d->pool, d, col, &col->items[i], &open, tmp);
            if ((i & 1023) == 1023)
                apr_pool_clear(tmp);
        }
    }
    apr_pool_destroy(tmp);
}
