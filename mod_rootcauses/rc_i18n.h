/* rc_i18n: everything the module writes itself, in each language it knows (English and
 * Spanish): labels of the pages it makes, dates and sizes for people, and every 400 message.
 * Data texts come from the data file; these are the module's own words. A language the module
 * does not know gets the English ones. Strings marked (HTML) are written as they are in HTML and
 * must stay free of markup characters; formats take their arguments in the order given. */
#ifndef RC_I18N_H
#define RC_I18N_H

#include <apr_pools.h>

#include "rc_date.h"

typedef struct rc_msgs {
    const char *code;            /* "en" */
    const char *lang_name;       /* the language's own name: "English", "Español" */
    const char *months[12];
    int day_first;               /* "9 de marzo de 2022" rather than "March 9, 2022" */
    const char *month_year;      /* format: month name, year: "%s %d" / "%s de %d" */
    const char *day_month_year;  /* format: month, day, year / day, month, year */
    char decimal;                /* '.' or ',' */

    /* the layout (HTML) */
    const char *skip, *main_nav, *menu, *languages, *footer_about;
    /* listings (HTML) */
    const char *filter, *filter_active_one, *filter_active, *country, *date, *date_hint, *from,
        *to, *kind, *text, *text_hint, *sort, *newest_first, *oldest_first, *apply, *clear,
        *results, *no_results, *one_result, *n_results, *showing, *past_end, *download, *atom_feed,
        *previous, *next, *pagination, *problem, *error_prefix, *correct_filter;
    /* item pages (HTML) */
    const char *documents, *persons, *persons_caption, *name, *position, *countries,
        *original, *as_json, *bytes_one, *bytes_many;
    /* error pages */
    const char *not_found, *not_found_text, *not_allowed, *not_allowed_text, *bad_request,
        *unavailable, *unavailable_text, *to_overview;
    /* Atom titles: the filter in words */
    const char *atom_from, *atom_to, *atom_kind, *atom_q, *and_word;

    /* 400 messages (formats; the parameter's name first) */
    const char *e_repeated;      /* name, first, second */
    const char *e_country;       /* name, value, choices */
    const char *e_kind;          /* name, value, collection title, choices */
    const char *e_no_kinds;      /* (the choices when a listing has no kinds) */
    const char *e_q_long;        /* name, value, chars, limit */
    const char *e_q_words;       /* name, limit, limit */
    const char *e_date;          /* name, value, why */
    const char *e_date_calendar; /* (why: an impossible date) */
    const char *e_date_syntax;   /* (why: not a date) */
    const char *e_from_after_to; /* from value, to value */
    const char *e_sort;          /* value */
    const char *e_page;          /* value */
    const char *e_per_page;      /* value, max */
    const char *e_encoding;      /* name, value */
    const char *e_utf8;          /* name, value */
    const char *e_control;       /* name, value */
    const char *e_query_long;    /* bytes, limit */
    const char *e_too_many;      /* limit */
} rc_msgs;

/* The messages for language code (English when the module does not know it). */
const rc_msgs *rc_msgs_for(const char *code);

/* The longest date for people, in bytes (a month's name and the formats are short). */
#define RC_DATE_TEXT_MAX 64

/* Writes the date for people at out (room for RC_DATE_TEXT_MAX bytes, no NUL) and returns its
 * length: "2021", "July 2022", "March 9, 2022" / "julio de 2022", "9 de marzo de 2022". No pool:
 * a listing writes one per row, straight into its output. */
apr_size_t rc_date_write(char *out, const rc_msgs *m, const rc_date *d);

/* A date of the data given as its period start and end (YYYYMMDD). */
static inline void rc_date_from_period(int start, int end, rc_date *d)
{
    d->start = start;
    d->end = end;
    d->year = start / 10000;
    d->month = end - start < 100 ? start / 100 % 100 : 0;
    d->day = end == start ? start % 100 : 0;
}

/* "200 KB", "1.2 MB" (1,2 MB in Spanish), "512 bytes". */
const char *rc_size_text(apr_pool_t *p, const rc_msgs *m, apr_int64_t bytes);

/* "report-to-congress" -> "Report to congress" */
const char *rc_kind_text(apr_pool_t *p, const char *slug);

#endif
