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
        // A row of 8 channels at a time: planes of 1024 floats map each position of all planes to
        // one L1 set, and 16 planes' lines there would evict one another between the blocks.
        for (int c = 0; c < channels; c += 8) {
            const int m = channels - c < 8 ? channels - c : 8;
            for (int block = 0; block < width; block += 8) {
                const int x = block + 8 <= width || width < 8 ? block : width - 8;
                const int n = width - x < 8 ? width - x : 8;
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

// planes_to_channels_last that also adds each plane's sum to sums[c] (a convolution's bias
// gradient, from the same reads). M channels (at most 8) over their whole planes: each channel's
// eight lanes sum its rows' 8-column blocks (the last block of a row whose width is not a multiple
// of 8 overlaps the one before and adds only its new columns), then sums[c] += lane_tree8 of them.
// The AVX code of both forms: the same bits.
F_TARGET CK_INLINE void F(sums_group)(const float *src, long plane, int height, int width, float *dst,
                                      long dst_row_stride, long dst_col_stride, float *sums, const int M) {
    __m256 lanes[8];
    CK_UNROLL
    for (int i = 0; i < 8; i++) lanes[i] = _mm256_setzero_ps();
    const F_MASK8 kept = M8(M);
    for (int y = 0; y < height; y++) {
        const float *p = src + (long)y * width;
        float *d = dst + y * dst_row_stride;
        int x = 0;
        for (; x + 8 <= width; x += 8) {
            __m256 r[8];
            CK_UNROLL
            for (int i = 0; i < 8; i++) r[i] = i < M ? _mm256_loadu_ps(p + i * plane + x) : _mm256_setzero_ps();
            CK_UNROLL
            for (int i = 0; i < M; i++) lanes[i] = _mm256_add_ps(lanes[i], r[i]);
            transpose8x8(r);
            CK_UNROLL
            for (int i = 0; i < 8; i++) {
                if (M == 8) _mm256_storeu_ps(d + (x + i) * dst_col_stride, r[i]);
                else STORE8M(d + (x + i) * dst_col_stride, kept, r[i]);
            }
        }
        if (x < width) {
            // The last columns: the 8-column block ending at the row's end (or the whole row when
            // it is narrower than 8), whose first `seen` columns were summed already.
            const int xb = width >= 8 ? width - 8 : 0, n = width - xb, seen = x - xb;
            const F_MASK8 cols = M8(n);
            const __m256 fresh = _mm256_castsi256_ps(_mm256_cmpgt_epi32(
                _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(seen - 1)));
            __m256 r[8];
            CK_UNROLL
            for (int i = 0; i < 8; i++) r[i] = i < M ? LOAD8M(p + i * plane + xb, cols) : _mm256_setzero_ps();
            CK_UNROLL
            for (int i = 0; i < M; i++) lanes[i] = _mm256_add_ps(lanes[i], _mm256_and_ps(r[i], fresh));
            transpose8x8(r);
            for (int i = 0; i < n; i++) STORE8M(d + (xb + i) * dst_col_stride, kept, r[i]);
        }
    }
    float total[8];
    lane_tree8(lanes, total);
    CK_UNROLL
    for (int i = 0; i < M; i++) sums[i] += total[i];
}

F_TARGET static void F(planes_to_channels_last_sums)(const float *src, int channels, int height, int width,
                                                     float *dst, long dst_row_stride, long dst_col_stride,
                                                     float *sums) {
    const long plane = (long)height * width;
    for (int c = 0; c < channels; c += 8) {
        const float *s = src + c * plane;
        float *d = dst + c;
        #define SUMS_GROUP(M) F(sums_group)(s, plane, height, width, d, dst_row_stride, dst_col_stride, sums + c, M)
        switch (channels - c < 8 ? channels - c : 8) {
            case 1: SUMS_GROUP(1); break; case 2: SUMS_GROUP(2); break; case 3: SUMS_GROUP(3); break;
            case 4: SUMS_GROUP(4); break; case 5: SUMS_GROUP(5); break; case 6: SUMS_GROUP(6); break;
            case 7: SUMS_GROUP(7); break; default: SUMS_GROUP(8); break;
        }
        #undef SUMS_GROUP
    }
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

// The even values of a, b (a0 a2 ... b0 b2 ...) into *even, the odd ones into *odd.
F_TARGET CK_INLINE void F(deinterleave)(F_VEC a, F_VEC b, F_VEC *even, F_VEC *odd) {
#if VW == 16
    *even = _mm512_permutex2var_ps(a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
    *odd = _mm512_permutex2var_ps(a, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
#else
    // a0 a2 b0 b2 | a4 a6 b4 b6, then the middle 64-bit halves swapped: a0 a2 a4 a6 b0 b2 b4 b6.
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
#endif
}

// ck_copy_into_column_phases: every source row's values go to the even or odd half of its
// destination row, by the parity of their padded column (x + left), 2 * VW values at a time.
F_TARGET static void F(copy_into_column_phases)(const float *src, int channels, int height, int width,
                                                float *dst, long dst_plane, long dst_row_stride, int left, int half) {
    // Where source columns 0, 2, 4, ... and 1, 3, 5, ... start in a destination row.
    const long from_even = (left & 1) ? half + left / 2 : left / 2;
    const long from_odd = (left & 1) ? (left + 1) / 2 : half + left / 2;
    for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
            const float *s = src + ((long)c * height + y) * width;
            float *d = dst + c * dst_plane + y * dst_row_stride;
            int x = 0;
            for (; x + 2 * VW <= width; x += 2 * VW) {
                F_VEC even, odd;
                F(deinterleave)(V_LOAD(s + x), V_LOAD(s + x + VW), &even, &odd);
                V_STORE(d + from_even + x / 2, even);
                V_STORE(d + from_odd + x / 2, odd);
            }
            for (; x < width; x++) d[(x & 1) ? from_odd + x / 2 : from_even + x / 2] = s[x];
        }
    }
}
