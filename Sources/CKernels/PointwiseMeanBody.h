// ck_pointwise_mean_forward / _backward (PointwiseMean.c), written once for every form (FormEnd.h).
// The includer defines PM_R1, PM_R2: positions per forward block with one and with two vectors of
// output channels; PM_J1, PM_J2: input channels per weight-gradient block likewise, PM_JP in the
// paired form (up to 8 output channels). Output
// channels go 2 * VW at a time (V = 2 vectors, or 1 for the last VW or fewer); the last vector
// holds the lanes of its mask, all of them unless PARTIAL (plain loads then).

// The pooled sums of R positions from p: each position's vectors start from the bias and take
// the input channels in order (ck_gather's FMAs); then they join the sums in position order.
F_TARGET CK_INLINE void F(pm_forward_positions)(const float *x, long area, int in_channels, const float *w, long stride,
                                                F_MASK m0, F_MASK m1, F_VEC b0, F_VEC b1, F_VEC *sum0, F_VEC *sum1,
                                                const int V, const int PARTIAL, const int R) {
    F_VEC acc0[8], acc1[8];
    CK_UNROLL
    for (int r = 0; r < R; r++) { acc0[r] = b0; acc1[r] = b1; }
    for (int ci = 0; ci < in_channels; ci++, x += area, w += stride) {
        const F_VEC w0 = V_LOADP(w, m0, V == 1 && PARTIAL);
        const F_VEC w1 = V > 1 ? V_LOADP(w + VW, m1, PARTIAL) : V_ZERO();
        CK_UNROLL
        for (int r = 0; r < R; r++) {
            const F_VEC xr = V_BROADCAST(x + r);
            acc0[r] = V_FMA(xr, w0, acc0[r]);
            if (V > 1) acc1[r] = V_FMA(xr, w1, acc1[r]);
        }
    }
    CK_UNROLL
    for (int r = 0; r < R; r++) {
        *sum0 = V_ADD(*sum0, acc0[r]);
        if (V > 1) *sum1 = V_ADD(*sum1, acc1[r]);
    }
}

// One image's pooled outputs of channels [c0, c0 + V * VW) (the ones past out_channels dropped).
F_TARGET CK_INLINE void F(pm_forward_channels)(const ck_pointwise_mean_args *a, const float *x, const float *next,
                                               float *pooled, int c0, const int V, const int PARTIAL, const int R) {
    const long area = (long)a->height * a->width, stride = a->out_channels;
    const float *w = a->arranged + c0;
    const F_MASK m0 = V_MASK(a->out_channels - c0), m1 = V_MASK(a->out_channels - c0 - VW);
    F_VEC b0 = V_ZERO(), b1 = V_ZERO();
    if (a->bias) {
        b0 = V_LOADP(a->bias + c0, m0, 1);
        if (V > 1) b1 = V_LOADP(a->bias + c0 + VW, m1, 1);
    }
    F_VEC sum0 = V_ZERO(), sum1 = V_ZERO();
    // The next image's lines, a share with each block (`next`: NULL for none): its planes are apart
    // from this image's and the hardware prefetchers do not run ahead across them.
    const long lines = next ? (a->in_channels * area + 15) / 16 : 0, blocks = area / R > 0 ? area / R : 1;
    const long per_block = (lines + blocks - 1) / blocks;
    long line = 0;
    long p = 0;
    for (; p + R <= area; p += R) {
        for (long end = line + per_block < lines ? line + per_block : lines; line < end; line++) {
            _mm_prefetch((const char *)(next + 16 * line), _MM_HINT_T0);
        }
        F(pm_forward_positions)(x + p, area, a->in_channels, w, stride, m0, m1, b0, b1, &sum0, &sum1, V, PARTIAL, R);
    }
    for (; p < area; p++) F(pm_forward_positions)(x + p, area, a->in_channels, w, stride, m0, m1, b0, b1, &sum0, &sum1, V, PARTIAL, 1);
    float sums[2 * VW];
    V_STORE(sums, sum0);
    V_STORE(sums + VW, sum1);
    const int n = a->out_channels - c0 < V * VW ? a->out_channels - c0 : V * VW;
    for (int c = 0; c < n; c++) pooled[c0 + c] = sums[c] / a->divisor;
}

F_TARGET static void F(pm_forward)(const ck_pointwise_mean_args *a) {
    const long image = (long)a->in_channels * a->height * a->width;
    for (int n = 0; n < a->images; n++) {
        const float *x = a->input + n * image;
        float *pooled = a->pooled + (long)n * a->out_channels;
        for (int c0 = 0; c0 < a->out_channels; c0 += 2 * VW) {
            const int left = a->out_channels - c0;
            const float *next = c0 == 0 && n + 1 < a->images ? x + image : NULL;
            if (left >= 2 * VW) F(pm_forward_channels)(a, x, next, pooled, c0, 2, 0, PM_R2);
            else if (left > VW) F(pm_forward_channels)(a, x, next, pooled, c0, 2, 1, PM_R2);
            else if (left == VW) F(pm_forward_channels)(a, x, next, pooled, c0, 1, 0, PM_R1);
            else F(pm_forward_channels)(a, x, next, pooled, c0, 1, 1, PM_R1);
        }
    }
}

// The weight gradient of J input channels from ci0 and the channel vectors g0, g1 (V of them) at
// c0: per group of `group` rows (ck_weight_grad's flush_rows), sums of x * g from zero by FMA in
// position order, each added to weight_grad in turn.
F_TARGET CK_INLINE void F(pm_weight_block)(const ck_pointwise_mean_args *a, const float *x, int ci0, int c0,
                                           F_VEC g0, F_VEC g1, F_MASK m0, F_MASK m1, const int V, const int J) {
    const long area = (long)a->height * a->width;
    const long group = (long)pm_flush_rows(a->width) * a->width;
    const int K = a->out_channels;
    float *res = a->weight_grad + (long)ci0 * K + c0;
    F_VEC acc0[24], acc1[24];
    for (long p0 = 0; p0 < area; p0 += group) {
        const long p1 = p0 + group < area ? p0 + group : area;
        CK_UNROLL
        for (int j = 0; j < J; j++) { acc0[j] = V_ZERO(); acc1[j] = V_ZERO(); }
        const float *xp = x + (long)ci0 * area;
        for (long p = p0; p < p1; p++) {
            CK_UNROLL
            for (int j = 0; j < J; j++) {
                const F_VEC xj = V_BROADCAST(xp + j * area + p);
                acc0[j] = V_FMA(xj, g0, acc0[j]);
                if (V > 1) acc1[j] = V_FMA(xj, g1, acc1[j]);
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) {
            float *r = res + (long)j * K;
            V_STOREP(r, m0, 1, V_ADD(V_LOADP(r, m0, 1), acc0[j]));
            if (V > 1) V_STOREP(r + VW, m1, 1, V_ADD(V_LOADP(r + VW, m1, 1), acc1[j]));
        }
    }
}

// Up to 8 output channels (width even): ck_weight_grad's paired form (wgrad_pairs), whose every
// (channel, column parity) lane sums its positions from zero over groups of pm_flush_rows(width / 2)
// rows; the groups' sums are added lane by lane into `part` (from zero), and at the end
// weight_grad[ci][c] += part[c, even] + part[c, odd].
F_TARGET CK_INLINE void F(pm_weight_pairs_block)(const ck_pointwise_mean_args *a, const float *x, int ci0, F_VEC g,
                                                 const int J) {
    const long area = (long)a->height * a->width;
    const int width = a->width, group = pm_flush_rows(width / 2);
    F_VEC even[24], odd[24], part_even[24], part_odd[24];
    CK_UNROLL
    for (int j = 0; j < J; j++) { part_even[j] = V_ZERO(); part_odd[j] = V_ZERO(); }
    const float *xp = x + (long)ci0 * area;
    for (int row0 = 0; row0 < a->height; row0 += group) {
        const int row1 = row0 + group < a->height ? row0 + group : a->height;
        CK_UNROLL
        for (int j = 0; j < J; j++) { even[j] = V_ZERO(); odd[j] = V_ZERO(); }
        for (int row = row0; row < row1; row++) {
            for (int col = 0; col < width; col += 2) {
                const long p = (long)row * width + col;
                CK_UNROLL
                for (int j = 0; j < J; j++) {
                    even[j] = V_FMA(V_BROADCAST(xp + j * area + p), g, even[j]);
                    odd[j] = V_FMA(V_BROADCAST(xp + j * area + p + 1), g, odd[j]);
                }
            }
        }
        CK_UNROLL
        for (int j = 0; j < J; j++) { part_even[j] = V_ADD(part_even[j], even[j]); part_odd[j] = V_ADD(part_odd[j], odd[j]); }
    }
    const int K = a->out_channels;
    CK_UNROLL
    for (int j = 0; j < J; j++) {
        float e[VW], o[VW];
        V_STORE(e, part_even[j]);
        V_STORE(o, part_odd[j]);
        float *r = a->weight_grad + (long)(ci0 + j) * K;
        for (int c = 0; c < K; c++) r[c] += e[c] + o[c];
    }
}

#define PM_CASE(CALL, BLOCK, K) case K: if (K <= BLOCK) CALL(K); break;
#define PM_ENTRIES(BLOCK, CALL) \
    for (int ci0 = 0; ci0 < a->in_channels; ci0 += BLOCK) { \
        pm_prefetch_planes(next, ci0, a->in_channels - ci0 < BLOCK ? a->in_channels - ci0 : BLOCK, area); \
        pm_prefetch_planes(dx, ci0, a->in_channels - ci0 < BLOCK ? a->in_channels - ci0 : BLOCK, area); \
        switch (a->in_channels - ci0 < BLOCK ? a->in_channels - ci0 : BLOCK) { \
            PM_CASE(CALL, BLOCK, 1) PM_CASE(CALL, BLOCK, 2) PM_CASE(CALL, BLOCK, 3) PM_CASE(CALL, BLOCK, 4) \
            PM_CASE(CALL, BLOCK, 5) PM_CASE(CALL, BLOCK, 6) PM_CASE(CALL, BLOCK, 7) PM_CASE(CALL, BLOCK, 8) \
            PM_CASE(CALL, BLOCK, 9) PM_CASE(CALL, BLOCK, 10) PM_CASE(CALL, BLOCK, 11) PM_CASE(CALL, BLOCK, 12) \
            PM_CASE(CALL, BLOCK, 13) PM_CASE(CALL, BLOCK, 14) PM_CASE(CALL, BLOCK, 15) PM_CASE(CALL, BLOCK, 16) \
            PM_CASE(CALL, BLOCK, 17) PM_CASE(CALL, BLOCK, 18) PM_CASE(CALL, BLOCK, 19) PM_CASE(CALL, BLOCK, 20) \
            PM_CASE(CALL, BLOCK, 21) PM_CASE(CALL, BLOCK, 22) PM_CASE(CALL, BLOCK, 23) PM_CASE(CALL, BLOCK, 24) \
            default: break; \
        } \
    }
#define PM_ONE(J) F(pm_weight_block)(a, x, ci0, c0, g0, g1, m0, m1, 1, J)
#define PM_TWO(J) F(pm_weight_block)(a, x, ci0, c0, g0, g1, m0, m1, 2, J)
#define PM_PAIRS(J) F(pm_weight_pairs_block)(a, x, ci0, g0, J)

// `shares`: the image's g = 0 + grad / divisor, zero-padded to whole vectors. `next`: the next
// image's input (NULL for none), whose planes each block of input channels asks for.
F_TARGET static void F(pm_weight_grad)(const ck_pointwise_mean_args *a, const float *x, const float *next,
                                       const float *dx, const float *shares) {
    const long area = (long)a->height * a->width;
    if (a->out_channels <= 8) {
        const F_VEC g0 = V_LOAD(shares);
        PM_ENTRIES(PM_JP, PM_PAIRS)
        return;
    }
    for (int c0 = 0; c0 < a->out_channels; c0 += 2 * VW) {
        const F_MASK m0 = V_MASK(a->out_channels - c0), m1 = V_MASK(a->out_channels - c0 - VW);
        const F_VEC g0 = V_LOAD(shares + c0);
        if (a->out_channels - c0 > VW) {
            const F_VEC g1 = V_LOAD(shares + c0 + VW);
            PM_ENTRIES(PM_J2, PM_TWO)
        } else {
            const F_VEC g1 = V_ZERO();
            PM_ENTRIES(PM_J1, PM_ONE)
        }
    }
}
#undef PM_ONE
#undef PM_TWO
#undef PM_PAIRS
#undef PM_ENTRIES
#undef PM_CASE

// The input gradient of one image: per input channel ci the FMA chain over c of shares[c] *
// weight[c][ci] from zero, written to every position of plane ci.
F_TARGET static void F(pm_input_grad)(const ck_pointwise_mean_args *a, const float *shares, float *dx) {
    const long area = (long)a->height * a->width;
    const F_MASK tail = V_MASK((int)(area % VW));
    for (int ci0 = 0; ci0 < a->in_channels; ci0 += VW) {
        const int n = a->in_channels - ci0 < VW ? a->in_channels - ci0 : VW;
        const F_MASK m = V_MASK(n);
        F_VEC d = V_ZERO();
        for (int c = 0; c < a->out_channels; c++) {
            d = V_FMA(V_BROADCAST(shares + c), V_LOADP(a->weight + (long)c * a->in_channels + ci0, m, 1), d);
        }
        float values[VW];
        V_STORE(values, d);
        for (int i = 0; i < n; i++) {
            float *plane = dx + (ci0 + i) * area;
            const F_VEC v = V_BROADCAST(values + i);
            long p = 0;
            for (; p + VW <= area; p += VW) V_STORE(plane + p, v);
            if (p < area) V_STOREP(plane + p, tail, 1, v);
        }
    }
}

F_TARGET static void F(pm_backward)(const ck_pointwise_mean_args *a) {
    const long image = (long)a->in_channels * a->height * a->width;
    const long area = (long)a->height * a->width;
    float shares[PM_MAX_PADDED];
    for (int n = 0; n < a->images; n++) {
        const float *x = a->input + n * image;
        for (int c = 0; c < a->out_channels; c++) shares[c] = 0.0f + a->grad[(long)n * a->out_channels + c] / a->divisor;
        for (int c = a->out_channels; c < (a->out_channels + 2 * VW - 1) / (2 * VW) * 2 * VW; c++) shares[c] = 0.0f;
        if (a->bias_grad) pm_bias_grad(shares, a->out_channels, area / 8, a->bias_grad);
        F(pm_weight_grad)(a, x, n + 1 < a->images ? x + image : NULL, a->input_grad ? a->input_grad + n * image : NULL, shares);
        if (a->input_grad) F(pm_input_grad)(a, shares, a->input_grad + n * image);
    }
}

#undef PM_R1
#undef PM_R2
#undef PM_J1
#undef PM_J2
#undef PM_JP
