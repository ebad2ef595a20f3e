/* rc_data: one data version as the request path sees it: a view of its image (rc_image.h). The
 * few site-wide records (languages, countries, pages, collections, navigation) are small C
 * structs made when a process opens the image; items, strings and indexes are read in the image
 * itself, which every process shares. APR only. */
#ifndef RC_DATA_H
#define RC_DATA_H

#include <apr_hash.h>
#include <apr_pools.h>
#include <apr_time.h>

#include "rc_image.h"

/* Bytes that a writer hands out as they are. */
typedef struct rc_piece {
    const char *s;
    apr_size_t n;
} rc_piece;

typedef rc_img_item rc_item;

typedef struct rc_country {
    const char *code;             /* two upper-case letters */
    apr_uint32_t name;            /* text */
    const apr_uint32_t *folded;   /* str per language: the name folded */
    const rc_piece *name_html;    /* per language: the name as HTML shows it (below) */
} rc_country;

typedef struct rc_page {
    const char *slug;
    apr_uint32_t title, nav;      /* text; text or 0 */
    const apr_uint32_t *body;     /* str per language: the fragment */
    const apr_int64_t *mtimes;    /* per language */
} rc_page;

typedef struct rc_kind {
    const char *slug;
    apr_uint32_t label;           /* text or 0 (the slug written for people) */
    const char **label_text;      /* per language: the label for people (made at open) */
    const rc_piece *label_html;   /* per language: the same as HTML shows it (below) */
} rc_kind;

typedef struct rc_collection {
    const char *slug;
    apr_uint32_t title, nav;
    int nitems;
    const rc_item *items;         /* newest first */
    int nkinds;
    const rc_kind *kinds;         /* sorted by slug */
    const apr_uint32_t *by_id;    /* positions sorted by id */
    const apr_uint32_t *asc;      /* oldest-first rank -> position */
    const rc_img_index *index;    /* NULL when the data is beyond it */
    const rc_img_words *words;
    int min_year, max_year;
} rc_collection;

/* One entry of the navigation: a page or a collection, in data order. */
typedef struct rc_nav {
    const char *slug;
    apr_uint32_t title, nav;
    const rc_page *page;          /* exactly one of page and collection is set */
    const rc_collection *collection;
} rc_nav;

typedef struct rc_data {
    rc_image img;
    const rc_img_header *head;
    const char *path;             /* the data file */
    int nlang;
    const char **langs;           /* the first is the default */
    rc_piece lang_span;           /* <span lang="(default language)"> (below) */
    apr_uint32_t title;           /* text */
    int ncountries;
    rc_country *countries;
    int npages;
    rc_page *pages;
    int ncollections;
    rc_collection *collections;
    int nnav;
    rc_nav *nav;
    apr_hash_t *slugs;            /* slug -> rc_nav* */
    /* code, and name folded in every language -> rc_country*: a query's country= costs one
     * look-up per value whatever the number of countries and languages */
    apr_hash_t *country_codes, *country_names;
    apr_time_t mtime;             /* the data file's */
    apr_time_t newest_mtime;      /* the latest of it and every page file's (the sitemap's) */
    const char *hash;             /* hex digest of the data file and its page files */
    char tag[17];                 /* the data's part of ETags: hex of the hash and the build id */
    int nitems;                   /* in all collections */
} rc_data;

/* Country names and kinds' labels are on every row of a listing: their HTML is made once, when
 * a process opens the image, per language: escaped, and in lang_span (<span lang="en">) when it
 * is the default language's for want of one in that language. */

/* The view of a checked image (rc_image_check), allocated from p. */
rc_data *rc_data_open(apr_pool_t *p, const rc_image *img);

/* ---- strings and texts ---- */

static inline const rc_img_str *rc_data_str(const rc_data *d, apr_uint32_t ref)
{
    return RC_AT(&d->img, rc_img_str, ref);
}

/* The NUL-terminated string ref, or NULL for 0. */
static inline const char *rc_str(const rc_data *d, apr_uint32_t ref)
{
    return ref ? rc_data_str(d, ref)->s : NULL;
}

/* The string ref as it is, HTML-escaped or JSON-escaped (inside the quotes). Inline, like
 * rc_text: the writers call them for every string they write. */
static inline rc_piece rc_str_raw(const rc_data *d, apr_uint32_t ref)
{
    rc_piece p = {"", 0};
    if (ref) {
        const rc_img_str *s = rc_data_str(d, ref);
        p.s = s->s;
        p.n = s->len;
    }
    return p;
}

static inline rc_piece rc_str_html(const rc_data *d, apr_uint32_t ref)
{
    const rc_img_str *s = ref ? rc_data_str(d, ref) : NULL;
    return rc_str_raw(d, s && s->html ? s->html : ref);
}

static inline rc_piece rc_str_json(const rc_data *d, apr_uint32_t ref)
{
    const rc_img_str *s = ref ? rc_data_str(d, ref) : NULL;
    return rc_str_raw(d, s && s->json ? s->json : ref);
}

/* The string of text t in language lang, or of the default language when t has none in lang
 * (then *fallback is 1, else 0); 0 when t is 0. */
static inline apr_uint32_t rc_text(const rc_data *d, apr_uint32_t t, int lang, int *fallback)
{
    const apr_uint32_t *table;
    if (fallback)
        *fallback = 0;
    if (!t)
        return 0;
    table = RC_AT(&d->img, apr_uint32_t, t);
    if (lang > 0 && lang < d->nlang && table[lang])
        return table[lang];
    if (lang > 0 && fallback)
        *fallback = 1;
    return table[0];
}

/* ---- look-ups ---- */

/* Index of the country whose code is code, or -1. */
int rc_data_country(const rc_data *d, const char *code);
/* The index of the country whose name, folded (rc_fold), is folded in some language (the first
 * such country in data order); -1 when none. */
int rc_data_country_named(const rc_data *d, const char *folded);

/* The page or collection with that slug, or NULL. */
const rc_nav *rc_data_nav(const rc_data *d, const char *slug);

/* Index of the declared language code, or -1. */
int rc_data_lang(const rc_data *d, const char *code);

/* Position of the item with id in col, or -1. */
int rc_item_find(const rc_data *d, const rc_collection *col, const char *id);

static inline const apr_uint16_t *rc_item_countries(const rc_data *d, const rc_item *it)
{
    return RC_AT(&d->img, apr_uint16_t, it->countries);
}

static inline const rc_img_document *rc_item_documents(const rc_data *d, const rc_item *it)
{
    return RC_AT(&d->img, rc_img_document, it->documents);
}

static inline const rc_img_person *rc_item_persons(const rc_data *d, const rc_item *it)
{
    return RC_AT(&d->img, rc_img_person, it->persons);
}

/* The item's date precision: 0 year, 1 month, 2 day (rc_precision). */
static inline int rc_item_prec(const rc_item *it)
{
    return it->end == it->start ? 2 : it->end - it->start < 100 ? 1 : 0;
}

#endif
