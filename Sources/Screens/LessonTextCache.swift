import Foundation
import Lessons
import Terminal

/// The wrapped lines of a step's fixed parts (heading, problems, text, plain blocks, pane
/// marks), kept between frames: only the quizzes, whose lines change with each key, are laid
/// out again. Long text is cut into chunks of about `chunkLines` source lines at paragraph
/// breaks, and chunks are laid out only when they come into view (`LessonTextLayout`'s
/// `needed`), so entering a step of a megabyte of text costs one screenful. A 1 MB step took
/// about 0.7 s of CPU a frame (debug build) when the whole text was wrapped on every frame.
///
/// A reference shared by the copies of one player; a reloaded lesson gets a fresh cache.
final class LessonTextCache: @unchecked Sendable {
    /// A part of a step: the heading and problems on top, an item of `Step.items` (a text
    /// item's chunk by its first line), or a quiz (laid out on every frame).
    enum Unit: Hashable {
        case top
        case item(Int)
        case textChunk(item: Int, lines: Range<Int>)
        case quiz(item: Int)
        /// A quiz's fixed text: its question, a choice, a hint or its explanation, in a role.
        case quizText(item: Int, piece: Int, role: Role, markup: Bool)
    }

    /// A part at a width.
    struct Key: Hashable {
        var step: Int
        var unit: Unit
        var width: Int
        var unicode: Bool
    }

    /// Source lines per chunk of text (cut at the first paragraph break after as many).
    let chunkLines: Int
    private let lock = NSLock()
    private var entries: [Key: [LessonTextLayout.Line]] = [:]
    private var counts: [Key: Int] = [:]
    private var stepUnits: [Int: [Unit]] = [:]
    private var made = 0
    private var quizTextsMade = 0
    private var width: Int?

    /// Widths come and go with resizes: only the current width's parts are kept (both glyph
    /// sets: keys measure with Unicode, an ASCII terminal draws with ASCII). Called locked.
    private func keepOnly(width: Int) {
        guard width != self.width else { return }
        entries = entries.filter { $0.key.width == width }
        counts = counts.filter { $0.key.width == width }
        self.width = width
    }

    init(chunkLines: Int = 40) {
        self.chunkLines = max(1, chunkLines)
    }

    /// How many parts have been laid out (cache misses; a quiz's texts not included): a test
    /// counts them to make sure a frame or a key does not lay the text out again.
    var layoutCount: Int { lock.withLock { made } }
    /// How many quiz texts (questions, choices, hints, explanations) have been laid out.
    var quizTextLayoutCount: Int { lock.withLock { quizTextsMade } }

    /// The lines of `key`, made by `make` the first time only.
    func lines(_ key: Key, make: () -> [LessonTextLayout.Line]) -> [LessonTextLayout.Line] {
        if let found = lock.withLock({ entries[key] }) { return found }
        let lines = make()
        lock.withLock {
            keepOnly(width: key.width)
            entries[key] = lines
            if case .quizText = key.unit { quizTextsMade += 1 } else { made += 1 }
        }
        return lines
    }

    /// How many lines `key` has: its lines' count if they are kept, else `count`'s answer, once.
    func count(_ key: Key, count: () -> Int) -> Int {
        if let found = lock.withLock({ entries[key]?.count ?? counts[key] }) { return found }
        let counted = count()
        lock.withLock {
            keepOnly(width: key.width)
            counts[key] = counted
        }
        return counted
    }

    /// The parts of step `index`, in order (found once per step).
    func units(step index: Int, _ step: Step) -> [Unit] {
        if let found = lock.withLock({ stepUnits[index] }) { return found }
        var units: [Unit] = [.top]
        for (item, content) in step.items.enumerated() {
            switch content {
            case .quiz: units.append(.quiz(item: item))
            case .text(let lines, _):
                units += Self.chunks(lines, target: chunkLines).map { Unit.textChunk(item: item, lines: $0) }
            case .preformatted, .explore, .model, .train, .inspect, .pytorch, .broken: units.append(.item(item))
            }
        }
        lock.withLock { stepUnits[index] = units }
        return units
    }

    /// Cuts Markdown lines into ranges of at least `target` lines, only where a blank line
    /// separates two lines of plain paragraph text (not a table row or a heading), so each
    /// chunk lays out exactly as its lines did inside the whole.
    static func chunks(_ lines: [String], target: Int) -> [Range<Int>] {
        guard lines.count > target else { return lines.isEmpty ? [] : [0..<lines.count] }
        func blank(_ line: String) -> Bool { line.utf8.allSatisfy { $0 == 32 || $0 == 9 } }
        func plain(_ line: String) -> Bool {
            guard let first = line.utf8.first(where: { $0 != 32 && $0 != 9 }) else { return false }
            return first != UInt8(ascii: "|") && first != UInt8(ascii: "#")
        }
        var ranges: [Range<Int>] = []
        var start = 0
        var lastTextIsPlain = false     // the last non-blank line before this one
        var blankBefore = false
        for index in lines.indices {
            let line = lines[index]
            if blank(line) {
                blankBefore = true
                continue
            }
            let isPlain = plain(line)
            if index - start >= target && blankBefore && lastTextIsPlain && isPlain {
                ranges.append(start..<index)
                start = index
            }
            lastTextIsPlain = isPlain
            blankBefore = false
        }
        ranges.append(start..<lines.count)
        return ranges
    }
}
