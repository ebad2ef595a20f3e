/* rc_cache: whole listing responses, in one region of memory that every process of the server
 * shares: one budget for the server, entries found by their key (the parsed, canonical query
 * and everything else the response depends on), the oldest evicted first. The caller provides
 * the lock (a global mutex in httpd: processes and threads). APR only. */
#ifndef RC_CACHE_H
#define RC_CACHE_H

#include <apr_pools.h>

#define RC_CACHE_DEFAULT_BYTES (32 << 20)

typedef struct rc_cache rc_cache;

typedef struct rc_cache_lock {
    void (*lock)(void *ctx);
    void (*unlock)(void *ctx);
    void *ctx;
} rc_cache_lock;

typedef struct rc_cached {
    const char *body;
    apr_size_t len;
    const char *link;  /* the Link header, or NULL */
} rc_cached;

typedef struct rc_cache_stats {
    apr_uint64_t entries, bytes, hits, misses;
} rc_cache_stats;

/* Formats size bytes at mem as an empty cache (size at least 64 KB) and returns it. */
rc_cache *rc_cache_init(void *mem, apr_size_t size);

/* Copies the response stored under key into p; 0 when there is none (a miss). */
int rc_cache_get(rc_cache *c, const rc_cache_lock *l, const char *key, apr_pool_t *p,
                 rc_cached *out);

/* Stores body and link under key (replacing what was there), evicting the oldest entries to
 * make room; a response larger than an eighth of the cache is not kept. */
void rc_cache_put(rc_cache *c, const rc_cache_lock *l, const char *key, const char *body,
                  apr_size_t len, const char *link);

/* Counts a hit answered by a process's own copy (rc_local.h), without the lock. */
void rc_cache_count_hit(rc_cache *c);

void rc_cache_get_stats(rc_cache *c, const rc_cache_lock *l, rc_cache_stats *out);

#endif
