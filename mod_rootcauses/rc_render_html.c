/* rc_render_html: pages, listings with their filter form, item pages and error pages, each
 * wrapped in the layout, in the response's language. Everything from the data or the request is
 * escaped on the way out; the data's strings are escaped once, when the image is built. */
#include "rc_render.h"
#include "rc_text.h"

#include <string.h>

#include <apr_strings.h>

typedef void (*content_fn)(rc_out *o, const rc_site *s, const void *ctx);

/* The end of every language's URL of this response: its path below home and its query string,
 * HTML-escaped ("/reports?country=GT&amp;from=2021"); made once for the language switch and the
 * alternates. */
static const char *here_html(apr_pool_t *p, const rc_site *s)
{
    return rc_escape_html(p, apr_pstrcat(p, s->here ? s->here : "/", *s->here_args ? "?" : "",
                                         s->here_args, NULL));
}

/* The path of language l's version of this response, from the mount point (HTML). */
static void lang_url(rc_out *o, const rc_site *s, int l, const char *here)
{
    /* the default language's home is B/, another's B/es/ */
    rc_out_puts(o, s->base->html);
    if (l > 0) {
        rc_out_puts(o, "/");
        rc_out_puts(o, s->data->langs[l]);  /* two lower-case letters */
    }
    rc_out_puts(o, here);
}

static const char *lang_name(const char *code)
{
    const rc_msgs *m = rc_msgs_for(code);
    return strcmp(m->code, code) ? code : m->lang_name;
}

static void language_switch(rc_out *o, const rc_site *s, const char *here)
{
    const rc_data *d = s->data;
    if (d->nlang < 2)
        return;
    rc_out_puts(o, "<nav class=\"languages\" aria-label=\"");
    rc_out_puts(o, s->m->languages);
    rc_out_puts(o, "\"><ul>");
    for (int l = 0; l < d->nlang; l++) {
        const char *code = d->langs[l];
        rc_out_puts(o, "<li><a href=\"");
        lang_url(o, s, l, here);
        if (l == s->lang) {
            rc_out_puts(o, "\" lang=\"");
            rc_out_puts(o, code);
            rc_out_puts(o, "\" aria-current=\"true\">");
        }
        else {
            rc_out_puts(o, "\" hreflang=\"");
            rc_out_puts(o, code);
            rc_out_puts(o, "\" lang=\"");
            rc_out_puts(o, code);
            rc_out_puts(o, "\">");
        }
        rc_out_puts(o, lang_name(code));
        rc_out_puts(o, "</a></li>");
    }
    rc_out_puts(o, "</ul></nav>");
}

/* <link rel="alternate" hreflang> for every language and x-default (the default one). */
static void alternate(rc_out *o, const rc_site *s, const char *hreflang, int l,
                      const char *origin, const char *here)
{
    rc_out_puts(o, "<link rel=\"alternate\" hreflang=\"");
    rc_out_puts(o, hreflang);
    rc_out_puts(o, "\" href=\"");
    rc_out_puts(o, origin);
    lang_url(o, s, l, here);
    rc_out_puts(o, "\">\n");
}

static void alternates(rc_out *o, const rc_site *s, const char *here)
{
    const rc_data *d = s->data;
    const char *origin;
    if (d->nlang < 2 || !s->here)
        return;
    origin = rc_escape_html(o->pool, s->origin);
    for (int l = 0; l < d->nlang; l++)
        alternate(o, s, d->langs[l], l, origin, here);
    alternate(o, s, "x-default", 0, origin, here);
}

static void nav(rc_out *o, const rc_site *s, const char *current, int ancestor)
{
    const rc_data *d = s->data;
    rc_out_puts(o, "<ul>");
    for (int n = 0; n < d->nnav; n++) {
        const rc_nav *entry = &d->nav[n];
        rc_out_puts(o, "<li><a href=\"");
        rc_out_puts(o, s->home_html);
        rc_out_puts(o, "/");
        if (!entry->page || strcmp(entry->slug, "index"))
            rc_out_puts(o, entry->slug);
        rc_out_puts(o, "\"");
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
 * rather than it. head (NULL for none) writes extra <head> elements; both get ctx. */
static void wrap(rc_out *o, const rc_site *s, const char *title, const char *current,
                 int ancestor, content_fn head, content_fn content, const void *ctx)
{
    const rc_data *d = s->data;
    const char *here = d->nlang > 1 ? here_html(o->pool, s) : NULL;
    for (int i = 0; i < s->layout->nsegs; i++) {
        const rc_segment *seg = &s->layout->segs[i];
        switch (seg->marker) {
        case RC_SEG_TEXT:
            rc_out_write(o, seg->text.s, seg->text.n);
            break;
        case RC_SEG_TITLE:
            rc_out_puts(o, title);
            rc_out_puts(o, " – ");
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
            language_switch(o, s, here);
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
                head(o, s, ctx);
            alternates(o, s, here);
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

/* The date for people in a <time> with the date as the data gives it. */
static void date_for_people(rc_out *o, const rc_site *s, const rc_item *it)
{
    rc_date date;
    rc_date_from_period(it->start, it->end, &date);
    rc_out_puts(o, "<time datetime=\"");
    rc_out_str_raw(o, s, it->date);  /* YYYY[-MM[-DD]]: nothing to escape */
    rc_out_puts(o, "\">");
    rc_out_wrote(o, rc_date_write(rc_out_room(o, RC_DATE_TEXT_MAX), s->m, &date));
    rc_out_puts(o, "</time>");
}

/* The item's countries' names, joined with ", " (HTML). */
static void country_names(rc_out *o, const rc_site *s, const rc_item *it)
{
    const apr_uint16_t *c = rc_item_countries(s->data, it);
    for (int i = 0; i < it->ncountries; i++) {
        if (i)
            rc_out_puts(o, ", ");
        rc_out_piece(o, &s->data->countries[c[i]].name_html[s->lang]);
    }
}

static void kind_label(rc_out *o, const rc_site *s, const rc_collection *col, int k)
{
    rc_out_piece(o, &col->kinds[k].label_html[s->lang]);
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
    rc_piece href;      /* the listing's path in the response's language (HTML): home/slug */
    rc_piece qs;        /* the canonical query string, HTML-escaped (empty for none) */
} listing_ctx;

int rc_listing_noindex(const rc_query *q)
{
    return *q->canonical_with_per_page || q->page > 1;
}

/* A message's format with each of its %d and %s (every '%' in it is one) replaced by the next of
 * the numbers: the counts of a listing, without a general formatter. */
static void counted(rc_out *o, const char *fmt, const apr_int64_t *n)
{
    for (const char *pc = strchr(fmt, '%'); pc; pc = strchr(fmt, '%')) {
        rc_out_write(o, fmt, (apr_size_t)(pc - fmt));
        rc_out_int(o, *n++);
        fmt = pc + 2;
    }
    rc_out_puts(o, fmt);
}

/* The listing's path with suffix (".json") and the canonical query string (HTML). Inline:
 * suffix is a literal. */
static inline void listing_href(rc_out *o, const listing_ctx *c, const char *suffix)
{
    rc_out_piece(o, &c->href);
    rc_out_puts(o, suffix);
    if (c->qs.n) {
        rc_out_puts(o, "?");
        rc_out_piece(o, &c->qs);
    }
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

/* param's message, if it has one, below its label; the field's id is "f-" param. */
static void field_error(rc_out *o, const rc_site *s, const rc_query *q, const char *param)
{
    const rc_query_error *e = error_for(q, param);
    if (e) {
        rc_out_strs(o, "<p class=\"field-error\" id=\"f-", param,
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
    int bad = error_for(q, param) != NULL;
    rc_out_puts(o, "<div class=\"field");
    if (bad)
        rc_out_puts(o, " field--error");
    rc_out_puts(o, "\"><label for=\"f-");
    rc_out_puts(o, param);
    rc_out_puts(o, "\">");
    rc_out_puts(o, label);
    rc_out_puts(o, "</label>");
    field_error(o, s, q, param);
    rc_out_puts(o, "<input type=\"");
    rc_out_puts(o, type);
    rc_out_puts(o, "\" id=\"f-");
    rc_out_puts(o, param);
    rc_out_puts(o, "\" name=\"");
    rc_out_puts(o, param);
    rc_out_puts(o, "\" value=\"");
    if (value)
        rc_out_html(o, value);
    rc_out_puts(o, "\"");
    if (hint_id || bad) {
        rc_out_puts(o, " aria-describedby=\"");
        if (hint_id)
            rc_out_puts(o, hint_id);
        if (hint_id && bad)
            rc_out_puts(o, " ");
        if (bad)
            rc_out_strs(o, "f-", param, "-error", NULL);
        rc_out_puts(o, "\"");
    }
    if (bad)
        rc_out_puts(o, " aria-invalid=\"true\"");
    if (extra)
        rc_out_puts(o, extra);
    rc_out_puts(o, "></div>\n");
}

static void error_summary(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    /* autofocus: the summary takes focus on load, as GOV.UK's does (there with a script). */
    rc_out_strs(o, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus "
                   "aria-labelledby=\"error-summary-title\">"
                   "<h2 id=\"error-summary-title\">", s->m->problem, "</h2><ul>", NULL);
    for (int i = 0; i < c->q->errors->nelts; i++) {
        const rc_query_error *e = &APR_ARRAY_IDX(c->q->errors, i, rc_query_error);
        rc_out_puts(o, "<li><a href=\"#");
        rc_out_html(o, field_id(o->pool, s->data, c->col, e->param));
        rc_out_puts(o, "\">");
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
    if (active) {
        apr_int64_t n = active;
        rc_out_puts(o, " <span class=\"filter-count\">(");
        if (active == 1)
            rc_out_puts(o, m->filter_active_one);
        else
            counted(o, m->filter_active, &n);
        rc_out_puts(o, ")</span>");
    }
}

/* The opening of a fieldset of checkboxes, described by its message when it has one (GOV.UK's
 * error pattern). */
static void checks_fieldset(rc_out *o, const rc_site *s, const rc_query *q, const char *param,
                            const char *legend)
{
    int bad = error_for(q, param) != NULL;
    rc_out_puts(o, "<fieldset class=\"field");
    if (bad)
        rc_out_strs(o, " field--error\" aria-describedby=\"f-", param, "-error", NULL);
    rc_out_puts(o, "\"><legend>");
    rc_out_puts(o, legend);
    rc_out_puts(o, "</legend>");
    field_error(o, s, q, param);
}

/* A checkbox of the form: <label class="check" for="f-country-GT"><input ... value="GT">, then
 * the caller's label. value is a country code or a kind's slug: nothing to escape. Inline:
 * param is a literal. */
static inline void check(rc_out *o, const char *param, const char *value, int checked)
{
    rc_out_puts(o, "<label class=\"check\" for=\"f-");
    rc_out_puts(o, param);
    rc_out_puts(o, "-");
    rc_out_puts(o, value);
    rc_out_puts(o, "\"><input type=\"checkbox\" id=\"f-");
    rc_out_puts(o, param);
    rc_out_puts(o, "-");
    rc_out_puts(o, value);
    rc_out_puts(o, "\" name=\"");
    rc_out_puts(o, param);
    rc_out_puts(o, "\" value=\"");
    rc_out_puts(o, value);
    rc_out_puts(o, checked ? "\" checked> " : "\"> ");
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
    rc_out_puts(o, c->r ? "<details class=\"disclosure filter-panel\"><summary>"
                        : "<details class=\"disclosure filter-panel\" open><summary>");
    filter_title(o, m, active);
    rc_out_puts(o, "</summary>\n<form class=\"filters\" id=\"filters\" method=\"get\" action=\"");
    rc_out_piece(o, &c->href);
    rc_out_puts(o, "\" role=\"search\" aria-labelledby=\"filters-heading\">\n"
                   "<h2 id=\"filters-heading\">");
    filter_title(o, m, active);
    rc_out_puts(o, "</h2>\n");

    checks_fieldset(o, s, q, "country", m->country);
    for (int i = 0; i < d->ncountries; i++) {
        check(o, "country", d->countries[i].code, q->countries && q->countries[i]);
        rc_out_piece(o, &d->countries[i].name_html[s->lang]);
        if (c->r) {
            rc_out_puts(o, " <span class=\"count\">(");
            rc_out_int(o, c->r->country_counts[i]);
            rc_out_puts(o, ")</span>");
        }
        rc_out_puts(o, "</label>\n");
    }
    rc_out_puts(o, "</fieldset>\n");

    rc_out_puts(o, "<fieldset class=\"field\"><legend>");
    rc_out_puts(o, m->date);
    rc_out_puts(o, "</legend><p class=\"hint\" id=\"f-date-hint\">");
    rc_out_puts(o, m->date_hint);
    rc_out_puts(o, "</p>\n");
    text_field(o, s, q, "from", m->from, "text", q->from_text, "f-date-hint",
               " inputmode=\"numeric\" autocomplete=\"off\" size=\"10\"");
    text_field(o, s, q, "to", m->to, "text", q->to_text, "f-date-hint",
               " inputmode=\"numeric\" autocomplete=\"off\" size=\"10\"");
    rc_out_puts(o, "</fieldset>\n");

    if (col->nkinds) {
        checks_fieldset(o, s, q, "kind", m->kind);
        for (int i = 0; i < col->nkinds; i++) {
            check(o, "kind", col->kinds[i].slug, q->kind_checked[i]);
            kind_label(o, s, col, i);
            rc_out_puts(o, "</label>\n");
        }
        rc_out_puts(o, "</fieldset>\n");
    }

    text_field(o, s, q, "q", m->text, "search", q->q_text, NULL, " maxlength=\"200\"");

    {
        int bad = error_for(q, "sort") != NULL;
        rc_out_puts(o, bad ? "<div class=\"field field--error\"><label for=\"f-sort\">"
                           : "<div class=\"field\"><label for=\"f-sort\">");
        rc_out_puts(o, m->sort);
        rc_out_puts(o, "</label>");
        field_error(o, s, q, "sort");
        rc_out_puts(o, bad ? "<select id=\"f-sort\" name=\"sort\" aria-invalid=\"true\" "
                             "aria-describedby=\"f-sort-error\"><option value=\"-date\""
                           : "<select id=\"f-sort\" name=\"sort\"><option value=\"-date\"");
        rc_out_puts(o, q->sort_asc ? ">" : " selected>");
        rc_out_puts(o, m->newest_first);
        rc_out_puts(o, q->sort_asc ? "</option><option value=\"date\" selected>"
                                   : "</option><option value=\"date\">");
        rc_out_puts(o, m->oldest_first);
        rc_out_puts(o, "</option></select></div>\n");
    }
    if (q->per_page_text && !error_for(q, "per_page")) {
        rc_out_puts(o, "<input type=\"hidden\" name=\"per_page\" value=\"");
        rc_out_int(o, q->per_page);
        rc_out_puts(o, "\">\n");
    }
    rc_out_puts(o, "<div class=\"actions\"><button type=\"submit\" class=\"button\">");
    rc_out_puts(o, m->apply);
    rc_out_puts(o, "</button> <a class=\"button-secondary\" href=\"");
    rc_out_piece(o, &c->href);
    rc_out_puts(o, "\">");
    rc_out_puts(o, m->clear);
    rc_out_puts(o, "</a></div>\n</form>\n</details>\n");
}

/* Opens the link to page n: <li><a href="..." attrs>; the caller writes the label and
 * </a></li>. qs: the query string with per_page, HTML-escaped. */
static void page_link(rc_out *o, const listing_ctx *c, const char *qs, apr_int64_t n,
                      const char *attrs)
{
    rc_out_puts(o, "<li><a href=\"");
    rc_out_piece(o, &c->href);
    if (*qs) {
        rc_out_puts(o, "?");
        rc_out_puts(o, qs);
    }
    if (n > 1) {
        rc_out_puts(o, *qs ? "&amp;page=" : "?page=");
        rc_out_int(o, n);
    }
    rc_out_puts(o, "\"");
    rc_out_puts(o, attrs);
    rc_out_puts(o, ">");
}

/* A link to page n with n as its label. */
static void page_number(rc_out *o, const listing_ctx *c, const char *qs, apr_int64_t n,
                        int current)
{
    page_link(o, c, qs, n, current ? " aria-current=\"page\"" : "");
    rc_out_int(o, n);
    rc_out_puts(o, "</a></li>");
}

static void pagination(rc_out *o, const rc_site *s, const listing_ctx *c, apr_int64_t pages)
{
    const rc_query *q = c->q;
    apr_int64_t page = q->page;
    apr_int64_t lo = page - 2 < 1 ? 1 : page - 2, hi = page + 2 > pages ? pages : page + 2;
    const char *qs;
    if (pages <= 1)
        return;
    /* the canonical query string itself unless per_page was given */
    qs = q->canonical_with_per_page == q->canonical
             ? c->qs.s
             : rc_escape_html(o->pool, q->canonical_with_per_page);
    rc_out_puts(o, "<nav class=\"pagination\" aria-label=\"");
    rc_out_puts(o, s->m->pagination);
    rc_out_puts(o, "\"><ul>");
    if (page > 1) {
        page_link(o, c, qs, page > pages ? pages : page - 1, " rel=\"prev\"");
        rc_out_puts(o, "<span aria-hidden=\"true\">‹</span> ");
        rc_out_puts(o, s->m->previous);
        rc_out_puts(o, "</a></li>");
    }
    if (lo > 1)
        page_number(o, c, qs, 1, 0);
    if (lo > 2)
        rc_out_puts(o, "<li class=\"ellipsis\">…</li>");
    for (apr_int64_t n = lo; n <= hi; n++)
        page_number(o, c, qs, n, n == page);
    if (hi < pages - 1)
        rc_out_puts(o, "<li class=\"ellipsis\">…</li>");
    if (hi < pages)
        page_number(o, c, qs, pages, 0);
    if (page < pages) {
        page_link(o, c, qs, page + 1, " rel=\"next\"");
        rc_out_puts(o, s->m->next);
        rc_out_puts(o, " <span aria-hidden=\"true\">›</span></a></li>");
    }
    rc_out_puts(o, "</ul></nav>\n");
}

static void format_links(rc_out *o, const rc_site *s, const listing_ctx *c)
{
    rc_out_puts(o, "<p class=\"formats\">");
    rc_out_puts(o, s->m->download);
    rc_out_puts(o, " <a href=\"");
    listing_href(o, c, ".json");
    rc_out_puts(o, "\" type=\"application/json\">JSON</a> <a href=\"");
    listing_href(o, c, ".csv");
    rc_out_puts(o, "\" type=\"text/csv\">CSV</a> <a href=\"");
    listing_href(o, c, ".atom");
    rc_out_puts(o, "\" type=\"application/atom+xml\">");
    rc_out_puts(o, s->m->atom_feed);
    rc_out_puts(o, "</a></p>\n");
}

/* "1 result", "20 results" */
static void count_text(rc_out *o, const rc_msgs *m, apr_int64_t n)
{
    if (n == 1)
        rc_out_puts(o, m->one_result);
    else
        counted(o, m->n_results, &n);
}

static void row(rc_out *o, const rc_site *s, const listing_ctx *c, const rc_item *it)
{
    rc_out_puts(o, "<li class=\"item\"><h3 class=\"item-title\"><a href=\"");
    rc_out_piece(o, &c->href);
    rc_out_puts(o, "/");
    rc_out_str_raw(o, s, it->id);  /* a slug */
    rc_out_puts(o, "\">");
    rc_out_text(o, s, it->title, 0);
    rc_out_puts(o, "</a></h3><p class=\"item-meta\">");
    date_for_people(o, s, it);
    rc_out_puts(o, " · <span class=\"countries\">");
    country_names(o, s, it);
    rc_out_puts(o, "</span>");
    if (it->kind >= 0) {
        rc_out_puts(o, " · <span class=\"kind\">");
        kind_label(o, s, c->col, it->kind);
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
    else if (count == 0) {  /* past the last page: rare enough for a format */
        const char *total = r->total == 1 ? m->one_result
                                          : apr_psprintf(o->pool, m->n_results, r->total);
        rc_out_puts(o, apr_psprintf(o->pool, m->past_end, total,
                                    apr_psprintf(o->pool, "%" APR_INT64_T_FMT, c->q->page),
                                    apr_psprintf(o->pool, "%" APR_INT64_T_FMT, pages)));
    }
    else if (pages == 1)
        count_text(o, m, r->total);
    else {
        apr_int64_t shown[3] = {first + 1, first + count, r->total};
        counted(o, m->showing, shown);
    }
    rc_out_puts(o, "</p>\n");
    if (count) {
        rc_out_puts(o, "<ol class=\"items\" start=\"");
        rc_out_int(o, first + 1);
        rc_out_puts(o, "\">\n");
        for (int k = 0; k < count; k++)
            row(o, s, c, &c->col->items[r->ids[k]]);
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
    rc_out_puts(o, "<section class=\"results\" aria-labelledby=\"results-heading\">\n"
                   "<h2 id=\"results-heading\">");
    rc_out_puts(o, s->m->results);
    rc_out_puts(o, "</h2>\n");
    if (c->r) {
        results(o, s, c);
        format_links(o, s, c);
    }
    else {
        rc_out_puts(o, "<p class=\"result-count\" id=\"result-count\" role=\"status\" "
                       "aria-live=\"polite\">");
        rc_out_puts(o, s->m->correct_filter);
        rc_out_puts(o, "</p>\n");
    }
    rc_out_puts(o, "</section>\n</div>\n");
}

/* The feed of the same filter; a filtered or paged listing is kept out of search engines'
 * indexes, and points to the whole listing as the canonical page. */
static void listing_head(rc_out *o, const rc_site *s, const void *ctx)
{
    const listing_ctx *c = ctx;
    rc_out_puts(o, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
    rc_out_text(o, s, c->col->title, 1);
    rc_out_puts(o, " (Atom)\" href=\"");
    listing_href(o, c, ".atom");
    rc_out_puts(o, "\">\n");
    if (rc_listing_noindex(c->q)) {
        rc_out_puts(o, "<meta name=\"robots\" content=\"noindex, follow\">\n"
                       "<link rel=\"canonical\" href=\"");
        rc_out_html(o, s->origin);
        rc_out_piece(o, &c->href);
        rc_out_puts(o, "\">\n");
    }
}

void rc_html_listing(rc_out *o, const rc_site *s, const rc_collection *col, const rc_query *q,
                     const rc_result *r)
{
    listing_ctx c;
    const char *title = title_of(s, col->title);
    c.col = col;
    c.q = q;
    c.r = r;
    c.href.s = apr_pstrcat(o->pool, s->home_html, "/", col->slug, NULL);
    c.href.n = strlen(c.href.s);
    c.qs.s = rc_escape_html(o->pool, q->canonical);
    c.qs.n = strlen(c.qs.s);
    wrap(o, s, r ? title : apr_pstrcat(o->pool, s->m->error_prefix, " ", title, NULL),
         col->slug, 0, listing_head, listing_content, &c);
}

/* ---- item pages ---- */

typedef struct item_ctx {
    const rc_collection *col;
    const rc_item *it;
} item_ctx;

/* A string inside a JSON-LD <script>: JSON-escaped, '<' as \u003c so that nothing in it can
 * end the script element, and DEL and the C1 controls, which HTML forbids even there, as
 * \u escapes too (JSON escaping leaves them). */
static void jsonld_text(rc_out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *j = rc_escape_json(o->pool, s, strlen(s));
    for (;;) {
        apr_size_t n = strcspn(j, "<\x7f\xc2");
        const unsigned char *u = (const unsigned char *)j + n;
        char esc[6] = {'\\', 'u', '0', '0', 0, 0};
        rc_out_write(o, j, n);
        if (!*u)
            return;
        if (u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F)
            j += n + 2, esc[4] = hex[u[1] >> 4], esc[5] = hex[u[1] & 15];
        else if (u[0] == 0xC2) {  /* another character: as it is */
            rc_out_write(o, (const char *)u, 1);
            j += n + 1;
            continue;
        }
        else
            j += n + 1, esc[4] = hex[u[0] >> 4], esc[5] = hex[u[0] & 15];
        rc_out_write(o, esc, 6);
    }
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
        rc_out_puts(o, "<li><a href=\"");
        if (doc->link != doc->href)  /* relative: under the mount point */
            rc_out_strs(o, s->base->html, "/", NULL);
        rc_out_str(o, s, doc->link);
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
            rc_out_piece(o, &s->data->countries[pe[i].country].name_html[s->lang]);
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
