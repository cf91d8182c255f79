import Foundation

/// Fast 2-D batch normalisation, as PyTorch's `batch_norm` over [N, C, H, W]: each channel's
/// values are normalised with a mean and variance, then scaled by `weight` and shifted by `bias`
/// (both optional: `affine=False`). Channels are split across the kernel threads, each channel's
/// sums taken whole by one thread (same bits on 1 thread or 2); sums are Float eight lanes wide
/// within a plane and Double across planes. `BatchNorm2dReference.swift` holds the plain loops.
///
/// Training uses the batch's mean and biased variance and returns them (for backward and for the
/// running statistics); eval uses the running statistics.

/// The sizes of a batch-normalised tensor: [batch, channels, spatial] with spatial = H * W.
public struct BatchNorm2dShape: Sendable, Equatable {
    public let batch: Int
    public let channels: Int
    public let spatial: Int

    public init(batch: Int, channels: Int, spatial: Int) {
        self.batch = batch
        self.channels = channels
        self.spatial = spatial
    }

    /// From an NCHW shape.
    public init(_ shape: [Int]) {
        precondition(shape.count == 4, "BatchNorm2dShape: expects [N, C, H, W], got \(shape)")
        self.init(batch: shape[0], channels: shape[1], spatial: shape[2] * shape[3])
    }

    /// Values per channel: N * H * W.
    public var perChannel: Int { batch * spatial }
    public var count: Int { batch * channels * spatial }
}

/// Training forward. Writes output [N, C, H, W], and per channel the batch mean and
/// 1 / sqrt(biased variance + eps) (`saveInvStd`, kept for backward) and the biased variance.
public func batchNorm2dForwardTraining(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                       weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, eps: Float,
                                       output: UnsafeMutablePointer<Float>, saveMean: UnsafeMutablePointer<Float>,
                                       saveInvStd: UnsafeMutablePointer<Float>, batchVariance: UnsafeMutablePointer<Float>) {
    forEachChannelPart(s) { c in
        let mean = channelSum(s, input, c) / Double(s.perChannel)
        let meanF = Float(mean)
        var squares = 0.0
        for n in 0..<s.batch {
            let plane = input + (n * s.channels + c) * s.spatial
            squares += Double(sumOfSquaredDifferences(plane, s.spatial, meanF))
        }
        let variance = squares / Double(s.perChannel)
        let invStd = Float(1 / (variance + Double(eps)).squareRoot())
        saveMean[c] = meanF
        saveInvStd[c] = invStd
        batchVariance[c] = Float(variance)
        normalise(s, input, output, c, mean: meanF, invStd: invStd, weight: weight?[c] ?? 1, bias: bias?[c] ?? 0)
    }
}

/// Eval forward with the running statistics: y = (x - mean) / sqrt(var + eps) * weight + bias.
public func batchNorm2dForwardEval(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                   weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                   runningMean: UnsafePointer<Float>, runningVar: UnsafePointer<Float>, eps: Float,
                                   output: UnsafeMutablePointer<Float>) {
    forEachChannelPart(s) { c in
        let invStd = Float(1 / (Double(runningVar[c]) + Double(eps)).squareRoot())
        normalise(s, input, output, c, mean: runningMean[c], invStd: invStd, weight: weight?[c] ?? 1, bias: bias?[c] ?? 0)
    }
}

/// Moves the running statistics towards the batch's, as PyTorch: by `momentum`, with the
/// unbiased variance (biased * M / (M - 1), M = N * H * W values per channel).
public func batchNorm2dUpdateRunningStatistics(_ s: BatchNorm2dShape, batchMean: UnsafePointer<Float>,
                                               batchVariance: UnsafePointer<Float>, momentum: Float,
                                               runningMean: UnsafeMutablePointer<Float>,
                                               runningVar: UnsafeMutablePointer<Float>) {
    let m = s.perChannel
    let correction = m > 1 ? Float(m) / Float(m - 1) : 1
    for c in 0..<s.channels {
        runningMean[c] = (1 - momentum) * runningMean[c] + momentum * batchMean[c]
        runningVar[c] = (1 - momentum) * runningVar[c] + momentum * batchVariance[c] * correction
    }
}

/// Backward. `mean` and `invStd` are the statistics the forward pass used (the batch's in
/// training, the running ones in eval). In training the input gradient carries the terms of the
/// batch statistics: dx = w * invStd / M * (M dy - sum dy - xhat sum(dy xhat)); in eval
/// dx = w * invStd * dy. Parameter gradients (added to): dweight = sum dy xhat, dbias = sum dy.
public func batchNorm2dBackward(_ s: BatchNorm2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>?, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                training: Bool, gradInput: UnsafeMutablePointer<Float>?,
                                gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?) {
    forEachChannelPart(s) { c in
        let mu = mean[c], inv = invStd[c]
        var sumDy = 0.0, sumDyXhat = 0.0
        for n in 0..<s.batch {
            let offset = (n * s.channels + c) * s.spatial
            let (a, b) = gradientSums(input + offset, gradOutput + offset, s.spatial, mean: mu)
            sumDy += Double(a)
            sumDyXhat += Double(b)
        }
        sumDyXhat *= Double(inv)
        gradWeight?[c] += Float(sumDyXhat)
        gradBias?[c] += Float(sumDy)
        guard let gradInput else { return }
        let w = weight?[c] ?? 1
        let scale = w * inv
        let meanDy = Float(sumDy / Double(s.perChannel)), meanDyXhat = Float(sumDyXhat / Double(s.perChannel))
        for n in 0..<s.batch {
            let offset = (n * s.channels + c) * s.spatial
            let x = input + offset, dy = gradOutput + offset, dx = gradInput + offset
            if training {
                for i in 0..<s.spatial {
                    let xhat = (x[i] - mu) * inv
                    dx[i] = scale * (dy[i] - meanDy - xhat * meanDyXhat)
                }
            } else {
                for i in 0..<s.spatial { dx[i] = scale * dy[i] }
            }
        }
    }
}

// MARK: - Pieces

/// Runs `body(channel)` for every channel, channels split across the kernel threads when the
/// tensor is large enough to pay for waking them.
@inline(__always)
private func forEachChannelPart(_ s: BatchNorm2dShape, _ body: (Int) -> Void) {
    let parts = s.count >= 65_536 ? FixedParts(total: s.channels, minimumPartSize: 1) : FixedParts(total: s.channels, minimumPartSize: s.channels)
    KernelThreads.forEachPart(parts) { _, channels in for c in channels { body(c) } }
}

/// The sum of channel c over the batch, Float within a plane, Double across planes.
private func channelSum(_ s: BatchNorm2dShape, _ input: UnsafePointer<Float>, _ c: Int) -> Double {
    var total = 0.0
    for n in 0..<s.batch {
        let x = input + (n * s.channels + c) * s.spatial
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= s.spatial { lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self); i += 8 }
        var sum = lanes.sum()
        while i < s.spatial { sum += x[i]; i += 1 }
        total += Double(sum)
    }
    return total
}

private func sumOfSquaredDifferences(_ x: UnsafePointer<Float>, _ count: Int, _ mean: Float) -> Float {
    var lanes = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - mean
        lanes += d * d
        i += 8
    }
    var sum = lanes.sum()
    while i < count { let d = x[i] - mean; sum += d * d; i += 1 }
    return sum
}

/// sum dy and sum dy * (x - mean) over one plane.
private func gradientSums(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ count: Int, mean: Float) -> (Float, Float) {
    var a = SIMD8<Float>(), b = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        let g = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD8<Float>.self)
        let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - mean
        a += g
        b += g * d
        i += 8
    }
    var sumA = a.sum(), sumB = b.sum()
    while i < count { sumA += dy[i]; sumB += dy[i] * (x[i] - mean); i += 1 }
    return (sumA, sumB)
}

/// y = (x - mean) * invStd * weight + bias over channel c of every image.
@inline(__always)
private func normalise(_ s: BatchNorm2dShape, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ c: Int,
                       mean: Float, invStd: Float, weight: Float, bias: Float) {
    let scale = invStd * weight
    let shift = bias - mean * scale
    for n in 0..<s.batch {
        let offset = (n * s.channels + c) * s.spatial
        let x = input + offset, y = output + offset
        var i = 0
        while i + 8 <= s.spatial {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: v * scale + shift, as: SIMD8<Float>.self)
            i += 8
        }
        while i < s.spatial { y[i] = x[i] * scale + shift; i += 1 }
    }
}
