// AVX-512 element-wise loops (see include/CElementwise.h).
//
// Contraction into fused multiply-adds is off for this file: a fused a * b + c rounds once where
// the Swift loops round twice, and the two paths must agree bit for bit.
#pragma clang fp contract(off)

#include "CElementwise.h"
#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define CE_TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))

// e^x for |x| <= 87, sixteen lanes: the same steps and constants as Kernels' exp16.
CE_TARGET static inline __m512 exp16(__m512 x) {
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

// -x as Swift's prefix minus: the sign bit flipped (0 - x would turn -0 into +0).
CE_TARGET static inline __m512 negate(__m512 x) { return _mm512_xor_ps(x, _mm512_set1_ps(-0.0f)); }

static inline float sigmoid_scalar(float x) { return 1.0f / (1.0f + expf(-x)); }

CE_TARGET void ck_sigmoid_forward(const float *input, float *output, long count) {
    const __m512 low = _mm512_set1_ps(-80.0f), high = _mm512_set1_ps(80.0f), one = _mm512_set1_ps(1.0f);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m512 x = _mm512_loadu_ps(input + i);
        // Ordered comparisons: NaN is outside the range.
        const __mmask16 inside = _mm512_cmp_ps_mask(x, low, _CMP_GE_OQ) & _mm512_cmp_ps_mask(x, high, _CMP_LE_OQ);
        const __m512 y = _mm512_div_ps(one, _mm512_add_ps(one, exp16(negate(x))));
        _mm512_storeu_ps(output + i, y);
        if (inside != 0xFFFF) {
            // Groups of eight with a value outside the range take expf for all eight.
            for (int half = 0; half < 2; half++) {
                if (((inside >> (8 * half)) & 0xFF) == 0xFF) continue;
                for (long j = i + 8 * half; j < i + 8 * half + 8; j++) output[j] = sigmoid_scalar(input[j]);
            }
        }
    }
    if (i + 8 <= count) {
        const __m256 x = _mm256_loadu_ps(input + i);
        const __mmask8 inside = _mm256_cmp_ps_mask(x, _mm256_set1_ps(-80.0f), _CMP_GE_OQ)
            & _mm256_cmp_ps_mask(x, _mm256_set1_ps(80.0f), _CMP_LE_OQ);
        if (inside == 0xFF) {
            const __m512 wide = _mm512_insertf32x8(_mm512_setzero_ps(), x, 0);
            const __m512 y = _mm512_div_ps(one, _mm512_add_ps(one, exp16(negate(wide))));
            _mm256_storeu_ps(output + i, _mm512_castps512_ps256(y));
        } else {
            for (long j = i; j < i + 8; j++) output[j] = sigmoid_scalar(input[j]);
        }
        i += 8;
    }
    for (; i < count; i++) output[i] = sigmoid_scalar(input[i]);
}

#else
void ck_sigmoid_forward(const float *input, float *output, long count) {
    for (long i = 0; i < count; i++) output[i] = 1.0f / (1.0f + expf(-input[i]));
}
#endif
