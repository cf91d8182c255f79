import Foundation
import TestSupport
import Testing
@testable import Datasets

@Suite struct CIFAR10Tests {
    @Test func loadsTinyFilesWithRecordCountsFromSizes() throws {
        let directory = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: directory)
        let split = try CIFAR10.load(from: directory.path)
        #expect(split.train.count == 10)
        #expect(split.test.count == 3)
        #expect((split.train.channels, split.train.height, split.train.width) == (3, 32, 32))
        #expect((0 ..< 10).map(split.train.label(at:)) == [1, 2, 2, 3, 3, 4, 4, 5, 5, 6])
        #expect((0 ..< 3).map(split.test.label(at:)) == [3, 8, 0])
        #expect(split.classNames == CIFAR10.standardClassNames)
        #expect(!split.isSynthetic)
        // Channel-major bytes as in the file: test record 2 has red 14, green 15, blue 16.
        let image = split.test.imageBytes(at: 2)
        #expect(image[image.startIndex] == 14 && image[image.startIndex + 1024] == 15 && image[image.startIndex + 2048] == 16)
    }

    @Test func fillBatchScalesBytesToUnitRangeInIndexOrder() throws {
        let directory = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: directory)
        let test = try CIFAR10.load(from: directory.path).test
        var buffer = [Float](repeating: -1, count: 2 * 3072)
        buffer.withUnsafeMutableBufferPointer { test.fillBatch(indices: [2, 0], into: $0.baseAddress!) }
        #expect(buffer[0] == 14 / 255 && buffer[1024] == 15 / 255 && buffer[3071] == 16 / 255)
        #expect(buffer[3072] == 0 && buffer[3072 + 1024] == 1 / 255 && buffer[6143] == 2 / 255)
        var labels = [Int](repeating: -1, count: 2)
        labels.withUnsafeMutableBufferPointer { test.fillLabels(indices: [2, 0], into: $0.baseAddress!) }
        #expect(labels == [0, 3])
    }

    @Test func readsClassNamesFromMetaFileAndFindsTheArchiveSubfolder() throws {
        let directory = TemporaryFolder("datasets")
        let names = (0 ..< 10).map { "class\($0)" }
        try Fixtures.writeCIFAR(in: directory, subfolder: CIFAR10.archiveFolder, meta: names.joined(separator: "\n") + "\n\n")
        let split = try CIFAR10.load(from: directory.path)
        #expect(split.classNames == names)
        #expect(split.location.hasSuffix(CIFAR10.archiveFolder))
    }

    @Test func aMetaFileWithoutTenNamesFallsBackToTheStandardNames() throws {
        let directory = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: directory, meta: "only\nthree\nnames\n")
        #expect(try CIFAR10.load(from: directory.path).classNames == CIFAR10.standardClassNames)
    }

    @Test func aFileThatIsNotWholeRecordsIsRejectedByName() throws {
        let directory = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: directory)
        try directory.write("data_batch_3.bin", Array(Fixtures.cifarBatch(labels: [1, 2]).dropLast(100)))
        let error = #expect(throws: DatasetError.self) { try CIFAR10.load(from: directory.path) }
        let message = try #require(error).description
        #expect(message.contains("data_batch_3.bin"))
        #expect(message.contains("6046 bytes is not a multiple of the 3073-byte record"))
    }

    @Test func aLabelAboveNineIsRejectedByFileAndRecord() throws {
        let directory = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: directory)
        try directory.write("test_batch.bin", Fixtures.cifarBatch(labels: [0, 1, 2, 12]))
        let error = #expect(throws: DatasetError.self) { try CIFAR10.load(from: directory.path) }
        let message = try #require(error).description
        #expect(message.contains("test_batch.bin") && message.contains("record 3 has label 12"))
    }

    @Test func emptyAndMissingFilesAreNamed() throws {
        let directory = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: directory)
        try directory.write("data_batch_5.bin", [])
        let empty = #expect(throws: DatasetError.self) { try CIFAR10.load(from: directory.path) }
        #expect(try #require(empty).description.contains("data_batch_5.bin: the file is empty"))

        try FileManager.default.removeItem(atPath: directory.path + "/data_batch_5.bin")
        let missing = #expect(throws: DatasetError.self) { try CIFAR10.load(from: directory.path) }
        #expect(try #require(missing).description.contains("data_batch_5.bin: file not found"))
    }

    @Test(.enabled(if: SharedFiles.cifarSample != nil, "needs ../shared/data/cifar10-sample"))
    func theCourseSampleLoadsWithItsKnownFirstTestImages() throws {
        let sample = try #require(SharedFiles.cifarSample)
        let split = try CIFAR10.load(from: sample)
        #expect(split.train.count == 5 * 1017)
        #expect(split.test.count == 1017)
        let firstEight = (0 ..< 8).map { split.classNames[split.test.label(at: $0)] }
        #expect(firstEight == ["cat", "ship", "ship", "airplane", "frog", "frog", "automobile", "frog"])
        #expect(split.classNames == CIFAR10.standardClassNames)
    }
}
