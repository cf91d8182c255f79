import CKernels
import Foundation

/// Whether the channels-last AVX-512 kernels (`CKernels`) run on this machine.
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
        isAvailable ? "direct AVX-512 convolutions (channels-last), OpenBLAS for linear layers"
                    : "im2col + OpenBLAS" + (ck_direct_available() != 0 ? " (CNNLAB_KERNELS=portable)" : "")
    }
}

/// How a convolution's windows tie a small grid to a big image: big = small * stride - padding + tap * dilation,
/// in each dimension. A convolution reads its input (big) at its output positions (small); a
/// transposed convolution writes its output (big) from its input positions (small).
struct WindowRelation {
    let big: Size2D
    let small: Size2D
    let kernel: Size2D
    let stride: Size2D
    let padding: Size2D
    let dilation: Size2D
}

/// A zero-bordered channels-last copy of an image: `padded` rows and columns, `channels` floats
/// per position, the image itself starting at (`top`, `left`).
struct PaddedImage {
    let top: Int, left: Int
    let padded: Size2D
    let image: Size2D
    let channels: Int

    var count: Int { padded.area * channels }
    var rowStride: Int { padded.width * channels }
    /// Offset of the image's first value.
    var interiorOffset: Int { (top * padded.width + left) * channels }

    /// Copies an NCHW image into the interior of `buffer` (the border stays as it is: zero).
    func fill(_ buffer: UnsafeMutablePointer<Float>, fromPlanes planes: UnsafePointer<Float>) {
        ck_planes_to_channels_last(planes, Int32(channels), Int32(image.height), Int32(image.width),
                                   buffer + interiorOffset, rowStride, channels)
    }
}

/// Gather over the small grid: every small position reads all taps of the padded big image.
/// (Convolution forward and weight gradient; transposed convolution input and weight gradients.)
struct DenseWindows {
    let image: PaddedImage
    /// Per tap (ky * kW + kx), the offset of its value from a position's base, in floats.
    let tapOffsets: [Int]
    let rowStride: Int
    let columnStride: Int
    let grid: Size2D

    init(_ r: WindowRelation, channels: Int) {
        func bottomPad(_ small: Int, _ s: Int, _ k: Int, _ d: Int, _ p: Int, _ big: Int) -> Int {
            max(0, (small - 1) * s + (k - 1) * d - p - (big - 1))
        }
        let bottom = bottomPad(r.small.height, r.stride.height, r.kernel.height, r.dilation.height, r.padding.height, r.big.height)
        let right = bottomPad(r.small.width, r.stride.width, r.kernel.width, r.dilation.width, r.padding.width, r.big.width)
        let padded = Size2D(r.big.height + r.padding.height + bottom, r.big.width + r.padding.width + right)
        image = PaddedImage(top: r.padding.height, left: r.padding.width, padded: padded, image: r.big, channels: channels)
        var offsets: [Int] = []
        for ky in 0..<r.kernel.height {
            for kx in 0..<r.kernel.width {
                offsets.append((ky * r.dilation.height * padded.width + kx * r.dilation.width) * channels)
            }
        }
        tapOffsets = offsets
        rowStride = r.stride.height * padded.width * channels
        columnStride = r.stride.width * channels
        grid = r.small
    }

    /// Offsets of every (tap, channel) pair, tap-major: the weight-gradient kernel's entries.
    var pairOffsets: [Int] {
        tapOffsets.flatMap { offset in (0..<image.channels).map { offset + $0 } }
    }
}

/// Gather over the big image, one stride phase at a time: a big position (py + S*j, px + S*i) is
/// reached from small position (j + dy, i + dx) through the taps whose offsets make the division
/// exact, so each phase is a stride-1 gather over a padded copy of the small grid.
/// (Convolution input gradient; transposed convolution forward.)
struct PhaseWindows {
    struct Phase {
        /// Big positions of the phase: rows x cols, starting at `outputOffset` (floats, channels-last).
        let rows: Int, cols: Int
        let outputOffset: Int
        let tapOffsets: [Int]
        /// Tap numbers (ky * kW + kx) in the order of `tapOffsets`.
        let taps: [Int]
    }

    let image: PaddedImage
    let phases: [Phase]
    let rowStride: Int
    let columnStride: Int
    let outputRowStride: Int
    let outputColumnStride: Int

    /// `channels`: of the small grid (read); `outputChannels`: of the big image (written).
    init(_ r: WindowRelation, channels: Int, outputChannels: Int) {
        // Per dimension and phase: (count of big positions, [(tap, small offset)]).
        func axis(_ big: Int, _ small: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int) -> [(count: Int, taps: [(Int, Int)])] {
            (0..<s).map { phase in
                let count = phase < big ? (big - phase + s - 1) / s : 0
                let taps = (0..<k).compactMap { tap -> (Int, Int)? in
                    let numerator = phase + p - tap * d
                    return numerator % s == 0 ? (tap, numerator / s) : nil
                }
                return (count, taps)
            }
        }
        func padding(_ axis: [(count: Int, taps: [(Int, Int)])], small: Int) -> (Int, Int) {
            var low = 0, high = 0
            for phase in axis where phase.count > 0 {
                for (_, offset) in phase.taps {
                    low = max(low, -offset)
                    high = max(high, phase.count - 1 + offset - (small - 1))
                }
            }
            return (low, high)
        }
        let rowsAxis = axis(r.big.height, r.small.height, r.kernel.height, r.stride.height, r.padding.height, r.dilation.height)
        let colsAxis = axis(r.big.width, r.small.width, r.kernel.width, r.stride.width, r.padding.width, r.dilation.width)
        let (top, bottom) = padding(rowsAxis, small: r.small.height)
        let (left, right) = padding(colsAxis, small: r.small.width)
        let padded = Size2D(r.small.height + top + bottom, r.small.width + left + right)
        image = PaddedImage(top: top, left: left, padded: padded, image: r.small, channels: channels)
        var phases: [Phase] = []
        for (py, rowPhase) in rowsAxis.enumerated() where rowPhase.count > 0 {
            for (px, colPhase) in colsAxis.enumerated() where colPhase.count > 0 {
                var offsets: [Int] = [], taps: [Int] = []
                for (ky, dy) in rowPhase.taps {
                    for (kx, dx) in colPhase.taps {
                        offsets.append(((dy + top) * padded.width + (dx + left)) * channels)
                        taps.append(ky * r.kernel.width + kx)
                    }
                }
                phases.append(Phase(rows: rowPhase.count, cols: colPhase.count,
                                    outputOffset: (py * r.big.width + px) * outputChannels,
                                    tapOffsets: offsets, taps: taps))
            }
        }
        self.phases = phases
        rowStride = padded.width * channels
        columnStride = channels
        outputRowStride = r.stride.height * r.big.width * outputChannels
        outputColumnStride = r.stride.width * outputChannels
    }
}

/// Runs `ck_gather` for one block of positions.
/// weights: [taps][reduce][outs] (tap t's block at weights + t * reduce * outs).
@inline(__always)
func directGather(input: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
                  tapOffsets: [Int], taps: [Int]?, weights: UnsafePointer<Float>, reduce: Int, outs: Int,
                  rows: Int, cols: Int, output: UnsafeMutablePointer<Float>, outputRowStride: Int,
                  outputColumnStride: Int, bias: UnsafePointer<Float>?) {
    let count = tapOffsets.count
    withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: max(count, 1)) { pointers in
        for i in 0..<count { pointers[i] = weights + (taps?[i] ?? i) * reduce * outs }
        tapOffsets.withUnsafeBufferPointer { offsets in
            var args = ck_gather_args(
                input: input, in_row_stride: rowStride, in_col_stride: columnStride,
                taps: Int32(count), tap_offsets: offsets.baseAddress,
                tap_weights: UnsafePointer(pointers.baseAddress), reduce_channels: Int32(reduce),
                out_channels: Int32(outs), rows: Int32(rows), cols: Int32(cols), output: output,
                out_row_stride: outputRowStride, out_col_stride: outputColumnStride, bias: bias)
            ck_gather(&args)
        }
    }
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

/// dst[t][a][b] = src[a][b][t] for an [A][B][T] weight (PyTorch's [out][in][kH][kW] or
/// [in][out][kH][kW]) -> tap-major, or its swapped form dst[t][b][a] when `swapped`.
func weightsTapMajor(_ src: UnsafePointer<Float>, a: Int, b: Int, taps: Int, swapped: Bool,
                     into dst: UnsafeMutablePointer<Float>) {
    for i in 0..<a {
        for j in 0..<b {
            let s = src + (i * b + j) * taps
            for t in 0..<taps {
                dst[t * a * b + (swapped ? j * a + i : i * b + j)] = s[t]
            }
        }
    }
}

/// gradient[a][b][t] += sum over slices of partials[s][t][b][a] when `swapped`, else partials[s][t][a][b].
/// Slices are added in order, so the result does not depend on which thread ran which slice.
func addTapMajorPartials(_ partials: UnsafePointer<Float>, slices: Int, a: Int, b: Int, taps: Int,
                         swapped: Bool, into gradient: UnsafeMutablePointer<Float>) {
    let count = a * b * taps
    for i in 0..<a {
        for j in 0..<b {
            for t in 0..<taps {
                let index = t * a * b + (swapped ? j * a + i : i * b + j)
                var sum = gradient[(i * b + j) * taps + t]
                for s in 0..<slices { sum += partials[s * count + index] }
                gradient[(i * b + j) * taps + t] = sum
            }
        }
    }
}
