/* rc_layout: layouts are split once, so a response is a walk over ready segments. */
#include "rc_layout.h"
#include "rc_build.h"
#include "rc_text.h"

#include <string.h>

#include <apr_file_io.h>
#include <apr_md5.h>
#include <apr_strings.h>

static const char builtin[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"<!--#rootcauses lang-->\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title><!--#rootcauses title--></title>\n"
    "<link rel=\"stylesheet\" href=\"<!--#rootcauses base-->/assets/rootcauses.css\">\n"
    "<link rel=\"icon\" href=\"<!--#rootcauses base-->/assets/favicon.svg\" type=\"image/svg+xml\">\n"
    "<!--#rootcauses head-->"
    "</head>\n"
    "<body>\n"
    "<a class=\"skip-link\" href=\"#content\"><!--#rootcauses skip--></a>\n"
    "<header class=\"site-header\"><div class=\"wrap\">"
    "<a class=\"site-name\" href=\"<!--#rootcauses home-->/\"><!--#rootcauses site--></a>"
    "<!--#rootcauses languages-->"
    "</div></header>\n"
    /* A disclosure that only narrow screens show closed; the stylesheet shows its content on
     * wide ones. The navigation landmark stays outside it, so it is there in either state. */
    "<nav class=\"site-nav\" aria-label=\"<!--#rootcauses nav-label-->\"><div class=\"wrap\">"
    "<details class=\"disclosure site-menu\"><summary><!--#rootcauses menu--></summary>"
    "<!--#rootcauses nav-->"
    "</details></div></nav>\n"
    "<main id=\"content\" class=\"wrap\" tabindex=\"-1\">\n"
    "<!--#rootcauses content-->"
    "</main>\n"
    "<footer class=\"site-footer\"><div class=\"wrap\"><p><!--#rootcauses site--></p>"
    "</div></footer>\n"
    "</body>\n"
    "</html>\n";

static const struct {
    const char *name;
    rc_marker marker;
} markers[] = {
    {"title", RC_SEG_TITLE},         {"nav", RC_SEG_NAV},         {"content", RC_SEG_CONTENT},
    {"head", RC_SEG_HEAD},           {"base", RC_SEG_BASE},       {"site", RC_SEG_SITE},
    {"lang", RC_SEG_LANG},           {"languages", RC_SEG_LANGUAGES}, {"home", RC_SEG_HOME},
    {"skip", RC_SEG_SKIP},           {"nav-label", RC_SEG_NAV_LABEL}, {"menu", RC_SEG_MENU},
};

#define OPEN "<!--#rootcauses "
#define CLOSE "-->"

const char *rc_layout_parse(apr_pool_t *p, const char *name, const char *text, apr_size_t len,
                            rc_layout **out)
{
    apr_array_header_t *segs = apr_array_make(p, 16, sizeof(rc_segment));
    int seen[16] = {0};
    const char *s = text, *end = text + len;
    rc_layout *l;
    unsigned char digest[APR_MD5_DIGESTSIZE];

    if (!rc_utf8_valid(text, len))
        return apr_psprintf(p, "layout %s: not UTF-8 text (or contains a NUL byte)", name);
    while (s < end) {
        const char *m = memmem(s, (apr_size_t)(end - s), OPEN, sizeof(OPEN) - 1);
        const char *close;
        rc_segment *seg;
        int found = -1;
        if (!m)
            m = end;
        if (m > s) {
            seg = apr_array_push(segs);
            seg->marker = RC_SEG_TEXT;
            seg->text.s = s;
            seg->text.n = (apr_size_t)(m - s);
        }
        if (m == end)
            break;
        close = memmem(m, (apr_size_t)(end - m), CLOSE, sizeof(CLOSE) - 1);
        if (close) {
            apr_size_t n = (apr_size_t)(close - m) - (sizeof(OPEN) - 1);
            for (unsigned i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
                if (strlen(markers[i].name) == n &&
                    !strncmp(m + sizeof(OPEN) - 1, markers[i].name, n))
                    found = (int)i;
        }
        if (found < 0) {
            apr_size_t shown = close ? (apr_size_t)(close - m) + 3 : (apr_size_t)(end - m);
            return apr_psprintf(p,
                                "layout %s: unknown marker %.*s; expected one of "
                                "<!--#rootcauses title-->, nav, content, head, base, site, "
                                "lang, languages, home, skip, nav-label, menu",
                                name, (int)(shown > 60 ? 60 : shown), m);
        }
        if (markers[found].marker <= RC_SEG_CONTENT && seen[markers[found].marker]++)
            return apr_psprintf(p, "layout %s: <!--#rootcauses %s--> appears more than once",
                                name, markers[found].name);
        seg = apr_array_push(segs);
        seg->marker = markers[found].marker;
        s = close + sizeof(CLOSE) - 1;
    }
    for (int i = 0; i < 3; i++)
        if (!seen[markers[i].marker])
            return apr_psprintf(p, "layout %s: <!--#rootcauses %s--> is missing; a layout needs "
                                   "the title, nav and content markers",
                                name, markers[i].name);
    l = apr_pcalloc(p, sizeof(*l));
    l->name = name;
    l->segs = (rc_segment *)segs->elts;
    l->nsegs = segs->nelts;
    apr_md5(digest, text, len);
    for (int i = 0; i < 4; i++)
        apr_snprintf(l->hash + 2 * i, 3, "%02x", digest[i]);
    *out = l;
    return NULL;
}

const char *rc_layout_load(apr_pool_t *p, const char *path, rc_layout **out)
{
    apr_finfo_t fi;
    apr_size_t len;
    char *buf;
    const char *err;

    if ((err = rc_file_read(p, path, 1 << 20, &buf, &len, &fi)) != NULL)
        return apr_psprintf(p, "layout %s: cannot read it: %s", path, err);
    if ((err = rc_layout_parse(p, path, buf, len, out)) != NULL)
        return err;
    (*out)->mtime = fi.mtime;
    return NULL;
}

const rc_layout *rc_layout_builtin(apr_pool_t *p)
{
    rc_layout *l = NULL;
    /* The built-in text is known good; a failure here is a bug caught by the unit tests. */
    rc_layout_parse(p, "built-in", builtin, sizeof(builtin) - 1, &l);
    return l;
}
