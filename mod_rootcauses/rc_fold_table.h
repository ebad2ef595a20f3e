/* rc_fold_table: the generated table behind rc_fold() (rc_fold_table.c, made by
 * tools/gen_fold_table.py). Internal to rc_text.c. */
#ifndef RC_FOLD_TABLE_H
#define RC_FOLD_TABLE_H

#include <apr.h>

/* A code point outside ASCII whose fold differs from itself; its fold is the UTF-8 string
 * rc_fold_blob[off .. off + len), empty for a combining mark. */
typedef struct {
    apr_uint32_t cp;
    apr_uint16_t off;
    unsigned char len;
} rc_fold_entry;

/* Sorted by cp, for binary search. Hangul syllables are not listed: rc_text.c decomposes them. */
extern const rc_fold_entry rc_fold_table[];
extern const apr_size_t rc_fold_table_size;
extern const char rc_fold_blob[];
/* A range [first, last] of code points outside ASCII that are letters or digits (general
 * categories L* and N*). */
typedef struct {
    apr_uint32_t first, last;
} rc_alnum_range;

/* Sorted, for binary search. */
extern const rc_alnum_range rc_alnum_ranges[];
extern const apr_size_t rc_alnum_ranges_size;

/* The Unicode version the table was generated from, e.g. "14.0.0". */
extern const char rc_fold_unicode_version[];

#endif
