// ck_gather's AVX2 + FMA form (see include/CKernels.h; the AVX-512 form is in DirectConvolution.c).
//
// AVX2 has 16 vector registers of 8 floats (AVX-512: 32 of 16), so the register blocks are
// smaller: up to 12 positions x 8 output channels, or 6 positions x 16; wider layers run 16
// channels at a time. Every output value sums its pairs in the same order as the AVX-512 form
// (bias, then one fused multiply-add per pair), so the two give the same bits.
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// Stores R positions' vectors of m channels (m <= 8) as m planes: out[c * plane + r].
CK_TARGET_AVX2 CK_INLINE void store_planar(const __m256 *positions, const int R, int m, float *out, long plane) {
    CK_UNROLL
    for (int g = 0; g < R; g += 8) {
        __m256 t[8];
        CK_UNROLL
        for (int i = 0; i < 8; i++) t[i] = g + i < R ? positions[g + i] : _mm256_setzero_ps();
        transpose8x8(t);
        const __m256i kept = lanes8(R - g);
        for (int c = 0; c < m; c++) _mm256_maskstore_ps(out + c * plane + g, kept, t[c]);
    }
}

// Loads 8 channels, or the lanes of `m` when the vector is PARTIAL (a masked load costs an
// extra micro-op on AVX2, so full vectors use plain loads).
#define LOAD8(p, m, PARTIAL) ((PARTIAL) ? _mm256_maskload_ps((p), (m)) : _mm256_loadu_ps(p))

// R positions x V vectors of 8 output channels from co0; the last vector is PARTIAL (lanes m1,
// or m0 when V is 1) or full.
CK_TARGET_AVX2 CK_INLINE void gather_block(const ck_gather_args *a, const float *in, float *out, int co0, int jb, int je,
                                           const int V, const int PARTIAL, __m256i m0, __m256i m1, const int R,
                                           const long CS) {
    __m256 acc0[12], acc1[12];
    const int partial0 = V == 1 && PARTIAL, partial1 = V == 2 && PARTIAL;
    __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
    if (a->bias) {
        b0 = LOAD8(a->bias + co0, m0, partial0);
        if (V > 1) b1 = LOAD8(a->bias + co0 + 8, m1, partial1);
    }
    CK_UNROLL
    for (int r = 0; r < R; r++) { acc0[r] = b0; acc1[r] = b1; }
    const long cs = CS > 0 ? CS : a->in_col_stride;
    const int outs = a->out_channels;
    const float *wp = a->weights + (long)jb * outs + co0;
    for (int j = jb; j < je; j++, wp += outs) {
        const float *ip = in + a->pair_offsets[j];
        const __m256 w0 = LOAD8(wp, m0, partial0);
        __m256 w1 = _mm256_setzero_ps();
        if (V > 1) w1 = LOAD8(wp + 8, m1, partial1);
        CK_UNROLL
        for (int r = 0; r < R; r++) {
            const __m256 x = _mm256_broadcast_ss(ip + r * cs);
            acc0[r] = _mm256_fmadd_ps(x, w0, acc0[r]);
            if (V > 1) acc1[r] = _mm256_fmadd_ps(x, w1, acc1[r]);
        }
    }
    if (a->out_plane) {
        const int left = a->out_channels - co0;
        store_planar(acc0, R, left < 8 ? left : 8, out + (long)co0 * a->out_plane, a->out_plane);
        if (V > 1) store_planar(acc1, R, left - 8 < 8 ? left - 8 : 8, out + (long)(co0 + 8) * a->out_plane, a->out_plane);
        return;
    }
    const long os = a->out_col_stride;
    CK_UNROLL
    for (int r = 0; r < R; r++) {
        _mm256_maskstore_ps(out + r * os + co0, m0, acc0[r]);
        if (V > 1) _mm256_maskstore_ps(out + r * os + co0 + 8, m1, acc1[r]);
    }
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
#define GATHER_TAIL_6(CALL) GT(CALL,1) GT(CALL,2) GT(CALL,3) GT(CALL,4) GT(CALL,5)
#define GATHER_TAIL_12(CALL) GATHER_TAIL_6(CALL) GT(CALL,6) GT(CALL,7) GT(CALL,8) GT(CALL,9) GT(CALL,10) GT(CALL,11)

#define ONE_FULL(R) gather_block(a, in, out, co0, jb, je, 1, 0, m0, m1, R, CS)
#define ONE_PARTIAL(R) gather_block(a, in, out, co0, jb, je, 1, 1, m0, m1, R, CS)
#define TWO_FULL(R) gather_block(a, in, out, co0, jb, je, 2, 0, m0, m1, R, CS)
#define TWO_PARTIAL(R) gather_block(a, in, out, co0, jb, je, 2, 1, m0, m1, R, CS)

CK_TARGET_AVX2 CK_INLINE void gather_all(const ck_gather_args *a, const long CS) {
    for (int co0 = 0; co0 < a->out_channels; co0 += 16) {
        const int left = a->out_channels - co0;
        const __m256i m0 = lanes8(left), m1 = lanes8(left - 8);
        if (left >= 16) {
            for (int row = 0; row < a->rows; row++) { GATHER_ROW(6, TWO_FULL) }
        } else if (left > 8) {
            for (int row = 0; row < a->rows; row++) { GATHER_ROW(6, TWO_PARTIAL) }
        } else if (left == 8) {
            for (int row = 0; row < a->rows; row++) { GATHER_ROW(12, ONE_FULL) }
        } else {
            for (int row = 0; row < a->rows; row++) { GATHER_ROW(12, ONE_PARTIAL) }
        }
    }
}

CK_TARGET_AVX2 static void gather_1(const ck_gather_args *a) { gather_all(a, 1); }
CK_TARGET_AVX2 static void gather_2(const ck_gather_args *a) { gather_all(a, 2); }
CK_TARGET_AVX2 static void gather_any(const ck_gather_args *a) { gather_all(a, 0); }

void ck_gather_avx2(const ck_gather_args *a) {
    const long cs = a->in_col_stride;
    if (cs == 1) gather_1(a); else if (cs == 2) gather_2(a); else gather_any(a);
}

#endif
