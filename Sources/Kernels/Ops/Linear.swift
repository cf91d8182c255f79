/// Fast fully connected layer: one `cblas_sgemm` per product. `LinearReference.swift` holds the
/// plain loops these must equal.

/// Forward: output[n, o] = bias[o] + sum over i of input[n, i] * weight[o, i].
/// input [N, in], weight [out, in], bias [out] or nil -> output [N, out].
public func linearForward(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
    if let bias {
        for n in 0..<g.batch { (output + n * g.outFeatures).update(from: bias, count: g.outFeatures) }
    }
    // output [N, out] (+)= input [N, in] * weight^T [in, out]
    sgemm(transposeB: true, m: g.batch, n: g.outFeatures, k: g.inFeatures, a: input, lda: g.inFeatures,
          b: weight, ldb: g.inFeatures, beta: bias == nil ? 0 : 1, c: output, ldc: g.outFeatures)
}

/// Backward: gradOutput [N, out] -> gradInput [N, in] (overwritten; skipped when nil),
/// gradWeight [out, in] and gradBias [out] (accumulated). Needs the forward input.
public func linearBackward(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                           gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
    if let gradBias {
        for n in 0..<g.batch {
            let row = gradOutput + n * g.outFeatures
            for o in 0..<g.outFeatures { gradBias[o] += row[o] }
        }
    }
    // gradWeight [out, in] += gradOutput^T [out, N] * input [N, in]
    sgemm(transposeA: true, m: g.outFeatures, n: g.inFeatures, k: g.batch, a: gradOutput, lda: g.outFeatures,
          b: input, ldb: g.inFeatures, beta: 1, c: gradWeight, ldc: g.inFeatures)
    guard let gradInput else { return }
    // gradInput [N, in] = gradOutput [N, out] * weight [out, in]
    sgemm(m: g.batch, n: g.inFeatures, k: g.outFeatures, a: gradOutput, lda: g.outFeatures,
          b: weight, ldb: g.inFeatures, beta: 0, c: gradInput, ldc: g.inFeatures)
}
