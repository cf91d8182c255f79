import Formatting
/// What a quiz's `computed:` says its answer is: a number cnnlab computes from the nearest
/// explore or model block above the quiz in the same step. `--check` compares the author's
/// answer with it, and the player hides that number in the pane until the quiz is answered.
///
///     computed: output_height     # explore: rows of the output
///     computed: output[1][2]      # explore: the value at row 1, column 2 (from 0, first filter)
///     computed: parameters[0]     # model: layer 0's parameters (PyTorch's Sequential index)
public enum ComputedValue: Equatable, Hashable, Sendable {
    /// Explore: the output's rows, columns, and number of values.
    case outputHeight, outputWidth, outputCount
    /// Explore: one output value, row and column counted from 0 as PyTorch indexes.
    case output(row: Int, column: Int)
    /// Model: all trainable parameters.
    case parameters
    /// Model: layer `index`'s parameters (PyTorch's Sequential index).
    case layerParameters(Int)
    /// Model: the number of values layer `index` outputs (one sample).
    case features(Int)

    /// Which block a value is about.
    public enum Source: Equatable, Sendable { case explore, model }

    public var source: Source {
        switch self {
        case .outputHeight, .outputWidth, .outputCount, .output: return .explore
        case .parameters, .layerParameters, .features: return .model
        }
    }

    /// The forms `computed:` takes, for messages.
    static let forms = "output_height, output_width, output_count, output[r][c], parameters, parameters[i], features[i]"

    /// Reads "output[1][2]", "parameters", "features[3]", ... (spaces allowed around brackets).
    public static func parse(_ text: String) -> ComputedValue? {
        let compact = String(text.filter { !$0.isWhitespace })
        let name = String(compact.prefix { $0 != "[" })
        var rest = Substring(compact.dropFirst(name.count))
        var indices: [Int] = []
        while rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), let value = Int(rest[rest.index(after: rest.startIndex)..<close]),
                  value >= 0 else { return nil }
            indices.append(value)
            rest = rest[rest.index(after: close)...]
        }
        guard rest.isEmpty else { return nil }
        switch (name, indices.count) {
        case ("output_height", 0): return .outputHeight
        case ("output_width", 0): return .outputWidth
        case ("output_count", 0): return .outputCount
        case ("output", 2): return .output(row: indices[0], column: indices[1])
        case ("parameters", 0): return .parameters
        case ("parameters", 1): return .layerParameters(indices[0])
        case ("features", 1): return .features(indices[0])
        default: return nil
        }
    }

    /// As the author writes it.
    public var text: String {
        switch self {
        case .outputHeight: return "output_height"
        case .outputWidth: return "output_width"
        case .outputCount: return "output_count"
        case .output(let row, let column): return "output[\(row)][\(column)]"
        case .parameters: return "parameters"
        case .layerParameters(let index): return "parameters[\(index)]"
        case .features(let index): return "features[\(index)]"
        }
    }

    /// The value for an explore block, or a message saying why it has none.
    public func value(in block: ExploreBlock) -> Result<Double, ComputedProblem> {
        let size = block.outputSize
        switch self {
        case .outputHeight: return .success(Double(size.0))
        case .outputWidth: return .success(Double(size.1))
        case .outputCount: return .success(Double(size.0 * size.1))
        case .output(let row, let column):
            if block.pass == .backward {
                return .failure("\(text) asks for a forward output, but this explorer shows the backward pass")
            }
            guard row < size.0, column < size.1 else {
                return .failure("\(text) is outside the output, which has rows 0 to \(size.0 - 1) and columns 0 to \(size.1 - 1) (counted from 0, as PyTorch indexes)")
            }
            return .success(block.forwardOutput()[row][column])
        case .parameters, .layerParameters, .features:
            return .failure("\(text) is about a model block, but the nearest block above is an explore block")
        }
    }

    /// The value for a model block, or a message saying why it has none.
    public func value(in block: ModelBlock) -> Result<Double, ComputedProblem> {
        func layer(_ index: Int) -> Result<ModelBlock.Row, ComputedProblem> {
            guard block.rows.indices.contains(index) else {
                return .failure("\(text): the model's layers are numbered 0 to \(block.rows.count - 1) (as PyTorch's Sequential)")
            }
            return .success(block.rows[index])
        }
        switch self {
        case .parameters: return .success(Double(block.totalParameters))
        case .layerParameters(let index): return layer(index).map { Double($0.parameters) }
        case .features(let index): return layer(index).map { Double($0.outputShape.reduce(1, *)) }
        case .outputHeight, .outputWidth, .outputCount, .output:
            return .failure("\(text) is about an explore block, but the nearest block above is a model block")
        }
    }

    /// How a message names the value: "the model's parameters", "the explorer's output[0][1]".
    public var phrase: String {
        switch source {
        case .explore: return "the explorer's \(text)"
        case .model: return "the model's \(text)"
        }
    }
}

/// Why a computed value cannot be had, in words for the author.
public struct ComputedProblem: Error, Equatable, ExpressibleByStringInterpolation {
    public let text: String
    public init(stringLiteral value: String) { text = value }
    public init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }
}
