import Foundation

/// A request to stop a download, set from another thread (a screen's Esc, Ctrl-C) and read by
/// the download between chunks, while it waits for the network, and while tar unpacks: the
/// download then throws `DatasetError.downloadCancelled` and removes its work folder.
public final class DownloadCancellation: @unchecked Sendable {   // `requested` is guarded by `lock`
    private let lock = NSLock()
    private var requested = false

    public init() {}

    /// Asks the download to stop at its next check.
    public func cancel() { lock.withLock { requested = true } }

    public var isCancelled: Bool { lock.withLock { requested } }

    /// Throws `downloadCancelled` once `cancel()` was called.
    func check() throws {
        if isCancelled { throw DatasetError.downloadCancelled }
    }
}
