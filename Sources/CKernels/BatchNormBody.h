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

F_TARGET static float F(plane_squared_differences)(const float *p, long n, float mean) {
    bn_v8 a0 = BN_ZERO, a1 = BN_ZERO;
    const bn_v8 m = BN_SPLAT(mean);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const bn_v8 d0 = BN_LOAD(p + i) - m, d1 = BN_LOAD(p + i + 8) - m;
        a0 += d0 * d0; a1 += d1 * d1;
    }
    if (i + 8 <= n) { const bn_v8 d = BN_LOAD(p + i) - m; a0 += d * d; i += 8; }
    a0 += a1;
    float s = BN_SUM8(a0);
    for (; i < n; i++) { const float d = p[i] - mean; s += d * d; }
    return s;
}

// sum dy and sum dy * (x - mean) over one plane.
F_TARGET static void F(plane_gradient_sums)(const float *x, const float *dy, long n, float mean, float *sum_dy, float *sum_dyd) {
    bn_v8 a0 = BN_ZERO, a1 = BN_ZERO, b0 = BN_ZERO, b1 = BN_ZERO;
    const bn_v8 m = BN_SPLAT(mean);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const bn_v8 g0 = BN_LOAD(dy + i), g1 = BN_LOAD(dy + i + 8);
        a0 += g0; a1 += g1;
        b0 += g0 * (BN_LOAD(x + i) - m); b1 += g1 * (BN_LOAD(x + i + 8) - m);
    }
    if (i + 8 <= n) { const bn_v8 g = BN_LOAD(dy + i); a0 += g; b0 += g * (BN_LOAD(x + i) - m); i += 8; }
    a0 += a1; b0 += b1;
    float sa = BN_SUM8(a0), sb = BN_SUM8(b0);
    for (; i < n; i++) { sa += dy[i]; sb += dy[i] * (x[i] - mean); }
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

// dx = scale * (dy - mean_dy - (x - mean) * invstd * mean_dy_xhat)  (training).
F_TARGET static void F(plane_dx_training)(const float *x, const float *dy, float *dx, long n, float mean, float invstd,
                                          float scale, float mean_dy, float mean_dy_xhat) {
    const bn_v8 m = BN_SPLAT(mean), inv = BN_SPLAT(invstd), sc = BN_SPLAT(scale);
    const bn_v8 mdy = BN_SPLAT(mean_dy), mdx = BN_SPLAT(mean_dy_xhat);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const bn_v8 xhat = (BN_LOAD(x + i) - m) * inv;
        BN_STORE(dx + i, sc * (BN_LOAD(dy + i) - mdy - xhat * mdx));
    }
    for (; i < n; i++) {
        const float xhat = (x[i] - mean) * invstd;
        dx[i] = scale * (dy[i] - mean_dy - xhat * mean_dy_xhat);
    }
}

F_TARGET static void F(plane_scale)(const float *dy, float *dx, long n, float scale) {
    const bn_v8 sc = BN_SPLAT(scale);
    long i = 0;
    for (; i + 8 <= n; i += 8) BN_STORE(dx + i, sc * BN_LOAD(dy + i));
    for (; i < n; i++) dx[i] = scale * dy[i];
}

F_TARGET static void F(forward)(const float *x, long batch, long channels, long spatial, long c_begin, long c_end,
                                const float *weight, const float *bias, float eps,
                                const float *running_mean, const float *running_var, int activation, float slope,
                                float *y, float *save_mean, float *save_invstd, float *batch_variance) {
    const double m = (double)batch * (double)spatial;
    for (long c = c_begin; c < c_end; c++) {
        float mean, invstd;
        if (running_mean) {
            mean = running_mean[c];
            invstd = (float)(1.0 / sqrt((double)running_var[c] + (double)eps));
        } else {
            double total = 0;
            for (long n = 0; n < batch; n++) total += (double)F(plane_sum)(x + (n * channels + c) * spatial, spatial);
            mean = (float)(total / m);
            double squares = 0;
            for (long n = 0; n < batch; n++)
                squares += (double)F(plane_squared_differences)(x + (n * channels + c) * spatial, spatial, mean);
            const double variance = squares / m;
            invstd = (float)(1.0 / sqrt(variance + (double)eps));
            batch_variance[c] = (float)variance;
        }
        save_mean[c] = mean;
        save_invstd[c] = invstd;
        const float scale = invstd * (weight ? weight[c] : 1.0f);
        const float shift = (bias ? bias[c] : 0.0f) - mean * scale;
        for (long n = 0; n < batch; n++) {
            const long offset = (n * channels + c) * spatial;
            switch (activation) {
                case 1: F(plane_affine)(x + offset, y + offset, spatial, scale, shift, 1, slope); break;
                case 2: F(plane_affine)(x + offset, y + offset, spatial, scale, shift, 2, slope); break;
                default: F(plane_affine)(x + offset, y + offset, spatial, scale, shift, 0, slope); break;
            }
        }
    }
}

F_TARGET static void F(backward)(const float *x, const float *dy, long batch, long channels, long spatial,
                                 long c_begin, long c_end, const float *weight, const float *mean, const float *invstd,
                                 int training, float *dx, float *grad_weight, float *grad_bias) {
    const double m = (double)batch * (double)spatial;
    for (long c = c_begin; c < c_end; c++) {
        const float mu = mean[c], inv = invstd[c];
        double sum_dy = 0, sum_dy_xhat = 0;
        for (long n = 0; n < batch; n++) {
            const long offset = (n * channels + c) * spatial;
            float a, b;
            F(plane_gradient_sums)(x + offset, dy + offset, spatial, mu, &a, &b);
            sum_dy += (double)a;
            sum_dy_xhat += (double)b;
        }
        sum_dy_xhat *= (double)inv;
        if (grad_weight) grad_weight[c] += (float)sum_dy_xhat;
        if (grad_bias) grad_bias[c] += (float)sum_dy;
        if (!dx) continue;
        const float scale = (weight ? weight[c] : 1.0f) * inv;
        const float mean_dy = (float)(sum_dy / m), mean_dy_xhat = (float)(sum_dy_xhat / m);
        for (long n = 0; n < batch; n++) {
            const long offset = (n * channels + c) * spatial;
            if (training) F(plane_dx_training)(x + offset, dy + offset, dx + offset, spatial, mu, inv, scale, mean_dy, mean_dy_xhat);
            else F(plane_scale)(dy + offset, dx + offset, spatial, scale);
        }
    }
}
