/* rc_data: one version of the data file, loaded, validated and indexed. APR + jansson only. */
#ifndef RC_DATA_H
#define RC_DATA_H

#include <apr_pools.h>
#include <apr_time.h>
#include <apr_hash.h>
#include <apr_tables.h>

#include "rc_date.h"

/* Bytes that a writer hands out as they are. */
typedef struct rc_piece {
    const char *s;
    apr_size_t n;
} rc_piece;

/* Output rendered at load time in two halves, to be written around the mount point's path. */
typedef struct rc_split {
    rc_piece before, after;
} rc_split;

typedef struct rc_country {
    const char *code;   /* two upper-case letters */
    const char *name;
    const char *folded; /* name folded for matching */
} rc_country;

typedef struct rc_document {
    const char *title;
    const char *href;
    apr_int64_t bytes;  /* -1 when not given */
} rc_document;

typedef struct rc_person {
    const char *name;
    int country;        /* index into rc_data.countries, -1 when not given */
    const char *position;
} rc_person;

typedef struct rc_item {
    const char *id;
    const char *title;
    const char *date_text;  /* as written in the data */
    rc_date date;
    int *countries;         /* indexes into rc_data.countries, in data order */
    int ncountries;
    const char *kind, *summary, *source; /* NULL when not given */
    rc_document *documents;
    int ndocuments;
    rc_person *persons;
    int npersons;
    const char *folded;     /* title, summary, persons' names and positions, folded, '\n'-joined */
    rc_split json;          /* the item as JSON (SPEC §7), written at load around its "url" */
    rc_split html_row;      /* its listing row, rendered once per version by rc_render_prepare() */
} rc_item;

typedef struct rc_collection {
    const char *slug, *title;
    rc_item *items;
    int nitems;
    int *by_date_desc;      /* item indexes, newest first, ties by id ascending */
    int *by_date_asc;       /* oldest first, ties by id ascending */
    const char **kinds;     /* distinct kinds of its items, sorted */
    int nkinds;
    int min_year, max_year; /* of its items' dates; 0 when it has none */
    apr_hash_t *by_id;      /* id -> rc_item* */
    struct rc_index *index; /* NULL when the data is beyond the index (see rc_index.h) */
} rc_collection;

typedef struct rc_page {
    const char *slug, *title;
    const char *file;       /* absolute path */
    const char *body;       /* the fragment, read at load */
    apr_size_t body_len;
    apr_time_t mtime;       /* newer of the data file's and the fragment's */
} rc_page;

/* One entry of the navigation: a page or a collection, in data order. */
typedef struct rc_nav {
    const char *slug, *title;
    rc_page *page;          /* exactly one of page and collection is set */
    rc_collection *collection;
} rc_nav;

/* A file the version was built from, to notice when it changes. */
typedef struct rc_source_file {
    const char *path;
    apr_time_t mtime;
    apr_off_t size;
    apr_ino_t inode;
} rc_source_file;

typedef struct rc_data {
    apr_pool_t *pool;
    const char *path;       /* absolute path of the data file */
    const char *title;
    rc_country *countries;
    int ncountries;
    rc_page *pages;
    int npages;
    rc_collection *collections;
    int ncollections;
    rc_nav *nav;            /* pages and collections interleaved in data order */
    int nnav;
    apr_hash_t *slugs;      /* slug -> rc_nav* */
    apr_time_t mtime;       /* the data file's */
    char hash[17];          /* hex digest of the data file and every fragment, for ETags */
    rc_source_file *files;  /* the data file first, then each fragment */
    int nfiles;
} rc_data;

/* Loads and validates the data file at path (absolute) into pool p. On error returns a message
 * naming the file and either line:column (syntax) or the JSON path, the bad value and what was
 * expected; *out is then untouched. */
const char *rc_data_load(apr_pool_t *p, const char *path, rc_data **out);

/* The same; on error also appends to failed_files (rc_source_file, strings allocated from its
 * pool) every file the load read or tried to read, with its state then (zeros when missing). */
const char *rc_data_load_files(apr_pool_t *p, const char *path, rc_data **out,
                               apr_array_header_t *failed_files);

/* Loads a data file from memory (for tests and fuzzing): page files are not read. */
const char *rc_data_load_buffer(apr_pool_t *p, const char *name, const char *buf,
                                apr_size_t len, rc_data **out);

/* Index of the country whose code is code, or -1. */
int rc_data_country(const rc_data *d, const char *code);

/* The page or collection with that slug, or NULL. */
const rc_nav *rc_data_nav(const rc_data *d, const char *slug);

/* 1 if slug matches ^[a-z0-9][a-z0-9-]{0,63}$ */
int rc_slug_valid(const char *slug);

#endif
