import Foundation
import Testing
@testable import Kernels
@testable import OpCases

/// The 60 PyTorch cases of ops.json, through the same parser `cnnlab eval` uses, on both paths.
@Suite("Golden PyTorch cases")
struct GoldenCaseTests {
    struct Golden {
        var tolerance: (abs: Float, rel: Float)
        var cases: [(opCase: OpCase, expected: [String: JSONValue])]
    }

    static func load(_ resource: String = "ops") throws -> Golden {
        let url = try #require(Bundle.module.url(forResource: resource, withExtension: "json", subdirectory: "Fixtures"))
        let document = try JSONValue.parse(try Data(contentsOf: url))
        guard case .object(let top) = document, case .object(let tolerance)? = top["tolerance"],
              case .number(let abs)? = tolerance["abs"], case .number(let rel)? = tolerance["rel"],
              case .array(let rawCases)? = top["cases"] else {
            throw ShapeError(field: "ops.json", reason: "unexpected layout")
        }
        var cases: [(OpCase, [String: JSONValue])] = []
        for (index, parsed) in try OpCase.parseDocument(document).enumerated() {
            guard case .object(let fields) = rawCases[index], case .object(let expected)? = fields["expected"] else {
                throw ShapeError(field: "case \(index)", reason: "no expected values")
            }
            cases.append((try parsed.get(), expected))
        }
        return Golden(tolerance: (Float(abs), Float(rel)), cases: cases)
    }

    /// Flattens an expected nested list; nil for JSON null.
    static func flat(_ value: JSONValue?) -> [Float]? {
        guard let value, value != .null else { return nil }
        var out: [Float] = []
        func walk(_ v: JSONValue) {
            switch v {
            case .array(let items): items.forEach(walk)
            case .number(let n): out.append(Float(n))
            default: break
            }
        }
        walk(value)
        return out
    }

    @Test("ops.json holds 60 cases of convolution and max pooling, layers.json 44 of the other layers; together every op")
    func fileIsComplete() throws {
        let golden = try Self.load(), layers = try Self.load("layers")
        #expect(golden.cases.count == 60)
        #expect(layers.cases.count == 44)
        #expect(Set(golden.cases.map { $0.opCase.op }) == [.conv2d, .convTranspose2d, .maxPool2d])
        #expect(Set(layers.cases.map { $0.opCase.op }) == [.avgPool2d, .batchNorm2d, .leakyReLU, .tanh])
        #expect(Set(golden.cases.map { $0.opCase.op } + layers.cases.map { $0.opCase.op }) == Set(OpCase.Op.allCases))
        let evalMode = layers.cases.filter { if case .batchNorm2d(let s) = $0.opCase.geometry { !s.training } else { false } }
        #expect(evalMode.count >= 4, "batch norm in eval mode, with running statistics")
    }

    @Test("every case matches PyTorch within the file's tolerance", arguments: KernelPath.allCases)
    func matchesPyTorch(path: KernelPath) throws {
        try Self.expectMatches(try Self.load(), path: path)
    }

    @Test("every layers.json case (avg_pool2d, batch_norm2d in training and eval, leaky_relu, tanh) matches PyTorch",
          arguments: KernelPath.allCases)
    func layersMatchPyTorch(path: KernelPath) throws {
        try Self.expectMatches(try Self.load("layers"), path: path)
    }

    static func expectMatches(_ golden: Golden, path: KernelPath) throws {
        for (opCase, expected) in golden.cases {
            let result = opCase.evaluate(path)
            var pairs: [(String, [Float]?)] = [("output", result.output), ("grad_input", result.gradInput),
                                               ("grad_weight", result.gradWeight), ("grad_bias", result.gradBias)]
            if expected["running_mean"] != nil || result.runningMean != nil {
                pairs += [("running_mean", result.runningMean), ("running_var", result.runningVar)]
            }
            for (field, actual) in pairs {
                let want = Self.flat(expected[field])
                #expect((actual == nil) == (want == nil), "\(opCase.name) \(field): presence differs")
                guard let actual, let want else { continue }
                #expect(actual.count == want.count, "\(opCase.name) \(field): \(actual.count) values, expected \(want.count)")
                guard actual.count == want.count else { continue }
                let worst = zip(actual, want).enumerated().first { _, pair in
                    abs(pair.0 - pair.1) > golden.tolerance.abs + golden.tolerance.rel * abs(pair.1)
                }
                #expect(worst == nil, "\(opCase.name) \(field) [\(path)]: value \(worst.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")")
            }
        }
    }

    @Test("the workshop's worked example gives the slide's numbers")
    func workedExample() throws {
        let golden = try Self.load()
        let conv = try #require(golden.cases.first { $0.opCase.name == "seed-conv" }).opCase
        // [[2,3,5,0],[1,5,7,-9],[-5,2,1,1],[2,0,-2,4]] with kernel [[1,0],[0,-1]]: x[i][j] - x[i+1][j+1].
        #expect(conv.evaluate(.fast).output == [-3, -4, 14, -1, 4, 6, -5, 4, -3])
        let pool = try #require(golden.cases.first { $0.opCase.name == "seed-maxpool" }).opCase
        #expect(pool.evaluate(.fast).output == [5, 7, 7, 5, 7, 7, 2, 2, 4])
    }
}
