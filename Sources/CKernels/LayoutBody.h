// The layout changes of Layout.c, written once for every form (FormEnd.h): NCHW planes to
// channels-last rows and back, 8 positions x 8 channels at a time through registers (masked
// loads and stores at the edges). A row at least 8 wide ends with a block that overlaps the one
// before (rewriting the same values) rather than a narrower one.

// Loads `count` vectors of `lanes` floats (src + i * src_stride), transposes them and stores
// `lanes` vectors of `count` floats (dst + i * dst_stride).
F_TARGET CK_INLINE void F(transpose_block)(const float *src, long src_stride, int count, int lanes,
                                           float *dst, long dst_stride) {
    __m256 r[8];
    const F_MASK8 in = M8(lanes), out = M8(count);
    for (int i = 0; i < 8; i++) r[i] = i < count ? LOAD8M(src + i * src_stride, in) : _mm256_setzero_ps();
    transpose8x8(r);
    for (int i = 0; i < lanes; i++) STORE8M(dst + i * dst_stride, out, r[i]);
}

// Full 8-position blocks with the channel count known at compile time (no branches inside).
#define CHANNEL_CASES(CALL) switch (m) { case 1: CALL(1); break; case 2: CALL(2); break; case 3: CALL(3); break; \
    case 4: CALL(4); break; case 5: CALL(5); break; case 6: CALL(6); break; case 7: CALL(7); break; default: CALL(8); break; }

// One loop for both directions: `planes` [channels][height][width] and `rows` (position (y, x)
// at y * row_stride + x * col_stride, channels adjacent); TO_PLANES says which one is written.
F_TARGET CK_INLINE void F(change_layout)(float *planes, float *rows, long row_stride, long col_stride,
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
                #define LAYOUT_BLOCK(N, M) (TO_PLANES ? F(transpose_block)(r, col_stride, N, M, p, plane) \
                                                      : F(transpose_block)(p, plane, M, N, r, col_stride))
                #define LAYOUT_FULL(M) LAYOUT_BLOCK(8, M)
                if (n == 8) { CHANNEL_CASES(LAYOUT_FULL) } else LAYOUT_BLOCK(n, m);
                #undef LAYOUT_FULL
                #undef LAYOUT_BLOCK
            }
        }
    }
}
#undef CHANNEL_CASES

F_TARGET static void F(planes_to_channels_last)(const float *src, int channels, int height, int width,
                                                float *dst, long dst_row_stride, long dst_col_stride) {
    F(change_layout)((float *)src, dst, dst_row_stride, dst_col_stride, channels, height, width, 0);
}

F_TARGET static void F(channels_last_to_planes)(const float *src, long src_row_stride, long src_col_stride,
                                                int channels, int height, int width, float *dst) {
    F(change_layout)(dst, (float *)src, src_row_stride, src_col_stride, channels, height, width, 1);
}

// Copies planes into the interiors of wider (zero-bordered) planes, a row at a time. The rows are
// short (8 to 32 floats in the course networks), so inline vector copies are used rather than a
// library call per row.
F_TARGET static void F(copy_into_planes)(const float *src, int channels, int height, int width,
                                         float *dst, long dst_plane, long dst_row_stride) {
    const F_MASK tail = V_MASK(width % VW);
    for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
            const float *s = src + ((long)c * height + y) * width;
            float *d = dst + c * dst_plane + y * dst_row_stride;
            int x = 0;
            for (; x + VW <= width; x += VW) V_STORE(d + x, V_LOAD(s + x));
            if (x < width) V_STOREP(d + x, tail, 1, V_LOADP(s + x, tail, 1));
        }
    }
}
