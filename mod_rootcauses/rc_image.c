/* rc_image: the checks an image passes before any process reads it. A damaged, truncated or
 * foreign image is never read: the store builds it again from the data file. */
#include "rc_image.h"

#include <stddef.h>
#include <string.h>

#include <xxhash.h>

apr_uint64_t rc_image_header_sum(const rc_img_header *h)
{
    rc_img_header copy;
    memcpy(&copy, h, sizeof(copy));
    copy.header_sum = 0;
    return XXH3_64bits(&copy, sizeof(copy));
}

const char *rc_image_check(const char *base, apr_size_t size)
{
    const rc_img_header *h = (const rc_img_header *)(const void *)base;
    if (size < sizeof(*h))
        return "shorter than its header (truncated)";
    if (memcmp(h->magic, RC_IMG_MAGIC, 8))
        return "not an image of mod_rootcauses (bad magic)";
    if (h->format != RC_IMG_FORMAT || h->header_size != sizeof(*h))
        return "an image of another format";
    if (strncmp(h->build_id, rc_build_id, sizeof(h->build_id)))
        return "built by another build of the module";
    if (h->size != size)
        return "of the wrong size (truncated or extended)";
    if (rc_image_header_sum(h) != h->header_sum)
        return "damaged (the header's checksum does not match)";
    if (XXH3_64bits(base + sizeof(*h), size - sizeof(*h)) != h->body_sum)
        return "damaged (the checksum does not match)";
    if (h->site < sizeof(*h) || (apr_uint64_t)h->site + 64 > size ||
        (apr_uint64_t)h->files + (apr_uint64_t)h->nfiles * 40 > size)
        return "damaged (its records lie outside it)";
    return NULL;
}
