/* rc_date: parsing and writing the data file's dates. */
#include "rc_date.h"

#include <apr_strings.h>

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n digits; -1 if any is missing. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

rc_date_status rc_date_parse(const char *s, rc_date *d)
{
    const rc_date_status syntax = RC_DATE_SYNTAX;
    int y, m = 0, day = 0;

    if (!s || (y = digits(s, 4)) < 0)
        return syntax;
    if (s[4] == '-') {
        if ((m = digits(s + 5, 2)) < 0)
            return syntax;
        if (s[7] == '-') {
            if ((day = digits(s + 8, 2)) < 0 || s[10] != '\0')
                return syntax;
        }
        else if (s[7] != '\0')
            return syntax;
    }
    else if (s[4] != '\0')
        return syntax;

    if (y < 1 || (s[4] == '-' && (m < 1 || m > 12)) ||
        (s[4] == '-' && s[7] == '-' && (day < 1 || day > days_in_month(y, m))))
        return RC_DATE_CALENDAR;

    d->year = y;
    d->month = m;
    d->day = day;
    d->start = y * 10000 + (m ? m : 1) * 100 + (day ? day : 1);
    d->end = y * 10000 + (m ? m : 12) * 100 + (day ? day : days_in_month(y, m ? m : 12));
    return RC_DATE_OK;
}

const char *rc_date_human(apr_pool_t *p, const rc_date *d)
{
    if (!d->month)
        return apr_psprintf(p, "%d", d->year);
    if (!d->day)
        return apr_psprintf(p, "%s %d", month_names[d->month - 1], d->year);
    return apr_psprintf(p, "%s %d, %d", month_names[d->month - 1], d->day, d->year);
}

const char *rc_date_rfc3339(apr_pool_t *p, const rc_date *d)
{
    return apr_psprintf(p, "%04d-%02d-%02dT00:00:00Z", d->year, d->start / 100 % 100,
                        d->start % 100);
}
