#ifndef CKERNELS_H
#define CKERNELS_H

/// out[n][o] (= or += when accumulate) Σ_i x[n][i] · w[o][i] for rows o in [o_begin, o_end),
/// for few tokens n < N (decode steps), reading each weight row once. Row-major x [N, I],
/// w [O, I], out [N, O]. Returns 0 when this CPU lacks AVX2/FMA (the caller then uses BLAS).
int ipt_matmul_few_tokens(float *out, const float *x, const float *w,
                          int N, int I, int O, int o_begin, int o_end, int accumulate);

/// 1 when ipt_matmul_few_tokens can run on this CPU.
int ipt_matmul_few_tokens_available(void);

#endif
