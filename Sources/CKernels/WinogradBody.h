// Pass 3 of ck_winograd (Winograd.c), written once for every form (FormEnd.h): for each of the 16
// transform positions xi, M[xi][k][t] = sum over c in order of U[xi][k][c] * V[xi][c][t], one FMA
// per channel from zero, tiles t in vector lanes. The includer defines WINO_TILES and WINO_OUTS:
// the register block (tile vectors x output channels; accumulators, one tile vector and the
// channels' broadcast weights within F_REGISTERS).

// TB tile vectors from t0 x KB output channels from k0.
F_TARGET CK_INLINE void F(wino_block)(const float *v, const float *u, float *m, long T, int cin, long t0, int k0,
                                      const int TB, const int KB) {
    F_VEC acc[WINO_TILES][WINO_OUTS];
    CK_UNROLL
    for (int i = 0; i < TB; i++) {
        CK_UNROLL
        for (int j = 0; j < KB; j++) acc[i][j] = V_ZERO();
    }
    const float *up = u + (long)k0 * cin;
    const float *vp = v + t0;
    for (int c = 0; c < cin; c++, vp += T) {
        F_VEC w[WINO_OUTS];
        CK_UNROLL
        for (int j = 0; j < KB; j++) w[j] = V_BROADCAST(up + (long)j * cin + c);
        CK_UNROLL
        for (int i = 0; i < TB; i++) {
            const F_VEC x = V_LOAD(vp + i * VW);
            CK_UNROLL
            for (int j = 0; j < KB; j++) acc[i][j] = V_FMA(x, w[j], acc[i][j]);
        }
    }
    CK_UNROLL
    for (int i = 0; i < TB; i++) {
        CK_UNROLL
        for (int j = 0; j < KB; j++) V_STORE(m + (long)(k0 + j) * T + t0 + i * VW, acc[i][j]);
    }
}

// Output channels in the fewest blocks of at most WINO_OUTS, as even as possible (16 channels in
// blocks of 3: 3, 3, 3, 3, 2, 2, not 3, 3, 3, 3, 3, 1: a block of one channel has too few
// accumulators to hide the FMA latency). The sums are the same.
#define WK(TB, K) case K: if (K < WINO_OUTS) F(wino_block)(v, u, m, T, cin, t0, k0, TB, K); break;
#define WINO_OUT_BLOCKS(TB) \
    for (int block = 0, k0 = 0; block < blocks; block++) { \
        const int kb = even + (block < longer); \
        if (kb == WINO_OUTS) { F(wino_block)(v, u, m, T, cin, t0, k0, TB, WINO_OUTS); } \
        else { switch (kb) { WK(TB, 1) WK(TB, 2) WK(TB, 3) WK(TB, 4) WK(TB, 5) WK(TB, 6) WK(TB, 7) default: break; } } \
        k0 += kb; \
    }
#define WT(TB) case TB: if (TB < WINO_TILES) { WINO_OUT_BLOCKS(TB) } break;

F_TARGET static void F(wino_products)(const ck_winograd_args *a, const wino_layout *l) {
    const long T = l->tiles;
    const int cin = a->in_channels, cout = a->out_channels;
    const long vectors = T / VW;
    const int blocks = (cout + WINO_OUTS - 1) / WINO_OUTS, even = cout / blocks, longer = cout % blocks;
    for (int xi = 0; xi < 16; xi++) {
        const float *v = l->v + xi * l->v_xi;
        const float *u = a->u + (long)xi * cout * cin;
        float *m = l->m + xi * l->m_xi;
        for (long tb0 = 0; tb0 < vectors; tb0 += WINO_TILES) {
            const long t0 = tb0 * VW;
            const int tb = vectors - tb0 < WINO_TILES ? (int)(vectors - tb0) : WINO_TILES;
            if (tb == WINO_TILES) { WINO_OUT_BLOCKS(WINO_TILES) }
            else { switch (tb) { WT(1) WT(2) WT(3) WT(4) WT(5) default: break; } }
        }
    }
}
#undef WT
#undef WK
#undef WINO_OUT_BLOCKS
#undef WINO_TILES
#undef WINO_OUTS
