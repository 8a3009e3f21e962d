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

/// The largest of x[0..<n] (-inf when n is 0).
float ipt_max(const float *x, long n);

/// Σ e^(x[i] − shift); also stores each e^(x[i] − shift) in out unless out is NULL.
float ipt_exp_shifted(float *out, const float *x, long n, float shift);

/// In place: x[i] = scale · e^(x[i] − shift).
void ipt_exp_scaled(float *x, long n, float shift, float scale);

/// out[i] = silu(gate[i]) · up[i]   (out may be gate).
void ipt_swiglu_forward(float *out, const float *gate, const float *up, long n);

/// dgate[i] = dout · up · silu'(gate);  dup[i] = dout · silu(gate).
void ipt_swiglu_backward(float *dgate, float *dup, const float *dout, const float *gate, const float *up, long n);

/// A pause for spin-wait loops (lets the core's other hardware thread and the memory system breathe).
static inline void ipt_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#endif
