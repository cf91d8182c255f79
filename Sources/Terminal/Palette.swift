/// What a piece of the screen means; the palette turns it into a style for the terminal's
/// colour mode. Views pick roles, never raw colours, so monochrome stays readable.
public enum Role: String, CaseIterable, Hashable, Sendable {
    /// Ordinary text and values.
    case normal
    /// Secondary text: hints, units, axis labels.
    case dim
    /// Padding cells of an input (zeros that are not real data).
    case padding
    /// The cells under the kernel window (or any highlighted group).
    case window
    /// The output cell being computed at this step.
    case current
    /// The winning cell: max-pool argmax, predicted class.
    case winner
    /// Values above / below zero, when the sign matters.
    case positive, negative
    /// Titles of panels and headings.
    case title
    /// Emphasis and the focused panel's border.
    case accent
    /// Borders of unfocused panels.
    case border
    /// A selected row or item in a list.
    case selection
    /// Error messages.
    case error
    /// Good news: a correct prediction, a finished task.
    case success
    /// The status line at the bottom of a screen.
    case status
}

/// Styles for every `Role` in one colour mode.
///
/// In monochrome, `window` is underlined, `current` reversed and `winner` bold and
/// underlined, and `MatrixGrid` adds markers ([5], >5<, *5*) so they stay apart.
public struct Palette: Equatable, Sendable {
    public let colorMode: ColorMode
    private let styles: [Role: Style]

    public init(colorMode: ColorMode) {
        self.colorMode = colorMode
        switch colorMode {
        case .none: styles = Palette.monochrome
        case .basic8: styles = Palette.basic
        case .xterm256: styles = Palette.rich
        }
    }

    /// The style for `role`.
    public subscript(role: Role) -> Style { styles[role] ?? .plain }

    /// The style for `role`.
    public func style(_ role: Role) -> Style { self[role] }

    /// A colour on a dark-to-bright heat ramp for `intensity` in 0...1 (xterm-256 indices:
    /// dark blue, blue, teal, green, yellow, orange).
    public static func heatColor(_ intensity: Double) -> UInt8 {
        let ramp: [UInt8] = [17, 18, 19, 25, 31, 37, 36, 35, 71, 107, 143, 179, 215, 208]
        let t = intensity.isFinite ? min(max(intensity, 0), 1) : 0
        return ramp[Int((t * Double(ramp.count - 1)).rounded())]
    }

    private static let monochrome: [Role: Style] = [
        .normal: .plain,
        .dim: Style(attributes: .dim),
        .padding: Style(attributes: .dim),
        .window: Style(attributes: .underline),
        .current: Style(attributes: .reverse),
        .winner: Style(attributes: [.bold, .underline]),
        .positive: .plain,
        .negative: .plain,
        .title: Style(attributes: .bold),
        .accent: Style(attributes: .bold),
        .border: .plain,
        .selection: Style(attributes: .reverse),
        .error: Style(attributes: [.bold, .reverse]),
        .success: Style(attributes: .bold),
        .status: Style(attributes: .reverse),
    ]

    private static let basic: [Role: Style] = [
        .normal: .plain,
        .dim: Style(attributes: .dim),
        .padding: Style(foreground: .blue, attributes: .dim),
        .window: Style(foreground: .white, background: .blue),
        .current: Style(foreground: .black, background: .green, attributes: .bold),
        .winner: Style(foreground: .black, background: .yellow, attributes: .bold),
        .positive: Style(foreground: .green),
        .negative: Style(foreground: .red),
        .title: Style(foreground: .cyan, attributes: .bold),
        .accent: Style(foreground: .yellow, attributes: .bold),
        .border: Style(foreground: .blue),
        .selection: Style(attributes: .reverse),
        .error: Style(foreground: .red, attributes: .bold),
        .success: Style(foreground: .green, attributes: .bold),
        .status: Style(foreground: .black, background: .white),
    ]

    private static let rich: [Role: Style] = [
        .normal: .plain,
        .dim: Style(foreground: .indexed(245)),
        .padding: Style(foreground: .indexed(240)),
        .window: Style(foreground: .indexed(231), background: .indexed(25)),
        .current: Style(foreground: .indexed(16), background: .indexed(78), attributes: .bold),
        .winner: Style(foreground: .indexed(16), background: .indexed(214), attributes: .bold),
        .positive: Style(foreground: .indexed(114)),
        .negative: Style(foreground: .indexed(210)),
        .title: Style(foreground: .indexed(117), attributes: .bold),
        .accent: Style(foreground: .indexed(221), attributes: .bold),
        .border: Style(foreground: .indexed(67)),
        .selection: Style(foreground: .indexed(231), background: .indexed(60)),
        .error: Style(foreground: .indexed(203), attributes: .bold),
        .success: Style(foreground: .indexed(78), attributes: .bold),
        .status: Style(foreground: .indexed(252), background: .indexed(237)),
    ]
}

/// Everything a view needs to draw: what the terminal supports, the palette for its
/// colour mode and the glyphs for its character set.
public struct RenderContext: Equatable, Sendable {
    public let capabilities: TerminalCapabilities
    public let palette: Palette
    public let glyphs: Glyphs

    public init(capabilities: TerminalCapabilities) {
        self.capabilities = capabilities
        palette = Palette(colorMode: capabilities.colorMode)
        glyphs = Glyphs(unicode: capabilities.unicode)
    }

    /// The style for `role` (shorthand for `palette[role]`).
    public func style(_ role: Role) -> Style { palette[role] }

    /// True when colours are off and meaning must come from attributes and markers.
    public var isMonochrome: Bool { capabilities.colorMode == .none }
}
