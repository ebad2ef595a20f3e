/* rc_store: the store lives in the process pool so that versions survive a graceful restart,
 * but the module's .so is unloaded and loaded again then: nothing here may point into it (no
 * cleanups with our functions in the process pool, no string literals kept in a version).
 *
 * Versions are reference-counted so a request in flight keeps the version it started with
 * while new requests already see the next one; the old version's mapping goes when its last
 * request ends. */
#include "rc_store.h"
#include "rc_build.h"
#include "rc_text.h"

#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include <apr_atomic.h>
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_hash.h>
#include <apr_mmap.h>
#include <apr_portable.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <xxhash.h>

#define RC_STORE_KEY "rootcauses-store"
#define RC_ERR_MAGIC "RCERR2"

struct rc_store {
    apr_pool_t *pool;
    apr_hash_t *sources;      /* path -> rc_source*; only changed at configuration time */
    const char *cache;        /* the cache folder, NULL: versions in memory */
    int testing;              /* httpd -t: read the cache, write nothing */
#if APR_HAS_THREADS
    apr_thread_mutex_t *check_lock; /* one checker at a time */
#endif
    int notify_fd;            /* inotify, -1: none; one per process */
    pid_t notify_pid;         /* the process that made it */
    int notified;             /* checks are due at once */
    int built;                /* this check built a version: give its heap back */
};

struct rc_source {
    rc_store *store;
    const char *path;
    const char *key;           /* cache file names without the suffix */
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;  /* guards current */
#endif
    rc_version *current;       /* holds one reference of its own */
    apr_interval_time_t interval; /* -1 until one is noted; 0: never checked */
    apr_time_t last_check;
    int named;                 /* by the configuration being read */
    apr_uint64_t logged;       /* hash of the last broken version this process logged */
    rc_source_stats local;     /* the figures until they move into shared memory */
    rc_source_stats *stats;
};

/* A file's state as the image or an .err file records it. */
static void lock(apr_thread_mutex_t *m)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(m);
#else
    (void)m;
#endif
}

static void unlock(apr_thread_mutex_t *m)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(m);
#else
    (void)m;
#endif
}

rc_store *rc_store_get(apr_pool_t *process_pool)
{
    void *found = NULL;
    rc_store *st;
    apr_pool_userdata_get(&found, RC_STORE_KEY, process_pool);
    if (found)
        return found;
    st = apr_pcalloc(process_pool, sizeof(*st));
    st->pool = process_pool;
    st->sources = apr_hash_make(process_pool);
    st->notify_fd = -1;
#if APR_HAS_THREADS
    apr_thread_mutex_create(&st->check_lock, APR_THREAD_MUTEX_DEFAULT, process_pool);
#endif
    apr_pool_userdata_set(st, RC_STORE_KEY, apr_pool_cleanup_null, process_pool);
    return st;
}

void rc_store_set_cache(rc_store *st, const char *dir, int testing)
{
    st->cache = dir ? apr_pstrdup(st->pool, dir) : NULL;
    st->testing = testing;
}

/* "data-3f2a9c1d5e6b7a8c": the file's name for people, a hash of its path for uniqueness. */
static const char *key_of(apr_pool_t *p, const char *path)
{
    const char *base = strrchr(path, '/');
    char *name = apr_pstrdup(p, base ? base + 1 : path), *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    for (char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            *c = '-';
    if (strlen(name) > 40)
        name[40] = '\0';
    return apr_psprintf(p, "%s-%016" APR_UINT64_T_HEX_FMT, name,
                        (apr_uint64_t)XXH3_64bits(path, strlen(path)));
}

rc_source *rc_store_source(rc_store *st, const char *path)
{
    rc_source *src = apr_hash_get(st->sources, path, APR_HASH_KEY_STRING);
    if (!src) {
        src = apr_pcalloc(st->pool, sizeof(*src));
        src->store = st;
        src->path = apr_pstrdup(st->pool, path);
        src->key = key_of(st->pool, path);
#if APR_HAS_THREADS
        apr_thread_mutex_create(&src->lock, APR_THREAD_MUTEX_DEFAULT, st->pool);
#endif
        src->interval = -1;
        src->stats = &src->local;
        apr_hash_set(st->sources, src->path, APR_HASH_KEY_STRING, src);
    }
    src->named = 1;
    return src;
}

/* ---------------------------------------------------------------- versions */

void rc_version_release(rc_version *v)
{
    if (v && apr_atomic_dec32(&v->refs) == 0)
        apr_pool_destroy(v->pool);
}

apr_status_t rc_version_release_cleanup(void *v)
{
    rc_version_release(v);
    return APR_SUCCESS;
}

rc_version *rc_source_acquire(rc_source *src)
{
    rc_version *v;
    lock(src->lock);
    if ((v = src->current) != NULL)
        apr_atomic_inc32(&v->refs);
    unlock(src->lock);
    return v;
}

/* Makes v (with its own reference) the current version. */
static void set_current(rc_source *src, rc_version *v)
{
    rc_version *old;
    lock(src->lock);
    old = src->current;
    src->current = v;
    unlock(src->lock);
    rc_version_release(old);
}

/* A version's pool: unmanaged, so that no parent's list of children is touched by two threads
 * at once, and so that it can be destroyed from whichever thread drops the last reference. */
static rc_version *new_version(void)
{
    apr_pool_t *pool;
    rc_version *v;
    if (apr_pool_create_unmanaged_ex(&pool, NULL, NULL) != APR_SUCCESS)
        return NULL;
    v = apr_pcalloc(pool, sizeof(*v));
    v->pool = pool;
    apr_atomic_set32(&v->refs, 1);
    return v;
}

/* ---------------------------------------------------------------- files' states */

/* 1 while every file an image was built from is as it was then. */
static int image_current(apr_pool_t *p, const rc_image *img)
{
    const rc_img_header *h = rc_img_head(img);
    const rc_img_file *f = RC_AT(img, rc_img_file, h->files);
    for (apr_uint32_t i = 0; i < h->nfiles; i++) {
        rc_file_state s;
        s.path = RC_AT(img, rc_img_str, f[i].path)->s;
        s.mtime = f[i].mtime;
        s.size = f[i].size;
        s.inode = f[i].inode;
        s.dev = f[i].dev;
        s.ctime = f[i].ctime;
        if (!rc_file_unchanged(p, &s))
            return 0;
    }
    return 1;
}

static const char *cache_file(apr_pool_t *p, const rc_source *src, const char *suffix)
{
    return apr_pstrcat(p, src->store->cache, "/", src->key, suffix, NULL);
}

/* ---------------------------------------------------------------- images in the cache */

/* Maps the source's image from the cache folder if it is good and built from the files as they
 * are now (or, with any_age, as they were at any time: the last good version), and its content
 * hash is not unless_hash (may be NULL): the header says so before anything is mapped or summed.
 * NULL when there is none; *why then says what was wrong with the one there (NULL when there was
 * none). */
static rc_version *map_image(rc_source *src, apr_pool_t *p, int any_age, const char *unless_hash,
                             const char **why)
{
    const char *name = cache_file(p, src, ".img");
    apr_file_t *f;
    apr_finfo_t fi;
    apr_mmap_t *mm;
    rc_version *v;
    rc_img_header h;
    apr_size_t n = sizeof(h);
    rc_image img;

    *why = NULL;
    if (!src->store->cache ||
        apr_file_open(&f, name, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p) != APR_SUCCESS)
        return NULL;
    if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS ||
        apr_file_read_full(f, &h, n, &n) != APR_SUCCESS || (apr_off_t)h.size != fi.size ||
        memcmp(h.magic, RC_IMG_MAGIC, 8) || strncmp(h.build_id, rc_build_id, sizeof(h.build_id))) {
        apr_file_close(f);
        *why = "damaged, truncated or built by another build of the module";
        return NULL;
    }
    if ((unless_hash && !strncmp(h.content_hash, unless_hash, sizeof(h.content_hash))) ||
        !(v = new_version())) {
        apr_file_close(f);
        return NULL;
    }
    if (apr_mmap_create(&mm, f, 0, (apr_size_t)fi.size, APR_MMAP_READ, v->pool) != APR_SUCCESS) {
        apr_file_close(f);
        apr_pool_destroy(v->pool);
        *why = "cannot be mapped into memory";
        return NULL;
    }
    /* kept with the version, for mapping_whole() */
    if (apr_file_setaside(&v->file, f, v->pool) != APR_SUCCESS) {
        apr_file_close(f);
        apr_pool_destroy(v->pool);
        return NULL;
    }
    img.base = mm->mm;
    img.size = mm->size;
    /* the files' states first: a stale image need not be summed */
    if (!any_age && !image_current(p, &img)) {
        apr_pool_destroy(v->pool);
        return NULL;
    }
    if ((*why = rc_image_check(img.base, img.size)) != NULL) {
        apr_pool_destroy(v->pool);
        return NULL;
    }
    v->data = rc_data_open(v->pool, &img);
    return v;
}

/* 0 when the image file under v's mapping was cut short in place (a rename puts another file
 * there and leaves the mapped one whole): reading past the file's new end would kill the
 * process with SIGBUS, and every child forked from a parent that holds it would die too. */
static int mapping_whole(const rc_version *v)
{
    apr_finfo_t fi;
    return !v->file || apr_file_info_get(&fi, APR_FINFO_SIZE, v->file) != APR_SUCCESS ||
           (apr_size_t)fi.size >= v->data->img.size;
}

/* ---------------------------------------------------------------- broken versions */

/* The .err file's text: what a failed build read and why it failed. A hash of it names the
 * broken version, so that each process logs each broken version once (two broken edits may
 * well give the same message). */
static const char *err_text(apr_pool_t *p, const apr_array_header_t *files, const char *message)
{
    const char *text = apr_pstrcat(p, RC_ERR_MAGIC, "\n", rc_build_id, "\n", NULL);
    for (int i = 0; i < files->nelts; i++) {
        const rc_file_state *fs = &APR_ARRAY_IDX(files, i, rc_file_state);
        text = apr_psprintf(p, "%s%" APR_INT64_T_FMT "\t%" APR_INT64_T_FMT "\t%" APR_UINT64_T_FMT
                            "\t%" APR_UINT64_T_FMT "\t%" APR_INT64_T_FMT "\t%s\n", text,
                            fs->mtime, fs->size, fs->inode, fs->dev, fs->ctime, fs->path);
    }
    return apr_pstrcat(p, text, "\n", message, NULL);
}

static void write_err(rc_source *src, apr_pool_t *p, const char *text)
{
    const char *name = cache_file(p, src, ".err");
    const char *tmp = apr_psprintf(p, "%s.tmp-%" APR_PID_T_FMT, name, getpid());
    apr_file_t *f;
    if (apr_file_open(&f, tmp, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                      APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD | APR_FPROT_WREAD,
                      p) != APR_SUCCESS)
        return;
    if (apr_file_write_full(f, text, strlen(text), NULL) == APR_SUCCESS &&
        apr_file_close(f) == APR_SUCCESS)
        apr_file_rename(tmp, name, p);
    else {
        apr_file_close(f);
        apr_file_remove(tmp, p);
    }
}

/* The message of the source's .err file if it says that the files as they are now do not build
 * (with this build of the module); NULL otherwise. *id gets a hash of the file, to log it once. */
static const char *read_err(rc_source *src, apr_pool_t *p, apr_uint64_t *id)
{
    const char *name = cache_file(p, src, ".err");
    apr_file_t *f;
    apr_finfo_t fi;
    char *buf, *line, *next;
    apr_size_t n;

    if (!src->store->cache ||
        apr_file_open(&f, name, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p) != APR_SUCCESS)
        return NULL;
    if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS || fi.size > (1 << 20)) {
        apr_file_close(f);
        return NULL;
    }
    n = (apr_size_t)fi.size;
    buf = apr_palloc(p, n + 1);
    if (apr_file_read_full(f, buf, n, &n) != APR_SUCCESS) {
        apr_file_close(f);
        return NULL;
    }
    apr_file_close(f);
    buf[n] = '\0';
    *id = XXH3_64bits(buf, n);
    /* RC_ERR_MAGIC, the build id, one line per file, an empty line, the message */
    if (strncmp(buf, RC_ERR_MAGIC "\n", sizeof(RC_ERR_MAGIC)) ||
        !(next = strchr(buf + sizeof(RC_ERR_MAGIC), '\n')))
        return NULL;
    *next = '\0';
    if (strcmp(buf + sizeof(RC_ERR_MAGIC), rc_build_id))
        return NULL;
    for (line = next + 1; (next = strchr(line, '\n')) != NULL; line = next + 1) {
        rc_file_state s;
        char *end;
        if (next == line)
            return line + 1;  /* the message */
        *next = '\0';
        s.mtime = apr_strtoi64(line, &end, 10);
        s.size = apr_strtoi64(end, &end, 10);
        s.inode = (apr_uint64_t)apr_strtoi64(end, &end, 10);
        s.dev = (apr_uint64_t)apr_strtoi64(end, &end, 10);
        s.ctime = apr_strtoi64(end, &end, 10);
        if (*end != '\t')
            return NULL;
        s.path = end + 1;
        if (!rc_file_unchanged(p, &s))
            return NULL;
    }
    return NULL;
}

/* ---------------------------------------------------------------- builds */

static void note_error(rc_source *src, const char *message)
{
    rc_source_stats *st = src->stats;
    while (apr_atomic_cas32(&st->lock, 1, 0) != 0)
        ;  /* held for a copy of at most 1 KB */
    apr_cpystrn(st->last_error, message ? message : "", sizeof(st->last_error));
    rc_utf8_drop_cut(st->last_error);  /* a long message is cut on a character's edge */
    st->last_error_at = message ? apr_time_now() : 0;
    apr_atomic_set32(&st->lock, 0);
}

/* Builds the source into memory: a version of this process alone. */
static rc_version *build_memory(rc_source *src, apr_pool_t *p, const char **err,
                                apr_uint64_t *err_id)
{
    rc_version *v = new_version();
    apr_array_header_t *files = apr_array_make(p, 8, sizeof(rc_file_state));
    rc_imgw *w;
    if (!v) {
        *err = "out of memory";
        return NULL;
    }
    w = rc_imgw_memory(v->pool);
    src->store->built = 1;
    if ((*err = rc_build_file(p, src->path, w, files)) != NULL) {
        const char *text = err_text(p, files, *err);
        *err_id = XXH3_64bits(text, strlen(text));
        apr_pool_destroy(v->pool);
        return NULL;
    }
    v->data = rc_data_open(v->pool, rc_imgw_image(w));
    return v;
}

/* Builds the source's image into the cache folder (the caller holds its lock). Returns NULL
 * and sets *err to the build's message when the data is broken, or *trouble when the cache
 * folder cannot take it (then the caller builds in memory). */
static rc_version *build_cached(rc_source *src, apr_pool_t *p, const char **err,
                                apr_uint64_t *err_id, const char **trouble)
{
    const char *name = cache_file(p, src, ".img");
    const char *tmp = apr_psprintf(p, "%s.tmp-%" APR_PID_T_FMT, name, getpid());
    apr_array_header_t *files = apr_array_make(p, 8, sizeof(rc_file_state));
    apr_file_t *f;
    apr_status_t rv;
    char msg[120];
    rc_imgw *w;
    rc_version *v;
    const char *why;

    *err = *trouble = NULL;
    if ((rv = apr_file_open(&f, tmp, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE |
                                         APR_FOPEN_BINARY,
                            APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD |
                                APR_FPROT_WREAD, p)) != APR_SUCCESS) {
        *trouble = apr_psprintf(p, "cannot write %s: %s", tmp, apr_strerror(rv, msg, sizeof(msg)));
        return NULL;
    }
    w = rc_imgw_file(p, f);
    src->store->built = 1;
    *err = rc_build_file(p, src->path, w, files);
    rv = apr_file_close(f);
    if (*err) {
        apr_file_remove(tmp, p);
        if (rc_imgw_io_failed(w)) {  /* the folder's trouble, not the data's */
            *trouble = *err;
            *err = NULL;
            return NULL;
        }
        apr_atomic_inc32(&src->stats->failures);
        note_error(src, *err);
        {
            const char *text = err_text(p, files, *err);
            *err_id = XXH3_64bits(text, strlen(text));
            write_err(src, p, text);
        }
        return NULL;
    }
    if (rv != APR_SUCCESS || (rv = apr_file_rename(tmp, name, p)) != APR_SUCCESS) {
        apr_file_remove(tmp, p);
        *trouble = apr_psprintf(p, "cannot write %s: %s", name, apr_strerror(rv, msg, sizeof(msg)));
        return NULL;
    }
    apr_file_remove(cache_file(p, src, ".err"), p);
    apr_atomic_inc32(&src->stats->builds);
    note_error(src, NULL);
    if (!(v = map_image(src, p, 1, NULL, &why))) {
        *trouble = apr_psprintf(p, "cannot read back %s: %s", name, why ? why : "gone");
        return NULL;
    }
    return v;
}

/* The source's lock file, locked (blocking or not); NULL when it is not: busy (another process
 * builds), or with *trouble saying why it cannot be had (the folder gone or not writable). */
static apr_file_t *take_lock(rc_source *src, apr_pool_t *p, int wait, const char **trouble)
{
    apr_file_t *f;
    apr_os_file_t fd;
    apr_status_t rv;
    char msg[120];
    const char *name = cache_file(p, src, ".lock");
    /* flock() rather than apr_file_lock(): fcntl() locks, which APR uses, belong to the process,
     * so two threads of one process would both get them. flock() needs no write access, and a
     * descriptor opened for reading closes without the IN_CLOSE_WRITE that would wake every
     * process watching the folder (a check each, while one process builds). */
    if ((rv = apr_file_open(&f, name, APR_FOPEN_READ | APR_FOPEN_CREATE,
                            APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD |
                                APR_FPROT_WREAD,
                            p)) != APR_SUCCESS) {
        *trouble = apr_psprintf(p, "cannot open %s: %s", name, apr_strerror(rv, msg, sizeof(msg)));
        return NULL;
    }
    apr_os_file_get(&fd, f);
    while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
        if (errno != EINTR) {
            if (errno != EWOULDBLOCK)
                *trouble = apr_psprintf(p, "cannot lock %s: %s", name, strerror(errno));
            apr_file_close(f);
            return NULL;
        }
    }
    return f;
}

static void drop_lock(apr_file_t *f)
{
    apr_os_file_t fd;
    apr_os_file_get(&fd, f);
    flock(fd, LOCK_UN);
    apr_file_close(f);
}

/* Logs a broken version once per process. */
static void log_broken(rc_source *src, apr_uint64_t id, const char *message, rc_log_fn log,
                       void *ctx)
{
    if (id != src->logged) {
        src->logged = id;
        if (log)
            log(ctx, 0, message);
    }
}

/* The version for the files as they are now: NULL with *err when they do not build (or with
 * neither when another process is building them and wait is 0). */
static rc_version *next_version(rc_source *src, apr_pool_t *p, int may_build, int wait,
                                const char **err, apr_uint64_t *err_id, rc_log_fn log,
                                void *ctx)
{
    rc_store *st = src->store;
    rc_version *v;
    apr_file_t *lk;
    const char *why, *trouble = NULL;

    *err = NULL;
    *err_id = 0;
    if (st->cache) {
        if ((v = map_image(src, p, 0, NULL, &why)) != NULL)
            return v;
        if ((*err = read_err(src, p, err_id)) != NULL)
            return NULL;
        if (st->testing)
            return build_memory(src, p, err, err_id);
        if (!may_build)
            return NULL;
        if (!(lk = take_lock(src, p, wait, &trouble)) && !trouble)
            return NULL;  /* another process builds it */
        /* without the lock, the folder went (or was made unwritable) while httpd runs: this
         * process builds in memory below, once per change, and says so */
        if (lk) {
            /* someone may have built it while we waited */
            if ((v = map_image(src, p, 0, NULL, &why)) == NULL &&
                (*err = read_err(src, p, err_id)) == NULL)
                v = build_cached(src, p, err, err_id, &trouble);
            drop_lock(lk);
            if (v || *err)
                return v;
        }
        if (log)
            log(ctx, 1, apr_psprintf(p, "the cache folder %s: %s; this process builds its own "
                                        "copy of %s in memory", st->cache, trouble, src->path));
    }
    if (!may_build && !st->testing)
        return NULL;
    v = build_memory(src, p, err, err_id);
    if (*err) {
        apr_atomic_inc32(&src->stats->failures);
        note_error(src, *err);
    }
    else
        apr_atomic_inc32(&src->stats->builds);
    return v;
}

/* ---------------------------------------------------------------- change notices */

static void watch_dir_of(rc_store *st, const char *path, apr_pool_t *p)
{
#ifdef __linux__
    const char *slash = strrchr(path, '/');
    if (st->notify_fd < 0 || !slash)
        return;
    /* the folder, not the file: editors and rsync replace files by renaming into place */
    inotify_add_watch(st->notify_fd, slash == path ? "/" : apr_pstrndup(p, path, (apr_size_t)(slash - path)),
                      IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB);
#else
    (void)st;
    (void)path;
    (void)p;
#endif
}

/* Watches the folders of the version's files (adding a watch twice is harmless). */
static void watch_version(rc_store *st, const rc_version *v, apr_pool_t *p)
{
    const rc_img_header *h;
    const rc_img_file *f;
    if (!v || st->notify_fd < 0)
        return;
    h = v->data->head;
    f = RC_AT(&v->data->img, rc_img_file, h->files);
    for (apr_uint32_t i = 0; i < h->nfiles; i++)
        watch_dir_of(st, RC_AT(&v->data->img, rc_img_str, f[i].path)->s, p);
}

int rc_store_notify_fd(rc_store *st)
{
#ifdef __linux__
    apr_pool_t *p;
    if (st->notify_pid == getpid())
        return st->notify_fd;
    st->notify_pid = getpid();
    /* a descriptor inherited from the parent is the parent's */
    st->notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (st->notify_fd < 0)
        return -1;
    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    if (st->cache)
        /* images and .err files are renamed into place */
        inotify_add_watch(st->notify_fd, st->cache, IN_MOVED_TO);
    for (apr_hash_index_t *hi = apr_hash_first(p, st->sources); hi; hi = apr_hash_next(hi)) {
        rc_source *src = apr_hash_this_val(hi);
        if (src->interval > 0) {
            rc_version *v = rc_source_acquire(src);
            watch_dir_of(st, src->path, p);
            watch_version(st, v, p);
            rc_version_release(v);
        }
    }
    apr_pool_destroy(p);
    return st->notify_fd;
#else
    (void)st;
    return -1;
#endif
}

int rc_store_notified(rc_store *st)
{
#ifdef __linux__
    char buf[4096];
    int any = 0;
    if (st->notify_fd < 0)
        return 0;
    while (read(st->notify_fd, buf, sizeof(buf)) > 0)
        any = 1;
    if (any)
        st->notified = 1;
    return any;
#else
    (void)st;
    return 0;
#endif
}

/* With the files broken: makes the last good version current, the image in the cache folder,
 * when it is not already. A process forked from a parent that holds an older version (httpd's
 * parent does not check between requests) would otherwise serve that one. */
static void adopt_last_good(rc_source *src, apr_pool_t *p)
{
    const char *why;
    /* only another version than the current one is mapped (and summed) */
    rc_version *v = map_image(src, p, 1, src->current ? src->current->data->hash : NULL, &why);
    if (v)
        set_current(src, v);
}

/* 1 when the current version's files changed. A version whose image file was cut short is
 * dropped before it is read. */
static int changed(rc_source *src, apr_pool_t *p)
{
    rc_version *v = src->current;  /* only the checker replaces it */
    if (v && !mapping_whole(v)) {
        set_current(src, NULL);
        return 1;
    }
    return !v || !image_current(p, &v->data->img);
}

const char *rc_source_load(rc_source *src, int keep_old, int *kept, rc_log_fn log, void *ctx)
{
    apr_pool_t *tmp;
    const char *err = NULL;
    apr_uint64_t id;
    rc_version *v;

    *kept = 0;
    apr_pool_create(&tmp, src->store->pool);
    if (!changed(src, tmp)) {
        apr_pool_destroy(tmp);
        return NULL;
    }
    v = next_version(src, tmp, 1, 1, &err, &id, log, ctx);
    if (v)
        set_current(src, v);
    else if (err) {
        src->logged = id;  /* the caller reports it */
        if (keep_old)
            adopt_last_good(src, tmp);
        if (keep_old && src->current)
            *kept = 1;
        else
            set_current(src, NULL);
        err = apr_pstrdup(src->store->pool, err);
    }
    apr_pool_destroy(tmp);
    return err;
}

void rc_source_note_interval(rc_source *src, apr_interval_time_t interval)
{
    if (src->interval < 0 || (interval > 0 && (src->interval == 0 || interval < src->interval)))
        src->interval = interval;
}

void rc_store_begin_config(rc_store *st)
{
    for (apr_hash_index_t *hi = apr_hash_first(NULL, st->sources); hi; hi = apr_hash_next(hi)) {
        rc_source *src = apr_hash_this_val(hi);
        src->interval = -1;
        src->named = 0;
    }
}

void rc_store_end_config(rc_store *st)
{
    apr_hash_index_t *hi = apr_hash_first(NULL, st->sources);
    while (hi) {
        rc_source *src = apr_hash_this_val(hi);
        hi = apr_hash_next(hi);
        if (!src->named) {
            apr_hash_set(st->sources, src->path, APR_HASH_KEY_STRING, NULL);
            set_current(src, NULL);
        }
    }
}

static void check_source(rc_source *src, int may_build, rc_log_fn log, void *ctx,
                         apr_pool_t *p)
{
    apr_time_t now = apr_time_now();
    const char *err;
    apr_uint64_t id;
    rc_version *v;

    if (src->interval <= 0 || (!src->store->notified && now - src->last_check < src->interval))
        return;
    src->last_check = now;
    src->stats->last_check = now;
    if (!changed(src, p))
        return;
    v = next_version(src, p, may_build, 0, &err, &id, log, ctx);
    if (v) {
        set_current(src, v);
        if (src->store->notify_pid == getpid())
            watch_version(src->store, v, p);  /* its page files may be in new folders */
    }
    else {
        /* broken, or not built yet: meanwhile the last good version, which the others serve */
        adopt_last_good(src, p);
        if (err)
            log_broken(src, id, err, log, ctx);
        else if (!may_build)
            /* due again at once for the next check that may build it (a process that lives
             * shorter than an interval would otherwise never build it) */
            src->last_check = 0;
    }
}

void rc_store_check(rc_store *st, int may_build, rc_log_fn log, void *ctx)
{
    apr_pool_t *p, *scratch;
    lock(st->check_lock);
    /* unmanaged: this runs in the loader thread while request threads create pools */
    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    apr_pool_create(&scratch, p);
    for (apr_hash_index_t *hi = apr_hash_first(p, st->sources); hi; hi = apr_hash_next(hi)) {
        check_source(apr_hash_this_val(hi), may_build, log, ctx, scratch);
        apr_pool_clear(scratch);
    }
    st->notified = 0;
    apr_pool_destroy(p);
#ifdef __GLIBC__
    /* A build's parse trees and tables (tens of MB at 100k items) were freed, but glibc keeps
     * freed memory for later: a process that built a version would stay that much bigger. */
    if (st->built)
        malloc_trim(0);
#endif
    st->built = 0;
    unlock(st->check_lock);
}

int rc_store_reloads(const rc_store *st)
{
    for (apr_hash_index_t *hi = apr_hash_first(NULL, st->sources); hi; hi = apr_hash_next(hi))
        if (((const rc_source *)apr_hash_this_val(hi))->interval > 0)
            return 1;
    return 0;
}

apr_size_t rc_store_stats_size(const rc_store *st)
{
    return sizeof(rc_source_stats) * (apr_hash_count(st->sources) + 1);
}

void rc_store_share(rc_store *st, void *mem)
{
    rc_source_stats *slot = mem;
    for (apr_hash_index_t *hi = apr_hash_first(NULL, st->sources); hi; hi = apr_hash_next(hi)) {
        rc_source *src = apr_hash_this_val(hi);
        if (!mem) {  /* back into the process, before the shared memory goes */
            if (src->stats != &src->local)
                memcpy(&src->local, src->stats, sizeof(src->local));
            src->local.lock = 0;
            src->stats = &src->local;
            continue;
        }
        memcpy(slot, src->stats, sizeof(*slot));
        slot->lock = 0;
        src->stats = slot++;
    }
}

void rc_store_chown(rc_store *st, long uid, long gid, rc_log_fn log, void *ctx)
{
    apr_pool_t *p;
    apr_dir_t *dir;
    apr_finfo_t fi;
    if (!st->cache || st->testing || geteuid() != 0)
        return;
    apr_pool_create(&p, st->pool);
    if (chown(st->cache, (uid_t)uid, (gid_t)gid) != 0 && log)
        log(ctx, 1, apr_psprintf(p, "cannot give the cache folder %s to the server's user: %s",
                                 st->cache, strerror(errno)));
    if (apr_dir_open(&dir, st->cache, p) == APR_SUCCESS) {
        while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, dir) == APR_SUCCESS)
            if (fi.filetype == APR_REG) {
                const char *path = apr_pstrcat(p, st->cache, "/", fi.name, NULL);
                if (chown(path, (uid_t)uid, (gid_t)gid) != 0 && log)
                    log(ctx, 1, apr_psprintf(p, "cannot give %s to the server's user: %s", path,
                                             strerror(errno)));
            }
        apr_dir_close(dir);
    }
    apr_pool_destroy(p);
}

void rc_store_each(rc_store *st, apr_pool_t *p, rc_source_fn fn, void *ctx)
{
    for (apr_hash_index_t *hi = apr_hash_first(p, st->sources); hi; hi = apr_hash_next(hi)) {
        rc_source *src = apr_hash_this_val(hi);
        rc_version *v = rc_source_acquire(src);
        fn(ctx, src->path, v, src->stats);
        rc_version_release(v);
    }
}
