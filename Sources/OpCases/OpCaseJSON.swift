import Formatting
import Kernels

/// Writes results as JSON: {"cases": [{"name", "output", "grad_input", "grad_weight", "grad_bias"}]},
/// tensors as nested lists. Floats are printed in their shortest exact form; a non-finite value
/// (only from overflow) is written as Python's json writes it (Infinity, -Infinity, NaN).
public enum OpCaseJSON {
    public static func document(_ results: [OpCaseResult]) -> String {
        let body = results.map { "  " + object($0) }.joined(separator: ",\n")
        return results.isEmpty ? "{\"cases\": []}" : "{\"cases\": [\n\(body)\n]}"
    }

    public static func object(_ result: OpCaseResult) -> String {
        var fields: [String] = []
        fields.append("\"name\": \(JSONText.quoted(result.name))")
        fields.append("\"output\": \(nested(result.output, shape: result.outputShape))")
        fields.append("\"grad_input\": \(nested(result.gradInput, shape: result.inputShape))")
        if let gradWeight = result.gradWeight, let shape = result.weightShape {
            fields.append("\"grad_weight\": \(nested(gradWeight, shape: shape))")
        } else {
            fields.append("\"grad_weight\": null")
        }
        if let gradBias = result.gradBias {
            fields.append("\"grad_bias\": \(nested(gradBias, shape: [gradBias.count]))")
        } else {
            fields.append("\"grad_bias\": null")
        }
        if let mean = result.runningMean, let variance = result.runningVar {
            fields.append("\"running_mean\": \(nested(mean, shape: [mean.count]))")
            fields.append("\"running_var\": \(nested(variance, shape: [variance.count]))")
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// Nested lists of `values` in `shape`, row-major.
    public static func nested(_ values: [Float], shape: [Int]) -> String {
        var text = ""
        var index = 0
        func write(depth: Int) {
            if depth == shape.count {
                text += number(values[index])
                index += 1
                return
            }
            text += "["
            for i in 0..<shape[depth] {
                if i > 0 { text += ", " }
                write(depth: depth + 1)
            }
            text += "]"
        }
        write(depth: 0)
        return text
    }

    static func number(_ value: Float) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }
}
