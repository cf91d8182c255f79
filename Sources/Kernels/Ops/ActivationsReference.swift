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

/// leaky_relu(x) = x if x > 0 else slope * x; its derivative is 1 where x > 0, else slope.
public func leakyReLUForwardReference(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int, slope: Float) {
    for i in 0..<count { output[i] = Float(input[i] > 0 ? Double(input[i]) : Double(slope) * Double(input[i])) }
}

public func leakyReLUBackwardReference(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                       gradInput: UnsafeMutablePointer<Float>, count: Int, slope: Float) {
    for i in 0..<count { gradInput[i] = Float(input[i] > 0 ? Double(gradOutput[i]) : Double(slope) * Double(gradOutput[i])) }
}

/// tanh(x) = (e^x - e^-x) / (e^x + e^-x); its derivative is 1 - tanh(x)^2.
public func tanhForwardReference(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = Float(tanh(Double(input[i]))) }
}

public func tanhBackwardReference(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                  gradInput: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count {
        let t = tanh(Double(input[i]))
        gradInput[i] = Float(Double(gradOutput[i]) * (1 - t * t))
    }
}

/// Dropout with a given mask, value by value: output = input * mask.
public func dropoutApplyReference(input: UnsafePointer<Float>, mask: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = Float(Double(input[i]) * Double(mask[i])) }
}
