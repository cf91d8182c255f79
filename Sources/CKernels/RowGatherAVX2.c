// ck_gather_rows and ck_interleave_column_pairs in AVX2 + FMA form (see include/CKernels.h and
// RowGather.c): 8 columns per register instead of 16, and fewer rows per block (16 registers).
// Each output value sums its pairs in the AVX-512 form's order, so the bits are the same.
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// CO output channels x RB rows x 8 columns; FULL: all 8 columns (plain loads and stores).
CK_TARGET_AVX2 CK_INLINE void rows_block(const ck_gather_rows_args *a, int row0, int col0, __m256i cm,
                                         const int CO, const int RB, const int FULL) {
    __m256 acc[8][8];
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        const __m256 b = a->bias ? _mm256_set1_ps(a->bias[c]) : _mm256_setzero_ps();
        CK_UNROLL
        for (int r = 0; r < RB; r++) acc[c][r] = b;
    }
    // The union of the block's rows' pair ranges: the extra pairs read only zero padding.
    int jb = 0, je = a->pairs;
    if (a->row_pairs) {
        jb = a->row_pairs[2 * row0]; je = a->row_pairs[2 * row0 + 1];
        for (int r = 1; r < RB; r++) {
            const int b = a->row_pairs[2 * (row0 + r)], e = a->row_pairs[2 * (row0 + r) + 1];
            if (e > b) { if (je <= jb) { jb = b; je = e; } else { jb = b < jb ? b : jb; je = e > je ? e : je; } }
        }
    }
    const float *base = a->input + row0 * a->in_row_stride + col0;
    const long rs = a->in_row_stride;
    const float *wp = a->weights + (long)jb * CO;
    for (int j = jb; j < je; j++, wp += CO) {
        const float *ip = base + a->pair_offsets[j];
        __m256 w[8];
        CK_UNROLL
        for (int c = 0; c < CO; c++) w[c] = _mm256_broadcast_ss(wp + c);
        CK_UNROLL
        for (int r = 0; r < RB; r++) {
            const __m256 x = FULL ? _mm256_loadu_ps(ip + r * rs) : _mm256_maskload_ps(ip + r * rs, cm);
            CK_UNROLL
            for (int c = 0; c < CO; c++) acc[c][r] = _mm256_fmadd_ps(x, w[c], acc[c][r]);
        }
    }
    float *out = a->output + row0 * a->out_row_stride + col0;
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        CK_UNROLL
        for (int r = 0; r < RB; r++) {
            float *o = out + c * a->out_plane + r * a->out_row_stride;
            if (FULL) _mm256_storeu_ps(o, acc[c][r]); else _mm256_maskstore_ps(o, cm, acc[c][r]);
        }
    }
}

// Rows per block for CO channels: CO * RB accumulators + CO weights + 1 input within 16 registers
// (5 to 8 channels spill a little; the drivers send those to the channel gather on AVX2).
#define RB_FOR(CO) ((CO) == 1 ? 8 : (CO) == 2 ? 6 : (CO) == 3 ? 4 : (CO) == 4 ? 3 : 1)

#define ROWS_TAIL(CO, FULL) switch (a->rows - row) { \
    case 1: rows_block(a, row, col, cm, CO, 1, FULL); break; case 2: rows_block(a, row, col, cm, CO, 2, FULL); break; \
    case 3: rows_block(a, row, col, cm, CO, 3, FULL); break; case 4: rows_block(a, row, col, cm, CO, 4, FULL); break; \
    case 5: rows_block(a, row, col, cm, CO, 5, FULL); break; case 6: rows_block(a, row, col, cm, CO, 6, FULL); break; \
    default: rows_block(a, row, col, cm, CO, 7, FULL); break; }

CK_TARGET_AVX2 CK_INLINE void rows_all(const ck_gather_rows_args *a, const int CO) {
    const int RB = RB_FOR(CO);
    for (int col = 0; col < a->cols; col += 8) {
        const __m256i cm = lanes8(a->cols - col);
        int row = 0;
        if (a->cols - col >= 8) {
            for (; row + RB <= a->rows; row += RB) rows_block(a, row, col, cm, CO, RB, 1);
            if (row < a->rows) { ROWS_TAIL(CO, 1) }
        } else {
            for (; row + RB <= a->rows; row += RB) rows_block(a, row, col, cm, CO, RB, 0);
            if (row < a->rows) { ROWS_TAIL(CO, 0) }
        }
    }
}

CK_TARGET_AVX2 static void rows_1(const ck_gather_rows_args *a) { rows_all(a, 1); }
CK_TARGET_AVX2 static void rows_2(const ck_gather_rows_args *a) { rows_all(a, 2); }
CK_TARGET_AVX2 static void rows_3(const ck_gather_rows_args *a) { rows_all(a, 3); }
CK_TARGET_AVX2 static void rows_4(const ck_gather_rows_args *a) { rows_all(a, 4); }
CK_TARGET_AVX2 static void rows_5(const ck_gather_rows_args *a) { rows_all(a, 5); }
CK_TARGET_AVX2 static void rows_6(const ck_gather_rows_args *a) { rows_all(a, 6); }
CK_TARGET_AVX2 static void rows_7(const ck_gather_rows_args *a) { rows_all(a, 7); }
CK_TARGET_AVX2 static void rows_8(const ck_gather_rows_args *a) { rows_all(a, 8); }

void ck_gather_rows_avx2(const ck_gather_rows_args *a) {
    switch (a->out_channels) {
        case 1: rows_1(a); break;
        case 2: rows_2(a); break;
        case 3: rows_3(a); break;
        case 4: rows_4(a); break;
        case 5: rows_5(a); break;
        case 6: rows_6(a); break;
        case 7: rows_7(a); break;
        case 8: rows_8(a); break;
        default: break;
    }
}

CK_TARGET_AVX2 void ck_interleave_column_pairs_avx2(const float *src, int channels, int stride_rows, int rows, int cols,
                                                    float *dst, int height, int width) {
    const long phase = (long)rows * cols;
    for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
            const int p = y % stride_rows, j = y / stride_rows;
            const float *even = src + (((long)c * stride_rows + p) * 2) * phase + (long)j * cols;
            const float *odd = even + phase;
            float *d = dst + ((long)c * height + y) * width;
            int x = 0;
            for (int i = 0; i + 8 <= cols && 2 * i + 16 <= width; i += 8, x += 16) {
                const __m256 e = _mm256_loadu_ps(even + i), o = _mm256_loadu_ps(odd + i);
                // unpack pairs within 128-bit lanes: e0 o0 e1 o1 | e4 o4 e5 o5 and e2 o2 e3 o3 | e6 o6 e7 o7
                const __m256 low = _mm256_unpacklo_ps(e, o), high = _mm256_unpackhi_ps(e, o);
                _mm256_storeu_ps(d + x, _mm256_permute2f128_ps(low, high, 0x20));
                _mm256_storeu_ps(d + x + 8, _mm256_permute2f128_ps(low, high, 0x31));
            }
            for (; x < width; x++) d[x] = (x & 1) ? odd[x >> 1] : even[x >> 1];
        }
    }
}

#endif
