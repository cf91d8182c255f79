// The backward pass of a convolution followed by ReLU and 2x2 max pooling with stride 2
// (PyTorch's Conv2d, ReLU, MaxPool2d(2)), from the pooling's winners only. The gradient at the
// pooling's output reaches one convolution output per window (its winner), and only where the
// pooled value is positive (ReLU's gate: the winner's ReLU output is the pooled value), so the
// weight, bias and input gradients need a quarter of the dense backward's work, and neither the
// pooling's backward scatter nor ReLU's mask pass is run.
#ifndef CPOOLEDCONV_H
#define CPOOLEDCONV_H

#include "CKernels.h"

/// One image. The convolution's input is read channels-last from a zero-bordered copy: the value
/// of (row y, column x, channel ci) of the bordered image at input[y * in_row_stride + x * in_channels + ci],
/// so the window of convolution output (oy, ox) is `patch_rows` rows of `patch_width`
/// (= kernel width * in_channels) adjacent floats, starting at oy * out_row_step + ox * out_col_step
/// (stride * in_row_stride, stride * in_channels) and in_row_stride apart (dilation 1).
/// The filters are laid out the same way: weight[c][ky][kx * in_channels + ci]. `input` must be
/// readable for 16 floats past the end of every window row (whole vectors are read; the lanes
/// past a row's end are never stored), so give the bordered copy 16 floats of slack.
/// A pooled row may have at most 256 cells.
///
/// For each channel c and pooled cell q (row-major), with w = argmax[c][q] - (argmax_origin +
/// c * conv_plane) the winner's position (oy, ox) in channel c's output plane (a window's top-left
/// corner is (2 * py, 2 * px); conv_cols columns per row) and g = grad[c][q] when pooled[c][q] > 0, else 0:
///   weight_grad[c][r][k] += sum over q of g * input[patch(oy, ox) + r * in_row_stride + k]
///   bias_grad[c] += sum over q of g                                                (if bias_grad)
///   input_grad[patch(oy, ox) + r * in_row_stride + k] += g * weight[c][r][k]     (if input_grad)
/// Each channel's sums over an image start from zero and are then added to weight_grad and
/// bias_grad; input_grad takes the channels in order, each its cells in order. Every form sums
/// each value in the same order: the same bits.
typedef struct {
    const float *input;
    long in_row_stride;
    long out_row_step, out_col_step;
    int patch_rows, patch_width;
    const float *grad;                   // [channels][pooled_rows][pooled_cols]
    const float *pooled;                 // the same shape: the pooling's output (ReLU applied)
    const int *argmax;                   // the same shape: flat indices into the convolution's output
    long argmax_origin;                  // the flat index of this image's first output plane
    long conv_plane;                     // floats per output plane
    int conv_cols;
    int channels, pooled_rows, pooled_cols;
    float *weight_grad;                  // [channels][patch_rows][patch_width], accumulated into
    float *bias_grad;                    // [channels], accumulated into; or NULL
    const float *weight;                 // [channels][patch_rows][patch_width]; read for input_grad
    float *input_grad;                   // laid out as input, accumulated into; or NULL
    ck_isa isa;                          // CK_ISA_AVX2 or CK_ISA_AVX512
} ck_pooled_conv_args;

void ck_pooled_conv_backward(const ck_pooled_conv_args *args);

#endif
