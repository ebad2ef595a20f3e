/* rc_route: the URL table of docs/REFERENCE.md "URLs" as two PCRE2 patterns. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rc_route.h"

#include <string.h>

#include <apr_strings.h>
#include <pcre2.h>

/* Paths longer than this cannot name anything (two 64-character slugs and a suffix). */
#define RC_MAX_PATH 160

/* /{slug}[.json|.csv|.atom][/]  and  /{collection}/{id}[.json][/] */
#define SLUG "[a-z0-9][a-z0-9-]{0,63}"
static const char *const patterns[2] = {
    "^/(" SLUG ")(?:\\.(json|csv|atom))?(/?)$",
    "^/(" SLUG ")/(" SLUG ")(\\.json)?(/?)$",
};

struct rc_router {
    pcre2_code *code[2];
    pcre2_match_context *mctx;
};

static apr_status_t router_cleanup(void *data)
{
    rc_router *rt = data;
    for (int i = 0; i < 2; i++)
        pcre2_code_free(rt->code[i]);
    pcre2_match_context_free(rt->mctx);
    return APR_SUCCESS;
}

const char *rc_router_create(apr_pool_t *p, rc_router **out)
{
    rc_router *rt = apr_pcalloc(p, sizeof(*rt));
    int errcode;
    PCRE2_SIZE erroffset;

    apr_pool_cleanup_register(p, rt, router_cleanup, apr_pool_cleanup_null);
    for (int i = 0; i < 2; i++) {
        rt->code[i] = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED,
                                    PCRE2_DOLLAR_ENDONLY, &errcode, &erroffset, NULL);
        if (!rt->code[i]) {
            PCRE2_UCHAR msg[120];
            pcre2_get_error_message(errcode, msg, sizeof(msg));
            return apr_psprintf(p, "route pattern %s: %s at offset %" APR_SIZE_T_FMT, patterns[i],
                                (const char *)msg, (apr_size_t)erroffset);
        }
        /* JIT is an optimisation: where it is not available the interpreter runs. */
        pcre2_jit_compile(rt->code[i], PCRE2_JIT_COMPLETE);
    }
    /* The patterns are linear, but limits keep any future edit from backtracking without end. */
    rt->mctx = pcre2_match_context_create(NULL);
    if (!rt->mctx)
        return "out of memory creating the PCRE2 match context";
    pcre2_set_match_limit(rt->mctx, 10000);
    pcre2_set_depth_limit(rt->mctx, 100);
    *out = rt;
    return NULL;
}

/* PCRE2 allocates match data through these, so a request's match data lives in its pool. */
static void *pool_malloc(PCRE2_SIZE size, void *ctx)
{
    return apr_palloc(ctx, size);
}

static void pool_free(void *block, void *ctx)
{
    (void)block;
    (void)ctx;
}

static const char *group(apr_pool_t *p, const char *subject, PCRE2_SIZE *ov, int n)
{
    if (ov[2 * n] == PCRE2_UNSET)
        return NULL;
    return apr_pstrndup(p, subject + ov[2 * n], ov[2 * n + 1] - ov[2 * n]);
}

rc_format rc_format_of_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return RC_HTML;
    if (!strcmp(dot, ".json"))
        return RC_JSON;
    if (!strcmp(dot, ".csv"))
        return RC_CSV;
    if (!strcmp(dot, ".atom"))
        return RC_ATOM;
    return RC_HTML;
}

static void redirect(rc_route *out, const char *location)
{
    out->kind = RC_REDIRECT;
    out->location = location;
}

/* The path below a language's home: the default language's is the mount point, another's
 * B/es. Returns NULL when path is not in a declared language other than the default. */
static const char *language(const rc_data *d, const char *path, int *lang)
{
    char code[3];
    if (path[0] != '/' || !path[1] || !path[2] || (path[3] && path[3] != '/'))
        return NULL;
    code[0] = path[1];
    code[1] = path[2];
    code[2] = '\0';
    if ((*lang = rc_data_lang(d, code)) <= 0)
        return NULL;
    return path + 3;
}

static void route(const rc_router *rt, const rc_data *d, apr_pool_t *p, const char *path,
                  rc_route *out);

void rc_route_path(const rc_router *rt, const rc_data *d, apr_pool_t *p, const char *path,
                   rc_route *out)
{
    const char *rest;
    int lang = 0;
    memset(out, 0, sizeof(*out));
    if (!strcmp(path, "/sitemap.xml")) {
        out->kind = RC_SITEMAP;
        return;
    }
    if (!strcmp(path, "/openapi.json")) {
        out->kind = RC_OPENAPI;
        out->format = RC_JSON;
        return;
    }
    /* a trailing slash on a valid path, as everywhere */
    if (!strcmp(path, "/sitemap.xml/") || !strcmp(path, "/openapi.json/")) {
        redirect(out, apr_pstrndup(p, path, strlen(path) - 1));
        return;
    }
    if ((rest = language(d, path, &lang)) != NULL) {
        route(rt, d, p, rest, out);
        out->lang = lang;
        if (out->kind == RC_REDIRECT)
            out->location = apr_pstrcat(p, "/", d->langs[lang], out->location, NULL);
        return;
    }
    route(rt, d, p, path, out);
}

static void route(const rc_router *rt, const rc_data *d, apr_pool_t *p, const char *path,
                  rc_route *out)
{
    pcre2_general_context *gctx;
    pcre2_match_data *md;
    size_t len = strlen(path);
    const rc_nav *nav;

    out->here = path;
    if (len == 0) {
        redirect(out, "/");
        return;
    }
    if (len == 1 && path[0] == '/') {
        out->kind = RC_PAGE;
        out->page = rc_data_nav(d, "index")->page;
        return;
    }
    if (len > RC_MAX_PATH)
        return;

    gctx = pcre2_general_context_create(pool_malloc, pool_free, p);
    md = pcre2_match_data_create(6, gctx);
    if (pcre2_match(rt->code[0], (PCRE2_SPTR)path, len, 0, 0, md, rt->mctx) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        const char *slug = group(p, path, ov, 1), *ext = group(p, path, ov, 2);
        int slash = ov[7] > ov[6];
        if (!strcmp(slug, "index") && !ext) {
            redirect(out, "/");
            return;
        }
        if (!(nav = rc_data_nav(d, slug)) || (ext && !nav->collection))
            return;
        if (slash) {
            redirect(out, apr_pstrndup(p, path, len - 1));
            return;
        }
        out->format = ext ? rc_format_of_path(path) : RC_HTML; /* the path ends in .ext */
        out->here = apr_pstrcat(p, "/", slug, NULL);
        if (nav->page) {
            out->kind = RC_PAGE;
            out->page = nav->page;
        }
        else {
            out->kind = RC_LISTING;
            out->collection = nav->collection;
        }
        return;
    }
    if (pcre2_match(rt->code[1], (PCRE2_SPTR)path, len, 0, 0, md, rt->mctx) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        const char *slug = group(p, path, ov, 1), *id = group(p, path, ov, 2);
        int json = ov[6] != PCRE2_UNSET && ov[7] > ov[6];
        int slash = ov[9] > ov[8], pos;
        const rc_item *item;
        if (!(nav = rc_data_nav(d, slug)) || !nav->collection ||
            (pos = rc_item_find(d, nav->collection, id)) < 0)
            return;
        item = &nav->collection->items[pos];
        if (slash) {
            redirect(out, apr_pstrndup(p, path, len - 1));
            return;
        }
        out->kind = RC_ITEM;
        out->format = json ? RC_JSON : RC_HTML;
        out->collection = nav->collection;
        out->item = item;
        out->here = apr_pstrcat(p, "/", slug, "/", id, NULL);
    }
}
