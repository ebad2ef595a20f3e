/* rc_local: answers in malloc'd blocks, the body first so that a bucket's free function finds its
 * block from the body; a reference count per answer (the table holds one while the answer is
 * in it, each bucket one); slots found by hash with a few probes; the answers in the table in a
 * list, oldest first, so that making room drops the oldest without a search. */
#include "rc_local.h"

#include <stdlib.h>
#include <string.h>

#include <apr_atomic.h>
#include <apr_thread_mutex.h>
#include <xxhash.h>

#define PROBES 4

typedef struct answer {
    rc_local_answer pub;
    apr_uint32_t refs;
    apr_uint32_t slot;             /* its slot, while in the table */
    apr_uint64_t hash, stamp;      /* stamp: the order of insertion */
    struct answer *older, *newer;  /* the table's list */
    apr_size_t size;
    const char *key;
    /* body, key, link follow */
} answer;

struct rc_local {
    apr_thread_mutex_t *mutex;
    answer **slots;
    answer *oldest, *newest;
    apr_uint32_t nslots;
    apr_size_t max_bytes, bytes, entries;
    apr_uint64_t stamp;
};

static void release(answer *a)
{
    if (!apr_atomic_dec32(&a->refs))
        free(a);
}

/* Takes a out of the table (under the lock). */
static void drop(rc_local *t, apr_uint32_t i)
{
    answer *a = t->slots[i];
    t->slots[i] = NULL;
    if (a->older)
        a->older->newer = a->newer;
    else
        t->oldest = a->newer;
    if (a->newer)
        a->newer->older = a->older;
    else
        t->newest = a->older;
    t->bytes -= a->size;
    t->entries--;
    release(a);
}

static apr_status_t destroy(void *data)
{
    rc_local *t = data;
    for (apr_uint32_t i = 0; i < t->nslots; i++)
        if (t->slots[i])
            drop(t, i);
    free(t->slots);
    return APR_SUCCESS;
}

rc_local *rc_local_create(apr_pool_t *p, apr_size_t max_bytes)
{
    rc_local *t;
    apr_uint32_t n = 16;
    if (!max_bytes)
        return NULL;
    t = apr_pcalloc(p, sizeof(*t));
    if (apr_thread_mutex_create(&t->mutex, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS)
        return NULL;
    /* about one slot per 4 KB */
    while (n < 4096 && (apr_size_t)n * 4096 < max_bytes)
        n *= 2;
    if (!(t->slots = calloc(n, sizeof(*t->slots))))
        return NULL;
    t->nslots = n;
    t->max_bytes = max_bytes;
    apr_pool_cleanup_register(p, t, destroy, apr_pool_cleanup_null);
    return t;
}

const rc_local_answer *rc_local_get(rc_local *t, const char *key)
{
    apr_size_t keylen = strlen(key);
    apr_uint64_t h = XXH3_64bits(key, keylen);
    answer *found = NULL;
    apr_thread_mutex_lock(t->mutex);
    for (int i = 0; i < PROBES; i++) {
        answer *a = t->slots[(h + (apr_uint64_t)i) & (t->nslots - 1)];
        if (a && a->hash == h && !strcmp(a->key, key)) {
            apr_atomic_inc32(&a->refs);
            found = a;
            break;
        }
    }
    apr_thread_mutex_unlock(t->mutex);
    return found ? &found->pub : NULL;
}

void rc_local_release(const rc_local_answer *a)
{
    release((answer *)(void *)a);
}

static void free_body(void *body)
{
    release((answer *)body - 1);
}

apr_bucket *rc_local_bucket(const rc_local_answer *a, apr_bucket_alloc_t *list)
{
    /* a heap bucket with a free function takes the block as it is (no copy) and calls the
     * function once the last copy of the bucket is gone; its block's size is the body's, so
     * apr_brigade_write never appends to it */
    return apr_bucket_heap_create(a->body, a->len, free_body, list);
}

/* A block for an answer of len bytes under key, its body not yet written; NULL when it is too
 * large to keep. */
static answer *make(rc_local *t, const char *key, apr_size_t len, const char *link, int noindex)
{
    apr_size_t keylen = strlen(key), linklen = link ? strlen(link) + 1 : 0;
    apr_size_t size = sizeof(answer) + len + keylen + 1 + linklen;
    answer *a;
    char *p;
    if (size > t->max_bytes / 8 || !(a = malloc(size)))
        return NULL;
    p = (char *)(a + 1);
    a->pub.body = p;
    a->pub.len = len;
    p += len;
    memcpy(p, key, keylen + 1);
    a->key = p;
    p += keylen + 1;
    a->pub.link = link ? memcpy(p, link, linklen) : NULL;
    a->pub.noindex = noindex;
    a->refs = 1;
    a->hash = XXH3_64bits(key, keylen);
    a->size = size;
    return a;
}

static void insert(rc_local *t, answer *a)
{
    apr_uint32_t target = (apr_uint32_t)(a->hash & (t->nslots - 1));
    apr_thread_mutex_lock(t->mutex);
    /* the key's own slot, else an empty one, else the oldest in reach */
    for (int i = 0; i < PROBES; i++) {
        apr_uint32_t s = (apr_uint32_t)((a->hash + (apr_uint64_t)i) & (t->nslots - 1));
        answer *old = t->slots[s];
        if (old && old->hash == a->hash && !strcmp(old->key, a->key)) {
            target = s;
            break;
        }
        if (t->slots[target] && (!old || old->stamp < t->slots[target]->stamp))
            target = s;
    }
    if (t->slots[target])
        drop(t, target);
    /* the oldest answers go until this one fits */
    while (t->bytes + a->size > t->max_bytes)
        drop(t, t->oldest->slot);
    a->stamp = ++t->stamp;
    a->slot = target;
    a->older = t->newest;
    a->newer = NULL;
    if (t->newest)
        t->newest->newer = a;
    else
        t->oldest = a;
    t->newest = a;
    t->slots[target] = a;
    t->bytes += a->size;
    t->entries++;
    apr_thread_mutex_unlock(t->mutex);
}

void rc_local_put(rc_local *t, const char *key, const char *body, apr_size_t len,
                  const char *link, int noindex)
{
    answer *a = make(t, key, len, link, noindex);
    if (a) {
        memcpy((char *)(a + 1), body, len);
        insert(t, a);
    }
}

const rc_local_answer *rc_local_put_brigade(rc_local *t, const char *key,
                                            apr_bucket_brigade *bb, apr_size_t len,
                                            const char *link, int noindex)
{
    answer *a = make(t, key, len, link, noindex);
    apr_size_t n = len;
    if (!a)
        return NULL;
    if (apr_brigade_flatten(bb, (char *)(a + 1), &n) != APR_SUCCESS || n != len) {
        free(a);
        return NULL;
    }
    a->refs = 2;  /* the table's and the caller's */
    insert(t, a);
    return &a->pub;
}

void rc_local_stats(rc_local *t, apr_size_t *entries, apr_size_t *bytes)
{
    apr_thread_mutex_lock(t->mutex);
    *entries = t->entries;
    *bytes = t->bytes;
    apr_thread_mutex_unlock(t->mutex);
}
