// ck_gather (DirectConvolution.c), written once for every form (FormEnd.h). The includer defines
// GATHER_ONE and GATHER_TWO: positions per register block with one vector of output channels
// (VW channels) and with two (2 * VW); accumulators, weights and an input within F_REGISTERS.
// CS is the input column stride when known at compile time (1 or 2: the stride of the
// convolution on NCHW planes), so each position's read is a constant displacement; 0 = any.

// Stores R positions' vectors of m channels (m <= 8) as m planes: out[c * plane + r].
F_TARGET CK_INLINE void F(store_planar)(const __m256 *positions, const int R, int m, float *out, long plane) {
    CK_UNROLL
    for (int g = 0; g < R; g += 8) {
        __m256 t[8];
        CK_UNROLL
        for (int i = 0; i < 8; i++) t[i] = g + i < R ? positions[g + i] : _mm256_setzero_ps();
        transpose8x8(t);
        const F_MASK8 kept = M8(R - g);
        for (int c = 0; c < m; c++) STORE8M(out + c * plane + g, kept, t[c]);
    }
}

// R positions x V vectors of VW output channels from co0; the last vector holds the lanes of m1
// (or m0 when V is 1), all of them unless PARTIAL.
F_TARGET CK_INLINE void F(gather_block)(const ck_gather_args *a, const float *in, float *out, int co0, int jb, int je,
                                        const int V, const int PARTIAL, F_MASK m0, F_MASK m1, const int R,
                                        const long CS) {
    F_VEC acc0[24], acc1[24];
    const int partial0 = V == 1 && PARTIAL, partial1 = V == 2 && PARTIAL;
    F_VEC b0 = V_ZERO(), b1 = V_ZERO();
    if (a->bias) {
        b0 = V_LOADP(a->bias + co0, m0, partial0);
        if (V > 1) b1 = V_LOADP(a->bias + co0 + VW, m1, partial1);
    }
    CK_UNROLL
    for (int r = 0; r < R; r++) { acc0[r] = b0; acc1[r] = b1; }
    const long cs = CS > 0 ? CS : a->in_col_stride;
    const int outs = a->out_channels;
    const float *wp = a->weights + (long)jb * outs + co0;
    for (int j = jb; j < je; j++, wp += outs) {
        const float *ip = in + a->pair_offsets[j];
        const F_VEC w0 = V_LOADP(wp, m0, partial0);
        F_VEC w1 = V_ZERO();
        if (V > 1) w1 = V_LOADP(wp + VW, m1, partial1);
        CK_UNROLL
        for (int r = 0; r < R; r++) {
            const F_VEC x = V_BROADCAST(ip + r * cs);
            acc0[r] = V_FMA(x, w0, acc0[r]);
            if (V > 1) acc1[r] = V_FMA(x, w1, acc1[r]);
        }
    }
    if (a->out_plane) {
        // Planar output: 8 channels x 8 positions at a time through a register transpose.
        for (int h = 0; h < V * VW / 8; h++) {
            const int m = a->out_channels - co0 - 8 * h < 8 ? a->out_channels - co0 - 8 * h : 8;
            if (m <= 0) break;
            __m256 eight[24];
            CK_UNROLL
            for (int r = 0; r < R; r++) eight[r] = V_EIGHT(h < VW / 8 ? acc0[r] : acc1[r], h % (VW / 8));
            F(store_planar)(eight, R, m, out + (long)(co0 + 8 * h) * a->out_plane, a->out_plane);
        }
        return;
    }
    const long os = a->out_col_stride;
    CK_UNROLL
    for (int r = 0; r < R; r++) {
        V_STOREP(out + r * os + co0, m0, partial0, acc0[r]);
        if (V > 1) V_STOREP(out + r * os + co0 + VW, m1, partial1, acc1[r]);
    }
}

#if GATHER_GRID
// Rows of 8 or 10 columns (own network 3's 8x8 grids: gather_row's blocks of 4 positions have 8
// accumulators, too few to hide the FMA latency on AVX2): 3 rows x 2 columns x 16 channels, 12
// accumulators, for rows whose pair ranges are the same; each value sums the same pairs in the
// same order as in gather_block (the same bits).
F_TARGET CK_INLINE void F(grid_block)(const ck_gather_args *a, int co0, int row0, int col0, int jb, int je,
                                      const long CS) {
    enum { RB = 3, CB = 2 };
    F_VEC acc0[RB * CB], acc1[RB * CB];
    const long cs = CS > 0 ? CS : a->in_col_stride;
    const float *rowp[RB];
    CK_UNROLL
    for (int r = 0; r < RB; r++) rowp[r] = a->input + (row0 + r) * a->in_row_stride + col0 * cs;
    const F_VEC b0 = a->bias ? V_LOAD(a->bias + co0) : V_ZERO();
    const F_VEC b1 = a->bias ? V_LOAD(a->bias + co0 + VW) : V_ZERO();
    CK_UNROLL
    for (int p = 0; p < RB * CB; p++) { acc0[p] = b0; acc1[p] = b1; }
    const int outs = a->out_channels;
    const float *wp = a->weights + (long)jb * outs + co0;
    for (int j = jb; j < je; j++, wp += outs) {
        const long o = a->pair_offsets[j];
        const F_VEC w0 = V_LOAD(wp), w1 = V_LOAD(wp + VW);
        CK_UNROLL
        for (int r = 0; r < RB; r++) {
            CK_UNROLL
            for (int c = 0; c < CB; c++) {
                const F_VEC x = V_BROADCAST(rowp[r] + o + c * cs);
                acc0[r * CB + c] = V_FMA(x, w0, acc0[r * CB + c]);
                acc1[r * CB + c] = V_FMA(x, w1, acc1[r * CB + c]);
            }
        }
    }
    if (a->out_plane) {
        // Planar: the 6 positions' vectors of 8 channels transposed, then each channel's row of
        // 8 lanes stored 2 at a time (lanes 0-1, 2-3, 4-5: the block's three rows).
        CK_UNROLL
        for (int h = 0; h < 2; h++) {
            __m256 t[8];
            CK_UNROLL
            for (int i = 0; i < 8; i++) t[i] = i < RB * CB ? V_EIGHT(h ? acc1[i] : acc0[i], 0) : _mm256_setzero_ps();
            transpose8x8(t);
            float *out = a->output + (long)(co0 + 8 * h) * a->out_plane + row0 * a->out_row_stride + col0;
            const long rs = a->out_row_stride;
            CK_UNROLL
            for (int c = 0; c < 8; c++) {
                float *o = out + c * a->out_plane;
                const __m128 low = _mm256_castps256_ps128(t[c]), high = _mm256_extractf128_ps(t[c], 1);
                _mm_storel_pi((__m64 *)o, low);
                _mm_storeh_pi((__m64 *)(o + rs), low);
                _mm_storel_pi((__m64 *)(o + 2 * rs), high);
            }
        }
        return;
    }
    CK_UNROLL
    for (int r = 0; r < RB; r++) {
        CK_UNROLL
        for (int c = 0; c < CB; c++) {
            float *out = a->output + (row0 + r) * a->out_row_stride + (col0 + c) * a->out_col_stride + co0;
            V_STORE(out, acc0[r * CB + c]);
            V_STORE(out + VW, acc1[r * CB + c]);
        }
    }
}

// Whether grid_all runs: 16 channels of 8-lane vectors over rows of 8 or 10 columns.
static inline int F(grids)(const ck_gather_args *a) { return VW == 8 && (a->cols == 8 || a->cols == 10); }
#endif

// One row's positions in the fewest blocks of at most BLOCK, as even as possible (8 columns and
// a block of 6: 4 + 4, not 6 + 2): a block of few positions has too few accumulators to hide the
// FMA latency (AVX2's 2-position block of 16 channels ran at half speed). The sums are the same.
#define GT(CALL, BLOCK, K) case K: if (K < BLOCK) CALL(K); break;
#define GATHER_ROW(BLOCK, CALL) \
    const int jb = a->row_pairs ? a->row_pairs[2 * row] : 0; \
    const int je = a->row_pairs ? a->row_pairs[2 * row + 1] : a->pairs; \
    const int blocks = (a->cols + BLOCK - 1) / BLOCK, even = a->cols / blocks, longer = a->cols % blocks; \
    for (int block = 0, col = 0; block < blocks; block++) { \
        const int R = even + (block < longer); \
        const float *in = a->input + row * a->in_row_stride + col * a->in_col_stride; \
        float *out = a->output + row * a->out_row_stride + col * a->out_col_stride; \
        if (R == BLOCK) { CALL(BLOCK); } else { switch (R) { \
            GT(CALL, BLOCK, 1) GT(CALL, BLOCK, 2) GT(CALL, BLOCK, 3) GT(CALL, BLOCK, 4) GT(CALL, BLOCK, 5) \
            GT(CALL, BLOCK, 6) GT(CALL, BLOCK, 7) GT(CALL, BLOCK, 8) GT(CALL, BLOCK, 9) GT(CALL, BLOCK, 10) \
            GT(CALL, BLOCK, 11) GT(CALL, BLOCK, 12) GT(CALL, BLOCK, 13) GT(CALL, BLOCK, 14) GT(CALL, BLOCK, 15) \
            GT(CALL, BLOCK, 16) GT(CALL, BLOCK, 17) GT(CALL, BLOCK, 18) GT(CALL, BLOCK, 19) GT(CALL, BLOCK, 20) \
            GT(CALL, BLOCK, 21) GT(CALL, BLOCK, 22) GT(CALL, BLOCK, 23) default: break; } } \
        col += R; \
    }

#define ONE_FULL(R) F(gather_block)(a, in, out, co0, jb, je, 1, 0, m0, m1, R, CS)
#define ONE_PARTIAL(R) F(gather_block)(a, in, out, co0, jb, je, 1, 1, m0, m1, R, CS)
#define TWO_FULL(R) F(gather_block)(a, in, out, co0, jb, je, 2, 0, m0, m1, R, CS)
#define TWO_PARTIAL(R) F(gather_block)(a, in, out, co0, jb, je, 2, 1, m0, m1, R, CS)

// Output channels 2 * VW at a time. Forms with mask registers take every vector as partial
// (a masked load costs no more there), so they build one block for each V.
F_TARGET CK_INLINE void F(gather_all)(const ck_gather_args *a, const long CS) {
    for (int co0 = 0; co0 < a->out_channels; co0 += 2 * VW) {
        const int left = a->out_channels - co0;
        const F_MASK m0 = V_MASK(left), m1 = V_MASK(left - VW);
        if (left > VW) {
#if GATHER_GRID
            if (left >= 2 * VW && F(grids)(a)) {
                // Three rows with the same pair range at a time in grid blocks, other rows alone.
                for (int row = 0; row < a->rows;) {
                    const int *rp = a->row_pairs;
                    const int three = row + 3 <= a->rows
                        && (!rp || (rp[2 * row] == rp[2 * row + 2] && rp[2 * row + 1] == rp[2 * row + 3]
                                    && rp[2 * row] == rp[2 * row + 4] && rp[2 * row + 1] == rp[2 * row + 5]));
                    if (three) {
                        const int jb = rp ? rp[2 * row] : 0, je = rp ? rp[2 * row + 1] : a->pairs;
                        for (int col = 0; col < a->cols; col += 2) F(grid_block)(a, co0, row, col, jb, je, CS);
                        row += 3;
                    } else {
                        GATHER_ROW(GATHER_TWO, TWO_FULL)
                        row++;
                    }
                }
                continue;
            }
#endif
            if (!F_MASKED && left >= 2 * VW) { for (int row = 0; row < a->rows; row++) { GATHER_ROW(GATHER_TWO, TWO_FULL) } }
            else { for (int row = 0; row < a->rows; row++) { GATHER_ROW(GATHER_TWO, TWO_PARTIAL) } }
        } else {
            if (!F_MASKED && left == VW) { for (int row = 0; row < a->rows; row++) { GATHER_ROW(GATHER_ONE, ONE_FULL) } }
            else { for (int row = 0; row < a->rows; row++) { GATHER_ROW(GATHER_ONE, ONE_PARTIAL) } }
        }
    }
}
#undef ONE_FULL
#undef ONE_PARTIAL
#undef TWO_FULL
#undef TWO_PARTIAL
#undef GATHER_ROW
#undef GT

F_TARGET static void F(gather_1)(const ck_gather_args *a) { F(gather_all)(a, 1); }
F_TARGET static void F(gather_2)(const ck_gather_args *a) { F(gather_all)(a, 2); }
F_TARGET static void F(gather_any)(const ck_gather_args *a) { F(gather_all)(a, 0); }

static void F(gather)(const ck_gather_args *a) {
    const long cs = a->in_col_stride;
    if (cs == 1) F(gather_1)(a); else if (cs == 2) F(gather_2)(a); else F(gather_any)(a);
}

#undef GATHER_ONE
#undef GATHER_TWO
#undef GATHER_GRID
