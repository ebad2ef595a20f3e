/* rc_cache: a ring of entries with an index of bounded probes. An index slot names the ring
 * offset of its entry; an entry the ring has moved past is gone, so eviction never touches the
 * index, and a slot that points to a gone entry is free again. Offsets grow without wrapping (64
 * bits); the ring position is the offset modulo its size. */
#include "rc_cache.h"

#include <string.h>

#include <apr_strings.h>
#include <xxhash.h>

#define MAGIC 0x52434341u /* "RCCA" */
#define PROBES 16
/* Entries start on ALIGN bytes, at least an entry's header: the gap at the ring's end, when an
 * entry does not fit there, always has room for the padding header that evict_one steps over. */
#define ALIGN 32

typedef struct slot {
    apr_uint64_t hash;
    apr_uint64_t at;     /* ring offset of the entry + 1; 0: never used */
} slot;

typedef struct entry {
    apr_uint64_t hash;
    apr_uint32_t size;   /* of the whole entry, aligned */
    apr_uint32_t keylen, linklen, bodylen;
    /* key, link, body follow */
} entry;

_Static_assert(sizeof(entry) <= ALIGN, "a padding header fits in any gap at the ring's end");

struct rc_cache {
    apr_uint32_t magic, nslots;
    apr_uint64_t ring_size;
    apr_uint64_t head, tail;  /* entries live in [tail, head) */
    apr_uint64_t entries, hits, misses;
};

static slot *slots(rc_cache *c)
{
    return (slot *)(void *)((char *)c + sizeof(*c));
}

static char *ring(rc_cache *c)
{
    return (char *)(slots(c) + c->nslots);
}

rc_cache *rc_cache_init(void *mem, apr_size_t size)
{
    rc_cache *c = mem;
    apr_uint32_t nslots = 1;
    memset(c, 0, sizeof(*c));
    /* about one slot per 2 KB of ring, a power of two */
    while ((apr_size_t)nslots * 2048 < size)
        nslots *= 2;
    c->magic = MAGIC;
    c->nslots = nslots;
    memset(slots(c), 0, sizeof(slot) * nslots);
    c->ring_size = (size - sizeof(*c) - sizeof(slot) * nslots) & ~(apr_uint64_t)(ALIGN - 1);
    return c;
}

static entry *entry_at(rc_cache *c, apr_uint64_t at)
{
    return (entry *)(void *)(ring(c) + at % c->ring_size);
}

/* The live entry of s, or NULL. */
static entry *live(rc_cache *c, const slot *s)
{
    if (!s->at || s->at - 1 < c->tail)
        return NULL;
    return entry_at(c, s->at - 1);
}

static int same_key(const entry *e, const char *key, apr_size_t keylen, apr_uint64_t h)
{
    return e->hash == h && e->keylen == keylen && !memcmp(e + 1, key, keylen);
}

int rc_cache_get(rc_cache *c, const rc_cache_lock *l, const char *key, apr_pool_t *p,
                 rc_cached *out)
{
    apr_size_t keylen = strlen(key);
    apr_uint64_t h = XXH3_64bits(key, keylen);
    int found = 0;
    l->lock(l->ctx);
    for (int i = 0; i < PROBES; i++) {
        slot *s = &slots(c)[(h + (apr_uint64_t)i) & (c->nslots - 1)];
        entry *e = s->hash == h ? live(c, s) : NULL;
        if (e && same_key(e, key, keylen, h)) {
            const char *data = (const char *)(e + 1) + keylen;
            out->link = e->linklen ? apr_pstrmemdup(p, data, e->linklen) : NULL;
            out->len = e->bodylen;
            out->body = apr_pmemdup(p, data + e->linklen, e->bodylen);
            found = 1;
            break;
        }
    }
    if (found)
        __atomic_fetch_add(&c->hits, 1, __ATOMIC_RELAXED);
    else
        c->misses++;
    l->unlock(l->ctx);
    return found;
}

/* Moves the tail past the oldest entry. */
static void evict_one(rc_cache *c)
{
    entry *e = entry_at(c, c->tail);
    c->tail += e->size;
    if (e->keylen)  /* neither padding nor an entry replaced already */
        c->entries--;
}

void rc_cache_put(rc_cache *c, const rc_cache_lock *l, const char *key, const char *body,
                  apr_size_t len, const char *link)
{
    apr_size_t keylen = strlen(key), linklen = link ? strlen(link) : 0;
    apr_uint64_t need = (sizeof(entry) + keylen + linklen + len + ALIGN - 1) & ~(apr_uint64_t)(ALIGN - 1);
    apr_uint64_t h = XXH3_64bits(key, keylen), room;
    slot *target = NULL;
    entry *e;
    char *data;

    if (need > c->ring_size / 8)
        return;
    l->lock(l->ctx);
    /* an entry does not wrap around the ring's end: pad to the start */
    room = c->ring_size - c->head % c->ring_size;
    if (room < need) {
        while (c->head + room - c->tail > c->ring_size)
            evict_one(c);
        /* padding that evict_one() steps over */
        e = entry_at(c, c->head);
        memset(e, 0, sizeof(*e));
        e->size = (apr_uint32_t)room;
        c->head += room;
    }
    while (c->head + need - c->tail > c->ring_size)
        evict_one(c);
    /* a slot: the key's own, else a free one, else the one of the oldest entry in reach */
    for (int i = 0; i < PROBES; i++) {
        slot *s = &slots(c)[(h + (apr_uint64_t)i) & (c->nslots - 1)];
        entry *old = live(c, s);
        if (old && same_key(old, key, keylen, h)) {
            target = s;
            break;
        }
        if (!old) {
            if (!target || live(c, target))
                target = s;
        }
        else if (!target || (live(c, target) && s->at < target->at))
            target = s;
    }
    {
        /* what the slot held can no longer be found: it no longer counts */
        entry *old = live(c, target);
        if (old) {
            old->keylen = 0;
            old->hash = 0;
            c->entries--;
        }
    }
    e = entry_at(c, c->head);
    e->hash = h;
    e->size = (apr_uint32_t)need;
    e->keylen = (apr_uint32_t)keylen;
    e->linklen = (apr_uint32_t)linklen;
    e->bodylen = (apr_uint32_t)len;
    data = (char *)(e + 1);
    memcpy(data, key, keylen);
    if (linklen)
        memcpy(data + keylen, link, linklen);
    memcpy(data + keylen + linklen, body, len);
    target->hash = h;
    target->at = c->head + 1;
    c->head += need;
    c->entries++;
    l->unlock(l->ctx);
}

void rc_cache_count_hit(rc_cache *c)
{
    __atomic_fetch_add(&c->hits, 1, __ATOMIC_RELAXED);
}

void rc_cache_get_stats(rc_cache *c, const rc_cache_lock *l, rc_cache_stats *out)
{
    l->lock(l->ctx);
    out->entries = c->entries;
    out->bytes = c->head - c->tail;
    out->hits = __atomic_load_n(&c->hits, __ATOMIC_RELAXED);
    out->misses = c->misses;
    l->unlock(l->ctx);
}
