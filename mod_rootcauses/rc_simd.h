/* rc_simd: the hot loops of the filters (rc_filter.c, rc_index.c) are compiled for the x86-64
 * baseline that Debian builds for (no popcnt, no AVX2) and again for the CPUs that have them, and
 * chosen at run time (target_clones). Not under the sanitizers: an ifunc resolver runs before
 * their runtime is ready. */
#ifndef RC_SIMD_H
#define RC_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define RC_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#define RC_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define RC_SIMD_CLONES
#define RC_POPCNT_CLONES
#endif

#endif
