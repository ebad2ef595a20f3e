/* libFuzzer harness: the bytes are a data file (docs/REFERENCE.md "The data file") built with rc_build_buffer into an image
 * that rc_image_check accepts and rc_data_open reads. A file that builds must be consistent,
 * render every page, listing and item in every format and language, route every path it names
 * in every language, and find each item by its own title, date, country and kind; a file that
 * does not build must say why in a non-empty UTF-8 message naming the file. */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "rc_words.h"

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

/* Text t of d is there in the default language (when required) and valid UTF-8 in every
 * language it has. */
static void check_text(const rc_data *d, apr_uint32_t t, int required, const char *what)
{
    const apr_uint32_t *table;
    if (!t) {
        FUZZ_CHECK(!required, "%s: no text", what);
        return;
    }
    table = RC_AT(&d->img, apr_uint32_t, t);
    FUZZ_CHECK(table[0] || !required, "%s: no text in the default language", what);
    for (int l = 0; l < d->nlang; l++)
        if (table[l]) {
            const rc_img_str *str = rc_data_str(d, table[l]);
            FUZZ_CHECK(str->len > 0 && str->s[str->len] == '\0' && strlen(str->s) == str->len,
                       "%s in %s: length", what, d->langs[l]);
            fuzz_check_utf8(what, str->s, str->len);
        }
}

static int before(const rc_data *d, const rc_item *a, const rc_item *b)
{
    return a->start > b->start || (a->start == b->start && strcmp(rc_str(d, a->id),
                                                                   rc_str(d, b->id)) < 0);
}

static void check_structure(const rc_data *d)
{
    FUZZ_CHECK(d->nlang >= 1 && d->langs[0], "no language");
    for (int l = 0; l < d->nlang; l++) {
        FUZZ_CHECK(strlen(d->langs[l]) == 2 && d->langs[l][0] >= 'a' && d->langs[l][0] <= 'z' &&
                       d->langs[l][1] >= 'a' && d->langs[l][1] <= 'z',
                   "language \"%s\"", d->langs[l]);
        FUZZ_CHECK(rc_data_lang(d, d->langs[l]) == l, "language %s twice", d->langs[l]);
        /* a declared language code is no slug */
        FUZZ_CHECK(!rc_data_nav(d, d->langs[l]), "language %s is a slug", d->langs[l]);
    }
    check_text(d, d->title, 1, "the site's title");
    FUZZ_CHECK(d->nnav == d->npages + d->ncollections, "nav has %d of %d + %d", d->nnav,
               d->npages, d->ncollections);
    FUZZ_CHECK(rc_data_nav(d, "index") && rc_data_nav(d, "index")->page, "no index page");
    FUZZ_CHECK(!rc_data_nav(d, "assets") && !rc_data_nav(d, "openapi") &&
                   !rc_data_nav(d, "sitemap"),
               "a reserved slug");
    for (int i = 0; i < d->ncountries; i++) {
        const rc_country *ct = &d->countries[i];
        FUZZ_CHECK(strlen(ct->code) == 2 && ct->code[0] >= 'A' && ct->code[0] <= 'Z' &&
                       ct->code[1] >= 'A' && ct->code[1] <= 'Z',
                   "country code \"%s\"", ct->code);
        FUZZ_CHECK(rc_data_country(d, ct->code) == i, "country %s twice", ct->code);
        check_text(d, ct->name, 1, "a country's name");
        FUZZ_CHECK(ct->folded && ct->folded[0], "country %s: no folded name", ct->code);
    }
    for (int i = 0; i < d->npages; i++) {
        check_text(d, d->pages[i].title, 1, "a page's title");
        check_text(d, d->pages[i].nav, 0, "a page's nav");
        FUZZ_CHECK(d->pages[i].body[0], "page %s: no body", d->pages[i].slug);
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
        char *seen = calloc((size_t)col->nitems + 1, 1);
        FUZZ_CHECK(seen, "calloc");
        FUZZ_CHECK(strcmp(col->slug, "index"), "a collection named index");
        check_text(d, col->title, 1, "a collection's title");
        check_text(d, col->nav, 0, "a collection's nav");
        for (int k = 0; k < col->nkinds; k++) {
            FUZZ_CHECK(rc_slug_valid(col->kinds[k].slug) &&
                           (k == 0 || strcmp(col->kinds[k - 1].slug, col->kinds[k].slug) < 0),
                       "%s: kinds not sorted and distinct", col->slug);
            check_text(d, col->kinds[k].label, 0, "a kind's label");
        }
        /* positions newest first; col->asc a permutation, oldest first; ties by id both ways */
        for (int i = 0; i < col->nitems; i++) {
            apr_uint32_t pos = col->asc[i];
            FUZZ_CHECK(pos < (apr_uint32_t)col->nitems && !seen[pos], "%s: asc is no permutation",
                       col->slug);
            seen[pos] = 1;
            if (i) {
                const rc_item *a = &col->items[col->asc[i - 1]], *b = &col->items[pos];
                FUZZ_CHECK(a->start < b->start ||
                               (a->start == b->start &&
                                strcmp(rc_str(d, a->id), rc_str(d, b->id)) < 0),
                           "%s: oldest first, %s before %s", col->slug, rc_str(d, a->id),
                           rc_str(d, b->id));
                FUZZ_CHECK(before(d, &col->items[i - 1], &col->items[i]),
                           "%s: newest first, %s before %s", col->slug,
                           rc_str(d, col->items[i - 1].id), rc_str(d, col->items[i].id));
            }
        }
        free(seen);
        for (int i = 0; i < col->nitems; i++) {
            const rc_item *it = &col->items[i];
            const char *id = rc_str(d, it->id);
            const apr_uint16_t *countries = rc_item_countries(d, it);
            rc_date again;
            FUZZ_CHECK(rc_slug_valid(id), "%s: item %d", col->slug, i);
            check_text(d, it->title, 1, "an item's title");
            check_text(d, it->summary, 0, "an item's summary");
            FUZZ_CHECK(rc_item_find(d, col, id) == i, "%s/%s: not found by id", col->slug, id);
            FUZZ_CHECK(!rc_date_parse(rc_str(d, it->date), &again) && again.start == it->start &&
                           again.end == it->end && it->start <= it->end && again.year >= 1,
                       "%s/%s: date %s", col->slug, id, rc_str(d, it->date));
            FUZZ_CHECK(it->ncountries >= 1, "%s/%s: no country", col->slug, id);
            for (int j = 0; j < it->ncountries; j++)
                FUZZ_CHECK(countries[j] < d->ncountries, "%s/%s: country index %d", col->slug, id,
                           countries[j]);
            for (int j = 0; j < it->npersons; j++) {
                const rc_img_person *pe = &rc_item_persons(d, it)[j];
                FUZZ_CHECK(pe->country >= -1 && pe->country < d->ncountries,
                           "%s/%s: person's country", col->slug, id);
                FUZZ_CHECK(pe->name && *rc_str(d, pe->name), "%s/%s: person's name", col->slug,
                           id);
                check_text(d, pe->position, 0, "a position");
            }
            for (int j = 0; j < it->ndocuments; j++) {
                const rc_img_document *doc = &rc_item_documents(d, it)[j];
                FUZZ_CHECK(doc->bytes >= -1 && doc->bytes <= APR_INT64_C(9007199254740992),
                           "%s/%s: bytes", col->slug, id);
                check_text(d, doc->title, 1, "a document's title");
                FUZZ_CHECK(*rc_str(d, doc->href), "%s/%s: href", col->slug, id);
            }
            FUZZ_CHECK(it->kind >= -1 && it->kind < col->nkinds, "%s/%s: kind %d", col->slug, id,
                       it->kind);
            if (!min || it->start / 10000 < min)
                min = it->start / 10000;
            if (it->start / 10000 > max)
                max = it->start / 10000;
        }
        FUZZ_CHECK(col->min_year == min && col->max_year == max, "%s: years %d..%d, not %d..%d",
                   col->slug, col->min_year, col->max_year, min, max);
    }
}

/* The path routes to what it names, in language lang. */
static void route_to(apr_pool_t *p, const rc_router *rt, const rc_data *d, const char *path,
                     rc_route_kind kind, rc_format format, const void *target, int lang)
{
    rc_route r;
    rc_route_path(rt, d, p, path, &r);
    FUZZ_CHECK(r.kind == kind && (kind == RC_REDIRECT || r.format == format),
               "\"%s\" routes to kind %d format %d, expected %d %d", path, (int)r.kind,
               (int)r.format, (int)kind, (int)format);
    FUZZ_CHECK(r.lang == lang, "\"%s\" routes to language %d, expected %d", path, r.lang, lang);
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
 * rest within RC_MAX_QUERY_BYTES once %-encoded), not typeable, or of more distinct words than
 * a q may have. */
static const char *q_param(apr_pool_t *p, const char *s)
{
    const char *e;
    int n;
    if (!s || rc_utf8_length(s, strlen(s)) > RC_Q_MAX_CHARS || !typeable(s))
        return "";
    rc_words_split(p, rc_fold(p, s, strlen(s)), &n);
    if (n > RC_Q_MAX_WORDS / 2)
        return "";
    e = rc_escape_query(p, s);
    return strlen(e) > RC_MAX_QUERY_BYTES / 2 - 200 ? "" : apr_pstrcat(p, "&q=", e, NULL);
}

/* Whether name (folded) names country c and no other, in any language. */
static int names_only(apr_pool_t *p, const rc_data *d, const char *name, int c)
{
    const char *f = rc_fold(p, name, strlen(name));
    for (int i = 0; i < d->ncountries; i++)
        for (int l = 0; l < d->nlang; l++) {
            const char *other = rc_str(d, d->countries[i].folded[l]);
            if (i != c && other && !strcmp(other, f))
                return 0;
        }
    return 1;
}

/* A visitor who types an item's own title (or summary, or a person's name and position, in any
 * language), date, a country (its code or its name) and kind finds it. */
static void find_item(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                      const rc_item *it, int variant, const rc_msgs *m)
{
    const apr_uint16_t *codes = rc_item_countries(d, it);
    int ci = codes[variant % it->ncountries], lang = variant % d->nlang;
    const rc_country *ct = &d->countries[ci];
    const char *name = rc_str(d, rc_text(d, ct->name, lang, NULL));
    const char *date = rc_str(d, it->date);
    /* a name with a comma cannot be given (the list is split on commas); one of two letters
     * is read as a code first; one that another country has too finds that one */
    int by_name = variant % 2 && !strchr(name, ',') && strlen(name) != 2 && typeable(name) &&
                  names_only(p, d, name, ci);
    const char *args = apr_pstrcat(
        p, "country=", rc_escape_query(p, by_name ? name : ct->code), "&from=", date, "&to=",
        date, it->kind >= 0 ? "&kind=" : "", it->kind >= 0 ? col->kinds[it->kind].slug : "",
        NULL);
    rc_query *q;
    rc_result *r;
    int found = 0;

    if (variant % 3 == 2 && it->npersons) {
        const rc_img_person *pe = &rc_item_persons(d, it)[variant % it->npersons];
        args = apr_pstrcat(p, args, q_param(p, rc_str(d, pe->name)),
                           q_param(p, rc_str(d, rc_text(d, pe->position, lang, NULL))), NULL);
    }
    else
        args = apr_pstrcat(p, args, q_param(p, rc_str(d, rc_text(d, variant % 3 == 1 &&
                                                                         it->summary
                                                                     ? it->summary
                                                                     : it->title,
                                                                 lang, NULL))),
                           NULL);
    q = rc_query_parse(p, d, col, args, 100, m);
    FUZZ_CHECK(!q->errors->nelts, "%s/%s: \"%s\": %s", col->slug, rc_str(d, it->id), args,
               APR_ARRAY_IDX(q->errors, 0, rc_query_error).message);
    r = fuzz_filter(p, d, col, q, -1, 0, RC_ALL);
    for (int k = 0; k < r->nids; k++)
        found |= &col->items[r->ids[k]] == it;
    FUZZ_CHECK(found, "%s/%s is not found by \"%s\"", col->slug, rc_str(d, it->id), args);
}

/* The path of something below language l's home. */
static const char *in_lang(apr_pool_t *p, const rc_data *d, int l, const char *path)
{
    return l ? apr_pstrcat(p, "/", d->langs[l], path, NULL) : path;
}

static void check_loaded(apr_pool_t *p, rc_data *d)
{
    const rc_router *rt = fuzz_router();
    fuzz_out fo;
    const char *s;
    apr_size_t n;

    check_structure(d);

    for (int l = 0; l < d->nlang; l++) {
        rc_site site;
        fuzz_site(p, &site, d, "/rootcauses", l, "https://example.org");

        for (int i = 0; i < d->npages; i++) {
            const rc_page *pg = &d->pages[i];
            int index = !strcmp(pg->slug, "index");
            site.here = index ? "/" : apr_pstrcat(p, "/", pg->slug, NULL);
            fuzz_out_begin(&fo, p, 0);
            rc_html_page(&fo.out, &site, pg);
            s = fuzz_out_end(&fo, &n);
            fuzz_check_html("a page", s, n);
            route_to(p, rt, d, in_lang(p, d, l, site.here), RC_PAGE, RC_HTML, pg, l);
        }

        for (int c = 0; c < d->ncollections; c++) {
            const rc_collection *col = &d->collections[c];
            rc_query *q = rc_query_parse(p, d, col, NULL, 20, site.m);
            const char *base = in_lang(p, d, l, apr_pstrcat(p, "/", col->slug, NULL));
            FUZZ_CHECK(!q->errors->nelts, "%s: the empty query has an error", col->slug);
            site.here = apr_pstrcat(p, "/", col->slug, NULL);
            fuzz_render_listing(p, &site, col, q);
            route_to(p, rt, d, base, RC_LISTING, RC_HTML, col, l);
            route_to(p, rt, d, apr_pstrcat(p, base, ".json", NULL), RC_LISTING, RC_JSON, col, l);
            route_to(p, rt, d, apr_pstrcat(p, base, ".csv", NULL), RC_LISTING, RC_CSV, col, l);
            route_to(p, rt, d, apr_pstrcat(p, base, ".atom", NULL), RC_LISTING, RC_ATOM, col, l);

            for (int i = 0; i < col->nitems && i < MAX_ITEM_CHECKS; i++) {
                const rc_item *it = &col->items[i];
                const char *id = rc_str(d, it->id);
                const char *path = apr_pstrcat(p, base, "/", id, NULL);
                json_t *root;
                const char *url;

                site.here = apr_pstrcat(p, "/", col->slug, "/", id, NULL);
                fuzz_out_begin(&fo, p, 0);
                rc_html_item(&fo.out, &site, col, it);
                s = fuzz_out_end(&fo, &n);
                fuzz_check_html("an item page", s, n);

                fuzz_out_begin(&fo, p, 0);
                rc_json_item(&fo.out, &site, col, it);
                s = fuzz_out_end(&fo, &n);
                root = fuzz_check_json("an item's JSON", s, n);
                url = json_string_value(json_object_get(root, "url"));
                FUZZ_CHECK(!strcmp(json_string_value(json_object_get(root, "id")), id) &&
                               !strcmp(json_string_value(json_object_get(root, "title")),
                                       rc_site_text(&site, it->title)) &&
                               !strcmp(json_string_value(json_object_get(root, "date")),
                                       rc_str(d, it->date)) &&
                               (int)json_array_size(json_object_get(root, "countries")) ==
                                   it->ncountries,
                           "%s: JSON differs from the item: %s", path, s);
                FUZZ_CHECK(url && !strcmp(url, apr_pstrcat(p, "/rootcauses", path, NULL)),
                           "%s: url %s", path, url ? url : "(none)");
                json_decref(root);

                route_to(p, rt, d, path, RC_ITEM, RC_HTML, it, l);
                route_to(p, rt, d, apr_pstrcat(p, path, ".json", NULL), RC_ITEM, RC_JSON, it, l);
                route_to(p, rt, d, apr_pstrcat(p, path, "/", NULL), RC_REDIRECT, RC_HTML, NULL,
                         l);
                find_item(p, d, col, it, i + l, site.m);
            }
        }
    }
    {
        /* the module's own addresses, once */
        rc_site site;
        fuzz_site(p, &site, d, "/rootcauses", 0, "https://example.org");
        fuzz_out_begin(&fo, p, 1);
        rc_sitemap(&fo.out, &site, 0);
        s = fuzz_out_end(&fo, &n);
        fuzz_check_xml(p, "the sitemap", s, n);
        fuzz_out_begin(&fo, p, 0);
        rc_openapi(&fo.out, &site);
        s = fuzz_out_end(&fo, &n);
        json_decref(fuzz_check_json("the OpenAPI description", s, n));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_new();
    rc_data *d = NULL;
    const char *err = fuzz_load(p, NAME, (const char *)data, size, &d);

    if (err) {
        FUZZ_CHECK(!d, "an error and a data set");
        FUZZ_CHECK(*err, "an empty error message");
        fuzz_check_utf8("the build error message", err, strlen(err));
        FUZZ_CHECK(!strncmp(err, NAME ":", strlen(NAME ":")),
                   "the message does not name the file: %s", err);
        /* once escaped for the log, a message is one line */
        FUZZ_CHECK(!strpbrk(rc_escape_log(p, err), "\r\n"), "a message of several lines");
    }
    else {
        FUZZ_CHECK(d, "no error and no data set");
        check_loaded(p, d);
    }
    apr_pool_destroy(p);
    return 0;
}
