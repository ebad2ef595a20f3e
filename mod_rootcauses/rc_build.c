/* rc_build: data file -> image. Three steps:
 *
 *   1. read: rc_json streams the file; each item is checked as it comes and kept as a small
 *      record of interned strings (every distinct string once), the rest of the file as a tree;
 *   2. check what needs the whole file: declared languages and countries (the keys of a JSON
 *      object may come in any order), page files, unique ids, kinds;
 *   3. write the image (rc_image.h) front to back: strings, texts, items newest first, the
 *      filters' index (rc_index.c) and q's dictionary (rc_words.c), the site, the header.
 *
 * Messages name the file and either line:column (syntax) or the JSON path, the value and what
 * was expected. The build's memory is its own pool's, returned when the build ends. */
#include "rc_build.h"
#include "rc_date.h"
#include "rc_index.h"
#include "rc_json.h"
#include "rc_text.h"
#include "rc_vec.h"
#include "rc_words.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_info.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <xxhash.h>

#define NONE 0xFFFFFFFFu
#define DEFAULT_LANG 0xFFFFFFFEu
#define RC_MAX_PAGE_BYTES ((apr_off_t)16 << 20)
#define RC_MAX_BYTES 9007199254740992LL /* 2^53 */
#define RC_MAX_LANGUAGES 64
#define RC_MAX_PER_ITEM 65535  /* documents or persons of one item (16-bit counts) */
#define RC_MAX_KINDS 32767     /* kinds of one collection (16-bit signed index) */

/* ---------------------------------------------------------------- the writer */

#define STAGE_BYTES (1 << 20)

struct rc_imgw {
    apr_pool_t *p;
    apr_file_t *file;      /* NULL: memory */
    char *mem;             /* memory: the image so far (malloc, freed with p) */
    apr_size_t mem_cap;
    char *stage;           /* file: bytes not yet written */
    apr_size_t staged;
    apr_uint64_t off;      /* bytes so far */
    XXH3_state_t *sum;     /* of the body, for files (memory sums at the end) */
    const char *error;
    int io_failed;
    rc_image image;
};

static apr_status_t imgw_cleanup(void *data)
{
    rc_imgw *w = data;
    free(w->mem);
    free(w->stage);
    if (w->sum)
        XXH3_freeState(w->sum);
    return APR_SUCCESS;
}

static rc_imgw *imgw_new(apr_pool_t *p)
{
    rc_imgw *w = apr_pcalloc(p, sizeof(*w));
    w->p = p;
    apr_pool_cleanup_register(p, w, imgw_cleanup, apr_pool_cleanup_null);
    return w;
}

rc_imgw *rc_imgw_file(apr_pool_t *p, apr_file_t *f)
{
    rc_imgw *w = imgw_new(p);
    w->file = f;
    w->stage = malloc(STAGE_BYTES);
    w->sum = XXH3_createState();
    if (!w->stage || !w->sum)
        w->error = "out of memory";
    else
        XXH3_64bits_reset(w->sum);
    return w;
}

rc_imgw *rc_imgw_memory(apr_pool_t *p)
{
    return imgw_new(p);
}

const char *rc_imgw_error(const rc_imgw *w)
{
    return w->error;
}

int rc_imgw_io_failed(const rc_imgw *w)
{
    return w->io_failed;
}

static void stage_flush(rc_imgw *w)
{
    apr_size_t n = w->staged;
    apr_status_t rv;
    char msg[120];
    if (!n || w->error)
        return;
    /* the header (the first bytes) is not part of the body's sum */
    {
        apr_uint64_t start = w->off - n;
        apr_size_t skip = start < sizeof(rc_img_header)
                              ? (apr_size_t)(sizeof(rc_img_header) - start) : 0;
        if (skip < n)
            XXH3_64bits_update(w->sum, w->stage + skip, n - skip);
    }
    if ((rv = apr_file_write_full(w->file, w->stage, n, NULL)) != APR_SUCCESS) {
        w->error = apr_psprintf(w->p, "cannot write the image: %s",
                                apr_strerror(rv, msg, sizeof(msg)));
        w->io_failed = 1;
    }
    w->staged = 0;
}

static void raw_put(rc_imgw *w, const void *data, apr_size_t len)
{
    if (w->file) {
        while (len && !w->error) {
            apr_size_t room = STAGE_BYTES - w->staged, n = len < room ? len : room;
            if (data)
                memcpy(w->stage + w->staged, data, n);
            else
                memset(w->stage + w->staged, 0, n);
            w->staged += n;
            w->off += n;
            len -= n;
            if (data)
                data = (const char *)data + n;
            if (w->staged == STAGE_BYTES)
                stage_flush(w);
        }
        return;
    }
    if (w->off + len > w->mem_cap) {
        apr_size_t cap = w->mem_cap ? w->mem_cap : 1 << 16;
        char *m;
        while (cap < w->off + len)
            cap *= 2;
        if (!(m = realloc(w->mem, cap))) {
            w->error = "out of memory";
            return;
        }
        w->mem = m;
        w->mem_cap = cap;
    }
    if (data)
        memcpy(w->mem + w->off, data, len);
    else
        memset(w->mem + w->off, 0, len);
    w->off += len;
}

apr_uint32_t rc_imgw_put(rc_imgw *w, const void *data, apr_size_t len, apr_size_t align)
{
    apr_uint64_t at = (w->off + align - 1) & ~(apr_uint64_t)(align - 1);
    if (w->error)
        return 0;
    if (at + len > 0xFFFFFFF0u) {
        w->error = "the built data is larger than 4 GB, the most the image format can hold";
        return 0;
    }
    if (at > w->off)
        raw_put(w, NULL, (apr_size_t)(at - w->off));
    raw_put(w, data, len);
    return w->error ? 0 : (apr_uint32_t)at;
}

/* Writes the header at offset 0 and ends the image. */
static void imgw_finish(rc_imgw *w, rc_img_header *h)
{
    apr_off_t zero = 0;
    apr_status_t rv;
    char msg[120];
    h->size = w->off;
    if (w->file) {
        stage_flush(w);
        if (w->error)
            return;
        h->body_sum = XXH3_64bits_digest(w->sum);
        h->header_sum = rc_image_header_sum(h);
        if ((rv = apr_file_seek(w->file, APR_SET, &zero)) != APR_SUCCESS ||
            (rv = apr_file_write_full(w->file, h, sizeof(*h), NULL)) != APR_SUCCESS ||
            (rv = apr_file_flush(w->file)) != APR_SUCCESS) {
            w->error = apr_psprintf(w->p, "cannot write the image: %s",
                                    apr_strerror(rv, msg, sizeof(msg)));
            w->io_failed = 1;
        }
        return;
    }
    if (w->error)
        return;
    h->body_sum = XXH3_64bits(w->mem + sizeof(*h), w->off - sizeof(*h));
    h->header_sum = rc_image_header_sum(h);
    memcpy(w->mem, h, sizeof(*h));
    w->image.base = w->mem;
    w->image.size = w->off;
}

const rc_image *rc_imgw_image(rc_imgw *w)
{
    return w->image.base ? &w->image : NULL;
}

/* ---------------------------------------------------------------- interned strings */

enum { STR_BODY = 1, STR_NOVARIANTS = 2 };

typedef struct bstr {
    const char *s;
    apr_uint32_t len, flags;
    apr_uint32_t off;        /* in the image */
    apr_uint32_t html, json; /* ids of the escaped forms, NONE when the same */
} bstr;

/* ---------------------------------------------------------------- the build's records */

typedef struct bdoc {
    apr_uint32_t title, href, link; /* text id, str id, str id (rc_img_document) */
    apr_int64_t bytes;
} bdoc;

typedef struct bperson {
    apr_uint32_t name, position, country; /* str id; text id or 0; str id of the code or NONE */
    apr_int32_t country_index;
} bperson;

typedef struct bitem {
    apr_uint32_t id, date, title, summary, source, kind; /* kind: str id or NONE */
    apr_int32_t start, end;
    apr_uint32_t codes, ncodes;       /* in build.codes: str ids of country codes */
    apr_uint32_t docs, ndocs;         /* in build.docs */
    apr_uint32_t persons, npersons;   /* in build.persons */
    apr_uint32_t index;               /* in the data */
    apr_int32_t kind_index;
} bitem;

typedef struct bcol {
    rc_vec items;                     /* bitem, data order */
    const rc_jnode *node;             /* the collection's object (without its items) */
    apr_uint32_t slug, title, nav;
    apr_uint32_t *kinds;              /* str ids of its kinds, sorted by bytes */
    apr_uint32_t *kind_labels;        /* text ids, 0 for none */
    int nkinds;
    apr_uint32_t *order;              /* position -> index in items */
    apr_uint32_t *by_id;              /* positions sorted by the items' ids */
} bcol;

typedef struct bpage {
    apr_uint32_t slug, title, nav;
    apr_uint32_t *files;              /* per language: str id of the file's path */
    apr_uint32_t *bodies;             /* per language: str id of the body */
    apr_int64_t *mtimes;              /* per language */
} bpage;

#define PATH_DEPTH 16

/* One part of a JSON path: a format and its arguments (path_push). */
typedef struct path_part {
    const char *fmt;
    const char *s;
    long n[2];
} path_part;

typedef struct build {
    apr_pool_t *p;                    /* messages and what outlives the build */
    apr_pool_t *tmp;                  /* everything else */
    const char *name;                 /* the data file as messages name it */
    const char *dir;                  /* its folder; NULL when built from memory */
    path_part path[PATH_DEPTH];       /* JSON path of what is being checked, as pushed */
    apr_size_t plen;                  /* its depth */
    const char *error;
    /* strings */
    rc_vec strs;                      /* bstr */
    rc_table strtab;
    char *chunk;
    apr_size_t chunk_left;
    const char *eq_s;                 /* the key being looked up */
    apr_size_t eq_len;
    /* texts: tx[id] = count, then count pairs (language str id or DEFAULT_LANG, str id) */
    rc_vec tx;
    rc_vec rt;                        /* resolved texts: nlang string ids each */
    rc_vec cols, docs, persons, codes;
    /* the site */
    int nlang;
    apr_uint32_t langs[RC_MAX_LANGUAGES];
    int ncountries;
    apr_uint32_t *country_codes, *country_names;
    int npages;
    bpage *pages;
    int collections_first;
    apr_uint32_t title;
    apr_int64_t mtime;
    apr_array_header_t *files;        /* rc_file_state */
    XXH3_state_t *content;
} build;

/* ---------------------------------------------------------------- messages */

/* The JSON path is kept as its parts' formats and arguments and written out only for a
 * message: it changes for every value of the file, and is read only when one is wrong. The
 * formats take %s, %u and %d, at most one string and two numbers. */
static apr_size_t path_push(build *b, const char *fmt, ...)
{
    apr_size_t old = b->plen;
    path_part *part;
    va_list ap;
    int k = 0;
    if (old == PATH_DEPTH)
        return old;
    if (old == 0 && fmt[0] == '.')
        fmt++;  /* a top-level key is "title", not ".title" */
    part = &b->path[b->plen++];
    part->fmt = fmt;
    va_start(ap, fmt);
    for (; *fmt; fmt++)
        if (fmt[0] == '%') {
            fmt++;
            if (*fmt == 's')
                part->s = va_arg(ap, const char *);
            else if (k < 2)
                part->n[k++] = *fmt == 'd' ? (long)va_arg(ap, int) : (long)va_arg(ap, unsigned);
        }
    va_end(ap);
    return old;
}

static void path_pop(build *b, apr_size_t old)
{
    b->plen = old;
}

#define path_set(b, ...) ((b)->plen = 0, (void)path_push((b), __VA_ARGS__))

/* The path as the messages write it ("collections[1].items[7].date"). */
static const char *path_text(build *b)
{
    char buf[512], *o = buf, *end = buf + sizeof(buf) - 1;
    for (apr_size_t i = 0; i < b->plen; i++) {
        const path_part *part = &b->path[i];
        int k = 0;
        for (const char *fmt = part->fmt; *fmt && o < end; fmt++) {
            if (fmt[0] != '%') {
                *o++ = *fmt;
                continue;
            }
            fmt++;
            if (*fmt == 's')
                for (const char *a = part->s; *a && o < end; a++)
                    *o++ = *a;
            else {
                char digits[24];
                int n = 0;
                long v = k < 2 ? part->n[k++] : 0;
                unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
                if (v < 0 && o < end)
                    *o++ = '-';
                do
                    digits[n++] = (char)('0' + u % 10);
                while ((u /= 10) && n < 23);
                while (n > 0 && o < end)
                    *o++ = digits[--n];
            }
        }
    }
    *o = '\0';
    if (o == end)
        rc_utf8_drop_cut(buf);  /* cut on a character's edge */
    return apr_pstrdup(b->tmp, buf);
}

/* Records the first error, "FILE: PATH is VALUE, expected WHAT" (shown: the value as the
 * message writes it, NULL for missing). Returns 0 so that callers can `return fail(...)`. */
static int fail_shown(build *b, const char *shown, const char *fmt, va_list ap)
{
    const char *expected;
    if (b->error)
        return 0;
    expected = apr_pvsprintf(b->tmp, fmt, ap);
    if (!shown)
        b->error = apr_psprintf(b->p, "%s: %s is missing, expected %s", b->name,
                                b->plen ? path_text(b) : "the top level", expected);
    else
        b->error = apr_psprintf(b->p, "%s: %s is %s, expected %s", b->name,
                                b->plen ? path_text(b) : "the top level", shown, expected);
    return 0;
}

static int fail(build *b, const rc_jnode *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(build *b, const rc_jnode *v, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = fail_shown(b, v ? rc_jshow(b->tmp, v, 80) : NULL, fmt, ap);
    va_end(ap);
    return r;
}

static int fail_value(build *b, const char *shown, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_value(build *b, const char *shown, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = fail_shown(b, shown, fmt, ap);
    va_end(ap);
    return r;
}

static int oom(build *b)
{
    if (!b->error)
        b->error = apr_psprintf(b->p, "%s: out of memory while reading it", b->name);
    return 0;
}

/* ---------------------------------------------------------------- strings */

static int str_eq(void *ctx, apr_uint32_t id)
{
    build *b = ctx;
    const bstr *s = &RC_VEC_AT(&b->strs, bstr, id);
    return s->len == b->eq_len && !memcmp(s->s, b->eq_s, b->eq_len);
}

/* A new string entry: a copy of s[0..len) in the current chunk (1 MB chunks from the build's
 * scratch pool), no escaped forms yet; NULL when memory runs out. */
static bstr *new_str(build *b, const char *s, apr_size_t len)
{
    bstr *e = rc_vec_push(&b->strs);
    if (!e) {
        oom(b);
        return NULL;
    }
    if (len + 1 > b->chunk_left) {
        apr_size_t size = len + 1 > (1 << 20) ? len + 1 : (1 << 20);
        b->chunk = apr_palloc(b->tmp, size);
        b->chunk_left = size;
    }
    memcpy(b->chunk, s, len);
    b->chunk[len] = '\0';
    e->s = b->chunk;
    e->len = (apr_uint32_t)len;
    e->html = e->json = NONE;
    b->chunk += len + 1;
    b->chunk_left -= len + 1;
    return e;
}

/* The id of the string s[0..len), added when new; NONE when memory runs out. */
static apr_uint32_t intern(build *b, const char *s, apr_size_t len, apr_uint32_t flags)
{
    apr_uint64_t h = XXH3_64bits(s, len);
    apr_uint32_t id, n = (apr_uint32_t)b->strs.n;
    bstr *e;
    b->eq_s = s;
    b->eq_len = len;
    id = rc_table_find(&b->strtab, h, str_eq, b, 1, n);
    if (id == RC_TABLE_NOMEM) {
        oom(b);
        return NONE;
    }
    if (id != n) {
        /* a page body is written as it is: no escaped forms */
        RC_VEC_AT(&b->strs, bstr, id).flags &= flags | ~(apr_uint32_t)(STR_BODY | STR_NOVARIANTS);
        return id;
    }
    if (!(e = new_str(b, s, len)))
        return NONE;
    e->flags = flags;
    return id;
}

/* A string that is not looked up: one that rarely repeats (an item's id, a URL), for which the
 * look-up would cost more than it saves. Equal strings may then have two ids. */
static apr_uint32_t intern_new(build *b, const char *s, apr_size_t len)
{
    return new_str(b, s, len) ? (apr_uint32_t)(b->strs.n - 1) : NONE;
}

static const char *str_of(const build *b, apr_uint32_t id)
{
    return RC_VEC_AT(&b->strs, bstr, id).s;
}

static apr_uint32_t str_len(const build *b, apr_uint32_t id)
{
    return RC_VEC_AT(&b->strs, bstr, id).len;
}

static int str_cmp(const build *b, apr_uint32_t x, apr_uint32_t y)
{
    const bstr *a = &RC_VEC_AT(&b->strs, bstr, x), *c = &RC_VEC_AT(&b->strs, bstr, y);
    apr_uint32_t n = a->len < c->len ? a->len : c->len;
    int r = memcmp(a->s, c->s, n);
    return r ? r : (a->len > c->len) - (a->len < c->len);
}

/* ---------------------------------------------------------------- values */

static int check_object(build *b, const rc_jnode *obj, const char *const *allowed,
                        const char *what)
{
    if (!obj || obj->type != RC_JOBJECT)
        return fail(b, obj, "%s", what);
    for (const rc_jnode *m = obj->first; m; m = m->next) {
        int known = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strlen(*a) == m->keylen && !memcmp(*a, m->key, m->keylen)) {
                known = 1;
                break;
            }
        if (!known) {
            const char *list = "";
            apr_size_t old;
            for (const char *const *a = allowed; *a; a++)
                list = apr_pstrcat(b->tmp, list, a == allowed ? "" : ", ", *a, NULL);
            old = path_push(b, ".%s", rc_escape_log(b->tmp, m->key));
            fail(b, m, "no such key here (known keys: %s)", list);
            path_pop(b, old);
            return 0;
        }
    }
    return 1;
}

static int plain_string(const rc_jnode *v)
{
    return v && v->type == RC_JSTRING && v->n > 0 && rc_utf8_valid(v->s, v->n);
}

/* How get_string and get_slug take a member: absent is an error (REQUIRED); the string rarely
 * repeats, so it is not looked up among the others (UNIQUE: intern_new). */
#define REQUIRED 1
#define UNIQUE 2

static apr_uint32_t intern_as(build *b, const rc_jnode *v, int how)
{
    return how & UNIQUE ? intern_new(b, v->s, v->n) : intern(b, v->s, v->n, 0);
}

/* A member that must be a non-empty string (of valid UTF-8 without NUL); *out its id, NONE
 * when absent and optional. */
static int get_string(build *b, const rc_jnode *obj, const char *key, int how, apr_uint32_t *out)
{
    const rc_jnode *v = rc_jget(obj, key);
    apr_size_t old;
    *out = NONE;
    if (!v && !(how & REQUIRED))
        return 1;
    old = path_push(b, ".%s", key);
    if (!plain_string(v))
        return fail(b, v, "a non-empty string");
    path_pop(b, old);
    return (*out = intern_as(b, v, how)) != NONE;
}

int rc_slug_valid(const char *s)
{
    apr_size_t n = 0;
    if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
        return 0;
    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return n <= 64;
}

static int get_slug(build *b, const rc_jnode *obj, const char *key, int how, apr_uint32_t *out,
                    const char *what)
{
    const rc_jnode *v = rc_jget(obj, key);
    *out = NONE;
    if (!v && !(how & REQUIRED))
        return 1;
    if (!v || v->type != RC_JSTRING || strlen(v->s) != v->n || !rc_slug_valid(v->s)) {
        apr_size_t old = path_push(b, ".%s", key);
        fail(b, v, "%s matching ^[a-z0-9][a-z0-9-]{0,63}$", what);
        path_pop(b, old);
        return 0;
    }
    return (*out = intern_as(b, v, how)) != NONE;
}

/* The array member key; NULL when it is absent (and optional) or an error was recorded. */
static const rc_jnode *get_array(build *b, const rc_jnode *obj, const char *key, int required)
{
    const rc_jnode *v = rc_jget(obj, key);
    if (!v && !required)
        return NULL;
    if (!v || v->type != RC_JARRAY) {
        apr_size_t old = path_push(b, ".%s", key);
        fail(b, v, "an array");
        path_pop(b, old);
        return NULL;
    }
    return v;
}

static int is_lang_code(const char *s, apr_size_t n)
{
    return n == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
}

#define TEXT_EXPECTED \
    "a text: a non-empty string, or an object of non-empty strings by language code"

/* A text (a string, or an object of strings by language) into a pending text; *out is its id,
 * 0 when absent and optional. Whether its languages are declared is checked once the whole
 * file is read (resolve_text). partial: the default language may be missing (kind labels). */
static int get_text(build *b, const rc_jnode *obj, const char *key, int required,
                    apr_uint32_t *out)
{
    const rc_jnode *v = rc_jget(obj, key);
    apr_size_t old, at;
    *out = 0;
    if (!v && !required)
        return 1;
    old = path_push(b, ".%s", key);
    if (plain_string(v)) {
        apr_uint32_t s = intern(b, v->s, v->n, 0), *t;
        at = b->tx.n;
        if (s == NONE || !rc_vec_reserve(&b->tx, at + 3))
            return oom(b);
        b->tx.n += 3;
        t = &RC_VEC_AT(&b->tx, apr_uint32_t, at);
        t[0] = 1;
        t[1] = DEFAULT_LANG;
        t[2] = s;
    }
    else if (v && v->type == RC_JOBJECT && v->n > 0) {
        apr_uint32_t *t;
        apr_size_t k = 1;
        at = b->tx.n;
        if (v->n > RC_MAX_LANGUAGES)
            return fail(b, v, "%s (at most %d languages)", TEXT_EXPECTED, RC_MAX_LANGUAGES);
        if (!rc_vec_reserve(&b->tx, at + 1 + 2 * v->n))
            return oom(b);
        b->tx.n += 1 + 2 * v->n;
        for (const rc_jnode *m = v->first; m; m = m->next) {
            apr_size_t mold;
            if (!is_lang_code(m->key, m->keylen)) {
                mold = path_push(b, ".%s", rc_escape_log(b->tmp, m->key));
                return fail(b, m, "a string for a language code (two lower-case letters, "
                                  "declared in languages)");
            }
            if (!plain_string(m)) {
                mold = path_push(b, ".%s", m->key);
                return fail(b, m, "a non-empty string");
            }
            t = &RC_VEC_AT(&b->tx, apr_uint32_t, at);
            t[k++] = intern(b, m->key, m->keylen, STR_NOVARIANTS);
            t[k] = intern(b, m->s, m->n, 0);
            if (t[k - 1] == NONE || t[k] == NONE)
                return 0;
            k++;
            (void)mold;
        }
        RC_VEC_AT(&b->tx, apr_uint32_t, at) = v->n;
    }
    else
        return fail(b, v, TEXT_EXPECTED);
    path_pop(b, old);
    *out = (apr_uint32_t)at;
    return 1;
}

/* ---------------------------------------------------------------- items, as they come */

/* Frees each collection's items before the vector of collections goes (cleanups run in reverse
 * order): a cleanup per items vector would keep its address, which moves when that vector
 * grows. */
static apr_status_t cols_cleanup(void *data)
{
    build *b = data;
    for (apr_size_t i = 0; i < b->cols.n; i++)
        rc_vec_free(&RC_VEC_AT(&b->cols, bcol, i).items);
    return APR_SUCCESS;
}

static bcol *col_at(build *b, apr_uint32_t c)
{
    while (b->cols.n <= c) {
        bcol *col = rc_vec_push(&b->cols);
        if (!col)
            return NULL;
        rc_vec_init(NULL, &col->items, sizeof(bitem)); /* freed by cols_cleanup */
    }
    return &RC_VEC_AT(&b->cols, bcol, c);
}

/* The length of s's "http://" or "https://", 0 without one. */
static apr_size_t http_scheme(const char *s)
{
    return !strncmp(s, "http://", 7) ? 7 : !strncmp(s, "https://", 8) ? 8 : 0;
}

static int valid_source_url(const char *s)
{
    apr_size_t scheme = http_scheme(s);
    const char *rest = s + scheme;
    if (!scheme || !*rest || *rest == '/' || *rest == '?' || *rest == '#')
        return 0;
    for (; *rest; rest++)
        if ((unsigned char)*rest <= 0x20 || *rest == 0x7F || *rest == '"' || *rest == '<' ||
            *rest == '>' || *rest == '\\' || *rest == '`' || *rest == '{' || *rest == '}' ||
            *rest == '|' || *rest == '^')
            return 0;
    return 1;
}

/* A document href: an absolute http(s) URL, or a path under B/assets/ that stays there. */
static int valid_href(const char *s)
{
    if (http_scheme(s))
        return valid_source_url(s);
    if (*s == '/' || strchr(s, '\\') || strchr(s, ':') || strchr(s, '?') || strchr(s, '#'))
        return 0;
    for (const char *seg = s; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
        apr_size_t n = strcspn(seg, "/");
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return 0;
    }
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || *s == 0x7f)
            return 0;
    return 1;
}

/* bytes: an integer from 0 to 2^53, written without a fraction or exponent */
static int parse_bytes(const rc_jnode *v, apr_int64_t *out)
{
    apr_int64_t n = 0;
    if (!v || v->type != RC_JNUMBER || v->n == 0 || v->n > 16)
        return 0;
    for (apr_uint32_t i = 0; i < v->n; i++) {
        if (v->s[i] < '0' || v->s[i] > '9')
            return 0;
        n = n * 10 + (v->s[i] - '0');
    }
    if ((v->n > 1 && v->s[0] == '0') || n > RC_MAX_BYTES)
        return 0;
    *out = n;
    return 1;
}

/* Whether an item's array (documents, persons) has more members than a position in the image can
 * number; the error recorded when it has. */
static int too_many(build *b, const rc_jnode *arr, const char *key)
{
    if (arr->n <= RC_MAX_PER_ITEM)
        return 0;
    path_push(b, ".%s", key);
    fail_value(b, apr_psprintf(b->tmp, "an array of more than %d %s", RC_MAX_PER_ITEM, key),
               "at most %d", RC_MAX_PER_ITEM);
    return 1;
}

static int item_documents(build *b, bitem *it, const rc_jnode *v)
{
    static const char *const keys[] = {"title", "href", "bytes", NULL};
    const rc_jnode *arr = get_array(b, v, "documents", 0), *d;
    apr_uint32_t k = 0;
    if (!arr)
        return !b->error;
    if (too_many(b, arr, "documents"))
        return 0;
    it->docs = (apr_uint32_t)b->docs.n;
    for (d = arr->first; d; d = d->next, k++) {
        apr_size_t old = path_push(b, ".documents[%u]", k);
        const rc_jnode *bytes = rc_jget(d, "bytes");
        const char *href;
        bdoc *doc;
        if (!check_object(b, d, keys, "an object with title, href and optional bytes"))
            return 0;
        if (!(doc = rc_vec_push(&b->docs)))
            return oom(b);
        doc->bytes = -1;
        if (!get_text(b, d, "title", 1, &doc->title) ||
            !get_string(b, d, "href", REQUIRED | UNIQUE, &doc->href))
            return 0;
        href = str_of(b, doc->href);
        if (!valid_href(href)) {
            path_push(b, ".href");
            return fail(b, rc_jget(d, "href"), "an absolute http(s) URL or a relative path under "
                                               "assets/ (no \"..\", no leading \"/\")");
        }
        doc->link = doc->href;
        if (!http_scheme(href)) {
            const char *link = apr_pstrcat(b->tmp, "assets/", rc_escape_path(b->tmp, href), NULL);
            if ((doc->link = intern_new(b, link, strlen(link))) == NONE)
                return 0;
        }
        if (bytes && !parse_bytes(bytes, &doc->bytes)) {
            path_push(b, ".bytes");
            return fail(b, bytes, "an integer from 0 to 9007199254740992 (2^53)");
        }
        path_pop(b, old);
    }
    it->ndocs = k;
    return 1;
}

static int item_persons(build *b, bitem *it, const rc_jnode *v)
{
    static const char *const keys[] = {"name", "country", "position", NULL};
    const rc_jnode *arr = get_array(b, v, "persons", 0), *pn;
    apr_uint32_t k = 0;
    if (!arr)
        return !b->error;
    if (too_many(b, arr, "persons"))
        return 0;
    it->persons = (apr_uint32_t)b->persons.n;
    for (pn = arr->first; pn; pn = pn->next, k++) {
        apr_size_t old = path_push(b, ".persons[%u]", k);
        bperson *pe;
        if (!check_object(b, pn, keys, "an object with name and optional country and position"))
            return 0;
        if (!(pe = rc_vec_push(&b->persons)))
            return oom(b);
        if (!get_string(b, pn, "name", REQUIRED, &pe->name) ||
            !get_text(b, pn, "position", 0, &pe->position))
            return 0;
        pe->country = NONE;
        if (rc_jget(pn, "country")) {
            const rc_jnode *c = rc_jget(pn, "country");
            if (c->type != RC_JSTRING || c->n != 2) {
                path_push(b, ".country");
                return fail(b, c, "a country code declared in countries");
            }
            if ((pe->country = intern(b, c->s, c->n, 0)) == NONE)
                return 0;
        }
        path_pop(b, old);
    }
    it->npersons = k;
    return 1;
}

static const char *on_item(void *ctx, const rc_jnode *v, apr_uint32_t c, apr_uint32_t i)
{
    static const char *const keys[] = {"id",      "title",  "date",      "countries", "kind",
                                       "summary", "source", "documents", "persons",   NULL};
    build *b = ctx;
    bcol *col = col_at(b, c);
    const rc_jnode *date, *countries;
    bitem *it;
    rc_date d;
    rc_date_status why = RC_DATE_SYNTAX;

    if (!col || !(it = rc_vec_push(&col->items))) {
        oom(b);
        return b->error;
    }
    path_set(b, "collections[%u].items[%u]", c, i);
    it->index = i;
    if (!check_object(b, v, keys, "an item object") ||
        !get_slug(b, v, "id", REQUIRED | UNIQUE, &it->id, "an item id") ||
        !get_text(b, v, "title", 1, &it->title))
        return b->error;

    date = rc_jget(v, "date");
    if (!date || date->type != RC_JSTRING || strlen(date->s) != date->n ||
        (why = rc_date_parse(date->s, &d)) != RC_DATE_OK) {
        path_push(b, ".date");
        if (date && date->type == RC_JSTRING && why == RC_DATE_CALENDAR)
            fail(b, date, "a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD (no such day "
                          "in the calendar)");
        else
            fail(b, date, "a date as YYYY, YYYY-MM or YYYY-MM-DD");
        return b->error;
    }
    if ((it->date = intern(b, date->s, date->n, 0)) == NONE)
        return b->error;
    it->start = d.start;
    it->end = d.end;

    if (!(countries = get_array(b, v, "countries", 1)))
        return b->error;
    if (countries->n == 0) {
        path_push(b, ".countries");
        fail(b, countries, "at least one declared country code");
        return b->error;
    }
    it->codes = (apr_uint32_t)b->codes.n;
    it->ncodes = countries->n;
    {
        apr_uint32_t k = 0;
        for (const rc_jnode *cv = countries->first; cv; cv = cv->next, k++) {
            apr_uint32_t *slot, id;
            apr_size_t old = path_push(b, ".countries[%u]", k);
            if (cv->type != RC_JSTRING || cv->n != 2) {
                fail(b, cv, "a country code declared in countries");
                return b->error;
            }
            if ((id = intern(b, cv->s, cv->n, 0)) == NONE || !(slot = rc_vec_push(&b->codes)))
                return oom(b), b->error;
            *slot = id;
            for (apr_uint32_t j = 0; j < k; j++)
                if (RC_VEC_AT(&b->codes, apr_uint32_t, it->codes + j) == id) {
                    fail(b, cv, "each country once (countries[%u] has it already)", j);
                    return b->error;
                }
            path_pop(b, old);
        }
    }
    it->kind = NONE;
    if (!get_slug(b, v, "kind", 0, &it->kind, "a kind") ||
        !get_text(b, v, "summary", 0, &it->summary) ||
        !get_string(b, v, "source", UNIQUE, &it->source))
        return b->error;
    if (it->source != NONE && !valid_source_url(str_of(b, it->source))) {
        path_push(b, ".source");
        fail(b, rc_jget(v, "source"), "an absolute http:// or https:// URL");
        return b->error;
    }
    if (!item_documents(b, it, v) || !item_persons(b, it, v))
        return b->error;
    return NULL;
}

/* ---------------------------------------------------------------- the rest of the file */

static int lang_index(const build *b, apr_uint32_t str)
{
    for (int i = 0; i < b->nlang; i++)
        if (b->langs[i] == str)
            return i;
    return -1;
}

static const char *lang_list(build *b)
{
    const char *s = "";
    for (int i = 0; i < b->nlang; i++)
        s = apr_pstrcat(b->tmp, s, i ? ", " : "", str_of(b, b->langs[i]), NULL);
    return s;
}

/* The pending text as JSON, for a message. */
static const char *show_text(build *b, apr_uint32_t t)
{
    const apr_uint32_t *x = &RC_VEC_AT(&b->tx, apr_uint32_t, t);
    const char *s = "{";
    if (x[0] == 1 && x[1] == DEFAULT_LANG)
        return apr_psprintf(b->tmp, "\"%s\"", rc_escape_json(b->tmp, str_of(b, x[2]),
                                                             str_len(b, x[2])));
    for (apr_uint32_t i = 0; i < x[0]; i++)
        s = apr_pstrcat(b->tmp, s, i ? "," : "", "\"", str_of(b, x[1 + 2 * i]), "\":\"",
                        rc_escape_json(b->tmp, str_of(b, x[2 + 2 * i]),
                                       str_len(b, x[2 + 2 * i])),
                        "\"", NULL);
    s = apr_pstrcat(b->tmp, s, "}", NULL);
    if (strlen(s) > 80)
        s = apr_pstrcat(b->tmp, apr_pstrndup(b->tmp, s, 77), "...", NULL);
    return s;
}

/* Checks pending text t (at the current path) against the declared languages and resolves it
 * into a table of nlang string ids (NONE: missing) in b->rt; the pending text then says where:
 * tx[t] = NONE, tx[t + 1] = the table's index. partial: the default language may be missing. */
static int resolve_text(build *b, apr_uint32_t t, int partial)
{
    apr_uint32_t *x, n, *out;
    apr_size_t at;
    if (t == 0)
        return 1;
    x = &RC_VEC_AT(&b->tx, apr_uint32_t, t);
    if ((n = x[0]) == NONE)
        return 1;
    at = b->rt.n;
    if (!rc_vec_reserve(&b->rt, at + (apr_size_t)b->nlang))
        return oom(b);
    out = &RC_VEC_AT(&b->rt, apr_uint32_t, at);
    for (int l = 0; l < b->nlang; l++)
        out[l] = NONE;
    if (n == 1 && x[1] == DEFAULT_LANG)
        out[0] = x[2];
    else
        for (apr_uint32_t i = 0; i < n; i++) {
            int l = lang_index(b, x[1 + 2 * i]);
            if (l < 0)
                return fail_value(b, show_text(b, t),
                                  "%s, for the declared languages only (%s)", TEXT_EXPECTED,
                                  lang_list(b));
            out[l] = x[2 + 2 * i];
        }
    if (!partial && out[0] == NONE)
        return fail_value(b, show_text(b, t), "%s, with one for \"%s\" (the default language)",
                          TEXT_EXPECTED, str_of(b, b->langs[0]));
    b->rt.n += (apr_size_t)b->nlang;
    x[0] = NONE;
    x[1] = (apr_uint32_t)(at / (apr_size_t)b->nlang);
    return 1;
}

/* The nlang string ids of resolved text t. */
static const apr_uint32_t *text_ids(const build *b, apr_uint32_t t)
{
    const apr_uint32_t *x = &RC_VEC_AT(&b->tx, apr_uint32_t, t);
    return &RC_VEC_AT(&b->rt, apr_uint32_t, (apr_size_t)x[1] * (apr_size_t)b->nlang);
}

static int languages(build *b, const rc_jnode *root)
{
    const rc_jnode *arr = rc_jget(root, "languages"), *v;
    int k = 0;
    if (!arr) {
        b->nlang = 1;
        b->langs[0] = intern(b, "en", 2, STR_NOVARIANTS);
        return b->langs[0] != NONE;
    }
    path_set(b, "languages");
    if (arr->type != RC_JARRAY || arr->n == 0)
        return fail(b, arr, "an array of language codes (two lower-case letters), the default "
                            "first");
    if (arr->n > RC_MAX_LANGUAGES)
        return fail(b, arr, "at most %d languages", RC_MAX_LANGUAGES);
    for (v = arr->first; v; v = v->next, k++) {
        apr_uint32_t id;
        path_set(b, "languages[%d]", k);
        if (v->type != RC_JSTRING || !is_lang_code(v->s, v->n))
            return fail(b, v, "a language code: two lower-case letters, such as \"en\" or \"es\"");
        id = intern(b, v->s, v->n, STR_NOVARIANTS);
        if (lang_index(b, id) >= 0)
            return fail(b, v, "a language not declared before");
        b->langs[b->nlang++] = id;
    }
    return 1;
}

static int countries(build *b, const rc_jnode *root)
{
    static const char *const keys[] = {"code", "name", NULL};
    const rc_jnode *arr, *v;
    int i = 0;
    b->plen = 0;
    if (!(arr = get_array(b, root, "countries", 1)))
        return 0;
    if (arr->n > 676)
        return fail(b, arr, "at most 676 countries (two upper-case letters each)");
    b->ncountries = (int)arr->n;
    b->country_codes = apr_palloc(b->tmp, sizeof(apr_uint32_t) * (arr->n + 1));
    b->country_names = apr_palloc(b->tmp, sizeof(apr_uint32_t) * (arr->n + 1));
    for (v = arr->first; v; v = v->next, i++) {
        const rc_jnode *code = rc_jget(v, "code");
        path_set(b, "countries[%d]", i);
        if (!check_object(b, v, keys, "an object with code and name"))
            return 0;
        if (!code || code->type != RC_JSTRING || code->n != 2 || !apr_isupper(code->s[0]) ||
            !apr_isupper(code->s[1])) {
            path_push(b, ".code");
            return fail(b, code, "two upper-case letters (ISO 3166 alpha-2)");
        }
        b->country_codes[i] = intern(b, code->s, 2, 0);
        for (int j = 0; j < i; j++)
            if (b->country_codes[j] == b->country_codes[i]) {
                path_push(b, ".code");
                return fail(b, code, "a code not declared before (countries[%d] has it)", j);
            }
        if (!get_text(b, v, "name", 1, &b->country_names[i]) ||
            !resolve_text(b, b->country_names[i], 0))
            return 0;
    }
    return 1;
}

static int country_index(const build *b, apr_uint32_t code)
{
    for (int i = 0; i < b->ncountries; i++)
        if (b->country_codes[i] == code)
            return i;
    return -1;
}

static const char *country_list(build *b)
{
    const char *s = "";
    for (int i = 0; i < b->ncountries; i++)
        s = apr_pstrcat(b->tmp, s, i ? ", " : "", str_of(b, b->country_codes[i]), NULL);
    return s;
}

static int slug_taken(build *b, apr_uint32_t slug, const rc_jnode *v, int collection)
{
    const char *s = str_of(b, slug);
    const char *why = NULL;
    /* first: the index page always exists, and this says why a collection cannot be "index" */
    if (collection && !strcmp(s, "index"))
        why = "a slug other than \"index\" (the page served at the mount point)";
    for (int i = 0; i < b->npages && !why; i++)
        if (b->pages[i].slug == slug)
            why = "a slug unique across pages and collections";
    for (apr_size_t i = 0; i < b->cols.n && !why; i++)
        if (RC_VEC_AT(&b->cols, bcol, i).slug == slug && RC_VEC_AT(&b->cols, bcol, i).node)
            why = "a slug unique across pages and collections";
    if (!why && (!strcmp(s, "assets") || !strcmp(s, "openapi") || !strcmp(s, "sitemap")))
        why = "a slug other than assets, openapi and sitemap (the module's own addresses)";
    if (!why && lang_index(b, slug) >= 0)
        why = "a slug other than a declared language code (B/es/ is the site in Spanish)";
    if (why) {
        apr_size_t old = path_push(b, ".slug");
        fail(b, v, "%s", why);
        path_pop(b, old);
        return 1;
    }
    return 0;
}

/* ---- page files ---- */

/* *s from fi (zeros for NULL: a missing file). */
static void file_state(rc_file_state *s, const char *path, const apr_finfo_t *fi)
{
    s->path = path;
    s->mtime = fi ? fi->mtime : 0;
    s->size = fi ? fi->size : 0;
    s->inode = fi ? (apr_uint64_t)fi->inode : 0;
    s->dev = fi ? (apr_uint64_t)fi->device : 0;
    s->ctime = fi ? fi->ctime : 0;
}

/* path's information as stat() gives it (through links) in *fi, NULL when it has none. */
static const apr_finfo_t *stat_path(apr_pool_t *p, const char *path, apr_finfo_t *fi)
{
    return apr_stat(fi, path, RC_FILE_STATE_WANTED, p) == APR_SUCCESS ? fi : NULL;
}

void rc_file_stat(apr_pool_t *p, const char *path, rc_file_state *s)
{
    apr_finfo_t fi;
    file_state(s, path, stat_path(p, path, &fi));
}

int rc_file_unchanged(apr_pool_t *p, const rc_file_state *was)
{
    rc_file_state now;
    rc_file_stat(p, was->path, &now);
    return now.mtime == was->mtime && now.size == was->size && now.inode == was->inode &&
           now.dev == was->dev && now.ctime == was->ctime;
}

static void note_file(build *b, const char *path, const apr_finfo_t *fi)
{
    if (!b->files)
        return;
    for (int i = 0; i < b->files->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(b->files, i, rc_file_state).path, path))
            return;
    file_state(apr_array_push(b->files), apr_pstrdup(b->files->pool, path), fi);
}

/* Notes path as stat() sees it, for a file that is not read: the source's .err file then
 * matches the files as they are until one changes, and a file that cannot be opened
 * (permissions), is a directory or leads out of the folder is not built again at every check. */
static void note_path(build *b, const char *path)
{
    apr_finfo_t fi;
    note_file(b, path, stat_path(b->tmp, path, &fi));
}

/* 1 unless path resolves, through symbolic links, to a place outside the data file's folder. */
static int inside_dir(build *b, const char *path)
{
    char dir[PATH_MAX], real[PATH_MAX];
    apr_size_t n;
    if (!realpath(path, real))
        return 1;  /* a missing file: the read reports it */
    if (!realpath(b->dir, dir))
        return 0;
    n = strlen(dir);
    return !strncmp(real, dir, n) && (real[n] == '/' || (n == 1 && dir[0] == '/'));
}

/* Reads the page file named by v (a string node) at the current path: its body's string id
 * and mtime. Files are read once however many languages name them. */
static int page_file(build *b, const rc_jnode *v, apr_uint32_t *body, apr_int64_t *mtime)
{
    char *full, *buf;
    apr_finfo_t fi;
    apr_size_t len;
    const char *why;

    if (!plain_string(v))
        return fail(b, v, "a file name relative to the data file's folder");
    if (!b->dir) {  /* built from memory: no files */
        *body = intern(b, "", 0, STR_BODY);
        *mtime = b->mtime;
        return *body != NONE;
    }
    if (apr_filepath_merge(&full, b->dir, v->s, APR_FILEPATH_SECUREROOT | APR_FILEPATH_NATIVE,
                           b->tmp) != APR_SUCCESS)
        return fail(b, v, "a file inside the data file's folder %s", b->dir);
    if (!inside_dir(b, full)) {
        note_path(b, full);
        return fail(b, v, "a file inside the data file's folder %s (a link out of it is not "
                          "followed)", b->dir);
    }
    if ((why = rc_file_read(b->tmp, full, RC_MAX_PAGE_BYTES, &buf, &len, &fi)) != NULL) {
        note_path(b, full);
        return fail(b, v, "a readable page file (%s: %s)", full, why);
    }
    note_file(b, full, &fi);
    if (!rc_utf8_valid(buf, len))
        return fail(b, v, "a page file in UTF-8 (%s is not, or holds a NUL byte)", full);
    XXH3_128bits_update(b->content, buf, len);
    *body = intern(b, buf, len, STR_BODY);
    *mtime = fi.mtime > b->mtime ? fi.mtime : b->mtime;
    return *body != NONE;
}

static int page_files(build *b, bpage *pg, const rc_jnode *file)
{
    apr_size_t old = path_push(b, ".file");
    pg->files = apr_palloc(b->tmp, sizeof(apr_uint32_t) * b->nlang);
    pg->bodies = apr_palloc(b->tmp, sizeof(apr_uint32_t) * b->nlang);
    pg->mtimes = apr_palloc(b->tmp, sizeof(apr_int64_t) * b->nlang);
    if (file && file->type == RC_JOBJECT && file->n > 0) {
        for (int l = 0; l < b->nlang; l++)
            pg->bodies[l] = NONE;
        for (const rc_jnode *m = file->first; m; m = m->next) {
            int l = is_lang_code(m->key, m->keylen)
                        ? lang_index(b, intern(b, m->key, m->keylen, STR_NOVARIANTS)) : -1;
            apr_size_t mold = path_push(b, ".%s", rc_escape_log(b->tmp, m->key));
            if (l < 0)
                return fail(b, m, "a page file for a declared language (%s)", lang_list(b));
            if (!page_file(b, m, &pg->bodies[l], &pg->mtimes[l]))
                return 0;
            path_pop(b, mold);
        }
        if (pg->bodies[0] == NONE)
            return fail(b, file, "a page file, or an object of page files by language with one "
                                 "for \"%s\" (the default language)", str_of(b, b->langs[0]));
        for (int l = 1; l < b->nlang; l++)
            if (pg->bodies[l] == NONE)  /* that language shows the default one's, marked */
                pg->mtimes[l] = pg->mtimes[0];
    }
    else {
        if (file && file->type == RC_JOBJECT)
            return fail(b, file, "a page file, or an object of page files by language");
        if (!page_file(b, file, &pg->bodies[0], &pg->mtimes[0]))
            return 0;
        /* one file: the default language's; the others show it, marked as such */
        for (int l = 1; l < b->nlang; l++) {
            pg->bodies[l] = NONE;
            pg->mtimes[l] = pg->mtimes[0];
        }
    }
    path_pop(b, old);
    return 1;
}

static int pages(build *b, const rc_jnode *root)
{
    static const char *const keys[] = {"slug", "title", "file", "nav", NULL};
    const rc_jnode *arr, *v;
    int i = 0, has_index = 0;
    b->plen = 0;
    if (!(arr = get_array(b, root, "pages", 1)))
        return 0;
    b->pages = apr_pcalloc(b->tmp, sizeof(bpage) * (arr->n + 1));
    for (v = arr->first; v; v = v->next, i++) {
        bpage *pg = &b->pages[i];
        path_set(b, "pages[%d]", i);
        if (!check_object(b, v, keys, "an object with slug, title, file and optional nav") ||
            !get_slug(b, v, "slug", REQUIRED, &pg->slug, "a page slug") ||
            slug_taken(b, pg->slug, rc_jget(v, "slug"), 0) ||
            !get_text(b, v, "title", 1, &pg->title) || !get_text(b, v, "nav", 0, &pg->nav))
            return 0;
        {
            apr_size_t old = path_push(b, ".title");
            if (!resolve_text(b, pg->title, 0))
                return 0;
            path_pop(b, old);
            old = path_push(b, ".nav");
            if (!resolve_text(b, pg->nav, 0))
                return 0;
            path_pop(b, old);
        }
        if (!page_files(b, pg, rc_jget(v, "file")))
            return 0;
        b->npages = i + 1;
        if (!strcmp(str_of(b, pg->slug), "index"))
            has_index = 1;
    }
    if (!has_index) {
        path_set(b, "pages");
        return fail(b, arr, "a page with slug \"index\" (served at the mount point)");
    }
    return 1;
}

/* ---- collections ---- */

static int cmp_kind(const void *x, const void *y, void *ctx)
{
    return str_cmp(ctx, *(const apr_uint32_t *)x, *(const apr_uint32_t *)y);
}

/* qsort's comparisons of kinds read the build's strings: its context, per thread (builds of
 * different sources may run in different threads) */
static __thread build *sort_build;

static int cmp_kind_q(const void *x, const void *y)
{
    return cmp_kind(x, y, sort_build);
}

static int collection_kinds(build *b, bcol *col)
{
    const rc_jnode *labels = rc_jget(col->node, "kinds");
    unsigned char *seen = calloc(b->strs.n + 1, 1);  /* by string id: kinds are interned */
    if (!seen)
        return oom(b);
    /* each kind once (seen), then in order */
    col->kinds = apr_palloc(b->tmp, sizeof(apr_uint32_t) * (col->items.n + 1));
    col->nkinds = 0;
    for (apr_size_t i = 0; i < col->items.n; i++) {
        apr_uint32_t k = RC_VEC_AT(&col->items, bitem, i).kind;
        if (k != NONE && !seen[k]) {
            seen[k] = 1;
            col->kinds[col->nkinds++] = k;
        }
    }
    free(seen);
    sort_build = b;
    qsort(col->kinds, (size_t)col->nkinds, sizeof(apr_uint32_t), cmp_kind_q);
    if (col->nkinds > RC_MAX_KINDS) {
        path_push(b, ".items");
        return fail_value(b, apr_psprintf(b->tmp, "items of %d different kinds", col->nkinds),
                          "at most %d kinds in one collection", RC_MAX_KINDS);
    }
    col->kind_labels = apr_pcalloc(b->tmp, sizeof(apr_uint32_t) * (col->nkinds + 1));
    for (apr_size_t i = 0; i < col->items.n; i++) {
        bitem *it = &RC_VEC_AT(&col->items, bitem, i);
        it->kind_index = -1;
        if (it->kind != NONE) {
            int lo = 0, hi = col->nkinds;
            while (lo < hi) {
                int mid = (lo + hi) / 2, c = str_cmp(b, col->kinds[mid], it->kind);
                if (c == 0) {
                    lo = mid;
                    break;
                }
                if (c < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            it->kind_index = lo;
        }
    }
    if (!labels)
        return 1;
    {
        apr_size_t old = path_push(b, ".kinds");
        if (labels->type != RC_JOBJECT)
            return fail(b, labels, "an object of kind labels by kind, such as "
                                   "{\"action\": {\"es\": \"Acción\"}}");
        for (const rc_jnode *m = labels->first; m; m = m->next) {
            apr_uint32_t slug = intern(b, m->key, m->keylen, 0), text;
            int k = -1;
            apr_size_t mold = path_push(b, ".%s", rc_escape_log(b->tmp, m->key));
            for (int i = 0; i < col->nkinds; i++)
                if (col->kinds[i] == slug)
                    k = i;
            if (k < 0) {
                const char *list = "";
                for (int i = 0; i < col->nkinds; i++)
                    list = apr_pstrcat(b->tmp, list, i ? ", " : "", str_of(b, col->kinds[i]),
                                       NULL);
                return fail(b, m, "a kind that items of this collection have (%s)",
                            col->nkinds ? list : "none");
            }
            path_pop(b, mold);
            if (!get_text(b, labels, m->key, 1, &text))
                return 0;
            mold = path_push(b, ".%s", m->key);
            if (!resolve_text(b, text, 1))
                return 0;
            path_pop(b, mold);
            col->kind_labels[k] = text;
        }
        path_pop(b, old);
    }
    return 1;
}

/* Resolves an item's country codes, persons' countries and texts. */
static int resolve_item(build *b, bitem *it)
{
    for (apr_uint32_t k = 0; k < it->ncodes; k++) {
        apr_uint32_t *code = &RC_VEC_AT(&b->codes, apr_uint32_t, it->codes + k);
        int ci = country_index(b, *code);
        if (ci < 0) {
            apr_size_t old = path_push(b, ".countries[%u]", k);
            fail_value(b, apr_psprintf(b->tmp, "\"%s\"", rc_escape_json(b->tmp, str_of(b, *code), 2)),
                       "a country code declared in countries (%s)", country_list(b));
            path_pop(b, old);
            return 0;
        }
        *code = (apr_uint32_t)ci;  /* from now on: the country's index */
    }
    {
        apr_size_t old = path_push(b, ".title");
        if (!resolve_text(b, it->title, 0))
            return 0;
        path_pop(b, old);
        old = path_push(b, ".summary");
        if (!resolve_text(b, it->summary, 0))
            return 0;
        path_pop(b, old);
    }
    for (apr_uint32_t k = 0; k < it->ndocs; k++) {
        bdoc *d = &RC_VEC_AT(&b->docs, bdoc, it->docs + k);
        apr_size_t old = path_push(b, ".documents[%u].title", k);
        if (!resolve_text(b, d->title, 0))
            return 0;
        path_pop(b, old);
    }
    for (apr_uint32_t k = 0; k < it->npersons; k++) {
        bperson *pe = &RC_VEC_AT(&b->persons, bperson, it->persons + k);
        apr_size_t old = path_push(b, ".persons[%u].position", k);
        if (!resolve_text(b, pe->position, 0))
            return 0;
        path_pop(b, old);
        pe->country_index = -1;
        if (pe->country != NONE && (pe->country_index = country_index(b, pe->country)) < 0) {
            old = path_push(b, ".persons[%u].country", k);
            fail_value(b, apr_psprintf(b->tmp, "\"%s\"", rc_escape_json(b->tmp, str_of(b, pe->country), 2)),
                       "a country code declared in countries (%s)", country_list(b));
            return 0;
        }
    }
    return 1;
}

/* What items are sorted by, in one array: comparisons read no item record, and the first 16
 * bytes of the ids (big-endian, so that integers compare as the bytes do) settle most ties. */
typedef struct sort_key {
    apr_int32_t start;
    apr_uint32_t index;
    apr_uint64_t id1, id2;
    const char *id;
} sort_key;

static apr_uint64_t be64(const char *s, apr_size_t len, apr_size_t at)
{
    apr_uint64_t v = 0;
    for (apr_size_t i = 0; i < 8; i++)
        v = v << 8 | (at + i < len ? (unsigned char)s[at + i] : 0);
    return v;
}

static int cmp_id_keys(const sort_key *a, const sort_key *c)
{
    if (a->id1 != c->id1)
        return a->id1 < c->id1 ? -1 : 1;
    if (a->id2 != c->id2)
        return a->id2 < c->id2 ? -1 : 1;
    return strcmp(a->id, c->id);
}

static int cmp_date_keys(const void *x, const void *y)
{
    const sort_key *a = x, *c = y;
    if (a->start != c->start)
        return a->start > c->start ? -1 : 1;
    return cmp_id_keys(a, c);
}

static int cmp_id_only(const void *x, const void *y)
{
    return cmp_id_keys(x, y);
}

/* col->order (newest first, ties by id) and col->by_id (positions by id). */
static int sort_items(build *b, bcol *col)
{
    apr_size_t n = col->items.n;
    sort_key *keys = malloc(sizeof(sort_key) * (n + 1));
    if (!keys)
        return oom(b);
    col->order = apr_palloc(b->tmp, sizeof(apr_uint32_t) * (n + 1));
    col->by_id = apr_palloc(b->tmp, sizeof(apr_uint32_t) * (n + 1));
    for (apr_size_t i = 0; i < n; i++) {
        const bitem *it = &RC_VEC_AT(&col->items, bitem, i);
        const bstr *id = &RC_VEC_AT(&b->strs, bstr, it->id);
        keys[i].start = it->start;
        keys[i].index = (apr_uint32_t)i;
        keys[i].id = id->s;
        keys[i].id1 = be64(id->s, id->len, 0);
        keys[i].id2 = be64(id->s, id->len, 8);
    }
    qsort(keys, n, sizeof(sort_key), cmp_date_keys);
    for (apr_size_t pos = 0; pos < n; pos++) {
        col->order[pos] = keys[pos].index;
        keys[pos].index = (apr_uint32_t)pos;  /* now: its position */
    }
    qsort(keys, n, sizeof(sort_key), cmp_id_only);
    for (apr_size_t i = 0; i < n; i++)
        col->by_id[i] = keys[i].index;
    free(keys);
    return 1;
}

static int collections(build *b, const rc_jnode *root)
{
    static const char *const keys[] = {"slug", "title", "items", "nav", "kinds", NULL};
    const rc_jnode *arr, *v;
    apr_uint32_t c = 0;
    b->plen = 0;
    if (!(arr = get_array(b, root, "collections", 0)))
        return !b->error;
    for (v = arr->first; v; v = v->next, c++) {
        bcol *col = col_at(b, c);
        if (!col)
            return oom(b);
        col->node = NULL;  /* set once its slug is checked, for slug_taken */
        path_set(b, "collections[%u]", c);
        if (!check_object(b, v, keys, "an object with slug, title, items and optional nav and "
                                      "kinds") ||
            !get_slug(b, v, "slug", REQUIRED, &col->slug, "a collection slug") ||
            slug_taken(b, col->slug, rc_jget(v, "slug"), 1))
            return 0;
        col->node = v;
        if (!get_text(b, v, "title", 1, &col->title) || !get_text(b, v, "nav", 0, &col->nav) ||
            !get_array(b, v, "items", 1))
            return 0;
        {
            apr_size_t old = path_push(b, ".title");
            if (!resolve_text(b, col->title, 0))
                return 0;
            path_pop(b, old);
            old = path_push(b, ".nav");
            if (!resolve_text(b, col->nav, 0))
                return 0;
            path_pop(b, old);
        }
        for (apr_size_t i = 0; i < col->items.n; i++) {
            bitem *it = &RC_VEC_AT(&col->items, bitem, i);
            path_set(b, "collections[%u].items[%u]", c, it->index);
            if (!resolve_item(b, it))
                return 0;
        }
        path_set(b, "collections[%u]", c);
        if (!collection_kinds(b, col))
            return 0;
        /* newest first, ties by id; then positions by id, to find duplicates and, in the
         * image, items by id */
        if (!sort_items(b, col))
            return 0;
        for (apr_size_t i = 1; i < col->items.n; i++) {
            const bitem *x = &RC_VEC_AT(&col->items, bitem, col->order[col->by_id[i - 1]]);
            const bitem *y = &RC_VEC_AT(&col->items, bitem, col->order[col->by_id[i]]);
            if (!strcmp(str_of(b, x->id), str_of(b, y->id))) {
                path_set(b, "collections[%u].items[%u].id", c,
                         x->index > y->index ? x->index : y->index);
                return fail_value(b, apr_psprintf(b->tmp, "\"%s\"", str_of(b, x->id)),
                                  "an id unique in its collection");
            }
        }
    }
    /* items of a collection index that has no object (the array holds something else) */
    if (b->cols.n > c)
        for (apr_size_t i = c; i < b->cols.n; i++)
            if (RC_VEC_AT(&b->cols, bcol, i).items.n)
                return fail(b, NULL, "no items outside a collection");
    return 1;
}

static int root_object(build *b, const rc_jnode *root)
{
    static const char *const keys[] = {"title",       "languages", "countries", "pages",
                                       "collections", NULL};
    b->plen = 0;
    if (!check_object(b, root, keys,
                      "an object with title, countries, pages and optional languages and "
                      "collections"))
        return 0;
    if (!languages(b, root))
        return 0;
    b->plen = 0;
    if (!get_text(b, root, "title", 1, &b->title))
        return 0;
    path_set(b, "title");
    if (!resolve_text(b, b->title, 0))
        return 0;
    if (!countries(b, root) || !pages(b, root) || !collections(b, root))
        return 0;
    for (const rc_jnode *m = root->first; m; m = m->next) {
        if (m->keylen == 11 && !memcmp(m->key, "collections", 11)) {
            b->collections_first = 1;
            break;
        }
        if (m->keylen == 5 && !memcmp(m->key, "pages", 5))
            break;
    }
    return 1;
}

/* ---------------------------------------------------------------- writing */

typedef struct writer {
    build *b;
    rc_imgw *w;
    rc_lexicon *lx;
    rc_table *blobs;         /* small arrays written once: hash of the bytes -> offset; in the
                              * build's pool, whose cleanup frees it (the writer is on the stack) */
} writer;

/* Writes data, or finds the same bytes written before, and returns the offset. Blobs are told
 * apart by their 64-bit hash, seeded with their length: the writer cannot read a file back, and
 * a collision of XXH3-64 over arrays of a few words is not a practical concern. */
static apr_uint32_t put_blob(writer *wr, const void *data, apr_size_t len, apr_size_t align)
{
    apr_uint64_t h = XXH3_64bits_withSeed(data, len, len * 131 + align);
    apr_uint32_t off = rc_table_find(wr->blobs, h, NULL, NULL, 0, 0);
    if (off != RC_TABLE_NONE)
        return off;
    off = rc_imgw_put(wr->w, data, len, align);
    if (off && rc_table_find(wr->blobs, h, NULL, NULL, 1, off) == RC_TABLE_NOMEM)
        return 0;
    return off;
}

/* Interns the escaped forms of every string that needs them. */
static int escape_strings(build *b)
{
    apr_size_t n = b->strs.n;
    apr_pool_t *scratch;
    apr_pool_create(&scratch, b->tmp);
    for (apr_size_t i = 0; i < n; i++) {
        const bstr *s = &RC_VEC_AT(&b->strs, bstr, i);
        const char *h, *j, *str = s->s; /* s goes stale once intern() moves the vector */
        apr_uint32_t hid = NONE, jid = NONE;
        if (s->flags & (STR_BODY | STR_NOVARIANTS))
            continue;
        h = rc_escape_html(scratch, str);
        j = rc_escape_json(scratch, str, s->len);
        if (h != str && (hid = intern(b, h, strlen(h), STR_NOVARIANTS)) == NONE)
            return 0;
        if (j != str && (jid = intern(b, j, strlen(j), STR_NOVARIANTS)) == NONE)
            return 0;
        /* intern() may have moved the vector */
        RC_VEC_AT(&b->strs, bstr, i).html = hid;
        RC_VEC_AT(&b->strs, bstr, i).json = jid;
        if ((i & 4095) == 4095)
            apr_pool_clear(scratch);
    }
    apr_pool_destroy(scratch);
    return 1;
}

static int write_strings(writer *wr)
{
    build *b = wr->b;
    apr_uint64_t off = sizeof(rc_img_header);
    /* offsets first: a string's record names its escaped forms, which may come after it */
    for (apr_size_t i = 0; i < b->strs.n; i++) {
        bstr *s = &RC_VEC_AT(&b->strs, bstr, i);
        off = (off + 3) & ~(apr_uint64_t)3;
        if (off + sizeof(rc_img_str) + s->len + 1 > 0xFFFFFFF0u) {
            b->error = apr_psprintf(b->p, "%s: the built data is larger than 4 GB, the most "
                                          "the image format can hold", b->name);
            return 0;
        }
        s->off = (apr_uint32_t)off;
        off += sizeof(rc_img_str) + s->len + 1;
    }
    for (apr_size_t i = 0; i < b->strs.n; i++) {
        const bstr *s = &RC_VEC_AT(&b->strs, bstr, i);
        rc_img_str rec;
        rec.len = s->len;
        rec.html = s->html == NONE ? 0 : RC_VEC_AT(&b->strs, bstr, s->html).off;
        rec.json = s->json == NONE ? 0 : RC_VEC_AT(&b->strs, bstr, s->json).off;
        rc_imgw_put(wr->w, &rec, sizeof(rec), 4);
        rc_imgw_put(wr->w, s->s, (apr_size_t)s->len + 1, 1);
    }
    return !rc_imgw_error(wr->w);
}

static apr_uint32_t soff(const build *b, apr_uint32_t id)
{
    return id == NONE ? 0 : RC_VEC_AT(&b->strs, bstr, id).off;
}

/* A resolved text as a table of string offsets; 0 for none. */
static apr_uint32_t put_text(writer *wr, apr_uint32_t t)
{
    build *b = wr->b;
    apr_uint32_t table[RC_MAX_LANGUAGES];
    const apr_uint32_t *ids;
    if (t == 0)
        return 0;
    ids = text_ids(b, t);
    for (int l = 0; l < b->nlang; l++)
        table[l] = soff(b, ids[l]);
    return put_blob(wr, table, sizeof(apr_uint32_t) * (apr_size_t)b->nlang, 4);
}

/* Adds the words of resolved text t, in every language, to the item at pos. */
static int add_text_words(writer *wr, rc_words_builder *wb, int pos, apr_uint32_t t)
{
    const apr_uint32_t *ids;
    if (!t)
        return 1;
    ids = text_ids(wr->b, t);
    for (int l = 0; l < wr->b->nlang; l++)
        if (ids[l] != NONE && (l == 0 || ids[l] != ids[0]) &&
            !rc_words_add(wb, pos, ids[l], str_of(wr->b, ids[l]), str_len(wr->b, ids[l])))
            return 0;
    return 1;
}

/* One item's record (at position pos) and the arrays it points to. */
static int write_item(writer *wr, const bitem *it, rc_img_item *r)
{
    build *b = wr->b;
    apr_uint16_t cl[676];
    memset(r, 0, sizeof(*r));
    r->id = soff(b, it->id);
    r->date = soff(b, it->date);
    r->start = it->start;
    r->end = it->end;
    r->title = put_text(wr, it->title);
    r->summary = put_text(wr, it->summary);
    r->source = soff(b, it->source);
    for (apr_uint32_t k = 0; k < it->ncodes; k++)
        cl[k] = (apr_uint16_t)RC_VEC_AT(&b->codes, apr_uint32_t, it->codes + k);
    r->ncountries = (apr_uint16_t)it->ncodes;
    r->countries = put_blob(wr, cl, sizeof(apr_uint16_t) * it->ncodes, 4);
    if (it->ndocs) {
        rc_img_document *d = apr_palloc(b->tmp, sizeof(*d) * it->ndocs);
        for (apr_uint32_t k = 0; k < it->ndocs; k++) {
            const bdoc *bd = &RC_VEC_AT(&b->docs, bdoc, it->docs + k);
            memset(&d[k], 0, sizeof(d[k]));
            d[k].title = put_text(wr, bd->title);
            d[k].href = soff(b, bd->href);
            d[k].link = soff(b, bd->link);
            d[k].bytes = bd->bytes;
        }
        r->documents = put_blob(wr, d, sizeof(*d) * it->ndocs, 8);
        r->ndocuments = (apr_uint16_t)it->ndocs;
    }
    if (it->npersons) {
        rc_img_person *pe = apr_palloc(b->tmp, sizeof(*pe) * it->npersons);
        for (apr_uint32_t k = 0; k < it->npersons; k++) {
            const bperson *bp = &RC_VEC_AT(&b->persons, bperson, it->persons + k);
            memset(&pe[k], 0, sizeof(pe[k]));
            pe[k].name = soff(b, bp->name);
            pe[k].position = put_text(wr, bp->position);
            pe[k].country = bp->country_index;
        }
        r->persons = put_blob(wr, pe, sizeof(*pe) * it->npersons, 4);
        r->npersons = (apr_uint16_t)it->npersons;
    }
    r->kind = (apr_int16_t)it->kind_index;
    return !rc_imgw_error(wr->w);
}

static int write_collection(writer *wr, bcol *col, rc_img_collection *out)
{
    build *b = wr->b;
    apr_size_t n = col->items.n;
    rc_img_item *items = malloc(sizeof(rc_img_item) * (n + 1));
    apr_uint64_t *cmask = malloc(sizeof(apr_uint64_t) * (n + 1));
    int *kind = malloc(sizeof(int) * (n + 1)), *start = malloc(sizeof(int) * (n + 1));
    unsigned char *prec = malloc(n + 1);
    apr_uint32_t *asc = malloc(sizeof(apr_uint32_t) * (n + 1));
    rc_img_kind *kinds = apr_pcalloc(b->tmp, sizeof(rc_img_kind) * (col->nkinds + 1));
    rc_words_builder *wb = rc_words_begin(wr->lx, (int)n);
    int ok = 0;

    memset(out, 0, sizeof(*out));
    if (!items || !cmask || !kind || !start || !prec || !asc || !wb) {
        oom(b);
        goto done;
    }
    for (apr_size_t pos = 0; pos < n; pos++) {
        const bitem *it = &RC_VEC_AT(&col->items, bitem, col->order[pos]);
        if (!write_item(wr, it, &items[pos]))
            goto done;
        cmask[pos] = 0;
        for (apr_uint32_t k = 0; k < it->ncodes; k++) {
            apr_uint32_t c = RC_VEC_AT(&b->codes, apr_uint32_t, it->codes + k);
            if (c < 64)
                cmask[pos] |= (apr_uint64_t)1 << c;
        }
        kind[pos] = it->kind_index;
        start[pos] = it->start;
        prec[pos] = (unsigned char)(it->end == it->start ? RC_PREC_DAY
                                    : it->end - it->start < 100 ? RC_PREC_MONTH
                                                                : RC_PREC_YEAR);
        /* q: title, summary, persons' names and positions, in every language */
        if (!add_text_words(wr, wb, (int)pos, it->title) ||
            !add_text_words(wr, wb, (int)pos, it->summary)) {
            oom(b);
            goto done;
        }
        for (apr_uint32_t k = 0; k < it->npersons; k++) {
            const bperson *bp = &RC_VEC_AT(&b->persons, bperson, it->persons + k);
            if (!rc_words_add(wb, (int)pos, bp->name, str_of(b, bp->name), str_len(b, bp->name)) ||
                !add_text_words(wr, wb, (int)pos, bp->position)) {
                oom(b);
                goto done;
            }
        }
    }
    out->items = rc_imgw_put(wr->w, items, sizeof(rc_img_item) * n, 8);
    out->nitems = (apr_uint32_t)n;

    out->by_id = rc_imgw_put(wr->w, col->by_id, sizeof(apr_uint32_t) * n, 4);

    /* oldest first, ties by id: the groups of one start date in reverse, each in order */
    {
        apr_size_t k = 0, end = n;
        while (end > 0) {
            apr_size_t begin = end - 1;
            while (begin > 0 && start[begin - 1] == start[end - 1])
                begin--;
            for (apr_size_t pos = begin; pos < end; pos++)
                asc[k++] = (apr_uint32_t)pos;
            end = begin;
        }
    }
    out->asc = rc_imgw_put(wr->w, asc, sizeof(apr_uint32_t) * n, 4);
    {
        rc_index_input in;
        rc_words_facets f;
        in.n = (int)n;
        in.ncountries = b->ncountries;
        in.nkinds = col->nkinds;
        in.countries = cmask;
        in.kind = kind;
        in.prec = prec;
        in.start = start;
        out->index = rc_index_write(b->tmp, wr->w, &in);
        f.n = (int)n;
        f.ncountries = b->ncountries;
        f.nkinds = col->nkinds;
        f.countries = cmask;
        f.kind = kind;
        f.prec = prec;
        f.start = start;
        out->words = rc_words_write(wb, wr->w, &f);
        wb = NULL;
    }
    for (int k = 0; k < col->nkinds; k++) {
        kinds[k].slug = soff(b, col->kinds[k]);
        kinds[k].label = put_text(wr, col->kind_labels[k]);
    }
    out->kinds = rc_imgw_put(wr->w, kinds, sizeof(rc_img_kind) * (apr_size_t)col->nkinds, 4);
    out->nkinds = (apr_uint32_t)col->nkinds;
    out->slug = soff(b, col->slug);
    out->title = put_text(wr, col->title);
    out->nav = put_text(wr, col->nav);
    for (apr_size_t pos = 0; pos < n; pos++) {
        int y = start[pos] / 10000;
        if (!out->min_year || y < out->min_year)
            out->min_year = y;
        if (y > out->max_year)
            out->max_year = y;
    }
    ok = !rc_imgw_error(wr->w) && !b->error && out->words;
done:
    /* a builder not written is freed with the build's pool */
    free(items);
    free(cmask);
    free(kind);
    free(start);
    free(prec);
    free(asc);
    return ok;
}

static apr_uint32_t put_str_langs(writer *wr)
{
    apr_uint32_t table[RC_MAX_LANGUAGES];
    for (int l = 0; l < wr->b->nlang; l++)
        table[l] = soff(wr->b, wr->b->langs[l]);
    return rc_imgw_put(wr->w, table, sizeof(apr_uint32_t) * (apr_size_t)wr->b->nlang, 4);
}

static const char *write_image(build *b, rc_imgw *w)
{
    writer wr;
    rc_img_header h;
    rc_img_site site;
    rc_img_country *countries = apr_pcalloc(b->tmp, sizeof(rc_img_country) * (b->ncountries + 1));
    rc_img_page *pages = apr_pcalloc(b->tmp, sizeof(rc_img_page) * (b->npages + 1));
    apr_size_t ncols = 0;
    rc_img_collection *cols;
    rc_img_nav *nav;
    rc_img_file *files;
    apr_uint32_t *folded_ids;
    int nfiles = b->files ? b->files->nelts : 0;

    for (apr_size_t c = 0; c < b->cols.n; c++)
        if (RC_VEC_AT(&b->cols, bcol, c).node)
            ncols++;
    cols = apr_pcalloc(b->tmp, sizeof(rc_img_collection) * (ncols + 1));
    nav = apr_pcalloc(b->tmp, sizeof(rc_img_nav) * ((apr_size_t)b->npages + ncols + 1));
    files = apr_pcalloc(b->tmp, sizeof(rc_img_file) * ((apr_size_t)nfiles + 1));
    memset(&wr, 0, sizeof(wr));
    wr.b = b;
    wr.w = w;
    wr.blobs = apr_pcalloc(b->tmp, sizeof(*wr.blobs));
    if (!(wr.lx = rc_lexicon_create(b->tmp)) || !rc_table_init(b->tmp, wr.blobs, 4096))
        return oom(b), b->error;

    /* strings every part needs, before the strings are written */
    folded_ids = apr_palloc(b->tmp, sizeof(apr_uint32_t) * ((apr_size_t)b->ncountries * b->nlang + 1));
    for (int c = 0; c < b->ncountries; c++) {
        const apr_uint32_t *ids = text_ids(b, b->country_names[c]);
        for (int l = 0; l < b->nlang; l++) {
            apr_uint32_t id = NONE;
            if (ids[l] != NONE) {
                const char *f = rc_fold(b->tmp, str_of(b, ids[l]), str_len(b, ids[l]));
                if ((id = intern(b, f, strlen(f), STR_NOVARIANTS)) == NONE)
                    return b->error;
            }
            folded_ids[c * b->nlang + l] = id;
        }
    }
    {
        apr_uint32_t path = intern(b, b->name, strlen(b->name), 0);
        for (int i = 0; i < nfiles; i++) {
            const rc_file_state *f = &APR_ARRAY_IDX(b->files, i, rc_file_state);
            if (intern(b, f->path, strlen(f->path), STR_NOVARIANTS) == NONE)
                return b->error;
        }
        if (path == NONE || !escape_strings(b))
            return b->error ? b->error : (oom(b), b->error);
    }
    rc_imgw_put(w, NULL, sizeof(rc_img_header), 8);  /* the header goes here at the end */
    if (!write_strings(&wr))
        return b->error ? b->error : rc_imgw_error(w);

    for (apr_size_t c = 0, k = 0; c < b->cols.n; c++) {
        bcol *col = &RC_VEC_AT(&b->cols, bcol, c);
        if (!col->node)
            continue;
        if (!write_collection(&wr, col, &cols[k++]))
            return b->error ? b->error : rc_imgw_error(w) ? rc_imgw_error(w) : "out of memory";
    }
    for (int c = 0; c < b->ncountries; c++) {
        apr_uint32_t table[RC_MAX_LANGUAGES];
        countries[c].code = soff(b, b->country_codes[c]);
        countries[c].name = put_text(&wr, b->country_names[c]);
        for (int l = 0; l < b->nlang; l++)
            table[l] = soff(b, folded_ids[c * b->nlang + l]);
        countries[c].folded = put_blob(&wr, table, sizeof(apr_uint32_t) * (apr_size_t)b->nlang, 4);
    }
    for (int i = 0; i < b->npages; i++) {
        const bpage *pg = &b->pages[i];
        apr_uint32_t table[RC_MAX_LANGUAGES];
        pages[i].slug = soff(b, pg->slug);
        pages[i].title = put_text(&wr, pg->title);
        pages[i].nav = put_text(&wr, pg->nav);
        for (int l = 0; l < b->nlang; l++)
            table[l] = soff(b, pg->bodies[l]);
        pages[i].body = put_blob(&wr, table, sizeof(apr_uint32_t) * (apr_size_t)b->nlang, 4);
        pages[i].mtimes = rc_imgw_put(w, pg->mtimes, sizeof(apr_int64_t) * (apr_size_t)b->nlang, 8);
    }
    {
        int k = 0;
        for (int pass = 0; pass < 2; pass++) {
            int cols_now = (pass == 0) == b->collections_first;
            if (cols_now)
                for (apr_size_t c = 0; c < ncols; c++) {
                    nav[k].collection = 1;
                    nav[k++].index = (apr_uint32_t)c;
                }
            else
                for (int i = 0; i < b->npages; i++) {
                    nav[k].collection = 0;
                    nav[k++].index = (apr_uint32_t)i;
                }
        }
    }
    for (int i = 0; i < nfiles; i++) {
        const rc_file_state *f = &APR_ARRAY_IDX(b->files, i, rc_file_state);
        files[i].path = soff(b, intern(b, f->path, strlen(f->path), STR_NOVARIANTS));
        files[i].mtime = f->mtime;
        files[i].size = f->size;
        files[i].inode = f->inode;
        files[i].dev = f->dev;
        files[i].ctime = f->ctime;
    }
    memset(&site, 0, sizeof(site));
    site.nlang = (apr_uint32_t)b->nlang;
    site.langs = put_str_langs(&wr);
    site.title = put_text(&wr, b->title);
    site.ncountries = (apr_uint32_t)b->ncountries;
    site.countries = rc_imgw_put(w, countries, sizeof(rc_img_country) * (apr_size_t)b->ncountries, 4);
    site.npages = (apr_uint32_t)b->npages;
    site.pages = rc_imgw_put(w, pages, sizeof(rc_img_page) * (apr_size_t)b->npages, 4);
    site.ncollections = (apr_uint32_t)ncols;
    site.collections = rc_imgw_put(w, cols, sizeof(rc_img_collection) * ncols, 4);
    site.nnav = (apr_uint32_t)((apr_size_t)b->npages + ncols);
    site.nav = rc_imgw_put(w, nav, sizeof(rc_img_nav) * site.nnav, 4);
    site.path = soff(b, intern(b, b->name, strlen(b->name), 0));
    site.mtime = b->mtime;

    memset(&h, 0, sizeof(h));
    memcpy(h.magic, RC_IMG_MAGIC, 8);
    h.format = RC_IMG_FORMAT;
    h.header_size = sizeof(h);
    apr_cpystrn(h.build_id, rc_build_id, sizeof(h.build_id));
    {
        XXH128_hash_t d = XXH3_128bits_digest(b->content);
        apr_snprintf(h.content_hash, sizeof(h.content_hash), "%016" APR_UINT64_T_HEX_FMT
                     "%016" APR_UINT64_T_HEX_FMT, (apr_uint64_t)d.high64, (apr_uint64_t)d.low64);
    }
    h.built_at = apr_time_now();
    h.built_by = (apr_int64_t)getpid();
    h.site = rc_imgw_put(w, &site, sizeof(site), 8);
    h.nfiles = (apr_uint32_t)nfiles;
    h.files = rc_imgw_put(w, files, sizeof(rc_img_file) * (apr_size_t)nfiles, 8);
    for (apr_size_t c = 0; c < ncols; c++)
        h.nitems += cols[c].nitems;
    imgw_finish(w, &h);
    return rc_imgw_error(w);
}

/* ---------------------------------------------------------------- files */

const char *rc_file_read(apr_pool_t *p, const char *path, apr_off_t limit, char **buf,
                         apr_size_t *len, apr_finfo_t *fi)
{
    apr_file_t *f;
    apr_status_t rv;
    char msg[120];

    memset(fi, 0, sizeof(*fi));
    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p)) != APR_SUCCESS ||
        (rv = apr_file_info_get(fi, RC_FILE_STATE_WANTED | APR_FINFO_TYPE, f)) != APR_SUCCESS) {
        if (rv == APR_SUCCESS)
            apr_file_close(f);
        return apr_pstrdup(p, apr_strerror(rv, msg, sizeof(msg)));
    }
    if (fi->filetype != APR_REG) {
        apr_file_close(f);
        return "not a regular file";
    }
    if (fi->size > limit) {
        apr_file_close(f);
        return apr_psprintf(p, "larger than %" APR_OFF_T_FMT " bytes", limit);
    }
    *len = (apr_size_t)fi->size;
    *buf = apr_palloc(p, *len + 1);
    rv = *len ? apr_file_read_full(f, *buf, *len, len) : APR_SUCCESS;
    apr_file_close(f);
    if (rv != APR_SUCCESS)
        return apr_pstrdup(p, apr_strerror(rv, msg, sizeof(msg)));
    (*buf)[*len] = '\0';
    return NULL;
}

/* ---------------------------------------------------------------- entry points */

typedef struct file_src {
    build *b;
    apr_file_t *f;
    const char *path;
} file_src;

static apr_ssize_t file_read(void *ctx, char *buf, apr_size_t size, const char **why)
{
    file_src *fs = ctx;
    apr_size_t n = size;
    apr_status_t rv = apr_file_read(fs->f, buf, &n);
    char msg[120];
    if (rv == APR_EOF || (rv == APR_SUCCESS && n == 0))
        return 0;
    if (rv != APR_SUCCESS) {
        *why = apr_pstrdup(fs->b->tmp, apr_strerror(rv, msg, sizeof(msg)));
        return -1;
    }
    XXH3_128bits_update(fs->b->content, buf, n);
    return (apr_ssize_t)n;
}

/* Line and column of a byte offset: the file is read again up to it (only for a message). */
static void file_where(void *ctx, apr_off_t off, int *line, int *column)
{
    file_src *fs = ctx;
    apr_file_t *f;
    char buf[65536];
    apr_off_t done = 0;
    int l = 1, c = 1;
    if (apr_file_open(&f, fs->path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, fs->b->tmp) ==
        APR_SUCCESS) {
        while (done < off) {
            apr_size_t n = sizeof(buf);
            if ((apr_off_t)n > off - done)
                n = (apr_size_t)(off - done);
            if (apr_file_read(f, buf, &n) != APR_SUCCESS || n == 0)
                break;
            for (apr_size_t i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    l++;
                    c = 1;
                }
                else if (((unsigned char)buf[i] & 0xC0) != 0x80)
                    c++;
            }
            done += (apr_off_t)n;
        }
        apr_file_close(f);
    }
    *line = l;
    *column = c;
}

typedef struct buf_src {
    build *b;
    const char *buf;
    apr_size_t len, at;
} buf_src;

static apr_ssize_t buf_read(void *ctx, char *buf, apr_size_t size, const char **why)
{
    buf_src *bs = ctx;
    apr_size_t n = bs->len - bs->at < size ? bs->len - bs->at : size;
    (void)why;
    memcpy(buf, bs->buf + bs->at, n);
    bs->at += n;
    return (apr_ssize_t)n;
}

static void buf_where(void *ctx, apr_off_t off, int *line, int *column)
{
    buf_src *bs = ctx;
    rc_json_where_buffer(bs->buf, bs->len, off, line, column);
}

static apr_status_t content_cleanup(void *data)
{
    XXH3_freeState(data);
    return APR_SUCCESS;
}

static build *build_new(apr_pool_t *p, const char *name)
{
    build *b;
    apr_pool_t *tmp;
    apr_allocator_t *alloc;
    /* the build's memory goes back to the system when it ends, not to a free list */
    if (apr_allocator_create(&alloc) != APR_SUCCESS)
        return NULL;
    apr_allocator_max_free_set(alloc, 1 << 20);
    if (apr_pool_create_ex(&tmp, p, NULL, alloc) != APR_SUCCESS) {
        apr_allocator_destroy(alloc);
        return NULL;
    }
    apr_allocator_owner_set(alloc, tmp);
    b = apr_pcalloc(tmp, sizeof(*b));
    b->p = p;
    b->tmp = tmp;
    b->name = apr_pstrdup(p, name);
    rc_vec_init(tmp, &b->strs, sizeof(bstr));
    rc_vec_init(tmp, &b->tx, sizeof(apr_uint32_t));
    rc_vec_init(tmp, &b->rt, sizeof(apr_uint32_t));
    rc_vec_init(tmp, &b->cols, sizeof(bcol));
    apr_pool_cleanup_register(tmp, b, cols_cleanup, apr_pool_cleanup_null);
    rc_vec_init(tmp, &b->docs, sizeof(bdoc));
    rc_vec_init(tmp, &b->persons, sizeof(bperson));
    rc_vec_init(tmp, &b->codes, sizeof(apr_uint32_t));
    if (!rc_table_init(tmp, &b->strtab, 1 << 12) || !(b->content = XXH3_createState())) {
        apr_pool_destroy(tmp);
        return NULL;
    }
    apr_pool_cleanup_register(tmp, b->content, content_cleanup, apr_pool_cleanup_null);
    XXH3_128bits_reset(b->content);
    /* text 0 is "none" */
    rc_vec_push(&b->tx);
    return b;
}

static const char *build_end(build *b, const char *err)
{
    apr_pool_destroy(b->tmp);
#ifdef __GLIBC__
    /* give the build's freed memory back now, not at the next allocation */
    malloc_trim(0);
#endif
    return err;
}

static const char *build_run(build *b, const rc_json_source *src, rc_imgw *w)
{
    rc_jnode *root = NULL;
    const char *err = rc_json_read(b->tmp, src, on_item, b, &root);
    if (err)
        return apr_pstrdup(b->p, err);
    if (!root_object(b, root) || b->error)
        return b->error;
    if ((err = write_image(b, w)) != NULL)
        return b->error ? b->error : apr_psprintf(b->p, "%s: %s", b->name, err);
    return NULL;
}

const char *rc_build_file(apr_pool_t *p, const char *path, rc_imgw *w,
                          apr_array_header_t *files)
{
    build *b = build_new(p, path);
    file_src fs;
    rc_json_source src;
    apr_finfo_t fi;
    apr_status_t rv;
    char msg[120];
    const char *err;

    if (!b)
        return "out of memory";
    b->files = files ? files : apr_array_make(b->tmp, 8, sizeof(rc_file_state));
    {
        const char *slash = strrchr(b->name, '/');
        b->dir = slash ? apr_pstrndup(b->tmp, b->name, (apr_size_t)(slash - b->name) + 1) : "./";
    }
    fs.b = b;
    fs.path = b->name;
    if ((rv = apr_file_open(&fs.f, path, APR_FOPEN_READ | APR_FOPEN_BINARY | APR_FOPEN_BUFFERED,
                            0, b->tmp)) != APR_SUCCESS ||
        (rv = apr_file_info_get(&fi, RC_FILE_STATE_WANTED | APR_FINFO_TYPE, fs.f)) !=
            APR_SUCCESS) {
        note_path(b, b->name);
        return build_end(b, apr_psprintf(p, "%s: cannot read the data file: %s", path,
                                         apr_strerror(rv, msg, sizeof(msg))));
    }
    note_file(b, b->name, &fi);
    if (fi.filetype != APR_REG)
        return build_end(b, apr_psprintf(p, "%s: cannot read the data file: not a regular file",
                                         path));
    b->mtime = fi.mtime;
    src.name = b->name;
    src.read = file_read;
    src.read_ctx = &fs;
    src.where = file_where;
    err = build_run(b, &src, w);
    apr_file_close(fs.f);
    return build_end(b, err);
}

const char *rc_build_buffer(apr_pool_t *p, const char *name, const char *buf, apr_size_t len,
                            rc_imgw *w)
{
    build *b = build_new(p, name);
    buf_src bs;
    rc_json_source src;
    if (!b)
        return "out of memory";
    bs.b = b;
    bs.buf = buf;
    bs.len = len;
    bs.at = 0;
    XXH3_128bits_update(b->content, buf, len);
    src.name = b->name;
    src.read = buf_read;
    src.read_ctx = &bs;
    src.where = buf_where;
    return build_end(b, build_run(b, &src, w));
}
