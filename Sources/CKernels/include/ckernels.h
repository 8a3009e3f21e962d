#ifndef CKERNELS_H
#define CKERNELS_H

/// out[n][o] (= or += when accumulate) Σ_i x[n][i] · w[o][i] for rows o in [o_begin, o_end),
/// for few tokens n < N (decode steps), reading each weight row once. Row-major x [N, I],
/// w [O, I], out [N, O]. Returns 0 when this CPU lacks AVX2/FMA (the caller then uses BLAS).
int ipt_matmul_few_tokens(float *out, const float *x, const float *w,
                          int N, int I, int O, int o_begin, int o_end, int accumulate);

/// 1 when ipt_matmul_few_tokens can run on this CPU.
int ipt_matmul_few_tokens_available(void);

/// One query head attending over cached positions first...last of one sequence:
/// out[d] = Σ_j softmax_j(scale · q·k_j) v_j[d], keys/values rows `stride` floats apart
/// (k_j = keys + j·stride). `scores` needs last+1 floats of scratch.
void ipt_attend(float *out, const float *q, const float *keys, const float *values, long stride,
                int first, int last, int head_dim, float scale, float *scores);

#endif
