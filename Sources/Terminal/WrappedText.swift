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
        guard width > 0 else { return [] }
        var result: [[Span]] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            result.append(contentsOf: wrap(styledCharacters(String(paragraph)), width: width))
        }
        return result
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

    private typealias StyledCharacter = (character: Character, role: Role)

    /// The paragraph's characters with their roles, markup removed.
    private func styledCharacters(_ paragraph: String) -> [StyledCharacter] {
        guard markup else { return paragraph.map { ($0, role) } }
        var result: [StyledCharacter] = []
        var bold = false, code = false
        let characters = Array(paragraph)
        var index = 0
        while index < characters.count {
            let ch = characters[index]
            if !code, ch == "*", index + 1 < characters.count, characters[index + 1] == "*",
               bold || characters[(index + 2)...].indices.contains(where: { i in
                   i + 1 < characters.count && characters[i] == "*" && characters[i + 1] == "*" }) {
                bold.toggle()
                index += 2
                continue
            }
            if ch == "`", code || characters[(index + 1)...].contains("`") {
                code.toggle()
                index += 1
                continue
            }
            result.append((ch, code ? .title : (bold ? .accent : role)))
            index += 1
        }
        return result
    }

    /// Greedy word wrap of one paragraph.
    private func wrap(_ characters: [StyledCharacter], width: Int) -> [[Span]] {
        if characters.isEmpty { return [[]] }
        let indent = characters.prefix(while: { $0.character == " " }).count
        let body = characters.dropFirst(indent)
        var hanging = indent
        if body.count >= 2, ["-", "*", "•"].contains(body.first!.character),
           body[body.startIndex + 1].character == " " {
            hanging = indent + 2
        }
        if hanging >= width { hanging = 0 }
        // Words keep their leading indentation on the first line only.
        var words: [[StyledCharacter]] = []
        var current: [StyledCharacter] = []
        for item in body {
            if item.character == " " {
                if !current.isEmpty { words.append(current); current = [] }
            } else {
                current.append(item)
            }
        }
        if !current.isEmpty { words.append(current) }

        var lines: [[StyledCharacter]] = []
        var line: [StyledCharacter] = Array(characters.prefix(min(indent, width - 1)))
        var lineHasWord = false
        let pad: [StyledCharacter] = Array(repeating: (" ", role), count: hanging)
        for var word in words {
            let needed = (lineHasWord ? 1 : 0) + word.count
            if line.count + needed > width && lineHasWord {
                lines.append(line)
                line = pad
                lineHasWord = false
            }
            if lineHasWord { line.append((" ", role)) }
            // A word longer than the line is cut into pieces.
            while line.count + word.count > width {
                let room = max(1, width - line.count)
                line.append(contentsOf: word.prefix(room))
                word.removeFirst(min(room, word.count))
                lines.append(line)
                line = pad
            }
            line.append(contentsOf: word)
            lineHasWord = !word.isEmpty || lineHasWord
        }
        lines.append(line)
        return lines.map(spans)
    }

    private func spans(_ line: [StyledCharacter]) -> [Span] {
        var result: [Span] = []
        for item in line {
            if let last = result.last, last.role == item.role {
                result[result.count - 1].text.append(item.character)
            } else {
                result.append(Span(String(item.character), role: item.role))
            }
        }
        return result
    }
}
