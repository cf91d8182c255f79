import Foundation

/// The CIFAR-10 "binary version": records of 1 label byte and 3,072 pixel bytes
/// (1,024 red, 1,024 green, 1,024 blue; each 32x32 row-major), in data_batch_1..5.bin
/// and test_batch.bin, with class names in batches.meta.txt.
///
/// A file's record count is its size / 3073, so shortened files (like the course sample)
/// load as they are.
public enum CIFAR10 {
    public static let recordSize = 3073
    public static let imageBytes = 3072
    public static let trainFiles = (1 ... 5).map { "data_batch_\($0).bin" }
    public static let testFile = "test_batch.bin"
    public static let metaFile = "batches.meta.txt"
    /// The folder the official tarball unpacks to.
    public static let archiveFolder = "cifar-10-batches-bin"
    public static let standardClassNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]
    /// How to get the files, for messages.
    public static let howToGet =
        "Run `cnnlab data get cifar10`, or download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, unpack it into ~/.cache/cnnlab and pass --data DIR."

    /// True when `directory` directly holds the CIFAR-10 binary files.
    public static func looksLikeDataDirectory(_ directory: String) -> Bool {
        FileBytes.exists(FileBytes.join(directory, testFile))
            || FileBytes.exists(FileBytes.join(directory, trainFiles[0]))
    }

    /// The folder holding the files: `directory` itself or its `cifar-10-batches-bin` subfolder.
    public static func dataDirectory(in directory: String) -> String? {
        if looksLikeDataDirectory(directory) { return directory }
        let nested = FileBytes.join(directory, archiveFolder)
        return looksLikeDataDirectory(nested) ? nested : nil
    }

    /// Loads all six files from `directory` (or its `cifar-10-batches-bin` subfolder).
    public static func load(from directory: String) throws -> DatasetSplit {
        let folder = dataDirectory(in: directory) ?? directory
        for name in trainFiles + [testFile] where !FileBytes.exists(FileBytes.join(folder, name)) {
            throw DatasetError.missingFile(path: FileBytes.join(folder, name),
                                           hint: "CIFAR-10 needs data_batch_1..5.bin and test_batch.bin. " + howToGet)
        }
        let classNames = readClassNames(in: folder)
        var trainPixels: [UInt8] = []
        var trainLabels: [UInt8] = []
        for name in trainFiles {
            try readBatchFile(FileBytes.join(folder, name), pixels: &trainPixels, labels: &trainLabels)
        }
        var testPixels: [UInt8] = []
        var testLabels: [UInt8] = []
        try readBatchFile(FileBytes.join(folder, testFile), pixels: &testPixels, labels: &testLabels)
        let train = ImageDataset(name: "CIFAR-10 train", channels: 3, height: 32, width: 32,
                                 classNames: classNames, pixels: trainPixels, labels: trainLabels)
        let test = ImageDataset(name: "CIFAR-10 test", channels: 3, height: 32, width: 32,
                                classNames: classNames, pixels: testPixels, labels: testLabels)
        return DatasetSplit(train: train, test: test, location: folder)
    }

    /// Appends the records of one batch file, after checking its size and every label.
    static func readBatchFile(_ path: String, pixels: inout [UInt8], labels: inout [UInt8]) throws {
        try readBatch(try FileBytes.read(path), path: path, pixels: &pixels, labels: &labels)
    }

    /// Appends the records of one batch file's `bytes` (read from `path`, for messages).
    @_spi(Fuzzing) public static func readBatch(_ bytes: [UInt8], path: String, pixels: inout [UInt8], labels: inout [UInt8]) throws {
        let (records, leftover) = bytes.count.quotientAndRemainder(dividingBy: recordSize)
        if bytes.isEmpty {
            throw DatasetError.corruptFile(path: path, reason: "the file is empty (a CIFAR-10 batch holds 3073-byte records)")
        }
        if leftover != 0 {
            throw DatasetError.corruptFile(
                path: path,
                reason: "size \(bytes.count) bytes is not a multiple of the 3073-byte record (\(records) records and \(leftover) bytes left over): truncated, or not a CIFAR-10 binary file")
        }
        pixels.reserveCapacity(pixels.count + records * imageBytes)
        labels.reserveCapacity(labels.count + records)
        for record in 0 ..< records {
            let start = record * recordSize
            let label = bytes[start]
            if label > 9 {
                throw DatasetError.corruptFile(
                    path: path, reason: "record \(record) has label \(label); CIFAR-10 labels are 0-9 (not a CIFAR-10 binary file?)")
            }
            labels.append(label)
            pixels.append(contentsOf: bytes[start + 1 ..< start + recordSize])
        }
    }

    /// Class names from batches.meta.txt, or the standard ten when that file is absent or odd.
    static func readClassNames(in folder: String) -> [String] {
        guard let bytes = try? FileBytes.read(FileBytes.join(folder, metaFile)),
              let text = String(bytes: bytes, encoding: .utf8) else { return standardClassNames }
        let names = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return names.count == 10 ? names : standardClassNames
    }
}
