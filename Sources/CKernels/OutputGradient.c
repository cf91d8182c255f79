// ck_output_gradient (see include/COutputGradient.h): a transposed convolution's backward pass
// takes its output gradient image by image. Per image the activation's backward (and for the last
// layer of own network 3 and of the course autoencoder, ConvTranspose2d(16 or 8, 3, 4, 2, 1) +
// Sigmoid, the squared-error loss's gradient), the bias gradient's plane sums and the copy into the
// (split) padded buffer the weight and input gradients read were up to four passes, the loss's over
// the whole batch from memory; here they are one, reading y (and t) once while in cache.
//
// One form (AVX2 registers) serves both ISAs: the pass moves memory more than it computes, and
// one form gives AVX-512 and AVX2 the same bits. Contraction into fused multiply-adds is off: every
// multiply and add rounds, as in the passes it replaces.
#pragma clang fp contract(off)

#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// The even values of a, b (a0 a2 ... b0 b2 ...) and the odd ones (as LayoutBody.h's AVX2 deinterleave).
CK_TARGET_AVX2 CK_INLINE void og_deinterleave(__m256 a, __m256 b, __m256 *even, __m256 *odd) {
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
}

// ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)) of one float register.
CK_TARGET_AVX2 CK_INLINE float og_tree8(__m256 v) {
    float l[8];
    _mm256_storeu_ps(l, v);
    return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

// One plane of ck_output_gradient with the activation and the gradient's source known at compile
// time (ACT: ck_output_activation; LOSS: g from the target). Returns the plane's sum of dz.
CK_TARGET_AVX2 CK_INLINE float og_plane(const ck_output_gradient_args *a, int c, const int ACT, const int LOSS,
                                        __m256d *squares_low, __m256d *squares_high, double *squares_rest) {
    const int width = a->width, blocks = width / 8 * 8;
    const long plane = (long)a->height * width;
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps(), factor = _mm256_set1_ps(a->factor);
    // Where source columns 0, 2, 4, ... and 1, 3, 5, ... start in a split destination row.
    const long from_even = (a->left & 1) ? a->half + a->left / 2 : a->left / 2;
    const long from_odd = (a->left & 1) ? (a->left + 1) / 2 : a->half + a->left / 2;
    __m256 lanes = _mm256_setzero_ps();
    float rest = 0;
    for (int yy = 0; yy < a->height; yy++) {
        const long at = c * plane + (long)yy * width;
        const float *y = a->output ? a->output + at : NULL;
        const float *g = LOSS ? NULL : a->gradient + at;
        const float *t = LOSS ? a->target + at : NULL;
        float *d = a->dst ? a->dst + c * a->dst_plane + yy * a->dst_row_stride : NULL;
        // dz of the 8-column block at x (and its squared errors into the double lanes).
        #define OG_BLOCK(x, dz) do { \
            const __m256 yv = (ACT != CK_OUTPUT_NONE || LOSS) ? _mm256_loadu_ps(y + (x)) : zero; \
            __m256 gv; \
            if (LOSS) { \
                const __m256 e = _mm256_sub_ps(yv, _mm256_loadu_ps(t + (x))); \
                gv = _mm256_mul_ps(factor, e); \
                const __m256 sq = _mm256_mul_ps(e, e); \
                *squares_low = _mm256_add_pd(*squares_low, _mm256_cvtps_pd(_mm256_castps256_ps128(sq))); \
                *squares_high = _mm256_add_pd(*squares_high, _mm256_cvtps_pd(_mm256_extractf128_ps(sq, 1))); \
            } else { \
                gv = _mm256_loadu_ps(g + (x)); \
            } \
            if (ACT == CK_OUTPUT_SIGMOID) dz = _mm256_mul_ps(_mm256_mul_ps(gv, yv), _mm256_sub_ps(one, yv)); \
            else if (ACT == CK_OUTPUT_RELU) dz = _mm256_and_ps(_mm256_cmp_ps(yv, zero, _CMP_GT_OQ), gv); \
            else dz = gv; \
            lanes = _mm256_add_ps(lanes, dz); \
        } while (0)
        int x = 0;
        if (!d) {
            for (; x < blocks; x += 8) { __m256 dz; OG_BLOCK(x, dz); }
        } else if (a->half > 0) {
            for (; x + 16 <= blocks; x += 16) {
                __m256 dz0, dz1, even, odd;
                OG_BLOCK(x, dz0);
                OG_BLOCK(x + 8, dz1);
                og_deinterleave(dz0, dz1, &even, &odd);
                _mm256_storeu_ps(d + from_even + x / 2, even);
                _mm256_storeu_ps(d + from_odd + x / 2, odd);
            }
            for (; x < blocks; x += 8) {
                __m256 dz;
                float values[8];
                OG_BLOCK(x, dz);
                _mm256_storeu_ps(values, dz);
                for (int j = 0; j < 8; j++) {
                    const int px = x + j + a->left;
                    d[((px & 1) ? a->half : 0) + px / 2] = values[j];
                }
            }
        } else {
            for (; x < blocks; x += 8) {
                __m256 dz;
                OG_BLOCK(x, dz);
                _mm256_storeu_ps(d + a->left + x, dz);
            }
        }
        #undef OG_BLOCK
        for (; x < width; x++) {
            float gx;
            if (LOSS) {
                const float e = y[x] - t[x];
                gx = a->factor * e;
                *squares_rest += (double)(e * e);
            } else {
                gx = g[x];
            }
            const float dz = ACT == CK_OUTPUT_SIGMOID ? (gx * y[x]) * (1.0f - y[x])
                           : ACT == CK_OUTPUT_RELU ? (y[x] > 0 ? gx : 0.0f) : gx;
            rest += dz;
            if (d) {
                const int px = x + a->left;
                d[a->half > 0 ? ((px & 1) ? a->half : 0) + px / 2 : px] = dz;
            }
        }
    }
    return og_tree8(lanes) + rest;
}

CK_TARGET_AVX2 double ck_output_gradient(const ck_output_gradient_args *a) {
    __m256d squares_low = _mm256_setzero_pd(), squares_high = _mm256_setzero_pd();
    double squares_rest = 0;
    const int loss = a->target != NULL;
    for (int c = 0; c < a->channels; c++) {
        float sum;
        #define OG_CASE(ACT, LOSS) og_plane(a, c, ACT, LOSS, &squares_low, &squares_high, &squares_rest)
        switch (a->activation) {
            case CK_OUTPUT_SIGMOID: sum = loss ? OG_CASE(CK_OUTPUT_SIGMOID, 1) : OG_CASE(CK_OUTPUT_SIGMOID, 0); break;
            case CK_OUTPUT_RELU: sum = loss ? OG_CASE(CK_OUTPUT_RELU, 1) : OG_CASE(CK_OUTPUT_RELU, 0); break;
            case CK_OUTPUT_NONE: default: sum = loss ? OG_CASE(CK_OUTPUT_NONE, 1) : OG_CASE(CK_OUTPUT_NONE, 0); break;
        }
        #undef OG_CASE
        a->sums[c] += sum;
    }
    if (!loss) return 0;
    double l[8];
    _mm256_storeu_pd(l, squares_low);
    _mm256_storeu_pd(l + 4, squares_high);
    return (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) + squares_rest;
}

#else  // not x86-64: the same steps in scalar C (the Swift drivers run the direct plans on x86-64 only)

double ck_output_gradient(const ck_output_gradient_args *a) {
    const int width = a->width, blocks = width / 8 * 8;
    const long plane = (long)a->height * width;
    const int loss = a->target != NULL;
    double squares[8] = {0}, squares_rest = 0;
    for (int c = 0; c < a->channels; c++) {
        float lanes[8] = {0}, rest = 0;
        for (int yy = 0; yy < a->height; yy++) {
            const long at = c * plane + (long)yy * width;
            float *d = a->dst ? a->dst + c * a->dst_plane + yy * a->dst_row_stride : 0;
            for (int x = 0; x < width; x++) {
                const float y = a->output ? a->output[at + x] : 0.0f;
                float g;
                if (loss) {
                    const float e = y - a->target[at + x];
                    g = a->factor * e;
                    if (x < blocks) squares[x % 8] += (double)(e * e); else squares_rest += (double)(e * e);
                } else {
                    g = a->gradient[at + x];
                }
                const float dz = a->activation == CK_OUTPUT_SIGMOID ? (g * y) * (1.0f - y)
                               : a->activation == CK_OUTPUT_RELU ? (y > 0 ? g : 0.0f) : g;
                if (x < blocks) lanes[x % 8] += dz; else rest += dz;
                if (d) {
                    const int px = x + a->left;
                    d[a->half > 0 ? ((px & 1) ? a->half : 0) + px / 2 : px] = dz;
                }
            }
        }
        a->sums[c] += (((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))) + rest;
    }
    if (!loss) return 0;
    return (((squares[0] + squares[1]) + (squares[2] + squares[3])) + ((squares[4] + squares[5]) + (squares[6] + squares[7])))
        + squares_rest;
}

#endif
