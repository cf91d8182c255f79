import Kernels

/// One op to evaluate, in the schema of the golden file (../shared/golden/ops.json):
/// {"name", "op", "params", "input", "weight", "bias", "grad_output"}. Parsing validates every
/// field, shape and parameter before any kernel touches memory.
public struct OpCase: Sendable {
    public enum Op: String, Sendable, CaseIterable {
        case conv2d
        case convTranspose2d = "conv_transpose2d"
        case maxPool2d = "max_pool2d"
        case avgPool2d = "avg_pool2d"
        case batchNorm2d = "batch_norm2d"
        case leakyReLU = "leaky_relu"
        case tanh
    }

    /// Batch norm's settings and the input's shape [N, C, H, W].
    public struct BatchNormSettings: Sendable, Equatable {
        public var inputShape: [Int]
        public var eps: Float
        public var momentum: Float
        /// Batch statistics (and running statistics updated) when true; running ones when false.
        public var training: Bool
        public var shape: BatchNorm2dShape { BatchNorm2dShape(inputShape) }
    }

    /// The op with its validated geometry.
    public enum Geometry: Sendable {
        case conv2d(Conv2dGeometry)
        case convTranspose2d(ConvTranspose2dGeometry)
        case maxPool2d(MaxPool2dGeometry)
        case avgPool2d(AvgPool2dGeometry)
        case batchNorm2d(BatchNormSettings)
        /// Element-wise ops: the input's shape.
        case leakyReLU(shape: [Int], negativeSlope: Float)
        case tanh(shape: [Int])
    }

    public var name: String
    public var geometry: Geometry
    /// Flat values, row-major, in the shapes the geometry gives.
    public var input: [Float]
    public var weight: [Float]?
    public var bias: [Float]?
    public var gradOutput: [Float]
    /// batch_norm2d's running statistics before the call (one value per channel).
    public var runningMean: [Float]?
    public var runningVar: [Float]?
    /// The case gave input and grad_output without a batch dimension (C x H x W, as PyTorch
    /// accepts): it runs as a batch of one, and results are printed without the batch dimension.
    public var unbatched = false

    public var op: Op {
        switch geometry {
        case .conv2d: .conv2d
        case .convTranspose2d: .convTranspose2d
        case .maxPool2d: .maxPool2d
        case .avgPool2d: .avgPool2d
        case .batchNorm2d: .batchNorm2d
        case .leakyReLU: .leakyReLU
        case .tanh: .tanh
        }
    }
}

/// Why a case cannot be evaluated: the case, the field and the reason, as one line.
public struct OpCaseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var caseName: String
    public var field: String
    public var reason: String

    public var description: String { "case \"\(caseName)\": \(field): \(reason)" }
}

extension OpCase {
    /// Reads a file's top level: {"cases": [...]} or a single case object. Each element is the
    /// parsed case or the reason it was refused, so one bad case does not stop the others.
    /// Throws only when the whole document is unusable (malformed JSON, wrong top level).
    public static func parseDocument(_ document: JSONValue) throws(ShapeError) -> [Result<OpCase, OpCaseError>] {
        guard case .object(let top) = document else {
            throw ShapeError(field: "JSON", reason: "the top level must be a case object or {\"cases\": [...]}, got \(document.kind)")
        }
        guard let cases = top["cases"] else {
            return [parse(document, index: 0)]
        }
        guard case .array(let list) = cases else {
            throw ShapeError(field: "cases", reason: "must be a list of case objects, got \(cases.kind)")
        }
        if list.isEmpty { throw ShapeError(field: "cases", reason: "the list is empty") }
        return list.enumerated().map { parse($1, index: $0) }
    }

    /// Parses and validates one case; `index` names it when it has no "name".
    public static func parse(_ value: JSONValue, index: Int) -> Result<OpCase, OpCaseError> {
        var name = "#\(index + 1)"
        if case .object(let fields) = value, case .string(let given)? = fields["name"] { name = given }
        do throws(ShapeError) {
            return .success(try parseFields(value, name: name))
        } catch {
            return .failure(OpCaseError(caseName: name, field: error.field, reason: error.reason))
        }
    }

    private static func parseFields(_ value: JSONValue, name: String) throws(ShapeError) -> OpCase {
        guard case .object(let fields) = value else {
            throw ShapeError(field: "case", reason: "must be an object, got \(value.kind)")
        }
        if let given = fields["name"], given != .null {
            guard case .string = given else { throw ShapeError(field: "name", reason: "must be a string, got \(given.kind)") }
        }
        guard let opValue = fields["op"] else { throw ShapeError(field: "op", reason: "missing") }
        guard case .string(let opName) = opValue, let op = Op(rawValue: opName) else {
            let choices = Op.allCases.map(\.rawValue).joined(separator: ", ")
            throw ShapeError(field: "op", reason: "must be one of \(choices), got \(describe(opValue))")
        }
        let params = try ParamReader(fields["params"])
        var input = try NestedList.read(fields["input"], field: "input", ranks: [4, 3])
        let unbatched = input.shape.count == 3
        if unbatched { input.shape.insert(1, at: 0) }
        let shape = input.shape
        /// grad_output in the input's layout (batched or not), checked against the output's shape.
        func readGradOutput(_ geometry: Geometry) throws(ShapeError) -> [Float] {
            let gradOutput = try NestedList.read(fields["grad_output"], field: "grad_output", rank: unbatched ? 3 : 4)
            let expected = unbatched ? Array(geometry.outputShape.dropFirst()) : geometry.outputShape
            try requireShape(gradOutput.shape, expected)
            return gradOutput.values
        }
        switch op {
        case .conv2d, .convTranspose2d:
            let weight = try NestedList.read(fields["weight"], field: "weight", rank: 4)
            let bias = try NestedList.readOptional(fields["bias"], field: "bias", rank: 1)
            let transposed = op == .convTranspose2d
            let allowed: Set = ["stride", "padding", "dilation", "groups", "padding_mode"]
            try params.allow(transposed ? allowed.union(["output_padding"]) : allowed)
            try params.requireDefaults()
            // PyTorch's weight order: [Cout, Cin, kH, kW] for conv2d, [Cin, Cout, kH, kW] for conv_transpose2d.
            let (inAxis, outAxis) = transposed ? (0, 1) : (1, 0)
            guard weight.shape[inAxis] == shape[1] else {
                let which = transposed ? "dimension 0 of \(weight.shape), PyTorch's order for conv_transpose2d" : "shape \(weight.shape)"
                throw ShapeError(field: "weight", reason: "has \(weight.shape[inAxis]) input channels (\(which)) but the input has \(shape[1]) (shape \(shape))")
            }
            let outChannels = weight.shape[outAxis]
            let (image, kernel) = (Size2D(shape[2], shape[3]), Size2D(weight.shape[2], weight.shape[3]))
            let stride = try params.pair("stride", default: 1), padding = try params.pair("padding", default: 0)
            let outputPadding = transposed ? try params.pair("output_padding", default: 0) : 0
            let dilation = try params.pair("dilation", default: 1)
            let geometry: Geometry = transposed
                ? .convTranspose2d(try ConvTranspose2dGeometry(
                    batch: shape[0], inChannels: shape[1], outChannels: outChannels, input: image, kernel: kernel,
                    stride: stride, padding: padding, outputPadding: outputPadding, dilation: dilation))
                : .conv2d(try Conv2dGeometry(
                    batch: shape[0], inChannels: shape[1], outChannels: outChannels, input: image, kernel: kernel,
                    stride: stride, padding: padding, dilation: dilation))
            if let bias, bias.shape != [outChannels] {
                throw ShapeError(field: "bias", reason: "must hold \(outChannels) values (one per output channel), got shape \(bias.shape)")
            }
            try requireEvaluable(geometry)
            return OpCase(name: name, geometry: geometry, input: input.values, weight: weight.values,
                          bias: bias?.values, gradOutput: try readGradOutput(geometry), unbatched: unbatched)
        case .maxPool2d:
            try params.allow(["kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"])
            _ = try params.bool("return_indices", default: false)   // the indices are not printed
            for field in ["weight", "bias"] where fields[field] != nil && fields[field] != .null {
                throw ShapeError(field: field, reason: "max_pool2d has no \(field); use null or leave it out")
            }
            guard params.has("kernel_size") else { throw ShapeError(field: "params.kernel_size", reason: "missing") }
            let kernel = try params.pair("kernel_size", default: 1)
            let geometry = Geometry.maxPool2d(try MaxPool2dGeometry(
                batch: shape[0], channels: shape[1], input: Size2D(shape[2], shape[3]), kernel: kernel,
                stride: try params.optionalPair("stride") ?? kernel, padding: try params.pair("padding", default: 0),
                dilation: try params.pair("dilation", default: 1), ceilMode: try params.bool("ceil_mode", default: false)))
            try requireEvaluable(geometry)
            return OpCase(name: name, geometry: geometry, input: input.values, weight: nil, bias: nil,
                          gradOutput: try readGradOutput(geometry), unbatched: unbatched)
        case .avgPool2d:
            try params.allow(["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"])
            if params.has("divisor_override") {
                throw ShapeError(field: "params.divisor_override", reason: "only null is supported (cnnlab divides by the window's size)")
            }
            try refuseWeights(fields, op: op)
            guard params.has("kernel_size") else { throw ShapeError(field: "params.kernel_size", reason: "missing") }
            let kernel = try params.pair("kernel_size", default: 1)
            let geometry = Geometry.avgPool2d(try AvgPool2dGeometry(
                batch: shape[0], channels: shape[1], input: Size2D(shape[2], shape[3]), kernel: kernel,
                stride: try params.optionalPair("stride") ?? kernel, padding: try params.pair("padding", default: 0),
                ceilMode: try params.bool("ceil_mode", default: false),
                countIncludePad: try params.bool("count_include_pad", default: true)))
            try requireEvaluable(geometry)
            return OpCase(name: name, geometry: geometry, input: input.values, weight: nil, bias: nil,
                          gradOutput: try readGradOutput(geometry), unbatched: unbatched)
        case .batchNorm2d:
            try params.allow(["eps", "momentum", "training"])
            let channels = shape[1]
            let settings = BatchNormSettings(
                inputShape: shape,
                eps: Float(try params.number("eps", default: 1e-5, valid: { $0 > 0 }, rule: "greater than 0")),
                momentum: Float(try params.number("momentum", default: 0.1, valid: { $0 >= 0 && $0 <= 1 }, rule: "between 0 and 1")),
                training: try params.bool("training", default: true))
            func perChannel(_ field: String) throws(ShapeError) -> [Float]? {
                guard let list = try NestedList.readOptional(fields[field], field: field, rank: 1) else { return nil }
                guard list.shape == [channels] else {
                    throw ShapeError(field: field, reason: "must hold \(channels) values (one per channel), got shape \(list.shape)")
                }
                return list.values
            }
            let weight = try perChannel("weight"), bias = try perChannel("bias")
            guard (weight == nil) == (bias == nil) else {
                throw ShapeError(field: weight == nil ? "weight" : "bias", reason: "give both weight and bias (affine) or neither")
            }
            guard let runningMean = try perChannel("running_mean"), let runningVar = try perChannel("running_var") else {
                throw ShapeError(field: fields["running_mean"] == nil ? "running_mean" : "running_var",
                                 reason: "missing (the running statistics before the call, one value per channel)")
            }
            if let bad = runningVar.first(where: { !($0 >= 0) }) {
                throw ShapeError(field: "running_var", reason: "must not be negative, got \(bad)")
            }
            if settings.training && shape[0] * shape[2] * shape[3] <= 1 {
                throw ShapeError(field: "input", reason: "batch norm in training needs more than one value per channel, got shape \(shape)")
            }
            let geometry = Geometry.batchNorm2d(settings)
            try requireEvaluable(geometry)
            var opCase = OpCase(name: name, geometry: geometry, input: input.values, weight: weight, bias: bias,
                                gradOutput: try readGradOutput(geometry), unbatched: unbatched)
            opCase.runningMean = runningMean
            opCase.runningVar = runningVar
            return opCase
        case .leakyReLU, .tanh:
            try params.allow(op == .tanh ? [] : ["negative_slope", "inplace"])
            _ = try params.bool("inplace", default: false)
            try refuseWeights(fields, op: op)
            let geometry: Geometry = op == .tanh ? .tanh(shape: shape)
                : .leakyReLU(shape: shape, negativeSlope: Float(try params.number("negative_slope", default: 0.01)))
            try requireEvaluable(geometry)
            return OpCase(name: name, geometry: geometry, input: input.values, weight: nil, bias: nil,
                          gradOutput: try readGradOutput(geometry), unbatched: unbatched)
        }
    }

    private static func refuseWeights(_ fields: [String: JSONValue], op: Op) throws(ShapeError) {
        for field in ["weight", "bias"] where fields[field] != nil && fields[field] != .null {
            throw ShapeError(field: field, reason: "\(op.rawValue) has no \(field); use null or leave it out")
        }
    }

    /// The most values one evaluation may hold in a tensor or workspace (256 MB of Floats): a
    /// typo such as a padding of 10000 gets a message instead of exhausting memory.
    public static let maximumEvaluationElements = 1 << 26

    private static func requireEvaluable(_ geometry: Geometry) throws(ShapeError) {
        let workspace: Int = switch geometry {
        case .conv2d(let g): g.im2col.count
        case .convTranspose2d(let g): g.im2col.count
        case .maxPool2d, .avgPool2d, .batchNorm2d, .leakyReLU, .tanh: 0
        }
        let output = geometry.outputShape.reduce(1, *)
        if max(output, workspace) > maximumEvaluationElements {
            throw ShapeError(field: "output", reason: "shape \(geometry.outputShape) is too large: it needs \(max(output, workspace)) values of working memory; cnnlab eval handles at most \(maximumEvaluationElements) (check padding, stride and dilation)")
        }
    }

    private static func requireShape(_ shape: [Int], _ expected: [Int]) throws(ShapeError) {
        if shape != expected {
            throw ShapeError(field: "grad_output", reason: "must have the output's shape \(expected), got \(shape)")
        }
    }

    static func describe(_ value: JSONValue) -> String {
        if case .string(let s) = value { return "\"\(s)\"" }
        return value.kind
    }
}

extension OpCase.Geometry {
    public var inputShape: [Int] {
        switch self {
        case .conv2d(let g): g.inputShape
        case .convTranspose2d(let g): g.inputShape
        case .maxPool2d(let g): g.inputShape
        case .avgPool2d(let g): g.inputShape
        case .batchNorm2d(let settings): settings.inputShape
        case .leakyReLU(let shape, _), .tanh(let shape): shape
        }
    }

    public var outputShape: [Int] {
        switch self {
        case .conv2d(let g): g.outputShape
        case .convTranspose2d(let g): g.outputShape
        case .maxPool2d(let g): g.outputShape
        case .avgPool2d(let g): g.outputShape
        case .batchNorm2d(let settings): settings.inputShape
        case .leakyReLU(let shape, _), .tanh(let shape): shape
        }
    }

    /// nil for ops without a weight (batch norm's, [C], is optional: see `OpCase.weight`).
    public var weightShape: [Int]? {
        switch self {
        case .conv2d(let g): g.weightShape
        case .convTranspose2d(let g): g.weightShape
        case .batchNorm2d(let settings): [settings.inputShape[1]]
        case .maxPool2d, .avgPool2d, .leakyReLU, .tanh: nil
        }
    }
}
