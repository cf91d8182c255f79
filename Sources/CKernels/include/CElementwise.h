// Element-wise loops in C with AVX-512 (the sigmoid also with AVX2), for the CPUs that have it
// (callers check ck_direct_available(), or pass the instruction set the convolutions run; included
// from CKernels.h, after ck_isa). Each one computes exactly what the portable Swift loop beside
// its caller computes, operation for operation (no fused multiply-adds), so the bits do not
// depend on which one runs.
#ifndef CELEMENTWISE_H
#define CELEMENTWISE_H

/// output[i] = 1 / (1 + e^-input[i]) for i < count, as Kernels' sigmoidForward: groups of eight
/// whose values all lie in [-80, 80] use the vector exponential (Cephes' polynomial, 2^n built in
/// the exponent bits); every value of any other group of eight (and the last count % 8 values)
/// uses libm's expf. Groups start at input[0]. isa: CK_ISA_AVX512 or CK_ISA_AVX2 (the same bits).
void ck_sigmoid_forward(ck_isa isa, const float *input, float *output, long count);

/// grad_input[i] = grad_output[i] * output[i] * (1 - output[i]) (the sigmoid's backward from its
/// output), rounded after each operation as Kernels' sigmoidBackward. isa as above.
void ck_sigmoid_backward(ck_isa isa, const float *output, const float *grad_output, float *grad_input, long count);

/// 2x2 max pooling with stride 2, no padding (every window inside the input), over the planes
/// [plane_begin, plane_end) of an NCHW input with h x w planes and oh x ow outputs, as Kernels'
/// maxPool2x2Forward: the taps are visited top-left, top-right, bottom-left, bottom-right, and a
/// tap replaces the best so far when it is larger or NaN. argmax gets the flat input index of the
/// winner. With relu != 0 every value goes through ReLU (x < 0 -> +0) before the comparisons.
void ck_max_pool_2x2(const float *input, float *output, int *argmax, long plane_begin, long plane_end,
                     int h, int w, int oh, int ow, int relu);

/// The backward pass of ck_max_pool_2x2 when the windows tile the input (h = 2 oh, w = 2 ow):
/// every input position belongs to one window, so each window writes its four gradients
/// directly: 0 + grad_output at the argmax, +0 at the other three. With pooled_output not NULL,
/// windows whose pooled output is not positive write zeros (ReLU's backward, fused). The same
/// bits as clearing grad_input and adding each window's gradient at its argmax.
void ck_max_pool_2x2_backward(const float *grad_output, const int *argmax, const float *pooled_output,
                              float *grad_input, long plane_begin, long plane_end, int oh, int ow);

/// output[i] = (float)bytes[i] / 255 for i < count (a correctly rounded division, as the Swift loop),
/// sixteen (CK_ISA_AVX512) or eight (CK_ISA_AVX2) at a time.
void ck_scale_bytes_to_unit(ck_isa isa, const unsigned char *bytes, float *output, long count);

#endif
