import Screens
import Stepper
import Terminal
import Testing

/// Key sequences through `update`, as a student would press them.
@Suite("Explorer keys")
struct ExplorerKeyTests {
    func model(_ request: ExploreRequest = ExploreRequest(operation: .conv)) throws -> ExplorerModel {
        ExplorerModel(try request.resolve())
    }

    func press(_ model: inout ExplorerModel, _ keys: [Key]) {
        for key in keys { _ = model.update(.key(key)) }
    }

    func frame(_ model: ExplorerModel, _ width: Int = 100, _ height: Int = 30) -> [String] {
        var buffer = Buffer(width: width, height: height)
        model.view(into: &buffer, rect: buffer.area, context: RenderContext(capabilities: .monochrome))
        return buffer.lines
    }

    @Test("stepping forward fills the output; every step can be undone, frame for frame")
    func undo() throws {
        var m = try model()
        var forward = [frame(m)]
        var values: [Float?] = [m.currentValue]
        for _ in 1..<9 {
            press(&m, [.right])
            forward.append(frame(m))
            values.append(m.currentValue)
        }
        #expect(values == [-3, -4, 14, -1, 4, 6, -5, 4, -3])
        #expect(m.isAtEnd)
        press(&m, [.character("l")])   // past the end: stays, says so
        #expect(m.stepIndex == 8)
        #expect(m.status == "this is the last step (g or Home: the first)")
        for index in stride(from: 7, through: 0, by: -1) {
            press(&m, [.character("h")])
            #expect(frame(m) == forward[index])
        }
        press(&m, [.end])
        #expect(m.stepIndex == 8)
        press(&m, [.character("g")])
        #expect(m.stepIndex == 0)
        press(&m, [.character("G"), .home, .character(" ")])
        #expect(m.stepIndex == 1)
    }

    @Test("pool steps to [[5,7,7],[5,7,7],[2,2,4]]; Tab to backward routes to [[0,0,0,0],[0,2,4,0],[0,2,0,0],[0,0,0,1]]")
    func poolThroughKeys() throws {
        var m = try model(ExploreRequest(operation: .pool))
        var seen: [Float] = []
        for _ in 0..<9 { seen.append(m.currentValue!); press(&m, [.right]) }
        #expect(seen == [5, 7, 7, 5, 7, 7, 2, 2, 4])
        press(&m, [.tab])
        #expect(m.view == .backward)
        press(&m, [.end])
        let text = frame(m).joined(separator: "\n")
        for row in ["0  0  0  0", "0  2  4  0", "0  2  0  0", "0  0  0 {1}"] { #expect(text.contains(row)) }
        #expect(m.exploration.pool!.gradInput.values == [0, 0, 0, 0, 0, 2, 4, 0, 0, 2, 0, 0, 0, 0, 0, 1])
    }

    @Test("settings that would empty the output are refused in the status line")
    func refusals() throws {
        var m = try model()
        press(&m, [.character("d"), .character("d")])   // dilation 3: the 2x2 kernel spans 4 = the input
        #expect(m.setup.conv.dilation == Pair(3))
        press(&m, [.character("d")])
        #expect(m.setup.conv.dilation == Pair(3))
        #expect(m.statusIsError)
        #expect(m.status?.hasPrefix("dilation 4 refused: the kernel spans 5 rows") == true)
        #expect(frame(m).last?.contains("dilation 4 refused") == true)
        press(&m, [.character("D"), .character("D")])
        #expect(m.setup.conv.dilation == Pair(1))
        press(&m, [.character("k"), .character("k"), .character("k")])   // 5x5 does not fit a 4x4 input
        #expect(m.setup.kernelSize == Pair(4))
        #expect(m.status?.hasPrefix("kernel size 5 refused") == true)
        press(&m, [.character("{")])
        #expect(m.status == "padding cannot go lower (0 is the smallest)")
        press(&m, [.character("[")])
        #expect(m.status == "stride cannot go lower (1 is the smallest)")
        var pool = try model(ExploreRequest(operation: .pool))
        press(&pool, [.character("}"), .character("}")])
        #expect(pool.setup.pool.padding == Pair(1))
        #expect(pool.status == "padding 2 refused: pooling padding 2 is more than half the window 2: use padding of at most 1")
    }

    @Test("stride and padding keys change the output size and the formula")
    func strideAndPadding() throws {
        var m = try model()
        press(&m, [.character("]")])
        #expect(m.setup.conv.stride == Pair(2))
        #expect(m.stepCount == 4)
        #expect(m.exploration.output.values == [-3, 14, -5, -3])
        press(&m, [.character("}")])
        #expect(m.exploration.output.height == 3)
        #expect(frame(m, 120, 40).contains { $0.contains("H_out = ⌊(I + 2P − D(K−1) − 1)/S⌋ + 1 = ⌊(4 + 2·1 − 1·(2−1) − 1)/2⌋ + 1 = ⌊4/2⌋ + 1 = 3") })
        press(&m, [.character("}"), .character("]")])   // padding 2, stride 3: (4+4-1-1)=6, 6/3 → 3
        press(&m, [.character("{"), .character("{")])   // padding 0, stride 3: 2/3 → 1, floor drops 2
        #expect(m.exploration.conv!.height.unreachedInputPositions == [2, 3])
        #expect(frame(m, 120, 40).contains { $0.contains("2 is not a multiple of stride 3: the floor drops 2, so input rows 2, 3 are never reached") })
    }

    @Test("editing the kernel: type, Enter keeps; Esc cancels")
    func editing() throws {
        var m = try model()
        press(&m, [.backTab])
        #expect(m.focus == .kernel)
        press(&m, [.character("e"), .character("2"), .enter])
        #expect(m.setup.weight!.values == [2, 0, 0, -1])
        let expected: Float = 2 * 2 - 5   // the new corner weight 2 times the input's 2
        #expect(m.currentValue == expected)
        press(&m, [.character("e"), .right, .character("-"), .character("3")])
        let editing = frame(m).joined(separator: "\n")
        #expect(editing.contains("editing kernel (0,1): -3_  Enter keeps  Esc cancels"))
        #expect(editing.contains("(-3_)"))   // the cursor cell, marked even in colour
        press(&m, [.escape])
        #expect(m.setup.weight!.values == [2, 0, 0, -1])
        #expect(m.editor == nil)
        press(&m, [.backTab, .character("e"), .down, .right, .character("9"), .enter])
        #expect(m.setup.input.values[5] == 9)
        press(&m, [.character("e"), .character("-"), .character("-"), .enter])
        #expect(m.statusIsError)   // "--" is not a number: still editing
        #expect(m.editor != nil)
        press(&m, [.escape])
    }

    @Test("pool backward: the upstream gradient is editable and routed as typed")
    func editUpstream() throws {
        var m = try model(ExploreRequest(operation: .pool, backward: true))
        press(&m, [.backTab])
        #expect(m.focus == .upstream)
        press(&m, [.character("e"), .character("3"), .enter])   // upstream[0,0] = 3, routed to the 5 at (1,1)
        #expect(m.exploration.pool!.upstream.values[0] == 3)
        #expect(m.exploration.pool!.gradInput.values == [0, 0, 0, 0, 0, 4, 4, 0, 0, 2, 0, 0, 0, 0, 0, 1])
        press(&m, [.character("]")])   // stride 2 changes the output shape: the upstream returns to ones
        #expect(m.exploration.pool!.upstream.values == [1, 1, 1, 1])
    }

    @Test("play advances on ticks and stops at the end; speed keys change the pace")
    func play() throws {
        var m = try model()
        press(&m, [.character("+"), .character("+"), .character("+")])   // 0.05 s per step: one tick
        #expect(ExplorerModel.speeds[m.speedLevel] == 0.05)
        press(&m, [.character("p")])
        #expect(m.playing)
        for _ in 0..<20 { _ = m.update(.tick) }
        #expect(m.isAtEnd)
        #expect(!m.playing)
        press(&m, [.character("-")])
        #expect(ExplorerModel.speeds[m.speedLevel] == 0.1)
    }

    @Test("help overlay, filters, views and quit")
    func misc() throws {
        var m = try model(ExploreRequest(operation: .conv, kernel: "3x3", channels: 2, filters: 2))
        press(&m, [.character("?")])
        #expect(m.showHelp)
        #expect(frame(m).contains { $0.contains("any key closes") })
        press(&m, [.character("x")])
        #expect(!m.showHelp)
        press(&m, [.character("f")])
        #expect(m.selectedFilter == 1)
        #expect(m.currentValue == m.exploration.conv!.steps[m.stepRange.lowerBound].value)
        #expect(frame(m, 120, 40).contains { $0.contains("sum across channels:") })
        press(&m, [.tab, .tab])
        #expect(m.view == .pytorch)
        #expect(frame(m).contains { $0.contains("F.conv2d(x, w, stride=1, padding=0, dilation=1)") })
        press(&m, [.tab])
        #expect(m.view == .forward)
        #expect(m.update(.key(.character("q"))) == .quit)
    }

    @Test("convT: scatter and direct views reach the same output")
    func convTranspose() throws {
        var m = try model(ExploreRequest(operation: .convT, input: "1 2; 3 4", kernel: "1 2; 3 4", stride: "2"))
        press(&m, [.end])
        let scattered = m.exploration.convT!.output(afterSteps: m.traceIndex + 1)
        press(&m, [.tab])
        #expect(m.view == .direct)
        press(&m, [.end])
        #expect(m.exploration.zeroInsertion!.trace.output == scattered)
        #expect(scattered.values == [1, 2, 2, 4, 3, 4, 6, 8, 3, 6, 4, 8, 9, 12, 12, 16])
    }

    @Test("embedding: draws only inside its rectangle; predict-then-see hides the result")
    func embedding() throws {
        var m = try model()
        var buffer = Buffer(width: 120, height: 40)
        buffer.fill(buffer.area, with: Cell("#"))
        let rect = Rect(x: 10, y: 5, width: 90, height: 28)
        m.go(to: 3)
        #expect(m.upcomingValue == 4)
        m.concealCurrentResult = true
        m.view(into: &buffer, rect: rect, context: RenderContext(capabilities: .monochrome))
        #expect(buffer.lines[0] == String(repeating: "#", count: 120))
        #expect(buffer.lines[39] == String(repeating: "#", count: 120))
        #expect(buffer.lines[10].hasPrefix(String(repeating: "#", count: 10)))
        let text = buffer.text
        #expect(text.contains("> ?<"))
        #expect(!text.contains("= −1"))
        #expect(text.contains("what is output[1,0]?"))
    }

    @Test("ASCII notation for terminals without UTF-8")
    func ascii() throws {
        var m = try model()
        m.asciiNotation = true
        var buffer = Buffer(width: 80, height: 24)
        m.view(into: &buffer, rect: buffer.area, context: RenderContext(capabilities: .plainASCII))
        #expect(buffer.text.contains("2x1 + 3x0 + 1x0 + 5x(-1) = -3"))
        #expect(buffer.text.contains("H_out = floor((4 + 2*0 - 1*(2-1) - 1)/1) + 1 = 3"))
        let allASCII = buffer.text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
    }

    @Test("a terminal below the minimum says the size it needs")
    func tooSmall() throws {
        let lines = frame(try model(), 50, 12)
        #expect(lines.contains { $0.contains("the explorer needs at least 60x18 (have 50x12)") })
    }
}
