// The AVX2 row gather with its weights broadcast beforehand (BroadcastRows.c). Included from
// CKernels.h, after ck_gather_rows_args.
#ifndef CBROADCASTROWS_H
#define CBROADCASTROWS_H

/// Floats ck_broadcast_row_weights writes for `pairs` x `out_channels` weights: groups of 4 output
/// channels (the last one padded with zeros), each weight as 8 copies.
long ck_broadcast_row_weights_count(int pairs, int out_channels);

/// weights [pairs][out_channels] into `broadcast` (ck_broadcast_row_weights_count floats):
/// broadcast[((g * pairs + j) * 4 + c) * 8 + lane] = weights[j][4 g + c] (0 past the
/// last channel). AVX2 code; call only when ck_best_isa() is not CK_ISA_NONE.
void ck_broadcast_row_weights(const float *weights, int pairs, int out_channels, float *broadcast);

/// ck_gather_rows (same sums in the same order: the same bits) for AVX2, reading its weights from
/// `broadcast` (ck_broadcast_row_weights of args->weights; args->weights is not read) and
/// ignoring args->isa. A block of 4 output channels x 3 rows x 8 columns keeps 12 accumulators and
/// its 3 input vectors in registers and takes each weight as an FMA's memory operand: 7 loads and
/// 12 FMAs a pair, where ck_gather_rows' 8-channel rows spill on AVX2's 16 registers.
void ck_gather_rows_broadcast(const ck_gather_rows_args *args, const float *broadcast);

#endif
