import Terminal

/// WrappedText's wrapping as it was written first (Character by Character, with a quadratic
/// markup look-ahead), kept in the tests as the oracle the fast wrapper must match exactly.
struct ReferenceWrappedText {
    typealias Span = WrappedText.Span
    var text: String
    var role: Role = .normal
    var markup: Bool = true

    func lines(width: Int) -> [[Span]] {
        guard width > 0 else { return [] }
        var result: [[Span]] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            result.append(contentsOf: wrap(styledCharacters(String(paragraph)), width: width))
        }
        return result
    }

    typealias StyledCharacter = (character: Character, role: Role)

    /// The paragraph's characters with their roles, markup removed.
    func styledCharacters(_ paragraph: String) -> [StyledCharacter] {
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
    func wrap(_ characters: [StyledCharacter], width: Int) -> [[Span]] {
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

    func spans(_ line: [StyledCharacter]) -> [Span] {
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
