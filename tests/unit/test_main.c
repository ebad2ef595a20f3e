/* Unit-test runner: every suite in one SRunner (CK_NORMAL output), exit status 1 on any failure.
 * Check's own environment variables apply: CK_FORK, CK_RUN_SUITE, CK_RUN_CASE,
 * CK_DEFAULT_TIMEOUT, CK_TIMEOUT_MULTIPLIER. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>

#include "rc_build.h"
#include "rc_image.h"
#include "test_rc.h"

#ifndef RC_TOP_SRCDIR
#define RC_TOP_SRCDIR "."
#endif

/* Paths handed out by rc_test_fixture(), kept on a list reachable from a global so that they
 * are freed by exit and never reported as leaks by LeakSanitizer; malloc because tests may
 * call it before or after any APR pool exists. */
struct fixture_path {
    struct fixture_path *next;
    char *name;
    char *path;
};
static struct fixture_path *fixture_paths;

const char *rc_test_fixture(const char *name)
{
    const char *dir = getenv("RC_TEST_FIXTURES");
    struct fixture_path *fp;
    size_t len;

    for (fp = fixture_paths; fp; fp = fp->next) {
        if (strcmp(fp->name, name) == 0) {
            return fp->path;
        }
    }
    if (dir == NULL || *dir == '\0') {
        dir = RC_TOP_SRCDIR "/tests/unit/fixtures";
    }
    fp = malloc(sizeof(*fp));
    len = strlen(dir) + 1 + strlen(name) + 1;
    if (fp == NULL || (fp->path = malloc(len)) == NULL || (fp->name = strdup(name)) == NULL) {
        fprintf(stderr, "rc_test_fixture: out of memory\n");
        abort();
    }
    snprintf(fp->path, len, "%s/%s", dir, name);
    fp->next = fixture_paths;
    fixture_paths = fp;
    return fp->path;
}

/* The image built into w, checked, opened; NULL and *out NULL on a build error. */
static const char *open_built(apr_pool_t *p, const char *err, rc_imgw *w, rc_data **out)
{
    const rc_image *img;
    const char *bad;

    *out = NULL;
    if (err)
        return err;
    img = rc_imgw_image(w);
    ck_assert_msg(img != NULL, "the build succeeded but gave no image");
    bad = rc_image_check(img->base, img->size);
    ck_assert_msg(bad == NULL, "a fresh image fails rc_image_check: %s", bad);
    *out = rc_data_open(p, img);
    return NULL;
}

const char *rc_test_load(apr_pool_t *p, const char *name, const char *json, apr_size_t len,
                         rc_data **out)
{
    rc_imgw *w = rc_imgw_memory(p);
    return open_built(p, rc_build_buffer(p, name, json, len, w), w, out);
}

const char *rc_test_load_file(apr_pool_t *p, const char *path, apr_array_header_t *files,
                              rc_data **out)
{
    rc_imgw *w = rc_imgw_memory(p);
    return open_built(p, rc_build_file(p, path, w, files), w, out);
}

const char *rc_test_text(const rc_data *d, apr_uint32_t t, int lang)
{
    const char *s = rc_str(d, rc_text(d, t, lang, NULL));
    return s ? s : "";
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "test_rc: apr_initialize failed\n");
        return EXIT_FAILURE;
    }
    atexit(apr_terminate);

    sr = srunner_create(rc_text_suite());
    srunner_add_suite(sr, rc_date_suite());
    srunner_add_suite(sr, rc_data_suite());
    srunner_add_suite(sr, rc_route_suite());
    srunner_add_suite(sr, rc_query_suite());
    srunner_add_suite(sr, rc_filter_suite());
    srunner_add_suite(sr, rc_render_suite());
    srunner_add_suite(sr, rc_index_suite());
    srunner_add_suite(sr, rc_render_es_suite());
    srunner_add_suite(sr, rc_i18n_suite());
    srunner_add_suite(sr, rc_words_suite());
    srunner_add_suite(sr, rc_image_suite());
    srunner_add_suite(sr, rc_cache_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
