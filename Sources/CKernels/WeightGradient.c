// ck_weight_grad (see include/CKernels.h): a convolution's weight gradient, a block of weight
// entries held in registers while every position of an image passes. One body
// (WeightGradientBody.h) in three forms, which give the same bits.
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// Rows of positions whose sums share a register before they are added to the result: about 32
// positions.
CK_INLINE int flush_rows(int cols) { return cols >= 32 ? 1 : 32 / cols; }

// AVX-512, 9 or more channels: 24 entries x 16 channels or 12 x 32, four positions per pass.
#include "FormAVX512.h"
#define WGRAD_ONE 24
#define WGRAD_TWO 12
#define WGRAD_Q_ONE 4
#define WGRAD_Q_TWO 4
#include "WeightGradientBody.h"
#include "FormEnd.h"

// AVX-512, up to 8 channels: 24 entries x 8 channels (ymm).
#include "FormAVX512Narrow.h"
#define WGRAD_ONE 24
#define WGRAD_TWO 12
#define WGRAD_Q_ONE 4
#define WGRAD_Q_TWO 4
#include "WeightGradientBody.h"
#include "FormEnd.h"

// AVX2 (16 registers): 12 entries x 8 channels or 6 x 16, wider gradients 16 channels at a time.
#include "FormAVX2.h"
#define WGRAD_ONE 12
#define WGRAD_TWO 6
#define WGRAD_Q_ONE 2
#define WGRAD_Q_TWO 1
#include "WeightGradientBody.h"
#include "FormEnd.h"

void ck_weight_grad(const ck_weight_grad_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->pairs <= 0 || a->vec_channels <= 0) return;
    if (a->isa != CK_ISA_AVX512) weight_grad_avx2(a);
    else if (a->vec_channels <= 8) weight_grad_avx512_narrow(a);
    else weight_grad_avx512(a);
}


#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_weight_grad(const ck_weight_grad_args *a) { (void)a; }

#endif
