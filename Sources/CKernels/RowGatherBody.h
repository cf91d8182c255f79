// ck_gather_rows and ck_interleave_column_pairs (RowGather.c), written once for every form
// (FormEnd.h). The includer defines ROWS_PER_BLOCK(CO): rows of VW columns per register block for
// CO output channels (CO * rows accumulators plus inputs and weights within F_REGISTERS).

// Output channels co0 ..< co0 + CO (CO <= 8) x RB rows x VW columns from (row0, col0); PARTIAL:
// only the columns of cm. Wider outputs run as groups of 8 channels (weights out_channels apart).
F_TARGET CK_INLINE void F(rows_block)(const ck_gather_rows_args *a, int co0, int row0, int col0, F_MASK cm,
                                      const int CO, const int RB, const int PARTIAL) {
    F_VEC acc[8][8];
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        const F_VEC b = a->bias ? V_BROADCAST(a->bias + co0 + c) : V_ZERO();
        CK_UNROLL
        for (int r = 0; r < RB; r++) acc[c][r] = b;
    }
    // The union of the block's rows' pair ranges: the extra pairs read only zero padding.
    int jb, je;
    pair_range(a->row_pairs, a->pairs, row0, RB, &jb, &je);
    const float *base = a->input + row0 * a->in_row_stride + col0;
    const long rs = a->in_row_stride;
    const long ws = a->out_channels;
    const float *wp = a->weights + (long)jb * ws + co0;
    for (int j = jb; j < je; j++, wp += ws) {
        const float *ip = base + a->pair_offsets[j];
        // Every accumulator gets one FMA per pair either way; the order of the loops only decides
        // which values stay in registers: the RB inputs (32 registers) or the CO weights (16).
        if (F_REGISTERS >= 32) {
            F_VEC x[8];
            CK_UNROLL
            for (int r = 0; r < RB; r++) x[r] = V_LOADP(ip + r * rs, cm, PARTIAL);
            CK_UNROLL
            for (int c = 0; c < CO; c++) {
                const F_VEC w = V_BROADCAST(wp + c);
                CK_UNROLL
                for (int r = 0; r < RB; r++) acc[c][r] = V_FMA(x[r], w, acc[c][r]);
            }
        } else {
            F_VEC w[8];
            CK_UNROLL
            for (int c = 0; c < CO; c++) w[c] = V_BROADCAST(wp + c);
            CK_UNROLL
            for (int r = 0; r < RB; r++) {
                const F_VEC x = V_LOADP(ip + r * rs, cm, PARTIAL);
                CK_UNROLL
                for (int c = 0; c < CO; c++) acc[c][r] = V_FMA(x, w[c], acc[c][r]);
            }
        }
    }
    float *out = a->output + co0 * a->out_plane + row0 * a->out_row_stride + col0;
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        CK_UNROLL
        for (int r = 0; r < RB; r++) V_STOREP(out + c * a->out_plane + r * a->out_row_stride, cm, PARTIAL, acc[c][r]);
    }
}

// The last rows of a column strip (fewer than a block): a block of exactly that many rows.
#define ROWS_TAIL_CASE(K) case K: if (K < ROWS_PER_BLOCK(CO)) F(rows_block)(a, co0, row, col, cm, CO, K, PARTIAL); break;
#define ROWS_TAIL switch (a->rows - row) { ROWS_TAIL_CASE(1) ROWS_TAIL_CASE(2) ROWS_TAIL_CASE(3) \
    ROWS_TAIL_CASE(4) ROWS_TAIL_CASE(5) ROWS_TAIL_CASE(6) ROWS_TAIL_CASE(7) default: break; }

F_TARGET CK_INLINE void F(rows_strip)(const ck_gather_rows_args *a, int co0, int col, F_MASK cm, const int CO,
                                      const int PARTIAL) {
    int row = 0;
    for (; row + ROWS_PER_BLOCK(CO) <= a->rows; row += ROWS_PER_BLOCK(CO))
        F(rows_block)(a, co0, row, col, cm, CO, ROWS_PER_BLOCK(CO), PARTIAL);
    if (row < a->rows) { ROWS_TAIL }
}
#undef ROWS_TAIL
#undef ROWS_TAIL_CASE

#if VW == 16
// Rows of at most 8 columns (the stride phases of small images): two rows share a register, the
// first in lanes 0-7, the next in lanes 8-15, so the lanes are not half empty. RP such pairs
// (2 * RP rows, the last one possibly missing: its lanes read nothing and are not stored) x CO
// channels per block. Every output value sums the same pairs in the same order as rows_block.
F_TARGET CK_INLINE void F(row_pairs_block)(const ck_gather_rows_args *a, int co0, int row0, const int CO, const int RP) {
    __m512 acc[8][4];
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        const __m512 b = a->bias ? _mm512_set1_ps(a->bias[co0 + c]) : _mm512_setzero_ps();
        CK_UNROLL
        for (int p = 0; p < RP; p++) acc[c][p] = b;
    }
    const int rows = a->rows - row0 < 2 * RP ? a->rows - row0 : 2 * RP;
    int jb, je;
    pair_range(a->row_pairs, a->pairs, row0, rows, &jb, &je);
    const __mmask8 cm = mask8(a->cols), last = rows == 2 * RP ? cm : 0;
    const float *base = a->input + row0 * a->in_row_stride;
    const long rs = a->in_row_stride;
    const long ws = a->out_channels;
    const float *wp = a->weights + (long)jb * ws + co0;
    for (int j = jb; j < je; j++, wp += ws) {
        const float *ip = base + a->pair_offsets[j];
        __m512 x[4];
        CK_UNROLL
        for (int p = 0; p < RP; p++) {
            const __m256 low = _mm256_maskz_loadu_ps(cm, ip + 2 * p * rs);
            const __m256 high = _mm256_maskz_loadu_ps(p == RP - 1 ? last : cm, ip + (2 * p + 1) * rs);
            x[p] = _mm512_insertf32x8(_mm512_castps256_ps512(low), high, 1);
        }
        CK_UNROLL
        for (int c = 0; c < CO; c++) {
            const __m512 w = _mm512_set1_ps(wp[c]);
            CK_UNROLL
            for (int p = 0; p < RP; p++) acc[c][p] = _mm512_fmadd_ps(x[p], w, acc[c][p]);
        }
    }
    float *out = a->output + co0 * a->out_plane + row0 * a->out_row_stride;
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        CK_UNROLL
        for (int p = 0; p < RP; p++) {
            float *o = out + c * a->out_plane + 2 * p * a->out_row_stride;
            _mm256_mask_storeu_ps(o, cm, _mm512_castps512_ps256(acc[c][p]));
            _mm256_mask_storeu_ps(o + a->out_row_stride, p == RP - 1 ? last : cm, _mm512_extractf32x8_ps(acc[c][p], 1));
        }
    }
}

// 3 pairs (6 rows) for up to 8 channels: 24 accumulators, 3 inputs and a weight.
F_TARGET CK_INLINE void F(row_pairs_all)(const ck_gather_rows_args *a, int co0, const int CO) {
    int row = 0;
    for (; row + 6 <= a->rows; row += 6) F(row_pairs_block)(a, co0, row, CO, 3);
    // The last 1 to 5 rows: 1 to 3 pairs, the last one possibly a single row.
    switch ((a->rows - row + 1) / 2) {
        case 1: F(row_pairs_block)(a, co0, row, CO, 1); break;
        case 2: F(row_pairs_block)(a, co0, row, CO, 2); break;
        case 3: F(row_pairs_block)(a, co0, row, CO, 3); break;
        default: break;
    }
}
#endif

F_TARGET CK_INLINE void F(rows_all)(const ck_gather_rows_args *a, int co0, const int CO) {
#if VW == 16
    if (a->cols <= 8) { F(row_pairs_all)(a, co0, CO); return; }
#endif
    for (int col = 0; col < a->cols; col += VW) {
        const F_MASK cm = V_MASK(a->cols - col);
        if (a->cols - col >= VW) F(rows_strip)(a, co0, col, cm, CO, 0); else F(rows_strip)(a, co0, col, cm, CO, 1);
    }
}

F_TARGET static void F(rows_1)(const ck_gather_rows_args *a, int co0) { F(rows_all)(a, co0, 1); }
F_TARGET static void F(rows_2)(const ck_gather_rows_args *a, int co0) { F(rows_all)(a, co0, 2); }
F_TARGET static void F(rows_3)(const ck_gather_rows_args *a, int co0) { F(rows_all)(a, co0, 3); }
F_TARGET static void F(rows_4)(const ck_gather_rows_args *a, int co0) { F(rows_all)(a, co0, 4); }
F_TARGET static void F(rows_5)(const ck_gather_rows_args *a, int co0) { F(rows_all)(a, co0, 5); }
F_TARGET static void F(rows_6)(const ck_gather_rows_args *a, int co0) { F(rows_all)(a, co0, 6); }
F_TARGET static void F(rows_7)(const ck_gather_rows_args *a, int co0) { F(rows_all)(a, co0, 7); }
F_TARGET static void F(rows_8)(const ck_gather_rows_args *a, int co0) { F(rows_all)(a, co0, 8); }

// Groups of 8 output channels (the last one shorter), each over the whole grid: the input stays
// in L1 or L2 between them.
static void F(gather_rows)(const ck_gather_rows_args *a) {
    for (int co0 = 0; co0 < a->out_channels; co0 += 8) {
        switch (a->out_channels - co0 < 8 ? a->out_channels - co0 : 8) {
            case 1: F(rows_1)(a, co0); break;
            case 2: F(rows_2)(a, co0); break;
            case 3: F(rows_3)(a, co0); break;
            case 4: F(rows_4)(a, co0); break;
            case 5: F(rows_5)(a, co0); break;
            case 6: F(rows_6)(a, co0); break;
            case 7: F(rows_7)(a, co0); break;
            case 8: F(rows_8)(a, co0); break;
            default: break;
        }
    }
}

// even e0 e1 ... and odd o0 o1 ... become e0 o0 e1 o1 ... in *low (the first VW) and *high.
F_TARGET CK_INLINE void F(interleave)(F_VEC e, F_VEC o, F_VEC *low, F_VEC *high) {
#if VW == 16
    *low = _mm512_permutex2var_ps(e, _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0), o);
    *high = _mm512_permutex2var_ps(e, _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8), o);
#else
    // pairs within 128-bit lanes: e0 o0 e1 o1 | e4 o4 e5 o5 and e2 o2 e3 o3 | e6 o6 e7 o7
    const __m256 l = _mm256_unpacklo_ps(e, o), h = _mm256_unpackhi_ps(e, o);
    *low = _mm256_permute2f128_ps(l, h, 0x20);
    *high = _mm256_permute2f128_ps(l, h, 0x31);
#endif
}

F_TARGET static void F(interleave_column_pairs)(const float *src, int channels, int stride_rows, int rows, int cols,
                                                float *dst, int height, int width) {
    const long phase = (long)rows * cols;
    for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
            const int p = y % stride_rows, j = y / stride_rows;
            const float *even = src + (((long)c * stride_rows + p) * 2) * phase + (long)j * cols;
            const float *odd = even + phase;
            float *d = dst + ((long)c * height + y) * width;
            int x = 0;
            for (int i = 0; i + VW <= cols && 2 * i + 2 * VW <= width; i += VW, x += 2 * VW) {
                F_VEC low, high;
                F(interleave)(V_LOAD(even + i), V_LOAD(odd + i), &low, &high);
                V_STORE(d + x, low);
                V_STORE(d + x + VW, high);
            }
#if VW == 16
            // Rows of 8 to 15 pairs (stride phases of small images): 8 at a time in ymm.
            for (int i = x / 2; i + 8 <= cols && 2 * i + 16 <= width; i += 8, x += 16) {
                const __m256 e = _mm256_loadu_ps(even + i), o = _mm256_loadu_ps(odd + i);
                const __m256 l = _mm256_unpacklo_ps(e, o), h = _mm256_unpackhi_ps(e, o);
                _mm256_storeu_ps(d + x, _mm256_permute2f128_ps(l, h, 0x20));
                _mm256_storeu_ps(d + x + 8, _mm256_permute2f128_ps(l, h, 0x31));
            }
#endif
            for (; x < width; x++) d[x] = (x & 1) ? odd[x >> 1] : even[x >> 1];
        }
    }
}

#undef ROWS_PER_BLOCK
