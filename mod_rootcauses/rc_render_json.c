/* rc_render_json: listing, item and error JSON. Items are the objects rendered with jansson at
 * load; the envelope holds only numbers and declared codes, written directly. */
#include "rc_render.h"

#include <stdlib.h>

#include <jansson.h>

static void item_object(rc_out *o, const rc_site *s, const rc_item *it)
{
    rc_out_piece(o, &it->json.before);
    rc_out_puts(o, s->base_json);
    rc_out_piece(o, &it->json.after);
}

void rc_json_listing(rc_out *o, const rc_site *s, const rc_query *q, const rc_result *r)
{
    const rc_data *d = s->data;
    rc_out_printf(o,
                  "{\"total\":%d,\"page\":%" APR_INT64_T_FMT ",\"per_page\":%d,\"pages\":%"
                  APR_INT64_T_FMT ",\"items\":[",
                  r->total, q->page, q->per_page, rc_result_pages(r, q->per_page));
    for (int k = 0; k < r->nids; k++) {
        if (k > 0)
            rc_out_write(o, ",", 1);
        item_object(o, s, &r->col->items[r->ids[k]]);
    }
    rc_out_puts(o, "],\"facets\":{\"country\":{");
    for (int i = 0; i < d->ncountries; i++)
        rc_out_printf(o, "%s\"%s\":%d", i ? "," : "", d->countries[i].code, r->country_counts[i]);
    rc_out_puts(o, "},\"year\":{");
    for (int i = 0; i < r->nyears; i++)
        rc_out_printf(o, "%s\"%d\":%d", i ? "," : "", r->years[i].year, r->years[i].count);
    rc_out_puts(o, "}}}\n");
}

void rc_json_item(rc_out *o, const rc_site *s, const rc_item *it)
{
    item_object(o, s, it);
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
