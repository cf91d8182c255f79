/// A transposed convolution seen as a direct convolution: insert S − 1 zeros between input
/// values, pad D(K − 1) − P zeros on each side (crop when that is negative) plus the output
/// padding at the bottom/right, flip the kernel, and slide it with stride 1.
public struct ZeroInsertionView: Equatable, Sendable {
    /// What a cell of the expanded input holds.
    public enum CellKind: Equatable, Sendable { case value, insertedZero, paddingZero }

    /// The expanded input, N x C_in x L_h x L_w.
    public let expandedInput: Tensor4
    /// cellKinds[row][column] for every channel.
    public let cellKinds: [[CellKind]]
    /// The flipped kernel as a direct-convolution weight, C_out x C_in x kH x kW.
    public let flippedWeight: Tensor4
    /// Zeros added on each side: D(K − 1) − P per axis (negative: cropped).
    public let sidePadding: Pair
    /// The direct convolution stepped through; its output equals the transposed convolution's.
    public let trace: ConvTrace

    init(_ t: ConvTransposeTrace) throws(ExploreError) {
        let s = t.settings
        // The sizes are Kernels' (ConvTranspose2dGeometry.zeroInsertion); this view fills them in.
        let (side, expandedSize) = t.geometry.zeroInsertion
        let q = Pair(height: side.height, width: side.width)
        let (lengthH, lengthW) = (expandedSize.height, expandedSize.width)
        func source(_ e: Int, _ pad: Int, _ stride: Int, _ count: Int) -> (index: Int?, kind: CellKind) {
            let z = e - pad
            if z < 0 || z > (count - 1) * stride { return (nil, .paddingZero) }
            return z % stride == 0 ? (z / stride, .value) : (nil, .insertedZero)
        }
        var expanded = Tensor4(batch: t.input.batch, channels: t.input.channels, height: lengthH, width: lengthW)
        var kinds: [[CellKind]] = []
        for row in 0..<lengthH {
            let (iy, kindY) = source(row, q.height, s.stride.height, t.input.height)
            var line: [CellKind] = []
            for column in 0..<lengthW {
                let (ix, kindX) = source(column, q.width, s.stride.width, t.input.width)
                if kindY == .paddingZero || kindX == .paddingZero { line.append(.paddingZero); continue }
                guard let iy, let ix else { line.append(.insertedZero); continue }
                line.append(.value)
                for n in 0..<t.input.batch { for c in 0..<t.input.channels { expanded[n, c, row, column] = t.input[n, c, iy, ix] } }
            }
            kinds.append(line)
        }
        var flipped = Tensor4(batch: t.weight.channels, channels: t.weight.batch, height: t.weight.height, width: t.weight.width)
        for f in 0..<t.weight.channels {
            for c in 0..<t.weight.batch {
                for ky in 0..<t.weight.height {
                    for kx in 0..<t.weight.width {
                        flipped[f, c, ky, kx] = t.weight[c, f, t.weight.height - 1 - ky, t.weight.width - 1 - kx]
                    }
                }
            }
        }
        expandedInput = expanded
        cellKinds = kinds
        flippedWeight = flipped
        sidePadding = q
        trace = try ConvTrace(input: expanded, weight: flipped, bias: t.bias,
                              settings: ConvSettings(stride: Pair(1), padding: Pair(0), dilation: s.dilation))
    }
}
