/* rc_build: reads a data file (the rules of docs/REFERENCE.md "The data file"), checks every
 * rule, and writes its image (rc_image.h): strings, items in date order, the indexes of the
 * filters and q's dictionary. APR, yajl and xxHash only. */
#ifndef RC_BUILD_H
#define RC_BUILD_H

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "rc_image.h"

/* Where an image is written: a file (streamed, never whole in memory), or memory. */
typedef struct rc_imgw rc_imgw;

/* A writer into f, which must be empty and open for writing and seeking. */
rc_imgw *rc_imgw_file(apr_pool_t *p, apr_file_t *f);

/* A writer into memory; rc_imgw_image() gives the result, which lives as long as p. */
rc_imgw *rc_imgw_memory(apr_pool_t *p);
const rc_image *rc_imgw_image(rc_imgw *w);

/* Appends len bytes after padding to a multiple of align (a power of two <= 64) with zeros;
 * returns their offset. On an error (write error, or past 4 GB, the format's limit) returns 0
 * and later calls do nothing; rc_imgw_error() says why. */
apr_uint32_t rc_imgw_put(rc_imgw *w, const void *data, apr_size_t len, apr_size_t align);
const char *rc_imgw_error(const rc_imgw *w);
/* 1 when the error was the file's (a write failed), not the data's. */
int rc_imgw_io_failed(const rc_imgw *w);

/* What the build read: each file with its state before it was read (zeros when missing), the
 * data file first. Filled whether the build succeeds or not, so that a broken version is tried
 * again only when one of its files changes. */
typedef struct rc_file_state {
    const char *path;
    apr_int64_t mtime, size;
    apr_uint64_t inode, dev;
    apr_int64_t ctime;       /* changes with a chmod, which makes an unreadable file readable */
} rc_file_state;

/* What apr_stat() and apr_file_info_get() fill for an rc_file_state. */
#define RC_FILE_STATE_WANTED                                                                       \
    (APR_FINFO_MTIME | APR_FINFO_CTIME | APR_FINFO_SIZE | APR_FINFO_INODE | APR_FINFO_DEV)

/* Fills *s with path's state as stat() sees it now (through links; zeros when it is missing). */
void rc_file_stat(apr_pool_t *p, const char *path, rc_file_state *s);
/* 1 when the file at was->path is still in the state *was. */
int rc_file_unchanged(apr_pool_t *p, const rc_file_state *was);

/* A one-line summary of one collection of a built image (rootcauses-check). */
typedef struct rc_build_summary {
    const char *slug;
    int items;
    const char *first_date, *last_date;  /* as written; NULL when it has no items */
    const char *countries;               /* the codes its items name, "GT, HN" */
} rc_build_summary;

/* Builds the image of the data file at path (absolute) into w. On error returns the message
 * (file and line:column for syntax, else file, JSON path, the value and what was expected).
 * files (of rc_file_state, may be NULL) gets what was read, in p. */
const char *rc_build_file(apr_pool_t *p, const char *path, rc_imgw *w,
                          apr_array_header_t *files);

/* The same from a buffer (tests, fuzzing): page files are not read, their bodies are empty. */
const char *rc_build_buffer(apr_pool_t *p, const char *name, const char *buf, apr_size_t len,
                            rc_imgw *w);

/* Reads the whole regular file at path (at most limit bytes) into p, NUL-terminated; *fi gets
 * its state. NULL, or why not ("No such file or directory", "larger than 16 MB", ...). */
const char *rc_file_read(apr_pool_t *p, const char *path, apr_off_t limit, char **buf,
                         apr_size_t *len, apr_finfo_t *fi);

/* 1 if slug matches ^[a-z0-9][a-z0-9-]{0,63}$ */
int rc_slug_valid(const char *slug);

#endif
