import Testing
@testable import Terminal

@Suite struct BufferTests {
    @Test func writeClipsAtTheRightEdgeAndLinesTrimTrailingSpaces() {
        var buffer = Buffer(width: 5, height: 2)
        let end = buffer.write("abcdefg", x: 1, y: 0)
        #expect(end == 5)
        #expect(buffer.lines == [" abcd", ""])
    }

    @Test func writesOutsideTheBufferAreIgnored() {
        var buffer = Buffer(width: 3, height: 1)
        buffer.write("xyz", x: -1, y: 0)
        buffer.write("q", x: 0, y: 5)
        #expect(buffer.lines == ["yz"])
        #expect(buffer[9, 9] == Cell())
    }

    @Test func fillAndStyleStayInsideTheRectangle() {
        var buffer = Buffer(width: 4, height: 3)
        buffer.fill(Rect(x: 1, y: 1, width: 10, height: 1), with: Cell("#"))
        buffer.setStyle(Style(attributes: .bold), in: Rect(x: 0, y: 1, width: 2, height: 1))
        #expect(buffer.lines == ["", " ###", ""])
        #expect(buffer[1, 1].style.attributes == .bold)
        #expect(buffer[2, 1].style == .plain)
    }
}

@Suite struct BufferTextTests {
    @Test func combiningMarksJoinTheirCharacter() {
        var buffer = Buffer(width: 6, height: 1)
        let end = buffer.write("e\u{301}x▀", x: 0, y: 0)
        #expect(end == 3)
        #expect(buffer[0, 0].character == "é")
        #expect(buffer[1, 0].character == "x" && buffer[2, 0].character == "▀")
    }

    @Test func clippedWritesStopAtTheClipAndKeepColumnsCounting() {
        var buffer = Buffer(width: 10, height: 2)
        let clip = Rect(x: 2, y: 0, width: 3, height: 1)
        #expect(buffer.write("abcdef", x: 0, y: 0, clip: clip) == 5)
        #expect(buffer.lines == ["  cde", ""])
        #expect(buffer.write("zz", x: 0, y: 1, clip: clip) == 2)   // row outside the clip: nothing drawn
        #expect(buffer.lines[1] == "")
    }

    @Test func brailleBitsFollowTheUnicodeDotOrder() {
        let expected: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        for dy in 0..<4 { for dx in 0..<2 { #expect(Glyphs.brailleBit(dx: dx, dy: dy) == expected[dy][dx]) } }
    }
}
