// Layout changes for the direct kernels (see include/CKernels.h): NCHW planes to channels-last
// rows and back, and copies into zero-bordered planes.
#include "CKernels.h"
#include "CKernelsInternal.h"
#include <string.h>

#if defined(__x86_64__)

#include "FormAVX512.h"
#include "LayoutBody.h"
#include "FormEnd.h"
#include "FormAVX2.h"
#include "LayoutBody.h"
#include "FormEnd.h"

void ck_planes_to_channels_last(ck_isa isa, const float *src, int channels, int height, int width,
                                float *dst, long dst_row_stride, long dst_col_stride) {
    if (isa == CK_ISA_AVX512) planes_to_channels_last_avx512(src, channels, height, width, dst, dst_row_stride, dst_col_stride);
    else planes_to_channels_last_avx2(src, channels, height, width, dst, dst_row_stride, dst_col_stride);
}

void ck_planes_to_channels_last_sums(ck_isa isa, const float *src, int channels, int height, int width,
                                     float *dst, long dst_row_stride, long dst_col_stride, float *sums) {
    if (isa == CK_ISA_AVX512) planes_to_channels_last_sums_avx512(src, channels, height, width, dst, dst_row_stride, dst_col_stride, sums);
    else planes_to_channels_last_sums_avx2(src, channels, height, width, dst, dst_row_stride, dst_col_stride, sums);
}

void ck_channels_last_to_planes(ck_isa isa, const float *src, long src_row_stride, long src_col_stride,
                                int channels, int height, int width, float *dst) {
    if (isa == CK_ISA_AVX512) channels_last_to_planes_avx512(src, src_row_stride, src_col_stride, channels, height, width, dst);
    else channels_last_to_planes_avx2(src, src_row_stride, src_col_stride, channels, height, width, dst);
}

void ck_copy_into_planes(ck_isa isa, const float *src, int channels, int height, int width,
                         float *dst, long dst_plane, long dst_row_stride) {
    if (isa == CK_ISA_AVX512) copy_into_planes_avx512(src, channels, height, width, dst, dst_plane, dst_row_stride);
    else copy_into_planes_avx2(src, channels, height, width, dst, dst_plane, dst_row_stride);
}

void ck_copy_into_column_phases(ck_isa isa, const float *src, int channels, int height, int width,
                                float *dst, long dst_plane, long dst_row_stride, int left, int half) {
    if (isa == CK_ISA_AVX512) copy_into_column_phases_avx512(src, channels, height, width, dst, dst_plane, dst_row_stride, left, half);
    else copy_into_column_phases_avx2(src, channels, height, width, dst, dst_plane, dst_row_stride, left, half);
}

#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_planes_to_channels_last(ck_isa isa, const float *src, int channels, int height, int width,
                                float *dst, long dst_row_stride, long dst_col_stride) {
    (void)isa;
    for (int y = 0; y < height; y++) {
        float *row = dst + y * dst_row_stride;
        for (int x = 0; x < width; x++) {
            float *cell = row + x * dst_col_stride;
            const float *s = src + (long)y * width + x;
            for (int c = 0; c < channels; c++) cell[c] = s[(long)c * height * width];
        }
    }
}
void ck_planes_to_channels_last_sums(ck_isa isa, const float *src, int channels, int height, int width,
                                     float *dst, long dst_row_stride, long dst_col_stride, float *sums) {
    (void)isa; (void)src; (void)channels; (void)height; (void)width; (void)dst; (void)dst_row_stride;
    (void)dst_col_stride; (void)sums;
}
void ck_channels_last_to_planes(ck_isa isa, const float *src, long src_row_stride, long src_col_stride,
                                int channels, int height, int width, float *dst) {
    (void)isa;
    const long plane = (long)height * width;
    for (int c = 0; c < channels; c++) {
        float *d = dst + c * plane;
        for (int y = 0; y < height; y++) {
            const float *s = src + y * src_row_stride + c;
            for (int x = 0; x < width; x++) d[(long)y * width + x] = s[x * src_col_stride];
        }
    }
}
void ck_copy_into_planes(ck_isa isa, const float *src, int channels, int height, int width,
                         float *dst, long dst_plane, long dst_row_stride) {
    (void)isa;
    for (int c = 0; c < channels; c++)
        for (int y = 0; y < height; y++)
            memcpy(dst + c * dst_plane + y * dst_row_stride, src + ((long)c * height + y) * width, sizeof(float) * (size_t)width);
}
void ck_copy_into_column_phases(ck_isa isa, const float *src, int channels, int height, int width,
                                float *dst, long dst_plane, long dst_row_stride, int left, int half) {
    (void)isa;
    for (int c = 0; c < channels; c++)
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                const int px = x + left;
                dst[c * dst_plane + y * dst_row_stride + ((px & 1) ? half : 0) + px / 2] = src[((long)c * height + y) * width + x];
            }
}

#endif

