/// Plain loops for the backward pass of Conv2d -> ReLU -> 2x2 max pooling from the pooling's
/// winners. The yardstick for `PooledConv2d.swift`: it finds each window's winner itself
/// (`maxPool2dWinnerReference` on ReLU of the convolution's output), so it also checks that the
/// fast path reads the winners the pooling chose.

/// convOutput [N, Cout, OH, OW] (before ReLU), gradPooled [N, Cout, PH, PW] (the gradient at the
/// pooling's output), input [N, Cin, H, W], weight [Cout, Cin, kH, kW] -> gradInput (overwritten),
/// gradWeight and gradBias (accumulated): for every window whose winner (oy, ox) has a positive
/// ReLU output v and gradient gr,
///   gradWeight[co, ci, ky, kx] += gr * input[n, ci, oy*S - P + ky, ox*S - P + kx]   (inside the input)
///   gradBias[co] += gr
///   gradInput[n, ci, oy*S - P + ky, ox*S - P + kx] += gr * weight[co, ci, ky, kx]
public func conv2dPooledBackwardReference(_ g: Conv2dGeometry, pool: MaxPool2dGeometry, convOutput: UnsafePointer<Float>,
                                          gradPooled: UnsafePointer<Float>, input: UnsafePointer<Float>,
                                          weight: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>,
                                          gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>) {
    let (cin, cout, kh, kw) = (g.inChannels, g.outChannels, g.kernel.height, g.kernel.width)
    let (h, w) = (g.input.height, g.input.width)
    let plane = g.output.area
    gradInput.update(repeating: 0, count: g.inputCount)
    var relu = [Float](repeating: 0, count: plane)
    for n in 0..<g.batch {
        for co in 0..<cout {
            let source = convOutput + (n * cout + co) * plane
            for i in 0..<plane { relu[i] = source[i] < 0 ? 0 : source[i] }
            for py in 0..<pool.output.height {
                for px in 0..<pool.output.width {
                    guard let winner = relu.withUnsafeBufferPointer({
                        maxPool2dWinnerReference(pool, plane: $0.baseAddress!, oy: py, ox: px)
                    }), winner.value > 0 else { continue }
                    let gr = gradPooled[((n * cout + co) * pool.output.height + py) * pool.output.width + px]
                    let (oy, ox) = (winner.index / g.output.width, winner.index % g.output.width)
                    gradBias[co] += gr
                    for ci in 0..<cin {
                        for ky in 0..<kh {
                            let y = oy * g.stride.height - g.padding.height + ky * g.dilation.height
                            guard y >= 0 && y < h else { continue }
                            for kx in 0..<kw {
                                let x = ox * g.stride.width - g.padding.width + kx * g.dilation.width
                                guard x >= 0 && x < w else { continue }
                                let wi = ((co * cin + ci) * kh + ky) * kw + kx
                                let xi = ((n * cin + ci) * h + y) * w + x
                                gradWeight[wi] += gr * input[xi]
                                gradInput[xi] += gr * weight[wi]
                            }
                        }
                    }
                }
            }
        }
    }
}
