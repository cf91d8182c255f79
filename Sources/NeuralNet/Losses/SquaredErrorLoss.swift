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
        // Fixed parts (by size only), each summed in its own lanes, then added in part order:
        // the same total on any number of threads. The gradient is element-wise.
        let parts = FixedParts(total: count, minimumPartSize: 32_768, maximumParts: Self.maximumParts)
        let sums = partialSums
        prediction.withPointer { x in
            target.withPointer { t in
                gradient.withMutablePointer { g in
                    KernelThreads.forEachPart(parts) { part, range in
                        sums[part] = Self.squaredErrors(range, x: x, t: t, g: g, factor: factor)
                    }
                }
            }
        }
        var total = 0.0
        for part in 0..<parts.count { total += sums[part] }
        return (Float(total / Double(divisor)), gradient)
    }

    private static let maximumParts = 8
    /// One sum per part, written by the threads (allocated once).
    private let partialSums = UnsafeMutablePointer<Double>.allocate(capacity: maximumParts)

    deinit { partialSums.deallocate() }

    /// Writes g = factor * (x - t) over `range` and returns the sum of (x - t)^2 (each square
    /// rounded to Float, as a plain loop would, and added in Double), eight lanes at a time.
    private static func squaredErrors(_ range: Range<Int>, x: UnsafePointer<Float>, t: UnsafePointer<Float>,
                                      g: UnsafeMutablePointer<Float>, factor: Float) -> Double {
        var low = SIMD4<Double>(), high = SIMD4<Double>()
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                - UnsafeRawPointer(t + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(g + i).storeBytes(of: factor * d, as: SIMD8<Float>.self)
            let square = d * d
            low += SIMD4<Double>(square.lowHalf)
            high += SIMD4<Double>(square.highHalf)
            i += 8
        }
        var sum = (low + high).sum()
        while i < range.upperBound {
            let d = x[i] - t[i]
            sum += Double(d * d)
            g[i] = factor * d
            i += 1
        }
        return sum
    }
}
