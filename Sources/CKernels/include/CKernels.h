// Direct convolution kernels in C with AVX-512 or AVX2 + FMA, for the CPUs that have them (chosen
// at run time: every call names the instruction set it runs, `ck_isa`).
//
// Swift's SIMD types compile to SSE on a generic x86-64 target, and OpenBLAS spends much of its
// time packing the small matrices of the course's networks (and im2col copying them); these
// loops compute a convolution straight from its NCHW planes instead. A "pair" is one (kernel
// tap, input channel); a register block holds a few output positions with all their output
// channels as vectors (or, for 1-4 output channels, a few rows of positions as vectors):
//   out[position][co] = sum over pairs of in[position + pair offset] * w[pair][co].
// The Swift drivers (Sources/Kernels/Ops/Direct*.swift) describe every direction of a
// convolution (forward, input gradient, weight gradient, transposed) with these loops.
// Each output value is summed in a fixed order, so results do not depend on threads or timing.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

/// The instruction set a direct kernel runs. Both forms sum every value in the same order (same
/// bits); AVX2 holds fewer values per register.
typedef enum {
    CK_ISA_NONE = 0,     // no direct kernels (not x86-64, or no AVX2 + FMA): never pass it to a kernel
    CK_ISA_AVX2 = 1,     // AVX2 + FMA (Haswell and later, Zen)
    CK_ISA_AVX512 = 2,   // AVX-512 F + VL + DQ + BW (and AVX2 + FMA)
} ck_isa;

/// The best instruction set this CPU runs the kernels below with.
ck_isa ck_best_isa(void);

/// 1 when this CPU runs the AVX-512 kernels (AVX512F + VL + DQ + BW), else 0. The element-wise
/// loops (CElementwise.h) exist in AVX-512 form only.
int ck_direct_available(void);

/// A "gather" convolution over a grid of output positions:
///   output[p][co] = bias[co] (or 0) + sum over j < pairs of input[base(p) + pair_offsets[j]] * weights[j][co]
/// where base(p) = row * in_row_stride + col * in_col_stride for p = (row, col), and the output
/// vector of p starts at output + row * out_row_stride + col * out_col_stride. A pair is one
/// (kernel tap, input channel): the input can be in any layout (the drivers use zero-padded NCHW
/// planes). The pairs are summed in order. Every read must be in bounds.
typedef struct {
    const float *input;
    long in_row_stride, in_col_stride;
    int pairs;
    const long *pair_offsets;            // [pairs], in floats
    const float *weights;                // [pairs][out_channels]
    int out_channels;
    int rows, cols;
    float *output;
    long out_row_stride, out_col_stride;
    const float *bias;                   // [out_channels] or NULL
    /// NULL, or per row [begin, end): the pairs to sum for that row's positions (the others
    /// would read only zero padding there).
    const int *row_pairs;
    /// 0: channels-last output as above. Otherwise the output is planar: channel co of position
    /// (row, col) goes to output[co * out_plane + row * out_row_stride + col] (out_col_stride 1).
    long out_plane;
    ck_isa isa;                          // CK_ISA_AVX2 or CK_ISA_AVX512
} ck_gather_args;

void ck_gather(const ck_gather_args *args);

/// A gather vectorised along rows instead of channels (outputs with few channels, or few pairs), in
/// groups of up to 8 output channels:
///   output[co * out_plane + row * out_row_stride + col] = bias[co] (or 0)
///       + sum over j of input[row * in_row_stride + col + pair_offsets[j]] * weights[j][co]
/// for j in row_pairs' range of that row (or all pairs). Input columns are adjacent (stride 1).
/// With AVX-512, outputs at most 8 columns wide go two rows to a register.
typedef struct {
    const float *input;
    long in_row_stride;
    int pairs;
    const long *pair_offsets;
    const float *weights;                // [pairs][out_channels]
    int out_channels;                    // 1 or more (groups of 8)
    int rows, cols;
    float *output;
    long out_row_stride, out_plane;
    const float *bias;
    const int *row_pairs;                // NULL or [rows][2]
    ck_isa isa;
} ck_gather_rows_args;

void ck_gather_rows(const ck_gather_rows_args *args);

#include "CBroadcastRows.h"

/// dst[c][y * S + p][x * 2 + q] = src[c][p][q][y][x] for the phases (p, q) of a stride (S, 2)
/// transposed output: the column phases of each row are interleaved into place.
/// src: [channels][S][2][rows][cols]; dst: [channels][height][width] with height <= S * rows,
/// width <= 2 * cols (the last row or column phase may be one shorter).
void ck_interleave_column_pairs(ck_isa isa, const float *src, int channels, int stride_rows, int rows, int cols,
                                float *dst, int height, int width);

/// A weight-gradient accumulation over a grid of positions:
///   result[j][k] += sum over p of input[base(p) + pair_offsets[j]] * grad[gbase(p) + k]
/// for j < pairs, k < vec_channels, with base(p) = row * in_row_stride + col * in_col_stride and
/// gbase(p) = row * grad_row_stride + col * grad_col_stride. Positions are summed in row-major order.
typedef struct {
    const float *input;
    long in_row_stride, in_col_stride;
    int pairs;
    const long *pair_offsets;            // [pairs], in floats
    const float *grad;
    long grad_row_stride, grad_col_stride;
    int vec_channels;
    int rows, cols;
    float *result;                       // [pairs][vec_channels], accumulated into
    /// NULL, or per row [begin, end): the pairs that may read nonzero input at that row's positions
    /// (a padded convolution's first and last rows read only the zero border through some kernel
    /// rows). A block of pairs skips the first and last rows where none of its pairs are in range.
    const int *row_pairs;
    /// NULL, or per pair [first, end): the columns where it may read nonzero input; a block of
    /// pairs runs over the union of its pairs' ranges. Skipped products are exact zeros, so either
    /// table leaves the result as it is (the paired form of up to 8 channels reads every position).
    const int *pair_cols;
    ck_isa isa;
} ck_weight_grad_args;

void ck_weight_grad(const ck_weight_grad_args *args);

/// dst[c * dst_plane + y * dst_row_stride + x] = src[(c * height + y) * width + x]: NCHW planes
/// copied into the interior of zero-bordered planes.
void ck_copy_into_planes(ck_isa isa, const float *src, int channels, int height, int width,
                         float *dst, long dst_plane, long dst_row_stride);

/// ck_copy_into_planes for stride-2 windows: each destination row keeps its even (padded)
/// columns first, then its odd ones, so a window reading every other column reads adjacent values.
/// Value (c, y, x) goes to dst[c * dst_plane + y * dst_row_stride + p] with px = x + left and
/// p = px / 2 (px even) or half + px / 2 (px odd); half = the number of even columns of a row.
void ck_copy_into_column_phases(ck_isa isa, const float *src, int channels, int height, int width,
                                float *dst, long dst_plane, long dst_row_stride, int left, int half);

/// dst[y * dst_row_stride + x * dst_col_stride + c] = src[(c * height + y) * width + x]
void ck_planes_to_channels_last(ck_isa isa, const float *src, int channels, int height, int width,
                                float *dst, long dst_row_stride, long dst_col_stride);

/// ck_planes_to_channels_last, and sums[c] += the sum of plane c (a convolution's bias gradient
/// from the same reads). Each plane is summed in 8 lanes: lane l takes the columns x = 8 k + l of
/// every row, rows in order (the last columns of a row whose width is not a multiple of 8 go to
/// the lanes of the 8-column block ending at the row's end), and the plane's sum is
/// ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)). Both forms give the same bits.
void ck_planes_to_channels_last_sums(ck_isa isa, const float *src, int channels, int height, int width,
                                     float *dst, long dst_row_stride, long dst_col_stride, float *sums);

/// dst[(c * height + y) * width + x] = src[y * src_row_stride + x * src_col_stride + c]
void ck_channels_last_to_planes(ck_isa isa, const float *src, long src_row_stride, long src_col_stride,
                                int channels, int height, int width, float *dst);

// Element-wise loops (sigmoid): a separate header, exported through this umbrella header.
#include "CElementwise.h"
#include "CBatchNorm.h"
#include "CPooledConv.h"
#include "CPointwiseMean.h"
#include "CDropout.h"
#include "CTransposedPairs.h"
#include "COutputGradient.h"
#include "CWinograd.h"

#endif
