/// Plain 2-D convolution, written straight from the definition: the yardstick for `Conv2d.swift`.
/// Sums run in Double so that the yardstick stays exact to Float precision even over long sums.

/// input [N, Cin, H, W], weight [Cout, Cin, kH, kW], bias [Cout] or nil -> output [N, Cout, OH, OW].
public func conv2dForwardReference(_ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                   bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    for n in 0..<g.batch {
        for co in 0..<g.outChannels {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum = Double(bias?[co] ?? 0)
                    for ci in 0..<g.inChannels {
                        g.window.forEachTap(oy, ox, inside: g.input) { ky, kx, iy, ix in
                            let x = input[((n * g.inChannels + ci) * h + iy) * w + ix]
                            let k = weight[((co * g.inChannels + ci) * g.kernel.height + ky) * g.kernel.width + kx]
                            sum += Double(x) * Double(k)
                        }
                    }
                    output[((n * g.outChannels + co) * oh + oy) * ow + ox] = Float(sum)
                }
            }
        }
    }
}

/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten, skipped when nil),
/// gradWeight [Cout, Cin, kH, kW] and gradBias [Cout] (accumulated).
public func conv2dBackwardReference(_ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                    gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                                    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    var dx = [Double](repeating: 0, count: g.inputCount)
    var dw = [Double](repeating: 0, count: g.weightCount)
    var db = [Double](repeating: 0, count: g.outChannels)
    for n in 0..<g.batch {
        for co in 0..<g.outChannels {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let d = Double(gradOutput[((n * g.outChannels + co) * oh + oy) * ow + ox])
                    db[co] += d
                    for ci in 0..<g.inChannels {
                        g.window.forEachTap(oy, ox, inside: g.input) { ky, kx, iy, ix in
                            let xi = ((n * g.inChannels + ci) * h + iy) * w + ix
                            let ki = ((co * g.inChannels + ci) * g.kernel.height + ky) * g.kernel.width + kx
                            dw[ki] += Double(input[xi]) * d
                            dx[xi] += Double(weight[ki]) * d
                        }
                    }
                }
            }
        }
    }
    for i in 0..<g.weightCount { gradWeight[i] += Float(dw[i]) }
    if let gradBias { for co in 0..<g.outChannels { gradBias[co] += Float(db[co]) } }
    if let gradInput { for i in 0..<g.inputCount { gradInput[i] = Float(dx[i]) } }
}
