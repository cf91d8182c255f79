// ck_gather_rows_broadcast and ck_broadcast_row_weights (include/CBroadcastRows.h): ck_gather_rows
// for AVX2 with every weight already broadcast to 8 lanes, so the FMAs take it straight from
// memory. On AVX2's 16 registers ck_gather_rows holds a block's weights in registers (8 channels x 1
// row: 8 broadcasts and 8 FMAs a pair, load-bound, ~69 GFLOP/s on N1's Conv2d(3, 16, 3, p=1));
// here 4 channels x 3 rows keep 12 accumulators and 3 input vectors, and each pair costs 3 loads
// and 12 FMAs with memory operands (~83 GFLOP/s, microbenchmark 2026-11-30). Every output value
// sums the same pairs in the same order as ck_gather_rows (bias, then pair by pair): same bits.
#include "CKernels.h"
#include "CKernelsInternal.h"

long ck_broadcast_row_weights_count(int pairs, int out_channels) {
    return (long)((out_channels + 3) / 4) * pairs * 4 * 8;
}

#if defined(__x86_64__)

CK_TARGET_AVX2 void ck_broadcast_row_weights(const float *weights, int pairs, int out_channels, float *broadcast) {
    for (int g = 0; g * 4 < out_channels; g++) {
        for (int j = 0; j < pairs; j++) {
            for (int c = 0; c < 4; c++) {
                const int co = 4 * g + c;
                const __m256 w = co < out_channels ? _mm256_broadcast_ss(weights + (long)j * out_channels + co)
                                                   : _mm256_setzero_ps();
                _mm256_storeu_ps(broadcast + (((long)g * pairs + j) * 4 + c) * 8, w);
            }
        }
    }
}

// Rows per block for CO channels: CO * RB accumulators and RB inputs within 16 registers.
#define BROADCAST_ROWS(CO) ((CO) == 4 ? 3 : (CO) == 3 ? 4 : (CO) == 2 ? 5 : 7)

// CO channels x RB rows x 8 columns (PARTIAL: the columns of cm) at `in` (the block's first row
// and column), written to `out`. wb: the channel group's broadcast weights [pairs][4][8].
CK_TARGET_AVX2 CK_INLINE void broadcast_block(const ck_gather_rows_args *a, const float *in, int row0, const float *wb,
                                              const float *bias, float *out, __m256i cm,
                                              const int CO, const int RB, const int PARTIAL) {
    __m256 acc[4][8];
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        const __m256 b = bias ? _mm256_broadcast_ss(bias + c) : _mm256_setzero_ps();
        CK_UNROLL
        for (int r = 0; r < RB; r++) acc[c][r] = b;
    }
    // The union of the block's rows' pair ranges (as ck_gather_rows): the others read only zero padding.
    int jb, je;
    pair_range(a->row_pairs, a->pairs, row0, RB, &jb, &je);
    const long rs = a->in_row_stride;
    const float *row[8];
    CK_UNROLL
    for (int r = 0; r < RB; r++) row[r] = in + r * rs;
    const long *off = a->pair_offsets;
    const float *w = wb + (long)jb * 32;
    for (int j = jb; j < je; j++, w += 32) {
        const long o = off[j];
        __m256 x[8];
        CK_UNROLL
        for (int r = 0; r < RB; r++) x[r] = PARTIAL ? _mm256_maskload_ps(row[r] + o, cm) : _mm256_loadu_ps(row[r] + o);
        CK_UNROLL
        for (int c = 0; c < CO; c++) {
            const __m256 wc = _mm256_loadu_ps(w + 8 * c);
            CK_UNROLL
            for (int r = 0; r < RB; r++) acc[c][r] = _mm256_fmadd_ps(x[r], wc, acc[c][r]);
        }
    }
    CK_UNROLL
    for (int c = 0; c < CO; c++) {
        CK_UNROLL
        for (int r = 0; r < RB; r++) {
            float *o = out + c * a->out_plane + r * a->out_row_stride;
            if (PARTIAL) _mm256_maskstore_ps(o, cm, acc[c][r]); else _mm256_storeu_ps(o, acc[c][r]);
        }
    }
}

// One column strip (8 columns from col) of channels co0 ..< co0 + CO, blocks of RB rows and the
// last rows as one shorter block. The block pointers advance by adding strides (computing them
// from the row in every block cost ~15% on a 27-pair block).
CK_TARGET_AVX2 CK_INLINE void broadcast_strip(const ck_gather_rows_args *a, int co0, int col, const float *wb,
                                              const int CO, const int PARTIAL) {
    const int RB = BROADCAST_ROWS(CO);
    const __m256i cm = lanes8(a->cols - col);
    const float *bias = a->bias ? a->bias + co0 : NULL;
    const float *in = a->input + col;
    float *out = a->output + co0 * a->out_plane + col;
    const long in_step = RB * a->in_row_stride, out_step = RB * a->out_row_stride;
    int row = 0;
    for (; row + RB <= a->rows; row += RB, in += in_step, out += out_step)
        broadcast_block(a, in, row, wb, bias, out, cm, CO, RB, PARTIAL);
    switch (a->rows - row) {
        case 1: broadcast_block(a, in, row, wb, bias, out, cm, CO, 1, PARTIAL); break;
        case 2: if (RB > 2) broadcast_block(a, in, row, wb, bias, out, cm, CO, 2, PARTIAL); break;
        case 3: if (RB > 3) broadcast_block(a, in, row, wb, bias, out, cm, CO, 3, PARTIAL); break;
        case 4: if (RB > 4) broadcast_block(a, in, row, wb, bias, out, cm, CO, 4, PARTIAL); break;
        case 5: if (RB > 5) broadcast_block(a, in, row, wb, bias, out, cm, CO, 5, PARTIAL); break;
        case 6: if (RB > 6) broadcast_block(a, in, row, wb, bias, out, cm, CO, 6, PARTIAL); break;
        default: break;
    }
}

CK_TARGET_AVX2 CK_INLINE void broadcast_group(const ck_gather_rows_args *a, int co0, const float *wb, const int CO) {
    for (int col = 0; col < a->cols; col += 8) {
        if (a->cols - col >= 8) broadcast_strip(a, co0, col, wb, CO, 0);
        // A short last strip of a row of 8 or more columns runs as a full strip ending at the last column: it
        // stores the overlapped columns again with the same sums, and masked loads cost what the kernel gains.
        else if (a->cols >= 8) broadcast_strip(a, co0, a->cols - 8, wb, CO, 0);
        else broadcast_strip(a, co0, col, wb, CO, 1);
    }
}

CK_TARGET_AVX2 static void broadcast_group_1(const ck_gather_rows_args *a, int co0, const float *wb) { broadcast_group(a, co0, wb, 1); }
CK_TARGET_AVX2 static void broadcast_group_2(const ck_gather_rows_args *a, int co0, const float *wb) { broadcast_group(a, co0, wb, 2); }
CK_TARGET_AVX2 static void broadcast_group_3(const ck_gather_rows_args *a, int co0, const float *wb) { broadcast_group(a, co0, wb, 3); }
CK_TARGET_AVX2 static void broadcast_group_4(const ck_gather_rows_args *a, int co0, const float *wb) { broadcast_group(a, co0, wb, 4); }

void ck_gather_rows_broadcast(const ck_gather_rows_args *a, const float *broadcast) {
    if (a->rows <= 0 || a->cols <= 0 || a->out_channels <= 0) return;
    // Groups of 4 channels, each over the whole grid (the input stays in L1 or L2 between them).
    for (int co0 = 0; co0 < a->out_channels; co0 += 4) {
        const float *wb = broadcast + (long)(co0 / 4) * a->pairs * 32;
        switch (a->out_channels - co0 < 4 ? a->out_channels - co0 : 4) {
            case 1: broadcast_group_1(a, co0, wb); break;
            case 2: broadcast_group_2(a, co0, wb); break;
            case 3: broadcast_group_3(a, co0, wb); break;
            default: broadcast_group_4(a, co0, wb); break;
        }
    }
}

#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_broadcast_row_weights(const float *weights, int pairs, int out_channels, float *broadcast) {
    (void)weights; (void)pairs; (void)out_channels; (void)broadcast;
}
void ck_gather_rows_broadcast(const ck_gather_rows_args *a, const float *broadcast) { (void)a; (void)broadcast; }

#endif
