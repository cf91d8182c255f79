// ck_pooled_conv_backward (see include/CPooledConv.h): the backward pass of Conv2d -> ReLU ->
// MaxPool2d(2) from the pooling's winners. One body (PooledConvBody.h) in two forms, which give
// the same bits; the bias gradient is plain scalar sums, the same in both.
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// AVX-512: up to 16 accumulators (conv1 of the course CNN: 2 channels x 5 rows of 15 floats;
// conv2: 5 rows of 40 floats = 3 vectors).
#include "FormAVX512.h"
#define PC_LIMIT 16
#define PC_RV 4
#include "PooledConvBody.h"
#include "FormEnd.h"

// AVX2 (16 registers): up to 12 accumulators.
#include "FormAVX2.h"
#define PC_LIMIT 12
#define PC_RV 4
#include "PooledConvBody.h"
#include "FormEnd.h"

// bias_grad[c] += the sum over cells of the gated gradient: eight running sums (cells q, q + 8,
// ...), then added pairwise. AVX2 code, run by both forms: the same bits.
CK_TARGET_AVX2 static void pooled_bias_grad(const ck_pooled_conv_args *a) {
    const long cells = (long)a->pooled_rows * a->pooled_cols;
    const __m256 zero = _mm256_setzero_ps();
    for (int c = 0; c < a->channels; c++) {
        const float *g = a->grad + c * cells, *y = a->pooled + c * cells;
        __m256 sum = zero;
        long q = 0;
        for (; q + 8 <= cells; q += 8) {
            const __m256 positive = _mm256_cmp_ps(_mm256_loadu_ps(y + q), zero, _CMP_GT_OQ);
            sum = _mm256_add_ps(sum, _mm256_and_ps(positive, _mm256_loadu_ps(g + q)));
        }
        if (q < cells) {
            const __m256i m = lanes8((int)(cells - q));
            const __m256 positive = _mm256_cmp_ps(_mm256_maskload_ps(y + q, m), zero, _CMP_GT_OQ);
            sum = _mm256_add_ps(sum, _mm256_and_ps(positive, _mm256_maskload_ps(g + q, m)));
        }
        float s[8];
        _mm256_storeu_ps(s, sum);
        a->bias_grad[c] += ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    }
}

void ck_pooled_conv_backward(const ck_pooled_conv_args *a) {
    if (a->channels <= 0 || a->pooled_rows <= 0 || a->pooled_cols <= 0 || a->patch_rows <= 0 || a->patch_width <= 0) return;
    if (a->isa == CK_ISA_AVX512) pooled_conv_weight_grad_avx512(a); else pooled_conv_weight_grad_avx2(a);
    if (a->bias_grad) pooled_bias_grad(a);
    if (!a->input_grad) return;
    // Windows made of whole 8-float pixels (a multiple of 8 input channels): the AVX2 form's
    // vectors each hold one pixel, so every load of input_grad matches an earlier store exactly
    // (a load only partly covered by a recent 16-float store waits for it to reach the cache):
    // faster than the AVX-512 form there (course CNN's conv2, 32 images: 0.11 vs 0.12 ms), and
    // the same bits.
    const int pixels = a->out_col_step % 8 == 0 && a->patch_width % 8 == 0 && a->in_row_stride % 8 == 0;
    if (a->isa == CK_ISA_AVX512 && !pixels) pc_input_grad_avx512(a); else pc_input_grad_avx2(a);
}

#else  // not x86-64: the Swift drivers never call this (ck_direct_available() is 0)

void ck_pooled_conv_backward(const ck_pooled_conv_args *a) { (void)a; }

#endif
