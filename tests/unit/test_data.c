/* Unit tests for rc_data: every rule of docs/REFERENCE.md "The data file" with the message an admin
 * gets, and what a valid file turns into (counts, navigation, sort orders, kinds, years, folded
 * text, hash).
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
#include "rc_data.h"

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
    data = NULL;
    return rc_data_load_buffer(pool, "t.json", s, strlen(s), &data);
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
    ck_assert_str_eq(data->title, "T");
    ck_assert_int_eq(data->ncountries, 2);
    ck_assert_int_eq(data->npages, 1);
    ck_assert_int_eq(data->ncollections, 0);
    ck_assert_int_eq(data->nnav, 1);
    ck_assert_str_eq(data->path, "t.json");
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
        const rc_item *it = &data->collections[0].items[0];
        ck_assert_str_eq(it->kind, "report-to-congress");
        ck_assert_str_eq(it->summary, "S");
        ck_assert_str_eq(it->source, "https://www.state.gov/x?a=1");
        ck_assert_int_eq(it->ndocuments, 2);
        ck_assert_str_eq(it->documents[0].href, "files/a.pdf");
        ck_assert_int_eq(it->documents[0].bytes, 0);
        ck_assert_int_eq(it->documents[1].bytes, -1);
        ck_assert_int_eq(it->npersons, 2);
        ck_assert_int_eq(it->persons[0].country, 1);
        ck_assert_str_eq(it->persons[0].position, "Judge");
        ck_assert_int_eq(it->persons[1].country, -1);
        ck_assert_ptr_null(it->persons[1].position);
    }
    assert_loads(WITH_ITEMS(ITEM("")));
    {
        const rc_item *it = &data->collections[0].items[0];
        ck_assert_ptr_null(it->kind);
        ck_assert_ptr_null(it->summary);
        ck_assert_ptr_null(it->source);
        ck_assert_int_eq(it->ndocuments, 0);
        ck_assert_int_eq(it->npersons, 0);
    }
}
END_TEST

/* ---- syntax ---- */

START_TEST(syntax_error_names_line_and_column)
{
    const char *err = load("{\n  'title': 'T',\n  'countries': [,]\n}");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, "t.json:3:17: JSON syntax error: ", 32) == 0, "got: %s", err);
    ck_assert_uint_gt(strlen(err), 32);

    err = load("");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, "t.json:", 7) == 0 && strstr(err, ": JSON syntax error: "),
                  "got: %s", err);
}
END_TEST

START_TEST(duplicate_key_is_a_syntax_error)
{
    const char *err = load("{'title':'T',\n'title':'U'}");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, "t.json:2:", 9) == 0, "got: %s", err);
    ck_assert_msg(strstr(err, "JSON syntax error: ") && strstr(err, "duplicate"), "got: %s", err);
}
END_TEST

START_TEST(syntax_error_in_a_file_names_the_file)
{
    const char *path = rc_test_fixture("site/syntax.json");
    const char *err = rc_data_load(pool, path, &data);
    const char *prefix = apr_pstrcat(pool, path, ":4:24: JSON syntax error: ", NULL);

    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "got: %s", err);
    ck_assert_ptr_null(data);
}
END_TEST

START_TEST(unreadable_data_file)
{
    const char *path = rc_test_fixture("site/no-such-file.json");
    const char *err = rc_data_load(pool, path, &data);
    const char *prefix = apr_pstrcat(pool, path, ": cannot read the data file: ", NULL);

    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "got: %s", err);
}
END_TEST

/* ---- unknown keys, at every level ---- */

START_TEST(unknown_keys_are_refused)
{
    assert_error(HEAD ",'theme':'dark'}", "theme is \"dark\", expected no such key here "
                                          "(known keys: title, countries, pages, collections)");
    assert_error("{'title':'T','countries':[{'code':'GT','name':'Guatemala','flag':1}]," PAGES "}",
                 "countries[0].flag is 1, expected no such key here (known keys: code, name)");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'Home',"
                 "'file':'pages/index.html','menu':true}]}",
                 "pages[0].menu is true, expected no such key here "
                 "(known keys: slug, title, file)");
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'R','items':[],'order':'asc'}]}",
                 "collections[0].order is \"asc\", expected no such key here "
                 "(known keys: slug, title, items)");
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
                       "and collections");
    /* a bare scalar is not even JSON text to jansson */
    ck_assert_msg(strncmp(load("'x'"), "t.json:1:3: JSON syntax error: ", 31) == 0, "got: %s",
                  load("'x'"));
}
END_TEST

START_TEST(wrong_types_are_refused)
{
    assert_error("{'title':5," COUNTRIES "," PAGES "}", "title is 5, expected a non-empty string");
    assert_error("{'title':'T','countries':{}," PAGES "}", "countries is {}, expected an array");
    assert_error("{'title':'T'," COUNTRIES ",'pages':'index'}",
                 "pages is \"index\", expected an array");
    assert_error(HEAD ",'collections':{}}", "collections is {}, expected an array");
    assert_error("{'title':'T','countries':['GT']," PAGES "}",
                 "countries[0] is \"GT\", expected an object with code and name");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[['index']]}",
                 "pages[0] is [\"index\"], expected an object with slug, title and file");
    assert_error(HEAD ",'collections':['reports']}",
                 "collections[0] is \"reports\", expected an object with slug, title and items");
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'R','items':{}}]}",
                 "collections[0].items is {}, expected an array");
    assert_error(WITH_ITEMS("5"), ITEM_PATH " is 5, expected an item object");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021','countries':'GT'}"),
                 ITEM_PATH ".countries is \"GT\", expected an array");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':2021,'countries':['GT']}"),
                 ITEM_PATH ".date is 2021, expected a date as YYYY, YYYY-MM or YYYY-MM-DD");
    assert_error(WITH_ITEMS("{'id':'a','title':['A'],'date':'2021','countries':['GT']}"),
                 ITEM_PATH ".title is [\"A\"], expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'summary':5")),
                 ITEM_PATH ".summary is 5, expected a non-empty string");
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
                 ITEM_PATH ".documents[0].title is 5, expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':false}]")),
                 ITEM_PATH ".documents[0].href is false, expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'persons':[{'name':{}}]")),
                 ITEM_PATH ".persons[0].name is {}, expected a non-empty string");
    assert_error(WITH_ITEMS(PERSON(",'position':1")),
                 ITEM_PATH ".persons[0].position is 1, expected a non-empty string");
}
END_TEST

/* ---- missing required keys ---- */

START_TEST(missing_required_keys_are_refused)
{
    assert_error("{" COUNTRIES "," PAGES "}", "title is missing, expected a non-empty string");
    assert_error("{'title':'T'," PAGES "}", "countries is missing, expected an array");
    assert_error("{'title':'T'," COUNTRIES "}", "pages is missing, expected an array");
    assert_error("{'title':'T','countries':[{'name':'Guatemala'}]," PAGES "}",
                 "countries[0].code is missing, expected two upper-case letters "
                 "(ISO 3166 alpha-2)");
    assert_error("{'title':'T','countries':[{'code':'GT'}]," PAGES "}",
                 "countries[0].name is missing, expected a non-empty string");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'title':'Home','file':'x.html'}]}",
                 "pages[0].slug is missing, expected a page slug " SLUG_RE);
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','file':'x.html'}]}",
                 "pages[0].title is missing, expected a non-empty string");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'Home'}]}",
                 "pages[0].file is missing, expected a file name relative to the data file's "
                 "folder");
    assert_error(HEAD ",'collections':[{'title':'R','items':[]}]}",
                 "collections[0].slug is missing, expected a collection slug " SLUG_RE);
    assert_error(HEAD ",'collections':[{'slug':'reports','items':[]}]}",
                 "collections[0].title is missing, expected a non-empty string");
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'R'}]}",
                 "collections[0].items is missing, expected an array");
    assert_error(WITH_ITEMS("{'title':'A','date':'2021','countries':['GT']}"),
                 ITEM_PATH ".id is missing, expected an item id " SLUG_RE);
    assert_error(WITH_ITEMS("{'id':'a','date':'2021','countries':['GT']}"),
                 ITEM_PATH ".title is missing, expected a non-empty string");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','countries':['GT']}"),
                 ITEM_PATH ".date is missing, expected a date as YYYY, YYYY-MM or YYYY-MM-DD");
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021'}"),
                 ITEM_PATH ".countries is missing, expected an array");
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'href':'a.pdf'}]")),
                 ITEM_PATH ".documents[0].title is missing, expected a non-empty string");
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
                 "title is \"\", expected a non-empty string");
    assert_error("{'title':'T','countries':[{'code':'GT','name':''}]," PAGES "}",
                 "countries[0].name is \"\", expected a non-empty string");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'','file':'x'}]}",
                 "pages[0].title is \"\", expected a non-empty string");
    assert_error("{'title':'T'," COUNTRIES ",'pages':[{'slug':'index','title':'H','file':''}]}",
                 "pages[0].file is \"\", expected a file name relative to the data file's "
                 "folder");
    assert_error(HEAD ",'collections':[{'slug':'reports','title':'','items':[]}]}",
                 "collections[0].title is \"\", expected a non-empty string");
    assert_error(WITH_ITEMS("{'id':'a','title':'','date':'2021','countries':['GT']}"),
                 ITEM_PATH ".title is \"\", expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'summary':''")),
                 ITEM_PATH ".summary is \"\", expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'source':''")),
                 ITEM_PATH ".source is \"\", expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'kind':''")),
                 ITEM_PATH ".kind is \"\", expected a kind " SLUG_RE);
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'','href':'a.pdf'}]")),
                 ITEM_PATH ".documents[0].title is \"\", expected a non-empty string");
    assert_error(WITH_ITEMS(ITEM(",'documents':[{'title':'D','href':''}]")),
                 ITEM_PATH ".documents[0].href is \"\", expected a non-empty string");
    assert_error(WITH_ITEMS(PERSON(",'position':''")),
                 ITEM_PATH ".persons[0].position is \"\", expected a non-empty string");
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

START_TEST(assets_is_no_slug)
{
    assert_error("{'title':'T'," COUNTRIES ",'pages':[" INDEX_PAGE ","
                 "{'slug':'assets','title':'A','file':'a.html'}]}",
                 "pages[1].slug is \"assets\", expected a slug other than \"assets\" "
                 "(B/assets/ serves static files)");
    assert_error(HEAD ",'collections':[{'slug':'assets','title':'R','items':[]}]}",
                 "collections[0].slug is \"assets\", expected a slug other than \"assets\" "
                 "(B/assets/ serves static files)");
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
    assert_error(WITH_ITEMS("{'id':'a','title':'A','date':'2021','countries':[1]}"),
                 ITEM_PATH ".countries[0] is 1, expected a country code declared in "
                           "countries (GT, SV)");
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
    data = NULL;
    return rc_data_load_buffer(pool, "t.json", doc, strlen(doc), &data);
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

START_TEST(document_bytes_must_be_a_non_negative_integer)
{
    assert_error(WITH_ITEMS(DOC(",'bytes':-1")),
                 ITEM_PATH ".documents[0].bytes is -1, expected a non-negative integer");
    assert_error(WITH_ITEMS(DOC(",'bytes':1.5")),
                 ITEM_PATH ".documents[0].bytes is 1.5, expected a non-negative integer");
    assert_error(WITH_ITEMS(DOC(",'bytes':'100'")),
                 ITEM_PATH ".documents[0].bytes is \"100\", expected a non-negative integer");
    assert_error(WITH_ITEMS(DOC(",'bytes':true")),
                 ITEM_PATH ".documents[0].bytes is true, expected a non-negative integer");
    assert_error(WITH_ITEMS(DOC(",'bytes':null")),
                 ITEM_PATH ".documents[0].bytes is null, expected a non-negative integer");
    assert_loads(WITH_ITEMS(DOC(",'bytes':0")));
    ck_assert_int_eq(data->collections[0].items[0].documents[0].bytes, 0);
    assert_loads(WITH_ITEMS(DOC(",'bytes':5000000000")));
    ck_assert(data->collections[0].items[0].documents[0].bytes == APR_INT64_C(5000000000));
}
END_TEST

/* ---- page files (rc_data_load with fixtures) ---- */

static const char *fixture_dir(void)
{
    const char *data_path = rc_test_fixture("site/data.json");
    return apr_pstrndup(pool, data_path, strlen(data_path) - strlen("data.json"));
}

START_TEST(fixture_loads_page_files)
{
    const char *path = rc_test_fixture("site/data.json");
    const char *err = rc_data_load(pool, path, &data);
    const char *dir = fixture_dir();

    ck_assert_msg(err == NULL, "%s", err);
    ck_assert_str_eq(data->path, path);
    ck_assert_str_eq(data->title, "Fixture Site");
    ck_assert_int_eq(data->npages, 2);
    ck_assert_str_eq(data->pages[0].slug, "index");
    ck_assert_str_eq(data->pages[0].body, "<p>Welcome.</p>\n");
    ck_assert_uint_eq(data->pages[0].body_len, 16);
    ck_assert_str_eq(data->pages[0].file, apr_pstrcat(pool, dir, "pages/index.html", NULL));
    ck_assert_str_eq(data->pages[1].body, "<p>About this site: caf\xc3\xa9.</p>\n");
    ck_assert_int_eq(data->nfiles, 3);
    ck_assert_str_eq(data->files[0].path, path);
    ck_assert_str_eq(data->files[1].path, data->pages[0].file);
    ck_assert_str_eq(data->files[2].path, data->pages[1].file);
    ck_assert(data->mtime > 0);
    ck_assert(data->pages[0].mtime >= data->mtime);
    ck_assert_uint_eq(strlen(data->hash), 16);
    ck_assert_uint_eq(strspn(data->hash, "0123456789abcdef"), 16);
}
END_TEST

START_TEST(missing_page_file_is_refused)
{
    const char *path = rc_test_fixture("site/missing-page.json");
    const char *err = rc_data_load(pool, path, &data);
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
    const char *err = rc_data_load(pool, path, &data);

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
    const char *err = rc_data_load(pool, path, &data);

    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, apr_pstrcat(pool, path,
                                      ": pages[1].file is \"pages/latin1.html\", "
                                      "expected a page file in UTF-8 (",
                                      fixture_dir(), "pages/latin1.html is not)", NULL));
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
    ck_assert_ptr_null(rc_data_load(pool, apr_pstrcat(pool, dir, "/data.json", NULL), &d1));
    ck_assert_ptr_null(rc_data_load(pool, apr_pstrcat(pool, dir, "/data.json", NULL), &d2));
    write_file(dir, "pages/index.html", "<p>two</p>");
    ck_assert_ptr_null(rc_data_load(pool, apr_pstrcat(pool, dir, "/data.json", NULL), &d3));

    apr_file_remove(apr_pstrcat(pool, dir, "/pages/index.html", NULL), pool);
    apr_dir_remove(apr_pstrcat(pool, dir, "/pages", NULL), pool);
    apr_file_remove(apr_pstrcat(pool, dir, "/data.json", NULL), pool);
    apr_dir_remove(dir, pool);

    ck_assert_str_eq(d1->hash, d2->hash);
    ck_assert_str_ne(d1->hash, d3->hash);
    ck_assert_str_eq(d3->pages[0].body, "<p>two</p>");
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
    ck_assert_str_eq(data->title, "Root Causes");
    ck_assert_int_eq(data->ncountries, 3);
    ck_assert_str_eq(data->countries[2].code, "HN");
    ck_assert_str_eq(data->countries[1].name, "El Salvador");
    ck_assert_str_eq(data->countries[1].folded, "el salvador");
    ck_assert_int_eq(data->npages, 2);
    ck_assert_int_eq(data->ncollections, 2);
    ck_assert_int_eq(data->collections[0].nitems, 4);
    ck_assert_int_eq(data->collections[1].nitems, 0);
    ck_assert_str_eq(data->pages[1].file, "pages/about.html");
    ck_assert_str_eq(data->pages[1].body, "");
    ck_assert_int_eq(data->nfiles, 0);
    {
        const rc_item *b = &data->collections[0].items[0];
        ck_assert_str_eq(b->id, "b");
        ck_assert_str_eq(b->date_text, "2022-07");
        ck_assert_int_eq(b->date.start, 20220701);
        ck_assert_int_eq(b->date.end, 20220731);
        ck_assert_int_eq(b->ncountries, 2);
        ck_assert_int_eq(b->countries[0], 1); /* data order: SV, GT */
        ck_assert_int_eq(b->countries[1], 0);
        ck_assert_int_eq(b->persons[0].country, 2);
    }
}
END_TEST

START_TEST(lookups)
{
    assert_loads(VALID);
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
    ck_assert_ptr_eq(apr_hash_get(data->collections[0].by_id, "c", APR_HASH_KEY_STRING),
                     &data->collections[0].items[2]);
    ck_assert_ptr_null(apr_hash_get(data->collections[0].by_id, "z", APR_HASH_KEY_STRING));
}
END_TEST

START_TEST(nav_follows_data_order)
{
    assert_loads(VALID);
    ck_assert_int_eq(data->nnav, 4);
    ck_assert_str_eq(data->nav[0].slug, "index");
    ck_assert_str_eq(data->nav[0].title, "Home");
    ck_assert_ptr_eq(data->nav[0].page, &data->pages[0]);
    ck_assert_str_eq(data->nav[1].slug, "about");
    ck_assert_str_eq(data->nav[2].slug, "reports");
    ck_assert_str_eq(data->nav[2].title, "Reports");
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

START_TEST(sort_orders_break_ties_by_id)
{
    const rc_collection *col;

    assert_loads(VALID);
    col = &data->collections[0];
    /* items: 0 b 2022-07, 1 a 2022-07, 2 c 2021, 3 d 2022-07-15 */
    ck_assert_int_eq(col->by_date_desc[0], 3);
    ck_assert_int_eq(col->by_date_desc[1], 1);
    ck_assert_int_eq(col->by_date_desc[2], 0);
    ck_assert_int_eq(col->by_date_desc[3], 2);
    ck_assert_int_eq(col->by_date_asc[0], 2);
    ck_assert_int_eq(col->by_date_asc[1], 1);
    ck_assert_int_eq(col->by_date_asc[2], 0);
    ck_assert_int_eq(col->by_date_asc[3], 3);
}
END_TEST

START_TEST(kinds_are_sorted_and_distinct)
{
    assert_loads(VALID);
    ck_assert_int_eq(data->collections[0].nkinds, 2);
    ck_assert_str_eq(data->collections[0].kinds[0], "action");
    ck_assert_str_eq(data->collections[0].kinds[1], "report");
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

START_TEST(folded_text_has_no_accents)
{
    assert_loads(VALID);
    ck_assert_str_eq(data->collections[0].items[0].folded,
                     "informe perez\nninez y educacion\njose nunez\nministro");
    ck_assert_str_eq(data->collections[0].items[1].folded, "alpha\n");
}
END_TEST

START_TEST(hash_is_16_hex_and_follows_content)
{
    char h1[17], h2[17];

    assert_loads(VALID);
    ck_assert_uint_eq(strlen(data->hash), 16);
    ck_assert_uint_eq(strspn(data->hash, "0123456789abcdef"), 16);
    strcpy(h1, data->hash);
    assert_loads(VALID);
    ck_assert_str_eq(data->hash, h1);
    assert_loads(HEAD "}");
    strcpy(h2, data->hash);
    ck_assert_str_ne(h1, h2);
    assert_loads("{'title':'U'," COUNTRIES "," PAGES "}");
    ck_assert_str_ne(data->hash, h2);
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
    tcase_add_test(tc, duplicate_key_is_a_syntax_error);
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
    tcase_add_test(tc, assets_is_no_slug);
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
    tcase_add_test(tc, document_bytes_must_be_a_non_negative_integer);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, syntax_error_in_a_file_names_the_file);
    tcase_add_test(tc, unreadable_data_file);
    tcase_add_test(tc, fixture_loads_page_files);
    tcase_add_test(tc, missing_page_file_is_refused);
    tcase_add_test(tc, page_file_outside_the_folder_is_refused);
    tcase_add_test(tc, page_file_not_utf8_is_refused);
    tcase_add_test(tc, hash_covers_page_files);
    suite_add_tcase(s, tc);

    tc = tcase_create("valid");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, valid_file_counts);
    tcase_add_test(tc, lookups);
    tcase_add_test(tc, nav_follows_data_order);
    tcase_add_test(tc, sort_orders_break_ties_by_id);
    tcase_add_test(tc, kinds_are_sorted_and_distinct);
    tcase_add_test(tc, year_range);
    tcase_add_test(tc, folded_text_has_no_accents);
    tcase_add_test(tc, hash_is_16_hex_and_follows_content);
    suite_add_tcase(s, tc);

    return s;
}
