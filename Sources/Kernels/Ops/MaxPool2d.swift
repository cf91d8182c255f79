import CKernels

/// Fast 2-D max pooling: each window is clipped to the input once, and the forward pass records
/// where its maximum came from so the backward pass is a single scatter.
/// `MaxPool2dReference.swift` holds the plain loops these must equal.

/// Forward: output[n, c, oy, ox] = max of input[n, c, oy*S - P + ky*D, ox*S - P + kx*D] over the
/// window taps inside the input (padding counts as minus infinity). Ties go to the first maximum
/// in row-major order; a NaN wins (the last one), as in PyTorch.
/// input [N, C, H, W] -> output [N, C, OH, OW], argmax [N, C, OH, OW] (flat index into input, or
/// -1 for a window that holds no input position).
///
/// With `applyingReLU`, every input value goes through ReLU (max(x, 0), as `reluForward`) before
/// the comparisons: the output and argmax are then exactly those of pooling ReLU's output, without
/// ReLU's output ever being written (see `maxPool2dBackward(..., reluFused: true)`).
public func maxPool2dForward(_ g: MaxPool2dGeometry, input: UnsafePointer<Float>,
                             output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                             applyingReLU: Bool = false) {
    let slices = BatchSlices(batch: g.batch)
    let vectorised = DirectConvolution.vectorElementwise
    KernelThreads.forEachSlice(slices.count) { s in
        let images = slices.images(s)
        let planes = (images.lowerBound * g.channels)..<(images.upperBound * g.channels)
        if g.isPlainTwoByTwo && vectorised {
            // The same visits in AVX-512 registers, sixteen windows at a time (CKernels/Elementwise.c).
            ck_max_pool_2x2(input, output, argmax, planes.lowerBound, planes.upperBound, Int32(g.input.height),
                            Int32(g.input.width), Int32(g.output.height), Int32(g.output.width), applyingReLU ? 1 : 0)
        } else if g.isPlainTwoByTwo {
            maxPool2x2Forward(g, planes: planes, input: input, output: output, argmax: argmax, relu: applyingReLU)
        } else {
            maxPoolForward(g, planes: planes, input: input, output: output, argmax: argmax, relu: applyingReLU)
        }
    }
}

/// ReLU as `reluForward` computes it (negative values to zero; -0 and NaN pass unchanged).
@inline(__always)
func reluValue(_ v: Float) -> Float { v < 0 ? 0 : v }


/// The general window loop of `maxPool2dForward`, over some planes (image-channel pairs).
func maxPoolForward(_ g: MaxPool2dGeometry, planes: Range<Int>, input: UnsafePointer<Float>,
                    output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, relu: Bool) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    let (sh, sw, ph, pw, dh, dw) = (g.stride.height, g.stride.width, g.padding.height, g.padding.width,
                                    g.dilation.height, g.dilation.width)
    let extentH = OutputSize.effectiveKernel(g.kernel.height, dilation: dh)
    let extentW = OutputSize.effectiveKernel(g.kernel.width, dilation: dw)
    for plane in planes {
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
                        let v = relu ? reluValue(src[y * w + x]) : src[y * w + x]
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

extension MaxPool2dGeometry {
    /// 2x2 windows, stride 2, no padding or dilation, every window inside the input: the course's
    /// pooling, which `maxPool2x2Forward` runs eight windows at a time.
    var isPlainTwoByTwo: Bool {
        kernel == 2 && stride == 2 && padding == 0 && dilation == 1
            && 2 * output.height <= input.height && 2 * output.width <= input.width
    }
}

/// `maxPoolForward` for `isPlainTwoByTwo` geometries, eight output columns at a time. The taps are
/// visited in row-major order with the same rule as the general loop (a larger value or a NaN
/// replaces the best so far), so ties and NaNs resolve identically.
func maxPool2x2Forward(_ g: MaxPool2dGeometry, planes: Range<Int>, input: UnsafePointer<Float>,
                       output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, relu: Bool) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    if ow < 4 {
        maxPool2x2ForwardNarrow(g, planes: planes, input: input, output: output, argmax: argmax, relu: relu)
        return
    }
    if ow < 8 {
        maxPool2x2ForwardFour(g, planes: planes, input: input, output: output, argmax: argmax, relu: relu)
        return
    }
    let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
    // Column starts of the 8-wide blocks; the last block overlaps the one before when ow % 8 != 0.
    let lastStart = ow - 8
    for plane in planes {
        let src = input + plane * h * w
        let planeStart = Int32(plane * h * w)
        for oy in 0..<oh {
            let top = src + 2 * oy * w, bottom = top + w
            let dst = output + (plane * oh + oy) * ow
            let arg = argmax + (plane * oh + oy) * ow
            var ox = 0
            while true {
                let start = min(ox, lastStart)
                let x = 2 * start
                var rowTop = UnsafeRawPointer(top + x).loadUnaligned(as: SIMD16<Float>.self)
                var rowBottom = UnsafeRawPointer(bottom + x).loadUnaligned(as: SIMD16<Float>.self)
                if relu {   // as reluForward (spelled out: a generic helper here is not vectorised)
                    rowTop.replace(with: 0, where: rowTop .< 0)
                    rowBottom.replace(with: 0, where: rowBottom .< 0)
                }
                let base = SIMD8<Int32>(repeating: planeStart + Int32(2 * oy * w + x)) &+ lanes
                var best = rowTop.evenHalf
                var index = base
                func visit(_ v: SIMD8<Float>, _ offset: Int32) {
                    let wins = (v .> best) .| (v .!= v)
                    best.replace(with: v, where: wins)
                    index.replace(with: base &+ offset, where: wins)
                }
                visit(rowTop.oddHalf, 1)
                visit(rowBottom.evenHalf, Int32(w))
                visit(rowBottom.oddHalf, Int32(w) + 1)
                UnsafeMutableRawPointer(dst + start).storeBytes(of: best, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(arg + start).storeBytes(of: index, as: SIMD8<Int32>.self)
                if start == lastStart { break }
                ox += 8
            }
        }
    }
}

/// `maxPool2x2Forward` four windows at a time, for outputs 4 to 7 columns wide (the CNN's second
/// pooling: 5). The last block overlaps the first when ow < 8.
func maxPool2x2ForwardFour(_ g: MaxPool2dGeometry, planes: Range<Int>, input: UnsafePointer<Float>,
                           output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, relu: Bool) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    let lanes = SIMD4<Int32>(0, 2, 4, 6)
    for plane in planes {
        let src = input + plane * h * w
        let planeStart = Int32(plane * h * w)
        for oy in 0..<oh {
            let top = src + 2 * oy * w, bottom = top + w
            let dst = output + (plane * oh + oy) * ow
            let arg = argmax + (plane * oh + oy) * ow
            var start = 0
            while true {
                let x = 2 * start
                var rowTop = UnsafeRawPointer(top + x).loadUnaligned(as: SIMD8<Float>.self)
                var rowBottom = UnsafeRawPointer(bottom + x).loadUnaligned(as: SIMD8<Float>.self)
                if relu {   // as reluForward (spelled out: a generic helper here is not vectorised)
                    rowTop.replace(with: 0, where: rowTop .< 0)
                    rowBottom.replace(with: 0, where: rowBottom .< 0)
                }
                let base = SIMD4<Int32>(repeating: planeStart + Int32(2 * oy * w + x)) &+ lanes
                var best = rowTop.evenHalf
                var index = base
                func visit(_ v: SIMD4<Float>, _ offset: Int32) {
                    let wins = (v .> best) .| (v .!= v)
                    best.replace(with: v, where: wins)
                    index.replace(with: base &+ offset, where: wins)
                }
                visit(rowTop.oddHalf, 1)
                visit(rowBottom.evenHalf, Int32(w))
                visit(rowBottom.oddHalf, Int32(w) + 1)
                UnsafeMutableRawPointer(dst + start).storeBytes(of: best, as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(arg + start).storeBytes(of: index, as: SIMD4<Int32>.self)
                if start == ow - 4 { break }
                start = ow - 4
            }
        }
    }
}

/// `maxPool2x2Forward` one window at a time, for outputs narrower than four columns.
func maxPool2x2ForwardNarrow(_ g: MaxPool2dGeometry, planes: Range<Int>, input: UnsafePointer<Float>,
                             output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, relu: Bool) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    for plane in planes {
        let planeStart = plane * h * w
        var dst = output + plane * oh * ow
        var arg = argmax + plane * oh * ow
        for oy in 0..<oh {
            for ox in 0..<ow {
                let first = planeStart + 2 * oy * w + 2 * ox
                var best = relu ? reluValue(input[first]) : input[first], bestIndex = first
                func visit(_ tap: Int) {
                    let v = relu ? reluValue(input[tap]) : input[tap]
                    if v > best || v.isNaN { best = v; bestIndex = tap }
                }
                visit(first + 1)
                visit(first + w)
                visit(first + w + 1)
                dst[ox] = best
                arg[ox] = Int32(bestIndex)
            }
            dst += ow
            arg += ow
        }
    }
}
