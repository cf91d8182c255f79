// ck_weight_grad (WeightGradient.c), written once for every form (FormEnd.h). The includer
// defines WGRAD_ONE and WGRAD_TWO, the weight entries per register block with one vector of
// channels (VW) and with two (2 * VW), and WGRAD_Q_ONE, WGRAD_Q_TWO, the positions per pass
// (each entry's input offset is read once for all of them; 1 = one at a time).
//
// A sum over a whole batch's positions in one register loses digits (PyTorch's GEMMs sum in
// blocks), so the registers start from zero for every group of about 32 positions
// (flush_rows) and each group's sums are then added to `result`; every form restarts at the
// same positions, so all give the same bits.

// J entries x V vectors of VW channels from k0; the last vector holds the lanes of m1 (or m0
// when V is 1), all of them unless PARTIAL.
F_TARGET CK_INLINE void F(wgrad_block)(const ck_weight_grad_args *a, int j0, int k0, const int V, const int PARTIAL,
                                       F_MASK m0, F_MASK m1, const int J, const long CS) {
    const int Q = V == 1 ? WGRAD_Q_ONE : WGRAD_Q_TWO;
    const int partial0 = V == 1 && PARTIAL, partial1 = V == 2 && PARTIAL;
    const long cs = CS > 0 ? CS : a->in_col_stride;
    F_VEC acc0[24], acc1[24];
    const int K = a->vec_channels;
    float *res = a->result + (long)j0 * K + k0;
    long off[24];
    CK_UNROLL
    for (int j = 0; j < J; j++) off[j] = a->pair_offsets[j0 + j];
    const int group = flush_rows(a->cols);
    int first, last, col_first, col_end;
    entry_rows(a, j0, j0 + J, &first, &last);
    entry_cols(a, j0, j0 + J, &col_first, &col_end);
    for (int row0 = 0; row0 < a->rows; row0 += group) {
        const int row1 = row0 + group < a->rows ? row0 + group : a->rows;
        CK_UNROLL
        for (int j = 0; j < J; j++) { acc0[j] = V_ZERO(); acc1[j] = V_ZERO(); }
        // The groups stay where they are (the same sums in every form); rows outside
        // [first, last) and columns outside [col_first, col_end) would only add exact zeros.
        const int end = row1 < last ? row1 : last;
        for (int row = row0 > first ? row0 : first; row < end; row++) {
            const long gs = a->grad_col_stride;
            const float *ip = a->input + row * a->in_row_stride + col_first * cs;
            const float *gp = a->grad + row * a->grad_row_stride + col_first * gs + k0;
            int col = col_first;
            if (Q > 1) {
                for (; col + Q <= col_end; col += Q, ip += Q * cs, gp += Q * gs) {
                    F_VEC g[4][2];
                    CK_UNROLL
                    for (int q = 0; q < Q; q++) {
                        g[q][0] = V_LOADP(gp + q * gs, m0, partial0);
                        g[q][1] = V > 1 ? V_LOADP(gp + q * gs + VW, m1, partial1) : V_ZERO();
                    }
                    CK_UNROLL
                    for (int j = 0; j < J; j++) {
                        const float *x = ip + off[j];
                        CK_UNROLL
                        for (int q = 0; q < Q; q++) {
                            const F_VEC xq = V_BROADCAST(x + q * cs);
                            acc0[j] = V_FMA(xq, g[q][0], acc0[j]);
                            if (V > 1) acc1[j] = V_FMA(xq, g[q][1], acc1[j]);
                        }
                    }
                }
            }
            for (; col < col_end; col++, ip += cs, gp += gs) {
                const F_VEC g0 = V_LOADP(gp, m0, partial0);
                F_VEC g1 = V_ZERO();
                if (V > 1) g1 = V_LOADP(gp + VW, m1, partial1);
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    const F_VEC x = V_BROADCAST(ip + off[j]);
                    acc0[j] = V_FMA(x, g0, acc0[j]);
                    if (V > 1) acc1[j] = V_FMA(x, g1, acc1[j]);
                }
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            float *r = res + (long)j * K;
            V_STOREP(r, m0, partial0, V_ADD(V_LOADP(r, m0, partial0), acc0[j]));
            if (V > 1) V_STOREP(r + VW, m1, partial1, V_ADD(V_LOADP(r + VW, m1, partial1), acc1[j]));
        }
    }
}

// All entries, BLOCK at a time; the last block is shorter.
#define WCASE(CALL, BLOCK, K) case K: if (K <= BLOCK) CALL(K); break;
#define WGRAD_ENTRIES(BLOCK, CALL) \
    for (int j0 = 0; j0 < a->pairs; j0 += BLOCK) { \
        const int J = a->pairs - j0 < BLOCK ? a->pairs - j0 : BLOCK; \
        switch (J) { \
            WCASE(CALL, BLOCK, 1) WCASE(CALL, BLOCK, 2) WCASE(CALL, BLOCK, 3) WCASE(CALL, BLOCK, 4) \
            WCASE(CALL, BLOCK, 5) WCASE(CALL, BLOCK, 6) WCASE(CALL, BLOCK, 7) WCASE(CALL, BLOCK, 8) \
            WCASE(CALL, BLOCK, 9) WCASE(CALL, BLOCK, 10) WCASE(CALL, BLOCK, 11) WCASE(CALL, BLOCK, 12) \
            WCASE(CALL, BLOCK, 13) WCASE(CALL, BLOCK, 14) WCASE(CALL, BLOCK, 15) WCASE(CALL, BLOCK, 16) \
            WCASE(CALL, BLOCK, 17) WCASE(CALL, BLOCK, 18) WCASE(CALL, BLOCK, 19) WCASE(CALL, BLOCK, 20) \
            WCASE(CALL, BLOCK, 21) WCASE(CALL, BLOCK, 22) WCASE(CALL, BLOCK, 23) WCASE(CALL, BLOCK, 24) \
            default: break; \
        } \
    }

#define ONE_FULL(J) F(wgrad_block)(a, j0, k0, 1, 0, m0, m1, J, CS)
#define ONE_PARTIAL(J) F(wgrad_block)(a, j0, k0, 1, 1, m0, m1, J, CS)
#define TWO_FULL(J) F(wgrad_block)(a, j0, k0, 2, 0, m0, m1, J, CS)
#define TWO_PARTIAL(J) F(wgrad_block)(a, j0, k0, 2, 1, m0, m1, J, CS)

// Channels 2 * VW at a time (forms with mask registers take every vector as partial).
F_TARGET CK_INLINE void F(wgrad_all)(const ck_weight_grad_args *a, const long CS) {
    for (int k0 = 0; k0 < a->vec_channels; k0 += 2 * VW) {
        const int left = a->vec_channels - k0;
        const F_MASK m0 = V_MASK(left), m1 = V_MASK(left - VW);
        if (left > VW) {
            if (!F_MASKED && left >= 2 * VW) { WGRAD_ENTRIES(WGRAD_TWO, TWO_FULL) }
            else { WGRAD_ENTRIES(WGRAD_TWO, TWO_PARTIAL) }
        } else {
            if (!F_MASKED && left == VW) { WGRAD_ENTRIES(WGRAD_ONE, ONE_FULL) }
            else { WGRAD_ENTRIES(WGRAD_ONE, ONE_PARTIAL) }
        }
    }
}
#undef ONE_FULL
#undef ONE_PARTIAL
#undef TWO_FULL
#undef TWO_PARTIAL
#undef WGRAD_ENTRIES
#undef WCASE

#if WGRAD_PAIRS
// Up to 8 channels, adjacent input columns (in_col_stride 1) and an even number of columns: the
// positions are taken two at a time, (col, col + 1), and every (channel, parity of the column)
// "lane" has its own sum. AVX-512 holds the 16 lanes of an entry in one zmm (the even and odd
// channel values interleaved; x[col], x[col + 1] broadcast as one 64-bit pair), so each FMA does
// 16 useful multiplications instead of 8; AVX2 holds them in two ymm (even, odd: the old loop's
// speed). Each lane sums its positions from zero in every group of WP_GROUP rows (about 32
// positions a lane); the groups' sums are added lane by lane into `part`, and at the end of the
// block result[j][c] += part[c, even] + part[c, odd]. Every lane gets the same FMAs in the same
// order in both forms, so they give the same bits.
#if VW == 16
// lanes: c0 e, c0 o, c1 e, c1 o, c4 e, c4 o, c5 e, c5 o, c2 e, c2 o, c3 e, c3 o, c6 e, c6 o, c7 e, c7 o
#define WP_NV 1
#define WP_LANE(c, parity) (((c) & 3) / 2 * 8 + ((c) & 4) + ((c) & 1) * 2 + (parity))
#else
// lanes: c0 e ... c7 e (first ymm), c0 o ... c7 o (second)
#define WP_NV 2
#define WP_LANE(c, parity) ((parity) * 8 + (c))
#endif
#define WP_GROUP(cols) flush_rows((cols) / 2)

// The gradient vectors of positions (col, col + 1) in the lane order above.
// FULL: all 8 channels (plain loads; AVX2's masked load costs an extra micro-op).
F_TARGET CK_INLINE void F(wpairs_grad)(const float *gp, long gs, F_MASK8 cm, const int FULL, F_VEC out[WP_NV]) {
    const __m256 e = FULL ? _mm256_loadu_ps(gp) : LOAD8M(gp, cm), o = FULL ? _mm256_loadu_ps(gp + gs) : LOAD8M(gp + gs, cm);
#if VW == 16
    const __m512i idx = _mm512_setr_epi32(0, 16, 1, 17, 4, 20, 5, 21, 2, 18, 3, 19, 6, 22, 7, 23);
    out[0] = _mm512_permutex2var_ps(_mm512_castps256_ps512(e), idx, _mm512_castps256_ps512(o));
#else
    out[0] = e;
    out[WP_NV - 1] = o;
#endif
}

// acc[0..WP_NV) += x * g for the input values x[0], x[1] of positions (col, col + 1).
F_TARGET CK_INLINE void F(wpairs_fma)(const float *x, const F_VEC g[WP_NV], F_VEC acc[WP_NV]) {
#if VW == 16
    const F_VEC x2 = _mm512_castpd_ps(_mm512_broadcastsd_pd(_mm_load_sd((const double *)x)));
    acc[0] = V_FMA(x2, g[0], acc[0]);
#else
    acc[0] = V_FMA(V_BROADCAST(x), g[0], acc[0]);
    acc[WP_NV - 1] = V_FMA(V_BROADCAST(x + 1), g[WP_NV - 1], acc[WP_NV - 1]);
#endif
}

F_TARGET CK_INLINE void F(wpairs_block)(const ck_weight_grad_args *a, int j0, F_MASK8 cm, const int FULL, const int J) {
    F_VEC acc[24][WP_NV];
    float part[24][16];   // the groups' sums so far, lane by lane (memory: the registers hold acc)
    long off[24];
    CK_UNROLL
    for (int j = 0; j < J; j++) {
        off[j] = a->pair_offsets[j0 + j];
        CK_UNROLL
        for (int v = 0; v < WP_NV; v++) V_STORE(part[j] + v * VW, V_ZERO());
    }
    const int group = WP_GROUP(a->cols);
    const long gs = a->grad_col_stride;
    for (int row0 = 0; row0 < a->rows; row0 += group) {
        const int row1 = row0 + group < a->rows ? row0 + group : a->rows;
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            CK_UNROLL
            for (int v = 0; v < WP_NV; v++) acc[j][v] = V_ZERO();
        }
        for (int row = row0; row < row1; row++) {
            const float *ip = a->input + row * a->in_row_stride;
            const float *gp = a->grad + row * a->grad_row_stride;
            int col = 0;
            for (; col + 2 * WP_Q <= a->cols; col += 2 * WP_Q, ip += 2 * WP_Q, gp += 2 * WP_Q * gs) {
                F_VEC g[WP_Q][WP_NV];
                CK_UNROLL
                for (int q = 0; q < WP_Q; q++) F(wpairs_grad)(gp + 2 * q * gs, gs, cm, FULL, g[q]);
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    CK_UNROLL
                    for (int q = 0; q < WP_Q; q++) F(wpairs_fma)(ip + off[j] + 2 * q, g[q], acc[j]);
                }
            }
            for (; col < a->cols; col += 2, ip += 2, gp += 2 * gs) {
                F_VEC g[WP_NV];
                F(wpairs_grad)(gp, gs, cm, FULL, g);
                CK_UNROLL
                for (int j = 0; j < J; j++) F(wpairs_fma)(ip + off[j], g, acc[j]);
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            CK_UNROLL
            for (int v = 0; v < WP_NV; v++) V_STORE(part[j] + v * VW, V_ADD(V_LOAD(part[j] + v * VW), acc[j][v]));
        }
    }
    const int K = a->vec_channels;
    CK_UNROLL
    for (int j = 0; j < J; j++) {
        float *r = a->result + (long)(j0 + j) * K;
        for (int c = 0; c < K; c++) r[c] += part[j][WP_LANE(c, 0)] + part[j][WP_LANE(c, 1)];
    }
}

#define WPCASE(K) case K: if (K <= WGRAD_PAIRS) F(wpairs_block)(a, j0, cm, FULL, K); break;
F_TARGET CK_INLINE void F(wgrad_pairs_all)(const ck_weight_grad_args *a, const int FULL) {
    const F_MASK8 cm = M8(a->vec_channels);
    for (int j0 = 0; j0 < a->pairs; j0 += WGRAD_PAIRS) {
        switch (a->pairs - j0 < WGRAD_PAIRS ? a->pairs - j0 : WGRAD_PAIRS) {
            WPCASE(1) WPCASE(2) WPCASE(3) WPCASE(4) WPCASE(5) WPCASE(6) WPCASE(7) WPCASE(8)
            WPCASE(9) WPCASE(10) WPCASE(11) WPCASE(12) WPCASE(13) WPCASE(14) WPCASE(15) WPCASE(16)
            WPCASE(17) WPCASE(18) WPCASE(19) WPCASE(20) WPCASE(21) WPCASE(22) WPCASE(23) WPCASE(24)
            default: break;
        }
    }
}
F_TARGET static void F(wgrad_pairs_8)(const ck_weight_grad_args *a) { F(wgrad_pairs_all)(a, 1); }
F_TARGET static void F(wgrad_pairs_any)(const ck_weight_grad_args *a) { F(wgrad_pairs_all)(a, 0); }
static void F(wgrad_pairs)(const ck_weight_grad_args *a) {
    if (a->vec_channels == 8) F(wgrad_pairs_8)(a); else F(wgrad_pairs_any)(a);
}
#undef WPCASE
#undef WP_GROUP
#undef WP_LANE
#undef WP_NV
#endif

F_TARGET static void F(wgrad_1)(const ck_weight_grad_args *a) { F(wgrad_all)(a, 1); }
F_TARGET static void F(wgrad_2)(const ck_weight_grad_args *a) { F(wgrad_all)(a, 2); }
F_TARGET static void F(wgrad_any)(const ck_weight_grad_args *a) { F(wgrad_all)(a, 0); }

static void F(weight_grad)(const ck_weight_grad_args *a) {
    const long cs = a->in_col_stride;
    if (cs == 1) F(wgrad_1)(a); else if (cs == 2) F(wgrad_2)(a); else F(wgrad_any)(a);
}

#undef WGRAD_ONE
#undef WGRAD_TWO
#undef WGRAD_Q_ONE
#undef WGRAD_Q_TWO
#undef WGRAD_PAIRS
#undef WP_Q
