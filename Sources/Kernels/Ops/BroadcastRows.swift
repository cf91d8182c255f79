import CKernels

/// The AVX2 row gather with its weights broadcast beforehand (`ck_gather_rows_broadcast`,
/// `CKernels/BroadcastRows.c`): for the planar gathers that run along rows with more than 8 output
/// channels on AVX2, where `ck_gather_rows`' 8-channel blocks spill AVX2's 16 registers.
/// N1's Conv2d(3, 16, 3, padding=1) forward: 1.63 -> 1.38 ms per 128 images (C microbenchmark,
/// thread CPU, 2026-11-30); N3's Conv2d(3, 16, 4, 2, 1) over split columns 0.685 -> 0.607 (against the
/// channel gather). The same sums in the same order as `ck_gather_rows`: the same bits.
struct BroadcastRowWeights {
    /// [groups of 4 channels][pairs][4][8]: every weight as 8 copies.
    let buffer: FloatBuffer
    let pairs: Int, outs: Int

    /// Whether a planar gather over adjacent columns of `outs` channels and `pairs` pairs on `isa`
    /// runs as `ck_gather_rows_broadcast`, on AVX2 only (AVX-512 has the registers for
    /// `ck_gather_rows`): more than 8 channels over rows that fill their vectors (`fillsRowVectors`)
    /// with up to 64 pairs: own network 1's first layer (27 pairs, which `directGatherPlanes` would
    /// run along rows too) and own network 3's Conv2d(3, 16, 4, 2, 1) over split columns (48 pairs,
    /// 0.685 -> 0.607 ms per 128 images against the channel gather; with 144 pairs, 16 -> 32 channels
    /// 3x3, the two ran alike); or exactly 8 channels over rows of at least 16 columns (the course
    /// CNN's first layer, 28 columns: 1.80-1.87 -> 1.63 ms per 128 images in a C microbenchmark,
    /// against the channel gather those take otherwise). Fewer than 8 channels keep the channel
    /// gather or `gatherPhaseMajor`.
    static func runs(isa: ck_isa, outs: Int, cols: Int, pairs: Int) -> Bool {
        guard isa == CK_ISA_AVX2 else { return false }
        if outs == 8 { return cols >= 16 }
        return outs > 8 && fillsRowVectors(cols) && pairs <= 64
    }

    init(pairs: Int, outs: Int) {
        self.pairs = pairs
        self.outs = outs
        buffer = FloatBuffer(count: ck_broadcast_row_weights_count(Int32(pairs), Int32(outs)))
    }

    /// Broadcasts weights [pairs][outs] (once per pass, before the images).
    func fill(from weights: UnsafePointer<Float>) {
        ck_broadcast_row_weights(weights, Int32(pairs), Int32(outs), buffer.pointer)
    }

    /// `directGatherRows` with the weights `fill` broadcast (the same arguments and result).
    func gather(input: UnsafePointer<Float>, rowStride: Int, pairOffsets: [Int], rows: Int, cols: Int,
                output: UnsafeMutablePointer<Float>, outputRowStride: Int, outputPlane: Int,
                bias: UnsafePointer<Float>?, rowPairs: [Int32]?) {
        precondition(pairOffsets.count == pairs, "broadcast weights for \(pairs) pairs, gather of \(pairOffsets.count)")
        pairOffsets.withUnsafeBufferPointer { offsets in
            withOptionalBuffer(rowPairs) { rowPairs in
                var args = ck_gather_rows_args(
                    input: input, in_row_stride: rowStride, pairs: Int32(pairs), pair_offsets: offsets.baseAddress,
                    weights: nil, out_channels: Int32(outs), rows: Int32(rows), cols: Int32(cols), output: output,
                    out_row_stride: outputRowStride, out_plane: outputPlane, bias: bias, row_pairs: rowPairs, isa: CK_ISA_AVX2)
                ck_gather_rows_broadcast(&args, buffer.pointer)
            }
        }
    }
}
