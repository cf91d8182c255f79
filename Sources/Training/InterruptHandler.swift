import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns Ctrl-C (SIGINT) and SIGTERM into a call of `onInterrupt` on a background queue
/// instead of killing the process, so training can stop after its step, save, and restore
/// the terminal. A second Ctrl-C while the first is being handled exits at once (status 130).
public final class InterruptHandler: @unchecked Sendable {
    // @unchecked: `sources` is written only in init and cancel, from the owning thread.
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "cnnlab.interrupt")
    private var count = 0

    public init(onInterrupt: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [unowned self] in
                count += 1
                if count > 1 { exit(130) }
                onInterrupt()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Gives the signals back their default action.
    public func cancel() {
        for source in sources { source.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    deinit { cancel() }
}
