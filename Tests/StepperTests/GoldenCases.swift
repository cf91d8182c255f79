import Foundation
import Stepper
import TestSupport

/// The PyTorch reference cases of ops.json (see /work/shared/golden/README.md).
struct GoldenCase: Sendable, CustomStringConvertible {
    let name: String
    let op: String
    let params: [String: [Int]]
    let ceilMode: Bool
    let input: Tensor4
    let weight: Tensor4?
    let bias: [Float]?
    let gradOutput: Tensor4
    let output: Tensor4
    let gradInput: Tensor4
    let gradWeight: Tensor4?
    let gradBias: [Float]?

    var description: String { name }

    func pair(_ key: String) -> Pair { Pair(height: params[key]![0], width: params[key]![1]) }

    var convSettings: ConvSettings {
        ConvSettings(stride: pair("stride"), padding: pair("padding"), dilation: pair("dilation"),
                     outputPadding: params["output_padding"].map { Pair(height: $0[0], width: $0[1]) } ?? Pair(0))
    }

    var poolSettings: PoolSettings {
        PoolSettings(kernel: pair("kernel_size"), stride: pair("stride"), padding: pair("padding"), ceilMode: ceilMode)
    }

    static let tolerance: (abs: Float, rel: Float) = (1e-4, 1e-4)

    static let all: [GoldenCase] = {
        let url = URL(fileURLWithPath: SharedFiles.goldenOps)
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map(GoldenCase.init)
    }()

    init(_ json: [String: Any]) {
        func tensor(_ any: Any?) -> Tensor4? {
            guard let lists = any as? [[[[NSNumber]]]] else { return nil }
            return Tensor4(nested: lists.map { $0.map { $0.map { $0.map(\.floatValue) } } })
        }
        name = json["name"] as! String
        op = json["op"] as! String
        var params: [String: [Int]] = [:]
        var ceil = false
        for (key, value) in json["params"] as! [String: Any] {
            if let list = value as? [Int] { params[key] = list } else if let flag = value as? Bool { ceil = flag }
        }
        self.params = params
        ceilMode = ceil
        input = tensor(json["input"])!
        weight = tensor(json["weight"])
        bias = (json["bias"] as? [NSNumber])?.map(\.floatValue)
        gradOutput = tensor(json["grad_output"])!
        let expected = json["expected"] as! [String: Any]
        output = tensor(expected["output"])!
        gradInput = tensor(expected["grad_input"])!
        gradWeight = tensor(expected["grad_weight"])
        gradBias = (expected["grad_bias"] as? [NSNumber])?.map(\.floatValue)
    }
}

/// True when every value is within the golden tolerance of the expected one (shapes equal).
func close(_ actual: Tensor4, _ expected: Tensor4) -> Bool {
    actual.shape == expected.shape && close(actual.values, expected.values)
}

func close(_ actual: [Float], _ expected: [Float]) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { a, e in
        abs(a - e) <= GoldenCase.tolerance.abs + GoldenCase.tolerance.rel * abs(e)
    }
}
