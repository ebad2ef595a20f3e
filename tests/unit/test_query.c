/* Unit tests for rc_query: every rule of docs/REFERENCE.md "Listing parameters", the exact 400 messages in English and Spanish,
 * and the canonical query string used in links. */

#include <string.h>

#include <apr_pools.h>
#include <apr_time.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_data.h"
#include "rc_query.h"

static apr_pool_t *pool;
static rc_data *data;
static const rc_collection *reports, *plain;

static const char data_json[] =
    "{\"languages\": [\"en\", \"es\"], \"title\": \"T\","
    " \"countries\": [{\"code\": \"GT\", \"name\": \"Guatemala\"},"
    "                {\"code\": \"SV\", \"name\": {\"en\": \"El Salvador\","
    "                                         \"es\": \"El Salvador (es)\"}},"
    "                {\"code\": \"HN\", \"name\": \"Honduras\"}],"
    " \"pages\": [{\"slug\": \"index\", \"title\": \"Home\", \"file\": \"index.html\"}],"
    " \"collections\": ["
    "  {\"slug\": \"reports\", \"title\": {\"en\": \"Reports\", \"es\": \"Informes\"},"
    "   \"items\": ["
    "    {\"id\": \"r1\", \"title\": \"R1\", \"date\": \"2021\", \"countries\": [\"GT\"],"
    "     \"kind\": \"report-to-congress\"},"
    "    {\"id\": \"r2\", \"title\": \"R2\", \"date\": \"2022\", \"countries\": [\"SV\"],"
    "     \"kind\": \"action\"}]},"
    "  {\"slug\": \"plain\", \"title\": \"Plain\", \"items\": ["
    "    {\"id\": \"p1\", \"title\": \"P1\", \"date\": \"2021\", \"countries\": [\"HN\"]}]}]}";

static void setup(void)
{
    const char *err;

    apr_pool_create(&pool, NULL);
    err = rc_test_load(pool, "query.json", data_json, sizeof(data_json) - 1, &data);
    ck_assert_msg(err == NULL, "%s", err);
    reports = &data->collections[0];
    plain = &data->collections[1];
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static rc_query *parse(const char *args)
{
    return rc_query_parse(pool, data, reports, args, 20, rc_msgs_for("en"));
}

/* The same with the messages in Spanish (a listing under B/es/) */
static rc_query *parse_es(const char *args)
{
    return rc_query_parse(pool, data, reports, args, 20, rc_msgs_for("es"));
}

static void assert_ok(const rc_query *q, const char *args)
{
    if (q->errors->nelts)
        ck_abort_msg("\"%s\": unexpected error: %s", args,
                     APR_ARRAY_IDX(q->errors, 0, rc_query_error).message);
}

static rc_query *parse_ok(const char *args)
{
    rc_query *q = parse(args);
    assert_ok(q, args);
    return q;
}

/* q has exactly one error, for param (NULL: the query string), with exactly message. */
static void assert_error(const rc_query *q, const char *param, const char *message)
{
    const rc_query_error *e;

    ck_assert_int_eq(q->errors->nelts, 1);
    e = &APR_ARRAY_IDX(q->errors, 0, rc_query_error);
    if (param)
        ck_assert_str_eq(e->param, param);
    else
        ck_assert_ptr_null(e->param);
    ck_assert_str_eq(e->message, message);
}

static void assert_countries(const rc_query *q, int gt, int sv, int hn)
{
    ck_assert_ptr_nonnull(q->countries);
    ck_assert_int_eq(q->countries[0], gt);
    ck_assert_int_eq(q->countries[1], sv);
    ck_assert_int_eq(q->countries[2], hn);
}

static char *repeat(const char *s, int n)
{
    size_t len = strlen(s);
    char *out = apr_palloc(pool, len * n + 1), *o = out;
    for (int i = 0; i < n; i++, o += len)
        memcpy(o, s, len);
    *o = '\0';
    return out;
}

/* ---- no filter ---- */

START_TEST(no_query_is_no_filter)
{
    static const char *const empty[] = {NULL, "", "&", "&&&"};
    for (int i = 0; i < 4; i++) {
        rc_query *q = parse_ok(empty[i]);
        ck_assert_ptr_null(q->countries);
        ck_assert_int_eq(q->from, 0);
        ck_assert_int_eq(q->to, 0);
        ck_assert_ptr_null(q->kinds);
        ck_assert_ptr_null(q->words);
        ck_assert_int_eq(q->sort_asc, 0);
        ck_assert(q->page == 1);
        ck_assert_int_eq(q->per_page, 20);
        ck_assert_str_eq(q->canonical, "");
        ck_assert_str_eq(q->canonical_with_per_page, "");
    }
}
END_TEST

START_TEST(empty_values_are_absent)
{
    rc_query *q = parse_ok("country=&from=&to=&kind=&q=&sort=&page=&per_page=");
    ck_assert_ptr_null(q->countries);
    ck_assert_int_eq(q->from, 0);
    ck_assert_int_eq(q->to, 0);
    ck_assert_ptr_null(q->kinds);
    ck_assert_ptr_null(q->words);
    ck_assert_ptr_null(q->q_text);
    ck_assert_ptr_null(q->from_text);
    ck_assert(q->page == 1);
    ck_assert_int_eq(q->per_page, 20);
    ck_assert_str_eq(q->canonical, "");
    /* a name without '=' has an empty value too */
    q = parse_ok("from&to&q");
    ck_assert_int_eq(q->from, 0);
    ck_assert_ptr_null(q->words);
}
END_TEST

START_TEST(empty_values_do_not_count_as_repetition)
{
    rc_query *q = parse_ok("from=&from=2021&from=&sort=&sort=date&page=2&page=");
    ck_assert_int_eq(q->from, 20210101);
    ck_assert_int_eq(q->sort_asc, 1);
    ck_assert(q->page == 2);
}
END_TEST

/* ---- country ---- */

START_TEST(country_by_code)
{
    assert_countries(parse_ok("country=GT"), 1, 0, 0);
    assert_countries(parse_ok("country=sv"), 0, 1, 0);
    assert_countries(parse_ok("country=hN"), 0, 0, 1);
}
END_TEST

START_TEST(country_by_name_ignores_case_and_accents)
{
    assert_countries(parse_ok("country=Guatemala"), 1, 0, 0);
    assert_countries(parse_ok("country=el+salvador"), 0, 1, 0);
    assert_countries(parse_ok("country=EL%20SALVADOR"), 0, 1, 0);
    assert_countries(parse_ok("country=%C3%89l+Salvador"), 0, 1, 0);  /* Él */
    assert_countries(parse_ok("country=E%CC%81L+SALVADOR"), 0, 1, 0); /* E + U+0301 */
    assert_countries(parse_ok("country=hond%C3%BAras"), 0, 0, 1);     /* hondúras */
}
END_TEST

START_TEST(country_lists_and_repetition)
{
    assert_countries(parse_ok("country=GT,SV"), 1, 1, 0);
    assert_countries(parse_ok("country=GT&country=HN"), 1, 0, 1);
    assert_countries(parse_ok("country=GT%2CHonduras"), 1, 0, 1);
    assert_countries(parse_ok("country=GT,,SV,"), 1, 1, 0);
    assert_countries(parse_ok("country=,GT&country=GT"), 1, 0, 0);
    assert_countries(parse_ok("country=GT&country="), 1, 0, 0);
}
END_TEST

START_TEST(undeclared_country_lists_the_valid_ones)
{
    rc_query *q = parse("country=XX");
    assert_error(q, "country",
                 "country: \"XX\" is not a country of this site; valid: GT (Guatemala), "
                 "SV (El Salvador), HN (Honduras)");
    ck_assert_str_eq(APR_ARRAY_IDX(q->errors, 0, rc_query_error).value, "XX");
    assert_error(parse("country=GT,Nicaragua"), "country",
                 "country: \"Nicaragua\" is not a country of this site; valid: GT (Guatemala), "
                 "SV (El Salvador), HN (Honduras)");
    assert_error(parse("country=+GT"), "country",
                 "country: \" GT\" is not a country of this site; valid: GT (Guatemala), "
                 "SV (El Salvador), HN (Honduras)");
}
END_TEST

/* ---- from / to ---- */

START_TEST(from_and_to_are_period_bounds)
{
    rc_query *q = parse_ok("from=2022-07&to=2022");
    ck_assert_int_eq(q->from, 20220701);
    ck_assert_int_eq(q->to, 20221231);
    ck_assert_str_eq(q->from_text, "2022-07");
    ck_assert_str_eq(q->to_text, "2022");

    q = parse_ok("from=2021");
    ck_assert_int_eq(q->from, 20210101);
    ck_assert_int_eq(q->to, 0);
    q = parse_ok("to=2024-02");
    ck_assert_int_eq(q->from, 0);
    ck_assert_int_eq(q->to, 20240229);
    q = parse_ok("from=2022-03-09&to=2022-03-09");
    ck_assert_int_eq(q->from, 20220309);
    ck_assert_int_eq(q->to, 20220309);
    q = parse_ok("from=2022-12-31&to=2022");
    ck_assert_int_eq(q->from, 20221231);
}
END_TEST

START_TEST(from_after_to_names_from)
{
    rc_query *q = parse("from=2023&to=2022");
    assert_error(q, "from",
                 "from: \"2023\" starts after to \"2022\" ends; swap them or widen the range");
    assert_error(parse("from=2022-08&to=2022-07-31"), "from",
                 "from: \"2022-08\" starts after to \"2022-07-31\" ends; swap them or widen the "
                 "range");
}
END_TEST

START_TEST(bad_dates_are_errors)
{
    assert_error(parse("from=2021-02-30"), "from",
                 "from: \"2021-02-30\" is not a date: no such day in the calendar "
                 "(expected YYYY, YYYY-MM or YYYY-MM-DD)");
    assert_error(parse("to=2021-13"), "to",
                 "to: \"2021-13\" is not a date: no such day in the calendar "
                 "(expected YYYY, YYYY-MM or YYYY-MM-DD)");
    assert_error(parse("from=21"), "from",
                 "from: \"21\" is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD");
    assert_error(parse("to=2021%2F01"), "to",
                 "to: \"2021/01\" is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD");
    assert_error(parse("to=yesterday"), "to",
                 "to: \"yesterday\" is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD");
}
END_TEST

/* ---- repetition of single-valued parameters ---- */

START_TEST(repeated_single_parameters_are_errors)
{
    rc_query *q = parse("from=2021&from=2022");
    assert_error(q, "from", "from: given more than once (\"2021\" and \"2022\"); give it once");
    ck_assert_str_eq(APR_ARRAY_IDX(q->errors, 0, rc_query_error).value, "2022");
    assert_error(parse("to=2021&to=2021"), "to",
                 "to: given more than once (\"2021\" and \"2021\"); give it once");
    assert_error(parse("sort=date&sort=-date"), "sort",
                 "sort: given more than once (\"date\" and \"-date\"); give it once");
    assert_error(parse("page=1&page=2"), "page",
                 "page: given more than once (\"1\" and \"2\"); give it once");
    assert_error(parse("per_page=10&per_page=10"), "per_page",
                 "per_page: given more than once (\"10\" and \"10\"); give it once");
}
END_TEST

START_TEST(one_error_per_parameter_every_parameter)
{
    rc_query *q = parse("from=x&from=y&from=z&page=0&per_page=0&country=XX&country=YY");
    const rc_query_error *e;

    ck_assert_int_eq(q->errors->nelts, 4);
    e = &APR_ARRAY_IDX(q->errors, 0, rc_query_error);
    ck_assert_str_eq(e->param, "from");
    ck_assert_str_eq(e->message, "from: given more than once (\"x\" and \"y\"); give it once");
    e = &APR_ARRAY_IDX(q->errors, 1, rc_query_error);
    ck_assert_str_eq(e->param, "country");
    ck_assert_str_eq(e->value, "XX");
    e = &APR_ARRAY_IDX(q->errors, 2, rc_query_error);
    ck_assert_str_eq(e->param, "page");
    e = &APR_ARRAY_IDX(q->errors, 3, rc_query_error);
    ck_assert_str_eq(e->param, "per_page");
}
END_TEST

/* ---- page and per_page ---- */

#define PAGE_ERROR(v)                                                                              \
    "page: \"" v "\" is not a page number; expected a whole number from 1"
#define PER_PAGE_ERROR(v)                                                                          \
    "per_page: \"" v "\" is out of range; expected a whole number from 1 to 100"

START_TEST(page_numbers)
{
    ck_assert(parse_ok("page=7")->page == 7);
    ck_assert(parse_ok("page=1")->page == 1);
    ck_assert(parse_ok("page=1000000000")->page == 1000000000);
    ck_assert(parse_ok("page=007")->page == 7);
    assert_error(parse("page=0"), "page", PAGE_ERROR("0"));
    assert_error(parse("page=abc"), "page", PAGE_ERROR("abc"));
    assert_error(parse("page=-1"), "page", PAGE_ERROR("-1"));
    assert_error(parse("page=%2B1"), "page", PAGE_ERROR("+1"));
    assert_error(parse("page=1.5"), "page", PAGE_ERROR("1.5"));
    assert_error(parse("page=+1"), "page", PAGE_ERROR(" 1"));
    /* any page number is valid; past the end it is read as one page past every listing */
    ck_assert(parse_ok("page=1000000001")->page == 1000000001);
    ck_assert(parse_ok("page=99999999999999999999")->page == RC_MAX_PAGE);
    ck_assert(parse_ok("page=999999999999999")->page == 999999999999999LL);
    /* a bad page leaves page 1 */
    ck_assert(parse("page=0")->page == 1);
}
END_TEST

START_TEST(per_page_range)
{
    ck_assert_int_eq(parse_ok("per_page=1")->per_page, 1);
    ck_assert_int_eq(parse_ok("per_page=100")->per_page, 100);
    ck_assert_int_eq(parse_ok("per_page=37")->per_page, 37);
    ck_assert_int_eq(rc_query_parse(pool, data, reports, "", 7, rc_msgs_for("en"))->per_page, 7);
    ck_assert_int_eq(rc_query_parse(pool, data, reports, "per_page=9", 7, rc_msgs_for("en"))->per_page, 9);
    assert_error(parse("per_page=0"), "per_page", PER_PAGE_ERROR("0"));
    assert_error(parse("per_page=101"), "per_page", PER_PAGE_ERROR("101"));
    assert_error(parse("per_page=500"), "per_page", PER_PAGE_ERROR("500"));
    assert_error(parse("per_page=abc"), "per_page", PER_PAGE_ERROR("abc"));
    assert_error(parse("per_page=-5"), "per_page", PER_PAGE_ERROR("-5"));
    assert_error(parse("per_page=99999999999999999999"), "per_page",
                 PER_PAGE_ERROR("99999999999999999999"));
    ck_assert_int_eq(parse("per_page=500")->per_page, 20);
}
END_TEST

/* ---- sort ---- */

START_TEST(sort_values)
{
    ck_assert_int_eq(parse_ok("sort=-date")->sort_asc, 0);
    ck_assert_int_eq(parse_ok("sort=date")->sort_asc, 1);
    ck_assert_int_eq(parse_ok("")->sort_asc, 0);
    assert_error(parse("sort=Date"), "sort",
                 "sort: \"Date\" is not a sort order; expected \"-date\" (newest first) or "
                 "\"date\" (oldest first)");
    assert_error(parse("sort=title"), "sort",
                 "sort: \"title\" is not a sort order; expected \"-date\" (newest first) or "
                 "\"date\" (oldest first)");
    assert_error(parse("sort=+date"), "sort",
                 "sort: \" date\" is not a sort order; expected \"-date\" (newest first) or "
                 "\"date\" (oldest first)");
}
END_TEST

/* ---- kind ---- */

START_TEST(kinds_from_lists_and_repetition)
{
    rc_query *q = parse_ok("kind=action,report-to-congress&kind=action");
    ck_assert_ptr_nonnull(q->kinds);
    ck_assert_str_eq(q->kinds[0], "action");
    ck_assert_str_eq(q->kinds[1], "report-to-congress");
    ck_assert_ptr_null(q->kinds[2]);
    ck_assert_int_eq(q->kind_checked[0], 1);
    ck_assert_int_eq(q->kind_checked[1], 1);

    q = parse_ok("kind=report-to-congress,,");
    ck_assert_str_eq(q->kinds[0], "report-to-congress");
    ck_assert_ptr_null(q->kinds[1]);
    ck_assert_int_eq(q->kind_checked[0], 0);
    ck_assert_int_eq(q->kind_checked[1], 1);
}
END_TEST

START_TEST(unknown_kind_lists_the_valid_ones)
{
    assert_error(parse("kind=memo"), "kind",
                 "kind: \"memo\" is not a kind in Reports; valid: action, report-to-congress");
    assert_error(parse("kind=Action"), "kind",
                 "kind: \"Action\" is not a kind in Reports; valid: action, report-to-congress");
    assert_error(rc_query_parse(pool, data, plain, "kind=action", 20, rc_msgs_for("en")), "kind",
                 "kind: \"action\" is not a kind in Plain; valid: none (no item of this listing "
                 "has a kind)");
}
END_TEST

/* ---- q ---- */

START_TEST(q_words_are_folded)
{
    rc_query *q = parse_ok("q=P%C3%A9rez+N%C3%9A%C3%91EZ");
    ck_assert_str_eq(q->words[0], "perez");
    ck_assert_str_eq(q->words[1], "nunez");
    ck_assert_ptr_null(q->words[2]);
    ck_assert_str_eq(q->q_text, "P\xc3\xa9rez N\xc3\x9a\xc3\x91"
                                "EZ");
}
END_TEST

START_TEST(q_splits_on_white_space)
{
    rc_query *q = parse_ok("q=+one%09two%0A%0Athree++");
    ck_assert_str_eq(q->words[0], "one");
    ck_assert_str_eq(q->words[1], "two");
    ck_assert_str_eq(q->words[2], "three");
    ck_assert_ptr_null(q->words[3]);
    /* only white space: no words */
    ck_assert_ptr_null(parse_ok("q=+++")->words);
}
END_TEST

START_TEST(repeated_q_adds_words)
{
    rc_query *q = parse_ok("q=foo&q=bar+baz");
    ck_assert_str_eq(q->words[0], "foo");
    ck_assert_str_eq(q->words[1], "bar");
    ck_assert_str_eq(q->words[2], "baz");
    ck_assert_ptr_null(q->words[3]);
    ck_assert_str_eq(q->q_text, "foo bar baz");
}
END_TEST

START_TEST(plus_is_a_space)
{
    rc_query *q = parse_ok("q=foo+bar");
    ck_assert_str_eq(q->q_text, "foo bar");
    ck_assert_str_eq(q->words[1], "bar");
    /* an encoded + is no space, but no letter either: words are runs of letters and digits
     * (docs/REFERENCE.md "Listing parameters"; it was one word "a+b" when q matched substrings) */
    q = parse_ok("q=a%2Bb");
    ck_assert_str_eq(q->q_text, "a+b");
    ck_assert_str_eq(q->words[0], "a");
    ck_assert_str_eq(q->words[1], "b");
    ck_assert_ptr_null(q->words[2]);
}
END_TEST

/* docs/REFERENCE.md "Listing parameters": a word is a maximal run of letters and digits, after folding */
START_TEST(q_words_are_runs_of_letters_and_digits)
{
    rc_query *q = parse_ok("q=anti-corruption%2C+U.S.+(2021)+caf%C3%A9%27s+%E2%80%9Cquoted%E2%80%9D");
    const char *want[] = {"anti", "corruption", "u", "s", "2021", "cafe", "quoted", NULL};
    for (int i = 0; want[i]; i++)
        ck_assert_str_eq(q->words[i], want[i]);
    ck_assert_ptr_null(q->words[7]);
    ck_assert_str_eq(q->q_text, "anti-corruption, U.S. (2021) caf\xc3\xa9's \xe2\x80\x9cquoted\xe2\x80\x9d");
    /* letters of any script, ligatures and numerals folded */
    q = parse_ok("q=%EF%AC%81nance+%E2%85%A0%E2%85%A1+%EB%8C%80%ED%95%9C");
    ck_assert_str_eq(q->words[0], "finance");
    ck_assert_str_eq(q->words[1], "iii");
    ck_assert_ptr_nonnull(q->words[2]);
    /* a q without a letter or digit filters nothing, but is kept for the form */
    q = parse_ok("q=%2B%2B+-+%E2%80%94+%21%3F");
    ck_assert_ptr_null(q->words);
    ck_assert_str_eq(q->q_text, "++ - \xe2\x80\x94 !?");
    ck_assert_str_eq(q->canonical, "q=%2B%2B%20-%20%E2%80%94%20%21%3F");
}
END_TEST

START_TEST(q_words_are_distinct)
{
    rc_query *q = parse_ok("q=Data+data+DATA&q=d%C3%A1ta+more");
    ck_assert_str_eq(q->words[0], "data");
    ck_assert_str_eq(q->words[1], "more");
    ck_assert_ptr_null(q->words[2]);
}
END_TEST

/* The query with n distinct words w1 .. wn, split over two q values */
static const char *q_of_words(int n)
{
    const char *s = "q=";
    for (int i = 1; i <= n; i++)
        s = apr_psprintf(pool, "%s%s%s%d", s, i == 1 ? "" : i == n / 2 + 1 ? "&q=" : "+", "w", i);
    return s;
}

START_TEST(more_than_32_distinct_words_is_an_error)
{
    rc_query *q = parse_ok(q_of_words(32));
    int n = 0;
    while (q->words[n])
        n++;
    ck_assert_int_eq(n, 32);
    assert_error(parse(q_of_words(33)), "q",
                 "q: \"w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w1...\" has more "
                 "than 32 distinct words; give at most 32");
    /* however many there are, the count stops at the first one too many */
    assert_error(parse(q_of_words(60)), "q",
                 "q: \"w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w1...\" has more "
                 "than 32 distinct words; give at most 32");
    ck_assert_ptr_null(parse(q_of_words(33))->words);
    /* repeated words do not count */
    parse_ok(apr_pstrcat(pool, q_of_words(32), "+w1+W2+w3", NULL));
}
END_TEST

START_TEST(q_limit_counts_characters)
{
    /* 200 × "é" is 400 bytes and fine; 201 is one too many */
    rc_query *q = parse_ok(apr_pstrcat(pool, "q=", repeat("%C3%A9", 200), NULL));
    ck_assert_str_eq(q->words[0], repeat("e", 200));
    parse_ok(apr_pstrcat(pool, "q=", repeat("a", 200), NULL));
    assert_error(parse(apr_pstrcat(pool, "q=", repeat("%C3%A9", 201), NULL)), "q",
                 apr_pstrcat(pool, "q: \"", repeat("\xc3\xa9", 28),
                             "...\" is 201 characters long; the limit is 200", NULL));
    assert_error(parse(apr_pstrcat(pool, "q=", repeat("a", 201), NULL)), "q",
                 apr_pstrcat(pool, "q: \"", repeat("a", 57),
                             "...\" is 201 characters long; the limit is 200", NULL));
    /* each value has its own limit */
    q = parse_ok(apr_pstrcat(pool, "q=", repeat("a", 200), "&q=", repeat("b", 200), NULL));
    ck_assert_str_eq(q->words[1], repeat("b", 200));
}
END_TEST

/* ---- encoding ---- */

START_TEST(bad_percent_escapes_name_the_parameter)
{
    rc_query *q = parse("from=%zz");
    assert_error(q, "from",
                 "from: bad %-encoding in \"%zz\" (% must be followed by two hex digits)");
    ck_assert_str_eq(APR_ARRAY_IDX(q->errors, 0, rc_query_error).value, "%zz");
    assert_error(parse("q=%4"), "q",
                 "q: bad %-encoding in \"%4\" (% must be followed by two hex digits)");
    assert_error(parse("country=GT%"), "country",
                 "country: bad %-encoding in \"GT%\" (% must be followed by two hex digits)");
}
END_TEST

START_TEST(invalid_utf8_names_the_parameter)
{
    assert_error(parse("q=%C3%28"), "q", "q: \"%C3%28\" is not valid UTF-8 text");
    assert_error(parse("q=%ED%A0%80"), "q", "q: \"%ED%A0%80\" is not valid UTF-8 text");
    assert_error(parse("q=a%00b"), "q", "q: \"a%00b\" is not valid UTF-8 text");
    assert_error(parse("q=%00"), "q", "q: \"%00\" is not valid UTF-8 text");
    assert_error(parse("country=%FF"), "country", "country: \"%FF\" is not valid UTF-8 text");
    assert_error(parse("from=2021%C0%AF"), "from", "from: \"2021%C0%AF\" is not valid UTF-8 text");
}
END_TEST

START_TEST(unknown_parameters_are_ignored_even_when_bad)
{
    rc_query *q = parse_ok("foo=%zz&bar=%C3%28&nul=%00&Country=XX&FROM=2099&utm_source=x&"
                           "page_size=500&=GT&%FF=1");
    ck_assert_ptr_null(q->countries);
    ck_assert_int_eq(q->from, 0);
    ck_assert_int_eq(q->per_page, 20);
    ck_assert_str_eq(q->canonical, "");
}
END_TEST

START_TEST(bad_escape_in_a_name_is_ignored)
{
    /* a name that does not decode is no parameter of ours */
    parse_ok("foo%zz=1");
    parse_ok("%zz=%zz");
    ck_assert_int_eq(parse_ok("country%=1&country=GT")->countries[0], 1);
}
END_TEST

START_TEST(names_are_decoded)
{
    assert_countries(parse_ok("%63ountry=GT"), 1, 0, 0);
    ck_assert_int_eq(parse_ok("per%5Fpage=5")->per_page, 5);
    /* a NUL makes a different name */
    ck_assert_ptr_null(parse_ok("country%00=GT")->countries);
}
END_TEST

START_TEST(too_many_parameters)
{
    const char *most = apr_pstrcat(pool, repeat("country=GT&", 255), "country=GT", NULL);
    /* unknown parameters do not count */
    parse_ok(apr_pstrcat(pool, repeat("x=1&", 1000), most, NULL));
    assert_error(parse(apr_pstrcat(pool, most, "&kind=", NULL)), NULL,
                 "The query string has more than 256 filter parameters; give fewer");
}
END_TEST

START_TEST(overlong_query_string)
{
    const char *max = apr_pstrcat(pool, "q=a&x=", repeat("y", 65536 - 6), NULL);
    ck_assert_uint_eq(strlen(max), 65536);
    parse_ok(max);
    assert_error(parse(apr_pstrcat(pool, max, "y", NULL)), NULL,
                 "The query string is 65537 bytes long; the limit is 65536 bytes");
}
END_TEST

START_TEST(long_values_are_cut_in_messages)
{
    const char *v = repeat("x", 70);
    assert_error(parse(apr_pstrcat(pool, "to=", v, NULL)), "to",
                 apr_pstrcat(pool, "to: \"", repeat("x", 57),
                             "...\" is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD", NULL));
}
END_TEST

/* ---- canonical query string ---- */

START_TEST(canonical_query_string)
{
    rc_query *q = parse_ok("sort=date&q=P%C3%A9rez+x&kind=report-to-congress,action&country=SV,"
                           "guatemala&to=2022&from=2021&page=3&per_page=10&foo=bar");
    ck_assert_str_eq(q->canonical, "country=GT&country=SV&from=2021&to=2022&kind=action&"
                                   "kind=report-to-congress&q=P%C3%A9rez%20x&sort=date");
    ck_assert_str_eq(q->canonical_with_per_page,
                     "country=GT&country=SV&from=2021&to=2022&kind=action&"
                     "kind=report-to-congress&q=P%C3%A9rez%20x&sort=date&per_page=10");
    ck_assert_str_eq(rc_query_link(pool, q, 1), q->canonical_with_per_page);
    ck_assert_str_eq(rc_query_link(pool, q, 0), q->canonical_with_per_page);
    ck_assert_str_eq(rc_query_link(pool, q, 4),
                     "country=GT&country=SV&from=2021&to=2022&kind=action&"
                     "kind=report-to-congress&q=P%C3%A9rez%20x&sort=date&per_page=10&page=4");
}
END_TEST

START_TEST(canonical_leaves_out_defaults)
{
    rc_query *q = parse_ok("sort=-date&page=2");
    ck_assert_str_eq(q->canonical, "");
    ck_assert_str_eq(q->canonical_with_per_page, "");
    ck_assert_str_eq(rc_query_link(pool, q, 1), "");
    ck_assert_str_eq(rc_query_link(pool, q, 2), "page=2");

    q = parse_ok("per_page=5");
    ck_assert_str_eq(q->canonical, "");
    ck_assert_str_eq(q->canonical_with_per_page, "per_page=5");
    ck_assert_str_eq(rc_query_link(pool, q, 3), "per_page=5&page=3");

    q = parse_ok("q=a%26b%3Dc");
    ck_assert_str_eq(q->canonical, "q=a%26b%3Dc");
}
END_TEST

/* The response cache's key: one for every spelling of a listing (order, unknown parameters,
 * defaults, names for codes), another when a per_page was given, even the default one, since
 * the page shows it (the hidden field, the links, robots noindex). */
START_TEST(key_is_one_per_answer)
{
    const char *key = parse_ok("country=GT&from=2021")->key;
    ck_assert_str_eq(key, "country=GT&from=2021&page=1&per_page=20");
    ck_assert_str_eq(parse_ok("from=2021&utm_source=x&country=guatemala&sort=-date&page=1")->key,
                     key);
    ck_assert_str_eq(parse_ok("")->key, "&page=1&per_page=20");
    ck_assert_str_eq(parse_ok("per_page=20")->key, "per_page=20&page=1&per_page=20");
    ck_assert_str_eq(parse_ok("per_page=020&page=2")->key, "per_page=20&page=2&per_page=20");
    ck_assert_str_eq(parse_ok("country=GT&from=2021&per_page=20")->key,
                     "country=GT&from=2021&per_page=20&page=1&per_page=20");
}
END_TEST

START_TEST(control_characters_are_errors)
{
    assert_error(parse("q=a%01b"), "q", "q: \"a%01b\" contains control characters; give plain text");
    assert_error(parse("from=%7F"), "from", "from: \"%7F\" contains control characters; give plain "
                                            "text");
    assert_error(parse("country=G%C2%85T"), "country",
                 "country: \"G%C2%85T\" contains control characters; give plain text");
    /* white space separates q's words */
    ck_assert_str_eq(parse_ok("q=a%0Db%0Cc%0Bd")->words[3], "d");
}
END_TEST

/* ---- the 400 messages under B/es/ ---- */

#define ES_COUNTRIES "GT (Guatemala), SV (El Salvador), HN (Honduras)"

/* Every message rc_query gives, in Spanish, with the Spanish texts of the data. */
START_TEST(every_message_in_spanish)
{
    assert_error(parse_es("from=2021&from=2022"), "from",
                 "from: se dio m\xc3\xa1s de una vez (\"2021\" y \"2022\"); d\xc3\xa9 un solo valor");
    assert_error(parse_es("country=XX"), "country",
                 "country: \"XX\" no es un pa\xc3\xads de este sitio; v\xc3\xa1lidos: GT (Guatemala), "
                 "SV (El Salvador (es)), HN (Honduras)");
    assert_error(parse_es("kind=memo"), "kind",
                 "kind: \"memo\" no es un tipo de Informes; v\xc3\xa1lidos: action, "
                 "report-to-congress");
    assert_error(rc_query_parse(pool, data, plain, "kind=action", 20, rc_msgs_for("es")), "kind",
                 "kind: \"action\" no es un tipo de Plain; v\xc3\xa1lidos: ninguno (ning\xc3\xban "
                 "elemento de esta lista tiene tipo)");
    assert_error(parse_es(apr_pstrcat(pool, "q=", repeat("a", 201), NULL)), "q",
                 apr_pstrcat(pool, "q: \"", repeat("a", 57),
                             "...\" tiene 201 caracteres; el l\xc3\xadmite es 200", NULL));
    assert_error(rc_query_parse(pool, data, reports, q_of_words(33), 20, rc_msgs_for("es")), "q",
                 "q: \"w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w1...\" tiene "
                 "m\xc3\xa1s de 32 palabras distintas; d\xc3\xa9 como mucho 32");
    assert_error(parse_es("from=2021-02-30"), "from",
                 "from: \"2021-02-30\" no es una fecha: ese d\xc3\xad" "a no existe en el calendario "
                 "(se espera AAAA, AAAA-MM o AAAA-MM-DD)");
    assert_error(parse_es("to=ayer"), "to",
                 "to: \"ayer\" no es una fecha: se espera AAAA, AAAA-MM o AAAA-MM-DD");
    assert_error(parse_es("from=2023&to=2022"), "from",
                 "from: \"2023\" empieza despu\xc3\xa9s de que termina to \"2022\"; "
                 "invi\xc3\xa9rtalos o ampl\xc3\xad" "e el intervalo");
    assert_error(parse_es("sort=title"), "sort",
                 "sort: \"title\" no es un orden; se espera \"-date\" (m\xc3\xa1s recientes primero) "
                 "o \"date\" (m\xc3\xa1s antiguos primero)");
    assert_error(parse_es("page=0"), "page",
                 "page: \"0\" no es un n\xc3\xbamero de p\xc3\xa1gina; se espera un n\xc3\xbamero "
                 "entero desde 1");
    assert_error(parse_es("per_page=500"), "per_page",
                 "per_page: \"500\" est\xc3\xa1 fuera de rango; se espera un n\xc3\xbamero entero "
                 "de 1 a 100");
    assert_error(parse_es("from=%zz"), "from",
                 "from: codificaci\xc3\xb3n % incorrecta en \"%zz\" (% debe ir seguido de dos "
                 "d\xc3\xadgitos hexadecimales)");
    assert_error(parse_es("q=%C3%28"), "q", "q: \"%C3%28\" no es texto UTF-8 v\xc3\xa1lido");
    assert_error(parse_es("q=a%01b"), "q",
                 "q: \"a%01b\" contiene caracteres de control; d\xc3\xa9 texto simple");
    assert_error(parse_es(apr_pstrcat(pool, "q=a&x=", repeat("y", 65536 - 5), NULL)), NULL,
                 "La cadena de consulta tiene 65537 bytes; el l\xc3\xadmite es 65536 bytes");
    assert_error(parse_es(apr_pstrcat(pool, repeat("country=GT&", 256), "kind=", NULL)), NULL,
                 "La cadena de consulta tiene m\xc3\xa1s de 256 par\xc3\xa1metros de filtro; "
                 "d\xc3\xa9 menos");
    /* a language the module does not know gets the English messages */
    assert_error(rc_query_parse(pool, data, reports, "page=0", 20, rc_msgs_for("fr")), "page",
                 PAGE_ERROR("0"));
    assert_error(rc_query_parse(pool, data, reports, "page=0", 20, rc_msgs_for(NULL)), "page",
                 PAGE_ERROR("0"));
}
END_TEST

/* The English messages name the data's texts in English. */
START_TEST(english_messages_use_english_texts)
{
    assert_error(parse("country=XX"), "country",
                 "country: \"XX\" is not a country of this site; valid: GT (Guatemala), "
                 "SV (El Salvador), HN (Honduras)");
    assert_error(parse("kind=memo"), "kind",
                 "kind: \"memo\" is not a kind in Reports; valid: action, report-to-congress");
}
END_TEST

/* docs/REFERENCE.md "Listing parameters": a country by its name in any language, whatever the listing's language */
START_TEST(country_by_name_in_any_language)
{
    assert_countries(parse_ok("country=el+salvador+(ES)"), 0, 1, 0);
    assert_countries(parse_es("country=El+Salvador"), 0, 1, 0);
    ck_assert_int_eq(parse_es("country=el+salvador+%28es%29")->errors->nelts, 0);
}
END_TEST

/* "country=x,x,x..." with thousands of bad elements gives one error, whose list of valid
 * choices is made once: with many countries, making it for every element took seconds. */
START_TEST(many_bad_countries_are_one_error_made_once)
{
    apr_array_header_t *parts = apr_array_make(pool, 700, sizeof(const char *));
    const char *json, *err;
    rc_data *big;
    rc_query *q;
    apr_time_t start;
    int n = 0;

    APR_ARRAY_PUSH(parts, const char *) = "{\"title\":\"T\",\"countries\":[";
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z' && n < 600; b++, n++)
            APR_ARRAY_PUSH(parts, const char *) =
                apr_psprintf(pool, "%s{\"code\":\"%c%c\",\"name\":\"Country number %d\"}",
                             n ? "," : "", a, b, n);
    APR_ARRAY_PUSH(parts, const char *) =
        "],\"pages\":[{\"slug\":\"index\",\"title\":\"H\",\"file\":\"i.html\"}],"
        "\"collections\":[{\"slug\":\"r\",\"title\":\"R\",\"items\":[]}]}";
    json = apr_array_pstrcat(pool, parts, 0);
    err = rc_test_load(pool, "many.json", json, strlen(json), &big);
    ck_assert_msg(err == NULL, "%s", err);

    start = apr_time_now();
    q = rc_query_parse(pool, big, &big->collections[0],
                       apr_pstrcat(pool, "country=", repeat("x,", 4000), "GT&from=2021", NULL), 20,
                       rc_msgs_for("en"));
    ck_assert_msg(apr_time_now() - start < apr_time_from_msec(500), "parsing took %ld ms",
                  (long)apr_time_as_msec(apr_time_now() - start));
    ck_assert_int_eq(q->errors->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(q->errors, 0, rc_query_error).param, "country");
    ck_assert_str_eq(APR_ARRAY_IDX(q->errors, 0, rc_query_error).value, "x");
    ck_assert_int_eq(q->from, 20210101);
}
END_TEST

Suite *rc_query_suite(void)
{
    Suite *s = suite_create("rc_query");
    TCase *tc;

    tc = tcase_create("values");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, no_query_is_no_filter);
    tcase_add_test(tc, empty_values_are_absent);
    tcase_add_test(tc, empty_values_do_not_count_as_repetition);
    tcase_add_test(tc, country_by_code);
    tcase_add_test(tc, country_by_name_ignores_case_and_accents);
    tcase_add_test(tc, country_lists_and_repetition);
    tcase_add_test(tc, undeclared_country_lists_the_valid_ones);
    tcase_add_test(tc, from_and_to_are_period_bounds);
    tcase_add_test(tc, from_after_to_names_from);
    tcase_add_test(tc, bad_dates_are_errors);
    tcase_add_test(tc, repeated_single_parameters_are_errors);
    tcase_add_test(tc, one_error_per_parameter_every_parameter);
    tcase_add_test(tc, page_numbers);
    tcase_add_test(tc, per_page_range);
    tcase_add_test(tc, sort_values);
    tcase_add_test(tc, kinds_from_lists_and_repetition);
    tcase_add_test(tc, unknown_kind_lists_the_valid_ones);
    tcase_add_test(tc, q_words_are_folded);
    tcase_add_test(tc, q_splits_on_white_space);
    tcase_add_test(tc, repeated_q_adds_words);
    tcase_add_test(tc, plus_is_a_space);
    tcase_add_test(tc, q_words_are_runs_of_letters_and_digits);
    tcase_add_test(tc, q_words_are_distinct);
    tcase_add_test(tc, more_than_32_distinct_words_is_an_error);
    tcase_add_test(tc, q_limit_counts_characters);
    suite_add_tcase(s, tc);

    tc = tcase_create("encoding");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bad_percent_escapes_name_the_parameter);
    tcase_add_test(tc, invalid_utf8_names_the_parameter);
    tcase_add_test(tc, unknown_parameters_are_ignored_even_when_bad);
    tcase_add_test(tc, bad_escape_in_a_name_is_ignored);
    tcase_add_test(tc, names_are_decoded);
    tcase_add_test(tc, too_many_parameters);
    tcase_add_test(tc, overlong_query_string);
    tcase_add_test(tc, long_values_are_cut_in_messages);
    tcase_add_test(tc, control_characters_are_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("spanish");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_message_in_spanish);
    tcase_add_test(tc, english_messages_use_english_texts);
    tcase_add_test(tc, country_by_name_in_any_language);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, many_bad_countries_are_one_error_made_once);
    suite_add_tcase(s, tc);

    tc = tcase_create("canonical");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, canonical_query_string);
    tcase_add_test(tc, canonical_leaves_out_defaults);
    tcase_add_test(tc, key_is_one_per_answer);
    suite_add_tcase(s, tc);

    return s;
}
