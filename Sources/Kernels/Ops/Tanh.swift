import Foundation

/// Tanh over flat buffers, as PyTorch's `tanh`; large buffers split across the kernel threads.

/// output = tanh(input), libm's tanhf.
public func tanhForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { range in
        for i in range { output[i] = tanhf(input[i]) }
    }
}

/// From the output: gradInput = gradOutput * (1 - output^2).
public func tanhBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                         gradInput: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let y = UnsafeRawPointer(output + i).loadUnaligned(as: SIMD8<Float>.self)
            let dy = UnsafeRawPointer(gradOutput + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(gradInput + i).storeBytes(of: dy * (1 - y * y), as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound { gradInput[i] = gradOutput[i] * (1 - output[i] * output[i]); i += 1 }
    }
}
