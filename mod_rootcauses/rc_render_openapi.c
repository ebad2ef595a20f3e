/* rc_render_openapi: B/openapi.json, an OpenAPI 3.1 description of this data version's JSON,
 * CSV and Atom listings and JSON items, made from the data (collections, countries and kinds
 * are enums) with jansson. */
#include "rc_render.h"
#include "rc_query.h"
#include "rc_words.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <jansson.h>

static json_t *str_enum(const char *const *values, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(values[i]));
    return a;
}

static json_t *schema_ref(apr_pool_t *p, const char *name)
{
    return json_pack("{s:s}", "$ref", apr_pstrcat(p, "#/components/schemas/", name, NULL));
}

static json_t *param_ref(apr_pool_t *p, const char *name)
{
    return json_pack("{s:s}", "$ref", apr_pstrcat(p, "#/components/parameters/", name, NULL));
}

static json_t *query_param(const char *name, const char *description, json_t *schema,
                           int explode_list)
{
    json_t *o = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", name, "in", "query", "required", 0,
                          "description", description, "schema", schema);
    if (explode_list) {
        json_object_set_new(o, "style", json_string("form"));
        json_object_set_new(o, "explode", json_true());
    }
    return o;
}

static json_t *responses(apr_pool_t *p, const char *type, json_t *schema, const char *what)
{
    json_t *ok = json_pack("{s:s,s:{s:{s:o}}}", "description", what, "content", type, "schema",
                           schema);
    json_t *r = json_pack("{s:o}", "200", ok);
    json_object_set_new(r, "304", json_pack("{s:s}", "description", "Not modified (If-None-Match, "
                                                                     "If-Modified-Since)"));
    if (!strcmp(type, "application/json"))
        json_object_set_new(r, "400", json_pack("{s:s,s:{s:{s:o}}}", "description",
                                                "A parameter has a bad value", "content",
                                                "application/json", "schema",
                                                schema_ref(p, "Error")));
    else
        json_object_set_new(r, "400", json_pack("{s:s,s:{s:{s:{s:s}}}}", "description",
                                                "A parameter has a bad value", "content",
                                                "text/plain", "schema", "type", "string"));
    return r;
}

static json_t *listing_params(apr_pool_t *p)
{
    static const char *const names[] = {"country", "from", "to", "kind", "q", "sort", "page",
                                        "per_page"};
    json_t *a = json_array();
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        json_array_append_new(a, param_ref(p, names[i]));
    return a;
}

void rc_openapi(rc_out *o, const rc_site *s)
{
    const rc_data *d = s->data;
    apr_pool_t *p = o->pool;
    const char **codes = apr_palloc(p, sizeof(char *) * (d->ncountries + 1));
    const char **slugs = apr_palloc(p, sizeof(char *) * (d->ncollections + 1));
    const char **langs = apr_palloc(p, sizeof(char *) * (d->nlang + 1));
    apr_hash_t *all_kinds = apr_hash_make(p);
    json_t *doc, *paths, *schemas, *params, *kinds = json_array(), *item;
    char *text;
    int nkinds = 0;

    for (int i = 0; i < d->ncountries; i++)
        codes[i] = d->countries[i].code;
    for (int i = 0; i < d->ncollections; i++) {
        slugs[i] = d->collections[i].slug;
        for (int k = 0; k < d->collections[i].nkinds; k++)
            if (!apr_hash_get(all_kinds, d->collections[i].kinds[k].slug, APR_HASH_KEY_STRING)) {
                apr_hash_set(all_kinds, d->collections[i].kinds[k].slug, APR_HASH_KEY_STRING, "");
                json_array_append_new(kinds, json_string(d->collections[i].kinds[k].slug));
                nkinds++;
            }
    }
    for (int l = 0; l < d->nlang; l++)
        langs[l] = d->langs[l];

    /* ---- schemas ---- */
    schemas = json_object();
    json_object_set_new(schemas, "CountryCode", json_pack("{s:s,s:o,s:s}", "type", "string",
                                                          "enum", str_enum(codes, d->ncountries),
                                                          "description",
                                                          "A country declared by the site"));
    json_object_set_new(schemas, "Collection", json_pack("{s:s,s:o}", "type", "string", "enum",
                                                         str_enum(slugs, d->ncollections)));
    json_object_set_new(schemas, "Kind", nkinds ? json_pack("{s:s,s:o}", "type", "string", "enum",
                                                            json_incref(kinds))
                                                : json_pack("{s:s,s:s}", "type", "string",
                                                            "pattern", "^[a-z0-9][a-z0-9-]{0,63}$"));
    json_object_set_new(schemas, "Document",
        json_pack("{s:s,s:[s,s],s:b,s:{s:{s:s},s:{s:s},s:{s:s,s:i,s:I}}}", "type", "object",
                  "required", "title", "href", "additionalProperties", 0, "properties",
                  "title", "type", "string", "href", "type", "string", "bytes", "type",
                  "integer", "minimum", 0, "maximum", (json_int_t)9007199254740992LL));
    json_object_set_new(schemas, "Person",
        json_pack("{s:s,s:[s],s:b,s:{s:{s:s},s:o,s:{s:s}}}", "type", "object", "required",
                  "name", "additionalProperties", 0, "properties", "name", "type", "string",
                  "country", schema_ref(p, "CountryCode"), "position", "type", "string"));
    item = json_pack("{s:s,s:[s,s,s,s,s],s:b,s:{}}", "type", "object", "required", "id", "title",
                     "date", "countries", "url", "additionalProperties", 0, "properties");
    {
        json_t *props = json_object_get(item, "properties");
        json_object_set_new(props, "id", json_pack("{s:s,s:s}", "type", "string", "pattern",
                                                   "^[a-z0-9][a-z0-9-]{0,63}$"));
        json_object_set_new(props, "title", json_pack("{s:s}", "type", "string"));
        json_object_set_new(props, "date", json_pack("{s:s,s:s,s:s}", "type", "string",
                                                     "pattern",
                                                     "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
                                                     "description",
                                                     "YYYY, YYYY-MM or YYYY-MM-DD: a whole period"));
        json_object_set_new(props, "countries", json_pack("{s:s,s:i,s:o}", "type", "array",
                                                          "minItems", 1, "items",
                                                          schema_ref(p, "CountryCode")));
        json_object_set_new(props, "kind", schema_ref(p, "Kind"));
        json_object_set_new(props, "summary", json_pack("{s:s}", "type", "string"));
        json_object_set_new(props, "source", json_pack("{s:s,s:s}", "type", "string", "format",
                                                       "uri"));
        json_object_set_new(props, "documents", json_pack("{s:s,s:o}", "type", "array", "items",
                                                          schema_ref(p, "Document")));
        json_object_set_new(props, "persons", json_pack("{s:s,s:o}", "type", "array", "items",
                                                        schema_ref(p, "Person")));
        json_object_set_new(props, "url", json_pack("{s:s,s:s}", "type", "string", "description",
                                                    "The path of the item's page"));
    }
    json_object_set_new(schemas, "Item", item);
    json_object_set_new(schemas, "Listing",
        json_pack("{s:s,s:[s,s,s,s,s,s],s:b,s:{s:{s:s,s:i},s:{s:s,s:i},s:{s:s,s:i,s:i},"
                  "s:{s:s,s:i},s:{s:s,s:o},s:{s:s,s:[s,s],s:b,s:{s:{s:s,s:o,s:o},"
                  "s:{s:s,s:{s:s,s:s},s:{s:s,s:i}}}}}}",
                  "type", "object", "required", "total", "page", "per_page", "pages", "items",
                  "facets", "additionalProperties", 0, "properties",
                  "total", "type", "integer", "minimum", 0,
                  "page", "type", "integer", "minimum", 1,
                  "per_page", "type", "integer", "minimum", 1, "maximum", RC_MAX_PER_PAGE,
                  "pages", "type", "integer", "minimum", 0,
                  "items", "type", "array", "items", schema_ref(p, "Item"),
                  "facets", "type", "object", "required", "country", "year",
                  "additionalProperties", 0, "properties",
                  "country", "type", "object", "propertyNames", schema_ref(p, "CountryCode"),
                  "additionalProperties", json_pack("{s:s,s:i}", "type", "integer", "minimum", 0),
                  "year", "type", "object", "propertyNames", "type", "string", "pattern",
                  "^[0-9]+$", "additionalProperties", "type", "integer", "minimum", 1));
    json_object_set_new(schemas, "Error",
        json_pack("{s:s,s:[s],s:{s:{s:s,s:[s,s,s],s:{s:{s:s},s:{s:[s,s]},s:{s:s}}}}}", "type",
                  "object", "required", "error", "properties", "error", "type", "object",
                  "required", "status", "parameter", "message", "properties", "status", "type",
                  "integer", "parameter", "type", "string", "null", "message", "type",
                  "string"));

    /* ---- parameters ---- */
    params = json_object();
    json_object_set_new(params, "country",
        query_param("country", "Items with any of these countries: codes or names in any "
                    "language, case-insensitive; repeated or comma-separated",
                    json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "string"), 1));
    json_object_set_new(params, "from",
        query_param("from", "Items whose date period ends on or after the start of this one",
                    json_pack("{s:s,s:s}", "type", "string", "pattern",
                              "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"), 0));
    json_object_set_new(params, "to",
        query_param("to", "Items whose date period starts on or before the end of this one",
                    json_pack("{s:s,s:s}", "type", "string", "pattern",
                              "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"), 0));
    json_object_set_new(params, "kind",
        query_param("kind", "Items of any of these kinds; repeated or comma-separated",
                    json_pack("{s:s,s:o}", "type", "array", "items", schema_ref(p, "Kind")), 1));
    json_object_set_new(params, "q",
        query_param("q", "Words (at most 32, each value at most 200 characters) that must each "
                    "begin a word of the title, summary or a person's name or position, "
                    "ignoring case and accents",
                    json_pack("{s:s,s:i}", "type", "string", "maxLength", RC_Q_MAX_CHARS), 0));
    json_object_set_new(params, "sort",
        query_param("sort", "-date (newest first, the default) or date (oldest first); ties "
                    "by id", json_pack("{s:s,s:[s,s],s:s}", "type", "string", "enum", "-date",
                                       "date", "default", "-date"), 0));
    json_object_set_new(params, "page",
        query_param("page", "The page, from 1; past the end it has no items",
                    json_pack("{s:s,s:i}", "type", "integer", "minimum", 1), 0));
    json_object_set_new(params, "per_page",
        query_param("per_page", "Items per page",
                    json_pack("{s:s,s:i,s:i}", "type", "integer", "minimum", 1, "maximum",
                              RC_MAX_PER_PAGE), 0));
    json_object_set_new(params, "collection",
        json_pack("{s:s,s:s,s:b,s:o}", "name", "collection", "in", "path", "required", 1,
                  "schema", schema_ref(p, "Collection")));
    json_object_set_new(params, "id",
        json_pack("{s:s,s:s,s:b,s:{s:s,s:s}}", "name", "id", "in", "path", "required", 1,
                  "schema", "type", "string", "pattern", "^[a-z0-9][a-z0-9-]{0,63}$"));

    /* ---- paths: the same in the default language and under each other language's /es ----
     * (a literal prefix: a "/{lang}/{collection}.json" template would be the same hierarchy as
     * "/{collection}/{id}.json", which OpenAPI forbids as ambiguous) */
    paths = json_object();
    for (int l = 0; l < d->nlang; l++) {
        const char *prefix = l ? apr_pstrcat(p, "/", langs[l], NULL) : "";
        const char *suffix = l ? apr_pstrcat(p, "_", langs[l], NULL) : "";
        json_t *common = json_array(), *listing_ps, *item_ps;
        json_array_append_new(common, param_ref(p, "collection"));
        listing_ps = json_deep_copy(common);
        {
            json_t *more = listing_params(p);
            json_array_extend(listing_ps, more);
            json_decref(more);
        }
        item_ps = json_deep_copy(common);
        json_array_append_new(item_ps, param_ref(p, "id"));
        json_object_set_new(paths, apr_pstrcat(p, prefix, "/{collection}.json", NULL),
            json_pack("{s:{s:s,s:s,s:o,s:o}}", "get", "summary", "A listing as JSON",
                      "operationId", apr_pstrcat(p, "listingJson", suffix, NULL), "parameters",
                      json_incref(listing_ps), "responses",
                      responses(p, "application/json", schema_ref(p, "Listing"),
                                "One page of the matching items, with facets")));
        json_object_set_new(paths, apr_pstrcat(p, prefix, "/{collection}.csv", NULL),
            json_pack("{s:{s:s,s:s,s:o,s:o}}", "get", "summary",
                      "Every matching item as CSV (page and per_page are checked, not used)",
                      "operationId", apr_pstrcat(p, "listingCsv", suffix, NULL), "parameters",
                      json_incref(listing_ps), "responses",
                      responses(p, "text/csv", json_pack("{s:s}", "type", "string"),
                                "Columns id,date,title,countries,kind,url")));
        json_object_set_new(paths, apr_pstrcat(p, prefix, "/{collection}.atom", NULL),
            json_pack("{s:{s:s,s:s,s:o,s:o}}", "get", "summary",
                      "The newest 50 matching items as an Atom 1.0 feed", "operationId",
                      apr_pstrcat(p, "listingAtom", suffix, NULL), "parameters", listing_ps,
                      "responses",
                      responses(p, "application/atom+xml", json_pack("{s:s}", "type", "string"),
                                "An Atom feed")));
        json_object_set_new(paths, apr_pstrcat(p, prefix, "/{collection}/{id}.json", NULL),
            json_pack("{s:{s:s,s:s,s:o,s:o}}", "get", "summary", "One item as JSON",
                      "operationId", apr_pstrcat(p, "itemJson", suffix, NULL), "parameters", item_ps,
                      "responses",
                      responses(p, "application/json", schema_ref(p, "Item"),
                                "The item, as in the listings")));
        json_decref(common);
    }

    doc = json_pack("{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:{s:o,s:o}}", "openapi", "3.1.0",
                    "info", "title", apr_pstrcat(p, rc_site_text(s, d->title), " API", NULL),
                    "version", apr_pstrndup(p, d->hash, 12), "description",
                    "Listings and items of this site's data as JSON, CSV and Atom. The version "
                    "is the data's: it changes with every change of the data.",
                    "servers", "url", apr_pstrcat(p, s->origin, s->base->url, NULL),
                    "paths", paths, "components", "schemas", schemas, "parameters", params);
    json_decref(kinds);
    text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    if (text) {
        rc_out_puts(o, text);
        rc_out_write(o, "\n", 1);
    }
    free(text);  /* jansson's malloc */
    json_decref(doc);
}
