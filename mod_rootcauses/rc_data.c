/* rc_data: the view of an image. */
#include "rc_data.h"
#include "rc_i18n.h"
#include "rc_text.h"

#include <string.h>

#include <apr_strings.h>
#include <xxhash.h>

int rc_data_country(const rc_data *d, const char *code)
{
    const rc_country *c = apr_hash_get(d->country_codes, code, APR_HASH_KEY_STRING);
    return c ? (int)(c - d->countries) : -1;
}

int rc_data_country_named(const rc_data *d, const char *folded)
{
    const rc_country *c = apr_hash_get(d->country_names, folded, APR_HASH_KEY_STRING);
    return c ? (int)(c - d->countries) : -1;
}

const rc_nav *rc_data_nav(const rc_data *d, const char *slug)
{
    return apr_hash_get(d->slugs, slug, APR_HASH_KEY_STRING);
}

int rc_data_lang(const rc_data *d, const char *code)
{
    for (int i = 0; i < d->nlang; i++)
        if (!strcmp(d->langs[i], code))
            return i;
    return -1;
}

int rc_item_find(const rc_data *d, const rc_collection *col, const char *id)
{
    int lo = 0, hi = col->nitems;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(rc_str(d, col->items[col->by_id[mid]].id), id);
        if (c == 0)
            return (int)col->by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* html (escaped already) as HTML shows it in language l: marked with the default language's lang
 * when it is a fallback to it. */
static rc_piece shown_html(apr_pool_t *p, const rc_data *d, const char *html, int fallback)
{
    rc_piece piece;
    piece.s = fallback ? apr_pstrcat(p, d->lang_span.s, html, "</span>", NULL) : html;
    piece.n = strlen(piece.s);
    return piece;
}

rc_data *rc_data_open(apr_pool_t *p, const rc_image *img)
{
    rc_data *d = apr_pcalloc(p, sizeof(*d));
    const rc_img_site *site;
    const apr_uint32_t *langs;
    d->img = *img;
    d->head = rc_img_head(img);
    site = RC_AT(img, rc_img_site, d->head->site);
    d->path = rc_str(d, site->path);
    d->hash = d->head->content_hash;
    {
        char both[RC_IMG_BUILD_ID_LEN + 40];
        apr_size_t n = (apr_size_t)apr_snprintf(both, sizeof(both), "%s %s", d->head->content_hash,
                                                d->head->build_id);
        apr_snprintf(d->tag, sizeof(d->tag), "%016" APR_UINT64_T_HEX_FMT,
                     (apr_uint64_t)XXH3_64bits(both, n));
    }
    d->mtime = site->mtime;
    d->nitems = (int)d->head->nitems;
    d->nlang = (int)site->nlang;
    d->langs = apr_palloc(p, sizeof(char *) * (site->nlang + 1));
    langs = RC_AT(img, apr_uint32_t, site->langs);
    for (int l = 0; l < d->nlang; l++)
        d->langs[l] = rc_str(d, langs[l]);
    d->lang_span.s = apr_pstrcat(p, "<span lang=\"", d->langs[0], "\">", NULL);
    d->lang_span.n = strlen(d->lang_span.s);
    d->title = site->title;

    d->ncountries = (int)site->ncountries;
    d->countries = apr_palloc(p, sizeof(rc_country) * (site->ncountries + 1));
    d->country_codes = apr_hash_make(p);
    d->country_names = apr_hash_make(p);
    for (int i = 0; i < d->ncountries; i++) {
        const rc_img_country *c = &RC_AT(img, rc_img_country, site->countries)[i];
        rc_piece *names;
        d->countries[i].code = rc_str(d, c->code);
        d->countries[i].name = c->name;
        d->countries[i].folded = RC_AT(img, apr_uint32_t, c->folded);
        d->countries[i].name_html = names = apr_palloc(p, sizeof(rc_piece) * site->nlang);
        for (int l = 0; l < d->nlang; l++) {
            int fallback;
            rc_piece html = rc_str_html(d, rc_text(d, c->name, l, &fallback));
            const char *folded = rc_str(d, d->countries[i].folded[l]);
            names[l] = shown_html(p, d, html.s, fallback);
            /* the first country of a name keeps it, as the search in data order did */
            if (folded && !apr_hash_get(d->country_names, folded, APR_HASH_KEY_STRING))
                apr_hash_set(d->country_names, folded, APR_HASH_KEY_STRING, &d->countries[i]);
        }
        apr_hash_set(d->country_codes, d->countries[i].code, APR_HASH_KEY_STRING,
                     &d->countries[i]);
    }
    d->npages = (int)site->npages;
    d->pages = apr_palloc(p, sizeof(rc_page) * (site->npages + 1));
    for (int i = 0; i < d->npages; i++) {
        const rc_img_page *pg = &RC_AT(img, rc_img_page, site->pages)[i];
        d->pages[i].slug = rc_str(d, pg->slug);
        d->pages[i].title = pg->title;
        d->pages[i].nav = pg->nav;
        d->pages[i].body = RC_AT(img, apr_uint32_t, pg->body);
        d->pages[i].mtimes = RC_AT(img, apr_int64_t, pg->mtimes);
    }
    d->newest_mtime = d->mtime;
    for (int i = 0; i < d->npages; i++)
        for (int l = 0; l < d->nlang; l++)
            if (d->pages[i].mtimes[l] > d->newest_mtime)
                d->newest_mtime = d->pages[i].mtimes[l];
    d->ncollections = (int)site->ncollections;
    d->collections = apr_palloc(p, sizeof(rc_collection) * (site->ncollections + 1));
    for (int i = 0; i < d->ncollections; i++) {
        const rc_img_collection *c = &RC_AT(img, rc_img_collection, site->collections)[i];
        rc_collection *col = &d->collections[i];
        rc_kind *kinds = apr_palloc(p, sizeof(rc_kind) * (c->nkinds + 1));
        col->slug = rc_str(d, c->slug);
        col->title = c->title;
        col->nav = c->nav;
        col->nitems = (int)c->nitems;
        col->items = RC_AT(img, rc_item, c->items);
        for (apr_uint32_t k = 0; k < c->nkinds; k++) {
            const rc_img_kind *ik = &RC_AT(img, rc_img_kind, c->kinds)[k];
            const apr_uint32_t *table = ik->label ? RC_AT(img, apr_uint32_t, ik->label) : NULL;
            rc_kind *kind = &kinds[k];
            rc_piece *labels = apr_palloc(p, sizeof(rc_piece) * site->nlang);
            kind->slug = rc_str(d, ik->slug);
            kind->label = ik->label;
            kind->label_text = apr_palloc(p, sizeof(char *) * site->nlang);
            kind->label_html = labels;
            /* the data's label in that language, else the default language's, else the slug
             * written for people (which is the default language's too) */
            for (apr_uint32_t l = 0; l < site->nlang; l++) {
                apr_uint32_t ref = table && table[l] ? table[l] : table ? table[0] : 0;
                kind->label_text[l] = ref ? rc_str(d, ref) : rc_kind_text(p, kind->slug);
                labels[l] = shown_html(p, d, rc_escape_html(p, kind->label_text[l]),
                                       l > 0 && !(table && table[l]));
            }
        }
        col->nkinds = (int)c->nkinds;
        col->kinds = kinds;
        col->by_id = RC_AT(img, apr_uint32_t, c->by_id);
        col->asc = RC_AT(img, apr_uint32_t, c->asc);
        col->index = c->index ? RC_AT(img, rc_img_index, c->index) : NULL;
        col->words = RC_AT(img, rc_img_words, c->words);
        col->min_year = c->min_year;
        col->max_year = c->max_year;
    }
    d->nnav = (int)site->nnav;
    d->nav = apr_palloc(p, sizeof(rc_nav) * (site->nnav + 1));
    d->slugs = apr_hash_make(p);
    for (int i = 0; i < d->nnav; i++) {
        const rc_img_nav *n = &RC_AT(img, rc_img_nav, site->nav)[i];
        rc_nav *nav = &d->nav[i];
        memset(nav, 0, sizeof(*nav));
        if (n->collection) {
            nav->collection = &d->collections[n->index];
            nav->slug = nav->collection->slug;
            nav->title = nav->collection->title;
            nav->nav = nav->collection->nav;
        }
        else {
            nav->page = &d->pages[n->index];
            nav->slug = nav->page->slug;
            nav->title = nav->page->title;
            nav->nav = nav->page->nav;
        }
        apr_hash_set(d->slugs, nav->slug, APR_HASH_KEY_STRING, nav);
    }
    return d;
}
