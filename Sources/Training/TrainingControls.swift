import Foundation

/// Requests the UI (or a signal handler) makes of a running session. The trainer polls them
/// between steps, so every request takes effect after the current step.
public final class TrainingControls: @unchecked Sendable {
    // @unchecked: all state is behind `lock`; `condition` wakes a paused trainer.
    private let condition = NSCondition()
    private var paused = false
    private var stopRequested = false
    private var saveRequested = false
    private var learningRateFactor: Float = 1

    public init() {}

    /// Pauses a running session or resumes a paused one.
    public func togglePause() {
        condition.lock(); paused.toggle(); condition.broadcast(); condition.unlock()
    }

    /// Pauses (true) or resumes (false).
    public func setPaused(_ value: Bool) {
        condition.lock(); paused = value; condition.broadcast(); condition.unlock()
    }

    public var isPaused: Bool { condition.lock(); defer { condition.unlock() }; return paused }

    /// Asks the session to stop after the current step (and save if it has a save path).
    public func requestStop() {
        condition.lock(); stopRequested = true; condition.broadcast(); condition.unlock()
    }

    public var isStopRequested: Bool { condition.lock(); defer { condition.unlock() }; return stopRequested }

    /// Asks for a checkpoint after the current step.
    public func requestSave() {
        condition.lock(); saveRequested = true; condition.unlock()
    }

    /// Multiplies the learning rate by `factor` after the current step (+ is 2, − is 0.5).
    public func scaleLearningRate(by factor: Float) {
        condition.lock(); learningRateFactor *= factor; condition.unlock()
    }

    /// What the trainer should do now, taken in one go (requests are consumed).
    struct Pending {
        var save: Bool
        var learningRateFactor: Float
        var stop: Bool
        var paused: Bool
    }

    func takePending() -> Pending {
        condition.lock(); defer { condition.unlock() }
        let pending = Pending(save: saveRequested, learningRateFactor: learningRateFactor,
                              stop: stopRequested, paused: paused)
        saveRequested = false
        learningRateFactor = 1
        return pending
    }

    /// Blocks while paused, waking for resume, stop, save or lr requests (checked by the caller).
    /// Returns after `timeout` seconds at most so the caller can handle requests made meanwhile.
    func waitWhilePaused(timeout: Double) {
        condition.lock(); defer { condition.unlock() }
        if paused && !stopRequested {
            _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        }
    }
}
