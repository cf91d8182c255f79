import Formatting
import Foundation

/// A whole network as PyTorch's `nn.Sequential` arguments: layers separated by commas at the
/// top level ("Conv2d(3, 16, 3, padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(2), Flatten(),
/// Linear(4096, 10)"), or a file of one layer per line with `#` comments.
///
/// The one reader of layer text: `cnnlab train/evaluate/bench --layers`, lessons' model and
/// train blocks, and the inspector all go through it.
///
///     let network = try NetworkText.parse("Conv2d(3, 8, 5), ReLU(), Flatten(), Linear(4704, 10)")
///     let rows = try network.shapes(input: [3, 32, 32])   // [8, 28, 28], [8, 28, 28], [4704], [10]
///     let model = network.makeSequential(seed: 0)
public struct NetworkText: Equatable, Sendable, CustomStringConvertible {
    public var layers: [LayerSpec]
    /// The file line of each layer when read from a file (1-based), else empty.
    public var lines: [Int] = []
    /// The file it was read from, for messages.
    public var path: String?

    public init(layers: [LayerSpec], lines: [Int] = [], path: String? = nil) {
        self.layers = layers
        self.lines = lines
        self.path = path
    }

    /// The network in one line, as written: "Conv2d(3, 16, 3, padding=1), BatchNorm2d(16), ...".
    public var description: String { layers.map(\.text).joined(separator: ", ") }

    /// Reads the arguments of `nn.Sequential(...)`; an `nn.Sequential(` wrapper is accepted too.
    public static func parse(_ text: String) throws(LayerTextError) -> NetworkText {
        var body = text.trimmingLayerSpaces
        for wrapper in ["torch.nn.Sequential(", "nn.Sequential(", "Sequential("] where body.hasPrefix(wrapper) && body.hasSuffix(")") {
            body = String(body.dropFirst(wrapper.count).dropLast())
            break
        }
        var layers: [LayerSpec] = []
        for field in splitTopLevel(body) {
            let item = field.text.trimmingLayerSpaces
            if item.isEmpty {
                if field.isLast && !layers.isEmpty { continue }  // a trailing comma
                throw LayerTextError(position: layers.count, layer: nil, message: "is empty (two commas in a row?)")
            }
            do { layers.append(try LayerSpec.parse(item)) } catch {
                throw LayerTextError(position: layers.count, layer: item, message: error.message)
            }
        }
        guard !layers.isEmpty else {
            throw LayerTextError(position: nil, layer: nil, message: "no layers: write them like \"Conv2d(3, 8, 5), ReLU(), Flatten(), Linear(4704, 10)\"")
        }
        return NetworkText(layers: layers)
    }

    /// Reads a file of layers, one a line (a trailing comma is allowed; `#` starts a comment;
    /// blank lines are skipped). Errors name the file and line.
    public static func parseFile(contents: String, path: String) throws(LayerTextError) -> NetworkText {
        var layers: [LayerSpec] = []
        var lines: [Int] = []
        for (number, raw) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw)
            if let hash = line.firstIndex(of: "#") { line = String(line[..<hash]) }
            for field in splitTopLevel(line) {
                let item = field.text.trimmingLayerSpaces
                if item.isEmpty { continue }
                do { layers.append(try LayerSpec.parse(item)) } catch {
                    throw LayerTextError(position: layers.count, layer: item, message: error.message, path: path, line: number + 1)
                }
                lines.append(number + 1)
            }
        }
        guard !layers.isEmpty else {
            throw LayerTextError(position: nil, layer: nil, message: "no layers in the file (one layer a line, e.g. Conv2d(3, 8, 5))",
                                 path: path, line: nil)
        }
        return NetworkText(layers: layers, lines: lines, path: path)
    }

    /// `--layers TEXT` or `--layers @FILE`.
    public static func read(argument: String) throws(LayerTextError) -> NetworkText {
        guard argument.hasPrefix("@") else { return try parse(argument) }
        let path = String(argument.dropFirst())
        if let problem = FileKind.readProblem(path) {
            throw LayerTextError(position: nil, layer: nil, message: "cannot read the layer file: it " + problem, path: path, line: nil)
        }
        let contents: String
        do { contents = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LayerTextError(position: nil, layer: nil, message: "cannot read the layer file: \(error.localizedDescription)",
                                 path: path, line: nil)
        }
        return try parseFile(contents: contents, path: path)
    }

    /// One row per layer: its output shape for one sample and its trainable values.
    public struct ShapeRow: Equatable, Sendable {
        public var layer: LayerSpec
        public var outputShape: [Int]
        public var parameterCount: Int
    }

    /// The shapes layer by layer for one sample of `input` ([C, H, W] or [F]); throws at the
    /// first layer that does not fit, naming its position, its text and both shapes:
    /// `layer 9 Linear(2000, 10) expects 2000 features, gets 2048 (32x8x8)`.
    /// With `batch`, also throws at the first layer whose output for the whole batch, or whose
    /// weights, pass cnnlab's largest tensor (checked before training, never while it runs).
    public func shapes(input: [Int], batch: Int = 1) throws(LayerTextError) -> [ShapeRow] {
        var shape = input
        var flattenedFrom: [Int]?
        var rows: [ShapeRow] = []
        for (index, layer) in layers.enumerated() {
            let output: [Int]
            do {
                output = try layer.outputShape(forSample: shape, flattenedFrom: flattenedFrom, batch: batch)
                try layer.checkTensorSizes(output: output, batch: batch)
            } catch {
                throw LayerTextError(position: index, layer: layer.text, message: error.message, path: path,
                                     line: index < lines.count ? lines[index] : nil, isShapeProblem: true)
            }
            if layer.kind == .flatten && shape.count > 1 { flattenedFrom = shape }
            else if output.count > 1 { flattenedFrom = nil }
            shape = output
            rows.append(ShapeRow(layer: layer, outputShape: output, parameterCount: layer.parameterCount))
        }
        return rows
    }

    /// The output shape of one sample (with the checks of `shapes(input:batch:)`).
    public func outputShape(input: [Int], batch: Int = 1) throws(LayerTextError) -> [Int] {
        try shapes(input: input, batch: batch).last?.outputShape ?? input
    }

    /// Trainable values of the whole network.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// The network, initialised as PyTorch would (one seeded stream through the layers in order;
    /// Dropout layers get seeds of their own from `seed` and their position).
    public func makeSequential(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential(layers.enumerated().map { index, spec in
            spec.makeLayer(rng: &rng, dropoutSeed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &+ 1)
        })
    }
}

/// Why a network text cannot be read or does not fit its input: the layer's position (its
/// index in the Sequential, as in the state_dict names), the layer as written, and the reason.
public struct LayerTextError: Error, Equatable, Sendable, CustomStringConvertible {
    public var position: Int?
    public var layer: String?
    public var message: String
    public var path: String?
    public var line: Int?
    /// True when the layers read fine but one does not fit its input.
    public var isShapeProblem = false

    public init(position: Int?, layer: String?, message: String, path: String? = nil, line: Int? = nil,
                isShapeProblem: Bool = false) {
        self.position = position
        self.layer = layer
        self.message = message
        self.path = path
        self.line = line
        self.isShapeProblem = isShapeProblem
    }

    /// "layer 9 Linear(2000, 10) expects 2000 features, gets 2048 (32x8x8)", with "FILE:LINE: "
    /// in front for a file.
    public var description: String {
        var text = ""
        if let path { text += line.map { "\(path):\($0): " } ?? "\(path): " }
        if let position {
            text += "layer \(position)"
            if let layer { text += " \(layer)" + (isShapeProblem ? " " : ": ") } else { text += " " }
        }
        return text + message
    }
}
