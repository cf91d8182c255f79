import Kernels

/// Reads the "params" object of a case: (height, width) pairs given as [h, w] or a single
/// integer (as PyTorch accepts), and booleans. Missing entries take PyTorch's defaults.
struct ParamReader {
    private let fields: [String: JSONValue]

    init(_ value: JSONValue?) throws(ShapeError) {
        switch value {
        case nil, .null?: fields = [:]
        case .object(let object)?: fields = object
        case let other?: throw ShapeError(field: "params", reason: "must be an object, got \(other.kind)")
        }
    }

    /// Refuses parameters the op does not have, so a typo ("strides") is not silently ignored.
    func allow(_ names: Set<String>) throws(ShapeError) {
        for key in fields.keys.sorted() where !names.contains(key) {
            throw ShapeError(field: "params.\(key)", reason: "is not a parameter of this op (expected \(names.sorted().joined(separator: ", ")))")
        }
    }

    /// PyTorch options cnnlab accepts only at their default: groups = 1, padding_mode = "zeros".
    func requireDefaults() throws(ShapeError) {
        switch fields["groups"] {
        case nil, .null?, .number(1)?: break
        case let other?:
            throw ShapeError(field: "params.groups", reason: "only groups = 1 is supported, got \(describe(other))")
        }
        switch fields["padding_mode"] {
        case nil, .null?, .string("zeros")?: break
        case let other?:
            throw ShapeError(field: "params.padding_mode", reason: "only \"zeros\" is supported, got \(describe(other))")
        }
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .number(let n): n == n.rounded() ? "\(Int(n))" : "\(n)"
        case .string(let s): "\"\(s)\""
        default: value.kind
        }
    }

    func has(_ name: String) -> Bool {
        if let value = fields[name], value != .null { return true }
        return false
    }

    func pair(_ name: String, default fallback: Int) throws(ShapeError) -> Size2D {
        try optionalPair(name) ?? Size2D(square: fallback)
    }

    func optionalPair(_ name: String) throws(ShapeError) -> Size2D? {
        let field = "params.\(name)"
        switch fields[name] {
        case nil, .null?:
            return nil
        case .array(let items)? where items.isEmpty:
            return nil   // PyTorch reads stride=[] as "the default" (the kernel size for pooling)
        case .number(let n)?:
            return Size2D(square: try integer(n, field: field))
        case .array(let items)? where items.count == 2:
            guard case .number(let h) = items[0], case .number(let w) = items[1] else {
                throw ShapeError(field: field, reason: "must be two integers [height, width]")
            }
            return Size2D(try integer(h, field: field), try integer(w, field: field))
        case .array(let items)? where items.count == 1:
            guard case .number(let n) = items[0] else { throw ShapeError(field: field, reason: "must be two integers [height, width]") }
            return Size2D(square: try integer(n, field: field))
        case let other?:
            throw ShapeError(field: field, reason: "must be [height, width] or one integer, got \(other.kind)\(arity(other))")
        }
    }

    /// A finite number (eps, momentum, negative_slope); `valid` says which values PyTorch accepts.
    func number(_ name: String, default fallback: Double, valid: (Double) -> Bool = { _ in true },
                rule: String = "") throws(ShapeError) -> Double {
        switch fields[name] {
        case nil, .null?: return fallback
        case .number(let value)?:
            guard value.isFinite, valid(value) else {
                throw ShapeError(field: "params.\(name)", reason: "must be \(rule.isEmpty ? "a finite number" : rule), got \(value)")
            }
            return value
        case let other?: throw ShapeError(field: "params.\(name)", reason: "must be a number, got \(other.kind)")
        }
    }

    func bool(_ name: String, default fallback: Bool) throws(ShapeError) -> Bool {
        switch fields[name] {
        case nil, .null?: return fallback
        case .bool(let value)?: return value
        case let other?: throw ShapeError(field: "params.\(name)", reason: "must be true or false, got \(other.kind)")
        }
    }

    private func integer(_ n: Double, field: String) throws(ShapeError) -> Int {
        guard n == n.rounded(), abs(n) <= Double(1 << 40) else {
            throw ShapeError(field: field, reason: "must be a whole number, got \(n)")
        }
        return Int(n)
    }

    private func arity(_ value: JSONValue) -> String {
        if case .array(let items) = value { return " of \(items.count) values" }
        return ""
    }
}
