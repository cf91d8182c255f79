import Foundation
import Testing
@testable import Datasets

@Suite struct GzipTests {
    /// Python's gzip at level 9 of "hello hello hello hello, convolution!\n": one fixed-Huffman block.
    static let fixedBlock = "H4sIAAAAAAAC/8tIzcnJV8hAJ3UUkvPzyvJzSksy8/MUuQC8VGktJgAAAA=="
    /// Python's gzip at level 0 of "abc" x 10: one stored block.
    static let storedBlock = "H4sIAAAAAAAA/wEeAOH/YWJjYWJjYWJjYWJjYWJjYWJjYWJjYWJjYWJjYWJjgfyxSB4AAAA="

    private func decode(_ base64: String) throws -> [UInt8] {
        try Gzip.decompress([UInt8](try #require(Data(base64Encoded: base64))), path: "fixture.gz")
    }

    @Test func decodesAFixedHuffmanBlock() throws {
        #expect(String(decoding: try decode(Self.fixedBlock), as: UTF8.self) == "hello hello hello hello, convolution!\n")
    }

    @Test func decodesAStoredBlock() throws {
        #expect(String(decoding: try decode(Self.storedBlock), as: UTF8.self) == String(repeating: "abc", count: 10))
    }

    @Test func decodesDynamicBlocksFromTheSystemGzip() throws {
        var text: [UInt8] = []
        let words = ["kernel", "stride", "padding", "pool", "relu", "channel", "filter", "tensor"]
        for i in 0 ..< 20_000 { text += Array((words[(i * i + 3 * i) % 8] + " ").utf8) }
        text += (0 ..< 70_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }  // incompressible tail
        let compressed = try Fixtures.gzip(text)
        #expect(compressed.count < text.count)
        #expect(try Gzip.decompress(compressed, path: "x.gz") == text)
    }

    @Test func damagedDataFailsTheCRCOrDecodingWithAMessage() throws {
        var bytes = [UInt8](try #require(Data(base64Encoded: Self.storedBlock)))
        bytes[20] ^= 0xFF   // a byte of the stored payload: decodes, but the CRC no longer matches
        let error = #expect(throws: DatasetError.self) { try Gzip.decompress(bytes, path: "bad.gz") }
        #expect(try #require(error).description == "bad.gz: gzip CRC-32 check failed: the data is damaged")
    }

    @Test func aDamagedDeflateStreamIsNamedWithZlibsReason() throws {
        var bytes = [UInt8](try #require(Data(base64Encoded: Self.fixedBlock)))
        bytes[10] = 0x07   // the first block's header: final, type 3 (reserved, invalid)
        let error = #expect(throws: DatasetError.self) { try Gzip.decompress(bytes, path: "bad.gz") }
        #expect(try #require(error).description == "bad.gz: damaged gzip data (invalid block type)")
    }

    @Test func aFileWithoutTheMagicNumberIsRejected() throws {
        let error = #expect(throws: DatasetError.self) { try Gzip.decompress(Array("plain text here...".utf8), path: "p.gz") }
        #expect(try #require(error).description.contains("p.gz: not a gzip file"))
    }

    @Test func everyTruncationIsReportedNotCrashed() throws {
        let whole = [UInt8](try #require(Data(base64Encoded: Self.fixedBlock)))
        for length in 0 ..< whole.count {
            #expect(throws: DatasetError.self) { try Gzip.decompress(Array(whole.prefix(length)), path: "t.gz") }
        }
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
