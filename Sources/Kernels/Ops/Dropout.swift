import CKernels

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

/// `dropoutMask` from a counter-based hash instead of a sequential generator: value i is kept
/// (mask 1 / (1 - p), else +0) when the top 24 bits of `dropoutHash(key, i)` are at least
/// ceil(p * 2^24), so each value is kept with probability 1 - p and the draws need no state
/// between values: the AVX-512 and AVX2 loops (`ck_dropout_mask`) compute 16 or 8 at once and give
/// this Swift loop's mask bit for bit. A layer draws one `key` per step from its seeded generator.
public func dropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, p: Float, key: UInt64) {
    let threshold = UInt32((p * 0x1p24).rounded(.up))
    let scale = 1 / (1 - p)
    if DirectConvolution.isAvailable {
        ck_dropout_mask(DirectConvolution.active.isa, mask, count, threshold, scale, key)
    } else {
        dropoutMaskReference(mask, count: count, threshold: threshold, scale: scale, key: key)
    }
}

/// The portable loop of `dropoutMask(_:count:p:key:)`, one value at a time (and the reference the
/// vector loops are tested against).
func dropoutMaskReference(_ mask: UnsafeMutablePointer<Float>, count: Int, threshold: UInt32, scale: Float, key: UInt64) {
    for i in 0..<count { mask[i] = dropoutHash(key: key, index: i) >> 8 >= threshold ? scale : 0 }
}

/// MurmurHash3's 32-bit finaliser of a Weyl sequence offset by the key: (index * 0x9E3779B9 +
/// (low ^ high half of key)) mod 2^32 mixed so every output bit depends on every input bit.
/// Indices wrap at 2^32.
@inline(__always)
func dropoutHash(key: UInt64, index: Int) -> UInt32 {
    var h = UInt32(truncatingIfNeeded: index) &* 0x9E37_79B9 &+ (UInt32(truncatingIfNeeded: key) ^ UInt32(truncatingIfNeeded: key >> 32))
    h ^= h >> 16
    h = h &* 0x85EB_CA6B
    h ^= h >> 13
    h = h &* 0xC2B2_AE35
    h ^= h >> 16
    return h
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
