// Winograd F(2x2, 3x3) convolution (include/CWinograd.h): 16 products per tile, input channel and
// output channel instead of the direct convolution's 36, for 3x3 stride-1 layers with enough
// channels that the transforms cost less than the products they save.
//
// One image runs in four passes over scratch memory (tiles go to vector lanes, 8 tiles of a tile
// row to a register; a row of tiles is padded to a multiple of 8):
//   1. split: zero-bordered rows with their even and odd columns apart (Pe, Po), so the 4
//      columns of 8 adjacent tiles are four unaligned loads;
//   2. input transform V[xi][c][tile] = B^T d B;
//   3. products M[xi][k][tile] = sum over c (in order) of U[xi][k][c] * V[xi][c][tile]: 16
//      small matrix products, the only pass with many FLOPs (the form's widest vectors);
//   4. output transform Y = A^T M A (+ bias), the 2x2 outputs interleaved back into rows.
// Passes 1, 2 and 4 are the same 8-lane code on both forms; pass 3 sums every lane's products in
// the same order on both. So AVX2 and AVX-512 give the same bits.
#include "CKernels.h"
#include "CKernelsInternal.h"

// U = G g G^T, G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]] (plain C: the same
// bits on every form; it runs once a pass).
void ck_winograd_weights(const float *w, int out_channels, int in_channels, int transposed, float *u) {
    for (int k = 0; k < out_channels; k++) {
        for (int c = 0; c < in_channels; c++) {
            float g[3][3];
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    g[y][x] = transposed ? w[((long)c * out_channels + k) * 9 + (2 - y) * 3 + (2 - x)]
                                         : w[((long)k * in_channels + c) * 9 + y * 3 + x];
                }
            }
            float t[4][3];   // G g
            for (int x = 0; x < 3; x++) {
                t[0][x] = g[0][x];
                t[1][x] = ((g[0][x] + g[1][x]) + g[2][x]) * 0.5f;
                t[2][x] = ((g[0][x] - g[1][x]) + g[2][x]) * 0.5f;
                t[3][x] = g[2][x];
            }
            for (int i = 0; i < 4; i++) {
                const float r[4] = {t[i][0], ((t[i][0] + t[i][1]) + t[i][2]) * 0.5f,
                                    ((t[i][0] - t[i][1]) + t[i][2]) * 0.5f, t[i][2]};
                for (int j = 0; j < 4; j++) u[((long)(4 * i + j) * out_channels + k) * in_channels + c] = r[j];
            }
        }
    }
}

// The scratch layout of one image.
typedef struct {
    int tiles_y, row_vectors;   // tile rows; vectors of 8 tiles per tile row
    long split_row;             // floats of a split row (Pe or Po)
    int split_rows;             // zero-bordered rows: 2 * tiles_y + 2
    long tiles;                 // tiles_y * row_vectors * 8, rounded up to 16
    long v_xi, m_xi;            // floats from one transform position to the next in V and M
    float *split, *v, *m;
} wino_layout;

static wino_layout wino_layout_of(int cin, int cout, int height, int width, float *scratch) {
    wino_layout l;
    l.tiles_y = (height + 1) / 2;
    l.row_vectors = ((width + 1) / 2 + 7) / 8;
    l.split_row = 8L * l.row_vectors + 1;
    l.split_rows = 2 * l.tiles_y + 2;
    l.tiles = ((long)l.tiles_y * l.row_vectors * 8 + 15) / 16 * 16;
    l.split = scratch;
    // Passes 2 and 4 touch all 16 positions of a tile at once: 16 pointers a multiple of 4 KiB
    // apart would share L1 sets (it doubled their time), so each position is 64 bytes further.
    l.v_xi = (long)cin * l.tiles + 16;
    l.m_xi = (long)cout * l.tiles + 16;
    l.split = scratch;
    l.v = l.split + (long)cin * l.split_rows * 2 * l.split_row;
    l.m = l.v + 16 * l.v_xi;
    return l;
}

long ck_winograd_scratch(int in_channels, int out_channels, int height, int width) {
    const wino_layout l = wino_layout_of(in_channels, out_channels, height, width, 0);
    return (long)in_channels * l.split_rows * 2 * l.split_row + 16 * (l.v_xi + l.m_xi);
}

#if defined(__x86_64__)

// Pass 1: split row r (input row r - 1) of every channel: Pe[i] = row[2 i - 1], Po[i] = row[2 i]
// (zero outside the image).
CK_TARGET_AVX2 static void wino_split(const ck_winograd_args *a, const wino_layout *l) {
    const int w = a->width, h = a->height;
    const long n = l->split_row;
    for (int c = 0; c < a->in_channels; c++) {
        const float *plane = a->input + (long)c * h * w;
        for (int r = 0; r < l->split_rows; r++) {
            float *pe = l->split + ((long)c * l->split_rows + r) * 2 * n, *po = pe + n;
            const int y = r - 1;
            if (y < 0 || y >= h) {
                for (long i = 0; i < 2 * n; i++) pe[i] = 0;
                continue;
            }
            const float *row = plane + (long)y * w;
            long i = 0;
            pe[0] = 0;
            for (; 2 * i + 16 <= w; i += 8) {
                const __m256 lo = _mm256_loadu_ps(row + 2 * i), hi = _mm256_loadu_ps(row + 2 * i + 8);
                // shuffle_ps works within 128-bit halves: (lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6);
                // permute4x64 0xD8 puts the quarters in order.
                const __m256 even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xD8));
                const __m256 odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xDD)), 0xD8));
                _mm256_storeu_ps(po + i, even);
                _mm256_storeu_ps(pe + i + 1, odd);
            }
            for (long j = i; j < n; j++) po[j] = 2 * j < w ? row[2 * j] : 0;
            for (long j = i + 1; j < n; j++) pe[j] = 2 * j - 1 < w ? row[2 * j - 1] : 0;
        }
    }
}

// Pass 2: V = B^T d B, B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], 8 tiles a register.
CK_TARGET_AVX2 static void wino_input_transform(const ck_winograd_args *a, const wino_layout *l) {
    const long n = l->split_row, T = l->tiles;
    for (int c = 0; c < a->in_channels; c++) {
        const float *split = l->split + (long)c * l->split_rows * 2 * n;
        float *v = l->v + (long)c * T;
        for (int ty = 0; ty < l->tiles_y; ty++) {
            for (int tv = 0; tv < l->row_vectors; tv++) {
                __m256 t[4][4];
                CK_UNROLL
                for (int i = 0; i < 4; i++) {
                    const float *pe = split + (2L * ty + i) * 2 * n + 8 * tv, *po = pe + n;
                    const __m256 d0 = _mm256_loadu_ps(pe), d1 = _mm256_loadu_ps(po);
                    const __m256 d2 = _mm256_loadu_ps(pe + 1), d3 = _mm256_loadu_ps(po + 1);
                    t[i][0] = _mm256_sub_ps(d0, d2);
                    t[i][1] = _mm256_add_ps(d1, d2);
                    t[i][2] = _mm256_sub_ps(d2, d1);
                    t[i][3] = _mm256_sub_ps(d1, d3);
                }
                float *out = v + ((long)ty * l->row_vectors + tv) * 8;
                const long xi = l->v_xi;
                CK_UNROLL
                for (int j = 0; j < 4; j++) {
                    _mm256_storeu_ps(out + (0 + j) * xi, _mm256_sub_ps(t[0][j], t[2][j]));
                    _mm256_storeu_ps(out + (4 + j) * xi, _mm256_add_ps(t[1][j], t[2][j]));
                    _mm256_storeu_ps(out + (8 + j) * xi, _mm256_sub_ps(t[2][j], t[1][j]));
                    _mm256_storeu_ps(out + (12 + j) * xi, _mm256_sub_ps(t[1][j], t[3][j]));
                }
            }
        }
    }
}

// Pass 4: Y = A^T M A, A^T = [[1, 1, 1, 0], [0, 1, -1, -1]], plus the bias; the two outputs of a
// tile row's 8 tiles interleave into 16 adjacent columns.
CK_TARGET_AVX2 static void wino_output_transform(const ck_winograd_args *a, const wino_layout *l) {
    const long T = l->tiles, xi = l->m_xi;
    const int h = a->height, w = a->width;
    for (int k = 0; k < a->out_channels; k++) {
        const float *m = l->m + (long)k * T;
        float *plane = a->output + (long)k * h * w;
        const __m256 bias = a->bias ? _mm256_broadcast_ss(a->bias + k) : _mm256_setzero_ps();
        for (int ty = 0; ty < l->tiles_y; ty++) {
            for (int tv = 0; tv < l->row_vectors; tv++) {
                const float *p = m + ((long)ty * l->row_vectors + tv) * 8;
                __m256 s0[4], s1[4];
                CK_UNROLL
                for (int j = 0; j < 4; j++) {
                    const __m256 m0 = _mm256_loadu_ps(p + (0 + j) * xi), m1 = _mm256_loadu_ps(p + (4 + j) * xi);
                    const __m256 m2 = _mm256_loadu_ps(p + (8 + j) * xi), m3 = _mm256_loadu_ps(p + (12 + j) * xi);
                    s0[j] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
                    s1[j] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
                }
                __m256 y[2][2];
                y[0][0] = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s0[0], s0[1]), s0[2]), bias);
                y[0][1] = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s0[1], s0[2]), s0[3]), bias);
                y[1][0] = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s1[0], s1[1]), s1[2]), bias);
                y[1][1] = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s1[1], s1[2]), s1[3]), bias);
                const int x0 = 16 * tv, left = w - x0;
                CK_UNROLL
                for (int i = 0; i < 2; i++) {
                    const int row = 2 * ty + i;
                    if (row >= h) break;
                    const __m256 lo = _mm256_unpacklo_ps(y[i][0], y[i][1]), hi = _mm256_unpackhi_ps(y[i][0], y[i][1]);
                    const __m256 first = _mm256_permute2f128_ps(lo, hi, 0x20), second = _mm256_permute2f128_ps(lo, hi, 0x31);
                    float *out = plane + (long)row * w + x0;
                    if (left >= 16) {
                        _mm256_storeu_ps(out, first);
                        _mm256_storeu_ps(out + 8, second);
                    } else {
                        _mm256_maskstore_ps(out, lanes8(left), first);
                        if (left > 8) _mm256_maskstore_ps(out + 8, lanes8(left - 8), second);
                    }
                }
            }
        }
    }
}

// Pass 3, one body per form (WinogradBody.h).
#include "FormAVX512.h"
#define WINO_TILES 4      // tile vectors x output channels per register block
#define WINO_OUTS 6
#include "WinogradBody.h"
#include "FormEnd.h"

#include "FormAVX2.h"
#ifdef WINO_AVX2_TILES   // microbenchmarks try other blocks
#define WINO_TILES WINO_AVX2_TILES
#define WINO_OUTS WINO_AVX2_OUTS
#else
#define WINO_TILES 4
#define WINO_OUTS 3
#endif
#include "WinogradBody.h"
#include "FormEnd.h"

void ck_winograd(const ck_winograd_args *a) {
    if (a->height <= 0 || a->width <= 0 || a->out_channels <= 0) return;
    const wino_layout l = wino_layout_of(a->in_channels, a->out_channels, a->height, a->width, a->scratch);
    // Lanes past the last tile row's tiles (the 16-tile rounding) are computed but never read;
    // zero them so they hold numbers.
    const long used = (long)l.tiles_y * l.row_vectors * 8;
    for (int xi = 0; xi < 16; xi++) {
        for (long c = 0; c < a->in_channels; c++) {
            for (long t = used; t < l.tiles; t++) l.v[xi * l.v_xi + c * l.tiles + t] = 0;
        }
    }
    wino_split(a, &l);
    wino_input_transform(a, &l);
    if (a->isa == CK_ISA_AVX512) wino_products_avx512(a, &l); else wino_products_avx2(a, &l);
    wino_output_transform(a, &l);
}

#else  // not x86-64: the Swift drivers never call it (ck_direct_available() is 0)

void ck_winograd(const ck_winograd_args *a) { (void)a; }

#endif
