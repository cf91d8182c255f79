/// Stochastic gradient descent with PyTorch's update rule (`torch.optim.SGD`):
///
///     g = grad + weightDecay * p
///     if momentum != 0:
///         buf = g on the first step, else momentum * buf + (1 - dampening) * g
///         g = g + momentum * buf if nesterov, else buf
///     p = p - learningRate * g
public final class SGD: Optimizer, @unchecked Sendable {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    public let weightDecay: Float

    /// One momentum buffer per parameter, allocated up front.
    private let buffers: [FloatBuffer]
    private var hasMomentum = false
    private let chunks: ParameterChunks

    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(learningRate >= 0 && momentum >= 0 && weightDecay >= 0, "SGD: negative hyper-parameter")
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum requires a momentum and zero dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        buffers = momentum != 0 ? parameters.map { FloatBuffer(count: $0.count) } : []
        chunks = ParameterChunks(counts: parameters.map(\.count))
    }

    /// Zeroes every gradient, chunk by chunk on the kernel threads (the same zeros as
    /// `Parameter.zeroGradient`, without a serial pass over the model's gradients each step).
    public func zeroGradients() { chunks.zero(parameters) }

    public func step() {
        let (lr, mu, damp, wd, nesterov, first) = (learningRate, momentum, dampening, weightDecay, nesterov, !hasMomentum)
        chunks.forEach(parameters) { chunk, p, grad in
            let buf = mu != 0 ? buffers[chunk.parameter].pointer : nil
            Self.update(chunk.range, p: p, grad: grad, buf: buf,
                        lr: lr, mu: mu, damp: damp, wd: wd, nesterov: nesterov, first: first)
        }
        hasMomentum = true
    }

    /// The update of `range`, eight values at a time, then one at a time: the same operations in
    /// the same order either way (no fused multiply-adds), so every value gets the same bits.
    private static func update(_ range: Range<Int>, p: UnsafeMutablePointer<Float>, grad: UnsafeMutablePointer<Float>,
                               buf: UnsafeMutablePointer<Float>?, lr: Float, mu: Float, damp: Float, wd: Float,
                               nesterov: Bool, first: Bool) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            var g = load(grad + i)
            let value = load(p + i)
            if wd != 0 { g += wd * value }
            if let buf {
                let b = first ? g : mu * load(buf + i) + (1 - damp) * g
                store(b, buf + i)
                g = nesterov ? g + mu * b : b
            }
            store(value - lr * g, p + i)
            i += 8
        }
        while i < range.upperBound {
            var g = grad[i]
            if wd != 0 { g += wd * p[i] }
            if let buf {
                buf[i] = first ? g : mu * buf[i] + (1 - damp) * g
                g = nesterov ? g + mu * buf[i] : buf[i]
            }
            p[i] -= lr * g
            i += 1
        }
    }
}
