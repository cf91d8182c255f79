import Testing
@testable import Kernels
@testable import OpCases

/// Finite-difference checks of the fast backward passes: for L = sum(output * gradOutput),
/// dL/dv ~ (L(v + h) - L(v - h)) / 2h for every input, weight and bias value v.
@Suite("Kernel gradients agree with finite differences")
struct GradientCheckTests {
    /// L = sum(output * gradOutput) in Double, from the reference forward pass.
    static func loss(_ c: OpCase) -> Double {
        let y = c.evaluate(.reference).output
        return zip(y, c.gradOutput).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    static func numerical(_ c: OpCase, _ keyPath: WritableKeyPath<OpCase, [Float]>, _ index: Int, h: Float) -> Float {
        var plus = c, minus = c
        plus[keyPath: keyPath][index] += h
        minus[keyPath: keyPath][index] -= h
        // The actual step after Float rounding, so large values do not skew the quotient.
        let step = Double(plus[keyPath: keyPath][index]) - Double(minus[keyPath: keyPath][index])
        return Float((loss(plus) - loss(minus)) / step)
    }

    static func check(_ c: OpCase, label: String, h: Float = 1e-2) {
        let analytic = c.evaluate(.fast)
        var fields: [(String, WritableKeyPath<OpCase, [Float]>, [Float])] = [("grad_input", \.input, analytic.gradInput)]
        if let gw = analytic.gradWeight { fields.append(("grad_weight", \.weight!, gw)) }
        if let gb = analytic.gradBias { fields.append(("grad_bias", \.bias!, gb)) }
        for (name, keyPath, gradient) in fields {
            for index in gradient.indices {
                let expected = numerical(c, keyPath, index, h: h)
                let ok = abs(gradient[index] - expected) <= 2e-3 + 1e-2 * abs(expected)
                #expect(ok, "\(label) \(name)[\(index)]: backward \(gradient[index]), finite difference \(expected)")
                if !ok { return }
            }
        }
    }

    @Test("conv2d, 12 random geometries")
    func conv2d() {
        var rng = TestRandom(seed: 21)
        for (i, g) in RandomGeometry.many(12, seed: 31, RandomGeometry.conv2d).enumerated() {
            Self.check(.random(g, rng: &rng, hasBias: i % 3 != 0) { $0.floats($1) }, label: "conv2d #\(i) \(g)")
        }
    }

    @Test("conv_transpose2d, 12 random geometries")
    func convTranspose2d() {
        var rng = TestRandom(seed: 22)
        for (i, g) in RandomGeometry.many(12, seed: 32, RandomGeometry.convTranspose2d).enumerated() {
            Self.check(.random(g, rng: &rng, hasBias: i % 3 != 0) { $0.floats($1) }, label: "conv_transpose2d #\(i) \(g)")
        }
    }

    @Test("max_pool2d, 16 random geometries (distinct values, so no tie changes under the step)")
    func maxPool2d() {
        var rng = TestRandom(seed: 23)
        for (i, g) in RandomGeometry.many(16, seed: 33, RandomGeometry.maxPool2d).enumerated() {
            Self.check(.random(g, rng: &rng, hasBias: false) { $0.distinctFloats($1) }, label: "max_pool2d #\(i) \(g)", h: 1e-2)
        }
    }
}
