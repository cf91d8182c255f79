import Formatting
import Foundation

/// The PyTorch code for an exploration and its result printed as PyTorch prints a tensor.
public enum PyTorchText {
    /// `tensor([[[[-3., -4., 14.], ...]]])` laid out as `print(t)` does: elements right-aligned to
    /// a common width, nested lists indented, blank lines between channels and samples.
    public static func tensor(_ t: Tensor4) -> String {
        let formatted = elements(t.values)
        let width = formatted.map(\.count).max() ?? 1
        let padded = formatted.map { String(repeating: " ", count: width - $0.count) + $0 }
        // torch/_tensor_str.py: level-k slices are joined by "," + "\n" * (dims − 1) + indent spaces.
        func render(_ dims: [Int], _ offset: Int, _ indent: Int) -> String {
            if dims.count == 1 { return "[" + padded[offset..<(offset + dims[0])].joined(separator: ", ") + "]" }
            let stride = dims.dropFirst().reduce(1, *)
            let parts = (0..<dims[0]).map { render(Array(dims.dropFirst()), offset + $0 * stride, indent + 1) }
            let separator = "," + String(repeating: "\n", count: dims.count - 1) + String(repeating: " ", count: indent + 1)
            return "[" + parts.joined(separator: separator) + "]"
        }
        return "tensor(" + render(t.shape, 0, 7) + ")"
    }

    /// A 1-D tensor as `print` shows it: `tensor([9., 9.])` (elements right-aligned to a common width).
    public static func vector(_ values: [Float]) -> String {
        let formatted = elements(values)
        let width = formatted.map(\.count).max() ?? 1
        return "tensor([" + formatted.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: ", ") + "])"
    }

    /// PyTorch's element format: "3." for whole numbers, four decimals otherwise, scientific
    /// notation when the magnitudes are very large, very small or far apart.
    static func elements(_ values: [Float]) -> [String] {
        let finite = values.filter(\.isFinite).map { abs(Double($0)) }.filter { $0 != 0 }
        let maxMagnitude = finite.max() ?? 0
        let minMagnitude = finite.min() ?? 0
        let whole = values.allSatisfy { !$0.isFinite || $0 == $0.rounded() }
        let scientific = whole ? maxMagnitude > 1e8
            : (maxMagnitude / max(minMagnitude, .leastNonzeroMagnitude) > 1000 || maxMagnitude > 1e8 || minMagnitude < 1e-4)
        return values.map { value in
            if value.isNaN { return "nan" }
            if value.isInfinite { return value < 0 ? "-inf" : "inf" }
            if scientific { return String(format: "%.4e", Double(value)) }
            if whole { return (value == 0 ? "0" : String(Int(value))) + "." }   // String(format:) is slow
            return String(format: "%.4f", Double(value))
        }
    }

    /// A value as a Python float literal ("3.", "-0.5"), so torch.tensor makes a float tensor.
    static func floatLiteral(_ v: Float) -> String {
        v == v.rounded() && abs(v) < 1e15 ? "\(Int(v))." : NumberText.plain(v)
    }

    static func list(_ t: Tensor4) -> String {
        let number = floatLiteral
        let samples = t.nested.map { sample in
            "[" + sample.map { map in "[" + map.map { row in "[" + row.map(number).joined(separator: ", ") + "]" }
                .joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        }
        return "[" + samples.joined(separator: ", ") + "]"
    }

    /// The lines of code that compute this exploration in PyTorch.
    /// `backward` (default: the exploration's own choice) adds the gradient lines.
    public static func code(_ e: Exploration, backward: Bool? = nil) -> [String] {
        let backward = (backward ?? e.backward) && e.operation != .convT
        var lines = ["import torch", "import torch.nn.functional as F"]
        let grad = backward ? ", requires_grad=True" : ""
        if let t = e.conv {
            let s = t.settings
            let window = "stride=\(s.stride.pytorch), padding=\(s.padding.pytorch), dilation=\(s.dilation.pytorch)"
            lines += convolution("conv2d", input: t.input, weight: t.weight, bias: t.bias, grad: grad, weightGrad: grad,
                                 settings: window)
            lines.append(layer("Conv2d", outChannels: t.weight.batch, input: t.input, weight: t.weight, bias: t.bias,
                               settings: window))
        } else if let t = e.pool {
            let s = t.settings
            lines.append("x = torch.tensor(\(list(t.input))\(grad))")
            var args = "x, kernel_size=\(s.kernel.pytorch), stride=\(s.stride.pytorch), padding=\(s.padding.pytorch)"
            if s.dilation != Pair(1) { args += ", dilation=\(s.dilation.pytorch)" }
            if s.ceilMode { args += ", ceil_mode=True" }
            lines.append("y = F.max_pool2d(\(args))")
            lines.append("# as a layer: nn.MaxPool2d(\(args.dropFirst(3)))")
        } else if let t = e.convT {
            let s = t.settings
            let window = "stride=\(s.stride.pytorch), padding=\(s.padding.pytorch), output_padding=\(s.outputPadding.pytorch)"
            lines += convolution("conv_transpose2d", input: t.input, weight: t.weight, bias: t.bias, grad: grad, weightGrad: "",
                                 settings: window + ", dilation=\(s.dilation.pytorch)")
            // nn.ConvTranspose2d takes dilation after bias.
            lines.append(layer("ConvTranspose2d", outChannels: t.weight.channels, input: t.input, weight: t.weight, bias: t.bias,
                               settings: window, after: ", dilation=\(s.dilation.pytorch)"))
        }
        if backward {
            lines.append("y.backward(g)  # g: the upstream gradient, e.g. torch.ones_like(y)")
            lines.append(e.conv == nil ? "print(x.grad)" : e.conv?.bias == nil ? "print(x.grad, w.grad)" : "print(x.grad, w.grad, b.grad)")
        }
        lines.append("print(y)")
        return lines
    }

    /// x and w (and b) as tensors, then `y = F.<function>(x, w[, b], <settings>)`; the weight and
    /// the bias carry `weightGrad` (", requires_grad=True" when their gradients are shown).
    private static func convolution(_ function: String, input: Tensor4, weight: Tensor4, bias: [Float]?, grad: String,
                                    weightGrad: String, settings: String) -> [String] {
        var lines = ["x = torch.tensor(\(list(input))\(grad))", "w = torch.tensor(\(list(weight))\(weightGrad))"]
        var args = "x, w"
        if let bias { lines.append("b = torch.tensor([\(bias.map(floatLiteral).joined(separator: ", "))]\(weightGrad))"); args += ", b" }
        lines.append("y = F.\(function)(\(args), \(settings))")
        return lines
    }

    /// "# as a layer: nn.<name>(in, out, kernel_size=.., <settings>, bias=..<after>)".
    private static func layer(_ name: String, outChannels: Int, input: Tensor4, weight: Tensor4, bias: [Float]?,
                              settings: String, after: String = "") -> String {
        "# as a layer: nn.\(name)(\(input.channels), \(outChannels), kernel_size=\(Pair(height: weight.height, width: weight.width).pytorch), "
            + "\(settings), bias=\(bias == nil ? "False" : "True")\(after))"
    }
}
