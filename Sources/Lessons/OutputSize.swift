/// The output-size formulas of convolution, pooling and transposed convolution, along one
/// axis, as PyTorch computes them.
public enum OutputSize {
    /// Convolution and pooling: O = floor((I + 2P − D(K−1) − 1) / S) + 1.
    /// Zero or less means the settings are impossible.
    public static func convolution(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
        let reach = input + 2 * padding - dilation * (kernel - 1) - 1
        return floorDivide(reach, stride) + 1
    }

    /// Transposed convolution: O = (I − 1)S − 2P + D(K − 1) + OP + 1.
    public static func transposed(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int,
                                  outputPadding: Int) -> Int {
        (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1
    }

    /// Whether the floor in the convolution formula drops input rows no window reaches.
    public static func dropsRows(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Bool {
        let reach = input + 2 * padding - dilation * (kernel - 1) - 1
        return reach >= 0 && reach % stride != 0
    }

    /// Division rounding toward minus infinity (Swift's `/` rounds toward zero).
    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
