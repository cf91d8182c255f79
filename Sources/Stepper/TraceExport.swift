import Foundation

/// The trace as JSON (`cnnlab explore --json`): for each step the window position, each tap
/// (input index, weight index, product), the sum and the output index; for pooling the argmax
/// and the routed gradient; for convT each scattered contribution. Indices are [n, c, h, w]
/// (weights [out, in, kh, kw] for conv, [in, out, kh, kw] for convT, as in PyTorch), and the
/// final "output" uses the same nesting as the golden cases (N x C x H x W). The document is
/// also a golden-schema case (name, op, params, input, weight, bias, grad_output), so
/// `cnnlab explore ... --json | cnnlab eval -` recomputes it with the engine.
public enum TraceExport {
    struct Document: Encodable {
        var name = "explore"
        var op: String
        var params: [String: Param]
        var input: [[[[Float]]]]
        var weight: [[[[Float]]]]?
        var bias: [Float]?
        var steps: [Step]
        var output: [[[[Float]]]]
        var gradOutput: [[[[Float]]]]?
        var gradInput: [[[[Float]]]]?
        var gradWeight: [[[[Float]]]]?
        var gradBias: [Float]?

        enum CodingKeys: String, CodingKey {
            case name, op, params, input, weight, bias, steps, output
            case gradOutput = "grad_output", gradInput = "grad_input", gradWeight = "grad_weight", gradBias = "grad_bias"
        }
    }

    enum Param: Encodable {
        case pair(Pair), flag(Bool)
        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .pair(let p): try container.encode([p.height, p.width])
            case .flag(let b): try container.encode(b)
            }
        }
    }

    struct Tap: Encodable {
        var inputIndex: [Int]
        var padding: Bool
        var weightIndex: [Int]?
        var input: Float?
        var weight: Float?
        var product: Float?
        enum CodingKeys: String, CodingKey {
            case inputIndex = "input_index", padding, weightIndex = "weight_index", input, weight, product
        }
    }

    struct Route: Encodable { var index: [Int]; var upstream: Float; var before: Float; var after: Float }

    struct Contribution: Encodable {
        var weightIndex: [Int]?
        var outputIndex: [Int]
        var cropped: Bool
        var amount: Float
        var before: Float
        var after: Float
        enum CodingKeys: String, CodingKey {
            case weightIndex = "weight_index", outputIndex = "output_index", cropped, amount, before, after
        }
    }

    struct Step: Encodable {
        var outputIndex: [Int]?
        var window: [Int]?
        var taps: [Tap]?
        var channelSums: [Float]?
        var bias: Float?
        var sum: Float?
        var argmax: [Int]?
        var tie: Bool?
        var routedGradient: Route?
        var inputIndex: [Int]?
        var input: Float?
        var contributions: [Contribution]?
        enum CodingKeys: String, CodingKey {
            case outputIndex = "output_index", window, taps, channelSums = "channel_sums", bias, sum, argmax, tie
            case routedGradient = "routed_gradient", inputIndex = "input_index", input, contributions
        }
    }

    /// The exploration's trace as pretty-printed JSON with sorted keys. A value that overflowed
    /// float32 is written as `cnnlab eval` and Python's json module write it: bare `NaN`,
    /// `Infinity`, `-Infinity` (never an empty document).
    public static func json(_ exploration: Exploration) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFiniteMark + "Infinity", negativeInfinity: nonFiniteMark + "-Infinity",
            nan: nonFiniteMark + "NaN")
        let text: String
        do { text = String(decoding: try encoder.encode(document(exploration)), as: UTF8.self) } catch {
            // Not expected (every value encodes); say so rather than print an empty object.
            return "{\"error\": \"the trace could not be written as JSON: \(String(describing: error).replacingOccurrences(of: "\"", with: "'"))\"}"
        }
        guard text.contains(nonFiniteMark) else { return text }
        var result = text
        for word in ["Infinity", "-Infinity", "NaN"] {
            result = result.replacingOccurrences(of: "\"" + nonFiniteMark + word + "\"", with: word)
        }
        return result
    }

    /// Marks the strings that stand for non-finite numbers until they are written bare.
    private static let nonFiniteMark = "@@cnnlab-non-finite@@"

    static func document(_ e: Exploration) -> Document {
        if let t = e.conv { return conv(t, e.convBackward) }
        if let t = e.pool { return pool(t) }
        return convT(e.convT!)
    }

    static func conv(_ t: ConvTrace, _ backward: ConvBackward?) -> Document {
        let steps = t.steps.map { s in
            Step(outputIndex: [s.sample, s.filter, s.outputRow, s.outputColumn], window: [s.windowRow, s.windowColumn],
                 taps: s.taps.map { tap in
                     Tap(inputIndex: [s.sample, tap.channel, tap.inputRow, tap.inputColumn], padding: tap.isPadding,
                         weightIndex: [s.filter, tap.channel, tap.weightRow, tap.weightColumn],
                         input: tap.inputValue, weight: tap.weight, product: tap.product)
                 },
                 channelSums: s.channelSums, bias: s.bias, sum: s.value)
        }
        let params: [String: Param] = ["stride": .pair(t.settings.stride), "padding": .pair(t.settings.padding),
                                       "dilation": .pair(t.settings.dilation)]
        return Document(op: "conv2d", params: params, input: t.input.nested, weight: t.weight.nested, bias: t.bias,
                        steps: steps, output: t.output.nested, gradOutput: backward?.upstream.nested,
                        gradInput: backward?.gradInput.nested, gradWeight: backward?.gradWeight.nested,
                        gradBias: backward?.gradBias)
    }

    static func pool(_ t: PoolTrace) -> Document {
        let steps = t.steps.map { s in
            let best = s.taps[s.winner]
            return Step(outputIndex: [s.sample, s.channel, s.outputRow, s.outputColumn], window: [s.windowRow, s.windowColumn],
                        taps: s.taps.map { tap in
                            Tap(inputIndex: [s.sample, s.channel, tap.row, tap.column], padding: tap.isPadding,
                                input: tap.isPadding ? nil : tap.value)
                        },
                        sum: s.value, argmax: [s.sample, s.channel, best.row, best.column], tie: s.hasTie,
                        routedGradient: Route(index: [s.sample, s.channel, best.row, best.column], upstream: s.upstream,
                                              before: s.gradientBefore, after: s.gradientAfter))
        }
        let params: [String: Param] = ["kernel_size": .pair(t.settings.kernel), "stride": .pair(t.settings.stride),
                                       "padding": .pair(t.settings.padding), "dilation": .pair(t.settings.dilation),
                                       "ceil_mode": .flag(t.settings.ceilMode)]
        return Document(op: "max_pool2d", params: params, input: t.input.nested, steps: steps, output: t.output.nested,
                        gradOutput: t.upstream.nested, gradInput: t.gradInput.nested)
    }

    static func convT(_ t: ConvTransposeTrace) -> Document {
        let steps = t.steps.map { s in
            Step(outputIndex: s.isBiasStep ? [s.sample, s.filter] : nil, bias: s.bias,
                 inputIndex: s.channel.map { [s.sample, $0, s.inputRow, s.inputColumn] },
                 input: s.isBiasStep ? nil : s.inputValue,
                 contributions: s.contributions.map { item in
                     Contribution(weightIndex: s.channel.map { [$0, s.filter, item.weightRow, item.weightColumn] },
                                  outputIndex: [s.sample, s.filter, item.outputRow, item.outputColumn],
                                  cropped: item.isCropped, amount: item.amount, before: item.before, after: item.after)
                 })
        }
        let params: [String: Param] = ["stride": .pair(t.settings.stride), "padding": .pair(t.settings.padding),
                                       "dilation": .pair(t.settings.dilation),
                                       "output_padding": .pair(t.settings.outputPadding)]
        let ones = Tensor4(batch: t.output.batch, channels: t.output.channels, height: t.output.height,
                           width: t.output.width, fill: 1)
        return Document(op: "conv_transpose2d", params: params, input: t.input.nested, weight: t.weight.nested,
                        bias: t.bias, steps: steps, output: t.output.nested, gradOutput: ones.nested)
    }
}
