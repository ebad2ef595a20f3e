/* rc_store: the store lives in the process pool so that versions survive a graceful restart,
 * but the module's .so is unloaded and loaded again then: nothing here may point into it (no
 * cleanups with our functions, no string literals kept in a version).
 *
 * Versions are reference-counted so a request in flight keeps the version it started
 * with while new requests already see the next one; the old version's pool goes when its last
 * request ends. */
#include "rc_store.h"
#include "rc_cache.h"
#include "rc_render.h"

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <apr_allocator.h>
#include <apr_atomic.h>
#include <apr_file_info.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#define RC_STORE_KEY "rootcauses-store"
#define RC_KEEP_FREE (1 << 20)

struct rc_store {
    apr_pool_t *pool;
    apr_hash_t *sources;  /* path -> rc_source*; only changed at configuration time */
};

struct rc_source {
    rc_store *store;
    const char *path;
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;  /* guards current, last_check, loading */
#endif
    rc_version *current;       /* holds one reference of its own */
    apr_interval_time_t interval; /* for rc_store_check; -1 until one is noted */
    apr_time_t last_check;
    int loading;               /* a thread is loading a new version */
    /* the files of the last failed load as they were then (data file and page files, zeros
     * for missing ones), so that a broken version is neither parsed nor logged again until
     * one of them changes; in bad_pool, touched only by the thread that holds `loading` */
    apr_pool_t *bad_pool;
    apr_array_header_t *bad;   /* of rc_source_file; NULL when the last load succeeded */
};

static void lock(rc_source *src)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(src->lock);
#else
    (void)src;
#endif
}

static void unlock(rc_source *src)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(src->lock);
#else
    (void)src;
#endif
}

rc_store *rc_store_get(apr_pool_t *process_pool)
{
    void *found = NULL;
    rc_store *st;
    apr_pool_userdata_get(&found, RC_STORE_KEY, process_pool);
    if (found)
        return found;
    st = apr_pcalloc(process_pool, sizeof(*st));
    st->pool = process_pool;
    st->sources = apr_hash_make(process_pool);
    apr_pool_userdata_set(st, RC_STORE_KEY, apr_pool_cleanup_null, process_pool);
    return st;
}

rc_source *rc_store_source(rc_store *st, const char *path)
{
    rc_source *src = apr_hash_get(st->sources, path, APR_HASH_KEY_STRING);
    if (src)
        return src;
    src = apr_pcalloc(st->pool, sizeof(*src));
    src->store = st;
    src->path = apr_pstrdup(st->pool, path);
#if APR_HAS_THREADS
    apr_thread_mutex_create(&src->lock, APR_THREAD_MUTEX_DEFAULT, st->pool);
#endif
    apr_pool_create_unmanaged_ex(&src->bad_pool, NULL, NULL);
    src->interval = -1;
    apr_hash_set(st->sources, src->path, APR_HASH_KEY_STRING, src);
    return src;
}

void rc_version_release(rc_version *v)
{
    if (v && apr_atomic_dec32(&v->refs) == 0)
        apr_pool_destroy(v->pool);
}

apr_status_t rc_version_release_cleanup(void *v)
{
    rc_version_release(v);
    return APR_SUCCESS;
}

/* A new version from the file, or NULL with *err set (err allocated from p) and the files the
 * failed load depended on in src->bad. */
static rc_version *load_version(rc_source *src, apr_pool_t *p, const char **err)
{
    const char *path = src->path;
    apr_pool_t *pool;
    rc_version *v;
    rc_data *d;
    const char *e;

    /* Unmanaged: no parent whose child list two threads could touch at once, and it can be
     * destroyed from whichever thread drops the last reference. */
    if (apr_pool_create_unmanaged_ex(&pool, NULL, NULL) != APR_SUCCESS) {
        *err = "out of memory";
        return NULL;
    }
    /* The load's scratch memory (a subpool) goes back to the system, not to this pool's free
     * list, where it would stay for the version's whole life. */
    apr_allocator_max_free_set(apr_pool_allocator_get(pool), RC_KEEP_FREE);
    apr_pool_clear(src->bad_pool);
    src->bad = apr_array_make(src->bad_pool, 4, sizeof(rc_source_file));
    if ((e = rc_data_load_files(pool, path, &d, src->bad)) != NULL) {
        *err = apr_pstrdup(p, e);
        apr_pool_destroy(pool);
        return NULL;
    }
    src->bad = NULL;
    rc_render_prepare(d);
#ifdef __GLIBC__
    /* jansson's tree of the whole file was malloc'ed and freed: give those pages back now,
     * before httpd forks children that would each keep them */
    malloc_trim(0);
#endif
    v = apr_pcalloc(pool, sizeof(*v));
    v->pool = pool;
    v->data = d;
    v->cache = rc_cache_create(pool);
    apr_atomic_set32(&v->refs, 1);
    return v;
}

/* 1 if any of the files differs from what was noted (a missing file is all zeros). */
static int files_changed(const rc_source_file *files, int n, apr_pool_t *p)
{
    for (int i = 0; i < n; i++) {
        apr_finfo_t fi;
        const rc_source_file *f = &files[i];
        if (apr_stat(&fi, f->path, APR_FINFO_MTIME | APR_FINFO_SIZE | APR_FINFO_INODE, p) !=
            APR_SUCCESS)
            memset(&fi, 0, sizeof(fi));
        if (fi.mtime != f->mtime || fi.size != f->size || fi.inode != f->inode)
            return 1;
    }
    return 0;
}

static int changed(const rc_version *v, apr_pool_t *p)
{
    return files_changed(v->data->files, v->data->nfiles, p);
}

/* 1 while the files of the last failed load are as they were then. */
static int known_bad(const rc_source *src, apr_pool_t *p)
{
    return src->bad && !files_changed((const rc_source_file *)src->bad->elts, src->bad->nelts, p);
}

const char *rc_source_load(rc_source *src, int keep_old, int *kept)
{
    apr_pool_t *tmp;
    const char *err = NULL;
    rc_version *v;

    *kept = 0;
    apr_pool_create(&tmp, src->store->pool);
    if (src->current && !changed(src->current, tmp)) {
        apr_pool_destroy(tmp);
        return NULL;
    }
    v = load_version(src, src->store->pool, &err);
    if (v) {
        rc_version *old = src->current;
        src->current = v;
        rc_version_release(old);
    }
    else {
        if (keep_old && src->current)
            *kept = 1;
        else {
            rc_version_release(src->current);
            src->current = NULL;
        }
    }
    apr_pool_destroy(tmp);
    return err;
}

rc_version *rc_source_acquire(rc_source *src, apr_interval_time_t interval, rc_log_fn log,
                              void *log_ctx)
{
    rc_version *v;
    int check = 0;
    apr_time_t now = interval > 0 ? apr_time_now() : 0;

    lock(src);
    if (interval > 0 && !src->loading && now - src->last_check >= interval) {
        src->last_check = now;
        src->loading = check = 1;
    }
    v = src->current;
    if (v)
        apr_atomic_inc32(&v->refs);
    unlock(src);

    if (check) {
        apr_pool_t *tmp;
        /* unmanaged for the same reason as a version's pool */
        apr_pool_create_unmanaged_ex(&tmp, NULL, NULL);
        if (v && changed(v, tmp) && !known_bad(src, tmp)) {
            const char *err = NULL;
            rc_version *next = load_version(src, tmp, &err);
            lock(src);
            if (next) {
                rc_version *old = src->current;
                src->current = next;
                apr_atomic_inc32(&next->refs);  /* this request's */
                unlock(src);
                rc_version_release(old);        /* the source's reference */
                rc_version_release(v);          /* this request's reference to old */
                v = next;
            }
            else {
                unlock(src);
                if (log)
                    log(log_ctx, err);
            }
        }
        lock(src);
        src->loading = 0;
        unlock(src);
        apr_pool_destroy(tmp);
    }
    return v;
}

void rc_source_note_interval(rc_source *src, apr_interval_time_t interval)
{
    if (src->interval < 0 || (interval > 0 && (src->interval == 0 || interval < src->interval)))
        src->interval = interval;
}

void rc_source_reset_interval(rc_source *src)
{
    src->interval = -1;
}

void rc_store_check(rc_store *st, rc_log_fn log, void *log_ctx)
{
    apr_hash_index_t *hi;
    for (hi = apr_hash_first(NULL, st->sources); hi; hi = apr_hash_next(hi)) {
        rc_source *src = apr_hash_this_val(hi);
        if (src->interval > 0 && src->current)
            rc_version_release(rc_source_acquire(src, src->interval, log, log_ctx));
    }
}

int rc_store_reloads(const rc_store *st)
{
    apr_hash_index_t *hi;
    for (hi = apr_hash_first(NULL, st->sources); hi; hi = apr_hash_next(hi))
        if (((const rc_source *)apr_hash_this_val(hi))->interval > 0)
            return 1;
    return 0;
}
