import Foundation
import TestSupport
@testable import Datasets

/// Builders for small dataset files with known contents.
enum Fixtures {
    /// A CIFAR-10 batch: record i has label labels[i] and every pixel byte = (i * 7 + channel) & 0xFF.
    static func cifarBatch(labels: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (i, label) in labels.enumerated() {
            bytes.append(label)
            for channel in 0 ..< 3 {
                bytes.append(contentsOf: repeatElement(UInt8((i * 7 + channel) & 0xFF), count: 1024))
            }
        }
        return bytes
    }

    /// Writes the six CIFAR-10 files (train files with 2 records each, test with 3) into `subfolder` of `directory`.
    static func writeCIFAR(in directory: TemporaryFolder, subfolder: String = "", meta: String? = nil) throws {
        let prefix = subfolder.isEmpty ? "" : subfolder + "/"
        for n in 1 ... 5 {
            try directory.write(prefix + "data_batch_\(n).bin", cifarBatch(labels: [UInt8(n), UInt8(n + 1)]))
        }
        try directory.write(prefix + "test_batch.bin", cifarBatch(labels: [3, 8, 0]))
        if let meta { try directory.write(prefix + "batches.meta.txt", Array(meta.utf8)) }
    }

    static func bigEndian(_ value: Int) -> [UInt8] { (0 ..< 4).map { UInt8((value >> (24 - 8 * $0)) & 0xFF) } }

    static func idxImages(count: Int, rows: Int = 28, columns: Int = 28) -> [UInt8] {
        [0, 0, 8, 3] + bigEndian(count) + bigEndian(rows) + bigEndian(columns)
            + (0 ..< count * rows * columns).map { UInt8($0 % 251) }
    }

    static func idxLabels(_ labels: [UInt8]) -> [UInt8] { [0, 0, 8, 1] + bigEndian(labels.count) + labels }

    /// Compresses with the system's gzip (part of every Debian system), so the decoder meets real encoder output.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-9", "-n"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread { input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close() }
        writer.start()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](compressed)
    }
}
