// ck_pointwise_mean_forward / _backward (see include/CPointwiseMean.h): a 1x1 convolution and the
// average pool over its whole output planes as one pass over the batch, with the bits of the two
// layers one after the other on the direct kernels. One body (PointwiseMeanBody.h) in two forms,
// which give the same bits (the same FMAs and adds lane by lane).
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// The most output channels the backward pass takes (its shares live on the stack).
#define PM_MAX_PADDED 256

// Rows of positions per weight-gradient group: ck_weight_grad's flush_rows (WeightGradient.c),
// about 32 positions, so that both sum the same groups.
CK_INLINE int pm_flush_rows(int cols) { return cols >= 32 ? 1 : 32 / cols; }

// bias_grad[c] += the sum of `blocks` copies of shares[c] as ck_planes_to_channels_last_sums adds
// a plane whose values are all shares[c]: each of eight lanes adds them one by one from zero
// (blocks = height * width / 8), then the eight equal lanes are added as a balanced tree.
static void pm_bias_grad(const float *shares, int channels, long blocks, float *bias_grad) {
    for (int c = 0; c < channels; c++) {
        float lane = 0.0f;
        for (long b = 0; b < blocks; b++) lane = lane + shares[c];
        const float pair = lane + lane, four = pair + pair, eight = four + four;
        bias_grad[c] = bias_grad[c] + eight;
    }
}

// Asks for planes [ci0, ci0 + count) of `next` (NULL: nothing), `area` floats each, one line at a time.
static inline void pm_prefetch_planes(const float *next, int ci0, int count, long area) {
    if (!next) return;
    const char *start = (const char *)(next + (long)ci0 * area), *end = (const char *)(next + (long)(ci0 + count) * area);
    for (const char *line = start; line < end; line += 64) _mm_prefetch(line, _MM_HINT_T0);
}

// AVX-512: 8 positions a forward block; 24 (one vector of channels) or 12 (two, or paired) input
// channels a weight-gradient block.
#include "FormAVX512.h"
#define PM_R1 8
#define PM_R2 8
#define PM_J1 24
#define PM_J2 12
#define PM_JP 12
#include "PointwiseMeanBody.h"
#include "FormEnd.h"

// AVX2 (16 registers): 6 positions with one vector of channels, 4 with two (8 accumulators, two
// weights, two sums); 12 or 6 (two vectors, or paired) input channels a weight-gradient block.
#include "FormAVX2.h"
#define PM_R1 6
#define PM_R2 4
#define PM_J1 12
#define PM_J2 6
#define PM_JP 6
#include "PointwiseMeanBody.h"
#include "FormEnd.h"

void ck_pointwise_mean_forward(const ck_pointwise_mean_args *a) {
    if (a->images <= 0 || a->out_channels <= 0 || a->in_channels <= 0 || a->height <= 0 || a->width <= 0) return;
    if (a->isa == CK_ISA_AVX512) pm_forward_avx512(a); else pm_forward_avx2(a);
}

void ck_pointwise_mean_backward(const ck_pointwise_mean_args *a) {
    if (a->images <= 0 || a->out_channels <= 0 || a->in_channels <= 0 || a->height <= 0 || a->width <= 0) return;
    if (a->out_channels > PM_MAX_PADDED || a->width % 8 != 0) return;
    if (a->isa == CK_ISA_AVX512) pm_backward_avx512(a); else pm_backward_avx2(a);
}

#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_pointwise_mean_forward(const ck_pointwise_mean_args *a) { (void)a; }
void ck_pointwise_mean_backward(const ck_pointwise_mean_args *a) { (void)a; }

#endif
