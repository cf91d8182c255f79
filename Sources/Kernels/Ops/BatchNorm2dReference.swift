/// Batch normalisation from its definition, value by value in Double: the yardstick for
/// `BatchNorm2d.swift`. Same arguments and outputs as the fast functions.

public func batchNorm2dForwardTrainingReference(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                                weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, eps: Float,
                                                output: UnsafeMutablePointer<Float>, saveMean: UnsafeMutablePointer<Float>,
                                                saveInvStd: UnsafeMutablePointer<Float>,
                                                batchVariance: UnsafeMutablePointer<Float>) {
    for c in 0..<s.channels {
        let values = referenceChannel(s, input, c)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        let invStd = 1 / (variance + Double(eps)).squareRoot()
        saveMean[c] = Float(mean)
        saveInvStd[c] = Float(invStd)
        batchVariance[c] = Float(variance)
        referenceNormalise(s, input, output, c, mean: mean, invStd: invStd,
                           weight: Double(weight?[c] ?? 1), bias: Double(bias?[c] ?? 0))
    }
}

public func batchNorm2dForwardEvalReference(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                            weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                            runningMean: UnsafePointer<Float>, runningVar: UnsafePointer<Float>, eps: Float,
                                            output: UnsafeMutablePointer<Float>) {
    for c in 0..<s.channels {
        referenceNormalise(s, input, output, c, mean: Double(runningMean[c]),
                           invStd: 1 / (Double(runningVar[c]) + Double(eps)).squareRoot(),
                           weight: Double(weight?[c] ?? 1), bias: Double(bias?[c] ?? 0))
    }
}

/// The input gradient from the chain rule through mean and variance written out term by term:
/// dxhat = dy * w; dvar = sum dxhat (x - mean) * -1/2 (var + eps)^-3/2; dmean = sum -dxhat * invStd
/// (+ dvar * mean of -2 (x - mean), which is zero); dx = dxhat invStd + dvar 2 (x - mean) / M + dmean / M.
public func batchNorm2dBackwardReference(_ s: BatchNorm2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                         weight: UnsafePointer<Float>?, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                         training: Bool, gradInput: UnsafeMutablePointer<Float>?,
                                         gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?) {
    let m = Double(s.perChannel)
    for c in 0..<s.channels {
        let mu = Double(mean[c]), inv = Double(invStd[c]), w = Double(weight?[c] ?? 1)
        var sumDy = 0.0, sumDyXhat = 0.0, dVariance = 0.0, dMean = 0.0
        for n in 0..<s.batch {
            for i in 0..<s.spatial {
                let index = (n * s.channels + c) * s.spatial + i
                let x = Double(input[index]), dy = Double(gradOutput[index])
                sumDy += dy
                sumDyXhat += dy * (x - mu) * inv
                dVariance += dy * w * (x - mu) * -0.5 * inv * inv * inv
                dMean += -dy * w * inv
            }
        }
        gradWeight?[c] += Float(sumDyXhat)
        gradBias?[c] += Float(sumDy)
        guard let gradInput else { continue }
        for n in 0..<s.batch {
            for i in 0..<s.spatial {
                let index = (n * s.channels + c) * s.spatial + i
                let x = Double(input[index]), dy = Double(gradOutput[index])
                let value = training ? dy * w * inv + dVariance * 2 * (x - mu) / m + dMean / m : dy * w * inv
                gradInput[index] = Float(value)
            }
        }
    }
}

public func batchNorm2dUpdateRunningStatisticsReference(_ s: BatchNorm2dShape, batchMean: UnsafePointer<Float>,
                                                        batchVariance: UnsafePointer<Float>, momentum: Float,
                                                        runningMean: UnsafeMutablePointer<Float>,
                                                        runningVar: UnsafeMutablePointer<Float>) {
    let m = Double(s.perChannel), k = Double(momentum)
    for c in 0..<s.channels {
        let unbiased = Double(batchVariance[c]) * (m > 1 ? m / (m - 1) : 1)
        runningMean[c] = Float((1 - k) * Double(runningMean[c]) + k * Double(batchMean[c]))
        runningVar[c] = Float((1 - k) * Double(runningVar[c]) + k * unbiased)
    }
}

private func referenceChannel(_ s: BatchNorm2dShape, _ input: UnsafePointer<Float>, _ c: Int) -> [Double] {
    (0..<s.batch).flatMap { n in (0..<s.spatial).map { Double(input[(n * s.channels + c) * s.spatial + $0]) } }
}

private func referenceNormalise(_ s: BatchNorm2dShape, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
                                _ c: Int, mean: Double, invStd: Double, weight: Double, bias: Double) {
    for n in 0..<s.batch {
        for i in 0..<s.spatial {
            let index = (n * s.channels + c) * s.spatial + i
            output[index] = Float((Double(input[index]) - mean) * invStd * weight + bias)
        }
    }
}
