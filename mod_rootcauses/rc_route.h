/* rc_route: maps the path below the mount point to what answers it. The patterns are compiled
 * with PCRE2 (JIT where available) once per configuration; matching reads them only. APR
 * only. */
#ifndef RC_ROUTE_H
#define RC_ROUTE_H

#include <apr_pools.h>

#include "rc_data.h"

typedef enum rc_format { RC_HTML = 0, RC_JSON, RC_CSV, RC_ATOM } rc_format;

typedef enum rc_route_kind {
    RC_NOT_FOUND = 0,
    RC_REDIRECT,  /* 301 to location (below the mount point) */
    RC_PAGE,
    RC_LISTING,
    RC_ITEM,
    RC_SITEMAP,   /* B/sitemap.xml */
    RC_OPENAPI    /* B/openapi.json */
} rc_route_kind;

typedef struct rc_route {
    rc_route_kind kind;
    rc_format format;
    const char *location;        /* RC_REDIRECT: "/" or "/reports", below the mount point */
    const rc_page *page;         /* RC_PAGE */
    const rc_collection *collection; /* RC_LISTING, RC_ITEM */
    const rc_item *item;         /* RC_ITEM */
    int lang;                    /* the language: index into the data's languages */
    const char *here;            /* the path below the language's home ("/reports", "/") */
} rc_route;

typedef struct rc_router rc_router;

/* The format a path asks for by its suffix: .json, .csv, .atom, else HTML. */
rc_format rc_format_of_path(const char *path);

/* Compiles the route table into p (freed by a cleanup on p). Returns NULL or an error. */
const char *rc_router_create(apr_pool_t *p, rc_router **out);

/* Routes path (the request path below the mount point: "", "/", "/reports.json",
 * "/es/reports", ...) against the data version d. Scratch memory comes from p. */
void rc_route_path(const rc_router *rt, const rc_data *d, apr_pool_t *p, const char *path,
                   rc_route *out);

#endif
