import Datasets
import Foundation

/// `cnnlab data get cifar10` run from a screen: the download on a thread of its own, its
/// progress and outcome read by the screen on each tick (as the dashboard reads a training
/// session). Started by an effect, never by `update`; cancelled the same way (Esc on the
/// screen, or Ctrl-C through the host's `stopBackgroundWork`), which removes its work folder.
public final class CIFAR10DownloadJob: @unchecked Sendable {   // state guarded by `lock`
    public enum State: Equatable, Sendable {
        case running(received: Int64, total: Int64?)
        /// Unpacked and checked: the folder to train from.
        case finished(folder: String)
        /// Why it failed, as the student should read it.
        case failed(String)
        /// Stopped on request; the partial download is gone.
        case cancelled
    }

    private let lock = NSLock()
    private var current: State = .running(received: 0, total: nil)
    private let cancellation = DownloadCancellation()
    private let done = DispatchSemaphore(value: 0)
    public let started = Date()
    public let url: URL

    public var state: State { lock.withLock { current } }
    /// True once `cancel()` was asked for (the thread may still be removing its files).
    public var isCancelling: Bool { cancellation.isCancelled }

    private init(url: URL) { self.url = url }

    /// Starts downloading into `download.destination` (the cache folder by default); the
    /// official URL unless CNNLAB_CIFAR10_URL names another, as `cnnlab data get` does.
    public static func start(catalog: DatasetCatalog = DatasetCatalog(),
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> CIFAR10DownloadJob {
        var download = CIFAR10Download(destination: catalog.cacheDirectory)
        if let text = environment[CIFAR10Download.urlVariable], let url = URL(string: text), !text.isEmpty {
            download.url = url
        }
        return start(download)
    }

    public static func start(_ download: CIFAR10Download) -> CIFAR10DownloadJob {
        let job = CIFAR10DownloadJob(url: download.url)
        Thread.detachNewThread {
            do {
                let folder = try download.run(cancellation: job.cancellation) { received, total in
                    job.set(.running(received: received, total: total))
                }
                job.set(.finished(folder: folder))
            } catch DatasetError.downloadCancelled {
                job.set(.cancelled)
            } catch {
                job.set(.failed("\(error)"))
            }
            job.done.signal()
        }
        return job
    }

    /// Asks the download to stop; it removes its work folder and ends in `.cancelled` (or in
    /// `.finished`, when it was already moving the data into place).
    public func cancel() { cancellation.cancel() }

    /// Cancels and waits (at most `timeout` seconds) for the thread to have removed its files:
    /// for a program about to exit (Ctrl-C).
    @discardableResult
    public func cancelAndWait(timeout: Double = 10) -> Bool {
        cancel()
        guard done.wait(timeout: .now() + timeout) == .success else { return false }
        done.signal()           // a second caller does not wait for nothing
        return true
    }

    private func set(_ state: State) { lock.withLock { current = state } }
}
