/* rc_render_json: listing, item and error JSON. Items are written from the image's strings,
 * JSON-escaped once when the image was built, in the response's language; the envelope holds
 * only numbers and declared codes. Error objects are written with jansson. */
#include "rc_render.h"

#include <stdlib.h>

#include <jansson.h>

static void item_object(rc_out *o, const rc_site *s, const rc_collection *col, const rc_item *it)
{
    const rc_data *d = s->data;
    const apr_uint16_t *countries = rc_item_countries(d, it);
    rc_out_puts(o, "{\"id\":\"");
    rc_out_str_json(o, s, it->id);
    rc_out_puts(o, "\",\"title\":\"");
    rc_out_text_json(o, s, it->title);
    rc_out_strs(o, "\",\"date\":\"", rc_str(d, it->date), "\",\"countries\":[", NULL);
    for (int i = 0; i < it->ncountries; i++)
        rc_out_strs(o, i ? ",\"" : "\"", d->countries[countries[i]].code, "\"", NULL);
    rc_out_puts(o, "]");
    if (it->kind >= 0)
        rc_out_strs(o, ",\"kind\":\"", col->kinds[it->kind].slug, "\"", NULL);
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
            if (pe[i].country >= 0)
                rc_out_strs(o, ",\"country\":\"", d->countries[pe[i].country].code, "\"", NULL);
            if (pe[i].position) {
                rc_out_puts(o, ",\"position\":\"");
                rc_out_text_json(o, s, pe[i].position);
                rc_out_puts(o, "\"");
            }
            rc_out_puts(o, "}");
        }
        rc_out_puts(o, "]");
    }
    rc_out_strs(o, ",\"url\":\"", s->home_json, "/", col->slug, "/", rc_str(d, it->id), "\"}",
                NULL);
}

void rc_json_listing(rc_out *o, const rc_site *s, const rc_query *q, const rc_result *r)
{
    const rc_data *d = s->data;
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
            rc_out_write(o, ",", 1);
        item_object(o, s, r->col, &r->col->items[r->ids[k]]);
    }
    rc_out_puts(o, "],\"facets\":{\"country\":{");
    for (int i = 0; i < d->ncountries; i++) {
        rc_out_strs(o, i ? ",\"" : "\"", d->countries[i].code, "\":", NULL);
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
    item_object(o, s, col, it);
    rc_out_write(o, "\n", 1);
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
