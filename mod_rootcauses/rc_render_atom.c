/* rc_render_atom: an Atom 1.0 feed of the newest RC_ATOM_ENTRIES matching items, with absolute
 * links built from the request's origin. */
#include "rc_render.h"
#include "rc_text.h"

#include <apr_strings.h>
#include <apr_time.h>

static void xml(rc_out *o, const char *s)
{
    rc_out_puts(o, rc_escape_xml(o->pool, s));
}

void rc_atom_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r)
{
    const rc_data *d = s->data;
    const char *origin = rc_escape_xml(o->pool, s->origin);
    const char *base = rc_escape_xml(o->pool, s->base_url);
    const char *qs = rc_escape_xml(o->pool, q->canonical);
    const char *sep = *q->canonical ? "?" : "";
    apr_time_exp_t tm;
    int n = r->nids < RC_ATOM_ENTRIES ? r->nids : RC_ATOM_ENTRIES;

    apr_time_exp_gmt(&tm, d->mtime);
    rc_out_puts(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                   "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
    xml(o, col->title);
    rc_out_puts(o, " – ");
    xml(o, d->title);
    rc_out_printf(o, "</title>\n<id>%s%s/%s.atom%s%s</id>\n", origin, base, col->slug, sep, qs);
    rc_out_printf(o, "<link rel=\"self\" type=\"application/atom+xml\" href=\"%s%s/%s.atom%s%s\"/>\n",
                  origin, base, col->slug, sep, qs);
    rc_out_printf(o, "<link rel=\"alternate\" type=\"text/html\" href=\"%s%s/%s%s%s\"/>\n", origin,
                  base, col->slug, sep, qs);
    rc_out_printf(o, "<updated>%04d-%02d-%02dT%02d:%02d:%02dZ</updated>\n<author><name>",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    xml(o, d->title);
    rc_out_puts(o, "</name></author>\n");
    for (int k = 0; k < n; k++) {
        const rc_item *it = &col->items[r->ids[k]];
        rc_out_puts(o, "<entry>\n<title>");
        xml(o, it->title);
        rc_out_printf(o, "</title>\n<id>%s%s/%s/%s</id>\n"
                         "<link rel=\"alternate\" type=\"text/html\" href=\"%s%s/%s/%s\"/>\n"
                         "<updated>%s</updated>\n",
                      origin, base, col->slug, it->id, origin, base, col->slug, it->id,
                      rc_date_rfc3339(o->pool, &it->date));
        if (it->summary) {
            rc_out_puts(o, "<summary>");
            xml(o, it->summary);
            rc_out_puts(o, "</summary>\n");
        }
        for (int i = 0; i < it->ncountries; i++) {
            const rc_country *ct = &d->countries[it->countries[i]];
            rc_out_printf(o, "<category term=\"%s\" label=\"", ct->code);
            xml(o, ct->name);
            rc_out_puts(o, "\"/>\n");
        }
        rc_out_puts(o, "</entry>\n");
    }
    rc_out_puts(o, "</feed>\n");
}
