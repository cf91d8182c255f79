// Element-wise loops in AVX-512 (and for the sigmoid, AVX2) form (see include/CElementwise.h).
//
// Contraction into fused multiply-adds is off for this file: a fused a * b + c rounds once where
// the Swift loops round twice, and the two paths must agree bit for bit.
#pragma clang fp contract(off)

#include "CKernels.h"
#include "SigmoidVector.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CE_TARGET CK_TARGET
#define CE_TARGET_AVX2 CK_TARGET_AVX2

// Groups of eight from input[0]: each all in range (the vector exponential) or all through expf
// (SigmoidVector.h); sixteen values per step, the last group of eight in a ymm, then single values.
CE_TARGET static void sigmoid_forward_avx512(const float *input, float *output, long count) {
    long i = 0;
    for (; i + 16 <= count; i += 16) ck_sigmoid_store16(output + i, _mm512_loadu_ps(input + i));
    if (i + 8 <= count) { ck_sigmoid_store8(output + i, _mm256_loadu_ps(input + i)); i += 8; }
    for (; i < count; i++) output[i] = ck_sigmoid_scalar(input[i]);
}

// The AVX2 form: the same groups, eight lanes to a register.
CE_TARGET_AVX2 static void sigmoid_forward_avx2(const float *input, float *output, long count) {
    long i = 0;
    for (; i + 8 <= count; i += 8) ck_sigmoid_store8(output + i, _mm256_loadu_ps(input + i));
    for (; i < count; i++) output[i] = ck_sigmoid_scalar(input[i]);
}

void ck_sigmoid_forward(ck_isa isa, const float *input, float *output, long count) {
    if (isa == CK_ISA_AVX512) sigmoid_forward_avx512(input, output, count);
    else sigmoid_forward_avx2(input, output, count);
}

CE_TARGET static void sigmoid_backward_avx512(const float *output, const float *grad_output, float *grad_input, long count) {
    const __m512 one = _mm512_set1_ps(1.0f);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m512 y = _mm512_loadu_ps(output + i);
        _mm512_storeu_ps(grad_input + i,
                         _mm512_mul_ps(_mm512_mul_ps(_mm512_loadu_ps(grad_output + i), y), _mm512_sub_ps(one, y)));
    }
    for (; i < count; i++) grad_input[i] = grad_output[i] * output[i] * (1.0f - output[i]);
}

CE_TARGET_AVX2 static void sigmoid_backward_avx2(const float *output, const float *grad_output, float *grad_input, long count) {
    const __m256 one = _mm256_set1_ps(1.0f);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 y = _mm256_loadu_ps(output + i);
        _mm256_storeu_ps(grad_input + i,
                         _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(grad_output + i), y), _mm256_sub_ps(one, y)));
    }
    for (; i < count; i++) grad_input[i] = grad_output[i] * output[i] * (1.0f - output[i]);
}

void ck_sigmoid_backward(ck_isa isa, const float *output, const float *grad_output, float *grad_input, long count) {
    if (isa == CK_ISA_AVX512) sigmoid_backward_avx512(output, grad_output, grad_input, count);
    else sigmoid_backward_avx2(output, grad_output, grad_input, count);
}

// Sixteen windows of one output row: top and bottom input rows, 2 * n values each (n <= 16).
CE_TARGET static inline void pool_block(const float *top, const float *bottom, int w, int n, int base,
                                        int relu, float *out, int *arg) {
    const __mmask16 first = (__mmask16)(2 * n >= 16 ? 0xFFFF : (1u << (2 * n)) - 1);
    const __mmask16 second = (__mmask16)(2 * n <= 16 ? 0 : (2 * n >= 32 ? 0xFFFF : (1u << (2 * n - 16)) - 1));
    const __mmask16 outputs = (__mmask16)(n >= 16 ? 0xFFFF : (1u << n) - 1);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    const __m512 t0 = _mm512_maskz_loadu_ps(first, top), t1 = _mm512_maskz_loadu_ps(second, top + 16);
    const __m512 b0 = _mm512_maskz_loadu_ps(first, bottom), b1 = _mm512_maskz_loadu_ps(second, bottom + 16);
    __m512 taps[4] = {
        _mm512_permutex2var_ps(t0, even, t1), _mm512_permutex2var_ps(t0, odd, t1),
        _mm512_permutex2var_ps(b0, even, b1), _mm512_permutex2var_ps(b0, odd, b1),
    };
    if (relu) {
        for (int k = 0; k < 4; k++) {
            taps[k] = _mm512_mask_mov_ps(taps[k], _mm512_cmp_ps_mask(taps[k], _mm512_setzero_ps(), _CMP_LT_OQ),
                                         _mm512_setzero_ps());
        }
    }
    const __m512i first_index = _mm512_add_epi32(_mm512_set1_epi32(base), _mm512_slli_epi32(
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), 1));
    const int offsets[4] = {0, 1, w, w + 1};
    __m512 best = taps[0];
    __m512i index = first_index;
    for (int k = 1; k < 4; k++) {
        const __mmask16 wins = _mm512_cmp_ps_mask(taps[k], best, _CMP_GT_OQ)
            | _mm512_cmp_ps_mask(taps[k], taps[k], _CMP_UNORD_Q);
        best = _mm512_mask_mov_ps(best, wins, taps[k]);
        index = _mm512_mask_mov_epi32(index, wins, _mm512_add_epi32(first_index, _mm512_set1_epi32(offsets[k])));
    }
    _mm512_mask_storeu_ps(out, outputs, best);
    _mm512_mask_storeu_epi32(arg, outputs, index);
}

CE_TARGET void ck_max_pool_2x2(const float *input, float *output, int *argmax, long plane_begin, long plane_end,
                               int h, int w, int oh, int ow, int relu) {
    for (long plane = plane_begin; plane < plane_end; plane++) {
        const float *src = input + plane * h * w;
        const int plane_start = (int)(plane * h * w);
        for (int oy = 0; oy < oh; oy++) {
            const float *top = src + 2 * oy * w, *bottom = top + w;
            float *out = output + (plane * oh + oy) * ow;
            int *arg = argmax + (plane * oh + oy) * ow;
            for (int ox = 0; ox < ow; ox += 16) {
                const int n = ow - ox < 16 ? ow - ox : 16;
                pool_block(top + 2 * ox, bottom + 2 * ox, w, n, plane_start + 2 * oy * w + 2 * ox, relu, out + ox, arg + ox);
            }
        }
    }
}

CE_TARGET void ck_max_pool_2x2_backward(const float *grad_output, const int *argmax, const float *pooled_output,
                                        float *grad_input, long plane_begin, long plane_end, int oh, int ow) {
    const int w = 2 * ow;
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    // Interleave two vectors a, b as a0 b0 a1 b1 ...: first the low eight pairs, then the high.
    const __m512i low_pairs = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high_pairs = _mm512_add_epi32(low_pairs, _mm512_set1_epi32(8));
    const __m512 zero = _mm512_setzero_ps();
    for (long plane = plane_begin; plane < plane_end; plane++) {
        for (int oy = 0; oy < oh; oy++) {
            const long row = (plane * oh + oy) * ow;
            const int top_start = (int)(plane * 4 * oh * ow) + 2 * oy * w;
            float *top = grad_input + top_start, *bottom = top + w;
            for (int ox = 0; ox < ow; ox += 16) {
                const int n = ow - ox < 16 ? ow - ox : 16;
                const __mmask16 windows = (__mmask16)(n >= 16 ? 0xFFFF : (1u << n) - 1);
                __m512 dy = _mm512_maskz_loadu_ps(windows, grad_output + row + ox);
                if (pooled_output) {
                    const __m512 y = _mm512_maskz_loadu_ps(windows, pooled_output + row + ox);
                    dy = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(y, zero, _CMP_GT_OQ), dy);
                }
                dy = _mm512_add_ps(zero, dy);   // as the scatter into a cleared buffer: -0 becomes +0
                const __m512i first = _mm512_add_epi32(_mm512_set1_epi32(top_start + 2 * ox), _mm512_slli_epi32(lanes, 1));
                const __m512i offset = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(windows, argmax + row + ox), first);
                const __m512 top_even = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(offset, _mm512_setzero_si512()), dy);
                const __m512 top_odd = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(offset, _mm512_set1_epi32(1)), dy);
                const __m512 bottom_even = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(offset, _mm512_set1_epi32(w)), dy);
                const __m512 bottom_odd = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(offset, _mm512_set1_epi32(w + 1)), dy);
                const __mmask16 first_half = (__mmask16)(2 * n >= 16 ? 0xFFFF : (1u << (2 * n)) - 1);
                const __mmask16 second_half = (__mmask16)(2 * n <= 16 ? 0 : (2 * n >= 32 ? 0xFFFF : (1u << (2 * n - 16)) - 1));
                _mm512_mask_storeu_ps(top + 2 * ox, first_half, _mm512_permutex2var_ps(top_even, low_pairs, top_odd));
                _mm512_mask_storeu_ps(top + 2 * ox + 16, second_half, _mm512_permutex2var_ps(top_even, high_pairs, top_odd));
                _mm512_mask_storeu_ps(bottom + 2 * ox, first_half, _mm512_permutex2var_ps(bottom_even, low_pairs, bottom_odd));
                _mm512_mask_storeu_ps(bottom + 2 * ox + 16, second_half,
                                      _mm512_permutex2var_ps(bottom_even, high_pairs, bottom_odd));
            }
        }
    }
}

CE_TARGET static void scale_bytes_to_unit_avx512(const unsigned char *bytes, float *output, long count) {
    const __m512 divisor = _mm512_set1_ps(255.0f);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m512i wide = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(bytes + i)));
        _mm512_storeu_ps(output + i, _mm512_div_ps(_mm512_cvtepi32_ps(wide), divisor));
    }
    for (; i < count; i++) output[i] = (float)bytes[i] / 255.0f;
}

// The batch's pixels on the AVX2 path (the Swift loop compiles to SSE there: four divisions at a time).
CE_TARGET_AVX2 static void scale_bytes_to_unit_avx2(const unsigned char *bytes, float *output, long count) {
    const __m256 divisor = _mm256_set1_ps(255.0f);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256i wide = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(bytes + i)));
        _mm256_storeu_ps(output + i, _mm256_div_ps(_mm256_cvtepi32_ps(wide), divisor));
    }
    for (; i < count; i++) output[i] = (float)bytes[i] / 255.0f;
}

void ck_scale_bytes_to_unit(ck_isa isa, const unsigned char *bytes, float *output, long count) {
    if (isa == CK_ISA_AVX512) scale_bytes_to_unit_avx512(bytes, output, count);
    else scale_bytes_to_unit_avx2(bytes, output, count);
}

#else
void ck_sigmoid_forward(ck_isa isa, const float *input, float *output, long count) {
    (void)isa; (void)input; (void)output; (void)count;   // never called: ck_best_isa() is CK_ISA_NONE here
}

void ck_sigmoid_backward(ck_isa isa, const float *output, const float *grad_output, float *grad_input, long count) {
    (void)isa; (void)output; (void)grad_output; (void)grad_input; (void)count;   // never called, as above
}

void ck_max_pool_2x2(const float *input, float *output, int *argmax, long plane_begin, long plane_end,
                     int h, int w, int oh, int ow, int relu) {
    (void)input; (void)output; (void)argmax; (void)plane_begin; (void)plane_end;
    (void)h; (void)w; (void)oh; (void)ow; (void)relu;   // never called: ck_direct_available() is 0 here
}

void ck_scale_bytes_to_unit(ck_isa isa, const unsigned char *bytes, float *output, long count) {
    (void)isa;
    for (long i = 0; i < count; i++) output[i] = (float)bytes[i] / 255.0f;
}

void ck_max_pool_2x2_backward(const float *grad_output, const int *argmax, const float *pooled_output,
                              float *grad_input, long plane_begin, long plane_end, int oh, int ow) {
    (void)grad_output; (void)argmax; (void)pooled_output; (void)grad_input;
    (void)plane_begin; (void)plane_end; (void)oh; (void)ow;   // never called, as above
}
#endif
