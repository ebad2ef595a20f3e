/* rc_local: the listing answers this process sent last, in its own memory. They are found by the
 * request as it came (the query string as sent, with what else shapes the body), before its
 * query is parsed, and sent without a copy: a bucket holds a reference to the answer. It stands
 * in front of the response cache (rc_cache.h), which every process shares but which copies an
 * answer out under the server's lock. Bounded in bytes: a table of slots found by hash, the older
 * answer replaced on a collision and the oldest dropped when the bytes run out. One mutex per
 * table (the threads of a process). APR and apr-util only. */
#ifndef RC_LOCAL_H
#define RC_LOCAL_H

#include <apr_buckets.h>
#include <apr_pools.h>

/* The most a process keeps (mod_rootcauses.c takes a sixteenth of RootCausesCacheSize, at most
 * this). */
#define RC_LOCAL_MAX_BYTES (4 << 20)

typedef struct rc_local rc_local;

/* One answer, read-only once stored. */
typedef struct rc_local_answer {
    const char *body;
    apr_size_t len;
    const char *link;  /* the Link header, or NULL */
    int noindex;       /* the answer goes out with X-Robots-Tag: noindex */
} rc_local_answer;

/* A table of at most max_bytes of answers, freed with p; NULL when max_bytes is 0 or the mutex
 * cannot be made. */
rc_local *rc_local_create(apr_pool_t *p, apr_size_t max_bytes);

/* The answer stored under key with a reference for the caller, or NULL. The caller gives the
 * reference back with rc_local_release, or hands it to a bucket with rc_local_bucket. */
const rc_local_answer *rc_local_get(rc_local *t, const char *key);

/* A bucket of a's body that owns the caller's reference: it is given back when the last copy
 * of the bucket is destroyed, however long a filter or the connection keeps it. */
apr_bucket *rc_local_bucket(const rc_local_answer *a, apr_bucket_alloc_t *list);

void rc_local_release(const rc_local_answer *a);

/* Stores a copy of the answer under key, replacing what was there; one larger than an eighth of
 * the table's bytes is not kept. */
void rc_local_put(rc_local *t, const char *key, const char *body, apr_size_t len,
                  const char *link, int noindex);

/* The same with the body read from bb (len bytes): the stored answer, with a reference for the
 * caller, so that the bytes it was read from need not be kept; NULL when it is not kept. */
const rc_local_answer *rc_local_put_brigade(rc_local *t, const char *key,
                                            apr_bucket_brigade *bb, apr_size_t len,
                                            const char *link, int noindex);

/* The answers stored and their bytes: for the unit tests, which check eviction and the byte
 * budget (server-status shows the shared cache's figures, into which local hits are counted). */
void rc_local_stats(rc_local *t, apr_size_t *entries, apr_size_t *bytes);

#endif
