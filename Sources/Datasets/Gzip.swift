/// Reads gzip files (RFC 1952): header, DEFLATE body, then CRC-32 and size checks, so a
/// truncated or damaged download is reported instead of yielding wrong images.
enum Gzip {
    /// True when `bytes` start with the gzip magic number.
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed contents of the gzip file `bytes` (read from `path`, used in errors).
    static func decompress(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        func corrupt(_ reason: String) -> DatasetError { .corruptFile(path: path, reason: reason) }
        guard isGzip(bytes) else { throw corrupt("not a gzip file (it does not start with 1f 8b)") }
        guard bytes.count >= 18 else { throw corrupt("truncated gzip file (\(bytes.count) bytes)") }
        guard bytes[2] == 8 else { throw corrupt("unknown gzip compression method \(bytes[2])") }
        let flags = bytes[3]
        var position = 10
        if flags & 0x04 != 0 {                                    // FEXTRA
            guard position + 2 <= bytes.count else { throw corrupt("truncated gzip header") }
            position += 2 + (Int(bytes[position]) | Int(bytes[position + 1]) << 8)
        }
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 { // FNAME, FCOMMENT: zero-terminated
            while position < bytes.count && bytes[position] != 0 { position += 1 }
            position += 1
        }
        if flags & 0x02 != 0 { position += 2 }                    // FHCRC
        guard position < bytes.count else { throw corrupt("truncated gzip header") }

        let trailerSize = littleEndian32(bytes, at: bytes.count - 4)
        let result: (output: [UInt8], end: Int)
        do {
            result = try bytes.withUnsafeBufferPointer { input throws(Inflate.Failure) in
                try Inflate.decompress(input, from: position, expectedSize: min(Int(trailerSize), bytes.count * 16))
            }
        } catch .truncated {
            throw corrupt("truncated gzip file: the compressed data ends early (incomplete download?)")
        } catch let .invalid(reason) {
            throw corrupt("damaged gzip data (\(reason))")
        }
        guard result.end + 8 <= bytes.count else {
            throw corrupt("truncated gzip file: the CRC and size trailer is missing (incomplete download?)")
        }
        let storedCRC = littleEndian32(bytes, at: result.end)
        let storedSize = littleEndian32(bytes, at: result.end + 4)
        guard storedSize == UInt32(truncatingIfNeeded: result.output.count) else {
            throw corrupt("gzip size check failed: trailer says \(storedSize) bytes, decoded \(result.output.count)")
        }
        guard storedCRC == CRC32.checksum(result.output) else { throw corrupt("gzip CRC-32 check failed: the data is damaged") }
        return result.output
    }

    private static func littleEndian32(_ bytes: [UInt8], at index: Int) -> UInt32 {
        (0 ..< 4).reduce(UInt32(0)) { $0 | UInt32(bytes[index + $1]) << UInt32(8 * $1) }
    }
}

/// CRC-32 (IEEE 802.3, as gzip uses), table-driven.
enum CRC32 {
    private static let table: [UInt32] = (0 ..< 256).map { n in
        var c = UInt32(n)
        for _ in 0 ..< 8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { data in
                for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return ~crc
    }
}
