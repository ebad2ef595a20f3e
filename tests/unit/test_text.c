/* Unit tests for rc_text: UTF-8 checks, folding, escaping. */

#include <string.h>

#include <apr_pools.h>

#include "test_rc.h"
#include "rc_render.h"
#include "rc_text.h"
#include "rc_fold_table.h"

static apr_pool_t *pool;

/* test_main.c has called apr_initialize(). */
static void setup(void)
{
    apr_pool_create(&pool, NULL);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* ---- rc_utf8_valid ---- */

#define VALID(lit)   ck_assert_int_eq(rc_utf8_valid(lit, sizeof(lit) - 1), 1)
#define INVALID(lit) ck_assert_int_eq(rc_utf8_valid(lit, sizeof(lit) - 1), 0)

START_TEST(utf8_accepts_well_formed)
{
    VALID("");
    VALID("plain ASCII ~\x7f");
    VALID("P\xc3\xa9rez");                  /* é */
    VALID("\xc2\x80");                      /* U+0080, smallest 2-byte */
    VALID("\xdf\xbf");                      /* U+07FF */
    VALID("\xe0\xa0\x80");                  /* U+0800, smallest 3-byte */
    VALID("\xe2\x82\xac");                  /* € */
    VALID("\xed\x9f\xbf");                  /* U+D7FF, just below the surrogates */
    VALID("\xee\x80\x80");                  /* U+E000, just above them */
    VALID("\xef\xbf\xbf");                  /* U+FFFF */
    VALID("\xf0\x90\x80\x80");              /* U+10000, smallest 4-byte */
    VALID("\xf4\x8f\xbf\xbf");              /* U+10FFFF, the last code point */
    ck_assert_int_eq(rc_utf8_valid(NULL, 0), 1);
}
END_TEST

START_TEST(utf8_rejects_overlong)
{
    INVALID("\xc0\x80");                    /* NUL in two bytes */
    INVALID("\xc0\xaf");                    /* '/' in two bytes */
    INVALID("\xc1\xbf");
    INVALID("\xe0\x80\x80");
    INVALID("\xe0\x9f\xbf");                /* U+07FF in three bytes */
    INVALID("\xf0\x80\x80\x80");
    INVALID("\xf0\x8f\xbf\xbf");            /* U+FFFF in four bytes */
}
END_TEST

START_TEST(utf8_rejects_surrogates)
{
    INVALID("\xed\xa0\x80");                /* U+D800 */
    INVALID("\xed\xaf\xbf");                /* U+DBFF */
    INVALID("\xed\xb0\x80");                /* U+DC00 */
    INVALID("\xed\xbf\xbf");                /* U+DFFF */
    INVALID("\xed\xa0\xbd\xed\xb2\xa9");    /* CESU-8 pair */
}
END_TEST

START_TEST(utf8_rejects_past_10ffff)
{
    INVALID("\xf4\x90\x80\x80");            /* U+110000 */
    INVALID("\xf4\xbf\xbf\xbf");
    INVALID("\xf5\x80\x80\x80");
    INVALID("\xf7\xbf\xbf\xbf");
    INVALID("\xf8\x88\x80\x80\x80");        /* old 5-byte form */
    INVALID("\xfc\x84\x80\x80\x80\x80");    /* old 6-byte form */
    INVALID("\xfe");
    INVALID("\xff");
}
END_TEST

START_TEST(utf8_rejects_truncated)
{
    INVALID("\xc3");
    INVALID("\xe2\x82");
    INVALID("\xf0\x90\x80");
    INVALID("abc\xe2\x82");
    INVALID("\xc3" "A");                    /* lead byte followed by ASCII */
    INVALID("\xe2\x28\xa1");
    INVALID("\xf0\x90\x28\xbc");
    /* A sequence cut by len, though more bytes follow in memory. */
    ck_assert_int_eq(rc_utf8_valid("\xc3\xa9", 1), 0);
}
END_TEST

START_TEST(utf8_rejects_stray_continuation)
{
    INVALID("\x80");
    INVALID("\xbf");
    INVALID("a\x80" "b");
    INVALID("\xc3\xa9\xa9");                /* one continuation too many */
}
END_TEST

START_TEST(utf8_rejects_nul)
{
    INVALID("a\0b");
    INVALID("\0");
}
END_TEST

START_TEST(utf8_length_counts_code_points)
{
    ck_assert_uint_eq(rc_utf8_length("", 0), 0);
    ck_assert_uint_eq(rc_utf8_length("abc", 3), 3);
    ck_assert_uint_eq(rc_utf8_length("P\xc3\xa9rez", 6), 5);
    ck_assert_uint_eq(rc_utf8_length("\xe2\x82\xac\xf0\x90\x8d\x88", 7), 2);  /* €𐍈 */
}
END_TEST

/* ---- rc_fold ---- */

static void assert_fold(const char *in, const char *expected)
{
    char *out = rc_fold(pool, in, strlen(in));
    ck_assert_str_eq(out, expected);
}

START_TEST(fold_removes_accents_and_lowercases)
{
    assert_fold("P\xc3\xa9rez", "perez");                           /* Pérez */
    assert_fold("N\xc3\x9a\xc3\x91" "EZ", "nunez");                 /* NÚÑEZ */
    assert_fold("N\xc3\xba\xc3\xb1" "ez", "nunez");                 /* Núñez */
    assert_fold("\xc3\x89T\xc3\x89", "ete");                        /* ÉTÉ */
    assert_fold("\xc3\x87" "a\xc3\xa7" "a", "caca");                /* Çaça */
    assert_fold("Ch\xc3\xa2teau", "chateau");                       /* Château */
    assert_fold("\xc3\x85ngstr\xc3\xb6m", "angstrom");              /* Ångström */
}
END_TEST

START_TEST(fold_decomposed_equals_precomposed)
{
    assert_fold("Pe\xcc\x81rez", "perez");                          /* e + U+0301 */
    assert_fold("N\xcc\x83", "n");                                  /* N + U+0303 */
    assert_fold("a\xcc\x81\xcc\xa3", "a");                          /* two marks */
    assert_fold("\xcc\x81", "");                                    /* a lone mark */
}
END_TEST

START_TEST(fold_ascii)
{
    assert_fold("", "");
    assert_fold("Hello, World! 0-9 [A]_Z~", "hello, world! 0-9 [a]_z~");
    assert_fold("already lower", "already lower");
    /* len, not the NUL, ends the input */
    ck_assert_str_eq(rc_fold(pool, "ABCD", 2), "ab");
}
END_TEST

START_TEST(fold_sharp_s)
{
    assert_fold("Stra\xc3\x9f" "e", "stra\xc3\x9f" "e");            /* ß stays ß */
    assert_fold("\xe1\xba\x9e", "\xc3\x9f");                        /* ẞ -> ß */
}
END_TEST

START_TEST(fold_greek_and_cyrillic)
{
    /* ΑΘΉΝΑ -> αθηνα: Ή loses its tonos */
    assert_fold("\xce\x91\xce\x98\xce\x89\xce\x9d\xce\x91",
                "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1");
    /* Σ -> σ (no final-sigma rule: folding is per character) */
    assert_fold("\xce\xa3", "\xcf\x83");
    /* МОСКВА -> москва */
    assert_fold("\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",
                "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0");
    /* Й decomposes to И + breve, so it folds to и */
    assert_fold("\xd0\x99", "\xd0\xb8");
    /* Ё -> е */
    assert_fold("\xd0\x81", "\xd0\xb5");
}
END_TEST

START_TEST(fold_compatibility_forms)
{
    assert_fold("\xc7\x84", "dz");                                  /* Ǆ */
    assert_fold("\xef\xac\x81", "fi");                              /* ﬁ */
    assert_fold("\xef\xbc\xa1\xef\xbd\x82", "ab");                  /* fullwidth Ａｂ */
    assert_fold("\xf0\x9d\x90\x80", "a");                           /* 𝐀 MATHEMATICAL BOLD */
    assert_fold("\xc4\xb0", "i");                                   /* İ */
    assert_fold("\xc2\xa0", " ");                                   /* no-break space */
    assert_fold("\xe2\x85\xa0\xe2\x85\xa1", "iii");                 /* Ⅰ Ⅱ */
    assert_fold("\xc2\xbd", "1\xe2\x81\x84" "2");                   /* ½ -> 1⁄2 */
}
END_TEST

START_TEST(fold_hangul)
{
    /* 한 -> ᄒ ᅡ ᆫ; 가 -> ᄀ ᅡ (no final); the composed and the jamo forms meet */
    assert_fold("\xed\x95\x9c", "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab");
    assert_fold("\xea\xb0\x80", "\xe1\x84\x80\xe1\x85\xa1");
    assert_fold("\xed\x9e\xa3", "\xe1\x84\x92\xe1\x85\xb5\xe1\x87\x82");    /* U+D7A3 */
    assert_fold("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab");
}
END_TEST

START_TEST(fold_leaves_other_characters)
{
    assert_fold("\xe2\x82\xac", "\xe2\x82\xac");                    /* € */
    assert_fold("\xe4\xb8\xad\xe6\x96\x87", "\xe4\xb8\xad\xe6\x96\x87");    /* 中文 */
    assert_fold("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");            /* 😀 */
}
END_TEST

START_TEST(fold_expands_long)
{
    /* U+FDFA is 3 bytes and folds to 33 */
    char *out = rc_fold(pool, "x\xef\xb7\xbay", 5);
    ck_assert_uint_eq(strlen(out), 35);
    ck_assert_int_eq(out[0], 'x');
    ck_assert_int_eq(out[34], 'y');
}
END_TEST

/* Every row of the generated table: sorted, outside ASCII, folds to valid UTF-8, found by
 * rc_fold, and folding its fold changes nothing (data and queries are folded alike). */
START_TEST(fold_table_is_consistent)
{
    apr_size_t i;
    char in[4];

    ck_assert_uint_gt(rc_fold_table_size, 5000);
    ck_assert_str_eq(rc_fold_unicode_version, "14.0.0");
    for (i = 0; i < rc_fold_table_size; i++) {
        const rc_fold_entry *e = &rc_fold_table[i];
        const char *f = rc_fold_blob + e->off;
        apr_uint32_t cp = e->cp;
        apr_size_t n;
        char *out;

        ck_assert_uint_ge(cp, 0x80);
        if (i > 0) {
            ck_assert_uint_gt(cp, rc_fold_table[i - 1].cp);
        }
        ck_assert_int_eq(rc_utf8_valid(f, e->len), 1);
        ck_assert_int_eq(memcmp(rc_fold(pool, f, e->len), f, e->len), 0);

        if (cp < 0x800) {
            in[0] = (char)(0xC0 | (cp >> 6));
            in[1] = (char)(0x80 | (cp & 0x3F));
            n = 2;
        }
        else if (cp < 0x10000) {
            in[0] = (char)(0xE0 | (cp >> 12));
            in[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            in[2] = (char)(0x80 | (cp & 0x3F));
            n = 3;
        }
        else {
            in[0] = (char)(0xF0 | (cp >> 18));
            in[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            in[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
            in[3] = (char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        out = rc_fold(pool, in, n);
        ck_assert_uint_eq(strlen(out), e->len);
        ck_assert_int_eq(memcmp(out, f, e->len), 0);
    }
}
END_TEST

/* ---- escapers ---- */

START_TEST(escape_html_each_special)
{
    ck_assert_str_eq(rc_escape_html(pool, "&"), "&amp;");
    ck_assert_str_eq(rc_escape_html(pool, "<"), "&lt;");
    ck_assert_str_eq(rc_escape_html(pool, ">"), "&gt;");
    ck_assert_str_eq(rc_escape_html(pool, "\""), "&quot;");
    ck_assert_str_eq(rc_escape_html(pool, "'"), "&#39;");
    ck_assert_str_eq(rc_escape_html(pool, "<a href=\"x\">O'Brien & co</a>"),
                     "&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;");
    ck_assert_str_eq(rc_escape_html(pool, "&amp;"), "&amp;amp;");
}
END_TEST

/* HTML may not hold C0 controls (but tab, LF, FF, CR), DEL or C1 controls, not even as character
 * references: both HTML escapers drop them; the rest of UTF-8 (C2 A9) is kept. */
START_TEST(escape_html_drops_control_characters)
{
    const char *in = "a\x01" "b\x1f\x7f c\xc2\x85\xc2\x9f" "d\xc2\xa9" "e\t\n\f\r<\xc2";
    const char *want = "ab cd\xc2\xa9" "e\t\n\f\r&lt;\xc2";
    apr_bucket_alloc_t *ba = apr_bucket_alloc_create(pool);
    rc_out o;
    char *flat;
    apr_size_t n;

    ck_assert_str_eq(rc_escape_html(pool, in), want);
    /* dropped controls that make up for the bytes the entities add are no reason to skip */
    ck_assert_str_eq(rc_escape_html(pool, "\"\x01\x02\x03\x04\x05"), "&quot;");
    ck_assert_str_eq(rc_escape_html(pool, "<\x01\x02\x03"), "&lt;");
    ck_assert_str_eq(rc_escape_html(pool, "\x01"), "");
    rc_out_init(&o, apr_brigade_create(pool, ba), pool);
    rc_out_html(&o, in);
    rc_out_finish(&o);
    ck_assert_int_eq(apr_brigade_pflatten(o.bb, &flat, &n, pool), APR_SUCCESS);
    ck_assert_str_eq(apr_pstrmemdup(pool, flat, n), want);
}
END_TEST

START_TEST(escape_log_escapes_separators_and_bidi_controls)
{
    /* U+2028 LINE SEPARATOR, U+2029, U+202E RIGHT-TO-LEFT OVERRIDE, U+2066: escaped; the
     * neighbours U+2027 and U+2030 and accented letters kept */
    ck_assert_str_eq(rc_escape_log(pool, "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xe2\x80\xae"
                                         "d\xe2\x81\xa6" "e\xe2\x80\xa7\xe2\x80\xb0\xc3\xa9"),
                     "a\\xE2\\x80\\xA8b\\xE2\\x80\\xA9c\\xE2\\x80\\xAEd\\xE2\\x81\\xA6"
                     "e\xe2\x80\xa7\xe2\x80\xb0\xc3\xa9");
}
END_TEST

START_TEST(utf8_drop_cut_ends_before_an_incomplete_character)
{
    char a[] = "ab\xc3\xa9", b[] = "ab\xc3", c[] = "ab\xe2\x82", d[] = "ab\xe2\x82\xac",
         e[] = "\xf0\x9f\x98", f[] = "";
    rc_utf8_drop_cut(a);
    rc_utf8_drop_cut(b);
    rc_utf8_drop_cut(c);
    rc_utf8_drop_cut(d);
    rc_utf8_drop_cut(e);
    rc_utf8_drop_cut(f);
    ck_assert_str_eq(a, "ab\xc3\xa9");
    ck_assert_str_eq(b, "ab");
    ck_assert_str_eq(c, "ab");
    ck_assert_str_eq(d, "ab\xe2\x82\xac");
    ck_assert_str_eq(e, "");
    ck_assert_str_eq(f, "");
}
END_TEST

START_TEST(escape_html_returns_input_when_clean)
{
    const char *s = "P\xc3\xa9rez, 2022-07; 100% / ok";
    const char *e = "";

    ck_assert_ptr_eq(rc_escape_html(pool, s), s);
    ck_assert_ptr_eq(rc_escape_html(pool, e), e);
}
END_TEST

START_TEST(escape_xml_each_special)
{
    ck_assert_str_eq(rc_escape_xml(pool, "&"), "&amp;");
    ck_assert_str_eq(rc_escape_xml(pool, "<"), "&lt;");
    ck_assert_str_eq(rc_escape_xml(pool, ">"), "&gt;");
    ck_assert_str_eq(rc_escape_xml(pool, "\""), "&quot;");
    ck_assert_str_eq(rc_escape_xml(pool, "'"), "&#39;");
    ck_assert_str_eq(rc_escape_xml(pool, "a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}
END_TEST

START_TEST(escape_xml_drops_disallowed)
{
    ck_assert_str_eq(rc_escape_xml(pool, "a\x01" "b\x08" "c\x0b" "d\x0c" "e\x1f" "f"), "abcdef");
    ck_assert_str_eq(rc_escape_xml(pool, "a\xef\xbf\xbe" "b\xef\xbf\xbf" "c"), "abc");   /* U+FFFE/F */
    ck_assert_str_eq(rc_escape_xml(pool, "a\xff" "b\xed\xa0\x80" "c\xc3"), "abc");   /* not UTF-8 */
    ck_assert_str_eq(rc_escape_xml(pool, "\x01<\x02"), "&lt;");
}
END_TEST

START_TEST(escape_xml_keeps_allowed)
{
    const char *s = "DEL\x7f \xc2\x85 \xef\xbf\xbd \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf";

    ck_assert_ptr_eq(rc_escape_xml(pool, s), s);
    /* white space as references, so parsers keep it as it was in text and attributes alike */
    ck_assert_str_eq(rc_escape_xml(pool, "tab\tLF\nCR\r"), "tab&#9;LF&#10;CR&#13;");
    ck_assert_str_eq(rc_escape_xml(pool, "\t<\xef\xbf\xbd"), "&#9;&lt;\xef\xbf\xbd");
}
END_TEST

START_TEST(escape_query)
{
    const char *clean = "AZaz09-._~";

    ck_assert_ptr_eq(rc_escape_query(pool, clean), clean);
    ck_assert_str_eq(rc_escape_query(pool, "a b"), "a%20b");
    ck_assert_str_eq(rc_escape_query(pool, "/?#&=+%,;:@"),
                     "%2F%3F%23%26%3D%2B%25%2C%3B%3A%40");
    ck_assert_str_eq(rc_escape_query(pool, "P\xc3\xa9rez"), "P%C3%A9rez");
    ck_assert_str_eq(rc_escape_query(pool, "\x01\x7f\xff"), "%01%7F%FF");
    ck_assert_str_eq(rc_escape_query(pool, "\"<'>"), "%22%3C%27%3E");
}
END_TEST

START_TEST(escape_path)
{
    const char *clean = "/root/causes/AZaz09-._~";

    ck_assert_ptr_eq(rc_escape_path(pool, clean), clean);
    ck_assert_str_eq(rc_escape_path(pool, "a b/c"), "a%20b/c");
    ck_assert_str_eq(rc_escape_path(pool, "?#%&+"), "%3F%23%25%26%2B");
    ck_assert_str_eq(rc_escape_path(pool, "caf\xc3\xa9"), "caf%C3%A9");
}
END_TEST

START_TEST(escape_csv_quotes)
{
    const char *clean = "plain text; 100% \xc3\xa9 a=b";
    const char *e = "";

    ck_assert_ptr_eq(rc_escape_csv(pool, clean), clean);
    ck_assert_ptr_eq(rc_escape_csv(pool, e), e);
    ck_assert_str_eq(rc_escape_csv(pool, "a,b"), "\"a,b\"");
    ck_assert_str_eq(rc_escape_csv(pool, "say \"hi\""), "\"say \"\"hi\"\"\"");
    ck_assert_str_eq(rc_escape_csv(pool, "\""), "\"\"\"\"");
    ck_assert_str_eq(rc_escape_csv(pool, "a\rb"), "\"a\rb\"");
    ck_assert_str_eq(rc_escape_csv(pool, "a\nb"), "\"a\nb\"");
    ck_assert_str_eq(rc_escape_csv(pool, "a\r\nb"), "\"a\r\nb\"");
}
END_TEST

START_TEST(escape_csv_formula_prefix)
{
    ck_assert_str_eq(rc_escape_csv(pool, "=1+2"), "'=1+2");
    ck_assert_str_eq(rc_escape_csv(pool, "+1"), "'+1");
    ck_assert_str_eq(rc_escape_csv(pool, "-1"), "'-1");
    ck_assert_str_eq(rc_escape_csv(pool, "@SUM(A1)"), "'@SUM(A1)");
    ck_assert_str_eq(rc_escape_csv(pool, "="), "'=");
    /* inside the quotes when quoted */
    ck_assert_str_eq(rc_escape_csv(pool, "=HYPERLINK(\"x\",\"y\")"),
                     "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    ck_assert_str_eq(rc_escape_csv(pool, "+a,b"), "\"'+a,b\"");
    ck_assert_str_eq(rc_escape_csv(pool, "-a\nb"), "\"'-a\nb\"");
    ck_assert_str_eq(rc_escape_csv(pool, "@a\rb"), "\"'@a\rb\"");
    /* only the first character counts */
    ck_assert_str_eq(rc_escape_csv(pool, " =1"), " =1");
    /* a tab or a carriage return first: prefixed too (docs/REFERENCE.md "Formats") */
    ck_assert_str_eq(rc_escape_csv(pool, "\tx"), "'\tx");
    ck_assert_str_eq(rc_escape_csv(pool, "\rx"), "\"'\rx\"");
    ck_assert_str_eq(rc_escape_csv(pool, "\r\n=1"), "\"'\r\n=1\"");
    ck_assert_str_eq(rc_escape_csv(pool, "x\ty"), "x\ty");
    ck_assert_str_eq(rc_escape_csv(pool, "\n=1"), "\"\n=1\"");
}
END_TEST

START_TEST(escape_json)
{
    const char *clean = "P\xc3\xa9rez </script> 'x'";
    ck_assert_ptr_eq(rc_escape_json(pool, clean, strlen(clean)), clean);
    ck_assert_str_eq(rc_escape_json(pool, "a\"b\\c", 5), "a\\\"b\\\\c");
    ck_assert_str_eq(rc_escape_json(pool, "\n\r\t\x01\x1f", 5), "\\n\\r\\t\\u0001\\u001f");
    /* len, not the NUL, ends the input */
    ck_assert_str_eq(rc_escape_json(pool, "ab\"", 2), "ab");
}
END_TEST

START_TEST(escape_log)
{
    const char *clean = "t.json: title is 5, expected a caf\xc3\xa9";
    ck_assert_str_eq(rc_escape_log(pool, clean), clean);
    ck_assert_str_eq(rc_escape_log(pool, "a\nb\r[crit] c"), "a\\x0A" "b\\x0D[crit] c");
    ck_assert_str_eq(rc_escape_log(pool, "\\x0A"), "\\\\x0A");
    ck_assert_str_eq(rc_escape_log(pool, "\x1b[31m\x7f"), "\\x1B[31m\\x7F");
    /* C1 controls (NEL can end a line too) and bytes that are not UTF-8 */
    ck_assert_str_eq(rc_escape_log(pool, "a\xc2\x85" "b"), "a\\xC2\\x85" "b");
    ck_assert_str_eq(rc_escape_log(pool, "\xff\xc3"), "\\xFF\\xC3");
    ck_assert_str_eq(rc_escape_log(pool, "\xe2\x80\xa8"), "\\xE2\\x80\\xA8");
    ck_assert_str_eq(rc_escape_log(pool, ""), "");
}
END_TEST

/* ---- words (docs/REFERENCE.md "Listing parameters": maximal runs of letters and digits) ---- */

static const char *words_of(const char *s)
{
    apr_size_t pos = 0, a, e;
    const char *out = "";
    while (rc_next_word(s, strlen(s), &pos, &a, &e)) {
        ck_assert_uint_eq(pos, e);
        out = apr_pstrcat(pool, out, *out ? "|" : "", apr_pstrndup(pool, s + a, e - a), NULL);
    }
    return out;
}

START_TEST(next_word_finds_runs_of_letters_and_digits)
{
    ck_assert_str_eq(words_of("anti-corruption, U.S. (2021)"), "anti|corruption|U|S|2021");
    ck_assert_str_eq(words_of(""), "");
    ck_assert_str_eq(words_of("  --  "), "");
    ck_assert_str_eq(words_of("caf\xc3\xa9's"), "caf\xc3\xa9|s");
    ck_assert_str_eq(words_of("\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1 \xd0\xbc\xd0\xbe"),
                     "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1|\xd0\xbc\xd0\xbe");
    ck_assert_str_eq(words_of("\xe4\xb8\xad\xe6\x96\x87\xe2\x80\x94x"), "\xe4\xb8\xad\xe6\x96\x87|x");
    ck_assert_str_eq(words_of("a_b"), "a|b");
    ck_assert_str_eq(words_of("\xe2\x85\xa0 \xc2\xbd 3"), "\xe2\x85\xa0|\xc2\xbd|3");
    /* bytes that are not UTF-8 separate words */
    ck_assert_str_eq(words_of("ab\xff" "cd"), "ab|cd");
    ck_assert_str_eq(words_of("\xf0\x9f\x98\x80smile"), "smile");
}
END_TEST

START_TEST(letters_and_digits)
{
    ck_assert_int_eq(rc_is_alnum('a'), 1);
    ck_assert_int_eq(rc_is_alnum('Z'), 1);
    ck_assert_int_eq(rc_is_alnum('0'), 1);
    ck_assert_int_eq(rc_is_alnum('-'), 0);
    ck_assert_int_eq(rc_is_alnum('_'), 0);
    ck_assert_int_eq(rc_is_alnum(' '), 0);
    ck_assert_int_eq(rc_is_alnum(0xE9), 1);    /* é */
    ck_assert_int_eq(rc_is_alnum(0xD7), 0);    /* × */
    ck_assert_int_eq(rc_is_alnum(0x2014), 0);  /* em dash */
    ck_assert_int_eq(rc_is_alnum(0x4E2D), 1);  /* 中 */
    ck_assert_int_eq(rc_is_alnum(0x0663), 1);  /* Arabic-Indic three */
    ck_assert_int_eq(rc_is_alnum(0x1F600), 0); /* emoji */
    ck_assert_int_eq(rc_is_alnum(0x0301), 0);  /* a combining mark is no letter */
}
END_TEST

/* ---- rc_unescape ---- */

START_TEST(unescape_valid)
{
    apr_size_t n = 99;
    char *out;

    out = rc_unescape(pool, "a%20b", 5, 1, &n);
    ck_assert_str_eq(out, "a b");
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(rc_unescape(pool, "%41%42c", 7, 0, &n), "ABc");
    ck_assert_str_eq(rc_unescape(pool, "P%c3%a9rez", 10, 0, &n), "P\xc3\xa9rez");
    ck_assert_str_eq(rc_unescape(pool, "P%C3%A9rez", 10, 0, &n), "P\xc3\xa9rez");
    ck_assert_uint_eq(n, 6);
    ck_assert_str_eq(rc_unescape(pool, "", 0, 1, &n), "");
    ck_assert_uint_eq(n, 0);
    /* len, not the NUL, ends the input */
    ck_assert_str_eq(rc_unescape(pool, "ab%20", 2, 1, &n), "ab");
}
END_TEST

START_TEST(unescape_plus)
{
    apr_size_t n;

    ck_assert_str_eq(rc_unescape(pool, "a+b", 3, 1, &n), "a b");
    ck_assert_str_eq(rc_unescape(pool, "a+b", 3, 0, &n), "a+b");
    ck_assert_str_eq(rc_unescape(pool, "a%2Bb", 5, 1, &n), "a+b");
    ck_assert_str_eq(rc_unescape(pool, "a%2bb", 5, 0, &n), "a+b");
}
END_TEST

START_TEST(unescape_keeps_nul)
{
    apr_size_t n = 0;
    char *out = rc_unescape(pool, "a%00b", 5, 0, &n);

    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(out, "a\0b", 4), 0);
    ck_assert_int_eq(rc_utf8_valid(out, n), 0);
}
END_TEST

START_TEST(unescape_rejects_malformed)
{
    apr_size_t n;

    ck_assert_ptr_null(rc_unescape(pool, "%zz", 3, 1, &n));
    ck_assert_ptr_null(rc_unescape(pool, "%4", 2, 1, &n));
    ck_assert_ptr_null(rc_unescape(pool, "%", 1, 1, &n));
    ck_assert_ptr_null(rc_unescape(pool, "abc%", 4, 1, &n));
    ck_assert_ptr_null(rc_unescape(pool, "%4g", 3, 1, &n));
    ck_assert_ptr_null(rc_unescape(pool, "%g4", 3, 1, &n));
    ck_assert_ptr_null(rc_unescape(pool, "%%41", 4, 1, &n));
    ck_assert_ptr_null(rc_unescape(pool, "% 1", 3, 1, &n));
    /* an escape cut by len */
    ck_assert_ptr_null(rc_unescape(pool, "%41", 2, 1, &n));
}
END_TEST

Suite *rc_text_suite(void)
{
    Suite *s = suite_create("rc_text");
    TCase *tc;

    tc = tcase_create("utf8");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, utf8_accepts_well_formed);
    tcase_add_test(tc, utf8_rejects_overlong);
    tcase_add_test(tc, utf8_rejects_surrogates);
    tcase_add_test(tc, utf8_rejects_past_10ffff);
    tcase_add_test(tc, utf8_rejects_truncated);
    tcase_add_test(tc, utf8_rejects_stray_continuation);
    tcase_add_test(tc, utf8_rejects_nul);
    tcase_add_test(tc, utf8_length_counts_code_points);
    suite_add_tcase(s, tc);

    tc = tcase_create("fold");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fold_removes_accents_and_lowercases);
    tcase_add_test(tc, fold_decomposed_equals_precomposed);
    tcase_add_test(tc, fold_ascii);
    tcase_add_test(tc, fold_sharp_s);
    tcase_add_test(tc, fold_greek_and_cyrillic);
    tcase_add_test(tc, fold_compatibility_forms);
    tcase_add_test(tc, fold_hangul);
    tcase_add_test(tc, fold_leaves_other_characters);
    tcase_add_test(tc, fold_expands_long);
    tcase_add_test(tc, fold_table_is_consistent);
    suite_add_tcase(s, tc);

    tc = tcase_create("escape");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, escape_html_each_special);
    tcase_add_test(tc, escape_html_drops_control_characters);
    tcase_add_test(tc, utf8_drop_cut_ends_before_an_incomplete_character);
    tcase_add_test(tc, escape_log_escapes_separators_and_bidi_controls);
    tcase_add_test(tc, escape_html_returns_input_when_clean);
    tcase_add_test(tc, escape_xml_each_special);
    tcase_add_test(tc, escape_xml_drops_disallowed);
    tcase_add_test(tc, escape_xml_keeps_allowed);
    tcase_add_test(tc, escape_query);
    tcase_add_test(tc, escape_path);
    tcase_add_test(tc, escape_csv_quotes);
    tcase_add_test(tc, escape_csv_formula_prefix);
    tcase_add_test(tc, escape_json);
    tcase_add_test(tc, escape_log);
    suite_add_tcase(s, tc);

    tc = tcase_create("words");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, next_word_finds_runs_of_letters_and_digits);
    tcase_add_test(tc, letters_and_digits);
    suite_add_tcase(s, tc);

    tc = tcase_create("unescape");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, unescape_valid);
    tcase_add_test(tc, unescape_plus);
    tcase_add_test(tc, unescape_keeps_nul);
    tcase_add_test(tc, unescape_rejects_malformed);
    suite_add_tcase(s, tc);

    return s;
}
