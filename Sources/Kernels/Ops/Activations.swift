import Foundation

/// Element-wise activations over flat buffers of `count` values.

/// ReLU forward: output = max(input, 0).
public func reluForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = max(input[i], 0) }
}

/// ReLU backward from its output: gradInput = gradOutput where output > 0, else 0 (PyTorch's rule).
public func reluBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                         gradInput: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { gradInput[i] = output[i] > 0 ? gradOutput[i] : 0 }
}

/// Sigmoid forward: output = 1 / (1 + exp(-input)).
public func sigmoidForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = 1 / (1 + expf(-input[i])) }
}

/// Sigmoid backward from its output: gradInput = gradOutput * output * (1 - output).
public func sigmoidBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                            gradInput: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { gradInput[i] = gradOutput[i] * output[i] * (1 - output[i]) }
}
