import Kernels

/// The IDX format of MNIST and Fashion-MNIST: a big-endian magic number (0x0000 08 NN:
/// unsigned bytes, NN dimensions), NN big-endian 32-bit sizes, then the bytes.
struct IDXFile {
    let dimensions: [Int]
    let values: ArraySlice<UInt8>

    /// Parses `bytes` read from `path` and checks it has `expectedDimensionCount` dimensions
    /// and exactly the bytes they announce.
    init(bytes: [UInt8], path: String, expectedDimensionCount: Int) throws {
        func corrupt(_ reason: String) -> DatasetError { .corruptFile(path: path, reason: reason) }
        guard bytes.count >= 4 else { throw corrupt("too short for an IDX file (\(bytes.count) bytes)") }
        let magic = IDXFile.bigEndian32(bytes, at: 0)
        let expectedMagic = 0x0800 | UInt32(expectedDimensionCount)
        guard magic == expectedMagic else {
            throw corrupt("wrong magic number 0x\(String(magic, radix: 16, uppercase: true)), expected 0x\(String(expectedMagic, radix: 16, uppercase: true).leftPadded(to: 8)) (unsigned-byte IDX with \(expectedDimensionCount) dimension\(expectedDimensionCount == 1 ? "" : "s"))")
        }
        let headerSize = 4 + 4 * expectedDimensionCount
        guard bytes.count >= headerSize else { throw corrupt("truncated IDX header (\(bytes.count) bytes)") }
        let dimensions = (0 ..< expectedDimensionCount).map { Int(IDXFile.bigEndian32(bytes, at: 4 + 4 * $0)) }
        let shape = dimensions.map(String.init).joined(separator: " x ")
        if let zero = dimensions.firstIndex(of: 0) {
            throw corrupt("header dimension \(zero + 1) is 0 (\(shape)): the file holds no data")
        }
        // Checked: four sizes of up to 2^32 - 1 multiply far past Int.max.
        let expectedBytes: Int
        do { expectedBytes = try SizeLimits.product(dimensions, field: "header dimensions") } catch {
            throw corrupt("header dimensions \(shape) are too large: more than \(SizeLimits.elementCount) bytes (damaged, or not an IDX file)")
        }
        guard expectedBytes == bytes.count - headerSize else {
            throw corrupt("header announces \(shape) = \(expectedBytes) data bytes but the file holds \(bytes.count - headerSize): truncated or damaged")
        }
        self.dimensions = dimensions
        self.values = bytes[headerSize...]
    }

    private static func bigEndian32(_ bytes: [UInt8], at index: Int) -> UInt32 {
        (0 ..< 4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[index + $1]) }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
