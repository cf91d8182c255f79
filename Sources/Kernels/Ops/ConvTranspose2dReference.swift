/// Plain 2-D transposed convolution, written straight from the definition (a scatter):
/// the yardstick for `ConvTranspose2d.swift`.

/// input [N, Cin, H, W], weight [Cin, Cout, kH, kW], bias [Cout] or nil -> output [N, Cout, OH, OW].
public func convTranspose2dForwardReference(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>,
                                            weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                            output: UnsafeMutablePointer<Float>) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    for n in 0..<g.batch {
        for co in 0..<g.outChannels {
            (output + (n * g.outChannels + co) * oh * ow).update(repeating: bias?[co] ?? 0, count: oh * ow)
        }
        for ci in 0..<g.inChannels {
            for iy in 0..<h {
                for ix in 0..<w {
                    let x = input[((n * g.inChannels + ci) * h + iy) * w + ix]
                    for co in 0..<g.outChannels {
                        for ky in 0..<g.kernel.height {
                            let oy = iy * g.stride.height - g.padding.height + ky * g.dilation.height
                            if oy < 0 || oy >= oh { continue }
                            for kx in 0..<g.kernel.width {
                                let ox = ix * g.stride.width - g.padding.width + kx * g.dilation.width
                                if ox < 0 || ox >= ow { continue }
                                let k = weight[((ci * g.outChannels + co) * g.kernel.height + ky) * g.kernel.width + kx]
                                output[((n * g.outChannels + co) * oh + oy) * ow + ox] += x * k
                            }
                        }
                    }
                }
            }
        }
    }
}

/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten, skipped when nil),
/// gradWeight [Cin, Cout, kH, kW] and gradBias [Cout] (accumulated).
public func convTranspose2dBackwardReference(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>,
                                             weight: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                             gradInput: UnsafeMutablePointer<Float>?,
                                             gradWeight: UnsafeMutablePointer<Float>,
                                             gradBias: UnsafeMutablePointer<Float>?) {
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.output.height, g.output.width)
    if let gradBias {
        for n in 0..<g.batch {
            for co in 0..<g.outChannels {
                for i in 0..<(oh * ow) { gradBias[co] += gradOutput[(n * g.outChannels + co) * oh * ow + i] }
            }
        }
    }
    for n in 0..<g.batch {
        for ci in 0..<g.inChannels {
            for iy in 0..<h {
                for ix in 0..<w {
                    let xi = ((n * g.inChannels + ci) * h + iy) * w + ix
                    var sum: Float = 0
                    for co in 0..<g.outChannels {
                        for ky in 0..<g.kernel.height {
                            let oy = iy * g.stride.height - g.padding.height + ky * g.dilation.height
                            if oy < 0 || oy >= oh { continue }
                            for kx in 0..<g.kernel.width {
                                let ox = ix * g.stride.width - g.padding.width + kx * g.dilation.width
                                if ox < 0 || ox >= ow { continue }
                                let ki = ((ci * g.outChannels + co) * g.kernel.height + ky) * g.kernel.width + kx
                                let d = gradOutput[((n * g.outChannels + co) * oh + oy) * ow + ox]
                                gradWeight[ki] += input[xi] * d
                                sum += weight[ki] * d
                            }
                        }
                    }
                    gradInput?[xi] = sum
                }
            }
        }
    }
}
