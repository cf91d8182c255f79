import CKernels
import Foundation

/// Whether the direct AVX-512 convolution kernels (`CKernels`) run on this machine.
///
/// They do when the CPU has AVX-512 (F, VL, DQ, BW) and `CNNLAB_KERNELS` is not `portable`;
/// elsewhere the im2col + OpenBLAS kernels run. Both agree with the plain reference loops
/// (the kernel tests run each on the same cases).
public enum DirectConvolution {
    /// Decided once per process.
    public static let isAvailable: Bool = {
        if let choice = getenv("CNNLAB_KERNELS"), String(cString: choice) == "portable" { return false }
        return ck_direct_available() != 0
    }()

    /// A short description for `cnnlab doctor`.
    public static var summary: String {
        isAvailable ? "direct AVX-512 convolutions (CNNLAB_KERNELS=portable for im2col + OpenBLAS); OpenBLAS for linear layers"
                    : "im2col + OpenBLAS" + (ck_direct_available() != 0 ? " (CNNLAB_KERNELS=portable)" : "")
    }
}

/// Runs `ck_gather` over a grid of positions. weights: [pairs][outs]. With `outputPlane` > 0 the
/// output is written as NCHW planes of that size (positions of a row must be adjacent there).
@inline(__always)
func directGather(input: UnsafePointer<Float>, rowStride: Int, columnStride: Int, pairOffsets: [Int],
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
                out_plane: outputPlane)
            ck_gather(&args)
        }
    }
}

/// Runs `ck_gather_rows`: a gather for 1 to 4 output channels, vectorised along rows, writing planes.
@inline(__always)
func directGatherRows(input: UnsafePointer<Float>, rowStride: Int, pairOffsets: [Int], weights: UnsafePointer<Float>,
                      outs: Int, rows: Int, cols: Int, output: UnsafeMutablePointer<Float>, outputRowStride: Int,
                      outputPlane: Int, bias: UnsafePointer<Float>?, rowPairs: [Int32]?) {
    pairOffsets.withUnsafeBufferPointer { offsets in
        withOptionalBuffer(rowPairs) { rowPairs in
            var args = ck_gather_rows_args(
                input: input, in_row_stride: rowStride, pairs: Int32(offsets.count), pair_offsets: offsets.baseAddress,
                weights: weights, out_channels: Int32(outs), rows: Int32(rows), cols: Int32(cols), output: output,
                out_row_stride: outputRowStride, out_plane: outputPlane, bias: bias, row_pairs: rowPairs)
            ck_gather_rows(&args)
        }
    }
}

@inline(__always)
private func withOptionalBuffer<R>(_ values: [Int32]?, _ body: (UnsafePointer<Int32>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Runs `ck_weight_grad`: result[pair][k] += sum over grid positions of input[pair] * grad[k].
@inline(__always)
func directWeightGradient(input: UnsafePointer<Float>, rowStride: Int, columnStride: Int, pairOffsets: [Int],
                          grad: UnsafePointer<Float>, gradRowStride: Int, gradColumnStride: Int, channels: Int,
                          grid: Size2D, result: UnsafeMutablePointer<Float>) {
    pairOffsets.withUnsafeBufferPointer { offsets in
        var args = ck_weight_grad_args(
            input: input, in_row_stride: rowStride, in_col_stride: columnStride,
            pairs: Int32(offsets.count), pair_offsets: offsets.baseAddress, grad: grad,
            grad_row_stride: gradRowStride, grad_col_stride: gradColumnStride, vec_channels: Int32(channels),
            rows: Int32(grid.height), cols: Int32(grid.width), result: result)
        ck_weight_grad(&args)
    }
}
