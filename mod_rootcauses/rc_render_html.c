/* rc_render_html: pages, listings with their filter form, item pages and error pages, each
 * wrapped in the layout. Everything from the data or the request is escaped on the way out. */
#include "rc_render.h"
#include "rc_text.h"

#include <string.h>

#include <apr_strings.h>

typedef void (*content_fn)(rc_out *o, const rc_site *s, const void *ctx);

/* Writes the layout around content. current is the slug of the navigation entry to mark,
 * ancestor says whether the page is below it (an item) rather than it. */
static void wrap(rc_out *o, const rc_site *s, const char *title, const char *current,
                 int ancestor, const char *head, content_fn content, const void *ctx)
{
    const rc_data *d = s->data;
    for (int i = 0; i < s->layout->nsegs; i++) {
        const rc_segment *seg = &s->layout->segs[i];
        switch (seg->marker) {
        case RC_SEG_TEXT:
            rc_out_piece(o, &seg->text);
            break;
        case RC_SEG_TITLE:
            rc_out_html(o, title);
            rc_out_puts(o, " – ");
            rc_out_html(o, d->title);
            break;
        case RC_SEG_SITE:
            rc_out_html(o, d->title);
            break;
        case RC_SEG_BASE:
            rc_out_puts(o, s->base_html);
            break;
        case RC_SEG_HEAD:
            if (head)
                rc_out_puts(o, head);
            break;
        case RC_SEG_NAV:
            rc_out_puts(o, "<ul>");
            for (int n = 0; n < d->nnav; n++) {
                const rc_nav *nav = &d->nav[n];
                int is_index = nav->page && !strcmp(nav->slug, "index");
                rc_out_strs(o, "<li><a href=\"", s->base_html, "/", is_index ? "" : nav->slug, "\"",
                            NULL);
                if (current && !strcmp(current, nav->slug))
                    rc_out_puts(o, ancestor ? " aria-current=\"true\"" : " aria-current=\"page\"");
                rc_out_puts(o, ">");
                rc_out_html(o, nav->title);
                rc_out_puts(o, "</a></li>");
            }
            rc_out_puts(o, "</ul>");
            break;
        case RC_SEG_CONTENT:
            content(o, s, ctx);
            break;
        }
    }
}

/* ---- pages ---- */

static void page_content(rc_out *o, const rc_site *s, const void *ctx)
{
    const rc_page *page = ctx;
    rc_piece body = {page->body, page->body_len};
    (void)s;
    rc_out_puts(o, "<h1>");
    rc_out_html(o, page->title);
    rc_out_puts(o, "</h1>\n<div class=\"page-body\">\n");
    rc_out_piece(o, &body);
    rc_out_puts(o, "</div>\n");
}

void rc_html_page(rc_out *o, const rc_site *s, const rc_page *page)
{
    wrap(o, s, page->title, page->slug, 0, NULL, page_content, page);
}

/* ---- listings ---- */

typedef struct listing_ctx {
    const rc_collection *col;
    const rc_query *q;
    const rc_result *r;
} listing_ctx;

/* The form field that a parameter's error message belongs to. */
static const char *field_id(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                            const char *param)
{
    if (!param)
        return "filters";
    if (!strcmp(param, "country"))
        return d->ncountries ? apr_pstrcat(p, "f-country-", d->countries[0].code, NULL)
                             : "filters";
    if (!strcmp(param, "kind"))
        return col->nkinds ? apr_pstrcat(p, "f-kind-", col->kinds[0], NULL) : "filters";
    if (!strcmp(param, "from") || !strcmp(param, "to") || !strcmp(param, "q") ||
        !strcmp(param, "sort"))
        return apr_pstrcat(p, "f-", param, NULL);
    return "filters";
}

static const rc_query_error *error_for(const rc_query *q, const char *param)
{
    for (int i = 0; i < q->errors->nelts; i++) {
        const rc_query_error *e = &APR_ARRAY_IDX(q->errors, i, rc_query_error);
        if (e->param && !strcmp(e->param, param))
            return e;
    }
    return NULL;
}

static void field_error(rc_out *o, const rc_query *q, const char *param, const char *id)
{
    const rc_query_error *e = error_for(q, param);
    if (e) {
        rc_out_strs(o, "<p class=\"field-error\" id=\"", id,
                    "-error\"><span class=\"visually-hidden\">Error:</span> ", NULL);
        rc_out_html(o, e->message);
        rc_out_puts(o, "</p>");
    }
}

static void text_field(rc_out *o, const rc_query *q, const char *param, const char *label,
                       const char *type, const char *value, const char *hint_id,
                       const char *extra)
{
    const char *id = apr_pstrcat(o->pool, "f-", param, NULL);
    int bad = error_for(q, param) != NULL;
    rc_out_strs(o, "<div class=\"field", bad ? " field--error" : "", "\"><label for=\"", id,
                "\">", label, "</label>", NULL);
    field_error(o, q, param, id);
    rc_out_strs(o, "<input type=\"", type, "\" id=\"", id, "\" name=\"", param, "\" value=\"",
                NULL);
    if (value)
        rc_out_html(o, value);
    rc_out_puts(o, "\"");
    if (hint_id || bad)
        rc_out_strs(o, " aria-describedby=\"", hint_id ? hint_id : "", hint_id && bad ? " " : "",
                    bad ? id : "", bad ? "-error" : "", "\"", NULL);
    if (bad)
        rc_out_puts(o, " aria-invalid=\"true\"");
    rc_out_strs(o, extra ? extra : "", "></div>\n", NULL);
}

static void error_summary(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    /* autofocus: the summary takes focus on load, as GOV.UK's does (there with a script). */
    rc_out_puts(o, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus "
                   "aria-labelledby=\"error-summary-title\">"
                   "<h2 id=\"error-summary-title\">There is a problem</h2><ul>");
    for (int i = 0; i < c->q->errors->nelts; i++) {
        const rc_query_error *e = &APR_ARRAY_IDX(c->q->errors, i, rc_query_error);
        rc_out_printf(o, "<li><a href=\"#%s\">",
                      rc_escape_html(o->pool, field_id(o->pool, s->data, c->col, e->param)));
        rc_out_html(o, e->message);
        rc_out_puts(o, "</a></li>");
    }
    rc_out_puts(o, "</ul></div>\n");
}

static void filter_form(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    const rc_data *d = s->data;
    const rc_query *q = c->q;
    const rc_collection *col = c->col;

    rc_out_printf(o, "<form class=\"filters\" id=\"filters\" method=\"get\" action=\"%s/%s\" "
                     "role=\"search\" aria-labelledby=\"filters-heading\">\n"
                     "<h2 id=\"filters-heading\">Filter</h2>\n",
                  s->base_html, col->slug);

    /* A fieldset with an error is described by its message (GOV.UK's error pattern). */
    rc_out_printf(o, "<fieldset class=\"field%s\"%s><legend>Country</legend>",
                  error_for(q, "country") ? " field--error" : "",
                  error_for(q, "country") ? " aria-describedby=\"f-country-error\"" : "");
    field_error(o, q, "country", "f-country");
    for (int i = 0; i < d->ncountries; i++) {
        const rc_country *ct = &d->countries[i];
        rc_out_strs(o, "<label class=\"check\" for=\"f-country-", ct->code,
                    "\"><input type=\"checkbox\" id=\"f-country-", ct->code,
                    "\" name=\"country\" value=\"", ct->code, "\"",
                    q->countries && q->countries[i] ? " checked" : "", "> ", NULL);
        rc_out_html(o, ct->name);
        if (c->r) {
            rc_out_puts(o, " <span class=\"count\">(");
            rc_out_int(o, c->r->country_counts[i]);
            rc_out_puts(o, ")</span>");
        }
        rc_out_puts(o, "</label>\n");
    }
    rc_out_puts(o, "</fieldset>\n");

    rc_out_puts(o, "<fieldset class=\"field\"><legend>Date</legend>"
                   "<p class=\"hint\" id=\"f-date-hint\">A year (2021), a month (2022-07) or a "
                   "day (2022-03-09)</p>\n");
    text_field(o, q, "from", "From", "text", q->from_text, "f-date-hint",
               " inputmode=\"numeric\" autocomplete=\"off\" size=\"10\"");
    text_field(o, q, "to", "To", "text", q->to_text, "f-date-hint",
               " inputmode=\"numeric\" autocomplete=\"off\" size=\"10\"");
    rc_out_puts(o, "</fieldset>\n");

    if (col->nkinds) {
        rc_out_printf(o, "<fieldset class=\"field%s\"%s><legend>Kind</legend>",
                      error_for(q, "kind") ? " field--error" : "",
                      error_for(q, "kind") ? " aria-describedby=\"f-kind-error\"" : "");
        field_error(o, q, "kind", "f-kind");
        for (int i = 0; i < col->nkinds; i++) {
            const char *k = rc_escape_html(o->pool, col->kinds[i]);
            rc_out_strs(o, "<label class=\"check\" for=\"f-kind-", k,
                        "\"><input type=\"checkbox\" id=\"f-kind-", k, "\" name=\"kind\" value=\"",
                        k, "\"", q->kind_checked[i] ? " checked" : "", "> ", NULL);
            rc_out_html(o, rc_human_kind(o->pool, col->kinds[i]));
            rc_out_puts(o, "</label>\n");
        }
        rc_out_puts(o, "</fieldset>\n");
    }

    text_field(o, q, "q", "Search text", "search", q->q_text, NULL, " maxlength=\"200\"");

    {
        int bad = error_for(q, "sort") != NULL;
        rc_out_printf(o, "<div class=\"field%s\"><label for=\"f-sort\">Sort</label>",
                      bad ? " field--error" : "");
        field_error(o, q, "sort", "f-sort");
        rc_out_printf(o, "<select id=\"f-sort\" name=\"sort\"%s>"
                         "<option value=\"-date\"%s>Newest first</option>"
                         "<option value=\"date\"%s>Oldest first</option></select></div>\n",
                      bad ? " aria-invalid=\"true\" aria-describedby=\"f-sort-error\"" : "",
                      q->sort_asc ? "" : " selected", q->sort_asc ? " selected" : "");
    }
    if (q->per_page_text && !error_for(q, "per_page"))
        rc_out_printf(o, "<input type=\"hidden\" name=\"per_page\" value=\"%d\">\n", q->per_page);
    rc_out_printf(o, "<div class=\"actions\"><button type=\"submit\" class=\"button\">Apply "
                     "filters</button> <a class=\"button-secondary\" href=\"%s/%s\">Clear "
                     "filters</a></div>\n</form>\n",
                  s->base_html, col->slug);
}

static void page_link(rc_out *o, const rc_site *s, const listing_ctx *c, apr_int64_t page,
                      const char *rel, const char *label, int current)
{
    const char *qs = rc_query_link(o->pool, c->q, page);
    rc_out_strs(o, "<li><a href=\"", s->base_html, "/", c->col->slug, *qs ? "?" : "",
                rc_escape_html(o->pool, qs), "\"", NULL);
    if (rel)
        rc_out_strs(o, " rel=\"", rel, "\"", NULL);
    if (current)
        rc_out_puts(o, " aria-current=\"page\"");
    rc_out_strs(o, ">", label, "</a></li>", NULL);
}

static void pagination(rc_out *o, const rc_site *s, const listing_ctx *c, apr_int64_t pages)
{
    apr_int64_t page = c->q->page;
    apr_int64_t lo = page - 2 < 1 ? 1 : page - 2, hi = page + 2 > pages ? pages : page + 2;
    if (pages <= 1)
        return;
    rc_out_puts(o, "<nav class=\"pagination\" aria-label=\"Pagination\"><ul>");
    if (page > 1)
        page_link(o, s, c, page > pages ? pages : page - 1, "prev",
                  "<span aria-hidden=\"true\">‹</span> Previous", 0);
    if (lo > 1)
        page_link(o, s, c, 1, NULL, "1", 0);
    if (lo > 2)
        rc_out_puts(o, "<li class=\"ellipsis\">…</li>");
    for (apr_int64_t n = lo; n <= hi; n++)
        page_link(o, s, c, n, NULL, apr_psprintf(o->pool, "%" APR_INT64_T_FMT, n), n == page);
    if (hi < pages - 1)
        rc_out_puts(o, "<li class=\"ellipsis\">…</li>");
    if (hi < pages)
        page_link(o, s, c, pages, NULL, apr_psprintf(o->pool, "%" APR_INT64_T_FMT, pages), 0);
    if (page < pages)
        page_link(o, s, c, page + 1, "next", "Next <span aria-hidden=\"true\">›</span>", 0);
    rc_out_puts(o, "</ul></nav>\n");
}

static void format_links(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    const char *qs = rc_escape_html(o->pool, c->q->canonical);
    const char *sep = *qs ? "?" : "";
    const char *b = s->base_html, *slug = c->col->slug;
    rc_out_strs(o, "<p class=\"formats\">Download these results: <a href=\"", b, "/", slug,
                ".json", sep, qs, "\" type=\"application/json\">JSON</a> <a href=\"", b, "/", slug,
                ".csv", sep, qs, "\" type=\"text/csv\">CSV</a> <a href=\"", b, "/", slug, ".atom", sep,
                qs, "\" type=\"application/atom+xml\">Atom feed</a></p>\n", NULL);
}

static void results(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    const rc_result *r = c->r;
    apr_int64_t pages = rc_result_pages(r, c->q->per_page);
    int first = (int)(r->nids ? r->first : 0), count = r->nids;

    rc_out_puts(o, "<p class=\"result-count\" id=\"result-count\" role=\"status\" "
                   "aria-live=\"polite\">");
    if (r->total == 0)
        rc_out_puts(o, "No results");
    else if (count == 0) {
        rc_out_int(o, r->total);
        rc_out_puts(o, r->total == 1 ? " result; page " : " results; page ");
        rc_out_int(o, c->q->page);
        rc_out_puts(o, " is past the last page (");
        rc_out_int(o, pages);
        rc_out_puts(o, ")");
    }
    else if (pages == 1) {
        rc_out_int(o, r->total);
        rc_out_puts(o, r->total == 1 ? " result" : " results");
    }
    else {
        rc_out_puts(o, "Showing ");
        rc_out_int(o, first + 1);
        rc_out_puts(o, "–");
        rc_out_int(o, first + count);
        rc_out_puts(o, " of ");
        rc_out_int(o, r->total);
        rc_out_puts(o, " results");
    }
    rc_out_puts(o, "</p>\n");
    if (count) {
        rc_out_puts(o, "<ol class=\"items\" start=\"");
        rc_out_int(o, first + 1);
        rc_out_puts(o, "\">\n");
        for (int k = 0; k < count; k++) {
            const rc_item *it = &c->col->items[r->ids[k]];
            rc_out_piece(o, &it->html_row.before);
            rc_out_puts(o, s->base_html);
            rc_out_piece(o, &it->html_row.after);
        }
        rc_out_puts(o, "</ol>\n");
    }
    pagination(o, s, c, pages);
}

static void listing_content(rc_out *o, const rc_site *s, const void *ctx)
{
    const listing_ctx *c = ctx;
    rc_out_puts(o, "<h1>");
    rc_out_html(o, c->col->title);
    rc_out_puts(o, "</h1>\n");
    if (!c->r)
        error_summary(o, s, c);
    rc_out_puts(o, "<div class=\"listing\">\n");
    filter_form(o, s, c);
    rc_out_puts(o, "<section class=\"results\" aria-labelledby=\"results-heading\">\n"
                   "<h2 id=\"results-heading\">Results</h2>\n");
    if (c->r) {
        results(o, s, c);
        format_links(o, s, c);
    }
    else
        rc_out_puts(o, "<p class=\"result-count\" id=\"result-count\" role=\"status\" "
                       "aria-live=\"polite\">No results: correct the filter above</p>\n");
    rc_out_puts(o, "</section>\n</div>\n");
}

void rc_html_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r)
{
    listing_ctx c = {col, q, r};
    const char *qs = rc_escape_html(o->pool, q->canonical);
    const char *head = apr_pstrcat(
        o->pool, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"",
        rc_escape_html(o->pool, col->title), " (Atom)\" href=\"", s->base_html, "/", col->slug,
        ".atom", *qs ? "?" : "", qs, "\">\n", NULL);
    wrap(o, s, r ? col->title : apr_pstrcat(o->pool, "Error: ", col->title, NULL), col->slug, 0,
         head, listing_content, &c);
}

/* ---- item pages ---- */

typedef struct item_ctx {
    const rc_collection *col;
    const rc_item *it;
} item_ctx;

static void item_content(rc_out *o, const rc_site *s, const void *ctx)
{
    const item_ctx *c = ctx;
    const rc_item *it = c->it;
    const rc_data *d = s->data;

    rc_out_printf(o, "<article class=\"item-page\">\n<p class=\"breadcrumb\"><a href=\"%s/%s\">",
                  s->base_html, c->col->slug);
    rc_out_html(o, c->col->title);
    rc_out_puts(o, "</a></p>\n<h1>");
    rc_out_html(o, it->title);
    rc_out_printf(o, "</h1>\n<dl class=\"item-facts\"><dt>Date</dt><dd><time datetime=\"%s\">%s"
                     "</time></dd><dt>Countries</dt><dd>",
                  it->date_text, rc_date_human(o->pool, &it->date));
    for (int i = 0; i < it->ncountries; i++) {
        if (i)
            rc_out_puts(o, ", ");
        rc_out_html(o, d->countries[it->countries[i]].name);
    }
    rc_out_puts(o, "</dd>");
    if (it->kind) {
        rc_out_puts(o, "<dt>Kind</dt><dd>");
        rc_out_html(o, rc_human_kind(o->pool, it->kind));
        rc_out_puts(o, "</dd>");
    }
    rc_out_puts(o, "</dl>\n");
    if (it->summary) {
        rc_out_puts(o, "<p class=\"item-summary\">");
        rc_out_html(o, it->summary);
        rc_out_puts(o, "</p>\n");
    }
    if (it->ndocuments) {
        rc_out_puts(o, "<h2>Documents</h2>\n<ul class=\"documents\">\n");
        for (int i = 0; i < it->ndocuments; i++) {
            const rc_document *doc = &it->documents[i];
            int absolute = !strncmp(doc->href, "http://", 7) || !strncmp(doc->href, "https://", 8);
            rc_out_puts(o, "<li><a href=\"");
            if (absolute)
                rc_out_html(o, doc->href);
            else
                rc_out_printf(o, "%s/assets/%s", s->base_html,
                              rc_escape_html(o->pool, rc_escape_path(o->pool, doc->href)));
            rc_out_puts(o, "\">");
            rc_out_html(o, doc->title);
            rc_out_puts(o, "</a>");
            if (doc->bytes >= 0)
                rc_out_printf(o, " <span class=\"size\">(%s)</span>",
                              rc_human_size(o->pool, doc->bytes));
            rc_out_puts(o, "</li>\n");
        }
        rc_out_puts(o, "</ul>\n");
    }
    if (it->npersons) {
        rc_out_puts(o, "<h2>Persons</h2>\n<table class=\"persons\"><caption>Persons named in "
                       "this item</caption>\n<thead><tr><th scope=\"col\">Name</th>"
                       "<th scope=\"col\">Country</th><th scope=\"col\">Position</th></tr></thead>"
                       "\n<tbody>\n");
        for (int i = 0; i < it->npersons; i++) {
            const rc_person *pe = &it->persons[i];
            rc_out_puts(o, "<tr><th scope=\"row\">");
            rc_out_html(o, pe->name);
            rc_out_puts(o, "</th><td>");
            if (pe->country >= 0)
                rc_out_html(o, d->countries[pe->country].name);
            rc_out_puts(o, "</td><td>");
            if (pe->position)
                rc_out_html(o, pe->position);
            rc_out_puts(o, "</td></tr>\n");
        }
        rc_out_puts(o, "</tbody></table>\n");
    }
    if (it->source) {
        rc_out_puts(o, "<p class=\"source\"><a href=\"");
        rc_out_html(o, it->source);
        rc_out_puts(o, "\">Original publication</a></p>\n");
    }
    rc_out_printf(o, "<p class=\"formats\">This item as <a href=\"%s/%s/%s.json\" "
                     "type=\"application/json\">JSON</a></p>\n</article>\n",
                  s->base_html, c->col->slug, it->id);
}

void rc_html_item(rc_out *o, const rc_site *s, const rc_collection *col, const rc_item *it)
{
    item_ctx c = {col, it};
    wrap(o, s, it->title, col->slug, 1, NULL, item_content, &c);
}

/* ---- errors ---- */

typedef struct error_ctx {
    int status;
    const char *heading, *message;
} error_ctx;

static void error_content(rc_out *o, const rc_site *s, const void *ctx)
{
    const error_ctx *c = ctx;
    rc_out_puts(o, "<div class=\"error-page\">\n<h1>");
    rc_out_html(o, c->heading);
    rc_out_puts(o, "</h1>\n<p>");
    rc_out_html(o, c->message);
    rc_out_printf(o, "</p>\n<p><a href=\"%s/\">Go to the overview</a></p>\n</div>\n",
                  s->base_html);
}

void rc_html_error(rc_out *o, const rc_site *s, int status, const char *message)
{
    error_ctx c;
    c.status = status;
    c.message = message;
    c.heading = status == 404   ? "Page not found"
                : status == 405 ? "Method not allowed"
                : status == 400 ? "Bad request"
                                : "Error";
    wrap(o, s, c.heading, NULL, 0, NULL, error_content, &c);
}
