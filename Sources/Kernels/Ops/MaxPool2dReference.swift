/// Plain 2-D max pooling: every tap of every window, padding read as minus infinity.
/// The yardstick for `MaxPool2d.swift`.

/// Which input position wins window (oy, ox) of one H x W plane: the first maximum in row-major
/// order (a NaN beats everything, and a later NaN beats an earlier one), or nil when the window
/// holds no input position. `index` is y * W + x. The one definition of the winner, and so of
/// where the backward pass routes the gradient: the explorer and the lesson checker ask it too.
public func maxPool2dWinnerReference(_ g: MaxPool2dGeometry, plane: UnsafePointer<Float>, oy: Int, ox: Int) -> (index: Int, value: Float)? {
    var winner: (index: Int, value: Float)? = nil
    let (rows, columns) = (g.rows, g.columns)
    for ky in 0..<g.kernel.height {
        for kx in 0..<g.kernel.width {
            let y = rows.position(oy, tap: ky)
            let x = columns.position(ox, tap: kx)
            // Padding reads as -inf, which never beats the window's first real value: skip it.
            guard y >= 0 && y < g.input.height && x >= 0 && x < g.input.width else { continue }
            let value = plane[y * g.input.width + x]
            if winner == nil || value > winner!.value || value.isNaN {
                winner = (y * g.input.width + x, value)
            }
        }
    }
    return winner
}

/// input [N, C, H, W] -> output [N, C, OH, OW].
public func maxPool2dForwardReference(_ g: MaxPool2dGeometry, input: UnsafePointer<Float>,
                                      output: UnsafeMutablePointer<Float>) {
    let planeIn = g.input.area, planeOut = g.output.area
    for plane in 0..<(g.batch * g.channels) {
        for oy in 0..<g.output.height {
            for ox in 0..<g.output.width {
                let winner = maxPool2dWinnerReference(g, plane: input + plane * planeIn, oy: oy, ox: ox)
                output[plane * planeOut + oy * g.output.width + ox] = winner?.value ?? -Float.infinity
            }
        }
    }
}

/// gradOutput [N, C, OH, OW] -> gradInput [N, C, H, W] (overwritten), recomputing each window's winner.
public func maxPool2dBackwardReference(_ g: MaxPool2dGeometry, input: UnsafePointer<Float>,
                                       gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
    let planeIn = g.input.area, planeOut = g.output.area
    gradInput.update(repeating: 0, count: g.inputCount)
    for plane in 0..<(g.batch * g.channels) {
        for oy in 0..<g.output.height {
            for ox in 0..<g.output.width {
                if let winner = maxPool2dWinnerReference(g, plane: input + plane * planeIn, oy: oy, ox: ox) {
                    gradInput[plane * planeIn + winner.index] += gradOutput[plane * planeOut + oy * g.output.width + ox]
                }
            }
        }
    }
}
