/* tests/sanitize/poolshim.c: an LD_PRELOAD shim that gives every apr_palloc() its own malloc()
 * block, so that AddressSanitizer and valgrind see pool memory (tests/sanitize/README.md).
 *
 * APR pools carve allocations out of 8 KiB blocks: an overflow from one pool allocation into the
 * next, or a read of pool memory after apr_pool_clear(), is invisible to ASan and to memcheck.
 * Debian's libapr has no pool debugging, so this shim, preloaded into httpd, replaces
 * apr_palloc() and apr_pcalloc() (libapr's own apr_pstrdup(), apr_pmemdup(), apr_array_make() ...
 * call apr_palloc() through the PLT, so they are covered too; apr_psprintf() writes into the pool
 * directly and is not). Each block is recorded in a list kept per pool and freed when the pool is
 * cleared or destroyed, after every other cleanup of the pool: the list's cleanup is registered
 * first, when the pool is created or cleared, and APR runs cleanups last-registered first.
 *
 * Pools are not thread-safe and neither is this; the recursion guard is per thread. Only for
 * tests: it costs a malloc() per pool allocation.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_pools.h>

#undef apr_palloc
#undef apr_pcalloc

static const char key[] = "rc_poolshim.blocks";

typedef struct {
    apr_pool_t *pool;
    void **v;
    size_t n, cap;
} blocks_t;

static __thread int inside; /* > 0: we are in APR on our own behalf; use the real functions */

static void *resolve(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "rc_poolshim: %s not found: %s\n", name, dlerror());
        abort();
    }
    return f;
}

#define REAL(type, name) \
    static type real_##name; \
    if (!real_##name) \
        real_##name = (type)resolve(#name)

typedef void *(*palloc_fn)(apr_pool_t *, apr_size_t);
typedef apr_status_t (*create_ex_fn)(apr_pool_t **, apr_pool_t *, apr_abortfunc_t,
                                     apr_allocator_t *);
typedef apr_status_t (*create_unmanaged_fn)(apr_pool_t **, apr_abortfunc_t, apr_allocator_t *);
typedef void (*clear_fn)(apr_pool_t *);

static apr_status_t free_blocks(void *data)
{
    blocks_t *b = data;
    size_t i;
    for (i = b->n; i-- > 0;)
        free(b->v[i]);
    /* A later cleanup that allocates from the pool starts a new list. */
    inside++;
    apr_pool_userdata_setn(NULL, key, NULL, b->pool);
    inside--;
    free(b->v);
    free(b);
    return APR_SUCCESS;
}

static blocks_t *attach(apr_pool_t *p)
{
    blocks_t *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    b->pool = p;
    inside++;
    apr_pool_userdata_setn(b, key, NULL, p);
    apr_pool_cleanup_register(p, b, free_blocks, apr_pool_cleanup_null);
    inside--;
    return b;
}

static blocks_t *blocks_of(apr_pool_t *p)
{
    void *b = NULL;
    inside++;
    apr_pool_userdata_get(&b, key, p);
    inside--;
    return b ? b : attach(p);
}

void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    REAL(palloc_fn, apr_palloc);
    blocks_t *b;
    void *m;

    if (inside)
        return real_apr_palloc(p, size);
    b = blocks_of(p);
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        void **v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return real_apr_palloc(p, size);
        b->v = v;
        b->cap = cap;
    }
    m = malloc(size ? size : 1);
    if (!m)
        return real_apr_palloc(p, size);
    b->v[b->n++] = m;
    return m;
}

void *apr_pcalloc(apr_pool_t *p, apr_size_t size)
{
    void *m = apr_palloc(p, size);
    if (m)
        memset(m, 0, size);
    return m;
}

apr_status_t apr_pool_create_ex(apr_pool_t **newpool, apr_pool_t *parent,
                                apr_abortfunc_t abort_fn, apr_allocator_t *allocator)
{
    REAL(create_ex_fn, apr_pool_create_ex);
    apr_status_t rv = real_apr_pool_create_ex(newpool, parent, abort_fn, allocator);
    if (rv == APR_SUCCESS && !inside)
        attach(*newpool);
    return rv;
}

apr_status_t apr_pool_create_unmanaged_ex(apr_pool_t **newpool, apr_abortfunc_t abort_fn,
                                          apr_allocator_t *allocator)
{
    REAL(create_unmanaged_fn, apr_pool_create_unmanaged_ex);
    apr_status_t rv = real_apr_pool_create_unmanaged_ex(newpool, abort_fn, allocator);
    if (rv == APR_SUCCESS && !inside)
        attach(*newpool);
    return rv;
}

void apr_pool_clear(apr_pool_t *p)
{
    REAL(clear_fn, apr_pool_clear);
    real_apr_pool_clear(p);
    if (!inside)
        attach(p);
}

/* UBSan (GCC's libubsan beside libasan) starts lazily, at its first report, and then reads
 * UBSAN_OPTIONS from /proc/self/environ, which httpd's children cannot read once they have
 * switched to www-data: its defaults come from here instead. Its reports go to stderr, that is
 * the error log, whatever log_path says. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "print_stacktrace=1:halt_on_error=1:abort_on_error=1";
}
