// The vector sigmoid of Elementwise.c and TransposedPairs.c, in one place (internal header):
// y = 1 / (1 + e^-x), with e^x from Cephes' polynomial (the same steps and constants as Kernels'
// exp16) for groups of eight values that all lie in [-80, 80], and libm's expf for every value of
// any other group of eight (NaN fails both comparisons). The files that include it turn off the
// contraction into fused multiply-adds: the Swift loop rounds every multiply and add.
#ifndef CK_SIGMOID_VECTOR_H
#define CK_SIGMOID_VECTOR_H

#include "CKernelsInternal.h"
#include <math.h>

#if defined(__x86_64__)

CK_INLINE float ck_sigmoid_scalar(float x) { return 1.0f / (1.0f + expf(-x)); }

// e^x for |x| <= 87, sixteen lanes.
CK_TARGET CK_INLINE __m512 ck_exp16(__m512 x) {
    const __m512 shifter = _mm512_set1_ps(12582912.0f);
    const __m512 t = _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)), shifter);
    const __m512 n = _mm512_sub_ps(t, shifter);
    __m512 r = _mm512_sub_ps(x, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f)));
    r = _mm512_sub_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(-2.1219444e-4f)));
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.0000001201e-1f));
    const __m512 er = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), _mm512_set1_ps(1.0f));
    const __m512i bits = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_castps_si512(shifter));
    const __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(er, scale);
}

// The same in eight lanes (AVX2).
CK_TARGET_AVX2 CK_INLINE __m256 ck_exp8(__m256 x) {
    const __m256 shifter = _mm256_set1_ps(12582912.0f);
    const __m256 t = _mm256_add_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)), shifter);
    const __m256 n = _mm256_sub_ps(t, shifter);
    __m256 r = _mm256_sub_ps(x, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f)));
    r = _mm256_sub_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(-2.1219444e-4f)));
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
    const __m256 er = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), _mm256_set1_ps(1.0f));
    const __m256i bits = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_castps_si256(shifter));
    const __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(127)), 23));
    return _mm256_mul_ps(er, scale);
}

// Stores the sigmoid of sixteen values x (two groups of eight: x's lanes 0-7 and 8-15) at out.
CK_TARGET CK_INLINE void ck_sigmoid_store16(float *out, __m512 x) {
    const __mmask16 inside = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-80.0f), _CMP_GE_OQ)
        & _mm512_cmp_ps_mask(x, _mm512_set1_ps(80.0f), _CMP_LE_OQ);
    const __m512 one = _mm512_set1_ps(1.0f);
    // -x flips the sign bit, as Swift's prefix minus (0 - x would turn -0 into +0).
    const __m512 y = _mm512_div_ps(one, _mm512_add_ps(one, ck_exp16(_mm512_xor_ps(x, _mm512_set1_ps(-0.0f)))));
    _mm512_storeu_ps(out, y);
    if (inside != 0xFFFF) {
        float values[16];
        _mm512_storeu_ps(values, x);
        for (int half = 0; half < 2; half++) {
            if (((inside >> (8 * half)) & 0xFF) == 0xFF) continue;
            for (int j = 8 * half; j < 8 * half + 8; j++) out[j] = ck_sigmoid_scalar(values[j]);
        }
    }
}

// Stores the sigmoid of one group of eight values x at out.
CK_TARGET_AVX2 CK_INLINE void ck_sigmoid_store8(float *out, __m256 x) {
    const __m256 inside = _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-80.0f), _CMP_GE_OQ),
                                        _mm256_cmp_ps(x, _mm256_set1_ps(80.0f), _CMP_LE_OQ));
    if (_mm256_movemask_ps(inside) == 0xFF) {
        const __m256 one = _mm256_set1_ps(1.0f);
        _mm256_storeu_ps(out, _mm256_div_ps(one, _mm256_add_ps(one, ck_exp8(_mm256_xor_ps(x, _mm256_set1_ps(-0.0f))))));
    } else {
        float values[8];
        _mm256_storeu_ps(values, x);
        for (int j = 0; j < 8; j++) out[j] = ck_sigmoid_scalar(values[j]);
    }
}

#endif
#endif
