/* libFuzzer harness: the bytes are a request path below the mount point (docs/REFERENCE.md "URLs"), routed
 * against a fixed data set in English (at the mount point) and Spanish (B/es/). A route must be
 * exactly the canonical path of what it names, in its language, a redirect must lead (in one
 * step) to something that exists, and the answer must render. */
#include "fuzz_common.h"

#include <string.h>

#include <apr_strings.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    fuzz_dataset();
    return 0;
}

static const char *const suffix[] = {"", ".json", ".csv", ".atom"};

/* The one path that names what route r found, below its language's home. */
static const char *here_path(apr_pool_t *p, const rc_data *d, const rc_route *r);

/* The HTML page of what route r found (its "here", for the language switch). */
static const char *html_path(apr_pool_t *p, const rc_data *d, const rc_route *r)
{
    rc_route html = *r;
    html.format = RC_HTML;
    return here_path(p, d, &html);
}

static const char *here_path(apr_pool_t *p, const rc_data *d, const rc_route *r)
{
    switch (r->kind) {
    case RC_PAGE:
        return strcmp(r->page->slug, "index") ? apr_pstrcat(p, "/", r->page->slug, NULL) : "/";
    case RC_LISTING:
        return apr_pstrcat(p, "/", r->collection->slug, suffix[r->format], NULL);
    case RC_ITEM:
        return apr_pstrcat(p, "/", r->collection->slug, "/", rc_str(d, r->item->id),
                           suffix[r->format], NULL);
    case RC_SITEMAP:
        return "/sitemap.xml";
    case RC_OPENAPI:
        return "/openapi.json";
    default:
        return NULL;
    }
}

/* The same below the mount point: B/es/... in a language other than the default. */
static const char *canonical_path(apr_pool_t *p, const rc_data *d, const rc_route *r)
{
    const char *here = here_path(p, d, r);
    return r->lang > 0 ? apr_pstrcat(p, "/", d->langs[r->lang], here, NULL) : here;
}

static void check_found(apr_pool_t *p, const rc_data *d, const char *path, const rc_route *r)
{
    const char *want;
    FUZZ_CHECK(r->format >= RC_HTML && r->format <= RC_ATOM, "format %d", (int)r->format);
    FUZZ_CHECK(r->lang >= 0 && r->lang < d->nlang, "\"%s\": language %d", path, r->lang);
    switch (r->kind) {
    case RC_PAGE:
        FUZZ_CHECK(r->page && r->page >= d->pages && r->page < d->pages + d->npages,
                   "\"%s\": page not of the data", path);
        FUZZ_CHECK(r->format == RC_HTML, "\"%s\": page in format %d", path, (int)r->format);
        break;
    case RC_LISTING:
        FUZZ_CHECK(r->collection && r->collection >= d->collections &&
                       r->collection < d->collections + d->ncollections,
                   "\"%s\": collection not of the data", path);
        break;
    case RC_ITEM:
        FUZZ_CHECK(r->collection && r->collection >= d->collections &&
                       r->collection < d->collections + d->ncollections,
                   "\"%s\": collection not of the data", path);
        FUZZ_CHECK(r->item && r->item >= r->collection->items &&
                       r->item < r->collection->items + r->collection->nitems,
                   "\"%s\": item not of its collection", path);
        FUZZ_CHECK(r->format == RC_HTML || r->format == RC_JSON, "\"%s\": item in format %d",
                   path, (int)r->format);
        break;
    case RC_SITEMAP:
    case RC_OPENAPI:
        FUZZ_CHECK(r->lang == 0 && !r->page && !r->collection && !r->item,
                   "\"%s\": the module's own address with a target", path);
        break;
    default:
        fuzz_fail(__FILE__, __LINE__, "\"%s\": kind %d", path, (int)r->kind);
    }
    want = canonical_path(p, d, r);
    FUZZ_CHECK(!strcmp(want, path), "\"%s\" routes to what \"%s\" names", path, want);
    if (r->kind != RC_SITEMAP && r->kind != RC_OPENAPI)
        FUZZ_CHECK(r->here && !strcmp(r->here, html_path(p, d, r)), "\"%s\": here is \"%s\"",
                   path, r->here ? r->here : "(null)");
}

/* Renders the answer as the glue would (listings: unfiltered, in their format). */
static void render(apr_pool_t *p, const rc_data *d, const rc_route *r)
{
    rc_site site;
    fuzz_out fo;
    const char *s;
    apr_size_t n;
    json_t *root;

    fuzz_site(p, &site, d, "/rootcauses", r->lang, "http://127.0.0.1:8080");
    site.here = r->here;
    switch (r->kind) {
    case RC_PAGE:
        fuzz_out_begin(&fo, p, 0);
        rc_html_page(&fo.out, &site, r->page);
        s = fuzz_out_end(&fo, &n);
        fuzz_check_html("the page", s, n);
        break;
    case RC_ITEM:
        fuzz_out_begin(&fo, p, 0);
        if (r->format == RC_JSON) {
            rc_json_item(&fo.out, &site, r->collection, r->item);
            s = fuzz_out_end(&fo, &n);
            root = fuzz_check_json("the item JSON", s, n);
            FUZZ_CHECK(!strcmp(json_string_value(json_object_get(root, "id")),
                               rc_str(d, r->item->id)),
                       "item JSON id");
            json_decref(root);
        }
        else {
            rc_html_item(&fo.out, &site, r->collection, r->item);
            s = fuzz_out_end(&fo, &n);
            fuzz_check_html("the item page", s, n);
        }
        break;
    case RC_LISTING:
        fuzz_render_listing(p, &site, r->collection,
                            rc_query_parse(p, d, r->collection, NULL, 20, site.m));
        break;
    case RC_SITEMAP:
        fuzz_out_begin(&fo, p, 1);
        rc_sitemap(&fo.out, &site, 0);
        s = fuzz_out_end(&fo, &n);
        fuzz_check_xml(p, "the sitemap", s, n);
        break;
    case RC_OPENAPI:
        fuzz_out_begin(&fo, p, 0);
        rc_openapi(&fo.out, &site);
        s = fuzz_out_end(&fo, &n);
        json_decref(fuzz_check_json("the OpenAPI description", s, n));
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const rc_data *d = fuzz_dataset();
    const rc_router *rt = fuzz_router();
    apr_pool_t *p;
    const char *path;
    rc_route r, again;

    /* httpd never hands a handler a path with a NUL in it */
    if (memchr(data, 0, size))
        return 0;
    p = fuzz_pool_new();
    path = apr_pstrmemdup(p, (const char *)data, size);
    rc_route_path(rt, d, p, path, &r);
    switch (r.kind) {
    case RC_NOT_FOUND:
        FUZZ_CHECK(!r.page && !r.collection && !r.item && !r.location,
                   "\"%s\": not found, with a target", path);
        break;
    case RC_REDIRECT:
        FUZZ_CHECK(r.location && r.location[0] == '/', "\"%s\": redirect to \"%s\"", path,
                   r.location ? r.location : "(null)");
        FUZZ_CHECK(strcmp(r.location, path), "\"%s\" redirects to itself", path);
        /* one redirect leads to something that exists, never to another redirect or a 404 */
        rc_route_path(rt, d, p, r.location, &again);
        FUZZ_CHECK(again.kind == RC_PAGE || again.kind == RC_LISTING || again.kind == RC_ITEM ||
                       again.kind == RC_SITEMAP || again.kind == RC_OPENAPI,
                   "\"%s\" redirects to \"%s\", which routes to kind %d", path, r.location,
                   (int)again.kind);
        check_found(p, d, r.location, &again);
        break;
    default:
        check_found(p, d, path, &r);
        render(p, d, &r);
        break;
    }
    apr_pool_destroy(p);
    return 0;
}
