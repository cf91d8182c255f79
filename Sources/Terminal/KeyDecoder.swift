import CNCurses

/// What one `wget_wch` result means.
enum DecodedInput: Equatable {
    case key(Key)
    /// The terminal changed size (the loop reads the new size).
    case resize
    /// Nothing a screen reacts to (a control character, an unknown key).
    case ignored
}

/// Turns ncurses input codes into `Key`s. Pure, so the table is tested without a terminal.
enum KeyDecoder {
    /// The ncurses codes, read once from the library's headers.
    static let functionKeys: [Int32: Key] = {
        var table: [Int32: Key] = [
            KEY_UP: .up, KEY_DOWN: .down, KEY_LEFT: .left, KEY_RIGHT: .right,
            KEY_HOME: .home, KEY_END: .end, KEY_PPAGE: .pageUp, KEY_NPAGE: .pageDown,
            KEY_ENTER: .enter, KEY_BTAB: .backTab, KEY_BACKSPACE: .backspace, KEY_DC: .delete,
            KEY_A1: .home, KEY_C1: .end, KEY_A3: .pageUp, KEY_C3: .pageDown,
        ]
        for n in 1...12 { table[Int32(cnn_key_f(Int32(n)))] = .function(n) }
        return table
    }()

    /// Decodes a result of `wget_wch`: `isFunctionKey` when it returned KEY_CODE_YES
    /// (then `code` is a KEY_* constant), otherwise `code` is a character.
    static func decode(code: UInt32, isFunctionKey: Bool) -> DecodedInput {
        if isFunctionKey {
            if Int32(code) == cnn_key_resize() { return .resize }
            return functionKeys[Int32(code)].map { .key($0) } ?? .ignored
        }
        switch code {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 0..<32: return .ignored
        default:
            guard let scalar = Unicode.Scalar(code) else { return .ignored }
            return .key(.character(Character(scalar)))
        }
    }

    /// Decodes the characters that followed an Escape in one read: the cursor and editing
    /// keys' sequences that ncurses did not know because TERM names another terminal (xterm's
    /// `ESC O H` for Home under TERM=screen, `ESC [ 1 ~` under TERM=xterm-256color in tmux).
    /// An empty tail is the Escape key itself; an unknown sequence is ignored, never Escape
    /// followed by stray characters (which used to quit the home screen or open a lesson).
    static func decodeEscapeSequence(_ tail: [Character]) -> DecodedInput {
        guard let first = tail.first else { return .key(.escape) }
        guard first == "[" || first == "O", let final = tail.last, tail.count >= 2 else {
            // Alt+key arrives as Escape then the key: nothing here uses Alt.
            return .ignored
        }
        let parameters = String(tail.dropFirst().dropLast())
        switch final {
        case "A": return .key(.up)
        case "B": return .key(.down)
        case "C": return .key(.right)
        case "D": return .key(.left)
        case "H": return .key(.home)
        case "F": return .key(.end)
        case "Z": return .key(.backTab)
        case "~":
            switch parameters.split(separator: ";").first.map(String.init) ?? "" {
            case "1", "7": return .key(.home)
            case "4", "8": return .key(.end)
            case "3": return .key(.delete)
            case "5": return .key(.pageUp)
            case "6": return .key(.pageDown)
            default: return .ignored
            }
        default: return .ignored
        }
    }

    /// True for the character that ends an escape sequence (a letter or `~` after the prefix).
    static func endsSequence(_ character: Character, length: Int) -> Bool {
        length >= 2 && (character.isLetter || character == "~")
    }
}
