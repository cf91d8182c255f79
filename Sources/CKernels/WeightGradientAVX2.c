// ck_weight_grad's AVX2 + FMA form (see include/CKernels.h and WeightGradient.c): up to 12 weight
// entries x 8 channels or 6 x 16 in registers; wider gradients run 16 channels at a time. Every
// entry sums its positions in the AVX-512 form's order, restarting at the same positions, so the
// two give the same bits.
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// Rows of positions whose sums share a register before they are added to the result: about 32
// positions (as WeightGradient.c).
CK_INLINE int flush_rows(int cols) { return cols >= 32 ? 1 : 32 / cols; }

#define LOAD8(p, m, PARTIAL) ((PARTIAL) ? _mm256_maskload_ps((p), (m)) : _mm256_loadu_ps(p))

// J entries x V vectors of 8 channels from k0; the last vector is PARTIAL (lanes m1, or m0 when
// V is 1) or full. Q positions per pass (each entry's offset is read once for all Q).
CK_TARGET_AVX2 CK_INLINE void wgrad_block(const ck_weight_grad_args *a, int j0, int k0, const int V, const int PARTIAL,
                                          __m256i m0, __m256i m1, const int J, const long CS) {
    enum { Q = 2 };
    const int partial0 = V == 1 && PARTIAL, partial1 = V == 2 && PARTIAL;
    const long cs = CS > 0 ? CS : a->in_col_stride;
    __m256 acc0[12], acc1[12];
    const int K = a->vec_channels;
    float *res = a->result + (long)j0 * K + k0;
    long off[12];
    CK_UNROLL
    for (int j = 0; j < J; j++) off[j] = a->pair_offsets[j0 + j];
    const int group = flush_rows(a->cols);
    for (int row0 = 0; row0 < a->rows; row0 += group) {
        const int row1 = row0 + group < a->rows ? row0 + group : a->rows;
        CK_UNROLL
        for (int j = 0; j < J; j++) { acc0[j] = _mm256_setzero_ps(); acc1[j] = _mm256_setzero_ps(); }
        for (int row = row0; row < row1; row++) {
            const float *ip = a->input + row * a->in_row_stride;
            const float *gp = a->grad + row * a->grad_row_stride + k0;
            const long gs = a->grad_col_stride;
            int col = 0;
            if (V == 1) {
                for (; col + Q <= a->cols; col += Q, ip += Q * cs, gp += Q * gs) {
                    __m256 g[Q];
                    CK_UNROLL
                    for (int q = 0; q < Q; q++) g[q] = LOAD8(gp + q * gs, m0, partial0);
                    CK_UNROLL
                    for (int j = 0; j < J; j++) {
                        const float *x = ip + off[j];
                        CK_UNROLL
                        for (int q = 0; q < Q; q++) acc0[j] = _mm256_fmadd_ps(_mm256_broadcast_ss(x + q * cs), g[q], acc0[j]);
                    }
                }
            }
            for (; col < a->cols; col++, ip += cs, gp += gs) {
                const __m256 g0 = LOAD8(gp, m0, partial0);
                __m256 g1 = _mm256_setzero_ps();
                if (V > 1) g1 = LOAD8(gp + 8, m1, partial1);
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    const __m256 x = _mm256_broadcast_ss(ip + off[j]);
                    acc0[j] = _mm256_fmadd_ps(x, g0, acc0[j]);
                    if (V > 1) acc1[j] = _mm256_fmadd_ps(x, g1, acc1[j]);
                }
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            float *r = res + (long)j * K;
            _mm256_maskstore_ps(r, m0, _mm256_add_ps(_mm256_maskload_ps(r, m0), acc0[j]));
            if (V > 1) _mm256_maskstore_ps(r + 8, m1, _mm256_add_ps(_mm256_maskload_ps(r + 8, m1), acc1[j]));
        }
    }
}

#define WG(V, P, J) wgrad_block(a, j0, k0, V, P, m0, m1, J, CS)
#define WCASE(V, P, J) case J: WG(V, P, J); break;
#define WCASES_6(V, P) WCASE(V, P, 1) WCASE(V, P, 2) WCASE(V, P, 3) WCASE(V, P, 4) WCASE(V, P, 5) WCASE(V, P, 6)
#define WCASES_12(V, P) WCASES_6(V, P) WCASE(V, P, 7) WCASE(V, P, 8) WCASE(V, P, 9) WCASE(V, P, 10) \
    WCASE(V, P, 11) WCASE(V, P, 12)
// All entries for one (V, PARTIAL), BLOCK entries at a time.
#define WGRAD_ENTRIES(V, P, BLOCK) \
    for (int j0 = 0; j0 < a->pairs; j0 += BLOCK) { \
        const int J = a->pairs - j0 < BLOCK ? a->pairs - j0 : BLOCK; \
        switch (J) { WCASES_##BLOCK(V, P) } \
    }

CK_TARGET_AVX2 CK_INLINE void wgrad_all(const ck_weight_grad_args *a, const long CS) {
    for (int k0 = 0; k0 < a->vec_channels; k0 += 16) {
        const int left = a->vec_channels - k0;
        const __m256i m0 = lanes8(left), m1 = lanes8(left - 8);
        if (left >= 16) { WGRAD_ENTRIES(2, 0, 6) }
        else if (left > 8) { WGRAD_ENTRIES(2, 1, 6) }
        else if (left == 8) { WGRAD_ENTRIES(1, 0, 12) }
        else { WGRAD_ENTRIES(1, 1, 12) }
    }
}

CK_TARGET_AVX2 static void wgrad_1(const ck_weight_grad_args *a) { wgrad_all(a, 1); }
CK_TARGET_AVX2 static void wgrad_2(const ck_weight_grad_args *a) { wgrad_all(a, 2); }
CK_TARGET_AVX2 static void wgrad_any(const ck_weight_grad_args *a) { wgrad_all(a, 0); }

void ck_weight_grad_avx2(const ck_weight_grad_args *a) {
    const long cs = a->in_col_stride;
    if (cs == 1) wgrad_1(a); else if (cs == 2) wgrad_2(a); else wgrad_any(a);
}

#endif
