import CKernels
import Testing
@testable import Kernels

/// `ck_gather_rows_broadcast` (AVX2, weights broadcast beforehand) against `ck_gather_rows` on the
/// same arguments: every output bit for bit (same sums in the same order), and against a plain
/// loop within rounding. Shapes cover each channel group size (1 to 4 in the last group), masked
/// column strips, every tail of a row block, row pair ranges and no bias. The convolutions that
/// route through it are also in `DirectConvolutionTests` (reference and AVX-512 == AVX2).
@Suite("AVX2 row gather with broadcast weights")
struct BroadcastRowsTests {
    struct Shape {
        let outs: Int, rows: Int, cols: Int, channels: Int, kernel: Int
        let rowPairs: Bool, bias: Bool
    }

    static let shapes: [Shape] = [
        // Own network 1's first layer: 16 channels, 32 x 32, 3 input channels, 3 x 3.
        Shape(outs: 16, rows: 32, cols: 32, channels: 3, kernel: 3, rowPairs: true, bias: true),
        Shape(outs: 9, rows: 7, cols: 13, channels: 2, kernel: 3, rowPairs: false, bias: true),
        Shape(outs: 10, rows: 5, cols: 29, channels: 3, kernel: 3, rowPairs: true, bias: false),
        Shape(outs: 11, rows: 8, cols: 16, channels: 1, kernel: 5, rowPairs: true, bias: true),
        Shape(outs: 12, rows: 2, cols: 8, channels: 4, kernel: 2, rowPairs: false, bias: false),
        Shape(outs: 3, rows: 9, cols: 5, channels: 2, kernel: 3, rowPairs: true, bias: true),
        Shape(outs: 1, rows: 15, cols: 20, channels: 3, kernel: 3, rowPairs: false, bias: true),
        Shape(outs: 2, rows: 11, cols: 24, channels: 2, kernel: 3, rowPairs: true, bias: true),
        // The course CNN's conv0 (8 channels, 28 columns: the last strip overlaps the one before).
        Shape(outs: 8, rows: 28, cols: 28, channels: 3, kernel: 5, rowPairs: false, bias: true),
        Shape(outs: 8, rows: 6, cols: 19, channels: 2, kernel: 3, rowPairs: true, bias: false),
    ]

    @Test("the same bits as ck_gather_rows, and the plain loop's values", arguments: shapes.indices)
    func matchesRowGather(index: Int) throws {
        try #require(ck_best_isa() != CK_ISA_NONE, "this CPU has no AVX2 + FMA: the AVX2 gather never runs here")
        let s = Self.shapes[index]
        var rng = TestRandom(seed: UInt64(40 + index))
        // Input: zero-bordered planes of (rows + k - 1) x (cols + k - 1) ("same" windows, border k / 2).
        let k = s.kernel, border = k / 2
        let height = s.rows + k - 1, width = s.cols + k - 1, plane = height * width
        var input = [Float](repeating: 0, count: s.channels * plane + 8)
        for c in 0..<s.channels {
            for y in border..<(border + s.rows) {
                for x in border..<(border + s.cols) where y < height && x < width { input[c * plane + y * width + x] = rng.float() }
            }
        }
        let pairs = k * k * s.channels
        let offsets = (0..<pairs).map { j in (j % s.channels) * plane + (j / s.channels / k) * width + (j / s.channels) % k }
        let weights = rng.floats(pairs * s.outs), bias = rng.floats(s.outs)
        // Kernel rows that read only the zero border are left out at the first and last rows.
        var rowPairs: [Int32] = []
        let perKernelRow = k * s.channels
        for row in 0..<s.rows {
            let first = max(0, border - row), last = min(k, s.rows + border - row)
            rowPairs += [Int32(first * perKernelRow), Int32(max(first, last) * perKernelRow)]
        }
        let area = s.rows * s.cols
        var expected = [Float](repeating: .nan, count: s.outs * area), actual = expected
        let broadcast = BroadcastRowWeights(pairs: pairs, outs: s.outs)
        input.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    broadcast.fill(from: w.baseAddress!)
                    directGatherRows(isa: CK_ISA_AVX2, input: x.baseAddress!, rowStride: width, pairOffsets: offsets,
                                     weights: w.baseAddress!, outs: s.outs, rows: s.rows, cols: s.cols, output: &expected,
                                     outputRowStride: s.cols, outputPlane: area, bias: s.bias ? b.baseAddress : nil,
                                     rowPairs: s.rowPairs ? rowPairs : nil)
                    broadcast.gather(input: x.baseAddress!, rowStride: width, pairOffsets: offsets, rows: s.rows, cols: s.cols,
                                     output: &actual, outputRowStride: s.cols, outputPlane: area,
                                     bias: s.bias ? b.baseAddress : nil, rowPairs: s.rowPairs ? rowPairs : nil)
                }
            }
        }
        #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern), "shape \(index): not ck_gather_rows' bits")
        // The plain loop (double sums): within float rounding of the pairs' sum.
        var worst = 0.0
        for c in 0..<s.outs {
            for row in 0..<s.rows {
                for col in 0..<s.cols {
                    var sum = s.bias ? Double(bias[c]) : 0
                    for j in 0..<pairs { sum += Double(input[row * width + col + offsets[j]]) * Double(weights[j * s.outs + c]) }
                    let error = abs(Double(actual[c * area + row * s.cols + col]) - sum)
                    worst = error.isNaN ? .infinity : max(worst, error)
                }
            }
        }
        #expect(worst <= 1e-5 * Double(pairs), "shape \(index): off the plain loop by \(worst)")
    }

    @Test("the Conv2d forwards that route through it: own network 1's first layer, own network 3's over split columns (AVX2 only)")
    func routes() throws {
        // Own network 3's Conv2d(3, 16, 4, 2, 1): 48 pairs over rows split into even and odd columns.
        let n3 = try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 16, input: 32, kernel: 4, stride: 2, padding: 1)
        let n3AVX2 = DirectConv2dPlan(n3, isa: CK_ISA_AVX2)
        #expect(n3AVX2.broadcastRows != nil && n3AVX2.windows.image.splitsColumns && n3AVX2.windows.columnStride == 1)
        // AVX-512 splits the rows for ck_gather_rows, with its weights in registers.
        let n3AVX512 = DirectConv2dPlan(n3, isa: CK_ISA_AVX512)
        #expect(n3AVX512.broadcastRows == nil && n3AVX512.windows.image.splitsColumns)
        // Own network 1's Conv2d(3, 16, 3, padding=1).
        let n1 = try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 16, input: 32, kernel: 3, padding: 1)
        #expect(DirectConv2dPlan(n1, isa: CK_ISA_AVX2).broadcastRows != nil)
        // More than 64 pairs (16 -> 32 channels, 3x3 over 16 columns: no faster than the channel gather)
        // and rows that fill too little of their vectors (12 columns) keep the channel gather at column stride 2.
        for g in [try Conv2dGeometry(batch: 2, inChannels: 16, outChannels: 32, input: 32, kernel: 3, stride: 2, padding: 1),
                  try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 16, input: 24, kernel: 4, stride: 2, padding: 1)] {
            let plan = DirectConv2dPlan(g, isa: CK_ISA_AVX2)
            #expect(plan.broadcastRows == nil && !plan.windows.image.splitsColumns, "\(g)")
        }
    }
}
