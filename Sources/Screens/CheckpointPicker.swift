import Foundation
import Inspection
import Terminal

/// Home's Inspect when more than one network has been trained: a plain list of the saved
/// checkpoints (newest first) to open the inspector on.
struct CheckpointPicker {
    /// What a key did.
    enum Outcome: Equatable {
        case stay
        case open(SavedCheckpoint)
        case close
    }

    let checkpoints: [SavedCheckpoint]
    var selection = 0

    init(checkpoints: [SavedCheckpoint]) {
        self.checkpoints = checkpoints
    }

    mutating func update(_ key: Key) -> Outcome {
        guard !checkpoints.isEmpty else { return .close }
        switch key {
        case .up, .character("k"): selection = (selection + checkpoints.count - 1) % checkpoints.count
        case .down, .character("j"), .tab: selection = (selection + 1) % checkpoints.count
        case .home: selection = 0
        case .end: selection = checkpoints.count - 1
        case .enter, .right, .character(" "): return .open(checkpoints[selection])
        case .character("q"), .escape, .left: return .close
        case .character(let character):
            if let number = character.wholeNumberValue, number >= 1, number <= checkpoints.count {
                selection = number - 1
                return .open(checkpoints[selection])
            }
        default: break
        }
        return .stay
    }

    /// The list in a box over the whole screen, with the keys on the last line.
    func render(into buffer: inout Buffer, context: RenderContext) {
        let g = context.glyphs
        let (body, status) = buffer.area.splitBottom(1)
        let inner = Box(title: "Inspect: which network?", focused: true).render(into: &buffer, area: body, context: context)
        let stamp = DateFormatter()
        stamp.dateFormat = "yyyy-MM-dd HH:mm"
        let stampWidth = 16
        var y = inner.y
        for (index, checkpoint) in checkpoints.enumerated() {
            // Two lines each: the network and its date, then where it came from and its file (dim).
            guard y + 1 < inner.maxY || (y < inner.maxY && index == checkpoints.count - 1) else {
                buffer.noteHidden("\(checkpoints.count - index) checkpoints", in: inner)
                break
            }
            let selected = index == selection
            let pointer = selected ? (g.unicode ? "▸" : ">") : " "
            let labelWidth = max(0, inner.width - 7 - stampWidth)   // a column free on either side of the date
            let label = " \(pointer) \(index + 1 < 10 ? "\(index + 1)" : " ") "
                + checkpoint.networkName.truncated(to: labelWidth, ellipsis: g.ellipsis).rightPadded(to: labelWidth)
            let row = Rect(x: inner.x, y: y, width: inner.width, height: 1)
            if selected { buffer.fill(row, with: Cell(" ", style: context.style(.selection))) }
            let end = buffer.write(label, x: inner.x, y: y, role: selected ? .selection : .normal, context: context, clip: inner)
            buffer.write(" " + stamp.string(from: checkpoint.modified), x: end, y: y, role: selected ? .selection : .dim,
                         context: context, clip: inner)
            y += 1
            if y < inner.maxY {
                // The file only when it fits beside the origin (the origin tells them apart).
                let file = checkpoint.path.split(separator: "/").suffix(2).joined(separator: "/")
                let withFile = "     " + checkpoint.origin + " \(g.middleDot) " + file
                let line = withFile.count <= inner.width ? withFile : "     " + checkpoint.origin.truncated(to: inner.width - 5, ellipsis: g.ellipsis)
                buffer.write(line, x: inner.x, y: y, role: .dim, context: context, clip: inner)
                y += 1
            }
        }
        let keys = "\(g.arrowUp) \(g.arrowDown) choose \(g.middleDot) Enter inspect \(g.middleDot) q back"
        StatusLine(left: keys, role: .status).render(into: &buffer, area: status, context: context)
    }
}
