/// Fast 2-D transposed convolution: one `cblas_sgemm` produces every kernel-weighted copy of the
/// input for the whole batch, and col2im scatters them onto the output. It is the backward
/// data pass of a convolution, so it reuses the same im2col layout with image and grid swapped.
/// `ConvTranspose2dReference.swift` holds the plain loops these must equal.

/// Scratch memory for the fast transposed-convolution kernels, sized for one geometry.
public final class ConvTranspose2dWorkspace: @unchecked Sendable {
    public let geometry: ConvTranspose2dGeometry
    /// [Cin, N * H * W]: the forward input in channel-major order, kept for the weight gradient;
    /// the backward pass then reuses it for the input gradient.
    let channelMajorInput: FloatBuffer
    /// [Cout * kH * kW, N * H * W]: the scattered columns (forward) or im2col of the upstream gradient.
    let columns: FloatBuffer

    public init(_ geometry: ConvTranspose2dGeometry) {
        self.geometry = geometry
        channelMajorInput = FloatBuffer(count: geometry.inChannels * geometry.im2col.columns)
        columns = FloatBuffer(count: geometry.im2col.count)
    }
}

/// Copies [N, C, P] into [C, N * P] (or back when `inverse`).
@inline(__always)
func swapBatchAndChannels(batch: Int, channels: Int, planeSize: Int, from src: UnsafePointer<Float>,
                          to dst: UnsafeMutablePointer<Float>, inverse: Bool = false) {
    let positions = batch * planeSize
    for n in 0..<batch {
        for c in 0..<channels {
            let batchMajor = (n * channels + c) * planeSize
            let channelMajor = c * positions + n * planeSize
            if inverse {
                (dst + batchMajor).update(from: src + channelMajor, count: planeSize)
            } else {
                (dst + channelMajor).update(from: src + batchMajor, count: planeSize)
            }
        }
    }
}

/// Forward: every input value x[n, ci, iy, ix] adds x * weight[ci, co, ky, kx] to
///   output[n, co, iy*S - P + ky*D, ix*S - P + kx*D] (dropped where that falls outside), plus bias[co].
/// input [N, Cin, H, W], weight [Cin, Cout, kH, kW], bias [Cout] or nil, output [N, Cout, OH, OW].
/// Keeps the input in `workspace` for `convTranspose2dBackward`.
public func convTranspose2dForward(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>,
                                   weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                   output: UnsafeMutablePointer<Float>, workspace: ConvTranspose2dWorkspace) {
    precondition(workspace.geometry == g, "convTranspose2dForward: workspace was sized for another geometry")
    let layout = g.im2col
    let rows = layout.rows, positions = layout.columns
    let inputT = workspace.channelMajorInput.pointer, columns = workspace.columns.pointer
    swapBatchAndChannels(batch: g.batch, channels: g.inChannels, planeSize: g.input.area, from: input, to: inputT)
    // columns [Cout*kH*kW, positions] = weight^T [Cout*kH*kW, Cin] * inputT [Cin, positions]
    sgemm(transposeA: true, m: rows, n: positions, k: g.inChannels, a: weight, lda: rows,
          b: inputT, ldb: positions, beta: 0, c: columns, ldc: positions)
    let planeSize = g.output.area
    for n in 0..<g.batch {
        for co in 0..<g.outChannels {
            (output + (n * g.outChannels + co) * planeSize).update(repeating: bias?[co] ?? 0, count: planeSize)
        }
    }
    col2imAccumulate(layout, columns: columns, images: output)
}

/// Backward of `convTranspose2dForward`, which must have run on the same workspace just before.
/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten; skipped when nil),
/// gradWeight [Cin, Cout, kH, kW] and gradBias [Cout] (both accumulated).
public func convTranspose2dBackward(_ g: ConvTranspose2dGeometry, gradOutput: UnsafePointer<Float>,
                                    weight: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                                    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
                                    workspace: ConvTranspose2dWorkspace) {
    precondition(workspace.geometry == g, "convTranspose2dBackward: workspace was sized for another geometry")
    let layout = g.im2col
    let rows = layout.rows, positions = layout.columns
    let inputT = workspace.channelMajorInput.pointer, columns = workspace.columns.pointer
    im2col(layout, images: gradOutput, columns: columns)
    if let gradBias {
        let planeSize = g.output.area
        for n in 0..<g.batch {
            for co in 0..<g.outChannels {
                let plane = gradOutput + (n * g.outChannels + co) * planeSize
                var sum: Float = 0
                for i in 0..<planeSize { sum += plane[i] }
                gradBias[co] += sum
            }
        }
    }
    // gradWeight [Cin, rows] += inputT [Cin, positions] * columns^T [positions, rows]
    sgemm(transposeB: true, m: g.inChannels, n: rows, k: positions, a: inputT, lda: positions,
          b: columns, ldb: positions, beta: 1, c: gradWeight, ldc: rows)
    guard let gradInput else { return }
    // gradInputT [Cin, positions] = weight [Cin, rows] * columns [rows, positions]
    sgemm(m: g.inChannels, n: positions, k: rows, a: weight, lda: rows,
          b: columns, ldb: positions, beta: 0, c: inputT, ldc: positions)
    swapBatchAndChannels(batch: g.batch, channels: g.inChannels, planeSize: g.input.area,
                         from: inputT, to: gradInput, inverse: true)
}
