import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal closed, an ssh session dropped)
/// into a call of `onInterrupt` on a background queue instead of killing the process, so
/// training can stop after its step, save, and restore the terminal. A second signal while the
/// first is being handled exits at once (128 + its number).
public final class InterruptHandler: @unchecked Sendable {
    // @unchecked: `sources` is written only in init and cancel, from the owning thread;
    // `first` only on `queue`, read after the run (`receivedSignal`) through the same queue.
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "cnnlab.interrupt")
    private var first: Int32?

    /// The signals handled: each ends a run with status 128 + its number once work is saved.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    public init(onInterrupt: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in Self.signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [unowned self] in
                if first != nil { exit(128 + signalNumber) }
                first = signalNumber
                onInterrupt(signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any: the caller exits with 128 + it after saving
    /// (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP), so scripts see the run was cut short.
    public var receivedSignal: Int32? { queue.sync { first } }

    /// Gives the signals back their default action.
    public func cancel() {
        for source in sources { source.cancel() }
        sources = []
        for signalNumber in Self.signals { signal(signalNumber, SIG_DFL) }
    }

    deinit { cancel() }
}
