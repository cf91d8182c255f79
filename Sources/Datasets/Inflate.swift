/// A small DEFLATE decoder (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks.
///
/// Written here so reading gzipped Fashion-MNIST needs no system library. Codes are decoded
/// through one lookup table per alphabet, indexed by the next `maxLength` input bits.
enum Inflate {
    /// Why compressed data could not be decoded; `Gzip` adds the file name.
    enum Failure: Error, Equatable {
        case truncated
        case invalid(String)
    }

    /// Decodes a raw DEFLATE stream starting at `start`; returns the bytes and where the stream ended.
    static func decompress(_ input: UnsafeBufferPointer<UInt8>, from start: Int = 0,
                           expectedSize: Int = 0) throws(Failure) -> (output: [UInt8], end: Int) {
        var bits = BitReader(input, position: start)
        var output = OutputBuffer(capacity: max(expectedSize, 1 << 16))
        var isFinal = false
        while !isFinal {
            isFinal = try bits.read(1) == 1
            switch try bits.read(2) {
            case 0: try copyStoredBlock(&bits, &output)
            case 1: try decodeBlock(&bits, &output, literals: HuffmanTable.fixedLiterals, distances: HuffmanTable.fixedDistances)
            case 2:
                let (literals, distances) = try readDynamicTables(&bits)
                try decodeBlock(&bits, &output, literals: literals, distances: distances)
            default: throw .invalid("block type 3 is reserved")
            }
        }
        return (output.finished(), bits.bytePositionAfterAlignment())
    }

    private static func copyStoredBlock(_ bits: inout BitReader, _ output: inout OutputBuffer) throws(Failure) {
        bits.alignToByte()
        let length = try bits.read(16), complement = try bits.read(16)
        guard length == ~complement & 0xFFFF else { throw .invalid("stored block length check failed") }
        for _ in 0 ..< length { output.append(UInt8(try bits.read(8))) }
    }

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                            35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                             3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                              513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
                                               8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private static func decodeBlock(_ bits: inout BitReader, _ output: inout OutputBuffer,
                                    literals: HuffmanTable, distances: HuffmanTable) throws(Failure) {
        while true {
            let symbol = try literals.decode(&bits)
            if symbol < 256 {
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let lengthIndex = symbol - 257
                guard lengthIndex < 29 else { throw .invalid("bad length symbol \(symbol)") }
                let length = lengthBase[lengthIndex] + (try bits.read(lengthExtra[lengthIndex]))
                let distanceSymbol = try distances.decode(&bits)
                guard distanceSymbol < 30 else { throw .invalid("bad distance symbol \(distanceSymbol)") }
                let distance = distanceBase[distanceSymbol] + (try bits.read(distanceExtra[distanceSymbol]))
                guard distance <= output.count else { throw .invalid("back-reference before the start of the data") }
                output.copyMatch(distance: distance, length: length)
            }
        }
    }

    /// Order in which code-length code lengths are stored (RFC 1951, 3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private static func readDynamicTables(_ bits: inout BitReader) throws(Failure) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try bits.read(5) + 257
        let distanceCount = try bits.read(5) + 1
        let codeLengthCount = try bits.read(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .invalid("too many codes in a dynamic block") }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0 ..< codeLengthCount { codeLengthLengths[codeLengthOrder[i]] = UInt8(try bits.read(3)) }
        let codeLengthTable = try HuffmanTable(lengths: codeLengthLengths)

        var lengths = [UInt8]()
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengthTable.decode(&bits)
            switch symbol {
            case 0 ..< 16: lengths.append(UInt8(symbol))
            case 16:
                guard let previous = lengths.last else { throw .invalid("repeat with no previous length") }
                lengths.append(contentsOf: repeatElement(previous, count: 3 + (try bits.read(2))))
            case 17: lengths.append(contentsOf: repeatElement(0, count: 3 + (try bits.read(3))))
            default: lengths.append(contentsOf: repeatElement(0, count: 11 + (try bits.read(7))))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw .invalid("code lengths overrun") }
        guard lengths[256] != 0 else { throw .invalid("no end-of-block code") }
        return (try HuffmanTable(lengths: Array(lengths[0 ..< literalCount])),
                try HuffmanTable(lengths: Array(lengths[literalCount...])))
    }
}

/// Reads DEFLATE's least-significant-bit-first bit stream.
struct BitReader {
    private let input: UnsafeBufferPointer<UInt8>
    private var position: Int
    private var buffer: UInt64 = 0
    private(set) var available = 0

    init(_ input: UnsafeBufferPointer<UInt8>, position: Int) {
        self.input = input
        self.position = position
    }

    /// Tops the bit buffer up to at least 57 bits, or to the end of the input.
    @inline(__always) mutating func refill() {
        while available <= 56 && position < input.count {
            buffer |= UInt64(input[position]) << UInt64(available)
            position += 1
            available += 8
        }
    }

    /// The next `count` bits without consuming them (missing bits past the end read as 0).
    @inline(__always) mutating func peek(_ count: Int) -> Int {
        if available < count { refill() }
        return Int(truncatingIfNeeded: buffer & ((1 << UInt64(count)) - 1))
    }

    @inline(__always) mutating func consume(_ count: Int) throws(Inflate.Failure) {
        guard count <= available else { throw .truncated }
        buffer >>= UInt64(count)
        available -= count
    }

    @inline(__always) mutating func read(_ count: Int) throws(Inflate.Failure) -> Int {
        if count == 0 { return 0 }
        let value = peek(count)
        try consume(count)
        return value
    }

    mutating func alignToByte() {
        let drop = available % 8
        buffer >>= UInt64(drop)
        available -= drop
    }

    /// The index of the first input byte after the stream (whole unused bytes are given back).
    func bytePositionAfterAlignment() -> Int { position - available / 8 }
}

/// A canonical Huffman code as a table: entry = symbol << 4 | code length, indexed by the
/// next `maxLength` bits (bit-reversed, since DEFLATE packs codes most-significant bit first).
struct HuffmanTable: Sendable {
    private let entries: [UInt32]
    private let maxLength: Int

    init(lengths: [UInt8]) throws(Inflate.Failure) {
        let maxLength = Int(lengths.max() ?? 0)
        guard maxLength > 0 else {
            // A distance alphabet may be empty when a block has only literals.
            self.entries = [0]
            self.maxLength = 1
            return
        }
        var lengthCounts = [Int](repeating: 0, count: 16)
        for length in lengths { lengthCounts[Int(length)] += 1 }
        lengthCounts[0] = 0
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1 ... 15 {
            code = (code + lengthCounts[bits - 1]) << 1
            nextCode[bits] = code
            guard code + lengthCounts[bits] <= 1 << bits else { throw .invalid("over-subscribed Huffman code") }
        }
        var entries = [UInt32](repeating: 0, count: 1 << maxLength)
        for (symbol, lengthByte) in lengths.enumerated() where lengthByte > 0 {
            let length = Int(lengthByte)
            let reversed = HuffmanTable.reverse(nextCode[length], bits: length)
            nextCode[length] += 1
            var index = reversed
            while index < entries.count {
                entries[index] = UInt32(symbol << 4 | length)
                index += 1 << length
            }
        }
        self.entries = entries
        self.maxLength = maxLength
    }

    private static func reverse(_ code: Int, bits: Int) -> Int {
        var result = 0, code = code
        for _ in 0 ..< bits {
            result = (result << 1) | (code & 1)
            code >>= 1
        }
        return result
    }

    @inline(__always) func decode(_ bits: inout BitReader) throws(Inflate.Failure) -> Int {
        let entry = entries[bits.peek(maxLength)]
        let length = Int(entry & 15)
        guard length > 0 else {
            if bits.available < maxLength { throw .truncated }
            throw .invalid("bad Huffman code")
        }
        try bits.consume(length)
        return Int(entry >> 4)
    }

    static let fixedLiterals: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144 ..< 256 { lengths[i] = 9 }
        for i in 256 ..< 280 { lengths[i] = 7 }
        return try! HuffmanTable(lengths: lengths)  // constant, valid by construction
    }()

    static let fixedDistances: HuffmanTable = try! HuffmanTable(lengths: [UInt8](repeating: 5, count: 30))
}

/// A growable byte buffer with the back-reference copy DEFLATE needs.
struct OutputBuffer {
    private var storage: [UInt8]
    private(set) var count = 0

    init(capacity: Int) { storage = [UInt8](repeating: 0, count: capacity) }

    @inline(__always) mutating func append(_ byte: UInt8) {
        if count == storage.count { grow(by: 1) }
        storage[count] = byte
        count += 1
    }

    /// Copies `length` bytes from `distance` back; overlapping copies repeat the pattern, as DEFLATE requires.
    @inline(__always) mutating func copyMatch(distance: Int, length: Int) {
        if count + length > storage.count { grow(by: length) }
        storage.withUnsafeMutableBufferPointer { bytes in
            let base = bytes.baseAddress!
            var source = count - distance
            for target in count ..< count + length {
                base[target] = base[source]
                source += 1
            }
        }
        count += length
    }

    private mutating func grow(by needed: Int) {
        storage.append(contentsOf: repeatElement(0, count: max(storage.count, needed)))
    }

    mutating func finished() -> [UInt8] {
        storage.removeSubrange(count...)
        return storage
    }
}
