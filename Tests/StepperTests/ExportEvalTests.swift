import Foundation
import Kernels
@testable import OpCases
import Testing
@testable import Stepper

/// `cnnlab explore --json` writes a golden-schema case; `cnnlab eval` (OpCase.evaluate) must
/// compute the same final output and input gradient from it.
@Suite("JSON trace agrees with cnnlab eval")
struct ExportEvalTests {
    static let requests: [ExploreRequest] = [
        ExploreRequest(operation: .conv),
        ExploreRequest(operation: .pool, backward: true),
        ExploreRequest(operation: .convT),
        ExploreRequest(operation: .conv, kernel: "3x3", stride: "2", padding: "1", dilation: "1x2", bias: "0.5, -1",
                       channels: 3, filters: 2, random: "7x6", seed: 11, backward: true),
        ExploreRequest(operation: .pool, kernel: "3", stride: "2", padding: "1", random: "7x7", seed: 3, ceilMode: true),
        ExploreRequest(operation: .convT, kernel: "3x3", stride: "2", padding: "1", outputPadding: "1", bias: "1",
                       channels: 2, filters: 2, random: "3x4", seed: 5),
    ]

    @Test("the engine recomputes the exported output", arguments: Array(requests.indices))
    func agree(_ index: Int) throws {
        let text = TraceExport.json(try Self.requests[index].resolve())
        let exported = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let parsed = OpCase.parse(try JSONValue.parse(Data(text.utf8)), index: 0)
        let engineCase = try parsed.get()
        let result = engineCase.evaluate(.fast)
        func flat(_ any: Any?) -> [Float] {
            ((any as? [[[[NSNumber]]]]) ?? []).flatMap { $0.flatMap { $0.flatMap { $0.map(\.floatValue) } } }
        }
        #expect(!flat(exported["output"]).isEmpty)
        #expect(close(flat(exported["output"]), result.output))
        if exported["grad_input"] != nil { #expect(close(flat(exported["grad_input"]), result.gradInput)) }
    }
}
