// A 1x1 convolution (stride 1, no padding, no dilation) followed by an average pool whose one
// window covers each whole output plane (PyTorch's Conv2d(cin, cout, 1), AvgPool2d(H) on H x W
// planes, the head of a small all-convolutional classifier), as one pass: the convolution's output
// planes are never written, nor the pooling's input gradient.
//
// The arithmetic is the layer-by-layer arithmetic of the direct kernels, value by value, so the
// results have the same bits:
// - forward: every position's output vector starts from the bias and takes the input channels'
//   products in order by FMA (ck_gather's order); the pool adds the positions in row-major order
//   to a sum that starts at 0 and divides it by `divisor` (avgPool2dForward's order);
// - backward: the pooling hands every position of plane (n, c) the share g = 0 + grad[n][c] / divisor
//   (avgPool2dBackward into a cleared gradient); the bias gradient adds g to each of eight lanes
//   H * W / 8 times and adds the lanes as a balanced tree (ck_planes_to_channels_last_sums: width
//   % 8 == 0 only); the weight gradient sums x * g by FMA over groups of about 32 positions, each
//   from zero, added to the result in turn (ck_weight_grad's groups; up to 8 output channels, its
//   paired form: even and odd columns summed apart over groups of about 32 pairs, the two sums
//   added to the result once an image); the input gradient of every
//   position of plane (n, ci) is the FMA chain over c of g * weight[c][ci] from zero (ck_gather's
//   order over the pairs of the transposed 1x1 convolution).
#ifndef CPOINTWISEMEAN_H
#define CPOINTWISEMEAN_H

#include "CKernels.h"

typedef struct {
    const float *input;        // [images][in_channels][height * width], the convolution's input
    int images, in_channels, out_channels, height, width;
    float divisor;             // the pooling window's divisor (height * width without padding)
    const float *arranged;     // forward: [in_channels][out_channels], the layer's weight transposed
    const float *bias;         // forward: [out_channels] or NULL
    float *pooled;             // forward: [images][out_channels], written
    const float *weight;       // backward: [out_channels][in_channels], the layer's weight
    const float *grad;         // backward: [images][out_channels], the gradient at the pooled output
    float *weight_grad;        // backward: [in_channels][out_channels], accumulated into
    float *bias_grad;          // backward: [out_channels], accumulated into; or NULL
    float *input_grad;         // backward: laid out as input, overwritten; or NULL
    ck_isa isa;                // CK_ISA_AVX2 or CK_ISA_AVX512
} ck_pointwise_mean_args;

/// pooled[n][c] = (sum over positions p of (bias[c] + sum over ci of input[n][ci][p] * weight[c][ci])) / divisor.
void ck_pointwise_mean_forward(const ck_pointwise_mean_args *args);

/// With g[n][c] = grad[n][c] / divisor at every position: weight_grad[ci][c] += sum over n, p of
/// input[n][ci][p] * g[n][c]; bias_grad[c] += sum over n, p of g[n][c]; input_grad[n][ci][p] =
/// sum over c of g[n][c] * weight[c][ci]. Needs width % 8 == 0 (the bias gradient's lanes) and
/// out_channels <= 256; does nothing otherwise.
void ck_pointwise_mean_backward(const ck_pointwise_mean_args *args);

#endif
