import Kernels

/// One layer written as its PyTorch constructor ("Conv2d(3, 8, 5)", "MaxPool2d(2, 2)",
/// "Linear(400, 256)", "ReLU()"), with PyTorch's positional order and keyword names.
struct LayerSpec: Equatable {
    var name: String
    var arguments: [String: Int]

    /// Positional parameter names of each supported layer, in PyTorch's order.
    static let signatures: [String: [String]] = [
        "Conv2d": ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"],
        "ConvTranspose2d": ["in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
                            "groups", "bias", "dilation"],
        "MaxPool2d": ["kernel_size", "stride", "padding", "dilation"],
        "Linear": ["in_features", "out_features"],
        "ReLU": [], "Sigmoid": [], "Tanh": [], "Flatten": [],
    ]
    static let required: [String: Int] = ["Conv2d": 3, "ConvTranspose2d": 3, "MaxPool2d": 1, "Linear": 2]

    static func parse(_ text: String) -> Result<LayerSpec, LayerMessage> {
        let trimmed = text.trimmingSpaces
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else {
            return .failure("'\(trimmed)' is not a layer: write it like Conv2d(3, 8, 5) or ReLU()")
        }
        let name = String(trimmed[..<open]).trimmingSpaces.replacingOccurrencesOfPrefix("nn.")
        guard let signature = signatures[name] else {
            return .failure("unknown layer '\(name)' (known: \(signatures.keys.sorted().joined(separator: ", ")))")
        }
        let inside = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        var arguments: [String: Int] = [:]
        var position = 0
        for field in inside.split(separator: ",").map({ String($0).trimmingSpaces }) where !field.isEmpty {
            let parts = field.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            if parts.count == 2 {
                guard signature.contains(parts[0]) else { return .failure("\(name) has no argument '\(parts[0])'") }
                guard let value = Int(parts[1]) ?? (parts[1] == "True" ? 1 : parts[1] == "False" ? 0 : nil) else {
                    return .failure("\(name): '\(parts[1])' is not a whole number")
                }
                arguments[parts[0]] = value
            } else {
                guard position < signature.count else { return .failure("\(name) takes at most \(signature.count) arguments") }
                guard let value = Int(field) else { return .failure("\(name): '\(field)' is not a whole number") }
                arguments[signature[position]] = value
                position += 1
            }
        }
        let needed = required[name] ?? 0
        if let missing = signature.prefix(needed).first(where: { arguments[$0] == nil }) {
            return .failure("\(name) needs '\(missing)'")
        }
        return .success(LayerSpec(name: name, arguments: arguments))
    }

    /// The output shape and parameter count when applied to `shape` ([C, H, W] or [features]).
    func apply(to shape: [Int]) -> Result<([Int], Int), LayerMessage> {
        func argument(_ key: String, _ fallback: Int) -> Int { arguments[key] ?? fallback }
        // Every number within `SizeLimits` first, so no size or parameter count below can overflow.
        for (key, value) in arguments.sorted(by: { $0.key < $1.key }) where value > SizeLimits.dimension.maximum {
            return .failure("'\(key)' must be at most \(SizeLimits.dimension), got \(value)")
        }
        do { _ = try SizeLimits.product(shape, field: "input") } catch {
            return .failure("the input \(ModelBlock.shapeText(shape)) is \(error.reason)")
        }
        let result = applyWithinLimits(to: shape, argument: argument)
        if case .success(let (output, parameters)) = result {
            do {
                _ = try SizeLimits.product(output, field: "output")
                try SizeLimits.check(parameters, field: "parameters", in: SizeLimits.elementCount)
            } catch {
                return .failure("the \(error.field) is \(error.reason)")
            }
        }
        return result
    }

    private func applyWithinLimits(to shape: [Int], argument: @escaping (String, Int) -> Int) -> Result<([Int], Int), LayerMessage> {
        switch name {
        case "ReLU", "Sigmoid", "Tanh":
            return .success((shape, 0))
        case "Flatten":
            return .success(([shape.reduce(1, *)], 0))   // checked by `apply` before this
        case "Linear":
            let inFeatures = argument("in_features", 0), outFeatures = argument("out_features", 0)
            guard shape.count == 1 else {
                return .failure("needs a flat input but gets \(ModelBlock.shapeText(shape)); add Flatten() before it")
            }
            guard shape[0] == inFeatures else { return .failure("expects \(inFeatures) features but gets \(shape[0])") }
            return .success(([outFeatures], inFeatures * outFeatures + outFeatures))
        case "Conv2d", "ConvTranspose2d", "MaxPool2d":
            guard shape.count == 3 else { return .failure("needs a C×H×W input but gets \(ModelBlock.shapeText(shape))") }
            let kernel = argument("kernel_size", 1)
            let stride = argument("stride", name == "MaxPool2d" ? kernel : 1)
            let padding = argument("padding", 0), dilation = argument("dilation", 1)
            guard kernel >= 1, stride >= 1, dilation >= 1, padding >= 0 else {
                return .failure("kernel, stride and dilation must be at least 1, padding at least 0")
            }
            let size: (Int) -> Int = { input in
                name == "ConvTranspose2d"
                    ? OutputSize.transposedConvolution(input: input, kernel: kernel, stride: stride, padding: padding,
                                            dilation: dilation, outputPadding: argument("output_padding", 0))
                    : OutputSize.convolution(input: input, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
            }
            let height = size(shape[1]), width = size(shape[2])
            guard height >= 1, width >= 1 else { return .failure("the output would be empty (\(height)×\(width))") }
            if name == "MaxPool2d" { return .success(([shape[0], height, width], 0)) }
            let inChannels = argument("in_channels", 0), outChannels = argument("out_channels", 0)
            guard shape[0] == inChannels else {
                return .failure("expects \(inChannels) input channels but gets \(shape[0])")
            }
            let hasBias = argument("bias", 1) != 0
            // Each factor is at most 2^24 but their product may not fit: count it checked.
            guard let weights = try? SizeLimits.product([inChannels, outChannels, kernel, kernel], field: "parameters") else {
                return .failure("the parameters are too large: \(inChannels) x \(outChannels) x \(kernel) x \(kernel) exceeds \(SizeLimits.elementCount)")
            }
            return .success(([outChannels, height, width], weights + (hasBias ? outChannels : 0)))
        default:
            return .failure("unknown layer")
        }
    }
}

extension String {
    func replacingOccurrencesOfPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}

/// Why a layer cannot be read or applied, written as a plain string literal.
struct LayerMessage: Error, Equatable, ExpressibleByStringInterpolation {
    let text: String
    init(stringLiteral value: String) { text = value }
    init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }
}
