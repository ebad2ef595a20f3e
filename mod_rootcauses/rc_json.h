/* rc_json: reads a JSON document with yajl's event parser into small trees, so that a data file
 * of any size is read in bounded memory: the values at one chosen depth (a collection's items)
 * are handed to a callback one at a time and then dropped; everything else is kept as a tree.
 * Syntax errors name line and column. APR and yajl only. */
#ifndef RC_JSON_H
#define RC_JSON_H

#include <apr_pools.h>

typedef enum rc_jtype {
    RC_JNULL = 0,
    RC_JFALSE,
    RC_JTRUE,
    RC_JNUMBER,  /* s holds the number as written */
    RC_JSTRING,  /* s holds the decoded bytes (n of them, NUL-terminated, may hold a NUL) */
    RC_JARRAY,
    RC_JOBJECT
} rc_jtype;

typedef struct rc_jnode rc_jnode;
struct rc_jnode {
    rc_jtype type;
    apr_uint32_t n;          /* bytes of s; members of an array or object */
    const char *s;
    const char *key;         /* the member's key when the parent is an object */
    apr_uint32_t keylen;
    rc_jnode *first, *last;  /* members */
    rc_jnode *next;          /* the next member of the parent */
};

/* The streamed values: each element of the array "items" of each element of the array
 * "collections" of the top-level object. The tree of an item is valid during the call only.
 * collection and index are the indexes in those arrays. Return NULL to go on, or an error
 * message (from any pool that outlives the parse) to stop. */
typedef const char *(*rc_item_fn)(void *ctx, const rc_jnode *item, apr_uint32_t collection,
                                  apr_uint32_t index);

/* The reader's input: the next piece of the document into buf (up to size bytes); returns the
 * number of bytes, 0 at the end, or -1 after setting *why on a read error. */
typedef apr_ssize_t (*rc_read_fn)(void *ctx, char *buf, apr_size_t size, const char **why);

/* Reads a whole document. On success *root is the top-level value (without the streamed items)
 * in pool p. Errors are "NAME:LINE:COLUMN: JSON syntax error: ..." for the syntax (where is
 * called to find line and column: it reads the document again from the start up to the byte
 * offset), the item callback's message, or a duplicate key "NAME: PATH has the key "k" twice". */
typedef struct rc_json_source {
    const char *name;        /* for messages */
    rc_read_fn read;
    void *read_ctx;
    /* Line and column of byte offset off: 1-based; the column counts characters. */
    void (*where)(void *ctx, apr_off_t off, int *line, int *column);
} rc_json_source;

const char *rc_json_read(apr_pool_t *p, const rc_json_source *src, rc_item_fn item,
                         void *item_ctx, rc_jnode **root);

/* Line and column of byte offset off in buf (for sources in memory). */
void rc_json_where_buffer(const char *buf, apr_size_t len, apr_off_t off, int *line,
                          int *column);

/* A member of an object, or NULL. */
const rc_jnode *rc_jget(const rc_jnode *obj, const char *key);

/* The value as compact JSON for a message, cut at about max bytes on a character boundary. */
const char *rc_jshow(apr_pool_t *p, const rc_jnode *v, apr_size_t max);

#endif
