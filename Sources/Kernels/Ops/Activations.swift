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

/// Sigmoid forward: output = 1 / (1 + exp(-input)), eight at a time with `exp8` where |input| <= 80;
/// other values (and NaN) take the scalar path with libm's expf.
public func sigmoidForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
            // NaN fails both comparisons, so it lands in the scalar path too.
            if all((x .>= -80) .& (x .<= 80)) {
                let y = 1 / (1 + exp8(-x))
                UnsafeMutableRawPointer(output + i).storeBytes(of: y, as: SIMD8<Float>.self)
            } else {
                for j in i..<(i + 8) { output[j] = 1 / (1 + expf(-input[j])) }
            }
            i += 8
        }
        while i < range.upperBound { output[i] = 1 / (1 + expf(-input[i])); i += 1 }
    }
}

/// e^x for |x| <= 87, eight at a time, within about 2 ulp of expf: x = n ln2 + r with |r| <= ln2/2,
/// e^r from Cephes' degree-6 polynomial, times 2^n built in the exponent bits.
@inline(__always)
func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    // Round x / ln2 to the nearest integer by adding 1.5 * 2^23 (the low mantissa bits then hold n).
    let shifter = SIMD8<Float>(repeating: 12_582_912)
    let t = x * 1.442_695_04 + shifter
    let n = t - shifter
    // r = x - n ln2, with ln2 split in two so that n * ln2Hi is exact.
    var r = x - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p = SIMD8<Float>(repeating: 1.987_569_150_0e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let er = p * (r * r) + r + 1
    // 2^n: n + 127 in the exponent field (|x| <= 87 keeps it in the normal range).
    let bits = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(shifter, to: SIMD8<Int32>.self)
    let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD8<Float>.self)
    return er * scale
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
