/// Fast fully connected layer: `cblas_sgemm` products, split into a fixed number of parts (rows of
/// the batch, or of the weight) that run on the kernel threads when the layer is large enough.
/// No part sums another's results, so the split does not change a bit.
/// `LinearReference.swift` holds the plain loops these must equal.

/// Forward: output[n, o] = bias[o] + sum over i of input[n, i] * weight[o, i].
/// input [N, in], weight [out, in], bias [out] or nil -> output [N, out].
public func linearForward(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
    let (inF, outF) = (g.inFeatures, g.outFeatures)
    forEachLinearPart(g, rows: g.batch) { rows in
        let x = input + rows.lowerBound * inF, y = output + rows.lowerBound * outF
        if let bias {
            for n in 0..<rows.count { (y + n * outF).update(from: bias, count: outF) }
        }
        // output [rows, out] (+)= input [rows, in] * weight^T [in, out]
        sgemm(transposeB: true, m: rows.count, n: outF, k: inF, a: x, lda: inF,
              b: weight, ldb: inF, beta: bias == nil ? 0 : 1, c: y, ldc: outF)
    }
}

/// Backward: gradOutput [N, out] -> gradInput [N, in] (overwritten; skipped when nil),
/// gradWeight [out, in] and gradBias [out] (accumulated). Needs the forward input.
public func linearBackward(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                           gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
    let (batch, inF, outF) = (g.batch, g.inFeatures, g.outFeatures)
    // Parts of the output features: each owns its rows of gradWeight and entries of gradBias.
    forEachLinearPart(g, rows: outF) { features in
        if let gradBias {
            for n in 0..<batch {
                let row = gradOutput + n * outF
                for o in features { gradBias[o] += row[o] }
            }
        }
        // gradWeight [features, in] += gradOutput^T [features, N] * input [N, in]
        sgemm(transposeA: true, m: features.count, n: inF, k: batch, a: gradOutput + features.lowerBound, lda: outF,
              b: input, ldb: inF, beta: 1, c: gradWeight + features.lowerBound * inF, ldc: inF)
    }
    guard let gradInput else { return }
    // Parts of the batch: gradInput [rows, in] = gradOutput [rows, out] * weight [out, in]
    forEachLinearPart(g, rows: batch) { rows in
        sgemm(m: rows.count, n: inF, k: outF, a: gradOutput + rows.lowerBound * outF, lda: outF,
              b: weight, ldb: inF, beta: 0, c: gradInput + rows.lowerBound * inF, ldc: inF)
    }
}

/// Runs `body` on up to four parts of 0..<rows on the kernel threads when the layer has at least
/// a million multiply-adds (the course CNN's Linear(400, 256) at batch 128 has 13 million);
/// smaller layers run whole on the calling thread.
@inline(__always)
func forEachLinearPart(_ g: LinearGeometry, rows: Int, _ body: (Range<Int>) -> Void) {
    let parts = g.batch * g.inFeatures * g.outFeatures >= 1_000_000 ? max(1, min(4, rows / 16)) : 1
    if parts == 1 { body(0..<rows); return }
    KernelThreads.forEachSlice(parts) { p in body((p * rows / parts)..<((p + 1) * rows / parts)) }
}
