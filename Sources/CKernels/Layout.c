// Layout changes for the direct kernels (see include/CKernels.h): NCHW planes to channels-last
// rows and back, and copies into zero-bordered planes.
#include "CKernels.h"
#include "CKernelsInternal.h"

#if defined(__x86_64__)

// Layout changes between NCHW planes and channels-last rows, 8 x 8 blocks through registers.


// Blocks of up to 8 positions x 8 channels go through registers (masked loads and stores at
// the edges). A row at least 8 wide ends with a block that overlaps the one before (rewriting
// the same values) rather than a narrower one.

CK_TARGET CK_INLINE void planes_block(const float *s, long plane, int n, int m, float *d, long dcs) {
    __m256 r[8];
    const __mmask8 positions = mask8(n), channels = mask8(m);
    for (int i = 0; i < 8; i++) r[i] = i < m ? _mm256_maskz_loadu_ps(positions, s + i * plane) : _mm256_setzero_ps();
    transpose8x8(r);
    for (int i = 0; i < n; i++) _mm256_mask_storeu_ps(d + i * dcs, channels, r[i]);
}

CK_TARGET CK_INLINE void channels_block(const float *s, long scs, int n, int m, float *d, long plane) {
    __m256 r[8];
    const __mmask8 positions = mask8(n), channels = mask8(m);
    for (int i = 0; i < 8; i++) r[i] = i < n ? _mm256_maskz_loadu_ps(channels, s + i * scs) : _mm256_setzero_ps();
    transpose8x8(r);
    for (int i = 0; i < m; i++) _mm256_mask_storeu_ps(d + i * plane, positions, r[i]);
}

// Full 8-position blocks with the channel count known at compile time (no branches inside).
#define CHANNEL_CASES(CALL) switch (m) { case 1: CALL(1); break; case 2: CALL(2); break; case 3: CALL(3); break; \
    case 4: CALL(4); break; case 5: CALL(5); break; case 6: CALL(6); break; case 7: CALL(7); break; default: CALL(8); break; }

// One loop for both directions: `planes` [channels][height][width] and `rows` (position (y, x)
// at y * row_stride + x * col_stride, channels adjacent); TO_PLANES says which one is written.
CK_TARGET CK_INLINE void change_layout(float *planes, float *rows, long row_stride, long col_stride,
                                       int channels, int height, int width, const int TO_PLANES) {
    const long plane = (long)height * width;
    for (int y = 0; y < height; y++) {
        for (int block = 0; block < width; block += 8) {
            const int x = block + 8 <= width || width < 8 ? block : width - 8;
            const int n = width - x < 8 ? width - x : 8;
            for (int c = 0; c < channels; c += 8) {
                const int m = channels - c < 8 ? channels - c : 8;
                float *p = planes + c * plane + (long)y * width + x;
                float *r = rows + y * row_stride + x * col_stride + c;
                #define LAYOUT_BLOCK(N, M) (TO_PLANES ? channels_block(r, col_stride, N, M, p, plane) \
                                                      : planes_block(p, plane, N, M, r, col_stride))
                #define LAYOUT_FULL(M) LAYOUT_BLOCK(8, M)
                if (n == 8) { CHANNEL_CASES(LAYOUT_FULL) } else LAYOUT_BLOCK(n, m);
                #undef LAYOUT_FULL
                #undef LAYOUT_BLOCK
            }
        }
    }
}

CK_TARGET static void planes_to_channels_last_512(const float *src, int channels, int height, int width,
                                                  float *dst, long dst_row_stride, long dst_col_stride) {
    change_layout((float *)src, dst, dst_row_stride, dst_col_stride, channels, height, width, 0);
}

CK_TARGET static void channels_last_to_planes_512(const float *src, long src_row_stride, long src_col_stride,
                                                  int channels, int height, int width, float *dst) {
    change_layout(dst, (float *)src, src_row_stride, src_col_stride, channels, height, width, 1);
}

CK_TARGET static void copy_into_planes_512(const float *src, int channels, int height, int width,
                                           float *dst, long dst_plane, long dst_row_stride) {
    const __mmask16 tail = mask16(width & 15);
    for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
            const float *s = src + ((long)c * height + y) * width;
            float *d = dst + c * dst_plane + y * dst_row_stride;
            int x = 0;
            for (; x + 16 <= width; x += 16) _mm512_storeu_ps(d + x, _mm512_loadu_ps(s + x));
            if (x < width) _mm512_mask_storeu_ps(d + x, tail, _mm512_maskz_loadu_ps(tail, s + x));
        }
    }
}

void ck_planes_to_channels_last(ck_isa isa, const float *src, int channels, int height, int width,
                                float *dst, long dst_row_stride, long dst_col_stride) {
    if (isa == CK_ISA_AVX512) planes_to_channels_last_512(src, channels, height, width, dst, dst_row_stride, dst_col_stride);
    else ck_planes_to_channels_last_avx2(src, channels, height, width, dst, dst_row_stride, dst_col_stride);
}

void ck_channels_last_to_planes(ck_isa isa, const float *src, long src_row_stride, long src_col_stride,
                                int channels, int height, int width, float *dst) {
    if (isa == CK_ISA_AVX512) channels_last_to_planes_512(src, src_row_stride, src_col_stride, channels, height, width, dst);
    else ck_channels_last_to_planes_avx2(src, src_row_stride, src_col_stride, channels, height, width, dst);
}

void ck_copy_into_planes(ck_isa isa, const float *src, int channels, int height, int width,
                         float *dst, long dst_plane, long dst_row_stride) {
    if (isa == CK_ISA_AVX512) copy_into_planes_512(src, channels, height, width, dst, dst_plane, dst_row_stride);
    else ck_copy_into_planes_avx2(src, channels, height, width, dst, dst_plane, dst_row_stride);
}


#else  // not x86-64: the Swift drivers never call these (ck_direct_available() is 0)

void ck_copy_into_planes(ck_isa isa, const float *src, int channels, int height, int width,
                         float *dst, long dst_plane, long dst_row_stride) {
    (void)isa;
    for (int c = 0; c < channels; c++)
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                dst[c * dst_plane + y * dst_row_stride + x] = src[((long)c * height + y) * width + x];
}
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

#endif
