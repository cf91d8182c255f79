// The gather loop behind ck_gather (see include/CKernels.h): every output position sums its
// window's (tap, channel) pairs into registers that hold all its output channels.
//
// Each function carries its own target attribute, so the target builds for any x86-64 CPU and the
// AVX-512 code only runs after ck_direct_available() said yes. Register blocking: a block of
// output positions keeps its accumulators in registers for the whole reduction; block sizes are
// compile-time constants (a switch picks one), so the compiler unrolls them into registers.
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

ck_isa ck_best_isa(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return CK_ISA_NONE;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw")) return CK_ISA_AVX512;
    return CK_ISA_AVX2;
}

int ck_direct_available(void) { return ck_best_isa() == CK_ISA_AVX512; }

// ---------------------------------------------------------------------------------------------
// Gather: up to 24 positions x 16 output channels or 12 x 32 (zmm), or 16 positions x 8 (ymm).
// CS is the input column stride when known at compile time (1 or 2: the stride of the
// convolution on NCHW planes), so each position's read is a constant displacement; 0 = any.

// Stores R positions' vectors of m channels (m <= 8) as m planes: out[c * plane + r].
CK_TARGET CK_INLINE void store_planar(const __m256 *positions, const int R, int m, float *out, long plane) {
    CK_UNROLL
    for (int g = 0; g < R; g += 8) {
        __m256 t[8];
        CK_UNROLL
        for (int i = 0; i < 8; i++) t[i] = g + i < R ? positions[g + i] : _mm256_setzero_ps();
        transpose8x8(t);
        const __mmask8 kept = mask8(R - g);
        for (int c = 0; c < m; c++) _mm256_mask_storeu_ps(out + c * plane + g, kept, t[c]);
    }
}

CK_TARGET CK_INLINE void gather_block16(const ck_gather_args *a, const float *in, float *out, int co0, int jb, int je,
                                        const int V, __mmask16 m0, __mmask16 m1, const int R, const long CS) {
    __m512 acc0[24], acc1[24];
    __m512 b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps();
    if (a->bias) {
        b0 = _mm512_maskz_loadu_ps(m0, a->bias + co0);
        if (V > 1) b1 = _mm512_maskz_loadu_ps(m1, a->bias + co0 + 16);
    }
    CK_UNROLL
    for (int r = 0; r < R; r++) { acc0[r] = b0; acc1[r] = b1; }
    const long cs = CS > 0 ? CS : a->in_col_stride;
    const int outs = a->out_channels;
    const float *wp = a->weights + (long)jb * outs + co0;
    for (int j = jb; j < je; j++, wp += outs) {
        const float *ip = in + a->pair_offsets[j];
        __m512 w0 = _mm512_maskz_loadu_ps(m0, wp);
        __m512 w1 = _mm512_setzero_ps();
        if (V > 1) w1 = _mm512_maskz_loadu_ps(m1, wp + 16);
        CK_UNROLL
        for (int r = 0; r < R; r++) {
            __m512 x = _mm512_set1_ps(ip[r * cs]);
            acc0[r] = _mm512_fmadd_ps(x, w0, acc0[r]);
            if (V > 1) acc1[r] = _mm512_fmadd_ps(x, w1, acc1[r]);
        }
    }
    if (a->out_plane) {
        // Planar output: 8 channels x 8 positions at a time through a register transpose.
        for (int h = 0; h < 2 * V; h++) {
            const int m = a->out_channels - co0 - 8 * h < 8 ? a->out_channels - co0 - 8 * h : 8;
            if (m <= 0) break;
            __m256 half[24];
            CK_UNROLL
            for (int r = 0; r < R; r++) {
                const __m512 v = h < 2 ? acc0[r] : acc1[r];
                half[r] = (h & 1) ? _mm512_extractf32x8_ps(v, 1) : _mm512_castps512_ps256(v);
            }
            store_planar(half, R, m, out + (long)(co0 + 8 * h) * a->out_plane, a->out_plane);
        }
        return;
    }
    const long os = a->out_col_stride;
    CK_UNROLL
    for (int r = 0; r < R; r++) {
        _mm512_mask_storeu_ps(out + r * os + co0, m0, acc0[r]);
        if (V > 1) _mm512_mask_storeu_ps(out + r * os + co0 + 16, m1, acc1[r]);
    }
}

CK_TARGET CK_INLINE void gather_block8(const ck_gather_args *a, const float *in, float *out, int jb, int je,
                                       __mmask8 m, const int R, const long CS) {
    __m256 acc[16];
    __m256 b = _mm256_setzero_ps();
    if (a->bias) b = _mm256_maskz_loadu_ps(m, a->bias);
    CK_UNROLL
    for (int r = 0; r < R; r++) acc[r] = b;
    const long cs = CS > 0 ? CS : a->in_col_stride;
    const int outs = a->out_channels;
    const float *wp = a->weights + (long)jb * outs;
    for (int j = jb; j < je; j++, wp += outs) {
        const float *ip = in + a->pair_offsets[j];
        __m256 w = _mm256_maskz_loadu_ps(m, wp);
        CK_UNROLL
        for (int r = 0; r < R; r++) acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(ip[r * cs]), w, acc[r]);
    }
    if (a->out_plane) {
        store_planar(acc, R, a->out_channels, out, a->out_plane);
        return;
    }
    const long os = a->out_col_stride;
    CK_UNROLL
    for (int r = 0; r < R; r++) _mm256_mask_storeu_ps(out + r * os, m, acc[r]);
}

// One row's blocks for a fixed column stride; the last block is shorter.
#define GATHER_ROW(BLOCK, CALL) \
    const int jb = a->row_pairs ? a->row_pairs[2 * row] : 0; \
    const int je = a->row_pairs ? a->row_pairs[2 * row + 1] : a->pairs; \
    for (int col = 0; col < a->cols; col += BLOCK) { \
        const int R = a->cols - col < BLOCK ? a->cols - col : BLOCK; \
        const float *in = a->input + row * a->in_row_stride + col * a->in_col_stride; \
        float *out = a->output + row * a->out_row_stride + col * a->out_col_stride; \
        if (R == BLOCK) { CALL(BLOCK); } else { switch (R) { GATHER_TAIL_##BLOCK(CALL) } } \
    }
#define GT(CALL, R) case R: CALL(R); break;
#define GATHER_TAIL_8(CALL) GT(CALL,1) GT(CALL,2) GT(CALL,3) GT(CALL,4) GT(CALL,5) GT(CALL,6) GT(CALL,7)
#define GATHER_TAIL_12(CALL) GATHER_TAIL_8(CALL) GT(CALL,8) GT(CALL,9) GT(CALL,10) GT(CALL,11)
#define GATHER_TAIL_16(CALL) GATHER_TAIL_12(CALL) GT(CALL,12) GT(CALL,13) GT(CALL,14) GT(CALL,15)
#define GATHER_TAIL_24(CALL) GATHER_TAIL_16(CALL) GT(CALL,16) GT(CALL,17) GT(CALL,18) GT(CALL,19) \
    GT(CALL,20) GT(CALL,21) GT(CALL,22) GT(CALL,23)

#define NARROW(R) gather_block8(a, in, out, jb, je, m, R, CS)
#define WIDE1(R) gather_block16(a, in, out, co0, jb, je, 1, m0, m1, R, CS)
#define WIDE2(R) gather_block16(a, in, out, co0, jb, je, 2, m0, m1, R, CS)

CK_TARGET CK_INLINE void gather_narrow(const ck_gather_args *a, const long CS) {
    const __mmask8 m = mask8(a->out_channels);
    for (int row = 0; row < a->rows; row++) { GATHER_ROW(16, NARROW) }
}

CK_TARGET CK_INLINE void gather_wide(const ck_gather_args *a, const long CS) {
    for (int co0 = 0; co0 < a->out_channels; co0 += 32) {
        const int left = a->out_channels - co0;
        if (left > 16) {
            const __mmask16 m0 = 0xFFFF, m1 = mask16(left - 16);
            for (int row = 0; row < a->rows; row++) { GATHER_ROW(12, WIDE2) }
        } else {
            const __mmask16 m0 = mask16(left), m1 = 0;
            for (int row = 0; row < a->rows; row++) { GATHER_ROW(24, WIDE1) }
        }
    }
}

CK_TARGET static void gather_narrow_1(const ck_gather_args *a) { gather_narrow(a, 1); }
CK_TARGET static void gather_narrow_2(const ck_gather_args *a) { gather_narrow(a, 2); }
CK_TARGET static void gather_narrow_any(const ck_gather_args *a) { gather_narrow(a, 0); }
CK_TARGET static void gather_wide_1(const ck_gather_args *a) { gather_wide(a, 1); }
CK_TARGET static void gather_wide_2(const ck_gather_args *a) { gather_wide(a, 2); }
CK_TARGET static void gather_wide_any(const ck_gather_args *a) { gather_wide(a, 0); }

void ck_gather(const ck_gather_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->out_channels <= 0) return;
    if (a->isa != CK_ISA_AVX512) { ck_gather_avx2(a); return; }
    const long cs = a->in_col_stride;
    if (a->out_channels <= 8) {
        if (cs == 1) gather_narrow_1(a); else if (cs == 2) gather_narrow_2(a); else gather_narrow_any(a);
    } else {
        if (cs == 1) gather_wide_1(a); else if (cs == 2) gather_wide_2(a); else gather_wide_any(a);
    }
}


#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

ck_isa ck_best_isa(void) { return CK_ISA_NONE; }
int ck_direct_available(void) { return 0; }
void ck_gather(const ck_gather_args *a) { (void)a; }

#endif
