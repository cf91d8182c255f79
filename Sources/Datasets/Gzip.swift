import CZlib

/// Reads gzip files (RFC 1952) with the system's zlib: header, DEFLATE body, then CRC-32 and
/// size checks, so a truncated or damaged download is reported instead of yielding wrong images.
///
/// The header and trailer are read here and the body is inflated raw, so that each failure
/// (truncated, damaged, wrong CRC, wrong size) is known by where it happened, not by parsing
/// zlib's message text.
enum Gzip {
    /// True when `bytes` start with the gzip magic number.
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed contents of the gzip file `bytes` (read from `path`, used in errors).
    static func decompress(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        func corrupt(_ reason: String) -> DatasetError { .corruptFile(path: path, reason: reason) }
        guard isGzip(bytes) else { throw corrupt("not a gzip file (it does not start with 1f 8b)") }
        guard bytes.count >= 18 else { throw corrupt("truncated gzip file (\(bytes.count) bytes)") }
        guard bytes[2] == 8 else { throw corrupt("unknown gzip compression method \(bytes[2])") }
        let start = try bodyStart(bytes, corrupt)

        let trailerSize = littleEndian32(bytes, at: bytes.count - 4)
        let inflated: (output: [UInt8], end: Int)
        switch inflateRaw(bytes, from: start, expectedSize: min(Int(trailerSize), bytes.count * 16)) {
        case .success(let result): inflated = result
        case .failure(.truncated):
            throw corrupt("truncated gzip file: the compressed data ends early (incomplete download?)")
        case .failure(.damaged(let detail)):
            throw corrupt("damaged gzip data (\(detail))")
        }
        guard inflated.end + 8 <= bytes.count else {
            throw corrupt("truncated gzip file: the CRC and size trailer is missing (incomplete download?)")
        }
        let storedCRC = littleEndian32(bytes, at: inflated.end)
        let storedSize = littleEndian32(bytes, at: inflated.end + 4)
        guard storedSize == UInt32(truncatingIfNeeded: inflated.output.count) else {
            throw corrupt("gzip size check failed: trailer says \(storedSize) bytes, decoded \(inflated.output.count)")
        }
        guard storedCRC == CRC32.checksum(inflated.output) else { throw corrupt("gzip CRC-32 check failed: the data is damaged") }
        return inflated.output
    }

    /// Where the DEFLATE body starts, past the optional header fields.
    private static func bodyStart(_ bytes: [UInt8], _ corrupt: (String) -> DatasetError) throws -> Int {
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
        return position
    }

    enum InflateFailure: Error {
        /// The input ended before the last block.
        case truncated
        /// zlib refused the data; the detail is zlib's own words, shown, never parsed.
        case damaged(String)
    }

    /// Inflates the raw DEFLATE stream starting at `start`: the output and the index just past it.
    private static func inflateRaw(_ bytes: [UInt8], from start: Int, expectedSize: Int)
        -> Result<(output: [UInt8], end: Int), InflateFailure> {
        var stream = z_stream()
        // Negative window bits: a raw DEFLATE stream (the gzip wrapper is read above).
        guard cnnlab_inflateInit2(&stream, -MAX_WBITS) == Z_OK else { return .failure(.damaged("zlib could not start")) }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(1024, expectedSize))
        var produced = 0
        return bytes.withUnsafeBufferPointer { input -> Result<(output: [UInt8], end: Int), InflateFailure> in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + start)
            stream.avail_in = uInt(input.count - start)
            while true {
                if produced == output.count { output += [UInt8](repeating: 0, count: output.count) }
                let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = uInt(out.count - produced)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced = out.count - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    let end = input.count - Int(stream.avail_in)
                    return .success((Array(output.prefix(produced)), end))
                case Z_OK, Z_BUF_ERROR where stream.avail_out == 0:
                    continue   // the output grows at the top of the loop when it is full
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .failure(.truncated)
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .failure(.damaged(detail))
                }
            }
        }
    }

    private static func littleEndian32(_ bytes: [UInt8], at index: Int) -> UInt32 {
        (0 ..< 4).reduce(UInt32(0)) { $0 | UInt32(bytes[index + $1]) << UInt32(8 * $1) }
    }
}

/// CRC-32 (IEEE 802.3, as gzip uses), from zlib.
enum CRC32 {
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { data in
            UInt32(crc32(0, data.baseAddress, uInt(data.count)))
        }
    }
}
