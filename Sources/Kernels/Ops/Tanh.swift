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
    mapPairs(output, gradOutput, into: gradInput, count: count, { y, dy in dy * (1 - y * y) }, { y, dy in dy * (1 - y * y) })
}
