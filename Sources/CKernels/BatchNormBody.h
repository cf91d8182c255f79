// The loops of BatchNorm.c, included once per build (F_TARGET, F(name): see BatchNorm.c).
// Every plane is walked 16 values at a time in two 8-lane accumulators, then 8, then one by one;
// the lanes are summed in a fixed tree, so the bits do not depend on the build.

F_TARGET static float F(plane_sum)(const float *p, long n) {
    bn_v8 a0 = BN_ZERO, a1 = BN_ZERO;
    long i = 0;
    for (; i + 16 <= n; i += 16) { a0 += BN_LOAD(p + i); a1 += BN_LOAD(p + i + 8); }
    if (i + 8 <= n) { a0 += BN_LOAD(p + i); i += 8; }
    a0 += a1;
    float s = BN_SUM8(a0);
    for (; i < n; i++) s += p[i];
    return s;
}

// sum (x - shift)^2 over one plane, and the residual sum (x - shift) in *residual.
F_TARGET static float F(plane_squared_differences)(const float *p, long n, float shift, float *residual) {
    bn_v8 a0 = BN_ZERO, a1 = BN_ZERO, r0 = BN_ZERO, r1 = BN_ZERO;
    const bn_v8 m = BN_SPLAT(shift);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const bn_v8 d0 = BN_LOAD(p + i) - m, d1 = BN_LOAD(p + i + 8) - m;
        a0 += d0 * d0; a1 += d1 * d1; r0 += d0; r1 += d1;
    }
    if (i + 8 <= n) { const bn_v8 d = BN_LOAD(p + i) - m; a0 += d * d; r0 += d; i += 8; }
    a0 += a1; r0 += r1;
    float s = BN_SUM8(a0), r = BN_SUM8(r0);
    for (; i < n; i++) { const float d = p[i] - shift; s += d * d; r += d; }
    *residual = r;
    return s;
}

// Each plane's moments as block_statistics takes them (plane_sum, then plane_squared_differences
// about the plane's mean rounded to a float): moments[3 p ..< 3 p + 3] = sum, squared deviations,
// residual, for the planes x[p * spatial ..< (p + 1) * spatial], p < planes.
// B planes at a time (moments_block), each with the operations of plane_sum and
// plane_squared_differences in their order (the same bits): one plane's sums are chains of
// dependent adds, so B planes' chains side by side keep the adders busy (16 planes of 256 values,
// L1-hot: 0.091 -> 0.068 ms per 128 images with B = 4; 32 planes of 64: 0.067 -> 0.060; C
// microbenchmark, 2026-11-30).
F_TARGET static inline __attribute__((always_inline)) void F(moments_block)(const float *x, long spatial, double per_value, float *moments, const int B) {
    bn_v8 a0[4], a1[4], r0[4], r1[4], m[4];
    float sum[4];
    for (int b = 0; b < B; b++) { a0[b] = BN_ZERO; a1[b] = BN_ZERO; }
    long i = 0;
    for (; i + 16 <= spatial; i += 16)
        for (int b = 0; b < B; b++) { a0[b] += BN_LOAD(x + b * spatial + i); a1[b] += BN_LOAD(x + b * spatial + i + 8); }
    if (i + 8 <= spatial) {
        for (int b = 0; b < B; b++) a0[b] += BN_LOAD(x + b * spatial + i);
        i += 8;
    }
    for (int b = 0; b < B; b++) {
        a0[b] += a1[b];
        float s = BN_SUM8(a0[b]);
        for (long k = i; k < spatial; k++) s += x[b * spatial + k];
        sum[b] = s;
        m[b] = BN_SPLAT((float)((double)s * per_value));
        a0[b] = BN_ZERO; a1[b] = BN_ZERO; r0[b] = BN_ZERO; r1[b] = BN_ZERO;
    }
    i = 0;
    for (; i + 16 <= spatial; i += 16)
        for (int b = 0; b < B; b++) {
            const bn_v8 d0 = BN_LOAD(x + b * spatial + i) - m[b], d1 = BN_LOAD(x + b * spatial + i + 8) - m[b];
            a0[b] += d0 * d0; a1[b] += d1 * d1; r0[b] += d0; r1[b] += d1;
        }
    if (i + 8 <= spatial) {
        for (int b = 0; b < B; b++) { const bn_v8 d = BN_LOAD(x + b * spatial + i) - m[b]; a0[b] += d * d; r0[b] += d; }
        i += 8;
    }
    for (int b = 0; b < B; b++) {
        a0[b] += a1[b]; r0[b] += r1[b];
        float s = BN_SUM8(a0[b]), r = BN_SUM8(r0[b]);
        const float shift = m[b][0];
        for (long k = i; k < spatial; k++) { const float d = x[b * spatial + k] - shift; s += d * d; r += d; }
        moments[3 * b] = sum[b];
        moments[3 * b + 1] = s;
        moments[3 * b + 2] = r;
    }
}

F_TARGET static void F(plane_moments)(const float *x, long planes, long spatial, float *moments) {
    const double per_value = 1.0 / (double)spatial;
    long p = 0;
    for (; p + 4 <= planes; p += 4) F(moments_block)(x + p * spatial, spatial, per_value, moments + 3 * p, 4);
    for (; p < planes; p++) F(moments_block)(x + p * spatial, spatial, per_value, moments + 3 * p, 1);
}

// sum g and sum g * (x - mean) over one plane, g = dy passed back through the activation
// (BN_GATE, from x * fscale + fshift; activation 0: g = dy).
F_TARGET static void F(plane_gradient_sums)(const float *x, const float *dy, long n, float mean,
                                            const int activation, float slope, float fscale, float fshift,
                                            float *sum_dy, float *sum_dyd) {
    bn_v8 a0 = BN_ZERO, a1 = BN_ZERO, b0 = BN_ZERO, b1 = BN_ZERO;
    const bn_v8 m = BN_SPLAT(mean), sl = BN_SPLAT(slope), fsc = BN_SPLAT(fscale), fsh = BN_SPLAT(fshift);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const bn_v8 x0 = BN_LOAD(x + i), x1 = BN_LOAD(x + i + 8);
        const bn_v8 g0 = BN_GATE(BN_LOAD(dy + i), x0, activation, sl, fsc, fsh);
        const bn_v8 g1 = BN_GATE(BN_LOAD(dy + i + 8), x1, activation, sl, fsc, fsh);
        a0 += g0; a1 += g1;
        b0 += g0 * (x0 - m); b1 += g1 * (x1 - m);
    }
    if (i + 8 <= n) {
        const bn_v8 xv = BN_LOAD(x + i);
        const bn_v8 g = BN_GATE(BN_LOAD(dy + i), xv, activation, sl, fsc, fsh);
        a0 += g; b0 += g * (xv - m); i += 8;
    }
    a0 += a1; b0 += b1;
    float sa = BN_SUM8(a0), sb = BN_SUM8(b0);
    for (; i < n; i++) {
        const float g = bn_gate1(dy[i], x[i] * fscale + fshift, activation, slope);
        sa += g; sb += g * (x[i] - mean);
    }
    *sum_dy = sa; *sum_dyd = sb;
}

// y = x * scale + shift, then activation 1 (ReLU): y < 0 -> +0; 2 (LeakyReLU): y > 0 ? y : y * slope.
F_TARGET static void F(plane_affine)(const float *x, float *y, long n, float scale, float shift,
                                     const int activation, float slope) {
    const bn_v8 sc = BN_SPLAT(scale), sh = BN_SPLAT(shift), sl = BN_SPLAT(slope), zero = BN_ZERO;
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        bn_v8 v = BN_LOAD(x + i) * sc + sh;
        if (activation == 1) {
            v = (bn_v8)((bn_vi8)v & ~(v < zero));
        } else if (activation == 2) {
            const bn_vi8 positive = v > zero;   // all bits set where v > 0
            v = (bn_v8)(((bn_vi8)v & positive) | ((bn_vi8)(v * sl) & ~positive));
        }
        BN_STORE(y + i, v);
    }
    for (; i < n; i++) {
        float v = x[i] * scale + shift;
        if (activation == 1) v = v < 0 ? 0 : v;
        else if (activation == 2) v = v > 0 ? v : v * slope;
        y[i] = v;
    }
}

// dx = scale * (g - mean_dy - (x - mean) * invstd * mean_dy_xhat)  (training), g as above.
F_TARGET static void F(plane_dx_training)(const float *x, const float *dy, float *dx, long n, float mean,
                                          float invstd, float scale, float mean_dy, float mean_dy_xhat,
                                          const int activation, float slope, float fscale, float fshift) {
    const bn_v8 m = BN_SPLAT(mean), inv = BN_SPLAT(invstd), sc = BN_SPLAT(scale), sl = BN_SPLAT(slope);
    const bn_v8 mdy = BN_SPLAT(mean_dy), mdx = BN_SPLAT(mean_dy_xhat), fsc = BN_SPLAT(fscale), fsh = BN_SPLAT(fshift);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const bn_v8 xv = BN_LOAD(x + i);
        const bn_v8 xhat = (xv - m) * inv;
        const bn_v8 g = BN_GATE(BN_LOAD(dy + i), xv, activation, sl, fsc, fsh);
        BN_STORE(dx + i, sc * (g - mdy - xhat * mdx));
    }
    for (; i < n; i++) {
        const float xhat = (x[i] - mean) * invstd;
        dx[i] = scale * (bn_gate1(dy[i], x[i] * fscale + fshift, activation, slope) - mean_dy - xhat * mean_dy_xhat);
    }
}

// dx = scale * g  (eval).
F_TARGET static void F(plane_scale)(const float *x, const float *dy, float *dx, long n, float scale,
                                    const int activation, float slope, float fscale, float fshift) {
    const bn_v8 sc = BN_SPLAT(scale), sl = BN_SPLAT(slope), fsc = BN_SPLAT(fscale), fsh = BN_SPLAT(fshift);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const bn_v8 xv = activation != 0 ? BN_LOAD(x + i) : BN_ZERO;
        BN_STORE(dx + i, sc * BN_GATE(BN_LOAD(dy + i), xv, activation, sl, fsc, fsh));
    }
    for (; i < n; i++) dx[i] = scale * bn_gate1(dy[i], activation != 0 ? x[i] * fscale + fshift : 0, activation, slope);
}

// The winners of 8 neighbouring 2x2 windows (stride 2) of an h x w plane, from the dense rows
// `top` and `bottom` (16 values each, from the windows' first column): *pooled gets the value of
// relu(x * scale + shift) as plane_affine (activation 0) then Kernels' max pooling with ReLU
// (ck_max_pool_2x2) gives it: ReLU (v < 0 -> +0) on each tap, taps visited top-left, top-right,
// bottom-left, bottom-right, a tap replacing the best when larger or NaN. *tap gets *start plus the
// winner's key: 0, k1, k2, k3 for the taps in that order (the window's flat index: keys 1, w, w + 1).
#define BN_VISIT(v, k) do { const bn_v8 v_ = (v); \
    const bn_vi8 wins_ = (v_ > best) | (v_ != v_); \
    best = (bn_v8)(((bn_vi8)v_ & wins_) | ((bn_vi8)best & ~wins_)); \
    code = (*start + (k) & wins_) | (code & ~wins_); } while (0)
F_TARGET static inline __attribute__((always_inline)) void F(windows8)(const float *top, const float *bottom, float scale,
                                                                      float shift, const bn_vi8 *start, int k1, int k2, int k3,
                                                                      bn_v8 *pooled, bn_vi8 *tap) {
    const bn_v8 zero = BN_ZERO, sc = BN_SPLAT(scale), sh = BN_SPLAT(shift);
    bn_v8 u0 = BN_LOAD(top) * sc + sh, u1 = BN_LOAD(top + 8) * sc + sh;
    bn_v8 l0 = BN_LOAD(bottom) * sc + sh, l1 = BN_LOAD(bottom + 8) * sc + sh;
    u0 = (bn_v8)((bn_vi8)u0 & ~(u0 < zero)); u1 = (bn_v8)((bn_vi8)u1 & ~(u1 < zero));
    l0 = (bn_v8)((bn_vi8)l0 & ~(l0 < zero)); l1 = (bn_v8)((bn_vi8)l1 & ~(l1 < zero));
    bn_v8 best = __builtin_shufflevector(u0, u1, 0, 2, 4, 6, 8, 10, 12, 14);
    bn_vi8 code = *start;
    BN_VISIT(__builtin_shufflevector(u0, u1, 1, 3, 5, 7, 9, 11, 13, 15), k1);
    BN_VISIT(__builtin_shufflevector(l0, l1, 0, 2, 4, 6, 8, 10, 12, 14), k2);
    BN_VISIT(__builtin_shufflevector(l0, l1, 1, 3, 5, 7, 9, 11, 13, 15), k3);
    *pooled = best;
    *tap = code;
}
#undef BN_VISIT

// The pooled output of an h x w plane (h, w even) as windows8 gives it; arg gets the winner's flat
// index (plane_start + position in the plane). ahead, pooled_ahead: see BN_PREFETCH_WINDOWS.
F_TARGET static void F(plane_affine_relu_pool)(const float *x, long h, long w, float scale, float shift,
                                               long plane_start, float *out, int *arg, long ahead, long pooled_ahead) {
    const long oh = h / 2, ow = w / 2;
    const bn_vi8 even = {0, 2, 4, 6, 8, 10, 12, 14};
    for (long oy = 0; oy < oh; oy++) {
        const float *top = x + 2 * oy * w, *bottom = top + w;
        float *o = out + oy * ow;
        int *a = arg + oy * ow;
        const int row_start = (int)(plane_start + 2 * oy * w);
        long ox = 0;
        for (; ox + 8 <= ow; ox += 8) {
            const bn_vi8 first = (bn_vi8){0, 0, 0, 0, 0, 0, 0, 0} + (int)(row_start + 2 * ox) + even;
            bn_vi8 index;
            bn_v8 best;
            F(windows8)(top + 2 * ox, bottom + 2 * ox, scale, shift, &first, 1, (int)w, (int)w + 1, &best, &index);
            BN_PREFETCH_WINDOWS(top + 2 * ox, bottom + 2 * ox, ahead, ox, o + ox, a + ox, a + ox, pooled_ahead);
            BN_STORE(o + ox, best);
            memcpy(a + ox, &index, sizeof index);
        }
        for (; ox < ow; ox++) {
            int tap;
            o[ox] = bn_window1(top + 2 * ox, bottom + 2 * ox, scale, shift, &tap);
            a[ox] = (int)(row_start + 2 * ox + (tap & 1) + (tap >> 1) * w);
        }
    }
}

// The pooling's and ReLU's backward for 8 neighbouring windows (Kernels' maxPool2dBackward(...,
// reluFused: true)): d = 0 + grad where the pooled output is positive, +0 elsewhere, handed to the
// winning tap: *te, *to, *be, *bo get d in the lanes whose winner is the window's top-left,
// top-right, bottom-left, bottom-right tap, +0 in the others. at: the windows' argmax; first: their
// top-left taps' flat indices; w: the plane's width.
F_TARGET static inline __attribute__((always_inline)) void F(window_gradients8)(const float *pooled_grad, const float *pooled,
                                                                              const int *at, const bn_vi8 *first, long w, bn_v8 *te,
                                                                              bn_v8 *to, bn_v8 *be, bn_v8 *bo) {
    const bn_v8 zero = BN_ZERO;
    const bn_vi8 zi = {0, 0, 0, 0, 0, 0, 0, 0};
    const bn_v8 d = zero + (bn_v8)((bn_vi8)BN_LOAD(pooled_grad) & (BN_LOAD(pooled) > zero));
    bn_vi8 a;
    memcpy(&a, at, sizeof a);
    const bn_vi8 offset = a - *first;
    *te = (bn_v8)((bn_vi8)d & (offset == zi)); *to = (bn_v8)((bn_vi8)d & (offset == zi + 1));
    *be = (bn_v8)((bn_vi8)d & (offset == zi + (int)w)); *bo = (bn_v8)((bn_vi8)d & (offset == zi + (int)w + 1));
}

// The gradient at the batch norm's output for one plane of plane_affine_relu_pool (window_gradients8
// over the plane, interleaved back into rows): +0 everywhere but at the positive windows' winners.
F_TARGET static void F(plane_pool_gradient)(const float *pooled_grad, const float *pooled, const int *arg,
                                            long h, long w, long plane_start, float *g) {
    const long oh = h / 2, ow = w / 2;
    const bn_vi8 even = {0, 2, 4, 6, 8, 10, 12, 14};
    for (long oy = 0; oy < oh; oy++) {
        float *top = g + 2 * oy * w, *bottom = top + w;
        const float *pg = pooled_grad + oy * ow, *py = pooled + oy * ow;
        const int *a = arg + oy * ow;
        const int row_start = (int)(plane_start + 2 * oy * w);
        long ox = 0;
        for (; ox + 8 <= ow; ox += 8) {
            const bn_vi8 first = (bn_vi8){0, 0, 0, 0, 0, 0, 0, 0} + (int)(row_start + 2 * ox) + even;
            bn_v8 te, to, be, bo;
            F(window_gradients8)(pg + ox, py + ox, a + ox, &first, w, &te, &to, &be, &bo);
            BN_STORE(top + 2 * ox, __builtin_shufflevector(te, to, 0, 8, 1, 9, 2, 10, 3, 11));
            BN_STORE(top + 2 * ox + 8, __builtin_shufflevector(te, to, 4, 12, 5, 13, 6, 14, 7, 15));
            BN_STORE(bottom + 2 * ox, __builtin_shufflevector(be, bo, 0, 8, 1, 9, 2, 10, 3, 11));
            BN_STORE(bottom + 2 * ox + 8, __builtin_shufflevector(be, bo, 4, 12, 5, 13, 6, 14, 7, 15));
        }
        for (; ox < ow; ox++) {
            const int first = (int)(row_start + 2 * ox);
            for (int k = 0; k < 4; k++) {
                (k < 2 ? top : bottom)[2 * ox + (k & 1)] = bn_window_gradient1(pg[ox], py[ox], a[ox], first, w, k);
            }
        }
    }
}

// The sums of plane_gradient_sums (activation 0) over g = plane_pool_gradient's plane, for w a
// multiple of 16, without writing g: each row's 16-value blocks of g are the top or bottom taps of
// 8 windows, so the windows' gradients go straight into the accumulators, with x's even and odd
// columns split apart. ea / oa hold plane_gradient_sums' a0 and a1 lanes of the even / odd columns
// (lane k < 4: a0's lane 2k or 2k + 1; k >= 4: a1's lane 2k - 8 or 2k - 7), eb / ob its b0 and
// b1: every lane gets the same additions in the same order, so the sums have its bits. The bottom
// taps' gradients wait in registers (or L1) for the bottom row: w <= 16 * BN_POOL_SUMS_GROUPS.
// AVX2, 128 images of 16 x 32 x 32: the sums 0.65 -> 0.52 ms (no plane of g stored and reloaded).
F_TARGET static void F(plane_pool_sums)(const float *x, const float *pooled_grad, const float *pooled, const int *arg,
                                        long h, long w, long plane_start, float mean, long ahead, long pooled_ahead,
                                        float *sum_g, float *sum_gd) {
    const long oh = h / 2, ow = w / 2;
    const bn_v8 m = BN_SPLAT(mean);
    const bn_vi8 even = {0, 2, 4, 6, 8, 10, 12, 14};
    bn_v8 ea = BN_ZERO, oa = BN_ZERO, eb = BN_ZERO, ob = BN_ZERO;
    bn_v8 bottom_e[BN_POOL_SUMS_GROUPS], bottom_o[BN_POOL_SUMS_GROUPS];   // the bottom taps' gradients of a row's windows
    for (long oy = 0; oy < oh; oy++) {
        const float *pg = pooled_grad + oy * ow, *py = pooled + oy * ow;
        const int *a = arg + oy * ow;
        const int row_start = (int)(plane_start + 2 * oy * w);
        const float *top = x + 2 * oy * w, *bottom = top + w;
        for (long ox = 0; ox < ow; ox += 8) {   // the top row's blocks
            const bn_vi8 first = (bn_vi8){0, 0, 0, 0, 0, 0, 0, 0} + (int)(row_start + 2 * ox) + even;
            bn_v8 te, to;
            F(window_gradients8)(pg + ox, py + ox, a + ox, &first, w, &te, &to, &bottom_e[ox / 8], &bottom_o[ox / 8]);
            BN_PREFETCH_WINDOWS(top + 2 * ox, bottom + 2 * ox, ahead, ox, pg + ox, py + ox, a + ox, pooled_ahead);
            const bn_v8 x0 = BN_LOAD(top + 2 * ox), x1 = BN_LOAD(top + 2 * ox + 8);
            ea += te; oa += to;
            eb += te * (__builtin_shufflevector(x0, x1, 0, 2, 4, 6, 8, 10, 12, 14) - m);
            ob += to * (__builtin_shufflevector(x0, x1, 1, 3, 5, 7, 9, 11, 13, 15) - m);
        }
        for (long ox = 0; ox < ow; ox += 8) {   // then the bottom row's
            const bn_v8 be = bottom_e[ox / 8], bo = bottom_o[ox / 8];
            const bn_v8 x0 = BN_LOAD(bottom + 2 * ox), x1 = BN_LOAD(bottom + 2 * ox + 8);
            ea += be; oa += bo;
            eb += be * (__builtin_shufflevector(x0, x1, 0, 2, 4, 6, 8, 10, 12, 14) - m);
            ob += bo * (__builtin_shufflevector(x0, x1, 1, 3, 5, 7, 9, 11, 13, 15) - m);
        }
    }
    bn_v8 a0 = __builtin_shufflevector(ea, oa, 0, 8, 1, 9, 2, 10, 3, 11), a1 = __builtin_shufflevector(ea, oa, 4, 12, 5, 13, 6, 14, 7, 15);
    bn_v8 b0 = __builtin_shufflevector(eb, ob, 0, 8, 1, 9, 2, 10, 3, 11), b1 = __builtin_shufflevector(eb, ob, 4, 12, 5, 13, 6, 14, 7, 15);
    a0 += a1; b0 += b1;
    *sum_g = BN_SUM8(a0); *sum_gd = BN_SUM8(b0);
}

// The input gradient of one plane of the pooled form: g = the gradient at the batch norm's output
// (window_gradients8 from the pooled gradient, the forward's pooled output and argmax), then
// training dx = bscale * (g - mean_dy - (x - mean) * invstd * mean_dy_xhat) (plane_dx_training),
// eval dx = bscale * g (plane_scale). Reading argmax (a quarter of x's size, plus the pooled
// output) was measured cheaper than picking each window's winner again from x: 4 taps' affine,
// ReLU and 3 compare-and-blends a window made this pass arithmetic-bound (AVX2: 1.19 -> 0.68 ms
// for 128 images of 16 x 32 x 32).
F_TARGET static void F(plane_pool_dx)(const float *x, const float *pooled_grad, const float *pooled, const int *arg,
                                      long h, long w, long plane_start, int training, float mean, float invstd,
                                      float bscale, float mean_dy, float mean_dy_xhat, long ahead, long pooled_ahead,
                                      float *dx) {
    const long oh = h / 2, ow = w / 2;
    const bn_v8 m = BN_SPLAT(mean), inv = BN_SPLAT(invstd);
    const bn_v8 bsc = BN_SPLAT(bscale), mdy = BN_SPLAT(mean_dy), mdx = BN_SPLAT(mean_dy_xhat);
    const bn_vi8 even = {0, 2, 4, 6, 8, 10, 12, 14};
#define BN_DX(xv, gv) (training ? bsc * ((gv) - mdy - ((xv) - m) * inv * mdx) : bsc * (gv))
    for (long oy = 0; oy < oh; oy++) {
        const float *top = x + 2 * oy * w, *bottom = top + w;
        float *dtop = dx + 2 * oy * w, *dbottom = dtop + w;
        const float *pg = pooled_grad + oy * ow, *py = pooled + oy * ow;
        const int *a = arg + oy * ow;
        const int row_start = (int)(plane_start + 2 * oy * w);
        long ox = 0;
        for (; ox + 8 <= ow; ox += 8) {
            const bn_vi8 first = (bn_vi8){0, 0, 0, 0, 0, 0, 0, 0} + (int)(row_start + 2 * ox) + even;
            bn_v8 te, to, be, bo;
            F(window_gradients8)(pg + ox, py + ox, a + ox, &first, w, &te, &to, &be, &bo);
            BN_PREFETCH_WINDOWS(top + 2 * ox, bottom + 2 * ox, ahead, ox, pg + ox, py + ox, a + ox, pooled_ahead);
            BN_STORE(dtop + 2 * ox, BN_DX(BN_LOAD(top + 2 * ox), __builtin_shufflevector(te, to, 0, 8, 1, 9, 2, 10, 3, 11)));
            BN_STORE(dtop + 2 * ox + 8, BN_DX(BN_LOAD(top + 2 * ox + 8), __builtin_shufflevector(te, to, 4, 12, 5, 13, 6, 14, 7, 15)));
            BN_STORE(dbottom + 2 * ox, BN_DX(BN_LOAD(bottom + 2 * ox), __builtin_shufflevector(be, bo, 0, 8, 1, 9, 2, 10, 3, 11)));
            BN_STORE(dbottom + 2 * ox + 8, BN_DX(BN_LOAD(bottom + 2 * ox + 8), __builtin_shufflevector(be, bo, 4, 12, 5, 13, 6, 14, 7, 15)));
        }
        for (; ox < ow; ox++) {
            const int first = (int)(row_start + 2 * ox);
            for (int k = 0; k < 4; k++) {
                const float xk = (k < 2 ? top : bottom)[2 * ox + (k & 1)];
                const float gk = bn_window_gradient1(pg[ox], py[ox], a[ox], first, w, k);
                const float v = training ? bscale * (gk - mean_dy - (xk - mean) * invstd * mean_dy_xhat) : bscale * gk;
                (k < 2 ? dtop : dbottom)[2 * ox + (k & 1)] = v;
            }
        }
    }
#undef BN_DX
}

// The statistics of the channels [c0, c1) (a block of at most BN_BLOCK), then each one's
// y = x * scale + shift: training takes the batch's (writes save_mean, save_invstd,
// batch_variance), eval the running ones (writes save_mean, save_invstd).
F_TARGET static void F(block_statistics)(const float *x, long batch, long channels, long spatial, long c0, long c1,
                                         const float *weight, const float *bias, float eps,
                                         const float *running_mean, const float *running_var,
                                         float *save_mean, float *save_invstd, float *batch_variance,
                                         const float *moments, float *scale, float *shift) {
    const double m = (double)batch * (double)spatial;
    if (running_mean) {
        for (long c = c0; c < c1; c++) {
            save_mean[c] = running_mean[c];
            save_invstd[c] = (float)(1.0 / sqrt((double)running_var[c] + (double)eps));
        }
    } else {
        // One read of the input: each plane's sum, then (while the plane is in the cache) the squared
        // deviations d^2 and residuals d about a shift, the plane's mean rounded to a float: its sum of
        // squared deviations about its own mean is sum d^2 - (sum d)^2 / n (the corrected two-pass
        // formula: small deviations, no large sums subtracted). The planes are merged in double by
        // Chan, Golub and LeVeque's pairwise update (count, mean, sum of squared deviations). More
        // accurate than the two passes about the batch mean it replaces (a test checks offset,
        // narrow data against a double two-pass variance). The mean is sum of the planes' sums / M.
        double total[BN_BLOCK] = {0}, merged_mean[BN_BLOCK] = {0}, squares[BN_BLOCK] = {0};
        const double plane_count = (double)spatial, per_value = 1.0 / plane_count;
        // Planes in groups of about 16 KB: all sums of a group first, then all squared deviations, so
        // small planes do not wait on each sum's latency (the group stays in the L1 cache).
        const long group = spatial >= 4096 ? 1 : (4096 / spatial < BN_BLOCK ? 4096 / spatial : BN_BLOCK);
        for (long n = 0; n < batch; n++) {
            const double before = (double)n * plane_count, weight_new = plane_count / (before + plane_count);
            for (long g0 = c0; g0 < c1; g0 += group) {
                const long g1 = g0 + group < c1 ? g0 + group : c1;
                float shift[BN_BLOCK];
                for (long c = g0; c < g1; c++) {
                    const float sum = moments ? moments[3 * (n * channels + c)] : F(plane_sum)(x + (n * channels + c) * spatial, spatial);
                    total[c - c0] += (double)sum;
                    shift[c - g0] = (float)((double)sum * per_value);
                }
                for (long c = g0; c < g1; c++) {
                    const long k = c - c0;
                    float residual;
                    double squared;
                    if (moments) {
                        squared = (double)moments[3 * (n * channels + c) + 1];
                        residual = moments[3 * (n * channels + c) + 2];
                    } else {
                        squared = (double)F(plane_squared_differences)(x + (n * channels + c) * spatial, spatial,
                                                                       shift[c - g0], &residual);
                    }
                    const double mean_residual = (double)residual * per_value;
                    const double plane_squares = squared - (double)residual * mean_residual;
                    const double plane_mean = (double)shift[c - g0] + mean_residual;
                    const double delta = plane_mean - merged_mean[k];
                    merged_mean[k] += delta * weight_new;
                    squares[k] += plane_squares + delta * delta * before * weight_new;
                }
            }
        }
        for (long c = c0; c < c1; c++) {
            save_mean[c] = (float)(total[c - c0] / m);
            const double variance = squares[c - c0] < 0 ? 0 : squares[c - c0] / m;   // rounding below 0; NaN stays
            save_invstd[c] = (float)(1.0 / sqrt(variance + (double)eps));
            batch_variance[c] = (float)variance;
        }
    }
    for (long c = c0; c < c1; c++) {
        scale[c - c0] = save_invstd[c] * (weight ? weight[c] : 1.0f);
        shift[c - c0] = (bias ? bias[c] : 0.0f) - save_mean[c] * scale[c - c0];
    }
}

// Channels BN_BLOCK at a time; within a block every pass walks the images in order, so memory is
// read in long runs (a channel's planes alone are a page each, too short for the prefetchers).
// moments != NULL (training): every plane's plane_moments, taken by whoever wrote x while it was in
// the cache; the statistics then do not read x (the same bits).
// pooled != NULL: ReLU and 2x2 max pooling of the output (plane_affine_relu_pool; spatial = h * w),
// written to pooled and argmax instead of y.
F_TARGET static void F(forward)(const float *x, long batch, long channels, long spatial, long c_begin, long c_end,
                                const float *weight, const float *bias, float eps,
                                const float *running_mean, const float *running_var, int activation, float slope,
                                float *y, float *save_mean, float *save_invstd, float *batch_variance,
                                long h, long w, float *pooled, int *argmax, const float *moments) {
    for (long c0 = c_begin; c0 < c_end; c0 += BN_BLOCK) {
        const long c1 = c0 + BN_BLOCK < c_end ? c0 + BN_BLOCK : c_end;
        float scale[BN_BLOCK], shift[BN_BLOCK];
        F(block_statistics)(x, batch, channels, spatial, c0, c1, weight, bias, eps, running_mean, running_var,
                            save_mean, save_invstd, batch_variance, moments, scale, shift);
        for (long n = 0; n < batch; n++) {
            for (long c = c0; c < c1; c++) {
                const long offset = (n * channels + c) * spatial;
                if (pooled) {
                    const long pooled_offset = (n * channels + c) * (h / 2) * (w / 2);
                    const long ahead = bn_planes_ahead(n, c, batch, channels, c0, c1);
                    F(plane_affine_relu_pool)(x + offset, h, w, scale[c - c0], shift[c - c0], offset,
                                              pooled + pooled_offset, argmax + pooled_offset, ahead * spatial,
                                              ahead * (spatial / 4));
                    continue;
                }
                switch (activation) {
                    case 1: F(plane_affine)(x + offset, y + offset, spatial, scale[c - c0], shift[c - c0], 1, slope); break;
                    case 2: F(plane_affine)(x + offset, y + offset, spatial, scale[c - c0], shift[c - c0], 2, slope); break;
                    default: F(plane_affine)(x + offset, y + offset, spatial, scale[c - c0], shift[c - c0], 0, slope); break;
                }
            }
        }
    }
}

F_TARGET static inline __attribute__((always_inline)) void F(backward_channels)(const float *x, const float *dy, const float *bias, long batch, long channels,
                                            long spatial, long c_begin, long c_end, const float *weight, const float *mean,
                                            const float *invstd, int training, const int activation, float slope,
                                            float *dx, float *grad_weight, float *grad_bias) {
    const double m = (double)batch * (double)spatial;
    for (long c0 = c_begin; c0 < c_end; c0 += BN_BLOCK) {
        const long c1 = c0 + BN_BLOCK < c_end ? c0 + BN_BLOCK : c_end;
        double sum_dy[BN_BLOCK] = {0}, sum_dy_xhat[BN_BLOCK] = {0};
        float fscale[BN_BLOCK], fshift[BN_BLOCK];
        bn_forward_affine(c0, c1, weight, bias, mean, invstd, fscale, fshift);
        for (long n = 0; n < batch; n++) {
            for (long c = c0; c < c1; c++) {
                const long offset = (n * channels + c) * spatial;
                float a, b;
                F(plane_gradient_sums)(x + offset, dy + offset, spatial, mean[c], activation, slope, fscale[c - c0], fshift[c - c0], &a, &b);
                sum_dy[c - c0] += (double)a;
                sum_dy_xhat[c - c0] += (double)b;
            }
        }
        float scale[BN_BLOCK], mean_dy[BN_BLOCK], mean_dy_xhat[BN_BLOCK];
        bn_gradient_coefficients(c0, c1, m, weight, invstd, sum_dy, sum_dy_xhat, grad_weight, grad_bias,
                                 scale, mean_dy, mean_dy_xhat);
        if (!dx) continue;
        for (long n = 0; n < batch; n++) {
            for (long c = c0; c < c1; c++) {
                const long offset = (n * channels + c) * spatial, k = c - c0;
                if (training) F(plane_dx_training)(x + offset, dy + offset, dx + offset, spatial, mean[c], invstd[c],
                                                   scale[k], mean_dy[k], mean_dy_xhat[k], activation, slope, fscale[k], fshift[k]);
                else F(plane_scale)(x + offset, dy + offset, dx + offset, spatial, scale[k], activation, slope, fscale[k], fshift[k]);
            }
        }
    }
}

// One copy of the loops per activation (a constant inside them).
F_TARGET static void F(backward)(const float *x, const float *dy, const float *bias, long batch, long channels, long spatial,
                                 long c_begin, long c_end, const float *weight, const float *mean, const float *invstd,
                                 int training, int activation, float slope, float *dx, float *grad_weight, float *grad_bias) {
    switch (activation) {
        case 1: F(backward_channels)(x, dy, bias, batch, channels, spatial, c_begin, c_end, weight, mean, invstd, training,
                                     1, slope, dx, grad_weight, grad_bias); break;
        case 2: F(backward_channels)(x, dy, bias, batch, channels, spatial, c_begin, c_end, weight, mean, invstd, training,
                                     2, slope, dx, grad_weight, grad_bias); break;
        default: F(backward_channels)(x, dy, bias, batch, channels, spatial, c_begin, c_end, weight, mean, invstd, training,
                                      0, slope, dx, grad_weight, grad_bias); break;
    }
}

// The pooled form's backward (ck_batch_norm_relu_pool_backward), first half: the sums over the
// batch, from the pooled gradient, pooled output and argmax: straight from the windows
// (plane_pool_sums) when the width allows, else each plane's gradient at the batch norm's output
// rebuilt in g (h * w floats, plane_pool_gradient) and summed. coefficients[BN_COEFFICIENTS * c
// ...]: what the input gradient of channel c needs.
F_TARGET static void F(backward_pooled_sums)(const float *x, const float *pooled_grad, const float *pooled,
                                             const int *argmax, long batch, long channels, long h, long w,
                                             long c_begin, long c_end, const float *weight, const float *mean,
                                             const float *invstd, float *grad_weight, float *grad_bias,
                                             float *coefficients, float *g) {
    const long spatial = h * w, pooled_spatial = spatial / 4;
    const double m = (double)batch * (double)spatial;
    for (long c0 = c_begin; c0 < c_end; c0 += BN_BLOCK) {
        const long c1 = c0 + BN_BLOCK < c_end ? c0 + BN_BLOCK : c_end;
        double sum_dy[BN_BLOCK] = {0}, sum_dy_xhat[BN_BLOCK] = {0};
        for (long n = 0; n < batch; n++) {
            for (long c = c0; c < c1; c++) {
                const long plane = n * channels + c, offset = plane * spatial, p = plane * pooled_spatial;
                float a, b;
                if (w % 16 == 0 && w <= 16 * BN_POOL_SUMS_GROUPS) {
                    const long ahead = bn_planes_ahead(n, c, batch, channels, c0, c1);
                    F(plane_pool_sums)(x + offset, pooled_grad + p, pooled + p, argmax + p, h, w, offset, mean[c],
                                       ahead * spatial, ahead * pooled_spatial, &a, &b);
                } else {
                    F(plane_pool_gradient)(pooled_grad + p, pooled + p, argmax + p, h, w, offset, g);
                    F(plane_gradient_sums)(x + offset, g, spatial, mean[c], 0, 0, 0, 0, &a, &b);
                }
                sum_dy[c - c0] += (double)a;
                sum_dy_xhat[c - c0] += (double)b;
            }
        }
        float scale[BN_BLOCK], mean_dy[BN_BLOCK], mean_dy_xhat[BN_BLOCK];
        bn_gradient_coefficients(c0, c1, m, weight, invstd, sum_dy, sum_dy_xhat, grad_weight, grad_bias,
                                 scale, mean_dy, mean_dy_xhat);
        for (long c = c0; c < c1; c++) {
            float *k = coefficients + BN_COEFFICIENTS * c;
            k[0] = scale[c - c0]; k[1] = mean_dy[c - c0]; k[2] = mean_dy_xhat[c - c0];
        }
    }
}

// Second half: the input gradient of image n's channels [c_begin, c_end) into dx (the image's
// [channels][h][w]) (plane_pool_dx).
F_TARGET static void F(pooled_input_gradient)(const float *x, const float *pooled_grad, const float *pooled,
                                              const int *argmax, long n, long channels, long h,
                                              long w, long c_begin, long c_end, const float *mean, const float *invstd,
                                              int training, const float *coefficients, float *dx) {
    const long spatial = h * w, pooled_spatial = spatial / 4;
    for (long c = c_begin; c < c_end; c++) {
        const long plane = n * channels + c;
        const float *k = coefficients + BN_COEFFICIENTS * c;
        const long ahead = c + 1 < c_end ? 1 : 0;   // the next plane of this image (the next image's come later)
        F(plane_pool_dx)(x + plane * spatial, pooled_grad + plane * pooled_spatial, pooled + plane * pooled_spatial,
                         argmax + plane * pooled_spatial, h, w, plane * spatial, training, mean[c], invstd[c], k[0], k[1],
                         k[2], ahead * spatial, ahead * pooled_spatial, dx + c * spatial);
    }
}

// ---- The image-split forms (ck_batch_norm_statistics, _apply, _gradient_sums, _gradient_input) ----
// Each pass walks whole images (all channels of image n, then of n + 1), so a part of the batch
// is one run of memory, and the same images as the convolutions' slices (the same core's cache).
// The per-plane arithmetic is the channel-range form's, and every sum across planes is taken in
// image order by one serial loop, so the bits are those of ck_batch_norm_forward / _backward.

// The statistics of all channels (block_statistics, BN_BLOCK channels at a time), and scale, shift.
F_TARGET static void F(statistics)(long batch, long channels, long spatial, const float *weight, const float *bias,
                                   float eps, const float *running_mean, const float *running_var,
                                   const float *moments, float *save_mean, float *save_invstd, float *batch_variance,
                                   float *scale, float *shift) {
    for (long c0 = 0; c0 < channels; c0 += BN_BLOCK) {
        const long c1 = c0 + BN_BLOCK < channels ? c0 + BN_BLOCK : channels;
        F(block_statistics)(0, batch, channels, spatial, c0, c1, weight, bias, eps, running_mean, running_var,
                            save_mean, save_invstd, batch_variance, moments, scale + c0, shift + c0);
    }
}

// y = x * scale[c] + shift[c], then the activation, over `images` whole images.
F_TARGET static void F(apply)(const float *x, float *y, long images, long channels, long spatial,
                              const float *scale, const float *shift, int activation, float slope) {
    const long prefetched = spatial < BN_DX_AHEAD ? spatial : BN_DX_AHEAD;
    for (long p = 0; p < images * channels; p++) {
        const long c = p % channels, offset = p * spatial;
        for (long i = 0; i < prefetched; i += 16) __builtin_prefetch(x + offset + BN_DX_AHEAD + i);
        switch (activation) {
            case 1: F(plane_affine)(x + offset, y + offset, spatial, scale[c], shift[c], 1, slope); break;
            case 2: F(plane_affine)(x + offset, y + offset, spatial, scale[c], shift[c], 2, slope); break;
            default: F(plane_affine)(x + offset, y + offset, spatial, scale[c], shift[c], 0, slope); break;
        }
    }
}

// apply for one image, each plane row by row into the interior of a wider plane (ck_batch_norm_apply_rows).
// Both read x out of the caches (a convolution asks for each image long after it was written) and
// ask for the lines BN_DX_AHEAD floats ahead as the input gradient does: AVX2, 128 images of
// 16 x 16 x 16 out of the caches, apply_rows 0.33-0.34 -> 0.25-0.27 ms; 32 x 8 x 8: 0.228 -> 0.162.
F_TARGET static void F(apply_rows)(const float *x, long channels, long height, long width, float *dst, long dst_plane,
                                   long dst_row_stride, const float *scale, const float *shift, int activation,
                                   float slope) {
    const long spatial = height * width, prefetched = spatial < BN_DX_AHEAD ? spatial : BN_DX_AHEAD;
    for (long c = 0; c < channels; c++) {
        for (long i = 0; i < prefetched; i += 16) __builtin_prefetch(x + c * spatial + BN_DX_AHEAD + i);
        for (long r = 0; r < height; r++) {
            const float *s = x + (c * height + r) * width;
            float *d = dst + c * dst_plane + r * dst_row_stride;
            switch (activation) {
                case 1: F(plane_affine)(s, d, width, scale[c], shift[c], 1, slope); break;
                case 2: F(plane_affine)(s, d, width, scale[c], shift[c], 2, slope); break;
                default: F(plane_affine)(s, d, width, scale[c], shift[c], 0, slope); break;
            }
        }
    }
}

// Each plane's plane_gradient_sums into sums[2 p], sums[2 p + 1], over `images` whole images.
F_TARGET static inline __attribute__((always_inline)) void F(gradient_sums_with)(
        const float *x, const float *dy, long images, long channels, long spatial, const float *mean,
        const float *fscale, const float *fshift, const int activation, float slope, float *sums) {
    for (long p = 0; p < images * channels; p++) {
        const long c = p % channels, offset = p * spatial;
        F(plane_gradient_sums)(x + offset, dy + offset, spatial, mean[c], activation, slope, fscale[c], fshift[c],
                               &sums[2 * p], &sums[2 * p + 1]);
    }
}
F_TARGET static void F(gradient_sums)(const float *x, const float *dy, long images, long channels, long spatial,
                                      const float *mean, const float *fscale, const float *fshift, int activation,
                                      float slope, float *sums) {
    switch (activation) {
        case 1: F(gradient_sums_with)(x, dy, images, channels, spatial, mean, fscale, fshift, 1, slope, sums); break;
        case 2: F(gradient_sums_with)(x, dy, images, channels, spatial, mean, fscale, fshift, 2, slope, sums); break;
        default: F(gradient_sums_with)(x, dy, images, channels, spatial, mean, fscale, fshift, 0, slope, sums); break;
    }
}

// dx of `images` whole images from the channels' terms (plane_dx_training, or plane_scale in eval).
F_TARGET static inline __attribute__((always_inline)) void F(gradient_input_with)(
        const float *x, const float *dy, float *dx, long images, long channels, long spatial, const float *mean,
        const float *invstd, const float *terms, int training, const int activation, float slope) {
    const float *scale = terms, *mean_dy = terms + channels, *mean_dy_xhat = terms + 2 * channels;
    const float *fscale = terms + 3 * channels, *fshift = terms + 4 * channels;
    const long prefetched = spatial < BN_DX_AHEAD ? spatial : BN_DX_AHEAD;
    for (long p = 0; p < images * channels; p++) {
        const long c = p % channels, offset = p * spatial;
        for (long i = 0; i < prefetched; i += 16) {
            __builtin_prefetch(x + offset + BN_DX_AHEAD + i);
            __builtin_prefetch(dy + offset + BN_DX_AHEAD + i);
        }
        if (training) F(plane_dx_training)(x + offset, dy + offset, dx + offset, spatial, mean[c], invstd[c], scale[c],
                                           mean_dy[c], mean_dy_xhat[c], activation, slope, fscale[c], fshift[c]);
        else F(plane_scale)(x + offset, dy + offset, dx + offset, spatial, scale[c], activation, slope, fscale[c], fshift[c]);
    }
}
F_TARGET static void F(gradient_input)(const float *x, const float *dy, float *dx, long images, long channels,
                                       long spatial, const float *mean, const float *invstd, const float *terms,
                                       int training, int activation, float slope) {
    switch (activation) {
        case 1: F(gradient_input_with)(x, dy, dx, images, channels, spatial, mean, invstd, terms, training, 1, slope); break;
        case 2: F(gradient_input_with)(x, dy, dx, images, channels, spatial, mean, invstd, terms, training, 2, slope); break;
        default: F(gradient_input_with)(x, dy, dx, images, channels, spatial, mean, invstd, terms, training, 0, slope); break;
    }
}
