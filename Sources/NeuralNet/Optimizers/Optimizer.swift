/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
    /// The parameters this optimiser updates, in order.
    var parameters: [Parameter] { get }
    /// The step size; may be changed between steps (schedules).
    var learningRate: Float { get set }
    /// Applies one update from the current gradients.
    func step()
    /// Sets every parameter's gradient to zero (PyTorch's `zero_grad`).
    func zeroGradients()
}

extension Optimizer {
    public func zeroGradients() { parameters.forEach { $0.zeroGradient() } }
}
