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

    public internal(set) var lesson: Lesson {
        didSet { textCache = LessonTextCache() }
    }
    /// The text column's wrapped lines, kept between frames (LessonTextCache.swift).
    var textCache = LessonTextCache()
    /// Names the lesson's progress file (`LessonLibrary.Entry.progressName`).
    public let name: String
    /// The lesson file, for reloading with `r` (and `--watch`); nil for a lesson from text.
    public let path: String?
    /// Whether the file is polled and reloaded when it changes (`cnnlab lesson FILE --watch`).
    public let watching: Bool
    /// The file's modification time when last read, to notice a save.
    var loadedModification: Date?
    /// What each train block of the step will train on, found when the step is shown (a
    /// look on disk), so the pane says it before Enter.
    var dataChoices: [PaneKey: LessonDataChoice] = [:]
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
    /// Enter on a train block that asks for CIFAR-10 when it is missing: Home's question
    /// (download now or train on the shapes), for the block at `key`; it has every key while open.
    var trainingData: (choice: TrainingDataChoice, key: PaneKey)?

    /// Effects asked for since the last `update` returned (a progress save, a training start).
    var pendingEffects: [Effect] = []

    /// The latent interpolation view (lesson 8), opened from an autoencoder's train block.
    var interpolation: LessonInterpolation?

    /// Whether the interpolation view is open over the lesson.
    public var isInterpolating: Bool { interpolation != nil }

    /// The inspector opened from an inspect block; it has every key until its q comes back.
    public internal(set) var inspector: InspectorScreen?
    /// Set while an inspect block's inspector loads (drawn over the lesson), cleared when it arrives.
    public internal(set) var inspectorLoading: InspectorLoading?

    /// Where the weights trained by `block` are kept: one file per lesson and block,
    /// beside the progress folder ($XDG_STATE_HOME/cnnlab/models/<lesson>/<block>-<model>.safetensors),
    /// so a later block never overwrites an earlier one's; nil without a store.
    func checkpointPath(for block: TrainBlock) -> String? {
        store?.checkpointPath(lesson: name, block: block)
    }

    /// Whether the training dashboard is open over the lesson.
    public var isTraining: Bool { dashboard != nil }

    /// Stops any training started from this lesson (when the program is interrupted), and a
    /// CIFAR-10 download (its partial files removed; the words for the shell are returned).
    @discardableResult
    public func stopBackgroundWork() -> String? {
        dashboard?.stop()
        return trainingData?.choice.stopDownload()
    }

    /// Whether a train block is asking which data to use (CIFAR-10 missing).
    public var isChoosingTrainingData: Bool { trainingData != nil }

    struct PaneKey: Hashable, Sendable {
        var step: Int
        var pane: Int
    }

    /// Opens `lesson`, resuming the progress saved under `name` in `store` (nil: no saving).
    public init(lesson: Lesson, name: String, store: ProgressStore?, screenSize: (width: Int, height: Int) = (80, 24),
                asciiNotation: Bool = false, path: String? = nil, watch: Bool = false) {
        self.lesson = lesson
        self.asciiNotation = asciiNotation
        self.name = name
        self.store = store
        self.screenSize = screenSize
        self.path = path
        self.watching = watch && path != nil
        loadedModification = path.flatMap(Self.modification)
        let loaded: (progress: LessonProgress, note: String?) = store?.load(name) ?? (LessonProgress(), nil)
        progress = loaded.progress
        progress.adoptPositionalKeys(for: lesson)
        stepIndex = min(max(0, loaded.progress.step), max(0, lesson.steps.count - 1))
        if let note = loaded.note {
            message = note
            messageIsError = true
        } else if stepIndex > 0 {
            message = "welcome back: resuming at step \(stepIndex + 1) of \(lesson.steps.count)"
        }
        enterStep(stepIndex)
        // Opening a lesson is already a side effect's work: the first step's data is looked up now.
        pendingEffects = pendingEffects.filter { effect in
            guard case .findData(let step, let pane, let spec) = effect else { return true }
            dataChoices[PaneKey(step: step, pane: pane)] = LessonDataChoice.choose(spec)
            return false
        }
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
            let key = PaneKey(step: index, pane: pane)
            switch item {
            case .explore(let block):
                if explorers[key] == nil { explorers[key] = LessonExplorePane(block: block, asciiNotation: asciiNotation) }
            case .train(let block):
                // A look on disk: an effect, run by the loop; the pane says "looking" until then.
                if dataChoices[key] == nil {
                    pendingEffects.append(.findData(step: index, pane: pane, block.dataSpec))
                }
            case .text, .preformatted, .quiz, .model, .inspect, .pytorch, .broken:
                break
            }
        }
        applyPredictStops()
        save()
    }

    /// Hides, in each explorer of the step, what an unanswered quiz asks: a "predict" quiz
    /// or `computed: output[r][c]` pins the explorer before the step that computes that value
    /// (its sum and cell hidden); `computed: output_height` (width, count) hides the output's
    /// size. Answered quizzes release them.
    mutating func applyPredictStops() {
        guard let step else { return }
        let pending = step.quizzes.filter { record($0).solved != true }
        let firstExplore = paneBlocks.firstIndex { if case .explore = $0 { return true } else { return false } }
        for (pane, item) in paneBlocks.enumerated() {
            guard case .explore(let block) = item else { continue }
            let key = PaneKey(step: stepIndex, pane: pane)
            guard var explorer = explorers[key] else { continue }
            var stop: Int?
            var hideSize = false
            for quiz in pending {
                if let predict = quiz.predictStep, pane == firstExplore, stop == nil { stop = predict }
                guard quiz.computedBlockLine == block.line, let computed = quiz.computed else { continue }
                switch computed {
                case .output(let row, let column):
                    if block.operation != .convT && block.pass == .forward {
                        if stop == nil { stop = row * block.outputSize.1 + column + 1 }
                    } else {
                        hideSize = true      // a scatter has no step for one output cell: hide the output
                    }
                case .outputHeight, .outputWidth, .outputCount:
                    hideSize = true
                case .parameters, .layerParameters, .features:
                    break
                }
            }
            if let stop { explorer.pin(beforeStep: stop) } else { explorer.unpin() }
            explorer.hideOutput(hideSize)
            explorers[key] = explorer
        }
    }

    /// What the model pane must hide while quizzes of the step about `block` are unanswered.
    func hiddenModelValues(_ block: ModelBlock) -> Set<ComputedValue> {
        guard let step else { return [] }
        return Set(step.quizzes.filter { record($0).solved != true && $0.computedBlockLine == block.line }
            .compactMap(\.computed))
    }

    /// Asks for the progress to be written (an effect `update` returns); a failure comes back
    /// as a status message, never a crash.
    mutating func save() {
        guard let store else { return }
        pendingEffects.append(.saveProgress(progress, lesson: name, store: store))
    }
}

extension ProgressStore {
    /// Where a network trained from the home screen is saved: beside the progress files
    /// ($XDG_STATE_HOME/cnnlab/models/cnn.safetensors).
    func checkpointPath(for model: TrainBlock.Model) -> String {
        (directory as NSString).deletingLastPathComponent + "/models/\(model.rawValue).safetensors"
    }

    /// Where a lesson's train block saves its network: one file per lesson and block
    /// ($XDG_STATE_HOME/cnnlab/models/<lesson>/<block>-<model>.safetensors).
    func checkpointPath(lesson: String, block: TrainBlock) -> String {
        (directory as NSString).deletingLastPathComponent
            + "/models/\(lesson)/\(block.checkpointName)-\(block.model.rawValue).safetensors"
    }
}

extension LessonPlayer {
    /// A file's modification time, or nil when it cannot be read.
    static func modification(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Takes a lesson read again from its file (after `r`, or a save seen by `--watch`),
    /// keeping the step, the scroll and the student's progress; says what changed.
    mutating func reload(_ fresh: Lesson, modification: Date?) {
        lesson = fresh
        loadedModification = modification
        explorers = [:]
        dataChoices = [:]
        // A wrong answer's note stays under its quiz while the author edits the text around it.
        let keys = Set(lesson.steps.flatMap(\.quizzes).map(\.key))
        feedback = feedback.filter { keys.contains($0.key) }
        progress.adoptPositionalKeys(for: lesson)
        let keepScroll = scroll
        enterStep(min(stepIndex, max(0, lesson.steps.count - 1)))
        scroll = keepScroll
        clampScroll()
        let problems = lesson.problems.count
        message = "reloaded \(((path ?? "") as NSString).lastPathComponent)" + (problems == 0 ? ""
            : ": \(problems) problem\(problems == 1 ? " (shown on its step)" : "s (shown on their steps)")")
        messageIsError = problems > 0
    }
}
