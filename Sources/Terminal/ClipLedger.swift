/// What a frame could not show, kept beside its cells so a test can tell content cut silently
/// from content cut with a "more" or scroll marker.
///
/// `Buffer.write` notes every visible character it drops at the edge of its clip rectangle;
/// widgets that stop drawing rows themselves (tables, wrapped text, lists) note the rows they
/// leave out with `Buffer.noteHidden(_:in:)`. A view that tells the student about hidden
/// content ("↓ 4 more", a scroll bar) marks that area with `Buffer.noteOverflowShown(in:)`.
/// `Buffer.silentlyClipped` is what no marker covers: each one is a box or a line cut without
/// a word.
public struct HiddenContent: Equatable, Sendable, CustomStringConvertible {
    /// Where the cut happened: the last visible cell of the clip area next to the lost text.
    public var x: Int, y: Int
    /// The start of the text that was lost (or a description of the rows left out).
    public var text: String

    public var description: String { "(\(x),\(y)) \"\(text)\"" }
}

/// The notes of one frame. Excluded from the buffer's equality: two frames with the same
/// cells are the same frame.
public struct ClipLedger: Sendable {
    /// At most this many notes are kept per frame (a broken view should not cost memory).
    static let limit = 64
    public private(set) var hidden: [HiddenContent] = []
    public private(set) var shown: [Rect] = []

    mutating func noteHidden(_ note: HiddenContent) {
        if hidden.count < Self.limit { hidden.append(note) }
    }

    mutating func noteShown(_ area: Rect) {
        if shown.count < Self.limit { shown.append(area) }
    }

    /// Hidden content no "more" marker covers.
    public var silent: [HiddenContent] {
        hidden.filter { note in
            !shown.contains { $0.x <= note.x && note.x < $0.maxX && $0.y <= note.y && note.y < $0.maxY }
        }
    }
}

extension Buffer {
    /// Notes that content of `area` was left out (rows a widget did not draw); `what` says
    /// what, for the test's message.
    public mutating func noteHidden(_ what: String, in area: Rect) {
        let bounds = area.intersection(self.area)
        guard !bounds.isEmpty else { return }
        clipLedger.noteHidden(HiddenContent(x: bounds.x, y: bounds.maxY - 1, text: what))
    }

    /// Notes that the view told the student content of `area` is hidden (a "more" line, a
    /// scroll marker), so cuts inside it are not silent.
    public mutating func noteOverflowShown(in area: Rect) {
        clipLedger.noteShown(area)
    }

    /// Content cut at the edge of a clip area with no "more" marker over it.
    public var silentlyClipped: [HiddenContent] { clipLedger.silent }

    /// True for characters whose loss at a clip edge hides nothing: blanks and line drawing
    /// (rules and borders drawn to the edge).
    static func isFiller(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || (0x2500...0x257F).contains(scalar.value)
    }

    /// Records a write that lost visible characters: at the last visible cell of `bounds`
    /// nearest to where the text went.
    mutating func noteClippedWrite(_ text: String, x: Int, y: Int, bounds: Rect) {
        // An area with no room at all (a panel squeezed to nothing) still lost its text:
        // place the note at the nearest cell of the screen.
        var visible = bounds.intersection(area)
        if visible.isEmpty { visible = area }
        guard !visible.isEmpty else { return }
        let cx = min(max(x, visible.x), visible.maxX - 1), cy = min(max(y, visible.y), visible.maxY - 1)
        clipLedger.noteHidden(HiddenContent(x: cx, y: cy, text: String(text.prefix(40))))
    }
}
