import Testing
@testable import Terminal

@Suite struct CapabilitiesTests {
    let utf8 = ["LANG": "en_US.UTF-8"]

    @Test func a256ColourTermWithAUTF8LocaleGetsEverything() {
        let caps = TerminalCapabilities.detect(environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8"])
        #expect(caps == TerminalCapabilities(colorMode: .xterm256, unicode: true))
        #expect(caps.summary == "256 colours, Unicode")
    }

    @Test func noColorWinsWhenNonEmptyOnly() {
        #expect(TerminalCapabilities.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": "1"]).colorMode == .none)
        #expect(TerminalCapabilities.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": ""]).colorMode == .xterm256)
    }

    @Test func dumbOrMissingTermHasNoColour() {
        #expect(TerminalCapabilities.detect(environment: ["TERM": "dumb"]).colorMode == .none)
        #expect(TerminalCapabilities.detect(environment: [:]).colorMode == .none)
    }

    @Test func plainTermHasEightColoursAndColortermCanRaiseIt() {
        #expect(TerminalCapabilities.detect(environment: ["TERM": "screen"]).colorMode == .basic8)
        #expect(TerminalCapabilities.detect(environment: ["TERM": "xterm", "COLORTERM": "truecolor"]).colorMode == .xterm256)
        #expect(TerminalCapabilities.detect(environment: ["TERM": "tmux-256color"]).colorMode == .xterm256)
    }

    @Test func localeFollowsTheFirstSetVariable() {
        #expect(TerminalCapabilities.detect(environment: ["LANG": "en_US.UTF-8"]).unicode)
        #expect(TerminalCapabilities.detect(environment: ["LANG": "en_US.utf8"]).unicode)
        #expect(!TerminalCapabilities.detect(environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"]).unicode)
        #expect(TerminalCapabilities.detect(environment: ["LC_ALL": "", "LC_CTYPE": "C.UTF-8", "LANG": "C"]).unicode)
        #expect(!TerminalCapabilities.detect(environment: [:]).unicode)
    }

    @Test func flagsOverrideTheEnvironment() {
        let env = ["TERM": "xterm-256color", "LANG": "C.UTF-8"]
        #expect(TerminalCapabilities.detect(environment: env, noColor: true, ascii: true) == .plainASCII)
        #expect(TerminalCapabilities.detect(arguments: ["cnnlab", "explore", "--ascii"], environment: env)
            == TerminalCapabilities(colorMode: .xterm256, unicode: false))
        #expect(TerminalCapabilities.detect(arguments: ["--no-color"], environment: env).colorMode == .none)
    }

    @Test func reportSaysWhy() {
        #expect(TerminalCapabilities.report(environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8"])
            == "256 colours (TERM=xterm-256color), Unicode (LANG=C.UTF-8)")
        #expect(TerminalCapabilities.report(environment: ["TERM": "xterm", "NO_COLOR": "1", "LC_ALL": "C"])
            == "no colour (NO_COLOR is set), ASCII (LC_ALL=C)")
        #expect(TerminalCapabilities.report(environment: ["TERM": "xterm"], noColor: true, ascii: true)
            == "no colour (--no-color), ASCII (--ascii)")
    }
}
