/// Where a sliding window's taps fall along one axis: tap k of window o reads input position
/// o·S − P + k·D (convolution and pooling), and a transposed convolution sends input position
/// o through tap k to output position o·S − P + k·D. The one definition of window positions:
/// the reference kernels, the explorer's traces and the lesson checker all use it.
public struct WindowAxis: Sendable, Equatable {
    public let stride: Int
    public let padding: Int
    public let dilation: Int

    public init(stride: Int, padding: Int, dilation: Int) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    /// Where window `index` starts: its first tap (negative inside the leading padding).
    @inlinable
    public func start(_ index: Int) -> Int { index * stride - padding }

    /// Where tap `tap` of window `index` falls.
    @inlinable
    public func position(_ index: Int, tap: Int) -> Int { index * stride - padding + tap * dilation }
}
