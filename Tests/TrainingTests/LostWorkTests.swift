import Datasets
import Foundation
import TestSupport
import Testing
@testable import Training

/// Work is not lost: --save problems are found before the first step, a checkpoint with NaN
/// weights names the tensor, a shape whose byte count overflows is refused, and SIGHUP is
/// handled like SIGINT and SIGTERM.
@Suite("Lost work", .serialized)
struct LostWorkTests {
    @Test("--save to a missing folder or a directory fails before training",
          arguments: [("/nonexistent-cnnlab/x.safetensors", "the folder /nonexistent-cnnlab does not exist (create it first)"),
                      ("/tmp", "/tmp is a directory: give a file name such as /tmp/model.safetensors")])
    func saveCheckedFirst(path: String, reason: String) {
        #expect(AtomicFile.problemWriting(to: path) == reason)
        do {
            _ = try TrainingSession(recipe: SessionTests.recipe(.cnn, epochs: 1), data: SessionTests.tinyData,
                                    options: .init(savePath: path, previewInterval: 0))
            Issue.record("a session with --save \(path) should not start")
        } catch {
            #expect("\(error)" == "--save \(path): \(reason)")
        }
    }

    @Test func aWritableSavePathIsAcceptedAndLeftAlone() throws {
        let folder = TemporaryFolder("lost-work"), directory = folder.path
        #expect(AtomicFile.problemWriting(to: directory + "/model.safetensors") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func aCheckpointWithNaNWeightsNamesTheTensor() throws {
        let folder = TemporaryFolder("lost-work"), directory = folder.path
        let path = directory + "/nan.safetensors"
        let specs = [TensorSpec(name: "0.weight", shape: [2, 2]), TensorSpec(name: "0.bias", shape: [2])]
        try Checkpoint.save([NamedTensor(name: "0.weight", shape: [2, 2], values: [1, .nan, 3, .infinity]),
                             NamedTensor(name: "0.bias", shape: [2], values: [0, 0])], to: path)
        let error = #expect(throws: SafetensorsError.self) { _ = try Checkpoint.load(path, expecting: specs) }
        #expect(try #require(error).description.hasPrefix(
            "\(path): tensor '0.weight' holds 2 NaN or infinite values (of 4): these weights come from a run whose loss diverged"))
    }

    @Test func aShapeWhoseByteCountOverflowsIsRefused() throws {
        // 2^31 x 2^31 = 2^62 elements: elements * 4 trapped before.
        let header = #"{"w":{"dtype":"F32","shape":[2147483648,2147483648],"data_offsets":[0,4]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + [0, 0, 128, 63]
        let error = #expect(throws: SafetensorsError.self) { _ = try Safetensors.decode(bytes, path: "big.safetensors") }
        let message = try #require(error).description
        #expect(message.contains("more than 1073741824 (cnnlab's largest tensor) values"), "\(message)")
    }

    @Test func sighupIsHandledAndRecorded() async throws {
        let received = Received()
        let handler = InterruptHandler { signalNumber in received.set(signalNumber) }
        defer { handler.cancel() }
        // The dispatch source arms asynchronously: send (process-directed, so any thread that
        // does not block it takes it) until it is seen, for at most 2 s.
        for _ in 0 ..< 20 where received.value == nil {
            kill(getpid(), SIGHUP)
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(received.value == SIGHUP)
        #expect(handler.receivedSignal == SIGHUP)
    }

    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Int32?
        func set(_ value: Int32) { lock.lock(); stored = value; lock.unlock() }
        var value: Int32? { lock.lock(); defer { lock.unlock() }; return stored }
    }
}
