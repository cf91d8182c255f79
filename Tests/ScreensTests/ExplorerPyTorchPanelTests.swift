import Stepper
import Terminal
import Testing
@testable import Screens

/// The PyTorch view: every argument is written (a transposed convolution's layer line has its
/// dilation), long lines wrap instead of being cut with "…", and what does not fit scrolls.
@Suite struct ExplorerPyTorchPanelTests {
    static func frame(_ model: ExplorerModel, _ width: Int = 80, _ height: Int = 24) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        model.view(into: &buffer, rect: buffer.area, context: RenderContext(capabilities: .monochrome))
        return buffer
    }

    @Test func convTLayerLineHasEveryArgument() throws {
        let exploration = try ExploreRequest(operation: .convT, stride: "2", dilation: "2").resolve()
        let code = PyTorchText.code(exploration).joined(separator: "\n")
        #expect(code.contains("nn.ConvTranspose2d(1, 1, kernel_size=2, stride=2, padding=0, output_padding=0, bias=False, dilation=2)"))
        #expect(code.contains("F.conv_transpose2d(x, w, stride=2, padding=0, output_padding=0, dilation=2)"))
    }

    /// The backward code prints x.grad, w.grad and b.grad: the panel shows all three, with the
    /// values of the explorer's own backward pass (upstream gradient of ones).
    @Test func backwardPanelShowsEveryGradientTheCodePrints() throws {
        let exploration = try ExploreRequest(operation: .conv, bias: "1, -1", channels: 2, filters: 2, random: "4x4").resolve()
        let panel = PyTorchPanelText(exploration).backward.map(\.text)
        let code = panel.joined(separator: "\n")
        #expect(code.contains("print(x.grad, w.grad, b.grad)"))
        let labels = panel.filter { $0.hasSuffix(".grad =") }
        #expect(labels == ["x.grad =", "w.grad =", "b.grad ="])
        // 4x4 input, 2x2 kernel: 3x3 outputs per filter, each with upstream 1, so dL/db = 9 for each.
        #expect(panel.last == "tensor([9., 9.])")
        let gradWeight = try #require(exploration.convBackward?.gradWeight)
        #expect(code.contains(PyTorchText.tensor(gradWeight)))
        #expect(PyTorchText.vector([1, -0.5]) == "tensor([ 1.0000, -0.5000])")
    }

    @Test func theViewWrapsAndScrollsNeverCuts() throws {
        var model = ExplorerModel(try ExploreRequest(operation: .convT, kernel: "3", stride: "2", dilation: "2",
                                                     random: "6x6").resolve())
        model.show(.pytorch)
        let first = Self.frame(model)
        #expect(!first.lines.dropFirst().joined().contains("…"), "\(first.text)")
        #expect(first.silentlyClipped.isEmpty)
        // Every argument of the layer line is on screen, wrapped after a comma as a comment.
        let joined = first.lines.joined()
        #expect(joined.contains("output_padding=0,"))
        #expect(joined.contains("dilation=2)"))
        #expect(first.text.contains("#   output_padding=0"), "a wrapped comment goes on as a comment\n\(first.text)")
        // The 15x15 result (15 rows plus the label and code) is taller than 80x24: it scrolls.
        #expect(first.text.contains("more lines (↓ scrolls)"), "\(first.text)")
        for _ in 0..<40 { _ = model.update(.key(.down)) }
        let last = Self.frame(model)
        #expect(last.text.contains("]]]])"), "the end of the printed tensor\n\(last.text)")
        #expect(last.text.contains("↑"), "\(last.text)")
        #expect(!last.text.contains("more lines (↓ scrolls)"))
        for _ in 0..<40 { _ = model.update(.key(.up)) }
        #expect(Self.frame(model).text == first.text)
    }
}
