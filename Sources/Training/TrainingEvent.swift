/// What a training session reports to whoever shows it (the dashboard, the headless CLI).
/// The facts travel as values; each view words them (`HeadlessFormat.text(for:)` for the shell,
/// the dashboard for its notice line), so nothing downstream decides anything by reading text.
public enum TrainingEvent: Equatable, Sendable {
    /// Training started from the weights in this file.
    case resumed(from: String)
    /// + or − changed the learning rate.
    case learningRateChanged(to: Float)
    /// The weights were written to `path`.
    case saved(path: String, moment: SaveMoment)
    /// Writing the weights failed; `reason` is the system's explanation.
    case saveFailed(path: String, reason: String)
    /// A save was asked for but the run has nowhere to save (no --save FILE).
    case noSavePath
    /// A save was asked for after training ended; the last save already holds the weights.
    case alreadySaved(path: String)
    /// A save was asked for after training ended, and the run had no --save FILE.
    case overWithoutSavePath
    /// The loss stopped being finite: training paused and the weights went back.
    case diverged(Divergence)
    /// The run ended without a save path.
    case ended(RunEnding)
    /// The per-epoch metrics file could not be written.
    case metricsNotWritten(reason: String)

    /// When a save happened.
    public enum SaveMoment: Equatable, Sendable {
        /// The student pressed s.
        case onRequest
        /// Training was stopped early.
        case stopped
        /// Every epoch was done.
        case finished
    }

    /// How a run ended.
    public enum RunEnding: Equatable, Sendable {
        case stopped, finished
    }

    /// True for events that mean something went wrong (the dashboard draws them as errors).
    public var isProblem: Bool {
        switch self {
        case .saveFailed, .diverged, .metricsNotWritten: true
        case .resumed, .learningRateChanged, .saved, .noSavePath, .alreadySaved, .overWithoutSavePath, .ended: false
        }
    }
}

/// The facts of a loss that stopped being a finite number.
public struct Divergence: Equatable, Sendable {
    /// NaN or ±infinity.
    public enum Value: Equatable, Sendable { case nan, infinite }

    public var value: Value
    /// The 1-based step that produced it.
    public var step: Int
    public var learningRate: Float
    /// The 1-based epoch whose starting weights were put back.
    public var epoch: Int

    public init(value: Value, step: Int, learningRate: Float, epoch: Int) {
        self.value = value
        self.step = step
        self.learningRate = learningRate
        self.epoch = epoch
    }
}
