/// The layers a network text may use, named as PyTorch's `torch.nn` names them.
///
/// Adding a layer: a case here, its signature below, its `LayerSpec` shape and parameter
/// rules (LayerSpec+Shapes.swift) and its constructor (LayerSpec+Build.swift); the exhaustive
/// switches there point to each place.
public enum LayerKind: String, CaseIterable, Sendable {
    case conv2d = "Conv2d"
    case convTranspose2d = "ConvTranspose2d"
    case maxPool2d = "MaxPool2d"
    case avgPool2d = "AvgPool2d"
    case batchNorm2d = "BatchNorm2d"
    case dropout = "Dropout"
    case relu = "ReLU"
    case leakyReLU = "LeakyReLU"
    case sigmoid = "Sigmoid"
    case tanh = "Tanh"
    case flatten = "Flatten"
    case linear = "Linear"

    /// The names, for messages: "AvgPool2d, BatchNorm2d, Conv2d, ...".
    public static var knownNames: String { allCases.map(\.rawValue).sorted().joined(separator: ", ") }

    /// The constructor's parameters in PyTorch's positional order, with their defaults.
    var signature: [LayerParameter] {
        switch self {
        case .conv2d:
            return [.required("in_channels", .count), .required("out_channels", .count),
                    .required("kernel_size", .size), .init("stride", .size, .integer(1)),
                    .init("padding", .padding, .integer(0)), .init("dilation", .size, .integer(1)),
                    .init("groups", .only(.integer(1), "cnnlab's convolutions have groups=1"), .integer(1)),
                    .init("bias", .flag, .boolean(true)),
                    .init("padding_mode", .only(.string("zeros"), "cnnlab pads with zeros"), .string("zeros"))]
        case .convTranspose2d:
            return [.required("in_channels", .count), .required("out_channels", .count),
                    .required("kernel_size", .size), .init("stride", .size, .integer(1)),
                    .init("padding", .size, .integer(0)), .init("output_padding", .size, .integer(0)),
                    .init("groups", .only(.integer(1), "cnnlab's convolutions have groups=1"), .integer(1)),
                    .init("bias", .flag, .boolean(true)), .init("dilation", .size, .integer(1)),
                    .init("padding_mode", .only(.string("zeros"), "cnnlab pads with zeros"), .string("zeros"))]
        case .maxPool2d:
            return [.required("kernel_size", .size), .init("stride", .optionalSize, .pythonNone),
                    .init("padding", .size, .integer(0)), .init("dilation", .size, .integer(1)),
                    .init("return_indices", .only(.boolean(false), "a layer in nn.Sequential returns one tensor"), .boolean(false)),
                    .init("ceil_mode", .flag, .boolean(false))]
        case .avgPool2d:
            return [.required("kernel_size", .size), .init("stride", .optionalSize, .pythonNone),
                    .init("padding", .size, .integer(0)), .init("ceil_mode", .flag, .boolean(false)),
                    .init("count_include_pad", .flag, .boolean(true)),
                    .init("divisor_override", .only(.pythonNone, "cnnlab divides by the window's size"), .pythonNone)]
        case .batchNorm2d:
            return [.required("num_features", .count), .init("eps", .positiveNumber, .number(1e-5)),
                    .init("momentum", .fraction, .number(0.1)), .init("affine", .flag, .boolean(true)),
                    .init("track_running_stats", .only(.boolean(true), "cnnlab keeps running statistics for eval mode"),
                          .boolean(true))]
        case .dropout:
            return [.init("p", .probability, .number(0.5)), .init("inplace", .flag, .boolean(false))]
        case .relu:
            return [.init("inplace", .flag, .boolean(false))]
        case .leakyReLU:
            return [.init("negative_slope", .anyNumber, .number(0.01)), .init("inplace", .flag, .boolean(false))]
        case .sigmoid, .tanh:
            return []
        case .flatten:
            return [.init("start_dim", .only(.integer(1), "cnnlab flattens everything after the batch"), .integer(1)),
                    .init("end_dim", .only(.integer(-1), "cnnlab flattens everything after the batch"), .integer(-1))]
        case .linear:
            return [.required("in_features", .count), .required("out_features", .count),
                    .init("bias", .flag, .boolean(true))]
        }
    }
}

/// One constructor parameter: its keyword, what values it takes, and its default (nil: required).
struct LayerParameter: Sendable {
    var name: String
    var type: LayerParameterType
    var defaultValue: LayerValue?

    init(_ name: String, _ type: LayerParameterType, _ defaultValue: LayerValue?) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
    }

    static func required(_ name: String, _ type: LayerParameterType) -> LayerParameter {
        LayerParameter(name, type, nil)
    }
}

/// What a parameter accepts.
enum LayerParameterType: Sendable {
    /// A whole number of at least 1 (channels, features).
    case count
    /// A whole number or a (height, width) pair.
    case size
    /// A size or None (pooling's stride, None meaning the kernel size).
    case optionalSize
    /// A size, or 'same' / 'valid' (Conv2d's padding).
    case padding
    /// True or False (1 or 0 are read as Python reads them).
    case flag
    /// A number greater than 0 (eps).
    case positiveNumber
    /// A number in [0, 1] (BatchNorm's momentum).
    case fraction
    /// A probability in [0, 1) (dropout's p: 1 would zero everything).
    case probability
    /// Any finite number (LeakyReLU's slope).
    case anyNumber
    /// Only this value; the reason says why another is refused.
    case only(LayerValue, String)

    /// The value checked and normalised (1 -> True for flags, 3 -> 3.0 for numbers), or why not.
    func accept(_ value: LayerValue) -> Result<LayerValue, LayerTextProblem> {
        switch self {
        case .count:
            if case .integer(let n) = value {
                // At most SizeLimits.dimension, so parameter counts (in x out x kernel) cannot overflow.
                do { try SizeLimits.check(n, field: "", minimum: 1) } catch { return .failure(LayerTextProblem(error.reason)) }
                return .success(value)
            }
            return .failure("must be a whole number, got \(value)")
        case .size:
            switch value {
            case .integer(let n):
                do { try SizeLimits.check(n, field: "") } catch { return .failure(LayerTextProblem(error.reason)) }
                return .success(.pair(n, n))
            case .pair(let h, let w):
                do { for v in [h, w] { try SizeLimits.check(v, field: "") } } catch { return .failure(LayerTextProblem(error.reason)) }
                return .success(value)
            case .number, .boolean, .pythonNone, .string: return .failure("must be a whole number or a pair like (3, 3), got \(value)")
            }
        case .optionalSize:
            if case .pythonNone = value { return .success(.pythonNone) }
            return LayerParameterType.size.accept(value)
        case .padding:
            if case .string(let word) = value {
                return word == "same" || word == "valid" ? .success(value)
                    : .failure("must be a size, 'same' or 'valid', got \(value)")
            }
            return LayerParameterType.size.accept(value)
        case .flag:
            switch value {
            case .boolean: return .success(value)
            case .integer(let n) where n == 0 || n == 1: return .success(.boolean(n == 1))
            case .integer, .pair, .number, .pythonNone, .string: return .failure("must be True or False, got \(value)")
            }
        case .positiveNumber, .fraction, .probability, .anyNumber:
            let number: Double
            switch value {
            case .number(let x): number = x
            case .integer(let n): number = Double(n)
            case .pair, .boolean, .pythonNone, .string: return .failure("must be a number, got \(value)")
            }
            switch self {
            case .positiveNumber where !(number > 0): return .failure("must be greater than 0, got \(value)")
            case .fraction where !(number >= 0 && number <= 1): return .failure("must be between 0 and 1, got \(value)")
            case .probability where !(number >= 0 && number < 1): return .failure("must be at least 0 and below 1, got \(value)")
            default: return .success(.number(number))
            }
        case .only(let allowed, let reason):
            if value == allowed { return .success(value) }
            if case .integer(let n) = value, case .boolean(let b) = allowed, n == (b ? 1 : 0) { return .success(allowed) }
            return .failure("only \(allowed) is supported (\(reason)), got \(value)")
        }
    }
}
