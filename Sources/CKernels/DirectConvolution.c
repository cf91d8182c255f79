// AVX-512 loops behind ck_gather and ck_weight_grad (see include/CKernels.h).
//
// Each function carries its own target attribute, so the file builds for any x86-64 CPU and the
// AVX-512 code only runs after ck_direct_available() said yes. Register blocking: a block of
// output positions (gather) or of weight entries (weight gradient) keeps its accumulators in
// registers for the whole reduction; the block sizes are compile-time constants (a switch picks
// one), so the compiler unrolls them into registers.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
#define CK_INLINE static inline __attribute__((always_inline))
// Register blocks only stay in registers when their loops are unrolled completely.
#define CK_UNROLL _Pragma("clang loop unroll(full)")

int ck_direct_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
}

static inline __mmask16 mask16(int n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }
static inline __mmask8 mask8(int n) { return n >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << n) - 1); }

// ---------------------------------------------------------------------------------------------
// Gather: up to 24 positions x 16 output channels or 12 x 32 (zmm), or 16 positions x 8 (ymm).
// CS is the input column stride when known at compile time (1 or 2: the stride of the
// convolution on NCHW planes), so each position's read is a constant displacement; 0 = any.

CK_TARGET CK_INLINE void transpose8x8(__m256 r[8]) {
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

// Stores R positions' vectors of m channels (m <= 8) as m planes: out[c * plane + r].
CK_TARGET CK_INLINE void store_planar(const __m256 *positions, const int R, int m, float *out, long plane) {
    CK_UNROLL
    for (int g = 0; g < R; g += 8) {
        __m256 t[8];
        CK_UNROLL
        for (int i = 0; i < 8; i++) t[i] = g + i < R ? positions[g + i] : _mm256_setzero_ps();
        transpose8x8(t);
        const __mmask8 kept = mask8(R - g);
        for (int c = 0; c < m; c++) _mm256_mask_storeu_ps(out + c * plane + g, kept, t[c]);
    }
}

CK_TARGET CK_INLINE void gather_block16(const ck_gather_args *a, const float *in, float *out, int co0, int jb, int je,
                                        const int V, __mmask16 m0, __mmask16 m1, const int R, const long CS) {
    __m512 acc0[24], acc1[24];
    __m512 b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps();
    if (a->bias) {
        b0 = _mm512_maskz_loadu_ps(m0, a->bias + co0);
        if (V > 1) b1 = _mm512_maskz_loadu_ps(m1, a->bias + co0 + 16);
    }
    CK_UNROLL
    for (int r = 0; r < R; r++) { acc0[r] = b0; acc1[r] = b1; }
    const long cs = CS > 0 ? CS : a->in_col_stride;
    const int outs = a->out_channels;
    const float *wp = a->weights + (long)jb * outs + co0;
    for (int j = jb; j < je; j++, wp += outs) {
        const float *ip = in + a->pair_offsets[j];
        __m512 w0 = _mm512_maskz_loadu_ps(m0, wp);
        __m512 w1 = _mm512_setzero_ps();
        if (V > 1) w1 = _mm512_maskz_loadu_ps(m1, wp + 16);
        CK_UNROLL
        for (int r = 0; r < R; r++) {
            __m512 x = _mm512_set1_ps(ip[r * cs]);
            acc0[r] = _mm512_fmadd_ps(x, w0, acc0[r]);
            if (V > 1) acc1[r] = _mm512_fmadd_ps(x, w1, acc1[r]);
        }
    }
    if (a->out_plane) {
        // Planar output: 8 channels x 8 positions at a time through a register transpose.
        for (int h = 0; h < 2 * V; h++) {
            const int m = a->out_channels - co0 - 8 * h < 8 ? a->out_channels - co0 - 8 * h : 8;
            if (m <= 0) break;
            __m256 half[24];
            CK_UNROLL
            for (int r = 0; r < R; r++) {
                const __m512 v = h < 2 ? acc0[r] : acc1[r];
                half[r] = (h & 1) ? _mm512_extractf32x8_ps(v, 1) : _mm512_castps512_ps256(v);
            }
            store_planar(half, R, m, out + (long)(co0 + 8 * h) * a->out_plane, a->out_plane);
        }
        return;
    }
    const long os = a->out_col_stride;
    CK_UNROLL
    for (int r = 0; r < R; r++) {
        _mm512_mask_storeu_ps(out + r * os + co0, m0, acc0[r]);
        if (V > 1) _mm512_mask_storeu_ps(out + r * os + co0 + 16, m1, acc1[r]);
    }
}

CK_TARGET CK_INLINE void gather_block8(const ck_gather_args *a, const float *in, float *out, int jb, int je,
                                       __mmask8 m, const int R, const long CS) {
    __m256 acc[16];
    __m256 b = _mm256_setzero_ps();
    if (a->bias) b = _mm256_maskz_loadu_ps(m, a->bias);
    CK_UNROLL
    for (int r = 0; r < R; r++) acc[r] = b;
    const long cs = CS > 0 ? CS : a->in_col_stride;
    const int outs = a->out_channels;
    const float *wp = a->weights + (long)jb * outs;
    for (int j = jb; j < je; j++, wp += outs) {
        const float *ip = in + a->pair_offsets[j];
        __m256 w = _mm256_maskz_loadu_ps(m, wp);
        CK_UNROLL
        for (int r = 0; r < R; r++) acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(ip[r * cs]), w, acc[r]);
    }
    if (a->out_plane) {
        store_planar(acc, R, a->out_channels, out, a->out_plane);
        return;
    }
    const long os = a->out_col_stride;
    CK_UNROLL
    for (int r = 0; r < R; r++) _mm256_mask_storeu_ps(out + r * os, m, acc[r]);
}

// One row's blocks for a fixed column stride; the last block is shorter.
#define GATHER_ROW(BLOCK, CALL) \
    const int jb = a->row_pairs ? a->row_pairs[2 * row] : 0; \
    const int je = a->row_pairs ? a->row_pairs[2 * row + 1] : a->pairs; \
    for (int col = 0; col < a->cols; col += BLOCK) { \
        const int R = a->cols - col < BLOCK ? a->cols - col : BLOCK; \
        const float *in = a->input + row * a->in_row_stride + col * a->in_col_stride; \
        float *out = a->output + row * a->out_row_stride + col * a->out_col_stride; \
        if (R == BLOCK) { CALL(BLOCK); } else { switch (R) { GATHER_TAIL_##BLOCK(CALL) } } \
    }
#define GT(CALL, R) case R: CALL(R); break;
#define GATHER_TAIL_8(CALL) GT(CALL,1) GT(CALL,2) GT(CALL,3) GT(CALL,4) GT(CALL,5) GT(CALL,6) GT(CALL,7)
#define GATHER_TAIL_12(CALL) GATHER_TAIL_8(CALL) GT(CALL,8) GT(CALL,9) GT(CALL,10) GT(CALL,11)
#define GATHER_TAIL_16(CALL) GATHER_TAIL_12(CALL) GT(CALL,12) GT(CALL,13) GT(CALL,14) GT(CALL,15)
#define GATHER_TAIL_24(CALL) GATHER_TAIL_16(CALL) GT(CALL,16) GT(CALL,17) GT(CALL,18) GT(CALL,19) \
    GT(CALL,20) GT(CALL,21) GT(CALL,22) GT(CALL,23)

#define NARROW(R) gather_block8(a, in, out, jb, je, m, R, CS)
#define WIDE1(R) gather_block16(a, in, out, co0, jb, je, 1, m0, m1, R, CS)
#define WIDE2(R) gather_block16(a, in, out, co0, jb, je, 2, m0, m1, R, CS)

CK_TARGET CK_INLINE void gather_narrow(const ck_gather_args *a, const long CS) {
    const __mmask8 m = mask8(a->out_channels);
    for (int row = 0; row < a->rows; row++) { GATHER_ROW(16, NARROW) }
}

CK_TARGET CK_INLINE void gather_wide(const ck_gather_args *a, const long CS) {
    for (int co0 = 0; co0 < a->out_channels; co0 += 32) {
        const int left = a->out_channels - co0;
        if (left > 16) {
            const __mmask16 m0 = 0xFFFF, m1 = mask16(left - 16);
            for (int row = 0; row < a->rows; row++) { GATHER_ROW(12, WIDE2) }
        } else {
            const __mmask16 m0 = mask16(left), m1 = 0;
            for (int row = 0; row < a->rows; row++) { GATHER_ROW(24, WIDE1) }
        }
    }
}

CK_TARGET static void gather_narrow_1(const ck_gather_args *a) { gather_narrow(a, 1); }
CK_TARGET static void gather_narrow_2(const ck_gather_args *a) { gather_narrow(a, 2); }
CK_TARGET static void gather_narrow_any(const ck_gather_args *a) { gather_narrow(a, 0); }
CK_TARGET static void gather_wide_1(const ck_gather_args *a) { gather_wide(a, 1); }
CK_TARGET static void gather_wide_2(const ck_gather_args *a) { gather_wide(a, 2); }
CK_TARGET static void gather_wide_any(const ck_gather_args *a) { gather_wide(a, 0); }

void ck_gather(const ck_gather_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->out_channels <= 0) return;
    const long cs = a->in_col_stride;
    if (a->out_channels <= 8) {
        if (cs == 1) gather_narrow_1(a); else if (cs == 2) gather_narrow_2(a); else gather_narrow_any(a);
    } else {
        if (cs == 1) gather_wide_1(a); else if (cs == 2) gather_wide_2(a); else gather_wide_any(a);
    }
}

// ---------------------------------------------------------------------------------------------
// Row gather: CO output channels x RB rows x 16 columns per register block.

CK_TARGET CK_INLINE void rows_block(const ck_gather_rows_args *a, int row0, int col0, __mmask16 cm,
                                    const int CO, const int RB) {
    __m512 acc[4][8];
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

#define ROWS_TAIL(CO) switch (a->rows - row) { \
    case 1: rows_block(a, row, col, cm, CO, 1); break; case 2: rows_block(a, row, col, cm, CO, 2); break; \
    case 3: rows_block(a, row, col, cm, CO, 3); break; case 4: rows_block(a, row, col, cm, CO, 4); break; \
    case 5: rows_block(a, row, col, cm, CO, 5); break; case 6: rows_block(a, row, col, cm, CO, 6); break; \
    default: rows_block(a, row, col, cm, CO, 7); break; }

CK_TARGET CK_INLINE void rows_all(const ck_gather_rows_args *a, const int CO) {
    for (int col = 0; col < a->cols; col += 16) {
        const __mmask16 cm = mask16(a->cols - col);
        int row = 0;
        for (; row + 8 <= a->rows; row += 8) rows_block(a, row, col, cm, CO, 8);
        if (row < a->rows) { ROWS_TAIL(CO) }
    }
}

CK_TARGET static void rows_1(const ck_gather_rows_args *a) { rows_all(a, 1); }
CK_TARGET static void rows_2(const ck_gather_rows_args *a) { rows_all(a, 2); }
CK_TARGET static void rows_3(const ck_gather_rows_args *a) { rows_all(a, 3); }
CK_TARGET static void rows_4(const ck_gather_rows_args *a) { rows_all(a, 4); }

void ck_gather_rows(const ck_gather_rows_args *a) {
    if (a->rows <= 0 || a->cols <= 0) return;
    switch (a->out_channels) {
        case 1: rows_1(a); break;
        case 2: rows_2(a); break;
        case 3: rows_3(a); break;
        case 4: rows_4(a); break;
        default: break;
    }
}

CK_TARGET void ck_interleave_column_pairs(const float *src, int channels, int stride_rows, int rows, int cols,
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

// ---------------------------------------------------------------------------------------------
// Weight gradient: up to 24 entries x 16 channels (zmm), 12 x 32 (zmm), or 24 x 8 (ymm).
// A sum over a whole batch's positions in one register loses digits (PyTorch's GEMMs sum in
// blocks), so the registers start from zero for every group of about 32 positions and each
// group's sums are then added to `result`.

static inline int flush_rows(int cols) { return cols >= 32 ? 1 : 32 / cols; }

CK_TARGET CK_INLINE void wgrad_block16(const ck_weight_grad_args *a, int j0, int k0,
                                       const int V, __mmask16 m0, __mmask16 m1, const int J, const long CS) {
    const long cs = CS > 0 ? CS : a->in_col_stride;
    __m512 acc0[24], acc1[24];
    const int K = a->vec_channels;
    float *res = a->result + (long)j0 * K + k0;
    long off[24];
    CK_UNROLL
    for (int j = 0; j < J; j++) off[j] = a->pair_offsets[j0 + j];
    const int group = flush_rows(a->cols);
    for (int row0 = 0; row0 < a->rows; row0 += group) {
        const int row1 = row0 + group < a->rows ? row0 + group : a->rows;
        CK_UNROLL
        for (int j = 0; j < J; j++) { acc0[j] = _mm512_setzero_ps(); acc1[j] = _mm512_setzero_ps(); }
        for (int row = row0; row < row1; row++) {
            const float *ip = a->input + row * a->in_row_stride;
            const float *gp = a->grad + row * a->grad_row_stride + k0;
            const long gs = a->grad_col_stride;
            int col = 0;
            // Four positions per pass: each entry's offset is loaded once for all four.
            for (; col + 4 <= a->cols; col += 4, ip += 4 * cs, gp += 4 * gs) {
                __m512 g[4][2];
                for (int q = 0; q < 4; q++) {
                    g[q][0] = _mm512_maskz_loadu_ps(m0, gp + q * gs);
                    g[q][1] = V > 1 ? _mm512_maskz_loadu_ps(m1, gp + q * gs + 16) : _mm512_setzero_ps();
                }
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    const float *x = ip + off[j];
                    for (int q = 0; q < 4; q++) {
                        __m512 xq = _mm512_set1_ps(x[q * cs]);
                        acc0[j] = _mm512_fmadd_ps(xq, g[q][0], acc0[j]);
                        if (V > 1) acc1[j] = _mm512_fmadd_ps(xq, g[q][1], acc1[j]);
                    }
                }
            }
            for (; col < a->cols; col++, ip += cs, gp += gs) {
                __m512 g0 = _mm512_maskz_loadu_ps(m0, gp);
                __m512 g1 = _mm512_setzero_ps();
                if (V > 1) g1 = _mm512_maskz_loadu_ps(m1, gp + 16);
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    __m512 x = _mm512_set1_ps(ip[off[j]]);
                    acc0[j] = _mm512_fmadd_ps(x, g0, acc0[j]);
                    if (V > 1) acc1[j] = _mm512_fmadd_ps(x, g1, acc1[j]);
                }
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            float *r = res + (long)j * K;
            _mm512_mask_storeu_ps(r, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, r), acc0[j]));
            if (V > 1) _mm512_mask_storeu_ps(r + 16, m1, _mm512_add_ps(_mm512_maskz_loadu_ps(m1, r + 16), acc1[j]));
        }
    }
}

CK_TARGET CK_INLINE void wgrad_block8(const ck_weight_grad_args *a, int j0, __mmask8 m, const int J, const long CS) {
    const long cs = CS > 0 ? CS : a->in_col_stride;
    __m256 acc[24];
    const int K = a->vec_channels;
    float *res = a->result + (long)j0 * K;
    long off[24];
    CK_UNROLL
    for (int j = 0; j < J; j++) off[j] = a->pair_offsets[j0 + j];
    const int group = flush_rows(a->cols);
    for (int row0 = 0; row0 < a->rows; row0 += group) {
        const int row1 = row0 + group < a->rows ? row0 + group : a->rows;
        CK_UNROLL
        for (int j = 0; j < J; j++) acc[j] = _mm256_setzero_ps();
        for (int row = row0; row < row1; row++) {
            const float *ip = a->input + row * a->in_row_stride;
            const float *gp = a->grad + row * a->grad_row_stride;
            const long gs = a->grad_col_stride;
            int col = 0;
            for (; col + 4 <= a->cols; col += 4, ip += 4 * cs, gp += 4 * gs) {
                __m256 g[4];
                for (int q = 0; q < 4; q++) g[q] = _mm256_maskz_loadu_ps(m, gp + q * gs);
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    const float *x = ip + off[j];
                    for (int q = 0; q < 4; q++) acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(x[q * cs]), g[q], acc[j]);
                }
            }
            for (; col < a->cols; col++, ip += cs, gp += gs) {
                __m256 g = _mm256_maskz_loadu_ps(m, gp);
                CK_UNROLL
                for (int j = 0; j < J; j++) acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(ip[off[j]]), g, acc[j]);
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            float *r = res + (long)j * K;
            _mm256_mask_storeu_ps(r, m, _mm256_add_ps(_mm256_maskz_loadu_ps(m, r), acc[j]));
        }
    }
}

#define WGRAD16_CASE(J) case J: \
    if (V == 1) wgrad_block16(a, j0, k0, 1, m0, m1, J, CS); else if (J <= 12) wgrad_block16(a, j0, k0, 2, m0, m1, J, CS); break;
#define WGRAD8_CASE(J) case J: wgrad_block8(a, j0, m, J, CS); break;

CK_TARGET CK_INLINE void wgrad_wide(const ck_weight_grad_args *a, const long CS) {
    for (int k0 = 0; k0 < a->vec_channels; k0 += 32) {
        const int left = a->vec_channels - k0;
        const int V = left > 16 ? 2 : 1;
        const __mmask16 m0 = V == 1 ? mask16(left) : 0xFFFF, m1 = V == 2 ? mask16(left - 16) : 0;
        const int block = V == 1 ? 24 : 12;
        for (int j0 = 0; j0 < a->pairs; j0 += block) {
            const int J = a->pairs - j0 < block ? a->pairs - j0 : block;
            switch (J) {
                WGRAD16_CASE(1) WGRAD16_CASE(2) WGRAD16_CASE(3) WGRAD16_CASE(4) WGRAD16_CASE(5)
                WGRAD16_CASE(6) WGRAD16_CASE(7) WGRAD16_CASE(8) WGRAD16_CASE(9) WGRAD16_CASE(10)
                WGRAD16_CASE(11) WGRAD16_CASE(12) WGRAD16_CASE(13) WGRAD16_CASE(14) WGRAD16_CASE(15)
                WGRAD16_CASE(16) WGRAD16_CASE(17) WGRAD16_CASE(18) WGRAD16_CASE(19) WGRAD16_CASE(20)
                WGRAD16_CASE(21) WGRAD16_CASE(22) WGRAD16_CASE(23) WGRAD16_CASE(24)
            }
        }
    }
}

CK_TARGET CK_INLINE void wgrad_narrow(const ck_weight_grad_args *a, const long CS) {
    const __mmask8 m = mask8(a->vec_channels);
    for (int j0 = 0; j0 < a->pairs; j0 += 24) {
        const int J = a->pairs - j0 < 24 ? a->pairs - j0 : 24;
        switch (J) {
            WGRAD8_CASE(1) WGRAD8_CASE(2) WGRAD8_CASE(3) WGRAD8_CASE(4) WGRAD8_CASE(5) WGRAD8_CASE(6)
            WGRAD8_CASE(7) WGRAD8_CASE(8) WGRAD8_CASE(9) WGRAD8_CASE(10) WGRAD8_CASE(11) WGRAD8_CASE(12)
            WGRAD8_CASE(13) WGRAD8_CASE(14) WGRAD8_CASE(15) WGRAD8_CASE(16) WGRAD8_CASE(17) WGRAD8_CASE(18)
            WGRAD8_CASE(19) WGRAD8_CASE(20) WGRAD8_CASE(21) WGRAD8_CASE(22) WGRAD8_CASE(23) WGRAD8_CASE(24)
        }
    }
}

CK_TARGET static void wgrad_narrow_1(const ck_weight_grad_args *a) { wgrad_narrow(a, 1); }
CK_TARGET static void wgrad_narrow_2(const ck_weight_grad_args *a) { wgrad_narrow(a, 2); }
CK_TARGET static void wgrad_narrow_any(const ck_weight_grad_args *a) { wgrad_narrow(a, 0); }
CK_TARGET static void wgrad_wide_1(const ck_weight_grad_args *a) { wgrad_wide(a, 1); }
CK_TARGET static void wgrad_wide_2(const ck_weight_grad_args *a) { wgrad_wide(a, 2); }
CK_TARGET static void wgrad_wide_any(const ck_weight_grad_args *a) { wgrad_wide(a, 0); }

void ck_weight_grad(const ck_weight_grad_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->pairs <= 0 || a->vec_channels <= 0) return;
    const long cs = a->in_col_stride;
    if (a->vec_channels <= 8) {
        if (cs == 1) wgrad_narrow_1(a); else if (cs == 2) wgrad_narrow_2(a); else wgrad_narrow_any(a);
    } else {
        if (cs == 1) wgrad_wide_1(a); else if (cs == 2) wgrad_wide_2(a); else wgrad_wide_any(a);
    }
}

// ---------------------------------------------------------------------------------------------
// Layout changes between NCHW planes and channels-last rows, 8 x 8 blocks through registers.


// Blocks of up to 8 positions x 8 channels go through registers (masked loads and stores at
// the edges). A row at least 8 wide ends with a block that overlaps the one before (rewriting
// the same values) rather than a narrower one.

CK_TARGET CK_INLINE void planes_block(const float *s, long plane, int n, int m, float *d, long dcs) {
    __m256 r[8];
    const __mmask8 positions = mask8(n), channels = mask8(m);
    for (int i = 0; i < 8; i++) r[i] = i < m ? _mm256_maskz_loadu_ps(positions, s + i * plane) : _mm256_setzero_ps();
    transpose8x8(r);
    for (int i = 0; i < n; i++) _mm256_mask_storeu_ps(d + i * dcs, channels, r[i]);
}

CK_TARGET CK_INLINE void channels_block(const float *s, long scs, int n, int m, float *d, long plane) {
    __m256 r[8];
    const __mmask8 positions = mask8(n), channels = mask8(m);
    for (int i = 0; i < 8; i++) r[i] = i < n ? _mm256_maskz_loadu_ps(channels, s + i * scs) : _mm256_setzero_ps();
    transpose8x8(r);
    for (int i = 0; i < m; i++) _mm256_mask_storeu_ps(d + i * plane, positions, r[i]);
}

// Full 8-position blocks with the channel count known at compile time (no branches inside).
#define CHANNEL_CASES(CALL) switch (m) { case 1: CALL(1); break; case 2: CALL(2); break; case 3: CALL(3); break; \
    case 4: CALL(4); break; case 5: CALL(5); break; case 6: CALL(6); break; case 7: CALL(7); break; default: CALL(8); break; }

// One loop for both directions: `planes` [channels][height][width] and `rows` (position (y, x)
// at y * row_stride + x * col_stride, channels adjacent); TO_PLANES says which one is written.
CK_TARGET CK_INLINE void change_layout(float *planes, float *rows, long row_stride, long col_stride,
                                       int channels, int height, int width, const int TO_PLANES) {
    const long plane = (long)height * width;
    for (int y = 0; y < height; y++) {
        for (int block = 0; block < width; block += 8) {
            const int x = block + 8 <= width || width < 8 ? block : width - 8;
            const int n = width - x < 8 ? width - x : 8;
            for (int c = 0; c < channels; c += 8) {
                const int m = channels - c < 8 ? channels - c : 8;
                float *p = planes + c * plane + (long)y * width + x;
                float *r = rows + y * row_stride + x * col_stride + c;
                #define LAYOUT_BLOCK(N, M) (TO_PLANES ? channels_block(r, col_stride, N, M, p, plane) \
                                                      : planes_block(p, plane, N, M, r, col_stride))
                #define LAYOUT_FULL(M) LAYOUT_BLOCK(8, M)
                if (n == 8) { CHANNEL_CASES(LAYOUT_FULL) } else LAYOUT_BLOCK(n, m);
                #undef LAYOUT_FULL
                #undef LAYOUT_BLOCK
            }
        }
    }
}

CK_TARGET void ck_planes_to_channels_last(const float *src, int channels, int height, int width,
                                          float *dst, long dst_row_stride, long dst_col_stride) {
    change_layout((float *)src, dst, dst_row_stride, dst_col_stride, channels, height, width, 0);
}

CK_TARGET void ck_channels_last_to_planes(const float *src, long src_row_stride, long src_col_stride,
                                          int channels, int height, int width, float *dst) {
    change_layout(dst, (float *)src, src_row_stride, src_col_stride, channels, height, width, 1);
}

CK_TARGET void ck_copy_into_planes(const float *src, int channels, int height, int width,
                                   float *dst, long dst_plane, long dst_row_stride) {
    const __mmask16 tail = mask16(width & 15);
    for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
            const float *s = src + ((long)c * height + y) * width;
            float *d = dst + c * dst_plane + y * dst_row_stride;
            int x = 0;
            for (; x + 16 <= width; x += 16) _mm512_storeu_ps(d + x, _mm512_loadu_ps(s + x));
            if (x < width) _mm512_mask_storeu_ps(d + x, tail, _mm512_maskz_loadu_ps(tail, s + x));
        }
    }
}

#else  // not x86-64: the Swift drivers never call the kernels (ck_direct_available() is 0)

int ck_direct_available(void) { return 0; }
void ck_gather(const ck_gather_args *a) { (void)a; }
void ck_weight_grad(const ck_weight_grad_args *a) { (void)a; }
void ck_gather_rows(const ck_gather_rows_args *a) { (void)a; }
void ck_copy_into_planes(const float *src, int channels, int height, int width,
                         float *dst, long dst_plane, long dst_row_stride) {
    for (int c = 0; c < channels; c++)
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                dst[c * dst_plane + y * dst_row_stride + x] = src[((long)c * height + y) * width + x];
}
void ck_interleave_column_pairs(const float *src, int channels, int stride_rows, int rows, int cols,
                                float *dst, int height, int width) {
    (void)src; (void)channels; (void)stride_rows; (void)rows; (void)cols; (void)dst; (void)height; (void)width;
}

void ck_planes_to_channels_last(const float *src, int channels, int height, int width,
                                float *dst, long dst_row_stride, long dst_col_stride) {
    for (int y = 0; y < height; y++) {
        float *row = dst + y * dst_row_stride;
        for (int x = 0; x < width; x++) {
            float *cell = row + x * dst_col_stride;
            const float *s = src + (long)y * width + x;
            for (int c = 0; c < channels; c++) cell[c] = s[(long)c * height * width];
        }
    }
}

void ck_channels_last_to_planes(const float *src, long src_row_stride, long src_col_stride,
                                int channels, int height, int width, float *dst) {
    const long plane = (long)height * width;
    for (int c = 0; c < channels; c++) {
        float *d = dst + c * plane;
        for (int y = 0; y < height; y++) {
            const float *s = src + y * src_row_stride + c;
            for (int x = 0; x < width; x++) d[(long)y * width + x] = s[x * src_col_stride];
        }
    }
}

#endif

