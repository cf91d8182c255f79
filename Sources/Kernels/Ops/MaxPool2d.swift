/// Fast 2-D max pooling: each window is clipped to the input once, and the forward pass records
/// where its maximum came from so the backward pass is a single scatter.
/// `MaxPool2dReference.swift` holds the plain loops these must equal.

/// Forward: output[n, c, oy, ox] = max of input[n, c, oy*S - P + ky*D, ox*S - P + kx*D] over the
/// window taps inside the input (padding counts as minus infinity). Ties go to the first maximum
/// in row-major order; a NaN wins (the last one), as in PyTorch.
/// input [N, C, H, W] -> output [N, C, OH, OW], argmax [N, C, OH, OW] (flat index into input, or
/// -1 for a window that holds no input position).
public func maxPool2dForward(_ g: MaxPool2dGeometry, input: UnsafePointer<Float>,
                             output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    let (sh, sw, ph, pw, dh, dw) = (g.stride.height, g.stride.width, g.padding.height, g.padding.width,
                                    g.dilation.height, g.dilation.width)
    let extentH = OutputSize.effectiveKernel(g.kernel.height, dilation: dh)
    let extentW = OutputSize.effectiveKernel(g.kernel.width, dilation: dw)
    for plane in 0..<(g.batch * g.channels) {
        let src = input + plane * h * w
        let planeStart = plane * h * w
        var dst = output + plane * oh * ow
        var arg = argmax + plane * oh * ow
        for oy in 0..<oh {
            var y0 = oy * sh - ph
            let y1 = min(y0 + extentH, h)
            while y0 < 0 { y0 += dh }
            for ox in 0..<ow {
                var x0 = ox * sw - pw
                let x1 = min(x0 + extentW, w)
                while x0 < 0 { x0 += dw }
                // PyTorch starts from -inf at the window's first input position.
                var best = -Float.infinity
                var bestIndex = (y0 < y1 && x0 < x1) ? y0 * w + x0 : -1
                var y = y0
                while y < y1 {
                    var x = x0
                    while x < x1 {
                        let v = src[y * w + x]
                        if v > best || v.isNaN { best = v; bestIndex = y * w + x }
                        x += dw
                    }
                    y += dh
                }
                dst[ox] = best
                arg[ox] = bestIndex < 0 ? -1 : Int32(planeStart + bestIndex)
            }
            dst += ow
            arg += ow
        }
    }
}

/// Backward: each upstream gradient goes to the input position that won its window.
/// gradOutput [N, C, OH, OW], argmax from the forward pass -> gradInput [N, C, H, W] (overwritten).
public func maxPool2dBackward(_ g: MaxPool2dGeometry, gradOutput: UnsafePointer<Float>,
                              argmax: UnsafePointer<Int32>, gradInput: UnsafeMutablePointer<Float>) {
    gradInput.update(repeating: 0, count: g.inputCount)
    for i in 0..<g.outputCount {
        let target = Int(argmax[i])
        if target >= 0 { gradInput[target] += gradOutput[i] }
    }
}
