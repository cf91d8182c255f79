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
    }

    public func step() {
        let (lr, mu, damp, wd, nesterov, first) = (learningRate, momentum, dampening, weightDecay, nesterov, !hasMomentum)
        for (index, parameter) in parameters.enumerated() {
            let count = parameter.count
            let buf = mu != 0 ? buffers[index].pointer : nil
            parameter.gradient.withPointer { grad in
                parameter.value.withMutablePointer { p in
                    for i in 0..<count {
                        var g = grad[i]
                        if wd != 0 { g += wd * p[i] }
                        if let buf {
                            buf[i] = first ? g : mu * buf[i] + (1 - damp) * g
                            g = nesterov ? g + mu * buf[i] : buf[i]
                        }
                        p[i] -= lr * g
                    }
                }
            }
        }
        hasMomentum = true
    }
}
