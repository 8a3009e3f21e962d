// Helpers shared by the AVX2 kernels of this target (internal, not part of ckernels.h).
#ifndef IPT_AVX2_H
#define IPT_AVX2_H
#include <immintrin.h>

// 1 when this CPU has AVX2 and FMA (asked once).
static inline int ipt_has_avx2(void) {
    static int known = -1;
    if (known < 0) known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return known;
}

// The sum of the eight lanes.
__attribute__((target("avx2,fma")))
static inline float ipt_hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

#endif
