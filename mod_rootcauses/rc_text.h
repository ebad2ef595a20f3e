/* rc_text: UTF-8 checks, accent folding and escaping for every output context.
 * APR only; no httpd header. */
#ifndef RC_TEXT_H
#define RC_TEXT_H

#include <apr_pools.h>
#include <apr_strings.h>

/* 1 if s[0..len) is well-formed UTF-8 (no overlong forms, no surrogates, <= U+10FFFF,
 * no NUL byte), else 0. */
int rc_utf8_valid(const char *s, apr_size_t len);

/* Number of code points in the valid UTF-8 string s[0..len). */
apr_size_t rc_utf8_length(const char *s, apr_size_t len);

/* Fold s (valid UTF-8) for matching: Unicode canonical/compatibility decomposition, combining
 * marks removed, lower-cased ("Núñez" -> "nunez", "ÉTÉ" -> "ete"). Characters without a
 * decomposition are lower-cased. The result is allocated from p and NUL-terminated. */
char *rc_fold(apr_pool_t *p, const char *s, apr_size_t len);

/* 1 if cp is a letter or a digit (Unicode general categories L* and N*). */
int rc_is_alnum(apr_uint32_t cp);

/* The next word of s[0..len) at or after *pos: a maximal run of letters and digits. Returns 1
 * and sets *start and *end (the word is s[*start..*end)), and *pos to *end; 0 when there is
 * none. Meant for folded text, but any valid UTF-8 works (bytes that are not are separators). */
int rc_next_word(const char *s, apr_size_t len, apr_size_t *pos, apr_size_t *start,
                 apr_size_t *end);

/* Escapers: return s itself when nothing needs escaping, else a copy from p. */
/* HTML text and double-quoted attribute values: & < > " ' escaped, and the controls that HTML
 * forbids (C0 but tab, LF, FF, CR; DEL; C1) dropped */
const char *rc_escape_html(apr_pool_t *p, const char *s);
/* For writers that escape straight into their output (rc_out_html): the length of s's first run
 * of bytes that HTML escaping writes as they are; then, at the next one, how many bytes the
 * character there takes and what is written for them (*out: an entity, "" when dropped, NULL
 * when written as they are). */
apr_size_t rc_html_plain_span(const char *s);
apr_size_t rc_html_char(const char *s, const char **out);
/* XML 1.0 text and attributes: & < > " ', and characters not allowed in XML 1.0 dropped */
const char *rc_escape_xml(apr_pool_t *p, const char *s);
/* A query-string component: everything but unreserved characters (A-Z a-z 0-9 - . _ ~)
 * percent-encoded, space as %20. */
const char *rc_escape_query(apr_pool_t *p, const char *s);
/* A path segment: everything but unreserved characters and "/" percent-encoded. */
const char *rc_escape_path(apr_pool_t *p, const char *s);
/* A CSV cell (RFC 4180): quoted when it contains , " CR or LF (quotes doubled); a cell that starts
 * with = + - @, a tab or a carriage return gets a leading ' (inside the quotes when quoted) so
 * that spreadsheets do not run it as a formula. */
const char *rc_escape_csv(apr_pool_t *p, const char *s);
/* The inside of a JSON string (without the quotes): " \ and control characters escaped, the
 * rest (valid UTF-8) as it is. */
const char *rc_escape_json(apr_pool_t *p, const char *s, apr_size_t len);
/* For a log line: control characters, DEL, U+2028..U+202E, U+2066..U+2069 and bytes that are not
 * UTF-8 as \xNN, a backslash as
 * \\, so that a value cannot forge a line (httpd's ap_escape_logitem does the same inside
 * httpd; the core has no httpd header). */
const char *rc_escape_log(apr_pool_t *p, const char *s);
/* Ends s (cut to fit a buffer) before a UTF-8 sequence that the cut left incomplete. */
void rc_utf8_drop_cut(char *s);

/* Percent-decode s[0..len) ('+' as space when plus_is_space). Returns NULL if an escape is
 * malformed (% not followed by two hex digits). *out_len gets the decoded length; the result
 * is NUL-terminated and may contain NUL bytes (callers check with rc_utf8_valid). */
char *rc_unescape(apr_pool_t *p, const char *s, apr_size_t len, int plus_is_space,
                  apr_size_t *out_len);

#endif
