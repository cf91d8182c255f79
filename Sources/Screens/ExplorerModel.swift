import Stepper
import Terminal

/// What the explorer shows of its operation; Tab moves to the next one.
public enum ExplorerView: String, Equatable, Sendable, CaseIterable {
    /// conv / pool: one output value per step.
    case forward
    /// conv: the input gradient and one weight's gradient; pool: gradient routing.
    case backward
    /// convT: each input value times the kernel, added into the output.
    case scatter
    /// convT: the same output as a direct convolution over the zero-inserted input.
    case direct
    /// The PyTorch code and printed result (a panel of its own on small screens).
    case pytorch

    /// The views of an operation, in Tab order.
    public static func cycle(for operation: ExploreOperation) -> [ExplorerView] {
        operation == .convT ? [.scatter, .direct, .pytorch] : [.forward, .backward, .pytorch]
    }

    public var title: String {
        switch self {
        case .forward: "forward"
        case .backward: "backward"
        case .scatter: "scatter"
        case .direct: "as a direct convolution"
        case .pytorch: "PyTorch"
        }
    }
    /// The title in a narrow header ("direct"), so the settings need not be cut.
    public var shortTitle: String {
        switch self {
        case .direct: "direct"
        case .forward, .backward, .scatter, .pytorch: title
        }
    }
}

/// Which matrix `e` edits; Shift-Tab moves the focus.
public enum ExplorerFocus: String, Equatable, Sendable {
    case input, kernel, upstream
}

/// The state of the step-through visualiser: the exploration, the step shown, the view,
/// playback, editing and the status message. `update` changes it, `view` draws it.
///
/// Embedding (the lesson player): create it from an `ExploreSetup`, pass it keys with
/// `update(_:)`, draw it into any rectangle with `view(into:rect:context:)`. For a
/// "predict, then see" quiz, stop before a step with `go(to:)`, read `upcomingValue`, and
/// set `concealCurrentResult` to hide the value of the step shown.
public struct ExplorerModel: Sendable {
    public private(set) var exploration: Exploration
    public private(set) var view: ExplorerView
    /// The step shown, 0-based, within `stepCount`; its result is included in the output.
    public private(set) var stepIndex: Int = 0
    /// Output channel (filter) shown for conv / convT; channel shown for pooling.
    public private(set) var selectedFilter: Int = 0
    /// Input channel page when the channels do not fit side by side.
    public private(set) var selectedChannel: Int = 0
    /// The weight whose gradient the conv backward view writes out: (channel, row, column).
    public private(set) var chosenWeight: (channel: Int, row: Int, column: Int) = (0, 0, 0)
    public private(set) var focus: ExplorerFocus = .input
    public internal(set) var editor: MatrixEditor?
    public private(set) var playing = false
    /// Index into `ExplorerModel.speeds`.
    public private(set) var speedLevel = 2
    var ticksSinceStep = 0
    /// A message for the status line; `statusIsError` draws it as a refusal.
    public internal(set) var status: String?
    public internal(set) var statusIsError = false
    public private(set) var showHelp = false
    /// The first line shown of the PyTorch view when its code and result do not fit.
    public private(set) var pyTorchScroll = 0
    /// Hides the result of the step shown (its sum and output cell) for a quiz.
    public var concealCurrentResult = false
    /// Hides the output's size for a quiz that asks it: the output grid, the size formula's
    /// result, the step count and the PyTorch result.
    public var concealOutput = false
    /// Seed for `r` (new random values); advanced on each press.
    var randomSeed: UInt64 = 1
    /// ASCII notation for sums and formulas (`--ascii` or a non-UTF-8 locale).
    public var asciiNotation = false
    /// Inside a lesson, where v switches the view and Tab or q give the focus back to the text:
    /// the key help says so instead of "Tab view" and "q quit".
    public var hostedInLesson = false
    /// Where q goes when the explorer was opened from another screen ("the Explore form" from
    /// Home); nil when q quits cnnlab. The key line and help say it.
    public var returnsTo: String?

    /// Seconds per step when playing, slowest first.
    public static let speeds: [Double] = [2, 1, 0.5, 0.25, 0.1, 0.05]
    /// The run loop's tick while playing.
    public static let tick = 0.05

    /// The PyTorch panel's text, formatted once per exploration (formatting every number of a
    /// large tensor on every frame would cost milliseconds).
    private(set) var pyTorch: PyTorchPanelText

    public init(_ exploration: Exploration) {
        self.exploration = exploration
        pyTorch = PyTorchPanelText(exploration)
        view = ExplorerView.cycle(for: exploration.operation)[exploration.backward ? 1 : 0]
    }

    /// Builds the exploration from a setup; throws when its settings are invalid.
    public init(setup: ExploreSetup) throws(ExploreError) {
        self.init(try setup.build())
    }

    public var setup: ExploreSetup { exploration.setup }
    public var operation: ExploreOperation { exploration.operation }
    public var notation: Notation { asciiNotation ? .ascii : .unicode }

    // MARK: steps of the view shown

    /// The number of output channels one can choose from (filters, or pooled channels).
    public var filterCount: Int {
        switch operation {
        case .conv: exploration.conv!.weight.batch
        case .pool: exploration.pool!.input.channels
        case .convT: exploration.convT!.outputChannels
        }
    }

    /// The indices into the trace's steps that the current view walks through.
    public var stepRange: Range<Int> {
        switch (operation, view) {
        case (.conv, _): exploration.conv!.stepRange(sample: 0, filter: selectedFilter)
        case (.pool, _): exploration.pool!.stepRange(sample: 0, channel: selectedFilter)
        case (.convT, .direct): exploration.zeroInsertion!.trace.stepRange(sample: 0, filter: selectedFilter)
        case (.convT, _): exploration.convT!.stepRange(sample: 0, filter: selectedFilter)
        }
    }

    public var stepCount: Int { stepRange.count }
    /// The index into the trace's steps of the step shown.
    public var traceIndex: Int { stepRange.lowerBound + stepIndex }
    public var isAtEnd: Bool { stepIndex == stepCount - 1 }

    /// The output value the step shown produces (conv, pool, the direct view of convT).
    public var currentValue: Float? { value(ofStep: stepIndex) }

    /// The value the next step will produce: what a "predict, then see" quiz asks for.
    public var upcomingValue: Float? { stepIndex + 1 < stepCount ? value(ofStep: stepIndex + 1) : nil }

    /// The output value of step `index` (of this view); for the scatter view, the value of
    /// the last output cell it changes.
    public func value(ofStep index: Int) -> Float? {
        guard index >= 0, index < stepCount else { return nil }
        let i = stepRange.lowerBound + index
        switch (operation, view) {
        case (.conv, _): return exploration.conv!.steps[i].value
        case (.pool, _): return exploration.pool!.steps[i].value
        case (.convT, .direct): return exploration.zeroInsertion!.trace.steps[i].value
        case (.convT, _): return exploration.convT!.steps[i].contributions.last { !$0.isCropped }?.after
        }
    }

    /// The output position [row, column] step `index` writes (conv, pool, direct view).
    public func outputPosition(ofStep index: Int) -> (row: Int, column: Int)? {
        guard index >= 0, index < stepCount else { return nil }
        let i = stepRange.lowerBound + index
        switch (operation, view) {
        case (.conv, _): return (exploration.conv!.steps[i].outputRow, exploration.conv!.steps[i].outputColumn)
        case (.pool, _): return (exploration.pool!.steps[i].outputRow, exploration.pool!.steps[i].outputColumn)
        case (.convT, .direct):
            let s = exploration.zeroInsertion!.trace.steps[i]
            return (s.outputRow, s.outputColumn)
        case (.convT, _): return nil
        }
    }

    // MARK: changes the lesson player may also make

    /// Shows step `index` (clamped to the steps of this view).
    public mutating func go(to index: Int) {
        stepIndex = min(max(0, index), max(0, stepCount - 1))
        ticksSinceStep = 0
    }

    /// Switches to `view` if this operation has it.
    public mutating func show(_ newView: ExplorerView) {
        guard ExplorerView.cycle(for: operation).contains(newView) else { return }
        view = newView
        go(to: stepIndex)
    }

    /// Replaces the exploration (new settings or values), keeping the view and step where possible.
    public mutating func replace(with newExploration: Exploration) {
        exploration = newExploration
        pyTorch = PyTorchPanelText(newExploration)
        selectedFilter = min(selectedFilter, filterCount - 1)
        selectedChannel = min(selectedChannel, exploration.input.channels - 1)
        let weight = exploration.setup.weight
        if let weight {
            chosenWeight = (min(chosenWeight.channel, exploration.input.channels - 1),
                            min(chosenWeight.row, weight.height - 1), min(chosenWeight.column, weight.width - 1))
        }
        go(to: stepIndex)
    }

    mutating func setPlaying(_ on: Bool) {
        playing = on
        ticksSinceStep = 0
    }

    mutating func setSpeed(_ level: Int) { speedLevel = min(max(0, level), Self.speeds.count - 1) }
    mutating func setHelp(_ shown: Bool) { showHelp = shown }
    /// Scrolls the PyTorch view (the view clamps it to the lines there are).
    mutating func scrollPyTorch(by lines: Int) {
        let total = (view == .backward ? pyTorch.backward : pyTorch.forward).count * 4   // wrapped lines, at most
        pyTorchScroll = min(max(0, pyTorchScroll + lines), total)
    }
    mutating func setFocus(_ newFocus: ExplorerFocus) { focus = newFocus }
    mutating func selectFilter(_ index: Int) {
        selectedFilter = (index % filterCount + filterCount) % filterCount
        go(to: stepIndex)
    }
    mutating func selectChannel(_ index: Int) {
        let count = exploration.input.channels
        selectedChannel = (index % count + count) % count
    }
    mutating func chooseWeight(_ weight: (channel: Int, row: Int, column: Int)) { chosenWeight = weight }
}

/// The lines of the PyTorch panel for the forward and the backward view.
struct PyTorchPanelText: Sendable {
    var forward: [ExplorerLine]
    var backward: [ExplorerLine]

    init(_ e: Exploration) {
        func lines(backward: Bool) -> [ExplorerLine] {
            var lines = PyTorchText.code(e, backward: backward).filter { !$0.hasPrefix("import") }.map { ExplorerLine($0) }
            var result = e.output
            var label = "y ="
            if backward, let conv = e.convBackward { result = conv.gradInput; label = "x.grad =" }
            if backward, let pool = e.pool { result = pool.gradInput; label = "x.grad =" }
            lines.append(ExplorerLine(label, .dim))
            lines += PyTorchText.tensor(result).split(separator: "\n", omittingEmptySubsequences: false)
                .map { ExplorerLine(String($0), .accent) }
            // The code prints w.grad (and b.grad) too: the panel shows what PyTorch prints.
            if backward, let conv = e.convBackward {
                lines.append(ExplorerLine("w.grad =", .dim))
                lines += PyTorchText.tensor(conv.gradWeight).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { ExplorerLine(String($0), .accent) }
                if let gradBias = conv.gradBias {
                    lines.append(ExplorerLine("b.grad =", .dim))
                    lines.append(ExplorerLine(PyTorchText.vector(gradBias), .accent))
                }
            }
            return lines
        }
        forward = lines(backward: false)
        backward = e.operation == .convT ? forward : lines(backward: true)
    }
}
