/* Unit tests for rc_words: q's words (docs/REFERENCE.md "Listing parameters": each distinct word of q begins a word of the
 * title, summary, a person's name or position, in any language; case and accents ignored),
 * the sorted dictionary where a prefix is a range, postings as arrays or bitsets, and the
 * facets' bitsets. */

#include <string.h>

#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_data.h"
#include "rc_text.h"
#include "rc_words.h"

static apr_pool_t *pool;
static rc_data *data;
static const rc_collection *col;

/* Newest first: p0 .. p4 */
static const char data_json[] =
    "{\"languages\":[\"en\",\"es\"],\"title\":\"T\","
    "\"countries\":[{\"code\":\"GT\",\"name\":\"Guatemala\"},{\"code\":\"HN\",\"name\":\"Honduras\"}],"
    "\"pages\":[{\"slug\":\"index\",\"title\":\"H\",\"file\":\"i\"}],"
    "\"collections\":[{\"slug\":\"c\",\"title\":\"C\",\"items\":["
    "{\"id\":\"p0\",\"title\":\"Jos\\u00e9 P\\u00e9rez\",\"date\":\"2025\",\"countries\":[\"GT\"],"
    " \"kind\":\"a\"},"
    "{\"id\":\"p1\",\"title\":{\"en\":\"The anti-corruption data\",\"es\":\"Los datos de la "
    "lucha contra la corrupci\\u00f3n\"},\"date\":\"2024-05\",\"countries\":[\"HN\"],\"kind\":\"b\"},"
    "{\"id\":\"p2\",\"title\":\"Disruption dates\",\"date\":\"2023-02-03\",\"countries\":[\"GT\",\"HN\"],"
    " \"summary\":{\"en\":\"Migration\",\"es\":\"Migraci\\u00f3n y \\u00d1and\\u00fa\"}},"
    "{\"id\":\"p3\",\"title\":\"Dat\",\"date\":\"2022\",\"countries\":[\"GT\"],"
    " \"persons\":[{\"name\":\"Ana N\\u00fa\\u00f1ez\",\"position\":{\"en\":\"Judge\",\"es\":\"Jueza\"}}]},"
    "{\"id\":\"p4\",\"title\":\"Zebra \\ufb01nance \\u2160\\u2161 0xff 2021\",\"date\":\"2021-01\","
    " \"countries\":[\"HN\"],\"kind\":\"a\"}]}]}";

static void setup(void)
{
    const char *err;
    apr_pool_create(&pool, NULL);
    err = rc_test_load(pool, "words.json", data_json, sizeof(data_json) - 1, &data);
    ck_assert_msg(err == NULL, "%s", err);
    col = &data->collections[0];
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* The positions whose items have every word of q (folded and split as rc_query does). */
static const char *match(const char *q)
{
    int n;
    const char **words = rc_words_split(pool, rc_fold(pool, q, strlen(q)), &n);
    apr_uint64_t *set = rc_words_match(pool, &data->img, col->words, words);
    const char *s = "";
    for (int k = 0; k < col->nitems; k++)
        if (set[k >> 6] >> (k & 63) & 1)
            s = apr_pstrcat(pool, s, *s ? "," : "", rc_str(data, col->items[k].id), NULL);
    return s;
}

/* ---- rc_words_split ---- */

static const char *split(const char *folded, int *count)
{
    const char **w = rc_words_split(pool, folded, count);
    const char *s = "";
    int n = 0;
    for (; w[n]; n++)
        s = apr_pstrcat(pool, s, n ? "|" : "", w[n], NULL);
    ck_assert_int_eq(n, *count);
    return s;
}

START_TEST(split_dedups_in_order)
{
    int n;
    ck_assert_str_eq(split("b a b c a", &n), "b|a|c");
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(split("anti-corruption, u.s. (2021)", &n), "anti|corruption|u|s|2021");
    ck_assert_str_eq(split("", &n), "");
    ck_assert_int_eq(n, 0);
    ck_assert_str_eq(split(" ,;-- \xe2\x80\x94 ", &n), "");
    ck_assert_int_eq(n, 0);
    ck_assert_str_eq(split("\xc3\xb1" "and\xc3\xba caf\xc3\xa9", &n),
                     "\xc3\xb1" "and\xc3\xba|caf\xc3\xa9");
    /* a prefix of another word is another word */
    ck_assert_str_eq(split("dat data dat", &n), "dat|data");
}
END_TEST

START_TEST(split_stops_after_one_too_many)
{
    const char *many = "";
    const char **w;
    int n;
    for (int i = 0; i < 40; i++)
        many = apr_psprintf(pool, "%s w%d w%d", many, i, i);
    w = rc_words_split(pool, many, &n);
    ck_assert_int_eq(n, RC_Q_MAX_WORDS + 1);
    ck_assert_str_eq(w[0], "w0");
    ck_assert_str_eq(w[32], "w32");
    ck_assert_ptr_null(w[33]);
    /* exactly 32, with repeats: all kept */
    many = "";
    for (int i = 0; i < 32; i++)
        many = apr_psprintf(pool, "%s w%d w0", many, i);
    rc_words_split(pool, many, &n);
    ck_assert_int_eq(n, 32);
}
END_TEST

/* ---- matching ---- */

/* docs/REFERENCE.md "Listing parameters"'s own examples */
START_TEST(spec_examples)
{
    ck_assert_str_eq(match("perez"), "p0");
    ck_assert_str_eq(match("P\xc3\xa9REZ"), "p0");
    ck_assert_str_eq(match("corrup"), "p1");
    ck_assert_str_eq(match("rupt"), "");
    ck_assert_str_eq(match("anti-corruption"), "p1");
}
END_TEST

START_TEST(words_of_every_language_match)
{
    /* the Spanish title of p1, the Spanish summary of p2, the Spanish position of p3 */
    ck_assert_str_eq(match("lucha"), "p1");
    ck_assert_str_eq(match("corrupcion"), "p1");
    ck_assert_str_eq(match("migraci\xc3\xb3n"), "p2");
    ck_assert_str_eq(match("nandu"), "p2");
    ck_assert_str_eq(match("jueza"), "p3");
    ck_assert_str_eq(match("judge"), "p3");
    ck_assert_str_eq(match("nunez ana"), "p3");
    /* a word of one language and a word of the other, in one item */
    ck_assert_str_eq(match("anti lucha"), "p1");
}
END_TEST

START_TEST(prefixes_are_ranges_of_the_dictionary)
{
    /* the dictionary holds dat, data, datos, dates (and de, disruption ...) */
    ck_assert_str_eq(match("dat"), "p1,p2,p3");
    ck_assert_str_eq(match("data"), "p1");
    ck_assert_str_eq(match("datos"), "p1");
    ck_assert_str_eq(match("date"), "p2");
    ck_assert_str_eq(match("dates"), "p2");
    ck_assert_str_eq(match("datess"), "");
    ck_assert_str_eq(match("d"), "p1,p2,p3");
    ck_assert_str_eq(match("da"), "p1,p2,p3");
    ck_assert_str_eq(match("dis"), "p2");
    /* the first and last words of the dictionary, and beyond them */
    ck_assert_str_eq(match("0"), "p4");
    ck_assert_str_eq(match("0xff"), "p4");
    ck_assert_str_eq(match("2021"), "p4");
    ck_assert_str_eq(match("zebra"), "p4");
    ck_assert_str_eq(match("zebras"), "");
    ck_assert_str_eq(match("zz"), "");
    ck_assert_str_eq(match("\xf0\x9f\x98\x80"), "");
    /* compatibility forms folded alike in data and q */
    ck_assert_str_eq(match("finance"), "p4");
    ck_assert_str_eq(match("\xef\xac\x81n"), "p4");
    ck_assert_str_eq(match("iii"), "p4");
}
END_TEST

START_TEST(every_word_must_match)
{
    ck_assert_str_eq(match("dat disruption"), "p2");
    ck_assert_str_eq(match("data jos"), "");
    ck_assert_str_eq(match("jose perez"), "p0");
    ck_assert_str_eq(match("zz dat"), "");
    ck_assert_str_eq(match("dat zz"), "");
    /* nothing but the items' texts: no ids, dates, countries or kinds */
    ck_assert_str_eq(match("p0"), "");
    ck_assert_str_eq(match("2025"), "");
    ck_assert_str_eq(match("guatemala"), "");
}
END_TEST

/* A word in most items has a bitset, a rare one an array of positions: both read alike. */
START_TEST(dense_and_sparse_postings)
{
    apr_array_header_t *parts = apr_array_make(pool, 300, sizeof(const char *));
    const char *json, *err;
    rc_data *d;
    const rc_img_word *words;
    int dense = 0, sparse = 0;

    APR_ARRAY_PUSH(parts, const char *) =
        "{\"title\":\"T\",\"countries\":[{\"code\":\"GT\",\"name\":\"G\"}],"
        "\"pages\":[{\"slug\":\"index\",\"title\":\"H\",\"file\":\"i\"}],"
        "\"collections\":[{\"slug\":\"c\",\"title\":\"C\",\"items\":[";
    for (int i = 0; i < 200; i++)
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(pool, "%s{\"id\":\"i%03d\",\"title\":\"common w%d%s%s\",\"date\":\"2000\","
                               "\"countries\":[\"GT\"]}",
                         i ? "," : "", i, i, i % 7 == 0 ? " seventh" : "",
                         i == 199 ? " last" : "");
    APR_ARRAY_PUSH(parts, const char *) = "]}]}";
    json = apr_array_pstrcat(pool, parts, 0);
    err = rc_test_load(pool, "many.json", json, strlen(json), &d);
    ck_assert_msg(err == NULL, "%s", err);
    data = d;
    col = &d->collections[0];
    ck_assert_uint_eq(col->words->nitems, 200);
    ck_assert_uint_eq(col->words->nbits, 4);
    words = RC_AT(&d->img, rc_img_word, col->words->words);
    for (apr_uint32_t i = 0; i < col->words->nwords; i++) {
        /* sorted and distinct */
        if (i) {
            const rc_img_word *a = &words[i - 1], *b = &words[i];
            apr_uint32_t n = a->len < b->len ? a->len : b->len;
            int c = memcmp(d->img.base + a->text, d->img.base + b->text, n);
            ck_assert(c < 0 || (c == 0 && a->len < b->len));
        }
        if (words[i].count * 32 >= 200)
            dense++;
        else
            sparse++;
    }
    ck_assert_int_eq(dense, 2);   /* common, seventh */
    ck_assert_int_eq(sparse, 201); /* w0 .. w199, last */
    ck_assert_uint_eq(col->words->nwords, 203);
    {
        const char *all = match("common");
        ck_assert_uint_eq(strlen(all), 200 * 5 - 1);
    }
    ck_assert_str_eq(match("seventh w14"), "i014,i140,i147"); /* w14, w140, w147 */
    ck_assert_str_eq(match("last"), "i199");
    ck_assert_str_eq(match("w199"), "i199");
    ck_assert_str_eq(match("w0"), "i000");
    ck_assert_str_eq(match("w19 seventh"), "i196");
    {
        /* one word of dense postings is the image's own bitset; several are a set made for q */
        const rc_img_words *wd = col->words;
        const apr_uint64_t *common =
            rc_words_set(pool, &d->img, wd, rc_words_find(&d->img, wd, "common"));
        const apr_uint64_t *w19 = rc_words_set(pool, &d->img, wd, rc_words_find(&d->img, wd, "w19"));
        const char *end = d->img.base + d->img.size;
        int n = 0;
        ck_assert((const char *)common > d->img.base && (const char *)common < end);
        ck_assert((const char *)w19 < d->img.base || (const char *)w19 >= end);
        for (int k = 0; k < 200; k++)
            n += (int)(w19[k >> 6] >> (k & 63) & 1);
        ck_assert_int_eq(n, 11); /* w19, w190 .. w199 */
        ck_assert_ptr_null(rc_words_set(pool, &d->img, wd, rc_words_find(&d->img, wd, "zzz")));
    }
}
END_TEST

/* ---- the facets' bitsets ---- */

static int bit(const apr_uint64_t *b, int pos)
{
    return (int)(b[pos >> 6] >> (pos & 63) & 1);
}

START_TEST(facet_bitsets)
{
    const rc_img_words *wd = col->words;
    const apr_uint64_t *gt = rc_words_bits(&data->img, wd, wd->country_bits, 0);
    const apr_uint64_t *hn = rc_words_bits(&data->img, wd, wd->country_bits, 1);
    const apr_uint64_t *ka = rc_words_bits(&data->img, wd, wd->kind_bits, 0);
    const apr_uint64_t *kb = rc_words_bits(&data->img, wd, wd->kind_bits, 1);
    const apr_uint64_t *year = rc_words_bits(&data->img, wd, wd->prec_bits, 0);
    const apr_uint64_t *month = rc_words_bits(&data->img, wd, wd->prec_bits, 1);
    const apr_uint64_t *day = rc_words_bits(&data->img, wd, wd->prec_bits, 2);

    ck_assert_uint_eq(wd->nitems, 5);
    ck_assert_uint_eq(wd->nbits, 1);
    for (int pos = 0; pos < 5; pos++) {
        const rc_item *it = &col->items[pos];
        const apr_uint16_t *c = rc_item_countries(data, it);
        int in_gt = 0, in_hn = 0;
        for (int i = 0; i < it->ncountries; i++) {
            in_gt |= c[i] == 0;
            in_hn |= c[i] == 1;
        }
        ck_assert_int_eq(bit(gt, pos), in_gt);
        ck_assert_int_eq(bit(hn, pos), in_hn);
        ck_assert_int_eq(bit(ka, pos), it->kind == 0);
        ck_assert_int_eq(bit(kb, pos), it->kind == 1);
        ck_assert_int_eq(bit(year, pos), rc_item_prec(it) == 0);
        ck_assert_int_eq(bit(month, pos), rc_item_prec(it) == 1);
        ck_assert_int_eq(bit(day, pos), rc_item_prec(it) == 2);
    }
    /* nothing past the items */
    ck_assert_uint_eq(gt[0] >> 5, 0);
    ck_assert_ptr_null(rc_words_bits(&data->img, wd, 0, 0));
}
END_TEST

Suite *rc_words_suite(void)
{
    Suite *s = suite_create("rc_words");
    TCase *tc = tcase_create("q");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, split_dedups_in_order);
    tcase_add_test(tc, split_stops_after_one_too_many);
    tcase_add_test(tc, spec_examples);
    tcase_add_test(tc, words_of_every_language_match);
    tcase_add_test(tc, prefixes_are_ranges_of_the_dictionary);
    tcase_add_test(tc, every_word_must_match);
    tcase_add_test(tc, dense_and_sparse_postings);
    tcase_add_test(tc, facet_bitsets);
    suite_add_tcase(s, tc);
    return s;
}
