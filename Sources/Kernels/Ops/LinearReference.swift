/// Plain fully connected layer: the yardstick for `Linear.swift`. Sums run in Double.

/// input [N, in], weight [out, in], bias [out] or nil -> output [N, out].
public func linearForwardReference(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                   bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
    for n in 0..<g.batch {
        for o in 0..<g.outFeatures {
            var sum = Double(bias?[o] ?? 0)
            for i in 0..<g.inFeatures { sum += Double(input[n * g.inFeatures + i]) * Double(weight[o * g.inFeatures + i]) }
            output[n * g.outFeatures + o] = Float(sum)
        }
    }
}

/// gradOutput [N, out] -> gradInput [N, in] (overwritten, skipped when nil), gradWeight [out, in]
/// and gradBias [out] (accumulated).
public func linearBackwardReference(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                    gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                                    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
    var dx = [Double](repeating: 0, count: g.batch * g.inFeatures)
    var dw = [Double](repeating: 0, count: g.outFeatures * g.inFeatures)
    var db = [Double](repeating: 0, count: g.outFeatures)
    for n in 0..<g.batch {
        for o in 0..<g.outFeatures {
            let d = Double(gradOutput[n * g.outFeatures + o])
            db[o] += d
            for i in 0..<g.inFeatures {
                dw[o * g.inFeatures + i] += d * Double(input[n * g.inFeatures + i])
                dx[n * g.inFeatures + i] += d * Double(weight[o * g.inFeatures + i])
            }
        }
    }
    for i in dw.indices { gradWeight[i] += Float(dw[i]) }
    if let gradBias { for o in db.indices { gradBias[o] += Float(db[o]) } }
    if let gradInput { for i in dx.indices { gradInput[i] = Float(dx[i]) } }
}
