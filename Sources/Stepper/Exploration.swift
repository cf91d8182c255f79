/// A resolved exploration: the operation's trace(s), ready to be stepped through or exported.
public struct Exploration: Equatable, Sendable {
    public let operation: ExploreOperation
    public var conv: ConvTrace?
    public var convBackward: ConvBackward?
    public var pool: PoolTrace?
    public var convT: ConvTransposeTrace?
    public var zeroInsertion: ZeroInsertionView?
    /// Whether the backward view was asked for (conv and pool).
    public var backward: Bool
    /// The values and settings these traces were built from.
    public let setup: ExploreSetup

    public init(operation: ExploreOperation, conv: ConvTrace? = nil, convBackward: ConvBackward? = nil, pool: PoolTrace? = nil,
                convT: ConvTransposeTrace? = nil, zeroInsertion: ZeroInsertionView? = nil, backward: Bool,
                setup: ExploreSetup) {
        self.operation = operation; self.conv = conv; self.convBackward = convBackward; self.pool = pool
        self.convT = convT; self.zeroInsertion = zeroInsertion; self.backward = backward
        self.setup = setup
    }

    /// The operation's output (N x C x H x W), as PyTorch computes it.
    public var output: Tensor4 {
        if let conv { return conv.output }
        if let pool { return pool.output }
        return convT!.output
    }

    /// The input of the operation.
    public var input: Tensor4 {
        if let conv { return conv.input }
        if let pool { return pool.input }
        return convT!.input
    }
}
