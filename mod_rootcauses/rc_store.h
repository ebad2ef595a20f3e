/* rc_store: the data versions of a process, and how one built version is shared by every process
 * of the machine.
 *
 * One rc_source per data file (a file named twice is loaded once). Its current version is an
 * image (rc_image.h) in the cache folder, "<name>-<hash of the path>.img", mapped read-only by
 * every process; requests take a reference on the current version, which a check replaces when
 * the data file or a page file changed. A changed file is built once per machine: the process
 * that first sees the change takes the source's lock ("<...>.lock", flock) and builds while the
 * others go on serving; it writes the image under a temporary name and renames it into place,
 * and the others map it at their next check. A build that fails leaves "<...>.err" (the files'
 * state, the build id and the message), so that the others log the same message once and go on
 * with the last good version. An image that is damaged, truncated or from another build of the
 * module is never served: it is built again. Without a usable cache folder each process builds
 * its own version in memory. APR only. */
#ifndef RC_STORE_H
#define RC_STORE_H

#include <apr_file_io.h>
#include <apr_pools.h>
#include <apr_time.h>

#include "rc_data.h"

typedef struct rc_version {
    volatile apr_uint32_t refs;
    apr_pool_t *pool;        /* unmanaged: the view, and the mapping or the memory image */
    rc_data *data;
    /* the image file mapped from the cache folder, kept open to see it cut short; NULL for a
     * version built in this process's memory */
    apr_file_t *file;
} rc_version;

/* Figures of one source for server-status, for the whole server when they live in shared
 * memory (rc_store_share), else for this process. */
typedef struct rc_source_stats {
    volatile apr_uint32_t builds, failures; /* builds done by any process, and failed ones */
    volatile apr_uint32_t lock;             /* guards last_error (a spin lock) */
    volatile apr_uint32_t pad;
    volatile apr_int64_t last_check;        /* apr_time_t of the last check by any process */
    volatile apr_int64_t last_error_at;
    char last_error[1024];                  /* the last build's message, "" after a good one */
} rc_source_stats;

typedef struct rc_store rc_store;
typedef struct rc_source rc_source;

/* How the store reports a rejected new version (once per process and broken version), and other
 * trouble (warnings). */
typedef void (*rc_log_fn)(void *ctx, int warning, const char *message);

/* The process-wide store, created on first use in process_pool (which outlives restarts).
 * Call only while single-threaded (configuration time). */
rc_store *rc_store_get(apr_pool_t *process_pool);

/* Where built versions are kept (absolute; NULL: each process builds its own in memory). Files
 * created there by root are given to uid:gid (the server's user) by rc_store_chown. Set before
 * any source loads; testing: no file is written (a configuration test only reads). */
void rc_store_set_cache(rc_store *st, const char *dir, int testing);

/* The source for path (absolute), created if new. Configuration time only. */
rc_source *rc_store_source(rc_store *st, const char *path);

/* Makes the source's version current for the files as they are now: maps the built image when
 * there is a good one, else builds it (waiting for another process that builds it). On an
 * invalid file returns the message; if keep_old is set and a version exists it is kept
 * (*kept = 1), else the source has no version. Configuration time only. */
const char *rc_source_load(rc_source *src, int keep_old, int *kept, rc_log_fn log, void *ctx);

/* The current version with a reference taken, or NULL when none is loaded. Thread-safe. */
rc_version *rc_source_acquire(rc_source *src);

/* Drops a reference; the last one unmaps the version. Thread-safe. */
void rc_version_release(rc_version *v);

/* rc_version_release as a pool cleanup, for r->pool. */
apr_status_t rc_version_release_cleanup(void *v);

/* Notes a RootCausesReloadInterval that applies to the source (configuration time): sources are
 * checked at the shortest positive one noted, never when all are 0. */
void rc_source_note_interval(rc_source *src, apr_interval_time_t interval);

/* Starts a new configuration: forgets the intervals noted and which sources it names. */
void rc_store_begin_config(rc_store *st);

/* Ends it: sources the new configuration does not name are retired (no longer checked; their
 * version goes with its last request). */
void rc_store_end_config(rc_store *st);

/* Checks every source that is due: if its files changed, maps the new version another process
 * built, or builds it when may_build (and no other process is building it); a broken version is
 * reported through log once per process. In each process's loader thread, and once when a
 * process starts (without building). Thread-safe against requests; one checker at a time. */
void rc_store_check(rc_store *st, int may_build, rc_log_fn log, void *ctx);

/* A descriptor that becomes readable when a source's data or page files or the cache folder
 * change (Linux inotify), so that the loader can check at once rather than at the next interval:
 * a change is then served within the time to build it. -1 where there is none (checks come
 * every interval only). Per process: call it in the process that waits on it. */
int rc_store_notify_fd(rc_store *st);

/* Reads what the descriptor has; 1 when something changed (checks are then due at once). */
int rc_store_notified(rc_store *st);

/* 1 if any source is to be checked for change (a positive interval). */
int rc_store_reloads(const rc_store *st);

/* Moves every source's figures into mem (rc_store_stats_size() bytes of memory that every
 * process shares), so that they are the whole server's; with mem NULL, back into the process.
 * Configuration time. */
apr_size_t rc_store_stats_size(const rc_store *st);
void rc_store_share(rc_store *st, void *mem);

/* Gives the cache folder and every file in it to uid:gid (the parent runs as root, the children
 * as the server's user, who must be able to replace them). */
void rc_store_chown(rc_store *st, long uid, long gid, rc_log_fn log, void *ctx);

/* For server-status: calls fn for each source with its current version (may be NULL, not
 * referenced past the call) and its figures. */
typedef void (*rc_source_fn)(void *ctx, const char *path, const rc_version *v,
                             const rc_source_stats *stats);
void rc_store_each(rc_store *st, apr_pool_t *p, rc_source_fn fn, void *ctx);

#endif
