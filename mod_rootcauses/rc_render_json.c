/* rc_render_json: listing, item and error JSON. Items are written from the image's strings,
 * JSON-escaped once when the image was built, in the response's language; the envelope holds
 * only numbers and declared codes. Error objects are written with jansson. */
#include "rc_render.h"

#include <stdlib.h>

#include <apr_strings.h>
#include <jansson.h>

/* An item's object. url: the start of its URL (JSON-escaped), home/slug/, made once for all. */
static void item_object(rc_out *o, const rc_site *s, const rc_collection *col,
                        const rc_piece *url, const rc_item *it)
{
    const rc_data *d = s->data;
    const apr_uint16_t *countries = rc_item_countries(d, it);
    rc_out_puts(o, "{\"id\":\"");
    rc_out_str_json(o, s, it->id);
    rc_out_puts(o, "\",\"title\":\"");
    rc_out_text_json(o, s, it->title);
    rc_out_puts(o, "\",\"date\":\"");
    rc_out_str_raw(o, s, it->date);  /* YYYY[-MM[-DD]]: nothing to escape */
    rc_out_puts(o, "\",\"countries\":[");
    for (int i = 0; i < it->ncountries; i++) {
        rc_out_puts(o, i ? ",\"" : "\"");
        rc_out_puts(o, d->countries[countries[i]].code);
        rc_out_puts(o, "\"");
    }
    rc_out_puts(o, "]");
    if (it->kind >= 0) {
        rc_out_puts(o, ",\"kind\":\"");
        rc_out_puts(o, col->kinds[it->kind].slug);
        rc_out_puts(o, "\"");
    }
    if (it->summary) {
        rc_out_puts(o, ",\"summary\":\"");
        rc_out_text_json(o, s, it->summary);
        rc_out_puts(o, "\"");
    }
    if (it->source) {
        rc_out_puts(o, ",\"source\":\"");
        rc_out_str_json(o, s, it->source);
        rc_out_puts(o, "\"");
    }
    if (it->ndocuments) {
        const rc_img_document *docs = rc_item_documents(d, it);
        rc_out_puts(o, ",\"documents\":[");
        for (int i = 0; i < it->ndocuments; i++) {
            rc_out_puts(o, i ? ",{\"title\":\"" : "{\"title\":\"");
            rc_out_text_json(o, s, docs[i].title);
            rc_out_puts(o, "\",\"href\":\"");
            rc_out_str_json(o, s, docs[i].href);
            rc_out_puts(o, "\"");
            if (docs[i].bytes >= 0) {
                rc_out_puts(o, ",\"bytes\":");
                rc_out_int(o, docs[i].bytes);
            }
            rc_out_puts(o, "}");
        }
        rc_out_puts(o, "]");
    }
    if (it->npersons) {
        const rc_img_person *pe = rc_item_persons(d, it);
        rc_out_puts(o, ",\"persons\":[");
        for (int i = 0; i < it->npersons; i++) {
            rc_out_puts(o, i ? ",{\"name\":\"" : "{\"name\":\"");
            rc_out_str_json(o, s, pe[i].name);
            rc_out_puts(o, "\"");
            if (pe[i].country >= 0) {
                rc_out_puts(o, ",\"country\":\"");
                rc_out_puts(o, d->countries[pe[i].country].code);
                rc_out_puts(o, "\"");
            }
            if (pe[i].position) {
                rc_out_puts(o, ",\"position\":\"");
                rc_out_text_json(o, s, pe[i].position);
                rc_out_puts(o, "\"");
            }
            rc_out_puts(o, "}");
        }
        rc_out_puts(o, "]");
    }
    rc_out_puts(o, ",\"url\":\"");
    rc_out_piece(o, url);
    rc_out_str_raw(o, s, it->id);  /* a slug */
    rc_out_puts(o, "\"}");
}

/* The start of items' URLs in col: home/slug/, JSON-escaped. */
static rc_piece items_url(apr_pool_t *p, const rc_site *s, const rc_collection *col)
{
    rc_piece url;
    url.s = apr_pstrcat(p, s->home_json, "/", col->slug, "/", NULL);
    url.n = strlen(url.s);
    return url;
}

void rc_json_listing(rc_out *o, const rc_site *s, const rc_query *q, const rc_result *r)
{
    const rc_data *d = s->data;
    rc_piece url = items_url(o->pool, s, r->col);
    rc_out_puts(o, "{\"total\":");
    rc_out_int(o, r->total);
    rc_out_puts(o, ",\"page\":");
    rc_out_int(o, q->page);
    rc_out_puts(o, ",\"per_page\":");
    rc_out_int(o, q->per_page);
    rc_out_puts(o, ",\"pages\":");
    rc_out_int(o, rc_result_pages(r, q->per_page));
    rc_out_puts(o, ",\"items\":[");
    for (int k = 0; k < r->nids; k++) {
        if (k > 0)
            rc_out_puts(o, ",");
        item_object(o, s, r->col, &url, &r->col->items[r->ids[k]]);
    }
    rc_out_puts(o, "],\"facets\":{\"country\":{");
    for (int i = 0; i < d->ncountries; i++) {
        rc_out_puts(o, i ? ",\"" : "\"");
        rc_out_puts(o, d->countries[i].code);
        rc_out_puts(o, "\":");
        rc_out_int(o, r->country_counts[i]);
    }
    rc_out_puts(o, "},\"year\":{");
    for (int i = 0; i < r->nyears; i++) {
        rc_out_puts(o, i ? ",\"" : "\"");
        rc_out_int(o, r->years[i].year);
        rc_out_puts(o, "\":");
        rc_out_int(o, r->years[i].count);
    }
    rc_out_puts(o, "}}}\n");
}

void rc_json_item(rc_out *o, const rc_site *s, const rc_collection *col, const rc_item *it)
{
    rc_piece url = items_url(o->pool, s, col);
    item_object(o, s, col, &url, it);
    rc_out_puts(o, "\n");
}

void rc_json_error(rc_out *o, int status, const char *param, const char *message)
{
    json_t *root = json_pack("{s:{s:i,s:s?,s:s}}", "error", "status", status, "parameter", param,
                             "message", message);
    char *text = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text) {
        rc_out_puts(o, text);
        rc_out_write(o, "\n", 1);
    }
    else
        rc_out_printf(o, "{\"error\":{\"status\":%d,\"parameter\":null,\"message\":\"\"}}\n",
                      status);
    free(text);  /* jansson's malloc */
    json_decref(root);
}
