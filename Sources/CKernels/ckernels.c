// A weight-stationary matrix multiply for decode steps (a handful of tokens against large
// weight matrices). BLAS packs the whole weight matrix on every call, which for 1-32 tokens
// costs more than the multiply; here each 3-row block of weights is read once from memory and
// used for every token while it sits in L1. AVX2+FMA only, chosen at run time.
#include "ckernels.h"
#include "avx2.h"
#include <immintrin.h>
#include <math.h>

int ipt_matmul_few_tokens_available(void) { return ipt_has_avx2(); }

// 3 weight rows × 4 tokens: 12 accumulators + 3 weight vectors + 1 token vector fill the 16
// AVX registers exactly, so the inner loop never spills.
__attribute__((target("avx2,fma")))
static void block_3x4(float *out, const float *x, const float *w, int I, int O, int n, int o, int accumulate) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a03 = a00;
    __m256 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    const float *w0 = w + (long)o * I, *w1 = w0 + I, *w2 = w1 + I;
    const float *x0 = x + (long)n * I, *x1 = x0 + I, *x2 = x1 + I, *x3 = x2 + I;
    int i = 0;
    for (; i + 8 <= I; i += 8) {
        __m256 wv0 = _mm256_loadu_ps(w0 + i), wv1 = _mm256_loadu_ps(w1 + i), wv2 = _mm256_loadu_ps(w2 + i);
        __m256 xv = _mm256_loadu_ps(x0 + i);
        a00 = _mm256_fmadd_ps(wv0, xv, a00); a10 = _mm256_fmadd_ps(wv1, xv, a10); a20 = _mm256_fmadd_ps(wv2, xv, a20);
        xv = _mm256_loadu_ps(x1 + i);
        a01 = _mm256_fmadd_ps(wv0, xv, a01); a11 = _mm256_fmadd_ps(wv1, xv, a11); a21 = _mm256_fmadd_ps(wv2, xv, a21);
        xv = _mm256_loadu_ps(x2 + i);
        a02 = _mm256_fmadd_ps(wv0, xv, a02); a12 = _mm256_fmadd_ps(wv1, xv, a12); a22 = _mm256_fmadd_ps(wv2, xv, a22);
        xv = _mm256_loadu_ps(x3 + i);
        a03 = _mm256_fmadd_ps(wv0, xv, a03); a13 = _mm256_fmadd_ps(wv1, xv, a13); a23 = _mm256_fmadd_ps(wv2, xv, a23);
    }
    float s[3][4] = {{ipt_hsum(a00), ipt_hsum(a01), ipt_hsum(a02), ipt_hsum(a03)},
                     {ipt_hsum(a10), ipt_hsum(a11), ipt_hsum(a12), ipt_hsum(a13)},
                     {ipt_hsum(a20), ipt_hsum(a21), ipt_hsum(a22), ipt_hsum(a23)}};
    const float *wr[3] = {w0, w1, w2}, *xr[4] = {x0, x1, x2, x3};
    for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 4; b++) {
            for (int t = i; t < I; t++) s[a][b] += wr[a][t] * xr[b][t];
            float *dst = out + (long)(n + b) * O + o + a;
            *dst = accumulate ? *dst + s[a][b] : s[a][b];
        }
    }
}

// One token (batch-1 decode) is a matrix-vector product bound by memory bandwidth: 4 weight
// rows stream at once, each with two accumulators, and the rows ahead are prefetched.
__attribute__((target("avx2,fma")))
static void block_4x1(float *out, const float *x, const float *w, int I, int O, int n, int o, int accumulate) {
    __m256 a0 = _mm256_setzero_ps(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
    const float *w0 = w + (long)o * I, *w1 = w0 + I, *w2 = w1 + I, *w3 = w2 + I;
    const float *x0 = x + (long)n * I;
    int i = 0;
    for (; i + 16 <= I; i += 16) {
        _mm_prefetch((const char *)(w0 + i + 4 * I), _MM_HINT_T0);
        _mm_prefetch((const char *)(w1 + i + 4 * I), _MM_HINT_T0);
        _mm_prefetch((const char *)(w2 + i + 4 * I), _MM_HINT_T0);
        _mm_prefetch((const char *)(w3 + i + 4 * I), _MM_HINT_T0);
        __m256 xa = _mm256_loadu_ps(x0 + i), xb = _mm256_loadu_ps(x0 + i + 8);
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + i), xa, a0); b0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + i + 8), xb, b0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + i), xa, a1); b1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + i + 8), xb, b1);
        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + i), xa, a2); b2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + i + 8), xb, b2);
        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + i), xa, a3); b3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + i + 8), xb, b3);
    }
    float s[4] = {ipt_hsum(_mm256_add_ps(a0, b0)), ipt_hsum(_mm256_add_ps(a1, b1)), ipt_hsum(_mm256_add_ps(a2, b2)), ipt_hsum(_mm256_add_ps(a3, b3))};
    const float *wr[4] = {w0, w1, w2, w3};
    for (int a = 0; a < 4; a++) {
        for (int t = i; t < I; t++) s[a] += wr[a][t] * x0[t];
        float *dst = out + (long)n * O + o + a;
        *dst = accumulate ? *dst + s[a] : s[a];
    }
}

__attribute__((target("avx2,fma")))
static void row_1x1(float *out, const float *x, const float *w, int I, int O, int n, int o, int accumulate) {
    __m256 acc = _mm256_setzero_ps();
    const float *wr = w + (long)o * I, *xr = x + (long)n * I;
    int i = 0;
    for (; i + 8 <= I; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(wr + i), _mm256_loadu_ps(xr + i), acc);
    float s = ipt_hsum(acc);
    for (; i < I; i++) s += wr[i] * xr[i];
    float *dst = out + (long)n * O + o;
    *dst = accumulate ? *dst + s : s;
}

int ipt_matmul_few_tokens(float *out, const float *x, const float *w,
                          int N, int I, int O, int o_begin, int o_end, int accumulate) {
    if (!ipt_matmul_few_tokens_available()) return 0;
    int o = o_begin;
    int full = N / 4 * 4;
    if (full > 0) {
        for (; o + 3 <= o_end; o += 3)
            for (int n = 0; n < full; n += 4) block_3x4(out, x, w, I, O, n, o, accumulate);
        for (; o < o_end; o++)
            for (int n = 0; n < full; n++) row_1x1(out, x, w, I, O, n, o, accumulate);
    }
    // Tokens left over after the 4-token blocks: matrix-vector products.
    for (int n = full; n < N; n++) {
        o = o_begin;
        for (; o + 4 <= o_end; o += 4) block_4x1(out, x, w, I, O, n, o, accumulate);
        for (; o < o_end; o++) row_1x1(out, x, w, I, O, n, o, accumulate);
    }
    return 1;
}

__attribute__((target("avx2,fma")))
static void attend_avx2(float *out, const float *q, const float *keys, const float *values, long stride,
                        int first, int last, int hd, float scale, float *p) {
    float maximum = -INFINITY;
    for (int j = first; j <= last; j++) {
        const float *k = keys + j * stride;
        __m256 acc = _mm256_setzero_ps();
        int d = 0;
        for (; d + 8 <= hd; d += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_loadu_ps(k + d), acc);
        float s = ipt_hsum(acc);
        for (; d < hd; d++) s += q[d] * k[d];
        s *= scale;
        p[j] = s;
        if (s > maximum) maximum = s;
    }
    float sum = 0;
    for (int j = first; j <= last; j++) { p[j] = expf(p[j] - maximum); sum += p[j]; }
    float inverse = 1 / sum;
    int d = 0;
    for (; d + 8 <= hd; d += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (int j = first; j <= last; j++)
            acc = _mm256_fmadd_ps(_mm256_set1_ps(p[j]), _mm256_loadu_ps(values + j * stride + d), acc);
        _mm256_storeu_ps(out + d, _mm256_mul_ps(acc, _mm256_set1_ps(inverse)));
    }
    for (; d < hd; d++) {
        float acc = 0;
        for (int j = first; j <= last; j++) acc += p[j] * values[j * stride + d];
        out[d] = acc * inverse;
    }
}

static void attend_portable(float *out, const float *q, const float *keys, const float *values, long stride,
                            int first, int last, int hd, float scale, float *p) {
    float maximum = -INFINITY;
    for (int j = first; j <= last; j++) {
        float s = 0;
        for (int d = 0; d < hd; d++) s += q[d] * keys[j * stride + d];
        p[j] = s * scale;
        if (p[j] > maximum) maximum = p[j];
    }
    float sum = 0;
    for (int j = first; j <= last; j++) { p[j] = expf(p[j] - maximum); sum += p[j]; }
    for (int d = 0; d < hd; d++) out[d] = 0;
    for (int j = first; j <= last; j++) {
        float weight = p[j] / sum;
        for (int d = 0; d < hd; d++) out[d] += weight * values[j * stride + d];
    }
}

void ipt_attend(float *out, const float *q, const float *keys, const float *values, long stride,
                int first, int last, int head_dim, float scale, float *scores) {
    if (ipt_matmul_few_tokens_available()) attend_avx2(out, q, keys, values, stride, first, last, head_dim, scale, scores);
    else attend_portable(out, q, keys, values, stride, first, last, head_dim, scale, scores);
}
