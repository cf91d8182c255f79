// Shared by the C files of this target (not part of the public header): the target attributes
// of the AVX-512 and AVX2 functions, forced unrolling, lane masks and an 8 x 8 transpose. Each
// kernel is written once (a *Body.h file) and included once per form (Form*.h, FormEnd.h).
#ifndef CKERNELS_INTERNAL_H
#define CKERNELS_INTERNAL_H

#include "CKernels.h"

// The union of the pair ranges of rows [row0, row0 + rows) (all pairs without a table), as the row
// gathers take it: a block of rows runs over the union, and the extra pairs read only zero padding.
// One definition for every gather that skips the border's pairs (row_pairs: begin, end per row).
static inline void pair_range(const int *row_pairs, int pairs, int row0, int rows, int *jb, int *je) {
    *jb = 0; *je = pairs;
    if (!row_pairs) return;
    *jb = row_pairs[2 * row0]; *je = row_pairs[2 * row0 + 1];
    for (int r = 1; r < rows; r++) {
        const int b = row_pairs[2 * (row0 + r)], e = row_pairs[2 * (row0 + r) + 1];
        if (e > b) { if (*je <= *jb) { *jb = b; *je = e; } else { *jb = b < *jb ? b : *jb; *je = e > *je ? e : *je; } }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
#define CK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define CK_INLINE static inline __attribute__((always_inline))
// Register blocks only stay in registers when their loops are unrolled completely.
// CK_NO_UNROLL (the AddressSanitizer build, see Package.swift) keeps the loops: same arithmetic in
// the same order, but clang instruments it in seconds instead of most of an hour.
#ifdef CK_NO_UNROLL
#define CK_UNROLL
#else
#define CK_UNROLL _Pragma("clang loop unroll(full)")
#endif

CK_INLINE __mmask16 mask16(int n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }
CK_INLINE __mmask8 mask8(int n) { return n >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << n) - 1); }

// AVX2 has no mask registers: a lane takes part when its 32-bit integer is negative.
// lanes8(n): the first n lanes (n <= 0: none, n >= 8: all).
CK_TARGET_AVX2 CK_INLINE __m256i lanes8(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Rows of 8 floats become columns: r[i][j] <-> r[j][i]. (AVX only, so both forms inline it.)
CK_TARGET_AVX2 CK_INLINE void transpose8x8(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20); r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20); r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31); r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31); r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// totals[i] = ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)) for the lanes v of lanes[i], eight
// registers at a time through horizontal adds (AVX only, so both forms inline it).
CK_TARGET_AVX2 CK_INLINE void lane_tree8(const __m256 lanes[8], float totals[8]) {
    // hadd(u, v) = u0+u1, u2+u3, v0+v1, v2+v3 | u4+u5, u6+u7, v4+v5, v6+v7
    const __m256 h01 = _mm256_hadd_ps(lanes[0], lanes[1]), h23 = _mm256_hadd_ps(lanes[2], lanes[3]);
    const __m256 h45 = _mm256_hadd_ps(lanes[4], lanes[5]), h67 = _mm256_hadd_ps(lanes[6], lanes[7]);
    // lanes 0-3 of registers 0-3 | lanes 4-7 of registers 0-3, and the same for registers 4-7
    const __m256 q0 = _mm256_hadd_ps(h01, h23), q1 = _mm256_hadd_ps(h45, h67);
    _mm256_storeu_ps(totals, _mm256_add_ps(_mm256_permute2f128_ps(q0, q1, 0x20), _mm256_permute2f128_ps(q0, q1, 0x31)));
}

#endif
#endif
