/// LeakyReLU over flat buffers, as PyTorch's `leaky_relu`: x where x > 0, else slope * x.
/// Eight values at a time, large buffers split across the kernel threads.

/// output = input > 0 ? input : slope * input.
public func leakyReLUForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int, slope: Float) {
    forEachPart(count) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(output + i).storeBytes(of: x.replacing(with: x * slope, where: .!(x .> 0)), as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound { output[i] = input[i] > 0 ? input[i] : input[i] * slope; i += 1 }
    }
}

/// gradInput = input > 0 ? gradOutput : slope * gradOutput (from the forward input, as PyTorch:
/// a negative slope makes the output's sign useless for this).
public func leakyReLUBackward(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                              gradInput: UnsafeMutablePointer<Float>, count: Int, slope: Float) {
    forEachPart(count) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
            let dy = UnsafeRawPointer(gradOutput + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(gradInput + i).storeBytes(of: dy.replacing(with: dy * slope, where: .!(x .> 0)),
                                                              as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound { gradInput[i] = input[i] > 0 ? gradOutput[i] : gradOutput[i] * slope; i += 1 }
    }
}
