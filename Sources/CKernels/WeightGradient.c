// ck_weight_grad (see include/CKernels.h): a convolution's weight gradient, a block of weight
// entries held in registers while every position of an image passes. One body
// (WeightGradientBody.h) in three forms, which give the same bits.
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// Rows of positions whose sums share a register before they are added to the result: about 32
// positions.
CK_INLINE int flush_rows(int cols) { return cols >= 32 ? 1 : 32 / cols; }

// Rows [*first, *last) of the grid, outside which none of entries [j0, j1) is in the row's
// range of row_pairs (they read only the zero border there): all rows without row_pairs.
CK_INLINE void entry_rows(const ck_weight_grad_args *a, int j0, int j1, int *first, int *last) {
    int lo = 0, hi = a->rows;
    if (a->row_pairs) {
        const int *rp = a->row_pairs;
        while (lo < hi && (rp[2 * lo] >= j1 || rp[2 * lo + 1] <= j0)) lo++;
        while (hi > lo && (rp[2 * (hi - 1)] >= j1 || rp[2 * (hi - 1) + 1] <= j0)) hi--;
    }
    *first = lo;
    *last = hi;
}

// Columns [*first, *end) of the grid: the union of entries [j0, j1)'s ranges in pair_cols (all
// columns without it).
CK_INLINE void entry_cols(const ck_weight_grad_args *a, int j0, int j1, int *first, int *end) {
    int lo = 0, hi = a->cols;
    if (a->pair_cols) {
        lo = a->cols; hi = 0;
        for (int j = j0; j < j1; j++) {
            if (a->pair_cols[2 * j] < lo) lo = a->pair_cols[2 * j];
            if (a->pair_cols[2 * j + 1] > hi) hi = a->pair_cols[2 * j + 1];
        }
        if (hi < lo) hi = lo;
    }
    *first = lo;
    *end = hi;
}

// AVX-512, 9 or more channels: 24 entries x 16 channels or 12 x 32, four positions per pass;
// up to 8 channels over adjacent columns (WeightGradientBody.h, wgrad_pairs): 12 entries x 16 lanes
// (8 channels x 2 positions), two position pairs per pass.
#include "FormAVX512.h"
#define WGRAD_ONE 24
#define WGRAD_TWO 12
#define WGRAD_Q_ONE 4
#define WGRAD_Q_TWO 4
#define WGRAD_PAIRS 12
#define WP_Q 2
#include "WeightGradientBody.h"
#include "FormEnd.h"

// AVX-512, up to 8 channels: 24 entries x 8 channels (ymm); with adjacent columns, an even number
// of them, the paired form above (8 channels x 2 positions per zmm) instead.
#include "FormAVX512Narrow.h"
#define WGRAD_ONE 24
#define WGRAD_TWO 12
#define WGRAD_Q_ONE 4
#define WGRAD_Q_TWO 4
#define WGRAD_PAIRS 0
#define WP_Q 1
#include "WeightGradientBody.h"
#include "FormEnd.h"

// AVX2 (16 registers): 12 entries x 8 channels or 6 x 16, wider gradients 16 channels at a time;
// the paired form 6 entries x 2 ymm (even, odd positions).
#include "FormAVX2.h"
#define WGRAD_ONE 12
#define WGRAD_TWO 6
#define WGRAD_Q_ONE 2
#define WGRAD_Q_TWO 1
#define WGRAD_PAIRS 6
#define WP_Q 1
#include "WeightGradientBody.h"
#include "FormEnd.h"

void ck_weight_grad(const ck_weight_grad_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->pairs <= 0 || a->vec_channels <= 0) return;
    // Up to 8 channels over adjacent columns, an even number of them: two positions per FMA (the
    // same operations in both forms, so the same bits).
    if (a->vec_channels <= 8 && a->in_col_stride == 1 && a->cols % 2 == 0) {
        if (a->isa == CK_ISA_AVX512) wgrad_pairs_avx512(a); else wgrad_pairs_avx2(a);
    }
    else if (a->isa != CK_ISA_AVX512) weight_grad_avx2(a);
    else if (a->vec_channels <= 8) weight_grad_avx512_narrow(a);
    else weight_grad_avx512(a);
}


#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_weight_grad(const ck_weight_grad_args *a) { (void)a; }

#endif
