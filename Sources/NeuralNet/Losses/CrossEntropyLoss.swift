import Foundation

/// Cross-entropy of softmax(logits) against class labels, averaged over the batch, as PyTorch's
/// `nn.CrossEntropyLoss()`. Computed stably: log-sum-exp after subtracting each row's maximum.
///
/// The returned gradient tensor belongs to the loss and is overwritten by its next call.
public final class CrossEntropyLoss: @unchecked Sendable {
    private let gradient = Tensor(zeros: [0])

    public init() {}

    /// logits [N, classes], labels: N class indices in 0..<classes.
    /// Returns the mean loss and its gradient with respect to the logits: (softmax - onehot) / N.
    public func callAsFunction(_ logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
        precondition(logits.rank == 2, "CrossEntropyLoss: logits must be [batch, classes], got \(logits.shape)")
        let batch = logits.shape[0], classes = logits.shape[1]
        precondition(labels.count == batch, "CrossEntropyLoss: \(labels.count) labels for a batch of \(batch)")
        gradient.resize(to: logits.shape)
        var total = 0.0
        let scale = 1 / Float(batch)
        logits.withPointer { x in
            gradient.withMutablePointer { g in
                for n in 0..<batch {
                    let label = labels[n]
                    precondition(label >= 0 && label < classes, "CrossEntropyLoss: label \(label) outside 0..<\(classes)")
                    let row = x + n * classes, out = g + n * classes
                    var maximum = row[0]
                    for c in 1..<classes { maximum = max(maximum, row[c]) }
                    var sum: Float = 0
                    for c in 0..<classes {
                        let e = expf(row[c] - maximum)
                        out[c] = e
                        sum += e
                    }
                    total += Double(logf(sum) + maximum - row[label])
                    let inverse = scale / sum
                    for c in 0..<classes { out[c] *= inverse }
                    out[label] -= scale
                }
            }
        }
        return (Float(total / Double(batch)), gradient)
    }
}
