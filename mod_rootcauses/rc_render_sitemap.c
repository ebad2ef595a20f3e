/* rc_render_sitemap: B/sitemap.xml (sitemaps.org): every page, listing and item page in every
 * language, with lastmod and hreflang alternates between the languages; split into parts under
 * a sitemap index when it would list more than RC_SITEMAP_URLS addresses. */
#include "rc_render.h"
#include "rc_text.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_time.h>

/* Resources (pages, listings, items): each is listed once per language. */
static apr_int64_t resources(const rc_data *d)
{
    return (apr_int64_t)d->npages + d->ncollections + d->nitems;
}

static apr_int64_t per_part(const rc_data *d)
{
    return RC_SITEMAP_URLS / d->nlang;
}

int rc_sitemap_parts(const rc_data *d)
{
    apr_int64_t n = resources(d);
    if (n * d->nlang <= RC_SITEMAP_URLS)
        return 0;
    return (int)((n + per_part(d) - 1) / per_part(d));
}

static const char *w3c_time(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t tm;
    apr_time_exp_gmt(&tm, t);
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* One resource at path (below a language's home, "/reports"), in every language. */
static void entry(rc_out *o, const rc_site *s, const char *path, const apr_int64_t *mtimes,
                  apr_time_t mtime)
{
    const rc_data *d = s->data;
    const char *origin = rc_escape_xml(o->pool, s->origin);
    const char *base = rc_escape_xml(o->pool, s->base->url);
    const char *epath = rc_escape_xml(o->pool, path);
    for (int l = 0; l < d->nlang; l++) {
        rc_out_strs(o, "<url><loc>", origin, base, l ? "/" : "", l ? d->langs[l] : "", epath,
                    "</loc><lastmod>", w3c_time(o->pool, mtimes ? mtimes[l] : mtime),
                    "</lastmod>", NULL);
        if (d->nlang > 1) {
            for (int k = 0; k < d->nlang; k++)
                rc_out_strs(o, "<xhtml:link rel=\"alternate\" hreflang=\"", d->langs[k],
                            "\" href=\"", origin, base, k ? "/" : "", k ? d->langs[k] : "", epath,
                            "\"/>", NULL);
            rc_out_strs(o, "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"", origin,
                        base, epath, "\"/>", NULL);
        }
        rc_out_puts(o, "</url>\n");
    }
}

void rc_sitemap(rc_out *o, const rc_site *s, int part)
{
    const rc_data *d = s->data;
    int parts = rc_sitemap_parts(d);
    apr_int64_t first = 0, last = resources(d), k = 0;

    rc_out_puts(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    if (parts && part == 0) {
        const char *loc = rc_escape_xml(o->pool, apr_pstrcat(o->pool, s->origin, s->base->url,
                                                             "/sitemap.xml?part=", NULL));
        const char *lastmod = w3c_time(o->pool, d->mtime);
        rc_out_puts(o, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (int i = 1; i <= parts; i++)
            rc_out_strs(o, "<sitemap><loc>", loc, apr_itoa(o->pool, i), "</loc><lastmod>",
                        lastmod, "</lastmod></sitemap>\n", NULL);
        rc_out_puts(o, "</sitemapindex>\n");
        return;
    }
    if (parts) {
        first = (apr_int64_t)(part - 1) * per_part(d);
        last = first + per_part(d);
    }
    rc_out_puts(o, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                   "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for (int i = 0; i < d->npages && k < last; i++, k++)
        if (k >= first) {
            const rc_page *pg = &d->pages[i];
            int index = !strcmp(pg->slug, "index");
            entry(o, s, index ? "/" : apr_pstrcat(o->pool, "/", pg->slug, NULL), pg->mtimes, 0);
        }
    for (int c = 0; c < d->ncollections && k < last; c++, k++)
        if (k >= first)
            entry(o, s, apr_pstrcat(o->pool, "/", d->collections[c].slug, NULL), NULL, d->mtime);
    for (int c = 0; c < d->ncollections && k < last && !o->stopped; c++) {
        const rc_collection *col = &d->collections[c];
        apr_pool_t *scratch;
        if (k + col->nitems <= first) {
            k += col->nitems;
            continue;
        }
        apr_pool_create(&scratch, o->pool);
        for (int i = 0; i < col->nitems && k < last; i++, k++) {
            apr_pool_t *keep = o->pool;
            if (k < first)
                continue;
            o->pool = scratch;
            entry(o, s, apr_pstrcat(scratch, "/", col->slug, "/", rc_str(d, col->items[i].id),
                                    NULL), NULL, d->mtime);
            o->pool = keep;
            if ((i & 255) == 255) {
                if (o->flush)
                    rc_out_flush(o);
                apr_pool_clear(scratch);
            }
            if (o->stopped)
                break;
        }
        apr_pool_destroy(scratch);
    }
    rc_out_puts(o, "</urlset>\n");
}
