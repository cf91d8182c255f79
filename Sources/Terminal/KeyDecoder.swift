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
}
