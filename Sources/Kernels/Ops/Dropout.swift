/// Inverted dropout over flat buffers, as PyTorch's `dropout` in training: each value is kept
/// with probability 1 - p and scaled by 1 / (1 - p), or set to zero. The random choice is the
/// caller's (a seeded mask of 0 and 1 / (1 - p) values, `dropoutMask`); forward and backward
/// both multiply by it.

/// Fills `mask` with 1 / (1 - p) where `uniform()` (in [0, 1)) is at least p, else 0.
public func dropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, p: Float, uniform: () -> Float) {
    let scale = 1 / (1 - p)
    for i in 0..<count { mask[i] = uniform() >= p ? scale : 0 }
}

/// `dropoutMask` drawing straight from `random` (the same numbers as passing
/// `{ random.nextUniform() }`): the generator is inlined into the loop, without a closure call
/// and its captured state per value (0.45 ms for 65,536 values through the closure).
///
/// `nextUniform()` is u * 2^-24 for a 24-bit integer u (exact), so `nextUniform() >= p` is exactly
/// u >= ceil(p * 2^24): compared as integers, and the mask value chosen without a branch (a
/// quarter of the choices would be mispredicted).
public func dropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, p: Float, random: inout SeededRandom) {
    let scaleBits = (1 / (1 - p)).bitPattern
    let threshold = UInt64((p * 0x1p24).rounded(.up))
    var source = random
    for i in 0..<count {
        let kept = UInt32(truncatingIfNeeded: ((source.next() >> 40) &- threshold) >> 63) &- 1   // all ones when kept
        mask[i] = Float(bitPattern: scaleBits & kept)
    }
    random = source
}

/// output = input * mask (forward), or gradInput = gradOutput * mask (backward).
public func dropoutApply(input: UnsafePointer<Float>, mask: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    forEachPart(count) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
            let m = UnsafeRawPointer(mask + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(output + i).storeBytes(of: x * m, as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound { output[i] = input[i] * mask[i]; i += 1 }
    }
}
