/* rc_json: yajl events to small trees, with a collection's items streamed. yajl is used rather
 * than jansson to read the data file because it parses about eight times as fast and needs no
 * tree of the whole file (BENCHMARKS.md: 52 MB in 0.21 s against jansson's 1.65 s). */
#include "rc_json.h"
#include "rc_text.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <yajl/yajl_parse.h>

#define RC_JSON_MAX_DEPTH 64
#define RC_JSON_CHUNK (256 << 10)

/* What a node on the stack is, for finding the items. */
enum { ROLE_NONE = 0, ROLE_COLLECTIONS, ROLE_COLLECTION, ROLE_ITEMS, ROLE_ITEM };

typedef struct frame {
    rc_jnode *node;
    int role;
    apr_uint32_t collection; /* ROLE_COLLECTION, ROLE_ITEMS: its index in "collections" */
} frame;

typedef struct reader {
    apr_pool_t *p;           /* the kept tree */
    apr_pool_t *item_pool;   /* the current item's tree, cleared after each */
    const rc_json_source *src;
    rc_item_fn item;
    void *item_ctx;
    frame stack[RC_JSON_MAX_DEPTH + 1];
    int depth;               /* frames in use */
    rc_jnode *root;
    const char *key;         /* the pending member key */
    apr_uint32_t keylen;
    const char *error;       /* set by a callback that stops the parse */
} reader;

static apr_pool_t *pool_of(reader *r)
{
    for (int i = 0; i < r->depth; i++)
        if (r->stack[i].role == ROLE_ITEM)
            return r->item_pool;
    return r->p;
}

/* The JSON path of the frame at depth d, for messages. */
static const char *path_of(reader *r, int d)
{
    const char *s = "";
    for (int i = 1; i <= d; i++) {
        const rc_jnode *parent = r->stack[i - 1].node, *node = r->stack[i].node;
        if (parent->type == RC_JOBJECT)  /* a key is the file's text: escaped as elsewhere */
            s = apr_pstrcat(r->p, s, *s ? "." : "", rc_escape_log(r->p, node->key), NULL);
        else {
            apr_uint32_t k = 0;
            for (const rc_jnode *c = parent->first; c && c != node; c = c->next)
                k++;
            if (r->stack[i].role == ROLE_ITEM)
                k = parent->n - 1;  /* items are counted, not kept */
            s = apr_psprintf(r->p, "%s[%u]", s, k);
        }
    }
    return *s ? s : "the top level";
}

static int cmp_key(const void *a, const void *b)
{
    const rc_jnode *x = *(const rc_jnode *const *)a, *y = *(const rc_jnode *const *)b;
    apr_uint32_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static int duplicate_key(reader *r, const rc_jnode *obj)
{
    const rc_jnode *dup = NULL;
    if (obj->n <= 16) {
        for (const rc_jnode *a = obj->first; a && !dup; a = a->next)
            for (const rc_jnode *b = a->next; b; b = b->next)
                if (a->keylen == b->keylen && !memcmp(a->key, b->key, a->keylen)) {
                    dup = a;
                    break;
                }
    }
    else {
        /* many keys (a "kinds" object, say): sorted, in O(n log n) */
        const rc_jnode **keys = malloc(sizeof(*keys) * obj->n);
        apr_uint32_t k = 0;
        if (!keys) {
            r->error = "out of memory";
            return 1;
        }
        for (const rc_jnode *c = obj->first; c; c = c->next)
            keys[k++] = c;
        qsort(keys, k, sizeof(*keys), cmp_key);
        for (apr_uint32_t i = 1; i < k && !dup; i++)
            if (!cmp_key(&keys[i - 1], &keys[i]))
                dup = keys[i];
        free(keys);
    }
    if (dup) {
        /* the key shown as rc_jshow shows a string: its bytes may be anything */
        rc_jnode key;
        memset(&key, 0, sizeof(key));
        key.type = RC_JSTRING;
        key.s = dup->key;
        key.n = dup->keylen;
        r->error = apr_psprintf(r->p, "%s: %s has the key %s twice, expected each key once",
                                r->src->name, path_of(r, r->depth - 1), rc_jshow(r->p, &key, 80));
        return 1;
    }
    return 0;
}

static int deliver_item(reader *r, rc_jnode *item, apr_uint32_t collection, apr_uint32_t index)
{
    r->error = r->item(r->item_ctx, item, collection, index);
    apr_pool_clear(r->item_pool);
    return r->error == NULL;
}

/* Adds a new node of type t under the current container; pushes it when it is one. */
static rc_jnode *add(reader *r, rc_jtype t, int push)
{
    frame *top = r->depth ? &r->stack[r->depth - 1] : NULL;
    int role = ROLE_NONE;
    rc_jnode *n;
    apr_pool_t *p;

    if (top && top->node->type == RC_JOBJECT && !r->key) {
        r->error = "a member without a key";  /* yajl does not let this happen */
        return NULL;
    }
    if (top) {
        if (top->role == ROLE_NONE && r->depth == 1 && t == RC_JARRAY && r->keylen == 11 &&
            !memcmp(r->key, "collections", 11))
            role = ROLE_COLLECTIONS;
        else if (top->role == ROLE_COLLECTIONS && t == RC_JOBJECT)
            role = ROLE_COLLECTION;
        else if (top->role == ROLE_COLLECTION && t == RC_JARRAY && r->keylen == 5 &&
                 !memcmp(r->key, "items", 5))
            role = ROLE_ITEMS;
        else if (top->role == ROLE_ITEMS)
            role = ROLE_ITEM;
    }
    p = role == ROLE_ITEM ? r->item_pool : pool_of(r);
    n = apr_pcalloc(p, sizeof(*n));
    n->type = t;
    if (top) {
        if (top->node->type == RC_JOBJECT) {
            n->key = apr_pstrmemdup(p, r->key, r->keylen);
            n->keylen = r->keylen;
            r->key = NULL;
        }
        if (role != ROLE_ITEM) {
            if (top->node->last)
                top->node->last->next = n;
            else
                top->node->first = n;
            top->node->last = n;
        }
        top->node->n++;
    }
    else
        r->root = n;
    if (push) {
        frame *f;
        if (r->depth >= RC_JSON_MAX_DEPTH) {
            r->error = apr_psprintf(r->p, "%s: %s nests arrays and objects more than %d deep",
                                    r->src->name, path_of(r, r->depth - 1), RC_JSON_MAX_DEPTH);
            return NULL;
        }
        f = &r->stack[r->depth++];
        f->node = n;
        f->role = role;
        f->collection = role == ROLE_COLLECTION ? top->node->n - 1
                        : top                   ? top->collection
                                                : 0;
    }
    return n;
}

static int on_scalar(reader *r, rc_jtype t, const char *s, size_t len)
{
    rc_jnode *n;
    /* a scalar where an item belongs: delivered as it is, for the item's checks to refuse */
    frame *top = r->depth ? &r->stack[r->depth - 1] : NULL;
    if (top && top->role == ROLE_ITEMS) {
        rc_jnode tmp;
        memset(&tmp, 0, sizeof(tmp));
        tmp.type = t;
        tmp.s = s ? apr_pstrmemdup(r->item_pool, s, len) : NULL;
        tmp.n = (apr_uint32_t)len;
        top->node->n++;
        return deliver_item(r, &tmp, top->collection, top->node->n - 1);
    }
    if (!(n = add(r, t, 0)))
        return 0;
    if (s) {
        n->s = apr_pstrmemdup(pool_of(r), s, len);
        n->n = (apr_uint32_t)len;
    }
    return 1;
}

static int cb_null(void *ctx)
{
    return on_scalar(ctx, RC_JNULL, NULL, 0);
}

static int cb_boolean(void *ctx, int v)
{
    return on_scalar(ctx, v ? RC_JTRUE : RC_JFALSE, NULL, 0);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
    return on_scalar(ctx, RC_JNUMBER, s, len);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
    if (len > 0xFFFFFFFFu) {
        ((reader *)ctx)->error = "a string longer than 4 GB";
        return 0;
    }
    return on_scalar(ctx, RC_JSTRING, (const char *)s, len);
}

static int cb_start_map(void *ctx)
{
    return add(ctx, RC_JOBJECT, 1) != NULL;
}

static int cb_start_array(void *ctx)
{
    return add(ctx, RC_JARRAY, 1) != NULL;
}

static int cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
    reader *r = ctx;
    if (len > 0xFFFFFFFFu) {
        r->error = "a key longer than 4 GB";
        return 0;
    }
    r->key = apr_pstrmemdup(pool_of(r), (const char *)key, len);
    r->keylen = (apr_uint32_t)len;
    return 1;
}

static int end_container(reader *r)
{
    frame *f = &r->stack[r->depth - 1];
    if (f->node->type == RC_JOBJECT && duplicate_key(r, f->node))
        return 0;
    r->depth--;
    if (f->role == ROLE_ITEM) {
        frame *parent = &r->stack[r->depth - 1];
        return deliver_item(r, f->node, parent->collection, parent->node->n - 1);
    }
    return 1;
}

static int cb_end(void *ctx)
{
    return end_container(ctx);
}

static const yajl_callbacks callbacks = {
    cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end,
};

/* yajl's message without its trailing newline, and with its "lexical error: " kept. */
static const char *yajl_message(apr_pool_t *p, yajl_handle h)
{
    unsigned char *m = yajl_get_error(h, 0, NULL, 0);
    char *s = apr_pstrdup(p, m ? (const char *)m : "unknown error");
    apr_size_t n = strlen(s);
    if (m)
        yajl_free_error(h, m);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '.'))
        s[--n] = '\0';
    return s;
}

static const char *syntax_error(reader *r, yajl_handle h, apr_off_t at)
{
    int line = 0, column = 0;
    r->src->where(r->src->read_ctx, at, &line, &column);
    return apr_psprintf(r->p, "%s:%d:%d: JSON syntax error: %s", r->src->name, line, column,
                        yajl_message(r->p, h));
}

const char *rc_json_read(apr_pool_t *p, const rc_json_source *src, rc_item_fn item,
                         void *item_ctx, rc_jnode **root)
{
    reader r;
    yajl_handle h;
    char *buf;
    apr_off_t offset = 0;
    const char *err = NULL;
    yajl_status st = yajl_status_ok;

    memset(&r, 0, sizeof(r));
    r.p = p;
    r.src = src;
    r.item = item;
    r.item_ctx = item_ctx;
    apr_pool_create(&r.item_pool, p);
    buf = malloc(RC_JSON_CHUNK);  /* freed below; a pool would keep it for the load's life */
    h = buf ? yajl_alloc(&callbacks, NULL, &r) : NULL;
    if (!h) {
        free(buf);
        return "out of memory";
    }
    for (;;) {
        const char *why = NULL;
        apr_ssize_t n = src->read(src->read_ctx, buf, RC_JSON_CHUNK, &why);
        if (n < 0) {
            err = apr_psprintf(p, "%s: cannot read it: %s", src->name, why);
            break;
        }
        st = n ? yajl_parse(h, (unsigned char *)buf, (size_t)n) : yajl_complete_parse(h);
        if (st != yajl_status_ok) {
            if (st == yajl_status_client_canceled || r.error)
                err = r.error ? r.error : "stopped";
            else {
                /* yajl has consumed the offending byte (at the end: every byte, and the count
                 * is still the last chunk's): the message points at it, not past it */
                apr_off_t at = offset + (n ? (apr_off_t)yajl_get_bytes_consumed(h) : 0);
                err = syntax_error(&r, h, at > 0 ? at - 1 : 0);
            }
            break;
        }
        if (n == 0)
            break;
        offset += n;
    }
    yajl_free(h);
    free(buf);
    apr_pool_destroy(r.item_pool);
    if (!err && !r.root)
        err = apr_psprintf(p, "%s:1:1: JSON syntax error: the file is empty", src->name);
    if (err)
        return err;
    *root = r.root;
    return NULL;
}

void rc_json_where_buffer(const char *buf, apr_size_t len, apr_off_t off, int *line,
                          int *column)
{
    apr_size_t end = off < 0 ? 0 : (apr_size_t)off > len ? len : (apr_size_t)off;
    int l = 1, c = 1;
    for (apr_size_t i = 0; i < end; i++) {
        if (buf[i] == '\n') {
            l++;
            c = 1;
        }
        else if (((unsigned char)buf[i] & 0xC0) != 0x80)
            c++;
    }
    *line = l;
    *column = c;
}

const rc_jnode *rc_jget(const rc_jnode *obj, const char *key)
{
    apr_size_t n = strlen(key);
    if (!obj || obj->type != RC_JOBJECT)
        return NULL;
    for (const rc_jnode *c = obj->first; c; c = c->next)
        if (c->keylen == n && !memcmp(c->key, key, n))
            return c;
    return NULL;
}

/* ---- values for messages ---- */

typedef struct show_buf {
    char *s;
    apr_size_t n, max;
} show_buf;

static void put(show_buf *b, const char *s, apr_size_t n)
{
    if (b->n >= b->max)
        return;
    if (n > b->max - b->n)
        n = b->max - b->n;
    memcpy(b->s + b->n, s, n);
    b->n += n;
}

static void put_string(show_buf *b, const char *s, apr_size_t n)
{
    static const char hex[] = "0123456789abcdef";
    put(b, "\"", 1);
    for (apr_size_t i = 0; i < n && b->n < b->max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(b, e, 2);
        }
        else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(b, e, 6);
        }
        else if (c >= 0x80) {
            /* yajl hands lone surrogates on as bytes that are no UTF-8: shown as \xNN, so
             * that a message stays UTF-8 text */
            apr_size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (len > 1 && i + len <= n && rc_utf8_valid(s + i, len)) {
                put(b, s + i, len);
                i += len - 1;
            }
            else {
                char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
                put(b, e, 4);
            }
        }
        else
            put(b, (const char *)&c, 1);
    }
    put(b, "\"", 1);
}

static void show(show_buf *b, const rc_jnode *v)
{
    switch (v->type) {
    case RC_JNULL:
        put(b, "null", 4);
        break;
    case RC_JFALSE:
        put(b, "false", 5);
        break;
    case RC_JTRUE:
        put(b, "true", 4);
        break;
    case RC_JNUMBER:
        put(b, v->s, v->n);
        break;
    case RC_JSTRING:
        put_string(b, v->s, v->n);
        break;
    case RC_JARRAY:
    case RC_JOBJECT:
        put(b, v->type == RC_JARRAY ? "[" : "{", 1);
        for (const rc_jnode *c = v->first; c && b->n < b->max; c = c->next) {
            if (c != v->first)
                put(b, ",", 1);
            if (v->type == RC_JOBJECT) {
                put_string(b, c->key, c->keylen);
                put(b, ":", 1);
            }
            show(b, c);
        }
        put(b, v->type == RC_JARRAY ? "]" : "}", 1);
        break;
    }
}

const char *rc_jshow(apr_pool_t *p, const rc_jnode *v, apr_size_t max)
{
    show_buf b;
    if (!v)
        return "missing";
    b.max = max + 8;
    b.s = apr_palloc(p, b.max + 4);
    b.n = 0;
    show(&b, v);
    if (b.n > max) {
        apr_size_t cut = max > 3 ? max - 3 : 0;
        while (cut > 0 && ((unsigned char)b.s[cut] & 0xC0) == 0x80)
            cut--;
        memcpy(b.s + cut, "...", 3);
        b.n = cut + 3;
    }
    b.s[b.n] = '\0';
    return b.s;
}
