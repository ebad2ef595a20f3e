/* rootcauses-check DATAFILE: checks a data file without httpd, with the module's own loader:
 * the same messages as `httpd -t`, and when the file is valid a summary line per collection.
 * Exit status 0 when valid, 1 when invalid, 2 on a usage error. For editors who keep the data
 * file in version control and want a broken edit refused before it reaches a server. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <apr_file_info.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "rc_build.h"
#include "rc_data.h"

static const char usage[] =
    "Usage: rootcauses-check [--quiet] DATAFILE\n"
    "Checks a mod_rootcauses data file as httpd would load it (page files included).\n"
    "Prints the first error, as `httpd -t` does, and exits 1; or, when the file is valid,\n"
    "a summary line per collection (items, date range, countries) and exits 0.\n"
    "  --quiet     print nothing when the file is valid\n"
    "  --help      this text\n"
    "  --version   the module's version\n";

/* "GT, HN, SV": the codes of the countries the collection's items name, in declared order. */
static const char *countries_of(apr_pool_t *p, const rc_data *d, const rc_collection *col)
{
    char *seen = apr_pcalloc(p, (apr_size_t)d->ncountries + 1);
    const char *s = "";
    for (int i = 0; i < col->nitems; i++) {
        const apr_uint16_t *c = rc_item_countries(d, &col->items[i]);
        for (int k = 0; k < col->items[i].ncountries; k++)
            seen[c[k]] = 1;
    }
    for (int i = 0; i < d->ncountries; i++)
        if (seen[i])
            s = apr_pstrcat(p, s, *s ? ", " : "", d->countries[i].code, NULL);
    return *s ? s : "none";
}

static void summary(apr_pool_t *p, const rc_data *d)
{
    const char *langs = "";
    for (int l = 0; l < d->nlang; l++)
        langs = apr_pstrcat(p, langs, l ? ", " : "", d->langs[l], NULL);
    printf("%s: valid: %d page%s, %d collection%s, %d item%s, language%s %s\n", d->path, d->npages,
           d->npages == 1 ? "" : "s", d->ncollections, d->ncollections == 1 ? "" : "s",
           d->nitems, d->nitems == 1 ? "" : "s", d->nlang == 1 ? "" : "s", langs);
    for (int i = 0; i < d->ncollections; i++) {
        const rc_collection *col = &d->collections[i];
        if (!col->nitems) {
            printf("%s: 0 items\n", col->slug);
            continue;
        }
        /* newest first: the last item starts first */
        printf("%s: %d item%s, %s to %s, countries %s\n", col->slug, col->nitems,
               col->nitems == 1 ? "" : "s", rc_str(d, col->items[col->nitems - 1].date),
               rc_str(d, col->items[0].date), countries_of(p, d, col));
    }
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    const char *file = NULL, *err;
    char *path;
    int quiet = 0;
    rc_imgw *w;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--version")) {
            printf("rootcauses-check (mod_rootcauses) %s\n", PACKAGE_VERSION);
            return 0;
        }
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
            quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "rootcauses-check: unknown option %s\n%s", argv[i], usage);
            return 2;
        }
        else if (file) {
            fprintf(stderr, "rootcauses-check: one data file at a time\n%s", usage);
            return 2;
        }
        else
            file = argv[i];
    }
    if (!file) {
        fputs(usage, stderr);
        return 2;
    }
    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS ||
        apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fputs("rootcauses-check: cannot initialise APR\n", stderr);
        return 2;
    }
    /* httpd names the file by its absolute path; relative page files are relative to it */
    if (apr_filepath_merge(&path, NULL, file, APR_FILEPATH_TRUENAME, p) != APR_SUCCESS)
        path = apr_pstrdup(p, file);
    w = rc_imgw_memory(p);
    if ((err = rc_build_file(p, path, w, NULL)) != NULL) {
        fprintf(stderr, "%s\n", err);
        apr_terminate();
        return 1;
    }
    if (!quiet)
        summary(p, rc_data_open(p, rc_imgw_image(w)));
    apr_pool_destroy(p);
    apr_terminate();
    return 0;
}
