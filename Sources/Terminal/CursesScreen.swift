import CNCurses
import Foundation

/// Why the terminal could not be opened: the problem, and the way around it that the
/// command offers (each command names a flag it really has: `suggesting(_:)`).
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, without advice: "cannot open the screen: TERM=dumb cannot move the cursor".
    public let problem: String
    /// The way around it, e.g. "use --print for plain text"; nil when there is none to give.
    public let hint: String?

    public init(_ problem: String, hint: String? = nil) {
        self.problem = problem
        self.hint = hint
    }

    /// The same problem with the calling command's own way around it.
    public func suggesting(_ hint: String) -> TerminalError { TerminalError(problem, hint: hint) }

    public var description: String { hint.map { "\(problem) (\($0))" } ?? problem }
}

/// The ncurses backend: opens the terminal, draws `Buffer`s (only the cells that changed
/// since the last frame) and reads keys. Not thread-safe by design: create, use and close
/// it on one thread; nothing else in cnnlab calls ncurses.
final class CursesScreen {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var previous: Buffer?
    private var pairs: ColorPairs
    private let attributeBits: (bold: attr_t, reverse: attr_t, underline: attr_t, dim: attr_t)
    private var closed = false
    /// What this terminal really supports (the requested capabilities, reduced to what
    /// ncurses found).
    let capabilities: TerminalCapabilities
    private let nullFiles: (UnsafeMutablePointer<FILE>, UnsafeMutablePointer<FILE>)?

    /// Only one screen may be open at a time (ncurses has one current terminal).
    private static let openLock = NSLock()
    // Guarded by openLock; a flag rather than an actor because curses code is synchronous.
    nonisolated(unsafe) private static var anyOpen = false

    private static func claim() throws {
        openLock.lock(); defer { openLock.unlock() }
        guard !anyOpen else { throw TerminalError("a full-screen view is already open") }
        anyOpen = true
    }

    private static func release() {
        openLock.lock(); anyOpen = false; openLock.unlock()
    }

    /// Opens the real terminal on standard input and output.
    convenience init(capabilities requested: TerminalCapabilities) throws {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw TerminalError("standard input and output must be a terminal for this screen", hint: "try --print for plain text")
        }
        try CursesScreen.claim()
        setlocale(LC_ALL, "")
        cnn_install_signal_handlers()
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty else {
            cnn_restore_signal_handlers()
            CursesScreen.release()
            throw TerminalError("cannot open the screen: TERM is not set", hint: "try TERM=xterm-256color, or --print for plain text")
        }
        guard let screen = newterm(nil, cnn_stdout(), cnn_stdin()) else {
            cnn_restore_signal_handlers()
            CursesScreen.release()
            throw TerminalError("cannot open the screen: ncurses does not know TERM=\(term)", hint: "try TERM=xterm-256color, or --print")
        }
        guard cnn_can_address_cursor() != 0 else {
            endwin()
            delscreen(screen)
            cnn_restore_signal_handlers()
            CursesScreen.release()
            throw TerminalError("cannot open the screen: TERM=\(term) cannot move the cursor", hint: "use --print for plain text")
        }
        var caps = requested
        if cnn_locale_is_utf8() == 0 { caps.unicode = false }
        cnn_prepare_crash_restore()
        self.init(screen: screen, capabilities: caps, nullFiles: nil)
    }

    /// Opens a screen of `width` x `height` that writes to /dev/null (for benchmarks).
    convenience init(nullDeviceWidth width: Int, height: Int, capabilities: TerminalCapabilities) throws {
        try CursesScreen.claim()
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else {
            CursesScreen.release()
            throw TerminalError("cannot open /dev/null")
        }
        guard let screen = newterm("xterm-256color", output, input) else {
            fclose(output); fclose(input)
            CursesScreen.release()
            throw TerminalError("ncurses has no xterm-256color entry")
        }
        self.init(screen: screen, capabilities: capabilities, nullFiles: (output, input))
        resize_term(Int32(height), Int32(width))
    }

    private init(screen: OpaquePointer, capabilities requested: TerminalCapabilities,
                 nullFiles: (UnsafeMutablePointer<FILE>, UnsafeMutablePointer<FILE>)?) {
        self.screen = screen
        self.nullFiles = nullFiles
        set_term(screen)
        window = cnn_stdscr()!
        cnn_set_curses_active(1)
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        curs_set(0)
        var caps = requested
        var colorCount = 0
        if caps.colorMode != .none {
            if has_colors() && start_color() == cnn_ok() {
                use_default_colors()
                colorCount = Int(cnn_colors())
                if colorCount < 256 && caps.colorMode == .xterm256 { caps.colorMode = .basic8 }
                if colorCount < 8 { caps.colorMode = .none }
            } else {
                caps.colorMode = .none
            }
        }
        capabilities = caps
        pairs = ColorPairs(colorCount: colorCount, pairLimit: Int(cnn_color_pairs()))
        attributeBits = (cnn_a_bold(), cnn_a_reverse(), cnn_a_underline(), cnn_a_dim())
    }

    deinit { close() }

    /// The terminal's size in cells.
    var size: (width: Int, height: Int) {
        (Int(getmaxx(window)), Int(getmaxy(window)))
    }

    /// Forgets the last frame so the next `draw` repaints everything (after a resize).
    func invalidate() {
        previous = nil
        clearok(window, true)
    }

    /// Draws the cells of `buffer` that differ from the last frame, then updates the terminal.
    func draw(_ buffer: Buffer) {
        let changed = FrameDiff.changedCells(from: previous, to: buffer)
        if previous == nil || previous?.width != buffer.width || previous?.height != buffer.height {
            werase(window)
        }
        let mode = capabilities.colorMode
        let colorCount = pairs.colorCount
        buffer.cells.withUnsafeBufferPointer { cells in
            for index in changed {
                let cell = cells[index]
                let style = cell.style
                var attributes: attr_t = 0
                if style.attributes.contains(.bold) { attributes |= attributeBits.bold }
                if style.attributes.contains(.reverse) { attributes |= attributeBits.reverse }
                if style.attributes.contains(.underline) { attributes |= attributeBits.underline }
                if style.attributes.contains(.dim) { attributes |= attributeBits.dim }
                var pair: Int32 = 0
                if mode != .none {
                    pair = pairs.pair(foreground: ColorPairs.reduce(style.foreground, mode: mode, colorCount: colorCount),
                                      background: ColorPairs.reduce(style.background, mode: mode, colorCount: colorCount))
                }
                let scalar = cell.character.unicodeScalars.first?.value ?? 32
                var printable = scalar >= 32 && scalar != 127 ? scalar : 32
                // A double-width character would push the rest of the row one column right.
                if printable >= 0x1100 && CursesScreen.isDoubleWidth(printable) { printable = 0x3F }
                let (y, x) = (Int32(index / buffer.width), Int32(index % buffer.width))
                let scalars = cell.character.unicodeScalars
                if printable == scalar && scalars.count > 1 {   // a letter with combining marks
                    let wide = scalars.map { wchar_t(bitPattern: $0.value) }
                    _ = wide.withUnsafeBufferPointer {
                        cnn_put_combined(window, y, x, $0.baseAddress, Int32($0.count), attributes, pair)
                    }
                } else {
                    _ = cnn_put_wch(window, y, x, wchar_t(bitPattern: printable), attributes, pair)
                }
            }
        }
        wnoutrefresh(window)
        doupdate()
        previous = buffer
    }

    /// True for characters terminals draw two columns wide (CJK, fullwidth forms, most
    /// emoji): the locale's wcwidth when it knows, else the main East Asian Wide blocks.
    static func isDoubleWidth(_ scalar: UInt32) -> Bool {
        let width = cnn_wcwidth(wchar_t(bitPattern: scalar))
        if width >= 0 { return width == 2 }
        switch scalar {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
             0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// What ncurses holds for the cell at (x, y): character, attributes as `Attributes`,
    /// and colours as xterm indices (-1 = default). For tests of the drawing path.
    func cellOnScreen(x: Int, y: Int) -> (character: Character, attributes: Attributes, foreground: Int, background: Int)? {
        var character: wchar_t = 0
        var attrs: attr_t = 0
        var pair: Int32 = 0
        guard cnn_read_cell(window, Int32(y), Int32(x), &character, &attrs, &pair) == cnn_ok(),
              let scalar = Unicode.Scalar(UInt32(bitPattern: character)) else { return nil }
        var attributes: Attributes = []
        if attrs & attributeBits.bold != 0 { attributes.insert(.bold) }
        if attrs & attributeBits.reverse != 0 { attributes.insert(.reverse) }
        if attrs & attributeBits.underline != 0 { attributes.insert(.underline) }
        if attrs & attributeBits.dim != 0 { attributes.insert(.dim) }
        var foreground: Int32 = -1, background: Int32 = -1
        if pair != 0 { _ = cnn_pair_content(pair, &foreground, &background) }
        return (Character(scalar), attributes, Int(foreground), Int(background))
    }

    /// Waits up to `milliseconds` (negative: forever) for input; nil on timeout or signal.
    func readInput(timeout milliseconds: Int) -> DecodedInput? {
        wtimeout(window, Int32(milliseconds))
        var character: wint_t = 0
        let status = wget_wch(window, &character)
        if status == cnn_err() { return nil }
        let decoded = KeyDecoder.decode(code: UInt32(character), isFunctionKey: status == cnn_key_code_yes())
        guard decoded == .key(.escape) else { return decoded }
        // The rest of an escape sequence ncurses did not recognise arrives in the same burst.
        var tail: [Character] = []
        wtimeout(window, 5)
        while tail.count < 8 {
            var next: wint_t = 0
            let nextStatus = wget_wch(window, &next)
            guard nextStatus != cnn_err(), nextStatus != cnn_key_code_yes(),
                  let scalar = Unicode.Scalar(UInt32(next)) else { break }
            tail.append(Character(scalar))
            if KeyDecoder.endsSequence(tail.last!, length: tail.count) || (tail.count == 1 && tail[0] != "[" && tail[0] != "O") {
                break
            }
        }
        return KeyDecoder.decodeEscapeSequence(tail)
    }

    /// Restores the terminal. Safe to call more than once.
    func close() {
        guard !closed else { return }
        closed = true
        set_term(screen)
        endwin()
        cnn_set_curses_active(0)
        if let nullFiles {
            delscreen(screen)
            fclose(nullFiles.0)
            fclose(nullFiles.1)
        } else {
            cnn_restore_signal_handlers()
            delscreen(screen)
        }
        CursesScreen.release()
    }
}

/// The stop signal (SIGINT, SIGTERM, SIGHUP) recorded by the C handler since the last
/// call, if any. The handler only sets a flag, so a signal never interrupts a frame.
/// (Kept in this file: see the note on the signal state in shim.h.)
// Never inlined: the flag is a static in shim.h, one copy per object file; inlined into another
// module (release builds specialise the generic run loop there) it would read a copy no handler sets.
@inline(never)
func takePendingSignal() -> Int32? {
    let signal = cnn_take_pending_signal()
    return signal == 0 ? nil : signal
}
