/// Plain 2-D average pooling, tap by tap in Double, from PyTorch's definition: the yardstick for
/// `AvgPool2d.swift`.
///
/// A window starts at o*S - P and spans K positions, cut at the end of the padded input; its
/// divisor is that span's area with `countIncludePad`, else the number of input positions in it.

/// One window along one axis from the definition: its first and last tap and the taps that
/// lie inside the padded input and inside the input.
private func referenceTaps(_ o: Int, size: Int, kernel: Int, stride: Int, padding: Int) -> (inside: [Int], padded: Int) {
    var inside: [Int] = []
    var padded = 0
    for k in 0..<kernel {
        let i = o * stride - padding + k
        if i < size + padding { padded += 1 }   // positions past the padded input are not counted
        if i >= 0 && i < size { inside.append(i) }
    }
    return (inside, padded)
}

/// input [N, C, H, W] -> output [N, C, OH, OW].
public func avgPool2dForwardReference(_ g: AvgPool2dGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
    for plane in 0..<(g.batch * g.channels) {
        for oy in 0..<g.output.height {
            let rows = referenceTaps(oy, size: g.input.height, kernel: g.kernel.height, stride: g.stride.height, padding: g.padding.height)
            for ox in 0..<g.output.width {
                let columns = referenceTaps(ox, size: g.input.width, kernel: g.kernel.width, stride: g.stride.width, padding: g.padding.width)
                var sum = 0.0
                for y in rows.inside { for x in columns.inside { sum += Double(input[plane * g.input.area + y * g.input.width + x]) } }
                let divisor = g.countIncludePad ? rows.padded * columns.padded : rows.inside.count * columns.inside.count
                output[plane * g.output.area + oy * g.output.width + ox] = divisor == 0 ? 0 : Float(sum / Double(divisor))
            }
        }
    }
}

/// gradOutput [N, C, OH, OW] -> gradInput [N, C, H, W] (overwritten).
public func avgPool2dBackwardReference(_ g: AvgPool2dGeometry, gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
    var sums = [Double](repeating: 0, count: g.inputCount)
    for plane in 0..<(g.batch * g.channels) {
        for oy in 0..<g.output.height {
            let rows = referenceTaps(oy, size: g.input.height, kernel: g.kernel.height, stride: g.stride.height, padding: g.padding.height)
            for ox in 0..<g.output.width {
                let columns = referenceTaps(ox, size: g.input.width, kernel: g.kernel.width, stride: g.stride.width, padding: g.padding.width)
                let divisor = g.countIncludePad ? rows.padded * columns.padded : rows.inside.count * columns.inside.count
                guard divisor != 0 else { continue }
                let share = Double(gradOutput[plane * g.output.area + oy * g.output.width + ox]) / Double(divisor)
                for y in rows.inside { for x in columns.inside { sums[plane * g.input.area + y * g.input.width + x] += share } }
            }
        }
    }
    for i in 0..<g.inputCount { gradInput[i] = Float(sums[i]) }
}
