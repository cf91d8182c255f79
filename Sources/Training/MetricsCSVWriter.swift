#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes one CSV row per finished epoch, flushed as it goes so an interrupted run keeps
/// what it measured. Columns:
/// `epoch,step,train_loss,test_loss,test_accuracy,train_accuracy,images_per_second,epoch_seconds,learning_rate`
/// (accuracies are empty for the autoencoder).
public final class MetricsCSVWriter {
    public static let header =
        "epoch,step,train_loss,test_loss,test_accuracy,train_accuracy,images_per_second,epoch_seconds,learning_rate"

    private let handle: FileHandle
    public let path: String

    /// Creates (or truncates) the file at `path` and writes the header.
    /// Throws a `TrainingError` naming the file when it cannot be written.
    public init(path: String) throws {
        self.path = path
        // open(2) truncates in place: FileManager.createFile would rename a new file over the
        // path, and as root that swaps a device such as /dev/null for a file.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TrainingError("cannot write the metrics file \(path) (\(String(cString: strerror(errno)))): check the folder exists and is writable")
        }
        self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try write(Self.header + "\n")
    }

    deinit { try? handle.close() }

    /// The CSV row for `metrics` (no newline).
    public static func row(_ metrics: EpochMetrics, step: Int, learningRate: Float) -> String {
        func number(_ value: Float?) -> String { value.map { String($0) } ?? "" }
        return [String(metrics.epoch), String(step), number(metrics.trainLoss), number(metrics.testLoss),
                number(metrics.testAccuracy), number(metrics.trainAccuracy),
                String(format: "%.1f", metrics.imagesPerSecond), String(format: "%.3f", metrics.seconds),
                String(learningRate)].joined(separator: ",")
    }

    public func append(_ metrics: EpochMetrics, step: Int, learningRate: Float) throws {
        try write(Self.row(metrics, step: step, learningRate: learningRate) + "\n")
    }

    private func write(_ text: String) throws {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch {
            throw TrainingError("cannot write the metrics file \(path): \(error.localizedDescription)")
        }
    }
}
