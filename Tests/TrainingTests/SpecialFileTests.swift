import Formatting
import Foundation
import NeuralNet
import Testing
@testable import Training

/// Devices, pipes and folders given where a file is expected: refused with a message saying what
/// they are. Reading /dev/zero never ends, and an atomic rename over /dev/null (as root)
/// replaces the device with a file for every program on the machine.
@Suite struct SpecialFileTests {
    static func isDevice(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeCharacterSpecial
    }

    @Test func fileKindsAreNamed() {
        #expect(FileKind(path: "/dev/null") == .device)
        #expect(FileKind(path: NSTemporaryDirectory()) == .folder)
        #expect(FileKind(path: "/nonexistent/cnnlab") == .missing)
        #expect(FileKind.readProblem("/dev/zero") == "is a device, not a file to read")
        #expect(FileKind.readProblem("/nonexistent/cnnlab") == nil, "the reader says 'no such file' itself")
    }

    @Test func atomicWritesRefuseADeviceAndLeaveItThere() {
        #expect(AtomicFile.problemWriting(to: "/dev/null")?.hasPrefix("/dev/null is a device, not a regular file") == true)
        #expect(throws: SafetensorsError.self) { try AtomicFile.write([1, 2, 3], to: "/dev/null") }
        #expect(Self.isDevice("/dev/null"))
    }

    @Test func readingADeviceSaysWhatItIs() throws {
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.read("/dev/zero") }
        #expect(error?.description == "/dev/zero: it is a device, not a file to read")
        let layers = #expect(throws: LayerTextError.self) { try NetworkText.read(argument: "@/dev/zero") }
        #expect("\(layers.map { "\($0)" } ?? "")".contains("it is a device, not a file to read"))
    }

    @Test func metricsGoIntoADeviceWithoutReplacingIt() throws {
        let writer = try MetricsCSVWriter(path: "/dev/null")
        try writer.append(EpochMetrics(epoch: 1, trainLoss: 1, testLoss: 1, testAccuracy: nil, trainAccuracy: nil,
                                       imagesPerSecond: 1, seconds: 1), step: 1, learningRate: 0.1)
        #expect(Self.isDevice("/dev/null"))
    }
}
