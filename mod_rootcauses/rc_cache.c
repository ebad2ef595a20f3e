/* rc_cache: a mutex-guarded hash in a pool of its own; entries are immutable once stored, so a
 * reader may use one after releasing the lock for as long as it holds its version. */
#include "rc_cache.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

struct rc_cache {
    apr_pool_t *pool;
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;
#endif
    apr_hash_t *entries;
    apr_size_t used;
};

rc_cache *rc_cache_create(apr_pool_t *p)
{
    rc_cache *c = apr_pcalloc(p, sizeof(*c));
    apr_pool_create(&c->pool, p);
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS)
        return NULL;
#endif
    c->entries = apr_hash_make(c->pool);
    return c;
}

static void lock(rc_cache *c)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(c->lock);
#else
    (void)c;
#endif
}

static void unlock(rc_cache *c)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(c->lock);
#else
    (void)c;
#endif
}

const rc_cached *rc_cache_get(rc_cache *c, const char *key)
{
    const rc_cached *e;
    if (!c)
        return NULL;
    lock(c);
    e = apr_hash_get(c->entries, key, APR_HASH_KEY_STRING);
    unlock(c);
    return e;
}

void rc_cache_put(rc_cache *c, const char *key, apr_size_t len, const char *link,
                  void (*fill)(void *ctx, char *buf, apr_size_t len), void *ctx)
{
    apr_size_t cost = len + strlen(key) + (link ? strlen(link) : 0) + sizeof(rc_cached) + 64;
    if (!c || len > RC_CACHE_MAX_ENTRY)
        return;
    lock(c);
    if (c->used + cost <= RC_CACHE_BYTES && !apr_hash_get(c->entries, key, APR_HASH_KEY_STRING)) {
        rc_cached *e = apr_palloc(c->pool, sizeof(*e));
        char *body = apr_palloc(c->pool, len + 1);
        fill(ctx, body, len);
        body[len] = '\0';
        e->body = body;
        e->len = len;
        e->link = link ? apr_pstrdup(c->pool, link) : NULL;
        apr_hash_set(c->entries, apr_pstrdup(c->pool, key), APR_HASH_KEY_STRING, e);
        c->used += cost;
    }
    unlock(c);
}
