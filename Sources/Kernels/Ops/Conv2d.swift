/// Fast 2-D convolution: the whole batch is unrolled with im2col and multiplied with one
/// `cblas_sgemm` per pass. `Conv2dReference.swift` holds the plain loops these must equal.

/// Scratch memory for the fast convolution kernels, sized for one geometry and reused across steps.
public final class Conv2dWorkspace: @unchecked Sendable {
    public let geometry: Conv2dGeometry
    /// [inChannels * kH * kW, batch * OH * OW]: im2col of the forward input; the backward pass
    /// reads it for the weight gradient and then overwrites it with the column gradient.
    let columns: FloatBuffer
    /// [outChannels, batch * OH * OW]: output (forward) or upstream gradient (backward), channel-major.
    let product: FloatBuffer

    public init(_ geometry: Conv2dGeometry) {
        self.geometry = geometry
        columns = FloatBuffer(count: geometry.im2col.count)
        product = FloatBuffer(count: geometry.batch > 1 ? geometry.outChannels * geometry.im2col.columns : 0)
    }
}

/// Forward: output[n, co, oy, ox] = bias[co] + sum over ci, ky, kx of
///   weight[co, ci, ky, kx] * input[n, ci, oy*S - P + ky*D, ox*S - P + kx*D] (zero outside the input).
/// input [N, Cin, H, W], weight [Cout, Cin, kH, kW], bias [Cout] or nil, output [N, Cout, OH, OW].
/// Keeps the im2col matrix in `workspace` for `conv2dBackward`.
public func conv2dForward(_ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                          workspace: Conv2dWorkspace) {
    precondition(workspace.geometry == g, "conv2dForward: workspace was sized for another geometry")
    let layout = g.im2col
    let rows = layout.rows, positions = layout.columns, planeSize = g.output.area
    im2col(layout, images: input, columns: workspace.columns.pointer)
    // With one image the channel-major product is already NCHW: multiply straight into the output.
    let product = g.batch == 1 ? output : workspace.product.pointer
    sgemm(m: g.outChannels, n: positions, k: rows, a: weight, lda: rows,
          b: workspace.columns.pointer, ldb: positions, beta: 0, c: product, ldc: positions)
    for n in 0..<g.batch {
        for co in 0..<g.outChannels {
            let src = product + co * positions + n * planeSize
            let dst = output + (n * g.outChannels + co) * planeSize
            let b = bias?[co] ?? 0
            if g.batch == 1 {
                if bias != nil { for i in 0..<planeSize { dst[i] += b } }
            } else {
                for i in 0..<planeSize { dst[i] = src[i] + b }
            }
        }
    }
}

/// Backward of `conv2dForward`, which must have run on the same workspace just before.
/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten; skipped when nil),
/// gradWeight [Cout, Cin, kH, kW] and gradBias [Cout] (both accumulated, as PyTorch's .grad).
public func conv2dBackward(_ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                           gradBias: UnsafeMutablePointer<Float>?, workspace: Conv2dWorkspace) {
    precondition(workspace.geometry == g, "conv2dBackward: workspace was sized for another geometry")
    let layout = g.im2col
    let rows = layout.rows, positions = layout.columns, planeSize = g.output.area
    // Upstream gradient in channel-major order [Cout, N * OH * OW].
    let product: UnsafePointer<Float>
    if g.batch == 1 {
        product = gradOutput
    } else {
        let gathered = workspace.product.pointer
        for n in 0..<g.batch {
            for co in 0..<g.outChannels {
                (gathered + co * positions + n * planeSize)
                    .update(from: gradOutput + (n * g.outChannels + co) * planeSize, count: planeSize)
            }
        }
        product = UnsafePointer(gathered)
    }
    if let gradBias {
        for co in 0..<g.outChannels {
            let row = product + co * positions
            var sum: Float = 0
            for i in 0..<positions { sum += row[i] }
            gradBias[co] += sum
        }
    }
    // gradWeight [Cout, rows] += product [Cout, positions] * columns^T [positions, rows]
    sgemm(transposeB: true, m: g.outChannels, n: rows, k: positions, a: product, lda: positions,
          b: workspace.columns.pointer, ldb: positions, beta: 1, c: gradWeight, ldc: rows)
    guard let gradInput else { return }
    // columns [rows, positions] = weight^T [rows, Cout] * product [Cout, positions], then fold back.
    sgemm(transposeA: true, m: rows, n: positions, k: g.outChannels, a: weight, lda: rows,
          b: product, ldb: positions, beta: 0, c: workspace.columns.pointer, ldc: positions)
    gradInput.update(repeating: 0, count: g.inputCount)
    col2imAccumulate(layout, columns: workspace.columns.pointer, images: gradInput)
}
