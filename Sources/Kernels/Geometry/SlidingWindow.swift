/// The window of a convolution, a transposed convolution or a pooling along both axes: its
/// kernel size, stride, padding and dilation, validated once for all of them. Tap (ky, kx) of
/// window (oy, ox) reads position (rows.position(oy, tap: ky), columns.position(ox, tap: kx)).
public struct SlidingWindow: Sendable, Equatable {
    public let kernel: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D

    /// Throws a `ShapeError` as PyTorch refuses: a kernel or stride under 1 (the kernel named
    /// `kernelField`), a negative padding, a dilation under 1.
    public init(kernel: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D,
                kernelField: String = "params.kernel_size") throws(ShapeError) {
        try requireAtLeast(1, kernel, field: kernelField)
        try requireAtLeast(1, stride, field: "params.stride")
        try requireAtLeast(0, padding, field: "params.padding")
        try requireAtLeast(1, dilation, field: "params.dilation")
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    /// Window positions down the rows.
    @inlinable
    public var rows: WindowAxis { WindowAxis(stride: stride.height, padding: padding.height, dilation: dilation.height) }
    /// Window positions across the columns.
    @inlinable
    public var columns: WindowAxis { WindowAxis(stride: stride.width, padding: padding.width, dilation: dilation.width) }

    /// The span of the dilated kernel, D(K-1) + 1 in each dimension.
    public var extent: Size2D {
        Size2D(OutputSize.effectiveKernel(kernel.height, dilation: dilation.height),
               OutputSize.effectiveKernel(kernel.width, dilation: dilation.width))
    }

    /// `input` with the padding on both sides.
    public func padded(_ input: Size2D) -> Size2D {
        Size2D(input.height + 2 * padding.height, input.width + 2 * padding.width)
    }

    /// Calls `body(ky, kx, y, x)` for each tap of window (oy, ox) that falls inside `plane`, row by
    /// row (taps in the padding are skipped). For a transposed convolution, (oy, ox) is the input
    /// position and (y, x) the output position it reaches.
    @inlinable
    public func forEachTap(_ oy: Int, _ ox: Int, inside plane: Size2D,
                           _ body: (_ ky: Int, _ kx: Int, _ y: Int, _ x: Int) -> Void) {
        let (rows, columns) = (self.rows, self.columns)
        for ky in 0..<kernel.height {
            let y = rows.position(oy, tap: ky)
            if y < 0 || y >= plane.height { continue }
            for kx in 0..<kernel.width {
                let x = columns.position(ox, tap: kx)
                if x < 0 || x >= plane.width { continue }
                body(ky, kx, y, x)
            }
        }
    }
}

/// A geometry built on a `SlidingWindow`: its window's sizes and positions read through it.
public protocol WindowedGeometry {
    var window: SlidingWindow { get }
}

extension WindowedGeometry {
    @inlinable public var kernel: Size2D { window.kernel }
    @inlinable public var stride: Size2D { window.stride }
    @inlinable public var padding: Size2D { window.padding }
    @inlinable public var dilation: Size2D { window.dilation }
    /// Window positions down the rows.
    @inlinable public var rows: WindowAxis { window.rows }
    /// Window positions across the columns.
    @inlinable public var columns: WindowAxis { window.columns }
}
