// Winograd F(2x2, 3x3) convolution: 3x3 kernels, stride 1, dilation 1, padding 1 (output the size
// of the input). Each 2x2 block of outputs (a tile) comes from a 4x4 block of input through
// 16 products per (input channel, output channel) instead of 36:
//   V = B^T d B (input tile d), U = G g G^T (3x3 kernel g), M = sum over channels of U . V
//   (element by element), Y = A^T M A (the 2x2 outputs).
// Part of CKernels.h (included there). See Sources/Kernels/Ops/Winograd.swift for the driver.
#ifndef CWINOGRAD_H
#define CWINOGRAD_H

#include "CKernels.h"

/// U[xi][k][c] (xi = 4 i + j < 16) of the weights w[k][c][3][3] (forward), or with
/// `transposed` of w[c][k][3][3] turned by 180 degrees (the input gradient of a convolution
/// whose weights are w: k runs over its input channels, c over its output channels).
void ck_winograd_weights(const float *w, int out_channels, int in_channels, int transposed, float *u);

/// Floats of scratch `ck_winograd` needs for one image of these sizes.
long ck_winograd_scratch(int in_channels, int out_channels, int height, int width);

/// output[k][y][x] = bias[k] (or 0) + sum over c, ky, kx of input[c][y + ky - 1][x + kx - 1] * g[k][c][ky][kx]
/// (zero outside the image) for one image of NCHW planes (height x width, adjacent rows), through
/// the weights' transform `u` (ck_winograd_weights). Every output is computed in the same order
/// by both forms (tiles go to vector lanes): the same bits on AVX2 and AVX-512.
typedef struct {
    const float *input;                  // [in_channels][height][width]
    int in_channels, out_channels, height, width;
    const float *u;                      // [16][out_channels][in_channels]
    const float *bias;                   // [out_channels] or NULL
    float *output;                       // [out_channels][height][width]
    float *scratch;                      // ck_winograd_scratch floats
    ck_isa isa;
} ck_winograd_args;

void ck_winograd(const ck_winograd_args *args);

#endif
