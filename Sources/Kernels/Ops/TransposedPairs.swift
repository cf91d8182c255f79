import CKernels

/// The forward pass of a transposed convolution with column stride 2 and 3 or 4 output channels
/// (`ck_transposed_pairs`, CKernels/TransposedPairs.c): both column phases of each output row are
/// gathered along the rows together and interleaved in registers, and the sigmoid, when the
/// convolution carries it, is applied before the one store. It replaces `PhaseWindows.gatherPhaseMajor`
/// (a phase-major buffer, then an interleaving pass) and the activation's own pass over the image,
/// with the same bits. Own network 3's and the course autoencoder's last layers,
/// ConvTranspose2d(16 or 8, 3, 4, 2, 1) + Sigmoid: C microbenchmark (32 images, with the padded copy,
/// 2026-11-30, load 7-14): AVX-512 0.197 -> 0.158 ms and 0.134 -> 0.110; AVX2 0.273 -> 0.245 and
/// 0.180 -> 0.165. (1 and 2 channels were not faster: those keep the phase-major route.)
final class TransposedPairs: @unchecked Sendable {
    /// The phases' tables in the kernel's order (phase 2 p + q: row phase p, column phase q), in
    /// memory that lives as long as the plan: the pair offsets, row ranges and weight pointers.
    private let offsets: UnsafeMutablePointer<Int>
    private let rowPairs: UnsafeMutablePointer<Int32>
    private let pairs: UnsafeMutablePointer<Int32>
    private let offsetPointers: UnsafeMutablePointer<UnsafePointer<Int>?>
    private let rowPairPointers: UnsafeMutablePointer<UnsafePointer<Int32>?>
    private let weightPointers: UnsafeMutablePointer<UnsafePointer<Float>?>
    private let phaseCount: Int
    private let template: ck_transposed_pairs_args

    /// nil unless `phases` can run this way for `outs` output channels on `isa`: column stride 2
    /// with every phase present, each phaseRows x phaseCols (the big image exactly S x 2 phases),
    /// and `ck_transposed_pairs_fits` (3 or 4 channels, whole vectors of columns).
    /// weights: the phase-ordered weight buffer (`PhaseWindows.arrangeWeights`), filled before each forward.
    init?(_ phases: PhaseWindows, outs: Int, big: Size2D, weights: UnsafePointer<Float>, isa: ck_isa) {
        guard phases.interleavesColumnPairs, outs == 3 || outs == 4,
              ck_transposed_pairs_fits(isa, Int32(outs), Int32(phases.phaseCols)) != 0,
              big.height == phases.strideRows * phases.phaseRows, big.width == 2 * phases.phaseCols,
              phases.phases.allSatisfy({ $0.rows == phases.phaseRows && $0.cols == phases.phaseCols })
        else { return nil }
        let n = phases.phases.count
        phaseCount = n
        let totalPairs = phases.phases.reduce(0) { $0 + $1.pairOffsets.count }
        offsets = .allocate(capacity: totalPairs)
        rowPairs = .allocate(capacity: n * 2 * phases.phaseRows)
        pairs = .allocate(capacity: n)
        offsetPointers = .allocate(capacity: n)
        rowPairPointers = .allocate(capacity: n)
        weightPointers = .allocate(capacity: n)
        var offsetStart = 0
        // PhaseWindows lists the phases row phase by row phase, column phase 0 then 1: the kernel's order.
        for (index, phase) in phases.phases.enumerated() {
            (offsets + offsetStart).initialize(from: phase.pairOffsets, count: phase.pairOffsets.count)
            (rowPairs + index * 2 * phases.phaseRows).initialize(from: phase.rowPairs, count: phase.rowPairs.count)
            pairs[index] = Int32(phase.pairOffsets.count)
            offsetPointers[index] = UnsafePointer(offsets + offsetStart)
            rowPairPointers[index] = UnsafePointer(rowPairs + index * 2 * phases.phaseRows)
            weightPointers[index] = weights + phase.weightOffset
            offsetStart += phase.pairOffsets.count
        }
        template = ck_transposed_pairs_args(
            input: nil, in_row_stride: phases.rowStride, row_phases: Int32(phases.strideRows), pairs: pairs,
            pair_offsets: offsetPointers, weights: weightPointers, row_pairs: rowPairPointers, out_channels: Int32(outs),
            rows: Int32(phases.phaseRows), cols: Int32(phases.phaseCols), output: nil, height: Int32(big.height),
            width: Int32(big.width), bias: nil, sigmoid: 0, isa: isa)
    }

    deinit {
        offsets.deallocate()
        rowPairs.deallocate()
        pairs.deallocate()
        offsetPointers.deallocate()
        rowPairPointers.deallocate()
        weightPointers.deallocate()
    }

    /// Computes one image's output planes from `source` (the padded small grid, `PhaseWindows.image`),
    /// through the sigmoid when `sigmoid`.
    func gather(source: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
                sigmoid: Bool) {
        var args = template
        args.input = source
        args.output = output
        args.bias = bias
        args.sigmoid = sigmoid ? 1 : 0
        ck_transposed_pairs(&args)
    }
}
