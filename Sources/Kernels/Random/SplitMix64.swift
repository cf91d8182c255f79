/// A small deterministic random generator (SplitMix64), the same on every platform and
/// Swift version, so a seed always gives the same epoch order and the same synthetic images.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent generator for sub-stream `index` of `seed` (image i, epoch e...).
    ///
    /// Seeding with `seed + index` directly would make neighbouring streams overlap shifted
    /// by one step (SplitMix64 advances its state by a constant), so both are hashed first.
    public static func stream(seed: UInt64, index: UInt64) -> SplitMix64 {
        var root = SplitMix64(seed: seed)
        var mixer = SplitMix64(seed: root.next() ^ (index &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    /// A uniform integer in `0 ..< bound` (Lemire's method, no modulo bias).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let bound64 = UInt64(bound)
        var product = next().multipliedFullWidth(by: bound64)
        if product.low < bound64 {
            let threshold = (0 &- bound64) % bound64
            while product.low < threshold { product = next().multipliedFullWidth(by: bound64) }
        }
        return Int(product.high)
    }

    /// A uniform Float in [0, 1).
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
