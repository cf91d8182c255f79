/// Squared error between a prediction and a target of the same shape.
///
/// `.sum` is sum((x - t)^2); `.mean` divides by the number of values (PyTorch's `MSELoss()`);
/// `.sumOverBatch` divides by the batch size (the course autoencoder's `((out - x)**2).sum() / len(x)`).
/// The returned gradient tensor belongs to the loss and is overwritten by its next call.
public final class SquaredErrorLoss: @unchecked Sendable {
    public enum Reduction: Sendable {
        case sum, mean, sumOverBatch
    }

    public let reduction: Reduction
    private let gradient = Tensor(zeros: [0])

    public init(reduction: Reduction) {
        self.reduction = reduction
    }

    /// Returns the loss and its gradient with respect to `prediction`: 2(x - t) / divisor.
    public func callAsFunction(_ prediction: Tensor, target: Tensor) -> (value: Float, gradient: Tensor) {
        precondition(prediction.shape == target.shape,
                     "SquaredErrorLoss: prediction \(prediction.shape) and target \(target.shape) differ")
        let count = prediction.count
        let divisor: Float = switch reduction {
        case .sum: 1
        case .mean: Float(count)
        case .sumOverBatch: Float(prediction.shape.first ?? 1)
        }
        gradient.resize(to: prediction.shape)
        let factor = 2 / divisor
        var total = 0.0
        prediction.withPointer { x in
            target.withPointer { t in
                gradient.withMutablePointer { g in
                    for i in 0..<count {
                        let d = x[i] - t[i]
                        total += Double(d * d)
                        g[i] = factor * d
                    }
                }
            }
        }
        return (Float(total / Double(divisor)), gradient)
    }
}
