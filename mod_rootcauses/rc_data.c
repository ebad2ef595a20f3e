/* rc_data: reads the data file with jansson, checks every rule of SPEC §4, and turns it into
 * pool-owned structs with the indexes the request path needs. The jansson tree lives only for
 * the length of a load. */
#include "rc_data.h"
#include "rc_index.h"
#include "rc_text.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_file_info.h>
#include <apr_md5.h>
#include <apr_strings.h>
#include <jansson.h>

#define RC_MAX_DATA_BYTES ((apr_off_t)2 << 30)  /* 2 GiB: jansson takes a size_t, be sane */
#define RC_MAX_PAGE_BYTES ((apr_off_t)16 << 20)

typedef struct load_ctx {
    apr_pool_t *p;          /* the version's pool */
    apr_pool_t *tmp;        /* freed when the load ends */
    const char *name;       /* the file as named in messages */
    const char *dir;        /* the data file's folder; NULL when loading from memory */
    const rc_data *d;
    char path[512];         /* JSON path of the value being checked */
    apr_size_t plen;
    const char *error;
    apr_md5_ctx_t md5;
    apr_array_header_t *files;
    char *dump;             /* a buffer for items' JSON, grown as needed */
    apr_size_t dump_size;
} load_ctx;

/* ---- the JSON path, kept as a stack in a fixed buffer ---- */

static apr_size_t path_push(load_ctx *c, const char *fmt, ...)
{
    apr_size_t old = c->plen;
    va_list ap;
    if (old == 0 && fmt[0] == '.')
        fmt++;  /* a top-level key is "title", not ".title" */
    va_start(ap, fmt);
    if (c->plen < sizeof(c->path) - 1) {
        int n = apr_vsnprintf(c->path + c->plen, sizeof(c->path) - c->plen, fmt, ap);
        c->plen += (apr_size_t)n;
        if (c->plen > sizeof(c->path) - 1)
            c->plen = sizeof(c->path) - 1;
    }
    va_end(ap);
    return old;
}

static void path_pop(load_ctx *c, apr_size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

/* A value for a message: compact JSON, cut at 80 bytes. */
static const char *show(load_ctx *c, const json_t *v)
{
    char *s;
    const char *r;
    if (!v)
        return "missing";
    s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!s)
        return "a value";
    if (strlen(s) > 80) {
        apr_size_t cut = 77;  /* on a character boundary */
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        r = apr_pstrcat(c->tmp, apr_pstrndup(c->tmp, s, cut), "...", NULL);
    }
    else
        r = apr_pstrdup(c->tmp, s);
    free(s);  /* jansson allocated it with malloc */
    return r;
}

/* Records the first error: "FILE: PATH is VALUE, expected WHAT". Returns 0 so callers can
 * write `return fail(...)`. */
static int fail(load_ctx *c, const json_t *v, const char *fmt, ...)
{
    va_list ap;
    const char *expected;
    if (c->error)
        return 0;
    va_start(ap, fmt);
    expected = apr_pvsprintf(c->tmp, fmt, ap);
    va_end(ap);
    if (!v)
        c->error = apr_psprintf(c->p, "%s: %s is missing, expected %s", c->name,
                                c->plen ? c->path : "the top level", expected);
    else
        c->error = apr_psprintf(c->p, "%s: %s is %s, expected %s", c->name,
                                c->plen ? c->path : "the top level", show(c, v), expected);
    return 0;
}

/* Checks that obj is an object whose keys are all in allowed (NULL-terminated). */
static int check_object(load_ctx *c, const json_t *obj, const char *const *allowed,
                        const char *what)
{
    const char *key;
    json_t *val;
    if (!json_is_object(obj))
        return fail(c, obj, "%s", what);
    json_object_foreach((json_t *)obj, key, val) {
        int known = 0;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, key)) {
                known = 1;
                break;
            }
        if (!known) {
            const char *list = "";
            for (const char *const *a = allowed; *a; a++)
                list = apr_pstrcat(c->tmp, list, a == allowed ? "" : ", ", *a, NULL);
            apr_size_t old = path_push(c, ".%s", key);
            fail(c, val, "no such key here (known keys: %s)", list);
            path_pop(c, old);
            return 0;
        }
    }
    return 1;
}

/* A string member; required ones must be present, all must be non-empty. */
static int get_string(load_ctx *c, const json_t *obj, const char *key, int required,
                      const char **out)
{
    json_t *v = json_object_get(obj, key);
    apr_size_t old = path_push(c, ".%s", key);
    int ok = 1;
    *out = NULL;
    if (!v) {
        if (required)
            ok = fail(c, NULL, "a non-empty string");
    }
    else if (!json_is_string(v) || json_string_length(v) == 0)
        ok = fail(c, v, "a non-empty string");
    else
        *out = apr_pstrmemdup(c->p, json_string_value(v), json_string_length(v));
    path_pop(c, old);
    return ok;
}

static int get_slug(load_ctx *c, const json_t *obj, const char *key, int required,
                    const char **out, const char *what)
{
    json_t *v = json_object_get(obj, key);
    if (!v && !required) {
        *out = NULL;
        return 1;
    }
    if (!json_is_string(v) || !rc_slug_valid(json_string_value(v))) {
        apr_size_t old = path_push(c, ".%s", key);
        fail(c, v, "%s matching ^[a-z0-9][a-z0-9-]{0,63}$", what);
        path_pop(c, old);
        return 0;
    }
    *out = apr_pstrdup(c->p, json_string_value(v));
    return 1;
}

static const json_t *get_array(load_ctx *c, const json_t *obj, const char *key, int required)
{
    json_t *v = json_object_get(obj, key);
    if (!v && !required)
        return NULL;
    if (!json_is_array(v)) {
        apr_size_t old = path_push(c, ".%s", key);
        fail(c, v, "an array");
        path_pop(c, old);
        return NULL;
    }
    return v;
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

int rc_data_country(const rc_data *d, const char *code)
{
    for (int i = 0; i < d->ncountries; i++)
        if (!strcmp(d->countries[i].code, code))
            return i;
    return -1;
}

const rc_nav *rc_data_nav(const rc_data *d, const char *slug)
{
    return apr_hash_get(d->slugs, slug, APR_HASH_KEY_STRING);
}

static const char *country_list(load_ctx *c, const rc_data *d)
{
    const char *s = "";
    for (int i = 0; i < d->ncountries; i++)
        s = apr_pstrcat(c->tmp, s, i ? ", " : "", d->countries[i].code, NULL);
    return s;
}

/* A declared country code; returns its index or -1 after recording the error. */
static int get_country(load_ctx *c, const rc_data *d, const json_t *v)
{
    int i = json_is_string(v) ? rc_data_country(d, json_string_value(v)) : -1;
    if (i < 0)
        fail(c, v, "a country code declared in countries (%s)", country_list(c, d));
    return i;
}

/* ---- sections ---- */

static int load_countries(load_ctx *c, rc_data *d, const json_t *root)
{
    static const char *const keys[] = {"code", "name", NULL};
    const json_t *arr = get_array(c, root, "countries", 1);
    size_t i;
    json_t *v;
    if (!arr)
        return 0;
    d->ncountries = (int)json_array_size(arr);
    d->countries = apr_pcalloc(c->p, sizeof(rc_country) * (d->ncountries + 1));
    json_array_foreach(arr, i, v) {
        rc_country *ct = &d->countries[i];
        apr_size_t old = path_push(c, "countries[%" APR_SIZE_T_FMT "]", i);
        const json_t *code = json_object_get(v, "code");
        if (!check_object(c, v, keys, "an object with code and name"))
            return 0;
        if (!json_is_string(code) || json_string_length(code) != 2 ||
            !apr_isupper(json_string_value(code)[0]) || !apr_isupper(json_string_value(code)[1])) {
            path_push(c, ".code");
            return fail(c, code, "two upper-case letters (ISO 3166 alpha-2)");
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(d->countries[j].code, json_string_value(code))) {
                path_push(c, ".code");
                return fail(c, code, "a code not declared before (countries[%" APR_SIZE_T_FMT "] has it)", j);
            }
        ct->code = apr_pstrdup(c->p, json_string_value(code));
        if (!get_string(c, v, "name", 1, &ct->name))
            return 0;
        ct->folded = rc_fold(c->p, ct->name, strlen(ct->name));
        path_pop(c, old);
    }
    return 1;
}

static int read_whole(load_ctx *c, const char *path, apr_off_t limit, char **buf,
                      apr_size_t *len, apr_finfo_t *fi, const char **why)
{
    apr_file_t *f;
    apr_status_t rv;
    char err[120];
    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, c->tmp)) !=
            APR_SUCCESS ||
        (rv = apr_file_info_get(fi, APR_FINFO_MTIME | APR_FINFO_SIZE | APR_FINFO_INODE |
                                        APR_FINFO_TYPE, f)) != APR_SUCCESS) {
        *why = apr_strerror(rv, err, sizeof(err));
        *why = apr_pstrdup(c->tmp, *why);
        return 0;
    }
    if (fi->filetype != APR_REG) {
        *why = "not a regular file";
        apr_file_close(f);
        return 0;
    }
    if (fi->size > limit) {
        *why = apr_psprintf(c->tmp, "larger than %" APR_OFF_T_FMT " bytes", limit);
        apr_file_close(f);
        return 0;
    }
    *len = (apr_size_t)fi->size;
    *buf = apr_palloc(c->tmp, *len + 1);
    rv = *len ? apr_file_read_full(f, *buf, *len, len) : APR_SUCCESS;
    apr_file_close(f);
    if (rv != APR_SUCCESS) {
        *why = apr_pstrdup(c->tmp, apr_strerror(rv, err, sizeof(err)));
        return 0;
    }
    (*buf)[*len] = '\0';
    return 1;
}

/* Remembers a file the version depends on: read, or tried and missing (zero stat), so that a
 * change to any of them is noticed whether the load succeeded or not. */
static void note_file(load_ctx *c, const char *path, const apr_finfo_t *fi)
{
    rc_source_file *sf = apr_array_push(c->files);
    sf->path = apr_pstrdup(c->tmp, path);
    sf->mtime = fi ? fi->mtime : 0;
    sf->size = fi ? fi->size : 0;
    sf->inode = fi ? fi->inode : 0;
}

static void note_failed_file(load_ctx *c, const char *path)
{
    apr_finfo_t fi;
    if (apr_stat(&fi, path, APR_FINFO_MTIME | APR_FINFO_SIZE | APR_FINFO_INODE, c->tmp) ==
        APR_SUCCESS)
        note_file(c, path, &fi);
    else
        note_file(c, path, NULL);
}

/* Copies the files noted into pool p. */
static void copy_files(const load_ctx *c, apr_array_header_t *to)
{
    for (int i = 0; i < c->files->nelts; i++) {
        rc_source_file *sf = apr_array_push(to);
        *sf = APR_ARRAY_IDX(c->files, i, rc_source_file);
        sf->path = apr_pstrdup(to->pool, sf->path);
    }
}

/* 1 unless path resolves, through symbolic links, to a place outside the data file's folder
 * (a path that does not resolve is left to the read, which reports it). */
static int inside_dir(load_ctx *c, const char *path)
{
    char dir[PATH_MAX], real[PATH_MAX];
    apr_size_t n;
    if (!realpath(path, real))
        return 1;
    if (!realpath(c->dir, dir))
        return 0;
    n = strlen(dir);
    return !strncmp(real, dir, n) && (real[n] == '/' || (n == 1 && dir[0] == '/'));
}

static int load_page_body(load_ctx *c, rc_data *d, rc_page *pg, const json_t *file)
{
    char *full, *buf;
    apr_size_t len;
    apr_finfo_t fi;
    const char *why;
    apr_size_t old = path_push(c, ".file");

    if (!json_is_string(file) || json_string_length(file) == 0)
        return fail(c, file, "a file name relative to the data file's folder");
    if (!c->dir) {  /* loading from memory: no files to read */
        pg->file = apr_pstrdup(c->p, json_string_value(file));
        pg->body = apr_pstrdup(c->p, "");
        pg->mtime = d->mtime;
        path_pop(c, old);
        return 1;
    }
    if (apr_filepath_merge(&full, c->dir, json_string_value(file),
                           APR_FILEPATH_SECUREROOT | APR_FILEPATH_NATIVE, c->p) != APR_SUCCESS)
        return fail(c, file, "a file inside the data file's folder %s", c->dir);
    if (!inside_dir(c, full))
        return fail(c, file, "a file inside the data file's folder %s (a link out of it is "
                             "not followed)", c->dir);
    if (!read_whole(c, full, RC_MAX_PAGE_BYTES, &buf, &len, &fi, &why)) {
        note_failed_file(c, full);
        return fail(c, file, "a readable page file (%s: %s)", full, why);
    }
    note_file(c, full, &fi);
    if (!rc_utf8_valid(buf, len))
        return fail(c, file, "a page file in UTF-8 (%s is not)", full);
    apr_md5_update(&c->md5, buf, len);
    pg->file = full;
    pg->body = apr_pstrmemdup(c->p, buf, len);
    pg->body_len = len;
    pg->mtime = fi.mtime > d->mtime ? fi.mtime : d->mtime;
    path_pop(c, old);
    return 1;
}

static int slug_taken(load_ctx *c, rc_data *d, const char *slug, const json_t *v)
{
    rc_nav *other = apr_hash_get(d->slugs, slug, APR_HASH_KEY_STRING);
    if (other || !strcmp(slug, "assets")) {
        apr_size_t old = path_push(c, ".slug");
        fail(c, v, other ? "a slug unique across pages and collections"
                         : "a slug other than \"assets\" (B/assets/ serves static files)");
        path_pop(c, old);
        return 1;
    }
    return 0;
}

static int load_pages(load_ctx *c, rc_data *d, const json_t *root)
{
    static const char *const keys[] = {"slug", "title", "file", NULL};
    const json_t *arr = get_array(c, root, "pages", 1);
    size_t i;
    json_t *v;
    if (!arr)
        return 0;
    d->npages = (int)json_array_size(arr);
    d->pages = apr_pcalloc(c->p, sizeof(rc_page) * (d->npages + 1));
    json_array_foreach(arr, i, v) {
        rc_page *pg = &d->pages[i];
        apr_size_t old = path_push(c, "pages[%" APR_SIZE_T_FMT "]", i);
        if (!check_object(c, v, keys, "an object with slug, title and file") ||
            !get_slug(c, v, "slug", 1, &pg->slug, "a page slug") ||
            slug_taken(c, d, pg->slug, json_object_get(v, "slug")) ||
            !get_string(c, v, "title", 1, &pg->title) ||
            !load_page_body(c, d, pg, json_object_get(v, "file")))
            return 0;
        path_pop(c, old);
        rc_nav *nav = apr_pcalloc(c->p, sizeof(*nav));
        nav->slug = pg->slug;
        nav->title = pg->title;
        nav->page = pg;
        apr_hash_set(d->slugs, pg->slug, APR_HASH_KEY_STRING, nav);
    }
    if (!apr_hash_get(d->slugs, "index", APR_HASH_KEY_STRING)) {
        path_push(c, "pages");
        return fail(c, arr, "a page with slug \"index\" (served at the mount point)");
    }
    return 1;
}

static int valid_source_url(const char *s)
{
    const char *rest;
    if (!strncmp(s, "https://", 8))
        rest = s + 8;
    else if (!strncmp(s, "http://", 7))
        rest = s + 7;
    else
        return 0;
    if (!*rest || *rest == '/')
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '"' || *s == '<' || *s == '>' ||
            *s == '\\')
            return 0;
    return 1;
}

/* A document href: an absolute http(s) URL, or a path under B/assets/ that stays there. */
static int valid_href(const char *s)
{
    if (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8))
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

static int load_documents(load_ctx *c, rc_item *it, const json_t *obj)
{
    static const char *const keys[] = {"title", "href", "bytes", NULL};
    const json_t *arr = get_array(c, obj, "documents", 0);
    size_t i;
    json_t *v;
    if (!arr)
        return !c->error;
    it->ndocuments = (int)json_array_size(arr);
    it->documents = apr_pcalloc(c->p, sizeof(rc_document) * (it->ndocuments + 1));
    json_array_foreach(arr, i, v) {
        rc_document *doc = &it->documents[i];
        apr_size_t old = path_push(c, ".documents[%" APR_SIZE_T_FMT "]", i);
        json_t *bytes;
        if (!check_object(c, v, keys, "an object with title, href and optional bytes") ||
            !get_string(c, v, "title", 1, &doc->title) ||
            !get_string(c, v, "href", 1, &doc->href))
            return 0;
        if (!valid_href(doc->href)) {
            path_push(c, ".href");
            return fail(c, json_object_get(v, "href"),
                        "an absolute http(s) URL or a relative path under assets/ "
                        "(no \"..\", no leading \"/\")");
        }
        doc->bytes = -1;
        if ((bytes = json_object_get(v, "bytes"))) {
            if (!json_is_integer(bytes) || json_integer_value(bytes) < 0) {
                path_push(c, ".bytes");
                return fail(c, bytes, "a non-negative integer");
            }
            doc->bytes = json_integer_value(bytes);
        }
        path_pop(c, old);
    }
    return 1;
}

static int load_persons(load_ctx *c, rc_data *d, rc_item *it, const json_t *obj)
{
    static const char *const keys[] = {"name", "country", "position", NULL};
    const json_t *arr = get_array(c, obj, "persons", 0);
    size_t i;
    json_t *v;
    if (!arr)
        return !c->error;
    it->npersons = (int)json_array_size(arr);
    it->persons = apr_pcalloc(c->p, sizeof(rc_person) * (it->npersons + 1));
    json_array_foreach(arr, i, v) {
        rc_person *pe = &it->persons[i];
        json_t *country;
        apr_size_t old = path_push(c, ".persons[%" APR_SIZE_T_FMT "]", i);
        if (!check_object(c, v, keys, "an object with name and optional country and position") ||
            !get_string(c, v, "name", 1, &pe->name) ||
            !get_string(c, v, "position", 0, &pe->position))
            return 0;
        pe->country = -1;
        if ((country = json_object_get(v, "country"))) {
            path_push(c, ".country");
            if ((pe->country = get_country(c, d, country)) < 0)
                return 0;
        }
        path_pop(c, old);
    }
    return 1;
}

/* The item's JSON for listings and B/{collection}/{id}.json: the checked object itself, written
 * once by jansson with "url" added, and kept in two halves around the mount point's path. */
static int item_json(load_ctx *c, const rc_collection *col, rc_item *it, json_t *v)
{
    static const char mark[] = "\"url\":\"\\u0001\"";
    const int flags = JSON_COMPACT | JSON_PRESERVE_ORDER;
    apr_size_t n;
    const char *at;

    json_object_set_new(v, "url", json_string("\x01"));
    n = json_dumpb(v, c->dump, c->dump_size, flags);
    if (n > c->dump_size) {
        c->dump_size = n * 2;
        c->dump = apr_palloc(c->tmp, c->dump_size);
        n = json_dumpb(v, c->dump, c->dump_size, flags);
    }
    at = n ? memmem(c->dump, n, mark, sizeof(mark) - 1) : NULL;
    if (!at)
        return fail(c, v, "an item jansson can write (out of memory?)");
    it->json.before.n = (apr_size_t)(at - c->dump) + 7;  /* through "url":" */
    it->json.before.s = apr_pstrmemdup(c->p, c->dump, it->json.before.n);
    {
        const char *rest = at + sizeof(mark) - 2;  /* the closing quote and what follows */
        apr_size_t rest_n = n - (apr_size_t)(rest - c->dump);
        char *after = apr_pstrcat(c->p, "/", col->slug, "/", it->id,
                                  apr_pstrmemdup(c->tmp, rest, rest_n), NULL);
        it->json.after.s = after;
        it->json.after.n = strlen(after);
    }
    return 1;
}

static int load_item(load_ctx *c, rc_data *d, rc_collection *col, rc_item *it, const json_t *v)
{
    static const char *const keys[] = {"id",      "title",  "date",      "countries", "kind",
                                       "summary", "source", "documents", "persons",   NULL};
    const json_t *countries, *date;
    const char *why = NULL;
    size_t i;
    json_t *cv;

    if (!check_object(c, v, keys, "an item object") ||
        !get_slug(c, v, "id", 1, &it->id, "an item id") ||
        !get_string(c, v, "title", 1, &it->title))
        return 0;
    if (apr_hash_get(col->by_id, it->id, APR_HASH_KEY_STRING)) {
        path_push(c, ".id");
        return fail(c, json_object_get(v, "id"), "an id unique in its collection");
    }
    apr_hash_set(col->by_id, it->id, APR_HASH_KEY_STRING, it);

    date = json_object_get(v, "date");
    if (!json_is_string(date) ||
        (why = rc_date_parse(json_string_value(date), &it->date)) != NULL) {
        path_push(c, ".date");
        /* why is either the syntax ("expected YYYY, ...") or the calendar's objection */
        if (why && why[0] != 'e')
            return fail(c, date, "a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD (%s)", why);
        return fail(c, date, "a date as YYYY, YYYY-MM or YYYY-MM-DD");
    }
    it->date_text = apr_pstrdup(c->p, json_string_value(date));

    if (!(countries = get_array(c, v, "countries", 1)))
        return 0;
    if (json_array_size(countries) == 0) {
        path_push(c, ".countries");
        return fail(c, countries, "at least one declared country code");
    }
    it->ncountries = (int)json_array_size(countries);
    it->countries = apr_palloc(c->p, sizeof(int) * it->ncountries);
    json_array_foreach(countries, i, cv) {
        apr_size_t old = path_push(c, ".countries[%" APR_SIZE_T_FMT "]", i);
        if ((it->countries[i] = get_country(c, d, cv)) < 0)
            return 0;
        for (size_t j = 0; j < i; j++)
            if (it->countries[j] == it->countries[i])
                return fail(c, cv, "each country once (countries[%" APR_SIZE_T_FMT "] has it already)", j);
        path_pop(c, old);
    }

    if (!get_slug(c, v, "kind", 0, &it->kind, "a kind") ||
        !get_string(c, v, "summary", 0, &it->summary) ||
        !get_string(c, v, "source", 0, &it->source))
        return 0;
    if (it->source && !valid_source_url(it->source)) {
        path_push(c, ".source");
        return fail(c, json_object_get(v, "source"), "an absolute http:// or https:// URL");
    }
    if (!load_documents(c, it, v) || !load_persons(c, d, it, v))
        return 0;

    if (!item_json(c, col, it, (json_t *)v))
        return 0;

    /* The text that q searches, folded once here rather than per request. */
    {
        const char *parts = apr_pstrcat(c->tmp, it->title, "\n", it->summary ? it->summary : "",
                                        NULL);
        for (int k = 0; k < it->npersons; k++)
            parts = apr_pstrcat(c->tmp, parts, "\n", it->persons[k].name, "\n",
                                it->persons[k].position ? it->persons[k].position : "", NULL);
        it->folded = rc_fold(c->p, parts, strlen(parts));
    }
    return 1;
}

static int cmp_desc(const void *a, const void *b)
{
    const rc_item *x = *(const rc_item *const *)a, *y = *(const rc_item *const *)b;
    if (x->date.start != y->date.start)
        return x->date.start > y->date.start ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int cmp_asc(const void *a, const void *b)
{
    const rc_item *x = *(const rc_item *const *)a, *y = *(const rc_item *const *)b;
    if (x->date.start != y->date.start)
        return x->date.start < y->date.start ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Sorts the collection's items by cmp into an array of indexes. */
static int *sorted_order(load_ctx *c, rc_collection *col, int (*cmp)(const void *, const void *))
{
    const rc_item **ptrs = apr_palloc(c->tmp, sizeof(rc_item *) * (col->nitems + 1));
    int *order = apr_palloc(c->p, sizeof(int) * (col->nitems + 1));
    for (int i = 0; i < col->nitems; i++)
        ptrs[i] = &col->items[i];
    qsort(ptrs, col->nitems, sizeof(rc_item *), cmp);
    for (int i = 0; i < col->nitems; i++)
        order[i] = (int)(ptrs[i] - col->items);
    return order;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void index_collection(load_ctx *c, rc_collection *col)
{
    apr_hash_t *kinds = apr_hash_make(c->tmp);
    int n = col->nitems;
    for (int i = 0; i < n; i++) {
        rc_item *it = &col->items[i];
        if (it->kind)
            apr_hash_set(kinds, it->kind, APR_HASH_KEY_STRING, it->kind);
        if (!col->min_year || it->date.year < col->min_year)
            col->min_year = it->date.year;
        if (it->date.year > col->max_year)
            col->max_year = it->date.year;
    }
    col->by_date_desc = sorted_order(c, col, cmp_desc);
    col->by_date_asc = sorted_order(c, col, cmp_asc);

    col->nkinds = (int)apr_hash_count(kinds);
    col->kinds = apr_palloc(c->p, sizeof(char *) * (col->nkinds + 1));
    {
        int k = 0;
        for (apr_hash_index_t *hi = apr_hash_first(c->tmp, kinds); hi; hi = apr_hash_next(hi))
            col->kinds[k++] = apr_hash_this_val(hi);
    }
    qsort(col->kinds, col->nkinds, sizeof(char *), cmp_str);
    col->index = rc_index_build(c->p, c->d, col);
}

static int load_collections(load_ctx *c, rc_data *d, const json_t *root)
{
    static const char *const keys[] = {"slug", "title", "items", NULL};
    const json_t *arr = get_array(c, root, "collections", 0);
    size_t i;
    json_t *v;
    if (!arr)
        return !c->error;
    d->ncollections = (int)json_array_size(arr);
    d->collections = apr_pcalloc(c->p, sizeof(rc_collection) * (d->ncollections + 1));
    json_array_foreach(arr, i, v) {
        rc_collection *col = &d->collections[i];
        const json_t *items;
        size_t j;
        json_t *iv;
        apr_size_t old = path_push(c, "collections[%" APR_SIZE_T_FMT "]", i);
        if (!check_object(c, v, keys, "an object with slug, title and items") ||
            !get_slug(c, v, "slug", 1, &col->slug, "a collection slug"))
            return 0;
        if (!strcmp(col->slug, "index")) {
            path_push(c, ".slug");
            return fail(c, json_object_get(v, "slug"), "a slug other than \"index\" "
                                                       "(the page served at the mount point)");
        }
        if (slug_taken(c, d, col->slug, json_object_get(v, "slug")) ||
            !get_string(c, v, "title", 1, &col->title) ||
            !(items = get_array(c, v, "items", 1)))
            return 0;
        col->nitems = (int)json_array_size(items);
        col->items = apr_pcalloc(c->p, sizeof(rc_item) * (col->nitems + 1));
        col->by_id = apr_hash_make(c->p);
        json_array_foreach(items, j, iv) {
            apr_size_t iold = path_push(c, ".items[%" APR_SIZE_T_FMT "]", j);
            if (!load_item(c, d, col, &col->items[j], iv))
                return 0;
            path_pop(c, iold);
        }
        index_collection(c, col);
        path_pop(c, old);
        rc_nav *nav = apr_pcalloc(c->p, sizeof(*nav));
        nav->slug = col->slug;
        nav->title = col->title;
        nav->collection = col;
        apr_hash_set(d->slugs, col->slug, APR_HASH_KEY_STRING, nav);
    }
    return 1;
}

/* Navigation follows data order: pages in their order, then collections, or collections first
 * when the data file lists "collections" before "pages" (jansson keeps objects' key order). */
static void build_nav(rc_data *d, int collections_first)
{
    int k = 0;
    d->nnav = d->npages + d->ncollections;
    d->nav = apr_pcalloc(d->pool, sizeof(rc_nav) * (d->nnav + 1));
    for (int pass = 0; pass < 2; pass++) {
        int cols = (pass == 0) == collections_first;
        if (cols)
            for (int i = 0; i < d->ncollections; i++)
                d->nav[k++] = *(rc_nav *)apr_hash_get(d->slugs, d->collections[i].slug,
                                                      APR_HASH_KEY_STRING);
        else
            for (int i = 0; i < d->npages; i++)
                d->nav[k++] = *(rc_nav *)apr_hash_get(d->slugs, d->pages[i].slug,
                                                      APR_HASH_KEY_STRING);
    }
}

/* s with every byte that is not part of a UTF-8 character written as \xNN: jansson's "near
 * '...'" can end inside a character. */
static const char *utf8_text(apr_pool_t *p, const char *s)
{
    apr_size_t n = strlen(s), i = 0;
    char *out, *o;
    if (rc_utf8_valid(s, n))
        return s;
    o = out = apr_palloc(p, 4 * n + 1);
    while (i < n) {
        apr_size_t k = 4;
        while (k > 0 && (i + k > n || !rc_utf8_valid(s + i, k)))
            k--;
        if (k) {
            memcpy(o, s + i, k);
            o += k;
            i += k;
        }
        else
            o += apr_snprintf(o, 5, "\\x%02X", (unsigned char)s[i++]);
    }
    *o = '\0';
    return out;
}

static const char *load_json(load_ctx *c, rc_data *d, const char *buf, apr_size_t len)
{
    static const char *const keys[] = {"title", "countries", "pages", "collections", NULL};
    json_error_t jerr;
    json_t *root;
    int collections_first = 0;

    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return apr_psprintf(c->p, "%s:%d:%d: JSON syntax error: %s", c->name, jerr.line,
                            jerr.column, utf8_text(c->tmp, jerr.text));
    d->slugs = apr_hash_make(c->p);
    c->d = d;
    if (check_object(c, root, keys, "an object with title, countries, pages and collections") &&
        get_string(c, root, "title", 1, &d->title) && load_countries(c, d, root) &&
        load_pages(c, d, root) && load_collections(c, d, root)) {
        const char *key;
        json_t *val;
        json_object_foreach(root, key, val) {
            if (!strcmp(key, "collections")) {
                collections_first = 1;
                break;
            }
            if (!strcmp(key, "pages"))
                break;
        }
        build_nav(d, collections_first);
    }
    json_decref(root);
    return c->error;
}

static const char *finish(load_ctx *c, rc_data *d, rc_data **out)
{
    unsigned char digest[APR_MD5_DIGESTSIZE];
    apr_md5_final(digest, &c->md5);
    for (int i = 0; i < 8; i++)
        apr_snprintf(d->hash + 2 * i, 3, "%02x", digest[i]);
    {
        apr_array_header_t *files = apr_array_make(c->p, c->files->nelts, sizeof(rc_source_file));
        copy_files(c, files);
        d->files = (rc_source_file *)files->elts;
        d->nfiles = files->nelts;
    }
    *out = d;
    return NULL;
}

static void ctx_init(load_ctx *c, apr_pool_t *p, apr_pool_t *tmp, const char *name)
{
    memset(c, 0, sizeof(*c));
    c->p = p;
    c->tmp = tmp;
    c->name = name;
    c->files = apr_array_make(tmp, 8, sizeof(rc_source_file));
    apr_md5_init(&c->md5);
}

const char *rc_data_load(apr_pool_t *p, const char *path, rc_data **out)
{
    return rc_data_load_files(p, path, out, NULL);
}

const char *rc_data_load_files(apr_pool_t *p, const char *path, rc_data **out,
                               apr_array_header_t *failed_files)
{
    load_ctx c;
    apr_pool_t *tmp;
    rc_data *d;
    char *buf;
    apr_size_t len;
    apr_finfo_t fi;
    const char *why, *err;

    apr_pool_create(&tmp, p);
    ctx_init(&c, p, tmp, apr_pstrdup(p, path));
    d = apr_pcalloc(p, sizeof(*d));
    d->pool = p;
    d->path = c.name;
    {
        char *slash = strrchr(c.name, '/');
        c.dir = slash ? apr_pstrndup(p, c.name, slash - c.name + 1) : "./";
    }
    if (!read_whole(&c, path, RC_MAX_DATA_BYTES, &buf, &len, &fi, &why)) {
        err = apr_psprintf(p, "%s: cannot read the data file: %s", path, why);
        note_failed_file(&c, c.name);
    }
    else {
        d->mtime = fi.mtime;
        note_file(&c, c.name, &fi);
        apr_md5_update(&c.md5, buf, len);
        err = load_json(&c, d, buf, len);
        if (!err)
            err = finish(&c, d, out);
    }
    if (err && failed_files)
        copy_files(&c, failed_files);
    apr_pool_destroy(tmp);
    return err;
}

const char *rc_data_load_buffer(apr_pool_t *p, const char *name, const char *buf,
                                apr_size_t len, rc_data **out)
{
    load_ctx c;
    apr_pool_t *tmp;
    rc_data *d;
    const char *err;

    apr_pool_create(&tmp, p);
    ctx_init(&c, p, tmp, apr_pstrdup(p, name));
    d = apr_pcalloc(p, sizeof(*d));
    d->pool = p;
    d->path = c.name;
    d->mtime = 0;
    apr_md5_update(&c.md5, buf, len);
    err = load_json(&c, d, buf, len);
    if (!err)
        err = finish(&c, d, out);
    apr_pool_destroy(tmp);
    return err;
}
