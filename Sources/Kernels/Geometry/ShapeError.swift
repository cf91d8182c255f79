/// A shape or parameter that an op cannot accept, as a value with a message a student can act on.
///
/// `field` names what is wrong (for example "params.stride" or "weight"), `reason` says why.
public struct ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

/// Sizes above this are refused so that a typo (a padding of 10^9) cannot ask for terabytes.
public let maximumElementCount = 1 << 30

/// The product of `factors`, or an error naming `field` when it would exceed `maximumElementCount`.
public func checkedElementCount(_ factors: [Int], field: String) throws(ShapeError) -> Int {
    var product = 1
    for factor in factors {
        let (result, overflow) = product.multipliedReportingOverflow(by: factor)
        if overflow || result > maximumElementCount {
            throw ShapeError(field: field, reason: "too large: more than \(maximumElementCount) values of working memory (check padding, stride and dilation)")
        }
        product = result
    }
    return product
}

/// The largest size, stride, padding or dilation accepted: keeps every later product of two
/// of them far from overflowing.
public let maximumDimension = 1 << 24

/// Checks that every entry of a size is at least `minimum` (and at most `maximumDimension`).
func requireAtLeast(_ minimum: Int, _ value: Size2D, field: String) throws(ShapeError) {
    if value.height < minimum || value.width < minimum {
        let rule = minimum == 0 ? "must not be negative" : "must be at least \(minimum)"
        throw ShapeError(field: field, reason: "\(rule), got \(value)")
    }
    if value.height > maximumDimension || value.width > maximumDimension {
        throw ShapeError(field: field, reason: "must be at most \(maximumDimension), got \(value)")
    }
}

/// Checks that a single count is at least `minimum` (and at most `maximumDimension`).
func requireAtLeast(_ minimum: Int, _ value: Int, field: String) throws(ShapeError) {
    if value < minimum {
        throw ShapeError(field: field, reason: "must be at least \(minimum), got \(value)")
    }
    if value > maximumDimension {
        throw ShapeError(field: field, reason: "must be at most \(maximumDimension), got \(value)")
    }
}
