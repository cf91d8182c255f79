import Foundation
import TestSupport
import Testing
@testable import Training

@Suite struct SafetensorsFormatTests {
    static let tensors = [
        NamedTensor(name: "b.weight", shape: [2, 3], values: [0, 1, 2, 3, 4, 5]),
        NamedTensor(name: "a", shape: [1], values: [1.5]),
        NamedTensor(name: "0.bias", shape: [3], values: [0, 0, 0]),
        NamedTensor(name: "10.weight", shape: [1, 1, 1, 1], values: [1]),
    ]

    /// What Python's safetensors 0.8.0 `save(tensors, metadata={"format": "pt", "epoch": "3"})` wrote for the same tensors.
    static let pythonHeader = #"{"__metadata__":{"epoch":"3","format":"pt"},"0.bias":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"10.weight":{"dtype":"F32","shape":[1,1,1,1],"data_offsets":[12,16]},"a":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},"b.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[20,44]}}     "#
    static let pythonData = "0000000000000000000000000000803f0000c03f000000000000803f0000004000004040000080400000a040"

    static var pythonFile: [UInt8] {
        var bytes: [UInt8] = [40, 1, 0, 0, 0, 0, 0, 0]   // 296, little-endian
        bytes += Array(pythonHeader.utf8)
        var hex = pythonData[...]
        while !hex.isEmpty {
            bytes.append(UInt8(hex.prefix(2), radix: 16)!)
            hex = hex.dropFirst(2)
        }
        return bytes
    }

    @Test func encodingIsByteForByteWhatPythonWrites() throws {
        #expect(Self.pythonHeader.utf8.count == 296)
        let encoded = try Safetensors.encode(Self.tensors, metadata: ["format": "pt", "epoch": "3"])
        #expect(encoded == Self.pythonFile)
    }

    @Test func decodingPythonsFileGivesTheTensorsBack() throws {
        let contents = try Safetensors.decode(Self.pythonFile)
        #expect(contents.metadata == ["format": "pt", "epoch": "3"])
        #expect(contents.tensors.map(\.name) == ["0.bias", "10.weight", "a", "b.weight"])
        #expect(contents["b.weight"] == Self.tensors[0])
        #expect(contents["a"]?.values == [1.5])
    }

    @Test func theHeaderIsPaddedToEightBytesAndScalarsAndEmptyTensorsRoundTrip() throws {
        let tensors = [NamedTensor(name: "scalar", shape: [], values: [2]), NamedTensor(name: "empty", shape: [0], values: [])]
        let bytes = try Safetensors.encode(tensors)
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(headerLength % 8 == 0)
        #expect(String(decoding: bytes[8 ..< 8 + headerLength], as: UTF8.self)
                == #"{"empty":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"scalar":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"# + "     ")
        #expect(try Safetensors.decode(bytes).tensors == tensors.reversed())
    }

    @Test func int64TensorsRoundTripAsPyTorchWritesThem() throws {
        // BatchNorm2d's num_batches_tracked: a zero-dimensional int64 tensor, 8 bytes little-endian.
        let tensors = [NamedTensor(name: "1.num_batches_tracked", shape: [], integers: [390]),
                       NamedTensor(name: "1.running_mean", shape: [2], values: [0.5, -1])]
        let bytes = try Safetensors.encode(tensors)
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(String(decoding: bytes[8 ..< 8 + headerLength], as: UTF8.self).hasPrefix(
            #"{"1.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"1.running_mean":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#))
        #expect(Array(bytes[8 + headerLength ..< 8 + headerLength + 8]) == [134, 1, 0, 0, 0, 0, 0, 0])
        let decoded = try Safetensors.decode(bytes).tensors
        #expect(decoded == tensors)
        #expect(decoded[0].dtype == .i64 && decoded[0].integers == [390])
    }

    @Test func namesNeedingEscapesRoundTrip() throws {
        let tensor = NamedTensor(name: "odd \"name\"\\\n\u{1}é", shape: [1], values: [-0.25])
        #expect(try Safetensors.decode(try Safetensors.encode([tensor])).tensors == [tensor])
    }

    @Test func inconsistentTensorsAreRefusedBeforeWriting() {
        let short = #expect(throws: SafetensorsError.self) {
            try Safetensors.encode([NamedTensor(name: "w", shape: [2, 2], values: [1, 2, 3])])
        }
        #expect(short?.description == "tensor 'w': 3 values do not fill shape [2, 2]")
        let duplicate = #expect(throws: SafetensorsError.self) {
            try Safetensors.encode([NamedTensor(name: "w", shape: [1], values: [1]), NamedTensor(name: "w", shape: [1], values: [2])])
        }
        #expect(duplicate?.description == "tensor 'w': appears twice")
    }
}

@Suite struct SafetensorsRejectionTests {
    /// A file from a header string and a number of data bytes.
    private func file(header: String, dataBytes: Int) -> [UInt8] {
        let headerBytes = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian, Array.init) + headerBytes + [UInt8](repeating: 0, count: dataBytes)
    }

    @Test func int64NeedsEightBytesPerElement() {
        #expect(rejection(file(header: #"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 4))
                .contains("expected 8 per element"))
    }

    private func rejection(_ bytes: [UInt8]) -> String {
        do {
            _ = try Safetensors.decode(bytes, path: "m.safetensors")
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func anF16TensorIsRejectedWithAHint() {
        let message = rejection(file(header: #"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4))
        #expect(message.hasPrefix("m.safetensors: not a usable safetensors file: tensor 'w' has dtype F16; cnnlab reads float32 (F32) and int64 (I64) only"))
    }

    @Test func badHeadersAreRejected() {
        #expect(rejection([1, 2, 3]).hasSuffix("only 3 bytes; a safetensors file starts with an 8-byte header length"))
        #expect(rejection(file(header: "{not json", dataBytes: 0)).hasSuffix("the header is not a JSON object"))
        #expect(rejection(file(header: "[1,2]", dataBytes: 0)).hasSuffix("the header is not a JSON object"))
        var tooLong = file(header: "{}", dataBytes: 0)
        tooLong[0] = 200
        #expect(rejection(tooLong).hasSuffix("the header length field says 200 bytes but the file has 2 after it (truncated, or not safetensors)"))
        #expect(rejection(file(header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 4)).hasSuffix("tensor 'w' has no dtype"))
        #expect(rejection(file(header: #"{"__metadata__":{"a":1}}"#, dataBytes: 0)).hasSuffix("__metadata__ must map strings to strings"))
    }

    @Test func sizesAndOffsetsMustAgree() {
        #expect(rejection(file(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataBytes: 8))
            .hasSuffix("tensor 'w' has shape [3] but 8 bytes of data (expected 4 per element)"))
        #expect(rejection(file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 4))
            .contains("tensor 'w' has data_offsets"))
        #expect(rejection(file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8))
            .hasSuffix("tensor 'w' starts at data offset 4, expected 0 (gap or overlap)"))
        #expect(rejection(file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 12))
            .hasSuffix("the tensors cover 4 data bytes but the file holds 12 (truncated or padded)"))
        #expect(rejection(file(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, dataBytes: 4))
            .hasSuffix("tensor 'w' has a shape that is not a list of sizes"))
    }

    @Test func everyTruncationOfAValidFileIsRejected() throws {
        let whole = SafetensorsFormatTests.pythonFile
        for length in 0 ..< whole.count {
            #expect(rejection(Array(whole.prefix(length))) != "accepted", "prefix of \(length) bytes")
        }
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.read("/nonexistent/x.safetensors") }
        #expect(error?.description == "/nonexistent/x.safetensors: no such file")
    }
}

@Suite struct SafetensorsWriteTests {
    @Test func writeThenReadRoundTripsWithoutLeavingTemporaryFiles() throws {
        let scratch = TemporaryFolder("safetensors")
        let path = scratch.file("model.safetensors")
        let tensors = [NamedTensor(name: "0.weight", shape: [2, 1, 2, 2], values: (0 ..< 8).map { Float($0) * 0.1 - 0.3 }),
                       NamedTensor(name: "0.bias", shape: [2], values: [.pi, -.infinity])]
        try Safetensors.write(tensors, metadata: ["model": "tiny"], to: path)
        let contents = try Safetensors.read(path)
        #expect(contents.tensors == tensors.sorted { $0.name < $1.name })
        #expect(contents.metadata == ["model": "tiny"])
        #expect(try scratch.contents() == ["model.safetensors"])
    }

    @Test func aFailedWriteLeavesThePreviousFileIntact() throws {
        let scratch = TemporaryFolder("safetensors")
        let path = scratch.file("model.safetensors")
        let old = [NamedTensor(name: "w", shape: [1], values: [1])]
        try Safetensors.write(old, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let new = try Safetensors.encode([NamedTensor(name: "w", shape: [1000], values: .init(repeating: 2, count: 1000))])
        let error = #expect(throws: SafetensorsError.self) { try AtomicFile.write(new, to: path, failAfterBytes: 100) }
        #expect(error?.description == "\(path): writing failed (No space left on device); the previous file is unchanged")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try scratch.contents() == ["model.safetensors"])
    }

    @Test func writingIntoAMissingDirectorySaysSo() throws {
        let error = #expect(throws: SafetensorsError.self) {
            try Safetensors.write([NamedTensor(name: "w", shape: [1], values: [1])], to: "/nonexistent-dir/m.safetensors")
        }
        #expect(error?.description == "/nonexistent-dir/m.safetensors: the directory /nonexistent-dir does not exist")
    }
}

@Suite struct CheckpointMatchTests {
    static let expected = [TensorSpec(name: "0.weight", shape: [8, 3, 5, 5]), TensorSpec(name: "0.bias", shape: [8]),
                           TensorSpec(name: "7.weight", shape: [256, 400])]

    @Test func anExactMatchLoadsInTheExpectedOrder() throws {
        let scratch = TemporaryFolder("safetensors")
        let path = scratch.file("c.safetensors")
        let tensors = Self.expected.map { NamedTensor(name: $0.name, shape: $0.shape, values: .init(repeating: 0.5, count: $0.shape.reduce(1, *))) }
        try Checkpoint.save(tensors.reversed(), to: path)
        let loaded = try Checkpoint.load(path, expecting: Self.expected)
        #expect(loaded.map(\.name) == ["0.weight", "0.bias", "7.weight"])
        #expect(loaded == tensors)
    }

    /// The first problem named is the first tensor that differs in state_dict order, with both shapes.
    @Test func missingExtraAndMisshapenTensorsAreEachNamed() throws {
        let scratch = TemporaryFolder("safetensors")
        let path = scratch.file("c.safetensors")
        try Checkpoint.save([NamedTensor(name: "0.weight", shape: [8, 3, 3, 3], values: .init(repeating: 0, count: 216)),
                             NamedTensor(name: "0.bias", shape: [8], values: .init(repeating: 0, count: 8)),
                             NamedTensor(name: "9.weight", shape: [10, 256], values: .init(repeating: 0, count: 2560))], to: path)
        let error = #expect(throws: SafetensorsError.self) { try Checkpoint.load(path, expecting: Self.expected) }
        #expect(error?.description == "\(path) does not fit this model: 0.weight has shape [8, 3, 3, 3], expected [8, 3, 5, 5]; missing 7.weight [256, 400]; unexpected 9.weight [10, 256]")
        let match = CheckpointMatch(found: try Safetensors.read(path).tensors, expected: Self.expected)
        #expect(!match.isExact)
        #expect(match.missing == [Self.expected[2]] && match.extra == [TensorSpec(name: "9.weight", shape: [10, 256])])
        #expect(match.misshapen.map(\.name) == ["0.weight"])
    }
}
