/// The reference kernels on arrays, for the callers that show every number to a student (the
/// explorer's traces, the lesson checker): small cases, where clarity beats speed. The values
/// are the reference loops' own, so what a trace shows is what `cnnlab eval --reference` prints.
///
/// Each function expects arrays of the geometry's shapes (row-major, PyTorch's layouts).
extension Conv2dGeometry {
    /// The output [N, Cout, OH, OW] of input [N, Cin, H, W], weight [Cout, Cin, kH, kW] and bias [Cout] or nil.
    public func forwardReference(input: [Float], weight: [Float], bias: [Float]?) -> [Float] {
        precondition(input.count == inputCount && weight.count == weightCount && (bias?.count ?? outChannels) == outChannels)
        var output = [Float](repeating: 0, count: outputCount)
        bias.withOptionalPointer { b in
            conv2dForwardReference(self, input: input, weight: weight, bias: b, output: &output)
        }
        return output
    }

    /// The gradients of input, weight and (when `hasBias`) bias for `gradOutput` [N, Cout, OH, OW].
    public func backwardReference(input: [Float], weight: [Float], gradOutput: [Float], hasBias: Bool)
        -> (gradInput: [Float], gradWeight: [Float], gradBias: [Float]?) {
        precondition(input.count == inputCount && weight.count == weightCount && gradOutput.count == outputCount)
        var gradInput = [Float](repeating: 0, count: inputCount)
        var gradWeight = [Float](repeating: 0, count: weightCount)
        var gradBias = [Float](repeating: 0, count: outChannels)
        gradBias.withUnsafeMutableBufferPointer { db in
            conv2dBackwardReference(self, input: input, weight: weight, gradOutput: gradOutput, gradInput: &gradInput,
                                    gradWeight: &gradWeight, gradBias: hasBias ? db.baseAddress : nil)
        }
        return (gradInput, gradWeight, hasBias ? gradBias : nil)
    }
}

extension ConvTranspose2dGeometry {
    /// The output [N, Cout, OH, OW] of input [N, Cin, H, W], weight [Cin, Cout, kH, kW] and bias [Cout] or nil.
    public func forwardReference(input: [Float], weight: [Float], bias: [Float]?) -> [Float] {
        precondition(input.count == inputCount && weight.count == weightCount && (bias?.count ?? outChannels) == outChannels)
        var output = [Float](repeating: 0, count: outputCount)
        bias.withOptionalPointer { b in
            convTranspose2dForwardReference(self, input: input, weight: weight, bias: b, output: &output)
        }
        return output
    }
}

extension MaxPool2dGeometry {
    /// The output [N, C, OH, OW] of input [N, C, H, W].
    public func forwardReference(input: [Float]) -> [Float] {
        precondition(input.count == inputCount)
        var output = [Float](repeating: 0, count: outputCount)
        maxPool2dForwardReference(self, input: input, output: &output)
        return output
    }

    /// The input gradient [N, C, H, W]: each of `gradOutput`'s values routed to its window's winner.
    public func backwardReference(input: [Float], gradOutput: [Float]) -> [Float] {
        precondition(input.count == inputCount && gradOutput.count == outputCount)
        var gradInput = [Float](repeating: 0, count: inputCount)
        maxPool2dBackwardReference(self, input: input, gradOutput: gradOutput, gradInput: &gradInput)
        return gradInput
    }

    /// The winner of window (row, column) in plane `plane` (= sample × C + channel) of `input`:
    /// its input row and column, or nil when the window holds no input position.
    public func winnerReference(input: [Float], plane: Int, row: Int, column: Int) -> (row: Int, column: Int)? {
        precondition(input.count == inputCount && plane >= 0 && plane < batch * channels)
        let winner = input.withUnsafeBufferPointer { x in
            maxPool2dWinnerReference(self, plane: x.baseAddress! + plane * self.input.area, oy: row, ox: column)
        }
        return winner.map { ($0.index / self.input.width, $0.index % self.input.width) }
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the values, or with nil.
    fileprivate func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .some(let values): values.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: body(nil)
        }
    }
}
