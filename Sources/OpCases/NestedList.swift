import Kernels

/// A tensor given as nested JSON lists, for example [[[[1, 2], [3, 4]]]]: its shape and its
/// values flattened row-major. Reading checks that the lists are rectangular, of the expected
/// rank, non-empty, and hold only numbers that fit a Float.
public struct NestedList: Sendable {
    public var shape: [Int]
    public var values: [Float]

    public static func read(_ value: JSONValue?, field: String, rank: Int) throws(ShapeError) -> NestedList {
        try read(value, field: field, ranks: [rank])
    }

    /// Accepts any of `ranks` (the first is the one named in messages).
    public static func read(_ value: JSONValue?, field: String, ranks: [Int]) throws(ShapeError) -> NestedList {
        guard let value, value != .null else { throw ShapeError(field: field, reason: "missing") }
        let shape = probedShape(value)
        guard ranks.contains(shape.count) else {
            let rank = ranks[0]
            var names = rank == 4 ? " (N x C x H x W)" : ""
            if ranks.contains(3) && rank == 4 { names += " or 3 (C x H x W)" }
            throw ShapeError(field: field, reason: "must be nested lists of rank \(rank)\(names), got rank \(shape.count)")
        }
        if let zero = shape.firstIndex(of: 0) {
            throw ShapeError(field: field, reason: "dimension \(zero) is empty (shape \(shape))")
        }
        let count = try checkedElementCount(shape, field: field)
        var values: [Float] = []
        values.reserveCapacity(count)
        try flatten(value, shape: shape, depth: 0, path: field, into: &values)
        return NestedList(shape: shape, values: values)
    }

    /// The shape the first entries suggest (the lengths of the first list at each level); `read`
    /// checks that every other entry agrees.
    public static func probedShape(_ value: JSONValue) -> [Int] {
        var shape: [Int] = []
        var probe = value
        while case .array(let items) = probe {
            shape.append(items.count)
            guard let first = items.first else { break }
            probe = first
        }
        return shape
    }

    public static func readOptional(_ value: JSONValue?, field: String, rank: Int) throws(ShapeError) -> NestedList? {
        guard let value, value != .null else { return nil }
        return try read(value, field: field, rank: rank)
    }

    private static func flatten(_ value: JSONValue, shape: [Int], depth: Int, path: String,
                                into values: inout [Float]) throws(ShapeError) {
        if depth == shape.count {
            guard case .number(let number) = value else {
                throw ShapeError(field: path, reason: "must be a number, got \(value.kind)")
            }
            let single = Float(number)
            guard single.isFinite else {
                throw ShapeError(field: path, reason: "\(number) does not fit a 32-bit float")
            }
            values.append(single)
            return
        }
        guard case .array(let items) = value else {
            throw ShapeError(field: path, reason: "must be a list (the lists are not rectangular: expected shape \(shape)), got \(value.kind)")
        }
        guard items.count == shape[depth] else {
            throw ShapeError(field: path, reason: "has \(items.count) entries where \(shape[depth]) were expected: the lists are not rectangular (shape \(shape) from the first entries)")
        }
        for (index, item) in items.enumerated() {
            try flatten(item, shape: shape, depth: depth + 1, path: "\(path)[\(index)]", into: &values)
        }
    }
}
