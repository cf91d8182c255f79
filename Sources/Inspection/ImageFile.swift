import CStb
import Foundation

/// A picture decoded from a file (PNG, JPEG, BMP...) by Debian's stb_image: 8-bit pixels,
/// interleaved (row after row, each pixel's channels together), as the file stores them.
public struct DecodedImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 (grey) or 3 (RGB).
    public let channels: Int
    /// width * height * channels bytes, interleaved.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels, "DecodedImage: \(pixels.count) bytes for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Reads `path` with stb_image, converted to `channels` (1 or 3) channels. An unreadable or
    /// non-image file throws a message saying what was read.
    public static func read(_ path: String, channels: Int) throws(InspectionError) -> DecodedImage {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it exists but cannot be read (permissions, or a directory?)" : "no such file"
            throw InspectionError("cannot open image \(path): \(reason)")
        }
        var width: Int32 = 0, height: Int32 = 0, inFile: Int32 = 0
        let decoded: UnsafeMutablePointer<UInt8>? = data.withUnsafeBytes { raw in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress, data.count <= Int(Int32.max) else { return nil }
            return stbi_load_from_memory(base, Int32(data.count), &width, &height, &inFile, Int32(channels))
        }
        guard let decoded else {
            let reason = stbi_failure_reason().map { String(cString: $0) } ?? "unknown format"
            throw InspectionError("\(path) is not an image cnnlab can read (PNG, JPEG or BMP): read \(data.count) bytes "
                + "starting \(Self.describeStart(data)); the decoder said: \(reason)")
        }
        defer { stbi_image_free(decoded) }
        let count = Int(width) * Int(height) * channels
        return DecodedImage(width: Int(width), height: Int(height), channels: channels,
                            pixels: Array(UnsafeBufferPointer(start: decoded, count: count)))
    }

    /// The first bytes of a file, as text when they are printable, else in hex.
    static func describeStart(_ data: Data) -> String {
        let head = data.prefix(8)
        if head.isEmpty { return "with nothing (an empty file)" }
        if head.allSatisfy({ (0x20..<0x7f).contains($0) || $0 == 0x0a || $0 == 0x09 }) {
            let text = String(decoding: head, as: UTF8.self).replacingOccurrences(of: "\n", with: "\\n")
            return "with the text \"\(text)\""
        }
        return "with bytes " + head.map { String(format: "%02x", $0) }.joined(separator: " ")
    }

    /// The picture scaled to `width` x `height` with stb_image_resize (a filtered resize, not
    /// nearest neighbour); itself when the size already fits.
    public func resized(width newWidth: Int, height newHeight: Int) -> DecodedImage {
        if newWidth == width && newHeight == height { return self }
        var output = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                _ = stbir_resize_uint8(source.baseAddress, Int32(width), Int32(height), 0,
                                       target.baseAddress, Int32(newWidth), Int32(newHeight), 0, Int32(channels))
            }
        }
        return DecodedImage(width: newWidth, height: newHeight, channels: channels, pixels: output)
    }

    /// The pixels channel-major (C x H x W) and scaled to [0, 1], as the datasets' batches are.
    public var channelMajorFloats: [Float] {
        var values = [Float](repeating: 0, count: pixels.count)
        let plane = width * height
        for i in 0..<plane {
            for c in 0..<channels { values[c * plane + i] = Float(pixels[i * channels + c]) / 255 }
        }
        return values
    }

    /// The pixels channel-major as bytes (C x H x W), as the datasets store them.
    public var channelMajorBytes: [UInt8] {
        var values = [UInt8](repeating: 0, count: pixels.count)
        let plane = width * height
        for i in 0..<plane {
            for c in 0..<channels { values[c * plane + i] = pixels[i * channels + c] }
        }
        return values
    }
}
