import Kernels
import Stepper
import Terminal

/// The small form Home's Explore opens first: which operation, the input's size, channels,
/// filters, kernel size and bias, chosen on screen (the same choices as `cnnlab explore`'s
/// flags). Enter opens the explorer on them; the course's worked example is the default.
///
/// Pure: `update` changes the form and says what the host should do (`Outcome`); the values
/// are bounded by `SizeLimits`' explorer limits, and anything the explorer still refuses (a
/// kernel larger than the input) comes back as `problem`, shown on the form.
struct ExplorerSettingsForm: Equatable, Sendable {
    enum Field: CaseIterable, Equatable, Sendable {
        case operation, inputSize, channels, filters, kernelSize, bias, open
    }

    /// What the host does after a key.
    enum Outcome: Equatable {
        case stay
        /// Open the explorer on this request.
        case open(ExploreRequest)
        /// Back to Home.
        case close
    }

    var operation: ExploreOperation = .conv
    var inputSize = 4
    var channels = 1
    var filters = 1
    var kernelSize = 2
    var bias = false
    var field: Field = .operation
    /// Why the explorer refused the last settings (shown under the form until the next key).
    var problem: String?

    /// The largest input side offered: the explorer's limit (a big input scrolls and says "more").
    static let maximumSide = SizeLimits.explorerSide.maximum
    static let maximumChannels = SizeLimits.explorerChannels.maximum

    /// The fields that apply to the operation (pooling has no filters and no bias).
    var fields: [Field] {
        Field.allCases.filter { operation != .pool || ($0 != .filters && $0 != .bias) }
    }

    /// True for the course's worked example (4x4 input, one channel and filter, 2x2 kernel).
    var isWorkedExample: Bool { inputSize == 4 && channels == 1 && filters == 1 && kernelSize == 2 }

    /// The explorer request for these settings: the worked example's values when the sizes are
    /// its own, else random whole numbers of the chosen sizes (seeded, so the same each time).
    var request: ExploreRequest {
        let isPool = operation == .pool
        let biasText = !isPool && bias ? (0..<filters).map { $0 % 2 == 0 ? "1" : "-1" }.joined(separator: ", ") : nil
        if isWorkedExample { return ExploreRequest(operation: operation, bias: biasText) }
        return ExploreRequest(operation: operation, kernel: "\(kernelSize)x\(kernelSize)", bias: biasText,
                              channels: channels, filters: isPool ? nil : filters, random: "\(inputSize)x\(inputSize)")
    }

    mutating func update(_ key: Key) -> Outcome {
        problem = nil
        let shown = fields
        let index = shown.firstIndex(of: field) ?? 0
        switch key {
        case .up, .backTab, .character("k"):
            field = shown[(index + shown.count - 1) % shown.count]
        case .down, .tab, .character("j"):
            field = shown[(index + 1) % shown.count]
        case .left, .character("-"), .character("h"):
            change(by: -1)
        case .right, .character("+"), .character("="), .character("l"), .character(" "):
            if field == .open { return .open(request) }
            change(by: 1)
        case .enter:
            return .open(request)
        case .escape, .character("q"):
            return .close
        default:
            break
        }
        return .stay
    }

    mutating func change(by step: Int) {
        func clamp(_ value: Int, _ upper: Int) -> Int { min(max(1, value + step), upper) }
        switch field {
        case .operation:
            let all = ExploreOperation.allCases
            operation = all[((all.firstIndex(of: operation) ?? 0) + step + all.count) % all.count]
            if !fields.contains(field) { field = .operation }
        case .inputSize: inputSize = clamp(inputSize, Self.maximumSide)
        case .channels: channels = clamp(channels, Self.maximumChannels)
        case .filters: filters = clamp(filters, Self.maximumChannels)
        case .kernelSize: kernelSize = clamp(kernelSize, Self.maximumSide)
        case .bias: bias.toggle()
        case .open: break
        }
    }

    func label(_ field: Field) -> (name: String, value: String) {
        switch field {
        case .operation:
            let what: String
            switch operation {
            case .conv: what = "convolution (F.conv2d)"
            case .pool: what = "max pooling (F.max_pool2d)"
            case .convT: what = "transposed convolution (F.conv_transpose2d)"
            }
            return ("operation", "\(operation.rawValue): \(what)")
        case .inputSize: return ("input", "\(inputSize)x\(inputSize)")
        case .channels: return ("channels", "\(channels) (input channels)")
        case .filters: return ("filters", "\(filters) (\(operation == .convT ? "output channels" : "kernels, one output each"))")
        case .kernelSize: return (operation == .pool ? "window" : "kernel", "\(kernelSize)x\(kernelSize)")
        case .bias: return ("bias", bias ? "yes (1, −1, ... per filter)" : "no")
        case .open: return ("", "Open the explorer")
        }
    }

    func render(into buffer: inout Buffer, context: RenderContext) {
        buffer.fill(buffer.area)
        let g = context.glyphs
        let lines = fields.count + 6
        // 74 columns: the longest operation line ("convT: transposed convolution (F.conv_transpose2d)"
        // between its arrows) fits whole at 80 columns.
        let area = buffer.area.centered(width: min(buffer.width, 74), height: min(buffer.height - 1, lines + 2))
        let inner = Box(title: "Explore: choose what to step through", focused: true)
            .render(into: &buffer, area: area, context: context)
        var y = inner.y
        for field in fields {
            guard y < inner.maxY else { buffer.noteHidden("form fields", in: inner); break }
            let (name, value) = label(field)
            let selected = field == self.field
            let row = Rect(x: inner.x, y: y, width: inner.width, height: 1)
            if selected { buffer.fill(row, with: Cell(" ", style: context.style(.selection))) }
            let pointer = selected ? (g.unicode ? "▸" : ">") : " "
            let text: String
            if field == .open {
                text = " \(pointer) [ \(value) ]"
            } else {
                let arrows = selected ? "\(g.arrowLeft) \(value) \(g.arrowRight)" : "  \(value)"
                text = " \(pointer) " + name.rightPadded(to: 10) + arrows
            }
            buffer.write(text.truncated(to: inner.width, ellipsis: g.ellipsis), x: inner.x, y: y,
                         role: selected ? .selection : .normal, context: context, clip: inner)
            y += 1
        }
        y += 1
        var notes: [(text: String, role: Role)] = []
        if let problem {
            notes += WrappedText(problem, markup: false).plainLines(width: inner.width - 2).map { (text: $0, role: .error) }
        } else {
            let about = isWorkedExample ? "the course's worked example values" : "random whole numbers (r in the explorer: new ones)"
            notes += WrappedText(about, markup: false).plainLines(width: inner.width - 2).map { (text: $0, role: .dim) }
        }
        notes.append(("\(g.arrowUp)\(g.arrowDown) choose  \(g.arrowLeft)\(g.arrowRight) change  Enter open  Esc back", .dim))
        buffer.writeLines(notes, in: Rect(x: inner.x + 1, y: y, width: inner.width - 2, height: inner.maxY - y), context: context)
        StatusLine(left: "in the explorer: ? lists its keys, q comes back to this form", role: .status)
            .render(into: &buffer, area: Rect(x: 0, y: buffer.height - 1, width: buffer.width, height: 1), context: context)
    }
}
