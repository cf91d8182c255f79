// ck_gather_rows and ck_interleave_column_pairs (see include/CKernels.h): a gather for outputs
// with 1 to 4 channels, vectorised along rows (channel vectors would be mostly empty), and the
// interleaving of a stride-2 transposed output's column phases.
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// Row gather: CO output channels x RB rows x 16 columns per register block (RB = 8 for up to 4
// channels, 3 for 5 to 8: CO * RB accumulators, RB inputs and a weight within 32 registers).

CK_TARGET CK_INLINE void rows_block(const ck_gather_rows_args *a, int row0, int col0, __mmask16 cm,
                                    const int CO, const int RB) {
    __m512 acc[8][8];
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        const __m512 b = a->bias ? _mm512_set1_ps(a->bias[c]) : _mm512_setzero_ps();
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
        __m512 x[8];
        CK_UNROLL
        for (int r = 0; r < RB; r++) x[r] = _mm512_maskz_loadu_ps(cm, ip + r * rs);
        CK_UNROLL
        for (int c = 0; c < CO; c++) {
            const __m512 w = _mm512_set1_ps(wp[c]);
            CK_UNROLL
            for (int r = 0; r < RB; r++) acc[c][r] = _mm512_fmadd_ps(x[r], w, acc[c][r]);
        }
    }
    float *out = a->output + row0 * a->out_row_stride + col0;
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        CK_UNROLL
        for (int r = 0; r < RB; r++) _mm512_mask_storeu_ps(out + c * a->out_plane + r * a->out_row_stride, cm, acc[c][r]);
    }
}

#define ROWS_TAIL_3(CO) switch (a->rows - row) { \
    case 1: rows_block(a, row, col, cm, CO, 1); break; default: rows_block(a, row, col, cm, CO, 2); break; }
#define ROWS_TAIL_8(CO) switch (a->rows - row) { \
    case 1: rows_block(a, row, col, cm, CO, 1); break; case 2: rows_block(a, row, col, cm, CO, 2); break; \
    case 3: rows_block(a, row, col, cm, CO, 3); break; case 4: rows_block(a, row, col, cm, CO, 4); break; \
    case 5: rows_block(a, row, col, cm, CO, 5); break; case 6: rows_block(a, row, col, cm, CO, 6); break; \
    default: rows_block(a, row, col, cm, CO, 7); break; }

CK_TARGET CK_INLINE void rows_all(const ck_gather_rows_args *a, const int CO) {
    for (int col = 0; col < a->cols; col += 16) {
        const __mmask16 cm = mask16(a->cols - col);
        int row = 0;
        if (CO <= 4) {
            for (; row + 8 <= a->rows; row += 8) rows_block(a, row, col, cm, CO, 8);
            if (row < a->rows) { ROWS_TAIL_8(CO) }
        } else {
            for (; row + 3 <= a->rows; row += 3) rows_block(a, row, col, cm, CO, 3);
            if (row < a->rows) { ROWS_TAIL_3(CO) }
        }
    }
}

CK_TARGET static void rows_1(const ck_gather_rows_args *a) { rows_all(a, 1); }
CK_TARGET static void rows_2(const ck_gather_rows_args *a) { rows_all(a, 2); }
CK_TARGET static void rows_3(const ck_gather_rows_args *a) { rows_all(a, 3); }
CK_TARGET static void rows_4(const ck_gather_rows_args *a) { rows_all(a, 4); }
CK_TARGET static void rows_5(const ck_gather_rows_args *a) { rows_all(a, 5); }
CK_TARGET static void rows_6(const ck_gather_rows_args *a) { rows_all(a, 6); }
CK_TARGET static void rows_7(const ck_gather_rows_args *a) { rows_all(a, 7); }
CK_TARGET static void rows_8(const ck_gather_rows_args *a) { rows_all(a, 8); }

void ck_gather_rows(const ck_gather_rows_args *a) {
    if (a->rows <= 0 || a->cols <= 0) return;
    if (a->isa != CK_ISA_AVX512) { ck_gather_rows_avx2(a); return; }
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

CK_TARGET static void interleave_column_pairs_512(const float *src, int channels, int stride_rows, int rows, int cols,
                                                  float *dst, int height, int width) {
    const long phase = (long)rows * cols;
    const __m512i low = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    const __m512i high = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
    for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
            const int p = y % stride_rows, j = y / stride_rows;
            const float *even = src + (((long)c * stride_rows + p) * 2) * phase + (long)j * cols;
            const float *odd = even + phase;
            float *d = dst + ((long)c * height + y) * width;
            int x = 0;
            for (int i = 0; i + 16 <= cols && 2 * i + 32 <= width; i += 16, x += 32) {
                const __m512 e = _mm512_loadu_ps(even + i), o = _mm512_loadu_ps(odd + i);
                _mm512_storeu_ps(d + x, _mm512_permutex2var_ps(e, low, o));
                _mm512_storeu_ps(d + x + 16, _mm512_permutex2var_ps(e, high, o));
            }
            for (; x < width; x++) d[x] = (x & 1) ? odd[x >> 1] : even[x >> 1];
        }
    }
}


void ck_interleave_column_pairs(ck_isa isa, const float *src, int channels, int stride_rows, int rows, int cols,
                                float *dst, int height, int width) {
    if (isa == CK_ISA_AVX512) interleave_column_pairs_512(src, channels, stride_rows, rows, cols, dst, height, width);
    else ck_interleave_column_pairs_avx2(src, channels, stride_rows, rows, cols, dst, height, width);
}


#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_gather_rows(const ck_gather_rows_args *a) { (void)a; }
void ck_interleave_column_pairs(ck_isa isa, const float *src, int channels, int stride_rows, int rows, int cols,
                                float *dst, int height, int width) {
    (void)isa; (void)src; (void)channels; (void)stride_rows; (void)rows; (void)cols; (void)dst; (void)height; (void)width;
}

#endif
