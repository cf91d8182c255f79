/// An n-dimensional array of Floats: a shape and its values, flat in row-major (NCHW) order.
///
/// `Tensor` is a class so that layers can hand out their output buffers and overwrite them on
/// the next step without copying: a tensor returned by `Layer.forward` belongs to the layer and
/// changes on its next call. Use `copy()` to keep the values.
///
///     let image = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
///     image[0, 0, 1, 0]   // 3
public final class Tensor: @unchecked Sendable, Equatable, CustomStringConvertible {
    /// The size of each dimension, outermost first (for images: batch, channels, height, width).
    public var shape: [Int]
    /// The values, row-major; `scalars.count` is the product of `shape`.
    public var scalars: [Float]

    /// A tensor with the given values; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: \(scalars.count) values do not fill shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor from untrusted data (a file, user input): throws instead of trapping when the
    /// shape has a negative dimension or the values do not fill it.
    public convenience init(validatingShape shape: [Int], scalars: [Float]) throws(ShapeError) {
        if let bad = shape.first(where: { $0 < 0 }) {
            throw ShapeError(field: "shape", reason: "dimension \(bad) in \(shape) is negative")
        }
        var product = 1
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow { throw ShapeError(field: "shape", reason: "\(shape) is too large") }
            product = next
        }
        if product != scalars.count {
            throw ShapeError(field: "shape", reason: "\(scalars.count) values do not fill shape \(shape) (\(product) needed)")
        }
        self.init(shape: shape, scalars: scalars)
    }

    /// A tensor of zeros.
    public convenience init(zeros shape: [Int]) {
        self.init(shape: shape, repeating: 0)
    }

    /// A tensor with every value equal to `value`.
    public convenience init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// The number of values.
    public var count: Int { scalars.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// An independent tensor with the same shape and values.
    public func copy() -> Tensor { Tensor(shape: shape, scalars: scalars) }

    /// The flat offset of a multi-index, checked against the shape.
    public func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "Tensor: \(indices.count) indices for shape \(shape)")
        var offset = 0
        for (index, size) in zip(indices, shape) {
            precondition(index >= 0 && index < size, "Tensor: index \(indices) out of range for shape \(shape)")
            offset = offset * size + index
        }
        return offset
    }

    /// The value at a multi-index, for example `t[n, c, y, x]`.
    public subscript(_ indices: Int...) -> Float {
        get { scalars[offset(of: indices)] }
        set { scalars[offset(of: indices)] = newValue }
    }

    /// Sets every value to zero without reallocating.
    public func zero() {
        scalars.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }

    public var description: String {
        let head = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), scalars: [\(head)\(scalars.count > 8 ? ", ..." : "")])"
    }
}

extension Tensor {
    /// Runs `body` with a pointer to the values (for kernels); the tensor must not be empty.
    @inline(__always)
    func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// Runs `body` with a mutable pointer to the values; no copy while the tensor owns them alone.
    @inline(__always)
    func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    /// Makes this tensor `shape`-shaped; its values are then unspecified (the caller writes them).
    /// The storage is kept when the new size fits in it, so a layer's buffers survive a batch that
    /// alternates between two sizes (an epoch's short last batch, then the next epoch's full ones)
    /// without being freed, allocated and zero-filled again (which ran on one thread, twice an
    /// epoch); it is reallocated (zeros) only to grow beyond the largest size it has held.
    func resize(to newShape: [Int]) {
        if shape == newShape { return }
        let newCount = newShape.reduce(1, *)
        if newCount > scalars.capacity {
            scalars = [Float](repeating: 0, count: newCount)
        } else if newCount < scalars.count {
            scalars.removeLast(scalars.count - newCount)
        } else if newCount > scalars.count {
            scalars.append(contentsOf: repeatElement(0, count: newCount - scalars.count))
        }
        shape = newShape
    }
}
