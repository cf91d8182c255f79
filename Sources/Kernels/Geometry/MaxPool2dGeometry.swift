/// Every size of one 2-D max pooling over a batch, validated as PyTorch validates it (the one
/// pooling geometry, `PoolingSizes`). Padded positions count as minus infinity.
public struct MaxPool2dGeometry: PoolingGeometry {
    public let pooling: PoolingSizes

    /// Throws a `ShapeError` naming the offending field when PyTorch would refuse the pooling.
    public init(batch: Int, channels: Int, input: Size2D, kernel: Size2D, stride: Size2D? = nil,
                padding: Size2D = 0, dilation: Size2D = 1, ceilMode: Bool = false) throws(ShapeError) {
        pooling = try PoolingSizes(batch: batch, channels: channels, input: input, kernel: kernel, stride: stride,
                                   padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}
