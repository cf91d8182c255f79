import Stepper
import Terminal
import Testing
@testable import Screens

/// The conv backward view with several filters says which filter it shows, that dL/dx sums
/// every filter's share, and the bias gradient; its dL/dx ends equal to PyTorch's x.grad.
@Suite struct ExplorerBackwardFiltersTests {
    static let request = ExploreRequest(
        operation: .conv, input: "1 2 0; 0 1 3; 2 2 1 | 0 1 1; 1 0 2; 3 1 0",
        kernel: "1 0; 0 1 | 0 1; 1 0 || 1 1; 0 0 | 0 0; 1 1", bias: "1, -1", backward: true)

    static func frame(_ model: ExplorerModel, _ width: Int, _ height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        model.view(into: &buffer, rect: buffer.area, context: RenderContext(capabilities: .monochrome))
        return buffer
    }

    @Test func filtersAreNamedAndTheirSharesAddUp() throws {
        var model = ExplorerModel(try Self.request.resolve())
        #expect(model.view == .backward)
        model.go(to: model.stepCount - 1)
        let first = Self.frame(model, 120, 40).text
        #expect(first.contains("upstream g f1/2") && first.contains("kernel f1/2 ch1"), "\(first)")
        #expect(first.contains("filter 1 of 2 (f: next filter). dL/dx sums every filter's share: none yet"))
        #expect(first.contains("bias: dL/db[0] = Σ g over filter 1's outputs = 1 + 1 + 1 + 1 = 4"))
        #expect(first.contains("dL/dx still lacks filter 2's share"))
        #expect(!first.contains("complete:"))

        _ = model.update(.key(.character("f")))
        model.go(to: model.stepCount - 1)
        let second = Self.frame(model, 120, 40).text
        #expect(second.contains("upstream g f2/2"), "\(second)")
        #expect(second.contains("filter 2 of 2 (f: next filter). dL/dx sums every filter's share: filter 1's is in"))
        #expect(second.contains("bias: dL/db[1] = Σ g over filter 2's outputs = 1 + 1 + 1 + 1 = 4"))
        #expect(second.contains("complete: dL/dx as shown (every filter's share)"))
        // After the last filter's last step the running dL/dx is the reference gradient (x.grad).
        let backward = try #require(model.exploration.convBackward)
        #expect(backward.gradInput(afterSteps: model.traceIndex + 1) == backward.gradInput)
        #expect(backward.gradBias == [4, 4])
        #expect(second.contains("print(x.grad, w.grad, b.grad)"))
        // And at 80x24 nothing is cut without a word.
        #expect(Self.frame(model, 80, 24).silentlyClipped.isEmpty, "\(Self.frame(model, 80, 24).text)")
    }
}
