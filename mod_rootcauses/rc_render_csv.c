/* rc_render_csv: every matching row, streamed: the brigade is handed on every
 * RC_CSV_FLUSH_ROWS rows, so memory stays flat whatever the number of rows. */
#include "rc_render.h"
#include "rc_text.h"

#include <string.h>

#include <apr_strings.h>

#define RC_CSV_FLUSH_ROWS 512

void rc_csv_listing(rc_out *o, const rc_site *s, const rc_result *r)
{
    apr_pool_t *rows;
    /* Rows are written from a pool cleared with each flush, so that memory stays flat. */
    apr_pool_create(&rows, o->pool);
    rc_out_puts(o, "id,date,title,countries,kind,url\r\n");
    for (int k = 0; k < r->nids; k++) {
        const rc_item *it = &r->col->items[r->ids[k]];
        const char *url = apr_pstrcat(rows, s->base_url, "/", r->col->slug, "/", it->id, NULL);
        rc_out_puts(o, rc_csv_row_head(rows, s->data, it));
        rc_out_puts(o, s->base_csv_plain ? url : rc_escape_csv(rows, url));
        rc_out_write(o, "\r\n", 2);
        if (o->flush && (k + 1) % RC_CSV_FLUSH_ROWS == 0) {
            o->flush(o->bb, o->flush_ctx);
            apr_pool_clear(rows);
        }
    }
    apr_pool_destroy(rows);
}
