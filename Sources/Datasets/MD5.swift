import Foundation

/// MD5 (RFC 1321), streaming, to check downloads against their published checksums.
///
/// Not for security: only to notice a damaged or different file.
/// ```swift
/// var md5 = MD5()
/// md5.update(chunk)          // any number of times
/// let hex = md5.finalize()   // "c32a1d4a..."
/// ```
public struct MD5: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    public init() { pending.reserveCapacity(64) }

    /// The hex digest of `bytes`.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var md5 = MD5()
        md5.update(Array(bytes))
        return md5.finalize()
    }

    /// Adds bytes to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var index = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending += bytes[0 ..< take]
            index = take
            if pending.count == 64 {
                pending.withUnsafeBytes { compress($0.baseAddress!) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        while index + 64 <= bytes.count {
            compress(bytes.baseAddress! + index)
            index += 64
        }
        if index < bytes.count { pending += bytes[index...] }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Pads the message and returns the 32-character lowercase hex digest.
    public mutating func finalize() -> String {
        let bitLength = length &* 8
        var padding: [UInt8] = [0x80]
        padding += repeatElement(0, count: (119 - Int(length % 64)) % 64)
        padding += (0 ..< 8).map { UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64($0))) }
        padding.withUnsafeBytes { bytes in
            // Feed through the block logic without counting the padding in the length.
            let saved = length
            update(bytes)
            length = saved
        }
        let words = [state.0, state.1, state.2, state.3]
        return words.flatMap { word in (0 ..< 4).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) } }
            .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
            .joined()
    }

    private static let shifts: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                           5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                           4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                           6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]
    /// floor(abs(sin(i + 1)) * 2^32)
    private static let constants: [UInt32] = (0 ..< 64).map { UInt32(truncatingIfNeeded: Int64((abs(sin(Double($0 + 1))) * 4_294_967_296).rounded(.down))) }

    private mutating func compress(_ block: UnsafeRawPointer) {
        var words = [UInt32](repeating: 0, count: 16)
        for i in 0 ..< 16 { words[i] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        var (a, b, c, d) = state
        for i in 0 ..< 64 {
            var f: UInt32
            let g: Int
            switch i {
            case 0 ..< 16: f = (b & c) | (~b & d); g = i
            case 16 ..< 32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
            case 32 ..< 48: f = b ^ c ^ d; g = (3 * i + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * i) % 16
            }
            f = f &+ a &+ MD5.constants[i] &+ words[g]
            a = d
            d = c
            c = b
            b = b &+ (f << MD5.shifts[i] | f >> (32 - MD5.shifts[i]))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
