/* libFuzzer harness: the bytes are a listing's query string (docs/REFERENCE.md "Listing parameters"). Each input is parsed for
 * every collection of a fixed data set, in English and in Spanish (under B/es/, with an odd
 * mount point); a good query is run and rendered in every format, a bad one rendered as the
 * glue answers it. Invariants that must hold abort() (see FUZZ_CHECK). */
#include "fuzz_common.h"

#include <string.h>

#include <apr_strings.h>

#include "rc_words.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    fuzz_dataset();
    return 0;
}

static int canonical_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-._~%=&", c);
}

static void check_text(const char *what, const char *s)
{
    if (s)
        fuzz_check_utf8(what, s, strlen(s));
}

static void same_results(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const rc_query *a, const rc_query *b, const char *how)
{
    rc_result *ra = fuzz_filter(p, d, col, a, -1, 0, RC_ALL);
    rc_result *rb = fuzz_filter(p, d, col, b, -1, 0, RC_ALL);
    FUZZ_CHECK(ra->total == rb->total &&
                   (!ra->total || !memcmp(ra->ids, rb->ids, sizeof(int) * ra->total)),
               "%s: %d results, re-parsed %d (canonical \"%.200s\")", how, ra->total, rb->total,
               a->canonical);
}

static void check_query(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                        const rc_query *q, int default_per_page, const rc_msgs *m)
{
    FUZZ_CHECK(q && q->errors && q->canonical && q->canonical_with_per_page, "incomplete query");
    FUZZ_CHECK(q->kind_checked, "kind_checked");
    check_text("from_text", q->from_text);
    check_text("to_text", q->to_text);
    check_text("q_text", q->q_text);
    check_text("sort_text", q->sort_text);
    check_text("page_text", q->page_text);
    check_text("per_page_text", q->per_page_text);
    if (q->words) {
        int n = 0;
        for (const char **w = q->words; *w; w++, n++) {
            apr_size_t pos = 0, a, e, len = strlen(*w);
            /* one word: a run of letters and digits, folded, met once */
            FUZZ_CHECK(**w && rc_next_word(*w, len, &pos, &a, &e) && a == 0 && e == len,
                       "word \"%s\" is not one word", *w);
            FUZZ_CHECK(!strcmp(rc_fold(p, *w, len), *w), "word \"%s\" is not folded", *w);
            for (const char **v = q->words; v < w; v++)
                FUZZ_CHECK(strcmp(*v, *w), "word \"%s\" twice", *w);
        }
        FUZZ_CHECK(n >= 1 && n <= RC_Q_MAX_WORDS, "%d words", n);
    }
    if (q->kinds)
        for (const char **k = q->kinds; *k; k++)
            FUZZ_CHECK(rc_slug_valid(*k), "kind \"%s\"", *k);

    if (q->errors->nelts)
        return;

    /* a good query */
    FUZZ_CHECK(q->page >= 1 && q->page <= RC_MAX_PAGE, "page %ld", (long)q->page);
    FUZZ_CHECK(q->per_page >= 1 && q->per_page <= RC_MAX_PER_PAGE, "per_page %d", q->per_page);
    FUZZ_CHECK(q->per_page_text || q->per_page == default_per_page, "per_page %d", q->per_page);
    FUZZ_CHECK(!q->from || !q->to || q->from <= q->to, "from %d after to %d", q->from, q->to);
    for (const char *c = q->canonical_with_per_page; *c; c++)
        FUZZ_CHECK(canonical_char(*c), "canonical query \"%.200s\" is not %%-encoded",
                   q->canonical_with_per_page);
    FUZZ_CHECK(!strncmp(q->canonical_with_per_page, q->canonical, strlen(q->canonical)),
               "\"%.200s\" does not start with \"%.200s\"", q->canonical_with_per_page, q->canonical);

    /* The links the pages write (canonical query, page n) are good queries for the same
     * filter: re-parsing gives no error, the same canonical form and the same results. */
    {
        rc_query *q2 =
            rc_query_parse(p, d, col, q->canonical_with_per_page, default_per_page, m);
        const char *link = rc_query_link(p, q, 3);
        rc_query *q3 = rc_query_parse(p, d, col, link, default_per_page, m);
        const rc_query_error *e2 =
            q2->errors->nelts ? &APR_ARRAY_IDX(q2->errors, 0, rc_query_error) : NULL;
        FUZZ_CHECK(!e2, "the canonical query \"%.200s\" has an error: %.200s", q->canonical_with_per_page,
                   e2 ? e2->message : "");
        FUZZ_CHECK(!strcmp(q2->canonical, q->canonical) &&
                       !strcmp(q2->canonical_with_per_page, q->canonical_with_per_page),
                   "canonical \"%.200s\" re-parses as \"%.200s\"", q->canonical_with_per_page,
                   q2->canonical_with_per_page);
        FUZZ_CHECK(q2->per_page == q->per_page && q2->sort_asc == q->sort_asc &&
                       q2->from == q->from && q2->to == q->to && q2->page == 1,
                   "canonical \"%.200s\" re-parses to another filter", q->canonical_with_per_page);
        same_results(p, d, col, q, q2, "canonical query");
        FUZZ_CHECK(!q3->errors->nelts && q3->page == 3, "the page-3 link \"%.200s\" does not parse",
                   link);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const rc_data *d = fuzz_dataset();
    apr_pool_t *p = fuzz_pool_new();
    /* NUL-terminated copy; httpd's r->args never holds a NUL, so an embedded one ends it. */
    const char *args = size ? apr_pstrmemdup(p, (const char *)data, size) : NULL;
    rc_site site, odd;

    fuzz_site(p, &site, d, "/rootcauses", 0, "http://127.0.0.1:8080");
    /* Spanish, at a mount point that needs escaping everywhere (and quoting in CSV). */
    fuzz_site(p, &odd, d, "/a b,c\"<&>\xc3\xa9/", 1, "http://[::1]:8080");

    for (int c = 0; c < d->ncollections; c++) {
        const rc_collection *col = &d->collections[c];
        const rc_site *s = c % 2 ? &odd : &site;
        int def = c == d->ncollections - 1 ? 7 : 20;
        rc_query *q = rc_query_parse(p, d, col, args, def, s->m);
        check_query(p, d, col, q, def, s->m);
        fuzz_render_listing(p, s, col, q);
    }
    apr_pool_destroy(p);
    return 0;
}
