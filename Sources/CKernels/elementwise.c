// The element-wise loops of training that are bound by exp: softmax rows, cross-entropy and
// SwiGLU. libm's expf is a scalar call per element; here eight lanes go through one
// polynomial. AVX2+FMA when the CPU has them (checked at run time), else scalar libm.
#include "ckernels.h"
#include "avx2.h"
#include <immintrin.h>
#include <math.h>

// e^x for eight lanes: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts so n·ln2 is
// exact), e^r by its Taylor series to r⁷ (truncation error below 6e-9 relative), and 2^n
// built in the exponent bits. Inputs below -87.3 give 0, above 88.7 give +inf.
__attribute__((target("avx2,fma")))
static inline __m256 exp8(__m256 x) {
    const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 ln2_high = _mm256_set1_ps(0.693359375f), ln2_low = _mm256_set1_ps(-2.12194440e-4f);
    __m256 clamped = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.7f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(clamped, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, ln2_high, clamped);
    r = _mm256_fnmadd_ps(n, ln2_low, r);
    __m256 p = _mm256_set1_ps(1.0f / 5040);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    // n ≥ -126 after the clamp, so 2^n is a normal float: (n + 127) << 23.
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    __m256 result = _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
    result = _mm256_blendv_ps(result, _mm256_setzero_ps(), _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ));
    return _mm256_blendv_ps(result, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(x, _mm256_set1_ps(88.7f), _CMP_GT_OQ));
}

__attribute__((target("avx2,fma")))
static float max_avx2(const float *x, long n) {
    __m256 m = _mm256_set1_ps(-INFINITY);
    long i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, m);
    float result = lanes[0];
    for (int l = 1; l < 8; l++) result = lanes[l] > result ? lanes[l] : result;
    for (; i < n; i++) result = x[i] > result ? x[i] : result;
    return result;
}

float ipt_max(const float *x, long n) {
    if (ipt_has_avx2()) return max_avx2(x, n);
    float result = -INFINITY;
    for (long i = 0; i < n; i++) result = x[i] > result ? x[i] : result;
    return result;
}

__attribute__((target("avx2,fma")))
static float exp_shifted_avx2(float *out, const float *x, long n, float shift) {
    __m256 sum = _mm256_setzero_ps(), s = _mm256_set1_ps(shift);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
        if (out) _mm256_storeu_ps(out + i, e);
        sum = _mm256_add_ps(sum, e);
    }
    float total = ipt_hsum(sum);
    if (i < n) {
        // The tail through the same polynomial, padded with -inf (e^-inf = 0).
        float in[8], e[8];
        for (int l = 0; l < 8; l++) in[l] = i + l < n ? x[i + l] - shift : -INFINITY;
        _mm256_storeu_ps(e, exp8(_mm256_loadu_ps(in)));
        for (int l = 0; i + l < n; l++) {
            if (out) out[i + l] = e[l];
            total += e[l];
        }
    }
    return total;
}

float ipt_exp_shifted(float *out, const float *x, long n, float shift) {
    if (ipt_has_avx2()) return exp_shifted_avx2(out, x, n, shift);
    float total = 0;
    for (long i = 0; i < n; i++) {
        float e = expf(x[i] - shift);
        if (out) out[i] = e;
        total += e;
    }
    return total;
}

__attribute__((target("avx2,fma")))
static void exp_scaled_avx2(float *x, long n, float shift, float scale) {
    __m256 s = _mm256_set1_ps(shift), factor = _mm256_set1_ps(scale);
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(factor, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s))));
    if (i < n) {
        float in[8], e[8];
        for (int l = 0; l < 8; l++) in[l] = i + l < n ? x[i + l] - shift : 0;
        _mm256_storeu_ps(e, _mm256_mul_ps(factor, exp8(_mm256_loadu_ps(in))));
        for (int l = 0; i + l < n; l++) x[i + l] = e[l];
    }
}

void ipt_exp_scaled(float *x, long n, float shift, float scale) {
    if (ipt_has_avx2()) { exp_scaled_avx2(x, n, shift, scale); return; }
    for (long i = 0; i < n; i++) x[i] = scale * expf(x[i] - shift);
}

// σ(g) = 1 / (1 + e^-g) for eight lanes.
__attribute__((target("avx2,fma")))
static inline __m256 sigmoid8(__m256 g) {
    __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), g))));
}

__attribute__((target("avx2,fma")))
static long swiglu_forward_avx2(float *out, const float *gate, const float *up, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 g = _mm256_loadu_ps(gate + i);
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_mul_ps(g, sigmoid8(g)), _mm256_loadu_ps(up + i)));
    }
    return i;
}

void ipt_swiglu_forward(float *out, const float *gate, const float *up, long n) {
    long i = ipt_has_avx2() ? swiglu_forward_avx2(out, gate, up, n) : 0;
    for (; i < n; i++) {
        float g = gate[i];
        out[i] = g / (1 + expf(-g)) * up[i];
    }
}

__attribute__((target("avx2,fma")))
static long swiglu_backward_avx2(float *dgate, float *dup, const float *dout, const float *gate, const float *up, long n) {
    __m256 one = _mm256_set1_ps(1.0f);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 g = _mm256_loadu_ps(gate + i), d = _mm256_loadu_ps(dout + i);
        __m256 s = sigmoid8(g);
        // silu'(g) = σ(g) · (1 + g · (1 − σ(g)))
        __m256 derivative = _mm256_mul_ps(s, _mm256_fmadd_ps(g, _mm256_sub_ps(one, s), one));
        _mm256_storeu_ps(dgate + i, _mm256_mul_ps(_mm256_mul_ps(d, _mm256_loadu_ps(up + i)), derivative));
        _mm256_storeu_ps(dup + i, _mm256_mul_ps(d, _mm256_mul_ps(g, s)));
    }
    return i;
}

void ipt_swiglu_backward(float *dgate, float *dup, const float *dout, const float *gate, const float *up, long n) {
    long i = ipt_has_avx2() ? swiglu_backward_avx2(dgate, dup, dout, gate, up, n) : 0;
    for (; i < n; i++) {
        float g = gate[i], s = 1 / (1 + expf(-g));
        dgate[i] = dout[i] * up[i] * s * (1 + g * (1 - s));
        dup[i] = dout[i] * g * s;
    }
}
