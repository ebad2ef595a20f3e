/* mod_fixedbuf: the baseline of `make bench` (tests/bench/run.sh), never installed.
 *
 * SetHandler fixedbuf answers every GET with the bytes of the file named by FixedBufFile, read
 * once at configuration time: what httpd costs to send a fixed in-memory buffer. Like
 * mod_rootcauses it skips the directory and file walk (translate_name marks the request while the
 * <Location> config is in place, map_to_storage returns OK), so the two differ only by the work
 * of making the body.
 *
 * SetHandler fixedbuf-control is the bench's remote control of callgrind, which cannot be driven
 * by callgrind_control (vgdb) on every machine: GET ?start turns instrumentation on, ?zero zeroes
 * the counters, ?dump=LABEL writes a profile dump labelled LABEL (callgrind client requests, built
 * in when <valgrind/callgrind.h> is there; outside valgrind they do nothing).
 *
 * Build: apxs -c mod_fixedbuf.c
 *
 *   LoadModule fixedbuf_module mod_fixedbuf.so
 *   <Location "/fixed">
 *       SetHandler fixedbuf
 *       FixedBufFile /path/to/body.html
 *       FixedBufType "text/html; charset=utf-8"
 *   </Location>
 */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"

#include "apr_file_io.h"
#include "apr_strings.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define FB_CALLGRIND 1
#endif
#endif

#define FB_HANDLER "fixedbuf"
#define FB_CONTROL "fixedbuf-control"

module AP_MODULE_DECLARE_DATA fixedbuf_module;

typedef struct {
    const char *body;
    apr_size_t len;
    const char *type;
} fb_conf;

static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    (void)dir;
    return apr_pcalloc(p, sizeof(fb_conf));
}

static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    fb_conf *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));
    c->body = add->body ? add->body : base->body;
    c->len = add->body ? add->len : base->len;
    c->type = add->type ? add->type : base->type;
    return c;
}

static const char *set_file(cmd_parms *cmd, void *dconf, const char *arg)
{
    fb_conf *c = dconf;
    const char *path = ap_server_root_relative(cmd->pool, arg);
    apr_finfo_t fi;
    apr_file_t *f;
    apr_size_t got;
    char *buf;
    apr_status_t rv;

    if (!path)
        return apr_psprintf(cmd->pool, "FixedBufFile: invalid path \"%s\"", arg);
    if ((rv = apr_stat(&fi, path, APR_FINFO_SIZE, cmd->pool)) != APR_SUCCESS ||
        (rv = apr_file_open(&f, path, APR_READ | APR_BINARY, 0, cmd->pool)) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "FixedBufFile: cannot read \"%s\" (%pm)", path, &rv);
    buf = apr_palloc(cmd->pool, (apr_size_t)fi.size + 1);
    rv = apr_file_read_full(f, buf, (apr_size_t)fi.size, &got);
    apr_file_close(f);
    if (rv != APR_SUCCESS && !(rv == APR_EOF && got == 0 && fi.size == 0))
        return apr_psprintf(cmd->pool, "FixedBufFile: cannot read \"%s\" (%pm)", path, &rv);
    buf[got] = '\0';
    c->body = buf;
    c->len = got;
    return NULL;
}

static const char *set_type(cmd_parms *cmd, void *dconf, const char *arg)
{
    ((fb_conf *)dconf)->type = apr_pstrdup(cmd->pool, arg);
    return NULL;
}

static const command_rec fb_cmds[] = {
    AP_INIT_TAKE1("FixedBufFile", set_file, NULL, RSRC_CONF | ACCESS_CONF,
                  "the file whose bytes the fixedbuf handler answers"),
    AP_INIT_TAKE1("FixedBufType", set_type, NULL, RSRC_CONF | ACCESS_CONF,
                  "the Content-Type of the answer (default text/html; charset=utf-8)"),
    {NULL}};

static char ours_marker;

/* The same decision as mod_rootcauses: SetHandler as the <Location> walk left it. */
static int fb_translate_name(request_rec *r)
{
    core_dir_config *core = ap_get_core_module_config(r->per_dir_config);
    const char *handler = core->handler, *err = NULL;
    if (!handler && core->expr_handler)
        handler = ap_expr_str_exec(r, core->expr_handler, &err);
    if (handler && !err && (!strcasecmp(handler, FB_HANDLER) || !strcasecmp(handler, FB_CONTROL)))
        ap_set_module_config(r->request_config, &fixedbuf_module, &ours_marker);
    return DECLINED;
}

static int fb_map_to_storage(request_rec *r)
{
    return ap_get_module_config(r->request_config, &fixedbuf_module) ? OK : DECLINED;
}

/* ?start, ?zero, ?dump=LABEL; answers what it did, "valgrind=0" outside valgrind. */
static int fb_control(request_rec *r)
{
    const char *a = r->args ? r->args : "";
    int on = 0;
#ifdef FB_CALLGRIND
    on = RUNNING_ON_VALGRIND ? 1 : 0;
    if (!strcmp(a, "start"))
        CALLGRIND_START_INSTRUMENTATION;
    else if (!strcmp(a, "zero"))
        CALLGRIND_ZERO_STATS;
    else if (!strncmp(a, "dump=", 5))
        CALLGRIND_DUMP_STATS_AT(a + 5);
    else
        return HTTP_BAD_REQUEST;
#endif
    ap_set_content_type(r, "text/plain");
    ap_rprintf(r, "%s valgrind=%d\n", a, on);
    return OK;
}

static int fb_handler(request_rec *r)
{
    const fb_conf *c;
    apr_bucket_brigade *bb;

    if (r->handler && !strcmp(r->handler, FB_CONTROL))
        return fb_control(r);
    if (!r->handler || strcmp(r->handler, FB_HANDLER))
        return DECLINED;
    c = ap_get_module_config(r->per_dir_config, &fixedbuf_module);
    r->allowed |= (AP_METHOD_BIT << M_GET);
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    if (!c->body)
        return HTTP_NOT_FOUND;
    ap_set_content_type(r, c->type ? c->type : "text/html; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)c->len);
    if (r->header_only)
        return OK;
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(c->body, c->len,
                                                            r->connection->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

static void fb_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_translate_name(fb_translate_name, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_map_to_storage(fb_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(fb_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA fixedbuf_module = {
    STANDARD20_MODULE_STUFF,
    create_dir_conf,
    merge_dir_conf,
    NULL,
    NULL,
    fb_cmds,
    fb_register_hooks,
    AP_MODULE_FLAG_NONE
};
