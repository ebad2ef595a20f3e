/* libFuzzer harness: the bytes are a data file (docs/REFERENCE.md "The data file") loaded with
 * rc_data_load_buffer. A file that loads must be consistent, render every page, listing and item in
 * every format, route every path it names, and find each item by its own title, date, country and
 * kind; a file that does not load must say why in a non-empty UTF-8 message naming the file. */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#define NAME "fuzz.json"
/* Items per collection that get the expensive checks (own page, routes, search). */
#define MAX_ITEM_CHECKS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    fuzz_router();
    return 0;
}

static void check_order(const rc_collection *col, const int *order, int asc)
{
    char *seen = calloc((size_t)col->nitems + 1, 1);
    FUZZ_CHECK(seen, "calloc");
    for (int i = 0; i < col->nitems; i++) {
        FUZZ_CHECK(order[i] >= 0 && order[i] < col->nitems && !seen[order[i]],
                   "%s: order is not a permutation", col->slug);
        seen[order[i]] = 1;
        if (i) {
            const rc_item *a = &col->items[order[i - 1]], *b = &col->items[order[i]];
            int by_date = asc ? a->date.start < b->date.start : a->date.start > b->date.start;
            FUZZ_CHECK(by_date || (a->date.start == b->date.start && strcmp(a->id, b->id) < 0),
                       "%s: %s before %s", col->slug, a->id, b->id);
        }
    }
    free(seen);
}

static void check_structure(const rc_data *d)
{
    FUZZ_CHECK(d->title && *d->title, "no title");
    FUZZ_CHECK(d->nnav == d->npages + d->ncollections, "nav has %d of %d + %d", d->nnav,
               d->npages, d->ncollections);
    FUZZ_CHECK(rc_data_nav(d, "index") && rc_data_nav(d, "index")->page, "no index page");
    FUZZ_CHECK(!rc_data_nav(d, "assets"), "assets is a slug");
    for (int i = 0; i < d->ncountries; i++) {
        const rc_country *ct = &d->countries[i];
        FUZZ_CHECK(strlen(ct->code) == 2 && ct->code[0] >= 'A' && ct->code[0] <= 'Z' &&
                       ct->code[1] >= 'A' && ct->code[1] <= 'Z',
                   "country code \"%s\"", ct->code);
        FUZZ_CHECK(rc_data_country(d, ct->code) == i, "country %s twice", ct->code);
        FUZZ_CHECK(*ct->name && ct->folded, "country %s name", ct->code);
    }
    for (int i = 0; i < d->nnav; i++) {
        const rc_nav *nav = &d->nav[i];
        const rc_nav *by_slug = rc_data_nav(d, nav->slug);
        FUZZ_CHECK(rc_slug_valid(nav->slug), "slug \"%s\"", nav->slug);
        FUZZ_CHECK(!nav->page != !nav->collection, "nav %s: page and collection", nav->slug);
        FUZZ_CHECK(by_slug && by_slug->page == nav->page &&
                       by_slug->collection == nav->collection,
                   "nav %s not found by its slug", nav->slug);
    }
    for (int c = 0; c < d->ncollections; c++) {
        const rc_collection *col = &d->collections[c];
        int min = 0, max = 0;
        FUZZ_CHECK(strcmp(col->slug, "index"), "a collection named index");
        check_order(col, col->by_date_desc, 0);
        check_order(col, col->by_date_asc, 1);
        for (int k = 0; k < col->nkinds; k++)
            FUZZ_CHECK(rc_slug_valid(col->kinds[k]) &&
                           (k == 0 || strcmp(col->kinds[k - 1], col->kinds[k]) < 0),
                       "%s: kinds not sorted and distinct", col->slug);
        for (int i = 0; i < col->nitems; i++) {
            const rc_item *it = &col->items[i];
            rc_date again;
            FUZZ_CHECK(rc_slug_valid(it->id) && *it->title && it->folded, "%s: item %d",
                       col->slug, i);
            FUZZ_CHECK(apr_hash_get(col->by_id, it->id, APR_HASH_KEY_STRING) == it,
                       "%s/%s: not found by id", col->slug, it->id);
            FUZZ_CHECK(!rc_date_parse(it->date_text, &again) && again.start == it->date.start &&
                           again.end == it->date.end && it->date.start <= it->date.end &&
                           it->date.year >= 1,
                       "%s/%s: date %s", col->slug, it->id, it->date_text);
            FUZZ_CHECK(it->ncountries >= 1, "%s/%s: no country", col->slug, it->id);
            for (int j = 0; j < it->ncountries; j++)
                FUZZ_CHECK(it->countries[j] >= 0 && it->countries[j] < d->ncountries,
                           "%s/%s: country index %d", col->slug, it->id, it->countries[j]);
            for (int j = 0; j < it->npersons; j++)
                FUZZ_CHECK(it->persons[j].country >= -1 &&
                               it->persons[j].country < d->ncountries,
                           "%s/%s: person's country", col->slug, it->id);
            for (int j = 0; j < it->ndocuments; j++)
                FUZZ_CHECK(it->documents[j].bytes >= -1, "%s/%s: bytes", col->slug, it->id);
            if (it->kind) {
                int found = 0;
                for (int k = 0; k < col->nkinds; k++)
                    found |= !strcmp(col->kinds[k], it->kind);
                FUZZ_CHECK(found, "%s/%s: kind %s not in the kinds", col->slug, it->id, it->kind);
            }
            if (!min || it->date.year < min)
                min = it->date.year;
            if (it->date.year > max)
                max = it->date.year;
        }
        FUZZ_CHECK(col->min_year == min && col->max_year == max, "%s: years %d..%d, not %d..%d",
                   col->slug, col->min_year, col->max_year, min, max);
    }
}

/* The path routes to what it names. */
static void route_to(apr_pool_t *p, const rc_router *rt, const rc_data *d, const char *path,
                     rc_route_kind kind, rc_format format, const void *target)
{
    rc_route r;
    rc_route_path(rt, d, p, path, &r);
    FUZZ_CHECK(r.kind == kind && (kind == RC_REDIRECT || r.format == format),
               "\"%s\" routes to kind %d format %d, expected %d %d", path, (int)r.kind,
               (int)r.format, (int)kind, (int)format);
    switch (kind) {
    case RC_PAGE:
        FUZZ_CHECK(r.page == target, "\"%s\": another page", path);
        break;
    case RC_LISTING:
        FUZZ_CHECK(r.collection == target, "\"%s\": another collection", path);
        break;
    case RC_ITEM:
        FUZZ_CHECK(r.item == target, "\"%s\": another item", path);
        break;
    default:
        break;
    }
}

/* Whether a visitor can give s as a value: query values may not hold control characters other
 * than white space (C0, DEL, C1), which a data file's strings may. */
static int typeable(const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if ((*u < 0x20 && !strchr("\t\n\v\f\r", *u)) || *u == 0x7F ||
            (*u == 0xC2 && u[1] >= 0x80 && u[1] < 0xA0))
            return 0;
    return 1;
}

/* A q value for s, or "" when s cannot be one: too long (or too long to keep two of them and the
 * rest within RC_MAX_QUERY_BYTES once %-encoded), or not typeable. */
static const char *q_param(apr_pool_t *p, const char *s)
{
    const char *e;
    if (rc_utf8_length(s, strlen(s)) > RC_Q_MAX_CHARS || !typeable(s))
        return "";
    e = rc_escape_query(p, s);
    return strlen(e) > RC_MAX_QUERY_BYTES / 2 - 200 ? "" : apr_pstrcat(p, "&q=", e, NULL);
}

/* A visitor who types an item's own title (or a person's name or position), date, a country
 * (its code or its name) and kind finds it. */
static void find_item(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                      const rc_item *it, int variant)
{
    const rc_country *ct = &d->countries[it->countries[variant % it->ncountries]];
    /* a name with a comma cannot be given (the list is split on commas); one of two letters
     * is read as a code first */
    int by_name = variant % 2 && !strchr(ct->name, ',') && strlen(ct->name) != 2 &&
                  typeable(ct->name);
    const char *args = apr_pstrcat(
        p, "country=", rc_escape_query(p, by_name ? ct->name : ct->code), "&from=", it->date_text,
        "&to=", it->date_text, it->kind ? "&kind=" : "", it->kind ? it->kind : "", NULL);
    rc_query *q;
    rc_result *r;
    int found = 0;

    if (variant % 3 == 2 && it->npersons) {
        const rc_person *pe = &it->persons[variant % it->npersons];
        args = apr_pstrcat(p, args, q_param(p, pe->name),
                           pe->position ? q_param(p, pe->position) : "", NULL);
    }
    else
        args = apr_pstrcat(p, args, q_param(p, variant % 3 == 1 && it->summary ? it->summary
                                                                                : it->title),
                           NULL);
    q = rc_query_parse(p, d, col, args, 100);
    FUZZ_CHECK(!q->errors->nelts, "%s/%s: \"%s\": %s", col->slug, it->id, args,
               APR_ARRAY_IDX(q->errors, 0, rc_query_error).message);
    r = fuzz_filter(p, d, col, q, -1, 0, RC_ALL);
    for (int k = 0; k < r->nids; k++)
        found |= &col->items[r->ids[k]] == it;
    FUZZ_CHECK(found, "%s/%s is not found by \"%s\"", col->slug, it->id, args);
}

static void check_loaded(apr_pool_t *p, rc_data *d)
{
    const rc_router *rt = fuzz_router();
    rc_site site;
    fuzz_out fo;
    const char *s;
    apr_size_t n;

    check_structure(d);
    rc_render_prepare(d);
    rc_site_init(p, &site, d, fuzz_layout(), "/rootcauses", "https://example.org");

    for (int i = 0; i < d->npages; i++) {
        const rc_page *pg = &d->pages[i];
        fuzz_out_begin(&fo, p, 0);
        rc_html_page(&fo.out, &site, pg);
        s = fuzz_out_end(&fo, &n);
        fuzz_check_html("a page", s, n);
        if (strcmp(pg->slug, "index"))
            route_to(p, rt, d, apr_pstrcat(p, "/", pg->slug, NULL), RC_PAGE, RC_HTML, pg);
        else
            route_to(p, rt, d, "/", RC_PAGE, RC_HTML, pg);
    }

    for (int c = 0; c < d->ncollections; c++) {
        const rc_collection *col = &d->collections[c];
        rc_query *q = rc_query_parse(p, d, col, NULL, 20);
        const char *base = apr_pstrcat(p, "/", col->slug, NULL);
        FUZZ_CHECK(!q->errors->nelts, "%s: the empty query has an error", col->slug);
        fuzz_render_listing(p, &site, col, q);
        route_to(p, rt, d, base, RC_LISTING, RC_HTML, col);
        route_to(p, rt, d, apr_pstrcat(p, base, ".json", NULL), RC_LISTING, RC_JSON, col);
        route_to(p, rt, d, apr_pstrcat(p, base, ".csv", NULL), RC_LISTING, RC_CSV, col);
        route_to(p, rt, d, apr_pstrcat(p, base, ".atom", NULL), RC_LISTING, RC_ATOM, col);

        for (int i = 0; i < col->nitems && i < MAX_ITEM_CHECKS; i++) {
            const rc_item *it = &col->items[i];
            const char *path = apr_pstrcat(p, base, "/", it->id, NULL);
            json_t *root;
            const char *url;

            fuzz_out_begin(&fo, p, 0);
            rc_html_item(&fo.out, &site, col, it);
            s = fuzz_out_end(&fo, &n);
            fuzz_check_html("an item page", s, n);

            fuzz_out_begin(&fo, p, 0);
            rc_json_item(&fo.out, &site, it);
            s = fuzz_out_end(&fo, &n);
            root = fuzz_check_json("an item's JSON", s, n);
            url = json_string_value(json_object_get(root, "url"));
            FUZZ_CHECK(!strcmp(json_string_value(json_object_get(root, "id")), it->id) &&
                           !strcmp(json_string_value(json_object_get(root, "title")), it->title) &&
                           !strcmp(json_string_value(json_object_get(root, "date")),
                                   it->date_text) &&
                           (int)json_array_size(json_object_get(root, "countries")) ==
                               it->ncountries,
                           "%s: JSON differs from the item: %s", path, s);
            FUZZ_CHECK(url && !strcmp(url, apr_pstrcat(p, site.base_url, path, NULL)),
                       "%s: url %s", path, url ? url : "(none)");
            json_decref(root);

            route_to(p, rt, d, path, RC_ITEM, RC_HTML, it);
            route_to(p, rt, d, apr_pstrcat(p, path, ".json", NULL), RC_ITEM, RC_JSON, it);
            route_to(p, rt, d, apr_pstrcat(p, path, "/", NULL), RC_REDIRECT, RC_HTML, NULL);
            find_item(p, d, col, it, i);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_new();
    rc_data *d = NULL;
    const char *err = rc_data_load_buffer(p, NAME, (const char *)data, size, &d);

    if (err) {
        FUZZ_CHECK(!d, "an error and a data set");
        FUZZ_CHECK(*err, "an empty error message");
        fuzz_check_utf8("the load error message", err, strlen(err));
        FUZZ_CHECK(!strncmp(err, NAME ":", strlen(NAME ":")),
                   "the message does not name the file: %s", err);
    }
    else {
        FUZZ_CHECK(d, "no error and no data set");
        check_loaded(p, d);
    }
    apr_pool_destroy(p);
    return 0;
}
