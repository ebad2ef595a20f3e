/* Unit tests for rc_i18n: the module's own words in English and Spanish (dates and sizes for
 * people, counts, kinds), and that both languages' strings are complete and their formats take
 * the same arguments. */

#include <string.h>

#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_date.h"
#include "rc_i18n.h"

static apr_pool_t *pool;
static const rc_msgs *en, *es;

static void setup(void)
{
    apr_pool_create(&pool, NULL);
    en = rc_msgs_for("en");
    es = rc_msgs_for("es");
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* rc_date_write's text as a string. */
static const char *written(const rc_msgs *m, const rc_date *d)
{
    char buf[RC_DATE_TEXT_MAX];
    return apr_pstrmemdup(pool, buf, rc_date_write(buf, m, d));
}

static const char *date_text(const rc_msgs *m, const char *s)
{
    rc_date d;
    ck_assert_int_eq(rc_date_parse(s, &d), RC_DATE_OK);
    return written(m, &d);
}

START_TEST(languages_the_module_knows)
{
    ck_assert_str_eq(en->code, "en");
    ck_assert_str_eq(en->lang_name, "English");
    ck_assert_str_eq(es->code, "es");
    ck_assert_str_eq(es->lang_name, "Espa\xc3\xb1ol");
    /* any other: English */
    ck_assert_ptr_eq(rc_msgs_for("fr"), en);
    ck_assert_ptr_eq(rc_msgs_for(""), en);
    ck_assert_ptr_eq(rc_msgs_for(NULL), en);
    ck_assert_ptr_eq(rc_msgs_for("ES"), en);
}
END_TEST

/* docs/REFERENCE.md "Formats": "July 2022", "March 9, 2022", "2021" */
START_TEST(dates_for_people_in_english)
{
    ck_assert_str_eq(date_text(en, "2021"), "2021");
    ck_assert_str_eq(date_text(en, "2022-07"), "July 2022");
    ck_assert_str_eq(date_text(en, "2022-03-09"), "March 9, 2022");
    ck_assert_str_eq(date_text(en, "2021-01"), "January 2021");
    ck_assert_str_eq(date_text(en, "2021-12-31"), "December 31, 2021");
    ck_assert_str_eq(date_text(en, "2024-02-29"), "February 29, 2024");
    ck_assert_str_eq(date_text(en, "0001-01-01"), "January 1, 1");
    /* the same as rc_date_human, which knows English only */
    {
        rc_date d;
        rc_date_parse("2022-03-09", &d);
        ck_assert_str_eq(written(en, &d), rc_date_human(pool, &d));
    }
}
END_TEST

START_TEST(dates_for_people_in_spanish)
{
    ck_assert_str_eq(date_text(es, "2021"), "2021");
    ck_assert_str_eq(date_text(es, "2022-07"), "julio de 2022");
    ck_assert_str_eq(date_text(es, "2022-03-09"), "9 de marzo de 2022");
    ck_assert_str_eq(date_text(es, "2021-01-01"), "1 de enero de 2021");
    ck_assert_str_eq(date_text(es, "2021-09"), "septiembre de 2021");
    ck_assert_str_eq(date_text(es, "2021-12-31"), "31 de diciembre de 2021");
}
END_TEST

/* Items keep their period (start, end); the date for people comes back from it. */
START_TEST(date_from_period)
{
    static const char *const dates[] = {"2021", "2022-07", "2022-03-09", "2024-02", "2024-02-29",
                                        "2023-12-31", "2021-01-01", "2021-01", NULL};
    for (const char *const *s = dates; *s; s++) {
        rc_date d, back;
        ck_assert_int_eq(rc_date_parse(*s, &d), RC_DATE_OK);
        rc_date_from_period(d.start, d.end, &back);
        ck_assert_int_eq(back.year, d.year);
        ck_assert_int_eq(back.month, d.month);
        ck_assert_int_eq(back.day, d.day);
        ck_assert_int_eq(back.start, d.start);
        ck_assert_int_eq(back.end, d.end);
        ck_assert_str_eq(written(es, &back), written(es, &d));
    }
}
END_TEST

START_TEST(sizes_for_people)
{
    ck_assert_str_eq(rc_size_text(pool, es, 1258291), "1,2 MB");
    ck_assert_str_eq(rc_size_text(pool, en, 1258291), "1.2 MB");
    ck_assert_str_eq(rc_size_text(pool, es, 1572864), "1,5 MB");
    ck_assert_str_eq(rc_size_text(pool, es, APR_INT64_C(3221225472)), "3,0 GB");
    ck_assert_str_eq(rc_size_text(pool, es, 204800), "200 KB");
    ck_assert_str_eq(rc_size_text(pool, es, 512), "512 bytes");
    ck_assert_str_eq(rc_size_text(pool, es, 1), "1 byte");
    ck_assert_str_eq(rc_size_text(pool, es, 0), "0 bytes");
    /* KB up to 1023, rounded; then MB */
    ck_assert_str_eq(rc_size_text(pool, en, 1535), "1 KB");
    ck_assert_str_eq(rc_size_text(pool, en, 1536), "2 KB");
    ck_assert_str_eq(rc_size_text(pool, en, 1024 * 1023), "1023 KB");
    ck_assert_str_eq(rc_size_text(pool, en, 1024 * 1024 - 1), "1.0 MB");
    ck_assert_str_eq(rc_size_text(pool, en, 1024 * 1024), "1.0 MB");
}
END_TEST

START_TEST(result_counts)
{
    ck_assert_str_eq(apr_psprintf(pool, es->n_results, 3), "3 resultados");
    ck_assert_str_eq(es->one_result, "1 resultado");
    ck_assert_str_eq(es->no_results, "Sin resultados");
    ck_assert_str_eq(apr_psprintf(pool, en->n_results, 3), "3 results");
    ck_assert_str_eq(en->one_result, "1 result");
    ck_assert_str_eq(apr_psprintf(pool, es->showing, "21", "40", "95"),
                     "Mostrando 21\xe2\x80\x93" "40 de 95 resultados");
}
END_TEST

/* The conversions of a format ("%s%d%lu"), %% left out. */
static const char *conversions(const char *fmt)
{
    const char *s = "";
    for (const char *c = strchr(fmt, '%'); c; c = strchr(c + 1, '%')) {
        apr_size_t n = strspn(c + 1, "-+ #0123456789.l");
        if (c[1] == '%') {
            c++;
            continue;
        }
        s = apr_pstrcat(pool, s, apr_pstrndup(pool, c, n + 2), NULL);
    }
    return s;
}

#define FIELD(m, i) (((const char *const *)&(m)->skip)[i])
#define NFIELDS ((int)(&en->e_too_many - &en->skip) + 1)

/* Every string of both languages is there, and each format of one takes the arguments the
 * other's does, in the same order (else the writers would read the wrong arguments). */
START_TEST(both_languages_are_complete_and_agree)
{
    ck_assert_int_eq(NFIELDS, 76); /* every string after the dates, up to e_too_many */
    for (int i = 0; i < NFIELDS; i++) {
        ck_assert_msg(FIELD(en, i) && *FIELD(en, i), "English string %d is empty", i);
        ck_assert_msg(FIELD(es, i) && *FIELD(es, i), "Spanish string %d is empty", i);
        ck_assert_msg(!strcmp(conversions(FIELD(en, i)), conversions(FIELD(es, i))),
                      "string %d: \"%s\" and \"%s\" take other arguments", i, FIELD(en, i),
                      FIELD(es, i));
        /* written as they are into HTML: no markup characters */
        ck_assert_msg(!strpbrk(FIELD(es, i), "<>&") && !strpbrk(FIELD(en, i), "<>&"),
                      "string %d has markup characters", i);
        /* and the labels also into attributes */
        if (&FIELD(en, i) < &en->atom_from)
            ck_assert_msg(!strchr(FIELD(es, i), '"') && !strchr(FIELD(en, i), '"'),
                          "string %d has a quote", i);
    }
    for (int i = 0; i < 12; i++) {
        ck_assert_ptr_nonnull(en->months[i]);
        ck_assert_ptr_nonnull(es->months[i]);
    }
    ck_assert_str_eq(conversions(en->month_year), "%s%d");
    ck_assert_str_eq(conversions(es->month_year), "%s%d");
    ck_assert_str_eq(conversions(en->day_month_year), "%s%d%d");
    ck_assert_str_eq(conversions(es->day_month_year), "%d%s%d");
    ck_assert_int_eq(en->day_first, 0);
    ck_assert_int_eq(es->day_first, 1);
    ck_assert_int_eq(en->decimal, '.');
    ck_assert_int_eq(es->decimal, ',');
}
END_TEST

Suite *rc_i18n_suite(void)
{
    Suite *s = suite_create("rc_i18n");
    TCase *tc = tcase_create("words");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, languages_the_module_knows);
    tcase_add_test(tc, dates_for_people_in_english);
    tcase_add_test(tc, dates_for_people_in_spanish);
    tcase_add_test(tc, date_from_period);
    tcase_add_test(tc, sizes_for_people);
    tcase_add_test(tc, result_counts);
    tcase_add_test(tc, both_languages_are_complete_and_agree);
    suite_add_tcase(s, tc);
    return s;
}
