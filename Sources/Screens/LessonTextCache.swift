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
    private var stepUnits: [Int: [Unit]] = [:]
    private var made = 0

    init(chunkLines: Int = 40) {
        self.chunkLines = max(1, chunkLines)
    }

    /// How many parts have been laid out (cache misses): a test counts them to make sure a
    /// frame or a key does not lay the text out again.
    var layoutCount: Int { lock.withLock { made } }

    /// The lines of `key`, made by `make` the first time only.
    func lines(_ key: Key, make: () -> [LessonTextLayout.Line]) -> [LessonTextLayout.Line] {
        if let found = lock.withLock({ entries[key] }) { return found }
        let lines = make()
        lock.withLock {
            // Widths come and go with resizes: keep only the current width's parts (both glyph
            // sets: keys measure with Unicode, an ASCII terminal draws with ASCII).
            if entries.keys.contains(where: { $0.width != key.width }) {
                entries = entries.filter { $0.key.width == key.width }
            }
            entries[key] = lines
            made += 1
        }
        return lines
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
