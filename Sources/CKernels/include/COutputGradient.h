// One image's gradient at the output of a transposed convolution (before its fused activation, from
// the upstream gradient or a squared-error loss), taken in one pass into the zero-bordered copy its
// backward windows read, with the bias gradient's plane sums (OutputGradient.c). Included from
// CKernels.h, after ck_isa.
#ifndef COUTPUTGRADIENT_H
#define COUTPUTGRADIENT_H

/// The activation a transposed convolution applied to its output (Kernels' ConvolutionActivation).
typedef enum { CK_OUTPUT_NONE = 0, CK_OUTPUT_RELU = 1, CK_OUTPUT_SIGMOID = 2 } ck_output_activation;

/// What ck_output_gradient reads and writes for one image of `channels` planes of height x width.
/// Each value's gradient before the activation is
///   dz = g (none), y > 0 ? g : 0 (ReLU, as reluBackward), (g * y) * (1 - y) (sigmoid, as
///   ck_sigmoid_backward),
/// where y is the layer's (activated) output and g, the gradient at y, is either
///   - `gradient[i]` (the upstream gradient; `target` NULL), or
///   - factor * (y - t), t = `target[i]` (a squared-error loss: as Kernels' SquaredErrorLoss
///     writes its gradient, factor = 2 / divisor; `gradient` NULL),
/// each operation rounded to float (no fused multiply-adds): the same bits as those passes.
/// `output` may be NULL with no activation and no target.
/// dz goes to plane c at dst + c * dst_plane, row y at + y * dst_row_stride, column x at + left + x,
/// or, when half > 0 (rows split into column phases, as ck_copy_into_column_phases), padded column
/// px = x + left at + (px odd ? half : 0) + px / 2. With dst NULL it is not written (only summed).
typedef struct {
    const float *output;      // y [channels][height][width]
    const float *gradient;    // g, or NULL with a target
    const float *target;      // t, or NULL
    float factor;
    ck_output_activation activation;
    int channels, height, width;
    float *dst;
    long dst_plane, dst_row_stride;
    int left, half;
    float *sums;              // [channels]: sums[c] += plane c's sum of dz
} ck_output_gradient_args;

/// Writes dz as above and adds each plane's sum of dz to sums[c], in a fixed order: eight float
/// lanes take each row's 8-column blocks (lane j: columns 8 k + j), the remaining columns of every
/// row are added in order to a ninth float, and the plane's sum is
/// ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) + ninth.
/// With a target, returns the image's sum of squared errors (y - t)^2, each square rounded to float
/// and added in double: eight double lanes over the image's 8-column blocks in plane and row order,
/// the remaining columns in order into a ninth, total ((L0 + L1) + (L2 + L3)) + ((L4 + L5) + (L6 + L7))
/// + ninth; else returns 0. AVX2 arithmetic on every x86-64 form (the same bits with AVX-512);
/// the same steps in scalar C elsewhere.
double ck_output_gradient(const ck_output_gradient_args *a);

#endif
