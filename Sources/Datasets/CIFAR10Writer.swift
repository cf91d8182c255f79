import Foundation

extension CIFAR10 {
    /// Writes a 3x32x32 split in the CIFAR-10 binary layout (training images spread over
    /// data_batch_1..5.bin, test images in test_batch.bin, names in batches.meta.txt), e.g. so
    /// PyTorch can train on the synthetic shapes. Returns the files written.
    @discardableResult
    public static func write(_ split: DatasetSplit, to directory: String) throws -> [String] {
        guard split.train.channels == 3, split.train.height == 32, split.train.width == 32, split.train.count >= 5 else {
            throw DatasetError.badSpec(spec: split.train.name, reason: "only 3x32x32 sets of at least 5 images can be written as CIFAR-10 files")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let perFile = (split.train.count + 4) / 5
        var written: [String] = []
        for (number, name) in trainFiles.enumerated() {
            let range = number * perFile ..< min((number + 1) * perFile, split.train.count)
            written.append(try writeRecords(split.train, range, to: FileBytes.join(directory, name)))
        }
        written.append(try writeRecords(split.test, 0 ..< split.test.count, to: FileBytes.join(directory, testFile)))
        let meta = FileBytes.join(directory, metaFile)
        try Data((split.classNames.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: meta))
        return written + [meta]
    }

    private static func writeRecords(_ set: ImageDataset, _ range: Range<Int>, to path: String) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count * recordSize)
        for index in range {
            bytes.append(set.labels[index])
            bytes += set.imageBytes(at: index)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
