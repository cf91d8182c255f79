/// Squared error between a prediction and a target of the same shape.
///
/// `.sum` is sum((x - t)^2); `.mean` divides by the number of values (PyTorch's `MSELoss()`);
/// `.sumOverBatch` divides by the batch size (the course autoencoder's `((out - x)**2).sum() / len(x)`).
/// The returned gradient tensor belongs to the loss and is overwritten by its next call.
/// A network ending in ConvTranspose2d + Sigmoid can take the loss inside its last layer's
/// backward pass instead (`Sequential.backward(_:loss:target:range:needsInputGradient:)`).
public final class SquaredErrorLoss: @unchecked Sendable {
    public enum Reduction: Sendable {
        case sum, mean, sumOverBatch
    }

    public let reduction: Reduction
    private let gradient = Tensor(zeros: [0])

    public init(reduction: Reduction) {
        self.reduction = reduction
    }

    /// What the summed squared errors are divided by for a prediction of this shape.
    private func divisor(_ shape: [Int]) -> Float {
        switch reduction {
        case .sum: 1
        case .mean: Float(shape.reduce(1, *))
        case .sumOverBatch: Float(shape.first ?? 1)
        }
    }

    /// Returns the loss and its gradient with respect to `prediction`: 2(x - t) / divisor.
    public func callAsFunction(_ prediction: Tensor, target: Tensor) -> (value: Float, gradient: Tensor) {
        precondition(prediction.shape == target.shape,
                     "SquaredErrorLoss: prediction \(prediction.shape) and target \(target.shape) differ")
        let count = prediction.count
        let divisor = divisor(prediction.shape)
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

    /// The loss taken by the layer that produced `prediction`, image by image inside its backward
    /// pass (`Sequential.backward(_:loss:target:range:needsInputGradient:)`): `body` gets the loss
    /// in that form (`SquaredErrorImages`: the target, 2 / divisor, a sum per image to fill) and
    /// runs the backward pass. Returns the loss value: the images' sums added in image order, then
    /// divided (the same on any number of threads, and equal to `callAsFunction`'s up to the order
    /// of its double sum). The gradient tensor is not written.
    func takenByImages(prediction: Tensor, target: Tensor, _ body: (SquaredErrorImages) -> Void) -> Float {
        precondition(prediction.shape == target.shape,
                     "SquaredErrorLoss: prediction \(prediction.shape) and target \(target.shape) differ")
        let batch = prediction.shape.first ?? 1
        if imageSums.count < batch { imageSums = [Double](repeating: 0, count: batch) }
        let divisor = divisor(prediction.shape)
        imageSums.withUnsafeMutableBufferPointer { sums in
            target.withPointer { t in
                body(SquaredErrorImages(target: t, factor: 2 / divisor, imageSums: sums.baseAddress!))
            }
        }
        var total = 0.0
        for n in 0..<batch { total += imageSums[n] }
        return Float(total / Double(divisor))
    }

    /// One sum per image for `takenByImages` (grown to the batch size once).
    private var imageSums: [Double] = []

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
