import CKernels
import Testing
@testable import Kernels

/// `ck_output_gradient` (one C pass per image of a transposed convolution's backward: the loss's or
/// the upstream gradient, the activation's backward, the bias gradient's plane sums and the copy
/// into the padded, possibly column-split buffer) against plain Swift loops doing the same steps
/// separately: dz bit for bit, placed where the padded layout says; the plane sums and the
/// squared-error sum in the order the header documents, bit for bit.
@Suite("Output gradient pass (loss, activation backward, plane sums, padded copy)")
struct OutputGradientTests {
    struct Layout {
        let channels: Int, height: Int, width: Int
        let top: Int, left: Int, paddedHeight: Int, paddedWidth: Int
        let split: Bool
        var image: PaddedImage {
            var p = PaddedImage(top: top, left: left, padded: Size2D(paddedHeight, paddedWidth),
                                image: Size2D(height, width), channels: channels)
            p.splitsColumns = split
            return p
        }
    }

    static let layouts: [Layout] = [
        // Own network 3's last layer: 3 x 32 x 32 into 34 x 34, split (its input gradient's windows).
        Layout(channels: 3, height: 32, width: 32, top: 1, left: 1, paddedHeight: 34, paddedWidth: 34, split: true),
        Layout(channels: 3, height: 32, width: 32, top: 1, left: 1, paddedHeight: 34, paddedWidth: 34, split: false),
        // Odd widths: a lone 8-column block, remaining columns, an even left border.
        Layout(channels: 2, height: 5, width: 13, top: 2, left: 2, paddedHeight: 9, paddedWidth: 17, split: true),
        Layout(channels: 4, height: 3, width: 27, top: 0, left: 1, paddedHeight: 4, paddedWidth: 29, split: true),
        Layout(channels: 1, height: 4, width: 7, top: 1, left: 0, paddedHeight: 6, paddedWidth: 9, split: false),
        // Read in place (no border, no split).
        Layout(channels: 3, height: 6, width: 20, top: 0, left: 0, paddedHeight: 6, paddedWidth: 20, split: false),
    ]

    /// The documented order of a plane's sum: eight lanes over each row's 8-column blocks, the
    /// remaining columns into a ninth, ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) + ninth.
    static func planeSum(_ values: [Float], height: Int, width: Int) -> Float {
        var lanes = [Float](repeating: 0, count: 8), rest: Float = 0
        let blocks = width / 8 * 8
        for y in 0..<height {
            for x in 0..<width {
                if x < blocks { lanes[x % 8] += values[y * width + x] } else { rest += values[y * width + x] }
            }
        }
        return (((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))) + rest
    }

    @Test("dz, its place in the padded buffer, the plane sums and the squared-error sum, for every activation and source",
          arguments: [ConvolutionActivation.none, .relu, .sigmoid], [false, true])
    func matchesSeparatePasses(activation: ConvolutionActivation, fromLoss: Bool) throws {
        try #require(ck_best_isa() != CK_ISA_NONE, "this CPU has no AVX2 + FMA: the C pass never runs here")
        for (index, layout) in Self.layouts.enumerated() {
            let image = layout.image
            let count = layout.channels * layout.height * layout.width, area = layout.height * layout.width
            var rng = SplitMix64(seed: UInt64(10 + index))
            // Outputs in [0, 1] for the sigmoid, around zero (some exactly 0, one NaN) otherwise.
            var y = (0..<count).map { _ in activation == .sigmoid ? rng.unit() : rng.unit() - 0.5 }
            if activation == .relu { y[3] = 0; y[count - 1] = -0.0; if !fromLoss { y[count / 2] = .nan } }
            let t = (0..<count).map { _ in rng.unit() }
            let upstream = (0..<count).map { _ in rng.unit() - 0.5 }
            let factor: Float = 2.0 / 3.0
            // The separate passes: the loss's gradient (as SquaredErrorLoss), the activation's backward.
            let g = fromLoss ? (0..<count).map { factor * (y[$0] - t[$0]) } : upstream
            var dz = [Float](repeating: 0, count: count)
            y.withUnsafeBufferPointer { yp in
                g.withUnsafeBufferPointer { gp in
                    dz.withUnsafeMutableBufferPointer { dp in
                        activation.backward(output: yp.baseAddress!, gradOutput: gp.baseAddress!, gradInput: dp.baseAddress!, count: count)
                    }
                }
            }
            var buffer = [Float](repeating: 0, count: image.count)
            var planes = [Float](repeating: -1, count: count)
            var sums = [Float](repeating: 0.25, count: layout.channels)
            var imageSums = [Double](repeating: -1, count: 2)
            let source: [Float] = y.withUnsafeBufferPointer { yp in
                t.withUnsafeBufferPointer { tp in
                    upstream.withUnsafeBufferPointer { up in
                        buffer.withUnsafeMutableBufferPointer { bp in
                            planes.withUnsafeMutableBufferPointer { pp in
                                sums.withUnsafeMutableBufferPointer { sp in
                                    imageSums.withUnsafeMutableBufferPointer { ip in
                                        // Image 1 of a batch of 2: the target is read at its offset.
                                        let loss = fromLoss ? SquaredErrorImages(target: tp.baseAddress! - count, factor: factor,
                                                                                 imageSums: ip.baseAddress!) : nil
                                        let read = image.fillOutputGradient(
                                            bp.baseAddress!, planes: pp.baseAddress!, output: yp.baseAddress!,
                                            gradient: fromLoss ? nil : up.baseAddress!, activation: activation, loss: loss,
                                            image: 1, sums: sp.baseAddress!)
                                        let length = read == UnsafePointer(bp.baseAddress!) ? image.count : count
                                        return Array(UnsafeBufferPointer(start: read, count: length))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let label = "layout \(index), \(activation), loss \(fromLoss)"
            // Where each value must be: the padded layout's place, or the image itself when read in place.
            for c in 0..<layout.channels {
                for row in 0..<layout.height {
                    for x in 0..<layout.width {
                        let at = (c * layout.height + row) * layout.width + x
                        let place = image.isUnpadded ? at
                            : c * image.plane + (row + layout.top) * layout.paddedWidth + image.place(column: x + layout.left)
                        if source[place].bitPattern != dz[at].bitPattern {
                            Issue.record("\(label): value (\(c), \(row), \(x)) is \(source[place]), expected \(dz[at])")
                            return
                        }
                    }
                }
                let expected = 0.25 + Self.planeSum(Array(dz[(c * area)..<((c + 1) * area)]), height: layout.height, width: layout.width)
                #expect(sums[c].bitPattern == expected.bitPattern, "\(label): plane \(c)'s sum")
            }
            if !image.isUnpadded {
                // The border stays zero.
                let written = Set((0..<count).map { at -> Int in
                    let c = at / area, row = (at % area) / layout.width, x = at % layout.width
                    return c * image.plane + (row + layout.top) * layout.paddedWidth + image.place(column: x + layout.left)
                })
                #expect((0..<image.count).allSatisfy { written.contains($0) || source[$0] == 0 }, "\(label): border")
            }
            if fromLoss {
                var lanes = [Double](repeating: 0, count: 8), rest = 0.0
                let blocks = layout.width / 8 * 8
                for at in 0..<count {
                    let e = y[at] - t[at]
                    if at % layout.width < blocks { lanes[at % layout.width % 8] += Double(e * e) } else { rest += Double(e * e) }
                }
                let expected = (((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))) + rest
                #expect(imageSums[1].bitPattern == expected.bitPattern, "\(label): squared errors")
                #expect(imageSums[0] == -1, "\(label): only image 1's sum is written")
            }
        }
    }
}
