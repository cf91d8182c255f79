import Foundation
import Testing
@testable import Kernels
@testable import OpCases

/// edge_ops.json: PyTorch's answers (made by Fixtures/make_edge_cases.py) on shapes beyond
/// ops.json — padding larger than the kernel, kernels that just fit, output_padding below the
/// dilation, ceil mode's last-window rule, all-tied windows, odd batches, unbatched inputs — and
/// parameter sets PyTorch refuses, which `cnnlab eval` must refuse too.
@Suite("PyTorch edge cases")
struct EdgeCaseTests {
    @Test("every accepted case matches PyTorch within tolerance", arguments: KernelPath.allCases)
    func matchesPyTorch(path: KernelPath) throws {
        let golden = try GoldenCaseTests.load("edge_ops")
        #expect(golden.cases.count >= 100)
        #expect(golden.cases.contains { $0.opCase.unbatched })
        try GoldenCaseTests.expectMatches(golden, path: path)
    }

    @Test("every case PyTorch refuses is refused, naming a field")
    func refusals() throws {
        let url = try #require(Bundle.module.url(forResource: "edge_ops", withExtension: "json", subdirectory: "Fixtures"))
        guard case .object(let top) = try JSONValue.parse(try Data(contentsOf: url)),
              case .array(let refused)? = top["refused"] else {
            Issue.record("edge_ops.json has no refused list")
            return
        }
        #expect(refused.count >= 20)
        for (index, value) in refused.enumerated() {
            guard case .object(let fields) = value, case .string(let name)? = fields["name"],
                  case .string(let torchError)? = fields["torch_error"] else {
                Issue.record("refused case \(index) is malformed")
                continue
            }
            switch OpCase.parse(value, index: index) {
            case .success:
                Issue.record("\(name) was accepted; PyTorch said: \(torchError)")
            case .failure(let error):
                #expect(error.caseName == name)
                #expect(["weight", "params.padding", "params.kernel_size"].contains(error.field), "\(name): \(error)")
            }
        }
    }
}
