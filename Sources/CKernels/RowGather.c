// ck_gather_rows and ck_interleave_column_pairs (see include/CKernels.h): a gather vectorised
// along rows, 8 output channels at a time (channel vectors would be mostly empty, or their
// transposes into planes cost more than a few pairs' FMAs), and the
// interleaving of a stride-2 transposed output's column phases. One body (RowGatherBody.h) in
// AVX-512 and AVX2 form: every output value sums its pairs in the same order in both (same bits).
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// AVX-512: 8 rows for up to 4 channels, 3 for 5 to 8 (CO * RB accumulators, RB inputs and a
// weight within 32 registers).
#include "FormAVX512.h"
#define ROWS_PER_BLOCK(CO) ((CO) <= 4 ? 8 : 3)
#include "RowGatherBody.h"
#include "FormEnd.h"

// AVX2: CO * RB accumulators + CO weights + 1 input within 16 registers (5 to 8 channels spill a
// little; the drivers send those to the channel gather on AVX2).
#include "FormAVX2.h"
#define ROWS_PER_BLOCK(CO) ((CO) == 1 ? 8 : (CO) == 2 ? 6 : (CO) == 3 ? 4 : (CO) == 4 ? 3 : 1)
#include "RowGatherBody.h"
#include "FormEnd.h"

void ck_gather_rows(const ck_gather_rows_args *a) {
    if (a->rows <= 0 || a->cols <= 0) return;
    if (a->isa == CK_ISA_AVX512) gather_rows_avx512(a); else gather_rows_avx2(a);
}

void ck_interleave_column_pairs(ck_isa isa, const float *src, int channels, int stride_rows, int rows, int cols,
                                float *dst, int height, int width) {
    if (isa == CK_ISA_AVX512) interleave_column_pairs_avx512(src, channels, stride_rows, rows, cols, dst, height, width);
    else interleave_column_pairs_avx2(src, channels, stride_rows, rows, cols, dst, height, width);
}

#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_gather_rows(const ck_gather_rows_args *a) { (void)a; }
void ck_interleave_column_pairs(ck_isa isa, const float *src, int channels, int stride_rows, int rows, int cols,
                                float *dst, int height, int width) {
    (void)isa; (void)src; (void)channels; (void)stride_rows; (void)rows; (void)cols; (void)dst; (void)height; (void)width;
}

#endif
