/* rc_render_atom: an Atom 1.0 feed of the newest RC_ATOM_ENTRIES matching items, in the
 * response's language, with absolute links built from the request's origin and a title that
 * names the filter in words. */
#include "rc_render.h"
#include "rc_text.h"

#include <apr_strings.h>

static void xml(rc_out *o, const char *s)
{
    rc_out_puts(o, rc_escape_xml(o->pool, s));
}

/* "Section 353 Reports and Actions: Guatemala, from 2021" */
static const char *feed_title(apr_pool_t *p, const rc_site *s, const rc_collection *col,
                              const rc_query *q)
{
    const rc_data *d = s->data;
    const rc_msgs *m = s->m;
    apr_array_header_t *parts = apr_array_make(p, 6, sizeof(const char *));
    if (q->countries) {
        const char *names = "";
        for (int i = 0; i < d->ncountries; i++)
            if (q->countries[i])
                names = apr_pstrcat(p, names, *names ? ", " : "",
                                    rc_site_text(s, d->countries[i].name), NULL);
        APR_ARRAY_PUSH(parts, const char *) = names;
    }
    if (q->from_text)
        APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(p, m->atom_from, q->from_text);
    if (q->to_text)
        APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(p, m->atom_to, q->to_text);
    if (q->kinds) {
        const char *kinds = "";
        for (int i = 0; i < col->nkinds; i++)
            if (q->kind_checked[i])
                kinds = apr_pstrcat(p, kinds, *kinds ? ", " : "",
                                    rc_kind_label(s, col, i), NULL);
        APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(p, m->atom_kind, kinds);
    }
    if (q->q_text)
        APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(p, m->atom_q, q->q_text);
    {
        const char *title = rc_site_text(s, col->title);
        for (int i = 0; i < parts->nelts; i++)
            title = apr_pstrcat(p, title, i ? ", " : ": ", APR_ARRAY_IDX(parts, i, const char *),
                                NULL);
        return title;
    }
}

void rc_atom_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r)
{
    const rc_data *d = s->data;
    const char *origin = rc_escape_xml(o->pool, s->origin);
    const char *home = rc_escape_xml(o->pool, s->home_url);
    const char *qs = rc_escape_xml(o->pool, q->canonical);
    const char *sep = *q->canonical ? "?" : "";
    const char *title = feed_title(o->pool, s, col, q);
    int n = r->nids < RC_ATOM_ENTRIES ? r->nids : RC_ATOM_ENTRIES;
    /* The feed's <updated> follows its content, as its ETag does (not the file's time, which a
     * copy or a touch changes and a cached answer would not): the newest entry's, or with no
     * entry the collection's newest item's; an empty collection's is the epoch. Entries are
     * newest first, by the start of their period. */
    const rc_item *newest = n ? &col->items[r->ids[0]] : col->nitems ? &col->items[0] : NULL;
    rc_date date;
    rc_out_strs(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                   "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"",
                d->langs[s->lang], "\">\n<title>", NULL);
    xml(o, title);
    rc_out_strs(o, "</title>\n<id>", origin, home, "/", col->slug, ".atom", sep, qs, "</id>\n",
                NULL);
    rc_out_strs(o, "<link rel=\"self\" type=\"application/atom+xml\" href=\"", origin, home, "/",
                col->slug, ".atom", sep, qs, "\"/>\n", NULL);
    rc_out_strs(o, "<link rel=\"alternate\" type=\"text/html\" href=\"", origin, home, "/",
                col->slug, sep, qs, "\"/>\n", NULL);
    if (newest)
        rc_date_from_period(newest->start, newest->end, &date);
    rc_out_strs(o, "<updated>", newest ? rc_date_rfc3339(o->pool, &date) : "1970-01-01T00:00:00Z",
                "</updated>\n<author><name>", NULL);
    xml(o, rc_site_text(s, d->title));
    rc_out_puts(o, "</name></author>\n");
    for (int k = 0; k < n; k++) {
        const rc_item *it = &col->items[r->ids[k]];
        const char *id = rc_str(d, it->id);
        const apr_uint16_t *countries = rc_item_countries(d, it);
        rc_date_from_period(it->start, it->end, &date);
        rc_out_puts(o, "<entry>\n<title>");
        xml(o, rc_site_text(s, it->title));
        rc_out_strs(o, "</title>\n<id>", origin, home, "/", col->slug, "/", id, "</id>\n"
                    "<link rel=\"alternate\" type=\"text/html\" href=\"", origin, home, "/",
                    col->slug, "/", id, "\"/>\n<updated>", rc_date_rfc3339(o->pool, &date),
                    "</updated>\n", NULL);
        if (it->summary) {
            rc_out_puts(o, "<summary>");
            xml(o, rc_site_text(s, it->summary));
            rc_out_puts(o, "</summary>\n");
        }
        for (int i = 0; i < it->ncountries; i++) {
            const rc_country *ct = &d->countries[countries[i]];
            rc_out_strs(o, "<category term=\"", ct->code, "\" label=\"", NULL);
            xml(o, rc_site_text(s, ct->name));
            rc_out_puts(o, "\"/>\n");
        }
        rc_out_puts(o, "</entry>\n");
    }
    rc_out_puts(o, "</feed>\n");
}
