/// One layer written as its PyTorch constructor, read and checked: "Conv2d(3, 16, 3, padding=1)",
/// "BatchNorm2d(16)", "MaxPool2d(kernel_size=(2, 2))", "Dropout(p=0.25)".
///
/// Every parameter is resolved (defaults filled in, `3` read as `(3, 3)` for sizes, `1` as True
/// for flags), so the typed accessors never fail for a parameter of the layer's signature.
///
///     let spec = try LayerSpec.parse("Conv2d(3, 16, 3, padding=1)")
///     spec.size("kernel_size")   // (3, 3)
public struct LayerSpec: Equatable, Sendable, CustomStringConvertible {
    public var kind: LayerKind
    /// The layer as the student wrote it (trimmed), for messages and titles.
    public var text: String
    /// Every parameter of the signature, resolved.
    public var arguments: [String: LayerValue]

    public var description: String { text }

    /// A size parameter (kernel_size, stride, padding, ...) as (height, width); a stride of
    /// None reads as the kernel size, as PyTorch's pooling does.
    public func size(_ name: String) -> Size2D {
        switch arguments[name] {
        case .pair(let height, let width): return Size2D(height, width)
        case .integer(let n): return Size2D(square: n)
        case .pythonNone where name == "stride": return size("kernel_size")
        case .string(let word) where name == "padding": return samePadding(word)
        case .pythonNone, .number, .boolean, .string, .none:
            preconditionFailure("LayerSpec: \(kind.rawValue) has no size '\(name)'")
        }
    }

    /// A whole-number parameter (channels, features).
    public func count(_ name: String) -> Int {
        guard case .integer(let n) = arguments[name] else { preconditionFailure("LayerSpec: \(kind.rawValue) has no count '\(name)'") }
        return n
    }

    /// A True/False parameter.
    public func flag(_ name: String) -> Bool {
        guard case .boolean(let value) = arguments[name] else { preconditionFailure("LayerSpec: \(kind.rawValue) has no flag '\(name)'") }
        return value
    }

    /// A real-number parameter (eps, momentum, p, negative_slope).
    public func number(_ name: String) -> Double {
        guard case .number(let value) = arguments[name] else { preconditionFailure("LayerSpec: \(kind.rawValue) has no number '\(name)'") }
        return value
    }

    /// Conv2d's padding='valid' (none) and padding='same' (the output keeps the input's size;
    /// PyTorch allows it with stride 1, and cnnlab when the padding is the same on both sides).
    private func samePadding(_ word: String) -> Size2D {
        guard word == "same" else { return 0 }
        let kernel = size("kernel_size"), dilation = size("dilation")
        return Size2D(dilation.height * (kernel.height - 1) / 2, dilation.width * (kernel.width - 1) / 2)
    }

    /// Reads one layer, e.g. "Conv2d(3, 8, 5)" or "nn.ReLU()".
    public static func parse(_ raw: String) throws(LayerTextProblem) -> LayerSpec {
        let text = raw.trimmingLayerSpaces
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            throw LayerTextProblem("'\(text)' is not a layer: write it like Conv2d(3, 8, 5) or ReLU()")
        }
        var name = String(text[..<open]).trimmingLayerSpaces
        for prefix in ["torch.nn.", "nn."] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        guard let kind = LayerKind(rawValue: name) else {
            let hint = LayerKind.allCases.first { $0.rawValue.lowercased() == name.lowercased() }
            throw LayerTextProblem("unknown layer '\(name)'" + (hint.map { " (did you mean \($0.rawValue)?)" } ?? "")
                                   + "; known layers: \(LayerKind.knownNames)")
        }
        let signature = kind.signature
        let inside = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        var given: [String: LayerValue] = [:]
        var position = 0
        var sawKeyword = false
        for field in splitTopLevel(inside) {
            let item = field.text.trimmingLayerSpaces
            if item.isEmpty {
                if field.isLast { continue }   // a trailing comma, as Python allows
                throw LayerTextProblem("\(name): empty argument between commas")
            }
            let keyword: String?
            let valueText: String
            if let equals = topLevelEquals(in: item) {
                keyword = String(item[..<equals]).trimmingLayerSpaces
                valueText = String(item[item.index(after: equals)...])
            } else {
                keyword = nil
                valueText = item
            }
            let parameter: LayerParameter
            if let keyword {
                guard let match = signature.first(where: { $0.name == keyword }) else {
                    let known = signature.map(\.name)
                    throw LayerTextProblem("\(name) has no argument '\(keyword)'"
                                           + (known.isEmpty ? " (it takes none)" : "; its arguments: \(known.joined(separator: ", "))"))
                }
                parameter = match
                sawKeyword = true
            } else {
                guard !sawKeyword else { throw LayerTextProblem("\(name): positional argument '\(item)' after a keyword argument") }
                guard position < signature.count else {
                    throw LayerTextProblem("\(name) takes at most \(signature.count) positional argument\(signature.count == 1 ? "" : "s")"
                                           + (signature.isEmpty ? "" : " (\(signature.map(\.name).joined(separator: ", ")))"))
                }
                parameter = signature[position]
                position += 1
            }
            guard given[parameter.name] == nil else {
                throw LayerTextProblem("\(name): '\(parameter.name)' is given twice")
            }
            guard let value = LayerValue.parse(valueText) else {
                throw LayerTextProblem("\(name): \(parameter.name)=\(valueText.trimmingLayerSpaces) is not a number, a pair like (3, 3), True/False or None")
            }
            switch parameter.type.accept(value) {
            case .success(let accepted): given[parameter.name] = accepted
            case .failure(let problem): throw LayerTextProblem("\(name): \(parameter.name) \(problem.message)")
            }
        }
        var arguments: [String: LayerValue] = [:]
        for parameter in signature {
            if let value = given[parameter.name] {
                arguments[parameter.name] = value
            } else if let fallback = parameter.defaultValue {
                arguments[parameter.name] = parameter.type.normalisedDefault(fallback)
            } else {
                throw LayerTextProblem("\(name) needs '\(parameter.name)' (its arguments: \(signature.map(\.name).joined(separator: ", ")))")
            }
        }
        let spec = LayerSpec(kind: kind, text: text, arguments: arguments)
        try spec.checkCombination()
        return spec
    }

    /// Rules across parameters, checked once the text is read.
    private func checkCombination() throws(LayerTextProblem) {
        switch kind {
        case .conv2d:
            if case .string("same") = arguments["padding"] {
                let kernel = size("kernel_size"), dilation = size("dilation")
                guard size("stride") == Size2D(1, 1) else {
                    throw LayerTextProblem("Conv2d: padding='same' needs stride 1 (as in PyTorch)")
                }
                guard (dilation.height * (kernel.height - 1)) % 2 == 0, (dilation.width * (kernel.width - 1)) % 2 == 0 else {
                    throw LayerTextProblem("Conv2d: padding='same' with an even kernel pads one side more; "
                                           + "cnnlab pads both sides alike: use an odd kernel_size or a number")
                }
            }
            try checkPositive(["kernel_size", "stride", "dilation"])
        case .convTranspose2d:
            try checkPositive(["kernel_size", "stride", "dilation"])
            let outputPadding = size("output_padding"), stride = size("stride"), dilation = size("dilation")
            if outputPadding.height >= max(stride.height, dilation.height) || outputPadding.width >= max(stride.width, dilation.width) {
                throw LayerTextProblem("ConvTranspose2d: output_padding \(outputPadding) must be smaller than stride or dilation (as in PyTorch)")
            }
        case .maxPool2d:
            try checkPositive(["kernel_size", "stride", "dilation"])
            try checkHalfKernelPadding()
        case .avgPool2d:
            try checkPositive(["kernel_size", "stride"])
            try checkHalfKernelPadding()
        case .batchNorm2d, .dropout, .relu, .leakyReLU, .sigmoid, .tanh, .flatten, .linear:
            break
        }
    }

    private func checkPositive(_ names: [String]) throws(LayerTextProblem) {
        for name in names {
            let value = size(name)
            if value.height < 1 || value.width < 1 {
                throw LayerTextProblem("\(kind.rawValue): \(name) must be at least 1, got \(value)")
            }
        }
    }

    private func checkHalfKernelPadding() throws(LayerTextProblem) {
        let kernel = size("kernel_size"), padding = size("padding")
        if padding.height > kernel.height / 2 || padding.width > kernel.width / 2 {
            throw LayerTextProblem("\(kind.rawValue): padding \(padding) must be at most half of kernel_size \(kernel) (as in PyTorch)")
        }
    }
}

extension LayerParameterType {
    /// Defaults stored in the same form as given values (sizes as pairs, numbers as reals).
    func normalisedDefault(_ value: LayerValue) -> LayerValue {
        switch (self, value) {
        case (.size, .integer(let n)), (.padding, .integer(let n)), (.optionalSize, .integer(let n)): return .pair(n, n)
        default: return value
        }
    }
}

/// A piece of text between top-level commas; `isLast` marks the piece after the last comma.
struct TopLevelField {
    var text: String
    var isLast: Bool
}

/// Splits at commas outside parentheses, brackets and quotes: "3, (3, 3), stride=1" gives
/// "3", " (3, 3)", " stride=1". Unbalanced brackets leave the rest in the last piece.
func splitTopLevel(_ text: String) -> [TopLevelField] {
    var fields: [TopLevelField] = []
    var current = ""
    var depth = 0
    var quote: Character?
    for character in text {
        if let open = quote {
            if character == open { quote = nil }
            current.append(character)
            continue
        }
        switch character {
        case "'", "\"": quote = character
        case "(", "[", "{": depth += 1
        case ")", "]", "}": depth -= 1
        case "," where depth == 0:
            fields.append(TopLevelField(text: current, isLast: false))
            current = ""
            continue
        default: break
        }
        current.append(character)
    }
    fields.append(TopLevelField(text: current, isLast: true))
    return fields.count == 1 && fields[0].text.trimmingLayerSpaces.isEmpty ? [] : fields
}

/// The '=' of a keyword argument ("stride=2"), outside brackets and quotes; nil for a value alone.
private func topLevelEquals(in text: String) -> String.Index? {
    var depth = 0
    var quote: Character?
    for index in text.indices {
        let character = text[index]
        if let open = quote { if character == open { quote = nil }; continue }
        switch character {
        case "'", "\"": quote = character
        case "(", "[", "{": depth += 1
        case ")", "]", "}": depth -= 1
        case "=" where depth == 0: return index
        default: break
        }
    }
    return nil
}

/// Why one layer's text cannot be read, in words a student can act on.
public struct LayerTextProblem: Error, Equatable, Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public var message: String
    public init(_ message: String) { self.message = message }
    public init(stringLiteral value: String) { message = value }
    public init(stringInterpolation: DefaultStringInterpolation) { message = String(stringInterpolation: stringInterpolation) }
    public var description: String { message }
}
