/// im2col and col2im for column strides of 2 or more (the autoencoder's stride-2 layers).
///
/// With stride s, the taps of one grid row read every s-th value of an image row. Splitting the
/// image row once into its s phases (values at x = p, p+s, p+2s, ... for each p < s), with zeros
/// before and after each phase for the padding, turns every tap's read into one contiguous copy.
/// im2col gives exactly the general loop's values; col2im adds a grid row's taps together before
/// adding them onto the image, so its sums may differ from the general loop's in the last bit.

/// The phases of one image row, with zero guards on each side.
struct RowPhases {
    let stride: Int
    let width: Int
    /// Values per phase: ceil(width / stride).
    let phaseWidth: Int
    /// Zeros before each phase, enough for the leftmost tap that reaches into the padding.
    let lowGuard: Int
    /// Floats per phase including both guards.
    let span: Int

    init(_ layout: Im2colLayout) {
        let s = layout.stride.width, pad = layout.padding.width
        stride = s
        width = layout.image.width
        phaseWidth = (width + s - 1) / s
        lowGuard = ceilDivide(pad, s)
        // The rightmost read: grid column gw-1 of the last tap, at phase position gw-1 + floor((k-1-pad)/s).
        let highest = layout.grid.width - 1 + OutputSize.floorDivide(layout.kernel.width - 1 - pad, s)
        span = lowGuard + max(phaseWidth, highest + 1) + 1
    }

    var count: Int { stride * span }

    /// phase[p][lowGuard + j] = row[j * stride + p] for every x = j * stride + p < width.
    @inline(__always)
    func split(_ row: UnsafePointer<Float>, into phase: UnsafeMutablePointer<Float>) {
        if stride == 2 {
            var j = 0
            let even = phase + lowGuard, odd = phase + span + lowGuard
            while 2 * j + 16 <= width {
                let pair = UnsafeRawPointer(row + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(even + j).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(odd + j).storeBytes(of: pair.oddHalf, as: SIMD8<Float>.self)
                j += 8
            }
            while 2 * j + 1 < width { even[j] = row[2 * j]; odd[j] = row[2 * j + 1]; j += 1 }
            if 2 * j < width { even[j] = row[2 * j] }
            return
        }
        for p in 0..<stride {
            var x = p, j = lowGuard
            while x < width { phase[p * span + j] = row[x]; x += stride; j += 1 }
        }
    }

    /// row[j * stride + p] += phase[p][lowGuard + j]: the inverse of `split`, accumulated.
    @inline(__always)
    func addMerged(_ phase: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>) {
        for p in 0..<stride {
            var x = p, j = lowGuard
            while x < width { row[x] += phase[p * span + j]; x += stride; j += 1 }
        }
    }

    /// Where grid column 0 of tap column `kx` reads, as an offset into the phase buffer.
    func tapStart(kx: Int, padding: Int) -> Int {
        let offset = kx - padding
        let phase = ((offset % stride) + stride) % stride
        return phase * span + lowGuard + OutputSize.floorDivide(offset, stride)
    }
}

extension Im2colLayout {
    /// Layouts that `im2colStrided` and `col2imStrided` take.
    var isColumnStrided: Bool { stride.width >= 2 && dilation.width == 1 }
}

extension Im2colLayout {
    /// The image row that grid row `gy` reads through kernel row `ky` (outside the image: padding).
    @inline(__always)
    func imageRow(_ gy: Int, tap ky: Int) -> Int { gy * stride.height + ky * dilation.height - padding.height }
}

/// What `im2colStrided` and `col2imStrided` share: the layout's row phases, each tap column's
/// start in a phase buffer, and a phase buffer of `rows` split rows, for the time of `body`.
@inline(__always)
func withPhaseBuffer(_ layout: Im2colLayout, rows: Int,
                     _ body: (RowPhases, UnsafeMutableBufferPointer<Int>, UnsafeMutablePointer<Float>) -> Void) {
    let phases = RowPhases(layout)
    withUnsafeTemporaryAllocation(of: Int.self, capacity: layout.kernel.width) { taps in
        for kx in 0..<layout.kernel.width { taps[kx] = phases.tapStart(kx: kx, padding: layout.padding.width) }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * phases.count) { buffer in
            body(phases, taps, buffer.baseAddress!)
        }
    }
}

/// `im2col` for `isColumnStrided` layouts. Every row of an image plane is split first, then the
/// taps are copied out: copying right after splitting a row would reload values just stored at
/// another offset, which stalls the core (store forwarding fails).
func im2colStrided(_ layout: Im2colLayout, images: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>) {
    let (h, w, gh, gw) = (layout.image.height, layout.image.width, layout.grid.height, layout.grid.width)
    let (kh, kw, columnCount) = (layout.kernel.height, layout.kernel.width, layout.columns)
    withPhaseBuffer(layout, rows: h) { phases, taps, phase in
        let rowSpan = phases.count
        // Guards and the slots past a row's end stay zero: only data slots are ever written.
        phase.initialize(repeating: 0, count: h * rowSpan)
        for n in 0..<layout.batch {
            for c in 0..<layout.channels {
                let plane = images + (n * layout.channels + c) * h * w
                for iy in 0..<h { phases.split(plane + iy * w, into: phase + iy * rowSpan) }
                for ky in 0..<kh {
                    let rowBase = columns + (c * kh + ky) * kw * columnCount + n * gh * gw
                    for gy in 0..<gh {
                        let iy = layout.imageRow(gy, tap: ky)
                        if iy < 0 || iy >= h {
                            for kx in 0..<kw { fillFloats(rowBase + kx * columnCount + gy * gw, with: 0, count: gw) }
                            continue
                        }
                        let split = phase + iy * rowSpan
                        for kx in 0..<kw {
                            copyFloats(from: split + taps[kx], to: rowBase + kx * columnCount + gy * gw, count: gw)
                        }
                    }
                }
            }
        }
    }
}

/// `col2imAccumulate` for `isColumnStrided` layouts. The taps of a grid row land in the phase
/// buffer at one-value offsets from each other; adding them tap after tap on the same row would
/// reload values just stored at another offset, which stalls the core (store forwarding fails).
/// So each tap is added for every grid row of the plane before the next tap comes back to a row.
func col2imStrided(_ layout: Im2colLayout, columns: UnsafePointer<Float>, images: UnsafeMutablePointer<Float>) {
    let (h, w, gh, gw) = (layout.image.height, layout.image.width, layout.grid.height, layout.grid.width)
    let (kh, kw, columnCount) = (layout.kernel.height, layout.kernel.width, layout.columns)
    withPhaseBuffer(layout, rows: gh) { phases, taps, phase in
        let rowSpan = phases.count
        for n in 0..<layout.batch {
            for c in 0..<layout.channels {
                let plane = images + (n * layout.channels + c) * h * w
                for ky in 0..<kh {
                    let rowBase = columns + (c * kh + ky) * kw * columnCount + n * gh * gw
                    // Gather every grid row's taps per phase, one tap at a time over all rows...
                    fillFloats(phase, with: 0, count: gh * rowSpan)
                    for kx in 0..<kw {
                        let tapRow = rowBase + kx * columnCount
                        for gy in 0..<gh {
                            addFloats(tapRow + gy * gw, into: phase + gy * rowSpan + taps[kx], count: gw)
                        }
                    }
                    // ...then add them onto the image rows (padding slots are dropped).
                    for gy in 0..<gh {
                        let iy = layout.imageRow(gy, tap: ky)
                        if iy < 0 || iy >= h { continue }
                        phases.addMerged(phase + gy * rowSpan, into: plane + iy * w)
                    }
                }
            }
        }
    }
}
