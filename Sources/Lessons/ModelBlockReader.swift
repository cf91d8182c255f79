extension ModelBlock {
    static let keys = ["title", "course", "input", "layers"]

    /// The largest height or width of a model block's input, and its largest channel or
    /// feature count: beyond these no lesson network exists.
    public static let maximumSide = 4_096
    public static let maximumWidth = 65_536

    /// Reads a model block: either `course: cnn | mlp | autoencoder`, or `input` and `layers`.
    static func read(_ fields: inout BlockFields) -> ModelBlock? {
        fields.rejectUnknownKeys(allowed: keys)
        let before = fields.problems.count
        let title = fields.string("title")
        var input: [Int]?
        var layers: [String] = []
        var layerLines: [Int] = []

        if let course = fields.string("course") {
            if fields.has("layers") { fields.problem("layers", "write either 'course' or 'layers', not both") }
            if let model = courseModels[course] {
                input = model.input
                layers = model.layers
                layerLines = Array(repeating: fields.line(of: "course"), count: layers.count)
            } else {
                fields.problem("course", "unknown course model '\(course)' (expected \(courseModels.keys.sorted().joined(separator: ", ")))")
            }
        } else if let node = fields.node("layers") {
            if case .sequence(let items) = node, !items.isEmpty {
                for item in items {
                    if case .scalar(let scalar) = item {
                        layers.append(scalar.string)
                        layerLines.append(fields.line(of: item))
                    } else {
                        fields.problems.append(LessonProblem(line: fields.line(of: item),
                                                             message: "each layer must be one line like Conv2d(3, 8, 5)"))
                    }
                }
            } else {
                fields.problem("layers", "'layers' must be a list of layers like - Conv2d(3, 8, 5)")
            }
        } else if !fields.has("course") {
            fields.problems.append(LessonProblem(line: fields.fenceLine, message: "the model block needs 'course' or 'layers'"))
        }

        if let node = fields.node("input") {
            if case .sequence(let items) = node, !items.isEmpty,
               case let values = items.compactMap({ $0.scalar.flatMap { Int($0.string) } }),
               values.count == items.count, values.allSatisfy({ $0 > 0 }), values.count == 1 || values.count == 3 {
                input = values
                if values.count == 3 && (values[0] > maximumWidth || max(values[1], values[2]) > maximumSide)
                    || values.count == 1 && values[0] > maximumWidth {
                    fields.problem("input", "'input' \(values) is more than a lesson model takes (at most "
                                   + "\(maximumWidth) channels or features, sides of at most \(maximumSide))")
                }
            } else {
                fields.problem("input", "'input' must be [channels, height, width] or [features], e.g. [3, 32, 32]")
            }
        } else if input == nil && fields.has("layers") {
            fields.problems.append(LessonProblem(line: fields.fenceLine, message: "the model block needs an 'input' shape, e.g. input: [3, 32, 32]"))
        }
        guard fields.problems.count == before, let input else { return nil }

        switch table(input: input, layers: layers) {
        case .success(let rows):
            var block = ModelBlock(title: title, inputShape: input, rows: rows, line: fields.fenceLine)
            block.keyLines = fields.keyLines
            return block
        case .failure(let problem):
            fields.problems.append(LessonProblem(line: layerLines[problem.index], message: problem.message))
            return nil
        }
    }
}
