/// An exponential moving average of the training loss, corrected for its start at zero
/// (as TensorBoard's smoothing is), so the first values are not dragged towards 0.
public struct LossSmoother: Sendable {
    /// Weight of the history, 0..<1; higher is smoother.
    public let weight: Float
    private var average: Double = 0
    private var count = 0

    public init(weight: Float = 0.9) { self.weight = weight }

    /// Adds a loss and returns the smoothed value. Non-finite losses are not averaged in.
    public mutating func add(_ loss: Float) -> Float {
        if loss.isFinite {
            average = Double(weight) * average + Double(1 - weight) * Double(loss)
            count += 1
        }
        guard count > 0 else { return loss }
        let correction = 1 - pow(Double(weight), Double(count))
        return Float(average / correction)
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    var factor = base
    // Integer exponent by squaring: keeps this file free of Foundation.
    while remaining > 0 {
        if remaining & 1 == 1 { result *= factor }
        factor *= factor
        remaining >>= 1
    }
    return result
}
