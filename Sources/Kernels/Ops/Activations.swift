import CKernels
import Foundation

/// Element-wise activations over flat buffers of `count` values. Large buffers are split across
/// the kernel threads; the loops work eight values at a time.

/// ReLU forward: output = max(input, 0).
public func reluForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count, minimumPerPart: cutFreePart) { reluForward(input: input, output: output, range: $0) }
}

/// `reluForward` over `range` on the calling thread.
@inline(__always)
func reluForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, range: Range<Int>) {
    mapRange(input, into: output, range: range, { x in x.replacing(with: 0, where: x .< 0) }, { x in max(x, 0) })
}

/// ReLU backward from its output: gradInput = gradOutput where output > 0, else 0 (PyTorch's rule).
public func reluBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                         gradInput: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count, minimumPerPart: cutFreePart) { reluBackward(output: output, gradOutput: gradOutput, gradInput: gradInput, range: $0) }
}

/// `reluBackward` over `range` on the calling thread.
@inline(__always)
func reluBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                  gradInput: UnsafeMutablePointer<Float>, range: Range<Int>) {
    mapPairsRange(output, gradOutput, into: gradInput, range: range,
                  { y, dy in dy.replacing(with: 0, where: .!(y .> 0)) }, { y, dy in y > 0 ? dy : 0 })
}

/// Sigmoid forward: output = 1 / (1 + exp(-input)), with `exp16` where |input| <= 80 (sixteen at
/// a time: two independent chains keep the vector units busier than eight did; a last group of
/// eight runs in the low half, the same arithmetic lane by lane); other values (and NaN) take the
/// scalar path with libm's expf, in the group of eight they belong to. With the direct kernels
/// (AVX-512 or AVX2) the same steps run in C (`ck_sigmoid_forward`, sixteen or eight lanes to a
/// register), with the same results: the Swift loop compiles to SSE for a generic x86-64 target.
public func sigmoidForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { sigmoidForward(input: input, output: output, range: $0) }
}

/// `sigmoidForward` over `range` on the calling thread.
func sigmoidForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, range: Range<Int>) {
    if DirectConvolution.isAvailable {
        // The same arithmetic in AVX-512 or AVX2 registers (CKernels/Elementwise.c): the same bits.
        ck_sigmoid_forward(DirectConvolution.active.isa, input + range.lowerBound, output + range.lowerBound, range.count)
    } else {
        sigmoidForwardPortable(input: input, output: output, range: range)
    }
}

/// `sigmoidForward` over `range` in Swift SIMD (SSE on a generic x86-64 target).
func sigmoidForwardPortable(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, range: Range<Int>) {
    var i = range.lowerBound
    while i + 16 <= range.upperBound {
        let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD16<Float>.self)
        // NaN fails both comparisons, so it lands in the per-eight path too.
        if all((x .>= -80) .& (x .<= 80)) {
            let y = 1 / (1 + exp16(-x))
            UnsafeMutableRawPointer(output + i).storeBytes(of: y, as: SIMD16<Float>.self)
        } else {
            sigmoidEight(input + i, output + i)
            sigmoidEight(input + i + 8, output + i + 8)
        }
        i += 16
    }
    if i + 8 <= range.upperBound {
        sigmoidEight(input + i, output + i)
        i += 8
    }
    while i < range.upperBound { output[i] = 1 / (1 + expf(-input[i])); i += 1 }
}

/// Sigmoid of eight values: `exp16` on the low half when all eight are in range, else expf each.
@inline(__always)
private func sigmoidEight(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
    let x = UnsafeRawPointer(input).loadUnaligned(as: SIMD8<Float>.self)
    if all((x .>= -80) .& (x .<= 80)) {
        let y = 1 / (1 + exp16(SIMD16(lowHalf: -x, highHalf: SIMD8())))
        UnsafeMutableRawPointer(output).storeBytes(of: y.lowHalf, as: SIMD8<Float>.self)
    } else {
        for j in 0..<8 { output[j] = 1 / (1 + expf(-input[j])) }
    }
}

/// e^x for |x| <= 87, sixteen at a time, within about 2 ulp of expf: x = n ln2 + r with |r| <= ln2/2,
/// e^r from Cephes' degree-6 polynomial, times 2^n built in the exponent bits.
/// (Written for SIMD16 itself: a generic version over SIMD is not vectorised.)
@inline(__always)
func exp16(_ x: SIMD16<Float>) -> SIMD16<Float> {
    // Round x / ln2 to the nearest integer by adding 1.5 * 2^23 (the low mantissa bits then hold n).
    let shifter = SIMD16<Float>(repeating: 12_582_912)
    let t = x * 1.442_695_04 + shifter
    let n = t - shifter
    // r = x - n ln2, with ln2 split in two so that n * ln2Hi is exact.
    var r = x - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p = SIMD16<Float>(repeating: 1.987_569_150_0e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let er = p * (r * r) + r + 1
    // 2^n: n + 127 in the exponent field (|x| <= 87 keeps it in the normal range).
    let bits = unsafeBitCast(t, to: SIMD16<Int32>.self) &- unsafeBitCast(shifter, to: SIMD16<Int32>.self)
    let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD16<Float>.self)
    return er * scale
}

/// Sigmoid backward from its output: gradInput = gradOutput * output * (1 - output).
public func sigmoidBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                            gradInput: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { sigmoidBackward(output: output, gradOutput: gradOutput, gradInput: gradInput, range: $0) }
}

/// `sigmoidBackward` over `range` on the calling thread: in C with the direct kernels
/// (`ck_sigmoid_backward`, the same operations in AVX-512 or AVX2 registers), else `sigmoidBackwardPortable`.
@inline(__always)
func sigmoidBackward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                     gradInput: UnsafeMutablePointer<Float>, range: Range<Int>) {
    if DirectConvolution.isAvailable {
        let i = range.lowerBound
        ck_sigmoid_backward(DirectConvolution.active.isa, output + i, gradOutput + i, gradInput + i, range.count)
    } else {
        sigmoidBackwardPortable(output: output, gradOutput: gradOutput, gradInput: gradInput, range: range)
    }
}

/// `sigmoidBackward` over `range` in Swift: (gradOutput * output) * (1 - output), rounded after each step.
func sigmoidBackwardPortable(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                             gradInput: UnsafeMutablePointer<Float>, range: Range<Int>) {
    for i in range { gradInput[i] = gradOutput[i] * output[i] * (1 - output[i]) }
}

/// Runs `body` over consecutive parts of 0..<count on the kernel threads; small counts stay on
/// the calling thread, where handing a part to a helper would cost more than it saves.
///
/// `minimumPerPart` is 32,768 by default: the sigmoid's vector groups start at each part's
/// start, so its bits depend on the cut, which must then not move. Ops whose values do not
/// depend on the cut (ReLU, `mapEach`, `mapPairs`, `copyValues`) pass 16,384: the helpers spin between
/// the jobs of a step, so a hand-over costs a few microseconds and parts of 16,384 values
/// (~5 microseconds of ReLU) already gain; the course CNN's ReLU after Linear(400, 256)
/// (32,768 values) then runs on both threads.
@inline(__always)
func forEachPart(_ count: Int, minimumPerPart: Int = 32_768, _ body: (Range<Int>) -> Void) {
    let parts = max(1, min(4, count / minimumPerPart))
    if parts == 1 { body(0..<count); return }
    KernelThreads.forEachSlice(parts) { p in body((p * count / parts)..<((p + 1) * count / parts)) }
}

/// Values per part for the element-wise loops whose results do not depend on where a part starts.
let cutFreePart = 16_384

/// Copies `count` floats from `source` to `destination` (which must not overlap), split across
/// the kernel threads as the element-wise ops are (`Flatten`'s copies of a batch's features).
public func copyValues(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count, minimumPerPart: cutFreePart) { range in
        (destination + range.lowerBound).update(from: source + range.lowerBound, count: range.count)
    }
}

/// output[i] = one(input[i]) over the kernel threads, eight values at a time through `eight`
/// (which must compute `one` lane by lane, so that results do not depend on where a part
/// starts). The one loop of the element-wise ops that map each value on its own.
@inline(__always)
func mapEach(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int,
             _ eight: (SIMD8<Float>) -> SIMD8<Float>, _ one: (Float) -> Float) {
    forEachPart(count, minimumPerPart: cutFreePart) { range in mapRange(input, into: output, range: range, eight, one) }
}

/// `mapEach` over `range` on the calling thread.
@inline(__always)
func mapRange(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, range: Range<Int>,
              _ eight: (SIMD8<Float>) -> SIMD8<Float>, _ one: (Float) -> Float) {
    var i = range.lowerBound
    while i + 8 <= range.upperBound {
        let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(output + i).storeBytes(of: eight(x), as: SIMD8<Float>.self)
        i += 8
    }
    while i < range.upperBound { output[i] = one(input[i]); i += 1 }
}

/// output[i] = one(a[i], b[i]), as `mapEach` for two inputs: the backward passes, which combine
/// the saved forward value (output or input) with the upstream gradient.
@inline(__always)
func mapPairs(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
              count: Int, _ eight: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, _ one: (Float, Float) -> Float) {
    forEachPart(count, minimumPerPart: cutFreePart) { range in mapPairsRange(a, b, into: output, range: range, eight, one) }
}

/// `mapPairs` over `range` on the calling thread.
@inline(__always)
func mapPairsRange(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
                   range: Range<Int>, _ eight: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, _ one: (Float, Float) -> Float) {
    var i = range.lowerBound
    while i + 8 <= range.upperBound {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(output + i).storeBytes(of: eight(x, y), as: SIMD8<Float>.self)
        i += 8
    }
    while i < range.upperBound { output[i] = one(a[i], b[i]); i += 1 }
}
