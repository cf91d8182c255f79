import Kernels
import Stepper

extension ExploreBlock {
    static let keys = ["op", "pass", "view", "input", "kernel", "kernel_size", "stride", "padding", "dilation",
                       "output_padding", "bias", "upstream"]

    /// Reads an explore block, recording every problem (unknown keys, bad values, impossible
    /// settings) in `fields.problems`. Returns nil when the block cannot be shown.
    static func read(_ fields: inout BlockFields) -> ExploreBlock? {
        fields.rejectUnknownKeys(allowed: keys)
        guard let opText = fields.string("op") else {
            if !fields.has("op") {
                fields.problems.append(LessonProblem(line: fields.fenceLine,
                                                     message: "the explore block needs 'op: conv', 'op: pool' or 'op: convT'"))
            }
            return nil
        }
        guard let operation = Operation(rawValue: opText) else {
            fields.problem("op", "unknown op '\(opText)' (expected conv, pool or convT)")
            return nil
        }
        var block = ExploreBlock(operation: operation, line: fields.fenceLine)
        block.keyLines = fields.keyLines
        let before = fields.problems.count

        if let passText = fields.string("pass") {
            if let pass = Pass(rawValue: passText) { block.pass = pass } else {
                fields.problem("pass", "unknown pass '\(passText)' (expected forward or backward)")
            }
            if block.pass == .backward && operation != .pool {
                fields.problem("pass", "pass: backward is available for op: pool only")
            }
        }
        if let viewText = fields.string("view") {
            if operation != .convT {
                fields.problem("view", "'view' applies to op: convT only")
            } else if let view = View(rawValue: viewText) { block.view = view } else {
                fields.problem("view", "unknown view '\(viewText)' (expected scatter or zero-insertion)")
            }
        }
        if let input = fields.matrix("input") { block.input = input } else if operation == .convT && !fields.has("input") {
            fields.problems.append(LessonProblem(line: fields.fenceLine, message: "op: convT needs an 'input' matrix"))
        }

        switch operation {
        case .pool:
            if fields.has("kernel") { fields.problem("kernel", "op: pool takes 'kernel_size', not 'kernel' weights") }
            if fields.has("bias") { fields.problem("bias", "op: pool has no bias") }
            let size = fields.pair("kernel_size") ?? (2, 2)
            if size.0 < 1 || size.1 < 1 {
                fields.problem("kernel_size", "kernel_size must be at least 1")
            } else if let tooLarge = [size.0, size.1].first(where: { $0 > SizeLimits.explorerSide.maximum }) {
                fields.problem("kernel_size", "kernel_size must be at most \(SizeLimits.explorerSide), got \(tooLarge)")
            } else {
                block.kernel = Array(repeating: Array(repeating: 0, count: size.1), count: size.0)
            }
            block.stride = size   // PyTorch's MaxPool2d: stride defaults to the kernel size
        case .conv, .convT:
            if fields.has("kernel_size") { fields.problem("kernel_size", "op: \(operation.rawValue) takes 'kernel' weights, not 'kernel_size'") }
            if let kernel = fields.matrix("kernel") { block.kernel = kernel } else if operation == .convT && !fields.has("kernel") {
                fields.problems.append(LessonProblem(line: fields.fenceLine, message: "op: convT needs a 'kernel' matrix"))
            }
            if let bias = fields.number("bias") { block.bias = bias }
        }

        if let stride = fields.pair("stride") {
            block.stride = stride
            if min(stride.0, stride.1) < 1 { fields.problem("stride", "stride must be at least 1 (got \(min(stride.0, stride.1)))") }
        }
        if let padding = fields.pair("padding") {
            block.padding = padding
            if min(padding.0, padding.1) < 0 { fields.problem("padding", "padding cannot be negative") }
        }
        if let dilation = fields.pair("dilation") {
            block.dilation = dilation
            if min(dilation.0, dilation.1) < 1 { fields.problem("dilation", "dilation must be at least 1 (got \(min(dilation.0, dilation.1)))") }
        }
        if let outputPadding = fields.pair("output_padding") {
            block.outputPadding = outputPadding
            if operation != .convT {
                fields.problem("output_padding", "'output_padding' applies to op: convT only")
            } else if min(outputPadding.0, outputPadding.1) < 0
                        || outputPadding.0 >= max(block.stride.0, block.dilation.0)
                        || outputPadding.1 >= max(block.stride.1, block.dilation.1) {
                fields.problem("output_padding", "output_padding must be smaller than the stride or the dilation")
            }
        }
        if fields.problems.count > before { return nil }

        if let (key, message) = block.sizeProblem() {
            fields.problem(key, message)
            return nil
        }
        if let message = block.impossibility() {
            fields.problems.append(LessonProblem(line: fields.fenceLine, message: message))
            return nil
        }
        if let upstream = fields.matrix("upstream") {
            if block.pass != .backward {
                fields.problem("upstream", "'upstream' applies to pass: backward only")
                return nil
            }
            let size = block.outputSize
            if upstream.count != size.0 || upstream[0].count != size.1 {
                fields.problem("upstream", "'upstream' is \(upstream.count)x\(upstream[0].count) but the output is \(size.0)x\(size.1)")
                return nil
            }
            block.upstream = upstream
        }
        return block
    }

    /// The key and message of the first size or setting past the explorer's bounds
    /// (`SizeLimits`, the same ones `cnnlab explore` applies), or nil. Checked before any
    /// output size is computed, so no number in a lesson can overflow or ask for gigabytes.
    func sizeProblem() -> (key: String, message: String)? {
        let kernelKey = operation == .pool ? "kernel_size" : "kernel"
        let bounds: [(String, (Int, Int), Int, SizeLimits.Limit)] = [
            ("input", inputSize, 1, SizeLimits.explorerSide), (kernelKey, kernelSize, 1, SizeLimits.explorerSide),
            ("stride", stride, 1, SizeLimits.explorerSetting), ("padding", padding, 0, SizeLimits.explorerSetting),
            ("dilation", dilation, 1, SizeLimits.explorerSetting),
            ("output_padding", outputPadding, 0, SizeLimits.explorerSetting),
        ]
        for (key, pair, minimum, limit) in bounds {
            for value in [pair.0, pair.1] {
                do { try SizeLimits.check(value, field: key, minimum: minimum, in: limit) } catch {
                    let what = key == "input" || key == "kernel" ? "'\(key)' rows and columns" : "'\(key)'"
                    return (key, "\(what) \(error.reason)")
                }
            }
        }
        do {
            var padded: [Int] = [], output: [Int] = [], expanded: [Int] = []
            for (i, k, s, p, d, op) in [(inputSize.0, kernelSize.0, stride.0, padding.0, dilation.0, outputPadding.0),
                                        (inputSize.1, kernelSize.1, stride.1, padding.1, dilation.1, outputPadding.1)] {
                let axis = try SizeLimits.explorerAxis(input: i, kernel: k, stride: s, padding: p, dilation: d,
                                                       outputPadding: op, transposed: operation == .convT,
                                                       fields: .lessonKeys)
                padded.append(axis.padded)
                output.append(max(0, axis.output))
                expanded.append(max(0, (i - 1) * s + 1 + 2 * (d * (k - 1) - p) + op))
            }
            _ = try SizeLimits.product(padded, field: "the padded input", in: SizeLimits.explorerCells)
            _ = try SizeLimits.product(output, field: "the output", in: SizeLimits.explorerCells)
            if operation == .convT {
                _ = try SizeLimits.product(expanded, field: "the zero-inserted input", in: SizeLimits.explorerCells)
            }
            // The player's own check (ExploreSetup) counts the block's channels and filters too.
            let trace = try TraceSize(operation: operation, batch: 1, channels: 1, filters: 1,
                                      kernel: Pair(height: kernelSize.0, width: kernelSize.1),
                                      input: Pair(height: inputSize.0, width: inputSize.1),
                                      output: Pair(height: output[0], width: output[1]))
            if trace.total > SizeLimits.explorerTaps.maximum { return ("stride", trace.refusal(SizeLimits.explorerTaps).message) }
        } catch {
            return ("stride", "these settings are too large to show: \(error.field) is \(error.reason)")
        }
        return nil
    }

    /// Why these settings cannot be computed, in one line, or nil when they can.
    func impossibility() -> String? {
        for (axis, index) in [("rows", 0), ("columns", 1)] {
            let input = index == 0 ? inputSize.0 : inputSize.1
            let kernel = index == 0 ? kernelSize.0 : kernelSize.1
            let stride = index == 0 ? stride.0 : stride.1
            let padding = index == 0 ? padding.0 : padding.1
            let dilation = index == 0 ? dilation.0 : dilation.1
            let output = index == 0 ? outputSize.0 : outputSize.1
            switch operation {
            case .conv, .pool:
                let span = dilation * (kernel - 1) + 1
                let padded = input + 2 * padding
                if span > padded {
                    return "impossible settings: the kernel spans \(span) \(axis) but the padded input has only \(padded) "
                        + "(\(input) + 2×\(padding)), so the output would be empty; use a smaller kernel or dilation, or more padding"
                }
                if operation == .pool && padding * 2 > kernel {
                    return "impossible settings: pooling padding \(padding) is more than half the window (\(kernel))"
                }
            case .convT:
                if output < 1 {
                    return "impossible settings: the output would have \(output) \(axis) "
                        + "((\(input) − 1)×\(stride) − 2×\(padding) + \(dilation)×(\(kernel) − 1) + \(index == 0 ? outputPadding.0 : outputPadding.1) + 1); use less padding"
                }
            }
        }
        return nil
    }
}
