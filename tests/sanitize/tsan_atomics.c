/* tsan_atomics.c: APR's 32-bit atomics again, compiled with -fsanitize=thread into the tsan
 * step's program (tests/unit/test_threads), where they take the place of libapr's.
 *
 * Debian's libapr is not built with ThreadSanitizer, so TSan cannot see the ordering that its
 * atomics give: a version released by one thread (apr_atomic_dec32) and freed by the thread that
 * drops the last reference looked like a race on the freed memory. The same operations with the
 * same memory order (sequentially consistent, as in APR's atomic/unix/builtins.c) but
 * instrumented let TSan check the reference counting itself instead of being told to ignore it.
 * Only for the test program: the module uses libapr's. */
#include <apr_atomic.h>

apr_uint32_t apr_atomic_read32(volatile apr_uint32_t *mem)
{
    return __atomic_load_n(mem, __ATOMIC_SEQ_CST);
}

void apr_atomic_set32(volatile apr_uint32_t *mem, apr_uint32_t val)
{
    __atomic_store_n(mem, val, __ATOMIC_SEQ_CST);
}

apr_uint32_t apr_atomic_add32(volatile apr_uint32_t *mem, apr_uint32_t val)
{
    return __atomic_fetch_add(mem, val, __ATOMIC_SEQ_CST);
}

void apr_atomic_sub32(volatile apr_uint32_t *mem, apr_uint32_t val)
{
    __atomic_fetch_sub(mem, val, __ATOMIC_SEQ_CST);
}

apr_uint32_t apr_atomic_inc32(volatile apr_uint32_t *mem)
{
    return __atomic_fetch_add(mem, 1, __ATOMIC_SEQ_CST);
}

int apr_atomic_dec32(volatile apr_uint32_t *mem)
{
    return __atomic_sub_fetch(mem, 1, __ATOMIC_SEQ_CST) != 0;
}

apr_uint32_t apr_atomic_cas32(volatile apr_uint32_t *mem, apr_uint32_t with, apr_uint32_t cmp)
{
    __atomic_compare_exchange_n(mem, &cmp, with, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return cmp;
}

apr_uint32_t apr_atomic_xchg32(volatile apr_uint32_t *mem, apr_uint32_t val)
{
    return __atomic_exchange_n(mem, val, __ATOMIC_SEQ_CST);
}
