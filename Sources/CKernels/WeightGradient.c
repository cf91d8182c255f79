// ck_weight_grad (see include/CKernels.h): a convolution's weight gradient, a block of weight
// entries held in registers while every position of an image passes.
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// Weight gradient: up to 24 entries x 16 channels (zmm), 12 x 32 (zmm), or 24 x 8 (ymm).
// A sum over a whole batch's positions in one register loses digits (PyTorch's GEMMs sum in
// blocks), so the registers start from zero for every group of about 32 positions and each
// group's sums are then added to `result`.

CK_INLINE int flush_rows(int cols) { return cols >= 32 ? 1 : 32 / cols; }

CK_TARGET CK_INLINE void wgrad_block16(const ck_weight_grad_args *a, int j0, int k0,
                                       const int V, __mmask16 m0, __mmask16 m1, const int J, const long CS) {
    const long cs = CS > 0 ? CS : a->in_col_stride;
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
            const long gs = a->grad_col_stride;
            int col = 0;
            // Four positions per pass: each entry's offset is loaded once for all four.
            for (; col + 4 <= a->cols; col += 4, ip += 4 * cs, gp += 4 * gs) {
                __m512 g[4][2];
                for (int q = 0; q < 4; q++) {
                    g[q][0] = _mm512_maskz_loadu_ps(m0, gp + q * gs);
                    g[q][1] = V > 1 ? _mm512_maskz_loadu_ps(m1, gp + q * gs + 16) : _mm512_setzero_ps();
                }
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    const float *x = ip + off[j];
                    for (int q = 0; q < 4; q++) {
                        __m512 xq = _mm512_set1_ps(x[q * cs]);
                        acc0[j] = _mm512_fmadd_ps(xq, g[q][0], acc0[j]);
                        if (V > 1) acc1[j] = _mm512_fmadd_ps(xq, g[q][1], acc1[j]);
                    }
                }
            }
            for (; col < a->cols; col++, ip += cs, gp += gs) {
                __m512 g0 = _mm512_maskz_loadu_ps(m0, gp);
                __m512 g1 = _mm512_setzero_ps();
                if (V > 1) g1 = _mm512_maskz_loadu_ps(m1, gp + 16);
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    __m512 x = _mm512_set1_ps(ip[off[j]]);
                    acc0[j] = _mm512_fmadd_ps(x, g0, acc0[j]);
                    if (V > 1) acc1[j] = _mm512_fmadd_ps(x, g1, acc1[j]);
                }
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

CK_TARGET CK_INLINE void wgrad_block8(const ck_weight_grad_args *a, int j0, __mmask8 m, const int J, const long CS) {
    const long cs = CS > 0 ? CS : a->in_col_stride;
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
            const long gs = a->grad_col_stride;
            int col = 0;
            for (; col + 4 <= a->cols; col += 4, ip += 4 * cs, gp += 4 * gs) {
                __m256 g[4];
                for (int q = 0; q < 4; q++) g[q] = _mm256_maskz_loadu_ps(m, gp + q * gs);
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    const float *x = ip + off[j];
                    for (int q = 0; q < 4; q++) acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(x[q * cs]), g[q], acc[j]);
                }
            }
            for (; col < a->cols; col++, ip += cs, gp += gs) {
                __m256 g = _mm256_maskz_loadu_ps(m, gp);
                CK_UNROLL
                for (int j = 0; j < J; j++) acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(ip[off[j]]), g, acc[j]);
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
    if (V == 1) wgrad_block16(a, j0, k0, 1, m0, m1, J, CS); else if (J <= 12) wgrad_block16(a, j0, k0, 2, m0, m1, J, CS); break;
#define WGRAD8_CASE(J) case J: wgrad_block8(a, j0, m, J, CS); break;

CK_TARGET CK_INLINE void wgrad_wide(const ck_weight_grad_args *a, const long CS) {
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

CK_TARGET CK_INLINE void wgrad_narrow(const ck_weight_grad_args *a, const long CS) {
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

CK_TARGET static void wgrad_narrow_1(const ck_weight_grad_args *a) { wgrad_narrow(a, 1); }
CK_TARGET static void wgrad_narrow_2(const ck_weight_grad_args *a) { wgrad_narrow(a, 2); }
CK_TARGET static void wgrad_narrow_any(const ck_weight_grad_args *a) { wgrad_narrow(a, 0); }
CK_TARGET static void wgrad_wide_1(const ck_weight_grad_args *a) { wgrad_wide(a, 1); }
CK_TARGET static void wgrad_wide_2(const ck_weight_grad_args *a) { wgrad_wide(a, 2); }
CK_TARGET static void wgrad_wide_any(const ck_weight_grad_args *a) { wgrad_wide(a, 0); }

void ck_weight_grad(const ck_weight_grad_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->pairs <= 0 || a->vec_channels <= 0) return;
    if (a->isa != CK_ISA_AVX512) { ck_weight_grad_avx2(a); return; }
    const long cs = a->in_col_stride;
    if (a->vec_channels <= 8) {
        if (cs == 1) wgrad_narrow_1(a); else if (cs == 2) wgrad_narrow_2(a); else wgrad_narrow_any(a);
    } else {
        if (cs == 1) wgrad_wide_1(a); else if (cs == 2) wgrad_wide_2(a); else wgrad_wide_any(a);
    }
}


#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_weight_grad(const ck_weight_grad_args *a) { (void)a; }

#endif
