/// Counts of (true class, predicted class) pairs for a classifier.
public struct ConfusionMatrix: Equatable, Sendable {
    public let classCount: Int
    /// `counts[trueClass][predictedClass]`.
    public private(set) var counts: [[Int]]

    public init(classCount: Int) {
        self.classCount = classCount
        counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// Records one prediction; labels outside 0..<classCount are ignored.
    public mutating func add(trueLabel: Int, predicted: Int) {
        guard (0..<classCount).contains(trueLabel), (0..<classCount).contains(predicted) else { return }
        counts[trueLabel][predicted] += 1
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }

    /// Fraction correct over everything recorded (0 when empty).
    public var accuracy: Float { total > 0 ? Float(correct) / Float(total) : 0 }
}

/// The index of the largest of `count` values starting at `offset` (first one wins ties).
@inlinable
public func argmax(_ values: UnsafeBufferPointer<Float>, offset: Int, count: Int) -> Int {
    var best = 0
    var bestValue = -Float.infinity
    for index in 0..<count where values[offset + index] > bestValue {
        bestValue = values[offset + index]
        best = index
    }
    return best
}
