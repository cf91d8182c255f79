import Foundation
import Lessons
import Terminal

/// The lesson player's state: the lesson, the step shown, the text's scroll, which part
/// has the keyboard, the answer being typed, and the student's saved progress.
/// `update` (LessonPlayerUpdate.swift) changes it; `view` (LessonPlayerView.swift) draws it.
///
///     var player = LessonPlayer(lesson: Lesson.load(path: path), name: "01-convolution-by-hand",
///                               store: .standard())
///     _ = player.update(.key(.right))          // next step
///     let frame = renderFrame(player, width: 80, height: 24, capabilities: .monochrome)
public struct LessonPlayer {
    /// Which part of the screen receives keys.
    public enum Focus: Equatable, Sendable {
        /// The text and its quizzes.
        case text
        /// The interactive pane (explorer, model, training, code).
        case pane
    }

    /// The outcome of the last answer to a quiz, shown under it.
    struct Feedback: Equatable, Sendable {
        var message: String
        var correct: Bool
    }

    public let lesson: Lesson
    /// The lesson's file name without `.md`; names its progress file.
    public let name: String
    let store: ProgressStore?
    public internal(set) var progress: LessonProgress
    public internal(set) var stepIndex: Int
    public internal(set) var focus: Focus = .text
    /// Which of the step's pane blocks the pane shows.
    public internal(set) var paneIndex = 0
    var scroll = 0
    /// The answer being typed for the active numeric quiz.
    public internal(set) var typed = ""
    var feedback: [String: Feedback] = [:]
    /// A message for the status line (a saved-progress note, a refused key, ...).
    public internal(set) var message: String?
    var messageIsError = false
    var showHelp = false
    /// True once the student has left the lesson (q or Esc).
    public internal(set) var isClosed = false
    /// The screen size, from resize events; scrolling is bounded with it.
    var screenSize: (width: Int, height: Int)
    /// Explorer panes, by step and pane index, created when a step is first shown.
    var explorers: [PaneKey: LessonExplorePane] = [:]
    /// ASCII formulas in the explorer (`--ascii`, or a terminal without Unicode).
    public let asciiNotation: Bool
    /// The training dashboard opened from a train block; it has every key while open.
    var dashboard: LessonDashboard?

    /// Effects asked for since the last `update` returned (a progress save, a training start).
    var pendingEffects: [Effect] = []

    /// The latent interpolation view (lesson 8), opened from an autoencoder's train block.
    var interpolation: LessonInterpolation?

    /// Whether the interpolation view is open over the lesson.
    public var isInterpolating: Bool { interpolation != nil }

    /// Where weights trained from a train block are kept: beside the progress folder
    /// ($XDG_STATE_HOME/cnnlab/models/<model>.safetensors); nil without a store.
    func checkpointPath(for model: TrainBlock.Model) -> String? {
        store?.checkpointPath(for: model)
    }

    /// Whether the training dashboard is open over the lesson.
    public var isTraining: Bool { dashboard != nil }

    /// Stops any training started from this lesson (when the program is interrupted).
    public func stopBackgroundWork() { dashboard?.stop() }

    struct PaneKey: Hashable, Sendable {
        var step: Int
        var pane: Int
    }

    /// Opens `lesson`, resuming the progress saved under `name` in `store` (nil: no saving).
    public init(lesson: Lesson, name: String, store: ProgressStore?, screenSize: (width: Int, height: Int) = (80, 24),
                asciiNotation: Bool = false) {
        self.lesson = lesson
        self.asciiNotation = asciiNotation
        self.name = name
        self.store = store
        self.screenSize = screenSize
        let loaded: (progress: LessonProgress, note: String?) = store?.load(name) ?? (LessonProgress(), nil)
        progress = loaded.progress
        stepIndex = min(max(0, loaded.progress.step), max(0, lesson.steps.count - 1))
        if let note = loaded.note {
            message = note
            messageIsError = true
        } else if stepIndex > 0 {
            message = "welcome back: resuming at step \(stepIndex + 1) of \(lesson.steps.count)"
        }
        enterStep(stepIndex)
    }

    public var step: Step? { lesson.steps.indices.contains(stepIndex) ? lesson.steps[stepIndex] : nil }
    public var stepCount: Int { lesson.steps.count }

    /// The step's blocks shown in the pane.
    var paneBlocks: [StepItem] { step?.paneBlocks ?? [] }

    /// The quiz that receives typed answers: the first unsolved quiz of the step.
    public var activeQuiz: Quiz? {
        step?.quizzes.first { progress.quizzes[$0.key]?.solved != true }
    }

    func record(_ quiz: Quiz) -> LessonProgress.QuizRecord {
        progress.quizzes[quiz.key] ?? LessonProgress.QuizRecord()
    }

    /// Shows step `index`: marks it visited, prepares its explorers, saves.
    mutating func enterStep(_ index: Int) {
        guard lesson.steps.indices.contains(index) else { return }
        stepIndex = index
        scroll = 0
        typed = ""
        paneIndex = 0
        if paneBlocks.isEmpty { focus = .text }
        progress.step = index
        progress.visited.insert(index)
        for (pane, item) in paneBlocks.enumerated() {
            guard case .explore(let block) = item else { continue }
            let key = PaneKey(step: index, pane: pane)
            if explorers[key] == nil { explorers[key] = LessonExplorePane(block: block, asciiNotation: asciiNotation) }
        }
        applyPredictStops()
        save()
    }

    /// Pins each explorer of the step before the step a "predict, then see" quiz asks
    /// about, until that quiz is answered; then lets it play that step.
    mutating func applyPredictStops() {
        guard let step else { return }
        guard let explorePane = paneBlocks.firstIndex(where: { if case .explore = $0 { return true } else { return false } })
        else { return }
        let key = PaneKey(step: stepIndex, pane: explorePane)
        guard var explorer = explorers[key] else { return }
        if let pending = step.quizzes.first(where: { $0.predictStep != nil && record($0).solved != true }),
           let stop = pending.predictStep {
            explorer.pin(beforeStep: stop)
        } else {
            explorer.unpin()
        }
        explorers[key] = explorer
    }

    /// Asks for the progress to be written (an effect `update` returns); a failure comes back
    /// as a status message, never a crash.
    mutating func save() {
        guard let store else { return }
        pendingEffects.append(.saveProgress(progress, lesson: name, store: store))
    }
}

extension ProgressStore {
    /// Where a network trained from the lessons or the home screen is saved: beside the progress
    /// files ($XDG_STATE_HOME/cnnlab/models/cnn.safetensors), so a later lesson can load it.
    func checkpointPath(for model: TrainBlock.Model) -> String {
        (directory as NSString).deletingLastPathComponent + "/models/\(model.rawValue).safetensors"
    }
}
