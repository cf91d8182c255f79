import Foundation
import TestSupport
import Testing
@testable import Lessons

/// The lesson's own small calculation (used for predict answers and placeholders) agrees
/// with PyTorch on every golden case it can express.
@Suite("Explore calculator")
struct ExploreCalculatorTests {
    @Test func courseExamples() {
        #expect(ExploreBlock(operation: .conv).forwardOutput() == [[-3, -4, 14], [-1, 4, 6], [-5, 4, -3]])
        let pool = ExploreBlock(operation: .pool, kernel: [[0, 0], [0, 0]], stride: (1, 1))
        #expect(pool.forwardOutput() == [[5, 7, 7], [5, 7, 7], [2, 2, 4]])
        #expect(pool.poolGradient() == [[0, 0, 0, 0], [0, 2, 4, 0], [0, 2, 0, 0], [0, 0, 0, 1]])
        // The tie in the bottom-left window goes to the first 2 in row-major order: (2, 1).
        #expect(pool.window(row: 2, column: 0).argmax.map { [$0.0, $0.1] } == [2, 1])
        #expect(pool.predictedValue(atStep: 7) == 2)
    }

    typealias Grid = [[Double]]

    func grid(_ value: Any) -> Grid { (value as! [[NSNumber]]).map { $0.map(\.doubleValue) } }
    func add(_ a: Grid, _ b: Grid) -> Grid { zip(a, b).map { zip($0, $1).map(+) } }
    func pair(_ params: [String: Any], _ key: String) -> (Int, Int) {
        let values = params[key] as! [Int]
        return (values[0], values[1])
    }

    /// Same shape and every value within the golden file's tolerance (float32 sums).
    func close(_ actual: Grid, _ expected: Grid) -> Bool {
        actual.count == expected.count && actual.first?.count == expected.first?.count
            && zip(actual.joined(), expected.joined()).allSatisfy { abs($0 - $1) <= 1e-4 + 1e-4 * abs($1) }
    }

    @Test func agreesWithPyTorchOnTheGoldenCases() throws {
        let data = try #require(FileManager.default.contents(atPath: SharedFiles.goldenOps))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        var checked = 0
        for golden in cases {
            let name = golden["name"] as! String
            let params = golden["params"] as! [String: Any]
            if (params["ceil_mode"] as? Bool) == true { continue }   // not a setting lessons offer
            let input = golden["input"] as! [[[[NSNumber]]]]
            let expected = golden["expected"] as! [String: Any]
            let output = expected["output"] as! [[[[NSNumber]]]]
            let bias = (golden["bias"] as? [NSNumber])?.map(\.doubleValue)
            for n in input.indices {
                for co in output[n].indices {
                    var sum: Grid?
                    let channels = golden["op"] as! String == "max_pool2d" ? [co] : Array(input[n].indices)
                    for ci in channels {
                        var block: ExploreBlock
                        let x = grid(input[n][ci])
                        switch golden["op"] as! String {
                        case "max_pool2d":
                            let size = pair(params, "kernel_size")
                            block = ExploreBlock(operation: .pool, input: x,
                                                 kernel: Array(repeating: Array(repeating: 0, count: size.1), count: size.0))
                            block.upstream = grid((golden["grad_output"] as! [[[[NSNumber]]]])[n][co])
                        case "conv2d":
                            block = ExploreBlock(operation: .conv, input: x,
                                                 kernel: grid((golden["weight"] as! [[[[NSNumber]]]])[co][ci]))
                        default:
                            block = ExploreBlock(operation: .convT, input: x,
                                                 kernel: grid((golden["weight"] as! [[[[NSNumber]]]])[ci][co]))
                            block.outputPadding = pair(params, "output_padding")
                        }
                        block.stride = pair(params, "stride")
                        block.padding = pair(params, "padding")
                        if params["dilation"] != nil && block.operation != .pool { block.dilation = pair(params, "dilation") }
                        if block.operation == .pool {
                            let gradient = grid((expected["grad_input"] as! [[[[NSNumber]]]])[n][co])
                            #expect(close(block.poolGradient(), gradient), "\(name) gradient")
                        }
                        let part = block.forwardOutput()
                        sum = sum.map { add($0, part) } ?? part
                    }
                    var result = try #require(sum)
                    if let bias { result = result.map { $0.map { $0 + bias[co] } } }
                    let want = grid(output[n][co])
                    #expect(close(result, want), "\(name)")
                    checked += 1
                }
            }
        }
        #expect(checked > 50)
    }
}
