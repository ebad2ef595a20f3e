/* rc_render_csv: every matching row, streamed. Rows were rendered at load; a row costs three
 * writes, and the brigade is handed on every RC_CSV_FLUSH_ROWS rows so memory stays flat. */
#include "rc_render.h"
#include "rc_text.h"

#include <string.h>

#include <apr_strings.h>

#define RC_CSV_FLUSH_ROWS 512

void rc_csv_listing(rc_out *o, const rc_site *s, const rc_result *r)
{
    rc_out_puts(o, "id,date,title,countries,kind,url\r\n");
    for (int k = 0; k < r->nids; k++) {
        const rc_item *it = &r->col->items[r->ids[k]];
        rc_out_piece(o, &it->csv_row.before);
        if (s->base_csv_plain) {
            rc_out_puts(o, s->base_url);
            rc_out_piece(o, &it->csv_row.after);
        }
        else {
            /* a mount point with a comma or a quote: quote this row's url cell as a whole */
            const char *url = apr_pstrcat(o->pool, s->base_url, it->csv_row.after.s, NULL);
            apr_size_t n = strlen(url);
            url = apr_pstrndup(o->pool, url, n - 2);  /* without its CRLF */
            rc_out_puts(o, rc_escape_csv(o->pool, url));
            rc_out_write(o, "\r\n", 2);
        }
        if (o->flush && (k + 1) % RC_CSV_FLUSH_ROWS == 0)
            o->flush(o->bb, o->flush_ctx);
    }
}
