/// How a batch of images unrolls into the im2col matrix of a convolution.
///
/// The matrix has `rows` = channels * kernel.height * kernel.width (one per channel and kernel tap)
/// and `columns` = batch * grid.height * grid.width (one per image and output position), stored
/// row-major. Positions that fall into the padding read as zero.
/// For a convolution the image is the input and the grid the output; a transposed convolution
/// uses the same layout with the roles swapped (image = its output, grid = its input).
public struct Im2colLayout: Sendable, Equatable {
    public let batch: Int
    public let channels: Int
    public let image: Size2D
    public let grid: Size2D
    public let kernel: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D

    public var rows: Int { channels * kernel.area }
    public var columns: Int { batch * grid.area }
    public var count: Int { rows * columns }

    /// For one kernel column offset, the range of grid columns whose image column lies inside
    /// the image (the rest read padding).
    @inline(__always)
    func validGridColumns(tapOffset: Int) -> Range<Int> {
        let lo = min(grid.width, max(0, ceilDivide(-tapOffset, stride.width)))
        let hi = min(grid.width, ceilDivide(image.width - tapOffset, stride.width))
        return lo..<max(lo, hi)
    }

    /// Visits the matrix one grid row at a time, in storage order (channel, kernel row, kernel
    /// column, image, grid row): `body(matrixOffset, planeOffset, iy, colOffset, valid)` gets where
    /// the grid row's `grid.width` values start in the matrix, where the image plane starts, the
    /// image row the taps read (outside 0..<image.height: padding), the tap's column offset and the
    /// grid columns that read inside the image. The one walk `im2col` and `col2imAccumulate` share.
    @inline(__always)
    func forEachGridRow(_ body: (_ matrixOffset: Int, _ planeOffset: Int, _ iy: Int, _ colOffset: Int,
                                 _ valid: Range<Int>) -> Void) {
        let planeSize = image.area, gh = grid.height, gw = grid.width
        for c in 0..<channels {
            for kh in 0..<kernel.height {
                let rowOffset = kh * dilation.height - padding.height
                for kw in 0..<kernel.width {
                    let colOffset = kw * dilation.width - padding.width
                    let valid = validGridColumns(tapOffset: colOffset)
                    var matrixOffset = ((c * kernel.height + kh) * kernel.width + kw) * columns
                    for n in 0..<batch {
                        let planeOffset = (n * channels + c) * planeSize
                        for gy in 0..<gh {
                            body(matrixOffset, planeOffset, gy * stride.height + rowOffset, colOffset, valid)
                            matrixOffset += gw
                        }
                    }
                }
            }
        }
    }
}

/// Unrolls every receptive field of the batch into columns.
/// images [batch, channels, image.height, image.width] -> columns [rows, columns] (see `Im2colLayout`).
public func im2col(_ layout: Im2colLayout, images: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>) {
    if layout.isDense && layout.grid.width >= 8 {
        im2colDense(layout, images: images, columns: columns)
        return
    }
    if layout.isColumnStrided {
        im2colStrided(layout, images: images, columns: columns)
        return
    }
    let (h, w, gw, sw) = (layout.image.height, layout.image.width, layout.grid.width, layout.stride.width)
    layout.forEachGridRow { matrixOffset, planeOffset, iy, colOffset, valid in
        let dst = columns + matrixOffset
        if iy < 0 || iy >= h {
            fillFloats(dst, with: 0, count: gw)
            return
        }
        let src = images + planeOffset + iy * w + colOffset
        for gx in 0..<valid.lowerBound { dst[gx] = 0 }
        if sw == 1 {
            copyFloats(from: src + valid.lowerBound, to: dst + valid.lowerBound, count: valid.count)
        } else {
            for gx in valid { dst[gx] = src[gx * sw] }
        }
        for gx in valid.upperBound..<gw { dst[gx] = 0 }
    }
}

/// The adjoint of `im2col`: adds every column entry back onto the image position it came from.
/// columns [rows, columns] -> images [batch, channels, image.height, image.width] (accumulated:
/// the caller zeroes `images` first when it wants a fresh result).
public func col2imAccumulate(_ layout: Im2colLayout, columns: UnsafePointer<Float>, images: UnsafeMutablePointer<Float>) {
    if layout.isColumnStrided {
        col2imStrided(layout, columns: columns, images: images)
        return
    }
    if layout.isDense {
        col2imDense(layout, columns: columns, images: images)
        return
    }
    let (h, w, sw) = (layout.image.height, layout.image.width, layout.stride.width)
    layout.forEachGridRow { matrixOffset, planeOffset, iy, colOffset, valid in
        guard iy >= 0 && iy < h else { return }
        let src = columns + matrixOffset
        let dst = images + planeOffset + iy * w + colOffset
        if sw == 1 {
            addFloats(src + valid.lowerBound, into: dst + valid.lowerBound, count: valid.count)
        } else {
            for gx in valid { dst[gx * sw] += src[gx] }
        }
    }
}

/// dst[0..<count] = src[0..<count], eight at a time: rows here are 4 to 32 values, too short
/// for a call to memmove to pay off.
@inline(__always)
func copyFloats(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self),
                                                    as: SIMD8<Float>.self)
        i += 8
    }
    while i < count { dst[i] = src[i]; i += 1 }
}

/// dst[0..<count] += src[0..<count], eight at a time.
@inline(__always)
func addFloats(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        let sum = UnsafeRawPointer(dst + i).loadUnaligned(as: SIMD8<Float>.self)
            + UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: sum, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count { dst[i] += src[i]; i += 1 }
}

extension Im2colLayout {
    /// Stride 1, no padding, no dilation: every tap reads inside the image (the CNN's convolutions).
    var isDense: Bool { stride == 1 && padding == 0 && dilation == 1 }
}

/// `im2col` for dense layouts with grids at least 8 wide: each grid row is a straight copy of an
/// image row, done as 8-value blocks, the last one overlapping the one before it (so no scalar tail).
func im2colDense(_ layout: Im2colLayout, images: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>) {
    let h = layout.image.height, w = layout.image.width
    let gh = layout.grid.height, gw = layout.grid.width
    let kh = layout.kernel.height, kw = layout.kernel.width
    let columnCount = layout.columns
    let lastBlock = gw - 8
    for c in 0..<layout.channels {
        for ky in 0..<kh {
            for kx in 0..<kw {
                var dst = columns + ((c * kh + ky) * kw + kx) * columnCount
                for n in 0..<layout.batch {
                    var src = images + (n * layout.channels + c) * h * w + ky * w + kx
                    for _ in 0..<gh {
                        var x = 0
                        while x < lastBlock {
                            UnsafeMutableRawPointer(dst + x).storeBytes(
                                of: UnsafeRawPointer(src + x).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                            x += 8
                        }
                        UnsafeMutableRawPointer(dst + lastBlock).storeBytes(
                            of: UnsafeRawPointer(src + lastBlock).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                        src += w
                        dst += gw
                    }
                }
            }
        }
    }
}

/// `col2imAccumulate` for dense layouts: each grid row adds straight onto an image row, in the
/// general loop's order.
func col2imDense(_ layout: Im2colLayout, columns: UnsafePointer<Float>, images: UnsafeMutablePointer<Float>) {
    let h = layout.image.height, w = layout.image.width
    let gh = layout.grid.height, gw = layout.grid.width
    let kh = layout.kernel.height, kw = layout.kernel.width
    var src = columns
    for c in 0..<layout.channels {
        for ky in 0..<kh {
            for kx in 0..<kw {
                for n in 0..<layout.batch {
                    var dst = images + (n * layout.channels + c) * h * w + ky * w + kx
                    for _ in 0..<gh {
                        addFloats(src, into: dst, count: gw)
                        src += gw
                        dst += w
                    }
                }
            }
        }
    }
}

/// dst[0..<count] = value, eight at a time.
@inline(__always)
func fillFloats(_ dst: UnsafeMutablePointer<Float>, with value: Float, count: Int) {
    let lanes = SIMD8<Float>(repeating: value)
    var i = 0
    while i + 8 <= count {
        UnsafeMutableRawPointer(dst + i).storeBytes(of: lanes, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count { dst[i] = value; i += 1 }
}
