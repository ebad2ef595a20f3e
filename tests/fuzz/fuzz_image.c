/* libFuzzer harness: rc_image_check, the gate before any process reads a built image (docs/REFERENCE.md "Reloading and versions": a
 * damaged, truncated or foreign image is never served). An input that begins with the image's
 * magic is checked as it is; any other describes a change of a good image, the fixed data set's
 * built at start: its first four bytes a change of length (truncated, or extended with zeros),
 * then records of four bytes, an offset (three bytes) and a value to XOR there. Whatever the
 * bytes, rc_image_check must not crash or read outside them, and it accepts the good image only:
 * unchanged, and nothing else. */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    fuzz_dataset();
    return 0;
}

/* The input as an image in its own malloc() block, so that a read past it is seen. */
static void check_raw(const uint8_t *data, size_t size)
{
    char *img = malloc(size ? size : 1);
    const char *why;
    FUZZ_CHECK(img != NULL, "malloc");
    memcpy(img, data, size);
    why = rc_image_check(img, size);
    /* only a build of this module writes an image with its build id and both checksums right */
    if (!why) {
        apr_pool_t *p = fuzz_pool_new();
        rc_image image = {img, size};
        rc_data *d = rc_data_open(p, &image);
        FUZZ_CHECK(d->nlang >= 1 && rc_data_nav(d, "index"), "an accepted image without an index");
        apr_pool_destroy(p);
    }
    else
        FUZZ_CHECK(*why, "an empty reason");
    free(img);
}

static void check_changed(const uint8_t *data, size_t size)
{
    const rc_data *d = fuzz_dataset();
    const char *good = d->img.base, *why;
    apr_size_t good_size = d->img.size, n = good_size;
    apr_int32_t delta = 0;
    char *img;
    int same;

    if (size >= 4) {
        memcpy(&delta, data, 4);
        /* a truncation anywhere, or an extension of up to 64 bytes */
        if (delta < 0)
            n = good_size - (apr_size_t)(-(apr_int64_t)delta) % (good_size + 1);
        else
            n = good_size + (apr_size_t)delta % 65;
        data += 4;
        size -= 4;
    }
    img = calloc(n ? n : 1, 1);
    FUZZ_CHECK(img != NULL, "calloc");
    memcpy(img, good, n < good_size ? n : good_size);
    for (; size >= 4 && n; data += 4, size -= 4) {
        apr_size_t off = ((apr_size_t)data[0] | (apr_size_t)data[1] << 8 |
                          (apr_size_t)data[2] << 16) % n;
        img[off] = (char)(img[off] ^ data[3]);
    }
    same = n == good_size && !memcmp(img, good, n);
    why = rc_image_check(img, n);
    FUZZ_CHECK(same ? why == NULL : why != NULL,
               "rc_image_check %s a%s image of %lu bytes (the good one has %lu)%s%s",
               why ? "refuses" : "accepts", same ? " good" : " changed", (unsigned long)n,
               (unsigned long)good_size, why ? ": " : "", why ? why : "");
    free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 8 && !memcmp(data, RC_IMG_MAGIC, 8))
        check_raw(data, size);
    else
        check_changed(data, size);
    return 0;
}
