/* rc_text: UTF-8 checks, accent folding and escaping for every output context.
 * APR only; no httpd header. */

#include <string.h>

#include "rc_text.h"
#include "rc_fold_table.h"

/* Decodes the UTF-8 sequence at s (n > 0 bytes available). Returns its length and sets *cp, or
 * 0 when the bytes there are not well-formed (RFC 3629): a stray continuation byte, an overlong
 * form, a surrogate, a code point past U+10FFFF or a truncated sequence. NUL decodes as U+0000;
 * callers that refuse it check for it. */
static apr_size_t utf8_decode(const unsigned char *s, apr_size_t n, apr_uint32_t *cp)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    apr_size_t need, i;
    apr_uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2) {
        /* 80..BF continue a sequence; C0 and C1 could only start overlong ones */
        return 0;
    }
    if (c < 0xE0) {
        need = 2;
        v = c & 0x1F;
    }
    else if (c < 0xF0) {
        need = 3;
        v = c & 0x0F;
        if (c == 0xE0) {
            lo = 0xA0;          /* E0 80..9F would be overlong */
        }
        else if (c == 0xED) {
            hi = 0x9F;          /* ED A0..BF would be a surrogate */
        }
    }
    else if (c < 0xF5) {
        need = 4;
        v = c & 0x07;
        if (c == 0xF0) {
            lo = 0x90;          /* F0 80..8F would be overlong */
        }
        else if (c == 0xF4) {
            hi = 0x8F;          /* F4 90.. would be past U+10FFFF */
        }
    }
    else {
        return 0;               /* F5..FF: past U+10FFFF */
    }
    if (n < need) {
        return 0;
    }
    /* Only the second byte has a narrowed range; the rest are plain continuation bytes. */
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    v = (v << 6) | (s[1] & 0x3F);
    for (i = 2; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return need;
}

static apr_size_t utf8_encode(apr_uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int rc_utf8_valid(const char *s, apr_size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t i = 0, n;
    apr_uint32_t cp;

    while (i < len) {
        if (u[i] >= 0x01 && u[i] < 0x80) {
            /* ASCII without NUL eight bytes at a time: most text of a data file is */
            apr_uint64_t x;
            while (i + 8 <= len) {
                memcpy(&x, u + i, 8);
                if ((x | ((x - 0x0101010101010101ull) & ~x)) & 0x8080808080808080ull)
                    break;
                i += 8;
            }
            if (i < len && u[i] >= 0x01 && u[i] < 0x80)
                i++;
            continue;
        }
        n = utf8_decode(u + i, len - i, &cp);
        if (n == 0 || cp == 0) {
            return 0;
        }
        i += n;
    }
    return 1;
}

apr_size_t rc_utf8_length(const char *s, apr_size_t len)
{
    apr_size_t i, count = 0;

    /* Valid input: every byte but a continuation byte starts a code point. */
    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            count++;
        }
    }
    return count;
}

/* ---- folding ---- */

#define HANGUL_FIRST 0xAC00
#define HANGUL_LAST  0xD7A3

static const rc_fold_entry *fold_lookup(apr_uint32_t cp)
{
    apr_size_t lo = 0, hi = rc_fold_table_size;

    while (lo < hi) {
        apr_size_t mid = lo + (hi - lo) / 2;
        if (rc_fold_table[mid].cp < cp) {
            lo = mid + 1;
        }
        else if (rc_fold_table[mid].cp > cp) {
            hi = mid;
        }
        else {
            return &rc_fold_table[mid];
        }
    }
    return NULL;
}

/* Folds s[0..len) into out, or only measures when out is NULL, so that rc_fold can allocate
 * exactly once: a fold can be far longer than its input (U+FDFA is 3 bytes in, 33 out). */
static apr_size_t fold_into(char *out, const unsigned char *s, apr_size_t len)
{
    apr_size_t i = 0, o = 0, n;
    apr_uint32_t cp;
    const rc_fold_entry *e;
    char jamo[9];

    while (i < len) {
        if (s[i] < 0x80) {
            /* Not apr_tolower: it follows the locale (Turkish maps I elsewhere). */
            if (out) {
                out[o] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
            }
            o++;
            i++;
            continue;
        }
        n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            /* The contract says valid input; should a bad byte slip through, keep it rather
             * than lose the rest of the string. */
            if (out) {
                out[o] = (char)s[i];
            }
            o++;
            i++;
            continue;
        }
        if (cp >= HANGUL_FIRST && cp <= HANGUL_LAST) {
            /* Arithmetic decomposition (Unicode 3.12) instead of 11172 table rows; the
             * generator checks that it agrees with unicodedata. */
            apr_uint32_t sidx = cp - HANGUL_FIRST;
            apr_size_t jl = utf8_encode(0x1100 + sidx / 588, jamo);
            jl += utf8_encode(0x1161 + (sidx % 588) / 28, jamo + jl);
            if (sidx % 28) {
                jl += utf8_encode(0x11A7 + sidx % 28, jamo + jl);
            }
            if (out) {
                memcpy(out + o, jamo, jl);
            }
            o += jl;
        }
        else if ((e = fold_lookup(cp)) != NULL) {
            if (out) {
                memcpy(out + o, rc_fold_blob + e->off, e->len);
            }
            o += e->len;
        }
        else {
            if (out) {
                memcpy(out + o, s + i, n);
            }
            o += n;
        }
        i += n;
    }
    return o;
}

char *rc_fold(apr_pool_t *p, const char *s, apr_size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t size, i;
    char *out;

    /* ASCII, most text: folding is lower-casing and keeps the length, one pass */
    for (i = 0; i < len && u[i] < 0x80; i++)
        ;
    if (i == len) {
        out = apr_palloc(p, len + 1);
        for (i = 0; i < len; i++)
            out[i] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + ('a' - 'A') : u[i]);
        out[len] = '\0';
        return out;
    }
    size = fold_into(NULL, u, len);
    out = apr_palloc(p, size + 1);

    fold_into(out, u, len);
    out[size] = '\0';
    return out;
}

/* ---- words ---- */

int rc_is_alnum(apr_uint32_t cp)
{
    apr_size_t lo = 0, hi = rc_alnum_ranges_size;

    if (cp < 0x80) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }
    while (lo < hi) {
        apr_size_t mid = lo + (hi - lo) / 2;
        if (rc_alnum_ranges[mid].last < cp) {
            lo = mid + 1;
        }
        else if (rc_alnum_ranges[mid].first > cp) {
            hi = mid;
        }
        else {
            return 1;
        }
    }
    return 0;
}

/* ASCII letters and digits, for the words of every text of a data file. */
static const unsigned char ascii_alnum[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* The length of the character at s[i] and whether it is a letter or digit. */
static apr_size_t word_char(const unsigned char *s, apr_size_t n, int *alnum)
{
    apr_uint32_t cp;
    apr_size_t len;

    if (s[0] < 0x80) {
        *alnum = ascii_alnum[s[0]];
        return 1;
    }
    len = utf8_decode(s, n, &cp);
    if (len == 0) {
        *alnum = 0;
        return 1;
    }
    *alnum = rc_is_alnum(cp);
    return len;
}

int rc_next_word(const char *s, apr_size_t len, apr_size_t *pos, apr_size_t *start,
                 apr_size_t *end)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t i = *pos, cl;
    int alnum = 0;

    while (i < len) {
        cl = word_char(u + i, len - i, &alnum);
        if (alnum) {
            break;
        }
        i += cl;
    }
    if (i >= len) {
        *pos = len;
        return 0;
    }
    *start = i;
    while (i < len) {
        cl = word_char(u + i, len - i, &alnum);
        if (!alnum) {
            break;
        }
        i += cl;
    }
    *end = *pos = i;
    return 1;
}

/* ---- escaping ---- */

/* The markup characters' references, for HTML and XML alike. */
static inline const char *markup_entity(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        /* &#39; rather than &apos;, which HTML 4 lacks */
        return "&#39;";
    default:
        return NULL;
    }
}

/* What HTML escaping does with the character at s: returns how many bytes it takes, and *out
 * what is written for them: an entity, "" for a control that HTML may not hold even as a
 * reference (the C0 ones but tab, LF, FF and CR; DEL; the C1 ones, C2 80..C2 9F), or NULL when
 * they are written as they are. */
static inline apr_size_t html_char(const unsigned char *s, const char **out)
{
    if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F) {
        *out = "";
        return 2;
    }
    if ((s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\f' && s[0] != '\r') ||
        s[0] == 0x7F)
        *out = "";
    else
        *out = markup_entity(s[0]);
    return 1;
}

apr_size_t rc_html_char(const char *s, const char **out)
{
    return html_char((const unsigned char *)s, out);
}

apr_size_t rc_html_plain_span(const char *s)
{
    /* the bytes html_char() does not write as they are, and C2, which may start a C1 control */
    static const char special[] = "&<>\"'\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10"
                                  "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
                                  "\x1f\x7f\xc2";
    return strcspn(s, special);
}

const char *rc_escape_html(apr_pool_t *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    const char *e;
    apr_size_t i, n, size = 0;
    int changed = 0;
    char *out, *o;

    /* a flag, not a comparison of sizes: dropped controls can make up for added entities */
    for (i = 0; u[i]; i += n) {
        n = html_char(u + i, &e);
        size += e ? strlen(e) : n;
        changed |= e != NULL;
    }
    if (!changed)
        return s;
    o = out = apr_palloc(p, size + 1);
    for (i = 0; u[i]; i += n) {
        apr_size_t en;
        n = html_char(u + i, &e);
        en = e ? strlen(e) : n;
        memcpy(o, e ? e : s + i, en);
        o += en;
    }
    *o = '\0';
    return out;
}

/* How many bytes of s the next character of XML output takes (*keep: whether it is written).
 * XML 1.0 allows tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD and U+10000..U+10FFFF. Bytes that
 * are not well-formed UTF-8 are dropped too: one would make the whole document unreadable. */
static apr_size_t xml_char(const unsigned char *s, apr_size_t n, int *keep)
{
    apr_uint32_t cp;
    apr_size_t len;

    if (s[0] < 0x80) {
        *keep = s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
        return 1;
    }
    len = utf8_decode(s, n, &cp);
    if (len == 0) {
        *keep = 0;
        return 1;
    }
    *keep = cp != 0xFFFE && cp != 0xFFFF;
    return len;
}

/* XML's five, and the white space that XML parsers would otherwise normalise: a CR in text
 * becomes LF, and tab, CR and LF in attribute values become spaces. */
static const char *xml_entity(unsigned char c)
{
    switch (c) {
    case '\t':
        return "&#9;";
    case '\n':
        return "&#10;";
    case '\r':
        return "&#13;";
    default:
        return markup_entity(c);  /* xml_char() has dropped what XML does not allow */
    }
}

const char *rc_escape_xml(apr_pool_t *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t n = strlen(s), i, cl, size = 0;
    const char *e;
    int keep, changed = 0;
    char *out, *o;

    for (i = 0; i < n; i += cl) {
        cl = xml_char(u + i, n - i, &keep);
        if (!keep) {
            changed = 1;
        }
        else if ((e = xml_entity(u[i])) != NULL) {
            changed = 1;
            size += strlen(e);
        }
        else {
            size += cl;
        }
    }
    if (!changed) {
        return s;
    }
    o = out = apr_palloc(p, size + 1);
    for (i = 0; i < n; i += cl) {
        cl = xml_char(u + i, n - i, &keep);
        if (!keep) {
            continue;
        }
        if ((e = xml_entity(u[i])) != NULL) {
            apr_size_t el = strlen(e);
            memcpy(o, e, el);
            o += el;
        }
        else {
            memcpy(o, u + i, cl);
            o += cl;
        }
    }
    *o = '\0';
    return out;
}

/* RFC 3986 unreserved characters; apr_isalnum would follow the locale. */
static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
           || c == '-' || c == '.' || c == '_' || c == '~';
}

static const char *percent_encode(apr_pool_t *p, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t i, extra = 0;
    char *out, *o;

    for (i = 0; u[i]; i++) {
        if (!is_unreserved(u[i]) && !(keep_slash && u[i] == '/')) {
            extra += 2;
        }
    }
    if (extra == 0) {
        return s;
    }
    o = out = apr_palloc(p, i + extra + 1);
    for (i = 0; u[i]; i++) {
        if (is_unreserved(u[i]) || (keep_slash && u[i] == '/')) {
            *o++ = (char)u[i];
        }
        else {
            *o++ = '%';
            *o++ = hex[u[i] >> 4];
            *o++ = hex[u[i] & 0x0F];
        }
    }
    *o = '\0';
    return out;
}

const char *rc_escape_query(apr_pool_t *p, const char *s)
{
    return percent_encode(p, s, 0);
}

const char *rc_escape_path(apr_pool_t *p, const char *s)
{
    return percent_encode(p, s, 1);
}

const char *rc_escape_csv(apr_pool_t *p, const char *s)
{
    apr_size_t i, quotes = 0;
    int quote = 0;
    int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                  s[0] == '\r';
    char *out, *o;

    for (i = 0; s[i]; i++) {
        if (s[i] == '"') {
            quotes++;
            quote = 1;
        }
        else if (s[i] == ',' || s[i] == '\r' || s[i] == '\n') {
            quote = 1;
        }
    }
    if (!quote && !formula) {
        return s;
    }
    o = out = apr_palloc(p, i + quotes + (quote ? 2 : 0) + (formula ? 1 : 0) + 1);
    if (quote) {
        *o++ = '"';
    }
    if (formula) {
        *o++ = '\'';
    }
    for (i = 0; s[i]; i++) {
        if (s[i] == '"') {
            *o++ = '"';
        }
        *o++ = s[i];
    }
    if (quote) {
        *o++ = '"';
    }
    *o = '\0';
    return out;
}

const char *rc_escape_json(apr_pool_t *p, const char *s, apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t i, size = 0;
    char *out, *o;

    for (i = 0; i < len; i++) {
        if (u[i] == '"' || u[i] == '\\' || u[i] == '\n' || u[i] == '\r' || u[i] == '\t') {
            size += 2;
        }
        else if (u[i] < 0x20) {
            size += 6;
        }
        else {
            size++;
        }
    }
    if (size == len && s[len] == '\0') {
        return s;
    }
    o = out = apr_palloc(p, size + 1);
    for (i = 0; i < len; i++) {
        switch (u[i]) {
        case '"':
        case '\\':
            *o++ = '\\';
            *o++ = (char)u[i];
            break;
        case '\n':
            *o++ = '\\';
            *o++ = 'n';
            break;
        case '\r':
            *o++ = '\\';
            *o++ = 'r';
            break;
        case '\t':
            *o++ = '\\';
            *o++ = 't';
            break;
        default:
            if (u[i] < 0x20) {
                memcpy(o, "\\u00", 4);
                o[4] = hex[u[i] >> 4];
                o[5] = hex[u[i] & 15];
                o += 6;
            }
            else {
                *o++ = (char)u[i];
            }
        }
    }
    *o = '\0';
    return out;
}

void rc_utf8_drop_cut(char *s)
{
    apr_size_t n = strlen(s), i = n;
    unsigned char lead;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0 || (lead = (unsigned char)s[i - 1]) < 0xC0)
        return;
    if (n - (i - 1) < (apr_size_t)(lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2))
        s[i - 1] = '\0';
}

const char *rc_escape_log(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t n = strlen(s), i = 0, cl;
    apr_uint32_t cp;
    char *out = apr_palloc(p, 4 * n + 1), *o = out;

    while (i < n) {
        if (u[i] >= 0x20 && u[i] < 0x7F) {
            if (u[i] == '\\') {
                *o++ = '\\';
            }
            *o++ = (char)u[i++];
            continue;
        }
        cl = u[i] >= 0x80 ? utf8_decode(u + i, n - i, &cp) : 0;
        /* C1 controls, the line and paragraph separators (which some readers split lines on)
         * and the bidirectional controls (which make a line read otherwise) are escaped too */
        if (cl > 0 && !(cp >= 0x80 && cp < 0xA0) && !(cp >= 0x2028 && cp <= 0x202E) &&
            !(cp >= 0x2066 && cp <= 0x2069)) {
            memcpy(o, u + i, cl);
            o += cl;
            i += cl;
            continue;
        }
        *o++ = '\\';
        *o++ = 'x';
        *o++ = hex[u[i] >> 4];
        *o++ = hex[u[i] & 15];
        i++;
    }
    *o = '\0';
    return out;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

char *rc_unescape(apr_pool_t *p, const char *s, apr_size_t len, int plus_is_space,
                  apr_size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    /* Decoding never lengthens, so len + 1 is enough. */
    char *out = apr_palloc(p, len + 1);
    apr_size_t i = 0, o = 0;

    while (i < len) {
        if (u[i] == '%') {
            int hi, lo;
            if (len - i < 3 || (hi = hex_value(u[i + 1])) < 0
                || (lo = hex_value(u[i + 2])) < 0) {
                return NULL;
            }
            out[o++] = (char)(hi << 4 | lo);
            i += 3;
        }
        else if (u[i] == '+' && plus_is_space) {
            out[o++] = ' ';
            i++;
        }
        else {
            out[o++] = (char)u[i++];
        }
    }
    out[o] = '\0';
    if (out_len) {
        *out_len = o;
    }
    return out;
}
