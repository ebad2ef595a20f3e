/* rc_layout: the page layout, split at load time into text and marker segments. APR only. */
#ifndef RC_LAYOUT_H
#define RC_LAYOUT_H

#include <apr_pools.h>

#include "rc_data.h"

typedef enum rc_marker {
    RC_SEG_TEXT = 0,
    RC_SEG_TITLE,    /* <!--#rootcauses title-->: page title and site title, escaped */
    RC_SEG_NAV,      /* <!--#rootcauses nav-->: the navigation list */
    RC_SEG_CONTENT,  /* <!--#rootcauses content-->: the page's content */
    RC_SEG_HEAD,     /* <!--#rootcauses head-->: extra <head> elements (optional) */
    RC_SEG_BASE,     /* <!--#rootcauses base-->: the mount point's path, escaped (optional) */
    RC_SEG_SITE,     /* <!--#rootcauses site-->: the site title, escaped (optional) */
    RC_SEG_LANG,     /* <!--#rootcauses lang-->: the page's language code, for <html lang> */
    RC_SEG_LANGUAGES, /* <!--#rootcauses languages-->: the language switch (none for one) */
    RC_SEG_HOME,     /* <!--#rootcauses home-->: the site's path in the page's language */
    RC_SEG_SKIP,     /* <!--#rootcauses skip-->: "Skip to main content", translated */
    RC_SEG_NAV_LABEL, /* <!--#rootcauses nav-label-->: the main navigation's name, translated */
    RC_SEG_MENU      /* <!--#rootcauses menu-->: "Menu", translated */
} rc_marker;

typedef struct rc_segment {
    rc_marker marker;
    rc_piece text;   /* RC_SEG_TEXT only */
} rc_segment;

typedef struct rc_layout {
    const char *name;   /* file name, or "built-in" */
    rc_segment *segs;
    int nsegs;
    char hash[9];       /* hex of its content, goes into ETags so a new layout changes them */
    apr_time_t mtime;   /* the file's; 0 for the built-in layout */
} rc_layout;

/* Splits text into segments. title, nav and content must each occur exactly once. */
const char *rc_layout_parse(apr_pool_t *p, const char *name, const char *text, apr_size_t len,
                            rc_layout **out);

/* Reads and parses a layout file. */
const char *rc_layout_load(apr_pool_t *p, const char *path, rc_layout **out);

/* The layout used when RootCausesLayout is not set. */
const rc_layout *rc_layout_builtin(apr_pool_t *p);

#endif
