/* rc_render_html: pages, listings with their filter form, item pages and error pages, each
 * wrapped in the layout, in the response's language. Everything from the data or the request is
 * escaped on the way out; the data's strings are escaped once, when the image is built. */
#include "rc_render.h"
#include "rc_text.h"

#include <string.h>

#include <apr_strings.h>

typedef void (*content_fn)(rc_out *o, const rc_site *s, const void *ctx);

/* The path of language l's version of this response, from the mount point. */
static const char *lang_url(apr_pool_t *p, const rc_site *s, int l)
{
    const char *here = s->here ? s->here : "/";
    const char *prefix = l > 0 ? apr_pstrcat(p, "/", s->data->langs[l], NULL) : "";
    /* the default language's home is B/, another's B/es/ */
    return apr_pstrcat(p, s->base->url, prefix, here, *s->here_args ? "?" : "", s->here_args,
                       NULL);
}

static const char *lang_name(const char *code)
{
    const rc_msgs *m = rc_msgs_for(code);
    return strcmp(m->code, code) ? code : m->lang_name;
}

static void language_switch(rc_out *o, const rc_site *s)
{
    const rc_data *d = s->data;
    if (d->nlang < 2)
        return;
    rc_out_strs(o, "<nav class=\"languages\" aria-label=\"", s->m->languages, "\"><ul>", NULL);
    for (int l = 0; l < d->nlang; l++) {
        const char *code = d->langs[l];
        if (l == s->lang)
            rc_out_strs(o, "<li><a href=\"", rc_escape_html(o->pool, lang_url(o->pool, s, l)),
                        "\" lang=\"", code, "\" aria-current=\"true\">", lang_name(code),
                        "</a></li>", NULL);
        else
            rc_out_strs(o, "<li><a href=\"", rc_escape_html(o->pool, lang_url(o->pool, s, l)),
                        "\" hreflang=\"", code, "\" lang=\"", code, "\">", lang_name(code),
                        "</a></li>", NULL);
    }
    rc_out_puts(o, "</ul></nav>");
}

/* <link rel="alternate" hreflang> for every language and x-default (the default one). */
static void alternates(rc_out *o, const rc_site *s)
{
    const rc_data *d = s->data;
    const char *origin = rc_escape_html(o->pool, s->origin);
    if (d->nlang < 2 || !s->here)
        return;
    for (int l = 0; l < d->nlang; l++)
        rc_out_strs(o, "<link rel=\"alternate\" hreflang=\"", d->langs[l], "\" href=\"", origin,
                    rc_escape_html(o->pool, lang_url(o->pool, s, l)), "\">\n", NULL);
    rc_out_strs(o, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"", origin,
                rc_escape_html(o->pool, lang_url(o->pool, s, 0)), "\">\n", NULL);
}

static void nav(rc_out *o, const rc_site *s, const char *current, int ancestor)
{
    const rc_data *d = s->data;
    rc_out_puts(o, "<ul>");
    for (int n = 0; n < d->nnav; n++) {
        const rc_nav *entry = &d->nav[n];
        int is_index = entry->page && !strcmp(entry->slug, "index");
        rc_out_strs(o, "<li><a href=\"", s->home_html, "/", is_index ? "" : entry->slug, "\"",
                    NULL);
        if (current && !strcmp(current, entry->slug))
            rc_out_puts(o, ancestor ? " aria-current=\"true\"" : " aria-current=\"page\"");
        rc_out_puts(o, ">");
        rc_out_text(o, s, entry->nav ? entry->nav : entry->title, 0);
        rc_out_puts(o, "</a></li>");
    }
    rc_out_puts(o, "</ul>");
}

/* Writes the layout around content. title: the page's title, HTML-escaped already. current is
 * the slug of the navigation entry to mark, ancestor says whether the page is below it (an item)
 * rather than it. */
static void wrap(rc_out *o, const rc_site *s, const char *title, const char *current,
                 int ancestor, const char *head, content_fn content, const void *ctx)
{
    const rc_data *d = s->data;
    for (int i = 0; i < s->layout->nsegs; i++) {
        const rc_segment *seg = &s->layout->segs[i];
        switch (seg->marker) {
        case RC_SEG_TEXT:
            rc_out_write(o, seg->text.s, seg->text.n);
            break;
        case RC_SEG_TITLE:
            rc_out_strs(o, title, " – ", NULL);
            rc_out_text(o, s, d->title, 1);
            break;
        case RC_SEG_SITE:
            rc_out_text(o, s, d->title, 0);
            break;
        case RC_SEG_BASE:
            rc_out_puts(o, s->base->html);
            break;
        case RC_SEG_HOME:
            rc_out_puts(o, s->home_html);
            break;
        case RC_SEG_LANG:
            rc_out_puts(o, d->langs[s->lang]);
            break;
        case RC_SEG_LANGUAGES:
            language_switch(o, s);
            break;
        case RC_SEG_SKIP:
            rc_out_puts(o, s->m->skip);
            break;
        case RC_SEG_NAV_LABEL:
            rc_out_puts(o, s->m->main_nav);
            break;
        case RC_SEG_MENU:
            rc_out_puts(o, s->m->menu);
            break;
        case RC_SEG_HEAD:
            if (head)
                rc_out_puts(o, head);
            alternates(o, s);
            break;
        case RC_SEG_NAV:
            nav(o, s, current, ancestor);
            break;
        case RC_SEG_CONTENT:
            content(o, s, ctx);
            break;
        }
    }
}

/* A text of the data as a title (HTML-escaped, no markup). */
static const char *title_of(const rc_site *s, apr_uint32_t t)
{
    rc_piece piece = rc_str_html(s->data, rc_text(s->data, t, s->lang, NULL));
    return piece.s;
}

/* ---- pages ---- */

static void page_content(rc_out *o, const rc_site *s, const void *ctx)
{
    const rc_page *page = ctx;
    apr_uint32_t body = page->body[s->lang];
    rc_piece piece;
    rc_out_puts(o, "<h1>");
    rc_out_text(o, s, page->title, 0);
    rc_out_puts(o, "</h1>\n");
    if (body || s->lang == 0)
        rc_out_puts(o, "<div class=\"page-body\">\n");
    else  /* no fragment in this language: the default language's, marked as such */
        rc_out_strs(o, "<div class=\"page-body\" lang=\"", s->data->langs[0], "\">\n", NULL);
    piece = rc_str_raw(s->data, body ? body : page->body[0]);
    rc_out_piece(o, &piece);
    rc_out_puts(o, "</div>\n");
}

void rc_html_page(rc_out *o, const rc_site *s, const rc_page *page)
{
    wrap(o, s, title_of(s, page->title), page->slug, 0, NULL, page_content, page);
}

/* ---- listings ---- */

typedef struct listing_ctx {
    const rc_collection *col;
    const rc_query *q;
    const rc_result *r;
} listing_ctx;

int rc_listing_noindex(const rc_query *q)
{
    return *q->canonical_with_per_page || q->page > 1;
}

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
        return col->nkinds ? apr_pstrcat(p, "f-kind-", col->kinds[0].slug, NULL) : "filters";
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

static void field_error(rc_out *o, const rc_site *s, const rc_query *q, const char *param,
                        const char *id)
{
    const rc_query_error *e = error_for(q, param);
    if (e) {
        rc_out_strs(o, "<p class=\"field-error\" id=\"", id,
                    "-error\"><span class=\"visually-hidden\">", s->m->error_prefix, "</span> ",
                    NULL);
        rc_out_html(o, e->message);
        rc_out_puts(o, "</p>");
    }
}

static void text_field(rc_out *o, const rc_site *s, const rc_query *q, const char *param,
                       const char *label, const char *type, const char *value,
                       const char *hint_id, const char *extra)
{
    const char *id = apr_pstrcat(o->pool, "f-", param, NULL);
    int bad = error_for(q, param) != NULL;
    rc_out_strs(o, "<div class=\"field", bad ? " field--error" : "", "\"><label for=\"", id,
                "\">", label, "</label>", NULL);
    field_error(o, s, q, param, id);
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
    rc_out_strs(o, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus "
                   "aria-labelledby=\"error-summary-title\">"
                   "<h2 id=\"error-summary-title\">", s->m->problem, "</h2><ul>", NULL);
    for (int i = 0; i < c->q->errors->nelts; i++) {
        const rc_query_error *e = &APR_ARRAY_IDX(c->q->errors, i, rc_query_error);
        rc_out_strs(o, "<li><a href=\"#",
                    rc_escape_html(o->pool, field_id(o->pool, s->data, c->col, e->param)), "\">",
                    NULL);
        rc_out_html(o, e->message);
        rc_out_puts(o, "</a></li>");
    }
    rc_out_puts(o, "</ul></div>\n");
}

/* How many filters the form has set, for the narrow screens' "Filter (2 active)". */
static int active_filters(const rc_data *d, const rc_collection *col, const rc_query *q)
{
    int n = 0;
    if (q->countries)
        for (int i = 0; i < d->ncountries; i++)
            n += q->countries[i] != 0;
    for (int i = 0; i < col->nkinds; i++)
        n += q->kind_checked[i] != 0;
    n += (q->from_text != NULL) + (q->to_text != NULL) + (q->q_text != NULL);
    return n;
}

/* "Filter", or "Filter (2 active)" when the form has filters set. */
static void filter_title(rc_out *o, const rc_msgs *m, int active)
{
    rc_out_puts(o, m->filter);
    if (active)
        rc_out_strs(o, " <span class=\"filter-count\">(",
                    active == 1 ? m->filter_active_one
                                : apr_psprintf(o->pool, m->filter_active, active),
                    ")</span>", NULL);
}

static void kind_label(rc_out *o, const rc_site *s, const rc_collection *col, int k)
{
    const rc_kind *kind = &col->kinds[k];
    if (kind->fallback[s->lang])
        rc_out_strs(o, "<span lang=\"", s->data->langs[0], "\">", kind->label_html[s->lang],
                    "</span>", NULL);
    else
        rc_out_puts(o, kind->label_html[s->lang]);
}

static void filter_form(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    const rc_data *d = s->data;
    const rc_query *q = c->q;
    const rc_collection *col = c->col;
    const rc_msgs *m = s->m;
    int active = active_filters(d, col, q);

    /* One form in a disclosure: closed on narrow screens (open when a value is wrong, so that
     * the error summary's links reach their fields); the stylesheet hides the summary and shows
     * the form on wide ones. */
    rc_out_strs(o, "<details class=\"disclosure filter-panel\"", c->r ? "" : " open",
                "><summary>", NULL);
    filter_title(o, m, active);
    rc_out_strs(o, "</summary>\n<form class=\"filters\" id=\"filters\" method=\"get\" action=\"",
                s->home_html, "/", col->slug,
                "\" role=\"search\" aria-labelledby=\"filters-heading\">\n"
                "<h2 id=\"filters-heading\">", NULL);
    filter_title(o, m, active);
    rc_out_puts(o, "</h2>\n");

    /* A fieldset with an error is described by its message (GOV.UK's error pattern). */
    rc_out_strs(o, "<fieldset class=\"field", error_for(q, "country") ? " field--error" : "",
                "\"", error_for(q, "country") ? " aria-describedby=\"f-country-error\"" : "",
                "><legend>", m->country, "</legend>", NULL);
    field_error(o, s, q, "country", "f-country");
    for (int i = 0; i < d->ncountries; i++) {
        const rc_country *ct = &d->countries[i];
        rc_out_strs(o, "<label class=\"check\" for=\"f-country-", ct->code,
                    "\"><input type=\"checkbox\" id=\"f-country-", ct->code,
                    "\" name=\"country\" value=\"", ct->code, "\"",
                    q->countries && q->countries[i] ? " checked" : "", "> ", NULL);
        rc_out_text(o, s, ct->name, 0);
        if (c->r) {
            rc_out_puts(o, " <span class=\"count\">(");
            rc_out_int(o, c->r->country_counts[i]);
            rc_out_puts(o, ")</span>");
        }
        rc_out_puts(o, "</label>\n");
    }
    rc_out_puts(o, "</fieldset>\n");

    rc_out_strs(o, "<fieldset class=\"field\"><legend>", m->date, "</legend>"
                "<p class=\"hint\" id=\"f-date-hint\">", m->date_hint, "</p>\n", NULL);
    text_field(o, s, q, "from", m->from, "text", q->from_text, "f-date-hint",
               " inputmode=\"numeric\" autocomplete=\"off\" size=\"10\"");
    text_field(o, s, q, "to", m->to, "text", q->to_text, "f-date-hint",
               " inputmode=\"numeric\" autocomplete=\"off\" size=\"10\"");
    rc_out_puts(o, "</fieldset>\n");

    if (col->nkinds) {
        rc_out_strs(o, "<fieldset class=\"field", error_for(q, "kind") ? " field--error" : "",
                    "\"", error_for(q, "kind") ? " aria-describedby=\"f-kind-error\"" : "",
                    "><legend>", m->kind, "</legend>", NULL);
        field_error(o, s, q, "kind", "f-kind");
        for (int i = 0; i < col->nkinds; i++) {
            const char *k = col->kinds[i].slug;  /* a slug: nothing to escape */
            rc_out_strs(o, "<label class=\"check\" for=\"f-kind-", k,
                        "\"><input type=\"checkbox\" id=\"f-kind-", k, "\" name=\"kind\" value=\"",
                        k, "\"", q->kind_checked[i] ? " checked" : "", "> ", NULL);
            kind_label(o, s, col, i);
            rc_out_puts(o, "</label>\n");
        }
        rc_out_puts(o, "</fieldset>\n");
    }

    text_field(o, s, q, "q", m->text, "search", q->q_text, NULL, " maxlength=\"200\"");

    {
        int bad = error_for(q, "sort") != NULL;
        rc_out_strs(o, "<div class=\"field", bad ? " field--error" : "",
                    "\"><label for=\"f-sort\">", m->sort, "</label>", NULL);
        field_error(o, s, q, "sort", "f-sort");
        rc_out_strs(o, "<select id=\"f-sort\" name=\"sort\"",
                    bad ? " aria-invalid=\"true\" aria-describedby=\"f-sort-error\"" : "",
                    "><option value=\"-date\"", q->sort_asc ? "" : " selected", ">",
                    m->newest_first, "</option><option value=\"date\"",
                    q->sort_asc ? " selected" : "", ">", m->oldest_first,
                    "</option></select></div>\n", NULL);
    }
    if (q->per_page_text && !error_for(q, "per_page"))
        rc_out_printf(o, "<input type=\"hidden\" name=\"per_page\" value=\"%d\">\n", q->per_page);
    rc_out_strs(o, "<div class=\"actions\"><button type=\"submit\" class=\"button\">", m->apply,
                "</button> <a class=\"button-secondary\" href=\"", s->home_html, "/", col->slug,
                "\">", m->clear, "</a></div>\n</form>\n</details>\n", NULL);
}

static void page_link(rc_out *o, const rc_site *s, const listing_ctx *c, apr_int64_t page,
                      const char *rel, const char *label, int current)
{
    const char *qs = rc_query_link(o->pool, c->q, page);
    rc_out_strs(o, "<li><a href=\"", s->home_html, "/", c->col->slug, *qs ? "?" : "",
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
    rc_out_strs(o, "<nav class=\"pagination\" aria-label=\"", s->m->pagination, "\"><ul>", NULL);
    if (page > 1)
        page_link(o, s, c, page > pages ? pages : page - 1, "prev",
                  apr_pstrcat(o->pool, "<span aria-hidden=\"true\">‹</span> ", s->m->previous,
                              NULL), 0);
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
        page_link(o, s, c, page + 1, "next",
                  apr_pstrcat(o->pool, s->m->next, " <span aria-hidden=\"true\">›</span>", NULL),
                  0);
    rc_out_puts(o, "</ul></nav>\n");
}

static void format_links(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    const char *qs = rc_escape_html(o->pool, c->q->canonical);
    const char *sep = *qs ? "?" : "";
    const char *b = s->home_html, *slug = c->col->slug;
    rc_out_strs(o, "<p class=\"formats\">", s->m->download, " <a href=\"", b, "/", slug,
                ".json", sep, qs, "\" type=\"application/json\">JSON</a> <a href=\"", b, "/", slug,
                ".csv", sep, qs, "\" type=\"text/csv\">CSV</a> <a href=\"", b, "/", slug, ".atom",
                sep, qs, "\" type=\"application/atom+xml\">", s->m->atom_feed, "</a></p>\n", NULL);
}

static const char *count_text(apr_pool_t *p, const rc_msgs *m, int n)
{
    return n == 1 ? m->one_result : apr_psprintf(p, m->n_results, n);
}

/* The item's countries' names, joined with ", " (HTML). */
static void country_names(rc_out *o, const rc_site *s, const rc_item *it)
{
    const apr_uint16_t *c = rc_item_countries(s->data, it);
    for (int i = 0; i < it->ncountries; i++) {
        if (i)
            rc_out_write(o, ", ", 2);
        rc_out_text(o, s, s->data->countries[c[i]].name, 0);
    }
}

static void date_for_people(rc_out *o, const rc_site *s, const rc_item *it)
{
    rc_date date;
    rc_date_from_period(it->start, it->end, &date);
    rc_out_strs(o, "<time datetime=\"", rc_str(s->data, it->date), "\">",
                rc_date_text(o->pool, s->m, &date), "</time>", NULL);
}


static void row(rc_out *o, const rc_site *s, const rc_collection *col, const rc_item *it)
{
    rc_out_strs(o, "<li class=\"item\"><h3 class=\"item-title\"><a href=\"", s->home_html, "/",
                col->slug, "/", rc_str(s->data, it->id), "\">", NULL);
    rc_out_text(o, s, it->title, 0);
    rc_out_puts(o, "</a></h3><p class=\"item-meta\">");
    date_for_people(o, s, it);
    rc_out_puts(o, " · <span class=\"countries\">");
    country_names(o, s, it);
    rc_out_puts(o, "</span>");
    if (it->kind >= 0) {
        rc_out_puts(o, " · <span class=\"kind\">");
        kind_label(o, s, col, it->kind);
        rc_out_puts(o, "</span>");
    }
    rc_out_puts(o, "</p>");
    if (it->summary) {
        rc_out_puts(o, "<p class=\"item-summary\">");
        rc_out_text(o, s, it->summary, 0);
        rc_out_puts(o, "</p>");
    }
    rc_out_puts(o, "</li>\n");
}

static void results(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    const rc_result *r = c->r;
    const rc_msgs *m = s->m;
    apr_int64_t pages = rc_result_pages(r, c->q->per_page);
    int first = (int)(r->nids ? r->first : 0), count = r->nids;

    rc_out_puts(o, "<p class=\"result-count\" id=\"result-count\" role=\"status\" "
                   "aria-live=\"polite\">");
    if (r->total == 0)
        rc_out_puts(o, m->no_results);
    else if (count == 0)
        rc_out_puts(o, apr_psprintf(o->pool, m->past_end, count_text(o->pool, m, r->total),
                                    apr_psprintf(o->pool, "%" APR_INT64_T_FMT, c->q->page),
                                    apr_psprintf(o->pool, "%" APR_INT64_T_FMT, pages)));
    else if (pages == 1)
        rc_out_puts(o, count_text(o->pool, m, r->total));
    else
        rc_out_puts(o, apr_psprintf(o->pool, m->showing, apr_itoa(o->pool, first + 1),
                                    apr_itoa(o->pool, first + count), apr_itoa(o->pool, r->total)));
    rc_out_puts(o, "</p>\n");
    if (count) {
        rc_out_puts(o, "<ol class=\"items\" start=\"");
        rc_out_int(o, first + 1);
        rc_out_puts(o, "\">\n");
        for (int k = 0; k < count; k++)
            row(o, s, c->col, &c->col->items[r->ids[k]]);
        rc_out_puts(o, "</ol>\n");
    }
    pagination(o, s, c, pages);
}

static void listing_content(rc_out *o, const rc_site *s, const void *ctx)
{
    const listing_ctx *c = ctx;
    rc_out_puts(o, "<h1>");
    rc_out_text(o, s, c->col->title, 0);
    rc_out_puts(o, "</h1>\n");
    if (!c->r)
        error_summary(o, s, c);
    rc_out_puts(o, "<div class=\"listing\">\n");
    filter_form(o, s, c);
    rc_out_strs(o, "<section class=\"results\" aria-labelledby=\"results-heading\">\n"
                   "<h2 id=\"results-heading\">", s->m->results, "</h2>\n", NULL);
    if (c->r) {
        results(o, s, c);
        format_links(o, s, c);
    }
    else
        rc_out_strs(o, "<p class=\"result-count\" id=\"result-count\" role=\"status\" "
                       "aria-live=\"polite\">", s->m->correct_filter, "</p>\n", NULL);
    rc_out_puts(o, "</section>\n</div>\n");
}

void rc_html_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r)
{
    listing_ctx c = {col, q, r};
    const char *qs = rc_escape_html(o->pool, q->canonical);
    const char *title = title_of(s, col->title);
    const char *head = apr_pstrcat(
        o->pool, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"", title,
        " (Atom)\" href=\"", s->home_html, "/", col->slug, ".atom", *qs ? "?" : "", qs, "\">\n",
        NULL);
    if (rc_listing_noindex(q))
        head = apr_pstrcat(o->pool, head,
                           "<meta name=\"robots\" content=\"noindex, follow\">\n"
                           "<link rel=\"canonical\" href=\"",
                           rc_escape_html(o->pool, s->origin), s->home_html, "/", col->slug,
                           "\">\n", NULL);
    wrap(o, s, r ? title : apr_pstrcat(o->pool, s->m->error_prefix, " ", title, NULL),
         col->slug, 0, head, listing_content, &c);
}

/* ---- item pages ---- */

typedef struct item_ctx {
    const rc_collection *col;
    const rc_item *it;
} item_ctx;

/* A string inside a JSON-LD <script>: JSON-escaped, and '<' as \u003c so that nothing in it can
 * end the script element. */
static void jsonld_text(rc_out *o, const char *s)
{
    const char *j = rc_escape_json(o->pool, s, strlen(s));
    for (const char *lt = strchr(j, '<'); lt; lt = strchr(j, '<')) {
        rc_out_write(o, j, (apr_size_t)(lt - j));
        rc_out_write(o, "\\u003c", 6);
        j = lt + 1;
    }
    rc_out_puts(o, j);
}

/* schema.org's Report, for search engines. */
static void jsonld(rc_out *o, const rc_site *s, const item_ctx *c)
{
    const rc_item *it = c->it;
    const apr_uint16_t *countries = rc_item_countries(s->data, it);
    rc_out_puts(o, "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
                   "\"@type\":\"Report\",\"name\":\"");
    jsonld_text(o, rc_site_text(s, it->title));
    rc_out_puts(o, "\",\"datePublished\":\"");
    rc_out_puts(o, rc_str(s->data, it->date));
    rc_out_puts(o, "\",\"spatialCoverage\":[");
    for (int i = 0; i < it->ncountries; i++) {
        rc_out_puts(o, i ? ",{\"@type\":\"Place\",\"name\":\"" : "{\"@type\":\"Place\",\"name\":\"");
        jsonld_text(o, rc_site_text(s, s->data->countries[countries[i]].name));
        rc_out_puts(o, "\"}");
    }
    rc_out_puts(o, "],\"url\":\"");
    jsonld_text(o, apr_pstrcat(o->pool, s->origin, s->home_url, "/", c->col->slug, "/",
                               rc_str(s->data, it->id), NULL));
    rc_out_strs(o, "\",\"inLanguage\":\"", s->data->langs[s->lang], "\"", NULL);
    if (it->summary) {
        rc_out_puts(o, ",\"description\":\"");
        jsonld_text(o, rc_site_text(s, it->summary));
        rc_out_puts(o, "\"");
    }
    rc_out_puts(o, "}</script>\n");
}

static void documents(rc_out *o, const rc_site *s, const rc_item *it)
{
    const rc_img_document *docs = rc_item_documents(s->data, it);
    rc_out_strs(o, "<h2>", s->m->documents, "</h2>\n<ul class=\"documents\">\n", NULL);
    for (int i = 0; i < it->ndocuments; i++) {
        const rc_img_document *doc = &docs[i];
        const char *href = rc_str(s->data, doc->href);
        int absolute = !strncmp(href, "http://", 7) || !strncmp(href, "https://", 8);
        rc_out_puts(o, "<li><a href=\"");
        if (absolute)
            rc_out_str(o, s, doc->href);
        else
            rc_out_strs(o, s->base->html, "/assets/",
                        rc_escape_html(o->pool, rc_escape_path(o->pool, href)), NULL);
        rc_out_puts(o, "\">");
        rc_out_text(o, s, doc->title, 0);
        rc_out_puts(o, "</a>");
        if (doc->bytes >= 0)
            rc_out_strs(o, " <span class=\"size\">(", rc_size_text(o->pool, s->m, doc->bytes),
                        ")</span>", NULL);
        rc_out_puts(o, "</li>\n");
    }
    rc_out_puts(o, "</ul>\n");
}

static void persons(rc_out *o, const rc_site *s, const rc_item *it)
{
    const rc_img_person *pe = rc_item_persons(s->data, it);
    const rc_msgs *m = s->m;
    rc_out_strs(o, "<h2>", m->persons, "</h2>\n<table class=\"persons\"><caption>",
                m->persons_caption, "</caption>\n<thead><tr><th scope=\"col\">", m->name,
                "</th><th scope=\"col\">", m->country, "</th><th scope=\"col\">", m->position,
                "</th></tr></thead>\n<tbody>\n", NULL);
    for (int i = 0; i < it->npersons; i++) {
        rc_out_puts(o, "<tr><th scope=\"row\">");
        rc_out_str(o, s, pe[i].name);
        rc_out_puts(o, "</th><td>");
        if (pe[i].country >= 0)
            rc_out_text(o, s, s->data->countries[pe[i].country].name, 0);
        rc_out_puts(o, "</td><td>");
        if (pe[i].position)
            rc_out_text(o, s, pe[i].position, 0);
        rc_out_puts(o, "</td></tr>\n");
    }
    rc_out_puts(o, "</tbody></table>\n");
}

static void item_content(rc_out *o, const rc_site *s, const void *ctx)
{
    const item_ctx *c = ctx;
    const rc_item *it = c->it;
    const rc_msgs *m = s->m;
    const char *id = rc_str(s->data, it->id);

    rc_out_strs(o, "<article class=\"item-page\">\n<p class=\"breadcrumb\"><a href=\"",
                s->home_html, "/", c->col->slug, "\">", NULL);
    rc_out_text(o, s, c->col->title, 0);
    rc_out_puts(o, "</a></p>\n<h1>");
    rc_out_text(o, s, it->title, 0);
    rc_out_strs(o, "</h1>\n<dl class=\"item-facts\"><dt>", m->date, "</dt><dd>", NULL);
    date_for_people(o, s, it);
    rc_out_strs(o, "</dd><dt>", m->countries, "</dt><dd>", NULL);
    country_names(o, s, it);
    rc_out_puts(o, "</dd>");
    if (it->kind >= 0) {
        rc_out_strs(o, "<dt>", m->kind, "</dt><dd>", NULL);
        kind_label(o, s, c->col, it->kind);
        rc_out_puts(o, "</dd>");
    }
    rc_out_puts(o, "</dl>\n");
    if (it->summary) {
        rc_out_puts(o, "<p class=\"item-summary\">");
        rc_out_text(o, s, it->summary, 0);
        rc_out_puts(o, "</p>\n");
    }
    if (it->ndocuments)
        documents(o, s, it);
    if (it->npersons)
        persons(o, s, it);
    if (it->source) {
        rc_out_puts(o, "<p class=\"source\"><a href=\"");
        rc_out_str(o, s, it->source);
        rc_out_strs(o, "\">", m->original, "</a></p>\n", NULL);
    }
    rc_out_strs(o, "<p class=\"formats\">", m->as_json, " <a href=\"", s->home_html, "/",
                c->col->slug, "/", id, ".json\" type=\"application/json\">JSON</a></p>\n",
                NULL);
    jsonld(o, s, c);
    rc_out_puts(o, "</article>\n");
}

void rc_html_item(rc_out *o, const rc_site *s, const rc_collection *col, const rc_item *it)
{
    item_ctx c = {col, it};
    wrap(o, s, title_of(s, it->title), col->slug, 1, NULL, item_content, &c);
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
    rc_out_strs(o, "</p>\n<p><a href=\"", s->home_html, "/\">", s->m->to_overview,
                "</a></p>\n</div>\n", NULL);
}

void rc_html_error(rc_out *o, const rc_site *s, int status, const char *message)
{
    error_ctx c;
    c.status = status;
    c.message = message;
    c.heading = status == 404   ? s->m->not_found
                : status == 405 ? s->m->not_allowed
                : status == 400 ? s->m->bad_request
                : status == 503 ? s->m->unavailable
                                : "Error";
    wrap(o, s, rc_escape_html(o->pool, c.heading), NULL, 0, NULL, error_content, &c);
}
