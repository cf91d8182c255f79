import Foundation
import Testing
import CKernels
@testable import Kernels
@testable import OpCases

/// The direct convolutions (`CKernels`, AVX-512 and AVX2 forms) take several routes by shape:
/// narrow (<= 8) and wide output channels, more than 32 channels, column strides 1, 2 and others,
/// padded or not, stride phases written as planes or channels-last, row-vectorised outputs of 1
/// to 4 channels. Each shape here takes one of them; all must give the reference loops' numbers in
/// both forms, and so must the portable im2col + OpenBLAS path on the same cases.
@Suite("Direct convolution kernels")
struct DirectConvolutionTests {
    static func geometries() throws -> [OpCase.Geometry] {
        [
            // The course's layers (CNN, autoencoder) at an odd batch.
            .conv2d(try Conv2dGeometry(batch: 5, inChannels: 3, outChannels: 8, input: 32, kernel: 5)),
            .conv2d(try Conv2dGeometry(batch: 5, inChannels: 8, outChannels: 16, input: 14, kernel: 5)),
            .conv2d(try Conv2dGeometry(batch: 5, inChannels: 3, outChannels: 8, input: 32, kernel: 4, stride: 2, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 5, inChannels: 8, outChannels: 16, input: 16, kernel: 4, stride: 2, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 5, inChannels: 16, outChannels: 32, input: 8, kernel: 4, stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 5, inChannels: 32, outChannels: 16, input: 4, kernel: 4,
                                                         stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 5, inChannels: 16, outChannels: 8, input: 8, kernel: 4,
                                                         stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 5, inChannels: 8, outChannels: 3, input: 16, kernel: 4,
                                                         stride: 2, padding: 1)),
            // Wide outputs over 32 channels, 1 and 5 output channels, column stride 3, dilation.
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 2, outChannels: 37, input: Size2D(9, 11), kernel: 3, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 3, inChannels: 4, outChannels: 1, input: Size2D(13, 30), kernel: Size2D(2, 3),
                                       stride: Size2D(1, 3), dilation: Size2D(2, 1))),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 5, outChannels: 5, input: Size2D(7, 19), kernel: 3,
                                       stride: Size2D(2, 1), padding: Size2D(0, 2))),
            // Row-vectorised transposed outputs: 1 to 4 channels, column stride 2, odd sizes,
            // row stride 3, output padding, dilation.
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 3, inChannels: 6, outChannels: 1, input: Size2D(5, 20),
                                                         kernel: 3, stride: 2)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 3, outChannels: 4, input: Size2D(4, 9),
                                                         kernel: Size2D(2, 4), stride: Size2D(3, 2), padding: Size2D(1, 1),
                                                         outputPadding: Size2D(2, 1))),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 5, outChannels: 2, input: Size2D(6, 3),
                                                         kernel: 3, stride: 2, padding: 2, dilation: 2)),
            // Row-vectorised outputs of more than 8 channels (groups of 8, AVX-512 and AVX2: a first
            // layer's few pairs): 12 channels (8 + 4) over 29 columns (a masked strip; the gradient's
            // rows end in an overlapping 8-column block), 16 channels over 32 columns.
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 12, input: Size2D(6, 29), kernel: 3, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 16, input: Size2D(5, 32), kernel: 3, padding: 1)),
            // The same on AVX2 with broadcast weights (`BroadcastRows.swift`): groups of 4 channels
            // ending in 3 (11 = 4 + 4 + 3) and 1 (9), 3-row blocks with a 1-row tail, a masked strip.
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 2, outChannels: 11, input: Size2D(7, 16), kernel: 3, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 1, outChannels: 9, input: Size2D(5, 30), kernel: 5, padding: 2)),
            // Column stride 2 with at most 8 channels per vector: rows split into even and odd
            // columns (left padding 0, 1, 2; odd sizes; 3x3, 4x4, 5x5 kernels; dilation; 1 and 3
            // channels; an odd output width, where the weight gradient is not paired).
            .conv2d(try Conv2dGeometry(batch: 3, inChannels: 3, outChannels: 5, input: Size2D(23, 17), kernel: 3, stride: 2)),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 1, outChannels: 3, input: Size2D(13, 11), kernel: 5, stride: 2,
                                       padding: 2)),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 6, input: Size2D(11, 13), kernel: Size2D(3, 5),
                                       stride: 2, padding: Size2D(1, 2))),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 2, input: Size2D(15, 14), kernel: 3, stride: 2,
                                       padding: 1, dilation: 2)),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 8, input: Size2D(9, 39), kernel: 4, stride: 2,
                                       padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 8, outChannels: 3, input: Size2D(7, 9),
                                                         kernel: 5, stride: 2, padding: 2)),
            // Column stride 2 with more than 8 channels, where the gather runs along rows (AVX-512; AVX2 with
            // at most 32 pairs, or a Conv2d forward's broadcast weights with up to 64): rows split too, the
            // weight gradient on channel vectors at column stride 1. Own network 3's first layer (48 pairs,
            // broadcast on AVX2) and last layer (its input gradient), 12 channels (8 + 4) over 30 columns (a
            // masked strip), no padding and padding 1; 13 channels (4 + 4 + 4 + 1) with 64 pairs over 30
            // columns and 3 rows (broadcast on AVX2).
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 16, input: 32, kernel: 4, stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 16, outChannels: 3, input: 16, kernel: 4,
                                                         stride: 2, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 2, outChannels: 12, input: Size2D(7, 61), kernel: 3, stride: 2)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 12, outChannels: 2, input: Size2D(5, 29),
                                                         kernel: 3, stride: 2, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 13, input: Size2D(7, 61), kernel: 4, stride: 2,
                                       padding: 1)),
            // 3 or 4 output channels, column stride 2, phases a whole number of vectors wide: both column
            // phases of a row at once (TransposedPairs; 8-column phases only on AVX2), row stride 2 and 3.
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 6, outChannels: 4, input: Size2D(5, 16),
                                                         kernel: 4, stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 5, outChannels: 3, input: Size2D(4, 16),
                                                         kernel: Size2D(3, 4), stride: Size2D(3, 2), padding: Size2D(0, 1))),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 7, outChannels: 3, input: Size2D(3, 8),
                                                         kernel: 4, stride: 2, padding: 1)),
            // AVX2 grid blocks of 3 rows x 2 columns x 16 channels over rows of 8 or 10 columns (GatherBody.h
            // grid_block): own network 3's middle layers at full size (forward planar at column stride 2, the
            // input gradient's phases channels-last, and the transposed forms), and 7 x 10 outputs whose first
            // and last rows skip pairs (rows 1-3 together, 4-6 not: 4 and 5 alone, as the last row).
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 16, outChannels: 32, input: 16, kernel: 4, stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 32, outChannels: 16, input: 8, kernel: 4,
                                                         stride: 2, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 2, inChannels: 5, outChannels: 16, input: Size2D(13, 19), kernel: 3, stride: 2,
                                       padding: 1)),
            // Transposed, stride 1 (phases written as planes) and stride (1, 3) (channels-last).
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 9, outChannels: 12, input: Size2D(6, 10),
                                                         kernel: 3, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 2, inChannels: 7, outChannels: 6, input: Size2D(5, 4),
                                                         kernel: 4, stride: Size2D(1, 3), padding: Size2D(2, 0))),
        ]
    }

    @Test("each route of the direct kernels equals the reference loops, as does the portable path")
    func routesMatchReference() throws {
        var rng = TestRandom(seed: 31)
        for (i, g) in try Self.geometries().enumerated() {
            let opCase = OpCase.random(g, rng: &rng, hasBias: i % 3 != 1) { $0.floats($1) }
            FastMatchesReferenceTests.compare(opCase, label: "direct #\(i) \(g)", path: .fast)
            FastMatchesReferenceTests.compare(opCase, label: "AVX2 #\(i) \(g)", path: .avx2)
            FastMatchesReferenceTests.compare(opCase, label: "portable #\(i) \(g)", path: .portable)
        }
    }

    @Test("the AVX2 form gives the AVX-512 form's bits (same order of sums)",
          .enabled(if: DirectConvolution.active == .avx512, "the AVX-512 kernels are not running (CPU or CNNLAB_KERNELS)"))
    func avx2MatchesAVX512() throws {
        var rng = TestRandom(seed: 33)
        for (i, g) in try Self.geometries().enumerated() {
            let opCase = OpCase.random(g, rng: &rng, hasBias: i % 3 != 1) { $0.floats($1) }
            let wide = opCase.evaluate(.fast), narrow = opCase.evaluate(.avx2)
            #expect(wide.output == narrow.output, "#\(i) \(g) output")
            #expect(wide.gradInput == narrow.gradInput, "#\(i) \(g) input gradient")
            #expect(wide.gradWeight == narrow.gradWeight, "#\(i) \(g) weight gradient")
            #expect(wide.gradBias == narrow.gradBias, "#\(i) \(g) bias gradient")
        }
    }

    @Test("CNNLAB_KERNELS picks a form the CPU runs, and names the problem otherwise")
    func kernelChoice() {
        #expect(ConvolutionKernels.choose(nil, best: .avx512) == (.avx512, nil))
        #expect(ConvolutionKernels.choose("", best: .avx2) == (.avx2, nil))
        #expect(ConvolutionKernels.choose("avx2", best: .avx512) == (.avx2, nil))
        #expect(ConvolutionKernels.choose("AVX2", best: .avx512) == (.avx2, nil))
        #expect(ConvolutionKernels.choose("portable", best: .avx2) == (.portable, nil))
        #expect(ConvolutionKernels.choose("avx512", best: .avx512) == (.avx512, nil))
        let (onAVX2, problem) = ConvolutionKernels.choose("avx512", best: .avx2)
        #expect(onAVX2 == .avx2)
        #expect(problem?.contains("no AVX-512") == true)
        let (onOld, oldProblem) = ConvolutionKernels.choose("avx2", best: .portable)
        #expect(onOld == .portable)
        #expect(oldProblem?.contains("no AVX2") == true)
        let (unknown, unknownProblem) = ConvolutionKernels.choose("neon", best: .avx2)
        #expect(unknown == .avx2)
        #expect(unknownProblem?.contains("CNNLAB_KERNELS=neon is not one of avx512, avx2, portable") == true)
    }

    @Test("the best form follows the CPU: AVX-512 (F, VL, DQ, BW), else AVX2 + FMA, else portable")
    func availabilityFollowsTheCPU() throws {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let avx2 = flags.contains("avx2") && flags.contains("fma")
        let expected: ConvolutionKernels = avx2 && ["avx512f", "avx512vl", "avx512dq", "avx512bw"].allSatisfy(flags.contains)
            ? .avx512 : avx2 ? .avx2 : .portable
        #expect(DirectConvolution.best == expected)
        let choice = ConvolutionKernels.choose(ProcessInfo.processInfo.environment["CNNLAB_KERNELS"], best: expected)
        #expect(DirectConvolution.active == choice.0)
        let g = try Conv2dGeometry(batch: 1, inChannels: 1, outChannels: 1, input: 4, kernel: 2)
        #expect((Conv2dWorkspace(g).direct != nil) == (DirectConvolution.active != .portable))
        #expect(Conv2dWorkspace(g, kernels: .portable).direct == nil)
        #expect((Conv2dWorkspace(g, kernels: .avx2).direct?.isa == CK_ISA_AVX2) == (expected != .portable))
    }

    @Test("the layout change with plane sums copies what ck_planes_to_channels_last copies, sums each plane as its lanes say, the same bits in both forms",
          .enabled(if: DirectConvolution.best == .avx512, "the AVX-512 kernels do not run on this CPU"))
    func layoutChangeWithSums() {
        var rng = TestRandom(seed: 34)
        for (channels, height, width) in [(1, 1, 1), (3, 2, 5), (8, 3, 8), (9, 2, 13), (16, 4, 32), (12, 3, 29), (5, 1, 7), (17, 2, 16)] {
            let plane = height * width
            let src = rng.floats(channels * plane)
            let colStride = channels + 1, rowStride = width * colStride + 3
            let start = rng.floats(channels)
            var plain = [Float](repeating: -7, count: height * rowStride)
            ck_planes_to_channels_last(CK_ISA_AVX512, src, Int32(channels), Int32(height), Int32(width), &plain, rowStride, colStride)
            for isa in [CK_ISA_AVX512, CK_ISA_AVX2] {
                var copied = [Float](repeating: -7, count: height * rowStride), sums = start
                ck_planes_to_channels_last_sums(isa, src, Int32(channels), Int32(height), Int32(width), &copied, rowStride,
                                                colStride, &sums)
                #expect(copied == plain, "\(channels)x\(height)x\(width) isa \(isa.rawValue): the copy")
                for c in 0..<channels {
                    // The lanes: columns 8k + l, the last block of a row ending at the row's end.
                    var lanes = [Float](repeating: 0, count: 8)
                    for y in 0..<height {
                        for x in 0..<width {
                            let lane = width % 8 == 0 || x < width / 8 * 8 ? x % 8 : x - (width >= 8 ? width - 8 : 0)
                            lanes[lane] += src[c * plane + y * width + x]
                        }
                    }
                    let tree = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
                    #expect(sums[c] == start[c] + tree, "\(channels)x\(height)x\(width) isa \(isa.rawValue) channel \(c): the sum")
                }
            }
        }
    }

    @Test("skipping the kernel rows and columns that read only the zero border (DenseWindows.rowPairs, pairColumns) gives the same bits in the gather and the weight gradient",
          .enabled(if: DirectConvolution.best != .portable, "no direct kernels on this CPU"))
    func borderRowsSkipped() throws {
        var rng = TestRandom(seed: 35)
        let geometries = [
            // Own network 3's middle layer (4x4, stride 2), own network 1's conv1 (3x3 stride 1), an
            // uneven case: 5x3 kernel, stride (3, 1), padding (2, 1), dilation (2, 1), 12 channels.
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 32, input: 16, kernel: 4, stride: 2, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 32, input: 16, kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 3, outChannels: 12, input: Size2D(14, 9), kernel: Size2D(5, 3),
                               stride: Size2D(3, 1), padding: Size2D(2, 1), dilation: Size2D(2, 1)),
        ]
        let forms = DirectConvolution.best == .avx512 ? [CK_ISA_AVX512, CK_ISA_AVX2] : [CK_ISA_AVX2]
        for g in geometries {
            let windows = DenseWindows(g.windowRelation, channels: g.inChannels)
            let rowPairs = try #require(windows.rowPairs, "\(g): the first or last rows should skip some pairs")
            let pairColumns = try #require(windows.pairColumns, "\(g): the first or last columns should skip some pairs")
            #expect(pairColumns.count == 2 * windows.pairOffsets.count)
            #expect(rowPairs.count == 2 * g.output.height)
            var padded = [Float](repeating: 0, count: windows.image.count)
            let planes = rng.floats(g.inChannels * g.input.area)
            padded.withUnsafeMutableBufferPointer { windows.image.fill($0.baseAddress!, fromPlanes: planes, isa: forms[0]) }
            let pairs = windows.pairOffsets.count, outs = g.outChannels, area = g.output.area
            let weights = rng.floats(pairs * outs), bias = rng.floats(outs), grad = rng.floats(area * outs)
            for isa in forms {
                func gather(_ rows: [Int32]?) -> [Float] {
                    var output = [Float](repeating: 0, count: outs * area)
                    output.withUnsafeMutableBufferPointer { out in
                        directGather(isa: isa, input: padded, rowStride: windows.rowStride, columnStride: windows.columnStride,
                                     pairOffsets: windows.pairOffsets, weights: weights, outs: outs, rows: g.output.height,
                                     cols: g.output.width, output: out.baseAddress!, outputRowStride: g.output.width,
                                     outputColumnStride: 1, bias: bias, rowPairs: rows, outputPlane: area)
                    }
                    return output
                }
                func weightGradient(_ rows: [Int32]?, _ columns: [Int32]?) -> [Float] {
                    var result = [Float](repeating: 0, count: pairs * outs)
                    result.withUnsafeMutableBufferPointer { out in
                        directWeightGradient(isa: isa, input: padded, rowStride: windows.rowStride,
                                             columnStride: windows.columnStride, pairOffsets: windows.pairOffsets, grad: grad,
                                             gradRowStride: g.output.width * outs, gradColumnStride: outs, channels: outs,
                                             grid: g.output, result: out.baseAddress!, rowPairs: rows,
                                             pairColumns: columns)
                    }
                    return result
                }
                let all = gather(nil), skipped = gather(rowPairs)
                #expect(all.map(\.bitPattern) == skipped.map(\.bitPattern), "\(g) isa \(isa.rawValue): the gather")
                let fullGradient = weightGradient(nil, nil)
                for (rows, columns) in [(rowPairs, nil), (nil, pairColumns), (rowPairs, pairColumns)] {
                    #expect(fullGradient.map(\.bitPattern) == weightGradient(rows, columns).map(\.bitPattern),
                            "\(g) isa \(isa.rawValue): the weight gradient, rows \(rows != nil), columns \(columns != nil)")
                }
                #expect(all.contains { $0 != 0 } && fullGradient.contains { $0 != 0 })
            }
        }
    }

    @Test("weight gradients summed over a large batch keep their digits (sums restart every few positions)")
    func longSumsStayAccurate() throws {
        var rng = TestRandom(seed: 32)
        let g = try Conv2dGeometry(batch: 40, inChannels: 3, outChannels: 8, input: 32, kernel: 5)
        let opCase = OpCase.random(.conv2d(g), rng: &rng, hasBias: true) { $0.floats($1) }
        let reference = opCase.evaluate(.reference)
        func worstError(_ path: KernelPath) -> Float {
            let values = opCase.evaluate(path).gradWeight ?? []
            return zip(values, reference.gradWeight ?? []).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 1
        }
        let direct = worstError(.fast), avx2 = worstError(.avx2), portable = worstError(.portable)
        // Float sums over 31,360 products of values in -1...1: OpenBLAS's blocked sums are the yardstick.
        #expect(direct < max(2 * portable, 1e-5), "worst relative error \(direct), portable path \(portable)")
        #expect(avx2 < max(2 * portable, 1e-5), "worst relative error \(avx2) (AVX2), portable path \(portable)")
    }
}
