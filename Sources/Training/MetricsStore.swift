import Foundation

/// The lock-protected snapshot a training thread writes and the UI reads.
///
/// The trainer changes it in short critical sections (`update`), the dashboard copies it out
/// (`snapshot`) a few times a second; neither holds the lock for longer than a copy.
public final class MetricsStore: @unchecked Sendable {
    // @unchecked: every access to `current` goes through `lock`.
    private let lock = NSLock()
    private var current: MetricsSnapshot

    public init(_ initial: MetricsSnapshot) { current = initial }

    /// A copy of the latest metrics.
    public func snapshot() -> MetricsSnapshot {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    /// Changes the metrics in place under the lock. Keep `change` short.
    public func update(_ change: (inout MetricsSnapshot) -> Void) {
        lock.lock(); defer { lock.unlock() }
        change(&current)
    }
}
