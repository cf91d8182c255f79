import Lessons
import Stepper
import Terminal

/// An explore block inside a lesson: the step-through explorer (`ExplorerModel`) built from
/// the block's settings, pinned before a step for a "predict, then see" quiz (that step's
/// value is hidden and the explorer stays there until the quiz is answered).
///
/// Where the pane is smaller than the explorer needs, a compact view of the same state is
/// drawn instead (LessonExplorePaneView.swift).
struct LessonExplorePane: Sendable {
    let block: ExploreBlock
    /// The explorer; nil only when the block's settings do not build (reported in `buildProblem`).
    private(set) var explorer: ExplorerModel?
    let buildProblem: String?
    /// The step a predict quiz asks about (1-based); the explorer waits there, value hidden.
    private(set) var pinnedStep: Int?
    /// Why the last key was refused, for the status line.
    private(set) var refusal: String?

    init(block: ExploreBlock, asciiNotation: Bool = false) {
        self.block = block
        do {
            var model = try ExplorerModel(setup: Self.setup(for: block))
            if block.operation == .convT && block.view == .zeroInsertion { model.show(.direct) }
            model.asciiNotation = asciiNotation
            model.hostedInLesson = true
            explorer = model
            buildProblem = nil
        } catch {
            explorer = nil
            buildProblem = error.message
        }
    }

    /// The explorer's setup for an explore block (one channel, one filter).
    static func setup(for block: ExploreBlock) -> ExploreSetup {
        func tensor(_ rows: [[Double]]) -> Tensor4 { Tensor4(matrix: Matrix(rows.map { $0.map(Float.init) })) }
        func pair(_ value: (Int, Int)) -> Pair { Pair(height: value.0, width: value.1) }
        let isPool = block.operation == .pool
        let operation: ExploreOperation = block.operation == .conv ? .conv : (isPool ? .pool : .convT)
        return ExploreSetup(
            operation: operation, input: tensor(block.input),
            weight: isPool ? nil : tensor(block.kernel),
            bias: isPool || block.bias == 0 ? nil : [Float(block.bias)],
            conv: ConvSettings(stride: pair(block.stride), padding: pair(block.padding), dilation: pair(block.dilation),
                               outputPadding: pair(block.outputPadding)),
            pool: PoolSettings(kernel: pair(block.kernelSize), stride: pair(block.stride), padding: pair(block.padding)),
            upstream: block.upstream.map(tensor), backward: block.pass == .backward)
    }

    /// The number of steps of the view shown.
    var stepCount: Int { explorer?.stepCount ?? block.stepCount }
    /// The step shown, 1-based.
    var shownStep: Int { (explorer?.stepIndex ?? 0) + 1 }
    var isHidingValue: Bool { pinnedStep != nil && pinnedStep == shownStep }
    /// Whether the explorer is editing a matrix (then it gets every key but Tab).
    var isEditing: Bool { explorer?.editor != nil }
    var isPlaying: Bool { explorer?.playing ?? false }

    mutating func pin(beforeStep step: Int) {
        pinnedStep = step
        explorer?.go(to: step - 1)
        explorer?.concealCurrentResult = true
    }

    /// Whether the output's size is hidden (a quiz of the step asks it).
    private(set) var outputHidden = false

    /// Hides or shows the output's size, for a quiz that asks it.
    mutating func hideOutput(_ hide: Bool) {
        outputHidden = hide
        explorer?.concealOutput = hide
    }

    /// Releases a pin: the quiz was answered, so the step it stopped at is played.
    mutating func unpin() {
        if let pinned = pinnedStep { explorer?.go(to: pinned - 1) }
        explorer?.concealCurrentResult = false
        pinnedStep = nil
    }

    /// Passes an event to the explorer. Returns false when the explorer asks to be left
    /// (q): the lesson then gives the focus back to the text.
    mutating func handle(_ event: Event) -> Bool {
        refusal = nil
        guard var model = explorer else { return event != .key(.character("q")) }
        if let pinned = pinnedStep, case .key(let key) = event, !Self.keysWhilePinned.contains(key), model.editor == nil {
            // New settings or values would change the answer the quiz expects.
            refusal = "answer the quiz first: the explorer waits at step \(pinned), settings unchanged"
            return true
        }
        let command = model.update(event)
        if let pinned = pinnedStep, model.stepIndex != pinned - 1 || model.playing {
            // The quiz's step may not be passed (or left) until it is answered.
            if case .key = event { refusal = "answer the quiz first: the explorer waits at step \(pinned)" }
            model.go(to: pinned - 1)
            model.concealCurrentResult = true
            if model.playing { _ = model.update(.key(.character("p"))) }
        }
        explorer = model
        return command != .quit
    }

    /// Keys that only look around (the step is put back afterwards) while a quiz waits.
    static let keysWhilePinned: Set<Key> = [
        .left, .right, .home, .end, .tab, .backTab, .escape, .character("h"), .character("l"), .character(" "),
        .character("g"), .character("G"), .character("p"), .character("?"), .character("q"),
    ]

    /// The explorer's own status message (what a key did), if any.
    var status: (text: String, isError: Bool)? {
        guard let model = explorer, let text = model.status else { return nil }
        return (text, model.statusIsError)
    }
}
