import Kernels
import Foundation
import Formatting

/// The safetensors format (huggingface/safetensors), for float32 and int64 tensors:
/// an 8-byte little-endian header length N, N bytes of JSON
/// `{"__metadata__":{...},"NAME":{"dtype":"F32","shape":[...],"data_offsets":[BEGIN,END]},...}`
/// padded with spaces to a multiple of 8, then the raw little-endian data, offsets counted
/// from the end of the header.
///
/// `encode` writes byte for byte what Python's `safetensors.torch.save` writes for float32
/// tensors: tensors sorted by name, compact JSON, metadata first.
public enum Safetensors {
    /// The Python library refuses headers above 100 MB; so do we, before allocating.
    static let maximumHeaderSize = 100_000_000

    // MARK: Writing

    /// The bytes of a safetensors file holding `tensors` (stored sorted by name) and `metadata`.
    public static func encode(_ tensors: [NamedTensor], metadata: [String: String] = [:]) throws -> [UInt8] {
        let sorted = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.name == next.name {
            throw SafetensorsError.invalidTensor(name: next.name, reason: "appears twice")
        }
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { JSONText.quoted($0) + ":" + JSONText.quoted(metadata[$0]!) }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for tensor in sorted {
            guard tensor.name != "__metadata__", !tensor.name.isEmpty else {
                throw SafetensorsError.invalidTensor(name: tensor.name, reason: "this name is reserved or empty")
            }
            guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.storedCount == tensor.elementCount else {
                throw SafetensorsError.invalidTensor(
                    name: tensor.name, reason: "\(tensor.storedCount) values do not fill shape \(TensorSpec.format(tensor.shape))")
            }
            let end = offset + tensor.dtype.size * tensor.storedCount
            entries.append(JSONText.quoted(tensor.name) + ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[" + tensor.shape.map(String.init).joined(separator: ",")
                           + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes += repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)

        var file = [UInt8]()
        file.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { file += $0 }
        file += headerBytes
        for tensor in sorted {
            if let integers = tensor.integers {
                for value in integers { withUnsafeBytes(of: value.littleEndian) { file += $0 } }
                continue
            }
            #if _endian(little)
            tensor.values.withUnsafeBytes { file += $0 }
            #else
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { file += $0 } }
            #endif
        }
        return file
    }

    /// Writes `tensors` to `path` atomically: a temporary file in the same directory, flushed
    /// to disk, then renamed over `path`. On any failure (a full disk, say) the previous file
    /// at `path` is untouched and no temporary file remains.
    public static func write(_ tensors: [NamedTensor], metadata: [String: String] = [:], to path: String) throws {
        try AtomicFile.write(try encode(tensors, metadata: metadata), to: path)
    }

    // MARK: Reading

    /// Reads and validates the safetensors file at `path`.
    public static func read(_ path: String) throws -> SafetensorsContents {
        if let problem = FileKind.readProblem(path) { throw SafetensorsError.io(path: path, reason: "it " + problem) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read it (\(error.localizedDescription))" : "no such file"
            throw SafetensorsError.io(path: path, reason: reason)
        }
        return try decode([UInt8](data), path: path)
    }

    /// Parses and validates safetensors bytes; `path` is used in messages.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> SafetensorsContents {
        func invalid(_ reason: String) -> SafetensorsError { .invalidFile(path: path, reason: reason) }
        guard bytes.count >= 8 else { throw invalid("only \(bytes.count) bytes; a safetensors file starts with an 8-byte header length") }
        let headerLength = bytes[0 ..< 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(min(bytes.count - 8, maximumHeaderSize)) else {
            throw invalid("the header length field says \(headerLength) bytes but the file has \(bytes.count - 8) after it (truncated, or not safetensors)")
        }
        let headerEnd = 8 + Int(headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes[8 ..< headerEnd])),
              let header = object as? [String: Any] else {
            throw invalid("the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let strings = raw as? [String: String] else { throw invalid("__metadata__ must map strings to strings") }
            metadata = strings
        }
        let dataSize = bytes.count - headerEnd
        var entries: [(spec: TensorSpec, dtype: NamedTensor.DType, begin: Int, end: Int)] = []
        for (name, rawEntry) in header where name != "__metadata__" {
            entries.append(try parseEntry(name: name, rawEntry, dataSize: dataSize, invalid: invalid))
        }
        // Like the Python library: the tensors tile the data exactly, in offset order, with no gap or overlap.
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expectedBegin = 0
        for entry in entries {
            guard entry.begin == expectedBegin else {
                throw invalid("tensor '\(entry.spec.name)' starts at data offset \(entry.begin), expected \(expectedBegin) (gap or overlap)")
            }
            expectedBegin = entry.end
        }
        guard expectedBegin == dataSize else {
            throw invalid("the tensors cover \(expectedBegin) data bytes but the file holds \(dataSize) (truncated or padded)")
        }
        let tensors = entries.map { entry in
            switch entry.dtype {
            case .f32:
                return NamedTensor(name: entry.spec.name, shape: entry.spec.shape,
                                   values: floats(bytes, from: headerEnd + entry.begin, count: (entry.end - entry.begin) / 4))
            case .i64:
                return NamedTensor(name: entry.spec.name, shape: entry.spec.shape,
                                   integers: integers(bytes, from: headerEnd + entry.begin, count: (entry.end - entry.begin) / 8))
            }
        }
        return SafetensorsContents(tensors: tensors, metadata: metadata)
    }

    private static func parseEntry(name: String, _ raw: Any, dataSize: Int,
                                   invalid: (String) -> SafetensorsError) throws -> (spec: TensorSpec, dtype: NamedTensor.DType, begin: Int, end: Int) {
        guard let entry = raw as? [String: Any] else { throw invalid("entry '\(name)' is not an object") }
        guard let dtype = entry["dtype"] as? String else { throw invalid("tensor '\(name)' has no dtype") }
        guard let type = NamedTensor.DType(rawValue: dtype) else {
            throw invalid("tensor '\(name)' has dtype \(dtype); cnnlab reads float32 (F32) and int64 (I64) only: in PyTorch save {k: v.float() for k, v in model.state_dict().items()}")
        }
        guard let shapeValues = entry["shape"] as? [Any], let offsetValues = entry["data_offsets"] as? [Any] else {
            throw invalid("tensor '\(name)' needs a shape and data_offsets")
        }
        let shape = shapeValues.compactMap(exactInteger)
        let offsets = offsetValues.compactMap(exactInteger)
        guard shape.count == shapeValues.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw invalid("tensor '\(name)' has a shape that is not a list of sizes")
        }
        guard offsets.count == 2, offsets.count == offsetValues.count, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
            throw invalid("tensor '\(name)' has data_offsets \(offsetValues) outside the \(dataSize) data bytes")
        }
        let (elements, overflow) = shape.reduce((1, false)) { partial, size in
            let (product, didOverflow) = partial.0.multipliedReportingOverflow(by: size)
            return (product, partial.1 || didOverflow)
        }
        // elements * size could overflow too: sizes past SizeLimits.elementCount are refused by name.
        guard !overflow, elements <= SizeLimits.elementCount.maximum else {
            throw invalid("tensor '\(name)' has shape \(TensorSpec.format(shape)), more than \(SizeLimits.elementCount) values")
        }
        guard elements * type.size == offsets[1] - offsets[0] else {
            throw invalid("tensor '\(name)' has shape \(TensorSpec.format(shape)) but \(offsets[1] - offsets[0]) bytes of data (expected \(type.size) per element)")
        }
        return (TensorSpec(name: name, shape: shape), type, offsets[0], offsets[1])
    }

    /// A JSON number that is a whole integer.
    private static func exactInteger(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9e15 else { return nil }
        return number.intValue
    }

    private static func floats(_ bytes: [UInt8], from start: Int, count: Int) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start ..< start + 4 * count]))
            }
        }
        #if _endian(big)
        values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #endif
        return values
    }

    private static func integers(_ bytes: [UInt8], from start: Int, count: Int) -> [Int64] {
        (0..<count).map { index in
            let base = start + 8 * index
            return Int64(bitPattern: bytes[base ..< base + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
    }
}
