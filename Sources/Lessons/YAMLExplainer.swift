import Yams

/// Turns the YAML mistakes teachers make into plain words at the right line.
///
/// Some mistakes are found before YAML reads the body, because YAML either rejects them with a
/// message about tokens or, worse, accepts them with another meaning (a list item indented
/// deeper than the one above silently joins its text). The rest are Yams errors, reworded.
enum YAMLExplainer {
    /// The first layout mistake in `body` (0-based body line, message), or nil.
    static func layoutProblem(in body: [String]) -> (Int, String)? {
        var scalarIndent: Int?            // inside a `|` or `>` text: the indent of its key
        var lastKey: (indent: Int, name: String, line: Int, hasValue: Bool)?
        var list: (indent: Int, line: Int, keyIndent: Int, lastIsText: Bool)?
        for (index, raw) in body.enumerated() {
            let indentText = raw.prefix { $0 == " " || $0 == "\t" }
            let content = raw.dropFirst(indentText.count)
            if content.isEmpty || content.hasPrefix("#") { continue }
            if indentText.contains("\t") {
                return (index, "this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces")
            }
            let indent = indentText.count
            if let keyIndent = scalarIndent {
                if indent > keyIndent { continue }
                scalarIndent = nil
            }
            if content.hasPrefix("- ") || content == "-" {
                if var open = list {
                    let outOfLine = indent != open.indent && (indent < open.indent ? indent > open.keyIndent : open.lastIsText)
                    if outOfLine {
                        return (index, "this list item starts in column \(indent + 1) but the item on line \(open.line + 1) "
                            + "of the block starts in column \(open.indent + 1); start every '- ' of a list in the same column")
                    }
                    if indent == open.indent {
                        open.lastIsText = isPlainText(content.dropFirst(2))
                        list = open
                    }
                } else if let key = lastKey, !key.hasValue {
                    list = (indent, index, key.indent, isPlainText(content.dropFirst(2)))
                }
                continue
            }
            guard let (name, value) = keyAndValue(content) else { continue }
            if let key = lastKey, key.hasValue, indent > key.indent, list == nil {
                return (index, "'\(name)' is indented more than '\(key.name)' on the line above it (line \(key.line + 1) of the "
                    + "block), so YAML reads it as part of the value of '\(key.name)'; start '\(name)' in the same column as '\(key.name)'")
            }
            if let open = list, indent <= open.keyIndent { list = nil }
            let isBlockText = value.hasPrefix("|") || value.hasPrefix(">")
            if isBlockText { scalarIndent = indent }
            lastKey = (indent, name, index, !value.isEmpty && !isBlockText)
        }
        return nil
    }

    /// "key: value" split in two (value without spaces around), or nil when the line is not one.
    static func keyAndValue(_ content: Substring) -> (String, String)? {
        guard let first = content.first, first.isLetter || first == "_" else { return nil }
        let name = content.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        let rest = content.dropFirst(name.count)
        guard rest.hasPrefix(":"), rest.count == 1 || rest.dropFirst().first == " " else { return nil }
        return (String(name), String(rest.dropFirst()).trimmingSpaces)
    }

    /// Whether a list item's value is plain text (which a deeper "- " line would silently join).
    static func isPlainText(_ value: Substring) -> Bool {
        let text = String(value).trimmingSpaces
        guard let first = text.first else { return false }
        return !"[{\"'|>&*!".contains(first) && keyAndValue(Substring(text)) == nil
    }

    /// The body line (1-based) and a plain explanation of a Yams error.
    static func explain(_ error: YamlError, body: [String]) -> (Int, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let line = max(1, min(mark.line, max(1, body.count)))
            let text = line - 1 < body.count ? body[line - 1] : ""
            return (line, words(problem: problem, context: context?.text, line: text))
        case .reader(let problem, _, _, _):
            return (1, "YAML cannot read the text (\(problem))")
        default:
            return (1, "YAML cannot read it (\(error))")
        }
    }

    static func words(problem: String, context: String?, line: String) -> String {
        let said = context.map { "\(problem), \($0)" } ?? problem
        let trimmed = line.trimmingSpaces
        if problem.contains("mapping values are not allowed") {
            return "a value holds ': ', which YAML reads as a new key; put the whole value in quotes (\"...\") "
                + "or use '|' and write it on the lines below (YAML said: \(said))"
        }
        if problem.contains("did not find expected ',' or ']'") || problem.contains("did not find expected ',' or '}'") {
            return "a [ list ] is not closed: every '[' needs its ']' on the same value (YAML said: \(said))"
        }
        if problem.contains("cannot start any token"), let first = String(trimmed.drop(while: { $0 != ":" }).dropFirst()).trimmingSpaces.first {
            return "a value cannot start with '\(first)' in YAML: put the value in quotes (\"...\") (YAML said: \(said))"
        }
        if problem.contains("could not find expected ':'") {
            return "a line that is not 'key: value' (a ':' forgotten, or a text that goes on without being "
                + "indented or quoted) (YAML said: \(said))"
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "this line is out of line with the ones above: keys start in one column, and every '- ' "
                + "of a list in one column (YAML said: \(said))"
        }
        return "YAML cannot read this line (YAML said: \(said))"
    }
}
