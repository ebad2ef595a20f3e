/* Shared by the libFuzzer harnesses in tests/fuzz/: APR set-up, per-input pools, the fixed data
 * set, output capture and the invariant checks. Built only by `make fuzz` / the fuzz step of
 * `make check-full`, with clang -fsanitize=fuzzer,address,undefined. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <apr_buckets.h>
#include <apr_pools.h>
#include <jansson.h>

#include "rc_build.h"
#include "rc_data.h"
#include "rc_image.h"
#include "rc_filter.h"
#include "rc_layout.h"
#include "rc_query.h"
#include "rc_render.h"
#include "rc_route.h"
#include "rc_text.h"

/* An invariant was violated: print what and where, then abort() so libFuzzer saves the input. */
void fuzz_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
#define FUZZ_CHECK(cond, ...)                                                                  \
    do {                                                                                       \
        if (!(cond))                                                                           \
            fuzz_fail(__FILE__, __LINE__, "check failed: " #cond ": " __VA_ARGS__);            \
    } while (0)

/* apr_initialize() once (from LLVMFuzzerInitialize); apr_terminate runs at exit. */
void fuzz_init(void);

/* A pool with its own allocator, so that destroying it hands every block back to malloc and
 * AddressSanitizer sees use-after-free across inputs and LeakSanitizer sees leaks. */
apr_pool_t *fuzz_pool_new(void);

/* Builds the data file buf[0..len) named name into an image in memory, checks it and opens it:
 * NULL and *out set, or the build's message and *out NULL. */
const char *fuzz_load(apr_pool_t *p, const char *name, const char *buf, apr_size_t len,
                      rc_data **out);

/* A site for responses in language lang at mount (its rc_base from p). */
void fuzz_site(apr_pool_t *p, rc_site *site, const rc_data *d, const char *mount, int lang,
               const char *origin);

/* The fixed data set (built once into an image in memory, never freed), in English and Spanish,
 * and a router. */
const rc_data *fuzz_dataset(void);
const rc_router *fuzz_router(void);
const rc_layout *fuzz_layout(void);

/* Output captured from a writer. flush: whether the writer streams (as CSV does in httpd). */
typedef struct fuzz_out {
    rc_out out;
    apr_pool_t *pool;
    char *buf;
    apr_size_t len, cap;
} fuzz_out;
void fuzz_out_begin(fuzz_out *fo, apr_pool_t *p, int flush);
/* Everything written since begin, NUL-terminated (the output itself is checked for NUL). */
const char *fuzz_out_end(fuzz_out *fo, apr_size_t *len);

/* ---- checks; what names the output in the failure message ---- */
void fuzz_check_utf8(const char *what, const char *s, apr_size_t len);
/* Parses s as one JSON document (aborts if it is not); caller json_decref()s the result. */
json_t *fuzz_check_json(const char *what, const char *s, apr_size_t len);
/* Well-formed XML (expat via apr_xml). */
void fuzz_check_xml(apr_pool_t *p, const char *what, const char *s, apr_size_t len);
/* RFC 4180: every record has ncols fields; returns the number of records. */
int fuzz_check_csv(const char *what, const char *s, apr_size_t len, int ncols);
/* HTML: valid UTF-8, no NUL, and no "<script" but an item page's JSON-LD with no '<' inside
 * (nothing else the module writes has one, so one can only come from the data or a visitor's
 * input that was not escaped). */
void fuzz_check_html(const char *what, const char *s, apr_size_t len);

/* rc_filter_run, checked against rc_filter_scan (the pass over every item that the index must
 * agree with): same total, slice and facets. */
rc_result *fuzz_filter(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                       const rc_query *q, int sort_asc, apr_int64_t first, int count);

/* Renders the listing of col for q in every format the way the glue does (HTML listing,
 * JSON, CSV streamed, Atom newest first), or the error answers when q has errors, and checks
 * every output. Used by fuzz_query and fuzz_data. */
void fuzz_render_listing(apr_pool_t *p, const rc_site *site, const rc_collection *col,
                         const rc_query *q);

#endif
