/* Shared by the libFuzzer harnesses: see fuzz_common.h. Compiled with the sanitizers but without
 * coverage instrumentation (see Makefile.am): the fuzzer learns from the core, not from here. */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sanitizer/lsan_interface.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_xml.h>

void fuzz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n==fuzz== invariant violated at %s:%d\n==fuzz== ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    abort();
}

/* ---------------------------------------------------------------- APR */

static void terminate(void)
{
    apr_terminate();
}

void fuzz_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "fuzz: apr_initialize failed\n");
        abort();
    }
    atexit(terminate);
}

apr_pool_t *fuzz_pool_new(void)
{
    apr_pool_t *p = NULL;
    /* Unmanaged with a NULL allocator: APR creates an allocator that the pool owns, so
     * apr_pool_destroy() frees every block (nothing is kept on a free list for later). */
    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS || !p)
        fuzz_fail(__FILE__, __LINE__, "apr_pool_create_unmanaged_ex failed");
    return p;
}

/* ---------------------------------------------------------------- data */

const char *fuzz_load(apr_pool_t *p, const char *name, const char *buf, apr_size_t len,
                      rc_data **out)
{
    rc_imgw *w = rc_imgw_memory(p);
    const char *err = rc_build_buffer(p, name, buf, len, w), *bad;
    const rc_image *img;
    *out = NULL;
    if (err)
        return err;
    img = rc_imgw_image(w);
    FUZZ_CHECK(img != NULL, "a build without an error and without an image");
    bad = rc_image_check(img->base, img->size);
    FUZZ_CHECK(bad == NULL, "a fresh image fails rc_image_check: %s", bad);
    *out = rc_data_open(p, img);
    return NULL;
}

void fuzz_site(apr_pool_t *p, rc_site *site, const rc_data *d, const char *mount, int lang,
               const char *origin)
{
    rc_base *b = apr_pcalloc(p, sizeof(*b));
    rc_base_init(p, b, mount);
    rc_site_set(p, site, d, fuzz_layout(), b, lang, origin);
}

/* ---------------------------------------------------------------- the fixed data set */

/* Small but varied: accents and Hangul in names (folding), a comma, quotes and markup in titles
 * (escaping), every date form, a leap day, kinds in one collection and none in another, an
 * empty collection, documents and persons, and a generated collection large enough for
 * pagination, for more than one block of the index (RC_INDEX_BLOCK) and for the streamed CSV
 * to be flushed, yet small enough to keep the query harness fast. */
static const char dataset_head[] =
    "{\n"
    "  \"languages\": [\"en\", \"es\"],\n"
    "  \"title\": {\"en\": \"Root Causes <Fuzz> & \\\"Co\\\"\", \"es\": \"Causas <Fuzz>\"},\n"
    "  \"countries\": [\n"
    "    {\"code\": \"GT\", \"name\": \"Guatemala\"},\n"
    "    {\"code\": \"HN\", \"name\": {\"en\": \"Honduras\", \"es\": \"Honduras (es)\"}},\n"
    "    {\"code\": \"SV\", \"name\": \"El Salvador\"},\n"
    "    {\"code\": \"NI\", \"name\": \"Nicaragua\"},\n"
    "    {\"code\": \"PE\", \"name\": \"Perú\"},\n"
    "    {\"code\": \"KR\", \"name\": \"대한민국\"}\n"
    "  ],\n"
    "  \"pages\": [\n"
    "    {\"slug\": \"index\", \"title\": \"Overview\", \"file\": \"pages/index.html\"},\n"
    "    {\"slug\": \"pillar-1\", \"title\": {\"en\": \"Pillar I: <Economy> & \\\"Jobs\\\"\", "
    "\"es\": \"Pilar I: <Econom\u00eda>\"}, \"nav\": {\"en\": \"Pillar I\"}, "
    "\"file\": {\"en\": \"pages/pillar-1.html\", \"es\": \"pages/es/pillar-1.html\"}},\n"
    "    {\"slug\": \"resources\", \"title\": \"Resources\", \"file\": \"pages/resources.html\"}\n"
    "  ],\n"
    "  \"collections\": [\n"
    "    {\"slug\": \"reports\", \"title\": {\"en\": \"Reports to Congress\", \"es\": \"Informes\"},\n"
    "     \"kinds\": {\"report\": {\"es\": \"Informe\"}}, \"items\": [\n"
    "      {\"id\": \"2022-07-progress-report\", \"title\": {\"en\": \"Progress Made in the Strategy\",\n"
    "       \"es\": \"Avances de la Estrategia contra la anti-corrupci\u00f3n\"},\n"
    "       \"date\": \"2022-07\", \"countries\": [\"SV\", \"GT\", \"HN\"],\n"
    "       \"kind\": \"report-to-congress\", \"summary\": \"Núñez, Pérez & <b>friends</b>\",\n"
    "       \"source\": \"https://www.state.gov/report?a=1&b=2\",\n"
    "       \"documents\": [{\"title\": \"Executive Summary\", \"href\": \"files/exec summary.pdf\","
    " \"bytes\": 204800},\n"
    "                     {\"title\": \"Full\", \"href\": \"https://example.org/full.pdf\"},\n"
    "                     {\"title\": \"Annex\", \"href\": \"files/annex.pdf\", \"bytes\": 0}],\n"
    "       \"persons\": [{\"name\": \"José Pérez\", \"country\": \"GT\", \"position\": {\"en\": \"Minister\", \"es\": \"Ministro\"}},"
    " {\"name\": \"김민준\"}]},\n"
    "      {\"id\": \"2021\", \"title\": \"=cmd|' /C calc'!A0, \\\"quoted\\\"\", \"date\": \"2021\","
    " \"countries\": [\"NI\"], \"kind\": \"report\"},\n"
    "      {\"id\": \"leap\", \"title\": \"Leap day ﬁnance Ⅻ\", \"date\": \"2020-02-29\","
    " \"countries\": [\"PE\", \"KR\"], \"kind\": \"report\", \"summary\": \"ÉTÉ straße\"},\n"
    "      {\"id\": \"old-one\", \"title\": \"Old\", \"date\": \"1899-12-31\", \"countries\": [\"HN\"]},\n"
    "      {\"id\": \"new-one\", \"title\": \"New\", \"date\": \"2100-02\", \"countries\": [\"SV\"],"
    " \"kind\": \"z-last\"}\n"
    "    ]},\n"
    "    {\"slug\": \"section-353\", \"title\": \"Section 353 Actions\", \"nav\": {\"en\": \"353\", \"es\": \"353 (es)\"},\n"
    "     \"items\": [\n"
    "      {\"id\": \"2022-03-09-nicaragua-action\", \"title\": \"Action in Nicaragua\","
    " \"date\": \"2022-03-09\", \"countries\": [\"NI\"]},\n"
    "      {\"id\": \"same-date-a\", \"title\": \"Same date A\", \"date\": \"2022-03-09\","
    " \"countries\": [\"GT\", \"NI\"]},\n"
    "      {\"id\": \"same-date-b\", \"title\": \"Same date B\", \"date\": \"2022-03\","
    " \"countries\": [\"GT\"]}\n"
    "    ]},\n"
    "    {\"slug\": \"empty\", \"title\": \"Nothing yet\", \"items\": []},\n"
    "    {\"slug\": \"bulk\", \"title\": \"Bulk, \\\"many\\\"\", \"items\": [\n";

static const char dataset_tail[] = "\n    ]}\n  ]\n}\n";

#define BULK_ITEMS 300

static const char *dataset_json;
static apr_size_t dataset_len;
static rc_data *dataset;
static rc_router *router;
static const rc_layout *layout;
static apr_pool_t *dataset_pool;

/* Debian's APR allocates pool memory with mmap (APR_ALLOCATOR_USES_MMAP), where LeakSanitizer
 * does not look for pointers: what only the pool points to (its allocator, PCRE2's compiled
 * patterns) would be reported at exit unless the pool is destroyed first. */
static void free_dataset(void)
{
    if (dataset_pool)
        apr_pool_destroy(dataset_pool);
    dataset_pool = NULL;
    dataset = NULL;
    router = NULL;
    layout = NULL;
}

static void build_dataset(void)
{
    static const char *const codes[] = {"GT", "HN", "SV", "NI", "PE", "KR"};
    static const char *const kinds[] = {"action", "list", "report"};
    static const char *const words[] = {"corruption", "Démocratie", "migración", "jobs",
                                        "violence", "press"};
    apr_pool_t *p;
    apr_array_header_t *parts;
    const char *err;

    /* With tests/sanitize/poolshim.c linked in, the data set's pool memory is malloc()ed, but the
     * list of its blocks hangs off the pool (mmap()ed, unseen by LeakSanitizer): were a leak
     * check to run while it lives, every block would look leaked. It is freed at exit. */
    __lsan_disable();
    p = dataset_pool = fuzz_pool_new();
    parts = apr_array_make(p, BULK_ITEMS + 2, sizeof(const char *));

    APR_ARRAY_PUSH(parts, const char *) = dataset_head;
    for (int i = 0; i < BULK_ITEMS; i++) {
        int year = 1990 + i % 37, month = 1 + i % 12, day = 1 + i % 28;
        const char *date = i % 3 == 0   ? apr_psprintf(p, "%04d", year)
                           : i % 3 == 1 ? apr_psprintf(p, "%04d-%02d", year, month)
                                        : apr_psprintf(p, "%04d-%02d-%02d", year, month, day);
        int a = i % 6, b = (a + 1 + (i / 6) % 5) % 6; /* b != a */
        const char *countries = i % 4 == 0
                                    ? apr_psprintf(p, "\"%s\"", codes[a])
                                    : apr_psprintf(p, "\"%s\", \"%s\"", codes[a], codes[b]);
        APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(
            p,
            "%s      {\"id\": \"item-%03d\", \"title\": \"Item %d on %s\", \"date\": \"%s\","
            " \"countries\": [%s]%s%s%s%s}",
            i ? ",\n" : "", i, i, words[i % 6], date, countries, i % 5 ? ", \"kind\": \"" : "",
            i % 5 ? kinds[i % 3] : "", i % 5 ? "\"" : "",
            i % 7 == 0 ? ", \"summary\": \"About Ñandú and the rest\"" : "");
    }
    APR_ARRAY_PUSH(parts, const char *) = dataset_tail;
    dataset_json = apr_array_pstrcat(p, parts, 0);
    dataset_len = strlen(dataset_json);

    err = fuzz_load(p, "fuzz-dataset.json", dataset_json, dataset_len, &dataset);
    if (err)
        fuzz_fail(__FILE__, __LINE__, "the fixed data set does not load: %s", err);
    if ((err = rc_router_create(p, &router)) != NULL)
        fuzz_fail(__FILE__, __LINE__, "rc_router_create: %s", err);
    layout = rc_layout_builtin(p);
    atexit(free_dataset);  /* runs before apr_terminate, registered earlier */
    __lsan_enable();
}

const rc_data *fuzz_dataset(void)
{
    if (!dataset)
        build_dataset();
    return dataset;
}

const rc_router *fuzz_router(void)
{
    if (!router)
        build_dataset();
    return router;
}

const rc_layout *fuzz_layout(void)
{
    if (!layout)
        build_dataset();
    return layout;
}

/* ---------------------------------------------------------------- output capture */

static void append(fuzz_out *fo, apr_bucket_brigade *bb)
{
    apr_off_t n = 0;
    apr_size_t got;
    if (apr_brigade_length(bb, 1, &n) != APR_SUCCESS || n < 0)
        fuzz_fail(__FILE__, __LINE__, "apr_brigade_length failed");
    if (fo->len + (apr_size_t)n + 1 > fo->cap) {
        apr_size_t cap = (fo->len + (apr_size_t)n + 1) * 2;
        char *buf = realloc(fo->buf, cap);
        if (!buf)
            fuzz_fail(__FILE__, __LINE__, "out of memory");
        fo->buf = buf;
        fo->cap = cap;
    }
    got = (apr_size_t)n;
    if (apr_brigade_flatten(bb, fo->buf + fo->len, &got) != APR_SUCCESS || got != (apr_size_t)n)
        fuzz_fail(__FILE__, __LINE__, "apr_brigade_flatten failed");
    fo->len += got;
    apr_brigade_cleanup(bb);
}

/* What httpd's ap_filter_flush does for us: pass the brigade on, leaving it empty. */
static apr_status_t collect(apr_bucket_brigade *bb, void *ctx)
{
    append(ctx, bb);
    return APR_SUCCESS;
}

void fuzz_out_begin(fuzz_out *fo, apr_pool_t *p, int flush)
{
    apr_bucket_alloc_t *ba = apr_bucket_alloc_create(p);
    memset(fo, 0, sizeof(*fo));
    fo->pool = p;
    rc_out_init(&fo->out, apr_brigade_create(p, ba), p);
    if (flush) {
        fo->out.flush = collect;
        fo->out.flush_ctx = fo;
    }
}

const char *fuzz_out_end(fuzz_out *fo, apr_size_t *len)
{
    char *s;
    rc_out_finish(&fo->out);
    append(fo, fo->out.bb);
    s = apr_palloc(fo->pool, fo->len + 1);
    if (fo->len)
        memcpy(s, fo->buf, fo->len);
    s[fo->len] = '\0';
    *len = fo->len;
    free(fo->buf);
    fo->buf = NULL;
    fo->len = fo->cap = 0;
    apr_brigade_destroy(fo->out.bb);
    return s;
}

/* ---------------------------------------------------------------- checks */

/* s[0..len) with bytes outside printable ASCII as \xNN, for reports (at most max bytes of s). */
static const char *visible(const char *s, apr_size_t len, apr_size_t max)
{
    static char buf[4 * 600 + 8];
    apr_size_t o = 0;
    for (apr_size_t i = 0; i < len && i < max && i < 600; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf[o++] = (char)c;
        else
            o += (apr_size_t)snprintf(buf + o, 5, "\\x%02X", c);
    }
    if (len > max)
        buf[o++] = '.', buf[o++] = '.', buf[o++] = '.';
    buf[o] = '\0';
    return buf;
}

/* RFC 3629, written apart from rc_utf8_valid so that one checks the other; NUL refused. */
static int utf8_ok(const unsigned char *s, apr_size_t len)
{
    apr_size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        apr_size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0x01 && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        }
        else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        }
        else
            return 0;
        if (len - i <= need || s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (apr_size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

void fuzz_check_utf8(const char *what, const char *s, apr_size_t len)
{
    if (!s)
        fuzz_fail(__FILE__, __LINE__, "%s is NULL", what);
    if (!utf8_ok((const unsigned char *)s, len))
        fuzz_fail(__FILE__, __LINE__, "%s (%lu bytes) is not valid UTF-8 or contains NUL: \"%s\"",
                  what, (unsigned long)len, visible(s, len, 600));
}

json_t *fuzz_check_json(const char *what, const char *s, apr_size_t len)
{
    json_error_t jerr;
    json_t *root;
    fuzz_check_utf8(what, s, len);
    root = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        fuzz_fail(__FILE__, __LINE__, "%s is not JSON: %d:%d: %s\n%.*s", what, jerr.line,
                  jerr.column, jerr.text, (int)(len > 2000 ? 2000 : len), s);
    return root;
}

void fuzz_check_xml(apr_pool_t *p, const char *what, const char *s, apr_size_t len)
{
    apr_xml_parser *parser = apr_xml_parser_create(p);
    apr_xml_doc *doc = NULL;
    char err[300];
    fuzz_check_utf8(what, s, len);
    if (apr_xml_parser_feed(parser, s, len) != APR_SUCCESS ||
        apr_xml_parser_done(parser, &doc) != APR_SUCCESS || !doc)
        fuzz_fail(__FILE__, __LINE__, "%s is not well-formed XML: %s\n%.*s", what,
                  apr_xml_parser_geterror(parser, err, sizeof(err)),
                  (int)(len > 2000 ? 2000 : len), s);
}

int fuzz_check_csv(const char *what, const char *s, apr_size_t len, int ncols)
{
    apr_size_t i = 0;
    int records = 0;
    fuzz_check_utf8(what, s, len);
    while (i < len) {
        int fields = 0;
        for (;;) {
            /* one field */
            if (i < len && s[i] == '"') {
                i++;
                for (;;) {
                    if (i >= len)
                        fuzz_fail(__FILE__, __LINE__, "%s: unterminated quoted field in record %d",
                                  what, records + 1);
                    if (s[i] == '"') {
                        if (i + 1 < len && s[i + 1] == '"') {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
            }
            else {
                while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
                    if (s[i] == '"')
                        fuzz_fail(__FILE__, __LINE__, "%s: bare quote in record %d", what,
                                  records + 1);
                    i++;
                }
            }
            fields++;
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            break;
        }
        if (i + 1 >= len || s[i] != '\r' || s[i + 1] != '\n')
            fuzz_fail(__FILE__, __LINE__, "%s: record %d does not end with CRLF", what,
                      records + 1);
        i += 2;
        records++;
        if (fields != ncols)
            fuzz_fail(__FILE__, __LINE__, "%s: record %d has %d fields, expected %d", what,
                      records, fields, ncols);
    }
    return records;
}

void fuzz_check_html(const char *what, const char *s, apr_size_t len)
{
    static const char jsonld[] = "<script type=\"application/ld+json\">";
    fuzz_check_utf8(what, s, len);
    for (apr_size_t i = 0; i + 7 <= len; i++)
        if (s[i] == '<' && !strncasecmp(s + i, "<script", 7)) {
            /* the one script the module writes: an item page's JSON-LD, which no '<' of the
             * data can end */
            apr_size_t j = i + sizeof(jsonld) - 1;
            if (len - i >= sizeof(jsonld) - 1 && !memcmp(s + i, jsonld, sizeof(jsonld) - 1)) {
                while (j < len && s[j] != '<')
                    j++;
                if (j + 9 <= len && !memcmp(s + j, "</script>", 9)) {
                    i = j + 8;
                    continue;
                }
            }
            fuzz_fail(__FILE__, __LINE__, "%s contains \"<script\" at byte %lu: %.*s", what,
                      (unsigned long)i, (int)(len - i > 200 ? 200 : len - i), s + i);
        }
}

/* ---------------------------------------------------------------- a listing in every format */

static void check_errors(const rc_query *q)
{
    for (int i = 0; i < q->errors->nelts; i++) {
        const rc_query_error *e = &APR_ARRAY_IDX(q->errors, i, rc_query_error);
        FUZZ_CHECK(e->message && *e->message, "error %d has no message", i);
        fuzz_check_utf8("a query error message", e->message, strlen(e->message));
        if (e->param)
            fuzz_check_utf8("a query error's parameter", e->param, strlen(e->param));
    }
}

/* Occurrences of needle in s (not strstr: libFuzzer hooks it and records every call). */
static int count(const char *s, const char *needle)
{
    apr_size_t nl = strlen(needle);
    int n = 0;
    for (; *s; s++)
        if (*s == *needle && !strncmp(s, needle, nl))
            n++;
    return n;
}

static void render_errors(apr_pool_t *p, const rc_site *site, const rc_collection *col,
                          const rc_query *q)
{
    const rc_query_error *e = &APR_ARRAY_IDX(q->errors, 0, rc_query_error);
    fuzz_out fo;
    const char *s;
    apr_size_t n;
    json_t *root, *err, *msg, *param;

    check_errors(q);

    /* HTML: the form with the messages and no results */
    fuzz_out_begin(&fo, p, 0);
    rc_html_listing(&fo.out, site, col, q, NULL);
    s = fuzz_out_end(&fo, &n);
    fuzz_check_html("the HTML listing with errors", s, n);

    /* JSON: the first error, as the glue sends it */
    fuzz_out_begin(&fo, p, 0);
    rc_json_error(&fo.out, 400, e->param, e->message);
    s = fuzz_out_end(&fo, &n);
    root = fuzz_check_json("the JSON error", s, n);
    err = json_object_get(root, "error");
    msg = json_object_get(err, "message");
    param = json_object_get(err, "parameter");
    FUZZ_CHECK(json_integer_value(json_object_get(err, "status")) == 400, "%s", s);
    FUZZ_CHECK(json_is_string(msg) && !strcmp(json_string_value(msg), e->message),
               "the JSON error lost the message \"%s\": %s", e->message, s);
    FUZZ_CHECK(e->param ? json_is_string(param) && !strcmp(json_string_value(param), e->param)
                        : json_is_null(param) || !param,
               "the JSON error lost the parameter \"%s\": %s", e->param ? e->param : "(null)", s);
    json_decref(root);
}

/* Two results are the same: total, slice and both facets. */
static void same_result(const char *how, const rc_data *d, const rc_result *a, const rc_result *b)
{
    FUZZ_CHECK(a->total == b->total, "%s: total %d, scan %d", how, a->total, b->total);
    FUZZ_CHECK(a->nids == b->nids, "%s: %d in the slice, scan %d (total %d)", how, a->nids,
               b->nids, a->total);
    FUZZ_CHECK(!a->nids || a->first == b->first, "%s: slice starts at %ld, scan %ld", how,
               (long)a->first, (long)b->first);
    for (int k = 0; k < a->nids; k++)
        FUZZ_CHECK(a->ids[k] == b->ids[k], "%s: slice[%d] is item %d (%s), scan %d (%s)", how, k,
                   a->ids[k], rc_str(d, a->col->items[a->ids[k]].id), b->ids[k],
                   rc_str(d, b->col->items[b->ids[k]].id));
    for (int c = 0; c < d->ncountries; c++)
        FUZZ_CHECK(a->country_counts[c] == b->country_counts[c],
                   "%s: country facet %s %d, scan %d", how, d->countries[c].code,
                   a->country_counts[c], b->country_counts[c]);
    FUZZ_CHECK(a->nyears == b->nyears, "%s: %d years in the facet, scan %d", how, a->nyears,
               b->nyears);
    for (int y = 0; y < a->nyears; y++)
        FUZZ_CHECK(a->years[y].year == b->years[y].year && a->years[y].count == b->years[y].count,
                   "%s: year facet %d: %d, scan %d: %d", how, a->years[y].year,
                   a->years[y].count, b->years[y].year, b->years[y].count);
}

rc_result *fuzz_filter(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                       const rc_query *q, int sort_asc, apr_int64_t first, int count)
{
    rc_result *r = rc_filter_run(p, d, col, q, sort_asc, first, count);
    rc_result *s = rc_filter_scan(p, d, col, q, sort_asc, first, count);
    char how[120];
    snprintf(how, sizeof(how), "rc_filter_run(sort %d, first %ld, count %d) for \"%s\"",
             sort_asc, (long)first, count, q->canonical);
    FUZZ_CHECK(r->col == col, "result of another collection");
    FUZZ_CHECK(r->total >= 0 && r->total <= col->nitems, "total %d of %d items", r->total,
               col->nitems);
    FUZZ_CHECK(r->nids >= 0 && r->nids <= count && (r->nids == 0 || first + r->nids <= r->total),
               "%s: slice of %d from %ld of %d", how, r->nids, (long)first, r->total);
    FUZZ_CHECK(r->nids == (first >= r->total ? 0 : r->total - first < count ? r->total - first : count),
               "%s: slice of %d, total %d", how, r->nids, r->total);
    same_result(how, d, r, s);
    return r;
}

void fuzz_render_listing(apr_pool_t *p, const rc_site *site, const rc_collection *col,
                         const rc_query *q)
{
    const rc_data *d = site->data;
    rc_result *r, *all, *ra;
    apr_int64_t pages;
    int sum;
    fuzz_out fo;
    const char *s;
    apr_size_t n;
    json_t *root, *items;

    if (q->errors->nelts) {
        render_errors(p, site, col, q);
        return;
    }

    /* the whole result (as CSV asks for it): facets and order */
    all = fuzz_filter(p, d, col, q, -1, 0, RC_ALL);
    {
        int k = 0;
        FUZZ_CHECK(all->nids == all->total, "RC_ALL gives %d of %d", all->nids, all->total);
        /* positions are newest first; oldest first is col->asc */
        for (int i = 0; i < col->nitems && k < all->total; i++)
            if ((q->sort_asc ? (int)col->asc[i] : i) == all->ids[k])
                k++;
        FUZZ_CHECK(k == all->total, "result ids are not in sort order");
    }
    sum = 0;
    for (int i = 0; i < all->nyears; i++) {
        FUZZ_CHECK(all->years[i].year >= 1 && all->years[i].count > 0, "year facet %d: %d",
                   all->years[i].year, all->years[i].count);
        FUZZ_CHECK(i == 0 || all->years[i - 1].year > all->years[i].year,
                   "years not newest first");
        sum += all->years[i].count;
    }
    if (!q->from && !q->to)
        FUZZ_CHECK(sum == all->total, "year facet sums to %d, total %d", sum, all->total);
    if (!q->countries)
        for (int c = 0; c < d->ncountries; c++) {
            int have = 0;
            for (int k = 0; k < all->total; k++) {
                const rc_item *it = &col->items[all->ids[k]];
                for (int j = 0; j < it->ncountries; j++)
                    have += rc_item_countries(d, it)[j] == c;
            }
            FUZZ_CHECK(have == all->country_counts[c], "country facet %s: %d, counted %d",
                       d->countries[c].code, all->country_counts[c], have);
        }

    /* the index agrees with the pass on a slice that starts inside the result, too */
    if (all->total > 1)
        fuzz_filter(p, d, col, q, !q->sort_asc, all->total / 2, 3);

    /* HTML and JSON: the page, as the glue asks for it */
    r = fuzz_filter(p, d, col, q, -1, (q->page - 1) * q->per_page, q->per_page);
    pages = rc_result_pages(r, q->per_page);
    FUZZ_CHECK(pages == (r->total + q->per_page - 1) / q->per_page, "pages");
    for (int k = 0; k < r->nids; k++)
        FUZZ_CHECK(r->ids[k] == all->ids[r->first + k], "page item %d", k);

    fuzz_out_begin(&fo, p, 0);
    rc_html_listing(&fo.out, site, col, q, r);
    s = fuzz_out_end(&fo, &n);
    fuzz_check_html("the HTML listing", s, n);
    FUZZ_CHECK(count(s, "<li class=\"item\">") == r->nids, "HTML shows %d items, expected %d",
               count(s, "<li class=\"item\">"), r->nids);
    FUZZ_CHECK(count(s, "<meta name=\"robots\" content=\"noindex, follow\">") ==
                   rc_listing_noindex(q),
               "robots meta and rc_listing_noindex disagree for \"%.200s\"", q->canonical);
    FUZZ_CHECK(count(s, "<html lang=\"") == 1 &&
                   count(s, apr_pstrcat(p, "<html lang=\"", d->langs[site->lang], "\"", NULL)) ==
                       1,
               "<html lang> is not %s", d->langs[site->lang]);

    fuzz_out_begin(&fo, p, 0);
    rc_json_listing(&fo.out, site, q, r);
    s = fuzz_out_end(&fo, &n);
    root = fuzz_check_json("the JSON listing", s, n);
    items = json_object_get(root, "items");
    FUZZ_CHECK(json_integer_value(json_object_get(root, "total")) == r->total, "JSON total");
    FUZZ_CHECK(json_integer_value(json_object_get(root, "page")) == q->page, "JSON page");
    FUZZ_CHECK(json_integer_value(json_object_get(root, "per_page")) == q->per_page,
               "JSON per_page");
    FUZZ_CHECK(json_integer_value(json_object_get(root, "pages")) == pages, "JSON pages");
    FUZZ_CHECK(json_is_array(items) && (int)json_array_size(items) == r->nids,
               "JSON has %d items, expected %d", (int)json_array_size(items), r->nids);
    for (int k = 0; k < r->nids; k++) {
        const rc_item *it = &col->items[r->ids[k]];
        json_t *ji = json_array_get(items, k);
        const char *url = json_string_value(json_object_get(ji, "url"));
        const char *title = json_string_value(json_object_get(ji, "title"));
        FUZZ_CHECK(!strcmp(json_string_value(json_object_get(ji, "id")), rc_str(d, it->id)),
                   "JSON item %d", k);
        FUZZ_CHECK(url && !strcmp(url, apr_pstrcat(p, site->home_url, "/", col->slug, "/",
                                                    rc_str(d, it->id), NULL)),
                   "JSON url %s", url ? url : "(none)");
        /* the item's title in the site's language (the default one's where it has none) */
        FUZZ_CHECK(title && !strcmp(title, rc_site_text(site, it->title)), "JSON title %s",
                   title ? title : "(none)");
    }
    FUZZ_CHECK(json_object_size(json_object_get(json_object_get(root, "facets"), "country")) ==
                   (size_t)d->ncountries,
               "JSON country facet");
    json_decref(root);

    /* CSV: everything, streamed as in httpd */
    fuzz_out_begin(&fo, p, 1);
    rc_csv_listing(&fo.out, site, col, q);
    s = fuzz_out_end(&fo, &n);
    FUZZ_CHECK(fuzz_check_csv("the CSV listing", s, n, 6) == all->total + 1,
               "CSV rows != total %d + 1", all->total);
    {
        /* the download's name: ASCII letters, digits and '-', ending in .csv */
        const char *name = rc_csv_filename(p, site, col, q);
        apr_size_t len = strlen(name);
        FUZZ_CHECK(len > 4 && !strcmp(name + len - 4, ".csv") && name[0] != '-' &&
                       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == len - 4,
                   "CSV file name \"%s\"", name);
    }

    /* Atom: the newest RC_ATOM_ENTRIES */
    ra = fuzz_filter(p, d, col, q, 0, 0, RC_ATOM_ENTRIES);
    fuzz_out_begin(&fo, p, 0);
    rc_atom_listing(&fo.out, site, col, q, ra);
    s = fuzz_out_end(&fo, &n);
    fuzz_check_xml(p, "the Atom feed", s, n);
    FUZZ_CHECK(count(s, "<entry>") == (ra->total < RC_ATOM_ENTRIES ? ra->total : RC_ATOM_ENTRIES),
               "Atom entries");
}
