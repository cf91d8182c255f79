import Foundation
import TestSupport
import Testing
@testable import Datasets

@Suite struct FashionMNISTTests {
    private func writeSet(in directory: TemporaryFolder, gzipped: Bool,
                          trainImages: [UInt8] = Fixtures.idxImages(count: 5),
                          trainLabels: [UInt8] = Fixtures.idxLabels([0, 1, 2, 3, 9]),
                          testImages: [UInt8] = Fixtures.idxImages(count: 2),
                          testLabels: [UInt8] = Fixtures.idxLabels([7, 5])) throws {
        let files = [("train-images-idx3-ubyte", trainImages), ("train-labels-idx1-ubyte", trainLabels),
                     ("t10k-images-idx3-ubyte", testImages), ("t10k-labels-idx1-ubyte", testLabels)]
        for (name, bytes) in files {
            if gzipped { try directory.write(name + ".gz", try Fixtures.gzip(bytes)) } else { try directory.write(name, bytes) }
        }
    }

    @Test(arguments: [false, true]) func loadsTinyIDXFiles(gzipped: Bool) throws {
        let directory = TemporaryFolder("datasets")
        try writeSet(in: directory, gzipped: gzipped)
        let split = try FashionMNIST.load(from: directory.path)
        #expect(split.train.count == 5 && split.test.count == 2)
        #expect((split.train.channels, split.train.height, split.train.width) == (1, 28, 28))
        #expect((0 ..< 5).map(split.train.label(at:)) == [0, 1, 2, 3, 9])
        #expect(split.test.label(at: 1) == 5)
        #expect(Array(split.train.imageBytes(at: 1).prefix(2)) == [UInt8(784 % 251), UInt8(785 % 251)])
        #expect(split.classNames[9] == "Ankle boot")
    }

    @Test func wrongMagicIsNamed() throws {
        let directory = TemporaryFolder("datasets")
        var images = Fixtures.idxImages(count: 5)
        images[3] = 1
        try writeSet(in: directory, gzipped: false, trainImages: images)
        let error = #expect(throws: DatasetError.self) { try FashionMNIST.load(from: directory.path) }
        let message = try #require(error).description
        #expect(message.contains("train-images-idx3-ubyte: wrong magic number 0x801, expected 0x00000803"))
    }

    @Test func aShortImageFileIsNamed() throws {
        let directory = TemporaryFolder("datasets")
        try writeSet(in: directory, gzipped: false, testImages: Array(Fixtures.idxImages(count: 2).dropLast(10)))
        let error = #expect(throws: DatasetError.self) { try FashionMNIST.load(from: directory.path) }
        let message = try #require(error).description
        #expect(message.contains("t10k-images-idx3-ubyte: header announces 2 x 28 x 28 = 1568 data bytes but the file holds 1558"))
    }

    @Test func mismatchedCountsAndBadLabelsAreNamed() throws {
        let directory = TemporaryFolder("datasets")
        try writeSet(in: directory, gzipped: false, trainLabels: Fixtures.idxLabels([0, 1, 2, 3]))
        let counts = #expect(throws: DatasetError.self) { try FashionMNIST.load(from: directory.path) }
        #expect(try #require(counts).description.contains("train-labels-idx1-ubyte: holds 4 labels but"))

        try writeSet(in: directory, gzipped: false, testLabels: Fixtures.idxLabels([7, 10]))
        let label = #expect(throws: DatasetError.self) { try FashionMNIST.load(from: directory.path) }
        #expect(try #require(label).description.contains("t10k-labels-idx1-ubyte: label 1 is 10"))
    }

    @Test func aTruncatedGzipIsNamed() throws {
        let directory = TemporaryFolder("datasets")
        try writeSet(in: directory, gzipped: true)
        let path = directory.path + "/train-images-idx3-ubyte.gz"
        let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        try directory.write("train-images-idx3-ubyte.gz", Array(whole.prefix(whole.count / 2)))
        let error = #expect(throws: DatasetError.self) { try FashionMNIST.load(from: directory.path) }
        let message = try #require(error).description
        #expect(message.contains("train-images-idx3-ubyte.gz: truncated gzip file"))
    }

    @Test func theSystemFashionMNISTLoadsWhenInstalled() throws {
        guard FashionMNIST.looksLikeDataDirectory(FashionMNIST.systemDirectory) else {
            print("note: \(FashionMNIST.systemDirectory) not present; system Fashion-MNIST test skipped")
            return
        }
        // The test set only (10,000 images) keeps the debug-build test quick.
        let directory = FashionMNIST.systemDirectory
        let test = try FashionMNIST.loadPair(images: try #require(FashionMNIST.file("t10k-images-idx3-ubyte", in: directory)),
                                             labels: try #require(FashionMNIST.file("t10k-labels-idx1-ubyte", in: directory)),
                                             name: "Fashion-MNIST test")
        #expect(test.count == 10_000)
        #expect((test.height, test.width) == (28, 28))
        // The published first test labels: Ankle boot, Pullover, Trouser, Trouser, Shirt.
        #expect((0 ..< 5).map(test.label(at:)) == [9, 2, 1, 1, 6])
        var counts = [Int](repeating: 0, count: 10)
        for i in 0 ..< test.count { counts[test.label(at: i)] += 1 }
        #expect(counts == [Int](repeating: 1000, count: 10))
    }
}

/// IDX headers whose dimensions multiply past Int.max (a trap before) or are zero.
@Suite struct IDXHeaderLimitTests {
    static func header(_ dimensions: [UInt32]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for d in dimensions { bytes += [UInt8(d >> 24), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
        return bytes + [1, 2, 3, 4]
    }

    @Test func overflowingDimensionsAreRefusedWithTheLimit() throws {
        let bytes = Self.header([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF])
        let error = #expect(throws: DatasetError.self) { try IDXFile(bytes: bytes, path: "x-idx3-ubyte", expectedDimensionCount: 3) }
        #expect(try #require(error).description == "x-idx3-ubyte: header dimensions 4294967295 x 4294967295 x 4294967295 are too large: "
            + "more than 1073741824 (cnnlab's largest tensor) bytes (damaged, or not an IDX file)")
    }

    @Test func aZeroDimensionIsNamed() throws {
        let error = #expect(throws: DatasetError.self) {
            try IDXFile(bytes: Self.header([2, 0, 2]), path: "x-idx3-ubyte", expectedDimensionCount: 3)
        }
        #expect(try #require(error).description == "x-idx3-ubyte: header dimension 2 is 0 (2 x 0 x 2): the file holds no data")
    }
}
