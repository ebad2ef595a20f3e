/* Unit tests for rc_cache: whole responses in one region of memory under a caller's lock (docs/REFERENCE.md "Reloading and versions":
 * bounded, with eviction): get after put, replacement, eviction of the oldest, the figures
 * server-status shows, and responses too large to keep. And for rc_local, each process's own
 * answers in front of it: the same promises, and buckets that keep an answer alive after the
 * table has let it go. */

#include <stdlib.h>
#include <string.h>

#include <apr_buckets.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_cache.h"
#include "rc_local.h"

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


/* ---------------------------------------------------------------- rc_local */

#define LOCAL_SIZE (64 << 10)

static rc_local *local;
static apr_bucket_alloc_t *balloc;

static void local_setup(void)
{
    apr_pool_create(&pool, NULL);
    local = rc_local_create(pool, LOCAL_SIZE);
    ck_assert_ptr_nonnull(local);
    balloc = apr_bucket_alloc_create(pool);
}

static void local_teardown(void)
{
    apr_pool_destroy(pool);
}

/* The body stored under key (the reference given back), or NULL. */
static const char *local_body(const char *key)
{
    const rc_local_answer *a = rc_local_get(local, key);
    const char *body;
    if (!a)
        return NULL;
    body = apr_pstrmemdup(pool, a->body, a->len);
    rc_local_release(a);
    return body;
}

static const char *bucket_text(apr_bucket *b)
{
    const char *data;
    apr_size_t len;
    ck_assert_int_eq(apr_bucket_read(b, &data, &len, APR_BLOCK_READ), APR_SUCCESS);
    return apr_pstrmemdup(pool, data, len);
}

START_TEST(local_get_after_put)
{
    const rc_local_answer *a;
    apr_size_t entries, bytes;
    ck_assert_ptr_null(rc_local_create(pool, 0));
    ck_assert_ptr_null(rc_local_get(local, "a"));
    rc_local_put(local, "a", "<p>A</p>", 8, "<x>; rel=\"next\"", 1);
    rc_local_put(local, "b", "B\0b", 3, NULL, 0);
    a = rc_local_get(local, "a");
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->len, 8);
    ck_assert(!memcmp(a->body, "<p>A</p>", 8));
    ck_assert_str_eq(a->link, "<x>; rel=\"next\"");
    ck_assert_int_eq(a->noindex, 1);
    rc_local_release(a);
    a = rc_local_get(local, "b");
    ck_assert(a && a->len == 3 && !memcmp(a->body, "B\0b", 3) && !a->link && !a->noindex);
    rc_local_release(a);
    ck_assert_ptr_null(rc_local_get(local, "c"));
    ck_assert_ptr_null(rc_local_get(local, "a "));
    rc_local_stats(local, &entries, &bytes);
    ck_assert_uint_eq(entries, 2);
    ck_assert_uint_gt(bytes, 11);
    /* the same key again replaces it */
    rc_local_put(local, "a", "again", 5, NULL, 0);
    ck_assert_str_eq(local_body("a"), "again");
    rc_local_stats(local, &entries, &bytes);
    ck_assert_uint_eq(entries, 2);
}
END_TEST

START_TEST(local_bucket_outlives_the_table_entry)
{
    const rc_local_answer *a;
    apr_bucket *b, *copy;
    rc_local_put(local, "k", "first", 5, NULL, 0);
    a = rc_local_get(local, "k");
    b = rc_local_bucket(a, balloc);
    ck_assert_int_eq(apr_bucket_copy(b, &copy), APR_SUCCESS);
    /* replaced in the table, and the table cleared by far larger answers: the buckets still
     * read the answer they were made of (ASan in unit_asan sees a read after free) */
    rc_local_put(local, "k", "second", 6, NULL, 0);
    for (int i = 0; i < 64; i++) {
        char key[16], body[4000];
        memset(body, 'x', sizeof(body));
        snprintf(key, sizeof(key), "f%d", i);
        rc_local_put(local, key, body, sizeof(body), NULL, 0);
    }
    ck_assert_str_eq(bucket_text(b), "first");
    apr_bucket_destroy(b);
    ck_assert_str_eq(bucket_text(copy), "first");
    apr_bucket_destroy(copy);
}
END_TEST

START_TEST(local_oldest_go_when_the_bytes_run_out)
{
    char body[2000];
    apr_size_t entries, bytes;
    memset(body, 'y', sizeof(body));
    for (int i = 0; i < 100; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%d", i);
        rc_local_put(local, key, body, sizeof(body), NULL, 0);
        rc_local_stats(local, &entries, &bytes);
        ck_assert_uint_le(bytes, LOCAL_SIZE);
    }
    ck_assert_uint_lt(entries, 100);
    ck_assert_uint_gt(entries, 10);
    ck_assert_ptr_nonnull(local_body("k99"));
    ck_assert_ptr_null(local_body("k0"));
}
END_TEST

START_TEST(local_large_answers_are_not_kept)
{
    apr_size_t n = LOCAL_SIZE / 8 + 1;
    char *body = apr_pcalloc(pool, n);
    apr_bucket_brigade *bb = apr_brigade_create(pool, balloc);
    apr_size_t entries, bytes;
    rc_local_put(local, "big", body, n, NULL, 0);
    ck_assert_ptr_null(local_body("big"));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(body, n, balloc));
    ck_assert_ptr_null(rc_local_put_brigade(local, "big", bb, n, NULL, 0));
    rc_local_stats(local, &entries, &bytes);
    ck_assert_uint_eq(entries, 0);
    ck_assert_uint_eq(bytes, 0);
}
END_TEST

START_TEST(local_put_brigade_reads_every_bucket)
{
    apr_bucket_brigade *bb = apr_brigade_create(pool, balloc);
    const rc_local_answer *a;
    apr_bucket *b;
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create("<ul>", 4, balloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_transient_create("<li>1</li>", 10, balloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create("</ul>", 5, balloc));
    a = rc_local_put_brigade(local, "l", bb, 19, "<n>", 1);
    ck_assert_ptr_nonnull(a);
    ck_assert(a->len == 19 && !memcmp(a->body, "<ul><li>1</li></ul>", 19));
    ck_assert(a->noindex && !strcmp(a->link, "<n>"));
    /* the caller's reference, as a bucket; the table's own */
    b = rc_local_bucket(a, balloc);
    ck_assert_str_eq(local_body("l"), "<ul><li>1</li></ul>");
    ck_assert_str_eq(bucket_text(b), "<ul><li>1</li></ul>");
    apr_bucket_destroy(b);
    ck_assert_str_eq(local_body("l"), "<ul><li>1</li></ul>");
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

    tc = tcase_create("local");
    tcase_add_checked_fixture(tc, local_setup, local_teardown);
    tcase_add_test(tc, local_get_after_put);
    tcase_add_test(tc, local_bucket_outlives_the_table_entry);
    tcase_add_test(tc, local_oldest_go_when_the_bytes_run_out);
    tcase_add_test(tc, local_large_answers_are_not_kept);
    tcase_add_test(tc, local_put_brigade_reads_every_bucket);
    suite_add_tcase(s, tc);
    return s;
}
