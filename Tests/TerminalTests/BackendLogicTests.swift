import Testing
@testable import Terminal

@Suite struct BackendLogicTests {
    @Test func diffListsOnlyChangedCells() {
        var a = Buffer(width: 4, height: 2)
        a.write("ab", x: 0, y: 0)
        #expect(FrameDiff.changedCells(from: nil, to: a) == Array(0..<8))
        #expect(FrameDiff.changedCells(from: a, to: a).isEmpty)
        var b = a
        b.write("X", x: 1, y: 0)
        b[3, 1] = Cell(" ", style: Style(attributes: .reverse))   // same character, new style
        #expect(FrameDiff.changedCells(from: a, to: b) == [1, 7])
        #expect(FrameDiff.changedCells(from: a, to: Buffer(width: 5, height: 2)).count == 10)
    }

    // The ncurses key codes (curses.h, octal) and what they mean.
    @Test(arguments: [
        (0o403, Key.up), (0o402, .down), (0o404, .left), (0o405, .right),
        (0o406, .home), (0o550, .end), (0o523, .pageUp), (0o522, .pageDown),
        (0o527, .enter), (0o541, .backTab), (0o407, .backspace), (0o512, .delete),
        (0o411, .function(1)), (0o424, .function(12)),
    ] as [(Int, Key)])
    func functionKeysDecode(code: Int, key: Key) {
        #expect(KeyDecoder.decode(code: UInt32(code), isFunctionKey: true) == .key(key))
    }

    @Test func charactersAndControlKeysDecode() {
        let table: [(UInt32, DecodedInput)] = [
            (13, .key(.enter)), (10, .key(.enter)), (9, .key(.tab)), (27, .key(.escape)),
            (127, .key(.backspace)), (8, .key(.backspace)), (1, .ignored),
            (UInt32(("q" as Unicode.Scalar).value), .key(.character("q"))),
            (0x2212, .key(.character("−"))), (0x00E9, .key(.character("é"))),
            (UInt32(("?" as Unicode.Scalar).value), .key(.character("?"))),
        ]
        for (code, expected) in table { #expect(KeyDecoder.decode(code: code, isFunctionKey: false) == expected) }
        #expect(KeyDecoder.decode(code: 0o632, isFunctionKey: true) == .resize)
        #expect(KeyDecoder.decode(code: 0o777, isFunctionKey: true) == .ignored)
    }

    @Test func escapeSequencesNcursesDidNotKnowBecomeKeysNotEscape() {
        func decode(_ text: String) -> DecodedInput { KeyDecoder.decodeEscapeSequence(Array(text)) }
        #expect(decode("") == .key(.escape))
        #expect(decode("OH") == .key(.home))      // xterm's Home under TERM=screen
        #expect(decode("OF") == .key(.end))
        #expect(decode("[1~") == .key(.home))     // Home under TERM=xterm-256color in tmux
        #expect(decode("[4~") == .key(.end))
        #expect(decode("[H") == .key(.home))
        #expect(decode("[5~") == .key(.pageUp))
        #expect(decode("[6~") == .key(.pageDown))
        #expect(decode("[1;5C") == .key(.right))
        #expect(decode("[Z") == .key(.backTab))
        #expect(decode("[200~") == .ignored)      // unknown: nothing, not Escape
        #expect(decode("x") == .ignored)          // Alt+x
        #expect(KeyDecoder.endsSequence("~", length: 3))
        #expect(!KeyDecoder.endsSequence("O", length: 1))
    }

    @Test func coloursReduceToWhatTheTerminalHas() {
        #expect(ColorPairs.reduce(.indexed(196), mode: .none, colorCount: 256) == -1)
        #expect(ColorPairs.reduce(.none, mode: .xterm256, colorCount: 256) == -1)
        #expect(ColorPairs.reduce(.indexed(196), mode: .xterm256, colorCount: 256) == 196)
        #expect(ColorPairs.reduce(.indexed(196), mode: .basic8, colorCount: 8) == 1)
        #expect(ColorPairs.reduce(.indexed(25), mode: .basic8, colorCount: 8) == 4)
        #expect(ColorPairs.reduce(.indexed(12), mode: .basic8, colorCount: 8) == 4)
        #expect(ColorPairs.reduce(.indexed(252), mode: .basic8, colorCount: 8) == 7)
        #expect(ColorPairs.reduce(.indexed(233), mode: .basic8, colorCount: 8) == 0)
        #expect(ColorPairs.reduce(.indexed(3), mode: .basic8, colorCount: 8) == 3)
    }

    struct Counter: TerminalProgram {
        var count = 0
        mutating func update(_ event: Event) -> ProgramCommand<Never> {
            switch event {
            case .key(.character("q")): return .quit
            case .key(.right): count += 1
            default: break
            }
            return .none
        }
        func view(into buffer: inout Buffer, context: RenderContext) {
            buffer.write("count: \(count)", x: 0, y: 0, role: .accent, context: context)
        }
    }

    @Test func programsRenderHeadlessly() {
        var counter = Counter()
        #expect(counter.update(.key(.right)) == .none)
        #expect(counter.update(.key(.character("q"))) == .quit)
        let frame = renderFrame(counter, width: 20, height: 2, capabilities: .monochrome)
        #expect(frame.lines == ["count: 1", ""])
        #expect(frame[0, 0].style.attributes == .bold)
        #expect(counter.tickInterval == nil)
    }

    @Test func redrawTriggerFiresOncePerRequest() {
        let trigger = RedrawTrigger()
        #expect(!trigger.consume())
        trigger.request()
        trigger.request()
        #expect(trigger.consume())
        #expect(!trigger.consume())
    }
}

/// Tests that open ncurses screens on /dev/null: one at a time.
@Suite(.serialized) struct CursesScreenTests {
    @Test func drawnCellsReachNcursesWithTheirStyles() throws {
        let screen = try CursesScreen(nullDeviceWidth: 20, height: 5, capabilities: .full)
        defer { screen.close() }
        #expect(screen.size == (width: 20, height: 5))
        var buffer = Buffer(width: 20, height: 5)
        buffer.write("a▀×", x: 1, y: 2, style: Style(foreground: .indexed(196), background: .indexed(25), attributes: .bold))
        buffer.write("u", x: 19, y: 4, style: Style(attributes: [.underline, .reverse]))
        screen.draw(buffer)
        let cell = try #require(screen.cellOnScreen(x: 2, y: 2))
        #expect(cell.character == "▀" && cell.attributes == .bold && cell.foreground == 196 && cell.background == 25)
        #expect(screen.cellOnScreen(x: 3, y: 2)?.character == "×")
        var wide = buffer
        wide.write("你", x: 0, y: 0)
        screen.draw(wide)
        #expect(screen.cellOnScreen(x: 0, y: 0)?.character == "?")   // never a double-width cell
        #expect(CursesScreen.isDoubleWidth(0x1F642) && !CursesScreen.isDoubleWidth(0x2580))
        let corner = try #require(screen.cellOnScreen(x: 19, y: 4))
        #expect(corner.character == "u" && corner.attributes == [.underline, .reverse] && corner.foreground == -1)
        // Hundreds of colour pairs: numbers above 255 must still carry the right colours.
        for frame in 0..<4 {   // 400 distinct (foreground, background) pairs in all
            var many = Buffer(width: 20, height: 5)
            for index in 0..<100 {
                let style = Style(foreground: .indexed(UInt8((frame * 100 + index) % 256)),
                                  background: .indexed(UInt8(255 - index)))
                many[index % 20, index / 20] = Cell("x", style: style)
            }
            screen.draw(many)
        }
        let last = try #require(screen.cellOnScreen(x: 19, y: 4))
        #expect(last.foreground == 143 && last.background == 156)
        let first = try #require(screen.cellOnScreen(x: 0, y: 0))
        #expect(first.foreground == 44 && first.background == 255)
    }

    @Test func monochromeScreensDrawNoColours() throws {
        let screen = try CursesScreen(nullDeviceWidth: 10, height: 2, capabilities: .monochrome)
        defer { screen.close() }
        var buffer = Buffer(width: 10, height: 2)
        buffer.write("w", x: 0, y: 0, style: Palette(colorMode: .xterm256)[.window])
        screen.draw(buffer)
        let cell = try #require(screen.cellOnScreen(x: 0, y: 0))
        #expect(cell.foreground == -1 && cell.background == -1)
    }

    @Test func onlyOneScreenOpensAtATime() throws {
        let first = try CursesScreen(nullDeviceWidth: 10, height: 2, capabilities: .full)
        #expect(throws: TerminalError.self) { try CursesScreen(nullDeviceWidth: 10, height: 2, capabilities: .full) }
        first.close()
        let second = try CursesScreen(nullDeviceWidth: 10, height: 2, capabilities: .full)
        second.close()
    }

    @Test func benchmarkRendersAFullFrameAndReportsTimes() {
        let result = FrameBenchmark.measureDetailed(width: 120, height: 40, iterations: 3)
        #expect(result.usedCurses)
        #expect(result.total > 0 && result.render > 0)
        #expect(result.changedCells > 0)
        #expect(result.summary.hasPrefix("120x40 frame: "))
    }
}

@Suite struct SampleSceneTests {
    @Test func sampleSceneFillsTheScreen() {
        var buffer = Buffer(width: 200, height: 60)
        SampleScene().render(into: &buffer, step: 4, context: RenderContext(capabilities: .full))
        #expect(buffer.lines[0].hasPrefix("┏ Input "))
        #expect(buffer.lines[59].contains("step 5"))
        #expect(buffer.cells.contains { $0.character == "▀" })
        #expect(buffer.cells.contains { ($0.character.unicodeScalars.first?.value ?? 0) & 0xFF00 == 0x2800 })
    }
}
