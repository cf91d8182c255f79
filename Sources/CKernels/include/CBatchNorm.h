// Batch normalisation over NCHW tensors in C (Kernels' batchNorm2d* call it on every path):
// x [batch][channels][spatial]; each channel's values are normalised with a mean and an inverse
// standard deviation. Vectors of 8 floats written with the compiler's vector extension, built
// for AVX2 + FMA and for any CPU (isa CK_ISA_NONE, and arm64): no fused multiply-adds and a
// fixed order of every sum, so all builds give the same bits, and a channel's sums never
// depend on the channel range a thread gets.
#ifndef CBATCHNORM_H
#define CBATCHNORM_H

#include "CKernels.h"

/// Normalises the channels [c_begin, c_end):
///   y = (x - mean) * (invstd * weight) + (bias - mean * invstd * weight)
/// then activation 0: none; 1: ReLU as Kernels' reluForward (y < 0 -> +0); 2: LeakyReLU as
/// leakyReLUForward (y > 0 ? y : y * slope).
/// Training (running_mean NULL): mean = sum / M (sums in floats within a plane, doubles across
/// planes; M = batch * spatial), biased variance = sum of (x - mean)^2 / M from one read of x
/// (per plane: squared deviations and residuals about the plane's mean rounded to a float,
/// corrected to its own mean; planes merged in double by Chan et al.'s pairwise update), invstd = 1 / sqrt(variance + eps) in double; writes
/// save_mean, save_invstd, batch_variance.
/// Eval: mean = running_mean, invstd = 1 / sqrt(running_var + eps); save_mean and save_invstd
/// get them (for backward); batch_variance is not written (may be NULL).
/// weight and bias: NULL for affine=False (1 and 0).
/// moments: NULL, or (training) every plane's ck_batch_norm_plane_moments of this x, taken while
/// it was written (by a convolution): the statistics are then not read from x (the same bits).
void ck_batch_norm_forward(ck_isa isa, const float *x, long batch, long channels, long spatial,
                           long c_begin, long c_end, const float *weight, const float *bias, float eps,
                           const float *running_mean, const float *running_var,
                           int activation, float slope, float *y,
                           float *save_mean, float *save_invstd, float *batch_variance, const float *moments);

/// What the training forward's statistics take from each plane (of `planes` planes of `spatial`
/// values from x): moments[3 p], [3 p + 1], [3 p + 2] = the plane's sum, its squared deviations
/// and residual sum about its mean rounded to a float. Whoever writes a batch norm's input can
/// take them per image while the image is in the cache, saving the batch norm a read of it.
void ck_batch_norm_plane_moments(ck_isa isa, const float *x, long planes, long spatial, float *moments);

/// The backward pass over the channels [c_begin, c_end), with the mean and invstd the forward used:
///   sum_dy = sum dy, sum_dy_xhat = invstd * sum dy (x - mean)  (float within a plane, double across);
///   grad_weight[c] += sum_dy_xhat, grad_bias[c] += sum_dy (each may be NULL);
///   training: dx = w invstd (dy - sum_dy / M - xhat sum_dy_xhat / M), xhat = (x - mean) invstd;
///   eval: dx = w invstd dy. dx may be NULL (no input gradient).
/// With an activation (as the forward's, slope >= 0 for LeakyReLU), dy is the gradient of the
/// activation's output: it is passed back through the activation first, with the bits of
/// reluBackward / leakyReLUBackward. Where the activation's input was positive is decided from
/// x * scale + shift recomputed as the forward computed it (scale = invstd * weight, shift =
/// bias - mean * scale: bias is the forward's, NULL for affine=False), so the output is not read.
/// activation 0: bias is not read.
void ck_batch_norm_backward(ck_isa isa, const float *x, const float *dy, long batch, long channels, long spatial,
                            long c_begin, long c_end, const float *weight, const float *mean, const float *invstd,
                            int training, int activation, float slope, const float *bias,
                            float *dx, float *grad_weight, float *grad_bias);

/// Batch norm (as ck_batch_norm_forward, activation 0), then ReLU, then 2x2 max pooling with
/// stride 2 whose windows tile the height x width planes (both even), in one pass over the output:
/// pooled [batch][channels][height/2][width/2] and argmax (each window's winner as a flat index
/// into x) get exactly what Kernels' maxPool2dForward(..., applyingReLU: true) gives for the batch
/// norm's output, which is never written. Statistics as ck_batch_norm_forward (training: running_mean NULL).
void ck_batch_norm_relu_pool_forward(ck_isa isa, const float *x, long batch, long channels, long height, long width,
                                     long c_begin, long c_end, const float *weight, const float *bias, float eps,
                                     const float *running_mean, const float *running_var, float *pooled, int *argmax,
                                     float *save_mean, float *save_invstd, float *batch_variance, const float *moments);

/// The backward pass of ck_batch_norm_relu_pool_forward from the gradient of the pooled output:
/// the bits of maxPool2dBackward(..., reluFused: true) followed by ck_batch_norm_backward
/// (activation 0), without the gradient at the batch norm's output being written (at most one plane
/// of it, in a small buffer, when the width is not a multiple of 16 up to 128), each window's winner
/// read from the forward's pooled output and argmax. Returns 0, or -1 when a buffer cannot be allocated.
int ck_batch_norm_relu_pool_backward(ck_isa isa, const float *x, const float *pooled_grad, const float *pooled,
                                     const int *argmax, long batch, long channels, long height, long width,
                                     long c_begin, long c_end, const float *weight, const float *mean,
                                     const float *invstd, int training, float *dx, float *grad_weight, float *grad_bias);

/// ck_batch_norm_relu_pool_backward in two halves, for a convolution before the batch norm that
/// takes its output gradient image by image (never written for the whole batch). First the sums
/// over the batch: grad_weight and grad_bias as ck_batch_norm_relu_pool_backward, and
/// coefficients[3 c ..< 3 c + 3] (room for 3 * channels floats) what channel c's input gradient
/// needs. Returns 0, or -1 when the plane buffer cannot be allocated.
int ck_batch_norm_relu_pool_backward_sums(ck_isa isa, const float *x, const float *pooled_grad, const float *pooled,
                                          const int *argmax, long batch, long channels, long height, long width,
                                          long c_begin, long c_end, const float *weight, const float *mean,
                                          const float *invstd, float *grad_weight, float *grad_bias, float *coefficients);

/// Then the input gradient of one image's channels [c_begin, c_end): dx is that image's
/// [channels][height][width] (the bits of ck_batch_norm_relu_pool_backward's dx for the image).
/// pooled, argmax: the forward's, for the whole batch (as pooled_grad).
void ck_batch_norm_relu_pool_input_gradient(ck_isa isa, const float *x, const float *pooled_grad, const float *pooled,
                                            const int *argmax, long image,
                                            long channels, long height, long width, long c_begin, long c_end,
                                            const float *mean, const float *invstd, int training,
                                            const float *coefficients, float *dx);

// ---- The image-split forms: the same bits as ck_batch_norm_forward / ck_batch_norm_backward ----
// The statistics (tiny) are taken once for all channels; the passes over the tensor take parts of
// whole images (x, y, dy, dx point at the part's first image), which threads can share without the
// per-channel runs of the channel-range form (a plane is often shorter than a page). Every sum
// across planes is taken in image order in one serial call, so the bits do not depend on the cut.

/// Every channel's statistics as ck_batch_norm_forward takes them: training (running_mean NULL)
/// from `moments` (every plane's ck_batch_norm_plane_moments; required), eval from the running
/// ones; then y = x * scale[c] + shift[c] for ck_batch_norm_apply.
void ck_batch_norm_statistics(ck_isa isa, long batch, long channels, long spatial, const float *weight,
                              const float *bias, float eps, const float *running_mean, const float *running_var,
                              const float *moments, float *save_mean, float *save_invstd, float *batch_variance,
                              float *scale, float *shift);

/// y = x * scale[c] + shift[c] then the activation (as ck_batch_norm_forward) for `images` images.
void ck_batch_norm_apply(ck_isa isa, const float *x, float *y, long images, long channels, long spatial,
                         const float *scale, const float *shift, int activation, float slope);

/// ck_batch_norm_apply for one image of `channels` planes of height x width, each row written into a
/// wider plane (a convolution's zero-bordered copy): row r of plane c to dst + c * dst_plane +
/// r * dst_row_stride. The same bits as ck_batch_norm_apply (each value's arithmetic is its own).
void ck_batch_norm_apply_rows(ck_isa isa, const float *x, long channels, long height, long width, float *dst,
                              long dst_plane, long dst_row_stride, const float *scale, const float *shift,
                              int activation, float slope);

/// The backward pass in four calls. `terms` holds 5 * channels floats: scale, mean_dy,
/// mean_dy_xhat (ck_batch_norm_gradient_terms), then the forward's scale and shift for the
/// activation's gate (ck_batch_norm_gradient_gate; bias as in ck_batch_norm_backward).
void ck_batch_norm_gradient_gate(long channels, const float *weight, const float *bias, const float *mean,
                                 const float *invstd, float *terms);

/// For `images` images: each plane p's sum of g and of g (x - mean) in sums[2 p], sums[2 p + 1]
/// (g = dy passed back through the activation), as ck_batch_norm_backward takes them.
void ck_batch_norm_gradient_sums(ck_isa isa, const float *x, const float *dy, long images, long channels, long spatial,
                                 const float *mean, const float *terms, int activation, float slope, float *sums);

/// From the sums of all `batch` images: grad_weight and grad_bias (added to; each may be NULL)
/// and the terms of the input gradient.
void ck_batch_norm_gradient_terms(const float *sums, long batch, long channels, long spatial, const float *weight,
                                  const float *invstd, float *grad_weight, float *grad_bias, float *terms);

/// dx for `images` images (training: with the batch statistics' terms; eval: w invstd g).
void ck_batch_norm_gradient_input(ck_isa isa, const float *x, const float *dy, float *dx, long images, long channels,
                                  long spatial, const float *mean, const float *invstd, const float *terms,
                                  int training, int activation, float slope);

#endif
