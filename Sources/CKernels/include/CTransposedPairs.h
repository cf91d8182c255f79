// A transposed convolution's output with column stride 2 and 1 to 4 output channels, both column
// phases of each row at once (TransposedPairs.c). Included from CKernels.h, after ck_isa.
#ifndef CTRANSPOSEDPAIRS_H
#define CTRANSPOSEDPAIRS_H

/// The phases of a stride (S, 2) transposed convolution: phase (p, q) (index 2 p + q) holds the
/// output positions (S j + p, 2 i + q) for j < rows, i < cols, each a gather along the rows of the
/// padded input (as ck_gather_rows):
///   v = bias[c] (or 0) + sum over k in the phase's pair range for row j of
///       input[j * in_row_stride + i + pair_offsets[2 p + q][k]] * weights[2 p + q][k][c]
/// written to output[c][S j + p][2 i + q] (planes of height x width = S rows x 2 cols), through
/// the sigmoid when `sigmoid` is not 0 (on groups of eight along the rows, as ck_sigmoid_forward over
/// the image). The same bits as ck_gather_rows into each phase, ck_interleave_column_pairs and
/// ck_sigmoid_forward. Only when ck_transposed_pairs_fits(isa, out_channels, cols).
typedef struct {
    const float *input;
    long in_row_stride;
    int row_phases;                    // S
    const int *pairs;                  // [2 S]
    const long *const *pair_offsets;   // [2 S] -> [pairs]
    const float *const *weights;       // [2 S] -> [pairs][out_channels]
    const int *const *row_pairs;       // [2 S] -> NULL or [rows][2]
    int out_channels;                  // 1 to 4
    int rows, cols;                    // of every phase
    float *output;
    int height, width;                 // S * rows, 2 * cols
    const float *bias;                 // [out_channels] or NULL
    int sigmoid;
    ck_isa isa;
} ck_transposed_pairs_args;

/// 1 when ck_transposed_pairs takes these outputs: 1 to 4 channels, phases a whole number of
/// vectors wide (16 columns with AVX-512, 8 with AVX2).
int ck_transposed_pairs_fits(ck_isa isa, int out_channels, int cols);

void ck_transposed_pairs(const ck_transposed_pairs_args *a);

#endif
