/* What threads share, under ThreadSanitizer (the tsan step of make check-full): the response
 * cache (rc_cache.c), with many threads putting and getting; a process's own answers
 * (rc_local.c), replaced while other threads send them from buckets; and the store's versions
 * (rc_store.c), acquired and released by many threads while another thread changes the data file
 * and loader threads build and swap in the new versions; two stores in one process share a cache
 * folder as two processes of a server do (the build lock is a flock, which two open files of one
 * process hold apart as two processes do). The program is built with -fsanitize=thread (Makefile.am,
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

#include <apr_buckets.h>

#include "rc_cache.h"
#include "rc_data.h"
#include "rc_local.h"
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

static void mutex_lock(void *m)
{
    pthread_mutex_lock(m);
}

static void mutex_unlock(void *m)
{
    pthread_mutex_unlock(m);
}

/* The body stored under key number k: its length and its bytes. */
static apr_size_t body_len(int k)
{
    return 500 + (apr_size_t)k * 37;
}

static char body_byte(int k, apr_size_t j)
{
    return (char)('a' + (k + j) % 26);
}

typedef struct cache_worker {
    rc_cache *cache;
    const rc_cache_lock *lock;
    int id;
    long gets;
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
    if (e->len != body_len(k))
        return 0;
    for (apr_size_t j = 0; j < e->len; j++)
        if (e->body[j] != body_byte(k, j))
            return 0;
    snprintf(link, sizeof(link), "</k%d>; rel=\"alternate\"", k);
    return e->link && strcmp(e->link, link) == 0;
}

static void put_key(rc_cache *c, const rc_cache_lock *l, int k)
{
    char key[16], link[64], body[4096];
    snprintf(key, sizeof(key), "k%d", k);
    snprintf(link, sizeof(link), "</k%d>; rel=\"alternate\"", k);
    for (apr_size_t j = 0; j < body_len(k); j++)
        body[j] = body_byte(k, j);
    rc_cache_put(c, l, key, body, body_len(k), link);
}

static void *cache_worker_main(void *data)
{
    cache_worker *w = data;
    apr_pool_t *p;
    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        int k = (i * 7 + w->id * 13) % NKEYS;
        char key[16];
        rc_cached e;
        snprintf(key, sizeof(key), "k%d", k);
        w->gets++;
        if (!rc_cache_get(w->cache, w->lock, key, p, &e)) {
            put_key(w->cache, w->lock, k);
            w->gets++;
            if (!rc_cache_get(w->cache, w->lock, key, p, &e)) {
                worker_error(w, "not found right after rc_cache_put", k);
                continue;
            }
        }
        if (!entry_ok(&e, k))
            worker_error(w, "wrong length, bytes or Link", k);
        if ((i & 255) == 255)
            apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return NULL;
}

START_TEST(cache_threads_put_and_get_the_same_keys)
{
    apr_size_t size = 4 << 20;
    void *mem = malloc(size);
    rc_cache *c = rc_cache_init(mem, size);
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    rc_cache_lock l = {mutex_lock, mutex_unlock, &m};
    cache_worker w[NTHREADS];
    rc_cache_stats st;
    long gets = 0;

    memset(w, 0, sizeof(w));
    for (int i = 0; i < NTHREADS; i++) {
        w[i].cache = c;
        w[i].lock = &l;
        w[i].id = i;
    }
    run_threads(NTHREADS, cache_worker_main, w, sizeof(w[0]));

    for (int i = 0; i < NTHREADS; i++) {
        ck_assert_msg(w[i].errors == 0, "%d error(s), the first: %s", w[i].errors,
                      w[i].first_error);
        gets += w[i].gets;
    }
    /* every key is there once, as it was stored; every get was counted */
    rc_cache_get_stats(c, &l, &st);
    ck_assert_uint_eq(st.entries, NKEYS);
    ck_assert_uint_eq(st.hits + st.misses, (apr_uint64_t)gets);
    for (int k = 0; k < NKEYS; k++) {
        char key[16];
        rc_cached e;
        snprintf(key, sizeof(key), "k%d", k);
        ck_assert_msg(rc_cache_get(c, &l, key, pool, &e) && entry_ok(&e, k), "key %d", k);
    }
    free(mem);
}
END_TEST

/* Threads that each put keys of their own, as large as the cache keeps, far more than it holds:
 * the oldest are evicted, and what a get returns is always whole. */
#define FULL_KEYS_PER_THREAD 200

typedef struct full_worker {
    rc_cache *cache;
    const rc_cache_lock *lock;
    apr_size_t len;
    int id, found, errors;
} full_worker;

static void *full_worker_main(void *data)
{
    full_worker *w = data;
    char mark = (char)('A' + w->id), *body = malloc(w->len);
    apr_pool_t *p;
    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    memset(body, mark, w->len);
    for (int i = 0; i < FULL_KEYS_PER_THREAD; i++) {
        char key[32];
        rc_cached e;
        snprintf(key, sizeof(key), "t%d-%d", w->id, i);
        rc_cache_put(w->cache, w->lock, key, body, w->len, NULL);
        /* an earlier key of this thread: there or evicted, never torn */
        snprintf(key, sizeof(key), "t%d-%d", w->id, i / 2);
        if (rc_cache_get(w->cache, w->lock, key, p, &e)) {
            w->found++;
            if (e.len != w->len || e.body[0] != mark || e.body[e.len - 1] != mark || e.link)
                w->errors++;
        }
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    free(body);
    return NULL;
}

START_TEST(cache_threads_filling_it_evict_the_oldest)
{
    apr_size_t size = 1 << 20;
    void *mem = malloc(size);
    rc_cache *c = rc_cache_init(mem, size);
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    rc_cache_lock l = {mutex_lock, mutex_unlock, &m};
    full_worker w[NTHREADS];
    rc_cache_stats st;

    memset(w, 0, sizeof(w));
    for (int i = 0; i < NTHREADS; i++) {
        w[i].cache = c;
        w[i].lock = &l;
        w[i].id = i;
        w[i].len = size / 16;  /* under an eighth of the cache: kept */
    }
    run_threads(NTHREADS, full_worker_main, w, sizeof(w[0]));
    for (int i = 0; i < NTHREADS; i++)
        ck_assert_int_eq(w[i].errors, 0);
    rc_cache_get_stats(c, &l, &st);
    /* about fifteen entries fit; the cache is full, never over */
    ck_assert_uint_le(st.bytes, size);
    ck_assert_uint_ge(st.entries, 8);
    ck_assert_uint_le(st.entries, 16);
    free(mem);
}
END_TEST


/* ---------------------------------------------------------------- rc_local */

#define LOCAL_KEYS 32
#define LOCAL_ROUNDS 5000

typedef struct local_worker {
    rc_local *local;
    int id, hits, errors;
} local_worker;

/* Threads put answers under a few keys, each body one byte repeated (the byte says which
 * thread and round wrote it) and as long as the round says, and read the answers back through
 * buckets, destroyed after the next put: a body is whole whatever replaced it meanwhile. */
static void *local_worker_main(void *data)
{
    local_worker *w = data;
    apr_pool_t *p;
    apr_bucket_alloc_t *ba;
    apr_bucket *held = NULL;
    char body[3000];
    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    ba = apr_bucket_alloc_create(p);
    for (int i = 0; i < LOCAL_ROUNDS; i++) {
        char key[16];
        const rc_local_answer *a;
        apr_size_t len = 100 + (apr_size_t)(i * 7 % 2900);
        snprintf(key, sizeof(key), "k%d", (i * 13 + w->id) % LOCAL_KEYS);
        memset(body, 'a' + (w->id * 7 + i) % 26, len);
        rc_local_put(w->local, key, body, len, (i & 1) ? key : NULL, i & 1);
        snprintf(key, sizeof(key), "k%d", (i * 5 + w->id * 3) % LOCAL_KEYS);
        if ((a = rc_local_get(w->local, key))) {
            apr_bucket *b = rc_local_bucket(a, ba);
            const char *d;
            apr_size_t n;
            w->hits++;
            if (apr_bucket_read(b, &d, &n, APR_BLOCK_READ) != APR_SUCCESS || n < 100)
                w->errors++;
            else
                for (apr_size_t k = 1; k < n; k++)
                    if (d[k] != d[0]) {
                        w->errors++;
                        break;
                    }
            if (held)
                apr_bucket_destroy(held);
            held = b;
        }
    }
    if (held)
        apr_bucket_destroy(held);
    apr_bucket_alloc_destroy(ba);
    apr_pool_destroy(p);
    return NULL;
}

START_TEST(local_threads_replace_answers_that_others_send)
{
    rc_local *l = rc_local_create(pool, 256 << 10);
    local_worker w[NTHREADS];
    apr_size_t entries, bytes;
    int hits = 0;
    ck_assert_ptr_nonnull(l);
    memset(w, 0, sizeof(w));
    for (int i = 0; i < NTHREADS; i++) {
        w[i].local = l;
        w[i].id = i;
    }
    run_threads(NTHREADS, local_worker_main, w, sizeof(w[0]));
    for (int i = 0; i < NTHREADS; i++) {
        ck_assert_int_eq(w[i].errors, 0);
        hits += w[i].hits;
    }
    ck_assert_int_gt(hits, 0);
    rc_local_stats(l, &entries, &bytes);
    ck_assert_uint_le(bytes, 256 << 10);
    ck_assert_uint_le(entries, LOCAL_KEYS);
}
END_TEST

/* ---------------------------------------------------------------- rc_store */

#define NVERSIONS 60
#define RELOAD_US 1000 /* the reload interval: 1 ms */
#define WAIT_US (30 * APR_USEC_PER_SEC)
#define MAX_STORES 2

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

/* One store: a "process" with its loader thread. */
typedef struct proc {
    rc_store *store;
    rc_source *source;
    int stop;          /* set when the writer is done */
    int logged;        /* rejected versions reported through the log function */
    char last_log[300];
    pthread_mutex_t log_lock;
    pthread_t loader;
} proc;

typedef struct shared {
    proc procs[MAX_STORES];
    int nprocs;
    int stop;
    int newest_seen;   /* the highest version any reader has seen */
} shared;

typedef struct reader {
    shared *sh;
    proc *pr;
    int id;
    long acquired;
    int errors;
    char first_error[300];
} reader;

static void reader_error(reader *rd, const char *what, const char *detail)
{
    if (rd->errors++ == 0)
        snprintf(rd->first_error, sizeof(rd->first_error), "reader %d: %s (%s)", rd->id, what,
                 detail ? detail : "");
}

static void log_rejected(void *ctx, int warning, const char *message)
{
    proc *pr = ctx;
    if (warning)
        return;
    pthread_mutex_lock(&pr->log_lock);
    pr->logged++;
    snprintf(pr->last_log, sizeof(pr->last_log), "%s", message);
    pthread_mutex_unlock(&pr->log_lock);
}

/* The version number of v, after checking that every part of it says the same; -1 if not. */
static int check_version(reader *rd, const rc_version *v)
{
    const rc_data *d = v->data;
    const char *title = d ? rc_str(d, rc_text(d, d->title, 0, NULL)) : NULL;
    int n;
    if (!title || sscanf(title, "Version %d", &n) != 1) {
        reader_error(rd, "a version without its title", title ? title : "no data");
        return -1;
    }
    if (d->ncollections != 1 || d->collections[0].nitems != 1 + n % 7) {
        reader_error(rd, "items of another version", title);
        return -1;
    }
    for (int pos = 0; pos < d->collections[0].nitems; pos++) {
        const rc_item *it = &d->collections[0].items[pos];
        const char *t = rc_str(d, rc_text(d, it->title, 0, NULL));
        char want[64];
        int i;
        if (sscanf(rc_str(d, it->id), "i%d", &i) != 1) {
            reader_error(rd, "an item without its id", rc_str(d, it->id));
            return -1;
        }
        snprintf(want, sizeof(want), "Item %d of version %d", i, n);
        if (strcmp(t, want) != 0) {
            reader_error(rd, "an item of another version", t);
            return -1;
        }
    }
    return n;
}

static void *reader_main(void *data)
{
    reader *rd = data;
    shared *sh = rd->sh;
    int last = 0;
    while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
        rc_version *v = rc_source_acquire(rd->pr->source);
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
            int seen = __atomic_load_n(&sh->newest_seen, __ATOMIC_RELAXED);
            last = n;
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

/* The loader of the module (mod_rootcauses.c: loader_main) in a test. */
static void *loader_main(void *data)
{
    proc *pr = data;
    while (!__atomic_load_n(&pr->stop, __ATOMIC_ACQUIRE)) {
        rc_store_check(pr->store, 1, log_rejected, pr);
        usleep(RELOAD_US);
    }
    return NULL;
}

/* Waits until every store's readers... until some reader has seen version n; 0 on timeout. */
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

/* Waits until every store logged n rejected versions; 0 on timeout. */
static int wait_logged(shared *sh, int n)
{
    apr_time_t deadline = apr_time_now() + WAIT_US;
    for (;;) {
        int done = 1;
        for (int i = 0; i < sh->nprocs; i++) {
            pthread_mutex_lock(&sh->procs[i].log_lock);
            done &= sh->procs[i].logged >= n;
            pthread_mutex_unlock(&sh->procs[i].log_lock);
        }
        if (done)
            return 1;
        if (apr_time_now() > deadline)
            return 0;
        usleep(500);
    }
}

typedef struct counts {
    apr_uint32_t builds, failures;
} counts;

static void add_counts(void *ctx, const char *path, const rc_version *v,
                       const rc_source_stats *stats)
{
    counts *c = ctx;
    (void)path;
    (void)v;
    c->builds += stats->builds;
    c->failures += stats->failures;
}

/* NTHREADS readers (spread over nprocs stores sharing one cache folder) acquire, check and
 * release versions while this thread writes versions 2 to NVERSIONS of the data file (an
 * invalid file after every fifth) and waits for each to be served; each store's loader thread
 * builds or maps them. */
static void run_store_test(int nprocs)
{
    const char *tmp, *path, *cache;
    char *dir;
    shared sh;
    reader rd[NTHREADS];
    pthread_t th[NTHREADS];
    int invalid = 0, n;
    counts total = {0, 0};

    ck_assert_int_eq(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    dir = apr_pstrcat(pool, tmp, "/rc-threads-XXXXXX", NULL);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(apr_dir_make(apr_pstrcat(pool, dir, "/pages", NULL), APR_FPROT_OS_DEFAULT,
                                  pool),
                     APR_SUCCESS);
    cache = apr_pstrcat(pool, dir, "/cache", NULL);
    ck_assert_int_eq(apr_dir_make(cache, APR_FPROT_OS_DEFAULT, pool), APR_SUCCESS);
    replace_file(pool, dir, "pages/index.html", "<p>The index page.</p>\n");
    replace_file(pool, dir, "data.json", version_json(pool, 1));
    path = apr_pstrcat(pool, dir, "/data.json", NULL);

    /* configuration time, single-threaded, as in httpd */
    memset(&sh, 0, sizeof(sh));
    sh.nprocs = nprocs;
    for (int i = 0; i < nprocs; i++) {
        proc *pr = &sh.procs[i];
        apr_pool_t *process_pool;
        const char *err;
        int kept;
        pthread_mutex_init(&pr->log_lock, NULL);
        ck_assert_int_eq(apr_pool_create(&process_pool, pool), APR_SUCCESS);
        pr->store = rc_store_get(process_pool);
        rc_store_set_cache(pr->store, cache, 0);
        pr->source = rc_store_source(pr->store, path);
        err = rc_source_load(pr->source, 0, &kept, log_rejected, pr);
        ck_assert_msg(err == NULL, "%s", err);
        rc_source_note_interval(pr->source, RELOAD_US);
    }

    memset(rd, 0, sizeof(rd));
    for (int i = 0; i < NTHREADS; i++) {
        rd[i].sh = &sh;
        rd[i].pr = &sh.procs[i % nprocs];
        rd[i].id = i;
        ck_assert_int_eq(pthread_create(&th[i], NULL, reader_main, &rd[i]), 0);
    }
    for (int i = 0; i < nprocs; i++)
        ck_assert_int_eq(pthread_create(&sh.procs[i].loader, NULL, loader_main, &sh.procs[i]), 0);

    for (n = 2; n <= NVERSIONS; n++) {
        int seen;
        replace_file(pool, dir, "data.json", version_json(pool, n));
        seen = wait_seen(&sh, n);
        if (seen && n % 5 == 0) {
            /* an invalid file: logged once by each store, and version n goes on being served */
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
    for (int i = 0; i < nprocs; i++) {
        __atomic_store_n(&sh.procs[i].stop, 1, __ATOMIC_RELEASE);
        ck_assert_int_eq(pthread_join(sh.procs[i].loader, NULL), 0);
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
    for (int i = 0; i < nprocs; i++) {
        ck_assert_msg(sh.procs[i].logged == invalid,
                      "store %d: %d rejected version(s) logged for %d invalid file(s)", i,
                      sh.procs[i].logged, invalid);
        ck_assert_msg(strstr(sh.procs[i].last_log, path) != NULL,
                      "the log message names no file: %s", sh.procs[i].last_log);
        rc_store_each(sh.procs[i].store, pool, add_counts, &total);
    }
    /* each version was built once, by one of the stores: the first at load, then every valid
     * and every invalid one the writer wrote */
    ck_assert_uint_eq(total.builds, NVERSIONS);
    ck_assert_uint_eq(total.failures, (apr_uint32_t)invalid);

    /* after the threads: the current version is the last one, and every store holds it */
    for (int i = 0; i < nprocs; i++) {
        rc_version *v = rc_source_acquire(sh.procs[i].source);
        reader check = {0};
        ck_assert_ptr_nonnull(v);
        ck_assert_int_eq(check_version(&check, v), NVERSIONS);
        ck_assert_ptr_nonnull(v->file);  /* mapped from the cache folder */
        rc_version_release(v);
        pthread_mutex_destroy(&sh.procs[i].log_lock);
    }
}

START_TEST(store_versions_swapped_under_readers_by_a_loader_thread)
{
    run_store_test(1);
}
END_TEST

START_TEST(store_versions_built_once_for_two_stores_sharing_a_cache_folder)
{
    run_store_test(2);
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
    tcase_add_test(tc, cache_threads_filling_it_evict_the_oldest);
    tcase_add_test(tc, local_threads_replace_answers_that_others_send);
    suite_add_tcase(s, tc);

    tc = tcase_create("store");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, store_versions_swapped_under_readers_by_a_loader_thread);
    tcase_add_test(tc, store_versions_built_once_for_two_stores_sharing_a_cache_folder);
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
