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
