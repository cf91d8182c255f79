// ck_batch_norm_forward and ck_batch_norm_backward (see include/CBatchNorm.h). The loops
// (BatchNormBody.h) are built twice: for AVX2 + FMA CPUs (both direct paths: these loops are
// bound by memory, 8-float registers do as well as 16 here) and for any CPU.
//
// Contraction into fused multiply-adds is off: a fused a * b + c rounds once, so an AVX2 build
// would differ from the portable one.
#pragma clang fp contract(off)

#include "CBatchNorm.h"
#include "CKernelsInternal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef float bn_v8 __attribute__((vector_size(32)));
typedef int bn_vi8 __attribute__((vector_size(32)));
#define BN_ZERO ((bn_v8){0, 0, 0, 0, 0, 0, 0, 0})
#define BN_SPLAT(s) ((bn_v8){(s), (s), (s), (s), (s), (s), (s), (s)})
#define BN_LOAD(p) ({ bn_v8 v_; memcpy(&v_, (p), sizeof v_); v_; })
#define BN_STORE(p, v) do { const bn_v8 s_ = (v); memcpy((p), &s_, sizeof s_); } while (0)
// dy passed back through the activation of the output, decided from the activation's input
// a = x * fsc + fsh, recomputed with the forward's scale and shift (the same operations, so the
// same bits as the forward's; not reading the output saves a third of the backward's reads):
// 0 none; 1 ReLU (dy where a > 0, else +0, as reluBackward on the output: the output is > 0
// exactly where a is); 2 LeakyReLU with slope >= 0 (dy where a > 0, else dy * slope, as
// leakyReLUBackward).
#define BN_GATE(g, xv, activation, sl, fsc, fsh) ({ bn_v8 g_ = (g); \
    if ((activation) != 0) { const bn_vi8 up_ = (xv) * (fsc) + (fsh) > BN_ZERO; \
        g_ = (activation) == 1 ? (bn_v8)((bn_vi8)g_ & up_) : (bn_v8)(((bn_vi8)g_ & up_) | ((bn_vi8)(g_ * (sl)) & ~up_)); } \
    g_; })
static inline float bn_gate1(float g, float a, int activation, float slope) {
    return activation == 0 || a > 0 ? g : activation == 1 ? 0.0f : g * slope;
}
#define BN_BLOCK 64
// One window at a time (the last windows of a row whose width is not a multiple of 16), as
// windows8: returns the pooled value, *tap the winner's tap.
static inline float bn_window1(const float *top, const float *bottom, float scale, float shift, int *tap) {
    const float taps[4] = {top[0], top[1], bottom[0], bottom[1]};
    float best = 0;
    int at = 0;
    for (int k = 0; k < 4; k++) {
        float v = taps[k] * scale + shift;
        v = v < 0 ? 0 : v;
        if (k == 0 || v > best || v != v) { best = v; at = k; }
    }
    *tap = at;
    return best;
}

// One window of window_gradients8: the gradient at tap k (0 top-left, 1 top-right, 2 bottom-left,
// 3 bottom-right) of the window whose top-left tap has flat index first.
static inline float bn_window_gradient1(float pooled_grad, float pooled, int at, int first, long w, int k) {
    const int tap = k < 2 ? first + k : first + (int)w + k - 2;
    return pooled > 0 && at == tap ? 0.0f + pooled_grad : 0.0f;
}

// The sums of one block of channels done: grad_weight and grad_bias get them (each may be NULL),
// and each channel's coefficients of dx: scale = w invstd, mean_dy = sum_dy / M,
// mean_dy_xhat = invstd sum_dy_xhat / M (sum_dy_xhat is multiplied by invstd in place).
static void bn_gradient_coefficients(long c0, long c1, double m, const float *weight, const float *invstd,
                                     double *sum_dy, double *sum_dy_xhat, float *grad_weight, float *grad_bias,
                                     float *scale, float *mean_dy, float *mean_dy_xhat) {
    for (long c = c0; c < c1; c++) {
        const long k = c - c0;
        sum_dy_xhat[k] *= (double)invstd[c];
        if (grad_weight) grad_weight[c] += (float)sum_dy_xhat[k];
        if (grad_bias) grad_bias[c] += (float)sum_dy[k];
        scale[k] = (weight ? weight[c] : 1.0f) * invstd[c];
        mean_dy[k] = (float)(sum_dy[k] / m);
        mean_dy_xhat[k] = (float)(sum_dy_xhat[k] / m);
    }
}

// The forward's y = x * fscale + fshift for the channels [c0, c1) (block_statistics' expressions:
// the same bits), for the activation's gate and the pooled form's winners.
static void bn_forward_affine(long c0, long c1, const float *weight, const float *bias, const float *mean,
                              const float *invstd, float *fscale, float *fshift) {
    for (long c = c0; c < c1; c++) {
        fscale[c - c0] = invstd[c] * (weight ? weight[c] : 1.0f);
        fshift[c - c0] = (bias ? bias[c] : 0.0f) - mean[c] * fscale[c - c0];
    }
}

// The pooled form's passes read whole planes (x's 4 KB for 32 x 32, a quarter of that for the pooled
// arrays) that are usually out of the caches by then (the batch's x is 8 MB), and the hardware
// prefetchers stop at each page: each group of 8 windows asks for the same lines of the next plane
// the pass will read (`ahead` floats further in x, `pooled_ahead` in the pooled arrays: 0 for the
// last one). AVX2, 128 images of 16 x 32 x 32 out of the caches: the sums 1.32 -> 1.00-1.03 ms.
#define BN_PREFETCH_WINDOWS(top, bottom, ahead, ox, p0, p1, p2, pooled_ahead) do { \
    __builtin_prefetch((top) + (ahead)); __builtin_prefetch((bottom) + (ahead)); \
    if ((ox) % 16 == 0) { __builtin_prefetch((p0) + (pooled_ahead)); __builtin_prefetch((p1) + (pooled_ahead)); \
                          __builtin_prefetch((p2) + (pooled_ahead)); } } while (0)

// The image-split input gradient (ck_batch_norm_gradient_input; also apply and apply_rows, which a
// convolution's ImageInput calls) runs image by image as the
// convolution before the batch norm asks for each one, long after x and dy were written: both come
// from out of the caches, in runs of one image, and the prefetchers stop at each page. Each plane
// asks for the lines BN_DX_AHEAD floats further (of the planes after it; at an image's end, of the
// next image, which the same thread asks for next), up to BN_DX_AHEAD floats a plane. AVX2, 128
// images of 16 x 16 x 16 out of the caches: 0.455 -> 0.38 ms; 32 x 8 x 8: 0.256 -> 0.214.
#define BN_DX_AHEAD 1024L

// How many planes further the plane after (image n, channel c) is, when a pass walks the images and
// within each the channels [c0, c1); 0 after the last one.
static inline long bn_planes_ahead(long n, long c, long batch, long channels, long c0, long c1) {
    if (c + 1 < c1) return 1;
    return n + 1 < batch ? channels - (c - c0) : 0;
}

// Floats per channel between the pooled form's sums and its input gradient: dx's scale, mean_dy,
// mean_dy_xhat.
#define BN_COEFFICIENTS 3
// plane_pool_sums' widest rows: 16 * BN_POOL_SUMS_GROUPS.
#define BN_POOL_SUMS_GROUPS 8
#define BN_SUM8(v) ((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7])))

#define F_TARGET
#define F(name) name##_portable
#include "BatchNormBody.h"
#undef F_TARGET
#undef F

#if defined(__x86_64__)
#define F_TARGET CK_TARGET_AVX2
#define F(name) name##_avx2
#include "BatchNormBody.h"
#undef F_TARGET
#undef F
#endif

void ck_batch_norm_forward(ck_isa isa, const float *x, long batch, long channels, long spatial,
                           long c_begin, long c_end, const float *weight, const float *bias, float eps,
                           const float *running_mean, const float *running_var,
                           int activation, float slope, float *y,
                           float *save_mean, float *save_invstd, float *batch_variance, const float *moments) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        forward_avx2(x, batch, channels, spatial, c_begin, c_end, weight, bias, eps, running_mean, running_var,
                     activation, slope, y, save_mean, save_invstd, batch_variance, 0, 0, 0, 0, moments);
        return;
    }
#endif
    (void)isa;
    forward_portable(x, batch, channels, spatial, c_begin, c_end, weight, bias, eps, running_mean, running_var,
                     activation, slope, y, save_mean, save_invstd, batch_variance, 0, 0, 0, 0, moments);
}

void ck_batch_norm_plane_moments(ck_isa isa, const float *x, long planes, long spatial, float *moments) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) { plane_moments_avx2(x, planes, spatial, moments); return; }
#endif
    (void)isa;
    plane_moments_portable(x, planes, spatial, moments);
}

void ck_batch_norm_backward(ck_isa isa, const float *x, const float *dy, long batch, long channels, long spatial,
                            long c_begin, long c_end, const float *weight, const float *mean, const float *invstd,
                            int training, int activation, float slope, const float *bias,
                            float *dx, float *grad_weight, float *grad_bias) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        backward_avx2(x, dy, bias, batch, channels, spatial, c_begin, c_end, weight, mean, invstd, training, activation, slope, dx,
                      grad_weight, grad_bias);
        return;
    }
#endif
    (void)isa;
    backward_portable(x, dy, bias, batch, channels, spatial, c_begin, c_end, weight, mean, invstd, training, activation, slope, dx,
                      grad_weight, grad_bias);
}

void ck_batch_norm_relu_pool_forward(ck_isa isa, const float *x, long batch, long channels, long height, long width,
                                     long c_begin, long c_end, const float *weight, const float *bias, float eps,
                                     const float *running_mean, const float *running_var, float *pooled, int *argmax,
                                     float *save_mean, float *save_invstd, float *batch_variance, const float *moments) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        forward_avx2(x, batch, channels, height * width, c_begin, c_end, weight, bias, eps, running_mean, running_var,
                     0, 0, 0, save_mean, save_invstd, batch_variance, height, width, pooled, argmax, moments);
        return;
    }
#endif
    (void)isa;
    forward_portable(x, batch, channels, height * width, c_begin, c_end, weight, bias, eps, running_mean, running_var,
                     0, 0, 0, save_mean, save_invstd, batch_variance, height, width, pooled, argmax, moments);
}

int ck_batch_norm_relu_pool_backward_sums(ck_isa isa, const float *x, const float *pooled_grad, const float *pooled,
                                          const int *argmax, long batch, long channels, long height, long width,
                                          long c_begin, long c_end, const float *weight, const float *mean,
                                          const float *invstd, float *grad_weight, float *grad_bias, float *coefficients) {
    // One plane of the gradient at the batch norm's output at a time (small: stays in the L1 cache).
    float *g = malloc((size_t)(height * width) * sizeof(float));
    if (!g) return -1;
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        backward_pooled_sums_avx2(x, pooled_grad, pooled, argmax, batch, channels, height, width, c_begin, c_end,
                                  weight, mean, invstd, grad_weight, grad_bias, coefficients, g);
        free(g);
        return 0;
    }
#endif
    (void)isa;
    backward_pooled_sums_portable(x, pooled_grad, pooled, argmax, batch, channels, height, width, c_begin, c_end,
                                  weight, mean, invstd, grad_weight, grad_bias, coefficients, g);
    free(g);
    return 0;
}

void ck_batch_norm_relu_pool_input_gradient(ck_isa isa, const float *x, const float *pooled_grad, const float *pooled,
                                            const int *argmax, long image,
                                            long channels, long height, long width, long c_begin, long c_end,
                                            const float *mean, const float *invstd, int training,
                                            const float *coefficients, float *dx) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        pooled_input_gradient_avx2(x, pooled_grad, pooled, argmax, image, channels, height, width, c_begin, c_end, mean, invstd, training,
                                   coefficients, dx);
        return;
    }
#endif
    (void)isa;
    pooled_input_gradient_portable(x, pooled_grad, pooled, argmax, image, channels, height, width, c_begin, c_end, mean, invstd, training,
                                   coefficients, dx);
}

int ck_batch_norm_relu_pool_backward(ck_isa isa, const float *x, const float *pooled_grad, const float *pooled,
                                     const int *argmax, long batch, long channels, long height, long width,
                                     long c_begin, long c_end, const float *weight, const float *mean,
                                     const float *invstd, int training, float *dx, float *grad_weight, float *grad_bias) {
    float *coefficients = malloc((size_t)(BN_COEFFICIENTS * channels) * sizeof(float));
    if (!coefficients) return -1;
    int status = ck_batch_norm_relu_pool_backward_sums(isa, x, pooled_grad, pooled, argmax, batch, channels, height,
                                                      width, c_begin, c_end, weight, mean, invstd, grad_weight,
                                                      grad_bias, coefficients);
    if (status == 0 && dx) {
        for (long n = 0; n < batch; n++) {
            ck_batch_norm_relu_pool_input_gradient(isa, x, pooled_grad, pooled, argmax, n, channels, height, width, c_begin, c_end,
                                                   mean, invstd, training, coefficients, dx + n * channels * height * width);
        }
    }
    free(coefficients);
    return status;
}

// ---- The image-split forms ----

void ck_batch_norm_statistics(ck_isa isa, long batch, long channels, long spatial, const float *weight,
                              const float *bias, float eps, const float *running_mean, const float *running_var,
                              const float *moments, float *save_mean, float *save_invstd, float *batch_variance,
                              float *scale, float *shift) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        statistics_avx2(batch, channels, spatial, weight, bias, eps, running_mean, running_var, moments,
                        save_mean, save_invstd, batch_variance, scale, shift);
        return;
    }
#endif
    (void)isa;
    statistics_portable(batch, channels, spatial, weight, bias, eps, running_mean, running_var, moments,
                        save_mean, save_invstd, batch_variance, scale, shift);
}

void ck_batch_norm_apply(ck_isa isa, const float *x, float *y, long images, long channels, long spatial,
                         const float *scale, const float *shift, int activation, float slope) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) { apply_avx2(x, y, images, channels, spatial, scale, shift, activation, slope); return; }
#endif
    (void)isa;
    apply_portable(x, y, images, channels, spatial, scale, shift, activation, slope);
}

void ck_batch_norm_apply_rows(ck_isa isa, const float *x, long channels, long height, long width, float *dst,
                              long dst_plane, long dst_row_stride, const float *scale, const float *shift,
                              int activation, float slope) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        apply_rows_avx2(x, channels, height, width, dst, dst_plane, dst_row_stride, scale, shift, activation, slope);
        return;
    }
#endif
    (void)isa;
    apply_rows_portable(x, channels, height, width, dst, dst_plane, dst_row_stride, scale, shift, activation, slope);
}

void ck_batch_norm_gradient_gate(long channels, const float *weight, const float *bias, const float *mean,
                                 const float *invstd, float *terms) {
    bn_forward_affine(0, channels, weight, bias, mean, invstd, terms + 3 * channels, terms + 4 * channels);
}

void ck_batch_norm_gradient_sums(ck_isa isa, const float *x, const float *dy, long images, long channels, long spatial,
                                 const float *mean, const float *terms, int activation, float slope, float *sums) {
    const float *fscale = terms + 3 * channels, *fshift = terms + 4 * channels;
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        gradient_sums_avx2(x, dy, images, channels, spatial, mean, fscale, fshift, activation, slope, sums);
        return;
    }
#endif
    (void)isa;
    gradient_sums_portable(x, dy, images, channels, spatial, mean, fscale, fshift, activation, slope, sums);
}

void ck_batch_norm_gradient_terms(const float *sums, long batch, long channels, long spatial, const float *weight,
                                  const float *invstd, float *grad_weight, float *grad_bias, float *terms) {
    // backward_channels' sums and expressions, the planes' sums added in image order (the same bits).
    const double m = (double)batch * (double)spatial;
    for (long c0 = 0; c0 < channels; c0 += BN_BLOCK) {
        const long c1 = c0 + BN_BLOCK < channels ? c0 + BN_BLOCK : channels;
        double sum_dy[BN_BLOCK] = {0}, sum_dy_xhat[BN_BLOCK] = {0};
        for (long n = 0; n < batch; n++) {
            for (long c = c0; c < c1; c++) {
                sum_dy[c - c0] += (double)sums[2 * (n * channels + c)];
                sum_dy_xhat[c - c0] += (double)sums[2 * (n * channels + c) + 1];
            }
        }
        bn_gradient_coefficients(c0, c1, m, weight, invstd, sum_dy, sum_dy_xhat, grad_weight, grad_bias,
                                 terms + c0, terms + channels + c0, terms + 2 * channels + c0);
    }
}

void ck_batch_norm_gradient_input(ck_isa isa, const float *x, const float *dy, float *dx, long images, long channels,
                                  long spatial, const float *mean, const float *invstd, const float *terms,
                                  int training, int activation, float slope) {
#if defined(__x86_64__)
    if (isa != CK_ISA_NONE) {
        gradient_input_avx2(x, dy, dx, images, channels, spatial, mean, invstd, terms, training, activation, slope);
        return;
    }
#endif
    (void)isa;
    gradient_input_portable(x, dy, dx, images, channels, spatial, mean, invstd, terms, training, activation, slope);
}
