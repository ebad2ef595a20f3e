/* rc_store: the data versions of a process. One rc_source per data file (a file named twice is
 * loaded once); each source has a current version that requests take a reference on, and that
 * is replaced when the file changes and the new file is valid. APR only. */
#ifndef RC_STORE_H
#define RC_STORE_H

#include <apr_pools.h>
#include <apr_time.h>

#include "rc_data.h"

typedef struct rc_version {
    apr_pool_t *pool;        /* unmanaged: destroyed by the last rc_version_release() */
    rc_data *data;
    struct rc_cache *cache;  /* whole responses of this version (rc_cache.h) */
    volatile apr_uint32_t refs;
} rc_version;

typedef struct rc_store rc_store;
typedef struct rc_source rc_source;

/* How the store reports a rejected new version (once per process and change of the file). */
typedef void (*rc_log_fn)(void *ctx, const char *message);

/* The process-wide store, created on first use in process_pool (which outlives restarts).
 * Call only while single-threaded (configuration time). */
rc_store *rc_store_get(apr_pool_t *process_pool);

/* The source for path (absolute), created if new. Configuration time only. */
rc_source *rc_store_source(rc_store *st, const char *path);

/* Loads the source's file unless the current version is still up to date. On an invalid file
 * returns the message; if keep_old is set and a version exists it is kept (*kept = 1), else
 * the source has no version. Configuration time only. */
const char *rc_source_load(rc_source *src, int keep_old, int *kept);

/* The current version with a reference taken. At most once per interval (0: never) it first
 * checks whether the files changed and, if so, loads them; an invalid new file is reported
 * through log once and the current version goes on being served. Thread-safe. */
rc_version *rc_source_acquire(rc_source *src, apr_interval_time_t interval, rc_log_fn log,
                              void *log_ctx);

/* Notes a RootCausesReloadInterval that applies to the source (configuration time): the
 * parent process checks each source at the shortest positive one noted, 0 when all are 0. */
void rc_source_note_interval(rc_source *src, apr_interval_time_t interval);

/* Forgets the intervals noted (before a new configuration notes its own). */
void rc_source_reset_interval(rc_source *src);

/* Checks every source that is due, as rc_source_acquire does: in each process's loader thread,
 * and in httpd's parent, so that processes it starts later begin with the last good version. */
void rc_store_check(rc_store *st, rc_log_fn log, void *log_ctx);

/* 1 if any source is to be checked for change (a positive interval). */
int rc_store_reloads(const rc_store *st);

/* Drops a reference; the last one frees the version. Thread-safe. */
void rc_version_release(rc_version *v);

/* rc_version_release as a pool cleanup, for r->pool. */
apr_status_t rc_version_release_cleanup(void *v);

#endif
