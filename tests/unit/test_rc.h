/* Shared declarations of the unit tests (tests/unit/test_*.c), run by test_main.c.
 * main() has called apr_initialize() before any suite is built. */
#ifndef TEST_RC_H
#define TEST_RC_H

#include <check.h>

Suite *rc_text_suite(void);
Suite *rc_date_suite(void);
Suite *rc_data_suite(void);
Suite *rc_route_suite(void);
Suite *rc_query_suite(void);
Suite *rc_filter_suite(void);
Suite *rc_render_suite(void);
Suite *rc_index_suite(void);

/* The path of the fixture `name`: "$RC_TEST_FIXTURES/name", where RC_TEST_FIXTURES defaults to
 * tests/unit/fixtures under the top source directory. The string stays valid until exit. */
const char *rc_test_fixture(const char *name);

#endif
