import Kernels

/// The numbers that decide the output size along one axis (height or width), with the
/// formula written out for a student and the input positions no window reaches.
public struct AxisGeometry: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case convolution, pooling(ceilMode: Bool), transposed }

    public let kind: Kind
    /// "H" or "W".
    public let axisName: String
    public let input: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    public let dilation: Int
    public let outputPadding: Int

    public init(kind: Kind, axisName: String, input: Int, kernel: Int, stride: Int, padding: Int,
                dilation: Int = 1, outputPadding: Int = 0) {
        self.kind = kind; self.axisName = axisName; self.input = input; self.kernel = kernel
        self.stride = stride; self.padding = padding; self.dilation = dilation; self.outputPadding = outputPadding
    }

    /// How many input positions one window spans: D(K − 1) + 1.
    public var span: Int { OutputSize.effectiveKernel(kernel, dilation: dilation) }

    /// I + 2P − D(K − 1) − 1: the room the window has to move in.
    public var room: Int { OutputSize.reach(input: input, kernel: kernel, padding: padding, dilation: dilation) }

    /// Where the taps of each window fall (Kernels' one definition).
    public var window: WindowAxis { WindowAxis(stride: stride, padding: padding, dilation: dilation) }

    /// The output length (Kernels' formulas), 0 or less when the settings leave no output.
    public var output: Int {
        switch kind {
        case .convolution:
            return room < 0 ? 0 : OutputSize.convolution(input: input, kernel: kernel, stride: stride,
                                                          padding: padding, dilation: dilation)
        case .pooling(let ceilMode):
            return room < 0 ? 0 : OutputSize.pooling(input: input, kernel: kernel, stride: stride, padding: padding,
                                                      dilation: dilation, ceilMode: ceilMode)
        case .transposed:
            return OutputSize.transposedConvolution(input: input, kernel: kernel, stride: stride, padding: padding,
                                                    dilation: dilation, outputPadding: outputPadding)
        }
    }

    /// Positions of the padded input (0 = first padding cell) that some tap of some window touches.
    public var touchedPaddedPositions: Set<Int> {
        guard kind != .transposed else { return [] }
        let window = self.window
        var touched = Set<Int>()
        for o in 0..<max(0, output) { for k in 0..<kernel { touched.insert(window.position(o, tap: k) + padding) } }
        return touched
    }

    /// Real input positions (0-based, without padding) that no window ever reads.
    public var unreachedInputPositions: [Int] {
        guard kind != .transposed else { return [] }
        let touched = touchedPaddedPositions
        return (0..<input).filter { !touched.contains($0 + padding) }
    }

    /// The remainder the floor drops: (I + 2P − D(K − 1) − 1) mod S.
    public var floorRemainder: Int { room >= 0 && kind != .transposed ? room % stride : 0 }

    /// The formula with this case's numbers, e.g.
    /// "H_out = ⌊(4 + 2·0 − 1·(2−1) − 1)/1⌋ + 1 = ⌊2/1⌋ + 1 = 3".
    /// `compact` leaves out the general form, for narrow screens.
    public func formula(_ n: Notation, compact: Bool = false) -> String {
        let m = n.minus, d = n.dot
        let name = "\(axisName)_out"
        switch kind {
        case .transposed:
            let general = "(\(axisName)_in \(m) 1)S \(m) 2P + D(K \(m) 1) + OP + 1"
            let numbers = "(\(input) \(m) 1)\(d)\(stride) \(m) 2\(d)\(padding) + \(dilation)\(d)(\(kernel) \(m) 1) + \(outputPadding) + 1"
            return compact ? "\(name) = \(numbers) = \(output)" : "\(name) = \(general) = \(numbers) = \(output)"
        case .convolution, .pooling:
            let ceil: Bool
            if case .pooling(ceilMode: true) = kind { ceil = true } else { ceil = false }
            let (open, close) = ceil ? (n.ceilOpen, n.ceilClose) : (n.floorOpen, n.floorClose)
            let general = "\(open)(I + 2P \(m) D(K\(m)1) \(m) 1)/S\(close) + 1"
            let numbers = "\(open)(\(input) + 2\(d)\(padding) \(m) \(dilation)\(d)(\(kernel)\(m)1) \(m) 1)/\(stride)\(close) + 1"
            guard room >= 0 else {
                return "\(name) = \(general) = \(numbers): \(n.number(Float(room))) < 0, no window fits"
            }
            if compact { return "\(name) = \(numbers) = \(output)" }
            return "\(name) = \(general) = \(numbers) = \(open)\(room)/\(stride)\(close) + 1 = \(output)"
        }
    }

    /// Real input positions after the last window's last tap: what the floor cuts off.
    public var droppedByFloor: [Int] {
        guard kind != .transposed, output > 0 else { return [] }
        let lastTouched = window.position(output - 1, tap: kernel - 1) + padding
        return unreachedInputPositions.filter { $0 + padding > lastTouched }
    }

    /// Why some input rows or columns are never read, or nil when every one is: cut off by
    /// the floor, or skipped between dilated taps and stride jumps.
    public func unreachedExplanation(_ n: Notation) -> String? {
        let what = axisName == "H" ? "row" : "column"
        func phrase(_ positions: [Int], _ verb: String) -> String {
            let list = positions.map(String.init).joined(separator: ", ")
            return positions.count == 1 ? "input \(what) \(list) is \(verb)" : "input \(what)s \(list) are \(verb)"
        }
        let dropped = droppedByFloor
        let skipped = unreachedInputPositions.filter { !dropped.contains($0) }
        var parts: [String] = []
        if !dropped.isEmpty {
            parts.append("\(room) is not a multiple of stride \(stride): the floor drops \(floorRemainder), so "
                + phrase(dropped, "never reached"))
        }
        if !skipped.isEmpty {
            parts.append(phrase(skipped, "never read: they fall between the taps (dilation \(dilation), stride \(stride))"))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

extension AxisGeometry {
    /// Both axes ("H", "W") of an operation of `kind` over `input` with a `kernel` of that size:
    /// the one place the traces turn their settings into per-axis geometry.
    static func axes(_ kind: Kind, input: Tensor4, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                     outputPadding: Pair = Pair(0)) -> (height: AxisGeometry, width: AxisGeometry) {
        (AxisGeometry(kind: kind, axisName: "H", input: input.height, kernel: kernel.height, stride: stride.height,
                      padding: padding.height, dilation: dilation.height, outputPadding: outputPadding.height),
         AxisGeometry(kind: kind, axisName: "W", input: input.width, kernel: kernel.width, stride: stride.width,
                      padding: padding.width, dilation: dilation.width, outputPadding: outputPadding.width))
    }
}
