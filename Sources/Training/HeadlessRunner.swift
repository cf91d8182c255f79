import Foundation

/// Runs a session without the dashboard: one line per epoch to `printLine`, a progress
/// line rewritten in place to `progress` (pass nil when standard error is not a terminal).
public struct HeadlessRunner {
    public enum Outcome: Equatable, Sendable {
        case finished
        /// Stopped on request (Ctrl-C).
        case stopped
        /// The loss stopped being finite; `savedTo` holds the weights from the start of `divergence.epoch`.
        case diverged(Divergence, savedTo: String?)
        case failed(String)
    }

    public let session: TrainingSession
    private let output: HeadlessOutput

    /// - Parameters:
    ///   - printLine: receives each epoch line (standard output in the CLI).
    ///   - progress: receives the progress line to show in place; nil for none.
    public init(session: TrainingSession, output: HeadlessOutput) {
        self.session = session
        self.output = output
    }

    /// Trains to the end (or a stop) and returns how it ended.
    public func run(progressInterval: Double = 0.25) -> Outcome {
        session.start()
        while !session.waitUntilDone(timeout: progressInterval) {
            let snapshot = session.store.snapshot()
            if snapshot.state == .paused && !session.controls.isStopRequested {
                // Nobody can press − and p here: a pause means the loss went bad. Stop (and save the
                // last good weights if --save was given).
                output.clearProgress()
                session.controls.requestStop()
                session.waitUntilDone()
                let divergence = snapshot.divergence
                    ?? Divergence(value: .nan, step: snapshot.step, learningRate: snapshot.learningRate, epoch: snapshot.epoch)
                return .diverged(divergence, savedTo: session.options.savePath)
            }
            if snapshot.state == .running { output.showProgress(HeadlessFormat.progressLine(snapshot)) }
        }
        output.clearProgress()
        let final = session.store.snapshot()
        switch final.state {
        case .stopped: return .stopped
        case .failed(let reason): return .failed(reason)
        case .finished, .preparing, .running, .paused: return .finished
        }
    }
}

/// Where a headless run writes: epoch lines to standard output, the progress line to standard
/// error only when it is a terminal. One lock keeps the two from interleaving mid-line.
public final class HeadlessOutput: @unchecked Sendable {
    // @unchecked: every write goes through `lock`.
    private let lock = NSLock()
    private let showsProgress: Bool
    private var progressShown = false
    private let writeLine: @Sendable (String) -> Void
    private let writeProgress: @Sendable (String) -> Void

    /// Standard output and standard error (progress only when stderr is a terminal).
    public static func standard() -> HeadlessOutput {
        HeadlessOutput(showsProgress: isatty(2) == 1,
                       writeLine: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) },
                       writeProgress: { text in FileHandle.standardError.write(Data(text.utf8)) })
    }

    public init(showsProgress: Bool, writeLine: @escaping @Sendable (String) -> Void,
                writeProgress: @escaping @Sendable (String) -> Void) {
        self.showsProgress = showsProgress
        self.writeLine = writeLine
        self.writeProgress = writeProgress
    }

    /// Prints a whole line, first clearing the progress line if it is showing.
    public func line(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        clearLocked()
        writeLine(text)
    }

    /// Writes a message line to the progress stream (standard error), clearing progress first.
    public func message(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        clearLocked()
        writeProgress(text + "\n")
    }

    func showProgress(_ text: String) {
        guard showsProgress else { return }
        lock.lock(); defer { lock.unlock() }
        writeProgress("\r" + text + "\u{1B}[K")
        progressShown = true
    }

    func clearProgress() {
        lock.lock(); defer { lock.unlock() }
        clearLocked()
    }

    private func clearLocked() {
        if progressShown { writeProgress("\r\u{1B}[K"); progressShown = false }
    }
}
