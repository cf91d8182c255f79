/// Dropout, as PyTorch's `nn.Dropout`: in training each value is zeroed with probability p and
/// the others scaled by 1 / (1 - p) (inverted dropout, so evaluation needs no scaling); in
/// evaluation it passes values unchanged. The masks come from its own seeded random source, so a
/// run is reproducible.
public final class Dropout: Layer, @unchecked Sendable {
    public let p: Float
    public private(set) var mode: LayerMode = .training

    private var rng: SeededRandom
    private var mask: [Float] = []
    private var modeOfLastForward: LayerMode = .training
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])

    public init(p: Float = 0.5, seed: UInt64) {
        precondition(p >= 0 && p < 1, "Dropout: p must be in [0, 1)")
        self.p = p
        rng = SeededRandom(seed: seed)
    }

    public var parameters: [Parameter] { [] }
    public func setMode(_ mode: LayerMode) { self.mode = mode }
    public var description: String { "Dropout(p=\(PythonFloat.text(p)), inplace=False)" }
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        output.resize(to: input.shape)
        modeOfLastForward = mode
        switch mode {
        case .evaluation:
            input.withPointer { x in output.withMutablePointer { y in y.update(from: x, count: input.count) } }
        case .training:
            if mask.count != input.count { mask = [Float](repeating: 0, count: input.count) }
            // One key a step from the seeded generator; each value's draw is a hash of the key and
            // its index (vectorised: 0.02 ms for 65,536 values, against 0.3-0.4 ms drawing one
            // number per value from the generator).
            let key = rng.next()
            mask.withUnsafeMutableBufferPointer { m in
                dropoutMask(m.baseAddress!, count: input.count, p: p, key: key)
            }
            input.withPointer { x in
                output.withMutablePointer { y in dropoutApply(input: x, mask: mask, output: y, count: input.count) }
            }
        }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.shape == output.shape, "Dropout.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        gradInput.resize(to: gradOutput.shape)
        switch modeOfLastForward {
        case .evaluation:
            gradOutput.withPointer { dy in gradInput.withMutablePointer { dx in dx.update(from: dy, count: gradOutput.count) } }
        case .training:
            gradOutput.withPointer { dy in
                gradInput.withMutablePointer { dx in dropoutApply(input: dy, mask: mask, output: dx, count: gradOutput.count) }
            }
        }
        return gradInput
    }
}
