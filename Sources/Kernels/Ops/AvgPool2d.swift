/// Fast 2-D average pooling: each window is clipped to the input once per axis (not per tap),
/// planes are split across the kernel threads, and the plain 2x2 stride-2 case has its own loop.
/// `AvgPool2dReference.swift` holds the loops these must equal.

/// Forward: output[n, c, oy, ox] = sum of the window's input values / its divisor
/// (`AvgPool2dGeometry.window`). input [N, C, H, W] -> output [N, C, OH, OW].
public func avgPool2dForward(_ g: AvgPool2dGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
    let slices = BatchSlices(batch: g.batch)
    let windows = AvgPoolWindows(g)
    KernelThreads.forEachSlice(slices.count) { s in
        let images = slices.images(s)
        for plane in (images.lowerBound * g.channels)..<(images.upperBound * g.channels) {
            let x = input + plane * g.input.area
            let y = output + plane * g.output.area
            if windows.isPlainTwoByTwo {
                for oy in 0..<g.output.height {
                    let top = x + 2 * oy * g.input.width, bottom = top + g.input.width
                    for ox in 0..<g.output.width {
                        y[oy * g.output.width + ox] = ((top[2 * ox] + top[2 * ox + 1]) + (bottom[2 * ox] + bottom[2 * ox + 1])) * 0.25
                    }
                }
                continue
            }
            for oy in 0..<g.output.height {
                let rows = windows.rows[oy]
                for ox in 0..<g.output.width {
                    let columns = windows.columns[ox]
                    var sum: Float = 0
                    for iy in rows.start..<rows.end {
                        for ix in columns.start..<columns.end { sum += x[iy * g.input.width + ix] }
                    }
                    let divisor = rows.share * columns.share
                    y[oy * g.output.width + ox] = divisor == 0 ? 0 : sum / Float(divisor)
                }
            }
        }
    }
}

/// Backward: each output gradient, divided by its window's divisor, is added to every input
/// position of the window. gradOutput [N, C, OH, OW] -> gradInput [N, C, H, W] (overwritten).
public func avgPool2dBackward(_ g: AvgPool2dGeometry, gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
    let slices = BatchSlices(batch: g.batch)
    let windows = AvgPoolWindows(g)
    KernelThreads.forEachSlice(slices.count) { s in
        let images = slices.images(s)
        let planes = (images.lowerBound * g.channels)..<(images.upperBound * g.channels)
        // Plain 2x2 windows that tile the input write every position: nothing to clear first.
        let tiles = windows.isPlainTwoByTwo && 2 * g.output.height == g.input.height && 2 * g.output.width == g.input.width
        if !tiles { (gradInput + planes.lowerBound * g.input.area).update(repeating: 0, count: planes.count * g.input.area) }
        for plane in planes {
            let dy = gradOutput + plane * g.output.area
            let dx = gradInput + plane * g.input.area
            if windows.isPlainTwoByTwo {
                // Each window's quarter goes to its four positions: 0 + dy / 4, the bits of the
                // general loop's `+=` into a cleared buffer (-0 becomes +0 there too).
                let (w, ow) = (g.input.width, g.output.width)
                for oy in 0..<g.output.height {
                    let top = dx + 2 * oy * w, bottom = top + w, row = dy + oy * ow
                    for ox in 0..<ow {
                        let share = 0 + row[ox] / 4
                        top[2 * ox] = share; top[2 * ox + 1] = share
                        bottom[2 * ox] = share; bottom[2 * ox + 1] = share
                    }
                }
                continue
            }
            for oy in 0..<g.output.height {
                let rows = windows.rows[oy]
                for ox in 0..<g.output.width {
                    let columns = windows.columns[ox]
                    let divisor = rows.share * columns.share
                    guard divisor != 0 else { continue }
                    let share = dy[oy * g.output.width + ox] / Float(divisor)
                    for iy in rows.start..<rows.end {
                        for ix in columns.start..<columns.end { dx[iy * g.input.width + ix] += share }
                    }
                }
            }
        }
    }
}

/// Every window's clipped rows and columns, worked out once per call from the geometry.
struct AvgPoolWindows {
    struct Axis { var start: Int; var end: Int; var share: Int }
    let rows: [Axis]
    let columns: [Axis]
    /// 2x2 windows with stride 2, no padding, every window inside the input: the mean of four.
    let isPlainTwoByTwo: Bool

    init(_ g: AvgPool2dGeometry) {
        rows = (0..<g.output.height).map { o in
            let w = g.window(axisOutput: o, input: g.input.height, kernel: g.kernel.height, stride: g.stride.height, padding: g.padding.height)
            return Axis(start: w.start, end: w.end, share: w.divisorShare)
        }
        columns = (0..<g.output.width).map { o in
            let w = g.window(axisOutput: o, input: g.input.width, kernel: g.kernel.width, stride: g.stride.width, padding: g.padding.width)
            return Axis(start: w.start, end: w.end, share: w.divisorShare)
        }
        isPlainTwoByTwo = g.kernel == Size2D(2, 2) && g.stride == Size2D(2, 2) && g.padding == Size2D(0, 0)
            && 2 * g.output.height <= g.input.height && 2 * g.output.width <= g.input.width
    }
}
