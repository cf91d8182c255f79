import Stepper
import Yams

/// The `key: value` body of a fenced block, read with Yams, with the file line of every
/// key, and the problems met while reading typed values from it.
///
/// Each accessor returns nil (and records a problem naming the key and its line) when the
/// value has the wrong type, so a block reader can go on and report every problem at once.
struct BlockFields {
    /// The block's kind, used in messages ("quiz", "explore", ...).
    let kind: String
    /// The line of the opening fence; body line n is file line `fenceLine + n`.
    let fenceLine: Int
    private(set) var values: [String: Node] = [:]
    private(set) var keyLines: [String: Int] = [:]
    /// Keys in file order.
    private(set) var keys: [String] = []
    var problems: [LessonProblem] = []

    /// Reads `body` as YAML. A YAML error becomes one problem at its file line, in words a
    /// teacher reads (YAMLExplainer.swift).
    init(kind: String, body: [String], fenceLine: Int) {
        self.kind = kind
        self.fenceLine = fenceLine
        if let (offset, message) = YAMLExplainer.layoutProblem(in: body) {
            problems.append(LessonProblem(line: fenceLine + 1 + offset, message: "in the \(kind) block: \(message)"))
            return
        }
        let text = body.joined(separator: "\n")
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let (line, message) = YAMLExplainer.explain(error, body: body)
            problems.append(LessonProblem(line: fenceLine + line, message: "in the \(kind) block: \(message)"))
            return
        } catch {
            problems.append(LessonProblem(line: fenceLine + 1, message: "in the \(kind) block: YAML cannot read it (\(error))"))
            return
        }
        guard let root else {
            problems.append(LessonProblem(line: fenceLine, message: "the \(kind) block is empty"))
            return
        }
        guard case .mapping(let mapping) = root else {
            problems.append(LessonProblem(line: line(of: root),
                                          message: "the \(kind) block must be 'key: value' lines"))
            return
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let keyLine = line(of: keyNode)
            if values[key] != nil {
                problems.append(LessonProblem(line: keyLine, message: "duplicate key '\(key)' in the \(kind) block"))
                continue
            }
            values[key] = value
            keyLines[key] = keyLine
            keys.append(key)
        }
    }

    /// Whether the body could be read as a mapping at all.
    var isReadable: Bool { problems.isEmpty || !keys.isEmpty }

    /// The file line of a node (the fence line when Yams gives no position).
    func line(of node: Node) -> Int {
        fenceLine + (node.mark?.line ?? 0)
    }

    /// The file line of `key`, or of the fence when the key is absent.
    func line(of key: String) -> Int { keyLines[key] ?? fenceLine }

    func has(_ key: String) -> Bool { values[key] != nil }

    /// Whether an unknown key was met whose intent could not be guessed: checks that depend
    /// on this block (a quiz's computed answer) are then skipped rather than risk calling a
    /// right answer wrong.
    private(set) var hasUncertainKeys = false

    /// Records one problem for each key not in `allowed`. A key that is a likely typo of a
    /// known one that is not written (`kernal` for `kernel`) is read as that key, so the rest
    /// of the block is checked as the author meant it.
    mutating func rejectUnknownKeys(allowed: [String]) {
        for key in keys where !allowed.contains(key) {
            let known = "known: \(allowed.joined(separator: ", "))"
            if let meant = Self.likelyMeant(key, among: allowed), values[meant] == nil {
                problems.append(LessonProblem(line: line(of: key), message: "unknown key '\(key)' in the \(kind) block: "
                    + "did you mean '\(meant)'? (read as '\(meant)' to check the rest; \(known))"))
                values[meant] = values[key]
                keyLines[meant] = keyLines[key]
            } else {
                problems.append(LessonProblem(line: line(of: key),
                                              message: "unknown key '\(key)' in the \(kind) block (\(known))"))
                hasUncertainKeys = true
            }
            values[key] = nil
        }
        keys = keys.filter { values[$0] != nil } + allowed.filter { values[$0] != nil && !keys.contains($0) }
    }

    /// The known key `key` most likely stands for: the same letters in another case or with
    /// `-` for `_`, or one at most two edits away (and closer than any other).
    static func likelyMeant(_ key: String, among allowed: [String]) -> String? {
        let normal = key.lowercased().replacingAll("-", with: "_")
        if let same = allowed.first(where: { $0.lowercased() == normal }) { return same }
        let scored = allowed.map { ($0, editDistance(normal, $0.lowercased())) }.filter { $0.1 <= 2 }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return scored.filter({ $0.1 == best.1 }).count == 1 ? best.0 : nil
    }

    /// Levenshtein distance with adjacent swaps counted as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[x.count][y.count]
    }

    mutating func problem(_ key: String, _ message: String) {
        problems.append(LessonProblem(line: line(of: key), message: message))
    }

    /// A scalar as text (numbers included, as written).
    mutating func string(_ key: String) -> String? {
        guard let node = values[key] else { return nil }
        guard case .scalar(let scalar) = node else {
            problem(key, "'\(key)' must be text, not a \(Self.shape(of: node))")
            return nil
        }
        return scalar.string
    }

    /// A number (integer or decimal).
    mutating func number(_ key: String) -> Double? {
        guard let node = values[key] else { return nil }
        guard case .scalar(let scalar) = node, let value = Double(scalar.string.trimmingSpaces) else {
            problem(key, "'\(key)' must be a number, got \(Self.quote(node))")
            return nil
        }
        guard Self.isFiniteFloat32(value) else {
            problem(key, "'\(key)' is \(Self.quote(node)), not a finite float32 number (magnitudes up to about 3.4e38)")
            return nil
        }
        return value
    }

    /// A whole number.
    mutating func integer(_ key: String) -> Int? {
        guard let node = values[key] else { return nil }
        guard case .scalar(let scalar) = node, let value = Int(scalar.string.trimmingSpaces) else {
            problem(key, "'\(key)' must be a whole number, got \(Self.quote(node))")
            return nil
        }
        return value
    }

    /// A whole number or a [height, width] pair; a single number applies to both.
    mutating func pair(_ key: String) -> (Int, Int)? {
        guard let node = values[key] else { return nil }
        if case .scalar(let scalar) = node, let value = Int(scalar.string.trimmingSpaces) { return (value, value) }
        if case .sequence(let items) = node, items.count == 2,
           let height = items[0].scalar.flatMap({ Int($0.string) }),
           let width = items[1].scalar.flatMap({ Int($0.string) }) {
            return (height, width)
        }
        problem(key, "'\(key)' must be a whole number or a [height, width] pair, got \(Self.quote(node))")
        return nil
    }

    /// A text or a list of texts (hints).
    mutating func strings(_ key: String) -> [String]? {
        guard let node = values[key] else { return nil }
        switch node {
        case .scalar(let scalar): return [scalar.string]
        case .sequence(let items):
            var texts: [String] = []
            for item in items {
                guard case .scalar(let scalar) = item else {
                    problems.append(LessonProblem(line: line(of: item), message: "each of '\(key)' must be text"))
                    return nil
                }
                texts.append(scalar.string)
            }
            return texts
        case .mapping:
            problem(key, "'\(key)' must be text or a list of texts, not a mapping")
            return nil
        }
    }

    /// A matrix: a list of rows ([[1, 2], [3, 4]]) or a string "1 2; 3 4" as `cnnlab explore` takes.
    mutating func matrix(_ key: String) -> [[Double]]? {
        guard let node = values[key] else { return nil }
        let rows: [[Double]]
        switch node {
        case .scalar(let scalar):
            // The explorer's own reader of the "1 2; 3 4" notation (and its messages).
            do {
                let matrix = try MatrixParser.parseRows(scalar.string, name: "'\(key)'")
                rows = (0..<matrix.rows).map { r in (0..<matrix.columns).map { c in Double(matrix[r, c]) } }
            } catch {
                problem(key, error.message)
                return nil
            }
        case .sequence(let items):
            var parsed: [[Double]] = []
            for item in items {
                guard case .sequence(let cells) = item else {
                    problems.append(LessonProblem(line: line(of: item),
                                                  message: "each row of '\(key)' must be a list of numbers"))
                    return nil
                }
                var row: [Double] = []
                for cell in cells {
                    guard let value = cell.scalar.flatMap({ Double($0.string) }) else {
                        problems.append(LessonProblem(line: line(of: cell),
                                                      message: "'\(key)' holds \(Self.quote(cell)), which is not a number"))
                        return nil
                    }
                    row.append(value)
                }
                parsed.append(row)
            }
            rows = parsed
        case .mapping:
            problem(key, "'\(key)' must be a matrix, not a mapping")
            return nil
        }
        if rows.isEmpty || rows[0].isEmpty {
            problem(key, "'\(key)' is empty")
            return nil
        }
        for (index, row) in rows.enumerated() {
            if let bad = row.first(where: { !Self.isFiniteFloat32($0) }) {
                problem(key, "'\(key)' row \(index + 1) holds \(bad), not a finite float32 number (magnitudes up to about 3.4e38)")
                return nil
            }
        }
        if let bad = rows.firstIndex(where: { $0.count != rows[0].count }) {
            problem(key, "'\(key)' row \(bad + 1) has \(rows[bad].count) values but row 1 has \(rows[0].count)")
            return nil
        }
        return rows
    }

    /// True when `value` survives the explorer's conversion to Float: not NaN, not infinite,
    /// not past float32's range (1e39 is a finite Double but an infinite Float).
    static func isFiniteFloat32(_ value: Double) -> Bool { value.isFinite && Float(value).isFinite }

    /// The raw node, for blocks with their own structure (model layers).
    func node(_ key: String) -> Node? { values[key] }

    static func shape(of node: Node) -> String {
        switch node {
        case .scalar: return "value"
        case .sequence: return "list"
        case .mapping: return "mapping"
        }
    }

    static func quote(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

extension String {
    /// The text without whitespace Characters at either end. ASCII ends are trimmed byte by byte
    /// (a lesson's table of a megabyte trims every cell on each layout); anything else, such as a
    /// no-break space or a combining mark next to a space, goes Character by Character.
    var trimmingSpaces: String {
        let bytes = utf8
        func blank(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, blank(bytes[start]) { start = bytes.index(after: start) }
        while end > start, blank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        if start == end { return "" }   // all blank (a non-blank byte stops both loops)
        guard bytes[start] < 0x80, bytes[bytes.index(before: end)] < 0x80 else {
            var text = Substring(self)
            while text.first?.isWhitespace == true { text.removeFirst() }
            while text.last?.isWhitespace == true { text.removeLast() }
            return String(text)
        }
        if start == bytes.startIndex && end == bytes.endIndex { return self }
        return String(self[start..<end])
    }
}
