import Screens
import Kernels
import Stepper
import Terminal
import Testing

/// Long random key sequences on several explorations: every frame must draw without a trap,
/// the step must stay in range, and refused settings must leave a valid exploration.
@Suite("Explorer robustness")
struct ExplorerRobustnessTests {
    static let requests: [ExploreRequest] = [
        ExploreRequest(operation: .conv),
        ExploreRequest(operation: .pool, backward: true),
        ExploreRequest(operation: .convT),
        ExploreRequest(operation: .conv, kernel: "3x3", bias: "1", channels: 2, filters: 2, random: "5x5", backward: true),
        ExploreRequest(operation: .convT, kernel: "4x4", stride: "2", padding: "1", random: "3x3"),
        ExploreRequest(operation: .pool, kernel: "3", stride: "2", padding: "1", channels: 2, random: "6x7", ceilMode: true),
    ]

    static let keys: [Key] = [
        .right, .left, .home, .end, .tab, .backTab, .enter, .escape, .up, .down, .backspace,
    ] + Array("lhgGp+-e[]{}dDkKoOfcwr?q 0123456789.-x").map { Key.character($0) }

    @Test("random keys never break the explorer", arguments: Array(requests.indices))
    func randomKeys(_ index: Int) throws {
        var model = ExplorerModel(try Self.requests[index].resolve())
        var random = SplitMix64(seed: UInt64(index) + 100)
        let sizes = [(80, 24), (120, 40), (61, 18), (40, 10)]
        for press in 0..<400 {
            let key = Self.keys[Int.random(in: 0..<Self.keys.count, using: &random)]
            _ = model.update(.key(key))
            if press % 7 == 0 { _ = model.update(.tick) }
            #expect(model.stepIndex >= 0 && model.stepIndex < model.stepCount)
            let (width, height) = sizes[press % sizes.count]
            var buffer = Buffer(width: width, height: height)
            model.view(into: &buffer, rect: buffer.area, context: RenderContext(capabilities: press % 2 == 0 ? .full : .plainASCII))
            #expect(buffer.lines.count == height)
        }
        // Whatever happened, the exploration still agrees with a fresh build of its own setup.
        #expect(try model.setup.build().output == model.exploration.output)
    }
}
