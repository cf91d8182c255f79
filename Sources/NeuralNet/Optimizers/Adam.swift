import Foundation

/// Adam with PyTorch's update rule and defaults (`torch.optim.Adam`: betas 0.9 and 0.999,
/// eps 1e-8, L2 weight decay added to the gradient):
///
///     g = grad + weightDecay * p
///     m = m + (1 - beta1)(g - m);   v = beta2 v + (1 - beta2) g^2;   t = t + 1
///     p = p - (learningRate / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
public final class Adam: Optimizer, @unchecked Sendable {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// Steps taken so far.
    public private(set) var stepCount = 0

    private let firstMoments: [FloatBuffer]
    private let secondMoments: [FloatBuffer]
    private let chunks: ParameterChunks

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        precondition(learningRate >= 0 && epsilon >= 0 && weightDecay >= 0, "Adam: negative hyper-parameter")
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam: betas must be in [0, 1)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = parameters.map { FloatBuffer(count: $0.count) }
        secondMoments = parameters.map { FloatBuffer(count: $0.count) }
        chunks = ParameterChunks(counts: parameters.map(\.count))
    }

    /// Zeroes every gradient, chunk by chunk on the kernel threads (the same zeros as
    /// `Parameter.zeroGradient`, without a serial pass over the model's gradients each step).
    public func zeroGradients() { chunks.zero(parameters) }

    public func step() {
        stepCount += 1
        let t = Double(stepCount)
        let biasCorrection1 = 1 - pow(Double(beta1), t)
        let biasCorrection2 = 1 - pow(Double(beta2), t)
        let stepSize = Float(Double(learningRate) / biasCorrection1)
        let correction2Root = Float(biasCorrection2.squareRoot())
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        chunks.forEach(parameters) { chunk, p, grad in
            Self.update(chunk.range, p: p, grad: grad, m: firstMoments[chunk.parameter].pointer,
                        v: secondMoments[chunk.parameter].pointer, b1: b1, b2: b2, eps: eps, wd: wd,
                        stepSize: stepSize, correction2Root: correction2Root)
        }
    }

    /// The update of `range`, eight values at a time, then one at a time: the same operations in
    /// the same order either way (no fused multiply-adds; square root and division are exact
    /// in both), so every value gets the same bits.
    private static func update(_ range: Range<Int>, p: UnsafeMutablePointer<Float>, grad: UnsafeMutablePointer<Float>,
                               m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                               b1: Float, b2: Float, eps: Float, wd: Float, stepSize: Float, correction2Root: Float) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            var g = load(grad + i)
            let value = load(p + i)
            if wd != 0 { g += wd * value }
            var mi = load(m + i)
            mi += (1 - b1) * (g - mi)
            let vi = b2 * load(v + i) + (1 - b2) * g * g
            let denominator = vi.squareRoot() / correction2Root + eps
            store(mi, m + i)
            store(vi, v + i)
            store(value - stepSize * (mi / denominator), p + i)
            i += 8
        }
        while i < range.upperBound {
            var g = grad[i]
            if wd != 0 { g += wd * p[i] }
            m[i] += (1 - b1) * (g - m[i])
            v[i] = b2 * v[i] + (1 - b2) * g * g
            let denominator = v[i].squareRoot() / correction2Root + eps
            p[i] -= stepSize * (m[i] / denominator)
            i += 1
        }
    }
}
