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

/// `im2col` for `isColumnStrided` layouts.
func im2colStrided(_ layout: Im2colLayout, images: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>) {
    let h = layout.image.height, w = layout.image.width
    let gh = layout.grid.height, gw = layout.grid.width
    let kh = layout.kernel.height, kw = layout.kernel.width
    let sh = layout.stride.height, s = layout.stride.width
    let columnCount = layout.columns
    let phases = RowPhases(layout)
    withUnsafeTemporaryAllocation(of: Int.self, capacity: kw) { taps in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: phases.count) { buffer in
        let phase = buffer.baseAddress!
        for kx in 0..<kw { taps[kx] = phases.tapStart(kx: kx, padding: layout.padding.width) }
        // Guards and the slots past the row's end stay zero: only data slots are ever written.
        phase.initialize(repeating: 0, count: phases.count)
        for n in 0..<layout.batch {
            for c in 0..<layout.channels {
                let plane = images + (n * layout.channels + c) * h * w
                for ky in 0..<kh {
                    let rowBase = columns + (c * kh + ky) * kw * columnCount + n * gh * gw
                    for gy in 0..<gh {
                        let iy = gy * sh + ky * layout.dilation.height - layout.padding.height
                        if iy < 0 || iy >= h {
                            for kx in 0..<kw { fillFloats(rowBase + kx * columnCount + gy * gw, with: 0, count: gw) }
                            continue
                        }
                        let row = plane + iy * w
                        phases.split(row, into: phase)
                        for kx in 0..<kw {
                            copyFloats(from: phase + taps[kx], to: rowBase + kx * columnCount + gy * gw, count: gw)
                        }
                    }
                }
            }
        }
    }
    }
}

/// `col2imAccumulate` for `isColumnStrided` layouts.
func col2imStrided(_ layout: Im2colLayout, columns: UnsafePointer<Float>, images: UnsafeMutablePointer<Float>) {
    let h = layout.image.height, w = layout.image.width
    let gh = layout.grid.height, gw = layout.grid.width
    let kh = layout.kernel.height, kw = layout.kernel.width
    let sh = layout.stride.height, s = layout.stride.width
    let columnCount = layout.columns
    let phases = RowPhases(layout)
    withUnsafeTemporaryAllocation(of: Int.self, capacity: kw) { taps in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: phases.count) { buffer in
        let phase = buffer.baseAddress!
        for kx in 0..<kw { taps[kx] = phases.tapStart(kx: kx, padding: layout.padding.width) }
        for n in 0..<layout.batch {
            for c in 0..<layout.channels {
                let plane = images + (n * layout.channels + c) * h * w
                for ky in 0..<kh {
                    let rowBase = columns + (c * kh + ky) * kw * columnCount + n * gh * gw
                    for gy in 0..<gh {
                        let iy = gy * sh + ky * layout.dilation.height - layout.padding.height
                        if iy < 0 || iy >= h { continue }
                        // Gather this grid row's taps per phase...
                        fillFloats(phase, with: 0, count: phases.count)
                        for kx in 0..<kw {
                            addFloats(rowBase + kx * columnCount + gy * gw, into: phase + taps[kx], count: gw)
                        }
                        // ...then add them onto the image row (padding slots are dropped).
                        let row = plane + iy * w
                        phases.addMerged(phase, into: row)
                    }
                }
            }
        }
    }
    }
}
