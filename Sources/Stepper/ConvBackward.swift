/// One term of a weight's gradient: the input value this weight multiplied at one output
/// position, times the upstream gradient of that output.
public struct WeightGradientTerm: Equatable, Sendable {
    public let outputRow: Int
    public let outputColumn: Int
    public let inputRow: Int
    public let inputColumn: Int
    public let isPadding: Bool
    public let inputValue: Float
    public let upstream: Float
    public let product: Float
}

/// What one forward step sends back to the input: the upstream gradient of its output
/// times each weight, added into the input cell that weight read.
public struct InputGradientContribution: Equatable, Sendable {
    public let channel: Int
    public let inputRow: Int
    public let inputColumn: Int
    public let weight: Float
    /// upstream × weight.
    public let amount: Float
    /// The input cell's gradient before and after this step.
    public let before: Float
    public let after: Float
}

/// The backward pass of a convolution, built on its forward trace.
///
/// Each forward step (output o) sends `upstream[o] × w` to every real input cell its window read;
/// each weight w gathers `input × upstream[o]` over every step.
public struct ConvBackward: Equatable, Sendable {
    public let forward: ConvTrace
    /// N x F x H_out x W_out, the gradient of the loss with respect to the output.
    public let upstream: Tensor4
    public let gradInput: Tensor4
    public let gradWeight: Tensor4
    /// One per filter: the sum of its upstream gradients (nil when there is no bias).
    public let gradBias: [Float]?

    /// `upstream` defaults to ones, as when the loss is the sum of the outputs.
    public init(forward: ConvTrace, upstream: Tensor4? = nil) throws(ExploreError) {
        let shape = forward.output
        let up = upstream ?? Tensor4(batch: shape.batch, channels: shape.channels, height: shape.height,
                                     width: shape.width, fill: 1)
        guard up.shape == shape.shape else {
            throw ExploreError("the upstream gradient must have the output's shape \(shape.shape) (got \(up.shape))")
        }
        self.forward = forward
        self.upstream = up
        // The gradients are the reference op's; the steps below only show them arriving.
        let gradients = forward.geometry.backwardReference(input: forward.input.values, weight: forward.weight.values,
                                                           gradOutput: up.values, hasBias: forward.bias != nil)
        self.gradInput = Tensor4(shape: forward.input.shape, values: gradients.gradInput)
        self.gradWeight = Tensor4(shape: forward.weight.shape, values: gradients.gradWeight)
        self.gradBias = gradients.gradBias
    }

    /// The upstream gradient of the output a step computed.
    public func upstream(of step: ConvStep) -> Float {
        upstream[step.sample, step.filter, step.outputRow, step.outputColumn]
    }

    /// The input gradient after the first `count` forward steps have sent theirs back.
    public func gradInput(afterSteps count: Int) -> Tensor4 {
        var grad = Tensor4(batch: forward.input.batch, channels: forward.input.channels,
                           height: forward.input.height, width: forward.input.width)
        for step in forward.steps.prefix(count) {
            let g = upstream(of: step)
            for tap in step.taps where !tap.isPadding {
                grad[step.sample, tap.channel, tap.inputRow, tap.inputColumn] += tap.weight * g
            }
        }
        return grad
    }

    /// What step `index` adds to the input gradient, with each cell's value before and after.
    public func contributions(ofStep index: Int) -> [InputGradientContribution] {
        var grad = gradInput(afterSteps: index)
        let step = forward.steps[index]
        let g = upstream(of: step)
        var result: [InputGradientContribution] = []
        for tap in step.taps where !tap.isPadding {
            let before = grad[step.sample, tap.channel, tap.inputRow, tap.inputColumn]
            let after = before + tap.weight * g
            grad[step.sample, tap.channel, tap.inputRow, tap.inputColumn] = after
            result.append(InputGradientContribution(channel: tap.channel, inputRow: tap.inputRow,
                                                    inputColumn: tap.inputColumn, weight: tap.weight,
                                                    amount: tap.weight * g, before: before, after: after))
        }
        return result
    }

    /// For weight [filter, channel, row, column]: every input it multiplied (sample `sample`),
    /// with the upstream gradient of that output. Their products sum to the weight's gradient
    /// (over all samples).
    public func weightTerms(filter: Int, channel: Int, row: Int, column: Int, sample: Int = 0) -> [WeightGradientTerm] {
        forward.steps[forward.stepRange(sample: sample, filter: filter)].compactMap { step in
            guard let tap = step.taps.first(where: {
                $0.channel == channel && $0.weightRow == row && $0.weightColumn == column
            }) else { return nil }
            let g = upstream(of: step)
            return WeightGradientTerm(outputRow: step.outputRow, outputColumn: step.outputColumn,
                                      inputRow: tap.inputRow, inputColumn: tap.inputColumn, isPadding: tap.isPadding,
                                      inputValue: tap.inputValue, upstream: g, product: tap.inputValue * g)
        }
    }

    /// A weight's gradient written out: "2×1 + 3×1 + … = 19".
    public static func weightExpression(_ terms: [WeightGradientTerm], _ n: Notation) -> String {
        let total = terms.reduce(Float(0)) { $0 + $1.product }
        let products = terms.map { "\(n.factor($0.inputValue))\(n.times)\(n.factor($0.upstream))" }
        return products.joined(separator: " + ") + " = " + n.number(total)
    }
}
