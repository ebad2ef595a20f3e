/* Unit tests for rc_image and rc_build's writers: a data file goes into an image and comes back
 * out of rc_data_open field for field (the shipped htdocs/data.json and a generated data set),
 * written to memory or to a file, read at any address; and rc_image_check refuses every image
 * that is damaged, truncated, extended or from another build (docs/REFERENCE.md "Reloading and versions": never served). */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <jansson.h>

#include "test_rc.h"
#include "rc_build.h"
#include "rc_data.h"
#include "rc_image.h"

static apr_pool_t *pool;

static void setup(void)
{
    apr_pool_create(&pool, NULL);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static const char *shipped_path(void)
{
    const char *dir = getenv("RC_TEST_FIXTURES");
    /* the fixtures are tests/unit/fixtures of the source tree: the data file is two up */
    const char *fixtures = dir && *dir ? dir : RC_TOP_SRCDIR "/tests/unit/fixtures";
    return apr_pstrcat(pool, fixtures, "/../../../htdocs/data.json", NULL);
}

static char *read_all(const char *path, apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    char *buf;
    ck_assert_int_eq(apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, pool),
                     APR_SUCCESS);
    ck_assert_int_eq(apr_file_info_get(&fi, APR_FINFO_SIZE, f), APR_SUCCESS);
    buf = apr_palloc(pool, (apr_size_t)fi.size + 1);
    *len = (apr_size_t)fi.size;
    ck_assert_int_eq(apr_file_read_full(f, buf, *len, NULL), APR_SUCCESS);
    buf[*len] = '\0';
    apr_file_close(f);
    return buf;
}

/* ---- a data file and its image, field for field ---- */

/* The text t of d in each language equals the JSON text v (a string: the default language's
 * only; an object: one per language, missing ones absent). */
static void same_text(const rc_data *d, apr_uint32_t t, json_t *v, const char *what)
{
    const apr_uint32_t *table;
    ck_assert_msg(v != NULL, "%s: no JSON value", what);
    ck_assert_msg(t != 0, "%s: no text in the image", what);
    table = RC_AT(&d->img, apr_uint32_t, t);
    for (int l = 0; l < d->nlang; l++) {
        const char *want = json_is_string(v) ? (l == 0 ? json_string_value(v) : NULL)
                                             : json_string_value(json_object_get(v, d->langs[l]));
        const char *got = rc_str(d, table[l]);
        if (!want)
            ck_assert_msg(got == NULL, "%s in %s: \"%s\", expected none", what, d->langs[l], got);
        else
            ck_assert_msg(got && !strcmp(got, want), "%s in %s: \"%s\", expected \"%s\"", what,
                          d->langs[l], got ? got : "(none)", want);
    }
}

static void same_opt_text(const rc_data *d, apr_uint32_t t, json_t *v, const char *what)
{
    if (!v)
        ck_assert_msg(t == 0, "%s: a text where the data has none", what);
    else
        same_text(d, t, v, what);
}

/* Everything the data file says is in the image. */
static void same_as_json(const rc_data *d, json_t *root)
{
    json_t *langs = json_object_get(root, "languages"), *v;
    size_t i;

    ck_assert_int_eq(d->nlang, langs ? (int)json_array_size(langs) : 1);
    json_array_foreach(langs, i, v)
        ck_assert_str_eq(d->langs[i], json_string_value(v));
    same_text(d, d->title, json_object_get(root, "title"), "title");

    ck_assert_int_eq(d->ncountries, (int)json_array_size(json_object_get(root, "countries")));
    json_array_foreach(json_object_get(root, "countries"), i, v) {
        ck_assert_str_eq(d->countries[i].code, json_string_value(json_object_get(v, "code")));
        same_text(d, d->countries[i].name, json_object_get(v, "name"), "country name");
    }
    ck_assert_int_eq(d->npages, (int)json_array_size(json_object_get(root, "pages")));
    json_array_foreach(json_object_get(root, "pages"), i, v) {
        ck_assert_str_eq(d->pages[i].slug, json_string_value(json_object_get(v, "slug")));
        same_text(d, d->pages[i].title, json_object_get(v, "title"), "page title");
        same_opt_text(d, d->pages[i].nav, json_object_get(v, "nav"), "page nav");
        ck_assert_ptr_eq(rc_data_nav(d, d->pages[i].slug)->page, &d->pages[i]);
    }
    ck_assert_int_eq(d->ncollections, (int)json_array_size(json_object_get(root, "collections")));
    {
        int total = 0;
        json_t *jc;
        size_t c;
        json_array_foreach(json_object_get(root, "collections"), c, jc) {
            const rc_collection *col = &d->collections[c];
            json_t *items = json_object_get(jc, "items"), *ji;
            size_t k;
            ck_assert_str_eq(col->slug, json_string_value(json_object_get(jc, "slug")));
            same_text(d, col->title, json_object_get(jc, "title"), "collection title");
            same_opt_text(d, col->nav, json_object_get(jc, "nav"), "collection nav");
            ck_assert_int_eq(col->nitems, (int)json_array_size(items));
            total += col->nitems;
            json_array_foreach(items, k, ji) {
                const char *id = json_string_value(json_object_get(ji, "id"));
                int pos = rc_item_find(d, col, id);
                const rc_item *it;
                const apr_uint16_t *codes;
                json_t *jv;
                size_t j;
                ck_assert_msg(pos >= 0, "%s/%s is not in the image", col->slug, id);
                it = &col->items[pos];
                ck_assert_str_eq(rc_str(d, it->id), id);
                ck_assert_str_eq(rc_str(d, it->date), json_string_value(json_object_get(ji, "date")));
                same_text(d, it->title, json_object_get(ji, "title"), id);
                same_opt_text(d, it->summary, json_object_get(ji, "summary"), id);
                if ((jv = json_object_get(ji, "source")))
                    ck_assert_str_eq(rc_str(d, it->source), json_string_value(jv));
                else
                    ck_assert_uint_eq(it->source, 0);
                if ((jv = json_object_get(ji, "kind")))
                    ck_assert_str_eq(col->kinds[it->kind].slug, json_string_value(jv));
                else
                    ck_assert_int_eq(it->kind, -1);
                codes = rc_item_countries(d, it);
                ck_assert_int_eq(it->ncountries,
                                 (int)json_array_size(json_object_get(ji, "countries")));
                json_array_foreach(json_object_get(ji, "countries"), j, jv)
                    ck_assert_str_eq(d->countries[codes[j]].code, json_string_value(jv));
                ck_assert_int_eq(it->ndocuments,
                                 (int)json_array_size(json_object_get(ji, "documents")));
                json_array_foreach(json_object_get(ji, "documents"), j, jv) {
                    const rc_img_document *doc = &rc_item_documents(d, it)[j];
                    json_t *bytes = json_object_get(jv, "bytes");
                    same_text(d, doc->title, json_object_get(jv, "title"), "document title");
                    ck_assert_str_eq(rc_str(d, doc->href),
                                     json_string_value(json_object_get(jv, "href")));
                    ck_assert(doc->bytes == (bytes ? json_integer_value(bytes) : -1));
                }
                ck_assert_int_eq(it->npersons,
                                 (int)json_array_size(json_object_get(ji, "persons")));
                json_array_foreach(json_object_get(ji, "persons"), j, jv) {
                    const rc_img_person *pe = &rc_item_persons(d, it)[j];
                    json_t *country = json_object_get(jv, "country");
                    ck_assert_str_eq(rc_str(d, pe->name),
                                     json_string_value(json_object_get(jv, "name")));
                    same_opt_text(d, pe->position, json_object_get(jv, "position"), "position");
                    if (country)
                        ck_assert_str_eq(d->countries[pe->country].code,
                                         json_string_value(country));
                    else
                        ck_assert_int_eq(pe->country, -1);
                }
            }
            /* positions newest first, ties by id */
            for (int p = 1; p < col->nitems; p++) {
                const rc_item *a = &col->items[p - 1], *b = &col->items[p];
                ck_assert(a->start > b->start ||
                          (a->start == b->start &&
                           strcmp(rc_str(d, a->id), rc_str(d, b->id)) < 0));
            }
        }
        ck_assert_int_eq(d->nitems, total);
    }
}

START_TEST(shipped_data_round_trip)
{
    const char *path = shipped_path();
    apr_size_t len;
    char *text = read_all(path, &len);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    rc_data *d = NULL;
    const char *err = rc_test_load_file(pool, path, NULL, &d);

    ck_assert_msg(root != NULL, "htdocs/data.json: %s", jerr.text);
    ck_assert_msg(err == NULL, "%s", err);
    same_as_json(d, root);
    /* the shipped site: English and Spanish, every page in both */
    ck_assert_int_eq(d->nlang, 2);
    for (int i = 0; i < d->npages; i++) {
        ck_assert_uint_ne(d->pages[i].body[0], 0);
        ck_assert_uint_ne(d->pages[i].body[1], 0);
        ck_assert_uint_gt(rc_data_str(d, d->pages[i].body[1])->len, 0);
    }
    {
        /* the bodies are the page files, byte for byte */
        json_t *file = json_object_get(json_array_get(json_object_get(root, "pages"), 0), "file");
        const char *dir = apr_pstrndup(pool, path, strlen(path) - strlen("data.json"));
        apr_size_t n;
        const char *body = read_all(apr_pstrcat(pool, dir, json_string_value(json_object_get(
                                                          file, "es")), NULL), &n);
        ck_assert_uint_eq(rc_data_str(d, d->pages[0].body[1])->len, n);
        ck_assert_int_eq(memcmp(rc_str(d, d->pages[0].body[1]), body, n), 0);
    }
    /* the data file and every page file it names, once each */
    ck_assert_uint_eq(d->head->nfiles, 1 + 2 * (apr_uint32_t)d->npages);
    json_decref(root);
}
END_TEST

/* xorshift, fixed seed */
static unsigned rnd_state = 123456789u;
static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state % n;
}

/* A string of printable ASCII, accented letters, quotes, markup and control characters. */
static json_t *random_string(void)
{
    static const char *const pieces[] = {"a", "Z", "9", " ", "\"", "\\", "<", ">", "&", "'",
                                         "\xc3\xa9", "\xc3\x91", "\xe2\x80\x94", "\xf0\x9f\x98\x80",
                                         "\t", "\n", "\x01", "\xef\xac\x81", "-", "/"};
    char buf[64];
    apr_size_t n = 0;
    for (int i = 0, len = 1 + (int)rnd(12); i < len; i++) {
        const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
        memcpy(buf + n, p, strlen(p));
        n += strlen(p);
    }
    return json_stringn(buf, n);
}

static json_t *random_text(void)
{
    json_t *o;
    if (rnd(2))
        return random_string();
    o = json_object();
    json_object_set_new(o, "en", random_string());
    if (rnd(2))
        json_object_set_new(o, "es", random_string());
    return o;
}

START_TEST(generated_data_round_trip)
{
    json_t *root = json_object(), *countries = json_array(), *cols = json_array();
    char *text;
    rc_data *d = NULL;
    const char *err;

    json_object_set_new(root, "languages", json_pack("[s,s]", "en", "es"));
    json_object_set_new(root, "title", random_text());
    for (int c = 0; c < 30; c++)
        json_array_append_new(countries,
                              json_pack("{s:s,s:o}", "code",
                                        apr_psprintf(pool, "%c%c", 'A' + c / 26, 'A' + c % 26),
                                        "name", random_text()));
    json_object_set_new(root, "countries", countries);
    json_object_set_new(root, "pages", json_pack("[{s:s,s:o,s:s}]", "slug", "index", "title",
                                                 random_text(), "file", "index.html"));
    for (int c = 0; c < 3; c++) {
        json_t *items = json_array();
        for (int i = 0; i < 150 * c; i++) {
            json_t *it = json_object(), *cl = json_array();
            int y = 1990 + (int)rnd(40), m = 1 + (int)rnd(12), day = 1 + (int)rnd(28);
            json_object_set_new(it, "id", json_string(apr_psprintf(pool, "i%d", i)));
            json_object_set_new(it, "title", random_text());
            json_object_set_new(it, "date", json_string(rnd(3) == 0 ? apr_psprintf(pool, "%d", y)
                                                        : rnd(2) ? apr_psprintf(pool, "%d-%02d", y, m)
                                                        : apr_psprintf(pool, "%d-%02d-%02d", y, m, day)));
            for (int k = 0, n = 1 + (int)rnd(4); k < n; k++) {
                json_t *code = json_string(apr_psprintf(pool, "A%c", 'A' + k * 5 + (int)rnd(5)));
                json_array_append_new(cl, code);
            }
            json_object_set_new(it, "countries", cl);
            if (rnd(2))
                json_object_set_new(it, "kind", json_string(apr_psprintf(pool, "k%d", rnd(5))));
            if (rnd(2))
                json_object_set_new(it, "summary", random_text());
            if (rnd(3) == 0)
                json_object_set_new(it, "source",
                                    json_string(apr_psprintf(pool, "https://example.org/%d", i)));
            if (rnd(3) == 0) {
                json_t *docs = json_array();
                for (int k = 0, n = 1 + (int)rnd(3); k < n; k++) {
                    json_t *doc = json_pack("{s:o,s:s}", "title", random_text(), "href",
                                            apr_psprintf(pool, "files/%d/%d.pdf", i, k));
                    if (rnd(2))
                        json_object_set_new(doc, "bytes",
                                            json_integer(rnd(3) ? (json_int_t)rnd(100000000)
                                                                : (json_int_t)9007199254740992LL));
                    json_array_append_new(docs, doc);
                }
                json_object_set_new(it, "documents", docs);
            }
            if (rnd(3) == 0) {
                json_t *pe = json_pack("{s:o}", "name", random_string());
                if (rnd(2))
                    json_object_set_new(pe, "country", json_string("AB"));
                if (rnd(2))
                    json_object_set_new(pe, "position", random_text());
                json_object_set_new(it, "persons", json_pack("[o]", pe));
            }
            json_array_append_new(items, it);
        }
        json_array_append_new(cols, json_pack("{s:s,s:o,s:o}", "slug",
                                              apr_psprintf(pool, "c%d", c), "title",
                                              random_text(), "items", items));
    }
    json_object_set_new(root, "collections", cols);
    text = json_dumps(root, JSON_COMPACT);
    err = rc_test_load(pool, "generated.json", text, strlen(text), &d);
    free(text); /* jansson's malloc */
    ck_assert_msg(err == NULL, "%s", err);
    same_as_json(d, root);
    ck_assert_int_eq(d->nitems, 450);
    json_decref(root);
}
END_TEST

/* An image written to a file is the image written to memory, but for when and by whom. */
START_TEST(file_and_memory_images_agree)
{
    const char *path = shipped_path(), *tmp, *img_path;
    apr_file_t *f;
    rc_imgw *mem = rc_imgw_memory(pool), *fw;
    const rc_image *m;
    char *bytes;
    apr_size_t len;
    rc_img_header h1, h2;

    ck_assert_ptr_null(rc_build_file(pool, path, mem, NULL));
    m = rc_imgw_image(mem);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    img_path = apr_psprintf(pool, "%s/rc-test-%ld.img", tmp, (long)getpid());
    ck_assert_int_eq(apr_file_open(&f, img_path,
                                   APR_FOPEN_READ | APR_FOPEN_WRITE | APR_FOPEN_CREATE |
                                       APR_FOPEN_TRUNCATE | APR_FOPEN_BINARY,
                                   APR_FPROT_OS_DEFAULT, pool),
                     APR_SUCCESS);
    fw = rc_imgw_file(pool, f);
    ck_assert_ptr_null(rc_build_file(pool, path, fw, NULL));
    ck_assert_ptr_null(rc_imgw_image(fw)); /* a file writer hands out no image */
    ck_assert_ptr_null(rc_imgw_error(fw));
    apr_file_close(f);
    bytes = read_all(img_path, &len);
    apr_file_remove(img_path, pool);

    ck_assert_uint_eq(len, m->size);
    ck_assert_ptr_null(rc_image_check(bytes, len));
    ck_assert_int_eq(memcmp(bytes + sizeof(rc_img_header), m->base + sizeof(rc_img_header),
                            len - sizeof(rc_img_header)), 0);
    memcpy(&h1, bytes, sizeof(h1));
    memcpy(&h2, m->base, sizeof(h2));
    h1.built_at = h2.built_at = 0;
    h1.header_sum = h2.header_sum = 0;
    ck_assert_int_eq(memcmp(&h1, &h2, sizeof(h1)), 0);
}
END_TEST

/* Offsets, not pointers: a copy elsewhere in memory reads the same. */
START_TEST(image_reads_the_same_anywhere)
{
    rc_data *d1 = NULL, *d2;
    const char *err = rc_test_load_file(pool, shipped_path(), NULL, &d1);
    rc_image copy;
    char *buf;

    ck_assert_msg(err == NULL, "%s", err);
    buf = apr_palloc(pool, d1->img.size + 64);
    copy.base = buf + 16;
    copy.size = d1->img.size;
    memcpy(buf + 16, d1->img.base, d1->img.size);
    ck_assert_ptr_null(rc_image_check(copy.base, copy.size));
    d2 = rc_data_open(pool, &copy);
    ck_assert_str_eq(d2->hash, d1->hash);
    ck_assert_str_eq(d2->tag, d1->tag);
    ck_assert_int_eq(d2->nitems, d1->nitems);
    ck_assert_str_eq(rc_test_text(d2, d2->collections[1].items[3].title, 1),
                     rc_test_text(d1, d1->collections[1].items[3].title, 1));
    ck_assert_ptr_ne(rc_str(d2, d2->title), rc_str(d1, d1->title));
}
END_TEST

START_TEST(build_id_and_header)
{
    rc_data *d = NULL;
    ck_assert_ptr_null(rc_test_load_file(pool, shipped_path(), NULL, &d));
    ck_assert_int_eq(memcmp(d->head->magic, RC_IMG_MAGIC, 8), 0);
    ck_assert_uint_eq(d->head->format, RC_IMG_FORMAT);
    ck_assert_uint_eq(d->head->header_size, sizeof(rc_img_header));
    ck_assert_str_eq(d->head->build_id, rc_build_id);
    ck_assert_uint_gt(strlen(rc_build_id), 0);
    ck_assert_uint_lt(strlen(rc_build_id), RC_IMG_BUILD_ID_LEN);
    ck_assert(d->head->size == d->img.size);
    ck_assert(d->head->built_by == (apr_int64_t)getpid());
    ck_assert(d->head->built_at > 0);
    ck_assert_uint_eq(strlen(d->head->content_hash), 32);
    ck_assert(rc_image_header_sum(d->head) == d->head->header_sum);
}
END_TEST

/* A write that fails is the file's fault, and says so. */
START_TEST(write_error_is_an_io_failure)
{
    const char *tmp, *img_path;
    apr_file_t *f;
    rc_imgw *w;
    const char *err;

    ck_assert_int_eq(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    img_path = apr_psprintf(pool, "%s/rc-test-ro-%ld.img", tmp, (long)getpid());
    ck_assert_int_eq(apr_file_open(&f, img_path, APR_FOPEN_WRITE | APR_FOPEN_CREATE,
                                   APR_FPROT_OS_DEFAULT, pool), APR_SUCCESS);
    apr_file_close(f);
    /* open for reading only: every write fails */
    ck_assert_int_eq(apr_file_open(&f, img_path, APR_FOPEN_READ, 0, pool), APR_SUCCESS);
    w = rc_imgw_file(pool, f);
    err = rc_build_file(pool, shipped_path(), w, NULL);
    apr_file_close(f);
    apr_file_remove(img_path, pool);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "cannot write the image") != NULL, "%s", err);
    ck_assert_int_eq(rc_imgw_io_failed(w), 1);
    ck_assert_ptr_nonnull(rc_imgw_error(w));
}
END_TEST

START_TEST(writer_aligns_and_counts)
{
    rc_imgw *w = rc_imgw_memory(pool);
    ck_assert_uint_eq(rc_imgw_put(w, "abc", 3, 1), 0);
    ck_assert_uint_eq(rc_imgw_put(w, "d", 1, 8), 8);
    ck_assert_uint_eq(rc_imgw_put(w, "ef", 2, 4), 12);
    ck_assert_uint_eq(rc_imgw_put(w, NULL, 0, 64), 64);
    ck_assert_uint_eq(rc_imgw_put(w, "g", 1, 2), 64);
    ck_assert_ptr_null(rc_imgw_error(w));
    ck_assert_int_eq(rc_imgw_io_failed(w), 0);
    /* not finished by a build: no image */
    ck_assert_ptr_null(rc_imgw_image(w));
}
END_TEST

/* ---- rc_image_check ---- */

static char *good_image(apr_size_t *size)
{
    rc_data *d = NULL;
    char *copy;
    ck_assert_ptr_null(rc_test_load_file(pool, shipped_path(), NULL, &d));
    *size = d->img.size;
    copy = apr_palloc(pool, *size + 64);
    memcpy(copy, d->img.base, *size);
    return copy;
}

/* Changes n bytes of the header at off, recomputing the header's own checksum when resum. */
static const char *check_changed(char *img, apr_size_t size, apr_size_t off, const void *bytes,
                                 apr_size_t n, int resum)
{
    rc_img_header *h = (rc_img_header *)(void *)img;
    char saved[64];
    apr_uint64_t sum = h->header_sum;
    const char *why;
    memcpy(saved, img + off, n);
    memcpy(img + off, bytes, n);
    if (resum)
        h->header_sum = rc_image_header_sum(h);
    why = rc_image_check(img, size);
    memcpy(img + off, saved, n);
    h->header_sum = sum;
    ck_assert_ptr_null(rc_image_check(img, size));
    return why;
}

#define OFF(field) offsetof(rc_img_header, field)

START_TEST(check_accepts_a_good_image)
{
    apr_size_t size;
    char *img = good_image(&size);
    ck_assert_ptr_null(rc_image_check(img, size));
}
END_TEST

/* Each field of the header, changed: refused, with what is wrong. */
START_TEST(check_refuses_each_header_field)
{
    apr_size_t size;
    char *img = good_image(&size);
    apr_uint32_t u32;
    apr_uint64_t u64;
    char id[RC_IMG_BUILD_ID_LEN], byte;

    ck_assert_str_eq(check_changed(img, size, OFF(magic), "RCIMAGE\r", 8, 1),
                     "not an image of mod_rootcauses (bad magic)");
    u32 = RC_IMG_FORMAT + 1;
    ck_assert_str_eq(check_changed(img, size, OFF(format), &u32, 4, 1),
                     "an image of another format");
    u32 = sizeof(rc_img_header) + 8;
    ck_assert_str_eq(check_changed(img, size, OFF(header_size), &u32, 4, 1),
                     "an image of another format");
    /* another build of the module, its image otherwise whole */
    memset(id, 0, sizeof(id));
    strcpy(id, "0123456789abcdef0123456789abcdef");
    ck_assert_str_eq(check_changed(img, size, OFF(build_id), id, sizeof(id), 1),
                     "built by another build of the module");
    id[0] = '\0';
    ck_assert_str_eq(check_changed(img, size, OFF(build_id), id, sizeof(id), 1),
                     "built by another build of the module");
    u64 = size - 1;
    ck_assert_str_eq(check_changed(img, size, OFF(size), &u64, 8, 1),
                     "of the wrong size (truncated or extended)");
    u64 = size + 1;
    ck_assert_str_eq(check_changed(img, size, OFF(size), &u64, 8, 1),
                     "of the wrong size (truncated or extended)");
    u64 = ((rc_img_header *)(void *)img)->body_sum ^ 1;
    ck_assert_str_eq(check_changed(img, size, OFF(body_sum), &u64, 8, 1),
                     "damaged (the checksum does not match)");
    /* records that lie outside the image, the header's checksum right */
    u32 = (apr_uint32_t)size;
    ck_assert_str_eq(check_changed(img, size, OFF(site), &u32, 4, 1),
                     "damaged (its records lie outside it)");
    u32 = 16;
    ck_assert_str_eq(check_changed(img, size, OFF(site), &u32, 4, 1),
                     "damaged (its records lie outside it)");
    u32 = 0xFFFFFFF0u;
    ck_assert_str_eq(check_changed(img, size, OFF(files), &u32, 4, 1),
                     "damaged (its records lie outside it)");
    u32 = 0x10000000u;
    ck_assert_str_eq(check_changed(img, size, OFF(nfiles), &u32, 4, 1),
                     "damaged (its records lie outside it)");
    /* any other field changed without its checksum: the header's checksum */
    u64 = 1;
    ck_assert_str_eq(check_changed(img, size, OFF(built_at), &u64, 8, 0),
                     "damaged (the header's checksum does not match)");
    /* (a byte XORed, so that it differs whatever it was) */
    byte = (char)(img[OFF(content_hash)] ^ 0x07);
    ck_assert_str_eq(check_changed(img, size, OFF(content_hash), &byte, 1, 0),
                     "damaged (the header's checksum does not match)");
    byte = (char)(img[OFF(nitems)] ^ 0x07);
    ck_assert_str_eq(check_changed(img, size, OFF(nitems), &byte, 1, 0),
                     "damaged (the header's checksum does not match)");
    byte = (char)(img[OFF(header_sum)] ^ 0x07);
    ck_assert_str_eq(check_changed(img, size, OFF(header_sum), &byte, 1, 0),
                     "damaged (the header's checksum does not match)");
}
END_TEST

/* Every bit of the header, flipped one at a time: refused. */
START_TEST(check_refuses_any_flipped_header_bit)
{
    apr_size_t size;
    char *img = good_image(&size);
    for (apr_size_t off = 0; off < sizeof(rc_img_header); off++)
        for (int b = 0; b < 8; b++) {
            char c = (char)(img[off] ^ (1 << b));
            ck_assert_msg(check_changed(img, size, off, &c, 1, 0) != NULL,
                          "header byte %lu bit %d flipped: accepted", (unsigned long)off, b);
        }
}
END_TEST

/* A byte changed anywhere after the header: refused by the body's checksum. */
START_TEST(check_refuses_a_changed_byte_anywhere_in_the_body)
{
    apr_size_t size;
    char *img = good_image(&size);
    apr_size_t body = size - sizeof(rc_img_header);
    int tried = 0;

    for (int i = 0; i < 3000; i++) {
        apr_size_t off = i == 0 ? sizeof(rc_img_header)
                         : i == 1 ? size - 1
                                  : sizeof(rc_img_header) + rnd((unsigned)body);
        char saved = img[off];
        img[off] = (char)(saved ^ (1 << rnd(8)));
        ck_assert_msg(rc_image_check(img, size) != NULL, "byte %lu changed: accepted",
                      (unsigned long)off);
        ck_assert_str_eq(rc_image_check(img, size), "damaged (the checksum does not match)");
        img[off] = saved;
        tried++;
    }
    ck_assert_ptr_null(rc_image_check(img, size));
    ck_assert_int_eq(tried, 3000);
}
END_TEST

START_TEST(check_refuses_truncated_and_extended_images)
{
    apr_size_t size;
    char *img = good_image(&size);

    ck_assert_str_eq(rc_image_check(img, 0), "shorter than its header (truncated)");
    ck_assert_str_eq(rc_image_check(img, 8), "shorter than its header (truncated)");
    ck_assert_str_eq(rc_image_check(img, sizeof(rc_img_header) - 1),
                     "shorter than its header (truncated)");
    for (int i = 0; i < 500; i++) {
        apr_size_t n = sizeof(rc_img_header) + rnd((unsigned)(size - sizeof(rc_img_header)));
        ck_assert_str_eq(rc_image_check(img, n), "of the wrong size (truncated or extended)");
    }
    ck_assert_str_eq(rc_image_check(img, size - 1), "of the wrong size (truncated or extended)");
    img[size] = 0;
    ck_assert_str_eq(rc_image_check(img, size + 1), "of the wrong size (truncated or extended)");
    ck_assert_ptr_null(rc_image_check(img, size));
}
END_TEST

/* Bytes that are no image at all. */
START_TEST(check_refuses_what_is_no_image)
{
    char zeros[512], text[512];
    memset(zeros, 0, sizeof(zeros));
    memset(text, 'x', sizeof(text));
    memcpy(text, "{\"title\": \"T\"}", 14);
    ck_assert_str_eq(rc_image_check(zeros, sizeof(zeros)),
                     "not an image of mod_rootcauses (bad magic)");
    ck_assert_str_eq(rc_image_check(text, sizeof(text)),
                     "not an image of mod_rootcauses (bad magic)");
    memcpy(zeros, RC_IMG_MAGIC, 8);
    ck_assert_str_eq(rc_image_check(zeros, sizeof(zeros)), "an image of another format");
}
END_TEST

Suite *rc_image_suite(void)
{
    Suite *s = suite_create("rc_image");
    TCase *tc;

    tc = tcase_create("round trip");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, shipped_data_round_trip);
    tcase_add_test(tc, generated_data_round_trip);
    tcase_add_test(tc, file_and_memory_images_agree);
    tcase_add_test(tc, image_reads_the_same_anywhere);
    tcase_add_test(tc, build_id_and_header);
    tcase_add_test(tc, write_error_is_an_io_failure);
    tcase_add_test(tc, writer_aligns_and_counts);
    suite_add_tcase(s, tc);

    tc = tcase_create("check");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, check_accepts_a_good_image);
    tcase_add_test(tc, check_refuses_each_header_field);
    tcase_add_test(tc, check_refuses_any_flipped_header_bit);
    tcase_add_test(tc, check_refuses_a_changed_byte_anywhere_in_the_body);
    tcase_add_test(tc, check_refuses_truncated_and_extended_images);
    tcase_add_test(tc, check_refuses_what_is_no_image);
    suite_add_tcase(s, tc);
    return s;
}
