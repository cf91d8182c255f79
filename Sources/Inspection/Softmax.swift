import Foundation

/// softmax(x)_i = e^(x_i - max) / sum_j e^(x_j - max), the stable form CrossEntropyLoss uses.
public func softmax(_ logits: [Float]) -> [Float] {
    guard let maximum = logits.max() else { return [] }
    let exps = logits.map { expf($0 - maximum) }
    let sum = exps.reduce(0, +)
    return exps.map { $0 / sum }
}
