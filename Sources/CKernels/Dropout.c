// ck_dropout_mask (see include/CDropout.h): one body (DropoutBody.h) in AVX-512 and AVX2 form;
// the hash is exact integer arithmetic, so both forms (and Kernels' Swift loop) give the same mask.
#include "CDropout.h"
#include "CKernelsInternal.h"
#include <string.h>

#if defined(__x86_64__)

#include "FormAVX512.h"
#define D_INT __m512i
#define D_SET1(v) _mm512_set1_epi32((int)(v))
#define D_LANES() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define D_ADD(a, b) _mm512_add_epi32((a), (b))
#define D_MUL(a, b) _mm512_mullo_epi32((a), (b))
#define D_XOR(a, b) _mm512_xor_si512((a), (b))
#define D_SRL(a, n) _mm512_srli_epi32((a), (n))
#define D_STORE_KEPT(p, u, limit, bits) \
    _mm512_storeu_si512((p), _mm512_maskz_mov_epi32(_mm512_cmpge_epi32_mask((u), (limit)), (bits)))
#include "DropoutBody.h"
#include "FormEnd.h"

#include "FormAVX2.h"
#define D_INT __m256i
#define D_SET1(v) _mm256_set1_epi32((int)(v))
#define D_LANES() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define D_ADD(a, b) _mm256_add_epi32((a), (b))
#define D_MUL(a, b) _mm256_mullo_epi32((a), (b))
#define D_XOR(a, b) _mm256_xor_si256((a), (b))
#define D_SRL(a, n) _mm256_srli_epi32((a), (n))
// kept where u > threshold - 1, compared as signed integers (exact: u < 2^24, threshold - 1 >= -1)
#define D_STORE_KEPT(p, u, limit, bits) \
    _mm256_storeu_si256((__m256i *)(p), \
        _mm256_and_si256((bits), _mm256_cmpgt_epi32((u), _mm256_sub_epi32((limit), _mm256_set1_epi32(1)))))
#include "DropoutBody.h"
#include "FormEnd.h"

void ck_dropout_mask(ck_isa isa, float *mask, long count, unsigned threshold, float scale, unsigned long long key) {
    if (isa == CK_ISA_AVX512) dropout_mask_avx512(mask, count, threshold, scale, key);
    else dropout_mask_avx2(mask, count, threshold, scale, key);
}

#else  // not x86-64: Kernels' Swift loop runs instead (ck_direct_available() is 0)

void ck_dropout_mask(ck_isa isa, float *mask, long count, unsigned threshold, float scale, unsigned long long key) {
    (void)isa; (void)mask; (void)count; (void)threshold; (void)scale; (void)key;
}

#endif
