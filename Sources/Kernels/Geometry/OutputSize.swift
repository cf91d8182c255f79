/// Output-size arithmetic of convolution, transposed convolution and pooling (one dimension),
/// following PyTorch and Dumoulin & Visin's "A guide to convolution arithmetic".
public enum OutputSize {
    /// The extent of a dilated kernel: D(K-1) + 1.
    public static func effectiveKernel(_ kernel: Int, dilation: Int) -> Int {
        dilation * (kernel - 1) + 1
    }

    /// Convolution: O = floor((I + 2P - D(K-1) - 1) / S) + 1.
    /// Meaningful when S >= 1 and the dilated kernel fits the padded input.
    public static func convolution(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
        floorDivide(reach(input: input, kernel: kernel, padding: padding, dilation: dilation), stride) + 1
    }

    /// I + 2P - D(K-1) - 1: how far the first window can move in the padded input (negative
    /// when the dilated kernel does not fit). The numerator of the convolution formula.
    public static func reach(input: Int, kernel: Int, padding: Int, dilation: Int) -> Int {
        input + 2 * padding - effectiveKernel(kernel, dilation: dilation)
    }

    /// Transposed convolution: O = (I - 1)S - 2P + D(K-1) + output_padding + 1.
    public static func transposedConvolution(input: Int, kernel: Int, stride: Int, padding: Int,
                                             dilation: Int, outputPadding: Int) -> Int {
        (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1
    }

    /// Whether the floor in the convolution formula drops input rows no window reaches
    /// (the lessons point it out: "the last row is never read").
    public static func dropsRows(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Bool {
        let reach = reach(input: input, kernel: kernel, padding: padding, dilation: dilation)
        return reach >= 0 && reach % stride != 0
    }

    /// Pooling: like convolution, rounding up in ceil mode; as in PyTorch, a ceil-mode window
    /// that would start beyond the input and its left padding is dropped.
    public static func pooling(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int,
                               ceilMode: Bool) -> Int {
        let span = reach(input: input, kernel: kernel, padding: padding, dilation: dilation)
        var size = floorDivide(span + (ceilMode ? stride - 1 : 0), stride) + 1
        if ceilMode && (size - 1) * stride >= input + padding {
            size -= 1
        }
        return size
    }

    /// Division rounding towards minus infinity (Swift's `/` rounds towards zero).
    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// Division rounding towards plus infinity, for b > 0.
@inline(__always)
func ceilDivide(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? (a + b - 1) / b : -((-a) / b)
}
