/// LeakyReLU over flat buffers, as PyTorch's `leaky_relu`: x where x > 0, else slope * x.
/// Eight values at a time, large buffers split across the kernel threads.

/// output = input > 0 ? input : slope * input.
public func leakyReLUForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int, slope: Float) {
    mapEach(input, into: output, count: count,
            { x in x.replacing(with: x * slope, where: .!(x .> 0)) }, { x in x > 0 ? x : x * slope })
}

/// gradInput = input > 0 ? gradOutput : slope * gradOutput (from the forward input, as PyTorch:
/// a negative slope makes the output's sign useless for this).
public func leakyReLUBackward(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                              gradInput: UnsafeMutablePointer<Float>, count: Int, slope: Float) {
    mapPairs(input, gradOutput, into: gradInput, count: count,
             { x, dy in dy.replacing(with: dy * slope, where: .!(x .> 0)) }, { x, dy in x > 0 ? dy : dy * slope })
}
