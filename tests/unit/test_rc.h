/* Shared declarations of the unit tests (tests/unit/test_*.c), run by test_main.c.
 * main() has called apr_initialize() before any suite is built. */
#ifndef TEST_RC_H
#define TEST_RC_H

#include <check.h>

#include <apr_pools.h>
#include <apr_tables.h>

#include "rc_data.h"

Suite *rc_text_suite(void);
Suite *rc_date_suite(void);
Suite *rc_data_suite(void);
Suite *rc_route_suite(void);
Suite *rc_query_suite(void);
Suite *rc_filter_suite(void);
Suite *rc_render_suite(void);
Suite *rc_index_suite(void);
Suite *rc_render_es_suite(void);
Suite *rc_i18n_suite(void);
Suite *rc_words_suite(void);
Suite *rc_image_suite(void);
Suite *rc_cache_suite(void);

/* The path of the fixture `name`: "$RC_TEST_FIXTURES/name", where RC_TEST_FIXTURES defaults to
 * tests/unit/fixtures under the top source directory. The string stays valid until exit. */
const char *rc_test_fixture(const char *name);

/* Builds the image of the data file json[0..len) named name (rc_build_buffer: page files are not
 * read) into p, checks it with rc_image_check and opens it. Returns the build's message (and
 * *out = NULL) when the data is refused. */
const char *rc_test_load(apr_pool_t *p, const char *name, const char *json, apr_size_t len,
                         rc_data **out);

/* The same from the data file at path (absolute; rc_build_file: page files are read); files
 * (of rc_file_state, may be NULL) gets what the build read. */
const char *rc_test_load_file(apr_pool_t *p, const char *path, apr_array_header_t *files,
                              rc_data **out);

/* Text t of d in language lang, with the default language's as fallback; "" for none. */
const char *rc_test_text(const rc_data *d, apr_uint32_t t, int lang);

#endif
