import Foundation

/// A small, fast, seeded random source (xoshiro256**, seeded through SplitMix64):
/// the same seed gives the same numbers on every machine and run.
///
///     var rng = SeededRandom(seed: 42)
///     let u = rng.nextUniform()             // in [0, 1)
///     let z = rng.nextGaussian()            // standard normal
///     let order = (0..<10).shuffled(using: &rng)
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next(); s1 = seeder.next(); s2 = seeder.next(); s3 = seeder.next()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A Float uniform in [0, 1), with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A Float uniform in [low, high).
    public mutating func nextUniform(low: Float, high: Float) -> Float {
        low + (high - low) * nextUniform()
    }

    /// A normally distributed Float (Box-Muller).
    public mutating func nextGaussian(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        let u1 = Double(next() >> 11 | 1) * 0x1p-53   // in (0, 1): log stays finite
        let u2 = Double(next() >> 11) * 0x1p-53
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return mean + standardDeviation * Float(z)
    }

    /// An Int uniform in 0..<bound.
    public mutating func nextInt(below bound: Int) -> Int {
        Int.random(in: 0..<bound, using: &self)
    }
}
