/* mod_rootcauses: httpd glue. Directives, hooks, the handler and HTTP headers; everything about
 * the data, the filters and the formats lives in the rc_* core, which includes no httpd header. */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mpm_common.h"
#include "ap_expr.h"
#include "util_filter.h"

#include <apr_lib.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>
#include <apr_strings.h>

#include "rc_cache.h"
#include "rc_data.h"
#include "rc_filter.h"
#include "rc_layout.h"
#include "rc_query.h"
#include "rc_render.h"
#include "rc_route.h"
#include "rc_store.h"

#define RC_HANDLER "rootcauses"
#define UNSET -1
#define RC_DEFAULT_PAGE_SIZE 20
#define RC_DEFAULT_MAX_AGE 300
#define RC_DEFAULT_RELOAD 2

APLOG_USE_MODULE(rootcauses);

typedef struct rc_conf {
    const char *mount;       /* path of the <Location> whose directives configured us */
    const char *section;     /* path of the section this config was created for */
    rc_base *base;           /* mount (or else section) in the writers' forms */
    rc_source *source;
    const rc_router *router;
    const rc_layout *layout;
    int page_size;
    int max_age;
    int reload;              /* seconds */
} rc_conf;

/* ---------------------------------------------------------------- configuration */

static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    rc_conf *c = apr_pcalloc(p, sizeof(*c));
    c->section = dir;
    if (dir) {
        c->base = apr_palloc(p, sizeof(rc_base));
        rc_base_init(p, c->base, dir);
    }
    else  /* the server's defaults, which every section's config is merged onto */
        c->layout = rc_layout_builtin(p);
    c->page_size = c->max_age = c->reload = UNSET;
    return c;
}

static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    rc_conf *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));
    c->mount = add->mount ? add->mount : base->mount;
    c->section = add->section ? add->section : base->section;
    /* the base that goes with the mount chosen above, else with the section */
    c->base = add->mount                     ? add->base
              : base->mount                  ? base->base
              : add->section ? add->base : base->base;
    c->source = add->source ? add->source : base->source;
    c->router = add->router ? add->router : base->router;
    c->layout = add->layout ? add->layout : base->layout;
    c->page_size = add->page_size != UNSET ? add->page_size : base->page_size;
    c->max_age = add->max_age != UNSET ? add->max_age : base->max_age;
    c->reload = add->reload != UNSET ? add->reload : base->reload;
    return c;
}

/* Our directives inside <Location "/x"> make /x the mount point. */
static void note_mount(cmd_parms *cmd, rc_conf *c)
{
    const ap_directive_t *parent = cmd->directive ? cmd->directive->parent : NULL;
    if (cmd->path && parent && !strcasecmp(parent->directive, "<Location") &&
        !(parent->args && parent->args[0] == '~') && !c->mount) {
        c->mount = cmd->path;
        c->base = apr_palloc(cmd->pool, sizeof(rc_base));
        rc_base_init(cmd->pool, c->base, c->mount);
    }
}

/* One compiled route table per configuration generation, in pconf: its cleanup must run before
 * the .so is unloaded, which a cleanup in the process pool would not. */
static const char *router_for(apr_pool_t *pconf, const rc_router **out)
{
    static const char key[] = "rootcauses-router";
    void *found = NULL;
    rc_router *rt;
    const char *err;
    apr_pool_userdata_get(&found, key, pconf);
    if (!found) {
        if ((err = rc_router_create(pconf, &rt)) != NULL)
            return err;
        apr_pool_userdata_set(rt, key, apr_pool_cleanup_null, pconf);
        found = rt;
    }
    *out = found;
    return NULL;
}

/* Where RootCausesData was given, for rc_post_config. */
typedef struct data_use {
    const rc_conf *conf;
    server_rec *server;
} data_use;

static apr_array_header_t *data_uses(apr_pool_t *pconf)
{
    static const char key[] = "rootcauses-data-uses";
    void *found = NULL;
    apr_pool_userdata_get(&found, key, pconf);
    if (!found) {
        found = apr_array_make(pconf, 4, sizeof(data_use));
        apr_pool_userdata_set(found, key, apr_pool_cleanup_null, pconf);
    }
    return found;
}

static const char *set_data(cmd_parms *cmd, void *dconf, const char *arg)
{
    rc_conf *c = dconf;
    const char *path = ap_server_root_relative(cmd->pool, arg);
    rc_store *st = rc_store_get(cmd->server->process->pool);
    const char *err;
    int kept = 0;
    /* After a (graceful) restart a broken file must not take the site down: keep serving the
     * last good version and say why in the log. At startup and under httpd -t it is fatal. */
    int restarting = ap_state_query(AP_SQ_CONFIG_GEN) > 0;

    if (!path)
        return apr_psprintf(cmd->pool, "RootCausesData: invalid path \"%s\"", arg);
    if ((err = router_for(cmd->pool, &c->router)) != NULL)
        return apr_psprintf(cmd->pool, "RootCausesData: %s", err);
    c->source = rc_store_source(st, path);
    note_mount(cmd, c);
    /* The section's RootCausesReloadInterval may come after this line: rc_post_config
     * settles each source's interval once the whole configuration is read. */
    {
        apr_array_header_t *uses = data_uses(cmd->pool);
        data_use *u = apr_array_push(uses);
        u->conf = c;
        u->server = cmd->server;
    }
    err = rc_source_load(c->source, restarting, &kept);
    if (err && kept) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, cmd->server,
                     "RootCausesData: %s; still serving the last good version of %s", err, path);
        return NULL;
    }
    if (err)
        return apr_psprintf(cmd->pool, "RootCausesData: %s", err);
    return NULL;
}

static const char *set_layout(cmd_parms *cmd, void *dconf, const char *arg)
{
    rc_conf *c = dconf;
    rc_layout *l;
    const char *path = ap_server_root_relative(cmd->pool, arg), *err;
    if (!path)
        return apr_psprintf(cmd->pool, "RootCausesLayout: invalid path \"%s\"", arg);
    if ((err = rc_layout_load(cmd->pool, path, &l)) != NULL)
        return apr_psprintf(cmd->pool, "RootCausesLayout: %s", err);
    c->layout = l;
    note_mount(cmd, c);
    return NULL;
}

static const char *parse_number(cmd_parms *cmd, const char *arg, int min, int max, int *out)
{
    char *end;
    apr_int64_t v;
    if (!apr_isdigit(*arg))
        goto bad;
    v = apr_strtoi64(arg, &end, 10);
    if (*end || v < min || v > max)
        goto bad;
    *out = (int)v;
    return NULL;
bad:
    return apr_psprintf(cmd->pool, "%s: \"%s\" is not a whole number from %d to %d",
                        cmd->directive->directive, arg, min, max);
}

static const char *set_page_size(cmd_parms *cmd, void *dconf, const char *arg)
{
    note_mount(cmd, dconf);
    return parse_number(cmd, arg, 1, RC_MAX_PER_PAGE, &((rc_conf *)dconf)->page_size);
}

static const char *set_max_age(cmd_parms *cmd, void *dconf, const char *arg)
{
    note_mount(cmd, dconf);
    return parse_number(cmd, arg, 0, 315360000, &((rc_conf *)dconf)->max_age);
}

static const char *set_reload(cmd_parms *cmd, void *dconf, const char *arg)
{
    note_mount(cmd, dconf);
    return parse_number(cmd, arg, 0, 86400, &((rc_conf *)dconf)->reload);
}

static const command_rec rc_cmds[] = {
    AP_INIT_TAKE1("RootCausesData", set_data, NULL, RSRC_CONF | ACCESS_CONF,
                  "the JSON data file (relative paths are relative to ServerRoot)"),
    AP_INIT_TAKE1("RootCausesLayout", set_layout, NULL, RSRC_CONF | ACCESS_CONF,
                  "an HTML layout file with the title, nav and content markers"),
    AP_INIT_TAKE1("RootCausesPageSize", set_page_size, NULL, RSRC_CONF | ACCESS_CONF,
                  "listing items per page when per_page is not given (1..100, default 20)"),
    AP_INIT_TAKE1("RootCausesMaxAge", set_max_age, NULL, RSRC_CONF | ACCESS_CONF,
                  "Cache-Control max-age of 200 responses, in seconds (default 300)"),
    AP_INIT_TAKE1("RootCausesReloadInterval", set_reload, NULL, RSRC_CONF | ACCESS_CONF,
                  "seconds between checks of the data file for change; 0: only at restart "
                  "(default 2)"),
    {NULL}};

/* ---------------------------------------------------------------- hooks */

/* Whether SetHandler rootcauses applies to r's URL. httpd resolves SetHandler only in its
 * fixups, so look at the core's configuration as the <Location> walk left it. */
static int is_ours(request_rec *r)
{
    core_dir_config *core = ap_get_core_module_config(r->per_dir_config);
    const char *handler = core->handler, *err = NULL;
    if (!handler && core->expr_handler)
        handler = ap_expr_str_exec(r, core->expr_handler, &err);
    return handler && !err && !strcasecmp(handler, RC_HANDLER);
}

static char ours_marker;

/* Our URLs name no files: translate them to a pseudo file name (so that the core does not
 * join a long URL to the DocumentRoot and fail), and remember the decision for
 * rc_map_to_storage, which runs with the server's default config. */
static int rc_translate_name(request_rec *r)
{
    if (!is_ours(r))
        return DECLINED;
    ap_set_module_config(r->request_config, &rootcauses_module, &ours_marker);
    r->filename = apr_pstrcat(r->pool, RC_HANDLER ":", r->uri, NULL);
    return OK;
}

/* The module's URLs name no files: skip the directory and file walk (and their stat calls),
 * and httpd's TRACE handling with them (TRACE gets our 405). */
static int rc_map_to_storage(request_rec *r)
{
    return ap_get_module_config(r->request_config, &rootcauses_module) ? OK : DECLINED;
}

/* ---------------------------------------------------------------- the handler */

typedef struct req {
    request_rec *r;
    const rc_conf *conf;
    rc_site site;
    rc_out out;
    rc_format format;
    int page_size, max_age;
    rc_version *version;
} req;

static const char *const content_types[] = {
    "text/html; charset=utf-8",
    "application/json",
    "text/csv; charset=utf-8; header=present",
    "application/atom+xml",
};

static int finish(req *q)
{
    APR_BRIGADE_INSERT_TAIL(q->out.bb, apr_bucket_eos_create(q->r->connection->bucket_alloc));
    return ap_pass_brigade(q->r->output_filters, q->out.bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

/* The Content-Type of a response in format f, and the CSP that every HTML answer carries. */
static void set_type(request_rec *r, rc_format f, const char *type)
{
    ap_set_content_type(r, type ? type : content_types[f]);
    if (f == RC_HTML)
        apr_table_setn(r->headers_out, "Content-Security-Policy", "default-src 'self'");
}

/* Error responses are written by us (not ErrorDocument) so that each format gets its own. */
static int send_error(req *q, int status, const char *param, const char *message)
{
    request_rec *r = q->r;
    r->status = status;
    if (status == HTTP_METHOD_NOT_ALLOWED)
        apr_table_setn(r->headers_out, "Allow", "GET, HEAD");
    if (q->format == RC_HTML) {
        set_type(r, RC_HTML, NULL);
        rc_html_error(&q->out, &q->site, status, message);
    }
    else if (q->format == RC_JSON) {
        set_type(r, RC_JSON, NULL);
        rc_json_error(&q->out, status, param, message);
    }
    else {
        set_type(r, q->format, "text/plain; charset=utf-8");
        rc_out_printf(&q->out, "%d %s\n%s\n", status, ap_get_status_line(status) + 4, message);
    }
    return finish(q);
}

/* Headers of every 200; returns OK or the status of a conditional request (304). */
static int set_cache_headers(req *q, apr_time_t mtime)
{
    request_rec *r = q->r;
    static const char *const fmt_tag[] = {"-h\"", "-j\"", "-c\"", "-a\""};
    /* string joins, not formats: this runs on every answer, cached ones included */
    apr_table_setn(r->headers_out, "ETag",
                   apr_pstrcat(r->pool, "\"", q->site.data->hash, "-", q->site.layout->hash,
                               apr_itoa(r->pool, q->page_size), fmt_tag[q->format], NULL));
    ap_update_mtime(r, mtime);
    ap_set_last_modified(r);
    apr_table_setn(r->headers_out, "Cache-Control",
                   apr_pstrcat(r->pool, "public, max-age=", apr_itoa(r->pool, q->max_age), NULL));
    set_type(r, q->format, NULL);
    return ap_meets_conditions(r);
}

static void link_header(req *q, const rc_collection *col, const rc_query *qu, apr_int64_t pages)
{
    request_rec *r = q->r;
    const char *path = apr_pstrcat(r->pool, q->site.base_url, "/", col->slug,
                                   q->format == RC_JSON ? ".json" : "", NULL);
    apr_array_header_t *links = apr_array_make(r->pool, 4, sizeof(const char *));
    apr_int64_t page = qu->page;
#define LINK(n, rel)                                                                         \
    do {                                                                                     \
        const char *qs = rc_query_link(r->pool, qu, (n));                                    \
        APR_ARRAY_PUSH(links, const char *) =                                                \
            apr_psprintf(r->pool, "<%s%s%s>; rel=\"%s\"", path, *qs ? "?" : "", qs, rel);    \
    } while (0)
    if (pages <= 1)
        return;
    LINK(1, "first");
    if (page > 1)
        LINK(page > pages ? pages : page - 1, "prev");
    if (page < pages)
        LINK(page + 1, "next");
    LINK(pages, "last");
#undef LINK
    apr_table_setn(r->headers_out, "Link", apr_array_pstrcat(r->pool, links, ','));
}

static void flatten(void *bb, char *buf, apr_size_t len)
{
    apr_brigade_flatten(bb, buf, &len);
}

/* The key of a listing response in its version's cache: everything it depends on besides the
 * data (the raw query string stands for the filter; Atom's links also depend on the host). */
static const char *cache_key(req *q, const rc_collection *col)
{
    static const char *const fmt_name[] = {"h ", "j ", "c ", "a "};
    request_rec *r = q->r;
    return apr_pstrcat(r->pool, fmt_name[q->format], q->site.base_url, " ", q->site.layout->hash,
                       apr_itoa(r->pool, q->page_size), " ",
                       q->format == RC_ATOM ? q->site.origin : "", " ", col->slug, "?",
                       r->args ? r->args : "", NULL);
}

static int serve_listing(req *q, const rc_collection *col)
{
    request_rec *r = q->r;
    const rc_data *d = q->site.data;
    const char *key = NULL;
    rc_query *qu;
    rc_result *res;
    int rv;

    if (q->format == RC_ATOM)
        q->site.origin = ap_construct_url(r->pool, "", r);  /* Atom's links are absolute */
    if (q->format != RC_CSV) {
        const rc_cached *hit = rc_cache_get(q->version->cache, key = cache_key(q, col));
        if (hit) {
            if ((rv = set_cache_headers(q, d->mtime)) != OK)
                return rv;
            if (hit->link)
                apr_table_setn(r->headers_out, "Link", hit->link);
            APR_BRIGADE_INSERT_TAIL(q->out.bb, apr_bucket_immortal_create(
                                                   hit->body, hit->len, q->out.bb->bucket_alloc));
            return finish(q);
        }
    }
    qu = rc_query_parse(r->pool, d, col, r->args, q->page_size);
    if (qu->errors->nelts) {
        const rc_query_error *e = &APR_ARRAY_IDX(qu->errors, 0, rc_query_error);
        if (q->format == RC_HTML) {
            r->status = HTTP_BAD_REQUEST;
            set_type(r, RC_HTML, NULL);
            rc_html_listing(&q->out, &q->site, col, qu, NULL);
            return finish(q);
        }
        return send_error(q, HTTP_BAD_REQUEST, e->param, e->message);
    }
    if ((rv = set_cache_headers(q, d->mtime)) != OK)
        return rv;
    if (q->format == RC_CSV)
        res = rc_filter_run(r->pool, d, col, qu, -1, 0, RC_ALL);
    else if (q->format == RC_ATOM)
        res = rc_filter_run(r->pool, d, col, qu, 0, 0, RC_ATOM_ENTRIES);
    else
        res = rc_filter_run(r->pool, d, col, qu, -1, (qu->page - 1) * qu->per_page, qu->per_page);
    switch (q->format) {
    case RC_HTML:
        link_header(q, col, qu, rc_result_pages(res, qu->per_page));
        rc_html_listing(&q->out, &q->site, col, qu, res);
        break;
    case RC_JSON:
        link_header(q, col, qu, rc_result_pages(res, qu->per_page));
        rc_json_listing(&q->out, &q->site, qu, res);
        break;
    case RC_CSV:
        if (r->header_only)
            break;
        /* Streamed: the brigade is passed down every few hundred rows. */
        q->out.flush = ap_filter_flush;
        q->out.flush_ctx = r->output_filters;
        rc_csv_listing(&q->out, &q->site, res);
        break;
    case RC_ATOM:
        rc_atom_listing(&q->out, &q->site, col, qu, res);
        break;
    }
    if (key) {
        apr_off_t len = 0;
        apr_brigade_length(q->out.bb, 0, &len);
        rc_cache_put(q->version->cache, key, (apr_size_t)len,
                     apr_table_get(r->headers_out, "Link"), flatten, q->out.bb);
    }
    return finish(q);
}

/* The format a path asks for by its suffix, for error responses of paths that route nowhere. */
static rc_format format_of_path(const char *p)
{
    apr_size_t n = strlen(p);
    if (n > 5 && !strcmp(p + n - 5, ".json"))
        return RC_JSON;
    if ((n > 4 && !strcmp(p + n - 4, ".csv")) || (n > 5 && !strcmp(p + n - 5, ".atom")))
        return RC_CSV;  /* CSV and Atom errors are both text/plain */
    return RC_HTML;
}

static int value_or(int v, int def)
{
    return v == UNSET ? def : v;
}

static int rc_handler(request_rec *r)
{
    const rc_conf *conf;
    rc_version *v;
    rc_route route;
    req q;
    const char *path, *mount;
    apr_size_t mlen;
    int rv;

    if (!r->handler || strcmp(r->handler, RC_HANDLER))
        return DECLINED;
    conf = ap_get_module_config(r->per_dir_config, &rootcauses_module);
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    if (!conf->source) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SetHandler rootcauses without RootCausesData for %s", r->uri);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    r->allowed |= (AP_METHOD_BIT << M_GET);
    /* no check here: the process's loader thread keeps the version current */
    v = rc_source_acquire(conf->source, 0, NULL, NULL);
    if (!v) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "RootCausesData: no valid data loaded");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    apr_pool_cleanup_register(r->pool, v, rc_version_release_cleanup, apr_pool_cleanup_null);

    memset(&q, 0, sizeof(q));
    q.r = r;
    q.conf = conf;
    q.version = v;
    q.out.bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    q.out.pool = r->pool;
    q.page_size = value_or(conf->page_size, RC_DEFAULT_PAGE_SIZE);
    q.max_age = value_or(conf->max_age, RC_DEFAULT_MAX_AGE);
    mount = conf->mount ? conf->mount : conf->section ? conf->section : "";
    if (conf->base)
        rc_site_set(&q.site, v->data, conf->layout, conf->base, NULL);
    else
        rc_site_init(r->pool, &q.site, v->data, conf->layout, mount, NULL);

    /* The path below the mount point. */
    mlen = strlen(mount);
    while (mlen > 0 && mount[mlen - 1] == '/')
        mlen--;
    path = strncmp(r->uri, mount, mlen) ? NULL : r->uri + mlen;
    if (path && *path && *path != '/')
        path = NULL;
    q.format = format_of_path(r->uri);
    if (r->method_number != M_GET)
        return send_error(&q, HTTP_METHOD_NOT_ALLOWED, NULL,
                          apr_psprintf(r->pool, "The method %s is not allowed here; use GET or "
                                                "HEAD.", r->method));
    if (!path)
        return send_error(&q, HTTP_NOT_FOUND, NULL, "There is no page at this address.");

    rc_route_path(conf->router, v->data, r->pool, path, &route);
    q.format = route.format;
    switch (route.kind) {
    case RC_NOT_FOUND:
        q.format = format_of_path(path);
        return send_error(&q, HTTP_NOT_FOUND, NULL, "There is no page at this address.");
    case RC_REDIRECT:
        apr_table_setn(r->headers_out, "Location",
                       ap_construct_url(r->pool,
                                        apr_pstrcat(r->pool, q.site.base_url, route.location,
                                                    r->args ? "?" : "", r->args, NULL),
                                        r));
        return HTTP_MOVED_PERMANENTLY;
    case RC_PAGE:
        if ((rv = set_cache_headers(&q, route.page->mtime)) != OK)
            return rv;
        rc_html_page(&q.out, &q.site, route.page);
        return finish(&q);
    case RC_ITEM:
        if ((rv = set_cache_headers(&q, v->data->mtime)) != OK)
            return rv;
        if (q.format == RC_JSON)
            rc_json_item(&q.out, &q.site, route.item);
        else
            rc_html_item(&q.out, &q.site, route.collection, route.item);
        return finish(&q);
    case RC_LISTING:
        return serve_listing(&q, route.collection);
    }
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* ---------------------------------------------------------------- module */

/* Each data file is checked at the shortest RootCausesReloadInterval of the sections that name
 * it (the section's own, else its server's, else the default); 0 in all: only at restart. */
static int rc_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    apr_array_header_t *uses = data_uses(pconf);
    (void)plog;
    (void)ptemp;
    (void)s;
    for (int i = 0; i < uses->nelts; i++)
        rc_source_reset_interval(APR_ARRAY_IDX(uses, i, data_use).conf->source);
    for (int i = 0; i < uses->nelts; i++) {
        const data_use *u = &APR_ARRAY_IDX(uses, i, data_use);
        const rc_conf *server = ap_get_module_config(u->server->lookup_defaults,
                                                     &rootcauses_module);
        int reload = u->conf->reload != UNSET  ? u->conf->reload
                     : server->reload != UNSET ? server->reload
                                               : RC_DEFAULT_RELOAD;
        rc_source_note_interval(u->conf->source, apr_time_from_sec(reload));
    }
    return OK;
}

static void log_reload_error(void *ctx, const char *message)
{
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, ctx,
                 "RootCausesData: %s; still serving the last good version", message);
}

/* httpd's parent runs this about once a second: it reloads changed data too, so that the
 * processes it starts from then on begin with the last good version rather than the one the
 * server started with. */
static int rc_monitor(apr_pool_t *p, server_rec *s)
{
    (void)p;
    rc_store_check(rc_store_get(s->process->pool), log_reload_error, s);
    return DECLINED;
}

#if APR_HAS_THREADS
typedef struct loader {
    server_rec *s;
    rc_store *store;
    apr_thread_t *thread;
    apr_thread_mutex_t *lock;  /* guards stop, with wake */
    apr_thread_cond_t *wake;
    int stop;
} loader;

#define RC_LOADER_TICK apr_time_from_msec(200)

/* Each process checks its data files from a thread of its own, so that no request waits for a
 * load: requests only take a reference on the current version. */
static void *APR_THREAD_FUNC loader_main(apr_thread_t *t, void *data)
{
    loader *l = data;
    int stop;
    (void)t;
    for (;;) {
        apr_thread_mutex_lock(l->lock);
        if (!l->stop)
            apr_thread_cond_timedwait(l->wake, l->lock, RC_LOADER_TICK);
        stop = l->stop;
        apr_thread_mutex_unlock(l->lock);
        if (stop)
            break;
        rc_store_check(l->store, log_reload_error, l->s);
    }
    /* a plain return: apr_thread_join() frees the thread, which apr_thread_exit() would do
     * before the join reads it */
    return NULL;
}

/* The thread uses the store, which lives in the process pool that exit() takes down: it must
 * be gone before. A load under way is finished first (loads happen only when files change). */
static apr_status_t stop_loader(void *data)
{
    loader *l = data;
    apr_status_t rv;
    apr_thread_mutex_lock(l->lock);
    l->stop = 1;
    apr_thread_cond_signal(l->wake);
    apr_thread_mutex_unlock(l->lock);
    apr_thread_join(&rv, l->thread);
    return APR_SUCCESS;
}

static void rc_child_init(apr_pool_t *pchild, server_rec *s)
{
    loader *l;
    rc_store *st = rc_store_get(s->process->pool);

    if (!rc_store_reloads(st))
        return;
    l = apr_pcalloc(pchild, sizeof(*l));
    l->s = s;
    l->store = st;
    if (apr_thread_mutex_create(&l->lock, APR_THREAD_MUTEX_DEFAULT, pchild) != APR_SUCCESS ||
        apr_thread_cond_create(&l->wake, pchild) != APR_SUCCESS ||
        apr_thread_create(&l->thread, NULL, loader_main, l, pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "RootCausesData: cannot start the thread that reloads changed data files; "
                     "they will be read again only at a restart");
        return;
    }
    /* registered after the mutex and cond var, so it runs before their cleanups */
    apr_pool_cleanup_register(pchild, l, stop_loader, apr_pool_cleanup_null);
}
#endif


/* The order of URL translation, explicit (httpd's: mod_rewrite, mod_proxy, mod_alias, ...):
 * the server's RewriteRules and Redirects apply to the module's URLs too, so rc_translate_name
 * runs after mod_rewrite's and mod_alias's translate_name hooks and claims whatever they let
 * through; before mod_userdir and mod_vhost_alias and the core, which would map the URL to a
 * file. README, "Hooks". */
static const char *const rc_translate_pred[] = {"mod_rewrite.c", "mod_alias.c", NULL};
static const char *const rc_translate_succ[] = {"mod_userdir.c", "mod_vhost_alias.c", NULL};

static void rc_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_translate_name(rc_translate_name, rc_translate_pred, rc_translate_succ,
                           APR_HOOK_MIDDLE);
    ap_hook_map_to_storage(rc_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(rc_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(rc_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_monitor(rc_monitor, NULL, NULL, APR_HOOK_MIDDLE);
#if APR_HAS_THREADS
    ap_hook_child_init(rc_child_init, NULL, NULL, APR_HOOK_MIDDLE);
#endif
}

module AP_MODULE_DECLARE_DATA rootcauses_module = {
    STANDARD20_MODULE_STUFF,
    create_dir_conf,
    merge_dir_conf,
    NULL,
    NULL,
    rc_cmds,
    rc_register_hooks,
    AP_MODULE_FLAG_NONE
};
