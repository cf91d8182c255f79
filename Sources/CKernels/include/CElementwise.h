// Element-wise loops in C with AVX-512, for the CPUs that have it (callers check
// ck_direct_available() first). Each one computes exactly what the portable Swift loop beside
// its caller computes, operation for operation (no fused multiply-adds), so the bits do not
// depend on which one runs.
#ifndef CELEMENTWISE_H
#define CELEMENTWISE_H

/// output[i] = 1 / (1 + e^-input[i]) for i < count, as Kernels' sigmoidForward: groups of eight
/// whose values all lie in [-80, 80] use the vector exponential (Cephes' polynomial, 2^n built in
/// the exponent bits); every value of any other group of eight (and the last count % 8 values)
/// uses libm's expf. Groups start at input[0].
void ck_sigmoid_forward(const float *input, float *output, long count);

#endif
