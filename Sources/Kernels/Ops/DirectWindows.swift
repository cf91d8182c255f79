import CKernels

/// How a convolution's windows tie a small grid to a big image: big = small * stride - padding + tap * dilation,
/// in each dimension. A convolution reads its input (big) at its output positions (small); a
/// transposed convolution writes its output (big) from its input positions (small).
struct WindowRelation: WindowedGeometry {
    let big: Size2D
    let small: Size2D
    let window: SlidingWindow
}

extension ConvolutionGeometry {
    /// The windows of this convolution between its two images: `big` is the one the taps read
    /// or scatter into (a convolution's input, a transposed convolution's output).
    var windowRelation: WindowRelation {
        let layout = im2col
        return WindowRelation(big: layout.image, small: layout.grid, window: window)
    }
}

/// The buffers both direct plans (`DirectConv2dPlan`, `DirectConvTranspose2dPlan`) keep: the
/// weight rearranged for the kernels (tap-major, then in the order the forward and the backward
/// pass read it), and per slice of the batch a zero-bordered copy of the image the forward
/// pass's windows read and of the one the backward pass's windows read (empty when no border is
/// needed) and the partial weight and bias gradients, added up in slice order after the backward pass.
struct DirectBuffers {
    let slices: BatchSlices
    let weightTapMajor: FloatBuffer
    let weightForward: FloatBuffer
    let weightBackward: FloatBuffer
    let paddedForward: FloatBuffer
    let paddedBackward: FloatBuffer
    let partialWeight: FloatBuffer
    let partialBias: FloatBuffer
    /// Per slice: one input image given image by image (`ImageInput`), before it is copied.
    let inputImage: FloatBuffer
    /// Floats of one input image.
    let inputImageSize: Int
    let weightCount: Int
    let outChannels: Int

    init<G: ConvolutionGeometry>(_ g: G, forwardImage: PaddedImage, backwardImage: PaddedImage) {
        slices = BatchSlices(batch: g.batch)
        weightTapMajor = FloatBuffer(count: g.weightCount)
        weightForward = FloatBuffer(count: g.weightCount)
        weightBackward = FloatBuffer(count: g.weightCount)
        let n = slices.count
        paddedForward = FloatBuffer(count: forwardImage.isUnpadded ? 0 : n * forwardImage.count)
        paddedBackward = FloatBuffer(count: backwardImage.isUnpadded ? 0 : n * backwardImage.count)
        weightCount = g.weightCount
        outChannels = g.outChannels
        partialWeight = FloatBuffer(count: n * weightCount)
        partialBias = FloatBuffer(count: n * outChannels)
        inputImageSize = g.inChannels * g.input.area
        inputImage = FloatBuffer(count: n * inputImageSize)
    }

    /// Image `n` of the input for slice `s`: `input`'s own, or written by `images` into the slice's
    /// `inputImage` buffer.
    @inline(__always)
    func input(_ input: UnsafePointer<Float>, image n: Int, from images: ImageInput?, slice s: Int) -> UnsafePointer<Float> {
        ImageInput.image(images, input, n, imageSize: inputImageSize, buffer: inputImage.pointer + s * inputImageSize)
    }

    /// What `image`'s windows read for input image `n`, as `PaddedImage.source`: with `images`, the
    /// image is written straight into the bordered copy `padded` when it writes rows
    /// (`ImageInput.writeRows`) and the copy keeps whole rows, else into slice `s`'s buffer first.
    @inline(__always)
    func source(_ image: PaddedImage, padded: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, image n: Int,
                from images: ImageInput?, slice s: Int, isa: ck_isa) -> UnsafePointer<Float> {
        if let rows = images?.writeRows, !image.isUnpadded, !image.splitsColumns {
            rows(n, padded + image.interiorOffset, image.plane, image.padded.width)
            return UnsafePointer(padded)
        }
        return image.source(padded, planes: self.input(input, image: n, from: images, slice: s), isa: isa)
    }

    /// Slice `s`'s share of a per-slice buffer.
    @inline(__always)
    func share(_ buffer: FloatBuffer, _ s: Int) -> UnsafeMutablePointer<Float> {
        buffer.pointer + s * (buffer.count / slices.count)
    }

    /// Runs `body(s, partialWeight, partialBias)` for each slice on the kernel threads with that
    /// slice's partial gradients zeroed; then adds the bias partials to `gradBias` in slice
    /// order. The weight partials are left for the caller, whose tap-major order differs.
    @inline(__always)
    func backward(gradBias: UnsafeMutablePointer<Float>?,
                  _ body: (_ slice: Int, _ partialWeight: UnsafeMutablePointer<Float>,
                           _ partialBias: UnsafeMutablePointer<Float>) -> Void) {
        KernelThreads.forEachSlice(slices.count) { s in
            let partialW = partialWeight.pointer + s * weightCount
            let partialB = partialBias.pointer + s * outChannels
            partialW.update(repeating: 0, count: weightCount)
            partialB.update(repeating: 0, count: outChannels)
            body(s, partialW, partialB)
        }
        if let gradBias {
            addPartialGradients(partialBias.pointer, slices: slices.count, count: outChannels, into: gradBias)
        }
    }
}

/// A zero-bordered copy of an NCHW image: planes of `padded` rows and columns, the image itself
/// starting at (`top`, `left`) in each. The kernels read it through (tap, channel) pair offsets.
struct PaddedImage {
    let top: Int, left: Int
    let padded: Size2D
    let image: Size2D
    let channels: Int
    /// Each padded row holds its even columns first, then its odd ones (`ck_copy_into_column_phases`):
    /// windows with column stride 2 then read adjacent values.
    var splitsColumns = false

    var plane: Int { padded.area }
    var count: Int { plane * channels }
    /// Offset of the image's first value in the first plane.
    var interiorOffset: Int { top * padded.width + left }
    /// No border and no split: the image can be read where it is.
    var isUnpadded: Bool { padded == image && !splitsColumns }
    /// Where a row's odd columns start when `splitsColumns` (the number of even columns).
    var oddColumns: Int { (padded.width + 1) / 2 }
    /// Where padded column `column` of a row is kept.
    func place(column: Int) -> Int { splitsColumns ? (column % 2) * oddColumns + column / 2 : column }

    /// Copies an NCHW image into the interior of `buffer` (the border stays as it is: zero).
    func fill(_ buffer: UnsafeMutablePointer<Float>, fromPlanes planes: UnsafePointer<Float>, isa: ck_isa) {
        if splitsColumns {
            ck_copy_into_column_phases(isa, planes, Int32(channels), Int32(image.height), Int32(image.width),
                                       buffer + top * padded.width, plane, padded.width, Int32(left), Int32(oddColumns))
        } else {
            ck_copy_into_planes(isa, planes, Int32(channels), Int32(image.height), Int32(image.width),
                                buffer + interiorOffset, plane, padded.width)
        }
    }

    /// The image to read: `planes` themselves when there is no border, else `buffer` filled from them.
    func source(_ buffer: UnsafeMutablePointer<Float>, planes: UnsafePointer<Float>, isa: ck_isa) -> UnsafePointer<Float> {
        if isUnpadded { return planes }
        fill(buffer, fromPlanes: planes, isa: isa)
        return UnsafePointer(buffer)
    }

    /// Offsets of (tap, channel) pairs, tap-major, for taps at the given offsets within a plane.
    func pairOffsets(tapOffsets: [Int]) -> [Int] {
        tapOffsets.flatMap { offset in (0..<channels).map { offset + $0 * plane } }
    }
}

/// Gather over the small grid: every small position reads all taps of the padded big image.
/// (Convolution forward and weight gradient; transposed convolution input and weight gradients.)
struct DenseWindows {
    let image: PaddedImage
    /// Per (tap, channel), tap-major (tap = ky * kW + kx), the offset of its value from a position's base.
    let pairOffsets: [Int]
    let rowStride: Int
    let columnStride: Int
    /// Per small row, [begin, end) of the pairs whose kernel row lands inside the big image (the
    /// others read only its zero border there: a padded convolution's first and last rows); nil
    /// when every row reads inside through every kernel row. The gathers and the weight gradient
    /// skip the others' products, exact zeros (own network 3's 4x4 stride-2 layers: 1/16 of the FMAs).
    let rowPairs: [Int32]?
    /// Per pair, [first, end) of the small columns where its kernel column lands inside the big
    /// image; nil when all do everywhere. The weight gradient skips the others' products.
    let pairColumns: [Int32]?

    /// Whether to keep the image's rows split into even and odd columns (`PaddedImage.splitsColumns`)
    /// for column stride 2, so that the kernels read adjacent columns:
    /// - at most 8 channels gathered or summed per position (the weight gradient's and the gather's
    ///   vectors): `ck_gather_rows` and the paired weight gradient instead of 8-channel vectors.
    ///   Chosen by the geometry alone, since the paired weight gradient sums in its own order.
    /// - more channels, when the planar gather over these windows runs along rows (`gathersRows`,
    ///   `columns` = the small grid's width): a first layer's 3 input channels with 4x4 stride-2
    ///   windows into 16 channels on 16x16 (own network 3's Conv2d(3, 16, 4, 2, 1) forward and
    ///   ConvTranspose2d(16, 3, 4, 2, 1) input gradient) ran 121 GFLOP/s as a channel gather at
    ///   column stride 2 and 155 along rows (C microbenchmark, 32 images, AVX-512). Both gathers,
    ///   and the channel-vector weight gradient at either column stride, give the same bits, so this
    ///   choice may depend on `isa`.
    /// - with `broadcastGather` (a convolution's forward, which gathers through `BroadcastRowWeights`
    ///   where that `runs`): when that gather runs over these windows. Own network 3's
    ///   Conv2d(3, 16, 4, 2, 1) on AVX2 (48 pairs): 0.685 ms per 128 images as a channel gather at
    ///   column stride 2, 0.607 along the split rows (C microbenchmark, thread CPU, 2026-11-30).
    /// `channels`: of the big image (the windows' pairs are its taps x channels).
    static func splitsColumns(_ r: WindowRelation, channels: Int, vectorChannels: Int, isa: ck_isa,
                              broadcastGather: Bool = false) -> Bool {
        guard r.stride.width == 2 else { return false }
        let pairs = r.kernel.area * channels
        return vectorChannels <= 8
            || gathersRows(isa: isa, outs: vectorChannels, cols: r.small.width, pairs: pairs)
            || broadcastGather && BroadcastRowWeights.runs(isa: isa, outs: vectorChannels, cols: r.small.width, pairs: pairs)
    }

    init(_ r: WindowRelation, channels: Int, splitColumns: Bool = false) {
        func bottomPad(_ small: Int, _ s: Int, _ k: Int, _ d: Int, _ p: Int, _ big: Int) -> Int {
            max(0, (small - 1) * s + (k - 1) * d - p - (big - 1))
        }
        let bottom = bottomPad(r.small.height, r.stride.height, r.kernel.height, r.dilation.height, r.padding.height, r.big.height)
        let right = bottomPad(r.small.width, r.stride.width, r.kernel.width, r.dilation.width, r.padding.width, r.big.width)
        let padded = Size2D(r.big.height + r.padding.height + bottom, r.big.width + r.padding.width + right)
        let split = splitColumns && r.stride.width == 2
        image = PaddedImage(top: r.padding.height, left: r.padding.width, padded: padded, image: r.big, channels: channels,
                            splitsColumns: split)
        var offsets: [Int] = []
        for ky in 0..<r.kernel.height {
            for kx in 0..<r.kernel.width {
                // Split rows: position x's tap column 2x + c is kept at x + place(c) (the parity of c picks the half).
                offsets.append(ky * r.dilation.height * padded.width + image.place(column: kx * r.dilation.width))
            }
        }
        pairOffsets = image.pairOffsets(tapOffsets: offsets)
        rowStride = r.stride.height * padded.width
        columnStride = split ? 1 : r.stride.width
        // Pairs are kernel-row-major, so the kernel rows that land inside form one run of pairs.
        let pairsPerKernelRow = r.kernel.width * channels
        var rowPairs: [Int32] = []
        for j in 0..<r.small.height {
            let inside = (0..<r.kernel.height).filter { ky in
                (0..<r.big.height).contains(j * r.stride.height - r.padding.height + ky * r.dilation.height)
            }
            let begin = (inside.first ?? 0) * pairsPerKernelRow
            let end = inside.last.map { ($0 + 1) * pairsPerKernelRow } ?? begin
            rowPairs += [Int32(begin), Int32(end)]
        }
        let all = Int32(r.kernel.height * pairsPerKernelRow)
        let skipsSome = stride(from: 0, to: rowPairs.count, by: 2).contains { rowPairs[$0] != 0 || rowPairs[$0 + 1] != all }
        self.rowPairs = skipsSome ? rowPairs : nil
        var tapColumns: [Int32] = []
        for _ in 0..<r.kernel.height {
            for kx in 0..<r.kernel.width {
                let inside = (0..<r.small.width).filter { i in
                    (0..<r.big.width).contains(i * r.stride.width - r.padding.width + kx * r.dilation.width)
                }
                let first = inside.first ?? 0
                tapColumns += [Int32(first), Int32(inside.last.map { $0 + 1 } ?? first)]
            }
        }
        let full = stride(from: 0, to: tapColumns.count, by: 2).allSatisfy {
            tapColumns[$0] == 0 && tapColumns[$0 + 1] == Int32(r.small.width)
        }
        pairColumns = full ? nil : (0..<r.kernel.area).flatMap { t in
            (0..<channels).flatMap { _ in [tapColumns[2 * t], tapColumns[2 * t + 1]] }
        }
    }
}

/// Gather over the big image, one stride phase at a time: a big position (py + S*j, px + S*i) is
/// reached from small position (j + dy, i + dx) through the taps whose offsets make the division
/// exact, so each phase is a stride-1 gather over a padded copy of the small grid.
/// (Convolution input gradient; transposed convolution forward.)
struct PhaseWindows {
    struct Phase {
        /// Big positions of the phase: rows x cols, starting at `outputOffset` (floats, channels-last).
        let rows: Int, cols: Int
        let outputOffset: Int
        /// The phase's first position in an NCHW plane of the big image.
        let planarOffset: Int
        /// Per (tap, channel) of the phase's taps, tap-major.
        let pairOffsets: [Int]
        /// The phase's tap numbers (ky * kW + kx), in order.
        let taps: [Int]
        /// Where the phase's weights [taps][channels][outputs] start in a phase-ordered weight buffer.
        let weightOffset: Int
        /// Per row of the phase, [begin, end) of the pairs whose kernel row lands inside the small
        /// grid (the others would only read its zero border).
        let rowPairs: [Int32]
    }

    let image: PaddedImage
    let phases: [Phase]
    let rowStride: Int
    let columnStride: Int
    let outputRowStride: Int
    let outputColumnStride: Int
    /// Row stride of a phase's positions in an NCHW plane of the big image.
    let planarRowStride: Int
    /// Phases can be written straight into NCHW planes when their positions in a row are adjacent.
    let writesPlanes: Bool
    /// Column stride 2 and every (row, column) phase present: the phases can be gathered as planes of
    /// `phaseRows` x `phaseCols` into a phase-major buffer and their columns interleaved
    /// (`gatherPhaseMajor`).
    let interleavesColumnPairs: Bool
    let strideRows: Int
    let phaseRows: Int, phaseCols: Int

    /// `channels`: of the small grid (read); `outputChannels`: of the big image (written).
    init(_ r: WindowRelation, channels: Int, outputChannels: Int) {
        // Per dimension and phase: (count of big positions, [(tap, small offset)]).
        func axis(_ big: Int, _ small: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int) -> [(count: Int, taps: [(Int, Int)])] {
            (0..<s).map { phase in
                let count = phase < big ? (big - phase + s - 1) / s : 0
                let taps = (0..<k).compactMap { tap -> (Int, Int)? in
                    let numerator = phase + p - tap * d
                    return numerator % s == 0 ? (tap, numerator / s) : nil
                }
                return (count, taps)
            }
        }
        func padding(_ axis: [(count: Int, taps: [(Int, Int)])], small: Int) -> (Int, Int) {
            var low = 0, high = 0
            for phase in axis where phase.count > 0 {
                for (_, offset) in phase.taps {
                    low = max(low, -offset)
                    high = max(high, phase.count - 1 + offset - (small - 1))
                }
            }
            return (low, high)
        }
        let rowsAxis = axis(r.big.height, r.small.height, r.kernel.height, r.stride.height, r.padding.height, r.dilation.height)
        let colsAxis = axis(r.big.width, r.small.width, r.kernel.width, r.stride.width, r.padding.width, r.dilation.width)
        let (top, bottom) = padding(rowsAxis, small: r.small.height)
        let (left, right) = padding(colsAxis, small: r.small.width)
        let padded = Size2D(r.small.height + top + bottom, r.small.width + left + right)
        image = PaddedImage(top: top, left: left, padded: padded, image: r.small, channels: channels)
        var phases: [Phase] = []
        var weightOffset = 0
        for (py, rowPhase) in rowsAxis.enumerated() where rowPhase.count > 0 {
            for (px, colPhase) in colsAxis.enumerated() where colPhase.count > 0 {
                var offsets: [Int] = [], taps: [Int] = []
                for (ky, dy) in rowPhase.taps {
                    for (kx, dx) in colPhase.taps {
                        offsets.append((dy + top) * padded.width + (dx + left))
                        taps.append(ky * r.kernel.width + kx)
                    }
                }
                // Pairs are kernel-row-major, so the rows that land inside form one run of pairs.
                let pairsPerKernelRow = colPhase.taps.count * channels
                var rowPairs: [Int32] = []
                for j in 0..<rowPhase.count {
                    let inside = rowPhase.taps.indices.filter { (0..<r.small.height).contains(j + rowPhase.taps[$0].1) }
                    let begin = (inside.first ?? 0) * pairsPerKernelRow
                    let end = inside.last.map { ($0 + 1) * pairsPerKernelRow } ?? begin
                    rowPairs += [Int32(begin), Int32(end)]
                }
                phases.append(Phase(rows: rowPhase.count, cols: colPhase.count,
                                    outputOffset: (py * r.big.width + px) * outputChannels,
                                    planarOffset: py * r.big.width + px, pairOffsets: image.pairOffsets(tapOffsets: offsets), taps: taps,
                                    weightOffset: weightOffset, rowPairs: rowPairs))
                weightOffset += taps.count * channels * outputChannels
            }
        }
        self.phases = phases
        rowStride = padded.width
        columnStride = 1
        outputRowStride = r.stride.height * r.big.width * outputChannels
        outputColumnStride = r.stride.width * outputChannels
        planarRowStride = r.stride.height * r.big.width
        writesPlanes = r.stride.width == 1
        interleavesColumnPairs = r.stride.width == 2 && phases.count == 2 * r.stride.height
        strideRows = r.stride.height
        phaseRows = (r.big.height + r.stride.height - 1) / r.stride.height
        phaseCols = (r.big.width + 1) / 2
    }

    /// Floats of a phase-major buffer [channels][S][2][phaseRows][phaseCols] for `channels` outputs.
    func phaseMajorCount(channels: Int) -> Int { interleavesColumnPairs ? channels * 2 * strideRows * phaseRows * phaseCols : 0 }

    /// Whether to gather the phases along their rows (`gatherPhaseMajor`) for `outs` output
    /// channels: 1 to 4 on either form, up to 8 with AVX-512 (two phase rows of up to 8 columns
    /// share a register there); channel vectors would be mostly empty. Both ways sum every value's
    /// pairs in the same order (same bits).
    func vectorisesRows(outs: Int, isa: ck_isa) -> Bool {
        interleavesColumnPairs && (outs <= 4 || (isa == CK_ISA_AVX512 && outs <= 8))
    }
}

extension PhaseWindows {
    /// Gathers every big-image position of one image from `source` (the padded small grid) into
    /// `output`, NCHW planes of `outs` channels and `bigArea` positions: straight into the planes
    /// when a phase's positions in a row are adjacent, else channels-last into `scratch` first.
    /// weights: phase-ordered (`arrangeWeights`).
    func gatherAll(isa: ck_isa, source: UnsafePointer<Float>, weights: UnsafePointer<Float>, outs: Int, big: Size2D,
                   output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                   bias: UnsafePointer<Float>?) {
        for phase in phases {
            if writesPlanes {
                directGatherPlanes(isa: isa, input: source, rowStride: rowStride, columnStride: columnStride,
                                   pairOffsets: phase.pairOffsets, weights: weights + phase.weightOffset, outs: outs,
                                   rows: phase.rows, cols: phase.cols, output: output + phase.planarOffset,
                                   outputRowStride: planarRowStride, outputPlane: big.area, bias: bias,
                                   rowPairs: phase.rowPairs)
            } else {
                directGather(isa: isa, input: source, rowStride: rowStride, columnStride: columnStride,
                             pairOffsets: phase.pairOffsets, weights: weights + phase.weightOffset, outs: outs,
                             rows: phase.rows, cols: phase.cols, output: scratch + phase.outputOffset,
                             outputRowStride: outputRowStride, outputColumnStride: outputColumnStride, bias: bias,
                             rowPairs: phase.rowPairs)
            }
        }
        if !writesPlanes {
            ck_channels_last_to_planes(isa, scratch, big.width * outs, outs, Int32(outs), Int32(big.height),
                                       Int32(big.width), output)
        }
    }

    /// `gatherAll` for `interleavesColumnPairs`: each phase vectorised along its rows into
    /// `phaseMajor` (`phaseMajorCount` floats), then the column phases interleaved into `output`.
    func gatherPhaseMajor(isa: ck_isa, source: UnsafePointer<Float>, weights: UnsafePointer<Float>, outs: Int, big: Size2D,
                          output: UnsafeMutablePointer<Float>, phaseMajor: UnsafeMutablePointer<Float>,
                          bias: UnsafePointer<Float>?) {
        let phaseSize = phaseRows * phaseCols, channelSize = 2 * strideRows * phaseSize
        for (index, phase) in phases.enumerated() {
            directGatherRows(isa: isa, input: source, rowStride: rowStride, pairOffsets: phase.pairOffsets,
                             weights: weights + phase.weightOffset, outs: outs, rows: phase.rows, cols: phase.cols,
                             output: phaseMajor + index * phaseSize, outputRowStride: phaseCols, outputPlane: channelSize,
                             bias: bias, rowPairs: phase.rowPairs)
        }
        ck_interleave_column_pairs(isa, phaseMajor, Int32(outs), Int32(strideRows), Int32(phaseRows), Int32(phaseCols),
                                   output, Int32(big.height), Int32(big.width))
    }

    /// Copies tap-major weights [taps][channels][outputs] into phase order (each phase's taps together).
    func arrangeWeights(_ tapMajor: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, block: Int) {
        for phase in phases {
            for (i, tap) in phase.taps.enumerated() {
                copyFloats(from: tapMajor + tap * block, to: dst + phase.weightOffset + i * block, count: block)
            }
        }
    }
}
