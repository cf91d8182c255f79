// ck_pooled_conv_backward (PooledConv.c), written once for every form (FormEnd.h). The includer
// defines PC_LIMIT, the accumulator registers a block may hold, and PC_RV, the most vectors of
// a patch row a block takes (wider rows are taken PC_RV vectors at a time).
//
// A block holds, for CH channels, G patch rows of RV vectors (the last one the lanes of mlast when
// PARTIAL) from vector v0 of each row, in registers, while every pooled cell of the image passes;
// wider patches are split into blocks, which only changes which registers hold a value, never
// the order its terms are summed in.

// Pooled cells are taken in chunks of whole pooled rows, at most PC_CAP cells (the Swift driver
// runs this kernel only when a pooled row has at most PC_CAP cells).
#ifndef PC_CAP
#define PC_CAP 256
#endif

// The winners of pooled rows [py0, py1) of channel c whose pooled value is positive (ReLU's gate:
// the others send nothing), in order: their window's offset from the bordered input's first
// window, and their gradient. Returns how many. off and gs hold PC_CAP + VW values.
F_TARGET CK_INLINE int F(pc_decode)(const ck_pooled_conv_args *a, int c, int py0, int py1, int *off, float *gs) {
    const int cols = a->conv_cols, pcols = a->pooled_cols;
    const int ors = (int)a->out_row_step, ocs = (int)a->out_col_step;
    const long cells = (long)a->pooled_rows * pcols;
    int n = 0;
    for (int py = py0; py < py1; py++) {
        const long first = c * cells + (long)py * pcols;
        // The flat index of the window row's first output, and that window's offset.
        const int row_origin = (int)(a->argmax_origin + c * a->conv_plane + 2L * py * cols);
        const int row_offset = 2 * py * ors;
        for (int px0 = 0; px0 < pcols; px0 += VW) {
            const int k = pcols - px0 < VW ? pcols - px0 : VW;
#if VW == 16
            const __mmask16 m = mask16(k);
            const __m512i twice = _mm512_slli_epi32(_mm512_add_epi32(_mm512_set1_epi32(px0),
                _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)), 1);
            const __m512i d = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, a->argmax + first + px0),
                                               _mm512_add_epi32(_mm512_set1_epi32(row_origin), twice));
            const __mmask16 below = _mm512_cmpge_epi32_mask(d, _mm512_set1_epi32(cols));   // 0, 1, cols or cols + 1
            const __m512i dx = _mm512_mask_sub_epi32(d, below, d, _mm512_set1_epi32(cols));
            __m512i o = _mm512_add_epi32(_mm512_set1_epi32(row_offset),
                                         _mm512_mullo_epi32(_mm512_add_epi32(twice, dx), _mm512_set1_epi32(ocs)));
            o = _mm512_mask_add_epi32(o, below, o, _mm512_set1_epi32(ors));
            const __mmask16 keep = _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(m, a->pooled + first + px0),
                                                      _mm512_setzero_ps(), _CMP_GT_OQ) & m;
            _mm512_storeu_si512(off + n, _mm512_maskz_compress_epi32(keep, o));
            _mm512_storeu_ps(gs + n, _mm512_maskz_compress_ps(keep, _mm512_maskz_loadu_ps(m, a->grad + first + px0)));
            n += __builtin_popcount(keep);
#else
            const __m256i m = lanes8(k);
            const __m256i twice = _mm256_slli_epi32(_mm256_add_epi32(_mm256_set1_epi32(px0),
                _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)), 1);
            const __m256i d = _mm256_sub_epi32(_mm256_maskload_epi32(a->argmax + first + px0, m),
                                               _mm256_add_epi32(_mm256_set1_epi32(row_origin), twice));
            const __m256i below = _mm256_cmpgt_epi32(d, _mm256_set1_epi32(cols - 1));
            const __m256i dx = _mm256_sub_epi32(d, _mm256_and_si256(below, _mm256_set1_epi32(cols)));
            __m256i o = _mm256_add_epi32(_mm256_set1_epi32(row_offset),
                                         _mm256_mullo_epi32(_mm256_add_epi32(twice, dx), _mm256_set1_epi32(ocs)));
            o = _mm256_add_epi32(o, _mm256_and_si256(below, _mm256_set1_epi32(ors)));
            const __m256 positive = _mm256_cmp_ps(_mm256_maskload_ps(a->pooled + first + px0, m), _mm256_setzero_ps(), _CMP_GT_OQ);
            const int keep = _mm256_movemask_ps(positive) & ((1 << k) - 1);
            int ov[8];
            float gv[8];
            _mm256_storeu_si256((__m256i *)ov, o);
            _mm256_storeu_ps(gv, _mm256_maskload_ps(a->grad + first + px0, m));
            for (int l = 0; l < k; l++) {   // the same list as the AVX-512 form's compress
                off[n] = ov[l];
                gs[n] = gv[l];
                n += (keep >> l) & 1;
            }
#endif
        }
    }
    return n;
}

// Pooled rows per chunk.
CK_INLINE int F(pc_chunk_rows)(const ck_pooled_conv_args *a) {
    const int rows = PC_CAP / a->pooled_cols;
    return rows > 0 ? rows : 1;
}

// acc[r][v] += g * the window rows [0, G) of vectors [0, RV) at p + ro[r]. Whole vectors are
// read (the lanes past a row's end are summed but never stored: see input's slack).
F_TARGET CK_INLINE void F(pc_accumulate)(F_VEC acc[8][PC_RV], const float *p, const long ro[8], const float *gs,
                                         const int G, const int RV) {
    const F_VEC g = V_BROADCAST(gs);
    CK_UNROLL
    for (int r = 0; r < G; r++) {
        CK_UNROLL
        for (int v = 0; v < RV; v++) acc[r][v] = V_FMA(g, V_LOAD(p + ro[r] + v * VW), acc[r][v]);
    }
}

// weight_grad of channels [c0, c0 + CH), rows [row0, row0 + G), vectors [v0, v0 + RV).
F_TARGET CK_INLINE void F(pc_wgrad_block)(const ck_pooled_conv_args *a, int c0, int row0, int v0, F_MASK mlast,
                                          const int CH, const int G, const int RV, const int PARTIAL) {
    F_VEC acc[2][8][PC_RV];
    const F_MASK all = V_MASK(VW);
    CK_UNROLL
    for (int ch = 0; ch < CH; ch++) {
        CK_UNROLL
        for (int r = 0; r < G; r++) {
            CK_UNROLL
            for (int v = 0; v < RV; v++) acc[ch][r][v] = V_ZERO();
        }
    }
    const long prs = a->in_row_stride;
    const float *origin = a->input + row0 * prs + v0 * VW;
    long ro[8];
    CK_UNROLL
    for (int r = 0; r < 8; r++) ro[r] = r * prs;
    int off[2][PC_CAP + 16];
    float gs[2][PC_CAP + 16];
    const int step = F(pc_chunk_rows)(a);
    for (int py0 = 0; py0 < a->pooled_rows; py0 += step) {
        const int py1 = py0 + step < a->pooled_rows ? py0 + step : a->pooled_rows;
        int n[2] = {0, 0};
        CK_UNROLL
        for (int ch = 0; ch < CH; ch++) n[ch] = F(pc_decode)(a, c0 + ch, py0, py1, off[ch], gs[ch]);
        // Both channels' winners side by side (independent sums), then the longer list's rest.
        const int both = CH == 2 ? (n[0] < n[1] ? n[0] : n[1]) : n[0];
        int i = 0;
        for (; i < both; i++) {
            CK_UNROLL
            for (int ch = 0; ch < CH; ch++) F(pc_accumulate)(acc[ch], origin + off[ch][i], ro, gs[ch] + i, G, RV);
        }
        CK_UNROLL
        for (int ch = 0; ch < CH; ch++) {
            for (int j = i; j < n[ch]; j++) F(pc_accumulate)(acc[ch], origin + off[ch][j], ro, gs[ch] + j, G, RV);
        }
    }
    CK_UNROLL
    for (int ch = 0; ch < CH; ch++) {
        CK_UNROLL
        for (int r = 0; r < G; r++) {
            float *w = a->weight_grad + ((long)(c0 + ch) * a->patch_rows + row0 + r) * a->patch_width + v0 * VW;
            CK_UNROLL
            for (int v = 0; v < RV; v++) {
                const int last = PARTIAL && v == RV - 1;
                const F_MASK m = last ? mlast : all;
                V_STOREP(w + v * VW, m, last, V_ADD(V_LOADP(w + v * VW, m, last), acc[ch][r][v]));
            }
        }
    }
}

// input_grad from channel c, NV vectors a window row (the last one the lanes of mlast when
// PARTIAL; NV = 0: any number, in a loop). Each winner adds all its rows before the next one
// starts, whatever the form's vector width: every input_grad value then takes its terms in the
// same order (channel, then winner) in both forms. The filter rows are read from memory (L1):
// the stores are the bound here.
F_TARGET CK_INLINE void F(pc_dx_channel)(const ck_pooled_conv_args *a, int c, F_MASK mlast, const int NV, const int PARTIAL) {
    const F_MASK all = V_MASK(VW);
    const int rows = a->patch_rows, width = a->patch_width;
    const int vectors = NV > 0 ? NV : (width + VW - 1) / VW;
    const long prs = a->in_row_stride;
    const float *wc = a->weight + (long)c * rows * width;
    int off[PC_CAP + 16];
    float gs[PC_CAP + 16];
    const int step = F(pc_chunk_rows)(a);
    for (int py0 = 0; py0 < a->pooled_rows; py0 += step) {
        const int py1 = py0 + step < a->pooled_rows ? py0 + step : a->pooled_rows;
        const int n = F(pc_decode)(a, c, py0, py1, off, gs);
        for (int i = 0; i < n; i++) {
            float *p = a->input_grad + off[i];
            const float *w = wc;
            const F_VEC g = V_BROADCAST(gs + i);
            for (int r = 0; r < rows; r++, p += prs, w += width) {
                if (NV > 0) {
                    CK_UNROLL
                    for (int v = 0; v < NV; v++) {
                        const int last = PARTIAL && v == NV - 1;
                        const F_MASK m = last ? mlast : all;
                        V_STOREP(p + v * VW, m, last, V_FMA(g, V_LOADP(w + v * VW, m, last), V_LOADP(p + v * VW, m, last)));
                    }
                } else {
                    for (int v = 0; v < vectors; v++) {
                        const F_MASK m = v == vectors - 1 ? mlast : all;
                        V_STOREP(p + v * VW, m, 1, V_FMA(g, V_LOADP(w + v * VW, m, 1), V_LOADP(p + v * VW, m, 1)));
                    }
                }
            }
        }
    }
}

#define PC_DX_CASE(NV) \
    F_TARGET static void F(pc_dx_##NV)(const ck_pooled_conv_args *a, int c, F_MASK m) { F(pc_dx_channel)(a, c, m, NV, 0); } \
    F_TARGET static void F(pc_dx_##NV##_partial)(const ck_pooled_conv_args *a, int c, F_MASK m) { F(pc_dx_channel)(a, c, m, NV, 1); }
PC_DX_CASE(1)
PC_DX_CASE(2)
PC_DX_CASE(3)
PC_DX_CASE(4)
PC_DX_CASE(5)
PC_DX_CASE(6)
#undef PC_DX_CASE
F_TARGET static void F(pc_dx_any)(const ck_pooled_conv_args *a, int c, F_MASK m) { F(pc_dx_channel)(a, c, m, 0, 1); }

// input_grad: the channels in order.
F_TARGET static void F(pc_input_grad)(const ck_pooled_conv_args *a) {
    const int vectors = (a->patch_width + VW - 1) / VW, tail = a->patch_width % VW;
    const F_MASK m = V_MASK(tail ? tail : VW);
    for (int c = 0; c < a->channels; c++) {
        switch (vectors > 6 ? 0 : vectors * 2 + (tail != 0)) {
            case 2: F(pc_dx_1)(a, c, m); break;
            case 3: F(pc_dx_1_partial)(a, c, m); break;
            case 4: F(pc_dx_2)(a, c, m); break;
            case 5: F(pc_dx_2_partial)(a, c, m); break;
            case 6: F(pc_dx_3)(a, c, m); break;
            case 7: F(pc_dx_3_partial)(a, c, m); break;
            case 8: F(pc_dx_4)(a, c, m); break;
            case 9: F(pc_dx_4_partial)(a, c, m); break;
            case 10: F(pc_dx_5)(a, c, m); break;
            case 11: F(pc_dx_5_partial)(a, c, m); break;
            case 12: F(pc_dx_6)(a, c, m); break;
            case 13: F(pc_dx_6_partial)(a, c, m); break;
            default: F(pc_dx_any)(a, c, m); break;   // more than 6 vectors a row
        }
    }
}

// CALL(G) for G = `rows` (1 ... 8).
#define PC_ROWS(rows, CALL) \
    switch (rows) { \
        case 1: CALL(1); break; case 2: CALL(2); break; case 3: CALL(3); break; case 4: CALL(4); break; \
        case 5: CALL(5); break; case 6: CALL(6); break; case 7: CALL(7); break; case 8: CALL(8); break; \
        default: break; \
    }
#define PC_MIN(x, y) ((x) < (y) ? (x) : (y))

// Every channel and row for vectors [v0, v0 + RV) of the patch rows: blocks of at most 8 rows
// and PC_LIMIT accumulators.
F_TARGET CK_INLINE void F(pc_columns)(const ck_pooled_conv_args *a, int v0, F_MASK mlast, const int RV, const int PARTIAL) {
    const int rows = a->patch_rows;
    // Two channels at a time when both fit (more independent sums: an FMA's latency is hidden).
    const int G2 = PC_MIN(8, PC_LIMIT / (2 * RV)), G1 = PC_MIN(8, PC_LIMIT / RV);
    int c = 0;
#define PC_TWO(G) if (G <= G2) F(pc_wgrad_block)(a, c, 0, v0, mlast, 2, G, RV, PARTIAL)
    if (rows <= G2) {
        for (; c + 2 <= a->channels; c += 2) { PC_ROWS(rows, PC_TWO) }
    }
#undef PC_TWO
#define PC_ONE(G) if (G <= G1) F(pc_wgrad_block)(a, c, row0, v0, mlast, 1, G, RV, PARTIAL)
    for (; c < a->channels; c++) {
        for (int row0 = 0; row0 < rows; row0 += G1) { PC_ROWS(PC_MIN(rows - row0, G1), PC_ONE) }
    }
#undef PC_ONE
}
#undef PC_ROWS
#undef PC_MIN

#define PC_CASE(RV) \
    F_TARGET static void F(pc_columns_##RV)(const ck_pooled_conv_args *a, int v0, F_MASK m) { F(pc_columns)(a, v0, m, RV, 0); } \
    F_TARGET static void F(pc_columns_##RV##_partial)(const ck_pooled_conv_args *a, int v0, F_MASK m) { F(pc_columns)(a, v0, m, RV, 1); }
PC_CASE(1)
PC_CASE(2)
PC_CASE(3)
PC_CASE(4)
#undef PC_CASE

// weight_grad.
F_TARGET static void F(pooled_conv_weight_grad)(const ck_pooled_conv_args *a) {
    const int vectors = (a->patch_width + VW - 1) / VW;
    const int tail = a->patch_width % VW;
    for (int v0 = 0; v0 < vectors; v0 += PC_RV) {
        const int RV = vectors - v0 < PC_RV ? vectors - v0 : PC_RV;
        const int partial = v0 + RV == vectors && tail != 0;
        const F_MASK m = V_MASK(partial ? tail : VW);
        switch (RV * 2 + partial) {
            case 2: F(pc_columns_1)(a, v0, m); break;
            case 3: F(pc_columns_1_partial)(a, v0, m); break;
            case 4: F(pc_columns_2)(a, v0, m); break;
            case 5: F(pc_columns_2_partial)(a, v0, m); break;
            case 6: F(pc_columns_3)(a, v0, m); break;
            case 7: F(pc_columns_3_partial)(a, v0, m); break;
            case 8: F(pc_columns_4)(a, v0, m); break;
            case 9: F(pc_columns_4_partial)(a, v0, m); break;
            default: break;   // RV is 1 ... PC_RV (4)
        }
    }
}

#undef PC_LIMIT
#undef PC_RV
