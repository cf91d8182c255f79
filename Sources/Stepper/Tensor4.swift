/// A batch of feature maps, N x C x H x W, stored row-major like PyTorch's contiguous tensors.
public struct Tensor4: Equatable, Sendable {
    public let batch: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    public var values: [Float]

    /// A tensor of zeros (or `fill`) of the given shape.
    public init(batch: Int, channels: Int, height: Int, width: Int, fill: Float = 0) {
        self.batch = batch; self.channels = channels; self.height = height; self.width = width
        values = Array(repeating: fill, count: batch * channels * height * width)
    }

    /// A tensor from nested lists [n][c][h][w]; nil when the lists are ragged or empty.
    public init?(nested: [[[[Float]]]]) {
        guard let first = nested.first, let channel = first.first, let row = channel.first, !row.isEmpty
        else { return nil }
        batch = nested.count; channels = first.count; height = channel.count; width = row.count
        var flat: [Float] = []
        flat.reserveCapacity(batch * channels * height * width)
        for sample in nested {
            guard sample.count == channels else { return nil }
            for map in sample {
                guard map.count == height else { return nil }
                for line in map {
                    guard line.count == width else { return nil }
                    flat.append(contentsOf: line)
                }
            }
        }
        values = flat
    }

    /// One channel of one sample as a matrix.
    public init(matrix: Matrix) {
        self.init(batch: 1, channels: 1, height: matrix.rows, width: matrix.columns)
        values = matrix.values
    }

    /// Several matrices of one shape as the channels of one sample.
    public init(channels maps: [Matrix]) {
        let first = maps.first ?? Matrix(rows: 0, columns: 0)
        self.init(batch: 1, channels: maps.count, height: first.rows, width: first.columns)
        values = maps.flatMap(\.values)
    }

    /// Matrices grouped as [outer][inner], e.g. filters x input channels of a kernel.
    public init(grouped maps: [[Matrix]]) {
        let first = maps.first?.first ?? Matrix(rows: 0, columns: 0)
        self.init(batch: maps.count, channels: maps.first?.count ?? 0, height: first.rows, width: first.columns)
        values = maps.flatMap { $0.flatMap(\.values) }
    }

    public var shape: [Int] { [batch, channels, height, width] }
    public var count: Int { values.count }

    /// The flat position of element (n, c, h, w).
    @inline(__always)
    public func offset(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Int {
        ((n * channels + c) * height + h) * width + w
    }

    public subscript(n: Int, c: Int, h: Int, w: Int) -> Float {
        get { values[offset(n, c, h, w)] }
        set { values[offset(n, c, h, w)] = newValue }
    }

    /// The H x W matrix of sample `n`, channel `c`.
    public func matrix(_ n: Int, _ c: Int) -> Matrix {
        let start = offset(n, c, 0, 0)
        return Matrix(rows: height, columns: width, values: Array(values[start..<(start + height * width)]))
    }

    /// Replaces the H x W matrix of sample `n`, channel `c` (same shape required).
    public mutating func setMatrix(_ matrix: Matrix, _ n: Int, _ c: Int) {
        precondition(matrix.rows == height && matrix.columns == width, "matrix shape must match the tensor")
        let start = offset(n, c, 0, 0)
        values.replaceSubrange(start..<(start + height * width), with: matrix.values)
    }

    /// The values as nested lists [n][c][h][w], as PyTorch's `tolist()` gives them.
    public var nested: [[[[Float]]]] {
        (0..<batch).map { n in (0..<channels).map { c in (0..<height).map { h in
            (0..<width).map { w in self[n, c, h, w] } } } }
    }
}
