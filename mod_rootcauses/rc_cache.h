/* rc_cache: whole responses of a data version, for repeated queries. Bounded, filled on first
 * use, never evicted: it lives and dies with its version. Thread-safe. APR only. */
#ifndef RC_CACHE_H
#define RC_CACHE_H

#include <apr_pools.h>

#define RC_CACHE_BYTES (32 << 20)      /* per version */
#define RC_CACHE_MAX_ENTRY (256 << 10) /* larger responses are not kept */

typedef struct rc_cache rc_cache;

typedef struct rc_cached {
    const char *body;
    apr_size_t len;
    const char *link;  /* the Link header, or NULL */
} rc_cached;

/* A cache whose memory comes from a subpool of p; call while single-threaded (at load). */
rc_cache *rc_cache_create(apr_pool_t *p);

/* The response stored under key, or NULL. */
const rc_cached *rc_cache_get(rc_cache *c, const char *key);

/* Stores a copy of body (len bytes, written by fill into the buffer it is given) and link under
 * key, unless the key is there already or the cache is full. */
void rc_cache_put(rc_cache *c, const char *key, apr_size_t len, const char *link,
                  void (*fill)(void *ctx, char *buf, apr_size_t len), void *ctx);

#endif
