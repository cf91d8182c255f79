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
    for (int row0 = 0; row0 < a->rows; row0 += group) {
        const int row1 = row0 + group < a->rows ? row0 + group : a->rows;
        CK_UNROLL
        for (int j = 0; j < J; j++) { acc0[j] = V_ZERO(); acc1[j] = V_ZERO(); }
        for (int row = row0; row < row1; row++) {
            const float *ip = a->input + row * a->in_row_stride;
            const float *gp = a->grad + row * a->grad_row_stride + k0;
            const long gs = a->grad_col_stride;
            int col = 0;
            if (Q > 1) {
                for (; col + Q <= a->cols; col += Q, ip += Q * cs, gp += Q * gs) {
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
            for (; col < a->cols; col++, ip += cs, gp += gs) {
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
