/* rc_vec: growable arrays for the build, on malloc: a pool would keep every outgrown copy until
 * the build ends (an array of a million items doubles twenty times). Freed by a cleanup of the
 * pool they are made in, or by rc_vec_free. Internal to the build. */
#ifndef RC_VEC_H
#define RC_VEC_H

#include <stdlib.h>
#include <string.h>

#include <apr_pools.h>

typedef struct rc_vec {
    void *a;
    apr_size_t n, cap, size;  /* elements used, allocated; bytes per element */
} rc_vec;

static inline apr_status_t rc_vec_cleanup(void *v)
{
    free(((rc_vec *)v)->a);
    ((rc_vec *)v)->a = NULL;
    ((rc_vec *)v)->n = ((rc_vec *)v)->cap = 0;
    return APR_SUCCESS;
}

/* An empty vector of elements of size bytes, freed with p (p may be NULL: free it yourself). */
static inline void rc_vec_init(apr_pool_t *p, rc_vec *v, apr_size_t size)
{
    v->a = NULL;
    v->n = v->cap = 0;
    v->size = size;
    if (p)
        apr_pool_cleanup_register(p, v, rc_vec_cleanup, apr_pool_cleanup_null);
}

/* Room for at least want elements; 0 when memory runs out. */
static inline int rc_vec_reserve(rc_vec *v, apr_size_t want)
{
    apr_size_t cap = v->cap ? v->cap : 8;
    void *a;
    if (want <= v->cap)
        return 1;
    while (cap < want)
        cap *= 2;
    if (!(a = realloc(v->a, cap * v->size)))
        return 0;
    v->a = a;
    v->cap = cap;
    return 1;
}

/* A new zeroed element at the end, or NULL when memory runs out. */
static inline void *rc_vec_push(rc_vec *v)
{
    char *e;
    if (v->n == v->cap && !rc_vec_reserve(v, v->n + 1))
        return NULL;
    e = (char *)v->a + v->n++ * v->size;
    memset(e, 0, v->size);
    return e;
}

static inline void rc_vec_free(rc_vec *v)
{
    rc_vec_cleanup(v);
}

#define RC_VEC_AT(v, type, i) (((type *)(v)->a)[i])

/* rc_table: open addressing from a 64-bit hash to a 32-bit value, for deduplicating at build
 * time (the caller's eq() compares keys). */
typedef struct rc_table {
    apr_uint64_t *hash;
    apr_uint32_t *val;     /* value + 1; 0 is empty */
    apr_size_t cap, n;
} rc_table;

#define RC_TABLE_NONE 0xFFFFFFFFu
#define RC_TABLE_NOMEM 0xFFFFFFFEu

static inline apr_status_t rc_table_cleanup(void *data)
{
    rc_table *t = data;
    free(t->hash);
    free(t->val);
    t->hash = NULL;
    t->val = NULL;
    return APR_SUCCESS;
}

/* An empty table for about cap entries (a power of two), freed with p. 0 when out of memory. */
static inline int rc_table_init(apr_pool_t *p, rc_table *t, apr_size_t cap)
{
    t->cap = cap;
    t->n = 0;
    t->hash = calloc(cap, sizeof(*t->hash));
    t->val = calloc(cap, sizeof(*t->val));
    apr_pool_cleanup_register(p, t, rc_table_cleanup, apr_pool_cleanup_null);
    return t->hash && t->val;
}

static inline int rc_table_grow(rc_table *t)
{
    apr_size_t cap = t->cap * 2;
    apr_uint64_t *hash = calloc(cap, sizeof(*hash));
    apr_uint32_t *val = calloc(cap, sizeof(*val));
    if (!hash || !val) {
        free(hash);
        free(val);
        return 0;
    }
    for (apr_size_t i = 0; i < t->cap; i++)
        if (t->val[i]) {
            apr_size_t j = (apr_size_t)t->hash[i] & (cap - 1);
            while (val[j])
                j = (j + 1) & (cap - 1);
            hash[j] = t->hash[i];
            val[j] = t->val[i];
        }
    free(t->hash);
    free(t->val);
    t->hash = hash;
    t->val = val;
    t->cap = cap;
    return 1;
}

/* The value under hash h whose key eq(ctx, value) accepts, or RC_TABLE_NONE; with add, stores
 * v when there is none and returns it. RC_TABLE_NOMEM when memory runs out. */
static inline apr_uint32_t rc_table_find(rc_table *t, apr_uint64_t h,
                                         int (*eq)(void *, apr_uint32_t), void *ctx, int add,
                                         apr_uint32_t v)
{
    apr_size_t j;
    if (add && 2 * (t->n + 1) > t->cap && !rc_table_grow(t))
        return RC_TABLE_NOMEM;
    for (j = (apr_size_t)h & (t->cap - 1); t->val[j]; j = (j + 1) & (t->cap - 1))
        if (t->hash[j] == h && (!eq || eq(ctx, t->val[j] - 1)))
            return t->val[j] - 1;
    if (!add)
        return RC_TABLE_NONE;
    t->hash[j] = h;
    t->val[j] = v + 1;
    t->n++;
    return v;
}

#endif
