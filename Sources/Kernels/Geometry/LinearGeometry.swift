/// The sizes of a fully connected layer over a batch.
///
/// Shapes: input [batch, inFeatures], weight [outFeatures, inFeatures], bias [outFeatures],
/// output [batch, outFeatures].
public struct LinearGeometry: Sendable, Equatable {
    public let batch: Int
    public let inFeatures: Int
    public let outFeatures: Int

    public init(batch: Int, inFeatures: Int, outFeatures: Int) throws(ShapeError) {
        try requireAtLeast(1, batch, field: "input (batch size)")
        try requireAtLeast(1, inFeatures, field: "input (features)")
        try requireAtLeast(1, outFeatures, field: "weight (output features)")
        _ = try checkedElementCount([batch, inFeatures], field: "input")
        _ = try checkedElementCount([batch, outFeatures], field: "output")
        _ = try checkedElementCount([inFeatures, outFeatures], field: "weight")
        self.batch = batch
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }
}
