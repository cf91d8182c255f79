/// Plain 2-D transposed convolution, written straight from the definition (a scatter):
/// the yardstick for `ConvTranspose2d.swift`. Sums run in Double.

/// input [N, Cin, H, W], weight [Cin, Cout, kH, kW], bias [Cout] or nil -> output [N, Cout, OH, OW].
public func convTranspose2dForwardReference(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>,
                                            weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                            output: UnsafeMutablePointer<Float>) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    var sums = [Double](repeating: 0, count: g.outputCount)
    for n in 0..<g.batch {
        for co in 0..<g.outChannels {
            for i in 0..<(oh * ow) { sums[(n * g.outChannels + co) * oh * ow + i] = Double(bias?[co] ?? 0) }
        }
        for ci in 0..<g.inChannels {
            for iy in 0..<h {
                for ix in 0..<w {
                    let x = Double(input[((n * g.inChannels + ci) * h + iy) * w + ix])
                    for co in 0..<g.outChannels {
                        g.window.forEachTap(iy, ix, inside: g.output) { ky, kx, oy, ox in
                            let k = weight[((ci * g.outChannels + co) * g.kernel.height + ky) * g.kernel.width + kx]
                            sums[((n * g.outChannels + co) * oh + oy) * ow + ox] += x * Double(k)
                        }
                    }
                }
            }
        }
    }
    for i in 0..<g.outputCount { output[i] = Float(sums[i]) }
}

/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten, skipped when nil),
/// gradWeight [Cin, Cout, kH, kW] and gradBias [Cout] (accumulated).
public func convTranspose2dBackwardReference(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>,
                                             weight: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                             gradInput: UnsafeMutablePointer<Float>?,
                                             gradWeight: UnsafeMutablePointer<Float>,
                                             gradBias: UnsafeMutablePointer<Float>?) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    var dw = [Double](repeating: 0, count: g.weightCount)
    if let gradBias {
        for co in 0..<g.outChannels {
            var sum = 0.0
            for n in 0..<g.batch {
                for i in 0..<(oh * ow) { sum += Double(gradOutput[(n * g.outChannels + co) * oh * ow + i]) }
            }
            gradBias[co] += Float(sum)
        }
    }
    for n in 0..<g.batch {
        for ci in 0..<g.inChannels {
            for iy in 0..<h {
                for ix in 0..<w {
                    let xi = ((n * g.inChannels + ci) * h + iy) * w + ix
                    var sum = 0.0
                    for co in 0..<g.outChannels {
                        g.window.forEachTap(iy, ix, inside: g.output) { ky, kx, oy, ox in
                            let ki = ((ci * g.outChannels + co) * g.kernel.height + ky) * g.kernel.width + kx
                            let d = Double(gradOutput[((n * g.outChannels + co) * oh + oy) * ow + ox])
                            dw[ki] += Double(input[xi]) * d
                            sum += Double(weight[ki]) * d
                        }
                    }
                    gradInput?[xi] = Float(sum)
                }
            }
        }
    }
    for i in 0..<g.weightCount { gradWeight[i] += Float(dw[i]) }
}
