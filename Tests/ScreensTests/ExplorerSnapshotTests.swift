import Foundation
import Screens
import Stepper
import Terminal
import TestSupport
import Testing

/// Frames of the worked example at its key steps, compared line by line with the committed
/// text files in Snapshots/. Run with CNNLAB_RECORD_SNAPSHOTS=1 to write them after a deliberate change.
@Suite("Explorer snapshots")
struct ExplorerSnapshotTests {
    struct Scene: Sendable, CustomStringConvertible {
        let name: String
        let request: ExploreRequest
        let step: Int
        var description: String { name }
    }

    static let scenes: [Scene] = [
        Scene(name: "conv-step1", request: ExploreRequest(operation: .conv), step: 0),
        Scene(name: "conv-step3", request: ExploreRequest(operation: .conv), step: 2),
        Scene(name: "conv-last", request: ExploreRequest(operation: .conv), step: 8),
        Scene(name: "pool-tie", request: ExploreRequest(operation: .pool), step: 6),
        Scene(name: "pool-backward-last", request: ExploreRequest(operation: .pool, backward: true), step: 8),
        Scene(name: "convT-step6", request: ExploreRequest(operation: .convT), step: 5),
        Scene(name: "conv-channels", request: ExploreRequest(
            operation: .conv, input: "1 2 0; 0 1 3; 2 2 1 | 0 1 1; 1 0 2; 3 1 0",
            kernel: "1 0; 0 1 | 0 1; 1 0 || 1 1; 0 0 | 0 0; 1 1", bias: "1, -1"), step: 1),
    ]

    static let sizes = [(80, 24), (120, 40)]
    static let modes: [(String, TerminalCapabilities)] = [("color", .full), ("mono", .monochrome)]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func frame(_ scene: Scene, width: Int, height: Int, capabilities: TerminalCapabilities) throws -> Buffer {
        var model = ExplorerModel(try scene.request.resolve())
        model.go(to: scene.step)
        var buffer = Buffer(width: width, height: height)
        model.view(into: &buffer, rect: buffer.area, context: RenderContext(capabilities: capabilities))
        return buffer
    }

    @Test("frames match the committed snapshots", arguments: scenes)
    func snapshots(_ scene: Scene) throws {
        for (width, height) in Self.sizes {
            for (mode, capabilities) in Self.modes {
                let buffer = try Self.frame(scene, width: width, height: height, capabilities: capabilities)
                let file = Self.directory.appendingPathComponent("explorer-\(scene.name)-\(width)x\(height)-\(mode).txt")
                let text = buffer.text + "\n"
                for difference in Snapshot.differences(text, path: file.path) { Issue.record(Comment(rawValue: difference)) }
            }
        }
    }

    @Test("the first conv frame shows the window, the sum and the current output cell")
    func convFirstStepContent() throws {
        let mono = try Self.frame(Self.scenes[0], width: 80, height: 24, capabilities: .monochrome).text
        #expect(mono.contains("[ 2][ 3]  5   0"))
        #expect(mono.contains(">-3<"))
        #expect(mono.contains("2×1 + 3×0 + 1×0 + 5×(−1) = −3"))
        #expect(mono.contains("H_out = ⌊(4 + 2·0 − 1·(2−1) − 1)/1⌋ + 1 = 3"))   // compact at 80 columns
        let last = try Self.frame(Self.scenes[2], width: 120, height: 40, capabilities: .monochrome).text
        #expect(last.contains("tensor([[[[-3., -4., 14.],"))
        #expect(last.contains("[-5.,  4., -3.]]]])"))
    }

    @Test("monochrome keeps window, current and winner apart in the text itself")
    func monochromeMarkers() throws {
        let tie = try Self.frame(Self.scenes[3], width: 80, height: 24, capabilities: .monochrome).text
        // Bottom-left window [[-5, 2], [2, 0]]: the 2 at (2,1) wins the tie against (3,0).
        #expect(tie.contains("[-5]{ 2}"))
        #expect(tie.contains("[ 2][ 0]"))
        #expect(tie.contains(">2<"))
        #expect(tie.contains("tie: 2 also at (3,0); PyTorch keeps the first in row-major order, (2,1)"))
        let backward = try Self.frame(Self.scenes[4], width: 80, height: 24, capabilities: .monochrome).text
        #expect(backward.contains("grad(3,3) 0 +1 → 1"))
        for row in ["0  0  0  0", "0  2  4  0", "0  2  0  0", "0  0  0 {1}"] { #expect(backward.contains(row)) }
    }

    @Test("two channels: both drawn, each channel's sum, and the sum across channels with the bias")
    func channels() throws {
        let text = try Self.frame(Self.scenes[6], width: 120, height: 40, capabilities: .monochrome).text
        #expect(text.contains("input ch1") && text.contains("input ch2"))
        #expect(text.contains("ch1: 2×1 + 0×0 + 1×0 + 3×1 = 5"))
        #expect(text.contains("ch2: 1×0 + 1×1 + 0×1 + 2×0 = 1"))
        #expect(text.contains("sum across channels: 5 + 1 + bias 1 = 7"))
    }

    @Test("in colour the roles have distinct styles on the right cells")
    func colourRoles() throws {
        let buffer = try Self.frame(Self.scenes[3], width: 80, height: 24, capabilities: .full)
        let palette = Palette(colorMode: .xterm256)
        let styles = Set([palette[.window], palette[.current], palette[.winner], palette[.padding]])
        #expect(styles.count == 4)
        func count(_ role: Role) -> Int { buffer.cells.filter { $0.style == palette[role] && $0.character != " " }.count }
        #expect(count(.window) >= 3)   // three losing cells of the window
        #expect(count(.winner) >= 1)
        #expect(count(.current) >= 1)
        // Colour needs no markers: the text shows plain values.
        #expect(!buffer.text.contains("{ 2}"))
    }
}
