/// Text wrapped at word boundaries to a width, with simple emphasis: `**bold**` is drawn
/// in the accent role and `` `code` `` in the title role (the markers are removed).
/// Explicit newlines are kept; a line starting with "- " or "* " wraps with a hanging indent.
///
///     let total = WrappedText(lesson.body).render(into: &buffer, area: inner, context: context, scroll: offset)
public struct WrappedText: Sendable {
    /// One run of characters with the same role.
    public struct Span: Equatable, Sendable {
        public var text: String
        public var role: Role
        public init(_ text: String, role: Role = .normal) { self.text = text; self.role = role }
    }

    public var text: String
    public var role: Role
    /// Whether `**bold**` and `` `code` `` are interpreted.
    public var markup: Bool

    public init(_ text: String, role: Role = .normal, markup: Bool = true) {
        self.text = text
        self.role = role
        self.markup = markup
    }

    /// The wrapped lines for `width`, each a list of spans.
    public func lines(width: Int) -> [[Span]] {
        var result: [[Span]] = []
        wrapParagraphs(width: width) { (line: inout WrapLine<UInt8>) in result.append(line.spans()) }
            character: { (line: inout WrapLine<Character>) in result.append(line.spans()) }
        return result
    }

    /// How many lines `lines(width:)` gives, without making them: a lesson step of a megabyte
    /// is counted in a few milliseconds.
    public func lineCount(width: Int) -> Int {
        var count = 0
        wrapParagraphs(width: width) { (_: inout WrapLine<UInt8>) in count += 1 } character: { (_: inout WrapLine<Character>) in count += 1 }
        return count
    }

    /// Splits at newlines and wraps each paragraph: ASCII paragraphs byte by byte (each byte is
    /// one column), others Character by Character. Both run the one algorithm in `wrap`.
    private func wrapParagraphs(width: Int, ascii: (inout WrapLine<UInt8>) -> Void,
                                character: (inout WrapLine<Character>) -> Void) {
        guard width > 0 else { return }
        // "\r\n" is one Character, which a split at "\n" does not cut: such text takes the
        // Character path whole, as it always did.
        let bytes = Array(text.utf8)
        if bytes.contains(13) {
            for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
                wrap(Array(paragraph), width: width, emit: character)
            }
            return
        }
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            let paragraph = bytes[start..<end]
            if paragraph.allSatisfy({ $0 < 0x80 }) {
                wrap(Array(paragraph), width: width, emit: ascii)
            } else {
                wrap(Array(String(decoding: paragraph, as: UTF8.self)), width: width, emit: character)
            }
            start = end + 1
        }
    }

    /// The wrapped lines as plain strings.
    public func plainLines(width: Int) -> [String] {
        lines(width: width).map { $0.map(\.text).joined() }
    }

    /// Draws the lines from `scroll` on into `area`; returns the total number of wrapped
    /// lines (to bound scrolling).
    @discardableResult
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext, scroll: Int = 0) -> Int {
        let all = lines(width: area.width)
        let first = max(0, min(scroll, all.count))
        for (offset, line) in all[first...].prefix(area.height).enumerated() {
            var x = area.x
            for span in line {
                x = buffer.write(span.text, x: x, y: area.y + offset, style: context.style(span.role), clip: area)
            }
        }
        // Lines below the area: the caller shows a "more" marker (and notes it) or they are cut.
        if all.count - first > area.height, !area.isEmpty {
            let next = all[first + area.height].map(\.text).joined()
            buffer.noteHidden("\(all.count - first - area.height) more lines from \"\(next.prefix(30))\"", in: area)
        }
        if first > 0, !area.isEmpty {
            buffer.noteHidden("\(first) lines above", in: Rect(x: area.x, y: area.y, width: area.width, height: 1))
        }
        return all.count
    }

    /// Greedy word wrap of one paragraph, markup removed (`**`, `` ` `` toggle only when
    /// closed later in the paragraph); each line is handed to `emit`.
    private func wrap<Glyph: WrapGlyph>(_ source: [Glyph], width: Int, emit: (inout WrapLine<Glyph>) -> Void) {
        // The paragraph's glyphs with their roles, markup removed.
        var glyphs: [Glyph] = []
        var roles: [Role] = []
        glyphs.reserveCapacity(source.count)
        roles.reserveCapacity(source.count)
        if markup {
            // The last "**" and "`" of the paragraph, so that "is it closed later?" is one comparison.
            var lastPair = -1, lastTick = -1
            for index in source.indices.reversed() {
                if lastTick < 0 && source[index] == .backtick { lastTick = index }
                if lastPair < 0 && index + 1 < source.count && source[index] == .star && source[index + 1] == .star { lastPair = index }
                if lastTick >= 0 && lastPair >= 0 { break }
            }
            var bold = false, code = false
            var index = 0
            while index < source.count {
                let glyph = source[index]
                if !code, glyph == .star, index + 1 < source.count, source[index + 1] == .star, bold || lastPair >= index + 2 {
                    bold.toggle()
                    index += 2
                    continue
                }
                if glyph == .backtick, code || lastTick > index {
                    code.toggle()
                    index += 1
                    continue
                }
                glyphs.append(glyph)
                roles.append(code ? .title : (bold ? .accent : role))
                index += 1
            }
        } else {
            glyphs = source
            roles = Array(repeating: role, count: source.count)
        }
        var line = WrapLine(glyphs: glyphs, roles: roles, base: role)
        if glyphs.isEmpty {
            emit(&line)
            return
        }
        let indent = glyphs.prefix(while: { $0 == .space }).count
        var hanging = indent
        if glyphs.count - indent >= 2, glyphs[indent].isListMark, glyphs[indent + 1] == .space {
            hanging = indent + 2
        }
        if hanging >= width { hanging = 0 }
        // Words keep their leading indentation on the first line only.
        line.append(0..<min(indent, width - 1))
        var lineHasWord = false
        var position = indent
        while position < glyphs.count {
            if glyphs[position] == .space {
                position += 1
                continue
            }
            var end = position
            while end < glyphs.count && glyphs[end] != .space { end += 1 }
            var word = position..<end
            position = end
            if line.count + (lineHasWord ? 1 : 0) + word.count > width && lineHasWord {
                emit(&line)
                line.restart(padding: hanging)
                lineHasWord = false
            }
            if lineHasWord { line.appendSpace() }
            // A word longer than the line is cut into pieces.
            while line.count + word.count > width {
                let room = max(1, width - line.count)
                let cut = word.lowerBound + min(room, word.count)
                line.append(word.lowerBound..<cut)
                word = cut..<word.upperBound
                emit(&line)
                line.restart(padding: hanging)
            }
            line.append(word)
            lineHasWord = !word.isEmpty || lineHasWord
        }
        emit(&line)
    }
}

/// What the wrapper measures as one column: a byte of an ASCII paragraph, or a Character.
protocol WrapGlyph: Equatable {
    static var space: Self { get }
    static var star: Self { get }
    static var backtick: Self { get }
    /// "-", "*" or "•", which start a list item when a space follows.
    var isListMark: Bool { get }
    static func text(_ glyphs: ArraySlice<Self>) -> String
}

extension UInt8: WrapGlyph {
    static var space: UInt8 { 32 }
    static var star: UInt8 { 42 }
    static var backtick: UInt8 { 96 }
    var isListMark: Bool { self == 45 || self == 42 }
    static func text(_ glyphs: ArraySlice<UInt8>) -> String { String(decoding: glyphs, as: UTF8.self) }
}

extension Character: WrapGlyph {
    static var space: Character { " " }
    static var star: Character { "*" }
    static var backtick: Character { "`" }
    var isListMark: Bool { self == "-" || self == "*" || self == "•" }
    static func text(_ glyphs: ArraySlice<Character>) -> String { String(glyphs) }
}

/// One line being wrapped: pieces of the paragraph (by position) and padding spaces.
struct WrapLine<Glyph: WrapGlyph> {
    private enum Piece {
        case glyphs(Range<Int>)
        case spaces(Int)
    }

    let glyphs: [Glyph]
    let roles: [Role]
    let base: Role
    private var pieces: [Piece] = []
    /// Columns so far.
    private(set) var count = 0

    init(glyphs: [Glyph], roles: [Role], base: Role) {
        self.glyphs = glyphs
        self.roles = roles
        self.base = base
    }

    mutating func append(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        pieces.append(.glyphs(range))
        count += range.count
    }

    mutating func appendSpace() {
        pieces.append(.spaces(1))
        count += 1
    }

    /// Empties the line and starts it with `padding` spaces (a list item's hanging indent).
    mutating func restart(padding: Int) {
        pieces.removeAll(keepingCapacity: true)
        count = 0
        if padding > 0 {
            pieces.append(.spaces(padding))
            count = padding
        }
    }

    /// The line as spans, consecutive glyphs of one role joined.
    func spans() -> [WrappedText.Span] {
        var result: [WrappedText.Span] = []
        func add(_ text: String, _ role: Role) {
            if let last = result.last, last.role == role {
                result[result.count - 1].text += text
            } else {
                result.append(WrappedText.Span(text, role: role))
            }
        }
        for piece in pieces {
            switch piece {
            case .spaces(let count):
                add(String(repeating: " ", count: count), base)
            case .glyphs(let range):
                var start = range.lowerBound
                while start < range.upperBound {
                    let role = roles[start]
                    var end = start + 1
                    while end < range.upperBound && roles[end] == role { end += 1 }
                    add(Glyph.text(glyphs[start..<end]), role)
                    start = end
                }
            }
        }
        return result
    }
}
