/// Wraps a line of Python for a narrow box without cutting it: code breaks after a comma (or
/// a space) and goes on indented four more spaces, which Python accepts inside brackets; a
/// comment goes on as a comment. A piece with no break in reach is cut at the width.
enum PyTorchWrap {
    static func lines(_ line: String, width: Int) -> [String] {
        guard width >= 12, line.count > width else {
            // Too narrow to indent: plain pieces, still nothing lost.
            guard line.count > width, width > 0 else { return [line] }
            return stride(from: 0, to: line.count, by: width).map {
                String(line.dropFirst($0).prefix(width))
            }
        }
        let indent = line.prefix { $0 == " " }.count
        let isComment = line.dropFirst(indent).hasPrefix("#")
        let lead = String(repeating: " ", count: min(indent, width / 2)) + (isComment ? "#   " : "    ")
        var result: [String] = []
        var rest = Substring(line)
        var prefix = ""
        while prefix.count + rest.count > width {
            let room = width - prefix.count
            let reach = rest.prefix(room)
            // Break after the last ", " in reach, else after the last space, else at the width.
            var cut = reach.endIndex
            if let comma = reach.indices.last(where: { reach[$0] == "," && reach.index(after: $0) < reach.endIndex && reach[reach.index(after: $0)] == " " }),
               reach.distance(from: reach.startIndex, to: comma) > room / 3 {
                cut = reach.index(comma, offsetBy: 2)
            } else if let space = reach.lastIndex(of: " "), reach.distance(from: reach.startIndex, to: space) > room / 3 {
                cut = reach.index(after: space)
            }
            var piece = String(rest[..<cut])
            while piece.last == " " { piece.removeLast() }
            result.append(prefix + piece)
            rest = rest[cut...]
            while rest.first == " " { rest.removeFirst() }
            prefix = lead
        }
        if !rest.isEmpty { result.append(prefix + rest) }
        return result
    }
}
