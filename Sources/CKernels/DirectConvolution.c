// The gather loop behind ck_gather (see include/CKernels.h): every output position sums its
// window's (tap, channel) pairs into registers that hold all its output channels.
//
// Each function carries its own target attribute, so the target builds for any x86-64 CPU and the
// AVX-512 or AVX2 code only runs after ck_best_isa() said yes. Register blocking: a block of
// output positions keeps its accumulators in registers for the whole reduction; block sizes are
// compile-time constants (a switch picks one), so the compiler unrolls them into registers.
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

ck_isa ck_best_isa(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return CK_ISA_NONE;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw")) return CK_ISA_AVX512;
    return CK_ISA_AVX2;
}

int ck_direct_available(void) { return ck_best_isa() == CK_ISA_AVX512; }

// ---------------------------------------------------------------------------------------------
// Gather: one body (GatherBody.h) in three forms. Every output value sums its pairs in the same
// order in all of them (bias, then one FMA per pair), so they give the same bits.

// AVX-512, 9 or more output channels: 24 positions x 16 channels or 12 x 32.
#include "FormAVX512.h"
#define GATHER_ONE 24
#define GATHER_TWO 12
#define GATHER_GRID 0
#include "GatherBody.h"
#include "FormEnd.h"

// AVX-512, up to 8 output channels: 16 positions x 8 channels (ymm; no empty lanes).
#include "FormAVX512Narrow.h"
#define GATHER_ONE 16
#define GATHER_TWO 8
#define GATHER_GRID 0
#include "GatherBody.h"
#include "FormEnd.h"

// AVX2 (16 registers of 8 floats): 12 positions x 8 channels or 6 x 16; wider layers run 16
// channels at a time. Rows of 8 or 10 columns run 16 channels in blocks of 3 rows x 2 columns
// (grid_block).
#include "FormAVX2.h"
#define GATHER_ONE 12
#define GATHER_TWO 6
#define GATHER_GRID 1
#include "GatherBody.h"
#include "FormEnd.h"

void ck_gather(const ck_gather_args *a) {
    if (a->rows <= 0 || a->cols <= 0 || a->out_channels <= 0) return;
    if (a->isa != CK_ISA_AVX512) gather_avx2(a);
    else if (a->out_channels <= 8) gather_avx512_narrow(a);
    else gather_avx512(a);
}


#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

ck_isa ck_best_isa(void) { return CK_ISA_NONE; }
int ck_direct_available(void) { return 0; }
void ck_gather(const ck_gather_args *a) { (void)a; }

#endif
