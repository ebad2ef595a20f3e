/* mod_rootcauses: httpd glue. Directives, hooks, the handler, HTTP headers, server-status and
 * the memory the processes share; everything about the data, the filters and the formats lives
 * in the rc_* core, which includes no httpd header. */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mpm_common.h"
#include "ap_expr.h"
#include "ap_mpm.h"
#include "mod_status.h"
#include "unixd.h"
#include "util_filter.h"
#include "util_mutex.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <signal.h>
#include <unistd.h>

#include <apr_atomic.h>
#include <apr_global_mutex.h>
#include <apr_lib.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>

#include "rc_cache.h"
#include "rc_data.h"
#include "rc_filter.h"
#include "rc_layout.h"
#include "rc_local.h"
#include "rc_query.h"
#include "rc_render.h"
#include "rc_route.h"
#include "rc_store.h"
#include "rc_text.h"

#define RC_HANDLER "rootcauses"
#define RC_MUTEX "rootcauses-cache"
#define UNSET -1
#define RC_DEFAULT_PAGE_SIZE 20
#define RC_DEFAULT_MAX_AGE 300
#define RC_DEFAULT_RELOAD 2

APLOG_USE_MODULE(rootcauses);

typedef struct rc_conf {
    /* The mount point: the path of the <Location> in which RootCausesData is written (NULL:
     * found for each request, fallback_mount()) and its forms for the writers. */
    const char *mount;
    rc_base *base;
    rc_source *source;
    const rc_router *router;
    const rc_layout *layout; /* NULL: the built-in one */
    int page_size;
    int max_age;
    int reload;              /* seconds */
} rc_conf;

typedef struct rc_server_conf {
    int status;              /* RootCausesStatus: UNSET, 0 or 1 */
    apr_int64_t cache_size;  /* RootCausesCacheSize: UNSET or bytes */
} rc_server_conf;

/* What the processes share, made by the parent in post_config for one generation and
 * inherited by its children; read-only after that (the memory it points to is shared and
 * guarded by the mutex). */
static struct {
    rc_cache *cache;         /* NULL when RootCausesCacheSize is 0 */
    apr_global_mutex_t *mutex;
    apr_size_t local_bytes;  /* of each process's own answers (rc_local.h) */
    int status;              /* the server-status section is shown */
    const rc_layout *layout; /* the built-in one, for sections without RootCausesLayout */
} shared;

/* This process's own answers, in front of the shared cache; NULL without one. */
static rc_local *local;

/* ---------------------------------------------------------------- configuration */

/* Every field unset, in every context: a section (or a virtual host) that sets nothing keeps
 * what encloses it, the server's layout and mount included. */
static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    rc_conf *c = apr_pcalloc(p, sizeof(*c));
    (void)dir;
    c->page_size = c->max_age = c->reload = UNSET;
    return c;
}

static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    rc_conf *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));
    c->mount = add->mount ? add->mount : base->mount;
    c->base = add->mount ? add->base : base->base;
    c->source = add->source ? add->source : base->source;
    c->router = add->router ? add->router : base->router;
    c->layout = add->layout ? add->layout : base->layout;
    c->page_size = add->page_size != UNSET ? add->page_size : base->page_size;
    c->max_age = add->max_age != UNSET ? add->max_age : base->max_age;
    c->reload = add->reload != UNSET ? add->reload : base->reload;
    return c;
}

static void *create_server_conf(apr_pool_t *p, server_rec *s)
{
    rc_server_conf *c = apr_pcalloc(p, sizeof(*c));
    (void)s;
    c->status = UNSET;
    c->cache_size = UNSET;
    return c;
}

static rc_server_conf *server_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &rootcauses_module);
}

/* RootCausesData inside <Location "/x"> makes /x the mount point, also from within sections
 * that only make it conditional (<If>, <IfModule>, <Limit>, ...). A <Location ~ regex>, a
 * <LocationMatch> or no <Location> leave it to each request (fallback_mount()). */
static void note_mount(cmd_parms *cmd, rc_conf *c)
{
    const ap_directive_t *d = cmd->directive ? cmd->directive->parent : NULL;
    const char *args, *end;
    while (d && (!strncasecmp(d->directive, "<If", 3) || !strncasecmp(d->directive, "<Else", 5) ||
                 !strncasecmp(d->directive, "<Limit", 6)))
        d = d->parent;
    if (!d || strcasecmp(d->directive, "<Location") || !d->args)
        return;
    /* the section's argument as httpd's core reads it: up to the '>', unquoted */
    end = ap_strrchr_c(d->args, '>');
    args = end ? apr_pstrmemdup(cmd->temp_pool, d->args, (apr_size_t)(end - d->args)) : d->args;
    args = ap_getword_conf(cmd->pool, &args);
    if (!*args || !strcmp(args, "~"))
        return;
    c->mount = args;
    c->base = apr_palloc(cmd->pool, sizeof(rc_base));
    rc_base_init(cmd->pool, c->base, c->mount);
}

/* Something stored once per configuration generation in pconf. */
static void *per_config(apr_pool_t *pconf, const char *key, void *(*make)(apr_pool_t *))
{
    void *found = NULL;
    apr_pool_userdata_get(&found, key, pconf);
    if (!found) {
        found = make(pconf);
        apr_pool_userdata_set(found, key, apr_pool_cleanup_null, pconf);
    }
    return found;
}

/* Where RootCausesData was given, for rc_post_config. */
typedef struct data_use {
    const rc_conf *conf;
    server_rec *server;
} data_use;

static void *make_uses(apr_pool_t *p)
{
    return apr_array_make(p, 4, sizeof(data_use));
}

/* One compiled route table per configuration generation, in pconf: its cleanup must run before
 * the .so is unloaded, which a cleanup in the process pool would not. */
static void *make_router(apr_pool_t *p)
{
    rc_router *rt = NULL;
    return rc_router_create(p, &rt) ? NULL : rt;
}

static void log_store(void *ctx, int warning, const char *message)
{
    server_rec *s = ctx;
    apr_pool_t *p;
    apr_pool_create(&p, NULL);
    /* a data file's own text goes into these messages: escaped, it cannot forge a log line */
    if (warning)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "RootCausesData: %s",
                     rc_escape_log(p, message));
    else
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "RootCausesData: %s; still serving the last good version",
                     rc_escape_log(p, message));
    apr_pool_destroy(p);
}

/* The cache folder, made when the first RootCausesData of a configuration is read: under
 * DefaultRuntimeDir, which must therefore come before it (as in every shipped httpd.conf). */
static void *make_cache_dir(apr_pool_t *p)
{
    return ap_runtime_dir_relative(p, "rootcauses");
}

static void prepare_store(cmd_parms *cmd, rc_store *st)
{
    static const char key[] = "rootcauses-cache-dir";
    void *done = NULL;
    const char *dir;
    apr_status_t rv;
    int testing = ap_state_query(AP_SQ_RUN_MODE) == AP_SQ_RM_CONFIG_TEST;
    apr_pool_userdata_get(&done, key, cmd->pool);
    if (done)
        return;
    dir = per_config(cmd->pool, key, make_cache_dir);
    if (!testing && (rv = apr_dir_make_recursive(dir, APR_FPROT_OS_DEFAULT, cmd->temp_pool)) !=
                        APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, cmd->server,
                     "RootCausesData: cannot make the cache folder %s; each process builds its "
                     "own copy of the data in memory", dir);
        dir = NULL;
    }
    rc_store_set_cache(st, dir, testing);
}

/* 1 when this httpd may only read the configuration to signal the running server (httpd -k
 * stop, restart, graceful, graceful-stop): the running server checks its data itself, and a
 * broken data file must not keep an admin from stopping or restarting it. With no server
 * running, -k restart and -k graceful start one: their post_config loads the data files then
 * (signalling happens before it). httpd takes -k and its argument out of process->argv before
 * it reads the configuration; the kernel keeps the command line as given. */
static int signals_only(apr_pool_t *p)
{
    char buf[4096];
    apr_size_t n = sizeof(buf) - 1;
    apr_file_t *f;
    const char *a, *end, *k = NULL;
    /* a running server's parent reading its configuration again (graceful restart) */
    if (ap_state_query(AP_SQ_CONFIG_GEN) > 0)
        return 0;
    if (apr_file_open(&f, "/proc/self/cmdline", APR_FOPEN_READ, 0, p) != APR_SUCCESS)
        return 0;
    if (apr_file_read_full(f, buf, n, &n) != APR_SUCCESS && n == 0) {
        apr_file_close(f);
        return 0;
    }
    apr_file_close(f);
    buf[n] = '\0';
    end = buf + n;
    for (a = buf + strlen(buf) + 1; a < end && !k; a += strlen(a) + 1) {
        if (!strcmp(a, "-k") && a + 3 < end)
            k = a + 3;
        else if (!strncmp(a, "-k", 2) && a[2])
            k = a + 2;
    }
    return k && strcmp(k, "start") != 0;
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
    if (!(c->router = per_config(cmd->pool, "rootcauses-router", make_router)))
        return "RootCausesData: cannot compile the route table (PCRE2)";
    prepare_store(cmd, st);
    c->source = rc_store_source(st, path);
    note_mount(cmd, c);
    /* The section's RootCausesReloadInterval may come after this line: rc_post_config
     * settles each source's interval once the whole configuration is read. */
    {
        data_use *u = apr_array_push(per_config(cmd->pool, "rootcauses-data-uses", make_uses));
        u->conf = c;
        u->server = cmd->server;
    }
    if (signals_only(cmd->temp_pool))
        return NULL;  /* left to rc_post_config, which runs only when httpd starts */
    err = rc_source_load(c->source, restarting, &kept, log_store, cmd->server);
    if (err && kept) {
        log_store(cmd->server, 0, err);
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
    return parse_number(cmd, arg, 1, RC_MAX_PER_PAGE, &((rc_conf *)dconf)->page_size);
}

static const char *set_max_age(cmd_parms *cmd, void *dconf, const char *arg)
{
    return parse_number(cmd, arg, 0, 315360000, &((rc_conf *)dconf)->max_age);
}

static const char *set_reload(cmd_parms *cmd, void *dconf, const char *arg)
{
    return parse_number(cmd, arg, 0, 86400, &((rc_conf *)dconf)->reload);
}

static const char *set_status(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    (void)dconf;
    if (err)
        return err;
    if (strcasecmp(arg, "On") && strcasecmp(arg, "Off"))
        return apr_psprintf(cmd->pool, "RootCausesStatus: \"%s\" is not On or Off", arg);
    server_conf(cmd->server)->status = !strcasecmp(arg, "On");
    return NULL;
}

/* "32M", "512K", "0": bytes, at most 4G. */
static const char *set_cache_size(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    apr_int64_t v, unit = 1;
    char *end;
    (void)dconf;
    if (err)
        return err;
    if (!apr_isdigit(*arg))
        goto bad;
    errno = 0;
    v = apr_strtoi64(arg, &end, 10);
    if (*end == 'K' || *end == 'k')
        unit = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        unit = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        unit = 1024 * 1024 * 1024, end++;
    /* compared before the multiplication, which therefore cannot overflow */
    if (errno || *end || v < 0 || v > ((apr_int64_t)4 << 30) / unit)
        goto bad;
    v *= unit;
    if (v > 0 && v < (64 << 10))
        goto bad;
    server_conf(cmd->server)->cache_size = v;
    return NULL;
bad:
    return apr_psprintf(cmd->pool, "RootCausesCacheSize: \"%s\" is not a size from 64K to 4G "
                                   "(or 0: no response cache)", arg);
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
    AP_INIT_TAKE1("RootCausesStatus", set_status, NULL, RSRC_CONF,
                 "the module's section in mod_status's server-status (default On)"),
    AP_INIT_TAKE1("RootCausesCacheSize", set_cache_size, NULL, RSRC_CONF,
                  "memory for the response cache that every process shares (default 32M, 0: "
                  "none)"),
    {NULL}};

/* ---------------------------------------------------------------- hooks */

/* Whether core's configuration core (of one section, or as merged for r) sets our handler. */
static int sets_our_handler(request_rec *r, const core_dir_config *core)
{
    const char *handler = core->handler, *err = NULL;
    if (!handler && core->expr_handler)
        handler = ap_expr_str_exec(r, core->expr_handler, &err);
    return handler && !err && !strcasecmp(handler, RC_HANDLER);
}

/* Whether SetHandler rootcauses applies to r's URL. httpd resolves SetHandler only in its
 * fixups, so look at the core's configuration as the <Location> walk left it. */
static int is_ours(request_rec *r)
{
    return sets_our_handler(r, ap_get_core_module_config(r->per_dir_config));
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

/* ---------------------------------------------------------------- buckets of the image */

/* Bytes handed out where they lie in a data version's image: the bucket holds a reference to
 * the version, so that a set-aside bucket or a subrequest's can never read an unmapped one. */
typedef struct version_bucket {
    apr_bucket_refcount refcount;
    rc_version *v;
    const char *base;
} version_bucket;

static apr_status_t vb_read(apr_bucket *e, const char **str, apr_size_t *len,
                            apr_read_type_e block)
{
    version_bucket *vb = e->data;
    (void)block;
    *str = vb->base + e->start;
    *len = e->length;
    return APR_SUCCESS;
}

static void vb_destroy(void *data)
{
    version_bucket *vb = data;
    if (apr_bucket_shared_destroy(vb)) {
        rc_version_release(vb->v);
        apr_bucket_free(vb);
    }
}

static const apr_bucket_type_t bucket_type_version = {
    "ROOTCAUSES", 5, APR_BUCKET_DATA, vb_destroy, vb_read, apr_bucket_setaside_noop,
    apr_bucket_shared_split, apr_bucket_shared_copy};

static apr_bucket *image_bucket(void *ctx, const char *s, apr_size_t n, apr_bucket_alloc_t *a)
{
    rc_version *v = ctx;
    apr_bucket *e = apr_bucket_alloc(sizeof(*e), a);
    version_bucket *vb = apr_bucket_alloc(sizeof(*vb), a);
    APR_BUCKET_INIT(e);
    e->free = apr_bucket_free;
    e->list = a;
    apr_atomic_inc32(&v->refs);
    vb->v = v;
    vb->base = s;
    apr_bucket_shared_make(e, vb, 0, n);
    e->type = &bucket_type_version;
    return e;
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
    const char *tag_suffix;   /* the ETag's part after the data's */
} req;

/* Per rc_format: the Content-Type, and the ETag's last part (also the response cache key's
 * first), so that each format of one URL has its own. */
static const struct {
    const char *type, *tag;
} formats[] = {
    {"text/html; charset=utf-8", "-h\""},
    {"application/json", "-j\""},
    {"text/csv; charset=utf-8; header=present", "-c\""},
    {"application/atom+xml", "-a\""},
};

static int finish(req *q)
{
    rc_out_finish(&q->out);
    APR_BRIGADE_INSERT_TAIL(q->out.bb, apr_bucket_eos_create(q->r->connection->bucket_alloc));
    return ap_pass_brigade(q->r->output_filters, q->out.bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

/* The Content-Type of a response in format f, and the CSP that every HTML answer carries. */
static void set_type(request_rec *r, rc_format f, const char *type)
{
    ap_set_content_type(r, type ? type : formats[f].type);
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
        rc_out_strs(&q->out, apr_itoa(r->pool, status), " ", ap_get_status_line(status) + 4,
                    "\n", message, "\n", NULL);
    }
    return finish(q);
}

/* Headers of every 200 (and of the 304 that stands for it). The ETag is the data's content
 * and this build of the module, the layout's content for HTML and the page size (what shapes
 * the body besides the URL), and the format: the same files give the same ETag on every
 * machine, and a new layout leaves the other formats' ETags alone. */
static void set_cache_headers(req *q, apr_time_t mtime)
{
    request_rec *r = q->r;
    int html = q->format == RC_HTML;
    if (q->site.layout->mtime > mtime && html)
        mtime = q->site.layout->mtime;
    apr_table_setn(r->headers_out, "ETag",
                   apr_pstrcat(r->pool, "\"", q->site.data->tag, "-",
                               html ? q->site.layout->hash : "",
                               apr_itoa(r->pool, q->page_size),
                               q->tag_suffix ? q->tag_suffix : formats[q->format].tag, NULL));
    ap_update_mtime(r, mtime);
    ap_set_last_modified(r);
    apr_table_setn(r->headers_out, "Cache-Control",
                   apr_pstrcat(r->pool, "public, max-age=", apr_itoa(r->pool, q->max_age), NULL));
    apr_table_setn(r->headers_out, "Content-Language", q->site.data->langs[q->site.lang]);
    set_type(r, q->format, NULL);
}

/* ---------------------------------------------------------------- conditional requests */

/* The codings of httpd's compression filters. Each adds "-" and its coding inside the quotes of
 * the ETag of a response it compresses (mod_deflate's DeflateAlterETag and mod_brotli's
 * BrotliAlterETag, AddSuffix by default): "...-h" goes out as "...-h-gzip" or "...-h-br", and
 * browsers revalidate with that. */
static const char *const codings[] = {"gzip", "br", NULL};

/* The coding of the first tag in the If-None-Match list that is etag plus "-" and one of
 * codings, or NULL. Such a tag names our current representation in that content coding
 * (Vary: Accept-Encoding says that it varies by it), so it is as current as etag itself. Weak
 * comparison, the one If-None-Match uses (RFC 9110 13.1.2): W/ is ignored on both sides. "*"
 * and tags without a suffix are ap_meets_conditions()' business. */
static const char *etag_coded_match(const char *list, const char *etag)
{
    apr_size_t n;

    if (!list || !etag)
        return NULL;
    if (etag[0] == 'W' && etag[1] == '/')
        etag += 2;
    n = strlen(etag);
    if (n < 2 || etag[0] != '"' || etag[n - 1] != '"')
        return NULL;
    etag++;  /* the opaque tag: etag[0..n) */
    n -= 2;
    while (*list) {
        const char *tag, *close;
        apr_size_t len;
        if (*list == ' ' || *list == '\t' || *list == ',') {
            list++;
            continue;
        }
        if (list[0] == 'W' && list[1] == '/')
            list += 2;
        if (*list != '"' || !(close = strchr(list + 1, '"'))) {
            /* not an entity-tag: on to the next element, if any */
            if (!(list = strchr(list, ',')))
                break;
            continue;
        }
        tag = list + 1;
        len = (apr_size_t)(close - tag);
        if (len > n + 1 && !memcmp(tag, etag, n) && tag[n] == '-') {
            for (const char *const *c = codings; *c; c++)
                if (len - n - 1 == strlen(*c) && !memcmp(tag + n + 1, *c, len - n - 1))
                    return *c;
        }
        list = close + 1;
    }
    return NULL;
}

/* Decides a conditional request and sends a 304 for every response with validators (pages,
 * items, listings in every format, listings from the response cache); call it once the
 * headers of the 200 are set. Returns DECLINED when the whole response is to be sent, else what
 * the handler returns.
 *
 * The 304 is sent as the core's file handler sends it: r->status set and an EOS passed down
 * r->output_filters, so that every output filter sees it. Returning HTTP_NOT_MODIFIED from the
 * handler would take ap_die() -> ap_send_error_response(), which resets r->output_filters to
 * the protocol filters: mod_cache's CACHE_SAVE (a content-set filter) never sees the 304 to the
 * revalidation it asked for and cannot answer the visitor 200 from its stale copy, while its
 * CACHE_REMOVE_URL (a protocol filter) throws that copy away; the visitor, who sent no
 * condition, got an empty 304. Other output filters (mod_headers, mod_brotli) likewise see the
 * 304 only on this path.
 *
 * The decision is ap_meets_conditions()'s, except that an If-None-Match tag that is our ETag
 * with a compression filter's suffix matches too; a 412 (If-Match, If-Unmodified-Since) stays
 * httpd's error response. */
static int answer_conditional(req *q)
{
    request_rec *r = q->r;
    const char *inm = apr_table_get(r->headers_in, "If-None-Match");
    const char *ims = inm ? apr_table_get(r->headers_in, "If-Modified-Since") : NULL;
    const char *coding, *etag = apr_table_get(r->headers_out, "ETag");
    int status;

    /* If-None-Match, when given, decides alone (RFC 9110 13.2.2): ap_meets_conditions() also
     * weighs If-Modified-Since, so that a cache in front of several machines, whose copy
     * carries one machine's Last-Modified (its files' mtimes), would get a 200 from another
     * machine for the same content instead of a 304. The ETag is the content's. */
    if (ims)
        apr_table_unset(r->headers_in, "If-Modified-Since");
    status = ap_meets_conditions(r);
    if (ims)
        apr_table_setn(r->headers_in, "If-Modified-Since", ims);

    /* M_GET is HEAD too. A coded match counts as an exact one: If-None-Match, when given,
     * decides alone (RFC 9110 13.2.2; If-Modified-Since is then ignored). */
    if (status == OK && r->method_number == M_GET &&
        (coding = etag_coded_match(inm, etag))) {
        /* The 304 says what the compressed 200 said (RFC 9110 15.4.5): the filters do not,
         * since mod_filter passes on every status but 200 and mod_deflate a body too small to
         * compress. mod_cache takes a 304 whose ETag or Content-Encoding differ from its
         * copy's for a changed response. With Content-Encoding set, a filter that does look
         * at the 304 leaves it alone rather than adding a second suffix. */
        apr_table_setn(r->headers_out, "ETag",
                       apr_pstrcat(r->pool, apr_pstrmemdup(r->pool, etag, strlen(etag) - 1), "-",
                                   coding, "\"", NULL));
        apr_table_setn(r->headers_out, "Content-Encoding", coding);
        apr_table_mergen(r->headers_out, "Vary", "Accept-Encoding");
        status = HTTP_NOT_MODIFIED;
    }
    if (status == OK)
        return DECLINED;
    if (status != HTTP_NOT_MODIFIED)
        return status;
    /* The ETag validates; Last-Modified is the files' mtime of this machine (RFC 9110 15.4.5:
     * no other metadata in a 304). A cache in front of several machines takes a 304 whose
     * Last-Modified differs from its copy's for a contradiction and throws the copy away. */
    apr_table_unset(r->headers_out, "Last-Modified");
    r->status = HTTP_NOT_MODIFIED;
    return finish(q);
}

/* ---------------------------------------------------------------- listings */

static void link_header(req *q, const rc_collection *col, const rc_query *qu, apr_int64_t pages)
{
    request_rec *r = q->r;
    const char *path = apr_pstrcat(r->pool, q->site.home_url, "/", col->slug,
                                   q->format == RC_JSON ? ".json" : "", NULL);
    apr_array_header_t *links = apr_array_make(r->pool, 4, sizeof(const char *));
    apr_int64_t page = qu->page;
#define LINK(n, rel)                                                                         \
    do {                                                                                     \
        const char *qs = rc_query_link(r->pool, qu, (n));                                    \
        APR_ARRAY_PUSH(links, const char *) =                                                \
            apr_pstrcat(r->pool, "<", path, *qs ? "?" : "", qs, ">; rel=\"", rel, "\"",      \
                        NULL);                                                               \
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

static void cache_lock(void *ctx)
{
    apr_global_mutex_lock(ctx);
}

static void cache_unlock(void *ctx)
{
    apr_global_mutex_unlock(ctx);
}

static const rc_cache_lock cache_lock_ops = {cache_lock, cache_unlock, NULL};

static rc_cache_lock the_lock(void)
{
    rc_cache_lock l = cache_lock_ops;
    l.ctx = shared.mutex;
    return l;
}

/* What the key of a listing response holds before its query: everything but the query that the
 * body depends on (data version, format, language, mount point, the layout for HTML, page size,
 * and the origin of the absolute links of HTML and Atom). The response cache adds the parsed,
 * canonical query; this process's own answers (found before the query is parsed) the query
 * string as it came. */
static const char *key_prefix(req *q, const rc_collection *col)
{
    request_rec *r = q->r;
    return apr_pstrcat(r->pool, formats[q->format].tag, q->site.data->tag, " ",
                       q->site.data->langs[q->site.lang], " ", q->site.base->url, " ",
                       q->format == RC_HTML ? q->site.layout->hash : "",
                       apr_itoa(r->pool, q->page_size), " ",
                       q->format == RC_JSON ? "" : q->site.origin, " ", col->slug, "?", NULL);
}

/* The headers a listing answer has whatever its body's source: robots for an HTML listing that
 * says noindex, the Link header its pages make. */
static void answer_headers(req *q, int noindex, const char *link)
{
    if (q->format == RC_HTML && noindex)
        apr_table_setn(q->r->headers_out, "X-Robots-Tag", "noindex");
    if (link)
        apr_table_setn(q->r->headers_out, "Link", link);
}

static void listing_headers(req *q, const rc_collection *col, const rc_query *qu,
                            const rc_result *res)
{
    request_rec *r = q->r;
    answer_headers(q, rc_listing_noindex(qu), NULL);
    if (q->format == RC_CSV)
        apr_table_setn(r->headers_out, "Content-Disposition",
                       apr_pstrcat(r->pool, "attachment; filename=\"",
                                   rc_csv_filename(r->pool, &q->site, col, qu), "\"", NULL));
    if (res && (q->format == RC_HTML || q->format == RC_JSON))
        link_header(q, col, qu, rc_result_pages(res, qu->per_page));
}

/* A body written as it is made (a CSV export, the sitemap): the brigade is passed down every few
 * hundred rows. A HEAD makes the body too, up to the first flush (all of a short one): the
 * filters (mod_deflate's ETag suffix, Content-Encoding, Vary; the Content-Length of a short
 * body) set the GET's headers only when they see it. */
static void stream(req *q)
{
    q->out.flush = ap_filter_flush;
    q->out.flush_ctx = q->r->output_filters;
    q->out.head = q->r->header_only;
}

/* The end of a streamed body (what: "CSV export", "sitemap"): a GET whose flush failed (the
 * client left) stops there. */
static int finish_stream(req *q, const char *what)
{
    if (q->out.stopped && !q->r->header_only) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, q->r, "%s stopped: the client left", what);
        return AP_FILTER_ERROR;
    }
    return finish(q);
}

/* Whether the byte at u may not stand in a URL as it is: raw non-ASCII, controls, quotes,
 * spaces, and a '%' that starts no %XX escape. */
static int url_unsafe(const unsigned char *u)
{
    return *u <= 0x20 || *u >= 0x7F || strchr("\"'<>\\^`{|}", *u) ||
           (*u == '%' && !(apr_isxdigit(u[1]) && apr_isxdigit(u[2])));
}

/* The query string as it came, for a 400's links to the same listing in another language (a
 * good query's links carry its canonical form): the bytes url_unsafe() names %-encoded, so that
 * the links are valid URLs and UTF-8 text whatever the request held. */
static const char *url_safe(apr_pool_t *p, const char *args)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u;
    char *out, *o;
    for (u = (const unsigned char *)args; *u; u++)
        if (url_unsafe(u))
            break;
    if (!*u)
        return args;
    out = o = apr_palloc(p, 3 * strlen(args) + 1);
    for (u = (const unsigned char *)args; *u; u++) {
        if (url_unsafe(u)) {
            *o++ = '%';
            *o++ = hex[*u >> 4];
            *o++ = hex[*u & 15];
        }
        else
            *o++ = (char)*u;
    }
    *o = '\0';
    return out;
}

static int serve_listing(req *q, const rc_collection *col)
{
    request_rec *r = q->r;
    const rc_data *d = q->site.data;
    const char *prefix = NULL, *key = NULL, *lkey = NULL;
    rc_query *qu;
    rc_result *res = NULL;
    rc_cache_lock l = the_lock();
    rc_cached hit;
    int rv;

    if (q->format != RC_CSV && shared.cache)
        prefix = key_prefix(q, col);
    if (prefix && local) {
        const rc_local_answer *a;
        lkey = apr_pstrcat(r->pool, prefix, r->args ? r->args : "", NULL);
        a = rc_local_get(local, lkey);
        if (a) {
            set_cache_headers(q, d->mtime);
            if ((rv = answer_conditional(q)) != DECLINED) {
                rc_local_release(a);
                return rv;
            }
            answer_headers(q, a->noindex, a->link);
            rc_cache_count_hit(shared.cache);
            APR_BRIGADE_INSERT_TAIL(q->out.bb, rc_local_bucket(a, q->out.bb->bucket_alloc));
            return finish(q);
        }
    }
    qu = rc_query_parse(r->pool, d, col, r->args, q->page_size, q->site.m);
    if (qu->errors->nelts) {
        const rc_query_error *e = &APR_ARRAY_IDX(qu->errors, 0, rc_query_error);
        if (q->format == RC_HTML) {
            r->status = HTTP_BAD_REQUEST;
            q->site.here_args = r->args ? url_safe(r->pool, r->args) : "";
            set_type(r, RC_HTML, NULL);
            listing_headers(q, col, qu, NULL);  /* the robots header its page's meta says */
            apr_table_setn(r->headers_out, "Content-Language", d->langs[q->site.lang]);
            rc_html_listing(&q->out, &q->site, col, qu, NULL);
            return finish(q);
        }
        return send_error(q, HTTP_BAD_REQUEST, e->param, e->message);
    }
    /* The language switch and the alternates carry the canonical query, not the one as sent:
     * an answer depends on its cache key alone, so that every spelling of one listing (order,
     * unknown parameters) is given the same body, from the cache or not. */
    q->site.here_args = rc_query_link(r->pool, qu, qu->page);
    set_cache_headers(q, d->mtime);
    if ((rv = answer_conditional(q)) != DECLINED)
        return rv;
    if (prefix) {
        key = apr_pstrcat(r->pool, prefix, qu->key, NULL);
        if (rc_cache_get(shared.cache, &l, key, r->pool, &hit)) {
            answer_headers(q, rc_listing_noindex(qu), hit.link);
            if (lkey)
                rc_local_put(local, lkey, hit.body, hit.len, hit.link, rc_listing_noindex(qu));
            APR_BRIGADE_INSERT_TAIL(q->out.bb, apr_bucket_pool_create(hit.body, hit.len, r->pool,
                                                                      q->out.bb->bucket_alloc));
            return finish(q);
        }
    }
    if (q->format == RC_CSV) {
        listing_headers(q, col, qu, NULL);
        stream(q);
        rc_csv_listing(&q->out, &q->site, col, qu);
        return finish_stream(q, "CSV export");
    }
    if (q->format == RC_ATOM)
        res = rc_filter_run(r->pool, d, col, qu, 0, 0, RC_ATOM_ENTRIES);
    else
        res = rc_filter_run(r->pool, d, col, qu, -1, (qu->page - 1) * qu->per_page, qu->per_page);
    listing_headers(q, col, qu, res);
    switch (q->format) {
    case RC_HTML:
        rc_html_listing(&q->out, &q->site, col, qu, res);
        break;
    case RC_JSON:
        rc_json_listing(&q->out, &q->site, qu, res);
        break;
    default:
        rc_atom_listing(&q->out, &q->site, col, qu, res);
        break;
    }
    if (key) {
        const char *link = apr_table_get(r->headers_out, "Link");
        const rc_local_answer *a;
        apr_off_t len = 0;
        rc_out_finish(&q->out);
        apr_brigade_length(q->out.bb, 1, &len);
        /* read once, into this process's table when it keeps it; sent from there */
        if (lkey && (a = rc_local_put_brigade(local, lkey, q->out.bb, (apr_size_t)len, link,
                                              rc_listing_noindex(qu)))) {
            rc_cache_put(shared.cache, &l, key, a->body, a->len, link);
            apr_brigade_cleanup(q->out.bb);
            APR_BRIGADE_INSERT_TAIL(q->out.bb, rc_local_bucket(a, q->out.bb->bucket_alloc));
        }
        else {
            apr_size_t n = (apr_size_t)len;
            char *body = apr_palloc(r->pool, n + 1);
            apr_brigade_flatten(q->out.bb, body, &n);
            rc_cache_put(shared.cache, &l, key, body, n, link);
        }
    }
    return finish(q);
}

static int value_or(int v, int def)
{
    return v == UNSET ? def : v;
}

/* The path below the mount point (decoded, without trailing '/'), NULL when r->uri is not
 * under it. */
static const char *below_mount(request_rec *r, const char *mount)
{
    apr_size_t mlen = strlen(mount);
    const char *path;
    if (strncmp(r->uri, mount, mlen))
        return NULL;
    path = r->uri + mlen;
    return *path && *path != '/' ? NULL : path;
}

/* The mount point when RootCausesData is not written in a <Location> (server or virtual host,
 * or a <LocationMatch>): the longest plain <Location> that sets SetHandler rootcauses and holds
 * r's URL, else the host's root when the handler is set for the whole host; NULL when neither
 * (the handler comes from a regex or an <If>). Only such configurations pay for this. */
static const rc_base *fallback_mount(request_rec *r)
{
    core_server_config *sc = ap_get_core_module_config(r->server->module_config);
    ap_conf_vector_t **sec = (ap_conf_vector_t **)sc->sec_url->elts;
    const core_dir_config *host = ap_get_core_module_config(r->server->lookup_defaults);
    const char *best = NULL;
    apr_size_t best_len = 0;
    rc_base *b;

    for (int i = 0; i < sc->sec_url->nelts; i++) {
        const core_dir_config *e = ap_get_core_module_config(sec[i]);
        apr_size_t n;
        if (e->r || e->d_is_fnmatch || !e->d || e->d[0] != '/' || !sets_our_handler(r, e))
            continue;
        n = strlen(e->d);
        /* as httpd matches a <Location>: a prefix ending at a '/' or at the URL's end */
        if (strncmp(r->uri, e->d, n) ||
            (e->d[n - 1] != '/' && r->uri[n] != '/' && r->uri[n] != '\0'))
            continue;
        if (!best || n > best_len)
            best = e->d, best_len = n;
    }
    if (!best && sets_our_handler(r, host))
        best = "";
    if (!best)
        return NULL;
    b = apr_palloc(r->pool, sizeof(*b));
    rc_base_init(r->pool, b, best);
    return b;
}

/* sitemap.xml's part (query "part=N"); 0 for the sitemap itself, -1 for a bad one. */
static int sitemap_part(request_rec *r, int parts)
{
    const char *a = r->args;
    apr_int64_t n;
    char *end;
    if (!a || !*a)
        return 0;
    if (strncmp(a, "part=", 5) || !apr_isdigit(a[5]))
        return -1;
    n = apr_strtoi64(a + 5, &end, 10);
    return *end || n < 1 || n > parts ? -1 : (int)n;
}

static int rc_handler(request_rec *r)
{
    const rc_conf *conf;
    rc_version *v;
    rc_route route;
    req q;
    const rc_base *base;
    const char *path;
    int rv;

    if (!r->handler || strcmp(r->handler, RC_HANDLER))
        return DECLINED;
    conf = ap_get_module_config(r->per_dir_config, &rootcauses_module);
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    if (!conf->source) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SetHandler rootcauses without RootCausesData for %s",
                      ap_escape_logitem(r->pool, r->uri));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    r->allowed |= (AP_METHOD_BIT << M_GET);
    /* no check here: the process's loader thread keeps the version current */
    if (!(v = rc_source_acquire(conf->source))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "RootCausesData: no valid data loaded");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    apr_pool_cleanup_register(r->pool, v, rc_version_release_cleanup, apr_pool_cleanup_null);

    memset(&q, 0, sizeof(q));
    q.r = r;
    q.conf = conf;
    q.version = v;
    rc_out_init(&q.out, apr_brigade_create(r->pool, r->connection->bucket_alloc), r->pool);
    q.out.image_bucket = image_bucket;
    q.out.image_ctx = v;
    q.page_size = value_or(conf->page_size, RC_DEFAULT_PAGE_SIZE);
    q.max_age = value_or(conf->max_age, RC_DEFAULT_MAX_AGE);
    if (!(base = conf->base ? conf->base : fallback_mount(r))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "SetHandler rootcauses: no mount point for %s; write RootCausesData in "
                      "the <Location \"/path\"> that sets the handler",
                      ap_escape_logitem(r->pool, r->uri));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    path = below_mount(r, base->path);

    memset(&route, 0, sizeof(route));
    if (path)
        rc_route_path(conf->router, v->data, r->pool, path, &route);
    rc_site_set(r->pool, &q.site, v->data, conf->layout ? conf->layout : shared.layout, base,
                route.lang,
                ap_construct_url(r->pool, "", r));
    q.site.here = route.kind == RC_NOT_FOUND ? NULL : route.here;
    q.format = route.kind == RC_NOT_FOUND ? rc_format_of_path(path ? path : r->uri) : route.format;
    if (r->method_number != M_GET)
        return send_error(&q, HTTP_METHOD_NOT_ALLOWED, NULL,
                          apr_psprintf(r->pool, q.site.m->not_allowed_text, r->method));
    switch (route.kind) {
    case RC_NOT_FOUND:
        return send_error(&q, HTTP_NOT_FOUND, NULL, q.site.m->not_found_text);
    case RC_REDIRECT:
        /* httpd's body of the 301 is HTML, like every HTML answer of the module */
        apr_table_setn(r->err_headers_out, "Content-Security-Policy", "default-src 'self'");
        apr_table_setn(r->headers_out, "Location",
                       ap_construct_url(r->pool,
                                        apr_pstrcat(r->pool, q.site.base->url, route.location,
                                                    r->args ? "?" : "", r->args, NULL),
                                        r));
        return HTTP_MOVED_PERMANENTLY;
    case RC_PAGE:
        set_cache_headers(&q, route.page->mtimes[route.lang]);
        if ((rv = answer_conditional(&q)) != DECLINED)
            return rv;
        rc_html_page(&q.out, &q.site, route.page);
        return finish(&q);
    case RC_ITEM:
        set_cache_headers(&q, v->data->mtime);
        if ((rv = answer_conditional(&q)) != DECLINED)
            return rv;
        if (q.format == RC_JSON)
            rc_json_item(&q.out, &q.site, route.collection, route.item);
        else
            rc_html_item(&q.out, &q.site, route.collection, route.item);
        return finish(&q);
    case RC_LISTING:
        return serve_listing(&q, route.collection);
    case RC_SITEMAP: {
        int part = sitemap_part(r, rc_sitemap_parts(v->data));
        if (part < 0)
            return send_error(&q, HTTP_NOT_FOUND, NULL, q.site.m->not_found_text);
        q.format = RC_HTML;
        q.tag_suffix = "-s\"";
        set_cache_headers(&q, v->data->newest_mtime);  /* the files its lastmods are of */
        set_type(r, RC_JSON, "application/xml");
        apr_table_unset(r->headers_out, "Content-Security-Policy");
        if ((rv = answer_conditional(&q)) != DECLINED)
            return rv;
        stream(&q);
        rc_sitemap(&q.out, &q.site, part);
        return finish_stream(&q, "sitemap");
    }
    case RC_OPENAPI:
        q.tag_suffix = "-o\"";
        set_cache_headers(&q, v->data->mtime);
        if ((rv = answer_conditional(&q)) != DECLINED)
            return rv;
        rc_openapi(&q.out, &q.site);
        return finish(&q);
    }
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* ---------------------------------------------------------------- server-status */

typedef struct status_ctx {
    request_rec *r;
    int flags, n;
    apr_uint64_t items, builds, failures;
} status_ctx;

static const char *when(apr_pool_t *p, apr_time_t t)
{
    char buf[APR_RFC822_DATE_LEN];
    if (!t)
        return "never";
    apr_rfc822_date(buf, t);
    return apr_pstrdup(p, buf);
}

/* A value for a "Key: value" line of ?auto: nothing in it can end the line. */
static const char *auto_value(apr_pool_t *p, const char *s)
{
    return rc_escape_log(p, s);
}

static void status_source(void *ctx, const char *path, const rc_version *v,
                          const rc_source_stats *stats)
{
    status_ctx *c = ctx;
    request_rec *r = c->r;
    const rc_data *d = v ? v->data : NULL;
    char error[sizeof(stats->last_error)];
    const char *langs = "";
    apr_uint32_t builds = apr_atomic_read32((volatile apr_uint32_t *)&stats->builds);
    apr_uint32_t failures = apr_atomic_read32((volatile apr_uint32_t *)&stats->failures);

    /* the message is copied without its lock: a torn copy is cut at the buffer's end, and
     * shown escaped (bytes that are not UTF-8 as \xNN) in both forms */
    memcpy(error, stats->last_error, sizeof(error));
    error[sizeof(error) - 1] = '\0';
    for (int l = 0; d && l < d->nlang; l++)
        langs = apr_pstrcat(r->pool, langs, l ? " " : "", d->langs[l], NULL);
    c->n++;
    c->items += d ? (apr_uint64_t)d->nitems : 0;
    c->builds += builds;
    c->failures += failures;
    if (c->flags & AP_STATUS_SHORT) {
        const char *pre = apr_psprintf(r->pool, "RootCausesFile%d", c->n);
        ap_rprintf(r, "%sPath: %s\n", pre, auto_value(r->pool, path));
        ap_rprintf(r, "%sHash: %s\n", pre, d ? d->hash : "");
        ap_rprintf(r, "%sItems: %d\n", pre, d ? d->nitems : 0);
        ap_rprintf(r, "%sCollections: %d\n", pre, d ? d->ncollections : 0);
        ap_rprintf(r, "%sLanguages: %s\n", pre, langs);
        ap_rprintf(r, "%sBuiltAt: %" APR_INT64_T_FMT "\n", pre,
                   d ? apr_time_sec(d->head->built_at) : 0);
        ap_rprintf(r, "%sBuiltBy: %" APR_INT64_T_FMT "\n", pre, d ? d->head->built_by : 0);
        ap_rprintf(r, "%sLastCheck: %" APR_INT64_T_FMT "\n", pre,
                   (apr_int64_t)apr_time_sec(stats->last_check));
        ap_rprintf(r, "%sLastError: %s\n", pre, auto_value(r->pool, error));
        ap_rprintf(r, "%sBuilds: %u\n", pre, builds);
        ap_rprintf(r, "%sBuildFailures: %u\n", pre, failures);
        return;
    }
    ap_rprintf(r, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%d</td><td>%d</td><td>%s</td>"
                  "<td>%s by process %" APR_INT64_T_FMT "</td><td>%s</td><td>%u</td><td>%u</td>"
                  "<td>%s</td></tr>\n",
               ap_escape_html(r->pool, path), d ? d->hash : "", d ? d->nitems : 0,
               d ? d->ncollections : 0, langs, d ? when(r->pool, d->head->built_at) : "never",
               d ? d->head->built_by : 0, when(r->pool, stats->last_check), builds, failures,
               *error ? ap_escape_html(r->pool, rc_escape_log(r->pool, error)) : "none");
}

static int rc_status_hook(request_rec *r, int flags)
{
    rc_store *st = rc_store_get(r->server->process->pool);
    rc_cache_stats cs;
    status_ctx c;
    if (!shared.status)
        return OK;
    memset(&c, 0, sizeof(c));
    memset(&cs, 0, sizeof(cs));
    c.r = r;
    c.flags = flags;
    if (shared.cache) {
        rc_cache_lock l = the_lock();
        rc_cache_get_stats(shared.cache, &l, &cs);
    }
    if (!(flags & AP_STATUS_SHORT))
        ap_rputs("<hr>\n<h2>Root Causes</h2>\n<table border=\"1\"><tr><th>data file</th>"
                 "<th>content hash</th><th>items</th><th>collections</th><th>languages</th>"
                 "<th>built</th><th>last check</th><th>builds</th><th>failed builds</th>"
                 "<th>last error</th></tr>\n", r);
    rc_store_each(st, r->pool, status_source, &c);
    if (flags & AP_STATUS_SHORT) {
        ap_rprintf(r, "RootCausesDataFiles: %d\n", c.n);
        ap_rprintf(r, "RootCausesItems: %" APR_UINT64_T_FMT "\n", c.items);
        ap_rprintf(r, "RootCausesBuilds: %" APR_UINT64_T_FMT "\n", c.builds);
        ap_rprintf(r, "RootCausesBuildFailures: %" APR_UINT64_T_FMT "\n", c.failures);
        ap_rprintf(r, "RootCausesCacheEntries: %" APR_UINT64_T_FMT "\n", cs.entries);
        ap_rprintf(r, "RootCausesCacheBytes: %" APR_UINT64_T_FMT "\n", cs.bytes);
        ap_rprintf(r, "RootCausesCacheHits: %" APR_UINT64_T_FMT "\n", cs.hits);
        ap_rprintf(r, "RootCausesCacheMisses: %" APR_UINT64_T_FMT "\n", cs.misses);
        return OK;
    }
    ap_rprintf(r, "</table>\n<p>Response cache (every process): %" APR_UINT64_T_FMT
                  " entries, %" APR_UINT64_T_FMT " bytes, %" APR_UINT64_T_FMT " hits, %"
                  APR_UINT64_T_FMT " misses</p>\n",
               cs.entries, cs.bytes, cs.hits, cs.misses);
    return OK;
}

/* ---------------------------------------------------------------- module */

static int rc_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    ap_mutex_register(pconf, RC_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
    rc_store_begin_config(rc_store_get(ap_pglobal));
    memset(&shared, 0, sizeof(shared));
    return OK;
}

/* The figures of the shared memory go back to the process before it goes (a graceful restart
 * makes new shared memory). */
static apr_status_t unshare_stats(void *data)
{
    rc_store_share(data, NULL);
    return APR_SUCCESS;
}

/* Each data file is checked at the shortest RootCausesReloadInterval of the sections that name
 * it (the section's own, else its server's, else the default); 0 in all: only at restart. The
 * memory the processes share is made here. */
static int rc_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    rc_store *st = rc_store_get(s->process->pool);
    apr_array_header_t *uses = per_config(pconf, "rootcauses-data-uses", make_uses);
    rc_server_conf *sc = server_conf(s);
    apr_int64_t cache_size = sc->cache_size == UNSET ? RC_CACHE_DEFAULT_BYTES : sc->cache_size;
    apr_size_t stats_size = rc_store_stats_size(st);
    apr_shm_t *shm;
    apr_status_t rv;
    char *mem;
    (void)plog;
    (void)ptemp;

    for (int i = 0; i < uses->nelts; i++) {
        const data_use *u = &APR_ARRAY_IDX(uses, i, data_use);
        rc_version *v = rc_source_acquire(u->conf->source);
        int kept = 0;
        const char *err;
        /* A source without a version was left by signals_only(): httpd -k restart or graceful
         * with no server running is starting one, and a cold start needs valid data. */
        rc_version_release(v);
        if (!v && (err = rc_source_load(u->conf->source, 0, &kept, log_store, u->server))) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, u->server,
                         "RootCausesData: %s", err);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    for (int i = 0; i < uses->nelts; i++) {
        const data_use *u = &APR_ARRAY_IDX(uses, i, data_use);
        const rc_conf *server = ap_get_module_config(u->server->lookup_defaults,
                                                     &rootcauses_module);
        int reload = u->conf->reload != UNSET  ? u->conf->reload
                     : server->reload != UNSET ? server->reload
                                               : RC_DEFAULT_RELOAD;
        rc_source_note_interval(u->conf->source, apr_time_from_sec(reload));
    }
    rc_store_end_config(st);
    rc_store_chown(st, (long)ap_unixd_config.user_id, (long)ap_unixd_config.group_id, log_store,
                   s);
    shared.layout = rc_layout_builtin(pconf);
    /* loaded but not used (no RootCausesData): no shared memory, no server-status section */
    if (!uses->nelts)
        return OK;
    shared.status = sc->status != 0;

    stats_size = (stats_size + 63) & ~(apr_size_t)63;
    if ((rv = apr_shm_create(&shm, stats_size + (apr_size_t)cache_size, NULL, pconf)) !=
        APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     "RootCausesCacheSize: cannot get %" APR_INT64_T_FMT " bytes of shared "
                     "memory for the response cache and the figures of server-status",
                     cache_size);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    mem = apr_shm_baseaddr_get(shm);
    rc_store_share(st, mem);
    apr_pool_cleanup_register(pconf, st, unshare_stats, apr_pool_cleanup_null);
    if (cache_size > 0) {
        shared.cache = rc_cache_init(mem + stats_size, (apr_size_t)cache_size);
        /* each process's own answers: a sixteenth of the shared cache, at most 4 MB */
        shared.local_bytes = (apr_size_t)(cache_size / 16 < RC_LOCAL_MAX_BYTES
                                              ? cache_size / 16 : RC_LOCAL_MAX_BYTES);
        if ((rv = ap_global_mutex_create(&shared.mutex, NULL, RC_MUTEX, NULL, s, pconf, 0)) !=
            APR_SUCCESS)
            return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

#if APR_HAS_THREADS
typedef struct loader {
    server_rec *s;
    rc_store *store;
    apr_thread_t *thread;
    int stop[2];               /* a pipe: a byte on it stops the thread */
} loader;

#define RC_LOADER_TICK_MS 200

/* Each process checks its data files from a thread of its own, so that no request waits for a
 * check or a build: requests only take a reference on the current version. It wakes when a
 * file changes (inotify, where there is one) and every tick, for the sources that are due. */
static void *APR_THREAD_FUNC loader_main(apr_thread_t *t, void *data)
{
    loader *l = data;
    int nfd = rc_store_notify_fd(l->store);
    (void)t;
#ifdef __linux__
    prctl(PR_SET_NAME, "rc-loader");  /* its name in ps, top and /proc/PID/task */
#endif
    for (;;) {
        struct pollfd fds[2];
        /* checks first: a change the process found at its start, not built yet, is built now
         * rather than a tick later (a process may not live that long) */
        rc_store_check(l->store, 1, log_store, l->s);
        fds[0].fd = l->stop[0];
        fds[0].events = POLLIN;
        fds[1].fd = nfd;
        fds[1].events = POLLIN;
        fds[0].revents = fds[1].revents = 0;
        if (poll(fds, nfd >= 0 ? 2 : 1, RC_LOADER_TICK_MS) < 0 && errno != EINTR)
            break;
        if (fds[0].revents)
            break;
        if (nfd >= 0 && fds[1].revents)
            rc_store_notified(l->store);
    }
    /* a plain return: apr_thread_join() frees the thread, which apr_thread_exit() would do
     * before the join reads it */
    return NULL;
}

/* The thread uses the store, which lives in the process pool that exit() takes down: it must
 * be gone before. A build under way is finished first (builds happen only when files change). */
static apr_status_t stop_loader(void *data)
{
    loader *l = data;
    apr_status_t rv;
    char one = 1;
    if (write(l->stop[1], &one, 1) == 1)
        apr_thread_join(&rv, l->thread);
    close(l->stop[0]);
    close(l->stop[1]);
    return APR_SUCCESS;
}
#endif

static void rc_child_init(apr_pool_t *pchild, server_rec *s)
{
    rc_store *st = rc_store_get(s->process->pool);
#if APR_HAS_THREADS
    loader *l;
    sigset_t all, old;
#endif

    if (shared.mutex)
        apr_global_mutex_child_init(&shared.mutex, apr_global_mutex_lockfile(shared.mutex),
                                    pchild);
    if (shared.cache && !(local = rc_local_create(pchild, shared.local_bytes)))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "RootCausesCacheSize: cannot make this process's table of answers; "
                     "it uses the shared cache only");
    /* a process forked after a change serves the version built since, not its parent's */
    rc_store_check(st, 0, log_store, s);
#if APR_HAS_THREADS
    if (!rc_store_reloads(st))
        return;
    l = apr_pcalloc(pchild, sizeof(*l));
    l->s = s;
    l->store = st;
    /* close-on-exec: a CGI or piped log that the child starts does not inherit it */
    if (pipe2(l->stop, O_CLOEXEC) != 0) {
        ap_log_error(APLOG_MARK, APLOG_ERR, errno, s,
                     "RootCausesData: cannot start the thread that reloads changed data files; "
                     "they will be read again only at a restart");
        return;
    }
    /* The thread blocks every signal: the MPM's (SIGTERM under prefork, say) are for the
     * threads that expect them. It inherits the mask of the thread that makes it. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    if (apr_thread_create(&l->thread, NULL, loader_main, l, pchild) != APR_SUCCESS) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        close(l->stop[0]);
        close(l->stop[1]);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "RootCausesData: cannot start the thread that reloads changed data files; "
                     "they will be read again only at a restart");
        return;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    apr_pool_cleanup_register(pchild, l, stop_loader, apr_pool_cleanup_null);
#endif
}

/* The order of URL translation, explicit (httpd's: mod_rewrite, mod_proxy, mod_alias, ...):
 * the server's RewriteRules and Redirects apply to the module's URLs too, so rc_translate_name
 * runs after mod_rewrite's and mod_alias's translate_name hooks and claims whatever they let
 * through; before mod_userdir and mod_vhost_alias and the core, which would map the URL to a
 * file. README.md, "Other modules and the module's URLs". */
static const char *const rc_translate_pred[] = {"mod_rewrite.c", "mod_alias.c", NULL};
static const char *const rc_translate_succ[] = {"mod_userdir.c", "mod_vhost_alias.c", NULL};

static void rc_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_translate_name(rc_translate_name, rc_translate_pred, rc_translate_succ,
                           APR_HOOK_MIDDLE);
    ap_hook_map_to_storage(rc_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(rc_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_pre_config(rc_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(rc_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(rc_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, rc_status_hook, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA rootcauses_module = {
    STANDARD20_MODULE_STUFF,
    create_dir_conf,
    merge_dir_conf,
    create_server_conf,
    NULL,
    rc_cmds,
    rc_register_hooks,
    AP_MODULE_FLAG_NONE
};
