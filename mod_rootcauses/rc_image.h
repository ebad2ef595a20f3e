/* rc_image: the built form of one data version, as one immutable, position-independent block of
 * bytes: a file in the cache folder that every process maps read-only (rc_store.c), or a buffer
 * in memory (unit tests, rootcauses-check). rc_build.c writes it, rc_image.c checks and opens
 * it; rc_data.h gives the request path a view of it. APR only.
 *
 * Everything in it is found by offsets from its first byte (never pointers), so that any process
 * can map it anywhere. An offset of 0 means "none" (the header is at 0, nothing else is).
 *
 *   header                  rc_img_header: magic, format, build id, sizes, checksums, hashes
 *   strings                 rc_img_str records, each a string of the data with, when they
 *                           differ from it, its HTML- and JSON-escaped forms
 *   texts                   uint32_t[nlang] tables: one string per language (0: missing)
 *   everything else         the site, countries, pages, collections, items, indexes, words
 *
 * A reference to a string ("str") is the offset of its rc_img_str; a reference to a text (a value
 * that may differ per language: a text of docs/REFERENCE.md "The data file") is the offset of its
 * uint32_t[nlang] table. Byte order and alignment are the machine's: an image is never moved
 * between machines, and one written by another build of the module (build_id) is rebuilt rather
 * than read. */
#ifndef RC_IMAGE_H
#define RC_IMAGE_H

#include <apr.h>
#include <apr_pools.h>

#define RC_IMG_MAGIC "RCIMAGE\n"
#define RC_IMG_FORMAT 2
#define RC_IMG_BUILD_ID_LEN 40

/* The fixed header at offset 0. The checksum covers every byte after the header; the header's
 * own fields are checked one by one (and header_sum covers them). */
typedef struct rc_img_header {
    char magic[8];                    /* RC_IMG_MAGIC */
    apr_uint32_t format;              /* RC_IMG_FORMAT */
    apr_uint32_t header_size;         /* sizeof(rc_img_header) */
    char build_id[RC_IMG_BUILD_ID_LEN]; /* the module build that wrote it, NUL-padded */
    apr_uint64_t size;                /* of the whole image */
    apr_uint64_t body_sum;            /* XXH3-64 of bytes [header_size, size) */
    apr_uint64_t header_sum;          /* XXH3-64 of this header with header_sum zeroed */
    char content_hash[33];            /* XXH3-128 of the data file and its page files, hex */
    char pad[7];
    apr_int64_t built_at;             /* apr_time_t */
    apr_int64_t built_by;             /* pid of the process that built it */
    apr_uint32_t site;                /* rc_img_site */
    apr_uint32_t nfiles, files;       /* rc_img_file[]: what it was built from */
    apr_uint32_t nitems;              /* in all collections */
    apr_uint32_t reserved[8];
} rc_img_header;

/* A string: len bytes and a NUL at .s; html and json are strs of the escaped forms, 0 when the
 * string needs no escaping in that context. Records are 4-aligned. */
typedef struct rc_img_str {
    apr_uint32_t len;
    apr_uint32_t html, json;
    char s[];
} rc_img_str;

/* A file the version was built from, as it was then: a change to any of them (or a file that
 * appears where there was none: all zeros) means the data may have changed. */
typedef struct rc_img_file {
    apr_uint32_t path;                /* str: absolute path */
    apr_uint32_t pad;
    apr_int64_t mtime, size;
    apr_uint64_t inode, dev;
    apr_int64_t ctime;                /* changes with chmod too: a file that could not be read */
} rc_img_file;

typedef struct rc_img_site {
    apr_uint32_t nlang, langs;        /* str[nlang]: "en", "es": the first is the default */
    apr_uint32_t title;               /* text */
    apr_uint32_t ncountries, countries; /* rc_img_country[] in data order */
    apr_uint32_t npages, pages;       /* rc_img_page[] in data order */
    apr_uint32_t ncollections, collections; /* rc_img_collection[] in data order */
    apr_uint32_t nnav, nav;           /* rc_img_nav[]: pages and collections in data order */
    apr_uint32_t path;                /* str: the data file */
    apr_uint32_t pad;
    apr_int64_t mtime;                /* the data file's */
} rc_img_site;

typedef struct rc_img_country {
    apr_uint32_t code;                /* str: two upper-case letters */
    apr_uint32_t name;                /* text */
    apr_uint32_t folded;              /* str[nlang]: the name folded, per language (0: none) */
} rc_img_country;

typedef struct rc_img_page {
    apr_uint32_t slug;                /* str */
    apr_uint32_t title, nav;          /* text; text or 0 */
    apr_uint32_t body;                /* text: the fragment per language (raw HTML) */
    apr_uint32_t mtimes;              /* apr_int64_t[nlang]: the newer of the data file's and
                                       * the fragment's mtime, per language */
} rc_img_page;

typedef struct rc_img_nav {
    apr_uint32_t collection;          /* 1: a collection, 0: a page */
    apr_uint32_t index;               /* into pages or collections */
} rc_img_nav;

typedef struct rc_img_kind {
    apr_uint32_t slug;                /* str */
    apr_uint32_t label;               /* text: from the collection's "kinds", else 0 (the slug
                                       * written for people) */
} rc_img_kind;

/* An item; a collection's items are stored newest first (start date descending, ties by id
 * ascending), so an item's index is its position in that order. */
typedef struct rc_img_item {
    apr_uint32_t id, date;            /* str; str as written in the data */
    apr_int32_t start, end;           /* the date's period as YYYYMMDD */
    apr_uint32_t title, summary;      /* text; text or 0 */
    apr_uint32_t source;              /* str or 0 */
    apr_uint32_t countries;           /* apr_uint16_t[ncountries]: country indexes, data order */
    apr_uint32_t documents;           /* rc_img_document[ndocuments] */
    apr_uint32_t persons;             /* rc_img_person[npersons] */
    apr_uint16_t ncountries, ndocuments, npersons;
    apr_int16_t kind;                 /* into the collection's kinds, -1 for none */
} rc_img_item;

typedef struct rc_img_document {
    apr_uint32_t title;               /* text */
    apr_uint32_t href;                /* str: as the data gives it */
    apr_uint32_t link;                /* str: the link, href when absolute, else "assets/" and
                                       * href %-encoded as a path (below the mount point) */
    apr_int64_t bytes;                /* -1 when not given */
} rc_img_document;

typedef struct rc_img_person {
    apr_uint32_t name;                /* str */
    apr_uint32_t position;            /* text or 0 */
    apr_int32_t country;              /* country index, -1 when not given */
} rc_img_person;

/* Per collection: the index of date, country and kind filters (rc_index.h). A ck is a country
 * set and a kind, in the order of the sets (then kinds); a key is a ck and a date precision:
 * precision * nck + ck. */
typedef struct rc_img_index {
    apr_uint32_t nck, block;
    apr_uint32_t ck_kind;             /* apr_int32_t[nck]: kind index, -1 for none */
    apr_uint32_t nsets;               /* country sets */
    apr_uint32_t set_countries;       /* apr_uint64_t[nsets], ascending */
    apr_uint32_t set_ck;              /* apr_uint32_t[nsets + 1]: the set's cks are
                                       * [set_ck[s], set_ck[s + 1]) */
    apr_uint32_t nkinds;              /* of the collection */
    apr_uint32_t key;                 /* apr_uint16_t[n]: position -> key */
    apr_uint32_t blocks;              /* apr_uint32_t[(n / block + 1) * 3 * nck]: the running
                                       * count of each key every block positions */
    /* the year facet (it does not depend on the precision) */
    apr_uint32_t nyears, years;       /* apr_int32_t[nyears], ascending */
    apr_uint32_t year_counts;         /* apr_uint32_t[nck * nyears], ck-major */
    apr_uint32_t year_sets;           /* apr_uint32_t[nsets * nyears], set-major */
    apr_uint32_t year_kinds;          /* apr_uint32_t[(nkinds + 1) * nyears]: by kind + 1 */
    apr_uint32_t year_totals;         /* apr_uint32_t[nyears]: every item */
} rc_img_index;

/* Per collection: q's sorted dictionary of folded words and their items (rc_words.h). */
typedef struct rc_img_word {
    apr_uint32_t text;                /* offset of the folded bytes (not NUL-terminated) */
    apr_uint32_t len;
    apr_uint32_t count;               /* items that have it */
    apr_uint32_t postings;            /* a bitset of nbits words when count >= nitems / 32, else
                                       * apr_uint32_t[count]: positions, ascending */
} rc_img_word;

typedef struct rc_img_words {
    apr_uint32_t nwords, words;       /* rc_img_word[], sorted by bytes */
    apr_uint32_t nitems;              /* positions */
    apr_uint32_t nbits;               /* 64-bit words of a bitset over the positions */
    apr_uint32_t country_bits;        /* apr_uint64_t[ncountries * nbits], or 0 */
    apr_uint32_t kind_bits;           /* apr_uint64_t[nkinds * nbits], or 0 */
    apr_uint32_t prec_bits;           /* apr_uint64_t[3 * nbits]: year, month, day dates */
    apr_uint32_t nyears;              /* years items start in */
    apr_uint32_t years;               /* apr_int32_t[nyears], ascending */
    apr_uint32_t year_ends;           /* apr_uint32_t[nyears]: the items of years[i] are the
                                       * positions [year_ends[i + 1] (0 for the last year),
                                       * year_ends[i]) */
} rc_img_words;

typedef struct rc_img_collection {
    apr_uint32_t slug;                /* str */
    apr_uint32_t title, nav;          /* text; text or 0 */
    apr_uint32_t nitems, items;       /* rc_img_item[] */
    apr_uint32_t nkinds, kinds;       /* rc_img_kind[], sorted by slug */
    apr_uint32_t by_id;               /* apr_uint32_t[nitems]: positions sorted by id */
    apr_uint32_t asc;                 /* apr_uint32_t[nitems]: oldest-first rank -> position
                                       * (start ascending, ties by id ascending) */
    apr_uint32_t index;               /* rc_img_index, 0 when the data is beyond it */
    apr_uint32_t words;               /* rc_img_words */
    apr_int32_t min_year, max_year;   /* of its items' dates; 0 when it has none */
} rc_img_collection;

/* ---- reading ---- */

/* A checked image: base is its first byte. */
typedef struct rc_image {
    const char *base;
    apr_size_t size;
} rc_image;

#define RC_AT(img, type, off) ((const type *)(const void *)((img)->base + (off)))

static inline const rc_img_header *rc_img_head(const rc_image *img)
{
    return RC_AT(img, rc_img_header, 0);
}

static inline const rc_img_str *rc_img_string(const rc_image *img, apr_uint32_t ref)
{
    return RC_AT(img, rc_img_str, ref);
}

/* The checks of an image before it is used: magic, format, build id, sizes, both checksums, and
 * that the site record lies inside it. NULL when it is good, else why not. */
const char *rc_image_check(const char *base, apr_size_t size);

/* The build id of this module: a digest of the core's sources, made by the build. */
extern const char rc_build_id[];

/* XXH3-64 of the header with header_sum zeroed. */
apr_uint64_t rc_image_header_sum(const rc_img_header *h);

#endif
