/// PyTorch's default initialisation of Conv2d, ConvTranspose2d and Linear.
///
/// Weights use `kaiming_uniform_(a=sqrt(5))`: gain sqrt(2 / (1 + 5)), bound gain * sqrt(3 / fan_in)
/// = 1 / sqrt(fan_in). Biases use the same bound 1 / sqrt(fan_in). fan_in is the weight's
/// dimension 1 times the kernel area (for ConvTranspose2d that is its output channels).
public enum PyTorchInit {
    /// 1 / sqrt(fanIn).
    public static func bound(fanIn: Int) -> Float {
        1 / Float(fanIn).squareRoot()
    }

    /// A tensor uniform in [-bound, bound) with bound = 1 / sqrt(fanIn).
    public static func uniform(shape: [Int], fanIn: Int, rng: inout SeededRandom) -> Tensor {
        let b = bound(fanIn: fanIn)
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = rng.nextUniform(low: -b, high: b) }
        return Tensor(shape: shape, scalars: values)
    }
}
