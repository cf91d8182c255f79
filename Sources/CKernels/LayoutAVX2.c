// Layout changes in AVX2 form (see include/CKernels.h and Layout.c): the same 8 x 8 register
// blocks, with AVX2's masked loads and stores at the edges.
#include "CKernelsInternal.h"

#if defined(__x86_64__)

CK_TARGET_AVX2 CK_INLINE void planes_block(const float *s, long plane, int n, int m, float *d, long dcs) {
    __m256 r[8];
    const __m256i positions = lanes8(n), channels = lanes8(m);
    for (int i = 0; i < 8; i++) r[i] = i < m ? _mm256_maskload_ps(s + i * plane, positions) : _mm256_setzero_ps();
    transpose8x8(r);
    for (int i = 0; i < n; i++) _mm256_maskstore_ps(d + i * dcs, channels, r[i]);
}

CK_TARGET_AVX2 CK_INLINE void channels_block(const float *s, long scs, int n, int m, float *d, long plane) {
    __m256 r[8];
    const __m256i positions = lanes8(n), channels = lanes8(m);
    for (int i = 0; i < 8; i++) r[i] = i < n ? _mm256_maskload_ps(s + i * scs, channels) : _mm256_setzero_ps();
    transpose8x8(r);
    for (int i = 0; i < m; i++) _mm256_maskstore_ps(d + i * plane, positions, r[i]);
}

#define CHANNEL_CASES(CALL) switch (m) { case 1: CALL(1); break; case 2: CALL(2); break; case 3: CALL(3); break; \
    case 4: CALL(4); break; case 5: CALL(5); break; case 6: CALL(6); break; case 7: CALL(7); break; default: CALL(8); break; }

// As Layout.c's change_layout: TO_PLANES says whether `planes` or `rows` is written.
CK_TARGET_AVX2 CK_INLINE void change_layout(float *planes, float *rows, long row_stride, long col_stride,
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

CK_TARGET_AVX2 void ck_planes_to_channels_last_avx2(const float *src, int channels, int height, int width,
                                                    float *dst, long dst_row_stride, long dst_col_stride) {
    change_layout((float *)src, dst, dst_row_stride, dst_col_stride, channels, height, width, 0);
}

CK_TARGET_AVX2 void ck_channels_last_to_planes_avx2(const float *src, long src_row_stride, long src_col_stride,
                                                    int channels, int height, int width, float *dst) {
    change_layout(dst, (float *)src, src_row_stride, src_col_stride, channels, height, width, 1);
}

CK_TARGET_AVX2 void ck_copy_into_planes_avx2(const float *src, int channels, int height, int width,
                                             float *dst, long dst_plane, long dst_row_stride) {
    const __m256i tail = lanes8(width & 7);
    for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
            const float *s = src + ((long)c * height + y) * width;
            float *d = dst + c * dst_plane + y * dst_row_stride;
            int x = 0;
            for (; x + 8 <= width; x += 8) _mm256_storeu_ps(d + x, _mm256_loadu_ps(s + x));
            if (x < width) _mm256_maskstore_ps(d + x, tail, _mm256_maskload_ps(s + x, tail));
        }
    }
}

#endif
