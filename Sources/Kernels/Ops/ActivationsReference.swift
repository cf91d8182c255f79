import Foundation

/// Activations from their textbook definitions, in Double: the yardstick for `Activations.swift`.

/// relu(x) = x if x > 0 else 0; its derivative is 1 where x > 0, else 0.
public func reluForwardReference(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = input[i] < 0 ? 0 : input[i] }   // NaN passes through, as in PyTorch
}

public func reluBackwardReference(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                  gradInput: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { gradInput[i] = input[i] > 0 ? gradOutput[i] : 0 }
}

/// sigmoid(x) = 1 / (1 + e^-x); its derivative is sigmoid(x)(1 - sigmoid(x)).
public func sigmoidForwardReference(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = Float(1 / (1 + exp(-Double(input[i])))) }
}

public func sigmoidBackwardReference(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                     gradInput: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count {
        let s = 1 / (1 + exp(-Double(input[i])))
        gradInput[i] = Float(Double(gradOutput[i]) * s * (1 - s))
    }
}
