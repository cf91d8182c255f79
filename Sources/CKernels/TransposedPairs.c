// ck_transposed_pairs (see include/CTransposedPairs.h): the output of a transposed convolution with
// column stride 2 and few output channels, both column phases of an output row gathered together
// along the rows and interleaved in registers, with the sigmoid (if any) applied before the one
// store. The phase-major buffer, the interleaving pass and the activation's pass over the output
// (ck_gather_rows, ck_interleave_column_pairs, ck_sigmoid_forward) become one: own network 3's and
// the course autoencoder's last layers, ConvTranspose2d(16 or 8, 3, 4, 2, 1) + Sigmoid.
//
// Every output value sums its phase's pairs in the order ck_gather_rows does (bias, then one FMA
// per pair), and the sigmoid is SigmoidVector.h's, on groups of eight that start where the
// output's rows do (the width is a multiple of the vector, so the same groups as the activation's
// own pass over the image): the same bits as the three passes it replaces, in both forms.
//
// Contraction into fused multiply-adds is off (the sigmoid's steps round separately); the gather
// uses explicit FMA intrinsics, which are not affected.
#pragma clang fp contract(off)

#include "CKernels.h"
#include "CKernelsInternal.h"
#include "SigmoidVector.h"

#if defined(__x86_64__)

#define TP_AVX512 1
#include "FormAVX512.h"
#include "TransposedPairsBody.h"
#include "FormEnd.h"
#undef TP_AVX512

#define TP_AVX512 0
#include "FormAVX2.h"
#include "TransposedPairsBody.h"
#include "FormEnd.h"
#undef TP_AVX512

int ck_transposed_pairs_fits(ck_isa isa, int out_channels, int cols) {
    const int vw = isa == CK_ISA_AVX512 ? 16 : 8;
    return out_channels >= 1 && out_channels <= 4 && cols > 0 && cols % vw == 0;
}

void ck_transposed_pairs(const ck_transposed_pairs_args *a) {
    if (a->rows <= 0 || a->cols <= 0) return;
    if (a->isa == CK_ISA_AVX512) transposed_pairs_avx512(a); else transposed_pairs_avx2(a);
}

#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

int ck_transposed_pairs_fits(ck_isa isa, int out_channels, int cols) {
    (void)isa; (void)out_channels; (void)cols;
    return 0;
}
void ck_transposed_pairs(const ck_transposed_pairs_args *a) { (void)a; }

#endif
