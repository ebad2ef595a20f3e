/* rc_query: whitelisted parameters, %-decoding, list splitting and the 400 rules of
 * docs/REFERENCE.md "Listing parameters". */
#include "rc_query.h"
#include "rc_date.h"
#include "rc_text.h"
#include "rc_words.h"

#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

typedef struct parse_ctx {
    apr_pool_t *p;
    const rc_data *d;
    const rc_collection *col;
    const rc_msgs *m;
    rc_query *q;
    apr_array_header_t *kinds, *words, *q_texts;
} parse_ctx;

/* A value as messages show it: cut at 60 bytes so that a hostile query cannot make a huge
 * error page, and printable, so that the message is valid UTF-8 text in every format: control
 * characters and bytes that are not UTF-8 are written as %XX, the way they came in the URL. */
static const char *shown(apr_pool_t *p, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)v;
    apr_size_t n = strlen(v), i = 0, limit = n <= 60 ? n : 57;
    char *out = apr_palloc(p, 3 * limit + 4), *o = out;

    while (i < limit) {
        apr_size_t len = u[i] < 0x80 ? 1 : u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : 2;
        int ok = i + len <= n && rc_utf8_valid(v + i, len);
        /* C0 controls, DEL, and C1 controls (U+0080..U+009F, encoded C2 80..C2 9F) */
        int control = u[i] < 0x20 || u[i] == 0x7F || (u[i] == 0xC2 && len == 2 && ok &&
                                                       u[i + 1] < 0xA0);
        if (!ok || control) {
            *o++ = '%';
            *o++ = hex[u[i] >> 4];
            *o++ = hex[u[i] & 15];
            i++;
            continue;
        }
        if (i + len > limit)
            break;  /* keep the cut on a character boundary */
        memcpy(o, v + i, len);
        o += len;
        i += len;
    }
    if (i < n) {
        memcpy(o, "...", 3);
        o += 3;
    }
    *o = '\0';
    return out;
}

/* 1 if param has an error already: one message per parameter is enough to act on, and what
 * a message costs (the list of valid choices) is paid once however many bad values come. */
static int has_error(const parse_ctx *c, const char *param)
{
    for (int i = 0; i < c->q->errors->nelts; i++) {
        const rc_query_error *old = &APR_ARRAY_IDX(c->q->errors, i, rc_query_error);
        if (param && old->param && !strcmp(old->param, param))
            return 1;
    }
    return 0;
}

static void add_error(parse_ctx *c, const char *param, const char *value, const char *fmt, ...);

static void add_error(parse_ctx *c, const char *param, const char *value, const char *fmt, ...)
{
    rc_query_error *e;
    va_list ap;
    if (has_error(c, param))
        return;
    e = apr_array_push(c->q->errors);
    e->param = param;
    e->value = value;
    va_start(ap, fmt);
    e->message = apr_pvsprintf(c->p, fmt, ap);
    va_end(ap);
}

/* A whole number of decimal digits; values above max read as max + 1. */
static int parse_whole(const char *s, apr_int64_t max, apr_int64_t *out)
{
    apr_int64_t v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        if (v <= max)
            v = v * 10 + (*s - '0');
    }
    *out = v > max ? max + 1 : v;
    return 1;
}

/* Sets a single-valued parameter, refusing a second non-empty value. */
static int single(parse_ctx *c, const char *name, const char **slot, const char *value)
{
    if (*slot) {
        add_error(c, name, value, c->m->e_repeated, name, shown(c->p, *slot), shown(c->p, value));
        return 0;
    }
    *slot = value;
    return 1;
}

static const char *country_choices(parse_ctx *c)
{
    int lang = rc_data_lang(c->d, c->m->code);
    const char *s = "";
    for (int i = 0; i < c->d->ncountries; i++)
        s = apr_pstrcat(c->p, s, i ? ", " : "", c->d->countries[i].code, " (",
                        rc_str(c->d, rc_text(c->d, c->d->countries[i].name, lang, NULL)), ")",
                        NULL);
    return s;
}

static const char *kind_choices(parse_ctx *c)
{
    const char *s = "";
    for (int i = 0; i < c->col->nkinds; i++)
        s = apr_pstrcat(c->p, s, i ? ", " : "", c->col->kinds[i].slug, NULL);
    return c->col->nkinds ? s : c->m->e_no_kinds;
}

/* A country by code (any case) or by name in any language, folded; -1 when none. */
static int find_country(parse_ctx *c, const char *v)
{
    const char *folded;
    if (strlen(v) == 2) {
        char code[3] = {apr_toupper(v[0]), apr_toupper(v[1]), '\0'};
        int i = rc_data_country(c->d, code);
        if (i >= 0)
            return i;
    }
    folded = rc_fold(c->p, v, strlen(v));
    return rc_data_country_named(c->d, folded);
}

/* Calls fn for each non-empty ','-separated element of v. */
static void each_element(parse_ctx *c, const char *name, const char *v,
                         void (*fn)(parse_ctx *, const char *, const char *))
{
    char *copy = apr_pstrdup(c->p, v), *last, *tok;
    for (tok = apr_strtok(copy, ",", &last); tok; tok = apr_strtok(NULL, ",", &last))
        fn(c, name, tok);
}

static void add_country(parse_ctx *c, const char *name, const char *v)
{
    int i;
    if (has_error(c, name))
        return;
    if ((i = find_country(c, v)) < 0) {
        add_error(c, name, v, c->m->e_country, name, shown(c->p, v), country_choices(c));
        return;
    }
    if (!c->q->countries)  /* only now: "country=," filters nothing */
        c->q->countries = apr_pcalloc(c->p, c->d->ncountries + 1);
    c->q->countries[i] = 1;
}

static void add_kind(parse_ctx *c, const char *name, const char *v)
{
    int lo = 0, hi = c->col->nkinds;
    if (has_error(c, name))
        return;
    while (lo < hi) {  /* the kinds are sorted */
        int mid = (lo + hi) / 2, cmp = strcmp(c->col->kinds[mid].slug, v);
        if (cmp == 0) {
            if (!c->q->kind_checked[mid]) {
                c->q->kind_checked[mid] = 1;
                APR_ARRAY_PUSH(c->kinds, const char *) = c->col->kinds[mid].slug;
            }
            return;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    add_error(c, name, v, c->m->e_kind, name, shown(c->p, v),
              rc_str(c->d, rc_text(c->d, c->col->title, rc_data_lang(c->d, c->m->code), NULL)),
              kind_choices(c));
}

/* q: each value's words, folded, added to the distinct words of the query. */
static void add_words(parse_ctx *c, const char *name, const char *v)
{
    apr_size_t chars = rc_utf8_length(v, strlen(v));
    const char **words;
    int n;
    if (chars > RC_Q_MAX_CHARS) {
        add_error(c, name, v, c->m->e_q_long, name, shown(c->p, v), (unsigned long)chars,
                  RC_Q_MAX_CHARS);
        return;
    }
    APR_ARRAY_PUSH(c->q_texts, const char *) = v;
    if (c->words->nelts > RC_Q_MAX_WORDS)
        return;  /* too many already */
    words = rc_words_split(c->p, rc_fold(c->p, v, strlen(v)), &n);
    for (int i = 0; i < n && c->words->nelts <= RC_Q_MAX_WORDS; i++) {
        int seen = 0;
        for (int k = 0; k < c->words->nelts && !seen; k++)
            seen = !strcmp(APR_ARRAY_IDX(c->words, k, const char *), words[i]);
        if (!seen)
            APR_ARRAY_PUSH(c->words, const char *) = words[i];
    }
}

/* C0 controls but white space (which separates the words of q), DEL, and C1 controls. */
static int has_control(const char *v)
{
    for (const unsigned char *u = (const unsigned char *)v; *u; u++)
        if ((*u < 0x20 && !strchr("\t\n\v\f\r", *u)) || *u == 0x7F ||
            (*u == 0xC2 && u[1] >= 0x80 && u[1] < 0xA0))
            return 1;
    return 0;
}

static const char *known[] = {"country", "from", "to", "kind", "q", "sort", "page", "per_page",
                              NULL};

static void take(parse_ctx *c, const char *name, const char *v)
{
    rc_query *q = c->q;
    if (!strcmp(name, "country"))
        each_element(c, name, v, add_country);
    else if (!strcmp(name, "kind"))
        each_element(c, name, v, add_kind);
    else if (!strcmp(name, "q"))
        add_words(c, name, v);
    else if (!strcmp(name, "from"))
        single(c, name, &q->from_text, v);
    else if (!strcmp(name, "to"))
        single(c, name, &q->to_text, v);
    else if (!strcmp(name, "sort"))
        single(c, name, &q->sort_text, v);
    else if (!strcmp(name, "page"))
        single(c, name, &q->page_text, v);
    else if (!strcmp(name, "per_page"))
        single(c, name, &q->per_page_text, v);
}

static int date_bound(parse_ctx *c, const char *name, const char *v, rc_date *d)
{
    rc_date_status why;
    if (!v)
        return 0;
    if ((why = rc_date_parse(v, d)) != RC_DATE_OK) {
        add_error(c, name, v, c->m->e_date, name, shown(c->p, v),
                  why == RC_DATE_CALENDAR ? c->m->e_date_calendar : c->m->e_date_syntax);
        return 0;
    }
    return 1;
}

static void finish_values(parse_ctx *c, int default_per_page)
{
    rc_query *q = c->q;
    rc_date from, to;
    int has_from = date_bound(c, "from", q->from_text, &from);
    int has_to = date_bound(c, "to", q->to_text, &to);

    if (has_from)
        q->from = from.start;
    if (has_to)
        q->to = to.end;
    if (has_from && has_to && from.start > to.end)
        add_error(c, "from", q->from_text, c->m->e_from_after_to, shown(c->p, q->from_text),
                  shown(c->p, q->to_text));

    if (q->sort_text) {
        if (!strcmp(q->sort_text, "date"))
            q->sort_asc = 1;
        else if (strcmp(q->sort_text, "-date"))
            add_error(c, "sort", q->sort_text, c->m->e_sort, shown(c->p, q->sort_text));
    }
    q->page = 1;
    if (q->page_text && (!parse_whole(q->page_text, RC_MAX_PAGE - 1, &q->page) || q->page < 1)) {
        add_error(c, "page", q->page_text, c->m->e_page, shown(c->p, q->page_text));
        q->page = 1;
    }
    q->per_page = default_per_page;
    if (q->per_page_text) {
        apr_int64_t n = 0;
        if (!parse_whole(q->per_page_text, RC_MAX_PER_PAGE, &n) || n < 1 || n > RC_MAX_PER_PAGE)
            add_error(c, "per_page", q->per_page_text, c->m->e_per_page,
                      shown(c->p, q->per_page_text), RC_MAX_PER_PAGE);
        else
            q->per_page = (int)n;
    }
}

static void build_canonical(parse_ctx *c)
{
    rc_query *q = c->q;
    apr_array_header_t *parts = apr_array_make(c->p, 8, sizeof(const char *));
    if (q->countries)
        for (int i = 0; i < c->d->ncountries; i++)
            if (q->countries[i])
                APR_ARRAY_PUSH(parts, const char *) =
                    apr_pstrcat(c->p, "country=", c->d->countries[i].code, NULL);
    if (q->from_text)
        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(c->p, "from=", rc_escape_query(c->p, q->from_text), NULL);
    if (q->to_text)
        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(c->p, "to=", rc_escape_query(c->p, q->to_text), NULL);
    for (int i = 0; i < c->col->nkinds; i++)
        if (q->kind_checked[i])
            APR_ARRAY_PUSH(parts, const char *) =
                apr_pstrcat(c->p, "kind=", rc_escape_query(c->p, c->col->kinds[i].slug), NULL);
    /* one q per value given: joined, values of up to 200 characters each could exceed it */
    for (int i = 0; i < c->q_texts->nelts; i++)
        APR_ARRAY_PUSH(parts, const char *) = apr_pstrcat(
            c->p, "q=", rc_escape_query(c->p, APR_ARRAY_IDX(c->q_texts, i, const char *)), NULL);
    if (q->sort_asc)
        APR_ARRAY_PUSH(parts, const char *) = "sort=date";
    q->canonical = apr_array_pstrcat(c->p, parts, '&');
    if (q->per_page_text && !apr_is_empty_array(parts))
        q->canonical_with_per_page =
            apr_psprintf(c->p, "%s&per_page=%d", q->canonical, q->per_page);
    else if (q->per_page_text)
        q->canonical_with_per_page = apr_psprintf(c->p, "per_page=%d", q->per_page);
    else
        q->canonical_with_per_page = q->canonical;
    /* with canonical_with_per_page: a per_page given (even the default) shows in the page (a
     * hidden field, the links, robots noindex), so it is part of the key */
    q->key = apr_psprintf(c->p, "%s&page=%" APR_INT64_T_FMT "&per_page=%d",
                          q->canonical_with_per_page, q->page, q->per_page);
}

rc_query *rc_query_parse(apr_pool_t *p, const rc_data *d, const rc_collection *col,
                         const char *args, int default_per_page, const rc_msgs *m)
{
    parse_ctx c;
    rc_query *q = apr_pcalloc(p, sizeof(*q));
    int nparams = 0;

    memset(&c, 0, sizeof(c));
    c.p = p;
    c.d = d;
    c.col = col;
    c.m = m;
    c.q = q;
    c.kinds = apr_array_make(p, 4, sizeof(const char *));
    c.words = apr_array_make(p, 4, sizeof(const char *));
    c.q_texts = apr_array_make(p, 1, sizeof(const char *));
    q->errors = apr_array_make(p, 2, sizeof(rc_query_error));
    q->kind_checked = apr_pcalloc(p, col->nkinds + 1);

    if (args && strlen(args) > RC_MAX_QUERY_BYTES) {
        add_error(&c, NULL, NULL, m->e_query_long, (unsigned long)strlen(args),
                  RC_MAX_QUERY_BYTES);
        args = NULL;
    }
    if (args) {
        char *copy = apr_pstrdup(p, args), *last, *pair;
        for (pair = apr_strtok(copy, "&", &last); pair; pair = apr_strtok(NULL, "&", &last)) {
            char *eq = strchr(pair, '=');
            const char *raw_value = eq ? eq + 1 : "";
            apr_size_t nlen, vlen;
            char *name, *value;
            int is_known = 0;
            if (eq)
                *eq = '\0';
            /* A name that does not decode is no name of ours: unknown parameters are ignored
             * and never validated. */
            name = rc_unescape(p, pair, strlen(pair), 1, &nlen);
            for (const char **k = known; name && *k; k++)
                if (strlen(*k) == nlen && !strcmp(*k, name))
                    is_known = 1;
            if (!is_known)
                continue;
            if (++nparams > RC_MAX_PARAMS) {
                add_error(&c, NULL, NULL, m->e_too_many, RC_MAX_PARAMS);
                break;
            }
            value = rc_unescape(p, raw_value, strlen(raw_value), 1, &vlen);
            if (!value) {
                add_error(&c, name, raw_value, m->e_encoding, name, shown(p, raw_value));
                continue;
            }
            if (!rc_utf8_valid(value, vlen)) {
                add_error(&c, name, raw_value, m->e_utf8, name, shown(p, raw_value));
                continue;
            }
            if (has_control(value)) {
                add_error(&c, name, raw_value, m->e_control, name, shown(p, value));
                continue;
            }
            if (vlen == 0)
                continue;  /* a blank form field is the same as an absent one */
            take(&c, name, value);
        }
    }
    if (c.q_texts->nelts)
        q->q_text = apr_array_pstrcat(p, c.q_texts, ' ');
    if (c.kinds->nelts) {
        APR_ARRAY_PUSH(c.kinds, const char *) = NULL;
        q->kinds = (const char **)c.kinds->elts;
    }
    if (c.words->nelts > RC_Q_MAX_WORDS)
        add_error(&c, "q", q->q_text, m->e_q_words, "q", shown(p, q->q_text), RC_Q_MAX_WORDS,
                  RC_Q_MAX_WORDS);
    else if (c.words->nelts) {
        APR_ARRAY_PUSH(c.words, const char *) = NULL;
        q->words = (const char **)c.words->elts;
    }
    finish_values(&c, default_per_page);
    build_canonical(&c);
    return q;
}

/* The Link header of a paged listing has up to four of these: no formatter (apr_psprintf costs
 * several times the rest). */
const char *rc_query_link(apr_pool_t *p, const rc_query *q, apr_int64_t page)
{
    const char *base = q->canonical_with_per_page;
    char digits[24], *d = digits + sizeof(digits);
    if (page <= 1)
        return base;
    *--d = '\0';
    do
        *--d = (char)('0' + page % 10);
    while (page /= 10);
    return apr_pstrcat(p, base, *base ? "&page=" : "page=", d, NULL);
}
