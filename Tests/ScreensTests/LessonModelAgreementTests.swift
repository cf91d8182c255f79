import Lessons
import NeuralNet
import Testing

/// The lesson's model tables (computed from the layers' constructors) agree with the engine's
/// course networks: the same layers, output shapes and parameter counts.
@Suite("Lesson model tables against the engine")
struct LessonModelAgreementTests {
    @Test(arguments: ["cnn", "autoencoder"])
    func courseModelTableMatchesTheEngine(name: String) throws {
        let course = try #require(ModelBlock.courseModels[name])
        let rows = try ModelBlock.table(input: course.input, layers: course.layers).get()
        let network = name == "cnn" ? CourseModels.cnn(seed: 0) : CourseModels.autoencoder(seed: 0)
        #expect(rows.count == network.layers.count)
        let engineShapes = try network.outputShapes(for: [1] + course.input)
        for (index, (row, layer)) in zip(rows, network.layers).enumerated() {
            #expect(row.parameters == layer.parameters.reduce(0) { $0 + $1.count }, "layer \(index) \(row.layer)")
            #expect([1] + row.outputShape == engineShapes[index], "layer \(index) \(row.layer)")
        }
        #expect(rows.reduce(0) { $0 + $1.parameters } == network.parameterCount)
        #expect(network.parameterCount == (name == "cnn" ? 109_050 : 21_331))
    }
}
