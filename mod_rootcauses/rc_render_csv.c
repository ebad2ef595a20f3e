/* rc_render_csv: every matching row, streamed: the brigade is handed on every RC_CSV_FLUSH_ROWS
 * rows and no row is kept, so memory stays flat whatever the number of rows; a failed hand-on
 * (the client went away) ends the export, and so does a HEAD's first one. */
#include "rc_render.h"
#include "rc_text.h"

#include <string.h>

#include <apr_strings.h>

#define RC_CSV_FLUSH_ROWS 512

typedef struct csv_ctx {
    rc_out *o;
    const rc_site *s;
    const rc_collection *col;
    apr_pool_t *rows;   /* cleared with each flush */
    int n;
} csv_ctx;

static int csv_row(void *ctx, int pos)
{
    csv_ctx *c = ctx;
    const rc_data *d = c->s->data;
    const rc_item *it = &c->col->items[pos];
    const apr_uint16_t *countries = rc_item_countries(d, it);
    const char *url = apr_pstrcat(c->rows, c->s->home_url, "/", c->col->slug, "/",
                                  rc_str(d, it->id), NULL);
    rc_out *o = c->o;
    rc_out_strs(o, rc_str(d, it->id), ",", rc_str(d, it->date), ",",
                rc_escape_csv(c->rows, rc_site_text(c->s, it->title)), ",", NULL);
    for (int i = 0; i < it->ncountries; i++)
        rc_out_strs(o, i ? ";" : "", d->countries[countries[i]].code, NULL);
    rc_out_strs(o, ",", it->kind >= 0 ? c->col->kinds[it->kind].slug : "", ",",
                c->s->base->csv_plain ? url : rc_escape_csv(c->rows, url), "\r\n", NULL);
    if (o->flush && ++c->n % RC_CSV_FLUSH_ROWS == 0) {
        rc_out_flush(o);
        apr_pool_clear(c->rows);
    }
    return !o->stopped;
}

void rc_csv_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q)
{
    csv_ctx c;
    c.o = o;
    c.s = s;
    c.col = col;
    c.n = 0;
    apr_pool_create(&c.rows, o->pool);
    rc_out_puts(o, "id,date,title,countries,kind,url\r\n");
    rc_filter_each(o->pool, s->data, col, q, -1, csv_row, &c);
    apr_pool_destroy(c.rows);
}

/* Appends s to the name: ASCII letters (lower-cased) and digits kept, anything else one '-'. */
static void name_part(char *out, apr_size_t *n, apr_size_t max, const char *s)
{
    int dash = *n > 0 && out[*n - 1] != '-';
    for (; *s && *n < max; s++) {
        char ch = *s;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            if (dash && *n < max)
                out[(*n)++] = '-';
            dash = 0;
            out[(*n)++] = ch;
        }
        else
            dash = *n > 0 && out[*n - 1] != '-';
    }
}

const char *rc_csv_filename(apr_pool_t *p, const rc_site *s, const rc_collection *col,
                            const rc_query *q)
{
    enum { MAX = 120 };
    char *out = apr_palloc(p, MAX + 8);
    apr_size_t n = 0;
    name_part(out, &n, MAX, col->slug);
    if (s->lang > 0)
        name_part(out, &n, MAX, s->data->langs[s->lang]);
    if (q->countries)
        for (int i = 0; i < s->data->ncountries; i++)
            if (q->countries[i])
                name_part(out, &n, MAX, s->data->countries[i].code);
    if (q->from_text) {
        name_part(out, &n, MAX, "from");
        name_part(out, &n, MAX, q->from_text);
    }
    if (q->to_text) {
        name_part(out, &n, MAX, "to");
        name_part(out, &n, MAX, q->to_text);
    }
    for (int i = 0; i < col->nkinds; i++)
        if (q->kind_checked[i])
            name_part(out, &n, MAX, col->kinds[i].slug);
    if (q->words) {
        name_part(out, &n, MAX, "q");
        for (const char **w = q->words; *w; w++)
            name_part(out, &n, MAX, *w);
    }
    while (n > 0 && out[n - 1] == '-')
        n--;
    memcpy(out + n, ".csv", 5);
    return out;
}
