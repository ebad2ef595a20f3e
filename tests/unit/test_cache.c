/* Unit tests for rc_cache: whole responses in one region of memory under a caller's lock (docs/REFERENCE.md "Reloading and versions":
 * bounded, with eviction): get after put, replacement, eviction of the oldest, the figures
 * server-status shows, and responses too large to keep. */

#include <stdlib.h>
#include <string.h>

#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_cache.h"

static apr_pool_t *pool;
static rc_cache *cache;
static void *mem;

/* A lock that counts, and checks that it is never taken twice or released untaken. */
static int held, taken;
static void lock(void *ctx)
{
    (void)ctx;
    ck_assert_int_eq(held, 0);
    held = 1;
    taken++;
}
static void unlock(void *ctx)
{
    (void)ctx;
    ck_assert_int_eq(held, 1);
    held = 0;
}
static const rc_cache_lock the_lock = {lock, unlock, NULL};

#define SIZE (64 << 10)

static void setup(void)
{
    apr_pool_create(&pool, NULL);
    /* malloc: the cache lives in shared memory in httpd, any memory here */
    mem = malloc(SIZE);
    ck_assert_ptr_nonnull(mem);
    memset(mem, 0xA5, SIZE);
    cache = rc_cache_init(mem, SIZE);
    held = taken = 0;
}

static void teardown(void)
{
    ck_assert_int_eq(held, 0);
    free(mem);
    apr_pool_destroy(pool);
}

static void put(const char *key, const char *body, const char *link)
{
    rc_cache_put(cache, &the_lock, key, body, strlen(body), link);
}

/* The body cached under key, or NULL. */
static const char *get(const char *key)
{
    rc_cached c;
    if (!rc_cache_get(cache, &the_lock, key, pool, &c))
        return NULL;
    return apr_pstrmemdup(pool, c.body, c.len);
}

static rc_cache_stats stats(void)
{
    rc_cache_stats s;
    rc_cache_get_stats(cache, &the_lock, &s);
    return s;
}

START_TEST(empty_cache_misses)
{
    rc_cache_stats s;
    ck_assert_ptr_null(get("country=GT&page=1&per_page=20"));
    ck_assert_ptr_null(get(""));
    s = stats();
    ck_assert(s.entries == 0 && s.bytes == 0 && s.hits == 0 && s.misses == 2);
    ck_assert_int_eq(taken, 3);
}
END_TEST

START_TEST(get_after_put)
{
    rc_cached c;
    rc_cache_stats s;

    put("a", "<html>A</html>", "</r?page=2>; rel=\"next\"");
    put("b", "{\"total\":0}", NULL);
    ck_assert_int_eq(rc_cache_get(cache, &the_lock, "a", pool, &c), 1);
    ck_assert_uint_eq(c.len, 14);
    ck_assert_int_eq(memcmp(c.body, "<html>A</html>", 14), 0);
    ck_assert_str_eq(c.link, "</r?page=2>; rel=\"next\"");
    ck_assert_int_eq(rc_cache_get(cache, &the_lock, "b", pool, &c), 1);
    ck_assert_ptr_null(c.link);
    ck_assert_str_eq(get("b"), "{\"total\":0}");
    /* keys are compared whole */
    ck_assert_ptr_null(get("ab"));
    ck_assert_ptr_null(get("A"));
    s = stats();
    ck_assert(s.entries == 2 && s.hits == 3 && s.misses == 2);
    ck_assert(s.bytes > 25 && s.bytes < 200);
}
END_TEST

START_TEST(bodies_are_bytes)
{
    static const char body[] = "a\0b\0\xff\x01";
    rc_cached c;
    rc_cache_put(cache, &the_lock, "k", body, sizeof(body), NULL);
    ck_assert_int_eq(rc_cache_get(cache, &the_lock, "k", pool, &c), 1);
    ck_assert_uint_eq(c.len, sizeof(body));
    ck_assert_int_eq(memcmp(c.body, body, sizeof(body)), 0);
    /* an empty body is a body */
    rc_cache_put(cache, &the_lock, "empty", "", 0, NULL);
    ck_assert_int_eq(rc_cache_get(cache, &the_lock, "empty", pool, &c), 1);
    ck_assert_uint_eq(c.len, 0);
}
END_TEST

START_TEST(put_replaces)
{
    put("k", "first", NULL);
    put("k", "second, longer", "<x>");
    ck_assert_str_eq(get("k"), "second, longer");
    ck_assert(stats().entries == 1);
    put("k", "3", NULL);
    ck_assert_str_eq(get("k"), "3");
    ck_assert(stats().entries == 1);
}
END_TEST

/* The ring is bounded: the oldest responses go first. */
START_TEST(oldest_are_evicted_when_full)
{
    char body[1001];
    rc_cache_stats s;
    int n = 200; /* 200 KB into 64 KB */

    for (int i = 0; i < n; i++) {
        memset(body, 'a' + i % 26, 1000);
        body[1000] = '\0';
        put(apr_psprintf(pool, "key-%d", i), body, NULL);
        s = stats();
        ck_assert(s.bytes <= SIZE);
    }
    ck_assert_ptr_null(get("key-0"));
    ck_assert_ptr_null(get("key-100"));
    for (int i = n - 20; i < n; i++) {
        const char *b = get(apr_psprintf(pool, "key-%d", i));
        ck_assert_msg(b != NULL, "key-%d, among the newest, was evicted", i);
        ck_assert_uint_eq(strlen(b), 1000);
        ck_assert_int_eq(b[0], 'a' + i % 26);
        ck_assert_int_eq(b[999], 'a' + i % 26);
    }
    s = stats();
    ck_assert(s.entries >= 20 && s.entries < 64);
    ck_assert(s.bytes > 40000 && s.bytes <= SIZE);
}
END_TEST

/* docs/REFERENCE.md "Reloading and versions" "bounded": a response larger than an eighth of the cache is not kept. */
START_TEST(large_responses_are_not_kept)
{
    apr_size_t big = SIZE / 8 + 1;
    char *body = apr_palloc(pool, big + 1);
    rc_cache_stats s;

    memset(body, 'x', big);
    body[big] = '\0';
    put("small", "s", NULL);
    rc_cache_put(cache, &the_lock, "big", body, big, NULL);
    ck_assert_ptr_null(get("big"));
    s = stats();
    ck_assert(s.entries == 1);
    ck_assert_str_eq(get("small"), "s");
    /* a replacement too large leaves the old response */
    rc_cache_put(cache, &the_lock, "small", body, big, NULL);
    ck_assert_str_eq(get("small"), "s");
    /* somewhat less than an eighth is kept */
    rc_cache_put(cache, &the_lock, "big", body, SIZE / 10, NULL);
    ck_assert_ptr_nonnull(get("big"));
    ck_assert_uint_eq(strlen(get("big")), SIZE / 10);
}
END_TEST

/* Random puts and gets over many turns of the ring: a hit is always the last body put under
 * its key, the newest response is always there, and entries counts the keys that hit. */
START_TEST(random_use_keeps_its_promises)
{
    enum { KEYS = 300 };
    unsigned state = 2463534242u;
    int version[KEYS];
    rc_cache_stats s;
    apr_uint64_t hits = 0, misses = 0;
    apr_pool_t *scratch;

    apr_pool_create(&scratch, pool);
    memset(version, 0, sizeof(version));
    for (int round = 0; round < 20000; round++) {
        int k;
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        k = (int)(state % KEYS);
        if (state >> 20 & 1) {
            const char *tag;
            apr_size_t len;
            char *body;
            version[k]++;
            tag = apr_psprintf(scratch, "%d:%d:", k, version[k]);
            len = strlen(tag) + 1 + (state >> 8) % 3000;
            body = apr_palloc(scratch, len);
            memset(body, 'a' + version[k] % 26, len);
            memcpy(body, tag, strlen(tag));
            rc_cache_put(cache, &the_lock, apr_psprintf(scratch, "q=%d&page=1", k), body, len,
                         version[k] % 2 ? "<l>" : NULL);
            /* the newest is there */
            ck_assert_ptr_nonnull(get(apr_psprintf(scratch, "q=%d&page=1", k)));
            hits++;
        }
        else {
            rc_cached c;
            if (rc_cache_get(cache, &the_lock, apr_psprintf(scratch, "q=%d&page=1", k), scratch,
                             &c)) {
                const char *want = apr_psprintf(scratch, "%d:%d:", k, version[k]);
                hits++;
                ck_assert_msg(c.len > strlen(want) && !memcmp(c.body, want, strlen(want)),
                              "key %d: not its last body", k);
                ck_assert_int_eq(c.body[c.len - 1], 'a' + version[k] % 26);
                ck_assert_int_eq(c.link != NULL, version[k] % 2);
            }
            else
                misses++;
        }
        if (round % 1000 == 999) {
            int present = 0;
            s = stats();
            ck_assert(s.bytes <= SIZE);
            for (int i = 0; i < KEYS; i++)
                if (version[i]) {
                    rc_cached c;
                    present += rc_cache_get(cache, &the_lock,
                                            apr_psprintf(scratch, "q=%d&page=1", i), scratch, &c);
                }
            ck_assert_msg((int)s.entries == present, "entries %d, but %d keys hit",
                          (int)s.entries, present);
            s = stats();
            hits = s.hits;
            misses = s.misses;
            apr_pool_clear(scratch);
        }
    }
    s = stats();
    ck_assert(s.hits == hits && s.misses == misses);
    ck_assert(s.hits > 1000 && s.misses > 1000);
}
END_TEST

START_TEST(init_formats_any_memory)
{
    /* whatever was in the memory, an initialised cache is empty */
    rc_cache_stats s;
    put("a", "x", NULL);
    cache = rc_cache_init(mem, SIZE);
    s = stats();
    ck_assert(s.entries == 0 && s.bytes == 0 && s.hits == 0 && s.misses == 0);
    ck_assert_ptr_null(get("a"));
}
END_TEST

Suite *rc_cache_suite(void)
{
    Suite *s = suite_create("rc_cache");
    TCase *tc = tcase_create("cache");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, empty_cache_misses);
    tcase_add_test(tc, get_after_put);
    tcase_add_test(tc, bodies_are_bytes);
    tcase_add_test(tc, put_replaces);
    tcase_add_test(tc, oldest_are_evicted_when_full);
    tcase_add_test(tc, large_responses_are_not_kept);
    tcase_add_test(tc, random_use_keeps_its_promises);
    tcase_add_test(tc, init_formats_any_memory);
    suite_add_tcase(s, tc);
    return s;
}
