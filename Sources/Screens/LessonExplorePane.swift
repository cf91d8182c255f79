import Lessons
import Terminal

/// An explore block inside a lesson: steps through the operation one output at a time,
/// and can be pinned before a step for a "predict, then see" quiz (that step's value is
/// hidden and the explorer cannot go past it until the quiz is answered).
struct LessonExplorePane: Sendable {
    let block: ExploreBlock
    /// The step shown (1-based; its window is drawn and, unless hidden, its value).
    private(set) var shownStep: Int
    /// The step a predict quiz asks about; the explorer waits there with the value hidden.
    private(set) var pinnedStep: Int?
    /// Why a key was refused, for the status line.
    private(set) var refusal: String?

    init(block: ExploreBlock) {
        self.block = block
        shownStep = min(1, block.stepCount)
    }

    var stepCount: Int { block.stepCount }
    var isHidingValue: Bool { pinnedStep == shownStep }

    mutating func pin(beforeStep step: Int) {
        pinnedStep = step
        shownStep = min(max(1, step), stepCount)
    }

    /// Releases a pin: the quiz was answered, so the step it stopped at is played.
    mutating func unpin() {
        if let pinned = pinnedStep { shownStep = min(max(1, pinned), stepCount) }
        pinnedStep = nil
    }

    /// Keys while the pane has focus: → l space next, ← h previous, Home g / End G.
    /// Returns false for keys it does not use.
    mutating func handle(_ key: Key) -> Bool {
        refusal = nil
        var target: Int
        switch key {
        case .right, .character("l"), .character(" "): target = shownStep + 1
        case .left, .character("h"): target = shownStep - 1
        case .home, .character("g"): target = 1
        case .end, .character("G"): target = stepCount
        default: return false
        }
        target = min(max(1, target), stepCount)
        if let pinned = pinnedStep, target != pinned {
            refusal = "answer the quiz first: the explorer waits at step \(pinned)"
            return true
        }
        shownStep = target
        return true
    }
}
