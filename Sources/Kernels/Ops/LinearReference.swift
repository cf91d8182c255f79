/// Plain fully connected layer: the yardstick for `Linear.swift`.

/// input [N, in], weight [out, in], bias [out] or nil -> output [N, out].
public func linearForwardReference(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                   bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
    for n in 0..<g.batch {
        for o in 0..<g.outFeatures {
            var sum: Float = bias?[o] ?? 0
            for i in 0..<g.inFeatures { sum += input[n * g.inFeatures + i] * weight[o * g.inFeatures + i] }
            output[n * g.outFeatures + o] = sum
        }
    }
}

/// gradOutput [N, out] -> gradInput [N, in] (overwritten, skipped when nil), gradWeight [out, in]
/// and gradBias [out] (accumulated).
public func linearBackwardReference(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                    gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                                    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
    gradInput?.update(repeating: 0, count: g.batch * g.inFeatures)
    for n in 0..<g.batch {
        for o in 0..<g.outFeatures {
            let d = gradOutput[n * g.outFeatures + o]
            gradBias?[o] += d
            for i in 0..<g.inFeatures {
                gradWeight[o * g.inFeatures + i] += d * input[n * g.inFeatures + i]
                gradInput?[n * g.inFeatures + i] += d * weight[o * g.inFeatures + i]
            }
        }
    }
}
