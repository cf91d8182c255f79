import Foundation

/// How many colours the terminal can show.
public enum ColorMode: String, Equatable, Hashable, Sendable, CaseIterable {
    /// No colour at all (NO_COLOR, `--no-color`, TERM=dumb): meaning is carried by attributes and markers.
    case none
    /// The 8 basic ANSI colours.
    case basic8
    /// The xterm 256-colour palette (6x6x6 cube and grey ramp).
    case xterm256
}

/// What the terminal can draw: colours and Unicode glyphs. Detect it once from the
/// environment and command-line flags, then pass it to `RenderContext`.
///
///     let caps = TerminalCapabilities.detect(noColor: options.noColor, ascii: options.ascii)
///     print(caps.summary)   // "256 colours, Unicode (UTF-8 locale)"
public struct TerminalCapabilities: Equatable, Hashable, Sendable {
    public var colorMode: ColorMode
    /// True when the locale is UTF-8: box drawing, braille and block glyphs are used;
    /// otherwise ASCII fallbacks.
    public var unicode: Bool

    public init(colorMode: ColorMode, unicode: Bool) {
        self.colorMode = colorMode
        self.unicode = unicode
    }

    /// 256 colours and Unicode: the richest rendering (useful in tests).
    public static let full = TerminalCapabilities(colorMode: .xterm256, unicode: true)
    /// No colour, Unicode glyphs.
    public static let monochrome = TerminalCapabilities(colorMode: .none, unicode: true)
    /// No colour, ASCII only: what `--no-color --ascii` gives.
    public static let plainASCII = TerminalCapabilities(colorMode: .none, unicode: false)

    /// Detects capabilities from `environment` (by default the process environment),
    /// then applies the `--no-color` and `--ascii` overrides.
    public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment,
                              noColor: Bool = false, ascii: Bool = false) -> TerminalCapabilities {
        var caps = TerminalCapabilities(colorMode: detectColorMode(environment).mode,
                                        unicode: detectUnicode(environment).unicode)
        if noColor { caps.colorMode = .none }
        if ascii { caps.unicode = false }
        return caps
    }

    /// Detects capabilities with the overrides read from command-line `arguments`
    /// (`--no-color`, `--ascii`), for callers without an argument parser.
    public static func detect(arguments: [String],
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalCapabilities {
        detect(environment: environment, noColor: arguments.contains("--no-color"),
               ascii: arguments.contains("--ascii"))
    }

    /// A short description such as "256 colours, Unicode".
    public var summary: String {
        let colours: String
        switch colorMode {
        case .none: colours = "no colour"
        case .basic8: colours = "8 colours"
        case .xterm256: colours = "256 colours"
        }
        return colours + ", " + (unicode ? "Unicode" : "ASCII")
    }

    /// One line for `cnnlab doctor`: what was detected and why, for example
    /// "256 colours (TERM=xterm-256color), Unicode (LANG=C.UTF-8)".
    public static func report(environment: [String: String] = ProcessInfo.processInfo.environment,
                              noColor: Bool = false, ascii: Bool = false) -> String {
        let colour = detectColorMode(environment)
        let text = detectUnicode(environment)
        let caps = detect(environment: environment, noColor: noColor, ascii: ascii)
        let colourPart: String
        if noColor { colourPart = "no colour (--no-color)" } else {
            colourPart = TerminalCapabilities(colorMode: caps.colorMode, unicode: true).summary
                .replacingOccurrences(of: ", Unicode", with: "") + " (\(colour.reason))"
        }
        let glyphPart = ascii ? "ASCII (--ascii)" : (caps.unicode ? "Unicode" : "ASCII") + " (\(text.reason))"
        return colourPart + ", " + glyphPart
    }

    static func detectColorMode(_ env: [String: String]) -> (mode: ColorMode, reason: String) {
        if let noColor = env["NO_COLOR"], !noColor.isEmpty { return (.none, "NO_COLOR is set") }
        let term = env["TERM"] ?? ""
        let colorTerm = (env["COLORTERM"] ?? "").lowercased()
        if term.isEmpty { return (.none, "TERM is not set") }
        if term == "dumb" { return (.none, "TERM=dumb") }
        if term.contains("256color") { return (.xterm256, "TERM=\(term)") }
        if colorTerm.contains("256color") || colorTerm == "truecolor" || colorTerm == "24bit" {
            return (.xterm256, "COLORTERM=\(colorTerm)")
        }
        return (.basic8, "TERM=\(term)")
    }

    static func detectUnicode(_ env: [String: String]) -> (unicode: Bool, reason: String) {
        // The first of these that is set and non-empty decides, as in setlocale(3).
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = env[name], !value.isEmpty {
                let normalized = value.lowercased().replacingOccurrences(of: "-", with: "")
                return (normalized.contains("utf8"), "\(name)=\(value)")
            }
        }
        return (false, "no UTF-8 locale: LANG, LC_CTYPE and LC_ALL are unset")
    }
}
