/* Unit tests for rc_date: the data file's dates (docs/REFERENCE.md "The data file") as whole
 * periods, and dates for people and for Atom ("Formats"). */

#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_date.h"
#include "rc_i18n.h"

static apr_pool_t *pool;

static void setup(void)
{
    apr_pool_create(&pool, NULL);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* what a bad date is, which the callers put into their own words */
#define SYNTAX RC_DATE_SYNTAX
#define NO_SUCH_DAY RC_DATE_CALENDAR

/* Parses s, which must be valid, and checks every field. */
static void assert_date(const char *s, int year, int month, int day, int start, int end)
{
    rc_date d;
    rc_date_status st = rc_date_parse(s, &d);

    ck_assert_msg(st == RC_DATE_OK, "rc_date_parse(\"%s\") failed: %d", s, (int)st);
    ck_assert_int_eq(d.year, year);
    ck_assert_int_eq(d.month, month);
    ck_assert_int_eq(d.day, day);
    ck_assert_int_eq(d.start, start);
    ck_assert_int_eq(d.end, end);
}

static void assert_bad(const char *s, rc_date_status reason)
{
    rc_date d;
    rc_date_status st = rc_date_parse(s, &d);

    ck_assert_msg(st != RC_DATE_OK, "rc_date_parse(\"%s\") accepted it", s);
    ck_assert_int_eq(st, reason);
}

/* ---- parsing and periods ---- */

START_TEST(year_is_the_whole_year)
{
    assert_date("2021", 2021, 0, 0, 20210101, 20211231);
    assert_date("1999", 1999, 0, 0, 19990101, 19991231);
    assert_date("0001", 1, 0, 0, 10101, 11231);
    assert_date("9999", 9999, 0, 0, 99990101, 99991231);
}
END_TEST

START_TEST(month_is_the_whole_month)
{
    assert_date("2022-07", 2022, 7, 0, 20220701, 20220731);
    assert_date("2021-01", 2021, 1, 0, 20210101, 20210131);
    assert_date("2021-04", 2021, 4, 0, 20210401, 20210430);
    assert_date("2021-12", 2021, 12, 0, 20211201, 20211231);
}
END_TEST

START_TEST(february_follows_leap_years)
{
    assert_date("2024-02", 2024, 2, 0, 20240201, 20240229);
    assert_date("2023-02", 2023, 2, 0, 20230201, 20230228);
    assert_date("2000-02", 2000, 2, 0, 20000201, 20000229); /* divisible by 400 */
    assert_date("1900-02", 1900, 2, 0, 19000201, 19000228); /* divisible by 100 only */
    assert_date("2024-02-29", 2024, 2, 29, 20240229, 20240229);
}
END_TEST

START_TEST(day_is_one_day)
{
    assert_date("2022-03-09", 2022, 3, 9, 20220309, 20220309);
    assert_date("2021-12-31", 2021, 12, 31, 20211231, 20211231);
    assert_date("2021-01-01", 2021, 1, 1, 20210101, 20210101);
}
END_TEST

START_TEST(impossible_dates_are_refused)
{
    assert_bad("2021-02-30", NO_SUCH_DAY);
    assert_bad("2021-02-29", NO_SUCH_DAY); /* 2021 is not a leap year */
    assert_bad("1900-02-29", NO_SUCH_DAY);
    assert_bad("2021-04-31", NO_SUCH_DAY);
    assert_bad("2021-01-32", NO_SUCH_DAY);
    assert_bad("2021-01-00", NO_SUCH_DAY);
    assert_bad("2021-13", NO_SUCH_DAY);
    assert_bad("2021-00", NO_SUCH_DAY);
    assert_bad("2021-13-01", NO_SUCH_DAY);
    assert_bad("0000", NO_SUCH_DAY);
    assert_bad("0000-01-01", NO_SUCH_DAY);
}
END_TEST

START_TEST(syntax_errors_are_refused)
{
    assert_bad("", SYNTAX);
    assert_bad("21", SYNTAX);
    assert_bad("202", SYNTAX);
    assert_bad("20211", SYNTAX);
    assert_bad("2021-1", SYNTAX);
    assert_bad("2021-01-1", SYNTAX);
    assert_bad("2021/01", SYNTAX);
    assert_bad("2021/01/01", SYNTAX);
    assert_bad("2021-", SYNTAX);
    assert_bad("2021-01-", SYNTAX);
    assert_bad("2021x", SYNTAX);
    assert_bad("2021-01x", SYNTAX);
    assert_bad("2021-01-01x", SYNTAX);
    assert_bad("2021-01-01T00:00", SYNTAX);
    assert_bad("2021 ", SYNTAX);
    assert_bad(" 2021", SYNTAX);
    assert_bad("+2021", SYNTAX);
    assert_bad("-2021", SYNTAX);
    assert_bad("20a1", SYNTAX);
    assert_bad("2021-0a", SYNTAX);
    assert_bad("2021-01-0a", SYNTAX);
    assert_bad("2021--1", SYNTAX);
    assert_bad(NULL, SYNTAX);
}
END_TEST

/* ---- writing ---- */

/* The date for people as the writers give it in English (rc_date_write), which rc_date_human
 * must agree with. */
static const char *human(const char *s)
{
    rc_date d;
    char buf[RC_DATE_TEXT_MAX];
    const char *text;

    ck_assert_int_eq(rc_date_parse(s, &d), RC_DATE_OK);
    text = apr_pstrmemdup(pool, buf, rc_date_write(buf, rc_msgs_for("en"), &d));
    ck_assert_str_eq(rc_date_human(pool, &d), text);
    return text;
}

static const char *rfc3339(const char *s)
{
    rc_date d;

    ck_assert_int_eq(rc_date_parse(s, &d), RC_DATE_OK);
    return rc_date_rfc3339(pool, &d);
}

START_TEST(human_dates)
{
    ck_assert_str_eq(human("2021"), "2021");
    ck_assert_str_eq(human("2022-07"), "July 2022");
    ck_assert_str_eq(human("2022-03-09"), "March 9, 2022");
    ck_assert_str_eq(human("2021-01"), "January 2021");
    ck_assert_str_eq(human("2021-12-31"), "December 31, 2021");
    ck_assert_str_eq(human("2024-02-29"), "February 29, 2024");
}
END_TEST

START_TEST(rfc3339_is_the_first_day_at_midnight_utc)
{
    ck_assert_str_eq(rfc3339("2021"), "2021-01-01T00:00:00Z");
    ck_assert_str_eq(rfc3339("2022-07"), "2022-07-01T00:00:00Z");
    ck_assert_str_eq(rfc3339("2022-03-09"), "2022-03-09T00:00:00Z");
    ck_assert_str_eq(rfc3339("2021-12-31"), "2021-12-31T00:00:00Z");
    ck_assert_str_eq(rfc3339("0001"), "0001-01-01T00:00:00Z");
}
END_TEST

Suite *rc_date_suite(void)
{
    Suite *s = suite_create("rc_date");
    TCase *tc;

    tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, year_is_the_whole_year);
    tcase_add_test(tc, month_is_the_whole_month);
    tcase_add_test(tc, february_follows_leap_years);
    tcase_add_test(tc, day_is_one_day);
    tcase_add_test(tc, impossible_dates_are_refused);
    tcase_add_test(tc, syntax_errors_are_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("write");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, human_dates);
    tcase_add_test(tc, rfc3339_is_the_first_day_at_midnight_utc);
    suite_add_tcase(s, tc);

    return s;
}
