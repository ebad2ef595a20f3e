/* rc_words: q, word-prefix search (docs/REFERENCE.md "Listing parameters"). At build time each
 * collection gets a sorted dictionary of the folded words of its items' titles, summaries,
 * persons' names and positions in every language, each word with the positions of the items
 * that have it (a sorted array, or a bitset when it is common), and bitsets of the positions
 * of each country, kind and date precision. At query time a q word is a range of the
 * dictionary (the words it begins), the union of their items; the words' sets are intersected.
 * No item text is read at query time. APR only. */
#ifndef RC_WORDS_H
#define RC_WORDS_H

#include <apr_pools.h>

#include "rc_build.h"
#include "rc_image.h"

/* ---- build ---- */

/* The words of every string of one build, found once per string. */
typedef struct rc_lexicon rc_lexicon;
rc_lexicon *rc_lexicon_create(apr_pool_t *p);

/* The words of one collection. */
typedef struct rc_words_builder rc_words_builder;
rc_words_builder *rc_words_begin(rc_lexicon *lx, int nitems);

/* Adds the words of the string s[0..len) (raw text: it is folded here), whose id in the caller's
 * numbering is str, to the item at position pos. Positions come in ascending order. 0 when
 * memory runs out. */
int rc_words_add(rc_words_builder *wb, int pos, apr_uint32_t str, const char *s,
                 apr_size_t len);

/* What the facets' bitsets are made of, per position. */
typedef struct rc_words_facets {
    int n;
    int ncountries, nkinds;        /* bitsets are made for up to 64 of each */
    const apr_uint64_t *countries; /* country bitmask */
    const int *kind;               /* kind index or -1 */
    const unsigned char *prec;     /* rc_precision */
    const int *start;              /* YYYYMMDD, descending */
} rc_words_facets;

/* Writes the dictionary, the postings, the bitsets and the years' runs of positions; returns the offset of the rc_img_words,
 * 0 on a write error. Frees the builder's memory. */
apr_uint32_t rc_words_write(rc_words_builder *wb, rc_imgw *w, const rc_words_facets *f);

/* ---- query ---- */

#define RC_Q_MAX_WORDS 32

/* Splits folded q text into its distinct words (at most RC_Q_MAX_WORDS + 1 are returned, so
 * that the caller sees that there are too many): NULL-terminated, from p. */
const char **rc_words_split(apr_pool_t *p, const char *folded, int *count);

/* The dictionary words that begin with the q word w: [first, end). */
typedef struct rc_word_range {
    apr_uint32_t first, end;
} rc_word_range;

rc_word_range rc_words_find(const rc_image *img, const rc_img_words *wd, const char *w);

/* The positions whose item has one of the words r, a bitset of wd->nbits 64-bit words: the
 * image's own when r is one word whose postings are a bitset, else one made from p; NULL when r
 * is empty. */
const apr_uint64_t *rc_words_set(apr_pool_t *p, const rc_image *img, const rc_img_words *wd,
                                 rc_word_range r);

/* The same as ascending positions when they are few: at most limit of them, in arrays of
 * postings only (no word of r is in 1/32 of the items or more); the image's own array when r is
 * one word, else one made from p; *n = 0 when r is empty. NULL when they are more. */
const apr_uint32_t *rc_words_positions(apr_pool_t *p, const rc_image *img,
                                       const rc_img_words *wd, rc_word_range r,
                                       apr_size_t limit, apr_size_t *n);

/* The positions whose item has, for every word of words, a word that begins with it: a bitset of
 * wd->nbits 64-bit words from p. */
apr_uint64_t *rc_words_match(apr_pool_t *p, const rc_image *img, const rc_img_words *wd,
                             const char *const *words);

/* A bitset of the image (country, kind or precision k), or NULL when it has none. */
const apr_uint64_t *rc_words_bits(const rc_image *img, const rc_img_words *wd, apr_uint32_t at,
                                  int k);

#endif
