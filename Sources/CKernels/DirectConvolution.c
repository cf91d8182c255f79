// AVX-512 loops behind ck_gather and ck_weight_grad (see include/CKernels.h).
//
// Each function carries its own target attribute, so the file builds for any x86-64 CPU and the
// AVX-512 code only runs after ck_direct_available() said yes. Register blocking: a block of
// output positions (gather) or of weight entries (weight gradient) keeps its accumulators in
// registers for the whole reduction; the block sizes are compile-time constants (a switch picks
// one), so the compiler unrolls them into registers.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
#define CK_INLINE static inline __attribute__((always_inline))
// Register blocks only stay in registers when their loops are unrolled completely.
#define CK_UNROLL _Pragma("clang loop unroll(full)")

int ck_direct_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
}

static inline __mmask16 mask16(int n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }
static inline __mmask8 mask8(int n) { return n >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << n) - 1); }

// ---------------------------------------------------------------------------------------------
// Gather: up to 12 positions x 2 vectors of 16 output channels (zmm), or 16 positions x 8 (ymm).

CK_TARGET CK_INLINE void gather_block16(const ck_gather_args *a, const float *in, float *out, int co0,
                                        const int V, __mmask16 m0, __mmask16 m1, const int R) {
    __m512 acc0[12], acc1[12];
    __m512 b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps();
    if (a->bias) {
        b0 = _mm512_maskz_loadu_ps(m0, a->bias + co0);
        if (V > 1) b1 = _mm512_maskz_loadu_ps(m1, a->bias + co0 + 16);
    }
    CK_UNROLL
    for (int r = 0; r < R; r++) { acc0[r] = b0; acc1[r] = b1; }
    const long cs = a->in_col_stride;
    const int channels = a->reduce_channels, outs = a->out_channels;
    for (int t = 0; t < a->taps; t++) {
        const float *ip = in + a->tap_offsets[t];
        const float *wp = a->tap_weights[t] + co0;
        for (int c = 0; c < channels; c++) {
            __m512 w0 = _mm512_maskz_loadu_ps(m0, wp + (long)c * outs);
            __m512 w1 = _mm512_setzero_ps();
            if (V > 1) w1 = _mm512_maskz_loadu_ps(m1, wp + (long)c * outs + 16);
            CK_UNROLL
            for (int r = 0; r < R; r++) {
                __m512 x = _mm512_set1_ps(ip[r * cs + c]);
                acc0[r] = _mm512_fmadd_ps(x, w0, acc0[r]);
                if (V > 1) acc1[r] = _mm512_fmadd_ps(x, w1, acc1[r]);
            }
        }
    }
    const long os = a->out_col_stride;
    CK_UNROLL
    for (int r = 0; r < R; r++) {
        _mm512_mask_storeu_ps(out + r * os + co0, m0, acc0[r]);
        if (V > 1) _mm512_mask_storeu_ps(out + r * os + co0 + 16, m1, acc1[r]);
    }
}

CK_TARGET CK_INLINE void gather_block8(const ck_gather_args *a, const float *in, float *out,
                                       __mmask8 m, const int R) {
    __m256 acc[16];
    __m256 b = _mm256_setzero_ps();
    if (a->bias) b = _mm256_maskz_loadu_ps(m, a->bias);
    CK_UNROLL
    for (int r = 0; r < R; r++) acc[r] = b;
    const long cs = a->in_col_stride;
    const int channels = a->reduce_channels, outs = a->out_channels;
    for (int t = 0; t < a->taps; t++) {
        const float *ip = in + a->tap_offsets[t];
        const float *wp = a->tap_weights[t];
        for (int c = 0; c < channels; c++) {
            __m256 w = _mm256_maskz_loadu_ps(m, wp + (long)c * outs);
            CK_UNROLL
            for (int r = 0; r < R; r++) {
                acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(ip[r * cs + c]), w, acc[r]);
            }
        }
    }
    const long os = a->out_col_stride;
    CK_UNROLL
    for (int r = 0; r < R; r++) _mm256_mask_storeu_ps(out + r * os, m, acc[r]);
}

#define GATHER16_CASE(R) case R: \
    if (V == 1) gather_block16(a, in, out, co0, 1, m0, m1, R); else gather_block16(a, in, out, co0, 2, m0, m1, R); break;
#define GATHER8_CASE(R) case R: gather_block8(a, in, out, m, R); break;

CK_TARGET static void gather_wide(const ck_gather_args *a) {
    for (int co0 = 0; co0 < a->out_channels; co0 += 32) {
        const int left = a->out_channels - co0;
        const int V = left > 16 ? 2 : 1;
        const __mmask16 m0 = V == 1 ? mask16(left) : 0xFFFF, m1 = V == 2 ? mask16(left - 16) : 0;
        for (int row = 0; row < a->rows; row++) {
            for (int col = 0; col < a->cols; col += 12) {
                const int R = a->cols - col < 12 ? a->cols - col : 12;
                const float *in = a->input + row * a->in_row_stride + col * a->in_col_stride;
                float *out = a->output + row * a->out_row_stride + col * a->out_col_stride;
                switch (R) {
                    GATHER16_CASE(1) GATHER16_CASE(2) GATHER16_CASE(3) GATHER16_CASE(4)
                    GATHER16_CASE(5) GATHER16_CASE(6) GATHER16_CASE(7) GATHER16_CASE(8)
                    GATHER16_CASE(9) GATHER16_CASE(10) GATHER16_CASE(11) GATHER16_CASE(12)
                }
            }
        }
    }
}

CK_TARGET static void gather_narrow(const ck_gather_args *a) {
    const __mmask8 m = mask8(a->out_channels);
    for (int row = 0; row < a->rows; row++) {
        for (int col = 0; col < a->cols; col += 16) {
            const int R = a->cols - col < 16 ? a->cols - col : 16;
            const float *in = a->input + row * a->in_row_stride + col * a->in_col_stride;
            float *out = a->output + row * a->out_row_stride + col * a->out_col_stride;
            switch (R) {
                GATHER8_CASE(1) GATHER8_CASE(2) GATHER8_CASE(3) GATHER8_CASE(4)
                GATHER8_CASE(5) GATHER8_CASE(6) GATHER8_CASE(7) GATHER8_CASE(8)
                GATHER8_CASE(9) GATHER8_CASE(10) GATHER8_CASE(11) GATHER8_CASE(12)
                GATHER8_CASE(13) GATHER8_CASE(14) GATHER8_CASE(15) GATHER8_CASE(16)
            }
        }
    }
}

void ck_gather(const ck_gather_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->out_channels <= 0) return;
    if (a->out_channels <= 8) gather_narrow(a); else gather_wide(a);
}

// ---------------------------------------------------------------------------------------------
// Weight gradient: up to 24 entries x 16 channels (zmm), 12 x 32 (zmm), or 24 x 8 (ymm).
// A sum over a whole batch's positions in one register loses digits (PyTorch's GEMMs sum in
// blocks), so the registers start from zero for every group of about 32 positions and each
// group's sums are then added to `result`.

static inline int flush_rows(int cols) { return cols >= 32 ? 1 : 32 / cols; }

CK_TARGET CK_INLINE void wgrad_block16(const ck_weight_grad_args *a, int j0, int k0,
                                       const int V, __mmask16 m0, __mmask16 m1, const int J) {
    __m512 acc0[24], acc1[24];
    const int K = a->vec_channels;
    float *res = a->result + (long)j0 * K + k0;
    long off[24];
    CK_UNROLL
    for (int j = 0; j < J; j++) off[j] = a->pair_offsets[j0 + j];
    const int group = flush_rows(a->cols);
    for (int row0 = 0; row0 < a->rows; row0 += group) {
        const int row1 = row0 + group < a->rows ? row0 + group : a->rows;
        CK_UNROLL
        for (int j = 0; j < J; j++) { acc0[j] = _mm512_setzero_ps(); acc1[j] = _mm512_setzero_ps(); }
        for (int row = row0; row < row1; row++) {
            const float *ip = a->input + row * a->in_row_stride;
            const float *gp = a->grad + row * a->grad_row_stride + k0;
            for (int col = 0; col < a->cols; col++) {
                __m512 g0 = _mm512_maskz_loadu_ps(m0, gp);
                __m512 g1 = _mm512_setzero_ps();
                if (V > 1) g1 = _mm512_maskz_loadu_ps(m1, gp + 16);
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    __m512 x = _mm512_set1_ps(ip[off[j]]);
                    acc0[j] = _mm512_fmadd_ps(x, g0, acc0[j]);
                    if (V > 1) acc1[j] = _mm512_fmadd_ps(x, g1, acc1[j]);
                }
                ip += a->in_col_stride;
                gp += a->grad_col_stride;
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            float *r = res + (long)j * K;
            _mm512_mask_storeu_ps(r, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, r), acc0[j]));
            if (V > 1) _mm512_mask_storeu_ps(r + 16, m1, _mm512_add_ps(_mm512_maskz_loadu_ps(m1, r + 16), acc1[j]));
        }
    }
}

CK_TARGET CK_INLINE void wgrad_block8(const ck_weight_grad_args *a, int j0, __mmask8 m, const int J) {
    __m256 acc[24];
    const int K = a->vec_channels;
    float *res = a->result + (long)j0 * K;
    long off[24];
    CK_UNROLL
    for (int j = 0; j < J; j++) off[j] = a->pair_offsets[j0 + j];
    const int group = flush_rows(a->cols);
    for (int row0 = 0; row0 < a->rows; row0 += group) {
        const int row1 = row0 + group < a->rows ? row0 + group : a->rows;
        CK_UNROLL
        for (int j = 0; j < J; j++) acc[j] = _mm256_setzero_ps();
        for (int row = row0; row < row1; row++) {
            const float *ip = a->input + row * a->in_row_stride;
            const float *gp = a->grad + row * a->grad_row_stride;
            for (int col = 0; col < a->cols; col++) {
                __m256 g = _mm256_maskz_loadu_ps(m, gp);
                CK_UNROLL
                for (int j = 0; j < J; j++) acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(ip[off[j]]), g, acc[j]);
                ip += a->in_col_stride;
                gp += a->grad_col_stride;
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            float *r = res + (long)j * K;
            _mm256_mask_storeu_ps(r, m, _mm256_add_ps(_mm256_maskz_loadu_ps(m, r), acc[j]));
        }
    }
}

#define WGRAD16_CASE(J) case J: \
    if (V == 1) wgrad_block16(a, j0, k0, 1, m0, m1, J); else if (J <= 12) wgrad_block16(a, j0, k0, 2, m0, m1, J); break;
#define WGRAD8_CASE(J) case J: wgrad_block8(a, j0, m, J); break;

CK_TARGET static void wgrad_wide(const ck_weight_grad_args *a) {
    for (int k0 = 0; k0 < a->vec_channels; k0 += 32) {
        const int left = a->vec_channels - k0;
        const int V = left > 16 ? 2 : 1;
        const __mmask16 m0 = V == 1 ? mask16(left) : 0xFFFF, m1 = V == 2 ? mask16(left - 16) : 0;
        const int block = V == 1 ? 24 : 12;
        for (int j0 = 0; j0 < a->pairs; j0 += block) {
            const int J = a->pairs - j0 < block ? a->pairs - j0 : block;
            switch (J) {
                WGRAD16_CASE(1) WGRAD16_CASE(2) WGRAD16_CASE(3) WGRAD16_CASE(4) WGRAD16_CASE(5)
                WGRAD16_CASE(6) WGRAD16_CASE(7) WGRAD16_CASE(8) WGRAD16_CASE(9) WGRAD16_CASE(10)
                WGRAD16_CASE(11) WGRAD16_CASE(12) WGRAD16_CASE(13) WGRAD16_CASE(14) WGRAD16_CASE(15)
                WGRAD16_CASE(16) WGRAD16_CASE(17) WGRAD16_CASE(18) WGRAD16_CASE(19) WGRAD16_CASE(20)
                WGRAD16_CASE(21) WGRAD16_CASE(22) WGRAD16_CASE(23) WGRAD16_CASE(24)
            }
        }
    }
}

CK_TARGET static void wgrad_narrow(const ck_weight_grad_args *a) {
    const __mmask8 m = mask8(a->vec_channels);
    for (int j0 = 0; j0 < a->pairs; j0 += 24) {
        const int J = a->pairs - j0 < 24 ? a->pairs - j0 : 24;
        switch (J) {
            WGRAD8_CASE(1) WGRAD8_CASE(2) WGRAD8_CASE(3) WGRAD8_CASE(4) WGRAD8_CASE(5) WGRAD8_CASE(6)
            WGRAD8_CASE(7) WGRAD8_CASE(8) WGRAD8_CASE(9) WGRAD8_CASE(10) WGRAD8_CASE(11) WGRAD8_CASE(12)
            WGRAD8_CASE(13) WGRAD8_CASE(14) WGRAD8_CASE(15) WGRAD8_CASE(16) WGRAD8_CASE(17) WGRAD8_CASE(18)
            WGRAD8_CASE(19) WGRAD8_CASE(20) WGRAD8_CASE(21) WGRAD8_CASE(22) WGRAD8_CASE(23) WGRAD8_CASE(24)
        }
    }
}

void ck_weight_grad(const ck_weight_grad_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->pairs <= 0 || a->vec_channels <= 0) return;
    if (a->vec_channels <= 8) wgrad_narrow(a); else wgrad_wide(a);
}

#else  // not x86-64: the Swift drivers never call the kernels (ck_direct_available() is 0)

int ck_direct_available(void) { return 0; }
void ck_gather(const ck_gather_args *a) { (void)a; }
void ck_weight_grad(const ck_weight_grad_args *a) { (void)a; }

#endif

// ---------------------------------------------------------------------------------------------
// Layout changes between NCHW planes and channels-last rows (plain C: any CPU).

void ck_planes_to_channels_last(const float *src, int channels, int height, int width,
                                float *dst, long dst_row_stride, long dst_col_stride) {
    for (int y = 0; y < height; y++) {
        float *row = dst + y * dst_row_stride;
        for (int x = 0; x < width; x++) {
            float *cell = row + x * dst_col_stride;
            const float *s = src + (long)y * width + x;
            for (int c = 0; c < channels; c++) cell[c] = s[(long)c * height * width];
        }
    }
}

void ck_channels_last_to_planes(const float *src, long src_row_stride, long src_col_stride,
                                int channels, int height, int width, float *dst) {
    const long plane = (long)height * width;
    for (int c = 0; c < channels; c++) {
        float *d = dst + c * plane;
        for (int y = 0; y < height; y++) {
            const float *s = src + y * src_row_stride + c;
            for (int x = 0; x < width; x++) d[(long)y * width + x] = s[x * src_col_stride];
        }
    }
}
