import CKernels
import Foundation

/// Which convolution kernels run: the direct loops of `CKernels` in AVX-512 or AVX2 (+ FMA) form,
/// or im2col + OpenBLAS (any CPU). The direct forms sum in the same order (same bits); all of them
/// agree with the plain reference loops (the kernel tests run each on the same cases).
public enum ConvolutionKernels: String, Sendable, CaseIterable {
    case avx512
    case avx2
    case portable

    /// What `cnnlab doctor` and `cnnlab bench` call it.
    public var summary: String {
        switch self {
        case .avx512: "direct AVX-512 convolutions"
        case .avx2: "direct AVX2 convolutions"
        case .portable: "im2col convolutions"
        }
    }

    /// The name in `cnnlab bench --json`.
    public var jsonName: String {
        switch self {
        case .avx512: "direct-avx512"
        case .avx2: "direct-avx2"
        case .portable: "im2col-openblas"
        }
    }

    /// The instruction set handed to the C kernels (`CK_ISA_NONE` for the portable path: never passed).
    var isa: ck_isa {
        switch self {
        case .avx512: CK_ISA_AVX512
        case .avx2: CK_ISA_AVX2
        case .portable: CK_ISA_NONE
        }
    }

    /// The kernels a CPU whose best instruction set is `isa` runs fastest.
    init(best isa: ck_isa) {
        self = isa == CK_ISA_AVX512 ? .avx512 : isa == CK_ISA_AVX2 ? .avx2 : .portable
    }

    /// Whether a CPU whose best form is `best` runs these (AVX-512 CPUs run the AVX2 form too).
    public func runs(on best: ConvolutionKernels) -> Bool {
        switch self {
        case .avx512: best == .avx512
        case .avx2: best != .portable
        case .portable: true
        }
    }

    /// Whether a workspace built for these kernels runs the direct plan on this CPU (else the
    /// portable im2col path, also for a form this CPU lacks).
    var runsDirect: Bool { self != .portable && runs(on: DirectConvolution.best) }

    /// The kernels to run for a `CNNLAB_KERNELS` value (nil: not set) on a CPU whose best form is
    /// `best`, and what is wrong with the value when it cannot be followed (then `best` runs).
    public static func choose(_ value: String?, best: ConvolutionKernels) -> (ConvolutionKernels, problem: String?) {
        guard let value, !value.isEmpty else { return (best, nil) }
        guard let wanted = ConvolutionKernels(rawValue: value.lowercased()) else {
            let names = allCases.map(\.rawValue).joined(separator: ", ")
            return (best, "CNNLAB_KERNELS=\(value) is not one of \(names); running \(best.rawValue)")
        }
        guard wanted.runs(on: best) else {
            return (best, "CNNLAB_KERNELS=\(value): this CPU has no \(wanted == .avx512 ? "AVX-512 (F, VL, DQ, BW)" : "AVX2 + FMA"); running \(best.rawValue)")
        }
        return (wanted, nil)
    }
}

/// The convolution kernels of this process.
public enum DirectConvolution {
    /// The fastest form this CPU runs.
    public static let best = ConvolutionKernels(best: ck_best_isa())

    /// What runs: `best`, or the form `CNNLAB_KERNELS` names (avx512, avx2 or portable) when this CPU
    /// runs it. Decided once per process.
    public static let active: ConvolutionKernels = choice.0

    /// Why `CNNLAB_KERNELS` was not followed, or nil.
    public static let problem: String? = choice.problem

    private static let choice = ConvolutionKernels.choose(getenv("CNNLAB_KERNELS").map { String(cString: $0) }, best: best)

    /// Whether direct kernels of either form run.
    public static var isAvailable: Bool { active != .portable }

    /// Whether the AVX-512-only element-wise loops run (2x2 pooling); with the AVX2 or portable
    /// kernels the Swift loops beside them run (the same bits). The sigmoid and byte scaling have AVX2 forms too.
    public static var vectorElementwise: Bool { active == .avx512 }

    /// A short description for `cnnlab doctor`.
    public static var summary: String {
        var text = active == .portable ? "im2col + OpenBLAS" : active.summary + "; OpenBLAS for linear layers"
        text += " (CNNLAB_KERNELS=avx512|avx2|portable; fastest on this CPU: \(best.rawValue))"
        if let problem { text += "; \(problem)" }
        return text
    }
}

/// Runs `ck_gather` over a grid of positions. weights: [pairs][outs]. With `outputPlane` > 0 the
/// output is written as NCHW planes of that size (positions of a row must be adjacent there).
@inline(__always)
func directGather(isa: ck_isa, input: UnsafePointer<Float>, rowStride: Int, columnStride: Int, pairOffsets: [Int],
                  weights: UnsafePointer<Float>, outs: Int, rows: Int, cols: Int,
                  output: UnsafeMutablePointer<Float>, outputRowStride: Int, outputColumnStride: Int,
                  bias: UnsafePointer<Float>?, rowPairs: [Int32]? = nil, outputPlane: Int = 0) {
    pairOffsets.withUnsafeBufferPointer { offsets in
        withOptionalBuffer(rowPairs) { rowPairs in
            var args = ck_gather_args(
                input: input, in_row_stride: rowStride, in_col_stride: columnStride,
                pairs: Int32(offsets.count), pair_offsets: offsets.baseAddress, weights: weights,
                out_channels: Int32(outs), rows: Int32(rows), cols: Int32(cols), output: output,
                out_row_stride: outputRowStride, out_col_stride: outputColumnStride, bias: bias, row_pairs: rowPairs,
                out_plane: outputPlane, isa: isa)
            ck_gather(&args)
        }
    }
}

/// A gather that writes NCHW planes (`outputPlane` floats each, rows `outputRowStride` apart),
/// reading input columns `columnStride` apart. Over adjacent columns it runs vectorised along rows
/// (`ck_gather_rows`: 16 columns, or with AVX-512 two rows of up to 8, to a register) when
/// `gathersRows` says so; else along channels
/// (`ck_gather`). With `broadcast` (weights the plan broadcast once per pass, over adjacent columns)
/// it runs `ck_gather_rows_broadcast`. All sum each value's pairs in the same order: the same bits
/// either way.
@inline(__always)
func directGatherPlanes(isa: ck_isa, input: UnsafePointer<Float>, rowStride: Int, columnStride: Int, pairOffsets: [Int],
                        weights: UnsafePointer<Float>, outs: Int, rows: Int, cols: Int,
                        output: UnsafeMutablePointer<Float>, outputRowStride: Int, outputPlane: Int,
                        bias: UnsafePointer<Float>?, rowPairs: [Int32]? = nil, broadcast: BroadcastRowWeights? = nil) {
    if let broadcast {
        broadcast.gather(input: input, rowStride: rowStride, pairOffsets: pairOffsets, rows: rows, cols: cols,
                         output: output, outputRowStride: outputRowStride, outputPlane: outputPlane, bias: bias,
                         rowPairs: rowPairs)
    } else if columnStride == 1 && gathersRows(isa: isa, outs: outs, cols: cols, pairs: pairOffsets.count) {
        directGatherRows(isa: isa, input: input, rowStride: rowStride, pairOffsets: pairOffsets, weights: weights,
                         outs: outs, rows: rows, cols: cols, output: output, outputRowStride: outputRowStride,
                         outputPlane: outputPlane, bias: bias, rowPairs: rowPairs)
    } else {
        directGather(isa: isa, input: input, rowStride: rowStride, columnStride: columnStride, pairOffsets: pairOffsets,
                     weights: weights, outs: outs, rows: rows, cols: cols, output: output,
                     outputRowStride: outputRowStride, outputColumnStride: 1, bias: bias, rowPairs: rowPairs,
                     outputPlane: outputPlane)
    }
}

/// Whether a planar gather over adjacent columns runs faster along rows (`ck_gather_rows`) than along
/// channels (`ck_gather`), from C microbenchmarks (thread CPU time, 32 images, 2026-11-30):
/// - AVX-512, up to 8 channels: when the columns fill more of a register than the channels would
///   (rows of up to 8 columns go two to a register: ConvTranspose2d(16, 8) phases 67 -> 124 GFLOP/s).
/// - AVX-512, more channels (groups of 8): when there is at least one full vector of columns and
///   the row's vectors are at least 85% filled (32 and 28 columns: 3->16 3x3 on 32x32 99 -> 141-150
///   GFLOP/s, 3->32 86 -> 140, 16->32 on 16x16 135 -> 152-170; 14, 12, 10 or 8 columns are slower).
///   The channel gather turns every block of positions into planes with register transposes,
///   which few pairs (a first layer's 3 input channels) do not amortise.
/// - AVX2 (the 8-channel rows block spills a register): more than 8 channels and at most 32 pairs
///   on the same columns (3->16 3x3: 54 -> 57-75, 3->32 54 -> 68); with more pairs the channel
///   gather is as fast or faster.
@inline(__always)
func gathersRows(isa: ck_isa, outs: Int, cols: Int, pairs: Int) -> Bool {
    if outs <= 8 { return isa == CK_ISA_AVX512 && (cols <= 8 ? Double(cols) / 8 : columnsFilled(cols)) > Double(outs) / 16 }
    let wide = fillsRowVectors(cols)
    return isa == CK_ISA_AVX512 ? wide : wide && pairs <= 32
}

/// The share of 16-column vectors a row of `cols` columns fills.
@inline(__always)
func columnsFilled(_ cols: Int) -> Double { Double(cols) / Double(16 * ((cols + 15) / 16)) }

/// Rows of at least one full 16-column vector that fill their vectors to 85% or more: the row
/// gathers of more than 8 channels run faster than the channel gather there (`gathersRows`).
@inline(__always)
func fillsRowVectors(_ cols: Int) -> Bool { cols >= 16 && columnsFilled(cols) >= 0.85 }

/// Runs `ck_gather_rows`: a gather vectorised along rows (groups of up to 8 output channels), writing planes.
@inline(__always)
func directGatherRows(isa: ck_isa, input: UnsafePointer<Float>, rowStride: Int, pairOffsets: [Int], weights: UnsafePointer<Float>,
                      outs: Int, rows: Int, cols: Int, output: UnsafeMutablePointer<Float>, outputRowStride: Int,
                      outputPlane: Int, bias: UnsafePointer<Float>?, rowPairs: [Int32]?) {
    pairOffsets.withUnsafeBufferPointer { offsets in
        withOptionalBuffer(rowPairs) { rowPairs in
            var args = ck_gather_rows_args(
                input: input, in_row_stride: rowStride, pairs: Int32(offsets.count), pair_offsets: offsets.baseAddress,
                weights: weights, out_channels: Int32(outs), rows: Int32(rows), cols: Int32(cols), output: output,
                out_row_stride: outputRowStride, out_plane: outputPlane, bias: bias, row_pairs: rowPairs, isa: isa)
            ck_gather_rows(&args)
        }
    }
}

@inline(__always)
func withOptionalBuffer<R>(_ values: [Int32]?, _ body: (UnsafePointer<Int32>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Runs `ck_weight_grad`: result[pair][k] += sum over grid positions of input[pair] * grad[k]
/// (`rowPairs`, `pairColumns`: `DenseWindows`' tables, the border's zero products skipped).
@inline(__always)
func directWeightGradient(isa: ck_isa, input: UnsafePointer<Float>, rowStride: Int, columnStride: Int, pairOffsets: [Int],
                          grad: UnsafePointer<Float>, gradRowStride: Int, gradColumnStride: Int, channels: Int,
                          grid: Size2D, result: UnsafeMutablePointer<Float>, rowPairs: [Int32]? = nil,
                          pairColumns: [Int32]? = nil) {
    pairOffsets.withUnsafeBufferPointer { offsets in
        withOptionalBuffer(rowPairs) { rowPairs in
            withOptionalBuffer(pairColumns) { pairColumns in
                var args = ck_weight_grad_args(
                    input: input, in_row_stride: rowStride, in_col_stride: columnStride,
                    pairs: Int32(offsets.count), pair_offsets: offsets.baseAddress, grad: grad,
                    grad_row_stride: gradRowStride, grad_col_stride: gradColumnStride, vec_channels: Int32(channels),
                    rows: Int32(grid.height), cols: Int32(grid.width), result: result, row_pairs: rowPairs,
                    pair_cols: pairColumns, isa: isa)
                ck_weight_grad(&args)
            }
        }
    }
}
