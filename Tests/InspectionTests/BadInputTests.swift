import Datasets
import Foundation
import Inspection
import NeuralNet
import Testing

/// Bad input gets a message naming the problem: a checkpoint for another network, an image
/// index out of range, a file that is not an image; another size is resized and says so.
@Suite struct BadInputTests {
    @Test func checkpointForAnotherNetworkNamesFirstTensorAndBothShapes() throws {
        let fixture = try InspectFixture.load("cnn")
        #expect {
            try InspectionCheckpoint.load(fixture.checkpoint, into: CourseModels.autoencoder(seed: 0))
        } throws: { error in
            let message = "\(error)"
            return message.contains("0.weight is [8, 3, 5, 5] in the file, the network needs [8, 3, 4, 4]")
        }
    }

    @Test func missingCheckpointSaysSoAndOffersTraining() {
        let folder = NSTemporaryDirectory() + "cnnlab-inspect-none-\(getpid())"
        #expect {
            _ = try InspectionSetup.open(network: .course(.cnn), checkpoint: nil, modelsDirectory: folder,
                                         data: .synthetic(trainCount: 10, testCount: 10, seed: 0))
        } throws: { error in
            "\(error)".contains("no trained CNN classifier yet") && "\(error)".contains("Train")
        }
    }

    @Test func imageIndexOutOfRangeGivesTheRange() throws {
        let fixture = try InspectFixture.load("cnn")
        let setup = try InspectionSetup.open(network: .course(.cnn), checkpoint: fixture.checkpoint, modelsDirectory: "/nonexistent",
                                             data: .synthetic(trainCount: 10, testCount: 12, seed: 0))
        #expect(throws: InspectionError("image 12 is out of range: the test set (\(setup.test!.name)) has images 0 to 11")) {
            _ = try setup.testImage(12)
        }
        #expect(try setup.testImage(11).values.count == 3072)
    }

    @Test func notAnImageSaysWhatWasRead() throws {
        let path = NSTemporaryDirectory() + "cnnlab-inspect-text-\(getpid()).png"
        try "hello, not a picture\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try DecodedImage.read(path, channels: 3)
        } throws: { error in
            let message = "\(error)"
            return message.contains("is not an image") && message.contains("read 21 bytes") && message.contains("\"hello, n\"")
        }
        #expect(throws: InspectionError("cannot open image /nonexistent/photo.png: no such file")) {
            _ = try DecodedImage.read("/nonexistent/photo.png", channels: 3)
        }
    }

    /// A 4 x 2 24-bit BMP (bottom-up rows, BGR, rows padded to 4 bytes).
    static func bmp(width: Int, height: Int, pixel: (Int, Int) -> (UInt8, UInt8, UInt8)) -> Data {
        let rowSize = (width * 3 + 3) / 4 * 4
        var data = Data()
        func le(_ value: Int, _ bytes: Int) { for i in 0..<bytes { data.append(UInt8((value >> (8 * i)) & 0xff)) } }
        data.append(contentsOf: [0x42, 0x4d]); le(54 + rowSize * height, 4); le(0, 4); le(54, 4)
        le(40, 4); le(width, 4); le(height, 4); le(1, 2); le(24, 2); le(0, 4); le(rowSize * height, 4)
        le(2835, 4); le(2835, 4); le(0, 4); le(0, 4)
        for y in (0..<height).reversed() {
            for x in 0..<width {
                let (r, g, b) = pixel(x, y)
                data.append(contentsOf: [b, g, r])
            }
            data.append(contentsOf: [UInt8](repeating: 0, count: rowSize - width * 3))
        }
        return data
    }

    @Test func otherSizeIsDecodedResizedAndSaysSo() throws {
        let path = NSTemporaryDirectory() + "cnnlab-inspect-\(getpid()).bmp"
        try Self.bmp(width: 64, height: 48) { x, y in (UInt8(x * 4), UInt8(y * 5), 200) }.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let decoded = try DecodedImage.read(path, channels: 3)
        #expect(decoded.width == 64 && decoded.height == 48)
        #expect(Array(decoded.pixels[(10 * 64 + 5) * 3..<(10 * 64 + 5) * 3 + 3]) == [20, 50, 200])
        let fixture = try InspectFixture.load("cnn")
        let setup = try InspectionSetup.open(network: .course(.cnn), checkpoint: fixture.checkpoint, modelsDirectory: "/nonexistent",
                                             data: .synthetic(trainCount: 10, testCount: 10, seed: 0))
        let image = try setup.fileImage(path)
        #expect(image.values.count == 3 * 32 * 32)
        #expect(image.note == "\(path) is 64x48: resized to 32x32 for the network")
        // A smooth ramp stays a ramp; the blue plane stays 200/255.
        #expect(image.values[2 * 1024 + 500] == Float(200) / 255)
        #expect(image.values[31] > image.values[0])
    }
}
