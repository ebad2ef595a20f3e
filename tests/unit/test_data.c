/* Unit tests for rc_build and rc_data: every rule of docs/REFERENCE.md "The data file" with the message an admin gets, and
 * what a valid file turns into (counts, navigation, sort orders, kinds, years, words, hash), in
 * one language or several.
 *
 * JSON in this file is written with single quotes for readability; json() turns them into
 * double quotes before loading (no value here contains a single quote). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "test_rc.h"
#include "rc_build.h"
#include "rc_data.h"
#include "rc_text.h"
#include "rc_words.h"

#include <jansson.h>

static apr_pool_t *pool;
static rc_data *data;

static void setup(void)
{
    apr_pool_create(&pool, NULL);
    data = NULL;
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static char *json(const char *sq)
{
    char *s = apr_pstrdup(pool, sq);
    for (char *c = s; *c; c++)
        if (*c == '\'')
            *c = '"';
    return s;
}

/* Loads the single-quoted JSON sq as "t.json"; returns the error or NULL (data is then set). */
static const char *load(const char *sq)
{
    const char *s = json(sq);
    return rc_test_load(pool, "t.json", s, strlen(s), &data);
}

/* Text t of the data in the default language */
static const char *text(apr_uint32_t t)
{
    return rc_test_text(data, t, 0);
}

/* The item with that id in col */
static const rc_item *item(const rc_collection *col, const char *id)
{
    int pos = rc_item_find(data, col, id);
    ck_assert_msg(pos >= 0, "no item %s", id);
    return &col->items[pos];
}

#define assert_loads(sq)                                                                           \
    do {                                                                                           \
        const char *err_ = load(sq);                                                               \
        ck_assert_msg(err_ == NULL, "unexpected error: %s", err_);                                 \
        ck_assert_ptr_nonnull(data);                                                               \
    } while (0)

/* The message must be exactly "t.json: " expected. */
#define assert_error(sq, expected)                                                                 \
    do {                                                                                           \
        const char *err_ = load(sq);                                                               \
        ck_assert_msg(err_ != NULL, "loaded, expected the error: %s", expected);                   \
        ck_assert_str_eq(err_, "t.json: " expected);                                               \
        ck_assert_ptr_null(data);                                                                  \
    } while (0)

#define SLUG_RE "matching ^[a-z0-9][a-z0-9-]{0,63}$"
/* what a text (docs/REFERENCE.md "The data file" *(text)*) must be */
#define TEXT "a text: a non-empty string, or an object of non-empty strings by language code"

#define COUNTRIES                                                                                  \
    "'countries':[{'code':'GT','name':'Guatemala'},{'code':'SV','name':'El Salvador'}]"
#define INDEX_PAGE "{'slug':'index','title':'Home','file':'pages/index.html'}"
#define PAGES      "'pages':[" INDEX_PAGE "]"
#define HEAD       "{'title':'T'," COUNTRIES "," PAGES
/* A whole file with one collection "reports" holding the given items. */
#define WITH_ITEMS(items)                                                                          \
    HEAD ",'collections':[{'slug':'reports','title':'Reports','items':[" items "]}]}"
#define ITEM(rest)   "{'id':'a','title':'A','date':'2021','countries':['GT']" rest "}"
#define ITEM_PATH    "collections[0].items[0]"
#define DOC(rest)    ITEM(",'documents':[{'title':'Doc','href':'files/a.pdf'" rest "}]")
#define PERSON(rest) ITEM(",'persons':[{'name':'Ana'" rest "}]")

/* ---- the smallest valid files ---- */

START_TEST(minimal_file_loads)
{
    assert_loads(HEAD "}");
    ck_assert_str_eq(text(data->title), "T");
    ck_assert_int_eq(data->ncountries, 2);
    ck_assert_int_eq(data->npages, 1);
    ck_assert_int_eq(data->ncollections, 0);
    ck_assert_int_eq(data->nnav, 1);
    ck_assert_int_eq(data->nitems, 0);
    ck_assert_str_eq(data->path, "t.json");
    /* without "languages" the one language is English */
    ck_assert_int_eq(data->nlang, 1);
    ck_assert_str_eq(data->langs[0], "en");
}
END_TEST

START_TEST(optional_fields_load)
{
    assert_loads(WITH_ITEMS(ITEM(",'kind':'report-to-congress','summary':'S',"
                                 "'source':'https://www.state.gov/x?a=1',"
                                 "'documents':[{'title':'D','href':'files/a.pdf','bytes':0},"
                                 "{'title':'E','href':'https://example.org/e.pdf'}],"
                                 "'persons':[{'name':'Ana','country':'SV','position':'Judge'},"
                                 "{'name':'Bo'}]")));
    {
        const rc_collection *col = &data->collections[0];
        const rc_item *it = &col->items[0];
        const rc_img_document *docs = rc_item_documents(data, it);
        const rc_img_person *pe = rc_item_persons(data, it);
        ck_assert_int_eq(it->kind, 0);
        ck_assert_str_eq(col->kinds[it->kind].slug, "report-to-congress");
        ck_assert_str_eq(text(it->summary), "S");
        ck_assert_str_eq(rc_str(data, it->source), "https://www.state.gov/x?a=1");
        ck_assert_int_eq(it->ndocuments, 2);
        ck_assert_str_eq(text(docs[0].title), "D");
        ck_assert_str_eq(rc_str(data, docs[0].href), "files/a.pdf");
        ck_assert_int_eq(docs[0].bytes, 0);
        ck_assert_int_eq(docs[1].bytes, -1);
        ck_assert_int_eq(it->npersons, 2);
        ck_assert_str_eq(rc_str(data, pe[0].name), "Ana");
        ck_assert_int_eq(pe[0].country, 1);
        ck_assert_str_eq(text(pe[0].position), "Judge");
        ck_assert_int_eq(pe[1].country, -1);
        ck_assert_uint_eq(pe[1].position, 0);
    }
    assert_loads(WITH_ITEMS(ITEM("")));
    {
        const rc_item *it = &data->collections[0].items[0];
        ck_assert_int_eq(it->kind, -1);
        ck_assert_uint_eq(it->summary, 0);
        ck_assert_uint_eq(it->source, 0);
        ck_assert_ptr_null(rc_str(data, it->source));
        ck_assert_int_eq(it->ndocuments, 0);
        ck_assert_int_eq(it->npersons, 0);
        ck_assert_int_eq(data->collections[0].nkinds, 0);
    }
}
END_TEST

/* ---- syntax ---- */

/* The byte yajl could not take: the "," of "[," at column 17 of line 3. */
START_TEST(syntax_error_names_line_and_column)
{
    const char *err = load("{\n  'title': 'T',\n  'countries': [,]\n}");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, "t.json:3:17: JSON syntax error: ", 32) == 0, "got: %s", err);
    ck_assert_uint_gt(strlen(err), 32);

    err = load("");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, "t.json:1:1: JSON syntax error: ", 31) == 0, "got: %s", err);

    /* columns count characters, not bytes ("caf\xc3\xa9" is 5 bytes): the stray x is the 15th */
    err = load("{'title': '\u00e9',\n 'cafÃ©': 'x' x}");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, "t.json:2:15: JSON syntax error: ", 32) == 0, "got: %s", err);
}
END_TEST

/* docs/REFERENCE.md "The data file" lists duplicates with the other rule errors, named by their JSON path. */
START_TEST(duplicate_key_names_its_object)
{
    assert_error("{'title':'T',\n'title':'U'}",
                 "the top level has the key \"title\" twice, expected each key once");
    assert_error(WITH_ITEMS(ITEM(",'kind':'a','kind':'b'")),
                 ITEM_PATH " has the key \"kind\" twice, expected each key once");
    assert_error("{'title':'T','countries':[{'code':'GT','name':'G','code':'SV'}]," PAGES "}",
                 "countries[0] has the key \"code\" twice, expected each key once");
}
END_TEST

START_TEST(syntax_error_in_a_file_names_the_file)
{
    const char *path = rc_test_fixture("site/syntax.json");
    const char *err = rc_test_load_file(pool, path, NULL, &data);
    const char *prefix = apr_pstrcat(pool, path, ":4:20: JSON syntax error: ", NULL);

    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "got: %s", err);
    ck_assert_ptr_null(data);
}
END_TEST

START_TEST(unreadable_data_file)
{
    const char *path = rc_test_fixture("site/no-such-file.json");
    const char *err = rc_test_load_file(pool, path, NULL, &data);
    const char *prefix = apr_pstrcat(pool, path, ": cannot read the data file: ", NULL);

    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "got: %s", err);
}
END_TEST

/* ---- unknown keys, at every level ---- */

START_TEST(unknown_keys_are_refused)
{
    assert_error(HEAD ",'theme':'dark'}", "theme is \"dark\", expected no such key here "
                                          "(known keys: title, languages, countries, pages, "
                                          "collections)");
    assert_error("{'title':'T','countries':[{'code':'GT','name':'Guatemala','flag':1}]," PAGES "}",
                 "countries[0].flag is 1, expected no such key here (known keys: code, name)");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'Home',"
                 "'file':'pages/index.html','menu':true}]}",
                 "pages[0].menu is true, expected no such key here "
                 "(known keys: slug, title, file, nav)");
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'R','items':[],'order':'asc'}]}",
                 "collections[0].order is \"asc\", expected no such key here "
                 "(known keys: slug, title, items, nav, kinds)");
    assert_error(WITH_ITEMS(ITEM(",'Title':'x'")),
                 ITEM_PATH ".Title is \"x\", expected no such key here (known keys: id, title, "
                           "date, countries, kind, summary, source, documents, persons)");
    assert_error(WITH_ITEMS(DOC(",'size':3")),
                 ITEM_PATH ".documents[0].size is 3, expected no such key here "
                           "(known keys: title, href, bytes)");
    assert_error(WITH_ITEMS(PERSON(",'age':40")),
                 ITEM_PATH ".persons[0].age is 40, expected no such key here "
                           "(known keys: name, country, position)");
}
END_TEST

/* ---- wrong types ---- */

START_TEST(top_level_must_be_an_object)
{
    assert_error("[]", "the top level is [], expected an object with title, countries, pages "
                       "and optional languages and collections");
    /* a bare scalar is JSON text to yajl, but no data file */
    assert_error("'x'", "the top level is \"x\", expected an object with title, countries, "
                        "pages and optional languages and collections");
    assert_error("5", "the top level is 5, expected an object with title, countries, pages "
                      "and optional languages and collections");
}
END_TEST

START_TEST(wrong_types_are_refused)
{
    assert_error("{'title':5," COUNTRIES "," PAGES "}", "title is 5, expected " TEXT);
    assert_error("{'title':'T','countries':{}," PAGES "}", "countries is {}, expected an array");
    assert_error("{'title':'T'," COUNTRIES ",'pages':'index'}",
                 "pages is \"index\", expected an array");
    assert_error(HEAD ",'collections':{}}", "collections is {}, expected an array");
    assert_error("{'title':'T','countries':['GT']," PAGES "}",
                 "countries[0] is \"GT\", expected an object with code and name");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[['index']]}",
                 "pages[0] is [\"index\"], expected an object with slug, title, file and optional nav");
    assert_error(HEAD ",'collections':['reports']}",
                 "collections[0] is \"reports\", expected an object with slug, title, items and "
                 "optional nav and kinds");
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'R','items':{}}]}",
                 "collections[0].items is {}, expected an array");
    assert_error(WITH_ITEMS("5"), ITEM_PATH " is 5, expected an item object");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021','countries':'GT'}"),
                 ITEM_PATH ".countries is \"GT\", expected an array");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':2021,'countries':['GT']}"),
                 ITEM_PATH ".date is 2021, expected a date as YYYY, YYYY-MM or YYYY-MM-DD");
    assert_error(WITH_ITEMS("{'id':'a','title':['A'],'date':'2021','countries':['GT']}"),
                 ITEM_PATH ".title is [\"A\"], expected " TEXT);
    assert_error(WITH_ITEMS(ITEM(",'summary':5")),
                 ITEM_PATH ".summary is 5, expected " TEXT);
    assert_error(WITH_ITEMS(ITEM(",'source':null")),
                 ITEM_PATH ".source is null, expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'kind':5")), ITEM_PATH ".kind is 5, expected a kind " SLUG_RE);
    assert_error(WITH_ITEMS(ITEM(",'documents':{}")),
                 ITEM_PATH ".documents is {}, expected an array");
    assert_error(WITH_ITEMS(ITEM(",'documents':['a.pdf']")),
                 ITEM_PATH ".documents[0] is \"a.pdf\", expected an object with title, href and "
                           "optional bytes");
    assert_error(WITH_ITEMS(ITEM(",'persons':'Ana'")),
                 ITEM_PATH ".persons is \"Ana\", expected an array");
    assert_error(WITH_ITEMS(ITEM(",'persons':['Ana']")),
                 ITEM_PATH ".persons[0] is \"Ana\", expected an object with name and optional "
                           "country and position");
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':5,'href':'a.pdf'}]")),
                 ITEM_PATH ".documents[0].title is 5, expected " TEXT);
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':false}]")),
                 ITEM_PATH ".documents[0].href is false, expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'persons':[{'name':{}}]")),
                 ITEM_PATH ".persons[0].name is {}, expected a non-empty string");
    assert_error(WITH_ITEMS(PERSON(",'position':1")),
                 ITEM_PATH ".persons[0].position is 1, expected " TEXT);
}
END_TEST

/* ---- missing required keys ---- */

START_TEST(missing_required_keys_are_refused)
{
    assert_error("{" COUNTRIES "," PAGES "}", "title is missing, expected " TEXT);
    assert_error("{'title':'T'," PAGES "}", "countries is missing, expected an array");
    assert_error("{'title':'T'," COUNTRIES "}", "pages is missing, expected an array");
    assert_error("{'title':'T','countries':[{'name':'Guatemala'}]," PAGES "}",
                 "countries[0].code is missing, expected two upper-case letters "
                 "(ISO 3166 alpha-2)");
    assert_error("{'title':'T','countries':[{'code':'GT'}]," PAGES "}",
                 "countries[0].name is missing, expected " TEXT);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'title':'Home','file':'x.html'}]}",
                 "pages[0].slug is missing, expected a page slug " SLUG_RE);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','file':'x.html'}]}",
                 "pages[0].title is missing, expected " TEXT);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'Home'}]}",
                 "pages[0].file is missing, expected a file name relative to the data file's "
                 "folder");
    assert_error(HEAD ",'collections':[{'title':'R','items':[]}]}",
                 "collections[0].slug is missing, expected a collection slug " SLUG_RE);
    assert_error(HEAD ",'collections':[{'slug':'reports','items':[]}]}",
                 "collections[0].title is missing, expected " TEXT);
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'R'}]}",
                 "collections[0].items is missing, expected an array");
    assert_error(WITH_ITEMS("{'title':'A','date':'2021','countries':['GT']}"),
                 ITEM_PATH ".id is missing, expected an item id " SLUG_RE);
    assert_error(WITH_ITEMS("{'id':'a','date':'2021','countries':['GT']}"),
                 ITEM_PATH ".title is missing, expected " TEXT);
    assert_error(WITH_ITEMS("{'id':'a','title':'A','countries':['GT']}"),
                 ITEM_PATH ".date is missing, expected a date as YYYY, YYYY-MM or YYYY-MM-DD");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021'}"),
                 ITEM_PATH ".countries is missing, expected an array");
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'href':'a.pdf'}]")),
                 ITEM_PATH ".documents[0].title is missing, expected " TEXT);
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'D'}]")),
                 ITEM_PATH ".documents[0].href is missing, expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'persons':[{'country':'GT'}]")),
                 ITEM_PATH ".persons[0].name is missing, expected a non-empty string");
}
END_TEST

START_TEST(collections_are_optional)
{
    assert_loads(HEAD "}");
    ck_assert_int_eq(data->ncollections, 0);
    assert_loads(HEAD ",'collections':[]}");
    ck_assert_int_eq(data->ncollections, 0);
}
END_TEST

/* ---- empty strings ---- */

START_TEST(empty_strings_are_refused)
{
    assert_error("{'title':''," COUNTRIES "," PAGES "}",
                 "title is \"\", expected " TEXT);
    assert_error("{'title':'T','countries':[{'code':'GT','name':''}]," PAGES "}",
                 "countries[0].name is \"\", expected " TEXT);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'','file':'x'}]}",
                 "pages[0].title is \"\", expected " TEXT);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'H','file':''}]}",
                 "pages[0].file is \"\", expected a file name relative to the data file's "
                 "folder");
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'','items':[]}]}",
                 "collections[0].title is \"\", expected " TEXT);
    assert_error(WITH_ITEMS("{'id':'a','title':'','date':'2021','countries':['GT']}"),
                 ITEM_PATH ".title is \"\", expected " TEXT);
    assert_error(WITH_ITEMS(ITEM(",'summary':''")),
                 ITEM_PATH ".summary is \"\", expected " TEXT);
    assert_error(WITH_ITEMS(ITEM(",'source':''")),
                 ITEM_PATH ".source is \"\", expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'kind':''")),
                 ITEM_PATH ".kind is \"\", expected a kind " SLUG_RE);
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'','href':'a.pdf'}]")),
                 ITEM_PATH ".documents[0].title is \"\", expected " TEXT);
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':''}]")),
                 ITEM_PATH ".documents[0].href is \"\", expected a non-empty string");
    assert_error(WITH_ITEMS(PERSON(",'position':''")),
                 ITEM_PATH ".persons[0].position is \"\", expected " TEXT);
    assert_error(WITH_ITEMS(ITEM(",'persons':[{'name':''}]")),
                 ITEM_PATH ".persons[0].name is \"\", expected a non-empty string");
}
END_TEST

/* ---- slugs ---- */

#define SLUG64 "a123456789b123456789c123456789d123456789e123456789f123456789abcd"

START_TEST(slug_syntax)
{
    ck_assert_int_eq(rc_slug_valid("index"), 1);
    ck_assert_int_eq(rc_slug_valid("a"), 1);
    ck_assert_int_eq(rc_slug_valid("0"), 1);
    ck_assert_int_eq(rc_slug_valid("2022-07-progress-report"), 1);
    ck_assert_int_eq(rc_slug_valid("a-"), 1);
    ck_assert_int_eq(rc_slug_valid(SLUG64), 1);
    ck_assert_int_eq(rc_slug_valid(SLUG64 "e"), 0);
    ck_assert_int_eq(rc_slug_valid(""), 0);
    ck_assert_int_eq(rc_slug_valid(NULL), 0);
    ck_assert_int_eq(rc_slug_valid("-a"), 0);
    ck_assert_int_eq(rc_slug_valid("About"), 0);
    ck_assert_int_eq(rc_slug_valid("a_b"), 0);
    ck_assert_int_eq(rc_slug_valid("a b"), 0);
    ck_assert_int_eq(rc_slug_valid("a.json"), 0);
    ck_assert_int_eq(rc_slug_valid("a/b"), 0);
    ck_assert_int_eq(rc_slug_valid("caf\xc3\xa9"), 0);
}
END_TEST

START_TEST(bad_slugs_are_refused)
{
    assert_error("{'title':'T'," COUNTRIES ",'pages':[" INDEX_PAGE
                 ",{'slug':'About','title':'A','file':'a.html'}]}",
                 "pages[1].slug is \"About\", expected a page slug " SLUG_RE);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[" INDEX_PAGE
                 ",{'slug':'-a','title':'A','file':'a.html'}]}",
                 "pages[1].slug is \"-a\", expected a page slug " SLUG_RE);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[" INDEX_PAGE ",{'slug':'" SLUG64
                 "e','title':'A','file':'a.html'}]}",
                 "pages[1].slug is \"" SLUG64 "e\", expected a page slug " SLUG_RE);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':5,'title':'A','file':'a.html'}]}",
                 "pages[0].slug is 5, expected a page slug " SLUG_RE);
    assert_error(HEAD ",'collections':[{'slug':'Reports','title':'R','items':[]}]}",
                 "collections[0].slug is \"Reports\", expected a collection slug " SLUG_RE);
    assert_error(HEAD ",'collections':[{'slug':'a_b','title':'R','items':[]}]}",
                 "collections[0].slug is \"a_b\", expected a collection slug " SLUG_RE);
    assert_error(WITH_ITEMS("{'id':'A 1','title':'A','date':'2021','countries':['GT']}"),
                 ITEM_PATH ".id is \"A 1\", expected an item id " SLUG_RE);
    assert_error(WITH_ITEMS("{'id':5,'title':'A','date':'2021','countries':['GT']}"),
                 ITEM_PATH ".id is 5, expected an item id " SLUG_RE);
    /* 64 characters is the longest slug */
    assert_loads(WITH_ITEMS("{'id':'" SLUG64 "','title':'A','date':'2021','countries':['GT']}"));
}
END_TEST

START_TEST(kind_must_be_a_slug)
{
    assert_error(WITH_ITEMS(ITEM(",'kind':'Report'")),
                 ITEM_PATH ".kind is \"Report\", expected a kind " SLUG_RE);
    assert_error(WITH_ITEMS(ITEM(",'kind':'report to congress'")),
                 ITEM_PATH ".kind is \"report to congress\", expected a kind " SLUG_RE);
}
END_TEST

START_TEST(duplicate_slugs_are_refused)
{
    assert_error("{'title':'T'," COUNTRIES ",'pages':[" INDEX_PAGE ","
                 "{'slug':'about','title':'A','file':'a.html'},"
                 "{'slug':'about','title':'B','file':'b.html'}]}",
                 "pages[2].slug is \"about\", expected a slug unique across pages and "
                 "collections");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[" INDEX_PAGE ","
                 "{'slug':'about','title':'A','file':'a.html'}],"
                 "'collections':[{'slug':'about','title':'R','items':[]}]}",
                 "collections[0].slug is \"about\", expected a slug unique across pages and "
                 "collections");
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'R','items':[]},"
                      "{'slug':'reports','title':'S','items':[]}]}",
                 "collections[1].slug is \"reports\", expected a slug unique across pages and "
                 "collections");
}
END_TEST

#define RESERVED "a slug other than assets, openapi and sitemap (the module's own addresses)"

/* B/assets/, B/openapi.json and B/sitemap.xml are the module's own */
START_TEST(reserved_slugs_are_refused)
{
    static const char *const reserved[] = {"assets", "openapi", "sitemap", NULL};
    for (const char *const *r = reserved; *r; r++) {
        const char *err = load(apr_pstrcat(pool, "{'title':'T'," COUNTRIES ",'pages':[" INDEX_PAGE
                                                 ",{'slug':'", *r, "','title':'A','file':'a'}]}",
                                           NULL));
        ck_assert_str_eq(err, apr_pstrcat(pool, "t.json: pages[1].slug is \"", *r,
                                          "\", expected " RESERVED, NULL));
        err = load(apr_pstrcat(pool, HEAD ",'collections':[{'slug':'", *r,
                               "','title':'R','items':[]}]}", NULL));
        ck_assert_str_eq(err, apr_pstrcat(pool, "t.json: collections[0].slug is \"", *r,
                                          "\", expected " RESERVED, NULL));
    }
    /* longer slugs that begin with them are fine */
    assert_loads(HEAD ",'collections':[{'slug':'assets-2','title':'R','items':[]},"
                      "{'slug':'sitemaps','title':'S','items':[]}]}");
}
END_TEST

START_TEST(collection_slug_index_is_refused)
{
    assert_error(HEAD ",'collections':[{'slug':'index','title':'R','items':[]}]}",
                 "collections[0].slug is \"index\", expected a slug other than \"index\" "
                 "(the page served at the mount point)");
}
END_TEST

START_TEST(index_page_is_required)
{
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'about','title':'A','file':'a'}]}",
                 "pages is [{\"slug\":\"about\",\"title\":\"A\",\"file\":\"a\"}], expected a "
                 "page with slug \"index\" (served at the mount point)");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[]}",
                 "pages is [], expected a page with slug \"index\" (served at the mount point)");
}
END_TEST

/* ---- countries ---- */

START_TEST(country_code_format)
{
    assert_error("{'title':'T','countries':[{'code':'gt','name':'Guatemala'}]," PAGES "}",
                 "countries[0].code is \"gt\", expected two upper-case letters (ISO 3166 alpha-2)");
    assert_error("{'title':'T','countries':[{'code':'GTM','name':'Guatemala'}]," PAGES "}",
                 "countries[0].code is \"GTM\", expected two upper-case letters "
                 "(ISO 3166 alpha-2)");
    assert_error("{'title':'T','countries':[{'code':'G','name':'Guatemala'}]," PAGES "}",
                 "countries[0].code is \"G\", expected two upper-case letters (ISO 3166 alpha-2)");
    assert_error("{'title':'T','countries':[{'code':'G1','name':'Guatemala'}]," PAGES "}",
                 "countries[0].code is \"G1\", expected two upper-case letters "
                 "(ISO 3166 alpha-2)");
    assert_error("{'title':'T','countries':[{'code':'\\u00c9S','name':'X'}]," PAGES "}",
                 "countries[0].code is \"\xc3\x89S\", expected two upper-case letters "
                 "(ISO 3166 alpha-2)");
    assert_error("{'title':'T','countries':[{'code':12,'name':'Guatemala'}]," PAGES "}",
                 "countries[0].code is 12, expected two upper-case letters (ISO 3166 alpha-2)");
}
END_TEST

START_TEST(duplicate_country_codes_are_refused)
{
    assert_error("{'title':'T','countries':[{'code':'GT','name':'Guatemala'},"
                 "{'code':'SV','name':'El Salvador'},{'code':'GT','name':'Guate'}]," PAGES "}",
                 "countries[2].code is \"GT\", expected a code not declared before "
                 "(countries[0] has it)");
}
END_TEST

START_TEST(undeclared_countries_are_refused)
{
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021','countries':['GT','HN']}"),
                 ITEM_PATH ".countries[1] is \"HN\", expected a country code declared in "
                           "countries (GT, SV)");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021','countries':['gt']}"),
                 ITEM_PATH ".countries[0] is \"gt\", expected a country code declared in "
                           "countries (GT, SV)");
    /* not a code at all: refused as the item is read, before countries may be known */
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021','countries':[1]}"),
                 ITEM_PATH ".countries[0] is 1, expected a country code declared in countries");
    assert_error(WITH_ITEMS(PERSON(",'country':'GTM'")),
                 ITEM_PATH ".persons[0].country is \"GTM\", expected a country code declared in "
                           "countries");
    assert_error(WITH_ITEMS(PERSON(",'country':'HN'")),
                 ITEM_PATH ".persons[0].country is \"HN\", expected a country code declared in "
                           "countries (GT, SV)");
}
END_TEST

START_TEST(duplicate_country_in_an_item_is_refused)
{
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021','countries':['GT','SV','GT']}"),
                 ITEM_PATH ".countries[2] is \"GT\", expected each country once "
                           "(countries[0] has it already)");
}
END_TEST

START_TEST(empty_countries_array_is_refused)
{
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021','countries':[]}"),
                 ITEM_PATH ".countries is [], expected at least one declared country code");
}
END_TEST

/* ---- dates and ids ---- */

START_TEST(bad_dates_are_refused)
{
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021-02-30','countries':['GT']}"),
                 ITEM_PATH ".date is \"2021-02-30\", expected a real calendar date as YYYY, "
                           "YYYY-MM or YYYY-MM-DD (no such day in the calendar)");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021-13','countries':['GT']}"),
                 ITEM_PATH ".date is \"2021-13\", expected a real calendar date as YYYY, "
                           "YYYY-MM or YYYY-MM-DD (no such day in the calendar)");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'July 2022','countries':['GT']}"),
                 ITEM_PATH ".date is \"July 2022\", expected a date as YYYY, YYYY-MM or "
                           "YYYY-MM-DD");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'','countries':['GT']}"),
                 ITEM_PATH ".date is \"\", expected a date as YYYY, YYYY-MM or YYYY-MM-DD");
}
END_TEST

START_TEST(duplicate_ids_are_refused)
{
    assert_error(WITH_ITEMS(ITEM("") ",{'id':'b','title':'B','date':'2021','countries':['GT']},"
                                     "{'id':'a','title':'C','date':'2022','countries':['SV']}"),
                 "collections[0].items[2].id is \"a\", expected an id unique in its collection");
    /* the same id in two collections is fine */
    assert_loads(HEAD ",'collections':[{'slug':'r','title':'R','items':[" ITEM(
        "") "]},"
            "{'slug':'s','title':'S','items':[" ITEM("") "]}]}");
}
END_TEST

/* ---- URLs ---- */

/* Loads a file whose only item has key set to value (any bytes: written out with jansson). */
static const char *load_item_field(const char *key, const char *value)
{
    json_t *js = json_string(value);
    char *dumped = json_dumps(js, JSON_ENCODE_ANY);
    const char *doc = apr_pstrcat(pool,
                                  json(HEAD ",'collections':[{'slug':'reports','title':'R',"
                                            "'items':[{'id':'a','title':'A','date':'2021',"
                                            "'countries':['GT'],'"),
                                  key, "\":", dumped, "}]}]}", NULL);
    free(dumped); /* jansson's malloc */
    json_decref(js);
    return rc_test_load(pool, "t.json", doc, strlen(doc), &data);
}

START_TEST(bad_source_urls_are_refused)
{
    static const char *const bad[] = {"ftp://example.org/a",
                                      "http://",
                                      "https://",
                                      "https:///a",
                                      "www.state.gov",
                                      "/reports/a",
                                      "javascript:alert(1)",
                                      "https://exa mple.org/",
                                      "https://a.org/\\x",
                                      "https://a.org/\"x",
                                      "https://a.org/<x>",
                                      "https://a.org/\nx",
                                      NULL};
    for (const char *const *b = bad; *b; b++) {
        const char *err = load_item_field("source", *b);
        ck_assert_msg(err != NULL, "source %s accepted", *b);
        ck_assert_msg(strncmp(err, "t.json: " ITEM_PATH ".source is ",
                              strlen("t.json: " ITEM_PATH ".source is ")) == 0 &&
                          strstr(err, ", expected an absolute http:// or https:// URL"),
                      "source %s: %s", *b, err);
    }
    assert_error(WITH_ITEMS(ITEM(",'source':'ftp://example.org/a'")),
                 ITEM_PATH ".source is \"ftp://example.org/a\", expected an absolute http:// or "
                           "https:// URL");
    ck_assert_ptr_null(load_item_field("source", "http://example.org"));
    ck_assert_ptr_null(load_item_field("source", "https://www.state.gov/a/b?c=d#e"));
}
END_TEST

START_TEST(bad_document_hrefs_are_refused)
{
    /* show() writes the value as JSON, so the quotes of the "expected" part are plain. */
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':'../x'}]")),
                 ITEM_PATH ".documents[0].href is \"../x\", expected an absolute http(s) URL or "
                           "a relative path under assets/ (no \"..\", no leading \"/\")");
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':'/x'}]")),
                 ITEM_PATH ".documents[0].href is \"/x\", expected an absolute http(s) URL or "
                           "a relative path under assets/ (no \"..\", no leading \"/\")");
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':'javascript:alert(1)'}]")),
                 ITEM_PATH ".documents[0].href is \"javascript:alert(1)\", expected an absolute "
                           "http(s) URL or a relative path under assets/ (no \"..\", no leading "
                           "\"/\")");
    {
        static const char *const bad[] = {
            "files/../../x",    "./x",          "a//b",     "files/", "a?b", "a#b",
            "data:text/html,x", "//evil.org/x", "https://", "a/./b",  NULL};
        for (const char *const *b = bad; *b; b++) {
            const char *err = load(apr_pstrcat(
                pool,
                HEAD ",'collections':[{'slug':'reports','title':'R','items':[{'id':'a',"
                     "'title':'A','date':'2021','countries':['GT'],'documents':[{'title':'D',"
                     "'href':'",
                *b, "'}]}]}]}", NULL));
            ck_assert_msg(err != NULL, "href %s accepted", *b);
            ck_assert_msg(strstr(err, ITEM_PATH ".documents[0].href is ") != NULL, "href %s: %s",
                          *b, err);
        }
    }
    assert_loads(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':'files/2022/a b.pdf'}]")));
    assert_loads(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':'https://a.org/a.pdf'}]")));
    assert_loads(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':'a..b/c.pdf'}]")));
}
END_TEST

#define BYTES "an integer from 0 to 9007199254740992 (2^53)"

/* docs/REFERENCE.md "The data file": bytes is an integer 0..2^53, the largest that every JSON reader keeps exact */
START_TEST(document_bytes_must_be_an_integer_up_to_2_53)
{
    static const char *const bad[] = {"-1", "1.5", "'100'", "true", "null", "1e3", "1.0",
                                      "-0", "9007199254740993", "18446744073709551616",
                                      "99999999999999999999", "[]", NULL};
    for (const char *const *b = bad; *b; b++) {
        const char *err = load(apr_psprintf(pool, WITH_ITEMS(DOC(",'bytes':%s")), *b));
        ck_assert_msg(err != NULL, "bytes %s accepted", *b);
        ck_assert_str_eq(err, apr_psprintf(pool, "t.json: " ITEM_PATH ".documents[0].bytes is "
                                                 "%s, expected " BYTES,
                                           **b == '\'' ? json(*b) : *b));
    }
    assert_loads(WITH_ITEMS(DOC(",'bytes':0")));
    ck_assert_int_eq(rc_item_documents(data, &data->collections[0].items[0])[0].bytes, 0);
    assert_loads(WITH_ITEMS(DOC(",'bytes':5000000000")));
    ck_assert(rc_item_documents(data, &data->collections[0].items[0])[0].bytes ==
              APR_INT64_C(5000000000));
    assert_loads(WITH_ITEMS(DOC(",'bytes':9007199254740992")));
    ck_assert(rc_item_documents(data, &data->collections[0].items[0])[0].bytes ==
              APR_INT64_C(9007199254740992));
}
END_TEST

/* ---- page files (rc_build_file with fixtures) ---- */

static const char *fixture_dir(void)
{
    const char *data_path = rc_test_fixture("site/data.json");
    return apr_pstrndup(pool, data_path, strlen(data_path) - strlen("data.json"));
}

/* The body of page i in language l ("" when it has none there). */
static const char *body(int i, int l)
{
    const char *b = rc_str(data, data->pages[i].body[l]);
    return b ? b : "";
}

START_TEST(fixture_loads_page_files)
{
    const char *path = rc_test_fixture("site/data.json");
    apr_array_header_t *files = apr_array_make(pool, 4, sizeof(rc_file_state));
    const char *err = rc_test_load_file(pool, path, files, &data);
    const char *dir = fixture_dir();
    const rc_img_file *img_files;

    ck_assert_msg(err == NULL, "%s", err);
    ck_assert_str_eq(data->path, path);
    ck_assert_str_eq(text(data->title), "Fixture Site");
    ck_assert_int_eq(data->npages, 2);
    ck_assert_str_eq(data->pages[0].slug, "index");
    ck_assert_str_eq(body(0, 0), "<p>Welcome.</p>\n");
    ck_assert_uint_eq(rc_data_str(data, data->pages[0].body[0])->len, 16);
    ck_assert_str_eq(body(1, 0), "<p>About this site: caf\xc3\xa9.</p>\n");
    /* what the build read: the data file first, then each page file, with its state */
    ck_assert_int_eq(files->nelts, 3);
    ck_assert_str_eq(APR_ARRAY_IDX(files, 0, rc_file_state).path, path);
    ck_assert_str_eq(APR_ARRAY_IDX(files, 1, rc_file_state).path,
                     apr_pstrcat(pool, dir, "pages/index.html", NULL));
    ck_assert_str_eq(APR_ARRAY_IDX(files, 2, rc_file_state).path,
                     apr_pstrcat(pool, dir, "pages/about.html", NULL));
    ck_assert(APR_ARRAY_IDX(files, 1, rc_file_state).size == 16);
    ck_assert(APR_ARRAY_IDX(files, 1, rc_file_state).inode != 0);
    /* and the image keeps the same list */
    ck_assert_uint_eq(data->head->nfiles, 3);
    img_files = RC_AT(&data->img, rc_img_file, data->head->files);
    for (int i = 0; i < 3; i++) {
        const rc_file_state *f = &APR_ARRAY_IDX(files, i, rc_file_state);
        ck_assert_str_eq(rc_str(data, img_files[i].path), f->path);
        ck_assert(img_files[i].mtime == f->mtime && img_files[i].size == f->size &&
                  img_files[i].inode == f->inode && img_files[i].dev == f->dev);
    }
    ck_assert(data->mtime > 0);
    ck_assert(data->mtime == APR_ARRAY_IDX(files, 0, rc_file_state).mtime);
    ck_assert(data->pages[0].mtimes[0] >= data->mtime);
    ck_assert_uint_eq(strlen(data->hash), 32);
    ck_assert_uint_eq(strspn(data->hash, "0123456789abcdef"), 32);
    ck_assert_int_eq(data->nitems, 1);
}
END_TEST

/* A build that fails still says which files it read, so that it is tried again only when one
 * of them changes. */
START_TEST(failed_build_lists_its_files)
{
    const char *path = rc_test_fixture("site/missing-page.json");
    apr_array_header_t *files = apr_array_make(pool, 4, sizeof(rc_file_state));
    const char *err = rc_test_load_file(pool, path, files, &data);

    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(files->nelts, 3);
    ck_assert_str_eq(APR_ARRAY_IDX(files, 0, rc_file_state).path, path);
    ck_assert_str_eq(APR_ARRAY_IDX(files, 2, rc_file_state).path,
                     apr_pstrcat(pool, fixture_dir(), "pages/nope.html", NULL));
    /* a file that is missing is listed with zeros */
    ck_assert(APR_ARRAY_IDX(files, 2, rc_file_state).mtime == 0);
    ck_assert(APR_ARRAY_IDX(files, 2, rc_file_state).inode == 0);
    ck_assert(APR_ARRAY_IDX(files, 0, rc_file_state).mtime != 0);

    files = apr_array_make(pool, 4, sizeof(rc_file_state));
    ck_assert_ptr_nonnull(rc_test_load_file(pool, rc_test_fixture("site/no-such.json"), files,
                                            &data));
    ck_assert_int_eq(files->nelts, 1);
    ck_assert(APR_ARRAY_IDX(files, 0, rc_file_state).size == 0);
}
END_TEST

START_TEST(missing_page_file_is_refused)
{
    const char *path = rc_test_fixture("site/missing-page.json");
    const char *err = rc_test_load_file(pool, path, NULL, &data);
    const char *prefix = apr_pstrcat(pool, path,
                                     ": pages[1].file is \"pages/nope.html\", "
                                     "expected a readable page file (",
                                     fixture_dir(), "pages/nope.html: ", NULL);

    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "got: %s", err);
    ck_assert_ptr_null(data);
}
END_TEST

START_TEST(page_file_outside_the_folder_is_refused)
{
    const char *path = rc_test_fixture("site/escape.json");
    const char *err = rc_test_load_file(pool, path, NULL, &data);

    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, apr_pstrcat(pool, path,
                                      ": pages[1].file is \"../secret.html\", "
                                      "expected a file inside the data file's folder ",
                                      fixture_dir(), NULL));
    ck_assert_ptr_null(data);
}
END_TEST

START_TEST(page_file_not_utf8_is_refused)
{
    const char *path = rc_test_fixture("site/not-utf8.json");
    const char *err = rc_test_load_file(pool, path, NULL, &data);

    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, apr_pstrcat(pool, path,
                                      ": pages[1].file is \"pages/latin1.html\", "
                                      "expected a page file in UTF-8 (",
                                      fixture_dir(), "pages/latin1.html is not, or holds a NUL "
                                      "byte)", NULL));
}
END_TEST

/* Writes name in dir with content. */
static void write_file(const char *dir, const char *name, const char *content)
{
    apr_file_t *f;
    apr_size_t n = strlen(content);
    const char *path = apr_pstrcat(pool, dir, "/", name, NULL);

    ck_assert_int_eq(apr_file_open(&f, path,
                                   APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                                   APR_FPROT_OS_DEFAULT, pool),
                     APR_SUCCESS);
    ck_assert_int_eq(apr_file_write_full(f, content, n, NULL), APR_SUCCESS);
    apr_file_close(f);
}

START_TEST(hash_covers_page_files)
{
    const char *tmp;
    char *dir;
    rc_data *d1, *d2, *d3;
    const char *doc = json(HEAD "}");

    ck_assert_int_eq(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    dir = apr_pstrcat(pool, tmp, "/rc-test-XXXXXX", NULL);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(
        apr_dir_make(apr_pstrcat(pool, dir, "/pages", NULL), APR_FPROT_OS_DEFAULT, pool),
        APR_SUCCESS);
    write_file(dir, "data.json", doc);
    write_file(dir, "pages/index.html", "<p>one</p>");
    ck_assert_ptr_null(rc_test_load_file(pool, apr_pstrcat(pool, dir, "/data.json", NULL), NULL, &d1));
    ck_assert_ptr_null(rc_test_load_file(pool, apr_pstrcat(pool, dir, "/data.json", NULL), NULL, &d2));
    write_file(dir, "pages/index.html", "<p>two</p>");
    ck_assert_ptr_null(rc_test_load_file(pool, apr_pstrcat(pool, dir, "/data.json", NULL), NULL, &d3));

    apr_file_remove(apr_pstrcat(pool, dir, "/pages/index.html", NULL), pool);
    apr_dir_remove(apr_pstrcat(pool, dir, "/pages", NULL), pool);
    apr_file_remove(apr_pstrcat(pool, dir, "/data.json", NULL), pool);
    apr_dir_remove(dir, pool);

    ck_assert_str_eq(d1->hash, d2->hash);
    ck_assert_str_ne(d1->hash, d3->hash);
    ck_assert_str_eq(d1->tag, d2->tag);
    ck_assert_str_ne(d1->tag, d3->tag);
    ck_assert_str_eq(rc_str(d3, d3->pages[0].body[0]), "<p>two</p>");
}
END_TEST

/* ---- a valid file and what it becomes ---- */

#define VALID                                                                                      \
    "{'title':'Root Causes',"                                                                      \
    "'countries':[{'code':'GT','name':'Guatemala'},{'code':'SV','name':'El Salvador'},"            \
    "{'code':'HN','name':'Honduras'}],"                                                            \
    "'pages':[" INDEX_PAGE ",{'slug':'about','title':'About','file':'pages/about.html'}],"         \
    "'collections':["                                                                              \
    "{'slug':'reports','title':'Reports','items':["                                                \
    "{'id':'b','title':'Informe P\\u00e9rez','date':'2022-07','countries':['SV','GT'],"            \
    "'kind':'report','summary':'Ni\\u00f1ez y Educaci\\u00f3n',"                                   \
    "'persons':[{'name':'Jos\\u00e9 N\\u00da\\u00d1EZ','country':'HN','position':'Ministro'}]},"   \
    "{'id':'a','title':'Alpha','date':'2022-07','countries':['GT'],'kind':'action'},"              \
    "{'id':'c','title':'Gamma','date':'2021','countries':['HN'],'kind':'report'},"                 \
    "{'id':'d','title':'Delta','date':'2022-07-15','countries':['GT']}]},"                         \
    "{'slug':'empty','title':'Empty','items':[]}]}"

START_TEST(valid_file_counts)
{
    assert_loads(VALID);
    ck_assert_str_eq(text(data->title), "Root Causes");
    ck_assert_int_eq(data->ncountries, 3);
    ck_assert_str_eq(data->countries[2].code, "HN");
    ck_assert_str_eq(text(data->countries[1].name), "El Salvador");
    ck_assert_str_eq(rc_str(data, data->countries[1].folded[0]), "el salvador");
    ck_assert_int_eq(data->npages, 2);
    ck_assert_int_eq(data->ncollections, 2);
    ck_assert_int_eq(data->collections[0].nitems, 4);
    ck_assert_int_eq(data->collections[1].nitems, 0);
    ck_assert_int_eq(data->nitems, 4);
    ck_assert_uint_eq(data->head->nitems, 4);
    ck_assert_str_eq(text(data->pages[1].title), "About");
    /* built from memory: page files are not read */
    ck_assert_str_eq(body(1, 0), "");
    ck_assert_uint_eq(data->head->nfiles, 0);
    {
        const rc_item *b = item(&data->collections[0], "b");
        const apr_uint16_t *c = rc_item_countries(data, b);
        ck_assert_str_eq(rc_str(data, b->id), "b");
        ck_assert_str_eq(rc_str(data, b->date), "2022-07");
        ck_assert_int_eq(b->start, 20220701);
        ck_assert_int_eq(b->end, 20220731);
        ck_assert_int_eq(rc_item_prec(b), 1);
        ck_assert_int_eq(b->ncountries, 2);
        ck_assert_int_eq(c[0], 1); /* data order: SV, GT */
        ck_assert_int_eq(c[1], 0);
        ck_assert_int_eq(rc_item_persons(data, b)[0].country, 2);
        ck_assert_str_eq(text(b->title), "Informe P\xc3\xa9rez");
    }
    ck_assert_int_eq(rc_item_prec(item(&data->collections[0], "c")), 0);
    ck_assert_int_eq(rc_item_prec(item(&data->collections[0], "d")), 2);
}
END_TEST

/* Many collections, each with items (the build's tables of collections grow as they come). */
START_TEST(many_collections)
{
    const char *doc = HEAD ",'collections':[";
    for (int c = 0; c < 40; c++) {
        doc = apr_psprintf(pool, "%s%s{'slug':'c%d','title':'C%d','items':[", doc, c ? "," : "", c,
                           c);
        for (int i = 0; i <= c % 13; i++)
            doc = apr_psprintf(pool, "%s%s{'id':'i%d','title':'Item %d of %d','date':'20%02d',"
                                     "'countries':['GT'],'kind':'k%d'}",
                               doc, i ? "," : "", i, i, c, 10 + i, i % 3);
        doc = apr_pstrcat(pool, doc, "]}", NULL);
    }
    assert_loads(apr_pstrcat(pool, doc, "]}", NULL));
    ck_assert_int_eq(data->ncollections, 40);
    for (int c = 0; c < 40; c++) {
        const rc_collection *col = &data->collections[c];
        ck_assert_str_eq(col->slug, apr_psprintf(pool, "c%d", c));
        ck_assert_int_eq(col->nitems, c % 13 + 1);
        ck_assert_str_eq(text(col->items[0].title),
                         apr_psprintf(pool, "Item %d of %d", c % 13, c));
        ck_assert_int_eq(col->nkinds, c % 13 >= 2 ? 3 : c % 13 + 1);
    }
}
END_TEST

START_TEST(lookups)
{
    const rc_collection *col;

    assert_loads(VALID);
    col = &data->collections[0];
    ck_assert_int_eq(rc_data_country(data, "GT"), 0);
    ck_assert_int_eq(rc_data_country(data, "HN"), 2);
    ck_assert_int_eq(rc_data_country(data, "gt"), -1);
    ck_assert_int_eq(rc_data_country(data, "XX"), -1);
    ck_assert_ptr_eq(rc_data_nav(data, "about")->page, &data->pages[1]);
    ck_assert_ptr_null(rc_data_nav(data, "about")->collection);
    ck_assert_ptr_eq(rc_data_nav(data, "reports")->collection, &data->collections[0]);
    ck_assert_ptr_null(rc_data_nav(data, "reports")->page);
    ck_assert_ptr_null(rc_data_nav(data, "nope"));
    ck_assert_ptr_null(rc_data_nav(data, "assets"));
    /* items by id: positions newest first (d, a, b, c) */
    ck_assert_int_eq(rc_item_find(data, col, "d"), 0);
    ck_assert_int_eq(rc_item_find(data, col, "a"), 1);
    ck_assert_int_eq(rc_item_find(data, col, "b"), 2);
    ck_assert_int_eq(rc_item_find(data, col, "c"), 3);
    ck_assert_int_eq(rc_item_find(data, col, "z"), -1);
    ck_assert_int_eq(rc_item_find(data, col, ""), -1);
    ck_assert_int_eq(rc_item_find(data, &data->collections[1], "a"), -1);
    ck_assert_int_eq(rc_data_lang(data, "en"), 0);
    ck_assert_int_eq(rc_data_lang(data, "es"), -1);
}
END_TEST

START_TEST(nav_follows_data_order)
{
    assert_loads(VALID);
    ck_assert_int_eq(data->nnav, 4);
    ck_assert_str_eq(data->nav[0].slug, "index");
    ck_assert_str_eq(text(data->nav[0].title), "Home");
    ck_assert_uint_eq(data->nav[0].nav, 0);
    ck_assert_ptr_eq(data->nav[0].page, &data->pages[0]);
    ck_assert_str_eq(data->nav[1].slug, "about");
    ck_assert_str_eq(data->nav[2].slug, "reports");
    ck_assert_str_eq(text(data->nav[2].title), "Reports");
    ck_assert_ptr_eq(data->nav[2].collection, &data->collections[0]);
    ck_assert_str_eq(data->nav[3].slug, "empty");

    /* collections listed before pages come first */
    assert_loads("{'title':'T'," COUNTRIES ",'collections':[{'slug':'r','title':'R','items':[]}],"
                 "'pages':[{'slug':'b','title':'B','file':'b'}," INDEX_PAGE "]}");
    ck_assert_int_eq(data->nnav, 3);
    ck_assert_str_eq(data->nav[0].slug, "r");
    ck_assert_str_eq(data->nav[1].slug, "b");
    ck_assert_str_eq(data->nav[2].slug, "index");
}
END_TEST

/* The ids of col in position order, and in oldest-first order. */
static const char *positions(const rc_collection *col, int asc)
{
    const char *s = "";
    for (int k = 0; k < col->nitems; k++)
        s = apr_pstrcat(pool, s, k ? "," : "",
                        rc_str(data, col->items[asc ? (int)col->asc[k] : k].id), NULL);
    return s;
}

START_TEST(sort_orders_break_ties_by_id)
{
    const rc_collection *col;

    assert_loads(VALID);
    col = &data->collections[0];
    /* b 2022-07, a 2022-07, c 2021, d 2022-07-15 in the data: stored newest first by the
     * period's start, ties by id ascending in both orders */
    ck_assert_str_eq(positions(col, 0), "d,a,b,c");
    ck_assert_str_eq(positions(col, 1), "c,a,b,d");
    /* by_id: positions sorted by id */
    ck_assert_int_eq(col->by_id[0], 1);
    ck_assert_int_eq(col->by_id[1], 2);
    ck_assert_int_eq(col->by_id[2], 3);
    ck_assert_int_eq(col->by_id[3], 0);
}
END_TEST

START_TEST(kinds_are_sorted_and_distinct)
{
    const rc_collection *col;

    assert_loads(VALID);
    col = &data->collections[0];
    ck_assert_int_eq(col->nkinds, 2);
    ck_assert_str_eq(col->kinds[0].slug, "action");
    ck_assert_str_eq(col->kinds[1].slug, "report");
    ck_assert_uint_eq(col->kinds[0].label, 0);
    ck_assert_int_eq(item(col, "a")->kind, 0);
    ck_assert_int_eq(item(col, "b")->kind, 1);
    ck_assert_int_eq(item(col, "d")->kind, -1);
    ck_assert_int_eq(data->collections[1].nkinds, 0);
}
END_TEST

START_TEST(year_range)
{
    assert_loads(VALID);
    ck_assert_int_eq(data->collections[0].min_year, 2021);
    ck_assert_int_eq(data->collections[0].max_year, 2022);
    ck_assert_int_eq(data->collections[1].min_year, 0);
    ck_assert_int_eq(data->collections[1].max_year, 0);
}
END_TEST

/* The ids q's words find in col, in position order. */
static const char *found(const rc_collection *col, const char *q)
{
    int n;
    const char **words = rc_words_split(pool, rc_fold(pool, q, strlen(q)), &n);
    apr_uint64_t *set = rc_words_match(pool, &data->img, col->words, words);
    const char *s = "";
    for (int k = 0; k < col->nitems; k++)
        if (set[k >> 6] >> (k & 63) & 1)
            s = apr_pstrcat(pool, s, *s ? "," : "", rc_str(data, col->items[k].id), NULL);
    return s;
}

/* q's dictionary holds the folded words of titles, summaries, persons' names and positions */
START_TEST(words_of_titles_summaries_and_persons_are_folded)
{
    const rc_collection *col;

    assert_loads(VALID);
    col = &data->collections[0];
    ck_assert_str_eq(found(col, "perez"), "b");     /* title, accents removed */
    ck_assert_str_eq(found(col, "NINEZ"), "b");     /* summary */
    ck_assert_str_eq(found(col, "jos\xc3\xa9"), "b"); /* a person's name */
    ck_assert_str_eq(found(col, "nunez"), "b");     /* NÚÑEZ */
    ck_assert_str_eq(found(col, "ministro"), "b");  /* a position */
    ck_assert_str_eq(found(col, "alpha"), "a");
    ck_assert_str_eq(found(col, "a"), "a");         /* alpha: a word begins with it */
    ck_assert_str_eq(found(col, "2022"), "");       /* dates are not words of the items */
    ck_assert_str_eq(found(col, "honduras"), "");   /* nor countries */
    ck_assert_str_eq(found(col, "report"), "");     /* nor kinds */
    ck_assert_str_eq(found(col, "y"), "b");
    ck_assert_uint_eq(data->collections[1].words->nwords, 0);
}
END_TEST

START_TEST(hash_is_hex_and_follows_content)
{
    char h1[33], h2[33], t1[17];

    assert_loads(VALID);
    ck_assert_uint_eq(strlen(data->hash), 32);
    ck_assert_uint_eq(strspn(data->hash, "0123456789abcdef"), 32);
    ck_assert_uint_eq(strlen(data->tag), 16);
    ck_assert_uint_eq(strspn(data->tag, "0123456789abcdef"), 16);
    strcpy(h1, data->hash);
    strcpy(t1, data->tag);
    assert_loads(VALID);
    ck_assert_str_eq(data->hash, h1);
    ck_assert_str_eq(data->tag, t1);
    assert_loads(HEAD "}");
    strcpy(h2, data->hash);
    ck_assert_str_ne(h1, h2);
    ck_assert_str_ne(data->tag, t1);
    assert_loads("{'title':'U'," COUNTRIES "," PAGES "}");
    ck_assert_str_ne(data->hash, h2);
}
END_TEST

/* ---- languages and texts ---- */

#define LANGS "'languages':['en','es'],"
/* A file in English and Spanish with one collection holding items */
#define BILINGUAL(items) BILINGUAL_KINDS("", items)
#define BILINGUAL_KINDS(kinds, items)                                                              \
    "{" LANGS "'title':{'en':'Root Causes','es':'Causas de fondo'},"                              \
    "'countries':[{'code':'GT','name':'Guatemala'},"                                               \
    "{'code':'SV','name':{'en':'El Salvador','es':'El Salvador (es)'}}],"                          \
    "'pages':[{'slug':'index','title':{'en':'Home','es':'Inicio'},'nav':{'en':'Start'},"           \
    "'file':{'en':'en.html','es':'es.html'}},{'slug':'about','title':'About','file':'a.html'}],"   \
    "'collections':[{'slug':'reports','title':{'en':'Reports','es':'Informes'},"                  \
    "'nav':{'en':'Rep','es':'Inf'}," kinds "'items':[" items "]}]}"
#define ACTION_ES "'kinds':{'action':{'es':'Acci\\u00f3n'}},"
#define TEXT_DEFAULT TEXT ", with one for \"en\" (the default language)"
#define TEXT_DECLARED TEXT ", for the declared languages only (en, es)"

START_TEST(languages_are_declared_default_first)
{
    assert_loads(BILINGUAL(""));
    ck_assert_int_eq(data->nlang, 2);
    ck_assert_str_eq(data->langs[0], "en");
    ck_assert_str_eq(data->langs[1], "es");
    ck_assert_int_eq(rc_data_lang(data, "es"), 1);
    ck_assert_int_eq(rc_data_lang(data, "fr"), -1);
    assert_loads("{'languages':['es','en'],'title':'T'," COUNTRIES "," PAGES "}");
    ck_assert_str_eq(data->langs[0], "es");
    /* a string is a text in the default language, whichever it is */
    ck_assert_str_eq(rc_test_text(data, data->title, 0), "T");
    assert_loads("{'languages':['fr'],'title':{'fr':'Titre'}," COUNTRIES "," PAGES "}");
    ck_assert_int_eq(data->nlang, 1);
    ck_assert_str_eq(data->langs[0], "fr");
}
END_TEST

START_TEST(bad_languages_are_refused)
{
    assert_error("{'languages':'en','title':'T'," COUNTRIES "," PAGES "}",
                 "languages is \"en\", expected an array of language codes (two lower-case "
                 "letters), the default first");
    assert_error("{'languages':[],'title':'T'," COUNTRIES "," PAGES "}",
                 "languages is [], expected an array of language codes (two lower-case "
                 "letters), the default first");
    assert_error("{'languages':['en','EN'],'title':'T'," COUNTRIES "," PAGES "}",
                 "languages[1] is \"EN\", expected a language code: two lower-case letters, such "
                 "as \"en\" or \"es\"");
    assert_error("{'languages':['eng'],'title':'T'," COUNTRIES "," PAGES "}",
                 "languages[0] is \"eng\", expected a language code: two lower-case letters, "
                 "such as \"en\" or \"es\"");
    assert_error("{'languages':['en',5],'title':'T'," COUNTRIES "," PAGES "}",
                 "languages[1] is 5, expected a language code: two lower-case letters, such as "
                 "\"en\" or \"es\"");
    assert_error("{'languages':['en','es','en'],'title':'T'," COUNTRIES "," PAGES "}",
                 "languages[2] is \"en\", expected a language not declared before");
}
END_TEST

START_TEST(texts_are_strings_or_objects_by_language)
{
    const rc_collection *col;
    const rc_item *it;
    int fallback = -1;

    assert_loads(BILINGUAL(ITEM(",'summary':{'en':'Sum','es':'Resumen'}")));
    /* an object: one string per language */
    ck_assert_str_eq(rc_str(data, rc_text(data, data->title, 0, &fallback)), "Root Causes");
    ck_assert_int_eq(fallback, 0);
    ck_assert_str_eq(rc_str(data, rc_text(data, data->title, 1, &fallback)), "Causas de fondo");
    ck_assert_int_eq(fallback, 0);
    /* a string: the default language's, which the others fall back to */
    ck_assert_str_eq(rc_str(data, rc_text(data, data->countries[0].name, 1, &fallback)),
                     "Guatemala");
    ck_assert_int_eq(fallback, 1);
    ck_assert_str_eq(rc_str(data, rc_text(data, data->countries[0].name, 0, &fallback)),
                     "Guatemala");
    ck_assert_int_eq(fallback, 0);
    ck_assert_str_eq(rc_test_text(data, data->countries[1].name, 1), "El Salvador (es)");
    /* country names are folded in every language they have */
    ck_assert_str_eq(rc_str(data, data->countries[1].folded[1]), "el salvador (es)");
    ck_assert_uint_eq(data->countries[0].folded[1], 0);
    col = &data->collections[0];
    it = &col->items[0];
    ck_assert_str_eq(rc_test_text(data, it->title, 1), "A");
    rc_text(data, it->title, 1, &fallback);
    ck_assert_int_eq(fallback, 1);
    ck_assert_str_eq(rc_test_text(data, it->summary, 1), "Resumen");
    /* an object with the default language only falls back in the others */
    rc_text(data, data->pages[0].nav, 1, &fallback);
    ck_assert_int_eq(fallback, 1);
    /* no text: 0, and no fallback */
    ck_assert_uint_eq(rc_text(data, 0, 1, &fallback), 0);
    ck_assert_int_eq(fallback, 0);
    /* a language past the declared ones reads as the default */
    ck_assert_str_eq(rc_str(data, rc_text(data, data->title, 7, &fallback)), "Root Causes");
}
END_TEST

START_TEST(text_needs_the_default_language)
{
    assert_error("{" LANGS "'title':{'es':'Causas'}," COUNTRIES "," PAGES "}",
                 "title is {\"es\":\"Causas\"}, expected " TEXT_DEFAULT);
    assert_error(BILINGUAL(ITEM(",'summary':{'es':'Resumen'}")),
                 ITEM_PATH ".summary is {\"es\":\"Resumen\"}, expected " TEXT_DEFAULT);
    assert_error("{'title':{'es':'T'}," COUNTRIES "," PAGES "}",
                 "title is {\"es\":\"T\"}, expected " TEXT ", for the declared languages only "
                 "(en)");
    assert_error("{" LANGS "'title':{}," COUNTRIES "," PAGES "}", "title is {}, expected " TEXT);
    assert_error("{" LANGS "'title':{'en':''}," COUNTRIES "," PAGES "}",
                 "title.en is \"\", expected a non-empty string");
    assert_error("{" LANGS "'title':{'en':'T','es':5}," COUNTRIES "," PAGES "}",
                 "title.es is 5, expected a non-empty string");
}
END_TEST

START_TEST(text_in_an_undeclared_language_is_refused)
{
    assert_error("{" LANGS "'title':{'en':'T','fr':'Titre'}," COUNTRIES "," PAGES "}",
                 "title is {\"en\":\"T\",\"fr\":\"Titre\"}, expected " TEXT_DECLARED);
    assert_error(BILINGUAL(ITEM(",'persons':[{'name':'Ana','position':{'en':'J','de':'R'}}]")),
                 ITEM_PATH ".persons[0].position is {\"en\":\"J\",\"de\":\"R\"}, expected "
                 TEXT_DECLARED);
    assert_error("{" LANGS "'title':{'en':'T','ES':'x'}," COUNTRIES "," PAGES "}",
                 "title.ES is \"x\", expected a string for a language code (two lower-case "
                 "letters, declared in languages)");
    assert_error("{" LANGS "'title':{'en':'T','spa':'x'}," COUNTRIES "," PAGES "}",
                 "title.spa is \"x\", expected a string for a language code (two lower-case "
                 "letters, declared in languages)");
}
END_TEST

START_TEST(page_files_per_language)
{
    assert_loads(BILINGUAL(""));
    /* from memory the bodies are empty, but each language has its own */
    ck_assert_uint_ne(data->pages[0].body[0], 0);
    ck_assert_uint_ne(data->pages[0].body[1], 0);
    /* one file: the default language's; the others have none (they show it, marked) */
    ck_assert_uint_ne(data->pages[1].body[0], 0);
    ck_assert_uint_eq(data->pages[1].body[1], 0);
    ck_assert(data->pages[1].mtimes[1] == data->pages[1].mtimes[0]);

    assert_error("{" LANGS "'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'H',"
                 "'file':{'es':'es.html'}}]}",
                 "pages[0].file is {\"es\":\"es.html\"}, expected a page file, or an object of "
                 "page files by language with one for \"en\" (the default language)");
    assert_error("{" LANGS "'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'H',"
                 "'file':{'en':'en.html','fr':'fr.html'}}]}",
                 "pages[0].file.fr is \"fr.html\", expected a page file for a declared language "
                 "(en, es)");
    assert_error("{" LANGS "'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'H',"
                 "'file':{}}]}",
                 "pages[0].file is {}, expected a page file, or an object of page files by "
                 "language");
    assert_error("{" LANGS "'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'H',"
                 "'file':{'en':''}}]}",
                 "pages[0].file.en is \"\", expected a file name relative to the data file's "
                 "folder");
}
END_TEST

START_TEST(page_files_per_language_are_read)
{
    const char *tmp;
    char *dir;
    const char *doc = json("{" LANGS "'title':'T'," COUNTRIES ",'pages':[{'slug':'index',"
                           "'title':'H','file':{'en':'en.html','es':'es/index.html'}},"
                           "{'slug':'about','title':'A','file':'en.html'}]}");
    const char *err;

    ck_assert_int_eq(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    dir = apr_pstrcat(pool, tmp, "/rc-test-XXXXXX", NULL);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(apr_dir_make(apr_pstrcat(pool, dir, "/es", NULL), APR_FPROT_OS_DEFAULT, pool),
                     APR_SUCCESS);
    write_file(dir, "data.json", doc);
    write_file(dir, "en.html", "<p>Hello</p>");
    write_file(dir, "es/index.html", "<p>Hola</p>");
    err = rc_test_load_file(pool, apr_pstrcat(pool, dir, "/data.json", NULL), NULL, &data);

    apr_file_remove(apr_pstrcat(pool, dir, "/es/index.html", NULL), pool);
    apr_dir_remove(apr_pstrcat(pool, dir, "/es", NULL), pool);
    apr_file_remove(apr_pstrcat(pool, dir, "/en.html", NULL), pool);
    apr_file_remove(apr_pstrcat(pool, dir, "/data.json", NULL), pool);
    apr_dir_remove(dir, pool);

    ck_assert_msg(err == NULL, "%s", err);
    ck_assert_str_eq(body(0, 0), "<p>Hello</p>");
    ck_assert_str_eq(body(0, 1), "<p>Hola</p>");
    /* a file named twice is one string */
    ck_assert_uint_eq(data->pages[0].body[0], data->pages[1].body[0]);
    ck_assert_uint_eq(data->pages[1].body[1], 0);
    ck_assert_uint_eq(data->head->nfiles, 3);
}
END_TEST

START_TEST(nav_labels_are_texts)
{
    assert_loads(BILINGUAL(""));
    ck_assert_str_eq(data->nav[0].slug, "index");
    ck_assert_str_eq(rc_test_text(data, data->nav[0].nav, 0), "Start");
    ck_assert_str_eq(rc_test_text(data, data->nav[0].nav, 1), "Start");
    ck_assert_str_eq(rc_test_text(data, data->nav[0].title, 1), "Inicio");
    ck_assert_uint_eq(data->nav[1].nav, 0);
    ck_assert_str_eq(rc_test_text(data, data->nav[2].nav, 1), "Inf");
    ck_assert_uint_eq(data->nav[2].nav, data->collections[0].nav);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'H','file':'f',"
                 "'nav':''}]}",
                 "pages[0].nav is \"\", expected " TEXT);
    assert_error(HEAD ",'collections':[{'slug':'r','title':'R','nav':['x'],'items':[]}]}",
                 "collections[0].nav is [\"x\"], expected " TEXT);
}
END_TEST

START_TEST(kind_labels_by_language)
{
    const rc_collection *col;
    const apr_uint32_t *label;

    assert_loads(BILINGUAL_KINDS(ACTION_ES, ITEM(",'kind':'action'") ",{'id':'b','title':'B',"
                                 "'date':'2022','countries':['SV'],'kind':'report'}"));
    col = &data->collections[0];
    ck_assert_int_eq(col->nkinds, 2);
    ck_assert_str_eq(col->kinds[0].slug, "action");
    ck_assert_uint_ne(col->kinds[0].label, 0);
    label = RC_AT(&data->img, apr_uint32_t, col->kinds[0].label);
    /* a label for a language other than the default; the default one has the slug */
    ck_assert_uint_eq(label[0], 0);
    ck_assert_str_eq(rc_str(data, label[1]), "Acci\xc3\xb3n");
    ck_assert_uint_eq(col->kinds[1].label, 0);

    assert_error(BILINGUAL_KINDS(ACTION_ES, ITEM(",'kind':'report'")),
                 "collections[0].kinds.action is {\"es\":\"Acci\xc3\xb3n\"}, expected a kind that "
                 "items of this collection have (report)");
    assert_error(BILINGUAL_KINDS(ACTION_ES, ITEM("")),
                 "collections[0].kinds.action is {\"es\":\"Acci\xc3\xb3n\"}, expected a kind that "
                 "items of this collection have (none)");
    assert_error(HEAD ",'collections':[{'slug':'r','title':'R','kinds':['action'],'items':["
                      ITEM(",'kind':'action'") "]}]}",
                 "collections[0].kinds is [\"action\"], expected an object of kind labels by "
                 "kind, such as {\"action\": {\"es\": \"Acci\xc3\xb3n\"}}");
    assert_error("{" LANGS "'title':'T'," COUNTRIES "," PAGES ",'collections':[{'slug':'r',"
                 "'title':'R','kinds':{'action':{'fr':'Action'}},'items':["
                 ITEM(",'kind':'action'") "]}]}",
                 "collections[0].kinds.action is {\"fr\":\"Action\"}, expected " TEXT_DECLARED);
}
END_TEST

START_TEST(language_codes_are_no_slugs)
{
    #define LANG_SLUG "a slug other than a declared language code (B/es/ is the site in Spanish)"
    assert_error("{" LANGS "'title':'T'," COUNTRIES ",'pages':[" INDEX_PAGE
                 ",{'slug':'es','title':'A','file':'a'}]}",
                 "pages[1].slug is \"es\", expected " LANG_SLUG);
    assert_error("{" LANGS "'title':'T'," COUNTRIES "," PAGES ",'collections':[{'slug':'en',"
                 "'title':'R','items':[]}]}",
                 "collections[0].slug is \"en\", expected " LANG_SLUG);
    /* an undeclared code is an ordinary slug */
    assert_loads("{" LANGS "'title':'T'," COUNTRIES "," PAGES ",'collections':[{'slug':'fr',"
                 "'title':'R','items':[]}]}");
    assert_loads(HEAD ",'collections':[{'slug':'es','title':'R','items':[]}]}");
    #undef LANG_SLUG
}
END_TEST

/* ---- messages in logs ---- */

/* httpd's logs are lines: a key or value of the data file that holds a line break must not
 * make a line of its own once the message is escaped for the log (as the glue does). */
START_TEST(messages_cannot_forge_log_lines)
{
    const char *err = load(HEAD ",'\\n[crit] x':1}");
    const char *logged;

    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, "t.json: \\x0A[crit] x is 1, expected no such key here (known keys: "
                          "title, languages, countries, pages, collections)");
    logged = rc_escape_log(pool, err);
    ck_assert_ptr_null(strchr(logged, '\n'));
    ck_assert_ptr_null(strchr(logged, '\r'));
    ck_assert_str_eq(logged, "t.json: \\\\x0A[crit] x is 1, expected no such key here (known "
                             "keys: title, languages, countries, pages, collections)");

    /* a value with line breaks is shown JSON-escaped */
    err = load("{'title':'T'," COUNTRIES "," PAGES ",'collections':[{'slug':'r\\r\\n[crit] y',"
               "'title':'R','items':[]}]}");
    ck_assert_str_eq(err, "t.json: collections[0].slug is \"r\\u000d\\u000a[crit] y\", expected "
                          "a collection slug " SLUG_RE);
    /* and a duplicate key with one: shown as JSON shows it, one line already */
    err = load("{'title':'T','\\n[crit] z':1,'\\n[crit] z':2}");
    ck_assert_str_eq(err, "t.json: the top level has the key \"\\u000a[crit] z\" twice, expected "
                          "each key once");
    logged = rc_escape_log(pool, err);
    ck_assert_ptr_null(strchr(logged, '\n'));
    /* a lone surrogate escape comes out of yajl as bytes that are no UTF-8: shown as \xNN,
     * so that every message is UTF-8 text */
    ck_assert_str_eq(load("{'title':'\\ude00'," COUNTRIES "," PAGES "}"),
                     "t.json: title is \"\\xed\\xb8\\x80\", expected " TEXT);
    ck_assert_str_eq(load("{'title':'T','\\udc00':1,'\\udc00':2}"),
                     "t.json: the top level has the key \"\\xed\\xb0\\x80\" twice, expected "
                     "each key once");
    ck_assert_str_eq(load("{'title':'T','a\\nb':1,'a\\nb':2}"),
                     "t.json: the top level has the key \"a\\u000ab\" twice, expected each key "
                     "once");
    /* a parent key in the path: escaped as a log line would be (no ESC, CR or LF reaches a
     * terminal through rootcauses-check) */
    ck_assert_str_eq(load("{'title':'T','x\\u001b[2K\\r\\nSyntax OK':{'a':1,'a':2}}"),
                     "t.json: x\\x1B[2K\\x0D\\x0ASyntax OK has the key \"a\" twice, expected "
                     "each key once");
    /* C1 controls and bytes that are not UTF-8 too; other text stays readable */
    ck_assert_str_eq(rc_escape_log(pool, "a\xc2\x85" "b\xff" "c\x7f" "d\\e \xc3\xa9"),
                     "a\\xC2\\x85b\\xFFc\\x7Fd\\\\e \xc3\xa9");
}
END_TEST

Suite *rc_data_suite(void)
{
    Suite *s = suite_create("rc_data");
    TCase *tc;

    tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, minimal_file_loads);
    tcase_add_test(tc, optional_fields_load);
    tcase_add_test(tc, syntax_error_names_line_and_column);
    tcase_add_test(tc, duplicate_key_names_its_object);
    tcase_add_test(tc, unknown_keys_are_refused);
    tcase_add_test(tc, top_level_must_be_an_object);
    tcase_add_test(tc, wrong_types_are_refused);
    tcase_add_test(tc, missing_required_keys_are_refused);
    tcase_add_test(tc, collections_are_optional);
    tcase_add_test(tc, empty_strings_are_refused);
    tcase_add_test(tc, slug_syntax);
    tcase_add_test(tc, bad_slugs_are_refused);
    tcase_add_test(tc, kind_must_be_a_slug);
    tcase_add_test(tc, duplicate_slugs_are_refused);
    tcase_add_test(tc, reserved_slugs_are_refused);
    tcase_add_test(tc, collection_slug_index_is_refused);
    tcase_add_test(tc, index_page_is_required);
    tcase_add_test(tc, country_code_format);
    tcase_add_test(tc, duplicate_country_codes_are_refused);
    tcase_add_test(tc, undeclared_countries_are_refused);
    tcase_add_test(tc, duplicate_country_in_an_item_is_refused);
    tcase_add_test(tc, empty_countries_array_is_refused);
    tcase_add_test(tc, bad_dates_are_refused);
    tcase_add_test(tc, duplicate_ids_are_refused);
    tcase_add_test(tc, bad_source_urls_are_refused);
    tcase_add_test(tc, bad_document_hrefs_are_refused);
    tcase_add_test(tc, document_bytes_must_be_an_integer_up_to_2_53);
    suite_add_tcase(s, tc);

    tc = tcase_create("languages");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, languages_are_declared_default_first);
    tcase_add_test(tc, bad_languages_are_refused);
    tcase_add_test(tc, texts_are_strings_or_objects_by_language);
    tcase_add_test(tc, text_needs_the_default_language);
    tcase_add_test(tc, text_in_an_undeclared_language_is_refused);
    tcase_add_test(tc, page_files_per_language);
    tcase_add_test(tc, page_files_per_language_are_read);
    tcase_add_test(tc, nav_labels_are_texts);
    tcase_add_test(tc, kind_labels_by_language);
    tcase_add_test(tc, language_codes_are_no_slugs);
    tcase_add_test(tc, messages_cannot_forge_log_lines);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, syntax_error_in_a_file_names_the_file);
    tcase_add_test(tc, unreadable_data_file);
    tcase_add_test(tc, fixture_loads_page_files);
    tcase_add_test(tc, failed_build_lists_its_files);
    tcase_add_test(tc, missing_page_file_is_refused);
    tcase_add_test(tc, page_file_outside_the_folder_is_refused);
    tcase_add_test(tc, page_file_not_utf8_is_refused);
    tcase_add_test(tc, hash_covers_page_files);
    suite_add_tcase(s, tc);

    tc = tcase_create("valid");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, valid_file_counts);
    tcase_add_test(tc, many_collections);
    tcase_add_test(tc, lookups);
    tcase_add_test(tc, nav_follows_data_order);
    tcase_add_test(tc, sort_orders_break_ties_by_id);
    tcase_add_test(tc, kinds_are_sorted_and_distinct);
    tcase_add_test(tc, year_range);
    tcase_add_test(tc, words_of_titles_summaries_and_persons_are_folded);
    tcase_add_test(tc, hash_is_hex_and_follows_content);
    suite_add_tcase(s, tc);

    return s;
}
