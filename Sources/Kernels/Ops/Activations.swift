import Foundation

/// Element-wise activations over flat buffers of `count` values. Large buffers are split across
/// the kernel threads; the loops work eight values at a time.

/// ReLU forward: output = max(input, 0).
public func reluForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(output + i).storeBytes(of: x.replacing(with: 0, where: x .< 0), as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound { output[i] = max(input[i], 0); i += 1 }
    }
}

/// ReLU backward from its output: gradInput = gradOutput where output > 0, else 0 (PyTorch's rule).
public func reluBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                         gradInput: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let y = UnsafeRawPointer(output + i).loadUnaligned(as: SIMD8<Float>.self)
            let dy = UnsafeRawPointer(gradOutput + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(gradInput + i).storeBytes(of: dy.replacing(with: 0, where: .!(y .> 0)),
                                                              as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound { gradInput[i] = output[i] > 0 ? gradOutput[i] : 0; i += 1 }
    }
}

/// Sigmoid forward: output = 1 / (1 + exp(-input)).
public func sigmoidForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { range in
        for i in range { output[i] = 1 / (1 + expf(-input[i])) }
    }
}

/// Sigmoid backward from its output: gradInput = gradOutput * output * (1 - output).
public func sigmoidBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                            gradInput: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { range in
        for i in range { gradInput[i] = gradOutput[i] * output[i] * (1 - output[i]) }
    }
}

/// Runs `body` over consecutive parts of 0..<count on the kernel threads; small counts stay on
/// the calling thread, where waking a second thread would cost more than it saves.
@inline(__always)
func forEachPart(_ count: Int, _ body: (Range<Int>) -> Void) {
    let minimumPerPart = 32_768
    let parts = max(1, min(4, count / minimumPerPart))
    if parts == 1 { body(0..<count); return }
    KernelThreads.forEachSlice(parts) { p in body((p * count / parts)..<((p + 1) * count / parts)) }
}
