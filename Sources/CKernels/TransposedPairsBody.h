// ck_transposed_pairs (TransposedPairs.c), written once for both forms (FormEnd.h lists the names a
// form defines; TP_AVX512 picks the interleave and the sigmoid store).

// out = e0 o0 e1 o1 ... of the even and odd phases' vectors: the first VW values in *low.
F_TARGET CK_INLINE void F(tp_interleave)(F_VEC e, F_VEC o, F_VEC *low, F_VEC *high) {
#if TP_AVX512
    *low = _mm512_permutex2var_ps(e, _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0), o);
    *high = _mm512_permutex2var_ps(e, _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8), o);
#else
    const __m256 l = _mm256_unpacklo_ps(e, o), h = _mm256_unpackhi_ps(e, o);
    *low = _mm256_permute2f128_ps(l, h, 0x20);
    *high = _mm256_permute2f128_ps(l, h, 0x31);
#endif
}

// Stores a vector of output values, through the sigmoid when asked (groups of eight from out).
F_TARGET CK_INLINE void F(tp_store)(float *out, F_VEC v, const int SIGMOID) {
    if (!SIGMOID) { V_STORE(out, v); return; }
#if TP_AVX512
    ck_sigmoid_store16(out, v);
#else
    ck_sigmoid_store8(out, v);
#endif
}

// acc[c][r] += the pairs [jb, je) of one column phase for CO channels x RB rows of VW columns. Every
// accumulator gets one FMA per pair either way; with 32 registers the RB inputs stay in registers,
// with 16 the CO weights (as ck_gather_rows).
F_TARGET CK_INLINE void F(tp_phase)(const float *base, long rs, const long *offsets, const float *weights, int jb, int je,
                                    const int CO, const int RB, F_VEC acc[4][8]) {
    const float *wp = weights + (long)jb * CO;
    for (int j = jb; j < je; j++, wp += CO) {
        const float *ip = base + offsets[j];
        if (F_REGISTERS >= 32) {
            F_VEC x[8];
            CK_UNROLL
            for (int r = 0; r < RB; r++) x[r] = V_LOAD(ip + r * rs);
            CK_UNROLL
            for (int c = 0; c < CO; c++) {
                const F_VEC w = V_BROADCAST(wp + c);
                CK_UNROLL
                for (int r = 0; r < RB; r++) acc[c][r] = V_FMA(x[r], w, acc[c][r]);
            }
        } else {
            F_VEC w[4];
            CK_UNROLL
            for (int c = 0; c < CO; c++) w[c] = V_BROADCAST(wp + c);
            CK_UNROLL
            for (int r = 0; r < RB; r++) {
                const F_VEC x = V_LOAD(ip + r * rs);
                CK_UNROLL
                for (int c = 0; c < CO; c++) acc[c][r] = V_FMA(x, w[c], acc[c][r]);
            }
        }
    }
}

// Row phase p, phase rows [row0, row0 + RB), columns [col0, col0 + VW) of both column phases. With 32
// registers both phases' accumulators stay in registers; with 16 the even phase's sums wait in
// `kept` (L1) while the odd phase's are taken.
F_TARGET CK_INLINE void F(tp_block)(const ck_transposed_pairs_args *a, int p, int row0, int col0, const int CO,
                                    const int RB, const int SIGMOID) {
    F_VEC even[4][8], odd[4][8];
    float kept[4][8][VW];
    const float *base = a->input + row0 * a->in_row_stride + col0;
    const long plane = (long)a->height * a->width;
    for (int q = 0; q < 2; q++) {
        F_VEC (*acc)[8] = q && F_REGISTERS >= 32 ? odd : even;
        CK_UNROLL
        for (int c = 0; c < CO; c++) {
            const F_VEC b = a->bias ? V_BROADCAST(a->bias + c) : V_ZERO();
            CK_UNROLL
            for (int r = 0; r < RB; r++) acc[c][r] = b;
        }
        const int phase = 2 * p + q;
        int jb, je;
        pair_range(a->row_pairs[phase], a->pairs[phase], row0, RB, &jb, &je);
        F(tp_phase)(base, a->in_row_stride, a->pair_offsets[phase], a->weights[phase], jb, je, CO, RB, acc);
        if (q == 0 && F_REGISTERS < 32) {
            CK_UNROLL
            for (int c = 0; c < CO; c++) {
                CK_UNROLL
                for (int r = 0; r < RB; r++) V_STORE(kept[c][r], even[c][r]);
            }
        }
    }
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        CK_UNROLL
        for (int r = 0; r < RB; r++) {
            float *out = a->output + c * plane + (long)(a->row_phases * (row0 + r) + p) * a->width + 2 * col0;
            F_VEC low, high;
            if (F_REGISTERS >= 32) F(tp_interleave)(even[c][r], odd[c][r], &low, &high);
            else F(tp_interleave)(V_LOAD(kept[c][r]), even[c][r], &low, &high);
            F(tp_store)(out, low, SIGMOID);
            F(tp_store)(out + VW, high, SIGMOID);
        }
    }
}

// Rows per block: AVX-512 2 * CO * RB accumulators, RB inputs and a weight within 32 registers; AVX2
// (one phase at a time) CO * RB accumulators, CO weights and an input within 16, as ck_gather_rows.
#if TP_AVX512
#define TP_ROWS(CO) ((CO) <= 2 ? 6 : (CO) == 3 ? 4 : 3)
#else
#define TP_ROWS(CO) ((CO) == 1 ? 8 : (CO) == 2 ? 6 : (CO) == 3 ? 4 : 3)
#endif
#define TP_TAIL_CASE(K) case K: if (K < TP_ROWS(CO)) F(tp_block)(a, p, row, col, CO, K, SIGMOID); break;

F_TARGET CK_INLINE void F(tp_all)(const ck_transposed_pairs_args *a, const int CO, const int SIGMOID) {
    for (int p = 0; p < a->row_phases; p++) {
        for (int col = 0; col < a->cols; col += VW) {
            int row = 0;
            for (; row + TP_ROWS(CO) <= a->rows; row += TP_ROWS(CO)) F(tp_block)(a, p, row, col, CO, TP_ROWS(CO), SIGMOID);
            switch (a->rows - row) {
                TP_TAIL_CASE(1) TP_TAIL_CASE(2) TP_TAIL_CASE(3) TP_TAIL_CASE(4) TP_TAIL_CASE(5) TP_TAIL_CASE(6) TP_TAIL_CASE(7)
                default: break;
            }
        }
    }
}
#undef TP_TAIL_CASE
#undef TP_ROWS

F_TARGET static void F(tp_1)(const ck_transposed_pairs_args *a) { F(tp_all)(a, 1, 0); }
F_TARGET static void F(tp_2)(const ck_transposed_pairs_args *a) { F(tp_all)(a, 2, 0); }
F_TARGET static void F(tp_3)(const ck_transposed_pairs_args *a) { F(tp_all)(a, 3, 0); }
F_TARGET static void F(tp_4)(const ck_transposed_pairs_args *a) { F(tp_all)(a, 4, 0); }
F_TARGET static void F(tp_1s)(const ck_transposed_pairs_args *a) { F(tp_all)(a, 1, 1); }
F_TARGET static void F(tp_2s)(const ck_transposed_pairs_args *a) { F(tp_all)(a, 2, 1); }
F_TARGET static void F(tp_3s)(const ck_transposed_pairs_args *a) { F(tp_all)(a, 3, 1); }
F_TARGET static void F(tp_4s)(const ck_transposed_pairs_args *a) { F(tp_all)(a, 4, 1); }

static void F(transposed_pairs)(const ck_transposed_pairs_args *a) {
    const int s = a->sigmoid != 0;
    switch (a->out_channels) {
        case 1: if (s) F(tp_1s)(a); else F(tp_1)(a); break;
        case 2: if (s) F(tp_2s)(a); else F(tp_2)(a); break;
        case 3: if (s) F(tp_3s)(a); else F(tp_3)(a); break;
        case 4: if (s) F(tp_4s)(a); else F(tp_4)(a); break;
        default: break;
    }
}
