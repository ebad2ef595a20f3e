/* rc_date: the data file's dates (YYYY, YYYY-MM, YYYY-MM-DD) as whole periods. APR only. */
#ifndef RC_DATE_H
#define RC_DATE_H

#include <apr_pools.h>

typedef struct rc_date {
    int year, month, day;  /* month and day are 0 when the date does not give them */
    /* first and last day of the period as YYYYMMDD numbers, so that periods compare as ints */
    int start, end;
} rc_date;

typedef enum rc_date_status {
    RC_DATE_OK = 0,
    RC_DATE_SYNTAX,   /* not YYYY, YYYY-MM or YYYY-MM-DD */
    RC_DATE_CALENDAR  /* the form is right, but there is no such day (2021-02-30, 2021-13) */
} rc_date_status;

/* Parses s into *d (filled only when RC_DATE_OK); callers write their own message. */
rc_date_status rc_date_parse(const char *s, rc_date *d);

/* The date for people: "2021", "July 2022", "March 9, 2022". */
const char *rc_date_human(apr_pool_t *p, const rc_date *d);

/* RFC 3339 timestamp of the period's first day at midnight UTC (for Atom). */
const char *rc_date_rfc3339(apr_pool_t *p, const rc_date *d);

#endif
