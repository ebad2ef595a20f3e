/* What threads share today, under ThreadSanitizer (the tsan step of make check-full): a version's
 * response cache (rc_cache.c), with many threads putting and getting, and the store's versions
 * (rc_store.c), acquired and released by many threads while another thread changes the data file
 * and the new versions are swapped in. The program is built with -fsanitize=thread (Makefile.am,
 * tests_unit_test_threads_*); TSan makes it exit non-zero on a data race even when every check
 * passed. Each test also asserts what the threads saw, so it fails without TSan too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <check.h>

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "rc_cache.h"
#include "rc_data.h"
#include "rc_store.h"

#define NTHREADS 8

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* Starts n threads of fn(arg[i]) that begin together at a barrier, and joins them. */
typedef struct start {
    pthread_barrier_t *barrier;
    void *(*fn)(void *);
    void *arg;
} start;

static void *started(void *data)
{
    start *s = data;
    pthread_barrier_wait(s->barrier);
    return s->fn(s->arg);
}

static void run_threads(int n, void *(*fn)(void *), void *args, size_t arg_size)
{
    pthread_t th[NTHREADS + 2];
    start st[NTHREADS + 2];
    pthread_barrier_t barrier;

    ck_assert_int_le(n, NTHREADS + 2);
    ck_assert_int_eq(pthread_barrier_init(&barrier, NULL, n), 0);
    for (int i = 0; i < n; i++) {
        st[i].barrier = &barrier;
        st[i].fn = fn;
        st[i].arg = (char *)args + i * arg_size;
        ck_assert_int_eq(pthread_create(&th[i], NULL, started, &st[i]), 0);
    }
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    pthread_barrier_destroy(&barrier);
}

/* ---------------------------------------------------------------- rc_cache */

#define NKEYS 64
#define ROUNDS 20000

/* The body stored under key number k: its length and its bytes. */
static apr_size_t body_len(int k)
{
    return 500 + (apr_size_t)k * 37;
}

static char body_byte(int k, apr_size_t j)
{
    return (char)('a' + (k + j) % 26);
}

typedef struct fill_ctx {
    int key;
    unsigned *fills; /* fills of each key, counted atomically */
} fill_ctx;

static void fill_body(void *data, char *buf, apr_size_t len)
{
    fill_ctx *f = data;
    for (apr_size_t j = 0; j < len; j++)
        buf[j] = body_byte(f->key, j);
    __atomic_fetch_add(&f->fills[f->key], 1, __ATOMIC_RELAXED);
}

typedef struct cache_worker {
    rc_cache *cache;
    int id;
    unsigned *fills;
    int errors;  /* what this thread found wrong; asserted after the join */
    char first_error[200];
} cache_worker;

static void worker_error(cache_worker *w, const char *what, int k)
{
    if (w->errors++ == 0)
        snprintf(w->first_error, sizeof(w->first_error), "thread %d, key %d: %s", w->id, k, what);
}

/* A cached entry for key k as it must be: its length, every byte and its Link. */
static int entry_ok(const rc_cached *e, int k)
{
    char link[64];
    if (!e || e->len != body_len(k) || e->body[e->len] != '\0')
        return 0;
    for (apr_size_t j = 0; j < e->len; j++)
        if (e->body[j] != body_byte(k, j))
            return 0;
    snprintf(link, sizeof(link), "</k%d>; rel=\"alternate\"", k);
    return e->link && strcmp(e->link, link) == 0;
}

static void *cache_worker_main(void *data)
{
    cache_worker *w = data;
    for (int i = 0; i < ROUNDS; i++) {
        int k = (i * 7 + w->id * 13) % NKEYS;
        char key[16], link[64];
        const rc_cached *e;
        snprintf(key, sizeof(key), "k%d", k);
        e = rc_cache_get(w->cache, key);
        if (!e) {
            fill_ctx f = {k, w->fills};
            snprintf(link, sizeof(link), "</k%d>; rel=\"alternate\"", k);
            rc_cache_put(w->cache, key, body_len(k), link, fill_body, &f);
            e = rc_cache_get(w->cache, key);
            if (!e) {
                worker_error(w, "not found right after rc_cache_put", k);
                continue;
            }
        }
        if (!entry_ok(e, k))
            worker_error(w, "wrong length, bytes or Link", k);
    }
    return NULL;
}

START_TEST(cache_threads_put_and_get_the_same_keys)
{
    rc_cache *c = rc_cache_create(pool);
    unsigned fills[NKEYS] = {0};
    cache_worker w[NTHREADS];

    ck_assert_ptr_nonnull(c);
    memset(w, 0, sizeof(w));
    for (int i = 0; i < NTHREADS; i++) {
        w[i].cache = c;
        w[i].id = i;
        w[i].fills = fills;
    }
    run_threads(NTHREADS, cache_worker_main, w, sizeof(w[0]));

    for (int i = 0; i < NTHREADS; i++)
        ck_assert_msg(w[i].errors == 0, "%d error(s), the first: %s", w[i].errors,
                      w[i].first_error);
    /* every key was filled exactly once, whoever came first, and is there as it was stored */
    for (int k = 0; k < NKEYS; k++) {
        char key[16];
        snprintf(key, sizeof(key), "k%d", k);
        ck_assert_msg(fills[k] == 1, "key %d filled %u times", k, fills[k]);
        ck_assert_msg(entry_ok(rc_cache_get(c, key), k), "key %d", k);
    }
}
END_TEST

/* Threads that each put keys of their own, of the largest size kept, until the cache is full. */
#define FULL_KEYS_PER_THREAD 40

typedef struct full_worker {
    rc_cache *cache;
    int id;
    int stored;
} full_worker;

static void fill_x(void *data, char *buf, apr_size_t len)
{
    memset(buf, *(const char *)data, len);
}

static void *full_worker_main(void *data)
{
    full_worker *w = data;
    char mark = (char)('A' + w->id);
    for (int i = 0; i < FULL_KEYS_PER_THREAD; i++) {
        char key[32];
        snprintf(key, sizeof(key), "t%d-%d", w->id, i);
        rc_cache_put(w->cache, key, RC_CACHE_MAX_ENTRY, NULL, fill_x, &mark);
        if (rc_cache_get(w->cache, key))
            w->stored++;
    }
    return NULL;
}

START_TEST(cache_threads_filling_it_stop_at_its_size)
{
    rc_cache *c = rc_cache_create(pool);
    full_worker w[NTHREADS];
    int stored = 0, present = 0;

    /* 8 x 40 x 256 KiB = 80 MiB offered to a cache of 32 MiB */
    memset(w, 0, sizeof(w));
    for (int i = 0; i < NTHREADS; i++) {
        w[i].cache = c;
        w[i].id = i;
    }
    run_threads(NTHREADS, full_worker_main, w, sizeof(w[0]));

    for (int i = 0; i < NTHREADS; i++) {
        stored += w[i].stored;
        for (int k = 0; k < FULL_KEYS_PER_THREAD; k++) {
            char key[32];
            const rc_cached *e;
            snprintf(key, sizeof(key), "t%d-%d", i, k);
            if ((e = rc_cache_get(c, key)) == NULL)
                continue;
            present++;
            ck_assert_uint_eq(e->len, RC_CACHE_MAX_ENTRY);
            ck_assert_int_eq(e->body[0], 'A' + i);
            ck_assert_int_eq(e->body[e->len - 1], 'A' + i);
            ck_assert_ptr_null(e->link);
        }
    }
    ck_assert_int_eq(present, stored);
    /* full to within one entry, never over */
    ck_assert_int_le((apr_size_t)stored * RC_CACHE_MAX_ENTRY, RC_CACHE_BYTES);
    ck_assert_int_ge(stored, RC_CACHE_BYTES / (RC_CACHE_MAX_ENTRY + 1024) - 1);
}
END_TEST

/* ---------------------------------------------------------------- rc_store */

#define NVERSIONS 60
#define RELOAD_US 1000 /* the reload interval: 1 ms */
#define WAIT_US (20 * APR_USEC_PER_SEC)

/* A data file whose every part says which version it is: the title "Version N", and
 * 1 + N % 7 items titled "Item I of version N". */
static const char *version_json(apr_pool_t *p, int n)
{
    const char *items = "";
    for (int i = 0; i <= n % 7; i++)
        items = apr_psprintf(p,
                             "%s%s{\"id\": \"i%d\", \"title\": \"Item %d of version %d\", "
                             "\"date\": \"2021-0%d\", \"countries\": [\"GT\"]}",
                             items, i ? ", " : "", i, i, n, 1 + i);
    return apr_psprintf(p,
                        "{\"title\": \"Version %d\",\n"
                        " \"countries\": [{\"code\": \"GT\", \"name\": \"Guatemala\"}],\n"
                        " \"pages\": [{\"slug\": \"index\", \"title\": \"Index\", "
                        "\"file\": \"pages/index.html\"}],\n"
                        " \"collections\": [{\"slug\": \"items\", \"title\": \"Items\", "
                        "\"items\": [%s]}]}\n",
                        n, items);
}

/* Writes text to dir/name through a temporary file renamed over it, as an editor does. */
static void replace_file(apr_pool_t *p, const char *dir, const char *name, const char *text)
{
    apr_file_t *f;
    const char *path = apr_pstrcat(p, dir, "/", name, NULL);
    const char *tmp = apr_pstrcat(p, path, ".tmp", NULL);
    ck_assert_int_eq(apr_file_open(&f, tmp,
                                   APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                                   APR_FPROT_OS_DEFAULT, p),
                     APR_SUCCESS);
    ck_assert_int_eq(apr_file_write_full(f, text, strlen(text), NULL), APR_SUCCESS);
    ck_assert_int_eq(apr_file_close(f), APR_SUCCESS);
    ck_assert_int_eq(apr_file_rename(tmp, path, p), APR_SUCCESS);
}

typedef struct shared {
    rc_store *store;
    rc_source *source;
    apr_interval_time_t reader_interval; /* 0: a loader thread reloads; else the readers */
    int stop;          /* set by the writer when it is done */
    int newest_seen;   /* the highest version any reader has seen */
    int logged;        /* rejected versions reported through the log function */
    char last_log[300];
    pthread_mutex_t log_lock;
} shared;

typedef struct reader {
    shared *sh;
    int id;
    long acquired;
    int versions_seen;  /* how many times the version changed under this reader */
    int errors;
    char first_error[300];
} reader;

static void reader_error(reader *rd, const char *what, const char *detail)
{
    if (rd->errors++ == 0)
        snprintf(rd->first_error, sizeof(rd->first_error), "reader %d: %s (%s)", rd->id, what,
                 detail ? detail : "");
}

static void log_rejected(void *ctx, const char *message)
{
    shared *sh = ctx;
    pthread_mutex_lock(&sh->log_lock);
    sh->logged++;
    snprintf(sh->last_log, sizeof(sh->last_log), "%s", message);
    pthread_mutex_unlock(&sh->log_lock);
}

static void fill_title(void *data, char *buf, apr_size_t len)
{
    memcpy(buf, data, len);
}

/* The version number of v, after checking that every part of it says the same; -1 if not. */
static int check_version(reader *rd, const rc_version *v)
{
    const rc_data *d = v->data;
    const rc_cached *e;
    int n;
    if (!d || sscanf(d->title, "Version %d", &n) != 1) {
        reader_error(rd, "a version without its title", d ? d->title : "no data");
        return -1;
    }
    if (d->ncollections != 1 || d->collections[0].nitems != 1 + n % 7) {
        reader_error(rd, "items of another version", d->title);
        return -1;
    }
    for (int i = 0; i < d->collections[0].nitems; i++) {
        char want[64];
        snprintf(want, sizeof(want), "Item %d of version %d", i, n);
        if (strcmp(d->collections[0].items[i].title, want) != 0) {
            reader_error(rd, "an item of another version", d->collections[0].items[i].title);
            return -1;
        }
    }
    /* the version's own response cache holds its own title, whoever put it there */
    if (!(e = rc_cache_get(v->cache, "title"))) {
        rc_cache_put(v->cache, "title", strlen(d->title), NULL, fill_title, (void *)d->title);
        e = rc_cache_get(v->cache, "title");
    }
    if (!e || strcmp(e->body, d->title) != 0) {
        reader_error(rd, "a cached response of another version", e ? e->body : "none");
        return -1;
    }
    return n;
}

static void *reader_main(void *data)
{
    reader *rd = data;
    shared *sh = rd->sh;
    int last = 0;
    while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
        rc_version *v = rc_source_acquire(sh->source, sh->reader_interval, log_rejected, sh);
        int n;
        if (!v) {
            reader_error(rd, "no version", NULL);
            break;
        }
        rd->acquired++;
        n = check_version(rd, v);
        if (n >= 0 && n < last) {
            char detail[64];
            snprintf(detail, sizeof(detail), "version %d after version %d", n, last);
            reader_error(rd, "an older version came back", detail);
        }
        if (n > last) {
            rd->versions_seen++;
            last = n;
            /* the newest version seen by anyone, for the writer to wait on */
            int seen = __atomic_load_n(&sh->newest_seen, __ATOMIC_RELAXED);
            while (n > seen && !__atomic_compare_exchange_n(&sh->newest_seen, &seen, n, 0,
                                                            __ATOMIC_RELEASE, __ATOMIC_RELAXED))
                ;
        }
        /* hold the version a moment now and then, as a slow request does, so that versions
         * are released by a reader after the store has let go of them */
        if (rd->acquired % 64 == 0)
            usleep(200);
        rc_version_release(v);
    }
    return NULL;
}

/* With interval 0, the loader of the module (mod_rootcauses.c: loader_main) in a test: checks
 * the store until told to stop. */
typedef struct loader {
    shared *sh;
    int stop;
} loader;

static void *loader_main(void *data)
{
    loader *l = data;
    while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
        rc_store_check(l->sh->store, log_rejected, l->sh);
        usleep(RELOAD_US);
    }
    return NULL;
}

/* Waits until a reader has seen version n; 0 on timeout. */
static int wait_seen(shared *sh, int n)
{
    apr_time_t deadline = apr_time_now() + WAIT_US;
    while (__atomic_load_n(&sh->newest_seen, __ATOMIC_ACQUIRE) < n) {
        if (apr_time_now() > deadline)
            return 0;
        usleep(500);
    }
    return 1;
}

/* Waits until n rejected versions were logged; 0 on timeout. */
static int wait_logged(shared *sh, int n)
{
    apr_time_t deadline = apr_time_now() + WAIT_US;
    for (;;) {
        int logged;
        pthread_mutex_lock(&sh->log_lock);
        logged = sh->logged;
        pthread_mutex_unlock(&sh->log_lock);
        if (logged >= n)
            return 1;
        if (apr_time_now() > deadline)
            return 0;
        usleep(500);
    }
}

/* NTHREADS readers acquire, check and release versions while this thread writes versions 2 to
 * NVERSIONS of the data file (an invalid file after every fifth) and waits for each to be
 * served; a loader thread checks the store (reader_interval 0), or the readers do. */
static void run_store_test(apr_interval_time_t reader_interval)
{
    const char *tmp, *path;
    char *dir;
    shared sh;
    reader rd[NTHREADS];
    pthread_t th[NTHREADS], loader_thread;
    loader ld;
    apr_pool_t *process_pool;
    int kept, invalid = 0, n;
    const char *err;

    ck_assert_int_eq(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    dir = apr_pstrcat(pool, tmp, "/rc-threads-XXXXXX", NULL);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(apr_dir_make(apr_pstrcat(pool, dir, "/pages", NULL), APR_FPROT_OS_DEFAULT,
                                  pool),
                     APR_SUCCESS);
    replace_file(pool, dir, "pages/index.html", "<p>The index page.</p>\n");
    replace_file(pool, dir, "data.json", version_json(pool, 1));
    path = apr_pstrcat(pool, dir, "/data.json", NULL);

    /* configuration time, single-threaded, as in httpd */
    memset(&sh, 0, sizeof(sh));
    pthread_mutex_init(&sh.log_lock, NULL);
    ck_assert_int_eq(apr_pool_create(&process_pool, pool), APR_SUCCESS);
    sh.store = rc_store_get(process_pool);
    sh.source = rc_store_source(sh.store, path);
    err = rc_source_load(sh.source, 0, &kept);
    ck_assert_msg(err == NULL, "%s", err);
    sh.reader_interval = reader_interval;
    if (reader_interval == 0)
        rc_source_note_interval(sh.source, RELOAD_US);

    memset(rd, 0, sizeof(rd));
    for (int i = 0; i < NTHREADS; i++) {
        rd[i].sh = &sh;
        rd[i].id = i;
        ck_assert_int_eq(pthread_create(&th[i], NULL, reader_main, &rd[i]), 0);
    }
    ld.sh = &sh;
    ld.stop = 0;
    if (reader_interval == 0)
        ck_assert_int_eq(pthread_create(&loader_thread, NULL, loader_main, &ld), 0);

    for (n = 2; n <= NVERSIONS; n++) {
        int seen;
        replace_file(pool, dir, "data.json", version_json(pool, n));
        seen = wait_seen(&sh, n);
        if (seen && n % 5 == 0) {
            /* an invalid file: logged once, and version n goes on being served */
            replace_file(pool, dir, "data.json", "{\"title\": \"Version broken\",\n  \"countries\": [\n");
            invalid++;
            seen = wait_logged(&sh, invalid);
        }
        if (!seen)
            break;
    }
    /* a little longer on the last version: readers keep getting it, nothing is logged again */
    usleep(20 * RELOAD_US);
    __atomic_store_n(&sh.stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < NTHREADS; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    if (reader_interval == 0) {
        __atomic_store_n(&ld.stop, 1, __ATOMIC_RELEASE);
        ck_assert_int_eq(pthread_join(loader_thread, NULL), 0);
    }

    ck_assert_msg(n > NVERSIONS, "version %d was not served within %d s (newest seen: %d)", n,
                  (int)(WAIT_US / APR_USEC_PER_SEC), sh.newest_seen);
    for (int i = 0; i < NTHREADS; i++) {
        ck_assert_msg(rd[i].errors == 0, "%d error(s), the first: %s", rd[i].errors,
                      rd[i].first_error);
        ck_assert_msg(rd[i].acquired > 0, "reader %d acquired nothing", i);
    }
    ck_assert_int_eq(sh.newest_seen, NVERSIONS);
    ck_assert_int_eq(invalid, NVERSIONS / 5);
    ck_assert_msg(sh.logged == invalid, "%d rejected version(s) logged for %d invalid file(s)",
                  sh.logged, invalid);
    ck_assert_msg(strstr(sh.last_log, path) != NULL, "the log message names no file: %s",
                  sh.last_log);

    /* after the threads: the current version is the last one, and the store still holds it */
    {
        rc_version *v = rc_source_acquire(sh.source, 0, NULL, NULL);
        reader check = {0};
        ck_assert_ptr_nonnull(v);
        ck_assert_int_eq(check_version(&check, v), NVERSIONS);
        rc_version_release(v);
    }

    apr_file_remove(path, pool);
    apr_file_remove(apr_pstrcat(pool, dir, "/pages/index.html", NULL), pool);
    apr_dir_remove(apr_pstrcat(pool, dir, "/pages", NULL), pool);
    apr_dir_remove(dir, pool);
    pthread_mutex_destroy(&sh.log_lock);
}

START_TEST(store_versions_swapped_under_readers_by_a_loader_thread)
{
    run_store_test(0);
}
END_TEST

START_TEST(store_versions_swapped_by_the_readers_themselves)
{
    /* every reader may find the interval over and load; one at a time does */
    run_store_test(RELOAD_US);
}
END_TEST

static Suite *threads_suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("cache");
    /* ThreadSanitizer slows everything down several times */
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cache_threads_put_and_get_the_same_keys);
    tcase_add_test(tc, cache_threads_filling_it_stop_at_its_size);
    suite_add_tcase(s, tc);

    tc = tcase_create("store");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, store_versions_swapped_under_readers_by_a_loader_thread);
    tcase_add_test(tc, store_versions_swapped_by_the_readers_themselves);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "test_threads: apr_initialize failed\n");
        return EXIT_FAILURE;
    }
    atexit(apr_terminate);
    sr = srunner_create(threads_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
