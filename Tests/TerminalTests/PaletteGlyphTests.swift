import Formatting
import Testing
@testable import Terminal

@Suite struct PaletteGlyphTests {
    @Test(arguments: ColorMode.allCases)
    func windowCurrentAndWinnerStayDistinct(mode: ColorMode) {
        let palette = Palette(colorMode: mode)
        let roles: [Role] = [.normal, .window, .current, .winner, .padding]
        for (i, a) in roles.enumerated() {
            for b in roles[(i + 1)...] { #expect(palette[a] != palette[b], "\(a) vs \(b) in \(mode)") }
        }
    }

    @Test func monochromeUsesAttributesOnly() {
        let palette = Palette(colorMode: .none)
        for role in Role.allCases {
            #expect(palette[role].foreground == .none && palette[role].background == .none, "\(role)")
        }
        #expect(palette[.window].attributes == .underline)
        #expect(palette[.current].attributes == .reverse)
        #expect(palette[.winner].attributes == [.bold, .underline])
    }

    @Test func basic8PaletteUsesOnlyTheEightColours() {
        let palette = Palette(colorMode: .basic8)
        for role in Role.allCases {
            for color in [palette[role].foreground, palette[role].background] {
                if case .indexed(let index) = color { #expect(index < 8, "\(role)") }
            }
        }
    }

    @Test func asciiGlyphsAreASCII() {
        let g = Glyphs.ascii
        let all: [Character] = [g.horizontal, g.vertical, g.topLeft, g.topRight, g.bottomLeft, g.bottomRight,
                                g.heavyHorizontal, g.heavyVertical, g.upperHalf, g.fullBlock, g.lightShade,
                                g.arrowLeft, g.arrowRight, g.times, g.minus, g.middleDot, g.ellipsis, g.plotDot]
        #expect(all.allSatisfy { $0.isASCII })
        #expect(g.times == "x" && g.minus == "-" && g.plotDot == "*" && g.topLeft == "+")
        #expect(Glyphs.utf8.times == "×" && Glyphs.utf8.minus == "−" && Glyphs.utf8.upperHalf == "▀")
    }

    @Test func brailleDotsMapToTheirBits() {
        #expect(Glyphs.braille(0) == "\u{2800}")
        #expect(Glyphs.braille(0xFF) == "⣿")
        #expect(Glyphs.braille(Glyphs.brailleBit(dx: 0, dy: 0)) == "⠁")
        #expect(Glyphs.braille(Glyphs.brailleBit(dx: 1, dy: 3)) == "⢀")
        #expect(Glyphs.braille(Glyphs.brailleBit(dx: 0, dy: 3)) == "⡀")
    }

    @Test func valuesAreFormattedCompactly() {
        #expect(NumberText.compact(5.0) == "5")
        #expect(NumberText.compact(-3.0) == "-3")
        #expect(NumberText.compact(-0.0) == "0")
        #expect(NumberText.compact(0.25) == "0.25")
        #expect(NumberText.compact(1.0 / 3.0) == "0.33")
        #expect(NumberText.compact(0.5, maxDecimals: 3) == "0.5")
        #expect(NumberText.compact(2.9999) == "3")
        #expect(NumberText.compact(-0.001) == "-1.0e-03")
        #expect(NumberText.compact(Double.nan) == "nan")
        #expect(NumberText.compact(-Double.infinity) == "-inf")
        #expect(NumberText.compact(-9.0, minus: "−") == "−9")
        #expect(NumberText.compact(Float(37.6), maxDecimals: 1) == "37.6")
        #expect(NumberText.duration(185) == "3m 05s")
        #expect(NumberText.percent(0.376, decimals: 1) == "37.6%")
    }
}
